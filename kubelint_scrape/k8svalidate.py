"""Would `kubectl apply` / the API server accept this object? (KS602; FACTS §8)

Two things, kept to what is rejected for certain:
1. identity: an object-like document without `apiVersion`, `kind` or `metadata.name` (kubectl refuses it:
   "apiVersion not set", "Object 'Kind' is missing", "resource name may not be empty");
2. field types of the kinds kubelint-scrape reads, by rules/schemas/kubernetes-objects.schema.json: kubectl
   converts YAML to JSON untyped, so `verbs: get`, `automountServiceAccountToken: "false"` or an unquoted
   `prometheus.io/scrape: true` annotation fail to decode (`json: cannot unmarshal ...`), and unknown fields of
   the structures modelled completely are refused by kubectl's default strict field validation.
Documents that are not Kubernetes objects (Prometheus and collector configs, Kustomizations, component
configs such as KubeletConfiguration) are left alone.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any, Iterator

from .findings import Finding
from .load import Source, plain_scalar
from .model import POD_SPEC_PATHS, VM_GROUP, is_prometheus_config, iter_documents, rule_field_items
from .operatorfields import CONSEQUENCES, VM_KINDS, misspelt_fields
from .resources import knowledge
from .schema_check import SchemaError, load
from .yamltree import YMap, YSeq, as_map, as_seq, as_str, at, filled_in_later, get_path, value_span

RULE = "KS602"

# Kinds the tool reads, by the API group their apiVersion must be in → schema definition.
SCHEMA_FOR = {
    ("rbac.authorization.k8s.io", "Role"): "Role",
    ("rbac.authorization.k8s.io", "ClusterRole"): "ClusterRole",
    ("rbac.authorization.k8s.io", "RoleBinding"): "Binding",
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): "Binding",
    ("", "ServiceAccount"): "ServiceAccount",
    ("", "ConfigMap"): "ConfigMap",
    ("", "Secret"): "Secret",
    ("", "Pod"): "Pod",
    ("", "ReplicationController"): "ReplicationController",
    ("apps", "Deployment"): "Workload",
    ("apps", "StatefulSet"): "Workload",
    ("apps", "DaemonSet"): "Workload",
    ("apps", "ReplicaSet"): "Workload",
    ("batch", "Job"): "Workload",
    ("batch", "CronJob"): "CronJob",
    ("monitoring.coreos.com", "ServiceMonitor"): "ServiceMonitor",
    ("monitoring.coreos.com", "PodMonitor"): "PodMonitor",
    ("monitoring.coreos.com", "Probe"): "Probe",
    ("monitoring.coreos.com", "ScrapeConfig"): "ScrapeConfig",
    ("monitoring.coreos.com", "Prometheus"): "PrometheusServer",
    ("monitoring.coreos.com", "PrometheusAgent"): "PrometheusServer",
}

# Kinds that are API objects for certain (so a missing name or apiVersion is an error, not another format).
API_KINDS = {kind for _, kind in SCHEMA_FOR} | {
    "Namespace", "Service", "Endpoints", "EndpointSlice", "Ingress", "IngressClass", "NetworkPolicy", "Node",
    "PersistentVolume", "PersistentVolumeClaim", "StorageClass", "PodDisruptionBudget", "HorizontalPodAutoscaler",
    "CustomResourceDefinition", "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    "PriorityClass", "LimitRange", "ResourceQuota", "PodSecurityPolicy", "Lease", "Event",
    "Alertmanager", "AlertmanagerConfig", "PrometheusRule", "ThanosRuler",
}
# Formats that borrow apiVersion/kind but are not objects on the API server (no metadata.name needed).
NOT_OBJECTS = (
    "kustomize.config.k8s.io", "kubelet.config.k8s.io", "kubeproxy.config.k8s.io", "kubeadm.k8s.io",
    "kubescheduler.config.k8s.io", "apiserver.config.k8s.io", "apiserver.k8s.io", "audit.k8s.io", "kind.x-k8s.io",
    "client.authentication.k8s.io",
)


def unserved(kind: str, api_version: str, kubernetes_version: tuple[int, int]) -> tuple[str, str] | None:
    """(why, the apiVersion to use instead) when the API server of `kubernetes_version` does not serve `kind` in
    `api_version` (rules/knowledge/api-resources.yaml served_kinds), else None. The object is then never created:
    `kubectl apply` fails with `no matches for kind ...`. Kinds not in the table are not judged."""
    versions = knowledge("api-resources")["served_kinds"].get(kind)
    if versions is None:
        return None
    entry = versions.get(api_version)
    if entry is not None and _served_at(entry, kubernetes_version):
        return None
    instead = next((v for v, e in versions.items() if _served_at(e, kubernetes_version)), "")
    if entry is None:
        return "which the API server does not serve", instead
    if entry.get("removed"):
        return f"which Kubernetes stopped serving in {entry['removed']}", instead
    return f"which Kubernetes serves only from {entry['added']}", instead


def _served_at(entry: dict, kubernetes_version: tuple[int, int]) -> bool:
    removed, added = entry.get("removed"), entry.get("added")
    return ((not removed or kubernetes_version < _minor(removed))
            and (not added or kubernetes_version >= _minor(added)))


def _minor(text: str) -> tuple[int, int]:
    major, minor = text.split(".")[:2]
    return int(major), int(minor)


# What changes beyond the apiVersion line when moving to the served version (deprecation guide).
MIGRATION_NOTES = {
    ("Deployment", "extensions/v1beta1"): "; apps/v1 requires `spec.selector` (matching the template's labels)",
    ("Deployment", "apps/v1beta1"): "; apps/v1 requires `spec.selector` (matching the template's labels)",
    ("DaemonSet", "extensions/v1beta1"): "; apps/v1 requires `spec.selector` (matching the template's labels)",
    ("ReplicaSet", "extensions/v1beta1"): "; apps/v1 requires `spec.selector` (matching the template's labels)",
    ("StatefulSet", "apps/v1beta1"): "; apps/v1 requires `spec.selector` (matching the template's labels)",
}


def _migration_note(obj: Any) -> str:
    """MIGRATION_NOTES for the object, left out when it already has what the served version requires: a
    Deployment that sets spec.selector needs only its apiVersion changed (the old default from the template's
    labels is what the user wrote, or the selector they chose)."""
    note = MIGRATION_NOTES.get((obj.kind, obj.api_version), "")
    if "spec.selector" in note and get_path(obj.doc, "spec", "selector") is not None:
        return ""
    return note


# analyse.resolve_identity still takes the ServiceAccount of an unserved workload for a config only it mounts.
# checks/workload.py still judges the pod of an unserved workload whose template the served version accepts.
POD_NOTE = "; its pod is still checked by the workload rules (KS401–KS405) as it will run once fixed"
LOADER_NOTE = " (the Prometheus config it mounts is still checked as its ServiceAccount, as it will run once fixed)"


def unserved_finding(obj: Any, kubernetes_version: tuple[int, int], loads_config: bool = False,
                     pod_judged: bool = False) -> Finding | None:
    """KS602 at the apiVersion of an object whose apiVersion the cluster does not serve (see unserved);
    `loads_config`: a workload whose ServiceAccount the analysis still takes for a config it mounts; `pod_judged`: a
    workload whose pod the workload rules still judge (not refused_once_served). None for an
    object with no apiVersion at all: its own KS602 says so (_identity_problem, "apiVersion not set"), which is
    what kubectl answers; a second one about serving apiVersion "" would be noise, and garbled."""
    if not obj.api_version:
        return None
    problem = unserved(obj.kind, obj.api_version, kubernetes_version)
    if problem is None:
        return None
    why, instead = problem
    name = f"{obj.namespace}/{obj.name}" if obj.namespace else obj.name
    fix = (f"Change `apiVersion: {obj.api_version}` to `apiVersion: {instead}`"
           f"{_migration_note(obj)}." if instead else
           f"Use an apiVersion Kubernetes {kubernetes_version[0]}.{kubernetes_version[1]} serves for {obj.kind}.")
    return Finding(
        RULE, value_span(obj.path, obj.doc, "apiVersion"),
        f"{obj.kind} {name} uses apiVersion {obj.api_version}, {why}: `kubectl apply` fails with `no matches for "
        f"kind \"{obj.kind}\" in version \"{obj.api_version}\"` on Kubernetes {kubernetes_version[0]}."
        f"{kubernetes_version[1]}, so the object never exists"
        + (POD_NOTE if pod_judged else " and the analysis leaves it out")
        + (LOADER_NOTE if loads_config else ""),
        fix=fix, object=obj.ref, data={"check": "unserved-api-version", "apiVersion": obj.api_version, "use": instead},
    )


def source_findings(source: Source) -> list[Finding]:
    """KS602's findings for one file, memoised on its Source (a function of the file alone: the language server
    re-lints without redoing it), with the positions of the documents the API server refuses in
    source.memo["KS602 refused"] (positions, not ids: a parallel run validates in the process that read the file
    and pickles the memo back). Every KS602 finding is a refusal by kubectl's strict field validation; those that
    are more than an unknown field (STRICT_ONLY) are the API server's own, whatever the client."""
    if "KS602" not in source.memo or "KS602 refused" not in source.memo:
        findings: list[Finding] = []
        refused: set = set()
        for _document, doc in iter_documents(source):
            for finding in _validate_document(source, doc):
                findings.append(finding)
                if finding.data.get("check") not in STRICT_ONLY:
                    refused.add(doc.pos)
        source.memo["KS602"], source.memo["KS602 refused"] = findings, refused
    return source.memo["KS602"]


