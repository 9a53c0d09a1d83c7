"""Kustomize builds as the inputs show them: which files `kustomize build` of each Kustomization includes, which
namespace it gives them, and which files it applies as patches. One walker serves the model (the namespace a
build sets, build.py) and the checks (KS006's sibling overlays, patch files that are not objects of their own).

A Kustomization's `resources`, `components` and (deprecated, still read by kustomize v5) `bases` entries are files
or directories. A directory entry is another kustomization root: its build is exactly what ITS kustomization file
lists, followed to the end (an overlay → its base → the base's `../common`). Where the inputs do not hold that
directory's kustomization file, every input file under the directory stands in for it. Remote entries (`://`) are
left out: they are not in the inputs.

GitOps objects deploy a directory of their repository too, and the same walker follows it (GitOpsTarget):
- Flux's `kustomize.toolkit.fluxcd.io` Kustomization builds `spec.path` with kustomize, writing `spec.targetNamespace`
  into the root kustomization's `namespace:` (fluxcd/pkg kustomize/kustomize_generator.go WriteFile); where the path
  has no kustomization file Flux generates one listing every YAML file below it, recursively, a sub-directory with
  a kustomization file as a root of its own (generateKustomization). So targetNamespace is the outermost
  `namespace:`: it moves every namespaced object of the build, whatever namespace the object names.
- Argo CD's Application (or an ApplicationSet's template) renders `spec.source.path` (or each of `spec.sources`):
  kustomize where the directory has a kustomization file (`spec.source.kustomize.namespace` is `kustomize edit set
  namespace`: outermost, like Flux's), else the directory's own files (`directory.recurse: true`: every file below
  it); Helm and plugin sources are rendered from what the inputs do not hold and are left out. Then its sync gives
  `spec.destination.namespace` only to the objects that name none (gitops-engine pkg/sync/sync_context.go:
  `if targetObj.GetNamespace() == "" { targetObj.SetNamespace(sc.namespace) }`).
The path is relative to the repository root, which the inputs do not show: it is the input directory whose path ends
with it, where exactly one does (none, several, the root itself or a templated path: the object is left out).
"""

from __future__ import annotations

import bisect
import os
from typing import Any, Iterable, Iterator

from .load import Source
from .model import KUSTOMIZATION_FILES, is_kustomization_file, iter_documents
from .records import dataclass
from .yamltree import YMap, as_map, as_seq, as_str, filled_in_later

BUILD_KEYS = ("resources", "bases", "components")  # kustomize appends bases to resources (FixKustomization)
PATCH_LIST_KEYS = ("patches", "patchesJson6902")  # entries are mappings whose `path` names a file


@dataclass(frozen=True)
class Kustomization:
    path: str  # absolute
    shown: str  # as the inputs name the file (for messages)
    namespace: str | None  # its `namespace:`, which kustomize's namespace transformer writes into every resource
    entries: tuple[str, ...]  # absolute, normalised paths of its resources/components/bases
    patches: tuple[str, ...]  # absolute, normalised paths of the files it applies as patches
    patched: bool = False  # it has patches (files or inline) or `images:`: kpatch.py applies them to its build
    components: tuple[str, ...] = ()  # absolute, normalised paths of its `components:` entries (also in `entries`)
    remote: bool = False  # a resources/bases/components entry is remote (a URL, `github.com/org/repo?ref=`)
    name_prefix: str = ""  # its `namePrefix:` / `nameSuffix:`, which rename every object of its build (kname.py)
    name_suffix: str = ""


@dataclass(frozen=True)
class GitOpsTarget:
    """A namespace a GitOps object gives the objects of a repository directory (see the module's docstring)."""
    shown: str  # the file defining it, as the inputs name it
    index: int  # its position among the file's targets: two in one file stay apart
    path: str  # the directory, relative to the repository root, normalised
    namespace: str
    overrides: bool  # every namespaced object (Flux targetNamespace, Argo kustomize.namespace), else only unnamespaced
    recurse: bool  # a directory without a kustomization file: every file below it, else only its own files


