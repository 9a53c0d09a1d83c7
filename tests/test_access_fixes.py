"""Fixes of access and least-privilege findings, applied the way a user would and re-linted: the finding goes,
no access error appears, and what the fix writes grants no more than the jobs need."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from kubelint_scrape.analyse import Assumptions
from kubelint_scrape.engine import Options, lint_paths
from manifests import APISERVER_MONITOR, operator_prometheus, prometheus_deployment, scraper_rbac

ACCESS = {"KS101", "KS102", "KS103", "KS104", "KS105", "KS108"}

DEPLOYMENT = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus, namespace: monitoring}
---
""" + prometheus_deployment('prometheus-config', tag='v3.5.0') + """---
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus-config, namespace: monitoring}
data:
  prometheus.yml: |
    scrape_configs:
"""

PODS_JOB = """\
      - job_name: kubernetes-pods
        kubernetes_sd_configs:
          - role: pod
"""

NODES_JOB = """\
      - job_name: kubernetes-nodes
        scheme: https
        tls_config:
          insecure_skip_verify: true
        authorization:
          credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token
        kubernetes_sd_configs:
          - role: node
"""

PROXY_JOB = """\
      - job_name: kubernetes-nodes
        scheme: https
        tls_config:
          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
        bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token
        kubernetes_sd_configs:
          - role: node
        relabel_configs:
          - target_label: __address__
            replacement: kubernetes.default.svc:443
          - source_labels: [__meta_kubernetes_node_name]
            regex: (.+)
            target_label: __metrics_path__
            replacement: /api/v1/nodes/${1}/proxy/metrics
"""


def _binding(kind: str, role_kind: str, role: str, namespace: str | None = None, subject: str = "") -> str:
    meta = f"{{name: prometheus, namespace: {namespace}}}" if namespace else "{name: prometheus}"
    subject = subject or "{kind: ServiceAccount, name: prometheus, namespace: monitoring}"
    return (f"apiVersion: rbac.authorization.k8s.io/v1\nkind: {kind}\nmetadata: {meta}\n"
            f"roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: {role_kind}, name: {role}}}\nsubjects: [{subject}]\n")


def _cluster_role(name: str, rules: str) -> str:
    return f"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {{name: {name}}}\nrules:\n{rules}"


def _lint(path: Path):
    return lint_paths([str(path)], Options()).findings


def _setup(tmp_path: Path, jobs: str, rbac: str) -> Path:
    (tmp_path / "prometheus.yaml").write_text(DEPLOYMENT + jobs)
    (tmp_path / "rbac.yaml").write_text(rbac)
    return tmp_path


def _snippet(fix: str) -> list[dict]:
    """The rules a fix shows: its first block of lines indented under the header."""
    lines = []
    for line in fix.splitlines()[1:]:
        if not line.startswith("  "):
            break
        lines.append(line[2:])
    rules = YAML(typ="safe").load("\n".join(lines))
    assert isinstance(rules, list) and rules, fix
    return rules


def _apply_new_cluster_role(path: Path, rules: list[dict]) -> None:
    """`Create ClusterRole prometheus-scrape with this rule and bind it to ServiceAccount monitoring/prometheus
    with ClusterRoleBinding prometheus-scrape`, as written by hand."""
    yaml = YAML()
    with (path / "fix.yaml").open("w") as out:
        yaml.dump_all([
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "prometheus-fix"},
             "rules": rules},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
             "metadata": {"name": "prometheus-fix"},
             "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "prometheus-fix"},
             "subjects": [{"kind": "ServiceAccount", "name": "prometheus", "namespace": "monitoring"}]},
        ], out)


def test_ks105_does_not_bind_edit_cluster_wide(tmp_path: Path) -> None:
    """A RoleBinding to the built-in `edit` cannot grant a cluster-wide pod list (KS105). Binding `edit` with a
    ClusterRoleBinding would make it work — and hand write access to every namespace; the fix is the one rule."""
    setup = _setup(tmp_path, PODS_JOB, _binding("RoleBinding", "ClusterRole", "edit", "monitoring"))
    [finding] = [f for f in _lint(setup) if f.rule == "KS105"]
    assert finding.fix.startswith("Create ClusterRole prometheus-scrape with this rule and bind it to ServiceAccount "
                                  "monitoring/prometheus with ClusterRoleBinding prometheus-scrape")
    assert "Binding ClusterRole edit in every namespace instead would also grant" in finding.fix
    rules = _snippet(finding.fix)
    assert rules == [{"apiGroups": [""], "resources": ["pods"], "verbs": ["list", "watch"]}]
    _apply_new_cluster_role(setup, rules)
    assert not [f for f in _lint(setup) if f.rule in ACCESS]


def test_ks105_binds_a_cluster_role_that_holds_exactly_the_need(tmp_path: Path) -> None:
    """A ClusterRole holding just what the job needs, bound by a RoleBinding: bind it with a ClusterRoleBinding;
    KS203 on its rules keeps them (deleting them would undo that fix) and points at the binding."""
    rules = ('  - apiGroups: [""]\n    resources: ["nodes"]\n    verbs: ["list", "watch"]\n'
             '  - apiGroups: [""]\n    resources: ["nodes/metrics"]\n    verbs: ["get"]\n')
    setup = _setup(tmp_path, NODES_JOB, _cluster_role("prometheus", rules) + "---\n"
                   + _binding("RoleBinding", "ClusterRole", "prometheus", "monitoring"))
    found = _lint(setup)
    # One for the node discovery, one for the kubelet scrape (both on `role: node`), as KS101 and KS102 would be.
    ks105 = [f for f in found if f.rule == "KS105"]
    assert sorted(f.message.split(": ")[1].split(" only")[0] for f in ks105) == [
        "monitoring/prometheus holds get nodes/metrics", "monitoring/prometheus holds list, watch nodes"]
    for finding in ks105:  # the binding's kind back first (it binds the scraper alone), a new binding beside it
        assert finding.fix.startswith("Make RoleBinding monitoring/prometheus the ClusterRoleBinding it needs to be")
        assert ("or bind ClusterRole prometheus to ServiceAccount monitoring/prometheus with a new "
                "ClusterRoleBinding") in finding.fix
    unused = [f for f in found if f.rule == "KS203"]
    assert len(unused) == 2
    for finding in unused:
        assert finding.fix.startswith('Keep this rule: job "kubernetes-nodes" needs it cluster-wide. Bind ClusterRole '
                                      "prometheus to monitoring/prometheus with a ClusterRoleBinding (KS105)"), finding.fix
    (setup / "fix.yaml").write_text(_binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    (setup / "rbac.yaml").write_text(_cluster_role("prometheus", rules))  # the RoleBinding can go
    assert not [f for f in _lint(setup) if f.rule in ACCESS or f.rule == "KS203"]


def test_ks105_fix_names_every_rolebinding_the_message_names(tmp_path: Path) -> None:
    """Two RoleBindings (same name, two namespaces) hold the pod rule out of scope: the message names both, so the
    fix does too — naming one (by a name both share) would leave the reader to find the other."""
    rules = '  - apiGroups: [""]\n    resources: ["pods"]\n    verbs: ["list", "watch"]\n'
    jobs = PODS_JOB + "      - job_name: kube-system-pods\n        kubernetes_sd_configs:\n          - role: pod\n" \
        "            namespaces: {names: [kube-system]}\n"
    setup = _setup(tmp_path, jobs, _cluster_role("prometheus", rules) + "---\n"
                   + _binding("RoleBinding", "ClusterRole", "prometheus", "monitoring") + "---\n"
                   + _binding("RoleBinding", "ClusterRole", "prometheus", "default"))
    found = {f.object: f for f in _lint(setup) if f.rule == "KS105"}
    assert found['job "kubernetes-pods"'].fix == (
        "Bind ClusterRole prometheus to ServiceAccount monitoring/prometheus with a ClusterRoleBinding (the RoleBindings "
        "default/prometheus and monitoring/prometheus cannot grant a list/watch across all namespaces).\n"
        "Or keep the per-namespace grants and limit the discovery to where they apply: add `namespaces: {names: "
        "[default, monitoring]}` to this kubernetes_sd_configs entry (it then lists and watches only in default and "
        "monitoring).")
    assert found['job "kube-system-pods"'].fix == (
        "Bind ClusterRole prometheus to ServiceAccount monitoring/prometheus with a RoleBinding in namespace kube-system "
        "(the RoleBindings default/prometheus and monitoring/prometheus grant only inside namespaces default and monitoring).")


def test_ks105_namespaces_alternative_works_and_keeps_the_roles(tmp_path: Path) -> None:
    """Cluster-wide pod discovery with a Role bound in each of two namespaces: KS105 also offers limiting the job to
    those namespaces; applied, nothing is denied, and KS203 never called the Roles unused (they are what it keeps)."""
    rules = '  - apiGroups: [""]\n    resources: ["pods"]\n    verbs: ["list", "watch"]\n'
    role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {{name: prometheus, namespace: {ns}}}\nrules:\n"
    rbac = "---\n".join(role.format(ns=ns) + rules + "---\n" + _binding("RoleBinding", "Role", "prometheus", ns)
                        for ns in ("monitoring", "shop"))
    setup = _setup(tmp_path, PODS_JOB, rbac)
    findings = _lint(setup)
    [finding] = [f for f in findings if f.rule == "KS105"]
    assert "add `namespaces: {names: [monitoring, shop]}` to this kubernetes_sd_configs entry" in finding.fix
    assert not [f for f in findings if f.rule == "KS203"]
    config = setup / "prometheus.yaml"
    config.write_text(config.read_text().replace("          - role: pod\n",
                                                 "          - role: pod\n            namespaces: {names: [monitoring, shop]}\n"))
    assert not [f for f in _lint(setup) if f.rule in ACCESS | {"KS203"}]


@pytest.mark.parametrize("written", ["{names: []}", "{}"])
def test_ks105_namespaces_alternative_sets_names_of_a_written_namespaces(tmp_path: Path, written: str) -> None:
    """`namespaces: {names: []}` and `namespaces: {}` list every namespace (kubernetes.go: no names, no
    own_namespace → NamespaceAll): the alternative sets their `names` — adding a second `namespaces` key is a
    duplicate key Prometheus refuses (KS005). Applied, nothing is denied (probe hw10)."""
    rules = '  - apiGroups: [""]\n    resources: ["pods"]\n    verbs: ["list", "watch"]\n'
    role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {{name: prometheus, namespace: {ns}}}\nrules:\n"
    rbac = "---\n".join(role.format(ns=ns) + rules + "---\n" + _binding("RoleBinding", "Role", "prometheus", ns)
                        for ns in ("monitoring", "shop"))
    job = PODS_JOB.replace("          - role: pod\n", f"          - role: pod\n            namespaces: {written}\n")
    setup = _setup(tmp_path, job, rbac)
    [finding] = [f for f in _lint(setup) if f.rule == "KS105"]
    assert ("set `namespaces.names` of this kubernetes_sd_configs entry to `[monitoring, shop]` (empty, it means every "
            "namespace)") in finding.fix, finding.fix
    config = setup / "prometheus.yaml"
    config.write_text(config.read_text().replace(f"namespaces: {written}", "namespaces: {names: [monitoring, shop]}"))
    assert not [f for f in _lint(setup) if f.rule in ACCESS | {"KS005", "KS203"}]


def test_ks105_namespaces_alternative_for_a_monitor_keeps_the_roles(tmp_path: Path) -> None:
    """The same for a PodMonitor on `namespaceSelector: {any: true}`: the alternative is its matchNames (the operator
    writes them as namespaces.names); applied, nothing is denied, and KS203 never called the Roles unused."""
    rules = '  - apiGroups: [""]\n    resources: ["pods"]\n    verbs: ["list", "watch"]\n'
    role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {{name: prometheus, namespace: {ns}}}\nrules:\n"
    rbac = "---\n".join(role.format(ns=ns) + rules + "---\n" + _binding("RoleBinding", "Role", "prometheus", ns)
                        for ns in ("monitoring", "shop"))
    (tmp_path / "rbac.yaml").write_text(rbac)
    (tmp_path / "prometheus.yaml").write_text(operator_prometheus(pod_monitors=True))
    monitor = tmp_path / "podmonitor.yaml"
    monitor.write_text("apiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata: {name: shop, namespace: shop}\n"
                       "spec:\n  namespaceSelector: {any: true}\n  selector: {matchLabels: {app: shop}}\n"
                       "  podMetricsEndpoints: [{port: web}]\n")
    findings = _lint(tmp_path)
    [finding] = [f for f in findings if f.rule == "KS105"]
    assert "set `spec.namespaceSelector` of PodMonitor shop/shop to `{matchNames: [monitoring, shop]}`" in finding.fix
    assert not [f for f in findings if f.rule == "KS203"]
    monitor.write_text(monitor.read_text().replace("{any: true}", "{matchNames: [monitoring, shop]}"))
    assert not [f for f in _lint(tmp_path) if f.rule in ACCESS | {"KS203"}]


def test_ks105_with_write_verbs_gives_the_needed_rule(tmp_path: Path) -> None:
    rules = '  - apiGroups: [""]\n    resources: ["pods", "configmaps"]\n    verbs: ["get", "list", "watch", "create", "delete"]\n'
    setup = _setup(tmp_path, PODS_JOB, _cluster_role("monitoring-edit", rules) + "---\n"
                   + _binding("RoleBinding", "ClusterRole", "monitoring-edit", "monitoring"))
    [finding] = [f for f in _lint(setup) if f.rule == "KS105"]
    assert "would also grant create/delete pods, configmaps" in finding.fix
    _apply_new_cluster_role(setup, _snippet(finding.fix))
    assert not [f for f in _lint(setup) if f.rule in ACCESS]


def test_fix_does_not_extend_a_role_bound_through_a_group(tmp_path: Path) -> None:
    """The identity holds ClusterRole prometheus only as a member of system:serviceaccounts:monitoring: a rule added
    there would reach every ServiceAccount of the namespace. The fix is a role for the ServiceAccount itself."""
    rules = '  - apiGroups: [""]\n    resources: ["nodes"]\n    verbs: ["list", "watch"]\n'
    group = "{kind: Group, name: 'system:serviceaccounts:monitoring', apiGroup: rbac.authorization.k8s.io}"
    setup = _setup(tmp_path, NODES_JOB, _cluster_role("prometheus", rules) + "---\n"
                   + _binding("ClusterRoleBinding", "ClusterRole", "prometheus", subject=group))
    [finding] = [f for f in _lint(setup) if f.rule == "KS102"]
    assert finding.fix.startswith("Create ClusterRole prometheus-scrape with this rule and bind it to ServiceAccount "
                                  "monitoring/prometheus with ClusterRoleBinding prometheus-scrape")
    assert "not ClusterRole prometheus: ClusterRoleBinding prometheus binds it to group system:serviceaccounts:monitoring" in finding.fix
    _apply_new_cluster_role(setup, _snippet(finding.fix))
    assert not [f for f in _lint(setup) if f.rule in ACCESS]


def test_fix_that_extends_a_shared_role_says_who_else_gets_the_rules(tmp_path: Path) -> None:
    """ClusterRole prometheus is bound to the scraper and, by a second binding, to another workload's account: the
    rule "Add to ClusterRole prometheus" puts there is that account's too. The fix says so (and how to avoid it)."""
    rules = '  - apiGroups: [""]\n    resources: ["nodes"]\n    verbs: ["list", "watch"]\n'
    other = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: billing}\n"
             "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus}\n"
             "subjects: [{kind: ServiceAccount, name: billing, namespace: apps}]\n")
    setup = _setup(tmp_path, NODES_JOB, _cluster_role("prometheus", rules) + "---\n"
                   + _binding("ClusterRoleBinding", "ClusterRole", "prometheus") + "---\n" + other)
    [finding] = [f for f in _lint(setup) if f.rule == "KS102"]
    assert finding.fix.startswith("Add to ClusterRole prometheus (bound to monitoring/prometheus by ClusterRoleBinding "
                                  "prometheus); note that ClusterRole prometheus is also bound to ServiceAccount "
                                  "apps/billing (ClusterRoleBinding billing), which would get these rules too")
    # The role of its own the note points to (suggest-rbac's) works, and leaves apps/billing as it was.
    _apply_new_cluster_role(setup, _snippet(finding.fix))
    assert not [f for f in _lint(setup) if f.rule in ACCESS]


