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
        for monitor, span, field_name in config.rejected:
            deny = get_path(runner.doc, "spec", "arbitraryFSAccessThroughSMs")
            yield Finding(
                "KS603", span,
                f"ServiceMonitor {monitor.namespace}/{monitor.name} reads a file through {field_name}, but "
                f"{runner.kind} {runner.namespace}/{runner.name} sets arbitraryFSAccessThroughSMs.deny: true, so the "
                f"operator rejects the whole ServiceMonitor and none of its targets is scraped",
                fix="Reference the credentials through a Secret or ConfigMap instead of a file (e.g. "
                    "`authorization: {credentials: {name: <secret>, key: token}}`, `tlsConfig: {ca: {configMap: "
                    "{name: <configmap>, key: ca.crt}}}`), or drop arbitraryFSAccessThroughSMs.deny if only trusted "
                    "teams create ServiceMonitors.",
                related=(Related(key_span(runner.path, deny, "deny"), f"{runner.kind} {runner.name} denies file access"),),
                object=f"ServiceMonitor/{monitor.namespace}/{monitor.name}",
                data={"field": field_name, "runner": f"{runner.kind}/{runner.namespace}/{runner.name}"},
            )
