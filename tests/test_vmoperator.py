"""VictoriaMetrics operator resources become scrape jobs run by their VMAgent's ServiceAccount (vmoperator.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kubelint_scrape.engine import Options, lint_paths
from test_operator import report, write


AGENT = """\
apiVersion: operator.victoriametrics.com/v1beta1
kind: VMAgent
metadata: {{name: cluster, namespace: monitoring}}
spec:
  serviceAccountName: vmagent
{selectors}
"""

SCRAPE = """\
apiVersion: operator.victoriametrics.com/v1beta1
kind: VMServiceScrape
metadata:
  name: api
  namespace: {namespace}
  labels: {{team: shop}}
spec:
  selector: {{matchLabels: {{app: api}}}}
  endpoints:
  - port: http-metrics
    relabelConfigs:
    - source_labels: [__meta_kubernetes_service_name]
      target_label: service
"""


@pytest.mark.parametrize("selectors, namespace, selected", [
    ("", "monitoring", False),  # neither selector nor selectAllByDefault: nothing
    ("  selectAllByDefault: true", "shop", True),  # both selectors absent + selectAllByDefault: every namespace
    ("  serviceScrapeSelector: {}", "monitoring", True),  # object selector alone: the VMAgent's own namespace
    ("  serviceScrapeSelector: {}", "shop", False),
    ("  serviceScrapeNamespaceSelector: {}", "shop", True),  # namespace selector alone: every object there
    ("  serviceScrapeSelector: {matchLabels: {team: other}}\n  serviceScrapeNamespaceSelector: {}", "shop", False),
    ("  serviceScrapeSelector: {matchLabels: {team: shop}}\n  serviceScrapeNamespaceSelector: {}", "shop", True),
    ("  selectAllByDefault: true\n  daemonSetMode: true", "shop", False),  # DaemonSet mode: VMPodScrapes only
    ("  selectAllByDefault: true\n  ingestOnlyMode: true", "shop", False),  # no scraping at all
])
def test_vmagent_selection(tmp_path, selectors: str, namespace: str, selected: bool) -> None:
    """k8stools.VisitObjectsForSelectorsAtNs, which differs from the Prometheus Operator's: a null selector there
    matches everything when the other one is set, and selectAllByDefault selects all when both are absent."""
    paths = [write(tmp_path, "agent.yaml", AGENT.format(selectors=selectors)),
             write(tmp_path, "scrape.yaml", SCRAPE.format(namespace=namespace))]
    result = report(*paths)
    job = next(j for j in result["jobs"] if j["name"] == f"serviceScrape/{namespace}/api/0")
    assert (job["identity"] == "monitoring/vmagent") is selected
    ks100 = [f for f in result["findings"] if f["rule"] == "KS100"]
    assert bool(ks100) is not selected
    if ks100:
        assert "no VMAgent in the inputs selects VMServiceScrape" in ks100[0]["message"]


def test_service_scrape_relabel_configs_are_applied_with_snake_case_keys(tmp_path) -> None:
    """vmextra_types.go RelabelConfig takes source_labels/target_label as written: the user's rules follow the
    generated keep rules as in the Prometheus Operator's jobs."""
    paths = [write(tmp_path, "agent.yaml", AGENT.format(selectors="  selectAllByDefault: true")),
             write(tmp_path, "scrape.yaml", SCRAPE.format(namespace="shop"))]
    job = next(j for j in report(*paths)["jobs"] if j["name"] == "serviceScrape/shop/api/0")
    assert job["source"] == "servicemonitor"
    needs = {(r.get("resource"), r["verb"], r.get("namespace")) for r in job["requirements"]}
    assert ("endpoints", "list", "shop") in needs  # discovery in the scrape object's own namespace


