"""Misspelt keys in the specs and endpoints of Prometheus Operator objects (KS602): the monitors, and the spec of a
Prometheus or PrometheusAgent (`serviceMonitorSelecter:` leaves the selector null, selecting no ServiceMonitor; KS100's
reason for a monitor left out names the typo too: misspelling_of).

The API server drops a field a CRD does not define (kubectl's default strict field validation refuses it: "strict
decoding error: unknown field"), so `endpoint:` for `endpoints:` leaves a ServiceMonitor without endpoints and nothing
says so. The schema (rules/schemas/kubernetes-objects.schema.json) leaves these mappings open: closing them would need
the field list of every operator release users run, and a real field newer than the list would be a false error. So
only a key that is a typo's distance from a field the CRD defines is reported (a warning, a leftover to remove, when
the mapping also holds that field: misspelt_fields); a key far from every known field is left alone. The field lists are rules/schemas/operator-fields.json, read on the
first such object only (lint-on-save pays nothing for files without one).

The VictoriaMetrics operator's VMAgent and scrape objects get the same check, with two differences: the operator
matches a key to a field without regard to case, '_' or '-' (fold_vm), and whether the API server refuses an unknown
key depends on which of its CRDs is installed (k8svalidate.VM_DROPPED)."""

from __future__ import annotations

import functools
import json
from typing import Any, Callable, Iterator

from .resources import rules_path
from .schema_check import SchemaError
from .spelling import edit_distance
from .yamltree import YMap, YSeq

# How far a key may be from a field and still be that field misspelt: one edit (a letter missing, extra, wrong, or two
# swapped: `endpoint`, `prot`, `relabellings`), two for long names (`namespaceSelecter` is one; `podMetricEndpoint`
# two). Never more: the ScrapeConfig's `ec2SDConfigs` and `gceSDConfigs` are two apart, both real (the test of the
# lists holds every pair of real fields to this).
LONG_NAME = 13


def allowed_distance(field: str) -> int:
    """One edit for a long name that another real field of its list is two edits from (the VMAgent's
    podScrapeSelector and nodeScrapeSelector: the lists' `_one_edit`, kept exact by the test of the lists), so
    neither is ever taken for the other's typo."""
    return 2 if len(field) >= LONG_NAME and field not in _lists()["_one_edit"] else 1


@functools.lru_cache(maxsize=1)
def _lists() -> dict[str, Any]:
    with open(rules_path("schemas", "operator-fields.json"), encoding="utf-8") as handle:
        data = json.load(handle)
    data["_one_edit"] = frozenset(data.get("_one_edit", ()))
    return data


@functools.lru_cache(maxsize=1)
def known_fields() -> dict[str, dict[str, tuple[str, ...]]]:
    data = _lists()
    inline = data.get("_inline", {})

    def expand(fields: list[str]) -> tuple[str, ...]:  # "...CommonPrometheusFields": a struct embedded inline
        return tuple(dict.fromkeys(name for field in fields
                                   for name in (inline[field[3:]] if field.startswith("...") else (field,))))
    return {kind: {where: expand(fields) for where, fields in maps.items()}
            for kind, maps in data.items() if not kind.startswith("_")}


def fold_case(name: str) -> str:
    return name.lower()


def fold_vm(name: str) -> str:
    """How the VictoriaMetrics operator matches a spec's keys to its fields (json case:ignore): without regard to
    case, '_' or '-', so `scrapeInterval` is `scrape_interval` and `attachMetadata` is `attach_metadata`."""
    return name.lower().replace("_", "").replace("-", "")


