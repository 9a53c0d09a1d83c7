"""Sixth-round single-fault mutations: real-world renders made into working baselines.

Baselines (each lints with no error or warning; what was repaired is in the comment at the top of each file):
- b15-kps: kube-prometheus-stack 47 (`helm template`, Siemens-Healthineers/K2s): an Operator Prometheus, its
  ClusterRole/Binding, the kubelet (3 endpoints), apiserver and coredns ServiceMonitors, additionalScrapeConfigs.
- b16-prom-chart: the prometheus chart 22.2 (`helm get manifest`): prometheus-server Deployment with the classic
  ConfigMap jobs (apiservers, nodes, nodes-cadvisor on :10250, service-endpoints, services via blackbox, pods).
- b17-otel: splunk-otel-collector agent DaemonSet (rendered example): kubeletstats, a prometheus receiver and
  receiver_creator prometheus receivers (coredns, the API server). Its other components (k8sattributes, k8s_observer)
  call the API with the same token, so KS203/KS207/KS208 stay silent for it (checks/privilege.py).

Each is (name, baseline, edits, expected rule ids): every rule whose findings the mutation adds to the baseline's
(KS604 aside), decided from SPEC §3/§4 and FACTS before running the tool (test_rounds.py).

Judged after running. The tool was wrong once, and is fixed (otel._kubeconfig_jobs):
- "b17 kubeletstats through the API server (kubeConfig)": the tool reported KS106 (anonymous, 401) and KS304, as if
  the receiver called the kubelet with no token. With auth_type kubeConfig the receiver reads
  `<kubeconfig host>/api/v1/nodes/<endpoint>/proxy/…` with the kubeconfig's credentials — in a pod without a
  kubeconfig file the in-cluster config, the pod's token (opentelemetry-collector-contrib internal/kubelet/client.go
  kubeConfigClientProvider.BuildClient): get nodes/proxy, KS103 + KS209 (fixture KS103/fail-kubeletstats-kubeconfig-…).
The first guess was wrong, not the tool, for the rest (kept as the tool has them):
- A monitor no Prometheus selects any more is a config whose identity is unknown: KS100 beside the KS203 of what it
  used (the established reading, mutations.py "b3 SM ns selector labels"). With every monitor unselected, the
  Prometheus' own Alertmanager discovery (spec.alerting, endpoints in monitoring) is all that is left: KS208 too.
- The chart's kubernetes-pods job takes its scheme from an annotation (default http): the token goes over plain
  HTTP as well as to every opted-in pod, KS303 beside KS306.
- A KS503 the tool leaves silent while another rule grants the same resource (events.k8s.io namespaces beside
  core namespaces) appears once a typo (`gett`) leaves that rule granting nothing: the entry now matters.
- `*` in resources covers pods/exec and pods/attach: KS205 beside KS201/KS202/KS204.
Not fixed, reported to the lead (the expectations record what the tool does):
- "b16 apiservers keep regex names port http": the keep regex matches no port of the built-in default/kubernetes
  Service (it has only `https`), so the /metrics URL grant serves nothing, but the tool treats the target as an
  unseen workload and keeps KS203 silent (first guess KS203).
- b17's receiver_creator template for the API server (target '`endpoint`', the port and the kube-apiserver pod come
  from the `rule` expression) was not recognised as the API server; fixed since (otel._resolve_endpoint): dropping
  the URL grant, a v1beta1 binding or a ServiceAccount typo now add KS104, the first guess.
"""

P, M, S = "prometheus.yaml", "monitors.yaml", "scrape.yaml"
C = "collector.yaml"
B15, B16, B17 = "b15-kps", "b16-prom-chart", "b17-otel"

# ---- b15
DISC15 = '  - services\n  - endpoints\n  - pods\n  verbs: ["list", "watch"]\n'
NODES15 = '- apiGroups: [""]\n  resources:\n  - nodes/metrics\n  verbs: ["get"]\n'
URL15 = '- nonResourceURLs: ["/metrics"]\n  verbs: ["get"]\n'
CRB15 = "kind: ClusterRoleBinding\nmetadata:\n  name: kube-prometheus-stack-prometheus\n"
SUBJ15 = "    name: kube-prometheus-stack-prometheus\n    namespace: monitoring\n"
SA15 = "  serviceAccountName: kube-prometheus-stack-prometheus\n"
KUBELET0 = ("  - port: https-metrics\n    scheme: https\n    tlsConfig:\n      caFile: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n"
            "    bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n")