@pytest.mark.parametrize("kind, endpoints", [("VMServiceScrape", "endpoints"), ("VMPodScrape", "podMetricsEndpoints")])
def test_service_and_pod_scrape_jobs_run_snake_case_relabel_keys(tmp_path, kind: str, endpoints: str) -> None:
    """The job runs the relabelConfig with the source_labels/target_label written (VictoriaMetrics RelabelConfig
    UnderScoreSourceLabels/UnderScoreTargetLabel), not a rule without them: e25bdb8 dropped them as it does for
    the Prometheus Operator's CRD, whose relabelings have no such fields, so this user rule lost both keys."""
    scrape = SCRAPE.format(namespace="shop").replace("VMServiceScrape", kind).replace("  endpoints:", f"  {endpoints}:")
    paths = [write(tmp_path, "agent.yaml", AGENT.format(selectors="  selectAllByDefault: true")),
             write(tmp_path, "scrape.yaml", scrape)]
    prefix = "serviceScrape" if kind == "VMServiceScrape" else "podScrape"
    user = _job(paths, f"{prefix}/shop/api/0").relabel_nodes[-1]
    assert user.get("source_labels") == ["__meta_kubernetes_service_name"] and user.get("target_label") == "service"


def test_operator_made_account_holds_the_operators_cluster_role(tmp_path) -> None:
    """No serviceAccountName: the operator makes vmagent-<name> and ClusterRole monitoring:<ns>:vmagent-<name>
    (factory/vmagent/rbac.go), so a kubelet VMNodeScrape is allowed, and no KS109 for the account."""
    agent = write(tmp_path, "agent.yaml", """\
        apiVersion: operator.victoriametrics.com/v1beta1
        kind: VMAgent
        metadata: {name: cluster, namespace: monitoring}
        spec: {selectAllByDefault: true}
        ---
        apiVersion: operator.victoriametrics.com/v1beta1
        kind: VMNodeScrape
        metadata: {name: kubelet, namespace: monitoring}
        spec:
          scheme: https
          port: "10250"
          path: /metrics/resource
          bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
        """)
    result = report(agent)
    job = next(j for j in result["jobs"] if j["name"] == "nodeScrape/monitoring/kubelet")
    assert job["identity"] == "monitoring/vmagent-cluster" and job["targets"] == ["kubelet"]
    assert not [f for f in result["findings"] if f["rule"] in ("KS101", "KS102", "KS109", "KS007")]


def test_ingest_only_agent_gets_no_operator_role(tmp_path) -> None:
    """ingestOnlyMode: the operator makes the ServiceAccount but no RBAC (vmagent.go CreateOrUpdate)."""
    from kubelint_scrape.build import build_workspace
    from kubelint_scrape.engine import Options, load_sources
    from kubelint_scrape.vmoperator import operator_rbac

    path = write(tmp_path, "agent.yaml", AGENT.format(selectors="  ingestOnlyMode: true").replace(
        "  serviceAccountName: vmagent\n", ""))
    workspace = build_workspace(load_sources([path], Options())[0])[0]
    assert operator_rbac(workspace) == ([], [])
    made = build_workspace(load_sources([write(tmp_path, "agent.yaml", AGENT.format(selectors="").replace(
        "  serviceAccountName: vmagent\n", ""))], Options())[0])[0]
    roles, bindings = operator_rbac(made)
    assert [r.name for r in roles] == ["monitoring:monitoring:vmagent-cluster"]
    assert [(s.namespace, s.name) for s in bindings[0].subjects] == [("monitoring", "vmagent-cluster")]


