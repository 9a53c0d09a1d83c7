"""Scrape jobs handed to a Helm chart by a GitOps object (KS007): a Flux `HelmRelease`'s `spec.values` or
`valuesFrom` ConfigMap/Secret, an Argo CD `Application`'s (or `ApplicationSet` template's) `helm.values` /
`helm.valuesObject`, a k3s/RKE2 `HelmChart` / `HelmChartConfig`'s `valuesContent`. The chart turns them into a Prometheus configuration at install time (kube-prometheus-stack:
`prometheus.prometheusSpec.additionalScrapeConfigs` into a Secret its Prometheus loads; the prometheus chart:
`extraScrapeConfigs`, `serverFiles."prometheus.yml".scrape_configs`), run by a ServiceAccount with RBAC the chart
renders too — none of it in a GitOps repository's files. So the jobs' access is not checked, and a report that
stayed silent would read as "fine": one notice per object, naming the jobs, pointing at the rendered output."""

from __future__ import annotations

import os
import re
from typing import Any, Iterator

from .findings import Finding
from .load import Limits, Source, parse_text
from .model import LOG_AGENT_JOB_KEYS, K8sObject, Workspace, is_log_agent_config, named
from .yamltree import YMap, as_map, as_seq, as_str, get_path, key_span

# Values keys that hold Prometheus scrape jobs in the charts that deploy Prometheus or a Prometheus-compatible
# agent (kube-prometheus-stack, prometheus, victoria-metrics-agent, grafana-agent static mode).
SCRAPE_KEYS = ("additionalScrapeConfigs", "extraScrapeConfigs", "scrape_configs")
_JOB_NAME = re.compile(r"""job_name:\s*["']?([^\s"'#]+)""")
# Log shippers' charts use the same keys for log scrape jobs (promtail `config.snippets.extraScrapeConfigs`), which
# the tool does not read in a config file either (model.is_log_agent_config). Charts bundle each other, so whose
# jobs a key holds is told by the nearest name on its way down: the chart's, then each subchart key — loki-stack's
# `promtail` holds log jobs, its `prometheus` (prometheus-community/prometheus) metric ones, as does an umbrella
# chart's `kube-prometheus-stack` beside a `promtail`.
LOG_AGENT_CHARTS = ("promtail", "loki", "fluent", "vector")
METRICS_CHARTS = ("prometheus",)
_MAX_DEPTH = 12  # values trees are shallow; a bound keeps a pathological one from costing anything

FIX = ("Lint what the chart renders — `helm template` with these values (`flux build`/`flux-local`, `argocd app "
       "manifests`) piped to `kubelint-scrape -` — so the jobs are checked against the ServiceAccount and RBAC the "
       "chart creates. Suppress this notice with a reason once done.")


def helm_values_findings(workspace: Workspace, sources: list[Source]) -> list[Finding]:
    objects = _gitops_objects(workspace)
    if not objects:
        return []
    by_path = {source.path: source for source in sources}
    findings = []
    for obj in objects:
        # (file, mapping holding the key, key, job names), in the order the values are read
        found = [(path, *hit) for values, path, chart in _values_of(obj, workspace, by_path)
                 for hit in _scrape_keys(values, _log_agent(chart, False))]
        if not found:
            continue
        path, holder, key, _jobs = found[0]
        findings.append(_unchecked_jobs(key_span(path, holder, key), f"{named(obj)} passes", "its Helm chart",
                                        [hit[1:] for hit in found], obj.ref))
    return findings


def _unchecked_jobs(span: Any, who: str, chart: str, found: list, subject: str) -> Finding:
    """The KS007 notice for scrape jobs handed to a chart (`found`: (mapping, key, job names) in reading order)."""
    jobs = ", ".join(dict.fromkeys(job for *_rest, names in found for job in names))
    keys = ", ".join(dict.fromkeys(f"`{k}`" for _m, k, _j in found))
    return Finding(
        "KS007", span,
        f"{who} scrape jobs{f' ({jobs})' if jobs else ''} to {chart} in {keys}: the chart renders them into a "
        "Prometheus configuration at install time, run by a ServiceAccount with RBAC the chart creates, none of which "
        "is in the inputs; this tool does not render charts, so what these jobs need from the API server and the "
        "kubelets — and whether that ServiceAccount holds it — is not checked",
        fix=FIX, object=subject, data={"family": "Helm chart values", "identity": None},
    )


