"""Where the shipped data lives: `rules/` at the repo root (editable install) or `_rules` inside the wheel."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=1)
def rules_dir() -> Path:
    for candidate in (_PACKAGE / "_rules", _PACKAGE.parent / "rules"):
        if (candidate / "builtin").is_dir():
            return candidate
    raise FileNotFoundError("kubelint-scrape data directory `rules/` not found; reinstall the package")


def _load_yaml(path: Path) -> Any:
    from ruamel.yaml import YAML

    try:
        yaml = YAML(typ="safe", pure=False)
    except Exception:  # pragma: no cover
        yaml = YAML(typ="safe", pure=True)
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle)


def load_data(relative: str) -> Any:
    """A YAML data file under rules/, parsed once per process (and again only when the file changes)."""
    return _cached(relative, os.path.getmtime(rules_dir() / relative))


@functools.lru_cache(maxsize=64)
def _cached(relative: str, _mtime: float) -> Any:
    return _load_yaml(rules_dir() / relative)


def builtin_rbac() -> dict:
    return load_data("builtin/cluster-roles.yaml")


def knowledge(name: str) -> Any:
    return load_data(f"knowledge/{name}.yaml")

