"""Sixteenth-round single-fault mutations: a multi-tenant Prometheus Operator setup.

Baseline b37-multi-tenant-operator, as teams write it: prometheus-operator in `monitoring` with
`--namespaces=team-a,team-b,monitoring`; a Prometheus per team in its own namespace (SA `prometheus`) selecting
monitors labelled `team: <x>` in Namespaces labelled `team: <x>`; a Role + RoleBinding per team granting list/watch
on services/endpoints/pods (team-a, endpoints role) or services/pods/endpointslices (team-b,
`serviceDiscoveryRole: EndpointSlice`); team-a's app serves plain HTTP on a named port, team-b's app sits behind
kube-rbac-proxy (its review ClusterRole bound to the app's SA) and a metrics-reader ClusterRole is bound to team-b's
Prometheus. It lints with no error or warning (KS405 and KS604 infos).

Each expectation was written before running (SPEC §3-§5, FACTS §6; prometheus-operator cmd/operator/main.go,
pkg/prometheus/promcfg.go, pkg/prometheus/server/operator.go); where the first guess was wrong and the tool right the
reason is beside the mutation. "GAP" marks a broken setup the tool does not report (no rule covers it).
"""

from __future__ import annotations

B = "b37-multi-tenant-operator"
O = "operator.yaml"
N = "namespaces.yaml"
A = "team-a.yaml"
TB = "team-b.yaml"
NS = "        - --namespaces=team-a,team-b,monitoring\n"
PA = "  name: prometheus\n  namespace: team-a\nspec:\n  serviceAccountName: prometheus\n"
PB = "  name: prometheus\n  namespace: team-b\nspec:\n  serviceAccountName: prometheus\n"
ROLE_A = "  resources: [services, endpoints, pods]\n  verbs: [list, watch]\n"
RB_A = "kind: RoleBinding\nmetadata:\n  name: prometheus\n  namespace: team-a\n"
SUBJ_A = "- kind: ServiceAccount\n  name: prometheus\n  namespace: team-a\n"
SVC_A = "  - name: http-metrics\n    port: 9100\n    targetPort: metrics\n"
SM_A = "  name: api\n  namespace: team-a\n  labels:\n    team: a\n"
EP_A = "  - port: http-metrics\n    path: /metrics\n"
EP_B = "  - port: https-metrics\n    scheme: https\n    path: /metrics\n    bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n"
READER_CRB = """---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: payments-metrics-reader
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: payments-metrics-reader
subjects:
- kind: ServiceAccount
  name: prometheus
  namespace: team-b
"""
PROXY_CRB = READER_CRB.replace("payments-metrics-reader", "payments-proxy").replace("  name: prometheus\n", "  name: payments\n")
TOKENREVIEWS = "- apiGroups: [authentication.k8s.io]\n  resources: [tokenreviews]\n  verbs: [create]\n"
SARS = "- apiGroups: [authorization.k8s.io]\n  resources: [subjectaccessreviews]\n  verbs: [create]\n"
SECOND_OPERATOR = """---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: prometheus-operator
  namespace: %s
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
        args:%s
"""


def operator_args(*extra: str) -> tuple:
    """The operator's args with `extra` after --namespaces."""
    return (O, NS, NS + "".join(f"        - {word}\n" for word in extra))


