"""Would the API server accept this Role, ClusterRole, RoleBinding or ClusterRoleBinding? (KS501; FACTS §8)

One source of truth for RBAC validation, used twice: KS501 reports every problem at the offending field, and
build_workspace does not index a rejected object for the authorizer, since `kubectl apply` fails and the
object never exists, so it grants nothing (the job's need is then denied: KS101…). The checks mirror
`pkg/apis/rbac/validation/validation.go`, plus the API versions the cluster no longer serves.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from .findings import Finding, Related
from .k8sselector import label_value_problem, qualified_name_problem
from .model import RBAC_GROUP, BindingDef, K8sObject, RoleDef, Subject
from .resources import knowledge
from .yamltree import YMap, YSeq, as_map, as_seq, as_str, at, key_span, value_span

RBAC_PREFIX = RBAC_GROUP + "/"
# Workspace index (build._refuse_role_ref_changes): id(a later binding definition that changes the roleRef, which
# the API server refuses) → the earlier definition that stands.
ROLE_REF_CHANGES = "roleRef changes"


def rejected(derived: RoleDef | BindingDef, kubernetes_version: tuple[int, int]) -> bool:
    """Whether the API server refuses the object behind a RoleDef or BindingDef from the inputs."""
    return next(object_problems(derived, kubernetes_version), None) is not None


def refusing_rules(derived: RoleDef | BindingDef, workspace) -> list[str]:
    """The rules that say why the API server refuses an object the workspace holds as refused (build.refused_rbac):
    KS501 for its RBAC content or apiVersion, KS602 when it does not decode (`verbs: get`, a number as a label);
    both when both apply, since the object exists only once every one is corrected."""
    from .k8svalidate import refused_by_server

    if derived.obj is None:
        return ["KS501"]
    rules = ["KS501"] if rejected(derived, workspace.kubernetes_version) else []
    source = workspace.source(derived.obj.path)
    if source is not None and refused_by_server(source, derived.obj.doc):
        rules.append("KS602")
    return rules or ["KS501"]


def one_line_correction(derived: RoleDef | BindingDef, workspace) -> Finding | None:
    """The finding whose fix is all the API server needs changed in a refused object, when there is exactly one
    and its fix is one line (`verbs: get` → `verbs: ["get"]`, a mapping of `subjects` written as a list, a
    roleRef.apiGroup to set), else None. Every refusal counts, KS501's and KS602's beyond unknown fields (an
    unknown field is dropped, not refused). The objects are read as meant (`verbs: get` as [get]), so once
    corrected they grant what the analysis says they would: correcting them is then the smallest repair."""
    from .k8svalidate import STRICT_ONLY, document_findings

    if derived.obj is None:
        return None
    problems = list(object_problems(derived, workspace.kubernetes_version))
    source = workspace.source(derived.obj.path)
    if source is not None:
        problems += [f for f in document_findings(source, derived.obj.doc) if f.data.get("check") not in STRICT_ONLY]
    if len(problems) != 1 or not problems[0].fix:
        return None
    fix = problems[0].fix.strip()
    # A rename or a move touches other objects too (the roleRefs, a new ClusterRole); a placeholder is no correction
    if "\n" in fix or "<" in fix or fix.startswith(("Rename", "Move", "Split")):
        return None
    return problems[0]


def refused_only_for_version(derived: RoleDef | BindingDef, kubernetes_version: tuple[int, int]) -> Finding | None:
    """The KS501 finding of an object the API server refuses for its apiVersion alone (v1beta1/v1alpha1 after
    1.22), else None. Those versions are field-for-field v1 (k8s.io/api rbac/v1beta1/types.go), so changing the
    apiVersion is the whole fix: the object then grants exactly what is written, hazards included."""
    if derived.obj is None:
        return None
    problems = list(object_problems(derived, kubernetes_version))
    version = list(served_version_problems(derived.obj, kubernetes_version))
    return version[0] if version and len(problems) == len(version) else None


def object_problems(derived: RoleDef | BindingDef, kubernetes_version: tuple[int, int]) -> Iterator[Finding]:
    assert derived.obj is not None  # (objects from the inputs only: the built-in ones are valid)
    yield from served_version_problems(derived.obj, kubernetes_version)
    yield from name_problems(derived.obj)
    if isinstance(derived, RoleDef):
        yield from role_problems(derived)
    else:
        yield from binding_problems(derived)


def parse_version(text: str) -> tuple[int, int]:
    major, minor = text.split(".")[:2]
    return int(major), int(minor)


def role_label(role: RoleDef) -> str:
    return f"Role {role.namespace}/{role.name}" if role.kind == "Role" else f"ClusterRole {role.name}"


def binding_label(binding: BindingDef) -> str:
    return f"RoleBinding {binding.namespace}/{binding.name}" if binding.kind == "RoleBinding" else f"ClusterRoleBinding {binding.name}"


def quoted(values: Iterable[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


# ValidateServiceAccountName is a DNS-1123 subdomain (k8s.io/apimachinery/pkg/util/validation IsDNS1123Subdomain).
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_DNS1123_SUBDOMAIN_MESSAGE = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
                              "'.', and must start and end with an alphanumeric character")
SERVICE_ACCOUNT_USER_PREFIX = "system:serviceaccount:"


def is_dns1123_subdomain(name: str) -> bool:
    return len(name) <= 253 and _DNS1123_SUBDOMAIN.fullmatch(name) is not None


def rbac_name_problems(name: str) -> list[str]:
    """ValidateRBACName, the name rule of every Role, ClusterRole and binding and of roleRef.name: apimachinery
    path.IsValidPathSegmentName (the name is a segment of the object's URL). Colons are fine (system:monitoring)."""
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in name]


