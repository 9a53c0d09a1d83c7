"""Fixes and related locations of findings reproducing the real-world failure modes of FACTS §9.

The fixture snapshots (tests/test_fixtures.py) hold the concise report; the fix text a finding carries is
checked here.
"""

from __future__ import annotations

from pathlib import Path

from kubelint_scrape.engine import Options, lint_paths

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _findings(rule: str, case: str, **options):
    result = lint_paths([str(FIXTURES / rule / case)], Options(select={rule}, **options))
    return result.findings


def test_credentials_fix_keeps_the_endpoint_tls_config() -> None:
    # kube-scheduler self-signs: the cluster CA the fix used to add would fail with x509 errors.
    [finding] = _findings("KS106", "fail-scheduler-monitor-without-token")
    assert "bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token" in finding.fix
    assert "caFile" not in finding.fix and "tlsConfig stays" in finding.fix


def test_credentials_fix_reuses_the_discovery_credentials_of_an_external_prometheus() -> None:
    [finding] = _findings("KS106", "fail-apiserver-proxy-outside-the-cluster")
    assert "credentials_file: /opt/prometheus-2.2.1.linux-amd64/kubernetes/token" in finding.fix
    assert "ca_file: /opt/prometheus-2.2.1.linux-amd64/kubernetes/ca.crt" in finding.fix
    assert "/var/run/secrets" not in finding.fix
