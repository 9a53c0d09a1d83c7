"""Nineteenth-round single-fault mutations: a plain Prometheus StatefulSet whose config is split over two ConfigMaps.

Baseline b40-statefulset-split-config, as a team writes it without the operator:
- prometheus-config.yaml: ConfigMap prometheus-config (prometheus.yml with `scrape_config_files:
  [/etc/prometheus/jobs/*.yml]`) and ConfigMap prometheus-jobs (kubelet.yml: /metrics/cadvisor and /metrics/probes
  on role node against a mounted kubelet CA; control-plane.yml: the API server on endpointslice in default and
  CoreDNS on endpointslice in kube-system; node-exporter.yml: node-exporter's https port through kube-rbac-proxy;
  pods.yml: pods by the prometheus.io annotations in shop and payments with `attach_metadata.node`).
- prometheus.yaml: the StatefulSet monitoring/prometheus (SA prometheus) mounting the two ConfigMaps at
  /etc/prometheus and /etc/prometheus/jobs.
- rbac-cluster.yaml: ClusterRole prometheus (nodes list/watch, nodes/metrics get, URL /metrics) + binding; a
  ClusterRole for EndpointSlice discovery bound by RoleBindings in default, kube-system and monitoring.
- rbac-apps.yaml: a Role + RoleBinding for pods list/watch in shop and in payments.
- node-exporter.yaml: node-exporter on loopback behind kube-rbac-proxy whose --config-file sets resourceAttributes
  (get services/proxy named node-exporter in monitoring), its review ClusterRole, and the Role granting Prometheus
  that resource request.
- otel.yaml: an OpenTelemetry collector DaemonSet (kubeletstats, auth_type serviceAccount) and its nodes/stats
  ClusterRole.
It lints with no error or warning (KS401 info: node-exporter's hostNetwork).

First run: 29 of 47 first guesses matched. Of the 18 others: 5 tool defects fixed (4 × KS100 for jobs a split
config's scrape_config_files leave out; KS401's severity from an RBAC entry that grants nothing), 2 GAPs, 1 found
and left (KS203 beside KS100 for a misspelt ConfigMap volume), 10 guesses corrected.

Each expectation was written before running (SPEC §3-§5, FACTS, the round-18 lessons on KS105/KS203). Where the
first guess was wrong the reason is beside the mutation: "tool fixed" or "guess corrected". "GAP" marks a broken
setup no rule reports.
"""

from __future__ import annotations

B = "b40-statefulset-split-config"
PC = "prometheus-config.yaml"
P = "prometheus.yaml"
RC = "rbac-cluster.yaml"
RA = "rbac-apps.yaml"
NE = "node-exporter.yaml"
O = "otel.yaml"

GLOB = "      - /etc/prometheus/jobs/*.yml\n"
CADVISOR_AUTH = "        authorization:\n          credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n"
NODES = "  - apiGroups: [\"\"]\n    resources: [nodes]\n    verbs: [list, watch]\n"
NODE_METRICS = "    resources: [nodes/metrics]\n"
URL = "  - nonResourceURLs: [/metrics]\n    verbs: [get]\n"
PROM_SUBJ = "subjects:\n  - kind: ServiceAccount\n    name: prometheus\n    namespace: monitoring\n"
SLICES = "  - apiGroups: [discovery.k8s.io]\n    resources: [endpointslices]\n    verbs: [list, watch]\n"
KS_RB = """---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: prometheus-endpointslices
  namespace: kube-system
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: prometheus-endpointslices
subjects:
  - kind: ServiceAccount
    name: prometheus
    namespace: monitoring
"""
PAYMENTS_RB = """---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: prometheus-pods
  namespace: payments
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: prometheus-pods
subjects:
  - kind: ServiceAccount
    name: prometheus
    namespace: monitoring
"""
SHOP_PODS = "  namespace: shop\nrules:\n  - apiGroups: [\"\"]\n    resources: [pods]\n    verbs: [list, watch]\n"
NE_ROLE_RB = """---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: prometheus-node-exporter
  namespace: monitoring
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: prometheus-node-exporter
subjects:
  - kind: ServiceAccount
    name: prometheus
    namespace: monitoring
"""
NE_REVIEW_CRB = """---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: node-exporter-kube-rbac-proxy
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: node-exporter-kube-rbac-proxy
subjects:
  - kind: ServiceAccount
    name: node-exporter
    namespace: monitoring
"""
NE_TLS = "        tls_config:\n          ca_file: /etc/prometheus/node-exporter-ca/ca.crt\n          server_name: node-exporter.monitoring.svc\n"
OTEL_SUBJ = "- kind: ServiceAccount\n  name: otel-node\n  namespace: observability\n"
OTEL_ENDPOINT = "        endpoint: https://${env:K8S_NODE_IP}:10250\n"


