"""The authorizer, table-driven over the traps FACTS §8 lists (k/k evaluation_helpers.go, rbac.go, rule.go)."""

from __future__ import annotations

import textwrap

import pytest

from kubelint_scrape.build import build_workspace
from kubelint_scrape.load import Limits, parse_source
from kubelint_scrape.model import PolicyRule
from kubelint_scrape.rbac import Authorizer, Identity, Request, api_server_request, names_allowed

PROM = Identity("monitoring", "prometheus")


def authorizer(yaml_text: str, version: tuple[int, int] = (1, 34)) -> Authorizer:
    source = parse_source("rbac.yaml", textwrap.dedent(yaml_text))
    assert source.status == "linted", source.findings
    workspace, _, _ = build_workspace([source], kubernetes_version=version)
    return Authorizer(workspace)


def cluster_role(rules: str, subject: str = "{kind: ServiceAccount, name: prometheus, namespace: monitoring}") -> str:
    return f"""
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {{name: scraper}}
    rules: {rules}
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {{name: scraper}}
    roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: scraper}}
    subjects: [{subject}]
    """


NODES_METRICS = Request("get", "", "nodes", "metrics")
LIST_PODS_ALL = Request("list", "", "pods")
LIST_PODS_APP = Request("list", "", "pods", namespace="app")