def test_fix_that_extends_an_unshared_role_has_no_note(tmp_path: Path) -> None:
    rules = '  - apiGroups: [""]\n    resources: ["nodes"]\n    verbs: ["list", "watch"]\n'
    setup = _setup(tmp_path, NODES_JOB, _cluster_role("prometheus", rules) + "---\n"
                   + _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    [finding] = [f for f in _lint(setup) if f.rule == "KS102"]
    assert "also bound" not in finding.fix


def test_denials_of_one_identity_converge_on_one_new_role(tmp_path: Path) -> None:
    """KS101 (list/watch nodes) and KS102 (get nodes/metrics) of one identity with no role of its own: followed
    literally, both fixes create the same ClusterRole and binding — the one suggest-rbac prints — not two pairs."""
    reader = _cluster_role("cluster-reader", '  - apiGroups: [""]\n    resources: ["pods"]\n    verbs: ["list", "watch"]\n')
    group = "{kind: Group, name: 'system:authenticated', apiGroup: rbac.authorization.k8s.io}"
    setup = _setup(tmp_path, NODES_JOB, reader + "---\n" + _binding("ClusterRoleBinding", "ClusterRole", "cluster-reader", subject=group))
    fixes = [f.fix for f in _lint(setup) if f.rule in ("KS101", "KS102")]
    assert len(fixes) == 2
    for fix in fixes:
        assert fix.startswith("Create ClusterRole prometheus-scrape with this rule and bind it to ServiceAccount "
                              "monitoring/prometheus with ClusterRoleBinding prometheus-scrape"), fix
        assert "`kubelint-scrape suggest-rbac` prints it whole" in fix
        assert "not ClusterRole cluster-reader: ClusterRoleBinding prometheus binds it to group system:authenticated" in fix
    from click.testing import CliRunner

    from kubelint_scrape.cli import main
    printed = CliRunner().invoke(main, ["suggest-rbac", str(setup)]).output
    assert "kind: ClusterRole\nmetadata:\n  name: prometheus-scrape\n" in printed


TWO_NAMESPACES_JOB = """\
      - job_name: team-pods
        kubernetes_sd_configs:
          - role: pod
            namespaces:
              names: [payments, checkout]
"""


def _role_pair(namespace: str, verbs: str) -> str:
    return (f"apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {{name: prometheus, namespace: {namespace}}}\n"
            f"rules:\n  - apiGroups: [\"\"]\n    resources: [\"pods\"]\n    verbs: {verbs}\n---\n"
            + _binding("RoleBinding", "Role", "prometheus", namespace))


def test_ks105_copy_of_a_role_leaves_out_what_no_need_uses(tmp_path: Path) -> None:
    """The Role in payments also grants `get pods`, which discovery never asks (KS203 there): the copy KS105 proposes
    for checkout leaves it out, so following the fix does not repeat the excess (and its KS203) in checkout."""
    setup = _setup(tmp_path, TWO_NAMESPACES_JOB, _role_pair("payments", '["get", "list", "watch"]'))
    [finding] = [f for f in _lint(setup) if f.rule == "KS105"]
    assert finding.fix.startswith("Create in namespace checkout what grants it in namespace payments: a copy of Role "
                                  "payments/prometheus without get pods (no job of monitoring/prometheus uses it) and "
                                  "of RoleBinding payments/prometheus"), finding.fix
    (setup / "fix.yaml").write_text(_role_pair("checkout", '["list", "watch"]'))
    left = [f for f in _lint(setup) if f.rule in ACCESS or f.rule == "KS203"]
    assert [(f.rule, f.object) for f in left] == [("KS203", "Role/payments/prometheus")], left


def test_ks105_copy_of_a_binding_shared_with_another_account_binds_the_scraper_alone(tmp_path: Path) -> None:
    """RoleBinding payments/prometheus also binds the app's own account: a literal copy in checkout would give
    payments/app pods there too. The fix says to copy it with the scraper as its only subject; done so, nothing is
    denied."""
    app = "{kind: ServiceAccount, name: prometheus, namespace: monitoring}, {kind: ServiceAccount, name: app, namespace: payments}"
    pair = _role_pair("payments", '["list", "watch"]').replace(
        "subjects: [{kind: ServiceAccount, name: prometheus, namespace: monitoring}]", f"subjects: [{app}]")
    assert "name: app" in pair
    setup = _setup(tmp_path, TWO_NAMESPACES_JOB, pair)
    [finding] = [f for f in _lint(setup) if f.rule == "KS105"]
    assert finding.fix.startswith("Create in namespace checkout what grants it in namespace payments: a copy of Role "
                                  "payments/prometheus and of RoleBinding payments/prometheus (one pair per monitored "
                                  "namespace); give the copied RoleBinding ServiceAccount monitoring/prometheus as its "
                                  "only subject: RoleBinding payments/prometheus also binds ServiceAccount payments/app, "
                                  "which a literal copy would bind in namespace checkout too"), finding.fix
    (setup / "fix.yaml").write_text(_role_pair("checkout", '["list", "watch"]'))
    assert not [f for f in _lint(setup) if f.rule in ACCESS]


def test_ks105_copy_of_a_binding_of_the_scraper_alone_has_no_note(tmp_path: Path) -> None:
    setup = _setup(tmp_path, TWO_NAMESPACES_JOB, _role_pair("payments", '["list", "watch"]'))
    [finding] = [f for f in _lint(setup) if f.rule == "KS105"]
    assert "only subject" not in finding.fix


def test_ks203_delete_of_a_rule_ks105_rebinds_says_it_goes_with_the_own_role_only(tmp_path: Path) -> None:
    """ClusterRole prometheus (nodes, nodes/metrics and configmaps) is bound only by a RoleBinding: KS105 offers
    binding it with a ClusterRoleBinding, or (it also holds configmaps) a role of the scraper's own. KS203 said
    "Delete this rule" of the nodes rules with no condition: applied with KS105's first fix, the nodes are denied
    again. It now says the delete goes with the own role only, and to keep the rule when rebinding."""
    rules = ('  - apiGroups: [""]\n    resources: ["nodes"]\n    verbs: ["list", "watch"]\n'
             '  - apiGroups: [""]\n    resources: ["nodes/metrics"]\n    verbs: ["get"]\n'
             '  - apiGroups: [""]\n    resources: ["configmaps"]\n    verbs: ["get"]\n')
    setup = _setup(tmp_path, NODES_JOB, _cluster_role("prometheus", rules) + "---\n"
                   + _binding("RoleBinding", "ClusterRole", "prometheus", "monitoring"))
    found = _lint(setup)
    assert {f.rule for f in found if f.severity == "error"} == {"KS105"}
    unused = {f.span.line: f.fix for f in found if f.rule == "KS203"}
    nodes_fixes = [fix for fix in unused.values() if "KS105" in fix]
    assert len(nodes_fixes) == 2, unused
    for fix in nodes_fixes:
        assert fix.startswith("Delete this rule from ClusterRole prometheus.\nOnly together with KS105's least-privilege "
                              "fix (a role of monitoring/prometheus's own granting it cluster-wide"), fix
        assert "if you follow KS105 by binding ClusterRole prometheus there instead, keep this rule" in fix
    [configmaps] = [fix for fix in unused.values() if "KS105" not in fix]
    assert configmaps == "Delete this rule from ClusterRole prometheus."


def test_ks201_on_a_wildcard_gives_the_rule_as_it_should_read(tmp_path: Path) -> None:
    """`resources: ["*"]` holds nodes/proxy; replacing "*" with "nodes/metrics" alone would drop the nodes and
    pods the jobs discover. The fix is the whole rule: what the jobs use through it, nodes/metrics for nodes/proxy."""
    rules = '  - apiGroups: [""]\n    resources: ["*"]\n    verbs: ["get", "list", "watch"]\n'
    setup = _setup(tmp_path, NODES_JOB + PODS_JOB, _cluster_role("prometheus", rules) + "---\n"
                   + _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    [finding] = [f for f in _lint(setup) if f.rule == "KS201"]
    assert finding.fix.startswith('Replace this rule of ClusterRole prometheus ("*" grants nodes/proxy) with')
    new_rules = _snippet(finding.fix)
    assert new_rules == [{"apiGroups": [""], "resources": ["nodes/metrics"], "verbs": ["get"]},
                         {"apiGroups": [""], "resources": ["nodes", "pods"], "verbs": ["list", "watch"]}]
    text = (setup / "rbac.yaml").read_text()
    (setup / "rbac.yaml").write_text(text.replace(rules, "".join(
        f'  - apiGroups: [""]\n    resources: {r["resources"]}\n    verbs: {r["verbs"]}\n' for r in new_rules)))
    after = _lint(setup)
    assert not [f for f in after if f.rule in ACCESS | {"KS201", "KS202", "KS203"}], [f.message for f in after]


def test_ks203_on_a_proxy_rule_bound_by_a_rolebinding_leads_with_the_direct_scrape(tmp_path: Path) -> None:
    """nodes/proxy for a proxied kubelet scrape, bound by a RoleBinding (which cannot grant it): KS105 and KS209
    lead with the direct :10250 scrape; KS203 said only "keep this rule and bind it with a ClusterRoleBinding", so
    the fixes applied together scraped directly and handed out nodes/proxy cluster-wide for nothing (KS201). KS203
    now offers the same direct way first; applied, deleting the rule leaves nothing to report."""
    nodes = '  - apiGroups: [""]\n    resources: ["nodes"]\n    verbs: ["list", "watch"]\n'
    proxy = '  - apiGroups: [""]\n    resources: ["nodes/proxy"]\n    verbs: ["get"]\n'
    rbac = (_cluster_role("prometheus", nodes) + "---\n" + _binding("ClusterRoleBinding", "ClusterRole", "prometheus")
            + "---\n" + _cluster_role("node-proxy", proxy)
            + "---\n" + _binding("RoleBinding", "ClusterRole", "node-proxy", "monitoring"))
    setup = _setup(tmp_path, PROXY_JOB, rbac)
    found = _lint(setup)
    [ks203] = [f for f in found if f.rule == "KS203"]
    assert ks203.fix.startswith("Better (KS209): scrape the kubelets directly on :10250, then delete this rule from "
                                "ClusterRole node-proxy. Or, keeping the proxy"), ks203.fix
    assert [f.fix.startswith("Better (KS209)") for f in found if f.rule == "KS105"] == [True]
    # The direct way, as KS209 prints it (the relabel rules deleted, the kubelet's own path and TLS), with
    # nodes/metrics granted, and the proxy rule deleted as KS203 says: nothing is left to report.
    direct = PROXY_JOB[:PROXY_JOB.index("        relabel_configs:")].replace(
        "          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n",
        "          insecure_skip_verify: true  # kubelint-scrape: ignore[KS301] kubelets self-sign their serving certificates\n"
    ).replace("        scheme: https\n", "        scheme: https\n        metrics_path: /metrics\n")
    granted = nodes + '  - apiGroups: [""]\n    resources: ["nodes/metrics"]\n    verbs: ["get"]\n'
    emptied = _cluster_role("node-proxy", "").replace("rules:\n", "rules: []\n")  # the rule deleted, as printed
    setup = _setup(tmp_path, direct, _cluster_role("prometheus", granted) + "---\n"
                   + _binding("ClusterRoleBinding", "ClusterRole", "prometheus") + "---\n" + emptied + "---\n"
                   + _binding("RoleBinding", "ClusterRole", "node-proxy", "monitoring"))
    assert [f.rule for f in _lint(setup) if f.severity != "info"] == [], [f.message for f in _lint(setup)]


def test_ks201_for_a_proxy_scrape_keeps_the_rules_other_verbs_off_nodes_metrics(tmp_path: Path) -> None:
    """The 2017 example: `resources: [nodes, nodes/proxy]` with get/list/watch. Swapping the item in place would
    grant list/watch nodes/metrics; the fix spells the rule out."""
    rules = '  - apiGroups: [""]\n    resources: ["nodes", "nodes/proxy"]\n    verbs: ["get", "list", "watch"]\n'
    setup = _setup(tmp_path, PROXY_JOB, _cluster_role("prometheus", rules) + "---\n"
                   + _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    [finding] = [f for f in _lint(setup) if f.rule == "KS201"]
    assert finding.fix.startswith("Scrape the kubelets directly on :10250 (see KS209), then replace this rule of "
                                  "ClusterRole prometheus with what its scrapers use through it")
    assert _snippet(finding.fix) == [{"apiGroups": [""], "resources": ["nodes/metrics"], "verbs": ["get"]},
                                     {"apiGroups": [""], "resources": ["nodes"], "verbs": ["list", "watch"]}]


def test_fix_names_the_definition_that_stands(tmp_path: Path) -> None:
    """ClusterRole prometheus is defined twice (KS006): the later definition replaces the earlier one, so the rule
    must go into the later copy — the fix names its file; added there, the denial is gone."""
    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "KS006" / "fail-clusterrole-defined-twice"
    for source in fixture.glob("*.yaml"):
        (tmp_path / source.name).write_text(source.read_text())
    [finding] = [f for f in _lint(tmp_path) if f.rule == "KS102"]
    assert f"to its definition in {tmp_path}/team-b-rbac.yaml, which replaces the one in {tmp_path}/prometheus-rbac.yaml" in finding.fix
    later = tmp_path / "team-b-rbac.yaml"
    later.write_text(later.read_text().replace("rules:\n", "rules:\n" + "".join(
        f"  - {line}\n" if i == 0 else f"    {line}\n" for i, line in enumerate(
            ['apiGroups: [""]', 'resources: ["nodes/metrics"]', 'verbs: ["get"]'])), 1))
    assert not [f for f in _lint(tmp_path) if f.rule in ACCESS]


def test_fix_names_the_definition_that_stands_when_it_is_copied_again(tmp_path: Path) -> None:
    """As above, but the replacing ClusterRole is written more than once, identically (a user's kube-prometheus
    `prometheus-roleSpecificNamespaces.yaml` turned into one ClusterRole per namespace, all named
    prometheus-k8s — Kong/se-kube-prometheus): the cluster keeps the last copy, which still replaces the
    definition that granted the rule, so the finding must still say so and the fix still name that file."""
    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "KS006" / "fail-clusterrole-defined-twice"
    for source in fixture.glob("*.yaml"):
        (tmp_path / source.name).write_text(source.read_text())
    later = tmp_path / "team-b-rbac.yaml"
    copy = later.read_text()
    later.write_text(copy + "---\n" + copy)
    [finding] = [f for f in _lint(tmp_path) if f.rule == "KS102"]
    assert f"to its definition in {tmp_path}/team-b-rbac.yaml, which replaces the one in {tmp_path}/prometheus-rbac.yaml" in finding.fix
    assert any("which would grant this, but a later definition of the same name" in r.message
               and r.span.path.endswith("prometheus-rbac.yaml") for r in finding.related), finding.related


COLLECTOR = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: otel, namespace: monitoring}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: otel-agent, namespace: monitoring}
spec:
  selector: {matchLabels: {app: otel-agent}}
  template:
    metadata: {labels: {app: otel-agent}}
    spec:
      serviceAccountName: otel
      containers:
        - name: otel-collector
          image: otel/opentelemetry-collector-contrib:0.120.0
          args: [--config=/conf/relay.yaml]
          volumeMounts: [{name: config, mountPath: /conf}]
      volumes: [{name: config, configMap: {name: otel-agent, items: [{key: relay, path: relay.yaml}]}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: otel-agent, namespace: monitoring}
data:
  relay: |
    receivers:
      kubeletstats:
        auth_type: serviceAccount
        endpoint: ${K8S_NODE_IP}:10250
        insecure_skip_verify: true
        extra_metadata_labels: [container.id]
    processors:
      k8sattributes: {}
    exporters:
      debug: {}
    service:
      pipelines:
        metrics: {receivers: [kubeletstats], processors: [k8sattributes], exporters: [debug]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: otel}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: otel}
subjects: [{kind: ServiceAccount, name: otel, namespace: monitoring}]
"""


def test_ks201_keeps_what_unmodelled_components_may_use(tmp_path: Path) -> None:
    """The Splunk / OpenTelemetry kube-stack collector ClusterRole: one rule with namespaces, pods, nodes,
    nodes/stats and nodes/proxy for get/list/watch, and a k8sattributes processor that lists pods and namespaces
    with the same token. Rewriting the rule to what the scrapes use would take those from the processor: the fix
    removes only nodes/proxy and adds the subresource the kubelet scrapes need that the rule lacks (nodes/pods)."""
    rule = ('  - apiGroups: [""]\n    resources: ["namespaces", "pods", "nodes", "nodes/stats", "nodes/proxy"]\n'
            '    verbs: ["get", "list", "watch"]\n')
    (tmp_path / "collector.yaml").write_text(COLLECTOR + "---\n" + _cluster_role("otel", rule))
    [finding] = [f for f in _lint(tmp_path) if f.rule == "KS201"]
    assert finding.fix.startswith('Remove "nodes/proxy" from this rule of ClusterRole otel and keep its other '
                                  "resources: processors.k8sattributes also uses this token"), finding.fix
    assert _snippet(finding.fix) == [
        {"apiGroups": [""], "resources": ["nodes/pods"], "verbs": ["get"]}]
    fixed = rule.replace(', "nodes/proxy"', "") + '  - apiGroups: [""]\n    resources: ["nodes/pods"]\n    verbs: ["get"]\n'
    (tmp_path / "collector.yaml").write_text(COLLECTOR + "---\n" + _cluster_role("otel", fixed))
    after = _lint(tmp_path)
    assert not [f for f in after if f.rule in ACCESS | {"KS201"}], [f.message for f in after]


def test_ks507_namespaces_fix_drops_what_no_job_needs(tmp_path: Path) -> None:
    """Granting list/watch namespaces in a ClusterRole beside the Role leaves the Role's dead rule and the finding:
    the fix must take it out of the Role, and since the scraper's only job (pod discovery) never lists namespaces,
    dropping it is the fix: moved into a ClusterRole it would be an unused grant (KS203)."""
    role = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: prometheus, namespace: shop}\n"
            "rules:\n  - apiGroups: [\"\"]\n    resources: [pods, namespaces]\n    verbs: [list, watch]\n")
    path = _setup(tmp_path, PODS_JOB, role + "---\n" + _binding("RoleBinding", "Role", "prometheus", "shop"))
    (finding,) = [f for f in _lint(path) if f.rule == "KS507"]
    assert finding.fix.startswith("Remove `namespaces` from this rule of Role shop/prometheus: no job of "
                                  "monitoring/prometheus needs namespaces"), finding.fix
    text = (tmp_path / "rbac.yaml").read_text().replace("resources: [pods, namespaces]", "resources: [pods]")
    (tmp_path / "rbac.yaml").write_text(text)
    assert not [f for f in _lint(path) if f.rule == "KS507"]


def test_ks507_nodes_fix_drops_the_resource_no_job_needs(tmp_path: Path) -> None:
    """kube-prometheus examples/example-app: Role prometheus-frontend lists nodes for a Prometheus whose only job is
    an endpoints ServiceMonitor. The fix used to move nodes into a ClusterRole, after which KS203 called that
    ClusterRole unused; it now removes nodes, and the fixed Role leaves no KS507 and no new finding."""
    role = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: prometheus, namespace: monitoring}\n"
            "rules:\n  - apiGroups: [\"\"]\n    resources: [nodes, services, endpoints, pods]\n    verbs: [list, watch]\n")
    job = PODS_JOB.replace("role: pod", "role: endpoints\n            namespaces: {names: [monitoring]}")
    path = _setup(tmp_path, job, role + "---\n" + _binding("RoleBinding", "Role", "prometheus", "monitoring"))
    before = _lint(path)
    (finding,) = [f for f in before if f.rule == "KS507"]
    assert finding.fix.startswith("Remove `nodes` from this rule of Role monitoring/prometheus: no job of "
                                  "monitoring/prometheus needs nodes"), finding.fix
    text = (tmp_path / "rbac.yaml").read_text().replace("[nodes, services", "[services")
    (tmp_path / "rbac.yaml").write_text(text)
    after = _lint(path)
    assert not [f for f in after if f.rule == "KS507"]
    assert {(f.rule, f.message) for f in after} <= {(f.rule, f.message) for f in before}, [f.message for f in after]


def test_ks507_nodes_fix_moves_what_a_job_needs(tmp_path: Path) -> None:
    """Node discovery needs list/watch nodes cluster-wide: a Role listing nodes for it must be moved, not dropped."""
    role = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: prometheus, namespace: monitoring}\n"
            "rules:\n  - apiGroups: [\"\"]\n    resources: [nodes, nodes/metrics]\n    verbs: [get, list, watch]\n")
    path = _setup(tmp_path, NODES_JOB, role + "---\n" + _binding("RoleBinding", "Role", "prometheus", "monitoring"))
    fixes = [f.fix for f in _lint(path) if f.rule == "KS507"]
    assert fixes and all(fix.startswith("Move ") for fix in fixes), fixes


def test_bind_existing_role_note_leaves_out_entries_that_grant_nothing(tmp_path: Path) -> None:
    """prometheus-2020-apiproxy's ClusterRole lists ingresses only under `extensions`, which no longer serves them:
    binding the role hands out nothing for that entry, so KS101's least-privilege note must not name it as an
    unused grant KS203 would report (KS203 never does; KS503 reports the entry)."""
    rules = ('  - apiGroups: [""]\n    resources: ["pods"]\n    verbs: ["get", "list", "watch"]\n'
             '  - apiGroups: ["extensions"]\n    resources: ["ingresses"]\n    verbs: ["get", "list", "watch"]\n')
    path = _setup(tmp_path, PODS_JOB, _cluster_role("prometheus", rules))
    fixes = [f.fix for f in _lint(path) if f.rule == "KS101"]
    assert fixes and all("for least privilege" in fix for fix in fixes), fixes
    assert not [fix for fix in fixes if "ingresses" in fix], fixes


# strimzi's prometheus-install: the manifests name no namespace (the user applies them with `-n myproject`),
# the ClusterRoleBinding names myproject.
STRIMZI_STYLE = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus-server}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: prometheus-server}
rules:
  - apiGroups: [""]
    resources: [services, endpoints, pods]
    verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: prometheus-server}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus-server}
subjects: [{kind: ServiceAccount, name: prometheus-server, namespace: myproject}]
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: prometheus}
spec:
  serviceAccountName: prometheus-server
  alerting:
    alertmanagers: [{namespace: myproject, name: alertmanager, port: alertmanager}]
"""


def test_ks108_on_alertmanager_discovery_notes_the_assumed_namespace(tmp_path: Path) -> None:
    # Same note as on the scrape jobs' KS108: the mismatch may only be the namespace the user applies to.
    (tmp_path / "prometheus.yaml").write_text(STRIMZI_STYLE)
    found = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS108"]
    assert len(found) == 1 and "Alertmanager discovery" in found[0].message
    # the subject names the same account in myproject: the namespace the user most likely applies to
    assert "if you apply it with `-n myproject`, as the subject suggests, lint with --default-namespace myproject" \
        in found[0].fix

def test_ks108_assumed_namespace_note_without_a_namespace_to_suggest(tmp_path: Path) -> None:
    # The subject is a namespace's group, not the scraper's account elsewhere: the note names no namespace.
    text = STRIMZI_STYLE.replace("subjects: [{kind: ServiceAccount, name: prometheus-server, namespace: myproject}]",
                                 "subjects: [{kind: Group, name: 'system:serviceaccounts:myproject', "
                                 "apiGroup: rbac.authorization.k8s.io}]")
    (tmp_path / "prometheus.yaml").write_text(text)
    found = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS108"]
    assert found and all("if you apply it with `-n <namespace>`, pass --default-namespace instead" in f.fix
                         for f in found)


NODES_RULES = ('  - apiGroups: [""]\n    resources: ["nodes"]\n    verbs: ["list", "watch"]\n'
               '  - apiGroups: [""]\n    resources: ["nodes/metrics"]\n    verbs: ["get"]\n')


def test_dangling_role_ref_fix_repoints_the_binding(tmp_path: Path) -> None:
    """The identity's ClusterRoleBinding names a ClusterRole that does not exist (a typo, KS502) while the one it
    meant grants the jobs' needs: the access errors' fix is that binding's roleRef, not a second binding beside it."""
    setup = _setup(tmp_path, NODES_JOB, _cluster_role("prometheus", NODES_RULES) + "---\n"
                   + _binding("ClusterRoleBinding", "ClusterRole", "prometheus-role"))
    denials = [f for f in _lint(setup) if f.rule in ACCESS]
    assert {f.rule for f in denials} == {"KS101", "KS102"}
    for finding in denials:
        assert finding.fix == ("ClusterRoleBinding/prometheus binds ClusterRole prometheus-role, which does not exist "
                               "(KS502), so it grants nothing: ClusterRole prometheus in the inputs grants this; set its "
                               "`roleRef.name: prometheus` (roleRef is immutable: delete and re-create the binding)."), finding.fix
    (setup / "rbac.yaml").write_text(_cluster_role("prometheus", NODES_RULES) + "---\n"
                                     + _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    assert not [f for f in _lint(setup) if f.rule in ACCESS or f.rule == "KS502"]


def test_dangling_role_ref_fix_creates_the_role_it_names(tmp_path: Path) -> None:
    """No role of the inputs grants the need: the fix creates the ClusterRole the binding already refers to."""
    setup = _setup(tmp_path, PODS_JOB, _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    [finding] = [f for f in _lint(setup) if f.rule in ACCESS]
    assert finding.fix.startswith("ClusterRoleBinding/prometheus binds ClusterRole prometheus, which does not exist "
                                  "(KS502), so it grants nothing: create ClusterRole prometheus with this rule:"), finding.fix
    rules = _snippet(finding.fix)
    assert rules == [{"apiGroups": [""], "resources": ["pods"], "verbs": ["list", "watch"]}]
    yaml = YAML()
    with (setup / "fix.yaml").open("w") as out:
        yaml.dump({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                   "metadata": {"name": "prometheus"}, "rules": rules}, out)
    assert not [f for f in _lint(setup) if f.rule in ACCESS or f.rule == "KS502"]


def test_resource_names_on_list_fix_removes_them(tmp_path: Path) -> None:
    """The identity's own rule would grant the list but for its resourceNames (KS506): removing them is the fix;
    adding the same rule again beside it is only the alternative."""
    rules = '  - apiGroups: [""]\n    resources: ["pods"]\n    resourceNames: ["api-0"]\n    verbs: ["list", "watch"]\n'
    setup = _setup(tmp_path, PODS_JOB, _cluster_role("prometheus", rules) + "---\n"
                   + _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    [finding] = [f for f in _lint(setup) if f.rule == "KS101"]
    assert finding.fix.startswith("Remove `resourceNames` from the rule of ClusterRole/prometheus ({apiGroups: [\"\"], "
                                  "resources: [pods], resourceNames: [api-0], verbs: [list, watch]}): it then grants this"), finding.fix
    assert "\nOr:\nAdd to ClusterRole prometheus" in finding.fix
    (setup / "rbac.yaml").write_text(_cluster_role("prometheus", rules.replace('    resourceNames: ["api-0"]\n', ""))
                                     + "---\n" + _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    assert not [f for f in _lint(setup) if f.rule in ACCESS or f.rule == "KS506"]


def test_undefined_service_account_fix_names_the_granted_one(tmp_path: Path) -> None:
    """The pod names a ServiceAccount the inputs do not define (a rename, KS109) while the one they define there is
    granted everything: the access errors' first fix is naming that account, not binding the undefined one."""
    setup = _setup(tmp_path, NODES_JOB, _cluster_role("prometheus", NODES_RULES) + "---\n"
                   + _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    manifest = setup / "prometheus.yaml"
    manifest.write_text(manifest.read_text().replace("serviceAccountName: prometheus", "serviceAccountName: prometheus-server"))
    found = _lint(setup)
    assert "KS109" in {f.rule for f in found}
    denials = [f for f in found if f.rule in ACCESS]
    assert {f.rule for f in denials} == {"KS101", "KS102"}
    for finding in denials:
        assert finding.fix.startswith("Set `serviceAccountName: prometheus` in the pod template of Deployment "
                                      "monitoring/prometheus: it names prometheus-server, which the inputs do not define "
                                      "(KS109), while ServiceAccount monitoring/prometheus is granted everything its jobs "
                                      "need (ClusterRoleBinding/prometheus).\nOr:\n"), finding.fix
    manifest.write_text(manifest.read_text().replace("serviceAccountName: prometheus-server", "serviceAccountName: prometheus"))
    assert not [f for f in _lint(setup) if f.rule in ACCESS or f.rule == "KS109"]


KUBELET_NO_TOKEN_JOB = """\
      - job_name: kubernetes-nodes
        scheme: https
        tls_config:
          insecure_skip_verify: true
        kubernetes_sd_configs:
          - role: node
"""


def test_ks106_on_a_misspelt_token_key_is_the_rename_ks601_gives(tmp_path: Path) -> None:
    """`bearer_token_fiel:` holds the token path under a misspelt key (KS601: did you mean "bearer_token_file"?), so
    no token is sent (KS106). Adding `authorization` as well would clash with KS601's rename (Prometheus refuses
    both at once): KS106's fix is the same rename; applied, neither finding is left and no new one appears."""
    nodes = '  - apiGroups: [""]\n    resources: ["nodes", "nodes/metrics"]\n    verbs: ["get", "list", "watch"]\n'
    typo = KUBELET_NO_TOKEN_JOB.replace("        kubernetes_sd_configs:", "        bearer_token_fiel: "
                                        "/var/run/secrets/kubernetes.io/serviceaccount/token\n        kubernetes_sd_configs:")
    setup = _setup(tmp_path, typo, _cluster_role("prometheus", nodes) + "---\n"
                   + _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    found = _lint(setup)
    [ks106] = [f for f in found if f.rule == "KS106"]
    [ks601] = [f for f in found if f.rule == "KS601"]
    assert ks601.fix == 'Rename "bearer_token_fiel" to "bearer_token_file".'
    assert ks106.fix.startswith('Rename "bearer_token_fiel" to "bearer_token_file" (the misspelt key KS601 reports'), ks106.fix
    assert "authorization" not in ks106.fix
    (setup / "prometheus.yaml").write_text(DEPLOYMENT + typo.replace("bearer_token_fiel:", "bearer_token_file:"))
    assert not [f for f in _lint(setup) if f.severity == "error"]


def test_ks106_on_a_misspelt_token_key_without_tls_adds_the_tls_only(tmp_path: Path) -> None:
    job = ("      - job_name: apiserver\n        scheme: https\n        authorizaton:\n          credentials_file: "
           "/var/run/secrets/kubernetes.io/serviceaccount/token\n        static_configs:\n"
           "          - targets: [kubernetes.default.svc:443]\n")
    setup = _setup(tmp_path, job, _cluster_role("prometheus", "  - nonResourceURLs: [/metrics]\n    verbs: [get]\n")
                   + "---\n" + _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    [ks106] = [f for f in _lint(setup) if f.rule == "KS106"]
    assert ks106.fix.startswith('Rename "authorizaton" to "authorization" (the misspelt key KS601 reports: Prometheus '
                                'sends no token from it), and add to the job:\n  tls_config:\n    ca_file: '), ks106.fix


def test_ks106_fix_names_the_grant_the_token_then_needs(tmp_path: Path) -> None:
    """Sending the token turns 401 as anonymous into a request authorized as the ServiceAccount: when that lacks
    get nodes/metrics, adding the token alone leaves a 403 (KS102 on the next run). KS106's fix says so and gives
    the rule; applying both makes the job work."""
    nodes = '  - apiGroups: [""]\n    resources: ["nodes"]\n    verbs: ["list", "watch"]\n'
    setup = _setup(tmp_path, KUBELET_NO_TOKEN_JOB, _cluster_role("prometheus", nodes) + "---\n"
                   + _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    [ks106] = [f for f in _lint(setup) if f.rule == "KS106"]
    token, then = ks106.fix.split("\nThen ")
    token, skip_note = token.split("\nKS301 then reports")  # the job keeps insecure_skip_verify: true
    assert token.endswith("credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token")
    assert skip_note.endswith("`# kubelint-scrape: ignore[KS301] kubelets self-sign their serving certificates`.")
    assert then.startswith("the request is authorized as monitoring/prometheus, which lacks get nodes/metrics "
                           "(403 Forbidden); add to ClusterRole prometheus")
    rules = _snippet("\n".join(then.splitlines()))
    assert rules == [{"apiGroups": [""], "resources": ["nodes/metrics"], "verbs": ["get"]}]
    job = KUBELET_NO_TOKEN_JOB.replace("        kubernetes_sd_configs:", "        authorization:\n          credentials_file: "
                                       "/var/run/secrets/kubernetes.io/serviceaccount/token\n        kubernetes_sd_configs:")
    (setup / "prometheus.yaml").write_text(DEPLOYMENT + job)
    assert [f.rule for f in _lint(setup) if f.rule in ACCESS] == ["KS102"]  # the token alone is not enough
    (setup / "rbac.yaml").write_text(_cluster_role("prometheus", nodes + '  - apiGroups: [""]\n    resources: '
                                                   '["nodes/metrics"]\n    verbs: ["get"]\n')
                                     + "---\n" + _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    assert [f.rule for f in _lint(setup) if f.rule in ACCESS | {"KS106", "KS301"}] == ["KS301"]
    # The whole fix, the decision recorded where the token now goes unverified: nothing new is reported.
    job = job.replace("insecure_skip_verify: true", "insecure_skip_verify: true  # kubelint-scrape: ignore[KS301] "
                      "kubelets self-sign their serving certificates")
    (setup / "prometheus.yaml").write_text(DEPLOYMENT + job)
    assert not [f for f in _lint(setup) if f.rule in ACCESS | {"KS106", "KS301", "KS002"}]


def test_ks106_fix_is_the_token_alone_when_the_identity_holds_the_grant(tmp_path: Path) -> None:
    rules = ('  - apiGroups: [""]\n    resources: ["nodes"]\n    verbs: ["list", "watch"]\n'
             '  - apiGroups: [""]\n    resources: ["nodes/metrics"]\n    verbs: ["get"]\n')
    setup = _setup(tmp_path, KUBELET_NO_TOKEN_JOB, _cluster_role("prometheus", rules) + "---\n"
                   + _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    [ks106] = [f for f in _lint(setup) if f.rule == "KS106"]
    assert "Then" not in ks106.fix


def test_ks108_group_named_like_the_serviceaccount_fix_drops_the_api_group(tmp_path: Path) -> None:
    """A Group subject spelled like the ServiceAccount (`prometheus`) is the User case's twin: KS108, not KS101/102.
    Its `apiGroup: rbac.authorization.k8s.io` must go with the kind change, or the API server rejects the binding."""
    group = "{kind: Group, apiGroup: rbac.authorization.k8s.io, name: prometheus}"
    setup = _setup(tmp_path, NODES_JOB, _cluster_role("prometheus", NODES_RULES) + "---\n"
                   + _binding("ClusterRoleBinding", "ClusterRole", "prometheus", subject=group))
    denials = [f for f in _lint(setup) if f.rule in ACCESS]
    assert [f.rule for f in denials] == ["KS108"], denials
    assert denials[0].fix == ("Change the subject in ClusterRoleBinding/prometheus to kind ServiceAccount, name prometheus, "
                              "namespace monitoring, and delete its `apiGroup: rbac.authorization.k8s.io` (a "
                              "ServiceAccount subject takes none)."), denials[0].fix
    (setup / "rbac.yaml").write_text(_cluster_role("prometheus", NODES_RULES) + "---\n"
                                     + _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    assert not [f for f in _lint(setup) if f.rule in ACCESS or f.rule == "KS501"]


def test_ks106_fix_skips_the_ks301_note_when_the_job_already_records_it(tmp_path: Path) -> None:
    """A job whose `insecure_skip_verify: true` already carries KS301's suppression needs only the token."""
    job = KUBELET_NO_TOKEN_JOB.replace("insecure_skip_verify: true", "insecure_skip_verify: true  # kubelint-scrape: "
                                       "ignore[KS301] kubelets self-sign their serving certificates")
    setup = _setup(tmp_path, job, _cluster_role("prometheus", NODES_RULES) + "---\n"
                   + _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    [ks106] = [f for f in _lint(setup) if f.rule == "KS106"]
    assert ks106.fix == ("Add to the job (its tls_config stays):\n  authorization:\n    credentials_file: "
                         "/var/run/secrets/kubernetes.io/serviceaccount/token"), ks106.fix


def test_ks107_and_ks102_name_objects_with_their_namespace_in_one_parenthesis() -> None:
    """Objects are named `Kind namespace/name` in related locations too, and KS102's name restriction shares the
    outcome's parenthesis instead of opening a second one; resourceNames are listed as written, not as a list repr."""
    root = Path(__file__).resolve().parent.parent / "fixtures"
    ks107 = [f for f in lint_paths([str(root / "KS107" / "fail-own-volume-at-serviceaccount-path")], Options()).findings
             if f.rule == "KS107"]
    assert ks107[0].related[0].message.startswith("Deployment monitoring/prometheus mounts volume")
    ks102 = [f for f in lint_paths([str(root / "KS102" / "fail-nodes-metrics-resource-names")], Options()).findings
             if f.rule == "KS102"]
    assert ") (" not in ks102[0].message
    assert ks102[0].message.endswith("every other object is denied; the kubelet answers 403 Forbidden)")
    assert any(r.message.endswith("only for resourceNames worker-1, worker-2") for r in ks102[0].related)


DENYING_PROMETHEUS = operator_prometheus(pod_monitors=True) + "---\n" + scraper_rbac("""\
- apiGroups: [""]
  resources: [endpoints, pods, services]
  verbs: [list, watch]
- nonResourceURLs: [/metrics]
  verbs: [get]
""") + """\
apiVersion: v1
kind: Service
metadata: {name: kubernetes, namespace: default, labels: {component: apiserver, provider: kubernetes}}
spec:
  ports: [{name: https, port: 443, targetPort: 6443}]
---
""" + APISERVER_MONITOR


def test_ks106_fix_names_no_file_where_the_prometheus_denies_file_access(tmp_path: Path) -> None:
    """`bearerTokenFile` and `tlsConfig.caFile` made the operator reject the ServiceMonitor (KS603) when its
    Prometheus sets arbitraryFSAccessThroughSMs.deny: the fix names a token Secret and the kube-root-ca.crt
    ConfigMap instead, and applying it leaves neither KS106 nor KS603."""
    (tmp_path / "p.yaml").write_text(DENYING_PROMETHEUS)
    [ks106] = [f for f in _lint(tmp_path) if f.rule == "KS106"]
    assert "bearerTokenFile:" not in ks106.fix and "caFile:" not in ks106.fix, ks106.fix
    assert ks106.fix.startswith("Add to the endpoint:\n  authorization:\n    credentials: {name: <Secret>, key: token}\n"
                                "  tlsConfig:\n    ca: {configMap: {name: kube-root-ca.crt, key: ca.crt}}\n"), ks106.fix
    assert ("Secret of type kubernetes.io/service-account-token with annotation `kubernetes.io/service-account.name: "
            "prometheus` in the ServiceMonitor's namespace monitoring") in ks106.fix
    fixed = DENYING_PROMETHEUS + ("      authorization:\n        credentials: {name: prometheus-token, key: token}\n"
                                  "      tlsConfig:\n        ca: {configMap: {name: kube-root-ca.crt, key: ca.crt}}\n"
                                  "        serverName: kubernetes\n")
    (tmp_path / "p.yaml").write_text(fixed)
    assert not [f for f in _lint(tmp_path) if f.rule in ACCESS | {"KS106", "KS603", "KS601", "KS602"}]


def test_ks106_fix_for_a_podmonitor_names_no_file_field(tmp_path: Path) -> None:
    """A PodMonitor endpoint has no bearerTokenFile or tlsConfig.caFile (SafeAuthorization, SafeTLSConfig): the
    fix named them all the same, which the API server refuses as unknown fields (KS602)."""
    monitor = DENYING_PROMETHEUS.split("---\napiVersion: v1\nkind: Service\n")[0].replace(
        "  arbitraryFSAccessThroughSMs: {deny: true}\n", "") + """---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: kcm, namespace: monitoring}
spec:
  namespaceSelector: {matchNames: [kube-system]}
  selector: {matchLabels: {component: kube-controller-manager}}
  podMetricsEndpoints:
    - port: https
      scheme: https
---
apiVersion: v1
kind: Pod
metadata: {name: kube-controller-manager-cp1, namespace: kube-system, labels: {component: kube-controller-manager}}
spec:
  hostNetwork: true
  containers:
    - name: kube-controller-manager
      image: registry.k8s.io/kube-controller-manager:v1.34.0
      command: [kube-controller-manager, --bind-address=0.0.0.0]
      ports: [{name: https, containerPort: 10257}]
"""
    (tmp_path / "p.yaml").write_text(monitor)
    [ks106] = [f for f in _lint(tmp_path) if f.rule == "KS106"]
    assert "bearerTokenFile:" not in ks106.fix and "caFile:" not in ks106.fix, ks106.fix
    assert "credentials: {name: <Secret>, key: token}" in ks106.fix
    assert "Not the token file: a PodMonitor takes only Secret and ConfigMap references" in ks106.fix


def test_ks105_explains_a_namespace_selector_the_prometheus_ignores(tmp_path: Path) -> None:
    """ignoreNamespaceSelectors: true on the Prometheus makes the operator discover in the monitor's own namespace
    (FACTS §6): the finding named that namespace without saying why, though the monitor asks for another one. It
    says so, points at both settings, and moving the monitor where it asks to look leaves no access finding."""
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS105" / "fail-monitor-namespace-selector-ignored"
    text = (case / "monitoring.yaml").read_text()
    (tmp_path / "m.yaml").write_text(text)
    [ks105] = [f for f in _lint(tmp_path) if f.rule == "KS105"]
    assert ("Prometheus monitoring/k8s sets ignoreNamespaceSelectors: true, so the operator ignores this "
            "ServiceMonitor's namespaceSelector (matchNames: [apps])") in ks105.message
    assert [r.message for r in ks105.related[:2]] == ["Prometheus monitoring/k8s sets ignoreNamespaceSelectors: true",
                                                      "namespaceSelector matchNames: [apps], ignored"]
    assert "create the ServiceMonitor in that namespace" in ks105.fix
    (tmp_path / "m.yaml").write_text(text.replace("metadata: {name: web, namespace: monitoring}",
                                                  "metadata: {name: web, namespace: apps}"))
    assert not [f for f in _lint(tmp_path) if f.rule in ACCESS | {"KS203"}]


def test_bind_existing_role_avoids_the_name_of_a_binding_refused_for_its_apiversion(tmp_path: Path) -> None:
    """camilb/prometheus-kubernetes: a v1beta1 ClusterRole + ClusterRoleBinding of one name for one ServiceAccount,
    the pod running as another. The fix binds the role to the pod's account; given the role's name it would, once
    KS501's fix turns both v1beta1 objects into v1, replace the subjects of the existing binding (KS006)."""
    rules = '  - apiGroups: [""]\n    resources: ["pods"]\n    verbs: ["list", "watch"]\n'
    binding = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: scraper}\n"
               "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: scraper}\n"
               "subjects: [{kind: ServiceAccount, name: default, namespace: monitoring}]\n")
    v1 = _cluster_role("scraper", rules) + "---\n" + binding
    v1beta1 = v1.replace("rbac.authorization.k8s.io/v1\n", "rbac.authorization.k8s.io/v1beta1\n")
    setup = _setup(tmp_path, PODS_JOB, v1beta1)
    [finding] = [f for f in _lint(setup) if f.rule == "KS101"]
    assert "ClusterRole scraper in the inputs already grants this once its apiVersion is" in finding.fix
    fix = finding.fix.split(":\n", 1)[1]
    assert "  name: scraper-prometheus\n" in fix, finding.fix
    (setup / "rbac.yaml").write_text(v1)
    (setup / "fix.yaml").write_text(fix + "\n")
    found = _lint(setup)
    assert not [f for f in found if f.rule in ACCESS or f.rule == "KS006"], [f.message for f in found]


def test_bind_existing_role_second_name_avoids_a_binding_that_has_it_too(tmp_path: Path) -> None:
    """As above, with a ClusterRoleBinding `scraper-prometheus` already in the inputs (binding the role to another
    account): the fix's second choice of name is taken too, and applied it would replace that binding's subjects;
    it gets a number instead."""
    rules = '  - apiGroups: [""]\n    resources: ["pods"]\n    verbs: ["list", "watch"]\n'
    binding = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: scraper}\n"
               "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: scraper}\n"
               "subjects: [{kind: ServiceAccount, name: default, namespace: monitoring}]\n")
    other = binding.replace("{name: scraper}", "{name: scraper-prometheus}").replace("name: default,", "name: other,")
    v1 = _cluster_role("scraper", rules) + "---\n" + binding + "---\n" + other
    setup = _setup(tmp_path, PODS_JOB, v1)
    [finding] = [f for f in _lint(setup) if f.rule == "KS101"]
    fix = finding.fix.split(":\n", 1)[1]
    assert "  name: scraper-prometheus-2\n" in fix, finding.fix
    (setup / "fix.yaml").write_text(fix + "\n")
    found = _lint(setup)
    assert not [f for f in found if f.rule in ACCESS or f.rule == "KS006"], [f.message for f in found]


@pytest.mark.parametrize("kind", ["ClusterRoleBinding", "RoleBinding"])
def test_binding_of_the_role_with_no_subjects_gets_the_identity_added(tmp_path: Path, kind: str) -> None:
    """Round-20 mutant kp-default-subject-removed: the binding of the role that grants the need has `subjects: []`
    (its only subject dropped). The fix adds the identity to that binding's subjects, not a second binding of the
    same role beside one that binds nothing; applied, no access finding is left."""
    rules = '  - apiGroups: [""]\n    resources: ["pods"]\n    verbs: ["list", "watch"]\n'
    where = "{name: scraper}" if kind == "ClusterRoleBinding" else "{name: scraper, namespace: monitoring}"
    binding = (f"apiVersion: rbac.authorization.k8s.io/v1\nkind: {kind}\nmetadata: {where}\n"
               "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: scraper}\nsubjects: []\n")
    jobs = PODS_JOB if kind == "ClusterRoleBinding" else PODS_JOB + "            namespaces: {names: [monitoring]}\n"
    setup = _setup(tmp_path, jobs, _cluster_role("scraper", rules) + "---\n" + binding)
    [finding] = [f for f in _lint(setup) if f.rule in ACCESS]
    assert f"{kind}/" in finding.fix and "but to no subject: add monitoring/prometheus to its subjects:\n" in finding.fix
    entry = finding.fix.split("its subjects:\n", 1)[1]
    assert entry == "- kind: ServiceAccount\n  name: prometheus\n  namespace: monitoring", finding.fix
    (setup / "rbac.yaml").write_text(_cluster_role("scraper", rules) + "---\n"
                                     + binding.replace("subjects: []\n", "subjects:\n" + entry + "\n"))
    found = _lint(setup)
    assert not [f for f in found if f.rule in ACCESS or f.rule == "KS006"], [f.message for f in found]


@pytest.mark.parametrize("mistake", ["subjects-empty", "roleref-kind-clusterrole"])
def test_broken_binding_of_the_namespace_is_repaired_beside_a_clusterrolebinding(tmp_path: Path, mistake: str) -> None:
    """Round-20 mutants vm-shop-subject-removed and vm-apiserver-binding-to-clusterrole (b29): the scraper holds a
    ClusterRole of its own (nodes), and the RoleBinding of namespace shop meant for it binds nothing — `subjects: []`,
    or `roleRef.kind: ClusterRole` for the Role beside it (KS502). The fix repairs that binding (the Role there grants
    the need) rather than adding the rule to the ClusterRole, which would grant it in every namespace; applied, no
    access finding is left."""
    cluster = _cluster_role("scraper", '  - apiGroups: [""]\n    resources: ["nodes"]\n    verbs: ["list", "watch"]\n')
    crb = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: scraper}\n"
           "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: scraper}\n"
           "subjects: [{kind: ServiceAccount, name: prometheus, namespace: monitoring}]\n")
    role = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: pods, namespace: shop}\nrules:\n"
            '  - apiGroups: [""]\n    resources: ["pods"]\n    verbs: ["list", "watch"]\n')
    good = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: pods, namespace: shop}\n"
            "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pods}\n"
            "subjects: [{kind: ServiceAccount, name: prometheus, namespace: monitoring}]\n")
    broken = (good.replace("subjects: [{kind: ServiceAccount, name: prometheus, namespace: monitoring}]", "subjects: []")
              if mistake == "subjects-empty" else good.replace("kind: Role, name: pods", "kind: ClusterRole, name: pods"))
    jobs = PODS_JOB + "            namespaces: {names: [shop]}\n"
    setup = _setup(tmp_path, jobs, "---\n".join([cluster, crb, role, broken]))
    [finding] = [f for f in _lint(setup) if f.rule in ACCESS]
    assert "ClusterRole scraper" not in finding.fix, finding.fix
    expected = ("RoleBinding/shop/pods binds it in namespace shop, but to no subject: add monitoring/prometheus"
                if mistake == "subjects-empty" else "Role shop/pods in the inputs grants this; set its `roleRef.kind: Role`")
    assert expected in finding.fix, finding.fix
    (setup / "rbac.yaml").write_text("---\n".join([cluster, crb, role, good]))
    found = _lint(setup)
    assert not [f for f in found if f.rule in ACCESS or f.rule in ("KS006", "KS502")], [f.message for f in found]


def test_binding_refused_for_its_apiversion_alone_is_corrected_first(tmp_path: Path) -> None:
    """linuxacademy/content-kubernetes-prometheus-env: a v1 ClusterRole `prometheus` and a v1beta1 ClusterRoleBinding
    binding it to the very ServiceAccount the pod runs as. The repair is that binding's apiVersion; a second binding
    beside it (the fix's other way) would only duplicate it."""
    rules = '  - apiGroups: [""]\n    resources: ["pods"]\n    verbs: ["list", "watch"]\n'
    binding = _binding("ClusterRoleBinding", "ClusterRole", "prometheus")
    setup = _setup(tmp_path, PODS_JOB, _cluster_role("prometheus", rules) + "---\n"
                   + binding.replace("rbac.authorization.k8s.io/v1\n", "rbac.authorization.k8s.io/v1beta1\n"))
    [finding] = [f for f in _lint(setup) if f.rule == "KS101"]
    assert finding.fix.startswith("Change the apiVersion of ClusterRoleBinding/prometheus to rbac.authorization.k8s.io/v1 "
                                  "(KS501): the API server refuses it for that alone; once accepted, it grants this.\nOr:\n"
                                  "ClusterRole prometheus in the inputs already grants this"), finding.fix
    assert "Or correct" not in finding.fix
    (setup / "rbac.yaml").write_text(_cluster_role("prometheus", rules) + "---\n" + binding)
    assert not [f for f in _lint(setup) if f.rule in ACCESS or f.rule == "KS501"]


def test_role_refused_for_its_apiversion_under_an_accepted_binding_gets_no_second_binding(tmp_path: Path) -> None:
    """A v1 ClusterRoleBinding naming a tutorial's v1beta1 ClusterRole `prometheus` (refused from 1.22): the repair is
    the role's apiVersion, and that alone. The fix said besides "nothing binds it to monitoring/prometheus: bind it
    with a ClusterRoleBinding" — untrue (the v1 binding does) and useless (a new binding of a refused role grants
    nothing); nor is "Add to ClusterRole prometheus" an alternative, the role already holds the rule."""
    rules = '  - apiGroups: [""]\n    resources: ["pods"]\n    verbs: ["list", "watch"]\n'
    role = _cluster_role("prometheus", rules)
    setup = _setup(tmp_path, PODS_JOB, role.replace("rbac.authorization.k8s.io/v1\n", "rbac.authorization.k8s.io/v1beta1\n")
                   + "---\n" + _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    [finding] = [f for f in _lint(setup) if f.rule == "KS101"]
    assert finding.fix == ("Change the apiVersion of ClusterRole/prometheus to rbac.authorization.k8s.io/v1 (KS501): the "
                           "API server refuses it for that alone; once accepted, it grants this."), finding.fix


def test_bind_existing_alternative_names_the_binding_refused_for_its_apiversion(tmp_path: Path) -> None:
    """The "Or:" beside the apiVersion correction must not say that nothing binds the role: the v1beta1
    ClusterRoleBinding does, once corrected. It says so, and offers a new binding as the way that leaves it as is."""
    rules = '  - apiGroups: [""]\n    resources: ["pods"]\n    verbs: ["list", "watch"]\n'
    binding = _binding("ClusterRoleBinding", "ClusterRole", "prometheus")
    setup = _setup(tmp_path, PODS_JOB, _cluster_role("prometheus", rules) + "---\n"
                   + binding.replace("rbac.authorization.k8s.io/v1\n", "rbac.authorization.k8s.io/v1beta1\n"))
    [finding] = [f for f in _lint(setup) if f.rule == "KS101"]
    assert "nothing binds it" not in finding.fix, finding.fix
    assert ("ClusterRole prometheus in the inputs already grants this, and ClusterRoleBinding prometheus binds it to "
            "monitoring/prometheus, but the API server refuses ClusterRoleBinding/prometheus for its apiVersion alone "
            "(KS501); to leave that binding as it is, bind it with a new ClusterRoleBinding") in finding.fix, finding.fix


def test_ks103_fix_names_what_the_kubelet_checks_for_the_path_scraped_directly(tmp_path: Path) -> None:
    # /stats/summary through the node proxy: scraped on :10250 the kubelet checks nodes/stats, not nodes/metrics.
    rules = '  - apiGroups: [""]\n    resources: ["nodes"]\n    verbs: ["list", "watch"]\n'
    setup = _setup(tmp_path, PROXY_JOB.replace("/proxy/metrics", "/proxy/stats/summary"),
                   _cluster_role("prometheus", rules) + "---\n" + _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    [finding] = [f for f in _lint(setup) if f.rule == "KS103"]
    assert finding.fix.startswith("Better (KS209): scrape the kubelets directly on :10250, which needs only get "
                                  "nodes/stats. Or, keeping the proxy"), finding.fix


def test_proxied_kubeletstats_is_fixed_by_its_auth_type_not_by_relabel_rules() -> None:
    # An OTel kubeletstats receiver with auth_type kubeConfig has no relabel rules to delete: the fix is its setting.
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS103" / "fail-kubeletstats-kubeconfig-through-apiserver"
    findings = lint_paths([str(case)], Options(select={"KS103", "KS209"})).findings
    ks103 = next(f for f in findings if f.rule == "KS103")
    assert ks103.fix.startswith("Better (KS209): set `auth_type: serviceAccount` on receiver kubeletstats"), ks103.fix
    assert "which needs only get nodes/stats (already granted)" in ks103.fix
    ks209 = next(f for f in findings if f.rule == "KS209")
    assert ks209.fix.startswith("Set `auth_type: serviceAccount` on receiver kubeletstats"), ks209.fix
    # The identity already holds get nodes/stats (as KS103 says): KS209 asks for no grant of it.
    assert "relabel" not in ks209.fix and 'resources: ["nodes/stats"]' not in ks209.fix
    assert ks209.fix.endswith("then nothing more needs granting: observability/otel-collector already holds get "
                              "nodes/stats (ClusterRoleBinding/otel-collector-kubelet -> "
                              "ClusterRole/otel-collector-kubelet)."), ks209.fix


CROSS_NAMESPACE_PODMONITOR = operator_prometheus(pod_monitors=True, deny_file_access=False) + """---
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus, namespace: monitoring}
---
""" + _cluster_role("prometheus", "  - apiGroups: ['']\n    resources: [pods]\n    verbs: [list, watch]\n"
                    "  - nonResourceURLs: [/metrics]\n    verbs: [get]\n") + "---\n" + _binding(
    "ClusterRoleBinding", "ClusterRole", "prometheus") + """---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: kcm, namespace: kube-system}
spec:
  selector: {matchLabels: {component: kube-controller-manager}}
  podMetricsEndpoints:
    - port: https
      scheme: https
---
apiVersion: v1
kind: Pod
metadata: {name: kube-controller-manager-cp1, namespace: kube-system, labels: {component: kube-controller-manager}}
spec:
  containers:
    - name: kube-controller-manager
      image: registry.k8s.io/kube-controller-manager:v1.34.0
      command: [kube-controller-manager, --bind-address=0.0.0.0]
      ports: [{name: https, containerPort: 10257}]
"""


def _apply_secret_credentials_fix(text: str, fix: str, endpoint: str, monitor_meta: str) -> str:
    """Apply a KS106 fix for an Operator monitor as written: its `Add to the endpoint:` block under the endpoint,
    the service-account-token Secret it describes in the namespace it names, and the move of the monitor (with
    the namespaceSelector it gives) when it asks for one."""
    import re
    block = fix.split("Add to the endpoint:\n", 1)[1].split("\n<Secret>", 1)[0]
    text = text.replace(endpoint, endpoint + "".join("    " + line + "\n" for line in block.splitlines()), 1)
    secret = re.search(r"annotation `kubernetes.io/service-account.name: (\S+)` in (?:namespace|the \w+'s namespace) "
                       r"([a-z0-9-]+)", fix)
    assert secret, fix
    moved = re.search(r"move the \w+ to namespace ([a-z0-9-]+)(?: with `namespaceSelector: (\{[^`]*\})`)?", fix)
    if moved:
        name = re.search(r"name: ([a-z0-9-]+)", monitor_meta).group(1)
        spec = f"\n  namespaceSelector: {moved.group(2)}" if moved.group(2) else ""
        text = text.replace(monitor_meta + "\nspec:", f"metadata: {{name: {name}, namespace: {moved.group(1)}}}\nspec:{spec}", 1)
    return text.replace("<Secret>", "prometheus-token") + f"""---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: prometheus-token
  namespace: {secret.group(2)}
  annotations: {{kubernetes.io/service-account.name: {secret.group(1)}}}
"""


def test_ks106_secret_fix_for_a_monitor_outside_the_prometheus_namespace_keeps_its_discovery(tmp_path: Path) -> None:
    """A PodMonitor in kube-system run by monitoring/prometheus: the fix asked for the token Secret in kube-system
    (for kube-system/prometheus, which does not exist: the token controller deletes it, KS109) and, moving the
    monitor to monitoring, left out that it then discovers pods of monitoring only (no namespaceSelector). Applied
    as written now: the Secret for the account in its own namespace, the monitor moved with a namespaceSelector
    for kube-system; the job still scrapes the controller-manager there, with no finding."""
    (tmp_path / "p.yaml").write_text(CROSS_NAMESPACE_PODMONITOR)
    [ks106] = [f for f in _lint(tmp_path) if f.rule == "KS106"]
    assert "in namespace monitoring" in ks106.fix and "namespace kube-system, where" not in ks106.fix, ks106.fix
    fixed = _apply_secret_credentials_fix(CROSS_NAMESPACE_PODMONITOR, ks106.fix, "      scheme: https\n",
                                          "metadata: {name: kcm, namespace: kube-system}")
    (tmp_path / "p.yaml").write_text(fixed)
    report = lint_paths([str(tmp_path)], Options())
    assert not [f for f in report.findings if f.severity in ("error", "warning")], [
        (f.rule, f.message) for f in report.findings]
    [analysis] = report.analysis.jobs
    assert {e.klass for e in analysis.endpoints} == {"control-plane"}
    assert {n.request.namespace for n in analysis.needs if n.kind == "discovery"} == {"kube-system"}


def test_ks109_fix_for_a_token_secret_applied_either_way(tmp_path: Path) -> None:
    """KS109 for the account of a service-account-token Secret: adding the ServiceAccount it names, or naming an
    existing account of the Secret's namespace in the annotation (the token controller looks it up there), both
    leave no KS109; the fix says which namespace the existing account must be of."""
    text = (Path(__file__).parent.parent / "fixtures" / "KS109" / "fail-token-secret-of-undefined-account"
            / "monitoring.yaml").read_text()
    (tmp_path / "m.yaml").write_text(text)
    [ks109] = [f for f in _lint(tmp_path) if f.rule == "KS109"]
    assert "Add a ServiceAccount scraper in namespace monitoring" in ks109.fix
    assert "name an existing ServiceAccount of namespace monitoring in the Secret's" in ks109.fix, ks109.fix
    added = text + "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: scraper, namespace: monitoring}\n"
    renamed = text.replace("kubernetes.io/service-account.name: scraper", "kubernetes.io/service-account.name: prometheus")
    for fixed in (added, renamed):
        (tmp_path / "m.yaml").write_text(fixed)
        assert not [f for f in _lint(tmp_path) if f.rule in ("KS109", "KS601", "KS602")]


def test_kubeletstats_auth_type_fix_applied_as_written_leaves_no_finding(tmp_path: Path) -> None:
    """KS209's fix for a kubeletstats receiver with auth_type kubeConfig left the TLS setting to the reader
    ("`ca_file` or `insecure_skip_verify` as the kubelets serve"): either one raised a finding (KS304 for the cluster
    CA against self-signed kubelets, KS301 for the skip). It now names the one for the assumed kubelet certificates,
    with KS301's suppression beside the skip; applied as written, nothing is left."""
    import re
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS103" / "fail-kubeletstats-kubeconfig-through-apiserver"
    text = (case / "otel-collector.yaml").read_text()
    ks209 = next(f for f in lint_paths([str(case)], Options()).findings if f.rule == "KS209")
    endpoint = re.search(r"\(`(endpoint: [^`]*)` or the node's IP, `([^`]*)`", ks209.fix)
    assert endpoint and "`ca_file` or" not in ks209.fix, ks209.fix
    fixed = text.replace("        auth_type: kubeConfig\n", "        auth_type: serviceAccount\n").replace(
        '        endpoint: "${env:K8S_NODE_NAME}"\n', f'        {endpoint.group(1)}\n        {endpoint.group(2)}\n')
    (tmp_path / "otel-collector.yaml").write_text(fixed)
    assert not [f for f in _lint(tmp_path) if f.severity in ("error", "warning") or f.rule == "KS304"], [
        (f.rule, f.message) for f in _lint(tmp_path)]


def _refused_pair(kind: str, namespace: str | None, version: str, account: str = "prometheus",
                  extra_rule: str = "") -> str:
    """A Role/ClusterRole `prometheus-scrape` granting list/watch of nodes or pods (and `extra_rule`), and its binding
    of the same name to `account`, both of `version`: the names the access fixes would give a new role and binding."""
    binding_kind = "RoleBinding" if kind == "Role" else "ClusterRoleBinding"
    meta = f"{{name: prometheus-scrape, namespace: {namespace}}}" if namespace else "{name: prometheus-scrape}"
    resource = "pods" if namespace else "nodes"
    return (f"apiVersion: rbac.authorization.k8s.io/{version}\nkind: {kind}\nmetadata: {meta}\nrules:\n"
            f'  - apiGroups: [""]\n    resources: ["{resource}"]\n    verbs: ["list", "watch"]\n{extra_rule}---\n'
            f"apiVersion: rbac.authorization.k8s.io/{version}\nkind: {binding_kind}\nmetadata: {meta}\n"
            f"roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: {kind}, name: prometheus-scrape}}\n"
            f"subjects: [{{kind: ServiceAccount, name: {account}, namespace: monitoring}}]\n")


def _rules_of(fix: str) -> str:
    """The rule lines (indented two spaces) a fix's first "…:" header introduces."""
    lines = fix.split(":\n", 1)[1].splitlines()
    return "".join(line + "\n" for line in lines[:next((i for i, l in enumerate(lines) if not l.startswith("  ")), len(lines))])


NAMESPACED_ENDPOINTS_JOB = """\
      - job_name: monitoring-endpoints
        kubernetes_sd_configs:
          - role: endpoints
            namespaces: {names: [monitoring]}
"""


def test_fix_adds_to_the_identity_s_role_refused_for_its_apiversion_not_beside_it(tmp_path: Path) -> None:
    """A v1beta1 ClusterRole and ClusterRoleBinding `prometheus-scrape` for the scraper grant the node discovery once
    their apiVersion is corrected (the KS101 fix's first line). The kubelet scrape's fix created a ClusterRole and
    binding of that very name, which after both fixes replaced them or were replaced (KS006); it now adds to that
    role. Nor did the refused pair, granting only list/watch nodes, belong in KS102's related locations."""
    setup = _setup(tmp_path, NODES_JOB, _refused_pair("ClusterRole", None, "v1beta1"))
    found = _lint(setup)
    [ks101] = [f for f in found if f.rule == "KS101"]
    [ks102] = [f for f in found if f.rule == "KS102"]
    assert ks101.fix.startswith("Change the apiVersion of ClusterRoleBinding/prometheus-scrape and "
                                "ClusterRole/prometheus-scrape to rbac.authorization.k8s.io/v1 (KS501)"), ks101.fix
    assert not [r for r in ks102.related if "would grant this" in r.message], ks102.related
    assert ks102.fix.startswith("Add to ClusterRole prometheus-scrape (bound to monitoring/prometheus by "
                                "ClusterRoleBinding prometheus-scrape once ClusterRoleBinding/prometheus-scrape and "
                                "ClusterRole/prometheus-scrape are changed to apiVersion rbac.authorization.k8s.io/v1"), ks102.fix
    # applied in the order given: the apiVersions first, then the rule added to the role
    (setup / "rbac.yaml").write_text(_refused_pair("ClusterRole", None, "v1", extra_rule=_rules_of(ks102.fix)))
    found = _lint(setup)
    assert not [f for f in found if f.rule in ACCESS | {"KS006", "KS501", "KS203"}], [f.message for f in found]


def test_apiversion_fix_of_a_role_granting_part_of_a_discovery_says_so_and_adds_the_rest(tmp_path: Path) -> None:
    """A v1alpha1 Role and RoleBinding `prometheus-scrape` grant list/watch pods in the discovery's namespace; the
    endpoints role lists endpoints and services too. The fix led with their apiVersion change "once accepted, they
    grant this": applied, KS101 stayed for endpoints and services. It says what the correction grants and adds the
    rest to that Role."""
    setup = _setup(tmp_path, NAMESPACED_ENDPOINTS_JOB, _refused_pair("Role", "monitoring", "v1alpha1"))
    [ks101] = [f for f in _lint(setup) if f.rule == "KS101"]
    assert ks101.fix.startswith("Change the apiVersion of RoleBinding/monitoring/prometheus-scrape and "
                                "Role/monitoring/prometheus-scrape to rbac.authorization.k8s.io/v1 (KS501): the API "
                                "server refuses them for that alone; once accepted, they grant list, watch pods in "
                                "namespace monitoring. For list, watch endpoints, services in namespace monitoring as "
                                "well:\nAdd to Role prometheus-scrape (bound in namespace monitoring"), ks101.fix
    assert "\nOr:\n" not in ks101.fix  # adding all three to the same role is the same repair
    rest = ks101.fix.split(" as well:\n", 1)[1]
    (setup / "rbac.yaml").write_text(_refused_pair("Role", "monitoring", "v1", extra_rule=_rules_of(rest)))
    found = _lint(setup)
    assert not [f for f in found if f.rule in ACCESS | {"KS006", "KS501", "KS203"}], [f.message for f in found]


def test_new_role_fix_avoids_the_name_of_another_subject_s_role(tmp_path: Path) -> None:
    """ClusterRole and ClusterRoleBinding `prometheus-scrape` of the inputs belong to grafana: a new role and binding
    of that name for the scraper would replace them or be replaced (KS006)."""
    setup = _setup(tmp_path, NODES_JOB, _refused_pair("ClusterRole", None, "v1", account="grafana"))
    found = _lint(setup)
    [ks101] = [f for f in found if f.rule == "KS101"]  # grafana's role lists nodes: bound as it is
    [ks102] = [f for f in found if f.rule == "KS102"]
    assert ks102.fix.startswith("Create ClusterRole prometheus-scrape-2 with this rule and bind it to ServiceAccount "
                                "monitoring/prometheus with ClusterRoleBinding prometheus-scrape-2 "), ks102.fix
    role = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: prometheus-scrape-2}\n"
            f"rules:\n{_rules_of(ks102.fix)}---\n")
    (setup / "fix.yaml").write_text(role + _binding("ClusterRoleBinding", "ClusterRole", "prometheus-scrape-2")
                                    .replace("{name: prometheus}", "{name: prometheus-scrape-2}")
                                    + "---\n" + ks101.fix.split(":\n", 1)[1] + "\n")
    found = _lint(setup)
    assert not [f for f in found if f.rule in ACCESS | {"KS006"}], [f.message for f in found]


SERVICE_PROXY_JOB = """\
      - job_name: grafana-via-proxy
        scheme: https
        tls_config: {ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt}
        authorization: {credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token}
        metrics_path: /api/v1/namespaces/grafana/services/https:grafana:3000/proxy/metrics
        static_configs: [{targets: [kubernetes.default.svc:443]}]
"""


def test_ks103_fix_for_a_service_proxy_in_a_namespace_the_inputs_do_not_have(tmp_path: Path) -> None:
    """`/api/v1/namespaces/grafana/services/https:grafana:3000/proxy/metrics`: the request is get services/proxy named
    `https:grafana:3000` (the path segment as it is) in namespace grafana, which nothing in the inputs defines. The
    Role and RoleBinding the fix describes, written there, grant it and nothing else."""
    setup = _setup(tmp_path, SERVICE_PROXY_JOB, "")
    [finding] = [f for f in _lint(setup) if f.rule in ACCESS]
    assert finding.rule == "KS103" and finding.fix.startswith("Create Role prometheus-scrape in namespace grafana")
    assert _snippet(finding.fix) == [{"apiGroups": [""], "resources": ["services/proxy"],
                                      "resourceNames": ["https:grafana:3000"], "verbs": ["get"]}]
    rules = finding.fix.split(":\n", 1)[1]
    (setup / "rbac.yaml").write_text(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: prometheus-scrape, namespace: grafana}\n"
        f"rules:\n{rules}\n---\n" + _binding("RoleBinding", "Role", "prometheus-scrape", "grafana"))
    found = _lint(setup)
    assert not [f"{f.rule} {f.message}" for f in found if f.severity in ("error", "warning")]


def test_ks101_fix_creates_the_role_a_rolebinding_in_a_namespace_without_it_refers_to(tmp_path: Path) -> None:
    """RoleBinding apps/prometheus refers to Role prometheus, which exists only in monitoring (KS502); namespace apps
    appears nowhere else in the inputs. The Role the fix creates there makes the discovery work, adding nothing."""
    job = "      - job_name: apps\n        kubernetes_sd_configs: [{role: pod, namespaces: {names: [apps]}}]\n"
    role = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: prometheus, namespace: NS}\n"
            'rules: [{apiGroups: [""], resources: [pods], verbs: [list, watch]}]\n---\n')
    rbac = role.replace("NS", "monitoring") + _binding("RoleBinding", "Role", "prometheus", "apps")
    setup = _setup(tmp_path, job, rbac)
    [finding] = [f for f in _lint(setup) if f.rule in ACCESS]
    assert finding.fix.startswith("RoleBinding/apps/prometheus binds Role prometheus, which does not exist (KS502), so "
                                  "it grants nothing: create Role prometheus in namespace apps with this rule:"), finding.fix
    rules = finding.fix.split(":\n", 1)[1]
    (setup / "fix.yaml").write_text("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n"
                                    f"metadata: {{name: prometheus, namespace: apps}}\nrules:\n{rules}\n")
    assert not [f"{f.rule} {f.message}" for f in _lint(setup) if f.severity in ("error", "warning")]