MUTATIONS = [
    # ---- the split config: scrape_config_files, the second ConfigMap and its mount
    # first guess KS100; the tool said nothing (the pod was taken as the loader of every key it mounts). Tool fixed:
    # analyse._refine_image/"unincluded" (fixture KS100/fail-second-configmap-outside-scrape-config-files)
    ("glob-directory-typo", B, [(PC, GLOB, GLOB.replace("/jobs/", "/job/"))], ["KS100"]),
    # first guess KS100; the tool said nothing (the pod was taken as the loader of every key it mounts). Tool fixed:
    # analyse._refine_image/"unincluded" (fixture KS100/fail-second-configmap-outside-scrape-config-files)
    ("glob-extension-yaml", B, [(PC, GLOB, GLOB.replace("*.yml", "*.yaml"))], ["KS100"]),
    # first guess KS100; the tool said nothing (the pod was taken as the loader of every key it mounts). Tool fixed:
    # analyse._refine_image/"unincluded" (fixture KS100/fail-second-configmap-outside-scrape-config-files)
    ("scrape-config-files-removed", B, [(PC, "    scrape_config_files:\n" + GLOB, "")], ["KS100"]),
    # first guess KS100; the tool said nothing (the pod was taken as the loader of every key it mounts). Tool fixed:
    # analyse._refine_image/"unincluded" (fixture KS100/fail-second-configmap-outside-scrape-config-files)
    ("jobs-mount-path-typo", B, [(P, "              mountPath: /etc/prometheus/jobs\n", "              mountPath: /etc/prometheus/job\n")], ["KS100"]),
    # first guess KS100; KS203 beside it is found but LEFT: KS100 cannot name a loader (the pod names ConfigMap
    # prometheus-job, absent from the inputs), so nothing keeps the grants that its fix (the right name) needs
    ("jobs-volume-configmap-typo", B, [(P, "            name: prometheus-jobs\n", "            name: prometheus-job\n")], ["KS100", "KS203"]),
    # ---- the kubelet jobs
    ("cadvisor-no-authorization", B, [(PC, CADVISOR_AUTH, "")], ["KS106"]),
    ("cadvisor-scheme-http", B, [(PC, "        scheme: https\n        metrics_path: /metrics/cadvisor\n", "        scheme: http\n        metrics_path: /metrics/cadvisor\n")], ["KS303"]),
    # first guess KS310; guess corrected: KS310 leaves /stats to KS102, whose message says both (it lacks nodes/stats
    # and /stats/summary is JSON) and whose fix moves the path (rules/KS310)
    ("cadvisor-path-stats", B, [(PC, "        metrics_path: /metrics/cadvisor\n", "        metrics_path: /stats/summary\n")], ["KS102"]),
    ("node-metrics-removed", B, [(RC, "  - apiGroups: [\"\"]\n" + NODE_METRICS + "    verbs: [get]\n", "")], ["KS102"]),
    ("node-metrics-to-stats", B, [(RC, NODE_METRICS, NODE_METRICS.replace("nodes/metrics", "nodes/stats"))], ["KS102", "KS203"]),
    ("node-metrics-to-proxy", B, [(RC, NODE_METRICS, NODE_METRICS.replace("nodes/metrics", "nodes/proxy"))], ["KS102", "KS201", "KS203"]),
    ("node-metrics-typo", B, [(RC, NODE_METRICS, NODE_METRICS.replace("nodes/metrics", "node/metrics"))], ["KS102", "KS503"]),
    ("nodes-list-removed", B, [(RC, NODES, "")], ["KS101"]),
    # ---- the API server job and its URL grant
    ("metrics-url-removed", B, [(RC, URL, "")], ["KS104"]),
    # first guess KS104 + KS203; guess corrected: KS505 repairs the entry in place, and KS203 spares it
    # (checks/privilege._urls_below_denied)
    ("metrics-url-star", B, [(RC, URL, URL.replace("[/metrics]", "[/metrics/*]"))], ["KS104", "KS505"]),
    # first guess KS203 (get /metrics no longer used); GAP: a keep that drops the API server's only port is not
    # seen as keeping nothing (the kubernetes Service's ports are not in the inputs), so the URL grant is spared
    ("apiserver-keep-port-http", B, [(PC, "            regex: default;kubernetes;https\n", "            regex: default;kubernetes;http\n")], []),
    ("apiserver-namespace-kube-system", B, [(PC, "              names: [default]\n", "              names: [kube-system]\n")], ["KS203"]),
    ("apiserver-no-authorization", B, [(PC, "          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n        authorization:\n          credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n", "          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n")], ["KS106"]),
    # ---- EndpointSlice discovery bound per namespace
    ("crb-subject-namespace", B, [(RC, PROM_SUBJ, PROM_SUBJ.replace("namespace: monitoring", "namespace: default"))], ["KS108"]),
    ("crb-roleref-typo", B, [(RC, "  kind: ClusterRole\n  name: prometheus\nsubjects:", "  kind: ClusterRole\n  name: prometheu\nsubjects:")], ["KS101", "KS102", "KS104", "KS502"]),
    ("kube-system-rolebinding-removed", B, [(RC, KS_RB, "")], ["KS105"]),
    ("slices-rule-removed", B, [(RC, SLICES, "")], ["KS101"]),
    ("slices-core-group", B, [(RC, SLICES, SLICES.replace("[discovery.k8s.io]", "[\"\"]"))], ["KS101", "KS503"]),
    ("coredns-namespace-typo", B, [(PC, "              names: [kube-system]\n", "              names: [kube-sytem]\n")], ["KS105", "KS203"]),
    # ---- the annotated-pods job and its Roles
    ("shop-role-resource-typo", B, [(RA, SHOP_PODS, SHOP_PODS.replace("[pods]", "[pod]"))], ["KS105", "KS503"]),
    # first guess KS105; guess corrected: the `get pods` the edit adds is used by nothing (KS203, right)
    ("shop-role-no-watch", B, [(RA, SHOP_PODS, SHOP_PODS.replace("[list, watch]", "[get, list]"))], ["KS105", "KS203"]),
    ("payments-rolebinding-removed", B, [(RA, PAYMENTS_RB, "")], ["KS105"]),
    ("shop-rolebinding-roleref-clusterrole", B, [(RA, "  kind: Role\n  name: prometheus-pods\n", "  kind: ClusterRole\n  name: prometheus-pods\n")], ["KS105", "KS502"]),
    ("pods-namespace-typo", B, [(PC, "              names: [shop, payments]\n", "              names: [shops, payments]\n")], ["KS105", "KS203"]),
    ("attach-metadata-removed", B, [(PC, "            attach_metadata:\n              node: true\n", "")], ["KS605"]),
    # first guess KS601; guess corrected: without attach_metadata.node the zone relabel reads a label role pod never
    # sets (KS605). Arguable: Prometheus refuses the file (KS601) and KS601's fix clears KS605 too
    ("attach-metadata-key-typo", B, [(PC, "              node: true\n", "              nodes: true\n")], ["KS601", "KS605"]),
    # ---- node-exporter behind kube-rbac-proxy --config-file
    # first guess KS104 + KS203; guess corrected: the Role's rule would serve the review but for its resourceNames, which
    # KS104's fix changes, so it is not called unused (checks/privilege._name_restricted_requests)
    ("proxy-attributes-name-typo", B, [(NE, "        name: node-exporter\n", "        name: node-exporters\n")], ["KS104"]),
    # first guess KS104 + KS203; guess corrected: the Role's rule would serve the review but for its resourceNames, which
    # KS104's fix changes, so it is not called unused (checks/privilege._name_restricted_requests)
    ("ne-role-resource-names-typo", B, [(NE, "    resourceNames: [node-exporter]\n", "    resourceNames: [node_exporter]\n")], ["KS104"]),
    ("ne-rolebinding-removed", B, [(NE, NE_ROLE_RB, "")], ["KS104"]),
    # first guess KS112; guess corrected: KS401 (info, as before) now says the account "holds no grants", a changed
    # message (the harness keys findings by message)
    ("proxy-review-binding-removed", B, [(NE, NE_REVIEW_CRB, "")], ["KS112", "KS401"]),
    # KS401 turned from info into a warning ("holds grants") for an entry that grants nothing. Tool fixed:
    # grants.holds_real_grants skips rbac_objects.grants_nothing entries (fixture KS401/fail-exporter-review-role-misspelt-is-info)
    ("proxy-tokenreviews-typo", B, [(NE, "    resources: [tokenreviews]\n", "    resources: [tokenreview]\n")], ["KS112", "KS503"]),
    # first guess []; was a GAP: the --config-file names a file the mounted ConfigMap lacks, so kube-rbac-proxy exits at
    # start and every node-exporter scrape fails, and KS203 called the services/proxy Role unused. Tool fixed: KS112 says
    # so with a fix naming config.yaml, and KS203 keeps what that key reviews (the fix's successor)
    ("proxy-config-file-path-typo", B, [(NE, "            - --config-file=/etc/kube-rbac-proxy/config.yaml\n", "            - --config-file=/etc/kube-rbac-proxy/config.yml\n")], ["KS112"]),
    ("ne-scheme-http", B, [(PC, "        scheme: https\n        tls_config:\n          ca_file: /etc/prometheus/node-exporter-ca/", "        scheme: http\n        tls_config:\n          ca_file: /etc/prometheus/node-exporter-ca/")], ["KS303"]),
    ("ne-keep-port-typo", B, [(PC, "            regex: node-exporter;https\n", "            regex: node-exporter;http\n")], ["KS203"]),
    ("ne-insecure-skip-verify", B, [(PC, NE_TLS, "        tls_config:\n          insecure_skip_verify: true\n")], ["KS301"]),
    # ---- the StatefulSet's identity
    # first guess KS109; guess corrected: the jobs run as the undefined account, which holds nothing, so each access
    # rule reports its denial too (KS203 is spared: KS109's fix names monitoring/prometheus, as in round 18)
    ("statefulset-sa-typo", B, [(P, "      serviceAccountName: prometheus\n", "      serviceAccountName: promethues\n")], ["KS101", "KS102", "KS104", "KS109"]),
    ("statefulset-no-automount", B, [(P, "      serviceAccountName: prometheus\n", "      serviceAccountName: prometheus\n      automountServiceAccountToken: false\n")], ["KS107"]),
    # ---- the OpenTelemetry kubeletstats DaemonSet
    ("otel-stats-to-metrics", B, [(O, "  resources: [nodes/stats]\n", "  resources: [nodes/metrics]\n")], ["KS102", "KS203"]),
    ("otel-crb-subject-namespace", B, [(O, OTEL_SUBJ, OTEL_SUBJ.replace("observability", "otel"))], ["KS108"]),
    # first guess KS106; guess corrected: auth_type none reads with a plain client that ignores ca_file
    # (otel.py, internal/kubelet/client.go), so the https kubelets are verified against the system roots (KS304 info)
    ("otel-auth-none", B, [(O, "        auth_type: serviceAccount\n", "        auth_type: none\n")], ["KS106", "KS304"]),
    # first guess KS302; guess corrected: auth_type serviceAccount still sends the pod's token, now over plain HTTP (KS303)
    ("otel-readonly-port", B, [(O, OTEL_ENDPOINT, OTEL_ENDPOINT.replace("https://", "http://").replace(":10250", ":10255"))], ["KS302", "KS303"]),
    ("otel-http-10250", B, [(O, OTEL_ENDPOINT, OTEL_ENDPOINT.replace("https://", "http://"))], ["KS303"]),
]