def name_problems(obj: K8sObject) -> Iterator[Finding]:
    metadata = obj.doc.get("metadata")
    problems = rbac_name_problems(obj.name) if isinstance(metadata, YMap) and "name" in metadata else []
    if problems:
        yield Finding(
            "KS501", value_span(obj.path, metadata, "name"),
            f"{obj.kind} name {obj.name!r} is not a valid RBAC object name: the API server rejects it "
            f"(`metadata.name: Invalid value: \"{obj.name}\": {', '.join(problems)}`), so it never exists",
            fix=f"Rename it without '/' or '%' (e.g. {obj.name.replace('/', '-').replace('%', '-')!r}) and update the "
                f"roleRef of the bindings that use it.",
            object=obj.ref,
        )


def _table() -> dict:
    return knowledge("api-resources")


def served_version_problems(obj: K8sObject, kubernetes_version: tuple[int, int]) -> Iterator[Finding]:
    """rbac.authorization.k8s.io/v1beta1 and v1alpha1 stopped being served in Kubernetes 1.22; v1alpha1, an alpha
    version, was never served by default before either."""
    version = obj.api_version[len(RBAC_PREFIX):]
    entry = _table()["rbac_versions"].get(version)
    removed = entry.get("removed") if entry is not None else None
    gone = bool(removed) and kubernetes_version >= parse_version(removed)
    if entry is not None and not gone and not entry.get("alpha"):
        return
    why = (f"which Kubernetes stopped serving in {removed}" if gone
           else f"an alpha version the API server serves only when `--runtime-config={obj.api_version}=true` enables "
                f"it (off by default)" if entry is not None
           else "which the API server does not serve")
    kubectl = f'no matches for kind "{obj.kind}" in version "{obj.api_version}"'
    yield Finding(
        "KS501", obj.key_span("apiVersion") if "apiVersion" not in obj.doc else value_span(obj.path, obj.doc, "apiVersion"),
        f"{obj.kind} {obj.namespace + '/' if obj.namespace and obj.kind in ('Role', 'RoleBinding') else ''}{obj.name} "
        f"uses apiVersion {obj.api_version}, {why}: `kubectl apply` fails with `{kubectl}` on Kubernetes "
        f"{kubernetes_version[0]}.{kubernetes_version[1]}, so the object (and every permission it carries) never exists",
        fix=f"Change `apiVersion: {obj.api_version}` to `apiVersion: {RBAC_PREFIX}v1` (the fields are the same).",
        object=obj.ref, data={"apiVersion": obj.api_version, "removed_in": removed if gone else ""},
    )


