"""The New Relic Prometheus configurator's input (KS007): not a Prometheus config, but one written from it at pod start.

The newrelic-prometheus-agent chart mounts this YAML into an init container (`newrelic-prometheus-configurator
--input=… --output=…`) that writes the Prometheus agent's real config into an emptyDir. Upstream
(newrelic/newrelic-prometheus-configurator, internal/configurator/builder.go `BuildPromConfig`): every
`static_targets.jobs[]` entry becomes a static job, every `kubernetes.jobs[]` entry a job `<job_name_prefix>-pod`
(kubernetes_sd_configs role pod) and/or `<job_name_prefix>-endpoints` (role endpoints) per its `target_discovery`
(internal/kubernetes/config.go `Build`, `buildSdConfig`), and `extra_scrape_configs` are appended unchanged. The
jobs — and so what the pod's ServiceAccount needs — are only known at run time, so the tool names them and says
that their access is not checked, rather than reporting a scraper with no jobs as clean.
"""

from __future__ import annotations

import re
from typing import Any

from .yamltree import YMap, as_map, as_seq, as_str

FORM = "New Relic Prometheus configurator input"


# The distinctive keys of the configurator's input, as YAML keys (a script or a dashboard that merely names them is
# not parsed, so it cannot draw a KS001).
_KEYS = re.compile(r"^(?:newrelic_remote_write|[ \t]*target_discovery)[ \t]*:", re.MULTILINE)


def looks_like_newrelic(text: str) -> bool:
    """A cheap gate before parsing."""
    return _KEYS.search(text) is not None


def newrelic_jobs(doc: Any) -> list[str]:
    """The scrape jobs a configurator input declares, as `section: job (role)` descriptions, in order; [] when the
    document is not such an input (it needs `newrelic_remote_write` or a `kubernetes.jobs[].target_discovery`,
    and is no Prometheus config itself)."""
    if not isinstance(doc, YMap) or "scrape_configs" in doc or "kind" in doc:
        return []
    kubernetes_jobs = [as_map(job) for job in as_seq(as_map(doc.get("kubernetes")).get("jobs"))]
    if "newrelic_remote_write" not in doc and not any(isinstance(job.get("target_discovery"), YMap) for job in kubernetes_jobs):
        return []
    found = [f"`static_targets` {as_str(as_map(job).get('job_name'), '(unnamed)')}"
             for job in as_seq(as_map(doc.get("static_targets")).get("jobs"))]
    for job in kubernetes_jobs:
        discovery = as_map(job.get("target_discovery"))
        prefix = as_str(job.get("job_name_prefix"), "(no prefix)")
        found.extend(f"`kubernetes.jobs` {prefix}-{role} (role {role})"
                     for role in ("pod", "endpoints") if discovery.get(role) is True)
    found.extend(f"`extra_scrape_configs` {as_str(as_map(job).get('job_name'), '(unnamed)')}"
                 for job in as_seq(doc.get("extra_scrape_configs")))
    return found
