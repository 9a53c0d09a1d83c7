"""`suggest-rbac` output added beside the inputs (their RBAC kept), as a user applies it: every job whose identity
resolves then has what it needs, the suggestion grants nothing unused, is valid, has no hazard of its own but the
nodes/proxy a job truly needs (commented in the output), and is stable — suggest-rbac on the fixed tree prints the
same and `--diff` has nothing to add.

Findings the suggestion moves onto the inputs' own RBAC (KS203/KS208 on a binding it supersedes) are expected:
the suggestion is the identity's whole RBAC, meant to replace theirs. Complements test_suggest.py (which replaces the inputs' RBAC with the suggestion). Runs over every
fixtures/KS1*/fail-* case and every corpus source (skipped without the corpus).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from test_suggest import CORPUS, FIXTURES, _case_args, invoke, walked

ACCESS_ERRORS = {"KS101", "KS102", "KS103", "KS104", "KS105", "KS108"}
INTRODUCED = {"KS006", "KS201", "KS202", "KS204", "KS205", "KS207", "KS208",
              "KS501", "KS503", "KS504", "KS505", "KS506", "KS507"}
SUGGESTED = "zz-suggested-rbac.yaml"


def _inputs(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if walked(p))


def _findings(root: Path, args: list[str]) -> list[dict]:
    result = invoke(root, "check", *_inputs(root), "--format", "json", "--fail-on", "never", *args)
    assert result.exit_code == 0, result.output[-2000:] + repr(result.exception)
    return json.loads(result.stdout)["findings"]


def _key(finding: dict) -> tuple[str, str, str]:
    return finding["rule"], finding["path"].removeprefix("./"), finding["message"]


def _is_needed_nodes_proxy(finding: dict, suggestion: str) -> bool:
    """KS201 on the suggestion's nodes/proxy: a job that scrapes through the API-server proxy (or a kubelet that
    checks nodes/proxy for the path) cannot work without it; the output says why next to the rule."""
    return (finding["rule"] == "KS201" and SUGGESTED in finding["path"] and "get nodes/proxy" in finding["message"]
            and "# nodes/proxy only because" in suggestion)


def roundtrip(source: Path, tmp_path: Path, args: list[str]) -> list[str]:
    root = tmp_path / "case"
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("expected.txt"))
    before = {_key(f) for f in _findings(root, args)}
    suggested = invoke(root, "suggest-rbac", *_inputs(root), *args)
    if suggested.exit_code == 1 and "nothing to suggest" in suggested.output:
        return []  # no identity resolves: nothing is claimed
    assert suggested.exit_code == 0, suggested.output
    text = suggested.stdout
    list(YAML(typ="safe").load_all(text))
    (root / SUGGESTED).write_text(text, encoding="utf-8")
    problems = []
    for finding in _findings(root, args):
        where = f"{finding['path']}:{finding['line']} {finding['rule']} {finding['message'][:200]}"
        if finding["rule"] in ACCESS_ERRORS and finding["severity"] == "error":
            problems.append(f"still denied: {where}")
        elif finding["rule"] == "KS203" and SUGGESTED in finding["path"]:
            problems.append(f"unused by the jobs: {where}")
        elif (finding["rule"] in INTRODUCED and _key(finding) not in before and SUGGESTED in finding["path"]
              and not _is_needed_nodes_proxy(finding, text)):
            problems.append(f"introduced: {where}")
    again = invoke(root, "suggest-rbac", *_inputs(root), *args)
    if again.stdout != text:
        problems.append("suggest-rbac prints something else on the fixed tree")
    diff = invoke(root, "suggest-rbac", "--diff", *_inputs(root), *args)
    problems += [f"--diff on the fixed tree: {line}" for line in diff.stdout.splitlines() if line.startswith("# add")]
    return problems


def _fail_cases() -> list[Path]:
    return sorted(p for p in FIXTURES.glob("KS1*/fail-*") if p.is_dir())


@pytest.mark.parametrize("case", _fail_cases(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_suggestion_added_beside_the_inputs_closes_the_loop(case: Path, tmp_path: Path) -> None:
    assert roundtrip(case, tmp_path, _case_args(case)) == []


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not found beside the checkout")
@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else [])
def test_suggestion_added_beside_a_corpus_source_closes_the_loop(name: str, tmp_path: Path) -> None:
    assert roundtrip(CORPUS / name, tmp_path, []) == []
