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
    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path, base)
        except ValueError:  # another drive on Windows
            relative = path
        if not relative.startswith(".."):
            path = relative
    path = os.path.normpath(path)  # `./k8s/a.yaml` and `k8s/a.yaml` are one file (and one fingerprint)
    return PurePath(path).as_posix() if os.sep != "/" else path