def is_kustomization(path: str, doc: Any) -> bool:
    """A kustomize Kustomization or Component: by kind and kustomize's apiVersion, or a kustomization.yaml without
    either (kustomize reads those). Flux's `kustomize.toolkit.fluxcd.io` Kustomization is a cluster object, not this."""
    if not isinstance(doc, YMap):
        return False
    kind, api_version = doc.get("kind"), doc.get("apiVersion")
    if kind is None and api_version is None:
        return is_kustomization_file(path)
    return kind in ("Kustomization", "Component") and (
        api_version is None or (isinstance(api_version, str) and api_version.startswith("kustomize.config.k8s.io/")))


def source_kustomizations(source: Source) -> list[Kustomization]:
    """The Kustomizations a file defines; a function of the file, memoised on it like its model."""
    found = source.memo.get("kustomizations")
    if found is None:
        found = source.memo["kustomizations"] = [
            _kustomization(source.path, doc) for _document, doc in iter_documents(source) if is_kustomization(source.path, doc)]
    return found


def _kustomization(shown: str, doc: YMap) -> Kustomization:
    path = os.path.abspath(shown)
    base = os.path.dirname(path)
    namespace = doc.get("namespace")
    entries = [as_str(e) for key in BUILD_KEYS for e in as_seq(doc.get(key))]
    patches = [as_str(p) for p in as_seq(doc.get("patchesStrategicMerge"))]
    patched = bool(patches)
    for key in PATCH_LIST_KEYS:
        for item in as_seq(doc.get(key)):
            patches.append(as_str(as_map(item).get("path")))
            patched = patched or isinstance(as_map(item).get("patch"), str) or bool(patches[-1])
    patched = patched or bool(as_seq(doc.get("images")))  # kpatch.py applies its image transformer too
    prefix, suffix = doc.get("namePrefix"), doc.get("nameSuffix")
    return Kustomization(
        path, shown, namespace if isinstance(namespace, str) and namespace else None,
        tuple(_resolved(base, entries, allow_remote=False)), tuple(_resolved(base, patches, allow_remote=True)), patched,
        tuple(_resolved(base, [as_str(e) for e in as_seq(doc.get("components"))], allow_remote=False)),
        any(is_remote(entry) for entry in entries if entry),
        prefix if isinstance(prefix, str) else "", suffix if isinstance(suffix, str) else "")


def source_gitops_targets(source: Source) -> list[GitOpsTarget]:
    """The GitOps targets a file defines; a function of the file, memoised on it like its Kustomizations."""
    found = source.memo.get("gitops")
    if found is None:
        found = source.memo["gitops"] = []
        for _document, doc in iter_documents(source):
            for path, namespace, overrides, recurse in _gitops_targets(doc):
                normalised = os.path.normpath(path.lstrip("/"))
                if normalised not in (".", "..") and not normalised.startswith("../") and not filled_in_later(namespace):
                    found.append(GitOpsTarget(source.path, len(found), normalised, namespace, overrides, recurse))
    return found


def _gitops_targets(doc: Any) -> Iterable[tuple[str, str, bool, bool]]:
    """(path, namespace, overrides, recurse) of a Flux Kustomization or Argo CD Application/ApplicationSet."""
    if not isinstance(doc, YMap):
        return
    api_version, kind = as_str(doc.get("apiVersion")), doc.get("kind")
    if api_version.startswith("kustomize.toolkit.fluxcd.io/") and kind == "Kustomization":
        spec = as_map(doc.get("spec"))
        path, namespace = as_str(spec.get("path")), as_str(spec.get("targetNamespace"))
        if path and namespace:  # (no path: the repository root, which the inputs do not show)
            yield path, namespace, True, True
        return
    if not api_version.startswith("argoproj.io/") or kind not in ("Application", "ApplicationSet"):
        return
    spec = as_map(doc.get("spec"))
    if kind == "ApplicationSet":
        spec = as_map(as_map(spec.get("template")).get("spec"))
    destination = as_str(as_map(spec.get("destination")).get("namespace"))
    for source in [spec.get("source"), *as_seq(spec.get("sources"))]:
        source = as_map(source)
        path = as_str(source.get("path"))
        if not path or filled_in_later(path) or any(key in source for key in ("chart", "helm", "plugin")):
            continue
        recurse = as_map(source.get("directory")).get("recurse") is True
        kustomize_namespace = as_str(as_map(source.get("kustomize")).get("namespace"))
        if kustomize_namespace:
            yield path, kustomize_namespace, True, recurse
        if destination:
            yield path, destination, False, recurse


