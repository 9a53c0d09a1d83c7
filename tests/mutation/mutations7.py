"""Seventh-round single-fault mutations: three more real-world renders made into working baselines.

Baselines (each lints with no error or warning; what was repaired is in the comment at the top of each file):
- b18-microk8s: the pre-2021 `microk8s enable prometheus` addon (a kube-prometheus copy): Prometheus CR selecting
  every ServiceMonitor in every namespace, a ClusterRole for nodes/metrics and /metrics, per-namespace Roles and
  RoleBindings (in RoleList/RoleBindingList wrappers) for discovery in default, kube-system and monitoring; the
  apiserver, kubelet (2 endpoints) and kube-controller-manager monitors.
- b19-vmagent: vmagent Deployment reading `-promscrape.config` from a ConfigMap (a bootstrap script's heredocs),
  with jobs for pods (annotations), the API servers, kubelet /metrics and /metrics/cadvisor, service endpoints.
- b20-legacy: a 2018 tutorial: a plain Prometheus StatefulSet (both `serviceAccount` and `serviceAccountName`) whose
  ConfigMap holds operator-generated endpoints jobs limited to namespaces, moved to served apiVersions.

Each is (name, baseline, edits, expected rule ids): every rule whose findings the mutation adds to the baseline's
(KS604 aside), decided from SPEC §3/§4 and FACTS before running the tool (test_rounds.py).

Judged after running. The tool was wrong once, and is fixed (analyse._loads_key, config_flag_urls):
- "b19 -promscrape.config from a URL": vmagent loads its config from an http(s) URL as well as a file (VictoriaMetrics
  lib/promscrape/config.go → fscore.ReadFileOrHTTP). The tool skipped the URL (not a path) and fell back to "the pod
  runs a scraper image and mounts the key", so it checked the mounted ConfigMap as vmagent's config; now the key is
  not loaded, KS100 (fixture KS100/fail-vmagent-config-from-url).
And missed one case, now reported (checks/access._unmounted_secrets_file):
- "b19 nodes job token file typo" (`/var/run/secrets/kubernetes.io/serviceacount/token`): silent, the file taken for
  another credential. Under /var/run/secrets/kubernetes.io a pod has only the automounted volume's directory unless a
  mount of its own covers the path, so the file cannot exist and every scrape fails: KS107, like a misspelt
  `serviceaccount/tokne` (fixtures KS107/fail-token-directory-typo, pass-token-file-in-own-secrets-volume).
The first guess was wrong, not the tool, for the rest (kept as the tool has them):
- A discovery need in a namespace where only RoleBindings of other namespaces hold the rule is KS105 ("the rule exists
  but only through a RoleBinding that cannot apply: other namespace"), not KS101: the per-namespace Roles of b18 make
  every lost Role, binding, verb or apiGroup in one namespace a KS105 (first guess KS101).
- A RoleBinding through which a ClusterRole grants nothing that can apply (nodes/metrics, /metrics) adds KS203 on those
  rules beside KS105, as in b15. A monitor switched to `any: true` gets KS105 alone: KS105's other fix, back to
  `namespaceSelector.matchNames`, uses the per-namespace Roles, so they are not unused (probe-unused; first guess
  KS203 too).
- b18's "RoleBinding instead of ClusterRoleBinding" keeps the name prometheus-k8s, which the monitoring RoleBinding of
  the RoleBindingList already has. First judged "KS006, the later definition wins (kubectl apply order), KS102/KS104";
  but the two name different roles and roleRef is immutable (FACTS §8, validation.go ValidateRoleBindingUpdate:
  `cannot change roleRef`), so applying the later one fails (KS501) and the earlier, the mutated binding to the
  ClusterRole, stands: its nodes/metrics and /metrics rules cannot apply through a RoleBinding (KS105, KS203), and
  Alertmanager discovery in monitoring is left with the RoleBindings of other namespaces (KS105).
- A Prometheus that selects no monitor of the inputs has no job; its identity then gets no KS203 (the grants may serve
  monitors outside the inputs): KS100 alone (first guess KS100 + KS203; b15 had KS203 because of its additional jobs).
- `*` in verbs is KS202's (and KS207's), not also KS203's; `/metrics/*` grants real paths below /metrics that no job
  reads, so KS203 fires beside KS505 (a `nodes/*` grants only a literal nobody asks for: KS505 alone).
- role: endpointslice with relabelings on __meta_kubernetes_endpoint_port_name: KS605 beside KS101.
- "b20 apiserver job looks in kube-system": no target is kept, so the job scrapes workloads the inputs do not show at
  https /metrics, which a kube-rbac-proxy would authorize as that URL: the grant is not unused (first guess KS203).
"""

