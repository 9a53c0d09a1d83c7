"""Fourth-round single-fault mutations: the relabel rules of the plain jobs in baselines/b11-relabel only (the
upstream prometheus-kubernetes.yml jobs and kube-prometheus(-stack)-style rendered ones: the API server kept on
default/kubernetes/https, the kubelet and cAdvisor directly and through the API-server proxy, the kubelet's
/metrics/probes by the operator's kubelet Service, service endpoints and pods by annotation, blackbox by service).

Each is (name, edits of config.yaml, expected rule ids, {job: target classes}). The expected ids are the rules of
every family (KS1, KS2, KS3, KS5, KS6) whose findings the mutation adds to the baseline's, and the classes are
JobAnalysis.target_classes of the named jobs ("unknown": the job keeps no representative target) — both decided
from Prometheus' relabelling (model/relabel/relabel.go, discovery/kubernetes/*.go label names) and SPEC §3 before
running the tool (test_mutations4.py compares them).

Judged after running, and kept as the tool has it (the first guess was wrong, not the tool):
- KS301's message names the target classes, so a job that now keeps other targets (or none: "to its targets")
  adds it again.
- A path or port change that leaves the only `get /metrics` user scraping something else makes that grant unused
  (KS203); the kubelet still checks `nodes/proxy` for an /api/v1/nodes/… path sent to it directly (KS201 stays used).
- `replacement: $1` with no source labels writes "" to __address__, which deletes it: the target is dropped.
- Every representative application carries prometheus.io/scrape, so a `drop` on it keeps no workload."""

C = "config.yaml"
API_RULE = ("          - source_labels: [__meta_kubernetes_namespace, __meta_kubernetes_service_name, "
            "__meta_kubernetes_endpoint_port_name]\n            action: keep\n            regex: default;kubernetes;https\n")
API_SRC = "[__meta_kubernetes_namespace, __meta_kubernetes_service_name, __meta_kubernetes_endpoint_port_name]"
API_RE = "            regex: default;kubernetes;https\n"
KUBELET_END = "            regex: __meta_kubernetes_node_label_(.+)\n      - job_name: cadvisor\n"
CADV_END = "            regex: __meta_kubernetes_node_label_(.+)\n      - job_name: cadvisor-proxy\n"
PROXY_ADDR = "          - target_label: __address__\n            replacement: kubernetes.default.svc:443\n"
PROXY_PATH = "            replacement: /api/v1/nodes/${1}/proxy/metrics/cadvisor\n"
PROBES_KEEP = "            regex: kubelet\n"
SVC_KEEP = ("          - source_labels: [__meta_kubernetes_service_annotation_prometheus_io_scrape]\n"
            "            action: keep\n            regex: true\n")
SVC_ADDR = "            regex: (.+?)(?::\\d+)?;(\\d+)\n            replacement: $1:$2\n"
POD_KEEP = ("          - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]\n"
            "            action: keep\n            regex: true\n")
POD_ADDR = "            regex: ([^:]+)(?::\\d+)?;(\\d+)\n            replacement: $1:$2\n"
BB_ADDR = "            replacement: blackbox-exporter.monitoring.svc:9115\n"
BB_KEEP = ("          - source_labels: [__meta_kubernetes_service_annotation_prometheus_io_probe]\n"
           "            action: keep\n            regex: true\n")


def kubelet(rules: str) -> tuple:
    """Rules appended to the kubelet (node role, :10250) job."""
    return (C, KUBELET_END, KUBELET_END.replace("      - job_name: cadvisor\n", rules + "      - job_name: cadvisor\n"))


def cadvisor(rules: str) -> tuple:
    return (C, CADV_END, CADV_END.replace("      - job_name: cadvisor-proxy\n", rules + "      - job_name: cadvisor-proxy\n"))


def rule(**fields) -> str:
    """One relabel rule as the YAML list item an edit inserts."""
    lines = []
    for key, value in fields.items():
        lines.append(f"{key}: {value}")
    return "          - " + "\n            ".join(lines) + "\n"


