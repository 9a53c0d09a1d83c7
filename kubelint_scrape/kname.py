"""Kustomize `namePrefix:` / `nameSuffix:` applied to the objects of a build (imported only when a Kustomization of
the inputs sets one: most runs never load it).

What kustomize does (kubernetes-sigs/kustomize, api/internal/builtins/PrefixTransformer.go and SuffixTransformer.go at
2639397a; api/konfig/builtinpluginconsts/namereference.go at 003a131f):
- Each kustomization's prefix/suffix renames `metadata.name` of every object of its build — its own resources and
  the builds below it, already renamed by their own — except CustomResourceDefinitions, APIServices and Namespaces
  (prefixFieldSpecsToSkip). Nested roots compose: outer prefix + inner prefix + name + inner suffix + outer suffix.
- The nameReference transformer then rewrites each reference naming one of an object's EARLIER names (what a file
  writes, or what an inner build made of it: resource.PrevIds) to the object's new name — only on the fields of
  namereference.go, and only to objects of the same build. A reference naming an object outside the build (a
  built-in ClusterRole such as `view`, another build's account) or already naming the built name is left as
  written. Fields read here: RoleBinding/ClusterRoleBinding `roleRef.name` (Role, ClusterRole) and ServiceAccount
  `subjects[].name`; Role/ClusterRole `rules[].resourceNames` (ConfigMap, Secret); pod templates' `serviceAccountName` (Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob,
  ReplicationController — not ReplicaSet), and their ConfigMap/Secret references: volumes, projected sources,
  `env[].valueFrom`, `envFrom` (not ReplicationController). Custom resources (a Prometheus Operator Prometheus's
  `serviceAccountName`) have no nameReference entry: kustomize leaves them as written.
Names a configMapGenerator makes are left as their generator names them (analyse._kustomize_generated reads those),
and the references to them too, so the two still meet.
"""

from __future__ import annotations

from typing import Any

from .yamltree import YMap, YSeq

Affixes = tuple[tuple[str, str], ...]  # (prefix, suffix) of each kustomization renaming a file, innermost first
# (kind, an earlier name) → (built name, the namespace its file writes): the objects a build renames
Names = dict[tuple[str, str], tuple[str, str]]

