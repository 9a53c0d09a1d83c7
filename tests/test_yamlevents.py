"""The cheaper parser events (yamlevents.py) must be indistinguishable from ruamel's own: same attribute values,
same trees, same results for ruamel's composer (`YAML(typ="safe")`, used by the rule catalog and suggest-rbac)."""

from __future__ import annotations

import glob
import os
import sys

import pytest

from kubelint_scrape import load, yamlevents

pytestmark = pytest.mark.skipif(not load.parser_is_native(), reason="ruamel.yaml's C extension is not installed")

RICH = """\
%YAML 1.1
---
plain: value
quoted: "double"
single: 'single'
tagged: !!str 10
custom: !thing text
anchored: &a {x: 1, y: [2, 3]}
alias: *a
merged:
  <<: *a
  z: 4
block: |
  line one
  line two
folded: >-
  folded
  text
empty:
flow: [a, {b: c}, "d"]
? complex
: key
...
---
- !!map {k: v}
- !!seq [1]
- null
"""

ATTRIBUTES = ("anchor", "tag", "ctag", "implicit", "value", "style", "flow_style", "nr_items", "comment")


def _module():
    return sys.modules[load._c_parser().__module__]


def _events(text: str) -> list:
    parser = load._c_parser()(text)
    try:
        events = []
        while (event := parser.get_event()) is not None:
            events.append(event)
        return events
    finally:
        parser.dispose()


def _described(event) -> tuple:
    mark = lambda m: None if m is None else (m.line, m.column, m.index)  # noqa: E731
    kind = yamlevents.canonical.get(type(event), type(event))
    return (kind.__name__, mark(event.start_mark), mark(event.end_mark),
            *(repr(getattr(event, name, "-")) for name in ATTRIBUTES))


@pytest.fixture
def unpatched(monkeypatch):
    """The C parser building ruamel's original event classes, for the duration of a test."""
    module = _module()
    for fast, original in yamlevents.canonical.items():
        monkeypatch.setattr(module, original.__name__, original)


def test_the_c_parser_builds_the_cheaper_events():
    kinds = {type(event) for event in _events(RICH)}
    assert set(yamlevents.canonical) <= kinds


def test_every_attribute_matches_ruamels_events(unpatched):
    original = [_described(event) for event in _events(RICH)]
    assert not set(yamlevents.canonical) & {type(event) for event in _events(RICH)}
    yamlevents.install(_module())
    fast = [_described(event) for event in _events(RICH)]
    assert fast == original
    assert len(fast) > 40


def test_ruamels_safe_loader_gives_the_same_values(unpatched):
    from ruamel.yaml import YAML

    text = RICH.split("...\n")[0].replace("? complex\n: key\n", "").replace("!thing ", "")
    before = YAML(typ="safe").load(text)
    yamlevents.install(_module())
    assert YAML(typ="safe").load(text) == before
    assert before["merged"] == {"x": 1, "y": [2, 3], "z": 4}


def _flat(value, out: list) -> list:
    """Every value of a tree with its type and every position the tree records for it."""
    out.append((type(value).__name__, getattr(value, "pos", None), tuple(getattr(value, "places", ()) or ()),
                tuple(getattr(value, "ipos", ()) or ())))
    if isinstance(value, dict):
        for key, item in value.items():
            out.append(repr(key))
            _flat(item, out)
    elif isinstance(value, list):
        for item in value:
            _flat(item, out)
    else:
        out.append(repr(value))
    return out


def _trees(paths: list[str]) -> list:
    out = []
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as handle:
            source = load.parse_source(path, handle.read())
        out.append([_flat(doc.root, [doc.pos]) for doc in source.documents] + [f.rule for f in source.findings])
    return out


def test_parsed_trees_and_positions_do_not_change(unpatched):
    here = os.path.dirname(__file__)
    paths = sorted(glob.glob(os.path.join(here, "..", "fixtures", "KS1*", "*", "*.yaml")))[:60]
    paths += sorted(glob.glob(os.path.join(here, "..", "fixtures", "KS00*", "*", "*.yaml")))
    assert len(paths) > 60
    before = _trees(paths)
    yamlevents.install(_module())
    assert _trees(paths) == before


def test_install_refuses_a_module_that_does_not_name_the_classes():
    class Elsewhere:
        ScalarEvent = object

    assert not yamlevents.install(Elsewhere)
    assert Elsewhere.ScalarEvent is object
    assert not yamlevents.install(None)
