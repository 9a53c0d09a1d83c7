"""KS201–KS209: is the scraper least-privileged? (FACTS §2, §3, §4, §6, §7, §8)

Subjects: the rules look at what *scraper identities* hold (grants.scraper_identities: the ServiceAccount of
some scrape job, or of a Prometheus/PrometheusAgent resource) through bindings in the inputs. Operator and
controller roles elsewhere in the inputs legitimately use `*` on their own CRDs, write verbs and Secrets; they are
not this tool's concern. Grants of a role that KS206 reports as an admin role are not repeated by KS201, KS202,
KS203, KS204, KS205 and KS207: one finding per root cause, the binding is the one thing to fix (its fix unbinds the
role, after which none of them would apply), and a KS202 "replace the `*`" beside KS206's "delete the binding"
would be two conflicting fixes for one mistake. Identities whose token other, unmodelled components
also use (an OpenTelemetry Collector's k8s receivers, its leader election, a Grafana Agent's log discovery, an
image with built-in jobs such as ama-metrics) get no KS203, KS207 or KS208: what those components need is unknown.

Bindings and roles the API server refuses only for their apiVersion (rbac.authorization.k8s.io/v1beta1 on 1.22+,
KS501) grant nothing today, but KS501's fix changes that and nothing else (v1beta1 is field-for-field v1), so the
hazard rules (KS201, KS202, KS204–KS207) judge what they would grant, noting it; KS203 and KS208, which are about
what is granted and used now, never see them (grants.version_refused_holdings).

Findings on a rule sit on the item that causes them (the `nodes/proxy` resource, the `*`, the write verb);
rules of built-in roles have no line in the inputs, so those findings sit on the binding's `roleRef`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterator

from ..analyse import PROXY_PATH_AT_KUBELET, ROOT_PROXY_REMOVED, target_asks_rbac
from ..authproxy import missing_config_files, reviewed_resources
from ..catalog import check, rule_params
from ..findings import Finding, Related
from ..fixes import moved_beside, moved_by_kustomize, render_rules_in, rules_for, verbs_to_add, yaml_scalar
from ..grants import (
    ADMISSION_USES,
    Holding,
    binding_label,
    describe_holders,
    idle_vmagents,
    Permission,
    Requirement,
    binding_applies,
    co_holders,
    config_reloader_requests,
    describe_permissions,
    holdings,
    job_identities,
    need_allowed_by,
    permissions,
    permissions_beyond,
    rule_owners,
    pods_running_as,
    requirements,
    scrape_pods,
    scraper_identities,
    scraper_program_names,
    selection_fix_needs,
    undefined_token_accounts,
    unmodelled,
    used_permissions,
    version_refused_bindings,
    version_refused_holdings,
)
from ..model import BindingDef, PolicyRule, RoleDef
from ..patchfix import delete_rule, replace_rule
from ..rbac import Grant, Identity, Request, names_allowed, names_identity, names_text, rule_allows, subject_applies, url_pattern_matches
from ..promconfig import SA_CA, SA_TOKEN, is_ip_address, split_url
from ..resources import knowledge
from ..targets import proxy_name_parts, kubelet_checks, kubelet_path_of_proxy, kubelet_subresources, split_address
from ..yamltree import Span, YMap, YSeq, as_map, as_seq, as_str, at, get_path
from .access import (KUBELET_SKIP_VERIFY_NOTE, grant_related, json_summary_scrape, misdirected_from, namespaced_discovery_route,
                     path_twin, proxied_node_scrape, role_label)
from .transport import direct_setting, kubelet_serving_cert, monitor_token, prometheus_kubelet_path, readonly_successors
from ..operator import monitor_endpoint, names_no_files
from .config import endpoints_fallback_successors, endpointslice_successors
from .context import Context
from .rbac_objects import grants_nothing, namespaced_verbs

CLUSTER_SCOPED = {"nodes", "namespaces", "users", "groups", "uids", "clusterroles", "clusterrolebindings",
                  "certificatesigningrequests", "signers", "persistentvolumes", "storageclasses"}


# ---------------------------------------------------------------------------------------------- shared


class _State:
    """Computed once per lint run and shared by the checks of this module."""

    def __init__(self, ctx: Context) -> None:
        analysis = ctx.analysis
        self.identities = scraper_identities(analysis)
        self.jobs = job_identities(analysis)
        holding_identities = _holding_identities(ctx, self.identities)
        self.all_holdings = holdings(analysis, holding_identities)
        # (a binding in a reported file makes the identities it binds holding identities: KS206 sees all it reports)
        self.admin_bindings = _admin_bindings(ctx, holding_identities)
        admin_ids = {id(b) for b, _why, _total in self.admin_bindings.values()}
        # KS201/204/205/207 skip what is reported as an admin role binding (KS206).
        self.holdings = []
        for holding in self.all_holdings:
            via = [v for v in holding.via if id(v[0]) not in admin_ids]
            if via:
                self.holdings.append(Holding(holding.role, holding.rule, via))
        # What bindings and roles refused for their apiVersion alone would grant (KS501's fix changes only that):
        # judged by the hazard rules alone (hazard_holdings), never by KS203/KS208 or the access analysis.
        refused = version_refused_holdings(analysis, self.identities, self.all_holdings)
        self.refused_admin = _refused_admin_bindings(ctx, self.identities)
        refused_admin_ids = set(self.refused_admin)
        self.hazard_holdings = list(self.holdings)
        for holding in refused:
            via = [v for v in holding.via if id(v[0]) not in refused_admin_ids]
            if via:
                self.hazard_holdings.append(Holding(holding.role, holding.rule, via, holding.refused))
        self._used: dict[Identity, dict] = {}
        self._used_by_rule: dict[Identity, dict[int, list[list]]] = {}
        self._unmodelled: dict[Identity, list[str]] = {}
        self.used_requests: dict[int, tuple[Holding, int, list[Request]]] = {}  # _used_requests per holding
        self.ctx = ctx
        # holdings per identity, so per-identity checks do not scan every holding of every identity
        self.holdings_of: dict[Identity, list[Holding]] = {}
        for holding in self.holdings:
            for identity in holding.identities:
                self.holdings_of.setdefault(identity, []).append(holding)

    def co_holders(self, holding: Holding) -> list[tuple[BindingDef, object]]:
        """The non-scraper subjects bound to the holding's rule in the inputs (grants.co_holders)."""
        index = self.ctx.once("co-holders", lambda: co_holders(self.ctx.analysis, self.identities))
        return index.get(id(holding.rule), [])

    def unmodelled(self, identity: Identity) -> list[str]:
        if identity not in self._unmodelled:
            self._unmodelled[identity] = unmodelled(self.ctx.analysis, identity)
        return self._unmodelled[identity]

    def used_by_rule(self, identity: Identity) -> dict[int, list[list]]:
        """id(rule) → the use lists of its permissions (used() indexed by rule: asked per holding)."""
        index = self._used_by_rule.get(identity)
        if index is None:
            index = self._used_by_rule[identity] = {}
            for (rule_id, _perm), uses in self.used(identity).items():
                index.setdefault(rule_id, []).append(uses)
        return index

    def used(self, identity: Identity) -> dict:
        if identity not in self._used:
            self._used[identity] = used_permissions(self.ctx.analysis, identity, self.jobs.get(identity, []))
        return self._used[identity]


def _holding_identities(ctx: Context, identities: list[Identity]) -> list[Identity]:
    """The identities whose holdings a reported finding could involve. A finding about a holding sits at its rule
    or at one of its bindings and names every identity bound to the rule, so: the identities that hold, through a
    binding in the inputs, any rule that is in a reported file or bound by a binding in one."""
    if ctx.report_paths is None:
        return identities
    authorizer = ctx.analysis.authorizer
    pairs = {identity: [(b, r) for b, r in authorizer.bindings(identity) if not b.builtin] for identity in identities}
    shown: set[int] = set()
    for bound in pairs.values():
        for binding, role in bound:
            rules = authorizer.effective_rules(role)
            whole = binding.obj is not None and ctx.reports(binding.obj.path)
            shown.update(id(rule) for rule in rules if whole or ctx.reports(rule.path))
    return [identity for identity, bound in pairs.items()
            if any(id(rule) in shown for _b, role in bound for rule in authorizer.effective_rules(role))]


def privilege_state(ctx: Context) -> _State:
    """The state the least-privilege checks share (holdings, uses, co-holders), made once per run (also read by
    KS503, whose fix depends on what the scrapers holding a rule use)."""
    return ctx.once("privilege state", lambda: _State(ctx))


def _scope(binding: BindingDef) -> str:
    return "cluster-wide" if binding.kind == "ClusterRoleBinding" else f"in namespace {binding.namespace}"


def _role_name(role: RoleDef) -> str:
    prefix = "built-in " if role.builtin else ""
    return f"{prefix}{role.kind} {role.name}" if role.kind == "ClusterRole" else f"Role {role.namespace}/{role.name}"


def _bound(holding: Holding, identity: Identity | None = None) -> str:
    """`scraper monitoring/prometheus (ClusterRoleBinding prometheus)`."""
    parts = []
    for ident in holding.identities if identity is None else [identity]:
        names = list(dict.fromkeys(binding_label(b) for b in holding.bindings_of(ident)))
        # a role bound thousands of times (one RoleBinding per namespace) would make a message of thousands of names
        bindings = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        parts.append(f"{ident} ({bindings})")
    if len(parts) == 1:
        return f"scraper {parts[0]}"
    return f"scrapers {', '.join(parts[:-1])} and {parts[-1]}"


def _binding_related(holding: Holding, identity: Identity | None = None) -> list[Related]:
    """The first three distinct bindings of the holding (to `identity`), then the refused objects. Stops at three:
    a rule bound by thousands of bindings would otherwise build (and compare) an entry for each, per finding."""
    related: list[Related] = []
    entries = holding.via if identity is None else [(b, r, identity) for b, r in holding.via_of(identity)]
    for binding, role, ident in entries:
        if len(related) == 3:
            break
        if binding.obj is None:
            continue
        refused = any(item is binding for item, _f in holding.refused)
        text = f"{binding.ref} {'would bind' if refused else 'binds'} {binding.role_ref} to {ident}"
        if role is not holding.role:
            text += f" (which aggregates {holding.role.ref})"
        item = Related(_role_ref_span(binding), text)
        if item not in related:
            related.append(item)
    return related + _refused_related(holding.refused)


def _refused_related(refused: tuple) -> list[Related]:
    """Where KS501 says why a refused holding's objects do not exist yet: their apiVersion."""
    return [Related(finding.span, f"KS501: {_object_label(item)} uses apiVersion {finding.data.get('apiVersion', '')}, "
                                  f"which the API server refuses")
            for item, finding in refused]


def _refused_note(refused: tuple) -> str:
    """The note on a hazard through objects refused for their apiVersion alone (grants.version_refused_bindings):
    not granted today, granted exactly as written once KS501's apiVersion fix is applied."""
    if not refused:
        return ""
    labels = " and ".join(_object_label(item) for item, _f in refused)
    one = len(refused) == 1
    return (f" — once the apiVersion of {labels} is fixed (KS501): the API server refuses {'it' if one else 'them'} "
            f"today, so nothing is granted yet, but the apiVersion is all KS501's fix changes")


def _object_label(item: BindingDef | RoleDef) -> str:
    return binding_label(item) if isinstance(item, BindingDef) else _role_name(item)


def _shown(ctx: Context, holdings: list[Holding]) -> list[Holding]:
    """The holdings whose findings could be reported (see _reported), filtered once per list and run."""
    if ctx.report_paths is None:
        return holdings
    memo = ctx.once("shown holdings", dict)  # the lists live as long as the Context: ids are stable
    shown = memo.get(id(holdings))
    if shown is None:
        shown = memo[id(holdings)] = [h for h in holdings if _reported(ctx, h)]
    return shown


def _reported(ctx: Context, holding: Holding) -> bool:
    """Whether a finding about this holding could be reported: they sit at the rule or at a binding of it."""
    if ctx.report_paths is None:
        return True
    memo = ctx.once("reported holdings", dict)  # holdings live as long as the Context: ids are stable
    reported = memo.get(id(holding))
    if reported is None:
        reported = memo[id(holding)] = ctx.reports(holding.rule.path, *(b.obj.path for b, _r, _i in holding.via if b.obj is not None))
    return reported


def _reported_for(ctx: Context, holding: Holding, identity: Identity) -> bool:
    """Whether KS203 could report a finding about the holding for `identity`. A rule of the inputs: as _reported (the
    finding sits at the rule and names every identity). A built-in role's rule is not in the inputs: its findings
    sit at the identity's own bindings (_unused_builtin_finding), so another identity's binding in a reported file
    does not count — the built-in `view` bound once per team made every team's identity judged at each re-lint of
    one team's RBAC (probe scale3). (The idle-binding findings are at bindings of the identity to roles of the
    inputs, whose holdings name those bindings.)"""
    if ctx.report_paths is None or not holding.role.builtin:
        return _reported(ctx, holding)
    return any(ctx.reports(binding.obj.path if binding.obj is not None else holding.rule.path)
               for binding, _role in holding.bound_by(identity))


def _role_ref_span(binding: BindingDef) -> Span:
    """The roleRef's name value (where KS502 points too): the smallest node naming the role."""
    span = binding.role_ref_span()
    assert span is not None
    return span


def _rule_span(holding: Holding, key: str | None = None, values: tuple[str, ...] = ()) -> Span:
    """The first item of `key` whose value is in `values`; else the key, the rule, or the binding's roleRef."""
    rule = holding.rule
    if rule.node is None:
        for binding, _role, _identity in holding.via:
            if binding.obj is not None:
                return _role_ref_span(binding)
        return rule.span()
    if key is None:
        return rule.span()
    seq = rule.node.get(key)
    if isinstance(seq, YSeq):
        for index, item in enumerate(seq):
            if as_str(item) in values:
                return at(rule.path, seq.item_pos(index))
    return rule.span(key) if key in rule.node else rule.span()


def _where(holding: Holding) -> str:
    role = holding.role
    if role.builtin:
        return _role_name(role)
    return f"{_role_name(role)} {rule_index(holding.rule)}"


def rule_index(rule: PolicyRule) -> str:
    """A rule as the API server's validation messages and the RBAC-object findings name it: `rules[0]`."""
    return f"rules[{rule.index}]"


def _names_data(names: tuple[str, ...]) -> dict:
    return {"names": list(names)} if names else {}


def _only_for(names: tuple[str, ...]) -> str:
    """How a finding names a grant's resourceNames: ` (only for names a, b)`, or nothing when it is for every name."""
    return f" (only for names {names_text(names)})" if names else ""


# ---------------------------------------------------------------------------------------------- KS201


# The verbs a request through nodes/proxy carries (API server /api/v1/nodes/NAME/proxy/…, or the kubelet itself):
# named from the HTTP method of a request for one node (FACTS §1, §2). list, watch and deletecollection are
# the verbs of requests without a name, which a proxy path never is, so they reach no kubelet.
PROXY_METHODS = {"get": "GET", "create": "POST", "update": "PUT", "patch": "PATCH", "delete": "DELETE"}


def _nodes_proxy(verb: str) -> Request:
    return Request(verb, "", "nodes", "proxy")


def _names_serve(names: tuple[str, ...], request: Request) -> bool:
    """Whether a grant for `names` (() = every name) serves a request: one for every node (a discovered one) is
    served for the names the grant has; one naming its node (a proxy path written out) only if the grant names it —
    a grant for worker-2 is not what a job scraping worker-1 through the proxy uses (its KS103)."""
    return not names or request.name is None or request.name in names