def test_ks100_config_flag_naming_another_file_fix_points_it_at_the_key(tmp_path: Path) -> None:
    """KS100 when the config flag names another file of the mount: the fix said to lint the config together with
    the workload that mounts it, which it already was. It now names the file the key is at; applied, the config
    is loaded as monitoring/prometheus, and what is left is the kubelet-certificate note (KS304, as before) and the
    access check KS100 said was skipped (KS102: the fixtures' RBAC lacks get nodes/metrics)."""
    import shutil
    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "KS100"
    for case, wrong, right in (("fail-config-file-names-another-key", "/etc/prometheus/other.yml", "/etc/prometheus/prometheus.yml"),
                               ("fail-secret-base64-config-not-loaded", "/etc/prometheus/prometheus.yml", "/etc/prometheus/prom/main.yml")):
        shutil.rmtree(tmp_path, ignore_errors=True)
        shutil.copytree(fixtures / case, tmp_path, ignore=shutil.ignore_patterns("expected.txt"))
        [finding] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS100"]
        assert finding.fix.startswith("If key prometheus.yml is the config container prometheus of Deployment "
                                      f"monitoring/prometheus should run, make its --config.file name {right} instead of "
                                      f"{wrong}; otherwise "), finding.fix
        deploy = tmp_path / "deploy.yaml"
        deploy.write_text(deploy.read_text().replace(f"--config.file={wrong}", f"--config.file={right}"))
        report = lint_paths([str(tmp_path)], Options())
        assert sorted(f.rule for f in report.findings) == ["KS102", "KS304"], [(f.rule, f.message) for f in report.findings]
        [ks102] = [f for f in report.findings if f.rule == "KS102"]
        assert "as monitoring/prometheus, which lacks get nodes/metrics" in ks102.message


