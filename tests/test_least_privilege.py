"""KS2xx/KS4xx on the real-world corpus and the per-finding severity a check may request.

The corpus verdicts the issue asks for: the two API-server-proxy sources get KS201 + KS209 and the direct ones
do not; kube-prometheus's node-exporter (hostNetwork, hostPID, a kube-rbac-proxy whose ServiceAccount may only
create TokenReviews/SubjectAccessReviews) gets info, not warning.
"""

from __future__ import annotations

import json
import shlex
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kubelint_scrape.cli import main
from kubelint_scrape.engine import Options, lint_paths

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not found beside the checkout")


def findings(source: str, *args: str) -> list[dict]:
    cwd = os.getcwd()
    os.chdir(CORPUS)
    try:
        result = CliRunner().invoke(main, [source, "--format", "json", "--fail-on", "never", *args])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["findings"]


@needs_corpus
@pytest.mark.parametrize("source, proxied", [
    ("prometheus-2020-apiproxy", True), ("istio-2026-01-apiproxy", True), ("prometheus", False), ("istio", False),
])
def test_apiserver_proxy_sources_get_ks201_and_ks209(source: str, proxied: bool) -> None:
    # The 2020 example's RBAC is rbac.authorization.k8s.io/v1beta1: it grants (nodes/proxy) only on the clusters of
    # its time; from 1.22 the API server rejects it (KS501) and it grants nothing.
    era = ("--kubernetes-version", "1.21") if source.startswith("prometheus-2020") else ()
    rules = {f["rule"] for f in findings(source, "--select", "KS2", *era)}
    assert ({"KS201", "KS209"} <= rules) is proxied
    if not proxied:
        assert not rules & {"KS201", "KS209"}


@needs_corpus
def test_ks209_names_both_ways_and_sits_on_the_relabel_rule() -> None:
    (nodes, *_rest) = [f for f in findings("istio-2026-01-apiproxy", "--select", "KS209")]
    assert "get nodes/proxy" in nodes["message"] and "get nodes/metrics" in nodes["message"]
    assert "metrics_path: /metrics" in nodes["fix"] and "nodes/metrics" in nodes["fix"]
    lines = (CORPUS / nodes["path"]).read_text().splitlines()
    rule = "\n".join(lines[nodes["line"] - 1:nodes["line"] + 2])  # the relabel rule item that writes the path
    assert rule.lstrip().startswith("- ") and "replacement: /api/v1/nodes/$1/proxy/metrics" in rule


@needs_corpus
def test_kube_prometheus_node_exporter_host_network_is_info_host_pid_a_warning() -> None:
    # SPEC §4: KS401 is info for an exporter whose token holds no grants; KS402 has no such exception.
    exporter = [f for f in findings("kube-prometheus", "--select", "KS401,KS402")
                if f["path"].endswith("nodeExporter-daemonset.yaml")]
    assert {(f["rule"], f["severity"]) for f in exporter} == {("KS401", "info"), ("KS402", "warning")}


@needs_corpus
def test_unused_grants_name_each_permission_and_point_at_the_rule() -> None:
    unused = findings("prometheus", "--select", "KS203")
    text = (CORPUS / unused[0]["path"]).read_text().splitlines()
    for finding in unused:  # on a rule, or on the one item or verb of it that is unused (SPEC §5: smallest node)
        line = text[finding["line"] - 1]
        assert line.lstrip().startswith("- ") or "[" in line, line
    assert "get nodes" in {u for f in unused for u in f["data"]["unused"]}
    # /metrics/cadvisor as a nonResourceURL grants nothing (the kubelet checks nodes/metrics): KS508 says so, once
    assert "get /metrics/cadvisor" not in {u for f in unused for u in f["data"]["unused"]}
    assert [f["data"]["nonResourceURL"] for f in findings("prometheus", "--select", "KS508")] == ["/metrics/cadvisor"]
    # the defaults every ServiceAccount holds (system:discovery…) are never reported
    assert not any("/healthz" in u or "/version" in u for f in unused for u in f["data"]["unused"])


def test_requested_severity_is_kept_unless_the_user_overrides_it(tmp_path: Path) -> None:
    case = ROOT / "fixtures" / "KS401" / "fail-node-exporter-without-grants"
    default = lint_paths([str(case)], Options(select={"KS401"}))
    assert [f.severity for f in default.findings] == ["info"]
    overridden = lint_paths([str(case)], Options(select={"KS401"}, severity_overrides={"KS401": "error"}))
    assert [f.severity for f in overridden.findings] == ["error"]
    prometheus = lint_paths([str(ROOT / "fixtures" / "KS401" / "fail-prometheus-on-host-network")], Options(select={"KS401"}))
    assert [f.severity for f in prometheus.findings] == ["warning"]


FIXTURES = ROOT / "fixtures"


def fixture_findings(case: str, rule: str, case_args: bool = True) -> list[dict]:
    """The case's findings of `rule`, linted as test_fixtures lints it: with the options its `args` file gives
    (`case_args` False: with the default assumptions instead, for a test about those)."""
    args_file = FIXTURES / case / "args"
    args = shlex.split(args_file.read_text()) if case_args and args_file.exists() else []
    result = CliRunner().invoke(main, [str(FIXTURES / case), *args, "--format", "json", "--fail-on", "never",
                                       "--select", rule])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["findings"]


