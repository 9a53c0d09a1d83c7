"""Twelfth-round single-fault mutations: the classic setups people copy from blog posts and docs.

Baselines (each lints with no error or warning):
- b31-classic-configmap: the prometheus-community style ConfigMap with the five classic jobs of
  prometheus-kubernetes.yml (kubernetes-apiservers on role endpoints kept to default;kubernetes;https,
  kubernetes-nodes on :10250 directly and kubernetes-nodes-cadvisor on /metrics/cadvisor, both with the SA CA and
  token and `insecure_skip_verify: false`, kubernetes-service-endpoints and kubernetes-pods by the prometheus.io
  annotations), a Deployment running as monitoring/prometheus with the ConfigMap mounted, and a least-privilege
  ClusterRole (list/watch of nodes, services, endpoints, pods, endpointslices; get nodes/metrics; URL /metrics)
  bound by a ClusterRoleBinding.
- b32-two-namespaces-roles: a StatefulSet Prometheus whose pod and endpointslice jobs discover only namespaces
  frontend and backend (a Role + RoleBinding in frontend; in backend a RoleBinding of the ClusterRole
  prometheus-discovery, which grants in backend only), plus the pre-2020 kubelet job through the API-server proxy
  (/api/v1/nodes/${1}/proxy/metrics) with its own ClusterRole (nodes list/watch, get nodes/proxy) and the KS209 and
  KS201 it draws suppressed with a reason.

Each is (name, baseline, edits, expected rule ids): every rule whose findings the mutation adds to the baseline's
(KS604 aside), decided from SPEC §3/§4 and FACTS before running the tool (test_rounds.py). Where the first guess was
wrong and the tool right, the expectation is corrected and the reason written beside it.

Judged after running. The tool was wrong twice, and is fixed:
- "b32 kubelet CRB subject name typo" (`promethues`): KS101+KS103 with a fix to add the rules the binding already
  holds. KS108 paired a subject with the scraper only by its exact name or the binding's/role's name; a binding
  named after its role (prometheus-kubelet) with a misspelt subject (one or two letters off, an account of the
  scraper's namespace the inputs do not define) is now paired too (access._misspelt_subjects; fixtures
  KS108/fail-subject-name-misspelt-binding-named-otherwise and pass-subject-name-far-from-scraper).
- "b32 invalid regex in the proxy relabel": KS601 plus KS002 calling the job's KS209 note stale. The refused rule
  hides which targets the job scrapes, so its findings are unknown, not absent (checks/suppressions.py;
  test_suppress test_a_job_whose_targets_a_refused_relabel_rule_hides_keeps_its_suppression).
The first guess was wrong, not the tool, for the rest (corrected, the reason beside each): a grant that exists only in
other namespaces is KS105 (SPEC's letter, as in round 11), even when the cause is a broken binding in the namespace
needed; a misspelt ServiceAccount file is KS107; a suppression whose rule no longer applies (the role bound to no
scraper, the job no longer a proxy scrape) is KS002; nodes/metrics stays needed beside a proxy job (KS209's fix).
"""

from __future__ import annotations

B31, B32 = "b31-classic-configmap", "b32-two-namespaces-roles"
TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token"
TOKEN_LINE = f"        bearer_token_file: {TOKEN}\n"

# ---- b31
CFG = "prometheus-config.yaml"
DEP = "prometheus-deployment.yaml"
RB = "prometheus-rbac.yaml"
SUBJECT = "  - kind: ServiceAccount\n    name: prometheus\n    namespace: monitoring\n"
CRB_HEAD = "kind: ClusterRoleBinding\nmetadata:\n  name: prometheus\nroleRef:\n"
ROLEREF = "  kind: ClusterRole\n  name: prometheus\nsubjects:"
DISC = '      - pods\n    verbs: ["list", "watch"]\n'
GROUP = '  - apiGroups: [""]\n    resources:\n      - nodes\n'
ENDPOINTS = "      - endpoints\n"
SLICES = '  - apiGroups: ["discovery.k8s.io"]\n    resources: ["endpointslices"]\n    verbs: ["list", "watch"]\n'
NODES_METRICS = '    resources: ["nodes/metrics"]\n'
URL = '  - nonResourceURLs: ["/metrics"]\n    verbs: ["get"]\n'
SA = "      serviceAccountName: prometheus\n"
NODES_JOB = "      - job_name: kubernetes-nodes\n        scheme: https\n"
NODES_TLS = NODES_JOB + ("        tls_config:\n          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n"
                         "          insecure_skip_verify: false\n")