def test_vm_module_is_imported_only_for_victoriametrics_inputs(tmp_path) -> None:
    """Lint-on-save of a file without VictoriaMetrics kinds must not load vmoperator.py."""
    path = write(tmp_path, "cm.yaml", """\
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: prometheus, namespace: monitoring}
        """)
    code = ("import sys; from click.testing import CliRunner; from kubelint_scrape.cli import main; "
            f"CliRunner().invoke(main, [{path!r}, '--format', 'concise']); "
            "print('kubelint_scrape.vmoperator' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip().endswith("False")


def test_query_in_a_vm_scrape_path_is_not_reported(tmp_path) -> None:
    """vmagent appends the path as written (lib/promscrape config.go getScrapeURL): KS307 is Prometheus' problem."""
    scrape = SCRAPE.format(namespace="monitoring").replace("  - port: http-metrics\n",
                                                            "  - port: http-metrics\n    path: /metrics?format=prometheus\n")
    paths = [write(tmp_path, "agent.yaml", AGENT.format(selectors="  selectAllByDefault: true")),
             write(tmp_path, "scrape.yaml", scrape)]
    result = report(*paths)
    assert any(j["name"] == "serviceScrape/monitoring/api/0" for j in result["jobs"])
    assert not [f for f in result["findings"] if f["rule"] == "KS307"]


def test_endpoints_role_of_a_vm_service_scrape_names_its_own_discovery_role(tmp_path) -> None:
    """KS604 on a VMServiceScrape: its role is its own spec.discoveryRole (servicescrape.go), never the VMAgent's, so
    the fix names the object's field (or the operator's switch), not a Prometheus' serviceDiscoveryRole."""
    paths = [write(tmp_path, "agent.yaml", AGENT.format(selectors="  selectAllByDefault: true")),
             write(tmp_path, "scrape.yaml", SCRAPE.format(namespace="shop"))]
    ks604 = [f for f in report(*paths)["findings"] if f["rule"] == "KS604"]
    assert len(ks604) == 1 and "`discoveryRole: endpointslices` to the spec of VMServiceScrape shop/api" in ks604[0]["fix"]
    assert "serviceDiscoveryRole" not in ks604[0]["fix"]
    sliced = SCRAPE.format(namespace="shop").replace("spec:\n", "spec:\n  discoveryRole: endpointslices\n")
    paths[1] = write(tmp_path, "scrape.yaml", sliced)
    assert not [f for f in report(*paths)["findings"] if f["rule"] == "KS604"]


def test_build_names_every_victoriametrics_kind() -> None:
    """build.py spells the kinds out so as not to import vmoperator.py for other inputs: the two lists agree."""
    from kubelint_scrape.build import VM_KINDS
    from kubelint_scrape.vmoperator import ALL_KINDS

    assert VM_KINDS == ALL_KINDS


def test_agent_scrape_configs_follow_its_scrape_objects_in_the_operators_order(tmp_path) -> None:
    """generateConfig: the selected objects' jobs, then the additionalScrapeConfigs Secret key, then
    inlineScrapeConfig — all run as the VMAgent's account; none of it in ingestOnlyMode."""
    spec = ("  selectAllByDefault: true\n  additionalScrapeConfigs: {name: extra, key: jobs.yaml}\n"
            "  inlineScrapeConfig: |\n    - job_name: inline\n      static_configs: [{targets: ['a:1']}]\n")
    secret = ("apiVersion: v1\nkind: Secret\nmetadata: {name: extra, namespace: monitoring}\n"
              "stringData:\n  jobs.yaml: |\n    - job_name: from-secret\n      static_configs: [{targets: ['b:1']}]\n")
    paths = [write(tmp_path, "agent.yaml", AGENT.format(selectors=spec)), write(tmp_path, "secret.yaml", secret),
             write(tmp_path, "scrape.yaml", SCRAPE.format(namespace="shop"))]
    jobs = report(*paths)["jobs"]
    assert [j["name"] for j in jobs if j["identity"] == "monitoring/vmagent"] == [
        "serviceScrape/shop/api/0", "from-secret", "inline"]
    paths[0] = write(tmp_path, "agent.yaml", AGENT.format(selectors=spec + "  ingestOnlyMode: true"))
    assert {j["name"] for j in report(*paths)["jobs"]} <= {"serviceScrape/shop/api/0"}


def test_broken_inline_scrape_config_is_ks001_at_its_line_in_the_vmagent(tmp_path) -> None:
    spec = "  inlineScrapeConfig: |\n    - job_name: a\n      static_configs: [targets: [\n"
    result = report(write(tmp_path, "agent.yaml", AGENT.format(selectors=spec)))
    ks001 = [f for f in result["findings"] if f["rule"] == "KS001"]
    assert len(ks001) == 1 and "in VMAgent monitoring/cluster spec.inlineScrapeConfig" in ks001[0]["message"]
    assert ks001[0]["path"].endswith("agent.yaml") and ks001[0]["line"] >= 8  # inside the block, not on the key


def test_scrape_configs_the_operator_cannot_unmarshal_are_kept_rejected_as_meant(tmp_path) -> None:
    """A Secret key or inlineScrapeConfig that is no list (one job written as a mapping, a whole config with
    `scrape_configs:`) fails the sync (KS601): the jobs it means are read, marked rejected, so their needs stay
    needs (no KS203 on the grants the fix needs) and no access finding is reported for a job that does not run."""
    from kubelint_scrape.engine import Options, lint_paths

    spec = ("  additionalScrapeConfigs: {name: extra, key: jobs.yaml}\n"
            "  inlineScrapeConfig: |\n    job_name: inline\n    kubernetes_sd_configs: [{role: node}]\n")
    secret = ("apiVersion: v1\nkind: Secret\nmetadata: {name: extra, namespace: monitoring}\nstringData:\n"
              "  jobs.yaml: |\n    scrape_configs:\n    - job_name: from-secret\n      kubernetes_sd_configs: [{role: pod}]\n")
    write(tmp_path, "agent.yaml", AGENT.format(selectors=spec))
    write(tmp_path, "secret.yaml", secret)
    result = lint_paths([str(tmp_path)], Options())
    config = next(c for c in result.analysis.configs if c.runner is not None)
    assert [(j.name, bool(j.rejected)) for j in config.jobs] == [("from-secret", True), ("inline", True)]
    # the account is missing and grants nothing, yet neither job's discovery is reported: they do not run (and the
    # Secret, which holds a whole config, is read once, as the operator's text: not also as a plain config no
    # workload mounts, KS100)
    assert sorted(f.rule for f in result.findings) == ["KS109", "KS601", "KS601"]


OTHER_SCRAPES = {
    # kind → (its YAML in namespace {namespace}, the job it renders, the VMAgent selector fields); each job needs
    # something of the API server, so that an unselected one is a KS100
    "VMScrapeConfig": ("""\
apiVersion: operator.victoriametrics.com/v1beta1
kind: VMScrapeConfig
metadata: {{name: nodes, namespace: {namespace}, labels: {{team: shop}}}}
spec:
  kubernetesSDConfigs: [{{role: node}}]
""", "scrapeConfig/{namespace}/nodes", "scrapeConfigSelector", "scrapeConfigNamespaceSelector"),
    "VMStaticScrape": ("""\
apiVersion: operator.victoriametrics.com/v1beta1
kind: VMStaticScrape
metadata: {{name: edge, namespace: {namespace}, labels: {{team: shop}}}}
spec:
  targetEndpoints:
  - targets: ["kubernetes.default.svc:443"]
    scheme: https
    bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
""", "staticScrape/{namespace}/edge/0", "staticScrapeSelector", "staticScrapeNamespaceSelector"),
    "VMProbe": ("""\
apiVersion: operator.victoriametrics.com/v1beta1
kind: VMProbe
metadata: {{name: sites, namespace: {namespace}, labels: {{team: shop}}}}
spec:
  vmProberSpec: {{url: "blackbox:9115"}}
  targets:
    ingress: {{selector: {{matchLabels: {{probe: "yes"}}}}}}
""", "probe/{namespace}/sites", "probeSelector", "probeNamespaceSelector"),
}


@pytest.mark.parametrize("kind", sorted(OTHER_SCRAPES))
@pytest.mark.parametrize("selectors, namespace, selected", [
    ("", "monitoring", False),
    ("  selectAllByDefault: true", "shop", True),
    ("  {selector}: {{}}", "monitoring", True),
    ("  {selector}: {{}}", "shop", False),
    ("  {ns_selector}: {{}}", "shop", True),
    ("  {selector}: {{matchLabels: {{team: other}}}}\n  {ns_selector}: {{}}", "shop", False),
    ("  {selector}: {{matchLabels: {{team: shop}}}}\n  {ns_selector}: {{}}", "shop", True),
    ("  serviceScrapeSelector: {{}}\n  serviceScrapeNamespaceSelector: {{}}", "shop", False),  # another kind's
])
def test_vmagent_selects_static_scrapes_probes_and_scrape_configs(tmp_path, kind: str, selectors: str, namespace: str,
                                                                    selected: bool) -> None:
    """collect_scrapes.go selectStaticScrapes, selectVMProbes, selectScrapeConfig: the same
    VisitObjectsForSelectorsAtNs as for VMServiceScrapes, on the kind's own selector fields (vmagent_types.go)."""
    text, job_name, selector, ns_selector = OTHER_SCRAPES[kind]
    spec = selectors.format(selector=selector, ns_selector=ns_selector)
    paths = [write(tmp_path, "agent.yaml", AGENT.format(selectors=spec)),
             write(tmp_path, "scrape.yaml", text.format(namespace=namespace))]
    result = report(*paths)
    job = next(j for j in result["jobs"] if j["name"] == job_name.format(namespace=namespace))
    assert (job["identity"] == "monitoring/vmagent") is selected
    assert not [f for f in result["findings"] if f["rule"] == "KS007"]  # translated, no longer "not read"
    ks100 = [f for f in result["findings"] if f["rule"] == "KS100"]
    assert bool(ks100) is not selected
    if ks100:
        assert f"no VMAgent in the inputs selects {kind}" in ks100[0]["message"]
        assert "together with the VMAgent" in ks100[0]["fix"] and "Prometheus" not in ks100[0]["fix"]


def _requirements(job: dict) -> set[tuple[str, str, str | None]]:
    return {(r["verb"], r["resource"], r["namespace"]) for r in job["requirements"]}


def test_vm_scrape_config_passes_its_discovery_through_with_vm_field_names(tmp_path) -> None:
    """scrapeconfig.go: namespaces.names/ownNamespace as written, `attach_metadata` (snake_case in
    KubernetesSDConfig) for a pod role (list/watch nodes), `path` and `relabelConfigs` of the inlined
    EndpointScrapeParams/EndpointRelabelings, and bearerTokenSecret of EndpointAuth."""
    scrape = """\
apiVersion: operator.victoriametrics.com/v1beta1
kind: VMScrapeConfig
metadata: {name: pods, namespace: monitoring}
spec:
  path: /stats
  bearerTokenSecret: {name: token, key: t}
  kubernetesSDConfigs:
  - role: pod
    namespaces: {names: [shop]}
    attach_metadata: {node: true}
  relabelConfigs:
  - source_labels: [__meta_kubernetes_pod_label_app]
    regex: api
    action: keep
"""
    paths = [write(tmp_path, "agent.yaml", AGENT.format(selectors="  selectAllByDefault: true")),
             write(tmp_path, "scrape.yaml", scrape)]
    job = next(j for j in report(*paths)["jobs"] if j["name"] == "scrapeConfig/monitoring/pods")
    assert {("list", "pods", "shop"), ("watch", "pods", "shop"), ("list", "nodes", None)} <= _requirements(job)
    built = _job(paths, "scrapeConfig/monitoring/pods")
    assert built.metrics_path == "/stats" and built.credentials.secret == ("token", "t")
    assert [rule.get("action") for rule in built.relabel_nodes] == ["keep"]


def _job(paths: list[str], name: str):
    """The ScrapeJob vmoperator.py builds (what the JSON report does not show: its path, credentials, relabels)."""
    from kubelint_scrape.build import build_workspace
    from kubelint_scrape.engine import Options, load_sources

    sources, _ = load_sources(paths, Options())
    _, configs, _ = build_workspace(sources)
    return next(job for config in configs for job in config.jobs if job.name == name)


def test_vm_probe_keeps_static_and_discovered_targets_in_one_job(tmp_path) -> None:
    """probe.go generateProbeConfig keeps targets.static and every discovery entry (targets.ingress and each
    targets.kubernetes role) in one job, unlike a Prometheus Operator Probe whose staticConfig wins over ingress."""
    probe = """\
apiVersion: operator.victoriametrics.com/v1beta1
kind: VMProbe
metadata: {name: sites, namespace: monitoring}
spec:
  vmProberSpec: {url: "blackbox:9115"}
  targets:
    staticConfig: {targets: ["https://example.com"]}
    ingress: {namespaceSelector: {matchNames: [web]}}
    kubernetes:
    - role: service
      namespaceSelector: {any: true}
"""
    paths = [write(tmp_path, "agent.yaml", AGENT.format(selectors="  selectAllByDefault: true")),
             write(tmp_path, "probe.yaml", probe)]
    job = next(j for j in report(*paths)["jobs"] if j["name"] == "probe/monitoring/sites")
    assert {("list", "ingresses", "web"), ("watch", "ingresses", "web"), ("list", "services", None)} <= _requirements(job)


def test_kubelet_fixes_name_the_fields_of_the_vm_kind(tmp_path) -> None:
    """A VMScrapeConfig discovering nodes and a VMNodeScrape have no kubelet Service to point at (a fix naming its
    `https-metrics` port cannot be followed), and a VMScrapeConfig's path is `path` (EndpointScrapeParams), not
    the Prometheus Operator ScrapeConfig's metricsPath."""
    scrapes = """\
apiVersion: operator.victoriametrics.com/v1beta1
kind: VMScrapeConfig
metadata: {name: kubelet, namespace: monitoring}
spec:
  kubernetesSDConfigs: [{role: node}]
  relabelConfigs:
  - {source_labels: [__address__], regex: "(.*):10250", replacement: "${1}:4194", target_label: __address__}
---
apiVersion: operator.victoriametrics.com/v1beta1
kind: VMNodeScrape
metadata: {name: ro, namespace: monitoring}
spec:
  port: "10255"
"""
    paths = [write(tmp_path, "agent.yaml", AGENT.format(selectors="  selectAllByDefault: true")),
             write(tmp_path, "scrapes.yaml", scrapes)]
    fixes = {f["message"].split('"')[1]: f["fix"] for f in report(*paths)["findings"] if f["rule"] == "KS302"}
    assert "`path: /metrics/cadvisor`" in fixes["scrapeConfig/monitoring/kubelet"]
    assert "drop the rewrite to :4194" in fixes["scrapeConfig/monitoring/kubelet"]
    assert "`port: \"10250\"`" in fixes["nodeScrape/monitoring/ro"]
    assert not any("Service" in fix for fix in fixes.values())


@pytest.mark.parametrize("auth, field", [
    ("    basicAuth:\n      username: {name: shop-scrape, key: user}\n      password_file: /etc/vmagent/shop/password\n",
     "basicAuth.password_file"),
    ("    oauth2:\n      client_id: {secret: {name: shop-scrape, key: id}}\n      client_secret_file: /etc/vmagent/shop/secret\n"
     "      token_url: https://sso.example.com/token\n", "oauth2.client_secret_file"),
])
def test_agent_denying_file_access_refuses_vm_basic_auth_and_oauth2_files(tmp_path, auth: str, field: str) -> None:
    """testForArbitraryFSAccess (collect_scrapes.go) also refuses a VictoriaMetrics EndpointAuth's basicAuth
    password_file and oauth2 client_secret_file, which a Prometheus Operator endpoint cannot hold (probe mutations11:
    the VMServiceScrape was taken as rendered). Both are snake_case in the CRD (probe vmoperator3: the camelCase
    spellings tested before are fields the API server drops)."""
    spec = "  selectAllByDefault: true\n  arbitraryFSAccessThroughSMs: {deny: true}"
    scrape = SCRAPE.format(namespace="shop").replace("  - port: http-metrics\n", "  - port: http-metrics\n" + auth)
    paths = [write(tmp_path, "agent.yaml", AGENT.format(selectors=spec)), write(tmp_path, "scrape.yaml", scrape)]
    ks603 = [f for f in report(*paths)["findings"] if f["rule"] == "KS603"]
    assert len(ks603) == 1 and f"reads a file through {field}" in ks603[0]["message"]
    assert ks603[0]["line"] == scrape.splitlines().index(next(
        line for line in scrape.splitlines() if field.split(".")[1] + ":" in line)) + 1
    assert field.split(".")[1] + "` with `" in ks603[0]["fix"]
    assert _job(paths, "serviceScrape/shop/api/0").rejected.startswith("the operator leaves it out")


@pytest.mark.parametrize("deny, rejected", [("true", True), ("false", False)])
def test_agent_denying_file_access_leaves_out_a_scrape_object_reading_files(tmp_path, deny: str, rejected: bool) -> None:
    """vmagent.go mustValidateObjects → testForArbitraryFSAccess: the VMServiceScrape whose endpoint reads a
    bearerTokenFile is marked broken and not rendered (KS603), so its job's access is not what fails."""
    spec = f"  selectAllByDefault: true\n  arbitraryFSAccessThroughSMs: {{deny: {deny}}}"
    scrape = SCRAPE.format(namespace="shop").replace(
        "  - port: http-metrics\n", "  - port: http-metrics\n    bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n")
    paths = [write(tmp_path, "agent.yaml", AGENT.format(selectors=spec)), write(tmp_path, "scrape.yaml", scrape)]
    ks603 = [f for f in report(*paths)["findings"] if f["rule"] == "KS603"]
    assert bool(ks603) is rejected
    if ks603:
        assert ks603[0]["message"].startswith("VMServiceScrape shop/api reads a file through bearerTokenFile")
        assert "VMServiceScrapes" in ks603[0]["fix"]
    assert _job(paths, "serviceScrape/shop/api/0").rejected.startswith("the operator leaves it out") is rejected


@pytest.mark.parametrize("auth", [
    "    basicAuth:\n      username: {name: shop-scrape, key: user}\n      passwordFile: /etc/vmagent/shop/password\n",
    "    authorization:\n      type: Bearer\n      credentialsFile: /etc/vmagent/shop/token\n",
])
def test_agent_denying_file_access_keeps_what_the_operator_does_not_refuse(tmp_path, auth: str) -> None:
    """testForArbitraryFSAccess (vmagent_scrapeconfig.go) looks at bearerTokenFile, basicAuth.password_file,
    oauth2.client_secret_file and tlsConfig's files only: an authorization.credentialsFile passes, and a camelCase
    `passwordFile` is no field of the CRD (BasicAuth `json:"password_file"`), so nothing reads a file (probe vmoperator3)."""
    spec = "  selectAllByDefault: true\n  arbitraryFSAccessThroughSMs: {deny: true}"
    scrape = SCRAPE.format(namespace="shop").replace("  - port: http-metrics\n", "  - port: http-metrics\n" + auth)
    paths = [write(tmp_path, "agent.yaml", AGENT.format(selectors=spec)), write(tmp_path, "scrape.yaml", scrape)]
    assert not [f for f in report(*paths)["findings"] if f["rule"] == "KS603"]
    assert not _job(paths, "serviceScrape/shop/api/0").rejected


def test_credential_findings_name_vmagent_for_its_jobs(tmp_path) -> None:
    """KS106 and KS111 say which program sends no token: vmagent for a VMAgent's jobs (its scrape objects', its
    inlineScrapeConfig's), whose kubernetes discovery also sends none to an api_server it is given (lib/promscrape/
    discovery/kubernetes api_config.go: the pod's token only without one). They said Prometheus (probe vmoperator3)."""
    agent = AGENT.format(selectors="  selectAllByDefault: true\n  inlineScrapeConfig: |\n    - job_name: remote-pods\n"
                                   "      kubernetes_sd_configs:\n        - role: pod\n"
                                   "          api_server: https://other-cluster:6443\n")
    scrapes = """\
apiVersion: operator.victoriametrics.com/v1beta1
kind: VMNodeScrape
metadata: {name: nodes, namespace: monitoring}
spec:
  scheme: https
  tlsConfig: {insecureSkipVerify: true}
---
apiVersion: operator.victoriametrics.com/v1beta1
kind: VMScrapeConfig
metadata: {name: remote, namespace: monitoring}
spec:
  kubernetesSDConfigs:
  - {role: pod, apiServer: "https://other-cluster:6443"}
"""
    findings = report(write(tmp_path, "agent.yaml", agent), write(tmp_path, "scrapes.yaml", scrapes))["findings"]
    found = {(f["rule"], f["object"]): f for f in findings if f["rule"] in ("KS106", "KS111")}
    assert set(found) == {("KS106", 'job "nodeScrape/monitoring/nodes"'), ("KS111", 'job "remote-pods"'),
                          ("KS111", 'job "scrapeConfig/monitoring/remote"')}
    for finding in found.values():
        assert "vmagent sends no token" in finding["message"] and "Prometheus" not in finding["message"]
        assert "Prometheus" not in finding["fix"]


@pytest.mark.parametrize("env, watched", [
    ("            - {name: WATCH_NAMESPACE, value: \"monitoring, team-a\"}\n", ("monitoring", "team-a")),
    ("            - {name: WATCH_NAMESPACE, value: \"\"}\n", None),
    ("            - {name: OTHER, value: x}\n", None),
])
def test_operator_watch_namespace_limits_selection_and_rbac(tmp_path, env: str, watched) -> None:
    """WATCH_NAMESPACE on the operator's Deployment (config.WatchNamespaces): objects are listed in the watched
    namespaces only, namespace selectors aside (k8stools discoverNamespaces); a VMAgent outside them is not
    reconciled (no RBAC made), one inside gets a Role of its namespace, not a ClusterRole (probe vmoperator3)."""
    from kubelint_scrape.build import build_workspace
    from kubelint_scrape.engine import Options, load_sources
    from kubelint_scrape.vmoperator import operator_rbac, watched_namespaces

    operator = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: vm-operator, namespace: monitoring}\nspec:\n"
                "  template:\n    spec:\n      containers:\n        - name: manager\n"
                "          image: quay.io/victoriametrics/operator:v0.56.0\n          env:\n" + env)
    agents = "".join(f"---\napiVersion: operator.victoriametrics.com/v1beta1\nkind: VMAgent\n"
                     f"metadata: {{name: a, namespace: {ns}}}\nspec: {{selectAllByDefault: true}}\n"
                     for ns in ("monitoring", "elsewhere"))
    scrapes = "".join(SCRAPE.format(namespace=ns) + "---\n" for ns in ("team-a", "team-b"))
    paths = [write(tmp_path, "operator.yaml", operator + agents), write(tmp_path, "scrapes.yaml", scrapes)]
    sources, _ = load_sources(paths, Options())
    workspace, configs, _ = build_workspace(sources)
    assert watched_namespaces(workspace) == watched
    roles, _bindings = operator_rbac(workspace)
    if watched is None:
        assert {(r.kind, r.namespace) for r in roles} == {("ClusterRole", "")}
    else:
        assert {(r.kind, r.namespace) for r in roles} == {("Role", "monitoring")}
    selected = {(c.runner.namespace, job.monitor.namespace) for c in configs if c.runner is not None for job in c.jobs}
    expected = ({("monitoring", "team-a")} if watched else
                {(a, s) for a in ("monitoring", "elsewhere") for s in ("team-a", "team-b")})
    assert selected == expected