APISERVER15 = "      serverName: kubernetes\n      insecureSkipVerify: false\n"
COREDNS15 = "  - port: http-metrics\n"
WINDOWS15 = '    - "job_name": "windows-exporter"\n'
# ---- b16
DISC16 = "      - nodes\n      - services\n      - endpoints\n      - pods\n    verbs:\n      - list\n"
NODES16 = "      - nodes/metrics\n    verbs:\n      - get\n"
URL16 = '  - nonResourceURLs:\n      - "/metrics"\n    verbs:\n      - get\n'
APISERVERS16 = ("      scheme: https\n      tls_config:\n        ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n"
                "    - bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n      job_name: kubernetes-nodes\n")
NODESJOB16 = ("      job_name: kubernetes-nodes\n      kubernetes_sd_configs:\n      - role: node\n      relabel_configs:\n"
              "      - action: labelmap\n        regex: __meta_kubernetes_node_label_(.+)\n")
CADVISOR16 = "      metrics_path: /metrics/cadvisor\n"
SA16 = "      serviceAccountName: prometheus-server\n"
CRB16_SUBJ = "    name: prometheus-server\n    namespace: monitoring\nroleRef:\n"
CRB16 = "kind: ClusterRoleBinding\nmetadata:\n"
CONTAINER16 = "        - name: prometheus-server\n          image: \"quay.io/prometheus/prometheus:v2.43.0\"\n"
PODSJOB16 = "    - honor_labels: true\n      job_name: kubernetes-pods\n"
SEP16 = "      job_name: kubernetes-service-endpoints\n      kubernetes_sd_configs:\n      - role: endpoints\n"
# ---- b17
CORE17 = "  - nodes/stats\n  - nodes/pods\n"
URL17 = "- nonResourceURLs:\n  - /metrics\n"
KUBELETSTATS17 = "      kubeletstats:\n        auth_type: serviceAccount\n        collection_interval: 10s\n        endpoint: ${K8S_NODE_IP}:10250\n"
EXTRA17 = "        extra_metadata_labels:\n        - container.id\n"
APISERVER17 = "                  job_name: kubernetes-apiserver\n                  scheme: https\n"
APITLS17 = "                    ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n            rule: type == \"port\""
COREDNS17 = "                - job_name: coredns\n"
CRB17 = "kind: ClusterRoleBinding\napiVersion: rbac.authorization.k8s.io/v1\nmetadata:\n  name: default-splunk-otel-collector\n"
POD17 = "      serviceAccountName: default-splunk-otel-collector\n"
CONTAINER17 = "        image: quay.io/signalfx/splunk-otel-collector:0.94.0\n"
MOUNTS17 = "        volumeMounts:\n        - mountPath: /conf\n"
VOLUMES17 = "      volumes:\n"
VERBS17 = "  - services\n  verbs:\n  - get\n"


