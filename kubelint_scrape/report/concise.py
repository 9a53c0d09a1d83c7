"""One line per finding: `path:line:col: KSnnn [severity] message` (editors, grep)."""

from __future__ import annotations

from typing import Any


def line(finding: Any) -> str:
    return f"{finding.span}: {finding.rule} [{finding.severity}] {finding.message}"


def chunks(result: Any, **_: Any) -> Any:
    return (line(f) + "\n" for f in result.findings)