RULE_CASES = [
    # (description, rules, request, allowed)
    ("exact subresource", '[{apiGroups: [""], resources: [nodes/metrics], verbs: [get]}]', NODES_METRICS, True),
    ("nodes does not cover nodes/metrics", '[{apiGroups: [""], resources: [nodes], verbs: [get]}]', NODES_METRICS, False),
    ("nodes/* is not a wildcard", '[{apiGroups: [""], resources: ["nodes/*"], verbs: [get]}]', NODES_METRICS, False),
    ("nodes/* matches only the literal", '[{apiGroups: [""], resources: ["nodes/*"], verbs: [get]}]', Request("get", "", "nodes", "*"), True),
    ("* covers subresources", '[{apiGroups: [""], resources: ["*"], verbs: [get]}]', NODES_METRICS, True),
    ("*/metrics covers any resource's metrics", '[{apiGroups: [""], resources: ["*/metrics"], verbs: [get]}]', NODES_METRICS, True),
    ("*/metrics does not cover the resource itself", '[{apiGroups: [""], resources: ["*/metrics"], verbs: [get]}]', Request("get", "", "nodes"), False),
    ("verb * matches get", '[{apiGroups: [""], resources: [nodes/metrics], verbs: ["*"]}]', NODES_METRICS, True),
    ("wrong verb", '[{apiGroups: [""], resources: [nodes/metrics], verbs: [list]}]', NODES_METRICS, False),
    ("verbs are case-sensitive", '[{apiGroups: [""], resources: [nodes/metrics], verbs: [GET]}]', NODES_METRICS, False),
    ("apiGroup * matches core", '[{apiGroups: ["*"], resources: [nodes/metrics], verbs: [get]}]', NODES_METRICS, True),
    ("wrong apiGroup", '[{apiGroups: [apps], resources: [nodes/metrics], verbs: [get]}]', NODES_METRICS, False),
    ("endpointslices live in discovery.k8s.io",
     '[{apiGroups: [""], resources: [endpointslices], verbs: [list]}]', Request("list", "discovery.k8s.io", "endpointslices"), False),
    ("endpointslices granted in discovery.k8s.io",
     '[{apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list]}]', Request("list", "discovery.k8s.io", "endpointslices"), True),
    ("resourceNames restrict a named get", '[{apiGroups: [""], resources: [nodes/metrics], resourceNames: [node-1], verbs: [get]}]',
     Request("get", "", "nodes", "metrics", name="node-1"), True),
    ("resourceNames do not cover other nodes", '[{apiGroups: [""], resources: [nodes/metrics], resourceNames: [node-1], verbs: [get]}]',
     Request("get", "", "nodes", "metrics", name="node-2"), False),
    ("resourceNames on list break discovery (no name)", '[{apiGroups: [""], resources: [pods], resourceNames: [a], verbs: [list]}]',
     LIST_PODS_ALL, False),
    ("empty resourceNames means all", '[{apiGroups: [""], resources: [pods], resourceNames: [], verbs: [list]}]', LIST_PODS_ALL, True),
    # EH ResourceNameMatches compares the request's name, "" for a list: the name "" allows exactly the unnamed requests.
    ("resourceNames [\"\"] allows the list (its name is \"\")",
     '[{apiGroups: [""], resources: [pods], resourceNames: [""], verbs: [list]}]', LIST_PODS_ALL, True),
    ("resourceNames [\"\"] allows no named get", '[{apiGroups: [""], resources: [pods], resourceNames: [""], verbs: [get]}]',
     Request("get", "", "pods", namespace="app", name="a"), False),
    # …but a kubelet scrape's SubjectAccessReview names the node: "" is no node's name (probe rbacdiff's change
    # first let `resourceNames: [""]` allow get nodes/metrics on every node, a missed KS102).
    ("resourceNames [\"\"] allows no kubelet scrape (the request names the node)",
     '[{apiGroups: [""], resources: [nodes/metrics], resourceNames: [""], verbs: [get]}]', NODES_METRICS, False),
    ("resourceNames [\"\"] allows the watch (its name is \"\")",
     '[{apiGroups: [""], resources: [pods], resourceNames: [""], verbs: [watch]}]', Request("watch", "", "pods"), True),
    ("URL exact", "[{nonResourceURLs: [/metrics], verbs: [get]}]", Request("get", url="/metrics"), True),
    ("URL /metrics/* does not match /metrics", '[{nonResourceURLs: ["/metrics/*"], verbs: [get]}]', Request("get", url="/metrics"), False),
    ("URL /metrics/* matches /metrics/slis", '[{nonResourceURLs: ["/metrics/*"], verbs: [get]}]', Request("get", url="/metrics/slis"), True),
    ("URL /metrics* matches /metrics", '[{nonResourceURLs: ["/metrics*"], verbs: [get]}]', Request("get", url="/metrics"), True),
    ("URL /metrics** is the prefix /metrics (trailing stars trimmed)", '[{nonResourceURLs: ["/metrics**"], verbs: [get]}]', Request("get", url="/metrics/slis"), True),
    ("URL /me*trics* keeps its inner star literal", '[{nonResourceURLs: ["/me*trics*"], verbs: [get]}]', Request("get", url="/metrics"), False),
    ("URL * matches all", '[{nonResourceURLs: ["*"], verbs: [get]}]', Request("get", url="/anything"), True),
    ("URL rule does not grant resources", '[{nonResourceURLs: ["*"], verbs: ["*"]}]', NODES_METRICS, False),
    ("resource rule does not grant URLs", '[{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]', Request("get", url="/metrics"), False),
]


