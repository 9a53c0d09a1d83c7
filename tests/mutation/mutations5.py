"""Fifth-round single-fault mutations: extension (aggregated) API servers and the Operator credential rules.

Baselines (each lints with no error or warning):
- b12-adapter: kube-prometheus-style Prometheus (Operator, EndpointSlice discovery) scraping prometheus-adapter by a
  ServiceMonitor; the adapter's APIService, Service (443 → 6443) and Deployment; prometheus-k8s' ClusterRole grants
  only `get /metrics`, used by that one job.
- b13-ms-static: a plain Prometheus scraping metrics-server through the static target
  `metrics-server.kube-system.svc:443` (the APIService's Service; targetPort `https` → 10250) with the SA token.
- b14-op-scrapecfg: an Operator Prometheus with two ScrapeConfigs sending a service-account-token Secret (metrics-server
  by its Service DNS name, prometheus-adapter by pod discovery with no APIService, recognised by image) and a
  blackbox Probe.

Each is (name, baseline, edits, expected rule ids). The ids are every rule whose findings the mutation adds to the
baseline's (KS604 aside), decided from SPEC §3/§4 and FACTS before running the tool (test_rounds.py).
What the server demands (FACTS §7, extapi.py): k8s.io/apiserver's delegating authorizer reviews every path but
`--authorization-always-allow-paths` (default /healthz, /readyz, /livez; pkg/server/options/authorization.go), a
`*` suffix matching by prefix (pkg/authorization/path/path.go); a pflag StringSlice's second occurrence appends.

Judged after running. The tool was wrong once, and is fixed (promvalidate._monitor_auth_conflict):
- "b12 add basicAuth/authorization beside the token": nothing was reported. A ServiceMonitor endpoint's
  bearerTokenFile is outside the HTTP config the operator validates (pkg/apis/monitoring/v1/http_config.go
  HTTPConfigWithoutTLS.Validate names authorization, basicAuth, bearerTokenSecret, oauth2 only), so the operator
  writes `bearer_token_file` beside the other credential (pkg/prometheus/promcfg.go) and Prometheus refuses the
  configuration (prometheus/common config/http_config.go HTTPClientConfig.Validate): KS601. The monitor is not
  rejected, so no grant becomes unused (the first guess also had KS203).
The first guess was wrong, not the tool, for the rest (kept as the tool has them):
- A grant that matches no request is unused: `/metrics/*` adds KS203 beside KS104/KS505. A prefix pattern such as
  `/metrics*` is not a KS202 wildcard (the rule's doc). `verbs: [list]` on a URL rule is dead, reported by neither
  KS504 (a habit, not a typo, by its doc) nor KS203 (grants_nothing leaves it to KS504): only KS104.
- A ClusterRole bound by a RoleBinding adds KS203 ("the rule gives it nothing") beside KS105, whose fix it repeats;
  discovery in a namespace where only another namespace's RoleBinding grants it is KS105, not KS101.
- A monitor the operator rejects (KS603) keeps its needs: KS203 does not tell to delete what the fix needs again.
- A target the inputs cannot place (a port no container declares — a process may listen on it anyway —, a short
  or unknown Service name, a Service port the Service lacks, a Service whose pods are not in the inputs) is an
  unseen workload: the `get /metrics` grant may be what lets it in, so KS203 stays silent.
- Binding `view` cluster-wide for a namespaced job adds KS208 (info) beside the per-binding KS203.
- "b12 adapter's own bindings dropped" first added KS405 (set automountServiceAccountToken: false): wrong, fixed
  (checks/workload.py via extapi.reads_pod_token). An extension API server calls the API server with the pod's
  token — its delegating authenticator/authorizer use the in-cluster config unless given kubeconfigs
  (k8s.io/apiserver pkg/server/options/authentication.go getClient: "Most addon API servers will use this path").
- A Probe's credentials go over plain HTTP to the prober by default: KS303 beside KS601.
- A token Secret of a ServiceAccount the inputs lack (grafana) gives KS104 as that account and KS203 for the
  runner's now unused grant, but no KS109: KS109 looks at the runner's identity only (reported, not changed).
"""