NOT_RENAMED = frozenset({"CustomResourceDefinition", "APIService", "Namespace"})
REFERRED_KINDS = frozenset({"ServiceAccount", "Role", "ClusterRole", "ConfigMap", "Secret"})
SA_REFERRERS = {"Pod", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"}
_CONFIG_REFERRERS = {"Pod", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet"}
_RBAC_GROUP = "rbac.authorization.k8s.io"


def names_along(name: str, affixes: Affixes) -> list[str]:
    """The names an object written `name` has along its build, the written one first and the built one last."""
    names = [name]
    for prefix, suffix in affixes:
        names.append(prefix + names[-1] + suffix)
    return names


def build_names(objects: list[tuple[str, str, str, Affixes]]) -> Names:
    """The renamed objects of one build ((kind, written name, written namespace, its affixes in the build)), by every
    earlier name: what its references may name."""
    found: Names = {}
    for kind, name, namespace, affixes in objects:
        if kind in REFERRED_KINDS and name and affixes:
            along = names_along(name, affixes)
            for earlier in along[:-1]:
                found.setdefault((kind, earlier), (along[-1], namespace))
    return found


def renamed(doc: Any, affixes: Affixes, names: Names, namespace: str | None) -> Any:
    """`doc` as the build writes it: its name with the affixes, its references to the build's renamed objects with
    their built names (a new tree where one changes, the same where none does; positions kept). `namespace`: the
    namespace the build gives it (a subject writing it still names the account it moved)."""
    if not isinstance(doc, YMap):
        return doc
    kind = doc.get("kind")
    metadata = doc.get("metadata")
    if affixes and kind not in NOT_RENAMED and isinstance(metadata, YMap) and isinstance(metadata.get("name"), str) \
            and metadata["name"]:
        doc = _put(doc, "metadata", _put(metadata, "name", names_along(metadata["name"], affixes)[-1]))
    if not names:
        return doc
    if kind in ("RoleBinding", "ClusterRoleBinding") and str(doc.get("apiVersion", "")).startswith(_RBAC_GROUP):
        return _binding_renamed(doc, names, namespace)
    if kind in ("Role", "ClusterRole") and str(doc.get("apiVersion", "")).startswith(_RBAC_GROUP):
        return _in(doc, "rules", lambda rules: _seq_map(rules, lambda rule: _in(
            rule, "resourceNames", lambda items: _seq_map(items, _resource_name(names)))))
    if kind in SA_REFERRERS or kind in _CONFIG_REFERRERS:
        path = ("spec",) if kind == "Pod" else (
            ("spec", "jobTemplate", "spec", "template", "spec") if kind == "CronJob" else ("spec", "template", "spec"))
        return _along(doc, path, lambda spec: _pod_spec_renamed(spec, kind, names))
    return doc


def _binding_renamed(doc: YMap, names: Names, namespace: str | None) -> YMap:
    role_ref = doc.get("roleRef")
    if isinstance(role_ref, YMap) and role_ref.get("kind") in ("Role", "ClusterRole"):
        doc = _put(doc, "roleRef", _ref_renamed(role_ref, "name", role_ref["kind"], names))
    subjects = doc.get("subjects")
    if isinstance(subjects, YSeq):
        def subject_renamed(subject: Any) -> Any:
            if not isinstance(subject, YMap) or subject.get("kind") != "ServiceAccount":
                return subject
            name, written = subject.get("name"), subject.get("namespace") or ""
            found = names.get(("ServiceAccount", name)) if isinstance(name, str) else None
            # the account the subject names: no namespace, or the account's before or after the build moved it
            # (as build.kustomized_subjects judges the namespace it writes)
            if found is None or written not in ("", found[1] or "default", namespace or found[1] or "default"):
                return subject
            return _put(subject, "name", found[0])
        doc = _put(doc, "subjects", _seq_map(subjects, subject_renamed))
    return doc


def _resource_name(names: Names) -> Any:
    """A rule's resourceNames entry naming a ConfigMap, else a Secret, of the build (namereference.go lists
    `rules/resourceNames` for both, whatever the rule's `resources`; the ConfigMap's entry runs first)."""
    def renamed_name(item: Any) -> Any:
        if not isinstance(item, str):
            return item
        found = names.get(("ConfigMap", item)) or names.get(("Secret", item))
        return item if found is None else found[0]
    return renamed_name


def _pod_spec_renamed(spec: Any, kind: str, names: Names) -> Any:
    if not isinstance(spec, YMap):
        return spec
    if kind in SA_REFERRERS:
        spec = _ref_renamed(spec, "serviceAccountName", "ServiceAccount", names)
    if kind not in _CONFIG_REFERRERS:
        return spec

    def volume(item: Any) -> Any:
        item = _in(item, "configMap", lambda ref: _ref_renamed(ref, "name", "ConfigMap", names))
        item = _in(item, "secret", lambda ref: _ref_renamed(ref, "secretName", "Secret", names))
        return _in(item, "projected", lambda projected: _in(projected, "sources", lambda sources: _seq_map(
            sources, lambda source: _in(_in(source, "configMap", lambda ref: _ref_renamed(ref, "name", "ConfigMap", names)),
                                        "secret", lambda ref: _ref_renamed(ref, "name", "Secret", names)))))

    def env(item: Any) -> Any:
        return _in(item, "valueFrom", lambda value: _in(
            _in(value, "configMapKeyRef", lambda ref: _ref_renamed(ref, "name", "ConfigMap", names)),
            "secretKeyRef", lambda ref: _ref_renamed(ref, "name", "Secret", names)))

    def env_from(item: Any) -> Any:
        return _in(_in(item, "configMapRef", lambda ref: _ref_renamed(ref, "name", "ConfigMap", names)),
                   "secretRef", lambda ref: _ref_renamed(ref, "name", "Secret", names))

    def container(item: Any) -> Any:
        item = _in(item, "env", lambda items: _seq_map(items, env))
        return _in(item, "envFrom", lambda items: _seq_map(items, env_from))

    spec = _in(spec, "volumes", lambda items: _seq_map(items, volume))
    for key in ("containers", "initContainers"):
        spec = _in(spec, key, lambda items: _seq_map(items, container))
    return spec


# --- copy on write, positions kept ---------------------------------------------------------------------------------


def _ref_renamed(node: Any, key: str, kind: str, names: Names) -> Any:
    if not isinstance(node, YMap):
        return node
    value = node.get(key)
    found = names.get((kind, value)) if isinstance(value, str) else None
    return node if found is None else _put(node, key, found[0])


def _in(node: Any, key: str, change: Any) -> Any:
    if not isinstance(node, YMap) or key not in node:
        return node
    return _put(node, key, change(node[key]))


def _along(node: Any, path: tuple[str, ...], change: Any) -> Any:
    if not path:
        return change(node)
    return _in(node, path[0], lambda child: _along(child, path[1:], change))


def _put(node: YMap, key: str, value: Any) -> YMap:
    if node.get(key) is value or (isinstance(value, str) and node.get(key) == value):
        return node
    copy = YMap(node.pos)
    for k, v in node.items():
        copy.put(k, value if k == key else v, node.key_pos(k), node.value_pos(k))
    return copy


def _seq_map(node: Any, change: Any) -> Any:
    if not isinstance(node, YSeq):
        return node
    items = [change(item) for item in node]
    if all(new is old for new, old in zip(items, node)):
        return node
    sequence = YSeq(node.pos)
    sequence.extend(items)
    sequence.ipos = [node.item_pos(i) for i in range(len(node))]
    return sequence


# --- what a file's model depends on -------------------------------------------------------------------------------


class _Recorder(dict):
    """Names that remembers what is asked of it: the (kind, name) pairs renamed() looks up in a document."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[tuple[str, str]] = set()

    def __bool__(self) -> bool:
        return True

    def get(self, key: Any, default: Any = None) -> Any:
        self.asked.add(key)
        return default


def referenced(docs: list[Any]) -> frozenset[tuple[str, str]]:
    """The (kind, name) pairs the documents' references may name: what of a build's names their model depends on
    (a file's model is keyed by those alone, not by every name of its build: an edit elsewhere keeps its memo)."""
    recorder = _Recorder()
    for doc in docs:
        renamed(doc, (), recorder, None)
    return frozenset(recorder.asked)


def strings(node: Any, found: set[str]) -> set[str]:
    """Every string of a tree (the values a patch may write into a reference)."""
    todo = [node]
    while todo:
        node = todo.pop()
        if isinstance(node, str):
            found.add(node)
        elif isinstance(node, dict):
            todo.extend(node.values())
        elif isinstance(node, (list, tuple)):
            todo.extend(node)
    return found