def values_file_findings(sources: list[Source], linted_jobs: frozenset = frozenset()) -> list[Finding]:
    """KS007 for a plain Helm values file (what helmfile, Terraform's helm_release or an Argo CD `valueFiles` entry
    hands the chart): a document that is no Kubernetes object and no configuration this tool reads, holding scrape
    jobs under a chart's key. The same jobs in a GitOps object draw KS007 above; in the file they went unreported.
    A chart's own values files — its values.yaml (a Chart.yaml beside it) and those in its tree, such as the
    ci/*-values.yaml `ct install` runs it with — are left to KS003 on its templates, which says the same. Nor when
    every job the values hold is a job of a configuration in the inputs (`linted_jobs`, each job's name and
    keys): the chart's rendered output, committed beside its values (`helm template` into the repository), is
    linted already."""
    charts = {os.path.dirname(source.path) for source in sources if os.path.basename(source.path) == "Chart.yaml"}
    findings = []
    for source in sources:
        if _in_chart(os.path.dirname(source.path), charts):
            continue
        for document in source.documents:
            root = document.root
            if not isinstance(root, YMap) or "kind" in root or "apiVersion" in root or _read_as_config(root):
                continue
            found = [hit for hit in _scrape_keys(root, False) if not _log_jobs(hit[0].get(hit[1]))]
            if not found:
                continue
            holder, key, _jobs = found[0]
            if linted_jobs and _all_linted(source.path, found, linted_jobs):
                continue
            findings.append(_unchecked_jobs(key_span(source.path, holder, key),
                                            f"{os.path.basename(source.path)} reads as Helm chart values passing",
                                            "the chart", found, source.path))
    return findings


def job_shape(job: Any) -> tuple[str, frozenset[str]] | None:
    """A scrape job's name and top-level keys: what tells the same job rendered from values apart from another
    config's job that only shares a common name (`kubernetes-pods`)."""
    if not isinstance(job, YMap) or not as_str(job.get("job_name")):
        return None
    return as_str(job.get("job_name")), frozenset(key for key in job if isinstance(key, str))


def _all_linted(path: str, found: list[tuple[YMap, str, list[str]]], linted_jobs: frozenset) -> bool:
    """Whether every job under the values' scrape keys (a list, or the same as YAML text) is a linted job."""
    for holder, key, _names in found:
        value = holder.get(key)
        if isinstance(value, str):
            documents, _problems, _status = parse_text(path, value, Limits())
            value = documents[0].root if len(documents) == 1 else None
        jobs = as_seq(value) if isinstance(value, list) else []
        if not jobs or any(job_shape(job) not in linted_jobs for job in jobs):
            return False
    return True


def _in_chart(directory: str, charts: set[str]) -> bool:
    """Whether a directory is a chart's (holds its Chart.yaml) or below one."""
    while directory not in charts:
        parent = os.path.dirname(directory)
        if parent == directory:
            return False
        directory = parent
    return True


def _read_as_config(root: YMap) -> bool:
    """A kind-less document that is a configuration of its own (read, or reported as unread, elsewhere): Prometheus
    or Promtail (top-level `scrape_configs`), Grafana Agent static mode, an OpenTelemetry Collector, a New Relic
    configurator input or a target allocator config (unreadyaml.py)."""
    from .model import agent_metrics_section
    from .otel import is_collector_config
    from .unreadyaml import unread_yaml_jobs

    return ("scrape_configs" in root or agent_metrics_section(root) is not None or is_collector_config(root)
            or unread_yaml_jobs(root) is not None)


