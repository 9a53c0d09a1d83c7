"""Which collector components beside the prometheus receivers call the Kubernetes API with the collector's
identity (otel._unmodelled_components): their needs are not modelled, so KS203 must not call the grants they use
unused."""

from __future__ import annotations

import pytest

from kubelint_scrape.load import parse_text
from kubelint_scrape.otel import _unmodelled_components


def _config(processors: str):
    text = "receivers:\n  prometheus: {config: {scrape_configs: []}}\nprocessors:\n" + processors
    docs, findings, _text = parse_text("collector.yaml", text)
    assert not findings
    return docs[0].root


@pytest.mark.parametrize("detectors", ["[k8s_api]", "[env, k8snode]", "[openshift]", "[system, kubeadm]", "[eks]"])
def test_resourcedetection_detectors_that_ask_the_api_server(detectors: str) -> None:
    config = _config(f"  resourcedetection/node:\n    detectors: {detectors}\n")
    assert _unmodelled_components(config, {"prometheus"}) == ["processors.resourcedetection/node"]


@pytest.mark.parametrize("detectors", ["[env, system]", "[gcp, ec2, azure]", "[]"])
def test_resourcedetection_detectors_that_read_the_host_or_the_cloud(detectors: str) -> None:
    config = _config(f"  resourcedetection:\n    detectors: {detectors}\n  batch: {{}}\n")
    assert _unmodelled_components(config, {"prometheus"}) == []


def test_components_the_service_does_not_start_call_nothing() -> None:
    # The collector builds only the processors its pipelines name and the extensions service.extensions lists: a
    # configured resourcedetection in no pipeline gets no node, so KS203 may call the grant it would use unused.
    text = ("receivers:\n  prometheus: {config: {scrape_configs: []}}\n"
            "processors:\n  resourcedetection: {detectors: [k8snode]}\n  k8sattributes: {}\n"
            "extensions:\n  k8s_observer: {}\n  k8s_leader_elector: {}\n"
            "service:\n  extensions: [k8s_observer]\n"
            "  pipelines:\n    metrics: {receivers: [prometheus], processors: [k8sattributes], exporters: [debug]}\n")
    docs, findings, _text = parse_text("collector.yaml", text)
    assert not findings
    assert _unmodelled_components(docs[0].root, {"prometheus"}) == ["processors.k8sattributes", "extensions.k8s_observer"]
