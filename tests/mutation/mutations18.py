"""Eighteenth-round single-fault mutations: a Prometheus Agent with namespaced discovery beside a plain Prometheus.

Baseline b39-agent-namespaced, as a platform team writes it:
- agent/ (a kustomization with `namespace: monitoring`): prometheus-operator writing the kubelet Service in
  kube-system (--kubelet-service, --kubelet-endpointslice); a PrometheusAgent `agent` (SA prometheus-agent with
  automountServiceAccountToken: false on the account, EndpointSlice discovery, a scrape class `kubelet-tls` setting
  the kubelet serving CA from a mounted ConfigMap, remote write to Mimir with oauth2); a ScrapeConfig `kubelet`
  discovering the kubelet Service's EndpointSlices in kube-system and scraping with the token of a
  service-account-token Secret; a Probe through blackbox-exporter; a ClusterRole for `get nodes/metrics` only.
- kube-system-rbac.yaml and tenants/tenant-{a,b}/ (kustomizations with `namespace: tenant-x`): a Role + RoleBinding
  per namespace for the agent's discovery (no ClusterRole for discovery), the tenants' apps, Services and
  ServiceMonitors in Namespaces labelled `tenant: "true"`.
- infra/: a plain Prometheus Deployment in infra-monitoring scraping the API server (endpointslice in default),
  the kubelet directly on :10250 (/metrics, /metrics/cadvisor, /metrics/resource, node role, kubelet CA mounted)
  and CoreDNS (endpointslice in kube-system); a ClusterRole for nodes/nodes-metrics//metrics and one ClusterRole for
  discovery bound by RoleBindings in default and kube-system.
It lints with no finding at all.

First run: 30 of 53 first guesses matched. Of the 23 others: 2 tool defects fixed (KS203 beside KS100 for a runner
with no namespace selector; KS203 beside KS109's rename of a misspelt runner account), 6 GAPs, 15 guesses corrected.

Each expectation was written before running (SPEC §3-§5, FACTS). Where the first guess was wrong the reason is
beside the mutation: "tool fixed" or "guess corrected". "GAP" marks a broken setup no rule reports.
"""

from __future__ import annotations

B = "b39-agent-namespaced"
K = "agent/kustomization.yaml"
OP = "agent/operator.yaml"
AG = "agent/agent.yaml"
AR = "agent/rbac.yaml"
KU = "agent/kubelet.yaml"
BB = "agent/blackbox.yaml"
KSR = "kube-system-rbac.yaml"
TAK = "tenants/tenant-a/kustomization.yaml"
TAR = "tenants/tenant-a/rbac.yaml"
TAA = "tenants/tenant-a/app.yaml"
TBN = "tenants/tenant-b/namespace.yaml"
TBR = "tenants/tenant-b/rbac.yaml"
TBA = "tenants/tenant-b/app.yaml"
IC = "infra/prometheus-config.yaml"
IP = "infra/prometheus.yaml"

ROLE_CORE = "  resources: [services, pods]\n  verbs: [list, watch]\n"
ROLE_SLICES = "- apiGroups: [discovery.k8s.io]\n  resources: [endpointslices]\n"
SUBJ = "- kind: ServiceAccount\n  name: prometheus-agent\n  namespace: monitoring\n"
NODE_METRICS = "  resources: [nodes/metrics]\n  verbs: [get]\n"
SC_AUTH = "  authorization:\n    type: Bearer\n    credentials:\n      name: prometheus-agent-token\n      key: token\n"
KEEP = "    regex: kubelet;https-metrics\n"
CLASS_TLS = "    tlsConfig:\n      caFile: /etc/prometheus/configmaps/kubelet-serving-ca/ca.crt\n"
KUBELET_JOB = "    - job_name: kubelet\n      kubernetes_sd_configs:\n      - role: node\n      scheme: https\n      tls_config:\n        ca_file: /etc/prometheus/kubelet-ca/ca.crt\n"
TOKEN = "        credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n"
INFRA_SUBJ = "- kind: ServiceAccount\n  name: prometheus\n  namespace: infra-monitoring\n"


KSR_BINDING = """---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: prometheus-agent-discovery
  namespace: kube-system
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: prometheus-agent-discovery
subjects:
- kind: ServiceAccount
  name: prometheus-agent
  namespace: monitoring
"""
INFRA_RB_DEFAULT = """apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: infra-prometheus-discovery
  namespace: default
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: infra-prometheus-discovery
subjects:
- kind: ServiceAccount
  name: prometheus
  namespace: infra-monitoring
---
"""


