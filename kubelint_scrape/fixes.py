"""Minimal RBAC fixes: the exact rule to add, and where (the role already bound to the identity, if any)."""

from __future__ import annotations

import functools
import json
import os
import re
from typing import Iterable

from .grants import binding_label, describe_permissions, first_few, job_identities, permissions_beyond, unmodelled
from .kustomize import source_abspath, workspace_builds
from .model import BindingDef, PolicyRule, RoleDef, is_kustomization_file
from .rbac import Authorizer, Identity, Request, names_identity, rule_allows, subject_applies
from .rbacvalidate import one_line_correction, refused_only_for_version
from .resources import knowledge
from .yamltree import FilePos, YMap, as_map, as_str


def _quote(values: list[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


# Words YAML 1.1 (go-yaml, which kubectl decodes with) reads as booleans or null when plain.
_YAML_WORDS = {"y", "yes", "n", "no", "on", "off", "true", "false", "null"}


_PLAIN_NAME = re.compile(r"[a-z][a-z0-9.-]*")


def yaml_scalar(value: str) -> str:
    """A name for YAML written out to apply: plain when it reads back as that string, else double-quoted. Names
    may be all digits (`123`, a valid ServiceAccount name) or a YAML word (`true`); written plain they became a
    number or a boolean, and `kubectl apply` refused the object (cannot unmarshal number into ... of type string)."""
    if _PLAIN_NAME.fullmatch(value) and value.lower() not in _YAML_WORDS:
        return value
    return json.dumps(value)


def close_matches(word: str, candidates: Iterable[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The "did you mean" candidates of a fix (difflib), memoised: a workspace repeats its typos."""
    return list(_close_matches_cached(word, tuple(candidates), n, cutoff))


@functools.lru_cache(maxsize=4096)
def _close_matches_cached(word: str, candidates: tuple[str, ...], n: int, cutoff: float) -> tuple[str, ...]:
    import difflib  # only when a finding needs a "did you mean" (keeps lint-on-save start-up lean)

    return tuple(difflib.get_close_matches(word, candidates, n=n, cutoff=cutoff))


def rules_for(requests: list[Request]) -> list[dict]:
    """Group requests into as few PolicyRules as exactness allows (same group + verbs + names → one rule)."""
    urls: dict[tuple[str, ...], list[str]] = {}
    resources: dict[tuple[str, tuple[str, ...], tuple[str, ...]], list[str]] = {}
    by_resource: dict[tuple[str, str], set[str]] = {}
    for request in requests:
        if request.url:
            by_resource.setdefault(("url", request.url), set()).add(request.verb)
        else:
            by_resource.setdefault((request.api_group, request.resource_path), set()).add(request.verb)
    names = _proxied_names(requests)
    for (group, name), verbs in by_resource.items():
        key = tuple(sorted(verbs))
        if group == "url":
            urls.setdefault(key, []).append(name)
        else:
            resources.setdefault((group, key, names.get((group, name), ())), []).append(name)
    result = []
    for (group, verbs, only), names_of in sorted(resources.items()):
        rule = {"apiGroups": [group], "resources": sorted(set(names_of)), "verbs": list(verbs)}
        if only:
            rule["resourceNames"] = list(only)
        result.append(rule)
    for verbs, names_of in sorted(urls.items()):
        result.append({"nonResourceURLs": sorted(set(names_of)), "verbs": list(verbs)})
    return result


def _proxied_names(requests: list[Request]) -> dict[tuple[str, str], tuple[str, ...]]:
    """The objects a proxy subresource is needed on, per (group, resource/proxy), when every request names one:
    the API server checks `get services/proxy` (pods/, nodes/) with the object as the proxy path writes it
    (`[https:]NAME[:port]`, FACTS §2 [RI]), so resourceNames hold the grant to it. A request without a name (a
    path built from discovered targets) needs every name, and the rule stays unrestricted. Secrets likewise: the
    one a VMAgent's config-reloader reads is named, and an unnamed grant of Secrets is KS204."""
    named: dict[tuple[str, str], set[str]] = {}
    unnamed: set[tuple[str, str]] = set()
    for request in requests:
        if request.url or (request.subresource != "proxy" and request.resource != "secrets"):
            continue
        key = (request.api_group, request.resource_path)
        if request.name:
            named.setdefault(key, set()).add(request.name)
        else:
            unnamed.add(key)
    return {key: tuple(sorted(names)) for key, names in named.items() if key not in unnamed}


def render_rules(rules: list[dict], indent: str = "  ") -> str:
    lines = []
    for rule in rules:
        first = True
        for key in ("apiGroups", "resources", "resourceNames", "nonResourceURLs", "verbs"):
            if key in rule:
                lines.append(f"{indent}{'- ' if first else '  '}{key}: {_quote(rule[key])}")
                first = False
    return "\n".join(lines)


def render_rules_in(role: RoleDef | None, rules: list[dict], indent: str = "  ") -> str:
    """render_rules for pasting into `role`'s file: a role defined in a .json file gets JSON objects, one a line,
    for its "rules" array (a YAML block pasted there would not parse); any other role, and a new one, YAML."""
    if not json_file(role):
        return render_rules(rules, indent)
    keys = ("apiGroups", "resources", "resourceNames", "nonResourceURLs", "verbs")
    return ",\n".join(indent + json.dumps({key: list(rule[key]) for key in keys if key in rule}) for rule in rules)


def json_file(role: RoleDef | None) -> bool:
    return role is not None and role.obj is not None and role.obj.path.lower().endswith(".json")


def _own_bindings(authorizer: Authorizer, identity: Identity) -> list[tuple[BindingDef, RoleDef]]:
    """The user's bindings that name the identity itself. A rule added to a role bound only through a group
    (system:serviceaccounts:NS, system:authenticated) would be granted to every member of that group, so such a
    role is never the place for a fix."""
    return [(binding, role) for binding, role in authorizer.bindings(identity)
            if not role.builtin and not binding.builtin and names_identity(binding, identity)
            and not _aggregates_builtin_label(role)]


def _aggregates_builtin_label(role: RoleDef) -> bool:
    """An aggregated role that selects a label the built-in roles aggregate on (`rbac.authorization.k8s.io/
    aggregate-to-admin|edit|view`, …): a role labelled so that it picks the rule up would be picked up by the
    built-in admin/edit/view too — the rule granted to everyone who holds them. Never the place for a fix."""
    return any(key.startswith("rbac.authorization.k8s.io/aggregate-to-")
               for selector in role.aggregation or [] for key in
               [*selector.match_labels, *(str(e.get("key", "")) for e in selector.match_expressions)])


def _group_note(authorizer: Authorizer, identity: Identity, namespace: str | None) -> str:
    """Why the fix does not extend a role the identity already holds in that scope through a group binding."""
    for binding, role in authorizer.bindings(identity):
        if role.builtin or binding.builtin or names_identity(binding, identity):
            continue
        if namespace is None and binding.kind != "ClusterRoleBinding":
            continue  # a RoleBinding's role is no candidate for a cluster-wide need anyway
        groups = [s.name for s in binding.subjects if s.kind == "Group" and subject_applies(s, identity)]
        if groups:
            return f"not {role.kind} {role.name}: {binding.kind} {binding.name} binds it to group {groups[0]}"
    return ""


def scrape_role_name(authorizer: Authorizer, identity: Identity) -> str:
    """The name a new role for the identity's needs gets: the one `suggest-rbac` gives it (`<sa>-scrape`, with the
    namespace in front when another ServiceAccount of the inputs has the same name). Every fix that creates a role
    names this one, so that several denials of one identity (KS101 at one job, KS102 at another) add up to one
    role and one binding rather than one pair per finding. A name another role or binding of the inputs already
    has — one the API server refuses included (a v1beta1 `prometheus-scrape` whose apiVersion KS501 corrects) —
    gets a number: created beside it, the new object would replace it or be replaced (KS006). The identity's own
    roles and bindings of that name do not count: a fix adds to them where they apply (where_to_add_in)."""
    same_name = bool(_account_namespaces(authorizer.workspace).get(identity.name, set()) - {identity.namespace})
    base = f"{identity.namespace}-{identity.name}-scrape" if same_name else f"{identity.name}-scrape"
    taken = _rbac_names(authorizer.workspace)
    if base not in taken:
        return base  # the common case: nothing else to look at
    own = {key for binding, role in authorizer.bindings(identity) if not binding.builtin and names_identity(binding, identity)
           for key in (_rbac_key(binding.kind, binding.namespace, binding.name), _rbac_key(role.kind, role.namespace, role.name))}
    if not taken[base] - own:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _account_namespaces(workspace) -> dict[str, set[str]]:
    """ServiceAccount name → the namespaces the inputs define it in; built once (asked per fix: a pass over every
    account per fix was quadratic in a repository of many teams)."""
    def build() -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for namespace, name in workspace.service_accounts:
            found.setdefault(name, set()).add(namespace)
        return found
    return workspace.index("account-namespaces", build)


def _rbac_key(kind: str, namespace: str, name: str) -> tuple[str, str, str]:
    return kind, namespace if kind in ("Role", "RoleBinding") else "", name


def _rbac_names(workspace) -> dict[str, set[tuple[str, str, str]]]:
    """Every Role, ClusterRole and binding the inputs define, refused and replaced ones included, by name; built once."""
    def build() -> dict[str, set[tuple[str, str, str]]]:
        names: dict[str, set[tuple[str, str, str]]] = {}
        for obj in workspace.objects:
            if obj.kind in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding") and obj.name:
                names.setdefault(obj.name, set()).add(_rbac_key(obj.kind, obj.namespace, obj.name))
        return names
    return workspace.index("rbac-names", build)


# Said once per new-role fix: the role is the identity's one role for every need, whole in suggest-rbac.
_ONE_ROLE = "every rule {who} lacks goes into this one role; `kubelint-scrape suggest-rbac` prints it whole"


def add_rules_fix(authorizer: Authorizer, identity: Identity, namespace: str | None, requests: list[Request]) -> str:
    """where_to_add_in and the rules to add, written in the language of the file that holds the role they go into."""
    where, role = where_to_add_in(authorizer, identity, namespace, requests)
    return f"{where}:\n{render_rules_in(role, rules_for(requests))}"


def where_to_add_in(authorizer: Authorizer, identity: Identity, namespace: str | None,
                    requests: Iterable[Request] = ()) -> tuple[str, RoleDef | None]:
    """Where a person would add the rules — a role of theirs already bound to the identity in the right scope, or a
    new one — in words, and that role (None for a new one): saying so when the role is in a .json file (its rules
    are then written as JSON: render_rules_in), and when it is also bound to other subjects, who would get the
    rules too. The access fixes and `suggest-rbac --diff` both. `requests`: what the rules are for, which picks among
    several roles bound to the identity cluster-wide (_for_the_groups)."""
    where, role = _where_to_add_role(authorizer, identity, namespace, requests)
    if json_file(role):
        where += f', in its "rules" array ({os.path.basename(role.obj.path)} is JSON)'
    return where + _co_holders_note(authorizer, identity, role), role


def _role_subjects(workspace) -> dict[int, list[tuple[BindingDef, list]]]:
    """id(role) → the (binding, its subjects) of the inputs that bind it; built once (asked per fix)."""
    def build() -> dict[int, list[tuple[BindingDef, list]]]:
        found: dict[int, list[tuple[BindingDef, list]]] = {}
        for binding in workspace.bindings:
            role = workspace.role_for(binding)
            if role is not None:
                found.setdefault(id(role), []).append((binding, binding.subjects))
        return found
    return workspace.index("role-subjects", build)


def _co_holders_note(authorizer: Authorizer, identity: Identity, role: RoleDef | None) -> str:
    """`; …also bound to …` when the role a fix adds rules to is bound to subjects besides the identity (another
    workload's ServiceAccount, a user, a group): editing it widens them too, which the fix must not do silently."""
    if role is None:
        return ""
    others: list[str] = []
    for binding, subjects in _role_subjects(authorizer.workspace).get(id(role), ()):
        others += (f"{other} ({binding_label(binding)})" for other in _other_subjects(subjects, identity))
    if not others:
        return ""
    one = len(others) == 1
    return (f"; note that {role.kind} {role.name} is also bound to {first_few(others)}, which would get these rules too "
            f"(to leave {'it as it is' if one else 'them as they are'}, bind {identity} to a role of its own instead: "
            f"`kubelint-scrape suggest-rbac` prints it)")


def role_to_edit(workspace, role: RoleDef) -> str:
    """`ClusterRole prometheus` — the role a fix edits, named as its file writes it. A role a Kustomize namePrefix/
    nameSuffix renames (kname.py) has its built name (`a-prometheus`) nowhere in the inputs: the fix names the file
    and the name written there, with the built one beside, so that the edit lands in the base it is built from."""
    label = f"{role.kind} {role.name}"
    builds = workspace_builds(workspace) if role.obj is not None else None
    found = builds.renamings()[0].get(os.path.abspath(role.obj.path)) if builds is not None else None
    if not found:
        return label
    from .kname import written_name

    written = written_name(role.name, found[1])
    if written == role.name:
        return label  # (not the name its build made: renamed by something else)
    return f"{role.kind} {written} in {role.obj.path}, which the kustomize build names {role.name}"


def _for_the_groups(bound: list[tuple[BindingDef, RoleDef]], requests: Iterable[Request]) -> list[tuple[BindingDef, RoleDef]]:
    """The identity's cluster-bound roles with those that already grant in a named API group of the requests first:
    a role written for EKS's metrics.eks.amazonaws.com (kcm/metrics) is where its ksh/metrics goes, not the chart's
    scraper role bound before it, which Helm would re-render. The core group and `*` tell nothing apart."""
    groups = {r.api_group for r in requests if r.is_resource and r.api_group}
    if not groups or len(bound) < 2:
        return bound
    return sorted(bound, key=lambda entry: not any(groups & set(rule.api_groups) for rule in entry[1].rules))


def _where_to_add_role(authorizer: Authorizer, identity: Identity, namespace: str | None,
                       requests: Iterable[Request] = ()) -> tuple[str, RoleDef | None]:
    """(where_to_add_in's words before its notes, the existing role they add the rules to, None for a new one)."""
    own = _own_bindings(authorizer, identity)
    cluster_bound = _for_the_groups([(binding, role) for binding, role in own if binding.kind == "ClusterRoleBinding"],
                                    requests)
    if namespace is None:
        if cluster_bound:
            binding, role = cluster_bound[0]
            if role.aggregation is not None:
                return _add_to_aggregated(role, f"bound to {identity} by ClusterRoleBinding {binding.name}"), None
            return (f"Add to {role_to_edit(authorizer.workspace, role)} (bound to {identity} by ClusterRoleBinding {binding.name}"
                    f"{_standing(authorizer, role)})"), role
        pending = _pending_own_binding(authorizer, identity, None)
        if pending[0]:
            return pending
        note = _group_note(authorizer, identity, None)
        name = scrape_role_name(authorizer, identity)
        return (f"Create ClusterRole {name} with this rule and bind it to ServiceAccount {identity} with "
                f"ClusterRoleBinding {name} (a RoleBinding cannot grant it; {_ONE_ROLE.format(who=identity)}"
                f"{'; ' + note if note else ''})"), None
    for binding, role in own:
        if binding.kind == "RoleBinding" and binding.namespace == namespace:
            if any(role is bound for _b, bound in cluster_bound):
                continue  # a rule added to it would also hold cluster-wide: the ClusterRoleBinding's wording below
            if role.aggregation is not None:
                return _add_to_aggregated(role, f"bound in namespace {namespace} by RoleBinding {binding.name}"), None
            return (f"Add to {role_to_edit(authorizer.workspace, role)} (bound in namespace {namespace} by RoleBinding {binding.name}"
                    f"{_standing(authorizer, role)})"), role
    if cluster_bound:
        binding, role = cluster_bound[0]
        if role.aggregation is not None:
            return (_add_to_aggregated(role, f"bound by ClusterRoleBinding {binding.name}") + ", or for least "
                    f"privilege create a Role in namespace {namespace} bound to {identity} by a RoleBinding"), None
        return (f"Add to {role_to_edit(authorizer.workspace, role)} (bound by ClusterRoleBinding {binding.name}{_standing(authorizer, role)}), or for least privilege "
                f"create a Role in namespace {namespace} bound to {identity} by a RoleBinding"
                + _kustomize_would_move(authorizer, namespace)), role
    pending = _pending_own_binding(authorizer, identity, namespace)
    if pending[0]:
        return pending
    note = _group_note(authorizer, identity, namespace)
    name = scrape_role_name(authorizer, identity)
    return (f"Create Role {name} in namespace {namespace} with this rule and RoleBinding {name} there to "
            f"ServiceAccount {identity} ({_ONE_ROLE.format(who=identity)} in namespace {namespace}"
            + (f"; {note}" if note else "") + ")" + _kustomize_would_move(authorizer, namespace)), None


def _refused_for_version_in_scope(authorizer: Authorizer, identity: Identity, namespace: str | None):
    """(binding, role, refused objects) of the identity's grants in the scope (cluster-wide when `namespace` is None)
    that the API server refuses for their apiVersion alone (KS501): bindings naming the identity, which KS501's
    apiVersion change alone makes exist."""
    version = authorizer.workspace.kubernetes_version
    return _refused_in_scope(authorizer, identity, namespace, lambda item: refused_only_for_version(item, version))


def _refused_in_scope(authorizer: Authorizer, identity: Identity, namespace: str | None, correction):
    """(binding, role, refused objects) of the identity's grants in the scope whose every refused object
    `correction` (an object → its one KS501/KS602 finding, or None) corrects."""
    for binding, role, refused in authorizer.refused(identity):
        in_scope = (binding.kind == "ClusterRoleBinding" if namespace is None
                    else binding.kind == "RoleBinding" and binding.namespace == namespace)
        if in_scope and names_identity(binding, identity) and all(correction(item) is not None for item in refused):
            yield binding, role, refused


def _pending_own_binding(authorizer: Authorizer, identity: Identity, namespace: str | None) -> tuple[str, RoleDef | None]:
    """"Add to" the identity's own role whose binding in the scope the API server refuses for its apiVersion alone
    (a v1beta1 ClusterRoleBinding and ClusterRole of a tutorial): its apiVersion change (KS501, the first line of the
    fixes of the needs it grants) makes it the identity's role, and a second role beside it would only split the
    grants. ("", None) when there is none."""
    for binding, role, refused in _refused_for_version_in_scope(authorizer, identity, namespace):
        if role.builtin or role.aggregation is not None:
            continue
        refs = " and ".join(item.ref for item in refused)
        where = f"to {identity}" if namespace is None else f"in namespace {namespace}"
        return (f"Add to {role.kind} {role.name} (bound {where} by {binding.kind} {binding.name} once {refs} "
                f"{'are' if len(refused) > 1 else 'is'} changed to apiVersion rbac.authorization.k8s.io/v1, as KS501 says)"), role
    return "", None


def _binding_names(workspace) -> dict[tuple[str, str | None], set[str]]:
    """(ClusterRoleBinding, None) or (RoleBinding, its namespace) → the names of the bindings of the inputs, those
    refused included; built once (asked per fix)."""
    def build() -> dict[tuple[str, str | None], set[str]]:
        found: dict[tuple[str, str | None], set[str]] = {}
        for binding in [*workspace.bindings, *workspace.rejected_bindings]:
            key = (binding.kind, None if binding.kind == "ClusterRoleBinding" else binding.namespace)
            found.setdefault(key, set()).add(binding.name)
        return found
    return workspace.index("binding-names", build)


def free_binding_name(workspace, kind: str, namespace: str | None, base: str) -> str:
    """`base`, or `base-2`, `base-3`… when a binding of that kind (in that namespace) already has it: a new binding
    applied under a taken name replaces that binding's subjects (kubectl apply) or is refused for its immutable
    roleRef, and whoever the old one bound loses access."""
    names = _binding_names(workspace).get((kind, None if kind == "ClusterRoleBinding" else namespace), set())
    name, number = base, 2
    while name in names:
        name, number = f"{base}-{number}", number + 1
    return name


def _already_bound(authorizer: Authorizer, identity: Identity, namespace: str | None, role: RoleDef) -> bool:
    """Whether an accepted binding of the inputs already binds the refused `role` to the identity in the scope (a
    v1 ClusterRoleBinding naming a tutorial's v1beta1 ClusterRole on 1.22+): only correcting the role helps then,
    and _bind_existing's "nothing binds it" and its second binding beside the first would both be untrue/useless."""
    return any(binding not in refused and (bound.kind, bound.namespace, bound.name) == (role.kind, role.namespace, role.name)
               for binding, bound, refused in _refused_in_scope(authorizer, identity, namespace, lambda item: item))


def _pending_binding_of(authorizer: Authorizer, identity: Identity, namespace: str | None, role: RoleDef) -> str:
    """How a binding of the inputs binds `role` to the identity in the scope, refused by the API server for one line
    (its apiVersion, KS501; a field type such as `subjects:` written as a mapping, KS602: one_line_correction), in
    words for _bind_existing: "nothing binds it" would be untrue, the binding is there and binds it once corrected;
    a new one beside it is the alternative to correcting it. Empty when none."""
    workspace = authorizer.workspace
    for binding, bound_role, refused in _refused_in_scope(authorizer, identity, namespace,
                                                          lambda item: one_line_correction(item, workspace)):
        if (bound_role.kind, bound_role.namespace, bound_role.name) != (role.kind, role.namespace, role.name):
            continue
        if binding not in refused:
            continue  # only the role is refused: its own note says so, and no new binding would help
        scope = "" if namespace is None else f" in namespace {namespace}"
        finding = one_line_correction(binding, workspace)
        why = ("for its apiVersion alone (KS501)" if refused_only_for_version(binding, workspace.kubernetes_version)
               else f"for one line ({finding.rule})")
        return (f"and {binding.kind} {binding.name} binds it to {identity}{scope}, but the API server refuses "
                f"{binding.ref} {why}; to leave that binding as it is")
    return ""


def _standing(authorizer: Authorizer, role: RoleDef) -> str:
    """Where the role is defined, when the inputs define it more than once (KS006): the later definition replaces
    the earlier one in the cluster, so a rule added to the earlier copy would be lost."""
    for old, winner in authorizer.workspace.replaced_roles:
        if winner is role and role.obj is not None and old.obj is not None:
            return f"; to its definition in {role.obj.path}, which replaces the one in {old.obj.path} (KS006)"
    return _patched_rules(role)


def _patched_rules(role: RoleDef) -> str:
    """Where the role's `rules` list is written when a Kustomize patch replaced it whole (a strategic merge patch
    replaces a Role's rules, a JSON 6902 `replace`/`add` of /rules writes a new list): a rule added to the base
    file is lost in the build. (Rules a patch appends leave the base's list in place: added there, they work.)"""
    doc = role.obj.doc if role.obj is not None else None
    pos = doc.value_pos("rules") if isinstance(doc, YMap) and "rules" in doc else None
    if pos.__class__ is not FilePos or pos.path == role.obj.path:
        return ""
    return (f"; to its `rules` list in the Kustomize patch at {pos.path}:{pos[0]}, which replaces the rules "
            f"{role.obj.path} writes (a rule added in that file is lost in the build)")


def _add_to_aggregated(role: RoleDef, bound: str) -> str:
    """Rules written into an aggregated ClusterRole are overwritten: the fix is a new role its selector picks up."""
    label = role.aggregation_label()
    where = f"labelled `{label}`" if label else "with a label its clusterRoleSelectors match"
    return (f"Create a ClusterRole with this rule {where}, so that aggregated ClusterRole {role.name} ({bound}) "
            f"aggregates it (rules written into {role.name} itself are overwritten by the aggregation controller)")


def fix_text(authorizer: Authorizer, identity: Identity, requests: list[Request], analysis=None) -> str:
    """The rule to add and where. `analysis` (when the caller has one) lets a proposed copy of a role leave out
    what none of the identity's needs use."""
    namespaces = {r.namespace if r.is_resource else None for r in requests}
    namespace = namespaces.pop() if len(namespaces) == 1 else None
    moved = moved_binding_fix(authorizer, identity, namespace, requests, analysis)
    if moved is not None:
        return moved
    if _bound_in_scope(authorizer, identity, namespace):
        repair = _repair_in_scope(authorizer, identity, namespace, requests)
        if repair is not None:
            return repair
    else:
        dangling = _dangling_binding(authorizer, identity, namespace)
        if dangling is not None:
            return _repair_dangling(authorizer, namespace, requests, dangling)
        existing = _existing_role_holding(authorizer, namespace, requests)
        if existing is not None and not _already_bound(authorizer, identity, namespace, existing):
            return (_bind_existing(authorizer, identity, namespace, existing)
                    + _beyond_the_needs(authorizer, identity, namespace, requests, existing, analysis))
    swapped = _role_ref_kind_swapped(authorizer, identity, namespace, requests)
    if swapped is not None:
        return swapped
    written = _role_written_for_namespace(authorizer, identity, namespace, requests)
    if written is not None:
        return (_bind_existing(authorizer, identity, namespace, written)
                + _beyond_the_needs(authorizer, identity, namespace, requests, written, analysis))
    text = add_rules_fix(authorizer, identity, namespace, requests)
    first = (_unselected_component(authorizer, identity, namespace, requests)
             or _granted_in_other_namespace(authorizer, identity, namespace, requests, analysis))
    return text if first is None else f"{first}\nOr:\n{text}"


def role_fix_binds(authorizer: Authorizer, identity: Identity, requests: list[Request]) -> RoleDef | None:
    """The existing role fix_text's whole answer is to bind (its first branch), else None: a caller offering a
    binding of a role of its own choosing (KS104's operator reader role) must not offer the same binding twice."""
    namespaces = {r.namespace if r.is_resource else None for r in requests}
    namespace = namespaces.pop() if len(namespaces) == 1 else None
    if _bound_in_scope(authorizer, identity, namespace) or _dangling_binding(authorizer, identity, namespace) is not None:
        return None
    existing = _existing_role_holding(authorizer, namespace, requests)
    if existing is None or _already_bound(authorizer, identity, namespace, existing):
        return None
    return existing


def verbs_to_add(authorizer: Authorizer, identity: Identity, requests: list[Request]):
    """(binding, role, rule, missing verbs) when a rule of a role bound to the identity where the need is (a
    RoleBinding in the requests' namespace, a ClusterRoleBinding) already names the resource and lacks only verbs
    (`get, list` where discovery also watches): adding them to that rule is the smallest edit, not a new binding of
    another role or a second rule. Only a rule on nothing but the requests' resources, without resourceNames (they would still deny list/watch: KS506), in a
    role of the user's that no aggregation rewrites. None otherwise. KS203 asks it too: its rewrite of that rule
    keeps the verbs this adds."""
    for binding, role in _own_bindings(authorizer, identity):
        if role.aggregation is not None or binding.builtin:
            continue
        if not all(r.is_resource and (binding.kind == "ClusterRoleBinding" or (r.namespace is not None
                                                                                and r.namespace == binding.namespace))
                   for r in requests):
            continue
        for rule in role.rules:
            if rule.resource_names or "*" in rule.verbs:
                continue
            # Only a rule on just the requests' resources and groups: on `[pods, secrets]` the added watch would
            # also watch every Secret (KS204), an edit that brings a finding of its own.
            if (not set(rule.resources) <= {r.resource_path for r in requests}
                    or not set(rule.api_groups) <= {r.api_group for r in requests}):
                continue
            missing = tuple(sorted({r.verb for r in requests} - set(rule.verbs)))
            widened = PolicyRule(tuple(rule.verbs) + missing, rule.api_groups, rule.resources, (), (), rule.index)
            if missing and all(rule_allows(widened, r) for r in requests):
                return binding, role, rule, missing
    return None


def add_verbs_fix(authorizer: Authorizer, identity: Identity, requests: list[Request]) -> str | None:
    """verbs_to_add in words (no final period), with the role's other holders as where_to_add_in names them."""
    found = verbs_to_add(authorizer, identity, requests)
    if found is None:
        return None
    binding, role, rule, missing = found
    bound = (f"bound in namespace {binding.namespace} by RoleBinding {binding.name}" if binding.kind == "RoleBinding"
             else f"bound to {identity} by ClusterRoleBinding {binding.name}")
    return (f"Add {', '.join(f'`{v}`' for v in missing)} to the verbs of rules[{rule.index}] of "
            f"{role_to_edit(authorizer.workspace, role)} ({bound}{_standing(authorizer, role)}), which already grants "
            f"{', '.join(rule.verbs)} {_and_names(rule.resources)}" + _co_holders_note(authorizer, identity, role))


def _and_names(names: Iterable[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _role_ref_kind_swapped(authorizer: Authorizer, identity: Identity, namespace: str | None,
                           requests: list[Request]) -> str | None:
    """The identity's RoleBinding in the need's namespace refers to a ClusterRole that lacks the need while the Role
    of the same name there grants it (kube-prometheus names its ClusterRole and its per-namespace Roles alike, so
    `kind: ClusterRole` is an easy slip): the roleRef kind is the fix. Adding the rules to the ClusterRole instead
    would also grant them cluster-wide wherever a ClusterRoleBinding binds it."""
    if namespace is None or not all(r.is_resource and r.namespace == namespace for r in requests):
        return None
    for binding, role in authorizer.bindings(identity):
        if binding.kind != "RoleBinding" or binding.namespace != namespace or role.kind != "ClusterRole":
            continue
        meant = authorizer.workspace.roles.get((namespace, binding.role_name))
        if meant is None or meant.builtin:
            continue
        rules = authorizer.effective_rules(meant)
        if all(any(rule_allows(rule, request) for rule in rules) for request in requests):
            return (f"Set `roleRef.kind: Role` in RoleBinding {namespace}/{binding.name}: it refers to ClusterRole "
                    f"{role.name}, which lacks this, while Role {namespace}/{meant.name} of the same name grants it "
                    f"(roleRef is immutable: delete and re-create the binding).")
    return None


def _role_written_for_namespace(authorizer: Authorizer, identity: Identity, namespace: str | None,
                                requests: list[Request]) -> RoleDef | None:
    """A Role in the need's namespace, named like a Role the identity holds through a RoleBinding elsewhere (or
    like the identity), that already grants the need while no RoleBinding there binds the identity: the Role was
    written for the scraper and only its binding is missing (kube-prometheus: a namespace added to
    prometheus-roleSpecificNamespaces.yaml but not to prometheus-roleBindingSpecificNamespaces.yaml). Binding it is
    the whole fix; a copy of the other namespace's Role would replace it under the same name. Only that evident
    Role: the identity's ClusterRoleBinding otherwise names where to add (an unrelated Role is no one's intent)."""
    if namespace is None or not all(r.is_resource and r.namespace == namespace for r in requests):
        return None
    bindings = authorizer.bindings(identity)
    if any(b.kind == "RoleBinding" and b.namespace == namespace for b, _r in bindings):
        return None  # bound there: where_to_add_in names that role
    names = [identity.name, *sorted({role.name for b, role in bindings
                                     if b.kind == "RoleBinding" and role.kind == "Role" and not b.builtin})]
    for name in names:
        role = authorizer.workspace.roles.get((namespace, name))
        if role is None or role.builtin:
            continue
        rules = authorizer.effective_rules(role)
        if all(any(rule_allows(rule, request) for rule in rules) for request in requests):
            return role
    return None


def _granted_in_other_namespace(authorizer: Authorizer, identity: Identity, namespace: str | None,
                                requests: list[Request], analysis=None) -> str | None:
    """A namespaced need where the identity has no RoleBinding, while a RoleBinding in another namespace grants it
    the same (kube-prometheus: a Role and RoleBinding `prometheus-k8s` per monitored namespace): the least-privilege
    fix the setup already follows is that pair, repeated in this namespace."""
    if namespace is None or not all(r.is_resource and r.namespace == namespace for r in requests):
        return None
    bindings = authorizer.bindings(identity)
    if any(b.kind == "RoleBinding" and b.namespace == namespace for b, _r in bindings):
        return None  # one exists there: where_to_add_in names its role
    for binding, role in bindings:
        if binding.kind != "RoleBinding" or binding.builtin or role.builtin:
            continue
        rules = authorizer.effective_rules(role)
        if all(any(rule_allows(rule, request) for rule in rules) for request in requests):
            moved = moved_by_kustomize(authorizer, namespace, binding, role)
            if moved is not None:
                return moved
            dangling = _dangling_binding(authorizer, identity, namespace)
            if role.kind == "Role" and dangling is not None and (dangling.role_kind, dangling.role_name) == ("Role", role.name):
                # the binding of the pair is there already: only its Role is missing (KS502)
                return (f"Create in namespace {namespace} a copy of Role {role.namespace}/{role.name}"
                        f"{_copy_without(analysis, identity, role)}: RoleBinding {namespace}/{dangling.name} already "
                        f"binds it to {identity} and grants nothing until it exists (KS502)")
            alone = _only_subject(binding, identity, namespace)
            if role.kind == "Role":
                return (f"Create in namespace {namespace} what grants it in namespace {binding.namespace}: a copy of "
                        f"Role {role.namespace}/{role.name}{_copy_without(analysis, identity, role)} and of RoleBinding "
                        f"{binding.namespace}/{binding.name} (one pair per monitored namespace){alone}"
                        f"{_copy_names(authorizer, identity, namespace, role, binding)}")
            return (f"Create in namespace {namespace} a RoleBinding to ClusterRole {role.name} like RoleBinding "
                    f"{binding.namespace}/{binding.name}{alone}")
    return None


def _copy_names(authorizer: Authorizer, identity: Identity, namespace: str, role: RoleDef, binding: BindingDef) -> str:
    """How the copies are named when `namespace` already has a Role or RoleBinding of the originals' names (another
    team's `prometheus` pair): copied under the same name, applied, they would replace that team's objects (KS006) and
    its scraper would lose its grants. Named like a new role of the identity's (`<namespace>-<name>`), numbered when
    taken too."""
    taken = _rbac_names(authorizer.workspace)
    clash = [f"{kind} {name}" for kind, name in (("Role", role.name), ("RoleBinding", binding.name))
             if _rbac_key(kind, namespace, name) in taken.get(name, ())]
    if not clash:
        return ""
    base, number = f"{identity.namespace}-{role.name}", 2
    name = base
    while any(_rbac_key(kind, namespace, name) in taken.get(name, ()) for kind in ("Role", "RoleBinding")):
        name, number = f"{base}-{number}", number + 1
    return (f"; name both copies {name} (and the copied RoleBinding's roleRef.name): namespace {namespace} already "
            f"has {' and '.join(clash)}, which a copy under the same name would replace")


def _only_subject(binding: BindingDef, identity: Identity, namespace: str) -> str:
    """How the copy of a binding that also names others is written: with the identity alone, or a literal copy
    would grant them the namespace too, which the need of the identity does not ask for."""
    others = _other_subjects(binding.subjects, identity)
    if not others:
        return ""
    return (f"; give the copied RoleBinding ServiceAccount {identity} as its only subject: RoleBinding {binding.namespace}/"
            f"{binding.name} also binds {first_few(others)}, which a literal copy would bind in namespace {namespace} too")


def _other_subjects(subjects, identity: Identity) -> list[str]:
    """The subjects besides the identity itself, described; a group counts (it reaches others too)."""
    return list(dict.fromkeys(s.describe() for s in subjects if s.kind == "Group" or not subject_applies(s, identity)))


def _written_namespace(obj) -> str:
    return as_str(as_map(obj.doc.get("metadata")).get("namespace")) if obj is not None else ""


def moved_by_kustomize(authorizer: Authorizer, namespace: str, binding: BindingDef, role: RoleDef) -> str | None:
    """The RoleBinding was written for `namespace`, but a Kustomization's `namespace:` moved it (kustomize's
    namespace transformer sets every namespaced object it builds, whatever the object names): a copy written
    for `namespace` beside it would be moved the same way, so the fix is to build them without that field. The
    Kustomization named is the one that sets it: an overlay building the base that lists the file, say."""
    if binding.obj is None or _written_namespace(binding.obj) != namespace or binding.namespace == namespace:
        return None
    builds = workspace_builds(authorizer.workspace)
    setter = builds.namespace_setters().get(os.path.abspath(binding.obj.path)) if builds is not None else None
    if setter is None:
        return None  # (moved by something else: not a Kustomization's to undo)
    objects = f"RoleBinding {binding.name}"
    if role.kind == "Role" and _written_namespace(role.obj) == namespace:
        objects = f"Role {role.name} and {objects}"
    return (f"{objects} {'are' if ' and ' in objects else 'is'} written for namespace {namespace}, but "
            f"{setter[1]} sets `namespace: {setter[0]}` for the build that includes {binding.obj.path}, "
            + _build_apart(' and ' in objects, namespace, setter[1]) + _subjects_the_build_placed(binding, namespace))


def _subjects_the_build_placed(binding: BindingDef, namespace: str) -> str:
    """The binding's ServiceAccount subjects written without a namespace that the build gave one (kustomize sets it
    for an account of the same build): built apart, a RoleBinding's such subject means the account of the binding's
    own namespace (`namespace`, the RBAC authorizer's default), not the scraper's — KS108 — so the namespace is to be
    written."""
    placed = [s for s in binding.subjects if s.kind == "ServiceAccount" and s.namespace and s.node is not None
              and not as_str(s.node.get("namespace")) and s.namespace != namespace]
    if not placed:
        return ""
    return "; and write `namespace:` in its subjects the build filled in (" + ", ".join(
        f"`{{kind: ServiceAccount, name: {yaml_scalar(s.name)}, namespace: {yaml_scalar(s.namespace)}}}`"
        for s in placed) + "), or built apart they name accounts of the binding's own namespace"


def _build_apart(plural: bool, namespace: str, setters: str) -> str:
    """Why objects meant for `namespace` must not be built by a Kustomization that sets another, and what to do:
    a Kustomization of their own, outside `setters` (a base without `namespace:` that an overlay setting one
    builds would still move them)."""
    them = "them" if plural else "it"
    return (f"which moves every namespaced object it builds there: build {them} from a Kustomization without "
            f"`namespace:` that {setters} does not include (or apply {them} apart), so that "
            f"{'they stay' if plural else 'it stays'} in {namespace}")


def moved_beside(workspace, path: str, namespaces: list[str], plural: bool = True) -> str:
    """A note for a fix that writes objects for `namespaces` beside an object of `path` (a ClusterRoleBinding's
    RoleBindings, a RoleBinding moved to its Role's namespace) when a Kustomization sets another namespace for the
    build that includes that file: written there, kustomize's namespace transformer would move them all into its
    namespace (where they also collide by name). `plural`: whether the fix writes several objects."""
    builds = workspace_builds(workspace)
    setter = builds.namespace_setters().get(os.path.abspath(path)) if builds is not None else None
    if setter is None or all(namespace == setter[0] for namespace in namespaces):
        return ""
    return (f" (not in {path}: {setter[1]} sets `namespace: {setter[0]}` for the build that includes it, "
            + _build_apart(plural, ", ".join(namespaces), setter[1]) + ")")


def _kustomize_would_move(authorizer: Authorizer, namespace: str) -> str:
    """A note for a fix that creates objects in `namespace` when every file of the inputs is built by a
    Kustomization (or GitOps object) setting another namespace: written into any of them, they would be moved."""
    moving, setters = authorizer.workspace.index("kustomize-moving", lambda: _every_file_moved_to(authorizer.workspace))
    if not moving or namespace in moving:
        return ""
    sets = (f"sets `namespace: {next(iter(moving))}`" if len(moving) == 1
            else f"sets a namespace ({', '.join(sorted(moving))})")
    return f". Every input file is built by a Kustomization that {sets}, " + _build_apart(True, namespace, setters)


def _every_file_moved_to(workspace) -> tuple[frozenset[str], str]:
    """The namespaces the inputs' builds set, when every file but the kustomization files is in such a build, and
    the files setting them (once per workspace); else none."""
    builds = workspace_builds(workspace)
    moved = builds.namespace_setters() if builds is not None else {}
    if not moved:
        return frozenset(), ""
    found, setters = set(), set()
    for source in workspace.sources:
        path = source_abspath(source)
        if path not in moved:
            if not is_kustomization_file(path):
                return frozenset(), ""
        else:
            found.add(moved[path][0])
            setters.add(moved[path][1])
    return frozenset(found), (next(iter(setters)) if len(setters) == 1 else "any of " + ", ".join(sorted(setters)))


def _copy_without(analysis, identity: Identity, role: RoleDef) -> str:
    """What a copy of the role should leave out: the permissions no need of the identity uses (KS203 reports them
    on the original), so that the fix does not copy the excess into one more namespace."""
    if analysis is None:
        return ""
    extra = permissions_beyond(analysis, identity, role)
    return f" without {describe_permissions(extra)} (no job of {identity} uses it)" if extra else ""


def _unselected_component(authorizer: Authorizer, identity: Identity, namespace: str | None,
                          requests: list[Request]) -> str | None:
    """When the role to extend is an aggregated ClusterRole and a ClusterRole of the inputs already holds the rule
    but its labels miss the aggregation selector (a typo in a label, a forgotten label), the fix is that label."""
    aggregated = [role for binding, role in authorizer.bindings(identity)
                  if role.aggregation and not role.builtin
                  and (binding.kind == "ClusterRoleBinding" or binding.namespace == namespace)]
    if not aggregated:
        return None
    role = aggregated[0]
    label = role.aggregation_label()
    for candidate in authorizer.workspace.cluster_roles.values():
        if candidate is role or candidate.builtin or candidate.aggregation is not None:
            continue
        if any(selector.matches(candidate.labels) for selector in role.aggregation or []):
            continue  # aggregated already (it grants something else)
        if all(any(rule_allows(rule, request) for rule in candidate.rules) for request in requests):
            held = ", ".join(f'{k}: "{v}"' for k, v in sorted(candidate.labels.items())) or "none"
            return (f"ClusterRole {candidate.name} already holds this rule, but aggregated ClusterRole {role.name} does "
                    f"not select it (its labels: {held}): label it `{label}`" if label else
                    f"ClusterRole {candidate.name} already holds this rule, but aggregated ClusterRole {role.name} does "
                    f"not select it: give it a label that {role.name}'s clusterRoleSelectors match")
    return None


def _bound_in_scope(authorizer: Authorizer, identity: Identity, namespace: str | None) -> bool:
    """Whether the identity has a role of the user's to extend where the need is (what where_to_add_in names)."""
    for binding, role in authorizer.bindings(identity):
        if role.builtin or binding.builtin:
            continue
        if binding.kind == "ClusterRoleBinding" or (namespace is not None and binding.namespace == namespace):
            return True
    return False


_READ_VERBS = {"get", "list", "watch"}


def _existing_role_holding(authorizer: Authorizer, namespace: str | None, requests: list[Request]) -> RoleDef | None:
    """A role of the inputs that already grants every request (a ClusterRole; or, for needs in one namespace, a Role
    there): when nothing of the identity's can be extended, binding it is the smallest change — no rule to write.
    The narrowest such role, and never one with wildcards, write verbs or Secrets: binding it would hand the
    scraper far more than the need (KS202, KS204, KS207) — the rule alone is the fix then."""
    # Asked per fix, and fixes repeat (namespace, requests): each is answered once per run (a scan of every role).
    key = ("existing-role-holding", namespace, tuple(requests))
    if key not in authorizer.memo:
        authorizer.memo[key] = _existing_role_scan(authorizer, namespace, requests)
    return authorizer.memo[key]


def _existing_role_scan(authorizer: Authorizer, namespace: str | None, requests: list[Request]) -> RoleDef | None:
    best: tuple[bool, int, str, RoleDef] | None = None
    for role, rules, size in _read_only_roles_for(authorizer, namespace):
        if not all(any(rule_allows(rule, request) for rule in rules) for request in requests):
            continue
        key = (_refused_for_version(authorizer, role), size, role.ref)  # an accepted role first
        if best is None or key < best[:3]:
            best = (*key, role)
    return best[3] if best is not None else None


def _refused_for_version(authorizer: Authorizer, role: RoleDef) -> bool:
    """Whether the API server refuses the role for its apiVersion alone (rbac.authorization.k8s.io/v1beta1 on
    1.22+, KS501): changing the apiVersion makes it grant exactly what it says, so it is still the role to bind
    (a tutorial's v1beta1 ClusterRole `prometheus` holds every rule its jobs need)."""
    return role.obj is not None and refused_only_for_version(role, authorizer.workspace.kubernetes_version) is not None


def _version_note(authorizer: Authorizer, role: RoleDef) -> str:
    if not _refused_for_version(authorizer, role):
        return ""
    return (f" once its apiVersion is rbac.authorization.k8s.io/v1 (as written, `{role.obj.api_version}`, the API "
            f"server refuses it: KS501)")


def _read_only_roles(authorizer: Authorizer) -> list[tuple[RoleDef, list, int]]:
    """(role, its effective rules, its size) of the inputs' roles that _existing_role_holding may offer: found once
    per workspace, not per fix — a fix for each denied need of an identity bound to nothing judged every role of
    the inputs again (in a workspace of 10,000 objects, 170 ms of an editor's re-lint). Kept with the authorizer
    whose aggregation gave the effective rules (the workspace's, analyse.analyse)."""
    def build() -> tuple[Authorizer, list[tuple[RoleDef, list, int]]]:
        found = []
        workspace = authorizer.workspace
        refused = [role for role in [*workspace.rejected_cluster_roles.values(), *workspace.rejected_roles.values()]
                   if _refused_for_version(authorizer, role)]
        for role in [*workspace.cluster_roles.values(), *workspace.roles.values(), *refused]:
            if role.builtin:
                continue
            rules = authorizer.effective_rules(role)
            if any("*" in rule.verbs or "*" in rule.api_groups or any(r == "*" or r.startswith("*/") for r in rule.resources)
                   or any(u.endswith("*") for u in rule.non_resource_urls)
                   or not set(rule.verbs) <= _READ_VERBS or "secrets" in rule.resources for rule in rules):
                continue
            size = sum(len(rule.verbs) * max(1, len(rule.resources) * len(rule.api_groups) + len(rule.non_resource_urls))
                       for rule in rules)
            found.append((role, rules, size))
        return authorizer, found

    owner, found = authorizer.workspace.index("read-only-roles", build)
    return found if owner is authorizer else build()[1]


def _read_only_roles_for(authorizer: Authorizer, namespace: str | None) -> list[tuple[RoleDef, list, int]]:
    """_read_only_roles that can serve a need in `namespace` (None: cluster-wide): the ClusterRoles, and the Roles
    of that namespace, each in _read_only_roles' order. Grouped once: a fix per denied need walked every Role of
    every namespace, quadratic in a repository of many teams."""
    def build() -> tuple[Authorizer, list, dict[str, list]]:
        cluster: list = []
        by_namespace: dict[str, list] = {}
        for entry in _read_only_roles(authorizer):
            if entry[0].kind == "Role":
                by_namespace.setdefault(entry[0].namespace, []).append(entry)
            else:
                cluster.append(entry)
        return authorizer, cluster, by_namespace

    owner, cluster, by_namespace = authorizer.workspace.index("read-only-roles-by-namespace", build)
    if owner is not authorizer:
        owner, cluster, by_namespace = build()
    return cluster if namespace is None else [*cluster, *by_namespace.get(namespace, ())]


def _dangling_binding(authorizer: Authorizer, identity: Identity, namespace: str | None) -> BindingDef | None:
    """The identity's own binding, in the need's scope, whose roleRef names a role that does not exist (KS502): a
    typo in `roleRef.name`, the wrong `roleRef.kind`, a Role of another namespace. Repairing that binding is the
    user's evident intent and a smaller change than a second binding beside it."""
    prefixes = tuple(knowledge("api-resources")["builtin_cluster_role_prefixes"])
    for binding in authorizer.unresolved(identity):
        if binding.builtin or not names_identity(binding, identity):
            continue
        if binding.role_kind == "ClusterRole" and binding.role_name.startswith(prefixes):
            continue  # a controller's built-in role: not a dangling reference (KS502 skips it too)
        if binding.kind == "ClusterRoleBinding" and binding.role_kind == "ClusterRole":
            return binding
        if binding.kind == "RoleBinding" and namespace is not None and binding.namespace == namespace \
                and binding.role_kind in ("Role", "ClusterRole"):
            return binding
    return None


def misplaced_role(analysis, binding: BindingDef) -> RoleDef | None:
    """The Role a RoleBinding refers to from the wrong namespace (a binding moved or copied there, its roleRef and
    subjects kept): roleRef kind Role and a name no Role of its own namespace has, while a Role of that name in
    another namespace grants what its ServiceAccount subjects are denied there — scrapers whose jobs are all known
    and need nothing in the binding's namespace (a cluster-wide list no RoleBinding serves either way). Moving the binding is then the one repair:
    creating the Role where the binding is grants them a namespace they never use (KS203), beside the second
    binding KS101's or KS105's fix would add. Without that evidence a binding of another namespace's scraper is the
    usual way to let it discover this namespace (kube-prometheus' per-namespace RoleBindings): not misplaced."""
    workspace = analysis.workspace
    if binding.kind != "RoleBinding" or binding.role_kind != "Role" or (binding.namespace, binding.role_name) in workspace.roles:
        return None
    accounts = [s for s in binding.subjects if s.kind == "ServiceAccount"]
    if not accounts or len(accounts) != len(binding.subjects):
        return None
    meant: set[str] | None = None  # the namespaces whose Role of that name each subject is denied
    for subject in accounts:
        identity = Identity(subject.namespace, subject.name)
        jobs = job_identities(analysis).get(identity)
        if not jobs or unmodelled(analysis, identity) or any(j.relabel_errors for j in jobs):
            return None
        needs = [n for j in jobs for n in j.needs if n.request.is_resource]
        if any(n.request.namespace == binding.namespace for n in needs):
            return None
        denied = set()
        for need in needs:
            role = workspace.roles.get((need.request.namespace, binding.role_name))
            if (not need.satisfied and role is not None and not role.builtin
                    and any(rule_allows(rule, need.request) for rule in analysis.authorizer.effective_rules(role))):
                denied.add(need.request.namespace)
        meant = denied if meant is None else meant & denied
    if not meant or len(meant) != 1:
        return None
    return workspace.roles[(meant.pop(), binding.role_name)]


def move_binding_fix(workspace, binding: BindingDef, role: RoleDef) -> str:
    """Move `binding` beside the Role it means (misplaced_role), under a free name there."""
    name = free_binding_name(workspace, "RoleBinding", role.namespace, binding.name)
    renamed = f" and `metadata.name: {yaml_scalar(name)}` ({binding.name} is taken there)" if name != binding.name else ""
    # A Kustomization's `namespace:` that builds the binding's file would overwrite the edited metadata.namespace
    # (kustomize's namespace transformer): the moved binding goes outside that build.
    built = moved_beside(workspace, binding.obj.path, [role.namespace], plural=False) if binding.obj is not None else ""
    return (f"Move {binding.ref} to namespace {role.namespace}, where Role {role.name} is: set its "
            f"`metadata.namespace: {role.namespace}`{renamed}{built}, keeping its roleRef and subjects (apply the moved "
            f"binding and delete the one in {binding.namespace}).")


def moved_binding_fix(authorizer: Authorizer, identity: Identity, namespace: str | None,
                       requests: list[Request], analysis) -> str | None:
    """KS101's and KS105's side of misplaced_role: the identity's RoleBinding in another namespace means the Role of
    the need's namespace that grants the requests; the same move as KS502's fix, not a second binding beside it."""
    if namespace is None or analysis is None:
        return None
    for binding in authorizer.unresolved(identity):
        role = misplaced_role(analysis, binding)
        if role is None or role.namespace != namespace or not names_identity(binding, identity):
            continue
        rules = authorizer.effective_rules(role)
        if all(any(rule_allows(rule, request) for rule in rules) for request in requests):
            move = move_binding_fix(authorizer.workspace, binding, role)
            return (f"{binding.ref} refers to Role {role.name}, which is in namespace {namespace}, not "
                    f"{binding.namespace} (KS502), so it grants nothing: {move[:1].lower()}{move[1:]}")
    return None


def _repair_in_scope(authorizer: Authorizer, identity: Identity, namespace: str | None,
                     requests: list[Request]) -> str | None:
    """For an identity that holds a role elsewhere (a ClusterRoleBinding of its own): the binding of the need's
    scope meant for it that binds nothing — its roleRef dangling (KS502: `kind: ClusterRole` for the Role beside it)
    or its `subjects: []` — while a role of the inputs there grants the need. Repairing that binding is the user's
    evident intent, and keeps the grant in its namespace, where adding the rule to the identity's ClusterRole would
    grant it cluster-wide. None when there is no such binding."""
    dangling = _dangling_binding(authorizer, identity, namespace)
    scope = "ClusterRoleBinding" if namespace is None else namespace
    if dangling is None and scope not in _subjectless_scopes(authorizer.workspace):
        return None  # nothing to repair here: the search for a granting role below is the costly part (per fix)
    existing = _existing_role_holding(authorizer, namespace, requests)
    if existing is None:
        return None
    if dangling is not None and (existing.kind == "ClusterRole" or dangling.kind == "RoleBinding"):
        return _repair_dangling(authorizer, namespace, requests, dangling)
    unnamed = _binding_without_identity(authorizer, identity, namespace, existing)
    if unnamed is None or _pending_binding_of(authorizer, identity, namespace, existing):
        return None
    return _add_subject(identity, namespace, _role_where(existing) + _version_note(authorizer, existing), unnamed)


def _repair_dangling(authorizer: Authorizer, namespace: str | None, requests: list[Request],
                     binding: BindingDef) -> str:
    """Point the dangling binding at a role of the inputs that grants the need, or create the role it names."""
    head = (f"{binding.ref} binds {binding.role_kind} {binding.role_name}, which does not exist (KS502), so it "
            f"grants nothing")
    existing = _existing_role_holding(authorizer, namespace, requests)
    if existing is not None and (existing.kind == "ClusterRole" or binding.kind == "RoleBinding"):
        name = role_reference_name(authorizer.workspace, binding, existing)
        changes = [f"`roleRef.{key}: {value}`" for key, value, now in
                   (("kind", existing.kind, binding.role_kind), ("name", name, binding.role_name)) if value != now]
        return (f"{head}: {_role_where(existing)} in the inputs grants this{_version_note(authorizer, existing)}; "
                f"set its {' and '.join(changes)} (roleRef is immutable: delete and re-create the binding).")
    where = (f"ClusterRole {binding.role_name}" if binding.role_kind == "ClusterRole"
             else f"Role {binding.role_name} in namespace {binding.namespace}")
    return f"{head}: create {where} with this rule:\n{render_rules(rules_for(requests))}"


def role_reference_name(workspace, binding: BindingDef, role: RoleDef) -> str:
    """The name a fix writes in `binding`'s roleRef to name `role`: in the role's renaming Kustomize build, the name
    the role's file writes (kustomize's nameReference makes it the built one, in every build of those files);
    otherwise the role's (built) name."""
    if binding.obj is None or role.obj is None or "kustomize" not in workspace.indexes:
        return role.name
    from .kname import reference_name  # (a renaming build only: lint-on-save of other inputs never imports it)

    return reference_name(workspace, binding.obj, role.obj, role.name)


def _subjectless_scopes(workspace) -> frozenset:
    """Where the inputs hold a binding with no subject (`subjects: []`): the namespaces of such RoleBindings, and
    "ClusterRoleBinding" for such a ClusterRoleBinding. Built once per run: most inputs have none, and a fix need
    not look for a role to repair a binding with."""
    return workspace.index("subjectless-binding-scopes", lambda: frozenset(
        "ClusterRoleBinding" if binding.kind == "ClusterRoleBinding" else binding.namespace
        for binding in workspace.bindings if not binding.subjects))


def _binding_without_identity(authorizer: Authorizer, identity: Identity, namespace: str | None,
                              role: RoleDef) -> BindingDef | None:
    """A binding of the inputs that binds `role` in the need's scope (a ClusterRoleBinding for a cluster-wide need,
    a RoleBinding of the need's namespace) to no subject at all — its only subject dropped, `subjects: []`: adding
    the identity to its subjects is the smaller edit, and a second binding of the same role beside it would leave
    the first one binding nothing. A binding of the role to other accounts is theirs: a binding of its own is the
    fix then (test_bind_existing_role_second_name_avoids_a_binding_that_has_it_too)."""
    kind = "ClusterRoleBinding" if namespace is None else "RoleBinding"
    for binding, subjects in _role_subjects(authorizer.workspace).get(id(role), ()):
        if binding.kind == kind and (namespace is None or binding.namespace == namespace) and not subjects:
            return binding
    return None


def _add_subject(identity: Identity, namespace: str | None, where: str, binding: BindingDef) -> str:
    """The fix that adds the identity to the subjects of a binding of the role that grants the need."""
    scope = "cluster-wide" if namespace is None else f"in namespace {namespace}"
    return (f"{where} in the inputs already grants this, and {binding.ref} binds it {scope}, but to no subject: "
            f"add {identity} to its subjects:\n"
            f"- kind: ServiceAccount\n  name: {yaml_scalar(identity.name)}\n  namespace: {yaml_scalar(identity.namespace)}")


def _role_where(role: RoleDef) -> str:
    return f"ClusterRole {role.name}" if role.kind == "ClusterRole" else f"Role {role.namespace}/{role.name}"


def _beyond_the_needs(authorizer: Authorizer, identity: Identity, namespace: str | None, requests: list[Request],
                      role: RoleDef, analysis) -> str:
    """Binding an existing role is the smallest edit, but when the role also grants what no need of the identity
    uses, that binding is what KS203 then reports: name the excess and give the least-privilege rule beside it,
    so that the fix applied as written does not trade one finding for another."""
    by_role_binding = namespace is not None and role.kind == "ClusterRole"
    extra = permissions_beyond(analysis, identity, role, by_role_binding) if analysis is not None else []
    if not extra:
        return ""
    return (f"\nOr, for least privilege (binding it also grants {describe_permissions(extra)}, which no job of "
            f"{identity} uses: KS203):\n{add_rules_fix(authorizer, identity, namespace, requests)}")


def _bind_existing(authorizer: Authorizer, identity: Identity, namespace: str | None, role: RoleDef) -> str:
    """The binding of an existing role to the identity, as YAML ready to apply: a ClusterRoleBinding for cluster-wide
    needs (a RoleBinding cannot grant them), else a RoleBinding in the need's namespace. Its name avoids every
    binding of the inputs, those refused for their apiVersion too: once KS501's fix makes them exist, a second
    `prometheus` would replace the subjects of the tutorial's own (v1beta1) ClusterRoleBinding `prometheus`."""
    binding_kind = "ClusterRoleBinding" if namespace is None else "RoleBinding"
    name = free_binding_name(authorizer.workspace, binding_kind, namespace, role.name)
    if name != role.name:  # the role's name is taken: the account's beside it (numbered if that is taken too)
        name = free_binding_name(authorizer.workspace, binding_kind, namespace, f"{role.name}-{identity.name}")
    where = f"{role.kind} {role.name}" if role.kind == "ClusterRole" else f"Role {role.namespace}/{role.name}"
    note = _version_note(authorizer, role)
    pending = _pending_binding_of(authorizer, identity, namespace, role)
    unnamed = None if pending else _binding_without_identity(authorizer, identity, namespace, role)
    if unnamed is not None:
        return _add_subject(identity, namespace, where + note, unnamed)
    if namespace is None:
        # A RoleBinding of it to the identity is there (the KS105 case): "nothing binds it" would be untrue.
        scoped = next((b for b, r in authorizer.bindings(identity) if r is role and b.kind == "RoleBinding"), None)
        bound = pending or (f"but only {scoped.ref} binds it to {identity}, inside namespace {scoped.namespace}"
                            if scoped is not None else f"but nothing binds it to {identity}")
        head = (f"{where} in the inputs already grants this{note}, {bound}{', ' if pending else ': '}bind it "
                f"with {'a new' if pending else 'a'} ClusterRoleBinding (a RoleBinding cannot grant it):\n")
        meta = f"  name: {yaml_scalar(name)}\n"
        kind = "ClusterRoleBinding"
    else:
        bound = pending or f"but nothing binds it to {identity} in namespace {namespace}"
        head = (f"{where} in the inputs already grants this{note}, {bound}{', ' if pending else ': '}bind it with "
                f"{'a new' if pending else 'a'} RoleBinding there:\n")
        meta = f"  name: {yaml_scalar(name)}\n  namespace: {yaml_scalar(namespace)}\n"
        kind = "RoleBinding"
    return (f"{head}apiVersion: rbac.authorization.k8s.io/v1\nkind: {kind}\nmetadata:\n{meta}roleRef:\n"
            f"  apiGroup: rbac.authorization.k8s.io\n  kind: {role.kind}\n  name: {yaml_scalar(role.name)}\nsubjects:\n"
            f"  - kind: ServiceAccount\n    name: {yaml_scalar(identity.name)}\n"
            f"    namespace: {yaml_scalar(identity.namespace)}")
