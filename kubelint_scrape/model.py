"""Stage 2 — model: typed views over the loaded documents, and the indexes the analysis joins on.

Views keep a reference to their YAML node so any finding can point at the exact key; nothing here decides
whether something is right or wrong (that is analyse/checks).
"""

from __future__ import annotations

import functools
import os
from typing import Any, Callable, Iterator

from .load import Document, Source
from .records import dataclass, field
from .yamltree import Span, YMap, YSeq, as_map, as_seq, as_str, at, get_path, key_span, value_span

RBAC_GROUP = "rbac.authorization.k8s.io"
# The VictoriaMetrics operator's API group (vmoperator.py reads its kinds; a few checks word their findings for them)
VM_GROUP = "operator.victoriametrics.com/"
WORKLOAD_KINDS = {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"}
RBAC_KINDS = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}


def object_ref(kind: str, namespace: str, name: str) -> str:
    """`Kind/name` for cluster-scoped objects (namespace ""), `Kind/namespace/name` for namespaced ones."""
    return f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"


def named(obj: Any) -> str:
    """`Kind namespace/name` (or `Kind name` when cluster-scoped) of an object, role or binding, as messages name
    them."""
    return f"{obj.kind} {obj.namespace}/{obj.name}" if obj.namespace else f"{obj.kind} {obj.name}"


@dataclass(eq=False, slots=True)
class K8sObject:
    path: str
    doc: YMap
    api_version: str
    kind: str
    name: str
    namespace: str  # effective namespace ("" for cluster-scoped kinds)
    namespace_explicit: bool

    @property
    def ref(self) -> str:
        return object_ref(self.kind, self.namespace, self.name)

    @property
    def labels(self) -> dict:
        return as_map(get_path(self.doc, "metadata", "labels"))

    @property
    def annotations(self) -> dict:
        return as_map(get_path(self.doc, "metadata", "annotations"))

    @property
    def span(self) -> Span:
        return at(self.path, self.doc.pos)

    def name_span(self) -> Span:
        """Where the object is named: its metadata.name value."""
        metadata = self.doc.get("metadata")
        if isinstance(metadata, YMap) and "name" in metadata:
            return value_span(self.path, metadata, "name")
        return self.span

    def key_span(self, *keys: Any) -> Span:
        """Span of the last key in `keys` (or of the deepest existing parent)."""
        node: Any = self.doc
        for key in keys[:-1]:
            child = get_path(node, key)
            if not isinstance(child, (YMap, YSeq)):
                return key_span(self.path, node, key) if isinstance(node, YMap) else at(self.path, node.pos)
            node = child
        if isinstance(node, YMap):
            return key_span(self.path, node, keys[-1])
        if isinstance(node, YSeq) and isinstance(keys[-1], int):
            return at(self.path, node.item_pos(keys[-1]))
        return at(self.path, getattr(node, "pos", (1, 1)))


# ---------------------------------------------------------------------------------------------- RBAC


@dataclass(slots=True)
class PolicyRule:
    verbs: tuple[str, ...]
    api_groups: tuple[str, ...]
    resources: tuple[str, ...]
    resource_names: tuple[str, ...]
    non_resource_urls: tuple[str, ...]
    index: int
    node: YMap | None = None
    path: str = ""
    since: str | None = None

    @classmethod
    def from_node(cls, node: Any, index: int, path: str) -> "PolicyRule":
        m = as_map(node)
        return cls(
            verbs=_strs(m.get("verbs")),
            api_groups=_strs(m.get("apiGroups")),
            resources=_strs(m.get("resources")),
            resource_names=_strs(m.get("resourceNames")),
            non_resource_urls=_strs(m.get("nonResourceURLs")),
            index=index,
            node=m if isinstance(node, YMap) else None,
            path=path,
            since=as_str(m.get("since")) or None,
        )

    def span(self, key: str | None = None) -> Span:
        if self.node is None:
            return Span(self.path or "<built-in>", 1, 1)
        if key is None:
            return at(self.path, self.node.pos)
        return key_span(self.path, self.node, key)

    def describe(self) -> str:
        if self.non_resource_urls:
            return f"{{verbs: [{', '.join(self.verbs)}], nonResourceURLs: [{', '.join(self.non_resource_urls)}]}}"
        groups = ", ".join('""' if g == "" else g for g in self.api_groups)
        parts = [f"apiGroups: [{groups}]",
                 f"resources: [{', '.join(self.resources)}]"]
        if self.resource_names:
            names = ", ".join(name or '""' for name in self.resource_names)  # `""` shown, not left blank
            parts.append(f"resourceNames: [{names}]")
        parts.append(f"verbs: [{', '.join(self.verbs)}]")
        return "{" + ", ".join(parts) + "}"


