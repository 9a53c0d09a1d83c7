"""Every rule case under fixtures/KSnnn/{fail,pass}-*/ against its expected.txt snapshot.

A case directory holds the YAML inputs, `expected.txt` (the concise report, paths relative to the case) and
optionally `args` (extra CLI arguments on one line, e.g. `--kubernetes-version 1.32`). A `fail-*` case must
produce at least one finding of its rule, a `pass-*` case none. Rewrite snapshots after a reviewed change with
`KUBELINT_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_fixtures.py`.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from kubelint_scrape.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
UPDATE = os.environ.get("KUBELINT_UPDATE_SNAPSHOTS") == "1"


def cases() -> list[Path]:
    return sorted(p for p in FIXTURES.glob("KS*/*") if p.is_dir() and p.name.startswith(("fail-", "pass-")))


def run_case(case: Path) -> str:
    inputs = sorted(
        str(p.relative_to(case)) for p in case.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".json")
    )
    args = shlex.split((case / "args").read_text()) if (case / "args").exists() else []
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(case)
    try:
        result = runner.invoke(main, ["check", *inputs, "--format", "concise", "--fail-on", "never", *args])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


@pytest.mark.parametrize("case", cases(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(case: Path) -> None:
    rule = case.parent.name
    output = run_case(case)
    expected_file = case / "expected.txt"
    if UPDATE:
        expected_file.write_text(output)
    elif not expected_file.exists():
        expected_file.write_text(output)
        pytest.fail(f"{case}: expected.txt was missing and has been written; review it and run again")
    fired = [line for line in output.splitlines() if f": {rule} [" in line]
    if case.name.startswith("fail-"):
        assert fired, f"{case}: expected {rule} to fire\n{output}"
    else:
        assert not fired, f"{case}: expected no {rule}\n{output}"
    assert output == expected_file.read_text(), f"{case}: output differs from expected.txt"


def test_every_rule_has_fail_and_pass_fixture() -> None:
    from kubelint_scrape.catalog import index

    missing = []
    for rule_id in index():
        directory = FIXTURES / rule_id
        kinds = {p.name.split("-")[0] for p in directory.glob("*") if p.is_dir()} if directory.is_dir() else set()
        if not {"fail", "pass"} <= kinds:
            missing.append(rule_id)
    implemented = _implemented()
    missing = [r for r in missing if r in implemented]
    assert not missing, f"rules without a fail-* and a pass-* fixture: {missing}"


def _implemented() -> set[str]:
    from kubelint_scrape.catalog import checks

    return set(checks())
