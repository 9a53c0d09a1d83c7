"""KS604's relabel renames must keep what the rules select once the job is on role endpointslice."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kubelint_scrape.checks.config import ENDPOINT_LABELS
from kubelint_scrape.cli import main

FIXTURES = Path(__file__).parent.parent / "fixtures" / "KS604"


def test_endpoints_name_is_renamed_to_the_service_name() -> None:
    # The Endpoints object carries its Service's name; an EndpointSlice is `<service>-<suffix>` (generateName), so
    # `keep regex: node-exporter` on __meta_kubernetes_endpointslice_name would keep nothing. prometheus
    # discovery/kubernetes endpointslice.go sets __meta_kubernetes_service_name from the slice's
    # kubernetes.io/service-name label: the same value endpoints_name had.
    assert ENDPOINT_LABELS["__meta_kubernetes_endpoints_name"] == "__meta_kubernetes_service_name"
    result = CliRunner().invoke(main, ["check", "--format", "json", str(FIXTURES / "fail-endpoints-name-keep")])
    (finding,) = [f for f in json.loads(result.output)["findings"] if f["rule"] == "KS604"]
    assert finding["data"]["renames"] == {"__meta_kubernetes_endpoints_name": "__meta_kubernetes_service_name"}
    assert "__meta_kubernetes_endpointslice_name" not in finding["fix"]
