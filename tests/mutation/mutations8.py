"""Eighth-round single-fault mutations: three real-world renders from the corpus made into working baselines.

Baselines (each lints with no error or warning; what was repaired is in the comment at the top of each file):
- b21-linkerd: `linkerd viz install`'s Prometheus v2.55.1: plain config (kubelet cAdvisor over node discovery, pod jobs
  in linkerd/linkerd-viz and in every namespace), a ClusterRole + ClusterRoleBinding, and a Deployment with
  automountServiceAccountToken: false that mounts its own projected kube-api-access volume at the token path.
- b22-rook: Rook-Ceph's monitoring example: a Prometheus CR (own namespace, monitors labelled team: rook), an
  aggregated ClusterRole filled by a labelled rule ClusterRole, three ServiceMonitors; rbac.yaml's metrics Role is
  bound to kube-prometheus' prometheus-k8s, not to this Prometheus.
- b23-istio: Istio's Prometheus addon (prometheus chart 28.13.0, Prometheus v3.10.0): plain config with the chart's
  API-server, kubelet, cAdvisor, pod, service-endpoint and blackbox jobs, config-reloader sidecar.

Each is (name, baseline, edits, expected rule ids): every rule whose findings the mutation adds to the baseline's
(KS604 aside), decided from SPEC §3/§4 and FACTS before running the tool (test_rounds.py).

Judged after running. The tool was wrong three times, and is fixed:
- "b23 endpointslice on Prometheus v2.20.0": silent about the role. Before 2.21.0 Prometheus' Role.UnmarshalYAML knows
  no endpointslice ("unknown Kubernetes SD role"; FACTS §6), so the config does not load: KS601 (promvalidate
  ROLES_ADDED_IN_2; fixtures KS601/fail-endpointslice-role-before-2-21, pass-endpointslice-role-at-2-21). KS101 stays:
  the grant is needed once the image is upgraded, the fix KS601 gives first.
- "b21 cadvisor token file typo" (`serviceacount/token`): silent when the pod turns automount off and mounts its own
  token volume; the round-7 check ran only for automounted pods. Now KS107 either way (checks/access; fixture
  KS107/fail-token-directory-typo-own-token-volume).
- "b21 --config.file names another file": the key is mounted as one file (subPath) at /etc/prometheus/prometheus.yml
  and the flag names /etc/prometheus/prom.yml, which no volume covers (the image's file, or none). The pod was still
  taken to load the key ("image" fallback); now KS100 (analyse._image_file; fixtures KS100/fail-config-flag-names-image-file,
  pass-config-flag-names-copied-file: a script that copies the key to the flagged file still loads it).
The first guess was wrong, not the tool, for the rest (kept as the tool has them):
- privileged: true beside allowPrivilegeEscalation: false is refused by the API server (KS602), so the pod never runs
  and KS403 is not reported (checks/workload skips refused security contexts).
- The linkerd-proxy job and Rook's mgr monitor keep targets by exact container/port/label values or a monitor's app
  label: named targets, so a token sent to them is KS303/KS301 without KS306 (KS306 is for opt-in selection).
- The cadvisor job is b21's only user of nodes/metrics: on the read-only port the grant becomes unused (KS203).
- Rook's metrics Role grants get as well as list/watch: bound to this Prometheus, get is unused (KS203);
  serviceDiscoveryRole: EndpointSlice leaves endpoints unused (KS203 beside KS101).
- A monitor no longer selected is KS100 (info), and KS208's list of jobs changes (info).
- A Deployment moved to another namespace runs no config of the inputs: KS100, no KS109 (not a scraper any more).
"""

from __future__ import annotations

P = "prometheus.yaml"
R, M = "rbac.yaml", "monitors.yaml"
B21, B22, B23 = "b21-linkerd", "b22-rook", "b23-istio"
TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token"
CA = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"