def document_findings(source: Source, doc: Any) -> list[Finding]:
    """KS602's findings for one document of the file (validated again: asked only to word the fix of a refused
    RBAC object, rbacvalidate.one_line_correction)."""
    return list(_validate_document(source, doc))


# KS602 checks that only kubectl's strict field validation enforces: an unknown field. The API server itself
# drops it (with a warning) when the client does not ask for strict validation (Helm, Argo CD, client-go), and
# the object is created without it: it exists and, for RBAC, grants. Every other KS602 finding is a decoding
# or validation error of the API server (`json: cannot unmarshal ...`, a missing name): never created.
STRICT_ONLY = frozenset({"schema:additional", "file-field"})


def refused_by_server(source: Source, doc: Any) -> bool:
    """Whether the API server itself refuses this document (a KS602 finding that is not STRICT_ONLY), whatever
    the client: the object is never created, so an RBAC object grants nothing (build.refused_rbac, as KS501's) and a
    workload runs no pod (the workload rules KS401–KS405 leave it to KS602). An unknown field alone is not a
    refusal: the object is created without it, grants and runs."""
    source_findings(source)
    return isinstance(doc, YMap) and doc.pos in source.memo["KS602 refused"]


def refused_once_served(source: Source, doc: Any) -> bool:
    """Whether the API server would still refuse a workload whose apiVersion it does not serve (unserved) once
    KS602's fix gives it the served one: its content refused as the served kind's (a wrong field type, a
    privileged container with escalation off, a mount of no volume). An apps/v1beta2 object is validated as
    `apps` already (source_findings); an extensions/v1beta1 one is judged here as its apps/v1 form. What is not
    refused is a pod the user will run exactly as written: the workload rules judge it now, not after the fix."""
    if refused_by_server(source, doc):
        return True
    kind, api_version = doc.get("kind"), doc.get("apiVersion")
    if not isinstance(kind, str) or not isinstance(api_version, str) or (_group(api_version), kind) in SCHEMA_FOR:
        return False
    definition = next((d for (_g, k), d in SCHEMA_FOR.items() if k == kind), None)
    if definition is None:
        return False
    validator = _validator()
    if validator.errors(doc, validator.definition(definition)):
        return True
    label = _label(doc, kind, source)
    return any(next(rules(source.path, doc, kind, label), None) is not None for rules in _POD_RULES)


@functools.lru_cache(maxsize=1)
def _validator():
    return load("kubernetes-objects")  # parsed on the first object that has a schema, once per process


def _validate_document(source: Source, doc: Any) -> Iterator[Finding]:
    if not isinstance(doc, YMap) or not ("apiVersion" in doc or "kind" in doc) or is_prometheus_config(doc):
        return
    problem = _identity_problem(source.path, doc) or _name_format_problem(source.path, doc)
    if problem is not None:
        yield problem
    api_version, kind = doc.get("apiVersion"), doc.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return
    if kind == "Service" and api_version == "v1":
        # (namespaced: a Service is found by namespace and name, and one name is often in several namespaces)
        yield from _service_port_rules(source.path, doc, _label(doc, kind, source, namespaced=True))
    definition = SCHEMA_FOR.get((_group(api_version), kind))
    if definition is None:
        if api_version.startswith(VM_GROUP) and kind in VM_KINDS:  # no schema here: misspelt keys only
            label = _label(doc, kind, source)
            for typo, match, _leftover in misspelt_fields(doc, kind):  # (never a leftover: see misspelt_fields)
                consequence = CONSEQUENCES.get((kind, match), "") if len(typo.path) == 2 else ""
                yield unknown_field_finding(source.path, doc, label, typo, match, consequence, VM_DROPPED)
        return
    validator = _validator()
    label = _label(doc, kind, source)
    errors = validator.errors(doc, validator.definition(definition))
    if definition in CUSTOM_RESOURCES:
        errors += _required_but_null(doc, validator, definition) + _null_items(doc, validator, definition)
    typos = list(misspelt_fields(doc, kind)) if definition in CUSTOM_RESOURCES else []
    for error in errors:
        finding = _type_finding(source, doc, label, error, validator, definition in CUSTOM_RESOURCES)
        typo = next(((t, m, left) for t, m, left in typos if error.kind == "required" and t.path[:-1] == error.path
                     and m == error.allowed[0]), None)
        if typo is not None:  # `selecter:` for the required `selector:`: one finding, the rename
            typos.remove(typo)
            finding = _misspelt_required(source.path, finding, *typo[:2])
        yield finding
    for typo, match, leftover in typos:
        if leftover:
            yield leftover_field_finding(source.path, doc, label, typo, match)
            continue
        consequence = CONSEQUENCES.get((kind, match), "") if len(typo.path) == 2 else ""
        yield unknown_field_finding(source.path, doc, label, typo, match, consequence)
    if kind == "PrometheusAgent" and not any(error.path[:2] == ("spec", "mode") for error in errors):
        yield from _agent_daemonset_rules(source.path, doc, label)
    if definition in ("PodMonitor", "Probe", "ScrapeConfig"):
        yield from _file_field_rules(source.path, doc, kind, label)
    if definition in ("Pod", "Workload", "CronJob", "ReplicationController") and not errors:
        for rules in _POD_RULES:
            yield from rules(source.path, doc, kind, label)


