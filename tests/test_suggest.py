"""`suggest-rbac` closes the loop: replace an input set's RBAC with its output, lint again, and every job has what
it needs (no KS101–KS105/KS108/KS110 access finding) and nothing more (no KS203 unused grant).

Proved on every fixture whose snapshot shows an access finding or an unused grant, and on the corpus sources prometheus/, istio/ and
giantswarm-prometheus/. Also: the output is valid Kubernetes YAML, `--diff` names what to add and remove, and
nodes/proxy appears only with the comment that explains it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from kubelint_scrape.cli import main
from kubelint_scrape.load import walked_file
from manifests import prometheus_deployment

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus"
RBAC_KINDS = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}
ACCESS = {"KS101", "KS102", "KS103", "KS104", "KS105", "KS108", "KS110", "KS112"}  # KS112: the proxies jobs reach


def walked(path: Path) -> bool:
    """A file a directory walk reads (by name, or a golden file holding a manifest): the inputs named explicitly."""
    return path.is_file() and walked_file(str(path))


# Cases whose RBAC is more than the scrapers' grants, so that stripping all of it changes what the jobs need: the
# suggestion (the scrapers' grants alone) cannot close the loop there.
NOT_LOOPED = {
    # The widget operator's own metrics-auth ClusterRole (create tokenreviews/subjectaccessreviews) is what makes its
    # controller-runtime server one that reviews each scrape (ctrlruntime.servers); stripped, the server is a plain
    # one and the `get /metrics` the suggestion grants for it is unused (KS203). Kept, the loop closes.
    "KS203/pass-url-wildcard-kept-for-ks505-rewrite",
    # The kube-rbac-proxy's --config-file is not in its mounted ConfigMap: it exits at start (KS112), which no grant
    # fixes, so the loop cannot close on these two cases.
    "KS112/fail-proxy-config-file-not-in-mounted-configmap",
    "KS203/pass-proxy-review-grant-for-misnamed-config-file",
}


def access_fixtures() -> list[Path]:
    cases = []
    for case in sorted(FIXTURES.glob("KS*/*")):
        expected = case / "expected.txt"
        if f"{case.parent.name}/{case.name}" in NOT_LOOPED:
            continue
        if expected.exists() and any(f" {rule} [" in expected.read_text() for rule in ACCESS | {"KS203"}):
            cases.append(case)
    return cases


def _is_rbac(chunk: str) -> bool:
    try:
        doc = YAML(typ="safe").load(chunk)
    except Exception:
        return False
    return isinstance(doc, dict) and doc.get("kind") in RBAC_KINDS and str(doc.get("apiVersion", "")).startswith("rbac.authorization.k8s.io/")


def strip_rbac(text: str) -> str:
    """The stream without its Role/ClusterRole/RoleBinding/ClusterRoleBinding documents."""
    chunks = re.split(r"(?m)^---[ \t]*$\n?", text)
    return "---\n".join(chunk for chunk in chunks if not _is_rbac(chunk))


def copy_without_rbac(source: Path, target: Path) -> list[str]:
    """Copy the YAML inputs of `source` to `target` with their RBAC removed; the relative paths."""
    inputs = []
    for path in sorted(source.rglob("*")):
        if not walked(path):
            continue
        relative = path.relative_to(source)
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        (target / relative).write_text(strip_rbac(path.read_text(encoding="utf-8")), encoding="utf-8")
        inputs.append(str(relative))
    return inputs


def invoke(cwd: Path, *args: str):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(old)


def close_the_loop(source: Path, tmp_path: Path, extra: list[str]) -> tuple[str, list[dict]]:
    work = tmp_path / "inputs"
    work.mkdir()
    inputs = copy_without_rbac(source, work)
    suggested = invoke(source, "suggest-rbac", *[str(p.relative_to(source)) for p in sorted(source.rglob("*"))
                                                  if walked(p)], *extra)
    assert suggested.exit_code == 0, suggested.output + repr(suggested.exception)
    yaml_text = suggested.stdout
    list(YAML(typ="safe").load_all(yaml_text))  # valid YAML
    (work / "suggested-rbac.yaml").write_text(yaml_text, encoding="utf-8")
    result = invoke(work, "check", *inputs, "suggested-rbac.yaml", "--format", "json", "--fail-on", "never", *extra)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return yaml_text, json.loads(result.output)["findings"]


ASSUMPTION_OPTIONS = ("--kubernetes-version", "--kubelet-authn", "--kubelet-authz", "--kubelet-serving-cert",
                      "--default-namespace", "--identity")


def _case_args(case: Path) -> list[str]:
    """The case's assumption options (the ones both commands take); rule selection is not suggest-rbac's."""
    args = shlex.split((case / "args").read_text()) if (case / "args").exists() else []
    kept = []
    for option, value in zip(args[::2], args[1::2]):
        if option in ASSUMPTION_OPTIONS:
            kept += [option, value]
    return kept


@pytest.mark.parametrize("case", access_fixtures(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_suggestion_closes_the_loop_on_fixtures(case: Path, tmp_path: Path) -> None:
    yaml_text, findings = close_the_loop(case, tmp_path, _case_args(case))
    left = [f"{f['rule']} {f['message']}" for f in findings if f["rule"] in ACCESS | {"KS203"}]
    assert not left, yaml_text + "\n".join(left)


CORPUS_SOURCES = ["prometheus", "istio", "giantswarm-prometheus"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not found beside the checkout")
@pytest.mark.parametrize("name", CORPUS_SOURCES)
def test_suggestion_closes_the_loop_on_corpus(name: str, tmp_path: Path) -> None:
    yaml_text, findings = close_the_loop(CORPUS / name, tmp_path, [])
    left = [f"{f['path']}:{f['line']} {f['rule']} {f['message']}" for f in findings if f["rule"] in ACCESS | {"KS203"}]
    assert not left, yaml_text + "\n".join(left)
    if name == "giantswarm-prometheus":  # job kubernetes-cadvisor scrapes through the API-server proxy
        assert "# nodes/proxy only because job \"kubernetes-cadvisor\" scrapes through the API-server proxy" in yaml_text
    else:  # direct kubelet scrapes: nodes/metrics, never nodes/proxy
        assert "nodes/proxy" not in yaml_text and 'resources: ["nodes/metrics"]' in yaml_text


def test_the_loop_needs_the_suggestion(tmp_path: Path) -> None:
    """Guard against a vacuous loop: without the suggested RBAC the same inputs have access errors."""
    case = FIXTURES / "KS102" / "pass-nodes-metrics-granted"
    work = tmp_path / "inputs"
    work.mkdir()
    inputs = copy_without_rbac(case, work)
    result = invoke(work, "check", *inputs, "--format", "json", "--fail-on", "never")
    assert {f["rule"] for f in json.loads(result.output)["findings"]} & ACCESS


def test_suggestion_grants_nodes_metrics_list_watch_and_urls_with_comments() -> None:
    result = invoke(CORPUS if CORPUS.is_dir() else ROOT, "suggest-rbac", str(ROOT / "examples" / "quickstart"))
    assert result.exit_code == 0, result.output
    text = result.stdout
    docs = [d for d in YAML(typ="safe").load_all(text) if d]
    kinds = [d["kind"] for d in docs]
    assert kinds == ["ClusterRole", "ClusterRoleBinding"]
    rules = docs[0]["rules"]
    assert {"apiGroups": [""], "resources": ["nodes/metrics"], "verbs": ["get"]} in rules
    assert {"apiGroups": [""], "resources": ["nodes", "pods"], "verbs": ["list", "watch"]} in rules
    assert docs[1]["subjects"] == [{"kind": "ServiceAccount", "name": "prometheus", "namespace": "monitoring"}]
    assert '# nodes/metrics: job "kubernetes-nodes"' in text
    assert "nodes/proxy" not in text


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not found beside the checkout")
def test_proxy_scraping_gets_nodes_proxy_with_a_comment_saying_why() -> None:
    result = invoke(CORPUS, "suggest-rbac", "prometheus-2020-apiproxy")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert 'resources: ["nodes/proxy"]' in text
    assert "# nodes/proxy only because job \"kubernetes-nodes\" scrapes through the API-server proxy" in text
    assert "allows exec in every pod on every node" in text


def test_namespaced_discovery_gets_roles_per_namespace() -> None:
    case = FIXTURES / "KS105" / "fail-namespaces-names-role-missing"
    inputs = [str(p.relative_to(case)) for p in sorted(case.glob("*.yaml"))]
    result = invoke(case, "suggest-rbac", *inputs)
    assert result.exit_code == 0, result.output
    docs = [d for d in YAML(typ="safe").load_all(result.stdout) if d]
    roles = {(d["kind"], d["metadata"].get("namespace")) for d in docs}
    assert ("ClusterRole", None) not in roles
    assert {k for k, _ns in roles} == {"Role", "RoleBinding"}
    assert len({ns for _k, ns in roles}) >= 2


def test_proxy_rules_name_the_object_the_path_names() -> None:
    """The API server checks get services/proxy (pods/proxy) with the name the proxy path writes (FACTS §2): a
    rule only named paths need carries resourceNames; one a discovered path needs too must allow every name."""
    case = FIXTURES / "KS103" / "fail-named-service-proxy-and-discovered-pods-proxy"
    inputs = [str(p.relative_to(case)) for p in sorted(case.glob("*.yaml"))]
    result = invoke(case, "suggest-rbac", *inputs)
    assert result.exit_code == 0, result.output
    [role] = [d for d in YAML(typ="safe").load_all(result.stdout) if d and d["kind"] == "Role"]
    rules = role["rules"]
    assert {"apiGroups": [""], "resources": ["services/proxy"], "resourceNames": ["https:cart:8443"], "verbs": ["get"]} in rules
    assert {"apiGroups": [""], "resources": ["pods/proxy"], "verbs": ["get"]} in rules


def test_diff_names_additions_and_removals() -> None:
    result = invoke(ROOT, "suggest-rbac", "--diff", "examples/quickstart")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(line.startswith("# add") and "ClusterRole prometheus" in line for line in lines)
    assert '+    resources: ["nodes/metrics"]' in lines


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not found beside the checkout")
def test_diff_lists_unused_grants_to_remove() -> None:
    result = invoke(CORPUS, "suggest-rbac", "--diff", "prometheus")
    text = result.stdout
    assert "# remove from ClusterRole prometheus rules[2]" in text
    assert "- get /metrics/cadvisor" in text


def test_no_identity_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "prometheus.yml").write_text("scrape_configs:\n  - job_name: x\n    kubernetes_sd_configs:\n      - role: pod\n")
    result = invoke(tmp_path, "suggest-rbac", "prometheus.yml")
    assert result.exit_code == 1
    assert "nothing to suggest" in result.output
    with_identity = invoke(tmp_path, "suggest-rbac", "prometheus.yml", "--identity", "monitoring/prom")
    assert with_identity.exit_code == 0
    assert "namespace: monitoring" in with_identity.stdout


def test_strip_rbac_keeps_everything_else() -> None:
    text = "a: 1\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: x}\n---\nkind: ConfigMap\n"
    assert "Role" not in strip_rbac(text) and "ConfigMap" in strip_rbac(text)


# ---------------------------------------------------------------------------------------------- the configuration, as `check` reads it

KS110_CASE = FIXTURES / "KS110" / "fail-kubelet-pods-on-1.32"


def _project(tmp_path: Path, config: str) -> Path:
    """The KS110 case's config and workload (no RBAC) under deploy/, and a configuration file at the root."""
    shutil.copytree(KS110_CASE, tmp_path / "deploy", ignore=shutil.ignore_patterns("prometheus-rbac.yaml", "args", "*.txt"))
    (tmp_path / ".kubelint-scrape.yaml").write_text(config)
    return tmp_path


