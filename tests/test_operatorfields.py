"""KS602's misspelt keys of Prometheus Operator objects (operatorfields.py): the field lists and the typo distance."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubelint_scrape import operatorfields
from kubelint_scrape.load import parse_source, parse_text
from kubelint_scrape.k8svalidate import refused_by_server, source_findings
from kubelint_scrape.model import iter_documents
from kubelint_scrape.operatorfields import allowed_distance, known_fields, typo_of
from kubelint_scrape.spelling import edit_distance

ROOT = Path(__file__).resolve().parent.parent
PASS = (ROOT / "fixtures" / "KS602" / "pass-monitor-fields-new-and-unusual" / "monitors.yaml",
        ROOT / "fixtures" / "KS602" / "pass-prometheus-fields-all-and-future" / "prometheus.yaml",
        ROOT / "fixtures" / "KS602" / "pass-vm-scrape-fields-all-and-future" / "scrapes.yaml",
        ROOT / "fixtures" / "KS602" / "pass-runner-fields-new-and-unusual" / "runners.yaml",
        ROOT / "fixtures" / "KS602" / "pass-runner-fields-new-and-unusual" / "sd.yaml")


def load_source(path: str):
    return parse_source(path, Path(path).read_text(encoding="utf-8"))


LISTS = [(kind, where, fields) for kind, maps in known_fields().items() for where, fields in maps.items()]
# One field spelt two ways by different operator releases (operator-fields.json `_about`): both listed on purpose,
# each a typo's distance (case) from the other, neither ever reported.
RESPELT = {frozenset({"NomadSDConfigs", "nomadSDConfigs"})}


@pytest.mark.parametrize(("kind", "where", "fields"), LISTS, ids=[f"{k}:{w}" for k, w, _ in LISTS])
def test_no_real_field_is_a_typo_of_another(kind, where, fields):
    """Were any field of a list missing (a release newer than the list), it would still not be reported as a typo
    of another real field: the distance the check allows stays below the distance between real fields."""
    fold = operatorfields.fold_vm if kind in operatorfields.VM_KINDS else operatorfields.fold_case
    for field in fields:
        others = tuple(f for f in fields if f != field and frozenset({f, field}) not in RESPELT)
        assert typo_of(field, others, (), fold) is None, field
    for a, b in combinations(fields, 2):
        if frozenset({a, b}) in RESPELT:
            continue
        assert edit_distance(fold(a), fold(b)) > min(allowed_distance(a), allowed_distance(b)), (a, b)
        assert fold(a) != fold(b), (a, b)  # one field, listed twice


def test_one_edit_names_are_exactly_the_long_ones_two_edits_from_another():
    """`_one_edit` (read at lint time, not computed: the pairs cost a fifth of a second per long list) holds
    exactly the long names another real field of their list is two edits from."""
    needed = set()
    for kind, _where, fields in LISTS:
        fold = operatorfields.fold_vm if kind in operatorfields.VM_KINDS else operatorfields.fold_case
        for a, b in combinations(fields, 2):
            if abs(len(a) - len(b)) <= 2 and edit_distance(fold(a), fold(b)) == 2:
                needed.update(f for f in (a, b) if len(f) >= operatorfields.LONG_NAME)
    assert operatorfields._lists()["_one_edit"] == needed


def test_close_real_fields_take_one_edit():
    """podScrapeSelector and nodeScrapeSelector (a VMAgent's) are two apart: one edit each, so a key one edit from
    either is that one, and neither is the other's typo."""
    fields = ("podScrapeSelector", "nodeScrapeSelector", "serviceScrapeSelector")
    assert [allowed_distance(f) for f in fields] == [1, 1, 2]
    assert typo_of("podScrapeSelecter", fields, (), operatorfields.fold_vm) == "podScrapeSelector"
    assert typo_of("nodeScrapeSelector", fields[:1], (), operatorfields.fold_vm) is None
    assert typo_of("serviceScrapeSelecter", fields, (), operatorfields.fold_vm) == "serviceScrapeSelector"


def test_lists_have_no_duplicates_and_cover_the_kinds_checked():
    assert set(known_fields()) == operatorfields.KINDS
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
    """The pass fixtures (no KS602) hold every field of every list at its place, so a real field reported as a
    typo would show there."""
    seen: dict[tuple[str, str], set] = {}
    for _document, doc in (item for path in PASS for item in iter_documents(load_source(str(path)))):
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


def test_inline_fields_are_expanded_into_each_list():
    """Prometheus and PrometheusAgent share CommonPrometheusFields (json:",inline"): both lists hold them, each its
    own fields too (the agent's mode, the server's rules and retention), and no "..." entry is left."""
    prometheus, agent = known_fields()["Prometheus"]["spec"], known_fields()["PrometheusAgent"]["spec"]
    assert {"serviceMonitorSelector", "shards", "scrapeClasses"} <= set(prometheus) & set(agent)
    assert "mode" in agent and "mode" not in prometheus
    assert {"retention", "ruleSelector", "evaluationInterval"} <= set(prometheus) - set(agent)
    assert not any(field.startswith("...") for _kind, _where, fields in LISTS for field in fields)


@pytest.mark.parametrize(("spec", "expected"), [
    ("{serviceMonitorSelecter: {}}", "serviceMonitorSelecter"),
    ("{servicemonitorselector: {}}", "servicemonitorselector"),  # case aside
    ("{serviceMonitorSelector: null, serviceMonitorSelecter: {}}", None),  # written: a null selector, not a typo
    ("{podMonitorSelector: {}}", None),
    ("{serviceMonitorNamespaceSelector: {}}", None),  # a real field, far from the selector
])
def test_misspelling_of_a_runner_selector(spec, expected):
    doc = parse_text("x.yaml", f"spec: {spec}\n")[0][0].root
    assert operatorfields.misspelling_of(doc["spec"], "Prometheus", "serviceMonitorSelector") == expected


@pytest.mark.parametrize(("key", "expected"), [
    ("scrapeInterval", None),  # the VictoriaMetrics operator's case:ignore: scrape_interval itself
    ("attachMetadata", None),
    ("Scrape-Interval", None),
    ("scrapeIntervall", "scrape_interval"),
    ("vmScrapeParam", "vm_scrape_params"),  # two edits once folded, a long name
    ("relabelConfig", "relabelConfigs"),
    ("prot", "port"),
])
def test_typo_of_with_the_victoriametrics_folding(key, expected):
    fields = known_fields()["VMServiceScrape"]["spec.endpoints[]"] + ("attach_metadata",)
    assert typo_of(key, fields, (), operatorfields.fold_vm) == expected


def test_a_field_held_in_another_spelling_is_not_suggested_to_the_victoriametrics_operator():
    fields = ("scrape_interval", "interval")
    assert typo_of("scrapeIntervall", fields, {"scrapeInterval": "30s"}, operatorfields.fold_vm) is None
    assert typo_of("scrapeIntervall", fields, {"port": "web"}, operatorfields.fold_vm) == "scrape_interval"


def test_vm_lists_are_read_for_vmagents_and_scrape_objects_only(tmp_path):
    """A VMRule or a VMScrapeConfig (no list) reads no list; a VMAgent and a VMServiceScrape do."""
    operatorfields.known_fields.cache_clear()
    path = tmp_path / "vm.yaml"
    path.write_text("apiVersion: operator.victoriametrics.com/v1beta1\nkind: VMRule\nmetadata: {name: a}\n"
                    "spec: {grups: []}\n---\napiVersion: operator.victoriametrics.com/v1beta1\nkind: VMScrapeConfig\n"
                    "metadata: {name: b}\nspec: {staticConfig: []}\n")
    assert source_findings(load_source(str(path))) == []
    assert operatorfields.known_fields.cache_info().currsize == 0
    path.write_text("apiVersion: operator.victoriametrics.com/v1beta1\nkind: VMServiceScrape\nmetadata: {name: a}\n"
                    "spec: {endpoint: []}\n---\napiVersion: operator.victoriametrics.com/v1beta1\nkind: VMAgent\n"
                    "metadata: {name: a}\nspec: {serviceScrapeSelecter: {}, nodeScrapeSelecter: {}}\n")
    findings = source_findings(load_source(str(path)))
    assert [(f.data["path"], f.data["suggestion"]) for f in findings] == [
        ("spec.endpoint", "endpoints"), ("spec.serviceScrapeSelecter", "serviceScrapeSelector"),
        ("spec.nodeScrapeSelecter", "nodeScrapeSelector")]
    assert "the operator does not read it" in findings[0].message


@settings(max_examples=400, deadline=None)
@given(st.text("abc-1", max_size=9), st.text("abc-1", max_size=9), st.integers(0, 3))
def test_within_edits_answers_as_the_full_distance(a: str, b: str, limit: int) -> None:
    """The shortcut (lengths, then only what differs between the shared prefix and suffix) never changes the answer."""
    from kubelint_scrape.spelling import within_edits

    assert within_edits(a, b, limit) == (edit_distance(a, b) <= limit)
    assert within_edits(f"prometheus-{a}", f"prometheus-{b}", limit) == (edit_distance(a, b) <= limit)


def test_a_misspelling_beside_its_field_is_a_leftover_warning(tmp_path):
    """`shedulerName:` beside `schedulerName:` was not reported (typo_of skips a field the mapping holds): the API
    server drops the key (kubectl apply refuses the object until it goes), the object keeps the field as correctly
    spelt. A warning whose fix removes the key, not a rename that would write the field twice."""
    path = tmp_path / "prometheus.yaml"
    path.write_text("apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s, namespace: monitoring}\n"
                    "spec:\n  schedulerName: default-scheduler\n  shedulerName: other\n  serviceMonitorSelector: {}\n")
    [finding] = [f for f in source_findings(load_source(str(path))) if f.rule == "KS602"]
    assert finding.requested_severity == "warning" and finding.span.line == 6, finding
    assert 'unknown field "shedulerName" in spec, a misspelling of "schedulerName", which spec also sets' in finding.message
    assert finding.fix.startswith('Remove "shedulerName"'), finding.fix


def test_a_field_an_older_release_spells_otherwise_is_not_a_typo(tmp_path):
    """The release that brought a ScrapeConfig's Nomad SD wrote it `NomadSDConfigs` (json tag, prometheus-operator
    #6485), later ones `nomadSDConfigs`: written either way it was reported as an error, `NomadSDConfigs` as a
    misspelling of `nomadSDConfigs` and both together as a leftover, on a cluster whose CRD defines it."""
    path = tmp_path / "scrapeconfig.yaml"
    for spec in ("  NomadSDConfigs: [{server: http://nomad:4646}]\n",
                 "  nomadSDConfigs: [{server: http://nomad:4646}]\n",
                 "  NomadSDConfigs: [{server: http://nomad:4646}]\n  nomadSDConfigs: [{server: http://nomad:4646}]\n"):
        path.write_text("apiVersion: monitoring.coreos.com/v1alpha1\nkind: ScrapeConfig\n"
                        "metadata: {name: nomad, namespace: monitoring}\nspec:\n" + spec)
        assert [f for f in source_findings(load_source(str(path))) if f.rule == "KS602"] == [], spec
    # a typo of it is still one, named after the current spelling (listed first)
    path.write_text("apiVersion: monitoring.coreos.com/v1alpha1\nkind: ScrapeConfig\n"
                    "metadata: {name: nomad, namespace: monitoring}\nspec:\n  nomadSDConfig: [{server: x}]\n")
    [finding] = [f for f in source_findings(load_source(str(path))) if f.rule == "KS602"]
    assert '(did you mean "nomadSDConfigs"?)' in finding.message, finding.message