# A resource rule must name both (rbac validation.ValidatePolicyRule): (field, PolicyRule attribute, what the
# message says is missing, upstream's words, fix).
_REQUIRED_RESOURCE_FIELDS = (
    ("apiGroups", "api_groups", "is a resource rule without apiGroups", "resource rules must supply at least one api group",
     'Add `apiGroups: [""]` for core resources (pods, services, endpoints, nodes), or the group that serves the '
     'resources (e.g. `discovery.k8s.io` for endpointslices).'),
    ("resources", "resources", "has no resources (and no nonResourceURLs)", "resource rules must supply at least one resource",
     'Add the resources the rule is for, e.g. `resources: ["pods", "services"]`, or use `nonResourceURLs` for paths '
     'such as /metrics.'),
)


def _read_verbs(rule) -> str:
    """The read verbs a rule's targets take: a URL or a subresource (nodes/metrics, pods/log) is only ever read with
    `get` (list and watch on it grant nothing a scraper uses, KS203), a resource with get, list and watch."""
    if rule.non_resource_urls or (rule.resources and all("/" in r for r in rule.resources)):
        return '["get"]'
    return '["get", "list", "watch"]'


def role_problems(role: RoleDef) -> Iterator[Finding]:
    obj = role.obj
    assert obj is not None
    label = role_label(role)
    for rule in role.rules:
        node = rule.node
        if node is None:
            continue
        where = f"{label} rules[{rule.index}]"
        if not rule.verbs:
            yield Finding(
                "KS501", rule.span("verbs") if "verbs" in node else rule.span(),
                f"{where} has no verbs: the API server rejects the {role.kind} "
                f"(`rules[{rule.index}].verbs: Required value: verbs must contain at least one value`)",
                fix=f"Add the verbs the rule is for, e.g. `verbs: {_read_verbs(rule)}`.",
                object=obj.ref,
            )
        if rule.non_resource_urls:
            if role.kind == "Role":
                yield Finding(
                    "KS501", rule.span("nonResourceURLs"),
                    f"{where} lists nonResourceURLs {quoted(rule.non_resource_urls)} in a namespaced Role: the API server "
                    f"rejects it (`namespaced rules cannot apply to non-resource URLs`); URLs can only be granted by a "
                    f"ClusterRole bound with a ClusterRoleBinding",
                    fix=f"Move `{{nonResourceURLs: {quoted(rule.non_resource_urls)}, verbs: {quoted(rule.verbs)}}}` into a "
                        f"ClusterRole and bind it with a ClusterRoleBinding to the same subjects.",
                    object=obj.ref, data={"check": "role-non-resource-urls"},  # (subjects named by the KS501 check)
                )
            if rule.api_groups or rule.resources or rule.resource_names:
                yield Finding(
                    "KS501", rule.span("nonResourceURLs"),
                    f"{where} mixes nonResourceURLs with apiGroups/resources/resourceNames: the API server rejects the "
                    f"{role.kind} (`rules cannot apply to both regular resources and non-resource URLs`)",
                    fix="Split it into two rules: one with `apiGroups`/`resources`/`verbs`, one with only "
                        "`nonResourceURLs` and `verbs`.",
                    object=obj.ref,
                )
            continue
        for field, values, what, required, fix in _REQUIRED_RESOURCE_FIELDS:
            if not getattr(rule, values):
                yield Finding(
                    "KS501", rule.span(field) if field in node else rule.span(),
                    f"{where} {what}: the API server rejects the {role.kind} "
                    f"(`rules[{rule.index}].{field}: Required value: {required}`)",
                    fix=fix, object=obj.ref,
                )
    aggregation = obj.doc.get("aggregationRule")
    if role.kind == "ClusterRole" and isinstance(aggregation, YMap) and not as_map(aggregation).get("clusterRoleSelectors"):
        yield Finding(
            "KS501", obj.key_span("aggregationRule"),
            f"{label} has an aggregationRule without clusterRoleSelectors: the API server rejects it "
            f"(`at least one clusterRoleSelector required if aggregationRule is non-nil`)",
            fix="Add `clusterRoleSelectors: [{matchLabels: {<label>: \"true\"}}]`, or delete `aggregationRule` and list "
                "`rules` directly.",
            object=obj.ref,
        )
    if role.kind == "ClusterRole" and isinstance(aggregation, YMap):
        for index, selector in enumerate(as_seq(aggregation.get("clusterRoleSelectors"))):
            if isinstance(selector, YMap):
                yield from _selector_problems(role, selector, f"aggregationRule.clusterRoleSelectors[{index}]")


