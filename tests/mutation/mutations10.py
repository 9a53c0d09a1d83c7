"""Tenth-round single-fault mutations: Kustomize patches, which the tool now applies (kpatch.py).

Baselines (each lints with no error or warning):
- b27-kustomize-patches: base/ (a plain Prometheus Deployment with no serviceAccountName, its ConfigMap with a
  shop-pods job, ServiceAccount, ClusterRole nodes list/watch + ClusterRoleBinding whose subject names no
  namespace); overlays/prod (namespace: monitoring) patches in the service account (patchesStrategicMerge file),
  the kubelet and cAdvisor jobs (a `patches:` file replacing the ConfigMap's prometheus.yml) and the `nodes/metrics`
  rule they need (an inline JSON 6902 patch appending to the ClusterRole's rules); apps/shop is a root of its own
  (namespace: shop) with the Role + RoleBinding for the shop-pods job.
- b28-components-operator: Prometheus Operator objects in base/ (Prometheus CR without serviceAccountName, kubelet and
  self ServiceMonitors, ClusterRole services/endpoints/pods + binding); components/cluster-scrape patches the CR's
  serviceAccountName and serviceMonitorNamespaceSelector: {} (a file) and appends nodes/metrics to the ClusterRole
  (inline JSON 6902); overlays/prod lists the component; apps/shop (namespace shop) holds a ServiceMonitor that only
  the namespace selector brings in.

Each is (name, baseline, edits, expected rule ids): every rule whose findings the mutation adds to the baseline's
(KS604 aside), decided from SPEC §3/§4 and FACTS before running the tool (test_rounds.py). A patch kustomize refuses
(a JSON pointer out of range, a target-less strategic merge patch matching no object, `op: replace` of a missing key)
makes `kustomize build` fail; no rule of the catalog names that, so the analysis leaves the object as its base
writes it and reports the consequences. A patch whose `target:` selects nothing is no error for kustomize (silent).

Judged after running. The tool was wrong twice, and is fixed:
- "b28 component dropped from the overlay" / "component path typo": KS109 for ServiceAccount default/prometheus-k8s
  "run by Prometheus default/k8s". No build reached the component, so its patch file was read as an object of its
  own; it is a partial object whoever lists the component (build._patch_files; test_kpatch
  test_the_patch_file_of_a_component_no_build_lists_is_no_object_of_its_own).
- "b27 SMP names the overlay's namespace", "b27 serviceAccountName by patches: targeting namespace monitoring",
  "b28 component SMP names namespace monitoring": silent, the patch applied. kustomize runs patchesStrategicMerge
  and patches before its kustomization's namespace transformer (patchesJson6902 after), and matches the object's
  original or current namespace (`default` for none): the overlay's own namespace is not yet there
  (kubernetes/kubernetes#101199 "no matches for Id", fluxcd/kustomize-controller#702). The patch now finds the
  object in the namespace inner builds gave it (kustomize.patch_givens, kpatch._namespaces; test_kpatch
  test_a_patch_naming_a_namespace_finds_the_object_in_the_one_it_has_when_the_patch_runs). An SMP naming a
  namespace on a cluster-scoped kind now matches (its id has no namespace).
The first guess was wrong, not the tool, for the rest (corrected, the reason beside each): mostly the info KS100
about shop's monitor, which only the patched serviceMonitorNamespaceSelector selects, and files a mutation leaves
named by no kustomization, read as the plain objects they look like.
"""

from __future__ import annotations

B27, B28 = "b27-kustomize-patches", "b28-components-operator"
TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token"

# ---- b27
OV27 = "overlays/prod/kustomization.yaml"
SAP27 = "overlays/prod/service-account.yaml"
SK27 = "overlays/prod/scrape-kubelet.yaml"
BR27 = "base/rbac.yaml"
SHOP27 = "apps/shop/prometheus-rbac.yaml"
OP27 = "      - op: add\n        path: /rules/-\n"
VAL27 = '          apiGroups: [""]\n          resources: ["nodes/metrics"]\n          verbs: ["get"]\n'
TGT27 = "      kind: ClusterRole\n      name: prometheus\n"
SMP27 = "patchesStrategicMerge:\n  - service-account.yaml\n"
PATHK27 = "  - path: scrape-kubelet.yaml\n"
SA27 = "      serviceAccountName: prometheus\n"
KAUTH27 = f"        authorization:\n          credentials_file: {TOKEN}\n        kubernetes_sd_configs:\n          - role: node\n      - job_name: cadvisor\n"
KSCHEME27 = "      - job_name: kubelet\n        scheme: https\n"
CADTLS27 = "        metrics_path: /metrics/cadvisor\n        tls_config:\n"
SHOPJOB27 = "      - job_name: shop-pods\n        kubernetes_sd_configs:\n"
CRBDEL27 = ("  - patch: |-\n      $patch: delete\n      apiVersion: rbac.authorization.k8s.io/v1\n"
            "      kind: ClusterRoleBinding\n      metadata:\n        name: prometheus\n")
