"""kustomize.KustomizeBuilds: the files each `kustomize build` of the inputs includes and the namespace it gives
them (kustomize api/krusty: a directory entry is another kustomization root, built from what its kustomization
file lists; the namespace transformer of the outer root runs last)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kubelint_scrape.kustomize import kustomize_builds, source_kustomizations
from kubelint_scrape.load import Limits, read_source

OBJECT = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {name}\n"


def _builds(tmp_path: Path, files: dict[str, str]):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    sources = [read_source(str(tmp_path / name), Limits()) for name in sorted(files)]
    return kustomize_builds(sources)


def _relative(tmp_path: Path, mapping: dict[str, object]) -> dict[str, object]:
    return {os.path.relpath(path, tmp_path): value for path, value in mapping.items()}


def test_outer_namespace_wins_through_nested_roots_and_bases(tmp_path: Path) -> None:
    builds = _builds(tmp_path, {
        "overlay/kustomization.yaml": "namespace: prod\nbases: [../base]\n",
        "base/kustomization.yaml": "namespace: base-ns\nresources: [sa.yaml, ../common]\n",
        "base/sa.yaml": OBJECT.format(name="a"),
        "base/unlisted.yaml": OBJECT.format(name="b"),
        "common/kustomization.yaml": "resources: [cm.yaml]\n",
        "common/cm.yaml": OBJECT.format(name="c"),
    })
    assert _relative(tmp_path, builds.namespaces()) == {
        "base/sa.yaml": "prod", "base/kustomization.yaml": "prod",
        "common/kustomization.yaml": "prod", "common/cm.yaml": "prod",
    }  # base/unlisted.yaml is in no build: kustomize reads only what a kustomization lists


def test_inner_namespace_applies_where_no_outer_one_is_set(tmp_path: Path) -> None:
    builds = _builds(tmp_path, {
        "overlay/kustomization.yaml": "resources: [../base]\n",
        "base/kustomization.yaml": "namespace: monitoring\nresources: [sa.yaml]\n",
        "base/sa.yaml": OBJECT.format(name="a"),
    })
    assert _relative(tmp_path, builds.namespaces()) == {"base/sa.yaml": "monitoring"}


def test_directory_without_its_kustomization_in_the_inputs_stands_for_every_file_under_it(tmp_path: Path) -> None:
    builds = _builds(tmp_path, {
        "overlay/kustomization.yaml": "namespace: prod\nresources: [../manifests]\n",
        "manifests/a.yaml": OBJECT.format(name="a"),
        "manifests/sub/b.yaml": OBJECT.format(name="b"),
        "manifests-other/c.yaml": OBJECT.format(name="c"),
    })
    assert sorted(_relative(tmp_path, builds.namespaces())) == ["manifests/a.yaml", "manifests/sub/b.yaml"]


def test_sibling_overlays_are_separate_builds(tmp_path: Path) -> None:
    builds = _builds(tmp_path, {
        "overlays/prod/kustomization.yaml": "namespace: prod\nresources: [../../base]\n",
        "overlays/staging/kustomization.yaml": "namespace: staging\nresources: [../../base, extra.yaml]\n",
        "overlays/staging/extra.yaml": OBJECT.format(name="x"),
        "base/kustomization.yaml": "resources: [sa.yaml]\n",
        "base/sa.yaml": OBJECT.format(name="a"),
    })
    found = {path: sorted(os.path.relpath(k, tmp_path) for k in ks) for path, ks in _relative(tmp_path, builds.builds()).items()}
    assert found["base/sa.yaml"] == ["overlays/prod/kustomization.yaml", "overlays/staging/kustomization.yaml"]
    assert found["overlays/staging/extra.yaml"] == ["overlays/staging/kustomization.yaml"]
    assert _relative(tmp_path, builds.namespaces())["base/sa.yaml"] == "prod"  # the first by path (KS006 says so)


def test_cycles_end_and_patches_and_flux_kustomizations(tmp_path: Path) -> None:
    builds = _builds(tmp_path, {
        "a/kustomization.yaml": "namespace: one\nresources: [../b, sa.yaml]\npatches: [{path: patch.yaml}]\n"
                                "patchesStrategicMerge: [psm.yaml]\n",
        "a/sa.yaml": OBJECT.format(name="a"),
        "b/kustomization.yaml": "resources: [../a]\n",
        # Flux's Kustomization is a cluster object whose spec names a path; not a kustomize root.
        "flux.yaml": "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: x}\n"
                     "namespace: nope\nresources: [a]\n",
    })
    assert len(builds.kustomizations) == 2
    assert _relative(tmp_path, builds.namespaces())["a/sa.yaml"] == "one"
    assert sorted(os.path.relpath(p, tmp_path) for p in builds.patch_files()) == ["a/patch.yaml", "a/psm.yaml"]


def test_no_kustomization_no_builds(tmp_path: Path) -> None:
    assert _builds(tmp_path, {"sa.yaml": OBJECT.format(name="a")}) is None


def test_entries_read_bases_and_components_and_leave_urls_out(tmp_path: Path) -> None:
    """The deprecated `bases:` joins `resources:` (kustomize api/types/kustomization.go FixKustomization), components
    too; a URL is no local path. Patch files are recorded apart."""
    path = tmp_path / "overlay" / "kustomization.yaml"
    path.parent.mkdir()
    path.write_text("resources: [a.yaml]\nbases: [../base, 'https://github.com/x/y//z?ref=v1']\ncomponents: [../comp]\n"
                    "namespace: monitoring\npatches: [{path: p.yaml, target: {kind: Deployment}}]\n")
    (kustomization,) = source_kustomizations(read_source(str(path), Limits()))
    assert [os.path.relpath(e, tmp_path) for e in kustomization.entries] == ["overlay/a.yaml", "base", "comp"]
    assert [os.path.relpath(e, tmp_path) for e in kustomization.patches] == ["overlay/p.yaml"]
    assert kustomization.namespace == "monitoring"


FLUX = ("apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: {name}\n"
        "spec:\n  path: {path}\n  targetNamespace: {namespace}\n")
ARGO = ("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app\nspec:\n"
        "  source:\n    path: {path}\n{extra}  destination:\n    namespace: {namespace}\n")


def test_flux_target_namespace_is_the_outermost_namespace_of_the_path_build(tmp_path: Path) -> None:
    # fluxcd/pkg kustomize_generator.go: targetNamespace replaces the root kustomization's `namespace:`.
    builds = _builds(tmp_path, {
        "clusters/prod/apps.yaml": FLUX.format(name="apps", path="./apps/prod", namespace="monitoring"),
        "apps/prod/kustomization.yaml": "namespace: prod\nresources: [../base]\n",
        "apps/base/kustomization.yaml": "namespace: base\nresources: [sa.yaml]\n",
        "apps/base/sa.yaml": OBJECT.format(name="a"),
    })
    assert _relative(tmp_path, builds.namespaces()) == {
        "apps/prod/kustomization.yaml": "monitoring", "apps/base/kustomization.yaml": "monitoring",
        "apps/base/sa.yaml": "monitoring"}
    assert builds.fallbacks() == {}
    overlay = str(tmp_path / "apps/prod/kustomization.yaml")  # KS006's view is kustomize's alone
    assert _relative(tmp_path, builds.builds()) == {"apps/base/kustomization.yaml": {overlay}, "apps/base/sa.yaml": {overlay}}


def test_flux_path_without_kustomization_includes_every_file_below_it(tmp_path: Path) -> None:
    builds = _builds(tmp_path, {
        "flux/apps.yaml": FLUX.format(name="apps", path="apps/monitoring/", namespace="monitoring"),
        "apps/monitoring/a.yaml": OBJECT.format(name="a"),
        "apps/monitoring/rbac/b.yaml": OBJECT.format(name="b"),
        "apps/other/c.yaml": OBJECT.format(name="c"),
    })
    assert _relative(tmp_path, builds.namespaces()) == {
        "apps/monitoring/a.yaml": "monitoring", "apps/monitoring/rbac/b.yaml": "monitoring"}


def test_argo_destination_namespace_is_a_fallback_for_the_directory_own_files(tmp_path: Path) -> None:
    files = {
        "argocd/app.yaml": ARGO.format(path="deploy", extra="", namespace="monitoring"),
        "deploy/a.yaml": OBJECT.format(name="a"),
        "deploy/sub/b.yaml": OBJECT.format(name="b"),  # directory.recurse is false by default
    }
    builds = _builds(tmp_path, files)
    assert builds.namespaces() == {}
    assert _relative(tmp_path, builds.fallbacks()) == {"deploy/a.yaml": "monitoring"}
    recursive = _builds(tmp_path, {**files, "argocd/app.yaml": ARGO.format(
        path="deploy", extra="    directory:\n      recurse: true\n", namespace="monitoring")})
    assert sorted(_relative(tmp_path, recursive.fallbacks())) == ["deploy/a.yaml", "deploy/sub/b.yaml"]


def test_argo_kustomize_source_renders_first_and_its_kustomize_namespace_overrides(tmp_path: Path) -> None:
    files = {
        "argocd/app.yaml": ARGO.format(path="overlay", extra="", namespace="monitoring"),
        "overlay/kustomization.yaml": "resources: [../base]\n",
        "base/kustomization.yaml": "namespace: base\nresources: [sa.yaml]\n",
        "base/sa.yaml": OBJECT.format(name="a"),
    }
    builds = _builds(tmp_path, files)
    assert _relative(tmp_path, builds.namespaces()) == {"base/sa.yaml": "base"}  # wins over the fallback
    assert _relative(tmp_path, builds.fallbacks()) == {"base/sa.yaml": "monitoring"}  # kustomization files left out
    overridden = _builds(tmp_path, {**files, "argocd/app.yaml": ARGO.format(
        path="overlay", extra="    kustomize:\n      namespace: obs\n", namespace="monitoring")})
    assert _relative(tmp_path, overridden.namespaces())["base/sa.yaml"] == "obs"


def test_gitops_paths_ambiguous_absent_templated_or_helm_are_left_out(tmp_path: Path) -> None:
    builds = _builds(tmp_path, {
        "flux/a.yaml": FLUX.format(name="a", path="./apps", namespace="x"),  # two directories end with apps
        "one/apps/a.yaml": OBJECT.format(name="a"),
        "two/apps/b.yaml": OBJECT.format(name="b"),
        "flux/b.yaml": FLUX.format(name="b", path="./missing", namespace="x"),
        "flux/c.yaml": FLUX.format(name="c", path="./", namespace="x"),  # the repository root: not known
        "argocd/set.yaml": ARGO.format(path="'{{path}}'", extra="", namespace="x").replace("Application", "ApplicationSet"),
        "argocd/helm.yaml": ARGO.format(path="chart", extra="    helm:\n      releaseName: p\n", namespace="x"),
        "argocd/chart.yaml": ARGO.format(path="chart2", extra="", namespace="x"),
        "chart/templates/c.yaml": OBJECT.format(name="c"),
        "chart2/Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.0.0\n",
        "chart2/d.yaml": OBJECT.format(name="d"),
    })
    assert builds.namespaces() == {} and builds.fallbacks() == {}


@pytest.mark.parametrize("entry, remote", [
    ("https://github.com/org/repo//manifests?ref=v1", True), ("github.com/org/repo/base?ref=v2", True),
    ("git@github.com:org/repo.git//base", True), ("ssh://git@host/org/repo", True),
    ("../base", False), ("base/", False), ("rbac.yaml", False), ("./overlays/prod", False), ("../../v1.2/base", False),
])
def test_remote_entries_are_not_judged(entry: str, remote: bool) -> None:
    from kubelint_scrape.kustomize import is_remote

    assert is_remote(entry) is remote


def test_missing_reason(tmp_path: Path) -> None:
    from kubelint_scrape.kustomize import missing_reason

    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "kustomization.yml").write_text("resources: []\n")
    (tmp_path / "plain").mkdir()
    (tmp_path / "a.yaml").write_text("{}\n")
    base, either, file = str(tmp_path), "file or kustomization directory", "file"
    assert missing_reason(base, "a.yaml", file) is None
    assert missing_reason(base, "root", either) is None
    assert "holds no kustomization.yaml" in missing_reason(base, "plain", either)
    assert "is a directory, not a file" in missing_reason(base, "root", file)
    assert "does not exist" in missing_reason(base, "b.yaml", file)
    assert missing_reason(base, "kind: X\nmetadata: {}", file) is None  # an inline patch
    assert missing_reason(base, "a\x00b", file) is not None  # never an exception


class _CountingPaths(list):
    """A sorted path list that counts the paths read from it, by index or by slice."""

    read = 0

    def __getitem__(self, key):  # type: ignore[override]
        found = super().__getitem__(key)
        _CountingPaths.read += len(found) if isinstance(key, slice) else 1
        return found


def test_entries_of_a_monorepo_read_their_own_paths_not_the_rest_of_the_inputs() -> None:
    """Each `resources:` entry looks up its own file or directory among the sorted input paths: the paths read
    per entry are its own plus a binary search, whatever the input's size (a slice of the tail copied every path
    after the entry: quadratic over a GitOps monorepo's thousands of entries)."""
    from kubelint_scrape.kustomize import Kustomization, KustomizeBuilds

    count = 2000
    paths = [f"/repo/apps/app{i:04d}/{name}" for i in range(count) for name in ("deploy.yaml", "sa.yaml")]
    kustomizations = [Kustomization(f"/repo/overlays/o{i:04d}/kustomization.yaml", f"o{i}", "ns", (
        f"/repo/apps/app{i:04d}/deploy.yaml", f"/repo/apps/app{i:04d}"), ()) for i in range(count)]
    builds = KustomizeBuilds(kustomizations, paths)
    builds._paths = _CountingPaths(builds._paths)
    _CountingPaths.read = 0
    namespaces = builds.namespaces()
    assert len(namespaces) == len(paths)
    assert _CountingPaths.read < 100 * count  # ≈ 54 per kustomization (four binary searches); a tail slice: ≈ count²


