"""KS001/KS003/KS004/KS005: problems the loader found while reading input (see load.py)."""

from __future__ import annotations

from typing import Iterator

from ..catalog import check
from ..findings import Finding
from .context import Context


@check("KS001", "KS003", "KS004", "KS005")
def input_problems(ctx: Context) -> Iterator[Finding]:
    for source in ctx.sources:
        yield from source.findings
    yield from ctx.load_findings