NODES_SD = "          - role: node\n        relabel_configs:\n"
API_JOB = "      - job_name: kubernetes-apiservers\n"
API_SCHEME = "        scheme: https\n        tls_config:\n"
CADVISOR = "        metrics_path: /metrics/cadvisor\n"
KEEP = "            regex: default;kubernetes;https\n"
SVC_ROLE = "      - job_name: kubernetes-service-endpoints\n        honor_labels: true\n        kubernetes_sd_configs:\n          - role: endpoints\n"
SCHEME_RE = "            target_label: __scheme__\n            regex: (https?)\n"
POD_ROLE = "          - role: pod\n"
MOUNT = "            - --config.file=/etc/config/prometheus.yml\n"
CM_REF = "          configMap:\n            name: prometheus-server\n"

# ---- b32
P = "prometheus.yaml"
RC = "rbac-cluster.yaml"
RF = "rbac-frontend.yaml"
RBK = "rbac-backend.yaml"
SUB32 = "  - kind: ServiceAccount\n    name: prometheus\n    namespace: monitoring\n"
POD_NS = "          - role: pod\n            namespaces:\n              names: [frontend, backend]\n"
SLICE_NS = "          - role: endpointslice\n            namespaces:\n              names: [frontend, backend]\n"
PROXY_ADDR = "          - target_label: __address__\n            replacement: kubernetes.default.svc:443\n"
PROXY_PATH = "            replacement: /api/v1/nodes/${1}/proxy/metrics\n"
NODE_REGEX = "            regex: (.+)\n            target_label: __metrics_path__\n"
KJOB = "      - job_name: kubernetes-nodes\n        scheme: https\n"
KTLS = "          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n"
NODES_PROXY = '    resources: ["nodes/proxy"]\n'
NODES_LW = '    resources: ["nodes"]\n    verbs: ["list", "watch"]\n'
FE_META = "  name: prometheus\n  namespace: frontend\n"
BE_META = "  name: prometheus\n  namespace: backend\n"
FE_CORE = '  - apiGroups: [""]\n    resources: ["services", "pods"]\n'
FE_SLICES = '  - apiGroups: ["discovery.k8s.io"]\n    resources: ["endpointslices"]\n'
DISC_CR = "  name: prometheus-discovery\nrules:\n"
BE_REF = "  kind: ClusterRole\n  name: prometheus-discovery\n"
FE_REF = "  kind: Role\n  name: prometheus\n"
KCRB_SUB = "  name: prometheus-kubelet\nsubjects:\n" + SUB32
SA32 = "      serviceAccountName: prometheus\n"
KS209_NOTE = "      # kubelint-scrape: ignore[KS209]"

