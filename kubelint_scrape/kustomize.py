"""Kustomize builds as the inputs show them: which files `kustomize build` of each Kustomization includes, which
namespace it gives them, and which files it applies as patches. One walker serves the model (the namespace a
build sets, build.py) and the checks (KS006's sibling overlays, patch files that are not objects of their own).

A Kustomization's `resources`, `components` and (deprecated, still read by kustomize v5) `bases` entries are files
or directories. A directory entry is another kustomization root: its build is exactly what ITS kustomization file
lists, followed to the end (an overlay → its base → the base's `../common`). Where the inputs do not hold that
directory's kustomization file, every input file under the directory stands in for it. Remote entries (`://`) are
left out: they are not in the inputs.
"""

from __future__ import annotations

import bisect
import os
from typing import Any, Iterable

from .load import Source
from .model import is_kustomization_file, iter_documents
from .records import dataclass
from .yamltree import YMap, as_map, as_seq, as_str

BUILD_KEYS = ("resources", "bases", "components")  # kustomize appends bases to resources (FixKustomization)
PATCH_LIST_KEYS = ("patches", "patchesJson6902")  # entries are mappings whose `path` names a file


@dataclass(frozen=True)
class Kustomization:
    path: str  # absolute
    shown: str  # as the inputs name the file (for messages)
    namespace: str | None  # its `namespace:`, which kustomize's namespace transformer writes into every resource
    entries: tuple[str, ...]  # absolute, normalised paths of its resources/components/bases
    patches: tuple[str, ...]  # absolute, normalised paths of the files it applies as patches


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
    patches += [as_str(as_map(p).get("path")) for key in PATCH_LIST_KEYS for p in as_seq(doc.get(key))]
    return Kustomization(
        path, shown, namespace if isinstance(namespace, str) and namespace else None,
        tuple(_resolved(base, entries, allow_remote=False)), tuple(_resolved(base, patches, allow_remote=True)))


def _resolved(base: str, entries: Iterable[str], allow_remote: bool) -> Iterable[str]:
    for entry in entries:
        if entry and "\n" not in entry and (allow_remote or "://" not in entry):
            yield os.path.normpath(os.path.join(base, entry))


class KustomizeBuilds:
    """The builds of every Kustomization of the inputs. `input_paths`: every input file (absolute)."""

    def __init__(self, kustomizations: list[Kustomization], input_paths: Iterable[str]) -> None:
        self.kustomizations = sorted(kustomizations, key=lambda k: k.path)
        self._paths = sorted(set(input_paths))
        self._by_dir: dict[str, list[Kustomization]] = {}
        for kustomization in self.kustomizations:
            self._by_dir.setdefault(os.path.dirname(kustomization.path), []).append(kustomization)
        self._members: dict[str, frozenset[str]] = {}
        self._built_by_others: frozenset[str] | None = None  # kustomization files another one builds (lazy)

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
        result: dict[str, frozenset[str]] = {}
        for kustomization in self._outermost_first():
            is_outermost = kustomization.path not in self._inner()
            for path in self.members(kustomization):
                if is_outermost or path not in result:
                    result[path] = result.get(path, frozenset()) | {kustomization.shown}
        return result

    def namespaces(self) -> dict[str, str]:
        """File → the namespace its build gives it (`kubectl apply -k`). Kustomize runs a root's transformers after
        those of the roots it includes, so the outermost `namespace:` wins: a base's own is overridden by the
        overlay's. A file two outermost builds give different namespaces (sibling overlays) takes the first's, by
        path; KS006 tells the user the overlays are linted together."""
        result: dict[str, str] = {}
        for kustomization in self._outermost_first():
            if kustomization.namespace is not None:
                for path in self.members(kustomization):
                    result.setdefault(path, kustomization.namespace)
        return result

    def _inner(self) -> frozenset[str]:
        """The kustomization files another one builds."""
        if self._built_by_others is None:
            self._built_by_others = frozenset().union(*(self.members(k) for k in self.kustomizations))
        return self._built_by_others

    def _outermost_first(self) -> list[Kustomization]:
        """The kustomizations no other one builds (the overlays a user builds), then the others; each in path order."""
        inner = self._inner()
        return sorted(self.kustomizations, key=lambda k: k.path in inner)  # (stable: path order within each)

    def patch_files(self) -> set[str]:
        """Files a Kustomization or Component applies as patches: partial objects, not objects of their own."""
        return {path for kustomization in self.kustomizations for path in kustomization.patches}

    def _under(self, entry: str) -> list[str]:
        """The input files equal to `entry` or inside the directory `entry`."""
        paths = self._paths
        index = bisect.bisect_left(paths, entry)
        found = [entry] if paths[index:index + 1] == [entry] else []  # (a file; sorted before its directory's files: "-" < "/")
        prefix = entry + os.sep
        for path in paths[bisect.bisect_left(paths, prefix):]:
            if not path.startswith(prefix):
                break
            found.append(path)
        return found


def kustomize_builds(sources: list[Source]) -> KustomizeBuilds | None:
    """The builds of the sources' Kustomizations; None where there are none (most runs)."""
    kustomizations = [k for source in sources for k in source_kustomizations(source)]
    if not kustomizations:
        return None
    return KustomizeBuilds(kustomizations, (os.path.abspath(source.path) for source in sources))


def workspace_builds(workspace: Any) -> KustomizeBuilds | None:
    """The workspace's builds (build_workspace made them from its sources)."""
    return workspace.index("kustomize", lambda: kustomize_builds(workspace.sources))


def patch_files(workspace: Any) -> set[str]:
    """Files a Kustomization or Component of the inputs applies as patches (absolute paths)."""
    builds = workspace_builds(workspace)
    return builds.patch_files() if builds is not None else set()
