"""KS602's fix for a workload on a removed apiVersion mentions spec.selector only when the object lacks one."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

from click.testing import CliRunner

from kubelint_scrape.cli import main

DEPLOYMENT = """\
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {{name: prometheus, namespace: monitoring}}
spec:
{selector}  template:
    metadata: {{labels: {{app: prometheus}}}}
    spec:
      containers: [{{name: prometheus, image: prom/prometheus}}]
"""


def _fix(tmp_path: Path, selector: str) -> str:
    path = tmp_path / "deployment.yaml"
    path.write_text(textwrap.dedent(DEPLOYMENT.format(selector=selector)))
    result = CliRunner().invoke(main, ["check", "--format", "json", str(path)])
    (finding,) = [f for f in json.loads(result.output)["findings"] if f["rule"] == "KS602"]
    return finding["fix"]


def test_selector_note_only_when_the_selector_is_missing(tmp_path) -> None:
    # apps/v1 makes spec.selector required (extensions/v1beta1 defaulted it from the template's labels): a
    # manifest that already sets it needs only the apiVersion line changed.
    assert "spec.selector" in _fix(tmp_path, "")
    fix = _fix(tmp_path, "  selector: {matchLabels: {app: prometheus}}\n")
    assert fix == "Change `apiVersion: extensions/v1beta1` to `apiVersion: apps/v1`."
