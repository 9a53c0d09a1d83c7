"""kpatch: Kustomize's JSON 6902 and strategic merge patches on the trees the analysis reads (kustomize
api/filters/patchjson6902 and patchstrategicmerge; k8s strategic-merge-patch list merge keys), and the positions
patched values keep."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kubelint_scrape.kpatch import (
    Patch, PatchError, apply_patches, json6902, kustomization_patches, pointer, retag_image, same_object, selected,
    strategic_merge)
from kubelint_scrape.k8sselector import label_selector_matches
from kubelint_scrape.kustomize import kustomize_builds
from kubelint_scrape.load import Limits, parse_text, read_source
from kubelint_scrape.yamltree import FilePos, YMap, at


def tree(text: str, path: str = "base.yaml"):
    return parse_text(path, text)[0][0].root


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: prom, namespace: mon, labels: {app: prom, tier: db}}
spec:
  template:
    spec:
      serviceAccountName: old
      containers:
      - name: p
        image: prom:1
        args: [--a, --b]
        env: [{name: A, value: "1"}, {name: B, value: "2"}]
        volumeMounts: [{name: c, mountPath: /etc/p}]
      - name: sidecar
        image: side:1
      volumes: [{name: c, configMap: {name: conf}}]
"""

ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: prom}
rules:
- {apiGroups: [""], resources: [nodes], verbs: [list]}
- {apiGroups: [""], resources: [nodes/metrics], verbs: [get]}
"""


def test_pointer_unescapes_tilde_one_then_tilde_zero() -> None:
    assert pointer("/metadata/annotations/a~1b~0c~01") == ("metadata", "annotations", "a/b~c~1")
    assert pointer("") == ()
    with pytest.raises(PatchError):
        pointer("metadata/name")


def test_json6902_add_append_remove_replace_and_escaped_key() -> None:
    base = tree(ROLE)
    ops = tree("""\
- {op: add, path: /rules/-, value: {apiGroups: [""], resources: [pods], verbs: [get]}}
- {op: remove, path: /rules/0}
- {op: replace, path: /rules/0/verbs, value: [get, list]}
- {op: add, path: /metadata/annotations, value: {}}
- {op: add, path: /metadata/annotations/example.com~1team, value: obs}
""", "patch.yaml")
    patched = json6902(base, ops)
    assert [list(r["resources"]) for r in patched["rules"]] == [["nodes/metrics"], ["pods"]]
    assert list(patched["rules"][0]["verbs"]) == ["get", "list"]
    assert patched["metadata"]["annotations"] == {"example.com/team": "obs"}
    assert len(base["rules"]) == 2 and list(base["rules"][1]["verbs"]) == ["get"]  # the base tree is shared: untouched


def test_json6902_copy_move_and_test() -> None:
    base = tree(ROLE)
    patched = json6902(base, tree("""\
- {op: test, path: /rules/1/resources/0, value: nodes/metrics}
- {op: copy, from: /rules/1, path: /rules/0}
- {op: move, from: /rules/2, path: /rules/-}
"""))
    assert [r["resources"][0] for r in patched["rules"]] == ["nodes/metrics", "nodes", "nodes/metrics"]


@pytest.mark.parametrize("ops", [
    "- {op: remove, path: /rules/5}",
    "- {op: replace, path: /metadata/labels/x, value: y}",
    "- {op: test, path: /rules/0/verbs/0, value: get}",
    "- {op: add, path: /rules/7, value: {}}",
    "- {op: frobnicate, path: /rules}",
])
def test_json6902_ops_kustomize_refuses_raise_and_leave_the_object_unpatched(ops: str) -> None:
    base = tree(ROLE)
    with pytest.raises(PatchError):
        json6902(base, tree(ops))
    patch = Patch("json6902", tree(ops), YMap(), ("k", 0, ops, "k"))
    assert apply_patches(base, [patch], "") is base


def test_strategic_merge_merges_containers_env_and_mounts_by_key_and_replaces_args() -> None:
    base = tree(DEPLOYMENT)
    patch = tree("""\
apiVersion: apps/v1
kind: Deployment
metadata: {name: prom}
spec:
  template:
    spec:
      serviceAccountName: new
      containers:
      - name: p
        args: [--c]
        env: [{name: B, value: "3"}, {name: C, value: "4"}]
        volumeMounts: [{mountPath: /etc/p, name: c2}]
      - name: extra
        image: extra:1
      volumes: [{name: d, emptyDir: {}}]
