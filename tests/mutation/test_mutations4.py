"""Fourth round of single-fault mutations (mutations4.py): the relabel rules of the plain jobs in b11-relabel,
one fault each. The findings of exactly the expected rules (every family) must be added to the baseline's, and the
named jobs must keep exactly the expected target classes: what the relabel simulation decides a job scrapes."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import BASELINES, load_mutations, mutated_copy

from kubelint_scrape.engine import Options, lint_paths

BASELINE = BASELINES / "b11-relabel"
MUTATIONS = load_mutations("mutations4")

COMPARED = ("KS1", "KS2", "KS3", "KS5", "KS6")


def _run(root: Path) -> tuple[set[tuple[str, str, str]], dict[str, list[str]]]:
    """(findings keyed by message, not line: edits move lines; each job's target classes)."""
    result = lint_paths([str(root)], Options())
    findings = {(f.rule, Path(f.span.path).name, f.message) for f in result.findings if f.rule.startswith(COMPARED)}
    return findings, {job.job.name: job.target_classes for job in result.analysis.jobs}


_BASE: list = []


def _baseline() -> tuple:
    if not _BASE:
        _BASE.append(_run(BASELINE))
    return _BASE[0]


def test_baseline() -> None:
    findings, targets = _baseline()
    assert not [f for f in findings if f[0].startswith(("KS1", "KS5", "KS6")) and f[0] != "KS604"]
    assert targets == {"apiserver": ["apiserver"], "kubelet": ["kubelet"], "cadvisor": ["kubelet"],
                       "cadvisor-proxy": ["apiserver-proxy"], "kubelet-probes": ["kubelet"],
                       "service-endpoints": ["workload"], "pods": ["workload"], "blackbox": ["workload"]}


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_single_fault(mutation, tmp_path: Path) -> None:
    name, edits, expected, classes = mutation
    root = mutated_copy(tmp_path, BASELINE.name, edits, name)
    findings, targets = _run(root)
    added = findings - _baseline()[0]
    report = "\n".join(f"{r} {f}: {m}" for r, f, m in sorted(added))
    got = sorted({rule for rule, _file, _message in added if rule != "KS604"})
    assert got == sorted(expected), report
    for job, wanted in classes.items():
        assert targets.get(job) == wanted, f"{job}: {targets.get(job)}\n{report}"
