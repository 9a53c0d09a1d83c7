"""Second-round single-fault mutations: (name, baseline, edits, expected rule ids [, assumptions]), as in
mutations.py, compared on the least-privilege (KS2xx), transport (KS3xx), workload (KS4xx), KS604/KS605 and
KS110-KS112 rules (test_mutations2.py). The expected ids were decided from SPEC §4, FACTS and the rule docs before
running the tool; `KSnnn:severity` where the rule's severity depends on the case.

Judged after running, and kept as the tool has them (the first guess was wrong, not the tool):
- KS203 is silent on a `*` (resources, verbs, URLs, `*/proxy`) that also serves a need: the permission is used, and
  KS202's fix lists the explicit rules to keep. It does report `create nodes/proxy` beside KS201 (an unused grant).
- A message that changes counts as an added finding: KS401/KS402/KS404 name what the pod's token holds, so giving
  (or taking) the exporter's ServiceAccount a grant adds them again.
- Switching discovery (readonly port, EndpointSlice role) leaves the old grant unused: KS203, rightly."""

R, C, D = "rbac.yaml", "config.yaml", "deploy.yaml"
A2 = "agent.yaml"; OP = "op.yaml"; NS = "all.yaml"; KRP = "node-exporter.yaml"
OT = "collector.yaml"; GA = "agent.yaml"; EX = "exporter.yaml"
# b1-plain
B1_NM = '      - nodes/metrics\n    verbs: ["get"]\n'
B1_LW = '      - pods\n    verbs: ["list", "watch"]\n'
B1_URL = '  - nonResourceURLs: ["/metrics"]\n    verbs: ["get"]\n'
B1_ROLEREF = "  kind: ClusterRole\n  name: prometheus\nsubjects"
B1_NODES_TLS = ("      - job_name: kubernetes-nodes\n        scheme: https\n        tls_config:\n"
                "          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n")
B1_API_TLS = ("          - role: endpoints\n        scheme: https\n        tls_config:\n"
              "          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n")
B1_PODS = "      - job_name: kubernetes-pods\n        kubernetes_sd_configs:\n          - role: pod\n"
B1_SVC = "      - job_name: kubernetes-service-endpoints\n        kubernetes_sd_configs:\n          - role: endpoints\n"
B1_CADV_RELABEL = ("      - job_name: kubernetes-cadvisor\n        scheme: https\n        metrics_path: /metrics/cadvisor\n"
                   "        tls_config:\n          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n"
                   "        authorization:\n          credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n"
                   "        kubernetes_sd_configs:\n          - role: node\n        relabel_configs:\n")
PROXY_RELABEL = ("          - target_label: __address__\n            replacement: kubernetes.default.svc:443\n"
                 "          - source_labels: [__meta_kubernetes_node_name]\n            regex: (.+)\n"
                 "            target_label: __metrics_path__\n            replacement: /api/v1/nodes/${1}/proxy/metrics/cadvisor\n")
SEC = "kubernetes.io/serviceaccount"


def b1_rule(text: str) -> tuple:
    """Adds a rule to b1's ClusterRole, before its nonResourceURLs rule."""
    return (R, B1_URL, text + B1_URL)


def b1_job(text: str) -> tuple:
    """Adds a job in front of b1's kubernetes-pods job."""
    return (C, "      - job_name: kubernetes-pods\n", text + "      - job_name: kubernetes-pods\n")


KCM_JOB = """      - job_name: kube-controller-manager
        scheme: https
        tls_config:
          insecure_skip_verify: true
        authorization:
          credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token
        kubernetes_sd_configs:
          - role: pod
            namespaces:
              names: [kube-system]
        relabel_configs:
          - source_labels: [__meta_kubernetes_pod_label_component]
            action: keep
            regex: kube-controller-manager
          - source_labels: [__address__]
            regex: ([^:]+)(?::\\d+)?
            replacement: $1:10257
            target_label: __address__
"""
ETCD_JOB = """      - job_name: etcd
        kubernetes_sd_configs:
          - role: pod
            namespaces:
              names: [kube-system]
        relabel_configs:
          - source_labels: [__meta_kubernetes_pod_label_component]
            action: keep
            regex: etcd
          - source_labels: [__address__]
            regex: ([^:]+)(?::\\d+)?
            replacement: $1:2381
            target_label: __address__
"""
KPROXY_JOB = """      - job_name: kube-proxy
        kubernetes_sd_configs:
          - role: node
        relabel_configs:
          - source_labels: [__address__]
            regex: ([^:]+)(?::\\d+)?
            replacement: $1:10249
            target_label: __address__
"""
SCHED_LOCAL = """      - job_name: kube-scheduler
        scheme: https
        tls_config:
          insecure_skip_verify: true
        authorization:
          credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token
        static_configs:
          - targets: ['127.0.0.1:10259']
"""
READONLY_RELABEL = ("          - source_labels: [__address__]\n            regex: ([^:]+)(?::\\d+)?\n"
                    "            replacement: $1:10255\n            target_label: __address__\n")

