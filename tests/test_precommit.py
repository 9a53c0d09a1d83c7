"""The pre-commit hooks, run by the real pre-commit exactly as a user's repository would run them.

`pre-commit try-repo` installs this project into a fresh virtualenv (`pip install .`, dependencies from the
package index) and runs the hooks declared in `.pre-commit-hooks.yaml`. try-repo on a directory sees only its
HEAD plus changes to tracked files, so new files of a working tree would be missing; the test therefore
snapshots the working tree (tracked and untracked, minus what .gitignore excludes) into a one-commit repository
and points try-repo at that. Both runs share one PRE_COMMIT_HOME and one snapshot, so the virtualenv is built once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "examples" / "quickstart"
SKIP_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", "dist", "build", ".tox"}

# The quickstart's RBAC with exactly what its jobs need: discovery of nodes and pods, and the kubelet's /metrics
MINIMAL_RBAC = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: prometheus
  namespace: monitoring
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: prometheus
rules:
  - apiGroups: [""]
    resources: ["nodes", "pods"]
    verbs: ["list", "watch"]
  - apiGroups: [""]
    resources: ["nodes/metrics"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: prometheus
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: prometheus
subjects:
  - kind: ServiceAccount
    name: prometheus
    namespace: monitoring
"""

GIT_ENV = {
    "GIT_AUTHOR_NAME": "kubelint-scrape tests", "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "kubelint-scrape tests", "GIT_COMMITTER_EMAIL": "tests@example.invalid",
}


def _require_tools() -> None:
    missing = [name for name, ok in (("git", shutil.which("git")), ("pre-commit", _has_pre_commit())) if not ok]
    if not missing:
        return
    reason = f"{' and '.join(missing)} not installed (pip install -e '.[test]' installs pre-commit)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must run the pre-commit integration test")
    pytest.skip(reason)


def _has_pre_commit() -> bool:
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        return False
    return True


def _git(*args: str, cwd: Path) -> str:
    env = {**os.environ, **GIT_ENV}
    done = subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                          cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"git {' '.join(args)} failed:\n{done.stdout}{done.stderr}"
    return done.stdout


def _working_tree_files() -> list[str]:
    if (ROOT / ".git").exists() and shutil.which("git"):
        listed = _git("ls-files", "--cached", "--others", "--exclude-standard", "-z", cwd=ROOT).split("\0")
        return [name for name in listed if name and (ROOT / name).is_file()]
    files = []  # not a git checkout (an unpacked sdist): everything but caches and environments
    for directory, subdirs, names in os.walk(ROOT):
        subdirs[:] = [d for d in subdirs if d not in SKIP_DIRS]
        files += [os.path.relpath(os.path.join(directory, n), ROOT) for n in names]
    return files


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> Path:
    """This working tree as a one-commit git repository (what try-repo installs)."""
    _require_tools()
    snapshot = tmp_path_factory.mktemp("hook-repo")
    for name in _working_tree_files():
        target = snapshot / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    _git("init", "-q", cwd=snapshot)
    _git("add", "-A", cwd=snapshot)
    _git("commit", "-q", "-m", "snapshot of the working tree", cwd=snapshot)
    return snapshot


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _project(root: Path, fixed: bool) -> Path:
    """A user's repository holding the quickstart: broken (KS102) or with the missing rule added."""
    _git("init", "-q", str(root), cwd=root.parent)
    k8s = root / "deploy" / "monitoring"
    shutil.copytree(QUICKSTART, k8s)
    if fixed:
        (k8s / "prometheus-rbac.yaml").write_text(MINIMAL_RBAC)
    (root / "README.md").write_text("not YAML: the hooks must not look at it\n")
    _git("add", "-A", cwd=root)
    _git("commit", "-q", "-m", "project", cwd=root)
    return root


def _try_repo(project: Path, hook_repo: Path, home: Path, *hook: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)  # the hook must run the package pre-commit installed, not this checkout (conftest.py)
    # no hook id: every hook of the repository runs (kubelint-scrape and kubelint-scrape-files)
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), *hook, "--all-files", "--verbose"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=900)


def _status(output: str, hook_name: str) -> str:
    for line in output.splitlines():
        if line.startswith(hook_name + ".") or line.startswith(hook_name + " ."):
            return line.rsplit(".", 1)[-1].strip()
    raise AssertionError(f"no status line for {hook_name!r} in:\n{output}")


def test_hooks_fail_on_the_broken_quickstart_and_pass_once_fixed(tmp_path, hook_repo, pre_commit_home) -> None:
    broken = _try_repo(_project(tmp_path / "broken", fixed=False), hook_repo, pre_commit_home)
    output = broken.stdout + broken.stderr
    assert broken.returncode == 1, output
    assert _status(output, "kubelint-scrape") == "Failed", output
    assert _status(output, "kubelint-scrape (staged files only)") == "Failed", output
    # the whole-tree hook lints the repository (no configuration); the files hook gets the staged paths
    assert "deploy/monitoring/prometheus-config.yaml:20:19: KS102 [error]" in output, output
    assert "lacks get nodes/metrics" in output

    fixed = _try_repo(_project(tmp_path / "fixed", fixed=True), hook_repo, pre_commit_home)
    output = fixed.stdout + fixed.stderr
    assert fixed.returncode == 0, output
    assert _status(output, "kubelint-scrape") == "Passed", output
    assert _status(output, "kubelint-scrape (staged files only)") == "Passed", output
    assert "KS102" not in output


def test_whole_tree_hook_lints_the_configured_paths(tmp_path, hook_repo, pre_commit_home) -> None:
    # SPEC §5: the hook passes no file names and lints the configuration's `paths`: a broken file elsewhere in the
    # repository (test data, another team's drafts) is not its business.
    project = tmp_path / "configured"
    project.mkdir()
    (project / ".kubelint-scrape.yaml").write_text("paths: [deploy]\n")
    (project / "testdata").mkdir()
    (project / "testdata" / "broken.yaml").write_text("a: [1,\n")
    result = _try_repo(_project(project, fixed=True), hook_repo, pre_commit_home, "kubelint-scrape")
    output = result.stdout + result.stderr
    assert result.returncode == 0 and _status(output, "kubelint-scrape") == "Passed", output
    assert "broken.yaml" not in output


def test_files_hook_leaves_out_what_the_configuration_excludes(tmp_path, hook_repo, pre_commit_home) -> None:
    # pre-commit names every staged file; without --force-exclude a named file is linted even where `exclude`
    # leaves it out, and a staged Helm template or broken test file would fail the commit.
    project = tmp_path / "excluding"
    project.mkdir()
    (project / ".kubelint-scrape.yaml").write_text("exclude: [testdata/]\n")
    (project / "testdata").mkdir()
    (project / "testdata" / "broken.yaml").write_text("a: [1,\n")
    result = _try_repo(_project(project, fixed=True), hook_repo, pre_commit_home, "kubelint-scrape-files")
    output = result.stdout + result.stderr
    assert result.returncode == 0 and _status(output, "kubelint-scrape (staged files only)") == "Passed", output
    assert "broken.yaml" not in output