def _resolved(base: str, entries: Iterable[str], allow_remote: bool) -> Iterable[str]:
    for entry in entries:
        if entry and "\n" not in entry and (allow_remote or "://" not in entry):
            yield os.path.normpath(os.path.join(base, entry))


# Where a Kustomization names local files, with what kustomize requires there (api/krusty, api/internal/target).
_FILE, _FILE_OR_ROOT = "file", "file or kustomization directory"


def local_entries(doc: YMap) -> Iterator[tuple[str, str, Any, Any, str]]:
    """(field, entry as written, its container, its key or index there, what it must be) of each local path a
    Kustomization or Component names: build entries (a file, or a directory holding a kustomization file), patch
    files, generator files. Inline patches (text with a newline) and remote entries are left out."""
    for key in BUILD_KEYS:
        yield from _entries(key, doc.get(key), _FILE_OR_ROOT)
    yield from _entries("patchesStrategicMerge", doc.get("patchesStrategicMerge"), _FILE)
    for key in PATCH_LIST_KEYS:
        for item in as_seq(doc.get(key)):
            if isinstance(item, YMap) and isinstance(item.get("path"), str):
                yield f"{key}[].path", item["path"], item, "path", _FILE
    for key in ("configMapGenerator", "secretGenerator"):
        for generator in as_seq(doc.get(key)):
            if not isinstance(generator, YMap):
                continue
            for index, entry in enumerate(as_seq(generator.get("files"))):
                if isinstance(entry, str):
                    yield f"{key}[].files", entry.partition("=")[2] or entry, generator["files"], index, _FILE
            yield from _entries(f"{key}[].envs", generator.get("envs"), _FILE)
            if isinstance(generator.get("env"), str):
                yield f"{key}[].env", generator["env"], generator, "env", _FILE


def _entries(field: str, values: Any, must_be: str) -> Iterator[tuple[str, str, Any, Any, str]]:
    for index, entry in enumerate(as_seq(values)):
        if isinstance(entry, str):
            yield field, entry, values, index, must_be


def is_remote(entry: str) -> bool:
    """A remote kustomize entry (kustomize api/internal/git: a URL, `git@host:`, or `host.tld/org/repo//path?ref=`)."""
    first = entry.split("/", 1)[0]
    return ("://" in entry or entry.startswith("git@") or "?ref=" in entry or "//" in entry
            or ("." in first and not first.startswith(".") and "/" in entry))


def judged(entry: str) -> bool:
    """Whether KS008 judges an entry: a local path, not an inline patch, a remote entry or an empty one."""
    return bool(entry.strip()) and "\n" not in entry and not is_remote(entry)


class InputTree:
    """The file system `kustomize build` of the saved inputs reads: the disk, and the inputs' own files. An input
    not on disk is a buffer saving writes there — an editor's unsaved buffer, one deleted on disk while open (the
    language server lints open buffers as the files they will be), a buffer piped with --stdin-filename — so a
    Kustomization naming it is not missing an entry. A one-shot run of files read from disk sees the disk alone."""

    def __init__(self, paths: Iterable[str] = ()) -> None:
        self._paths = paths
        # made when the disk first lacks a path (rarely: each re-lint of the language server asks)
        self._files: frozenset[str] | None = None
        self._directories: set[str] | None = None  # ancestors of the inputs

    def isfile(self, path: str) -> bool:
        return os.path.isfile(path) or os.path.abspath(path) in self._inputs()

    def isdir(self, path: str) -> bool:
        if os.path.isdir(path):
            return True
        if self._directories is None:
            self._directories = set()
            for file in self._inputs():
                directory = os.path.dirname(file)
                while directory not in self._directories and os.path.dirname(directory) != directory:
                    self._directories.add(directory)
                    directory = os.path.dirname(directory)
        return os.path.abspath(path) in self._directories

    def _inputs(self) -> frozenset[str]:
        if self._files is None:
            self._files = frozenset(os.path.abspath(path) for path in self._paths)
        return self._files