R, P, M = "rbac.yaml", "prometheus.yaml", "monitors.yaml"
ST = "stack.yaml"
CM, SS, RB = "prometheus-k8s.cm.yaml", "prometheus-statefulset.yaml", "prometheus-rbac.yaml"
B18, B19, B20 = "b18-microk8s", "b19-vmagent", "b20-legacy"
TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token"

# ---- b18
URL18 = "  - nonResourceURLs:\n      - /metrics\n    verbs:\n      - get\n"
NODES18 = "      - nodes/metrics\n    verbs:\n      - get\n"
CRB18 = "kind: ClusterRoleBinding\nmetadata:\n  name: prometheus-k8s\n"
CRB18_SUBJ = "  - kind: ServiceAccount\n    name: prometheus-k8s\n    namespace: monitoring\n---\napiVersion: rbac.authorization.k8s.io/v1\nitems:\n"


def role18(ns: str) -> str:
    return (f"      namespace: {ns}\n    rules:\n      - apiGroups:\n          - \"\"\n        resources:\n          - services\n"
            "          - endpoints\n          - pods\n        verbs:\n          - list\n          - watch\n")


def binding18(ns: str) -> str:
    return (f"      namespace: {ns}\n    roleRef:\n      apiGroup: rbac.authorization.k8s.io\n      kind: Role\n      name: prometheus-k8s\n"
            "    subjects:\n      - kind: ServiceAccount\n        name: prometheus-k8s\n        namespace: monitoring\n")


BINDING_DEFAULT18 = ("  - apiVersion: rbac.authorization.k8s.io/v1\n    kind: RoleBinding\n    metadata:\n      name: prometheus-k8s\n"
                     + binding18("default"))
SA18 = "  serviceAccountName: prometheus-k8s\n"
KUBELET18 = ("      port: https-metrics\n      relabelings:\n        - sourceLabels:\n            - __metrics_path__\n"
             "          targetLabel: metrics_path\n      scheme: https\n      tlsConfig:\n        caFile: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n"
             "    - bearerTokenFile")
CADVISOR18 = "      path: /metrics/cadvisor\n"
APISERVER18 = "      port: https\n      scheme: https\n"
APITLS18 = "        serverName: kubernetes\n"
APINS18 = "    matchNames:\n      - default\n"
KCM18 = "  namespaceSelector:\n    matchNames:\n      - kube-system\n  selector:\n    matchLabels:\n      k8s-app: kube-controller-manager\n"
# ---- b19
DISC19 = '    resources: ["pods","endpoints","services"]\n    verbs: ["list","watch"]\n'
NODESLIST19 = '  - apiGroups: [""]\n    resources: ["nodes"]\n    verbs: ["list","watch"]\n'
NODES19 = '    resources: ["nodes/metrics"]\n'
URL19 = '  - nonResourceURLs: ["/metrics"]\n    verbs: ["get"]\n'
CRB19 = "kind: ClusterRoleBinding\nmetadata:\n  name: vmagent\n"
SUBJ19 = "    name: vmagent\n    namespace: monitoring\n"
SA19 = "      serviceAccountName: vmagent\n"
CONTAINER19 = "          image: victoriametrics/vmagent:v1.99.0\n"
FLAG19 = '            - "-promscrape.config=/config/scrape.yml"\n'
PODS19 = "      - job_name: k8s-pods\n"
APISERVERS19 = "      - job_name: k8s-apiservers\n        kubernetes_sd_configs:\n          - role: endpoints\n        scheme: https\n"
NODESJOB19 = ("      - job_name: k8s-nodes\n        kubernetes_sd_configs:\n          - role: node\n        scheme: https\n        tls_config:\n"
              "          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n          insecure_skip_verify: false\n")
