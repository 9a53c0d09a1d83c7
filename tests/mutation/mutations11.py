"""Eleventh-round single-fault mutations: VictoriaMetrics operator setups and platform control planes.

Baselines (each lints with no error or warning):
- b29-vm-operator: a VMAgent (named ServiceAccount vmagent, ClusterRole nodes list/watch + nodes/metrics + the /metrics
  URL, Roles in default and shop for the discovery that names those namespaces), selectAllByDefault plus a
  serviceScrapeSelector team: shop with an empty namespace selector; a VMNodeScrape of the kubelets' cAdvisor
  (https, token, :10250), a VMServiceScrape in shop, a VMScrapeConfig on role pod in namespaces [shop], a VMProbe
  through a blackbox exporter with static targets, and an inlineScrapeConfig job for the API server's /metrics.
- b30-platform-control-plane: a plain Prometheus (ConfigMap, Deployment, RBAC) scraping kube-controller-manager
  :10257 and kube-scheduler :10259 on control-plane node IPs with the token and CA, etcd :2381 and kube-proxy :10249
  over http, next to the k3s server config.yaml that binds them all beyond loopback (FACTS §7: kubeadm binds them to
  127.0.0.1; SPEC KS305), and an EKS-style job on /apis/metrics.eks.amazonaws.com/v1/kcm/container/metrics with the
  EKS user guide's rule (get kcm/metrics in metrics.eks.amazonaws.com: a resource request, requestinfo.go).

Each is (name, baseline, edits, expected rule ids): every rule whose findings the mutation adds to the baseline's
(KS604 aside), decided from SPEC §3/§4, FACTS and the VictoriaMetrics operator's code before running the tool
(test_rounds.py). Where the first guess was wrong and the tool right, the expectation is corrected and the reason
written beside it.

Judged after running. The tool was wrong twice, and is fixed:
- "b29 inlineScrapeConfig written as a mapping": KS601 plus KS203 on the /metrics URL and the default Role. The text
  meaning one job was read as no jobs, so the grants the KS601 fix needs again were called unused; the jobs such a
  text means (one mapping, a whole config's scrape_configs) are now read and rejected, keeping their needs as a
  KS603-rejected monitor does (operator.scrape_config_list; fixture KS601/fail-vmagent-inline-scrape-config-one-
  mapping, test_vmoperator test_scrape_configs_the_operator_cannot_unmarshal_are_kept_rejected_as_meant).
- "b29 deny: true while the shop endpoint reads its basic-auth password from a file": silent about the VMServiceScrape
  (its job reported, KS303). The VM operator's testForArbitraryFSAccess also refuses basicAuth.password_file and
  oauth2.client_secret_file (collect_scrapes.go); only the Prometheus Operator's file fields were checked
  (vmoperator._vm_file_fields; test_vmoperator test_agent_denying_file_access_refuses_vm_basic_auth_and_oauth2_files).
The first guess was wrong, not the tool, for the rest (corrected, the reason beside each): KS108 replaces the access
errors it explains; a grant that exists in another namespace is KS105, not KS101; a rejected or token-less job keeps
its needs (no KS203); named targets get no KS306, kube-proxy (which authenticates nobody) does.
"""

from __future__ import annotations

B29, B30 = "b29-vm-operator", "b30-platform-control-plane"
TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token"