# The schema definitions of custom resources (the Prometheus Operator's CRDs): the API server prunes a null it does
# not allow before validating them (apiextensions-apiserver schema/defaulting/prunenulls.go
# PruneNonNullableNullsWithoutDefaults; no field of these CRDs is nullable or defaults a required one), so a
# required field written `null` is missing. A built-in kind decodes null as the zero value instead: `rules: null`
# is a Role without rules, not a refused one.
CUSTOM_RESOURCES = frozenset({"ServiceMonitor", "PodMonitor", "Probe", "ScrapeConfig", "PrometheusServer"})


def _required_but_null(doc: YMap, validator: Any, definition: str) -> list[SchemaError]:
    """The `required` errors of the document as the API server validates it, nulls pruned, that the document as
    written does not give (the key is there, holding null). Only documents with a null pay for the copy."""
    if not _has_null(doc):
        return []
    nulled: set = set()
    pruned = _without_nulls(doc, (), nulled)
    return [error for error in validator.errors(pruned, validator.definition(definition))
            if error.kind == "required" and error.path + (error.allowed[0],) in nulled]


class _NullItem:
    """Stands in for a null list item in a copy of a custom resource: no schema type admits it."""

    __slots__ = ()


_NULL_ITEM = _NullItem()


def _null_items(doc: YMap, validator: Any, definition: str) -> list[SchemaError]:
    """The type errors of the null list items of a custom resource (`endpoints: [{port: web}, null]`, what a Helm
    `- {{ .Values.x }}` renders when x is unset). The API server's null pruning deletes null *fields* only and leaves
    list items alone (apiextensions-apiserver schema/defaulting/prunenulls.go PruneNonNullableNullsWithoutDefaults,
    case []interface{}); kube-openapi's typeValidator.Validate (validate/type.go) then refuses a null whose schema
    is typed and not nullable, which no item schema of the operator's CRDs is: `spec.endpoints[1] in body must be
    of type object: "null"`. The schema here admits null everywhere (a null field is pruned, a built-in kind decodes
    null as the zero value), so the items are checked in a copy where each null item is a value no type admits.
    Items whose schema here names no type are left alone, and so is metadata (ObjectMeta, decoded into Go types)."""
    if not _has_null_item(doc):
        return []
    copy = _marking_null_items(doc)
    return [SchemaError(error.kind, error.path, _original(doc, error.path[:-1]), error.key, None, error.expected,
                        error.example, error.schema, error.allowed)
            for error in validator.errors(copy, validator.definition(definition))
            if error.kind == "type" and error.value is _NULL_ITEM and error.path[:1] != ("metadata",)]


def _has_null_item(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_null_item(item) for item in value.values())
    if isinstance(value, list):
        return any(item is None or _has_null_item(item) for item in value)
    return False


def _marking_null_items(value: Any) -> Any:
    """A copy of the tree, same positions, with each null list item replaced by _NULL_ITEM."""
    if isinstance(value, YMap):
        copy = YMap(value.pos)
        for key, item in value.items():
            copy.put(key, _marking_null_items(item), value.key_pos(key), value.value_pos(key))
        return copy
    if isinstance(value, YSeq):
        copy = YSeq(value.pos)
        copy.extend(_NULL_ITEM if item is None else _marking_null_items(item) for item in value)
        copy.ipos = value.ipos
        return copy
    return value


def _original(doc: YMap, path: tuple) -> Any:
    """The node of the document as written at `path` (the list that holds a null item), for its positions."""
    node: Any = doc
    for part in path:
        node = node[part]
    return node


