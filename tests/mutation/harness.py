"""What every round of single-fault mutation tests shares: loading a mutations module, copying a working baseline
and applying one mutation's edits to the copy, and the CLI-style options a mutation asks for."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

from kubelint_scrape.analyse import Assumptions
from kubelint_scrape.engine import Options
from kubelint_scrape.rbac import Identity

HERE = Path(__file__).parent
BASELINES = HERE / "baselines"


def load_mutations(name: str) -> list:
    """MUTATIONS of the module `name`.py beside this one (the directory is not a package)."""
    spec = importlib.util.spec_from_file_location(f"kubelint_{name}", HERE / f"{name}.py")
    module: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.MUTATIONS


def mutated_copy(tmp_path: Path, baseline: str, edits: list, name: str) -> Path:
    """A copy of baselines/`baseline` with each edit (file, old text, new text) applied once; old None replaces
    the whole file (a pod template re-indented under another kind)."""
    root = tmp_path / baseline
    shutil.copytree(BASELINES / baseline, root)
    for file, old, new in edits:
        path = root / file
        if old is None:
            path.parent.mkdir(parents=True, exist_ok=True)  # a new file (an overlay) may be in a new directory
            path.write_text(new)
            continue
        text = path.read_text()
        assert old in text, f"{name}: the edit's text is not in {file}"
        path.write_text(text.replace(old, new, 1))
    return root


def options(flags: list, root: Path | None = None) -> Options:
    """CLI flags (`--kubernetes-version 1.33`, `--identity NS/NAME`) and the configuration's `identities` (a dict,
    its globs relative to the mutated tree) as the Options they set."""
    values = {flags[i].lstrip("-").replace("-", "_"): flags[i + 1] for i in range(0, len(flags), 2)}
    identity = values.pop("identity", None)
    identities = values.pop("identities", {})
    return Options(assumptions=Assumptions(**values), identity=Identity.parse(identity) if identity else None,
                   identities=identities, root=str(root or "."))


# ---------------------------------------------------------------------------------------------- rounds 5 and later
# A round of several working baselines: each must lint with no error or warning, and each mutation must add the
# findings of exactly its expected rules (every family but KS604, whose info notes follow the cluster version).


def added_findings(root: Path) -> set[tuple[str, str, str, str]]:
    """The findings of a tree keyed by message, not line (edits move lines; a message that changes is an added
    finding)."""
    from kubelint_scrape.engine import lint_paths

    return {(f.rule, f.severity, Path(f.span.path).name, f.message)
            for f in lint_paths([str(root)], Options()).findings if f.rule != "KS604"}


_BASELINE_FINDINGS: dict[str, set] = {}


def baseline_findings(name: str) -> set:
    if name not in _BASELINE_FINDINGS:
        _BASELINE_FINDINGS[name] = added_findings(BASELINES / name)
    return _BASELINE_FINDINGS[name]


def assert_baseline_works(name: str, accepted: frozenset[str] = frozenset()) -> None:
    """No error or warning but those of the `accepted` rules (a scaffold's justified warning)."""
    assert not [f for f in baseline_findings(name) if f[1] in ("error", "warning") and f[0] not in accepted]


def assert_single_fault(mutation: tuple, tmp_path: Path) -> None:
    name, baseline, edits, expected = mutation
    root = mutated_copy(tmp_path, baseline, edits, name)
    added = added_findings(root) - baseline_findings(baseline)
    report = "\n".join(f"{r} [{s}] {f}: {m}" for r, s, f, m in sorted(added))
    assert sorted({r for r, *_ in added}) == sorted(expected), report
