"""What every check receives: the loaded sources, the workspace and the analysis."""

from __future__ import annotations

import functools
from typing import Any, Callable

from ..analyse import Analysis
from ..findings import Finding
from ..load import Source
from ..records import dataclass, field


@dataclass(eq=False)
class Context:
    sources: list[Source]
    analysis: Analysis
    load_findings: list[Finding] = field(default_factory=list)
    suppressions: Any = None  # suppress.SuppressionState, set by the engine before checks that run after suppressions
    # Only findings in these files are reported (the language server: the open documents); None = every file.
    # Checks may skip work whose findings could only land elsewhere — a re-lint on save then costs what the
    # edited file needs, not what the whole workspace does.
    report_paths: set[str] | None = None
    # The configuration's `exclude` (config.PathMatcher, or None): what the walk of the linted directories left out
    # on purpose, which KS008's note on a build entry outside the inputs must not count as an oversight.
    exclude: Any = None

    def reports(self, *paths: str) -> bool:
        """Whether a finding at any of `paths` would be reported."""
        reported = self.report_paths
        if reported is None:
            return True
        for path in paths:  # (a loop, not any(): asked for every object of the workspace on each re-lint)
            if path in reported:
                return True
        return False

    def reported_jobs(self) -> list[Any]:
        """The JobAnalyses a finding about could be reported, in analysis order: such findings sit in the job's
        config, at the places that select its targets, or at its needs."""
        return self._reported_jobs

    @functools.cached_property
    def _reported_jobs(self) -> list[Any]:
        # A job of a monitor the operator refuses is not in the generated config: it sends no request, so
        # nothing about its scrapes or discovery is reported (its KS601/KS603 says why).
        reported = self.report_paths
        return [job for job in self.analysis.jobs
                if not job.job.rejected and (reported is None or not reported.isdisjoint(_job_paths(job)))]

    def source(self, path: str) -> Source | None:
        return self._sources_by_path.get(path)

    @functools.cached_property
    def _sources_by_path(self) -> dict[str, Source]:
        return {source.path: source for source in self.sources}

    @property
    def workspace(self):
        return self.analysis.workspace

    def once(self, name: str, build: Callable[[], Any]) -> Any:
        """What `build` returns, built once per run (per Context) for every check that asks for `name`."""
        found = self._shared.get(name)
        if found is None:
            found = self._shared[name] = build()
        return found

    @functools.cached_property
    def _shared(self) -> dict[str, Any]:
        return {}

    def forget_shared(self) -> None:
        """Drop what once() built: a forked worker does, once its checks are done, so that pickling their findings
        back reuses that memory instead of adding to it (the pickler's memo of ~100,000 objects at 10,000 input
        objects)."""
        self._shared.clear()


def _job_paths(job: Any) -> set[str]:
    paths = job.__dict__.get("_paths")  # a JobAnalysis is not modified once built, and may be reused by later runs
    if paths is None:
        paths = job.__dict__["_paths"] = {job.job.path, *(sd.path for sd in job.job.sd_configs),
                                          *(span.path for span in job.origins.values()), *(need.span.path for need in job.needs),
                                          *_scrape_class_path(job.job)}
    return paths


def _scrape_class_path(job: Any) -> tuple[str, ...]:
    """The Prometheus resource of a monitor's job when it declares scrape classes: a finding about a setting the
    job takes from one sits there (KS301)."""
    runner = getattr(job.config, "runner", None)
    if getattr(job, "monitor", None) is None or runner is None:
        return ()
    spec = runner.doc.get("spec") if hasattr(runner.doc, "get") else None
    return (runner.path,) if hasattr(spec, "get") and spec.get("scrapeClasses") else ()
