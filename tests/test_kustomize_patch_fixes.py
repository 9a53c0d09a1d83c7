"""Fixes of findings on objects a Kustomize patch changed, applied where and as the fix says, then re-linted: the
finding goes and nothing new appears. The setup is the b27 baseline (base + prod overlay patching its ClusterRole)."""

from __future__ import annotations

import shutil
from pathlib import Path

from kubelint_scrape.engine import Options, lint_paths
from manifests import prometheus_deployment

BASELINE = Path(__file__).resolve().parent / "mutation" / "baselines" / "b27-kustomize-patches"

KUSTOMIZATION_HEAD = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: monitoring
resources:
  - ../../base
patchesStrategicMerge:
  - service-account.yaml
"""


def _setup(tmp_path: Path, kustomization: str | None, apps: bool = False) -> Path:
    """The baseline, its prod overlay's patches (after its strategic merge service-account.yaml) being
    `kustomization` (None: the baseline's own)."""
    root = tmp_path / "setup"
    shutil.copytree(BASELINE, root)
    if not apps:  # (its Role grants the shop-pods job; without it the fix of KS101 there is to create one)
        shutil.rmtree(root / "apps")
    if kustomization is not None:
        (root / "overlays" / "prod" / "kustomization.yaml").write_text(KUSTOMIZATION_HEAD + kustomization)
    return root


def _lint(root: Path) -> list:
    return [f for f in lint_paths([str(root)], Options()).findings if f.rule != "KS304"]  # (kubelet CA: not ours)


def test_add_to_a_cluster_role_whose_rules_a_strategic_merge_patch_replaces_names_the_patch(tmp_path: Path) -> None:
    """The overlay's strategic merge patch replaces the ClusterRole's `rules` (a list without a merge key is replaced
    whole): a rule added to base/rbac.yaml, where the role is defined, is lost in the build. The fix names the
    patch's list, and the rule added there grants what the kubelet jobs need."""
    root = _setup(tmp_path, "  - role.yaml\npatches:\n  - path: scrape-kubelet.yaml\n")
    role = root / "overlays" / "prod" / "role.yaml"
    role.write_text("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: prometheus\n"
                    "rules:\n  - apiGroups: [\"\"]\n    resources: [\"nodes\", \"pods\"]\n    verbs: [\"list\", \"watch\"]\n")
    found = _lint(root)
    assert [f.rule for f in found] == ["KS102", "KS102"]
    assert f"to its `rules` list in the Kustomize patch at {role}:6" in found[0].fix, found[0].fix
    rules = found[0].fix.split(":\n", 1)[1]
    role.write_text(role.read_text() + rules + "\n")
    assert _lint(root) == []


OPERATIONS = """\
patches:
  - path: scrape-kubelet.yaml
  - target:
      kind: ClusterRole
      name: prometheus
    patch: |-
      - op: add
        path: /rules/-
        value:
          apiGroups: [""]
          resources: ["nodes/metrics", "pods"]
          verbs: ["get", "list", "watch"]
      - op: add
        path: /rules/-
        value:
          apiGroups: [""]
          resources: ["nodes/proxy"]
          verbs: ["get"]
      - op: add
        path: /rules/-
        value:
          apiGroups: [""]
          resources: ["configmaps"]
          verbs: ["create"]
"""


def test_delete_and_replace_a_rule_a_json6902_add_wrote_name_the_operation(tmp_path: Path) -> None:
    """KS203/KS201/KS207 on rules a JSON 6902 `add` appended: "Delete this rule" there means deleting the operation
    (its `value` deleted alone appends a null rule), and "Replace this rule with" two rules means two operations (a
    rule list pasted under `value:` appends one rule that is a list). Done as the fixes say, nothing is left."""
    root = _setup(tmp_path, OPERATIONS)
    kustomization = root / "overlays" / "prod" / "kustomization.yaml"
    found = _lint(root)
    assert sorted(f.rule for f in found) == ["KS201", "KS203", "KS203", "KS203", "KS207"], found
    replace = next(f for f in found if f.rule == "KS203" and f.fix.startswith("Replace"))
    assert f"in place of the `add` operation (path /rules/-) at {kustomization}:14" in replace.fix, replace.fix
    for finding in found:
        if finding.fix.startswith("Delete") or finding.rule in ("KS201", "KS207"):
            assert "delete that whole operation from the patch" in finding.fix, finding.fix
    operations = replace.fix.split(":\n", 1)[1]
    lines = kustomization.read_text().splitlines()
    start = lines.index("      - op: add")  # every operation goes: the first replaced, the others deleted
    kustomization.write_text("\n".join(lines[:start] + ["    " + line for line in operations.splitlines()]) + "\n")
    assert _lint(root) == []


def test_automount_off_in_a_patch_names_the_patch(tmp_path: Path) -> None:
    """KS107 when the overlay's strategic merge patch sets automountServiceAccountToken: false: set true in the base
    Deployment, it stays overridden by the patch; the fix names the patch's line, and set true there the token is
    mounted again."""
    root = _setup(tmp_path, "patches:\n  - path: scrape-kubelet.yaml\n")
    patch = root / "overlays" / "prod" / "service-account.yaml"
    patch.write_text(patch.read_text() + "      automountServiceAccountToken: false\n")
    found = [f for f in _lint(root) if f.rule == "KS107"]
    assert found and all(f"in the Kustomize patch at {patch}:9, which sets it and overrides" in f.fix for f in found), found
    patch.write_text(patch.read_text().replace("automountServiceAccountToken: false", "automountServiceAccountToken: true"))
    assert [f for f in _lint(root) if f.rule == "KS107"] == []


def test_service_account_name_a_patch_sets_is_corrected_in_the_patch(tmp_path: Path) -> None:
    """KS101/KS102 when the overlay's patch names an undefined ServiceAccount while `prometheus` holds the grants:
    `serviceAccountName: prometheus` added to the base Deployment stays overridden; the fix names the patch's line."""
    root = _setup(tmp_path, None, apps=True)
    patch = root / "overlays" / "prod" / "service-account.yaml"
    patch.write_text(patch.read_text().replace("serviceAccountName: prometheus", "serviceAccountName: prometheus-prod"))
    found = [f for f in _lint(root) if f.rule in ("KS101", "KS102")]
    assert found and all(f.fix.startswith("Set `serviceAccountName: prometheus` in the pod template of Deployment "
                                          f"monitoring/prometheus — in the Kustomize patch at {patch}:8,") for f in found), found
    patch.write_text(patch.read_text().replace("prometheus-prod", "prometheus"))
    assert _lint(root) == []


SHARED_CLUSTER_BINDING = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus, namespace: monitoring}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: agent, namespace: other}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: prometheus}
rules: [{apiGroups: [""], resources: ["pods"], verbs: ["list", "watch"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: prometheus}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus}
subjects:
  - {kind: ServiceAccount, name: prometheus, namespace: monitoring}
  - {kind: ServiceAccount, name: agent, namespace: other}
---
""" + prometheus_deployment("prometheus-config", "v3.5.0") + """\
---
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus-config, namespace: monitoring}
data:
  prometheus.yml: |
    scrape_configs:
      - job_name: pods
        kubernetes_sd_configs:
          - role: pod
            namespaces:
              names: [shop, web]
