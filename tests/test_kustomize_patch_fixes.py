"""Fixes of findings on objects a Kustomize patch changed, applied where and as the fix says, then re-linted: the
finding goes and nothing new appears. The setup is the b27 baseline (base + prod overlay patching its ClusterRole)."""

from __future__ import annotations

import shutil
from pathlib import Path

from kubelint_scrape.engine import Options, lint_paths

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


def _setup(tmp_path: Path, kustomization: str) -> Path:
    root = tmp_path / "setup"
    shutil.copytree(BASELINE, root)
    shutil.rmtree(root / "apps")
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