def test_ks100_names_the_config_flag_the_container_writes(tmp_path: Path) -> None:
    # vmagent's flag is -promscrape.config: "--config.file names …" sent the user looking for a flag it has not
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS100" / "fail-vmagent-config-from-url"
    text = (case / "vmagent.yaml").read_text()
    (tmp_path / "vmagent.yaml").write_text(text.replace("https://config.example.com/scrape.yml", "/config/other.yml"))
    [finding] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS100"]
    assert "-promscrape.config names /config/other.yml, not key scrape.yml (it is at /config/scrape.yml)" in finding.message
    assert "make its -promscrape.config name /config/scrape.yml instead of /config/other.yml" in finding.fix


def test_ks107_fix_for_a_misspelt_secrets_directory_applied_leaves_the_token_read(tmp_path: Path) -> None:
    """`serviceacount/token` beside the ServiceAccount volume: the fix writes the path it mounts; applied, only the
    fixture's kubelet-certificate note (KS304) is left."""
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS107" / "fail-token-directory-typo"
    text = (case / "prometheus.yaml").read_text()
    (tmp_path / "prometheus.yaml").write_text(text)
    [finding] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS107"]
    assert finding.fix == "Write /var/run/secrets/kubernetes.io/serviceaccount/token.", finding.fix
    (tmp_path / "prometheus.yaml").write_text(text.replace("/var/run/secrets/kubernetes.io/serviceacount/token",
                                                           "/var/run/secrets/kubernetes.io/serviceaccount/token"))
    assert [f.rule for f in lint_paths([str(tmp_path)], Options()).findings] == ["KS304"]