DISK = InputTree()


def missing_reason(base: str, entry: str, must_be: str, tree: InputTree = DISK) -> str | None:
    """Why kustomize cannot load `entry` (relative to the Kustomization's directory `base`), or None when it can
    or cannot be judged here (remote, inline, empty). `tree`: the disk and the inputs not on it (InputTree)."""
    if not judged(entry):
        return None
    path = os.path.normpath(os.path.join(base, entry))
    if tree.isfile(path):
        return None
    if tree.isdir(path):
        if must_be == _FILE:
            return f"{path} is a directory, not a file"
        if any(tree.isfile(os.path.join(path, name)) for name in KUSTOMIZATION_FILES):
            return None
        return (f"directory {path} holds no kustomization.yaml: kustomize builds a directory only as a kustomization "
                f"root (`unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization'`)")
    return f"{path} does not exist (`no such file or directory`)"


def named_paths(source: Source) -> frozenset[str]:
    """The local paths (absolute, normalised) the file's Kustomizations name (local_entries): KS008 judges them on
    the file system, so a file created or deleted there — a generator's `.env`, a file no walk reads — changes its
    findings (the language server re-lints on such a change: Session.file_changed). Memoised on the Source."""
    found = source.memo.get("kustomize-named")
    if found is None and not source_kustomizations(source):  # (memoised by every lint: most files are none)
        found = source.memo["kustomize-named"] = frozenset()
    if found is None:
        base = os.path.dirname(os.path.abspath(source.path))
        found = source.memo["kustomize-named"] = frozenset(
            os.path.normpath(os.path.join(base, entry))
            for _document, doc in iter_documents(source) if is_kustomization(source.path, doc)
            for _field, entry, _container, _key, _must_be in local_entries(doc) if judged(entry))
    return found


def names_path(named: Iterable[str], path: str) -> bool:
    """Whether creating or deleting `path` can change what KS008 says of entries naming `named`: the entry itself, a
    directory holding it, a file in the directory it names (its kustomization file), or a file beside it (the
    nearest name its fix offers)."""
    below = path.rstrip(os.sep) + os.sep
    directory = os.path.dirname(path)
    return any(name == path or name.startswith(below) or directory in (name, os.path.dirname(name)) for name in named)


