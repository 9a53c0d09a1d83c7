"""The JSON and SARIF text layout: the same data as json.dumps, one line per finding / result."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kubelint_scrape.cli import main
from kubelint_scrape.report.jsontext import dumps

QUICKSTART = Path(__file__).resolve().parent.parent / "examples" / "quickstart"

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES, st.integers(min_value=0, max_value=5), st.booleans())
def test_layout_is_the_same_json(value, depth, ensure_ascii) -> None:
    text = dumps(value, depth, ensure_ascii)
    assert json.loads(text) == value
    assert text.endswith("\n")
    if ensure_ascii:
        assert text.isascii()


def test_outer_levels_are_laid_out_and_inner_values_are_one_line_each() -> None:
    value = {"files": [{"path": "a.yaml"}, {"path": "b.yaml"}], "empty": [], "n": 1}
    assert dumps(value, 2) == (
        '{\n'
        '  "files": [\n'
        '    {"path": "a.yaml"},\n'
        '    {"path": "b.yaml"}\n'
        '  ],\n'
        '  "empty": [],\n'
        '  "n": 1\n'
        '}\n'
    )


def test_json_and_sarif_reports_hold_one_finding_per_line() -> None:
    for format_name, depth, first_key in (("json", 2, "rule"), ("sarif", 4, "ruleId")):
        result = CliRunner().invoke(main, [str(QUICKSTART), "--format", format_name, "--fail-on", "never"])
        assert result.exit_code == 0, result.output
        report = json.loads(result.output)
        findings = report["findings"] if format_name == "json" else report["runs"][0]["results"]
        assert findings
        indent = "  " * depth
        lines = [line for line in result.output.splitlines() if line.startswith(f'{indent}{{"{first_key}": ')]
        assert [json.loads(line.strip().rstrip(",")) for line in lines] == findings


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _related(case: str, rule: str) -> list[tuple[str, int, int, str]]:
    result = CliRunner().invoke(main, [str(FIXTURES / case), "--format", "json", "--fail-on", "never", "--select", rule])
    assert result.exit_code == 0, result.output
    return [(Path(r["path"]).name, r["line"], r["column"], r["message"])
            for f in json.loads(result.output)["findings"] for r in f.get("related", [])]


def test_token_not_mounted_points_at_the_setting_that_turns_automount_off() -> None:
    # KS107's second place is the automountServiceAccountToken that decides, not the start of the workload
    (first, *rest) = _related("KS107/fail-serviceaccount-automount-false", "KS107")
    assert first[:3] == ("prometheus-rbac.yaml", 6, 1)
    assert first[3].startswith("ServiceAccount monitoring/prometheus sets automountServiceAccountToken: false")
    assert set(rest) <= {first}
    assert _related("KS107/fail-pod-automount-false", "KS107")[0][:3] == ("prometheus-deployment.yaml", 15, 7)


def test_credentials_over_http_names_no_scheme_the_monitor_does_not_write() -> None:
    # The endpoint sets no scheme: no 'scheme: http' related location on it, only the endpoint that selects the targets
    assert _related("KS303/fail-servicemonitor-token-over-http", "KS303") == [
        ("prometheus.yaml", 56, 7, "the workload targets it selects, scraped over http from here"),
    ]


def test_host_path_and_escalation_findings_point_at_their_second_place() -> None:
    # KS404: the volume alone exposes nothing, the mount does; KS403: the escalation matters for the capabilities added
    assert _related("KS404/fail-prometheus-resource-volume-mounts", "KS404")[0] == (
        "prometheus.yaml", 22, 18, "container prometheus mounts it at /host/etc/kubernetes (readOnly)")
    assert _related("KS403/fail-escalation-with-added-capabilities", "KS403")[0] == (
        "node-exporter.yaml", 31, 15, "adds capabilities SYS_TIME")