def test_ks105_for_a_role_kustomize_moved_says_so_and_its_fix_works(tmp_path: Path) -> None:
    """A Role and RoleBinding written for kube-system, listed by a Kustomization with `namespace: monitoring`:
    kustomize moves them (its namespace transformer sets every namespaced object it builds), so the discovery in
    kube-system is denied. A copy written for kube-system beside them would be moved too; the fix is to build them
    without that field — done here by listing them in a Kustomization of their own — and the denial goes."""
    rbac = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: discovery, namespace: kube-system}\n"
            'rules:\n  - apiGroups: [""]\n    resources: [endpoints, services, pods]\n    verbs: [list, watch]\n---\n'
            + _binding("RoleBinding", "Role", "discovery", "kube-system"))
    jobs = ("      - job_name: coredns\n        kubernetes_sd_configs:\n          - role: endpoints\n"
            "            namespaces: {names: [kube-system]}\n")
    setup = _setup(tmp_path, jobs, rbac)
    (setup / "kustomization.yaml").write_text("namespace: monitoring\nresources: [prometheus.yaml, rbac.yaml]\n")
    [finding] = [f for f in _lint(setup) if f.rule in ACCESS]
    assert finding.rule == "KS105"
    # (its alternative, a Role to create in kube-system, would be moved as well wherever it were written)
    assert ("\nOr:\nCreate Role prometheus-scrape in namespace kube-system" in finding.fix
            and "Every input file is built by a Kustomization that sets `namespace: monitoring`" in finding.fix), finding.fix
    assert finding.fix.startswith(
        "Role discovery and RoleBinding prometheus are written for namespace kube-system, but "
        f"{setup / 'kustomization.yaml'} sets `namespace: monitoring` for the build that includes {setup / 'rbac.yaml'}, "
        "which moves every namespaced object it builds there: build them from a Kustomization without `namespace:` "
        f"that {setup / 'kustomization.yaml'} does not include"), finding.fix
    (setup / "kustomization.yaml").write_text("namespace: monitoring\nresources: [prometheus.yaml]\n")
    (setup / "rbac").mkdir()
    (setup / "rbac.yaml").rename(setup / "rbac" / "rbac.yaml")
    (setup / "rbac" / "kustomization.yaml").write_text("resources: [rbac.yaml]\n")
    assert not [f for f in _lint(setup) if f.rule in ACCESS]


def test_ks105_for_a_base_an_overlay_moves_names_the_overlay_and_its_fix_works(tmp_path: Path) -> None:
    """Base and overlay: base/kustomization.yaml lists the Role and RoleBinding written for kube-system and has no
    `namespace:`; overlays/prod sets `namespace: monitoring` and builds the base, moving them. The fix names the
    overlay (the base already is "a Kustomization without `namespace:`"), and a Kustomization of their own that
    the overlay does not include leaves them in kube-system."""
    rbac = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: discovery, namespace: kube-system}\n"
            'rules:\n  - apiGroups: [""]\n    resources: [endpoints, services, pods]\n    verbs: [list, watch]\n---\n'
            + _binding("RoleBinding", "Role", "discovery", "kube-system"))
    jobs = ("      - job_name: coredns\n        kubernetes_sd_configs:\n          - role: endpoints\n"
            "            namespaces: {names: [kube-system]}\n")
    base = tmp_path / "base"
    base.mkdir()
    _setup(base, jobs, rbac)
    (base / "kustomization.yaml").write_text("resources: [prometheus.yaml, rbac.yaml]\n")
    overlay = tmp_path / "overlays" / "prod"
    overlay.mkdir(parents=True)
    (overlay / "kustomization.yaml").write_text("namespace: monitoring\nresources: [../../base]\n")
    [finding] = [f for f in _lint(tmp_path) if f.rule in ACCESS]
    assert finding.rule == "KS105"
    assert finding.fix.startswith(
        f"Role discovery and RoleBinding prometheus are written for namespace kube-system, but {overlay / 'kustomization.yaml'} "
        f"sets `namespace: monitoring` for the build that includes {base / 'rbac.yaml'}, which moves every namespaced "
        "object it builds there: build them from a Kustomization without `namespace:` that "
        f"{overlay / 'kustomization.yaml'} does not include"), finding.fix
    (base / "kustomization.yaml").write_text("resources: [prometheus.yaml]\n")
    (tmp_path / "rbac").mkdir()
    (base / "rbac.yaml").rename(tmp_path / "rbac" / "rbac.yaml")
    (tmp_path / "rbac" / "kustomization.yaml").write_text("resources: [rbac.yaml]\n")
    assert not [f for f in _lint(tmp_path) if f.rule in ACCESS]


def _json_rbac(resources: list[str]) -> dict:
    return {"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "prometheus"},
         "rules": [{"apiGroups": [""], "resources": resources, "verbs": ["list", "watch"]}]},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "prometheus"},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "prometheus"},
         "subjects": [{"kind": "ServiceAccount", "name": "prometheus", "namespace": "monitoring"}]}]}


def _json_rules(fix: str) -> list[dict]:
    """The rules a fix gives for a JSON file: JSON objects, one a line, each parsed as the user pastes it."""
    return [json.loads(line.strip().rstrip(",")) for line in fix.splitlines()[1:] if line.strip().startswith("{")]


def test_rules_added_to_a_role_in_a_json_file_are_written_as_json(tmp_path: Path) -> None:
    (tmp_path / "prometheus.yaml").write_text(DEPLOYMENT + PODS_JOB)
    rbac = _json_rbac(["services"])
    (tmp_path / "rbac.json").write_text(json.dumps(rbac, indent=1))
    (finding,) = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS101"]
    assert finding.fix.splitlines()[0].endswith('in its "rules" array (rbac.json is JSON):'), finding.fix
    added = _json_rules(finding.fix)
    assert added == [{"apiGroups": [""], "resources": ["pods"], "verbs": ["list", "watch"]}]
    rbac["items"][0]["rules"] += added
    (tmp_path / "rbac.json").write_text(json.dumps(rbac, indent=1))
    assert not [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule in ACCESS]


def test_rule_rewritten_in_a_json_file_is_written_as_json(tmp_path: Path) -> None:
    (tmp_path / "prometheus.yaml").write_text(DEPLOYMENT + PODS_JOB)
    (tmp_path / "rbac.json").write_text(json.dumps(_json_rbac(["pods", "services"]), indent=1))
    (finding,) = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS203"]
    assert _json_rules(finding.fix) == [{"apiGroups": [""], "resources": ["pods"], "verbs": ["list", "watch"]}], finding.fix


def test_access_error_names_the_rules_that_refuse_the_object_it_relied_on(tmp_path: Path) -> None:
    """An RBAC object that does not decode (KS602) grants nothing, as one KS501 refuses: the job's access error
    points at it and names the rule(s) to read there."""
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS101" / "fail-rbac-objects-that-do-not-decode"
    text = (case / "prometheus.yaml").read_text()
    (tmp_path / "prometheus.yaml").write_text(text)
    fixes = {f.message.split('"')[1]: f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS101"}
    # One line of each is all the API server refuses: correcting them is the smaller change, and comes first.
    assert fixes["pods"].fix.startswith(
        'In ClusterRoleBinding/prometheus (KS602), write `tier: "1"`; in ClusterRole/prometheus (KS602), write '
        '`resources: ["pods"]`: the API server refuses them for that alone; once accepted, they grant this.\nOr:\n'
    ), fixes["pods"].fix
    assert any("rejects ClusterRole/prometheus (KS602): it never exists" in r.message for r in fixes["pods"].related)
    # The same binding also refused by KS501 (a ServiceAccount subject with an apiGroup): both rules are named.
    mixed = text.replace("roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus-services}\nsubjects:\n- kind: ServiceAccount\n",
                         "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus-services}\nsubjects:\n- kind: ServiceAccount\n  apiGroup: rbac.authorization.k8s.io\n")
    assert mixed != text
    (tmp_path / "prometheus.yaml").write_text(mixed)
    fixes = {f.message.split('"')[1]: f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS101"}
    assert "as KS501 and KS602 say there" in fixes["services"].fix, fixes["services"].fix


def test_ks101_fix_creating_a_role_says_a_namespacing_kustomization_of_every_file_would_move_it(tmp_path: Path) -> None:
    """Every file built with `namespace: monitoring`: the Role and RoleBinding the fix creates for kube-system,
    written into any of them, would be moved to monitoring. A file no build includes is a place they would stay."""
    jobs = ("      - job_name: coredns\n        kubernetes_sd_configs:\n          - role: endpoints\n"
            "            namespaces: {names: [kube-system]}\n")
    setup = _setup(tmp_path, jobs, "")
    (setup / "rbac.yaml").unlink()
    (setup / "kustomization.yaml").write_text("namespace: monitoring\nresources: [prometheus.yaml]\n")
    [finding] = [f for f in _lint(setup) if f.rule in ACCESS]
    assert finding.rule == "KS101"
    assert ("). Every input file is built by a Kustomization that sets `namespace: monitoring`, which moves every "
            "namespaced object it builds there: build them from a Kustomization without `namespace:` that "
            f"{setup / 'kustomization.yaml'} does not include (or apply them apart), so that they stay in "
            "kube-system:\n") in finding.fix, finding.fix
    (setup / "apart.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: kube-system}\n")
    [finding] = [f for f in _lint(setup) if f.rule in ACCESS]
    assert "Every input file" not in finding.fix, finding.fix


def test_binding_a_kustomization_moved_built_apart_keeps_the_subject_namespace_the_build_gave(tmp_path: Path) -> None:
    """A Role and RoleBinding written for team-a in a build with `namespace: monitoring`; the binding's subject names
    ServiceAccount prometheus without a namespace, which the build sets to monitoring (an account of the same build).
    KS105 says to build them apart; done as printed without more, the subject means team-a/prometheus (the RBAC
    authorizer's default for a RoleBinding) and KS108 follows. The fix says to write the namespace; applied, clean."""
    (tmp_path / "monitoring").mkdir()
    (tmp_path / "monitoring" / "kustomization.yaml").write_text(
        "namespace: monitoring\nresources: [prometheus.yaml, team-a-rbac.yaml]\n")
    (tmp_path / "monitoring" / "prometheus.yaml").write_text(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: prometheus}\n---\n"
        "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s}\nspec:\n"
        "  serviceAccountName: prometheus\n  serviceDiscoveryRole: EndpointSlice\n  serviceMonitorSelector: {}\n"
        "  serviceMonitorNamespaceSelector: {matchLabels: {kubernetes.io/metadata.name: team-a}}\n")
    rbac = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: prometheus, namespace: team-a}\n"
            "rules:\n- apiGroups: [\"\"]\n  resources: [services, pods]\n  verbs: [list, watch]\n"
            "- apiGroups: [discovery.k8s.io]\n  resources: [endpointslices]\n  verbs: [list, watch]\n---\n"
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: prometheus, namespace: team-a}\n"
            "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: prometheus}\n"
            "subjects: [{kind: ServiceAccount, name: prometheus}]\n")
    (tmp_path / "monitoring" / "team-a-rbac.yaml").write_text(rbac)
    (tmp_path / "app.yaml").write_text(
        "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: app, namespace: team-a}\n"
        "spec:\n  selector: {matchLabels: {app: app}}\n  endpoints: [{port: web}]\n")
    [ks105] = [f for f in _lint(tmp_path) if f.rule == "KS105"]
    first = ks105.fix.partition("\nOr:\n")[0]
    assert "(or apply them apart), so that they stay in team-a; and write `namespace:` in its subjects the build " \
           "filled in (`{kind: ServiceAccount, name: prometheus, namespace: monitoring}`)" in first, first
    # KS203 on the Role's rules (unused where the build put them) keeps them for that fix: deleting them, as it
    # used to say, would leave the Role built apart with nothing to grant.
    ks203 = [f for f in _lint(tmp_path) if f.rule == "KS203"]
    assert len(ks203) == 2 and all(f.fix.startswith('Keep this rule: job "serviceMonitor/team-a/app/0" needs it in '
                                                    "namespace team-a, as KS105 says. Role prometheus and RoleBinding "
                                                    "prometheus are written for namespace team-a") for f in ks203), \
        [f.fix for f in ks203]
    # Built apart, as printed: the file out of the namespacing build, the subject's namespace written.
    (tmp_path / "monitoring" / "kustomization.yaml").write_text("namespace: monitoring\nresources: [prometheus.yaml]\n")
    (tmp_path / "monitoring" / "team-a-rbac.yaml").unlink()
    (tmp_path / "team-a-rbac.yaml").write_text(rbac.replace(
        "[{kind: ServiceAccount, name: prometheus}]", "[{kind: ServiceAccount, name: prometheus, namespace: monitoring}]"))
    assert [f.rule for f in _lint(tmp_path) if f.severity != "info"] == []


def test_binding_whose_subjects_is_a_mapping_is_the_one_meant_for_the_identity(tmp_path: Path) -> None:
    """`subjects:` written as one mapping: the API server refuses the binding (KS602), so the job is denied, and
    the denial points at that binding and puts its one-line correction first, not "nothing binds it"."""
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS101" / "fail-binding-subjects-is-a-mapping"
    (finding,) = [f for f in lint_paths([str(case)], Options()).findings if f.rule == "KS101"]
    assert any(r.message.startswith("ClusterRoleBinding/prometheus would bind ClusterRole/prometheus, which would grant "
                                    "this, but the API server rejects ClusterRoleBinding/prometheus (KS602)")
               for r in finding.related), finding.related
    first, _, rest = finding.fix.partition("\nOr:\n")
    assert first == ("In ClusterRoleBinding/prometheus (KS602), write `subjects: [{kind: ServiceAccount, name: prometheus, "
                     "namespace: monitoring}]`: the API server refuses it for that alone; once accepted, it grants this.")
    assert "nothing binds it" not in rest
    assert ("and ClusterRoleBinding prometheus binds it to monitoring/prometheus, but the API server refuses "
            "ClusterRoleBinding/prometheus for one line (KS602)") in rest


def test_one_line_type_error_in_a_role_granting_part_of_the_need_is_corrected_first(tmp_path: Path) -> None:
    """`verbs: list` in the role the identity is bound to: correcting it grants list, not watch; the fix says so
    and adds watch after it, as for a role refused for its apiVersion alone."""
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS101" / "fail-binding-subjects-is-a-mapping"
    text = (case / "prometheus.yaml").read_text()
    text = text.replace("verbs: [list, watch]", "verbs: list").replace(
        "subjects:\n  kind: ServiceAccount\n  name: prometheus\n  namespace: monitoring",
        "subjects:\n  - kind: ServiceAccount\n    name: prometheus\n    namespace: monitoring")
    (tmp_path / "prometheus.yaml").write_text(text)
    (finding,) = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS101"]
    assert finding.fix.startswith('In ClusterRole/prometheus (KS602), write `verbs: ["list"]`: the API server refuses '
                                  "it for that alone; once accepted, it grants list pods. For watch pods as well:\n"), finding.fix


def test_credential_like_target_labels_are_those_prometheus_drops() -> None:
    # scrape/target.go PopulateLabels: of the labels beginning with __ only __address__, __scheme__,
    # __metrics_path__, __param_<name>, __scrape_interval__ and __scrape_timeout__ are read; the rest are dropped,
    # so `__bearer_token__` sends nothing, while `__param_token` is a real URL parameter and `__tmp_*` a scratch label.
    from types import SimpleNamespace

    from kubelint_scrape.checks.access import _credential_labels
    from kubelint_scrape.yamltree import YMap

    def rule(key: str, name: str) -> YMap:
        node = YMap((0, 0))
        node.put(key, name, (0, 0))
        return node

    names = ["__bearer_token__", "__basic_auth_password__", "__authorization__", "__param_token", "__tmp_token",
             "__address__", "token", "__scheme__"]
    job = SimpleNamespace(relabel_nodes=[rule("target_label", n) for n in names[:-1]] + [rule("targetLabel", names[-1])])
    assert [name for _rule, name in _credential_labels(job)] == ["__bearer_token__", "__basic_auth_password__",
                                                                 "__authorization__"]


KUBE_PROMETHEUS_NAMESPACES = """\
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec:
  serviceAccountName: prometheus-k8s
  serviceMonitorSelector: {}
  serviceMonitorNamespaceSelector: {}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus-k8s, namespace: monitoring}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: prometheus-k8s}
rules:
  - apiGroups: [""]
    resources: ["nodes/metrics"]
    verbs: ["get"]
  - nonResourceURLs: ["/metrics"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: prometheus-k8s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus-k8s}
subjects: [{kind: ServiceAccount, name: prometheus-k8s, namespace: monitoring}]
"""

ROLE_IN = """\
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: prometheus-k8s, namespace: {namespace}}}
rules:
  - apiGroups: [""]
    resources: ["services", "endpoints", "pods"]
    verbs: ["get", "list", "watch"]
"""

ROLE_BINDING_IN = """\
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: prometheus-k8s, namespace: {namespace}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: prometheus-k8s}}
subjects: [{{kind: ServiceAccount, name: prometheus-k8s, namespace: monitoring}}]
"""

MONITOR_OF_MONGODB = """\
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: mongodb-exporter, namespace: monitoring}
spec:
  selector: {matchLabels: {app: mongodb-exporter}}
  namespaceSelector: {matchNames: [mongodb]}
  endpoints: [{port: metrics}]
"""


def test_fix_binds_the_role_already_written_for_the_namespace(tmp_path: Path) -> None:
    """kube-prometheus with the monitored namespace added to prometheus-roleSpecificNamespaces.yaml but not to
    prometheus-roleBindingSpecificNamespaces.yaml (nickzas/do-kubernetes-challenge-2021: Role prometheus-k8s in
    mongodb, no RoleBinding): the Role is there, only its binding is missing — the fix is that RoleBinding, not a
    second copy of the Role of another namespace (same name: it would replace the one written). Applied, the
    denial is gone."""
    rbac = (KUBE_PROMETHEUS_NAMESPACES + ROLE_IN.format(namespace="monitoring")
            + ROLE_BINDING_IN.format(namespace="monitoring") + ROLE_IN.format(namespace="mongodb"))
    (tmp_path / "kube-prometheus.yaml").write_text(rbac)
    (tmp_path / "mongodb-servicemonitor.yaml").write_text(MONITOR_OF_MONGODB)
    [finding] = [f for f in _lint(tmp_path) if f.rule in ACCESS]
    assert finding.fix.startswith("Role mongodb/prometheus-k8s in the inputs already grants this, but nothing binds "
                                  "it to monitoring/prometheus-k8s in namespace mongodb: bind it with a RoleBinding "
                                  "there:\n"), finding.fix
    assert "a copy of Role" not in finding.fix
    binding = finding.fix.split("there:\n", 1)[1].split("\nOr", 1)[0]
    (tmp_path / "fix.yaml").write_text(binding + "\n")
    assert not [f for f in _lint(tmp_path) if f.rule in ACCESS]


TEAM = """\
apiVersion: v1
kind: ServiceAccount
metadata: {{name: prometheus, namespace: {ns}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: prom, namespace: {ns}}}
rules:
- {{apiGroups: [""], resources: [pods], verbs: [get, list, watch]}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: prom, namespace: {ns}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: prom}}
subjects: [{{kind: ServiceAccount, name: prometheus, namespace: {ns}}}, {{kind: ServiceAccount, name: spare, namespace: {ns}}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: prometheus, namespace: {ns}}}
spec:
  selector: {{matchLabels: {{app: p}}}}
  template:
    metadata: {{labels: {{app: p}}}}
    spec:
      containers:
      - name: prometheus
        image: prom/prometheus:v2.53.0
        args: [--config.file=/etc/prometheus/prometheus.yml]
        volumeMounts: [{{name: cfg, mountPath: /etc/prometheus}}]
      volumes: [{{name: cfg, configMap: {{name: prom}}}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: prom, namespace: {ns}}}
data:
  prometheus.yml: |
    scrape_configs:
    - job_name: pods
      kubernetes_sd_configs: [{{role: pod, namespaces: {{own_namespace: true}}}}]
"""


