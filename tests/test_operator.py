"""Prometheus Operator, Secrets and OpenTelemetry Collector inputs become scrape jobs like a plain config's."""

from __future__ import annotations

import base64
import gzip
import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from kubelint_scrape.cli import main

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")


def report(*paths: str, args: tuple[str, ...] = ()) -> dict:
    result = CliRunner().invoke(main, [*paths, "--format", "json", "--fail-on", "never", *args])
    assert result.exit_code == 0, (result.output[-2000:], result.exception)
    return json.loads(result.output)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


PROMETHEUS = """\
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {{name: k8s, namespace: monitoring}}
spec:
  serviceAccountName: prometheus-k8s
{selectors}
"""

KUBELET_MONITOR = """\
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: kubelet
  namespace: monitoring
  labels: {team: platform}
spec:
  namespaceSelector: {matchNames: [kube-system]}
  selector: {matchLabels: {app.kubernetes.io/name: kubelet}}
  endpoints:
    - port: https-metrics
      scheme: https
      path: /metrics/cadvisor
      bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
"""


@pytest.mark.parametrize("selectors, selected", [
    ("", False),  # a nil serviceMonitorSelector selects no ServiceMonitor
    ("  serviceMonitorSelector: {}", True),  # empty selects all (in the Prometheus' own namespace: nil ns selector)
    ("  serviceMonitorSelector: {matchLabels: {team: platform}}", True),
    ("  serviceMonitorSelector: {matchLabels: {team: other}}", False),
    ("  serviceMonitorSelector: {matchExpressions: [{key: team, operator: In, values: [platform]}]}", True),
])
def test_monitor_selection(tmp_path, selectors: str, selected: bool) -> None:
    paths = [write(tmp_path, "prometheus.yaml", PROMETHEUS.format(selectors=selectors)), write(tmp_path, "sm.yaml", KUBELET_MONITOR)]
    jobs = report(*paths)["jobs"]
    job = next(j for j in jobs if j["name"] == "serviceMonitor/monitoring/kubelet/0")
    assert (job["identity"] == "monitoring/prometheus-k8s") is selected
    if not selected:
        assert job["identity"] is None


def test_servicemonitor_in_other_namespace_needs_a_namespace_selector(tmp_path) -> None:
    monitor = KUBELET_MONITOR.replace("namespace: monitoring", "namespace: apps")
    base = "  serviceMonitorSelector: {}"
    for ns_selector, selected in (("", False), ("\n  serviceMonitorNamespaceSelector: {}", True)):
        paths = [write(tmp_path, "prometheus.yaml", PROMETHEUS.format(selectors=base + ns_selector)), write(tmp_path, "sm.yaml", monitor)]
        job = next(j for j in report(*paths)["jobs"] if j["name"] == "serviceMonitor/apps/kubelet/0")
        assert (job["identity"] is not None) is selected


def test_kubelet_servicemonitor_is_a_kubelet_scrape_with_nodes_metrics(tmp_path) -> None:
    paths = [write(tmp_path, "prometheus.yaml", PROMETHEUS.format(selectors="  serviceMonitorSelector: {}")),
             write(tmp_path, "sm.yaml", KUBELET_MONITOR)]
    result = report(*paths)
    job = next(j for j in result["jobs"] if j["name"] == "serviceMonitor/monitoring/kubelet/0")
    assert job["source"] == "servicemonitor" and job["targets"] == ["kubelet"]
    needs = {(r.get("resource"), r.get("subresource"), r["verb"], r.get("namespace")) for r in job["requirements"]}
    assert ("nodes", "metrics", "get", None) in needs
    assert ("endpoints", None, "list", "kube-system") in needs  # discovery only where the monitor looks
    ks102 = [f for f in result["findings"] if f["rule"] == "KS102"]
    # on the endpoint's path value, which picks the subresource (a plain config's metrics_path, SPEC §5), not on
    # the generated port filter that only lets the kubelet through
    assert ks102 and ks102[0]["path"].endswith("sm.yaml") and (ks102[0]["line"], ks102[0]["column"]) == (13, 13)


def test_endpointslice_discovery_role(tmp_path) -> None:
    selectors = "  serviceMonitorSelector: {}\n  serviceDiscoveryRole: EndpointSlice"
    paths = [write(tmp_path, "prometheus.yaml", PROMETHEUS.format(selectors=selectors)), write(tmp_path, "sm.yaml", KUBELET_MONITOR)]
    job = report(*paths)["jobs"][0]
    resources = {(r.get("api_group"), r.get("resource")) for r in job["requirements"] if r["verb"] == "list"}
    assert ("discovery.k8s.io", "endpointslices") in resources and ("", "endpoints") not in resources