# metav1 validation.ValidateLabelSelectorRequirement: the four operators (case-sensitive), and whether each takes values.
_OPERATOR_TAKES_VALUES = {"In": True, "NotIn": True, "Exists": False, "DoesNotExist": False}


def _selector_problems(role: RoleDef, selector: YMap, field: str) -> Iterator[Finding]:
    """ValidateClusterRole checks every clusterRoleSelector with metav1 ValidateLabelSelector: label keys and values,
    and each matchExpression's operator and values. A selector it refuses makes the API server reject the whole
    ClusterRole — without this check the aggregation would be evaluated anyway, and an unknown operator (`exists`)
    read as "no condition" selects every ClusterRole, cluster-admin included."""
    obj = role.obj
    assert obj is not None
    where = f"{role_label(role)} {field}"

    def rejected(span, path: str, error: str, fix: str) -> Finding:
        return Finding("KS501", span, f"{where} is not a valid label selector: the API server rejects the ClusterRole (`{field}.{path}: {error}`), so "
                       f"it never exists and grants nothing", fix=fix, object=obj.ref)

    labels = selector.get("matchLabels")
    if isinstance(labels, YMap):
        for key, value in labels.items():
            key, value = as_str(key), as_str(value)
            problem = qualified_name_problem(key)
            if problem:
                yield rejected(key_span(obj.path, labels, key), "matchLabels", f'Invalid value: "{key}": {problem}',
                               "Use a valid label key (`[prefix/]name`, e.g. `example.com/aggregate-to-prometheus`).")
            problem = label_value_problem(value)
            if problem:
                yield rejected(value_span(obj.path, labels, key), "matchLabels", f'Invalid value: "{value}": {problem}',
                               "Use a valid label value (at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends).")
    expressions = selector.get("matchExpressions")
    negative_only = _selects_by_exclusion_only(selector)
    for index, expression in enumerate(as_seq(expressions)):
        if isinstance(expression, YMap):
            yield from _expression_problems(obj.path, expression, f"matchExpressions[{index}]", rejected, negative_only)


def _selects_by_exclusion_only(selector: YMap) -> bool:
    """True when the selector has no matchLabels and no In/Exists expression: once valid it matches every
    ClusterRole that lacks a label (or a value), cluster-admin included, and the aggregated role becomes all of them."""
    labels = selector.get("matchLabels")
    if isinstance(labels, YMap) and len(labels):
        return False
    operators = [as_str(e.get("operator")).lower() for e in as_seq(selector.get("matchExpressions")) if isinstance(e, YMap)]
    return not any(op in ("in", "exists") for op in operators)


# Appended to the fix of a NotIn/DoesNotExist expression alone in its selector: applying the fix literally makes
# the ClusterRole valid, and the aggregation controller then copies in the rules of every unlabelled ClusterRole.
_EXCLUSION_ONLY_CAUTION = (" Alone in its selector, a NotIn or DoesNotExist expression selects every ClusterRole without "
                           "that label — cluster-admin included — so add a matchLabels or an In/Exists expression "
                           "naming the roles to aggregate.")