""", "patch.yaml")
    spec = strategic_merge(base, patch, True)["spec"]["template"]["spec"]
    assert spec["serviceAccountName"] == "new"
    assert [c["name"] for c in spec["containers"]] == ["p", "sidecar", "extra"]
    main = spec["containers"][0]
    assert main["image"] == "prom:1" and list(main["args"]) == ["--c"]
    assert [(e["name"], e["value"]) for e in main["env"]] == [("A", "1"), ("B", "3"), ("C", "4")]
    assert [(m["name"], m["mountPath"]) for m in main["volumeMounts"]] == [("c2", "/etc/p")]
    assert [v["name"] for v in spec["volumes"]] == ["c", "d"]
    assert base["spec"]["template"]["spec"]["serviceAccountName"] == "old"


def test_strategic_merge_replaces_rules_and_subjects_and_custom_resource_lists() -> None:
    role = strategic_merge(tree(ROLE), tree("rules:\n- {apiGroups: [\"\"], resources: [pods], verbs: [get]}\n"), True)
    assert [r["resources"][0] for r in role["rules"]] == ["pods"]
    prometheus = tree("apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nspec:\n  containers: [{name: a, image: x}]\n")
    patched = strategic_merge(prometheus, tree("spec:\n  containers: [{name: b}]\n"), False)
    assert [c["name"] for c in patched["spec"]["containers"]] == ["b"]


def test_strategic_merge_directives() -> None:
    base = tree(DEPLOYMENT)
    deleted = strategic_merge(base, tree("""\
spec:
  template:
    spec:
      serviceAccountName: null
      containers:
      - {name: sidecar, $patch: delete}
      volumes:
      - $patch: replace
      - {name: e, emptyDir: {}}