@check("KS201", in_worker=True)
def nodes_proxy_granted(ctx: Context) -> Iterator[Finding]:
    state = privilege_state(ctx)
    for holding in _shown(ctx, state.hazard_holdings):
        verbs = [v for v in PROXY_METHODS if holding.applies(_nodes_proxy(v))]
        if not verbs:
            continue
        request = _nodes_proxy(verbs[0])  # nodes are cluster-scoped: the same bindings apply whatever the verb
        identities = list(dict.fromkeys(i for _b, i in holding.applies(request)))
        names = names_allowed(holding.rule, request) or ()  # resourceNames here are node names (FACTS §1, §2)
        via_star = "nodes/proxy" not in holding.rule.resources
        item = next((r for r in holding.rule.resources if r in ("nodes/proxy", "*/proxy", "*")), "nodes/proxy")
        # Jobs this grant serves: proxy scrapes of nodes authorized as get nodes/proxy. The legacy path
        # /api/v1/proxy/nodes/… asks for the verb `proxy` on nodes instead (FACTS §2), which this rule does not give.
        proxy_jobs = [(j, n) for i in identities for j in state.jobs.get(i, []) for n in j.needs
                      if n.target == "apiserver-proxy" and n.request.resource == "nodes"
                      and n.request.subresource == "proxy" and _names_serve(names, n.request)] if "get" in verbs else []
        role = _role_name(holding.role)
        assumptions = ctx.analysis.assumptions
        kubelet_rbac = assumptions.kubelet_authz != "always-allow"
        # Direct kubelet scrapes: the subresources they need, and those the kubelet checks only as nodes/proxy
        # (a path with no narrower subresource, or a fine-grained one on a version without the gate, FACTS §1).
        # A kubelet that authorizes nothing (kubelet-authz: always-allow) needs no grant for any path.
        # (Not a proxy path sent to the kubelet: it gets 404 with the grant or without, KS209.)
        kubelet_needs = [(j, n) for i in identities for j in state.jobs.get(i, []) for n in j.needs
                         if n.target == "kubelet" and target_asks_rbac(n, assumptions)
                         and n.unchecked != PROXY_PATH_AT_KUBELET] if "get" in verbs else []
        proxy_only = [(j, n) for j, n in kubelet_needs if n.request.subresource == "proxy" and not n.alternatives]
        unseen = _unseen_target_jobs([j for i in identities for j in state.jobs.get(i, [])])
        unread_only = ([] if any(state.jobs.get(i) for i in identities)
                       else list(dict.fromkeys(c for i in identities for c in state.unmodelled(i))))
        subresources = sorted({n.request.subresource for _j, n in kubelet_needs if n.request.subresource != "proxy"})
        narrower = ", ".join(f"nodes/{sub}" for sub in subresources or ["metrics"])
        # Proxied kubelet paths that the kubelet itself authorizes only as nodes/proxy on this version (FACTS §1):
        # scraping them directly would not make the grant unnecessary.
        version = assumptions.version
        proxied_proxy_only = [(j, n) for j, n in proxy_jobs if n.path and kubelet_rbac
                              and kubelet_subresources(kubelet_path_of_proxy(n.path), version)[0] == "proxy"]
        if proxied_proxy_only:
            labels = list(dict.fromkeys(j.job.label for j, _n in proxied_proxy_only))
            paths = ", ".join(dict.fromkeys(kubelet_path_of_proxy(n.path) for _j, n in proxied_proxy_only))
            purpose = (f"{', '.join(labels)} need{'s' if len(labels) == 1 else ''} it: through the API-server proxy, "
                       f"and scraped directly too, as the kubelet authorizes {paths} only as nodes/proxy on Kubernetes "
                       f"{ctx.analysis.assumptions.kubernetes_version}")
            fix = (f"Scrape only paths the kubelet authorizes with a narrower subresource (/metrics, /metrics/* → "
                   f"nodes/metrics; /stats → nodes/stats; /healthz, /pods, /configz → nodes/healthz, nodes/pods, "
                   f"nodes/configz from Kubernetes 1.33), directly on :10250 (see KS209), then replace \"{item}\" in "
                   f"{role} with those subresources (get).")
        elif proxy_jobs:
            labels = list(dict.fromkeys(j.job.label for j, _n in proxy_jobs))
            purpose = (f"{', '.join(labels)} use{'s' if len(labels) == 1 else ''} it only because "
                       f"{'it scrapes' if len(labels) == 1 else 'they scrape'} the kubelet through the API-server proxy (KS209)")
            direct = sorted({kubelet_subresources(prometheus_kubelet_path(j.job, kubelet_path_of_proxy(n.path)), version)[0]
                             for j, n in proxy_jobs if n.path} or {"metrics"})
            fix = (f"Scrape the kubelets directly on :10250 (see KS209), then "
                   + _replace_proxy(state, holding, item, role, direct, "(get)."))
            if not kubelet_rbac:
                fix = (f"Scrape the kubelets directly on :10250 (see KS209), then remove \"{item}\" from {role}: "
                       f"the kubelets authorize every request (assumption kubelet-authz: always-allow).")
        elif proxy_only:
            labels = list(dict.fromkeys(j.job.label for j, _n in proxy_only))
            paths = ", ".join(dict.fromkeys(n.path for _j, n in proxy_only))
            purpose = (f"{', '.join(labels)} need{'s' if len(labels) == 1 else ''} it: the kubelet authorizes {paths} "
                       f"only as nodes/proxy on Kubernetes {ctx.analysis.assumptions.kubernetes_version}")
            fix = (f"Scrape only paths the kubelet authorizes with a narrower subresource (/metrics, /metrics/* → "
                   f"nodes/metrics; /stats → nodes/stats; /healthz, /pods, /configz → nodes/healthz, nodes/pods, "
                   f"nodes/configz from Kubernetes 1.33), then replace \"{item}\" in {role} with those subresources (get).")
        elif "get" in verbs and unseen:
            labels = list(dict.fromkeys(j.job.label for j in unseen))
            sources = ", ".join(dict.fromkeys(key for j in unseen for key in j.job.other_sd))
            purpose = (f"whether a job needs it cannot be told: {', '.join(labels)} send{'s' if len(labels) == 1 else ''} "
                       f"the token to targets from {sources} that the inputs do not show (a kubelet path with no "
                       f"narrower subresource, or the API-server proxy, would need it)")
            fix = (f"If those targets are kubelets scraped on /metrics or /metrics/*, replace \"{item}\" in {role} with "
                   f"\"nodes/metrics\" (get); keep nodes/proxy only for a kubelet path it alone authorizes." if kubelet_rbac
                   else f"Unless those targets include API-server proxy paths, remove \"{item}\" from {role}: the "
                        f"kubelets authorize every request (assumption kubelet-authz: always-allow).")
        elif "get" in verbs and not kubelet_rbac:
            purpose = ("no job needs it: the kubelets authorize every request without asking RBAC (assumption "
                       "kubelet-authz: always-allow), and no job scrapes them through the API-server proxy")
            fix = _drop_item(state, holding, item, role, ".")
        elif "get" in verbs and unread_only:
            # A pod loading a config this tool cannot read (KS007): whether it goes through the API-server proxy
            # is unknown, but the hazard is the grant itself.
            purpose = (f"{' and '.join(unread_only)} use{'s' if len(unread_only) == 1 else ''} this token, and "
                       f"{'is' if len(unread_only) == 1 else 'are'} not read here; a kubelet scraped on :10250 needs only nodes/metrics, nodes/proxy only through "
                       f"the API-server proxy")
            fix = _replace_proxy(state, holding, item, role, subresources, "(verbs [\"get\"]).")
            fix = fix[0].upper() + fix[1:]
        elif "get" in verbs:
            purpose = f"no job needs it: kubelet scrapes on :10250 need only {narrower}"
            fix = _replace_proxy(state, holding, item, role, subresources, "(verbs [\"get\"]).")
            fix = fix[0].upper() + fix[1:]
        else:
            purpose = "no job needs it: scrapes send only GET requests" + (
                ", and kubelet scrapes on :10250 need only get nodes/metrics" if kubelet_rbac else "")
            tail = "; a scraper needs only \"nodes/metrics\" with verbs [\"get\"]." if kubelet_rbac else "."
            # (A `*` beside other resources: nothing literal to remove, _drop_item writes the rule as it should read.)
            fix = (_drop_item(state, holding, item, role, tail) if list(holding.rule.resources) == [item] or item != "nodes/proxy" else
                   f"Remove \"{item}\" from this rule of {role} (or its {', '.join(chr(34) + v + chr(34) for v in verbs)} verb"
                   f"{'s' if len(verbs) > 1 else ''})" + tail)
        # (Not when the fix only drops nodes/proxy because another rule grants the scrapes' subresources.)
        granted_elsewhere = bool(subresources) and len(_granted_elsewhere(state, holding, subresources)) == len(subresources)
        if names and kubelet_rbac and not granted_elsewhere:
            fix += " Drop the resourceNames too: a scraper needs nodes/metrics on every node."
        fix = _shared_fix(state, holding, "nodes/proxy", fix)
        related = _binding_related(holding)
        # One per job and place: a job naming several nodes has one need per node, all on the same relabel rule.
        places = list(dict.fromkeys((j.job.label, n.span) for j, n in proxy_jobs))
        related += [Related(span, f"{label} scrapes through the API-server proxy") for label, span in places[:2]]
        through = f" through \"{item}\"" if via_star else ""
        granted = "every verb (\"*\") on" if "*" in holding.rule.verbs else "/".join(verbs)
        yield Finding(
            "KS201", _rule_span(holding, "resources", (item,)),
            f"{_where(holding)} grants {granted} nodes/proxy{through}{_only_for(names)} to {_bound(holding)}: "
            f"{_proxy_harm(verbs, names)}; {purpose}{_holding_notes(state, holding)}",
            fix=fix, related=tuple(related), object=holding.role.ref,
            data={"identities": [str(i) for i in identities], "matched_by": item, "verbs": verbs, **_names_data(names)},
        )


def _replace_proxy(state: _State, holding: Holding, item: str, role: str, subresources: list[str], verbs: str) -> str:
    """How to trade the rule's nodes/proxy for the kubelet's narrower subresources. In place when that is exact;
    but `*` (or `*/proxy`) stands for more than nodes/proxy, and the rule's other verbs would land on
    nodes/<sub> too: then the rule as it should read — what its scrapers use through it, nodes/proxy replaced."""
    rule = holding.rule
    # Subresources another rule already grants the same identities: writing them here too is not minimal, and
    # dropping nodes/proxy loses nothing the scrapes use.
    elsewhere = _granted_elsewhere(state, holding, subresources)
    if subresources and len(elsewhere) == len(subresources):
        return _drop_proxy(state, holding, item, role, elsewhere)
    subresources = [sub for sub in subresources if sub not in elsewhere]
    # No kubelet job: the one-line form still names nodes/metrics (what a kubelet scrape would need); the rule
    # written out holds only what is used.
    narrower = [f"nodes/{sub}" for sub in subresources or ["metrics"]]
    if item == "nodes/proxy" and (set(rule.verbs) <= {"get"} or rule.resources == ("nodes/proxy",)):
        # A rule that already lists the narrower subresource loses nodes/proxy only: replacing it would write
        # the subresource twice.
        absent = [r for r in narrower if r not in rule.resources]
        if not absent:
            return (f"remove \"{item}\" from this rule of {role}: it already grants "
                    f"{', '.join(chr(34) + r + chr(34) for r in narrower)}.")
        return f"replace \"{item}\" in {role} with {', '.join(chr(34) + r + chr(34) for r in absent)} {verbs}"
    others = list(dict.fromkeys(c for i in holding.identities for c in state.unmodelled(i)))
    if item == "nodes/proxy" and others:
        return _remove_proxy_only(holding, role, subresources, others)
    return _rewritten_without_proxy(state, holding, item, role, subresources, ".")


def _rewritten_without_proxy(state: _State, holding: Holding, item: str, role: str, subresources: list[str],
                             end: str) -> str:
    """The rule as it should read: what its scrapers use through it, without nodes/proxy and with `get
    nodes/<sub>` for `subresources`; deleted when that is nothing (`end` closes that sentence). For an item that
    stands for more than nodes/proxy (`*`, `*/proxy`), whose other grants the jobs may use."""
    rule = holding.rule
    keep = [r for r in _used_requests(state, holding) if not (r.resource == "nodes" and r.subresource == "proxy")]
    keep += [r for r in (Request("get", "", "nodes", sub) for sub in subresources) if r not in keep]
    via = f" (\"{item}\" grants nodes/proxy)" if item != "nodes/proxy" else ""
    instead = (f"{' and '.join(f'nodes/{sub}' for sub in subresources)} in place of nodes/proxy" if subresources
               else "without nodes/proxy")
    if not keep:
        return delete_rule(rule, f"delete this rule of {role}{via}: its scrapers use nothing through it{end}")
    return replace_rule(rule, f"replace this rule of {role}{via} with what its scrapers use through it, {instead}",
                        holding.role, rules_for(keep))


def _drop_item(state: _State, holding: Holding, item: str, role: str, tail: str) -> str:
    """Remove `item` from the rule, or delete the rule when it is its only resource: `resources: []` is refused by
    the API server (KS501, k/k pkg/apis/rbac/validation ValidatePolicyRule), and the role's other rules with it.
    A wildcard item (`*`, `*/proxy`) stands for more than nodes/proxy (`*` grants the list/watch nodes of
    discovery too): deleted, the jobs' own grants would go with it (KS102), so the rule is rewritten as what its
    scrapers use through it, as _replace_proxy does, and deleted only when they use nothing."""
    rule = holding.rule
    if item != "nodes/proxy":
        return _cap(_rewritten_without_proxy(state, holding, item, role, [], tail))
    if list(rule.resources) == [item]:
        return delete_rule(rule, f"Delete this rule of {role}: \"{item}\" is all it grants{tail}")
    return f"Remove \"{item}\" from this rule of {role}{tail}"


def _granted_elsewhere(state: _State, holding: Holding, subresources: list[str]) -> dict[str, Grant]:
    """sub → a grant of `get nodes/<sub>` to every identity of the holding by a rule other than its own."""
    authorizer = state.ctx.analysis.authorizer
    found: dict[str, Grant] = {}
    for sub in subresources:
        others = [[g for g in authorizer.authorize(identity, Request("get", "", "nodes", sub)).grants
                   if g.rule is not holding.rule] for identity in holding.identities]
        if others and all(others):
            found[sub] = others[0][0]
    return found


def _drop_proxy(state: _State, holding: Holding, item: str, role: str, elsewhere: dict[str, Grant]) -> str:
    """The fix when every kubelet subresource the scrapes need is granted by another rule: this rule loses
    nodes/proxy (the item, or the whole rule when nothing else in it is used) and gains nothing."""
    grant = next(iter(elsewhere.values()))
    granted = (f"{', '.join(f'nodes/{sub}' for sub in elsewhere)} {'is' if len(elsewhere) == 1 else 'are'} already "
               f"granted by {_role_name(grant.role)} {rule_index(grant.rule)}")
    rule = holding.rule
    if item == "nodes/proxy" and len(rule.resources) > 1 and set(rule.verbs) <= {"get"}:
        return f"remove \"{item}\" from this rule of {role}: {granted}."
    keep = [r for r in _used_requests(state, holding) if not (r.resource == "nodes" and r.subresource == "proxy")]
    if not keep:
        return delete_rule(rule, f"delete this rule of {role}: {granted}, and its scrapers use nothing through it.")
    via = f" (\"{item}\" grants nodes/proxy)" if item != "nodes/proxy" else ""
    return replace_rule(rule, f"replace this rule of {role}{via} with what its scrapers use through it ({granted})",
                        holding.role, rules_for(keep))


def _remove_proxy_only(holding: Holding, role: str, subresources: list[str], others: list[str]) -> str:
    """The fix for a rule whose identity also runs components whose API use is not modelled (a collector's
    k8sattributes or k8s_cluster, a loader with built-in jobs): the rule's other resources may be theirs, so only
    nodes/proxy goes, and the kubelet subresources the scrapes need are added where the rule lacks them."""
    missing = [Request("get", "", "nodes", sub) for sub in subresources
               if names_allowed(holding.rule, Request("get", "", "nodes", sub)) is None]
    one = len(others) == 1
    kept = (f" and keep its other resources: {', '.join(others[:3])} also use{'s' if one else ''} this token, and "
            f"what {'it uses' if one else 'they use'} is not modelled")
    if not missing:
        return f"remove \"nodes/proxy\" from this rule of {role}{kept}."
    return (f"remove \"nodes/proxy\" from this rule of {role}{kept}; add the kubelet subresources its scrapes "
            f"need:\n" + render_rules_in(holding.role, rules_for(missing)))


def _proxy_harm(verbs: list[str], names: tuple[str, ...]) -> str:
    """What the verbs let a stolen token do through nodes/proxy (FACTS §3): GET reaches exec, attach and
    port-forward as WebSocket upgrades, POST is /exec and /run; other methods reach whatever the kubelet serves."""
    nodes, victim = _nodes(names), _taken_over(names)
    shell = [v for v in verbs if v in ("get", "create")]
    if shell == ["get"]:
        return (f"get on nodes/proxy reaches every kubelet API without a fine-grained subresource — exec, attach, run "
                f"and port-forward in every pod on {nodes} — so a stolen token takes over {victim}")
    if shell == ["create"]:
        return (f"create on nodes/proxy is a POST to every kubelet API without a fine-grained subresource — /exec and "
                f"/run execute commands in every pod on {nodes} — so a stolen token takes over {victim}")
    if shell:
        return (f"get and create on nodes/proxy reach every kubelet API without a fine-grained subresource by GET and "
                f"POST — exec, attach, run and port-forward in every pod on {nodes} — so a stolen token takes over {victim}")
    methods = "/".join(PROXY_METHODS[v] for v in verbs)
    return (f"{'/'.join(verbs)} on nodes/proxy send{'s' if len(verbs) == 1 else ''} {methods} requests to every kubelet "
            f"API on {nodes}, which the API server relays with its own kubelet credentials (allowed every kubelet API): "
            f"whatever a kubelet serves for {'that method' if len(verbs) == 1 else 'those methods'} is open to a stolen token")


def _nodes(names: tuple[str, ...]) -> str:
    return "every node" if not names else f"node{'s' if len(names) > 1 else ''} {', '.join(names)}"


def _taken_over(names: tuple[str, ...]) -> str:
    return "the cluster" if not names else "that node" if len(names) == 1 else "those nodes"


# ---------------------------------------------------------------------------------------------- KS202

WILDCARD_MEANS = {
    "verbs": "every verb, including create, delete, escalate, bind and impersonate",
    "apiGroups": "these resources in every API group, including CRDs installed later",
    "resources": "every resource and subresource, including secrets, nodes/proxy and pods/exec",
    "nonResourceURLs": "every non-resource URL of the API server",
}


@check("KS202", in_worker=True)
def wildcard_grant(ctx: Context) -> Iterator[Finding]:
    state = privilege_state(ctx)
    for holding in _shown(ctx, state.hazard_holdings):  # (a role KS206 reports is its finding alone)
        rule = holding.rule
        if holding.role.builtin or rule.node is None:
            continue  # built-in roles bound to a scraper: KS206
        used = _used_requests(state, holding)
        for key in ("verbs", "apiGroups", "resources", "nonResourceURLs"):
            seq = rule.node.get(key)
            if not isinstance(seq, YSeq):
                continue
            for index, raw in enumerate(seq):
                value = as_str(raw)
                if not _is_wildcard(key, value):
                    continue
                means = WILDCARD_MEANS[key]
                if key == "resources" and value.startswith("*/"):
                    means = f"the {value[2:]} subresource of every resource"
                elif key == "resources":
                    means = _every_resource(holding, rule)
                elif key == "verbs":
                    means = _every_verb(rule)
                fix = _wildcard_edit(state, holding, value, used)
                yield Finding(
                    "KS202", at(rule.path, seq.item_pos(index)),
                    f"\"{value}\" in {key} of {_where(holding)} gives {_bound(holding)} {means}, and grows with "
                    f"every API added to the cluster{_holding_notes(state, holding)}",
                    fix=_shared_fix(state, holding, f"the \"{value}\" in {key}", fix), related=tuple(_binding_related(holding)), object=holding.role.ref,
                    data={"key": key, "value": value},
                )


def _wildcard_edit(state: _State, holding: Holding, value: str, used: list[Request] | None = None) -> str:
    """KS202's edit of a `*` (`value`) in the rule: the explicit values the scraper's jobs use through it, or the
    rule deleted when other grants hold all of those. KS204 and KS205 give the same edit for what they find only
    through that `*` (secrets, pods/exec): "remove pods/exec from this rule" names nothing written there, and the
    three findings on one `*` must read as one edit."""
    rule = holding.rule
    used = _used_requests(state, holding) if used is None else used
    other = _every_use_granted_elsewhere(state, holding) if used else None
    if other is not None:
        return delete_rule(rule, f"Delete this rule of {_role_name(holding.role)}: what the scraper's jobs use through it "
                           f"({describe_permissions([Permission(r.verb, r.api_group, r.resource_path, r.url) for r in used])}) is granted by {_role_name(other.role)} "
                           f"{rule_index(other.rule)} too.")
    if used:
        return (f"Replace \"{value}\" with explicit values; the scraper's jobs use only:\n"
                + render_rules_in(holding.role, rules_for(used)))
    return _wildcard_fix_without_uses(state, holding, value)


def _every_use_granted_elsewhere(state: _State, holding: Holding) -> Grant | None:
    """Another grant that allows each request the identities' jobs make through this rule (the first such grant
    found), when every one of them has one: the rule then serves nothing of its own, and replacing its wildcard
    with what is used would write a second copy of those rules. None otherwise."""
    example = None
    for identity in holding.identities:
        for uses in state.used_by_rule(identity).get(id(holding.rule), ()):
            for use in uses:
                # (Not a rule with a wildcard of its own: KS202 would advise deleting each for the other.)
                other = next((g for g in use.decision.grants
                              if g.rule is not holding.rule and not _has_wildcard(g.rule)), None)
                if other is None:
                    return None
                example = example or other
    return example


