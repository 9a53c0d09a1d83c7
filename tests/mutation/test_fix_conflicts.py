"""The fixes of one run must agree: a user applies them all together. Each case is a single-fault mutation of a
round's baseline (mutations14-17) whose findings used to prescribe conflicting repairs; the test reads the fix texts
and, where the fix is one edit, applies it literally and checks that the baseline's findings are all that is left."""

from __future__ import annotations

import textwrap
from pathlib import Path

from harness import added_findings, baseline_findings, load_mutations, mutated_copy

from kubelint_scrape.engine import Options, lint_paths


def _mutation(module: str, name: str) -> tuple:
    return next(m for m in load_mutations(module) if m[0] == name)


def _findings(module: str, name: str, tmp_path: Path) -> tuple[Path, list]:
    _name, baseline, edits, _expected = _mutation(module, name)
    root = mutated_copy(tmp_path, baseline, edits, name)
    return root, lint_paths([str(root)], Options()).findings


def _undo(module: str, name: str, root: Path) -> None:
    """Apply the one-edit fix the findings prescribe: it is the mutation reversed."""
    for file, old, new in _mutation(module, name)[2]:
        path = root / file
        path.write_text(path.read_text().replace(new, old, 1))


def test_monitor_path_typo_is_fixed_at_the_path(tmp_path):
    """/metric against a controller-runtime server whose scraper is granted /metrics: KS104 says the path (the
    server serves /metrics alone: 404 elsewhere), and no KS203 tells to delete the /metrics grant the fix needs."""
    root, found = _findings("mutations15", "monitor-path-typo", tmp_path)
    [ks104] = [f for f in found if f.rule == "KS104"]
    assert "does not serve" in ks104.message and "typo of /metrics" in ks104.message, ks104.message
    assert ks104.fix.startswith("Set `path: /metrics`"), ks104.fix
    assert "nonResourceURLs" not in ks104.fix, ks104.fix  # no grant of /metric: the server would still 404
    assert not [f for f in found if f.rule == "KS203"]
    _undo("mutations15", "monitor-path-typo", root)
    assert added_findings(root) == baseline_findings("b35-kubebuilder-name-prefix")


def test_role_url_typo_still_grants(tmp_path):
    """The other way round (the role grants /metric, the job asks /metrics, the served path): the job is right."""
    _root, found = _findings("mutations15", "reader-role-url-typo", tmp_path)
    [ks104] = [f for f in found if f.rule == "KS104"]
    assert "typo" not in ks104.message and "Set `path" not in ks104.fix, ks104


def test_rolebinding_in_wrong_namespace_is_moved_by_both_findings(tmp_path):
    """KS502 used to say "create the Role in monitoring" and KS101 "add a RoleBinding in team-a": together, an unused
    Role and a second binding. Both now move the binding; moved, the baseline's findings are all that is left."""
    root, found = _findings("mutations16", "rolebinding-wrong-namespace", tmp_path)
    [ks502] = [f for f in found if f.rule == "KS502"]
    [ks101] = [f for f in found if f.rule == "KS101"]
    move = "move RoleBinding/monitoring/prometheus to namespace team-a"
    assert ks502.fix.startswith("M" + move[1:]) and move in ks101.fix, (ks502.fix, ks101.fix)
    assert "Create Role" not in ks502.fix and "kind: RoleBinding" not in ks101.fix
    _undo("mutations16", "rolebinding-wrong-namespace", root)
    assert added_findings(root) == baseline_findings("b37-multi-tenant-operator")


def test_ks502_offers_kind_role_for_the_namespace_role(tmp_path):
    """roleRef kind ClusterRole where only a Role of that name exists in the binding's namespace: KS502 says
    `roleRef.kind: Role`, as KS101 does, not "create ClusterRole prometheus"."""
    root, found = _findings("mutations16", "rolebinding-roleref-clusterrole", tmp_path)
    [ks502] = [f for f in found if f.rule == "KS502"]
    [ks101] = [f for f in found if f.rule == "KS101"]
    assert ks502.fix.startswith("Set `roleRef.kind: Role`"), ks502.fix
    assert "`roleRef.kind: Role`" in ks101.fix, ks101.fix
    _undo("mutations16", "rolebinding-roleref-clusterrole", root)
    assert added_findings(root) == baseline_findings("b37-multi-tenant-operator")


