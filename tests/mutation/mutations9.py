"""Ninth-round single-fault mutations: the repository layouts this session taught the tool.

Baselines (each lints with no error or warning):
- b24-kustomize: a Kustomize layout. base/ (Prometheus Deployment, ConfigMap from configMapGenerator, ServiceAccount,
  ClusterRole + ClusterRoleBinding whose subject names no namespace) lists components/kubelet (the kubelet scrape's
  ClusterRole and binding); overlays/prod takes the base through the deprecated `bases:` and sets namespace:
  monitoring; kube-system/ is a root of its own (namespace: kube-system) holding the Role for kube-system discovery,
  applied separately because an overlay's namespace: would move it.

- b25-flux: clusters/prod/monitoring.yaml, a Flux Kustomization (path ./apps/monitoring, targetNamespace: monitoring);
  apps/monitoring/ holds plain YAML without a kustomization.yaml: a Prometheus CR, its ServiceAccount and ClusterRole
  (+ binding), ServiceMonitors for the kubelet and CoreDNS (kube-system) and Prometheus itself.
- b26-pushprox: rancher-monitoring's PushProx for the controller-manager and scheduler (clients with --token-path and
  their own ClusterRole for get /metrics, monitors with `_scheme: https`) and etcd (plain http, no token); the
  clients' hostNetwork is accepted with a suppression (KS401), as a user of the chart would.

Each is (name, baseline, edits, expected rule ids): every rule whose findings the mutation adds to the baseline's
(KS604 aside), decided from SPEC §3/§4 and FACTS before running the tool (test_rounds.py).

Judged after running. The tool was wrong four times, and is fixed:
- "b24 configMapGenerator name typo": the generator makes prometheus-conf, the Deployment mounts prometheus-config.
  Nothing loads prometheus.yml, but the tool guessed its identity from the ServiceAccount beside it (silent). Now
  the generator's ConfigMap is treated like a written one: KS100 "no workload in namespace monitoring mounts
  ConfigMap prometheus-conf" (analyse._from_holder; fixture KS100/fail-kustomize-generator-not-mounted).
- "b26 kcm client without serviceAccountName": KS109 for cattle-monitoring-system/default, which every namespace
  has. The PushProx client's account went through the token-Secret KS109, which forgot `default` and spoke of a
  Secret (checks/access._token_secret_account_not_found; fixture KS104/fail-pushprox-client-runs-as-default).
- "b26 scheduler client token path typo" / "automount off": silent; the client reads --token-path for the job's
  requests as Prometheus reads its token file. Now KS107 (checks/access._pushprox_token_unmounted; fixture
  KS107/fail-pushprox-client-token-not-mounted).
- "b26 scheduler client without hostNetwork": --use-localhost then reaches the client pod's own loopback, where
  the scheduler does not listen; silent. Now KS305 (warning, as for Prometheus's own loopback:
  checks/transport._client_own_loopback; fixture KS305/fail-pushprox-client-not-in-host-network).
The first guess was wrong, not the tool, for the rest (kept as the tool has them, each with its reason beside it).
Also: findings are keyed by message, so a mutation that renames a job (its namespace is in an Operator job's name)
re-adds the baseline's info notes about it (KS304), and KS208's info lists the jobs it is about.
"""

from __future__ import annotations

B24, B25, B26 = "b24-kustomize", "b25-flux", "b26-pushprox"
TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token"
CA = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"