class KustomizeBuilds:
    """The builds of every Kustomization of the inputs. `input_paths`: every input file (absolute)."""

    def __init__(self, kustomizations: list[Kustomization], input_paths: Iterable[str],
                 targets: Iterable[GitOpsTarget] = ()) -> None:
        self.kustomizations = sorted(kustomizations, key=lambda k: k.path)
        self.targets = sorted(targets, key=lambda t: (t.shown, t.index))
        self._paths = sorted(set(input_paths))
        self._by_dir: dict[str, list[Kustomization]] = {}
        for kustomization in self.kustomizations:
            self._by_dir.setdefault(os.path.dirname(kustomization.path), []).append(kustomization)
        self._members: dict[str, frozenset[str]] = {}
        self._built_by_others: frozenset[str] | None = None  # kustomization files another one builds (lazy)
        self._targets: list[tuple[GitOpsTarget, frozenset[str]]] | None = None  # _target_members (lazy)
        self._setters: dict[str, tuple[str, str]] | None = None  # namespace_setters (lazy)
        self._namespaces: dict[str, str] | None = None  # namespaces() (lazy: asked by the model and by fixes)
        self._fallbacks: dict[str, str] | None = None  # fallbacks() (lazy)
        self._chains: dict[str, tuple[str, ...]] | None = None  # patch_chains() (lazy)
        self._givens: dict[str, tuple[str, ...]] = {}  # patch_givens(), made with the chains
        self._own_namespaces: dict[str, str | None] | None = None  # kustomization_namespace() (lazy)
        self._renamings: tuple[dict, dict] | None = None  # renamings() (lazy)

    def members(self, kustomization: Kustomization) -> frozenset[str]:
        """The files its build includes, the kustomization files of the roots it builds through among them (their
        generators' ConfigMaps are part of the build too); not its own file."""
        found = self._members.get(kustomization.path)
        if found is None:
            files: set[str] = set()
            seen = {kustomization.path}
            todo = [kustomization]
            while todo:  # iterative, so that a cycle of roots or a deep chain cannot recurse without end
                for entry in todo.pop().entries:
                    nested = self._by_dir.get(entry)
                    if nested is None:
                        files.update(self._under(entry))
                        continue
                    for inner in nested:
                        if inner.path not in seen:
                            seen.add(inner.path)
                            files.add(inner.path)
                            todo.append(inner)
            found = self._members[kustomization.path] = frozenset(files)
        return found

    def builds(self) -> dict[str, frozenset[str]]:
        """File → the kustomization files (as the inputs name them) whose build includes it: the outermost ones (the
        overlays a user builds), or, for a file only roots in a cycle include, each of those."""
        found: dict[str, set[str]] = {}  # (sets grown in place: a frozenset copied per overlay was quadratic in
        for kustomization in self._outermost_first():  # the overlays sharing a base or component)
            is_outermost = kustomization.path not in self._inner()
            for path in self.members(kustomization):
                if is_outermost or path not in found:
                    found.setdefault(path, set()).add(kustomization.shown)
        return {path: frozenset(shown) for path, shown in found.items()}

    def namespaces(self) -> dict[str, str]:
        """File → the namespace its build gives it (`kubectl apply -k`). Kustomize runs a root's transformers after
        those of the roots it includes, so the outermost `namespace:` wins: a base's own is overridden by the
        overlay's, and an overlay's by the GitOps object that deploys it (Flux's targetNamespace). A file two
        outermost builds give different namespaces (sibling overlays) takes the first's, by path; KS006 tells the
        user the overlays are linted together. Made once (callers must not modify it)."""
        if self._namespaces is None:
            self._namespaces = {path: namespace for path, (namespace, _setter) in self.namespace_setters().items()}
        return self._namespaces

    def namespace_setters(self) -> dict[str, tuple[str, str]]:
        """File → (the namespace its build gives it, as namespaces(); the file setting it, as the inputs name it: the
        overlay or GitOps object, which need not be the kustomization listing the file). Made once."""
        if self._setters is None:
            result: dict[str, tuple[str, str]] = {}
            for target, members in self._target_members():
                if target.overrides:
                    for path in members:
                        result.setdefault(path, (target.namespace, target.shown))
            for kustomization in self._outermost_first():
                if kustomization.namespace is not None:
                    for path in self.members(kustomization):
                        result.setdefault(path, (kustomization.namespace, kustomization.shown))
            self._setters = result
        return self._setters

    def fallbacks(self) -> dict[str, str]:
        """File → the namespace an Argo CD Application gives its objects that name none (and that no `namespace:`
        of a build sets: kustomize renders first). Kustomization files are left out: they are not deployed. Made
        once (callers must not modify it)."""
        if self._fallbacks is None:
            result: dict[str, str] = {}
            for target, members in self._target_members():
                if not target.overrides:
                    for path in members:
                        if not is_kustomization_file(path):
                            result.setdefault(path, target.namespace)
            self._fallbacks = result
        return self._fallbacks

    def _target_members(self) -> list[tuple[GitOpsTarget, frozenset[str]]]:
        """Each GitOps target whose directory the inputs hold, with the files it deploys: a kustomization root's
        build, else the files below the directory (only its own files, unless it recurses). Made once."""
        if self._targets is None:
            self._targets = []
            directories = self._directories() if self.targets else {}
            for target in self.targets:
                found = directories.get(target.path)
                if found is None or len(found) != 1:
                    continue  # absent or ambiguous: which directory it deploys is not known
                directory = found[0]
                members = self.members(Kustomization(f"{target.shown}#{target.index}", target.shown, None, (directory,), ()))
                if directory not in self._by_dir:
                    if not target.overrides and os.path.join(directory, "Chart.yaml") in members:
                        continue  # Argo CD renders a Helm chart from its templates, which are not objects as written
                    if not target.recurse:
                        members = frozenset(path for path in members if os.path.dirname(path) == directory)
                self._targets.append((target, members))
        return self._targets

    def _directories(self) -> dict[str, list[str]]:
        """Normalised GitOps path → the input directories whose path ends with it (only the paths the targets name:
        one pass over the inputs' directories, each looked up by its suffixes)."""
        wanted = {target.path for target in self.targets}
        found: dict[str, list[str]] = {}
        seen: set[str] = set()
        for path in self._paths:
            directory = os.path.dirname(path)
            while directory not in seen and os.path.dirname(directory) != directory:
                seen.add(directory)
                parts = directory.split(os.sep)
                for i in range(1, len(parts)):
                    suffix = os.sep.join(parts[i:])
                    if suffix in wanted:
                        found.setdefault(suffix, []).append(directory)
                directory = os.path.dirname(directory)
        return found

    def _inner(self) -> frozenset[str]:
        """The kustomization files another one builds."""
        if self._built_by_others is None:
            self._built_by_others = frozenset().union(*(self.members(k) for k in self.kustomizations))
        return self._built_by_others

    def _outermost_first(self) -> list[Kustomization]:
        """The kustomizations no other one builds (the overlays a user builds), then the others; each in path order."""
        inner = self._inner()
        return sorted(self.kustomizations, key=lambda k: k.path in inner)  # (stable: path order within each)

    def patch_chains(self) -> dict[str, tuple[str, ...]]:
        """File → the kustomization files (absolute) whose patches apply to its objects, innermost first (kustomize
        builds a base, patches included, before the overlay's patches run on the result): along the first outermost
        build that includes it, by path, as namespaces() chooses. A Component's patches apply to the build of the
        kustomization listing it (kustomize runs them on that build's resources, before the kustomization's own
        patches). Only files some patch can reach. Made once."""
        if self._chains is None:
            self._chains, self._givens = {}, {}
            patched = {k.path for k in self.kustomizations if k.patched}

            def own(kustomization: Kustomization) -> tuple[tuple[str, str], ...]:
                """(patching kustomization, the kustomization whose build it patches) pairs."""
                components = tuple((c.path, kustomization.path) for entry in kustomization.components
                                   for c in self._by_dir.get(entry, ()) if c.path in patched)
                return components + (((kustomization.path, kustomization.path),) if kustomization.path in patched else ())

            def givens(chain: tuple[tuple[str, str], ...], trail: tuple[tuple[str, str | None], ...]) -> tuple[str, ...]:
                """For each patching kustomization, the namespace the builds inside the one it patches have given the
                objects by then (the nearest `namespace:` inside it along the trail, outermost first), or ""."""
                found = []
                for _path, owner in chain:
                    index = next(i for i, (k, _ns) in enumerate(trail) if k == owner)
                    found.append(next((ns for _k, ns in trail[index + 1:] if ns), ""))
                return tuple(found)

            for outer in self._outermost_first() if patched else ():
                seen = {outer.path}
                todo = [(outer, own(outer), ((outer.path, outer.namespace),))]
                while todo:  # iterative, like members()
                    kustomization, chain, trail = todo.pop()
                    for entry in kustomization.entries:
                        nested = self._by_dir.get(entry)
                        if nested is None:
                            if chain:
                                paths = tuple(p for p, _owner in chain)
                                for path in self._under(entry):
                                    if path not in self._chains:
                                        self._chains[path] = paths
                                        self._givens[path] = givens(chain, trail)
                            continue
                        for inner in nested:
                            if inner.path not in seen:
                                seen.add(inner.path)
                                inner_chain = tuple(p for p in own(inner) if p[0] not in {c for c, _o in chain}) + chain
                                todo.append((inner, inner_chain, trail + ((inner.path, inner.namespace),)))
        return self._chains

    def renamings(self) -> tuple[dict[str, tuple[str, tuple[tuple[str, str], ...]]],
                                 dict[str, dict[str, tuple[tuple[str, str], ...]]]]:
        """The `namePrefix:`/`nameSuffix:` of the builds (kname.py): (file → (the outermost build renaming it, first by
        path as namespaces() chooses; the (prefix, suffix) of each kustomization renaming it there, innermost
        first)), and (outermost build → each file of it → its affixes there: the objects that build's references
        may name). Only the builds some kustomization along renames; their files no kustomization renames are
        assigned with no affixes (their references still follow the renames). Made once; empty where no kustomization
        renames (most runs: nothing is walked)."""
        if self._renamings is None:
            assigned: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {}
            per_build: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {}
            renaming = any(k.name_prefix or k.name_suffix for k in self.kustomizations)

            def own(kustomization: Kustomization) -> tuple[tuple[str, str], ...]:
                return ((kustomization.name_prefix, kustomization.name_suffix),) \
                    if kustomization.name_prefix or kustomization.name_suffix else ()

            unrenamed: list[tuple[str, str]] = []  # (file, its build) of the files of a renaming build none renames
            for outer in self._outermost_first() if renaming else ():
                files: dict[str, tuple[tuple[str, str], ...]] = {}
                plain: list[str] = []  # the entries no kustomization along renames (expanded only for a renaming build)
                seen = {outer.path}
                todo = [(outer, own(outer))]
                while todo:  # iterative, like members()
                    kustomization, affixes = todo.pop()
                    for entry in kustomization.entries:
                        nested = self._by_dir.get(entry)
                        if nested is None:
                            if affixes:
                                for path in self._under(entry):
                                    files.setdefault(path, affixes)
                            else:
                                plain.append(entry)
                            continue
                        for inner in nested:
                            if inner.path not in seen:
                                seen.add(inner.path)
                                todo.append((inner, own(inner) + affixes))
                if files:
                    per_build[outer.path] = files
                    for path, affixes in files.items():
                        assigned.setdefault(path, (outer.path, affixes))
                    # An overlay's own files (or another base's) keep their names, but its nameReference transformer
                    # still rewrites their references to the objects an inner kustomization renamed: each level's
                    # FixBackReferences matches a reference against the candidates' previous names (api/filters/
                    # nameref previousNameMatches), so `serviceAccountName: prometheus` in an overlay names the
                    # base's `team-prometheus`. Assigned after every renamed file (a renaming build comes first).
                    unrenamed.extend((path, outer.path) for entry in plain for path in self._under(entry)
                                     if path not in files)
            for path, outer_path in unrenamed:
                assigned.setdefault(path, (outer_path, ()))
            self._renamings = (assigned, per_build)
        return self._renamings

    def patch_givens(self, path: str) -> tuple[str, ...]:
        """For each kustomization of patch_chains()[path], the namespace its patches find the file's objects in: the
        one the builds inside the build it patches gave them ("": none, as written). Its own `namespace:` runs after
        its patchesStrategicMerge and patches (kubernetes/kubernetes#101199), before its patchesJson6902."""
        self.patch_chains()
        return self._givens.get(path, ())

    def kustomization_namespace(self, path: str) -> str | None:
        """The `namespace:` of the kustomization file `path` (absolute)."""
        if self._own_namespaces is None:
            self._own_namespaces = {k.path: k.namespace for k in self.kustomizations}
        return self._own_namespaces.get(path)

    def patch_files(self) -> set[str]:
        """Files a Kustomization or Component applies as patches: partial objects, not objects of their own."""
        return {path for kustomization in self.kustomizations for path in kustomization.patches}

    def closed_patch_files(self) -> set[str]:
        """The patch files of the Kustomizations whose whole build is in the inputs: their patches reach only objects
        the model holds (kpatch.py applies them there). A build reaching further — a remote base
        (`github.com/org/repo?ref=`), a directory the inputs do not hold — may hold the patched object elsewhere; its
        patch file then stays the nearest thing to that object the inputs show (a strategic merge patch replacing a
        role's rules is those rules), so it is still modelled."""
        def open_entries(kustomization: Kustomization) -> bool:
            return kustomization.remote or any(
                entry not in self._by_dir and not self._under(entry) for entry in kustomization.entries)

        open_roots = {k.path for k in self.kustomizations if open_entries(k)}
        return {path for kustomization in self.kustomizations if kustomization.patches
                and kustomization.path not in open_roots and open_roots.isdisjoint(self.members(kustomization))
                for path in kustomization.patches}

    def holds_inputs(self, path: str) -> bool:
        """Whether `path` (absolute, normalised) is an input file or a directory holding one."""
        paths = self._paths
        index = bisect.bisect_left(paths, path)
        if paths[index:index + 1] == [path]:
            return True
        index = bisect.bisect_left(paths, path + os.sep)
        return index < len(paths) and paths[index].startswith(path + os.sep)

    def _under(self, entry: str) -> list[str]:
        """The input files equal to `entry` or inside the directory `entry`."""
        paths = self._paths
        index = bisect.bisect_left(paths, entry)
        found = [entry] if paths[index:index + 1] == [entry] else []  # (a file; sorted before its directory's files: "-" < "/")
        prefix = entry + os.sep
        # By index, not over a slice: a slice copies every path after the prefix, input-sized per entry
        # (quadratic over a monorepo's thousands of `resources:` entries).
        for index in range(bisect.bisect_left(paths, prefix), len(paths)):
            path = paths[index]
            if not path.startswith(prefix):
                break
            found.append(path)
        return found