"""


def test_ks208_rolebindings_for_a_namespacing_build_are_written_outside_it(tmp_path: Path) -> None:
    """KS208 on a ClusterRoleBinding shared with another account, in a build whose kustomization sets `namespace:`:
    RoleBindings for shop and web pasted beside it would all be moved into monitoring (and collide by name). The fix
    says to build them apart; done so, nothing is left."""
    (tmp_path / "all.yaml").write_text(SHARED_CLUSTER_BINDING)
    (tmp_path / "kustomization.yaml").write_text("namespace: monitoring\nresources: [all.yaml]\n")
    [finding] = lint_paths([str(tmp_path)], Options()).findings
    assert finding.rule == "KS208"
    assert (f"(not in {tmp_path / 'all.yaml'}: {tmp_path / 'kustomization.yaml'} sets `namespace: monitoring` for "
            "the build that includes it, which moves every namespaced object it builds there") in finding.fix, finding.fix
    (tmp_path / "all.yaml").write_text(
        SHARED_CLUSTER_BINDING.replace("  - {kind: ServiceAccount, name: prometheus, namespace: monitoring}\n", ""))
    (tmp_path / "rbac").mkdir()
    (tmp_path / "rbac" / "bindings.yaml").write_text(finding.fix.split(":\n", 1)[1])
    (tmp_path / "rbac" / "kustomization.yaml").write_text("resources: [bindings.yaml]\n")
    assert lint_paths([str(tmp_path)], Options()).findings == []