# ---- b21
DISC21 = '  resources: ["nodes", "pods"]\n  verbs: ["list", "watch"]\n'
NM21 = '  resources: ["nodes/metrics"]\n  verbs: ["get"]\n'
SUBJ21 = "- kind: ServiceAccount\n  name: prometheus\n  namespace: linkerd-viz\n"
CRB21 = "kind: ClusterRoleBinding\napiVersion: rbac.authorization.k8s.io/v1\n"
REF21 = "  kind: ClusterRole\n  name: linkerd-linkerd-viz-prometheus\nsubjects:"
SAOBJ21 = ("kind: ServiceAccount\napiVersion: v1\nmetadata:\n  name: prometheus\n  namespace: linkerd-viz\n  labels:\n"
           "    linkerd.io/extension: viz\n    component: prometheus\n---\n")
SA21 = "      serviceAccountName: prometheus\n"
AUTO21 = "      automountServiceAccountToken: false\n"
CAD21 = f"    - job_name: 'kubernetes-nodes-cadvisor'\n      scheme: https\n      tls_config:\n        ca_file: {CA}\n"
CADTOKEN21 = f"      bearer_token_file: {TOKEN}\n      kubernetes_sd_configs:\n      - role: node\n"
CADPATH21 = "      - target_label: __metrics_path__\n        replacement: /metrics/cadvisor\n"
PROXY21 = "    - job_name: 'linkerd-proxy'\n      kubernetes_sd_configs:\n      - role: pod\n"
IMAGE21 = "        image: prom/prometheus:v2.55.1\n"
MOUNT21 = "        - mountPath: /var/run/secrets/kubernetes.io/serviceaccount\n          name: kube-api-access\n          readOnly: true\n"
TOKENPATH21 = "              expirationSeconds: 3607\n              path: token\n"
GLOBAL21 = "      scrape_interval: 10s\n"
VOLS21 = "      volumes:\n      - name: data\n        emptyDir: {}\n"
CONF21 = "        - --config.file=/etc/prometheus/prometheus.yml\n"
PSC21 = "        securityContext:\n          allowPrivilegeEscalation: false\n"
# ---- b22
AGGSEL22 = '  - matchLabels:\n      rbac.ceph.rook.io/aggregate-to-prometheus: "true"\n'
AGGLABEL22 = '  labels:\n    rbac.ceph.rook.io/aggregate-to-prometheus: "true"\n'
EMPTY22 = "rules: []\n"
DISC22 = '  - services\n  - endpoints\n  - pods\n  verbs: ["list", "watch"]\n'
CRB22 = "kind: ClusterRoleBinding\nmetadata:\n  name: prometheus\n"
SUBJ22 = "  name: prometheus\n  namespace: rook-ceph # namespace:cluster\n---\napiVersion: monitoring.coreos.com/v1"
SAOBJ22 = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: prometheus\n  namespace: rook-ceph # namespace:cluster\n---\n"
SA22 = "  serviceAccountName: prometheus\n"
SEL22 = "  serviceMonitorSelector:\n    matchLabels:\n      team: rook\n"
MGR22 = "    - port: http-metrics\n      path: /metrics\n      interval: 10s\n      honorLabels: true\n"
MGRNS22 = "  namespaceSelector:\n    matchNames:\n      - rook-ceph\n"
TEAM22 = "  labels:\n    team: rook\n"
ROLESUBJ22 = "    name: prometheus-k8s\n"
CRBDOC22 = ("apiVersion: rbac.authorization.k8s.io/v1\n" + CRB22 + "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n"
            "  name: prometheus\nsubjects:\n- kind: ServiceAccount\n  name: prometheus\n  namespace: rook-ceph # namespace:cluster\n---\n")
