"""What every check receives: the loaded sources, the workspace and the analysis."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..analyse import Analysis
from ..findings import Finding
from ..load import Source


@dataclass
class Context:
    sources: list[Source]
    analysis: Analysis
    load_findings: list[Finding] = field(default_factory=list)
    suppressions: Any = None  # suppress.SuppressionState, set by the engine before checks that run after suppressions

    @property
    def workspace(self):
        return self.analysis.workspace