def source_abspath(source: Source) -> str:
    """The file's absolute path, the key of the builds' maps; memoised on the file (asked of every file at every
    lint: thousands of os.path.abspath calls were a sixth of the language server's re-lint of a monorepo)."""
    found = source.memo.get("abspath")
    if found is None:
        found = source.memo["abspath"] = os.path.abspath(source.path)
    return found


# The last run's builds and what they were made from. The language server lints again after each edit: an edit
# that changes no Kustomization, no GitOps target and no file name keeps the builds (and their memoised maps)
# instead of walking every build of a monorepo again. Every field compared is a function of the inputs.
_last: tuple[tuple, KustomizeBuilds] | None = None


def kustomize_builds(sources: list[Source]) -> KustomizeBuilds | None:
    """The builds of the sources' Kustomizations and GitOps targets; None where there are none (most runs)."""
    global _last
    kustomizations = tuple(k for source in sources for k in source_kustomizations(source))
    targets = tuple(t for source in sources for t in source_gitops_targets(source))
    if not kustomizations and not targets:
        return None
    key = (kustomizations, targets, tuple(source_abspath(source) for source in sources))
    if _last is not None and _last[0] == key:
        return _last[1]
    builds = KustomizeBuilds(list(kustomizations), key[2], list(targets))
    _last = (key, builds)
    return builds


def workspace_builds(workspace: Any) -> KustomizeBuilds | None:
    """The workspace's builds (build_workspace made them from its sources), or None without a Kustomization."""
    return workspace.index("kustomize", lambda: kustomize_builds(workspace.sources))


def patch_files(workspace: Any) -> set[str]:
    """Files a Kustomization or Component of the inputs applies as patches (absolute paths)."""
    builds = workspace_builds(workspace)
    return builds.patch_files() if builds is not None else set()
