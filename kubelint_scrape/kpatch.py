"""Kustomize patches applied to the objects of the builds that name them (imported only when a Kustomization of
the inputs has patches: most runs never load it).

A Kustomization's `patches:` (a file `path:` or inline `patch:`, with an optional `target:` selector),
`patchesStrategicMerge:` (files or inline text) and `patchesJson6902:` (target + file or inline ops) change the
objects of its own build — its resources and the builds below them — not the files. Two forms:
- JSON 6902 (RFC 6902; kustomize api/filters/patchjson6902): a list of operations add/remove/replace/copy/move/test
  on a JSON pointer (`/rules/-` appends, `~1` is `/`, `~0` is `~`). An operation that cannot apply (a missing path,
  a failing test) makes `kustomize build` fail: the object is then left as its base writes it.
- Strategic merge (api/filters/patchstrategicmerge, k8s strategic-merge-patch): mappings merge key by key, `null`
  deletes a key; lists of objects with a patch merge key merge element by element (containers, volumes, env by
  `name`, volumeMounts by `mountPath`…), every other list is replaced (Role `rules`, binding `subjects`, `args`);
  `$patch: delete` removes the object (or a list element), `$patch: replace` replaces the mapping. Without a target
  a patch applies to the object of its group, kind, name (and namespace, where it names one); with one, to every
  object the selector picks.
A Kustomization's `images:` (api/builtins ImageTagTransformer, api/filters/imagetag) is applied the same way, after
every patch (kusttarget_configplugin.go runs it after PatchJson6902): each entry, in order, rewrites the `image` of
every item of a `containers`/`initContainers` list anywhere in an object (LegacyFilter; not in a CRD) whose name is
the entry's `name` — the Prometheus release a config is checked against is the image's tag (promvalidate.py), and
a base that pins an old tag its overlay replaces is common.
Patched values keep the position where the user wrote them (yamltree.FilePos: the patch file, or the inline
patch's line in the kustomization file), so a finding on a patched role's rule points into the patch.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Callable, Iterable

from .k8sselector import label_selector_matches
from .load import Source, parse_text
from .model import CLUSTER_SCOPED_KINDS
from .yamltree import FilePos, YMap, YSeq, as_map, as_seq, as_str

# Lists of objects a strategic merge patch merges element by element, by this key (the k8s API types'
# patchMergeKey on the fields the analysis reads); every other list is replaced whole.
MERGE_KEYS = {
    "containers": "name", "initContainers": "name", "ephemeralContainers": "name", "volumes": "name",
    "env": "name", "imagePullSecrets": "name", "volumeMounts": "mountPath", "volumeDevices": "devicePath",
    "ports": "containerPort", "hostAliases": "ip",
}


# Path (as the inputs name it) → the Source of each file a patch of the last build was read from: a patched
# ConfigMap value's embedded config is parsed against its own file's text (build.embedded_configs).
_ORIGINS: dict[str, Source] = {}


def origin_source(path: str) -> Source | None:
    return _ORIGINS.get(path)


class PatchError(ValueError):
    """What makes `kustomize build` refuse the patch (a missing path, a failing test, a malformed operation)."""


class Patch:
    """One patch of a Kustomization: `json6902` ops or `smp` documents, with its target selector (or None). `late`:
    a patchesJson6902 entry, which kustomize runs after its kustomization's namespace transformer (the others run
    before it, so they find the objects in the namespace the builds inside gave them)."""

    __slots__ = ("form", "body", "target", "key", "late")

    def __init__(self, form: str, body: list, target: YMap | None, key: tuple, late: bool = False) -> None:
        self.form, self.body, self.target, self.key, self.late = form, body, target, key, late

    def __eq__(self, other: object) -> bool:  # by what it was read from: a memo key of the patched files' models
        return isinstance(other, Patch) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)

    def apply(self, doc: YMap, namespace: str) -> YMap | None:
        """The object patched (None: `$patch: delete` removed it); `namespace`: the one the build has given it when
        the patch runs ("": none yet, it has the one it is written with)."""
        if self.form == "images":
            return _retagged(doc, self.body) if as_str(doc.get("kind")) != "CustomResourceDefinition" else doc
        if self.form == "json6902":
            if self.target is None or not selected(self.target, doc, namespace):
                return doc
            return json6902(doc, self.body)
        for patch in self.body:
            if not isinstance(patch, YMap):
                continue
            if self.target is not None:
                if not selected(self.target, doc, namespace):
                    return doc
                patch = _unnamed(patch)  # kustomize gives the patch each target's name
            elif not same_object(patch, doc, namespace):
                continue
            doc = strategic_merge(doc, patch, _builtin(doc))
            if doc is None:
                return None
        return doc


def apply_patches(doc: Any, patches: Iterable[Patch], namespace: str | tuple[str, ...]) -> Any:
    """`doc` after each patch in order; a patch kustomize would refuse leaves it as it was (see the docstring).
    `namespace`: as Patch.apply's, one for all patches or one per patch."""
    if not isinstance(doc, YMap):
        return doc
    for index, patch in enumerate(patches):
        try:
            patched = patch.apply(doc, namespace if isinstance(namespace, str) else namespace[index])
        except PatchError:
            continue
        if patched is None:
            return None
        doc = patched
    return doc


