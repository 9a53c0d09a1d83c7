"""One line per finding: `path:line:col: KSnnn [severity] message` (editors, grep)."""

from __future__ import annotations

import re
from typing import Any

from ..positions import Lines, position, report_lines

# Control characters but the tab, and the Unicode line breaks: a YAML double-quoted value holds any of them
# (`job_name: "x\n::error::forged"`, `"\e[2J"`) and messages quote names from the inputs. Printed raw, a newline
# broke "one line per finding" and started a line a GitHub Actions runner reads as a workflow command, and an
# ESC sequence rewrote the terminal or CI log; they are written as escapes instead (`\n`, `\x1b`).
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """`text` with control characters and line breaks as Python escapes (`\n`, `\x1b`)."""
    if _UNPRINTABLE.search(text) is None:
        return text
    return _UNPRINTABLE.sub(lambda match: repr(match.group(0))[1:-1], text)


def line(finding: Any, lines: Lines) -> str:
    return printable(f"{position(lines, finding.span)}: {finding.rule} [{finding.severity}] {finding.message}")


def chunks(result: Any, **_: Any) -> Any:
    lines = report_lines(result)
    return (line(f, lines) + "\n" for f in result.findings)