def _strs(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        # A null item (`verbs: [~]`, what an empty Helm value renders) is the empty string to the API server:
        # encoding/json leaves a []string element it decodes null into at its zero value. So `apiGroups: [~]`
        # is the core group and `verbs: [~]` a verb that matches no request — not a missing field.
        return tuple(as_str(v) for v in value)
    if isinstance(value, str):
        return rule_field_items(value)
    return ()


def rule_field_items(text: str) -> tuple[str, ...]:
    """A policy-rule field written as one string (`verbs: list, watch`, refused: KS602) read as the list it means:
    verbs, groups, resources and names never hold a comma, so a comma can only separate items."""
    return tuple(item.strip() for item in text.split(",") if item.strip()) if "," in text else (text,)


@dataclass
class LabelSelector:
    match_labels: dict[str, str]
    match_expressions: list[dict]

    @classmethod
    def from_node(cls, node: Any) -> "LabelSelector":
        m = as_map(node)
        labels = {as_str(k): as_str(v) for k, v in as_map(m.get("matchLabels")).items()}
        exprs = [dict(e) for e in as_seq(m.get("matchExpressions")) if isinstance(e, dict)]
        return cls(labels, exprs)

    @property
    def empty(self) -> bool:
        return not self.match_labels and not self.match_expressions

    def matches(self, labels: dict) -> bool:
        for key, value in self.match_labels.items():
            if as_str(labels.get(key), None) != value:  # type: ignore[arg-type]
                return False
        for expr in self.match_expressions:
            key = as_str(expr.get("key"))
            op = as_str(expr.get("operator"))
            values = [as_str(v) for v in as_seq(expr.get("values"))]
            present = key in labels
            actual = as_str(labels.get(key)) if present else None
            if op == "In" and (not present or actual not in values):
                return False
            if op == "NotIn" and present and actual in values:
                return False
            if op == "Exists" and not present:
                return False
            if op == "DoesNotExist" and present:
                return False
            if op not in ("In", "NotIn", "Exists", "DoesNotExist") or (op in ("In", "NotIn")) != bool(values):
                # metav1.LabelSelectorAsSelector refuses it (an unknown operator, In/NotIn without values, Exists
                # with values): whoever evaluates the selector gets an error and selects nothing, never everything.
                return False
        return True


@dataclass(eq=False)
class RoleDef:
    kind: str  # Role | ClusterRole
    name: str
    namespace: str  # "" for ClusterRole
    rules: list[PolicyRule]
    labels: dict
    aggregation: list[LabelSelector] | None = None
    obj: K8sObject | None = None

    @property
    def builtin(self) -> bool:
        return self.obj is None

    @property
    def ref(self) -> str:
        return object_ref(self.kind, self.namespace, self.name)  # a ClusterRole's namespace is ""

    @property
    def span(self) -> Span | None:
        return self.obj.span if self.obj else None

    def aggregation_label(self) -> str | None:
        """A label (`key: "value"`) that puts a ClusterRole into this aggregated role: where a rule for it goes,
        since rules written into the aggregated role itself are overwritten by the aggregation controller."""
        for selector in self.aggregation or []:
            for key, value in selector.match_labels.items():
                return f'{key}: "{value}"'
            for expression in selector.match_expressions:
                key, operator = as_str(expression.get("key")), as_str(expression.get("operator"))
                values = [as_str(v) for v in as_seq(expression.get("values"))]
                if operator == "In" and values:
                    return f'{key}: "{values[0]}"'
                if operator == "Exists":
                    return f'{key}: "true"'
        return None


@dataclass
class Subject:
    kind: str
    name: str
    namespace: str  # effective (SA subjects of a RoleBinding default to the binding's namespace)
    namespace_explicit: bool
    api_group: str
    index: int
    node: YMap | None

    def describe(self) -> str:
        if self.kind == "ServiceAccount":
            return f"ServiceAccount {self.namespace}/{self.name}" if self.namespace else \
                f"ServiceAccount {self.name} (no namespace)"
        return f"{self.kind} {self.name}"


@dataclass(eq=False)
class BindingDef:
    kind: str  # RoleBinding | ClusterRoleBinding
    name: str
    namespace: str
    role_kind: str
    role_name: str
    subjects: list[Subject]
    obj: K8sObject | None = None

    @property
    def builtin(self) -> bool:
        return self.obj is None

    @property
    def ref(self) -> str:
        return object_ref(self.kind, self.namespace, self.name)  # a ClusterRoleBinding's namespace is ""

    @property
    def role_ref(self) -> str:
        return object_ref(self.role_kind, "" if self.role_kind == "ClusterRole" else self.namespace, self.role_name)

    def role_ref_span(self) -> Span | None:
        """The roleRef's name value: the smallest node naming the role (where a built-in role's rules, which have
        no line in the inputs, are pointed at)."""
        if self.obj is None:
            return None
        role_ref = self.obj.doc.get("roleRef")
        if isinstance(role_ref, YMap) and "name" in role_ref:
            return value_span(self.obj.path, role_ref, "name")
        return self.obj.key_span("roleRef", "name")

    def subject_span(self, subject: Subject) -> Span | None:
        if self.obj is None:
            return None
        if subject.node is not None:
            return at(self.obj.path, subject.node.pos)
        return self.obj.key_span("subjects")


@dataclass(eq=False)
class ServiceAccountDef:
    name: str
    namespace: str
    automount: bool | None
    obj: K8sObject


# ---------------------------------------------------------------------------------------------- workloads


@dataclass(eq=False)
class Container:
    name: str
    image: str
    command: list[str]
    args: list[str]
    mounts: list[YMap]
    node: YMap

    def flag_values(self, flag: str) -> list[str]:
        return list(flag_values(self.command + self.args, flag))


def flag_values(words: list[str], flag: str) -> Iterator[str]:
    """The values argv gives `flag`, as the components' flag parsers read them: `--flag=value`, or `--flag value`
    (the next item; when that is another flag the parser takes it as a malformed address, which opens nothing)."""
    for index, word in enumerate(words):
        if word.startswith(flag + "="):
            yield word.split("=", 1)[1]
        elif word == flag and index + 1 < len(words) and not words[index + 1].startswith("-"):
            yield words[index + 1]


def go_flag(words: list[str], name: str, boolean: bool = False) -> str | None:
    """The value Go's flag package ends with for flag `name` (written `-name` or `--name`; the last use wins):
    `--name=value`, or for a non-bool flag `--name value`; a bool flag alone is "true" (its next word is never its
    value). None when absent. go_true() reads a bool flag's value as strconv.ParseBool does."""
    found = None
    for index, word in enumerate(words):
        flag, equals, value = word.partition("=")
        if flag not in ("-" + name, "--" + name):
            continue
        if equals:
            found = value
        elif boolean:
            found = "true"
        elif index + 1 < len(words):
            found = words[index + 1]
    return found


# strconv.ParseBool's spellings, which Go's flag package takes for a bool flag's `=value`
GO_TRUE = ("1", "t", "T", "true", "TRUE", "True")
GO_FALSE = ("0", "f", "F", "false", "FALSE", "False")


@dataclass(eq=False)
class PodTemplate:
    """The pod spec of a workload (or of a Pod), with the path of keys that leads to it."""

    obj: K8sObject
    spec: YMap
    spec_keys: tuple[str, ...]

    @property
    def service_account(self) -> str:
        return as_str(self.spec.get("serviceAccountName")) or as_str(self.spec.get("serviceAccount")) or "default"

    @property
    def service_account_explicit(self) -> bool:
        return bool(as_str(self.spec.get("serviceAccountName")) or as_str(self.spec.get("serviceAccount")))

    @property
    def automount(self) -> bool | None:
        value = self.spec.get("automountServiceAccountToken")
        return value if isinstance(value, bool) else None

    @functools.cached_property
    def containers(self) -> list[Container]:
        # Cached: the template lives as long as its file's Source (build.source_model) and is asked per check.
        result = []
        for key in ("initContainers", "containers"):
            for node in as_seq(self.spec.get(key)):
                m = as_map(node)
                env = container_env(m)
                result.append(
                    Container(
                        name=as_str(m.get("name")),
                        image=as_str(m.get("image")),
                        command=[expand_env(as_str(a), env) for a in as_seq(m.get("command"))],
                        args=[expand_env(as_str(a), env) for a in as_seq(m.get("args"))],
                        mounts=[as_map(v) for v in as_seq(m.get("volumeMounts"))],
                        node=m,
                    )
                )
        return result

    @functools.cached_property
    def labels(self) -> dict[str, str]:
        """The labels its pods get: a Pod's own, else the template's metadata (next to the spec)."""
        metadata = self.obj.doc if self.spec_keys == ("spec",) else get_path(self.obj.doc, *self.spec_keys[:-1])
        return {as_str(k): as_str(v) for k, v in as_map(get_path(metadata, "metadata", "labels")).items()}

    @functools.cached_property
    def annotations(self) -> dict[str, str]:
        """The annotations its pods get (a Pod's own, else the template's metadata): what admission webhooks read."""
        metadata = self.obj.doc if self.spec_keys == ("spec",) else get_path(self.obj.doc, *self.spec_keys[:-1])
        return {as_str(k): as_str(v) for k, v in as_map(get_path(metadata, "metadata", "annotations")).items()}

    @functools.cached_property
    def volumes(self) -> list[YMap]:
        return [as_map(v) for v in as_seq(self.spec.get("volumes"))]

    @functools.cached_property
    def projected_files(self) -> dict[str, YMap]:
        """Files that projected volumes put into the containers (see projected_files())."""
        return projected_files([m for c in self.containers for m in c.mounts], self.volumes)

    @functools.cached_property
    def app_containers(self) -> list[Container]:
        """Its containers, not its init containers (which have exited by the time the pod serves)."""
        names = {as_str(as_map(node).get("name")) for node in as_seq(self.spec.get("containers"))}
        return [c for c in self.containers if c.name in names]

    def port_serving(self, target: Any) -> tuple[Container, int] | None:
        """The app container that declares the port a Service's targetPort names (a name) or numbers, and its number."""
        for container in self.app_containers:
            for entry in as_seq(container.node.get("ports")):
                entry = as_map(entry)
                number = entry.get("containerPort")
                if isinstance(number, int) and (as_str(entry.get("name")) == as_str(target) if isinstance(target, str)
                                                else number == target):
                    return container, number
        return None

    def selected_by(self, service: K8sObject) -> bool:
        """Whether a Service in its namespace selects its pods: equality on every key of `spec.selector`; a Service
        without one has Endpoints managed by hand, which the inputs cannot show."""
        if service.namespace != self.obj.namespace:
            return False
        selector = as_map(get_path(service.doc, "spec", "selector"))
        return bool(selector) and all(self.labels.get(as_str(k)) == as_str(v) for k, v in selector.items())

    def key_span(self, *keys: Any) -> Span:
        return self.obj.key_span(*self.spec_keys, *keys)

    def secret_file(self, path: str) -> tuple[str, str] | None:
        """(Secret name, key) of the file at `path` when a `secret` volume, or a projected volume's secret
        source, puts it into a container (following mountPath, subPath and items)."""
        by_name = {as_str(v.get("name")): v for v in self.volumes}
        for container in self.containers:
            for mount in container.mounts:
                volume = by_name.get(as_str(mount.get("name")))
                target = as_str(mount.get("mountPath")).rstrip("/")
                if volume is None or not target or not path.startswith(target + "/"):
                    continue
                relative = path[len(target) + 1:]
                sub_path = as_str(mount.get("subPath")).strip("/")
                relative = f"{sub_path}/{relative}" if sub_path else relative
                for name, items in _secret_sources(volume):
                    key = _secret_key(items, relative)
                    if key is not None:
                        return name, key
        return None


def container_env(container: YMap) -> dict[str, str]:
    """The variables a container's `env` sets to literal values, as the kubelet builds them: in order, each value
    expanded with the ones before it (kubelet makeEnvironmentVariables). Values from `valueFrom` and `envFrom`
    are only known at run time: left out, so references to them stay unexpanded."""
    env: dict[str, str] = {}
    for entry in as_seq(container.get("env")):
        entry = as_map(entry)
        name, value = as_str(entry.get("name")), entry.get("value")
        if name and value is not None and "valueFrom" not in entry:
            env[name] = expand_env(as_str(value), env)
    return env


def expand_env(text: str, env: dict[str, str]) -> str:
    """`$(NAME)` references in a command or args item replaced as Kubernetes does before starting the container
    (third_party/forked/golang/expansion/expand.go): `$$` is a literal `$`, an unknown name or an unclosed `$(`
    stays as written."""
    if "$" not in text:
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char != "$" or i + 1 == len(text):
            out.append(char)
            i += 1
            continue
        following = text[i + 1]
        if following == "$":
            out.append("$")
            i += 2
        elif following == "(" and ")" in text[i + 2:]:
            end = text.index(")", i + 2)
            name = text[i + 2:end]
            out.append(env.get(name, f"$({name})"))
            i = end + 1
        else:
            out.append("$" + following)
            i += 2
    return "".join(out)


def _secret_sources(volume: YMap) -> Iterator[tuple[str, Any]]:
    """(Secret name, items) of a `secret` volume and of each secret source of a projected volume."""
    secret = volume.get("secret")
    if isinstance(secret, YMap) and as_str(secret.get("secretName")):
        yield as_str(secret.get("secretName")), secret.get("items")
    for source in as_seq(as_map(volume.get("projected")).get("sources")):
        part = as_map(source).get("secret")
        if isinstance(part, YMap) and as_str(part.get("name")):
            yield as_str(part.get("name")), part.get("items")


def _secret_key(items: Any, relative: str) -> str | None:
    """The key a secret volume writes at `relative`: the item whose path it is, or with no items the key of
    that name (every key becomes a file named after it)."""
    if isinstance(items, YSeq) and len(items):
        for item in items:
            item = as_map(item)
            if as_str(item.get("path")).strip("/") == relative:
                return as_str(item.get("key"))
        return None
    return relative if "/" not in relative else None


def projected_files(mounts: list[YMap], volumes: list[YMap]) -> dict[str, YMap]:
    """Files that projected volumes put into containers: absolute path → the projection source that writes it
    (`{serviceAccountToken: …}`, `{configMap: …}`…), following every volumeMount and its subPath."""
    by_name = {as_str(v.get("name")): v for v in volumes}
    files: dict[str, YMap] = {}
    for mount in mounts:
        volume = by_name.get(as_str(mount.get("name")))
        if volume is None:
            continue
        target = as_str(mount.get("mountPath")).rstrip("/")
        sub_path = as_str(mount.get("subPath")).strip("/")
        for relative, source in _projected_sources(volume):
            if not sub_path:
                files[f"{target}/{relative}"] = source
            elif relative == sub_path or relative.startswith(sub_path + "/"):
                files[target + relative[len(sub_path):]] = source
    return files


def _projected_sources(volume: YMap) -> Iterator[tuple[str, YMap]]:
    """(path inside the volume, source) for each file a projected volume writes that the inputs name: a
    serviceAccountToken's `path`, the `items` of configMap/secret/downwardAPI sources, and kube-root-ca.crt's
    only key when it is projected whole."""
    for source in as_seq(as_map(volume.get("projected")).get("sources")):
        source = as_map(source)
        token = source.get("serviceAccountToken")
        if isinstance(token, YMap):
            yield (as_str(token.get("path")) or "token").strip("/"), source
        for kind in ("configMap", "secret", "downwardAPI"):
            part = as_map(source.get(kind))
            items = as_seq(part.get("items"))
            for item in items:
                if as_str(as_map(item).get("path")):
                    yield as_str(as_map(item).get("path")).strip("/"), source
            if kind == "configMap" and not items and as_str(part.get("name")) == "kube-root-ca.crt":
                yield "ca.crt", source


POD_SPEC_PATHS = {
    "Pod": ("spec",),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}


def pod_template(obj: K8sObject) -> PodTemplate | None:
    keys = POD_SPEC_PATHS.get(obj.kind, ("spec", "template", "spec"))
    spec = get_path(obj.doc, *keys)
    if not isinstance(spec, YMap):
        return None
    return PodTemplate(obj, spec, keys)


# ---------------------------------------------------------------------------------------------- the workspace


@dataclass(eq=False)
class Workspace:
    """Everything the inputs define, indexed for the joins the analysis makes (no pairwise scans)."""

    default_namespace: str
    kubernetes_version: tuple[int, int]
    sources: list[Source] = field(default_factory=list)
    objects: list[K8sObject] = field(default_factory=list)
    cluster_roles: dict[str, RoleDef] = field(default_factory=dict)
    roles: dict[tuple[str, str], RoleDef] = field(default_factory=dict)
    bindings: list[BindingDef] = field(default_factory=list)
    # RBAC objects the API server refuses (rbacvalidate, KS501; or that it cannot decode, KS602): never created, so
    # they grant nothing and the authorizer never sees them. Kept to explain a denial ("the binding meant for you is rejected").
    rejected_cluster_roles: dict[str, RoleDef] = field(default_factory=dict)
    rejected_roles: dict[tuple[str, str], RoleDef] = field(default_factory=dict)
    rejected_bindings: list[BindingDef] = field(default_factory=list)
    # Objects of an apiVersion the cluster does not serve (KS602, k8svalidate.unserved): never created, so they are
    # in `objects` (suppressions, KS006) but in no index the analysis reads.
    unserved: list[K8sObject] = field(default_factory=list)
    # Bindings and roles a later, different definition of the same name replaces (KS006) → that later one: they
    # explain a denial too.
    replaced_bindings: list[tuple[BindingDef, BindingDef]] = field(default_factory=list)
    replaced_roles: list[tuple[RoleDef, RoleDef]] = field(default_factory=list)
    service_accounts: dict[tuple[str, str], ServiceAccountDef] = field(default_factory=dict)
    service_account_definitions: list[ServiceAccountDef] = field(default_factory=list)  # every one, even repeated
    workloads: list[PodTemplate] = field(default_factory=list)
    by_kind: dict[str, list[K8sObject]] = field(default_factory=dict)
    plain_configs: list[tuple[Source, Document]] = field(default_factory=list)
    # ConfigMaps/Secrets holding a scrape config this tool does not read (Grafana Alloy's River, KS007)
    unread_configs: list[K8sObject] = field(default_factory=list)
    _bindings_by_subject: dict[tuple[str, str, str], list[BindingDef]] | None = None
    # Derived indexes, built on first use once the workspace is complete (e.g. analyse.workloads_loading).
    indexes: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def index(self, name: str, build: Callable[[], Any]) -> Any:
        """The derived index `name`, built by `build` on first use (the workspace is complete by then). A None
        built is remembered too: taken for "not built yet", it was rebuilt at every ask (kustomize.workspace_builds
        without a Kustomization, asked per fix: 8.7 s → 15.8 s on 10,000 objects)."""
        if name in self.indexes:
            return self.indexes[name]
        found = self.indexes[name] = build()
        return found

    def source_text(self, path: str) -> str:
        source = self.source(path)
        return source.text if source is not None else ""

    def source(self, path: str) -> Source | None:
        """The first Source read from `path`. By an index: the Operator's refusal check asks it of every monitor, and
        a scan of the sources each time was quadratic in a monorepo's re-lint (probe scale3)."""
        by_path = self.index("sources by path", lambda: _first_by_path(self.sources))
        return by_path.get(path)

    def kind(self, kind: str) -> list[K8sObject]:
        return self.by_kind.get(kind, [])

    def find(self, kind: str, namespace: str, name: str) -> K8sObject | None:
        for obj in self.kind(kind):
            if obj.name == name and obj.namespace == namespace:
                return obj
        return None

    def role_for(self, binding: BindingDef) -> RoleDef | None:
        return _referenced(binding, self.cluster_roles, self.roles)

    def rejected_role_for(self, binding: BindingDef) -> RoleDef | None:
        """The role a binding refers to when the inputs define it but the API server refuses it."""
        return _referenced(binding, self.rejected_cluster_roles, self.rejected_roles)

    def bindings_for_subject(self, kind: str, namespace: str, name: str) -> list[BindingDef]:
        if self._bindings_by_subject is None:
            index: dict[tuple[str, str, str], list[BindingDef]] = {}
            for binding in self.bindings:
                for subject in binding.subjects:
                    key = _subject_key(subject)
                    bucket = index.setdefault(key, [])
                    if not bucket or bucket[-1] is not binding:
                        bucket.append(binding)
            self._bindings_by_subject = index
        return self._bindings_by_subject.get((kind, namespace, name), [])

    def version_at_least(self, since: str | None) -> bool:
        if not since:
            return True
        try:
            major, minor = (int(p) for p in since.split(".")[:2])
        except ValueError:
            return True
        return self.kubernetes_version >= (major, minor)


def _subject_key(subject: Subject) -> tuple[str, str, str]:
    if subject.kind == "ServiceAccount":
        return ("ServiceAccount", subject.namespace, subject.name)
    return (subject.kind, "", subject.name)


CLUSTER_SCOPED_KINDS = {
    "Namespace", "Node", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass",
    "CustomResourceDefinition", "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    "PriorityClass", "IngressClass", "RuntimeClass", "CSIDriver", "CSINode", "VolumeAttachment",
    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "CertificateSigningRequest",
    "ClusterNodeMonitoring", "ClusterPodMonitoring", "ClusterRules", "GlobalRules", "PodSecurityPolicy",
}


def is_victoriametrics(obj: Any) -> bool:
    return obj is not None and obj.api_version.startswith(VM_GROUP)


def service_dns_name(host: str, own_namespace: str | None = None) -> tuple[str, str] | None:
    """(namespace, Service name) a cluster DNS name names — `name.namespace`, `name.namespace.svc`,
    `name.namespace.svc.<cluster domain>` — and, resolved through a pod's DNS search path in `own_namespace` when
    one is given, a bare `name`; None for any other host."""
    parts = host.lower().rstrip(".").split(".")
    if len(parts) == 1:
        return (own_namespace, parts[0]) if own_namespace is not None and parts[0] else None
    if len(parts) == 2 or parts[2] == "svc":
        return parts[1], parts[0]
    return None


KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def is_kustomization_file(path: str) -> bool:
    return os.path.basename(path) in KUSTOMIZATION_FILES


def k8s_object(path: str, doc: Any, default_namespace: str, namespace_override: str | None = None,
               namespace_fallback: str | None = None) -> K8sObject | None:
    """`namespace_override`: a build's `namespace:` (every namespaced object); `namespace_fallback`: the namespace an
    Argo CD Application deploys to (only objects that name none), known rather than assumed like the default."""
    if not isinstance(doc, YMap):
        return None
    kind = doc.get("kind")
    if kind is None and "apiVersion" not in doc and is_kustomization_file(path):
        kind = "Kustomization"  # kustomize reads kustomization.yaml without apiVersion and kind
    if not isinstance(kind, str) or not kind:
        return None
    metadata = as_map(doc.get("metadata"))
    namespace_value = as_str(metadata.get("namespace"))
    cluster_scoped = kind in CLUSTER_SCOPED_KINDS
    return K8sObject(
        path=path,
        doc=doc,
        api_version=as_str(doc.get("apiVersion")),
        kind=kind,
        name=as_str(metadata.get("name")) or as_str(metadata.get("generateName")),
        namespace="" if cluster_scoped else (namespace_override or namespace_value or namespace_fallback or default_namespace),
        namespace_explicit=bool(namespace_value or namespace_override or namespace_fallback),
    )


def iter_documents(source: Source) -> Iterator[tuple[Document, Any]]:
    """Documents, with `kind: List` / `*List` wrappers unwrapped into their items (typed as list_item says)."""
    for document_index, document in enumerate(source.documents):
        for obj in _unwrapped(source, (document_index,), document.root):
            yield document, obj


def _unwrapped(source: Source, place: tuple[int, ...], node: Any) -> Iterator[Any]:
    """A node, or the items of a list wrapper, of lists inside it too: kubectl flattens nested lists (cli-runtime
    FlattenListVisitor), so a List holding `kubectl get -o yaml` output of several kinds applies every object.
    Depth is bounded by the loader's nesting limit."""
    if isinstance(node, YMap) and isinstance(node.get("kind"), str) and node["kind"].endswith("List") and isinstance(node.get("items"), list):
        for item_index, item in enumerate(node["items"]):
            yield from _unwrapped(source, place + (item_index,), list_item(source, place + (item_index,), node, item))
    else:
        yield node


def list_item(source: Source, place: tuple[int, ...], wrapper: YMap, item: Any) -> Any:
    """An item of a typed list (`RoleList`, `RoleBindingList`…) as kubectl reads it: one with neither kind nor
    apiVersion takes the list's kind minus "List" and the list's apiVersion (apimachinery unstructured
    decodeToList), as `kubectl get -o yaml` output leaves them out. The typed copy keeps every position, the
    inherited keys pointing at the list's own; it is made once per item (memoised on the Source by the item's
    place, which survives the pickling of parallel reads), so every stage sees the same object."""
    item_kind = wrapper["kind"][: -len("List")]
    if not item_kind or not isinstance(item, YMap) or as_str(item.get("kind")) or as_str(item.get("apiVersion")):
        return item
    typed_items = source.memo.setdefault("typed_list_items", {})
    typed = typed_items.get(place)
    if typed is None:
        typed = typed_items[place] = YMap(item.pos)
        api_version = wrapper.get("apiVersion")
        if isinstance(api_version, str):
            typed.put("apiVersion", api_version, wrapper.key_pos("apiVersion"), wrapper.value_pos("apiVersion"))
        typed.put("kind", item_kind, wrapper.key_pos("kind"), wrapper.value_pos("kind"))
        for key, value in item.items():
            if key not in ("apiVersion", "kind"):  # (present but empty: replaced, as upstream does)
                typed.put(key, value, item.key_pos(key), item.value_pos(key))
    return typed


def _referenced(binding: BindingDef, cluster_roles: dict[str, RoleDef], roles: dict[tuple[str, str], RoleDef],
                ) -> RoleDef | None:
    """The role a binding's roleRef names among these (a RoleBinding's Role in its own namespace)."""
    if binding.role_kind == "ClusterRole":
        return cluster_roles.get(binding.role_name)
    if binding.role_kind == "Role" and binding.kind == "RoleBinding":
        return roles.get((binding.namespace, binding.role_name))
    return None


def is_prometheus_config(doc: Any) -> bool:
    """A Prometheus server config: `scrape_configs` (unless the document is Promtail's), or `global` as Prometheus
    writes it. Other programs' YAML shares `global` — Alertmanager's config (smtp_*, resolve_timeout), Promtail's
    (file_watch_config), every Helm values file (imageRegistry…) — and none of them is a config Prometheus loads."""
    if not isinstance(doc, YMap) or "kind" in doc:
        return False
    if "scrape_configs" in doc:
        return not is_log_agent_config(doc)
    if "scrape_config_files" in doc and "global" not in doc:
        # A main config that only names its job files (Prometheus >= 2.43 reads them as more scrape_configs):
        # Prometheus' when nothing beside it is foreign, as for a `global` with no Prometheus key below.
        return all(key in PROMETHEUS_SECTIONS for key in doc)
    return "global" in doc and _reads_as_prometheus(doc)


# Prometheus' top-level sections and `global` keys (config/config.go Config, GlobalConfig; the same names as
# rules/schemas/prometheus-config.schema.json, which a test holds these to). `global` and `tracing` are shared with
# other programs' configs; the rest only Prometheus has.
PROMETHEUS_SECTIONS = ("alerting", "global", "otlp", "remote_read", "remote_write", "rule_files", "runtime",
                       "scrape_config_files", "scrape_configs", "storage", "tracing")
PROMETHEUS_ONLY_SECTIONS = ("alerting", "otlp", "remote_read", "remote_write", "rule_files", "runtime",
                            "scrape_config_files", "storage")
PROMETHEUS_GLOBAL_KEYS = frozenset((
    "always_scrape_classic_histograms", "body_size_limit", "convert_classic_histograms_to_nhcb", "evaluation_interval",
    "external_labels", "extra_scrape_metrics", "keep_dropped_targets", "label_limit", "label_name_length_limit",
    "label_value_length_limit", "metric_name_escaping_scheme", "metric_name_validation_scheme", "query_log_file",
    "rule_query_offset", "sample_limit", "scrape_failure_log_file", "scrape_interval", "scrape_native_histograms",
    "scrape_protocols", "scrape_timeout", "target_limit"))


def _prometheus_global(doc: YMap) -> bool:
    """`global` holds a key of Prometheus' own global section."""
    global_ = doc.get("global")
    return isinstance(global_, YMap) and any(key in PROMETHEUS_GLOBAL_KEYS for key in global_)


def _reads_as_prometheus(doc: YMap) -> bool:
    """A document with `global` but no jobs is Prometheus' when its `global` has a Prometheus key, or when it has a
    section only Prometheus has and nothing Prometheus lacks: a real config with a misspelt global key still gets
    its KS601, while a values file whose `global` and `storage` are a chart's is left alone."""
    if _prometheus_global(doc):
        return True
    return (any(key in doc for key in PROMETHEUS_ONLY_SECTIONS)
            and all(key in PROMETHEUS_SECTIONS for key in doc))


# Grafana Agent static mode (grafana/agent static/config/config.go): the top level holds subsystems — `metrics`
# (`prometheus` before v0.20), `logs`, `traces`, `integrations`, `server` — and `metrics.configs[]` are instances,
# each with Prometheus `scrape_configs` (static/metrics/instance/instance.go). No Prometheus config has a
# top-level `metrics`, and one with `scrape_configs` is a Prometheus config whatever else it holds.
AGENT_METRICS_KEYS = ("metrics", "prometheus")


def agent_metrics_section(doc: Any) -> YMap | None:
    """The `metrics` (or deprecated `prometheus`) section of a Grafana Agent static-mode config, else None."""
    if not isinstance(doc, YMap) or "kind" in doc or "scrape_configs" in doc or "apiVersion" in doc:
        return None
    for key in AGENT_METRICS_KEYS:
        section = doc.get(key)
        # an instance scrapes (scrape_configs) or forwards (remote_write): a `metrics.configs` list of anything
        # else belongs to some other program's config
        if isinstance(section, YMap) and any(isinstance(c, YMap) and ("scrape_configs" in c or "remote_write" in c)
                                             for c in as_seq(section.get("configs"))):
            return section
    return None


# Promtail (Loki's log agent) borrows `scrape_configs` and kubernetes_sd_configs to find pods whose log files it
# tails: no HTTP scrape, no Prometheus. Its config (grafana/loki clients/pkg/promtail/config/config.go) is told
# apart by its own top-level sections — two of them, one naming its Loki client (or its `global`, which holds
# `file_watch_config`, none of Prometheus' keys), and none of Prometheus' own — or by a job field only Promtail's
# jobs have (scrapeconfig.Config: `pipeline_stages`, its log sources) or the `__path__` label it tails. A Prometheus config with one stray key is still a Prometheus config
# (KS601 says so).
LOG_AGENT_KEYS = ("clients", "client", "positions", "server", "limits_config", "target_config")
LOG_AGENT_JOB_KEYS = ("pipeline_stages", "journal", "syslog", "loki_push_api", "windows_events", "gcplog", "gelf",
                      "cloudflare", "heroku_drain", "azure_event_hubs", "kafka")


def is_log_agent_config(doc: YMap) -> bool:
    if _prometheus_global(doc) or any(key in doc for key in PROMETHEUS_ONLY_SECTIONS):
        return False
    # Promtail's global (promtail config.go GlobalConfig) holds only file_watch_config: a global of other keys,
    # none of them Prometheus', is a misspelt Prometheus one (`scrape_intervl`), not Promtail's
    foreign_global = "file_watch_config" in as_map(doc.get("global"))
    if (sum(key in doc for key in LOG_AGENT_KEYS) + foreign_global >= 2
            and ("clients" in doc or "client" in doc or foreign_global)):
        return True
    return any(isinstance(job, YMap) and (any(key in job for key in LOG_AGENT_JOB_KEYS) or _tails_files(job))
               for job in as_seq(doc.get("scrape_configs")))


def _tails_files(job: YMap) -> bool:
    """The job sets `__path__`, the label naming the files Promtail tails (in a static target's labels or by a
    relabel rule); Prometheus has no use for it and drops it with the other `__` labels."""
    return (any(as_str(as_map(rule).get("target_label")) == "__path__" for rule in as_seq(job.get("relabel_configs")))
            or any("__path__" in as_map(group.get("labels")) for group in map(as_map, as_seq(job.get("static_configs")))))


def role_from_object(obj: K8sObject) -> RoleDef:
    rules = [PolicyRule.from_node(node, i, obj.path) for i, node in enumerate(as_seq(obj.doc.get("rules")))]
    aggregation = None
    if obj.kind == "ClusterRole" and isinstance(obj.doc.get("aggregationRule"), YMap):
        aggregation = [LabelSelector.from_node(s) for s in as_seq(obj.doc["aggregationRule"].get("clusterRoleSelectors"))]
    return RoleDef(obj.kind, obj.name, obj.namespace if obj.kind == "Role" else "", rules, dict(obj.labels), aggregation, obj)


def binding_from_object(obj: K8sObject) -> BindingDef:
    role_ref = as_map(obj.doc.get("roleRef"))
    subjects = []
    written = obj.doc.get("subjects")
    # `subjects:` written as one mapping instead of a list of them: the API server refuses the binding (KS602,
    # cannot unmarshal object), so it never grants (build.refused_rbac), but the subject it was meant for is
    # plain, and a denial of that identity points at this binding as at any other refused one.
    for index, node in enumerate([written] if isinstance(written, YMap) else as_seq(written)):
        m = as_map(node)
        kind = as_str(m.get("kind"))
        ns_value = as_str(m.get("namespace"))
        namespace = ns_value
        if kind == "ServiceAccount" and not ns_value and obj.kind == "RoleBinding":
            namespace = obj.namespace  # FACTS §8: SA subject namespace defaults to the RoleBinding's
        subjects.append(
            Subject(kind, as_str(m.get("name")), namespace, bool(ns_value), as_str(m.get("apiGroup")), index,
                    m if isinstance(node, YMap) else None)
        )
    return BindingDef(
        obj.kind, obj.name, obj.namespace if obj.kind == "RoleBinding" else "",
        as_str(role_ref.get("kind")), as_str(role_ref.get("name")), subjects, obj,
    )


def load_builtin_rbac(workspace: Workspace, data: dict) -> None:
    """Built-in ClusterRoles/Bindings (rules/builtin/cluster-roles.yaml); objects in the inputs replace them."""
    roles, bindings = _builtin_rbac_objects(id(data), data, workspace.kubernetes_version)
    for role in roles:
        workspace.cluster_roles.setdefault(role.name, role)
    workspace.bindings.extend(bindings)


_BUILTIN_OBJECTS: dict[tuple[int, tuple[int, int]], tuple[Any, list[RoleDef], list[BindingDef]]] = {}


def _builtin_rbac_objects(data_id: int, data: dict, version: tuple[int, int]) -> tuple[list[RoleDef], list[BindingDef]]:
    """The built-in objects of a version, built once per process: every run then shares the same objects, so the
    language server sees an identity's built-in grants as unchanged between edits (rbac.Authorizer.same_inputs).
    Nothing mutates them."""
    cached = _BUILTIN_OBJECTS.get((data_id, version))
    if cached is not None and cached[0] is data:
        return cached[1], cached[2]
    probe = Workspace(default_namespace="", kubernetes_version=version)
    roles = []
    for entry in data.get("cluster_roles", []):
        if not probe.version_at_least(entry.get("since")):
            continue
        rules = [PolicyRule.from_node(r, i, "") for i, r in enumerate(entry.get("rules") or [])]
        rules = [r for r in rules if probe.version_at_least(r.since)]
        aggregation = None
        if entry.get("aggregationRule"):
            aggregation = [LabelSelector.from_node(s) for s in entry["aggregationRule"].get("clusterRoleSelectors", [])]
        roles.append(RoleDef("ClusterRole", entry["name"], "", rules, dict(entry.get("labels") or {}), aggregation))
    bindings = []
    for entry in data.get("cluster_role_bindings", []):
        if not probe.version_at_least(entry.get("since")):
            continue
        subjects = [
            Subject(s.get("kind", ""), s.get("name", ""), s.get("namespace", ""), bool(s.get("namespace")), s.get("apiGroup", ""), i, None)
            for i, s in enumerate(entry.get("subjects") or [])
        ]
        bindings.append(BindingDef("ClusterRoleBinding", entry["name"], "", "ClusterRole", entry["roleRef"], subjects))
    _BUILTIN_OBJECTS[(data_id, version)] = (data, roles, bindings)
    return roles, bindings


def _first_by_path(sources: list[Source]) -> dict[str, Source]:
    found: dict[str, Source] = {}
    for source in sources:
        found.setdefault(source.path, source)
    return found
