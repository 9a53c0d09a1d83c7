"""Sixth round of single-fault mutations (mutations6.py): real-world renders (kube-prometheus-stack 47, the prometheus
chart 22, the splunk-otel-collector agent) repaired into working baselines. The findings of exactly the expected
rules (every family but KS604) must be added to the baseline's."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import BASELINES, load_mutations, mutated_copy

from kubelint_scrape.engine import Options, lint_paths

MUTATIONS = load_mutations("mutations6")
BASELINE_NAMES = ("b15-kps", "b16-prom-chart", "b17-otel")


def _findings(root: Path) -> set[tuple[str, str, str, str]]:
    # Keyed by message, not line (edits move lines); a message that changes is an added finding.
    return {(f.rule, f.severity, Path(f.span.path).name, f.message)
            for f in lint_paths([str(root)], Options()).findings if f.rule != "KS604"}


_BASE: dict[str, set] = {}


def _baseline(name: str) -> set:
    if name not in _BASE:
        _BASE[name] = _findings(BASELINES / name)
    return _BASE[name]


@pytest.mark.parametrize("name", BASELINE_NAMES)
def test_baseline_has_no_error_or_warning(name: str) -> None:
    assert not [f for f in _baseline(name) if f[1] in ("error", "warning")]


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_single_fault(mutation, tmp_path: Path) -> None:
    name, baseline, edits, expected = mutation
    root = mutated_copy(tmp_path, baseline, edits, name)
    added = _findings(root) - _baseline(baseline)
    report = "\n".join(f"{r} [{s}] {f}: {m}" for r, s, f, m in sorted(added))
    assert sorted({r for r, *_ in added}) == sorted(expected), report