NODESRELABEL19 = "            regex: __meta_kubernetes_node_label_(.+)\n      - job_name: k8s-cadvisor\n"
CADVISOR19 = "        metrics_path: /metrics/cadvisor\n"
SEP19 = "      - job_name: k8s-service-endpoints\n"
# ---- b20
DISC20 = "  - services\n  - endpoints\n  - pods\n  verbs:\n  - list\n  - watch\n"
NODES20 = "  - nodes/metrics\n  verbs:\n  - get\n"
URL20 = "- nonResourceURLs:\n  - /metrics\n  verbs:\n  - get\n"
CRB20 = "kind: ClusterRoleBinding\nmetadata:\n  name: prometheus\n"
REF20 = "  kind: ClusterRole\n  name: prometheus\nsubjects:\n"
SUBJ20 = "  name: prometheus-k8s\n  namespace: monitoring\n---\napiVersion: v1\nkind: ServiceAccount\n"
SA20 = "      serviceAccount: prometheus-k8s\n      serviceAccountName: prometheus-k8s\n"
CONTAINER20 = "        image: 54.223.110.70/kubernetes/prometheus:v2.0.0\n"
APISERVER20 = "      scheme: https\n      tls_config:\n        insecure_skip_verify: false\n"
APITOKEN20 = "        server_name: kubernetes\n      bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n"
APINS20 = "    - job_name: monitoring/kube-apiserver/0\n      honor_labels: false\n      kubernetes_sd_configs:\n      - role: endpoints\n        namespaces:\n          names:\n          - default\n"
KUBELET0_20 = "    - job_name: monitoring/kubelet/0\n      honor_labels: false\n      scheme: https\n"
CADVISOR20 = "      metrics_path: /metrics/cadvisor\n"
ETCD20 = "      tls_config:\n        insecure_skip_verify: true\n"
ALERTMANAGER20 = "    - job_name: monitoring/alertmanager/0\n      honor_labels: false\n"