MUTATIONS = [
    # ---- b31: the binding
    ("b31 ClusterRoleBinding subject in default", B31, [(RB, SUBJECT, SUBJECT.replace("monitoring", "default"))],
     ["KS108"]),  # KS108 names the denied requests and replaces KS101/KS102/KS104 (earlier rounds)
    ("b31 subject name typo", B31, [(RB, SUBJECT, SUBJECT.replace("name: prometheus", "name: promethues"))],
     ["KS108"]),
    ("b31 subject kind User", B31,
     [(RB, SUBJECT, "  - kind: User\n    name: prometheus\n    apiGroup: rbac.authorization.k8s.io\n")],
     ["KS108"]),  # a User named prometheus is not system:serviceaccount:monitoring:prometheus
    ("b31 ClusterRoleBinding roleRef kind Role", B31, [(RB, ROLEREF, ROLEREF.replace("ClusterRole", "Role"))],
     ["KS501", "KS101", "KS102", "KS104"]),  # the API server rejects it (FACTS §8); nothing is granted
    ("b31 RoleBinding in monitoring instead of a ClusterRoleBinding", B31,
     [(RB, CRB_HEAD, "kind: RoleBinding\nmetadata:\n  name: prometheus\n  namespace: monitoring\nroleRef:\n")],
     ["KS105", "KS203"]),  # every need is cluster-wide, nodes or a URL: the RoleBinding cannot apply to any. First
    # guess KS105 alone; the tool is right that the rules give the account nothing in monitoring either (as round 11's
    # "Role and RoleBinding in monitoring"): KS203 says each is void through that binding
    ("b31 roleRef name typo", B31, [(RB, ROLEREF, ROLEREF.replace("name: prometheus", "name: prometheus-server"))],
     ["KS502", "KS101", "KS102", "KS104"]),
    # ---- b31: the ClusterRole
    ("b31 nodes/metrics replaced by nodes/stats", B31, [(RB, NODES_METRICS, NODES_METRICS.replace("metrics", "stats"))],
     ["KS102", "KS203"]),
    ("b31 nodes/proxy added", B31, [(RB, NODES_METRICS, '    resources: ["nodes/metrics", "nodes/proxy"]\n')],
     ["KS201", "KS203"]),
    ("b31 verbs * on discovery", B31, [(RB, DISC, '      - pods\n    verbs: ["*"]\n')],
     ["KS202", "KS207"]),  # as round 2's "b1 verbs * on discovery"
    ("b31 secrets added", B31, [(RB, DISC, '      - pods\n      - secrets\n    verbs: ["list", "watch"]\n')],
     ["KS204", "KS203"]),
    ("b31 apiGroups core", B31, [(RB, GROUP, GROUP.replace('[""]', '["core"]'))],
     ["KS503", "KS101"]),
    ("b31 resources endpoint", B31, [(RB, ENDPOINTS, "      - endpoint\n")], ["KS503", "KS101"]),
    ("b31 /metrics URL removed", B31, [(RB, URL, "")], ["KS104"]),
    ("b31 /metrics URL as /metrics/*", B31, [(RB, URL, URL.replace('"/metrics"', '"/metrics/*"'))],
     ["KS104", "KS505"]),  # as round 11; round 17: no KS203 — KS505's fix rewrites /metrics/* to /metrics in place; deleting the entry (KS203's fix) contradicted it
    ("b31 role endpointslice without the endpointslices rule", B31,
     [(CFG, SVC_ROLE, SVC_ROLE.replace("role: endpoints", "role: endpointslice")), (RB, SLICES, "")],
     ["KS101"]),
    # ---- b31: the workload
    ("b31 automountServiceAccountToken false", B31, [(DEP, SA, SA + "      automountServiceAccountToken: false\n")],
     ["KS107"]),
    ("b31 serviceAccountName typo", B31, [(DEP, SA, SA.replace("prometheus", "prometheous"))],
     ["KS101", "KS102", "KS104", "KS109"]),
    ("b31 hostNetwork", B31, [(DEP, SA, SA + "      hostNetwork: true\n")], ["KS401"]),
    ("b31 serviceAccountName removed", B31, [(DEP, SA, "")],
     ["KS101", "KS102", "KS104"]),  # monitoring/default exists in every namespace: no KS109
    # ---- b31: the scrape config
    ("b31 kubelet job scheme http", B31, [(CFG, NODES_JOB, NODES_JOB.replace("https", "http"))], ["KS303"]),
    ("b31 kubelet job port 10255", B31,
     [(CFG, NODES_SD, NODES_SD + "          - source_labels: [__address__]\n            regex: (.+):\\d+\n"
                                 "            replacement: $1:10255\n            target_label: __address__\n")],
     ["KS302"]),  # the cadvisor job still needs nodes/metrics
    ("b31 kubelet job insecure_skip_verify true", B31,
     [(CFG, NODES_TLS, NODES_TLS.replace("insecure_skip_verify: false", "insecure_skip_verify: true"))], ["KS301"]),
    ("b31 kubelet job token path misspelt", B31,
     [(CFG, NODES_TLS + TOKEN_LINE, NODES_TLS + TOKEN_LINE.replace("serviceaccount/token", "serviceaccount/tokne"))],
     ["KS107"]),  # first guess KS106; the tool is right: the job names a token file, the ServiceAccount volume just
    # does not hold that name (it holds ca.crt, namespace, token) — KS107's "reads … which no volume provides"
    ("b31 kubelet job bearer_token_file dropped", B31, [(CFG, NODES_TLS + TOKEN_LINE, NODES_TLS)], ["KS106"]),
    ("b31 apiserver job scheme dropped", B31, [(CFG, API_SCHEME, "        tls_config:\n")],
     ["KS303"]),  # http is the default: the token goes in clear
    ("b31 duplicate metrics_path", B31, [(CFG, CADVISOR, CADVISOR + "        metrics_path: /metrics\n")], ["KS005"]),
    ("b31 invalid regex in relabel", B31, [(CFG, SCHEME_RE, SCHEME_RE.replace("(https?)", "(https?"))], ["KS601"]),
    ("b31 ClusterRoleBinding subject namespace omitted", B31,
     [(RB, SUBJECT, SUBJECT.replace("    namespace: monitoring\n", ""))],
     ["KS501", "KS108"]),  # a ClusterRoleBinding's ServiceAccount subject needs a namespace (FACTS §8): refused, and
    # still the binding written for the scraper (KS108 names it instead of KS101/KS102/KS104)
    ("b31 ServiceAccount subject with apiGroup", B31,
     [(RB, SUBJECT, SUBJECT + "    apiGroup: rbac.authorization.k8s.io\n")],
     ["KS501", "KS101", "KS102", "KS104"]),  # refused (FACTS §8); the subject itself is right, so no KS108
    ("b31 nonResourceURLs folded into the nodes/metrics rule", B31,
     [(RB, NODES_METRICS + '    verbs: ["get"]\n' + URL,
       NODES_METRICS + '    nonResourceURLs: ["/metrics"]\n    verbs: ["get"]\n')],
     ["KS501", "KS101", "KS102", "KS104"]),  # a mixed rule rejects the whole ClusterRole (FACTS §8)
    ("b31 resourceNames on discovery", B31, [(RB, DISC, DISC + '    resourceNames: ["kubernetes"]\n')],
     ["KS506", "KS101"]),
    ("b31 nodes/* for nodes/metrics", B31, [(RB, NODES_METRICS, '    resources: ["nodes/*"]\n')],
     ["KS505", "KS102"]),
    ("b31 ConfigMap key prometheus.yaml, args read prometheus.yml", B31,
     [(CFG, "  prometheus.yml: |\n", "  prometheus.yaml: |\n")],
     ["KS100"]),  # the pod reads a file the volume does not hold: no pod loads this config (Prometheus exits)
    ("b31 attach_metadata node on the pod job", B31,
     [(CFG, POD_ROLE, POD_ROLE + "            attach_metadata:\n              node: true\n")],
     []),  # nodes list/watch is granted cluster-wide already
]