"""), True)["spec"]["template"]["spec"]
    assert "serviceAccountName" not in deleted
    assert [c["name"] for c in deleted["containers"]] == ["p"]
    assert [v["name"] for v in deleted["volumes"]] == ["e"]
    replaced = strategic_merge(base, tree("metadata:\n  $patch: replace\n  name: other\n"), True)
    assert replaced["metadata"] == {"name": "other"}
    assert strategic_merge(base, tree("$patch: delete\nmetadata: {name: prom}\n"), True) is None


def test_selector_regex_namespace_and_label_selectors() -> None:
    doc = tree(DEPLOYMENT)
    assert selected(tree("{kind: Deploy.*, name: pr.m, group: apps, version: v1}"), doc, "mon")
    assert not selected(tree("{kind: Deploy, name: prom}"), doc, "mon")  # anchored
    assert selected(tree("{namespace: prod}"), doc, "prod")  # the namespace the build gives it
    assert not selected(tree("{namespace: other}"), doc, "mon")
    assert selected(tree("{labelSelector: 'app=prom,tier in (db, web),!canary'}"), doc, "mon")
    assert not selected(tree("{labelSelector: 'app!=prom'}"), doc, "mon")
    assert not label_selector_matches("tier notin (db)", {"tier": "db"})
    assert label_selector_matches("tier", {"tier": "db"}) and not label_selector_matches("!tier", {"tier": "db"})


def test_patched_values_point_into_the_patch_and_the_rest_into_the_base() -> None:
    base = tree(ROLE)
    ops = tree("- {op: add, path: /rules/-, value: {apiGroups: [\"\"], resources: [pods], verbs: [get]}}\n")
    from kubelint_scrape.kpatch import _rebased

    _rebased(ops, lambda pos: FilePos(pos[0], pos[1], "patch.yaml"))
    patched = json6902(base, ops)
    added = patched["rules"][2]
    assert str(at("base.yaml", added.pos)) == "patch.yaml:1:36"  # its `{`
    assert str(at("base.yaml", patched["rules"][0].pos)) == "base.yaml:5:3"


def _write(tmp_path: Path, files: dict[str, str]):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return [read_source(str(tmp_path / name), Limits()) for name in sorted(files)]


def test_patch_chains_innermost_first_and_only_below_the_patching_kustomization(tmp_path: Path) -> None:
    sources = _write(tmp_path, {
        "overlay/kustomization.yaml": "resources: [../base]\npatches: [{path: p.yaml}]\n",
        "overlay/p.yaml": "kind: ClusterRole\n",
        "base/kustomization.yaml": "resources: [role.yaml]\npatchesStrategicMerge: [q.yaml]\n",
        "base/q.yaml": "kind: ClusterRole\n",
        "base/role.yaml": ROLE,
        "other/kustomization.yaml": "resources: [sa.yaml]\n",
        "other/sa.yaml": "kind: ServiceAccount\n",
    })
    chains = kustomize_builds(sources).patch_chains()
    assert {os.path.relpath(k, tmp_path): [os.path.relpath(p, tmp_path) for p in v] for k, v in chains.items()} == {
        "base/role.yaml": ["base/kustomization.yaml", "overlay/kustomization.yaml"]}


def test_a_components_patches_apply_to_the_build_listing_it(tmp_path: Path) -> None:
    # kustomize runs a Component's patches on the resources of the kustomization that lists it, before that
    # kustomization's own patches.
    sources = _write(tmp_path, {
        "overlay/kustomization.yaml": "resources: [../base]\ncomponents: [../grant]\npatches: [{path: p.yaml}]\n",
        "overlay/p.yaml": "kind: ClusterRole\n",
        "base/kustomization.yaml": "resources: [role.yaml]\n",
        "base/role.yaml": ROLE,
        "grant/kustomization.yaml": ("apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
                                     "patches: [{path: q.yaml}]\n"),
        "grant/q.yaml": "kind: ClusterRole\n",
    })
    chains = kustomize_builds(sources).patch_chains()
    assert {os.path.relpath(k, tmp_path): [os.path.relpath(p, tmp_path) for p in v] for k, v in chains.items()} == {
        "base/role.yaml": ["grant/kustomization.yaml", "overlay/kustomization.yaml"]}


def test_a_components_inline_patch_grants_in_the_built_workspace(tmp_path: Path) -> None:
    from kubelint_scrape.build import build_workspace

    sources = _write(tmp_path, {
        "overlay/kustomization.yaml": "resources: [../base]\ncomponents: [../grant]\n",
        "base/kustomization.yaml": "resources: [role.yaml]\n",
        "base/role.yaml": ROLE,
        "grant/kustomization.yaml": (
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n"
            "- target: {kind: ClusterRole}\n  patch: |\n    - op: replace\n      path: /rules/0/verbs\n"
            "      value: [list, watch]\n"),
    })
    workspace, _configs, _findings = build_workspace(sources)
    rule = workspace.cluster_roles["prom"].rules[0]
    assert list(rule.verbs) == ["list", "watch"]
    # the replaced value, and its key, point at the operation in the component's inline block
    assert str(at(rule.path, rule.node.value_pos("verbs"))).endswith("grant/kustomization.yaml:8:14")
    assert str(rule.span("verbs")).endswith("grant/kustomization.yaml:7:13")
    assert str(rule.span("resources")).endswith("base/role.yaml:5:21")


BINDING = """\
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: prom}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prom}
subjects: [{kind: ServiceAccount, name: prom, namespace: mon}]
"""


def test_inline_strategic_merge_patches_delete_and_merge_several_objects(tmp_path: Path) -> None:
    from kubelint_scrape.build import build_workspace

    sources = _write(tmp_path, {
        "overlay/kustomization.yaml": (
            "resources: [../base]\npatchesStrategicMerge:\n- |-\n  apiVersion: rbac.authorization.k8s.io/v1\n"
            "  kind: ClusterRoleBinding\n  metadata: {name: prom}\n  $patch: delete\n"
            "patches:\n- path: two.yaml\n"),
        "overlay/two.yaml": (
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: prom}\n"
            "aggregationRule: {clusterRoleSelectors: [{matchLabels: {a: b}}]}\n---\n"
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: prom, namespace: mon}\n"
            "automountServiceAccountToken: false\n"),
        "base/kustomization.yaml": "resources: [role.yaml]\n",
        "base/role.yaml": ROLE + BINDING + "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: prom, namespace: mon}\n",
    })
    workspace, _configs, _findings = build_workspace(sources)
    assert [b.name for b in workspace.bindings if not b.builtin] == []
    role = workspace.cluster_roles["prom"]
    assert role.aggregation is not None and len(role.rules) == 2
    assert [o.name for o in workspace.objects if o.kind == "ClusterRole"] == ["prom"]  # the patch is no role of its own
    account = next(o for o in workspace.objects if o.kind == "ServiceAccount")
    assert account.doc["automountServiceAccountToken"] is False


def test_the_patch_file_of_a_component_no_build_lists_is_no_object_of_its_own(tmp_path: Path) -> None:
    """A Component dropped from the overlay (or its path misspelt there): no build reaches it, yet its patch file is
    still a partial object (mutation round 10, "b28 component dropped from the overlay": the file was read as a
    Prometheus default/k8s, and KS109 named its account)."""
    from kubelint_scrape.build import build_workspace

    sources = _write(tmp_path, {
        "overlay/kustomization.yaml": "namespace: mon\nresources: [../base]\n",
        "base/kustomization.yaml": "resources: [role.yaml]\n",
        "base/role.yaml": ROLE,
        "grant/kustomization.yaml": ("apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
                                     "patches:\n- path: more.yaml\n"),
        "grant/more.yaml": ("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: extra}\n"
                            "rules: [{apiGroups: [''], resources: [nodes/metrics], verbs: [get]}]\n"),
    })
    workspace, _configs, _findings = build_workspace(sources)
    assert "extra" not in workspace.cluster_roles
    assert [o.name for o in workspace.objects if o.kind == "ClusterRole"] == ["prom"]


def test_a_patch_that_targets_nothing_or_fails_leaves_the_objects_as_written(tmp_path: Path) -> None:
    from kubelint_scrape.build import build_workspace

    sources = _write(tmp_path, {
        "overlay/kustomization.yaml": (
            "resources: [../base]\npatches:\n- target: {kind: ClusterRole, name: other}\n"
            "  patch: '[{op: remove, path: /rules/0}]'\n- target: {kind: ClusterRole, name: prom}\n"
            "  patch: '[{op: add, path: /metadata/labels, value: {team: obs}}]'\n"
            "- target: {kind: ClusterRole, name: prom}\n  patch: |-\n    - {op: remove, path: /rules/0}\n"
            "    - {op: remove, path: /rules/9}\n"),
        "base/kustomization.yaml": "resources: [role.yaml]\n",
        "base/role.yaml": ROLE,
    })
    workspace, _configs, _findings = build_workspace(sources)
    assert len(workspace.cluster_roles["prom"].rules) == 2
    assert workspace.cluster_roles["prom"].labels == {"team": "obs"}  # a one-line `patch:` is inline too


def test_one_smp_patch_file_of_several_documents_patches_each_its_object() -> None:
    role, binding = tree(ROLE), tree(BINDING)
    patch = Patch("smp", [tree("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n"
                               "metadata: {name: prom}\nsubjects: [{kind: Group, name: g}]\n"),
                          tree("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
                               "metadata: {name: prom}\nrules: []\n")], None, ("k", 0, "", "k"))
    assert list(patch.apply(role, "")["rules"]) == []
    assert [s["kind"] for s in patch.apply(binding, "")["subjects"]] == ["Group"]  # replaced, not merged by name
    other = tree(ROLE.replace("name: prom", "name: other"))
    assert patch.apply(other, "") is other


def test_patches_run_in_kustomizes_order_smp_then_patches_then_json6902(tmp_path: Path) -> None:
    from kubelint_scrape.build import build_workspace

    sources = _write(tmp_path, {
        "overlay/kustomization.yaml": (
            "resources: [../base]\n"
            "patchesJson6902:\n- target: {kind: ClusterRole, name: prom}\n"
            "  patch: '[{op: add, path: /rules/-, value: {apiGroups: [\"\"], resources: [secrets], verbs: [get]}}]'\n"
            "patches:\n- patch: |\n    apiVersion: rbac.authorization.k8s.io/v1\n    kind: ClusterRole\n"
            "    metadata: {name: prom}\n    rules: [{apiGroups: [\"\"], resources: [pods], verbs: [get]}]\n"),
        "base/kustomization.yaml": "resources: [role.yaml]\n",
        "base/role.yaml": ROLE,
    })
    workspace, _configs, _findings = build_workspace(sources)
    assert [r.resources for r in workspace.cluster_roles["prom"].rules] == [("pods",), ("secrets",)]


PATCH_ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: prom}
rules:
- {apiGroups: [""], resources: [nodes/metrics], verbs: [get]}
"""