# A team whose Prometheus runs as an account made elsewhere (a chart's: KS109), bound to the built-in `view`
# (KS203 per binding), beside a stand-alone config that no workload loads (KS100, its account guessed from the
# directory).
UNDEFINED_TEAM = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: prom, namespace: {ns}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}}
subjects: [{{kind: ServiceAccount, name: prom-sa, namespace: {ns}}}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {{name: other, namespace: {ns}}}
---
""" + TEAM.split("---\n", 3)[3].replace("    spec:\n      containers:", "    spec:\n      serviceAccountName: prom-sa\n      containers:")


def _passes_over_the_workspace(tmp_path: Path, teams: int, template: str = TEAM) -> dict[str, int]:
    """Lint `teams` namespaces of `template` (TEAM: a Prometheus without serviceAccountName whose Role is bound to
    two other accounts, KS101 with a fix binding the existing Role), each with a stand-alone config beside; count
    the passes over every ServiceAccount, binding, read-only role and job of the run."""
    import kubelint_scrape.engine as engine
    import kubelint_scrape.fixes as fixes

    passes = {"accounts": 0, "account definitions": 0, "bindings": 0, "roles": 0, "jobs": 0}

    def counted(what: str, kind: type):
        class Counted(kind):  # type: ignore[valid-type, misc]
            def __iter__(self):
                passes[what] += 1
                return super().__iter__()
        return Counted

    build, analyse, read_only_roles = engine.build_workspace, engine.analyse, fixes._read_only_roles

    def build_workspace(*args, **kwargs):
        workspace, configs, findings = build(*args, **kwargs)
        workspace.service_accounts = counted("accounts", dict)(workspace.service_accounts)
        workspace.service_account_definitions = counted("account definitions", list)(workspace.service_account_definitions)
        workspace.bindings = counted("bindings", list)(workspace.bindings)
        return workspace, configs, findings

    def analysed(*args, **kwargs):
        analysis = analyse(*args, **kwargs)
        analysis.jobs = counted("jobs", list)(analysis.jobs)
        return analysis

    root = tmp_path / str(teams)
    root.mkdir(parents=True)
    for team in range(teams):
        (root / f"team{team}.yaml").write_text(template.format(ns=f"team{team}"))
        (root / f"configs{team}").mkdir()
        (root / f"configs{team}" / "prometheus.yml").write_text("scrape_configs:\n- {job_name: nodes, kubernetes_sd_configs: [{role: node}]}\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "build_workspace", build_workspace)
        patch.setattr(engine, "analyse", analysed)
        patch.setattr(fixes, "_read_only_roles", lambda authorizer: counted("roles", list)(read_only_roles(authorizer)))
        findings = lint_paths([str(root)], Options()).findings
    rules = [f.rule for f in findings]
    if template is TEAM:
        fixed = [f for f in findings if f.rule == "KS101" and "Role team0/prom in the inputs already grants this" in (f.fix or "")]
        assert rules.count("KS101") == teams and fixed, [(f.rule, f.message) for f in findings]
    else:
        assert rules.count("KS109") == rules.count("KS203") == rules.count("KS100") == teams, rules
    return passes


def test_fixes_of_many_teams_look_up_their_namespace_instead_of_passing_over_the_workspace(tmp_path: Path) -> None:
    """The fix of each denied need (and the search for the account an unnamed pod meant) looks up its namespace's
    accounts, Roles and bindings and its identity's jobs in indexes built once: a pass over every one of them per
    fix was quadratic — 3,000 teams took 75 s, 300 took 1.6 s. Counted, not timed: four teams or sixteen, the same
    number of passes."""
    few = _passes_over_the_workspace(tmp_path, 4)
    assert few == _passes_over_the_workspace(tmp_path, 16), few


def test_many_teams_with_accounts_made_elsewhere_are_reported_without_passing_over_the_workspace(tmp_path: Path) -> None:
    """KS109 per undefined account (its near misses, the same name elsewhere, the accounts other configs run as),
    KS100 per stand-alone config (its jobs, the scraper account beside it): each looked up in an index built once.
    A pass over every account, account definition and job each made 3,000 teams take 208 s (300: 11.6 s)."""
    few = _passes_over_the_workspace(tmp_path / "few", 4, UNDEFINED_TEAM)
    assert few == _passes_over_the_workspace(tmp_path / "many", 16, UNDEFINED_TEAM), few


# prometheus/prometheus#4379: a Prometheus outside the cluster discovers through api_server with a token file of its
# own. KS209's fix moves the job to :10250; it must keep the token the job already sends (an `authorization` beside
# `bearer_token_file` is refused, KS601) and, for a job that sends none, name discovery's token file: the
# ServiceAccount directory exists only inside a pod.
EXTERNAL_PROXY_CASE = Path(__file__).resolve().parent.parent / "fixtures" / "KS209" / "fail-external-prometheus-own-token-file"


def _ks209_direct_fix_applied(tmp_path: Path, config: str) -> list:
    (tmp_path / "rbac.yaml").write_text((EXTERNAL_PROXY_CASE / "rbac.yaml").read_text().replace(
        '"nodes", "nodes/proxy"', '"nodes", "nodes/metrics"'))
    (tmp_path / "prometheus.yml").write_text(config)
    [finding] = [f for f in lint_paths([str(tmp_path)], Options(select={"KS209"})).findings]
    fix = finding.fix
    # Apply it as written: drop the proxy relabel rules, then put the fix's keys in the job in place of its own.
    yaml = YAML()
    doc = yaml.load(config)
    job = doc["scrape_configs"][0]
    job["relabel_configs"] = job["relabel_configs"][:1]
    block = fix.split(":\n", 1)[1].split("\nthen ", 1)[0]
    for key, value in yaml.load(block).items():
        job[key] = value
    out = tmp_path / "applied"
    out.mkdir()
    (out / "rbac.yaml").write_text((tmp_path / "rbac.yaml").read_text())
    with (out / "prometheus.yml").open("w") as stream:
        yaml.dump(doc, stream)
    return fix, lint_paths([str(out)], Options()).findings


def test_ks209_fix_keeps_the_token_file_an_external_job_sends(tmp_path: Path) -> None:
    config = (EXTERNAL_PROXY_CASE / "prometheus.yml").read_text()
    fix, after = _ks209_direct_fix_applied(tmp_path, config)
    assert "authorization:" not in fix and "keep its setting that sends the token in /opt/prometheus/kubernetes/token" in fix, fix
    assert not {f.rule for f in after} & (ACCESS | {"KS106", "KS601", "KS209"}), [(f.rule, f.message) for f in after]


def test_ks209_fix_for_an_external_job_without_token_names_discoverys_token_file(tmp_path: Path) -> None:
    config = (EXTERNAL_PROXY_CASE / "prometheus.yml").read_text().replace(
        "    bearer_token_file: /opt/prometheus/kubernetes/token\n    kubernetes_sd_configs:", "    kubernetes_sd_configs:")
    fix, after = _ks209_direct_fix_applied(tmp_path, config)
    assert "credentials_file: /opt/prometheus/kubernetes/token" in fix and "serviceaccount/token" not in fix, fix
    assert not {f.rule for f in after} & (ACCESS | {"KS106", "KS601", "KS209"}), [(f.rule, f.message) for f in after]


def _ks209_direct_fix_applied_literally(tmp_path: Path, config: str) -> tuple[str, list]:
    """KS209's direct-scrape fix applied as a user reads it: delete the proxy relabel rules and the keys the fix
    says it replaces, then paste its block at the end of the job as it stands — no merging by a YAML library."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "rbac.yaml").write_text((EXTERNAL_PROXY_CASE / "rbac.yaml").read_text().replace(
        '"nodes", "nodes/proxy"', '"nodes", "nodes/metrics"'))
    (tmp_path / "prometheus.yml").write_text(config)
    [finding] = [f for f in lint_paths([str(tmp_path)], Options(select={"KS209"})).findings]
    fix = finding.fix
    header, rest = fix.split(":\n", 1)
    block = rest.split("\nthen ", 1)[0]
    replaced = re.findall(r"`([a-z_]+)`", header.split("replacing its own", 1)[1]) if "replacing its own" in header else []
    yaml = YAML()
    doc = yaml.load(config)
    job = doc["scrape_configs"][0]
    job["relabel_configs"] = [rule for rule in job["relabel_configs"]
                              if rule.get("target_label") not in ("__address__", "__metrics_path__")]
    for key in replaced:
        del job[key]
    out = tmp_path / "applied"
    out.mkdir()
    (out / "rbac.yaml").write_text((tmp_path / "rbac.yaml").read_text())
    with (out / "prometheus.yml").open("w") as stream:
        yaml.dump(doc, stream)
    with (out / "prometheus.yml").open("a") as stream:
        stream.write(block + "\n")  # the block's keys are indented two spaces: the job's own keys' level
    return fix, lint_paths([str(out)], Options()).findings


@pytest.mark.parametrize("config", [
    (EXTERNAL_PROXY_CASE / "prometheus.yml").read_text(),
    "scrape_configs:\n" + PROXY_JOB.replace("      ", "", 1).replace("\n      ", "\n"),
], ids=["external-own-token", "in-cluster-ca-file"])
def test_ks209_fix_replaces_the_jobs_own_tls_config_instead_of_adding_a_second(tmp_path: Path, config: str) -> None:
    """The job already has a tls_config (and scheme: https): the fix said "give the job tls_config: …", which,
    pasted, is a duplicate key (KS005). It names the keys it replaces and gives the merged block."""
    fix, after = _ks209_direct_fix_applied_literally(tmp_path, config)
    assert "replacing its own `tls_config`" in fix and "  scheme: https" not in fix, fix
    assert not {f.rule for f in after} & (ACCESS | {"KS005", "KS106", "KS601", "KS209"}), [(f.rule, f.message) for f in after]


def test_ks209_fix_for_an_external_prometheus_verifies_kubelets_with_discoverys_ca(tmp_path: Path) -> None:
    """Outside the cluster the in-pod ServiceAccount CA path does not exist: the serverTLSBootstrap alternative
    names the CA file discovery trusts for the API server (the cluster CA that signs bootstrapped certificates)."""
    config = (EXTERNAL_PROXY_CASE / "prometheus.yml").read_text()
    fix, _after = _ks209_direct_fix_applied_literally(tmp_path, config)
    assert "verify them with ca_file: /opt/prometheus/kubernetes/ca.crt" in fix and "serviceaccount/ca.crt" not in fix, fix
    # Discovery naming no CA file: the one the job verified the API server (the proxy) with.
    config = config.replace("      tls_config:\n        ca_file: /opt/prometheus/kubernetes/ca.crt\n", "").replace(
        "    tls_config:\n      ca_file: /opt/prometheus/kubernetes/ca.crt\n", "    tls_config:\n      ca_file: /opt/k8s/ca.pem\n")
    assert "/opt/prometheus/kubernetes/ca.crt" not in config and "/opt/k8s/ca.pem" in config
    fix, _after = _ks209_direct_fix_applied_literally(tmp_path / "job-ca", config)
    assert "verify them with ca_file: /opt/k8s/ca.pem" in fix and "serviceaccount/ca.crt" not in fix, fix


KUBELET_PROXY_MONITOR = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus-k8s, namespace: monitoring}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: prometheus-k8s}
rules:
  - apiGroups: [""]
    resources: ["nodes", "services", "endpoints", "pods"]
    verbs: ["get", "list", "watch"]
  - apiGroups: ["discovery.k8s.io"]
    resources: ["endpointslices"]
    verbs: ["list", "watch"]
  - apiGroups: [""]
    resources: ["nodes/proxy"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: prometheus-k8s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus-k8s}
subjects: [{kind: ServiceAccount, name: prometheus-k8s, namespace: monitoring}]
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec:
  serviceAccountName: prometheus-k8s
  serviceMonitorSelector: {}
  serviceMonitorNamespaceSelector: {}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: kubelet, namespace: monitoring}
spec:
  selector:
    matchLabels: {k8s-app: kubelet}
  namespaceSelector:
    matchNames: [kube-system]
  endpoints:
    - port: https-metrics
      scheme: https
      tlsConfig:
        caFile: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
      bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
      relabelings:
        - targetLabel: __address__
          replacement: kubernetes.default.svc:443
        - sourceLabels: [__meta_kubernetes_endpoint_address_target_name]
          regex: (.+)
          targetLabel: __metrics_path__
          replacement: /api/v1/nodes/${1}/proxy/metrics
"""


def test_ks209_fix_for_a_servicemonitor_is_written_in_the_operators_fields(tmp_path: Path) -> None:
    """A ServiceMonitor whose kubelet endpoint goes through the API-server proxy: the direct-scrape fix said to set
    `metrics_path` and `tls_config.insecure_skip_verify` (Prometheus keys, unknown fields of a ServiceMonitor that
    the API server drops or refuses). It names `path` and `tlsConfig.insecureSkipVerify`, replacing the endpoint's
    own tlsConfig; applied so (the proxy relabelings deleted, nodes/metrics granted), nothing is left of it."""
    (tmp_path / "all.yaml").write_text(KUBELET_PROXY_MONITOR)
    [finding] = lint_paths([str(tmp_path)], Options(select={"KS209"})).findings
    block = finding.fix.split(":\n", 1)[1].split("\nthen ", 1)[0]
    assert "replacing its own `tlsConfig`" in finding.fix and "metrics_path:" not in finding.fix, finding.fix
    assert block.splitlines()[:2] == ["  path: /metrics", "  tlsConfig:"], block
    text = KUBELET_PROXY_MONITOR[:KUBELET_PROXY_MONITOR.index("      relabelings:")]
    text = text.replace("      tlsConfig:\n        caFile: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n",
                        "\n".join("    " + line for line in block.splitlines()) + "\n")
    (tmp_path / "all.yaml").write_text(text.replace('resources: ["nodes/proxy"]', 'resources: ["nodes/metrics"]'))
    after = lint_paths([str(tmp_path)], Options()).findings
    assert not {f.rule for f in after} & (ACCESS | {"KS005", "KS201", "KS209", "KS301", "KS602"}), [(f.rule, f.message) for f in after]


@pytest.mark.parametrize("kind, name", [
    ("User", "system:serviceaccount:monitoring/prometheus"),
    ("User", "system:serviceaccounts:monitoring:prometheus"),
    ("Group", "system:serviceaccounts:monitoring:prometheus"),
    ("Group", "system:serviceaccount:monitoring/prometheus"),
    ("Group", "system:serviceaccount:monitoring:prometheus"),
])
def test_ks108_user_or_group_spelt_like_the_serviceaccounts_user_name(tmp_path: Path, kind: str, name: str) -> None:
    """A User subject with the scraper's user name misspelt matches no user (names compare exactly: kubernetes
    pkg/registry/rbac/validation appliesToUser), and no token is in a group named so: the binding is evidently
    meant for the scraper and grants nothing (SPEC KS108), not a missing binding (KS101/KS102). Named with
    neither the binding's nor the role's name (`scraper-binding`, `scraper`), so only the subject pairs them."""
    subject = f"{{kind: {kind}, apiGroup: rbac.authorization.k8s.io, name: '{name}'}}"
    binding = _binding("ClusterRoleBinding", "ClusterRole", "scraper", subject=subject).replace(
        "{name: prometheus}", "{name: scraper-binding}")
    setup = _setup(tmp_path, NODES_JOB, _cluster_role("scraper", NODES_RULES) + "---\n" + binding)
    denials = [f for f in _lint(setup) if f.rule in ACCESS]
    assert [f.rule for f in denials] == ["KS108"], [(f.rule, f.message) for f in denials]
    assert denials[0].fix.startswith("Change the subject in ClusterRoleBinding/scraper-binding to kind ServiceAccount, "
                                      "name prometheus, namespace monitoring, and delete its `apiGroup"), denials[0].fix
    (setup / "rbac.yaml").write_text(_cluster_role("scraper", NODES_RULES) + "---\n" + binding.replace(
        subject, "{kind: ServiceAccount, name: prometheus, namespace: monitoring}"))
    assert not [f for f in _lint(setup) if f.rule in ACCESS or f.rule == "KS501"]


def test_user_subject_with_the_serviceaccounts_exact_user_name_grants(tmp_path: Path) -> None:
    """`kind: User, name: system:serviceaccount:monitoring:prometheus` is the ServiceAccount (rbac appliesToUser
    compares the user name; serviceaccount.MakeUsername): no KS108, no denial."""
    subject = "{kind: User, apiGroup: rbac.authorization.k8s.io, name: 'system:serviceaccount:monitoring:prometheus'}"
    setup = _setup(tmp_path, NODES_JOB, _cluster_role("scraper", NODES_RULES) + "---\n"
                   + _binding("ClusterRoleBinding", "ClusterRole", "scraper", subject=subject))
    assert not [f for f in _lint(setup) if f.rule in ACCESS or f.rule == "KS501"]


VM_APISERVER = """\
apiVersion: operator.victoriametrics.com/v1beta1
kind: VMAgent
metadata: {name: cluster, namespace: monitoring}
spec:
  serviceAccountName: vmagent
  selectAllByDefault: true
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: vmagent, namespace: monitoring}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: vmagent}
rules:
  - nonResourceURLs: [/metrics]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: vmagent}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: vmagent}
subjects: [{kind: ServiceAccount, name: vmagent, namespace: monitoring}]
---
apiVersion: operator.victoriametrics.com/v1beta1
kind: VMScrapeConfig
metadata: {name: apiserver, namespace: monitoring}
spec:
  scheme: https
  path: /metrics
  staticConfigs:
    - targets: ["kubernetes.default.svc:443"]
  tlsConfig:
    caFile: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
---
apiVersion: operator.victoriametrics.com/v1beta1
kind: VMStaticScrape
metadata: {name: apiserver-static, namespace: monitoring}
spec:
  targetEndpoints:
    - targets: ["kubernetes.default.svc:443"]
      scheme: https
      path: /metrics
      tlsConfig:
        caFile: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
