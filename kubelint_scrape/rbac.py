"""The authorizer: what a ServiceAccount may do, with exact Kubernetes RBAC semantics (FACTS §8).

Pure functions over the Workspace. Mirrors k/k `pkg/apis/rbac/v1/evaluation_helpers.go` (rule matching),
`plugin/pkg/auth/authorizer/rbac/rbac.go` (additive evaluation) and `pkg/registry/rbac/validation/rule.go`
(`appliesToUser`, RoleBinding scope). Every decision says which binding → role → rule granted it, and which
rules nearly did (out of scope, restricted by name, or a neighbouring resource), for actionable findings.
"""

from __future__ import annotations

from .model import BindingDef, PolicyRule, RoleDef, Subject, Workspace
from .records import dataclass


@dataclass(frozen=True)
class Identity:
    namespace: str
    name: str

    def __hash__(self) -> int:
        # Identities key most indexes (jobs, bindings, decisions per identity): hash the fields once.
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = hash((self.namespace, self.name))
            object.__setattr__(self, "_hash", cached)
        return cached

    @property
    def user(self) -> str:
        if not self.namespace:  # ANONYMOUS
            return self.name
        return f"system:serviceaccount:{self.namespace}:{self.name}"

    @property
    def groups(self) -> tuple[str, ...]:
        if not self.namespace:  # ANONYMOUS: the one group an unauthenticated request carries
            return ("system:unauthenticated",)
        # The groups every ServiceAccount token carries (kubernetes.io authentication docs).
        return ("system:serviceaccounts", f"system:serviceaccounts:{self.namespace}", "system:authenticated")

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}" if self.namespace else self.name

    @classmethod
    def parse(cls, text: str) -> "Identity":
        namespace, _, name = text.partition("/")
        if not namespace or not name or "/" in name:
            raise ValueError(f"identity must be NAMESPACE/SERVICEACCOUNT, got {text!r}")
        return cls(namespace, name)


# A request without credentials, as the API server's anonymous authenticator names it (no ServiceAccount has an
# empty namespace: Identity.parse refuses one).
ANONYMOUS = Identity("", "system:anonymous")


@dataclass(frozen=True, slots=True)
class Request:
    """One request the identity must be allowed. namespace None = cluster-scoped or all namespaces."""

    verb: str
    api_group: str = ""
    resource: str = ""
    subresource: str = ""
    namespace: str | None = None
    name: str | None = None  # None: every name (a list, or "every node")
    url: str = ""

    @property
    def is_resource(self) -> bool:
        return not self.url

    @property
    def resource_path(self) -> str:
        return f"{self.resource}/{self.subresource}" if self.subresource else self.resource

    def describe(self) -> str:
        if self.url:
            return f"{self.verb} {self.url}"
        group = f"{self.api_group}/" if self.api_group else ""
        where = f" in namespace {self.namespace}" if self.namespace else ""
        named = f" named {self.name}" if self.name else ""
        return f"{self.verb} {group}{self.resource_path}{named}{where}"


# k8s.io/apiserver pkg/endpoints/request/requestinfo.go (FACTS §2 [RI]): the API prefixes whose paths are resource
# requests, the one of them without an API group, the verbs a path can carry, and the namespace subresources.
_API_PREFIXES = ("api", "apis")
_SPECIAL_VERBS = ("proxy", "watch")
_NAMESPACE_SUBRESOURCES = ("status", "finalize")


