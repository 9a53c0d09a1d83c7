"""kname.py: Kustomize `namePrefix:`/`nameSuffix:` as `kustomize build` applies them — the objects of a build
renamed (nested roots compose), references naming an object of the same build by an earlier name rewritten
(the nameReference transformer's fields), everything else left as written (kubernetes-sigs/kustomize
api/internal/builtins/PrefixTransformer.go, api/konfig/builtinpluginconsts/namereference.go)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from kubelint_scrape.engine import Options, lint_paths
from kubelint_scrape.kname import build_names, referenced, renamed
from kubelint_scrape.load import Limits, parse_text, read_source
from kubelint_scrape.kustomize import kustomize_builds

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _doc(text: str):
    return parse_text("t.yaml", text, Limits())[0][0].root


def _builds(tmp_path: Path, files: dict[str, str]):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return kustomize_builds([read_source(str(tmp_path / name), Limits()) for name in sorted(files)])


def test_nested_prefixes_and_suffixes_compose_outer_around_inner_and_the_first_overlay_by_path_names_a_shared_base(
        tmp_path: Path) -> None:
    builds = _builds(tmp_path, {
        "a/kustomization.yaml": "resources: [../mid, own.yaml]\nnamePrefix: a-\nnameSuffix: -prod\n",
        "a/own.yaml": "kind: ConfigMap\n",
        "b/kustomization.yaml": "resources: [../mid]\nnamePrefix: b-\n",
        "mid/kustomization.yaml": "resources: [../base]\nnamePrefix: m-\nnameSuffix: -x\n",
        "base/kustomization.yaml": "resources: [sa.yaml]\n",
        "base/sa.yaml": "kind: ServiceAccount\n",
        "plain/kustomization.yaml": "resources: [cm.yaml]\n",
        "plain/cm.yaml": "kind: ConfigMap\n",
    })
    assigned, per_build = builds.renamings()
    relative = {os.path.relpath(path, tmp_path): value for path, value in assigned.items()}
    outer_a = str(tmp_path / "a" / "kustomization.yaml")
    assert relative == {"base/sa.yaml": (outer_a, (("m-", "-x"), ("a-", "-prod"))),
                        "a/own.yaml": (outer_a, (("a-", "-prod"),))}  # (a build renaming nothing: not there)
    assert per_build[str(tmp_path / "b" / "kustomization.yaml")][str(tmp_path / "base" / "sa.yaml")] == (
        ("m-", "-x"), ("b-", ""))
    names = build_names([("ServiceAccount", "prometheus", "", (("m-", "-x"), ("a-", "-prod")))])
    # every earlier name (as written, as the inner build made it) refers to the built name
    assert names == {("ServiceAccount", "prometheus"): ("a-m-prometheus-x-prod", ""),
                     ("ServiceAccount", "m-prometheus-x"): ("a-m-prometheus-x-prod", "")}


def test_no_prefix_no_renaming(tmp_path: Path) -> None:
    builds = _builds(tmp_path, {"o/kustomization.yaml": "resources: [sa.yaml]\nnamespace: x\n",
                                "o/sa.yaml": "kind: ServiceAccount\n"})
    assert builds.renamings() == ({}, {})


NAMES = build_names([(kind, name, namespace, (("a-", ""),)) for kind, name, namespace in [
    ("ServiceAccount", "prometheus", "monitoring"), ("ClusterRole", "prometheus", ""), ("ConfigMap", "config", ""),
    ("Secret", "tls", "")]])


def test_references_to_the_build_follow_and_the_rest_stay_as_written() -> None:
    binding = _doc("""\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: prometheus}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus}
subjects:
  - {kind: ServiceAccount, name: prometheus, namespace: monitoring}
  - {kind: ServiceAccount, name: a-prometheus, namespace: team-a}
  - {kind: ServiceAccount, name: prometheus, namespace: elsewhere}
  - {kind: User, name: prometheus}
""")
    built = renamed(binding, (("a-", ""),), NAMES, "team-a")
    assert built["metadata"]["name"] == "a-prometheus" and built["roleRef"]["name"] == "a-prometheus"
    # the base's name (written with its namespace), the built name as written, another namespace's account, a User
    assert [s["name"] for s in built["subjects"]] == ["a-prometheus", "a-prometheus", "prometheus", "prometheus"]
    assert built["roleRef"].value_pos("name") == binding["roleRef"].value_pos("name")  # findings stay where written
    view = _doc("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: v}\n"
                "roleRef: {kind: ClusterRole, name: view}\nsubjects: [{kind: ServiceAccount, name: prometheus}]\n")
    built = renamed(view, (("a-", ""),), NAMES, "team-a")
    assert built["roleRef"]["name"] == "view" and built["subjects"][0]["name"] == "a-prometheus"


def test_pod_templates_of_the_name_reference_kinds_only() -> None:
    template = """\
