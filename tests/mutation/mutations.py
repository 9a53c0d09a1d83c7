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
  ("b1 token in other file", "b1-plain", [(C, "          credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n        kubernetes_sd_configs:\n          - role: node\n        relabel", "          credentials_file: /etc/prometheus/token\n        kubernetes_sd_configs:\n          - role: node\n        relabel")], []),
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
  ("b1 url no leading slash", "b1-plain", [(R, '["/metrics"]', '["metrics"]')], ["KS104"]),
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
