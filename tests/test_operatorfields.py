"""KS602's misspelt keys of Prometheus Operator objects (operatorfields.py): the field lists and the typo distance."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest

from kubelint_scrape import operatorfields
from kubelint_scrape.load import parse_source
from kubelint_scrape.k8svalidate import refused_by_server, source_findings
from kubelint_scrape.model import iter_documents
from kubelint_scrape.operatorfields import allowed_distance, known_fields, typo_of
from kubelint_scrape.spelling import edit_distance

ROOT = Path(__file__).resolve().parent.parent
PASS = [ROOT / "fixtures" / "KS602" / "pass-monitor-fields-new-and-unusual" / "monitors.yaml",
        ROOT / "fixtures" / "KS602" / "pass-runner-fields-new-and-unusual" / "runners.yaml",
        ROOT / "fixtures" / "KS602" / "pass-runner-fields-new-and-unusual" / "sd.yaml"]


def load_source(path: str):
    return parse_source(path, Path(path).read_text(encoding="utf-8"))


LISTS = [(kind, where, fields) for kind, maps in known_fields().items() for where, fields in maps.items()]


@pytest.mark.parametrize(("kind", "where", "fields"), LISTS, ids=[f"{k}:{w}" for k, w, _ in LISTS])
def test_no_real_field_is_a_typo_of_another(kind, where, fields):
    """Were any field of a list missing (a release newer than the list), it would still not be reported as a typo
    of another real field: the distance the check allows stays below the distance between real fields."""
    for field in fields:
        assert typo_of(field, tuple(f for f in fields if f != field)) is None, field
    for a, b in combinations(fields, 2):
        assert edit_distance(a.lower(), b.lower()) > min(allowed_distance(a), allowed_distance(b)), (a, b)


def test_lists_have_no_duplicates_and_cover_the_six_kinds():
    assert set(known_fields()) == {"ServiceMonitor", "PodMonitor", "Probe", "ScrapeConfig", "Prometheus", "PrometheusAgent"}
    for _kind, _where, fields in LISTS:
        assert len(set(fields)) == len(fields)


@pytest.mark.parametrize(("key", "fields", "expected"), [
    ("endpoint", ("endpoints", "selector"), "endpoints"),
    ("podMetricEndpoints", ("podMetricsEndpoints",), "podMetricsEndpoints"),
    ("prot", ("port", "path"), "port"),
    ("pth", ("port", "path"), "path"),
    ("namespaceSelecter", ("namespaceSelector", "selector"), "namespaceSelector"),
    ("bearerTokenfile", ("bearerTokenFile", "bearerTokenSecret"), "bearerTokenFile"),
    ("relabellings", ("relabelings", "metricRelabelings"), "relabelings"),
    ("enableHttp2", ("enableHTTP2",), "enableHTTP2"),  # a ScrapeConfig spells it in capitals, an endpoint not
    ("futureScrapeKnob", ("scrapeTimeout", "scrapeClass"), None),  # far from all: a newer field
    ("ports", ("port", "path"), "port"),
    ("pat", ("port", "path"), "path"),
    ("prt", ("port", "path"), "port"),
    ("po", ("port",), None),  # too short to tell
    ("paths", ("port",), None),  # two from `port`, a short name: not taken for it
])
def test_typo_of(key, fields, expected):
    assert typo_of(key, fields) == expected


def test_a_field_the_mapping_already_holds_is_not_suggested():
    assert typo_of("endpoint", ("endpoints",), {"endpoints": [], "endpoint": []}) is None


def test_lists_are_read_only_for_operator_objects(tmp_path):
    operatorfields.known_fields.cache_clear()
    path = tmp_path / "rbac.yaml"
    path.write_text("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: prometheus, namespace: monitoring}\n")
    source_findings(load_source(str(path)))
    assert operatorfields.known_fields.cache_info().currsize == 0


def test_pass_fixture_writes_every_known_field():
    """The pass fixture (no KS602) holds every field of every list at its place, so a real field reported as a
    typo would show there."""
    seen: dict[tuple[str, str], set] = {}
    docs = [doc for path in PASS for _document, doc in iter_documents(load_source(str(path)))]
    for doc in docs:
        kind = doc.get("kind")
        if kind not in known_fields():
            continue  # (the runners' ServiceAccount)
        for where in known_fields()[kind]:
            for mapping, _path in operatorfields._mappings(doc["spec"], where):
                seen.setdefault((kind, where), set()).update(mapping)
    for kind, where, fields in LISTS:
        assert set(fields) <= seen.get((kind, where), set()), (kind, where, set(fields) - seen.get((kind, where), set()))


def test_a_misspelt_key_does_not_refuse_the_object(tmp_path):
    """Strict validation only (STRICT_ONLY): the API server drops the field and stores the monitor."""
    path = tmp_path / "monitor.yaml"
    path.write_text("apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: web}\n"
                    "spec:\n  selector: {}\n  endpoints:\n    - prot: web\n")
    source = load_source(str(path))
    findings = source_findings(source)
    assert [(f.rule, f.data["check"], f.data["suggestion"], f.data["path"]) for f in findings] == [
        ("KS602", "schema:additional", "port", "spec.endpoints[0].prot")]
    assert findings[0].fix == 'Rename "prot" to "port".'
    doc = next(doc for _document, doc in iter_documents(source))
    assert not refused_by_server(source, doc)


def test_a_misspelt_required_field_is_one_refusal_at_the_key(tmp_path):
    """`selecter:` leaves spec.selector missing: the API server refuses the object (not STRICT_ONLY), reported once,
    at the misspelt key, fixed by the rename rather than by adding a second key."""
    path = tmp_path / "monitor.yaml"
    path.write_text("apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: web}\n"
                    "spec:\n  selecter: {}\n  endpoints:\n    - port: web\n")
    source = load_source(str(path))
    findings = source_findings(source)
    assert [(f.data["check"], f.span.line, f.span.column, f.fix) for f in findings] == [
        ("schema:required", 5, 3, 'Rename "selecter" to "selector".')]
    doc = next(doc for _document, doc in iter_documents(source))
    assert refused_by_server(source, doc)
