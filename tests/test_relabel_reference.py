"""relabel.relabel against an independent reading of Prometheus' relabel.go (tests/relabel_reference.py), on
generated rules and concrete label sets. The regexes are drawn from a pool that means the same in Python and RE2,
so what is compared is the relabelling itself: defaults, separator, expansion of `$1`/`${1}`/`$name` in both
target_label and replacement, empty values deleting, the Builder's snapshot for labelmap/labeldrop/labelkeep,
keepequal/dropequal, hashmod, lowercase/uppercase and the target-label validity check (utf8 and legacy)."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kubelint_scrape.relabel import RelabelError, RelabelRule, relabel

from relabel_reference import process

NAMES = ["__address__", "__meta_kubernetes_node_name", "__meta_kubernetes_pod_label_app",
         "__meta_kubernetes_pod_annotation_prometheus_io_port", "__scheme__", "__tmp", "a", "b", "job"]
VALUES = st.text(alphabet="ab:1.-_/$", max_size=6)
REGEXES = ["(.*)", ".*", "(.+)", "", "a", "(a|b)", "a(.*)", "([^:]+)(?::\\d+)?;(\\d+)", "([^:]+):(\\d+)",
           "__meta_kubernetes_(.+)", "__meta_kubernetes_pod_label_(.+)", "__(.*)", "(?P<host>[^:]*):.*",
           "(a)|(b)", "(a*)(b*)", ".*;.*", "[ab]+", "__tmp|a", "(?i)A.*"]
TEMPLATES = ["$1", "${1}", "$1:$2", "${1}:10250", "$2", "$0", "x", "", "$$1", "$1x", "${1}x", "$host",
             "${host}_n", "$", "${", "$01", "__tmp_$1", "a$1", "${2}${1}"]
TARGETS = ["__address__", "__tmp", "a", "$1", "${1}", "__tmp_${1}", "x$1", "job", "0bad", "${host}"]
ACTIONS = ["replace", "keep", "drop", "keepequal", "dropequal", "hashmod", "labelmap", "labeldrop", "labelkeep",
           "lowercase", "uppercase"]


# The fields each action may carry (relabel.go Config.Validate refuses the others), so most drawn rules load.
_ONLY = {"keepequal": {"source_labels", "target_label"}, "dropequal": {"source_labels", "target_label"},
         "labeldrop": {"regex"}, "labelkeep": {"regex"}, "lowercase": {"source_labels", "target_label", "regex", "separator"},
         "uppercase": {"source_labels", "target_label", "regex", "separator"}}


@st.composite
def rules(draw) -> dict:
    action = draw(st.sampled_from(ACTIONS))
    rule: dict = {"action": action}
    if draw(st.booleans()):
        rule["source_labels"] = draw(st.lists(st.sampled_from(NAMES), max_size=3))
    if draw(st.integers(0, 4)) == 0:
        rule["separator"] = draw(st.sampled_from([":", "", ";;", "/"]))
    if draw(st.booleans()) or action in ("labeldrop", "labelkeep"):
        rule["regex"] = draw(st.sampled_from(REGEXES))
    if draw(st.booleans()) or action in ("replace", "keepequal", "dropequal", "hashmod", "lowercase", "uppercase"):
        rule["target_label"] = draw(st.sampled_from(TARGETS))
    if draw(st.booleans()):
        rule["replacement"] = draw(st.sampled_from(TEMPLATES))
    if action == "hashmod" or draw(st.integers(0, 5)) == 0:
        rule["modulus"] = draw(st.integers(1, 7))
    if action in _ONLY and draw(st.integers(0, 5)) > 0:  # mostly; otherwise the loader refuses it (skipped)
        rule = {key: value for key, value in rule.items() if key == "action" or key in _ONLY[action]}
    return rule


LABEL_SETS = st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=6)


def _tool_rules(raw: list[dict], scheme: str) -> list[RelabelRule]:
    try:
        return [RelabelRule.from_mapping(rule, name_validation=scheme) for rule in raw]
    except RelabelError:
        assume(False)
        raise


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(labels=LABEL_SETS, raw=st.lists(rules(), min_size=1, max_size=4), legacy=st.booleans())
def test_relabel_matches_reference(labels: dict[str, str], raw: list[dict], legacy: bool) -> None:
    scheme = "legacy" if legacy else "utf8"
    parsed = _tool_rules(raw, scheme)
    assert relabel(labels, parsed) == process(labels, raw, legacy=legacy)


def test_reference_examples() -> None:
    """A few hand-checked cases of the reference itself, so a bug in it does not hide one in relabel.py."""
    pod = {"__address__": "10.0.0.1:8080", "__meta_kubernetes_pod_annotation_prometheus_io_port": "9100"}
    rule = {"source_labels": ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"],
            "regex": "([^:]+)(?::\\d+)?;(\\d+)", "replacement": "$1:$2", "target_label": "__address__"}
    assert process(pod, [rule])["__address__"] == "10.0.0.1:9100"
    assert process({"a": "x"}, [{"source_labels": ["a"], "target_label": "b", "replacement": "$1x"}]) == {"a": "x"}
    assert process({"a": "x"}, [{"source_labels": ["a"], "target_label": "b", "replacement": "${1}y"}]) == {"a": "x", "b": "xy"}
    assert process({"a": "x"}, [{"action": "keepequal", "source_labels": ["a"], "target_label": "b"}]) is None
    assert process({"a": "", "b": "1"}, [{"action": "labelkeep", "regex": "a"}]) == {}
