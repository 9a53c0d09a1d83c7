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

from .yamltree import YMap, YSeq, as_str

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


# (kind, an earlier name) → ((built name, namespace as written, its affixes), …) of every renamed object of a build
# having that earlier name, in input order
Candidates = dict[tuple[str, str], tuple[tuple[str, str, Affixes], ...]]


def build_names(objects: list[tuple[str, str, str, Affixes]]) -> Names:
    """The renamed objects of one build ((kind, written name, written namespace, its affixes in the build)), by every
    earlier name: what its references may name (the first object having that name; pick() chooses for a file)."""
    return {key: found[0][:2] for key, found in build_candidates(objects).items()}


def build_candidates(objects: list[tuple[str, str, str, Affixes]]) -> Candidates:
    """build_names keeping every object of an earlier name: two bases of one overlay, each renaming its own
    `prometheus` account (`a-`, `b-`), both answer to `prometheus`."""
    found: dict[tuple[str, str], list[tuple[str, str, Affixes]]] = {}
    for kind, name, namespace, affixes in objects:
        if kind in REFERRED_KINDS and name and affixes:
            along = names_along(name, affixes)
            for earlier in along[:-1]:
                found.setdefault((kind, earlier), []).append((along[-1], namespace, affixes))
    return {key: tuple(dict.fromkeys(values)) for key, values in found.items()}


def pick(candidates: tuple[tuple[str, str, Affixes], ...], affixes: Affixes) -> tuple[str, str]:
    """The object a reference in a file renamed with `affixes` names among the build's objects of its name: one renamed
    as the file is. kustomize rewrites a reference at the innermost kustomization holding both it and an object of
    that name — each base's nameReference pass sees its own objects only, and the outer passes no longer find the
    rewritten name among the previous names — which for sibling bases is the object renamed along the same path
    (selectReferral's prefixSuffixEquals settles the rest the same way). Otherwise the first."""
    for built, namespace, their in candidates:
        if their == affixes:
            return built, namespace
    return candidates[0][:2]


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


# --- what a fix writes ---------------------------------------------------------------------------------------------


def account_reference(workspace: Any, pod: Any, account: Any) -> tuple[str, bool]:
    """(the name a fix writes in the pod template `pod` to make it run as ServiceAccount `account` (a
    ServiceAccountDef), whether the pod writes the deprecated `serviceAccount:` instead of `serviceAccountName:`).

    In a renaming build the file a user edits holds the names as written: a pod template's serviceAccountName naming
    the account's written name is rewritten to its built name by the build (the base stays right for every overlay),
    where the built name written into a base would name `team-a-prometheus` in every other overlay too. The
    deprecated `serviceAccount:` is no nameReference field (namereference.go lists serviceAccountName only): the
    build leaves it as written, so the fix moves it to serviceAccountName. A Prometheus's serviceAccountName (a
    custom resource) is never rewritten: its fix names the built account (pod None here)."""
    deprecated = pod is not None and not as_str(pod.spec.get("serviceAccountName")) \
        and bool(as_str(pod.spec.get("serviceAccount")))
    if pod is None or pod.obj.kind not in SA_REFERRERS:
        return account.name, deprecated
    return reference_name(workspace, pod.obj, account.obj, account.name), deprecated


def reference_name(workspace: Any, referrer: Any, referred: Any, built: str) -> str:
    """The name a fix writes in object `referrer` (a file's object) to name object `referred`, built `built`: in the
    same renaming build, the name `referred`'s file writes (the nameReference transformer rewrites it to the built
    name, in this build and in every other built from those files); otherwise the built name."""
    builds = workspace.indexes.get("kustomize") if referrer is not None and referred is not None else None
    assigned = builds.renamings()[0] if builds is not None else None
    if not assigned:
        return built
    import os

    where = assigned.get(os.path.abspath(referrer.path))
    found = assigned.get(os.path.abspath(referred.path))
    if where is None or found is None or where[0] != found[0]:
        return built
    return written_name(built, found[1])


def written_name(built: str, affixes: Affixes) -> str:
    """The name as written of an object built `built` with `affixes` (innermost first): names_along undone."""
    name = built
    for prefix, suffix in reversed(affixes):
        if not (name.startswith(prefix) and name.endswith(suffix)) or len(name) <= len(prefix) + len(suffix):
            return built
        name = name[len(prefix):len(name) - len(suffix)]
    return name