def test_ks203_on_a_role_shared_with_another_workload_keeps_its_rules() -> None:
    # The rules Prometheus does not use are kube-state-metrics's: deleting them would break it, so the fix moves the
    # scraper to a role of its own and out of the shared binding.
    found = fixture_findings("KS203/fail-role-shared-with-another-workload", "KS203")
    assert len(found) == 2
    for finding in found:
        assert "also bound to ServiceAccount monitoring/kube-state-metrics" in finding["message"]
        assert finding["fix"].startswith("Keep this rule of ClusterRole monitoring-read")
        assert "remove monitoring/prometheus from the subjects of ClusterRoleBinding monitoring-read" in finding["fix"]
        assert "Delete this rule" not in finding["fix"] and "Replace this rule" not in finding["fix"]


def test_ks201_fix_removes_nodes_proxy_when_the_rule_already_has_nodes_metrics() -> None:
    (finding,) = fixture_findings("KS201/fail-nodes-proxy-beside-nodes-metrics-aggregated", "KS201")
    assert finding["fix"] == ('Remove "nodes/proxy" from this rule of ClusterRole prometheus-nodes: it already grants '
                              '"nodes/metrics".')


@pytest.mark.parametrize("case", ["fail-nodes-proxy-for-one-node", "fail-star-verbs-on-nodes-proxy"])
def test_ks201_fix_adds_no_nodes_metrics_another_rule_already_grants(case: str) -> None:
    # Rule #2 of the role grants get nodes/metrics: the nodes/proxy rule goes, and no second nodes/metrics rule
    # (nor "drop the resourceNames") is written in its place.
    (finding,) = fixture_findings(f"KS201/{case}", "KS201")
    assert finding["fix"] == ("Delete this rule of ClusterRole prometheus: nodes/metrics is already granted by "
                              "ClusterRole prometheus rules[1], and its scrapers use nothing through it.")


def test_ks207_fix_leaves_the_rules_real_verbs() -> None:
    # Not a fixed "keep list and watch": "*" becomes what the scrapers use through the rule, and a rule of writes
    # only goes.
    fixes = [f["fix"] for f in fixture_findings("KS207/fail-write-only-rule-and-star-verbs", "KS207")]
    assert fixes == ['Replace "*" in the verbs of this rule with what its scrapers use through it: ["list", "watch"].',
                     "Delete this rule of ClusterRole prometheus: it grants nothing but writes, which a scraper never "
                     "makes."]


def test_hazard_fixes_on_a_role_shared_with_non_scrapers_move_the_scraper_out() -> None:
    # kube-state-metrics and Group sre are bound to the same rules (RBAC is additive per subject, FACTS §8): removing
    # nodes/proxy, secrets, a wildcard, a token-minting grant or write verbs from them would take those away from
    # the others too. Each hazard's fix, like KS203's, gives the scraper a role of its own first.
    found = fixture_findings("KS201/fail-role-shared-with-non-scrapers", "KS201,KS202,KS204,KS205,KS207")
    assert sorted(f["rule"] for f in found) == ["KS201", "KS202", "KS204", "KS205", "KS207"]
    for finding in found:
        assert ("also bound to ServiceAccount monitoring/kube-state-metrics (ClusterRoleBinding monitoring), "
                "Group sre (ClusterRoleBinding monitoring)") in finding["message"]
        assert finding["fix"].startswith("Keep this rule of ClusterRole monitoring for ServiceAccount "
                                         "monitoring/kube-state-metrics"), finding["fix"]
        assert "remove monitoring/prometheus from the subjects of ClusterRoleBinding monitoring;" in finding["fix"]
        assert "If none of them needs" in finding["fix"]  # the in-place edit, second


def test_ks206_fix_takes_only_the_scraper_out_of_a_binding_shared_with_a_group() -> None:
    (finding,) = fixture_findings("KS206/fail-cluster-admin-binding-shared-with-a-group", "KS206")
    assert finding["fix"].startswith("Remove monitoring/prometheus from the subjects of ClusterRoleBinding "
                                     "platform-admins, keeping Group platform-team")
    assert "Delete" not in finding["fix"]


def test_role_equal_to_cluster_admin_is_one_finding() -> None:
    # KS206 on the binding is the root cause; a KS202 per "*" would only add fixes that contradict it.
    found = fixture_findings("KS206/fail-cluster-admin-by-content-is-one-finding", "KS2")
    assert [f["rule"] for f in found] == ["KS206"]


def test_ks201_does_not_credit_a_legacy_proxy_job_with_using_get_nodes_proxy(tmp_path: Path) -> None:
    """/api/v1/proxy/nodes/<node>/… is authorized as the verb `proxy` on nodes (FACTS §2), not get nodes/proxy:
    KS201 must not say the job uses a grant that KS203 rightly calls unused (tests/mutation b4 legacy proxy path)."""
    baseline = Path(__file__).parent / "mutation" / "baselines" / "b4-proxy"
    for name in ("config.yaml", "deploy.yaml", "rbac.yaml"):
        text = (baseline / name).read_text()
        (tmp_path / name).write_text(text.replace("/api/v1/nodes/${1}/proxy/metrics/cadvisor",
                                                  "/api/v1/proxy/nodes/${1}/metrics/cadvisor"))
    found = {f.rule: f.message for f in lint_paths([str(tmp_path)], Options()).findings}
    assert "KS203" in found and "KS201" in found
    assert "uses it" not in found["KS201"] and "no job needs it" in found["KS201"], found["KS201"]


def test_ks202_fix_for_a_runner_of_an_unread_config_does_not_point_at_suggest_rbac() -> None:
    """A target allocator's (or Alloy's) jobs are not read (KS007), so `suggest-rbac` prints nothing for its
    ServiceAccount: KS202's fix names what uses the token and says the values come from its documentation."""
    case = ROOT / "fixtures" / "KS202" / "fail-target-allocator-runner-wildcard-verbs"
    result = lint_paths([str(case)], Options(select={"KS202"}))
    fixes = [f.fix for f in result.findings]
    assert len(fixes) == 2
    assert all("suggest-rbac` prints" not in fix and "target allocator configuration" in fix for fix in fixes), fixes


