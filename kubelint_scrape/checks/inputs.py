"""KS001/KS003/KS004/KS005: problems the loader found while reading input (see load.py); KS006: the same object
defined twice with different content."""

from __future__ import annotations

import os
from typing import Iterator

from ..catalog import check
from ..findings import Finding, Related
from ..model import K8sObject
from .context import Context


@check("KS001", "KS003", "KS004", "KS005")
def input_problems(ctx: Context) -> Iterator[Finding]:
    for source in ctx.sources:
        yield from source.findings
    yield from ctx.load_findings


# Kinds the workspace indexes by name, so the definition read last replaces the others (build.py); workloads,
# ConfigMaps and monitors are all read.
LAST_WINS = ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ServiceAccount")


@check("KS006")
def conflicting_definitions(ctx: Context) -> Iterator[Finding]:
    """The same object (API group, kind, namespace, name) defined again with other content: in a cluster only one of
    them exists — whichever is applied last — and the analysis, like `kubectl apply` of the files in path order,
    takes the last one read. Kustomize patches are partial objects by design and are left out."""
    from .workload import kustomize_patches

    patches = kustomize_patches(ctx.workspace)
    previous: dict[tuple[str, str, str, str], K8sObject] = {}
    for obj in ctx.workspace.objects:  # in read order
        if not obj.name or os.path.abspath(obj.path) in patches:
            continue
        key = (obj.api_version.rsplit("/", 1)[0] if "/" in obj.api_version else "", obj.kind, obj.namespace, obj.name)
        first = previous.get(key)
        previous[key] = obj
        if first is None or first.doc == obj.doc or not (ctx.reports(obj.path) or ctx.reports(first.path)):
            continue
        analysed = ("this analysis uses this later definition, as `kubectl apply` of the files in path order would"
                    if obj.kind in LAST_WINS else "this analysis reads both, so findings may come from either")
        yield Finding(
            "KS006", obj.name_span(),
            f"{obj.ref} is defined again with different content (first at {first.name_span()}): a cluster holds only one of "
            f"them, whichever is applied last; {analysed}",
            fix=f"Keep one definition of {obj.ref}: delete or rename the other (e.g. give each variant its own name), "
                "or lint alternative variants (overlays, examples, environments) separately.",
            related=(Related(first.name_span(), f"{obj.ref} is first defined here"),),
            object=obj.ref,
        )