def test_endpoints_role_on_a_prometheus_too_old_for_endpointslice_asks_for_the_version(tmp_path) -> None:
    # promcfg.go endpointRoleFlavor: serviceDiscoveryRole: EndpointSlice counts only from Prometheus 2.21.0, so
    # KS604's fix is the version (the role is already asked for), and the related location is spec.version.
    selectors = "  version: v2.20.1\n  serviceMonitorSelector: {}\n  serviceDiscoveryRole: EndpointSlice"
    paths = [write(tmp_path, "prometheus.yaml", PROMETHEUS.format(selectors=selectors)), write(tmp_path, "sm.yaml", KUBELET_MONITOR)]
    finding = next(f for f in report(*paths)["findings"] if f["rule"] == "KS604")
    assert finding["fix"].startswith("Set `version` of the Prometheus monitoring/k8s to v2.21.0 or later")
    assert "serviceDiscoveryRole: EndpointSlice` to" not in finding["fix"]
    assert finding["related"][0]["line"] == 6 and "v2.20.1" in finding["related"][0]["message"]


def test_additional_scrape_configs_from_base64_and_gzip_secrets(tmp_path) -> None:
    jobs_yaml = "- job_name: kubelet-extra\n  scheme: https\n  kubernetes_sd_configs: [{role: node}]\n"
    for key, blob in (("extra.yaml", jobs_yaml.encode()), ("extra.yaml.gz", gzip.compress(jobs_yaml.encode()))):
        secret = f"""\
        apiVersion: v1
        kind: Secret
        metadata: {{name: extra, namespace: monitoring}}
        data:
          {key}: {base64.b64encode(blob).decode()}
        """
        prometheus = PROMETHEUS.format(selectors=f"  additionalScrapeConfigs: {{name: extra, key: {key}}}")
        result = report(write(tmp_path, "prometheus.yaml", prometheus), write(tmp_path, "secret.yaml", secret))
        (job,) = [j for j in result["jobs"] if j["name"] == "kubelet-extra"]
        assert job["identity"] == "monitoring/prometheus-k8s" and job["targets"] == ["kubelet"]
        assert job["path"].endswith("secret.yaml") and job["line"] == 5  # pinned to the Secret key


def test_prometheus_config_in_secret_string_data_keeps_line_numbers(tmp_path) -> None:
    secret = """\
    apiVersion: v1
    kind: Secret
    metadata: {name: prometheus-config, namespace: monitoring}
    stringData:
      prometheus.yml: |
        scrape_configs:
          - job_name: nodes
            kubernetes_sd_configs:
              - role: node
    """
    (job,) = report(write(tmp_path, "secret.yaml", secret))["jobs"]
    assert job["name"] == "nodes" and job["line"] == 7


@needs_corpus
def test_kube_prometheus_is_a_correct_setup() -> None:
    result = report(str(CORPUS / "kube-prometheus"))
    access_errors = [f for f in result["findings"] if f["rule"].startswith("KS1") and f["severity"] == "error"]
    assert not access_errors, access_errors
    jobs = {j["name"]: j for j in result["jobs"] if j["identity"] == "monitoring/prometheus-k8s"}
    expected = {
        "serviceMonitor/monitoring/kubelet/0": "kubelet",
        "serviceMonitor/monitoring/kube-apiserver/0": "apiserver",
        "serviceMonitor/monitoring/kube-controller-manager/0": "control-plane",
        "serviceMonitor/monitoring/kube-scheduler/0": "control-plane",
        "serviceMonitor/monitoring/coredns/0": "workload",
    }
    for name, target in expected.items():
        assert jobs[name]["targets"] == [target], name
        assert jobs[name]["requirements"] and all(r["satisfied"] for r in jobs[name]["requirements"]), name


@needs_corpus
def test_opentelemetry_kubeletstats_needs_nodes_stats_and_pods() -> None:
    jobs = report(str(CORPUS / "opentelemetry-helm-charts"))["jobs"]
    demo = next(j for j in jobs if j["name"] == "kubeletstats /stats/summary")
    assert demo["identity"] == "default/otel-collector"
    assert [(r["resource"], r["subresource"], r["satisfied"]) for r in demo["requirements"]] == [("nodes", "stats", True)]
    pods = next(j for j in jobs if j["name"] == "kubelet_stats /pods")  # extra_metadata_labels reads /pods
    assert pods["identity"] == "default/example-daemon-collector"
    assert [(r["subresource"], r["satisfied"]) for r in pods["requirements"]] == [("pods", True)]