# ---- b24
OV24 = "overlays/prod/kustomization.yaml"
BK24 = "base/kustomization.yaml"
KSK24 = "kube-system/kustomization.yaml"
KSR24 = "kube-system/role.yaml"
CR24 = "components/kubelet/rbac.yaml"
RB24 = "base/rbac.yaml"
D24 = "base/deployment.yaml"
P24 = "base/prometheus.yml"
NS24 = "namespace: monitoring\n"
BASES24 = "bases:\n  - ../../base\n"
BASERES24 = "resources:\n  - serviceaccount.yaml\n  - deployment.yaml\n  - rbac.yaml\n"
COMP24 = "components:\n  - ../components/kubelet\n"
GEN24 = "  - name: prometheus-config\n    files:\n      - prometheus.yml\n"
SUBJ24 = "subjects:\n  - kind: ServiceAccount\n    name: prometheus\n"
KSSUBJ24 = "    name: prometheus\n    namespace: monitoring\n"
KSRULE24 = '    resources: ["services", "endpoints"]\n'
NM24 = '    resources: ["nodes/metrics"]\n    verbs: ["get"]\n'
SA24 = "      serviceAccountName: prometheus\n"
KUBELET24 = "  - job_name: kubelet\n    scheme: https\n"
KTLS24 = f"    tls_config:\n      ca_file: {CA}\n"
KAUTH24 = f"    authorization:\n      credentials_file: {TOKEN}\n"
PODS24 = "  - job_name: kubernetes-pods\n"
KSNS24 = "          names: [kube-system]\n"

# ---- b25
F25 = "clusters/prod/monitoring.yaml"
PR25 = "apps/monitoring/prometheus.yaml"
R25 = "apps/monitoring/rbac.yaml"
KM25 = "apps/monitoring/monitors/kubelet.yaml"
CM25 = "apps/monitoring/monitors/coredns.yaml"
SM25 = "apps/monitoring/monitors/prometheus.yaml"
PATH25 = "  path: ./apps/monitoring\n"
TNS25 = "  targetNamespace: monitoring\n"
SA25 = "  serviceAccountName: prometheus\n"
SAOBJ25 = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: prometheus\n---\n"
DISC25 = '    resources: ["services", "endpoints", "pods"]\n    verbs: ["list", "watch"]\n'
NM25 = '  - apiGroups: [""]\n    resources: ["nodes/metrics"]\n    verbs: ["get"]\n'
CRB25 = "kind: ClusterRoleBinding\nmetadata:\n  name: prometheus\n"
TEAM25 = "  labels:\n    team: platform\n"
KTOKEN25 = "      bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n"
KTLS25 = "      tlsConfig:\n        caFile: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n"
KSCHEME25 = "      scheme: https\n"
CNS25 = "  namespaceSelector:\n    matchNames:\n      - kube-system\n"
PSPEC25 = "spec:\n  version: v3.5.0\n"
PMETA25 = "  name: k8s\n  labels:\n"

# ---- b26
KCM, SCH, ETCD, PP = "kube-controller-manager.yaml", "kube-scheduler.yaml", "kube-etcd.yaml", "prometheus.yaml"
TOKENPATH = f"        - --token-path={TOKEN}\n"
LOCAL = "        - --use-localhost\n"
URL26 = '- nonResourceURLs: ["/metrics"]\n  verbs: ["get"]\n'
CSUBJ26 = "- kind: ServiceAccount\n  name: pushprox-kube-controller-manager-client\n  namespace: cattle-monitoring-system\n"
CSA26 = "      serviceAccountName: pushprox-kube-controller-manager-client\n"
HOSTNET26 = "      hostNetwork: true\n"
KCMPROXY26 = "    proxyUrl: http://pushprox-kube-controller-manager-proxy.cattle-monitoring-system.svc:8080\n"
SCHEME26 = "    params:\n      _scheme: [https]\n"
KCMLABEL26 = "    release: rancher-monitoring\n    component: kube-controller-manager\n"
PDISC26 = "  resources: [services, endpoints, pods]\n"
PCRB26 = "kind: ClusterRoleBinding\nmetadata:\n  name: rancher-monitoring-prometheus\n"
KCMNS26 = "    matchNames: [cattle-monitoring-system]\n"
CCRB26 = ("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n"
          "  name: pushprox-kube-controller-manager-client\nroleRef:\n")