def _wildcard_fix_without_uses(state, holding: Holding, value: str) -> str:
    """KS202's fix when no job the tool reads uses the rule. suggest-rbac lists only the needs of jobs it reads: for
    a scraper whose token a configuration this tool does not read also uses (KS007: Alloy, a target allocator…),
    it prints nothing, so the fix says what is left to do by hand instead of pointing there."""
    others = list(dict.fromkeys(c for i in holding.identities for c in state.unmodelled(i)))
    if not others:
        return f"Replace \"{value}\" with the explicit values the scraper needs (`kubelint-scrape suggest-rbac` prints them)."
    return (f"Replace \"{value}\" with the explicit values that {', '.join(others)} "
            f"{'needs' if len(others) == 1 else 'need'}: this tool does not read what "
            f"{'it requests' if len(others) == 1 else 'they request'} (`suggest-rbac` cannot list it), so take the "
            "values from its documentation.")


def _every_resource(holding: Holding, rule: PolicyRule) -> str:
    """What `resources: ["*"]` reaches, as far as the rule's verbs and the bindings' scope let it: a RoleBinding
    grants only namespaced resources of its namespace (no nodes/proxy), read verbs no pods/exec (FACTS §3, §8)."""
    cluster_wide = any(b.kind == "ClusterRoleBinding" for b, _r, _i in holding.via)
    verbs = set(rule.verbs)
    examples = []
    if _in_group(rule, ""):  # (secrets, nodes/proxy and pods/exec are all core resources)
        examples = ["secrets"] if verbs & {"*", "get", "list", "watch"} else []
        if cluster_wide and verbs & {"*", "get", "create"}:
            examples.append("nodes/proxy")
        if verbs & {"*", "create", "get"}:
            examples.append("pods/exec")
    scope = "" if cluster_wide else " of the namespace"
    if "*" not in rule.api_groups and rule.api_groups:  # (a `*` resource reaches only the listed groups)
        groups = ", ".join(g or '"" (core)' for g in rule.api_groups)
        scope += f" in API group{'s' if len(rule.api_groups) > 1 else ''} {groups}"
    including = f", including {', '.join(examples[:-1]) + ' and ' + examples[-1] if len(examples) > 1 else examples[0]}" \
        if examples else ""
    return f"every resource and subresource{scope}{including}"


# The special verbs and the (API group, resource) pairs they act on (Kubernetes RBAC documentation, "Privilege
# escalation prevention"; authorization attributes): escalate/bind on rbac roles, impersonate on core
# users/groups/serviceaccounts and authentication.k8s.io uids/userextras.
_RBAC = "rbac.authorization.k8s.io"
_SPECIAL_VERBS = {"escalate": ((_RBAC, "roles"), (_RBAC, "clusterroles")),
                  "bind": ((_RBAC, "roles"), (_RBAC, "clusterroles")),
                  "impersonate": (("", "users"), ("", "groups"), ("", "serviceaccounts"),
                                  ("authentication.k8s.io", "uids"), ("authentication.k8s.io", "userextras"))}


def _in_group(rule: PolicyRule, group: str) -> bool:
    """Whether the rule's apiGroups reach `group` (a `*` in resources reaches only the listed groups)."""
    return "*" in rule.api_groups or group in rule.api_groups


def _every_verb(rule: PolicyRule) -> str:
    """What `verbs: ["*"]` reaches on this rule's resources: escalate, bind and impersonate only where they mean
    something (a `*` verb on configmaps is every write, not impersonation); URLs are only ever read or written."""
    if rule.non_resource_urls and not rule.resources:
        return "every verb on these URLs, including post, put and delete"
    resources = {r.split("/", 1)[0] for r in rule.resources}
    special = [v for v, on in _SPECIAL_VERBS.items()
               if any(_in_group(rule, g) and ("*" in resources or r in resources) for g, r in on)]
    # resourceNames cannot restrict create or deletecollection (no name in the request): the rule grants neither
    verbs = ["update", "patch", "delete"] if rule.resource_names else ["create", "delete", "deletecollection"]
    verbs = verbs[:2] + special if special else verbs
    named = " on the named objects" if rule.resource_names else ""
    return f"every verb{named}, including {', '.join(verbs[:-1])} and {verbs[-1]}"


def _has_wildcard(rule: PolicyRule) -> bool:
    """Whether KS202 reports an item of the rule."""
    return any(_is_wildcard(key, value) for key, values in (
        ("verbs", rule.verbs), ("apiGroups", rule.api_groups), ("resources", rule.resources),
        ("nonResourceURLs", rule.non_resource_urls)) for value in values)


def _is_wildcard(key: str, value: str) -> bool:
    if key == "resources":
        # `*/<subresource>` matches that subresource of every resource; `*/*` and `*/` match no request (k8s
        # evaluation_helpers.go ResourceMatches wants len(rule) == len(subresource)+2): KS505 says so
        return value == "*" or (value.startswith("*/") and len(value) > 2 and "*" not in value[2:])
    if key == "nonResourceURLs":  # (`**` and `/**` too: the API server trims every trailing `*`)
        return value.endswith("*") and value.rstrip("*") in ("", "/")
    return value == "*"


def _used_requests(state: _State, holding: Holding) -> list[Request]:
    """Concrete requests the identities' jobs make through this rule."""
    if holding.refused:
        return _would_use(state, holding)
    # Once per holding: KS203 asks for each identity of a shared rule, and each answer goes over every identity's
    # uses — quadratic in the Prometheus objects sharing one ClusterRole (probe scale4). The holding is kept with
    # its answer so its id is not reused (and the count of its bindings, should any be added after).
    cached = state.used_requests.get(id(holding))
    if cached is None or cached[1] != len(holding.via):
        requests: dict[Request, None] = {}  # (ordered set: a list's membership test was quadratic in the uses)
        for identity in holding.identities:
            for uses in state.used_by_rule(identity).get(id(holding.rule), ()):
                for use in uses:
                    made = use.decision.request
                    requests[Request(made.verb, made.api_group, made.resource, made.subresource, url=made.url)] = None
        cached = state.used_requests[id(holding)] = (holding, len(holding.via), list(requests))
    return list(cached[2])


def _would_use(state: _State, holding: Holding) -> list[Request]:
    """What the identities' requirements would make through a rule refused for its apiVersion alone, once it is
    accepted: per requirement, the first of its request and alternatives (a kubelet path's nodes/proxy fallback)
    that the rule allows where a binding applies. The authorizer never grants such a rule, so used_permissions has
    nothing for it; without this a hazard's fix would drop what the jobs need from it."""
    requests: list[Request] = []
    for identity in holding.identities:
        for requirement in requirements(state.ctx.analysis, identity, state.jobs.get(identity, [])):
            alternatives = requirement.need.alternatives if requirement.need is not None else ()
            for made in (requirement.request, *alternatives):
                if rule_allows(holding.rule, made) and _applies_to(holding, made, identity):
                    request = Request(made.verb, made.api_group, made.resource, made.subresource, url=made.url)
                    if request not in requests:
                        requests.append(request)
                    break
    return requests


# ---------------------------------------------------------------------------------------------- KS203


@check("KS203", in_worker=True)
def unused_grant(ctx: Context) -> Iterator[Finding]:
    state = privilege_state(ctx)
    analysis = ctx.analysis
    scrapers = scrape_pods(analysis)
    # A VMAgent that certainly scrapes nothing (ingestOnlyMode, no selector at all) runs no job: all it is granted
    # is unused, wherever its scrape objects would live.
    idle = idle_vmagents(analysis)
    items = [*state.jobs.items(), *((identity, []) for identity in idle if identity not in state.jobs)]
    for identity, jobs in sorted(items, key=lambda kv: str(kv[0])):
        # (Whether anything could be reported first: the language server reports the edited file only, and working
        # out every other identity's unmodelled needs at each re-lint scaled with the workspace: probe scale3.)
        reported = [h for h in state.holdings_of.get(identity, ()) if _reported_for(ctx, h, identity)]  # admin-role bindings are KS206's
        if not reported:
            continue
        if any(j.relabel_errors for j in jobs) or state.unmodelled(identity):
            continue  # needs we cannot know (a relabelling we cannot simulate, a collector's other components)
        used = state.used(identity)
        version = ctx.workspace.kubernetes_version
        reviewed_by_proxies = reviewed_resources(ctx.workspace)
        # Needs made with a token we cannot attribute (a token file or Secret): the identity's grant may serve them.
        # (Not a kubelet that asks RBAC nothing: no grant serves those.)
        # (Each list without repeats: the jobs of one config mostly ask the same, and every permission of every
        # holding is tested against each.)
        maybe = list(dict.fromkeys(r for j in jobs for n in j.needs
                                   if n.unchecked and target_asks_rbac(n, analysis.assumptions)
                                   for r in (n.request, *n.alternatives)))
        unseen = _scrapes_unseen_targets(jobs)
        reviewed = list(dict.fromkeys(_unseen_reviews(jobs)))
        unread_review_verbs = _unread_review_verbs(jobs)
        pushes = _pushed_paths(jobs)
        # What the other rules' fixes move these jobs to is kept, not called unused: the EndpointSlice grants of
        # KS604's switch from deprecated endpoints discovery, the Endpoints grants of KS601's `role: endpoints` for a
        # Prometheus older than role endpointslice, the kubelet subresource of KS209's direct scrape.
        # And the per-namespace lists of KS105's other fix for a cluster-wide discovery that Roles grant namespace by
        # namespace (limit the job to those namespaces): the Roles it keeps are not unused.
        successors = list(dict.fromkeys([r for j in jobs for r in endpointslice_successors(j, analysis.assumptions.version)]
                                        + [r for j in jobs for r in endpoints_fallback_successors(ctx, j)]
                                        + _direct_kubelet_successors(jobs, analysis.assumptions)
                                        + _namespaced_discovery_successors(jobs)
                                        + _every_namespace_proxy_gets(jobs, reported, identity)
                                        + _path_twin_successors(analysis.authorizer, identity, jobs)
                                        + _selection_fix_successors(analysis, identity)
                                        + _secure_server_successors(ctx, jobs)
                                        + _proxy_config_file_successors(ctx, jobs)
                                        # KS302's move from the kubelet's read-only port to :10250
                                        + [r for j in jobs for r in readonly_successors(j, analysis.assumptions)]))
        others = [p for p in pods_running_as(ctx.workspace, identity) if id(p) not in scrapers]
        restricted = _name_restricted_requests(jobs)
        below = _urls_below_denied(jobs)
        # Per binding of a built-in role: the binding, the role it binds and each (holding, unused permissions).
        builtin: dict[int, tuple[BindingDef, RoleDef, list[tuple[Holding, list]]]] = {}
        for holding in reported:
            direct = [(b, r) for b, r in holding.bound_by(identity) if names_identity(b, identity)]
            if not direct:
                continue  # granted only through a group every ServiceAccount is in: cluster policy, not the scraper's
            # A binding meant for the same-named scraper of its namespace (KS108 corrects its subject): the rule is
            # what that fix relies on, not this identity's to delete.
            direct = [(b, r) for b, r in direct if not misdirected_from(ctx, b, identity)]
            if not direct:
                continue
            live = [p for p in permissions(holding.rule)
                    if not grants_nothing(holding.role, p.api_group, p.resource, p.url, version, p.verb, reviewed_by_proxies)]
            perms = [p for p in live if (id(holding.rule), p) not in used
                     and (p.verb, p.api_group, p.resource) not in ADMISSION_USES  # the scraper's pod uses it
                     and not any(p.allows(r) for r in maybe) and not (unseen and _scrape_permission(p))
                     and not any(p.allows(r) for r in reviewed) and not _pushed_to(p, pushes)
                     and not (unread_review_verbs and not p.url and p.verb in unread_review_verbs | {"*"})
                     and not any(p.allows(r) and _applies_to(holding, r, identity) for r in successors)
                     and not any(rule_allows(p.rule(), r, ignore_names=True) for r in restricted.get(id(holding.rule), ()))
                     and p.url not in below]
            if not perms:
                continue  # (entries that grant nothing are the RBAC-object rules' findings, with the reason)
            if holding.role.builtin:
                for binding, bound in direct:
                    builtin.setdefault(id(binding), (binding, bound, []))[2].append((holding, perms))
                continue
            # The fix keeps every live permission not reported: the used ones and those spared above.
            kept = [p for p in live if p not in perms]
            finding = _unused_finding(analysis, state, identity, holding, perms, kept, others)
            if not jobs and identity in idle:
                finding.message += f" ({idle[identity]})"
            yield finding
        for binding, bound, entries in builtin.values():
            yield _unused_builtin_finding(identity, binding, bound, entries, used, analysis.authorizer)
        if not maybe and not unseen and not others:
            yield from _idle_role_bindings(ctx, state, identity, jobs)


def _path_twin_successors(authorizer, identity: Identity, jobs: list) -> list[Request]:
    """The path KS104 tells a misspelt scrape path to be corrected to (`/metric` → the granted `/metrics`), and the
    kubelet metrics KS102 moves a scrape of its JSON /stats to: the grant of it is what that fix relies on."""
    denied = [(job, need) for job in jobs for need in job.needs
              if need.kind == "scrape" and need.decision is not None and not need.satisfied]
    return ([replace(need.request, url=twin) for _job, need in denied
             if (twin := path_twin(authorizer, identity, need)) is not None]
            # a Prometheus scrape of the kubelet's JSON /stats: KS102 moves it to /metrics/cadvisor (nodes/metrics)
            + [replace(need.request, subresource="metrics") for job, need in denied if json_summary_scrape(job.job, need)])


def _selection_fix_successors(analysis, identity: Identity) -> list[Request]:
    """What the monitors that KS100's label fix brings to this identity's runner will ask of it. Their jobs were
    built without a runner, so with the operator's default endpoints discovery: the EndpointSlice equivalent of
    each endpoints list/watch is kept too (the runner may set serviceDiscoveryRole: EndpointSlice)."""
    requests = []
    for _job, need in selection_fix_needs(analysis, identity):
        requests.append(need.request)
        if need.kind == "discovery" and need.request.api_group == "" and need.request.resource == "endpoints":
            requests.append(replace(need.request, api_group="discovery.k8s.io", resource="endpointslices"))
    return requests


def _secure_server_successors(ctx: Context, jobs: list) -> list[Request]:
    """The path a job scrapes with https on a controller-runtime server started with --metrics-secure=false: KS309's
    first fix drops that flag, and the server then authorizes each scrape with `get` on the path (its second fix,
    a plain scrape, needs nothing; the grant is kept for the first)."""
    from ..loopbound import plain_http_served

    return [Request("get", url=j.job.metrics_path or "/metrics") for j in jobs
            if any(True for _served in plain_http_served(ctx.workspace, j.job))]

def _urls_below_denied(jobs: list) -> set[str]:
    """`/metrics/*` (and `/metrics/**`) for each non-resource URL such as /metrics that a job is denied:
    written so, the entry matches only paths below /metrics/, and KS505's fix turns it into /metrics (or adds that
    beside it). KS203 would otherwise say to delete the very entry KS505 repairs in place."""
    denied = {need.request.url for job in jobs for need in job.needs
              if need.kind == "scrape" and need.request.url and need.decision is not None and not need.satisfied}
    return {url + "/" + "*" * stars for url in denied if url != "/" for stars in (1, 2)}

def _namespaced_discovery_successors(jobs: list) -> list[Request]:
    requests = []
    for job in jobs:
        for need in job.needs:
            for namespace in namespaced_discovery_route(need) or ():
                requests.append(replace(need.request, namespace=namespace))
    return requests


def _every_namespace_proxy_gets(jobs: list, holdings: list, identity: Identity) -> list[Request]:
    """A job that proxies into every namespace it discovers (cluster-wide pod/service discovery, a proxy path taking
    each target's namespace: analyse._proxied_namespaces) makes one get per namespace, so a RoleBinding of the
    identity in namespace X lets the scrapes of X's targets through: the get there, in X, per such binding. KS105
    asks for a cluster-wide grant for the other namespaces; the Role serving X's targets meanwhile is not unused
    (deleting it, as KS203 would say, makes them 403 too)."""
    gets = [need.request for job in jobs for need in job.needs
            if need.kind == "scrape" and need.request.verb == "get" and need.request.subresource == "proxy"
            and need.request.namespace is None and "/namespaces/<namespace>/" in need.path]
    if not gets:
        return []
    namespaces = sorted({b.namespace for h in holdings for b in h.bindings_of(identity)
                         if b.kind == "RoleBinding" and b.namespace})
    return [replace(request, namespace=namespace) for request in dict.fromkeys(gets) for namespace in namespaces]


def _name_restricted_requests(jobs: list) -> dict[int, list[Request]]:
    """id(rule) → the denied requests of these jobs that the rule would allow but for its resourceNames. KS101/KS102
    fix those by removing the names, after which the rule serves the need: it is not unused (KS203 would otherwise
    say to delete the very rule the access finding says to widen)."""
    restricted: dict[int, list[Request]] = {}
    for job in jobs:
        for need in job.needs:
            for decision in (need.decision, *need.alternative_decisions):
                if decision is not None and not decision.allowed:
                    for grant in decision.name_restricted:
                        restricted.setdefault(id(grant.rule), []).append(decision.request)
    return restricted


def _idle_role_bindings(ctx: Context, state: _State, identity: Identity, jobs: list) -> Iterator[Finding]:
    """KS203 per binding: a role of the user's bound by RoleBindings in several namespaces (the per-namespace
    pattern of namespaced Prometheus setups) is used through some of them, so the per-rule check above keeps
    every rule, yet a RoleBinding through which no need of the identity is granted holds all of it for nothing
    in its namespace. The identity holds permissions there that no job or discovery needs (SPEC KS203); the
    fix is that binding, not the shared rules. (A RoleBinding used for part of the role is left alone: the fix
    would be a role per namespace, more churn than the excess is worth.)"""
    analysis = ctx.analysis
    authorizer = analysis.authorizer
    admin = {id(b) for b, _why, _total in state.admin_bindings.values()}
    through: dict[int, list[str]] = {}  # id(binding) → what it is used for
    for requirement in requirements(analysis, identity, jobs):
        if requirement.allowed:
            for grant in requirement.decision.grants:
                through.setdefault(id(grant.binding), []).append(requirement.request.describe())
    version = ctx.workspace.kubernetes_version
    # The used bindings per role, once: looking them up among all bindings for each binding was quadratic in
    # thousands of RoleBindings of one role (probe scale4).
    used_by_role: dict[int, list] = {}
    for b, r in authorizer.bindings(identity):
        if id(b) in through:
            used_by_role.setdefault(id(r), []).append(b)
    for binding, role in authorizer.bindings(identity):
        if (binding.kind != "RoleBinding" or binding.builtin or role.builtin or id(binding) in admin
                or id(binding) in through or not names_identity(binding, identity) or binding.obj is None
                or (ctx.report_paths is not None and not ctx.reports(binding.obj.path))):
            continue
        users = [b for b in used_by_role.get(id(role), ()) if b is not binding]
        if not users:
            continue  # nothing of the role is used anywhere: the per-rule findings name each rule
        perms = [p for rule in authorizer.effective_rules(role) for p in permissions(rule)
                 if not grants_nothing(role, p.api_group, p.resource, p.url, version, p.verb,
                                       reviewed_resources(ctx.workspace))]
        if not perms:
            continue
        used_by = ", ".join(binding_label(b) for b in users[:3]) + (f" and {len(users) - 3} more" if len(users) > 3 else "")
        yield Finding(
            "KS203", _role_ref_span(binding),
            f"{binding_label(binding)} binds {_role_name(role)} to scraper {identity} in namespace {binding.namespace}, "
            f"where no job running as {identity} uses it: {describe_permissions(perms)} granted there for nothing "
            f"(the role is used through {used_by})",
            fix=f"Delete {binding_label(binding)}; keep {_role_name(role)}, which {used_by} still use{'s' if len(users) == 1 else ''}.",
            object=binding.ref, data={"identity": str(identity), "unused": [p.describe() for p in perms]},
        )