def _has_null(value: Any) -> bool:
    if isinstance(value, dict):
        return any(item is None or _has_null(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_null(item) for item in value)
    return False


def _without_nulls(value: Any, path: tuple, nulled: set) -> Any:
    """A copy of the tree without the null values of its mappings (paths recorded in `nulled`), with the same
    positions; list items stay, as the API server's pruning leaves them."""
    if isinstance(value, YMap):
        copy = YMap(value.pos)
        for key, item in value.items():
            if item is None:
                nulled.add(path + (key,))
                continue
            copy.put(key, _without_nulls(item, path + (key,), nulled), value.key_pos(key), value.value_pos(key))
        return copy
    if isinstance(value, YSeq):
        copy = YSeq(value.pos)
        copy.extend(_without_nulls(item, path + (index,), nulled) for index, item in enumerate(value))
        copy.ipos = value.ipos
        return copy
    return value


def _misspelt_required(path: str, finding: Finding, typo: SchemaError, match: str) -> Finding:
    """The Required-value refusal of a field written misspelt (operatorfields.py): at the misspelt key, fixed by the
    rename (adding the field beside it would leave an unknown field). A misspelt optional key is an unknown field
    only (STRICT_ONLY: the object is created without it); this one refuses the object, whatever the client."""
    field = _where(typo.path[:-1] + (match,))
    return Finding(RULE, at(path, typo.container.key_pos(typo.key)),
                   f'{finding.object}: {field} is missing — written "{typo.key}", a field the CRD does not define, '
                   f"which the API server drops — so the object is rejected ({field}: Required value)",
                   fix=f'Rename "{typo.key}" to "{match}".', object=finding.object,
                   data={**finding.data, "suggestion": match})


# PrometheusAgentSpec x-kubernetes-validations (prometheus-operator pkg/apis/monitoring/v1alpha1
# prometheusagent_types.go): what a DaemonSet-mode agent may not set; the API server enforces them (CEL).
DAEMONSET_FORBIDDEN = ("replicas", "storage", "shards", "persistentVolumeClaimRetentionPolicy", "scrapeConfigSelector",
                       "probeSelector")


def _agent_daemonset_rules(path: str, doc: YMap, label: str) -> Iterator[Finding]:
    spec = as_map(doc.get("spec"))
    if spec.get("mode") != "DaemonSet":
        return
    for key in DAEMONSET_FORBIDDEN:
        if key not in spec:
            continue
        value = spec.get(key)
        if value is None:
            continue  # a null is pruned before the rule runs
        if key == "shards" and (not isinstance(value, int) or isinstance(value, bool) or value <= 1):
            continue  # "shards cannot be greater than 1 when mode is DaemonSet"
        rule = "cannot be greater than 1" if key == "shards" else "cannot be set"
        yield Finding(RULE, at(path, spec.key_pos(key)),
                      f"{label}: spec.{key} {rule} when mode is DaemonSet; the API server rejects the object "
                      f"(spec: Invalid value: \"object\": {key} {rule} when mode is DaemonSet)",
                      fix=f"Remove `{key}:` (a DaemonSet runs one agent per node" +
                          (", with no persistent storage" if key in ("storage", "persistentVolumeClaimRetentionPolicy") else
                           "; it generates scrape jobs only for PodMonitors, each agent discovering the pods of its own node" if key.endswith("Selector") else "") +
                          "), or use mode: StatefulSet.",
                      object=label, data={"check": "agent-daemonset", "field": key})


# What a kind without file fields takes instead of each one (SafeAuthorization, SafeTLSConfig).
FILE_FIELD_INSTEAD = {
    "bearerTokenFile": "`authorization: {credentials: {name: <Secret>, key: token}}` (the token in a Secret)",
    "caFile": "`ca: {configMap: {name: <ConfigMap>, key: ca.crt}}` (or `secret:`)",
    "certFile": "`cert: {secret: {name: <Secret>, key: tls.crt}}`",
    "keyFile": "`keySecret: {name: <Secret>, key: tls.key}`",
    # a VictoriaMetrics EndpointAuth's other file fields (vmoperator.VM_AUTH_FILE_FIELDS)
    "password_file": "`password: {name: <Secret>, key: password}` (the password in a Secret)",
    "client_secret_file": "`client_secret: {name: <Secret>, key: client-secret}`",
}


def _file_field_rules(path: str, doc: YMap, kind: str, label: str) -> Iterator[Finding]:
    """bearerTokenFile and tlsConfig caFile/certFile/keyFile in a PodMonitor endpoint, a Probe or a ScrapeConfig:
    unknown fields of those CRDs (operator.KINDS_WITHOUT_FILES), which only a ServiceMonitor endpoint has."""
    from .operator import KINDS_WITHOUT_FILES, file_fields

    if kind not in KINDS_WITHOUT_FILES:
        return
    spec = as_map(doc.get("spec"))
    holders = ([(f"spec.podMetricsEndpoints[{i}]", e) for i, e in enumerate(as_seq(spec.get("podMetricsEndpoints")))]
               if kind == "PodMonitor" else [("spec", spec)])
    for where, holder in holders:
        if not isinstance(holder, YMap):
            continue
        for mapping, key in file_fields(holder):
            parent = where if mapping is holder else f"{where}.tlsConfig"
            what = "sends no token" if key == "bearerTokenFile" else "goes without it"
            yield Finding(RULE, at(path, mapping.key_pos(key)),
                          f'{label}: unknown field "{key}" in {parent}; a {kind} cannot read files of the Prometheus '
                          f"pod (only ServiceMonitor endpoints can), so kubectl apply refuses it (strict decoding "
                          f"error: unknown field) and other clients drop it silently: the job {what}",
                          fix=f"Replace `{key}` with {FILE_FIELD_INSTEAD[key]}, or scrape with a ServiceMonitor.",
                          object=label, data={"check": "file-field", "field": key})


POD_CONTAINER_KEYS = ("initContainers", "containers", "ephemeralContainers")


def rejected_security_context(context: YMap) -> str | None:
    """The error k/k pkg/apis/core/validation ValidateSecurityContext gives a container securityContext, or None.
    With `allowPrivilegeEscalation: false` it refuses `privileged: true` and an added capability written exactly
    "CAP_SYS_ADMIN" (a plain string comparison: "SYS_ADMIN" passes, and the kubelet then sets no_new_privs, k/k
    pkg/securitycontext AddNoNewPrivileges)."""
    if context.get("allowPrivilegeEscalation") is not False:
        return None
    if context.get("privileged") is True:
        return "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"
    if "CAP_SYS_ADMIN" in [as_str(c) for c in as_seq(as_map(context.get("capabilities")).get("add"))]:
        return "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"
    return None


def _security_context_rules(path: str, doc: YMap, kind: str, label: str) -> Iterator[Finding]:
    spec, keys = _pod_spec(doc, kind)
    for key in POD_CONTAINER_KEYS:
        for index, container in enumerate(as_seq(spec.get(key))):
            context = as_map(as_map(container).get("securityContext"))
            error = rejected_security_context(context)
            if error is None:
                continue
            name = as_str(as_map(container).get("name")) or f"{key}[{index}]"
            privileged = "privileged" in error
            yield Finding(
                RULE, at(path, context.key_pos("allowPrivilegeEscalation")),
                f"{label}: container {name} sets allowPrivilegeEscalation: false together with "
                f"{'privileged: true' if privileged else 'capability CAP_SYS_ADMIN'}; the API server rejects the "
                f"object ({'.'.join(keys)}.{key}[{index}].securityContext: Invalid value: {error})",
                fix=(f"In container {name}, remove `privileged: true` (and add back only the capabilities it needs)."
                     if privileged else
                     f"In container {name}, remove CAP_SYS_ADMIN from capabilities.add (it is as good as privileged), "
                     f"keeping allowPrivilegeEscalation: false."),
                object=label, data={"check": "security-context", "container": name},
            )


def _pod_spec(doc: YMap, kind: str) -> tuple[YMap, tuple[str, ...]]:
    spec = doc
    keys = POD_SPEC_PATHS.get(kind, ("spec", "template", "spec"))
    for key in keys:
        spec = as_map(spec.get(key))
    return spec, keys


def _volume_mount_rules(path: str, doc: YMap, kind: str, label: str) -> Iterator[Finding]:
    """A container's volumeMount naming no volume of the pod: k/k pkg/apis/core/validation ValidateVolumeMounts
    (`field.NotFound(...volumeMounts[i].name, name)`), so the API server refuses the whole object — its pods never
    run, and a config it would have mounted is loaded by nobody."""
    spec, keys = _pod_spec(doc, kind)
    volumes = {as_str(as_map(v).get("name")) for v in as_seq(spec.get("volumes"))}
    # A StatefulSet's pods also get a volume per volumeClaimTemplate, and its template is not validated when the
    # StatefulSet is created (pkg/apis/apps/validation ValidatePodTemplateSpecForStatefulSet: "TODO: Add validation
    # for PodSpec"): a mount of neither is refused when the controller creates each pod instead.
    claims = {as_str(get_path(t, "metadata", "name")) for t in as_seq(get_path(doc, "spec", "volumeClaimTemplates"))}
    volumes |= claims
    refused = ("the API server accepts the StatefulSet but refuses every pod its controller creates from it"
               if kind == "StatefulSet" else "the API server rejects the object")
    for key in POD_CONTAINER_KEYS:
        for index, container in enumerate(as_seq(spec.get(key))):
            container = as_map(container)
            name = as_str(container.get("name")) or f"{key}[{index}]"
            for number, mount in enumerate(as_seq(container.get("volumeMounts"))):
                mount = as_map(mount)
                volume = mount.get("name")
                if not isinstance(volume, str) or not volume or volume in volumes:
                    continue  # (an empty or missing name is the schema's Required error)
                where = f"{'.'.join(keys)}.{key}[{index}].volumeMounts[{number}].name"
                defined = ", ".join(sorted(v for v in volumes if v)) or "none"
                where = where.replace(".template.spec.", ".") if kind == "StatefulSet" else where  # the pod's own field
                yield Finding(
                    RULE, at(path, mount.value_pos("name")),
                    f"{label}: container {name} mounts volume {volume!r}, which the pod does not define (its volumes: "
                    f"{defined}); {refused} ({where}: Not found: \"{volume}\")",
                    fix=f"Name one of the pod's volumes in this volumeMount, or add a volume named {volume} to "
                        f"{'.'.join(keys)}.volumes.",
                    object=label, data={"check": "volume-mount", "container": name, "volume": volume},
                )


_PORT_NAME_CHARSET = re.compile(r"^[-a-z0-9]+$")


def port_name_problems(name: str) -> list[str]:
    """Why a port name is no IANA_SVC_NAME, as the API server says it (k8s.io/apimachinery pkg/util/validation
    IsValidPortName): a container port's `name`, and a Service's `targetPort` given as a string."""
    problems = []
    if len(name) > 15:
        problems.append("must be no more than 15 characters")
    if not _PORT_NAME_CHARSET.match(name):
        problems.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search(r"[a-z]", name):
        problems.append("must contain at least one letter (a-z)")
    if "--" in name:
        problems.append("must not contain consecutive hyphens")
    if name.startswith("-") or name.endswith("-"):
        problems.append("must not begin or end with a hyphen")
    return problems


def _service_port_rules(path: str, doc: YMap, label: str) -> Iterator[Finding]:
    """A Service's `targetPort` written as a string is a port name (intstr: a quoted "8080" is the string, not the
    number), validated as one (k/k pkg/apis/core/validation validateServicePort → ValidatePortNumOrName): a quoted
    number, or a name no container port could carry, makes the API server refuse the Service. So does a port without
    a `name` among several (validateServicePort's requireName, set when len(spec.ports) > 1)."""
    ports = as_seq(get_path(doc, "spec", "ports"))
    for index, port in enumerate(ports):
        port = as_map(port)
        if len(ports) > 1 and port.get("name") in (None, ""):
            yield Finding(
                RULE, at(path, port.key_pos("port")),
                f"{label}: spec.ports[{index}] has no `name`, and a Service with more than one port must name each; "
                f"the API server rejects the object (spec.ports[{index}].name: Required value)",
                fix=(f"Give spec.ports[{index}] (port {as_str(port.get('port'))}) a `name:` of its own, lowercase "
                     "letters, digits and hyphens (a DNS label)."),
                object=label, data={"check": "service-port-name", "index": index},
            )
        target = port.get("targetPort")
        if not isinstance(target, str) or not target or filled_in_later(target):
            continue  # (an int is a number; a placeholder is filled in later)
        problems = port_name_problems(target)
        if not problems:
            continue
        number = target.isdigit() and 1 <= int(target) <= 65535
        yield Finding(
            RULE, at(path, port.value_pos("targetPort")),
            f"{label}: spec.ports[{index}].targetPort \"{target}\" is a string, so a port name, and no valid one; the "
            f"API server rejects the object (spec.ports[{index}].targetPort: Invalid value: \"{target}\": "
            f"{'; '.join(problems)})",
            fix=(f"Write the number unquoted: `targetPort: {int(target)}`." if number else
                 "Write the container port's number, or a name of at most 15 lowercase letters, digits and single "
                 "hyphens with at least one letter (the container port's `name`)."),
            object=label, data={"check": "service-target-port", "targetPort": target},
        )


def _ephemeral_container_rules(path: str, doc: YMap, kind: str, label: str) -> Iterator[Finding]:
    """Ephemeral containers are added to a running pod through its `ephemeralcontainers` subresource (kubectl
    debug), never written: k/k pkg/apis/core/validation ValidatePodCreate refuses them on create ("cannot be set on
    create") and ValidatePodTemplateSpec in a template ("ephemeral containers not allowed in pod template"). A
    StatefulSet's template is not validated as a pod (ValidatePodTemplateSpecForStatefulSet), so the StatefulSet is
    stored and every pod its controller creates from it is refused on create."""
    spec, keys = _pod_spec(doc, kind)
    if not as_seq(spec.get("ephemeralContainers")):
        return
    where = f"{'.'.join(keys)}.ephemeralContainers"
    if kind == "Pod":
        refusal = f"the API server rejects the object ({where}: Forbidden: cannot be set on create)"
    elif kind == "StatefulSet":
        refusal = ("the API server accepts the StatefulSet but refuses every pod its controller creates from it "
                   "(spec.ephemeralContainers: Forbidden: cannot be set on create)")
    else:
        refusal = f"the API server rejects the object ({where}: Forbidden: ephemeral containers not allowed in pod template)"
    yield Finding(
        RULE, at(path, spec.key_pos("ephemeralContainers")),
        f"{label} writes ephemeralContainers, which only a running pod gets (through its ephemeralcontainers "
        f"subresource, as `kubectl debug` adds them); {refusal}",
        fix=f"Remove `ephemeralContainers` from {'.'.join(keys)}; to debug a running pod, add one with "
            f"`kubectl debug -it <pod> --image=<image> --target=<container>`.",
        object=label, data={"check": "ephemeral-containers"},
    )


# KS602's checks of a pod spec beyond its schema, each refusing the object (or, for a StatefulSet, its pods).
_POD_RULES = (_security_context_rules, _volume_mount_rules, _ephemeral_container_rules)


def _label(doc: YMap, kind: str, source: Source | None = None, namespaced: bool = False) -> str:
    """`Kind name`; with `namespaced`, `Kind namespace/name` where metadata.namespace is written (as model.named
    names objects), for findings whose object is looked for among others of its name in other namespaces."""
    metadata = as_map(doc.get("metadata"))
    name = metadata.get("name")
    shown = written_scalar(source, metadata, "name") if source is not None and isinstance(metadata, YMap) else None
    name = shown or as_str(name)
    namespace = as_str(metadata.get("namespace")) if namespaced else ""
    if name and namespace:
        return f"{kind} {namespace}/{name}"
    return f"{kind} {name}" if name else kind


_PLAIN_TOKEN = re.compile(r"[^\s,\[\]{}#'\"][^\s,\[\]{}]*")


def written_scalar(source: Source, container: Any, key: Any) -> str | None:
    """The plain scalar as the user wrote it, when YAML 1.1 (Go yaml.v2, which kubectl's YAML-to-JSON uses) read it
    as another type: `name: y` is the boolean true and `port: 010` the integer 8, so a message or a fix that quoted
    the decoded value ("true", "8") would name an object or suggest a value the user never wrote. None for strings,
    mappings and lists, and when the text at the position does not resolve to the decoded value."""
    if isinstance(container, YMap) and key in container:
        value, pos = container[key], container.value_pos(key)
    elif isinstance(container, YSeq) and isinstance(key, int) and 0 <= key < len(container):
        value, pos = container[key], container.item_pos(key)
    else:
        return None
    if value is None or isinstance(value, (str, dict, list)):
        return None
    match = _PLAIN_TOKEN.match(source.line(pos[0]), pos[1] - 1)
    if not match:
        return None
    text = match.group(0)
    resolved = plain_scalar(text)
    return text if type(resolved) is type(value) and resolved == value else None


def _group(api_version: str) -> str:
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""


def _identity_problem(path: str, doc: YMap) -> Finding | None:
    api_version, kind, metadata = doc.get("apiVersion"), doc.get("kind"), doc.get("metadata")
    has_kind = isinstance(kind, str) and kind != ""
    has_version = isinstance(api_version, str) and api_version != ""
    if has_version and _group(api_version) in NOT_OBJECTS:
        return None
    known = has_kind and kind in API_KINDS
    looks_like_object = known or isinstance(metadata, YMap)
    if not looks_like_object:
        return None
    label = _label(doc, kind) if has_kind else "object"
    if not has_kind:
        span = at(path, doc.value_pos("kind")) if "kind" in doc else at(path, doc.pos)
        return Finding(RULE, span, f"{label} has no kind (or it is not a string): kubectl refuses it "
                       "(\"Object 'Kind' is missing\") and the object is never created",
                       fix="Add the object's `kind:` (e.g. `kind: ClusterRole`).", object=label,
                       data={"check": "missing-kind"})
    if not has_version:
        span = at(path, doc.value_pos("apiVersion")) if "apiVersion" in doc else at(path, doc.key_pos("kind"))
        return Finding(RULE, span, f"{label} has no apiVersion (or it is not a string): kubectl refuses it "
                       "(\"apiVersion not set\") and the object is never created",
                       fix=f"Add `apiVersion:` for {kind} (e.g. `{_example_version(kind)}`).", object=label,
                       data={"check": "missing-apiVersion"})
    meta = as_map(metadata)
    if as_str(meta.get("name")) or as_str(meta.get("generateName")):
        return None
    if "name" in meta and not isinstance(meta.get("name"), (str, type(None))):
        return None  # a wrong type: reported by the schema pass
    span = at(path, doc.key_pos("metadata")) if "metadata" in doc else at(path, doc.key_pos("kind"))
    namespace = as_str(meta.get("namespace"))
    where = f" in namespace {namespace}" if namespace else ""
    return Finding(RULE, span, f"{kind}{where} has no metadata.name: kubectl refuses it (\"resource name may not be "
                   "empty\") and the object is never created", fix="Add `metadata: {name: <name>}` to the object.",
                   object=kind, data={"check": "missing-name"})


# metadata.name rules of the kinds whose names the tool reads (k8s.io/apimachinery validation.IsDNS1123Subdomain,
# IsDNS1123Label, IsDNS1035Label as k/k pkg/apis/core/validation and apps/batch validation apply them): RBAC objects
# only refuse path segments ("." "..", '/', '%': KS501) and custom resources are left to their CRDs.
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
_SUBDOMAIN = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
              "must start and end with an alphanumeric character", _DNS1123_SUBDOMAIN, 253)
