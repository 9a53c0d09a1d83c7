"""Stage 5 — report: the only stage that formats output. Each format is a module with `chunks(result, ...)`:
the report's text in pieces, in order."""

from __future__ import annotations

import importlib
from typing import Any

FORMATS = ("text", "concise", "json", "sarif", "github")


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
