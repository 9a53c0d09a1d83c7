"""An independent reference of what a cluster's RBAC authorizer decides, for the differential test.

A direct, deliberately naive port of the upstream Go code, over plain dicts of the manifests (no kubelint_scrape
import, so a defect in the tool's model cannot hide in both):

- k8s.io/kubernetes pkg/apis/rbac/v1/defaults.go            SetDefaults_Subject, SetDefaults_RoleRef
- k8s.io/kubernetes pkg/apis/rbac/validation/validation.go  ValidateRole/ClusterRole/RoleBinding/ClusterRoleBinding
  (the upstream file; a fork's `resource names cannot apply to multiple resources` check, k/k PR #44659, was
  closed unmerged: resourceNames with several resources are valid)
- k8s.io/apimachinery pkg/apis/meta/v1/validation           ValidateLabelSelector (operators and their values)
- k8s.io/kubernetes pkg/controller/clusterroleaggregation    syncClusterRole
- k8s.io/kubernetes pkg/registry/rbac/validation/rule.go    VisitRulesFor, appliesTo, appliesToUser, GetRoleReferenceRules
- k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac/rbac.go RuleAllows
- k8s.io/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go  VerbMatches, APIGroupMatches, ResourceMatches,
  ResourceNameMatches, NonResourceURLMatches

Request attributes are Go's: `namespace` and `name` are "" when absent (a cluster-scoped request, a list across
all namespaces, a list or create without a name).
"""

from __future__ import annotations

from dataclasses import dataclass

RBAC_GROUP = "rbac.authorization.k8s.io"


@dataclass(frozen=True)
class User:
    name: str
    groups: tuple[str, ...]


@dataclass(frozen=True)
class Attributes:
    verb: str
    is_resource: bool
    api_group: str = ""
    resource: str = ""
    subresource: str = ""
    namespace: str = ""
    name: str = ""
    path: str = ""


# ------------------------------------------------------------------------------ evaluation_helpers.go


def VerbMatches(rule: dict, verb: str) -> bool:
    for rule_verb in rule.get("verbs") or []:
        if rule_verb == "*":
            return True
        if rule_verb == verb:
            return True
    return False


def APIGroupMatches(rule: dict, group: str) -> bool:
    for rule_group in rule.get("apiGroups") or []:
        if rule_group == "*":
            return True
        if rule_group == group:
            return True
    return False


def ResourceMatches(rule: dict, combined: str, subresource: str) -> bool:
    for rule_resource in rule.get("resources") or []:
        if rule_resource == "*":
            return True
        if rule_resource == combined:
            return True
        if len(subresource) == 0:
            continue
        if (len(rule_resource) == len(subresource) + 2 and rule_resource.startswith("*/")
                and rule_resource.endswith(subresource)):
            return True
    return False


def ResourceNameMatches(rule: dict, name: str) -> bool:
    names = rule.get("resourceNames") or []
    if len(names) == 0:
        return True
    for rule_name in names:
        if rule_name == name:
            return True
    return False


def NonResourceURLMatches(rule: dict, path: str) -> bool:
    for rule_url in rule.get("nonResourceURLs") or []:
        if rule_url == "*":
            return True
        if rule_url == path:
            return True
        if rule_url.endswith("*") and path.startswith(rule_url.rstrip("*")):
            return True
    return False


# ------------------------------------------------------------------------------ rbac.go


def RuleAllows(attrs: Attributes, rule: dict) -> bool:
    if attrs.is_resource:
        combined = attrs.resource
        if len(attrs.subresource) > 0:
            combined = attrs.resource + "/" + attrs.subresource
        return (VerbMatches(rule, attrs.verb) and APIGroupMatches(rule, attrs.api_group)
                and ResourceMatches(rule, combined, attrs.subresource) and ResourceNameMatches(rule, attrs.name))
    return VerbMatches(rule, attrs.verb) and NonResourceURLMatches(rule, attrs.path)


# ------------------------------------------------------------------------------ defaults.go + validation.go


def _default_subject(subject: dict) -> dict:
    """SetDefaults_Subject: an empty apiGroup becomes "" for ServiceAccount, rbac.authorization.k8s.io for User/Group."""
    subject = dict(subject)
    if not subject.get("apiGroup"):
        if subject.get("kind") == "ServiceAccount":
            subject["apiGroup"] = ""
        elif subject.get("kind") in ("User", "Group"):
            subject["apiGroup"] = RBAC_GROUP
    return subject


def _default_binding(binding: dict) -> dict:
    binding = dict(binding)
    role_ref = dict(binding.get("roleRef") or {})
    if not role_ref.get("apiGroup"):  # SetDefaults_RoleRef
        role_ref["apiGroup"] = RBAC_GROUP
    binding["roleRef"] = role_ref
    binding["subjects"] = [_default_subject(s) for s in binding.get("subjects") or []]
    return binding


def _is_dns1123_subdomain(name: str) -> bool:
    import re

    return len(name) <= 253 and re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*", name) is not None