# ---- b23
DISC23 = "      - nodes\n      - services\n      - endpoints\n      - pods\n    verbs:\n      - list\n      - watch\n"
NM23 = "      - nodes/metrics\n    verbs:\n      - get\n"
URL23 = '  - nonResourceURLs:\n      - "/metrics"\n    verbs:\n      - get\n'
SUBJ23 = "    name: prometheus\n    namespace: istio-system\nroleRef:"
APIV23 = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n"
CRBNAME23 = "  name: prometheus\nsubjects:"
REF23 = "  kind: ClusterRole\n  name: prometheus\n---"
SA23 = "      serviceAccountName: prometheus\n"
IMG23 = '          image: "docker.io/prom/prometheus:v3.10.0"\n'
RELOADER23 = '          image: "ghcr.io/prometheus-operator/prometheus-config-reloader:v0.89.0"\n'
APITOKEN23 = f"    - job_name: kubernetes-api-servers\n      bearer_token_file: {TOKEN}\n"
APITLS23 = f"      scheme: https\n      tls_config:\n        ca_file: {CA}\n    - job_name: kubernetes-nodes\n"
NODES23 = (f"    - job_name: kubernetes-nodes\n      bearer_token_file: {TOKEN}\n      kubernetes_sd_configs:\n      - role: node\n"
           "      relabel_configs:\n      - action: labelmap\n        regex: __meta_kubernetes_node_label_(.+)\n      scheme: https\n"
           f"      tls_config:\n        ca_file: {CA}\n")
NODESRELABEL23 = "        regex: __meta_kubernetes_node_label_(.+)\n      scheme: https\n"
CADPATH23 = "      metrics_path: /metrics/cadvisor\n"
PODS23 = "    - job_name: kubernetes-pods\n      honor_labels: true\n"
SEP23 = "    - job_name: kubernetes-service-endpoints\n      honor_labels: true\n      kubernetes_sd_configs:\n      - role: endpoints\n"
GLOBAL23 = "      scrape_interval: 15s\n"
CONF23 = "            - --config.file=/etc/config/prometheus.yml\n"
VOLS23 = "      volumes:\n        - name: config-volume\n"
RELOADMOUNT23 = "          volumeMounts:\n            - name: config-volume\n              mountPath: /etc/config\n              readOnly: true\n"
APIPROXY = ("      - target_label: __address__\n        replacement: kubernetes.default.svc:443\n"
            "      - source_labels: [__meta_kubernetes_node_name]\n        regex: (.+)\n        target_label: __metrics_path__\n")


