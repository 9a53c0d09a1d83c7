"""KS002: suppressions are linted too (like ruff's unused-noqa).

Runs after every other check and after suppressions were applied (engine.lint_sources), reading which codes
of which suppression silenced something (suppress.py). A code is judged unused only when its rules ran in
this invocation: `--select KS1` must not turn every `ignore[KS401]` into a warning.
"""

from __future__ import annotations

from typing import Iterator

from ..catalog import ALWAYS_REPORTED, check
from ..findings import Finding
from ..suppress import ANNOTATION
from ..yamltree import at
from .context import Context

EXAMPLE = "# kubelint-scrape: ignore[KS102] <why this is acceptable here>"


def _covers_undecided_job(ctx: Context, suppression) -> bool:
    """Whether a line suppression covers the start of a job whose targets the analysis could not decide (a
    target-deciding relabel rule failed to compile: analyse._plan_simulation leaves it without endpoints)."""
    starts = ctx.once("undecided job starts", lambda: _undecided_job_starts(ctx))
    first, last = suppression.lines or (0, -1)
    return any(first <= line <= last for line in starts.get(suppression.span.path, ()))


def _undecided_job_starts(ctx: Context) -> dict[str, list[int]]:
    starts: dict[str, list[int]] = {}
    for job in ctx.analysis.jobs:
        if job.relabel_errors and not job.endpoints:
            span = at(job.job.config.path, job.job.node.pos)
            starts.setdefault(span.path, []).append(span.line)
    return starts


@check("KS002", after_suppressions=True)  # the engine runs it last
def unused_suppression(ctx: Context) -> Iterator[Finding]:
    state = ctx.suppressions
    if state is None:
        return
    for suppression in state.suppressions:
        where = f"annotation {ANNOTATION}" if suppression.kind == "annotation" else f"suppression `{suppression.text}`"
        if suppression.kind == "malformed":
            yield Finding(
                "KS002", suppression.span,
                f"comment `{suppression.text}` is not a suppression this tool understands, so it suppresses nothing",
                fix=f"Write it as `{EXAMPLE}` on or above the line, or `# kubelint-scrape: ignore-file[KS102]` for the file.",
            )
            continue
        if not suppression.codes:
            yield Finding(
                "KS002", suppression.span, f"{where} names no rule, so it suppresses nothing",
                fix="Name the rule ids it is meant for, e.g. ignore[KS401], or delete it.",
            )
            continue
        for code in suppression.codes:
            if not code.rules:
                yield Finding(
                    "KS002", code.span,
                    f"{where} names {code.text!r}, which is not a rule id, prefix or name of this version "
                    f"(a typo or a rule not implemented yet): it suppresses nothing",
                    fix="Correct the id (`kubelint-scrape rules` lists them) or delete it.",
                    data={"code": code.text},
                )
        unsuppressible = [c for c in suppression.codes if c.rules and c.rules <= ALWAYS_REPORTED]
        for code in unsuppressible:
            yield Finding(
                "KS002", code.span,
                f"{where} names {code.text!r}, which cannot be suppressed: a file that could not be read is never "
                f"linted, so its {'/'.join(sorted(code.rules))} finding is always reported",
                fix="Correct the file, or leave it out of the inputs with an `exclude` glob in the configuration; "
                    f"then delete {code.text} here.",
                data={"code": code.text},
            )
        unused = [c for c in suppression.codes
                  if c.rules and c not in unsuppressible and not c.used and (c.rules - ALWAYS_REPORTED) & state.ran]
        if unused and suppression.kind == "line" and _covers_undecided_job(ctx, suppression):
            # A relabel rule Prometheus refuses (KS601) hides which targets the job scrapes, so its target findings
            # are unknown, not absent: "delete it" would be undone as soon as the regex is fixed.
            unused = []
        if unused:
            names = ", ".join(c.text for c in unused)
            scope = suppression.target
            # with another code of it in use, say which part is stale (the suppression as a whole does something)
            partly = len(unused) < len([c for c in suppression.codes if c.rules])
            what = f"{where}: {names} suppresses nothing" if partly else f"{where} suppresses nothing"
            # A finding counts as being where it is reported, not at the related places it lists: a user who
            # put it on the ClusterRole or Deployment a KS102 finding names needs to be told (stated here, not
            # looked up in the findings, so a lint of this one file says the same as a lint of the tree).
            if suppression.kind != "line":
                fix = (f"Remove {names} from it (delete it if nothing remains); a finding is suppressed only in the "
                       "object it is reported in, not in those its related locations name.")
            else:
                fix = ((f"Remove {names} from it, or move a suppression of {names}" if partly else "Delete it, or move it")
                       + " onto (or directly above) the line of the finding, or above the object's first line or the "
                       "job's `- job_name:` line to cover the whole object or job. A finding is suppressed only where "
                       "it is reported (its path:line:col), not at its related locations.")
            yield Finding(
                "KS002", unused[0].span,
                f"{what}: no {names} finding {scope}; a stale suppression would hide the next real finding there",
                fix=fix,
                data={"unused": [c.text for c in unused]},
            )
        if suppression.kind == "line" and not suppression.reason:
            yield Finding(
                "KS002", suppression.span,
                f"{where} gives no reason: a suppression nobody can review outlives the reason it was written for",
                # the user's own directive with a reason slot, so the fix can be pasted over it
                fix=f"State why after the bracket: `# kubelint-scrape: {suppression.text} <why this is acceptable here>`.",
            )