def test_a_lint_again_over_the_same_builds_keeps_them_and_an_edited_kustomization_makes_new_ones(tmp_path: Path) -> None:
    """The language server lints again after every edit: an edit that changes no Kustomization, GitOps target or
    file name keeps the builds and their memoised maps (walking every build of a monorepo again was a third of a
    re-lint); an edited Kustomization, a new file or a new target makes them again."""
    from kubelint_scrape.load import parse_source

    files = {
        "base/kustomization.yaml": "resources: [sa.yaml]\n",
        "base/sa.yaml": OBJECT.format(name="a"),
        "overlay/kustomization.yaml": "namespace: one\nresources: [../base]\n",
    }
    builds = _builds(tmp_path, files)
    sources = [read_source(str(tmp_path / name), Limits()) for name in sorted(files)]
    namespaces = builds.namespaces()
    assert builds.namespaces() is namespaces and _relative(tmp_path, namespaces)["base/sa.yaml"] == "one"
    edited = [parse_source(s.path, s.text.replace("name: a", "name: b")) if s.path.endswith("sa.yaml") else s
              for s in sources]
    assert kustomize_builds(edited) is builds  # an object edited, the builds the same
    overlay = str(tmp_path / "overlay/kustomization.yaml")
    moved = [parse_source(s.path, s.text.replace("one", "two")) if s.path == overlay else s for s in edited]
    assert _relative(tmp_path, kustomize_builds(moved).namespaces())["base/sa.yaml"] == "two"
    (tmp_path / "base/more.yaml").write_text(OBJECT.format(name="c"))
    grown = kustomize_builds(moved + [read_source(str(tmp_path / "base/more.yaml"), Limits())])
    assert _relative(tmp_path, grown.namespaces()).get("base/more.yaml") is None  # not listed by base's resources
    assert kustomize_builds(moved) is not grown