API = "apiserver"
MUTATIONS = [
    # ---- the API server job: keep default;kubernetes;https over [namespace, service, port name]
    ("api regex unanchored-looking kubernetes;https", [(C, API_RE, "            regex: kubernetes;https\n")], [], {API: ["unknown"]}),
    ("api regex .*;https", [(C, API_RE, "            regex: .*;https\n")], [], {API: ["apiserver"]}),
    ("api regex default;kubernetes;.*", [(C, API_RE, "            regex: default;kubernetes;.*\n")], [], {API: ["apiserver"]}),
    ("api regex .*kubernetes.*", [(C, API_RE, "            regex: .*kubernetes.*\n")], [], {API: ["apiserver"]}),
    ("api regex https? ", [(C, API_RE, "            regex: default;kubernetes;https?\n")], [], {API: ["apiserver"]}),
    ("api regex http", [(C, API_RE, "            regex: default;kubernetes;http\n")], [], {API: ["unknown"]}),
    ("api regex (?i) upper", [(C, API_RE, "            regex: (?i)DEFAULT;Kubernetes;HTTPS\n")], [], {API: ["apiserver"]}),
    ("api regex quoted", [(C, API_RE, "            regex: 'default;kubernetes;https'\n")], [], {API: ["apiserver"]}),
    ("api regex alternation unparenthesised", [(C, API_RE, "            regex: default;kubernetes;https|kube-system;kubelet;https-metrics\n")],
     ["KS304"], {API: ["apiserver", "kubelet"]}),
    ("api regex named group (?P<x>)", [(C, API_RE, "            regex: default;(?P<svc>kubernetes);https\n")], [], {API: ["apiserver"]}),
    ("api regex named group (?<x>) Go 1.22", [(C, API_RE, "            regex: default;(?<svc>kubernetes);https\n")], [], {API: ["apiserver"]}),
    ("api separator comma", [(C, API_RE, API_RE + "            separator: ','\n")], [], {API: ["unknown"]}),
    ("api separator comma regex comma", [(C, API_RE, "            separator: ','\n            regex: default,kubernetes,https\n")], [], {API: ["apiserver"]}),
    ("api separator empty", [(C, API_RE, "            separator: ''\n            regex: defaultkuberneteshttps\n")], [], {API: ["apiserver"]}),
    ("api source order swapped", [(C, API_SRC, "[__meta_kubernetes_service_name, __meta_kubernetes_namespace, __meta_kubernetes_endpoint_port_name]")], [], {API: ["unknown"]}),
    ("api source order swapped regex too", [(C, API_SRC, "[__meta_kubernetes_service_name, __meta_kubernetes_namespace, __meta_kubernetes_endpoint_port_name]"),
                                             (C, API_RE, "            regex: kubernetes;default;https\n")], [], {API: ["apiserver"]}),
    ("api two source labels", [(C, API_SRC, "[__meta_kubernetes_service_name, __meta_kubernetes_endpoint_port_name]"),
                                (C, API_RE, "            regex: kubernetes;https\n")], [], {API: ["apiserver"]}),
    # KS605 judges only another role's families (its doc): a misspelt name inside the role's own (`endpoints_port_name`,
    # `node_names`) keeps nothing silently. Kept as the tool has it; reported to the lead as a gap.
    ("api endpoints_ typo label", [(C, "__meta_kubernetes_endpoint_port_name]", "__meta_kubernetes_endpoints_port_name]")], [], {API: ["unknown"]}),
    ("api endpointslice label on endpoints role", [(C, "__meta_kubernetes_endpoint_port_name]", "__meta_kubernetes_endpointslice_port_name]")], ["KS605"], {API: ["unknown"]}),
    ("api pod label on endpoints role (set for pod-backed)", [(C, "__meta_kubernetes_endpoint_port_name]", "__meta_kubernetes_pod_container_port_name]")], [], {API: ["unknown"]}),
    ("api action drop", [(C, "            action: keep\n            regex: default;kubernetes", "            action: drop\n            regex: default;kubernetes")],
     # every endpoint but the API server's: the applications. The kubelet and control-plane Services exist only where
     # an operator or chart creates them (targets.UNNAMED_SERVICE), and nothing in these inputs does.
     ["KS306"], {API: ["workload"]}),
    ("api action KEEP upper", [(C, "            action: keep\n            regex: default;kubernetes", "            action: KEEP\n            regex: default;kubernetes")], [], {API: ["apiserver"]}),
    ("api invalid regex", [(C, API_RE, "            regex: default;kubernetes;(https\n")], ["KS601"], {}),
    ("api lookahead regex", [(C, API_RE, "            regex: default;kubernetes;(?=https)\n")], ["KS601"], {}),
    ("api keep service name only", [(C, API_RULE, "          - source_labels: [__meta_kubernetes_service_name]\n            action: keep\n            regex: kubernetes\n")],
     [], {API: ["apiserver"]}),
    ("api keep service name kubelet", [(C, API_RULE, "          - source_labels: [__meta_kubernetes_service_name]\n            action: keep\n            regex: kubelet\n")],
     ["KS203", "KS302", "KS304"], {API: ["kubelet", "kubelet-readonly"]}),
    ("api keepequal namespace vs literal label", [(C, API_RULE, API_RULE + "          - target_label: __tmp_ns\n            replacement: default\n"
                                                   "          - source_labels: [__meta_kubernetes_namespace]\n            action: keepequal\n            target_label: __tmp_ns\n")],
     [], {API: ["apiserver"]}),
    ("api dropequal namespace vs literal label", [(C, API_RULE, API_RULE + "          - target_label: __tmp_ns\n            replacement: default\n"
                                                   "          - source_labels: [__meta_kubernetes_namespace]\n            action: dropequal\n            target_label: __tmp_ns\n")],
     [], {API: ["unknown"]}),
    ("api keepequal with regex", [(C, API_RULE, API_RULE + "          - source_labels: [__meta_kubernetes_namespace]\n            action: keepequal\n            target_label: x\n            regex: a\n")],
     ["KS601"], {}),
    ("api address rewritten to kubernetes.default.svc:443", [(C, API_RULE, API_RULE + "          - target_label: __address__\n            replacement: kubernetes.default.svc:443\n")],
     [], {API: ["apiserver"]}),
    ("api path rewritten /metrics/cadvisor", [(C, API_RULE, API_RULE + "          - target_label: __metrics_path__\n            replacement: /metrics/cadvisor\n")],
     ["KS104", "KS203"], {API: ["apiserver"]}),
    ("api uppercase scheme label unrelated", [(C, API_RULE, API_RULE + "          - source_labels: [__meta_kubernetes_service_name]\n            action: uppercase\n            target_label: service\n")],
     [], {API: ["apiserver"]}),
    ("api hashmod shard", [(C, API_RULE, API_RULE + "          - source_labels: [__address__]\n            action: hashmod\n            modulus: 3\n            target_label: __tmp_hash\n"
                                    "          - source_labels: [__tmp_hash]\n            action: keep\n            regex: '2'\n")], [], {API: ["apiserver"]}),
    ("api hashmod modulus 0", [(C, API_RULE, API_RULE + "          - source_labels: [__address__]\n            action: hashmod\n            modulus: 0\n            target_label: __tmp_hash\n")],
     ["KS601"], {}),
    # ---- the kubelet job: node role, __address__ <InternalIP>:10250
    ("kubelet address :10255", [kubelet(rule(source_labels="[__meta_kubernetes_node_address_InternalIP]", target_label="__address__", replacement="'$1:10255'"))],
     ["KS301", "KS302"], {"kubelet": ["kubelet-readonly"]}),
    ("kubelet address ${1}:10250", [kubelet(rule(source_labels="[__meta_kubernetes_node_address_InternalIP]", target_label="__address__", replacement="'${1}:10250'"))],
     [], {"kubelet": ["kubelet"]}),
    # <node IP>:443 is no component: not the kubelet Service (10250/10255/4194) that shares the node IP, so no KS306
    # "kubelet, which does not authenticate scrapers" (that name came from the IP alone), and no workload anyone owns.
    ("kubelet address $1 only (https default port 443)", [kubelet(rule(source_labels="[__meta_kubernetes_node_address_InternalIP]", target_label="__address__"))],
     ["KS301"], {"kubelet": ["workload"]}),
    ("kubelet address $$1:10250 literal", [kubelet(rule(source_labels="[__meta_kubernetes_node_address_InternalIP]", target_label="__address__", replacement="'$$1:10250'"))],
     [], {"kubelet": ["kubelet"]}),
    ("kubelet address $1x:10250 (group 1x empty)", [kubelet(rule(source_labels="[__meta_kubernetes_node_address_InternalIP]", target_label="__address__", replacement="'$1x:10250'"))],
     [], {"kubelet": ["kubelet"]}),
    ("kubelet address to apiserver no proxy path", [kubelet(rule(target_label="__address__", replacement="kubernetes.default.svc:443"))],
     ["KS301"], {"kubelet": ["apiserver"]}),
    ("kubelet path /metrics/resource", [kubelet(rule(target_label="__metrics_path__", replacement="/metrics/resource"))], [], {"kubelet": ["kubelet"]}),
    ("kubelet path /metrics/probes", [kubelet(rule(target_label="__metrics_path__", replacement="/metrics/probes"))], [], {"kubelet": ["kubelet"]}),
    ("kubelet path /stats/summary", [kubelet(rule(target_label="__metrics_path__", replacement="/stats/summary"))], ["KS102"], {"kubelet": ["kubelet"]}),
    ("kubelet path per node proxy without address", [kubelet(rule(source_labels="[__meta_kubernetes_node_name]", regex="(.+)", target_label="__metrics_path__",
                                                                  replacement="/api/v1/nodes/${1}/proxy/metrics"))], ["KS209"], {"kubelet": ["kubelet"]}),
    ("kubelet scheme http", [kubelet(rule(target_label="__scheme__", replacement="http"))], ["KS303"], {"kubelet": ["kubelet"]}),
    ("kubelet labelmap (.+)", [(C, KUBELET_END, KUBELET_END.replace("regex: __meta_kubernetes_node_label_(.+)", "regex: (.+)"))], [], {"kubelet": ["kubelet"]}),
    ("kubelet labeldrop node meta", [kubelet(rule(action="labeldrop", regex="__meta_kubernetes_node_.*"))], [], {"kubelet": ["kubelet"]}),
    ("kubelet labelkeep node name drops __address__", [kubelet(rule(action="labelkeep", regex="__meta_kubernetes_node_name"))], ["KS301"], {"kubelet": ["unknown"]}),
    ("kubelet labelkeep dunder", [kubelet(rule(action="labelkeep", regex="__.*"))], [], {"kubelet": ["kubelet"]}),
    ("kubelet labeldrop __address__", [kubelet(rule(action="labeldrop", regex="__address__"))], ["KS301"], {"kubelet": ["unknown"]}),
    ("kubelet lowercase node", [kubelet(rule(source_labels="[__meta_kubernetes_node_name]", action="lowercase", target_label="node"))], [], {"kubelet": ["kubelet"]}),
    ("kubelet drop all nodes", [kubelet(rule(source_labels="[__meta_kubernetes_node_name]", action="drop", regex=".+"))], ["KS301"], {"kubelet": ["unknown"]}),
    ("kubelet keep control-plane labelpresent", [kubelet(rule(source_labels="[__meta_kubernetes_node_labelpresent_node_role_kubernetes_io_control_plane]", action="keep", regex="true"))],
     [], {"kubelet": ["kubelet"]}),
    ("kubelet keep pod label under node role", [kubelet(rule(source_labels="[__meta_kubernetes_pod_name]", action="keep", regex=".+"))], ["KS301", "KS605"], {"kubelet": ["unknown"]}),
    ("kubelet keep node_address_ExternalIP (not set here)", [kubelet(rule(source_labels="[__meta_kubernetes_node_address_ExternalIP]", action="keep", regex=".+"))], ["KS301"], {"kubelet": ["unknown"]}),
    ("kubelet hashmod shard of 4", [kubelet(rule(source_labels="[__address__]", action="hashmod", modulus="4", target_label="__tmp_hash")
                                            + rule(source_labels="[__tmp_hash]", action="keep", regex="'3'"))], [], {"kubelet": ["kubelet"]}),
    ("kubelet replace without regex host only", [kubelet(rule(action="replace", source_labels="[__meta_kubernetes_node_name]", target_label="__address__", replacement="'$1:10250'"))],
     [], {"kubelet": ["kubelet"]}),
    ("kubelet invalid target ${1", [kubelet(rule(source_labels="[__meta_kubernetes_node_name]", target_label="'${1'"))], [], {"kubelet": ["kubelet"]}),
    ("kubelet unknown action", [kubelet(rule(source_labels="[__meta_kubernetes_node_name]", action="keep_regex", regex=".+"))], ["KS301", "KS601"], {"kubelet": ["unknown"]}),
    # ---- cAdvisor direct (metrics_path /metrics/cadvisor on :10250)
    ("cadvisor path /metrics/probes", [cadvisor(rule(target_label="__metrics_path__", replacement="/metrics/probes"))], [], {"cadvisor": ["kubelet"]}),
    ("cadvisor path /metrics/resource", [cadvisor(rule(target_label="__metrics_path__", replacement="/metrics/resource"))], [], {"cadvisor": ["kubelet"]}),
    ("cadvisor path from label regex no match", [cadvisor(rule(source_labels="[__meta_kubernetes_node_name]", regex="nomatch", target_label="__metrics_path__", replacement="/stats/summary"))],
     [], {"cadvisor": ["kubelet"]}),
    ("cadvisor path /logs/ per node", [cadvisor(rule(source_labels="[__meta_kubernetes_node_name]", regex="(.+)", target_label="__metrics_path__", replacement="/logs/${1}"))],
     ["KS102"], {"cadvisor": ["kubelet"]}),
    ("cadvisor address :4194 (cAdvisor port)", [cadvisor(rule(source_labels="[__meta_kubernetes_node_address_InternalIP]", target_label="__address__", replacement="'$1:4194'"))],
     ["KS301", "KS302"], {"cadvisor": ["kubelet-readonly"]}),
    ("cadvisor empty replacement deletes path", [cadvisor(rule(target_label="__metrics_path__", replacement="''"))], [], {"cadvisor": ["kubelet"]}),
    # ---- cAdvisor through the API-server proxy
    ("proxy address no port", [(C, PROXY_ADDR, PROXY_ADDR.replace("kubernetes.default.svc:443", "kubernetes.default.svc"))], [], {"cadvisor-proxy": ["apiserver-proxy"]}),
    ("proxy address FQDN", [(C, PROXY_ADDR, PROXY_ADDR.replace("kubernetes.default.svc:443", "kubernetes.default.svc.cluster.local:443"))], [], {"cadvisor-proxy": ["apiserver-proxy"]}),
    ("proxy path $1", [(C, PROXY_PATH, PROXY_PATH.replace("${1}", "$1"))], [], {"cadvisor-proxy": ["apiserver-proxy"]}),
    ("proxy path $$1 literal name", [(C, PROXY_PATH, PROXY_PATH.replace("${1}", "$$1"))], ["KS209"], {"cadvisor-proxy": ["apiserver-proxy"]}),
    ("proxy path metrics", [(C, PROXY_PATH, PROXY_PATH.replace("/metrics/cadvisor", "/metrics"))], ["KS209"], {"cadvisor-proxy": ["apiserver-proxy"]}),
    ("proxy path source typo", [(C, "          - source_labels: [__meta_kubernetes_node_name]\n            regex: (.+)\n            target_label: __metrics_path__",
                                 "          - source_labels: [__meta_kubernetes_node_names]\n            regex: (.+)\n            target_label: __metrics_path__")],
     ["KS201", "KS203"], {"cadvisor-proxy": ["apiserver"]}),  # no KS605: a name inside role node's own family
    # Without the address rule the proxy path reaches the kubelet itself, which serves no /api/v1/… path: 404
    # after checking nodes/proxy (KS209, an error whatever is granted).
    ("proxy address rule dropped", [(C, PROXY_ADDR, "")], ["KS201", "KS209", "KS304"], {"cadvisor-proxy": ["kubelet"]}),
    ("proxy address target_label typo", [(C, PROXY_ADDR, PROXY_ADDR.replace("__address__", "__adress__"))], ["KS201", "KS209", "KS304"], {"cadvisor-proxy": ["kubelet"]}),
    ("proxy address after path", [(C, PROXY_ADDR, ""), (C, PROXY_PATH, PROXY_PATH + PROXY_ADDR)], [], {"cadvisor-proxy": ["apiserver-proxy"]}),
    ("proxy address node IP :10250", [(C, PROXY_ADDR, "          - source_labels: [__meta_kubernetes_node_address_InternalIP]\n            target_label: __address__\n            replacement: $1:10250\n")],
     ["KS201", "KS209", "KS304"], {"cadvisor-proxy": ["kubelet"]}),
    ("proxy path legacy /api/v1/proxy/nodes", [(C, PROXY_PATH, "            replacement: /api/v1/proxy/nodes/${1}/metrics/cadvisor\n")],
     ["KS201", "KS203", "KS209"], {"cadvisor-proxy": ["apiserver-proxy"]}),
    ("proxy path services proxy", [(C, PROXY_PATH, "            replacement: /api/v1/namespaces/kube-system/services/${1}:10250/proxy/metrics\n")],
     ["KS103", "KS201", "KS203"], {"cadvisor-proxy": ["apiserver-proxy"]}),
    # ---- kubelet /metrics/probes through the operator's kubelet Service (endpoints in kube-system)
    ("probes keep k8s-app typo", [(C, PROBES_KEEP, "            regex: kubelets\n")], ["KS301"], {"kubelet-probes": ["unknown"]}),
    ("probes keep port http-metrics", [(C, "            regex: https-metrics\n", "            regex: http-metrics\n")], ["KS301", "KS302"], {"kubelet-probes": ["kubelet-readonly"]}),
    ("probes keep port .*metrics", [(C, "            regex: https-metrics\n", "            regex: .*metrics\n")], ["KS301", "KS302"], {"kubelet-probes": ["kubelet", "kubelet-readonly"]}),
    ("probes port keep removed", [(C, "          - source_labels: [__meta_kubernetes_endpoint_port_name]\n            action: keep\n            regex: https-metrics\n", "")],
     ["KS301", "KS302"], {"kubelet-probes": ["kubelet", "kubelet-readonly"]}),
    ("probes endpointslice label", [(C, "          - source_labels: [__meta_kubernetes_endpoint_port_name]\n            action: keep\n            regex: https-metrics\n",
                                     "          - source_labels: [__meta_kubernetes_endpointslice_port_name]\n            action: keep\n            regex: https-metrics\n")],
     ["KS301", "KS605"], {"kubelet-probes": ["unknown"]}),
    ("probes path replaced /metrics/cadvisor", [(C, "          - source_labels: [__meta_kubernetes_endpoint_address_target_name]\n            target_label: node\n",
                                                 "          - target_label: __metrics_path__\n            replacement: /metrics/cadvisor\n")], [], {"kubelet-probes": ["kubelet"]}),
    ("probes keep on service name kubelet", [(C, "          - source_labels: [__meta_kubernetes_service_label_k8s_app]\n", "          - source_labels: [__meta_kubernetes_service_name]\n")],
     [], {"kubelet-probes": ["kubelet"]}),
    # ---- service endpoints by annotation (no credentials)
    ("svc keep True", [(C, SVC_KEEP, SVC_KEEP.replace("regex: true", "regex: True"))], [], {"service-endpoints": ["workload"]}),
    ("svc keep (?i)true", [(C, SVC_KEEP, SVC_KEEP.replace("regex: true", "regex: (?i)true"))], [], {"service-endpoints": ["workload"]}),
    ("svc address ${1}:${2}", [(C, SVC_ADDR, SVC_ADDR.replace("$1:$2", "${1}:${2}"))], [], {"service-endpoints": ["workload"]}),
    ("svc address $1$2", [(C, SVC_ADDR, SVC_ADDR.replace("$1:$2", "$1$2"))], [], {"service-endpoints": ["workload"]}),
    ("svc keep annotationpresent", [(C, SVC_KEEP, SVC_KEEP.replace("annotation_prometheus_io_scrape", "annotationpresent_prometheus_io_scrape"))], [], {"service-endpoints": ["workload"]}),
    ("svc keep on service name kubernetes", [(C, SVC_KEEP, "          - source_labels: [__meta_kubernetes_service_name]\n            action: keep\n            regex: kubernetes\n")],
     ["KS106"], {"service-endpoints": ["apiserver"]}),
    ("svc keep on service name kube-state-metrics", [(C, SVC_KEEP, "          - source_labels: [__meta_kubernetes_service_name]\n            action: keep\n            regex: kube-state-metrics\n")],
     [], {"service-endpoints": ["unknown"]}),
    ("svc keep becomes drop", [(C, SVC_KEEP, SVC_KEEP.replace("action: keep", "action: drop"))],
     # every endpoint but the opted-in ones: the API server's (default/kubernetes always exists); no kubelet or
     # control-plane Service is in these inputs (targets.UNNAMED_SERVICE)
     ["KS106"], {"service-endpoints": ["apiserver"]}),
    ("svc pod label under endpoints role (pod-backed)", [(C, SVC_KEEP, SVC_KEEP.replace("service_annotation_prometheus_io_scrape", "pod_annotation_prometheus_io_scrape"))],
     [], {"service-endpoints": ["workload"]}),
    ("svc node label without attach_metadata", [(C, SVC_KEEP, SVC_KEEP.replace("service_annotation_prometheus_io_scrape", "node_label_kubernetes_io_os").replace("regex: true", "regex: linux"))],
     ["KS605"], {"service-endpoints": ["unknown"]}),
    ("svc scheme regex (.+)", [(C, "            regex: (https?)\n", "            regex: (.+)\n")], [], {"service-endpoints": ["workload"]}),
    ("svc scheme https literal", [(C, "            target_label: __scheme__\n            regex: (https?)\n", "            target_label: __scheme__\n            regex: (https?)\n            replacement: https\n")],
     [], {"service-endpoints": ["workload"]}),
    ("svc address to port 10250", [(C, SVC_ADDR, SVC_ADDR.replace("$1:$2", "$1:10250"))], ["KS106"], {"service-endpoints": ["kubelet"]}),
    # ---- pods by annotation (no credentials)
    ("pods keep port 9100", [(C, POD_KEEP, "          - source_labels: [__meta_kubernetes_pod_container_port_number]\n            action: keep\n            regex: '9100'\n")],
     [], {"pods": ["unknown"]}),
    ("pods host IP :10250", [(C, POD_ADDR, "            regex: (.+);(.*)\n            replacement: $1:10250\n"),
                             (C, "          - source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]", "          - source_labels: [__meta_kubernetes_pod_host_ip, __meta_kubernetes_pod_annotation_prometheus_io_port]")],
     ["KS106"], {"pods": ["kubelet"]}),
    ("pods endpoint label under pod role", [(C, POD_KEEP, POD_KEEP.replace("pod_annotation_prometheus_io_scrape", "endpoint_port_name").replace("regex: true", "regex: metrics"))],
     ["KS605"], {"pods": ["unknown"]}),
    ("pods service annotation under pod role", [(C, POD_KEEP, POD_KEEP.replace("pod_annotation", "service_annotation"))], ["KS605"], {"pods": ["unknown"]}),
    ("pods keep removed", [(C, POD_KEEP, "")], [], {"pods": ["workload"]}),
    ("pods address replacement ${2} only", [(C, POD_ADDR, POD_ADDR.replace("$1:$2", "${2}"))], [], {"pods": ["workload"]}),
    # ---- blackbox through the service role
    ("bb exporter address -> apiserver", [(C, BB_ADDR, BB_ADDR.replace("blackbox-exporter.monitoring.svc:9115", "kubernetes.default.svc:443"))],
     ["KS106"], {"blackbox": ["apiserver"]}),
    ("bb address rule removed", [(C, BB_ADDR, "            replacement: $1\n")], [], {"blackbox": ["unknown"]}),
    ("bb keep false", [(C, BB_KEEP, BB_KEEP.replace("regex: true", "regex: 'false'"))], [], {"blackbox": ["workload"]}),
    ("bb keep removed", [(C, BB_KEEP, "")], [], {"blackbox": ["workload"]}),
    ("bb pod label under service role", [(C, BB_KEEP, BB_KEEP.replace("service_annotation", "pod_annotation"))], ["KS605"], {"blackbox": ["unknown"]}),
]
