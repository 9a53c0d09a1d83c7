"""Stage 5 — report: the only stage that formats output. Each format is a module with `render(result, ...)`."""

from __future__ import annotations

import importlib
from typing import Any

FORMATS = ("text", "concise", "json", "sarif", "github")


def render(format_name: str, result: Any, **options: Any) -> str:
    module = importlib.import_module(f".{format_name}", __name__)
    return module.render(result, **options)