def test_a_component_many_overlays_share_is_in_each_of_their_builds() -> None:
    """builds() of a component shared by many overlays names every overlay (grown as sets: the frozenset copied per
    overlay made it quadratic in the overlays, 0.13 s for 4,000)."""
    from kubelint_scrape.kustomize import Kustomization, KustomizeBuilds

    common = Kustomization("/r/common/kustomization.yaml", "common/kustomization.yaml", None, ("/r/common/sa.yaml",), ())
    overlays = [Kustomization(f"/r/o{i}/kustomization.yaml", f"o{i}/kustomization.yaml", None, ("/r/common",), ())
                for i in range(300)]
    paths = ["/r/common/sa.yaml", common.path] + [o.path for o in overlays]
    builds = KustomizeBuilds([common, *overlays], paths).builds()
    assert builds["/r/common/sa.yaml"] == builds[common.path] == frozenset(o.shown for o in overlays)
    assert all(isinstance(shown, frozenset) for shown in builds.values())


def test_missing_reason_counts_the_inputs_not_on_disk_as_written(tmp_path: Path) -> None:
    """An input not on disk (the language server's unsaved buffer, one deleted on disk while open) is a file saving
    writes: a Kustomization naming it, or the directory holding its kustomization file, is not missing an entry."""
    from kubelint_scrape.kustomize import InputTree, missing_reason

    base, either, file = str(tmp_path), "file or kustomization directory", "file"
    tree = InputTree([str(tmp_path / "new.yaml"), str(tmp_path / "overlay" / "kustomization.yaml"),
                      str(tmp_path / "plain" / "deploy.yaml")])
    assert missing_reason(base, "new.yaml", file, tree) is None
    assert missing_reason(base, "overlay", either, tree) is None
    assert "holds no kustomization.yaml" in missing_reason(base, "plain", either, tree)
    assert "is a directory, not a file" in missing_reason(base, "overlay", file, tree)
    assert "does not exist" in missing_reason(base, "new.yaml", file)  # the disk alone
    assert "does not exist" in missing_reason(base, "other.yaml", file, tree)


