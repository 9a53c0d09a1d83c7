"""GitHub Actions workflow commands: one `::error|warning|notice file=…,line=…,col=…,title=…::message` per finding.

The runner turns each line into an annotation on the PR diff. Escaping follows the runner's rules
(actions/toolkit `command.ts`): in the message `%`, CR and LF become `%25`, `%0D`, `%0A`; in property values
`:` and `,` are escaped too (`%3A`, `%2C`), since they delimit the properties. The fix travels in the message
after a blank line, so the annotation shows it under the problem.
"""

from __future__ import annotations

import os
from typing import Any

from ..positions import Lines, report_lines
from .paths import repo_relative

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation_path(path: str, cwd: str | None = None) -> str:
    """The `file=` of an annotation. The runner places it on the file at that path relative to the checkout
    ($GITHUB_WORKSPACE): it makes an absolute path relative to the workspace and keeps a relative one as it is
    (actions/runner ActionCommandManager.cs, IssueCommandExtension). A step that runs in a subdirectory
    (`working-directory: deploy`) sees paths relative to that directory, so in a workflow they are rebased on
    the workspace; elsewhere they stay relative to the working directory."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if cwd is None and workspace:
        return repo_relative(os.path.abspath(path), workspace)
    return repo_relative(path, cwd)


def line(finding: Any, lines: Lines, cwd: str | None = None) -> str:
    span = finding.span
    region = lines.region(span)
    properties = [("file", annotation_path(span.path, cwd)), ("line", str(region.line)), ("col", str(region.column))]
    if region.end_column:  # the runner highlights line..endLine, col..endColumn (actions/toolkit toCommandProperties)
        properties += [("endLine", str(region.end_line)), ("endColumn", str(region.end_column))]
    properties.append(("title", f"{finding.rule} {finding.name}"))
    message = finding.message
    if finding.fix:
        message += f"\n\nFix: {finding.fix}"
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{COMMAND[finding.severity]} {props}::{escape_data(message)}"


def chunks(result: Any, cwd: str | None = None, **_: Any) -> Any:
    lines = report_lines(result)
    return (line(f, lines, cwd) + "\n" for f in result.findings)