def typo_of(key: Any, fields: tuple[str, ...], present: Any = (), fold: Callable[[str], str] = fold_case) -> str | None:
    """The field `key` misspells, or None: the nearest field within allowed_distance (case aside: `bearerTokenfile`,
    `enableHttp2` in a ScrapeConfig, which spells it `enableHTTP2`), not already a key of the mapping (`present`:
    renaming would give it twice). Ties go to the first field in list order. `fold`: the spellings the decoder takes
    as one (fold_vm: a key equal to a field once folded is that field, not a typo)."""
    if not isinstance(key, str) or key in fields or len(key) < 3:
        return None
    folded = fold(key)
    if fold is not fold_case:
        if any(fold(field) == folded for field in fields):
            return None  # the operator reads it as that field
        present = {fold(other) for other in present if isinstance(other, str)}  # held in another spelling
    best, best_distance = None, 3
    for field in fields:
        folded_field = fold(field)
        if (folded_field if fold is not fold_case else field) in present or \
                abs(len(folded_field) - len(folded)) > allowed_distance(field):
            continue  # (more letters apart than edits allowed: not worth the distance)
        distance = edit_distance(folded, folded_field)
        if distance <= allowed_distance(field) and distance < best_distance:
            best, best_distance = field, distance
    return best


def _mappings(spec: YMap, where: str) -> Iterator[tuple[YMap, tuple]]:
    """The mappings at `where` ("spec", "spec.endpoints[]", "spec.targets.ingress") with their paths."""
    parts = where.split(".")[1:]
    found: list[tuple[Any, tuple]] = [(spec, ("spec",))]
    for part in parts:
        many = part.endswith("[]")
        name = part[:-2] if many else part
        nxt: list[tuple[Any, tuple]] = []
        for mapping, path in found:
            value = mapping.get(name) if isinstance(mapping, YMap) else None
            if many and isinstance(value, YSeq):
                nxt.extend((item, path + (name, index)) for index, item in enumerate(value))
            elif not many:
                nxt.append((value, path + (name,)))
        found = nxt
    for mapping, path in found:
        if isinstance(mapping, YMap):
            yield mapping, path


def misspelt_fields(doc: YMap, kind: str) -> Iterator[tuple[SchemaError, str, bool]]:
    """(an "additional" SchemaError at the key, the field it misspells, whether the mapping also holds that field)
    for each misspelt key of the object's spec and endpoints; nothing for a kind without lists or an object without
    a spec mapping.

    The third is a leftover (`scrapeIntervall:` beside `scrapeInterval:`, a rename that kept the old line): the
    object keeps the field, so only the typo goes. Told for the Prometheus Operator's kinds only: a VictoriaMetrics
    object's schema-less CRD stores the key and its operator's strict decoding of the spec is another matter
    (k8svalidate.VM_DROPPED)."""
    spec = doc.get("spec")
    if not isinstance(spec, YMap) or kind not in KINDS:
        return  # (the lists are read on the first object of these kinds only)
    fold = fold_vm if kind in VM_KINDS else fold_case
    for where, fields in known_fields()[kind].items():
        for mapping, path in _mappings(spec, where):
            for key in mapping:
                match = typo_of(key, fields, mapping, fold)
                leftover = False
                if match is None and fold is fold_case and isinstance(key, str) and key not in fields:
                    match = typo_of(key, fields, (), fold)
                    leftover = match is not None  # (None before with the mapping: so the mapping holds it)
                    if match is None:
                        match = prometheus_spelling(key, fields)
                        leftover = match is not None and match in mapping
                if match is not None:
                    yield SchemaError("additional", path + (key,), mapping, key, mapping[key], "",
                                      allowed=tuple(fields)), match, leftover


# A Prometheus config's key → the operator field it is written for, where the two are more than a typo apart: a job
# copied into a monitor keeps them (`metrics_path:` is dropped by the API server, so the endpoint is scraped at
# /metrics). The first of the fields the mapping's CRD defines is the one meant (a ServiceMonitor endpoint's `path`,
# a ScrapeConfig's `metricsPath`).
PROMETHEUS_SPELLINGS = {
    "metrics_path": ("path", "metricsPath"),
    "scrape_interval": ("interval", "scrapeInterval"),
    "relabel_configs": ("relabelings",),
    "metric_relabel_configs": ("metricRelabelings",),
    "kubernetes_sd_configs": ("kubernetesSDConfigs",),
    "static_configs": ("staticConfigs",),
}