# --- reading a Kustomization's patches -------------------------------------------------------------------------


def kustomization_patches(source: Source, doc: YMap, files: dict[str, Source]) -> list[Patch]:
    """The patches of one Kustomization document, in the order kustomize applies them: patchesStrategicMerge, then
    patches, then (after the namespace, prefix and label transformers) patchesJson6902 (api/internal/target
    kusttarget_configplugin.go configureBuiltinTransformers). `files`: the input Sources by absolute path (a patch file the inputs do not hold is left out: KS008
    reports a missing one)."""
    import os

    base = os.path.dirname(os.path.abspath(source.path))
    found: list[Patch] = []
    entries: list[tuple[str, Any, Any, Any, Any]] = []  # (field, target, container, key, text)
    smp = as_seq(doc.get("patchesStrategicMerge"))
    entries += [("patchesStrategicMerge", None, smp, index, value) for index, value in enumerate(smp)]
    for key in ("patches", "patchesJson6902"):
        for item in as_seq(doc.get(key)):
            if not isinstance(item, YMap):
                continue
            target = item.get("target") if isinstance(item.get("target"), YMap) else None
            if isinstance(item.get("patch"), str):
                entries.append((key, target, item, "patch", item["patch"]))
            elif isinstance(item.get("path"), str):
                entries.append((key, target, None, None, item["path"]))
    for number, (field, target, container, key, text) in enumerate(entries):
        if not isinstance(text, str) or not text.strip():
            continue
        if container is not None and (key == "patch" or "\n" in text):  # inline: lines of the kustomization file
            shown, parsed = source.path, _inline(source, container, key, text)
            _ORIGINS[shown] = source
            # where it stands is part of what it is: moved by an edit, its values' positions move (a memo key)
            text = (text, container.item_pos(key) if isinstance(container, YSeq) else container.value_pos(key))
        else:
            patch_file = files.get(os.path.normpath(os.path.join(base, text)))
            if patch_file is None:
                continue
            shown, parsed, text = patch_file.path, _reparsed(patch_file), patch_file.text
            _ORIGINS[shown] = patch_file
        if not parsed:
            continue
        key = (source.path, number, text, shown, tuple((str(k), str(v)) for k, v in target.items()) if target else None)
        if field != "patchesStrategicMerge" and len(parsed) == 1 and isinstance(parsed[0], list):
            found.append(Patch("json6902", parsed[0], target, key, field == "patchesJson6902"))
        elif field != "patchesJson6902":
            found.append(Patch("smp", [d for d in parsed if isinstance(d, YMap)], target, key))
    images = [image for image in (_image_entry(item) for item in as_seq(doc.get("images"))) if image is not None]
    if images:
        found.append(Patch("images", images, None, (source.path, "images", tuple(images), source.path), late=True))
    return found