def _rolebindings_of_view(count: int) -> str:
    """A Prometheus in ns0 listing pods there, bound to the built-in `view` role by `count` RoleBindings."""

    head = """apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus, namespace: ns0}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus, namespace: ns0}
data:
  prometheus.yml: |
    scrape_configs:
      - job_name: pods
        kubernetes_sd_configs: [{role: pod, namespaces: {names: [ns0]}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: prometheus, namespace: ns0}
spec:
  selector: {matchLabels: {app: prometheus}}
  template:
    metadata: {labels: {app: prometheus}}
    spec:
      serviceAccountName: prometheus
      containers:
        - {name: prometheus, image: "prom/prometheus:v2.53.0", args: [--config.file=/etc/prometheus/prometheus.yml],
           volumeMounts: [{name: config, mountPath: /etc/prometheus}]}
      volumes: [{name: config, configMap: {name: prometheus}}]
"""
    return head + "".join(f"""---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: view-{i}, namespace: ns0}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}}
subjects: [{{kind: ServiceAccount, name: prometheus}}]
""" for i in range(count))


def test_many_bindings_of_one_role_stay_linear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of RoleBindings of one role to one scraper: KS203's finding per binding listed every binding as a
    related place (then kept three) and each scan of a holding's bindings compared the list so far — cubic (200
    bindings 2 s, 400 bindings 13 s). Counts the related entries built, not time: doubling the bindings doubles
    them. And each binding is its own finding (they all named the first binding, so the rest were dropped)."""
    from kubelint_scrape.checks import privilege

    calls = {"n": 0}
    original = privilege._role_ref_span

    def counting(binding):
        calls["n"] += 1
        return original(binding)

    monkeypatch.setattr(privilege, "_role_ref_span", counting)
    counts, reported = [], []
    for n in (40, 80):
        (tmp_path / f"{n}").mkdir()
        (tmp_path / f"{n}" / "all.yaml").write_text(_rolebindings_of_view(n))
        calls["n"] = 0
        result = lint_paths([str(tmp_path / f"{n}")], Options(select={"KS203"}))
        counts.append(calls["n"])
        reported.append(sorted(f.object for f in result.findings if f.rule == "KS203"))
    assert counts[1] <= 2.5 * counts[0], counts
    assert reported[1] == sorted(f"RoleBinding/ns0/view-{i}" for i in range(80)), reported[1][:5]


def test_a_role_bound_many_times_names_three_bindings_and_counts_the_rest(tmp_path: Path) -> None:
    """KS203 on a user role that 40 RoleBindings give the scraper: the message names the first three bindings and
    how many more, not forty names (one RoleBinding per namespace is how large clusters grant a scraper)."""
    reader = """---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules:
  - {apiGroups: [""], resources: [pods], verbs: [list, watch]}
  - {apiGroups: [""], resources: [configmaps], verbs: [get]}