@pytest.mark.parametrize("description, rules, request_, allowed", RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_rule_matching(description: str, rules: str, request_: Request, allowed: bool) -> None:
    assert authorizer(cluster_role(rules)).authorize(PROM, request_).allowed is allowed


NAMES_CASES = [
    # (description, resources, resourceNames, request, names the rule allows it for; None: for none)
    ("no resourceNames: every name", ("secrets",), (), Request("get", "", "secrets"), ()),
    ("named get: for those names", ("secrets",), ("a", "b"), Request("get", "", "secrets"), ("a", "b")),
    ("named watch: with a metadata.name field selector", ("secrets",), ("a",), Request("watch", "", "secrets"), ("a",)),
    ("subresource create names its parent", ("serviceaccounts/token",), ("bot",), Request("create", "", "serviceaccounts", "token"), ("bot",)),
    ("create of a new object carries no name", ("configmaps",), ("a",), Request("create", "", "configmaps"), None),
    ("deletecollection carries no name", ("configmaps",), ("a",), Request("deletecollection", "", "configmaps"), None),
    ("create of a new object under the name \"\"", ("configmaps",), ("a", ""), Request("create", "", "configmaps"), ()),
    ("another resource: for none", ("secrets",), (), Request("get", "", "configmaps"), None),
    # `""` is no object's name: a request that names one (a get, a subresource, a kubelet or proxy request naming
    # its node) is allowed by it for no object, so KS201/KS204/KS205 have nothing to report for it; a request
    # without a name (a watch of the collection) is allowed whole by it.
    ("named get under \"\" only: for none", ("secrets",), ("",), Request("get", "", "secrets"), None),
    ("named get under \"\" and a name: for the name", ("secrets",), ("", "a"), Request("get", "", "secrets"), ("a",)),
    ("nodes/proxy under \"\": for no node", ("nodes/proxy",), ("",), Request("get", "", "nodes", "proxy"), None),
    ("subresource create under \"\": for none", ("pods/exec",), ("",), Request("create", "", "pods", "exec"), None),
    ("watch under \"\": every object", ("secrets",), ("", "a"), Request("watch", "", "secrets"), ()),
]


@pytest.mark.parametrize("description, resources, names, request_, expected", NAMES_CASES, ids=[c[0] for c in NAMES_CASES])
def test_names_allowed(description: str, resources: tuple, names: tuple, request_: Request, expected) -> None:
    rule = PolicyRule(("get", "watch", "create", "deletecollection"), ("",), resources, names, (), 0)
    assert names_allowed(rule, request_) == expected


SUBJECT_CASES = [
    ("SA exact", "{kind: ServiceAccount, name: prometheus, namespace: monitoring}", True),
    ("SA other namespace", "{kind: ServiceAccount, name: prometheus, namespace: default}", False),
    ("SA without namespace in a CRB matches nothing", "{kind: ServiceAccount, name: prometheus}", False),
    ("User system:serviceaccount form", "{kind: User, name: 'system:serviceaccount:monitoring:prometheus', apiGroup: rbac.authorization.k8s.io}", True),
    ("User bare name", "{kind: User, name: prometheus, apiGroup: rbac.authorization.k8s.io}", False),
    ("Group of all service accounts", "{kind: Group, name: 'system:serviceaccounts', apiGroup: rbac.authorization.k8s.io}", True),
    ("Group of the namespace's service accounts", "{kind: Group, name: 'system:serviceaccounts:monitoring', apiGroup: rbac.authorization.k8s.io}", True),
    ("Group of another namespace", "{kind: Group, name: 'system:serviceaccounts:default', apiGroup: rbac.authorization.k8s.io}", False),
    ("Group system:authenticated", "{kind: Group, name: 'system:authenticated', apiGroup: rbac.authorization.k8s.io}", True),
]


@pytest.mark.parametrize("description, subject, allowed", SUBJECT_CASES, ids=[c[0] for c in SUBJECT_CASES])
def test_subjects(description: str, subject: str, allowed: bool) -> None:
    rules = '[{apiGroups: [""], resources: [nodes/metrics], verbs: [get]}]'
    assert authorizer(cluster_role(rules, subject)).authorize(PROM, NODES_METRICS).allowed is allowed


ROLEBINDING = """
apiVersion: rbac.authorization.k8s.io/v1
kind: {role_kind}
metadata: {{name: reader, namespace: app}}
rules:
  - {{apiGroups: [""], resources: [pods, nodes/metrics], verbs: [get, list, watch]}}
{url_rule}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: reader, namespace: app}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: {role_kind}, name: reader}}
subjects: [{subject}]
"""


def rolebinding(role_kind: str, subject: str) -> str:
    # (only a ClusterRole may list URLs: the API server rejects a Role that does)
    url_rule = "  - {nonResourceURLs: [/metrics], verbs: [get]}" if role_kind == "ClusterRole" else ""
    return ROLEBINDING.format(role_kind=role_kind, subject=subject, url_rule=url_rule)


@pytest.mark.parametrize("role_kind", ["Role", "ClusterRole"])
def test_rolebinding_scope(role_kind: str) -> None:
    auth = authorizer(rolebinding(role_kind, "{kind: ServiceAccount, name: prometheus, namespace: monitoring}"))
    assert auth.authorize(PROM, LIST_PODS_APP).allowed
    # other namespace, all namespaces, cluster-scoped resources and URLs are never granted by a RoleBinding
    requests = [Request("list", "", "pods", namespace="other"), LIST_PODS_ALL, NODES_METRICS]
    if role_kind == "ClusterRole":
        requests.append(Request("get", url="/metrics"))
    for request in requests:
        decision = auth.authorize(PROM, request)
        assert not decision.allowed, request
        assert decision.out_of_scope, f"{request} should be reported as out of scope"


def test_rolebinding_sa_subject_namespace_defaults_to_binding() -> None:
    auth = authorizer(rolebinding("Role", "{kind: ServiceAccount, name: prometheus}"))
    assert auth.authorize(Identity("app", "prometheus"), LIST_PODS_APP).allowed
    assert not auth.authorize(PROM, LIST_PODS_APP).allowed


def test_rolebinding_to_role_in_other_namespace_does_not_resolve() -> None:
    text = rolebinding("Role", "{kind: ServiceAccount, name: prometheus, namespace: monitoring}")
    text = text.replace("metadata: {name: reader, namespace: app}\nrules", "metadata: {name: reader, namespace: elsewhere}\nrules")
    assert not authorizer(text).authorize(PROM, LIST_PODS_APP).allowed


def test_clusterrolebinding_to_role_grants_nothing() -> None:
    text = """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: Role
    metadata: {name: reader, namespace: monitoring}
    rules: [{apiGroups: [""], resources: [pods], verbs: [list]}]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: reader}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
    subjects: [{kind: ServiceAccount, name: prometheus, namespace: monitoring}]
    """
    assert not authorizer(text).authorize(PROM, Request("list", "", "pods", namespace="monitoring")).allowed


LIST_SERVICES = '{apiGroups: [""], resources: [services], verbs: [list]}'
SA_SUBJECT = "{kind: ServiceAccount, name: prometheus, namespace: monitoring}"
REJECTED_CASES = [
    # (description, the objects: each is one the API server rejects, KS501)
    ("rule mixing URLs and resources", cluster_role(f'[{LIST_SERVICES}, {{apiGroups: [""], resources: [pods], nonResourceURLs: [/metrics], verbs: [get]}}]')),
    ("resource rule without apiGroups", cluster_role(f'[{LIST_SERVICES}, {{resources: [pods], verbs: [get]}}]')),
    ("rule without verbs", cluster_role(f'[{LIST_SERVICES}, {{apiGroups: [""], resources: [pods]}}]')),
    ("aggregationRule without selectors",
     cluster_role(f"[{LIST_SERVICES}]").replace("rules:", "aggregationRule: {}\n    rules:", 1)),
    ("SA subject with apiGroup", cluster_role(f"[{LIST_SERVICES}]", SA_SUBJECT[:-1] + ", apiGroup: rbac.authorization.k8s.io}")),
    ("SA subject written as a user name",
     cluster_role(f"[{LIST_SERVICES}]", "{kind: ServiceAccount, name: 'system:serviceaccount:monitoring:prometheus', namespace: monitoring}")),
    ("subject kind in lowercase", cluster_role(f"[{LIST_SERVICES}]", SA_SUBJECT.replace("ServiceAccount", "serviceaccount"))),
    ("roleRef.apiGroup with a version",
     cluster_role(f"[{LIST_SERVICES}]").replace("apiGroup: rbac.authorization.k8s.io, kind", "apiGroup: rbac.authorization.k8s.io/v1, kind")),
    ("v1beta1 on 1.22+", cluster_role(f"[{LIST_SERVICES}]").replace("rbac.authorization.k8s.io/v1\n", "rbac.authorization.k8s.io/v1beta1\n")),
    ("ClusterRole name with a slash (binding and role agree)",
     cluster_role(f"[{LIST_SERVICES}]").replace("name: scraper", "name: monitoring/scraper")),
    # An aggregationRule whose selector metav1 ValidateLabelSelector refuses: the ClusterRole never exists, so it
    # does not aggregate anything either (a lowercase `exists` once read as "no condition": every ClusterRole).
    *[(f"aggregation selector {what}",
       cluster_role(f"[{LIST_SERVICES}]").replace(
           "rules:", f"aggregationRule: {{clusterRoleSelectors: [{{matchExpressions: [{expression}]}}]}}\n    rules:", 1))
      for what, expression in [
          ("with a lowercase operator", "{key: example.com/any, operator: exists}"),
          ("In without values", "{key: example.com/any, operator: In}"),
          ("Exists with values", "{key: example.com/any, operator: Exists, values: [x]}"),
          ("with an invalid key", "{key: 'not a key', operator: Exists}")]],
]


@pytest.mark.parametrize("description, text", REJECTED_CASES, ids=[c[0] for c in REJECTED_CASES])
def test_objects_the_api_server_rejects_grant_nothing(description: str, text: str) -> None:
    from kubelint_scrape.rbacvalidate import object_problems

    list_services = Request("list", "", "services")
    auth = authorizer(text)
    assert not auth.authorize(PROM, list_services).allowed
    workspace = auth.workspace
    rejected = [*workspace.rejected_cluster_roles.values(), *workspace.rejected_bindings]
    assert rejected and all(next(object_problems(r, (1, 34)), None) for r in rejected)
    assert auth.refused(PROM), "the rejected object is named as why nothing grants"
    if "v1beta1" in text:  # served (and granting) before 1.22
        assert authorizer(text, (1, 21)).authorize(PROM, list_services).allowed


@pytest.mark.parametrize("expression", [
    {"key": "a", "operator": "exists"}, {"key": "a", "operator": "In"}, {"key": "a", "operator": "Exists", "values": ["x"]},
])
def test_a_selector_requirement_labels_selector_refuses_selects_nothing(expression: dict) -> None:
    from kubelint_scrape.model import LabelSelector

    assert not LabelSelector({}, [expression]).matches({"a": "x"})
    assert not LabelSelector({}, [expression]).matches({})


def test_aggregated_clusterrole_collects_selected_rules() -> None:
    text = """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {name: monitoring}
    aggregationRule:
      clusterRoleSelectors: [{matchLabels: {example.com/aggregate-to-monitoring: "true"}}]
    rules: []
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {name: kubelet-metrics, labels: {example.com/aggregate-to-monitoring: "true"}}
    rules: [{apiGroups: [""], resources: [nodes/metrics], verbs: [get]}]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {name: unrelated, labels: {example.com/aggregate-to-monitoring: "false"}}
    rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: monitoring}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: monitoring}
    subjects: [{kind: ServiceAccount, name: prometheus, namespace: monitoring}]
    """
    auth = authorizer(text)
    decision = auth.authorize(PROM, NODES_METRICS)
    assert decision.allowed
    assert decision.grants[0].describe() == "ClusterRoleBinding/monitoring -> ClusterRole/monitoring"
    assert not auth.authorize(PROM, Request("get", "", "secrets", namespace="monitoring")).allowed


AGGREGATION_CYCLE = """
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {name: team-a, labels: {team: b}}
    aggregationRule: {clusterRoleSelectors: [{matchLabels: {team: a}}]}
    rules: []
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {name: team-b, labels: {team: a}}
    aggregationRule: {clusterRoleSelectors: [{matchLabels: {team: b}}]}
    rules: []
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {name: kubelet-metrics, labels: {team: b}}
    rules: [{apiGroups: [""], resources: [nodes/metrics], verbs: [get]}]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: team-a}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: team-a}
    subjects: [{kind: ServiceAccount, name: prometheus, namespace: monitoring}]
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: team-b}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: team-b}
    subjects: [{kind: ServiceAccount, name: prometheus, namespace: other}]
    """


@pytest.mark.parametrize("first", ["monitoring", "other"])
def test_a_cycle_of_aggregated_roles_holds_every_role_it_reaches_whichever_is_asked_first(first: str) -> None:
    """team-a aggregates team-b, which aggregates team-a and kubelet-metrics: the controller copies kubelet-metrics'
    rule into both. Resolving one role of the cycle must not leave the other cached empty (it once did)."""
    auth = authorizer(AGGREGATION_CYCLE)
    order = [Identity(first, "prometheus"), Identity("other" if first == "monitoring" else "monitoring", "prometheus")]
    assert [auth.authorize(identity, NODES_METRICS).allowed for identity in order] == [True, True]


@pytest.mark.parametrize("second_ref", ["view", "scraper"])
def test_a_binding_defined_again_with_another_role_is_refused(second_ref: str) -> None:
    """roleRef is immutable (validation.go ValidateRoleBindingUpdate: `cannot change roleRef`): applying the second
    definition fails and the first stands, subjects included; with the same roleRef the second replaces the first."""
    text = cluster_role('[{apiGroups: [""], resources: [nodes/metrics], verbs: [get]}]') + f"""
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {{name: scraper}}
    roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: {second_ref}}}
    subjects: [{{kind: ServiceAccount, name: other, namespace: monitoring}}]
    """
    auth = authorizer(text)
    changed = second_ref != "scraper"
    assert auth.authorize(PROM, NODES_METRICS).allowed is changed  # the first definition stands only when refused
    assert auth.authorize(Identity("monitoring", "other"), NODES_METRICS).allowed is not changed
    assert [b.role_name for b in auth.workspace.rejected_bindings] == (["view"] if changed else [])


def _bound_to_builtin(role: str) -> str:
    return f"""
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {{name: prom}}
    roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: '{role}'}}
    subjects: [{{kind: ServiceAccount, name: prometheus, namespace: monitoring}}]
    """


def test_builtin_roles_resolve() -> None:
    admin = authorizer(_bound_to_builtin("cluster-admin"))
    assert admin.authorize(PROM, NODES_METRICS).allowed
    assert admin.authorize(PROM, Request("get", url="/metrics")).allowed
    view = authorizer(_bound_to_builtin("view"))
    assert view.authorize(PROM, Request("list", "", "pods")).allowed  # aggregated from system:aggregate-to-view
    assert view.authorize(PROM, Request("list", "", "namespaces")).allowed
    assert not view.authorize(PROM, Request("list", "", "nodes")).allowed
    assert not view.authorize(PROM, Request("get", "", "secrets", namespace="x")).allowed


def test_system_monitoring_gained_nodes_metrics_in_1_34() -> None:
    assert authorizer(_bound_to_builtin("system:monitoring"), (1, 34)).authorize(PROM, NODES_METRICS).allowed
    assert not authorizer(_bound_to_builtin("system:monitoring"), (1, 33)).authorize(PROM, NODES_METRICS).allowed
    assert authorizer(_bound_to_builtin("system:monitoring"), (1, 33)).authorize(PROM, Request("get", url="/metrics")).allowed


def test_builtin_bindings_apply_to_every_service_account() -> None:
    # system:discovery is bound to system:authenticated, which every ServiceAccount token carries
    assert authorizer("").authorize(PROM, Request("get", url="/api")).allowed
    assert not authorizer("").authorize(PROM, Request("get", url="/metrics")).allowed


def test_decision_names_near_misses() -> None:
    auth = authorizer(cluster_role('[{apiGroups: [""], resources: [nodes, "nodes/*"], verbs: [get, list, watch]}]'))
    decision = auth.authorize(PROM, NODES_METRICS)
    assert not decision.allowed
    assert any(g.role.name == "scraper" for g in decision.near)


def test_a_url_written_in_another_case_is_the_near_miss() -> None:
    auth = authorizer(cluster_role('[{nonResourceURLs: [/Metrics], verbs: [get]}]'))
    decision = auth.authorize(PROM, Request("get", url="/metrics"))
    assert not decision.allowed, "non-resource URLs are compared exactly, case included"
    assert [g.rule.non_resource_urls for g in decision.near] == [("/Metrics",)]


def _full_scan(authorizer: Authorizer, identity: Identity, request: Request) -> tuple:
    """The decision as the plain definition states it: every rule of every binding, in order."""
    from kubelint_scrape.rbac import nearness, rule_allows

    grants, out_of_scope, restricted, misses = [], [], [], []
    for binding, role in authorizer.bindings(identity):
        applies = binding.kind == "ClusterRoleBinding" or (
            request.is_resource and request.namespace is not None and request.namespace == binding.namespace)
        for rule in authorizer.effective_rules(role):
            entry = (binding.ref, role.ref, id(rule))
            if rule_allows(rule, request):
                (grants if applies else out_of_scope).append(entry)
            elif rule.resource_names and rule_allows(rule, request, ignore_names=True):
                restricted.append(entry)
            else:
                misses.append((nearness(rule, request), entry))
    near = [entry for score, entry in sorted((m for m in misses if m[0]), key=lambda m: -m[0])] if not grants else []
    return bool(grants), grants, out_of_scope, restricted, near


def test_decisions_equal_a_full_scan_of_every_rule() -> None:
    """Authorizer.authorize looks only at the rules that name the request's resource or URL: over every fixture
    and example (built-in roles included), for every identity they bind and requests of every shape, its
    decisions are those of scanning every rule. Each case directory is its own workspace, as it is linted: read
    together, one case binding cluster-admin to system:authenticated would allow every request of every other."""
    from itertools import groupby
    from pathlib import Path

    from kubelint_scrape.load import read_source

    root = Path(__file__).resolve().parent.parent
    paths = sorted(p for folder in ("fixtures", "examples") for p in (root / folder).rglob("*.yaml"))
    requests = [Request(verb, group, resource, sub, namespace, name)
                for verb in ("get", "list", "watch", "create", "escalate")
                for group, resource, sub in (("", "nodes", ""), ("", "nodes", "metrics"), ("", "nodes", "proxy"),
                                             ("", "pods", ""), ("", "secrets", ""), ("discovery.k8s.io", "endpointslices", ""),
                                             ("monitoring.coreos.com", "servicemonitors", ""), ("", "services", "proxy"))
                for namespace in (None, "monitoring")
                for name in (None, "node-1")]
    requests += [Request("get", url=url) for url in ("/metrics", "/metrics/cadvisor", "/healthz", "/api")]
    checked = near = 0
    for _case, files in groupby(paths, key=lambda p: p.parent):
        workspace, _configs, _findings = build_workspace([read_source(str(p), Limits()) for p in files])
        authorizer_ = Authorizer(workspace)
        identities = {Identity(s.namespace or "default", s.name) for b in workspace.bindings for s in b.subjects
                      if s.kind == "ServiceAccount" and s.name}
        identities.add(Identity("monitoring", "nobody"))
        for identity in sorted(identities, key=str):
            for request in requests:
                decision = authorizer_.authorize(identity, request)
                got = (decision.allowed,
                       [(g.binding.ref, g.role.ref, id(g.rule)) for g in decision.grants],
                       [(g.binding.ref, g.role.ref, id(g.rule)) for g in decision.out_of_scope],
                       [(g.binding.ref, g.role.ref, id(g.rule)) for g in decision.name_restricted],
                       [(g.binding.ref, g.role.ref, id(g.rule)) for g in decision.near])
                assert got == _full_scan(authorizer_, identity, request), (identity, request)
                checked += decision.allowed
                near += bool(decision.near)
    assert checked and near  # some requests are allowed, some denied with nearest rules: every path is exercised


def test_field_selector_with_an_environment_placeholder_names_no_fixed_node() -> None:
    # A per-node collector selects its own node (`metadata.name=${env:K8S_NODE_NAME}`): a different name on every
    # node, so no request carries a fixed name a resourceNames rule could match.
    from kubelint_scrape.promconfig import _sd_config
    from kubelint_scrape.yamltree import YMap, YSeq

    selector = YMap()
    selector["role"], selector["field"] = "node", "metadata.name=${env:K8S_NODE_NAME}"
    selectors = YSeq()
    selectors.append(selector)
    node = YMap()
    node["role"], node["selectors"] = "node", selectors
    assert _sd_config("p.yml", node).selected_name("node") is None
    selector["field"] = "metadata.name=gpu-1"
    assert _sd_config("p.yml", node).selected_name("node") == "gpu-1"


def test_permissions_say_a_group_wildcard_in_words() -> None:
    """`apiGroups: ["*"]` is shown as "any API group": `*/nodes` would read as a resource wildcard and
    `*/*/metrics` as nothing (KS203/KS207 messages)."""
    from kubelint_scrape.grants import Permission, describe_permissions

    perms = [Permission("get", "*", "nodes"), Permission("get", "*", "nodes/metrics"), Permission("delete", "*", "*"),
             Permission("get", "*", "pods", names=("web-0",)), Permission("get", "", "*/proxy"),
             Permission("list", "apps", "deployments")]
    assert [p.target for p in perms] == ["nodes (any API group)", "nodes/metrics (any API group)",
                                         "* (every resource in every API group)", "pods (any API group; names web-0)",
                                         "*/proxy", "apps/deployments"]
    assert describe_permissions(perms[:2]) == "get nodes (any API group), nodes/metrics (any API group)"
    assert Permission("get", "", "*").target == "* (every core resource)"
    assert Permission("get", "apps", "*").target == "apps/*"


def test_permissions_described_with_every_verb_text_say_it_once_per_target() -> None:
    """KS207 says `*` in words; a rule listing `create` beside `*` read "create/every write verb" when the words
    were str.replace-d into the described text."""
    from kubelint_scrape.grants import Permission, describe_permissions

    perms = [Permission("create", "", "pods"), Permission("*", "", "pods"), Permission("patch", "apps", "deployments")]
    assert (describe_permissions(perms, every_verb='every write verb ("*") on')
            == 'every write verb ("*") on pods; patch apps/deployments')
    assert describe_permissions(perms) == "create/* pods; patch apps/deployments"


@pytest.mark.parametrize("path, expected", [
    # non-resource URLs: too short, or not under /api or /apis
    ("/metrics", None),
    ("/metrics/slis", None),
    ("/apis", None),
    ("/apis/metrics.eks.amazonaws.com/v1", None),
    ("/api/v1", None),
    # EKS control-plane metrics (view-raw-metrics): group, resource, name, subresource (requestinfo.go)
    ("/apis/metrics.eks.amazonaws.com/v1/kcm/container/metrics",
     Request("get", "metrics.eks.amazonaws.com", "kcm", "metrics", None, "container")),
    ("/api/v1/namespaces/ns/pods/p/log", Request("get", "", "pods", "log", "ns", "p")),
    ("/api/v1/nodes", Request("list", "", "nodes")),  # no name: a GET lists
    ("/apis/metrics.k8s.io/v1beta1/namespaces/ns/pods", Request("list", "metrics.k8s.io", "pods", "", "ns")),
    ("/api/v1/watch/nodes/n", Request("watch", "", "nodes", "", None, "n")),
])
def test_api_server_request_parses_paths_as_the_api_server(path: str, expected: Request | None) -> None:
    assert api_server_request(path) == expected


@pytest.mark.parametrize("rules, allowed", [
    ("[{apiGroups: [~], resources: [pods], verbs: [list]}]", True),  # null group: the core group ""
    ("[{apiGroups: [''], resources: [pods, null], verbs: [list]}]", True),
    ("[{apiGroups: [''], resources: [pods], verbs: [~]}]", False),  # the verb "": no request has it
    ("[{apiGroups: [''], resources: [~], verbs: [list]}]", False),
])
def test_a_null_list_item_is_the_empty_string_as_the_api_server_decodes_it(rules: str, allowed: bool) -> None:
    # sigs.k8s.io/yaml turns `~` into JSON null, and encoding/json leaves a []string element it decodes null into
    # at "" — the object is accepted (not "no verbs"/"no apiGroups", which the model used to say by dropping it).
    assert authorizer(cluster_role(rules)).authorize(PROM, LIST_PODS_ALL).allowed is allowed