def _expression_problems(path: str, expression: YMap, field: str, rejected, negative_only: bool = False) -> Iterator[Finding]:
    operator = as_str(expression.get("operator"))
    caution = _EXCLUSION_ONLY_CAUTION if negative_only else ""
    values = as_seq(expression.get("values"))
    key = as_str(expression.get("key"))
    takes_values = _OPERATOR_TAKES_VALUES.get(operator)
    if takes_values is None:
        spelled = next((op for op in _OPERATOR_TAKES_VALUES if op.lower() == operator.lower()), None)
        yield rejected(value_span(path, expression, "operator") if "operator" in expression else at(path, expression.pos),
                       f"{field}.operator", f'Invalid value: "{operator}": not a valid selector operator',
                       f"Set `operator: {spelled}` (operators are case-sensitive)."
                       + (caution if spelled in ("NotIn", "DoesNotExist") else "") if spelled else
                       "Set `operator` to In, NotIn, Exists or DoesNotExist (case-sensitive).")
    elif takes_values and not values:
        yield rejected(key_span(path, expression, "values") if "values" in expression else at(path, expression.pos),
                       f"{field}.values", f"Required value: must be specified when 'operator' is 'In' or 'NotIn'",
                       "Add the label values to exclude, e.g. `values: [\"false\"]`." + caution if operator == "NotIn" else
                       "Add the label values to match, e.g. `values: [\"true\"]`, or use `operator: Exists`.")
    elif not takes_values and values:
        yield rejected(key_span(path, expression, "values"), f"{field}.values",
                       "Forbidden: may not be specified when 'operator' is 'Exists' or 'DoesNotExist'",
                       "Delete `values`, or use `operator: NotIn` to exclude only those values." + caution
                       if operator == "DoesNotExist" else
                       "Delete `values`, or use `operator: In` to match only those values.")
    problem = qualified_name_problem(key)
    if problem:
        yield rejected(value_span(path, expression, "key") if "key" in expression else at(path, expression.pos),
                       f"{field}.key", f'Invalid value: "{key}": {problem}',
                       "Set `key` to a valid label key (`[prefix/]name`).")
    if takes_values and isinstance(values, YSeq):
        for index, value in enumerate(values):
            problem = label_value_problem(as_str(value))
            if problem:
                yield rejected(at(path, values.item_pos(index)), f"{field}.values[{index}]",
                               f'Invalid value: "{as_str(value)}": {problem}',
                               "Use a valid label value (at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends).")