"""
    text = _rolebindings_of_view(40).replace("name: view}", "name: reader}") + reader
    (tmp_path / "all.yaml").write_text(text)
    result = lint_paths([str(tmp_path)], Options(select={"KS203"}))
    messages = [f.message for f in result.findings if f.rule == "KS203" and "configmaps" in f.message]
    assert messages, [f.message for f in result.findings]
    assert "RoleBinding ns0/view-0, RoleBinding ns0/view-1, RoleBinding ns0/view-2 and 37 more" in messages[0], messages[0]
    assert "view-39" not in messages[0]


def test_rule_partly_needed_cluster_wide_through_a_rolebinding_is_kept_for_ks105s_rebinding() -> None:
    """KS105 says to bind the ClusterRole with a ClusterRoleBinding; KS203 must not meanwhile cut `nodes` out of the
    rule the jobs need cluster-wide (its `pods` half is used through the RoleBinding in its namespace)."""
    fixture = FIXTURES / "KS203" / "fail-clusterrole-bound-by-rolebinding-rule-needed-cluster-wide"
    result = lint_paths([str(fixture)], Options(select={"KS203"}))
    first = next(f for f in result.findings if "rules[0]" in f.message)
    assert first.fix.startswith("Keep this rule: job \"nodes\" needs it cluster-wide."), first.fix
    assert "ClusterRoleBinding (KS105)" in first.fix and "can go" in first.fix


def test_ks208_relates_each_job_once_with_every_namespace() -> None:
    # list and watch in team-a and team-b are one discovery of one job: one related location naming both
    # namespaces, not "list pods in namespace team-a" and "watch pods in namespace team-a".
    (finding,) = fixture_findings("KS208/fail-cluster-binding-for-two-namespaces", "KS208")
    assert [r["message"] for r in finding["related"]] == [
        'job "team-pods" needs list/watch pods in namespaces team-a, team-b']


def test_ks208_fix_drops_a_cluster_binding_a_rolebinding_already_covers() -> None:
    # The proposed RoleBinding metrics/prometheus would be a second copy of the existing one's grant, under its
    # name with another roleRef (immutable: apply fails); the ClusterRoleBinding, naming another account, loses
    # only the scraper's subject.
    (finding,) = fixture_findings("KS208/fail-cluster-binding-beside-rolebinding", "KS208")
    assert finding["fix"] == ("Remove monitoring/prometheus from the subjects of ClusterRoleBinding prometheus; "
                              "the RoleBindings keep granting everything the jobs use.")
    assert finding["data"]["already_granted"] == ["metrics"]


def test_ks208_fix_adds_rolebindings_only_where_none_grants_yet() -> None:
    (finding,) = fixture_findings("KS208/fail-cluster-binding-partly-beside-rolebinding", "KS208")
    assert "where none grants it yet (web):" in finding["fix"]
    assert "namespace: web" in finding["fix"] and "namespace: metrics" not in finding["fix"]


def test_ks208_fix_keeps_the_cluster_binding_for_its_other_subjects(tmp_path: Path) -> None:
    # The ClusterRoleBinding also binds ops/kube-state-reader: "replace it with RoleBindings" unbound that account
    # silently. The fix removes only the scraper's subject and adds its RoleBindings; applied, KS208 goes and the
    # scraper keeps every grant it uses.
    case = FIXTURES / "KS208" / "fail-cluster-binding-shared-with-another-account"
    (finding,) = fixture_findings("KS208/fail-cluster-binding-shared-with-another-account", "KS208")
    assert finding["fix"].startswith(
        "Remove monitoring/prometheus from the subjects of ClusterRoleBinding prometheus (it stays for ServiceAccount "
        "ops/kube-state-reader) and bind it with one RoleBinding per namespace instead:\n---\n"), finding["fix"]
    for file in case.glob("*.yaml"):
        (tmp_path / file.name).write_text(file.read_text())
    rbac = (tmp_path / "prometheus-rbac.yaml").read_text()
    scraper = "  - kind: ServiceAccount\n    name: prometheus\n    namespace: monitoring\n  # Another"
    assert rbac.count(scraper) == 1
    (tmp_path / "prometheus-rbac.yaml").write_text(rbac.replace(scraper, "  # Another") + finding["fix"].split(":\n", 1)[1] + "\n")
    after = lint_paths([str(tmp_path)], Options()).findings
    assert not [f for f in after if f.rule in {"KS101", "KS102", "KS105", "KS208", "KS006"} or f.severity == "error"], [
        (f.rule, f.message) for f in after]
    assert "name: kube-state-reader" in (tmp_path / "prometheus-rbac.yaml").read_text()


def test_ks203_rewrite_does_not_write_back_the_wildcard_ks202_reports() -> None:
    (finding,) = fixture_findings("KS203/fail-wildcard-group-rule-rewritten-concretely", "KS203")
    assert finding["fix"] == ('Replace this rule of ClusterRole service-reader with:\n'
                              '  - apiGroups: [""]\n    resources: ["services"]\n    verbs: ["list", "watch"]')


def test_ks202_fix_deletes_a_wildcard_rule_whose_uses_another_rule_grants() -> None:
    (finding,) = fixture_findings("KS202/fail-redundant-wildcard-rule-shared-by-two-scrapers", "KS202")
    assert finding["fix"] == ("Delete this rule of ClusterRole prometheus: what the scraper's jobs use through it "
                              "(list/watch pods) is granted by ClusterRole prometheus rules[0] too.")


WRITE_BESIDE_UNUSED_GET_RULES = """\
- apiGroups: [""]
  resources: [pods]
  verbs: [%s]
"""


@pytest.mark.parametrize("verbs, fix", [
    ("get, list, watch, patch", 'Remove "patch" from the verbs of this rule.'),
    ("list, watch, patch", 'Remove "patch" from the verbs of this rule, leaving ["list", "watch"].'),
])
def test_ks207_fix_does_not_keep_a_verb_ks203_drops(tmp_path: Path, verbs: str, fix: str) -> None:
    """KS203 and KS207 both report a `patch` no job uses; KS207's fix must not read as keeping the unused `get`
    KS203's fix drops from the same rule."""
    from manifests import cluster_scraper

    jobs = "- job_name: pods\n  kubernetes_sd_configs: [{role: pod}]\n"
    (tmp_path / "all.yaml").write_text(cluster_scraper(WRITE_BESIDE_UNUSED_GET_RULES % verbs, jobs))
    found = {f.rule: f for f in lint_paths([str(tmp_path)], Options()).findings}
    assert found["KS207"].fix == fix


VMAGENT_WITH_DELETE = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: vmagent, namespace: monitoring}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: vmagent}
rules:
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["list", "watch", "delete"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: vmagent}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: vmagent}
subjects: [{kind: ServiceAccount, name: vmagent, namespace: monitoring}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: vmagent-config, namespace: monitoring}
data:
  scrape.yml: |
    scrape_configs:
      - job_name: pods
        kubernetes_sd_configs:
          - role: pod
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: vmagent, namespace: monitoring}
spec:
  selector: {matchLabels: {app: vmagent}}
  template:
    metadata: {labels: {app: vmagent}}
    spec:
      serviceAccountName: vmagent
      containers:
        - name: vmagent
          image: victoriametrics/vmagent:v1.101.0
          args: ["-promscrape.config=/config/scrape.yml"]
          volumeMounts: [{name: config, mountPath: /config}]
      volumes: [{name: config, configMap: {name: vmagent-config}}]