apiVersion: apps/v1
kind: {kind}
metadata: {{name: p}}
spec:
  template:
    spec:
      serviceAccountName: prometheus
      containers:
        - name: c
          envFrom: [{{secretRef: {{name: tls}}}}]
      volumes:
        - {{name: v, configMap: {{name: config}}}}
        - {{name: w, projected: {{sources: [{{secret: {{name: tls}}}}]}}}}
"""
    deployment = renamed(_doc(template.format(kind="Deployment")), (("a-", ""),), NAMES, None)
    spec = deployment["spec"]["template"]["spec"]
    assert spec["serviceAccountName"] == "a-prometheus"
    assert spec["volumes"][0]["configMap"]["name"] == "a-config"
    assert spec["volumes"][1]["projected"]["sources"][0]["secret"]["name"] == "a-tls"
    assert spec["containers"][0]["envFrom"][0]["secretRef"]["name"] == "a-tls"
    # namereference.go lists no ServiceAccount reference of a ReplicaSet, and no reference of a custom resource
    replica_set = renamed(_doc(template.format(kind="ReplicaSet")), (("a-", ""),), NAMES, None)
    assert replica_set["spec"]["template"]["spec"]["serviceAccountName"] == "prometheus"
    assert replica_set["spec"]["template"]["spec"]["volumes"][0]["configMap"]["name"] == "a-config"
    prometheus = _doc("apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s}\n"
                      "spec: {serviceAccountName: prometheus}\n")
    built = renamed(prometheus, (("a-", ""),), NAMES, None)
    assert built["metadata"]["name"] == "a-k8s" and built["spec"]["serviceAccountName"] == "prometheus"
    assert referenced([prometheus]) == frozenset()


def test_namespaces_and_crds_keep_their_names() -> None:
    for kind in ("Namespace", "CustomResourceDefinition"):
        doc = _doc(f"apiVersion: v1\nkind: {kind}\nmetadata: {{name: x}}\n")
        assert renamed(doc, (("a-", "-b"),), {}, None) is doc


def test_the_scraper_is_named_as_the_build_names_it(tmp_path: Path) -> None:
    """An overlay's namePrefix renames the base's Deployment account: the finding names team-a/a-prometheus (what
    runs after `kustomize build`), not team-a/prometheus (no such account once built)."""
    found = lint_paths([str(FIXTURES / "KS102" / "fail-kustomize-name-prefix-built-account-lacks-grant")], Options()).findings
    messages = [f.message for f in found if f.rule == "KS102"]
    assert len(messages) == 1 and "as team-a/a-prometheus," in messages[0]
    root = tmp_path / "kz"
    shutil.copytree(FIXTURES / "KS102" / "pass-kustomize-name-prefix-overlay-grants", root)
    assert [f.rule for f in lint_paths([str(root)], Options()).findings] == ["KS304"]


def test_a_reference_an_overlay_patch_writes_follows_the_rename_too(tmp_path: Path) -> None:
    """kustomize renames after a kustomization's patches: a patch setting serviceAccountName to the base's `other`
    makes the Deployment run as a-other, whose grant is then found (no KS102)."""
    root = tmp_path / "kz"
    shutil.copytree(FIXTURES / "KS102" / "fail-kustomize-name-prefix-built-account-lacks-grant", root)
    with open(root / "base" / "prometheus.yaml", "a") as f:
        f.write("---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: other}\n---\n"
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: other}\nrules:\n"
                "  - {apiGroups: [\"\"], resources: [nodes, nodes/metrics], verbs: [get, list, watch]}\n---\n"
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: other}\n"
                "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: other}\n"
                "subjects: [{kind: ServiceAccount, name: other, namespace: default}]\n")
    (root / "overlay" / "kustomization.yaml").write_text(
        "resources: [../base]\nnamespace: team-a\nnamePrefix: a-\npatches:\n  - patch: |\n"
        "      apiVersion: apps/v1\n      kind: Deployment\n      metadata: {name: prometheus}\n"
        "      spec: {template: {spec: {serviceAccountName: other}}}\n")
    found = lint_paths([str(root)], Options()).findings
    assert not [f for f in found if f.rule in ("KS102", "KS108", "KS109")]
    assert any("team-a/a-other" in f.message for f in found if f.rule == "KS203")


def test_role_resource_names_naming_a_config_map_or_secret_of_the_build_follow_it() -> None:
    """namereference.go lists `rules/resourceNames` of Role and ClusterRole for ConfigMaps and Secrets (whatever the
    rule's resources): a reloader's `get secrets` on its Secret by name still names it once the build renames it."""
    role = _doc("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules:\n"
                "  - {apiGroups: [\"\"], resources: [secrets], resourceNames: [tls, other], verbs: [get]}\n"
                "  - {apiGroups: [\"\"], resources: [configmaps], resourceNames: [config], verbs: [get]}\n")
    built = renamed(role, (("a-", ""),), NAMES, "team-a")
    assert built["metadata"]["name"] == "a-r"
    assert list(built["rules"][0]["resourceNames"]) == ["a-tls", "other"]
    assert list(built["rules"][1]["resourceNames"]) == ["a-config"]
    assert ("Secret", "other") in referenced([role])


# A per-team overlay renaming a shared base whose Deployment names its account with the deprecated `serviceAccount:`
# (reduced from dashpole/dashpole_demos prometheus/base, probe realworld22): kustomize renames the ServiceAccount
# but never that field, so the pods name an account the build no longer has (KS109).
_TEAM_BASE = {
    "base/kustomization.yaml": "namespace: mon\nresources: [deploy.yaml, rbac.yaml]\n",
    "base/deploy.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: prometheus}
spec:
  selector: {matchLabels: {app: prometheus}}
  template:
    metadata: {labels: {app: prometheus}}
    spec:
      serviceAccount: prometheus
      containers:
        - name: prometheus
          image: prom/prometheus
          args: [--config.file=/etc/prometheus/prometheus.yml]
          volumeMounts: [{name: config, mountPath: /etc/prometheus}]
      volumes:
        - {name: config, configMap: {name: prometheus-config}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus-config}
data:
  prometheus.yml: |
    scrape_configs:
      - job_name: kubelet
        scheme: https
        bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token
        tls_config: {insecure_skip_verify: true}
        kubernetes_sd_configs: [{role: node}]
""",
    "base/rbac.yaml": """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: prometheus}
rules:
  - {apiGroups: [""], resources: [nodes], verbs: [list, watch]}
  - {apiGroups: [""], resources: [nodes/metrics], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: prometheus}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus}
subjects: [{kind: ServiceAccount, name: prometheus}]
""",
    "team-a/kustomization.yaml": "resources: [../base]\nnamePrefix: team-a-\n",
}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_a_fix_naming_a_renamed_account_writes_its_name_as_written(tmp_path: Path) -> None:
    """The fix of the base's pod template names the account as the base writes it, in serviceAccountName (which the
    build renames for every overlay), not the one overlay's built name; applied literally, the pods run as it."""
    _write(tmp_path, _TEAM_BASE)
    found = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule in ("KS109", "KS101", "KS102")]
    ks109 = [f for f in found if f.rule == "KS109"]
    assert len(ks109) == 1 and "did you mean ServiceAccount mon/team-a-prometheus?" in ks109[0].message
    assert ks109[0].fix.startswith("Name the existing ServiceAccount team-a-prometheus instead of prometheus: write "
                                   "`serviceAccountName: prometheus` (its name as written")
    assert "deprecated `serviceAccount:`" in ks109[0].fix and "Or add" not in ks109[0].fix
    access = [f for f in found if f.rule != "KS109"]
    assert access and all(f.fix.startswith("Set `serviceAccountName: prometheus` (its name as written: the kustomize "
                                           "build renames it to team-a-prometheus") for f in access)
    deploy = tmp_path / "base" / "deploy.yaml"
    deploy.write_text(deploy.read_text().replace("serviceAccount: prometheus", "serviceAccountName: prometheus"))
    assert not [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule in ("KS109", "KS101", "KS102")]


