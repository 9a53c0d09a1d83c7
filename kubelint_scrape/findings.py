"""The one result type every stage produces: a finding at a place, with related places and a fix."""

from __future__ import annotations

from typing import Any

from .records import dataclass, field
from .yamltree import Span

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True, slots=True)
class Related:
    span: Span
    message: str


@dataclass(slots=True)  # a large run holds tens of thousands: no __dict__ each
class Finding:
    rule: str
    span: Span
    message: str
    fix: str = ""
    related: tuple[Related, ...] = ()
    object: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    # A check may ask for another severity than the rule's for this one finding (KS401: info for an exporter whose
    # ServiceAccount holds no grants). engine.finalize keeps it unless the user overrides the rule's severity.
    requested_severity: str = ""
    # filled by the engine from the catalog (and severity overrides)
    severity: str = ""
    name: str = ""

    def sort_key(self) -> tuple:
        return (self.span.path, self.span.line, self.span.column, self.rule, self.message)