# A field of one monitor kind → the field the sibling kind calls it, where a monitor copied from the other kind keeps
# the first: a ServiceMonitor's `podMetricsEndpoints:` (a PodMonitor's list) is dropped by the API server, leaving it
# no endpoints and no job; a PodMonitor's `endpoints:` likewise; a ServiceMonitor endpoint's `portNumber:` (only a
# PodMonitor endpoint has it, monitoring/v1 PodMetricsEndpoint.PortNumber) is dropped, so every port of the Service is
# scraped — the container port number is what a ServiceMonitor endpoint's `targetPort` names; a PodMonitor's
# `targetLabels:` (ServiceMonitorSpec.TargetLabels copies Service labels; a PodMonitor has no Service) is dropped —
# `podTargetLabels` is the PodMonitor's. Consulted only for a key the mapping's CRD does not define, so a real field
# is never renamed.
KIND_SPELLINGS = {
    "podMetricsEndpoints": ("endpoints",),
    "endpoints": ("podMetricsEndpoints",),
    "portNumber": ("targetPort",),
    "targetLabels": ("podTargetLabels",),
}


def prometheus_spelling(key: str, fields: tuple[str, ...]) -> str | None:
    """The field of `fields` a Prometheus config's `key` (PROMETHEUS_SPELLINGS) or the sibling monitor kind's field
    `key` (KIND_SPELLINGS) stands for, or None."""
    return next((field for table in (PROMETHEUS_SPELLINGS, KIND_SPELLINGS) for field in table.get(key, ())
                 if field in fields), None)


# The VictoriaMetrics operator's VMAgent and scrape objects (operator.victoriametrics.com): no schema definition of
# their own (k8svalidate reads them for misspelt keys only), keys matched as fold_vm does.
VM_KINDS = frozenset({"VMAgent", "VMServiceScrape", "VMPodScrape", "VMNodeScrape", "VMStaticScrape", "VMProbe"})
KINDS = frozenset({"ServiceMonitor", "PodMonitor", "Probe", "ScrapeConfig", "Prometheus", "PrometheusAgent"}) | VM_KINDS

# What the object loses with the field, when that is more than the field itself: the list of what to scrape.
CONSEQUENCES = {
    ("ServiceMonitor", "endpoints"): "the ServiceMonitor has no endpoints, so the operator generates no scrape job for it",
    ("PodMonitor", "podMetricsEndpoints"): "the PodMonitor has no podMetricsEndpoints, so the operator generates no "
                                           "scrape job for it",
    ("Probe", "targets"): "the Probe has no targets, so the operator generates no scrape job for it",
    ("VMServiceScrape", "endpoints"): "the VMServiceScrape has no endpoints, so the operator generates no scrape job "
                                      "for it",
    ("VMPodScrape", "podMetricsEndpoints"): "the VMPodScrape has no podMetricsEndpoints, so the operator generates no "
                                            "scrape job for it",
    ("VMStaticScrape", "targetEndpoints"): "the VMStaticScrape has no targetEndpoints, so the operator generates no "
                                           "scrape job for it",
    **{(runner, selector): f"the {runner} has no {selector}, which selects no {monitor}"
       for runner in ("Prometheus", "PrometheusAgent")
       for selector, monitor in (("serviceMonitorSelector", "ServiceMonitor"), ("podMonitorSelector", "PodMonitor"),
                                 ("probeSelector", "Probe"), ("scrapeConfigSelector", "ScrapeConfig"))},
}


def misspelling_of(spec: object, kind: str, field: str) -> str | None:
    """The key of `spec` (an object's spec of `kind`) that misspells `field`, or None: KS100's reason for a monitor
    no runner selects names the typo KS602 reports (`serviceMonitorSelecter:` leaves the selector null)."""
    if not isinstance(spec, YMap) or kind not in KINDS or field in spec:
        return None
    fields, fold = known_fields()[kind]["spec"], fold_vm if kind in VM_KINDS else fold_case
    return next((key for key in spec if typo_of(key, fields, spec, fold) == field), None)