"""


def test_ks207_names_the_scraper_program_that_runs_as_the_identity(tmp_path: Path) -> None:
    # The account is vmagent's: "Prometheus never writes" named a program that is not there.
    (tmp_path / "vmagent.yaml").write_text(VMAGENT_WITH_DELETE)
    (finding,) = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS207"]
    assert ": vmagent never writes to the Kubernetes API" in finding.message
    assert "Prometheus" not in finding.message


def test_unread_config_form_reads_binary_data_like_the_embedded_configs() -> None:
    """A ConfigMap's binaryData (base64) is a file its volume writes, read by embedded_configs (holder_value): the
    form KS007's grant wording names came from `data`/`stringData` only, so an Alloy config in binaryData was
    called a New Relic configurator input."""
    import base64

    from kubelint_scrape.build import RIVER_FORM, unread_config_form
    from kubelint_scrape.load import parse_source
    from kubelint_scrape.model import iter_documents, k8s_object

    river = 'discovery.kubernetes "pods" {\n  role = "pod"\n}\nprometheus.scrape "pods" {\n  targets = discovery.kubernetes.pods.targets\n}\n'
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: alloy, namespace: monitoring}\nbinaryData:\n"
            f"  config.alloy: {base64.b64encode(river.encode()).decode()}\n")
    (doc,) = [doc for _, doc in iter_documents(parse_source("cm.yaml", text))]
    assert unread_config_form(k8s_object("cm.yaml", doc, "default")) == RIVER_FORM


def test_a_rule_bound_to_thousands_of_scrapers_is_looked_up_by_identity() -> None:
    """A built-in role (`view`) bound to each team's scraper by a RoleBinding of its own: each identity's bindings of
    the rule come from an index of `via` made once, not from a pass over every scraper's (quadratic: 3,000 teams
    spent 72 s in Holding.bound_by). Counted: `via` is read once, however many identities ask; rebuilt when it grows."""
    from kubelint_scrape.grants import Holding
    from kubelint_scrape.rbac import Identity

    class Counted(list):
        passes = 0

        def __iter__(self):
            Counted.passes += 1
            return super().__iter__()

    bindings = [object() for _ in range(200)]
    identities = [Identity(f"team{i}", "prometheus") for i in range(200)]
    holding = Holding(role=None, rule=None, via=Counted((b, "role", i) for b, i in zip(bindings, identities)))
    holding.via.append((bindings[0], "again", identities[0]))  # a repeat: bound_by keeps the binding once
    assert [holding.bound_by(i) for i in identities[:3]] == [[(bindings[0], "role")], [(bindings[1], "role")], [(bindings[2], "role")]]
    assert all(holding.bindings_of(i) == [b] for b, i in zip(bindings, identities))
    assert holding.via_of(identities[0]) == [(bindings[0], "role"), (bindings[0], "again")]
    assert Counted.passes == 1
    holding.via.append((bindings[5], "role", identities[0]))
    assert holding.bindings_of(identities[0]) == [bindings[0], bindings[5]] and Counted.passes == 2


def test_ks203_keeps_endpoints_only_while_ks601_offers_role_endpoints(tmp_path) -> None:
    # On Prometheus 2.21.0 role endpointslice loads: no KS601, nothing asks for role endpoints, so the Endpoints
    # grant is unused again (the fixture's pass is not a blanket exemption).
    case = FIXTURES / "KS203" / "pass-endpoints-kept-for-role-endpoints-on-old-prometheus" / "prometheus.yaml"
    (tmp_path / "prometheus.yaml").write_text(case.read_text().replace("prom/prometheus:v2.20.1", "prom/prometheus:v2.21.0"))
    result = CliRunner().invoke(main, [str(tmp_path), "--format", "json", "--fail-on", "never"])
    found = json.loads(result.output)["findings"]
    assert [f["rule"] for f in found] == ["KS203"], found
    assert "list/watch endpoints" in found[0]["message"]


def test_ks208_fix_names_its_rolebinding_apart_from_one_already_there(tmp_path) -> None:
    # RoleBinding web/prometheus binds another Role: applying a RoleBinding web/prometheus referencing the ClusterRole
    # over it is refused (roleRef is immutable), so the proposed one gets a name of its own.
    case = FIXTURES / "KS208" / "fail-cluster-binding-partly-beside-rolebinding" / "all.yaml"
    (tmp_path / "all.yaml").write_text(case.read_text() + """---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: config-reader, namespace: web}
