"""One line per finding: `path:line:col: KSnnn [severity] message` (editors, grep)."""

from __future__ import annotations

from typing import Any

from ..positions import Lines, position, report_lines
from . import printable


def line(finding: Any, lines: Lines) -> str:
    return printable(f"{position(lines, finding.span)}: {finding.rule} [{finding.severity}] {finding.message}")


def chunks(result: Any, **_: Any) -> Any:
    lines = report_lines(result)
    return (line(f, lines) + "\n" for f in result.findings)