# ---- b29
AG = "vmagent.yaml"
RB = "rbac.yaml"
KL = "kubelet.yaml"
PR = "probe.yaml"
SH = "apps/shop/scrape.yaml"
SEL = "  serviceScrapeSelector:\n    matchLabels:\n      team: shop\n"
NSSEL = "  serviceScrapeNamespaceSelector: {}\n"
ALL = "  selectAllByDefault: true\n"
SA = "  serviceAccountName: vmagent\n"
DENY = "    deny: false\n"
NODES_METRICS = '  - apiGroups: [""]\n    resources: ["nodes/metrics"]\n    verbs: ["get"]\n'
METRICS_URL = '  - nonResourceURLs: ["/metrics"]\n    verbs: ["get"]\n'
KPATH = "  path: /metrics/cadvisor\n"
KSCHEME = "  scheme: https\n  port: \"10250\"\n"
KTLS = "  tlsConfig:\n    caFile: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n"
KTOKEN = f"  bearerTokenFile: {TOKEN}\n"
INLINE_JOB = "    - job_name: kubernetes-apiservers\n      scheme: https\n"
INLINE_TOKEN = f"      bearer_token_file: {TOKEN}\n"
INLINE_NS = "          namespaces:\n            names: [default]\n"
SHOP_LABEL = "  labels:\n    team: shop\n"
SC_NS = "      namespaces:\n        names: [shop]\n"
SHOP_ROLE_NS = "  name: vmagent-discovery\n  namespace: shop\n"
SUBJECT = "  - kind: ServiceAccount\n    name: vmagent\n    namespace: monitoring\n"
ENDPOINT = "    - port: http-metrics\n      path: /metrics\n"
PROBER = "  vmProberSpec:\n    url: blackbox-exporter.monitoring.svc:9115\n"
INLINE = ("    - job_name: kubernetes-apiservers\n      scheme: https\n"
          f"      bearer_token_file: {TOKEN}\n"
          "      tls_config:\n        ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n"
          "      kubernetes_sd_configs:\n        - role: endpointslice\n          namespaces:\n"
          "            names: [default]\n      relabel_configs:\n")
# the same job written as one mapping, not a list of one (each line two spaces less, the dash gone)
INLINE_MAPPING = "".join("    " + line[6:] + "\n" for line in INLINE.splitlines())
SA_DOC = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: vmagent\n  namespace: monitoring\n---\n"

# ---- b30
K3S = "k3s/config.yaml"
PC = "prometheus-config.yaml"
PD = "prometheus.yaml"
RB30 = "rbac.yaml"
KCM_ARG = "kube-controller-manager-arg:\n  - bind-address=0.0.0.0\n"
SCHED_ARG = "kube-scheduler-arg:\n  - bind-address=0.0.0.0\n"
PROXY_ARG = "kube-proxy-arg:\n  - metrics-bind-address=0.0.0.0:10249\n"
ETCD_EXPOSE = "etcd-expose-metrics: true\n"
EKS_RULE = ('  - apiGroups: ["metrics.eks.amazonaws.com"]\n    resources: ["kcm/metrics"]\n    verbs: ["get"]\n')
URL30 = '  - nonResourceURLs: ["/metrics"]\n    verbs: ["get"]\n'
KCM_JOB = "      - job_name: kube-controller-manager\n        scheme: https\n"
SCHED_JOB = "      - job_name: kube-scheduler\n        scheme: https\n"
AUTH30 = f"        authorization:\n          credentials_file: {TOKEN}\n"
CA30 = "          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n"
SCHED_PORT = "            replacement: $1:10259\n"
PROXY_JOB = "      - job_name: kube-proxy\n        kubernetes_sd_configs:\n"
EKS_PATH = "        metrics_path: /apis/metrics.eks.amazonaws.com/v1/kcm/container/metrics\n"
SA30 = "      serviceAccountName: prometheus\n"
ROLE30 = "  name: prometheus-apiserver\n  namespace: default\n"
SUBJECT30 = "  - kind: ServiceAccount\n    name: prometheus\n    namespace: monitoring\n"
TALOS = """# Talos machine config patch (talosctl patch mc): the controller-manager and etcd metrics on the node address
cluster:
  controllerManager:
    extraArgs:
      bind-address: 0.0.0.0
  etcd:
    extraArgs:
      listen-metrics-urls: http://0.0.0.0:2381
"""