NAME_FORMATS = {
    **{(group, kind): _SUBDOMAIN for group, kind in (
        ("", "ServiceAccount"), ("", "ConfigMap"), ("", "Secret"), ("", "Pod"), ("", "ReplicationController"),
        ("apps", "Deployment"), ("apps", "StatefulSet"), ("apps", "DaemonSet"), ("apps", "ReplicaSet"),
        ("batch", "Job"))},
    # the Jobs a CronJob creates are named <name>-<11 characters>, so its name is limited to 52 (batch validation)
    ("batch", "CronJob"): (*_SUBDOMAIN[:2], 52),
    ("", "Namespace"): ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
                        "must start and end with an alphanumeric character", _DNS1123_LABEL, 63),
    ("", "Service"): ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                      "alphabetic character, and end with an alphanumeric character", _DNS1035_LABEL, 63),
}


def _valid_name_like(name: str, pattern: re.Pattern, limit: int) -> str:
    """The name lowercased with the characters its format refuses replaced, or "" when that still does not pass:
    a label format takes no dots, a DNS-1035 label (a Service) must start with a letter, so the leading digits
    go. The example must itself be accepted, or applying the fix leaves the finding."""
    allowed = "a-z0-9.-" if pattern is _DNS1123_SUBDOMAIN else "a-z0-9-"
    candidate = re.sub(f"[^{allowed}]+", "-", name.lower())
    if pattern is _DNS1035_LABEL:
        candidate = re.sub(r"^[^a-z]+", "", candidate)
    candidate = candidate[:limit].strip("-.")
    return candidate if candidate and pattern.fullmatch(candidate) else ""