@pytest.mark.parametrize("workload_port, target", [(10259, "control-plane"), (9100, "workload")])
def test_podmonitor_port_name_resolves_through_the_pod_templates_in_the_inputs(tmp_path, workload_port, target) -> None:
    # A PodMonitor names a container port; the stand-in target takes the number the selected pods declare.
    pod_monitor = """\
    apiVersion: monitoring.coreos.com/v1
    kind: PodMonitor
    metadata: {name: scheduler, namespace: monitoring}
    spec:
      namespaceSelector: {matchNames: [kube-system]}
      selector: {matchLabels: {component: my-scheduler}}
      podMetricsEndpoints:
        - port: https-metrics
          scheme: https
          bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
    """
    deployment = f"""\
    apiVersion: apps/v1
    kind: Deployment
    metadata: {{name: my-scheduler, namespace: kube-system}}
    spec:
      selector: {{matchLabels: {{component: my-scheduler}}}}
      template:
        metadata: {{labels: {{component: my-scheduler}}}}
        spec:
          containers:
            - name: scheduler
              image: registry.k8s.io/kube-scheduler:v1.34.0
              ports: [{{name: https-metrics, containerPort: {workload_port}}}]
    """
    paths = [write(tmp_path, "prometheus.yaml", PROMETHEUS.format(selectors="  podMonitorSelector: {}")),
             write(tmp_path, "pm.yaml", pod_monitor), write(tmp_path, "deployment.yaml", deployment)]
    job = next(j for j in report(*paths)["jobs"] if j["name"] == "podMonitor/monitoring/scheduler/0")
    assert job["targets"] == [target]


@pytest.mark.parametrize("pattern, path, matches", [
    ("/metrics", "/metrics", True),
    ("/metrics*", "/metrics", True),
    ("/metrics*", "/metrics/slis", False),  # Go's path.Match: `*` stops at `/`
    ("/*", "/metrics", True),
    ("/*", "/metrics/slis", False),
    ("/met?ics", "/metrics", True),
    ("/[a-m]etrics", "/metrics", True),
    ("/[^a-m]etrics", "/metrics", False),
    ("/healthz", "/metrics", False),
    ("[", "/metrics", False),  # malformed: kube-rbac-proxy's match errors, nothing passes
])
def test_kube_rbac_proxy_path_flags_match_as_go_path_match(pattern: str, path: str, matches: bool) -> None:
    from kubelint_scrape.gopath import go_path_match

    assert go_path_match(pattern, path) is matches


def _monitored_apps(count: int) -> str:
    """One Prometheus selecting every ServiceMonitor of its namespace; `count` apps there, each a ServiceMonitor,
    the Service it selects and the Deployment that Service selects (a named targetPort, looked up in the pods)."""
    head = """apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec:
  serviceAccountName: prometheus
  serviceMonitorSelector: {}
"""
    return head + "".join(f"""---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {{name: app{i}, namespace: monitoring}}
spec:
  selector: {{matchLabels: {{app: app{i}}}}}
  endpoints: [{{port: web}}]
---
apiVersion: v1
kind: Service
metadata: {{name: app{i}, namespace: monitoring, labels: {{app: app{i}}}}}
spec:
  selector: {{app: app{i}}}
  ports: [{{name: web, port: 80, targetPort: http}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: app{i}, namespace: monitoring}}
spec:
  selector: {{matchLabels: {{app: app{i}}}}}
  template:
    metadata: {{labels: {{app: app{i}}}}}
    spec:
      containers: [{{name: app, image: "app:1", ports: [{{name: http, containerPort: {8000 + i}}}]}}]
""" for i in range(count))


def test_monitors_services_and_pods_of_one_namespace_stay_linear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PortBook tested every Service against each ServiceMonitor's selector and every pod against each selected
    Service's: monitors × Services × pods of one namespace (3,000 apps: 55 s). Counts selector tests and pod label
    look-ups, not time: doubling the apps about doubles them."""
    from kubelint_scrape.engine import Options, lint_paths
    from kubelint_scrape.model import LabelSelector, PodTemplate

    calls = {"n": 0}
    matches = LabelSelector.matches

    def counting(self, labels):
        calls["n"] += 1
        return matches(self, labels)

    class CountingLabels(dict):
        def get(self, key, default=None):
            calls["n"] += 1
            return dict.get(self, key, default)

    labels_of = PodTemplate.labels.func  # the cached_property's function

    monkeypatch.setattr(LabelSelector, "matches", counting)
    monkeypatch.setattr(PodTemplate, "labels", property(lambda pod: CountingLabels(labels_of(pod))))
    work, found = [], []
    for count in (40, 80):
        path = write(tmp_path, f"apps-{count}.yaml", _monitored_apps(count))
        calls["n"] = 0
        result = lint_paths([path], Options(select={"KS101"}))
        work.append(calls["n"])
        found.append(len(result.findings))
    assert work[1] <= 2.5 * work[0], work
    assert found[1] == 2 * found[0] > 0  # each app's job: discovery the prometheus account lacks (KS101)


def _teams_with_operator_prometheus(count: int) -> str:
    """A monorepo's shape: a Prometheus per team namespace (null monitor namespace selector: its own namespace) and
    three monitors per team."""
    return "---\n".join(f"""apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {{name: prom, namespace: team{i}}}
spec:
  serviceAccountName: prometheus
  serviceMonitorSelector: {{}}
  podMonitorSelector: {{}}
""" + "".join(f"""---
apiVersion: monitoring.coreos.com/v1
kind: {kind}
metadata: {{name: m{j}, namespace: team{i}}}
spec:
  selector: {{matchLabels: {{app: a{j}}}}}
  {"endpoints" if kind == "ServiceMonitor" else "podMetricsEndpoints"}: [{{port: http}}]
