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