def test_the_paths_a_kustomization_names_and_the_changes_that_reach_them(tmp_path: Path) -> None:
    from kubelint_scrape.kustomize import named_paths, names_path
    from kubelint_scrape.load import parse_source

    path = str(tmp_path / "k" / "kustomization.yaml")
    source = parse_source(path, "resources: [../base, \"https://github.com/o/r//d?ref=v1\", rbac.yaml]\n"
                                "configMapGenerator:\n- name: x\n  envs: [app.env]\n  files: [k=conf/a.json]\n")
    named = named_paths(source)
    assert named == {str(tmp_path / "base"), str(tmp_path / "k" / "rbac.yaml"), str(tmp_path / "k" / "app.env"),
                     str(tmp_path / "k" / "conf" / "a.json")}
    assert names_path(named, str(tmp_path / "k" / "app.env"))  # the entry
    assert names_path(named, str(tmp_path / "k" / "conf"))  # a directory holding one
    assert names_path(named, str(tmp_path / "base" / "kustomization.yaml"))  # the root a directory entry needs
    assert names_path(named, str(tmp_path / "k" / "app.envx"))  # beside one: the nearest name offered
    assert not names_path(named, str(tmp_path / "elsewhere" / "app.env"))
    assert not names_path(frozenset(), str(tmp_path / "k" / "app.env"))