def test_suggest_reads_the_configured_paths_and_assumptions(tmp_path: Path) -> None:
    project = _project(tmp_path, "paths: [deploy]\n")
    default = invoke(project, "suggest-rbac")  # no path: the configured `paths`
    assert default.exit_code == 0, default.output
    assert "nodes/pods" in default.stdout and "nodes/proxy" not in default.stdout
    (project / ".kubelint-scrape.yaml").write_text("paths: [deploy]\nkubernetes-version: '1.32'\n")
    older = invoke(project, "suggest-rbac")  # the kubelet of 1.32 checks nodes/proxy for /pods
    assert older.exit_code == 0, older.output
    assert "nodes/proxy" in older.stdout
    assert "nodes/proxy" not in invoke(project, "suggest-rbac", "--kubernetes-version", "1.34").stdout  # flag wins


def test_suggest_reads_identities_exclude_and_default_namespace(tmp_path: Path) -> None:
    project = tmp_path
    (project / "prometheus.yml").write_text("scrape_configs:\n  - job_name: pods\n    kubernetes_sd_configs:\n      - role: pod\n")
    (project / "legacy").mkdir()
    (project / "legacy" / "prometheus.yml").write_text(
        "scrape_configs:\n  - job_name: old-endpoints\n    kubernetes_sd_configs:\n      - role: endpointslice\n")
    (project / ".kubelint-scrape.yaml").write_text(
        "paths: [.]\nexclude: [legacy/]\nidentities: {'prometheus.yml': monitoring/prom}\n")
    result = invoke(project, "suggest-rbac")
    assert result.exit_code == 0, result.output
    assert "name: prom\n    namespace: monitoring" in result.stdout
    assert 'job "pods"' in result.stdout and "old-endpoints" not in result.stdout and "endpointslices" not in result.stdout
    # an identity without a namespace of its own sits in default-namespace, as `check` places it
    (project / "sa.yaml").write_text("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: scraper\n")
    (project / ".kubelint-scrape.yaml").write_text("paths: [.]\nexclude: [legacy/]\ndefault-namespace: observability\n")
    placed = invoke(project, "suggest-rbac")
    assert placed.exit_code == 0, placed.output
    assert "name: scraper\n    namespace: observability" in placed.stdout


