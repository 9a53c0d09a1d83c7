"""Single-fault mutations of the working setups in baselines/: each is (name, baseline, edits, expected rule ids
[, assumptions]). An edit is (file, old text, new text), applied once. The expected ids are the access (KS1xx),
RBAC-object (KS5xx) and config-validity (KS601/KS602) rules whose findings the mutation adds to the baseline's —
decided from SPEC §3/§4 and FACTS before running the tool (see test_mutations.py for how they are compared)."""

R, C, D = "rbac.yaml", "config.yaml", "deploy.yaml"
A2 = "agent.yaml"; OP = "op.yaml"; NS = "all.yaml"; KRP = "node-exporter.yaml"
LW = '    verbs: ["list", "watch"]\n'
CRB_SUBJ = "  - kind: ServiceAccount\n    name: prometheus\n    namespace: monitoring\n"
MUTATIONS = [
  # ---- b1 plain Prometheus (upstream jobs)
  ("b1 drop watch", "b1-plain", [(R, LW, '    verbs: ["list"]\n')], ["KS101"]),
  ("b1 drop list", "b1-plain", [(R, LW, '    verbs: ["watch"]\n')], ["KS101"]),
  ("b1 drop get nodes/metrics verb->list", "b1-plain", [(R, '      - nodes/metrics\n    verbs: ["get"]', '      - nodes/metrics\n    verbs: ["list"]')], ["KS102"]),
  ("b1 drop resource nodes", "b1-plain", [(R, "      - nodes\n", "")], ["KS101"]),
  ("b1 drop resource services", "b1-plain", [(R, "      - services\n", "")], ["KS101"]),
  ("b1 drop resource endpoints", "b1-plain", [(R, "      - endpoints\n", "")], ["KS101"]),
  ("b1 drop resource pods", "b1-plain", [(R, "      - pods\n", "")], ["KS101"]),
  ("b1 drop nodes/metrics", "b1-plain", [(R, "      - nodes/metrics\n", "      - nodes/stats\n")], ["KS102"]),
  ("b1 drop nonResourceURL", "b1-plain", [(R, '  - nonResourceURLs: ["/metrics"]\n    verbs: ["get"]\n', "")], ["KS104"]),
  ("b1 url /metrics/*", "b1-plain", [(R, '["/metrics"]', '["/metrics/*"]')], ["KS104", "KS505"]),
  ("b1 url /metrics*", "b1-plain", [(R, '["/metrics"]', '["/metrics*"]')], []),
  ("b1 apiGroup apps", "b1-plain", [(R, '  - apiGroups: [""]\n    resources:\n      - nodes\n', '  - apiGroups: ["apps"]\n    resources:\n      - nodes\n')], ["KS101", "KS503"]),
  ("b1 apiGroup *", "b1-plain", [(R, '  - apiGroups: [""]\n    resources:\n      - nodes\n', '  - apiGroups: ["*"]\n    resources:\n      - nodes\n')], []),
  ("b1 nodes/metrics -> nodes/*", "b1-plain", [(R, "      - nodes/metrics\n", "      - nodes/*\n")], ["KS102", "KS505"]),
  ("b1 nodes/metrics -> */metrics", "b1-plain", [(R, "      - nodes/metrics\n", "      - '*/metrics'\n")], []),
  ("b1 subject ns default", "b1-plain", [(R, CRB_SUBJ, CRB_SUBJ.replace("monitoring", "default"))], ["KS108"]),
  ("b1 subject name other", "b1-plain", [(R, CRB_SUBJ, CRB_SUBJ.replace("name: prometheus", "name: prometheus-server"))], ["KS108"]),
  ("b1 subject kind User", "b1-plain", [(R, CRB_SUBJ, "  - kind: User\n    name: prometheus\n")], ["KS108"]),
  ("b1 subject kind User sa-string", "b1-plain", [(R, CRB_SUBJ, "  - kind: User\n    name: system:serviceaccount:monitoring:prometheus\n    apiGroup: rbac.authorization.k8s.io\n")], []),
  ("b1 subject Group sa:monitoring", "b1-plain", [(R, CRB_SUBJ, "  - kind: Group\n    name: system:serviceaccounts:monitoring\n    apiGroup: rbac.authorization.k8s.io\n")], []),
  ("b1 subject Group sa:default", "b1-plain", [(R, CRB_SUBJ, "  - kind: Group\n    name: system:serviceaccounts:default\n    apiGroup: rbac.authorization.k8s.io\n")], ["KS108"]),
  ("b1 subject ns missing in CRB", "b1-plain", [(R, CRB_SUBJ, "  - kind: ServiceAccount\n    name: prometheus\n")], ["KS108", "KS501"]),
  ("b1 roleRef kind Role", "b1-plain", [(R, "  kind: ClusterRole\n  name: prometheus\nsubjects", "  kind: Role\n  name: prometheus\nsubjects")], ["KS101", "KS102", "KS104", "KS501"]),
  ("b1 roleRef name typo", "b1-plain", [(R, "  kind: ClusterRole\n  name: prometheus\nsubjects", "  kind: ClusterRole\n  name: prometheus-role\nsubjects")], ["KS101", "KS102", "KS104", "KS502"]),
  ("b1 CRB->RB monitoring", "b1-plain", [(R, "kind: ClusterRoleBinding\nmetadata:\n  name: prometheus\n", "kind: RoleBinding\nmetadata:\n  name: prometheus\n  namespace: monitoring\n")], ["KS105"]),
  ("b1 CRB->RB default", "b1-plain", [(R, "kind: ClusterRoleBinding\nmetadata:\n  name: prometheus\n", "kind: RoleBinding\nmetadata:\n  name: prometheus\n  namespace: default\n")], ["KS105"]),
  ("b1 resourceNames on list", "b1-plain", [(R, LW, LW + "    resourceNames: [kubernetes]\n")], ["KS101", "KS506"]),
  ("b1 resourceNames on nodes/metrics", "b1-plain", [(R, '      - nodes/metrics\n    verbs: ["get"]', '      - nodes/metrics\n    resourceNames: [node-1]\n    verbs: ["get"]')], ["KS102"]),
  ("b1 sd node->pod nodes job", "b1-plain", [(C, "          - role: node\n", "          - role: pod\n")], []),
  ("b1 endpoints->endpointslice", "b1-plain", [(C, "          - role: endpoints\n        relabel_configs:\n          - source_labels: [__meta_kubernetes_service_annotation", "          - role: endpointslice\n        relabel_configs:\n          - source_labels: [__meta_kubernetes_service_annotation")], ["KS101"]),
  ("b1 names default on apiservers", "b1-plain", [(C, "          - role: endpoints\n        scheme", "          - role: endpoints\n            namespaces:\n              names: [default]\n        scheme")], []),
  ("b1 path /metrics/probes", "b1-plain", [(C, "metrics_path: /metrics/cadvisor", "metrics_path: /metrics/probes")], []),
  ("b1 path /metrics/resource", "b1-plain", [(C, "metrics_path: /metrics/cadvisor", "metrics_path: /metrics/resource")], []),
  ("b1 path /stats/summary", "b1-plain", [(C, "metrics_path: /metrics/cadvisor", "metrics_path: /stats/summary")], ["KS102"]),
  ("b1 path /logs/", "b1-plain", [(C, "metrics_path: /metrics/cadvisor", "metrics_path: /logs/")], ["KS102"]),
  ("b1 path /healthz", "b1-plain", [(C, "metrics_path: /metrics/cadvisor", "metrics_path: /healthz")], ["KS102"]),
  ("b1 path /spec/", "b1-plain", [(C, "metrics_path: /metrics/cadvisor", "metrics_path: /spec/")], ["KS102"]),
  ("b1 no token nodes", "b1-plain", [(C, "        authorization:\n          credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n        kubernetes_sd_configs:\n          - role: node\n        relabel", "        kubernetes_sd_configs:\n          - role: node\n        relabel")], ["KS106"]),
  ("b1 no token apiservers", "b1-plain", [(C, "        authorization:\n          credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n        relabel", "        relabel")], ["KS106"]),
  ("b1 SA automount false", "b1-plain", [(R, "  namespace: monitoring\n---\napiVersion: rbac", "  namespace: monitoring\nautomountServiceAccountToken: false\n---\napiVersion: rbac")], ["KS107"]),
  ("b1 pod automount false", "b1-plain", [(D, "      serviceAccountName: prometheus\n", "      serviceAccountName: prometheus\n      automountServiceAccountToken: false\n")], ["KS107"]),
  ("b1 SA false pod true", "b1-plain", [(R, "  namespace: monitoring\n---\napiVersion: rbac", "  namespace: monitoring\nautomountServiceAccountToken: false\n---\napiVersion: rbac"), (D, "      serviceAccountName: prometheus\n", "      serviceAccountName: prometheus\n      automountServiceAccountToken: true\n")], []),
  ("b1 rename SA in pod", "b1-plain", [(D, "serviceAccountName: prometheus\n", "serviceAccountName: prometheus-server\n")], ["KS101", "KS102", "KS104", "KS109"]),
  ("b1 no SA name in pod", "b1-plain", [(D, "      serviceAccountName: prometheus\n", "")], ["KS101", "KS102", "KS104"]),
  ("b1 deploy to other ns", "b1-plain", [(D, "  namespace: monitoring\n", "  namespace: other\n")], ["KS100"]),
  ("b1 deploy+cm to other ns", "b1-plain", [(D, "  namespace: monitoring\n", "  namespace: other\n"), (C, "  namespace: monitoring\n", "  namespace: other\n")], ["KS101", "KS102", "KS104", "KS109"]),
  ("b1 roleRef view", "b1-plain", [(R, "  kind: ClusterRole\n  name: prometheus\nsubjects", "  kind: ClusterRole\n  name: view\nsubjects")], ["KS101", "KS102", "KS104"]),
  ("b1 roleRef system:monitoring", "b1-plain", [(R, "  kind: ClusterRole\n  name: prometheus\nsubjects", "  kind: ClusterRole\n  name: system:monitoring\nsubjects")], ["KS101"]),
  ("b1 roleRef system:monitoring 1.33", "b1-plain", [(R, "  kind: ClusterRole\n  name: prometheus\nsubjects", "  kind: ClusterRole\n  name: system:monitoring\nsubjects")], ["KS101", "KS102"], ["--kubernetes-version", "1.33"]),
  ("b1 wildcard resources", "b1-plain", [(R, "    resources:\n      - nodes\n      - services\n      - endpoints\n      - pods\n", '    resources: ["*"]\n')], []),
  ("b1 version 1.33", "b1-plain", [], [], ["--kubernetes-version", "1.33"]),
  ("b1 scheme http nodes", "b1-plain", [(C, "      - job_name: kubernetes-nodes\n        scheme: https", "      - job_name: kubernetes-nodes\n        scheme: http")], []),
  ("b1 token in other file", "b1-plain", [(C, "          credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n        kubernetes_sd_configs:\n          - role: node\n        relabel", "          credentials_file: /etc/prometheus/token\n        kubernetes_sd_configs:\n          - role: node\n        relabel")],
   # the config's ConfigMap is mounted at /etc/prometheus and holds no `token` key: the mount hides the image's
   # files there, so the file does not exist and every scrape fails (KS107 since handwritten14)
   ["KS107"]),
  # ---- b2 DaemonSet agent
  ("b2 drop nodes/stats", "b2-ds", [(A2, '"nodes/metrics", "nodes/stats"', '"nodes/metrics"')], ["KS102"]),
  ("b2 drop nodes/metrics", "b2-ds", [(A2, '"nodes/metrics", "nodes/stats"', '"nodes/stats"')], ["KS102"]),
  ("b2 drop bearer_token_file", "b2-ds", [(A2, "        bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n", "")], ["KS106"]),
  ("b2 subject apiGroup on SA", "b2-ds", [(A2, "  - kind: ServiceAccount\n", "  - kind: ServiceAccount\n    apiGroup: rbac.authorization.k8s.io\n")], ["KS101", "KS102", "KS501"]),
  ("b2 authz always-allow no nodes/metrics", "b2-ds", [(A2, '"nodes/metrics", "nodes/stats"', '"nodes/stats"')], [], ["--kubelet-authz", "always-allow"]),
  ("b2 authn none", "b2-ds", [], ["KS106"], ["--kubelet-authn", "none"]),
  ("b2 drop nodes list", "b2-ds", [(A2, '    resources: ["nodes"]\n    verbs: ["list", "watch"]', '    resources: ["nodes"]\n    verbs: ["get"]')], ["KS101"]),
  ("b2 pod automount false", "b2-ds", [(A2, "      serviceAccountName: prom-agent\n", "      serviceAccountName: prom-agent\n      automountServiceAccountToken: false\n")], ["KS107"]),
  ("b2 sd node -> pod selectors", "b2-ds", [(A2, "          - role: node\n        metrics_path: /metrics/cadvisor", "          - role: pod\n        metrics_path: /metrics/cadvisor")], ["KS101"]),
  # ---- b3 operator
  ("b3 no serviceAccountName", "b3-op", [(OP, "  serviceAccountName: prometheus-k8s\n", "")], ["KS101", "KS102", "KS104"]),
  ("b3 kubelet ns kube-public", "b3-op", [(OP, "matchNames: [kube-system]", "matchNames: [kube-public]")], ["KS105"]),
  ("b3 RB kube-system -> kube-public", "b3-op", [(OP, "  namespace: kube-system\n", "  namespace: kube-public\n")], ["KS105"]),
  ("b3 drop endpoints discovery", "b3-op", [(OP, '["services", "endpoints", "pods"]', '["services", "pods"]')], ["KS101"]),
  ("b3 serviceDiscoveryRole EndpointSlice", "b3-op", [(OP, "  serviceMonitorSelector: {}\n", "  serviceMonitorSelector: {}\n  serviceDiscoveryRole: EndpointSlice\n")], ["KS101"]),
  ("b3 path /metrics/resource", "b3-op", [(OP, "      path: /metrics/cadvisor", "      path: /metrics/resource")], []),
  ("b3 path /stats/summary", "b3-op", [(OP, "      path: /metrics/cadvisor", "      path: /stats/summary")], ["KS102"]),
  ("b3 drop bearerTokenFile kubelet", "b3-op", [(OP, "    - port: https-metrics\n      scheme: https\n      bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n", "    - port: https-metrics\n      scheme: https\n")], ["KS106"]),
  ("b3 CR automount false", "b3-op", [(OP, "  serviceAccountName: prometheus-k8s\n", "  serviceAccountName: prometheus-k8s\n  automountServiceAccountToken: false\n")], ["KS107"]),
  ("b3 SA automount false", "b3-op", [(OP, "  namespace: monitoring\n---\napiVersion: monitoring.coreos.com/v1\nkind: Prometheus", "  namespace: monitoring\nautomountServiceAccountToken: false\n---\napiVersion: monitoring.coreos.com/v1\nkind: Prometheus")], []),
  ("b3 no podMonitorNamespaceSelector", "b3-op", [(OP, "  podMonitorNamespaceSelector: {}\n", "")], ["KS100"]),
  ("b3 drop nonResourceURL", "b3-op", [(OP, '  - nonResourceURLs: ["/metrics"]\n    verbs: ["get"]\n', "")], ["KS104"]),
  ("b3 drop nodes/metrics", "b3-op", [(OP, '    resources: ["nodes/metrics"]\n    verbs: ["get"]\n', '    resources: ["nodes/stats"]\n    verbs: ["get"]\n')], ["KS102"]),
  ("b3 podmonitor ns other", "b3-op", [(OP, "  name: app\n  namespace: apps\n", "  name: app\n  namespace: other\n")], ["KS105"]),
  ("b3 kubelet SM any:true", "b3-op", [(OP, "    matchNames: [kube-system]\n", "    any: true\n")], ["KS105"]),
  # ---- b4 apiserver proxy
  ("b4 drop nodes/proxy", "b4-proxy", [(R, '    resources: ["nodes/proxy"]', '    resources: ["nodes/metrics"]')], ["KS103"]),
  ("b4 nodes/proxy verb list", "b4-proxy", [(R, '    resources: ["nodes/proxy"]\n    verbs: ["get"]', '    resources: ["nodes/proxy"]\n    verbs: ["list"]')], ["KS103"]),
  ("b4 CRB->RB", "b4-proxy", [(R, "kind: ClusterRoleBinding\nmetadata:\n  name: prometheus\n", "kind: RoleBinding\nmetadata:\n  name: prometheus\n  namespace: monitoring\n")], ["KS105"]),
  ("b4 no token", "b4-proxy", [(C, "        bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n", "")], ["KS106"]),
  ("b4 resourceNames nodes/proxy", "b4-proxy", [(R, '    resources: ["nodes/proxy"]\n', '    resources: ["nodes/proxy"]\n    resourceNames: ["node-1"]\n')], ["KS103"]),
  # ---- b5 namespaced
  ("b5 add team-c", "b5-ns", [(NS, "names: [team-a, team-b]", "names: [team-a, team-b, team-c]")], ["KS105"]),
  ("b5 drop namespaces", "b5-ns", [(NS, "          - role: pod\n            namespaces:\n              names: [team-a, team-b]\n", "          - role: pod\n")], ["KS105"]),
  ("b5 RB team-b subject ns missing", "b5-ns", [(NS, "    name: prometheus\n    namespace: team-a\n---", "    name: prometheus\n---")], ["KS108"]),
  ("b5 RB team-a roleRef ClusterRole", "b5-ns", [(NS, "  kind: Role\n  name: prometheus\nsubjects:\n  - kind: ServiceAccount\n    name: prometheus\n---", "  kind: ClusterRole\n  name: prometheus\nsubjects:\n  - kind: ServiceAccount\n    name: prometheus\n---")], ["KS105", "KS502"]),
  ("b5 Role team-b moved", "b5-ns", [(NS, "  name: prometheus\n  namespace: team-b\nrules", "  name: prometheus\n  namespace: team-c\nrules")], ["KS105", "KS502"]),
  ("b5 verbs get,list", "b5-ns", [(NS, LW, '    verbs: ["get", "list"]\n')], ["KS105"]),
  ("b5 sa subject namespace team-b", "b5-ns", [(NS, "    name: prometheus\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role", "    name: prometheus\n    namespace: team-b\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role")], ["KS108"]),
  ("b5 endpoints own_namespace moved", "b5-ns", [(NS, "              own_namespace: true", "              names: [team-c]")], ["KS105"]),
  # ---- b6 endpointslice
  ("b6 endpointslices in core", "b6-eps", [(R, '["discovery.k8s.io"]', '[""]')], ["KS101", "KS503"]),
  ("b6 drop services", "b6-eps", [(R, '["services", "pods"]', '["pods"]')], ["KS101"]),
  ("b6 drop pods", "b6-eps", [(R, '["services", "pods"]', '["services"]')], ["KS101"]),
  ("b6 role endpoints", "b6-eps", [(C, "          - role: endpointslice\n        relabel", "          - role: endpoints\n        relabel")], ["KS101"]),
  ("b6 endpointslices singular", "b6-eps", [(R, '["endpointslices"]', '["endpointslice"]')], ["KS101", "KS503"]),
  # ---- b7 kube-rbac-proxy
  ("b7 drop /metrics", "b7-krp", [(KRP, '["/metrics", "/metrics/slis"]', '["/metrics/slis"]')], ["KS104"]),
  ("b7 drop bearerTokenFile", "b7-krp", [(KRP, "  - bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n    interval", "  - interval")], ["KS106"]),
  ("b7 proxy SA no tokenreviews", "b7-krp", [(KRP, '- apiGroups: ["authentication.k8s.io"]\n  resources: ["tokenreviews"]\n  verbs: ["create"]\n', "")], ["KS112"]),
  ("b7 proxy SA no SAR", "b7-krp", [(KRP, '- apiGroups: ["authorization.k8s.io"]\n  resources: ["subjectaccessreviews"]\n  verbs: ["create"]\n', "")], ["KS112"]),
  ("b7 /metrics* ok", "b7-krp", [(KRP, '["/metrics", "/metrics/slis"]', '["/metrics*"]')], []),
]
CR_HEAD = "kind: ClusterRole\nmetadata:\n  name: prometheus\nrules:\n"
MUTATIONS += [
  ("b1 subject Group serviceaccounts", "b1-plain", [(R, CRB_SUBJ, "  - kind: Group\n    name: system:serviceaccounts\n    apiGroup: rbac.authorization.k8s.io\n")], []),
  ("b1 subject Group authenticated", "b1-plain", [(R, CRB_SUBJ, "  - kind: Group\n    name: system:authenticated\n    apiGroup: rbac.authorization.k8s.io\n")], []),
  ("b1 subject name typo", "b1-plain", [(R, CRB_SUBJ, CRB_SUBJ.replace("name: prometheus", "name: promethues"))], ["KS108"]),
  ("b1 subject kind lowercase", "b1-plain", [(R, CRB_SUBJ, CRB_SUBJ.replace("kind: ServiceAccount", "kind: serviceaccount"))], ["KS101", "KS102", "KS104", "KS501"]),
  ("b1 rule without apiGroups", "b1-plain", [(R, '  - apiGroups: [""]\n    resources:\n      - nodes/metrics\n', '  - resources:\n      - nodes/metrics\n')], ["KS101", "KS102", "KS104", "KS501"]),
  ("b1 verbs star", "b1-plain", [(R, LW, '    verbs: ["*"]\n')], []),
  ("b1 verb typo", "b1-plain", [(R, LW, '    verbs: ["lsit", "watch"]\n')], ["KS101", "KS504"]),
  ("b1 ClusterRole->Role", "b1-plain", [(R, CR_HEAD, "kind: Role\nmetadata:\n  name: prometheus\n  namespace: monitoring\nrules:\n")], ["KS101", "KS102", "KS104", "KS501", "KS502", "KS507"]),
  ("b1 path /metrics/slis", "b1-plain", [(C, "metrics_path: /metrics/cadvisor", "metrics_path: /metrics/slis")], []),
  ("b1 path /configz", "b1-plain", [(C, "metrics_path: /metrics/cadvisor", "metrics_path: /configz")], ["KS102"]),
  ("b1 configz granted 1.32", "b1-plain", [(C, "metrics_path: /metrics/cadvisor", "metrics_path: /configz"), (R, "      - nodes/metrics\n", "      - nodes/metrics\n      - nodes/configz\n")], ["KS110"], ["--kubernetes-version", "1.32"]),
  ("b1 configz granted 1.34", "b1-plain", [(C, "metrics_path: /metrics/cadvisor", "metrics_path: /configz"), (R, "      - nodes/metrics\n", "      - nodes/metrics\n      - nodes/configz\n")], []),
  ("b1 system:monitoring 1.19", "b1-plain", [(R, "  kind: ClusterRole\n  name: prometheus\nsubjects", "  kind: ClusterRole\n  name: system:monitoring\nsubjects")], ["KS101", "KS102", "KS104", "KS502"], ["--kubernetes-version", "1.19"]),
  ("b1 projected token automount false", "b1-plain", [(D, "      serviceAccountName: prometheus\n", "      serviceAccountName: prometheus\n      automountServiceAccountToken: false\n"), (D, "            - name: config\n              mountPath: /etc/prometheus\n", "            - name: config\n              mountPath: /etc/prometheus\n            - name: token\n              mountPath: /var/run/secrets/kubernetes.io/serviceaccount\n"), (D, "      volumes:\n", "      volumes:\n        - name: token\n          projected:\n            sources:\n              - serviceAccountToken:\n                  path: token\n              - configMap:\n                  name: kube-root-ca.crt\n                  items:\n                    - key: ca.crt\n                      path: ca.crt\n              - downwardAPI:\n                  items:\n                    - path: namespace\n                      fieldRef:\n                        fieldPath: metadata.namespace\n")], []),
  ("b1 kubelet readonly port", "b1-plain", [(C, "          - action: labelmap\n            regex: __meta_kubernetes_node_label_(.+)\n      - job_name: kubernetes-cadvisor", "          - source_labels: [__address__]\n            regex: (.+):10250\n            replacement: $1:10255\n            target_label: __address__\n      - job_name: kubernetes-cadvisor")], []),
  ("b1 subject namespace on User", "b1-plain", [(R, CRB_SUBJ, "  - kind: User\n    name: system:serviceaccount:monitoring:prometheus\n    namespace: monitoring\n")], []),
  ("b2 authz always-allow no token", "b2-ds", [(A2, "        bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n", "")], ["KS106"], ["--kubelet-authz", "always-allow"]),
  ("b2 authn anonymous no token", "b2-ds", [(A2, "        bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n", "")], ["KS106"], ["--kubelet-authn", "anonymous"]),
  ("b3 SA name typo in CR", "b3-op", [(OP, "  serviceAccountName: prometheus-k8s\n", "  serviceAccountName: prometheus-k9s\n")], ["KS101", "KS102", "KS104", "KS109"]),
  ("b3 PrometheusAgent", "b3-op", [(OP, "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\n", "apiVersion: monitoring.coreos.com/v1alpha1\nkind: PrometheusAgent\n")], []),
  ("b3 Prometheus other ns", "b3-op", [(OP, "  name: k8s\n  namespace: monitoring\n", "  name: k8s\n  namespace: observability\n")], ["KS101", "KS102", "KS104", "KS109"]),
  ("b3 SM ns selector labels", "b3-op", [(OP, "  serviceMonitorNamespaceSelector: {}\n", "  serviceMonitorNamespaceSelector:\n    matchLabels:\n      team: ops\n")], ["KS100"]),
  ("b3 PodMonitor attach node", "b3-op", [(OP, "  podMetricsEndpoints:\n", "  attachMetadata:\n    node: true\n  podMetricsEndpoints:\n")], ["KS101"]),
  ("b3 kubelet SM wrong port name", "b3-op", [(OP, "    - port: https-metrics\n      path: /metrics/cadvisor", "    - port: http-metrics\n      path: /metrics/cadvisor")], []),
  ("b6 attach_metadata node", "b6-eps", [(C, "          - role: endpointslice\n        relabel_configs:\n          - source_labels: [__meta_kubernetes_service_annotation", "          - role: endpointslice\n            attach_metadata:\n              node: true\n        relabel_configs:\n          - source_labels: [__meta_kubernetes_service_annotation")], ["KS101"]),
  ("b6 selectors node on endpointslice", "b6-eps", [(C, "          - role: endpointslice\n        relabel_configs:\n          - source_labels: [__meta_kubernetes_service_annotation", "          - role: endpointslice\n            selectors:\n              - role: node\n                label: a=b\n        relabel_configs:\n          - source_labels: [__meta_kubernetes_service_annotation")], ["KS601"]),
  ("b5 StatefulSet in team-b", "b5-ns", [(NS, "  name: prometheus\n  namespace: team-a\nspec:\n  serviceName", "  name: prometheus\n  namespace: team-b\nspec:\n  serviceName")], ["KS100"]),
  ("b5 own_namespace endpointslice", "b5-ns", [(NS, "          - role: endpoints\n", "          - role: endpointslice\n")], ["KS101"]),
  ("b4 proxy via service proxy path", "b4-proxy", [(C, "replacement: /api/v1/nodes/${1}/proxy/metrics/cadvisor", "replacement: /api/v1/namespaces/kube-system/services/kube-state-metrics:8080/proxy/metrics")], ["KS103"]),
]
STATIC_KUBELET = """      - job_name: local-kubelet
        scheme: https
        tls_config:
          insecure_skip_verify: true
        bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token
        static_configs:
          - targets: ['127.0.0.1:10250']
        metrics_path: /metrics/resource
"""
STATIC_API = """      - job_name: apiserver-static
        scheme: https
        tls_config:
          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
        authorization:
          credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token
        static_configs:
          - targets: ['kubernetes.default.svc:443']
"""
MUTATIONS += [
  ("b6 endpointslices group with version", "b6-eps", [(R, '["discovery.k8s.io"]', '["discovery.k8s.io/v1"]')], ["KS101", "KS503"]),
  ("b1 url trailing slash", "b1-plain", [(R, '["/metrics"]', '["/metrics/"]')], ["KS104"]),
  ("b1 url no leading slash", "b1-plain", [(R, '["/metrics"]', '["metrics"]')], ["KS104", "KS508"]),
  ("b1 verb uppercase", "b1-plain", [(R, '  - nonResourceURLs: ["/metrics"]\n    verbs: ["get"]', '  - nonResourceURLs: ["/metrics"]\n    verbs: ["GET"]')], ["KS104", "KS504"]),
  ("b1 resource uppercase", "b1-plain", [(R, "      - nodes\n", "      - Nodes\n")], ["KS101", "KS503"]),
  ("b1 serviceAccount deprecated field", "b1-plain", [(D, "      serviceAccountName: prometheus\n", "      serviceAccount: prometheus\n")], []),
  ("b1 second subject", "b1-plain", [(R, CRB_SUBJ, "  - kind: ServiceAccount\n    name: other\n    namespace: monitoring\n" + CRB_SUBJ)], []),
  ("b1 config.file other key", "b1-plain", [(D, "--config.file=/etc/prometheus/prometheus.yml", "--config.file=/etc/prometheus/other.yml")], ["KS100"]),
  ("b2 static kubelet ok", "b2-ds", [(A2, "    scrape_configs:\n", "    scrape_configs:\n" + STATIC_KUBELET)], []),
  ("b2 static kubelet no metrics", "b2-ds", [(A2, "    scrape_configs:\n", "    scrape_configs:\n" + STATIC_KUBELET), (A2, '"nodes/metrics", "nodes/stats"', '"nodes/stats"')], ["KS102"]),
  ("b1 static apiserver no url", "b1-plain", [(C, "    scrape_configs:\n", "    scrape_configs:\n" + STATIC_API), (R, '  - nonResourceURLs: ["/metrics"]\n    verbs: ["get"]\n', "")], ["KS104"]),
  ("b1 static apiserver ok", "b1-plain", [(C, "    scrape_configs:\n", "    scrape_configs:\n" + STATIC_API)], []),
  ("b1 secret stringData config", "b1-plain", [(C, "kind: ConfigMap\n", "kind: Secret\n"), (C, "data:\n  prometheus.yml", "stringData:\n  prometheus.yml"), (D, "          configMap:\n            name: prometheus-config", "          secret:\n            secretName: prometheus-config"), (R, "      - nodes/metrics\n", "      - nodes/stats\n")], ["KS102"]),
  ("b3 kubelet bearerTokenSecret", "b3-op", [(OP, "    - port: https-metrics\n      scheme: https\n      bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n", "    - port: https-metrics\n      scheme: https\n      authorization:\n        credentials:\n          name: scrape-token\n          key: token\n")], []),
  ("b1 ingress role extensions only", "b1-plain", [(C, "      - job_name: kubernetes-pods\n", "      - job_name: kubernetes-ingresses\n        kubernetes_sd_configs:\n          - role: ingress\n      - job_name: kubernetes-pods\n"), (R, '  - nonResourceURLs:', '  - apiGroups: ["extensions"]\n    resources: ["ingresses"]\n    verbs: ["list", "watch"]\n  - nonResourceURLs:')], ["KS101", "KS503"]),
  ("b1 ingress role ok", "b1-plain", [(C, "      - job_name: kubernetes-pods\n", "      - job_name: kubernetes-ingresses\n        kubernetes_sd_configs:\n          - role: ingress\n      - job_name: kubernetes-pods\n"), (R, '  - nonResourceURLs:', '  - apiGroups: ["networking.k8s.io"]\n    resources: ["ingresses"]\n    verbs: ["list", "watch"]\n  - nonResourceURLs:')], []),
]

