"""Stage 5 — report: the only stage that formats output. Each format is a module with `chunks(result, ...)`:
the report's text in pieces, in order."""

from __future__ import annotations

import importlib
import re
from typing import Any

FORMATS = ("text", "concise", "json", "sarif", "github")

# Control characters but the tab, and the Unicode line breaks: a YAML double-quoted value holds any of them
# (`job_name: "x\n::error::forged"`, `"\e[2J"`) and messages quote names from the inputs. Printed raw, a newline
# broke "one line per finding" and started a line a GitHub Actions runner reads as a workflow command, and an
# ESC sequence rewrote the terminal or CI log; they are written as escapes instead (`\n`, `\x1b`).
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    r"""`text` with control characters and line breaks as Python escapes (`\n`, `\x1b`): for text that must stay one
    line (a finding's line, a YAML comment)."""
    if _UNPRINTABLE.search(text) is None:
        return text
    return _UNPRINTABLE.sub(lambda match: repr(match.group(0))[1:-1], text)


def render(format_name: str, result: Any, **options: Any) -> str:
    return "".join(write(format_name, result, None, **options))


def write(format_name: str, result: Any, stream: Any, **options: Any) -> list[str]:
    """Write the report to `stream` as it is made (each format yields its text in pieces: a large report is
    never held whole); without a stream, return the pieces."""
    from ..load import gc_paused

    module = importlib.import_module(f".{format_name}", __name__)
    # A report of many findings allocates millions of small objects while the whole workspace is still alive:
    # with the cyclic GC running, its full collections took a third of rendering 28,000 findings.
    return gc_paused(_emit)(module.chunks(result, **options), stream)


def _emit(pieces: Any, stream: Any) -> list[str]:
    if stream is None:
        return list(pieces)
    for piece in pieces:
        stream.write(piece)
    return []
