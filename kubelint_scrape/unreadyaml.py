"""YAML that defines scrape jobs for a program this tool does not model (KS007), found in a ConfigMap or Secret.

Each form is YAML, but not a Prometheus, Grafana Agent or OpenTelemetry Collector config, and the jobs it defines are
run by a program whose requests the analysis cannot attribute. The tool names the jobs and says that their access
is not checked, rather than reporting a scraper with no jobs — or no scraper at all — as clean:

- the New Relic Prometheus configurator's input (the newrelic-prometheus-agent chart). An init container
  (`newrelic-prometheus-configurator --input=… --output=…`) writes the Prometheus agent's real config from it into an
  emptyDir when the pod starts. Upstream (newrelic/newrelic-prometheus-configurator,
  internal/configurator/builder.go `BuildPromConfig`): every `static_targets.jobs[]` entry becomes a static job,
  every `kubernetes.jobs[]` entry a job `<job_name_prefix>-pod` (kubernetes_sd_configs role pod) and/or
  `<job_name_prefix>-endpoints` (role endpoints) per its `target_discovery` (internal/kubernetes/config.go `Build`),
  and `extra_scrape_configs` are appended unchanged;
- a standalone OpenTelemetry target allocator's config (`/conf/targetallocator.yaml`; upstream
  open-telemetry/opentelemetry-operator cmd/otel-allocator/internal/config/config.go `Config`): its `config` is a
  Prometheus config whose service discovery — and, with `prometheus_cr.enabled`, whose watch of ServiceMonitors,
  PodMonitors, ScrapeConfigs and Probes — runs as the allocator's ServiceAccount, while the scrapes are made by the
  collectors that fetch their targets from it, with their own tokens. The operator's OpenTelemetryCollector
  `targetAllocator` is modelled (otel.py); a target allocator deployed by hand from a ConfigMap is not.
"""

from __future__ import annotations

import re
from typing import Any

from .yamltree import YMap, as_map, as_seq, as_str

NEWRELIC_FORM = "New Relic Prometheus configurator input"
TARGET_ALLOCATOR_FORM = "OpenTelemetry target allocator configuration"

# The distinctive top-level keys of each form, as YAML keys: a cheap gate before parsing (a script or a dashboard
# that merely names them is not parsed, so it cannot draw a KS001).
_KEYS = re.compile(
    r"^(?:newrelic_remote_write|[ \t]*target_discovery|collector_selector|allocation_strategy|prometheus_cr)[ \t]*:",
    re.MULTILINE)


def looks_like_unread_yaml(text: str) -> bool:
    return _KEYS.search(text) is not None


_TARGET_ALLOCATOR_KEYS = re.compile(r"^(?:collector_selector|allocation_strategy|prometheus_cr)[ \t]*:", re.MULTILINE)


def form_of_text(text: str) -> str:
    """Which form an unread YAML text (one that drew a KS007) is, by its keys alone: for the grant rules' wording."""
    return TARGET_ALLOCATOR_FORM if _TARGET_ALLOCATOR_KEYS.search(text) else NEWRELIC_FORM


def unread_yaml_jobs(doc: Any) -> tuple[str, list[str]] | None:
    """(form, the jobs it declares as `section job (role)` descriptions, in order) for a document of one of the
    forms that declares jobs; None for anything else (a Prometheus config, a Kubernetes object, a form without jobs)."""
    if not isinstance(doc, YMap) or "scrape_configs" in doc or "kind" in doc:
        return None
    for form, jobs_of in ((NEWRELIC_FORM, newrelic_jobs), (TARGET_ALLOCATOR_FORM, target_allocator_jobs)):
        jobs = jobs_of(doc)
        if jobs:
            return form, jobs
    return None


def newrelic_jobs(doc: YMap) -> list[str]:
    """The jobs a configurator input declares; [] unless it has `newrelic_remote_write` or a
    `kubernetes.jobs[].target_discovery`."""
    kubernetes_jobs = [as_map(job) for job in as_seq(as_map(doc.get("kubernetes")).get("jobs"))]
    if "newrelic_remote_write" not in doc and not any(isinstance(job.get("target_discovery"), YMap) for job in kubernetes_jobs):
        return []
    found = [f"`static_targets` {_job_name(job)}" for job in as_seq(as_map(doc.get("static_targets")).get("jobs"))]
    for job in kubernetes_jobs:
        discovery = as_map(job.get("target_discovery"))
        prefix = as_str(job.get("job_name_prefix"), "(no prefix)")
        found.extend(f"`kubernetes.jobs` {prefix}-{role} (role {role})"
                     for role in ("pod", "endpoints") if discovery.get(role) is True)
    found.extend(f"`extra_scrape_configs` {_job_name(job)}" for job in as_seq(doc.get("extra_scrape_configs")))
    return found


def target_allocator_jobs(doc: YMap) -> list[str]:
    """What a target allocator config discovers; [] unless it has a key only that config has (`collector_selector`,
    `allocation_strategy`, `prometheus_cr`)."""
    if not any(key in doc for key in ("collector_selector", "allocation_strategy", "prometheus_cr")):
        return []
    found = []
    if as_map(doc.get("prometheus_cr")).get("enabled") is True:
        found.append("`prometheus_cr` (the ServiceMonitors, PodMonitors, ScrapeConfigs and Probes it selects)")
    for job in as_seq(as_map(doc.get("config")).get("scrape_configs")):
        roles = [r for r in dict.fromkeys(as_str(as_map(sd).get("role")) for sd in as_seq(as_map(job).get("kubernetes_sd_configs"))) if r]
        shown = f" (role {', '.join(roles)})" if roles else ""
        found.append(f"`config.scrape_configs` {_job_name(job)}{shown}")
    return found


def _job_name(job: Any) -> str:
    return as_str(as_map(job).get("job_name"), "(unnamed)")