"""


def test_ks106_fix_for_vm_kinds_says_where_their_credentials_go(tmp_path: Path) -> None:
    # A VMScrapeConfig has no endpoints (its credentials are spec fields), a VMStaticScrape's sit in each
    # targetEndpoints item: "Add to the endpoint" named a place neither has. Applied where the fix now says, the
    # requests carry the token and KS106 goes.
    (tmp_path / "vm.yaml").write_text(VM_APISERVER)
    fixes = {f.object: f.fix for f in _lint(tmp_path) if f.rule == "KS106"}
    token = "bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token"
    assert fixes == {'job "scrapeConfig/monitoring/apiserver"': f"Add to the spec (its tlsConfig stays):\n  {token}",
                     'job "staticScrape/monitoring/apiserver-static/0"':
                         f"Add to the targetEndpoints item (its tlsConfig stays):\n  {token}"}, fixes
    fixed = VM_APISERVER.replace("  tlsConfig:\n    caFile", f"  {token}\n  tlsConfig:\n    caFile", 1)
    fixed = fixed.replace("      tlsConfig:\n", f"      {token}\n      tlsConfig:\n", 1)
    (tmp_path / "vm.yaml").write_text(fixed)
    assert not [f for f in _lint(tmp_path) if f.rule in ACCESS | {"KS106"}]


RN_JOBS = PODS_JOB + NODES_JOB


@pytest.mark.parametrize("rules, rule, wider", [
    # get nodes/metrics for the name "" only (allows no node) in one rule with nodes/proxy and secrets
    ('  - {apiGroups: [""], resources: [nodes, pods], verbs: [list, watch]}\n'
     '  - {apiGroups: [""], resources: [nodes/metrics, nodes/proxy, secrets], verbs: [get], resourceNames: [""]}\n',
     "KS102", {"KS201", "KS204"}),
    # list/watch pods for one name (denies the unnamed list) in one rule with secrets
    ('  - {apiGroups: [""], resources: [nodes], verbs: [list, watch]}\n'
     '  - {apiGroups: [""], resources: [nodes/metrics], verbs: [get]}\n'
     '  - {apiGroups: [""], resources: [pods, secrets], verbs: [list, watch], resourceNames: [app]}\n',
     "KS101", {"KS204"}),
])
def test_name_restricted_rule_is_not_unrestricted_when_it_grants_more(tmp_path: Path, rules: str, rule: str,
                                                                      wider: set) -> None:
    # "Or remove resourceNames from the rule that grants it" (KS102) and "Remove `resourceNames` from the rule …: it
    # then grants this" (KS101), applied to a rule naming other resources too, opened those for every object:
    # exec on every node (KS201), every Secret (KS204). The added rule is the fix; the removal is said not to be.
    _setup(tmp_path, RN_JOBS, _cluster_role("prometheus", rules) + "---\n" + _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    before = {f.rule for f in _lint(tmp_path)}
    [finding] = [f for f in _lint(tmp_path) if f.rule == rule]
    assert finding.fix.startswith("Add to ClusterRole prometheus"), finding.fix
    assert "(Not by removing resourceNames from the rule of ClusterRole/prometheus" in finding.fix
    # as the old fix said: resourceNames removed, the rule opens more
    text = (tmp_path / "rbac.yaml").read_text()
    (tmp_path / "rbac.yaml").write_text(re.sub(r", resourceNames: \[[^]]*\]", "", text))
    found = {f.rule for f in _lint(tmp_path)}
    assert rule not in found and wider <= found
    # as the fix says: its rule added beside
    added = "\n".join(finding.fix.splitlines()[1:4])
    (tmp_path / "rbac.yaml").write_text(text.replace("rules:\n", f"rules:\n{added}\n", 1))
    found = {f.rule for f in _lint(tmp_path)}
    assert rule not in found and found <= before | {"KS203"}, (found, before)


def test_name_restricted_rule_of_just_the_request_is_still_unrestricted(tmp_path: Path) -> None:
    rules = ('  - {apiGroups: [""], resources: [nodes, pods], verbs: [list, watch]}\n'
             '  - {apiGroups: [""], resources: [nodes/metrics], verbs: [get], resourceNames: [""]}\n')
    _setup(tmp_path, RN_JOBS, _cluster_role("prometheus", rules) + "---\n" + _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    [finding] = [f for f in _lint(tmp_path) if f.rule == "KS102"]
    # Removing the names comes first, as for KS101: the rule then serves the scrape. Added beside it, the rule the
    # fix used to put first left the named one granting nothing used (KS203) — probe handwritten7.
    assert finding.fix.startswith('Remove `resourceNames` from the rule of ClusterRole/prometheus ({apiGroups: [""], '
                                  'resources: [nodes/metrics], resourceNames: [""], verbs: [get]}): it then grants '
                                  'this for every target.\nOr:\nAdd to ClusterRole prometheus'), finding.fix
    text = (tmp_path / "rbac.yaml").read_text()
    (tmp_path / "rbac.yaml").write_text(text.replace(', resourceNames: [""]', ""))
    assert not {f.rule for f in _lint(tmp_path)} & {"KS102", "KS203"}


def test_ks107_own_namespace_needs_the_namespace_file_and_the_fix_projects_it(tmp_path: Path) -> None:
    """`own_namespace` makes in-cluster discovery read the pod's namespace file (Prometheus
    discovery/kubernetes/kubernetes.go: "could not determine the pod's namespace"). A hand-made projection with the
    token and the CA only lacks it: KS107 names the file, and its fix — a downwardAPI item at `namespace` —
    applied as written makes the finding go (probe handwritten6)."""
    src = Path(__file__).parent.parent / "fixtures/KS107/fail-own-namespace-projection-without-namespace"
    for name in ("prometheus.yaml", "rbac.yaml"):
        (tmp_path / name).write_text((src / name).read_text())
    [finding] = [f for f in _lint(tmp_path) if f.rule == "KS107"]
    assert "serviceaccount/namespace (discovery own_namespace)" in finding.message
    assert "downwardAPI item (path: namespace, fieldRef metadata.namespace)" in finding.fix
    manifest = tmp_path / "prometheus.yaml"
    text = manifest.read_text()
    anchor = "              - configMap: {name: kube-root-ca.crt, items: [{key: ca.crt, path: ca.crt}]}\n"
    assert anchor in text
    manifest.write_text(text.replace(anchor, anchor + "              - downwardAPI: {items: [{path: namespace, "
                                     "fieldRef: {fieldPath: metadata.namespace}}]}\n"))
    assert not [f for f in _lint(tmp_path) if f.rule in ("KS107", *ACCESS)]


def test_ks108_fix_names_the_misspelt_subject_of_a_binding_with_several(tmp_path: Path) -> None:
    # A RoleBinding for grafana and a misspelt prometheus: "change the subject" must say which of the two.
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS108" / "fail-subject-name-misspelt-binding-named-otherwise"
    text = (case / "all.yaml").read_text().replace(
        "  - {kind: ServiceAccount, name: promethues, namespace: monitoring}\n",
        "  - {kind: ServiceAccount, name: grafana, namespace: monitoring}\n"
        "  - {kind: ServiceAccount, name: promethues, namespace: monitoring}\n")
    (tmp_path / "all.yaml").write_text(text)
    (finding,) = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS108"]
    assert finding.fix == ("Change the subject ServiceAccount monitoring/promethues in ClusterRoleBinding/prometheus-kubelet "
                           "to kind ServiceAccount, name prometheus, namespace monitoring."), finding.fix
    (tmp_path / "all.yaml").write_text(text.replace("name: promethues,", "name: prometheus,"))
    assert [f.rule for f in lint_paths([str(tmp_path)], Options()).findings] == ["KS304"]


def test_ks105_role_binding_fix_does_not_count_what_a_role_binding_cannot_grant(tmp_path: Path) -> None:
    """Probe realworld18 (Grafana Agent with its ClusterRole bound per team namespace): a RoleBinding of the
    ClusterRole in the namespace the job lacks grants its pods there and none of its nodes or URLs, so those are not
    "also granted" — the fix is that RoleBinding, with no least-privilege detour around grants it does not make."""
    rules = ('  - apiGroups: [""]\n    resources: ["nodes", "pods"]\n    verbs: ["list", "watch"]\n'
             '  - nonResourceURLs: ["/metrics"]\n    verbs: ["get"]\n')
    job = PODS_JOB + "            namespaces:\n              names: [monitoring, shop]\n"
    setup = _setup(tmp_path, job, _cluster_role("agent", rules) + "---\n"
                   + _binding("RoleBinding", "ClusterRole", "agent", "monitoring"))
    [finding] = [f for f in _lint(setup) if f.rule == "KS105"]
    assert "namespace shop" in finding.message
    assert "also grant" not in finding.fix, finding.fix
    assert "RoleBinding in namespace shop" in finding.fix or "namespace: shop" in finding.fix, finding.fix


def _kube_prometheus_rbac(monitoring_role_ref: str, monitoring_role: bool = True) -> str:
    """kube-prometheus' naming: ClusterRole prometheus (nodes/metrics, /metrics) bound cluster-wide, and a Role
    prometheus in monitoring for discovery, bound by RoleBinding monitoring/prometheus with `monitoring_role_ref`."""
    role = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: prometheus, namespace: monitoring}\n"
            'rules:\n  - apiGroups: [""]\n    resources: ["services", "endpoints", "pods"]\n    verbs: ["list", "watch"]\n')
    cluster_role = _cluster_role("prometheus", '  - apiGroups: [""]\n    resources: ["nodes/metrics"]\n    verbs: ["get"]\n'
                                               '  - nonResourceURLs: ["/metrics"]\n    verbs: ["get"]\n')
    parts = [cluster_role, _binding("ClusterRoleBinding", "ClusterRole", "prometheus"),
             _binding("RoleBinding", monitoring_role_ref, "prometheus", "monitoring")]
    return "---\n".join(parts + ([role] if monitoring_role else []))


MONITORING_MONITOR = ("apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: app, namespace: monitoring}\n"
                      "spec:\n  selector: {matchLabels: {app: web}}\n  endpoints: [{port: web}]\n")


def test_ks105_role_ref_kind_cluster_role_beside_the_same_name_role(tmp_path: Path) -> None:
    """RoleBinding monitoring/prometheus refers to ClusterRole prometheus (kube-prometheus names it like the Roles)
    instead of Role monitoring/prometheus. The fix was "Add to ClusterRole prometheus (bound in namespace monitoring
    by RoleBinding prometheus)", which the ClusterRoleBinding would have granted cluster-wide; it is the roleRef
    kind, and applied, nothing is denied."""
    (tmp_path / "prometheus.yaml").write_text(operator_prometheus(deny_file_access=False))
    (tmp_path / "monitor.yaml").write_text(MONITORING_MONITOR)
    rbac = tmp_path / "rbac.yaml"
    rbac.write_text(_kube_prometheus_rbac("ClusterRole"))
    [finding] = [f for f in _lint(tmp_path) if f.rule in ACCESS]
    assert finding.fix == ("Set `roleRef.kind: Role` in RoleBinding monitoring/prometheus: it refers to ClusterRole "
                           "prometheus, which lacks this, while Role monitoring/prometheus of the same name grants it "
                           "(roleRef is immutable: delete and re-create the binding)."), finding.fix
    rbac.write_text(_kube_prometheus_rbac("Role"))
    assert not [f for f in _lint(tmp_path) if f.rule in ACCESS]


def test_ks105_fix_does_not_add_to_a_cluster_bound_cluster_role_as_if_namespaced(tmp_path: Path) -> None:
    """Without that Role, the ClusterRole the RoleBinding refers to is also the identity's cluster-wide role: a rule
    added to it holds cluster-wide, and the fix says so (with the least-privilege Role as the alternative) instead
    of calling it "bound in namespace monitoring"."""
    (tmp_path / "prometheus.yaml").write_text(operator_prometheus(deny_file_access=False))
    (tmp_path / "monitor.yaml").write_text(MONITORING_MONITOR)
    (tmp_path / "rbac.yaml").write_text(_kube_prometheus_rbac("ClusterRole", monitoring_role=False))
    [finding] = [f for f in _lint(tmp_path) if f.rule in ACCESS]
    assert finding.fix.startswith("Add to ClusterRole prometheus (bound by ClusterRoleBinding prometheus), or for least "
                                  "privilege create a Role in namespace monitoring"), finding.fix


def test_a_cluster_role_binding_to_a_role_of_the_cluster_role_s_name_is_corrected_not_duplicated(tmp_path: Path) -> None:
    """A ClusterRoleBinding with `roleRef.kind: Role` (KS501) beside the ClusterRole of that name: the access
    findings said "nothing binds it" and offered a second ClusterRoleBinding. The refused binding is the grant
    meant; its roleRef.kind is the fix, and applied it leaves no access error."""
    rules = ('  - apiGroups: [""]\n    resources: [nodes]\n    verbs: [list, watch]\n'
             '  - apiGroups: [""]\n    resources: [nodes/metrics]\n    verbs: [get]\n')
    path = _setup(tmp_path, NODES_JOB, _cluster_role("prometheus", rules) + "---\n"
                  + _binding("ClusterRoleBinding", "Role", "prometheus"))
    access = [f for f in _lint(path) if f.rule in ACCESS]
    assert {f.rule for f in access} == {"KS101", "KS102"}
    for finding in access:
        assert finding.fix.startswith("In ClusterRoleBinding/prometheus (KS501), set `roleRef.kind: ClusterRole`"), finding.fix
        assert "nothing binds it" not in finding.fix
        assert any("if its roleRef.kind said ClusterRole" in r.message for r in finding.related)
    rbac = path / "rbac.yaml"
    rbac.write_text(rbac.read_text().replace("kind: Role, name: prometheus", "kind: ClusterRole, name: prometheus"))
    assert not [f for f in _lint(path) if f.rule in ACCESS or f.rule == "KS501"]


def test_ks105_fix_where_the_namespace_s_role_binding_is_there_and_only_its_role_is_missing(tmp_path: Path) -> None:
    """kube-prometheus with Role kube-system/prometheus-k8s deleted and its RoleBinding kept (KS502): the fix copied
    "Role and RoleBinding" although the RoleBinding is there. The copy of the Role alone, applied, leaves no error."""
    import shutil

    base = Path(__file__).parent / "mutation" / "baselines" / "b33-kube-prometheus-operator"
    shutil.copytree(base, tmp_path / "setup")
    roles = tmp_path / "setup" / "role-kube-system.yaml"
    role_text, _sep, binding_text = roles.read_text().partition("---\n")
    roles.write_text(binding_text)
    fixes = {f.fix for f in _lint(tmp_path / "setup") if f.rule == "KS105"}
    assert fixes == {"Create in namespace kube-system a copy of Role default/prometheus-k8s: RoleBinding "
                     "kube-system/prometheus-k8s already binds it to monitoring/prometheus-k8s and grants nothing "
                     "until it exists (KS502)\nOr:\n" + fix.partition("\nOr:\n")[2] for fix in fixes}
    copy = (tmp_path / "setup" / "role-default.yaml").read_text().partition("---\n")[0]
    assert "kind: Role\n" in copy
    (tmp_path / "setup" / "copy.yaml").write_text(copy.replace("namespace: default", "namespace: kube-system"))
    assert not [f for f in _lint(tmp_path / "setup") if f.severity in ("error", "warning")]


def test_ks105_rebinding_in_the_needed_namespace_deletes_the_idle_rolebinding(tmp_path: Path) -> None:
    """A RoleBinding in monitoring holds the pod rule a job needs in apps: the fix said only "bind it with a
    RoleBinding in namespace apps", and applied, KS203 fired on the RoleBinding left in monitoring, which granted
    nothing any job uses. The fix now deletes it too; applied literally, nothing is left to report. A RoleBinding
    also used for a need in its own namespace is kept."""
    rules = '  - apiGroups: [""]\n    resources: ["pods"]\n    verbs: ["list", "watch"]\n'
    job = PODS_JOB + "            namespaces: {names: [apps]}\n"
    role = _cluster_role("prometheus", rules) + "---\n"
    setup = _setup(tmp_path, job, role + _binding("RoleBinding", "ClusterRole", "prometheus", "monitoring"))
    [finding] = [f for f in _lint(setup) if f.rule == "KS105"]
    assert finding.fix == (
        "Bind ClusterRole prometheus to ServiceAccount monitoring/prometheus with a RoleBinding in namespace apps (the "
        "RoleBinding prometheus grants only inside namespace monitoring). Then delete RoleBinding "
        "monitoring/prometheus: no job of monitoring/prometheus uses what it grants there.")
    (tmp_path / "rbac.yaml").write_text(role + _binding("RoleBinding", "ClusterRole", "prometheus", "apps"))
    assert [f"{f.rule} {f.message}" for f in _lint(setup) if f.severity in ("error", "warning")] == []
    own = job + "      - job_name: own-pods\n        kubernetes_sd_configs:\n          - role: pod\n" \
        "            namespaces: {names: [monitoring]}\n"
    setup = _setup(tmp_path, own, role + _binding("RoleBinding", "ClusterRole", "prometheus", "monitoring"))
    [finding] = [f for f in _lint(setup) if f.rule == "KS105"]
    assert "Then delete" not in finding.fix


@pytest.mark.parametrize("version, gate", [("1.31", False), ("1.32", True)])
def test_ks110_fix_offers_the_feature_gate_only_where_it_exists(version: str, gate: bool) -> None:
    """KubeletFineGrainedAuthz arrived as alpha in 1.32 (FACTS §1): on 1.31 a kubelet or API server started with
    `--feature-gates=KubeletFineGrainedAuthz=true` refuses the unknown gate and does not start, so the fix may offer
    the gate on 1.32 only; upgrading to 1.33 (on by default) is the way on older versions."""
    from kubelint_scrape.analyse import Assumptions

    case = Path(__file__).parent.parent / "fixtures" / "KS110" / "fail-kubelet-healthz-subpath-on-1.31"
    found = lint_paths([str(case)], Options(assumptions=Assumptions(kubernetes_version=version))).findings
    [finding] = [f for f in found if f.rule == "KS110"]
    assert finding.fix.startswith("Upgrade the cluster to 1.33+ ("), finding.fix
    assert ("enable the KubeletFineGrainedAuthz gate, alpha in 1.32" in finding.fix) is gate, finding.fix
    if not gate:
        assert f"Kubernetes {version} has no KubeletFineGrainedAuthz gate to enable" in finding.fix, finding.fix


@pytest.mark.parametrize("file, binding, subject, meant", [
    ("team-a.yaml", "RoleBinding/team-a/prometheus",
     "subjects:\n- kind: ServiceAccount\n  name: prometheus\n  namespace: team-a\n", "team-a"),
    ("team-b.yaml", "ClusterRoleBinding/payments-metrics-reader",
     "  name: payments-metrics-reader\nsubjects:\n- kind: ServiceAccount\n  name: prometheus\n  namespace: team-b\n",
     "team-b"),
])
def test_subject_of_another_team_s_scraper_gets_one_fix_that_applies(tmp_path: Path, file: str, binding: str,
                                                                      subject: str, meant: str) -> None:
    """The multi-tenant baseline (b37) with a binding's subject namespace copied from the other team: the subject is
    that team's real Prometheus, which uses nothing the binding grants, while this team's Prometheus is denied exactly
    that. The run said KS101/KS104 (bind the role again, to the right account) and KS203 (delete the rule): applied
    together in order, the rule the new binding relies on was gone, and the old binding still granted a stranger.
    Now one KS108 says to correct the subject's namespace; applied, nothing is left to report."""
    import shutil

    setup = tmp_path / "setup"
    shutil.copytree(Path(__file__).parent / "mutation" / "baselines" / "b37-multi-tenant-operator", setup)
    path = setup / file
    text = path.read_text()
    assert text.count(subject) == 1
    other = "team-b" if meant == "team-a" else "team-a"
    path.write_text(text.replace(subject, subject.replace(f"namespace: {meant}", f"namespace: {other}")))
    found = [f for f in _lint(setup) if f.severity in ("error", "warning")]
    assert [f.rule for f in found] == ["KS108"], [f"{f.rule} {f.message}" for f in found]
    assert found[0].fix == (f"Change the subject in {binding} to kind ServiceAccount, name prometheus, "
                            f"namespace {meant}.")
    path.write_text(text)  # the fix, applied: the subject's namespace back to the scraper's
    assert [f"{f.rule} {f.message}" for f in _lint(setup) if f.severity in ("error", "warning")] == []


def test_ks203_delete_of_a_role_s_rule_ks105_copies_says_to_copy_first(tmp_path: Path) -> None:
    """b37 with team-a's monitor pointed at namespace team-b: KS105 offers a copy of Role team-a/prometheus in team-b,
    and KS203 (reported first, on the Role) said only "Delete this rule": applied in that order, the copy had no rule
    and the job was still denied. The deletion now says it goes after the copy (the ClusterRole case's twin); copy
    first, then delete, and nothing is left to report."""
    import shutil

    setup = tmp_path / "setup"
    shutil.copytree(Path(__file__).parent / "mutation" / "baselines" / "b37-multi-tenant-operator", setup)
    path = setup / "team-a.yaml"
    text = path.read_text()
    endpoint = "  - port: http-metrics\n    path: /metrics\n"
    path.write_text(text.replace(endpoint, endpoint + "  namespaceSelector:\n    matchNames: [team-b]\n", 1))
    found = {f.rule: f for f in _lint(setup) if f.severity in ("error", "warning")}
    assert set(found) == {"KS105", "KS203"}
    # team-b has its own `prometheus` pair: a copy under that name would replace it (team-b's scraper losing its grants)
    assert found["KS105"].fix.partition("\nOr:\n")[0].endswith(
        "a copy of Role team-a/prometheus and of RoleBinding team-a/prometheus (one pair per monitored namespace); "
        "name both copies team-a-prometheus (and the copied RoleBinding's roleRef.name): namespace team-b already has "
        "Role prometheus and RoleBinding prometheus, which a copy under the same name would replace")
    assert found["KS203"].fix.endswith("if you follow KS105 by copying Role team-a/prometheus there instead, make the "
                                       "copy first (with this rule, which it relies on), then delete the rule here.")
    role_and_binding = text[text.index("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n"):text.index("---\napiVersion: apps/v1")]
    (setup / "copy.yaml").write_text(
        role_and_binding.replace("metadata:\n  name: prometheus\n  namespace: team-a\n",
                                 "metadata:\n  name: team-a-prometheus\n  namespace: team-b\n")
        .replace("  kind: Role\n  name: prometheus\n", "  kind: Role\n  name: team-a-prometheus\n"))
    rule = '- apiGroups: [""]\n  resources: [services, endpoints, pods]\n  verbs: [list, watch]\n'
    path.write_text(path.read_text().replace(rule, "", 1).replace("  namespace: team-a\nrules:\n", "  namespace: team-a\nrules: []\n", 1))
    assert [f"{f.rule} {f.message}" for f in _lint(setup) if f.severity in ("error", "warning")] == []


def test_ks105_fix_for_a_proxied_node_scrape_puts_the_direct_scrape_first(tmp_path: Path) -> None:
    # nodes/proxy held only through a RoleBinding: binding it cluster-wide makes the proxy scrape work and hands out
    # exec on every node (KS201), so the fix names the direct scrape first, as KS103's does for the same need.
    nodes = '  - apiGroups: [""]\n    resources: ["nodes"]\n    verbs: ["list", "watch"]\n'
    proxy = '  - apiGroups: [""]\n    resources: ["nodes/proxy"]\n    verbs: ["get"]\n'
    setup = _setup(tmp_path, PROXY_JOB, _cluster_role("prometheus", nodes) + "---\n"
                   + _binding("ClusterRoleBinding", "ClusterRole", "prometheus") + "---\n"
                   + _cluster_role("node-proxy", proxy) + "---\n"
                   + _binding("RoleBinding", "ClusterRole", "node-proxy", namespace="monitoring"))
    [finding] = [f for f in _lint(setup) if f.rule == "KS105"]
    assert finding.fix.startswith("Better (KS209): scrape the kubelets directly on :10250, which needs only get "
                                  "nodes/metrics. Or, keeping the proxy"), finding.fix
    assert "with a ClusterRoleBinding" in finding.fix, finding.fix


def test_ks301_fix_keeps_the_ca_of_a_service_account_token_secret(tmp_path: Path):
    """A ScrapeConfig verifying kubelets with the ca.crt of a service-account-token Secret (the cluster CA, which
    the token controller writes there) and skipping verification: KS301's fix deletes the skip rather than adding a
    second CA; applied on cluster-signed kubelets, neither KS301 nor KS304 remains."""
    root = Path(__file__).parent.parent / "fixtures" / "KS304" / "fail-scrapeconfig-kubelet-ca-from-token-secret"
    text = (root / "all.yaml").read_text()
    skipped = text.replace("        key: ca.crt\n", "        key: ca.crt\n    insecureSkipVerify: true\n", 1)
    assert skipped != text
    (tmp_path / "all.yaml").write_text(skipped)
    options = Options(assumptions=Assumptions(kubelet_serving_cert="cluster-ca"))
    ks301 = [f for f in lint_paths([str(tmp_path)], options).findings if f.rule == "KS301"]
    assert len(ks301) == 1
    assert "Delete `tlsConfig.insecureSkipVerify: true` (its `tlsConfig.ca` already names the cluster CA)" in ks301[0].fix
    (tmp_path / "all.yaml").write_text(text)  # the fix applied: the skip deleted, the CA kept
    assert [f.rule for f in lint_paths([str(tmp_path)], options).findings] == []