""" for j, kind in enumerate(("ServiceMonitor", "PodMonitor", "ServiceMonitor"))) for i in range(count))


def test_prometheus_per_team_tests_only_its_own_namespace_monitors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """operator_configs tested every monitor of the inputs against every Prometheus' selector (and parsed the
    selector again for each): teams² label selector tests, a third of a 300-team monorepo's re-lint in the language
    server (probe scale3). A runner whose monitor namespace selector is null looks at its own namespace's monitors
    only. Counts selector tests and parses, not time: doubling the teams about doubles them."""
    from kubelint_scrape.engine import Options, lint_paths
    from kubelint_scrape.model import LabelSelector

    calls = {"n": 0}
    matches, from_node = LabelSelector.matches, LabelSelector.from_node.__func__

    def counting(self, labels):
        calls["n"] += 1
        return matches(self, labels)

    def parsing(cls, node):
        calls["n"] += 1
        return from_node(cls, node)

    monkeypatch.setattr(LabelSelector, "matches", counting)
    monkeypatch.setattr(LabelSelector, "from_node", classmethod(parsing))
    work, jobs = [], []
    for count in (20, 40):
        path = write(tmp_path, f"teams-{count}.yaml", _teams_with_operator_prometheus(count))
        calls["n"] = 0
        result = lint_paths([path], Options(select={"KS101"}))
        work.append(calls["n"])
        jobs.append(sum(len(c.jobs) for c in result.analysis.configs if c.runner is not None))
    assert jobs == [60, 120]  # each Prometheus runs its own three monitors' jobs, no other team's
    assert work[1] <= 2.3 * work[0], work


def test_a_workspace_finds_a_source_by_path_without_scanning_them_all() -> None:
    """Workspace.source is asked for each monitor (the Operator's refusal check): a scan of every source per call was
    quadratic in a monorepo. The first source read from a path is the one found, as before."""
    from kubelint_scrape.load import parse_source
    from kubelint_scrape.model import Workspace

    class CountingPath(str):
        compared = 0

        def __eq__(self, other):
            CountingPath.compared += 1
            return str.__eq__(self, other)

        __hash__ = str.__hash__

    sources = [parse_source(f"/r/f{i}.yaml", "a: 1\n") for i in range(2000)]
    for source in sources:
        source.path = CountingPath(source.path)
    first, second = parse_source("/r/same.yaml", "a: 1\n"), parse_source("/r/same.yaml", "a: 2\n")
    workspace = Workspace(default_namespace="default", kubernetes_version=(1, 34), sources=[*sources, first, second])
    assert all(workspace.source(f"/r/f{i}.yaml") is sources[i] for i in range(2000))
    assert workspace.source("/r/same.yaml") is first and workspace.source("/r/none.yaml") is None
    assert CountingPath.compared < 10 * 2000  # a scan per call: ≈ 2,000² / 2


OPERATOR_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: monitoring}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - name: operator
        image: quay.io/prometheus-operator/prometheus-operator:v0.75.0
        args: {args}
"""

SCOPED_TENANTS = """\
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec:
  serviceAccountName: prometheus
  serviceMonitorNamespaceSelector: {}
  serviceMonitorSelector: {}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: app, namespace: team-a}
spec:
  selector: {matchLabels: {app: app}}
  endpoints: [{port: web}]
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: app, namespace: team-b}
spec:
  selector: {matchLabels: {app: app}}
  endpoints: [{port: web}]
"""


@pytest.mark.parametrize(("operators", "jobs"), [
    # Go's flag package takes -flag and --flag, `=value` or the next word (probe realworld18)
    ([["-namespaces", "monitoring,team-a"]], {"team-a"}),
    ([["--deny-namespaces=team-a"]], {"team-b"}),
    # --namespaces also limits where an operator runs Prometheus objects (PrometheusAllowList defaults to the allow
    # list, cmd/operator/main.go): neither operator runs Prometheus monitoring/k8s, so no job runs (probe hw10)
    ([["--namespaces=team-a"], ["--namespaces=team-b"]], set()),
    ([["--namespaces=monitoring,team-a"], ["--namespaces=monitoring,team-b"]], {"team-a", "team-b"}),
    ([["--namespaces=team-a,team-b", "--prometheus-instance-namespaces=monitoring"]], {"team-a", "team-b"}),
    ([["--prometheus-instance-namespaces=team-a"]], set()),
    ([["--deny-namespaces=monitoring"]], set()),
    ([["--namespaces=team-a"], ["--kubelet-service=kube-system/kubelet"]], {"team-a", "team-b"}),  # one watches all
    ([], {"team-a", "team-b"}),  # no operator in the inputs: where it watches is not known
    # --prometheus-instance-selector: the one operator runs only Prometheus objects whose labels match it
    ([["--prometheus-instance-selector=shard=blue"]], set()),
])
def test_operator_namespaces_flags_scope_the_monitors_it_sees(tmp_path: Path, operators, jobs) -> None:
    docs = [OPERATOR_DEPLOYMENT.format(name=f"operator-{i}", args=json.dumps(args)) for i, args in enumerate(operators)]
    path = write(tmp_path, "stack.yaml", "---\n".join([*docs, SCOPED_TENANTS]))
    seen = {j["name"].split("/")[1] for j in report(path)["jobs"] if j.get("identity")}
    assert seen == jobs


def test_prometheus_no_operator_selects_gets_ks100_on_its_monitors_naming_the_selector(tmp_path: Path) -> None:
    docs = [OPERATOR_DEPLOYMENT.format(name="operator", args=json.dumps(["--prometheus-instance-selector=shard=blue"])),
            SCOPED_TENANTS]
    findings = report(write(tmp_path, "stack.yaml", "---\n".join(docs)))["findings"]
    ks100 = [f for f in findings if f["rule"] == "KS100"]
    assert len(ks100) == 2 and all("match the --prometheus-instance-selector of no prometheus-operator" in f["message"]
                                   for f in ks100)
    assert not [f for f in findings if f["rule"] in ("KS101", "KS105")]


@pytest.mark.parametrize(("args", "fix"), [
    # the usual equality selector: the labels to add, written out (probe mutations16: the fix used to be the generic
    # "lint the monitor together with the Prometheus meant to select it", though that Prometheus is in the inputs)
    (["--prometheus-instance-selector=shard=blue"], "add `shard: blue` to its metadata.labels"),
    # the same with the operator's scope limited by --namespaces (OperatorScope known)
    (["--namespaces=monitoring,team-a,team-b", "--prometheus-instance-selector=shard=blue"],
     "add `shard: blue` to its metadata.labels"),
    (["--prometheus-instance-selector=shard in (blue,green)"], "give it metadata.labels that match it"),
])
def test_prometheus_no_operator_selects_gets_ks100_fix_labelling_it(tmp_path: Path, args, fix) -> None:
    docs = [OPERATOR_DEPLOYMENT.format(name="operator", args=json.dumps(args)), SCOPED_TENANTS]
    ks100 = [f for f in report(write(tmp_path, "stack.yaml", "---\n".join(docs)))["findings"] if f["rule"] == "KS100"]
    assert len(ks100) == 2
    for finding in ks100:
        assert finding["fix"].startswith(f"To have Prometheus monitoring/k8s run, {fix}: ")
        assert "prometheusOperator.prometheusInstanceSelector" in finding["fix"]


def test_monitor_the_operator_does_not_watch_gets_ks100_naming_the_flag(tmp_path: Path) -> None:
    docs = [OPERATOR_DEPLOYMENT.format(name="operator", args=json.dumps(["--namespaces=monitoring,team-a"])),
            SCOPED_TENANTS]
    path = write(tmp_path, "stack.yaml", "---\n".join(docs))
    [finding] = [f for f in report(path)["findings"] if f["rule"] == "KS100"]
    assert "watches only namespaces monitoring, team-a" in finding["message"]
    assert "add team-b to the --namespaces of the Prometheus Operator Deployment monitoring/operator" in finding["fix"]
    # (the team-a monitor, which the operator sees, lacks its RBAC here: KS101 about it alone)
    assert not [f for f in report(path)["findings"] if f["rule"] in ("KS101", "KS105") and "team-b" in f["message"]]


@pytest.mark.parametrize(("args", "unmanaged"), [
    ([], True),
    (["--disable-unmanaged-prometheus-configuration"], False),
    (["-disable-unmanaged-prometheus-configuration=true"], False),
    (["--disable-unmanaged-prometheus-configuration=false"], True),
    # a Go bool flag never takes the next word as its value: "false" is a positional argument
    (["--disable-unmanaged-prometheus-configuration", "false"], False),
    (["--disable-unmanaged-prometheus-configuration=true", "--disable-unmanaged-prometheus-configuration=0"], True),
])
def test_unmanaged_prometheus_ignores_additional_scrape_configs_unless_the_operator_disables_the_mode(tmp_path, args, unmanaged) -> None:
    # pkg/prometheus/server/operator.go createOrUpdateConfigurationSecret: no monitor selector and the flag unset →
    # an empty configuration Secret, additionalScrapeConfigs never loaded (prometheus-operator#2452).
    secret = """\
    apiVersion: v1
    kind: Secret
    metadata: {name: extra, namespace: monitoring}
    stringData:
      extra.yaml: |
        - job_name: blackbox
          static_configs: [{targets: ['blackbox:9115']}]
    """
    operator = textwrap.dedent("""\
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: prometheus-operator, namespace: monitoring}
    spec:
      template:
        spec:
          containers:
            - name: prometheus-operator
              image: quay.io/prometheus-operator/prometheus-operator:v0.86.0
              args: %s
    """) % json.dumps(args)
    prometheus = PROMETHEUS.format(selectors="  additionalScrapeConfigs: {name: extra, key: extra.yaml}")
    result = report(write(tmp_path, "prometheus.yaml", prometheus), write(tmp_path, "secret.yaml", secret),
                    write(tmp_path, "operator.yaml", operator))
    fired = [f for f in result["findings"] if f.get("data", {}).get("check") == "operator-additional-scrape-configs-unmanaged"]
    assert bool(fired) is unmanaged
    assert any(j["name"] == "blackbox" for j in result["jobs"])  # analysed either way: it runs once a selector is set
    if fired:
        assert fired[0]["severity"] == "warning" and "(blackbox)" in fired[0]["message"]
        assert "--disable-unmanaged-prometheus-configuration" in fired[0]["fix"]


@pytest.mark.parametrize("image, version", [
    ("quay.io/prometheus-operator/prometheus-operator:v0.68.0", (0, 68, 0)),
    ("docker.io/bitnami/prometheus-operator:0.65.1-debian-11-r0", (0, 65, 1)),
    ("registry.local:5000/prometheus-operator/prometheus-operator:v0.69.1@sha256:abc", (0, 69, 1)),
    ("quay.io/prometheus-operator/prometheus-operator:latest", None),
    ("quay.io/prometheus-operator/prometheus-operator@sha256:abc", None),
    ("registry.local:5000/prometheus-operator/prometheus-operator", None),
])
def test_operator_image_version(image, version):
    """The release an operator image's tag names: what tells whether scrapeConfigSelector alone keeps a Prometheus
    managed (v0.69.0, prometheus-operator#5941); a registry port is no tag."""
    from kubelint_scrape.operator import _image_version

    assert _image_version(image) == version


@pytest.mark.parametrize("image, operator", [
    ("quay.io/prometheus-operator/prometheus-operator:v0.68.0", True),
    ("rancher/mirrored-prometheus-operator-prometheus-operator:v0.65.1", True),
    ("docker.io/rancher/mirrored-prometheus-operator-prometheus-operator@sha256:abc", True),
    ("rancher/mirrored-prometheus-operator-prometheus-config-reloader:v0.65.1", False),
    ("quay.io/prometheus-operator/prometheus-config-reloader:v0.68.0", False),
    ("example.com/my-prometheus-operator:v1", False),
])
def test_the_operator_is_known_by_its_image_and_rancher_s_mirror_of_it(image, operator):
    """Rancher monitoring runs the operator from rancher/mirrored-prometheus-operator-prometheus-operator: its flags
    (--namespaces, --disable-unmanaged-prometheus-configuration) and its release count as the upstream image's."""
    from kubelint_scrape.operator import PROMETHEUS_OPERATOR_IMAGE

    assert bool(PROMETHEUS_OPERATOR_IMAGE.search(image)) is operator


@pytest.mark.parametrize(("args", "labels", "reconciles"), [
    ([], {}, True),
    (["--namespaces=monitoring,apps"], {}, True),
    (["--namespaces=apps"], {}, False),
    # --prometheus-instance-namespaces takes precedence over --namespaces for Prometheus objects (cmd/operator/main.go)
    (["--namespaces=apps", "--prometheus-instance-namespaces=monitoring"], {}, True),
    (["--namespaces", "monitoring", "--prometheus-instance-namespaces=apps"], {}, False),
    (["--deny-namespaces=monitoring"], {}, False),
    (["--deny-namespaces=kube-system"], {}, True),
    (["--prometheus-instance-selector=team=a"], {"team": "a"}, True),
    (["--prometheus-instance-selector=team=a"], {"team": "b"}, False),
    (["--prometheus-instance-selector", "team notin (b)"], {}, True),
])
def test_operator_reconciles_prometheus(args, labels, reconciles):
    """Which prometheus-operator decides the version-dependent unmanaged mode of a Prometheus: one that reconciles it."""
    from kubelint_scrape.model import K8sObject
    from kubelint_scrape.operator import _reconciles
    from kubelint_scrape.yamltree import YMap

    doc, metadata, written = YMap(), YMap(), YMap()
    written.update(labels)
    metadata.update(name="federate", namespace="monitoring", labels=written)
    doc["metadata"] = metadata
    runner = K8sObject(path="p.yaml", doc=doc, api_version="monitoring.coreos.com/v1", kind="Prometheus",
                       name="federate", namespace="monitoring", namespace_explicit=True)
    assert _reconciles(args, runner) is reconciles


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.mark.parametrize(("fixture", "where", "fix"), [
    # a Namespace whose labels the namespace selector does not match: the Namespace and the exact label
    ("KS100/fail-namespace-selector-labels-leave-out-a-namespace", "ServiceMonitor team-b/app",
     "Set `team: x` in metadata.labels of Namespace team-b (it has team: "),
    # no Namespace manifest in the inputs: the label it must carry, and how to give it
    ("KS100/fail-namespace-selector-labels-namespace-not-in-inputs", "ServiceMonitor team-b/app",
     "Give Namespace team-b the label `team: x` (`kubectl label namespace team-b team=x`)"),
    # --controller-id: annotate the Prometheus with the operator's id, or drop an annotation no operator matches
    ("KS100/fail-operator-controller-id-not-on-the-prometheus", "Prometheus monitoring/main",
     "To have Prometheus monitoring/main run, annotate it `operator.prometheus.io/controller-id: \"platform\"`"),
    ("KS100/fail-prometheus-controller-id-no-operator-has", "ServiceMonitor monitoring/app",
     "To have Prometheus monitoring/main run, remove its operator.prometheus.io/controller-id annotation"),
    # a Prometheus no operator runs, selecting no monitor: the flag to widen, at the Prometheus itself
    ("KS100/fail-operator-namespaces-leave-out-prometheus-with-additional-configs", "Prometheus monitoring/main",
     "To have Prometheus monitoring/main run, add monitoring to the --namespaces of the Prometheus Operator "
     "Deployment operators/prometheus-operator"),
])
def test_ks100_fix_names_what_to_change(fixture: str, where: str, fix: str) -> None:
    findings = [f for f in report(str(FIXTURES / fixture))["findings"] if f["rule"] == "KS100" and where in f["message"]]
    assert findings and all(f["fix"].startswith(fix) for f in findings), [f["fix"] for f in findings]


def test_ks100_fix_for_a_monitor_both_unrun_and_unselected_applied_clears_it(tmp_path: Path) -> None:
    """ServiceMonitor monitoring/app is left out twice: its Prometheus carries no controller-id annotation the
    operator wants, and the Prometheus' serviceMonitorSelector wants team=platform. The fix used to name the
    annotation alone: applied, KS100 stayed (for the label). Both are given, and applied the monitor is selected."""
    text = (FIXTURES / "KS100/fail-operator-controller-id-not-on-the-prometheus" / "stack.yaml").read_text()
    [finding] = [f for f in report(_write(tmp_path, text))["findings"]
                 if f["rule"] == "KS100" and "ServiceMonitor monitoring/app" in f["message"]]
    assert "annotate it `operator.prometheus.io/controller-id: \"platform\"`" in finding["fix"], finding["fix"]
    assert " Also add `team: platform` to metadata.labels of ServiceMonitor monitoring/app" in finding["fix"], finding["fix"]
    fixed = text.replace("metadata: {name: main, namespace: monitoring}\n",
                         "metadata: {name: main, namespace: monitoring, annotations: "
                         "{operator.prometheus.io/controller-id: \"platform\"}}\n").replace(
        "labels: {team: other}", "labels: {team: platform}")
    assert [f for f in report(_write(tmp_path, fixed))["findings"] if f["rule"] == "KS100"] == []


@pytest.mark.parametrize("value", ["on", "1"])
def test_ks100_label_fixes_quote_a_value_yaml_reads_otherwise(tmp_path: Path, value: str) -> None:
    """A namespace selector (and a monitor selector) wanting the label value "on" or "1": written plain as printed,
    `team: on` is the boolean true and `team: 1` a number (kubectl sets "true" or refuses it), and the selector still
    does not match. The fixes quote the value; applied as printed, KS100 is gone."""
    text = (FIXTURES / "KS100/fail-namespace-selector-labels-leave-out-a-namespace" / "stack.yaml").read_text()
    text = text.replace("{matchLabels: {team: x}}", f'{{matchLabels: {{team: "{value}"}}}}').replace(
        "labels: {team: x}}", f'labels: {{team: "{value}"}}}}').replace(
        "  serviceMonitorSelector: {}\n", f'  serviceMonitorSelector: {{matchLabels: {{tier: "{value}"}}}}\n').replace(
        "metadata: {name: app, namespace: team-a}", f'metadata: {{name: app, namespace: team-a, labels: {{tier: "{value}"}}}}')
    tier_b = f'metadata: {{name: app, namespace: team-b, labels: {{tier: "{value}"}}}}'
    labelled = text.replace("metadata: {name: app, namespace: team-b}", tier_b)
    [fix] = [f["fix"] for f in report(_write(tmp_path, labelled))["findings"] if f["rule"] == "KS100"]
    assert fix.startswith(f'Set `team: "{value}"` in metadata.labels of Namespace team-b'), fix
    text = text.replace("labels: {team: y}}", f'labels: {{team: "{value}"}}}}')  # the Namespace fix, as printed
    [fix] = [f["fix"] for f in report(_write(tmp_path, text))["findings"] if f["rule"] == "KS100"]
    assert fix.startswith(f'Add `tier: "{value}"` to metadata.labels of ServiceMonitor team-b/app'), fix
    text = text.replace("metadata: {name: app, namespace: team-b}", tier_b)  # the monitor fix, as printed
    assert [f for f in report(_write(tmp_path, text))["findings"] if f["rule"] == "KS100"] == []


def _write(tmp_path: Path, text: str) -> str:
    (tmp_path / "stack.yaml").write_text(text)
    return str(tmp_path)


def test_ks606_under_ignore_namespace_selectors_relates_the_prometheus_setting() -> None:
    """KS606 judges the Service of the monitor's own namespace, not team-b its namespaceSelector names: the finding
    says why, at the Prometheus' ignoreNamespaceSelectors."""
    [finding] = [f for f in report(str(FIXTURES / "KS606/fail-ignore-namespace-selectors-own-namespace-lacks-port"))["findings"]
                 if f["rule"] == "KS606"]
    assert "Service monitoring/app: http" in finding["message"] and "team-b" not in finding["message"]
    assert any("sets ignoreNamespaceSelectors" in r["message"] and r["line"] == 14 for r in finding["related"]), finding["related"]


@pytest.mark.parametrize("image_line", ['image: ""', "image: '{{ .Values.operator.image }}'"])
def test_an_operator_whose_image_is_filled_in_later_is_still_the_operator(tmp_path: Path, image_line: str) -> None:
    """OpenShift's cluster-monitoring-operator writes the prometheus-operator Deployment with `image: ""` (set at
    runtime): recognised by its name (or --prometheus-config-reloader), its --controller-id decides which Prometheus
    it runs. Unrecognised, the inputs held no operator at all, and the Prometheus without its annotation was taken to
    run."""
    text = (FIXTURES / "KS100/pass-prometheus-annotated-with-the-operator-controller-id" / "stack.yaml").read_text()
    blank = text.replace("image: quay.io/prometheus-operator/prometheus-operator:v0.80.0", image_line).replace(
        "- name: operator\n", "- name: prometheus-operator\n")
    assert "- name: prometheus-operator\n" in blank and image_line in blank
    assert [f for f in report(_write(tmp_path, blank))["findings"] if f["rule"] == "KS100"] == []
    unannotated = blank.replace("  annotations: {operator.prometheus.io/controller-id: platform}\n", "")
    assert unannotated != blank
    assert [f["message"] for f in report(_write(tmp_path, unannotated))["findings"]
            if f["rule"] == "KS100" and "--controller-id=platform" in f["message"]]


def test_is_prometheus_operator_by_image_name_or_flag() -> None:
    from types import SimpleNamespace

    from kubelint_scrape.operator import is_prometheus_operator

    def container(image: str, name: str = "x", args: tuple = ()) -> SimpleNamespace:
        return SimpleNamespace(image=image, name=name, command=[], args=list(args))

    assert is_prometheus_operator(container("quay.io/prometheus-operator/prometheus-operator:v0.80.0"))
    assert is_prometheus_operator(container("", name="prometheus-operator"))
    assert is_prometheus_operator(container("", args=("--prometheus-config-reloader=quay.io/x:v1",)))
    assert not is_prometheus_operator(container("", name="manager"))
    # a real image of something else keeps its own identity, whatever the container is called
    assert not is_prometheus_operator(container("example.com/my-operator:v1", name="prometheus-operator"))


@pytest.mark.parametrize("victoriametrics, kept", [(False, {"regex", "action", "target_label"}),
                                                   (True, {"source_labels", "regex", "action", "target_label"})])
def test_monitor_relabelings_keep_only_the_fields_the_crd_stores(victoriametrics: bool, kept: set[str]) -> None:
    """A Prometheus Operator relabeling has the CRD's fields only: `source_labels` (a Prometheus config's spelling)
    is dropped by the API server, so the job runs the keep without it (KS602 reports the key). The VictoriaMetrics
    operator's RelabelConfig takes either spelling."""
    from kubelint_scrape import operator
    from kubelint_scrape.load import parse_text

    documents, _findings, _text = parse_text(
        "/r/relabel.yaml", "- source_labels: [__meta_kubernetes_pod_name]\n  regex: web-.*\n  action: keep\n"
                           "  targetLabel: pod\n")
    (rule,) = operator._user_relabels(documents[0].root, victoriametrics=victoriametrics)
    assert set(rule) == kept


def test_prober_url_takes_host_or_host_port_only():
    """resource_selector.go validateProberURL (net.SplitHostPort, govalidator IsHost/IsPort): what the operator
    accepts as a Probe's spec.prober.url; anything else gets the Probe rejected (KS601)."""
    from kubelint_scrape.promvalidate import _valid_prober_url

    for accepted in ("blackbox:9115", "blackbox", "10.0.0.1:9115", "[fd00::10]:9115", "fd00::10",
                     "blackbox-exporter.monitoring.svc.cluster.local:19115"):
        assert _valid_prober_url(accepted), accepted
    for refused in ("http://blackbox:9115", "blackbox:9115/probe", "blackbox:0", "blackbox:65536", "", "blackbox:",
                    "black box:9115", "[fd00::10]"):
        assert not _valid_prober_url(refused), refused