def _scrapes_unseen_targets(jobs: list) -> bool:
    return bool(_unseen_target_jobs(jobs))


def _unseen_target_jobs(jobs: list) -> list:
    """The jobs that send credentials to targets no input shows: found by file_sd, http_sd, dns_sd, consul… (their
    addresses live outside the inputs; static_configs are in them and classified). Any of them may be a kubelet, an
    API server or a control-plane component that checks the identity's RBAC, so what such a scrape uses cannot be
    known (KS201, KS203)."""
    return [j for j in jobs if j.job.other_sd and j.job.credentials.authenticates]


def _proxy_config_file_successors(ctx: Context, jobs: list) -> list[Request]:
    """What the kube-rbac-proxies these jobs scrape will review once KS112's fix makes their --config-file name the
    key of the mounted ConfigMap/Secret it misspells (authproxy.MissingConfigFile): until then the proxy does not
    start, and the grant written for that review (kube-prometheus' `get services/proxy`) is not unused."""
    missing = missing_config_files(ctx.workspace)
    if not missing:
        return []
    return [missing[index].review.request_for(path.split("?", 1)[0])
            for analysis in jobs for index, path, _span in analysis.proxies
            if index in missing and missing[index].review is not None]


def _unread_review_verbs(jobs: list) -> set[str]:
    """The verbs of the scrapes the jobs send to a kube-rbac-proxy whose --config-file is not in the inputs: its
    resourceAttributes may make the review of any resource (and subresource, and name), so no resource grant of
    that verb can be called unused (KS203 would delete what the proxy asks for, and the scrape would get 403)."""
    return {need.request.verb for analysis in jobs for need in analysis.needs
            if need.review is not None and not need.review.found}


def _unseen_reviews(jobs: list) -> list[Request]:
    """`get` on each path the jobs send their identity's token to over https at workloads whose serving
    containers the inputs do not show (Endpoint.unseen: a ServiceMonitor of a Service the inputs lack, the
    representative cluster's applications). A token is sent to an application that authenticates it: a
    kube-rbac-proxy sidecar (the kubebuilder scaffold's metrics port) or controller-runtime's secure metrics
    server, which both ask the API server whether the caller may `get` the request's path as a non-resource URL
    (brancz/kube-rbac-proxy pkg/proxy/proxy.go GetRequestAttributes; controller-runtime pkg/metrics/filters/filters.go
    WithAuthenticationAndAuthorization: verb from the method, Path from the URL).
    A grant of that URL may be what lets the scrape in, so KS203 does not call it unused. A discovering job that
    keeps none of the representative targets (it keeps Services by names only the user's cluster has) scrapes
    such unseen workloads at its own scheme and path."""
    requests = []
    for analysis in jobs:
        if not analysis.sends_identity_token:
            continue
        paths = [e.path for e in analysis.endpoints if e.klass == "workload" and e.unseen and e.scheme == "https"]
        if not analysis.endpoints and analysis.job.sd_configs and analysis.job.scheme == "https":
            paths.append(analysis.job.metrics_path or "/metrics")
        requests += [Request("get", url=path.split("?", 1)[0]) for path in paths]
    return requests


# Sections of a Prometheus config, and fields of a Prometheus/PrometheusAgent resource, whose requests POST to a
# URL with credentials of their own: remote write and read, notifications to Alertmanagers.
SENDER_SECTIONS = ("remote_write", "remote_read", "alerting")
SENDER_FIELDS = ("remoteWrite", "remoteRead", "alerting")
URL_WRITE_VERBS = ("post", "put", "patch", "delete", "create", "update", "*")


def _pushed_paths(jobs: list) -> tuple[str, ...] | None:
    """The URL paths a config of these jobs also sends data to (remote_write, remote_read, alerting), None when
    one of them cannot be read. Those requests can carry the identity's token to a kube-rbac-proxy, which reviews a
    POST to /api/v1/receive or /api/v2/alerts as `create` on that URL (pkg/proxy/proxy.go GetRequestAttributes);
    the tool does not model them, so a write on such a URL cannot be called unused (KS203). A write on a URL none
    of them posts to still is."""
    paths: list[str] = []
    configs = {id(j.job.config): j.job.config for j in jobs}.values()
    for config in configs:
        spec = get_path(config.runner.doc, "spec") if config.runner is not None else None
        sections = [(config.root, SENDER_SECTIONS, "alertmanagers", "path_prefix")]
        if isinstance(spec, YMap):
            sections.append((spec, SENDER_FIELDS, "alertmanagers", "pathPrefix"))
        for holder, (write, read, alerting), managers, prefix in sections:
            for endpoint in [*_seq(holder.get(write)), *_seq(holder.get(read))]:
                url = as_str(endpoint.get("url")) if isinstance(endpoint, YMap) else ""
                if not url.startswith(("http://", "https://")):
                    return None  # (a templated or missing URL: where it posts is unknown)
                parts = split_url(url)
                if parts is None:
                    return None  # (a URL Prometheus refuses to load: where it posts is unknown)
                paths.append(parts.path or "/")
            alert = holder.get(alerting)
            for manager in _seq(alert.get(managers)) if isinstance(alert, YMap) else ():
                if not isinstance(manager, YMap):
                    return None
                # Prometheus posts alerts to <scheme>://<address><path_prefix>/api/v2/alerts (notifier/manager.go)
                paths.append(as_str(manager.get(prefix) or "").rstrip("/") + "/api/v2/alerts")
    return tuple(dict.fromkeys(paths))


def _seq(node) -> list:
    return list(node) if isinstance(node, YSeq) else []


def _pushed_to(permission: Permission, paths: tuple[str, ...] | None) -> bool:
    """A write on a non-resource URL that one of the config's senders posts to (paths None: any URL)."""
    if not _url_write(permission):
        return False
    if paths is None:
        return True
    return any(url_pattern_matches(permission.url, path) for path in paths)


def _url_write(permission: Permission) -> bool:
    return bool(permission.url) and permission.verb in URL_WRITE_VERBS


def _scrape_permission(permission: Permission) -> bool:
    """What a scrape can be authorized by: `get` on a non-resource URL (API server, controller-manager,
    scheduler, kube-rbac-proxy), on a nodes subresource (kubelet) or on a proxy subresource (API-server proxy)."""
    if permission.verb not in ("get", "*"):
        return False
    if permission.url:
        return True
    resource = permission.resource
    return resource == "*" or resource.startswith(("nodes/", "*/")) or resource.endswith("/proxy")


def _unused_builtin_finding(identity: Identity, binding: BindingDef, role: RoleDef, entries: list, used: dict,
                            authorizer) -> Finding:
    """One finding per binding of a built-in role (`role`, as `binding` binds it): its rules have no line of their
    own in the inputs. About that binding, not the holding's first one: two RoleBindings of `view` in two
    namespaces are two findings, each at its own roleRef."""
    first = entries[0][0]
    # What the jobs do use of the role through this binding: from all its rules, also those with nothing unused.
    # A use where the binding does not apply (a RoleBinding in another namespace) is unused here.
    kept: list[Permission] = []
    elsewhere: list[Permission] = []
    for rule in authorizer.effective_rules(role):
        for p in permissions(rule):
            uses = used.get((id(rule), p))
            if uses:
                through = any(binding_applies(binding, (r.decision or r).request) for r in uses)
                (kept if through else elsewhere).append(p)
    unused = elsewhere + [p for _h, perms in entries for p in perms]
    shown = describe_permissions(unused[:8]) + (f" and {len(unused) - 8} more" if len(unused) > 8 else "")
    uses = f"only {describe_permissions(kept)} of it" if kept else "none of it"
    message = f"{binding_label(binding)} binds {_role_name(role)} to scraper {identity}, whose jobs use {uses}; unused: {shown}"
    fix = (f"Replace {binding_label(binding)} with a binding to a role of its own holding only what the jobs use "
           + (f"({describe_permissions(kept)}); `kubelint-scrape suggest-rbac` prints it." if kept else
              "(nothing: delete the binding)."))
    severity = ""
    if kept and all(_monitoring_read(p) for p in unused):
        # A built-in role whose excess is only reading health and metrics endpoints is system:monitoring, the role
        # Kubernetes keeps for monitoring agents (FACTS §7): the user cannot trim it, and their own copy would miss
        # what Kubernetes adds to it (nodes/metrics in 1.34). Worth knowing, not worth failing a build over — unlike
        # `view`, whose excess reads the workloads' objects.
        severity = "info"
        message += " (read-only health and metrics endpoints of a role Kubernetes maintains for monitoring)"
        fix = ("Keeping it is reasonable: the unused part only reads health and metrics endpoints. For the least "
               "privilege, " + fix[:1].lower() + fix[1:])
    return Finding(
        "KS203", _role_ref_span(binding) if binding.obj else first.rule.span(), message, fix=fix,
        related=tuple(_binding_related(first, identity)), object=binding.ref,
        data={"identity": str(identity), "unused": [p.describe() for p in unused]}, requested_severity=severity,
    )


def _monitoring_read(permission: Permission) -> bool:
    """`get` on a health or metrics URL, or on nodes/metrics: what system:monitoring holds, all read-only."""
    if permission.verb != "get" or permission.names:
        return False
    if permission.url:
        return permission.url.rstrip("*").rstrip("/").startswith(("/healthz", "/livez", "/readyz", "/metrics"))
    return permission.api_group == "" and permission.resource == "nodes/metrics"


def _unused_span(holding: Holding, unused: list[Permission], kept: list[Permission]) -> Span:
    """The smallest node that is unused (SPEC §5), when part of the rule stays: the one resource or URL item all
    unused permissions are about, or the one verb the kept ones do not use; else (the whole rule goes) the rule."""
    if not kept:
        return _rule_span(holding)
    targets = {p.url or p.resource for p in unused}
    if len(targets) == 1 and not targets & {p.url or p.resource for p in kept}:
        return _rule_span(holding, "nonResourceURLs" if unused[0].url else "resources", tuple(targets))
    verbs = {p.verb for p in unused}
    if len(verbs) == 1 and not verbs & {p.verb for p in kept}:
        return _rule_span(holding, "verbs", tuple(verbs))
    return _rule_span(holding)


def _rebind_fix(analysis, identity: Identity, holding: Holding, perms: list[Permission], wanted: dict,
                elsewhere: dict[str | None, list[str]], all_unused: bool) -> str | None:
    """A ClusterRole whose rule the identity's own jobs need, but where its binding cannot grant it (a RoleBinding
    for a cluster-wide need, or in another namespace — KS105): the rule is right and the binding is not. Deleting
    the rule would take away what KS105's fix (bind the ClusterRole there) relies on, so the fix is the binding —
    as long as the whole role holds nothing the identity does not use, else KS105 proposes a role of its own. Also
    when the binding grants part of the rule where a job uses it (`pods` in its namespace, `nodes` never): the new
    binding grants that part too, so the old one still goes."""
    if holding.role.kind != "ClusterRole" or len(elsewhere) != 1:
        return None
    if sum(len(p) for p in wanted.values()) != len(perms) or permissions_beyond(analysis, identity, holding.role):
        return None  # part of the rule no job wants, or a role that holds more than the identity needs
    (scope, labels), = elsewhere.items()
    binding = "a ClusterRoleBinding" if scope is None else f"a RoleBinding in namespace {scope}"
    held = holding.bindings_of(identity)
    bindings = " and ".join(binding_label(b) for b in held)
    where = "it where no job needs it" if all_unused else f"nothing {binding} would not"
    keep = (f"Keep this rule: {', '.join(labels)} need{'s' if len(labels) == 1 else ''} it "
            f"{'cluster-wide' if scope is None else 'in namespace ' + scope}. Bind {_role_name(holding.role)} to "
            f"{identity} with {binding} (KS105); then {bindings}, which grant{'s' if len(held) == 1 else ''} {where}, "
            f"can go.")
    if _only_for_the_node_proxy(analysis, identity, holding, perms):
        # KS105 and KS209 lead with the direct :10250 scrape, which leaves this rule unused: applied together with
        # "keep it and bind it cluster-wide", that would hand out nodes/proxy (exec on every node, KS201) for nothing.
        return (f"Better (KS209): scrape the kubelets directly on :10250, then delete this rule from "
                f"{_role_name(holding.role)}. Or, keeping the proxy (get nodes/proxy also allows exec in every pod on "
                f"every node, KS201): {keep[:1].lower()}{keep[1:]}")
    return keep


def _built_apart_fix(analysis, identity: Identity, holding: Holding, perms: list[Permission], wanted: dict,
                     elsewhere: dict[str | None, list[str]]) -> str | None:
    """A Role written for the namespace its identity's jobs need it in, moved out of it by a Kustomization's
    `namespace:` (with its RoleBinding): KS105's fix builds them apart, which relies on the rule, so deleting it
    would undo that fix. The fix is KS105's, said here too."""
    if holding.role.kind != "Role" or len(elsewhere) != 1 or sum(len(p) for p in wanted.values()) != len(perms):
        return None
    (scope, labels), = elsewhere.items()
    if scope is None:
        return None
    for binding in holding.bindings_of(identity):
        moved = moved_by_kustomize(analysis.authorizer, scope, binding, holding.role)
        if moved is not None:
            return (f"Keep this rule: {', '.join(labels)} need{'s' if len(labels) == 1 else ''} it in namespace "
                    f"{scope}, as KS105 says. {moved}.")
    return None


def _only_for_the_node_proxy(analysis, identity: Identity, holding: Holding, perms: list[Permission]) -> bool:
    """Whether every permission is wanted only by scrapes of kubelets through the API-server node proxy whose path
    the kubelet authorizes with a narrower subresource when scraped directly (FACTS §1): the cases where KS105's
    fix offers the direct scrape first (access._direct_first)."""
    version = analysis.assumptions.version
    for perm in perms:
        hit = need_allowed_by(analysis, perm, [identity, *(i for i in holding.identities if i != identity)],
                              denied_only=identity)
        if hit is None:
            return False
        _job, need = hit
        if not (proxied_node_scrape(need) and need.request.subresource == "proxy" and need.path
                and kubelet_subresources(kubelet_path_of_proxy(need.path), version)[0] != "proxy"):
            return False
    return bool(perms)


def _after_own_role(identity: Identity, holding: Holding, elsewhere: dict[str | None, list[str]]) -> str:
    """When the identity's own jobs need the rule where its binding cannot grant it (KS105) and the ClusterRole holds
    more than they use (so no _rebind_fix): KS105 offers binding this ClusterRole where they need it, which relies
    on the rule, or a role of the identity's own. Deleting the rule goes with the second only; said so, the two
    fixes applied together cannot leave the need denied again. A Role's twin: KS105 offers a copy of the Role in the
    namespace that needs it, which a deletion made first would leave without the rule."""
    if not elsewhere:
        return ""
    scopes = ", ".join("cluster-wide" if scope is None else f"in namespace {scope}" for scope in elsewhere)
    if holding.role.kind == "ClusterRole":
        instead = (f"binding {_role_name(holding.role)} there instead, keep this rule, which that binding relies on")
    elif None not in elsewhere:
        instead = (f"copying {_role_name(holding.role)} there instead, make the copy first (with this rule, which it "
                   f"relies on), then delete the rule here")
    else:
        return ""
    return (f"\nOnly together with KS105's least-privilege fix (a role of {identity}'s own granting it {scopes}; "
            f"`kubelint-scrape suggest-rbac` prints it): if you follow KS105 by {instead}.")


def _wanting(analysis, identity: Identity, holding: Holding, perm: Permission) -> tuple[str, str | None, Identity | None] | None:
    """Who would need an unused permission, as (label, namespace of the need, the other identity or None): a
    denied need of this identity where the binding cannot grant it (another scope) — a job's, or Alertmanager
    discovery's or a sidecar's (requirements without a job) —, or a job of another identity the role is also
    bound to. None when nobody would."""
    hit = need_allowed_by(analysis, perm, [identity, *(i for i in holding.identities if i != identity)],
                          denied_only=identity)
    if hit is not None:
        job, need = hit
        if job.identity == identity:
            return job.job.label, need.request.namespace, None
        return (job.job.label, None, job.identity) if job.identity in holding.identities else None
    memo = analysis.__dict__.setdefault("_denied_jobless_requirements", {})
    if identity not in memo:
        memo[identity] = [r for r in requirements(analysis, identity, []) if not r.allowed]
    for requirement in memo[identity]:
        if perm.allows(requirement.request):
            return requirement.who, requirement.request.namespace, None
    return None


def _reloaded(state: _State, holding: Holding) -> list[tuple[Identity, Request]]:
    """(identity, request) for what the VMAgent config-reloaders of the holding's identities read (a named Secret):
    requirements already, but the rewrites keep their names, which a rule's use lists drop."""
    return [(i, request) for i in holding.identities
            for _who, request, _why, _span in config_reloader_requests(state.ctx.analysis, i)]


def _direct_kubelet_successors(jobs: list, assumptions) -> list[Request]:
    """`get nodes/<sub>` that the kubelet checks for each path these jobs scrape through the API-server proxy: what
    KS209's fix (scrape directly on :10250) needs in place of nodes/proxy. None where the kubelet authorizes the
    path only as nodes/proxy, or authorizes nothing (kubelet-authz: always-allow)."""
    if assumptions.kubelet_authz == "always-allow":
        return []
    subresources = {kubelet_subresources(prometheus_kubelet_path(j.job, kubelet_path_of_proxy(n.path)),
                                         assumptions.version)[0]
                    for j in jobs for n in j.needs
                    if n.path and ((n.target == "apiserver-proxy" and n.request.resource == "nodes")
                                   or n.unchecked == PROXY_PATH_AT_KUBELET)}
    return [Request("get", "", "nodes", sub) for sub in sorted(subresources) if sub != "proxy"]