MUTATIONS = [
    # ---- kustomize namespace: settings
    ("agent-kustomize-namespace-typo", B, [(K, "namespace: monitoring\n", "namespace: monitorng\n")], ["KS108"]),
    ("tenant-a-kustomize-namespace-removed", B, [(TAK, "namespace: tenant-a\n", "")], ["KS100"]),
    # ---- monitor and namespace selection
    ("tenant-b-namespace-label-typo", B, [(TBN, "tenant: \"true\"", "tenant: \"ture\"")], ["KS100"]),
    ("billing-monitor-label-typo", B, [(TBA, "    agent: central\n", "    agent: centrl\n")], ["KS100"]),
    # KS100 only. Was KS100 + KS203 (delete the tenant Roles): KS100 names the agent's unset namespace selector, and
    # changing it brings the monitors back to that agent, so their Roles are kept (tool fixed in round 18:
    # operator._unset_namespace_selector_runners; fixture KS203/pass-rolebinding-kept-for-monitor-outside-unset-...)
    ("agent-sm-namespace-selector-removed", B, [(AG, "  serviceMonitorNamespaceSelector:\n    matchLabels:\n      tenant: \"true\"\n", "")], ["KS100"]),
    # first guess KS100; was a GAP (an unselected Probe with no access need to check was not reported); tool fixed:
    # KS100 reports a monitor the runners of the inputs leave out even when its jobs need no access
    ("probe-label-typo", B, [(BB, "    agent: central\n", "    agent: centra\n")], ["KS100"]),
    # ---- tenant Roles and RoleBindings
    # first guess KS101; KS105 is right (SPEC §4: the rule exists through RoleBindings of other namespaces, and KS105
    # replaces KS101 for that need)
    ("tenant-a-verb-typo", B, [(TAR, ROLE_CORE, ROLE_CORE.replace("[list, watch]", "[list, wacth]"))], ["KS105", "KS504"]),
    # first guess KS101; KS105 is right (SPEC §4: the rule exists through RoleBindings of other namespaces, and KS105
    # replaces KS101 for that need)
    ("tenant-b-resource-typo", B, [(TBR, ROLE_CORE, ROLE_CORE.replace("services, pods", "services, pod"))], ["KS105", "KS503"]),
    # first guess KS101; KS105 is right (SPEC §4: the rule exists through RoleBindings of other namespaces, and KS105
    # replaces KS101 for that need)
    ("tenant-a-slices-core-group", B, [(TAR, ROLE_SLICES, ROLE_SLICES.replace("[discovery.k8s.io]", "[\"\"]"))], ["KS105", "KS503"]),
    # first guess KS101; KS105 is right (SPEC §4: the rule exists through RoleBindings of other namespaces, and KS105
    # replaces KS101 for that need)
    ("tenant-b-slices-group-version", B, [(TBR, ROLE_SLICES, ROLE_SLICES.replace("discovery.k8s.io", "discovery.k8s.io/v1"))], ["KS105", "KS503"]),
    # first guess KS101; KS105 is right (SPEC §4: the rule exists through RoleBindings of other namespaces, and KS105
    # replaces KS101 for that need)
    ("tenant-a-roleref-clusterrole", B, [(TAR, "  kind: Role\n  name: prometheus-agent-discovery\n", "  kind: ClusterRole\n  name: prometheus-agent-discovery\n")], ["KS105", "KS502"]),
    ("tenant-a-subject-namespace", B, [(TAR, SUBJ, SUBJ.replace("namespace: monitoring", "namespace: tenant-a"))], ["KS108"]),
    ("tenant-b-subject-name-typo", B, [(TBR, SUBJ, SUBJ.replace("name: prometheus-agent", "name: prometheus-agnet"))], ["KS108"]),
    # ---- kube-system discovery for the kubelet ScrapeConfig
    # first guess KS101; KS105 is right (SPEC §4: the rule exists through RoleBindings of other namespaces, and KS105
    # replaces KS101 for that need)
    ("kube-system-rolebinding-removed", B, [(KSR, KSR_BINDING, "")], ["KS105"]),
    # first guess KS101; KS105 is right (SPEC §4: the rule exists through RoleBindings of other namespaces, and KS105
    # replaces KS101 for that need)
    ("kube-system-rolebinding-in-monitoring", B, [(KSR, "kind: RoleBinding\nmetadata:\n  name: prometheus-agent-discovery\n  namespace: kube-system\n", "kind: RoleBinding\nmetadata:\n  name: prometheus-agent-discovery\n  namespace: monitoring\n")], ["KS105", "KS502"]),
    # ---- the agent's kubelet ClusterRole
    ("agent-crb-roleref-role", B, [(AR, "  kind: ClusterRole\n  name: prometheus-agent-kubelet\n", "  kind: Role\n  name: prometheus-agent-kubelet\n")], ["KS102", "KS501"]),
    # first guess KS108; not a fault once built: the SA is written without a namespace (= default) in the same
    # kustomization, so kustomize's nameref writes the built namespace (monitoring) into the subject
    # (api/filters/nameref; build.kustomized_subjects). Right
    ("agent-crb-subject-namespace", B, [(AR, SUBJ, SUBJ.replace("namespace: monitoring", "namespace: default"))], []),
    ("agent-node-metrics-typo", B, [(AR, NODE_METRICS, NODE_METRICS.replace("nodes/metrics", "nodes/metric"))], ["KS102", "KS503"]),
    ("agent-node-wildcard", B, [(AR, NODE_METRICS, NODE_METRICS.replace("nodes/metrics", "nodes/*"))], ["KS102", "KS505"]),
    ("agent-node-proxy", B, [(AR, NODE_METRICS, NODE_METRICS.replace("nodes/metrics", "nodes/proxy"))], ["KS102", "KS201", "KS203"]),
    # ---- the service-account-token Secret and the ScrapeConfig's credentials
    # first guess without KS203; its fix keeps the rule for KS109's other way (annotate prometheus-agent). Right
    ("token-secret-account-typo", B, [(AG, "    kubernetes.io/service-account.name: prometheus-agent\n", "    kubernetes.io/service-account.name: prometheus-agnt\n")], ["KS102", "KS109", "KS203"]),
    ("scrapeconfig-secret-name-typo", B, [(KU, SC_AUTH, SC_AUTH.replace("name: prometheus-agent-token", "name: prometheus-agent-tokn"))], []),
    ("scrapeconfig-secret-key-typo", B, [(KU, SC_AUTH, SC_AUTH.replace("key: token", "key: tokn"))], []),
    ("scrapeconfig-no-authorization", B, [(KU, SC_AUTH, "")], ["KS106"]),
    ("scrapeconfig-scheme-http", B, [(KU, "  scheme: HTTPS\n", "  scheme: HTTP\n")], ["KS303"]),
    # ---- the ScrapeConfig's discovery and relabelling
    # first guess KS203 too; KS302's fix (back to https-metrics) needs nodes/metrics, so it is kept (right)
    ("scrapeconfig-keep-http-port", B, [(KU, KEEP, KEEP.replace("https-metrics", "http-metrics"))], ["KS302"]),
    ("scrapeconfig-keep-label-typo", B, [(KU, "__meta_kubernetes_service_label_app_kubernetes_io_name", "__meta_kubernetes_service_label_app_kubernetes_io_nme")], ["KS203"]),
    # first guess KS101; KS105 is right (SPEC §4: the rule exists through RoleBindings of other namespaces, and KS105
    # replaces KS101 for that need)
    ("scrapeconfig-namespace-typo", B, [(KU, "      - kube-system\n", "      - kube-sytem\n")], ["KS105", "KS203"]),
    # ---- the scrape class's TLS
    # first guess KS602; KS601 is the catalog's rule for an operator refusal of a monitor (right)
    ("scrape-class-name-typo", B, [(KU, "  scrapeClass: kubelet-tls\n", "  scrapeClass: kubelet-tsl\n")], ["KS601"]),
    ("scrape-class-ca-path-typo", B, [(AG, CLASS_TLS, CLASS_TLS.replace("/configmaps/", "/configmap/"))], []),
    ("scrape-class-cluster-ca", B, [(AG, CLASS_TLS, CLASS_TLS.replace("/etc/prometheus/configmaps/kubelet-serving-ca/ca.crt", "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"))], ["KS304"]),
    ("scrape-class-skip-verify", B, [(AG, CLASS_TLS, "    tlsConfig:\n      insecureSkipVerify: true\n")], ["KS301"]),
    # ---- the PrometheusAgent
    # KS101 + KS109. Was KS203 too (delete the kube-system and tenant Roles): KS109's fix names prometheus-agent
    # back, and the jobs then ask those Roles (tool fixed in round 18: grants.misspelt_runner_accounts feeds
    # selection_fix_jobs; fixture KS203/pass-grants-kept-for-misspelt-runner-account)
    ("agent-sa-typo", B, [(AG, "  serviceAccountName: prometheus-agent\n", "  serviceAccountName: prometheus-agnet\n")], ["KS101", "KS109"]),
    # first guess KS203 too (endpointslices in the tenant Roles); the kubelet ScrapeConfig still uses endpointslice
    # discovery, and KS101's fix may restore the role, so nothing is advised away (accepted)
    ("agent-sd-role-removed", B, [(AG, "  serviceDiscoveryRole: EndpointSlice\n", "")], ["KS101"]),
    ("agent-automount-false", B, [(AG, "  serviceAccountName: prometheus-agent\n", "  serviceAccountName: prometheus-agent\n  automountServiceAccountToken: false\n")], ["KS107"]),
    # first guess KS602; GAP: remoteWrite fields are not spell-checked (remote write is outside the scrape analysis)
    ("remote-write-oauth2-key-typo", B, [(AG, "      tokenUrl:", "      tokenURL:")], []),
    # first guess KS602; was a GAP; tool fixed: KS601, the operator rejects the Probe (resource_selector.go
    # validateProberURL: `hostname` or `hostname:port`)
    ("probe-prober-url-scheme", B, [(BB, "    url: blackbox-exporter.monitoring.svc:9115\n", "    url: http://blackbox-exporter.monitoring.svc:9115\n")], ["KS601"]),
    # ---- the operator's kubelet Service
    # first guess KS203; GAP: the kubelet Service in kube-system is assumed (it may come from another operator)
    ("operator-kubelet-service-removed", B, [(OP, "        - --kubelet-service=kube-system/kubelet\n", "")], []),
    # first guess KS203; GAP, as above
    ("operator-kubelet-service-monitoring", B, [(OP, "--kubelet-service=kube-system/kubelet", "--kubelet-service=monitoring/kubelet")], []),
    # ---- the tenants' ports
    ("orders-monitor-port-typo", B, [(TAA, "  - port: metrics\n    path: /metrics\n", "  - port: metric\n    path: /metrics\n")], ["KS606"]),
    ("billing-targetport-typo", B, [(TBA, "    targetPort: metrics\n", "    targetPort: metric\n")], ["KS606"]),
    # ---- the plain Prometheus in infra-monitoring
    ("infra-kubelet-scheme-http", B, [(IC, KUBELET_JOB, KUBELET_JOB.replace("scheme: https", "scheme: http"))], ["KS303"]),
    ("infra-no-node-metrics", B, [(IP, "- apiGroups: [\"\"]\n  resources: [nodes/metrics]\n  verbs: [get]\n", "")], ["KS102"]),
    ("infra-url-typo", B, [(IP, "- nonResourceURLs: [/metrics]\n", "- nonResourceURLs: [/metric]\n")], ["KS104", "KS203"]),
    ("infra-kubelet-cluster-ca", B, [(IC, KUBELET_JOB, KUBELET_JOB.replace("/etc/prometheus/kubelet-ca/ca.crt", "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"))], ["KS304"]),
    # first guess KS106; KS107 says exactly that no volume provides the file (right)
    ("infra-token-path-typo", B, [(IC, KUBELET_JOB + "      authorization:\n" + TOKEN, KUBELET_JOB + "      authorization:\n" + TOKEN.replace("serviceaccount/", "serviceaccounts/"))], ["KS107"]),
    ("infra-automount-false", B, [(IP, "      serviceAccountName: prometheus\n", "      serviceAccountName: prometheus\n      automountServiceAccountToken: false\n")], ["KS107"]),
    # GAP guess: a keep rule that keeps no target is not judged
    ("infra-coredns-regex-typo", B, [(IC, "regex: kube-dns;metrics", "regex: kube-dns;metric")], []),
    # first guess KS101; KS105 is right (SPEC §4: the rule exists through RoleBindings of other namespaces, and KS105
    # replaces KS101 for that need)
    ("infra-coredns-namespace-typo", B, [(IC, "          names: [kube-system]\n", "          names: [kube-dns]\n")], ["KS105", "KS203"]),
    ("infra-default-rolebinding-removed", B, [(IP, INFRA_RB_DEFAULT, "")], ["KS105"]),
    # first guess []; KS100 is right: --config.file now reads the image's own file, not the ConfigMap
    ("infra-config-mount-moved", B, [(IP, "          mountPath: /etc/prometheus\n", "          mountPath: /etc/prom\n")], ["KS100"]),
    ("infra-apiserver-scheme-http", B, [(IC, "      - role: endpointslice\n        namespaces:\n          names: [default]\n      scheme: https\n", "      - role: endpointslice\n        namespaces:\n          names: [default]\n      scheme: http\n")], ["KS303"]),
    ("infra-crb-subject-user", B, [(IP, "subjects:\n" + INFRA_SUBJ + "---\n# Endpoint", "subjects:\n" + INFRA_SUBJ.replace("kind: ServiceAccount", "kind: User") + "---\n# Endpoint")], ["KS108"]),
]