def _name_format_problem(path: str, doc: YMap) -> Finding | None:
    """A metadata.name the API server refuses for its kind (e.g. a chart's `RELEASE-NAME-…` placeholder left in
    rendered output): the object is never created, and whatever names it (a pod's serviceAccountName, a volume's
    ConfigMap) refers to nothing."""
    api_version, kind = doc.get("apiVersion"), doc.get("kind")
    metadata = doc.get("metadata")
    if not isinstance(api_version, str) or not isinstance(kind, str) or not isinstance(metadata, YMap):
        return None
    name = metadata.get("name")
    rule = NAME_FORMATS.get((_group(api_version), kind))
    if rule is None or not isinstance(name, str) or not name or "{{" in name:
        return None
    text, pattern, limit = rule
    if pattern.fullmatch(name) and len(name) <= limit:
        return None
    problem = text if not pattern.fullmatch(name) else f"must be no more than {limit} characters"
    suggestion = _valid_name_like(name, pattern, limit)
    return Finding(
        RULE, value_span(path, metadata, "name"),
        f"{kind} name {name!r} is not a valid {kind} name: the API server rejects the object "
        f"(metadata.name: Invalid value: \"{name}\": {problem}), so it is never created and what refers to it by "
        f"name finds nothing",
        fix="Rename it to a valid name" + (f" (e.g. {suggestion!r})" if suggestion else "") + " and update what refers to it.",
        object=f"{kind}/{name}", data={"check": "name-format"},
    )


def _example_version(kind: str) -> str:
    for (group, known), _ in SCHEMA_FOR.items():
        if known == kind:
            return f"apiVersion: {group}/v1" if group else "apiVersion: v1"
    return "apiVersion: v1"


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _where(path: tuple) -> str:
    """rules[0].verbs; keys that are not identifiers are quoted: metadata.annotations["prometheus.io/scrape"]."""
    text = ""
    for part in path:
        if isinstance(part, bool) or part is None:  # a key `on:` / `~:`: sigs.k8s.io/yaml makes it "true" / "null"
            text += f'["{"null" if part is None else str(part).lower()}"]'
        elif isinstance(part, int):
            text += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(str(part)):
            text += ("." if text else "") + str(part)
        else:
            text += f'["{part}"]'
    return text