JSON27 = ("patchesJson6902:\n  - target:\n      group: apps\n      version: v1\n      kind: Deployment\n"
          "      name: prometheus\n      namespace: monitoring\n    patch: |-\n      - op: add\n"
          "        path: /spec/template/spec/serviceAccountName\n        value: prometheus\n")
ARGS27 = ("      containers:\n        - name: prometheus\n          args:\n"
          "            - --config.file=/etc/prometheus/prometheus.yaml\n            - --storage.tsdb.path=/prometheus\n")

# ---- b28
CK28 = "components/cluster-scrape/kustomization.yaml"
CP28 = "components/cluster-scrape/prometheus.yaml"
OV28 = "overlays/prod/kustomization.yaml"
BK28 = "base/kustomization.yaml"
KM28 = "base/monitors/kubelet.yaml"
SM28 = "apps/shop/servicemonitor.yaml"
COMP28 = "components:\n  - ../../components/cluster-scrape\n"
SA28 = "  serviceAccountName: prometheus-k8s\n"
NSSEL28 = "  serviceMonitorNamespaceSelector: {}\n"
OP28 = "      - op: add\n        path: /rules/-\n"
VAL28 = '          apiGroups: [""]\n          resources: ["nodes/metrics"]\n          verbs: ["get"]\n'
TGT28 = "      kind: ClusterRole\n      name: prometheus-k8s\n"
PATHP28 = "  - path: prometheus.yaml\n"
CRBDEL28 = ("  - patch: |-\n      $patch: delete\n      apiVersion: rbac.authorization.k8s.io/v1\n"
            "      kind: ClusterRoleBinding\n      metadata:\n        name: prometheus-k8s\n")
KTOKEN28 = f"      bearerTokenFile: {TOKEN}\n"