SWITCHED_BINDING = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: prometheus}
rules:
  - {apiGroups: [""], resources: [pods], verbs: [list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: prometheus
  namespace: monitoring
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus}
subjects: [SUBJECTS]
"""
PROMETHEUS_SA = "{kind: ServiceAccount, name: prometheus, namespace: monitoring}"


def test_ks105_fix_for_a_cluster_binding_written_as_a_rolebinding_switches_its_kind_first(tmp_path: Path) -> None:
    """A ClusterRole bound to the scraper alone by a RoleBinding (a ClusterRoleBinding someone turned into one): the
    one-line fix is its kind back, without metadata.namespace. Applied as written, nothing is left."""
    (tmp_path / "prometheus.yaml").write_text(DEPLOYMENT + PODS_JOB)
    (tmp_path / "rbac.yaml").write_text(SWITCHED_BINDING.replace("SUBJECTS", PROMETHEUS_SA))
    [finding] = [f for f in _lint(tmp_path) if f.rule == "KS105"]
    assert finding.fix.startswith("Make RoleBinding monitoring/prometheus the ClusterRoleBinding it needs to be: set "
                                  "`kind: ClusterRoleBinding` and delete its `metadata.namespace`"), finding.fix
    (tmp_path / "rbac.yaml").write_text(SWITCHED_BINDING.replace("SUBJECTS", PROMETHEUS_SA).replace(
        "kind: RoleBinding", "kind: ClusterRoleBinding").replace("  namespace: monitoring\n", ""))
    assert not [f for f in _lint(tmp_path) if f.severity in ("error", "warning")]


@pytest.mark.parametrize("extra", [", {kind: Group, name: 'system:serviceaccounts:monitoring'}",
                                   ", {kind: ServiceAccount, name: grafana, namespace: monitoring}"])
def test_ks105_fix_switches_no_binding_that_would_widen_another_subject(tmp_path: Path, extra: str) -> None:
    (tmp_path / "prometheus.yaml").write_text(DEPLOYMENT + PODS_JOB)
    (tmp_path / "rbac.yaml").write_text(SWITCHED_BINDING.replace("SUBJECTS", PROMETHEUS_SA + extra))
    [finding] = [f for f in _lint(tmp_path) if f.rule == "KS105"]
    assert finding.fix.startswith("Bind ClusterRole prometheus to ServiceAccount monitoring/prometheus with a "
                                  "ClusterRoleBinding"), finding.fix


TOKEN_SECRET_FIXTURE = Path(__file__).parent.parent / "fixtures" / "KS109" / "fail-token-secret-of-undefined-account"
PROMETHEUS_READS_METRICS = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: prometheus}
rules:
  - {apiGroups: [""], resources: [endpoints, pods, services], verbs: [list, watch]}
  - {nonResourceURLs: [/metrics], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: prometheus}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus}
subjects: [{kind: ServiceAccount, name: prometheus, namespace: monitoring}]
"""


def test_fixes_for_a_token_secret_of_an_undefined_account_agree_on_both_ways_out(tmp_path: Path) -> None:
    """The job sends the token of undefined monitoring/scraper; monitoring/prometheus holds get /metrics. KS109 offered
    "define scraper, or annotate the Secret with an existing account", while KS104 only granted scraper and KS203
    deleted prometheus's get /metrics — the very grant KS109's other way uses. Each now names that other way, and
    taking it (the annotation) leaves none of the three."""
    (tmp_path / "monitoring.yaml").write_text((TOKEN_SECRET_FIXTURE / "monitoring.yaml").read_text())
    (tmp_path / "rbac.yaml").write_text(PROMETHEUS_READS_METRICS)
    found = {f.rule: f for f in _lint(tmp_path) if f.rule in ("KS104", "KS109", "KS203")}
    assert set(found) == {"KS104", "KS109", "KS203"}
    assert "set the Secret's `kubernetes.io/service-account.name` annotation to prometheus" in found["KS109"].fix
    assert found["KS104"].fix.endswith("annotate the token Secret with ServiceAccount prometheus instead: "
                                       "monitoring/prometheus already holds this."), found["KS104"].fix
    assert "Or keep it if the token Secret of the undefined ServiceAccount monitoring/scraper is annotated with " \
           "prometheus instead" in found["KS203"].fix
    monitoring = tmp_path / "monitoring.yaml"
    monitoring.write_text(monitoring.read_text().replace("service-account.name: scraper", "service-account.name: prometheus"))
    assert not [f for f in _lint(tmp_path) if f.rule in ("KS104", "KS109", "KS203")]


def test_ks109_other_way_without_a_stand_in_moves_the_grants_with_the_account() -> None:
    [finding] = [f for f in _lint(TOKEN_SECRET_FIXTURE) if f.rule == "KS109"]
    assert finding.fix.endswith("and give that account, not monitoring/scraper, the grants the access findings of "
                                "this job name."), finding.fix


def test_moving_a_rolebinding_out_of_a_namespace_setting_build_says_to_write_it_outside(tmp_path: Path) -> None:
    """The RoleBinding of Role shop/pod-reader sits in a build whose kustomization sets `namespace: billing`: "set its
    metadata.namespace: shop" alone is overwritten by kustomize's namespace transformer. The fix says to write it
    outside that build; done so, no access or RBAC finding is left."""
    (tmp_path / "prometheus.yaml").write_text(DEPLOYMENT + """\
      - job_name: shop-pods
        kubernetes_sd_configs:
          - role: pod
            namespaces: {names: [shop]}
""")
    (tmp_path / "role.yaml").write_text(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: pod-reader, namespace: shop}\n"
        "rules:\n  - {apiGroups: [\"\"], resources: [pods], verbs: [list, watch]}\n")
    binding = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: prometheus-pods}\n"
               "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}\n"
               "subjects: [{kind: ServiceAccount, name: prometheus, namespace: monitoring}]\n")
    (tmp_path / "billing").mkdir()
    (tmp_path / "billing" / "binding.yaml").write_text(binding)
    (tmp_path / "billing" / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: billing\nresources: [binding.yaml]\n")
    found = {f.rule: f for f in _lint(tmp_path) if f.rule in ("KS101", "KS502")}
    assert set(found) == {"KS101", "KS502"}
    for finding in found.values():
        assert "set its `metadata.namespace: shop` (not in " in finding.fix, finding.fix
        assert "sets `namespace: billing` for the build that includes it" in finding.fix, finding.fix
    (tmp_path / "billing" / "binding.yaml").unlink()
    (tmp_path / "billing" / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: billing\nresources: []\n")
    (tmp_path / "binding.yaml").write_text(binding.replace("{name: prometheus-pods}", "{name: prometheus-pods, namespace: shop}"))
    assert not [f for f in _lint(tmp_path) if f.severity in ("error", "warning")]


def test_ks100_fix_for_a_workload_built_into_another_namespace_changes_the_build_s_namespace(tmp_path: Path) -> None:
    """The Deployment mounting the config is built by a kustomization with `namespace: apps`: "give it
    metadata.namespace: monitoring" is overwritten by that build. The fix names the build's namespace; changed, the
    config is loaded (no KS100)."""
    (tmp_path / "config.yaml").write_text(DEPLOYMENT.split("---\n")[-1] + PODS_JOB)
    (tmp_path / "app").mkdir()
    deployment = DEPLOYMENT.split("---\n")[1].replace("{name: prometheus, namespace: monitoring}", "{name: prometheus}")
    assert "namespace" not in deployment.split("spec:")[0]
    (tmp_path / "app" / "deployment.yaml").write_text(deployment)
    kustomization = tmp_path / "app" / "kustomization.yaml"
    kustomization.write_text("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: apps\n"
                             "resources: [deployment.yaml]\n")
    [finding] = [f for f in _lint(tmp_path) if f.rule == "KS100"]
    assert "`metadata.namespace: monitoring`" not in finding.fix, finding.fix
    assert f"{kustomization} sets namespace apps for the build that includes" in finding.fix, finding.fix
    kustomization.write_text(kustomization.read_text().replace("namespace: apps", "namespace: monitoring"))
    assert not [f for f in _lint(tmp_path) if f.rule == "KS100"]


def _case_copy(tmp_path: Path, rule: str, case: str) -> None:
    src = Path(__file__).parent.parent / "fixtures" / rule / case
    for file in src.glob("*.yaml"):
        (tmp_path / file.name).write_text(file.read_text())


def test_ks107_token_file_misspelt_in_a_secret_volume_fix_names_its_key(tmp_path: Path) -> None:
    """A credentials_file under a Secret volume's mount that the Secret does not hold is not in the container
    (prometheus/common: "unable to read authorization credentials" on every request). The fix names the key the
    volume does put beside it; applied, the finding goes and no access error appears (probe handwritten14)."""
    _case_copy(tmp_path, "KS107", "fail-token-file-misspelt-in-secret-volume")
    [finding] = [f for f in _lint(tmp_path) if f.rule == "KS107"]
    assert "/etc/prometheus/secrets/kubelet/tokne (scrape credentials)" in finding.message
    assert "Secret monitoring/prometheus-kubelet-token, mounted at /etc/prometheus/secrets/kubelet" in finding.message
    assert finding.fix == "Write /etc/prometheus/secrets/kubelet/token."
    manifest = tmp_path / "prometheus.yaml"
    manifest.write_text(manifest.read_text().replace("kubelet/tokne", "kubelet/token"))
    assert not [f for f in _lint(tmp_path) if f.rule in ("KS107", *ACCESS)]


def test_ks107_token_file_beside_the_config_fix_uses_the_service_account_token(tmp_path: Path) -> None:
    _case_copy(tmp_path, "KS107", "fail-credentials-file-not-in-mounted-configmap")
    [finding] = [f for f in _lint(tmp_path) if f.rule == "KS107"]
    assert "ConfigMap monitoring/prometheus-config, mounted at /etc/prometheus, does not hold" in finding.message
    assert "write /var/run/secrets/kubernetes.io/serviceaccount/token" in finding.fix
    manifest = tmp_path / "prometheus.yaml"
    manifest.write_text(manifest.read_text().replace("/etc/prometheus/kubelet-token",
                                                     "/var/run/secrets/kubernetes.io/serviceaccount/token"))
    assert not [f for f in _lint(tmp_path) if f.rule in ("KS107", *ACCESS)]


@pytest.mark.parametrize("case, fix, old, new", [
    ("fail-subpath-names-another-key",
     "Set `subPath: prometheus.yml` on the volumeMount {name: config, mountPath: /etc/prometheus/prometheus.yml, "
     "subPath: prometheus.yaml} of container prometheus of Deployment monitoring/prometheus, so that --config.file "
     "finds key prometheus.yml at /etc/prometheus/prometheus.yml.",
     "subPath: prometheus.yaml}", "subPath: prometheus.yml}"),
    ("fail-items-name-a-key-the-configmap-lacks",
     "In the items of volume config of Deployment monitoring/prometheus, make the entry for path prometheus.yml name "
     "key prometheus.yml instead of prometheus.yaml, which ConfigMap prometheus-config does not hold.",
     "{key: prometheus.yaml, path: prometheus.yml}", "{key: prometheus.yml, path: prometheus.yml}"),
    ("fail-items-leave-out-the-flagged-file",
     "Add `{key: prometheus.yml, path: prometheus.yml}` to the items of volume config of Deployment "
     "monitoring/prometheus, so that --config.file finds key prometheus.yml at /etc/prometheus/prometheus.yml.",
     "[{key: rules.yml, path: rules.yml}]",
     "[{key: rules.yml, path: rules.yml}, {key: prometheus.yml, path: prometheus.yml}]"),
])
def test_ks100_key_left_out_of_the_mount_fix_puts_it_where_the_flag_looks(tmp_path: Path, case: str, fix: str,
                                                                          old: str, new: str) -> None:
    """The config flag names a file inside the ConfigMap's mount that no key fills (a subPath or an items entry
    naming no key, or items leaving the config out): the fix is that mount change, not "lint it with the workload"
    (the workload is in the inputs). Applied, the identity resolves (probe handwritten14)."""
    _case_copy(tmp_path, "KS100", case)
    [finding] = [f for f in _lint(tmp_path) if f.rule == "KS100"]
    assert finding.fix == fix, finding.fix
    manifest = tmp_path / "prometheus.yaml"
    assert old in manifest.read_text()
    manifest.write_text(manifest.read_text().replace(old, new))
    assert not {f.rule for f in _lint(tmp_path)} & {"KS100", "KS107", *ACCESS}


@pytest.mark.parametrize("case", ["fail-user-subject-account-name-misspelt", "fail-user-subject-account-name-in-capitals"])
def test_ks108_user_subject_with_misspelt_account_name_fix_applied(tmp_path: Path, case: str) -> None:
    """A User subject spelled as the ServiceAccount's user name with the account name mistyped is evidently meant
    for the scraper (KS108, not a bare KS101 that adds a second binding); its fix, applied as written, grants the
    discovery (probe handwritten14)."""
    _case_copy(tmp_path, "KS108", case)
    [finding] = [f for f in _lint(tmp_path) if f.rule == "KS108"]
    assert finding.fix == ("Change the subject in RoleBinding/apps/p to kind ServiceAccount, name prometheus, namespace "
                           "monitoring, and delete its `apiGroup: rbac.authorization.k8s.io` (a ServiceAccount subject "
                           "takes none)."), finding.fix
    rbac = tmp_path / "rbac.yaml"
    text = rbac.read_text()
    subject = next(line for line in text.splitlines() if "kind: User" in line)
    rbac.write_text(text.replace(subject, "  - {kind: ServiceAccount, name: prometheus, namespace: monitoring}"))
    assert not [f for f in _lint(tmp_path) if f.rule in ACCESS or f.rule == "KS501"]


def test_ks105_for_a_missing_watch_adds_the_verb_and_ks203_keeps_it(tmp_path: Path) -> None:
    """Pods in payments and checkout: ClusterRole pod-reader (list, watch) is bound only in payments, while the Role
    bound in checkout grants get and list but not watch. KS105 proposed binding pod-reader in checkout too — a new
    object beside a Role that lacks one verb. The fix is that verb, in that rule; KS203's rewrite of the same rule
    (get is unused) keeps it. Both applied literally: nothing is denied, nothing unused is left."""
    rbac = (_cluster_role("pod-reader", '  - {apiGroups: [""], resources: [pods], verbs: [list, watch]}\n') + "---\n"
            + _binding("RoleBinding", "ClusterRole", "pod-reader", "payments") + "---\n"
            + _role_pair("checkout", "[get, list]"))
    setup = _setup(tmp_path, TWO_NAMESPACES_JOB, rbac)
    found = _lint(setup)
    [ks105] = [f for f in found if f.rule == "KS105"]
    assert ks105.fix == ("Add `watch` to the verbs of rules[0] of Role prometheus (bound in namespace checkout by "
                         "RoleBinding prometheus), which already grants get, list pods."), ks105.fix
    [ks203] = [f for f in found if f.rule == "KS203"]
    assert _snippet(ks203.fix) == [{"apiGroups": [""], "resources": ["pods"], "verbs": ["list", "watch"]}], ks203.fix
    text = (setup / "rbac.yaml").read_text()
    (setup / "rbac.yaml").write_text(text.replace('verbs: [get, list]', 'verbs: [get, list, watch]'))
    assert not [f for f in _lint(setup) if f.rule in ACCESS]
    (setup / "rbac.yaml").write_text(text.replace('verbs: [get, list]', 'verbs: ["list", "watch"]'))
    assert not [f for f in _lint(setup) if f.rule in ACCESS or f.rule == "KS203"]


def test_ks105_for_a_watch_held_through_a_rolebinding_adds_it_to_the_cluster_bound_rule(tmp_path: Path) -> None:
    """Cluster-wide pod discovery: list from a ClusterRoleBinding, watch only from a RoleBinding. The verb added to
    the cluster-bound rule, and the idle RoleBinding deleted as the fix says, leave nothing denied or unused."""
    rbac = (_cluster_role("pod-lister", '  - {apiGroups: [""], resources: [pods], verbs: [list]}\n') + "---\n"
            + _binding("ClusterRoleBinding", "ClusterRole", "pod-lister") + "---\n"
            + _cluster_role("pod-watcher", '  - {apiGroups: [""], resources: [pods], verbs: [watch]}\n') + "---\n"
            + _binding("RoleBinding", "ClusterRole", "pod-watcher", "monitoring"))
    setup = _setup(tmp_path, PODS_JOB, rbac)
    [ks105] = [f for f in _lint(setup) if f.rule == "KS105"]
    assert ks105.fix.startswith("Add `watch` to the verbs of rules[0] of ClusterRole pod-lister (bound to "
                                "monitoring/prometheus by ClusterRoleBinding prometheus), which already grants list "
                                "pods. Then delete RoleBinding monitoring/prometheus: "), ks105.fix
    docs = rbac.split("---\n")
    fixed = [docs[0].replace("verbs: [list]", "verbs: [list, watch]"), docs[1], docs[2]]
    (setup / "rbac.yaml").write_text("---\n".join(fixed))
    assert not [f for f in _lint(setup) if f.rule in ACCESS or f.rule == "KS203"]


def test_escalation_and_secrets_through_a_star_beside_a_resource_share_ks202s_edit(tmp_path: Path) -> None:
    """`resources: ["pods", "*"]`: pods/exec and secrets come from the `*`. KS205 said "Remove get pods/exec, get
    pods/attach from this rule", which names nothing written there, and KS204 "Remove \"*\"" with no values; both
    now give KS202's edit of the `*` (and KS205 points at the `*`, not at "pods"). Applied, every hazard goes and
    no access error appears."""
    rule = '  - apiGroups: [""]\n    resources: ["pods", "*"]\n    verbs: ["get", "list", "watch"]\n'
    setup = _setup(tmp_path, PODS_JOB, _cluster_role("prometheus", rule) + "---\n"
                   + _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    found = {f.rule: f for f in _lint(setup)}
    assert {"KS201", "KS202", "KS204", "KS205"} <= set(found), found
    star = 'resources: ["pods", "*"]'.index('"*"') + 5
    assert (found["KS205"].span.line, found["KS205"].span.column) == (6, star), found["KS205"].span
    assert found["KS205"].fix == found["KS202"].fix == found["KS204"].fix, (found["KS205"].fix, found["KS204"].fix)
    rules = _snippet(found["KS202"].fix)
    assert rules == [{"apiGroups": [""], "resources": ["pods"], "verbs": ["list", "watch"]}]
    assert _snippet(found["KS201"].fix) == rules, found["KS201"].fix
    (setup / "rbac.yaml").write_text(_cluster_role("prometheus", '  - apiGroups: [""]\n    resources: ["pods"]\n'
                                                   '    verbs: ["list", "watch"]\n') + "---\n"
                                     + _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    left = {f.rule for f in _lint(setup)}
    assert not left & (ACCESS | {"KS201", "KS202", "KS203", "KS204", "KS205"}), left


def test_ks201_without_get_on_a_star_beside_a_resource_rewrites_the_rule_as_ks202_does(tmp_path: Path) -> None:
    """`resources: ["pods", "*"]` with `create` (no get): KS201 said `Remove "*" from this rule (or its "create"
    verb)`, which leaves create pods (KS207) or list/watch of every core resource. It now writes the rule as its
    scrapers use it, the rules KS202's edit of the same `*` gives."""
    rule = '  - apiGroups: [""]\n    resources: ["pods", "*"]\n    verbs: ["list", "watch", "create"]\n'
    setup = _setup(tmp_path, PODS_JOB, _cluster_role("prometheus", rule) + "---\n"
                   + _binding("ClusterRoleBinding", "ClusterRole", "prometheus"))
    found = {f.rule: f for f in _lint(setup)}
    assert not found["KS201"].fix.startswith('Remove "*"'), found["KS201"].fix
    assert _snippet(found["KS201"].fix) == _snippet(found["KS202"].fix) == [
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["list", "watch"]}], found["KS201"].fix


def test_ks105_adds_no_verb_to_a_rule_that_also_names_secrets(tmp_path: Path) -> None:
    """The Role in checkout grants get, list on [pods, secrets]: `watch` added to that rule would watch every
    Secret too (KS204). KS105 keeps its other fix there."""
    rbac = (_cluster_role("pod-reader", '  - {apiGroups: [""], resources: [pods], verbs: [list, watch]}\n') + "---\n"
            + _binding("RoleBinding", "ClusterRole", "pod-reader", "payments") + "---\n"
            + _role_pair("checkout", "[get, list]").replace('resources: ["pods"]', 'resources: ["pods", "secrets"]'))
    setup = _setup(tmp_path, TWO_NAMESPACES_JOB, rbac)
    [ks105] = [f for f in _lint(setup) if f.rule == "KS105"]
    assert "to the verbs of" not in ks105.fix, ks105.fix


def test_ks107_client_cert_fix_names_the_tls_secret_key_not_the_ca_and_applied_clears_it(tmp_path: Path) -> None:
    """A `tls_config.cert_file` under a kubernetes.io/tls Secret's mount that names a key the Secret lacks: Prometheus
    cannot make the job's HTTP client (prometheus/common NewTLSRoundTripperWithContext → getTLSDataWithHash:
    "unable to read client cert"). The nearest spelling is the CA (`client.crt` ~ `ca.crt`), which the job already
    reads as its CA: the fix names `tls.crt`, the Secret's key for a certificate, and applied as written the
    finding goes with nothing new (probe handwritten19)."""
    src = Path(__file__).parent.parent / "fixtures/KS107/fail-client-cert-not-in-mounted-secret/prometheus.yaml"
    text = src.read_text()
    (tmp_path / "prometheus.yaml").write_text(text)
    [finding] = [f for f in _lint(tmp_path) if f.rule == "KS107"]
    assert "(tls_config.cert_file)" in finding.message and "unable to read client cert" in finding.message
    assert finding.fix == "Write /etc/prometheus/secrets/client/tls.crt.", finding.fix
    (tmp_path / "prometheus.yaml").write_text(text.replace("client/client.crt", "client/tls.crt"))
    assert _lint(tmp_path) == []


def test_ks107_ca_file_in_the_config_configmap_mount_fix_applied_clears_it(tmp_path: Path) -> None:
    """`tls_config.ca_file` under /etc/prometheus, the mount of the config's own ConfigMap, which lacks that key:
    the file does not exist and the job scrapes nothing ("unable to read CA cert"). The fix adds the key to the
    ConfigMap; applied, the finding goes (the job keeps verifying with its own CA: no KS304)."""
    src = Path(__file__).parent.parent / "fixtures/KS107/fail-ca-file-not-in-mounted-configmap"
    for name in ("config.yaml", "deploy.yaml", "rbac.yaml"):
        (tmp_path / name).write_text((src / name).read_text())
    [finding] = [f for f in _lint(tmp_path) if f.rule == "KS107"]
    assert finding.fix.startswith("Add key kubelet-ca.crt to ConfigMap prometheus-config"), finding.fix
    config = tmp_path / "config.yaml"
    config.write_text(config.read_text() + "  kubelet-ca.crt: |\n    -----BEGIN CERTIFICATE-----\n"
                                           "    MIIB\n    -----END CERTIFICATE-----\n")
    assert _lint(tmp_path) == []


def test_ks107_key_left_out_of_volume_items_fix_applied_clears_it(tmp_path: Path) -> None:
    """The ConfigMap holds the CA key, but the volume's `items` project only prometheus.yml: KS107 says the volume
    leaves it out (not that the ConfigMap lacks it) and its fix — the key added to the items — clears it."""
    src = Path(__file__).parent.parent / "fixtures/KS107/fail-ca-key-left-out-of-volume-items"
    for name in ("config.yaml", "deploy.yaml", "rbac.yaml"):
        (tmp_path / name).write_text((src / name).read_text())
    [finding] = [f for f in _lint(tmp_path) if f.rule == "KS107"]
    assert "holds key kubelet-ca.crt, but volume config" in finding.message, finding.message
    assert finding.fix.startswith("Add `{key: kubelet-ca.crt, path: kubelet-ca.crt}` to the items of volume config")
    deploy = tmp_path / "deploy.yaml"
    deploy.write_text(deploy.read_text().replace(
        "items: [{key: prometheus.yml, path: prometheus.yml}]",
        "items: [{key: prometheus.yml, path: prometheus.yml}, {key: kubelet-ca.crt, path: kubelet-ca.crt}]"))
    assert _lint(tmp_path) == []


def _ks107_copy(tmp_path: Path, fixture: str) -> list:
    src = Path(__file__).parent.parent / "fixtures/KS107" / fixture
    for path in src.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text())
    return [f for f in _lint(tmp_path) if f.rule == "KS107"]


def test_ks107_key_left_out_of_projected_secret_items_fix_applied_clears_it(tmp_path: Path) -> None:
    """A projected volume holds the config's ConfigMap and a Secret whose items leave ca.crt out: KS107 names the
    Secret (not the ConfigMap, which never had the key) and adding the key to its items clears it."""
    [finding] = _ks107_copy(tmp_path, "fail-ca-key-left-out-of-projected-secret-items")
    assert "Secret monitoring/certs holds key ca.crt, but volume all" in finding.message, finding.message
    assert finding.fix.startswith("Add `{key: ca.crt, path: ca.crt}` to the items of volume all for Secret certs")
    deploy = tmp_path / "deploy.yaml"
    deploy.write_text(deploy.read_text().replace("items: [{key: other, path: other}]",
                                                 "items: [{key: other, path: other}, {key: ca.crt, path: ca.crt}]"))
    assert [f for f in _lint(tmp_path) if f.rule == "KS107"] == []


def test_ks107_key_projected_under_another_path_fix_applied_clears_it(tmp_path: Path) -> None:
    """The Secret volume's items put ca.crt at ca.pem: the fix reads that file, and applied, KS107 is gone."""
    [finding] = _ks107_copy(tmp_path, "fail-ca-key-projected-under-another-path")
    assert finding.fix.startswith("Write /etc/prometheus/certs/ca.pem, where volume certs puts key ca.crt"), finding.fix
    config = tmp_path / "config.yaml"
    config.write_text(config.read_text().replace("ca_file: /etc/prometheus/certs/ca.crt",
                                                 "ca_file: /etc/prometheus/certs/ca.pem"))
    assert [f for f in _lint(tmp_path) if f.rule == "KS107"] == []