MUTATIONS = [
    # ---- where the operator runs Prometheus objects and watches monitors
    ("ns-drop-team-a", B, [(O, NS, "        - --namespaces=team-b,monitoring\n")], ["KS100"]),
    ("ns-drop-team-b", B, [(O, NS, "        - --namespaces=team-a,monitoring\n")], ["KS100"]),
    ("ns-drop-monitoring", B, [(O, NS, "        - --namespaces=team-a,team-b\n")], []),
    ("ns-flag-single-dash", B, [(O, NS, "        - -namespaces=team-a,team-b,monitoring\n")], []),
    ("ns-flag-next-word", B, [(O, NS, "        - --namespaces\n        - team-a,team-b,monitoring\n")], []),
    ("ns-flag-repeated", B, [(O, NS, "        - --namespaces=team-a\n        - --namespaces=team-b,monitoring\n")], []),
    ("ns-flag-removed", B, [(O, NS, "")], []),
    ("deny-team-b", B, [(O, NS, "        - --deny-namespaces=team-b\n")], ["KS100"]),
    ("prometheus-moved-unwatched", B, [(A, PA, PA.replace("namespace: team-a", "namespace: team-c"))], ["KS100"]),
    ("instance-ns-monitoring", B, [operator_args("--prometheus-instance-namespaces=monitoring")], ["KS100"]),
    ("instance-ns-teams", B, [operator_args("--prometheus-instance-namespaces=team-a,team-b")], []),
    ("instance-ns-team-a", B, [operator_args("--prometheus-instance-namespaces=team-a")], ["KS100"]),
    ("instance-selector-absent", B, [operator_args("--prometheus-instance-selector=tier=gold")], ["KS100"]),
    ("instance-selector-team-a-labelled", B, [operator_args("--prometheus-instance-selector=tier=gold"),
                                              (A, "  name: prometheus\n  namespace: team-a\n", "  name: prometheus\n  namespace: team-a\n  labels:\n    tier: gold\n")], ["KS100"]),
    # one operator watching every namespace: every Prometheus is run, every monitor seen
    ("second-operator-watches-all", B, [("operator-2.yaml", None, SECOND_OPERATOR % ("platform", " []"))], []),
    # the second operator's scope joins the first's (union): team-c is watched too, nothing changes here
    ("second-operator-team-c", B, [("operator-2.yaml", None, SECOND_OPERATOR % ("platform", "\n        - --namespaces=team-c"))], []),
    # ---- the namespace selector
    ("ns-unlabelled", B, [(N, "  name: team-a\n  labels:\n    team: a\n", "  name: team-a\n")], ["KS100"]),
    ("ns-label-typo", B, [(N, "    team: a\n", "    team: A\n")], ["KS100"]),
    ("ns-label-key-typo", B, [(N, "    team: b\n", "    teams: b\n")], ["KS100"]),
    ("monitor-label-typo", B, [(A, SM_A, SM_A.replace("team: a", "team: aa"))], ["KS100"]),
    ("monitor-labelled-other-team", B, [(TB, "  name: payments\n  namespace: team-b\n  labels:\n    team: b\n", "  name: payments\n  namespace: team-b\n  labels:\n    team: a\n")], ["KS100"]),
    # nil serviceMonitorNamespaceSelector: the Prometheus's own namespace, team-a
    ("ns-selector-removed", B, [(A, "  serviceMonitorNamespaceSelector:\n    matchLabels:\n      team: a\n", "")], []),
    # {}: every namespace; the team-b monitor is not labelled team: a
    ("ns-selector-empty", B, [(A, "  serviceMonitorNamespaceSelector:\n    matchLabels:\n      team: a\n", "  serviceMonitorNamespaceSelector: {}\n")], []),
    ("monitor-any-namespace", B, [(A, EP_A, EP_A + "  namespaceSelector:\n    any: true\n")], ["KS105"]),
    # first guess KS101; KS105 is the more exact rule (Role team-a/prometheus has the rule, in team-a only): right
    ("monitor-other-namespace", B, [(A, EP_A, EP_A + "  namespaceSelector:\n    matchNames: [team-b]\n")], ["KS105", "KS203"]),
    # ---- RBAC
    ("rolebinding-wrong-namespace", B, [(A, RB_A, RB_A.replace("namespace: team-a", "namespace: monitoring"))], ["KS101", "KS502"]),
    ("rolebinding-roleref-clusterrole", B, [(A, "  kind: Role\n  name: prometheus\nsubjects", "  kind: ClusterRole\n  name: prometheus\nsubjects")], ["KS101", "KS502"]),
    ("reader-roleref-role", B, [(TB, "  kind: ClusterRole\n  name: payments-metrics-reader\n", "  kind: Role\n  name: payments-metrics-reader\n")], ["KS104", "KS501"]),
    # KS108: team-b/prometheus is a real scraper, but it uses nothing the binding grants while team-a/prometheus is
    # denied exactly that (access.py misdirected). Was KS101 (bind the Role to team-a/prometheus) + KS203 (delete the
    # rule): applied together those undid each other (fixes round 16).
    ("subject-namespace-wrong", B, [(A, SUBJ_A, SUBJ_A.replace("namespace: team-a", "namespace: team-b"))], ["KS108"]),
    ("subject-name-typo", B, [(A, SUBJ_A, SUBJ_A.replace("name: prometheus", "name: prometheus-a"))], ["KS108"]),
    ("role-no-pods", B, [(A, ROLE_A, "  resources: [services, endpoints]\n  verbs: [list, watch]\n")], ["KS101"]),
    ("role-no-endpoints", B, [(A, ROLE_A, "  resources: [services, pods]\n  verbs: [list, watch]\n")], ["KS101"]),
    # KS203 too: nothing discovers with get: right
    ("role-verb-get", B, [(A, ROLE_A, "  resources: [services, endpoints, pods]\n  verbs: [get]\n")], ["KS101", "KS203"]),
    ("sd-role-endpointslice-a", B, [(A, "  serviceAccountName: prometheus\n  serviceMonitorSelector", "  serviceAccountName: prometheus\n  serviceDiscoveryRole: EndpointSlice\n  serviceMonitorSelector")], ["KS101", "KS203"]),
    # first guess KS203 too (endpointslices now unused); KS604's fix switches back to EndpointSlice, so the grant is
    # kept as its successor (privilege.py unused_grant, endpointslice_successors): right
    ("sd-role-endpoints-b", B, [(TB, "  serviceDiscoveryRole: EndpointSlice\n", "")], ["KS101"]),
    ("prometheus-sa-renamed", B, [(A, PA, PA.replace("serviceAccountName: prometheus", "serviceAccountName: prometheus-a"))], ["KS101", "KS109"]),
    ("prometheus-sa-missing", B, [(A, "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: prometheus\n  namespace: team-a\n", "")], ["KS109"]),
    # ---- ports
    ("monitor-port-typo", B, [(A, EP_A, EP_A.replace("http-metrics", "http-metric"))], ["KS606"]),
    ("service-port-renamed", B, [(A, SVC_A, SVC_A.replace("http-metrics", "metrics"))], ["KS606"]),
    # the pods define no port `metric`, so the endpoints controller gives the Service port no address and the
    # monitor no target: KS606 on the Service's targetPort (was a GAP: KS606 checked the Service port name only)
    ("targetport-typo", B, [(A, SVC_A, SVC_A.replace("targetPort: metrics", "targetPort: metric"))], ["KS606"]),
    ("app-listens-loopback", B, [(A, "        - --web.listen-address=:9100\n", "        - --web.listen-address=127.0.0.1:9100\n")], ["KS305"]),
    # first guess KS309; KS309 covers controller-runtime's --metrics-secure=false only (rules/KS309): an unknown image
    # with --web.listen-address may serve TLS (exporter-toolkit --web.config.file). GAP, by design
    ("scheme-https-plain-app", B, [(A, EP_A, EP_A + "    scheme: https\n")], []),
    # ---- kube-rbac-proxy and its reader
    ("proxy-no-tokenreviews", B, [(TB, TOKENREVIEWS, "")], ["KS112"]),
    ("proxy-no-sar", B, [(TB, SARS, "")], ["KS112"]),
    ("proxy-binding-dropped", B, [(TB, PROXY_CRB, "")], ["KS112"]),
    ("reader-binding-dropped", B, [(TB, READER_CRB, "")], ["KS104"]),
    ("reader-url-typo", B, [(TB, "- nonResourceURLs: [/metrics]\n", "- nonResourceURLs: [/metric]\n")], ["KS104", "KS203"]),
    # KS108, as subject-namespace-wrong: the ClusterRoleBinding's subject team-a/prometheus uses nothing it grants and
    # the only other scraper named prometheus is denied it. Was KS104 (a second binding) + KS203 (delete the rule the
    # second binding relies on)
    ("reader-subject-namespace-wrong", B, [(TB, READER_CRB, READER_CRB.replace("namespace: team-b", "namespace: team-a"))], ["KS108"]),
    ("monitor-no-bearer", B, [(TB, EP_B, EP_B.replace("    bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n", ""))], ["KS106"]),
    # first guess KS203 too; the job still counts as scraping kube-rbac-proxy (reviewed: get /metrics used) and KS303
    # names the one fault: right (round 15's controller-runtime server differs: there the token is not reviewed)
    ("monitor-scheme-http", B, [(TB, EP_B, EP_B.replace("scheme: https", "scheme: http"))], ["KS303"]),
]