def _type_finding(source: Source, doc: YMap, label: str, error: SchemaError, validator: Any,
                  custom: bool = False) -> Finding:
    """`custom`: a custom resource, whose fields the API server checks against the CRD's OpenAPI schema (its
    errors read so), not by decoding into Go types."""
    from .promvalidate import corrected, did_you_mean, list_item_fix, name_and_values_items, named_values, render

    path = source.path

    data = {"check": f"schema:{error.kind}", "path": _where(error.path)}
    if error.kind == "additional":
        match = did_you_mean(error.key, error.allowed)
        return unknown_field_finding(path, doc, label, error, match, _relabeling_without(error, match))
    if error.kind == "required":
        return _required_finding(path, doc, label, error, validator, data)
    container, key = error.container, error.key
    if isinstance(container, YMap):
        span = at(path, container.value_pos(key))
    elif isinstance(container, YSeq) and isinstance(key, int):
        span = at(path, container.item_pos(key))
    else:
        span = at(path, doc.pos)
    field = _where(error.path) or "the object"
    expected = error.expected or "a value of another type"
    fieldname = error.path[-1] if error.path and isinstance(error.path[-1], str) else "it"
    example = error.example
    go_type = {"array": "[]string" if "strings" in expected else "a list", "object": "a map", "string": "string",
               "boolean": "bool", "integer": "int"}
    wanted = error.schema.get("type")
    wanted = [t for t in (wanted if isinstance(wanted, list) else [wanted]) if t and t != "null"]
    got = _json_kind(error.value)
    if error.kind == "pattern":  # a CRD's OpenAPI validation
        upstream = f"{field} in body should match '{error.schema.get('pattern')}'"
    elif error.kind == "enum":
        upstream = f"{field}: Unsupported value: {render(error.value)}"
    elif error.kind == "minimum":  # a range the API server's validation enforces
        upstream = f"{field}: Invalid value: {render(error.value)}"
    elif wanted and custom and error.path[:1] != ("metadata",):
        # apiextensions' validation against the CRD's structural schema (kube-openapi validate InvalidTypeCode);
        # metadata is ObjectMeta, decoded into Go types as a built-in kind's is
        found = _openapi_kind(error.value)
        upstream = f'{field}: Invalid value: "{found}": {field} in body must be of type {wanted[0]}: "{found}"'
    elif wanted:
        upstream = f"cannot unmarshal {got} into Go value of type {go_type.get(wanted[0], wanted[0])}"
    else:
        upstream = "invalid value"
    written = written_scalar(source, container, key)
    shown = render(error.value)
    if written is not None and written != shown:
        kind = "boolean" if isinstance(error.value, bool) else "number"
        shown = f"{written} (YAML 1.1 reads it as the {kind} {shown})"
    message = f"{label}: {field} must be {expected}, not {shown}; the API server rejects the object ({upstream})"
    # A string field holding what YAML 1.1 decoded as a bool or number: quote the text as written.
    # A duration written without its unit (`interval: 30`) stays invalid quoted ("30"): the unit completes it.
    duration = "duration" in expected and corrected(error.value, error)
    better = duration or (f'"{written}"' if written is not None and _wants_string(error)
                          else corrected(error.value, error))
    if (isinstance(error.value, str) and "," in error.value and len(error.path) == 3 and error.path[0] == "rules"
            and fieldname in _RULE_LIST_FIELDS):
        # `verbs: list, watch` means two verbs: ["list, watch"] would be one verb Kubernetes does not know (KS504)
        better = "[" + ", ".join(f'"{item}"' for item in rule_field_items(error.value)) + "]"
    # An enum value off by case or a letter (`role: node` where the CRD wants Node): the allowed value it is
    # closest to, not the schema's example, which may be another value entirely.
    match = did_you_mean(as_str(error.value), [o for o in error.allowed if o]) if error.kind == "enum" else None
    if error.value is None and isinstance(key, int):
        fix = "Remove the empty `-` entry, or fill it in."
    elif error.kind == "enum" and isinstance(key, int):
        fix = list_item_fix(error, match, expected)
    elif match:
        fix = f"Write `{_written(path, fieldname, match, json.dumps(match))}`."
    elif error.kind == "minimum":
        fix = f"Write `{fieldname}: {example}` (the least the API server accepts is {error.schema.get('minimum')})."
    elif fieldname == "it":
        fix = f"Write it as {expected}, e.g. {example}."
    elif set(error.schema.get("properties", {})) == {"secret", "configMap"} and isinstance(error.value, str):
        # tlsConfig.ca/cert or oauth2.clientId written as a file path or the value itself: the reference's key is
        # the one this field's content usually has (the schema's example names ca.crt for every field)
        key = _reference_key(error.path)
        fix = (f"Store the content of {render(error.value)} in a Secret (or ConfigMap) under a key (e.g. `{key}`) and "
               f"reference it: `{fieldname}: {{secret: {{name: <Secret name>, key: {key}}}}}`; the Secret must be in "
               f"this object's namespace.")
    elif (holder := _key_reference(error.schema)) and isinstance(error.value, (str, int, float)) \
            and not isinstance(error.value, bool):
        # a credential written in place (`username: admin`): the field takes only a reference, so the value has to
        # move into a Secret (or ConfigMap) first; the schema's example would silently replace it with another name
        key = _reference_key(error.path)
        fix = (f"Store {render(error.value)} in a {holder} under a key (e.g. `{key}`) and reference it: "
               f"`{fieldname}: {{name: <{holder} name>, key: {key}}}`; the {holder} must be in this object's namespace.")
    elif fieldname == "port" and isinstance(error.value, int) and not isinstance(error.value, bool) and label.startswith(("PodMonitor", "ServiceMonitor")):
        number = "portNumber" if label.startswith("PodMonitor") else "targetPort"
        fix = f"`port:` names the port; for the number write `{number}: {error.value}` instead."
    elif better is None and isinstance(error.value, dict) and name_and_values_items(error.schema):
        # a key YAML 1.1 read as a boolean or number (named_values): the schema's example would replace the user's
        # parameters with others, so say how to write them instead
        fix = (f"Write `{fieldname}` as a list of {{name, values}}, one `{{name: KEY, values: [VALUE, …]}}` per key of "
               f"the mapping, a key such as `n`, `on` or `1` double-quoted (\"n\"): YAML 1.1 reads it as a boolean or "
               f"a number.")
    else:
        entries = named_values(error.value, error) if better is not None else None
        fix = (f"Write `{_written(path, fieldname, better, json.dumps(entries) if entries else None)}`."
               if better is not None else f"Write `{fieldname}: {example}`.")
    return Finding(RULE, span, message, fix=fix, object=label, data=data)


# What becomes of an unknown key of a VictoriaMetrics operator object: its full CRDs (install-with-webhook.yaml) make
# the API server refuse it as for the Prometheus Operator's; the Helm chart's schema-less ones (spec:
# x-kubernetes-preserve-unknown-fields) store it, and the operator, which decodes the spec into its Go types
# (RejectUnknownMembers: a ParsingSpecError in the status), reads no field of that name (VictoriaMetrics/helm-charts
# issue 2882).
VM_DROPPED = ("with the operator's full CRDs kubectl apply refuses it (strict decoding error: unknown field); with "
              "the Helm chart's schema-less CRDs it is stored and the operator does not read it")
KUBECTL_DROPPED = "kubectl apply refuses it (strict decoding error: unknown field), other clients drop it silently"


def _relabeling_without(error: SchemaError, match: str | None) -> str:
    """What an operator relabeling does once the API server drops its misspelt `sourceLabels` (`source_labels`, as
    a Prometheus config writes it): Prometheus joins no labels and matches its regex against the empty string, so a
    keep whose regex needs a value drops everything, as does a drop whose regex matches nothing. (A replace left
    without its targetLabel is the operator's refusal of the monitor: KS601.)"""
    relabeling = error.container
    if match != "sourceLabels" or len(error.path) < 3 or error.path[-3] not in ("relabelings", "metricRelabelings") \
            or not isinstance(relabeling, YMap):
        return ""
    action = (as_str(relabeling.get("action")) or "replace").lower()
    regex = relabeling.get("regex", "(.*)")
    if action not in ("keep", "drop") or not isinstance(regex, str):
        return ""
    import re

    try:
        matches_empty = re.fullmatch(regex, "", re.DOTALL) is not None
    except re.error:
        return ""  # (not a regex Python reads: say nothing rather than guess)
    if matches_empty != (action == "drop"):
        return ""
    what = "every target" if error.path[-3] == "relabelings" else "every scraped series"
    return (f"this {action} relabeling is then left without sourceLabels and matches its regex against an empty "
            f"string, so it drops {what}")