def test_inputs_without_a_kustomization_walk_the_sources_for_builds_once(monkeypatch) -> None:
    # Workspace.index took a None for "not built yet": without a Kustomization every access fix that asks for the
    # builds (fixes.role_to_edit) walked all the sources again — 10,000 objects went from 8.7 s to 15.8 s.
    from kubelint_scrape import build, kustomize
    from kubelint_scrape.engine import Options, lint_paths

    calls = [0]
    original = kustomize.kustomize_builds

    def counting(sources):
        calls[0] += 1
        return original(sources)

    monkeypatch.setattr(kustomize, "kustomize_builds", counting)
    monkeypatch.setattr(build, "kustomize_builds", counting)
    result = lint_paths([str(Path(__file__).resolve().parent.parent / "examples" / "quickstart")], Options())
    assert any(f.rule == "KS102" and "Add to ClusterRole prometheus" in f.fix for f in result.findings)
    assert calls[0] == 1


def _ks008(paths: list[Path]) -> list:
    from kubelint_scrape.engine import Options, lint_paths

    return [f for f in lint_paths([str(p) for p in paths], Options()).findings if f.rule == "KS008"]


def test_overlay_linted_without_its_base_is_said(tmp_path: Path) -> None:
    """An overlay whose base exists but lies outside the linted paths is analysed alone (the builds are made of the
    inputs): KS008 says so at the entry, as info, and is silent once the base is linted too."""
    files = {
        "overlay/kustomization.yaml": "namespace: prod\nresources:\n  - ../base\n  - extra.yaml\n",
        "overlay/extra.yaml": OBJECT.format(name="extra"),
        "base/kustomization.yaml": "resources: [sa.yaml]\n",
        "base/sa.yaml": OBJECT.format(name="a"),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    alone = _ks008([tmp_path / "overlay"])
    assert [(f.severity, f.span.line, f.data["entry"]) for f in alone] == [("info", 3, "../base")]
    assert "not among the linted inputs" in alone[0].message
    assert f"kubelint-scrape check {tmp_path}" in alone[0].fix  # their common directory: linting it reads both
    assert _ks008([tmp_path]) == []
    assert _ks008([tmp_path / "overlay", tmp_path / "base"]) == []


def _write(tmp_path: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)


def test_build_entry_the_exclude_setting_leaves_out_is_no_oversight(tmp_path: Path) -> None:
    """A base the configuration's `exclude` leaves out (a vendored kube-prometheus) was reported at every lint of the
    repository with the fix 'lint the directory holding both' — the directory just linted, which reads it no more.
    The exclusion is the user's choice: no note. An entry outside the linted paths and not excluded still gets it."""
    from kubelint_scrape.config import PathMatcher
    from kubelint_scrape.engine import Options, lint_paths

    _write(tmp_path, {
        "apps/prod/kustomization.yaml": "resources:\n  - ../../vendor/kube-prometheus\n  - ../../other\n",
        "vendor/kube-prometheus/kustomization.yaml": "resources: [sa.yaml]\n",
        "vendor/kube-prometheus/sa.yaml": OBJECT.format(name="a"),
        "other/kustomization.yaml": "resources: [sa.yaml]\n",
        "other/sa.yaml": OBJECT.format(name="b"),
    })
    options = Options(exclude=PathMatcher(["vendor/", "other/"], str(tmp_path)))
    assert [f for f in lint_paths([str(tmp_path)], options).findings if f.rule == "KS008"] == []
    options = Options(exclude=PathMatcher(["vendor/"], str(tmp_path)))
    found = [f for f in lint_paths([str(tmp_path / "apps")], options).findings if f.rule == "KS008"]
    assert [f.data["entry"] for f in found] == ["../../other"]


def test_kustomization_named_alone_gets_no_note_per_sibling(tmp_path: Path) -> None:
    """The staged-files pre-commit hook names each changed file: a kustomization.yaml edited alone got one note per
    unchanged file it lists beside it. Entries inside its own directory are left out by that choice (or, when the
    directory is walked, by exclude rules); its base outside the directory is still said."""
    _write(tmp_path, {
        "overlay/kustomization.yaml": "resources:\n  - ../base\n  - extra.yaml\n  - parts/more.yaml\n",
        "overlay/extra.yaml": OBJECT.format(name="extra"),
        "overlay/parts/more.yaml": OBJECT.format(name="more"),
        "base/kustomization.yaml": "resources: [sa.yaml]\n",
        "base/sa.yaml": OBJECT.format(name="a"),
    })
    found = _ks008([tmp_path / "overlay" / "kustomization.yaml"])
    assert [f.data["entry"] for f in found] == ["../base"]
    assert _ks008([tmp_path / "base" / "kustomization.yaml"]) == []
