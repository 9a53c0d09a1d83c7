"""Stage 4 — check: run the pipeline load → model → analyse → checks, then select, rate and sort findings."""

from __future__ import annotations

import os
from itertools import chain
from typing import Any, Callable, Iterable

from . import suppress
from .analyse import Analysis, Assumptions, analyse
from .build import build_workspace
from .catalog import ALWAYS_REPORTED, checks, index
from .checks.context import Context
from .findings import SEVERITY_RANK, Finding
from .load import Limits, Source, find_inputs, gc_paused, read_source, rejected_source, tentative_failure
from .progress import SILENT
from .rbac import Identity
from .records import dataclass, field


@dataclass
class Options:
    assumptions: Assumptions = field(default_factory=Assumptions)
    select: set[str] | None = None  # None = every rule
    ignore: set[str] = field(default_factory=set)
    severity_overrides: dict[str, str] = field(default_factory=dict)
    identity: Identity | None = None
    # gitignore-style glob (relative to `root`) of a Prometheus config file → NAMESPACE/NAME that loads it
    identities: dict[str, str] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    stdin_filename: str = "<stdin>"
    root: str = "."  # directory the configuration's globs are relative to
    per_path_ignores: dict[str, set[str]] = field(default_factory=dict)  # glob → rule ids
    exclude: Any = None  # config.PathMatcher: skipped while walking directories
    report_paths: set[str] | None = None  # report findings only in these files (the rest is context)


@dataclass(eq=False)
class Result:
    sources: list[Source]
    analysis: Analysis
    findings: list[Finding]

    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts


@gc_paused  # composing many documents while the cyclic GC runs is several times slower (DESIGN.md)
def load_sources(paths: Iterable[str], options: Options, stdin: Any = None, parallel: bool = False,
                 progress: Any = SILENT) -> tuple[list[Source], list[Finding]]:
    """`parallel`: a one-shot run may parse a large input in two processes (parallel.py); never in the language
    server, whose threads must not be forked. `progress` (progress.py) counts the files read."""
    inputs = find_inputs(paths, options.exclude)
    files = inputs.files
    if "-" in files and options.stdin_filename != "<stdin>":
        # The piped buffer replaces the file it names: the disk copy must not be linted twice as context.
        buffer = os.path.realpath(options.stdin_filename)
        files = [f for f in files if f == "-" or os.path.realpath(f) != buffer]
    readable = [f for f in files if f not in inputs.rejected]
    progress.stage("reading files", len(readable))
    if parallel:
        from .parallel import read_sources

        read = read_sources(readable, options.limits, options.stdin_filename, stdin, prepare=file_preparer(options),
                            on_read=progress.advance)
    else:
        read = []
        for path in readable:
            read.append(read_source(path, options.limits, options.stdin_filename, stdin))
            progress.advance()
    # Every input file is a Source, in discovery order: one refused while walking is a failed one (the JSON
    # report lists every input file exactly once).
    in_order = iter(read)
    sources = [rejected_source(f, inputs.rejected[f]) if f in inputs.rejected else next(in_order) for f in files]
    if inputs.tentative:
        sources = [s for s in sources if not (s.path in inputs.tentative and tentative_failure(s))]
    return sources, inputs.problems


def file_preparer(options: Options) -> Callable[[Source], None]:
    """The work that depends on one file alone — its model, its jobs' relabel simulations, its KS601/KS602
    findings — done ahead by whichever process read the file (parallel.py), each result memoised on the Source
    where the later stages look for it."""
    from .analyse import presimulate
    from .build import prepare_model
    from .checks.config import precheck

    wanted = _wanted(options)
    simulations: dict = {}  # by content, as in lint_sources

    def prepare(source: Source) -> None:
        model = prepare_model(source, options.assumptions.default_namespace, options.limits, options.assumptions.version)
        presimulate(model.configs, simulations)
        precheck(source, model.configs, [obj for obj, _ in model.objects], wanted)

    return prepare


def _reported(options: Options, workspace: Any) -> set[str] | None:
    """The files whose objects' findings the checks must work out: the reported ones, and every file a reported
    Kustomize patch changes (a finding on the patched object may sit in the patch: kpatch.py)."""
    reported = options.report_paths
    origins = workspace.indexes.get("patch origins")
    if reported is None or not origins:
        return reported
    return reported | {patched for patched, patches in origins.items() if not reported.isdisjoint(patches)}