def api_server_request(path: str) -> Request | None:
    """The resource request the API server makes of a GET of `path` (RequestInfoFactory.NewRequestInfo), or None
    when it is a non-resource URL (`/metrics`, `/apis`, `/apis/GROUP/VERSION`). A path of an API group's objects is
    authorized as a resource even where an aggregated API server serves it: EKS serves its control plane's metrics as
    `/apis/metrics.eks.amazonaws.com/v1/kcm/container/metrics`, which needs `get kcm/metrics` in that group, and
    no nonResourceURLs rule (system:discovery's `/apis/*` included) allows it. (The node, service and pod proxy
    paths are told apart before, by targets.classify.)"""
    parts = [part for part in path.split("?", 1)[0].strip("/").split("/") if part]
    if len(parts) < 3 or parts[0] not in _API_PREFIXES:
        return None
    group = ""
    rest = parts[1:]
    if parts[0] == "apis":
        if len(rest) < 3:
            return None
        group, rest = rest[0], rest[1:]
    rest = rest[1:]  # the version
    verb = "get"
    if rest and rest[0] in _SPECIAL_VERBS:
        if len(rest) < 2:
            return None  # the Go code refuses it ("unable to determine kind and namespace"): an error, not a URL
        verb, rest = rest[0], rest[1:]
    namespace = None
    if rest and rest[0] == "namespaces":
        if len(rest) > 1:
            namespace = rest[1]
            if len(rest) > 2 and rest[2] not in _NAMESPACE_SUBRESOURCES:
                rest = rest[2:]
    resource = rest[0] if rest else ""
    name = rest[1] if len(rest) >= 2 else None
    subresource = rest[2] if len(rest) >= 3 and verb != "proxy" else ""
    if name is None and verb == "get":
        verb = "list"  # no name: a GET lists
    return Request(verb, group, resource, subresource, namespace, name)


@dataclass(frozen=True, slots=True)
class Grant:
    binding: BindingDef
    role: RoleDef
    rule: PolicyRule

    def describe(self) -> str:
        return f"{self.binding.ref} -> {self.role.ref}"


@dataclass(eq=False, slots=True)
class Decision:
    request: Request
    allowed: bool
    # Tuples, made once the decision is complete: a large run keeps ~20,000 decisions, most with three of these
    # empty, and an empty list is 56 bytes where every empty tuple is the same object.
    grants: tuple[Grant, ...] = ()
    out_of_scope: tuple[Grant, ...] = ()  # would allow, but the RoleBinding cannot apply here
    name_restricted: tuple[Grant, ...] = ()  # would allow, but resourceNames limits it
    near: tuple[Grant, ...] = ()  # denied only: same resource or URL family, other verbs/subresource


# ---------------------------------------------------------------------------------------------- matching


def verb_matches(rule: PolicyRule, verb: str) -> bool:
    return "*" in rule.verbs or verb in rule.verbs


def api_group_matches(rule: PolicyRule, group: str) -> bool:
    return "*" in rule.api_groups or group in rule.api_groups


def resource_matches(rule: PolicyRule, resource: str, subresource: str) -> bool:
    combined = f"{resource}/{subresource}" if subresource else resource
    for candidate in rule.resources:
        if candidate == "*" or candidate == combined:
            return True
        # `*/sub` matches any resource's subresource; `nodes/*` is NOT a wildcard (EH ResourceMatches).
        if subresource and candidate.startswith("*/") and candidate[2:] == subresource:
            return True
    return False


def resource_name_matches(rule: PolicyRule, name: str | None) -> bool:
    """`name`: the request's name as request_name gives it (None: every object, e.g. get nodes/metrics on each node)."""
    # EH ResourceNameMatches compares the request's name, "" when it has none (a list, a create): a rule naming
    # `""` allows exactly those requests (the API server accepts the name; nothing validates resourceNames).
    return not rule.resource_names or (name is not None and name in rule.resource_names)


def request_name(request: "Request") -> str | None:
    """The name RequestInfo gives a request written without one: "" for a request that carries none (list or watch
    of a collection, create of a new object, deletecollection), None for one made for every object by name (a get
    on each node's nodes/metrics: the kubelet's SubjectAccessReview names the node, never "")."""
    if request.name is not None:
        return request.name
    if request.verb in ("list", "watch") or (request.verb in UNNAMED_VERBS and not request.subresource):
        return ""
    return None


def non_resource_url_matches(rule: PolicyRule, url: str) -> bool:
    return any(url_pattern_matches(candidate, url) for candidate in rule.non_resource_urls)