def _applies_to(holding: Holding, request: Request, identity: Identity) -> bool:
    """Whether the holding grants `request` to `identity` in the request's scope (a RoleBinding only in its own
    namespace)."""
    return any(ident == identity for _binding, ident in holding.applies(request))


def _verbs_added(analysis, identity: Identity, holding: Holding) -> list[Request]:
    """The identity's requests held only out of scope whose KS105 fix adds their verb to this very rule
    (fixes.verbs_to_add: `watch` beside a Role's `get, list`): the rewrite keeps them, or applying it after that fix
    would take the verb away again and bring KS105 back."""
    authorizer = analysis.authorizer
    out: list[Request] = []
    for requirement in requirements(analysis, identity):
        decision = requirement.decision
        if decision.allowed or not decision.out_of_scope or requirement.request in out:
            continue
        found = verbs_to_add(authorizer, identity, [requirement.request])
        if found is not None and found[2] is holding.rule:
            out.append(requirement.request)
    return out


def _concrete(state: _State, holding: Holding, kept: list[Permission]) -> list[Request]:
    """The kept permissions as the rule's rewrite writes them: one with `*` in its verb, group, resource or URL as
    the concrete requests the scrapers make through it. KS202 reports that `*` on the same rule and its fix lists
    those requests; a rewrite that wrote the `*` back would leave KS202 firing after this fix is applied. A
    wildcard permission kept with no concrete use seen stays as written."""
    used = _used_requests(state, holding)
    out: list[Request] = []
    for perm in kept:
        request = perm.request()
        wildcard = "*" in (request.verb, request.api_group, request.resource, request.subresource, request.url)
        # Secrets are read by name only (vmagent's config-reloader, grants.config_reloader_requests): the rewrite keeps
        # the names, which the use lists drop, as KS204 asks; get/watch on every Secret would leave KS204 firing.
        secrets = request.resource == "secrets"
        uses = [r for _i, r in _reloaded(state, holding)] if secrets else used
        for made in ([u for u in uses if perm.allows(u)] or [request]) if wildcard or secrets else [request]:
            if made not in out:
                out.append(made)
    return out


def _endpoints_switch_note(state: _State, analysis, identity: Identity, keep: list[Request]) -> str:
    """KS604 on a job of this identity tells to drop "endpoints" once it discovers with role endpointslice; a rewrite
    keeping the endpoints list/watch the job uses today, applied after that, put it back (KS203 on the next run).
    The rewrite cannot drop it (KS604's switch is the user's choice): it says what to leave out with the switch."""
    if not any(r.resource == "endpoints" and r.verb in ("list", "watch") for r in keep):
        return ""
    version = analysis.assumptions.version
    if not any(endpointslice_successors(j, version) for j in state.jobs.get(identity, [])):
        return ""
    if all(r.resource == "endpoints" and r.verb in ("list", "watch") for r in keep):
        # (leaving endpoints out would leave `resources: []`, which the API server refuses)
        return ("\nWith KS604's switch to role endpointslice, delete this rule instead: that role never reads "
                "Endpoints, and nothing else in the rule is used.")
    return "\nWith KS604's switch to role endpointslice, leave \"endpoints\" out of it: that role never reads Endpoints."


def _proxy_traded(state: _State, analysis, identity: Identity, holding: Holding, kept: list[Request]
                  ) -> tuple[list[Request], str]:
    """KS203's rewrite of a rule whose kept get nodes/proxy serves only kubelet scrapes through the API-server proxy:
    KS201 on the same rule trades it for the subresources the kubelet checks once KS209 moves the jobs to :10250
    (_direct_kubelet_successors), and a rewrite keeping nodes/proxy undid that trade when both were applied (the
    last one won, and nodes/proxy came back with KS201). Returns the rewrite's requests, with the trade made when
    every use of the proxy grant is such a scrape and each path has a narrower subresource at the kubelet (else
    KS201 keeps nodes/proxy too), and the jobs that must move first ("" when nothing is traded)."""
    proxy = Request("get", "", "nodes", "proxy")
    if proxy not in kept:
        return kept, ""
    assumptions = analysis.assumptions
    uses = [u for (rule_id, perm), reqs in state.used(identity).items() if rule_id == id(holding.rule)
            and perm.allows(proxy) for u in reqs]
    needs = [u.need for u in uses]
    if not needs or any(n is None or n.target != "apiserver-proxy" or n.request.resource != "nodes" or not n.path
                        or u.job is None for n, u in zip(needs, uses)):
        return kept, ""
    jobs = list({id(u.job): u.job for u in uses}.values())
    successors = _direct_kubelet_successors(jobs, assumptions)
    if assumptions.kubelet_authz != "always-allow":
        subs = {kubelet_subresources(prometheus_kubelet_path(u.job.job, kubelet_path_of_proxy(u.need.path)),
                                     assumptions.version)[0] for u in uses}
        if "proxy" in subs or not successors:
            return kept, ""  # a path the kubelet authorizes only as nodes/proxy: KS201 keeps the grant too
    traded = [r for r in kept if r != proxy]
    # (A subresource another rule already grants is not written here again: KS201 then only drops nodes/proxy.)
    traded += [r for r in successors if r not in traded and not analysis.authorizer.authorize(identity, r).allowed]
    labels = list(dict.fromkeys(j.job.label for j in jobs))
    return traded, " and ".join(labels)


def _unused_finding(analysis, state, identity, holding, perms, kept, others) -> Finding:
    bindings = holding.bindings_of(identity)
    # Which job would need an unused permission: one of this identity's that is denied, where the binding cannot
    # grant it (another scope), or a job of another identity the role is also bound to.
    wanted: dict[tuple[str, str], list[Permission]] = {}
    elsewhere: dict[str | None, list[str]] = {}  # scope → this identity's jobs that need the permission there
    for perm in perms:
        wanting = _wanting(analysis, identity, holding, perm)
        if wanting is None:
            continue
        label, scope, sharer = wanting
        if sharer is None:
            where = "cluster-wide" if scope is None else f"in namespace {scope}"
            key = (label, f"{where}, which {' or '.join(binding_label(b) for b in bindings)} cannot grant")
            elsewhere.setdefault(scope, [])
            if label not in elsewhere[scope]:
                elsewhere[scope].append(label)
        else:  # the role is shared: the fix is a role of its own
            key = (label, f"as {sharer}")
        wanted.setdefault(key, []).append(perm)
    notes = [f"{label} would need {describe_permissions(p)} {text}" for (label, text), p in wanted.items()]
    all_unused = not kept
    bound = _bound(holding, identity)
    message = (f"{_where(holding)} grants {describe_permissions(perms)} to {bound}, which no job running as {identity} "
               f"uses")
    if all_unused:
        message = f"{_where(holding)} grants {bound} nothing its jobs use: {describe_permissions(perms)}"
    if bindings and all(b.kind == "RoleBinding" for b in bindings) and all(map(_never_namespaced, perms)):
        # What a RoleBinding cannot grant at all (FACTS §8 Scope): say so, not that the scraper holds it.
        names = " and ".join(binding_label(b) for b in bindings)
        message = (f"{_where(holding)} is bound to scraper {identity} only by {names}, which cannot grant "
                   f"{describe_permissions(perms)} (cluster-scoped): "
                   + ("the rule gives it nothing" if all_unused else "that part of the rule gives it nothing"))
    if notes:
        message += " (" + "; ".join(notes) + ")"
    shared = [i for i in holding.identities if i != identity]
    if shared:
        message += f"; the role is also bound to {', '.join(map(str, shared))}"
    if others:
        message += ("; " + ", ".join(f"{p.obj.kind} {p.obj.namespace}/{p.obj.name}" for p in others[:3])
                    + f" also run{'s' if len(others) == 1 else ''} as {identity}: keep what {'it needs' if len(others) == 1 else 'they need'}")
    needed_by_sharers = sorted({str(job_identity) for (_label, text), _p in wanted.items() if text.startswith("as ")
                                for job_identity in [text[3:]]})
    holders = state.co_holders(holding)
    if holders:
        message += "; the role is also bound to " + describe_holders(holders)
    if needed_by_sharers:
        # Editing the shared rule would break the other scrapers: the least-privilege fix is a role per scraper.
        fix = (f"{_role_name(holding.role)} is shared with {', '.join(needed_by_sharers)}, whose jobs use what this "
               f"scraper does not: bind {identity} to a role of its own holding only what its jobs use"
               + (f" ({describe_permissions(kept)})" if kept else "") + "; `kubelint-scrape suggest-rbac` prints one.")
    elif (rebind := _rebind_fix(analysis, identity, holding, perms, wanted, elsewhere, all_unused)) is not None:
        fix = rebind
    elif (apart := _built_apart_fix(analysis, identity, holding, perms, wanted, elsewhere)) is not None:
        fix = apart
    elif holders:
        fix = _own_role_fix(identity, holding, kept, holders)
    elif all_unused:
        fix = delete_rule(holding.rule, f"Delete this rule from {_role_name(holding.role)}.") + _after_own_role(
            identity, holding, elsewhere)
    else:
        keep, traded = _proxy_traded(state, analysis, identity, holding, _concrete(state, holding, kept))
        lead = f"Replace this rule of {_role_name(holding.role)} with"
        if traded:
            lead = (f"Once {traded} scrapes the kubelets directly on :10250 (KS209), replace this rule of "
                    f"{_role_name(holding.role)} with (the kubelet subresources in place of nodes/proxy, as KS201 says)")
        fix = replace_rule(holding.rule, lead, holding.role, rules_for(keep + _verbs_added(analysis, identity, holding))
                           ) + _after_own_role(identity, holding, elsewhere) + _endpoints_switch_note(state, analysis, identity, keep)
    fix += _stand_in_note(analysis, identity, perms)
    return Finding(
        "KS203", _unused_span(holding, perms, kept), message, fix=fix,
        related=tuple(_binding_related(holding, identity)), object=holding.role.ref,
        data={"identity": str(identity), "unused": [p.describe() for p in perms]},
    )


def _stand_in_note(analysis, identity: Identity, perms: list[Permission]) -> str:
    """KS109's other way for an undefined account whose token Secret a job sends: annotate the Secret with `identity`,
    which already holds what that job requests (grants.undefined_token_accounts). Its grant is then used: say so, or
    this fix deletes what KS109's fix relies on."""
    for account, stand_in in undefined_token_accounts(analysis).items():
        if stand_in != identity:
            continue
        used = [p for p in perms if any(p.allows(r.request) for r in requirements(analysis, account))]
        if used:
            return (f"\nOr keep it if the token Secret of the undefined ServiceAccount {account} is annotated with "
                    f"{identity.name} instead (KS109's other way): its job then requests {describe_permissions(used)} "
                    f"as {identity}.")
    return ""


def _never_namespaced(permission: Permission) -> bool:
    """A permission no RoleBinding grants: a non-resource URL, or what _beyond_rolebindings says."""
    return bool(permission.url) or _beyond_rolebindings(permission.request())


def _own_role_fix(identity: Identity, holding: Holding, kept: list[Permission], holders: list) -> str:
    """The fix when the rule is also another subject's (a workload that is no scraper, a user, a group): editing
    it would take their permissions away, so the scraper leaves the shared binding for a role of its own."""
    return (f"Keep this rule of {_role_name(holding.role)}: it is also bound to {describe_holders(holders)}, whose "
            f"permissions are not this scraper's to drop. Bind {identity} to a role of its own holding only what its "
            f"jobs use" + (f" ({describe_permissions(kept)} here)" if kept else "")
            + f" and {_leave_bindings(holding, [identity], holders)}; `kubelint-scrape suggest-rbac` prints the role.")


def _leave_bindings(holding: Holding, identities: list[Identity], holders: list) -> str:
    """How the scrapers leave the bindings of a shared rule: a binding that also names a co-holder loses only
    their subject entries; one of their own goes whole."""
    shared = {id(b) for b, _s in holders}
    held = {i: {id(b) for b in holding.bindings_of(i)} for i in identities}  # (asked once per binding below)
    steps: list[str] = []
    for binding in dict.fromkeys(b for i in identities for b in holding.bindings_of(i)):
        if id(binding) not in shared:
            steps.append(f"delete {binding_label(binding)}")
            continue
        mine = [i for i in identities if id(binding) in held[i]]
        steps.append(_leave_subjects(binding, mine))
    return " and ".join(steps)


def _named_by(binding: BindingDef, identities: list[Identity]) -> list[Identity]:
    """The scrapers a ServiceAccount or User subject of the binding names; the rest hold it only as members of a
    Group subject (system:serviceaccounts[:NS], system:authenticated), which no edit of their own account leaves."""
    return [i for i in identities if any(s.kind != "Group" and subject_applies(s, i) for s in binding.subjects)]


def _carrying_groups(binding: BindingDef, identities: list[Identity]) -> list[str]:
    """The binding's Group subjects that the scrapers' tokens carry (FACTS §8)."""
    carried = {group for identity in identities for group in identity.groups}
    return [s.name for s in binding.subjects if s.kind == "Group" and s.name in carried]


def _leave_subjects(binding: BindingDef, identities: list[Identity]) -> str:
    """How scrapers leave a binding that others keep: their own subject entries go. One reached only through a
    Group has no entry to remove (`remove monitoring/prometheus from the subjects` would change nothing): the
    Group subject has to give way to the accounts that need the binding."""
    named = _named_by(binding, identities)
    steps = [f"remove {', '.join(map(str, named))} from the subjects of {binding_label(binding)}"] if named else []
    grouped = [i for i in identities if i not in named]
    groups = _carrying_groups(binding, grouped)
    if grouped and groups:
        steps.append(f"replace Group {', '.join(groups)} in the subjects of {binding_label(binding)} with the accounts "
                     f"that need it: {', '.join(map(str, grouped))} "
                     f"{'holds' if len(grouped) == 1 else 'hold'} it only as a member of that group, which no change "
                     f"to the account leaves")
    return " and ".join(steps)


def _holding_notes(state: _State, holding: Holding) -> str:
    """What every hazard finding on a holding adds to its message: the other subjects holding the rule, and that the
    objects granting it are refused for their apiVersion alone (not granted yet)."""
    return _shared_note(state, holding) + _refused_note(holding.refused)


def _shared_note(state: _State, holding: Holding) -> str:
    """`; the role is also bound to …` when subjects that are no scraper hold the rule too (grants.co_holders)."""
    holders = state.co_holders(holding)
    return f"; the role is also bound to {describe_holders(holders)}" if holders else ""


def _shared_fix(state: _State, holding: Holding, what: str, fix: str) -> str:
    """A hazard's fix for a rule that other subjects hold too (a workload that is no scraper, a user, a group:
    grants.co_holders). RBAC is additive per subject (FACTS §8): editing the rule takes `what` from them as well,
    and whether they need it is not this tool's to know. So, as KS203 does, the scrapers move to a role of their
    own without it; the edit of the shared rule stays as the alternative for when none of them needs it either."""
    holders = state.co_holders(holding)
    if not holders:
        return fix
    scrapers = ", ".join(map(str, holding.identities))
    return (f"Keep this rule of {_role_name(holding.role)} for {describe_holders(holders)}: their permissions are not the "
            f"scraper's to drop. Bind {scrapers} to a role of its own without {what}, holding only what its jobs use, "
            f"and {_leave_bindings(holding, holding.identities, holders)}; `kubelint-scrape suggest-rbac` prints the "
            f"role. If none of them needs {what} either: {fix[0].lower()}{fix[1:]}")


# ---------------------------------------------------------------------------------------------- KS204


@check("KS204", in_worker=True)
def secrets_access(ctx: Context) -> Iterator[Finding]:
    state = privilege_state(ctx)
    for holding in _shown(ctx, state.hazard_holdings):
        grants: dict[str, list[str]] = {}
        names: tuple[str, ...] = ()
        for binding, _role, identity in holding.via:
            namespace = None if binding.kind == "ClusterRoleBinding" else binding.namespace
            allowed = {v: names_allowed(holding.rule, Request(v, "", "secrets", namespace=namespace))
                       for v in ("get", "list", "watch")}
            verbs = [v for v, named in allowed.items() if named is not None]
            if verbs:
                grants.setdefault(f"{identity} {_scope(binding)}", verbs)
                names = allowed[verbs[0]] or ()  # the rule's resourceNames: the same for every verb
        if not grants:
            continue
        # The VictoriaMetrics config-reloader's own Secret (grants.config_reloader_requests): a grant of get/watch on
        # that name alone, in its namespace, is what the operator itself grants — needed, and as narrow as it gets.
        reloaded = _reloaded(state, holding)
        if names and reloaded and all(any(r.verb == v and r.name == n and rule_allows(holding.rule, r)
                                          and _applies_to(holding, r, i) for i, r in reloaded)
                                      for verbs in grants.values() for v in verbs for n in names):
            continue
        item = next((r for r in holding.rule.resources if r in ("secrets", "*")), "secrets")
        reading = "; ".join(f"{'/'.join(v)} secrets{_only_for(names)} to {who}" for who, v in grants.items())
        harm = _secrets_harm(list(dict.fromkeys(v for verbs in grants.values() for v in verbs)), names)
        # Components beside the scrape jobs that use the same token (a collector's k8s receivers, a target
        # allocator): whether they read Secrets is unknown, so the message cannot say nothing does.
        others = list(dict.fromkeys(c for i in holding.identities for c in state.unmodelled(i)))
        purpose = "no scrape or service discovery reads Secrets"
        keep = ""
        if reloaded:
            secrets = ", ".join(dict.fromkeys(f"{r.namespace}/{r.name}" for _i, r in reloaded))
            purpose += f"; only vmagent's config-reloader reads one, {secrets}, with get and watch"
            keep = f" (keep get, watch on resourceNames of {secrets} in a Role of its namespace)"
        if others:
            one = len(others) == 1
            purpose += (f", but {', '.join(others[:3])} also use{'s' if one else ''} this token, and what "
                        f"{'it reads' if one else 'they read'} is not modelled")
            keep = f" (unless {'that component reads' if len(others) == 1 else 'one of those components reads'} Secrets: then keep only the names or namespace it needs)"
        edit = (f"Remove \"{item}\" from this rule" + (" (replace the wildcard with explicit resources)" if item == "*" else "")
                + keep + "; mount a Secret the scraper needs as a volume and point credentials_file at it.")
        if item == "*" and not reloaded and not others:
            # Secrets come from the `*`: KS202's edit of it, which the three findings on that `*` share.
            edit = _wildcard_edit(state, holding, item)
        if list(holding.rule.resources) == ["secrets"]:
            # Its only resource removed, the rule would be `resources: []`, which the API server refuses (KS501,
            # k/k pkg/apis/rbac/validation ValidatePolicyRule: "resource rules must supply at least one resource").
            edit = delete_rule(holding.rule, f"Delete this rule from {_role_name(holding.role)}" + keep
                               + "; mount a Secret the scraper needs as a volume and point credentials_file at it.")
        if reloaded and not others and list(holding.rule.resources) == ["secrets"]:
            # Removing its only resource would leave `resources: []`, which the API server refuses (KS501): the
            # rule becomes the config-reloader's named grant, which this check accepts.
            edit = replace_rule(holding.rule, f"Replace this rule of {_role_name(holding.role)} with what vmagent's "
                                f"config-reloader reads", holding.role, rules_for([r for _i, r in reloaded]))
        yield Finding(
            "KS204", _rule_span(holding, "resources", (item,)),
            f"{_where(holding)} grants {reading}: {harm}; {purpose}{_holding_notes(state, holding)}",
            fix=_shared_fix(state, holding, "secrets", edit),
            related=tuple(_binding_related(holding)), object=holding.role.ref,
            data={"grants": {who: verbs for who, verbs in grants.items()}},
        )