def test_suggest_sees_the_identity_check_sees(tmp_path: Path) -> None:
    (tmp_path / "prometheus.yml").write_text("scrape_configs:\n  - job_name: pods\n    kubernetes_sd_configs:\n      - role: pod\n")
    (tmp_path / "ci.yaml").write_text("identities: {'*.yml': ops/scraper}\n")
    jobs = json.loads(invoke(tmp_path, "check", "prometheus.yml", "--config", "ci.yaml", "--format", "json").stdout)["jobs"]
    assert [job["identity"] for job in jobs] == ["ops/scraper"]
    suggested = invoke(tmp_path, "suggest-rbac", "prometheus.yml", "--config", "ci.yaml")
    assert suggested.exit_code == 0 and "name: scraper\n    namespace: ops" in suggested.stdout


@pytest.mark.parametrize("config, args, message", [
    ("fail-on: always\n", [], "invalid configuration"),
    ("select: [KS999]\n", [], "invalid configuration"),
    ("", ["--config", "missing.yaml"], "configuration file not found"),
    ("", ["--identity", "ns/na me"], "Invalid value for '--identity'"),
    ("", ["--default-namespace", "Bad NS"], "Invalid value for '--default-namespace'"),
    ("", ["--kubernetes-version", "134"], "--kubernetes-version"),
    ("", ["--max-file-size", "0"], "--max-file-size"),
])
def test_suggest_refuses_what_check_refuses(config, args, message, tmp_path: Path) -> None:
    project = _project(tmp_path, config)
    for command in ("check", "suggest-rbac"):
        result = invoke(project, command, "deploy", *args)
        assert result.exit_code == 2 and message in result.output, (command, result.output)