def _path_segment_ok(name: str) -> bool:  # path.IsValidPathSegmentName
    return name not in (".", "..") and "/" not in name and "%" not in name


def validatePolicyRule(rule: dict, namespaced: bool) -> bool:
    ok = len(rule.get("verbs") or []) > 0
    if len(rule.get("nonResourceURLs") or []) > 0:
        if namespaced:
            ok = False
        if rule.get("apiGroups") or rule.get("resources") or rule.get("resourceNames"):
            ok = False
        return ok
    if len(rule.get("apiGroups") or []) == 0:
        ok = False
    if len(rule.get("resources") or []) == 0:
        ok = False
    return ok


def _label_selector_ok(selector: dict) -> bool:
    """metav1 validation.ValidateLabelSelector, operator/values part (the generated keys and values are valid)."""
    for expression in selector.get("matchExpressions") or []:
        operator, values = expression.get("operator"), expression.get("values") or []
        if operator in ("In", "NotIn"):
            if len(values) == 0:
                return False
        elif operator in ("Exists", "DoesNotExist"):
            if len(values) > 0:
                return False
        else:
            return False
    return True


def validate_role(role: dict) -> bool:
    namespaced = role["kind"] == "Role"
    if not _path_segment_ok(role["metadata"]["name"]):
        return False
    if not all(validatePolicyRule(rule, namespaced) for rule in role.get("rules") or []):
        return False
    aggregation = role.get("aggregationRule")
    if not namespaced and aggregation is not None:
        selectors = aggregation.get("clusterRoleSelectors") or []
        if len(selectors) == 0:  # validation.go ValidateClusterRole (aggregationRule part)
            return False
        if not all(_label_selector_ok(s) for s in selectors):
            return False
    return True


def validateRoleBindingSubject(subject: dict, namespaced: bool) -> bool:
    name, kind, api_group = subject.get("name") or "", subject.get("kind"), subject.get("apiGroup") or ""
    ok = len(name) > 0
    if kind == "ServiceAccount":
        if name and not _is_dns1123_subdomain(name):
            ok = False
        if len(api_group) > 0:
            ok = False
        if not namespaced and len(subject.get("namespace") or "") == 0:
            ok = False
    elif kind in ("User", "Group"):
        if api_group != RBAC_GROUP:
            ok = False
    else:
        ok = False
    return ok


def validate_binding(binding: dict) -> bool:
    namespaced = binding["kind"] == "RoleBinding"
    role_ref = binding["roleRef"]
    if role_ref.get("apiGroup") != RBAC_GROUP:
        return False
    if role_ref.get("kind") not in (("Role", "ClusterRole") if namespaced else ("ClusterRole",)):
        return False
    if not role_ref.get("name") or not _path_segment_ok(role_ref["name"]):
        return False
    return all(validateRoleBindingSubject(s, namespaced) for s in binding["subjects"])


# ------------------------------------------------------------------------------ the cluster


def _selector_matches(selector: dict, labels: dict) -> bool:
    """labels.Selector of metav1.LabelSelectorAsSelector (valid selectors only: the invalid are refused above)."""
    for key, value in (selector.get("matchLabels") or {}).items():
        if key not in labels or labels[key] != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values") or []
        if operator == "In" and not (key in labels and labels[key] in values):
            return False
        if operator == "NotIn" and key in labels and labels[key] in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


