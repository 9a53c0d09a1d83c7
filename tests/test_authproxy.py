"""The inputs' kube-rbac-proxy pods as discovery would find them (authproxy.py), and what plain jobs make of them."""

from __future__ import annotations

from pathlib import Path

from kubelint_scrape.authproxy import declared_targets
from kubelint_scrape.engine import Options, lint_sources
from kubelint_scrape.load import parse_source

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "fixtures" / "KS104" / "fail-plain-config-kube-rbac-proxy-endpointslice"

APP = """
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: https, port: 443, targetPort: https}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{name: https, containerPort: 8443}]
"""


def _lint(texts: dict[str, str]):
    sources = [parse_source(path, text) for path, text in sorted(texts.items())]
    return lint_sources(sources, Options())


def _case_texts() -> dict[str, str]:
    return {str(p): p.read_text() for p in sorted(CASE.glob("*.yaml"))}


def test_proxy_pod_targets_carry_what_prometheus_sets() -> None:
    result = _lint(_case_texts())
    declared = declared_targets(result.analysis.workspace)
    [server] = declared.servers
    assert (server.pod.obj.name, server.container.name) == ("node-exporter", "kube-rbac-proxy")
    [(labels, index)] = declared.for_role("endpointslice", ["monitoring"])
    assert index == 0
    assert labels["__meta_kubernetes_service_name"] == "node-exporter"
    assert labels["__meta_kubernetes_endpointslice_port_name"] == "https"
    assert labels["__address__"].endswith(":9100")  # the named targetPort, resolved through the pod's ports
    assert labels["__meta_kubernetes_pod_container_name"] == "kube-rbac-proxy"
    assert "kube-rbac-proxy" in labels["__meta_kubernetes_pod_container_image"]
    assert labels["__meta_kubernetes_pod_controller_kind"] == "DaemonSet"
    # pod role: one target per container port, plus a portless one for the exporter container
    pods = declared.for_role("pod", None)
    assert sorted(index for _labels, index in pods) == [-1, 0]
    assert declared.for_role("endpointslice", ["default"]) == []


def test_ordinary_applications_are_not_discovered() -> None:
    """Only pods that run kube-rbac-proxy: an application kept by name is no authenticated target."""
    result = _lint({"app.yaml": APP})
    assert declared_targets(result.analysis.workspace).servers == []


def test_the_job_records_the_proxy_it_reaches() -> None:
    result = _lint(_case_texts())
    [job] = [j for j in result.analysis.jobs if j.job.name == "node-exporter"]
    assert [e.klass for e in job.endpoints] == ["kube-rbac-proxy"]
    [(index, path, _span)] = job.proxies
    server = declared_targets(result.analysis.workspace).servers[index]
    assert (server.container.name, path) == ("kube-rbac-proxy", "/metrics")


def test_a_proxy_that_ignores_the_path_is_a_workload_target() -> None:
    texts = _case_texts()
    exporter = next(p for p in texts if p.endswith("node-exporter.yaml"))
    texts[exporter] = texts[exporter].replace("--upstream=http://127.0.0.1:9101/",
                                              "--upstream=http://127.0.0.1:9101/\n        - --ignore-paths=/metrics")
    result = _lint(texts)
    [job] = [j for j in result.analysis.jobs if j.job.name == "node-exporter"]
    assert [e.klass for e in job.endpoints] == ["workload"]
    assert not [f for f in result.findings if f.rule in ("KS104", "KS112")]


# ---------------------------------------------------------------------------------------------- --config-file


def _proxy_need(case: str, edit=None):
    """The kube-rbac-proxy scrape need of the only job of a KS104 case (optionally with its texts edited)."""
    texts = {str(p): p.read_text() for p in sorted((ROOT / "fixtures" / "KS104" / case).glob("*.yaml"))}
    if edit is not None:
        texts = {path: edit(text) for path, text in texts.items()}
    result = _lint(texts)
    [job] = result.analysis.jobs
    [need] = [n for n in job.needs if n.target == "kube-rbac-proxy"]
    return need


def test_resource_attributes_replace_the_path() -> None:
    need = _proxy_need("fail-kube-rbac-proxy-config-resource-attributes")
    assert need.request.describe() == "get services/proxy named kube-state-metrics in namespace monitoring"
    assert not need.unchecked and need.satisfied is False
    assert need.review.holder == "ConfigMap monitoring/kube-state-metrics-rbac-proxy key config.yaml"


def test_config_keys_decode_as_encoding_json_does() -> None:
    # ghodss/yaml goes through encoding/json, which matches field names ignoring case.
    need = _proxy_need("fail-kube-rbac-proxy-config-resource-attributes",
                       lambda text: text.replace("      resourceAttributes:", "      ResourceAttributes:"))
    assert need.request.resource == "services" and need.request.subresource == "proxy"