def test_ks104_binds_the_reader_role_once(tmp_path):
    """The operator's reader ClusterRole, and no role of the scraper's to extend: the reader-role alternative and
    fix_text's "bind the existing role" were one ClusterRoleBinding under two names."""
    root, found = _findings("mutations16", "reader-binding-dropped", tmp_path)
    [ks104] = [f for f in found if f.rule == "KS104"]
    assert ks104.fix.count("kind: ClusterRoleBinding") == 1 and "\nOr:\n" not in ks104.fix, ks104.fix
    # applied as printed: the binding's YAML into a file of its own
    (root / "fix.yaml").write_text(textwrap.dedent(ks104.fix.split(":\n", 1)[1]))
    assert added_findings(root) == baseline_findings("b37-multi-tenant-operator")


def test_prometheus_scrape_of_kubelet_json_is_fixed_at_the_path(tmp_path):
    """A scrape class path set to the kubelet's /stats/summary (JSON): KS102 used to grant nodes/stats and KS203 to
    delete the nodes/metrics rule; together, a 200 no Prometheus parses and nothing scraped. The path is the fix
    and the nodes/metrics grant stays. (An OpenTelemetry kubeletstats receiver reads that JSON as meant: fixture
    KS102/fail-kubeletstats-receiver-without-nodes-stats keeps its plain KS102.)"""
    root, found = _findings("mutations14", "b34 sc-path-stats", tmp_path)
    [ks102] = [f for f in found if f.rule == "KS102"]
    # /metrics/resource, as KS310 names for a granted /stats scrape (the Summary API's usage in the Prometheus
    # format); mutation "b34 sc-path-resource" shows that path leaves the baseline's findings, as the undo below does.
    assert "answers JSON" in ks102.message and ks102.fix.startswith("Scrape /metrics/resource instead"), ks102
    assert not [f for f in found if f.rule == "KS203"]
    _undo("mutations14", "b34 sc-path-stats", root)
    assert added_findings(root) == baseline_findings("b34-agent-scrape-classes")


def test_rolebinding_of_another_namespaces_scraper_moved_back(tmp_path):
    """The same move for a scraper of another namespace (monitoring/prometheus discovering frontend, its RoleBinding
    of Role frontend/prometheus moved to default): KS105's fix was a second binding in frontend, KS502's a Role in
    default. Both now move the binding back."""
    name = "b32 frontend RoleBinding in default"
    root, found = _findings("mutations12", name, tmp_path)
    move = "move RoleBinding/default/prometheus to namespace frontend"
    assert [f for f in found if f.rule == "KS105"]
    assert all(move in f.fix for f in found if f.rule == "KS105"), [f.fix for f in found if f.rule == "KS105"]
    [ks502] = [f for f in found if f.rule == "KS502"]
    assert ks502.fix.startswith("M" + move[1:]), ks502.fix
    _undo("mutations12", name, root)
    assert added_findings(root) == baseline_findings("b32-two-namespaces-roles")


def test_binding_for_the_namespace_it_is_in_is_not_moved(tmp_path):
    """kube-prometheus' RoleBinding kube-system/prometheus-k8s whose Role is missing there: the scraper discovers
    kube-system, so the binding is where it belongs and the Role is what to create (not a move)."""
    _root, found = _findings("mutations13", "b33 no-role-kube-system", tmp_path)
    [ks502] = [f for f in found if f.rule == "KS502"]
    assert ks502.fix.startswith("Create Role prometheus-k8s in namespace kube-system"), ks502.fix