# --- images: kustomize's ImageTagTransformer ----------------------------------------------------------------------


def _image_entry(item: Any) -> tuple[str, str, str, str] | None:
    """(name, newName, newTag, digest) of an `images:` entry (types.Image; its fields are strings: a number is not
    one, and kustomize refuses to read it), or None where it changes nothing."""
    if not isinstance(item, YMap) or not isinstance(item.get("name"), str) or not item["name"]:
        return None
    fields = tuple(item.get(field) if isinstance(item.get(field), str) else "" for field in ("newName", "newTag", "digest"))
    return (item["name"], *fields) if any(fields) else None


def _image_matched(image: str, name: str) -> bool:
    """kustomize's image.IsImageMatched: `name` is a regular expression (written unescaped into the pattern), then an
    optional tag and digest."""
    try:
        return re.fullmatch(name + r"(:[a-zA-Z0-9_.{}-]*)?(@[a-zA-Z][a-zA-Z0-9]*:[a-zA-Z0-9_.{}-]*)?", image) is not None
    except re.error:
        return False


def _split_image(image: str) -> tuple[str, str, str]:
    """kustomize's image.Split: (name, tag, digest), looking for `:`/`@` only after the first `/` (a registry's port
    is no tag)."""
    slash = max(image.find("/"), 0)
    rest = image[slash:]
    at, colon = rest.find("@"), rest.find(":")
    if at < 0 and colon < 0:
        return image, "", ""
    if at >= 0 and (colon < 0 or at < colon):
        return image[:slash + at], "", image[slash + at + 1:]
    if at >= 0:
        return image[:slash + colon], image[slash + colon + 1:slash + at], image[slash + at + 1:]
    return image[:slash + colon], image[slash + colon + 1:], ""


def retag_image(image: str, entry: tuple[str, str, str, str]) -> str:
    """`image` as one `images:` entry leaves it (imagetag/updater.go SetImageValue): a new tag or digest replaces both
    the tag and the digest written."""
    name, new_name, new_tag, digest = entry
    if not _image_matched(image, name):
        return image
    base, tag, old_digest = _split_image(image)
    base = new_name or base
    if new_tag or digest:
        tag, old_digest = new_tag, digest
    return base + (":" + tag if tag else "") + ("@" + old_digest if old_digest else "")


def _retagged(node: Any, entries: list) -> Any:
    """`node` with the images of its containers rewritten by `entries` in order (a new tree where one changes, the
    same node where none does; positions kept: the value stays where its object writes the image)."""
    if isinstance(node, YSeq):
        items = [_retagged(item, entries) for item in node]
        if all(new is old for new, old in zip(items, node)):
            return node
        return _seq(node.pos, [(item, node.item_pos(i)) for i, item in enumerate(items)])
    if not isinstance(node, YMap):
        return node
    copy = None
    for key, value in node.items():
        new = _retagged(value, entries)
        if key in ("containers", "initContainers") and isinstance(new, YSeq):
            items = [_container_retagged(item, entries) for item in new]
            if any(item is not old for item, old in zip(items, new)):
                new = _seq(new.pos, [(item, new.item_pos(i)) for i, item in enumerate(items)])
        if new is not value:
            if copy is None:
                copy = _copy_map(node)
            copy.put(key, new, node.key_pos(key), node.value_pos(key))
    return node if copy is None else copy


def _container_retagged(container: Any, entries: list) -> Any:
    if not isinstance(container, YMap) or not isinstance(container.get("image"), str):
        return container
    image = container["image"]
    for entry in entries:
        image = retag_image(image, entry)
    if image == container["image"]:
        return container
    copy = _copy_map(container)
    copy.put("image", image, container.key_pos("image"), container.value_pos("image"))
    return copy


