"""Where the shipped data lives, and its compiled form.

The YAML under `rules/` (builtin/, knowledge/, KS*.yaml heads) is the source people edit. Parsing it on every
run would cost more than linting one file, so `rules/_compiled.json` holds the same data as JSON (≈1 ms to
load). `python -m kubelint_scrape.resources` rewrites it; a test fails when it is out of date.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

COMPILED = "_compiled.json"
_RULE_HEAD = re.compile(r"^(id|name|severity|summary):\s*(.+?)\s*$", re.M)


@functools.lru_cache(maxsize=1)
def rules_root() -> str:
    """The data directory: rules/ of a checkout, or _rules/ inside an installed package. (os.path, not pathlib:
    importing pathlib pulls in urllib.parse and ipaddress, ~5 ms of every lint-on-save.)"""
    package = os.path.dirname(os.path.realpath(__file__))
    for candidate in (os.path.join(package, "_rules"), os.path.join(os.path.dirname(package), "rules")):
        if os.path.isdir(os.path.join(candidate, "builtin")):
            return candidate
    raise FileNotFoundError("kubelint-scrape data directory `rules/` not found; reinstall the package")


def rules_path(*parts: str) -> str:
    return os.path.join(rules_root(), *parts)


def rules_dir() -> "Path":
    """rules_root() as a Path, for tooling and tests."""
    from pathlib import Path

    return Path(rules_root())


def _load_yaml(path: Path) -> Any:
    from ruamel.yaml import YAML

    with open(path, encoding="utf-8") as handle:
        return YAML(typ="safe").load(handle)


def compile_data(directory: "Path") -> dict[str, Any]:
    """Everything the lint path reads, from the YAML sources."""
    data: dict[str, Any] = {"builtin": {}, "knowledge": {}, "catalog": {}}
    for path in sorted((directory / "builtin").glob("*.yaml")):
        data["builtin"][path.stem] = _load_yaml(path)
    for path in sorted((directory / "knowledge").glob("*.yaml")):
        data["knowledge"][path.stem] = _load_yaml(path)
    for path in sorted(directory.glob("KS*.yaml")):
        fields = {k: v.strip("'\"") for k, v in _RULE_HEAD.findall(path.read_text(encoding="utf-8"))}
        data["catalog"][fields["id"]] = {
            "name": fields["name"], "severity": fields["severity"], "summary": fields.get("summary", ""), "file": path.name,
            # A check's tunable data (KS205's grants, KS404's paths…): read on every lint, so compiled too.
            "params": (_load_yaml(path) or {}).get("params") or {},
        }
    return data


def render_compiled(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n"


@functools.lru_cache(maxsize=1)
def compiled() -> dict[str, Any]:
    with open(rules_path(COMPILED), encoding="utf-8") as handle:
        return json.load(handle)


def builtin_rbac() -> dict:
    return compiled()["builtin"]["cluster-roles"]


def knowledge(name: str) -> Any:
    return compiled()["knowledge"][name]


def catalog_heads() -> dict[str, dict]:
    return compiled()["catalog"]


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    target = rules_dir() / COMPILED
    target.write_text(render_compiled(compile_data(rules_dir())), encoding="utf-8")
    sys.stdout.write(f"wrote {target}\n")
