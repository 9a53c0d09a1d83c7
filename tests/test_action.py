"""action.yml: its structure, and its shell steps run as the Actions runner runs them (bash -eo pipefail, env
from the inputs, $GITHUB_OUTPUT). The `uses:` steps (setup-python, upload-sarif) need GitHub and are not run;
the install step is not run either (it is `pip install` of this checkout, which test_precommit.py exercises) —
the kubelint-scrape of this environment stands in for it on PATH.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "examples" / "quickstart"


def _action() -> dict:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load((ROOT / "action.yml").read_text())


def _step(name: str) -> dict:
    return next(s for s in _action()["runs"]["steps"] if s["name"] == name)


def _run_step(name: str, workspace: Path, tmp: Path, **inputs: str) -> tuple[subprocess.CompletedProcess, dict]:
    action = _action()
    values = {key: spec.get("default", "") for key, spec in action["inputs"].items()} | inputs
    step = _step(name)
    env = {**os.environ, "GITHUB_OUTPUT": str(tmp / "output"), "RUNNER_TEMP": str(tmp)}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env["PATH"]
    for key, expression in step.get("env", {}).items():
        match = re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", expression)
        assert match, f"{name}: env {key} should come from an input, got {expression!r}"
        env[key] = values[match.group(1)]
    (tmp / "output").write_text("")
    script = tmp / "step.sh"
    script.write_text(step["run"])
    # exactly how the runner invokes `shell: bash`
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=workspace, env=env,
                          capture_output=True, text=True)
    outputs = dict(line.split("=", 1) for line in (tmp / "output").read_text().splitlines() if "=" in line)
    return done, outputs


@pytest.fixture
def workspace(tmp_path) -> Path:
    if not shutil.which("bash"):
        pytest.skip("bash not found: the action's steps are bash scripts")
    root = tmp_path / "workspace"
    shutil.copytree(QUICKSTART, root / "deploy")
    (tmp_path / "runner").mkdir()
    return root


def test_action_structure() -> None:
    action = _action()
    inputs = action["inputs"]
    assert {"paths", "args", "version", "sarif-upload"} <= set(inputs)
    assert action["runs"]["using"] == "composite"
    text = (ROOT / "action.yml").read_text()
    assert set(re.findall(r"inputs\.([\w-]+)", text)) <= set(inputs), "a step reads an input that is not declared"
    steps = action["runs"]["steps"]
    ids = {s.get("id") for s in steps}
    assert set(re.findall(r"steps\.([\w-]+)\.", text)) <= ids
    uses = [s["uses"] for s in steps if "uses" in s]
    assert any(u.startswith("actions/setup-python@v") for u in uses)
    assert any(u.startswith("github/codeql-action/upload-sarif@v") for u in uses)
    for step in steps:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], f"{step['name']}: inputs go through env, never into the script text"


def test_sarif_step_writes_a_report_and_never_fails(workspace, tmp_path) -> None:
    done, outputs = _run_step("Lint (SARIF)", workspace, tmp_path / "runner", args="--select KS1", **{"sarif-upload": "true"})
    assert done.returncode == 0, done.stderr
    report = json.loads((workspace / "kubelint-scrape.sarif").read_text())
    [result] = report["runs"][0]["results"]
    assert result["ruleId"] == "KS102"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "deploy/prometheus-config.yaml"
    assert outputs == {"sarif-file": "kubelint-scrape.sarif"}


def test_annotation_step_prints_workflow_commands(workspace, tmp_path) -> None:
    done, _ = _run_step("Annotate the diff", workspace, tmp_path / "runner", paths="deploy", args="--select KS1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("::error file=deploy/prometheus-config.yaml,line=20,col=19,endLine=20,endColumn=23,title=KS102 ")


def test_lint_step_fails_on_findings_and_reports_the_exit_code(workspace, tmp_path) -> None:
    done, outputs = _run_step("Lint", workspace, tmp_path / "runner", paths="deploy\n", args="--select KS1")
    assert done.returncode == 1, done.stderr
    assert "KS102 [error]" in done.stdout and "\033[" not in done.stdout
    assert outputs == {"exit-code": "1"}

    done, outputs = _run_step("Lint", workspace, tmp_path / "runner", args="--select KS1 --fail-on never")
    assert done.returncode == 0 and outputs == {"exit-code": "0"}


def test_inputs_are_not_executed_by_the_shell(workspace, tmp_path) -> None:
    done, _ = _run_step("Lint", workspace, tmp_path / "runner", paths="deploy", args="$(touch pwned) *")
    assert not (workspace / "pwned").exists()
    assert done.returncode == 2  # "$(touch" is just an unknown argument, a usage error