def test_a_fix_outside_a_renaming_build_names_the_account(tmp_path: Path) -> None:
    """No build renames: the account's own name, and the deprecated field left alone (the API server takes it)."""
    files = {**_TEAM_BASE, "team-a/kustomization.yaml": "resources: [../base]\n"}
    files["base/deploy.yaml"] = files["base/deploy.yaml"].replace("serviceAccount: prometheus", "serviceAccount: prometheus-sa")
    _write(tmp_path, files)
    ks109 = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS109"]
    assert len(ks109) == 1 and ks109[0].fix == ("Name the existing ServiceAccount prometheus instead of prometheus-sa, or add a "
                                                "ServiceAccount prometheus-sa in namespace mon.")


def test_written_name_undoes_the_affixes() -> None:
    from kubelint_scrape.kname import names_along, written_name

    affixes = (("in-", "-x"), ("out-", ""))
    assert written_name(names_along("prometheus", affixes)[-1], affixes) == "prometheus"
    assert written_name("other", affixes) == "other"  # not a name the build made


def test_sibling_bases_each_name_their_own_renamed_object() -> None:
    """Two bases of one overlay each rename their own `prometheus` (a-, b-): a reference follows the one renamed as
    its own file is (kustomize rewrote it in that base's pass); a file of neither takes the first."""
    from kubelint_scrape.kname import build_candidates, pick

    candidates = build_candidates([("ServiceAccount", "prometheus", "team-a", (("a-", ""),)),
                                   ("ServiceAccount", "prometheus", "team-b", (("b-", ""),))])
    found = candidates[("ServiceAccount", "prometheus")]
    assert pick(found, (("b-", ""),)) == ("b-prometheus", "team-b")
    assert pick(found, (("a-", ""),)) == ("a-prometheus", "team-a")
    assert pick(found, ()) == ("a-prometheus", "team-a")