# ---- identity resolution and the Operator's translation (probe mutations3). An optional sixth element is the
# identity every job of the run must show (`jobs[].identity`: "NS/NAME", or None when unresolved: KS100).
ST, GF, P9, RB9, MO9, AG = "sts.yaml", "grafana.yaml", "prometheus.yaml", "rbac.yaml", "monitors.yaml", "agent.yaml"
NS9 = "namespaces.yaml"
PS = "monitoring/prometheus-server"
FLAG8 = "            - --config.file=/etc/config/prometheus.yaml\n"
PROM_MOUNT8 = ("          volumeMounts:\n            - name: config-volume\n              mountPath: /etc/config\n"
               "            - name: storage-volume")
RELOADER_MOUNT8 = "              mountPath: /etc/config\n              readOnly: true\n"
SA8 = "  name: prometheus-server\n  namespace: monitoring\n---\napiVersion: v1\nkind: ServiceAccount\n"
VOL8 = "        - name: config-volume\n          configMap:\n            name: prometheus-server\n"
PROJECTED8 = ("        - name: sa-token\n          projected:\n            sources:\n              - serviceAccountToken:\n"
              "                  path: token\n              - configMap:\n                  name: kube-root-ca.crt\n"
              "                  items:\n                    - key: ca.crt\n                      path: ca.crt\n")
