"""The machine report (schemas/report.schema.json in shared/): files, jobs (the analysis), findings, summary."""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..positions import Lines, report_lines
from .jsontext import chunks as json_chunks


def finding_json(finding: Any, lines: Lines) -> dict:
    region = lines.region(finding.span)
    data: dict[str, Any] = {
        "rule": finding.rule,
        "name": finding.name,
        "severity": finding.severity,
        "path": finding.span.path,
        "line": region.line,
        "column": region.column,
    }
    if region.end_column:  # exclusive, as SARIF's endColumn: the column after the token's last character
        data["end_line"] = region.end_line
        data["end_column"] = region.end_column
    data["message"] = finding.message
    if finding.fix:
        data["fix"] = finding.fix
    if finding.object:
        data["object"] = finding.object
    if finding.related:
        data["related"] = [_related_json(r, lines) for r in finding.related]
    if finding.data:
        data["data"] = finding.data
    return data


def _related_json(related: Any, lines: Lines) -> dict:
    line, index = lines.point(related.span.path, related.span.line, related.span.column)
    return {"path": related.span.path, "line": line + 1, "column": index + 1, "message": related.message}


def requirement_json(need: Any, lines: Lines) -> dict:
    request = need.request
    data: dict[str, Any] = {"verb": request.verb}
    if request.url:
        data["non_resource_url"] = request.url
    else:
        data["api_group"] = request.api_group
        data["resource"] = request.resource
        if request.subresource:
            data["subresource"] = request.subresource
        data["namespace"] = request.namespace
    data["why"] = need.why + (f" (or {', '.join(a.describe() for a in need.alternatives)})" if need.alternatives else "")
    data["satisfied"] = need.satisfied
    granting = need.granting
    data["granted_by"] = sorted({g.describe() for g in granting.grants}) if granting else []
    if need.unchecked:
        data["unchecked"] = need.unchecked
    data["line"] = lines.point(need.span.path, need.span.line, need.span.column)[0] + 1
    return data


def job_json(analysis: Any, lines: Lines) -> dict:
    job = analysis.job
    return {
        "name": job.name,
        "path": job.path,
        "line": lines.point(job.span.path, job.span.line, job.span.column)[0] + 1,
        "source": job.source_kind,
        "identity": str(analysis.identity) if analysis.identity else None,
        "identity_reason": analysis.resolution.reason,
        # The report schema's classes: an exporter behind kube-rbac-proxy, or an extension API server (metrics-server,
        # prometheus-adapter), is a workload (its `get` on the path shows in the requirements).
        "targets": sorted({"workload" if c in ("kube-rbac-proxy", "extension-apiserver", "controller-runtime") else c
                           for c in analysis.target_classes}),
        "requirements": [requirement_json(n, lines) for n in analysis.needs],
        **({"rejected": job.rejected} if job.rejected else {}),
    }


def _assumptions(result: Any) -> dict:
    """The assumptions the analysis went by: where the inputs override one (report.text.inferred_assumptions), the
    value used, and under "inferred" the value given and why it was not used."""
    assumptions = result.analysis.assumptions.as_json()
    from .text import inferred_assumptions

    inferred = inferred_assumptions(result)
    if inferred:
        assumptions["inferred"] = {key: {"given": assumptions[key], "why": why} for key, (_used, why) in inferred.items()}
        assumptions.update({key: used for key, (used, _why) in inferred.items()})
    return assumptions


def report(result: Any, lazy: bool = False) -> dict:
    """The report as data; `lazy`: "jobs" and "findings" as generators, made while they are written."""
    counts = result.counts()
    many = (lambda items: items) if lazy else list
    lines = report_lines(result)
    return {
        "version": 1,
        "tool": {"name": "kubelint-scrape", "version": __version__},
        "assumptions": _assumptions(result),
        "files": [{"path": s.path, "status": s.status, "documents": len(s.documents)} for s in result.sources],
        "jobs": many(job_json(j, lines) for j in result.analysis.jobs),
        "findings": many(finding_json(f, lines) for f in result.findings),
        "summary": {**counts, "files": len(result.sources)},
    }


def chunks(result: Any, **_: Any) -> Any:
    # laid out to the members of "files", "jobs" and "findings": one line each
    return json_chunks(report(result, lazy=True), depth=2)
