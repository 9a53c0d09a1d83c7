"""Stage 5 — report: the only stage that formats output. Each format is a module with `render(result, ...)`."""

from __future__ import annotations

import importlib
from typing import Any

FORMATS = ("text", "concise", "json", "sarif", "github")


def render(format_name: str, result: Any, **options: Any) -> str:
    module = importlib.import_module(f".{format_name}", __name__)
    return _paused(module.render)(result, **options)


def _paused(render_format: Any) -> Any:
    # A report of many findings allocates millions of small objects while the whole workspace is still alive:
    # with the cyclic GC running, its full collections took a third of rendering 28,000 findings.
    from ..load import gc_paused

    return gc_paused(render_format)
