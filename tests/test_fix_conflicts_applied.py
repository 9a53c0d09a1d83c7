"""The fixes of one run applied together (helper round fixconflicts2): realistic setups that draw findings of
several rules, every fix applied as its text says, then linted again; nothing new may appear and nothing be left."""

from __future__ import annotations

import textwrap
from pathlib import Path

from kubelint_scrape.engine import Options, lint_paths
from manifests import cluster_scraper

PROXIED_STATS = """\
    - job_name: kubelet-stats
      scheme: https
      authorization:
        credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token
      tls_config:
        ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
      kubernetes_sd_configs:
        - role: node
      relabel_configs:
        - target_label: __address__
          replacement: kubernetes.default.svc:443
        - source_labels: [__meta_kubernetes_node_name]
          regex: (.+)
          target_label: __metrics_path__
          replacement: /api/v1/nodes/${1}/proxy/stats/summary
"""

# KS209's fix: the relabel rules deleted, the path and tls_config it writes set (its own tls_config replaced)
DIRECT_STATS = """\
    - job_name: kubelet-stats
      scheme: https
      authorization:
        credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token
      metrics_path: /metrics/resource
      tls_config:
        insecure_skip_verify: true  # kubelint-scrape: ignore[KS301] kubelets self-sign their serving certificates
      kubernetes_sd_configs:
        - role: node
"""

PROXY_RULE = """\
  - apiGroups: [""]
    resources: ["nodes", "nodes/proxy"]
    verbs: ["get", "list", "watch"]
"""


def _lint(tmp_path: Path, scrape: str, rules: str) -> dict:
    (tmp_path / "m.yaml").write_text(cluster_scraper(textwrap.dedent(rules), textwrap.dedent(scrape)))
    found: dict = {}
    for finding in lint_paths([str(tmp_path)], Options()).findings:
        found.setdefault(finding.rule, []).append(finding)
    return found


def _rules_of(fix: str) -> str:
    """The rules a "replace this rule with" fix writes: its lines after the colon that ends the first line."""
    return "".join(line + "\n" for line in fix.split(":\n", 1)[1].splitlines())


def test_ks203_rewrite_of_a_proxied_kubelet_grant_agrees_with_ks201(tmp_path):
    """A JSON /stats scrape through the node proxy draws KS209, KS310, KS201 and KS203 on one rule. KS203's rewrite
    kept get nodes/proxy (the job uses it) while KS201's wrote nodes/metrics in its place: two "replace this rule"
    texts for one rule, and applied in that order KS203's put nodes/proxy back (KS201 again). KS203 now writes
    KS201's trade, after KS209's move; every fix applied, nothing is left."""
    found = _lint(tmp_path, PROXIED_STATS, PROXY_RULE)
    assert {"KS201", "KS203", "KS209", "KS310"} <= found.keys(), found.keys()
    [ks201], [ks203] = found["KS201"], found["KS203"]
    assert _rules_of(ks203.fix) == _rules_of(ks201.fix), (ks203.fix, ks201.fix)
    assert "nodes/proxy" not in _rules_of(ks203.fix)
    assert ks203.fix.startswith('Once job "kubelet-stats" scrapes the kubelets directly on :10250 (KS209)'), ks203.fix
    # every fix applied: KS209's job (KS310's path with it), the rule as KS201 and KS203 both write it
    assert _lint(tmp_path, DIRECT_STATS, _rules_of(ks203.fix)) == {}


def test_ks203_keeps_nodes_proxy_for_a_direct_kubelet_path_it_alone_authorizes(tmp_path):
    """No trade where the kubelet checks the path only as nodes/proxy (/debug/pprof/ on :10250): KS201 keeps the grant
    as well, and KS203's rewrite still holds nodes/proxy."""
    pprof = PROXIED_STATS.replace("/proxy/stats/summary", "/proxy/debug/pprof/")
    found = _lint(tmp_path, pprof, PROXY_RULE)
    [ks203] = found["KS203"]
    assert 'resources: ["nodes/proxy"]' in ks203.fix and not ks203.fix.startswith("Once"), ks203.fix