def test_an_access_fix_names_the_role_as_its_file_writes_it(tmp_path: Path) -> None:
    """The fix said "Add to ClusterRole a-prometheus": no file of the inputs writes that name (the base writes
    `prometheus`, the overlay's namePrefix builds a-prometheus), and a role written `a-prometheus` into the base
    would be built a-a-prometheus. It now names the role as written, in its file, the built name beside; nested
    overlays (prefix and suffix) compose. Applied there literally, the KS102 is gone."""
    root = tmp_path / "kz"
    shutil.copytree(FIXTURES / "KS102" / "fail-kustomize-name-prefix-built-account-lacks-grant", root)
    (root / "outer").mkdir()
    (root / "outer" / "kustomization.yaml").write_text("resources: [../overlay]\nnamePrefix: x-\nnameSuffix: -prod\n")
    [finding] = [f for f in lint_paths([str(root)], Options()).findings if f.rule == "KS102"]
    base = root / "base" / "prometheus.yaml"
    assert finding.fix.startswith(
        f"Add to ClusterRole prometheus in {base}, which the kustomize build names x-a-prometheus-prod (bound to "
        f"team-a/x-a-prometheus-prod by ClusterRoleBinding x-a-prometheus-prod):\n"), finding.fix
    rules = "\n".join(finding.fix.splitlines()[1:]) + "\n"  # indented for a `rules:` list at column 0
    text = base.read_text()
    base.write_text(text.replace('    verbs: ["list", "watch"]\n', '    verbs: ["list", "watch"]\n' + rules, 1))
    assert [f.rule for f in lint_paths([str(root)], Options()).findings] == ["KS304"]


def test_ks109_fix_adds_the_operator_account_outside_the_renaming_build(tmp_path: Path) -> None:
    """A Prometheus's serviceAccountName is not rewritten by kustomize: the fix's second way, "add a ServiceAccount
    prometheus in namespace mon", written beside the Prometheus in the base, is built a-prometheus and the KS109
    stayed. The fix now says to add it outside the build; applied so, and the first way too, the KS109 is gone."""
    root = tmp_path / "kz"
    shutil.copytree(FIXTURES / "KS109" / "fail-kustomize-name-prefix-operator-account-not-rewritten", root)
    (root / "expected.txt").unlink()
    base = root / "base" / "p.yaml"
    [finding] = [f for f in lint_paths([str(root)], Options()).findings if f.rule == "KS109"]
    assert finding.fix == (
        f"Name the existing ServiceAccount a-prometheus instead of prometheus, or add a ServiceAccount prometheus in "
        f"namespace mon, outside the kustomize build that includes {base} (written in it, its namePrefix/nameSuffix "
        f"would name the account a-prometheus, which the Prometheus's serviceAccountName, not rewritten by kustomize, "
        f"would still miss).")
    text = base.read_text()
    base.write_text(text + "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: prometheus}\n")
    assert [f.rule for f in lint_paths([str(root)], Options()).findings] == ["KS109"]  # why: built a-prometheus
    base.write_text(text)
    (root / "sa.yaml").write_text("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: prometheus, namespace: mon}\n")
    assert not lint_paths([str(root)], Options()).findings
    (root / "sa.yaml").unlink()
    base.write_text(text.replace("serviceAccountName: prometheus", "serviceAccountName: a-prometheus"))
    assert not lint_paths([str(root)], Options()).findings