MUTATIONS = [
  # ---- least privilege on b1 (plain Prometheus, ClusterRole prometheus)
  ("b1 add nodes/proxy", "b1-plain", [(R, "      - nodes/metrics\n", "      - nodes/metrics\n      - nodes/proxy\n")], ["KS201", "KS203"]),
  ("b1 nodes/* ineffective not KS201", "b1-plain", [(R, "      - nodes/metrics\n", "      - nodes/metrics\n      - nodes/*\n")], []),
  ("b1 get on * resources", "b1-plain", [(R, B1_NM, "      - '*'\n" + '    verbs: ["get"]\n')], ["KS201", "KS202", "KS204", "KS205"]),
  ("b1 list on * resources", "b1-plain", [(R, "    resources:\n      - nodes\n      - services\n      - endpoints\n      - pods\n", '    resources: ["*"]\n')], ["KS202", "KS204"]),
  ("b1 verbs * on discovery", "b1-plain", [(R, B1_LW, '      - pods\n    verbs: ["*"]\n')], ["KS202", "KS207"]),
  ("b1 apiGroups * on discovery", "b1-plain", [(R, '  - apiGroups: [""]\n    resources:\n      - nodes\n', '  - apiGroups: ["*"]\n    resources:\n      - nodes\n')], ["KS202"]),
  ("b1 url *", "b1-plain", [(R, '["/metrics"]', '["*"]')], ["KS202"]),
  ("b1 url /*", "b1-plain", [(R, '["/metrics"]', '["/*"]')], ["KS202"]),
  ("b1 url /metrics* narrow", "b1-plain", [(R, '["/metrics"]', '["/metrics*"]')], []),
  ("b1 extra url /healthz", "b1-plain", [(R, '["/metrics"]', '["/metrics", "/healthz"]')], ["KS203"]),
  ("b1 secrets get/list/watch", "b1-plain", [b1_rule('  - apiGroups: [""]\n    resources: ["secrets"]\n    verbs: ["get", "list", "watch"]\n')], ["KS203", "KS204"]),
  ("b1 secrets by name", "b1-plain", [b1_rule('  - apiGroups: [""]\n    resources: ["secrets"]\n    resourceNames: ["etcd-certs"]\n    verbs: ["get"]\n')], ["KS203", "KS204"]),
  ("b1 escalate/bind clusterroles", "b1-plain", [b1_rule('  - apiGroups: ["rbac.authorization.k8s.io"]\n    resources: ["clusterroles"]\n    verbs: ["escalate", "bind"]\n')], ["KS203", "KS205"]),
  ("b1 impersonate serviceaccounts", "b1-plain", [b1_rule('  - apiGroups: [""]\n    resources: ["serviceaccounts"]\n    verbs: ["impersonate"]\n')], ["KS203", "KS205"]),
  ("b1 impersonate users", "b1-plain", [b1_rule('  - apiGroups: [""]\n    resources: ["users", "groups"]\n    verbs: ["impersonate"]\n')], ["KS203", "KS205"]),
  ("b1 create pods/exec", "b1-plain", [b1_rule('  - apiGroups: [""]\n    resources: ["pods/exec"]\n    verbs: ["create"]\n')], ["KS203", "KS205"]),
  ("b1 get pods/exec", "b1-plain", [b1_rule('  - apiGroups: [""]\n    resources: ["pods/exec"]\n    verbs: ["get"]\n')], ["KS203", "KS205"]),
  ("b1 create pods/* literal", "b1-plain", [b1_rule('  - apiGroups: [""]\n    resources: ["pods/*"]\n    verbs: ["create"]\n')], []),
  ("b1 create serviceaccounts/token", "b1-plain", [b1_rule('  - apiGroups: [""]\n    resources: ["serviceaccounts/token"]\n    verbs: ["create"]\n')], ["KS203", "KS205"]),
  ("b1 approve CSRs", "b1-plain", [b1_rule('  - apiGroups: ["certificates.k8s.io"]\n    resources: ["certificatesigningrequests/approval"]\n    verbs: ["update"]\n  - apiGroups: ["certificates.k8s.io"]\n    resources: ["signers"]\n    verbs: ["approve"]\n')], ["KS203", "KS205"]),
  ("b1 create clusterroles (write, not escalation)", "b1-plain", [b1_rule('  - apiGroups: ["rbac.authorization.k8s.io"]\n    resources: ["clusterroles"]\n    verbs: ["create"]\n')], ["KS203", "KS207"]),
  ("b1 delete pods", "b1-plain", [b1_rule('  - apiGroups: [""]\n    resources: ["pods"]\n    verbs: ["delete"]\n')], ["KS203", "KS207"]),
  ("b1 patch nodes in discovery rule", "b1-plain", [(R, B1_LW, '      - pods\n    verbs: ["list", "watch", "patch"]\n')], ["KS203", "KS207"]),
  ("b1 create tokenreviews ok-ish", "b1-plain", [b1_rule('  - apiGroups: ["authentication.k8s.io"]\n    resources: ["tokenreviews"]\n    verbs: ["create"]\n')], ["KS203"]),
  ("b1 bind cluster-admin", "b1-plain", [(R, B1_ROLEREF, B1_ROLEREF.replace("name: prometheus", "name: cluster-admin"))], ["KS206"]),
  ("b1 bind admin", "b1-plain", [(R, B1_ROLEREF, B1_ROLEREF.replace("name: prometheus", "name: admin"))], ["KS206"]),
  ("b1 bind edit", "b1-plain", [(R, B1_ROLEREF, B1_ROLEREF.replace("name: prometheus", "name: edit"))], ["KS206"]),
  ("b1 role equal to cluster-admin", "b1-plain", [(R, '  - apiGroups: [""]\n    resources:\n      - nodes\n      - services\n      - endpoints\n      - pods\n    verbs: ["list", "watch"]\n', '  - apiGroups: ["*"]\n    resources: ["*"]\n    verbs: ["*"]\n')], ["KS206"]),
  ("b1 extra configmaps get (unused)", "b1-plain", [b1_rule('  - apiGroups: [""]\n    resources: ["configmaps"]\n    verbs: ["get"]\n')], ["KS203"]),
  ("b1 extra ingresses list (unused)", "b1-plain", [b1_rule('  - apiGroups: ["networking.k8s.io"]\n    resources: ["ingresses"]\n    verbs: ["list", "watch"]\n')], ["KS203"]),
  ("b1 get added to discovery rule", "b1-plain", [(R, B1_LW, '      - pods\n    verbs: ["get", "list", "watch"]\n')], ["KS203"]),
  ("b1 extra nodes/stats", "b1-plain", [(R, "      - nodes/metrics\n", "      - nodes/metrics\n      - nodes/stats\n")], ["KS203"]),
  ("b1 cadvisor via apiserver proxy", "b1-plain", [(C, B1_CADV_RELABEL, B1_CADV_RELABEL + PROXY_RELABEL)], ["KS209"]),
  ("b1 cadvisor via apiserver proxy granted", "b1-plain", [(C, B1_CADV_RELABEL, B1_CADV_RELABEL + PROXY_RELABEL), (R, "      - nodes/metrics\n", "      - nodes/metrics\n      - nodes/proxy\n")], ["KS201", "KS209"]),
  # ---- transport on b1
  ("b1 nodes insecure_skip_verify", "b1-plain", [(C, B1_NODES_TLS, B1_NODES_TLS.replace("ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt", "insecure_skip_verify: true"))], ["KS301"]),
  ("b1 apiservers insecure_skip_verify", "b1-plain", [(C, B1_API_TLS, B1_API_TLS.replace("ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt", "insecure_skip_verify: true"))], ["KS301"]),
  ("b1 pods https insecure no creds", "b1-plain", [(C, B1_PODS, "      - job_name: kubernetes-pods\n        scheme: https\n        tls_config:\n          insecure_skip_verify: true\n        kubernetes_sd_configs:\n          - role: pod\n")], []),
  ("b1 pods https insecure basic_auth", "b1-plain", [(C, B1_PODS, "      - job_name: kubernetes-pods\n        scheme: https\n        basic_auth:\n          username: prom\n          password_file: /etc/prometheus/pw\n        tls_config:\n          insecure_skip_verify: true\n        kubernetes_sd_configs:\n          - role: pod\n")], ["KS301"]),
  ("b1 pods http token", "b1-plain", [(C, B1_PODS, f"      - job_name: kubernetes-pods\n        bearer_token_file: /var/run/secrets/{SEC}/token\n        kubernetes_sd_configs:\n          - role: pod\n")], ["KS303", "KS306"]),
  ("b1 pods http basic_auth", "b1-plain", [(C, B1_PODS, "      - job_name: kubernetes-pods\n        basic_auth:\n          username: prom\n          password_file: /etc/prometheus/pw\n        kubernetes_sd_configs:\n          - role: pod\n")], ["KS303"]),
  ("b1 service-endpoints https token", "b1-plain", [(C, B1_SVC, B1_SVC + f"        scheme: https\n        tls_config:\n          ca_file: /var/run/secrets/{SEC}/ca.crt\n        bearer_token_file: /var/run/secrets/{SEC}/token\n")], ["KS306"]),
  ("b1 apiservers scheme http", "b1-plain", [(C, B1_API_TLS, B1_API_TLS.replace("scheme: https", "scheme: http"))], ["KS303"]),
  ("b1 nodes scheme http", "b1-plain", [(C, "      - job_name: kubernetes-nodes\n        scheme: https", "      - job_name: kubernetes-nodes\n        scheme: http")], ["KS303"]),
  ("b1 nodes readonly port https+token", "b1-plain", [(C, "            regex: __meta_kubernetes_node_label_(.+)\n      - job_name: kubernetes-cadvisor", "            regex: __meta_kubernetes_node_label_(.+)\n" + READONLY_RELABEL + "      - job_name: kubernetes-cadvisor")], ["KS302"]),
  ("b1 kubelet-serving-cert cluster-ca", "b1-plain", [], [], ["--kubelet-serving-cert", "cluster-ca"]),
  ("b1 controller-manager on pod IP", "b1-plain", [b1_job(KCM_JOB)], ["KS301", "KS305:info"]),
  ("b1 etcd on pod IP", "b1-plain", [b1_job(ETCD_JOB)], ["KS305:info"]),
  ("b1 kube-proxy on node IP", "b1-plain", [b1_job(KPROXY_JOB)], ["KS305:info"]),
  # its insecure_skip_verify sends the token to the pod's own loopback, where only its containers could answer:
  # no KS301 until KS305's fix points the job at the node
  ("b1 scheduler on pod loopback", "b1-plain", [b1_job(SCHED_LOCAL)], ["KS305:warning"]),
  ("b1 pods sd api_server no creds", "b1-plain", [(C, B1_PODS, B1_PODS + "            api_server: https://kubernetes.default.svc\n")], ["KS111"]),
  ("b1 pods sd api_server with token", "b1-plain", [(C, B1_PODS, B1_PODS + f"            api_server: https://kubernetes.default.svc\n            bearer_token_file: /var/run/secrets/{SEC}/token\n            tls_config:\n              ca_file: /var/run/secrets/{SEC}/ca.crt\n")], []),
  ("b1 pods sd kubectl proxy", "b1-plain", [(C, B1_PODS, B1_PODS + "            api_server: http://localhost:8001\n")], []),
  ("b1 apiservers role endpointslice (labels stale)", "b1-plain", [(C, "          - role: endpoints\n        scheme: https", "          - role: endpointslice\n        scheme: https")], ["KS605"]),  # the job keeps nothing only through the KS605 bug: its get /metrics stays (KS203 _unseen_reviews)
  ("b1 nodes job reads pod label", "b1-plain", [(C, "            regex: __meta_kubernetes_node_label_(.+)\n      - job_name: kubernetes-cadvisor", "            regex: __meta_kubernetes_node_label_(.+)\n          - source_labels: [__meta_kubernetes_pod_name]\n            target_label: pod\n      - job_name: kubernetes-cadvisor")], ["KS605"]),
  ("b1 version 1.32 no KS604", "b1-plain", [], [], ["--kubernetes-version", "1.32"]),
  ("b1 prometheus hostNetwork", "b1-plain", [(D, "      serviceAccountName: prometheus\n", "      serviceAccountName: prometheus\n      hostNetwork: true\n")], ["KS401:warning"]),
  ("b1 prometheus hostPID", "b1-plain", [(D, "      serviceAccountName: prometheus\n", "      serviceAccountName: prometheus\n      hostPID: true\n")], ["KS402"]),
  ("b1 prometheus privileged", "b1-plain", [(D, "          image: quay.io/prometheus/prometheus:v3.5.0\n", "          image: quay.io/prometheus/prometheus:v3.5.0\n          securityContext:\n            privileged: true\n")], ["KS403"]),
  ("b1 prometheus mounts /var/lib/kubelet", "b1-plain", [(D, "              mountPath: /etc/prometheus\n", "              mountPath: /etc/prometheus\n            - name: kubelet\n              mountPath: /var/lib/kubelet\n              readOnly: true\n"), (D, "      volumes:\n", "      volumes:\n        - name: kubelet\n          hostPath:\n            path: /var/lib/kubelet\n")], ["KS404"]),
  # ---- b2 DaemonSet agent (kubelet jobs with insecure_skip_verify)
  ("b2 verify kubelet with system roots", "b2-ds", [(A2, "        tls_config:\n          insecure_skip_verify: true\n        kubernetes_sd_configs:\n          - role: node\n        metrics_path: /metrics/cadvisor", "        kubernetes_sd_configs:\n          - role: node\n        metrics_path: /metrics/cadvisor")], ["KS304"]),
  ("b2 verify kubelet system roots cluster-ca", "b2-ds", [(A2, "        tls_config:\n          insecure_skip_verify: true\n        kubernetes_sd_configs:\n          - role: node\n        metrics_path: /metrics/cadvisor", "        kubernetes_sd_configs:\n          - role: node\n        metrics_path: /metrics/cadvisor")],
   # no CA: Go verifies against the system roots, which hold no cluster CA, so every node fails x509 even where
   # the cluster CA signs the kubelets (KS304 since realworld29)
   ["KS304"], ["--kubelet-serving-cert", "cluster-ca"]),
  ("b2 readonly port plain", "b2-ds", [(A2, "      - job_name: kubelet\n        scheme: https\n        bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n        tls_config:\n          insecure_skip_verify: true\n        kubernetes_sd_configs:\n          - role: node\n        metrics_path: /metrics/cadvisor\n", "      - job_name: kubelet\n        kubernetes_sd_configs:\n          - role: node\n        metrics_path: /metrics/cadvisor\n        relabel_configs:\n" + READONLY_RELABEL)], ["KS302"]),  # round 17: no KS203 — KS302's fix (the authenticated port) needs the nodes/metrics grant
  ("b2 agent hostNetwork", "b2-ds", [(A2, "      serviceAccountName: prom-agent\n", "      serviceAccountName: prom-agent\n      hostNetwork: true\n")], ["KS401:warning"]),
  ("b2 agent mounts /var/lib/kubelet/pod-resources", "b2-ds", [(A2, "              mountPath: /etc/agent\n", "              mountPath: /etc/agent\n            - name: pr\n              mountPath: /pr\n"), (A2, "      volumes:\n", "      volumes:\n        - name: pr\n          hostPath:\n            path: /var/lib/kubelet/pod-resources\n")], []),
  ("b2 /pods with nodes/pods on 1.32", "b2-ds", [(A2, "metrics_path: /stats/summary", "metrics_path: /pods"), (A2, '"nodes/metrics", "nodes/stats"', '"nodes/metrics", "nodes/pods"')], ["KS110"], ["--kubernetes-version", "1.32"]),
  ("b2 /pods with nodes/pods on 1.34", "b2-ds", [(A2, "metrics_path: /stats/summary", "metrics_path: /pods"), (A2, '"nodes/metrics", "nodes/stats"', '"nodes/metrics", "nodes/pods"')], []),
  # ---- b3 operator
  ("b3 kubelet SM verify system roots", "b3-op", [(OP, "      bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n      tlsConfig:\n        insecureSkipVerify: true\n    - port: https-metrics\n      path", "      bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n    - port: https-metrics\n      path")], ["KS304"]),
  ("b3 kubelet SM port cadvisor 4194", "b3-op", [(OP, "    - port: https-metrics\n      path: /metrics/cadvisor\n      scheme: https\n      bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n      tlsConfig:\n        insecureSkipVerify: true\n", "    - port: cadvisor\n      path: /metrics/cadvisor\n")], ["KS302"]),
  ("b3 kubelet SM port http-metrics 10255", "b3-op", [(OP, "    - port: https-metrics\n      path: /metrics/cadvisor\n      scheme: https\n      bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n      tlsConfig:\n        insecureSkipVerify: true\n", "    - port: http-metrics\n      path: /metrics/cadvisor\n")], ["KS302"]),
  ("b3 apiserver SM scheme http", "b3-op", [(OP, "    - port: https\n      scheme: https\n", "    - port: https\n      scheme: http\n")], ["KS303"]),
  # A PodMonitor endpoint has no bearerTokenFile (PodMetricsEndpoint takes SafeAuthorization only): the key is an
  # unknown field (KS602, not compared here), so the job sends no token and nothing else changes.
  ("b3 PodMonitor token named app", "b3-op", [(OP, "    - port: metrics\n", "    - port: metrics\n      scheme: https\n      bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n")], []),
  ("b3 PodMonitor token label Exists", "b3-op", [(OP, "    - port: metrics\n  selector:\n    matchLabels:\n      app: web", "    - port: metrics\n      scheme: https\n      bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n  selector:\n    matchExpressions:\n      - key: monitoring\n        operator: Exists")], []),
  ("b3 PodMonitor token http", "b3-op", [(OP, "    - port: metrics\n", "    - port: metrics\n      bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n")], []),
  ("b3 Prometheus hostNetwork", "b3-op", [(OP, "  serviceAccountName: prometheus-k8s\n", "  serviceAccountName: prometheus-k8s\n  hostNetwork: true\n")], ["KS401:warning"]),
  ("b3 nodes/proxy granted", "b3-op", [(OP, '    resources: ["nodes/metrics"]', '    resources: ["nodes/metrics", "nodes/proxy"]')], ["KS201", "KS203"]),
  ("b3 EndpointSlice role", "b3-op", [(OP, "  serviceMonitorSelector: {}\n", "  serviceMonitorSelector: {}\n  serviceDiscoveryRole: EndpointSlice\n")], ["KS203"]),
  ("b3 version 1.32", "b3-op", [], [], ["--kubernetes-version", "1.32"]),
  ("b3 bind edit in apps", "b3-op", [(OP, "  namespace: apps\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: prometheus-k8s-discovery", "  namespace: apps\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: edit")], ["KS206"]),
  # ---- b4 API-server proxy
  ("b4 nodes/proxy -> *", "b4-proxy", [(R, '    resources: ["nodes/proxy"]', '    resources: ["*"]')], ["KS201", "KS202", "KS204", "KS205"]),
  ("b4 nodes/proxy -> */proxy", "b4-proxy", [(R, '    resources: ["nodes/proxy"]', '    resources: ["*/proxy"]')], ["KS201", "KS202"]),
  ("b4 nodes/proxy create", "b4-proxy", [(R, '    resources: ["nodes/proxy"]\n    verbs: ["get"]', '    resources: ["nodes/proxy"]\n    verbs: ["get", "create"]')], ["KS201", "KS203"]),
  ("b4 nodes/proxy list only", "b4-proxy", [(R, '    resources: ["nodes/proxy"]\n    verbs: ["get"]', '    resources: ["nodes/proxy"]\n    verbs: ["list"]')], ["KS203"]),
  ("b4 switch to direct kubelet", "b4-proxy", [(C, PROXY_RELABEL.replace("          - target_label", "          - target_label", 1), ""), (C, "        kubernetes_sd_configs:\n          - role: node\n", "        metrics_path: /metrics/cadvisor\n        kubernetes_sd_configs:\n          - role: node\n"), (R, '["nodes/proxy"]', '["nodes/proxy", "nodes/metrics"]')], ["KS201", "KS203", "KS304"]),
  # ---- b5 namespaced
  ("b5 secrets in team-a Role", "b5-ns", [(NS, '    resources: ["pods", "services", "endpoints"]\n    verbs: ["list", "watch"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: prometheus\n  namespace: team-a', '    resources: ["pods", "services", "endpoints"]\n    verbs: ["list", "watch"]\n  - apiGroups: [""]\n    resources: ["secrets"]\n    verbs: ["list"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: prometheus\n  namespace: team-a')], ["KS203", "KS204"]),
  ("b5 bind clusterroles via Role", "b5-ns", [(NS, '    resources: ["pods", "services", "endpoints"]\n    verbs: ["list", "watch"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: prometheus\n  namespace: team-a', '    resources: ["pods", "services", "endpoints"]\n    verbs: ["list", "watch"]\n  - apiGroups: ["rbac.authorization.k8s.io"]\n    resources: ["clusterroles"]\n    verbs: ["bind"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: prometheus\n  namespace: team-a')], ["KS203", "KS205"]),
  ("b5 RB admin in team-a", "b5-ns", [(NS, "  namespace: team-a\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: prometheus", "  namespace: team-a\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: admin")], ["KS206"]),
  ("b5 team-a as ClusterRoleBinding", "b5-ns", [(NS, "kind: Role\nmetadata:\n  name: prometheus\n  namespace: team-a\n", "kind: ClusterRole\nmetadata:\n  name: prometheus\n"), (NS, "kind: RoleBinding\nmetadata:\n  name: prometheus\n  namespace: team-a\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: prometheus\nsubjects:\n  - kind: ServiceAccount\n    name: prometheus\n", "kind: ClusterRoleBinding\nmetadata:\n  name: prometheus\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: prometheus\nsubjects:\n  - kind: ServiceAccount\n    name: prometheus\n    namespace: team-a\n")], ["KS208"]),
  # ---- b6 endpointslice
  ("b6 stale endpoint label", "b6-eps", [(C, "__meta_kubernetes_endpointslice_port_name", "__meta_kubernetes_endpoint_port_name")], ["KS605"]),  # as "b1 apiservers role endpointslice (labels stale)": the get /metrics grant stays
  ("b6 role endpoints", "b6-eps", [(C, "          - role: endpointslice\n        relabel_configs:\n          - source_labels: [__meta_kubernetes_service_annotation", "          - role: endpoints\n        relabel_configs:\n          - source_labels: [__meta_kubernetes_service_annotation")], ["KS604"]),
  ("b6 add get endpointslices", "b6-eps", [(R, '    resources: ["endpointslices"]\n    verbs: ["list", "watch"]', '    resources: ["endpointslices"]\n    verbs: ["get", "list", "watch"]')], ["KS203"]),
  # ---- b7 kube-prometheus node-exporter behind kube-rbac-proxy
  ("b7 no hostNetwork", "b7-krp", [(KRP, "      hostNetwork: true\n", "")], []),
  ("b7 exporter SA gains nodes/metrics", "b7-krp", [(KRP, '- apiGroups: ["authorization.k8s.io"]\n  resources: ["subjectaccessreviews"]\n  verbs: ["create"]\n', '- apiGroups: ["authorization.k8s.io"]\n  resources: ["subjectaccessreviews"]\n  verbs: ["create"]\n- apiGroups: [""]\n  resources: ["nodes/metrics"]\n  verbs: ["get"]\n')], ["KS401:warning", "KS402", "KS404"]),
  ("b7 exporter hostIPC", "b7-krp", [(KRP, "      hostPID: true\n", "      hostPID: true\n      hostIPC: true\n")], ["KS402"]),
  ("b7 kube-rbac-proxy privileged", "b7-krp", [(KRP, "        - --upstream=http://127.0.0.1:9101/\n", "        - --upstream=http://127.0.0.1:9101/\n        securityContext:\n          privileged: true\n")], ["KS403"]),
  ("b7 proxy SA subject other ns", "b7-krp", [(KRP, "subjects:\n- kind: ServiceAccount\n  name: node-exporter\n  namespace: monitoring", "subjects:\n- kind: ServiceAccount\n  name: node-exporter\n  namespace: kube-system")], ["KS112", "KS401:info", "KS402"]),
  ("b7 SM verifies with SA CA", "b7-krp", [(KRP, "    tlsConfig:\n      insecureSkipVerify: true\n", "    tlsConfig:\n      caFile: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n")], []),
  ("b7 Prometheus hostNetwork", "b7-krp", [(KRP, "  serviceDiscoveryRole: EndpointSlice\n", "  serviceDiscoveryRole: EndpointSlice\n  hostNetwork: true\n")], ["KS401:warning"]),
  # ---- b8 OpenTelemetry Collector prometheus receiver
  ("b8 kubelet insecure_skip_verify", "b8-otel", [(OT, "                insecure_skip_verify: false\n                ca_file: /etc/kubelet-ca/ca.crt\n", "                insecure_skip_verify: true\n")], ["KS301"]),
  ("b8 kubelet verified with SA CA", "b8-otel", [(OT, "ca_file: /etc/kubelet-ca/ca.crt", f"ca_file: /var/run/secrets/{SEC}/ca.crt")], ["KS304"]),
  ("b8 kubelet SA CA cluster-ca", "b8-otel", [(OT, "ca_file: /etc/kubelet-ca/ca.crt", f"ca_file: /var/run/secrets/{SEC}/ca.crt")], [], ["--kubelet-serving-cert", "cluster-ca"]),
  ("b8 nodes/proxy granted", "b8-otel", [(OT, '    resources: ["nodes/metrics"]', '    resources: ["nodes/metrics", "nodes/proxy"]')], ["KS201", "KS203"]),
  ("b8 secrets list", "b8-otel", [(OT, '    resources: ["nodes", "pods"]', '    resources: ["nodes", "pods", "secrets"]')], ["KS203", "KS204"]),
  ("b8 kube-state-metrics token http", "b8-otel", [(OT, "            - job_name: kube-state-metrics\n", f"            - job_name: kube-state-metrics\n              bearer_token_file: /var/run/secrets/{SEC}/token\n")], ["KS303"]),
  ("b8 annotated pods token https", "b8-otel", [(OT, "            - job_name: kube-state-metrics\n", f"            - job_name: kube-state-metrics\n              scheme: https\n              bearer_token_file: /var/run/secrets/{SEC}/token\n"), (OT, "__meta_kubernetes_pod_label_app_kubernetes_io_name]\n                  action: keep\n                  regex: kube-state-metrics", "__meta_kubernetes_pod_annotation_prometheus_io_scrape]\n                  action: keep\n                  regex: \"true\"")], ["KS306"]),
  ("b8 kubelet via apiserver proxy", "b8-otel", [(OT, "              kubernetes_sd_configs:\n                - role: node\n", "              kubernetes_sd_configs:\n                - role: node\n              relabel_configs:\n                - target_label: __address__\n                  replacement: kubernetes.default.svc:443\n                - source_labels: [__meta_kubernetes_node_name]\n                  regex: (.+)\n                  target_label: __metrics_path__\n                  replacement: /api/v1/nodes/$${1}/proxy/metrics/cadvisor\n")], ["KS209"]),
  ("b8 collector hostNetwork", "b8-otel", [(OT, "      serviceAccountName: otel-collector\n", "      serviceAccountName: otel-collector\n      hostNetwork: true\n")], ["KS401:warning"]),
  # ---- b9 Grafana Agent static mode
  ("b9 kubelet insecure_skip_verify", "b9-gagent", [(GA, "                ca_file: /etc/kubelet-ca/ca.crt\n", "                insecure_skip_verify: true\n")], ["KS301"]),
  ("b9 kubelet system roots", "b9-gagent", [(GA, "              tls_config:\n                ca_file: /etc/kubelet-ca/ca.crt\n", "")], ["KS304"]),
  ("b9 pods token http", "b9-gagent", [(GA, "            - job_name: integrations/kubernetes/pods\n", f"            - job_name: integrations/kubernetes/pods\n              bearer_token_file: /var/run/secrets/{SEC}/token\n")], ["KS303", "KS306"]),
  ("b9 resources *", "b9-gagent", [(GA, "  resources: [nodes, pods]", "  resources: ['*']")], ["KS202", "KS204"]),
  ("b9 bind edit", "b9-gagent", [(GA, "  kind: ClusterRole\n  name: grafana-agent\nsubjects", "  kind: ClusterRole\n  name: edit\nsubjects")], ["KS206"]),
  ("b9 agent hostPID", "b9-gagent", [(GA, "      serviceAccountName: grafana-agent\n", "      serviceAccountName: grafana-agent\n      hostPID: true\n")], ["KS402"]),
  ("b9 agent docker.sock", "b9-gagent", [(GA, "        - {name: grafana-agent, mountPath: /etc/agent}\n", "        - {name: grafana-agent, mountPath: /etc/agent}\n        - {name: docker, mountPath: /var/run/docker.sock}\n"), (GA, "      volumes:\n", "      volumes:\n      - name: docker\n        hostPath: {path: /var/run/docker.sock}\n")], ["KS404"]),
  # ---- b10 grant-less exporter DaemonSet
  ("b10 hostNetwork", "b10-exp", [(EX, "      serviceAccountName: node-exporter\n", "      serviceAccountName: node-exporter\n      hostNetwork: true\n")], ["KS401:info"]),
  ("b10 hostNetwork token mounted no grants", "b10-exp", [(EX, "      serviceAccountName: node-exporter\n", "      serviceAccountName: node-exporter\n      hostNetwork: true\n      automountServiceAccountToken: true\n")], ["KS401:info", "KS405"]),
  ("b10 hostPID", "b10-exp", [(EX, "      serviceAccountName: node-exporter\n", "      serviceAccountName: node-exporter\n      hostPID: true\n")], ["KS402"]),
  ("b10 hostIPC", "b10-exp", [(EX, "      serviceAccountName: node-exporter\n", "      serviceAccountName: node-exporter\n      hostIPC: true\n")], ["KS402"]),
  ("b10 privileged", "b10-exp", [(EX, "            allowPrivilegeEscalation: false\n", "            privileged: true\n")], ["KS403"]),
  ("b10 privileged with ape false rejected", "b10-exp", [(EX, "            allowPrivilegeEscalation: false\n", "            allowPrivilegeEscalation: false\n            privileged: true\n")], []),
  ("b10 ape true + NET_ADMIN", "b10-exp", [(EX, "            allowPrivilegeEscalation: false\n", "            allowPrivilegeEscalation: true\n            capabilities:\n              add: [NET_ADMIN]\n")], ["KS403"]),
  ("b10 ape unset + NET_ADMIN", "b10-exp", [(EX, "            allowPrivilegeEscalation: false\n", "            capabilities:\n              add: [NET_ADMIN]\n")], ["KS403"]),
  ("b10 ape false + NET_ADMIN", "b10-exp", [(EX, "            allowPrivilegeEscalation: false\n", "            allowPrivilegeEscalation: false\n            capabilities:\n              add: [NET_ADMIN]\n")], []),
  ("b10 ape false + SYS_ADMIN", "b10-exp", [(EX, "            allowPrivilegeEscalation: false\n", "            allowPrivilegeEscalation: false\n            capabilities:\n              add: [SYS_ADMIN]\n")], ["KS403"]),
  ("b10 ape true no caps", "b10-exp", [(EX, "            allowPrivilegeEscalation: false\n", "            allowPrivilegeEscalation: true\n")], []),
  ("b10 hostPath /", "b10-exp", [(EX, "            path: /proc\n", "            path: /\n")], ["KS404"]),
  ("b10 hostPath /proc writable", "b10-exp", [(EX, "              mountPath: /host/proc\n              readOnly: true\n", "              mountPath: /host/proc\n")], ["KS404"]),
  ("b10 hostPath /sys writable", "b10-exp", [(EX, "              mountPath: /host/sys\n              readOnly: true\n", "              mountPath: /host/sys\n")], ["KS404"]),
  ("b10 hostPath /var", "b10-exp", [(EX, "            path: /proc\n", "            path: /var\n")], ["KS404"]),
  ("b10 hostPath /etc/kubernetes", "b10-exp", [(EX, "            path: /proc\n", "            path: /etc/kubernetes\n")], ["KS404"]),
  ("b10 hostPath containerd.sock", "b10-exp", [(EX, "            path: /proc\n", "            path: /run/containerd/containerd.sock\n")], ["KS404"]),
  ("b10 hostPath /var/lib/kubelet/pods", "b10-exp", [(EX, "            path: /proc\n", "            path: /var/lib/kubelet/pods\n")], ["KS404"]),
  ("b10 hostPath /etc/localtime", "b10-exp", [(EX, "            path: /proc\n", "            path: /etc/localtime\n")], []),
  ("b10 hostPath / not mounted", "b10-exp", [(EX, "      volumes:\n", "      volumes:\n        - name: unused\n          hostPath:\n            path: /\n")], []),
  ("b10 SA automount true", "b10-exp", [(EX, "automountServiceAccountToken: false\n", "automountServiceAccountToken: true\n")], ["KS405"]),
  ("b10 SA automount unset", "b10-exp", [(EX, "automountServiceAccountToken: false\n", "")], ["KS405"]),
  ("b10 pod automount true", "b10-exp", [(EX, "      serviceAccountName: node-exporter\n", "      serviceAccountName: node-exporter\n      automountServiceAccountToken: true\n")], ["KS405"]),
  ("b10 automount with binding", "b10-exp", [(EX, "automountServiceAccountToken: false\n", "automountServiceAccountToken: true\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: node-exporter\n  namespace: monitoring\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n  - kind: ServiceAccount\n    name: node-exporter\n")], []),
  ("b10 hostNetwork token with grants", "b10-exp", [(EX, "automountServiceAccountToken: false\n", "automountServiceAccountToken: true\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: node-exporter\n  namespace: monitoring\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n  - kind: ServiceAccount\n    name: node-exporter\n"), (EX, "      serviceAccountName: node-exporter\n", "      serviceAccountName: node-exporter\n      hostNetwork: true\n")], ["KS401:warning"]),
  ("b10 hostNetwork grants but no token", "b10-exp", [(EX, "automountServiceAccountToken: false\n", "automountServiceAccountToken: false\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: node-exporter\n  namespace: monitoring\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n  - kind: ServiceAccount\n    name: node-exporter\n"), (EX, "      serviceAccountName: node-exporter\n", "      serviceAccountName: node-exporter\n      hostNetwork: true\n")], ["KS401:info"]),
  ("b10 default SA automount", "b10-exp", [(EX, "      serviceAccountName: node-exporter\n", "")], ["KS405"]),
]

