"""Differential tests: working monitoring setups (baselines/, each linting with no access error) with exactly one
thing broken — a verb, resource or apiGroup dropped, a binding's subject or roleRef changed, the discovery role,
path or credentials of a job changed, the token unmounted, the ServiceAccount renamed, an assumption changed.
Each mutation must add findings of exactly the expected access/RBAC-object/config rules to the baseline's."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from kubelint_scrape.analyse import Assumptions
from kubelint_scrape.engine import Options, lint_paths
from kubelint_scrape.rbac import Identity

HERE = Path(__file__).parent
BASELINES = HERE / "baselines"
_spec = importlib.util.spec_from_file_location("kubelint_mutations", HERE / "mutations.py")
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
MUTATIONS = _module.MUTATIONS

# Compared: what decides whether a job works (access), and objects or configs the API server, Prometheus or the
# Operator refuse.
# Hazard, transport and workload rules (KS2xx-KS4xx) and KS604 move with most edits: test_mutations2.py judges them.
COMPARED = ("KS1", "KS5", "KS601", "KS602", "KS603")


def _options(flags: list, root: Path | None = None) -> Options:
    """CLI flags (`--kubernetes-version 1.33`, `--identity NS/NAME`) and the configuration's `identities` (a dict,
    its globs relative to the mutated tree) as the Options they set."""
    values = {flags[i].lstrip("-").replace("-", "_"): flags[i + 1] for i in range(0, len(flags), 2)}
    identity = values.pop("identity", None)
    identities = values.pop("identities", {})
    return Options(assumptions=Assumptions(**values), identity=Identity.parse(identity) if identity else None,
                   identities=identities, root=str(root or "."))


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
    root = tmp_path / baseline
    shutil.copytree(BASELINES / baseline, root)
    for file, old, new in edits:
        path = root / file
        if old is None:  # the whole file replaced (a pod template re-indented under another kind)
            path.write_text(new)
            continue
        text = path.read_text()
        assert old in text, f"{name}: the edit's text is not in {file}"
        path.write_text(text.replace(old, new, 1))
    findings, identities = _run(root, _options(flags, root))
    added = findings - _baseline(baseline)
    got = sorted({rule for rule, _file, _message in added if rule.startswith(COMPARED)})
    assert got == sorted(expected), "\n".join(f"{r} {f}: {m}" for r, f, m in sorted(added))
    if len(mutation) > 5:  # the identity every job runs as (None: unresolved, KS100)
        assert identities == {mutation[5]}, identities
