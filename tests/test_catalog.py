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


def _same_code(ours, compiled) -> bool:
    """Two code objects that do the same: bytecode, names and constants (nested functions alike); only their file
    and line numbers may differ."""
    if type(ours) is not type(compiled):
        return False
    if not hasattr(ours, "co_code"):
        return ours == compiled
    return (ours.co_code == compiled.co_code and ours.co_names == compiled.co_names
            and ours.co_varnames == compiled.co_varnames and ours.co_freevars == compiled.co_freevars
            and ours.co_argcount == compiled.co_argcount and ours.co_flags == compiled.co_flags
            and len(ours.co_consts) == len(compiled.co_consts)
            and all(_same_code(a, b) for a, b in zip(ours.co_consts, compiled.co_consts)))


def test_dataclass_code_cache_compiles_to_what_its_texts_do() -> None:
    """records.py serves the dataclass decorator's compiled methods from _dataclass_code: each cached function must
    be exactly what compiling its text gives, on any Python (a text of another Python's wording is just not found)."""
    from kubelint_scrape._dataclass_code import CODE

    assert CODE
    for text, cached in CODE.items():
        module = compile(text, "<string>", "exec", dont_inherit=True)  # (as the dataclasses module compiles it)
        (factory,) = [const for const in module.co_consts if hasattr(const, "co_code")]
        assert factory.co_name == cached.co_name == "__create_fn__"
        assert _same_code(cached, factory), text


def test_dataclass_code_cache_is_complete() -> None:
    """Every method text this package's classes compile is in the cache, and nothing else (regenerate with
    `python -m kubelint_scrape.records` after changing a dataclass). Only on the Python that wrote it: another
    version words the texts differently, and simply compiles them as before."""
    import subprocess
    import sys

    from kubelint_scrape import _dataclass_code

    if sys.version_info[:2] != _dataclass_code.PYTHON:
        pytest.skip(f"the cache was written on Python {_dataclass_code.PYTHON}; this is {sys.version_info[:2]}")
    script = "import json; from kubelint_scrape.records import function_texts; print(json.dumps(function_texts()))"
    texts = json.loads(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout)
    missing = [text for text in texts if text not in _dataclass_code.CODE]
    assert not missing, f"run `python -m kubelint_scrape.records` and commit kubelint_scrape/_dataclass_code.py: {missing[:1]}"
    assert set(_dataclass_code.CODE) == set(texts), "stale entries: run `python -m kubelint_scrape.records`"
    # and the decorator finds them: a class's methods come from the cache, not from a compile at import
    from kubelint_scrape.yamltree import Span

    assert Span.__init__.__code__.co_filename == _dataclass_code.__file__
    assert Span.__eq__.__code__.co_filename == _dataclass_code.__file__


def test_records_dataclass_compiles_what_the_cache_lacks() -> None:
    """A class whose method texts are not cached (here: new) gets the standard decorator's methods, and the
    decorator's `exec` is the builtin again afterwards."""
    import dataclasses

    from kubelint_scrape.records import dataclass

    @dataclass(frozen=True)
    class NotCached:
        first_field_of_a_class_nobody_else_has: int
        second: str = "x"

    value = NotCached(1)
    assert (value.first_field_of_a_class_nobody_else_has, value.second) == (1, "x")
    assert value == NotCached(1) and value != NotCached(2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.second = "y"  # type: ignore[misc]
    assert "exec" not in vars(dataclasses)


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