MUTATIONS = [
    # ---- b29: selection
    ("b29 VMServiceScrape label typo", B29, [(SH, SHOP_LABEL, "  labels:\n    team: shpo\n")],
     ["KS100", "KS203"]),  # not selected: its job has no runner (KS100); services/endpoints in shop now unused
    ("b29 selectAllByDefault removed", B29, [(AG, ALL, "")],
     ["KS100", "KS203"]),  # VMNodeScrape, VMScrapeConfig, VMProbe selected by nothing; nodes, nodes/metrics unused
    ("b29 serviceScrapeNamespaceSelector removed", B29, [(AG, NSSEL, "")],
     ["KS100", "KS203"]),  # an object selector alone looks in the VMAgent's own namespace (monitoring)
    ("b29 daemonSetMode: true", B29, [(AG, ALL, ALL + "  daemonSetMode: true\n")],
     ["KS100", "KS203"]),  # DaemonSet mode selects VMPodScrapes only (collect_scrapes.go)
    ("b29 serviceScrapeSelector matchLabels typo", B29, [(AG, SEL, SEL.replace("team: shop", "team: shp"))],
     ["KS100", "KS203"]),
    # ---- b29: identity and RBAC
    ("b29 serviceAccountName removed (operator-made account)", B29, [(AG, SA, "")],
     []),  # vmagent-cluster holds the operator's ClusterRole (rbac.go): everything needed; no finding on it
    ("b29 serviceAccountName typo", B29, [(AG, SA, "  serviceAccountName: vmagnet\n")],
     ["KS101", "KS102", "KS104", "KS109"]),
    ("b29 ServiceAccount object deleted", B29, [(RB, SA_DOC, "")], ["KS109"]),
    ("b29 ClusterRoleBinding subject in default", B29,
     [(RB, SUBJECT, SUBJECT.replace("monitoring", "default"))],
     ["KS108"]),  # KS108 names the denied requests itself and replaces KS101/KS102/KS104 (as in earlier rounds)
    ("b29 shop Role and RoleBinding in monitoring", B29,
     [(SH, SHOP_ROLE_NS, SHOP_ROLE_NS.replace("shop", "monitoring")),
      (SH, SHOP_ROLE_NS, SHOP_ROLE_NS.replace("shop", "monitoring"))],
     ["KS105", "KS203"]),
    ("b29 VMAgent moved to namespace vm", B29,
     [(AG, "  name: cluster\n  namespace: monitoring\n", "  name: cluster\n  namespace: vm\n")],
     ["KS101", "KS102", "KS104", "KS109"]),  # first guess KS108+KS109; the tool is right: the bindings name
    # monitoring/vmagent, an account the inputs define, so they are that account's, not a mistyped subject (no
    # KS108); KS109 names the cause (a pod runs only as an account of its own namespace) and the denials follow
    ("b29 ingestOnlyMode: true", B29, [(AG, ALL, ALL + "  ingestOnlyMode: true\n")],
     ["KS100"]),  # scrapes nothing: its objects are selected by no VMAgent (KS100). Its account keeps every
    # grant, unused; KS203 reports an idle VMAgent's grants only when no scrape object of the inputs is left
    # unselected (vmoperator3: the grants are then likely the objects', and the fix here needs them again)
    ("b29 namespace selector by a label no Namespace manifest shows", B29,
     [(AG, NSSEL, "  serviceScrapeNamespaceSelector:\n    matchLabels:\n      monitoring: enabled\n")],
     ["KS100", "KS203"]),
    ("b29 nodes/metrics dropped", B29, [(RB, NODES_METRICS, "")], ["KS102"]),
    ("b29 /metrics URL as /metrics/*", B29, [(RB, METRICS_URL, METRICS_URL.replace('"/metrics"', '"/metrics/*"'))],
     ["KS104", "KS505"]),  # round 17: no KS203 — KS505's fix rewrites /metrics/* to /metrics in place; deleting the entry (KS203's fix) contradicted it
    ("b29 VMServiceScrape discoveryRole endpointslices", B29,
     [(SH, "  endpoints:\n    - port", "  discoveryRole: endpointslices\n  endpoints:\n    - port")],
     ["KS105", "KS203"]),  # endpointslices are granted, but only in default (the API-server Role): KS105, not
    # KS101 (SPEC: "other namespace"); endpoints no longer needed in shop
    ("b29 VMScrapeConfig namespaces removed", B29, [(SH, SC_NS, "")],
     ["KS105"]),  # pods cluster-wide; the shop RoleBinding grants them in shop only
    # ---- b29: kubelet VMNodeScrape
    ("b29 VMNodeScrape path /stats/summary", B29, [(KL, KPATH, "  path: /stats/summary\n")],
     ["KS102"]),  # KS102 alone since fixconflicts: /stats/summary is JSON, so the path is the fix (not nodes/stats) and
                  # the nodes/metrics grant it keeps using is no KS203 "delete" (applied together: nothing scraped)
    ("b29 VMNodeScrape path written metricsPath", B29, [(KL, KPATH, "  metricsPath: /metrics/cadvisor\n")],
     []),  # no such field in the VMNodeScrape CRD (EndpointScrapeParams has `path`): the API server prunes it and
    # the job scrapes /metrics, which also needs nodes/metrics; the tool has no VM CRD schemas, so no KS602
    ("b29 VMScrapeConfig bearerTokenFile with deny: true", B29,
     [(AG, DENY, "    deny: true\n"), (SH, "  path: /metrics\n  kubernetesSDConfigs:",
                                        f"  path: /metrics\n  bearerTokenFile: {TOKEN}\n  kubernetesSDConfigs:")],
     ["KS603"]),  # also the VMNodeScrape's files: both objects refused
    ("b29 VMNodeScrape insecureSkipVerify with the token", B29,
     [(KL, KTLS, KTLS + "    insecureSkipVerify: true\n")], ["KS301"]),
    ("b29 VMNodeScrape scheme http with the token", B29, [(KL, KSCHEME, KSCHEME.replace("https", "http"))],
     ["KS303"]),
    ("b29 VMNodeScrape bearerTokenFile dropped", B29, [(KL, KTOKEN, "")],
     ["KS106"]),  # the job still needs nodes/metrics once it sends a token: KS203 would tell to delete it (round 10)
    ("b29 VMNodeScrape port 10255", B29, [(KL, KSCHEME, KSCHEME.replace("10250", "10255"))],
     ["KS302"]),  # round 17: no KS203 — KS302's fix (the authenticated port) needs the grant KS203 said to delete
    ("b29 arbitraryFSAccessThroughSMs.deny with bearerTokenFile", B29, [(AG, DENY, "    deny: true\n")],
     ["KS603"]),  # a rejected object keeps its needs: KS203 does not tell to delete what the fix needs (round 5)
    ("b29 deny: true while the shop endpoint reads its basic-auth password from a file", B29,
     [(AG, DENY, "    deny: true\n"),
      (SH, ENDPOINT, ENDPOINT + "      basicAuth:\n        username: {name: shop-scrape, key: user}\n"
                               "        password_file: /etc/vmagent/shop/password\n")],
     ["KS603"]),  # fixed: testForArbitraryFSAccess refuses basicAuth.password_file too (was silent); the refused
    # object's job is not reported (no KS303 for the password sent over http)
    # ---- b29: the VMAgent's own scrape config, the probe, app endpoints
    ("b29 inlineScrapeConfig written as a mapping", B29,
     [(AG, INLINE, INLINE_MAPPING)],
     ["KS601"]),  # fixed: the job the mapping means keeps its needs (was KS203 on /metrics and the default Role)
    ("b29 inline job bearer_token_file dropped", B29, [(AG, INLINE_TOKEN, "")], ["KS106"]),
    ("b29 inline job namespaces removed", B29, [(AG, INLINE_NS, "")], ["KS105"]),
    ("b29 VMProbe sends the token over http", B29, [(PR, PROBER, PROBER + KTOKEN)], ["KS303"]),
    ("b29 VMServiceScrape endpoint sends the token", B29,
     [(SH, ENDPOINT, ENDPOINT + f"      bearerTokenFile: {TOKEN}\n")],
     ["KS303"]),  # the monitor keeps services labelled app: api, named targets: no KS306 (round 8)

    # ---- b30: installer config
    ("b30 controller-manager back on loopback in k3s", B30,
     [(K3S, KCM_ARG, KCM_ARG.replace("0.0.0.0", "127.0.0.1"))], ["KS305"]),
    ("b30 k3s config.yaml removed", B30, [(K3S, None, "# emptied\n")], ["KS305"]),
    ("b30 etcd-expose-metrics false", B30, [(K3S, ETCD_EXPOSE, "etcd-expose-metrics: false\n")], ["KS305"]),
    ("b30 kube-proxy metrics on localhost", B30, [(K3S, PROXY_ARG, PROXY_ARG.replace("0.0.0.0", "127.0.0.1"))],
     ["KS305"]),
    ("b30 k3s key misspelt (-args)", B30, [(K3S, SCHED_ARG, SCHED_ARG.replace("-arg:", "-args:"))], ["KS305"]),
    ("b30 k3s config replaced by a Talos patch exposing two", B30, [(K3S, None, TALOS)],
     ["KS305"]),  # scheduler and kube-proxy stay on loopback
    ("b30 k3s scheduler arg as a bare string", B30,
     [(K3S, SCHED_ARG, "kube-scheduler-arg: bind-address=0.0.0.0\n")], []),  # k3s takes a string for a slice flag
    # ---- b30: EKS control-plane metrics
    ("b30 EKS rule resource misspelt", B30, [(RB30, EKS_RULE, EKS_RULE.replace("kcm/metrics", "kcm/metric"))],
     ["KS104", "KS203"]),
    ("b30 EKS rule as a non-resource URL", B30,
     [(RB30, EKS_RULE, '  - nonResourceURLs: ["/apis/metrics.eks.amazonaws.com/v1/kcm/container/metrics"]\n'
                       '    verbs: ["get"]\n')],
     # the entry is a resource request's path, which RBAC never compares as a URL: KS508 says so (since realworld30),
     # alone, as for a kubelet path written as a URL (b34 cr-cadvisor-url): a dead entry is no unused grant (KS203)
     ["KS104", "KS508"]),
    ("b30 EKS rule in the core group", B30, [(RB30, EKS_RULE, EKS_RULE.replace('"metrics.eks.amazonaws.com"', '""'))],
     ["KS104", "KS503"]),
    ("b30 EKS job on ksh, rule for kcm", B30, [(PC, EKS_PATH, EKS_PATH.replace("/kcm/", "/ksh/"))],
     ["KS104", "KS203"]),
    # ---- b30: transport and credentials
    ("b30 controller-manager insecure_skip_verify", B30,
     [(PC, KCM_JOB + AUTH30 + "        tls_config:\n" + CA30,
       KCM_JOB + AUTH30 + "        tls_config:\n" + CA30 + "          insecure_skip_verify: true\n")], ["KS301"]),
    ("b30 scheduler scheme http with the token", B30, [(PC, SCHED_JOB, SCHED_JOB.replace("https", "http"))],
     ["KS303"]),
    ("b30 controller-manager without credentials", B30, [(PC, KCM_JOB + AUTH30, KCM_JOB)], ["KS106"]),
    ("b30 kube-proxy job sends the token over http", B30, [(PC, PROXY_JOB, PROXY_JOB.replace(
        "        kubernetes_sd_configs:\n", AUTH30 + "        kubernetes_sd_configs:\n"))],
     ["KS303", "KS306"]),  # kube-proxy's :10249 authenticates nobody: it can log and replay the token (KS306)
    ("b30 scheduler on the removed insecure port 10251", B30, [(PC, SCHED_PORT, SCHED_PORT.replace("10259", "10251"))],
     ["KS308"]),
    # ---- b30: RBAC and the workload
    ("b30 /metrics URL dropped", B30, [(RB30, URL30, "")], ["KS104"]),
    ("b30 ClusterRoleBinding subject in default", B30, [(RB30, SUBJECT30, SUBJECT30.replace("monitoring", "default"))],
     ["KS108"]),
    ("b30 apiserver Role and RoleBinding in kube-system", B30,
     [(RB30, ROLE30, ROLE30.replace("default", "kube-system")), (RB30, ROLE30, ROLE30.replace("default", "kube-system"))],
     ["KS105", "KS203"]),
    ("b30 serviceAccountName removed", B30, [(PD, SA30, "")], ["KS101", "KS104"]),
    ("b30 automount off", B30, [(PD, SA30, SA30 + "      automountServiceAccountToken: false\n")], ["KS107"]),
    ("b30 hostNetwork", B30, [(PD, SA30, SA30 + "      hostNetwork: true\n")], ["KS401"]),
]
