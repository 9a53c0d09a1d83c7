"""Jobs routed through PushProx (pushprox.py): the client, not Prometheus, makes the request."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubelint_scrape.engine import Options, lint_sources
from kubelint_scrape.load import parse_source
from kubelint_scrape.pushprox import _proxy_service
from kubelint_scrape.rbac import Identity

ROOT = Path(__file__).resolve().parent.parent
CLIENT_TOKEN = ROOT / "fixtures" / "KS106" / "pass-pushprox-client-sends-its-token"
NO_CLIENT = ROOT / "fixtures" / "KS106" / "pass-pushprox-client-not-in-inputs"
LOCALHOST = ROOT / "fixtures" / "KS305" / "pass-pushprox-client-uses-localhost"


def _jobs(case: Path, edit=lambda text: text):
    sources = [parse_source(str(p), edit(p.read_text())) for p in sorted(case.glob("*.yaml"))]
    result = lint_sources(sources, Options())
    return {j.job.name.split("/")[2]: j for j in result.analysis.jobs}


@pytest.mark.parametrize(("url", "expected"), [
    ("http://pushprox-kube-etcd-proxy.cattle-monitoring-system.svc:8080", ("cattle-monitoring-system", "pushprox-kube-etcd-proxy")),
    ("http://pushprox-kube-etcd-proxy.cattle-monitoring-system.svc.cluster.local:8080/", ("cattle-monitoring-system", "pushprox-kube-etcd-proxy")),
    ("http://pushprox-kube-etcd-proxy.cattle-monitoring-system:8080", ("cattle-monitoring-system", "pushprox-kube-etcd-proxy")),
    ("http://pushprox-kube-etcd-proxy:8080", ("own", "pushprox-kube-etcd-proxy")),
    ("http://proxy.example.com:3128", None),
])
def test_the_proxy_service_a_url_names(url, expected) -> None:
    assert _proxy_service(url, "own") == expected


def test_the_client_token_makes_the_request() -> None:
    """--token-path: the control-plane component authorizes the client's ServiceAccount, over https."""
    [need] = [n for n in _jobs(CLIENT_TOKEN)["rancher-monitoring-kube-controller-manager"].needs if n.target]
    client = Identity("cattle-monitoring-system", "pushprox-kube-controller-manager-client")
    assert need.identity == client and need.satisfied is True


def test_without_the_client_the_request_is_not_judged() -> None:
    job = _jobs(NO_CLIENT)["rancher-monitoring-kube-scheduler"]
    assert job.pushprox is not None and job.pushprox.client is None and job.pushprox.https
    assert not job.credential_gaps
    assert all(n.unchecked for n in job.needs if n.target)


def test_use_localhost_is_read_from_the_client() -> None:
    jobs = _jobs(LOCALHOST)
    assert jobs["rancher-monitoring-kube-etcd"].pushprox.use_localhost
    edited = _jobs(LOCALHOST, lambda text: text.replace("        - --use-localhost\n", ""))
    assert not edited["rancher-monitoring-kube-etcd"].pushprox.use_localhost


def test_an_ordinary_proxy_is_a_direct_scrape() -> None:
    jobs = _jobs(LOCALHOST, lambda text: text.replace("proxyUrl: http://pushprox-kube-etcd-proxy", "proxyUrl: http://squid"))
    assert jobs["rancher-monitoring-kube-etcd"].pushprox is None


SCRAPE_CONFIG = """
apiVersion: monitoring.coreos.com/v1alpha1
kind: ScrapeConfig
metadata:
  name: etcd-via-pushprox
  namespace: cattle-monitoring-system
  labels: {release: rancher-monitoring}
spec:
  proxyUrl: http://pushprox-kube-etcd-proxy.cattle-monitoring-system.svc:8080
  staticConfigs:
  - targets: ["10.0.0.5:2381"]
"""


def test_a_scrape_config_resource_keeps_its_proxy() -> None:
    """ScrapeConfig's proxyUrl (ProxyConfig inline in its spec) routes its job like a monitor endpoint's."""
    texts = {str(p): p.read_text() for p in sorted(LOCALHOST.glob("*.yaml"))}
    texts["prometheus.yaml"] = texts[str(LOCALHOST / "prometheus.yaml")].replace(
        "  serviceMonitorNamespaceSelector: {}", "  serviceMonitorNamespaceSelector: {}\n"
        "  scrapeConfigSelector:\n    matchLabels: {release: rancher-monitoring}\n  scrapeConfigNamespaceSelector: {}")
    del texts[str(LOCALHOST / "prometheus.yaml")]
    texts["scrapeconfig.yaml"] = SCRAPE_CONFIG
    result = lint_sources([parse_source(p, t) for p, t in sorted(texts.items())], Options())
    [job] = [j for j in result.analysis.jobs if j.job.name.startswith("scrapeConfig/")]
    assert job.pushprox is not None and job.pushprox.use_localhost
    assert job.pushprox.client.obj.name == "pushprox-kube-etcd-client"


def test_plain_http_from_the_client_names_the_client() -> None:
    """No --token-path and no ?_scheme=https: the client fetches the TLS-only port over http (400)."""
    case = ROOT / "fixtures" / "KS106" / "fail-pushprox-client-without-token-path"
    sources = [parse_source(str(p), p.read_text().replace("      _scheme: [https]\n", "      _scheme: [http]\n"))
               for p in sorted(case.glob("*.yaml"))]
    [finding] = [f for f in lint_sources(sources, Options()).findings if f.rule == "KS106"]
    assert "PushProx client DaemonSet" in finding.message and "400 Bad Request" in finding.message
    assert "--token-path=" in finding.fix