@pytest.mark.parametrize("base", ["github.com/example/monitoring//base?ref=v1", "https://example.com/base.yaml", "../base"])
def test_a_patch_file_of_a_build_reaching_beyond_the_inputs_stays_an_object(tmp_path: Path, base: str) -> None:
    # The patched ClusterRole comes from a remote base, or from a directory the inputs do not hold: the patch file is
    # the nearest thing to it the inputs show (a strategic merge patch replacing `rules` IS the role's rules), so
    # it is modelled — before, the binding beside it got a false KS502 (the role "exists nowhere").
    from kubelint_scrape.build import build_workspace

    sources = _write(tmp_path, {
        "overlay/kustomization.yaml": f"resources:\n- {base}\n- binding.yaml\npatchesStrategicMerge: [role-patch.yaml]\n",
        "overlay/role-patch.yaml": PATCH_ROLE,
        "overlay/binding.yaml": BINDING,
    })
    workspace, _configs, _findings = build_workspace(sources)
    assert [list(rule.resources) for rule in workspace.cluster_roles["prom"].rules] == [["nodes/metrics"]]


def test_a_patch_file_of_a_build_wholly_in_the_inputs_is_no_object_of_its_own(tmp_path: Path) -> None:
    from kubelint_scrape.build import build_workspace

    sources = _write(tmp_path, {
        "overlay/kustomization.yaml": "resources: [../base]\npatchesStrategicMerge: [role-patch.yaml]\n",
        "overlay/role-patch.yaml": PATCH_ROLE.replace("prom}", "other}"),
        "base/kustomization.yaml": "resources: [role.yaml]\n",
        "base/role.yaml": ROLE,
    })
    workspace, _configs, _findings = build_workspace(sources)
    assert "other" not in workspace.cluster_roles and "prom" in workspace.cluster_roles