def binding_problems(binding: BindingDef) -> Iterator[Finding]:
    obj = binding.obj
    assert obj is not None
    label = binding_label(binding)
    role_ref = obj.doc.get("roleRef")
    if not isinstance(role_ref, YMap):
        yield Finding(
            "KS501", obj.key_span("roleRef") if "roleRef" in obj.doc else obj.span,
            f"{label} has no roleRef: the API server rejects it (`roleRef.kind: Unsupported value: \"\"`, "
            f"`roleRef.name: Required value`)",
            fix="Add `roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: <role>}`.",
            object=obj.ref,
        )
    else:
        api_group = as_str(role_ref.get("apiGroup"))
        if api_group and api_group != RBAC_GROUP:  # empty is defaulted to rbac.authorization.k8s.io
            yield Finding(
                "KS501", value_span(obj.path, role_ref, "apiGroup"),
                f"{label} has roleRef.apiGroup {api_group!r}: the API server rejects it (`roleRef.apiGroup: Unsupported "
                f"value: \"{api_group}\": supported values: \"{RBAC_GROUP}\"`)",
                fix=f"Set `roleRef.apiGroup: {RBAC_GROUP}`.",
                object=obj.ref,
            )
        allowed = ("ClusterRole",) if binding.kind == "ClusterRoleBinding" else ("Role", "ClusterRole")
        if binding.role_kind not in allowed:
            span = value_span(obj.path, role_ref, "kind") if "kind" in role_ref else key_span(obj.path, obj.doc, "roleRef")
            if binding.kind == "ClusterRoleBinding" and binding.role_kind == "Role":
                message = (f"{label} refers to Role {binding.role_name}: a ClusterRoleBinding can only reference a "
                           f"ClusterRole, so the API server rejects it (`roleRef.kind: Unsupported value: \"Role\": "
                           f"supported values: \"ClusterRole\"`)")
                fix = (f"Bind the Role with a RoleBinding in the Role's namespace, or make {binding.role_name} a "
                       f"ClusterRole and set `roleRef.kind: ClusterRole`.")
                check = "clusterrolebinding-to-role"  # the fix is completed with the Role's other bindings (KS501 check)
            else:
                shown = binding.role_kind or ""
                message = (f"{label} has roleRef.kind {shown!r}: the API server rejects it (`roleRef.kind: Unsupported "
                           f"value: \"{shown}\": supported values: {quoted(allowed)[1:-1]}`)")
                fix = f"Set `roleRef.kind` to {' or '.join(allowed)}."
                check = "role-ref-kind"
            yield Finding("KS501", span, message, fix=fix, object=obj.ref, data={"check": check})
        role_name_problems = rbac_name_problems(binding.role_name) if binding.role_name else []
        if role_name_problems:
            yield Finding(
                "KS501", value_span(obj.path, role_ref, "name"),
                f"{label} has roleRef.name {binding.role_name!r}: the API server rejects it (`roleRef.name: Invalid value: "
                f"\"{binding.role_name}\": {', '.join(role_name_problems)}`); no Role or ClusterRole can have that name",
                fix="Set `roleRef.name` to the name of the Role or ClusterRole (names contain no '/' or '%').",
                object=obj.ref,
            )
        if not binding.role_name:
            yield Finding(
                "KS501", value_span(obj.path, role_ref, "name") if "name" in role_ref else key_span(obj.path, obj.doc, "roleRef"),
                f"{label} has no roleRef.name: the API server rejects it (`roleRef.name: Required value`)",
                fix="Set `roleRef.name` to the Role or ClusterRole the binding grants.",
                object=obj.ref,
            )
    for subject in binding.subjects:
        node = subject.node
        if node is None:
            continue
        where = f"{label} subjects[{subject.index}]"
        span = at(obj.path, node.pos)
        if not subject.name:
            yield Finding(
                "KS501", span, f"{where} has no name: the API server rejects the binding "
                f"(`subjects[{subject.index}].name: Required value`)",
                fix="Set the subject's `name`.", object=obj.ref,
            )
        if subject.kind == "ServiceAccount":
            if subject.name and not is_dns1123_subdomain(subject.name):
                yield _invalid_service_account_name(binding, subject, where)
            if subject.api_group:
                yield Finding(
                    "KS501", key_span(obj.path, node, "apiGroup"),
                    f"{where} is a ServiceAccount with apiGroup {subject.api_group!r}: the API server rejects the binding "
                    f"(`subjects[{subject.index}].apiGroup: Unsupported value: \"{subject.api_group}\": supported "
                    f"values: \"\"`); ServiceAccounts are in the core group",
                    fix="Delete `apiGroup` from the ServiceAccount subject (it is only for User and Group subjects).",
                    object=obj.ref,
                )
            if binding.kind == "ClusterRoleBinding" and not subject.namespace_explicit:
                yield Finding(
                    "KS501", span,
                    f"{where} is ServiceAccount {subject.name} without a namespace: a ClusterRoleBinding has no namespace "
                    f"to default it to, so the API server rejects it (`subjects[{subject.index}].namespace: Required value`)",
                    fix="Add the ServiceAccount's namespace to the subject, e.g. `namespace: monitoring`.",
                    object=obj.ref,
                )
        elif subject.kind in ("User", "Group"):
            if subject.api_group and subject.api_group != RBAC_GROUP:  # empty is defaulted
                yield Finding(
                    "KS501", value_span(obj.path, node, "apiGroup"),
                    f"{where} is a {subject.kind} with apiGroup {subject.api_group!r}: the API server rejects the binding "
                    f"(`subjects[{subject.index}].apiGroup: Unsupported value: \"{subject.api_group}\": supported values: "
                    f"\"{RBAC_GROUP}\"`)",
                    fix=f"Set `apiGroup: {RBAC_GROUP}` on {subject.kind} subjects (or leave it out: it is defaulted).",
                    object=obj.ref,
                )
        else:
            yield Finding(
                "KS501", value_span(obj.path, node, "kind") if "kind" in node else span,
                f"{where} has kind {subject.kind!r}: the API server rejects the binding (`subjects[{subject.index}].kind: "
                f"Unsupported value: \"{subject.kind}\": supported values: \"ServiceAccount\", \"User\", \"Group\"`)",
                fix="Set the subject's `kind` to ServiceAccount, User or Group (case-sensitive).",
                object=obj.ref,
            )