class Cluster:
    """The objects a cluster holds once every manifest was applied (the refused ones never exist) and the
    aggregation controller has settled."""

    def __init__(self, docs: list[dict]) -> None:
        self.cluster_roles: dict[str, dict] = {}
        self.roles: dict[tuple[str, str], dict] = {}
        bindings: dict[tuple[str, str, str], dict] = {}
        # Applied in order (kubectl apply of the files in path order): a valid object is created, or replaces the
        # one of its name; a refused one changes nothing.
        for doc in docs:
            kind = doc["kind"]
            if kind in ("Role", "ClusterRole"):
                if not validate_role(doc):
                    continue
                if kind == "Role":
                    self.roles[(doc["metadata"]["namespace"], doc["metadata"]["name"])] = doc
                else:
                    self.cluster_roles[doc["metadata"]["name"]] = doc
            else:
                binding = _default_binding(doc)
                if not validate_binding(binding):
                    continue
                key = (kind, binding["metadata"].get("namespace", ""), binding["metadata"]["name"])
                old = bindings.get(key)
                if old is not None and old["roleRef"] != binding["roleRef"]:
                    continue  # ValidateRoleBindingUpdate: "cannot change roleRef"
                bindings[key] = binding
        self.cluster_role_bindings = [b for (kind, _, _), b in bindings.items() if kind == "ClusterRoleBinding"]
        self.role_bindings = [b for (kind, _, _), b in bindings.items() if kind == "RoleBinding"]
        self.aggregated_rules = self._aggregate()

    def _aggregate(self) -> dict[str, list[dict]]:
        """syncClusterRole, run until nothing changes: an aggregated role's rules become the union of the rules of
        the other ClusterRoles its selectors match (its own are overwritten). Chains settle once the roles they
        select have. A cycle of aggregated roles has no single settled state upstream (it depends on the order
        the controller syncs them, and written rules may survive); this computes the least one (every plain role
        reachable through the cycle), which every sync order contains."""
        aggregated = {name: role for name, role in self.cluster_roles.items() if role.get("aggregationRule") is not None}
        current = {name: [] for name in aggregated}

        def rules_of(name: str) -> list[dict]:
            return current[name] if name in aggregated else list(self.cluster_roles[name].get("rules") or [])

        changed = True
        while changed:
            changed = False
            for name, role in aggregated.items():
                new: list[dict] = []
                for selector in role["aggregationRule"]["clusterRoleSelectors"]:
                    for other_name in sorted(self.cluster_roles):
                        if other_name == name:
                            continue
                        if _selector_matches(selector or {}, self.cluster_roles[other_name]["metadata"].get("labels") or {}):
                            for rule in rules_of(other_name):
                                if rule not in new:  # ruleExists
                                    new.append(rule)
                if new != current[name]:
                    current[name] = new
                    changed = True
        return current

    def _rules(self, role_ref: dict, namespace: str) -> list[dict] | None:
        """GetRoleReferenceRules: a Role in the binding's namespace, or a ClusterRole; None when it does not exist."""
        if role_ref["kind"] == "Role":
            role = self.roles.get((namespace, role_ref["name"]))
            return None if role is None else list(role.get("rules") or [])
        role = self.cluster_roles.get(role_ref["name"])
        if role is None:
            return None
        if role_ref["name"] in self.aggregated_rules:
            return self.aggregated_rules[role_ref["name"]]
        return list(role.get("rules") or [])

    def VisitRulesFor(self, user: User, namespace: str):
        for binding in self.cluster_role_bindings:
            if not appliesTo(user, binding["subjects"], ""):
                continue
            yield from self._rules(binding["roleRef"], "") or []
        if len(namespace) > 0:
            for binding in self.role_bindings:
                if binding["metadata"]["namespace"] != namespace:  # ListRoleBindings(namespace)
                    continue
                if not appliesTo(user, binding["subjects"], namespace):
                    continue
                yield from self._rules(binding["roleRef"], namespace) or []

    def Authorize(self, user: User, attrs: Attributes) -> bool:
        return any(RuleAllows(attrs, rule) for rule in self.VisitRulesFor(user, attrs.namespace))


# ------------------------------------------------------------------------------ rule.go appliesTo


def appliesTo(user: User, subjects: list[dict], namespace: str) -> bool:
    return any(appliesToUser(user, subject, namespace) for subject in subjects)


def appliesToUser(user: User, subject: dict, namespace: str) -> bool:
    kind = subject.get("kind")
    if kind == "User":
        return user.name == subject.get("name")
    if kind == "Group":
        return subject.get("name") in user.groups
    if kind == "ServiceAccount":
        sa_namespace = namespace
        if len(subject.get("namespace") or "") > 0:
            sa_namespace = subject["namespace"]
        if len(sa_namespace) == 0:
            return False
        # serviceaccount.MatchesUsername
        return user.name == f"system:serviceaccount:{sa_namespace}:{subject.get('name')}"
    return False


def service_account_user(namespace: str, name: str) -> User:
    """The user.Info a ServiceAccount token authenticates as (serviceaccount.UserInfo)."""
    return User(f"system:serviceaccount:{namespace}:{name}",
                ("system:serviceaccounts", f"system:serviceaccounts:{namespace}", "system:authenticated"))


ANONYMOUS_USER = User("system:anonymous", ("system:unauthenticated",))


def builtin_objects(data: dict, version: tuple[int, int]) -> list[dict]:
    """The bootstrap ClusterRoles and ClusterRoleBindings of rules/builtin/cluster-roles.yaml as manifests: they
    exist in every cluster, so the reference's cluster holds them as the tool's does."""

    def present(since) -> bool:
        if not since:
            return True
        major, minor = (int(p) for p in str(since).split(".")[:2])
        return version >= (major, minor)

    docs = []
    for entry in data.get("cluster_roles", []):
        if not present(entry.get("since")):
            continue
        doc = {"kind": "ClusterRole", "metadata": {"name": entry["name"], "labels": dict(entry.get("labels") or {})},
               "rules": [{k: v for k, v in r.items() if k != "since"} for r in entry.get("rules") or [] if present(r.get("since"))]}
        if entry.get("aggregationRule"):
            doc["aggregationRule"] = entry["aggregationRule"]
        docs.append(doc)
    for entry in data.get("cluster_role_bindings", []):
        if present(entry.get("since")):
            docs.append({"kind": "ClusterRoleBinding", "metadata": {"name": entry["name"]},
                         "roleRef": {"apiGroup": RBAC_GROUP, "kind": "ClusterRole", "name": entry["roleRef"]},
                         "subjects": list(entry.get("subjects") or [])})
    return docs