rules:
- {apiGroups: [""], resources: ["configmaps"], verbs: ["get"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: prometheus, namespace: web}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: config-reader}
subjects:
- {kind: ServiceAccount, name: prometheus, namespace: monitoring}
""")
    result = CliRunner().invoke(main, [str(tmp_path), "--format", "json", "--fail-on", "never", "--select", "KS208"])
    (finding,) = json.loads(result.output)["findings"]
    assert "  name: prometheus-prometheus\n  namespace: web\n" in finding["fix"], finding["fix"]


@pytest.mark.parametrize("case, grant", [
    # holds get nodes/metrics, not nodes/proxy: nothing to grant (the old fix asked to grant nodes/metrics "instead of
    # nodes/proxy", neither of which applied)
    ("KS209/fail-cadvisor-through-proxy-with-nodes-metrics",
     "then nothing more needs granting: monitoring/prometheus already holds get nodes/metrics "
     "(ClusterRoleBinding/prometheus -> ClusterRole/prometheus). "),
    # holds neither: grant nodes/metrics, with no nodes/proxy to replace
    ("KS103/fail-apiserver-proxy-cadvisor-nodes-only",
     'then grant {apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"]}. '),
    # holds nodes/proxy only: nodes/metrics replaces it
    ("KS201/fail-proxy-scrape-needs-it",
     'then grant {apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"]} instead of nodes/proxy. '),
])
def test_ks209_fix_asks_only_for_what_the_identity_lacks(case: str, grant: str) -> None:
    # Under the default kubelet-serving-cert (self-signed), where the fix goes on after the grant sentence; two of
    # the cases' own `args` declare cluster-ca, where it ends there (the same sentence, without the space after).
    (finding, *_rest) = fixture_findings(case, "KS209", case_args=False)
    assert grant in finding["fix"], finding["fix"]


def test_vmagent_reloader_secret_fixes_agree_and_keep_the_name(tmp_path: Path) -> None:
    # A Role granting get/list/watch on every Secret to a VMAgent whose config-reloader reads Secret vmagent-cluster:
    # KS204 said "remove secrets from this rule" (leaving `resources: []`), KS203 replaced it with get/watch on every
    # Secret (KS204 again). Both now write the reloader's named grant, and applied, it leaves neither.
    fixture = Path(__file__).parent.parent / "fixtures" / "KS203" / "pass-vmagent-config-reloader-reads-its-secret"
    named = (fixture / "vmagent.yaml").read_text()
    broad = named.replace("    resourceNames: [vmagent-cluster]\n    verbs: [get, watch]\n", "    verbs: [get, list, watch]\n")
    assert broad != named
    (tmp_path / "vmagent.yaml").write_text(broad)
    found = {f.rule: f.fix for f in lint_paths([str(tmp_path)], Options()).findings if f.rule in ("KS203", "KS204")}
    wanted = ('  - apiGroups: [""]\n    resources: ["secrets"]\n    resourceNames: ["vmagent-cluster"]\n'
              '    verbs: ["get", "watch"]')
    assert set(found) == {"KS203", "KS204"} and all(wanted in fix for fix in found.values()), found
    (tmp_path / "vmagent.yaml").write_text(named)
    assert [f.rule for f in lint_paths([str(tmp_path)], Options()).findings] == ["KS304"]


def _reader_bound_per_namespace(count: int) -> str:
    """A cluster-wide pod discovery whose scraper holds a user ClusterRole through one RoleBinding in each of
    `count` namespaces (the per-namespace pattern of large clusters; probe scale4's 5,000 bindings)."""
    head = """apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus, namespace: monitoring}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus, namespace: monitoring}
data:
  prometheus.yml: |
    scrape_configs:
      - job_name: pods
        kubernetes_sd_configs: [{role: pod}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: prometheus, namespace: monitoring}
spec:
  selector: {matchLabels: {app: prometheus}}
  template:
    metadata: {labels: {app: prometheus}}
    spec:
      serviceAccountName: prometheus
      containers:
        - {name: prometheus, image: "prom/prometheus:v2.53.0", args: [--config.file=/etc/prometheus/prometheus.yml],
           volumeMounts: [{name: config, mountPath: /etc/prometheus}]}
      volumes: [{name: config, configMap: {name: prometheus}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules:
  - {apiGroups: [""], resources: [pods], verbs: [get, list, watch]}
"""
    return head + "".join(f"""---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: reader, namespace: ns{i}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}}
subjects: [{{kind: ServiceAccount, name: prometheus, namespace: monitoring}}]
""" for i in range(count))


def test_rolebindings_of_one_role_across_namespaces_stay_linear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cluster-wide discovery granted only by RoleBindings of one ClusterRole in many namespaces: KS105's
    "limit the discovery to those namespaces" fix authorized the request again in each namespace (each over every
    binding), and KS203's idle-binding check looked for the role's used bindings among all bindings for each
    binding — both quadratic (2,000 bindings 13 s, 4,000 61 s and 0.5 GB). Counts rule matches and binding visits,
    not time: doubling the bindings at most doubles them. The findings stay: KS105 with the namespaces route."""
    from kubelint_scrape import rbac

    calls = {"rules": 0, "bindings": 0}
    original_allows, original_bindings = rbac.rule_allows, rbac.Authorizer.bindings

    def counting_allows(*args, **kwargs):
        calls["rules"] += 1
        return original_allows(*args, **kwargs)

    class Visits(list):
        def __iter__(self):
            for item in list.__iter__(self):
                calls["bindings"] += 1
                yield item

    monkeypatch.setattr(rbac, "rule_allows", counting_allows)
    monkeypatch.setattr(rbac.Authorizer, "bindings", lambda self, identity: Visits(original_bindings(self, identity)))
    counts, fixes = [], []
    for n in (40, 80):
        (tmp_path / f"{n}").mkdir()
        (tmp_path / f"{n}" / "all.yaml").write_text(_reader_bound_per_namespace(n))
        calls.update(rules=0, bindings=0)
        result = lint_paths([str(tmp_path / f"{n}")], Options())
        counts.append(dict(calls))
        fixes.append([f.fix for f in result.findings if f.rule == "KS105"])
    for key in ("rules", "bindings"):
        assert counts[1][key] <= 2.5 * counts[0][key], counts
    assert fixes[1] and "limit the discovery to where they apply" in fixes[1][0] and "ns79" in fixes[1][0], fixes[1]


def _prometheuses_sharing_a_role(count: int, monitors: int = 5) -> str:
    """`count` Operator Prometheus objects, each with its own account bound to one shared ClusterRole, all
    selecting the same ServiceMonitors."""
    docs = ["""apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: discovery}
rules:
  - {apiGroups: [""], resources: [pods, services, endpoints], verbs: [get, list, watch]}
"""]
    for p in range(count):
        docs.append(f"""apiVersion: v1