MUTATIONS = [
    # ---- b27: overlay patches (SMP file, patches: file, inline JSON 6902)
    ("b27 json6902 replace at /rules/0 (add meant)", B27, [(OV27, OP27, "      - op: replace\n        path: /rules/0\n")],
     ["KS101"]),  # nodes list/watch replaced by nodes/metrics get: node discovery fails
    ("b27 json6902 add at /rules/0", B27, [(OV27, OP27, "      - op: add\n        path: /rules/0\n")], []),
    ("b27 json6902 add at /rules/1 (the end)", B27, [(OV27, OP27, "      - op: add\n        path: /rules/1\n")], []),
    ("b27 json6902 add at /rules/2 (out of range)", B27, [(OV27, OP27, "      - op: add\n        path: /rules/2\n")],
     ["KS102"]),  # kustomize refuses the patch; the role stays as the base writes it
    ("b27 json6902 path /rule/- (typo)", B27, [(OV27, OP27, "      - op: add\n        path: /rule/-\n")],
     ["KS102"]),
    ("b27 patch target name typo", B27, [(OV27, TGT27, "      kind: ClusterRole\n      name: promethues\n")],
     ["KS102"]),  # the target selects nothing: kustomize is silent, the kubelet jobs lack nodes/metrics
    ("b27 patch target kind Role", B27, [(OV27, TGT27, "      kind: Role\n      name: prometheus\n")], ["KS102"]),
    ("b27 patch removes watch", B27,
     [(OV27, OP27 + "        value:\n" + VAL27,
       OP27 + "        value:\n" + VAL27 + '      - op: replace\n        path: /rules/0/verbs\n        value: ["list"]\n')],
     ["KS101"]),
    ("b27 patch adds nodes/proxy", B27, [(OV27, VAL27, VAL27.replace("nodes/metrics", "nodes/proxy"))],
     ["KS102", "KS201", "KS203"]),
    ("b27 patch adds nodes/* ", B27, [(OV27, VAL27, VAL27.replace("nodes/metrics", "nodes/*"))],
     ["KS102", "KS505"]),  # KS505 says the literal grants nothing; no KS203 beside it (b26's /metrics/* has one)
    ("b27 patch rule apiGroups core", B27, [(OV27, VAL27, VAL27.replace('[""]', '["core"]'))], ["KS102", "KS503"]),
    ("b27 patch rule verb typo", B27, [(OV27, VAL27, VAL27.replace('["get"]', '["gte"]'))], ["KS102", "KS504"]),
    ("b27 patch rule verbs *", B27, [(OV27, VAL27, VAL27.replace('["get"]', '["*"]'))], ["KS202", "KS207"]),
    ("b27 the rule added by a strategic merge patch (replaces the list)", B27,
     [(OV27, "  - target:\n      group: rbac.authorization.k8s.io\n", "  - patch: |-\n      apiVersion: rbac.authorization.k8s.io/v1\n"
       "      kind: ClusterRole\n      metadata:\n        name: prometheus\n      rules:\n        - apiGroups: [\"\"]\n"
       "          resources: [\"nodes/metrics\"]\n          verbs: [\"get\"]\n  - target:\n      group: rbac.authorization.k8s.io\n"),
      (OV27, OP27, "      - op: test\n        path: /kind\n        value: ClusterRole\n"), (OV27, "        value:\n" + VAL27, "")],
     ["KS101"]),  # `rules` has no merge key: the patch's list replaces the base's, node discovery loses list/watch
    ("b27 $patch: delete on the ClusterRoleBinding", B27, [(OV27, PATHK27, PATHK27 + CRBDEL27)], ["KS101", "KS102"]),
    ("b27 SMP metadata.name no longer matches", B27, [(SAP27, "  name: prometheus\n", "  name: prometheus-server\n")],
     ["KS101", "KS102"]),  # kustomize refuses (no such Deployment); it runs as default
    ("b27 patched serviceAccountName typo", B27, [(SAP27, SA27, "      serviceAccountName: prometheus-sever\n")],
     ["KS101", "KS102", "KS109"]),
    ("b27 patchesStrategicMerge file missing", B27, [(OV27, SMP27, "patchesStrategicMerge:\n  - service-acount.yaml\n")],
     ["KS008", "KS101", "KS102"]),
    ("b27 patchesStrategicMerge dropped", B27, [(OV27, SMP27, "")], ["KS101", "KS102"]),
    ("b27 SMP as patches: path (same effect)", B27, [(OV27, SMP27, ""), (OV27, "patches:\n", "patches:\n  - path: service-account.yaml\n")], []),
    ("b27 patches: path missing", B27, [(OV27, PATHK27, "  - path: scrape-kubelt.yaml\n")],
     ["KS008", "KS100", "KS203"]),  # no kubelet jobs: nodes list/watch and nodes/metrics unused; the file no
    # kustomization names any more is read as the plain ConfigMap it is (default/prometheus-config, mounted by no pod)
    ("b27 ConfigMap patch name no longer matches", B27, [(SK27, "  name: prometheus-config\n", "  name: prometheus-conf\n")],
     ["KS203"]),
    ("b27 patch gives hostNetwork", B27, [(SAP27, SA27, SA27 + "      hostNetwork: true\n")], ["KS401"]),
    ("b27 patch turns automount off", B27, [(SAP27, SA27, SA27 + "      automountServiceAccountToken: false\n")], ["KS107"]),
    ("b27 patch's --config.file names another file", B27, [(SAP27, SA27, SA27 + ARGS27)], ["KS100"]),
    ("b27 patched kubelet job without credentials", B27,
     [(SK27, KAUTH27, KAUTH27.replace(f"        authorization:\n          credentials_file: {TOKEN}\n", ""))], ["KS106"]),
    ("b27 patched kubelet job scheme http", B27, [(SK27, KSCHEME27, KSCHEME27.replace("https", "http"))], ["KS303"]),
    ("b27 patched cadvisor insecure_skip_verify", B27,
     [(SK27, CADTLS27, CADTLS27 + "          insecure_skip_verify: true\n")], ["KS301"]),
    ("b27 patched shop job sends the token", B27, [(SK27, SHOPJOB27, SHOPJOB27.replace(
        "        kubernetes_sd_configs:\n", f"        bearer_token_file: {TOKEN}\n        kubernetes_sd_configs:\n"))],
     ["KS303", "KS306"]),
    ("b27 patched config duplicate key", B27, [(SK27, "      scrape_interval: 30s\n", "      scrape_interval: 30s\n      scrape_interval: 1m\n")],
     ["KS005"]),
    # kustomize runs patchesStrategicMerge and patches BEFORE its kustomization's namespace transformer and
    # patchesJson6902 after it; a patch naming a namespace matches the object's original or current one, `default`
    # when it has none, and never a cluster-scoped object's (kubernetes/kubernetes#101199, fluxcd/kustomize-controller#702)
    ("b27 SMP names the overlay's namespace", B27, [(SAP27, "  name: prometheus\n", "  name: prometheus\n  namespace: monitoring\n")],
     ["KS101", "KS102"]),  # no match (the Deployment is still namespace-less then): kustomize refuses; it runs as default
    ("b27 SMP names the namespace the base sets", B27,
     [(SAP27, "  name: prometheus\n", "  name: prometheus\n  namespace: monitoring\n"),
      ("base/kustomization.yaml", "resources:\n", "namespace: monitoring\nresources:\n")], []),
    ("b27 JSON 6902 target names a namespace on the ClusterRole", B27, [(OV27, TGT27, TGT27 + "      namespace: monitoring\n")],
     ["KS102"]),  # a cluster-scoped object is in no namespace
    ("b27 serviceAccountName by patchesJson6902 targeting namespace monitoring", B27,
     [(OV27, SMP27, JSON27), (SAP27, None, "")], []),  # runs after the namespace transformer: matches
    ("b27 serviceAccountName by patches: targeting namespace monitoring", B27,
     [(OV27, SMP27, ""), (OV27, "patches:\n", JSON27.replace("patchesJson6902:", "patches:")), (SAP27, None, "")],
     ["KS101", "KS102"]),  # runs before it: the Deployment is in no namespace yet (`default`), no match
    ("b27 overlay drops namespace:", B27, [(OV27, "namespace: monitoring\n", "")], ["KS108", "KS501"]),
    ("b27 shop Role without watch", B27, [(SHOP27, '    verbs: ["list", "watch"]\n', '    verbs: ["list"]\n')], ["KS101"]),
    # ---- b28: a Component patching the Prometheus CR and the ClusterRole
    ("b28 component dropped from the overlay", B28, [(OV28, COMP28, "")], ["KS100", "KS101", "KS102"]),  # KS100: shop
    ("b28 component path typo", B28, [(OV28, COMP28, "components:\n  - ../../component/cluster-scrape\n")],
     ["KS008", "KS100", "KS101", "KS102"]),
    ("b28 component listed in the base instead", B28, [(OV28, COMP28, ""), (BK28, "  - monitors/prometheus.yaml\n",
                                                                           "  - monitors/prometheus.yaml\ncomponents:\n  - ../components/cluster-scrape\n")], []),
    ("b28 patched serviceAccountName typo", B28, [(CP28, SA28, "  serviceAccountName: prometheus-k9s\n")],
     ["KS101", "KS102", "KS109"]),
    ("b28 patch without serviceAccountName", B28, [(CP28, SA28, "")], ["KS101", "KS102"]),
    ("b28 patch without serviceMonitorNamespaceSelector", B28, [(CP28, NSSEL28, "")], ["KS100"]),  # shop's monitor unselected
    ("b28 namespace selector picks shop only", B28,
     [(CP28, NSSEL28, "  serviceMonitorNamespaceSelector:\n    matchLabels:\n      kubernetes.io/metadata.name: shop\n")],
     ["KS100", "KS203", "KS208"]),  # the monitors of monitoring itself are no longer selected: nodes/metrics unused
    ("b28 SMP metadata.name no longer matches", B28, [(CP28, "  name: k8s\n", "  name: prometheus\n")],
     ["KS100", "KS101", "KS102"]),  # kustomize refuses (no Prometheus named prometheus); KS100: shop's monitor
    ("b28 SMP patch path missing", B28, [(CK28, PATHP28, "  - path: prometheus-patch.yaml\n")],
     ["KS008", "KS100", "KS101", "KS102", "KS109"]),  # prometheus.yaml, named by no kustomization now, is read as
    # the object it looks like: a Prometheus default/k8s running as default/prometheus-k8s (KS109)
    ("b28 component's ClusterRole target names namespace monitoring", B28, [(CK28, TGT28, TGT28 + "      namespace: monitoring\n")],
     ["KS102"]),  # cluster-scoped: no namespace to match
    ("b28 component SMP names namespace monitoring", B28, [(CP28, "  name: k8s\n", "  name: k8s\n  namespace: monitoring\n")],
     ["KS100", "KS101", "KS102"]),  # the component runs before the overlay's namespace transformer: no match
    ("b28 json6902 target by a label the ClusterRole lacks", B28,
     [(CK28, TGT28, "      kind: ClusterRole\n      labelSelector: app.kubernetes.io/name=prometheus\n")], ["KS102"]),
    ("b28 json6902 target name typo", B28, [(CK28, TGT28, "      kind: ClusterRole\n      name: prometheus-k8\n")], ["KS102"]),
    ("b28 json6902 replace at /rules/0 (add meant)", B28, [(CK28, OP28, "      - op: replace\n        path: /rules/0\n")],
     ["KS101"]),
    ("b28 json6902 add to /rules/0/resources", B28,
     [(CK28, OP28 + "        value:\n" + VAL28, "      - op: add\n        path: /rules/0/resources/-\n        value: nodes/metrics\n")],
     ["KS102", "KS203"]),  # list/watch on nodes/metrics: unused, and get is still missing
    ("b28 patch removes watch", B28,
     [(CK28, OP28 + "        value:\n" + VAL28,
       OP28 + "        value:\n" + VAL28 + '      - op: replace\n        path: /rules/0/verbs\n        value: ["list"]\n')],
     ["KS101"]),
    ("b28 patch rule verbs list", B28, [(CK28, VAL28, VAL28.replace('["get"]', '["list"]'))], ["KS102", "KS203"]),
    ("b28 patch adds nodes/proxy", B28, [(CK28, VAL28, VAL28.replace("nodes/metrics", "nodes/proxy"))],
     ["KS102", "KS201", "KS203"]),
    ("b28 patch rule apiGroups core", B28, [(CK28, VAL28, VAL28.replace('[""]', '["core"]'))], ["KS102", "KS503"]),
    ("b28 $patch: delete on the ClusterRoleBinding", B28, [(CK28, "  - path: prometheus.yaml\n", PATHP28 + CRBDEL28)],
     ["KS101", "KS102"]),
    ("b28 CR patch as JSON 6902 replace of a missing key", B28,
     [(CK28, PATHP28, "  - target:\n      kind: Prometheus\n      name: k8s\n    patch: |-\n"
                      "      - op: replace\n        path: /spec/serviceAccountName\n        value: prometheus-k8s\n"),
      (CP28, None, "")], ["KS100", "KS101", "KS102"]),  # kustomize refuses `replace` of a key the base lacks
    ("b28 CR patch as JSON 6902 add (works)", B28,
     [(CK28, PATHP28, "  - target:\n      kind: Prometheus\n      name: k8s\n    patch: |-\n"
                      "      - op: add\n        path: /spec/serviceAccountName\n        value: prometheus-k8s\n"
                      "      - op: add\n        path: /spec/serviceMonitorNamespaceSelector\n        value: {}\n"),
      (CP28, None, "")], []),
    ("b28 patch arbitraryFSAccessThroughSMs deny", B28, [(CP28, SA28, SA28 + "  arbitraryFSAccessThroughSMs:\n    deny: true\n")],
     ["KS603"]),
    ("b28 patch gives hostNetwork", B28, [(CP28, SA28, SA28 + "  hostNetwork: true\n")], ["KS401"]),
    ("b28 overlay drops namespace:", B28, [(OV28, "namespace: monitoring\n", "")],
     ["KS108", "KS304", "KS501"]),  # KS108 on each job (the binding's subject has no namespace, it runs as
    # default/prometheus-k8s); KS304 re-added as the kubelet job's name now holds `default`
    ("b28 kubelet monitor without token", B28, [(KM28, KTOKEN28, "")], ["KS106"]),
    ("b28 shop monitor label typo", B28, [(SM28, "    team: platform\n", "    team: platfrom\n")], ["KS100"]),
]