def url_pattern_matches(pattern: str, url: str) -> bool:
    """One nonResourceURLs entry against a URL path, as RBAC matches it."""
    # EH NonResourceURLMatches: HasPrefix(url, TrimRight(rule, "*")), so `/metrics**` is `/metrics*`.
    return pattern == "*" or pattern == url or (pattern.endswith("*") and url.startswith(pattern.rstrip("*")))


def rule_allows(rule: PolicyRule, request: Request, ignore_names: bool = False) -> bool:
    if not verb_matches(rule, request.verb):
        return False
    if not request.is_resource:
        return non_resource_url_matches(rule, request.url)
    return (
        api_group_matches(rule, request.api_group)
        and resource_matches(rule, request.resource, request.subresource)
        and (ignore_names or resource_name_matches(rule, request_name(request)))
    )


# Requests that never carry an object name: creating a new top-level object and deleting a collection. A
# name-restricted rule therefore never allows them (FACTS §8). A subresource create (pods/exec,
# serviceaccounts/token, a POST through nodes/proxy) names its parent object, so resourceNames do limit it.
UNNAMED_VERBS = ("create", "deletecollection")


def names_text(names: tuple[str, ...] | list[str]) -> str:
    """resourceNames as messages write them: `""` (what an empty Helm value renders) shown, not left blank."""
    return ", ".join(name or '""' for name in names)


def names_allowed(rule: PolicyRule, request: Request) -> tuple[str, ...] | None:
    """For which object names the rule allows `request`, whatever name the request itself carries: () for every
    name, the rule's resourceNames when it is restricted to them, None for none.

    The question of the dangerous-grant rules: a grant for one name still allows the request for that object
    (impersonating one ServiceAccount, exec through one node's kubelet), so "restricted by name" is not "denied"."""
    if not rule_allows(rule, request, ignore_names=True):
        return None
    if not rule.resource_names:
        return ()
    if request.is_resource and request_name(request) == "":
        # A request without a name (see resource_name_matches) is allowed whole by `""`; a list or watch is also
        # allowed by a named one for that object (a metadata.name field selector gives the request its name).
        if "" in rule.resource_names:
            return ()
        return rule.resource_names if request.verb in ("list", "watch") else None
    # A request that names an object never names "" (object names are not empty; a kubelet or proxy request names
    # its node): `""` allows it for no object, and a rule naming nothing else allows it for none.
    return tuple(name for name in rule.resource_names if name) or None


def nearness(rule: PolicyRule, request: Request) -> int:
    """How closely a rule that does not allow the request resembles one that would (0 = unrelated): the rules a
    person would look at when asking "why is this denied?", best first."""
    if not request.is_resource:
        # Compared without case: `/Metrics` grants nothing for /metrics (paths are case-sensitive), and is exactly
        # the rule to point at when asking why.
        base = request.url.lower().strip("/").split("/")[:1]
        return 2 if any(u.lower().strip("/").split("/")[:1] == base for u in rule.non_resource_urls) else 0
    score = 0
    for resource in rule.resources:
        head, _, sub = resource.partition("/")
        if head == request.resource and sub and request.subresource:
            score = max(score, 3)  # e.g. `nodes/*` or `nodes/stats` for nodes/metrics
        elif resource == request.resource_path:
            score = max(score, 3)  # right resource, wrong verb or group
        elif head == request.resource:
            score = max(score, 2)
        elif request.resource_path in resource or resource in request.resource_path:
            score = max(score, 1)
    if score and not api_group_matches(rule, request.api_group):
        score = max(score - 1, 1)  # e.g. endpointslices listed under the core group
    return score


# ---------------------------------------------------------------------------------------------- evaluation


def subject_applies(subject: Subject, identity: Identity) -> bool:
    if subject.kind == "ServiceAccount":
        return subject.namespace == identity.namespace and subject.name == identity.name
    if subject.kind == "User":
        return subject.name == identity.user
    if subject.kind == "Group":
        return subject.name in identity.groups
    return False


