"""Misspelt keys in the specs and endpoints of Prometheus Operator objects (KS602).

The API server drops a field a CRD does not define (kubectl's default strict field validation refuses it: "strict
decoding error: unknown field"), so `endpoint:` for `endpoints:` leaves a ServiceMonitor without endpoints and nothing
says so. The schema (rules/schemas/kubernetes-objects.schema.json) leaves these mappings open: closing them would need
the field list of every operator release users run, and a real field newer than the list would be a false error. So
only a key that is a typo's distance from a field the CRD defines (and the mapping does not already hold) is reported;
a key far from every known field is left alone. The field lists are rules/schemas/operator-fields.json, read on the
first such object only (lint-on-save pays nothing for files without one)."""

from __future__ import annotations

import functools
import json
from typing import Any, Iterator

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
    return 2 if len(field) >= LONG_NAME else 1


@functools.lru_cache(maxsize=1)
def known_fields() -> dict[str, dict[str, tuple[str, ...]]]:
    with open(rules_path("schemas", "operator-fields.json"), encoding="utf-8") as handle:
        data = json.load(handle)
    return {kind: {where: tuple(fields) for where, fields in maps.items()}
            for kind, maps in data.items() if not kind.startswith("_")}


def typo_of(key: Any, fields: tuple[str, ...], present: Any = ()) -> str | None:
    """The field `key` misspells, or None: the nearest field within allowed_distance (case aside: `bearerTokenfile`,
    `enableHttp2` in a ScrapeConfig, which spells it `enableHTTP2`), not already a key of the mapping (`present`:
    renaming would give it twice). Ties go to the first field in list order."""
    if not isinstance(key, str) or key in fields or len(key) < 3:
        return None
    lowered = key.lower()
    best, best_distance = None, 3
    for field in fields:
        if field in present or abs(len(field) - len(key)) > allowed_distance(field):
            continue  # (more letters apart than edits allowed: not worth the distance)
        distance = edit_distance(lowered, field.lower())
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


def misspelt_fields(doc: YMap, kind: str) -> Iterator[tuple[SchemaError, str]]:
    """(an "additional" SchemaError at the key, the field it misspells) for each misspelt key of the object's spec
    and endpoints; nothing for a kind without lists or an object without a spec mapping."""
    spec = doc.get("spec")
    if not isinstance(spec, YMap) or kind not in KINDS:
        return  # (the lists are read on the first object of these kinds only)
    for where, fields in known_fields()[kind].items():
        for mapping, path in _mappings(spec, where):
            for key in mapping:
                match = typo_of(key, fields, mapping)
                if match is not None:
                    yield SchemaError("additional", path + (key,), mapping, key, mapping[key], "",
                                      allowed=tuple(fields)), match


KINDS = frozenset({"ServiceMonitor", "PodMonitor", "Probe", "ScrapeConfig", "Prometheus", "PrometheusAgent"})

# What the object loses with the field, when that is more than the field itself: the list of what to scrape.
CONSEQUENCES = {
    ("ServiceMonitor", "endpoints"): "the ServiceMonitor has no endpoints, so the operator generates no scrape job for it",
    ("PodMonitor", "podMetricsEndpoints"): "the PodMonitor has no podMetricsEndpoints, so the operator generates no "
                                           "scrape job for it",
    ("Probe", "targets"): "the Probe has no targets, so the operator generates no scrape job for it",
}