A, P, M, S = "adapter.yaml", "prometheus.yaml", "metrics-server.yaml", "scrape.yaml"
B12, B13, B14 = "b12-adapter", "b13-ms-static", "b14-op-scrapecfg"

URL_RULE = '  - nonResourceURLs: ["/metrics"]\n    verbs: ["get"]\n'
# b12
SM_TOKEN = "      bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n"
SM_PORT = "    - port: https\n      interval: 30s\n"
APISVC_NAME12 = "  service:\n    name: prometheus-adapter\n    namespace: monitoring\n"
IMAGE12 = "image: registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0"
TYPO12 = "image: registry.k8s.io/prometheus-adaptor/prometheus-adaptor:v0.12.0"
ARGS12 = "            - --secure-port=6443\n"
SVC_PORT12 = "    - name: https\n      port: 443\n      targetPort: 6443\n"
CRB12 = "kind: ClusterRoleBinding\nmetadata:\n  name: prometheus-k8s\n"
CRB12_SUBJ = ("  name: prometheus-k8s\nsubjects:\n  - kind: ServiceAccount\n    name: prometheus-k8s\n    namespace: monitoring\n"
              "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n")
PROM12 = "  serviceDiscoveryRole: EndpointSlice\n"
ADAPTER_RBAC12 = ("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n"
                  "  name: prometheus-adapter:system:auth-delegator\n")  # its two bindings, the last objects of adapter.yaml
# b13
TOKEN13 = "        authorization:\n          credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n"
TARGET13 = '["metrics-server.kube-system.svc:443"]'
TLS13 = "          ca_file: /etc/prometheus/metrics-server-ca/ca.crt\n"
IMAGE13 = "image: registry.k8s.io/metrics-server/metrics-server:v0.7.2"
ARGS13 = "            - --cert-dir=/tmp\n"
APISVC13 = "  service:\n    name: metrics-server\n    namespace: kube-system\n"
CRB13 = "kind: ClusterRoleBinding\nmetadata:\n  name: prometheus\n"
# b14
MS_AUTH14 = "  authorization:\n    type: Bearer\n    credentials:\n      name: prometheus-token\n      key: token\n"
AD_NS14 = "      namespaces:\n        names: [custom-metrics]\n"
IMAGE14 = "image: registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0"
ARGS14 = "            - --secure-port=6443\n"
SECRET14 = "    kubernetes.io/service-account.name: prometheus\ntype: kubernetes.io/service-account-token\n"
PROBE14 = "  module: http_2xx\n"
CRB14 = "kind: ClusterRoleBinding\nmetadata:\n  name: prometheus-main\n"


def allow(args: str, value: str) -> tuple:
    """An --authorization-always-allow-paths argument added after `args` (b12's/b14's adapter, b13's server)."""
    file = M if args == ARGS13 else A
    return (file, args, args + args[: args.index("-")] + f"- {value}\n")


def adapter_rbac_dropped() -> tuple:
    """b12's adapter.yaml without the adapter's own bindings (from ADAPTER_RBAC12 to the end of the file)."""
    from pathlib import Path
    text = (Path(__file__).parent / "baselines" / B12 / A).read_text()
    return (A, None, text[: text.index(ADAPTER_RBAC12)])


