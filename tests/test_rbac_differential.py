"""Differential test: the tool's Authorizer against tests/rbac_reference.py, a plain port of the Kubernetes code.

Hypothesis writes small RBAC manifests — Roles, ClusterRoles (aggregated ones with matchLabels/matchExpressions
selectors), bindings with every subject kind and the mistakes the API server refuses — and requests. The tool reads
them as it reads any input (parse_source → build_workspace: loading, refusal, built-in roles, aggregation, binding
scope) and must decide every request for every identity as the reference's cluster does.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kubelint_scrape.build import build_workspace
from kubelint_scrape.load import parse_source
from kubelint_scrape.rbac import ANONYMOUS, Authorizer, Identity, Request, request_name

import rbac_reference as ref

VERSION = (1, 34)
BUILTIN = ref.builtin_objects(yaml.safe_load((Path(__file__).parent.parent / "rules/builtin/cluster-roles.yaml").read_text()),
                              VERSION)
NAMESPACES = ("ns-a", "ns-b")
IDENTITIES = (Identity("ns-a", "sa1"), Identity("ns-b", "sa1"), Identity("ns-a", "sa2"), ANONYMOUS)

# ---------------------------------------------------------------------------------------------- rules

VERBS = st.sampled_from(["get", "list", "watch", "create", "*", "GET", "deletecollection"])
GROUPS = st.sampled_from(["", "*", "apps", "discovery.k8s.io", "metrics.k8s.io"])
RESOURCES = st.sampled_from(["*", "nodes", "nodes/metrics", "nodes/*", "*/metrics", "*/proxy", "pods", "Pods",
                             "endpoints", "nodes/proxy", "*/*", "pods/log", "services", "metrics"])
NAMES = st.sampled_from(["n1", "n2", "*", ""])
URLS = st.sampled_from(["/metrics", "/metrics*", "/metrics/*", "*", "/me*", "/metrics/cadvisor", "/*", "/Metrics",
                        "/metrics/**", "/m*trics", "/healthz"])


def _small(elements, min_size=0):
    return st.lists(elements, min_size=min_size, max_size=3, unique=True)


resource_rules = st.builds(
    lambda verbs, groups, resources, names: {"apiGroups": groups, "resources": resources, "verbs": verbs,
                                             **({"resourceNames": names} if names is not None else {})},
    _small(VERBS, 1), _small(GROUPS, 1), _small(RESOURCES, 1), st.none() | _small(NAMES))
url_rules = st.builds(lambda verbs, urls: {"nonResourceURLs": urls, "verbs": verbs}, _small(VERBS, 1), _small(URLS, 1))
# What the API server refuses: no verbs, no apiGroups, a URL rule that also names resources. (Hypothesis draws the
# first entries of one_of/sampled_from far more often than their share: a rule's kind and whether one is refused
# are drawn by index from lists weighted by repetition.)
REFUSED_RULES = [
    {"apiGroups": [""], "resources": ["nodes/metrics"], "verbs": []},
    {"resources": ["nodes/metrics"], "verbs": ["get"]},
    {"nonResourceURLs": ["/metrics"], "resources": ["nodes"], "verbs": ["get"]},
]
rule = st.sampled_from([resource_rules] * 4 + [url_rules]).flatmap(lambda strategy: strategy)
rules = st.builds(lambda good, bad: good + bad, st.lists(rule, max_size=3),
                  st.sampled_from([[]] * 9 + [[r] for r in REFUSED_RULES]))

# ---------------------------------------------------------------------------------------------- roles

LABELS = st.dictionaries(st.sampled_from(["agg", "team"]), st.sampled_from(["a", "b"]), max_size=2)
valid_expressions = st.one_of(
    st.builds(lambda key, operator, values: {"key": key, "operator": operator, "values": values},
              st.sampled_from(["agg", "team"]), st.sampled_from(["In", "NotIn"]), _small(st.sampled_from(["a", "b"]), 1)),
    st.builds(lambda key, operator: {"key": key, "operator": operator},
              st.sampled_from(["agg", "team"]), st.sampled_from(["Exists", "DoesNotExist"])))
# Refused by metav1 ValidateLabelSelector (and so the whole ClusterRole): case, In without values, Exists with values.
refused_expressions = st.sampled_from([{"key": "agg", "operator": "exists"}, {"key": "agg", "operator": "In"},
                                       {"key": "agg", "operator": "In", "values": []},
                                       {"key": "team", "operator": "DoesNotExist", "values": ["a"]}])
expressions = st.sampled_from([valid_expressions] * 8 + [refused_expressions]).flatmap(lambda strategy: strategy)
selectors = st.builds(
    lambda labels, exprs: {**({"matchLabels": labels} if labels else {}), **({"matchExpressions": exprs} if exprs else {})},
    st.dictionaries(st.sampled_from(["agg", "team"]), st.sampled_from(["a", "b"]), max_size=1),
    st.lists(expressions, max_size=2))
aggregation_rules = st.none() | st.builds(lambda s: {"clusterRoleSelectors": s}, st.lists(selectors, min_size=1, max_size=2))


def _role(kind: str, name: str, namespace: str, role_rules: list, labels: dict, aggregation) -> dict:
    metadata = {"name": name, **({"namespace": namespace} if kind == "Role" else {}), **({"labels": labels} if labels else {})}
    doc = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": metadata, "rules": role_rules}
    if kind == "ClusterRole" and aggregation is not None:
        doc["aggregationRule"] = aggregation
    return doc


# Role names r0..r3 (several may share one, as a Role in two namespaces); an aggregated role is sometimes labelled
# so that another aggregated role selects it (chains).
roles = st.lists(st.builds(_role, st.sampled_from(["Role", "ClusterRole", "ClusterRole"]), st.sampled_from(["r0", "r1", "r2", "r3"]),
                           st.sampled_from(NAMESPACES), rules, LABELS, aggregation_rules),
                 max_size=4)  # (names repeat: a later definition replaces the earlier one, unless it is refused)

# ---------------------------------------------------------------------------------------------- bindings

ABSENT = object()


def _subject(kind, name, namespace, api_group) -> dict:
    subject = {"kind": kind, "name": name}
    if namespace is not ABSENT:
        subject["namespace"] = namespace
    if api_group is not ABSENT:
        subject["apiGroup"] = api_group
    return subject


OPTIONAL_NAMESPACE = st.sampled_from([ABSENT, "", "ns-a", "ns-b"])
valid_subjects = st.one_of(
    st.builds(_subject, st.just("ServiceAccount"), st.sampled_from(["sa1", "sa2"]), st.sampled_from(["ns-a", "ns-b"]),
              st.sampled_from([ABSENT, ""])),
    st.builds(_subject, st.just("User"), st.sampled_from(["system:serviceaccount:ns-a:sa1", "system:anonymous", "alice",
                                                          "system:serviceaccount:ns-b:sa1"]),
              st.sampled_from([ABSENT, "ns-a"]), st.sampled_from([ABSENT, "", "rbac.authorization.k8s.io"])),
    st.builds(_subject, st.just("Group"), st.sampled_from(["system:serviceaccounts", "system:serviceaccounts:ns-a",
                                                           "system:authenticated", "system:unauthenticated",
                                                           "system:serviceaccount:ns-a"]),
              st.sampled_from([ABSENT, "ns-b"]), st.sampled_from([ABSENT, "rbac.authorization.k8s.io"])),
)
# Namespace missing or "" (defaulted in a RoleBinding, refused in a ClusterRoleBinding), and what the API server refuses.
odd_subjects = st.one_of(
    st.builds(_subject, st.just("ServiceAccount"), st.sampled_from(["sa1", "SA1", "system:serviceaccount:ns-a:sa1"]),
              st.sampled_from([ABSENT, ""]), st.sampled_from([ABSENT, "", "rbac.authorization.k8s.io"])),
    st.builds(_subject, st.just("User"), st.just("system:serviceaccount:ns-a:sa1"), st.just(ABSENT), st.just("wrong")),
    st.builds(_subject, st.sampled_from(["serviceaccount", "user"]), st.just("sa1"), OPTIONAL_NAMESPACE, st.just(ABSENT)),
)
subjects = st.sampled_from([valid_subjects] * 5 + [odd_subjects]).flatmap(lambda strategy: strategy)


def _binding(kind: str, name: str, namespace: str, ref_kind: str, ref_name: str, ref_group, binding_subjects: list) -> dict:
    role_ref = {"kind": ref_kind, "name": ref_name, **({"apiGroup": ref_group} if ref_group is not ABSENT else {})}
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind,
            "metadata": {"name": name, **({"namespace": namespace} if kind == "RoleBinding" else {})},
            "roleRef": role_ref, "subjects": binding_subjects}


any_bindings = st.lists(
    st.builds(_binding, st.sampled_from(["RoleBinding", "ClusterRoleBinding"]), st.sampled_from(["b0", "b1", "b2", "b3"]),
              st.sampled_from(NAMESPACES), st.sampled_from(["Role"] * 3 + ["ClusterRole"] * 4 + ["clusterrole"]),
              st.sampled_from(["r0", "r1", "r2", "r3", "missing", "view", "system:monitoring"]),
              st.sampled_from([ABSENT] * 3 + ["rbac.authorization.k8s.io"] * 4 + ["wrong"]),
              st.lists(subjects, min_size=1, max_size=3)),
    min_size=1, max_size=4)


@st.composite
def bindings_of(draw, role_docs: list[dict]) -> list[dict]:
    """Bindings, most of them to one of the generated roles (as a RoleBinding in its namespace, or either binding
    kind for a ClusterRole) and naming one of the identities: arbitrary ones rarely reach a role at all."""
    bound = []
    for role in draw(st.lists(st.sampled_from(role_docs), max_size=3)) if role_docs else []:
        kind = "RoleBinding" if role["kind"] == "Role" else draw(st.sampled_from(["RoleBinding", "ClusterRoleBinding"]))
        namespace = role["metadata"].get("namespace") or draw(st.sampled_from(NAMESPACES))
        bound.append(_binding(kind, draw(st.sampled_from(["b0", "b1", "b2", "b3"])), namespace, role["kind"],
                              role["metadata"]["name"], draw(st.sampled_from([ABSENT, "rbac.authorization.k8s.io"])),
                              draw(st.lists(subjects, min_size=1, max_size=2))))
    return bound + draw(any_bindings)  # names repeat: a later definition replaces the earlier, or is refused


# ---------------------------------------------------------------------------------------------- requests

resource_requests = st.builds(
    Request, st.sampled_from(["get", "list", "watch", "create", "GET"]),
    st.sampled_from(["", "apps", "discovery.k8s.io", "metrics.k8s.io"]),
    st.sampled_from(["nodes", "pods", "endpoints", "services", "Pods", "metrics"]),
    st.sampled_from(["", "", "metrics", "proxy", "*", "log"]),
    st.sampled_from([None, "ns-a", "ns-b"]), st.sampled_from([None, "n1", "n2", "*"]))
url_requests = st.builds(lambda verb, url: Request(verb, url=url), st.sampled_from(["get", "post", "GET"]),
                         st.sampled_from(["/metrics", "/metrics/cadvisor", "/metricsx", "/healthz", "/api", "/Metrics", "/me", "/"]))
random_requests = st.one_of(resource_requests, url_requests)


def _literal(draw, value: str, wildcard_values) -> str:
    """A rule's field value as a request's: a `*` in it (a wildcard, or a literal `*` resource name or
    subresource) stands for any value, itself included."""
    return draw(st.sampled_from([*wildcard_values, "*"])) if value == "*" else value


@st.composite
def near_request(draw, rule: dict) -> Request:
    """A request that the rule would allow, or one field away from it: random requests almost never meet a rule."""
    verb = _literal(draw, draw(st.sampled_from(rule.get("verbs") or ["get"])), ["get", "list", "create"])
    if "nonResourceURLs" in rule:
        url = draw(st.sampled_from(rule["nonResourceURLs"]))
        url = url.rstrip("*") + draw(st.sampled_from(["", "x", "/x", "*"])) if url.endswith("*") else url
        request = Request(verb, url=url or "/")
    else:
        group = _literal(draw, draw(st.sampled_from(rule.get("apiGroups") or [""])), ["", "apps"])
        head, _, sub = draw(st.sampled_from(rule.get("resources") or ["pods"])).partition("/")
        resource = _literal(draw, head, ["nodes", "pods"])
        subresource = _literal(draw, sub, ["metrics", "proxy"]) if sub else ""
        names = rule.get("resourceNames") or []
        name = draw(st.sampled_from([None, *names])) if names else draw(st.sampled_from([None, "n1"]))
        request = Request(verb, group, resource, subresource, draw(st.sampled_from([None, "ns-a", "ns-b"])), name or None)
    return draw(st.just(request) | st.builds(lambda other, field: _mixed(request, other, field), random_requests,
                                              st.sampled_from(["verb", "api_group", "resource", "subresource", "namespace", "name", "url"])))


def _mixed(request: Request, other: Request, field: str) -> Request:
    if request.is_resource != other.is_resource and field != "verb":
        return request
    values = {f: getattr(request, f) for f in ("verb", "api_group", "resource", "subresource", "namespace", "name", "url")}
    values[field] = getattr(other, field)
    return Request(**values)


@st.composite
def cases(draw) -> tuple[list[dict], list[dict], list[Request]]:
    role_docs = draw(roles)
    binding_docs = draw(bindings_of(role_docs))
    all_rules = [rule for doc in role_docs for rule in doc["rules"]]
    near = [draw(near_request(rule)) for rule in draw(st.lists(st.sampled_from(all_rules), max_size=5))] if all_rules else []
    return role_docs, binding_docs, near + draw(st.lists(random_requests, min_size=1, max_size=3))


# ---------------------------------------------------------------------------------------------- comparison


ANY_OBJECT = "object-no-rule-names"  # a name no generated resourceNames holds


def _attributes(request: Request) -> ref.Attributes:
    if not request.is_resource:
        return ref.Attributes(request.verb, False, path=request.url)
    # The tool's name None is "" for a request that carries no name (a list, a create) and "every object" for one
    # made by name (a kubelet's get on each node): the latter is allowed when an arbitrary name is.
    name = request_name(request)
    return ref.Attributes(request.verb, True, request.api_group, request.resource, request.subresource,
                          request.namespace or "", ANY_OBJECT if name is None else name)


def _user(identity: Identity) -> ref.User:
    return ref.ANONYMOUS_USER if identity == ANONYMOUS else ref.service_account_user(identity.namespace, identity.name)


def mismatches(docs: list[dict], reqs: list[Request]) -> list[str]:
    text = "\n---\n".join(json.dumps(doc) for doc in docs) + "\n"
    source = parse_source("rbac.yaml", text)
    assert source.status == "linted", source.findings
    workspace, _, _ = build_workspace([source], kubernetes_version=VERSION)
    authorizer = Authorizer(workspace)
    cluster = ref.Cluster(BUILTIN + docs)
    wrong = []
    for identity in IDENTITIES:
        for request in reqs:
            tool = authorizer.authorize(identity, request).allowed
            expected = cluster.Authorize(_user(identity), _attributes(request))
            if tool != expected:
                wrong.append(f"{identity} {request.describe()}: tool {'allows' if tool else 'denies'}, cluster "
                             f"{'allows' if expected else 'denies'}")
    return wrong


def _rb(kind, ref_kind, ref_name, *subjects_, namespace="ns-a", name="b0"):
    return _binding(kind, name, namespace, ref_kind, ref_name, "rbac.authorization.k8s.io", list(subjects_))


def ex(role_docs: list[dict], binding_docs: list[dict], reqs: list[Request]):
    return example(case=(role_docs, binding_docs, reqs))


SA1 = {"kind": "ServiceAccount", "name": "sa1", "namespace": "ns-a"}
NODES_METRICS = Request("get", "", "nodes", "metrics")
LIST_PODS_A = Request("list", "", "pods", namespace="ns-a")


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=cases())
# `*/metrics` matches any resource's metrics subresource, `nodes/*` only the literal subresource `*`.
@ex([_role("ClusterRole", "r0", "", [{"apiGroups": [""], "resources": ["*/metrics", "nodes/*"], "verbs": ["get"]}], {}, None)],
         [_rb("ClusterRoleBinding", "ClusterRole", "r0", SA1)],
         [NODES_METRICS, Request("get", "", "nodes", "proxy"), Request("get", "", "nodes", "*"), Request("get", "", "metrics")])
# `*/*` is no wildcard either: it matches only the literal subresource `*` (the length check of ResourceMatches).
@ex([_role("ClusterRole", "r0", "", [{"apiGroups": [""], "resources": ["*/*"], "verbs": ["get"]}], {}, None)],
    [_rb("ClusterRoleBinding", "ClusterRole", "r0", SA1)],
    [NODES_METRICS, Request("get", "", "nodes", "*"), Request("get", "", "nodes")])
# nonResourceURLs: trailing stars are trimmed (`/metrics/**` is the prefix `/metrics/`), an inner star is literal,
# paths are case-sensitive.
@ex([_role("ClusterRole", "r0", "", [{"nonResourceURLs": ["/metrics/**", "/m*trics", "/Healthz"], "verbs": ["get"]}], {}, None)],
    [_rb("ClusterRoleBinding", "ClusterRole", "r0", SA1)],
    [Request("get", url="/metrics/cadvisor"), Request("get", url="/metrics"), Request("get", url="/m*trics"),
     Request("get", url="/mxtrics"), Request("get", url="/healthz"), Request("post", url="/Healthz")])
# resourceNames: a list carries no name; the name "" is matched literally (ResourceNameMatches compares "" too).
@ex([_role("ClusterRole", "r0", "", [{"apiGroups": [""], "resources": ["pods"], "resourceNames": [""], "verbs": ["list", "create"]},
                                          {"apiGroups": [""], "resources": ["nodes"], "resourceNames": ["*"], "verbs": ["get"]}], {}, None)],
         [_rb("ClusterRoleBinding", "ClusterRole", "r0", SA1)],
         [LIST_PODS_A, Request("list", "", "pods"), Request("create", "", "pods", namespace="ns-a"),
          Request("get", "", "nodes", name="n1"), Request("get", "", "nodes", name="*"), Request("list", "", "nodes")])
# A RoleBinding grants only in its namespace, never cluster-scoped or all-namespace requests, never URLs; its
# ServiceAccount subject without a namespace (or with "") is in the binding's namespace.
@ex([_role("ClusterRole", "r0", "", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                                          {"nonResourceURLs": ["*"], "verbs": ["*"]}], {}, None)],
         [_rb("RoleBinding", "ClusterRole", "r0", {"kind": "ServiceAccount", "name": "sa1"}, {"kind": "ServiceAccount", "name": "sa2", "namespace": ""})],
         [LIST_PODS_A, Request("list", "", "pods", namespace="ns-b"), Request("list", "", "pods"), NODES_METRICS, Request("get", url="/metrics")])
# A RoleBinding's ServiceAccount subject in another namespace is that SA (granted in the binding's namespace).
@ex([_role("Role", "r0", "ns-b", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]}], {}, None)],
         [_rb("RoleBinding", "Role", "r0", SA1, namespace="ns-b")],
         [Request("list", "", "pods", namespace="ns-b"), LIST_PODS_A])
# Subjects: the SA's user name as a User, its groups, system:authenticated; the anonymous user's group.
@ex([_role("ClusterRole", "r0", "", [{"nonResourceURLs": ["/metrics*"], "verbs": ["get"]}], {}, None)],
         [_rb("ClusterRoleBinding", "ClusterRole", "r0", {"kind": "User", "name": "system:serviceaccount:ns-a:sa1"}, name="b0"),
          _rb("ClusterRoleBinding", "ClusterRole", "r0", {"kind": "Group", "name": "system:serviceaccounts:ns-b"}, name="b1"),
          _rb("ClusterRoleBinding", "ClusterRole", "r0", {"kind": "Group", "name": "system:unauthenticated"}, name="b2"),
          _rb("ClusterRoleBinding", "ClusterRole", "r0", {"kind": "Group", "name": "system:serviceaccount:ns-a"},
              {"kind": "User", "name": "sa2"}, {"kind": "Group", "name": "system:serviceaccounts:ns-a:sa2"}, name="b3")],
         [Request("get", url="/metrics"), Request("get", url="/metricsx"), Request("get", url="/Metrics")])
# Refused by the API server, so they grant nothing: a Role with nonResourceURLs, a ClusterRoleBinding's SA without
# a namespace, a ClusterRoleBinding to a Role, a User with a wrong apiGroup, a lowercase kind.
@ex([_role("Role", "r0", "ns-a", [{"nonResourceURLs": ["/metrics"], "verbs": ["get"]},
                                       {"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]}], {}, None),
          _role("ClusterRole", "r1", "", [{"apiGroups": [""], "resources": ["nodes/metrics"], "verbs": ["get"]}], {}, None)],
         [_rb("RoleBinding", "Role", "r0", SA1, name="b0"),
          _rb("ClusterRoleBinding", "ClusterRole", "r1", {"kind": "ServiceAccount", "name": "sa1"}, name="b1"),
          _rb("ClusterRoleBinding", "Role", "r0", SA1, name="b2"),
          _rb("ClusterRoleBinding", "ClusterRole", "r1", {"kind": "User", "name": "system:serviceaccount:ns-a:sa1", "apiGroup": "wrong"}, name="b3"),
          _rb("RoleBinding", "ClusterRole", "r1", {"kind": "serviceaccount", "name": "sa1"}, name="b4")],
         [LIST_PODS_A, NODES_METRICS, Request("get", "", "nodes", "metrics", namespace="ns-a"), Request("get", url="/metrics")])
# A binding defined again: the later definition replaces the earlier when it keeps the roleRef (here: other subjects),
# and is refused when it changes it (roleRef is immutable), so the earlier stands, subjects included; a refused
# definition of a role replaces nothing either.
@ex([_role("ClusterRole", "r0", "", [{"apiGroups": [""], "resources": ["nodes/metrics"], "verbs": ["get"]}], {}, None),
     _role("ClusterRole", "r1", "", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}], {}, None),
     _role("ClusterRole", "r1", "", [{"apiGroups": [""], "resources": ["pods"], "verbs": []}], {}, None)],
    [_rb("ClusterRoleBinding", "ClusterRole", "r0", SA1, name="b0"),
     _rb("ClusterRoleBinding", "ClusterRole", "r1", SA1, {"kind": "ServiceAccount", "name": "sa1", "namespace": "ns-b"}, name="b0"),
     _rb("RoleBinding", "ClusterRole", "r1", SA1, name="b1"),
     _rb("RoleBinding", "ClusterRole", "r1", {"kind": "ServiceAccount", "name": "sa2"}, name="b1")],
    [NODES_METRICS, Request("get", "", "pods"), Request("get", "", "pods", namespace="ns-a")])
# Aggregation: the selected roles' rules replace the aggregated role's own; chains of aggregated roles.
@ex([_role("ClusterRole", "r0", "", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]}], {},
                {"clusterRoleSelectors": [{"matchLabels": {"agg": "a"}}]}),
          _role("ClusterRole", "r1", "", [], {"agg": "a"}, {"clusterRoleSelectors": [{"matchExpressions": [{"key": "team", "operator": "Exists"}]}]}),
          _role("ClusterRole", "r2", "", [{"apiGroups": [""], "resources": ["nodes/metrics"], "verbs": ["get"]}], {"team": "b"}, None)],
         [_rb("ClusterRoleBinding", "ClusterRole", "r0", SA1)],
         [LIST_PODS_A, NODES_METRICS])
# A cycle of aggregated roles: each ends up with the plain roles reachable through the cycle, whichever is asked first.
@ex([_role("ClusterRole", "r0", "", [], {"agg": "b"}, {"clusterRoleSelectors": [{"matchLabels": {"agg": "a"}}]}),
          _role("ClusterRole", "r1", "", [], {"agg": "a"}, {"clusterRoleSelectors": [{"matchLabels": {"agg": "b"}}]}),
          _role("ClusterRole", "r2", "", [{"apiGroups": [""], "resources": ["nodes/metrics"], "verbs": ["get"]}], {"agg": "b"}, None)],
         [_rb("ClusterRoleBinding", "ClusterRole", "r1", SA1, name="b0"),
          _rb("ClusterRoleBinding", "ClusterRole", "r0", {"kind": "ServiceAccount", "name": "sa1", "namespace": "ns-b"}, name="b1")],
         [NODES_METRICS])
# Invalid selectors (lowercase operator, In without values, Exists with values) refuse the whole ClusterRole.
@ex([_role("ClusterRole", "r0", "", [], {}, {"clusterRoleSelectors": [{"matchExpressions": [{"key": "agg", "operator": "exists"}]}]}),
          _role("ClusterRole", "r1", "", [], {}, {"clusterRoleSelectors": [{"matchExpressions": [{"key": "agg", "operator": "In"}]}]}),
          _role("ClusterRole", "r2", "", [], {}, {"clusterRoleSelectors": [{"matchExpressions": [{"key": "agg", "operator": "Exists", "values": ["a"]}]}]})],
         [_rb("ClusterRoleBinding", "ClusterRole", "r0", SA1, name="b0"), _rb("ClusterRoleBinding", "ClusterRole", "r1", SA1, name="b1"),
          _rb("ClusterRoleBinding", "ClusterRole", "r2", SA1, name="b2")],
         [NODES_METRICS, Request("get", url="/metrics")])
def test_authorizer_matches_reference(case):
    role_docs, binding_docs, reqs = case
    assert mismatches(role_docs + binding_docs, reqs) == []