DISCOVERY = """\
    - job_name: pods
      kubernetes_sd_configs:
        - role: pod
    - job_name: endpoints
      kubernetes_sd_configs:
        - role: endpoints
"""


def test_ks604_switch_says_it_replaces_ks101s_endpoints_grant(tmp_path):
    """role: endpoints without list/watch on endpoints draws KS101 (grant them) and KS604 (switch to endpointslice
    and grant endpointslices). Both applied, the endpoints grant was unused at once (a new KS203). KS604 now says
    the switch replaces that grant; applied with KS203's and KS204's rewrite of the over-broad rule, nothing is left."""
    found = _lint(tmp_path, DISCOVERY, '  - apiGroups: [""]\n    resources: ["pods", "services", "secrets"]\n'
                                      '    verbs: ["get", "list", "watch"]\n')
    assert {"KS101", "KS203", "KS204", "KS604"} <= found.keys(), found.keys()
    [ks604], [ks203] = found["KS604"], found["KS203"]
    assert "This replaces KS101's list and watch on endpoints for monitoring/prometheus" in ks604.fix, ks604.fix
    assert "secrets" not in _rules_of(ks203.fix)  # KS204's removal, the same rewrite
    switched = DISCOVERY.replace("role: endpoints", "role: endpointslice")
    granted = _rules_of(ks203.fix) + ('  - {apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], '
                                      'verbs: ["list", "watch"]}\n')
    assert _lint(tmp_path, switched, granted) == {}
    # and the KS101 grant added as well is what KS604 warns of: unused
    both = _lint(tmp_path, switched, granted + '  - {apiGroups: [""], resources: ["endpoints"], verbs: ["list", "watch"]}\n')
    assert list(both) == ["KS203"], both


def test_ks203_rewrite_says_what_ks604s_switch_leaves_out(tmp_path):
    """role: endpoints with an over-broad rule: KS203 rewrites the rule keeping endpoints (used today), KS604 says to
    drop endpoints once switched. Applied KS604 first, KS203's rewrite put endpoints back (KS203 again): the rewrite
    now says to leave it out with the switch, and so applied in that order nothing is left."""
    endpoints = "    - job_name: endpoints\n      kubernetes_sd_configs:\n        - role: endpoints\n"
    found = _lint(tmp_path, endpoints, '  - apiGroups: [""]\n    resources: ["endpoints", "pods", "services", "nodes"]\n'
                                       '    verbs: ["list", "watch"]\n')
    assert {"KS203", "KS604"} <= found.keys(), found.keys()
    [ks203] = found["KS203"]
    assert ks203.fix.endswith('With KS604\'s switch to role endpointslice, leave "endpoints" out of it: that role never '
                              'reads Endpoints.'), ks203.fix
    rewrite = _rules_of(ks203.fix).split("With KS604")[0].replace('"endpoints", ', "")
    switched = endpoints.replace("role: endpoints", "role: endpointslice")
    slices = '  - {apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list", "watch"]}\n'
    assert _lint(tmp_path, switched, rewrite + slices) == {}
    # without the switch, the rewrite as printed is the whole fix
    assert _lint(tmp_path, endpoints, _rules_of(ks203.fix).split("With KS604")[0]).keys() == {"KS604"}