def _invalid_service_account_name(binding: BindingDef, subject: Subject, where: str) -> Finding:
    """A ServiceAccount subject's name is the object's name, never the user name its token authenticates as:
    `system:serviceaccount:NS:NAME` (the form `kubectl auth can-i --as` and audit logs show) has colons."""
    obj = binding.obj
    assert obj is not None and subject.node is not None
    name = subject.name
    upstream = (f"`subjects[{subject.index}].name: Invalid value: \"{name}\": "
                f"{'must be no more than 253 characters' if len(name) > 253 else _DNS1123_SUBDOMAIN_MESSAGE}`")
    namespace, _, plain = name[len(SERVICE_ACCOUNT_USER_PREFIX):].partition(":")
    if name.startswith(SERVICE_ACCOUNT_USER_PREFIX) and namespace and is_dns1123_subdomain(plain):
        message = (f"{where} names ServiceAccount {name!r}, which is the user name its token authenticates as, not "
                   f"a ServiceAccount name: the API server rejects the binding ({upstream})")
        moved = (f" (the user name is in namespace {namespace}, not {subject.namespace})"
                 if subject.namespace_explicit and subject.namespace != namespace else "")
        fix = f"Write the subject as `{{kind: ServiceAccount, name: {plain}, namespace: {namespace}}}`{moved}."
    else:
        message = (f"{where} names ServiceAccount {name!r}, which is not a valid ServiceAccount name: the API server "
                   f"rejects the binding ({upstream})")
        lowered = name.lower()
        fix = (f"Set `name: {lowered}` (ServiceAccount names are lowercase)." if is_dns1123_subdomain(lowered)
               else "Set `name` to the ServiceAccount's metadata.name (lowercase letters, digits, '-' and '.').")
    return Finding("KS501", value_span(obj.path, subject.node, "name"), message, fix=fix, object=obj.ref,
                   data={"subject": name})


def role_ref_change(binding: BindingDef, earlier: BindingDef) -> Finding:
    """KS501 for a binding defined again with another roleRef (build._refuse_role_ref_changes)."""
    obj, first = binding.obj, earlier.obj
    assert obj is not None and first is not None
    role_ref = obj.doc.get("roleRef")
    span = value_span(obj.path, role_ref, "name") if isinstance(role_ref, YMap) and "name" in role_ref else obj.name_span()
    label = binding_label(binding)
    return Finding(
        "KS501", span,
        f"{label} is defined before (at {first.name_span()}) with roleRef {earlier.role_kind} {earlier.role_name}, and "
        f"roleRef is immutable: the API server rejects this definition as an update (`roleRef: Invalid value: ...: "
        f"cannot change roleRef`), so the binding keeps the earlier roleRef and subjects and this one grants nothing",
        fix=f"Give this binding its own name (a binding of another role is another binding), or delete the earlier "
            f"definition: changing the role of {label} takes `kubectl delete` and a new create.",
        related=(Related(first.name_span(), f"{label} is first defined here, bound to {earlier.role_kind} {earlier.role_name}"),),
        object=obj.ref, data={"check": "role-ref-change"},
    )
