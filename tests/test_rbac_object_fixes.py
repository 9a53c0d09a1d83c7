"""Fix texts of the RBAC-object rules that depend on what the scrapers holding the rule need."""

from __future__ import annotations

from pathlib import Path

from kubelint_scrape.engine import Options, lint_paths
from manifests import prometheus_deployment

SCRAPER = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus, namespace: monitoring}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: prometheus}
rules:
- apiGroups: [""]
  resources: [nodes, services, endpoints, pods]
  verbs: [get, list, watch]
- apiGroups: [extensions]
  resources: [ingresses]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: prometheus}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus}
subjects:
- {kind: ServiceAccount, name: prometheus, namespace: monitoring}
---
""" + prometheus_deployment() + """---
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus, namespace: monitoring}
data:
  prometheus.yml: |
    scrape_configs:
    - job_name: pods
      kubernetes_sd_configs:
      - role: ROLE
"""

GRAFANA = """\
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: grafana-shares-it}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus}
subjects:
- {kind: ServiceAccount, name: grafana, namespace: monitoring}
"""


def _ks503_fix(tmp_path: Path, text: str) -> str:
    (tmp_path / "all.yaml").write_text(text)
    findings = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS503"]
    assert len(findings) == 1, findings
    return findings[0].fix


def test_ks503_fix_deletes_a_dead_entry_no_job_of_its_scraper_reads(tmp_path: Path) -> None:
    fix = _ks503_fix(tmp_path, SCRAPER.replace("ROLE", "pod"))
    assert fix.startswith("Delete 'ingresses' from this rule: no scrape job of monitoring/prometheus reads ingresses")
    assert 'move \'ingresses\' out of this rule into one for the group that serves it: {apiGroups: ["networking.k8s.io"]' in fix


def test_ks503_fix_moves_the_entry_when_a_job_discovers_it(tmp_path: Path) -> None:
    fix = _ks503_fix(tmp_path, SCRAPER.replace("ROLE", "ingress"))
    assert fix.startswith("Move 'ingresses' out of this rule into one for the group that serves it")


def test_ks503_fix_moves_the_entry_when_another_subject_holds_the_rule(tmp_path: Path) -> None:
    # what Grafana's token needs is not modelled: deleting the entry could take away what it uses
    fix = _ks503_fix(tmp_path, SCRAPER.replace("ROLE", "pod") + GRAFANA)
    assert fix.startswith("Move 'ingresses' out of this rule")


AGGREGATED = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus, namespace: monitoring}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: prometheus}
aggregationRule:
  clusterRoleSelectors:
  - matchExpressions:
    - {key: example.com/aggregate-to-prometheus, operator: OPERATOR, VALUES}
    EXTRA
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: prometheus-parts
  labels: {example.com/aggregate-to-prometheus: "true"}
rules:
- nonResourceURLs: ["/metrics"]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: prometheus}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus}
subjects:
- {kind: ServiceAccount, name: prometheus, namespace: monitoring}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus, namespace: monitoring}
data:
  prometheus.yml: |
    scrape_configs:
    - job_name: apiserver
      scheme: https
      authorization: {credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token}
      tls_config: {ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt}
      static_configs: [{targets: [kubernetes.default.svc:443]}]
---
""" + prometheus_deployment()


def _aggregated(tmp_path: Path, operator: str, values: str, extra: str = "") -> list:
    text = AGGREGATED.replace("OPERATOR", operator).replace(", VALUES", values).replace("EXTRA", extra)
    (tmp_path / "all.yaml").write_text(text)
    return lint_paths([str(tmp_path)], Options()).findings


def test_ks501_fix_of_an_exclusion_only_selector_warns_it_would_select_cluster_admin(tmp_path: Path) -> None:
    # `DoesNotExist` with values is refused; deleting `values` alone (the first half of the fix) makes the
    # ClusterRole valid and select every unlabelled ClusterRole, cluster-admin included (KS206)
    [finding] = [f for f in _aggregated(tmp_path, "DoesNotExist", ', values: ["true"]') if f.rule == "KS501"]
    assert "cluster-admin included" in finding.fix and "In/Exists expression" in finding.fix
    assert "KS206" in {f.rule for f in _aggregated(tmp_path, "DoesNotExist", "")}
    # applied in full (an In/Exists expression beside it), no KS501 and no cluster-admin
    rules = {f.rule for f in _aggregated(tmp_path, "DoesNotExist", "",
                                        "- {key: example.com/aggregate-to-prometheus, operator: Exists}")}
    assert not rules & {"KS501", "KS206"}, rules


def test_ks501_fix_of_notin_without_values_does_not_offer_exists(tmp_path: Path) -> None:
    # `Exists` means the opposite of `NotIn`; and NotIn alone selects every ClusterRole without the value
    [finding] = [f for f in _aggregated(tmp_path, "NotIn", "") if f.rule == "KS501"]
    assert "Exists`" not in finding.fix.split(".")[0] and "cluster-admin included" in finding.fix


def test_ks501_fix_without_caution_when_the_selector_names_roles(tmp_path: Path) -> None:
    [finding] = [f for f in _aggregated(tmp_path, "DoesNotExist", ', values: ["x"]',
                                        "- {key: example.com/aggregate-to-prometheus, operator: Exists}")
                 if f.rule == "KS501"]
    assert "cluster-admin" not in finding.fix