def unknown_field_finding(path: str, doc: YMap, label: str, error: SchemaError, match: str | None,
                          consequence: str = "", dropped: str = KUBECTL_DROPPED) -> Finding:
    """KS602 at an unknown key (an "additional" SchemaError), with "did you mean `match`" when there is one: the
    schema's closed mappings and the misspelt keys of an operator object's spec (operatorfields.py). `consequence`:
    what the object loses with the dropped field, when that is more than the field (a monitor without endpoints)."""
    name, container = error.key, error.container
    data = {"check": "schema:additional", "path": _where(error.path)}
    span = at(path, container.key_pos(name)) if isinstance(container, YMap) else at(path, doc.pos)
    parent = _where(error.path[:-1]) or "the top level"
    hint = f' (did you mean "{match}"?)' if match else ""
    fix = f'Rename "{name}" to "{match}".' if match else f'Remove "{name}"; {parent} takes: {", ".join(sorted(a for a in error.allowed if isinstance(a, str)))}.'
    return Finding(RULE, span, f'{label}: unknown field "{name}" in {parent}{hint}; {dropped}'
                   + (f": {consequence}" if consequence else ""), fix=fix, object=label,
                   data={**data, "suggestion": match} if match else data)


def leftover_field_finding(path: str, doc: YMap, label: str, error: SchemaError, field: str) -> Finding:
    """KS602, a warning, at a key that misspells a field its mapping also holds (`scrapeIntervall:` beside
    `scrapeInterval:`): a leftover, not a lost field. The API server drops the unknown key — kubectl apply, which
    asks for strict field validation by default, refuses the object until it goes; other clients have it stored
    without the key, with a warning (`unknown field`) — and the object keeps the field as its correct spelling
    writes it, so nothing the analysis reads changes. What to do is remove the line, or move its value when that
    was the one meant."""
    name, container = error.key, error.container
    span = at(path, container.key_pos(name)) if isinstance(container, YMap) else at(path, doc.pos)
    parent = _where(error.path[:-1]) or "the top level"
    return Finding(RULE, span,
                   f'{label}: unknown field "{name}" in {parent}, a misspelling of "{field}", which {parent} also sets: '
                   f"kubectl apply refuses the object (strict decoding error: unknown field); other clients store it "
                   f'without "{name}" (the API server warns: unknown field) and "{field}" as written is what counts',
                   fix=f'Remove "{name}" (its value is not read); if that value is the one meant, write it in "{field}".',
                   object=label, requested_severity="warning",
                   # ("misspells", not "suggestion": a rename would write the field twice)
                   data={"check": "schema:additional", "path": _where(error.path), "misspells": field,
                         "leftover": True})


def _written(path: str, fieldname: str, value: object, json_value: object = None) -> str:
    """`field: value` as the file writes it: in a .json file the key quoted and the value JSON (`verbs: ["get"]`
    pasted into JSON would not parse). `value` (a corrected value: a quoted string, a flow list of quoted strings,
    a number or boolean) is JSON as it is, unless `json_value` gives its JSON."""
    if path.lower().endswith(".json"):
        if json_value is None:
            try:
                json.loads(str(value))
                json_value = value
            except ValueError:  # a bare word such as a duration (30s): a JSON string
                json_value = json.dumps(str(value))
        return f'"{fieldname}": {json_value}'
    return f"{fieldname}: {value}"


# Required fields whose schema example would mislead (labelSelector's is a Prometheus pod's labels): (what the
# value holds, an example, a note after it).
REQUIRED_EXAMPLES = {
    "selector": ("the labels of the objects to scrape", "{matchLabels: {app: web}}",
                 " (`selector: {}` selects every one in the namespaces the monitor watches)"),
}


# The key a monitor's Secret/ConfigMap reference usually names, by the field that holds the reference (the
# selector itself, or the tlsConfig.ca/cert or oauth2.clientId that holds it under `secret:`/`configMap:`): a fix that
# writes the reference offers this key, not the schema's generic example, which names a key for another field.
_REFERENCE_KEYS = {"bearerTokenSecret": "token", "credentials": "token", "username": "username",
                   "password": "password", "clientSecret": "client-secret", "clientId": "client-id",
                   "ca": "ca.crt", "cert": "tls.crt", "keySecret": "tls.key"}


def _key_reference(schema: dict) -> str | None:
    """"Secret" or "ConfigMap" when `schema` is a key reference (secretKeySelector/configMapKeySelector: name and
    key, key required), else None."""
    if set(schema.get("properties", {})) >= {"name", "key"} and "key" in schema.get("required", ()):
        return "ConfigMap" if "ConfigMap" in schema.get("description", "") else "Secret"
    return None


def _reference_key(path: tuple) -> str:
    """The key to offer for the reference at `path` (spec.endpoints[0].tlsConfig.ca.secret -> ca.crt)."""
    names = [part for part in path if isinstance(part, str) and part not in ("secret", "configMap")]
    return _REFERENCE_KEYS.get(names[-1], "token") if names else "token"


def _required_finding(path: str, doc: YMap, label: str, error: SchemaError, validator: Any, data: dict) -> Finding:
    """A field a custom resource's CRD lists under `required:` is missing (the ServiceMonitor of a guide's snippet
    without `selector`): the API server's OpenAPI validation refuses the object (`spec.selector: Required value`),
    so the operator never sees it. The schema lists only what every operator release's CRD requires."""
    name = error.allowed[0]
    field = _where(error.path + (name,))
    container, key = error.container, error.key
    span = at(path, container.key_pos(key)) if isinstance(container, YMap) else \
        at(path, container.item_pos(key)) if isinstance(container, YSeq) and isinstance(key, int) else at(path, doc.pos)
    where = _where(error.path) or "the object"
    how, example, note = REQUIRED_EXAMPLES.get(name) or (
        "", validator._compiled(error.schema.get("properties", {}).get(name, {})).example, "")
    written = doc
    for part in error.path:  # the document as written (a null-pruned copy's error: _required_but_null)
        written = written[part] if isinstance(written, (dict, list)) else None
    holder = _key_reference(error.schema) if name == "key" else None
    if holder:
        # the string schema's example ("text") names no key: the key this field's credential usually has, and
        # which object must hold it
        example = _reference_key(error.path)
        named = as_str(written.get("name")) if isinstance(written, YMap) else None
        how = f"the key of {holder} {named} that holds the value" if named else f"the key of the {holder} that holds the value"
    value = f", e.g. `{name}: {example}`{note}" if example else note
    fix = f"Add `{name}:` to {where}{' with ' + how if how else ''}{value}."
    if isinstance(written, YMap) and name in written:
        # (not "add" it: written beside the null, a second `name:` is a duplicate key, KS005)
        fix = (f"Replace the null of `{name}:` with {how or 'a value'}{value}; the API server drops a null, as if `{name}:` "
               f"were not written.")
        return Finding(RULE, at(path, written.key_pos(name)), f"{label}: {field} is null, which the API server drops from a custom resource "
                       f"before validating it, so it is missing: the object is rejected ({field}: Required value)",
                       fix=fix, object=label, data={**data, "path": field, "null": True})
    return Finding(RULE, span, f"{label}: {field} is missing; the API server rejects the object ({field}: Required value)",
                   fix=fix, object=label, data={**data, "path": field})


# The string lists of a policy rule (rbac/v1 PolicyRule): names and URLs, none of which holds a comma.
_RULE_LIST_FIELDS = frozenset({"verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs"})


def _wants_string(error: SchemaError) -> bool:
    types = error.schema.get("type")
    return "string" in (types if isinstance(types, list) else [types])


def _openapi_kind(value: Any) -> str:
    """The type name kube-openapi's validator gives a decoded JSON value (validate/type.go schemaInfoForType): the
    API server decodes a whole number as int64, "integer"."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "integer"
    return "number" if isinstance(value, float) else _json_kind(value)


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "null"