def test_suggest_without_paths_or_configuration_reads_the_current_directory(tmp_path: Path) -> None:
    shutil.copytree(KS110_CASE, tmp_path / "deploy", ignore=shutil.ignore_patterns("prometheus-rbac.yaml", "args", "*.txt"))
    result = invoke(tmp_path / "deploy", "suggest-rbac")
    assert result.exit_code == 0 and "kind: ClusterRole" in result.output, result.output



SAME_NAME_ELSEWHERE = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus, namespace: monitoring}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus, namespace: legacy}
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
---
""" + prometheus_deployment('prometheus-config', tag='v3.5.0')


def test_fix_and_suggestion_name_the_same_role_when_another_namespace_has_the_account_name(tmp_path: Path) -> None:
    """ServiceAccount legacy/prometheus runs no scrape job, yet it makes the fixes name the new role
    `monitoring-prometheus-scrape` (fixes.scrape_role_name); suggest-rbac, which the fix says prints that role
    whole, must print the same name, not `prometheus-scrape`."""
    (tmp_path / "all.yaml").write_text(SAME_NAME_ELSEWHERE)
    report = json.loads(invoke(tmp_path, "check", "all.yaml", "--format", "json", "--fail-on", "never").stdout)
    fix = next(f["fix"] for f in report["findings"] if f["rule"] == "KS101")
    assert fix.startswith("Create ClusterRole monitoring-prometheus-scrape "), fix
    suggested = invoke(tmp_path, "suggest-rbac", "all.yaml")
    assert suggested.exit_code == 0, suggested.output
    names = {d["metadata"]["name"] for d in YAML(typ="safe").load_all(suggested.stdout) if d}
    assert names == {"monitoring-prometheus-scrape"}, suggested.stdout


def test_suggestion_says_which_objects_of_the_inputs_it_replaces(tmp_path: Path) -> None:
    """An earlier suggest-rbac output committed beside the manifests, then a job added: the new output reuses the
    names (it is the whole RBAC of the identity) and says it replaces the role it changes rather than silently
    redefining it (KS006 once both are applied as files)."""
    earlier = SAME_NAME_ELSEWHERE.replace("metadata: {name: prometheus, namespace: legacy}",
                                          "metadata: {name: grafana, namespace: legacy}")
    (tmp_path / "all.yaml").write_text(earlier)
    first = invoke(tmp_path, "suggest-rbac", "all.yaml")
    assert first.exit_code == 0 and "replaces" not in first.stdout, first.output
    (tmp_path / "rbac.yaml").write_text(first.stdout)
    (tmp_path / "all.yaml").write_text(earlier.replace("          - role: pod\n", "          - role: pod\n"
                                                       "      - job_name: services\n        kubernetes_sd_configs:\n"
                                                       "          - role: service\n"))
    again = invoke(tmp_path, "suggest-rbac", "all.yaml", "rbac.yaml")
    assert again.exit_code == 0, again.output
    assert "# replaces the ClusterRole prometheus-scrape defined in rbac.yaml: apply this in its place" in again.stdout
    assert "replaces the ClusterRoleBinding" not in again.stdout  # the same binding as before: nothing to say
    assert 'resources: ["pods", "services"]' in again.stdout


@pytest.mark.parametrize("diff", [False, True])
def test_names_with_line_breaks_stay_inside_their_comments(diff: bool, tmp_path: Path) -> None:
    """A double-quoted job name may hold a line break: written raw into a `# …` comment, it began a line of YAML
    of its own (here `kind: Secret`), and suggest-rbac crashed reading its own output back."""
    quickstart = ROOT / "examples" / "quickstart"
    for path in quickstart.iterdir():
        text = path.read_text(encoding="utf-8").replace("- job_name: kubernetes-nodes", '- job_name: "nodes\\nkind: Secret"')
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    result = invoke(tmp_path, "suggest-rbac", *(["--diff"] if diff else []), ".")
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert 'job "nodes\\nkind: Secret"' in result.stdout
    assert not [line for line in result.stdout.splitlines() if line.lstrip("+ ").startswith("kind: Secret")]
    if not diff:
        list(YAML(typ="safe").load_all(result.stdout))


@pytest.mark.parametrize("account", ["123", "true", "1e3"])
def test_names_yaml_would_read_as_numbers_or_booleans_are_quoted(account: str, tmp_path: Path) -> None:
    """`123` is a valid ServiceAccount name; written plain (`name: 123`) it was a number, and kubectl refused the
    suggested binding (cannot unmarshal number into Go struct field Subject.subjects.name of type string)."""
    quickstart = ROOT / "examples" / "quickstart"
    for path in quickstart.iterdir():
        text = path.read_text(encoding="utf-8").replace("serviceAccountName: prometheus", f'serviceAccountName: "{account}"')
        (tmp_path / path.name).write_text(text.replace("name: prometheus\n", f'name: "{account}"\n'), encoding="utf-8")
    result = invoke(tmp_path, "suggest-rbac", ".")
    assert result.exit_code == 0, result.output + repr(result.exception)
    documents = [d for d in YAML(typ="safe").load_all(result.stdout) if d]
    subjects = [s for d in documents for s in d.get("subjects", [])]
    assert subjects and all(s["name"] == account for s in subjects)
    assert all(isinstance(d["metadata"]["name"], str) for d in documents)


def test_yaml_scalar_quotes_only_what_would_not_read_back_as_the_string() -> None:
    from kubelint_scrape.fixes import yaml_scalar

    assert [yaml_scalar(v) for v in ("prometheus", "kube-system", "a.b", "yes", "007", "")] == \
        ["prometheus", "kube-system", "a.b", '"yes"', '"007"', '""']


def test_binding_yaml_in_fixes_quotes_names_yaml_would_read_as_numbers() -> None:
    """The binding YAML that KS112's and KS203's fixes write out goes through the same quoting."""
    import textwrap

    from kubelint_scrape.checks.authproxy import _fix
    from kubelint_scrape.checks.privilege import _role_binding_yaml
    from kubelint_scrape.model import BindingDef
    from kubelint_scrape.rbac import Identity

    identity = Identity("monitoring", "123")
    delegator = _fix(identity, True, "Deployment monitoring/app")
    document = YAML(typ="safe").load(textwrap.dedent(delegator[delegator.index("\n") + 1:]))
    assert document["subjects"][0]["name"] == "123" and document["metadata"]["name"] == "123-auth-delegator"
    binding = BindingDef("ClusterRoleBinding", "007", "", "ClusterRole", "true", [])
    document = YAML(typ="safe").load(_role_binding_yaml(binding, "2024", [identity], binding.name).removeprefix("---\n"))
    assert (document["metadata"], document["roleRef"]["name"], document["subjects"][0]["name"]) == \
        ({"name": "007", "namespace": "2024"}, "true", "123")


TWO_ACCOUNTS_CONFIG = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus, namespace: monitoring}
data:
  prometheus.yml: |
    scrape_configs:
    - job_name: kubelet
      scheme: https
      tls_config: {insecure_skip_verify: true}  # kubelint-scrape: ignore[KS301] kubelets self-sign their certificates
      authorization: {credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token}
      kubernetes_sd_configs: [{role: node}]
    - job_name: apiserver
      scheme: https
      authorization: {credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token}
      tls_config: {ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt}
      static_configs: [{targets: [kubernetes.default.svc:443]}]
    - job_name: apps
      kubernetes_sd_configs: [{role: pod, namespaces: {names: [apps]}}]
    - job_name: own
      kubernetes_sd_configs: [{role: endpointslice, namespaces: {own_namespace: true}}]
"""