TOKEN_MOUNT = "            - name: sa-token\n              mountPath: /var/run/secrets/kubernetes.io/serviceaccount\n"
GRAFANA_AS_PROM = [(GF, "          image: grafana/grafana:12.0.0\n", "          image: quay.io/prometheus/prometheus:v3.5.0\n"
                    "          args: [--config.file=/etc/config/prometheus.yaml]\n"),
                   (GF, "              mountPath: /etc/grafana/provisioning/datasources", "              mountPath: /etc/config"),
                   (GF, "            name: grafana-datasources", "            name: prometheus-server")]
STS_HEAD = "kind: StatefulSet\nmetadata:\n  name: prometheus-server\n  namespace: monitoring\nspec:\n  serviceName: prometheus-server\n  replicas: 1\n"
PVC8 = ("  volumeClaimTemplates:\n    - metadata:\n        name: storage-volume\n      spec:\n        accessModes: [ReadWriteOnce]\n"
        "        resources:\n          requests:\n            storage: 8Gi\n")
EMPTY_DIR8 = (ST, VOL8, VOL8 + "        - name: storage-volume\n          emptyDir: {}\n")

import textwrap as _textwrap
from pathlib import Path as _Path

# The b8 pod template (labels, spec) re-indented under other kinds: an edit (file, None, text) replaces the file.
_STS8 = (_Path(__file__).parent / "baselines" / "b8-reload" / "sts.yaml").read_text()
_TEMPLATE8 = _STS8[_STS8.index("    metadata:\n      labels"):_STS8.index("  volumeClaimTemplates")].replace(
    VOL8, VOL8 + "        - name: storage-volume\n          emptyDir: {}\n")