@gc_paused  # checks build many small objects too; a full collection over a large workspace costs ~0.1 s each
def lint_sources(sources: list[Source], options: Options, extra: list[Finding] | None = None,
                 previous: Analysis | None = None, shared_simulations: dict | None = None,
                 parallel: bool = False, progress: Any = SILENT) -> Result:
    """`previous`: an earlier run's analysis over mostly the same Sources, whose unchanged jobs are reused;
    `shared_simulations`: relabel simulations kept by content between runs (both: the language server); a run
    without shares them among its own jobs.
    `parallel`: a one-shot run may share the checks of a large input with a forked worker (parallel.py).
    `progress` (progress.py) follows the stages: jobs analysed, checks run."""
    assumptions = options.assumptions
    progress.stage("indexing objects")
    workspace, configs, build_findings = build_workspace(
        sources, assumptions.default_namespace, assumptions.version, options.limits
    )
    identities = _identities_by_path(sources, options) if options.identities else {}
    if shared_simulations is None:
        shared_simulations = {}
    progress.stage("analysing scrape jobs", sum(len(config.jobs) for config in configs))
    analysis = analyse(workspace, configs, assumptions, options.identity, identities, previous, shared_simulations,
                       on_job=progress.advance)
    context = Context(sources, analysis, list(extra or []) + build_findings, report_paths=_reported(options, workspace),
                      exclude=options.exclude)
    findings: list[Finding] = []
    registry = checks()
    done: set[int] = set()
    wanted = _wanted(options)
    late = []
    planned = []
    for rule_id, function in sorted(registry.items()):
        if id(function) in done or not (set(function.rule_ids) & wanted):  # type: ignore[attr-defined]
            continue
        done.add(id(function))
        if function.after_suppressions:  # type: ignore[attr-defined]
            late.append(function)  # KS002 judges the suppressions, so it runs once they have been applied
            continue
        planned.append(function)
    fork = parallel and options.report_paths is None and _worth_forking(sources)
    progress.stage("running checks", len(planned) + len(late))
    findings.extend(_run_checks(planned, context, wanted, fork, progress))
    findings, context.suppressions = suppress.apply(sources, analysis, findings, wanted, options.per_path_ignores, options.root,
                                                    options.report_paths)
    for function in late:
        extra_findings = [f for f in function(context) if f.rule in wanted]
        findings.extend(suppress.drop_silenced(extra_findings, context.suppressions, options.per_path_ignores, options.root))
        progress.advance()
    findings = finalize(findings, options)
    if options.report_paths is not None:
        findings = [f for f in findings if f.span.path in options.report_paths]
    return Result(sources, analysis, findings)


def _run_checks(planned: list, context: Context, wanted: set[str], fork: bool, progress: Any = SILENT) -> list[Finding]:
    """Every planned check's findings, in plan order. When `fork`, a forked worker runs the checks registered
    in_worker, then helps with the others, which it and this process claim one at a time from a queue
    (parallel.Claims): both finish together whatever the input's shape. A check reads the analysed inputs only
    and memoises nothing another must see, so where it runs changes nothing but the time. Progress is counted
    here: the worker's checks count when their findings arrive."""
    results: list[list[Finding] | None] = [None] * len(planned)
    shared: dict = {}

    def run(position: int) -> list[Finding]:
        return _share_parts([f for f in planned[position](context) if f.rule in wanted], shared)

    claims = None
    if fork and len(planned) <= 256:
        from .parallel import Claims, fork_call

        claims = Claims.of([position for position, function in enumerate(planned) if not function.in_worker])
    if claims is None:
        for position in range(len(planned)):
            results[position] = run(position)
            progress.advance()
        return [finding for found in results for finding in (found or ())]
    worker_only = [position for position, function in enumerate(planned) if function.in_worker]
    def work() -> dict[int, list[Finding]]:  # (the worker's share)
        done = {position: run(position) for position in chain(worker_only, claims)}
        context.forget_shared()
        return done

    collect = fork_call(work)
    for position in claims:
        results[position] = run(position)
        progress.advance()
    claims.close()
    received = collect()
    if isinstance(received, dict):
        for position, found in received.items():
            if results[position] is None:
                results[position] = found
                progress.advance()
    for position, found in enumerate(results):
        if found is None:  # the worker's, when it failed or the fork was refused: run here
            results[position] = run(position)
            progress.advance()
    return [finding for found in results for finding in (found or ())]


