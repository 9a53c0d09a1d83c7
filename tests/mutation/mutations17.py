"""Seventeenth-round single-fault mutations: one platform cluster mixing the shapes this session worked on.

Baseline b38-platform-mixed, as a platform team writes it: prometheus-operator in `monitoring` started with
`--controller-id=platform` and `--kubelet-service=kube-system/kubelet`; one Prometheus `monitoring/k8s` annotated
`operator.prometheus.io/controller-id: platform` (SA prometheus-k8s, EndpointSlice discovery, monitors in Namespaces
labelled `monitoring: enabled`, a ClusterRole with list/watch on services/pods/endpointslices and get on nodes/metrics)
scraping the kubelet (/metrics, /metrics/cadvisor against a mounted kubelet CA); `shop/cart` exporting statsd metrics
from a native sidecar (init container with restartPolicy: Always) and scraped by a PodMonitor; `search/search-api`
behind a Service whose targetPort names the container port, scraped by a ServiceMonitor; a kubebuilder v4 operator in
`widget-system` (controller-runtime secure metrics with a cert-manager certificate, its metrics-auth ClusterRole, a
metrics-reader ClusterRole bound to prometheus-k8s); an OpenTelemetry collector DaemonSet reading the kubelet's stats
directly on :10250 with kubeletstats. It lints with no finding at all.

Each expectation was written before running (SPEC §3-§5, FACTS; prometheus-operator cmd/operator/main.go,
pkg/operator/controller_id.go, kubernetes pkg/kubelet/server/auth.go, pkg/api/v1/pod/util.go FindPort). Where the first
guess was wrong and the tool right, the reason is beside the mutation. "GAP" marks a broken setup no rule reports.
First run: 41 of 56 first guesses matched; of the 15 others, 7 were tool defects fixed in round 17 (conflicting
fixes: KS203/KS208 beside KS100's label fix, KS309 and KS505; a kubeletstats receiver's read-only port; kubeletstats
tls ignoring ca_file) and 8 were my guesses corrected (the reasons beside them).
"""

from __future__ import annotations

B = "b38-platform-mixed"
O = "operator.yaml"
P = "prometheus.yaml"
N = "namespaces.yaml"
S = "shop.yaml"
Q = "search.yaml"
W = "widget-operator.yaml"
T = "otel.yaml"
CID = "        - --controller-id=platform\n"
ANN = "  annotations:\n    operator.prometheus.io/controller-id: platform\n"
PROM_RULES = "- apiGroups: [\"\"]\n  resources: [services, pods]\n  verbs: [list, watch]\n"
SLICES = "- apiGroups: [discovery.k8s.io]\n  resources: [endpointslices]\n  verbs: [list, watch]\n"
NODE_METRICS = "  resources: [nodes/metrics]\n"
PROM_CRB_SUBJ = "- kind: ServiceAccount\n  name: prometheus-k8s\n  namespace: monitoring\n---\napiVersion: monitoring.coreos.com/v1"
PROM_CRB = "kind: ClusterRoleBinding\nmetadata:\n  name: prometheus-k8s\n"
SIDECAR = "        image: quay.io/prometheus/statsd-exporter:v0.28.0\n        restartPolicy: Always\n"
PM_EP = "  - port: metrics\n    path: /metrics\n"
SVC_METRICS = "  - name: http-metrics\n    port: 9090\n    targetPort: metrics\n"
SM_Q = "  - port: http-metrics\n    path: /metrics\n"
CPORT_Q = "        - name: metrics\n          containerPort: 9090\n          protocol: TCP\n"
W_EP = "  - path: /metrics\n    port: https\n    scheme: https\n    bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n"
W_TLS = ("    tlsConfig:\n      serverName: widget-controller-manager-metrics-service.widget-system.svc\n"
         "      ca:\n        secret:\n          name: metrics-server-cert\n          key: ca.crt\n")
READER_SUBJ = "- kind: ServiceAccount\n  name: prometheus-k8s\n  namespace: monitoring\n---\napiVersion: apps/v1"
KUBELET_EP1 = ("  - port: https-metrics\n    path: /metrics/cadvisor\n    scheme: https\n"
               "    bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n    honorLabels: true\n"
               "    tlsConfig:\n      caFile: /etc/prometheus/secrets/kubelet-ca/ca.crt\n")