def _secrets_harm(verbs: list[str], names: tuple[str, ...]) -> str:
    if names:  # list/watch of a named Secret (a metadata.name field selector) returns it like a get (FACTS §8)
        return (f"{' and '.join(verbs)} return{'s' if len(verbs) == 1 else ''} the full contents of any Secret "
                f"named {', '.join(names)} in scope")
    if "list" in verbs or "watch" in verbs:
        return "list and watch return the full contents of every Secret in scope — ServiceAccount tokens, TLS keys, passwords"
    return "get returns the full contents of any Secret whose name is known"


# ---------------------------------------------------------------------------------------------- KS205


def _escalation_requests(version: tuple[int, int] | None = None) -> list[Request]:
    """KS205's grants as requests; on a known cluster `version`, without those an `until` version has made
    harmless (get pods/exec once WebSocket upgrades are checked as create). None: every grant."""
    requests = []
    for grant in rule_params("KS205").get("grants", []):
        until = grant.get("until")
        if version is not None and until and version >= tuple(int(p) for p in until.split(".")):
            continue
        for group in grant.get("apiGroups", [""]):
            for resource in grant.get("resources", []):
                base, _, sub = resource.partition("/")
                for verb in grant.get("verbs", []):
                    requests.append(Request(verb, group, base, sub))
    return requests


def _beyond_rolebindings(request: Request) -> bool:
    """A resource request no RoleBinding grants: a cluster-scoped resource (FACTS §8), except the verbs checked in
    the namespace all the same (`bind` on clusterroles is checked in the RoleBinding's namespace, namespaced_verbs)."""
    return request.resource in CLUSTER_SCOPED and request.verb not in namespaced_verbs(request.api_group, request.resource)


def _in_scope(request: Request, binding: BindingDef) -> Request | None:
    """The request made where the binding can grant it, or None when it never can (cluster-scoped via RoleBinding)."""
    if binding.kind == "ClusterRoleBinding":
        return request
    if _beyond_rolebindings(request):
        return None
    return Request(request.verb, request.api_group, request.resource, request.subresource, binding.namespace)


VERB_ESCALATIONS = {"escalate", "bind", "impersonate", "approve", "sign"}


@check("KS205", in_worker=True)
def escalation_permission(ctx: Context) -> Iterator[Finding]:
    state = privilege_state(ctx)
    if not state.hazard_holdings:
        return
    requests = _escalation_requests(ctx.workspace.kubernetes_version)
    for holding in _shown(ctx, state.hazard_holdings):
        found: list[tuple[Request, BindingDef, Identity]] = []
        names: tuple[str, ...] = ()
        for request in requests:
            for binding, _role, identity in holding.via:
                scoped = _in_scope(request, binding)
                named = names_allowed(holding.rule, scoped) if scoped is not None else None
                if named is not None:
                    found.append((scoped, binding, identity))
                    names = named  # the rule's resourceNames (or none): the same for every request it allows
                    break
        if not found:
            continue
        what = ", ".join(dict.fromkeys(f"{r.verb} {r.api_group + '/' if r.api_group else ''}{r.resource_path}" for r, _b, _i in found))
        what += _only_for(names)
        # The smallest node that makes it an escalation (SPEC §5): the verb that is one by itself (escalate, bind,
        # impersonate, approve, sign) — written out, or the `*` that grants it (`*` on roles: get on roles is
        # harmless, the escalate/bind the `*` adds is not; KS202 and KS207 sit on that `*` too) — else the
        # (sub)resource that turns an ordinary verb into one (pods/exec, serviceaccounts/token; any verb on
        # pods/exec counts, get included, so the resource is the cause even under `*` verbs).
        verbs = {r.verb for r, _b, _i in found} & VERB_ESCALATIONS
        verb = next((v for v in holding.rule.verbs if v in verbs or (v == "*" and verbs)), None)
        # (The subresource itself, else the `*` that grants it: under `resources: [pods, "*"]` pods/exec comes
        # from the `*`, not from `pods`.)
        paths = {r.resource_path for r, _b, _i in found}
        item = next((r for r in holding.rule.resources if r in paths), None) or next(
            (r for r in holding.rule.resources if r == "*" or r.startswith("*/")), None)
        if verb is not None:
            span = _rule_span(holding, "verbs", (verb,))
        else:
            span = _rule_span(holding, "resources", (item,)) if item else _rule_span(holding)
        yield Finding(
            "KS205", span,
            f"{_where(holding)} grants {what} to {_bound(holding)}: "
            f"{'it turns' if len(found) == 1 else 'each turns'} the scraper's token into more power than its roles "
            f"show ({_escalation_harms(r for r, _b, _i in found)}); a scraper only reads{_holding_notes(state, holding)}",
            fix=_shared_fix(state, holding, what, _escalation_fix(state, holding, found, what)),
            related=tuple(_binding_related(holding)), object=holding.role.ref,
            data={"grants": [f"{r.verb} {r.api_group}/{r.resource_path}".lstrip("/") for r, _b, _i in found], **_names_data(names)},
        )


def _escalation_fix(state: _State, holding: Holding, found: list, what: str) -> str:
    """KS205's edit: a rule that grants nothing but the escalations found goes whole. 'Remove get pods/exec from
    this rule' on {resources: [pods/exec], verbs: [get]} read literally leaves `verbs: []` or `resources: []`,
    which the API server refuses (KS501), taking the role's other rules with it."""
    needs = " a scraper needs only list/watch on discovered resources, get nodes/metrics and get on metrics URLs."
    rule = holding.rule
    granted = {(r.verb, r.api_group, r.resource_path) for r, _b, _i in found}

    def nothing_else(verb: str, group: str, resource: str) -> bool:
        """An escalation found, or what none of the holding's bindings can grant (escalate on clusterroles through
        a RoleBinding: KS507 reports it dead): either way nothing the rule should keep. Without the second, a Role's
        [escalate, bind] on [roles, clusterroles] got "remove escalate roles, bind roles, bind clusterroles", while
        KS203 and KS507 delete the rule."""
        if (verb, group, resource) in granted:
            return True
        base, _, sub = resource.partition("/")
        return all(_in_scope(Request(verb, group, base, sub), b) is None for b, _r, _i in holding.via)

    if rule.verbs and rule.resources and not any("*" in x for x in (*rule.verbs, *rule.api_groups, *rule.resources)) \
            and all(nothing_else(v, g, res) for v in rule.verbs for g in rule.api_groups for res in rule.resources):
        return delete_rule(rule, f"Delete this rule from {_role_name(holding.role)}: it grants {what} and nothing else;"
                           + needs)
    wildcard = _wildcard_behind(rule, [r for r, _b, _i in found])
    if wildcard is not None:
        return _wildcard_edit(state, holding, wildcard)
    return f"Remove {what} from this rule;" + needs


def _wildcard_behind(rule: PolicyRule, requests: list[Request]) -> str | None:
    """The `*` of the rule through which it grants one of `requests` not written in it (`pods/exec` under
    `resources: [pods, "*"]`, `escalate` under `verbs: ["*"]`): there is nothing literal to remove, the `*` is the
    edit. The resources' wildcard first (the one KS202 names for every resource), then the verbs', then the groups'."""
    literal = all(r.verb in rule.verbs and r.api_group in rule.api_groups and r.resource_path in rule.resources
                  for r in requests)
    if literal:
        return None
    for values in (rule.resources, rule.verbs, rule.api_groups):
        found = next((v for v in values if v == "*" or v.startswith("*/")), None)
        if found is not None:
            return found
    return None


def _escalation_harm(request: Request) -> str:
    """What one escalation grant lets a stolen token do (Kubernetes RBAC docs, "Privilege escalation prevention"
    and "RBAC good practices")."""
    if request.verb in ("escalate", "bind"):
        return "writing or binding roles it lacks"
    if request.verb == "impersonate":
        return "acting as other users, groups or ServiceAccounts"
    if request.resource_path in ("pods/exec", "pods/attach"):
        return "executing commands in pods"
    if request.resource_path == "serviceaccounts/token":
        return "minting tokens for other ServiceAccounts"
    if request.resource_path == "pods/ephemeralcontainers":
        return "running debug containers in pods"
    return "approving or signing certificates for any identity"  # CSR approval, signers approve/sign


def _escalation_harms(requests) -> str:
    """The harms of the grants a rule holds, each once, in the order the grants were found."""
    return ", ".join(dict.fromkeys(_escalation_harm(r) for r in requests))


# ---------------------------------------------------------------------------------------------- KS206


def _admin_bindings(ctx: Context, identities) -> dict[int, tuple[BindingDef, str, bool]]:
    """Bindings in the inputs that give a scraper identity an admin role → (the binding, why it is one, whether the
    role grants everything: cluster-admin, or equal to it by content)."""
    authorizer = ctx.analysis.authorizer
    found: dict[int, tuple[BindingDef, str, bool]] = {}
    baselines = _builtin_baselines(ctx)
    for identity in identities:
        for binding, role in authorizer.bindings(identity):
            if binding.builtin or id(binding) in found:
                continue
            reason = _admin_reason(authorizer, binding, role, baselines)
            if reason is not None:
                found[id(binding)] = (binding, *reason)
    return found


def _refused_admin_bindings(ctx: Context, identities) -> dict[int, tuple[BindingDef, RoleDef, str, bool, tuple]]:
    """Bindings refused only for an apiVersion (theirs or their role's, KS501) that would give a scraper an admin
    role once fixed → (binding, role, why, total, the refused objects with their KS501 findings)."""
    authorizer = ctx.analysis.authorizer
    baselines = _builtin_baselines(ctx)
    found: dict[int, tuple[BindingDef, RoleDef, str, bool, tuple]] = {}
    for identity in identities:
        for binding, role, refused in version_refused_bindings(ctx.analysis, identity):
            if id(binding) in found or not ctx.reports(binding.obj.path):
                continue
            reason = _admin_reason(authorizer, binding, role, baselines)
            if reason is not None:
                found[id(binding)] = (binding, role, *reason, refused)
    return found


def _admin_reason(authorizer, binding: BindingDef, role: RoleDef, baselines) -> tuple[str, bool] | None:
    """Why binding `role` is binding an admin role, and whether it grants everything (cluster-admin, or equal to
    it by content); None when it is not one."""
    params = {"cluster-admin", "admin", "edit"}
    if role.kind == "ClusterRole" and role.name in params and (role.builtin or role.name == "cluster-admin"):
        total = role.name == "cluster-admin"
        why = f"{role.name} grants {ADMIN_MEANS[role.name]}"
        if total and binding.kind == "RoleBinding":
            why = f"through a RoleBinding, cluster-admin grants {_namespace_wide(binding)}"
        return why, total
    if any(_all_star(rule) for rule in authorizer.effective_rules(role)):
        why = f"{_role_name(role)} is cluster-admin by content (a rule with \"*\" verbs on \"*\" resources in \"*\" groups)"
        if binding.kind == "RoleBinding":
            why += f"; through a RoleBinding that is {_namespace_wide(binding)}"
        return why, True
    if (equal := _admin_by_content(authorizer, role, baselines)) is not None:
        return f"{_role_name(role)} is built-in {equal} by content ({_how_equal(role, equal)}): it grants {ADMIN_MEANS[equal]}", False
    return None


ADMIN_MEANS = {
    "cluster-admin": "every verb on every resource and non-resource URL",
    "admin": "read and write on Secrets, pods/exec, roles and rolebindings",
    "edit": "read and write on Secrets, pods/exec, pods/proxy and services/proxy",
}


def _builtin_baselines(ctx: Context) -> list[tuple[str, list[Permission]]]:
    """What built-in admin and edit grant (admin first: it holds all of edit), as permissions to compare a
    user's role with. Only the built-in rules aggregated into them (bootstrappolicy's system:aggregate-to-*),
    not rules the inputs add through the aggregation labels, and not rules of newer minor versions (`since`):
    a copy of `kubectl get clusterrole edit -o yaml` taken on an older cluster is still edit."""
    return ctx.once("admin baselines", lambda: _baselines(ctx))


# The baselines are a function of the built-in policy of a version alone (the rules the inputs aggregate in, and
# those with a `since`, are left out), so they are computed once per process: the language server re-lints on
# every edit.
_BASELINES: dict[tuple, list[tuple[str, list[Permission]]]] = {}


def _baselines(ctx: Context) -> list[tuple[str, list[Permission]]]:
    workspace = ctx.analysis.workspace
    # the inputs may redefine admin or edit: then the name check above no longer applies either
    builtin = tuple(name for name in ("admin", "edit")
                    if workspace.cluster_roles.get(name) is not None and workspace.cluster_roles[name].builtin)
    key = (workspace.kubernetes_version, builtin)
    if key not in _BASELINES:
        _BASELINES[key] = _built_in_baselines(ctx, builtin)
    return _BASELINES[key]


def _built_in_baselines(ctx: Context, names: tuple[str, ...]) -> list[tuple[str, list[Permission]]]:
    authorizer = ctx.analysis.authorizer
    owners = rule_owners(ctx.analysis.workspace)
    baselines = []
    for name in names:
        role = ctx.analysis.workspace.cluster_roles[name]
        rules = [r for r in authorizer.effective_rules(role)
                 if not r.since and (owner := owners.get(id(r))) is not None and owner.builtin]
        perms = list(dict.fromkeys(p for r in rules for p in permissions(r)))
        if perms:
            baselines.append((name, perms))
    return baselines


def _admin_by_content(authorizer, role: RoleDef, baselines: list[tuple[str, list[Permission]]]) -> str | None:
    """"admin" or "edit" when the role's effective rules allow everything that built-in role grants (equal to
    it, or more): binding it is binding admin/edit under another name, e.g. a ClusterRole whose aggregationRule
    selects `rbac.authorization.k8s.io/aggregate-to-admin: "true"` as admin's does, or a renamed copy of edit's
    rules. A name-restricted rule does not count: it does not grant the request for every object."""
    if role.builtin:
        return None  # built-in roles other than admin/edit/cluster-admin are not admin roles
    rules = authorizer.effective_rules(role)
    for name, perms in baselines:
        if all(any(rule_allows(rule, perm.request()) for rule in rules) for perm in perms):
            return name
    return None


def _how_equal(role: RoleDef, builtin: str) -> str:
    """Why a user's role is admin/edit by content: it aggregates as the built-in role does, or its rules cover it."""
    labels = f"rbac.authorization.k8s.io/aggregate-to-{builtin}"
    if any(labels in selector.match_labels for selector in role.aggregation or ()):
        return f"it aggregates the ClusterRoles labelled `{labels}: \"true\"`, as {builtin} does"
    return f"its rules allow every verb on every resource that {builtin} grants"


def _helps_scraping(authorizer, role: RoleDef) -> bool:
    """Whether a role grants anything a scrape (not discovery) needs: a nodes/* subresource or a URL."""
    return any(rule.non_resource_urls or any(r == "*" or r.startswith(("nodes/", "*/")) for r in rule.resources)
               for rule in authorizer.effective_rules(role))


def _namespace_wide(binding: BindingDef) -> str:
    """What an all-powerful role grants through a RoleBinding: namespaced resources of its namespace only (FACTS §8)."""
    return (f"every verb on every namespaced resource in namespace {binding.namespace} (Secrets, pods/exec, roles and "
            f"rolebindings included), but no cluster-scoped resource and no non-resource URL")


def _all_star(rule: PolicyRule) -> bool:
    return "*" in rule.verbs and "*" in rule.api_groups and "*" in rule.resources


def _referenced_role(binding: BindingDef) -> str:
    """The binding's roleRef as messages name roles: `ClusterRole cluster-admin`, `Role monitoring/prometheus-all`."""
    if binding.role_kind == "ClusterRole":
        return f"ClusterRole {binding.role_name}"
    return f"Role {binding.namespace}/{binding.role_name}"  # a RoleBinding's Role is in the binding's namespace


@check("KS206", in_worker=True)
def admin_role_bound(ctx: Context) -> Iterator[Finding]:
    state = privilege_state(ctx)
    authorizer = ctx.analysis.authorizer
    bound = [(binding, ctx.analysis.workspace.role_for(binding), why, total, (),
              [i for i in state.identities if any(b is binding for b, _r in authorizer.bindings(i))])
             for binding, why, total in state.admin_bindings.values()]
    # Bindings refused for an apiVersion alone (KS501): the same hazard as soon as that is fixed.
    bound += [(binding, role, why, total, refused,
               [i for i in state.identities if any(b is binding for b, _r, _f in version_refused_bindings(ctx.analysis, i))])
              for binding, role, why, total, refused in state.refused_admin.values()]
    for binding, role, why, total, refused, identities in bound:
        scope = _scope(binding)
        helps = ("" if total or (role is not None and _helps_scraping(authorizer, role))
                 else "; it does not even help scraping: it grants no nodes/* subresource and no non-resource URL")
        controls = "the whole cluster" if total and binding.kind == "ClusterRoleBinding" else "everything in that scope"
        yield Finding(
            "KS206", _role_ref_span(binding),
            f"{binding_label(binding)} {'would bind' if refused else 'binds'} {_referenced_role(binding)} to "
            f"scraper{'s' if len(identities) > 1 else ''} {', '.join(map(str, identities))}{_through_groups(binding, identities)} {scope}: {why}, so a leaked scraper token controls {controls}{helps}"
            f"{_refused_note(refused)}",
            fix=_admin_unbind_fix(binding, identities), related=tuple(_refused_related(refused)),
            object=binding.ref, data={"identities": [str(i) for i in identities], "role": binding.role_ref},
        )


def _through_groups(binding: BindingDef, identities: list[Identity]) -> str:
    """` (through Group system:serviceaccounts)` when no subject of the binding names the scrapers themselves: the
    binding reaches them as members of a group every ServiceAccount token of that scope carries (FACTS §8)."""
    if any(s.kind == "ServiceAccount" and Identity(s.namespace, s.name) in identities for s in binding.subjects):
        return ""
    groups = _carrying_groups(binding, identities)
    return f" (through Group {', '.join(groups)})" if groups else ""