MUTATIONS += [
    # ---- b32: bindings and scoping
    ("b32 frontend subject namespace frontend", B32, [(RF, SUB32, SUB32.replace("monitoring", "frontend"))],
     ["KS108"]),
    ("b32 backend subject namespace omitted", B32, [(RBK, SUB32, SUB32.replace("    namespace: monitoring\n", ""))],
     ["KS108"]),  # defaults to the RoleBinding's namespace: backend/prometheus (FACTS §8)
    ("b32 backend roleRef kind Role", B32, [(RBK, BE_REF, BE_REF.replace("ClusterRole", "Role"))],
     ["KS502", "KS105"]),  # no Role prometheus-discovery in backend. First guess KS101; SPEC KS105 covers a rule
    # that exists only through a RoleBinding of another namespace (frontend's), as in round 11: KS105, and KS502
    # names the broken binding
    ("b32 frontend roleRef kind ClusterRole", B32, [(RF, FE_REF, FE_REF.replace("Role", "ClusterRole"))],
     ["KS502", "KS105"]),  # no ClusterRole prometheus; the grants exist in backend only (as above)
    ("b32 frontend RoleBinding in default", B32, [(RF, FE_META + "roleRef", FE_META.replace("frontend", "default") + "roleRef")],
     ["KS502", "KS105"]),  # the Role stays in frontend; KS502 says that Role exists in another namespace
    ("b32 frontend Role and RoleBinding in monitoring", B32,
     [(RF, FE_META, FE_META.replace("frontend", "monitoring")), (RF, FE_META, FE_META.replace("frontend", "monitoring"))],
     ["KS105", "KS203"]),
    ("b32 backend RoleBinding in monitoring", B32, [(RBK, BE_META, BE_META.replace("backend", "monitoring"))],
     ["KS105", "KS203"]),
    ("b32 pod job namespaces extended to payments", B32,
     [(P, POD_NS, POD_NS.replace("backend]", "backend, payments]"))],
     ["KS105"]),  # first guess KS101; pods are granted, in frontend and backend only: KS105 by SPEC's letter
    ("b32 namespace name typo", B32, [(P, SLICE_NS, SLICE_NS.replace("backend]", "backned]"))],
     ["KS105", "KS203"]),  # as above; first guess had no KS203, but only pods in backend still serve a job: the
    # services and endpointslices there are unused now
    ("b32 pod job namespaces removed", B32,
     [(P, POD_NS, "          - role: pod\n")], ["KS105"]),  # cluster-wide pods; granted in two namespaces only
    ("b32 kubelet CRB subject name typo", B32,
     [(RC, KCRB_SUB, KCRB_SUB.replace("name: prometheus\n", "name: promethues\n"))],
     ["KS108", "KS002"]),  # fixed: was KS101+KS103 — a binding named after its role was paired with the scraper
    # only by the subject's exact name (access._misspelt_subjects). KS002: the ClusterRole is bound to no scraper
    # now, so the KS201 note on it suppresses nothing (noted in the report, not changed)
    ("b32 kubelet CRB subject another account's name", B32,
     [(RC, KCRB_SUB, KCRB_SUB.replace("name: prometheus\n", "name: prometheus-server\n"))],
     ["KS101", "KS103", "KS002"]),  # not a typo of prometheus (7 letters added): not evidently the scraper's
    ("b32 kubelet CRB as a RoleBinding in monitoring", B32,
     [(RC, "kind: ClusterRoleBinding\nmetadata:\n  name: prometheus-kubelet\n",
       "kind: RoleBinding\nmetadata:\n  name: prometheus-kubelet\n  namespace: monitoring\n")],
     ["KS105", "KS203", "KS002"]),  # the RoleBinding grants neither nodes nor nodes/proxy: no KS201 to suppress
    ("b32 own_namespace added to the pod job", B32,
     [(P, POD_NS, POD_NS + "              own_namespace: true\n")],
     ["KS105"]),  # pods in monitoring too; granted in frontend and backend only
    ("b32 frontend Role without namespace", B32, [(RF, FE_META + "rules", "  name: prometheus\nrules")],
     ["KS502", "KS105"]),  # the Role lands in default; the RoleBinding finds no Role prometheus in frontend
    ("b32 nodes/proxy verb list", B32, [(RC, NODES_PROXY + '    verbs: ["get"]', NODES_PROXY + '    verbs: ["list"]')],
     ["KS103", "KS203", "KS002"]),  # list grants nothing on the proxy path; KS201 counts get (and `*`) only. First
    # guess had no KS203: list nodes/proxy is a grant no job uses, and the tool says so
    # ---- b32: RBAC content
    ("b32 nodes/proxy replaced by nodes/metrics", B32, [(RC, NODES_PROXY, NODES_PROXY.replace("proxy", "metrics"))],
     ["KS103", "KS002"]),  # the proxy path is checked as nodes/proxy only; the KS201 note suppresses nothing. First
    # guess had KS203 on nodes/metrics: the tool keeps it, as what KS209's fix (a direct :10250 scrape) needs
    ("b32 verbs * on nodes", B32, [(RC, NODES_LW, NODES_LW.replace('["list", "watch"]', '["*"]'))],
     ["KS202", "KS207"]),
    ("b32 secrets added to prometheus-discovery", B32,
     [(RC, DISC_CR + '  - apiGroups: [""]\n    resources: ["services", "pods"]\n',
       DISC_CR + '  - apiGroups: [""]\n    resources: ["services", "pods", "secrets"]\n')],
     ["KS204", "KS203"]),
    ("b32 frontend Role apiGroups core", B32, [(RF, FE_CORE, FE_CORE.replace('[""]', '["core"]'))],
     ["KS503", "KS105"]),  # the grant exists in backend only (KS105, as for the bindings above)
    ("b32 frontend Role resource endpointslice", B32,
     [(RF, FE_SLICES, FE_SLICES.replace('"endpointslices"', '"endpointslice"'))], ["KS503", "KS105"]),
    ("b32 frontend Role endpointslices in the core group", B32,
     [(RF, FE_SLICES, FE_SLICES.replace('"discovery.k8s.io"', '""'))], ["KS503", "KS105"]),
    ("b32 role endpoints with endpointslice grants only", B32,
     [(P, SLICE_NS, SLICE_NS.replace("endpointslice", "endpoints"))],
     ["KS101"]),  # the endpointslices grants stay as the KS604 fix's target
    # ---- b32: the kubelet proxy job
    ("b32 direct kubelet scrape with nodes/proxy", B32, [(P, PROXY_ADDR, ""), (P, NODE_REGEX + PROXY_PATH, NODE_REGEX + "            replacement: /metrics\n")],
     ["KS102", "KS203", "KS002", "KS304"]),  # the kubelet checks /metrics as nodes/metrics only; KS209's note is
    # now unused; KS304 (info, forgotten in the first guess): the kubelet is now verified against the cluster CA
    ("b32 proxy path with :10250", B32,
     [(P, PROXY_PATH, PROXY_PATH.replace("${1}", "${1}:10250"))], []),  # still nodes/proxy on the API server
    ("b32 proxy path to cadvisor", B32, [(P, PROXY_PATH, PROXY_PATH.replace("metrics", "metrics/cadvisor"))], []),
    ("b32 address relabel dropped", B32, [(P, PROXY_ADDR, "")],
     ["KS304"]),  # first guess KS002 (no proxy scrape left for the KS209 note); the tool reports this case as a
    # KS209 error — the proxy path sent to the kubelets themselves, 404 whatever is granted — so the note still
    # suppresses it (noted in the report: a note written for the warning hides the error). KS304: direct kubelet
    ("b32 kubelet job scheme http", B32, [(P, KJOB, KJOB.replace("https", "http"))], ["KS303"]),
    ("b32 kubelet job insecure_skip_verify", B32, [(P, KTLS, KTLS + "          insecure_skip_verify: true\n")],
     ["KS301"]),
    ("b32 kubelet job token path misspelt", B32,
     [(P, TOKEN_LINE, TOKEN_LINE.replace("serviceaccount/token", "serviceacount/token"))],
     ["KS107"]),  # as b31's: the misspelt directory is provided by no volume
    ("b32 invalid regex in the proxy relabel", B32, [(P, NODE_REGEX, NODE_REGEX.replace("(.+)", "(.+"))],
     ["KS601"]),  # fixed: was KS601+KS002 — the job's targets are unknown, so its KS209 note was called stale
    ("b32 duplicate regex key", B32, [(P, NODE_REGEX, "            regex: (.*)\n" + NODE_REGEX)], ["KS005"]),
    # ---- b32: the workload
    ("b32 automount off", B32, [(P, SA32, SA32 + "      automountServiceAccountToken: false\n")], ["KS107"]),
    ("b32 serviceAccountName typo", B32, [(P, SA32, SA32.replace("prometheus", "prometheus-sa"))],
     ["KS101", "KS103", "KS109", "KS002"]),  # monitoring/prometheus runs no job now: KS201 judges the roles of
    # scrapers, so the note on prometheus-kubelet suppresses nothing
    ("b32 hostNetwork", B32, [(P, SA32, SA32 + "      hostNetwork: true\n")], ["KS401"]),
]
