"""KS001/KS003/KS004/KS005: problems the loader found while reading input (see load.py); KS007: a scrape
configuration in a language this tool does not read (build.py); KS006: the same object defined twice with different
content."""

from __future__ import annotations

import os
from typing import Iterator

from ..catalog import check
from ..findings import Finding, Related
from ..yamltree import YSeq, at
from ..model import K8sObject
from ..rbacvalidate import refusing_rules
from ..helmvalues import helm_values_findings, job_shape, values_file_findings
from ..load import UNNAMED_STDIN
from ..kustomize import (BUILD_KEYS, InputTree, is_kustomization, judged, local_entries, missing_reason, patch_files,
                         workspace_builds)
from ..unreadcrds import unread_crd_findings
from .context import Context


@check("KS001", "KS003", "KS004", "KS005", "KS007")
def input_problems(ctx: Context) -> Iterator[Finding]:
    for source in ctx.sources:
        yield from source.findings
    yield from ctx.load_findings
    yield from unread_crd_findings(ctx.workspace)  # scrape objects of operators not modelled (unreadcrds.py)
    yield from helm_values_findings(ctx.workspace, ctx.sources)  # jobs handed to a Helm chart (helmvalues.py)
    # the same jobs in a plain values file, unless its chart's rendered output holding them is linted too
    yield from values_file_findings(ctx.sources, frozenset(job_shape(job.job.node) for job in ctx.analysis.jobs))


# Kinds the workspace indexes by name, so the definition read last replaces the others (build.py); workloads,
# ConfigMaps and monitors are all read.
LAST_WINS = ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ServiceAccount")


@check("KS006")
def conflicting_definitions(ctx: Context) -> Iterator[Finding]:
    """The same object (API group, kind, namespace, name) defined again with other content: in a cluster only one of
    them exists — whichever is applied last — and the analysis, like `kubectl apply` of the files in path order,
    takes the last one read. Kustomize patches are partial objects by design and are left out."""
    ws = ctx.workspace
    patches = patch_files(ws)
    # RBAC objects the API server refuses (KS501, or KS602 when they do not decode) are never created, so they
    # replace nothing (build._index_rejected)
    rejected = {id(d.obj): d for d in [*ws.rejected_bindings, *ws.rejected_cluster_roles.values(), *ws.rejected_roles.values()]}
    unserved = {id(obj) for obj in ws.unserved}  # never created either (KS602): nothing to conflict with
    previous: dict[tuple[str, str, str, str], K8sObject] = {}
    builds: dict[str, frozenset[str]] | None = None  # built on the first conflict: most runs have none
    for obj in ws.objects:  # in read order
        if not obj.name or (patches and os.path.abspath(obj.path) in patches) or id(obj) in unserved:
            continue
        key = (obj.api_version.rsplit("/", 1)[0] if "/" in obj.api_version else "", obj.kind, obj.namespace, obj.name)
        first = previous.get(key)
        if id(obj) not in rejected or first is None:
            previous[key] = obj
        if first is None or _same_content(first, obj) or not (ctx.reports(obj.path) or ctx.reports(first.path)):
            continue
        if builds is None:
            found = workspace_builds(ws)
            builds = found.builds() if found is not None else {}
        apart = _separate_builds(builds, first.path, obj.path)
        if apart and id(obj) not in rejected:
            # Sibling overlays (overlays/staging, overlays/prod) are alternatives, usually for different clusters:
            # no Kustomization of the inputs puts both definitions in one build, so neither is a mistake to delete.
            yield Finding(
                "KS006", obj.name_span(),
                f"{obj.ref} is defined again with different content (first at {first.name_span()}), in another "
                f"Kustomize build ({apart[1]}, the first in {apart[0]}): no Kustomization of the inputs applies both, "
                f"so these are likely variants for different clusters; "
                + ("this analysis, reading both, uses this later definition" if obj.kind in LAST_WINS else
                   "this analysis reads both") + f", so findings about {obj.ref} may not hold for each build",
                fix=f"Nothing to change if each build goes to its own cluster; lint each build separately "
                    f"(`kubelint-scrape {os.path.dirname(apart[0]) or '.'}`, then the other) for findings exact to each.",
                related=(Related(first.name_span(), f"{obj.ref} is first defined here"),),
                object=obj.ref,
            )
            continue
        if id(obj) in rejected:
            outcome = (f"the API server rejects this definition ({' and '.join(refusing_rules(rejected[id(obj)], ws))}), "
                       "so applying it changes nothing; this analysis uses the earlier one")
        elif obj.kind in LAST_WINS:
            outcome = ("a cluster holds only one of them, whichever is applied last; this analysis uses this later "
                       "definition, as `kubectl apply` of the files in path order would")
        else:
            outcome = ("a cluster holds only one of them, whichever is applied last; this analysis reads both, so "
                       "findings may come from either")
        yield Finding(
            "KS006", obj.name_span(),
            f"{obj.ref} is defined again with different content (first at {first.name_span()}): {outcome}",
            fix=f"Keep one definition of {obj.ref}: delete or rename the other (e.g. give each variant its own name), "
                "or lint alternative variants (overlays, examples, environments) separately.",
            related=(Related(first.name_span(), f"{obj.ref} is first defined here"),),
            object=obj.ref,
        )