CREF26 = "  kind: ClusterRole\n  name: pushprox-kube-controller-manager-client\nsubjects:"
CSC26 = "          allowPrivilegeEscalation: false\n---\napiVersion: apps/v1\nkind: Deployment\n"
CRBBODY26 = ("  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: pushprox-kube-controller-manager-client\n"
             "subjects:\n" + CSUBJ26)
PROXYSA26 = "      serviceAccountName: pushprox-kube-controller-manager-proxy\n"

MUTATIONS = [
    # ---- b24: Kustomize base, component, overlay, separate kube-system root
    ("b24 overlay drops namespace:", B24, [(OV24, NS24, "")], ["KS108", "KS501"]),  # subjects stay without namespace
    ("b24 overlay namespace typo", B24, [(OV24, NS24, "namespace: monitorng\n")], ["KS108"]),  # kube-system's subject
    # KS008 names the cause: `kustomize build` stops at the missing entry; the analysis, reading every file, still
    # takes the base as a build of its own and reports what that build would do (KS108, KS501).
    ("b24 bases: path typo", B24, [(OV24, BASES24, "bases:\n  - ../../bsae\n")], ["KS008", "KS108", "KS501"]),
    ("b24 bases: written as resources:", B24, [(OV24, BASES24, "resources:\n  - ../../base\n")], []),
    ("b24 component dropped from the base", B24, [(BK24, COMP24, "")], ["KS108", "KS501"]),
    ("b24 component path typo", B24, [(BK24, COMP24, "components:\n  - ../component/kubelet\n")],
     ["KS008", "KS108", "KS501"]),
    ("b24 rbac.yaml out of the base's resources", B24, [(BK24, BASERES24, BASERES24.replace("  - rbac.yaml\n", ""))],
     ["KS108", "KS501"]),
    ("b24 serviceaccount.yaml out of the base's resources", B24,
     [(BK24, BASERES24, BASERES24.replace("  - serviceaccount.yaml\n", ""))],
     ["KS108", "KS109", "KS501"]),  # kustomize writes a namespace only into subjects naming an account OF THE BUILD
    ("b24 base names namespace metrics (the overlay's wins)", B24, [(BK24, BASERES24, "namespace: metrics\n" + BASERES24)], []),
    ("b24 kube-system root without namespace:", B24, [(KSK24, "namespace: kube-system\n", "")], ["KS105", "KS203"]),
    ("b24 kube-system root built by the overlay", B24, [(OV24, BASES24, BASES24 + "resources:\n  - ../../kube-system\n")],
     ["KS105", "KS203"]),  # the overlay's namespace: moves the Role to monitoring
    ("b24 kube-system subject without namespace", B24, [(KSR24, KSSUBJ24, "    name: prometheus\n")], ["KS108"]),
    ("b24 base subject names default (follows its account)", B24, [(RB24, SUBJ24, SUBJ24 + "    namespace: default\n")], []),
    ("b24 base subject names kube-system", B24, [(RB24, SUBJ24, SUBJ24 + "    namespace: kube-system\n")], ["KS108"]),
    ("b24 serviceAccountName typo", B24, [(D24, SA24, "      serviceAccountName: prometheus-server\n")],
     ["KS101", "KS102", "KS109"]),
    ("b24 configMapGenerator name typo", B24, [(BK24, GEN24, GEN24.replace("prometheus-config", "prometheus-conf"))], ["KS100"]),
    ("b24 configMapGenerator key renamed", B24, [(BK24, GEN24, GEN24.replace("- prometheus.yml", "- prom.yml=prometheus.yml"))],
     ["KS100"]),
    ("b24 drop the nodes/metrics rule", B24, [(CR24, "  - apiGroups: [\"\"]\n" + NM24, "")], ["KS102"]),
    ("b24 nodes/proxy instead of nodes/metrics", B24, [(CR24, NM24, NM24.replace("nodes/metrics", "nodes/proxy"))],
     ["KS102", "KS201", "KS203"]),
    ("b24 kube-system Role without endpoints", B24, [(KSR24, KSRULE24, '    resources: ["services"]\n')], ["KS101"]),
    ("b24 kube-system Role lists nodes", B24, [(KSR24, KSRULE24, '    resources: ["services", "endpoints", "nodes"]\n')],
     ["KS507"]),
    ("b24 kube-system RoleBinding refers to a ClusterRole", B24,
     [(KSR24, "  kind: Role\n  name: prometheus-discovery\n", "  kind: ClusterRole\n  name: prometheus-discovery\n")],
     ["KS101", "KS502"]),
    ("b24 kube-system job namespace typo", B24, [(P24, KSNS24, "          names: [kube-sytem]\n")],
     ["KS105", "KS203"]),  # the rule exists, through a RoleBinding of kube-system: KS105 replaces KS101
    ("b24 kubelet scheme http", B24, [(P24, KUBELET24, "  - job_name: kubelet\n    scheme: http\n")], ["KS303"]),
    ("b24 kubelet without credentials", B24, [(P24, KAUTH24, "")], ["KS106"]),
    ("b24 kubelet insecure_skip_verify", B24, [(P24, KTLS24, "    tls_config:\n      insecure_skip_verify: true\n")], ["KS301"]),
    ("b24 automount off", B24, [(D24, SA24, SA24 + "      automountServiceAccountToken: false\n")], ["KS107"]),
    ("b24 pods job sends the token", B24, [(P24, PODS24, PODS24 + f"    bearer_token_file: {TOKEN}\n")], ["KS303", "KS306"]),
    ("b24 duplicate scrape_interval", B24, [(P24, "  scrape_interval: 30s\n", "  scrape_interval: 30s\n  scrape_interval: 1m\n")],
     ["KS005"]),
    ("b24 hostNetwork", B24, [(D24, SA24, SA24 + "      hostNetwork: true\n")], ["KS401"]),
    # ---- b25: Flux Kustomization deploying a plain directory of Prometheus Operator objects
    ("b25 Flux path typo", B25, [(F25, PATH25, "  path: ./apps/monitorng\n")], ["KS108", "KS304"]),  # objects stay in default
    ("b25 targetNamespace removed", B25, [(F25, TNS25, "")], ["KS108", "KS304"]),
    ("b25 targetNamespace typo", B25, [(F25, TNS25, "  targetNamespace: monitorng\n")], ["KS108", "KS304"]),
    ("b25 Flux path is the parent ./apps", B25, [(F25, PATH25, "  path: ./apps\n")], []),  # recursive: same files
    ("b25 Flux path with a trailing slash", B25, [(F25, PATH25, "  path: ./apps/monitoring/\n")], []),
    ("b25 a kustomization.yaml leaves the monitors out", B25,
     [("apps/monitoring/kustomization.yaml", None,
       "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - prometheus.yaml\n  - rbac.yaml\n")],
     ["KS100", "KS304"]),  # the monitors, in default now, are not selected; with no job left, what the account
    # needs is unknown (monitors may come from elsewhere), so nothing is called unused: no KS203
    ("b25 monitor written for namespace default (targetNamespace moves it)", B25,
     [(CM25, "  name: coredns\n", "  name: coredns\n  namespace: default\n")], []),
    ("b25 Prometheus written for namespace prometheus (moved too)", B25, [(PR25, PMETA25, "  name: k8s\n  namespace: prometheus\n  labels:\n")], []),
    ("b25 no serviceAccountName (default)", B25, [(PR25, SA25, "")], ["KS101", "KS102"]),
    ("b25 serviceAccountName typo", B25, [(PR25, SA25, "  serviceAccountName: prometheus-k8s\n")], ["KS101", "KS102", "KS109"]),
    ("b25 ServiceAccount object dropped", B25, [(PR25, SAOBJ25, "")], ["KS109"]),
    ("b25 kubelet monitor label typo", B25, [(KM25, TEAM25, "  labels:\n    team: platfrom\n")],
     ["KS100"]),  # the kubelet was the only cluster-wide need; round 17: no KS203/KS208 — KS100's label fix brings the monitor back, and what it needs is kept (grants.selection_fix_jobs)
    ("b25 kubelet monitor without token", B25, [(KM25, KTOKEN25, "")], ["KS106"]),
    ("b25 kubelet monitor scheme http", B25, [(KM25, KSCHEME25, "      scheme: http\n")], ["KS303"]),
    ("b25 kubelet monitor insecureSkipVerify", B25, [(KM25, KTLS25, "      tlsConfig:\n        insecureSkipVerify: true\n")], ["KS301"]),
    ("b25 arbitraryFSAccessThroughSMs deny", B25, [(PR25, PSPEC25, PSPEC25 + "  arbitraryFSAccessThroughSMs:\n    deny: true\n")],
     ["KS603"]),
    ("b25 drop nodes/metrics", B25, [(R25, NM25, "")], ["KS102"]),
    ("b25 drop endpoints", B25, [(R25, DISC25, DISC25.replace(' "endpoints",', ""))], ["KS101"]),
    ("b25 apiGroup core", B25, [(R25, '  - apiGroups: [""]\n' + DISC25, '  - apiGroups: ["core"]\n' + DISC25)], ["KS101", "KS503"]),
    ("b25 typo verb wacth", B25, [(R25, DISC25, DISC25.replace('"watch"', '"wacth"'))], ["KS101", "KS504"]),
    ("b25 RoleBinding instead of ClusterRoleBinding", B25, [(R25, CRB25, "kind: RoleBinding\nmetadata:\n  name: prometheus\n")],
     ["KS105", "KS203"]),  # in monitoring (targetNamespace): kube-system discovery and nodes/metrics cannot be
    # granted there; the nodes/metrics rule then gives the account nothing (KS203, as b21's RoleBinding)
    ("b25 binding subject namespace default", B25, [(R25, "    namespace: monitoring\n", "    namespace: default\n")], []),  # follows its account
    ("b25 binding subject namespace flux-system", B25, [(R25, "    namespace: monitoring\n", "    namespace: flux-system\n")],
     ["KS108"]),
    ("b25 coredns monitor without namespaceSelector", B25, [(CM25, CNS25, "")], []),  # its own namespace: still granted
    ("b25 duplicate key in the Prometheus spec", B25, [(PR25, "  retention: 15d\n", "  retention: 15d\n  retention: 30d\n")], ["KS005"]),
    ("b25 roleRef name typo", B25, [(R25, "  kind: ClusterRole\n  name: prometheus\nsubjects:", "  kind: ClusterRole\n  name: promethues\nsubjects:")],
     ["KS101", "KS102", "KS502"]),
    # ---- b26: Rancher monitoring's PushProx for the controller-manager, scheduler and etcd
    ("b26 kcm client without --token-path", B26, [(KCM, TOKENPATH, "")], ["KS106"]),  # Prometheus's request has no token
    ("b26 kcm client role lacks /metrics", B26, [(KCM, URL26, URL26.replace('"/metrics"', '"/healthz"'))],
     ["KS104", "KS203"]),  # the client is a scraper identity too: /healthz is unused
    ("b26 kcm client role /metrics/*", B26, [(KCM, URL26, URL26.replace('"/metrics"', '"/metrics/*"'))], ["KS104", "KS505"]),  # round 17: no KS203 — KS505's fix rewrites /metrics/* to /metrics in place; deleting the entry (KS203's fix) contradicted it
    ("b26 kcm client binding subject namespace default", B26,
     [(KCM, CSUBJ26, CSUBJ26.replace("cattle-monitoring-system", "default"))], ["KS108"]),
    ("b26 kcm client without serviceAccountName", B26, [(KCM, CSA26, "")], ["KS104"]),  # runs as default: no /metrics
    ("b26 kcm client binding dropped", B26, [(KCM, CCRB26 + CRBBODY26, "")], ["KS104"]),
    ("b26 kcm client roleRef typo", B26, [(KCM, CREF26, CREF26.replace("manager-client\nsubjects", "manger-client\nsubjects"))],
     ["KS104", "KS502"]),
    ("b26 kcm proxyUrl names the scheduler's proxy", B26, [(KCM, KCMPROXY26, KCMPROXY26.replace("controller-manager", "scheduler"))],
     []),  # the scheduler's client refuses port 10257 (--allow-port): no rule of the catalog says so
    ("b26 kcm proxyUrl names a proxy not in the inputs", B26, [(KCM, KCMPROXY26, KCMPROXY26.replace("controller-manager", "controler-manager"))],
     []),  # the route is unknown: the target-side rules stay silent
    ("b26 kcm _scheme param removed", B26, [(KCM, SCHEME26, "")], []),  # --token-path forces https on its own
    ("b26 kcm client without --use-localhost", B26, [(KCM, LOCAL, "")], ["KS305"]),
    ("b26 etcd client without --use-localhost", B26, [(ETCD, LOCAL, "")], ["KS305"]),
    ("b26 scheduler client token path typo", B26, [(SCH, TOKENPATH, TOKENPATH.replace("serviceaccount/token", "serviceacount/token"))],
     ["KS107"]),
    ("b26 scheduler client automount off", B26, [(SCH, "      serviceAccountName: pushprox-kube-scheduler-client\n",
                                                 "      serviceAccountName: pushprox-kube-scheduler-client\n      automountServiceAccountToken: false\n")],
     ["KS107"]),
    ("b26 scheduler client without hostNetwork", B26, [(SCH, HOSTNET26, "")], ["KS002", "KS305"]),  # localhost is the pod's own
    ("b26 kcm monitor loses the release label", B26, [(KCM, KCMLABEL26, "    component: kube-controller-manager\n")],
     ["KS100", "KS208"]),  # KS208's list of jobs changes (info)
    ("b26 Prometheus role without endpoints", B26, [(PP, PDISC26, "  resources: [services, pods]\n")], ["KS101"]),
    ("b26 Prometheus role without pods", B26, [(PP, PDISC26, "  resources: [services, endpoints]\n")], ["KS101"]),
    ("b26 Prometheus RoleBinding in its namespace", B26,
     [(PP, PCRB26, "kind: RoleBinding\nmetadata:\n  name: rancher-monitoring-prometheus\n  namespace: cattle-monitoring-system\n")], []),
    ("b26 kcm monitor looks in kube-system", B26, [(KCM, KCMNS26, "    matchNames: [kube-system]\n")],
     ["KS203", "KS208"]),  # no pushprox client Service there: the kcm client's /metrics is unused; KS208's list changes
    ("b26 kcm client role grants nodes/proxy too", B26,
     [(KCM, URL26, URL26 + '- apiGroups: [""]\n  resources: ["nodes/proxy"]\n  verbs: ["get"]\n')], ["KS201", "KS203"]),
    ("b26 kcm client role every verb", B26, [(KCM, URL26, URL26.replace('["get"]', '["*"]'))],
     ["KS202"]),  # on a URL: KS202 names post/put/delete; KS207 is for writes on resources
    ("b26 kcm monitor sends Prometheus's token to the proxy", B26, [(KCM, KCMPROXY26, KCMPROXY26 + f"    bearerTokenFile: {TOKEN}\n")],
     ["KS303"]),
    ("b26 kcm client privileged", B26, [(KCM, "          allowPrivilegeEscalation: false\n", "          privileged: true\n")], ["KS403"]),
    ("b26 kcm proxy in the host network", B26, [(KCM, PROXYSA26, PROXYSA26 + HOSTNET26)], ["KS401"]),  # info: no grants
    ("b26 kcm client subject name typo", B26, [(KCM, CSUBJ26, CSUBJ26.replace("manager-client", "manger-client"))],
     ["KS108"]),  # meant for the client (the role has its name): KS108 replaces KS104
]