def test_config_file_outside_the_inputs_keeps_the_path_unchecked() -> None:
    need = _proxy_need("pass-kube-rbac-proxy-config-file-not-in-inputs")
    assert need.request.url == "/metrics"
    assert "is not in the inputs" in need.unchecked and "kube-state-metrics-kube-rbac-proxy-config" in need.unchecked
    assert need.asks_rbac  # an unknown file may still ask RBAC: a grant that may serve it is not unused (KS203)


def test_rewritten_attributes_are_not_guessed() -> None:
    need = _proxy_need("pass-kube-rbac-proxy-config-rewrites-unknowable")
    assert need.request.resource_path == "namespaces/metrics" and need.request.name is None
    assert "query parameter `namespace`" in need.unchecked and "not knowable offline" in need.unchecked


def test_static_allow_list_allows_without_rbac() -> None:
    need = _proxy_need("pass-kube-rbac-proxy-config-static-allow")
    assert not need.asks_rbac and need.decision is None
    assert "static authorization" in need.unchecked
    other = _proxy_need("fail-kube-rbac-proxy-config-static-other-user")
    assert other.asks_rbac and other.satisfied is False


def _container(name: str, image: str, args: list[str]):
    from kubelint_scrape.model import Container
    from kubelint_scrape.yamltree import YMap

    return Container(name, image, [], args, [], YMap())


def test_a_proxy_is_recognised_without_its_image() -> None:
    """OpenShift's cluster-monitoring-operator assets leave `image: ""` for the operator to fill: the container's
    name or kube-rbac-proxy's flag pair says what it runs; a named other image is not taken on its name alone."""
    from kubelint_scrape.authproxy import is_rbac_proxy

    flags = ["--secure-listen-address=0.0.0.0:8443", "--upstream=http://127.0.0.1:8081/"]
    assert is_rbac_proxy(_container("proxy", "quay.io/brancz/kube-rbac-proxy:v0.19.1", []))
    assert is_rbac_proxy(_container("kube-rbac-proxy-self", "", []))
    assert is_rbac_proxy(_container("kube-rbac-proxy", "{{ .Values.proxy.image }}", []))
    assert is_rbac_proxy(_container("sidecar", "", flags))
    assert is_rbac_proxy(_container("sidecar", "mirror.example.com/auth/proxy:v1", flags))  # a mirrored image
    assert not is_rbac_proxy(_container("kube-rbac-proxy", "nginx:1.27", []))
    assert not is_rbac_proxy(_container("oauth-proxy", "", ["--upstream=http://localhost:9090", "--https-address=:9091"]))


def _proxied_apps(count: int) -> str:
    """`count` Deployments in one namespace, each with a kube-rbac-proxy sidecar and the Service selecting it."""
    return "---\n".join(f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: exp{i}, namespace: apps}}