def _separate_builds(builds: dict[str, frozenset[str]], first: str, again: str) -> tuple[str, str] | None:
    """(a kustomization of the first file, one of the second) when both files are in Kustomize builds and no build
    holds both; None otherwise."""
    a, b = builds.get(os.path.abspath(first)), builds.get(os.path.abspath(again))
    if not a or not b or a & b:
        return None
    return min(a), min(b)


def _same_content(first: K8sObject, again: K8sObject) -> bool:
    """Whether two definitions of one object (same key, namespace included) say the same thing. `metadata.namespace`
    is left out: one copy may spell out the namespace the other gets by default (`kubectl apply` places both in it),
    and the key already holds the namespace both end up in. A field set to null is the same as one left out."""
    if first.doc == again.doc:
        return True
    return _without_namespace(_without_nulls(first.doc)) == _without_namespace(_without_nulls(again.doc))


def _without_nulls(value):
    """The value with every mapping key whose value is null dropped, at any depth. The API server decodes a null
    field to its zero value, exactly as if it were absent (and `kubectl apply` reads null as "unset"), so
    `creationTimestamp: null` — which `kubectl get -o yaml` and the bootstrap-policy dumps print — changes nothing."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _without_namespace(doc: dict) -> dict:
    metadata = doc.get("metadata")
    if not isinstance(metadata, dict) or "namespace" not in metadata:
        return doc
    return {**doc, "metadata": {k: v for k, v in metadata.items() if k != "namespace"}}


@check("KS008")
def kustomize_entry_missing(ctx: Context) -> Iterator[Finding]:
    """A local path a Kustomization names that kustomize cannot load: `kustomize build` stops there, and nothing of
    the build is applied. Judged against the file system beside the Kustomization (the inputs may be a subset of
    the repository: a pre-commit run of the staged files), where an input not on disk counts as written there
    (kustomize.InputTree: the language server's unsaved buffers)."""
    tree = InputTree([source.path for source in ctx.sources])
    for kind in ("Kustomization", "Component"):
        for obj in ctx.workspace.kind(kind):
            base = os.path.dirname(obj.path)
            if (not ctx.reports(obj.path) or not is_kustomization(obj.path, obj.doc) or obj.path == UNNAMED_STDIN
                    or not os.path.isdir(base or ".")):
                continue  # (standard input without --stdin-filename has no directory to look in: not the current one)
            for field, entry, container, key, must_be in local_entries(obj.doc):
                reason = missing_reason(base, entry, must_be, tree)
                span = at(obj.path, container.item_pos(key) if isinstance(container, YSeq) else container.value_pos(key))
                if reason is None:
                    if field in BUILD_KEYS and judged(entry):
                        yield from _entry_outside_inputs(ctx, obj, kind, field, entry, span)
                    continue
                near = _nearest_entry(base, entry)
                yield Finding(
                    "KS008", span,
                    f"{kind} {obj.path} lists `{entry}` in {field}, but {reason}: `kustomize build` (and `kubectl "
                    f"apply -k`, Flux, Argo CD) stops there, so nothing of this build is applied",
                    fix=(f"Write `{near[1]}` (the nearest name there: {near[0]})" if near else "Correct the path")
                        + ", or remove the entry.",
                    object=f"{kind} {obj.path}", data={"entry": entry, "field": field},
                )


def _entry_outside_inputs(ctx: Context, obj: K8sObject, kind: str, field: str, entry: str, span) -> Iterator[Finding]:
    """KS008 (info) for a build entry that exists but holds no input: the builds are made of the inputs alone
    (kustomize.KustomizeBuilds), so this build is analysed without what the entry adds, and the run looks complete
    while it rests on part of the build (an overlay linted without its base)."""
    builds = workspace_builds(ctx.workspace)
    directory = os.path.dirname(os.path.abspath(obj.path))
    target = os.path.normpath(os.path.join(directory, entry))
    if builds is None or builds.holds_inputs(target) or _left_out_on_purpose(ctx, directory, target):
        return
    # Both paths shown as the inputs name the Kustomization (relative stays relative), as KS008's other messages do.
    shown_dir = os.path.dirname(obj.path)
    path = os.path.normpath(os.path.join(shown_dir, entry))
    common = os.path.commonpath([directory, os.path.normpath(os.path.join(directory, entry))])
    common = os.path.normpath(os.path.join(shown_dir, os.path.relpath(common, directory)))
    yield Finding(
        "KS008", span,
        f"{kind} {obj.path} lists `{entry}` in {field}, which exists ({path}) but is not among the linted inputs: "
        f"this build is analysed without it — the objects it adds, and what this {kind}'s namespace, name prefix "
        f"and patches do to them — so the findings about this build rest on part of it",
        fix=f"Lint the directory holding both (`kubelint-scrape check {common}`), or add {path} to the paths linted.",
        object=f"{kind} {obj.path}", data={"entry": entry, "field": field, "outside": path},
        requested_severity="info",
    )


def _left_out_on_purpose(ctx: Context, directory: str, target: str) -> bool:
    """Whether the run left a build entry out by choice rather than by linting too little: the configuration's
    `exclude` matches it (vendored bases, CRD directories: re-linting "the directory holding both" reads it no more
    than this run did), or it lies inside the Kustomization's own directory. That directory was either walked,
    so only exclude/skip rules kept the entry out, or the Kustomization was named alone — the staged-files
    pre-commit hook names each changed file, and a kustomization.yaml edited by itself would get a note per
    unchanged sibling. An overlay reaching outside its directory for its base is the case this note is for."""
    if target == directory or target.startswith(directory + os.sep):
        return True
    return bool(ctx.exclude) and ctx.exclude.matches(target, os.path.isdir(target))


def _nearest_entry(base: str, entry: str) -> tuple[str, str] | None:
    """(the nearest existing path, the entry to write for it) for an entry whose last segment is misspelt; None
    when its directory does not exist or nothing there is close."""
    import difflib

    head, name = os.path.split(entry.rstrip("/"))
    directory = os.path.normpath(os.path.join(base, head))
    try:
        names = sorted(os.listdir(directory))
    except (OSError, ValueError):  # (ValueError: a NUL in the entry)
        return None
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
    if not close or close[0] == name:
        return None
    return os.path.join(directory, close[0]), (f"{head}/{close[0]}" if head else close[0])