# Promtail's jobs, under the same keys in its chart's values (`config.snippets.extraScrapeConfigs`, often as text)
_LOG_JOB_TEXT = re.compile(r"^\s*-?\s*(?:%s)\s*:|__path__" % "|".join(LOG_AGENT_JOB_KEYS), re.MULTILINE)


def _log_jobs(value: Any) -> bool:
    """Whether the jobs under a key are a log shipper's (model.is_log_agent_config's test for one job)."""
    if isinstance(value, str):
        return _LOG_JOB_TEXT.search(value) is not None
    if not isinstance(value, list):
        return False
    jobs = YMap()
    jobs["scrape_configs"] = value  # the jobs as Promtail's config holds them (positions unused)
    return is_log_agent_config(jobs)


def _gitops_objects(workspace: Workspace) -> list[K8sObject]:
    found = [o for o in workspace.kind("HelmRelease") if o.api_version.startswith("helm.toolkit.fluxcd.io/")]
    found += [o for kind in ("Application", "ApplicationSet") for o in workspace.kind(kind)
              if o.api_version.startswith("argoproj.io/")]
    found += [o for kind in ("HelmChart", "HelmChartConfig") for o in workspace.kind(kind)
              if o.api_version.startswith("helm.cattle.io/")]
    return sorted(found, key=lambda o: (o.span.path, o.span.line))


def _chart(spec: YMap, obj: K8sObject) -> str:
    """The chart's name as a Flux HelmRelease or a k3s HelmChart(Config) gives it (chart template or chartRef)."""
    names = [as_str(get_path(spec, "chart", "spec", "chart")), as_str(get_path(spec, "chartRef", "name")),
             as_str(spec.get("chart")), obj.name if obj.kind == "HelmChartConfig" else ""]
    return " ".join(names)


def _source_chart(source: Any) -> str:
    """The chart an Argo CD source installs (its `chart`, or the `path` of a chart in a Git repository)."""
    return f"{as_str(as_map(source).get('chart'))} {as_str(as_map(source).get('path'))}"


def _log_agent(name: Any, inherited: bool) -> bool:
    """Whether jobs below this chart or subchart key are a log shipper's: a log agent's name says yes, a
    Prometheus chart's no, any other name leaves what the level above said."""
    name = str(name).lower()
    if any(word in name for word in METRICS_CHARTS):
        return False
    return inherited or any(word in name for word in LOG_AGENT_CHARTS)


def _values_of(obj: K8sObject, workspace: Workspace, by_path: dict[str, Source]
               ) -> Iterator[tuple[Any, str, str]]:
    """(values tree, file it lies in, chart they are for) of every values source of the object: inline, or text
    parsed in place. An Argo CD Application's sources each name their own chart."""
    spec = as_map(obj.doc.get("spec"))
    if obj.kind == "HelmRelease":
        chart = _chart(spec, obj)
        # Flux merges valuesFrom in order, then spec.values on top (helm-controller docs, "Values references").
        for ref in as_seq(spec.get("valuesFrom")):
            ref = as_map(ref)
            kind, name = as_str(ref.get("kind")), as_str(ref.get("name"))
            holder = workspace.find(kind, obj.namespace, name) if kind in ("ConfigMap", "Secret") and name else None
            if holder is not None:
                key = as_str(ref.get("valuesKey")) or "values.yaml"  # Flux's default valuesKey
                data = as_map(get_path(holder.doc, "stringData" if kind == "Secret" else "data"))
                yield _parsed(by_path.get(holder.path), data, key), holder.path, chart
        yield spec.get("values"), obj.path, chart
        return
    if obj.kind in ("HelmChart", "HelmChartConfig"):  # k3s helm-controller: the values as one YAML string
        yield _parsed(by_path.get(obj.path), spec, "valuesContent"), obj.path, _chart(spec, obj)
        return
    if obj.kind == "ApplicationSet":
        spec = as_map(get_path(spec, "template", "spec"))
    for source in [spec.get("source"), *as_seq(spec.get("sources"))]:
        helm = as_map(as_map(source).get("helm"))
        yield helm.get("valuesObject"), obj.path, _source_chart(source)
        yield _parsed(by_path.get(obj.path), helm, "values"), obj.path, _source_chart(source)