VM_POD_ROLE_CASE = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: vmagent, namespace: monitoring}
---
apiVersion: operator.victoriametrics.com/v1beta1
kind: VMAgent
metadata: {name: main, namespace: monitoring}
spec:
  serviceAccountName: vmagent
  selectAllByDefault: true
---
apiVersion: operator.victoriametrics.com/v1beta1
kind: VMScrapeConfig
metadata: {name: pods, namespace: monitoring}
spec:
  kubernetesSDConfigs:
    - role: Pod
"""


def test_vm_sd_role_case_fix_announces_the_discovery_it_turns_on(tmp_path: Path) -> None:
    # `role: Pod` discovers nothing, so it needs nothing; the corrected entry lists and watches pods, which this
    # ServiceAccount lacks: the KS101 that follows the fix is one the fix announces.
    (tmp_path / "vm.yaml").write_text(VM_POD_ROLE_CASE)
    (finding,) = [f for f in lint_paths([str(tmp_path)], Options()).findings]
    assert (finding.rule, finding.fix) == ("KS601", "Write `role: pod`: the entry then lists and watches pods with the "
                                           "VMAgent's ServiceAccount, which needs them granted (KS101 otherwise)."), finding.fix
    (tmp_path / "vm.yaml").write_text(VM_POD_ROLE_CASE.replace("role: Pod", "role: pod"))
    after = lint_paths([str(tmp_path)], Options()).findings
    assert [(f.rule, "lacks list, watch on pods" in f.message) for f in after] == [("KS101", True)]
