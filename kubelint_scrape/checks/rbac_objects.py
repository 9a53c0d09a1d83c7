"""KS501–KS508: RBAC objects the API server rejects, or accepts while they grant nothing (FACTS §1, §7, §8).

These rules read every Role, ClusterRole, RoleBinding and ClusterRoleBinding in the inputs (never the built-in
ones), whatever the scraper: a broken grant breaks whoever relies on it. What "a resource exists" means comes
from rules/knowledge/api-resources.yaml; API groups it does not list (CRDs) are never judged, except the names
people give the core group ("core", "v1": no CRD group lacks a dot).
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import replace
from typing import Any, Callable, Iterable, Iterator

from ..authproxy import reviewed_resources, unknown_review
from ..catalog import check
from ..findings import Finding, Related
from ..fixes import close_matches as _close_matches, misplaced_role, move_binding_fix, role_reference_name
from ..model import RBAC_KINDS, BindingDef, K8sObject, PolicyRule, RoleDef, Subject, Workspace, role_from_object, rule_field_items
from ..rbac import UNNAMED_VERBS, Request, api_server_request, non_resource_url_matches, rule_allows, url_pattern_matches
from ..rbacvalidate import (RBAC_PREFIX, ROLE_REF_CHANGES, role_ref_change, binding_problems, name_problems, parse_version, rbac_name_problems, role_problems,
                            served_version_problems)
from ..rbacvalidate import binding_label as _binding_label
from ..rbacvalidate import quoted as _quote
from ..rbacvalidate import role_label as _label
from ..resources import builtin_rbac, knowledge
from ..targets import kubelet_subresources
from ..yamltree import Pos, Span, YSeq, as_map, at, value_span
from .context import Context

COLLECTION_VERBS = ("list", "watch", "create", "deletecollection")  # never namespaced for `namespaces` (FACTS §8)
INVENTED_VERBS = {  # verbs people write that Kubernetes does not have → what they meant
    "read": "get, list, watch", "view": "get, list, watch", "all": "*", "write": "create, update, patch, delete",
    "edit": "update, patch", "modify": "update, patch", "remove": "delete", "post": "create", "put": "update",
}
# Non-resource paths only the kubelet serves (FACTS §1): the kubelet checks nodes/<sub>, never the URL. The
# API server, kube-controller-manager and kube-scheduler serve /metrics and /metrics/slis (FACTS §7), and
# kube-scheduler also /metrics/resources (plural; the kubelet's is /metrics/resource) behind the same delegated
# SubjectAccessReview (k/k cmd/kube-scheduler/app/server.go installMetricHandler), so a URL grant for it is live.
KUBELET_URL_PREFIXES = ("/stats", "/logs", "/spec", "/pods", "/runningpods", "/checkpoint", "/containerLogs",
                        "/exec", "/attach", "/portForward", "/run", "/cri")
SERVED_METRICS_URLS = ("/metrics", "/metrics/slis", "/metrics/resources")
# What people write for the core API group, which is named "" (`/api/v1`, `apiVersion: v1`, "core/v1" in docs).
CORE_GROUP_ALIASES = ("core", "v1")


# ---------------------------------------------------------------------------------------------- shared


def _table() -> dict:
    return knowledge("api-resources")


def _version(ws: Workspace) -> tuple[int, int]:
    return ws.kubernetes_version


def _rbac_objects(ws: Workspace, kinds: Iterable[str]) -> Iterator[K8sObject]:
    """User-defined RBAC objects, in input order (the workspace indexes only the last of a repeated name)."""
    for kind in kinds:
        for obj in ws.kind(kind):
            if obj.api_version.startswith(RBAC_PREFIX):
                yield obj


def _roles(ctx: Context) -> list[RoleDef]:
    """Every user-defined Role/ClusterRole object as a RoleDef, built once per run (on the Context) for all rules:
    the workspace's own RoleDefs where it indexed the object, fresh ones for repeated names it replaced. Only
    those in reported files: every finding of the rules that use this list sits in the role object."""
    return ctx.once("RBAC object roles", lambda: _role_defs(ctx))


def _role_defs(ctx: Context) -> list[RoleDef]:
    ws = ctx.workspace
    indexed = {id(r.obj): r for r in [*ws.cluster_roles.values(), *ws.roles.values(),
                                      *ws.rejected_cluster_roles.values(), *ws.rejected_roles.values()]
               if r.obj is not None}
    return [indexed.get(id(obj)) or role_from_object(obj) for obj in _rbac_objects(ws, ("Role", "ClusterRole"))
            if ctx.reports(obj.path)]


def _bindings(ws: Workspace) -> Iterator[BindingDef]:
    """User-defined bindings, those the API server refuses (and the authorizer never sees) included."""
    for binding in [*ws.bindings, *ws.rejected_bindings]:
        if binding.obj is not None and binding.obj.api_version.startswith(RBAC_PREFIX):
            yield binding


def _items(rule: PolicyRule, key: str) -> list[tuple[str, Pos]]:
    """The string items of a rule list with the position of each (the model's tuples drop positions). Positions,
    not spans: a check makes the span of the few items it reports (`at(rule.path, pos)`), not of every item of
    every rule (a quarter of the RBAC-object checks' time on a large input)."""
    node = rule.node
    if node is None:
        return []
    value = node.get(key)
    if isinstance(value, YSeq):
        positions = value.ipos
        # a null item is "" to the API server, as the model reads it (model._strs)
        return [("" if item is None else item, positions[i] if i < len(positions) else value.pos)
                for i, item in enumerate(value) if item is None or isinstance(item, str)]
    if isinstance(value, str):  # (refused, KS602; read as the model reads it: `list, watch` as two items)
        pos = node.value_pos(key)
        return [(item, pos) for item in rule_field_items(value)]
    return []


def _group_text(group: str) -> str:
    return '"" (core)' if group == "" else group


def _groups_text(groups: Iterable[str]) -> str:
    return ", ".join(_group_text(g) for g in groups)


def _rule_yaml(groups: Iterable[str], resources: Iterable[str], verbs: Iterable[str], names: Iterable[str] = ()) -> str:
    """A rule in flow style; `names`: the resourceNames of the rule it is carved from, which a moved entry must
    keep (without them it would grant every object of the resource)."""
    names = list(names)
    limited = f", resourceNames: {_quote(names)}" if names else ""
    return f"{{apiGroups: {_quote(groups)}, resources: {_quote(resources)}{limited}, verbs: {_quote(verbs)}}}"


def _served(group: str, resource: str, version: tuple[int, int]) -> dict | None:
    """The table entry when `group` serves `resource` (base name) on this cluster version, or when the API server
    still asks RBAC about it there (`checked_until`: a rule for it keeps its effect, which is what RBAC cares for)."""
    entry = _table()["groups"].get(group, {}).get(resource)
    if entry is None:
        return None
    removed = entry.get("checked_until") or entry.get("removed")
    if removed and version >= parse_version(removed):
        return None
    return entry


def _has_subresource(entry: dict, sub: str) -> bool:
    subs = entry.get("sub") or []
    return subs == "any" or sub in subs or sub in _table()["universal_subresources"]


@functools.lru_cache(maxsize=8192)
def _serves(group: str, resource: str, version: tuple[int, int]) -> bool:
    base, _, sub = resource.partition("/")
    entry = _served(group, base, version)
    return entry is not None and (not sub or _has_subresource(entry, sub))


def namespaced_verbs(group: str, resource: str) -> tuple[str, ...]:
    """Verbs checked in a namespace although the resource is cluster-scoped (`bind` on clusterroles: checked in
    the namespace of the RoleBinding being created), so a Role or RoleBinding grants them there."""
    if "/" in resource:
        return ()
    return tuple(_table()["groups"].get(group, {}).get(resource, {}).get("namespaced_verbs", ()))


def _all_known_groups(groups: Iterable[str]) -> bool:
    """Groups whose resources can be judged: those of the table, and the names people give the core group, which
    serve nothing (a CRD group always contains a dot, so "core" or "v1" is no CRD's)."""
    table = _table()["groups"]
    return all(g in table or g in CORE_GROUP_ALIASES for g in groups)


def grants_nothing(role: RoleDef, api_group: str, resource: str, url: str, version: tuple[int, int],
                   verb: str | None = None, reviewed: frozenset[tuple[str, str]] = frozenset()) -> bool:
    """A rule entry that never matches a real request, which the RBAC-object rules report with the reason: a
    kubelet path or an /apis/<group>/<version>/<resource> path as nonResourceURL (KS508), a star that is not a wildcard (KS505), a resource the API group does
    not serve or a group written with its version (KS503, incl. legacy duplicates it lets pass), a cluster-scoped resource in a Role (KS507), a verb
    Kubernetes does not know (KS504), an empty item (`verbs: [~]`: the verb ""). Not held, so not an unused grant
    (KS203) either. `verb` None: the entry's verbs are not judged.
    `reviewed`: the made-up subresources a kube-rbac-proxy of the inputs reviews (authproxy.reviewed_resources,
    the node-exporter chart's `services/<fullname>`). No API request names them, but the proxy's review does, so
    they are held like any served resource, and a verb of theirs no job uses is an unused grant (KS203), not a dead
    entry that KS503 (which spares them) would report."""
    if reviewed and not url and (api_group, resource) in reviewed:
        return False
    verbs = _table()["verbs"]
    if url:
        return _dead_url(url) or _star_inside(url) or (verb is not None and verb not in verbs["non_resource"])
    if verb == "" or not resource:
        return True  # an empty or null item (KS503/KS504): no request has an empty verb or resource
    if verb is not None and verb not in verbs["resource"] and _all_known_groups((api_group,)):
        return True  # (a CRD or aggregated API may define verbs of its own: only built-in groups are judged)
    if "*" in resource and resource != "*" and not (resource.startswith("*/") and "*" not in resource[2:]):
        return True
    if resource.startswith("/") or "/" in api_group:
        return True  # a URL path written as a resource, or an apiVersion written as the group (KS503)
    if api_group == "*" or "*" in resource or not _all_known_groups((api_group,)):
        return False
    if not _serves(api_group, resource, version):
        return True
    base = resource.split("/", 1)[0]
    if verb is not None and verb in namespaced_verbs(api_group, resource):
        return False
    return role.kind == "Role" and base != "namespaces" and _table()["groups"][api_group][base]["scope"] == "cluster"


# ---------------------------------------------------------------------------------------------- KS501


@check("KS501")
def invalid_rbac_object(ctx: Context) -> Iterator[Finding]:
    # The validation itself is rbacvalidate's: build_workspace asks it too and leaves out what it rejects, so
    # what KS501 reports and what grants nothing can never disagree.
    ws = ctx.workspace
    for obj in _rbac_objects(ws, sorted(RBAC_KINDS)):
        if ctx.reports(obj.path):
            yield from served_version_problems(obj, _version(ws))
            yield from name_problems(obj)
    index: _RoleRefs | None = None  # built on the first finding that needs it: most runs have none
    for role in _roles(ctx):
        for finding in role_problems(role):
            if finding.data.get("check") == "role-non-resource-urls":
                index = index or _RoleRefs(ws)
                finding.fix = _move_urls_fix(finding.fix, role, index.bindings_of(role.namespace, role.name))
            yield finding
    for binding in _bindings(ws):
        if ctx.reports(binding.obj.path):  # (user bindings only: obj is set)
            for finding in binding_problems(binding):
                if finding.data.get("check") == "clusterrolebinding-to-role":
                    index = index or _RoleRefs(ws)
                    finding.fix = _role_to_cluster_role_fix(ws, binding, index, finding.fix)
                yield finding
    changes = ws.indexes.get(ROLE_REF_CHANGES)
    for binding in ws.rejected_bindings if changes else ():
        earlier = changes.get(id(binding))
        if earlier is not None and ctx.reports(binding.obj.path):
            yield role_ref_change(binding, earlier)


class _RoleRefs:
    """User Roles by name and the RoleBindings that refer to each Role (roleRef kind Role), indexed once."""

    def __init__(self, ws: Workspace) -> None:
        self.roles: dict[str, list[RoleDef]] = {}
        for (_namespace, name), role in sorted({**ws.rejected_roles, **ws.roles}.items()):
            self.roles.setdefault(name, []).append(role)
        self.bindings: dict[tuple[str, str], list[BindingDef]] = {}
        for binding in _bindings(ws):
            if binding.kind == "RoleBinding" and binding.role_kind == "Role":
                self.bindings.setdefault((binding.namespace, binding.role_name), []).append(binding)

    def bindings_of(self, namespace: str, name: str) -> list[BindingDef]:
        return sorted(self.bindings.get((namespace, name), []), key=lambda b: b.name)


def _move_urls_fix(fix: str, role: RoleDef, bindings: list[BindingDef]) -> str:
    """KS501's fix for a Role with nonResourceURLs names the subjects: those of the RoleBindings of the Role (which
    keep the Role for its resource rules, if it has any). A ServiceAccount subject a RoleBinding leaves without
    `namespace` is in the binding's namespace; copied as written into a ClusterRoleBinding it is refused (KS501), so
    the namespace to write is named."""
    if not bindings:
        return fix
    kept = any(not rule.non_resource_urls for rule in role.rules)
    implicit = sorted({f"`namespace: {s.namespace}` on ServiceAccount subject {s.name}" for b in bindings
                       for s in b.subjects if s.kind == "ServiceAccount" and not s.namespace_explicit and s.namespace})
    fix = fix.replace("to the same subjects.", f"to the subjects of {_and(b.ref for b in bindings)}"
                                               + (" (they keep the Role for its other rules)." if kept else "."))
    if implicit:
        fix += (f" Write {_and(implicit)} there: a RoleBinding defaults it to its own namespace, a ClusterRoleBinding "
                f"has none and refuses a ServiceAccount subject without it.")
    if not kept:  # the URLs were all the Role held: what is left grants nothing
        fix += f" Then delete the Role, left without rules, and {_and(b.ref for b in bindings)}."
    return fix


def _subject_key(subject: Subject) -> tuple[str, str, str]:
    return subject.kind, subject.namespace if subject.kind == "ServiceAccount" else "", subject.name


def _role_to_cluster_role_fix(ws: Workspace, binding: BindingDef, index: _RoleRefs, default: str) -> str:
    """KS501's fix for a ClusterRoleBinding that refers to a Role: bind the Role where it is, or give the binding a
    ClusterRole with the Role's rules. Turning the Role itself into a ClusterRole would leave every RoleBinding that
    refers to it (roleRef kind Role) pointing at nothing (KS502), and roleRef is immutable: those are named. A
    RoleBinding of the Role whose subjects this binding all names grants them, once the binding is accepted, nothing
    the cluster-wide grant does not (KS203 on a scraper): it is named for deletion, not kept."""
    name = binding.role_name
    roles = index.roles.get(name, [])
    if name in ws.cluster_roles:
        return (f"Set `roleRef.kind: ClusterRole` (ClusterRole {name} exists), or bind a Role {name} with a RoleBinding "
                f"in its namespace.")
    if not roles:
        return default
    where = _and(f"Role {r.namespace}/{name}" for r in roles)
    others = [b for r in roles for b in index.bindings_of(r.namespace, name)]
    covered = {_subject_key(s) for s in binding.subjects}
    redundant = [b for b in others if b.subjects and all(_subject_key(s) in covered for s in b.subjects)]
    others = [b for b in others if b not in redundant]
    fix = (f"Either bind {where} with a RoleBinding in {'its namespace' if len(roles) == 1 else 'each one’s namespace'} "
           f"(it then grants only there), or set `roleRef.kind: ClusterRole` and create ClusterRole {name} with the "
           f"rules of {where}")
    if redundant:
        fix += (f"; then delete {_and(b.ref for b in redundant)}: {'its' if len(redundant) == 1 else 'their'} "
                f"subjects get the same rules in every namespace through this binding")
    if others:
        fix += (f"; keep the Role for {_and(b.ref for b in others)}, which refer{'s' if len(others) == 1 else ''} to it "
                f"with `roleRef.kind: Role` (to drop the Role instead, delete and re-create "
                f"{'that binding' if len(others) == 1 else 'each of them'} with `roleRef.kind: ClusterRole`: roleRef is "
                f"immutable)")
    elif redundant:
        fix += f"; nothing else refers to {where}, which can go too"
    return fix + "."


def _and(items: Iterable[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# ---------------------------------------------------------------------------------------------- KS502


@check("KS502")
def dangling_role_ref(ctx: Context) -> Iterator[Finding]:
    ws = ctx.workspace
    table = _table()
    builtin_roles = table["builtin_roles"]
    prefixes = tuple(table["builtin_cluster_role_prefixes"])
    cluster_role_names = sorted(ws.cluster_roles)
    role_names: dict[str, list[str]] = {}
    roles_by_name: dict[str, list[RoleDef]] = {}
    for (namespace, name), role in sorted(ws.roles.items()):
        role_names.setdefault(namespace, []).append(name)
        roles_by_name.setdefault(name, []).append(role)
    role_refs: _RoleRefs | None = None
    for binding in _bindings(ws):
        obj = binding.obj
        assert obj is not None
        name = binding.role_name
        if not name or rbac_name_problems(name) or ws.rejected_role_for(binding) is not None:
            continue  # (a name no role can have, or a role the inputs define but the API server refuses: KS501's)
        since = None
        if binding.role_kind == "ClusterRole":
            if name in ws.cluster_roles or name.startswith(prefixes):
                continue
            candidates = cluster_role_names
            since = _later_builtin_roles().get(name)
            what = (f"ClusterRole {name}, which is not in the inputs, and which Kubernetes creates as a default "
                    f"ClusterRole only from {since} (assumed cluster version {_version_text(ws)})" if since else
                    f"ClusterRole {name}, which is neither in the inputs nor a Kubernetes default ClusterRole")
        elif binding.role_kind == "Role" and binding.kind == "RoleBinding":
            if (binding.namespace, name) in ws.roles or name in builtin_roles.get(binding.namespace, []):
                continue
            candidates = role_names.get(binding.namespace, [])
            what = f"Role {name}, which is not defined in namespace {binding.namespace} in the inputs"
        else:
            continue  # an invalid roleRef kind is KS501
        role_ref = as_map(obj.doc.get("roleRef"))
        span = value_span(obj.path, role_ref, "name")
        if role_refs is None:  # built once, on the first dangling binding
            role_refs = _RoleRefs(ws)
        elsewhere = roles_by_name.get(name, [])
        users = [user for role in elsewhere for user in role_refs.bindings_of(role.namespace, name)]
        hint, related, fix = _dangling_hint(binding, ws, candidates, elsewhere, users, ctx.analysis)
        if binding.role_kind == "ClusterRole" and since:
            fix = (f"Set `kubernetes-version` to the cluster's real version if it is {since} or later (Kubernetes "
                   f"creates ClusterRole {name} there); otherwise: {fix[:1].lower()}{fix[1:]}")
        yield Finding(
            "KS502", span,
            f"{_binding_label(binding)} refers to {what}: the binding grants nothing until it exists{hint}",
            fix=fix, related=tuple(related), object=obj.ref,
            data={"roleRef": {"kind": binding.role_kind, "name": name}},
        )


@functools.cache
def _later_builtin_roles() -> dict[str, str]:
    """Default ClusterRoles a later Kubernetes version creates → that version (system:monitoring: 1.20): on an older
    assumed version a binding to one is dangling, and saying "not a Kubernetes default" would hide that the role
    comes with an upgrade (or that `kubernetes-version` is set lower than the cluster's)."""
    return {entry["name"]: entry["since"] for entry in builtin_rbac().get("cluster_roles", []) if entry.get("since")}


def _version_text(ws: Workspace) -> str:
    return ".".join(str(part) for part in ws.kubernetes_version)


def _neighbours(name: str, candidates: list[str], width: int = 10) -> list[str]:
    """The sorted candidates around `name`: a typo usually keeps the prefix, and comparing with every role of a
    10,000-object repository for each dangling binding would be quadratic."""
    if len(candidates) <= 2 * width:
        return candidates
    at_index = bisect.bisect_left(candidates, name)
    return candidates[max(0, at_index - width): at_index + width]


def _dangling_hint(binding: BindingDef, ws: Workspace, candidates: list[str], elsewhere: list[RoleDef],
                   users: list[BindingDef], analysis=None) -> tuple[str, list[Related], str]:
    """Why the role is missing and the fix. `elsewhere`: Roles of that name in other namespaces; `users`: the
    RoleBindings that use them there, which a Role turned into a ClusterRole would leave dangling in turn."""
    name = binding.role_name
    default_fix = (f"Correct `roleRef.name` to an existing {binding.role_kind} (roleRef is immutable: delete and re-create "
                   f"an applied binding), or add {binding.role_kind} {name} to the manifests; if another tool creates it, "
                   f"record that with `# kubelint-scrape: ignore[KS502] <who creates it>`.")
    if binding.role_kind == "Role":
        cluster_role = ws.cluster_roles.get(name)
        if cluster_role is not None and _grants_through_role_binding(cluster_role, _version(ws)):
            related = [Related(cluster_role.span, f"ClusterRole {name}")] if cluster_role.span else []
            return (f" (a ClusterRole {name} exists: did you mean `kind: ClusterRole`?)", related,
                    "Set `roleRef.kind: ClusterRole` (delete and re-create the binding: roleRef is immutable).")
        misplaced = misplaced_role(analysis, binding) if analysis is not None and elsewhere else None
        if misplaced is not None:  # before the copies below: KS101's fix for the subject moves it too
            related = [Related(misplaced.span, f"Role {misplaced.namespace}/{name}")] if misplaced.span else []
            return (f" (Role {name} exists in namespace {misplaced.namespace}, where the scraper it binds is denied "
                    f"what that Role grants, and it needs nothing in {binding.namespace}; a RoleBinding can only use a "
                    f"Role of its own namespace)", related,
                    move_binding_fix(ws, binding, misplaced))
        if elsewhere:
            namespaces = sorted({r.namespace for r in elsewhere})
            related = [Related(r.span, f"Role {r.namespace}/{r.name}") for r in elsewhere[:2] if r.span]
            if cluster_role is not None:  # the name is taken by a ClusterRole a RoleBinding gets nothing from
                return (f" (Role {name} exists in namespace {', '.join(namespaces)}, and a RoleBinding can only use a "
                        f"Role of its own namespace; ClusterRole {name} holds only cluster-scoped resources or "
                        f"non-resource URLs, which a RoleBinding never grants)", related,
                        f"Create Role {name} in namespace {binding.namespace} (a copy of Role {namespaces[0]}/{name}).")
            if users:  # the Role stays for them: a ClusterRole beside it, with its rules
                kept = " and ".join(f"RoleBinding {user.namespace}/{user.name}" for user in users[:3])
                cluster = (f"add a ClusterRole {name} with the rules of Role {namespaces[0]}/{name} (keep that Role: "
                           f"{kept} {'refer' if len(users) > 1 else 'refers'} to it)")
            else:
                cluster = "make it a ClusterRole"
            return (f" (Role {name} exists in namespace {', '.join(namespaces)}; a RoleBinding can only use a Role of its "
                    f"own namespace)", related,
                    f"Create Role {name} in namespace {binding.namespace}, or {cluster} and set "
                    f"`roleRef.kind: ClusterRole` (delete and re-create the binding: roleRef is immutable).")
        builtin_in = sorted(ns for ns, names in _table()["builtin_roles"].items() if name in names)
        if builtin_in:  # e.g. extension-apiserver-authentication-reader: the binding belongs in kube-system
            return (f" (Role {name} is a built-in Role of namespace {', '.join(builtin_in)}; a RoleBinding can only use a "
                    f"Role of its own namespace)", [],
                    f"Create this RoleBinding in namespace {builtin_in[0]} instead of {binding.namespace}, and give each "
                    f"ServiceAccount subject its `namespace` (without one it would default to {builtin_in[0]}).")
    own_role = ws.roles.get((binding.namespace, name)) if binding.kind == "RoleBinding" else None
    if binding.role_kind == "ClusterRole" and own_role is not None:
        # The kind is what is wrong, as KS101's fix for the scraper it leaves without access says: a ClusterRole
        # created beside the Role, or a name corrected to another ClusterRole, would leave that Role unused.
        related = [Related(own_role.span, f"Role {binding.namespace}/{name}")] if own_role.span else []
        return (f" (a Role {name} exists in namespace {binding.namespace}: did you mean `kind: Role`?)", related,
                "Set `roleRef.kind: Role` (delete and re-create the binding: roleRef is immutable).")
    close = _close_matches(name, _neighbours(name, candidates), n=1, cutoff=0.75)
    if close:
        role = ws.cluster_roles.get(close[0]) if binding.role_kind == "ClusterRole" else ws.roles.get((binding.namespace, close[0]))
        related = [Related(role.span, f"{binding.role_kind} {close[0]}")] if role is not None and role.span else []
        # in the role's renaming build the binding's file writes the role's name as written (kustomize's
        # nameReference makes it the built one, in every build of those files), not the built name
        write = close[0] if role is None else role_reference_name(ws, binding, role)
        built = f"the kustomize build names it {close[0]}; " if write != close[0] else ""
        meant = close[0] if write == close[0] else f"{write}, which the kustomize build names {close[0]}"
        return (f" (did you mean {meant}?)", related,
                f"Set `roleRef.name: {write}` ({built}delete and re-create the binding: roleRef is immutable).")
    return "", [], default_fix


# ---------------------------------------------------------------------------------------------- KS503


@check("KS503", in_worker=True)
def unknown_resource_or_group(ctx: Context) -> Iterator[Finding]:
    ws = ctx.workspace
    version = _version(ws)
    for role in _roles(ctx):
        for rule in role.rules:
            if rule.non_resource_urls:
                continue  # (a rule mixing resources and URLs is KS501's)
            for resource, pos in _items(rule, "resources"):
                if resource.startswith("/"):
                    yield _url_as_resource(role, rule, resource, at(rule.path, pos))
            if not rule.api_groups or "*" in rule.api_groups:
                continue
            meant_core = _core_group_alias(role, rule, version)
            if meant_core is not None:
                yield meant_core
            yield from _versioned_groups(role, rule)
            if not _all_known_groups(rule.api_groups):
                continue  # a CRD group may serve anything
            for resource, pos in _items(rule, "resources"):
                if "*" in resource or resource.startswith("/"):
                    continue  # `*` and `*/sub` are wildcards; other stars are KS505; a URL path is said above
                if any(_serves(g, resource, version) for g in rule.api_groups):
                    continue
                if meant_core is not None and _serves("", resource, version):
                    continue  # said once, on the apiGroups entry
                if _granted_elsewhere(role, rule, resource, version):
                    continue  # a legacy duplicate (e.g. `extensions` next to `networking.k8s.io`): dead but harmless
                if "/" in resource and (any((g, resource) in reviewed_resources(ws) for g in rule.api_groups)
                                        or (unknown_review(ws) and not _typo_of_subresource(rule, resource, version))):
                    continue  # a made-up subresource a kube-rbac-proxy of the inputs reviews (or may): used, not dead
                # (lazy, with the resource the entry was meant to be: `Nodes` for a node job is a repair, not dead)
                yield _unknown_resource(role, rule, resource, at(rule.path, pos), version,
                                        lambda meant, rule=rule: _scrapers_not_needing(ctx, rule, meant),
                                        reviewed_resources(ws))


def _holders_requests(ctx: Context, rule: PolicyRule) -> tuple[list, list] | None:
    """The scraper identities that hold `rule` and every request they make (each job need, checked or not,
    Alertmanager discovery and sidecars: grants.requirements), or None when what they need is not known: a rule no
    scraper holds (a controller's role), one another subject holds too, or a holder whose token serves more than the
    modelled jobs. Whether a dead or literal entry of the rule was meant for one of those requests decides whether
    its fix repairs it or deletes it."""
    from ..grants import requirements
    from .privilege import privilege_state  # privilege.py imports this module

    state = privilege_state(ctx)
    holding = ctx.once("holding by rule", lambda: {id(h.rule): h for h in state.all_holdings}).get(id(rule))
    if holding is None and ctx.report_paths is not None:
        # A rule outside the reported files, which the run's state leaves out (_holding_identities): KS104's fix
        # quoting KS505's edit of it (access._slash_star_entry_fix). Asked of the state of every identity, made
        # only then, so that a re-lint of one file gives the fix a whole lint gives.
        whole = ctx.once("privilege state of every identity", lambda: Context(
            ctx.sources, ctx.analysis, ctx.load_findings, ctx.suppressions, None, ctx.exclude))
        state = privilege_state(whole)
        holding = whole.once("holding by rule", lambda: {id(h.rule): h for h in state.all_holdings}).get(id(rule))
    if holding is None or state.co_holders(holding):
        return None
    requests = []
    for identity in holding.identities:
        jobs = state.jobs.get(identity)
        if not jobs or state.unmodelled(identity):
            return None
        requests += [need.request for job in jobs for need in job.needs]
        requests += [r.request for r in requirements(ctx.analysis, identity, jobs)]
    return list(holding.identities), requests


def _scrapers_not_needing(ctx: Context, rule: PolicyRule, resource: str) -> list:
    """The scraper identities that hold `rule` when none of their requests reads `resource` (in any group): then the
    dead entry should go, not move to the group that serves it (which would grant what no job uses). Empty when
    that is not known (_holders_requests)."""
    known = _holders_requests(ctx, rule)
    base = resource.partition("/")[0]
    if known is None or any(request.resource == base for request in known[1]):
        return []
    return known[0]


def _url_as_resource(role: RoleDef, rule: PolicyRule, url: str, span: Span) -> Finding:
    """A URL path written in `resources` (e.g. `apiGroups: ["non-resource-urls"], resources: ["/metrics"]`): a
    request's resource is a path segment, never one starting with "/", so the entry matches nothing in any group."""
    verbs = [v for v in rule.verbs if v != "*"] or ["get"]
    rule_text = f"{{nonResourceURLs: {_quote([url])}, verbs: {_quote(verbs)}}}"
    # Removing the rule's only resource would leave `resources: []`, which the API server refuses (KS501).
    only = set(rule.resources) == {url}
    if role.kind == "ClusterRole" and only:
        fix = (f"Replace this rule with a non-resource URL rule, without apiGroups or resources: {rule_text} "
               f"(a ClusterRoleBinding must bind the ClusterRole).")
    elif role.kind == "ClusterRole":
        fix = (f"Grant the path as a non-resource URL, in a rule of its own without apiGroups or resources: {rule_text} "
               f"(a ClusterRoleBinding must bind the ClusterRole), and remove {url!r} from `resources`.")
    else:
        fix = (f"Only a ClusterRole bound by a ClusterRoleBinding can grant a URL: add {rule_text} to one, and "
               + ("delete this rule from the Role." if only else f"remove {url!r} from this Role."))
    return Finding(
        "KS503", span,
        f"{_label(role)} rules[{rule.index}]: {url!r} is a URL path written in `resources` (apiGroups "
        f"{_quote(rule.api_groups)}): RBAC compares `resources` with the resource a request names, never one "
        f"starting with '/', so the API server accepts the rule but it grants nothing for {url}; paths such as the "
        f"API server's /metrics are non-resource URLs",
        fix=fix, object=role.obj.ref if role.obj else role.ref,
        data={"resource": url, "apiGroups": list(rule.api_groups), "served_by": []},
    )


def _core_group_alias(role: RoleDef, rule: PolicyRule, version: tuple[int, int]) -> Finding | None:
    """`apiGroups: ["core"]` or `["v1"]` for core resources: no such group exists, the core group is "". One
    finding per rule, on the first such entry, naming the resources it leaves ungranted."""
    if "" in rule.api_groups:
        return None
    aliases = [(group, at(rule.path, pos)) for group, pos in _items(rule, "apiGroups") if group in CORE_GROUP_ALIASES]
    meant = [r for r in rule.resources if r == "*" or (r.startswith("*/") and "*" not in r[2:])
             or ("*" not in r and _serves("", r, version))]
    if not aliases or not meant:
        return None
    names = [group for group, _span in aliases]
    groups = list(dict.fromkeys("" if g in CORE_GROUP_ALIASES else g for g in rule.api_groups))
    return Finding(
        "KS503", aliases[0][1],
        f"{_label(role)} rules[{rule.index}]: apiGroups {_quote(names)} names no API group: the core group "
        f"(pods, services, endpoints, nodes…) is written \"\" (the empty string; v1 is its version). The API "
        f"server accepts the rule, but it grants nothing for {', '.join(meant)}",
        fix=f"Write `apiGroups: {_quote(groups)}`.",
        object=role.obj.ref if role.obj else role.ref,
        data={"apiGroups": names, "meant": "", "resources": meant},
    )


def _versioned_groups(role: RoleDef, rule: PolicyRule) -> Iterator[Finding]:
    """`apiGroups: ["apps/v1"]` (the manifest's apiVersion copied): a request's API group is one path segment of
    /apis/<group>/<version>, never containing "/", so the entry matches nothing, CRD group or not."""
    versioned = [(group, at(rule.path, pos)) for group, pos in _items(rule, "apiGroups") if "/" in group]
    for group, span in versioned:
        meant = group.split("/", 1)[0]
        meant = "" if meant in CORE_GROUP_ALIASES else meant  # core/v1 → ""
        groups = list(dict.fromkeys(meant if g == group else g for g in rule.api_groups))
        yield Finding(
            "KS503", span,
            f"{_label(role)} rules[{rule.index}]: apiGroups entry {group!r} is an apiVersion, not an API group: RBAC "
            f"compares the request's group ({_group_text(meant)}) without its version, so the entry matches nothing. "
            f"The API server accepts the rule, but it grants nothing for {', '.join(rule.resources) or 'its resources'} "
            f"through {group!r}",
            fix=f"Write `apiGroups: {_quote(groups)}`.",
            object=role.obj.ref if role.obj else role.ref,
            data={"apiGroups": [group], "meant": meant, "resources": list(rule.resources)},
        )


def _granted_elsewhere(role: RoleDef, rule: PolicyRule, resource: str, version: tuple[int, int]) -> bool:
    """Another rule of the role grants the same resource, with the same verbs, in a group that does serve it."""
    groups = [g for g in _table()["groups"] if _serves(g, resource, version)]
    if not groups:
        return False
    base, _, sub = resource.partition("/")
    # Only a rule for (at least) the same objects covers it: one limited to other resourceNames does not.
    others = [r for r in role.rules if r is not rule and not r.non_resource_urls
              and (not r.resource_names or set(rule.resource_names or ["(all)"]) <= set(r.resource_names))]
    for verb in rule.verbs or ("get",):
        if verb == "*":
            if not any("*" in r.verbs and any(rule_allows(r, Request("get", g, base, sub), ignore_names=True) for g in groups)
                       for r in others):
                return False
        elif not any(rule_allows(r, Request(verb, g, base, sub), ignore_names=True) for r in others for g in groups):
            return False
    return True


def _gone_everywhere(base: str) -> str:
    """The version Kubernetes removed a built-in resource in, when every group of the table that had it stopped
    serving it (PodSecurityPolicy, gone with its admission plugin in 1.25), else "". Asked only of a resource no
    group serves on the cluster version, so the last removal is behind it."""
    entries = [e for g in _table()["groups"].values() for r, e in g.items() if r == base]
    if entries and all(e.get("removed") for e in entries):
        return max((e.get("checked_until") or e["removed"] for e in entries), key=parse_version)
    return ""


def _typo_of_subresource(rule: PolicyRule, resource: str, version: tuple[int, int]) -> bool:
    """Whether an unknown `resource/subresource` is close to a real subresource of that resource (`nodes/metric`):
    a typo, dead whatever a kube-rbac-proxy whose review cannot be read may ask about (it asks about names such as
    `services/<fullname>`, not misspelt built-in subresources)."""
    base, _, sub = resource.partition("/")
    served = [group for group in rule.api_groups if _served(group, base, version) is not None]
    return bool(_close_matches(sub, _known_subresources(served, base)))


def _sibling_rule(role: RoleDef, rule: PolicyRule, group: str, resource: str) -> tuple[PolicyRule, list[str]] | None:
    """Another rule of the role for `resource` in `group` with the same resourceNames (the place a misplaced entry
    belongs), and the verbs of `rule` it lacks; None when there is none."""
    for other in role.rules:
        if (other is not rule and group in other.api_groups and resource in other.resources
                and not other.non_resource_urls and set(other.resource_names) == set(rule.resource_names)):
            missing = [] if "*" in other.verbs else [v for v in rule.verbs if v and v not in other.verbs]
            return other, missing
    return None


def _unknown_resource(role: RoleDef, rule: PolicyRule, resource: str, span: Span, version: tuple[int, int],
                      unneeded: Callable[[str], list] | None = None,
                      reviewed: frozenset[tuple[str, str]] = frozenset()) -> Finding:
    """`unneeded(meant)`: the scrapers that hold the rule and read nothing of `meant` (_scrapers_not_needing), asked
    with the resource the entry was meant to be (the suggested replacement: a job listing nodes needs `Nodes`
    repaired, not deleted); when there are such scrapers the fix deletes the entry, the repair becoming the
    alternative. `reviewed`: the (group, resource/subresource) a
    kube-rbac-proxy of the inputs reviews (authproxy.reviewed_resources), which a misspelt `services/<name>` meant."""
    if not resource:
        return _empty_item("KS503", role, rule, "resources", span, {"resource": resource, "apiGroups": list(rule.api_groups),
                                                                     "served_by": []})
    table = _table()["groups"]
    base, _, sub = resource.partition("/")
    groups = rule.api_groups
    where = f"{_label(role)} rules[{rule.index}]"
    verbs = list(rule.verbs) or ["get"]
    serving = [g for g in table if _serves(g, resource, version)]
    removed = [g for g in groups if base in table.get(g, {}) and table[g][base].get("removed")]
    in_listed = [g for g in groups if _served(g, base, version) is not None]
    suggestion = ""
    replacement = resource
    choices: str | None = None  # the subresources to choose from, when the resource is right and its subresource not
    if serving:
        reason = f"API group {_groups_text(groups)} does not serve {resource}; {_groups_text(serving)} does"
        fix_groups = serving[:1]
    elif removed and any(_serves(g, resource, (0, 0)) for g in removed):
        group = removed[0]
        reason = f"API group {_group_text(group)} stopped serving {base} in Kubernetes {table[group][base]['removed']}"
        gone = _gone_everywhere(base)
        if gone:
            reason = f"{base} were removed from Kubernetes in {gone}" + (
                "" if table[group][base]["removed"] == gone else
                f" (API group {_group_text(group)} had stopped serving them in {table[group][base]['removed']})")
        elif table[group][base].get("checked_until"):
            reason += f", and the API server stopped asking RBAC for it there in {table[group][base]['checked_until']}"
        fix_groups = [g for g in table if _serves(g, resource, version)][:1]
    elif in_listed and sub:
        entry = table[in_listed[0]][base]
        subs = list(entry.get("sub") or []) if isinstance(entry.get("sub") or [], list) else []
        subs += sorted({path.partition("/")[2] for group, path in reviewed
                        if group in groups and path.partition("/")[0] == base} - set(subs))
        close = _close_matches(sub, subs, n=1, cutoff=0.6)
        reason = f"{base} has no subresource {sub!r}"
        if close:
            replacement = f"{base}/{close[0]}"
            suggestion = f" (did you mean {replacement}?)"
        fix_groups = list(groups)
        choices = ", ".join(f"{base}/{s}" for s in subs)
    else:
        names = sorted({f"{r}/{s}" if s else r for g in groups for r, e in table.get(g, {}).items()
                        for s in [""] + (e.get("sub") if isinstance(e.get("sub"), list) else [])})
        lowered = resource.lower()
        close = [n for n in names if n == lowered] or _close_matches(resource, names, n=1, cutoff=0.6)
        anywhere = [g for g in table if any(_serves(g, c, version) for c in close)] if close else []
        reason = f"API group {_groups_text(groups)} has no resource {resource!r}"
        if close:
            replacement = close[0]
            suggestion = f" (did you mean {replacement}?)"
        fix_groups = [g for g in groups if _serves(g, replacement, version)][:1] or anywhere[:1] or list(groups)
    # Moving or deleting the rule's only resource would leave `resources: []`, which the API server refuses
    # (KS501): then the fix rewrites the rule's apiGroups, or deletes the whole rule.
    only = set(rule.resources) == {resource}
    if replacement != resource and fix_groups and set(fix_groups) <= set(groups):
        fix = f"Replace {resource!r} with {replacement!r} in `resources`."
    elif fix_groups and fix_groups != list(groups) and only:
        renamed = f" and `resources: {_quote([replacement])}`" if replacement != resource else ""
        fix = f"Write `apiGroups: {_quote(fix_groups)}`{renamed} in this rule, the group that serves {replacement}."
    elif fix_groups and fix_groups != list(groups) and (sibling := _sibling_rule(role, rule, fix_groups[0], replacement)):
        # the role already has a rule for that group and resource: extend it rather than add a second one
        other, missing = sibling
        gone = "this rule" if only else f"{resource!r} from this rule"
        fix = (f"Delete {gone}: rules[{other.index}] already grants {'/'.join(other.verbs)} on {replacement} in "
               f"{_group_text(fix_groups[0])}")
        beyond = [r for r in other.resources if r != replacement] + [
            f"{r} in {_group_text(g)}" for g in other.api_groups if g != fix_groups[0] for r in other.resources]
        if missing and beyond:
            # its verbs apply to each of its resources and groups: adding one there would grant it beyond this entry
            verbs_text = ", ".join(missing)
            fix += (f"; add {_rule_yaml(fix_groups[:1], [replacement], missing, rule.resource_names)} for "
                    f"{verbs_text} (added to rules[{other.index}]'s verbs, {verbs_text} would also be granted on "
                    f"{', '.join(beyond)}).")
        else:
            fix += f"; add {', '.join(missing)} to its verbs." if missing else "."
    elif fix_groups and fix_groups != list(groups):
        fix = (f"Move {resource!r} out of this rule into one for the group that serves it: "
               f"{_rule_yaml(fix_groups, [replacement], verbs, rule.resource_names)}.")
    elif choices is not None:
        # the resource and group are right, the subresource is not one: "use the plural…" would repeat the entry
        gone = "this rule" if only else f"{resource!r} from this rule"
        fix = f"Delete {gone}: it grants nothing" + (f"; the subresources of {base} are {choices}." if choices else
                                                       f"; {base} has no subresources.")
    elif replacement == resource and not serving and _gone_everywhere(base):
        # a built-in resource Kubernetes removed (PodSecurityPolicy): no group to move it to, and no CRD to blame
        gone = "this rule" if only else f"{resource!r} from this rule"
        fix = f"Delete {gone}: Kubernetes {version[0]}.{version[1]} has no {base} in any API group."
        unneeded = None
    elif replacement == resource and not serving:
        # No built-in group serves the name and none is close (KEDA's generated `external` in the core group): an
        # example rule would only repeat the entry that grants nothing.
        gone = "this rule" if only else f"{resource!r} from this rule"
        fix = (f"Delete {gone}: no built-in API group serves a resource named {resource!r}; if a CRD or aggregated "
               f"API defines it, write that API's group in `apiGroups` instead.")
        unneeded = None  # (already a deletion: "should a job need it" would offer the same)
    else:
        fix = (f"Use the plural, lowercase resource name and the API group that serves it (see `kubectl "
               f"api-resources`), e.g. {_rule_yaml(fix_groups or groups, [replacement], verbs, rule.resource_names)}.")
    unneeded_by = unneeded(replacement) if unneeded else []
    if unneeded_by:
        fix = (f"Delete {'this rule' if only else repr(resource) + ' from this rule'}: no scrape job of "
               f"{', '.join(map(str, unneeded_by))} reads {replacement.partition('/')[0]}, so "
               f"granting it in the group that serves it would only add an unused grant (KS203). Should a job come to "
               f"need it: {fix[:1].lower()}{fix[1:]}")
    return Finding(
        "KS503", span,
        f"{where}: {reason}{suggestion}. The API server accepts the rule, but it grants nothing for {resource}",
        fix=fix, object=role.obj.ref if role.obj else role.ref,
        data={"resource": resource, "apiGroups": list(groups), "served_by": serving},
    )


# ---------------------------------------------------------------------------------------------- KS504


@check("KS504")
def unknown_verb(ctx: Context) -> Iterator[Finding]:
    table = _table()["verbs"]
    resource_verbs = table["resource"]
    url_verbs = table["non_resource"]
    for role in _roles(ctx):
        for rule in role.rules:
            url_rule = bool(rule.non_resource_urls) and not rule.resources
            if not url_rule and not _all_known_groups(g for g in rule.api_groups if g != "*"):
                continue  # an aggregated API or CRD may define its own verbs
            allowed = url_verbs if url_rule else resource_verbs
            items = list(_items(rule, "verbs"))
            # A URL request's verb is its lowercased HTTP method (requestinfo.go), so `list`/`watch` on a URL rule
            # never match. Beside an HTTP verb they are habit (`[get, list, watch]` copied from a resource rule)
            # and harmless; as the rule's only verbs the rule grants nothing, which is this rule's case.
            habit_ok = not url_rule or any(verb in allowed for verb, _pos in items)
            replaced: set[str] = set()  # HTTP verbs an earlier finding's fix already writes into this rule
            # Verbs the rule already grants: Kiali's `[create, post]` would become `[create, create]` by a
            # "replace" fix; `*` already grants whatever verb was meant.
            present = {verb for verb, _pos in items if verb in allowed}
            for verb, pos in items:
                if verb in allowed or (url_rule and verb in resource_verbs and habit_ok):
                    continue
                finding = _unknown_verb(role, rule, verb, at(rule.path, pos), url_rule, allowed)
                meant = finding.data["suggestion"]
                if meant and "*" in present:
                    finding.fix = f"Delete {verb!r}: the rule's `*` verb already grants {meant}."
                elif meant and meant in present:
                    finding.fix = f"Delete {verb!r}: the rule already grants {meant}."
                elif meant and meant in replaced:
                    # `[list, watch]` on a URL rule: replacing both with `get` would write it twice
                    finding.fix = f"Delete {verb!r}: the {meant} that replaces an earlier verb of this rule covers it."
                replaced.add(meant)
                yield finding


def _empty_item(rule_id: str, role: RoleDef, rule: PolicyRule, key: str, span: Span, data: dict) -> Finding:
    """An empty or null item in `verbs`/`resources` (`[~]`, `[get, ""]`: what an unset Helm value renders). The API
    server decodes null into a []string element as "" (encoding/json), accepts it, and no request has an empty verb
    or resource, so the item grants nothing."""
    items = rule.verbs if key == "verbs" else rule.resources
    if any(items):
        fix = f"Delete the empty item from `{key}`; the rule's other {key} are unchanged."
    else:
        fix = f"Write the {key[:-1]} you meant in `{key}` (or delete the rule: as written it grants nothing)."
    noun = "verb" if key == "verbs" else "resource"
    return Finding(
        rule_id, span,
        f"{_label(role)} rules[{rule.index}]: an empty or null item in `{key}` (`~`, what an unset value renders) is "
        f"the {noun} \"\" to the API server, which no request has. The API server accepts the rule, but the item "
        f"grants nothing",
        fix=fix, object=role.obj.ref if role.obj else role.ref, data=data,
    )


# The HTTP verb a resource verb written on a URL rule stands for (requestinfo.go: GET/HEAD→get, DELETE→delete).
# (Not `create`/`update`: kube-rbac-proxy checks a POST/PUT to a URL as those, so they are URL verbs already.)
URL_VERB_FOR = {"list": "get", "watch": "get", "deletecollection": "delete"}


def _unknown_verb(role: RoleDef, rule: PolicyRule, verb: str, span: Span, url_rule: bool, allowed: list[str]) -> Finding:
    where = f"{_label(role)} rules[{rule.index}]"
    if not verb:
        return _empty_item("KS504", role, rule, "verbs", span, {"verb": verb, "suggestion": ""})
    if url_rule and verb in URL_VERB_FOR:
        # a resource verb on a URL rule with no HTTP verb beside it (unknown_verb)
        meant = URL_VERB_FOR[verb]
        reason = (f"a non-resource URL is requested with an HTTP method, checked as its lowercase name (get, post, "
                  f"put…), never as {verb!r}, and the rule has no such verb")
    elif verb.lower() in allowed:
        meant = verb.lower()
        reason = f"verbs are case-sensitive: {verb!r} never equals the request verb {meant!r}"
    elif verb.lower() in INVENTED_VERBS and not url_rule:
        meant = INVENTED_VERBS[verb.lower()]
        reason = f"Kubernetes has no verb {verb!r}"
    else:
        close = _close_matches(verb.lower(), [v for v in allowed if v != "*"], n=1, cutoff=0.6)
        meant = close[0] if close else ""
        reason = f"Kubernetes has no verb {verb!r}"
    did_you_mean = f" (did you mean {meant}?)" if meant else ""
    if meant:
        fix = f"Replace {verb!r} with {meant}."
    else:
        fix = f"Replace {verb!r} with the Kubernetes verb you meant: {', '.join(v for v in allowed if v != '*')}."
    return Finding(
        "KS504", span,
        f"{where}: {reason}{did_you_mean}. The API server accepts it, and it grants nothing",
        fix=fix, object=role.obj.ref if role.obj else role.ref, data={"verb": verb, "suggestion": meant},
    )


# ---------------------------------------------------------------------------------------------- KS505


@check("KS505")
def ineffective_wildcard(ctx: Context) -> Iterator[Finding]:
    for role in _roles(ctx):
        for rule in role.rules:
            yield from _ineffective_in_rule(role, rule, lambda rule=rule: urls_needed(ctx, rule),
                                            lambda rule=rule: _group_entry_context(ctx, rule))


def _group_pattern_fix(pattern: str) -> str:
    """The fix for an apiGroups entry written as a glob: the known groups it was meant to match, never `*`, which
    grants the rule in every group, the core group's Secrets included (KS202/KS204 once applied)."""
    import fnmatch

    matched = sorted(g for g in _table()["groups"] if g and fnmatch.fnmatchcase(g, pattern))
    if matched:
        return (f"List the API groups the subjects need, from those {pattern!r} was meant to match: "
                f"`apiGroups: {_quote(matched)}` — and keep only the ones used (a `*` would add every group).")
    return "List the API groups the subjects need explicitly (e.g. `apiGroups: [\"apps\", \"batch\"]`); a `*` would add every group."


# The `signers` resource is synthetic: the API server's CSR approval and signing checks authorize the signer name
# and then `<domain>/*` (`IsAuthorizedForSignerName`, k/k pkg/certauthorization/certauthorization.go), and
# cert-manager's approval webhook does the same for its `cert-manager.io` signers (`issuers.cert-manager.io/*`).
# So in those rules `example.com/*` is a documented wildcard, not a literal name.
_SIGNER_GROUPS = ("certificates.k8s.io", "cert-manager.io", "*")


def _signer_domain_wildcard(rule: PolicyRule, name: str) -> bool:
    domain, sep, rest = name.partition("/")
    return (sep == "/" and rest == "*" and bool(domain) and "*" not in domain
            and any(r in ("signers", "*") for r in rule.resources)
            and any(g in _SIGNER_GROUPS for g in rule.api_groups))


def urls_needed(ctx: Context, rule: PolicyRule) -> tuple[list, set[str]] | None:
    """The scrapers holding `rule` and the non-resource URLs they request, or None when that is not known
    (_holders_requests)."""
    known = _holders_requests(ctx, rule)
    return None if known is None else (known[0], {request.url for request in known[1] if request.url})


def _group_entry_context(ctx: Context, rule: PolicyRule) -> tuple[frozenset[str], list[Request]]:
    """For an `/apis/<group>/*` entry (_group_entry_fix): the /apis/ paths scrape jobs send to servers that review
    them as URLs (_url_reviewed_paths), and the API server resource requests the rule's scrapers make (empty when
    not known)."""
    known = _holders_requests(ctx, rule)
    requests = [r for r in known[1] if r.is_resource] if known is not None else []
    return _url_reviewed_paths(ctx), requests


def _group_entry_fix(url: str, bare: str, context: tuple[frozenset[str], list[Request]],
                     needed: tuple[list, set[str]] | None, only: bool) -> tuple[str, str] | None:
    """KS505's (message, fix) for `/apis/<group>/*` on the API server: of the paths below /apis/<group>/, only the
    version discovery documents /apis/<group>/<version> are non-resource requests; every deeper path is a resource
    request (k8s.io/apiserver endpoints/request/requestinfo.go NewRequestInfo), which RBAC matches against resources
    only (rbac.go RuleAllows). "Matches paths below /apis/<group>/" overstated it, and adding /apis/<group> grants no
    resource the entry was likely meant for (EKS's kcm/metrics). None for another entry, and for one that a server
    reviewing paths as URLs (kube-rbac-proxy) is sent a path of (the plain wording holds there)."""
    parts = bare.strip("/").split("/")
    if len(parts) != 2 or parts[0] != "apis" or url != bare + "/*":
        return None
    reviewed, requests = context
    if any(url_pattern_matches(url, path) for path in reviewed):
        return None
    group = parts[1]
    message = (f"nonResourceURL {url!r} matches, of the API server's paths below {bare}/, only the version discovery "
               f"documents ({bare}/<version>): every deeper path is a resource request, which RBAC matches against "
               f"resources, never nonResourceURLs; and not {bare} itself")
    used = list(dict.fromkeys(r for r in requests if r.api_group == group))
    by_verb: dict[str, list[str]] = {}
    for request in used:
        by_verb.setdefault(request.verb, []).append(request.resource_path)
    rules = "; ".join(_rule_yaml([group], list(dict.fromkeys(paths)), [verb]) for verb, paths in by_verb.items())
    if used and needed is not None and not any(url_pattern_matches(url, u) for u in needed[1]):
        # Its scrapers read no discovery document (KS203 deletes the entry's grant): the resource rule, as KS104 says.
        # (its only URL: `nonResourceURLs: []` is refused, KS501, so the rule goes whole)
        what = "this rule" if only else f"{url!r} from nonResourceURLs"
        return message, (f"Delete {what} (no scrape job of {', '.join(map(str, needed[0]))} reads a discovery "
                         f"document of {group}) and grant what they read there with a resource rule, {rules}: no "
                         f"nonResourceURL does.")
    if used:
        read = f"grant what the scrape jobs read there with a resource rule, {rules}"
    else:
        read = (f"grant them with `apiGroups: {_quote([group])}`, `resources` and `verbs` (for EKS's control-plane "
                f"metrics, `resources: [\"kcm/metrics\", \"ksh/metrics\"]`, `verbs: [\"get\"]`)")
    fix = (f"To read resources of {group}, {read}: no nonResourceURL does. For the discovery documents alone, add "
           f"{bare!r} next to {url!r}, or write {bare + '*'!r}, which matches both.")
    return message, fix


def _ineffective_in_rule(role: RoleDef, rule: PolicyRule,
                         needed_urls: Callable[[], tuple[list, set[str]] | None] = lambda: None,
                         group_context: Callable[[], tuple[frozenset[str], list[Request]]] = lambda: (frozenset(), [])
                         ) -> Iterator[Finding]:
    """`needed_urls()`: the scrapers holding the rule and the URLs they request (urls_needed), None when not known.
    `group_context()`: what an `/apis/<group>/*` entry's wording depends on (_group_entry_context)."""
    where = f"{_label(role)} rules[{rule.index}]"
    ref = role.obj.ref if role.obj else role.ref
    for resource, pos in _items(rule, "resources"):
        if "*" not in resource or resource == "*" or (resource.startswith("*/") and "*" not in resource[2:]):
            continue
        base = resource.split("/", 1)[0]
        subs = _known_subresources(rule.api_groups, base)
        if resource.endswith("/*") and "*" not in base:
            fix_list = [f"{base}/{s}" for s in (["metrics"] if base == "nodes" else subs)] or [f"{base}/<subresource>"]
            meaning = (f"{resource!r} is not a wildcard: RBAC matches resources exactly (only `*` and `*/<subresource>` "
                       f"are wildcards), so it grants only a resource literally named {resource!r}, none of "
                       f"{', '.join(f'{base}/{s}' for s in subs[:4]) or base + '/<subresource>'}")
            fix = (f"List the subresources the subjects need, e.g. `resources: {_quote(fix_list)}`"
                   + (" (the kubelet checks nodes/metrics for every /metrics* path; avoid nodes/proxy)." if base == "nodes" else "."))
        else:
            meaning = f"{resource!r} is not a wildcard: only a resource named exactly `*` or `*/<subresource>` is"
            # never `*`: it grants every resource of the groups, Secrets included (KS204, KS202 after the fix)
            fix = "Name the resources the subjects need explicitly (RBAC has no pattern but `*` and `*/<subresource>`)."
        yield Finding("KS505", at(rule.path, pos), f"{where}: {meaning}", fix=fix, object=ref, data={"resource": resource})
    for group, pos in _items(rule, "apiGroups"):
        if "*" in group and group != "*":
            yield Finding(
                "KS505", at(rule.path, pos),
                f"{where}: apiGroups entry {group!r} is not a wildcard: API groups match exactly or by `*` alone, so it "
                f"matches no group",
                fix=_group_pattern_fix(group),
                object=ref, data={"apiGroup": group},
            )
    for name, pos in _items(rule, "resourceNames"):
        if "*" in name and not _signer_domain_wildcard(rule, name):
            yield Finding(
                "KS505", at(rule.path, pos),
                f"{where}: resourceNames entry {name!r} is not a wildcard: names match exactly, so the rule grants only "
                f"an object literally named {name!r}",
                fix="Remove resourceNames to allow every name, or list the exact object names.",
                object=ref, data={"resourceName": name},
            )
    urls = _items(rule, "nonResourceURLs")
    for url, pos in urls:
        if "*" not in url or url == "*":
            continue
        if _star_inside(url):
            yield Finding(
                "KS505", at(rule.path, pos),
                f"{where}: nonResourceURL {url!r} has `*` before its end: only a trailing `*` is a prefix wildcard, so "
                f"it matches only the literal path {url!r}",
                fix="Use a trailing `*` for a prefix (e.g. `/metrics*`) or list the exact paths.",
                object=ref, data={"nonResourceURL": url},
            )
            continue
        bare = uncovered_parent(role, rule, url)
        group_entry = _group_entry_fix(url, bare, group_context(), needed_urls(),
                                                      len(rule.non_resource_urls) == 1) if bare is not None else None
        if group_entry is not None:
            yield Finding("KS505", at(rule.path, pos), f"{where}: {group_entry[0]}", fix=group_entry[1], object=ref,
                          data={"nonResourceURL": url, "uncovered": bare})
        elif bare is not None:
            yield Finding(
                "KS505", at(rule.path, pos),
                f"{where}: nonResourceURL {url!r} matches paths below {bare}/ but not {bare} itself, and nothing in "
                f"{_label(role)} grants {bare}: a request for {bare} is denied",
                fix=slash_star_fix(url, bare, needed_urls()),
                object=ref, data={"nonResourceURL": url, "uncovered": bare},
            )


def uncovered_parent(role: RoleDef, rule: PolicyRule, url: str) -> str | None:
    """`/metrics` for a `/metrics/*` entry of `rule` when nothing in `role` grants /metrics itself with one of the
    rule's verbs (KS505): the entry was evidently meant to cover it. None for any other entry, and for a kubelet
    path (KS508's: as a URL it grants nothing, so adding its bare parent would not help)."""
    if "*" not in url or url == "*" or _star_inside(url) or _kubelet_path(url):
        return None
    prefix = url.rstrip("*")
    if not prefix.endswith("/") or len(prefix) == 1:
        return None
    bare = prefix[:-1]
    covered = any(
        non_resource_url_matches(other, bare) and (set(other.verbs) & set(rule.verbs) or "*" in other.verbs)
        for other in role.rules if other.non_resource_urls
    )
    return None if covered else bare


def slash_star_fix(url: str, bare: str, needed: tuple[list, set[str]] | None) -> str:
    """KS505's edit of an uncovered `/metrics/*` entry, which KS104's fix for the denied /metrics repeats word for
    word (one edit, not a second rule beside it). `needed`: the entry's scrapers and the URLs they request
    (urls_needed), None when not known."""
    if needed is not None and not any(url_pattern_matches(url, u) for u in needed[1]):
        # its scrapers read nothing below bare/ (the API server's /metrics job): kept beside bare, the entry would
        # be a grant no job uses (KS203), and `bare*` grants the paths below too
        return f"Replace {url!r} with {bare!r}: no scrape job of {', '.join(map(str, needed[0]))} reads a path below {bare}/."
    return f"Add {bare!r} next to {url!r} (`nonResourceURLs: {_quote([bare, url])}`), or write {bare + '*'!r}, which matches both."


def _star_inside(url: str) -> bool:
    """A `*` before the trailing run of stars: literal, since the API server trims every trailing `*` of a rule URL
    and matches the rest as a prefix (EH NonResourceURLMatches), so `/metrics**` is a prefix wildcard."""
    return "*" in url.rstrip("*")


def _known_subresources(groups: Iterable[str], base: str) -> list[str]:
    table = _table()["groups"]
    subs: list[str] = []
    for group in groups:
        entry = table.get(group, {}).get(base)
        if entry and isinstance(entry.get("sub"), list):
            subs.extend(s for s in entry["sub"] if s not in subs)
    return subs


# ---------------------------------------------------------------------------------------------- KS506


def _discovery_resources() -> set[str]:
    """Resources Prometheus discovery lists and watches (FACTS §4): a name restriction breaks it."""
    table = knowledge("sd-roles")
    names = {r["resource"] for resources in table["roles"].values() for r in resources}
    names |= {entry["needs"]["resource"] for entry in table["attach_metadata"].values()}
    return names


def _scraper_roles(ctx: Context) -> list[RoleDef]:
    """User-defined roles bound to an identity that runs Kubernetes discovery, each once."""
    authorizer = ctx.analysis.authorizer
    identities = {j.identity for j in ctx.analysis.jobs if j.identity is not None and j.job.sd_configs}
    roles: dict[int, RoleDef] = {}
    for identity in sorted(identities, key=str):
        for _binding, role in authorizer.bindings(identity):
            if role.obj is not None and role.obj.api_version.startswith(RBAC_PREFIX):
                roles.setdefault(id(role), role)
    return list(roles.values())


def _unbound_roles(ctx: Context) -> list[RoleDef]:
    """User-defined roles nothing in the inputs binds, directly or through an aggregated ClusterRole: a role written
    for a scraper whose binding lives elsewhere (or is still to be written) is judged as a scraper's would be."""
    ws = ctx.workspace
    referenced: set[int] = set()
    for binding in [*ws.bindings, *ws.rejected_bindings]:
        role = ws.role_for(binding) or ws.rejected_role_for(binding)
        if role is not None:
            referenced.add(id(role))
    selectors = [s for r in ws.cluster_roles.values() if r.aggregation for s in r.aggregation]
    return [role for role in [*ws.cluster_roles.values(), *ws.roles.values()]
            if not role.builtin and role.obj is not None and role.obj.api_version.startswith(RBAC_PREFIX)
            and id(role) not in referenced
            and not (role.kind == "ClusterRole" and any(s.matches(role.labels) for s in selectors))]


def _listing_verbs(rule: Any) -> list[str]:
    return [v for v in ("list", "watch") if v in rule.verbs or "*" in rule.verbs]  # `*` holds both


def _lists_by_name(rule: Any, discovered: set[str]) -> bool:
    """Whether the rule restricts a list or watch of a resource discovery reads to names (KS506 may report it)."""
    # `""` is the name an unnamed list carries (rbac.resource_name_matches): such a rule does allow discovery
    if not rule.resource_names or rule.non_resource_urls or "" in rule.resource_names:
        return False
    return bool(_listing_verbs(rule)) and any(r in discovered or r == "*" for r in rule.resources)


@check("KS506")
def resource_names_on_list(ctx: Context) -> Iterator[Finding]:
    # Only roles a scraper holds, or that nothing binds: a controller that watches one named object (with a
    # metadata.name field selector, as the GMP operator does for its Alertmanager Service) is a legitimate use.
    if not _roles(ctx):
        return  # no role object in a reported file: the findings would sit in one
    discovered = _discovery_resources()
    ws = ctx.workspace
    # Every role judged below is one of these (a scraper's is the role its binding names: Workspace.role_for; an
    # unbound one is one of them by definition): without a rule that could be reported, the work over every job's
    # needs and every scraper's bindings finds nothing (the language server asked it of each re-lint).
    if not any(role.obj is not None and ctx.reports(role.obj.path) and any(_lists_by_name(rule, discovered) for rule in role.rules)
               for role in [*ws.cluster_roles.values(), *ws.roles.values()]):
        return
    # Discovery that selects one object with a `metadata.name` field selector sends it: a rule for that name works.
    named = {(n.request.resource, n.request.name) for j in ctx.analysis.jobs for n in j.needs
             if n.kind == "discovery" and n.request.name}
    unbound_roles = _unbound_roles(ctx)  # (never a scraper's: those are bound)
    unbound = {id(role) for role in unbound_roles}
    for role in _scraper_roles(ctx) + unbound_roles:
        if not ctx.reports(role.obj.path):
            continue
        for rule in role.rules:
            if not _lists_by_name(rule, discovered):
                continue
            verbs = _listing_verbs(rule)
            resources = [r for r in rule.resources if (r in discovered or r == "*")
                         and not any((r, name) in named for name in rule.resource_names)]
            if not verbs or not resources:
                continue  # named list/watch of e.g. one ConfigMap works with a metadata.name field selector
            where = f"{_label(role)} rules[{rule.index}]"
            # A job that does select by metadata.name, for another name: say which it sends, not "none".
            sent = sorted({name for res, name in named if res in resources})
            sends = (f"Prometheus discovery sends metadata.name={', '.join(sent)}, which the rule does not name"
                     if sent else "Prometheus discovery sends none")
            yield Finding(
                "KS506", rule.span("resourceNames"),
                f"{where} restricts {'/'.join(verbs)} on {', '.join(resources)} to resourceNames "
                f"{_quote(rule.resource_names)}: a {verbs[0]} without a metadata.name field selector matches no name, "
                f"and {sends}, so its {verbs[0]} is denied and the SD config finds zero targets"
                + (f" (nothing in the inputs binds {_label(role)}: this is what a scraper bound to it would meet)"
                   if id(role) in unbound else ""),
                fix=f"Remove `resourceNames` from this rule (keep them on a separate `get` rule if needed): "
                    f"{_rule_yaml(rule.api_groups, rule.resources, verbs)}; narrow discovery with `namespaces.names` or "
                    f"label `selectors` in the job instead.",
                object=role.obj.ref if role.obj else role.ref,
                data={"resourceNames": list(rule.resource_names), "verbs": verbs},
            )


# ---------------------------------------------------------------------------------------------- KS507


@check("KS507")
def role_grants_cluster_resource(ctx: Context) -> Iterator[Finding]:
    ws = ctx.workspace
    version = _version(ws)
    for role in _roles(ctx):
        if role.kind != "Role":
            continue
        for rule in role.rules:
            if rule.non_resource_urls:
                continue
            for resource, pos in _items(rule, "resources"):
                groups = _cluster_scoped_groups(rule, resource, version)
                if groups is None:
                    continue
                alive = {v for g in groups for v in namespaced_verbs(g, resource)}
                for finding in _cluster_resource_in_role(role, rule, resource, groups, at(rule.path, pos), alive):
                    yield _drop_if_unneeded(ctx, finding, role, rule, resource, groups)


def _cluster_scoped_groups(rule: PolicyRule, resource: str, version: tuple[int, int]) -> list[str] | None:
    """The API groups serving `resource` when it is cluster-scoped in each of them and the rule's verbs are not
    ones checked in a namespace, so a RoleBinding can never grant it; None when it can (namespaced, a wildcard,
    `bind` on clusterroles) or the group is unknown (a CRD: never judged)."""
    if "*" in resource:
        return None
    table = _table()["groups"]
    base = resource.split("/", 1)[0]
    # apiGroups ["*"]: the groups that serve the resource (`nodes` is cluster-scoped in "" and in
    # metrics.k8s.io alike, so the rule is dead for it however the group is spelt).
    candidates = table if "*" in rule.api_groups else rule.api_groups
    groups = [g for g in candidates if _serves(g, resource, version)]
    scopes = {table[g][base]["scope"] for g in groups}
    if not scopes or "namespaced" in scopes:
        return None
    alive = {v for g in groups for v in namespaced_verbs(g, resource)}
    if alive and set(rule.verbs) <= alive:
        return None  # e.g. bind on clusterroles: checked in the RoleBinding's namespace, so a Role grants it
    return groups


def _grants_through_role_binding(role: RoleDef, version: tuple[int, int]) -> bool:
    """Whether a RoleBinding to this ClusterRole can grant anything: a rule on a resource of the namespace.
    kube-prometheus names its ClusterRole (nodes/metrics and URLs only) like its per-namespace Roles, so a
    RoleBinding whose Role is missing is not fixed by pointing it at that ClusterRole. An aggregated role may
    gain any rule."""
    if role.aggregation:
        return True
    return any(not rule.non_resource_urls and any(_cluster_scoped_groups(rule, resource, version) is None
                                                  for resource in rule.resources)
               for rule in role.rules)


def _drop_if_unneeded(ctx: Context, finding: Finding, role: RoleDef, rule: PolicyRule, resource: str,
                      groups: list[str]) -> Finding:
    """KS507 with the fix "remove it" instead of "move it into a ClusterRole" when the only holders of the rule are
    scrapers whose needs are all known and none of them needs the resource: moved, it would be an unused
    cluster-wide grant (KS203 on the next run). kube-prometheus' example-app Role prometheus-frontend lists nodes
    for a Prometheus whose only job is an endpoints ServiceMonitor."""
    holders = _holders_needing_none(ctx, role, rule, resource, groups)
    if not holders:
        return finding
    names = " and ".join(str(identity) for identity in holders)
    # The rule's other resources unneeded by the same holders too (escalate/bind on roles beside clusterroles):
    # the rule goes whole, as KS203 and KS205 say; removing this resource alone would leave them an edit apart.
    others_unneeded = "*" not in rule.api_groups and all(
        "*" not in other and _holders_needing_none(ctx, role, rule, other, list(rule.api_groups)) == holders
        for other in rule.resources if other != resource)
    if len(rule.resources) == 1 or others_unneeded:
        fix = f"Delete this rule from {_label(role)}"
    else:
        fix = f"Remove `{resource}` from this rule of {_label(role)}"
    fix += (f": no job of {names} needs {resource}"
            + (f" (nor {', '.join(r for r in rule.resources if r != resource)}, the rest of it)"
               if len(rule.resources) > 1 and others_unneeded else "")
            + f", so a ClusterRole granting it would only be an unused grant "
            f"(KS203); if something else running as {names} does need it, move it into a ClusterRole bound with a "
            f"ClusterRoleBinding instead.")
    return replace(finding, fix=fix)


def _holders_needing_none(ctx: Context, role: RoleDef, rule: PolicyRule, resource: str, groups: list[str]) -> list:
    """The scrapers the Role is bound to when they are its only holders, every need of theirs is known and none asks
    for `resource` in `groups`; empty otherwise (an unbound Role, a user, group or other account bound beside them, a
    relabelling that cannot be simulated, a collector with needs not modelled, another pod running as one).
    Worked out from the Role's RoleBindings, not the least-privilege checks' shared state: built here, in the
    process that runs this check beside the other checks' data, that state raised the 10k-object peak by 4–5 MB."""
    from ..grants import job_identities, pods_running_as, scrape_pods, scraper_identities, unmodelled
    from ..rbac import Identity

    analysis = ctx.analysis
    bindings = ctx.once("role bindings by role", lambda: _role_bindings_by_role(ctx.workspace))
    bound = bindings.get((role.namespace, role.name), ())
    scrapers = ctx.once("scraper identities", lambda: frozenset(scraper_identities(analysis)))
    identities: list = []
    for binding in bound:
        for subject in binding.subjects:
            identity = Identity(subject.namespace, subject.name) if subject.kind == "ServiceAccount" else None
            if identity is None or identity not in scrapers:
                return []
            identities.append(identity)
    identities = list(dict.fromkeys(identities))
    jobs_of, scraping = job_identities(analysis), scrape_pods(analysis)
    for identity in identities:
        jobs = jobs_of.get(identity)
        if (not jobs or any(j.relabel_errors for j in jobs) or unmodelled(analysis, identity)
                or any(id(p) not in scraping for p in pods_running_as(ctx.workspace, identity))):
            return []
        if any(n.request.is_resource and n.request.resource_path == resource and n.request.api_group in groups
               for j in jobs for n in j.needs):
            return []
    return identities


def _role_bindings_by_role(workspace: Workspace) -> dict[tuple[str, str], list[BindingDef]]:
    """(namespace, name) of a Role → the RoleBindings in the inputs that bind it (a Role is bound only in its own
    namespace)."""
    found: dict[tuple[str, str], list[BindingDef]] = {}
    for binding in workspace.bindings:
        if binding.kind == "RoleBinding" and binding.role_kind == "Role" and not binding.builtin:
            found.setdefault((binding.namespace, binding.role_name), []).append(binding)
    return found


def _cluster_resource_in_role(role: RoleDef, rule: PolicyRule, resource: str, groups: list[str],
                              span: Span, alive: set[str] = frozenset()) -> Iterator[Finding]:
    where = f"{_label(role)} rules[{rule.index}]"
    ref = role.obj.ref if role.obj else role.ref
    base, _, sub = resource.partition("/")
    if base == "namespaces":
        if sub:
            return  # namespaces/status and /finalize are requests inside the namespace itself
        dead = [v for v in COLLECTION_VERBS if v in rule.verbs or "*" in rule.verbs]
        if not dead:
            return
        yield Finding(
            "KS507", span,
            f"{where} grants {', '.join(dead)} on namespaces: those requests target the namespace collection, which has "
            f"no namespace, so a RoleBinding never applies them (only get/update/patch/delete of the Role's own "
            f"namespace work) → 403 Forbidden",
            # Adding the ClusterRole alone would leave this dead rule (and the finding) in place: say to move it.
            fix=f"Move {_rule_yaml(groups, ['namespaces'], dead)} out of this Role into a ClusterRole bound with a "
                f"ClusterRoleBinding (or drop it if nothing needs it); get on the Role's own namespace may stay.",
            object=ref, data={"resource": resource, "verbs": dead},
        )
        return
    verbs = list(rule.verbs) or ["get"]
    if sub:  # subresources are fetched by name: list/watch never apply to them
        verbs = [v for v in verbs if v not in ("list", "watch", "deletecollection")] or ["get"]
    verbs = [v for v in verbs if v not in alive] or verbs
    except_alive = (f" (except {', '.join(sorted(alive))}, which is checked in the namespace of the binding being "
                    f"created)") if alive else ""
    yield Finding(
        "KS507", span,
        f"{where} grants {resource}, which is cluster-scoped: its requests carry no namespace, so a RoleBinding never "
        f"applies this rule{except_alive} → 403 Forbidden",
        fix=f"Move {_rule_yaml(groups, [resource], verbs)} into a ClusterRole bound with a ClusterRoleBinding, and keep only "
            + (f"{'/'.join(sorted(alive))} on {resource} and " if alive else "") + "namespaced resources in the Role.",
        object=ref, data={"resource": resource},
    )


# ---------------------------------------------------------------------------------------------- KS508


def _kubelet_path(url: str) -> bool:
    path = url.rstrip("*").rstrip("/") or "/"
    if path in SERVED_METRICS_URLS or path == "/metrics" or "*" in path:
        return False
    if path.startswith("/metrics/"):
        return True  # the control plane serves only SERVED_METRICS_URLS; the rest are kubelet paths
    return any(path == p or path.startswith(p + "/") for p in KUBELET_URL_PREFIXES)


def _resource_path_request(url: str) -> Request | None:
    """The resource request of the API server a GET of every path the entry matches is, when there is one: an
    entry under `/apis/<group>/<version>/<resource>` (`/apis/metrics.eks.amazonaws.com/v1/kcm/container/metrics`,
    or a `prefix*` whose prefix already names a resource) is never compared as a URL — the API server's
    RequestInfoFactory makes every such path a resource request (k8s.io/apiserver endpoints/request/requestinfo.go
    NewRequestInfo) and RBAC matches it against resources only (rbac.go RuleAllows). Only `/apis/` counts: what
    servers that authorize every path as a URL (kube-rbac-proxy, controller-runtime's filter) serve under `/api/v1/`
    (Prometheus's own HTTP API) is theirs, and no such server serves Kubernetes API group paths."""
    prefix = url.rstrip("*")
    # (a `*` inside the entry is literal, which KS505 says)
    return api_server_request(prefix) if prefix.startswith("/apis/") and "*" not in prefix else None


def _dead_url(url: str) -> bool:
    return _kubelet_path(url) or _resource_path_request(url) is not None


def _proxied(url: str, proxied: frozenset[str]) -> bool:
    return any(url_pattern_matches(url, path) for path in proxied)


def _url_reviewed_paths(ctx: Context) -> frozenset[str]:
    """The paths scrape jobs of the inputs send to a server that authorizes them as URLs, not through the API
    server's RequestInfo (kube-rbac-proxy, controller-runtime's filter: a SubjectAccessReview with
    nonResourceAttributes, which RBAC matches against nonResourceURLs whatever the path looks like). An
    `/apis/<group>/<version>/<resource>` entry that matches one of them is what lets that scrape in, not dead."""
    analysis = ctx.analysis
    if analysis is None:
        return frozenset()
    return frozenset(need.request.url for job in analysis.jobs for need in job.needs
                     if need.kind == "scrape" and need.target != "apiserver" and need.request.url.startswith("/apis/"))


@check("KS508")
def dead_nonresource_url(ctx: Context) -> Iterator[Finding]:
    ws = ctx.workspace
    proxied = _url_reviewed_paths(ctx)
    for role in _roles(ctx):
        if role.kind != "ClusterRole":
            continue
        for rule in role.rules:
            # Deleting every URL of a rule whose URLs all grant nothing would leave `nonResourceURLs: []`, which
            # the API server refuses (KS501): then the whole rule goes.
            only_dead = all(_dead_url(u) and not _proxied(u, proxied) for u in rule.non_resource_urls)
            for url, pos in _items(rule, "nonResourceURLs"):
                if _relative_url(url):
                    yield _relative_url_finding(role, rule, url, at(rule.path, pos))
                    continue
                resource = _resource_path_request(url)
                if resource is not None and not _proxied(url, proxied):
                    yield _resource_path_finding(role, rule, url, resource, only_dead, at(rule.path, pos))
                    continue
                if not _kubelet_path(url):
                    continue
                path = url.rstrip("*")
                checked = kubelet_subresources(path, ws.kubernetes_version)
                sub = checked[0]
                held = any(rule_allows(other, Request("get", "", "nodes", sub)) for other in role.rules)
                status = (f"{_label(role)} does grant get nodes/{sub}, which is what applies" if held
                          else f"and {_label(role)} does not grant get nodes/{sub} either")
                yield Finding(
                    "KS508", at(rule.path, pos),
                    f"{_label(role)} rules[{rule.index}]: nonResourceURL {url!r} is a kubelet path; the kubelet "
                    f"authorizes it as get nodes/{sub}, never as a URL, so this entry grants nothing ({status})",
                    fix=((f"Delete this rule (its nonResourceURLs all grant nothing, {url!r} included)"
                          if only_dead else f"Delete {url!r} from nonResourceURLs") + ("." if held else
                         f" and grant {_rule_yaml([''], [f'nodes/{sub}'], ['get'])} instead.")),
                    object=role.obj.ref if role.obj else role.ref,
                    data={"nonResourceURL": url, "checked_as": f"nodes/{sub}"},
                )


def _resource_path_finding(role: RoleDef, rule: PolicyRule, url: str, request: Request, only_dead: bool,
                           span: Span) -> Finding:
    """KS508 on an entry whose paths are all resource requests (_resource_path_request). An exact path names the
    request (`get metrics.eks.amazonaws.com/kcm/metrics named container`) and the rule that grants it; a `prefix*`
    names only its API group, as the resources below the prefix are not known."""
    group = request.api_group
    exact = not url.endswith("*")
    checked = request.describe() if exact else f"a request for resources of API group {group}"
    held = exact and any(rule_allows(other, request) for other in role.rules)
    status = (f"{_label(role)} does grant {checked}, which is what applies" if held
              else f"and {_label(role)} does not grant {checked}" if exact else "")
    # The grant needs no resourceNames: EKS documents kcm/metrics and ksh/metrics for every name.
    instead = "." if held or not exact else f" and grant {_rule_yaml([group], [request.resource_path], [request.verb])} instead."
    return Finding(
        "KS508", span,
        f"{_label(role)} rules[{rule.index}]: nonResourceURL {url!r} is an API path; the API server authorizes "
        + (f"it as {checked}" if exact else f"every path it matches as a resource request (API group {group})")
        + f", never as a URL, so this entry grants nothing" + (f" ({status})" if status else ""),
        fix=((f"Delete this rule (its nonResourceURLs all grant nothing, {url!r} included)" if only_dead
              else f"Delete {url!r} from nonResourceURLs") + instead
             + ("" if exact else f" Grant the resources of {group} the scrape jobs read with apiGroups/resources/verbs.")),
        object=role.obj.ref if role.obj else role.ref,
        data={"nonResourceURL": url, "checked_as": checked if exact else f"{group} resources"},
    )


def _relative_url(url: str) -> bool:
    """A nonResourceURL no request can match: the API server checks the request's URL path, which always starts
    with `/` (k8s.io/apiserver endpoints/request/requestinfo.go: Path = req.URL.Path), against the entry exactly or
    as a `prefix*` with every trailing `*` trimmed (rbac NonResourceURLMatches): `*` and `**` match every path,
    `metrics` and `metrics*` none."""
    prefix = url.rstrip("*") if url.endswith("*") else url
    return bool(prefix) and not prefix.startswith("/")


def _relative_url_finding(role: RoleDef, rule: PolicyRule, url: str, span: Span) -> Finding:
    meant = "/" + url
    fix = f"Replace {url!r} with {meant!r}."
    inner = url.rstrip("*")
    if "*" in inner:
        # '*/metrics' → '/*/metrics' is still one literal path (a `*` is a wildcard only at the end, KS505): the
        # entry was meant as "any path ending so", which RBAC cannot say; name the exact path after the last `*`.
        example = inner[inner.rindex("*") + 1:]
        example_text = f" (e.g. {example!r})" if example.startswith("/") and len(example) > 1 else ""
        fix = (f"Replace {url!r} with the exact paths it was meant to grant{example_text}, each starting with '/': "
               f"a `*` matches only at the end of an entry (KS505), so {meant!r} would still grant nothing.")
    return Finding(
        "KS508", span,
        f"{_label(role)} rules[{rule.index}]: nonResourceURL {url!r} has no leading '/': request paths always start "
        f"with one and are compared as written, so this entry grants nothing",
        fix=fix,
        object=role.obj.ref if role.obj else role.ref, data={"nonResourceURL": url, "meant": meant},
    )


# ---------------------------------------------------------------------------------------------- KS509


@check("KS509")
def aggregated_role_rules_overwritten(ctx: Context) -> Iterator[Finding]:
    authorizer = ctx.analysis.authorizer
    # A role the API server rejects (KS501: e.g. an aggregationRule without selectors) is never created or aggregated.
    rejected = {id(r) for r in ctx.workspace.rejected_cluster_roles.values()}
    for role in _roles(ctx):
        if role.kind != "ClusterRole" or role.aggregation is None or not role.rules or id(role) in rejected:
            continue
        # A ClusterRole exported from a cluster (`kubectl get -o yaml`) lists the aggregated rules it holds:
        # only rules the selected roles do not supply are lost.
        effective = authorizer.effective_rules(role)
        aggregated = {_rule_content(rule) for rule in effective}
        label = role.aggregation_label()
        where = f"its own ClusterRole labelled `{label}`" if label else "its own ClusterRole with a label the selectors match"
        for rule in role.rules:
            if _rule_content(rule) in aggregated or _covered(rule, effective):
                continue
            yield Finding(
                "KS509", rule.span(),
                f"{_label(role)} rules[{rule.index}] {rule.describe()} grants nothing: the ClusterRole has an "
                f"aggregationRule, so the aggregation controller replaces its rules with those of the ClusterRoles its "
                f"clusterRoleSelectors match, and none of them has this rule",
                fix=f"Move the rule into {where}, so that {role.name} aggregates it; or delete `aggregationRule` and "
                    f"list every rule in {role.name} directly.",
                related=(Related(role.obj.key_span("aggregationRule"), "aggregationRule is here"),) if role.obj else (),
                object=role.obj.ref if role.obj else role.ref,
            )


def _rule_content(rule: PolicyRule) -> tuple[frozenset[str], ...]:
    return (frozenset(rule.verbs), frozenset(rule.api_groups), frozenset(rule.resources),
            frozenset(rule.resource_names), frozenset(rule.non_resource_urls))


def _covered(rule: PolicyRule, rules: list[PolicyRule]) -> bool:
    """Whether `rules` allow everything `rule` does, so that replacing it by them loses nothing (a hand-written
    `pods: get/list/watch` in a role that aggregates view). Wildcards count only as the same wildcard: a request
    for verb `*` or resource `*` matches a rule only through a `*` of its own."""
    for verb in rule.verbs:
        requests = [Request(verb, url=url) for url in rule.non_resource_urls]
        for group in rule.api_groups:
            for resource in rule.resources:
                base, _, sub = resource.partition("/")
                requests += [Request(verb, group, base, sub, name=name) for name in rule.resource_names or [None]]
        if not all(any(rule_allows(other, request) for other in rules) for request in requests):
            return False
    return True


# ---------------------------------------------------------------------------------------------- KS510


@check("KS510")
def resource_names_on_create(ctx: Context) -> Iterator[Finding]:
    for role in _roles(ctx):
        for rule in role.rules:
            # `""` is the name an unnamed request carries (rbac.resource_name_matches): that rule does allow it
            if not rule.resource_names or "" in rule.resource_names or rule.non_resource_urls:
                continue
            # A subresource create (pods/exec, serviceaccounts/token) names its parent object, so names limit it;
            # `*` is a wildcard meant for everything, not a create of one resource.
            resources = [r for r in rule.resources if r and "/" not in r and r != "*"]
            if not resources:
                continue
            verbs = _items(rule, "verbs")
            unnamed = [(verb, pos) for verb, pos in verbs if verb in UNNAMED_VERBS]
            others = [verb for verb, _pos in verbs if verb not in UNNAMED_VERBS]
            whole = not others and len(resources) == len(rule.resources)
            for verb, pos in unnamed:
                dead = [r for r in resources if not _granted_unnamed(role, rule, verb, r)]
                if dead:
                    yield _named_unnamed_verb(role, rule, verb, at(rule.path, pos), dead, whole)


def _granted_unnamed(role: RoleDef, rule: PolicyRule, verb: str, resource: str) -> bool:
    """Whether another rule of the role allows `verb` on `resource` without a name in every API group `rule`
    names (the usual leader-election pair: create alone, get/update by name): the named rule's verb is then
    only redundant, and nothing is refused."""
    return all(any(rule_allows(other, Request(verb, group, resource)) for other in role.rules if other is not rule)
               for group in rule.api_groups)


def _named_unnamed_verb(role: RoleDef, rule: PolicyRule, verb: str, span: Span, resources: list[str],
                        whole: bool) -> Finding:
    """A create/deletecollection that a resourceNames restriction makes dead (FACTS §8), with the rule to move it to."""
    request = "a create is a POST to the collection (the new object's name is in the body)" if verb == "create" \
        else "a deletecollection is a DELETE of the collection"
    by_name = [r for r in rule.resources if r not in resources]
    if by_name:
        # The verb also reaches what names do limit (serviceaccounts/token, pods/eviction: the request names the
        # parent object): deleting it here would refuse those; the added rule alone grants the unnamed request.
        fix = (f"Add a rule of its own without resourceNames: {_rule_yaml(rule.api_groups, resources, [verb])} "
               f"(RBAC cannot limit {verb} to names), and keep {verb!r} in this rule for {', '.join(by_name)}, "
               f"whose request names the object; if no new {', '.join(resources)} must be created, nothing is "
               f"needed: the {verb} on {', '.join(resources)} here grants nothing.")
    elif whole:
        fix = (f"Delete `resourceNames` from this rule: {_rule_yaml(rule.api_groups, rule.resources, rule.verbs)}; "
               f"RBAC cannot limit {verb} to names.")
    else:
        fix = (f"Delete {verb!r} from this rule's verbs and add it as a rule of its own without resourceNames: "
               f"{_rule_yaml(rule.api_groups, resources, [verb])} (RBAC cannot limit {verb} to names; the other "
               f"verbs keep resourceNames {_quote(rule.resource_names)}).")
    return Finding(
        "KS510", span,
        f"{_label(role)} rules[{rule.index}] allows {verb} on {', '.join(resources)} only for resourceNames "
        f"{_quote(rule.resource_names)}, but {request}: the request names no object, so it matches none of the "
        f"names and the rule grants no {verb} → 403 Forbidden. The API server accepts the rule",
        fix=fix, object=role.obj.ref if role.obj else role.ref, data={"verb": verb, "resources": resources},
    )