def _reparsed(source: Source) -> list[Any]:
    """A patch file's documents with every position naming the file (FilePos): parsed again, as the Source's own
    tree is shared with every other reader. Memoised on the file."""
    found = source.memo.get("patch documents")
    if found is None:
        documents, _findings, _status = parse_text(source.path, source.text)
        path = source.path
        found = source.memo["patch documents"] = [
            _rebased(d.root, lambda pos: FilePos(pos[0], pos[1], path)) for d in documents if d.root is not None]
    return found


def _inline(source: Source, container: Any, key: Any, text: str) -> list[Any]:
    """An inline patch's documents, positioned on the kustomization file's lines as build.py maps an embedded
    config's (exact for a literal block scalar)."""
    from .build import embedded_position

    holder = container
    if isinstance(container, YSeq):  # a patchesStrategicMerge item: a one-key view of it for embedded_position
        holder = YMap(container.pos)
        holder.put(key, container[key], container.item_pos(key), container.item_pos(key))
    position = embedded_position(source.text, holder, key)
    documents, _findings, _status = parse_text(source.path, text)
    path = source.path
    return [_rebased(d.root, lambda pos: FilePos(*position(pos[0] - 1, pos[1] - 1), path))
            for d in documents if d.root is not None]


def _rebased(node: Any, move: Callable[[Any], FilePos]) -> Any:
    """`node` (a tree just parsed, owned by the caller) with every position moved by `move`, in place."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, YMap):
            current.pos = move(current.pos)
            current.places = [move(p) for p in current.places]
            stack.extend(current.values())
        elif isinstance(current, YSeq):
            current.pos = move(current.pos)
            current.ipos = [move(p) for p in current.ipos]
            stack.extend(current)
    return node


# --- which objects a patch applies to ---------------------------------------------------------------------------


def _gvk(doc: YMap) -> tuple[str, str, str]:
    group, _, version = as_str(doc.get("apiVersion")).rpartition("/")
    return group, version, as_str(doc.get("kind"))


# kustomize's ResId.EffectiveNamespace (api/resid/resid.go) of a cluster-scoped object, which a selector's
# namespace never names.
NOT_A_NAMESPACE = "_non_namespaceable_"


def _namespaces(doc: YMap, namespace: str) -> set[str]:
    """The namespaces a patch may name the object by (kustomize's Select and GetMatchingResourcesByAnyId try the
    original id, then the current one): as written, or as a build has given it by the time the patch runs — not
    the namespace the patch's own kustomization gives it afterwards (kubernetes/kubernetes#101199) — an empty one
    being `default`."""
    if as_str(doc.get("kind")) in CLUSTER_SCOPED_KINDS:
        return {NOT_A_NAMESPACE}
    written = as_str(as_map(doc.get("metadata")).get("namespace")) or "default"
    return {written, namespace or written}


def same_object(patch: YMap, doc: YMap, namespace: str) -> bool:
    """A target-less strategic merge patch's object: same group, kind and name; same namespace where it names one
    (on a cluster-scoped kind the patch's namespace is no part of its id, as the object's is not)."""
    metadata = as_map(patch.get("metadata"))
    if _gvk(patch)[::2] != _gvk(doc)[::2] or as_str(metadata.get("name")) != as_str(as_map(doc.get("metadata")).get("name")):
        return False
    wanted = as_str(metadata.get("namespace"))
    found = _namespaces(doc, namespace)
    return not wanted or NOT_A_NAMESPACE in found or wanted in found


def selected(target: YMap, doc: YMap, namespace: str) -> bool:
    """kustomize's Selector (api/types/selector.go): group, version, kind, name and namespace are anchored regular
    expressions (empty: any), labelSelector and annotationSelector label selectors."""
    group, version, kind = _gvk(doc)
    metadata = as_map(doc.get("metadata"))
    for field, actual in (("group", group), ("version", version), ("kind", kind), ("name", as_str(metadata.get("name")))):
        if not _matches(target.get(field), actual):
            return False
    wanted = target.get("namespace")
    if isinstance(wanted, str) and wanted and not any(_matches(wanted, n) for n in _namespaces(doc, namespace)):
        return False
    return (label_selector_matches(as_str(target.get("labelSelector")), as_map(metadata.get("labels")))
            and label_selector_matches(as_str(target.get("annotationSelector")), as_map(metadata.get("annotations"))))


def _matches(pattern: Any, actual: str) -> bool:
    if not isinstance(pattern, str) or not pattern:
        return True
    try:
        return re.fullmatch(pattern, actual) is not None
    except re.error:
        return pattern == actual


def _builtin(doc: YMap) -> bool:
    """A Kubernetes API type, whose lists merge by their patch merge keys (a custom resource's lists are replaced:
    kustomize knows no schema for them)."""
    group = _gvk(doc)[0]
    return group in ("", "apps", "batch", "extensions") or group.endswith(".k8s.io")


def _unnamed(patch: YMap) -> YMap:
    metadata = patch.get("metadata")
    if not isinstance(metadata, YMap) or not ("name" in metadata or "namespace" in metadata):
        return patch
    copy = _copy_map(patch)
    copy.put("metadata", _without(metadata, ("name", "namespace")), patch.key_pos("metadata"), patch.value_pos("metadata"))
    return copy


# --- strategic merge ----------------------------------------------------------------------------------------------


def _copy_map(node: YMap) -> YMap:
    copy = YMap(node.pos)
    for key, value in node.items():
        copy.put(key, value, node.key_pos(key), node.value_pos(key))
    return copy


def _without(node: YMap, keys: Iterable[Any]) -> YMap:
    copy = YMap(node.pos)
    for key, value in node.items():
        if key not in keys:
            copy.put(key, value, node.key_pos(key), node.value_pos(key))
    return copy


def _seq(pos: Any, items: list[tuple[Any, Any]]) -> YSeq:
    sequence = YSeq(pos)
    sequence.extend(item for item, _pos in items)
    sequence.ipos = [p for _item, p in items]
    return sequence


def _directives(patch: YMap) -> YMap:
    """The patch without its `$…` directives (`$patch`, `$retainKeys`, `$setElementOrder/…`), which are not fields."""
    if not any(isinstance(key, str) and key.startswith("$") for key in patch):
        return patch
    return _without(patch, [key for key in patch if isinstance(key, str) and key.startswith("$")])


def strategic_merge(base: Any, patch: YMap, merge_lists: bool) -> YMap | None:
    """`base` with the strategic merge patch applied (a new tree; the base is shared and left alone). None: the
    patch deletes the object."""
    directive = patch.get("$patch")
    if directive == "delete":
        return None
    if directive == "replace" or not isinstance(base, YMap):
        return _directives(patch)
    result = _copy_map(base)
    for key, value in patch.items():
        if isinstance(key, str) and key.startswith("$"):
            continue
        if value is None:
            if key in result:
                result = _without(result, (key,))
            continue
        old = result.get(key)
        if isinstance(value, YMap) and isinstance(old, YMap):
            merged = strategic_merge(old, value, merge_lists)
            if merged is None:
                result = _without(result, (key,))
            else:
                result.put(key, merged, result.key_pos(key), result.value_pos(key))
        elif isinstance(value, YSeq) and isinstance(old, YSeq) and merge_lists and key in MERGE_KEYS:
            result.put(key, _merge_list(old, value, _merge_key(key, old, value), merge_lists), result.key_pos(key),
                       result.value_pos(key))
        else:
            result.put(key, _clean(value), patch.key_pos(key), patch.value_pos(key))
    return result


def _merge_key(key: str, base: YSeq, patch: YSeq) -> str:
    """The merge key of the list under `key`. `ports` is a container's (ContainerPort, merged by containerPort, which
    each must have) or a Service's (ServicePort: patchMergeKey `port`): merged by containerPort, a port a patch adds
    to a Service took the place of one of its own (both have none)."""
    if key == "ports" and not any(isinstance(item, YMap) and "containerPort" in item for item in (*base, *patch)):
        return "port"
    return MERGE_KEYS[key]


def _clean(value: Any) -> Any:
    """A patch value written into the object: without its directives."""
    return _directives(value) if isinstance(value, YMap) else value


def _merge_list(base: YSeq, patch: YSeq, merge_key: str, merge_lists: bool) -> YSeq:
    """A list merged element by element on `merge_key`: a patch element merges into the base element with the same
    key, `$patch: delete` removes it, a new one is appended; `- $patch: replace` replaces the whole list."""
    if any(isinstance(item, YMap) and item.get("$patch") == "replace" for item in patch):
        return _seq(patch.pos, [(_clean(item), patch.item_pos(i)) for i, item in enumerate(patch)
                                if not (isinstance(item, YMap) and item.get("$patch") == "replace")])
    items = [(item, base.item_pos(i)) for i, item in enumerate(base)]
    index = {as_str(item.get(merge_key)): i for i, (item, _pos) in enumerate(items) if isinstance(item, YMap)}
    deleted: set[int] = set()
    for i, element in enumerate(patch):
        if not isinstance(element, YMap):
            continue
        at = index.get(as_str(element.get(merge_key)))
        if element.get("$patch") == "delete":
            if at is not None:
                deleted.add(at)
            continue
        if at is None:
            index[as_str(element.get(merge_key))] = len(items)
            items.append((_clean(element), patch.item_pos(i)))
        else:
            merged = strategic_merge(items[at][0], element, merge_lists)
            if merged is None:
                deleted.add(at)
            else:
                items[at] = (merged, items[at][1])
    return _seq(base.pos, [item for i, item in enumerate(items) if i not in deleted])


# --- JSON 6902 ----------------------------------------------------------------------------------------------------


def pointer(text: Any) -> tuple[str, ...]:
    """A JSON pointer's reference tokens (`~1` is `/`, `~0` is `~`, in that order: RFC 6901 §4)."""
    if not isinstance(text, str) or (text and not text.startswith("/")):
        raise PatchError(f"not a JSON pointer: {text!r}")
    return _tokens(text)