MUTATIONS = [
    # ---- b18: microk8s' kube-prometheus copy (Operator, per-namespace Roles)
    ("b18 drop the /metrics URL grant", B18, [(R, URL18, "")], ["KS104"]),
    ("b18 nodes instead of nodes/metrics", B18, [(R, NODES18, NODES18.replace("nodes/metrics", "nodes"))], ["KS102", "KS203"]),
    ("b18 drop endpoints from the kube-system Role", B18, [(R, role18("kube-system"), role18("kube-system").replace("          - endpoints\n", ""))],
     ["KS105"]),
    ("b18 typo verb wacth in the monitoring Role", B18, [(R, role18("monitoring"), role18("monitoring").replace("- watch", "- wacth"))],
     ["KS105", "KS504"]),
    ("b18 apiGroup core in the kube-system Role", B18, [(R, role18("kube-system"), role18("kube-system").replace('          - ""\n', "          - core\n"))],
     ["KS105", "KS503"]),
    ("b18 drop the default RoleBinding", B18, [(R, BINDING_DEFAULT18, "")], ["KS105"]),
    ("b18 default RoleBinding refers to the ClusterRole", B18,
     [(R, binding18("default"), binding18("default").replace("kind: Role\n", "kind: ClusterRole\n"))], ["KS105", "KS203"]),
    ("b18 kube-system RoleBinding subject kind User", B18,
     [(R, binding18("kube-system"), binding18("kube-system").replace("kind: ServiceAccount", "kind: User"))], ["KS108"]),
    ("b18 binding subject namespace default", B18, [(R, CRB18_SUBJ, CRB18_SUBJ.replace("namespace: monitoring", "namespace: default"))], ["KS108"]),
    ("b18 RoleBinding instead of ClusterRoleBinding", B18,
     [(R, CRB18, "kind: RoleBinding\nmetadata:\n  name: prometheus-k8s\n  namespace: monitoring\n")],
     ["KS006", "KS105", "KS203", "KS501"]),
    ("b18 binding v1beta1", B18, [(R, "apiVersion: rbac.authorization.k8s.io/v1\n" + CRB18, "apiVersion: rbac.authorization.k8s.io/v1beta1\n" + CRB18)],
     ["KS102", "KS104", "KS501"]),
    ("b18 roleRef name typo", B18, [(R, "  kind: ClusterRole\n  name: prometheus-k8s\nsubjects", "  kind: ClusterRole\n  name: prometheus-k8\nsubjects")],
     ["KS102", "KS104", "KS502"]),
    ("b18 serviceAccountName renamed in the CR", B18, [(P, SA18, "  serviceAccountName: prometheus\n")], ["KS101", "KS102", "KS104", "KS109"]),
    ("b18 no serviceAccountName (default)", B18, [(P, SA18, "")], ["KS101", "KS102", "KS104"]),
    ("b18 CR automount false", B18, [(P, SA18, SA18 + "  automountServiceAccountToken: false\n")], ["KS107"]),
    ("b18 CR hostNetwork", B18, [(P, SA18, SA18 + "  hostNetwork: true\n")], ["KS401"]),
    ("b18 no serviceMonitorNamespaceSelector (own namespace)", B18, [(P, "  serviceMonitorNamespaceSelector: {}\n", "")], []),
    ("b18 serviceMonitorSelector on a label no monitor has", B18,
     [(P, "  serviceMonitorSelector: {}\n", "  serviceMonitorSelector:\n    matchLabels:\n      prometheus: k8s\n")], ["KS100"]),
    ("b18 arbitraryFSAccessThroughSMs deny", B18, [(P, SA18, SA18 + "  arbitraryFSAccessThroughSMs:\n    deny: true\n")], ["KS603"]),
    ("b18 kubelet endpoint without token", B18, [(M, "    - bearerTokenFile: " + TOKEN + "\n      honorLabels: true\n      interval: 30s\n      port",
                                                  "    - honorLabels: true\n      interval: 30s\n      port")], ["KS106"]),
    ("b18 kubelet endpoint insecureSkipVerify (the original)", B18,
     [(M, KUBELET18, KUBELET18.replace("        caFile: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n", "        insecureSkipVerify: true\n"))], ["KS301"]),
    ("b18 kubelet endpoint on the read-only port", B18, [(M, KUBELET18, KUBELET18.replace("port: https-metrics", "port: http-metrics"))], ["KS302"]),
    ("b18 cadvisor path typo /metric/cadvisor", B18, [(M, CADVISOR18, "      path: /metric/cadvisor\n")], ["KS102"]),
    ("b18 apiserver scheme http", B18, [(M, APISERVER18, "      port: https\n      scheme: http\n")], ["KS303"]),
    ("b18 apiserver insecureSkipVerify", B18, [(M, APITLS18, APITLS18 + "        insecureSkipVerify: true\n")], ["KS301"]),
    ("b18 apiserver monitor in any namespace", B18, [(M, APINS18, "    any: true\n")], ["KS105"]),  # the Roles stay: KS105's other fix, matchNames, uses them (probe-unused)
    ("b18 controller-manager monitor looks in monitoring", B18, [(M, KCM18, KCM18.replace("- kube-system", "- monitoring"))], []),
    ("b18 grant secrets in the monitoring Role", B18, [(R, role18("monitoring"), role18("monitoring").replace("          - pods\n", "          - pods\n          - secrets\n"))],
     ["KS203", "KS204"]),
    ("b18 nodes/* instead of nodes/metrics", B18, [(R, NODES18, NODES18.replace("nodes/metrics", "nodes/*"))], ["KS102", "KS505"]),
    ("b18 every verb on nodes/metrics", B18, [(R, NODES18, NODES18.replace("      - get\n", "      - \"*\"\n"))], ["KS202", "KS207"]),
    # ---- b19: vmagent with -promscrape.config
    ("b19 drop nodes discovery", B19, [(R, NODESLIST19, "")], ["KS101"]),
    ("b19 drop endpoints discovery", B19, [(R, DISC19, DISC19.replace('"endpoints",', ""))], ["KS101"]),
    ("b19 typo verb wacth", B19, [(R, DISC19, DISC19.replace('"watch"', '"wacth"'))], ["KS101", "KS504"]),
    ("b19 drop the nodes/metrics rule", B19, [(R, '  - apiGroups: [""]\n' + NODES19 + '    verbs: ["get"]\n', "")], ["KS102"]),
    ("b19 drop the /metrics URL grant", B19, [(R, URL19, "")], ["KS104"]),
    ("b19 URL grant /metrics/*", B19, [(R, URL19, URL19.replace('"/metrics"', '"/metrics/*"'))], ["KS104", "KS505"]),  # round 17: no KS203 — KS505's fix rewrites /metrics/* to /metrics in place; deleting the entry (KS203's fix) contradicted it
    ("b19 endpointslices in the core group too", B19, [(R, DISC19, DISC19.replace('"services"]', '"services","endpointslices"]'))], ["KS503"]),
    ("b19 grant secrets too", B19, [(R, DISC19, DISC19.replace('"services"]', '"services","secrets"]'))], ["KS203", "KS204"]),
    ("b19 binding subject namespace default", B19, [(R, SUBJ19, SUBJ19.replace("monitoring", "default"))], ["KS108"]),
    ("b19 RoleBinding instead of ClusterRoleBinding", B19, [(R, CRB19, "kind: RoleBinding\nmetadata:\n  name: vmagent\n  namespace: monitoring\n")], ["KS105", "KS203"]),
    ("b19 binding v1beta1", B19, [(R, "apiVersion: rbac.authorization.k8s.io/v1\n" + CRB19, "apiVersion: rbac.authorization.k8s.io/v1beta1\n" + CRB19)],
     ["KS101", "KS102", "KS104", "KS501"]),
    ("b19 serviceAccountName typo", B19, [(ST, SA19, "      serviceAccountName: vmagnet\n")], ["KS101", "KS102", "KS104", "KS109"]),
    ("b19 no serviceAccountName (default)", B19, [(ST, SA19, "")], ["KS101", "KS102", "KS104"]),
    ("b19 pod automount false", B19, [(ST, SA19, SA19 + "      automountServiceAccountToken: false\n")], ["KS107"]),
    ("b19 SA automount false", B19, [(R, "  name: vmagent\n  namespace: monitoring\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n",
                                      "  name: vmagent\n  namespace: monitoring\nautomountServiceAccountToken: false\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n")],
     ["KS107"]),
    ("b19 hostNetwork", B19, [(ST, SA19, SA19 + "      hostNetwork: true\n")], ["KS401"]),
    ("b19 privileged vmagent", B19, [(ST, CONTAINER19, CONTAINER19 + "          securityContext:\n            privileged: true\n")], ["KS403"]),
    ("b19 config volume names another ConfigMap", B19, [(ST, "            name: vmagent-config\n", "            name: vmagent-conf\n")], ["KS100"]),
    ("b19 nodes job insecure_skip_verify", B19, [(ST, NODESJOB19, NODESJOB19.replace("insecure_skip_verify: false", "insecure_skip_verify: true"))], ["KS301"]),
    ("b19 nodes job scheme http", B19, [(ST, NODESJOB19, NODESJOB19.replace("scheme: https", "scheme: http"))], ["KS303"]),
    ("b19 nodes job through the API-server proxy", B19,
     [(ST, NODESRELABEL19, "            regex: __meta_kubernetes_node_label_(.+)\n          - target_label: __address__\n            replacement: kubernetes.default.svc:443\n"
                           "          - source_labels: [__meta_kubernetes_node_name]\n            regex: (.+)\n            target_label: __metrics_path__\n"
                           "            replacement: /api/v1/nodes/$1/proxy/metrics\n      - job_name: k8s-cadvisor\n")], ["KS103", "KS209"]),
    ("b19 nodes job on the read-only port", B19,
     [(ST, NODESRELABEL19, "            regex: __meta_kubernetes_node_label_(.+)\n          - source_labels: [__address__]\n            regex: (.+):\\d+\n"
                           "            replacement: $1:10255\n            target_label: __address__\n      - job_name: k8s-cadvisor\n")], ["KS302"]),
    ("b19 cadvisor job reads /stats/summary", B19, [(ST, CADVISOR19, "        metrics_path: /stats/summary\n")], ["KS102"]),
    ("b19 apiservers scheme http", B19, [(ST, APISERVERS19, APISERVERS19.replace("scheme: https", "scheme: http"))], ["KS303"]),
    ("b19 apiservers without token", B19, [(ST, "          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n        bearer_token_file: " + TOKEN + "\n        relabel_configs:\n          - source_labels: [__meta_kubernetes_namespace",
                                            "          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n        relabel_configs:\n          - source_labels: [__meta_kubernetes_namespace")],
     ["KS106"]),
    ("b19 pods job sends the token", B19, [(ST, PODS19, PODS19 + "        bearer_token_file: " + TOKEN + "\n")], ["KS303", "KS306"]),
    ("b19 service-endpoints job sends the token over https", B19, [(ST, SEP19, SEP19 + "        scheme: https\n        bearer_token_file: " + TOKEN + "\n")],
     ["KS306"]),
    # ---- b20: 2018 tutorial, plain Prometheus StatefulSet
    ("b20 drop the /metrics URL grant", B20, [(RB, URL20, "")], ["KS104"]),
    ("b20 drop the nodes/metrics rule", B20, [(RB, "- apiGroups:\n  - \"\"\n  resources:\n" + NODES20, "")], ["KS102"]),
    ("b20 drop pods from discovery", B20, [(RB, DISC20, DISC20.replace("  - pods\n", ""))], ["KS101"]),
    ("b20 bind cluster-admin (the original)", B20, [(RB, REF20, REF20.replace("name: prometheus", "name: cluster-admin"))], ["KS206"]),
    ("b20 binding v1beta1 (the original)", B20, [(RB, "apiVersion: rbac.authorization.k8s.io/v1\n" + CRB20, "apiVersion: rbac.authorization.k8s.io/v1beta1\n" + CRB20)],
     ["KS101", "KS102", "KS104", "KS501"]),
    ("b20 ClusterRole v1beta1 (the original)", B20, [(RB, "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n", "apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: ClusterRole\n")],
     ["KS101", "KS102", "KS104", "KS501"]),
    ("b20 StatefulSet apps/v1beta1 (the original)", B20, [(SS, "apiVersion: apps/v1\n", "apiVersion: apps/v1beta1\n")], ["KS602"]),
    ("b20 binding subject namespace default", B20, [(RB, SUBJ20, SUBJ20.replace("namespace: monitoring", "namespace: default"))], ["KS108"]),
    ("b20 RoleBinding instead of ClusterRoleBinding", B20, [(RB, CRB20, "kind: RoleBinding\nmetadata:\n  name: prometheus\n  namespace: monitoring\n")], ["KS105", "KS203"]),
    ("b20 serviceAccountName renamed (serviceAccount left)", B20, [(SS, SA20, SA20.replace("serviceAccountName: prometheus-k8s", "serviceAccountName: prometheus"))],
     ["KS101", "KS102", "KS104", "KS109"]),
    # the deprecated alias fills serviceAccountName when that is empty (k8s pkg/apis/core/v1 conversion)
    ("b20 only the deprecated serviceAccount", B20, [(SS, SA20, "      serviceAccount: prometheus-k8s\n")], []),
    ("b20 deprecated serviceAccount typo (serviceAccountName wins)", B20, [(SS, SA20, SA20.replace("serviceAccount: prometheus-k8s", "serviceAccount: prometheus"))], []),
    ("b20 SA automount false", B20, [(RB, "kind: ServiceAccount\nmetadata:\n  name: prometheus-k8s\n  namespace: monitoring\n",
                                      "kind: ServiceAccount\nmetadata:\n  name: prometheus-k8s\n  namespace: monitoring\nautomountServiceAccountToken: false\n")],
     ["KS107"]),
    ("b20 hostNetwork", B20, [(SS, SA20, SA20 + "      hostNetwork: true\n")], ["KS401"]),
    ("b20 privileged prometheus", B20, [(SS, CONTAINER20, CONTAINER20 + "        securityContext:\n          privileged: true\n")], ["KS403"]),
    ("b20 config volume names another ConfigMap", B20, [(SS, "          name: prometheus-k8s\n        name: config\n", "          name: prometheus\n        name: config\n")], ["KS100"]),
    ("b20 apiserver insecure_skip_verify", B20, [(CM, APISERVER20, APISERVER20.replace("false", "true"))], ["KS301"]),
    ("b20 apiserver without token", B20, [(CM, APITOKEN20, "        server_name: kubernetes\n")], ["KS106"]),
    ("b20 apiserver job cluster-wide", B20, [(CM, APINS20, APINS20.replace("        namespaces:\n          names:\n          - default\n", ""))], []),
    ("b20 kubelet/0 scheme http", B20, [(CM, KUBELET0_20, KUBELET0_20.replace("https", "http"))], ["KS303"]),
    ("b20 kubelet/0 back on http-metrics (the original)", B20, [(CM, "        regex: https-metrics\n", "        regex: http-metrics\n")], ["KS302"]),
    # /metrics/* maps to nodes/metrics whatever follows (FACTS §1 isSubpath): 404, not 403
    ("b20 cadvisor path typo /metrics/cadvisr", B20, [(CM, CADVISOR20, "      metrics_path: /metrics/cadvisr\n")], []),
    ("b20 etcd job sends the token (insecure_skip_verify)", B20, [(CM, ETCD20, ETCD20 + "      bearer_token_file: " + TOKEN + "\n")], ["KS301"]),
    ("b20 alertmanager job sends the token over http", B20, [(CM, ALERTMANAGER20, ALERTMANAGER20 + "      bearer_token_file: " + TOKEN + "\n")], ["KS303"]),
    ("b20 grant nodes/proxy too", B20, [(RB, NODES20, NODES20.replace("  - nodes/metrics\n", "  - nodes/metrics\n  - nodes/proxy\n"))], ["KS201", "KS203"]),
    ("b20 cadvisor URL grant instead of nodes/metrics", B20,
     [(RB, "- apiGroups:\n  - \"\"\n  resources:\n" + NODES20, ""), (RB, "  - /metrics\n", "  - /metrics\n  - /metrics/cadvisor\n")], ["KS102", "KS508"]),
]

