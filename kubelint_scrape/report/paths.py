"""Paths as CI systems want them: relative to the working directory (the repository root in CI), with `/`.

GitHub resolves annotation `file=` and SARIF relative URIs against the checkout, so a finding on
`/home/runner/work/repo/repo/k8s/rbac.yaml` must be reported as `k8s/rbac.yaml`.
"""

from __future__ import annotations

import functools
import os
from pathlib import PurePath


def repo_relative(path: str, cwd: str | None = None) -> str:
    """`path` relative to `cwd` (default: the current directory) when inside it; otherwise unchanged. Always `/`."""
    return _relative(path, cwd or os.getcwd())


@functools.lru_cache(maxsize=4096)  # reports name a few files thousands of times; relpath is ~30 µs
def _relative(path: str, base: str) -> str:
    path = os.path.normpath(path)  # `./k8s/a.yaml` and `k8s/a.yaml` are one file (and one fingerprint)
    if _outside(path):
        # `../other/a.yaml` names a file outside the working directory like its absolute path does, and must be
        # reported alike: a SARIF URI relative to %SRCROOT% may not climb out of it, and GitHub cannot place it.
        path = os.path.abspath(path)
    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path, base)
        except ValueError:  # another drive on Windows
            relative = path
        if not _outside(relative):
            path = relative
    return PurePath(path).as_posix() if os.sep != "/" else path


def _outside(relative: str) -> bool:
    """`..` or `../…`, not a file named `..x.yaml`."""
    return relative == os.pardir or relative.startswith(os.pardir + os.sep)
