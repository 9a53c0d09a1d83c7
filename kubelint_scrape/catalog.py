"""The rule catalog (rules/KSnnn-name.yaml) and the registry of check implementations.

A rule is data plus one implementation: the YAML entry carries everything a user reads; a check function
registered with @check produces its findings. The hot path (every lint) needs only id → name/severity, which
comes from rules/_compiled.json; full entries are parsed only for explain/rules/SARIF. Entries under
rules/planned/ are documented but not implemented yet, so they are not part of the catalog.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Callable, Iterable

from .records import dataclass
from .resources import catalog_heads, rules_path


# An input that could not be read is not linted at all, so nothing else can be said about it: these findings are
# how such a file "ends" (SPEC §7), and they make the run fail (SPEC §5: "KS001/KS004 are errors"). Like ruff's
# syntax errors, no selection, ignore, suppression, per-path ignore or severity override hides or softens them;
# a file that should not be linted is left out of the inputs with `exclude`.
ALWAYS_REPORTED = frozenset({"KS001", "KS004"})


@dataclass(frozen=True)
class RuleInfo:
    id: str
    name: str
    severity: str
    summary: str
    file: str


@functools.lru_cache(maxsize=1)
def index() -> dict[str, RuleInfo]:
    return {
        rule_id: RuleInfo(rule_id, head["name"], head["severity"], head["summary"], rules_path(head["file"]))
        for rule_id, head in catalog_heads().items()
    }


@functools.lru_cache(maxsize=None)
def entry(rule_id: str) -> dict[str, Any]:
    from ruamel.yaml import YAML

    info = index()[rule_id]
    with open(info.file, encoding="utf-8") as handle:
        return YAML(typ="safe").load(handle)


def rule_params(rule_id: str) -> dict[str, Any]:
    """The entry's `params` (data a check reads), from the compiled catalog: no YAML parsing on the lint path."""
    return catalog_heads()[rule_id].get("params", {})


def entries() -> list[dict[str, Any]]:
    return [entry(rule_id) for rule_id in sorted(index())]


def resolve_selection(codes: Iterable[str]) -> set[str]:
    """Rule ids for a list of ids, prefixes (KS1, KS10) or names; unknown ones raise ValueError."""
    known = index()
    by_name = {info.name: rule_id for rule_id, info in known.items()}
    selected: set[str] = set()
    for code in codes:
        code = code.strip()
        if not code:
            continue
        if code.upper() == "ALL":
            selected.update(known)
            continue
        if code in by_name:
            selected.add(by_name[code])
            continue
        matches = {rule_id for rule_id in known if rule_id.startswith(code.upper())}
        if not matches or not re.fullmatch(r"KS\d{0,3}", code.upper()):
            raise ValueError(f"unknown rule or prefix {code!r} (see `kubelint-scrape rules`)")
        selected.update(matches)
    return selected


def resolve_ignore(codes: Iterable[str]) -> set[str]:
    """resolve_selection for an ignore list (`ignore`, `per-path-ignores`, `--ignore`): a code that names only
    ALWAYS_REPORTED rules would do nothing, in silence, so it raises ValueError saying why (as ruff refuses to
    ignore a syntax error). A prefix or `ALL` that also covers other rules ignores those."""
    selected: set[str] = set()
    for code in codes:
        resolved = resolve_selection([code])
        if resolved and resolved <= ALWAYS_REPORTED:
            raise ValueError(f"{code.strip()} cannot be ignored: an input that cannot be read "
                             f"({', '.join(sorted(resolved))}) is always reported, since nothing else is said about "
                             "it; leave the file out of the inputs with `exclude` instead")
        selected |= resolved
    return selected


# ---------------------------------------------------------------------------------------------- check registry

CheckFunction = Callable[[Any], Iterable[Any]]
_CHECKS: dict[str, CheckFunction] = {}


def check(*rule_ids: str, after_suppressions: bool = False, in_worker: bool = False,
          ) -> Callable[[CheckFunction], CheckFunction]:
    """Register the implementation of one rule (or of a group decided together, e.g. KS101–KS105).

    after_suppressions: the engine runs it once suppressions are applied (KS002 judges them).
    in_worker: when a one-shot run shares the checks of a large input with a forked worker, the worker runs this
    one: it reads an index no other check needs (the least-privilege family's), which then exists, and costs
    time and memory, in one process only (engine._run_checks)."""

    def register(function: CheckFunction) -> CheckFunction:
        for rule_id in rule_ids:
            if rule_id in _CHECKS:
                raise RuntimeError(f"{rule_id} implemented twice: {_CHECKS[rule_id].__name__} and {function.__name__}")
            _CHECKS[rule_id] = function
        function.rule_ids = rule_ids  # type: ignore[attr-defined]
        function.after_suppressions = after_suppressions  # type: ignore[attr-defined]
        function.in_worker = in_worker  # type: ignore[attr-defined]
        return function

    return register


def checks() -> dict[str, CheckFunction]:
    from . import checks as _  # noqa: F401  (importing registers every check module)

    return _CHECKS