def test_path_one_edit_from_metrics_on_another_server(tmp_path):
    """An extension API server scraped at /metrics/ by a scraper granted /metrics: the path first, the grant of
    /metrics/ only as the alternative (its paths are not known as a controller-runtime server's are); no KS203."""
    name = "b12 monitor path /metrics/"
    root, found = _findings("mutations5", name, tmp_path)
    [ks104] = [f for f in found if f.rule == "KS104"]
    assert ks104.fix.startswith("Set `path: /metrics`") and "Only if the target really serves /metrics/" in ks104.fix
    assert "does not serve" not in ks104.message and not [f for f in found if f.rule == "KS203"]
    _undo("mutations5", name, root)
    assert added_findings(root) == baseline_findings("b12-adapter")


def test_grants_kept_for_a_monitor_the_namespace_label_brings_in(tmp_path):
    """The kubelet ServiceMonitor's Namespace lost the label the Prometheus selects monitor namespaces by: KS100 says
    to add it. KS203 used to say to delete the nodes/metrics rule and KS208 to trade the ClusterRoleBinding for
    RoleBindings in the remaining namespaces; applied with KS100's fix, the kubelet monitor was denied (KS102)."""
    root, found = _findings("mutations17", "monitoring-unlabelled", tmp_path)
    [ks100] = [f for f in found if f.rule == "KS100"]
    assert ks100.fix.startswith("Set `monitoring: enabled` in metadata.labels of Namespace monitoring"), ks100.fix
    assert not [f for f in found if f.rule in ("KS203", "KS208")]
    _undo("mutations17", "monitoring-unlabelled", root)
    assert added_findings(root) == baseline_findings("b38-platform-mixed")


def test_reader_grant_kept_for_dropping_metrics_secure_false(tmp_path):
    """--metrics-secure=false under an https monitor: KS309's first fix drops the flag, after which the server
    authorizes each scrape with get /metrics. KS203 used to say to delete that grant."""
    root, found = _findings("mutations17", "widget-metrics-secure-false", tmp_path)
    [ks309] = [f for f in found if f.rule == "KS309"]
    assert ks309.fix.startswith("Drop `--metrics-secure=false`"), ks309.fix
    assert not [f for f in found if f.rule == "KS203"]
    _undo("mutations17", "widget-metrics-secure-false", root)
    assert added_findings(root) == baseline_findings("b38-platform-mixed")


def test_url_wildcard_is_rewritten_not_deleted(tmp_path):
    """A reader role granting /metrics/*: KS505 rewrites the entry to /metrics; KS203 used to say to delete it."""
    root, found = _findings("mutations17", "reader-url-wildcard", tmp_path)
    [ks505] = [f for f in found if f.rule == "KS505"]
    assert ks505.fix.startswith("Replace '/metrics/*' with '/metrics'"), ks505.fix
    assert not [f for f in found if f.rule == "KS203"]
    _undo("mutations17", "reader-url-wildcard", root)
    assert added_findings(root) == baseline_findings("b38-platform-mixed")


def test_kubeletstats_read_only_port_fixed_at_the_receiver(tmp_path):
    """A kubeletstats receiver on http://…:10255 with auth_type serviceAccount: KS302 used to give a Prometheus job's
    fix (kubernetes_sd_configs, `authorization`, grant nodes/metrics — the receiver reads /stats/summary, which the
    kubelet checks as nodes/stats), KS303 to remove an `authorization` the receiver does not have, and KS203 to
    delete the nodes/stats rule the fixed receiver needs. Both now set the receiver's endpoint; applied, nothing is
    left."""
    root, found = _findings("mutations17", "otel-read-only-port", tmp_path)
    [ks302] = [f for f in found if f.rule == "KS302"]
    [ks303] = [f for f in found if f.rule == "KS303"]
    endpoint = "set `endpoint: https://${env:K8S_NODE_IP}:10250` on receiver kubeletstats"
    assert endpoint in ks302.fix and endpoint in ks303.fix, (ks302.fix, ks303.fix)
    assert "authorization" not in ks302.fix + ks303.fix and "nodes/metrics" not in ks302.fix, (ks302.fix, ks303.fix)
    assert "against its ca_file /etc/kubelet-ca/ca.crt" in ks302.fix, ks302.fix
    assert not [f for f in found if f.rule == "KS203"]
    _undo("mutations17", "otel-read-only-port", root)
    assert added_findings(root) == baseline_findings("b38-platform-mixed")