def test_suggestion_for_a_config_two_serviceaccounts_load_makes_every_job_work_for_both(tmp_path: Path) -> None:
    """One ConfigMap mounted by two Deployments running as monitoring/prometheus and monitoring/prometheus-ha: the
    suggestion grants each identity every need (cluster-wide, in apps and in its own namespace) and no more."""
    source = tmp_path / "source"
    source.mkdir()
    (source / "config.yaml").write_text(TWO_ACCOUNTS_CONFIG)
    for account in ("prometheus", "prometheus-ha"):
        deployment = prometheus_deployment().replace("name: prometheus, namespace", f"name: {account}, namespace").replace(
            "serviceAccountName: prometheus", f"serviceAccountName: {account}")
        (source / f"{account}.yaml").write_text(f"apiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: {account}, "
                                                f"namespace: monitoring}}\n---\n{deployment}")
    before = invoke(source, "check", ".", "--format", "json", "--fail-on", "never")
    denied = {(f["rule"], f["data"]["identity"]) for f in json.loads(before.output)["findings"] if f["rule"] in ACCESS}
    assert {identity for _rule, identity in denied} == {"monitoring/prometheus", "monitoring/prometheus-ha"}, denied
    yaml_text, findings = close_the_loop(source, tmp_path, [])
    left = [f"{f['rule']} {f['message']}" for f in findings if f["rule"] in ACCESS or f["rule"].startswith("KS2")]
    assert not left, yaml_text + "\n".join(left)
    assert yaml_text.count("kind: ClusterRoleBinding") == 2 and yaml_text.count("kind: RoleBinding") == 4, yaml_text


