"""Differential tests: working monitoring setups (baselines/, each linting with no access error) with exactly one
thing broken — a verb, resource or apiGroup dropped, a binding's subject or roleRef changed, the discovery role,
path or credentials of a job changed, the token unmounted, the ServiceAccount renamed, an assumption changed.
Each mutation must add findings of exactly the expected access/RBAC-object/config rules to the baseline's."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import BASELINES, load_mutations, mutated_copy, options

from kubelint_scrape.engine import Options, lint_paths

MUTATIONS = load_mutations("mutations")

# Compared: what decides whether a job works (access), and objects or configs the API server, Prometheus or the
# Operator refuse.
# Hazard, transport and workload rules (KS2xx-KS4xx) and KS604 move with most edits: test_mutations2.py judges them.
COMPARED = ("KS1", "KS5", "KS601", "KS602", "KS603")


def _run(root: Path, options: Options) -> tuple[set[tuple[str, str, str]], set[str | None]]:
    """(findings keyed by message, not line: an edit that adds or removes lines moves the baseline's; the
    identities the jobs run as, "NS/NAME" or None when unresolved)."""
    result = lint_paths([str(root)], options)
    identities = {str(job.identity) if job.identity else None for job in result.analysis.jobs}
    return {(f.rule, Path(f.span.path).name, f.message) for f in result.findings}, identities


def _findings(root: Path, options: Options) -> set[tuple[str, str, str]]:
    return _run(root, options)[0]


_BASE: dict[str, set] = {}


def _baseline(name: str) -> set:
    if name not in _BASE:
        _BASE[name] = _findings(BASELINES / name, Options())
    return _BASE[name]


@pytest.mark.parametrize("name", sorted(p.name for p in BASELINES.iterdir()))
def test_baseline_has_no_access_error(name: str) -> None:
    assert not [f for f in _baseline(name) if f[0].startswith(COMPARED)]


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_single_fault(mutation, tmp_path: Path) -> None:
    name, baseline, edits, expected = mutation[:4]
    flags = mutation[4] if len(mutation) > 4 else []
    root = mutated_copy(tmp_path, baseline, edits, name)
    findings, identities = _run(root, options(flags, root))
    added = findings - _baseline(baseline)
    got = sorted({rule for rule, _file, _message in added if rule.startswith(COMPARED)})
    assert got == sorted(expected), "\n".join(f"{r} {f}: {m}" for r, f, m in sorted(added))
    if len(mutation) > 5:  # the identity every job runs as (None: unresolved, KS100), or a set of them
        assert identities == (mutation[5] if isinstance(mutation[5], frozenset) else {mutation[5]}), identities
