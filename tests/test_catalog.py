"""Meta-tests over the rule catalog: every entry is valid, documented, implemented once, and in sync."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from kubelint_scrape.catalog import checks, entry, index
from kubelint_scrape.resources import COMPILED, compile_data, render_compiled, rules_dir

RULES = Path(__file__).resolve().parent.parent / "rules"
FAMILY = {"0": "input", "1": "access", "2": "privilege", "3": "transport", "4": "workload", "5": "rbac-object", "6": "config"}
# Rules about input the parser cannot read: their bad example is deliberately not parseable YAML.
UNPARSEABLE_EXAMPLES = {"KS001", "KS003", "KS005"}


def all_entry_files() -> list[Path]:
    return sorted(RULES.glob("KS*.yaml")) + sorted((RULES / "planned").glob("KS*.yaml"))


def test_compiled_data_is_in_sync_with_the_yaml_sources() -> None:
    fresh = render_compiled(compile_data(rules_dir()))
    assert (rules_dir() / COMPILED).read_text() == fresh, "run `python -m kubelint_scrape.resources` and commit rules/_compiled.json"


@pytest.mark.parametrize("path", all_entry_files(), ids=lambda p: p.stem)
def test_entry_is_valid(path: Path) -> None:
    import jsonschema

    schema = json.loads((RULES / "_schema" / "rule.schema.json").read_text())
    data = YAML(typ="safe").load(path.read_text())
    jsonschema.Draft202012Validator(schema).validate(data)
    assert path.stem == f"{data['id']}-{data['name']}"
    assert FAMILY[data["id"][2]] == data["family"]
    assert data["fix"].rstrip().endswith(".")
    if data["id"] not in UNPARSEABLE_EXAMPLES:
        for snippet in (data["example"]["bad"], data["example"]["good"]):
            list(YAML(typ="safe").load_all(snippet))


def test_every_catalog_rule_has_exactly_one_implementation_and_vice_versa() -> None:
    implemented = checks()
    assert set(implemented) == set(index()), (
        f"catalog without implementation: {sorted(set(index()) - set(implemented))}; "
        f"implementation without catalog entry: {sorted(set(implemented) - set(index()))}"
    )


def test_ids_are_unique_across_active_and_planned() -> None:
    ids = [p.name[:5] for p in all_entry_files()]
    assert len(ids) == len(set(ids))


def test_entries_load_in_full() -> None:
    for rule_id in index():
        assert entry(rule_id)["id"] == rule_id


def test_records_dataclass_prints_like_the_standard_one() -> None:
    """records.dataclass shares one __repr__ instead of generating one per class: same text, `repr=False` kept."""
    import dataclasses

    from kubelint_scrape.records import dataclass, field

    @dataclass(frozen=True)
    class Ours:
        name: str
        count: int = 0
        hidden: list = field(default_factory=list, repr=False, compare=False)

    @dataclasses.dataclass(frozen=True)
    class Theirs:
        name: str
        count: int = 0
        hidden: list = dataclasses.field(default_factory=list, repr=False, compare=False)

    assert repr(Ours("a", 2)).replace("Ours", "X") == repr(Theirs("a", 2)).replace("Theirs", "X")
    assert Ours("a") == Ours("a") and hash(Ours("a")) == hash(Ours("a"))


@pytest.mark.parametrize("rule_id", sorted(index()))
def test_doc_example_fires_and_its_fix_does_not(rule_id: str, tmp_path: Path) -> None:
    """The `explain` example is a promise: its bad snippet, linted alone (with the assumptions `example.args`
    states), makes the rule fire, and the good one does not."""
    import shlex

    from click.testing import CliRunner

    from kubelint_scrape.cli import main

    example = entry(rule_id)["example"]
    for kind in ("bad", "good"):
        path = tmp_path / f"{kind}.yaml"
        path.write_text(example[kind])
        args = shlex.split(example.get("args", {}).get(kind, ""))
        result = CliRunner().invoke(main, ["check", str(path), "--format", "concise", "--fail-on", "never", *args])
        assert result.exit_code == 0, result.output
        fired = [line for line in result.output.splitlines() if f": {rule_id} [" in line]
        assert bool(fired) == (kind == "bad"), f"{rule_id} {kind} example:\n{result.output}"