def test_diff_adds_to_a_role_in_a_json_file_as_json(tmp_path: Path) -> None:
    """A role defined in a .json file: the `+` lines are JSON objects for its "rules" array (a YAML block pasted
    there would not parse), as the access fixes write them; the comments stay `#` lines of the diff."""
    from test_access_fixes import DEPLOYMENT, PODS_JOB, _json_rbac

    (tmp_path / "prometheus.yaml").write_text(DEPLOYMENT + PODS_JOB)
    (tmp_path / "rbac.json").write_text(json.dumps(_json_rbac(["services"]), indent=1))
    result = invoke(tmp_path, "suggest-rbac", "--diff", ".")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    head = next(line for line in lines if line.startswith("# add"))
    assert head.endswith('in its "rules" array (rbac.json is JSON):'), head
    added = [line[1:] for line in lines[lines.index(head) + 1:] if line.startswith("+")]
    assert json.loads("[" + "\n".join(added) + "]") == [{"apiGroups": [""], "resources": ["pods"], "verbs": ["list", "watch"]}]


def test_diff_keeps_the_rules_of_a_role_shared_with_another_account(tmp_path: Path) -> None:
    """ClusterRole prometheus also grants what no job uses, and is bound to payments/app too: the `remove from`
    lines would take app's permissions away, so they say so and point to a role of the scraper's own (as KS203's
    fix does); a role only the scraper holds keeps the plain `remove from` line."""
    from test_access_fixes import DEPLOYMENT, PODS_JOB, _binding, _cluster_role

    rules = '  - apiGroups: [""]\n    resources: ["pods", "secrets"]\n    verbs: ["get", "list", "watch"]\n'
    other = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: app, namespace: payments}\n"
             "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus}\n"
             "subjects: [{kind: ServiceAccount, name: app, namespace: payments}]\n")
    rbac = _cluster_role("prometheus", rules) + "---\n" + _binding("ClusterRoleBinding", "ClusterRole", "prometheus")
    (tmp_path / "prometheus.yaml").write_text(DEPLOYMENT + PODS_JOB)
    (tmp_path / "rbac.yaml").write_text(rbac)
    alone = [line for line in invoke(tmp_path, "suggest-rbac", "--diff", ".").stdout.splitlines()
             if line.startswith("# remove")]
    assert alone and all(line.endswith("no requirement uses:") for line in alone), alone
    (tmp_path / "rbac.yaml").write_text(rbac + "---\n" + other)
    result = invoke(tmp_path, "suggest-rbac", "--diff", ".")
    assert result.exit_code == 0, result.output
    shared = [line for line in result.stdout.splitlines() if line.startswith("# remove")]
    assert shared and all("no requirement uses — but it is also bound to ServiceAccount payments/app (RoleBinding "
                          "payments/app), whose permissions are not this scraper's to drop" in line for line in shared), shared


def test_diff_adds_to_the_role_that_already_grants_in_the_api_group() -> None:
    # As KS104's fix: ksh/metrics goes beside the user's kcm/metrics, not into the chart's role bound first.
    result = invoke(ROOT, "suggest-rbac", "--diff", "fixtures/KS104/fail-eks-scheduler-metrics-beside-chart-role")
    assert result.exit_code == 0, result.output
    [added] = [line for line in result.stdout.splitlines() if line.startswith("# add")]
    assert "Add to ClusterRole eks-control-plane-metrics" in added, result.stdout