_POD_SPEC8 = _textwrap.dedent(_TEMPLATE8[_TEMPLATE8.index("    spec:\n"):])
CRON8 = ("apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: prometheus-server\n  namespace: monitoring\nspec:\n"
         "  schedule: '*/5 * * * *'\n  jobTemplate:\n    spec:\n      template:\n"
         + _textwrap.indent(_TEMPLATE8.replace("    spec:\n", "    spec:\n      restartPolicy: OnFailure\n", 1), "    "))
POD8 = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: prometheus-server\n  namespace: monitoring\n"
        "  labels:\n    app.kubernetes.io/name: prometheus\n" + _POD_SPEC8)
ALL8 = ["KS101", "KS102", "KS104"]
MUTATIONS += [
  ("b8 baseline identity", "b8-reload", [], [], [], PS),
  ("b8 config.file two args", "b8-reload", [(ST, FLAG8, "            - --config.file\n            - /etc/config/prometheus.yaml\n")], [], [], PS),
  ("b8 config.file in command", "b8-reload", [(ST, FLAG8, ""), (ST, "          image: quay.io/prometheus/prometheus:v3.5.0\n", "          image: quay.io/prometheus/prometheus:v3.5.0\n          command: [/bin/prometheus, --config.file=/etc/config/prometheus.yaml]\n")], [], [], PS),
  ("b8 config.file other key", "b8-reload", [(ST, FLAG8, FLAG8.replace(".yaml", ".yml"))], ["KS100"], [], None),
  ("b8 config.file via $(VAR)", "b8-reload", [(ST, FLAG8, "            - --config.file=$(CONFIG_FILE)\n"), (ST, "          image: quay.io/prometheus/prometheus:v3.5.0\n", "          image: quay.io/prometheus/prometheus:v3.5.0\n          env:\n            - name: CONFIG_FILE\n              value: /etc/config/prometheus.yaml\n")], [], [], PS),
  ("b8 config.file via $(VAR) other key", "b8-reload", [(ST, FLAG8, "            - --config.file=$(CONFIG_FILE)\n"), (ST, "          image: quay.io/prometheus/prometheus:v3.5.0\n", "          image: quay.io/prometheus/prometheus:v3.5.0\n          env:\n            - name: CONFIG_FILE\n              value: /etc/config/other.yaml\n")], ["KS100"], [], None),
  ("b8 subPath mount of the key", "b8-reload", [(ST, PROM_MOUNT8, PROM_MOUNT8.replace("mountPath: /etc/config\n", "mountPath: /etc/config/prometheus.yaml\n              subPath: prometheus.yaml\n"))], [], [], PS),
  ("b8 subPath names another key", "b8-reload", [(ST, PROM_MOUNT8, PROM_MOUNT8.replace("mountPath: /etc/config\n", "mountPath: /etc/config/prometheus.yaml\n              subPath: prometheus.yml\n"))], ["KS100"], [], None),
  ("b8 items leave the key out", "b8-reload", [(ST, VOL8, VOL8 + "            items:\n              - key: alerts.yaml\n                path: alerts.yaml\n")], ["KS100"], [], None),
  ("b8 items rename the key's file", "b8-reload", [(ST, VOL8, VOL8 + "            items:\n              - key: prometheus.yaml\n                path: prom.yaml\n")], ["KS100"], [], None),
  ("b8 items rename file and flag", "b8-reload", [(ST, VOL8, VOL8 + "            items:\n              - key: prometheus.yaml\n                path: prom.yaml\n"), (ST, FLAG8, FLAG8.replace("prometheus.yaml", "prom.yaml"))], [], [], PS),
  ("b8 ConfigMap key renamed", "b8-reload", [(C, "  prometheus.yaml: |", "  prometheus.yml: |")], ["KS100"], [], None),
  ("b8 ConfigMap renamed", "b8-reload", [(C, "  name: prometheus-server\n", "  name: prometheus-server-v2\n")], ["KS100"], [], None),
  ("b8 volume renamed in mounts only", "b8-reload", [(ST, "            - name: config-volume\n              mountPath: /etc/config\n              readOnly", "            - name: config\n              mountPath: /etc/config\n              readOnly"), (ST, PROM_MOUNT8, PROM_MOUNT8.replace("config-volume", "config"))], ["KS100", "KS602"], [], None),  # the API server refuses the StatefulSet's pods: a mount of an undefined volume (ValidateVolumeMounts NotFound)
  # Volumes are mounted per container: the reloader's mount puts nothing at /etc/config in the Prometheus container,
  # whose --config.file then names a file it does not have (the image's, or none: it fails to start).
  ("b8 prometheus container lacks the mount", "b8-reload", [(ST, PROM_MOUNT8, "          volumeMounts:\n            - name: storage-volume")], ["KS100"], [], None),
  ("b8 grafana mounts the ConfigMap too", "b8-reload", GRAFANA_AS_PROM[1:], [], [], PS),
  # Loaded as two ServiceAccounts (SPEC §3): checked as each; the grafana account holds none of the grants.
  ("b8 second Prometheus other SA", "b8-reload", GRAFANA_AS_PROM, ALL8, [], frozenset({PS, "monitoring/grafana"})),
  ("b8 second Prometheus other SA --identity", "b8-reload", GRAFANA_AS_PROM, [], ["--identity", PS], PS),
  ("b8 DaemonSet", "b8-reload", [(ST, STS_HEAD, "kind: DaemonSet\nmetadata:\n  name: prometheus-server\n  namespace: monitoring\nspec:\n"), (ST, PVC8, ""), EMPTY_DIR8], [], [], PS),
  ("b8 Deployment", "b8-reload", [(ST, STS_HEAD, "kind: Deployment\nmetadata:\n  name: prometheus-server\n  namespace: monitoring\nspec:\n  replicas: 1\n"), (ST, PVC8, ""), EMPTY_DIR8], [], [], PS),
  ("b8 ReplicaSet", "b8-reload", [(ST, STS_HEAD, "kind: ReplicaSet\nmetadata:\n  name: prometheus-server\n  namespace: monitoring\nspec:\n  replicas: 1\n"), (ST, PVC8, ""), EMPTY_DIR8], [], [], PS),
  ("b8 Job", "b8-reload", [(ST, "apiVersion: apps/v1\n" + STS_HEAD, "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: prometheus-server\n  namespace: monitoring\nspec:\n"), (ST, "  selector:\n    matchLabels:\n      app.kubernetes.io/name: prometheus\n", ""), (ST, "    spec:\n      serviceAccountName", "    spec:\n      restartPolicy: OnFailure\n      serviceAccountName"), (ST, PVC8, ""), EMPTY_DIR8], [], [], PS),
  ("b8 CronJob", "b8-reload", [(ST, None, CRON8)], [], [], PS),
  ("b8 bare Pod", "b8-reload", [(ST, None, POD8)], [], [], PS),
  ("b8 bare Pod in default namespace", "b8-reload", [(ST, None, POD8.replace("  namespace: monitoring\n", ""))], ["KS100"], [], None),
  ("b8 deprecated serviceAccount", "b8-reload", [(ST, "      serviceAccountName: prometheus-server\n", "      serviceAccount: prometheus-server\n")], [], [], PS),
  ("b8 serviceAccountName wins over serviceAccount", "b8-reload", [(ST, "      serviceAccountName: prometheus-server\n", "      serviceAccountName: prometheus-server\n      serviceAccount: grafana\n")], [], [], PS),
  ("b8 serviceAccountName default", "b8-reload", [(ST, "      serviceAccountName: prometheus-server\n", "      serviceAccountName: default\n")], ALL8, [], "monitoring/default"),
  ("b8 no serviceAccountName", "b8-reload", [(ST, "      serviceAccountName: prometheus-server\n", "")], ALL8, [], "monitoring/default"),
  ("b8 SA undefined", "b8-reload", [(R, "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n" + SA8, "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n")], ["KS109"], [], PS),
  ("b8 SA automount false", "b8-reload", [(R, SA8, SA8.replace("---", "automountServiceAccountToken: false\n---"))], ["KS107"], [], PS),
  ("b8 SA false pod true", "b8-reload", [(R, SA8, SA8.replace("---", "automountServiceAccountToken: false\n---")), (ST, "      serviceAccountName: prometheus-server\n", "      serviceAccountName: prometheus-server\n      automountServiceAccountToken: true\n")], [], [], PS),
  ("b8 pod automount false projected token", "b8-reload", [(ST, "      serviceAccountName: prometheus-server\n", "      serviceAccountName: prometheus-server\n      automountServiceAccountToken: false\n"), (ST, VOL8, VOL8 + PROJECTED8), (ST, PROM_MOUNT8, PROM_MOUNT8.replace("          volumeMounts:\n", "          volumeMounts:\n" + TOKEN_MOUNT))], [], [], PS),
  ("b8 projected token in the reloader only", "b8-reload", [(ST, "      serviceAccountName: prometheus-server\n", "      serviceAccountName: prometheus-server\n      automountServiceAccountToken: false\n"), (ST, VOL8, VOL8 + PROJECTED8), (ST, RELOADER_MOUNT8, RELOADER_MOUNT8 + TOKEN_MOUNT)], ["KS107"], [], PS),
  ("b8 --identity grafana", "b8-reload", [], ALL8, ["--identity", "monitoring/grafana"], "monitoring/grafana"),
  ("b8 --identity undefined", "b8-reload", [], ALL8, ["--identity", "monitoring/nobody"], "monitoring/nobody"),
  ("b8 identities glob", "b8-reload", [], ALL8, ["identities", {"config.yaml": "monitoring/grafana"}], "monitoring/grafana"),
  ("b8 identities glob other file", "b8-reload", [], [], ["identities", {"other.yaml": "monitoring/grafana"}], PS),
  ("b8 sts in default namespace", "b8-reload", [(ST, "  name: prometheus-server\n  namespace: monitoring\n", "  name: prometheus-server\n")], ["KS100"], [], None),
  ("b8 CRB subject other SA", "b8-reload", [(R, "    name: prometheus-server\n    namespace: monitoring\n", "    name: grafana\n    namespace: monitoring\n")], ALL8, [], PS),
]
P9HEAD = "  serviceAccountName: prometheus-main\n"
O = "monitoring/prometheus-main"
WEB = "  name: web\n  namespace: team-a\n  labels:\n    release: main\n"
MUTATIONS += [
  ("b9 baseline identity", "b9-opstack", [], [], [], O),
  ("b9 no serviceAccountName", "b9-opstack", [(P9, P9HEAD, "")], ["KS101", "KS104"], [], "monitoring/default"),
  ("b9 serviceAccountName undefined", "b9-opstack", [(P9, P9HEAD, "  serviceAccountName: prometheus\n")], ["KS101", "KS104", "KS109"], [], "monitoring/prometheus"),
  ("b9 SA automount false", "b9-opstack", [(P9, "  namespace: monitoring\n---\napiVersion: monitoring.coreos.com/v1\nkind: Prometheus", "  namespace: monitoring\nautomountServiceAccountToken: false\n---\napiVersion: monitoring.coreos.com/v1\nkind: Prometheus")], [], [], O),
  ("b9 CR automount false", "b9-opstack", [(P9, P9HEAD, P9HEAD + "  automountServiceAccountToken: false\n")], ["KS107"], [], O),
  ("b9 --identity", "b9-opstack", [], ["KS101", "KS104"], ["--identity", "monitoring/default"], "monitoring/default"),
  ("b9 SM selector nil", "b9-opstack", [(P9, "  serviceMonitorSelector:\n    matchLabels:\n      release: main\n", "")], ["KS100"]),
  ("b9 SM selector {}", "b9-opstack", [(P9, "  serviceMonitorSelector:\n    matchLabels:\n      release: main\n", "  serviceMonitorSelector: {}\n")], [], [], O),
  ("b9 SM selector no longer matches", "b9-opstack", [(P9, "      release: main\n  serviceMonitorNamespaceSelector", "      release: prod\n  serviceMonitorNamespaceSelector")], ["KS100"]),
  ("b9 SM selector matchExpressions", "b9-opstack", [(P9, "  serviceMonitorSelector:\n    matchLabels:\n      release: main\n", "  serviceMonitorSelector:\n    matchExpressions:\n      - {key: release, operator: In, values: [main, canary]}\n")], [], [], O),
  ("b9 SM ns selector nil", "b9-opstack", [(P9, "  serviceMonitorNamespaceSelector:\n    matchLabels:\n      monitoring: enabled\n", "")], ["KS100"]),
  ("b9 SM ns selector {}", "b9-opstack", [(P9, "  serviceMonitorNamespaceSelector:\n    matchLabels:\n      monitoring: enabled\n", "  serviceMonitorNamespaceSelector: {}\n")], [], [], O),
  ("b9 SM ns selector metadata.name", "b9-opstack", [(P9, "  serviceMonitorNamespaceSelector:\n    matchLabels:\n      monitoring: enabled\n", "  serviceMonitorNamespaceSelector:\n    matchLabels:\n      kubernetes.io/metadata.name: team-a\n")], ["KS100"]),
  ("b9 team-b label removed", "b9-opstack", [(NS9, "  name: team-b\n  labels:\n    monitoring: enabled\n", "  name: team-b\n")], ["KS100"]),
  ("b9 sandbox labelled", "b9-opstack", [(NS9, "  name: sandbox\n", "  name: sandbox\n  labels:\n    monitoring: enabled\n")], [], [], O),
  ("b9 SM web any:true", "b9-opstack", [(MO9, "      app: web\n  endpoints", "      app: web\n  namespaceSelector:\n    any: true\n  endpoints")], ["KS105"]),
  ("b9 SM web matchNames sandbox", "b9-opstack", [(MO9, "      app: web\n  endpoints", "      app: web\n  namespaceSelector:\n    matchNames: [sandbox]\n  endpoints")], ["KS105"]),
  ("b9 SM web matchNames team-a,team-b", "b9-opstack", [(MO9, "      app: web\n  endpoints", "      app: web\n  namespaceSelector:\n    matchNames: [team-a, team-b]\n  endpoints")], [], [], O),
  ("b9 SM web moved to sandbox", "b9-opstack", [(MO9, WEB, WEB.replace("team-a", "sandbox"))], ["KS100"]),
  ("b9 SM web moved to labelled sandbox", "b9-opstack", [(MO9, WEB, WEB.replace("team-a", "sandbox")), (NS9, "  name: sandbox\n", "  name: sandbox\n  labels:\n    monitoring: enabled\n")], ["KS105"], [], O),
  ("b9 SM web serviceDiscoveryRole Endpoints", "b9-opstack", [(MO9, "      app: web\n  endpoints", "      app: web\n  serviceDiscoveryRole: Endpoints\n  endpoints")], ["KS101"], [], O),
  ("b9 Prometheus serviceDiscoveryRole removed", "b9-opstack", [(P9, "  serviceDiscoveryRole: EndpointSlice\n", "")], ["KS101"], [], O),
  # 2.20 predates `authorization` in scrape configs (2.26.0, #8512): the additional job's authorization is refused.
  ("b9 Prometheus version 2.20", "b9-opstack", [(P9, "  version: v3.5.0\n", "  version: v2.20.0\n")], ["KS101", "KS601"], [], O),
  ("b9 PodMonitor selector nil", "b9-opstack", [(P9, "  podMonitorSelector: {}\n", "")], ["KS100"]),
  ("b9 PodMonitor ns selector nil", "b9-opstack", [(P9, "  podMonitorNamespaceSelector:\n    matchLabels:\n      monitoring: enabled\n", "")], ["KS100"]),
  ("b9 PodMonitor any:true", "b9-opstack", [(MO9, "      app: worker\n", "      app: worker\n  namespaceSelector:\n    any: true\n")], ["KS105"], [], O),
  ("b9 PodMonitor attachMetadata node", "b9-opstack", [(MO9, "  podMetricsEndpoints:\n", "  attachMetadata:\n    node: true\n  podMetricsEndpoints:\n")], [], [], O),
  ("b9 ignoreNamespaceSelectors", "b9-opstack", [(P9, P9HEAD, P9HEAD + "  ignoreNamespaceSelectors: true\n")], ["KS105"], [], O),
  ("b9 ignoreNamespaceSelectors with any:true", "b9-opstack", [(P9, P9HEAD, P9HEAD + "  ignoreNamespaceSelectors: true\n"), (MO9, "      app: worker\n", "      app: worker\n  namespaceSelector:\n    any: true\n")], ["KS105"], [], O),
  ("b9 Probe ingress matchNames sandbox", "b9-opstack", [(MO9, "        matchNames: [team-a]\n      selector:\n        matchLabels:\n          probe", "        matchNames: [sandbox]\n      selector:\n        matchLabels:\n          probe")], ["KS105"], [], O),
  ("b9 Probe ingress any:true", "b9-opstack", [(MO9, "        matchNames: [team-a]\n      selector:\n        matchLabels:\n          probe", "        any: true\n      selector:\n        matchLabels:\n          probe")], ["KS105"], [], O),
  ("b9 Probe static targets", "b9-opstack", [(MO9, "    ingress:\n      namespaceSelector:\n        matchNames: [team-a]\n      selector:\n        matchLabels:\n          probe: \"true\"\n", "    staticConfig:\n      static: [https://example.com]\n")], [], [], O),
  ("b9 probeSelector nil", "b9-opstack", [(P9, "  probeSelector: {}\n", "")], ["KS100"]),
  ("b9 probe ns selector nil, Probe in sandbox", "b9-opstack", [(P9, "  probeNamespaceSelector: {}\n", ""), (MO9, "  name: ingresses\n  namespace: monitoring\n", "  name: ingresses\n  namespace: sandbox\n")], ["KS100"]),
  ("b9 ScrapeConfig label removed", "b9-opstack", [(MO9, "  name: node-exporter\n  namespace: monitoring\n  labels:\n    release: main\n", "  name: node-exporter\n  namespace: monitoring\n")], ["KS100"]),
  ("b9 ScrapeConfig in team-a (own-namespace selector)", "b9-opstack", [(MO9, "  name: node-exporter\n  namespace: monitoring\n", "  name: node-exporter\n  namespace: team-a\n")], ["KS100"]),
  ("b9 ScrapeConfig role Pod", "b9-opstack", [(MO9, "    - role: Node\n", "    - role: Pod\n")], ["KS105"], [], O),
  ("b9 ScrapeConfig role Pod namespaced", "b9-opstack", [(MO9, "    - role: Node\n", "    - role: Pod\n      namespaces:\n        names: [team-b]\n")], [], [], O),
  ("b9 additionalScrapeConfigs key wrong", "b9-opstack", [(P9, "    key: extra.yaml\n", "    key: extra.yml\n")], ["KS601"]),
  ("b9 additionalScrapeConfigs Secret name wrong", "b9-opstack", [(P9, "    name: additional-scrape-configs\n", "    name: additional-scrape-config\n")], ["KS601"]),
  ("b9 additionalScrapeConfigs optional, Secret missing", "b9-opstack", [(P9, "    name: additional-scrape-configs\n", "    name: additional-scrape-config\n    optional: true\n")], []),
  ("b9 additional job in sandbox", "b9-opstack", [(P9, "            names: [default]\n", "            names: [sandbox]\n")], ["KS105"], [], O),
  ("b9 deny FS access, SM with bearerTokenFile", "b9-opstack", [(P9, P9HEAD, P9HEAD + "  arbitraryFSAccessThroughSMs:\n    deny: true\n"), (MO9, "    - port: metrics\n", "    - port: metrics\n      bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n")], ["KS603"], [], O),
  ("b9 deny FS access, SM tlsConfig caFile", "b9-opstack", [(P9, P9HEAD, P9HEAD + "  arbitraryFSAccessThroughSMs:\n    deny: true\n"), (MO9, "    - port: metrics\n", "    - port: metrics\n      scheme: https\n      tlsConfig:\n        caFile: /etc/prometheus/certs/ca.crt\n")], ["KS603"], [], O),
  ("b9 deny FS access, SM tlsConfig ca from Secret", "b9-opstack", [(P9, P9HEAD, P9HEAD + "  arbitraryFSAccessThroughSMs:\n    deny: true\n"), (MO9, "    - port: metrics\n", "    - port: metrics\n      scheme: https\n      tlsConfig:\n        ca:\n          secret:\n            name: api-ca\n            key: ca.crt\n")], [], [], O),
  ("b9 no deny, SM bearerTokenFile", "b9-opstack", [(MO9, "    - port: metrics\n", "    - port: metrics\n      bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n")], [], [], O),
  ("b9 Prometheus moved to team-a", "b9-opstack", [(P9, "  name: main\n  namespace: monitoring\n", "  name: main\n  namespace: team-a\n")], ["KS100", "KS101", "KS109", "KS601"]),
  ("b9 RoleBinding team-a dropped", "b9-opstack", [(RB9, "kind: RoleBinding\nmetadata:\n  name: prometheus-main\n  namespace: team-a\n", "kind: RoleBinding\nmetadata:\n  name: prometheus-main\n  namespace: team-c\n")], ["KS105"], [], O),
]
A10 = "monitoring/prom-agent"
MUTATIONS += [
  ("b10 baseline identity", "b10-agent", [], [], [], A10),
  ("b10 StatefulSet mode pods still cluster-wide", "b10-agent", [(AG, "  mode: DaemonSet\n", "")], [], [], A10),
  ("b10 ServiceMonitor ignored in DaemonSet mode", "b10-agent", [(AG, "  podMonitorNamespaceSelector: {}\n", "  podMonitorNamespaceSelector: {}\n  serviceMonitorSelector: {}\n  serviceMonitorNamespaceSelector: {}\n"), (AG, "kind: PodMonitor\nmetadata:\n  name: app\n", "kind: ServiceMonitor\nmetadata:\n  name: app\n"), (AG, "  podMetricsEndpoints:\n    - port: metrics\n      path: /metrics\n", "  endpoints:\n    - port: metrics\n")], [], [], A10),
  ("b10 ServiceMonitor in StatefulSet mode", "b10-agent", [(AG, "  mode: DaemonSet\n", ""), (AG, "  podMonitorNamespaceSelector: {}\n", "  podMonitorNamespaceSelector: {}\n  serviceMonitorSelector: {}\n  serviceMonitorNamespaceSelector: {}\n"), (AG, "kind: PodMonitor\nmetadata:\n  name: app\n", "kind: ServiceMonitor\nmetadata:\n  name: app\n"), (AG, "  podMetricsEndpoints:\n    - port: metrics\n      path: /metrics\n", "  endpoints:\n    - port: metrics\n")], ["KS101"], [], A10),
  ("b10 no serviceAccountName", "b10-agent", [(AG, "  serviceAccountName: prom-agent\n", "")], ["KS101"], [], "monitoring/default"),
  ("b10 podMonitorSelector nil", "b10-agent", [(AG, "  podMonitorSelector:\n    matchLabels:\n      scrape: node-local\n", "")], ["KS100"]),
  ("b10 PodMonitor label changed", "b10-agent", [(AG, "  namespace: shop\n  labels:\n    scrape: node-local\n", "  namespace: shop\n  labels:\n    scrape: cluster\n")], ["KS100"]),
  ("b10 CRB -> RoleBinding", "b10-agent", [(AG, "kind: ClusterRoleBinding\nmetadata:\n  name: prom-agent\n", "kind: RoleBinding\nmetadata:\n  name: prom-agent\n  namespace: shop\n")], ["KS105"], [], A10),
  ("b10 attachMetadata node", "b10-agent", [(AG, "  podMetricsEndpoints:\n    - port: prometheus\n", "  attachMetadata:\n    node: true\n  podMetricsEndpoints:\n    - port: prometheus\n")], ["KS101"], [], A10),
  ("b10 agent automount false", "b10-agent", [(AG, "  mode: DaemonSet\n", "  mode: DaemonSet\n  automountServiceAccountToken: false\n")], ["KS107"], [], A10),
  ("b10 cilium ns selector matchNames", "b10-agent", [(AG, "    any: true\n", "    matchNames: [kube-system]\n")], [], [], A10),
  ("b10 agent in other namespace", "b10-agent", [(AG, "  name: node-agent\n  namespace: monitoring\n", "  name: node-agent\n  namespace: agents\n")], ["KS101", "KS109"], [], "agents/prom-agent"),
]