spec:
  selector: {{matchLabels: {{app: exp{i}}}}}
  template:
    metadata: {{labels: {{app: exp{i}, tier: metrics}}}}
    spec:
      containers:
        - {{name: exp, image: "exp:1"}}
        - name: kube-rbac-proxy
          image: quay.io/brancz/kube-rbac-proxy:v0.18.0
          args: [--secure-listen-address=0.0.0.0:8443, --upstream=http://127.0.0.1:8080/]
          ports: [{{name: https, containerPort: 8443}}]
---
apiVersion: v1
kind: Service
metadata: {{name: exp{i}, namespace: apps}}
spec:
  selector: {{app: exp{i}, tier: metrics}}
  ports: [{{name: https, port: 8443, targetPort: https}}]
""" for i in range(count))


def test_services_of_proxied_pods_are_found_in_linear_work(monkeypatch) -> None:
    """Every Service was tested against every proxied pod (2,000 of each in one namespace: 30 s); now a pod looks
    up the Services filed under its label pairs. Counts selector tests, not time; each pod still gets its own
    Service's endpoint targets, tied to its own proxy."""
    from kubelint_scrape.model import PodTemplate

    calls = {"n": 0}
    selected_by = PodTemplate.selected_by

    def counting(self, service):
        calls["n"] += 1
        return selected_by(self, service)

    monkeypatch.setattr(PodTemplate, "selected_by", counting)
    work = []
    for count in (40, 80):
        calls["n"] = 0
        result = _lint({"apps.yaml": _proxied_apps(count)})  # builds the declared targets (once per workspace)
        work.append(calls["n"])
        declared = declared_targets(result.analysis.workspace)
        endpoints = declared.for_role("endpoints", ["apps"])
        assert sorted(index for _labels, index in endpoints) == list(range(count))
        assert all(labels["__meta_kubernetes_service_name"] == f"exp{index}" for labels, index in endpoints)
    assert 0 < work[0] and work[1] <= 2.5 * work[0], work


def test_a_target_relabelled_to_the_apps_port_does_not_reach_the_proxy() -> None:
    """Discovery finds the kube-rbac-proxy sidecar's :8443 (its image label names the proxy); the job rewrites the
    address to the pod's `prometheus.io/port`, the app's plain :8080. That scrape reaches the app: no review, no
    URL grant (KS104), no review grant for the proxy (KS112)."""
    case = ROOT / "fixtures" / "KS104" / "pass-annotation-port-of-app-beside-kube-rbac-proxy"
    result = _lint({str(p): p.read_text() for p in case.glob("*.yaml")})
    [job] = result.analysis.jobs
    assert not job.proxies
    assert "kube-rbac-proxy" not in {e.klass for e in job.endpoints}
    assert not [f for f in result.findings if f.rule in ("KS104", "KS112")]


UNCOVERED = """
apiVersion: v1
kind: Service
metadata: {name: app, namespace: shop}
spec:
  selector: {app: shop}
  ports:
  - {name: http, port: 80, targetPort: http}
  - {name: debug, port: 9999, targetPort: 9999}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: shop}
spec:
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers:
      - name: app
        image: example.com/shop:1.0
        ports: [{containerPort: 8080, name: http}]
      - name: kube-rbac-proxy
        image: quay.io/brancz/kube-rbac-proxy:v0.19.1
        args: [--secure-listen-address=0.0.0.0:8443, --upstream=http://127.0.0.1:8081/]
        ports: [{containerPort: 8443, name: https-metrics}]
"""


def test_endpoint_targets_follow_endpoints_go_for_ports() -> None:
    """endpoints.go/endpointslice.go: a container port no Service port covers gets its own target (the object's
    and the pod's labels, the container's, no port labels of the object); a Service port no container declares
    gets no container labels."""
    declared = declared_targets(_lint({"app.yaml": UNCOVERED}).analysis.workspace)
    for role, port_label in (("endpoints", "__meta_kubernetes_endpoint_port_name"),
                             ("endpointslice", "__meta_kubernetes_endpointslice_port_name")):
        by_address = {labels["__address__"].rsplit(":", 1)[1]: (labels, index) for labels, index in declared.for_role(role, None)}
        assert sorted(by_address) == ["8080", "8443", "9999"]
        proxy, index = by_address["8443"]
        assert index == 0 and port_label not in proxy
        assert proxy["__meta_kubernetes_pod_container_port_name"] == "https-metrics"
        assert proxy["__meta_kubernetes_pod_container_name"] == "kube-rbac-proxy"
        assert proxy["__meta_kubernetes_service_name"] == "app"
        undeclared, index = by_address["9999"]
        assert index == -1 and undeclared[port_label] == "debug"
        assert not [name for name in undeclared if name.startswith("__meta_kubernetes_pod_container_")]
        assert by_address["8080"][0]["__meta_kubernetes_pod_container_name"] == "app"


def _ks104_fix(tmp_path, fixture: str, drop: str) -> str:
    """The KS104 fix of a fixture copied with `drop` (the scraper's binding of the reader role) cut out."""
    import shutil
    from pathlib import Path

    from kubelint_scrape.engine import Options, lint_paths

    source = Path(__file__).resolve().parent.parent / "fixtures" / "KS104" / fixture
    for file in source.glob("*.yaml"):
        shutil.copy(file, tmp_path / file.name)
    prometheus = tmp_path / "prometheus.yaml"
    text = prometheus.read_text()
    assert drop in text
    prometheus.write_text(text.replace(drop, ""))
    found = lint_paths([str(tmp_path)], Options()).findings
    [ks104] = [f for f in found if f.rule == "KS104"]
    return ks104.fix


READER_BINDING_V3 = """---
# The scaffold's reader role bound to the scraper, as kubebuilder's docs ask.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: project-metrics-reader-prometheus-k8s
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: project-metrics-reader
subjects:
  - kind: ServiceAccount
    name: prometheus-k8s
    namespace: monitoring
"""


def test_ks104_fix_of_kube_rbac_proxy_binds_the_scaffold_reader_role(tmp_path):
    """kubebuilder v3's scaffold ships an unbound `metrics-reader` ClusterRole granting `get /metrics`
    (config/rbac/auth_proxy_client_clusterrole.yaml) beside the kube-rbac-proxy sidecar: the KS104 fix binds it to
    the scraper, as for a controller-runtime secure server, before offering a new rule."""
    fix = _ks104_fix(tmp_path, "pass-kubebuilder-v3-kube-rbac-proxy", READER_BINDING_V3)
    assert fix.startswith("Bind the operator's ClusterRole project-metrics-reader (it grants get /metrics;"), fix
    assert "    name: project-metrics-reader\n" in fix and "\nOr:\n" in fix, fix


def test_ks104_fix_of_controller_runtime_binds_the_same_reader_role(tmp_path):
    """The same helper serves kubebuilder v4's controller-runtime secure server (config/rbac/metrics_reader_role.yaml):
    both fixes read alike."""
    fix = _ks104_fix(tmp_path, "pass-controller-runtime-metrics-reader-bound", READER_BINDING_V3)
    assert fix.startswith("Bind the operator's ClusterRole project-metrics-reader (it grants get /metrics;"), fix


def test_ks104_fix_repairs_the_scrapers_binding_of_a_reader_role_that_does_not_exist(tmp_path):
    """The scraper's ClusterRoleBinding names `project-metrics-reader` while the inputs define the reader role under
    another prefix (`team-metrics-reader`: the kustomize prefix changed): the fix repairs that binding's roleRef
    (KS502 reports it) instead of proposing a second binding beside it (probe mutations15, prefix-changed)."""
    import shutil
    from pathlib import Path

    from kubelint_scrape.engine import Options, lint_paths

    source = Path(__file__).resolve().parent.parent / "fixtures" / "KS104" / "pass-kubebuilder-v3-kube-rbac-proxy"
    for file in source.glob("*.yaml"):
        shutil.copy(file, tmp_path / file.name)
    operator = tmp_path / "operator.yaml"
    operator.write_text(operator.read_text().replace("  name: project-metrics-reader\n", "  name: team-metrics-reader\n"))
    found = lint_paths([str(tmp_path)], Options()).findings
    [ks104] = [f for f in found if f.rule == "KS104"]
    assert ks104.fix.startswith(
        "ClusterRoleBinding/project-metrics-reader-prometheus-k8s binds ClusterRole project-metrics-reader, which does "
        "not exist (KS502): set its `roleRef.name: team-metrics-reader`"), ks104.fix
    assert [f.rule for f in found if f.rule == "KS502"] == ["KS502"]


OTHER_PROMETHEUS = """apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata:
  name: k8s
  namespace: monitoring
spec:
  serviceAccountName: prometheus-k8s
  serviceMonitorSelector: {}
  serviceMonitorNamespaceSelector: {}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: prometheus-k8s
  namespace: monitoring
"""


def test_ks104_reader_role_fix_names_a_binding_no_other_binding_has(tmp_path):
    """The reader role already bound to another scraper by a ClusterRoleBinding of the name the fix would give its
    new one (`<role>-<sa>`: the other Prometheus's ServiceAccount has the same name in another namespace): applied,
    a binding of that name replaces the other's subjects and takes get /metrics from it; the fix names a free one."""
    other = (OTHER_PROMETHEUS + READER_BINDING_V3).replace("namespace: monitoring\n", "namespace: monitoring-b\n")
    fix = _ks104_fix(tmp_path, "pass-kubebuilder-v3-kube-rbac-proxy", READER_BINDING_V3)
    assert "    name: project-metrics-reader-prometheus-k8s\n" in fix, fix
    (tmp_path / "other.yaml").write_text(other)
    from kubelint_scrape.engine import Options, lint_paths

    [ks104] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS104"]
    assert "    name: project-metrics-reader-prometheus-k8s-2\n" in ks104.fix, ks104.fix


def test_ks112_relates_the_bindings_that_name_the_proxy_account_not_its_groups() -> None:
    """KS112's related locations show the bindings of the proxy's ServiceAccount itself; a binding to a group every
    account is in (a copy of the cluster's bootstrap `system:discovery` for system:authenticated) explains nothing."""
    case = ROOT / "fixtures" / "KS112" / "fail-servicemonitor-proxy-without-subjectaccessreviews"
    texts = {str(path): path.read_text() for path in case.glob("*.yaml")}
    texts[str(case / "bootstrap.yaml")] = (
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: discovery-copy\n"
        "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:discovery}\n"
        "subjects:\n- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:authenticated}\n")
    (finding,) = [f for f in _lint(texts).findings if f.rule == "KS112"]
    bound = [r.message for r in finding.related if " binds " in r.message]
    assert bound == ["ClusterRoleBinding/node-exporter binds ClusterRole/node-exporter to monitoring/node-exporter"]