# Second batch: more corners of the same baselines (expectations written before running, like the first).
KUBESYS_ROLE18 = "  - apiVersion: rbac.authorization.k8s.io/v1\n    kind: Role\n    metadata:\n      name: prometheus-k8s\n      namespace: kube-system\n"
KUBELET_SCHEME18 = "          targetLabel: metrics_path\n      scheme: https\n      tlsConfig:\n        caFile: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n    - bearerTokenFile"
PODSSD19 = "      - job_name: k8s-pods\n        kubernetes_sd_configs:\n          - role: pod\n"
APIROLE19 = "      - job_name: k8s-apiservers\n        kubernetes_sd_configs:\n          - role: endpoints\n"

MUTATIONS += [
    ("b18 serviceMonitorNamespaceSelector by label (no Namespace in the inputs)", B18,
     [(P, "  serviceMonitorNamespaceSelector: {}\n", "  serviceMonitorNamespaceSelector:\n    matchLabels:\n      monitoring: enabled\n")], ["KS100"]),
    ("b18 kubelet endpoint targetPort 10250 instead of the port name", B18,
     [(M, KUBELET18, KUBELET18.replace("      port: https-metrics\n", "      targetPort: 10250\n"))], []),
    ("b18 kubelet endpoint without scheme (http) sends the token", B18,
     [(M, KUBELET_SCHEME18, KUBELET_SCHEME18.replace("      scheme: https\n", ""))], ["KS303"]),
    ("b18 kube-system Role v1beta1 inside the RoleList", B18,
     [(R, KUBESYS_ROLE18, KUBESYS_ROLE18.replace("rbac.authorization.k8s.io/v1\n", "rbac.authorization.k8s.io/v1beta1\n"))], ["KS105", "KS501"]),
    # Go's flag package takes `-flag value` and `--flag=value` as well as `-flag=value`
    ("b19 -promscrape.config as two args", B19, [(ST, FLAG19, '            - "-promscrape.config"\n            - "/config/scrape.yml"\n')], []),
    ("b19 --promscrape.config with two dashes", B19, [(ST, FLAG19, FLAG19.replace('"-promscrape', '"--promscrape'))], []),
    ("b19 -promscrape.config from a URL (the ConfigMap is read by no pod)", B19,
     [(ST, FLAG19, '            - "-promscrape.config=https://config.example.com/scrape.yml"\n')], ["KS100"]),
    ("b19 ConfigMap key renamed scrape.yaml", B19, [(ST, "  scrape.yml: |\n", "  scrape.yaml: |\n")], ["KS100"]),
    ("b19 pods job own namespace only", B19, [(ST, PODSSD19, PODSSD19 + "            namespaces:\n              own_namespace: true\n")], []),
    ("b19 pods job discovers with a kubeconfig", B19, [(ST, PODSSD19, PODSSD19 + "            kubeconfig_file: /etc/kube/config\n")], []),
    ("b19 apiservers role endpointslice", B19, [(ST, APIROLE19, APIROLE19.replace("role: endpoints", "role: endpointslice"))], ["KS101", "KS605"]),
    ("b19 victoria-metrics hostNetwork (no grants: info)", B19, [(ST, "      labels: { app: victoria-metrics }\n    spec:\n", "      labels: { app: victoria-metrics }\n    spec:\n      hostNetwork: true\n")], ["KS401"]),
    ("b20 kubelet/0 keeps a port name no Service has", B20, [(CM, "        regex: https-metrics\n", "        regex: https-metric\n")], []),
    ("b20 apiserver job looks in kube-system", B20, [(CM, APINS20, APINS20.replace("- default", "- kube-system"))], []),
]