def _parsed(source: Source | None, mapping: YMap, key: str) -> YMap | None:
    """The values document held as text under `key`, positioned in the outer file."""
    from .build import embedded_position  # (build imports the checks' inputs lazily; keep this module light)

    text = mapping.get(key)
    if source is None or not isinstance(text, str) or not any(k in text for k in SCRAPE_KEYS):
        return None
    documents, _problems, status = parse_text(source.path, text, Limits(), embedded_position(source.text, mapping, key))
    root = documents[0].root if status == "linted" and documents else None
    return root if isinstance(root, YMap) else None


def _scrape_keys(values: Any, log_agent: bool, depth: int = 0) -> Iterator[tuple[YMap, str, list[str]]]:
    """(mapping, key, job names) of every non-empty scrape-job key in a values tree that is not a log shipper's.
    Not under a component its values switch off (`enabled: false`): the chart renders nothing of it —
    kube-prometheus-stack's additional scrape configs Secret is `if and .Values.prometheus.enabled
    .Values.prometheus.prometheusSpec.additionalScrapeConfigs` (templates/prometheus/additionalScrapeConfigs.yaml)."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(values, YMap) and values.get("enabled") is False:
        return
    if isinstance(values, YMap):
        for key, value in values.items():
            if key in SCRAPE_KEYS and _holds_jobs(value):
                if not log_agent:
                    yield values, key, _job_names(value)
            else:
                yield from _scrape_keys(value, _log_agent(key, log_agent), depth + 1)
    elif isinstance(values, list):
        for item in values:
            yield from _scrape_keys(item, log_agent, depth + 1)


def _holds_jobs(value: Any) -> bool:
    """Whether a scrape key's value can hand the chart a job: a non-empty list, text with more than comments and
    an empty list, or a mapping holding a list of jobs. Text of comments only — a values file keeping the chart's
    commented example under `extraScrapeConfigs: |` — renders to nothing (the prometheus chart writes the text as
    it is under scrape_configs)."""
    if isinstance(value, list):
        return bool(value)
    if isinstance(value, str):
        return _uncommented(value) not in ("", "[]", "null", "~")
    return bool(_mapped_jobs(value))


def _mapped_jobs(value: Any, depth: int = 0) -> list[Any]:
    """The job lists (or their text) inside a scrape key that is a mapping of settings: bitnami/kube-prometheus'
    `prometheus.additionalScrapeConfigs` is {enabled, type: external|internal, external: {name, key},
    internal: {jobList}}, and renders the jobList only when enabled. Switched off (`enabled: false`), or holding
    only a Secret's name and key, it passes no job."""
    if not isinstance(value, YMap) or depth > 3 or value.get("enabled") is False:
        return []
    found: list[Any] = []
    for item in value.values():
        if isinstance(item, list) and any(isinstance(job, YMap) and "job_name" in job for job in item):
            found.append(item)
        elif isinstance(item, str) and _JOB_NAME.search(_uncommented(item)):
            found.append(item)
        else:
            found.extend(_mapped_jobs(item, depth + 1))
    return found


def _uncommented(text: str) -> str:
    """The text without its comment lines (a `#` after the indent), stripped."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")).strip()


def _job_names(value: Any) -> list[str]:
    """A list of jobs (kube-prometheus-stack), the same as YAML text (the prometheus chart's extraScrapeConfigs), or
    a mapping of settings holding them (bitnami/kube-prometheus); a job only in a comment is none."""
    if isinstance(value, str):
        return _JOB_NAME.findall(_uncommented(value))
    if isinstance(value, YMap):
        return [name for jobs in _mapped_jobs(value) for name in _job_names(jobs)]
    return [name for job in as_seq(value) if (name := as_str(as_map(job).get("job_name")))]