MUTATIONS = [
    # ---- b15: kube-prometheus-stack 47 (Operator, endpoints role)
    ("b15 drop the /metrics URL grant", B15, [(P, URL15, "")], ["KS104"]),
    ("b15 drop the nodes/metrics rule", B15, [(P, NODES15, "")], ["KS102"]),
    ("b15 drop endpoints from discovery", B15, [(P, DISC15, DISC15.replace("  - endpoints\n", ""))], ["KS101"]),
    ("b15 typo resource endpoint", B15, [(P, DISC15, DISC15.replace("  - endpoints\n", "  - endpoint\n"))], ["KS101", "KS503"]),
    ("b15 typo verb wacth", B15, [(P, DISC15, DISC15.replace('"watch"', '"wacth"'))], ["KS101", "KS504"]),
    ("b15 apiGroup core instead of \"\"", B15, [(P, '- apiGroups: [""]\n  resources:\n  - services', '- apiGroups: ["core"]\n  resources:\n  - services')],
     ["KS101", "KS503"]),
    ("b15 URL grant /metrics/", B15, [(P, URL15, URL15.replace('"/metrics"', '"/metrics/"'))], ["KS104", "KS203"]),
    ("b15 binding subject namespace default", B15, [(P, SUBJ15, SUBJ15.replace("monitoring", "default"))], ["KS108"]),
    ("b15 RoleBinding instead of ClusterRoleBinding", B15,
     [(P, CRB15, "kind: RoleBinding\nmetadata:\n  name: kube-prometheus-stack-prometheus\n  namespace: monitoring\n")], ["KS105", "KS203"]),
    ("b15 binding v1beta1", B15, [(P, "apiVersion: rbac.authorization.k8s.io/v1\n" + CRB15, "apiVersion: rbac.authorization.k8s.io/v1beta1\n" + CRB15)],
     ["KS101", "KS102", "KS104", "KS501"]),
    ("b15 roleRef name typo", B15, [(P, "  kind: ClusterRole\n  name: kube-prometheus-stack-prometheus\nsubjects",
                                     "  kind: ClusterRole\n  name: kube-prometheus-stack-prometheus-\nsubjects")], ["KS101", "KS102", "KS104", "KS502"]),
    ("b15 serviceAccountName renamed in the CR", B15, [(P, SA15, "  serviceAccountName: prometheus\n")], ["KS101", "KS102", "KS104", "KS109"]),
    ("b15 no serviceAccountName (default)", B15, [(P, SA15, "")], ["KS101", "KS102", "KS104"]),
    ("b15 SA automount false (the operator sets it true on the pod)", B15,
     [(P, '    app.kubernetes.io/component: prometheus\n    release: "kube-prometheus-stack"\n',
       '    app.kubernetes.io/component: prometheus\n    release: "kube-prometheus-stack"\nautomountServiceAccountToken: false\n')], []),
    ("b15 CR automount false", B15, [(P, SA15, SA15 + "  automountServiceAccountToken: false\n")], ["KS107"]),
    ("b15 no serviceMonitorNamespaceSelector (own namespace)", B15, [(P, "  serviceMonitorNamespaceSelector: {}\n", "")], []),
    ("b15 serviceMonitorSelector release renamed", B15,
     [(P, '  serviceMonitorSelector:\n    matchLabels:\n      release: "kube-prometheus-stack"\n',
       '  serviceMonitorSelector:\n    matchLabels:\n      release: "kube-prometheus"\n')], ["KS100"]),  # round 17: no KS203/KS208 — KS100's label fix brings the monitor back, and what it needs is kept (grants.selection_fix_jobs)
    ("b15 kubelet monitor loses its release label", B15,
     [(M, '    app: kube-prometheus-stack-kubelet    \n    release: "kube-prometheus-stack"\n', '    app: kube-prometheus-stack-kubelet    \n')], ["KS100"]),  # round 17: no KS203/KS208 — KS100's label fix brings the monitor back, and what it needs is kept (grants.selection_fix_jobs)
    ("b15 kubelet endpoint without token", B15, [(M, KUBELET0, KUBELET0.replace("    bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n", ""))],
     ["KS106"]),
    ("b15 kubelet endpoint insecureSkipVerify", B15, [(M, KUBELET0, KUBELET0.replace("ca.crt\n", "ca.crt\n      insecureSkipVerify: true\n"))], ["KS301"]),
    ("b15 kubelet endpoint path /stats/summary", B15, [(M, KUBELET0, KUBELET0 + "    path: /stats/summary\n")], ["KS102"]),
    ("b15 kubelet endpoint path /metrics/resource", B15, [(M, KUBELET0, KUBELET0 + "    path: /metrics/resource\n")], []),
    ("b15 kubelet endpoint on the read-only port", B15, [(M, KUBELET0, KUBELET0.replace("  - port: https-metrics\n", "  - port: http-metrics\n"))],
     ["KS302"]),
    ("b15 apiserver insecureSkipVerify true", B15, [(M, APISERVER15, "      serverName: kubernetes\n      insecureSkipVerify: true\n")], ["KS301"]),
    ("b15 apiserver scheme http", B15, [(M, "    port: https\n    scheme: https\n", "    port: https\n    scheme: http\n")], ["KS303"]),
    ("b15 apiserver monitor looks in kube-system (unseen Services)", B15,
     [(M, "  namespaceSelector:\n    matchNames:\n    - default\n", "  namespaceSelector:\n    matchNames:\n    - kube-system\n")], []),
    ("b15 coredns endpoint with the token over http", B15,
     [(M, COREDNS15, COREDNS15 + "    bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n")], ["KS303"]),
    ("b15 additional job sends the token over http", B15,
     [(S, WINDOWS15, WINDOWS15 + '      "bearer_token_file": "/var/run/secrets/kubernetes.io/serviceaccount/token"\n')], ["KS303"]),
    ("b15 grant secrets too", B15, [(P, DISC15, DISC15.replace("  - pods\n", "  - pods\n  - secrets\n"))], ["KS203", "KS204"]),
    # ---- b16: prometheus chart 22 (ConfigMap jobs, Deployment)
    ("b16 drop nodes from discovery", B16, [(P, DISC16, DISC16.replace("      - nodes\n", "", 1))], ["KS101"]),
    ("b16 drop the nodes/metrics rule", B16, [(P, NODES16, NODES16.replace("nodes/metrics", "nodes/spec"))], ["KS102", "KS203"]),
    ("b16 drop the /metrics URL grant", B16, [(P, URL16, "")], ["KS104"]),
    ("b16 typo verb lists", B16, [(P, DISC16, DISC16.replace("      - list\n", "      - lists\n"))], ["KS101", "KS504"]),
    ("b16 endpointslices under the core group", B16, [(P, DISC16, DISC16.replace("      - endpoints\n", "      - endpointslices\n"))], ["KS101", "KS503"]),
    ("b16 nodes/* instead of nodes/metrics", B16, [(P, NODES16, NODES16.replace("nodes/metrics", "nodes/*"))], ["KS102", "KS505"]),
    ("b16 grant secrets too", B16, [(P, DISC16, DISC16.replace("      - pods\n", "      - pods\n      - secrets\n"))], ["KS203", "KS204"]),
    ("b16 apiservers insecure_skip_verify", B16, [(P, APISERVERS16, APISERVERS16.replace("ca.crt\n", "ca.crt\n        insecure_skip_verify: true\n", 1))], ["KS301"]),
    ("b16 apiservers scheme http", B16, [(P, APISERVERS16, APISERVERS16.replace("scheme: https", "scheme: http"))], ["KS303"]),
    ("b16 apiservers keep regex names port http", B16, [(P, "regex: default;kubernetes;https", "regex: default;kubernetes;http")], []),
    ("b16 nodes job back through the API-server proxy", B16,
     [(P, NODESJOB16, NODESJOB16 + "      - replacement: kubernetes.default.svc:443\n        target_label: __address__\n      - regex: (.+)\n"
                                   "        replacement: /api/v1/nodes/$1/proxy/metrics\n        source_labels:\n        - __meta_kubernetes_node_name\n"
                                   "        target_label: __metrics_path__\n")], ["KS103", "KS209"]),
    ("b16 nodes job on the read-only port", B16,
     [(P, NODESJOB16, NODESJOB16 + "      - source_labels: [__address__]\n        regex: (.+):\\d+\n        replacement: $1:10255\n"
                                   "        target_label: __address__\n")], ["KS302"]),
    ("b16 nodes job scheme http", B16, [(P, NODESJOB16 + "      scheme: https\n", NODESJOB16 + "      scheme: http\n")], ["KS303"]),
    ("b16 cadvisor path typo /metric/cadvisor", B16, [(P, CADVISOR16, "      metrics_path: /metric/cadvisor\n")], ["KS102"]),
    ("b16 service-endpoints role endpointslice", B16, [(P, SEP16, SEP16.replace("role: endpoints", "role: endpointslice"))], ["KS101"]),
    ("b16 pods job sends the token", B16, [(P, PODSJOB16, PODSJOB16 + "      bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n")],
     ["KS303", "KS306"]),
    ("b16 serviceAccountName typo", B16, [(P, SA16, "      serviceAccountName: prometheus-sever\n")], ["KS101", "KS102", "KS104", "KS109"]),
    ("b16 pod automount false", B16, [(P, SA16, SA16 + "      automountServiceAccountToken: false\n")], ["KS107"]),
    ("b16 binding subject namespace default", B16, [(P, CRB16_SUBJ, CRB16_SUBJ.replace("monitoring", "default"))], ["KS108"]),
    ("b16 RoleBinding instead of ClusterRoleBinding", B16,
     [(P, CRB16, "kind: RoleBinding\nmetadata:\n  namespace: monitoring\n")], ["KS105", "KS203"]),
    ("b16 hostNetwork", B16, [(P, SA16, SA16 + "      hostNetwork: true\n")], ["KS401"]),
    ("b16 privileged server container", B16, [(P, CONTAINER16, CONTAINER16 + "          securityContext:\n            privileged: true\n")], ["KS403"]),
    ("b16 config volume names another ConfigMap", B16,
     [(P, "          configMap:\n            name: prometheus-server\n", "          configMap:\n            name: prometheus-server-config\n")], ["KS100"]),
    ("b16 grant configmaps as the chart does", B16, [(P, DISC16, DISC16.replace("      - pods\n", "      - pods\n      - configmaps\n"))], ["KS203"]),
    # ---- b17: splunk-otel-collector agent
    ("b17 drop nodes/stats", B17, [(C, CORE17, "  - nodes/pods\n")], ["KS102"]),
    ("b17 drop nodes/pods", B17, [(C, CORE17, "  - nodes/stats\n")], ["KS102"]),
    ("b17 nodes/status instead of nodes/stats", B17, [(C, CORE17, "  - nodes/status\n  - nodes/pods\n")], ["KS102"]),
    ("b17 no extra_metadata_labels (nodes/pods unused, KS203 off)", B17, [(C, EXTRA17, "")], []),
    # the receiver_creator template whose rule picks the kube-apiserver pod scrapes the API server's /metrics
    ("b17 drop the /metrics URL grant", B17, [(C, URL17 + "  verbs:\n  - get\n  - list\n  - watch\n", "")], ["KS104"]),
    ("b17 typo verb gett", B17, [(C, VERBS17, VERBS17.replace("  - get\n", "  - gett\n"))], ["KS102", "KS503", "KS504"]),
    ("b17 grant every resource", B17, [(C, "  resources:\n  - events\n  - namespaces\n  - namespaces/status\n", "  resources:\n  - \"*\"\n  - events\n  - namespaces\n  - namespaces/status\n")],
     ["KS201", "KS202", "KS204", "KS205"]),
    ("b17 binding subject namespace monitoring", B17, [(C, "subjects:\n- kind: ServiceAccount\n  name: default-splunk-otel-collector\n  namespace: default\n",
                                                        "subjects:\n- kind: ServiceAccount\n  name: default-splunk-otel-collector\n  namespace: monitoring\n")], ["KS108"]),
    ("b17 RoleBinding instead of ClusterRoleBinding", B17,
     [(C, CRB17, "kind: RoleBinding\napiVersion: rbac.authorization.k8s.io/v1\nmetadata:\n  name: default-splunk-otel-collector\n  namespace: default\n")], ["KS105"]),
    ("b17 binding v1beta1", B17, [(C, CRB17, CRB17.replace("rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io/v1beta1"))], ["KS102", "KS104", "KS501"]),
    ("b17 serviceAccountName typo", B17, [(C, POD17, "      serviceAccountName: default-splunk-otel-colector\n")], ["KS102", "KS104", "KS109"]),
    ("b17 pod automount false", B17, [(C, POD17, POD17 + "      automountServiceAccountToken: false\n")], ["KS107"]),
    ("b17 hostNetwork back", B17, [(C, POD17, POD17 + "      hostNetwork: true\n")], ["KS401"]),
    ("b17 hostPID", B17, [(C, POD17, POD17 + "      hostPID: true\n")], ["KS402"]),
    ("b17 privileged collector", B17, [(C, CONTAINER17, CONTAINER17 + "        securityContext:\n          privileged: true\n")], ["KS403"]),
    ("b17 host root mounted", B17, [(C, MOUNTS17, MOUNTS17.replace("        - mountPath: /conf\n", "        - mountPath: /hostfs\n          name: host-root\n          readOnly: true\n        - mountPath: /conf\n")),
                                    (C, VOLUMES17, VOLUMES17 + "      - name: host-root\n        hostPath:\n          path: /\n")], ["KS404"]),
    ("b17 kubeletstats auth_type none on :10250", B17, [(C, KUBELETSTATS17, KUBELETSTATS17.replace("serviceAccount", "none"))], ["KS106"]),
    ("b17 kubeletstats on the read-only port", B17, [(C, KUBELETSTATS17, KUBELETSTATS17.replace("serviceAccount", "none").replace(":10250", ":10255"))], ["KS302"]),
    ("b17 kubeletstats insecure_skip_verify", B17, [(C, KUBELETSTATS17, KUBELETSTATS17 + "        insecure_skip_verify: true\n")], ["KS301"]),
    ("b17 kubeletstats through the API server (kubeConfig)", B17, [(C, KUBELETSTATS17, KUBELETSTATS17.replace("serviceAccount", "kubeConfig").replace("${K8S_NODE_IP}:10250", "${K8S_NODE_NAME}"))],
     ["KS103", "KS209"]),
    ("b17 apiserver receiver insecure_skip_verify", B17, [(C, APITLS17, APITLS17.replace("ca.crt\n", "ca.crt\n                    insecure_skip_verify: true\n"))], ["KS301"]),
    ("b17 apiserver receiver scheme http", B17, [(C, APISERVER17, APISERVER17.replace("scheme: https", "scheme: http"))], ["KS303"]),
    ("b17 coredns receiver sends the token over http", B17,
     [(C, COREDNS17, "                - authorization:\n                    credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n"
                     "                  job_name: coredns\n")], ["KS303"]),
    ("b17 receiver_creator out of the pipeline (KS203 off)", B17, [(C, "          - otlp\n          - receiver_creator\n", "          - otlp\n")], []),
]
