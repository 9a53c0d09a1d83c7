"""KS100–KS110: will each scrape job be allowed what it needs? (FACTS §1, §2, §4, §7, §8)

Findings sit on the job, at the part that creates the need, and carry the identity's source and bindings and
the nearest almost-matching rule as related locations.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from dataclasses import replace

from typing import Any, Callable, Iterator

from ..analyse import (KUBELET_IGNORES_TOKENS, JobAnalysis, Need, Resolution, anonymous_discovery,
                       discovery_foreign_audience, discovery_requests, holder_keys, loading_containers, mounted_key,
                       reads_service_account_files, scraper_program, unheld_mounted_file)
from ..catalog import check, rule_params
from ..findings import Finding, Related
from ..fixes import (add_verbs_fix, close_matches as _close_matches, fix_text, free_binding_name, moved_binding_fix, role_fix_binds,
                     role_reference_name, yaml_scalar)
from ..grants import (Permission, alerting_requests, binding_applies, describe_permissions, fine_grained_held,
                      job_identities, misspelt_runner_accounts, permissions_beyond, pods_running_as,
                      requirements, undefined_token_accounts)
from ..model import BindingDef, PolicyRule, RoleDef, Subject, projected_files
from ..operator import (KINDS_WITHOUT_FILES, holder_section, ignored_namespace_selector, names_no_files, scrape_class_setting,
                        selects_a_monitor)
from ..promconfig import SA_CA, SA_DIR, SA_TOKEN
from ..promvalidate import misspelt_token_key
from ..pushprox import TOKEN_FLAG
from ..rbacvalidate import one_line_correction, refused_only_for_version, refusing_rules
from ..rbac import (ANONYMOUS, Authorizer, Decision, Grant, Identity, Request, names_identity, names_text, rule_allows, subject_applies,
                   url_pattern_matches)
from ..records import dataclass
from ..spelling import within_edits
from ..suppress import line_suppresses
from ..targets import kubelet_checks, kubelet_path_of_proxy
from ..yamltree import Span, YMap, as_map, as_seq, as_str, at, get_path, key_span, value_span
from .authproxy import review_fix_after_token
from .context import Context
from .transport import (CLUSTER_CA_CONFIGMAP, KUBELET_RESOURCE_METRICS, KUBELET_SELF_SIGNED, _key, _kubelet_tls_config, _path_key, cluster_ca_field, direct_setting,
                        kubelet_serving_cert, token_secret_text)

MISSING_RULE = {"kubelet": "KS102", "apiserver-proxy": "KS103", "apiserver": "KS104", "control-plane": "KS104",
                "extension-apiserver": "KS104", "controller-runtime": "KS104", "kube-rbac-proxy": "KS104"}
# The servers kubebuilder scaffolds with an unbound `*-metrics-reader` ClusterRole for the scraper (_reader_role_fix).
READER_ROLE_TARGETS = frozenset({"controller-runtime", "kube-rbac-proxy"})
OUTCOME = {
    "kubelet": "the kubelet answers 403 Forbidden",
    "apiserver-proxy": "the API server answers 403 Forbidden",
    "apiserver": "the API server answers 403 Forbidden",
    "control-plane": "the component answers 403 Forbidden",
    "extension-apiserver": "the extension API server answers 403 Forbidden",
    "controller-runtime": "it authorizes each scrape with a SubjectAccessReview, which is denied: 403 Forbidden",
    "kube-rbac-proxy": "kube-rbac-proxy answers 403 Forbidden",
}


def grant_related(grant: Grant, text: str) -> Related | None:
    """A related location for the rule that (nearly) grants something: the rule itself; for a built-in role, whose
    rules have no line in the inputs, the binding's roleRef that names it (the text should say `built-in`, see
    role_label); None when the binding is built in too."""
    if grant.rule.node is not None:
        span = grant.rule.span()
    else:
        span = grant.role.span or grant.binding.role_ref_span()
    return Related(span, text) if span else None


def role_label(role: RoleDef) -> str:
    """`ClusterRole/prometheus`, or `built-in ClusterRole/view` for a default role of Kubernetes (rules/builtin)."""
    return f"built-in {role.ref}" if role.builtin else role.ref


def _identity_related(resolution: Resolution, authorizer: Authorizer, limit: int = 3) -> list[Related]:
    related = []
    if resolution.span is not None:
        related.append(Related(resolution.span, f"identity {resolution.identity}: {resolution.reason}"))
    if resolution.identity is None:
        return related
    shown = 0
    for binding, role in authorizer.bindings(resolution.identity):
        if binding.obj is None or shown >= limit:
            continue
        related.append(Related(_subject_span(binding, resolution.identity),
                               f"{binding.ref} binds {binding.role_ref} to {_bound_as(binding, resolution.identity)}"))
        shown += 1
    return related


def _subject_span(binding: BindingDef, identity: Identity) -> Span:
    """Where `binding` names `identity`: its subject for the identity itself, else for a group it is in (the
    smallest node that makes the binding apply), else the binding."""
    subjects = sorted((s for s in binding.subjects if subject_applies(s, identity)), key=lambda s: s.kind == "Group")
    span = binding.subject_span(subjects[0]) if subjects else None
    return span or binding.obj.span


def _bound_as(binding: BindingDef, identity: Identity) -> str:
    """The identity, or the group through which a binding applies to it (system:serviceaccounts:NS…)."""
    if names_identity(binding, identity):
        return str(identity)
    groups = [s.name for s in binding.subjects if s.kind == "Group" and subject_applies(s, identity)]
    return f"group {groups[0]} (which {identity} is in)" if groups else str(identity)


Refused = tuple[BindingDef, RoleDef, tuple[BindingDef | RoleDef, ...]]


def _refused_grants(authorizer: Authorizer, identity: Identity, requests: list[Request], limit: int = 2) -> list[Refused]:
    """Why nothing grants a need the inputs seem to meet: the binding meant for the identity, or the role it
    refers to, is one the API server refuses (KS501 on it), so it never exists. Those that would grant one of
    `requests`."""
    return _would_grant(authorizer, "refused", identity, authorizer.refused(identity), requests)[:limit]


def _would_grant(authorizer: Authorizer, kind: str, identity: Identity, entries: list, requests: list[Request]) -> list:
    """The entries — (binding, role, …) that do not count: refused, replaced — whose binding would grant one of
    `requests` if it did, in their order. Asked per request by every denial of a job, and by every job of an
    identity: each (identity, request) is answered once per run (the authorizer's memo)."""
    memo = authorizer.memo
    granting: set[int] = set()
    for request in requests:
        key = (kind, identity, request)
        found = memo.get(key)
        if found is None:
            # a tuple, mostly the empty one (a shared singleton): a frozenset each was 5 MB at 10,000 objects
            found = memo[key] = tuple(
                index for index, (binding, role, *_rest) in enumerate(entries)
                if binding_applies(binding, request) and any(rule_allows(rule, request) for rule in authorizer.effective_rules(role)))
        granting.update(found)
    return [entry for index, entry in enumerate(entries) if index in granting]


def _refused_related(grants: list[Refused], workspace) -> list[Related]:
    related = []
    for binding, role, refused in grants:
        for item in refused:
            if item.obj is None:
                continue
            if item is not binding:
                what = f"{binding.ref} binds {role.ref}"
            elif binding.role_kind != role.kind:  # a ClusterRoleBinding's roleRef.kind Role (rbac.refused)
                what = f"{binding.ref} would bind {role.ref} if its roleRef.kind said {role.kind}"
            else:
                what = f"{binding.ref} would bind {binding.role_ref}"
            related.append(Related(item.obj.span, f"{what}, which would grant this, but the API server rejects "
                                   f"{item.ref} ({' and '.join(refusing_rules(item, workspace))}): it never exists"))
    return related


def _refused_fix(grants: list[Refused], workspace) -> str:
    """A last line for the fix: correcting the refused objects is the smaller change."""
    if not grants:
        return ""
    refused = grants[0][2]
    refs = " and ".join(item.ref for item in refused)
    them = "them" if len(refused) > 1 else "it"
    rules = sorted({rule for item in refused for rule in refusing_rules(item, workspace)})
    says = f"{' and '.join(rules)} {'say' if len(rules) > 1 else 'says'}"
    return f"\nOr correct {refs} as {says} there: the API server rejects {them}; once accepted, this is granted."


def _with_refused_fix(authorizer: Authorizer, fix: str, grants: list[Refused], requests: list[Request] | None = None,
                      rest_fix: Callable[[list[Request]], str] | None = None) -> str:
    """The fix with the correction of the refused objects that would grant the need. When one line of each is all
    the API server refuses — their apiVersion (a tutorial's v1beta1 ClusterRoleBinding for this very identity), a
    field type (`verbs: get`), a KS501 mistake such as a missing roleRef.apiGroup — correcting them is the smaller
    change and comes first: the objects already say what is meant, and a second binding beside them would only
    duplicate them. When the corrected objects grant only some of `requests` (a Role for pods, the endpoints role
    lists endpoints and services too), the correction is said to grant those, and `rest_fix` of the others
    follows it. A larger correction comes last (_refused_fix)."""
    if not grants:
        return fix
    binding, role, refused = grants[0]
    workspace = authorizer.workspace
    corrections = [one_line_correction(item, workspace) for item in refused]
    if any(c is None for c in corrections):
        return fix + _refused_fix(grants, workspace)
    refs = " and ".join(item.ref for item in refused)
    them, grant = ("them", "they grant") if len(refused) > 1 else ("it", "it grants")
    if all(refused_only_for_version(item, workspace.kubernetes_version) is not None for item in refused):
        correct = f"Change the apiVersion of {refs} to rbac.authorization.k8s.io/v1 (KS501)"
    else:
        correct = _upper_first("; ".join(f"in {item.ref} ({c.rule}), {_lower_first(_correction(item, c, role))}"
                                         for item, c in zip(refused, corrections)))
    rules = authorizer.effective_rules(role)
    rest = [r for r in requests or [] if not (binding_applies(binding, r) and any(rule_allows(rule, r) for rule in rules))]
    # (an alternative adding the need to the same role, once corrected, is the same repair: not repeated)
    other = "" if fix.startswith(f"Add to {role.kind} {role.name} (") else f"\nOr:\n{fix}"
    if rest and rest_fix is not None:
        granted = [r for r in requests or [] if r not in rest]
        return (f"{correct}: the API server refuses {them} for that alone; once accepted, {grant} "
                f"{_describe_requests(granted)}. For {_describe_requests(rest)} as well:\n{rest_fix(rest)}{other}")
    return f"{correct}: the API server refuses {them} for that alone; once accepted, {grant} this.{other}"


def _correction(item: BindingDef | RoleDef, finding: Finding, role: RoleDef) -> str:
    """The one-line correction of a refused object, for the role it was found to grant through: KS501's own fix of
    a ClusterRoleBinding to a Role offers a RoleBinding too, but here the ClusterRole of that name is the grant."""
    if finding.data.get("check") == "clusterrolebinding-to-role" and role.kind == "ClusterRole":
        return (f"Set `roleRef.kind: ClusterRole` (ClusterRole {role.name} exists; roleRef is immutable: delete and "
                f"re-create the binding)")
    return finding.fix.strip().rstrip(".")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def replaced_grants(authorizer: Authorizer, identity: Identity, requests: list[Request]) -> list:
    """Grants of the identity (its binding, or the role a binding refers to) that would allow one of `requests`
    but are replaced by a later, different definition of the same name (KS006): a cluster keeps only the later."""
    return _would_grant(authorizer, "replaced", identity, authorizer.replaced(identity), requests)[:2]


def replaced_related(grants: list) -> list[Related]:
    related = []
    for binding, role, old, winner in grants:
        if old.obj is None or winner.obj is None:
            continue
        what = f"{binding.ref} here binds {role.ref}" if old is binding else f"{role.ref} here"
        related.append(Related(old.obj.span, f"{what}, which would grant this, but a later definition of the same name "
                                             f"({winner.obj.span}) replaces it (KS006)"))
    return related


def replaced_fix(grants: list) -> str:
    if not grants:
        return ""
    _binding, _role, old, winner = grants[0]
    where = f" ({winner.obj.path})" if winner.obj is not None else ""
    return (f"\nOr give one of the two definitions of {old.ref} another name: the later one{where} replaces the one "
            f"that grants this.")


def _nearest(decision: Decision) -> list[Related]:
    related = []
    for grant in decision.name_restricted[:1]:
        item = grant_related(grant, f"{role_label(grant.role)} grants it only for resourceNames {names_text(grant.rule.resource_names)}")
        if item:
            related.append(item)
    if not related:
        for grant in [g for g in decision.near if not g.role.builtin][:1]:
            item = grant_related(grant, f"nearest rule: {role_label(grant.role)} grants {grant.rule.describe()}, not {decision.request.describe()}")
            if item:
                related.append(item)
    return related


def _url_rules_of_api_path(authorizer: Authorizer, identity: Identity, need: Need) -> list[Related]:
    """The identity's nonResourceURLs rule whose pattern matches an API server path that is a resource request
    (`/apis/metrics.eks.amazonaws.com/*` for EKS's control-plane metrics): the rule its author meant to allow the
    scrape, which RBAC never compares with that path (requestinfo.go makes it a resource request, rbac.go RuleAllows
    then matches resources only). Shown first, as the nearest rule of the resource would not explain the 403."""
    if need.target != "apiserver" or not need.request.is_resource or not need.path:
        return []
    path = need.path.split("?", 1)[0]
    for grant in authorizer.all_grants(identity):
        urls = [u for u in grant.rule.non_resource_urls if url_pattern_matches(u, path)]
        item = grant_related(grant, f"{role_label(grant.role)} grants nonResourceURLs {names_text(urls)}, which do not "
                                    f"apply here: the API server authorizes {path} as a resource request "
                                    f"({need.request.describe()}), never as a URL") if urls else None
        if item:
            return [item]
    return []


def _merge(*groups: list[Related]) -> tuple[Related, ...]:
    """Related locations, each place once (the first, most specific message wins)."""
    seen: set = set()
    merged = []
    for group in groups:
        for item in group:
            if item.span not in seen:
                seen.add(item.span)
                merged.append(item)
    return tuple(merged)


def _unrestrict_fix(decisions: list[Decision], add_fix: str) -> str:
    """KS101's fix when rules of the identity would grant the lists but for their resourceNames (a list or watch
    names no object, FACTS §8): removing resourceNames from those rules is the whole fix, and adding the rule
    again beside them is the alternative. When some request is not name-restricted, the rule is added and the
    restricting ones are to lose their resourceNames too."""
    if not any(d.name_restricted for d in decisions):
        return add_fix
    if not all(d.name_restricted for d in decisions):
        return add_fix + "\nRemove resourceNames from list/watch rules."
    places = list(dict.fromkeys(f"{role_label(d.name_restricted[0].role)} ({d.name_restricted[0].rule.describe()})"
                                for d in decisions))
    requests = [d.request for d in decisions]
    others = list(dict.fromkeys(o for d in decisions for o in _beyond(d.name_restricted[0].rule, requests)))
    if others:  # unrestricted, those rules would open the rest for every object too (list secrets: KS204)
        return (f"{add_fix}\n(Not by removing resourceNames from the rule of {'; of '.join(places)}: it also grants "
                f"{', '.join(others)}, which would then hold for every object.)")
    return (f"Remove `resourceNames` from the rule of {'; of '.join(places)}: it then grants this (keep the names on a "
            f"separate `get` rule if something needs them).\nOr:\n{add_fix}")


def _beyond(rule: PolicyRule, requests: list[Request]) -> list[str]:
    """The resources and verbs of a name-restricted rule that none of `requests` asks for: what removing its
    resourceNames would open for every object besides them."""
    asked = {f"{r.resource}/{r.subresource}" if r.subresource else r.resource for r in requests}
    verbs = {r.verb for r in requests}
    return [r for r in rule.resources if r not in asked] + [v for v in rule.verbs if v not in verbs]


def _name_restriction(decisions: list[Decision]) -> str:
    """"ClusterRole/x grants it only for resourceNames …; why" when a rule would allow the request but for its
    resourceNames, else "" (the caller puts it in the parenthesis of its message)."""
    for decision in decisions:
        for grant in decision.name_restricted:
            names = names_text(grant.rule.resource_names)
            request = decision.request
            if request.name is not None:
                why = f"the request is for {request.name}"
            elif request.verb in ("list", "watch"):
                why = "a list or watch names no object, so it is denied"
            else:
                why = "every other object is denied"
            return f"{grant.role.ref} grants it only for resourceNames {names}; {why}"
    return ""


def _unnamed_fix(decisions: list[Decision], add_fix: str, first: bool = True) -> str:
    """KS102's fix when a rule allows the scrape only for names: removing its resourceNames, first (`first`), as
    for KS101 — adding the rule beside it, the alternative, leaves the named rule granting nothing used (KS203) —
    when that rule grants nothing but what was asked; otherwise its other resources and verbs would then hold for
    every object too (a rule `get nodes/metrics, nodes/proxy, secrets` with resourceNames [""] opened exec on every
    node, KS201, and every Secret, KS204), and the rule is added."""
    grant = next((g for d in decisions for g in d.name_restricted), None)
    if grant is None:
        return add_fix
    request = next(d.request for d in decisions if grant in d.name_restricted)
    others = _beyond(grant.rule, [request])
    if others:
        return add_fix + (f"\n(Not by removing resourceNames from the rule of {grant.role.ref} that names it: that rule "
                          f"also grants {', '.join(others)}, which would then hold for every object.)")
    if not first:
        return add_fix + "\nOr remove resourceNames from the rule that grants it: every node is scraped."
    return (f"Remove `resourceNames` from the rule of {role_label(grant.role)} ({grant.rule.describe()}): it then "
            f"grants this for every target.\nOr:\n{add_fix}")


def _by_proxied_object(denied: list[Need]) -> list[tuple[Need, list[Need]]]:
    """The denied scrape needs, each with the needs it stands for: itself, or, for an API-server proxy path naming
    its object (`get nodes/proxy` named worker-1), every need on the same place and path that differs only in
    the object named — one job's static targets relabelled into the path, one finding listing them all."""
    groups: dict[tuple, list[Need]] = {}
    for need in denied:
        if need.kind != "scrape":
            continue
        request = need.request
        key: tuple = (id(need),)
        if need.target == "apiserver-proxy" and request.name and not need.alternatives and need.review is None:
            key = (need.span, request.verb, request.api_group, request.resource, request.subresource,
                   request.namespace, need.why.replace(f"/{request.name}/proxy", "/\0/proxy"))
        groups.setdefault(key, []).append(need)
    return [(needs[0], needs) for needs in groups.values()]


def proxied_node_scrape(need: Need) -> bool:
    """A kubelet scraped through the API server's node proxy (get nodes/proxy, KS209)."""
    return need.kind == "scrape" and need.target == "apiserver-proxy" and need.request.resource == "nodes"


def _direct_first(fix: str, job, need: Need, identity, authorizer, ctx) -> str:
    """The fix of a denied proxied node scrape with the better way first: granting nodes/proxy would make it work,
    and hand out exec on every node (KS201)."""
    return (f"Better (KS209): {_direct_kubelet_scrape(job, need, identity, authorizer, ctx)}. Or, keeping the proxy "
            f"(get nodes/proxy also allows exec in every pod on every node, KS201):\n" + fix)


@check("KS101", "KS102", "KS103", "KS104", "KS105", "KS108", "KS110")
def access_findings(ctx: Context) -> Iterator[Finding]:
    authorizer = ctx.analysis.authorizer
    mismatches: dict[tuple, list[Finding]] = {}
    per_monitor: dict[tuple, list[Finding]] = {}
    stand_ins = {str(k): v for k, v in undefined_token_accounts(ctx.analysis).items() if v is not None}
    for job in ctx.reported_jobs():
        if job.identity is not None:
            for finding in _job_findings(job, authorizer, ctx):
                stand_in = stand_ins.get(finding.data.get("identity", "")) if finding.rule != "KS108" else None
                if stand_in is not None:
                    # KS109's other way for the undefined account: this fix then is not needed at all
                    finding.fix += (f"\nOr, as KS109 offers, annotate the token Secret with ServiceAccount "
                                    f"{stand_in.name} instead: {stand_in} already holds this.")
                if finding.rule == "KS108":
                    data = finding.data
                    mismatches.setdefault((finding.span, data["identity"], data["binding"], data["subject"]), []).append(finding)
                elif finding.rule in ("KS101", "KS105") and getattr(job.job, "monitor", None) is not None:
                    label = job.job.label
                    per_monitor.setdefault((finding.rule, finding.span, finding.message.replace(label, "\0"),
                                            finding.fix, tuple(finding.related)), []).append(finding)
                else:
                    yield finding
    for group in mismatches.values():
        yield _one_mismatch(group)
    for group in per_monitor.values():
        yield _one_per_monitor(group)
    yield from _alerting_findings(ctx)


def _one_per_monitor(group: list[Finding]) -> Finding:
    """One discovery finding for the endpoints of one monitor: each endpoint is a job of its own, but they share the
    monitor's selectors, so they make the same requests at the same place and one fix serves them all (as KS604)."""
    first = group[0]
    if len(group) == 1:
        return first
    jobs = [f.object for f in group]
    more = f"{jobs[0]} (and {len(jobs) - 1} more job{'s' if len(jobs) > 2 else ''} of the same monitor)"
    first.message = first.message.replace(jobs[0], more, 1)
    first.data = {**first.data, "jobs": jobs}
    return first


def _direct_kubelet_scrape(job, need: Need, identity: Identity, authorizer: Authorizer, ctx: Context) -> str:
    """The direct :10250 scrape offered instead of a node-proxy grant, with what the kubelet itself checks for the
    path (FACTS §1: not always nodes/metrics — /stats/summary is nodes/stats) and how the job is changed when that
    is a setting of its component (ScrapeJob.direct_setting)."""
    assumptions = ctx.analysis.assumptions
    how = direct_setting(job, kubelet_serving_cert(ctx)) or "scrape the kubelets directly on :10250"
    kubelet_path = kubelet_path_of_proxy(need.path)
    subresource = kubelet_checks(kubelet_path, assumptions)
    if subresource is None:
        return f"{how}, which needs no grant (assumption kubelet-authz: always-allow)"
    if subresource == "proxy":
        return (f"{how}, which spares the API server; the kubelet itself checks nodes/proxy for {kubelet_path} "
                f"on Kubernetes {assumptions.kubernetes_version}")
    held = authorizer.authorize(identity, Request("get", "", "nodes", subresource)).allowed
    return f"{how}, which needs only get nodes/{subresource}" + (" (already granted)" if held else "")


def _ignored_selector(job, needs: list[Need]) -> tuple[str, str, list[Related]]:
    """What KS101/KS105 add when the namespace they report is one the monitor's namespaceSelector never asked for:
    its Prometheus sets ignoreNamespaceSelectors: true, so discovery runs in the monitor's own namespace only
    (operator.ignored_namespace_selector). (message clause, fix sentence, related); empty otherwise."""
    namespace = needs[0].request.namespace
    if not all(n.kind == "discovery" and not n.attached for n in needs) or getattr(job, "monitor", None) is None \
            or namespace != job.monitor.namespace:
        return "", "", []
    ignored = ignored_namespace_selector(job)
    if ignored is None:
        return "", "", []
    runner_span, selector_span, asked, names = ignored
    kind, runner = job.monitor.kind, job.config.describe
    clause = (f" ({runner} sets ignoreNamespaceSelectors: true, so the operator ignores this {kind}'s namespaceSelector "
              f"({asked}) and discovers only in the {kind}'s own namespace {namespace})")
    if names is None:
        elsewhere = (f"\nTo discover in every namespace as `any: true` asks, remove ignoreNamespaceSelectors from "
                     f"{runner} (it applies to all its monitors), or create a {kind} in each namespace to scrape.")
    else:
        elsewhere = (f"\nTo discover in {_and_list(names)} as the namespaceSelector asks, create the {kind} in "
                     f"{'that namespace' if len(names) == 1 else 'each of those namespaces'} (the identity then needs "
                     f"the grant there), or remove ignoreNamespaceSelectors from {runner} (it applies to all its monitors).")
    related = [Related(runner_span, f"{runner} sets ignoreNamespaceSelectors: true"),
               Related(selector_span, f"namespaceSelector {asked}, ignored")]
    return clause, elsewhere, related


def _held_by(grants: list[Grant]) -> tuple[str, bool]:
    """The RoleBindings that hold a rule out of scope, named as KS105's fix names them, and whether more than one:
    the fix must name every binding the message names (two RoleBindings may share a name in two namespaces)."""
    if len(grants) == 1:
        return f"the RoleBinding {grants[0].binding.name}", False
    return f"the RoleBindings {_and_list([f'{g.binding.namespace}/{g.binding.name}' for g in grants])}", True


def _out_of_scope_fix(grant: Grant, identity: Identity, requests: list[Request], namespace: str | None, kind: str,
                      authorizer: Authorizer, analysis, scoped: list[Grant] | None = None) -> str:
    """KS105's fix: bind the ClusterRole where the need is — a RoleBinding in `namespace` (a need in another
    namespace than the RoleBinding's), a ClusterRoleBinding (`kind`: what no RoleBinding grants); a Role's rule
    must be written anew. Binding the whole ClusterRole there hands out all of its rules there: when it holds more
    than the identity's jobs use (a built-in `edit`, a role with write verbs), the fix is the needed rule alone."""
    moved = moved_binding_fix(authorizer, identity, namespace, requests, analysis)
    if moved is not None:  # a RoleBinding of the Role there sits in the wrong namespace: KS502 moves it too
        return moved
    # A rule bound where the need is that lacks only the verb (get, list but no watch) is the smallest edit: one
    # word, where binding the out-of-scope role there too is a new object (and a second grant of what it holds).
    verbs = add_verbs_fix(authorizer, identity, requests)
    if verbs is not None:
        return verbs + "." + _idle_after_rebinding(scoped or [grant], identity, requests, analysis)
    extra = (permissions_beyond(analysis, identity, grant.role, by_role_binding=namespace is not None)
             if grant.role.kind == "ClusterRole" else [])
    if extra:
        where = f"in namespace {namespace}" if namespace is not None else "in every namespace"
        return (fix_text(authorizer, identity, requests, analysis) + f"\n(Binding ClusterRole {grant.role.name} {where} instead "
                f"would also grant {_some_permissions(extra)}, which no job of {identity} uses.)")
    held, several = _held_by(scoped or [grant])
    if grant.role.kind == "ClusterRole" and namespace is not None:
        namespaces = sorted({g.binding.namespace or "" for g in scoped or [grant]})
        return (f"Bind ClusterRole {grant.role.name} to ServiceAccount {identity} with a RoleBinding in namespace "
                f"{namespace} ({held} grant{'' if several else 's'} only inside namespace{'s' if len(namespaces) > 1 else ''} "
                f"{_and_list(namespaces)}).") + _idle_after_rebinding(scoped or [grant], identity, requests, analysis)
    if grant.role.kind == "ClusterRole":
        bind = (f"Bind ClusterRole {grant.role.name} to ServiceAccount {identity} with a ClusterRoleBinding "
                f"({held} cannot grant {kind}).")
        switch = None if several else _switch_to_cluster_binding(grant.binding, identity, authorizer)
        if switch is None:
            return bind
        return (f"{switch} ({held} cannot grant {kind}); or bind ClusterRole {grant.role.name} to ServiceAccount "
                f"{identity} with a new ClusterRoleBinding.")
    return fix_text(authorizer, identity, requests, analysis)


def _switch_to_cluster_binding(binding: BindingDef, identity: Identity, authorizer: Authorizer) -> str | None:
    """The one-line way out when a ClusterRoleBinding was written as a RoleBinding (a ClusterRole bound to this
    identity alone by one written RoleBinding): make it the ClusterRoleBinding again. Only when that widens nothing
    for anyone else (every subject is the identity: a Group or another account would get the role cluster-wide
    too) and no ClusterRoleBinding of that name exists (applied, it would replace that one's subjects; the roleRef
    is immutable, so `kubectl apply` refuses it). metadata.namespace goes: a cluster-scoped object has none."""
    if (binding.builtin or binding.obj is None or binding.kind != "RoleBinding"
            or not binding.subjects or not all(s.kind != "Group" and subject_applies(s, identity) for s in binding.subjects)
            or free_binding_name(authorizer.workspace, "ClusterRoleBinding", None, binding.name) != binding.name):
        return None
    return (f"Make RoleBinding {binding.namespace}/{binding.name} the ClusterRoleBinding it needs to be: set "
            f"`kind: ClusterRoleBinding` and delete its `metadata.namespace`")


def _idle_after_rebinding(grants: list[Grant], identity: Identity, requests: list[Request], analysis) -> str:
    """The rest of KS105's fix when the RoleBindings that hold the need in the wrong namespace grant the identity
    nothing it uses there: bound again where the need is, they are left granting for nothing (KS203 on each once
    the fix is applied), so the fix deletes them too. Only bindings that name the identity itself (a Group
    binding serves other accounts), that no requirement of the identity is granted through and no other denied one
    holds out of scope (`requests`: this finding's); none when the identity's token serves more than the modelled
    jobs (what it uses there is not known)."""
    from ..grants import requirements, unmodelled

    if unmodelled(analysis, identity):
        return ""
    used: set[int] = set()
    for requirement in requirements(analysis, identity):
        decision = requirement.decision
        if decision.allowed:
            used.update(id(g.binding) for g in decision.grants)
        elif requirement.request not in requests:
            # another denied need the binding holds out of scope: its own fix may keep the binding (limiting a
            # cluster-wide discovery to the binding's namespaces)
            used.update(id(g.binding) for g in decision.out_of_scope)
    idle = list({id(g.binding): g.binding for g in grants
                 if not g.binding.builtin and g.binding.obj is not None and id(g.binding) not in used
                 and names_identity(g.binding, identity)}.values())
    if not idle:
        return ""
    names = _and_list([f"RoleBinding {b.namespace}/{b.name}" for b in idle])
    return (f" Then delete {names}: no job of {identity} uses what {'it grants' if len(idle) == 1 else 'they grant'} "
            f"there.")


# The resources Kubernetes discovery lists per namespace (an SD config's `namespaces` limits these, and a Role can
# grant them); node discovery and attach_metadata's lists are cluster-wide whatever the job says.
NAMESPACED_DISCOVERY = {"pods", "services", "endpoints", "endpointslices", "ingresses"}


def namespaced_discovery_route(need: Need) -> list[str] | None:
    """The namespaces a cluster-wide discovery list/watch would be granted in, when the identity's RoleBindings grant
    it in each of them: limiting the job's discovery there (`namespaces: {names: [...]}`) is the least-privilege
    alternative to a ClusterRoleBinding, keeping the per-namespace Roles the user wrote. An Operator monitor has the
    same alternative in its own field (`namespaceSelector.matchNames` in place of `any: true`; the operator writes
    it as `namespaces.names`, FACTS §6). None when it is no alternative: a namespaced or attached need, or no
    RoleBinding that grants it."""
    request = need.request
    if (need.kind != "discovery" or need.attached or request.namespace is not None or not request.is_resource
            or request.resource not in NAMESPACED_DISCOVERY
            or need.decision is None or need.decision.allowed or not need.decision.out_of_scope):
        return None
    # Each of these namespaces grants the request there: an out-of-scope grant is a RoleBinding whose rule allows
    # the request (rule_allows does not look at the namespace), and in the RoleBinding's own namespace it applies.
    # Authorizing the request again per namespace scanned every binding per namespace: quadratic in 5,000
    # RoleBindings of one ClusterRole across 1,000 namespaces (probe scale4).
    namespaces = sorted({g.binding.namespace for g in need.decision.out_of_scope if g.binding.namespace})
    return namespaces or None


def _namespaces_alternative(job, needs: list[Need]) -> str:
    """KS105's second fix for a cluster-wide discovery the identity's Roles grant namespace by namespace."""
    routes = [namespaced_discovery_route(need) for need in needs]
    if not routes or routes[0] is None or any(route != routes[0] for route in routes):
        return ""
    names = ", ".join(routes[0])
    # An entry that already writes `namespaces` (`{}` or `names: []`, both every namespace in kubernetes.go) gets
    # its `names` set: adding a second `namespaces` key is a duplicate key Prometheus refuses (KS005).
    monitor = getattr(job, "monitor", None)
    if monitor is not None and monitor.kind == "ScrapeConfig":  # its generated entries drop an empty `namespaces`
        written = any("namespaces" in as_map(entry) and not as_seq(as_map(as_map(entry).get("namespaces")).get("names"))
                      for entry in as_seq(as_map(monitor.doc.get("spec")).get("kubernetesSDConfigs")))
    else:
        written = any(sd.namespaces is None and "namespaces" in sd.node for sd in getattr(job, "sd_configs", ()))
    return (f"\nOr keep the per-namespace grants and limit the discovery to where they apply: "
            f"{_limit_discovery(monitor, names, written)} (it then lists and watches only in "
            f"{_and_list(routes[0])}).")


def _limit_discovery(monitor, names: str, written: bool = False) -> str:
    """Where a job's discovery namespaces are written: the kubernetes_sd_configs entry of a plain job or a
    ScrapeConfig, a monitor's namespaceSelector (prometheus-operator promcfg.go turns `matchNames` into
    `namespaces.names`; a Probe's is under `targets.ingress`). `written`: the entry has a `namespaces` that lists
    every namespace, whose `names` is set instead."""
    entry = ("this kubernetes_sd_configs entry" if monitor is None
             else f"this kubernetesSDConfigs entry of ScrapeConfig {monitor.namespace}/{monitor.name}"
             if monitor.kind == "ScrapeConfig" else "")
    if entry and written:
        return f"set `namespaces.names` of {entry} to `[{names}]` (empty, it means every namespace)"
    if entry:
        return f"add `namespaces: {{names: [{names}]}}` to {entry}"
    field = "spec.targets.ingress.namespaceSelector" if monitor.kind == "Probe" else "spec.namespaceSelector"
    return (f"set `{field}` of {monitor.kind} {monitor.namespace}/{monitor.name} to `{{matchNames: [{names}]}}` "
            f"in place of `any: true`")


def _some_permissions(perms: list[Permission], limit: int = 4) -> str:
    """A sentence-sized list: a built-in `edit` holds hundreds of permissions."""
    perms = sorted(perms, key=lambda p: p.verb in ("get", "list", "watch"))  # writes first: they matter most
    shown = describe_permissions(perms[:limit])
    return shown + (f" and {len(perms) - limit} more" if len(perms) > limit else "")


def _one_mismatch(group: list[Finding]) -> Finding:
    """One KS108 for the jobs at one place that the same binding fails (a monitor's endpoints share its
    selector): the binding is the one thing to correct."""
    first = group[0]
    if len(group) == 1:
        return first
    jobs = [f.data["job"] for f in group]
    denied = sorted({what for f in group for what in f.data["denied"]})
    first.message = first.message.replace(
        f"{jobs[0]} runs as", f"{jobs[0]} (and {len(jobs) - 1} more job{'s' if len(jobs) > 2 else ''} here) run as", 1)
    first.message = first.message.replace(", ".join(first.data["denied"]), ", ".join(denied), 1).replace(" is denied", " are denied")
    first.data = {**first.data, "jobs": jobs, "denied": denied}
    return first


def _subject_fix(binding: BindingDef, identity: Identity, rejected: str, resolution: Resolution,
                 subject_text: str = "") -> str:
    """KS108's fix: point the binding's subject at the scraper — a namespace's ServiceAccounts group at the
    scraper's namespace, the one name to correct. When the scraper's own manifest names no namespace its namespace
    is only the assumed default, and the mismatch is as likely the user's `kubectl apply -n`: say so (scrape jobs
    and Alertmanager discovery alike)."""
    subject = next((s for s in binding.subjects if s.describe() == subject_text), None)
    if subject is not None and _group_namespace(subject):
        change = (f"Change the Group subject in {binding.ref} to name {SA_GROUP_PREFIX}{identity.namespace} (or, to "
                  f"grant the scraper alone, to kind ServiceAccount, name {identity.name}, namespace {identity.namespace})")
    else:
        # a binding of several subjects: say which one, the others belong to other accounts
        which = f" {subject_text}" if subject is not None and len(binding.subjects) > 1 else ""
        change = (f"Change the subject{which} in {binding.ref} to kind ServiceAccount, name {identity.name}, namespace "
                  f"{identity.namespace}")
        if subject is not None and subject.kind != "ServiceAccount" and subject.api_group:
            # A User/Group subject carries `apiGroup: rbac.authorization.k8s.io`; kept on a ServiceAccount subject
            # the API server rejects the binding (FACTS §8 [RV]; KS501), so the fix must say to drop it.
            change += f", and delete its `apiGroup: {subject.api_group}` (a ServiceAccount subject takes none)"
    # The subject names the scraper's account in another namespace: most likely the one the manifests are applied
    # to (`helm template -n monitoring` renders .Release.Namespace into subjects, not into every metadata).
    applied = (subject.namespace if subject is not None and subject.kind == "ServiceAccount"
               and subject.name == identity.name and subject.namespace and subject.namespace != identity.namespace
               else "")
    flag = (f"if you apply it with `-n {applied}`, as the subject suggests, lint with --default-namespace {applied} "
            f"instead" if applied else "if you apply it with `-n <namespace>`, pass --default-namespace instead")
    return (change + (f", and correct what {rejected} says there." if rejected else ".")
            + (f" Note: the scraper's manifest names no metadata.namespace, so it is assumed to be applied to "
               f"`{identity.namespace}`; {flag}." if resolution.namespace_assumed else ""))


def _alerting_findings(ctx: Context) -> Iterator[Finding]:
    """Alertmanager discovery (`alerting.alertmanagers[].kubernetes_sd_configs`, or a Prometheus resource's
    `spec.alerting.alertmanagers`) lists and watches with the pod's token like scrape discovery: a denial finds
    no Alertmanager, and every alert is dropped. KS101, or KS105 when only a RoleBinding holds a cluster-wide need."""
    analysis = ctx.analysis
    authorizer = analysis.authorizer
    resolutions: dict[Identity, Resolution] = {}
    for config in analysis.configs:
        resolution = analysis.resolutions.get(id(config))
        for each in resolution.each if resolution is not None else ():  # every ServiceAccount that loads it
            if each.identity is not None:
                resolutions.setdefault(each.identity, each)
    rejected = ctx.workspace.rejected_bindings
    for identity, resolution in resolutions.items():
        groups: dict[tuple, list[tuple[Request, Decision]]] = {}
        for who, request, _why, span in alerting_requests(analysis, identity):
            if span is None or not ctx.reports(span.path):
                continue
            decision = authorizer.authorize(identity, request)
            if not decision.allowed:
                groups.setdefault((who, span, request.namespace), []).append((request, decision))
        for (who, span, namespace), denied in groups.items():
            requests = [r for r, _d in denied]
            where = "cluster-wide" if namespace is None else f"in namespace {namespace}"
            resources = sorted({r.resource if not r.api_group else f"{r.api_group}/{r.resource}" for r in requests})
            verbs = sorted({r.verb for r in requests})
            base_related = _identity_related(resolution, authorizer)
            scoped = [d.out_of_scope[0] for r, d in denied if d.out_of_scope]
            outcome = "the API server answers 403 Forbidden, Prometheus finds no Alertmanager, and no alert is delivered"
            if scoped and len(scoped) == len(denied):
                grant = scoped[0]
                kind = _out_of_scope_kind(requests[0])
                related = [r for r in [grant_related(grant, f"{role_label(grant.role)} has the rule {grant.rule.describe()}")] if r]
                fix = _out_of_scope_fix(grant, identity, requests, namespace, kind, authorizer, analysis)
                yield Finding(
                    "KS105", span,
                    f"{who} lists and watches {', '.join(resources)} {where} to find the Alertmanagers: {identity} holds "
                    f"{', '.join(verbs)} only through {grant.binding.ref}, which "
                    + (f"grants only inside namespace {grant.binding.namespace}" if namespace is not None
                       else f"cannot grant {kind}") + f" → {outcome}",
                    fix=fix, related=_merge(related, base_related), object=who,
                    data={"identity": str(identity), "missing": [_request_data(r) for r in requests],
                          "granted_by": grant.describe()},
                )
                continue
            hit = next((h for h in (_mismatched_binding(r, identity, authorizer, ctx) for r in requests) if h), None)
            if hit is not None:
                binding, subject_text = hit
                related = _mismatch_related(binding, subject_text, identity)
                refused = " and ".join(refusing_rules(binding, ctx.workspace)) if binding in rejected else ""
                yield Finding(
                    "KS108", span,
                    f"{who} runs as {identity}, but {binding.ref} binds {binding.role_ref} to {subject_text}, not to "
                    f"{identity}: it grants nothing to the scraper, so {', '.join(sorted({r.describe() for r in requests}))} "
                    f"{'are' if len(requests) > 1 else 'is'} denied: {outcome}"
                    + (f" (and the API server rejects the binding as written, {refused})" if refused else ""),
                    fix=_subject_fix(binding, identity, refused, resolution, subject_text),
                    related=_merge(related, base_related), object=who,
                    data={"identity": str(identity), "binding": binding.ref, "subject": subject_text},
                )
                continue
            nearest = [r for _r, d in denied for r in _nearest(d)]
            yield Finding(
                "KS101", span,
                f"{who} discovers the Alertmanagers {where} as {identity}, which lacks {_lacking(requests)} {where}: "
                f"{outcome}",
                fix=_with_refused_fix(authorizer, fix_text(authorizer, identity, requests, ctx.analysis),
                                      _refused_grants(authorizer, identity, requests))
                    + replaced_fix(replaced_grants(authorizer, identity, requests)),
                related=_merge(nearest, base_related), object=who,
                data={"identity": str(identity), "missing": [_request_data(r) for r in requests]},
            )


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _out_of_scope_kind(request: Request) -> str:
    """What a RoleBinding cannot grant about this request, for KS105's message (FACTS §8 Scope)."""
    if not request.is_resource:
        return "non-resource URLs"
    if request.resource in CLUSTER_SCOPED:
        return "a cluster-scoped resource"
    if request.namespace is None and request.verb in ("list", "watch"):
        return "a list/watch across all namespaces"
    if request.namespace is None:
        # a proxy path taking each discovered target's namespace, with discovery cluster-wide
        return f"{request.verb} {request.resource_path} in every namespace"
    return f"anything in namespace {request.namespace}"


def _job_findings(analysis: JobAnalysis, authorizer: Authorizer, ctx: Context) -> Iterator[Finding]:
    """Per identity that makes the job's requests: the job's own, the target allocator's for the service
    discovery of an OpenTelemetry collector that has one, the ServiceAccount whose token Secret it sends."""
    by_identity: dict[Identity, list[Need]] = {}
    if analysis.identity is not None:
        by_identity[analysis.identity] = []  # the job's own first
    for need in analysis.needs:
        if need.decision is not None and not need.satisfied:
            by_identity.setdefault(need.identity or analysis.identity, []).append(need)  # type: ignore[arg-type]
    for identity, denied in by_identity.items():
        resolution = analysis.resolution_of(identity)
        if denied and resolution is not None:
            yield from _identity_findings(analysis, authorizer, ctx, identity, resolution, denied)


def _identity_findings(analysis: JobAnalysis, authorizer: Authorizer, ctx: Context, identity: Identity | None,
                       resolution: Resolution, denied: list[Need]) -> Iterator[Finding]:
    job = analysis.job
    assert identity is not None
    base_related = _identity_related(resolution, authorizer)
    named = _unnamed_service_account(analysis, authorizer, ctx) if resolution is analysis.resolution else None
    implicit = _implicit_default(resolution, identity)
    if named is not None:
        base_related = list(_merge(named[2], base_related))

    def related_of(needs: list[Need]) -> list[Related]:
        """The identity's related locations, and the refused or replaced grants that would grant one of these needs
        (asked per finding: a role refused for its apiVersion that would grant the node discovery is no reason a
        kubelet scrape of the same job is denied)."""
        requests = [n.request for n in needs]
        return (base_related + _refused_related(_refused_grants(authorizer, identity, requests),
                                                  authorizer.workspace)
                + replaced_related(replaced_grants(authorizer, identity, requests)))

    # KS110: a fine-grained kubelet subresource held, on a version where the kubelet still checks nodes/proxy.
    remaining = []
    params = rule_params("KS110")
    on_since, gate_since = params["fine_grained_default_on_since"], params["fine_grained_gate_since"]
    # Before the gate's alpha a kubelet or API server started with it refuses the unknown gate: only upgrading helps.
    gate = (f" (or enable the KubeletFineGrainedAuthz gate, alpha in {gate_since}, on kubelets and API server)"
            if ctx.analysis.assumptions.version >= tuple(int(p) for p in gate_since.split(".")) else
            f" (Kubernetes {ctx.analysis.assumptions.kubernetes_version} has no KubeletFineGrainedAuthz gate to enable: it "
            f"arrived as alpha in {gate_since})")
    fix = (f"Upgrade the cluster to {on_since}+{gate}, or scrape a path authorized by nodes/metrics or nodes/stats "
           f"instead; avoid granting nodes/proxy.")
    for need in denied:
        held = fine_grained_held(need, authorizer, identity)
        if held is None:
            remaining.append(need)
            continue
        fine, decision = held
        grant = decision.grants[0]
        yield Finding(
            "KS110", need.span,
            f"{job.label} {need.why} as {identity}, which holds get nodes/{fine} but the kubelet on Kubernetes "
            f"{ctx.analysis.assumptions.kubernetes_version} checks nodes/proxy for this path (KubeletFineGrainedAuthz is "
            f"on by default from {on_since}): 403 Forbidden",
            fix=fix,
            related=_merge([r for r in [grant_related(grant, f"{role_label(grant.role)} grants nodes/{fine}")] if r], related_of([need])),
            object=job.label, data={"identity": str(identity), "held": f"nodes/{fine}", "checked": "nodes/proxy"},
        )
    denied = remaining

    # KS105: granted only through a RoleBinding that cannot apply to the request: one no RoleBinding can grant
    # (cluster-scoped, all namespaces, a URL), or a namespaced request in another namespace than the binding's
    # (SPEC §4: "cannot apply (cluster-scoped, other namespace)").
    remaining = []
    out_of_scope: dict[tuple, list[Need]] = {}
    for need in denied:
        request = need.request
        # A binding meant for the identity that would grant the request where it is made, but names another
        # subject (KS108: a RoleBinding in that namespace whose SA subject defaults to that namespace), is the
        # cause and its one-line fix the minimal one; another binding that grants elsewhere is not.
        if need.decision.out_of_scope and _mismatched_binding(request, identity, authorizer, ctx) is None:
            grant = need.decision.out_of_scope[0]
            # Keyed by what the need is for too: a job without metrics_path puts its node discovery and its kubelet
            # scrape on the same `role: node`, and one finding would describe both by the first one's reason. The
            # lists of one discovery stay together (one complete fix); each scrape path is its own, as in KS102–104.
            key = (need.span, need.kind, need.why if need.kind == "scrape" else "", id(grant.binding), id(grant.role),
                   request.namespace)
            out_of_scope.setdefault(key, []).append(need)
        else:
            remaining.append(need)
    for needs in out_of_scope.values():
        grant = needs[0].decision.out_of_scope[0]
        # Every RoleBinding that holds the rule out of scope (one per namespace the identity is granted in), each named.
        scoped = sorted({id(g.binding): g for g in needs[0].decision.out_of_scope}.values(),
                        key=lambda g: (g.binding.namespace or "", g.binding.name))
        bindings = _and_list([g.binding.ref for g in scoped])
        namespaces = sorted({g.binding.namespace or "" for g in scoped})
        requests = [n.request for n in needs]
        what = _describe_requests(requests)
        kind = _out_of_scope_kind(requests[0])
        related = [r for r in [grant_related(grant, f"{role_label(grant.role)} has the rule {grant.rule.describe()}")] if r]
        for held in scoped:
            if held.binding.obj is not None:
                related.append(Related(held.binding.obj.span, f"{held.binding.ref} grants only inside namespace {held.binding.namespace}"))
        other_namespace = requests[0].is_resource and requests[0].namespace is not None
        fix = _out_of_scope_fix(grant, identity, requests, requests[0].namespace if other_namespace else None, kind,
                                authorizer, ctx.analysis, scoped)
        if len(needs) == 1 and proxied_node_scrape(needs[0]):
            # Binding the role cluster-wide makes the proxy scrape work and hands out exec on every node (KS201),
            # as granting it does for KS103: the direct scrape first.
            fix = _direct_first(fix, job, needs[0], identity, authorizer, ctx)
        fix = _named_fix(named, fix, implicit) + _namespaces_alternative(job, needs)
        ignored, elsewhere, ignored_related = _ignored_selector(job, needs)
        yield Finding(
            "KS105", needs[0].span,
            (f"{job.label} {needs[0].why}: {identity} holds {_describe_requests(requests, namespace=False)} only in "
             f"namespace{'s' if len(namespaces) > 1 else ''} {_and_list(namespaces)}, through {bindings}; a RoleBinding "
             f"grants nothing outside its own namespace → 403 Forbidden in namespace {requests[0].namespace}{ignored}"
             if other_namespace else
             f"{job.label} {needs[0].why}: {identity} holds {what} only through {bindings}, which cannot "
             f"grant {kind} → 403 Forbidden"),
            fix=fix + elsewhere, related=tuple(ignored_related + related + related_of(needs)), object=job.label,
            data={"identity": str(identity), "missing": [_request_data(r) for r in requests], "granted_by": grant.describe()},
        )
    denied = remaining

    # KS108: a binding clearly meant for this identity names another namespace/kind and would have granted.
    remaining = []
    mismatched: dict[int, tuple[BindingDef, str, list[Need]]] = {}
    for need in denied:
        hit = _mismatched_binding(need.request, identity, authorizer, ctx)
        if hit is None:
            remaining.append(need)
            continue
        binding, subject_text = hit
        mismatched.setdefault(id(binding), (binding, subject_text, []))[2].append(need)
    rejected = ctx.workspace.rejected_bindings
    for binding, subject_text, needs in mismatched.values():
        related = _mismatch_related(binding, subject_text, identity)
        refused = " and ".join(refusing_rules(binding, ctx.workspace)) if binding in rejected else ""
        what = ", ".join(sorted({n.request.describe() for n in needs}))
        yield Finding(
            "KS108", needs[0].span,
            f"{job.label} runs as {identity}, but {binding.ref} binds {binding.role_ref} to {subject_text}, not to "
            f"{identity}: it grants nothing to the scraper, so {what} {'are' if len(needs) > 1 else 'is'} denied"
            + (f" (and the API server rejects the binding as written, {refused})" if refused else ""),
            fix=_subject_fix(binding, identity, refused, resolution, subject_text),
            related=_merge(related, related_of(needs)), object=job.label,
            data={"identity": str(identity), "binding": binding.ref, "subject": subject_text, "job": job.label,
                  "denied": sorted({n.request.describe() for n in needs})},
        )
    denied = remaining

    # KS101: discovery, grouped per SD config and scope so one finding carries one complete fix.
    discovery: dict[tuple, list[Need]] = {}
    for need in denied:
        if need.kind == "discovery":
            discovery.setdefault((need.span, need.request.namespace), []).append(need)
    for (span, namespace), needs in discovery.items():
        requests = [n.request for n in needs]
        where = "cluster-wide" if namespace is None else f"in namespace {namespace}"
        nearest = [r for n in needs for r in _nearest(n.decision)]
        restricted = _name_restriction([n.decision for n in needs])
        # attach_metadata's lists are not where the targets are discovered (a namespaced pod role attaching
        # node metadata still lists nodes cluster-wide): name the setting rather than a discovery scope.
        attached = needs[0].attached if all(n.attached == needs[0].attached for n in needs) else ""
        doing = f"attaches {attached} metadata" if attached else f"discovers targets {where}"
        ignored, elsewhere, ignored_related = _ignored_selector(job, needs)
        yield Finding(
            "KS101", span,
            f"{job.label} {doing} as {identity}, which lacks {_lacking(requests)} "
            f"{where}{f' ({restricted})' if restricted else ''}: the API server answers 403 Forbidden and "
            # Prometheus watches each listed namespace on its own: a denied one yields nothing, the others still work.
            + ("the SD config finds zero targets" if namespace is None else f"discovery finds no targets in {namespace}")
            + ignored,
            fix=_named_fix(named, _with_refused_fix(authorizer, _unrestrict_fix([n.decision for n in needs], fix_text(
                               authorizer, identity, requests, ctx.analysis)), _refused_grants(authorizer, identity, requests),
                               requests, lambda rest: fix_text(authorizer, identity, rest, ctx.analysis))
                           + replaced_fix(replaced_grants(authorizer, identity, requests)), implicit) + elsewhere,
            related=_merge(ignored_related, nearest, related_of(needs)), object=job.label,
            data={"identity": str(identity), "missing": [_request_data(r) for r in requests]},
        )

    # KS102–KS104: each scrape need on its own (they differ in path and fix) — but the objects one proxy path names
    # in turn (static node names relabelled into /api/v1/nodes/${1}/proxy/…) are one finding, with their names.
    for need, named_alike in _by_proxied_object(denied):
        rule = MISSING_RULE[need.target]
        request = need.request
        alternatives = "".join(f" or {a.describe()}" for a in need.alternatives)
        restricted = _name_restriction([need.decision, *need.alternative_decisions])
        # one parenthesis: the name restriction and the outcome, not two clauses in a row
        outcome = f"{restricted}; {OUTCOME[need.target]}" if restricted else OUTCOME[need.target]
        why, lacking = need.why, request.describe()
        if len(named_alike) > 1:
            names = names_text([n.request.name or "" for n in named_alike])
            why = need.why.replace(f"/{request.name}/proxy", f"/<{request.resource.rstrip('s')}>/proxy")
            lacking = lacking.replace(f" named {request.name}", f" named {names}")
        message = f"{job.label} {why} as {identity}, which lacks {lacking}{alternatives} ({outcome})"
        fix = fix_text(authorizer, identity, [n.request for n in named_alike], ctx.analysis)
        if need.target in READER_ROLE_TARGETS:
            fix = _reader_role_fix(authorizer, identity, request, fix)
        proxied_nodes = proxied_node_scrape(need)
        if proxied_nodes:
            fix = _direct_first(fix, job, need, identity, authorizer, ctx)
        if restricted:
            # (the proxied node scrape keeps its better way first: direct, with nodes/metrics)
            fix = _unnamed_fix([need.decision, *need.alternative_decisions], fix, first=not proxied_nodes)
        if need.review is not None and request.is_resource and request.name:
            # The proxy reviews that one object: the rule need not open the subresource (services/proxy reaches
            # any Service through the API server) for every other name.
            fix += f'\nLimit the rule to the object reviewed: resourceNames: ["{request.name}"].'
        if need.review is not None and need.review.static:
            fix += (f"\nOr add user {identity.user} to the static allow-list of kube-rbac-proxy's "
                    f"{need.review.describe()}, which is asked before RBAC.")

        refused = _refused_grants(authorizer, identity, [request])
        # (For the node proxy the direct scrape stays first: the refused role would grant nodes/proxy, KS201.)
        fix = fix + _refused_fix(refused, authorizer.workspace) if proxied_nodes else _with_refused_fix(authorizer, fix, refused)
        fix += replaced_fix(replaced_grants(authorizer, identity, [request]))
        fix = _named_fix(named, fix, implicit)
        if json_summary_scrape(job, need):
            metrics = replace(request, subresource="metrics")
            granted = authorizer.authorize(identity, metrics).allowed
            message += (f"; and the kubelet answers JSON at {need.path or '/stats'} (the Summary API), not Prometheus "
                        f"metrics: even granted, every scrape fails to parse")
            # /metrics/resource, as KS310 says for a granted /stats scrape: the Summary API's CPU and memory usage in
            # the Prometheus format (the two findings on one job's /stats must name the same path).
            fix = (f"Scrape {KUBELET_RESOURCE_METRICS} instead of {need.path or '/stats'} (set where this finding points; "
                   f"the same CPU and memory usage of the node, its pods and containers in the Prometheus format), which "
                   f"needs get nodes/metrics"
                   + (f": {identity} is granted it." if granted else
                      f":\n{fix_text(authorizer, identity, [metrics], ctx.analysis)}"))
        if api_object_scrape(need):
            message += ("; and the API server answers that path with Kubernetes objects as JSON, not Prometheus metrics: "
                        "even granted, every scrape fails (Prometheus 3 refuses the Content-Type application/json, "
                        "Prometheus 2 fails to parse it)")
            fix = _api_object_fix(need, kubelet_serving_cert(ctx))
        fix = _slash_star_entry_fix(ctx, need, fix)
        twin = path_twin(authorizer, identity, need)
        if twin is not None:
            granted = authorizer.authorize(identity, replace(request, url=twin)).allowed
            if twin in SERVED_PATHS.get(need.target, ()):
                # Not a 403: the server's mux answers 404 before its filter reviews anything.
                message = (f"{job.label} {need.why} as {identity}, a path the {need.target} server does not serve "
                           f"(it serves {twin} only: 404 Not Found, whatever {identity} is granted)")
            message += f"; {request.url} looks like a typo of {twin}" + (f", which {identity} is granted" if granted else "")
            twin_grant = None if granted else fix_text(authorizer, identity, [replace(request, url=twin)], ctx.analysis)
            fix = _path_twin_fix(job, need, identity, twin, twin_grant, fix)
        yield Finding(
            rule, need.span, message, fix=fix,
            related=_merge(_review_related(need) + _url_rules_of_api_path(authorizer, identity, need) + _nearest(need.decision),
                           related_of([need])), object=job.label,
            data={"identity": str(identity), "missing": _request_data(request)},
        )


def _slash_star_entry_fix(ctx: Context, need: Need, fix: str) -> str:
    """A denied `get /metrics` beside a `/metrics/*` entry of a ClusterRole the identity holds cluster-wide: the entry
    was meant to cover /metrics, and KS505 on it owns the edit. KS104's fix is that very edit (rbac_objects
    .slash_star_fix, the same words), not a second `/metrics` rule beside it: applied together, the two fixes left
    the role with both. Only where the entry's rule has the request's verb, so the edit alone grants it."""
    from .rbac_objects import slash_star_fix, uncovered_parent, urls_needed

    request = need.request
    if not request.url:
        return fix
    for grant in need.decision.near:
        rule, role = grant.rule, grant.role
        if (grant.binding.kind != "ClusterRoleBinding" or role.builtin or rule.node is None
                or not any(r is rule for r in role.rules) or not (request.verb in rule.verbs or "*" in rule.verbs)):
            continue
        for url in rule.non_resource_urls:
            if uncovered_parent(role, rule, url) == request.url:
                edit = slash_star_fix(url, request.url, urls_needed(ctx, rule))
                return (f"In {role_label(role)} rules[{rule.index}] (the same edit as KS505 there): "
                        f"{edit[0].lower()}{edit[1:]}")
    return fix


# controller-runtime's metrics server registers its handler at /metrics alone (pkg/metrics/server/server.go
# defaultServer.Start: mux.Handle(defaultMetricsEndpoint, filtered handler), plus ExtraHandlers the code adds): any
# other path is the ServeMux's 404, answered before the filter reviews anything.
SERVED_PATHS = {"controller-runtime": ("/metrics",)}
DEFAULT_PATH = "/metrics"


# The kubelet's /stats paths answer JSON (the Summary API: k8s.io/kubelet pkg/apis/stats/v1alpha1, what the
# OpenTelemetry kubeletstats receiver unmarshals), never the Prometheus text format; the same usage in that format is
# at /metrics/resource (KUBELET_RESOURCE_METRICS), cAdvisor's per-container metrics at /metrics/cadvisor.
KUBELET_JSON_SUBRESOURCE = "stats"
KUBELET_METRICS_PATH = "/metrics/cadvisor"


def json_summary_scrape(job, need: Need) -> bool:
    """A Prometheus-format scrape of the kubelet's /stats (JSON): granting nodes/stats only trades the 403 for a
    parse error on every scrape; the path is what to fix. Not an OpenTelemetry kubeletstats receiver, which reads
    that JSON as meant."""
    return (need.kind == "scrape" and need.target == "kubelet" and need.request.resource == "nodes"
            and need.request.subresource == KUBELET_JSON_SUBRESOURCE
            and getattr(getattr(job, "config", None), "flavor", "") != "kubeletstats")


# The resource metrics API (metrics-server, prometheus-adapter): NodeMetrics/PodMetrics objects of the usage the
# kubelets serve in the Prometheus format at /metrics/resource (pkg/kubelet/server/server.go), under nodes/metrics.
RESOURCE_METRICS_GROUP = "metrics.k8s.io"


def api_object_scrape(need: Need) -> bool:
    """A Prometheus-format scrape of an API server resource path that is not a `metrics` subresource: the API
    server answers a resource GET with the object or list, negotiated from Prometheus's Accept header (`*/*` last)
    to JSON — `/apis/metrics.k8s.io/v1beta1/nodes` is a NodeMetricsList. The `metrics` subresources, which EKS
    serves as Prometheus text (`kcm/metrics` at /apis/metrics.eks.amazonaws.com/v1/kcm/container/metrics), are not."""
    request = need.request
    return (need.kind == "scrape" and need.target == "apiserver" and request.is_resource
            and request.subresource != "metrics")


def _api_object_fix(need: Need, serving_cert: str) -> str:
    """Granting the request only trades the 403 for a parse error: the path is what to change. For the resource
    metrics API, the kubelet job that serves the same usage, written whole: its TLS too, as the kubelets serve it
    (a job copied from this one would keep the cluster CA, which self-signed kubelets fail: KS304)."""
    path = need.path or "this path"
    if need.request.api_group == RESOURCE_METRICS_GROUP and need.request.resource in ("nodes", "pods"):
        return (f"Scrape the kubelets' {KUBELET_RESOURCE_METRICS} instead of {path}: the same CPU and memory usage of "
                f"the nodes, pods and containers in the Prometheus format. A job with `kubernetes_sd_configs: "
                f"[{{role: node}}]` (its targets are the kubelets on :10250), `scheme: https`, `metrics_path: "
                f"{KUBELET_RESOURCE_METRICS}`, this job's token setting and {_kubelet_tls_config(serving_cert)}; it "
                f"needs list, watch nodes and get nodes/metrics. Or metrics-server's own /metrics for the server's "
                f"health.")
    return (f"Point the job at a path that serves Prometheus metrics instead of {path} (the API server's own is "
            "/metrics, which needs nonResourceURL get /metrics); a grant of this resource would not make it parse.")


def path_twin(authorizer: Authorizer, identity: Identity, need: Need) -> str | None:
    """The path a denied scrape path is evidently a misspelling of (`/metric`, `/metrcs` for `/metrics`): one edit
    away from the path the target is known to serve (SERVED_PATHS), or else from `/metrics`, Prometheus' default
    metrics_path and what metrics servers serve. Then the job's path is what to fix, not the grant: adding
    `get /metric` beside the `get /metrics` the scraper holds leaves that rule unused (KS203 telling to delete it),
    and a controller-runtime server answers 404 at any other path whatever the grant. Only ever towards the known
    path: a job asking for `/metrics` where the role grants `/metric` has the role's URL misspelt (KS104 grants it,
    KS203 names the misspelt rule). None when the path is not that close."""
    request = need.request
    if need.kind != "scrape" or not request.url or "*" in request.url:
        return None
    path = request.url
    near = [u for u in SERVED_PATHS.get(need.target, (DEFAULT_PATH,)) if u != path and within_edits(u, path, 1)]
    return near[0] if near else None


def _path_twin_fix(job, need: Need, identity: Identity, twin: str, twin_grant: str | None, grant_fix: str) -> str:
    """The path corrected first; the grant of the written path only as the alternative where the target may
    serve it (not a controller-runtime server, SERVED_PATHS)."""
    setting = f"`{_path_key(job)}: {twin}`"
    fix = f"Set {setting} (the job asks for {need.request.url}, one typo from {twin}"
    if twin_grant is None:
        fix += f", which {identity} is already granted)."
    else:
        fix += f"), and grant it:\n{twin_grant}"
    if need.target in SERVED_PATHS:
        return fix
    return fix + f"\nOnly if the target really serves {need.request.url}:\n{grant_fix}"


def _reader_role_fix(authorizer: Authorizer, identity: Identity, request: Request, fix: str) -> str:
    """A kubebuilder operator ships a `<prefix>-metrics-reader` ClusterRole granting `get /metrics` for its scraper,
    and binds it to nothing: v4 beside its controller-runtime secure server (config/rbac/metrics_reader_role.yaml),
    v3 beside its kube-rbac-proxy sidecar (config/rbac/auth_proxy_client_clusterrole.yaml). Binding that role is the
    fix the operator meant. Offered before adding the rule when the inputs define such a role and it grants the
    request (a kube-rbac-proxy reviewing resourceAttributes asks for something else, which the role does not grant)."""
    workspace = authorizer.workspace
    readers = sorted(name for name, role in workspace.cluster_roles.items()
                     if not role.builtin and name.endswith("metrics-reader")
                     and any(rule_allows(rule, request) for rule in role.rules))
    if not readers:
        return fix
    name = readers[0]
    # The scraper's own ClusterRoleBinding of a reader role that does not exist (KS502: a prefix changed, a typo):
    # repairing its roleRef is what was meant, not a second binding beside it.
    dangling = next((binding for binding in authorizer.unresolved(identity)
                     if binding.kind == "ClusterRoleBinding" and binding.role_kind == "ClusterRole"
                     and binding.role_name.endswith("metrics-reader") and names_identity(binding, identity)), None)
    if dangling is not None:
        written = role_reference_name(workspace, dangling, workspace.cluster_roles[name])
        return (f"{dangling.ref} binds ClusterRole {dangling.role_name}, which does not exist (KS502): set its "
                f"`roleRef.name: {written}`, the operator's ClusterRole that grants {request.describe()} (roleRef is "
                f"immutable: delete and re-create the binding).\nOr:\n{fix}")
    binding = free_binding_name(workspace, "ClusterRoleBinding", None, f"{name}-{identity.name}")
    # fix_text binding that very role would be this ClusterRoleBinding again under another name: offered once.
    same = role_fix_binds(authorizer, identity, [request]) is workspace.cluster_roles[name]
    return (f"Bind the operator's ClusterRole {name} (it grants {request.describe()}; nothing binds it to the scraper "
            f"yet) to ServiceAccount {identity}:\n"
            f"  apiVersion: rbac.authorization.k8s.io/v1\n"
            f"  kind: ClusterRoleBinding\n"
            f"  metadata:\n"
            f"    name: {yaml_scalar(binding)}\n"
            f"  roleRef:\n"
            f"    apiGroup: rbac.authorization.k8s.io\n"
            f"    kind: ClusterRole\n"
            f"    name: {yaml_scalar(name)}\n"
            f"  subjects:\n"
            f"  - kind: ServiceAccount\n"
            f"    name: {yaml_scalar(identity.name)}\n"
            f"    namespace: {yaml_scalar(identity.namespace)}"
            + ("" if same else f"\nOr:\n{fix}"))


def _review_related(need: Need) -> list[Related]:
    """Where a kube-rbac-proxy's --config-file writes the resourceAttributes it reviews instead of the path, and
    the static allow-list entries that allow the request to other users (a denied need matched none)."""
    review = need.review
    if review is None:
        return []
    related = [Related(rule.span, f"kube-rbac-proxy's static authorization allows {need.request.describe()} to "
                                  f"{rule.describe_subject()} only")
               for rule in review.static if rule.matches_attributes(need.request)]
    if review.span is not None:
        related.insert(0, Related(review.span, f"kube-rbac-proxy's {review.describe()}: resourceAttributes make it "
                                               f"review {need.request.describe()}, not the path {need.path}"))
    return related


def _bound_spare_accounts(workspace) -> set[tuple[str, str]]:
    """The ServiceAccounts, other than `default`, that bindings of the inputs name but the inputs neither define nor
    run anything as: an account made for a scraper whose manifest is not there yet (a guide's ClusterRoleBinding
    `prometheus-payments` beside a Prometheus without serviceAccountName). Built once per workspace."""
    def build() -> set[tuple[str, str]]:
        used = {(pod.obj.namespace, pod.service_account) for pod in workspace.workloads}
        for kind in ("Prometheus", "PrometheusAgent", "Alertmanager", "ThanosRuler"):
            used.update((obj.namespace, as_str(as_map(obj.doc.get("spec")).get("serviceAccountName")) or "default")
                        for obj in workspace.kind(kind))
        return {(s.namespace, s.name) for b in workspace.bindings if not b.builtin for s in b.subjects
                if s.kind == "ServiceAccount" and s.namespace and s.name != "default"} - used - set(workspace.service_accounts)

    return workspace.index("bound-spare-accounts", build)


def _named_accounts_by_namespace(workspace) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(namespace → the names, other than `default`, of the ServiceAccounts the inputs define there; namespace →
    those of _bound_spare_accounts), each sorted. Built once per workspace: every unnamed pod asks for its own
    namespace's, and a pass over every account per pod was quadratic in a repository of many teams."""
    def build() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        grouped: tuple[dict[str, list[str]], dict[str, list[str]]] = ({}, {})
        for index, accounts in enumerate((workspace.service_accounts, _bound_spare_accounts(workspace))):
            for namespace, name in sorted(accounts):
                if name != "default":
                    grouped[index].setdefault(namespace, []).append(name)
        return grouped

    return workspace.index("named-accounts-by-namespace", build)


def patched_note(span: Span, own_path: str) -> str:
    """Where to edit a value a Kustomize patch wrote (its span is in the patch file or the kustomization's inline
    patch, not in the object's own file): a value written in the object's file stays overridden by the patch."""
    if span.path == own_path:
        return ""
    return f" — in the Kustomize patch at {span.path}:{span.line}, which sets it and overrides {own_path}"


def _account_reference(ctx: Context, pod: Any, account: Identity) -> tuple[str, str, bool]:
    """(the name a pod template writes to run as `account`, a note saying why it is not the account's name or not
    the field the template writes now, or "", whether the build leaves the template's account as written): in a
    renaming kustomize build the account's name as written, as `serviceAccountName` (kname.account_reference)."""
    defined = ctx.workspace.service_accounts.get((account.namespace, account.name))
    if pod is None or defined is None:
        return account.name, "", False
    from ..kname import account_reference

    name, deprecated = account_reference(ctx.workspace, pod, defined)
    notes = ([f"its name as written: the kustomize build renames it to {account.name}"] if name != account.name else []) \
        + (["in place of the deprecated `serviceAccount:`, which kustomize's nameReference does not rewrite"]
           if deprecated and name != account.name else [])
    return name, f" ({'; '.join(notes)})" if notes else "", deprecated and name != account.name


def _unnamed_service_account(analysis: JobAnalysis, authorizer: Authorizer, ctx: Context) -> tuple[str, Identity, list[Related]] | None:
    """When the scraper runs as its namespace's `default` ServiceAccount only because its pod template (or its
    Prometheus) names none — or as an account the inputs do not define (KS109) —, and exactly one other
    ServiceAccount of that namespace defined in the inputs is granted everything the jobs running there need: (how to name it, which account, related). The evident intent
    (prometheus#3918: RBAC written for `prometheus`, the Deployment without serviceAccountName) is fixed by naming
    that account, not by granting the namespace's `default` ServiceAccount — which every pod there runs as."""
    identity = analysis.identity
    resolution = analysis.resolution
    if identity is None or resolution.explicit:
        return None
    # The same intent when the account it names is one the inputs do not define (a typo, a rename: KS109) — the
    # API server refuses its pods until that account exists — and another account there holds the grants.
    undefined = identity.name != "default" and (identity.namespace, identity.name) not in ctx.workspace.service_accounts
    if identity.name != "default" and not undefined:
        return None
    pod, runner = resolution.pod, resolution.runner
    if pod is not None:
        if pod.service_account_explicit and not undefined:
            return None
        owner, where = pod, f"the pod template of {pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}"
        if undefined:
            where += patched_note(pod.key_span("serviceAccountName"), pod.obj.path)
    elif runner is not None and runner.kind in ("Prometheus", "PrometheusAgent"):
        if as_str(as_map(runner.doc.get("spec")).get("serviceAccountName")) and not undefined:
            return None
        owner, where = runner, f"the spec of {runner.kind} {runner.namespace}/{runner.name}"
        if undefined:
            where += patched_note(runner.key_span("spec", "serviceAccountName"), runner.path)
    else:
        return None
    memo = ctx.analysis.__dict__.setdefault("_unnamed_service_accounts", {})
    if id(owner) in memo:
        return memo[id(owner)]
    # Every decided need of every job this pod runs: the account named instead must serve them all.
    wanted = [(n.request, *n.alternatives) for j in job_identities(ctx.analysis).get(identity, ())
              if j.identity == identity and (j.resolution.pod is owner or j.resolution.runner is owner)
              for n in j.needs if n.decision is not None and n.identity in (None, identity)]
    # An account the inputs only bind (defined elsewhere, or not yet) counts for an unnamed one alone: one that
    # names an undefined account is as likely to miss its ServiceAccount file as to name the wrong account.
    defined, spare = _named_accounts_by_namespace(ctx.workspace)
    names = defined.get(identity.namespace, [])
    if not undefined and identity.namespace in spare:
        names = sorted({*names, *spare[identity.namespace]})
    fitting = [Identity(identity.namespace, name) for name in names]
    fitting = [sa for sa in fitting
               if all(any(authorizer.authorize(sa, r).allowed for r in requests) for requests in wanted)]
    result = None
    if len(fitting) == 1 and wanted:
        account = fitting[0]
        bindings = [b for b, _r in authorizer.bindings(account) if b.obj is not None and
                    any(s.kind == "ServiceAccount" and s.name == account.name for s in b.subjects)]
        create = ("" if (account.namespace, account.name) in ctx.workspace.service_accounts
                  else "; the inputs do not define that ServiceAccount: create it too")
        granted_by = f" ({', '.join(b.ref for b in bindings[:2])}{create})" if bindings else create
        written, why, _kept = _account_reference(ctx, pod, account)
        if undefined:
            text = (f"Set `serviceAccountName: {written}`{why} in {where}: it names {identity.name}, which the inputs do "
                    f"not define (KS109), while ServiceAccount {account} is granted everything its jobs need{granted_by}.")
        elif (misspelt := misspelt_account_key(analysis)) is not None:
            # Beside the misspelt key, "set serviceAccountName" and KS602's rename of that key, applied in that
            # order, wrote the key twice (KS005): one edit, the key written right in its place, serves both.
            text = (f"Write `serviceAccountName: {written}`{why} in place of `{misspelt}` in {where}: that key is "
                    f"no field (kubectl apply refuses it, other clients drop it), so it names no account and runs "
                    f"as the namespace's `default` ServiceAccount, while ServiceAccount {account} is granted "
                    f"everything its jobs need{granted_by}.")
        else:
            text = (f"Set `serviceAccountName: {written}`{why} in {where}: it names none, so it runs as the namespace's "
                    f"`default` ServiceAccount, while ServiceAccount {account} is granted everything its jobs need{granted_by}. "
                    f"(Granting it to {identity} instead would grant every pod in {identity.namespace} that names no account.)")
        related = [Related(_subject_span(b, account), f"{b.ref} binds {b.role_ref} to {account}, which the scraper does not run as")
                   for b in bindings[:2]]
        result = (text, account, related)
    memo[id(owner)] = result
    return result


def _misspelt_account_key(spec: YMap) -> str | None:
    """A key of a pod spec (or a Prometheus/PrometheusAgent spec) that misspells `serviceAccountName` when that
    field is not written: the reason the scraper runs as `default`. (`serviceAccount` is the pod spec's deprecated
    alias, read as the account: model.PodTemplate.service_account.)"""
    from ..promvalidate import did_you_mean

    if not isinstance(spec, YMap) or "serviceAccountName" in spec:
        return None
    return next((key for key in spec if isinstance(key, str) and key != "serviceAccount"
                 and did_you_mean(key, ("serviceAccountName",)) == "serviceAccountName"), None)


def misspelt_account_key(analysis: JobAnalysis) -> str | None:
    """The misspelt serviceAccountName key of the pod template (or Prometheus/PrometheusAgent spec) running the
    job (_misspelt_account_key): every fix naming the account writes the key in its place."""
    pod, runner = analysis.resolution.pod, analysis.resolution.runner
    if pod is not None:
        return _misspelt_account_key(pod.spec)
    if runner is not None and runner.kind in ("Prometheus", "PrometheusAgent"):
        return _misspelt_account_key(as_map(runner.doc.get("spec")))
    return None


def intended_account(analysis: JobAnalysis, ctx: Context) -> Identity | None:
    """The ServiceAccount the inputs made for a scraper that runs as `default` (or an undefined account) only
    because it names none (_unnamed_service_account): the account other fixes (KS604's grant) should name too."""
    if analysis.identity is None:
        return None
    named = _unnamed_service_account(analysis, ctx.analysis.authorizer, ctx)
    return named[1] if named is not None else None


def _named_fix(named: tuple[str, str, list[Related]] | None, fix: str, implicit: str = "") -> str:
    """The fix, after the account the scraper evidently meant to name (_unnamed_service_account); or, when it runs
    as its namespace's `default` only because it names none (`implicit`: the object that names none), after the
    advice to give it an account of its own — a grant to `default` reaches every pod there that names none."""
    if named is not None:
        return f"{named[0]}\nOr:\n{fix}"
    if implicit:
        return (f"Better: give {implicit} a ServiceAccount of its own (`serviceAccountName`) and grant that: it names "
                f"none, so it runs as its namespace's `default` ServiceAccount, and a grant to `default` reaches every "
                f"pod there that names no account. Or, granting `default`:\n{fix}")
    return fix


def _implicit_default(resolution: Resolution, identity: Identity) -> str:
    """The workload (or operator resource) that runs as its namespace's `default` ServiceAccount because it names
    none; "" when it names one, or the user named the identity."""
    if identity.name != "default" or resolution.explicit:
        return ""
    pod, runner = resolution.pod, resolution.runner
    if pod is not None:
        return "" if pod.service_account_explicit else f"{pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}"
    if runner is not None and runner.kind in ("Prometheus", "PrometheusAgent"):
        return "" if as_str(as_map(runner.doc.get("spec")).get("serviceAccountName")) else \
            f"{runner.kind} {runner.namespace}/{runner.name}"
    return ""


CLUSTER_SCOPED = {"nodes", "namespaces", "persistentvolumes", "storageclasses", "clusterroles", "clusterrolebindings"}


def _describe_requests(requests: list[Request], namespace: bool = True) -> str:
    """`list, watch pods in namespace x` rather than one phrase per verb."""
    verbs = ", ".join(sorted({r.verb for r in requests}))
    targets = sorted({r.url or r.resource_path for r in requests})
    where = {r.namespace for r in requests if r.is_resource}
    suffix = f" in namespace {where.pop()}" if namespace and len(where) == 1 and None not in where else ""
    return f"{verbs} {', '.join(targets)}{suffix}"


@functools.lru_cache(maxsize=4096)
def _request_data(request: Request) -> dict:
    """The JSON report's form of a request. One dict per distinct request, shared by the findings that name it
    (read only by the reporters): a large input repeats `list pods cluster-wide` in thousands of denials."""
    if request.url:
        return {"verb": request.verb, "non_resource_url": request.url}
    data = {"verb": request.verb, "api_group": request.api_group, "resource": request.resource, "namespace": request.namespace}
    if request.subresource:
        data["subresource"] = request.subresource
    return data


def _lookalike_subjects(ctx: Context) -> dict[str, list[tuple[BindingDef, Subject]]]:
    """User-defined binding subjects indexed by the ServiceAccount name they point at (or seem to), built once per
    lint: looking through every binding for every denied need was quadratic on large repositories."""
    cached = getattr(ctx, "_lookalikes", None)
    if cached is None:
        cached = {}
        # Rejected bindings too: a binding meant for the identity that is also refused (KS501) is still the one
        # the user wrote for it, and names the wrong subject.
        for binding in [*ctx.workspace.bindings, *ctx.workspace.rejected_bindings]:
            if binding.builtin:
                continue
            for subject in binding.subjects:
                account = _user_name_account(subject)
                name = account[1] if account is not None else subject.name
                cached.setdefault(name, []).append((binding, subject))
                if subject.kind == "ServiceAccount" or _group_namespace(subject):
                    # Named after the ServiceAccount it is for (SPEC KS108: "same SA name or role name"): a binding
                    # `prometheus` of ClusterRole `prometheus` to a ServiceAccount `prometheus-server` is meant for
                    # `prometheus` when no `prometheus-server` exists (_mismatched_binding checks that).
                    for meant in dict.fromkeys((binding.role_name, binding.name)):
                        if meant != name:
                            cached.setdefault(meant, []).append((binding, subject))
        ctx._lookalikes = cached  # type: ignore[attr-defined]
    return cached


def _misspelt_subjects(ctx: Context, identity: Identity) -> list[tuple[BindingDef, Subject]]:
    """ServiceAccount subjects of the identity's namespace whose name is a typo of its name (one or two letters
    added, dropped, changed or swapped: `promethues`), for bindings not named after it (a ClusterRoleBinding
    `prometheus-kubelet` to `promethues`); _mismatched_binding keeps those the inputs do not define, in a namespace
    whose accounts they do. Built once per identity from the subjects indexed by namespace (no pass over every
    binding per denied request)."""
    by_namespace = ctx.once("service-account subjects by namespace", lambda: _subjects_by_namespace(ctx))
    cache = ctx.once("misspelt subjects by identity", dict)
    if identity not in cache:
        from ..spelling import within_edits

        cache[identity] = [(binding, subject) for binding, subject in by_namespace.get(identity.namespace, ())
                           if (name := _subject_account_name(subject)) != identity.name and len(identity.name) >= 4
                           and within_edits(name, identity.name, 2)]
    return cache[identity]


def _subjects_by_namespace(ctx: Context) -> dict[str, list[tuple[BindingDef, Subject]]]:
    """ServiceAccount subjects, and User subjects written as a ServiceAccount's user name
    (`system:serviceaccount:<namespace>:<name>`, which rbac appliesToUser matches exactly), by namespace."""
    found: dict[str, list[tuple[BindingDef, Subject]]] = {}
    for binding in [*ctx.workspace.bindings, *ctx.workspace.rejected_bindings]:
        if binding.builtin:
            continue
        for subject in binding.subjects:
            if subject.kind == "ServiceAccount":
                found.setdefault(subject.namespace, []).append((binding, subject))
            elif subject.kind == "User" and (account := _user_name_account(subject)) is not None:
                found.setdefault(account[0], []).append((binding, subject))
    return found


def _subject_account_name(subject: Subject) -> str:
    """The ServiceAccount name a subject names: its name, or the last part of a User's ServiceAccount user name."""
    account = _user_name_account(subject) if subject.kind == "User" else None
    return account[1] if account is not None else subject.name


SA_GROUP_PREFIX = "system:serviceaccounts:"


def _group_namespace(subject: Subject) -> str:
    """The namespace of a `system:serviceaccounts:<namespace>` Group subject (every ServiceAccount token of that
    namespace carries it: k8s.io/apiserver pkg/authentication/serviceaccount util.go MakeNamespaceGroupName), or ""."""
    if subject.kind == "Group" and subject.name.startswith(SA_GROUP_PREFIX) and not _misspelt_user_name(subject):
        return subject.name[len(SA_GROUP_PREFIX):]
    return ""


# A ServiceAccount's user name, `system:serviceaccount:<namespace>:<name>` (k8s.io/apiserver serviceaccount
# util.go MakeUsername), and its usual misspellings: the group's plural prefix, a `/` between namespace and name
# (kubectl's namespace/name). Namespaces and names are DNS labels/subdomains, so neither holds `:` or `/`.
_USER_NAME = re.compile(r"system:serviceaccount(s?)([:/])([^:/]+)([:/])([^:/]+)")


def _user_name_account(subject: Subject) -> tuple[str, str] | None:
    """(namespace, name) of a User or Group subject named like a ServiceAccount's user name, misspelt or not."""
    match = _USER_NAME.fullmatch(subject.name) if subject.kind in ("User", "Group") else None
    return (match[3], match[5]) if match else None


def _misspelt_user_name(subject: Subject) -> bool:
    """A User or Group subject whose name is a misspelt ServiceAccount user name: it matches no user (the API
    server compares user names exactly, rbac appliesToUser) and no group any token carries."""
    match = _USER_NAME.fullmatch(subject.name) if subject.kind in ("User", "Group") else None
    return match is not None and (match[1], match[2], match[4]) != ("", ":", ":")


def _known_identities(ctx: Context) -> set[tuple[str, str]]:
    """(namespace, name) of the ServiceAccounts the inputs define and of those some scraper runs as."""
    return ctx.once("known identities", lambda: {*ctx.workspace.service_accounts, *(
        (j.identity.namespace, j.identity.name) for j in ctx.analysis.jobs if j.identity is not None)})


def _accounts_in(ctx: Context, namespace: str) -> bool:
    """Whether the inputs define a ServiceAccount, or run a scraper, in `namespace`."""
    return any(ns == namespace for ns, _name in _known_identities(ctx))


def _is_real_identity(ctx: Context, namespace: str, name: str) -> bool:
    """A ServiceAccount the inputs define or that some scraper runs as (e.g. a second Prometheus with the same SA
    name in another namespace): a binding to it is deliberate, not a mistyped subject."""
    return (namespace, name) in _known_identities(ctx) or bool(pods_running_as(ctx.workspace, Identity(namespace, name)))


def misdirected(ctx: Context, binding: BindingDef, subject: Subject) -> Identity | None:
    """The scraper a binding was evidently meant for when its ServiceAccount subject is a real scraper of another
    namespace: the same-named scraper (of the binding's namespace, for a RoleBinding; the only one, for a
    ClusterRoleBinding) whose jobs are denied what the binding's role grants, while the subject's jobs use none of
    what the binding grants (a subject namespace copied from another team's binding). Else None. KS108 then names the
    subject's namespace, and KS203 does not tell to delete the rule that fix relies on (applied together, "delete the
    rule" and "bind the role to the other account" undid each other, and a second binding left the first one granting
    a stranger)."""
    if subject.kind != "ServiceAccount" or binding.namespace == subject.namespace:
        return None
    cache = ctx.once("misdirected bindings", dict)
    key = (id(binding), subject.namespace, subject.name)
    if key not in cache:
        cache[key] = _misdirected(ctx, binding, subject)
    return cache[key]


def _scrapers_by_name(ctx: Context) -> dict[str, list[Identity]]:
    def build() -> dict[str, list[Identity]]:
        found: dict[str, list[Identity]] = {}
        for identity in job_identities(ctx.analysis):
            found.setdefault(identity.name, []).append(identity)
        return found
    return ctx.once("scrapers by name", build)


def _misdirected(ctx: Context, binding: BindingDef, subject: Subject) -> Identity | None:
    holder = Identity(subject.namespace, subject.name)
    role = ctx.workspace.role_for(binding) or ctx.workspace.rejected_role_for(binding)
    same_name = _scrapers_by_name(ctx).get(subject.name, [])
    if role is None or holder not in same_name:
        return None
    rules = ctx.analysis.authorizer.effective_rules(role)

    def grants(identity: Identity, denied_only: bool) -> bool:
        return any(binding_applies(binding, r.request) and any(rule_allows(rule, r.request) for rule in rules)
                   for r in requirements(ctx.analysis, identity) if not (denied_only and r.allowed))

    if grants(holder, False):
        return None
    meant = [i for i in same_name if i != holder and (binding.kind == "ClusterRoleBinding" or i.namespace == binding.namespace)]
    meant = [i for i in meant if grants(i, True)]
    return meant[0] if len(meant) == 1 else None


def misdirected_from(ctx: Context, binding: BindingDef, identity: Identity) -> bool:
    """Whether `binding` names `identity` only through a subject it was not meant for (misdirected)."""
    return any(misdirected(ctx, binding, s) is not None for s in binding.subjects
               if s.kind == "ServiceAccount" and (s.namespace, s.name) == (identity.namespace, identity.name))


def _mismatch_related(binding: BindingDef, subject_text: str, identity: Identity) -> list[Related]:
    """KS108's related location: the part of the subject to correct (SPEC §5, the smallest node that causes the
    finding). _lookalike_subjects pairs a subject with the identity by name, so what differs is the ServiceAccount's
    `namespace:` value, or the `kind:` (a User or Group spelled like the ServiceAccount); a namespace left out (a
    RoleBinding's default) has no value to point at, so the subject entry is where to add one."""
    if binding.obj is None:
        return []
    subject = next((s for s in binding.subjects if s.describe() == subject_text), None)
    span = binding.subject_span(subject) if subject is not None else None
    if subject is not None and isinstance(subject.node, YMap):
        key = ("namespace" if subject.kind == "ServiceAccount" else
               "name" if _group_namespace(subject) or _misspelt_user_name(subject) else "kind")
        if subject.kind == "ServiceAccount" and subject.name != identity.name:
            key = "name"  # paired with the identity by the role's or binding's name: the name is what differs
        if key in subject.node:
            span = at(binding.obj.path, subject.node.value_pos(key))
    return [Related(span or binding.obj.span, f"{binding.ref} names {subject_text}")]


def _mismatched_binding(request: Request, identity: Identity, authorizer: Authorizer, ctx: Context):
    """A user binding whose subject looks like the identity (same SA name elsewhere, SA name as User, …) and that
    would grant the request with the subject corrected: its role has the rule and its scope covers the request.
    A RoleBinding never grants a cluster-wide list, a cluster-scoped resource, a URL or another namespace, whoever
    its subject is — correcting the subject would not help, so that denial is not this binding's fault."""
    # A binding that replaced the identity's own one of the same name (KS006) is not a mistyped subject: the
    # conflict is the cause, and the denial says so (replaced_fix).
    if replaced_grants(authorizer, identity, [request]):
        return None  # the identity's own binding would grant it, but a same-name definition replaced it
    replacing = {id(winner) for _b, _r, _old, winner in authorizer.replaced(identity)}
    for binding, subject in [*_lookalike_subjects(ctx).get(identity.name, ()), *_misspelt_subjects(ctx, identity)]:
        if id(binding) in replacing:
            continue
        if subject.kind == "ServiceAccount":
            if (subject.namespace, subject.name) == (identity.namespace, identity.name):
                continue  # it applies
            if _is_real_identity(ctx, subject.namespace, subject.name) and misdirected(ctx, binding, subject) != identity:
                continue  # meant for another ServiceAccount that exists: not a mistake
            if subject.name != identity.name and not (
                    subject.namespace == identity.namespace
                    and any(ns == identity.namespace for ns, _name in ctx.workspace.service_accounts)):
                # Paired by the role's or binding's name only: evident when the subject is a ServiceAccount of the
                # identity's namespace that the inputs, which define that namespace's accounts, do not define.
                continue
        elif (account := _user_name_account(subject)) is not None and account != (identity.namespace, identity.name):
            # A User or Group spelled as the user name of the same-named ServiceAccount of another namespace
            # (`system:serviceaccount:default:prometheus`, a subject copied from an install in `default`). When that
            # account exists in the inputs the subject is meant for it (a User naming it is that account: rbac
            # appliesToUser), not for the scraper.
            if _is_real_identity(ctx, *account):
                continue
            if account[1] != identity.name and not any(ns == identity.namespace
                                                       for ns, _name in ctx.workspace.service_accounts):
                continue  # a misspelt account name (_misspelt_subjects): evident only where the inputs define the accounts
        elif _misspelt_user_name(subject):
            pass  # the identity's own user name misspelt (the other namespace's case is above): evidently meant for it
        elif subject.kind == "User":
            if subject.name == identity.user:
                continue
        elif _group_namespace(subject):
            # The group of every ServiceAccount of a namespace, paired with the identity by the binding's or role's
            # name: evident when it names another namespace in which the inputs define no ServiceAccount and run
            # no scraper (a binding copied from a chart installed in `default`).
            namespace = _group_namespace(subject)
            if namespace == identity.namespace or _accounts_in(ctx, namespace):
                continue
        elif not (subject.kind == "Group" and subject.name in (identity.user, identity.name)):
            # Only a Group spelled exactly as the ServiceAccount's user name or its name (`prometheus`, the User
            # case's twin: a group is matched by membership, and no ServiceAccount token is in a group named so —
            # FACTS §8) is an evident kind mistake; any other group is someone else's.
            continue
        if not binding_applies(binding, request):
            continue
        role = ctx.workspace.role_for(binding) or ctx.workspace.rejected_role_for(binding)
        if role is None:
            continue
        if any(rule_allows(rule, request) for rule in authorizer.effective_rules(role)):
            return binding, subject.describe()
    return None


# ---------------------------------------------------------------------------------------------- KS100, KS106, KS107, KS109


def _jobs_by_config(ctx: Context) -> dict[int, list[JobAnalysis]]:
    """id(config) → its analysed jobs, in order; built once (a pass over every job per unresolved config was
    quadratic in a directory of stand-alone configs)."""
    def build() -> dict[int, list[JobAnalysis]]:
        found: dict[int, list[JobAnalysis]] = {}
        for job in ctx.analysis.jobs:
            found.setdefault(id(job.job.config), []).append(job)
        return found
    return ctx.once("jobs by config", build)


@check("KS100")
def identity_unresolved(ctx: Context) -> Iterator[Finding]:
    for config in ctx.analysis.configs:
        resolution = ctx.analysis.resolutions[id(config)]
        if resolution.identity is not None:
            continue
        if config.unrun_why:
            # A Prometheus/PrometheusAgent no operator runs: said here when it has jobs of its own
            # (additionalScrapeConfigs) or selects no monitor — else its monitors' KS100 says it.
            if not config.jobs and selects_a_monitor(ctx.workspace, config.runner):
                continue
        elif not config.jobs:
            continue
        if config.unread_runner is not None:
            continue  # a Grafana Agent or an OpenTelemetry target allocator runs it: KS007 says so, once
        jobs = _jobs_by_config(ctx).get(id(config), [])
        # Jobs that ask no access (a Probe's or ScrapeConfig's static targets) lose nothing to an unknown identity,
        # except when runners of the inputs leave their monitor out (unselected_why): then they run nowhere.
        idle = not any(j.needs or j.credential_gaps for j in jobs) and not any(j.job.sd_configs for j in jobs)
        if not config.unrun_why and idle and not config.unselected_why:
            continue
        if jobs and all(j.job.rejected for j in jobs):
            continue  # a monitor the API server refuses (KS602): no job of it runs, whoever would load it
        if config.unrun_why:
            span = config.runner.name_span()
        elif config.holder is not None:
            span = config.holder.key_span(holder_section(config.holder, config.key), config.key)
        else:
            span = at(config.path, config.root.key_pos("scrape_configs") if "scrape_configs" in config.root else config.root.pos)
        skipped = (f"none of its {len(config.jobs)} job(s) is scraped" if idle and not config.unrun_why else
                   f"access checks for its {len(config.jobs)} job(s) were skipped" if config.jobs else
                   "it selects no monitor of the inputs and has no additionalScrapeConfigs, so no job of it was "
                   "checked")
        yield Finding(
            "KS100", span,
            f"cannot tell which ServiceAccount loads the Prometheus config {config.describe}: {resolution.reason}; "
            f"{skipped}",
            fix=resolution.fix or (
                # no access of these jobs to check: naming an identity would silence this and scrape nothing more
                "Change the selectors named above to take it in, or lint the monitor together with the Prometheus "
                "or PrometheusAgent meant to select it." if idle and not config.unrun_why else
                ("Lint the monitor together with the Prometheus or PrometheusAgent meant to select it"
                 + (" (with the selectors named above changed to take it in)" if config.unselected_why else "")
                 if config.origin == "operator" else
                 "Lint the config together with the workload that mounts it")
                + ", or name the identity with `--identity NAMESPACE/SERVICEACCOUNT` (or `identities` in the "
                  "configuration)."),
            object=config.describe,
        )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _scheme_span(job) -> Span | None:
    """The written `scheme: http` that sends the job's requests in clear text, if the job writes one."""
    return value_span(job.path, job.node, "scheme") if "scheme" in job.node else None


# The comment a fix writes beside `insecure_skip_verify: true` for self-signed kubelets: the suppression KS301's own
# fix asks for, so the decision is recorded where it is made and applying the fix does not raise a new warning.
KUBELET_SKIP_VERIFY_NOTE = KUBELET_SELF_SIGNED  # (privilege.py imports it from here)


# _credentials_fix's serving_cert for a controller-runtime metrics server given a certificate (--metrics-cert-path),
# followed by the Secret mounted there (ctrlruntime.cert_secret; "" when none is).
OWN_CERT = "own-cert:"


def _serving_cert(ctx: Context, gap) -> str:
    """What signs the certificate of the gap's target, as _credentials_fix reads it: the kubelet assumption
    (self-signed | cluster-ca), or OWN_CERT + Secret for a controller-runtime server that loads its own certificate
    and does not self-sign (kubebuilder's cert-manager layout)."""
    secret = gap.endpoint.cert_secret if gap.target == "controller-runtime" else None
    return kubelet_serving_cert(ctx) if secret is None else OWN_CERT + secret


def _own_cert_tls(job, serving_cert: str) -> str:
    """The TLS settings that verify a controller-runtime server's own certificate: the CA of the Secret mounted at its
    --metrics-cert-path (cert-manager writes ca.crt) and a name the certificate holds, the way kubebuilder's
    config/prometheus/monitor_tls_patch.yaml verifies it. One line per setting, without indentation."""
    secret = serving_cert[len(OWN_CERT):] or "<the Secret mounted at --metrics-cert-path>"
    if job.monitor is not None:
        return f"ca: {{secret: {{name: {secret}, key: ca.crt}}}}\nserverName: <service>.<namespace>.svc"
    return (f"ca_file: <ca.crt of Secret {secret}, mounted into the Prometheus pod>\n"
            f"server_name: <service>.<namespace>.svc")


def _skip_verify_note(ctx: Context | None, job, target: str, serving_cert: str) -> str:
    """What else a fix that adds the token to a job with `insecure_skip_verify: true` must say: once the job sends a
    credential, KS301 reports the unchecked certificate, so applying the fix alone would raise a new warning.
    Against a cluster-CA-signed target (the API server, kubelets with serverTLSBootstrap) verify it instead; against
    a self-signed one record the decision where it is made, with the suppression KS301's own fix asks for. Nothing
    when the job already carries that suppression (on the key's line, above it, or above the job)."""
    if ctx is None or job.tls.get("insecure_skip_verify") is not True or (
            job.monitor is not None and scrape_class_setting(job, "tlsConfig", "insecureSkipVerify") is not None):
        return ""  # (a scrape class's setting: KS301 reports it once, at the class)
    span = key_span(job.path, job.tls, "insecure_skip_verify")
    source = ctx.source(span.path)
    lines = source.lines if source is not None else []
    job_line = job.span.line if job.span.path == span.path else span.line
    if any(line_suppresses(lines[n - 1], "KS301")
           for n in {span.line, span.line - 1, job_line, job_line - 1} if 0 < n <= len(lines)):
        return ""
    key = _key(job, "insecure_skip_verify")
    if serving_cert.startswith(OWN_CERT):
        settings = " and ".join(f"`{line}`" for line in _own_cert_tls(job, serving_cert).splitlines())
        return (f" Then replace its `{key}: true` with {settings}: the server loads the certificate in its "
                f"--metrics-cert-path, it does not self-sign; or KS301 reports the token sent to an unverified server.")
    if target in ("apiserver", "apiserver-proxy") or (target == "kubelet" and serving_cert == "cluster-ca"):
        return (f" Then replace its `{key}: true` with `{cluster_ca_field(job)}` (the cluster CA signs "
                f"that certificate), or KS301 reports the token sent to an unverified server.")
    reason = {"kubelet": "kubelets self-sign their serving certificates",
              "control-plane": "kube-controller-manager and kube-scheduler self-sign their serving certificates",
              "extension-apiserver": "extension API servers self-sign their serving certificates",
              "controller-runtime": "controller-runtime's metrics server self-signs its serving certificate",
              "kube-rbac-proxy": "kube-rbac-proxy self-signs its serving certificate"}.get(target, "<reason>")
    return (f"\nKS301 then reports the token sent with `{key}: true`: give the targets a certificate the scraper can "
            f"verify, or record the decision beside it: `# kubelint-scrape: ignore[KS301] {reason}`.")


def _lacking(requests: list[Request]) -> str:
    """`list, watch on endpoints, pods, services` — or, when the identity lacks different verbs on different
    resources (a role granting `list pods` but not `watch`), each verb set on its own resources
    (`list, watch on endpoints, services and watch on pods`): the message names only what is missing."""
    verbs_of: dict[str, set[str]] = {}
    for request in requests:
        resource = request.resource if not request.api_group else f"{request.api_group}/{request.resource}"
        verbs_of.setdefault(resource, set()).add(request.verb)
    resources_of: dict[tuple[str, ...], list[str]] = {}
    for resource in sorted(verbs_of):
        resources_of.setdefault(tuple(sorted(verbs_of[resource])), []).append(resource)
    return " and ".join(f"{', '.join(verbs)} on {', '.join(resources)}"
                        for verbs, resources in sorted(resources_of.items(), key=lambda item: (-len(item[0]), item[0])))


def _credentials_fix(job, target: str, serving_cert: str, ctx: Context | None = None) -> str:
    """How to send the ServiceAccount token, in the syntax of the resource the job comes from.

    Only the token when the job already says how to verify the target (a CA, or no verification): its TLS works
    and is not the problem. Else a TLS setting that verifies what the target serves: the cluster CA signs the API
    server's certificate; kubelets (unless `serverTLSBootstrap`), kube-controller-manager, kube-scheduler and
    kube-rbac-proxy and extension API servers (k8s.io/apiserver MaybeDefaultWithSelfSignedCerts) serve self-signed
    certificates unless given `--tls-cert-file`, so the cluster CA fails there."""
    tls_given = any(key in job.tls for key in ("ca_file", "ca", "insecure_skip_verify"))
    # The comment is KS301's suppression with its reason, as for the kubelet: the skip the fix writes is a decision
    # the user takes with it, and applying the fix must not raise KS301 on its own line.
    self_signed = {"kubelet": KUBELET_SKIP_VERIFY_NOTE if serving_cert != "cluster-ca" else "",
                   "control-plane": "kube-controller-manager and kube-scheduler self-sign unless given --tls-cert-file",
                   "extension-apiserver": "extension API servers self-sign unless given --tls-cert-file",
                   "controller-runtime": "controller-runtime's metrics server self-signs unless given a CertDir",
                   "kube-rbac-proxy": "kube-rbac-proxy self-signs unless given --tls-cert-file"}.get(target, "")
    if self_signed and target != "kubelet":
        self_signed = f"kubelint-scrape: ignore[KS301] {self_signed}"
    own_cert = serving_cert.startswith(OWN_CERT)
    if own_cert:
        self_signed = ""  # it serves the certificate given in --metrics-cert-path: verify that one
    if job.monitor is not None and names_no_files(job):
        return _secret_credentials_fix(job, tls_given, self_signed, target, serving_cert, ctx)
    if job.monitor is not None:  # a ServiceMonitor endpoint, which may name files of the Prometheus pod
        token = f"bearerTokenFile: {SA_TOKEN}"
        where = _auth_place(job.monitor.kind)
        if tls_given:
            return f"Add to {where} (its tlsConfig stays):\n  {token}" + _skip_verify_note(ctx, job, target, serving_cert)
        tls = f"insecureSkipVerify: true  # {self_signed}" if self_signed else f"caFile: {SA_DIR}/ca.crt"
        if own_cert:
            tls = _own_cert_tls(job, serving_cert).replace("\n", "\n    ")
        return f"Add to {where}:\n  {token}\n  tlsConfig:\n    {tls}"
    token_file, ca_file, note = SA_TOKEN, f"{SA_DIR}/ca.crt", ""
    if target in ("apiserver", "apiserver-proxy"):
        # Discovery already authenticates to this API server with a token file of its own (Prometheus outside the
        # cluster): the scrape needs the same, as discovery's credentials are not sent to targets (FACTS §4).
        discovery = job.discovery_token()
        if discovery is not None:
            token_file, ca_file = discovery[0], discovery[1] or ca_file
            note = " (the credentials its kubernetes_sd_configs uses for the API server)"
    token = f"authorization:\n    credentials_file: {token_file}"
    typo = misspelt_token_key(job.node)
    if typo is not None:  # the token is there under a misspelt key: KS601's rename sends it, an addition would clash
        rename = f'Rename "{typo[0]}" to "{typo[1]}" (the misspelt key KS601 reports: Prometheus sends no token from it)'
        if tls_given:
            return rename + "." + _skip_verify_note(ctx, job, target, serving_cert)
        tls = f"insecure_skip_verify: true  # {self_signed}" if self_signed else f"ca_file: {ca_file}"
        if own_cert:
            tls = _own_cert_tls(job, serving_cert).replace("\n", "\n    ")
        return f"{rename}, and add to the job:\n  tls_config:\n    {tls}"
    if tls_given:
        return f"Add to the job{note} (its tls_config stays):\n  {token}" + _skip_verify_note(ctx, job, target, serving_cert)
    tls = f"insecure_skip_verify: true  # {self_signed}" if self_signed else f"ca_file: {ca_file}"
    if own_cert:
        tls = _own_cert_tls(job, serving_cert).replace("\n", "\n    ")
    return f"Add to the job{note}:\n  {token}\n  tls_config:\n    {tls}"


# Kinds whose credentials and tlsConfig sit in the spec itself (no endpoints list): the Prometheus Operator's
# Probe/ScrapeConfig and the VM operator's VMScrapeConfig, VMNodeScrape and VMProbe (their spec inlines
# EndpointAuth); a VMStaticScrape's sit in each targetEndpoints item.
_SPEC_AUTH_KINDS = frozenset({"Probe", "ScrapeConfig", "VMScrapeConfig", "VMNodeScrape", "VMProbe"})


def _auth_place(kind: str) -> str:
    """Where a fix adds a monitor's credentials, in the words of its kind."""
    if kind in _SPEC_AUTH_KINDS:
        return "the spec"
    return "the targetEndpoints item" if kind == "VMStaticScrape" else "the endpoint"


def _secret_credentials_fix(job, tls_given: bool, self_signed: str, target: str, serving_cert: str,
                            ctx: Context | None) -> str:
    """_credentials_fix for an Operator job that cannot name the token file (operator.names_no_files): the token
    from a Secret (`authorization.credentials`; the deprecated `bearerTokenSecret` is the same) and the cluster CA
    from the kube-root-ca.crt ConfigMap. The operator reads both from the monitor's namespace, while a
    service-account-token Secret holds the token of a ServiceAccount of its own namespace."""
    monitor = job.monitor
    if monitor.kind in KINDS_WITHOUT_FILES:
        why = f"a {monitor.kind} takes only Secret and ConfigMap references"
    else:
        why = (f"{job.config.describe} sets arbitraryFSAccessThroughSMs.deny: true, so the operator rejects a "
               f"ServiceMonitor with bearerTokenFile or tlsConfig.caFile (KS603)")
    where = _auth_place(monitor.kind)
    secret = f"<Secret> is {token_secret_text(job)}. Not the token file: {why}."
    token = "authorization:\n    credentials: {name: <Secret>, key: token}"
    if tls_given:
        return (f"Add to {where} (its tlsConfig stays):\n  {token}\n{secret}"
                + _skip_verify_note(ctx, job, target, serving_cert))
    tls = (f"insecureSkipVerify: true  # {self_signed}" if self_signed
           else CLUSTER_CA_CONFIGMAP.split(".", 1)[1])
    if serving_cert.startswith(OWN_CERT):
        tls = _own_cert_tls(job, serving_cert).replace("\n", "\n    ")
    return f"Add to {where}:\n  {token}\n  tlsConfig:\n    {tls}\n{secret}"


@check("KS111")
def discovery_credentials_missing(ctx: Context) -> Iterator[Finding]:
    """kubernetes_sd_configs with api_server and no credentials: Prometheus then sends none (in-cluster
    credentials apply only without api_server), so the API server handles its list/watch as system:anonymous."""
    authorizer = ctx.analysis.authorizer
    seen: set[Span] = set()
    for analysis in ctx.reported_jobs():
        job = analysis.job
        discoverer = analysis.resolution.discovery or analysis.resolution
        for sd in job.sd_configs:
            foreign = discovery_foreign_audience(sd, discoverer.pod)
            if foreign is not None:
                yield _foreign_audience_discovery(job, sd, foreign)
                continue
            if not anonymous_discovery(sd) or sd.credentials.refused:
                continue  # (authorization type basic: Prometheus refuses the config, KS601)
            span = sd.span("api_server")
            if span in seen:
                continue  # one operator resource's entry, shared by several Prometheus resources
            denied = [need.request for need in discovery_requests(sd, None)
                      if not authorizer.authorize(ANONYMOUS, need.request).allowed]
            if not denied:
                continue  # the inputs grant system:anonymous or system:unauthenticated what discovery lists
            seen.add(span)
            resources = ", ".join(dict.fromkeys(r.resource for r in denied))
            program = scraper_program(analysis)  # vmagent treats api_server alike (discovery/kubernetes api_config.go)
            operator = job.source_kind == "scrapeconfig"
            field = "apiServer" if operator else "api_server"
            fix = ("Set `authorization` (type Bearer, credentials from a Secret with a ServiceAccount token) on "
                   "this kubernetesSDConfigs entry, or remove apiServer: without it the operator's "
                   f"{program} uses its pod's ServiceAccount." if operator else
                   "Remove api_server (in-cluster discovery uses the pod's ServiceAccount token and CA), or give "
                   f"this kubernetes_sd_configs entry credentials:\n  bearer_token_file: {SA_TOKEN}"
                   + ("" if "tls_config" in sd.node else f"\n  tls_config:\n    ca_file: {SA_DIR}/ca.crt"))
            if sd.credentials.kind == "none":
                sent = (f"without credentials: {program} sends no token to an api_server it is given (the pod's "
                        "ServiceAccount token is used only without one)")
            else:  # basic auth, or an authorization scheme other than Bearer
                scheme = "basic auth" if sd.credentials.kind == "basic" else f"authorization type {sd.credentials.auth_type}"
                sent = (f"with {scheme} only, which the API server does not authenticate (it reads bearer tokens and "
                        f"client certificates)")
                fix = (f"Replace the {scheme} of this entry with a bearer token " + (
                    "(authorization with credentials from a Secret holding a ServiceAccount token), or remove "
                    "apiServer." if operator else f"(bearer_token_file: {SA_TOKEN} for the pod's own ServiceAccount), "
                    "or remove api_server to use in-cluster discovery."))
            yield Finding(
                "KS111", span,
                f"{job.label} discovers targets through {field} {sd.api_server} {sent}, "
                f"so the API server takes the list/watch of {resources} for system:anonymous and "
                f"answers 403 Forbidden (401 when anonymous authentication is off): the SD config finds zero targets",
                fix=fix, related=(Related(job.span, f"{job.label}"),), object=job.label,
                data={"api_server": sd.api_server, "denied": [f"{r.verb} {r.resource}" for r in denied]},
            )


def _foreign_audience_discovery(job, sd, foreign) -> Finding:
    """KS111 for discovery that sends a projected token minted for another audience: not anonymous but rejected —
    the API server accepts only tokens for its own audiences (--api-audiences), and an invalid token is a 401,
    never a fallback to system:anonymous (FACTS §1), so no grant of any identity can help."""
    resources = ", ".join(dict.fromkeys(n.request.resource for n in discovery_requests(sd, None)))
    return Finding(
        "KS111", sd.credentials.span,
        f"{job.label} discovers targets through api_server {sd.api_server} with the projected ServiceAccount token in "
        f"{foreign.file}, minted for audience {foreign.audience!r}: the API server accepts only tokens for its own "
        f"audiences (--api-audiences), so every list/watch of {resources} gets 401 Unauthorized and the SD config "
        f"finds zero targets",
        fix=(f"Remove `audience: {foreign.audience}` from that serviceAccountToken projection (the default audience is "
             f"the API server's), or point this entry's credentials file at the automounted token ({SA_TOKEN}), or "
             f"remove api_server to use in-cluster discovery; keep a separate projection for {foreign.audience!r} if another client "
             f"needs one."),
        related=(Related(foreign.span, f"the token's audience is {foreign.audience!r}"), Related(job.span, job.label)),
        object=job.label, data={"api_server": sd.api_server, "audience": foreign.audience},
    )


def _opted_in_proxy_fix(analysis: JobAnalysis, gap, ctx: Context) -> str:
    """KS106's fix for a kube-rbac-proxy of the inputs that opts in to a job for every opted-in workload (the
    prometheus chart's annotation jobs, no token, http): https and a token on that job would break its plain-HTTP
    targets and hand the token to each of them (KS306), so the proxy moves to a job of its own."""
    from ..authproxy import declared_targets, reviews_on_port

    job = analysis.job
    servers = declared_targets(ctx.workspace).servers
    # the proxy container listening on the gap's port (kube-state-metrics' chart runs one per port)
    serving = {index for index, _path, _span in analysis.proxies
               if reviews_on_port(servers[index].container, gap.endpoint.port)}
    server = servers[serving.pop()] if len(serving) == 1 else None
    whose = (f"the Service or pod of kube-rbac-proxy (container {server.container.name} of {server.pod.obj.kind} "
             f"{server.pod.obj.namespace}/{server.pod.obj.name})" if server is not None else
             f"the Service or pod of the kube-rbac-proxy on :{gap.endpoint.port}")
    return (f"Not in this job: it scrapes every workload that opts in ({gap.opted_in}) without credentials, and "
            f"https with a token here would break its plain-HTTP targets and send the token to every one of them "
            f"(KS306). Remove that opt-in from {whose} — or, where that pod also serves plain metrics this job "
            f"should keep, select that port instead so the proxy's is left out — and scrape the proxy with a job of "
            f"its own that keeps only it, "
            f"with `{'scheme: HTTPS' if job.source_kind == 'scrapeconfig' else 'scheme: https'}`, and "
            + _lower_first(_credentials_fix(job, gap.target, _serving_cert(ctx, gap), ctx))
            + review_fix_after_token(analysis, ctx)
            + _grant_once_authenticated(analysis, gap, ctx))


def _grant_once_authenticated(analysis: JobAnalysis, gap, ctx: Context) -> str:
    """The rest of KS106's fix when it sends the identity's token: the target then authorizes the request as the
    identity (FACTS §1, §7), so a grant the identity lacks turns the 401/403 as anonymous into a 403 as the
    ServiceAccount. Empty when the identity already holds it (or the target does not ask RBAC)."""
    identity = analysis.identity
    if identity is None or (gap.target.startswith("apiserver")
                            and any(sd.api_server and sd.credentials.kind == "token-file" for sd in analysis.job.sd_configs)):
        return ""  # no identity, or the fix sends discovery's own token file, whose account is out of view
    authorizer = ctx.analysis.authorizer
    lacking = []
    for need in gap.needs:
        if need.target == "kubelet" and ctx.analysis.assumptions.kubelet_authz == "always-allow":
            continue  # the kubelet allows whatever authenticates
        if need.review is not None and need.review.static_rule(identity, need.request) is not None:
            continue  # kube-rbac-proxy's static allow-list lets it in before RBAC
        decisions = [authorizer.authorize(identity, r) for r in (need.request, *need.alternatives)]
        if not any(d.allowed for d in decisions):
            lacking.append(need.request)
    if not lacking:
        return ""
    what = ", ".join(sorted({r.describe() for r in lacking}))
    return (f"\nThen the request is authorized as {identity}, which lacks {what} (403 Forbidden); "
            + _lower_first(fix_text(authorizer, identity, lacking, ctx.analysis)))


# The labels beginning with __ that Prometheus reads from a target after relabeling; every other one is dropped
# (prometheus scrape/target.go PopulateLabels; `__param_<name>` sets a URL parameter).
TARGET_SETTINGS = ("__address__", "__scheme__", "__metrics_path__", "__param_<name>", "__scrape_interval__",
                   "__scrape_timeout__")
# A hidden target label meant as a credential (`__bearer_token__`, `__basic_auth_password__`, `__authorization__`):
# a misconception, since credentials come only from the job's authorization/basic_auth/oauth2 settings.
_CREDENTIAL_LABEL = re.compile(r"__\w*(token|auth|password|credential|secret|header)\w*", re.IGNORECASE)


def _target_key(rule: YMap) -> str:
    return "targetLabel" if "targetLabel" in rule else "target_label"


def _credential_labels(job) -> list[tuple[YMap, str]]:
    """The relabel rules of a job whose target label looks like a credential Prometheus would send, but is not one
    it reads (TARGET_SETTINGS): it is dropped after relabeling and no credential is sent."""
    found = []
    for rule in job.relabel_nodes:
        name = as_str(rule.get(_target_key(rule)))
        if (_CREDENTIAL_LABEL.fullmatch(name) and not name.startswith(("__param_", "__tmp"))
                and name not in TARGET_SETTINGS):
            found.append((rule, name))
    return found


ENABLE_KUBELET_TOKEN_AUTHN = ("Enable token authentication on the kubelets (authentication.webhook.enabled: true, or "
                             "--authentication-token-webhook), or correct --kubelet-authn if your kubelets already have "
                             "it.")


@check("KS106")
def scrape_credentials_missing(ctx: Context) -> Iterator[Finding]:
    for analysis in ctx.reported_jobs():  # (a job of a monitor the operator refuses makes no request: not among them)
        job = analysis.job
        if job.credentials.refused:
            continue  # Prometheus refuses the whole config (KS601): no request is made to be anonymous
        for gap in analysis.credential_gaps:
            where = {"kubelet": f"the kubelet at :{gap.endpoint.port}{gap.endpoint.path}",
                     "apiserver": f"the API server at {gap.endpoint.path}",
                     "apiserver-proxy": f"the API-server proxy at {gap.endpoint.path}",
                     "control-plane": f"the control-plane component on :{gap.endpoint.port}{gap.endpoint.path}",
                     "extension-apiserver": f"the extension API server on :{gap.endpoint.port}{gap.endpoint.path}",
                     "controller-runtime": f"the {gap.endpoint.server} on :{gap.endpoint.port}{gap.endpoint.path}",
                     "kube-rbac-proxy": f"kube-rbac-proxy on :{gap.endpoint.port}{gap.endpoint.path}"}[gap.target]
            related = tuple(_identity_related(analysis.resolution, ctx.analysis.authorizer, 1))
            if gap.foreign_audience is not None:
                foreign = gap.foreign_audience
                review = ("the API server accepts only tokens for its own audiences (--api-audiences)"
                          if gap.target.startswith("apiserver") else
                          "the target has the API server review the token (TokenReview) for the API server's own "
                          "audiences, which rejects it")
                message = (f"{job.label} scrapes {where} with the projected ServiceAccount token in {foreign.file}, minted "
                           f"for audience {foreign.audience!r}: {review} → {gap.outcome}")
                fix = (f"Remove `audience: {foreign.audience}` from that serviceAccountToken projection (the default "
                       f"audience is the API server's), or send the automounted token ({SA_TOKEN}); keep a separate "
                       f"projection for {foreign.audience!r} if another client needs one."
                       + _grant_once_authenticated(analysis, gap, ctx))
                span = job.credentials.span
                related = (Related(foreign.span, f"the token's audience is {foreign.audience!r}"),) + related
            elif gap.token_ignored and not job.credentials.kubernetes_authenticates:
                scheme = "basic auth" if job.credentials.kind == "basic" else (
                    f"`authorization.type: {job.credentials.auth_type}`")
                message = (f"{job.label} scrapes {where} with {job.credentials.describe()}, but Kubernetes components "
                           f"authenticate only bearer tokens and client certificates and skip {scheme}, so the request "
                           f"is anonymous → {gap.outcome}")
                if job.credentials.kind == "basic":
                    key = "basicAuth" if job.monitor is not None else "basic_auth"
                    fix = (f"Replace `{key}` with a bearer token. "
                           + _credentials_fix(job, gap.target, _serving_cert(ctx, gap), ctx)
                           + _grant_once_authenticated(analysis, gap, ctx))
                else:
                    fix = (f"Remove `type: {job.credentials.auth_type}` from the authorization (its default, Bearer, is "
                           f"the scheme Kubernetes authenticates).")
                span = job.credentials.span
            elif gap.token_ignored:
                authn = ctx.analysis.assumptions.kubelet_authn
                # x509: anonymous is off too, so the request is not taken for system:anonymous but refused.
                state = "unauthenticated" if authn == "x509" else "anonymous"
                message = (f"{job.label} scrapes {where} with {job.credentials.describe()}, but with kubelet-authn: "
                           f"{authn} (assumption) the kubelet does not authenticate bearer tokens, so the request is "
                           f"{state} → {gap.outcome}")
                fix = ENABLE_KUBELET_TOKEN_AUTHN
                span = job.credentials.span
            elif analysis.pushprox is not None and analysis.pushprox.client is not None and job.credentials.kind == "none":
                via = analysis.pushprox
                how = ("over plain HTTP, but it serves only TLS there: Go's HTTPS server answers" if gap.plain_http
                       else "without a token (the client adds none without --token-path), so the request is anonymous →")
                message = (f"{job.label} scrapes {where} through PushProx: {via.client_name}, which makes the request, "
                           f"fetches it {how} {gap.outcome}")
                # A token set on the job would reach the proxy in clear text (KS303): the client's own is the fix.
                fix = (f"Run the client with `--token-path={SA_TOKEN}` (rancher-pushprox: `clients.https.enabled` and "
                       f"`useServiceAccountCredentials: true`), which also makes it use https, and grant its "
                       f"ServiceAccount `get` on {gap.endpoint.path}.")
                span = analysis.origins.get(gap.endpoint, job.span)
                related = (Related(via.span, f"{via.client_name} makes the requests sent to {via.proxy}"),) + related
            elif gap.plain_http:
                message = (f"{job.label} scrapes {where} over plain HTTP without credentials, but it serves only TLS "
                           f"there: Go's HTTPS server answers {gap.outcome} before any authentication, so every "
                           f"scrape fails (and over https without a token the request would be anonymous)")
                fix = (f"Set `{'scheme: HTTPS' if job.source_kind == 'scrapeconfig' else 'scheme: https'}`, and "
                       + _lower_first(_credentials_fix(job, gap.target, _serving_cert(ctx, gap), ctx))
                       + (review_fix_after_token(analysis, ctx) if gap.target == "kube-rbac-proxy" else "")
                       + _grant_once_authenticated(analysis, gap, ctx))
                span = _scheme_span(job) or analysis.origins.get(gap.endpoint, job.span)
            else:
                program = scraper_program(analysis)
                message = (f"{job.label} scrapes {where} without credentials: {program} sends no token unless the job "
                           f"sets `authorization`/`bearer_token_file`, so the request is anonymous → {gap.outcome}")
                for rule, name in _credential_labels(job):
                    written = "targetLabel" if job.monitor is not None else "target_label"
                    # vmagent reads more settings from __ labels (its own __series_limit__ and others), none a credential
                    reads = (f"Prometheus reads only {', '.join(TARGET_SETTINGS)} of the labels beginning with __ and "
                             "drops the rest after relabeling" if program == "Prometheus" else
                             "vmagent takes no credential from a target's labels")
                    message += f"; its relabel rule's `{written}: {name}` sends no credential ({reads})"
                    related = (Related(value_span(job.path, rule, _target_key(rule)),
                                       f"{written} {name} sets no credential: {program} drops it"),) + related
                # In the order the target checks them: the proxy reviews the token, then RBAC decides.
                fix = (_credentials_fix(job, gap.target, _serving_cert(ctx, gap), ctx)
                       + (review_fix_after_token(analysis, ctx) if gap.target == "kube-rbac-proxy" else "")
                       + _grant_once_authenticated(analysis, gap, ctx))
                authn = ctx.analysis.assumptions.kubelet_authn
                if gap.target == "kubelet" and authn in KUBELET_IGNORES_TOKENS:
                    # A token alone would only turn this into the token-ignored KS106: the kubelet must check it.
                    fix += (f"\nWith kubelet-authn: {authn} (assumption) the kubelets do not authenticate a token "
                            f"either: {_lower_first(ENABLE_KUBELET_TOKEN_AUTHN)}")
                # On the part that aims the job at the authenticated target (the SD role, the relabel rule), as
                # KS102–KS104 would be for the same job (SPEC §5).
                span = analysis.origins.get(gap.endpoint, job.span)
            if gap.opted_in and gap.target == "kube-rbac-proxy" and gap.foreign_audience is None and not gap.token_ignored:
                fix = _opted_in_proxy_fix(analysis, gap, ctx)
            yield Finding(
                "KS106", span, message, fix=fix, related=related,
                object=job.label, data={"target": gap.target, "outcome": gap.outcome},
            )


@check("KS107")
def service_account_token_not_mounted(ctx: Context) -> Iterator[Finding]:
    views: dict[tuple[int, int, int], tuple[_TokenView, set[str]] | None] = {}
    for analysis in ctx.reported_jobs():
        # the view depends on the config and whatever runs it alone: worked out once per config, not per job
        resolution = analysis.resolution
        key = (id(resolution.pod), id(resolution.runner), id(analysis.job.config))
        if key not in views:
            view = _token_view(analysis, ctx)
            views[key] = None if view is None else (view, _files_provided(view.mounts, view.volumes))
        # a token file beside the ServiceAccount directory is missing whether the admission plugin or the pod's own
        # volume (automountServiceAccountToken: false) fills that directory
        yield from _unmounted_secrets_file(analysis)
        yield from _unheld_volume_file(analysis, ctx)
        yield from _pushprox_token_unmounted(analysis, ctx)
        if views[key] is None:
            # the ServiceAccount admission plugin mounts token, ca.crt and namespace at the ServiceAccount path
            yield from _absent_service_account_files(analysis.job)
            continue
        pod, provided = views[key]
        missing = [(file, span, use) for file, span, use in reads_service_account_files(analysis.job) if file not in provided]
        if not missing:
            continue
        files = sorted({file for file, _, _ in missing})
        consequence = ("service discovery cannot start (in-cluster config needs the token)"
                       if any(use == "discovery" for _, _, use in missing)
                       and all(use.startswith("discovery") for _, _, use in missing)
                       else "service discovery cannot start (own_namespace reads the pod's namespace from that file)"
                       if any(use == "discovery own_namespace" for _, _, use in missing)
                       and all(use.startswith("discovery") for _, _, use in missing)
                       else "service discovery fails: without the CA file the in-cluster client checks the API server's "
                       "certificate against the system roots (x509: certificate signed by unknown authority)"
                       if all(use == "discovery CA" for _, _, use in missing)
                       else "service discovery fails (its requests to the API server cannot read the file)"
                       if all(use.startswith("discovery") for _, _, use in missing)
                       else "every scrape fails (Prometheus cannot read the file)")
        yield Finding(
            "KS107", missing[0][1],
            f"{analysis.job.label} reads {', '.join(f'{SA_DIR}/{f}' for f in files)} "
            f"({', '.join(sorted({_use_shown(analysis.job, use) for _, _, use in missing}))}) but {pod.cause}: "
            f"{consequence}",
            fix=pod.fix(files),
            related=(Related(pod.related_span, pod.related_text),),
            object=analysis.job.label, data={"files": [f"{SA_DIR}/{f}" for f in files]},
        )


def _absent_service_account_files(job) -> Iterator[Finding]:
    """A file of the ServiceAccount directory that the automounted volume does not hold (`ca.cert`, `tokn`): the
    volume has only token, ca.crt and namespace, so Prometheus cannot read it — a CA it cannot load keeps the
    job's HTTP client from being made, a token file it cannot read fails every scrape."""
    reads = list(reads_service_account_files(job))
    if job.credentials.kind == "token-file" and job.credentials.file.startswith(SA_DIR + "/"):
        reads.append((job.credentials.file[len(SA_DIR) + 1:], job.credentials.span, "scrape credentials"))
    seen: set[str] = set()
    for file, span, use in reads:
        if file in SA_FILE_SOURCES or file in OPENSHIFT_SA_FILES or file in seen:
            continue
        seen.add(file)
        meant = _close_matches(file, list(SA_FILE_SOURCES))
        yield Finding(
            "KS107", span,
            f"{job.label} reads {SA_DIR}/{file} ({_use_shown(job, use)}), which the ServiceAccount volume does not "
            f"hold (it holds ca.crt, namespace and token): "
            + ("service discovery fails (its requests to the API server cannot read the file)"
               if use.startswith("discovery") else "every scrape fails (Prometheus cannot read the file)"),
            fix=(f"Write {SA_DIR}/{meant[0]}." if meant else
                 f"Name a file the volume holds ({SA_DIR}/token, ca.crt or namespace), or mount the file there."),
            object=job.label, data={"files": [f"{SA_DIR}/{file}"]},
        )


SECRETS_ROOT = SA_DIR.rsplit("/", 1)[0] + "/"  # /var/run/secrets/kubernetes.io/
# How close a path outside that tree must be to one of the ServiceAccount files' paths to be read as a misspelling
# of it (`/var/run/secret/kubernetes.io/serviceaccount/token`, `/var/run/secrets/kubernetes/serviceaccount/ca.crt`).
TYPO_RATIO = 0.9


def _misspelt_path(file: str, meant: str) -> bool:
    """A path outside /var/run/secrets/kubernetes.io that is evidently `meant` (a ServiceAccount file) misspelt.
    Other paths may be files of the image itself, which the inputs cannot show, so only a near miss of the one
    well-known path is judged. /run is where most images link /var/run, so the file may be found there too."""
    if file.startswith("/run/") and ("/var" + file).startswith(SECRETS_ROOT):
        return False
    return difflib.SequenceMatcher(None, file, meant).ratio() >= TYPO_RATIO


def _unmounted_secrets_file(analysis: JobAnalysis) -> Iterator[Finding]:
    """A token or CA file that no volume mount of the pod's loading containers covers, where the file cannot be in
    the image: under /var/run/secrets/kubernetes.io/ beside the ServiceAccount directory (`serviceacount/token`) —
    that tree exists in a container only as the mount points of volumes (the automounted one, or the pod's own at
    the ServiceAccount path when it turns automounting off) —, or the ServiceAccount file's well-known path misspelt
    outside it (`/var/run/secret/…`). The file is not there: a token Prometheus cannot read fails every scrape, a CA
    it cannot load keeps the job's HTTP client from being made. Only for a workload's pod, whose mounts are all in
    the inputs (an Operator adds its own)."""
    job, pod = analysis.job, analysis.resolution.pod
    if pod is None:
        return
    reads = []
    if job.credentials.kind == "token-file":
        reads.append((job.credentials.file, job.credentials.span, "scrape credentials", SA_TOKEN))
    if as_str(job.tls.get("ca_file")):
        reads.append((as_str(job.tls.get("ca_file")), value_span(job.path, job.tls, "ca_file"), _use_shown(job, "tls_config.ca_file"), SA_CA))
    roots = None
    for written, span, use, meant in reads:
        # as the kernel resolves it: a templated `.../kubernetes.io//serviceaccount/token` is the automounted token
        file = os.path.normpath(written)
        if not file.startswith("/") or file.startswith(SA_DIR + "/"):
            continue
        in_tree = file.startswith(SECRETS_ROOT)
        if not in_tree and not _misspelt_path(file, meant):
            continue
        if roots is None:
            containers = loading_containers(pod, job.config) or pod.containers
            roots = [os.path.normpath(as_str(m.get("mountPath"))) for c in containers for m in c.mounts if as_str(m.get("mountPath"))]
        if any(file == root or file.startswith(root.rstrip("/") + "/") for root in roots):
            continue
        if in_tree:
            # what is there instead: the pod's own mounts under the tree, else the automounted ServiceAccount volume
            under = sorted({root for root in roots if root.startswith(SECRETS_ROOT)})
            there = (f"the volume{'s' if len(under) > 1 else ''} mounted at {', '.join(under)}" if under
                     else f"the ServiceAccount volume at {SA_DIR}")
            where = f"under {SECRETS_ROOT.rstrip('/')} the pod has only {there}"
        else:
            where = (f"no volume is mounted over {os.path.dirname(file)} in the containers that load the config, and "
                     f"the ServiceAccount's {os.path.basename(meant)} is at {meant}")
        consequence = ("every scrape fails (the file cannot be read)" if meant == SA_TOKEN else
                       "Prometheus cannot load the CA and makes no HTTP client for the job: it scrapes nothing")
        yield Finding(
            "KS107", span, f"{job.label} reads {file} ({use}), which no volume provides: {where}, so {consequence}",
            fix=f"Write {meant}.", object=job.label, data={"files": [file]},
        )


def _left_out_by_items(pod, container, root: str, file: str, workspace) -> tuple[Any, str, list[str], str] | None:
    """(ConfigMap/Secret, volume name, the paths its `items` project, the path they give the key or "") when a
    ConfigMap/Secret source of the volume mounted at `root` — the volume's own, or one of a projected volume's —
    holds the key the file names, but its `items` do not put it there (a source with items projects only those,
    at the paths they give). Not for a subPath mount, where the file's place in the volume is another."""
    key = os.path.relpath(file, root)
    mount = next((m for m in container.mounts if os.path.normpath(as_str(m.get("mountPath"))) == root
                  and not as_str(m.get("subPath"))), None)
    volume = mount and next((v for v in pod.volumes if as_str(v.get("name")) == as_str(mount.get("name"))), None)
    if volume is None:
        return None
    projected = [as_map(source) for source in as_seq(as_map(volume.get("projected")).get("sources"))]
    sources = ([("ConfigMap", as_map(volume.get("configMap")), "name"),
                ("Secret", as_map(volume.get("secret")), "secretName")]
               + [(kind, as_map(source.get(field)), "name") for source in projected
                  for kind, field in (("ConfigMap", "configMap"), ("Secret", "secret"))])
    for kind, source, name_field in sources:
        items = [as_map(item) for item in as_seq(source.get("items"))]
        holder = workspace.find(kind, pod.obj.namespace, as_str(source.get(name_field))) if items else None
        if holder is None or key not in holder_keys(holder):
            continue
        elsewhere = next((as_str(item.get("path")) for item in items if as_str(item.get("key")) == key), "")
        return holder, as_str(volume.get("name")), [as_str(item.get("path")) for item in items], elsewhere
    return None


# The key a kubernetes.io/tls Secret (and cert-manager's Certificate Secret) holds for each TLS file of a job.
_TLS_SECRET_KEYS = {"tls_config.ca_file": ("ca.crt",), "tls_config.cert_file": ("tls.crt",),
                    "tls_config.key_file": ("tls.key",)}


def _unheld_volume_file(analysis: JobAnalysis, ctx: Context) -> Iterator[Finding]:
    """A file the job reads — its token file, its tls_config CA, client certificate or key — under the mount of a
    ConfigMap/Secret volume (the config's own ConfigMap at /etc/prometheus, a Secret of tokens) that the
    ConfigMap/Secret does not hold: the mount hides whatever the image has there and the volume is read-only, so
    the file does not exist. A token file fails every request (prometheus/common http_config.go
    authorizationCredentialsRoundTripper.RoundTrip: "unable to read authorization credentials"); a TLS file keeps
    the job's HTTP client from being made (NewTLSRoundTripperWithContext → getTLSDataWithHash: "unable to read CA
    cert"), so the scrape pool is not created and the job scrapes nothing. Only for a workload's pod, whose mounts
    are all in the inputs, and only when the ConfigMap/Secret is too, with its keys (unheld_mounted_file)."""
    job, pod = analysis.job, analysis.resolution.pod
    if pod is None:
        return
    reads = []
    if job.credentials.kind == "token-file" and not job.credentials.refused:
        # (authorization type basic: Prometheus refuses the config, KS601, and reads no file)
        reads.append((job.credentials.file, job.credentials.span, "scrape credentials",
                      "every scrape fails (Prometheus cannot read the file: \"unable to read authorization credentials\")"))
    for key, what, error in (("ca_file", "CA", "unable to read CA cert"), ("cert_file", "client certificate",
                              "unable to read client cert"), ("key_file", "client key", "unable to read client key")):
        if as_str(job.tls.get(key)):
            reads.append((as_str(job.tls.get(key)), value_span(job.path, job.tls, key), f"tls_config.{key}",
                          f"Prometheus cannot load the {what} (\"{error}\") and makes no HTTP client for the job: "
                          f"it scrapes nothing"))
    containers = None
    for written, span, use, consequence in reads:
        file = os.path.normpath(written)
        if not file.startswith("/") or file.startswith(SA_DIR + "/"):
            continue  # a relative path is resolved against the config's directory; the ServiceAccount tree: above
        if "%{" in written or "${" in written:
            # a placeholder the agent fills from its environment before it parses the config (vmagent's %{VAR}:
            # VictoriaMetrics lib/promscrape/config.go Config.unmarshal → envtemplate.ReplaceBytes; the collector's
            # ${env:VAR}): the file read is not the text written
            continue
        containers = containers or loading_containers(pod, job.config) or pod.containers
        unheld = [unheld_mounted_file(pod, c, file, ctx.workspace) for c in containers]
        if not unheld or any(u is None for u in unheld):
            continue
        holder, root = unheld[0]
        keys = sorted(holder_keys(holder))
        left_out = _left_out_by_items(pod, containers[0], root, file, ctx.workspace)
        if left_out is not None:
            owner, volume, paths, elsewhere = left_out
            key = os.path.relpath(file, root)
            # the key is in the volume under the path its item gives: reading that file is the smaller change
            fix = (f"Write {os.path.join(root, elsewhere)}, where volume {volume} puts key {key}, or make that item's "
                   f"path {key}." if elsewhere else
                   f"Add `{{key: {key}, path: {key}}}` to the items of volume {volume} for {owner.kind} {owner.name} "
                   f"(or remove those `items` to project every key).")
            yield Finding(
                "KS107", span,
                f"{job.label} reads {file} ({use}): {owner.kind} {owner.namespace}/{owner.name} holds key {key}, but "
                f"volume {volume}, mounted at {root}, projects only {', '.join(paths) or 'no key'} from it (its "
                f"`items`), so the file does not exist and {consequence}",
                fix=fix, related=(Related(owner.name_span(), f"{owner.kind} {owner.namespace}/{owner.name}"),),
                object=job.label, data={"files": [file]},
            )
            continue
        # a misspelt key of the same volume, when the file it names is really there: not one the job reads for
        # another purpose (the CA is no client certificate), and first the key a kubernetes.io/tls Secret (or
        # cert-manager's) has for this purpose, whatever its spelling
        others = {os.path.basename(os.path.normpath(w)) for w, *_ in reads if os.path.normpath(w) != file}
        candidates = [k for k in keys if k not in others]
        usual = [k for k in _TLS_SECRET_KEYS.get(use, ()) if k in candidates]
        meant = next((k for k in usual + _close_matches(os.path.basename(file), candidates)
                      if mounted_key(pod, containers[0], os.path.join(os.path.dirname(file), k), ctx.workspace)), None)
        if meant:
            fix = f"Write {os.path.join(os.path.dirname(file), meant)}."
        elif holder.kind == "Secret":
            fix = (f"Add key {os.path.basename(file)} to Secret {holder.name}, or write the path of a file a volume "
                   f"of the container provides.")
        elif use == "scrape credentials":
            fix = ("Put the token in a Secret, mount it in the container (a `secret` volume) and write the path of "
                   f"its file, or write {SA_TOKEN} for the ServiceAccount's own.")
        else:
            # (not the ServiceAccount's ca.crt: the file may be the CA of a server outside the cluster)
            fix = (f"Add key {os.path.basename(file)} to ConfigMap {holder.name}, or put the file in a Secret, mount "
                   f"it in the container and write the path of its file.")
        yield Finding(
            "KS107", span,
            f"{job.label} reads {file} ({use}), which {holder.kind} {holder.namespace}/{holder.name}, mounted at "
            f"{root}, does not hold (it holds {', '.join(keys)}): the mount hides the image's files there, so "
            f"{consequence}",
            fix=fix, related=(Related(holder.name_span(), f"{holder.kind} {holder.namespace}/{holder.name}"),),
            object=job.label, data={"files": [file]},
        )


def _use_shown(job, use: str) -> str:
    """What a job reads a ServiceAccount file for, with the key as the user wrote it: an Operator monitor's
    `tlsConfig.caFile` rather than the generated `tls_config.ca_file`."""
    if use.startswith("tls_config.") and getattr(job, "monitor", None) is not None:
        return _key(job, use.split(".", 1)[1])
    return use


@dataclass(eq=False)
class _TokenView:
    """Why a config's pod lacks the automounted ServiceAccount files, and the volumes that put files there instead."""

    cause: str  # "<object> sets automountServiceAccountToken: false and no projected volume … provides it"
    fix: Callable[[list[str]], str]  # the fix, given the files that are missing
    related_span: Span
    related_text: str  # what related_span shows: the object that runs the config, or the mount that hides the files
    mounts: list[YMap]
    volumes: list[YMap]


# OpenShift's admission adds the service CA bundle to the automounted volume (the openshift-service-ca.crt ConfigMap,
# key service-ca.crt): a config naming that file is written for OpenShift, where it is there.
OPENSHIFT_SA_FILES = ("service-ca.crt",)
# The projection source of each file the automounted kube-api-access volume holds (admission.go TokenVolumeSource).
SA_FILE_SOURCES = {
    "token": "a serviceAccountToken source with `path: token`",
    "ca.crt": "a configMap source for kube-root-ca.crt with `items: [{key: ca.crt, path: ca.crt}]`",
    "namespace": "a downwardAPI source with `items: [{path: namespace, fieldRef: {fieldPath: metadata.namespace}}]`",
}
def _automount_off_fix(target: str, files: list[str]) -> str:
    """Mount the token again, or project what the scraper reads; own_namespace discovery also reads `namespace`,
    which a projection gets from the downward API."""
    sources = ["a serviceAccountToken source (path: token)", "the kube-root-ca.crt ConfigMap (key ca.crt)"]
    if "namespace" in files:
        sources.append("a downwardAPI item (path: namespace, fieldRef metadata.namespace)")
    return (f"Set automountServiceAccountToken: true on {target} (it takes precedence over the ServiceAccount), "
            f"or mount a projected volume at {SA_DIR} with {', '.join(sources[:-1])} and {sources[-1]}.")


def _automount_off(where: str, fix_target: str, related_span: Span, runs: str, mounts: list[YMap],
                   volumes: list[YMap], related_text: str = "") -> _TokenView:
    return _TokenView(f"{where} sets automountServiceAccountToken: false and no projected volume mounted at {SA_DIR} "
                      "provides it", lambda files: _automount_off_fix(fix_target, files), related_span,
                      related_text or f"{runs} runs the config", mounts, volumes)


def _token_view(analysis: JobAnalysis, ctx: Context) -> _TokenView | None:
    """None when the containers that run the config get the automounted ServiceAccount files."""
    resolution = analysis.resolution
    pod = resolution.pod
    if pod is not None:
        return _pod_token_view(pod, loading_containers(pod, analysis.job.config) or pod.containers, ctx)
    runner = resolution.runner
    if runner is None or runner.kind not in ("Prometheus", "PrometheusAgent"):
        return None
    # The operator writes the resource's automountServiceAccountToken into the pod (default true, so the
    # ServiceAccount's own setting never applies) and mounts `spec.volumes` at `spec.volumeMounts` in the
    # prometheus container (or at the mounts of a `spec.containers` entry that patches a container).
    spec = as_map(runner.doc.get("spec"))
    automount = spec.get("automountServiceAccountToken")
    if automount is not False:
        return None
    mounts = [as_map(m) for m in as_seq(spec.get("volumeMounts"))]
    mounts += [as_map(m) for c in as_seq(spec.get("containers")) for m in as_seq(as_map(c).get("volumeMounts"))]
    ref = f"{runner.kind} {runner.namespace}/{runner.name}"
    return _automount_off(ref, ref, runner.key_span("spec", "automountServiceAccountToken"),
                          ref, mounts, [as_map(v) for v in as_seq(spec.get("volumes"))],
                          f"{ref} sets automountServiceAccountToken: false")


def _pod_token_view(pod, containers: list, ctx: Context) -> _TokenView | None:
    """_token_view of a workload's pod, for the containers that read the files."""
    mounts = [m for c in containers for m in c.mounts]
    # the finding's second place is the setting that turns automount off: the pod spec's, else its
    # ServiceAccount's (the pod spec's takes precedence when set); objects named kind namespace/name throughout
    where = runs = f"{pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}"
    if pod.automount is False:
        span = pod.key_span("automountServiceAccountToken")
        target = "the pod spec"
        target += patched_note(span, pod.obj.path)
        return _automount_off(where, target, span, runs, mounts,
                              pod.volumes, f"{runs} sets automountServiceAccountToken: false in its pod spec")
    sa = ctx.workspace.service_accounts.get((pod.obj.namespace, pod.service_account))
    if pod.automount is None and sa is not None and sa.automount is False:
        where = f"ServiceAccount {pod.obj.namespace}/{pod.service_account}"
        return _automount_off(where, "the pod spec", sa.obj.key_span("automountServiceAccountToken"), runs, mounts,
                              pod.volumes, f"{where} sets automountServiceAccountToken: false, and {runs} does "
                              "not set it in its pod spec")
    return _own_token_mount(pod, containers, runs)


def _pushprox_token_unmounted(analysis: JobAnalysis, ctx: Context) -> Iterator[Finding]:
    """A PushProx client's --token-path that its pod does not hold: the client, not Prometheus, reads the token for
    the job's requests (pushprox.py), so a token the client's pod lacks fails every scrape just as one Prometheus's
    pod lacks does. Judged like Prometheus's own token file: under the ServiceAccount directory, against the files
    the automounted or the pod's own volumes put there; beside it, against the pod's mounts."""
    via = analysis.pushprox
    if via is None or via.client is None or not via.token_path:
        return
    pod, path = via.client, os.path.normpath(via.token_path)
    if not path.startswith(SECRETS_ROOT):
        return  # a file of the client's own (a Secret volume): not the ServiceAccount token
    containers = [c for c in pod.app_containers if via.token_path in c.flag_values(TOKEN_FLAG)] or pod.containers
    runs = f"{via.client_name} (it makes {analysis.job.label}'s requests with --token-path={via.token_path})"
    view = _pod_token_view(pod, containers, ctx)
    if path.startswith(SA_DIR + "/"):
        file = path[len(SA_DIR) + 1:]
        provided = set(SA_FILE_SOURCES) if view is None else _files_provided(view.mounts, view.volumes)
        if file in provided:
            return
        cause = "the ServiceAccount volume holds only ca.crt, namespace and token" if view is None else view.cause
    else:
        roots = [os.path.normpath(as_str(m.get("mountPath"))) for c in containers for m in c.mounts if as_str(m.get("mountPath"))]
        if any(path.startswith(root.rstrip("/") + "/") for root in roots):
            return
        under = sorted({root for root in roots if root.startswith(SECRETS_ROOT)})
        there = (f"the volume{'s' if len(under) > 1 else ''} mounted at {', '.join(under)}" if under
                 else f"the ServiceAccount volume at {SA_DIR}")
        cause = f"no volume of the client's pod provides it: under {SECRETS_ROOT.rstrip('/')} it has only {there}"
    # the token missing from the client's pod: mount it; any other file: name the token
    fix = view.fix(["token"]) if view is not None and path == SA_TOKEN else f"Run the client with --token-path={SA_TOKEN}."
    yield Finding(
        "KS107", via.span,
        f"{runs} reads {path}, but {cause}: the client cannot read the token, so every scrape through it fails",
        fix=fix,
        related=(Related(view.related_span if view is not None else pod.obj.span,
                         view.related_text if view is not None else f"{via.client_name} is defined here"),),
        object=analysis.job.label, data={"files": [path]},
    )


def _own_token_mount(pod, containers: list, runs: str) -> _TokenView | None:
    """With automount on, the ServiceAccount admission plugin adds its kube-api-access volume only to containers
    with no volumeMount at exactly the ServiceAccount path (plugin/pkg/admission/serviceaccount/admission.go:
    "Existing mounts at the default mount path prevent mounting of the API token"). When every container that
    runs the config mounts a volume of its own there, that volume alone decides which files it finds."""
    own = []
    for container in containers:
        mount = next((m for m in container.mounts if as_str(m.get("mountPath")) == SA_DIR), None)
        if mount is None:
            return None
        own.append((container, mount))
    if not own:
        return None
    container, mount = own[0]
    volume = as_str(mount.get("name"))
    where = f"container {container.name} of {pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}"
    cause = (f"{where} mounts its own volume {volume} at {SA_DIR}, which keeps the automounted ServiceAccount volume "
             f"out of that container, and volume {volume} does not provide it")

    def fix(files: list[str]) -> str:
        sources = "; ".join(SA_FILE_SOURCES[f] for f in files if f in SA_FILE_SOURCES)
        return (f"Add to volume {volume}: {sources}; or remove its mount at {SA_DIR}, so that the automounted volume "
                "provides token, ca.crt and namespace.")

    span = at(pod.obj.path, mount.value_pos("mountPath")) if isinstance(mount, YMap) and "mountPath" in mount else pod.obj.span
    return _TokenView(cause, fix, span, f"{runs} mounts volume {volume} here, in place of the automounted one",
                      [m for _c, m in own], pod.volumes)


def _files_provided(mounts: list[YMap], volumes: list[YMap]) -> set[str]:
    """Files that volumes put in the ServiceAccount directory (projected sources, a legacy token Secret)."""
    mounted = {as_str(m.get("name")) for m in mounts if as_str(m.get("mountPath")).rstrip("/") == SA_DIR}
    files = {path[len(SA_DIR) + 1:] for path in projected_files(mounts, volumes) if path.startswith(SA_DIR + "/")}
    for volume in volumes:
        if as_str(volume.get("name")) in mounted and isinstance(volume.get("secret"), dict):
            files |= {"token", "ca.crt", "namespace"}  # a legacy service-account-token Secret holds all three
    return files


def _outside_renaming_build(ctx: Context, resolution: Resolution, identity: Identity) -> str:
    """`, outside the kustomize build …` when an operator resource (whose serviceAccountName kustomize's nameReference
    never rewrites, kname.py) is in a build that renames objects: a ServiceAccount added beside it would be built
    under another name (`prometheus` → a-prometheus) and the reference would still miss it. A workload's
    serviceAccountName follows the rename, so there an account added in the build is found."""
    runner = resolution.runner
    if runner is None or resolution.span is None:
        return ""
    from ..kname import SA_REFERRERS, names_along
    from ..kustomize import workspace_builds

    builds = workspace_builds(ctx.workspace)
    found = builds.renamings()[0].get(os.path.abspath(resolution.span.path)) if builds is not None else None
    if not found or runner.kind in SA_REFERRERS:
        return ""
    return (f", outside the kustomize build that includes {resolution.span.path} (written in it, its namePrefix/"
            f"nameSuffix would name the account {names_along(identity.name, found[1])[-1]}, which the {runner.kind}'s "
            f"serviceAccountName, not rewritten by kustomize, would still miss)")


@check("KS109")
def service_account_not_found(ctx: Context) -> Iterator[Finding]:
    seen: set[tuple[str, str]] = set()
    every = [(config, each) for config in ctx.analysis.configs for each in ctx.analysis.resolutions[id(config)].each]
    _by_namespace, by_name = _accounts_by_namespace_and_name(ctx.workspace)
    for config, resolution in every:
        identity = resolution.identity
        if identity is None or resolution.explicit or resolution.managed or identity.name == "default":
            continue  # every namespace has a `default` ServiceAccount; operators create the ones they manage
        key = (identity.namespace, identity.name)
        if key in seen or key in ctx.workspace.service_accounts:
            continue
        seen.add(key)
        span = resolution.span or (at(config.path, config.jobs[0].node.pos) if config.jobs else at(config.path, config.root.pos))
        # A near miss in the same namespace is most likely a typo of the ServiceAccount that holds the grants (the
        # grant rules keep what the jobs will ask of it once renamed: grants.selection_fix_jobs).
        near_account = misspelt_runner_accounts(ctx.analysis).get(identity)
        near = near_account.name if near_account is not None else None
        hint = f" (did you mean ServiceAccount {identity.namespace}/{near}?)" if near else ""
        written, why, kept = (_account_reference(ctx, resolution.pod, Identity(identity.namespace, near)) if near
                              else ("", "", False))
        # (an account added under the name the pod writes would be renamed by the build the reference escapes)
        fix = (f"Name the existing ServiceAccount {near} instead of {identity.name}: write `serviceAccountName: "
               f"{written}`{why}." + ("" if kept else f" Or add a ServiceAccount {identity.name} in namespace "
                                                     f"{identity.namespace}.") if why else
               f"Name the existing ServiceAccount {near} instead of {identity.name}, or add a ServiceAccount "
               f"{identity.name} in namespace {identity.namespace}{_outside_renaming_build(ctx, resolution, identity)}."
               if near else
               f"Add a ServiceAccount {identity.name} in namespace {identity.namespace} to the manifests "
               "(or lint them together with the file that defines it).")
        related: tuple[Related, ...] = ()
        if near:
            existing = ctx.workspace.service_accounts[(identity.namespace, near)]
            related = (Related(existing.obj.span, f"ServiceAccount {identity.namespace}/{near} is defined here"),)
        elsewhere = sorted(ns for ns in by_name.get(identity.name, ()) if ns != identity.namespace)
        if resolution.namespace_assumed and elsewhere and not near:
            # The workload names no namespace (placed in the default one) and the account exists elsewhere: most
            # likely the manifests are applied with `-n`, which --default-namespace says.
            other = ctx.workspace.service_accounts[(elsewhere[0], identity.name)]
            hint = (f" (the workload names no metadata.namespace, so it is assumed to be applied to "
                    f"`{identity.namespace}`; ServiceAccount {elsewhere[0]}/{identity.name} is defined)")
            fix = (f"If the manifests are applied with `-n {elsewhere[0]}`, lint with --default-namespace "
                   f"{elsewhere[0]} (or set metadata.namespace on the workload); otherwise " + fix[0].lower() + fix[1:])
            related = (Related(other.obj.span, f"ServiceAccount {elsewhere[0]}/{identity.name} is defined here"),)
        elif elsewhere and not near:
            # The admission plugin looks the account up in the pod's own namespace only (admission.go
            # getServiceAccount(a.GetNamespace(), …)): one of the same name elsewhere is another account.
            other = ctx.workspace.service_accounts[(elsewhere[0], identity.name)]
            hint = (f" (ServiceAccount {elsewhere[0]}/{identity.name} is defined, but a pod can only run as a "
                    f"ServiceAccount of its own namespace)")
            fix = (f"Define the ServiceAccount {identity.name} in namespace {identity.namespace}, where the pods run (move "
                   f"the one in {elsewhere[0]} unless something there uses it); bindings must name it as "
                   f"{identity.namespace}/{identity.name}.")
            related = (Related(other.obj.span, f"ServiceAccount {elsewhere[0]}/{identity.name} is defined here"),)
        yield Finding(
            "KS109", span,
            f"ServiceAccount {identity} ({resolution.reason}) is not defined in the inputs{hint}: the API server "
            f"refuses to create the pods until it exists (error looking up service account {identity})",
            fix=fix, related=related, object=f"ServiceAccount/{identity.namespace}/{identity.name}",
        )
    yield from _token_secret_account_not_found(ctx, seen)


def _accounts_by_namespace_and_name(workspace) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(namespace → names, name → namespaces) of the ServiceAccounts the inputs define, in their order; built once
    (KS109 asks per undefined account: a pass over every account each was quadratic in a repository whose
    accounts are made elsewhere, by a chart or an operator)."""
    def build() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        by_namespace: dict[str, list[str]] = {}
        by_name: dict[str, list[str]] = {}
        for namespace, name in workspace.service_accounts:
            by_namespace.setdefault(namespace, []).append(name)
            by_name.setdefault(name, []).append(namespace)
        return by_namespace, by_name
    return workspace.index("accounts-by-namespace-and-name", build)


def _token_secret_account_not_found(ctx: Context, seen: set[tuple[str, str]]) -> Iterator[Finding]:
    """KS109 for the ServiceAccount a job's service-account-token Secret names (JobAnalysis.makers): the job's
    scrapes run as that account (SPEC §3 identity of the credential sent). Without it the token controller never
    fills the Secret and deletes it (k/k pkg/controller/serviceaccount/tokens_controller.go syncSecret: "service
    account does not exist, deleting token"), so the job has no token to send."""
    for analysis in ctx.reported_jobs():
        for identity, maker in analysis.makers.items():
            key = (identity.namespace, identity.name)
            if key in seen or key in ctx.workspace.service_accounts or identity.name == "default":
                continue  # every namespace has a `default` ServiceAccount (a PushProx client naming none runs as it)
            seen.add(key)
            if maker.pod is not None:  # a PushProx client's own account: a pod, not a token Secret, needs it
                yield Finding(
                    "KS109", maker.span,
                    f"ServiceAccount {identity} ({maker.reason}) is not defined in the inputs: the API server refuses "
                    f"to create the client's pods until it exists (error looking up service account {identity}), so "
                    f"{analysis.job.label} has no one to make its requests",
                    fix=(f"Add a ServiceAccount {identity.name} in namespace {identity.namespace} to the manifests (or "
                         f"lint them together with the file that defines it)."),
                    object=f"ServiceAccount/{identity.namespace}/{identity.name}",
                )
                continue
            stand_in = undefined_token_accounts(ctx.analysis).get(identity)
            if stand_in is not None:
                # an account there already holds what the job needs: the other way needs no grant at all (KS104's
                # fix says so too, and KS203 keeps that account's grant for it)
                other = (f"; or set the Secret's `kubernetes.io/service-account.name` annotation to {stand_in.name}: "
                         f"ServiceAccount {stand_in} already holds what {analysis.job.label} requests with this token, "
                         f"so the grants the access findings give {identity} are then not needed")
            else:
                other = (f"; or name an existing ServiceAccount of namespace {identity.namespace} in the Secret's "
                         f"`kubernetes.io/service-account.name` annotation (the token controller looks the account up "
                         f"in the Secret's own namespace) and give that account, not {identity}, the grants the access "
                         f"findings of this job name")
            yield Finding(
                "KS109", maker.span,
                f"ServiceAccount {identity} ({maker.reason}) is not defined in the inputs: the token controller "
                f"deletes a service-account-token Secret whose ServiceAccount does not exist, so {analysis.job.label} "
                f"has no token to send",
                fix=(f"Add a ServiceAccount {identity.name} in namespace {identity.namespace} to the manifests (or lint "
                     f"them together with the file that defines it){other}."),
                object=f"ServiceAccount/{identity.namespace}/{identity.name}",
            )