@functools.lru_cache(maxsize=1024)  # (one patch applies to every object its target selects)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(token.replace("~1", "/").replace("~0", "~") for token in text.split("/")[1:])


def _index(node: YSeq, token: str, appending: bool) -> int:
    if appending and token == "-":
        return len(node)
    if not token.isdigit() or (len(token) > 1 and token.startswith("0")):
        raise PatchError(f"not an index: {token!r}")
    index = int(token)
    if index > len(node) or (index == len(node) and not appending):
        raise PatchError(f"index {index} out of range")
    return index


def _get(node: Any, tokens: tuple[str, ...]) -> Any:
    for token in tokens:
        if isinstance(node, YMap):
            if token not in node:
                raise PatchError(f"no key {token!r}")
            node = node[token]
        elif isinstance(node, YSeq):
            node = node[_index(node, token, False)]
        else:
            raise PatchError("path through a scalar")
    return node


def _changed(node: Any, tokens: tuple[str, ...], change: Callable[[Any, str], Any]) -> Any:
    """A copy of `node` along `tokens` with `change(parent, last token)` giving the new parent (copy on write)."""
    if len(tokens) == 1:
        return change(node, tokens[0])
    token = tokens[0]
    if isinstance(node, YMap):
        if token not in node:
            raise PatchError(f"no key {token!r}")
        copy = _copy_map(node)
        copy.put(token, _changed(node[token], tokens[1:], change), node.key_pos(token), node.value_pos(token))
        return copy
    if isinstance(node, YSeq):
        index = _index(node, token, False)
        items = [(item, node.item_pos(i)) for i, item in enumerate(node)]
        items[index] = (_changed(node[index], tokens[1:], change), items[index][1])
        return _seq(node.pos, items)
    raise PatchError("path through a scalar")