def _worth_forking(sources: list[Source]) -> bool:
    from .parallel import worth_forking

    return worth_forking(sum(source.size for source in sources))


def _identities_by_path(sources: list[Source], options: Options) -> dict[str, tuple[str, str]]:
    """Configured identity globs → an exact (escaped) pattern per matching file → (identity, the glob that
    matched it, for the reason shown), first glob wins."""
    import glob

    from .config import PathMatcher

    matchers = [(PathMatcher([pattern], options.root), identity, pattern)
                for pattern, identity in options.identities.items()]
    resolved: dict[str, tuple[str, str]] = {}
    for source in sources:
        for matcher, identity, pattern in matchers:
            if matcher.matches(source.path):
                resolved[glob.escape(source.path)] = (identity, pattern)
                break
    return resolved


def _wanted(options: Options) -> set[str]:
    known = set(index())
    selected = known if options.select is None else (options.select & known)
    return (selected - options.ignore) | ALWAYS_REPORTED


def finalize(findings: list[Finding], options: Options) -> list[Finding]:
    catalog = index()
    unique: dict[tuple, Finding] = {}
    # Again over both processes' findings (each process shared its own as made), but not their data: sharing it
    # across the two saves ~0.1 MB of 10,000 objects' and costs a tenth of a second.
    _share_parts(findings, {}, with_data=False)
    for finding in findings:
        info = catalog[finding.rule]
        finding.name = info.name
        # A user's override wins; else the severity the check asked for this one finding (e.g. info for an
        # exporter whose token holds no grants); else the rule's catalog severity.
        if finding.rule in ALWAYS_REPORTED:
            finding.severity = info.severity  # an unread file is an error, whatever the overrides say
        else:
            finding.severity = options.severity_overrides.get(finding.rule) or finding.requested_severity or info.severity
        unique.setdefault((finding.rule, finding.span, finding.message), finding)
    return sorted(unique.values(), key=Finding.sort_key)


def _share_parts(findings: list[Finding], shared: dict, with_data: bool = True) -> list[Finding]:
    """One copy of each related place and fix text among `findings` and those `shared` has seen: the findings of
    one job or role repeat them (~7 MB of 10,000 objects' findings). Done as each check's findings are made, not
    at the end, where the copies would already have made the run's peak; in a forked worker before they are
    pickled (a pickle keeps shared objects shared)."""
    for finding in findings:
        if finding.related:
            finding.related = tuple([shared.setdefault(related, related) for related in finding.related])
        finding.fix = shared.setdefault(finding.fix, finding.fix)
        finding.object = shared.setdefault(finding.object, finding.object)
        data = finding.data
        if data and with_data:
            finding.data = _shared_value(data, shared)
    return findings


def _shared_value(value: Any, shared: dict) -> Any:
    """One copy of a finding's data value and of each of its parts among those `shared` has seen: the data of one
    job's or one identity's findings repeat the same names and requests (~5 MB of 10,000 objects' findings).
    Equal lists and dicts become one object: nothing changes a finding's data once its check has returned it."""
    kind = value.__class__
    if kind is str:
        return shared.setdefault(value, value)
    if kind is list:
        parts: Any = [_shared_value(item, shared) for item in value]
        key: Any = (list, *map(_part_key, parts))
    elif kind is dict:
        parts = {name: _shared_value(item, shared) for name, item in value.items()}
        key = (dict, *[part for name, item in parts.items() for part in (name, _part_key(item))])
    else:
        return value  # numbers, booleans, None: small, and shared by the interpreter where it can
    return shared.setdefault(key, parts)


def _part_key(part: Any) -> Any:
    """What names a shared part's content in a key: a list or dict by its identity (it is the one shared copy of
    that content, which `shared` keeps alive); anything else by its type and value (True, 1 and 1.0 are equal)."""
    kind = part.__class__
    return id(part) if kind is list or kind is dict else (kind, part)


def lint_paths(paths: Iterable[str], options: Options, stdin: Any = None, parallel: bool = False,
               progress: Any = SILENT) -> Result:
    sources, problems = load_sources(paths, options, stdin, parallel, progress)
    return lint_sources(sources, options, problems, parallel=parallel, progress=progress)


def exit_code(result: Result, fail_on: str) -> int:
    if fail_on == "never":
        return 0
    threshold = SEVERITY_RANK[fail_on]
    return 1 if any(SEVERITY_RANK[f.severity] >= threshold for f in result.findings) else 0