kind: ServiceAccount
metadata: {{name: p{p}, namespace: mon{p}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {{name: p{p}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: discovery}}
subjects: [{{kind: ServiceAccount, name: p{p}, namespace: mon{p}}}]
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {{name: p{p}, namespace: mon{p}}}
spec: {{serviceAccountName: p{p}, serviceMonitorSelector: {{}}, serviceMonitorNamespaceSelector: {{}}}}
""")
    docs += [f"""apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {{name: sm{i}, namespace: app{i}}}
spec:
  namespaceSelector: {{any: true}}
  selector: {{matchLabels: {{app: a{i}}}}}
  endpoints: [{{port: http}}]
""" for i in range(monitors)]
    return "---\n".join(docs)


def test_prometheuses_sharing_one_role_stay_linear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many Operator Prometheus objects bound to one ClusterRole: KS203 asked, for each identity, what every
    identity of the shared rule uses through it — quadratic in the Prometheus objects (80 of them × 100 monitors
    21.6 s → 2.8 s). Counts the per-identity use lookups, not time: doubling the Prometheus objects at most
    doubles them. The findings stay: KS203 names get as unused for each account."""
    from kubelint_scrape.checks import privilege

    calls = {"n": 0}
    original = privilege._State.used_by_rule

    def counting(self, identity):
        calls["n"] += 1
        return original(self, identity)

    monkeypatch.setattr(privilege._State, "used_by_rule", counting)
    counts, unused = [], []
    for n in (6, 12):
        (tmp_path / f"{n}").mkdir()
        (tmp_path / f"{n}" / "all.yaml").write_text(_prometheuses_sharing_a_role(n))
        calls["n"] = 0
        result = lint_paths([str(tmp_path / f"{n}")], Options(select={"KS203"}))
        counts.append(calls["n"])
        unused.append(sorted(f.data["identity"] for f in result.findings if f.rule == "KS203"))
    assert counts[1] <= 2.5 * counts[0], counts
    assert unused[1] == sorted(f"mon{p}/p{p}" for p in range(12)), unused[1]


def test_rancher_mirrored_prometheus_image_runs_a_scraper() -> None:
    # rancher-monitoring / RKE2 run rancher/mirrored-prometheus-prometheus (the upstream tag kept): a pod running it
    # is a scraper for the grant hazards as quay.io/prometheus/prometheus is, and messages call it Prometheus.
    from kubelint_scrape.grants import _PROGRAM_NAMES, _scraper_repository

    repository = _scraper_repository("docker.io/rancher/mirrored-prometheus-prometheus:v2.42.0")
    assert repository == "mirrored-prometheus-prometheus" and _PROGRAM_NAMES[repository] == "Prometheus"
    assert _scraper_repository("rancher/mirrored-prometheus-node-exporter:v1.3.1") is None


def test_ks209_fix_for_a_static_api_server_target_replaces_the_target(tmp_path: Path) -> None:
    # No relabel rule sets __address__: the API server is the static target. "Delete the relabel rules" left it,
    # and the direct path then asked the API server for /metrics/cadvisor. Applied as written, the fix lints clean.
    case = FIXTURES / "KS209" / "fail-static-proxy-target-names-one-node"
    (finding,) = fixture_findings("KS209/fail-static-proxy-target-names-one-node", "KS209")
    assert finding["fix"].startswith(
        "In static_configs, replace the API server target `kubernetes.default.svc:443` with worker-1's own address "
        "on the kubelet port (`<node IP>:10250`), and set in the job (keep its ServiceAccount token setting), "
        "replacing its own `metrics_path`, `tls_config`:\n"
        "  metrics_path: /metrics/cadvisor\n  tls_config:\n"), finding["fix"]
    text = (case / "manifests.yaml").read_text()
    applied = (text.replace('"kubernetes.default.svc:443"', '"10.0.0.11:10250"')
               .replace("/api/v1/nodes/worker-1/proxy/metrics/cadvisor", "/metrics/cadvisor")
               .replace("        ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n",
                        "        insecure_skip_verify: true  # kubelint-scrape: ignore[KS301] kubelets self-sign their "
                        "serving certificates\n")
               .replace('resources: ["nodes/proxy"]\n    resourceNames: ["worker-1"]', 'resources: ["nodes/metrics"]'))
    assert applied.count("10.0.0.11:10250") == 1 and 'resources: ["nodes/proxy"]' not in applied
    (tmp_path / "manifests.yaml").write_text(applied)
    assert [f.rule for f in lint_paths([str(tmp_path)], Options()).findings] == []


def test_ks201_does_not_credit_a_job_whose_named_proxy_node_the_grant_does_not_name() -> None:
    (finding,) = fixture_findings("KS103/fail-static-proxy-path-grant-names-another-node", "KS201")
    assert "no job needs it" in finding["message"] and "uses it" not in finding["message"], finding["message"]


def test_ks209_once_per_job_for_static_node_names_and_its_fix_gives_them_the_kubelet_port(tmp_path: Path) -> None:
    # Static node names relabelled into the proxy path: one finding (it was one per node, same place and fix), and
    # the fix, applied as written, leaves targets a kubelet answers on (without :10250 an https target is on 443).
    case = FIXTURES / "KS209" / "fail-static-node-names-relabelled-to-proxy"
    (finding,) = fixture_findings("KS209/fail-static-node-names-relabelled-to-proxy", "KS209")
    assert "(/api/v1/nodes/<node>/proxy/metrics)" in finding["message"], finding["message"]
    assert finding["fix"].startswith(
        "Delete the relabel rules that set __address__ to the API server and __metrics_path__ to the proxy path; "
        "write the static targets with the kubelet's port (`worker-1` → `worker-1:10250`, `worker-2` → "
        "`worker-2:10250`; a node name works as the address only where the scraper's DNS resolves node names, else "
        "write the node's InternalIP), and set in the job"), finding["fix"]
    text = (case / "manifests.yaml").read_text()
    start = text.index("      relabel_configs:\n")
    end = text.index("      replacement: kubernetes.default.svc:443\n") + len("      replacement: kubernetes.default.svc:443\n")
    applied = (text[:start] + text[end:]).replace("[worker-1, worker-2]", "[worker-1:10250, worker-2:10250]")
    applied = applied.replace(
        "        ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n",
        "        insecure_skip_verify: true  # kubelint-scrape: ignore[KS301] kubelets self-sign their serving certificates\n")
    applied = applied.replace("      scheme: https\n", "      scheme: https\n      metrics_path: /metrics\n", 1)
    applied = applied.replace('resources: ["nodes/proxy"]', 'resources: ["nodes/metrics"]')
    (tmp_path / "manifests.yaml").write_text(applied)
    assert [f.rule for f in lint_paths([str(tmp_path)], Options()).findings] == []


def test_ks209_static_node_ips_get_the_kubelet_port_without_the_node_name_caveat(tmp_path: Path) -> None:
    # Node IPs as static targets dial as written: only node names need DNS that resolves them.
    text = (FIXTURES / "KS209" / "fail-static-node-names-relabelled-to-proxy" / "manifests.yaml").read_text()
    (tmp_path / "manifests.yaml").write_text(text.replace("[worker-1, worker-2]", "[10.0.0.11, 10.0.0.12]"))
    (finding,) = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS209"]
    assert ("write the static targets with the kubelet's port (`10.0.0.11` → `10.0.0.11:10250`, `10.0.0.12` → "
            "`10.0.0.12:10250`), and set in the job") in finding.fix, finding.fix


def test_hazard_fix_for_a_grant_held_only_through_a_group_replaces_the_group() -> None:
    # The scraper is no subject of RoleBinding pod-janitor: Group system:serviceaccounts:monitoring brings it in.
    # "remove monitoring/prometheus from the subjects" would be an edit that changes nothing.
    [finding] = fixture_findings("KS207/fail-delete-through-namespace-serviceaccounts-group", "KS207")
    assert "remove monitoring/prometheus from the subjects" not in finding["fix"]
    assert ("replace Group system:serviceaccounts:monitoring in the subjects of RoleBinding monitoring/pod-janitor "
            "with the accounts that need it") in finding["fix"]


def test_ks208_fix_for_a_cluster_binding_reaching_the_scraper_through_a_group() -> None:
    [finding] = fixture_findings("KS206/fail-cluster-admin-to-system-authenticated", "KS208")
    assert finding["fix"].startswith("Replace Group system:authenticated in the subjects of ClusterRoleBinding "
                                     "everyone-admin with the accounts that need it")


def test_ks208_rolebinding_fix_for_a_group_bound_cluster_binding_does_not_keep_the_group() -> None:
    # The Group is what the fix replaces: saying it "stays" contradicted the first half of the fix.
    [finding] = fixture_findings("KS208/fail-cluster-binding-to-namespace-serviceaccounts-group", "KS208")
    assert finding["fix"].startswith("Replace Group system:serviceaccounts:monitoring in the subjects of "
                                     "ClusterRoleBinding monitoring-pod-reader with the accounts that need it")
    assert "it stays for" not in finding["fix"]
    assert "name: prometheus" in finding["fix"] and "namespace: shop" in finding["fix"]


@pytest.mark.parametrize("case", ["KS204/fail-watch-secrets-only", "KS204/fail-secrets-through-aggregated-clusterrole"])
def test_ks204_fix_deletes_a_rule_whose_only_resource_is_secrets(case: str) -> None:
    # 'Remove "secrets" from this rule' left `resources: []`: the API server refuses the whole role (KS501) and
    # the discovery it also granted stops (KS101).
    [finding] = fixture_findings(case, "KS204")
    assert finding["fix"].startswith("Delete this rule from ClusterRole ")
    assert 'Remove "secrets"' not in finding["fix"]


def test_ks205_fix_deletes_a_rule_that_grants_only_the_escalation() -> None:
    # 'Remove get pods/exec from this rule' on {resources: [pods/exec], verbs: [get]} read literally leaves an empty
    # list, which the API server refuses (KS501) with the role's discovery rule in it.
    [finding] = fixture_findings("KS205/fail-get-pods-exec-websocket", "KS205")
    assert finding["fix"].startswith("Delete this rule from Role monitoring/prometheus: it grants get pods/exec and "
                                     "nothing else")
    # Its other grant, escalate on clusterroles, is none through a RoleBinding (KS507): the rule goes whole, as
    # KS203 and KS507 say; "remove bind" left a dead escalate that KS507 still reported. (A rule that also grants
    # what is no escalation keeps the targeted wording: test_rbac_object_fixes, get roles beside escalate/bind.)
    [finding] = fixture_findings("KS205/fail-bind-clusterroles-in-a-role", "KS205")
    assert finding["fix"].startswith("Delete this rule from Role monitoring/prometheus: it grants bind "
                                     "rbac.authorization.k8s.io/clusterroles and nothing else")


def test_ks201_fix_deletes_a_rule_whose_only_resource_is_nodes_proxy() -> None:
    # {resources: [nodes/proxy], verbs: [create]}: 'Remove "nodes/proxy" from this rule' read literally leaves
    # `resources: []`, the role is refused (KS501) and the nodes/metrics rule beside it goes too (KS102).
    [finding] = fixture_findings("KS201/fail-create-nodes-proxy", "KS201")
    assert finding["fix"].startswith('Delete this rule of ClusterRole prometheus: "nodes/proxy" is all it grants')


def test_ks201_fix_keeps_what_a_star_rule_grants_the_jobs() -> None:
    # {resources: ["*"], verbs: [get, list, watch]} with always-allow kubelets: no job needs the nodes/proxy "*"
    # grants, but the rule also grants the list/watch nodes of discovery. 'Delete this rule: "*" is all it grants'
    # applied, discovery got 403 (KS102): the fix rewrites the rule as what the jobs use.
    case = FIXTURES / "KS201/fail-star-resources-always-allow-kubelet"
    result = CliRunner().invoke(main, [str(case), *(case / "args").read_text().split(), "--format", "json",
                                       "--fail-on", "never", "--select", "KS201"])
    assert result.exit_code == 0, result.output
    [finding] = json.loads(result.output)["findings"]
    assert not finding["fix"].startswith("Delete this rule")
    assert 'resources: ["nodes"]' in finding["fix"] and 'verbs: ["list", "watch"]' in finding["fix"]
    assert "nodes/proxy" not in finding["fix"].split(":\n", 1)[1]