def _admin_unbind_fix(binding: BindingDef, identities: list[Identity]) -> str:
    """KS206's fix: the scrapers leave the binding for a dedicated role. A binding that also names subjects that
    are no scraper (an admin Group, another workload) keeps them: deleting it would take their access away too
    (RBAC is additive per subject, FACTS §8), so only the scrapers' own subject entries go."""
    scrapers = ", ".join(map(str, identities))
    dedicated = (f"bind {scrapers} to a dedicated role with only what its jobs need "
                 f"(`kubelint-scrape suggest-rbac` prints it).")
    named = [s for s in binding.subjects
             if s.kind == "ServiceAccount" and Identity(s.namespace, s.name) in identities]
    others = [s for s in binding.subjects if not any(s is n for n in named)]
    if not named or not others:
        return f"Delete {binding_label(binding)} and {dedicated}"
    kept = ", ".join(s.describe() for s in others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
    return (f"Remove {scrapers} from the subjects of {binding_label(binding)}, keeping {kept}, whose access is not "
            f"the scraper's to drop, and {dedicated}")


# ---------------------------------------------------------------------------------------------- KS207


def _params(rule_id: str) -> dict:
    return rule_params(rule_id)


@check("KS207", in_worker=True)
def write_verbs_granted(ctx: Context) -> Iterator[Finding]:
    state = privilege_state(ctx)
    if not state.hazard_holdings:
        return
    params = _params("KS207")
    write_verbs = set(params.get("write_verbs", []))
    exempt = {(g, r) for e in params.get("exempt", []) for g in e.get("apiGroups", []) for r in e.get("resources", [])}
    elsewhere = _writes_reported_elsewhere()
    version = ctx.workspace.kubernetes_version
    for holding in _shown(ctx, state.hazard_holdings):
        # An entry that matches no request (`pods/*` is no wildcard, a typo'd resource, a cluster-scoped resource in
        # a Role) writes nothing: the RBAC-object rules report it with the reason, as KS203 leaves it to them.
        # (The writes first, a function of the rule: the built-in `view` bound by every team of a monorepo is shown
        # at one team's edit, and its holders' unmodelled needs were worked out for a rule that writes nothing.)
        perms = [p for p in permissions(holding.rule)
                 if (p.verb in write_verbs or p.verb == "*") and not p.url and not _virtual(p)
                 and (p.api_group, p.resource) not in exempt and not _reported_elsewhere(p, *elsewhere)
                 and not grants_nothing(holding.role, p.api_group, p.resource, p.url, version, p.verb)]
        if not perms:
            continue
        via = [v for v in holding.via if not state.unmodelled(v[2])]  # a collector's leader election writes leases
        if not via:
            continue
        holding = Holding(holding.role, holding.rule, via, holding.refused)
        scopes = ", ".join(dict.fromkeys(f"{i} {_scope(b)}" for b, _r, i in holding.via))
        verbs = tuple(dict.fromkeys(p.verb for p in perms))
        # "write" verb: the escalate, bind or impersonate a `*` also grants is KS205's, not repeated here
        what = describe_permissions(perms, every_verb='every write verb ("*") on')
        programs = scraper_program_names(ctx.workspace, holding.identities)
        yield Finding(
            "KS207", _rule_span(holding, "verbs", verbs),
            f"{_where(holding)} grants {what} to scraper {scopes}: {' and '.join(programs)} never "
            f"write{'s' if len(programs) == 1 else ''} to "
            f"the Kubernetes API (discovery only lists and watches, scrapes are GETs), so a stolen token could delete "
            f"or rewrite these objects for nothing{_holding_notes(state, holding)}",
            fix=_shared_fix(state, holding, "the write verbs", _write_fix(state, holding, write_verbs)),
            related=tuple(_binding_related(holding)), object=holding.role.ref,
            data={"write": [p.describe() for p in perms]},
        )


def _write_fix(state: _State, holding: Holding, write_verbs: set[str]) -> str:
    """The rule's verbs without the writes: what it lists besides them, and for `*` the verbs its scrapers use
    through it (a `*` rule keeps no verb of its own). A rule left with no verb goes."""
    rule = holding.rule
    left = [v for v in rule.verbs if v not in write_verbs and v != "*"]
    if "*" in rule.verbs:
        left += [v for v in dict.fromkeys(r.verb for r in _used_requests(state, holding)) if v not in left]
    quoted = ", ".join(f'"{v}"' for v in left)
    if not left:
        return delete_rule(rule, f"Delete this rule of {_role_name(holding.role)}: it grants nothing but writes, which a scraper never makes.")
    if "*" in rule.verbs:
        return f"Replace \"*\" in the verbs of this rule with what its scrapers use through it: [{quoted}]."
    written = ", ".join(f'"{v}"' for v in rule.verbs if v in write_verbs)
    # "leaving [...]" only when the jobs use every verb left: KS203 asks, on the same rule, to drop a left verb they
    # do not use (an unused `get` beside the `patch`), and this fix must not read as keeping it.
    used = {r.verb for r in _used_requests(state, holding)}
    if not all(v in used for v in left):
        return f"Remove {written} from the verbs of this rule."
    return f"Remove {written} from the verbs of this rule, leaving [{quoted}]."


def _writes_reported_elsewhere() -> tuple[set[tuple[str, str, str]], set[tuple[str, str]]]:
    """The writes KS201 and KS205 report, left out of KS207: (verb, group, resource) of KS205's grants, and
    subresources (group, resource) that are theirs whole. An escalation subresource (pods/exec,
    serviceaccounts/token, the CSR approval…) is an action, not an object: the writes it serves are the ones KS205
    lists, so every write on it, `*` included, is KS205's; every write through nodes/proxy reaches the kubelet
    (a POST is /exec), which is KS201's. On a top-level resource (roles, serviceaccounts) only the escalation verbs
    (escalate, bind, impersonate) are KS205's: creating, updating or deleting the objects is an ordinary write."""
    requests = _escalation_requests()
    verbs = {(r.verb, r.api_group, r.resource_path) for r in requests}
    actions = {(r.api_group, r.resource_path) for r in requests if r.subresource} | {("", "nodes/proxy")}
    return verbs, actions


def _reported_elsewhere(perm: Permission, verbs: set[tuple[str, str, str]], actions: set[tuple[str, str]]) -> bool:
    """Whether KS201 or KS205 reports this write (see _writes_reported_elsewhere); apiGroups "*" includes theirs."""
    if any(perm.resource == resource and perm.api_group in (group, "*") for group, resource in actions):
        return True
    if perm.resource.startswith("*/") and _only_actions(perm.api_group, perm.resource[2:], actions):
        return True
    return any(perm.verb == verb and perm.resource == resource and perm.api_group in (group, "*")
               for verb, group, resource in verbs)


# Groups the API server itself serves. A custom resource has only the status and scale subresources, so any other
# subresource of a CRD group (e.g. monitoring.coreos.com prometheuses/api) names no object: kube-rbac-proxy checks
# such virtual attributes with SubjectAccessReviews, and "writing" them changes nothing.
BUILTIN_GROUPS = {
    "", "apps", "batch", "autoscaling", "policy", "extensions", "networking.k8s.io", "discovery.k8s.io",
    "rbac.authorization.k8s.io", "storage.k8s.io", "certificates.k8s.io", "coordination.k8s.io", "events.k8s.io",
    "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io", "authentication.k8s.io",
    "authorization.k8s.io", "node.k8s.io", "scheduling.k8s.io", "flowcontrol.apiserver.k8s.io", "resource.k8s.io",
    "internal.apiserver.k8s.io", "storagemigration.k8s.io", "*",
}


def _virtual(perm) -> bool:
    resource, _, sub = perm.resource.partition("/")
    if _names_no_object(perm.api_group, resource):
        return True
    return bool(sub) and resource != "*" and perm.api_group not in BUILTIN_GROUPS and sub not in ("status", "scale")


def _only_actions(group: str, sub: str, actions: set[tuple[str, str]]) -> bool:
    """Whether `*/<sub>` reaches only KS201's and KS205's action subresources among the resources the API groups
    of knowledge/api-resources serve (`*/exec` is pods/exec alone, `*/proxy` also services/proxy): a write on it
    is theirs, as one on `pods/exec` written out is (probe handwritten6). A group the table does not list
    (a CRD or aggregated API) may serve anything, so it stays KS207's."""
    table = knowledge("api-resources")["groups"]
    if group != "*" and group not in table:
        return False
    reached = [(g, f"{resource}/{sub}") for g in (table if group == "*" else (group,))
               for resource, spec in table[g].items()
               if (subs := (spec or {}).get("sub", ())) == "any" or sub in subs]
    return bool(reached) and all(r in actions for r in reached)


def _names_no_object(group: str, resource: str) -> bool:
    """users, groups, uids, signers…: names only authorization checks use (impersonate, approve), marked
    `virtual` in knowledge/api-resources. There is nothing to create or delete; their verbs are KS205's."""
    return bool(knowledge("api-resources")["groups"].get(group, {}).get(resource, {}).get("virtual"))


# ---------------------------------------------------------------------------------------------- KS208


@check("KS208", in_worker=True)
def cluster_wide_grant_not_needed(ctx: Context) -> Iterator[Finding]:
    state = privilege_state(ctx)
    served: dict[int, tuple[BindingDef, list[tuple[Identity, Requirement]]]] = {}
    # Identities with a need only a ClusterRoleBinding can meet that none meets yet (or that is not decided now):
    # its fix may well go into any of their ClusterRoleBindings, so none of them is advised away.
    cluster_scoped: set[Identity] = set()
    for identity, jobs in state.jobs.items():
        bindings = ctx.analysis.authorizer.bindings(identity)
        if not ctx.reports(*(b.obj.path for b, _r in bindings if b.obj is not None)):
            continue  # the findings sit at this identity's ClusterRoleBindings
        if state.unmodelled(identity):
            continue  # other components may list cluster-wide with the same binding
        for requirement in requirements(ctx.analysis, identity, jobs):
            if not requirement.allowed:
                if _cluster_wide(requirement.request):
                    cluster_scoped.add(identity)  # the fix for it is a ClusterRoleBinding too
                continue
            for grant in requirement.decision.grants:
                if grant.binding.kind == "ClusterRoleBinding" and not grant.binding.builtin:
                    served.setdefault(id(grant.binding), (grant.binding, []))[1].append((identity, requirement))
        # A cluster-wide need made with credentials not decided now (another token, an anonymous request that
        # KS106 fixes with the identity's token) may be what the ClusterRoleBinding is for; not one that a
        # kube-rbac-proxy's static allow-list lets in without asking RBAC.
        if any(n.unchecked and n.asks_rbac and (not n.request.is_resource or n.request.namespace is None)
               for j in jobs for n in j.needs):
            cluster_scoped.add(identity)
        # The monitors KS100's label fix brings to this identity's runner: what they will ask counts as a use, or the
        # RoleBindings advised without it would leave them denied once selected (a cluster-wide need keeps the
        # ClusterRoleBinding; a namespaced one adds its namespace to the RoleBindings).
        for job, need in selection_fix_needs(ctx.analysis, identity):
            if not need.asks_rbac:
                continue
            if _cluster_wide(need.request):
                cluster_scoped.add(identity)
                continue
            decision = ctx.analysis.authorizer.authorize(identity, need.request)
            requirement = Requirement(job.job.label, need.request, need.why, need.span, decision, job, need)
            for grant in decision.grants if decision.allowed else ():
                if grant.binding.kind == "ClusterRoleBinding" and not grant.binding.builtin:
                    served.setdefault(id(grant.binding), (grant.binding, []))[1].append((identity, requirement))
        # A URL granted for targets the inputs do not show (KS203 keeps it: _unseen_reviews) needs a
        # ClusterRoleBinding: RoleBindings cannot grant non-resource URLs.
        if any(ctx.analysis.authorizer.authorize(identity, r).allowed for r in _unseen_reviews(jobs)):
            cluster_scoped.add(identity)
    taken = {(b.namespace, b.name) for b in [*ctx.workspace.bindings, *ctx.workspace.rejected_bindings]
             if b.kind == "RoleBinding"}
    for binding, uses in served.values():
        if binding.obj is None or any(i in cluster_scoped or _cluster_wide(r.request) for i, r in uses):
            continue  # (a cluster-wide need met through another ClusterRoleBinding does not keep this one)
        namespaces = sorted({r.request.namespace for _i, r in uses})
        elsewhere = "every other namespace" + ("" if "kube-system" in namespaces else ", kube-system included,")
        identities = list(dict.fromkeys(i for i, _r in uses))
        who = ", ".join(dict.fromkeys(r.who for _i, r in uses))
        # A use that a RoleBinding in its namespace grants as well needs no new RoleBinding there: the existing
        # one already serves it (and one proposed under this binding's name would collide with it).
        covered = {r.request.namespace: _role_binding_grants(r) for _i, r in uses}
        for _i, r in uses:
            if not _role_binding_grants(r):
                covered[r.request.namespace] = []
        missing = [ns for ns in namespaces if not covered[ns]]
        granted = list(dict.fromkeys(b for ns in namespaces for b in covered[ns]))
        already = (f"; {' and '.join(binding_label(b) for b in granted)} already grant{'s' if len(granted) == 1 else ''} "
                   f"it {'there' if not missing else 'in ' + ', '.join(ns for ns in namespaces if covered[ns])}"
                   if granted else "")
        message = (f"ClusterRoleBinding {binding.name} gives {', '.join(map(str, identities))} ClusterRole "
                   f"{binding.role_name} in every namespace, but everything it is used for ({who}) is in "
                   f"namespace{'s' if len(namespaces) > 1 else ''} {', '.join(namespaces)}{already}: ")
        if missing:
            message += (f"RoleBindings {'there' if not granted else 'in ' + ', '.join(missing)} grant the same without granting it in {elsewhere} and in namespaces "
                        f"created later")
            bindings_yaml = "\n".join(_role_binding_yaml(binding, ns, identities, _free_name(taken, ns, binding))
                                      for ns in missing)
            where = f" where none grants it yet ({', '.join(missing)})" if granted else ""
            others = _other_subjects(binding, identities)
            # Its other subjects are not the scrapers: deleting the binding would silently unbind them.
            # A Group the scrapers are in only gives way to its accounts (_leave_subjects): it does not stay.
            replaced = set(_carrying_groups(binding, [i for i in identities if i not in _named_by(binding, identities)]))
            staying = [s for s in others if not (s.kind == "Group" and s.name in replaced)]
            if others:
                stays = f" (it stays for {', '.join(s.describe() for s in staying)}) and" if staying else ";"
                fix = (f"{_cap(_leave_subjects(binding, identities))}{stays} bind "
                       f"{'it' if len(identities) == 1 else 'them'} with one RoleBinding per namespace{where} instead")
            else:
                fix = f"Replace it with one RoleBinding per namespace (each may keep referencing the ClusterRole){where}"
            fix += moved_beside(ctx.workspace, binding.obj.path, missing) + ":\n" + bindings_yaml
        else:
            message += (f"the ClusterRoleBinding adds nothing the jobs use, only the grant in {elsewhere} and in "
                        f"namespaces created later")
            fix = _drop_cluster_binding(binding, identities)
        yield Finding(
            "KS208", binding.obj.key_span("kind"), message, fix=fix,
            related=_namespaced_needs_related(uses),
            object=binding.ref, data={"namespaces": namespaces, "already_granted": [ns for ns in namespaces if covered[ns]]},
        )


def _role_binding_grants(requirement: Requirement) -> list[BindingDef]:
    """The RoleBindings that grant the requirement too (a decision lists every grant that allows it)."""
    return [g.binding for g in requirement.decision.grants if g.binding.kind == "RoleBinding"]


def _drop_cluster_binding(binding: BindingDef, identities: list[Identity]) -> str:
    """Delete the ClusterRoleBinding, or only the scrapers' subjects when it names anyone else too."""
    if _other_subjects(binding, identities):
        return f"{_cap(_leave_subjects(binding, identities))}; the RoleBindings keep granting everything the jobs use."
    return f"Delete ClusterRoleBinding {binding.name}; the RoleBindings keep granting everything the jobs use."


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _other_subjects(binding: BindingDef, identities: list[Identity]) -> list:
    """The binding's subjects other than the scrapers' own ServiceAccount/User subjects (a Group is someone else's
    too, so it stays)."""
    return [s for s in binding.subjects if not any(s.kind != "Group" and subject_applies(s, i) for i in identities)]


def _namespaced_needs_related(uses: list[tuple[Identity, Requirement]]) -> tuple[Related, ...]:
    """One related location per job part that uses the binding, with every verb, resource and namespace it needs
    there: list and watch of one discovery in two namespaces are one need of the job, not four (and the first two
    of them named only one of the namespaces)."""
    grouped: dict[tuple[str, Span], tuple[dict, dict, dict]] = {}
    for _identity, requirement in uses:
        if requirement.span is None:
            continue
        verbs, resources, namespaces = grouped.setdefault((requirement.who, requirement.span), ({}, {}, {}))
        request = requirement.request
        verbs[request.verb] = None
        resources[f"{request.api_group}/{request.resource_path}" if request.api_group else request.resource_path] = None
        namespaces[request.namespace] = None
    related = []
    for (who, span), (verbs, resources, namespaces) in list(grouped.items())[:3]:
        where = sorted(namespaces)
        related.append(Related(span, f"{who} needs {'/'.join(verbs)} {', '.join(resources)} in "
                                     f"namespace{'s' if len(where) > 1 else ''} {', '.join(where)}"))
    return tuple(related)


def _cluster_wide(request: Request) -> bool:
    """A request only a ClusterRoleBinding can grant: a URL, a cluster-scoped resource or an all-namespace list."""
    return not request.is_resource or request.namespace is None


def _free_name(taken: set[tuple[str, str]], namespace: str, binding: BindingDef) -> str:
    """The ClusterRoleBinding's name for its replacing RoleBinding, unless a RoleBinding of that name is already in
    the namespace (one binding another role: applied over it, the new roleRef is refused as immutable); then the
    name with the ClusterRole's appended, as the access fixes do (fixes._bind_existing)."""
    name, n = binding.name, 1
    while (namespace, name) in taken:
        name = f"{binding.name}-{binding.role_name}" + (f"-{n}" if n > 1 else "")
        n += 1
    return name


def _role_binding_yaml(binding: BindingDef, namespace: str, identities: list[Identity], name: str) -> str:
    subjects = "\n".join(f"  - kind: ServiceAccount\n    name: {yaml_scalar(i.name)}\n    namespace: {yaml_scalar(i.namespace)}"
                         for i in identities)
    return (f"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: {yaml_scalar(name)}\n"
            f"  namespace: {yaml_scalar(namespace)}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n"
            f"  name: {yaml_scalar(binding.role_name)}\nsubjects:\n{subjects}")


# ---------------------------------------------------------------------------------------------- KS209


@check("KS209", in_worker=True)
def apiserver_proxy_scrape(ctx: Context) -> Iterator[Finding]:
    for job in ctx.reported_jobs():  # (a job of a monitor the operator refuses scrapes nothing: not among them)
        # path with the node abstracted → (legacy path form, the paths as shown): one finding per path of the job,
        # however many nodes it names (static targets relabelled into /api/v1/nodes/${1}/proxy/… name each node).
        proxied: dict[str, tuple[bool, set[str]]] = {}
        for endpoint in job.endpoints:
            if endpoint.klass == "apiserver-proxy" and endpoint.proxy_resource == "nodes":
                proxied.setdefault(_any_node(endpoint.path), (endpoint.legacy_proxy, set()))[1].add(endpoint.path)
        yield from _proxy_path_at_kubelet(job, ctx.analysis.assumptions)
        if not proxied:
            continue
        needs = [n for n in job.needs if n.target == "apiserver-proxy" and n.request.resource == "nodes"]
        assumptions = ctx.analysis.assumptions
        for abstract, (legacy, shown) in proxied.items():
            # A name the config writes stays in the message when it is the only one (the node it scrapes).
            path = next(iter(shown)) if len(shown) == 1 else abstract
            kubelet_path = kubelet_path_of_proxy(path)
            # What the kubelet itself checks for the path on this version (FACTS §1): the subresource to grant
            # instead; a path it authorizes only as nodes/proxy keeps needing it when scraped directly.
            # None when the kubelet authorizes every request (kubelet-authz: always-allow): no grant at all.
            subresource = kubelet_checks(kubelet_path, assumptions)
            # Scraped directly, a /stats (JSON) or /spec path is KS310's to change: the fix writes the path KS310
            # names, and its grant, so that both findings' edits make one job that works.
            direct_path = prometheus_kubelet_path(job.job, kubelet_path)
            need = next((n for n in needs if _any_node(n.why).endswith(abstract)), needs[0] if needs else None)
            span = need.span if need is not None else job.job.span
            authorized = "the proxy verb on nodes" if legacy else "get nodes/proxy"
            direct = (f"scraped directly on :10250 the kubelet asks RBAC nothing (assumption kubelet-authz: "
                      f"always-allow), so nodes/proxy would not be needed at all" if subresource is None else
                      f"scraped directly on :10250 the kubelet authorizes {kubelet_path} as get nodes/{subresource}"
                      if subresource != "proxy" else
                      f"scraped directly on :10250 the kubelet authorizes {kubelet_path} only as nodes/proxy too on "
                      f"Kubernetes {assumptions.kubernetes_version}, so a direct scrape spares the API server but not "
                      f"the grant")
            direct_sub = kubelet_checks(direct_path, assumptions) if direct_path != kubelet_path else subresource
            fix = _direct_scrape_fix(job, direct_path, kubelet_serving_cert(ctx), direct_sub,
                                     _held(ctx, job.identity, direct_sub))
            if direct_path != kubelet_path:
                fix += (f"\n({direct_path} in place of {kubelet_path}, which serves no Prometheus metrics: KS310.)")
            data = {"proxy_path": path, "direct_path": kubelet_path}
            gone = legacy and assumptions.version >= ROOT_PROXY_REMOVED
            if gone:
                # Not a risk but a failure: the path is gone, every scrape is 404 (an error, whatever is granted).
                message = (f"{job.job.label} scrapes the kubelet through the API server's root /proxy path ({path}), "
                           f"which Kubernetes removed in 1.10 (assumed cluster version {assumptions.kubernetes_version}): "
                           f"every scrape gets 404 Not Found, whatever RBAC grants; {direct}")
                fix += (f"\nOr, to keep the proxy (it needs get nodes/proxy, KS201), rewrite the path to the node's "
                        f"proxy subresource: `replacement: /api/v1/nodes/${{1}}/proxy{kubelet_path}`.")
                data["removed_in"] = "1.10"
            else:
                message = (f"{job.job.label} scrapes the kubelet through the API-server proxy ({path}): the API server "
                           f"authorizes that as {authorized} — the permission that also allows exec in every pod on the "
                           f"node (KS201) — and relays every scrape of every node, adding load and a control-plane "
                           f"dependency to node monitoring; {direct}")
            yield Finding("KS209", span, message, fix=fix, related=tuple(_proxy_grant_related(need)),
                          object=job.job.label, data=data, requested_severity="error" if gone else "")


def _proxy_path_at_kubelet(job, assumptions) -> Iterator[Finding]:
    """A job that rewrites __metrics_path__ to the API server's node proxy path but keeps the node's own address:
    the request goes to the kubelet, which serves no such path (404 Not Found after checking nodes/proxy). An error
    whatever RBAC grants, so the access rules leave the need to this one (PROXY_PATH_AT_KUBELET)."""
    seen: set[str] = set()
    for need in job.needs:
        if need.target != "kubelet" or need.unchecked != PROXY_PATH_AT_KUBELET or need.path in seen:
            continue
        seen.add(need.path)
        kubelet_path = kubelet_path_of_proxy(need.path)
        subresource = kubelet_checks(kubelet_path, assumptions)
        grant = ("the kubelets authorize every request (assumption kubelet-authz: always-allow)" if subresource is None
                 else f"the kubelet authorizes {kubelet_path} as get nodes/{subresource}")
        yield Finding(
            "KS209", need.span,
            f"{job.job.label} sends the API server's proxy path {need.path} to the kubelets themselves (:10250): "
            f"the job rewrites __metrics_path__ for the API-server proxy but keeps each node's own address, and the "
            f"kubelet serves no such path — it authorizes the request as get nodes/proxy, then answers 404 Not Found, "
            f"so no grant makes this scrape work",
            fix=(f"Scrape the kubelet directly: delete the relabel rule that sets __metrics_path__ to {need.path}, or "
                 f"set it to {kubelet_path} ({grant}). Or, to go through the API-server proxy (it needs get nodes/proxy, "
                 f"KS201), also set __address__ to the API server (`target_label: __address__`, `replacement: "
                 f"kubernetes.default.svc:443`)."),
            object=job.job.label, data={"proxy_path": need.path, "direct_path": kubelet_path},
            requested_severity="error")


def _held(ctx: Context, identity: Identity | None, subresource: str | None) -> dict[str, Grant | None]:
    """What the job's identity already holds of `get nodes/proxy` and `get nodes/<subresource>`: the grant that
    allows each, None when denied; {} when the identity is unknown (the fix then states the role's whole change)."""
    if identity is None:
        return {}
    authorizer = ctx.analysis.authorizer
    held = {}
    for sub in {"proxy", subresource} - {None}:
        decision = authorizer.authorize(identity, Request("get", "", "nodes", sub))
        held[sub] = decision.grants[0] if decision.allowed and decision.grants else None
    return held


def _direct_scrape_fix(job, kubelet_path: str, serving_cert: str, subresource: str | None = "metrics",
                       held: dict[str, Grant | None] | None = None) -> str:
    """The job rewritten to scrape the kubelets directly, consistent with the other rules: its own token setting
    kept (adding `authorization` next to `bearer_token_file` is a KS601), and TLS as the kubelets serve it.
    `subresource`: what the kubelet checks for the path; None when it asks RBAC nothing (always-allow).
    `held`: what the identity already holds (_held); the grant sentence asks only for what it lacks."""
    held = held or {}
    has_proxy = held.get("proxy") is not None or "proxy" not in held  # unknown identity: as the role's change
    if subresource is not None and subresource != "proxy" and held.get(subresource) is not None:
        grant = (f"nothing more needs granting: {job.identity} already holds get nodes/{subresource} "
                 f"({held[subresource].describe()})" + ("; nodes/proxy is then no longer needed for this job." if has_proxy
                                                        else "."))
    elif subresource is None:
        grant = ((f"remove nodes/proxy from the scraper's role: " if has_proxy else "no grant is needed: ")
                 + "the kubelets authorize every request (assumption kubelet-authz: always-allow).")
    elif subresource != "proxy":
        grant = (f"grant {{apiGroups: [\"\"], resources: [\"nodes/{subresource}\"], verbs: [\"get\"]}}"
                 + (" instead of nodes/proxy." if has_proxy else "."))
    else:
        grant = ("the kubelet checks nodes/proxy for this path itself, so keep get nodes/proxy (or stop scraping it)."
                 if has_proxy else
                 "the kubelet checks nodes/proxy for this path itself, so it still needs get nodes/proxy (or stop "
                 "scraping it).")
    if job.job.direct_setting:
        how = direct_setting(job.job, serving_cert)
        return f"{how[0].upper()}{how[1:]}; then {grant}"
    endpoint = monitor_endpoint(job.job)
    if endpoint is not None:
        return _monitor_direct_scrape_fix(job.job, endpoint, kubelet_path, serving_cert, grant)
    node = job.job.node
    lines = [] if as_str(node.get("scheme")).lower() == "https" else ["  scheme: https"]
    lines.append(f"  metrics_path: {kubelet_path}")
    keep = ""
    credentials = job.job.credentials
    if credentials.kind == "sa-token":
        keep = " (keep its ServiceAccount token setting)"
    elif credentials.kubernetes_authenticates:
        # The token or certificate the API server accepted for the proxy: the kubelet reviews the same one (webhook
        # TokenReview, its client CA), and `authorization` beside `bearer_token_file` or another one is a KS601.
        keep = f" (keep its setting that sends {credentials.describe()}: the kubelet authenticates it as the API server did)"
    else:
        # No token, or one a Kubernetes component reads as anonymous (basic auth): the token discovery uses when
        # the config runs outside the cluster (the ServiceAccount directory exists only in a pod), else the pod's.
        token_file = (job.job.discovery_token() or (SA_TOKEN, ""))[0]
        lines += ["  authorization:", f"    credentials_file: {token_file}"]
        if credentials.kind != "none":
            keep = f" (in place of its {credentials.describe()}, which the kubelet does not authenticate)"
    ca_file = _cluster_ca_file(job.job)
    verify = f"ca_file: {ca_file}" if ca_file else "the cluster CA's certificate as ca_file"
    if serving_cert == "cluster-ca" and ca_file:
        lines += _tls_lines(node, f"ca_file: {ca_file}")
        tls = ""
    else:
        # Kubelets self-sign their serving certificates unless serverTLSBootstrap is on: the cluster CA fails
        # them (KS304), so the usual setting skips verification and records the decision (KS301's suppression).
        lines += _tls_lines(node, f"insecure_skip_verify: true  # {KUBELET_SKIP_VERIFY_NOTE}")
        tls = (" With `serverTLSBootstrap: true` on the kubelets (assumption kubelet-serving-cert: cluster-ca), verify "
               f"them with {verify} instead.")
    # Keys the job already has are replaced, not added beside its own: a second `tls_config` is a duplicate key
    # (KS005), and `authorization` beside another credential setting is refused (KS601).
    given = [line.strip().split(":", 1)[0] for line in lines if not line.startswith("    ")]
    replaced = [key for key in given if key in node]
    edit = (f", replacing its own {', '.join(f'`{key}`' for key in replaced)}" if replaced else "")
    return (f"{_undo_proxy_address(job)}, and set in the job{keep}{edit}:\n" + "\n".join(lines) + "\n"
            + f"then {grant}{tls}")


def _kubelet_ports(job) -> str:
    """Static targets the deleted rules turned into proxy paths (node names, `${1}` of the path) become the scrape
    addresses themselves: without the kubelet's port an https target is scraped on 443, not :10250."""
    apiservers = knowledge("ports")["apiserver_hosts"]
    ported = {}
    for target, _labels, _span in job.job.static_targets:
        host, port = split_address(target, "https")
        if host and host not in apiservers and port != 10250:
            ported[target] = f"[{host}]:10250" if ":" in host else f"{host}:10250"
    if not ported:
        return ""
    # The API server looked the names up as Node objects; the scraper now dials them itself, and cluster DNS does
    # not serve node names (only where the upstream resolver does: a cloud VPC's DNS often knows instance names).
    named = [target for target in ported if not is_ip_address(split_address(target, "https")[0])]
    caveat = (f"; a node name works as the address only where the scraper's DNS resolves node names, else write "
              f"the node's InternalIP" if named else "")
    return (f"; write the static targets with the kubelet's port ("
            + ", ".join(f"`{old}` → `{new}`" for old, new in ported.items()) + caveat + ")")


def _undo_proxy_address(job) -> str:
    """What sends the job to the API server, undone: the relabel rules that set __address__ (and __metrics_path__)
    for the proxy, or, when no rule sets the address, the API-server target written in static_configs — deleting
    relabel rules the job does not have would leave that target, and the direct path would then ask the API server
    for /metrics/… (404)."""
    targets = {as_str(as_map(rule).get("target_label")) for rule in as_seq(job.job.node.get("relabel_configs"))}
    if "__address__" in targets or not job.job.static_targets:
        path = " and __metrics_path__ to the proxy path" if "__metrics_path__" in targets else ""
        return f"Delete the relabel rules that set __address__ to the API server{path}{_kubelet_ports(job)}"
    # The node a written-out proxy path names (targets.classify): its own address replaces the API server's.
    names = list(dict.fromkeys(proxy_name_parts(e.proxy_name)[1] for e in job.endpoints
                               if e.klass == "apiserver-proxy" and e.proxy_resource == "nodes" and e.proxy_name))
    servers = ", ".join(dict.fromkeys(f"`{target}`" for target, _labels, _span in job.job.static_targets))
    whose = f"{names_text(tuple(names))}'s" if len(names) == 1 else "each node's"
    path = ("; delete the relabel rule that sets __metrics_path__ to the proxy path"
            if "__metrics_path__" in targets else "")
    return (f"In static_configs, replace the API server target {servers} with {whose} own address on the kubelet "
            f"port (`<node IP>:10250`){path}")


# A monitor's tlsConfig keys about the server's certificate (operator.TLS_KEYS' spelling, and `ca` from a
# Secret or ConfigMap): the kubelet's is another one, so the fix's setting replaces them.
_MONITOR_SERVER_VERIFY_KEYS = {"caFile", "ca", "insecureSkipVerify", "serverName"}


def _monitor_direct_scrape_fix(job, endpoint: YMap, kubelet_path: str, serving_cert: str, grant: str) -> str:
    """_direct_scrape_fix for a monitor endpoint, in the Operator's spelling (`path`, `tlsConfig.insecureSkipVerify`,
    `relabelings`): Prometheus keys written into a ServiceMonitor are unknown fields the API server drops."""
    lines = [] if as_str(endpoint.get("scheme")).lower() == "https" else ["  scheme: https"]
    path_key = "metricsPath" if "metricsPath" in endpoint and "path" not in endpoint else "path"
    lines.append(f"  {path_key}: {kubelet_path}")
    credentials = job.credentials
    keep = (" (keep its ServiceAccount token setting)" if credentials.kind == "sa-token" else
            f" (keep its setting that sends {credentials.describe()}: the kubelet authenticates it as the API server did)"
            if credentials.kubernetes_authenticates else
            f" (send the Prometheus ServiceAccount's token with {monitor_token(job)}"
            + (f", in place of its {credentials.describe()}, which the kubelet does not authenticate)"
               if credentials.kind != "none" else ")"))
    own = as_map(endpoint.get("tlsConfig"))
    kept = [f"    {key}: {str(value).lower() if isinstance(value, bool) else yaml_scalar(as_str(value))}"
            for key, value in own.items() if key not in _MONITOR_SERVER_VERIFY_KEYS and isinstance(value, (str, int, float, bool))]
    structured = [key for key, value in own.items() if key not in _MONITOR_SERVER_VERIFY_KEYS and isinstance(value, (YMap, YSeq))]
    also = f" (keep its {', '.join(f'`{key}`' for key in structured)} there too)" if structured else ""
    tls = ""
    if serving_cert == "cluster-ca" and not names_no_files(job):
        lines += ["  tlsConfig:", f"    caFile: {SA_CA}", *kept]
    else:
        lines += ["  tlsConfig:", f"    insecureSkipVerify: true  # {KUBELET_SKIP_VERIFY_NOTE}", *kept]
        tls = (" With `serverTLSBootstrap: true` on the kubelets (assumption kubelet-serving-cert: cluster-ca), verify "
               f"them with `tlsConfig.caFile: {SA_CA}` instead." if not names_no_files(job) else "")
    replaced = [key for key in ("scheme", path_key, "tlsConfig") if key in endpoint and
                any(line.startswith(f"  {key}:") for line in lines)]
    edit = f", replacing its own {', '.join(f'`{key}`' for key in replaced)}{also}" if replaced else also
    return (f"Delete the relabelings that set __address__ to the API server and __metrics_path__ to the proxy path, "
            f"and set in the endpoint of {job.monitor.kind} {job.monitor.namespace}/{job.monitor.name}{keep}{edit}:\n"
            + "\n".join(lines) + f"\nthen {grant}{tls}")


# tls_config keys about the API server's certificate: the kubelet's is another one, so the fix's setting replaces
# them; the rest (a client certificate the kubelet authenticates, TLS versions) stay in the merged block.
_SERVER_VERIFY_KEYS = {"ca_file", "ca", "ca_ref", "insecure_skip_verify", "server_name"}


def _tls_lines(node: YMap, setting: str) -> list[str]:
    """The job's tls_config as the fix leaves it: its own keys that still hold, plus `setting`."""
    own = as_map(node.get("tls_config"))
    kept = [f"    {key}: {str(value).lower() if isinstance(value, bool) else yaml_scalar(as_str(value))}"
            for key, value in own.items() if key not in _SERVER_VERIFY_KEYS and isinstance(value, (str, int, float, bool))]
    return ["  tls_config:", f"    {setting}", *kept]


def _cluster_ca_file(job) -> str:
    """The cluster CA's file as the job's Prometheus sees it: the pod's ServiceAccount CA, or, for a Prometheus
    outside the cluster (discovery through api_server with a token file of its own), the CA file discovery trusts,
    else the one the job verified the API server with (the proxy's certificate: the cluster CA's too); "" when
    neither names one (the in-pod path does not exist there)."""
    external = job.discovery_token()
    return SA_CA if external is None else external[1] or as_str(job.tls.get("ca_file"))


_LEGACY_NODE = re.compile(r"(/api/v1/proxy/nodes/)[^/]+")
_NODE_PROXY_NAME = re.compile(r"(/api/v1/nodes/)[^/]+(?=/proxy(?:/|$))")


def _any_node(text: str) -> str:
    """A node proxy path (or a need's reason naming one) with the node, written or discovered, as <node>."""
    return _NODE_PROXY_NAME.sub(r"\1<node>", _LEGACY_NODE.sub(r"\1<node>", text))


def _proxy_grant_related(need) -> list[Related]:
    granting = need.granting if need is not None else None
    if granting is None:
        return []
    related = []
    for grant in granting.grants[:1]:
        item = grant_related(grant, f"{role_label(grant.role)} grants it: {grant.rule.describe()}")
        if item is not None:
            related.append(item)
    return related