MUTATIONS = [
    # ---- b12: ServiceMonitor of prometheus-adapter (APIService + known image)
    ("b12 drop the /metrics grant", B12, [(P, URL_RULE, "")], ["KS104"]),
    ("b12 grant /metrics/* instead", B12, [(P, '["/metrics"]', '["/metrics/*"]')], ["KS104", "KS505"]),  # round 17: no KS203 — KS505's fix rewrites /metrics/* to /metrics in place; deleting the entry (KS203's fix) contradicted it
    ("b12 grant /metrics* (prefix covers it)", B12, [(P, '["/metrics"]', '["/metrics*"]')], []),
    ("b12 grant /metrics/ instead", B12, [(P, '["/metrics"]', '["/metrics/"]')], ["KS104", "KS203"]),
    ("b12 grant * URLs", B12, [(P, '["/metrics"]', '["*"]')], ["KS202"]),
    ("b12 grant verb list on /metrics", B12, [(P, '    verbs: ["get"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding',
                                               '    verbs: ["list"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding')],
     # KS504 too: a URL is requested with an HTTP method's name, never `list` (probe-loose4's rule for URL rules)
     ["KS104", "KS504"]),
    ("b12 grant also /metrics/slis", B12, [(P, '["/metrics"]', '["/metrics", "/metrics/slis"]')], ["KS203"]),
    ("b12 URL role bound by RoleBinding", B12, [(P, CRB12, "kind: RoleBinding\nmetadata:\n  name: prometheus-k8s-urls\n  namespace: monitoring\n")], ["KS105", "KS203"]),
    ("b12 URL binding subject ns default", B12, [(P, CRB12_SUBJ, CRB12_SUBJ.replace("namespace: monitoring", "namespace: default", 1))], ["KS108"]),
    ("b12 URL binding subject Group named like the SA", B12,
     [(P, CRB12_SUBJ, CRB12_SUBJ.replace("  - kind: ServiceAccount\n    name: prometheus-k8s\n    namespace: monitoring\n",
                                         "  - kind: Group\n    name: prometheus-k8s\n    apiGroup: rbac.authorization.k8s.io\n"))], ["KS108"]),
    ("b12 URL binding subject Group system:serviceaccounts:monitoring", B12,
     [(P, CRB12_SUBJ, CRB12_SUBJ.replace("  - kind: ServiceAccount\n    name: prometheus-k8s\n    namespace: monitoring\n",
                                         "  - kind: Group\n    name: system:serviceaccounts:monitoring\n    apiGroup: rbac.authorization.k8s.io\n"))], []),
    ("b12 bind built-in system:monitoring instead", B12, [(P, "  kind: ClusterRole\n  name: prometheus-k8s\nsubjects",
                                                           "  kind: ClusterRole\n  name: system:monitoring\nsubjects")], ["KS203"]),
    ("b12 also bind built-in view", B12, [(P, CRB12_SUBJ, CRB12_SUBJ.replace(
        "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n",
        "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: prometheus-k8s-view\nroleRef:\n"
        "  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n  - kind: ServiceAccount\n"
        "    name: prometheus-k8s\n    namespace: monitoring\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n"))], ["KS203", "KS208"]),
    ("b12 drop bearerTokenFile", B12, [(A, SM_TOKEN, "")], ["KS106"]),
    ("b12 scheme http", B12, [(A, "      scheme: https\n", "      scheme: http\n")], ["KS303"]),
    ("b12 add basicAuth beside the token", B12, [(A, SM_TOKEN, SM_TOKEN + "      basicAuth:\n        username:\n          name: adapter-auth\n"
                                                    "          key: user\n        password:\n          name: adapter-auth\n          key: password\n")], ["KS601"]),
    ("b12 add authorization beside the token", B12, [(A, SM_TOKEN, SM_TOKEN + "      authorization:\n        credentials:\n"
                                                         "          name: adapter-token\n          key: token\n")], ["KS601"]),
    ("b12 deny arbitrary FS access", B12, [(P, PROM12, PROM12 + "  arbitraryFSAccessThroughSMs:\n    deny: true\n")], ["KS603"]),
    ("b12 rename the APIService's service (image still known)", B12, [(A, APISVC_NAME12, APISVC_NAME12.replace("name: prometheus-adapter", "name: prometheus-adapter-api"))], []),
    ("b12 typo the image (APIService still names it)", B12, [(A, IMAGE12, TYPO12)], []),
    ("b12 typo the image and rename the APIService's service", B12,
     [(A, IMAGE12, TYPO12), (A, APISVC_NAME12, APISVC_NAME12.replace("name: prometheus-adapter", "name: prometheus-adapter-api"))], ["KS203"]),
    ("b12 typo the image, APIService in another namespace", B12,
     [(A, IMAGE12, TYPO12), (A, APISVC_NAME12, APISVC_NAME12.replace("namespace: monitoring", "namespace: kube-system"))], ["KS203"]),
    ("b12 typo the image, APIService port 8443 (Service has 443)", B12,
     [(A, IMAGE12, TYPO12), (A, APISVC_NAME12, APISVC_NAME12 + "    port: 8443\n")], ["KS203"]),
    ("b12 typo the image, APIService port 443 explicit", B12,
     [(A, IMAGE12, TYPO12), (A, APISVC_NAME12, APISVC_NAME12 + "    port: 443\n")], []),
    ("b12 typo the image, Service port 8443 (APIService defaults 443)", B12,
     [(A, IMAGE12, TYPO12), (A, SVC_PORT12, SVC_PORT12.replace("port: 443", "port: 8443"))], ["KS203"]),
    ("b12 typo the image, targetPort by name", B12, [(A, IMAGE12, TYPO12), (A, SVC_PORT12, SVC_PORT12.replace("targetPort: 6443", "targetPort: https"))], []),
    ("b12 targetPort 8443 nothing listens", B12, [(A, SVC_PORT12, SVC_PORT12.replace("targetPort: 6443", "targetPort: 8443"))], []),
    ("b12 secure port moved to 8443 everywhere", B12,
     [(A, SVC_PORT12, SVC_PORT12.replace("targetPort: 6443", "targetPort: 8443")), (A, ARGS12, "            - --secure-port=8443\n"),
      (A, "              containerPort: 6443\n", "              containerPort: 8443\n")], []),
    ("b12 always-allow /metrics", B12, [allow(ARGS12, "--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics")], ["KS203"]),
    ("b12 always-allow /metrics/*", B12, [allow(ARGS12, "--authorization-always-allow-paths=/healthz,/metrics/*")], []),
    ("b12 always-allow /metrics*", B12, [allow(ARGS12, "--authorization-always-allow-paths=/metrics*")], ["KS203"]),
    ("b12 always-allow metrics without slash", B12, [allow(ARGS12, "--authorization-always-allow-paths=metrics")], ["KS203"]),
    ("b12 always-allow /healthz only", B12, [allow(ARGS12, "--authorization-always-allow-paths=/healthz")], []),
    ("b12 always-allow twice, second /metrics", B12, [allow(ARGS12, "--authorization-always-allow-paths=/healthz"),
                                                      allow(ARGS12, "--authorization-always-allow-paths=/metrics")], ["KS203"]),
    ("b12 always-allow as separate argument", B12, [(A, ARGS12, ARGS12 + "            - --authorization-always-allow-paths\n            - /metrics\n")], ["KS203"]),
    ("b12 monitor path /healthz", B12, [(A, SM_PORT, SM_PORT + "      path: /healthz\n")], ["KS203"]),
    # KS104 alone since fixconflicts: the path one edit from /metrics is the fix; the KS203 that told to delete the
    # granted /metrics beside KS104's "grant /metrics/" left, applied together, nothing scraped
    ("b12 monitor path /metrics/", B12, [(A, SM_PORT, SM_PORT + "      path: /metrics/\n")], ["KS104"]),
    ("b12 adapter moved to custom-metrics", B12,
     [(A, "  name: prometheus-adapter\n  namespace: monitoring\n  labels:\n", "  name: prometheus-adapter\n  namespace: custom-metrics\n  labels:\n"),
      (A, "  name: prometheus-adapter\n  namespace: monitoring\nspec:\n  replicas", "  name: prometheus-adapter\n  namespace: custom-metrics\nspec:\n  replicas")], []),
    ("b12 adapter moved, monitor follows it", B12,
     [(A, "  name: prometheus-adapter\n  namespace: monitoring\n  labels:\n", "  name: prometheus-adapter\n  namespace: custom-metrics\n  labels:\n"),
      (A, "  name: prometheus-adapter\n  namespace: monitoring\nspec:\n  replicas", "  name: prometheus-adapter\n  namespace: custom-metrics\nspec:\n  replicas"),
      (A, "spec:\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: prometheus-adapter\n  endpoints:",
       "spec:\n  namespaceSelector:\n    matchNames: [custom-metrics]\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: prometheus-adapter\n  endpoints:")],
     ["KS105", "KS203"]),
    ("b12 adapter's own bindings dropped (it still uses its token)", B12, [adapter_rbac_dropped()], []),
    ("b12 adapter's bindings dropped, no longer recognised", B12,
     [adapter_rbac_dropped(), (A, IMAGE12, TYPO12),
      (A, APISVC_NAME12, APISVC_NAME12.replace("name: prometheus-adapter", "name: prometheus-adapter-api"))], ["KS203", "KS405"]),
    # ---- b13: plain Prometheus, static Service DNS target of metrics-server
    ("b13 drop the /metrics grant", B13, [(P, URL_RULE, "")], ["KS104"]),
    ("b13 grant /metrics/* instead", B13, [(P, '["/metrics"]', '["/metrics/*"]')], ["KS104", "KS505"]),  # round 17: no KS203 — KS505's fix rewrites /metrics/* to /metrics in place; deleting the entry (KS203's fix) contradicted it
    ("b13 drop the token", B13, [(P, TOKEN13, "")], ["KS106"]),
    ("b13 bearer_token_file instead", B13, [(P, TOKEN13, "        bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n")], []),
    ("b13 authorization and basic_auth", B13, [(P, TOKEN13, TOKEN13 + "        basic_auth:\n          username: prometheus\n          password_file: /etc/prometheus/pw\n")], ["KS601"]),
    ("b13 insecure_skip_verify", B13, [(P, TLS13, "          insecure_skip_verify: true\n")], ["KS301"]),
    ("b13 scheme http", B13, [(P, "        scheme: https\n", "        scheme: http\n")], ["KS303"]),
    ("b13 target name.namespace", B13, [(P, TARGET13, '["metrics-server.kube-system:443"]')], []),
    ("b13 target FQDN", B13, [(P, TARGET13, '["metrics-server.kube-system.svc.cluster.local:443"]')], []),
    ("b13 target FQDN trailing dot", B13, [(P, TARGET13, '["metrics-server.kube-system.svc.cluster.local.:443"]')], []),
    ("b13 target short name (monitoring/metrics-server)", B13, [(P, TARGET13, '["metrics-server:443"]')], []),
    ("b13 target port the Service lacks", B13, [(P, TARGET13, '["metrics-server.kube-system.svc:8443"]')], []),
    ("b13 target without port (https → 443)", B13, [(P, TARGET13, '["metrics-server.kube-system.svc"]')], []),
    ("b13 typo the image (APIService still names it)", B13, [(M, IMAGE13, IMAGE13.replace("metrics-server:v", "metric-server:v").replace("/metrics-server/", "/metric-server/"))], []),
    ("b13 rename the APIService's service (image known)", B13, [(M, APISVC13, APISVC13.replace("name: metrics-server", "name: metrics-server-api"))], []),
    ("b13 typo the image and rename the APIService's service", B13,
     [(M, IMAGE13, IMAGE13.replace("metrics-server:v", "metric-server:v").replace("/metrics-server/", "/metric-server/")),
      (M, APISVC13, APISVC13.replace("name: metrics-server", "name: metrics-server-api"))], []),
    ("b13 container port renamed (targetPort https resolves nothing)", B13, [(M, "            - name: https\n              containerPort: 10250\n",
                                                                           "            - name: secure\n              containerPort: 10250\n")], []),
    ("b13 targetPort numeric 10250", B13, [(M, "      targetPort: https\n", "      targetPort: 10250\n")], []),
    ("b13 always-allow /metrics", B13, [allow(ARGS13, "--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics")], ["KS203"]),
    ("b13 always-allow /livez only", B13, [allow(ARGS13, "--authorization-always-allow-paths=/livez")], []),
    ("b13 URL role bound by RoleBinding in kube-system", B13, [(P, CRB13, "kind: RoleBinding\nmetadata:\n  name: prometheus\n  namespace: kube-system\n")], ["KS105", "KS203"]),
    ("b13 token not mounted", B13, [(P, "      serviceAccountName: prometheus\n", "      serviceAccountName: prometheus\n      automountServiceAccountToken: false\n")], ["KS107"]),
    ("b13 Service moved to another namespace", B13, [(M, "  name: metrics-server\n  namespace: kube-system\n  labels:\n    k8s-app: metrics-server\nspec:\n  selector:",
                                                      "  name: metrics-server\n  namespace: monitoring\n  labels:\n    k8s-app: metrics-server\nspec:\n  selector:")], []),
    # ---- b14: Operator ScrapeConfigs with a service-account-token Secret, and a Probe
    ("b14 metrics-server ScrapeConfig without credentials", B14, [(S, MS_AUTH14, "")], ["KS106"]),
    ("b14 metrics-server ScrapeConfig authorization + basicAuth", B14,
     [(S, MS_AUTH14, MS_AUTH14 + "  basicAuth:\n    username:\n      name: ms-auth\n      key: user\n    password:\n      name: ms-auth\n      key: password\n")], ["KS601"]),
    ("b14 metrics-server ScrapeConfig authorization + oauth2", B14,
     [(S, MS_AUTH14, MS_AUTH14 + "  oauth2:\n    clientId:\n      secret:\n        name: ms-oauth\n        key: id\n    clientSecret:\n"
                                 "      name: ms-oauth\n      key: secret\n    tokenUrl: https://sso.example.com/token\n")], ["KS601"]),
    ("b14 metrics-server ScrapeConfig scheme HTTP", B14, [(S, "spec:\n  scheme: HTTPS\n  authorization:\n    type: Bearer", "spec:\n  scheme: HTTP\n  authorization:\n    type: Bearer")], ["KS303"]),
    ("b14 Probe with authorization + basicAuth", B14, [(S, PROBE14, PROBE14 + "  authorization:\n    credentials:\n      name: probe-token\n      key: token\n"
                                                        "  basicAuth:\n    username:\n      name: probe-auth\n      key: user\n    password:\n      name: probe-auth\n      key: password\n")], ["KS303", "KS601"]),
    ("b14 Probe with basicAuth over http", B14, [(S, PROBE14, PROBE14 + "  basicAuth:\n    username:\n      name: probe-auth\n      key: user\n"
                                                  "    password:\n      name: probe-auth\n      key: password\n")], ["KS303"]),
    # (KS109: the Secret's ServiceAccount grafana is not in the inputs, and the token controller deletes a token
    # Secret whose account does not exist)
    ("b14 token Secret of another ServiceAccount", B14, [(P, SECRET14, SECRET14.replace("name: prometheus\n", "name: grafana\n"))], ["KS104", "KS109", "KS203"]),
    ("b14 token Secret Opaque", B14, [(P, SECRET14, SECRET14.replace("kubernetes.io/service-account-token", "Opaque"))], []),
    ("b14 drop the /metrics grant", B14, [(P, URL_RULE, "")], ["KS104"]),
    ("b14 URL role bound by RoleBinding", B14, [(P, CRB14, "kind: RoleBinding\nmetadata:\n  name: prometheus-main\n  namespace: monitoring\n")], ["KS105", "KS203"]),
    ("b14 drop the pods Role", B14, [(P, '    resources: ["pods"]\n', '    resources: ["services"]\n')], ["KS101", "KS203"]),
    ("b14 adapter ScrapeConfig in monitoring", B14, [(S, AD_NS14, AD_NS14.replace("custom-metrics", "monitoring"))], ["KS105", "KS203"]),
    ("b14 adapter image typo (no APIService)", B14, [(A, IMAGE14, IMAGE14.replace("adapter:v", "adaptor:v"))], []),
    ("b14 adapter always-allow /metrics", B14, [allow(ARGS14, "--authorization-always-allow-paths=/metrics")], []),
    ("b14 both servers always-allow /metrics", B14, [allow(ARGS14, "--authorization-always-allow-paths=/metrics"),
                                                     (M, ARGS13, ARGS13 + "            - --authorization-always-allow-paths=/metrics\n")], ["KS203"]),
    ("b14 deny arbitrary FS access (ScrapeConfigs name no file)", B14, [(P, "  serviceAccountName: prometheus\n  scrapeConfigSelector",
                                                                          "  serviceAccountName: prometheus\n  arbitraryFSAccessThroughSMs:\n    deny: true\n  scrapeConfigSelector")], []),
]