MUTATIONS = [
    # ---- b21: linkerd-viz's plain Prometheus
    ("b21 drop pods from discovery", B21, [(P, DISC21, DISC21.replace(', "pods"', ""))], ["KS101"]),
    ("b21 drop nodes from discovery", B21, [(P, DISC21, DISC21.replace('"nodes", ', ""))], ["KS101"]),
    ("b21 drop watch", B21, [(P, DISC21, DISC21.replace(', "watch"', ""))], ["KS101"]),
    ("b21 typo verb wacth", B21, [(P, DISC21, DISC21.replace('"watch"', '"wacth"'))], ["KS101", "KS504"]),
    ("b21 nodes/stats instead of nodes/metrics", B21, [(P, NM21, NM21.replace("nodes/metrics", "nodes/stats"))], ["KS102", "KS203"]),
    ("b21 nodes/proxy instead of nodes/metrics", B21, [(P, NM21, NM21.replace("nodes/metrics", "nodes/proxy"))],
     ["KS102", "KS201", "KS203"]),
    ("b21 binding subject namespace linkerd", B21, [(P, SUBJ21, SUBJ21.replace("namespace: linkerd-viz", "namespace: linkerd"))], ["KS108"]),
    ("b21 RoleBinding instead of ClusterRoleBinding", B21,
     [(P, CRB21 + "metadata:\n  name: linkerd-linkerd-viz-prometheus\n",
       "kind: RoleBinding\napiVersion: rbac.authorization.k8s.io/v1\nmetadata:\n  name: linkerd-linkerd-viz-prometheus\n  namespace: linkerd-viz\n")],
     ["KS105", "KS203"]),
    ("b21 binding v1beta1", B21, [(P, CRB21, CRB21.replace("/v1\n", "/v1beta1\n"))], ["KS101", "KS102", "KS501"]),
    ("b21 roleRef name typo", B21, [(P, REF21, REF21.replace("viz-prometheus", "viz-promethues"))], ["KS101", "KS102", "KS502"]),
    ("b21 serviceAccountName renamed", B21, [(P, SA21, "      serviceAccountName: linkerd-prometheus\n")], ["KS101", "KS102", "KS109"]),
    ("b21 no serviceAccountName (default)", B21, [(P, SA21, "")], ["KS101", "KS102"]),
    ("b21 ServiceAccount object dropped", B21, [(P, SAOBJ21, "")], ["KS109"]),
    ("b21 own token volume not mounted (automount false)", B21, [(P, MOUNT21, "")], ["KS107"]),
    ("b21 automount true beside the own token volume", B21, [(P, AUTO21, "      automountServiceAccountToken: true\n")], []),
    ("b21 projected token path typo", B21, [(P, TOKENPATH21, TOKENPATH21.replace("path: token", "path: tokn"))], ["KS107"]),
    ("b21 hostNetwork", B21, [(P, AUTO21, AUTO21 + "      hostNetwork: true\n")], ["KS401"]),
    ("b21 privileged beside allowPrivilegeEscalation false", B21, [(P, PSC21, PSC21 + "          privileged: true\n")], ["KS602"]),  # refused: never runs
    ("b21 docker.sock hostPath", B21,
     [(P, MOUNT21, MOUNT21 + "        - mountPath: /var/run/docker.sock\n          name: docker-sock\n"),
      (P, VOLS21, VOLS21 + "      - name: docker-sock\n        hostPath:\n          path: /var/run/docker.sock\n")], ["KS404"]),
    ("b21 cadvisor scheme http", B21, [(P, CAD21, CAD21.replace("scheme: https", "scheme: http"))], ["KS303"]),
    ("b21 cadvisor insecure_skip_verify", B21, [(P, CAD21, CAD21 + "        insecure_skip_verify: true\n")], ["KS301"]),
    ("b21 cadvisor without token", B21, [(P, CADTOKEN21, CADTOKEN21.replace(f"      bearer_token_file: {TOKEN}\n", ""))], ["KS106"]),
    ("b21 cadvisor token file typo", B21, [(P, CADTOKEN21, CADTOKEN21.replace("serviceaccount/token", "serviceacount/token"))], ["KS107"]),
    ("b21 cadvisor through the API-server proxy (the original)", B21,
     [(P, CADPATH21, APIPROXY + "        replacement: /api/v1/nodes/$1/proxy/metrics/cadvisor\n")], ["KS103", "KS209"]),
    ("b21 cadvisor reads /metrics/resource", B21, [(P, CADPATH21, CADPATH21.replace("/metrics/cadvisor", "/metrics/resource"))], []),
    ("b21 cadvisor on the read-only port", B21,
     [(P, CADPATH21, CADPATH21 + "      - source_labels: [__address__]\n        regex: (.+):\\d+\n        replacement: $1:10255\n"
                                 "        target_label: __address__\n")], ["KS302"]),  # round 17: no KS203 — KS302's fix (the authenticated port) needs the grant KS203 said to delete
    ("b21 proxy job role endpoints", B21, [(P, PROXY21, PROXY21.replace("role: pod", "role: endpoints"))], ["KS101"]),
    ("b21 proxy job role endpointslice", B21, [(P, PROXY21, PROXY21.replace("role: pod", "role: endpointslice"))], ["KS101"]),
    ("b21 proxy job sends the token", B21, [(P, PROXY21, PROXY21.replace("    - job_name: 'linkerd-proxy'\n",
                                                                         f"    - job_name: 'linkerd-proxy'\n      bearer_token_file: {TOKEN}\n"))],
     ["KS303"]),  # keeps one container, port and label value by name: named targets, no KS306
    ("b21 duplicate scrape_interval", B21, [(P, GLOBAL21, GLOBAL21 + "      scrape_interval: 30s\n")], ["KS005"]),
    ("b21 scrape_interval without unit", B21, [(P, GLOBAL21, "      scrape_interval: 10\n")], ["KS601"]),
    ("b21 --config.file names another file", B21, [(P, CONF21, CONF21.replace("prometheus.yml", "prom.yml"))], ["KS100"]),
    ("b21 grant secrets too", B21, [(P, DISC21, DISC21.replace('"pods"]', '"pods", "secrets"]'))], ["KS203", "KS204"]),
    ("b21 every verb on nodes/metrics", B21, [(P, NM21, NM21.replace('["get"]', '["*"]'))], ["KS202", "KS207"]),
    ("b21 duplicate verbs in the nodes/metrics rule", B21, [(P, NM21, NM21 + '  verbs: ["get"]\n')], ["KS005"]),
    ("b21 ClusterRole v1beta1", B21, [(P, "kind: ClusterRole\napiVersion: rbac.authorization.k8s.io/v1\n",
                                       "kind: ClusterRole\napiVersion: rbac.authorization.k8s.io/v1beta1\n")], ["KS101", "KS102", "KS501"]),
    ("b21 proxy job through the API-server proxy", B21,
     [(P, "        regex: __tmp_pod_label_(.+)\n",
       "        regex: __tmp_pod_label_(.+)\n      - target_label: __address__\n        replacement: kubernetes.default.svc:443\n"
       "      - source_labels: [__meta_kubernetes_namespace, __meta_kubernetes_pod_name]\n        regex: (.+);(.+)\n"
       "        target_label: __metrics_path__\n        replacement: /api/v1/namespaces/$1/pods/$2:4191/proxy/metrics\n")], ["KS106"]),
    ("b21 cadvisor job limited to namespace linkerd", B21, [(P, CADTOKEN21, CADTOKEN21 + "        namespaces:\n          names: [linkerd]\n")], []),
    ("b21 projected token expirationSeconds 599", B21, [(P, TOKENPATH21, TOKENPATH21.replace("3607", "599"))], ["KS602"]),
    ("b21 Deployment in namespace linkerd", B21, [(P, "  name: prometheus\n  namespace: linkerd-viz\nspec:\n  replicas: 1\n",
                                                    "  name: prometheus\n  namespace: linkerd\nspec:\n  replicas: 1\n")], ["KS100"]),  # runs no config of the inputs: not a scraper, no KS109
    # ---- b22: Rook-Ceph's Prometheus CR, aggregated ClusterRole, ServiceMonitors
    ("b22 aggregation label false on the rule ClusterRole", B22, [(P, AGGLABEL22, AGGLABEL22.replace('"true"', '"false"'))], ["KS101"]),
    ("b22 aggregation selector key typo", B22, [(P, AGGSEL22, AGGSEL22.replace("aggregate-to-prometheus", "aggregate-to-prom"))], ["KS101"]),
    ("b22 no aggregationRule", B22, [(P, "aggregationRule:\n  clusterRoleSelectors:\n" + AGGSEL22, "")], ["KS101"]),
    ("b22 rules written into the aggregated ClusterRole", B22,
     [(P, EMPTY22, 'rules:\n- apiGroups: [""]\n  resources: ["configmaps"]\n  verbs: ["get"]\n')], ["KS509"]),
    ("b22 drop endpoints", B22, [(P, DISC22, DISC22.replace("  - endpoints\n", ""))], ["KS101"]),
    ("b22 drop watch", B22, [(P, DISC22, DISC22.replace(', "watch"', ""))], ["KS101"]),
    ("b22 typo verb lsit", B22, [(P, DISC22, DISC22.replace('"list"', '"lsit"'))], ["KS101", "KS504"]),
    ("b22 apiGroup core", B22, [(P, '- apiGroups: [""]\n  resources:\n  - services\n', '- apiGroups: ["core"]\n  resources:\n  - services\n')],
     ["KS101", "KS503"]),
    ("b22 binding subject namespace default", B22, [(P, SUBJ22, SUBJ22.replace("namespace: rook-ceph", "namespace: default"))], ["KS108"]),
    ("b22 RoleBinding in rook-ceph instead of ClusterRoleBinding", B22,
     [(P, CRB22, "kind: RoleBinding\nmetadata:\n  name: prometheus\n  namespace: rook-ceph\n")], []),
    ("b22 RoleBinding in default instead of ClusterRoleBinding", B22,
     [(P, CRB22, "kind: RoleBinding\nmetadata:\n  name: prometheus\n  namespace: default\n")], ["KS105", "KS203"]),
    ("b22 drop the ClusterRoleBinding", B22, [(P, CRBDOC22, "")],
     ["KS101"]),
    ("b22 binding v1beta1", B22, [(P, "apiVersion: rbac.authorization.k8s.io/v1\n" + CRB22, "apiVersion: rbac.authorization.k8s.io/v1beta1\n" + CRB22)],
     ["KS101", "KS501"]),
    ("b22 roleRef name typo", B22, [(P, "  kind: ClusterRole\n  name: prometheus\nsubjects:", "  kind: ClusterRole\n  name: promethues\nsubjects:")],
     ["KS101", "KS502"]),
    ("b22 serviceAccountName renamed in the CR", B22, [(P, SA22, "  serviceAccountName: rook-prometheus\n")], ["KS101", "KS109"]),
    ("b22 no serviceAccountName (default)", B22, [(P, SA22, "")], ["KS101"]),
    ("b22 ServiceAccount object dropped", B22, [(P, SAOBJ22, "")], ["KS109"]),
    ("b22 metrics Role bound to this Prometheus, no ClusterRoleBinding", B22,
     [(R, ROLESUBJ22, "    name: prometheus\n"),
      (P, CRBDOC22, "")],
     ["KS203"]),  # the Role grants get too, which discovery never uses
    ("b22 CR automount false", B22, [(P, SA22, SA22 + "  automountServiceAccountToken: false\n")], ["KS107"]),
    ("b22 CR hostNetwork", B22, [(P, SA22, SA22 + "  hostNetwork: true\n")], ["KS401"]),
    ("b22 one monitor relabelled team: ceph", B22, [(M, TEAM22, "  labels:\n    team: ceph\n")], ["KS100", "KS208"]),  # both info
    ("b22 serviceMonitorSelector on a label no monitor has", B22, [(P, SEL22, SEL22.replace("team: rook", "team: storage"))], ["KS100"]),
    ("b22 serviceMonitorNamespaceSelector all namespaces", B22, [(P, SA22, SA22 + "  serviceMonitorNamespaceSelector: {}\n")], []),
    ("b22 mgr monitor in any namespace", B22, [(M, MGRNS22, "  namespaceSelector:\n    any: true\n")], []),
    ("b22 serviceDiscoveryRole EndpointSlice", B22, [(P, SA22, SA22 + "  serviceDiscoveryRole: EndpointSlice\n")], ["KS101", "KS203"]),
    ("b22 serviceDiscoveryRole EndpointSlice on Prometheus v2.20.0", B22,
     [(P, SA22, SA22 + "  version: v2.20.0\n  serviceDiscoveryRole: EndpointSlice\n")], []),
    ("b22 mgr endpoint sends the token over http", B22,
     [(M, MGR22, MGR22 + f"      bearerTokenFile: {TOKEN}\n")], ["KS303"]),
    ("b22 mgr endpoint https token insecureSkipVerify", B22,
     [(M, MGR22, MGR22 + f"      scheme: https\n      bearerTokenFile: {TOKEN}\n      tlsConfig:\n        insecureSkipVerify: true\n")],
     ["KS301"]),
    ("b22 mgr interval without unit", B22, [(M, MGR22, MGR22.replace("interval: 10s", "interval: 10"))], ["KS602"]),
    ("b22 mgr duplicate path", B22, [(M, MGR22, MGR22 + "      path: /metrics\n")], ["KS005"]),
    ("b22 grant secrets too", B22, [(P, DISC22, DISC22.replace("  - pods\n", "  - pods\n  - secrets\n"))], ["KS203", "KS204"]),
    ("b22 grant get nodes/proxy too", B22, [(P, DISC22, DISC22 + '- apiGroups: [""]\n  resources: ["nodes/proxy"]\n  verbs: ["get"]\n')],
     ["KS201", "KS203"]),
    ("b22 serviceMonitorNamespaceSelector on the namespace name label", B22,
     [(P, SA22, SA22 + "  serviceMonitorNamespaceSelector:\n    matchLabels:\n      kubernetes.io/metadata.name: rook-ceph\n")], []),
    ("b22 serviceMonitorNamespaceSelector on a label of unknown namespaces", B22,
     [(P, SA22, SA22 + "  serviceMonitorNamespaceSelector:\n    matchLabels:\n      monitoring: enabled\n")], ["KS100"]),
    ("b22 aggregated ClusterRole v1beta1", B22, [(P, "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: prometheus\n",
                                                  "apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: ClusterRole\nmetadata:\n  name: prometheus\n")],
     ["KS101", "KS501"]),
    ("b22 ServiceAccount automount false (the operator sets the pod's)", B22,
     [(P, SAOBJ22, SAOBJ22.replace("---\n", "automountServiceAccountToken: false\n---\n"))], []),
    ("b22 mgr monitor in namespace ceph", B22, [(M, "  name: rook-ceph-mgr\n  namespace: rook-ceph", "  name: rook-ceph-mgr\n  namespace: ceph")],
     ["KS100", "KS208"]),
    ("b22 serviceMonitorSelector {}", B22, [(P, SEL22, "  serviceMonitorSelector: {}\n")], []),
    ("b22 no serviceMonitorSelector", B22, [(P, SEL22, "")], ["KS100"]),
    # ---- b23: Istio's Prometheus addon (prometheus chart)
    ("b23 drop the /metrics URL grant", B23, [(P, URL23, "")], ["KS104"]),
    ("b23 drop nodes/metrics", B23, [(P, "  - apiGroups:\n      - \"\"\n    resources:\n" + NM23, "")], ["KS102"]),
    ("b23 drop services", B23, [(P, DISC23, DISC23.replace("      - services\n", ""))], ["KS101"]),
    ("b23 drop endpoints", B23, [(P, DISC23, DISC23.replace("      - endpoints\n", ""))], ["KS101"]),
    ("b23 typo verb lsit", B23, [(P, DISC23, DISC23.replace("- list", "- lsit"))], ["KS101", "KS504"]),
    ("b23 binding subject namespace monitoring", B23, [(P, SUBJ23, SUBJ23.replace("istio-system", "monitoring"))], ["KS108"]),
    ("b23 RoleBinding instead of ClusterRoleBinding", B23,
     [(P, APIV23, "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\n"),
      (P, CRBNAME23, "  name: prometheus\n  namespace: istio-system\nsubjects:")], ["KS105", "KS203"]),
    ("b23 binding v1beta1", B23, [(P, APIV23, APIV23.replace("/v1\n", "/v1beta1\n"))], ["KS101", "KS102", "KS104", "KS501"]),
    ("b23 roleRef name typo", B23, [(P, REF23, REF23.replace("name: prometheus", "name: prometheus-server"))],
     ["KS101", "KS102", "KS104", "KS502"]),
    ("b23 serviceAccountName typo", B23, [(P, SA23, "      serviceAccountName: prometheus-server\n")], ["KS101", "KS102", "KS104", "KS109"]),
    ("b23 pod automount false", B23, [(P, SA23, SA23 + "      automountServiceAccountToken: false\n")], ["KS107"]),
    ("b23 hostNetwork", B23, [(P, SA23, SA23 + "      hostNetwork: true\n")], ["KS401"]),
    ("b23 privileged prometheus-server", B23, [(P, IMG23, IMG23 + "          securityContext:\n            privileged: true\n")], ["KS403"]),
    ("b23 docker.sock hostPath on the reloader", B23,
     [(P, RELOADMOUNT23, RELOADMOUNT23 + "            - name: docker-sock\n              mountPath: /var/run/docker.sock\n"),
      (P, VOLS23, "      volumes:\n        - name: docker-sock\n          hostPath:\n            path: /var/run/docker.sock\n        - name: config-volume\n")],
     ["KS404"]),
    ("b23 nodes job insecure_skip_verify", B23, [(P, NODES23, NODES23 + "        insecure_skip_verify: true\n")], ["KS301"]),
    ("b23 nodes job scheme http", B23, [(P, NODES23, NODES23.replace("scheme: https", "scheme: http"))], ["KS303"]),
    ("b23 nodes job reads /stats/summary", B23, [(P, NODESRELABEL23, NODESRELABEL23 + "      metrics_path: /stats/summary\n")], ["KS102"]),
    ("b23 cadvisor reads /metrics/probes", B23, [(P, CADPATH23, "      metrics_path: /metrics/probes\n")], []),
    ("b23 nodes job through the API-server proxy", B23,
     [(P, NODESRELABEL23, "        regex: __meta_kubernetes_node_label_(.+)\n" + APIPROXY + "        replacement: /api/v1/nodes/$1/proxy/metrics\n"
                          "      scheme: https\n")], ["KS103", "KS209"]),
    ("b23 api-servers without token", B23, [(P, APITOKEN23, "    - job_name: kubernetes-api-servers\n")], ["KS106"]),
    ("b23 api-servers insecure_skip_verify", B23, [(P, APITLS23, APITLS23.replace(f"ca_file: {CA}\n", f"ca_file: {CA}\n        insecure_skip_verify: true\n", 1))],
     ["KS301"]),
    ("b23 api-servers scheme http", B23, [(P, APITLS23, APITLS23.replace("scheme: https", "scheme: http"))], ["KS303"]),
    ("b23 pods job sends the token", B23, [(P, PODS23, PODS23 + f"      bearer_token_file: {TOKEN}\n")], ["KS303", "KS306"]),
    ("b23 service-endpoints role endpointslice", B23, [(P, SEP23, SEP23.replace("role: endpoints", "role: endpointslice"))], ["KS101"]),
    ("b23 endpointslice on Prometheus v2.20.0", B23,
     [(P, SEP23, SEP23.replace("role: endpoints", "role: endpointslice")), (P, IMG23, IMG23.replace("v3.10.0", "v2.20.0"))],
     ["KS101", "KS601"]),
    ("b23 scrape_interval without unit", B23, [(P, GLOBAL23, "      scrape_interval: 15\n")], ["KS601"]),
    ("b23 duplicate scheme in api-servers", B23, [(P, APITLS23, "      scheme: https\n" + APITLS23)], ["KS005"]),
    ("b23 --config.file names another file", B23, [(P, CONF23, CONF23.replace("prometheus.yml", "prometheus.yaml"))], ["KS100"]),
    ("b23 grant secrets too", B23, [(P, DISC23, DISC23.replace("      - pods\n", "      - pods\n      - secrets\n"))], ["KS203", "KS204"]),
    ("b23 ServiceAccount automount false", B23, [(P, "  annotations:\n    {}\n---\n", "  annotations:\n    {}\nautomountServiceAccountToken: false\n---\n")],
     ["KS107"]),
    ("b23 api-servers ca_file typo ca.cert", B23, [(P, APITLS23, APITLS23.replace("ca.crt", "ca.cert"))], ["KS107"]),
    ("b23 pods job in its own namespace", B23, [(P, PODS23 + "      kubernetes_sd_configs:\n      - role: pod\n",
                                                 PODS23 + "      kubernetes_sd_configs:\n      - role: pod\n        namespaces:\n          own_namespace: true\n")], []),
    ("b23 global scrape_timeout 30s", B23, [(P, "      scrape_timeout: 10s\n", "      scrape_timeout: 30s\n")], ["KS601"]),
]