def test_a_patch_naming_a_namespace_finds_the_object_in_the_one_it_has_when_the_patch_runs(tmp_path: Path) -> None:
    """kustomize runs a kustomization's patchesStrategicMerge and patches before its namespace transformer and its
    patchesJson6902 after it (kubernetes/kubernetes#101199: an SMP naming the overlay's own namespace finds no
    object); a namespace a base gives is there before the overlay's patches run (mutation round 10)."""
    from kubelint_scrape.build import build_workspace

    account = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: prom}\n"
    smp = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: prom, namespace: mon}\nautomountServiceAccountToken: false\n"
    json = ("- target: {kind: ServiceAccount, name: prom, namespace: mon}\n  patch: |-\n"
            "    - {op: add, path: /automountServiceAccountToken, value: false}\n")

    def automount(files: dict[str, str]) -> object:
        workspace, _configs, _findings = build_workspace(_write(tmp_path / str(len(list(tmp_path.iterdir()))), files))
        return next(o for o in workspace.objects if o.kind == "ServiceAccount").doc.get("automountServiceAccountToken")

    base = {"base/kustomization.yaml": "resources: [sa.yaml]\n", "base/sa.yaml": account}
    assert automount({**base, "overlay/p.yaml": smp,
                      "overlay/kustomization.yaml": "namespace: mon\nresources: [../base]\npatchesStrategicMerge: [p.yaml]\n"}) is None
    assert automount({**base, "overlay/kustomization.yaml": "namespace: mon\nresources: [../base]\npatches:\n" + json}) is None
    assert automount({**base, "overlay/kustomization.yaml": "namespace: mon\nresources: [../base]\npatchesJson6902:\n" + json}) is False
    assert automount({"base/kustomization.yaml": "namespace: mon\nresources: [sa.yaml]\n", "base/sa.yaml": account,
                      "overlay/p.yaml": smp,
                      "overlay/kustomization.yaml": "namespace: mon\nresources: [../base]\npatchesStrategicMerge: [p.yaml]\n"}) is False


def test_a_strategic_merge_patch_naming_a_namespace_still_finds_a_cluster_scoped_object() -> None:
    """A cluster-scoped kind's id has no namespace (kustomize's EffectiveNamespace), so the patch's is ignored; a
    target's namespace selects no cluster-scoped object."""
    role = tree(ROLE)
    patch = tree("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: prom, namespace: mon}\n")
    assert same_object(patch, role, "mon")
    assert not selected(tree("{kind: ClusterRole, namespace: mon}"), role, "mon")