def _adder(value: Any, key_pos: Any, value_pos: Any, replace: bool, operation: YMap | None = None) -> Callable[[Any, str], Any]:
    def add(parent: Any, token: str) -> Any:
        if isinstance(parent, YMap):
            if replace and token not in parent:
                raise PatchError(f"no key {token!r} to replace")
            copy = _copy_map(parent)
            copy.put(token, value, key_pos, value_pos)
            return copy
        if isinstance(parent, YSeq):
            index = _index(parent, token, not replace)
            if operation is not None:
                _mark_operation(value, operation)
            items = [(item, parent.item_pos(i)) for i, item in enumerate(parent)]
            if replace:
                items[index] = (value, value_pos)
            else:
                items.insert(index, (value, value_pos))
            return _seq(parent.pos, items)
        raise PatchError("add into a scalar")
    return add


def _remove(parent: Any, token: str) -> Any:
    if isinstance(parent, YMap):
        if token not in parent:
            raise PatchError(f"no key {token!r} to remove")
        return _without(parent, (token,))
    if isinstance(parent, YSeq):
        index = _index(parent, token, False)
        return _seq(parent.pos, [(item, parent.item_pos(i)) for i, item in enumerate(parent) if i != index])
    raise PatchError("remove from a scalar")


def json6902(doc: YMap, operations: list) -> YMap:
    """`doc` with the operations applied in order (a new tree); PatchError where kustomize's would fail."""
    for operation in operations:
        if not isinstance(operation, YMap):
            raise PatchError("an operation is not a mapping")
        op, tokens = as_str(operation.get("op")), pointer(operation.get("path"))
        where = operation.value_pos("path") if "path" in operation else operation.pos
        if op in ("add", "replace", "test") and "value" not in operation:
            raise PatchError(f"{op} without a value")
        if op == "test":
            if _get(doc, tokens) != operation["value"]:
                raise PatchError("test failed")
            continue
        if not tokens:  # the whole document
            if op in ("add", "replace") and isinstance(operation["value"], YMap):
                doc = operation["value"]
                continue
            raise PatchError(f"{op} of the whole document")
        if op in ("add", "replace"):
            value, value_pos = operation["value"], operation.value_pos("value")
        elif op in ("copy", "move"):
            source = pointer(operation.get("from"))
            value = _get(doc, source)
            value_pos = getattr(value, "pos", where)
            if op == "move":
                if tokens[:len(source)] == source and len(tokens) > len(source):
                    raise PatchError("move into itself")
                doc = _changed(doc, source, _remove) if source else doc
        elif op == "remove":
            doc = _changed(doc, tokens, _remove)
            continue
        else:
            raise PatchError(f"unknown op {op!r}")
        doc = _changed(doc, tokens, _adder(value, where, value_pos, op == "replace",
                                           operation if op in ("add", "replace") else None))
    return doc


def _mark_operation(value: Any, operation: YMap) -> None:
    """Record on a mapping an `add`/`replace` operation writes as one list item (a Role's rule) which operation that
    is (`value.pos.operation`: op, the operation's position, its path): a fix that deletes or replaces the item
    must name the operation — its `value` deleted alone would write a null rule, a list pasted there one rule that
    is a list (patchfix.py). Set on the patch tree's own value, which only this operation ever writes."""
    pos = getattr(value, "pos", None)
    if isinstance(value, YMap) and pos.__class__ is FilePos and "operation" not in pos.__dict__:
        marked = FilePos(pos[0], pos[1], pos.path)
        marked.operation = (as_str(operation.get("op")), operation.pos, as_str(operation.get("path")))
        value.pos = marked