# A third batch, expectations again written before running. The legacy /api/v1/proxy/nodes/ path asks for the verb
# `proxy` on nodes, so the get nodes/proxy grant is unused (KS203) and KS201's message changes: it no longer says the
# job uses it (it did, wrongly, before this round).
EXTRA_CRB = """---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: monitoring-admin
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
  - kind: Group
    name: system:serviceaccounts:monitoring
    apiGroup: rbac.authorization.k8s.io
"""
NODE_PROXY_RB = """---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: node-proxy
rules:
  - apiGroups: [""]
    resources: ["nodes/proxy"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: node-proxy
  namespace: monitoring
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: node-proxy
subjects:
  - kind: ServiceAccount
    name: prometheus
"""
STATIC_RO = """      - job_name: kubelet-readonly
        static_configs:
          - targets: ['10.0.0.1:10255']
"""
KPROXY_LOCAL = """      - job_name: kube-proxy
        static_configs:
          - targets: ['127.0.0.1:10249']
"""
CRONJOB = """---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: node-audit
  namespace: monitoring
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          hostPID: true
          restartPolicy: OnFailure
          containers:
            - name: audit
              image: busybox:1.36
"""
KUBELETSTATS = """      kubeletstats:
        collection_interval: 20s
        auth_type: serviceAccount
        endpoint: "https://${env:K8S_NODE_NAME}:10250"
        extra_metadata_labels: [container.id]
"""
MUTATIONS += [
  ("b1 nodes/proxy in Role", "b1-plain", [(R, "  namespace: monitoring\n---\napiVersion: rbac", "  namespace: monitoring\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: prom-extra\n  namespace: monitoring\nrules:\n  - apiGroups: [\"\"]\n    resources: [\"nodes/proxy\"]\n    verbs: [\"get\"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: prom-extra\n  namespace: monitoring\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: prom-extra\nsubjects:\n  - kind: ServiceAccount\n    name: prometheus\n---\napiVersion: rbac")], []),
  # A RoleBinding never grants a cluster-scoped resource: no KS201; KS203 asks to delete the rule (it says "grants").
  ("b1 nodes/proxy ClusterRole via RoleBinding", "b1-plain", [(R, "    namespace: monitoring", "    namespace: monitoring\n" + NODE_PROXY_RB.rstrip("\n"))], ["KS203"]),
  ("b1 group of the namespace bound to cluster-admin", "b1-plain", [(R, "    namespace: monitoring", "    namespace: monitoring\n" + EXTRA_CRB.rstrip("\n"))], ["KS206"]),
  ("b1 nodes/proxy limited by resourceNames", "b1-plain", [b1_rule('  - apiGroups: [""]\n    resources: ["nodes/proxy"]\n    resourceNames: ["node-1"]\n    verbs: ["get"]\n')], ["KS201", "KS203"]),
  ("b1 impersonate one serviceaccount", "b1-plain", [b1_rule('  - apiGroups: [""]\n    resources: ["serviceaccounts"]\n    resourceNames: ["admin"]\n    verbs: ["impersonate"]\n')], ["KS203", "KS205"]),
  ("b1 sd api_server insecure with token", "b1-plain", [(C, B1_PODS, B1_PODS + f"            api_server: https://kubernetes.default.svc\n            bearer_token_file: /var/run/secrets/{SEC}/token\n            tls_config:\n              insecure_skip_verify: true\n")], ["KS301"]),
  ("b1 sd api_server http remote with token", "b1-plain", [(C, B1_PODS, B1_PODS + f"            api_server: http://kube-proxy-gw.monitoring.svc:8001\n            bearer_token_file: /var/run/secrets/{SEC}/token\n")], ["KS303"]),
  ("b1 static readonly kubelet", "b1-plain", [b1_job(STATIC_RO)], ["KS302"]),
  ("b1 endpoints sd via kubeconfig", "b1-plain", [(C, B1_SVC, B1_SVC + "            kubeconfig_file: /etc/prometheus/remote.kubeconfig\n")], []),
  ("b1 endpointslices granted while on endpoints", "b1-plain", [b1_rule('  - apiGroups: ["discovery.k8s.io"]\n    resources: ["endpointslices"]\n    verbs: ["list", "watch"]\n')], []),
  ("b2 hostNetwork kube-proxy on loopback", "b2-ds", [(A2, "      serviceAccountName: prom-agent\n", "      serviceAccountName: prom-agent\n      hostNetwork: true\n"), (A2, "    scrape_configs:\n", "    scrape_configs:\n" + KPROXY_LOCAL)], ["KS401:warning"]),
  ("b3 Prometheus hostPath docker.sock", "b3-op", [(OP, "  serviceAccountName: prometheus-k8s\n", "  serviceAccountName: prometheus-k8s\n  volumes:\n    - name: docker\n      hostPath:\n        path: /var/run/docker.sock\n  volumeMounts:\n    - name: docker\n      mountPath: /var/run/docker.sock\n")], ["KS404"]),
  ("b3 Prometheus container privileged", "b3-op", [(OP, "  serviceAccountName: prometheus-k8s\n", "  serviceAccountName: prometheus-k8s\n  containers:\n    - name: prometheus\n      securityContext:\n        privileged: true\n")], ["KS403"]),
  ("b3 kubelet SM scheme http", "b3-op", [(OP, "    - port: https-metrics\n      scheme: https\n", "    - port: https-metrics\n      scheme: http\n")], ["KS303"]),
  ("b4 legacy proxy path", "b4-proxy", [(C, "/api/v1/nodes/${1}/proxy/metrics/cadvisor", "/api/v1/proxy/nodes/${1}/metrics/cadvisor")], ["KS201", "KS203", "KS209"]),
  ("b5 RB edit in team-b", "b5-ns", [(NS, "  namespace: team-b\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: prometheus", "  namespace: team-b\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: edit")], ["KS206"]),
  ("b6 service-endpoints insecure token", "b6-eps", [(C, "      - job_name: service-endpoints\n", f"      - job_name: service-endpoints\n        scheme: https\n        tls_config:\n          insecure_skip_verify: true\n        bearer_token_file: /var/run/secrets/{SEC}/token\n")], ["KS301", "KS306"]),
  ("b8 kubeletstats /pods on 1.32", "b8-otel", [(OT, "    exporters:\n", KUBELETSTATS + "    exporters:\n"), (OT, "receivers: [prometheus]", "receivers: [prometheus, kubeletstats]"), (OT, '    resources: ["nodes/metrics"]', '    resources: ["nodes/metrics", "nodes/stats", "nodes/pods"]')], ["KS110", "KS304"], ["--kubernetes-version", "1.32"]),
  ("b10 CronJob hostPID default SA", "b10-exp", [(EX, "automountServiceAccountToken: false\n", "automountServiceAccountToken: false\n" + CRONJOB)], ["KS402", "KS405"]),
]
