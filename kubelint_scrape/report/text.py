"""Human output: the concise line, the source line with a caret, related locations and the fix."""

from __future__ import annotations

from typing import Any

from ..positions import Lines, position, report_lines
from .concise import line, printable

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_DIM, _RESET = "\033[2m", "\033[0m"


def chunks(result: Any, color: bool = False, show_assumptions: bool = False, quiet: bool = False, **_: Any) -> Any:
    lines = report_lines(result)
    if show_assumptions:
        yield assumptions_text(result, lines) + "\n"
    for finding in result.findings:
        out: list[str] = []
        head = line(finding, lines)
        if color:
            head = head.replace(f"[{finding.severity}]", f"{_COLOURS[finding.severity]}[{finding.severity}]{_RESET}", 1)
        out.append(head)
        if not quiet:
            region = lines.region(finding.span)
            text = region.text
            if text.strip():
                gutter = f"{region.line:>5} | "
                shown, before = excerpt(text.rstrip(), region.column)
                out.append(f"{gutter}{printable(shown)}")
                out.append(" " * len(gutter) + caret_padding(printable(before)) + "^")
            for related in finding.related:
                out.append(printable(f"  = related: {position(lines, related.span)}: {related.message}"))
            if finding.fix:
                # the fix's own lines are its layout (YAML to paste); a break inside a quoted name is not
                fix_lines = [printable(fix_line) for fix_line in finding.fix.split("\n")]
                out.append(f"  = fix: {fix_lines[0]}")
                out.extend([f"    {fix_line}" for fix_line in fix_lines[1:]])
            out.append("")
        yield "\n".join(out) + "\n"
    counts = result.counts()
    files = len(result.sources)
    if result.findings:
        summary = (f"Found {len(result.findings)} finding(s) in {files} file(s): {counts['error']} error(s), "
                   f"{counts['warning']} warning(s), {counts['info']} info.")
    else:
        # (A job of a config loaded as several ServiceAccounts is analysed once as each: counted once.)
        jobs = len({id(job.job) for job in result.analysis.jobs})
        summary = f"All checks passed ({files} file(s), {jobs} scrape job(s))."
    yield (f"{_DIM}{summary}{_RESET}" if color else summary) + "\n"


# Minified JSON (`kubectl get -o json | jq -c`, a List on one line) puts a whole file on one line: printed under
# every finding it made a 370 KB file's 2,000 findings a 1.1 GB report. Longer lines are shown as a window
# around the column, cut at both ends with "...", as rustc and ruff cut lines wider than the terminal.
LONGEST_LINE = 240
_WINDOW, _BEFORE = 200, 80


def excerpt(text: str, column: int) -> tuple[str, str]:
    """(the source line as shown, the part of it shown before the 1-based `column`)."""
    if len(text) <= LONGEST_LINE:
        return text, text[:column - 1]
    start = max(0, min(column - 1 - _BEFORE, len(text) - _WINDOW))
    end = start + _WINDOW
    head = "..." if start else ""
    return head + text[start:end] + ("..." if end < len(text) else ""), head + text[start:column - 1]


def caret_padding(prefix: str) -> str:
    """Blank space as wide on a terminal as `prefix`, the source line before the finding's column: a tab stays a
    tab (the terminal expands both alike, the gutter being as wide in both lines), a wide character (中, 😀)
    takes two cells and a combining mark none — one space per character would put the caret to their left."""
    if prefix.isascii() and "\t" not in prefix:
        return " " * len(prefix)
    import unicodedata

    def blank(char: str) -> str:
        if char == "\t":
            return char
        if unicodedata.category(char) in ("Mn", "Me", "Cf"):
            return ""
        return "  " if unicodedata.east_asian_width(char) in ("W", "F") else " "

    return "".join(blank(char) for char in prefix)


def inferred_assumptions(result: Any) -> dict[str, tuple[str, str]]:
    """Assumptions the checks go by in place of the given value because the inputs contradict it, each as (the
    value used, why): checks.transport.kubelet_serving_cert. Shown by --show-assumptions and in the JSON report."""
    if result.analysis.assumptions.kubelet_serving_cert != "self-signed":
        return {}
    from ..checks.transport import bootstrapping_kubelet_config, k3s_signs_kubelets

    config = bootstrapping_kubelet_config(result.analysis.workspace.sources)
    if config:
        return {"kubelet_serving_cert": ("cluster-ca", f"the KubeletConfiguration in {config} sets serverTLSBootstrap: "
                                                       "true; the cluster CA signs the kubelets' serving certificates")}
    if not k3s_signs_kubelets(result.analysis.workspace.sources):
        return {}
    return {"kubelet_serving_cert": ("cluster-ca", "a k3s/RKE2 config.yaml in the inputs; k3s signs kubelets with its "
                                                   "server CA")}


def assumptions_text(result: Any, positions: Lines | None = None) -> str:
    positions = positions or report_lines(result)
    a = result.analysis.assumptions
    lines = ["Assumptions (change with --kubernetes-version, --kubelet-authn, --kubelet-authz, --kubelet-serving-cert, --default-namespace):"]
    inferred = inferred_assumptions(result)
    for key, value in a.as_json().items():
        taken = f" (taken as {inferred[key][0]}: {inferred[key][1]})" if key in inferred else ""
        lines.append(f"  {key.replace('_', '-')}: {value}{taken}")
    if result.analysis.jobs:
        lines.append("Scrape jobs:")
        for job in result.analysis.jobs:
            identity = job.identity or "unresolved"
            rejected = f"; not run: {job.job.rejected}" if job.job.rejected else ""
            lines.append(printable(f"  {position(positions, job.job.span)}: {job.job.label} as {identity} ({job.resolution.reason}); targets: {', '.join(job.target_classes) or 'none'}{rejected}"))
    return "\n".join(lines) + "\n"
