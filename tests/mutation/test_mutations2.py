"""Second round of single-fault mutations (mutations2.py): the same working setups, plus an OpenTelemetry Collector,
a Grafana Agent and a grant-less exporter DaemonSet, each broken in one way that concerns least privilege
(KS2xx), scrape transport (KS3xx), workloads (KS4xx), KS604/KS605 or KS110-KS112. The findings of exactly the
expected rules must be added to the baseline's; an expected id written `KSnnn:severity` must also be added at that
severity (rules whose severity depends on the case: KS401 info for exporters, KS305 warning for pod loopback)."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import BASELINES, load_mutations, mutated_copy, options

from kubelint_scrape.engine import Options, lint_paths

MUTATIONS = load_mutations("mutations2")

COMPARED = ("KS2", "KS3", "KS4", "KS604", "KS605", "KS110", "KS111", "KS112")


def _findings(root: Path, options: Options) -> set[tuple[str, str, str, str]]:
    # Keyed by message, not line (edits move lines); a message that changes is an added finding.
    return {(f.rule, f.severity, Path(f.span.path).name, f.message)
            for f in lint_paths([str(root)], options).findings}


_BASE: dict[str, set] = {}


def _baseline(name: str) -> set:
    if name not in _BASE:
        _BASE[name] = _findings(BASELINES / name, Options())
    return _BASE[name]


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_single_fault(mutation, tmp_path: Path) -> None:
    name, baseline, edits, expected = mutation[:4]
    flags = mutation[4] if len(mutation) > 4 else []
    root = mutated_copy(tmp_path, baseline, edits, name)
    added = {f for f in _findings(root, options(flags)) - _baseline(baseline) if f[0].startswith(COMPARED)}
    report = "\n".join(f"{r} [{s}] {f}: {m}" for r, s, f, m in sorted(added))
    assert sorted({r for r, *_ in added}) == sorted({e.split(":")[0] for e in expected}), report
    for rule, severity in (e.split(":") for e in expected if ":" in e):
        assert (rule, severity) in {(r, s) for r, s, *_ in added}, report