def test_strategic_merge_merges_service_ports_by_port_and_container_ports_by_container_port() -> None:
    # ServicePort's patchMergeKey is `port` (ContainerPort's is containerPort): an overlay adding a metrics port to
    # a Service keeps its own ports (merged by containerPort, which neither has, it replaced the last one).
    service = tree("apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  ports:\n"
                   "  - {name: http, port: 80, targetPort: 8080}\n  - {name: grpc, port: 81}\n")
    patch = tree("spec:\n  ports:\n  - {name: metrics, port: 9090}\n  - {port: 81, targetPort: 8181}\n", "patch.yaml")
    ports = strategic_merge(service, patch, True)["spec"]["ports"]
    assert [(p["name"], p["port"], p.get("targetPort")) for p in ports] == [
        ("http", 80, 8080), ("grpc", 81, 8181), ("metrics", 9090, None)]
    patched = strategic_merge(tree(DEPLOYMENT), tree(
        "spec:\n  template:\n    spec:\n      containers:\n      - name: p\n        ports: [{containerPort: 9090, name: m}]\n"),
        True)
    base_ports = strategic_merge(patched, tree(
        "spec:\n  template:\n    spec:\n      containers:\n      - name: p\n        ports: [{containerPort: 8080}]\n"),
        True)["spec"]["template"]["spec"]["containers"][0]["ports"]
    assert [p["containerPort"] for p in base_ports] == [9090, 8080]


@pytest.mark.parametrize("image, entry, expected", [
    # kustomize api/filters/imagetag/updater.go + api/internal/image Split/IsImageMatched (imagetag_test.go cases)
    ("nginx:1.7.9", ("nginx", "", "1.8.0", ""), "nginx:1.8.0"),
    ("nginx", ("nginx", "my-nginx", "", ""), "my-nginx"),
    ("nginx:1.7.9", ("nginx", "", "", "sha256:24a0c4b4"), "nginx@sha256:24a0c4b4"),
    ("nginx:1.7.9@sha256:111", ("nginx", "", "1.8.0", ""), "nginx:1.8.0"),  # a new tag drops the old digest
    ("nginx@sha256:111", ("nginx", "reg/nginx", "", ""), "reg/nginx@sha256:111"),
    ("localhost:5000/prom/prometheus:v2.12.0", ("localhost:5000/prom/prometheus", "", "v2.15.2", ""),
     "localhost:5000/prom/prometheus:v2.15.2"),  # the registry's port is no tag
    ("prom/prometheus-operator:v1", ("prom/prometheus", "", "v2", ""), "prom/prometheus-operator:v1"),  # whole name
    ("quay.io/prom/prometheus:v1", ("prom/prometheus", "", "v2", ""), "quay.io/prom/prometheus:v1"),  # anchored
])
def test_images_entry_rewrites_the_matching_image_as_kustomize_does(image, entry, expected) -> None:
    assert retag_image(image, entry) == expected


def test_kustomization_images_retag_containers_and_init_containers_in_order(tmp_path: Path) -> None:
    kustomization = tmp_path / "kustomization.yaml"
    kustomization.write_text("resources: [deploy.yaml]\nimages:\n- {name: prom, newTag: \"2\"}\n"
                             "- {name: prom, newName: mirror/prom}\n- {name: side, newTag: 7}\n")
    source = read_source(str(kustomization), Limits())
    patches = kustomization_patches(source, source.documents[0].root, {})
    assert [(p.form, p.late) for p in patches] == [("images", True)]  # after every patch (kusttarget_configplugin)
    base = tree(DEPLOYMENT.replace("      containers:", "      initContainers: [{name: i, image: prom}]\n      containers:"))
    spec = apply_patches(base, patches, "")["spec"]["template"]["spec"]
    # each entry runs on what the one before left; `newTag: 7` is a number, which types.Image does not read
    assert [c["image"] for c in spec["containers"]] == ["mirror/prom:2", "side:1"]
    assert spec["initContainers"][0]["image"] == "mirror/prom:2"
    assert base["spec"]["template"]["spec"]["containers"][0]["image"] == "prom:1"  # the base tree is not changed
    crd = tree("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec:\n  containers: [{image: prom}]\n")
    assert apply_patches(crd, patches, "") is crd