OTEL_EP = "        endpoint: https://${env:K8S_NODE_IP}:10250\n"
NODE_IP_ENV = "        - name: K8S_NODE_IP\n          valueFrom:\n            fieldRef:\n              fieldPath: status.hostIP\n"
READER_CRB = """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: widget-metrics-reader-prometheus
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: widget-metrics-reader
subjects:
- kind: ServiceAccount
  name: prometheus-k8s
  namespace: monitoring
---
"""
TEAM_OPERATOR = """---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: prometheus-operator
  namespace: team-observability
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: prometheus-operator
  template:
    metadata:
      labels:
        app.kubernetes.io/name: prometheus-operator
    spec:
      serviceAccountName: prometheus-operator
      containers:
      - name: prometheus-operator
        image: quay.io/prometheus-operator/prometheus-operator:v0.80.0
        args:
        - --namespaces=team-observability
"""


def operator_args(*extra: str) -> tuple:
    """The operator's args with `extra` after --controller-id."""
    return (O, CID, CID + "".join(f"        - {word}\n" for word in extra))


MUTATIONS = [
    # ---- which operator runs the Prometheus: --controller-id and the annotation
    ("annotation-removed", B, [(P, ANN, "")], ["KS100"]),
    ("annotation-value-typo", B, [(P, ANN, ANN.replace(": platform", ": platfrom"))], ["KS100"]),
    ("annotation-key-typo", B, [(P, ANN, ANN.replace("controller-id", "controllerid"))], ["KS100"]),
    ("controller-id-flag-removed", B, [(O, CID, "")], ["KS100"]),
    ("controller-id-next-word", B, [(O, CID, "        - --controller-id\n        - platform\n")], []),
    ("team-operator-added", B, [("team-operator.yaml", None, TEAM_OPERATOR)], []),
    # ---- the operator's namespaces
    ("operator-namespaces-apps-only", B, [operator_args("--namespaces=shop,search,widget-system")], ["KS100"]),
    ("instance-namespaces-shop", B, [operator_args("--prometheus-instance-namespaces=shop")], ["KS100"]),
    ("instance-selector-unlabelled", B, [operator_args("--prometheus-instance-selector=tier=platform")], ["KS100"]),
    ("deny-monitoring", B, [operator_args("--deny-namespaces=monitoring")], ["KS100"]),
    # first guess [] (GAP); the tool says it: KS100 names the operator's --namespaces that hides the monitor (right)
    ("operator-namespaces-drop-search", B, [operator_args("--namespaces=monitoring,shop,widget-system")], ["KS100"]),
    # ---- monitor and namespace selection
    ("shop-unlabelled", B, [(N, "  name: shop\n  labels:\n    monitoring: enabled\n", "  name: shop\n")], ["KS100"]),
    ("search-label-typo", B, [(N, "  name: search\n  labels:\n    monitoring: enabled\n", "  name: search\n  labels:\n    monitoring: enable\n")], ["KS100"]),
    # KS100 only: its fix (label the Namespace) brings the kubelet monitor back, so its grants are kept. Was KS100 +
    # KS203 (delete nodes/metrics) + KS208 (RoleBindings in search, shop, widget-system): applied together, KS102
    # (fixed in round 17: grants.selection_fix_jobs; test_fix_conflicts)
    ("monitoring-unlabelled", B, [(N, "  name: monitoring\n  labels:\n    monitoring: enabled\n", "  name: monitoring\n")], ["KS100"]),
    ("podmonitor-ns-selector-team", B, [(P, "  podMonitorNamespaceSelector:\n    matchLabels:\n      monitoring: enabled\n", "  podMonitorNamespaceSelector:\n    matchLabels:\n      team: shop\n")], ["KS100"]),
    # KS100 only, as monitoring-unlabelled (was KS203 on every rule and KS208)
    ("sm-selector-release", B, [(P, "  serviceMonitorSelector: {}\n", "  serviceMonitorSelector:\n    matchLabels:\n      release: platform\n")], ["KS100"]),
    # first guess KS606; the kubelet monitor then discovers in monitoring only, where no Service of the inputs is
    # (the kubelet Service the operator makes is in kube-system), and KS606 judges ports of Services it selects only:
    # nothing to name. KS203 says nodes/metrics is unused now, which is true. GAP: "this monitor selects nothing"
    ("ignore-namespace-selectors", B, [(P, "  podMonitorSelector: {}\n", "  ignoreNamespaceSelectors: true\n  podMonitorSelector: {}\n")], ["KS203"]),
    # ---- Prometheus RBAC
    ("role-no-pods", B, [(P, PROM_RULES, PROM_RULES.replace("services, pods", "services"))], ["KS101"]),
    ("role-no-endpointslices", B, [(P, SLICES, "")], ["KS101"]),
    ("role-endpoints-not-slices", B, [(P, SLICES, "")  , (P, "services, pods]", "services, pods, endpoints]")], ["KS101", "KS203"]),
    ("sd-role-removed", B, [(P, "  serviceDiscoveryRole: EndpointSlice\n", "")], ["KS101"]),
    # KS203 too: the edit leaves `get nodes`, which nothing uses (right; my mutation's doing)
    ("no-node-metrics", B, [(P, NODE_METRICS, "  resources: [nodes]\n")], ["KS102", "KS203"]),
    ("node-stats-not-metrics", B, [(P, NODE_METRICS, "  resources: [nodes/stats]\n")], ["KS102", "KS203"]),
    ("node-proxy-not-metrics", B, [(P, NODE_METRICS, "  resources: [nodes/proxy]\n")], ["KS102", "KS201", "KS203"]),
    ("crb-subject-namespace", B, [(P, PROM_CRB_SUBJ, PROM_CRB_SUBJ.replace("namespace: monitoring", "namespace: default"))], ["KS108"]),
    # KS203 too: the RoleBinding grants the ClusterRole's rules in monitoring only, where no job needs them; its fix
    # keeps the rules and says to bind them where needed, as KS105 does (right)
    ("crb-as-rolebinding", B, [(P, PROM_CRB, "kind: RoleBinding\nmetadata:\n  name: prometheus-k8s\n  namespace: monitoring\n")], ["KS105", "KS203"]),
    ("crb-roleref-role", B, [(P, "  kind: ClusterRole\n  name: prometheus-k8s\n", "  kind: Role\n  name: prometheus-k8s\n")], ["KS101", "KS102", "KS501"]),
    ("crb-roleref-typo", B, [(P, "  kind: ClusterRole\n  name: prometheus-k8s\n", "  kind: ClusterRole\n  name: prometheus-k8\n")], ["KS101", "KS102", "KS502"]),
    ("prometheus-sa-typo", B, [(P, "  serviceAccountName: prometheus-k8s\n", "  serviceAccountName: prometheus\n")], ["KS101", "KS102", "KS104", "KS109"]),
    # ---- ports: PodMonitor (FindPort over containers and sidecars) and Service targetPort
    ("podmonitor-port-typo", B, [(S, PM_EP, PM_EP.replace("metrics\n", "metric\n", 1))], ["KS606"]),
    # Prometheus' pod discovery makes targets of init containers' ports too (discovery/kubernetes pod.go: `isInit :=
    # i >= len(pod.Spec.Containers)`, __meta_kubernetes_pod_container_init), so the PodMonitor keep matches; but a
    # plain init container runs to completion before the pod's containers start (nothing listens once it exits; one
    # that keeps serving holds the pod in its init phase): KS606 (monitorports._exited_init_port), once a GAP here
    ("sidecar-not-restartable", B, [(S, SIDECAR, SIDECAR.replace("        restartPolicy: Always\n", ""))], ["KS606"]),
    ("podmonitor-target-port-number", B, [(S, PM_EP, "  - targetPort: 9102\n    path: /metrics\n")], []),
    ("svc-targetport-typo", B, [(Q, SVC_METRICS, SVC_METRICS.replace("targetPort: metrics", "targetPort: metric"))], ["KS606"]),
    ("svc-targetport-quoted-number", B, [(Q, SVC_METRICS, SVC_METRICS.replace("targetPort: metrics", "targetPort: \"9090\""))], ["KS602"]),
    ("svc-targetport-number", B, [(Q, SVC_METRICS, SVC_METRICS.replace("targetPort: metrics", "targetPort: 9090"))], []),
    ("container-port-udp", B, [(Q, CPORT_Q, CPORT_Q.replace("protocol: TCP", "protocol: UDP"))], ["KS606"]),
    ("sm-port-container-name", B, [(Q, SM_Q, SM_Q.replace("http-metrics", "metrics"))], ["KS606"]),
    ("svc-port-renamed", B, [(Q, SVC_METRICS, SVC_METRICS.replace("name: http-metrics", "name: metrics"))], ["KS606"]),
    ("envoy-port-istio-injected", B, [(N, "  name: shop\n  labels:\n", "  name: shop\n  labels:\n    istio-injection: enabled\n"),
                                      (S, PM_EP, PM_EP + "  - port: http-envoy-prom\n    path: /stats/prometheus\n")], []),
    # first guess KS606; injected port names are skipped whatever the inputs show (monitorports.INJECTED_PORT_NAMES):
    # injection may be mesh-wide (Istio's enableNamespacesByDefault, revision labels set outside the inputs), so a
    # Namespace without istio-injection does not prove the sidecar absent. By design
    ("envoy-port-no-mesh", B, [(S, PM_EP, PM_EP + "  - port: http-envoy-prom\n    path: /stats/prometheus\n")], []),
    # ---- the kubebuilder operator's secure metrics
    # first guess KS203 too; the /metrics grant is what KS104's fix (the path back to /metrics) relies on (right)
    ("widget-path-typo", B, [(W, W_EP, W_EP.replace("path: /metrics", "path: /metric"))], ["KS104"]),
    # was KS203 too (delete the rule KS505 rewrites to /metrics): fixed in round 17 (privilege._urls_below_denied).
    # KS104's fix still adds /metrics to prometheus-k8s's own ClusterRole: redundant beside KS505's, not wrong
    ("reader-url-wildcard", B, [(W, "- nonResourceURLs: [/metrics]\n", "- nonResourceURLs: [/metrics/*]\n")], ["KS104", "KS505"]),
    ("reader-subject-namespace", B, [(W, READER_SUBJ, READER_SUBJ.replace("namespace: monitoring", "namespace: widget-system"))], ["KS108"]),
    ("reader-binding-dropped", B, [(W, READER_CRB, "")], ["KS104"]),
    ("auth-role-no-sar", B, [(W, "- apiGroups: [authorization.k8s.io]\n  resources: [subjectaccessreviews]\n  verbs: [create]\n", "")], ["KS112"]),
    ("widget-no-bearer", B, [(W, W_EP, W_EP.replace("    bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n", ""))], ["KS106"]),
    # first guess KS303 alone; with --metrics-secure unwritten the manager may be a v3 one serving plain HTTP
    # (ctrlruntime.py: only a written --metrics-secure makes http a 400; --metrics-cert-path does not prove it, some
    # managers define it beside a `metrics-secure` default of false), so the job is taken to know: the target is a
    # plain workload, which checks no token, and the /metrics grant is unused (KS203). Right by that design
    ("widget-scheme-http", B, [(W, W_EP, W_EP.replace("scheme: https", "scheme: http"))], ["KS203", "KS303"]),
    # was KS203 too (delete the /metrics grant KS309's first fix, dropping the flag, needs): fixed in round 17
    ("widget-metrics-secure-false", B, [(W, "        - --metrics-bind-address=:8443\n", "        - --metrics-bind-address=:8443\n        - --metrics-secure=false\n")], ["KS309"]),
    ("widget-skip-verify", B, [(W, W_TLS, "    tlsConfig:\n      insecureSkipVerify: true\n")], ["KS301"]),
    # ---- the kubelet monitor
    ("kubelet-stats-summary", B, [(P, KUBELET_EP1, KUBELET_EP1 + KUBELET_EP1.replace("/metrics/cadvisor", "/stats/summary"))], ["KS102"]),
    ("kubelet-metrics-resource", B, [(P, KUBELET_EP1, KUBELET_EP1 + KUBELET_EP1.replace("/metrics/cadvisor", "/metrics/resource"))], []),
    # ---- the OpenTelemetry kubeletstats agent
    ("otel-node-metrics-not-stats", B, [(T, "  resources: [nodes/stats]\n", "  resources: [nodes/metrics]\n")], ["KS102", "KS203"]),
    ("otel-through-apiserver-proxy", B, [(T, OTEL_EP, "        endpoint: https://kubernetes.default.svc/api/v1/nodes/${env:K8S_NODE_NAME}/proxy\n"),
                                        (T, NODE_IP_ENV, NODE_IP_ENV.replace("K8S_NODE_IP", "K8S_NODE_NAME").replace("status.hostIP", "spec.nodeName"))], ["KS103", "KS209"]),
    # first guess KS106; auth_type defaults to tls (client certificate). The tool said KS304 "no ca_file" although
    # the receiver has one: the tls branch dropped ca_file (fixed in round 17, fixture KS304/pass-kubeletstats-tls-
    # auth-with-ca-file). tls without cert_file/key_file fails the receiver's start (client.go
    # tlsClientProvider.BuildClient: tls.LoadX509KeyPair): KS601 (checks/config._kubeletstats_refusals), once a GAP
    # here; its jobs make no request, so KS304 is not added either
    ("otel-no-auth-type", B, [(T, "        auth_type: serviceAccount\n", "")], ["KS601"]),
    # first guess KS302 alone; the receiver still sends the pod's token (saClientProvider's bearer round tripper,
    # whatever the scheme), so KS303 is right. Was KS203 too (delete nodes/stats, which KS302's fix needs) and both
    # fixes were a Prometheus job's (`authorization`, nodes/metrics): fixed in round 17 (test_fix_conflicts)
    ("otel-read-only-port", B, [(T, OTEL_EP, "        endpoint: http://${env:K8S_NODE_IP}:10255\n")], ["KS302", "KS303"]),
    ("otel-node-ip-env-removed", B, [(T, NODE_IP_ENV, "")], []),
]
