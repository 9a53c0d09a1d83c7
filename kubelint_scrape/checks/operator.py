"""Prometheus Operator specific mistakes (FACTS §6)."""

from __future__ import annotations

from typing import Iterator

from ..catalog import check
from ..findings import Finding, Related
from ..yamltree import get_path, key_span
from .context import Context


@check("KS603")
def operator_file_access_denied(ctx: Context) -> Iterator[Finding]:
    for config in ctx.analysis.configs:
        runner = config.runner
        if runner is None:
            continue
        deny = get_path(runner.doc, "spec", "arbitraryFSAccessThroughSMs")
        for monitor, reads in _reads_by_monitor(config.rejected):
            # the operator rejects the ServiceMonitor for that runner (resource_selector.go) once, at its first file
            # field (testForArbitraryFSAccess returns on the first): one finding there, the other fields as related
            span, field_name = reads[0]
            fields = ", ".join(dict.fromkeys(name for _, name in reads))
            noun = "a file through" if len(reads) == 1 else "files through"
            yield Finding(
                "KS603", span,
                f"{monitor.kind} {monitor.namespace}/{monitor.name} reads {noun} {fields}, but "
                f"{runner.kind} {runner.namespace}/{runner.name} sets arbitraryFSAccessThroughSMs.deny: true, so the "
                f"operator leaves the whole {monitor.kind} out of that {runner.kind}'s configuration: it scrapes none of its "
                f"targets",
                fix=_instead_of_files([name for _, name in reads], monitor.kind),
                related=(Related(key_span(runner.path, deny, "deny"), f"{runner.kind} {runner.namespace}/{runner.name} denies file access"),
                         *(Related(other, f"also reads a file through {name}") for other, name in reads[1:])),
                object=f"{monitor.kind}/{monitor.namespace}/{monitor.name}",
                data={"field": field_name, "fields": [name for _, name in reads],
                      "runner": f"{runner.kind}/{runner.namespace}/{runner.name}"},
            )


def _instead_of_files(fields: list[str], kind: str = "ServiceMonitor") -> str:
    """Each file field the monitor reads, with the Secret or ConfigMap reference that replaces it: a generic
    example (a token and a CA) left a client certificate and key read from files, still rejected."""
    from ..k8svalidate import FILE_FIELD_INSTEAD

    replacements = []
    for name in dict.fromkeys(fields):
        instead = FILE_FIELD_INSTEAD.get(name.rsplit(".", 1)[-1])
        if instead:
            replacements.append(f"`{name}` with {instead}")
    listed = "; ".join(replacements) if replacements else "each file with a Secret or ConfigMap reference"
    return (f"Replace {listed}; or drop arbitraryFSAccessThroughSMs.deny if only trusted teams create "
            f"{kind}s.")


def _reads_by_monitor(rejected: list) -> list[tuple]:
    """(monitor, [(span, field), …]) per rejected ServiceMonitor (or VictoriaMetrics scrape object, vmoperator.py),
    in the order the file fields were found."""
    grouped: dict[int, tuple] = {}
    for monitor, span, field_name in rejected:
        grouped.setdefault(id(monitor), (monitor, []))[1].append((span, field_name))
    return list(grouped.values())