def meant_for(subject: Subject, identity: Identity) -> bool:
    """Whether a subject names the identity as its author meant it, mistakes the API server refuses included
    (KS501): the kind in another case, a ServiceAccount written as its user name or without the namespace a
    ClusterRoleBinding requires."""
    kind = subject.kind.lower()
    if kind == "serviceaccount":
        return subject.name == identity.user or (
            subject.name == identity.name and subject.namespace in (identity.namespace, ""))
    if kind == "user":
        return subject.name == identity.user
    return kind == "group" and subject.name in identity.groups


def names_identity(binding: BindingDef, identity: Identity) -> bool:
    """Whether the binding names the identity itself (as ServiceAccount or User), not only one of the groups every
    ServiceAccount token carries (system:serviceaccounts[:NS], system:authenticated)."""
    return any(s.kind != "Group" and subject_applies(s, identity) for s in binding.subjects)


class Authorizer:
    """Answers requests for identities of one Workspace; caches bindings per identity and aggregated roles."""

    def __init__(self, workspace: Workspace, previous: "Authorizer | None" = None) -> None:
        """`previous`: the authorizer of an earlier run (the language server); its decisions for an identity are
        reused while the same objects decide for it (same_inputs)."""
        self.workspace = workspace
        self._previous = previous
        if previous is not None:
            previous._previous = None  # keep one run back, not a chain of every run
        self._bindings: dict[Identity, list[tuple[BindingDef, RoleDef]]] = {}
        self._rules: dict[str, list[PolicyRule]] = {}
        self._selections: dict[str, list[RoleDef]] = {}
        # Jobs of one config ask the same questions (list nodes, get nodes/metrics…): answer each once. Decisions
        # are shared, so callers must treat them as read-only (none writes to one).
        self._decisions: dict[tuple[Identity, Request], Decision] = {}
        self._input_lists: dict[Identity, list[object]] = {}
        self._same: dict[tuple[int, Identity], bool] = {}
        self._candidate_rules: dict[tuple, list[PolicyRule]] = {}
        self._refused: dict[Identity, list[tuple[BindingDef, RoleDef, tuple[BindingDef | RoleDef, ...]]]] = {}
        self._replaced: dict[Identity, list[tuple[BindingDef, RoleDef, object, object]]] = {}
        self.memo: dict = {}  # answers the checks derive from this authorizer's workspace alone, for one run

    def bindings(self, identity: Identity) -> list[tuple[BindingDef, RoleDef]]:
        """Every binding whose subjects include the identity (as SA, User or one of its groups), with its role."""
        if identity not in self._bindings:
            ws = self.workspace
            result = []
            for binding in self._subject_bindings(identity):
                role = ws.role_for(binding)
                if role is not None:
                    result.append((binding, role))
            self._bindings[identity] = result
        return self._bindings[identity]

    def _subject_bindings(self, identity: Identity) -> list[BindingDef]:
        ws = self.workspace
        seen: set[int] = set()
        result = []
        keys = [("ServiceAccount", identity.namespace, identity.name), ("User", "", identity.user)]
        keys += [("Group", "", group) for group in identity.groups]
        for key in keys:
            for binding in ws.bindings_for_subject(*key):
                if id(binding) not in seen:
                    seen.add(id(binding))
                    result.append(binding)
        return result

    def unresolved(self, identity: Identity) -> list[BindingDef]:
        """Bindings whose subjects include the identity but whose roleRef names no role the inputs define (nor a
        built-in one), refused roles aside (KS501's): they grant nothing until the role exists (KS502)."""
        ws = self.workspace
        return [b for b in self._subject_bindings(identity)
                if ws.role_for(b) is None and ws.rejected_role_for(b) is None]

    def refused(self, identity: Identity) -> list[tuple[BindingDef, RoleDef, tuple[BindingDef | RoleDef, ...]]]:
        """Grants meant for the identity that do not exist because the API server refuses the binding, the role it
        refers to, or both (KS501, KS602): (binding, role, the refused ones). Never part of a decision; they explain one."""
        cached = self._refused.get(identity)
        if cached is not None:
            return cached
        ws = self.workspace
        result: list[tuple[BindingDef, RoleDef, tuple[BindingDef | RoleDef, ...]]] = []
        for binding in ws.rejected_bindings:
            if not any(meant_for(s, identity) for s in binding.subjects):
                continue
            role = ws.role_for(binding)
            if role is None and binding.kind == "ClusterRoleBinding" and binding.role_kind == "Role":
                # roleRef.kind Role is the one line KS501 refuses it for, when a ClusterRole of that name exists:
                # that ClusterRole is the grant meant (a ClusterRoleBinding can refer to nothing else).
                role = ws.cluster_roles.get(binding.role_name)
            refused_role = ws.rejected_role_for(binding) if role is None else None
            if role is not None or refused_role is not None:
                result.append((binding, role or refused_role, (binding, refused_role) if refused_role else (binding,)))
        for binding in self._subject_bindings(identity):
            role = ws.rejected_role_for(binding)
            if role is not None and ws.role_for(binding) is None:
                result.append((binding, role, (role,)))
        self._refused[identity] = result
        return result

    def replaced(self, identity: Identity) -> list[tuple[BindingDef, RoleDef, object, object]]:
        """Grants of the identity that a later, different definition of the same name replaces (KS006): (the
        binding, the role that would grant, the replaced object — that binding or that role —, the object that
        replaces it). Never part of a decision; they explain one."""
        cached = self._replaced.get(identity)
        if cached is None:
            ws = self.workspace
            cached = [(binding, role, binding, winner) for binding, winner in ws.replaced_bindings
                      if (role := ws.role_for(binding)) is not None
                      and any(subject_applies(s, identity) for s in binding.subjects)]
            winners = {id(winner): old for old, winner in ws.replaced_roles}
            cached += [(binding, winners[id(role)], winners[id(role)], role) for binding, role in self.bindings(identity)
                       if id(role) in winners]
            self._replaced[identity] = cached
        return cached

    def effective_rules(self, role: RoleDef) -> list[PolicyRule]:
        """A role's rules; an aggregated ClusterRole's are those of the ClusterRoles its selectors match.

        As the aggregation controller computes them (pkg/controller/clusterroleaggregation): the union of the
        selected roles' rules *replaces* the role's own — rules written into an aggregated ClusterRole are
        overwritten (KS509) — the role never selects itself, and an empty selector selects every ClusterRole
        (metav1.LabelSelectorAsSelector of `{}` is labels.Everything()). A selected aggregated role contributes
        its own aggregated rules, so the result is the rules of every plain ClusterRole reachable through chains
        of selections. That holds for cycles of aggregated roles too: the controller copies rules round a cycle
        until every role in it holds all that the cycle reaches, whichever role is asked about first."""
        if role.aggregation is None:
            return role.rules
        rules = self._rules.get(role.name)
        if rules is None:
            rules = self._rules[role.name] = []
            seen = {role.name}
            pending = [iter(self._selected(role))]  # depth first, in workspace order: no recursion limit to hit
            while pending:
                other = next(pending[-1], None)
                if other is None:
                    pending.pop()
                elif other.name not in seen:
                    seen.add(other.name)
                    if other.aggregation is None:
                        rules.extend(other.rules)
                    else:
                        pending.append(iter(self._selected(other)))
        return rules

    def _selected(self, role: RoleDef) -> list[RoleDef]:
        """The other ClusterRoles an aggregated role's selectors match, in workspace order (matched once per run)."""
        selected = self._selections.get(role.name)
        if selected is None:
            aggregation = role.aggregation or []
            selected = self._selections[role.name] = [
                other for other in self.workspace.cluster_roles.values()
                if other is not role and other.name != role.name and any(sel.matches(other.labels) for sel in aggregation)]
        return selected

    def same_inputs(self, other: "Authorizer", identity: Identity) -> bool:
        """Whether `other` (an earlier run's authorizer) decides for `identity` from the very same objects: the
        same bindings, roles and (aggregated) rules. Then its decisions still hold, positions included."""
        key = (id(other), identity)
        same = self._same.get(key)
        if same is None:
            mine, theirs = self._inputs(identity), other._inputs(identity)
            same = self._same[key] = len(mine) == len(theirs) and all(a is b for a, b in zip(mine, theirs))
        return same

    def _inputs(self, identity: Identity) -> list[object]:
        inputs = self._input_lists.get(identity)
        if inputs is None:
            inputs = []
            for binding, role in self.bindings(identity):
                inputs += [binding, role, *self.effective_rules(role)]
            self._input_lists[identity] = inputs
        return inputs

    def authorize(self, identity: Identity, request: Request) -> Decision:
        key = (identity, request)
        decision = self._decisions.get(key)
        if decision is not None:
            return decision
        previous = self._previous
        if previous is not None and self.same_inputs(previous, identity):
            decision = previous._decisions.get(key)
            if decision is not None:
                self._decisions[key] = decision
                return decision
        grants: list[Grant] = []
        out_of_scope: list[Grant] = []
        name_restricted: list[Grant] = []
        bindings = self.bindings(identity)
        for binding, role in bindings:
            # A RoleBinding grants only namespaced resource requests in its own namespace (FACTS §8 Scope).
            applies = binding.kind == "ClusterRoleBinding" or (
                request.is_resource and request.namespace is not None and request.namespace == binding.namespace
            )
            for rule in self._candidates(role, request):
                if rule_allows(rule, request):
                    (grants if applies else out_of_scope).append(Grant(binding, role, rule))
                elif rule.resource_names and rule_allows(rule, request, ignore_names=True):
                    name_restricted.append(Grant(binding, role, rule))
        decision = Decision(request, bool(grants), tuple(grants), tuple(out_of_scope), tuple(name_restricted))
        if not decision.allowed:  # only a denial shows its nearest rules (most decisions allow)
            scored = [
                (nearness(rule, request), binding, role, rule)
                for binding, role in bindings for rule in self._candidates(role, request, related=True)
                if not rule_allows(rule, request)
                and not (rule.resource_names and rule_allows(rule, request, ignore_names=True))
            ]
            ranked = sorted(scored, key=lambda entry: -entry[0])  # stable: in binding and rule order
            decision.near = tuple([Grant(binding, role, rule) for _score, binding, role, rule in ranked])
        self._decisions[key] = decision
        return decision

    def _candidates(self, role: RoleDef, request: Request, related: bool = False) -> list[PolicyRule]:
        """The role's rules (in order) that match the request's resource — or, for a URL, its URL: the only ones
        that can allow it, whatever its verb, group and name. Most rules of a role are about other resources,
        and deciding every request over all of them was two thirds of the analysis of a large input.
        `related`: instead, the rules a denial names as nearest (nearness() > 0, which depends on the same parts
        of the request)."""
        if request.is_resource:
            key = (id(role), request.resource, request.subresource, related)  # roles live as long as this authorizer
        else:
            key = (id(role), None, request.url, related)
        rules = self._candidate_rules.get(key)
        if rules is None:
            if related:
                rules = [r for r in self.effective_rules(role) if nearness(r, request)]
            elif request.is_resource:
                rules = [r for r in self.effective_rules(role) if resource_matches(r, request.resource, request.subresource)]
            else:
                rules = [r for r in self.effective_rules(role) if non_resource_url_matches(r, request.url)]
            self._candidate_rules[key] = rules
        return rules

    def all_grants(self, identity: Identity) -> list[Grant]:
        return [Grant(b, r, rule) for b, r in self.bindings(identity) for rule in self.effective_rules(r)]
