"""Stage 4 — check: run the pipeline load → model → analyse → checks, then select, rate and sort findings."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from typing import Any, Iterable

from .analyse import Analysis, Assumptions, analyse
from .build import build_workspace
from .catalog import checks, index
from .checks.context import Context
from .findings import SEVERITY_RANK, Finding
from .load import Limits, Source, discover, read_source
from .rbac import Identity


@dataclass
class Options:
    assumptions: Assumptions = field(default_factory=Assumptions)
    select: set[str] | None = None  # None = every rule
    ignore: set[str] = field(default_factory=set)
    severity_overrides: dict[str, str] = field(default_factory=dict)
    identity: Identity | None = None
    identities: dict[str, str] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    stdin_filename: str = "<stdin>"


@dataclass
class Result:
    sources: list[Source]
    analysis: Analysis
    findings: list[Finding]

    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts


def load_sources(paths: Iterable[str], options: Options, stdin: Any = None) -> tuple[list[Source], list[Finding]]:
    files, problems = discover(paths)
    # Composing many documents while the cyclic GC runs is several times slower (DESIGN.md); our trees are
    # acyclic and freed by reference counting, so pause the collector while loading.
    enabled = gc.isenabled()
    gc.disable()
    try:
        sources = [read_source(path, options.limits, options.stdin_filename, stdin) for path in files]
    finally:
        if enabled:
            gc.enable()
    return sources, problems


def lint_sources(sources: list[Source], options: Options, extra: list[Finding] | None = None) -> Result:
    assumptions = options.assumptions
    workspace, configs, build_findings = build_workspace(
        sources, assumptions.default_namespace, assumptions.version, options.limits
    )
    analysis = analyse(workspace, configs, assumptions, options.identity, options.identities)
    context = Context(sources, analysis, list(extra or []) + build_findings)
    findings: list[Finding] = []
    registry = checks()
    done: set[int] = set()
    wanted = _wanted(options)
    for rule_id, function in sorted(registry.items()):
        if id(function) in done or not (set(function.rule_ids) & wanted):  # type: ignore[attr-defined]
            continue
        done.add(id(function))
        findings.extend(f for f in function(context) if f.rule in wanted)
    return Result(sources, analysis, finalize(findings, options))


def _wanted(options: Options) -> set[str]:
    known = set(index())
    selected = known if options.select is None else (options.select & known)
    return selected - options.ignore


def finalize(findings: list[Finding], options: Options) -> list[Finding]:
    catalog = index()
    unique: dict[tuple, Finding] = {}
    for finding in findings:
        info = catalog[finding.rule]
        finding.name = info.name
        finding.severity = options.severity_overrides.get(finding.rule, info.severity)
        unique.setdefault((finding.rule, finding.span, finding.message), finding)
    return sorted(unique.values(), key=Finding.sort_key)


def lint_paths(paths: Iterable[str], options: Options, stdin: Any = None) -> Result:
    sources, problems = load_sources(paths, options, stdin)
    return lint_sources(sources, options, problems)


def exit_code(result: Result, fail_on: str) -> int:
    if fail_on == "never":
        return 0
    threshold = SEVERITY_RANK[fail_on]
    return 1 if any(SEVERITY_RANK[f.severity] >= threshold for f in result.findings) else 0