def test_ks203_rewrite_of_an_endpoints_only_rule_says_to_delete_it_with_ks604s_switch(tmp_path):
    """When the rewrite keeps only endpoints list/watch, leaving "endpoints" out would leave `resources: []`, which
    the API server refuses: with the switch the rule goes."""
    endpoints = "    - job_name: endpoints\n      kubernetes_sd_configs:\n        - role: endpoints\n"
    others = '  - {apiGroups: [""], resources: ["pods", "services"], verbs: ["list", "watch"]}\n'
    found = _lint(tmp_path, endpoints, '  - apiGroups: [""]\n    resources: ["endpoints"]\n'
                                       '    verbs: ["get", "list", "watch"]\n' + others)
    [ks203] = found["KS203"]
    assert ks203.fix.endswith("With KS604's switch to role endpointslice, delete this rule instead: that role never "
                              "reads Endpoints, and nothing else in the rule is used."), ks203.fix
    switched = endpoints.replace("role: endpoints", "role: endpointslice")
    slices = '  - {apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list", "watch"]}\n'
    assert _lint(tmp_path, switched, others + slices) == {}


OPERATOR = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus, namespace: monitoring}
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec:
  serviceAcountName: prometheus
  serviceDiscoveryRole: EndpointSlice
  serviceMonitorSelector: {}
  serviceMonitorNamespaceSelector: {}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: app, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  endpoints: [{port: metrics}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  selector: {app: web}
  ports: [{name: metrics, port: 8080}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: prometheus, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus}
subjects: [{kind: ServiceAccount, name: prometheus, namespace: monitoring}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: prometheus}
rules:
  - {apiGroups: [""], resources: ["pods", "services"], verbs: ["list", "watch"]}
  - {apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list", "watch"]}
"""


def _rules(tmp_path: Path, text: str) -> dict:
    (tmp_path / "m.yaml").write_text(text)
    found: dict = {}
    for finding in lint_paths([str(tmp_path)], Options()).findings:
        found.setdefault(finding.rule, []).append(finding)
    return found


def test_ks101_account_fix_writes_the_misspelt_key_right_in_its_place(tmp_path):
    """`serviceAcountName` in a Prometheus spec: KS602 renames it, and KS101 (the scraper runs as `default`) said
    "Set `serviceAccountName: prometheus`". Applied KS101 first (the key added) then KS602 (the typo renamed), the
    spec held serviceAccountName twice: KS005. KS101 now writes the key in place of the misspelt one; applied, then
    KS602's rename (nothing left to rename), nothing is left."""
    found = _rules(tmp_path, OPERATOR)
    assert {"KS101", "KS602"} <= found.keys(), found.keys()
    [ks101] = found["KS101"]
    assert ks101.fix.startswith("Write `serviceAccountName: prometheus` in place of `serviceAcountName` in the spec "
                                "of Prometheus monitoring/k8s"), ks101.fix
    assert _rules(tmp_path, OPERATOR.replace("serviceAcountName: prometheus", "serviceAccountName: prometheus")) == {}
    # KS604's note of the account (role endpoints) makes the same edit
    endpoints = OPERATOR.replace("  serviceDiscoveryRole: EndpointSlice\n", "").replace('"pods", "services"',
                                                                                         '"endpoints", "pods", "services"')
    [ks604] = _rules(tmp_path, endpoints)["KS604"]
    assert "write `serviceAccountName: prometheus` in place of `serviceAcountName`" in ks604.fix, ks604.fix


def test_ks101_account_fix_in_a_pod_template_with_a_misspelt_key(tmp_path):
    """The same in a workload's pod template (no KS602 there: the kinds' unknown fields are not read), where a
    literal "Set" beside the misspelt key left it for kubectl apply's strict decoding to refuse."""
    text = cluster_scraper('- {apiGroups: [""], resources: ["pods"], verbs: ["list", "watch"]}',
                           "- job_name: pods\n  kubernetes_sd_configs:\n    - role: pod")
    [ks101] = _rules(tmp_path, text.replace("serviceAccountName: prometheus", "serviceAcountName: prometheus"))["KS101"]
    assert ks101.fix.startswith("Write `serviceAccountName: prometheus` in place of `serviceAcountName` in the pod "
                                "template of Deployment monitoring/prometheus"), ks101.fix
    # the deprecated alias `serviceAccount` names the account: no misspelling
    assert "KS101" not in _rules(tmp_path, text.replace("serviceAccountName: prometheus", "serviceAccount: prometheus"))