# Third batch: how the pod names its config and its token.
MOUNTS20 = "        volumeMounts:\n        - mountPath: /etc/prometheus/config\n          name: config\n          readOnly: true\n        - mountPath: /etc/prometheus/rules\n          name: rules\n          readOnly: true\n"
VOLUMES20 = "      volumes:\n"

MUTATIONS += [
    ("b19 config path from an env var $(CONFIG)", B19,
     [(ST, FLAG19, '            - "-promscrape.config=$(CONFIG)"\n'),
      (ST, CONTAINER19, CONTAINER19 + "          env:\n            - name: CONFIG\n              value: /config/scrape.yml\n")], []),
    ("b19 flags in command instead of args", B19,
     [(ST, "          args:\n" + FLAG19, '          command: ["/vmagent-prod"]\n          args:\n' + FLAG19)], []),
    ("b19 SA automount false, pod automount true (the pod wins)", B19,
     [(R, "  name: vmagent\n  namespace: monitoring\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n",
       "  name: vmagent\n  namespace: monitoring\nautomountServiceAccountToken: false\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"),
      (ST, SA19, SA19 + "      automountServiceAccountToken: true\n")], []),
    ("b20 automount false with a projected token at the standard path", B20,
     [(SS, SA20, SA20 + "      automountServiceAccountToken: false\n"),
      (SS, MOUNTS20, MOUNTS20 + "        - mountPath: /var/run/secrets/kubernetes.io/serviceaccount\n          name: token\n          readOnly: true\n"),
      (SS, VOLUMES20, VOLUMES20 + "      - name: token\n        projected:\n          sources:\n          - serviceAccountToken:\n              path: token\n"
                                  "          - configMap:\n              name: kube-root-ca.crt\n              items:\n              - key: ca.crt\n                path: ca.crt\n")], []),
    ("b20 StatefulSet without namespace (default: the ConfigMap is in monitoring)", B20,
     [(SS, "  name: prometheus-k8s\n  namespace: monitoring\n", "  name: prometheus-k8s\n")], ["KS100"]),
]

# Fourth batch: selectors and token-file typos.
KUBELETNS18 = "  jobLabel: k8s-app\n  namespaceSelector:\n    matchNames:\n      - kube-system\n  selector:\n    matchLabels:\n      k8s-app: kubelet\n"

MUTATIONS += [
    ("b18 no serviceMonitorSelector (selects none)", B18, [(P, "  serviceMonitorSelector: {}\n", "")], ["KS100"]),
    ("b18 kubelet monitor without namespaceSelector (own namespace)", B18, [(M, KUBELETNS18, KUBELETNS18.replace("  namespaceSelector:\n    matchNames:\n      - kube-system\n", ""))],
     ["KS203"]),
    ("b20 apiserver token file typo", B20, [(CM, APITOKEN20, APITOKEN20.replace("/token", "/tokne"))], ["KS107"]),
    ("b19 nodes job token file typo", B19, [(ST, NODESJOB19 + "        bearer_token_file: " + TOKEN, NODESJOB19 + "        bearer_token_file: " + TOKEN.replace("serviceaccount", "serviceacount"))],
     ["KS107"]),
]
