"""Fix texts of the transport rules that depend on what the job scrapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubelint_scrape.analyse import Assumptions
from kubelint_scrape.engine import Options, lint_paths
from manifests import (APISERVER_MONITOR, operator_prometheus, prometheus_deployment, read_only_kubelet_monitor,
                       scraper_rbac)

CONTROLLER_MANAGER_JOB = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus, namespace: monitoring}
data:
  prometheus.yml: |
    scrape_configs:
      - job_name: kube-controller-manager
        scheme: https
        bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token
        tls_config:
          insecure_skip_verify: true
        static_configs:
          - targets: ["10.0.0.10:10257"]
---
""" + prometheus_deployment()


def test_ks301_fix_for_a_control_plane_target_names_its_own_certificate_flags(tmp_path: Path) -> None:
    (tmp_path / "prometheus.yaml").write_text(CONTROLLER_MANAGER_JOB)
    found = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS301"]
    assert len(found) == 1
    assert "kube-controller-manager and kube-scheduler: `--tls-cert-file`" in found[0].fix
    assert "kube-rbac-proxy" not in found[0].fix


# strimzi's additional scrape config: cadvisor through the API-server proxy with the SA CA *and* the skip.
PROXY_JOB_SKIPPING_BESIDE_THE_CA = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus, namespace: monitoring}
data:
  prometheus.yml: |
    scrape_configs:
      - job_name: kubernetes-cadvisor
        scheme: https
        bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token
        tls_config:
          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
          insecure_skip_verify: true
        kubernetes_sd_configs:
          - role: node
        relabel_configs:
          - target_label: __address__
            replacement: kubernetes.default.svc:443
          - source_labels: [__meta_kubernetes_node_name]
            regex: (.+)
            target_label: __metrics_path__
            replacement: /api/v1/nodes/${1}/proxy/metrics/cadvisor
""" + CONTROLLER_MANAGER_JOB.split("---\n", 1)[1].join(["---\n", ""])


def test_ks301_fix_only_deletes_the_skip_when_the_job_already_names_the_cluster_ca(tmp_path: Path) -> None:
    # "Replace the skip with ca_file" would give tls_config a second ca_file key, which Prometheus refuses.
    (tmp_path / "prometheus.yaml").write_text(PROXY_JOB_SKIPPING_BESIDE_THE_CA)
    found = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS301"]
    assert len(found) == 1
    assert found[0].fix.startswith("Delete `insecure_skip_verify: true` (the CA it verifies against, "
                                   "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt, is already the cluster CA)")
    assert "Replace" not in found[0].fix


# kubernetes/kubernetes cluster/addons/prometheus: the API server job names the SA CA *and* skips verification.
APISERVER_JOB_SKIPPING_BESIDE_THE_CA = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus, namespace: monitoring}
data:
  prometheus.yml: |
    scrape_configs:
      - job_name: kubernetes-apiservers
        kubernetes_sd_configs:
          - role: endpoints
        relabel_configs:
          - action: keep
            regex: default;kubernetes;https
            source_labels: [__meta_kubernetes_namespace, __meta_kubernetes_service_name, __meta_kubernetes_endpoint_port_name]
        scheme: https
        tls_config:
          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
          insecure_skip_verify: true
        bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token
""" + CONTROLLER_MANAGER_JOB.split("---\n", 1)[1].join(["---\n", ""])


def test_ks301_fix_adds_server_name_after_deleting_the_skip(tmp_path: Path) -> None:
    # "Delete `insecure_skip_verify: true` … and `server_name: kubernetes`" read as deleting both.
    (tmp_path / "prometheus.yaml").write_text(APISERVER_JOB_SKIPPING_BESIDE_THE_CA)
    found = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS301"]
    assert len(found) == 1
    assert found[0].fix.startswith("Delete `insecure_skip_verify: true` (the CA it verifies against, "
                                   "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt, is already the cluster CA) "
                                   "and add `server_name: kubernetes`: "), found[0].fix
    named = APISERVER_JOB_SKIPPING_BESIDE_THE_CA.replace(
        "          insecure_skip_verify: true\n", "          insecure_skip_verify: true\n          server_name: kubernetes\n")
    (tmp_path / "prometheus.yaml").write_text(named)
    found = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS301"]
    assert len(found) == 1 and "server_name" not in found[0].fix, found[0].fix


def test_ks304_names_the_monitor_field_that_is_missing(tmp_path: Path) -> None:
    """A ServiceMonitor endpoint verifying the kubelets with the system roots is told about `tlsConfig.caFile`, the
    field it would set, not Prometheus' `ca_file` (the b3 mutation that drops `insecureSkipVerify`)."""
    baseline = Path(__file__).parent / "mutation" / "baselines" / "b3-op"
    text = (baseline / "op.yaml").read_text().replace(
        "      tlsConfig:\n        insecureSkipVerify: true\n    - port: https-metrics\n      path", "    - port: https-metrics\n      path", 1)
    (tmp_path / "op.yaml").write_text(text)
    messages = [f.message for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS304"]
    assert messages and all("(no tlsConfig.caFile)" in m for m in messages), messages


def test_ks306_fix_names_the_monitor_field_for_a_dedicated_credential() -> None:
    # A monitor has no credentials_file: its own credential is a Secret referenced from authorization.credentials.
    case = Path(__file__).parent.parent / "fixtures" / "KS306" / "fail-token-to-custom-opt-in"
    fixes = {Path(f.span.path).name: f.fix for f in lint_paths([str(case)], Options()).findings if f.rule == "KS306"}
    assert "referenced with `authorization.credentials`" in fixes["operator.yaml"]
    assert "referenced with `credentials_file`" in fixes["prometheus.yaml"]


def test_ks302_fix_keeps_a_monitor_kind_that_cannot_send_the_token_file() -> None:
    # A ScrapeConfig takes only Secret/ConfigMap references (SafeAuthorization, SafeTLSConfig): it cannot name
    # bearerTokenFile, but `authorization.credentials` with a service-account-token Secret sends the same token,
    # so the fix keeps the ScrapeConfig (before: "Replace this ScrapeConfig with a ServiceMonitor").
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS302" / "fail-scrapeconfig-node-role-read-only-port"
    (finding,) = [f for f in lint_paths([str(case)], Options(select={"KS302"})).findings]
    assert finding.fix.startswith("Scrape the kubelet's authenticated port 10250 (`<node>:10250`, the `role: Node` "
                                  "default: drop the rewrite to :10255) instead, with `scheme: HTTPS`, "
                                  "`authorization: {credentials: {name: <Secret>, key: token}}`")
    assert "not the token file: a ScrapeConfig takes only Secret and ConfigMap references" in finding.fix
    assert "ServiceMonitor" not in finding.fix and "bearerTokenFile" not in finding.fix


READ_ONLY_POD_MONITOR = """\
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: kubelet, namespace: monitoring}
spec:
  namespaceSelector: {any: true}
  selector: {matchLabels: {app: prometheus}}
  podMetricsEndpoints:
    - relabelings:
        - sourceLabels: [__meta_kubernetes_pod_host_ip]
          targetLabel: __address__
          replacement: ${1}:10255
"""


def test_ks302_fix_for_a_pod_monitor_names_the_token_secret_and_the_cluster_ca(tmp_path: Path) -> None:
    # kubelets signed by the cluster CA: the PodMonitor verifies them with the kube-root-ca.crt ConfigMap, the
    # token comes from a Secret of the Prometheus' ServiceAccount in the PodMonitor's namespace.
    (tmp_path / "op.yaml").write_text(operator_prometheus(pod_monitors=True, deny_file_access=False) + "---\n"
                                      + READ_ONLY_POD_MONITOR)
    options = Options(select={"KS302"}, assumptions=Assumptions(kubelet_serving_cert="cluster-ca"))
    (finding,) = lint_paths([str(tmp_path)], options).findings
    assert finding.fix.startswith("Scrape the kubelet's authenticated port 10250 (`<node>:10250`) instead, with "
                                  "`scheme: https`, `authorization: {credentials: {name: <Secret>, key: token}}` "
                                  "(<Secret>: a Secret of type kubernetes.io/service-account-token with annotation "
                                  "`kubernetes.io/service-account.name: prometheus` in the PodMonitor's namespace "
                                  "monitoring, where the operator reads it; not the token file: a PodMonitor takes "
                                  "only Secret and ConfigMap references) and "
                                  "`tlsConfig.ca: {configMap: {name: kube-root-ca.crt, key: ca.crt}}`"), finding.fix


def test_ks303_fix_for_a_scheme_set_by_relabelling_addresses_the_rule() -> None:
    """The job already says `scheme: https`; a relabel rule lets a pod's annotation pick http. The fix and the
    related location must name that rule, not tell the user to set the scheme the job already has."""
    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "KS303" / "fail-pod-annotation-picks-http-scheme"
    found = [f for f in lint_paths([str(fixture)], Options()).findings if f.rule == "KS303"]
    assert len(found) == 1
    assert "drop the relabel rule that writes `__scheme__`" in found[0].fix
    assert "scrape it with `scheme: https`" not in found[0].fix
    assert [r.message for r in found[0].related] == ["sets __scheme__ per target, letting a target pick http"]
    assert found[0].related[0].span.line == 20


def test_ks302_fix_names_no_file_where_the_prometheus_denies_file_access(tmp_path: Path) -> None:
    # `bearerTokenFile` and `tlsConfig.caFile` are what arbitraryFSAccessThroughSMs.deny rejects (KS603)
    (tmp_path / "m.yaml").write_text(operator_prometheus(service_account=None) + "---\n" + read_only_kubelet_monitor())
    (finding,) = lint_paths([str(tmp_path)], Options(select={"KS302"})).findings
    assert "bearerTokenFile:" not in finding.fix and "caFile:" not in finding.fix, finding.fix
    assert "`authorization: {credentials: {name: <Secret>, key: token}}`" in finding.fix
    # kubelets self-sign (the default assumption): the cluster CA in kube-root-ca.crt would fail (KS304)
    assert "kube-root-ca.crt" not in finding.fix, finding.fix
    assert "`tlsConfig: {insecureSkipVerify: true}  # kubelint-scrape: ignore[KS301] " in finding.fix
    signed = lint_paths([str(tmp_path)], Options(Assumptions(kubelet_serving_cert="cluster-ca"), select={"KS302"})).findings
    assert "`tlsConfig.ca: {configMap: {name: kube-root-ca.crt, key: ca.crt}}`" in signed[0].fix, signed[0].fix


def test_ks301_fix_only_deletes_the_skip_when_the_monitor_takes_the_cluster_ca_from_kube_root_ca(tmp_path: Path) -> None:
    # tlsConfig.ca from ConfigMap kube-root-ca.crt is the cluster CA: "replace insecureSkipVerify with tlsConfig.ca"
    # would write a second `ca`
    (tmp_path / "m.yaml").write_text(APISERVER_MONITOR + """\
      authorization: {credentials: {name: prometheus-token, key: token}}
      tlsConfig:
        ca: {configMap: {name: kube-root-ca.crt, key: ca.crt}}
        insecureSkipVerify: true
---
apiVersion: v1
kind: Service
metadata: {name: kubernetes, namespace: default, labels: {component: apiserver, provider: kubernetes}}
spec:
  ports: [{name: https, port: 443, targetPort: 6443}]
""")
    (finding,) = lint_paths([str(tmp_path)], Options(select={"KS301"})).findings
    assert finding.fix.startswith("Delete `tlsConfig.insecureSkipVerify: true` (its `tlsConfig.ca` already names the "
                                  "cluster CA)"), finding.fix


READ_ONLY_KUBELET_MONITOR_ELSEWHERE = operator_prometheus() + "---\n" + scraper_rbac("""\
- apiGroups: [""]
  resources: [endpoints, pods, services]
  verbs: [list, watch]
- apiGroups: [""]
  resources: [nodes/metrics]
  verbs: [get]
""") + read_only_kubelet_monitor("kube-system", https_port=True)


def test_ks302_secret_fix_applied_as_written_leaves_no_finding(tmp_path: Path) -> None:
    """KS302 for a ServiceMonitor in kube-system whose Prometheus (monitoring, arbitraryFSAccessThroughSMs.deny)
    runs as monitoring/prometheus. The fix put the token Secret "in the monitor's namespace" (a token of
    kube-system/prometheus, which does not exist: KS109, then KS102 as that account) and verified the self-signed
    kubelets with kube-root-ca.crt (KS304, x509 errors on every node). Applied as written now, nothing is left
    but the Endpoints deprecation note, and the job still scrapes the kubelets."""
    import re
    (tmp_path / "m.yaml").write_text(READ_ONLY_KUBELET_MONITOR_ELSEWHERE)
    (ks302,) = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS302"]
    fix = ks302.fix
    assert "(10250) instead, with `scheme: https`, `authorization: {credentials: {name: <Secret>, key: token}}`" in fix
    tls = re.search(r"and `(tlsConfig: \{insecureSkipVerify: true\}  # [^`]*)`", fix).group(1)
    moved = re.search(r"in namespace (\S+): .* move the ServiceMonitor to namespace \1 with `namespaceSelector: "
                      r"(\{matchNames: \[kube-system\]\})`", fix)
    annotation = re.search(r"`kubernetes.io/service-account.name: (\S+)`", fix).group(1)
    assert moved and annotation == "prometheus", fix
    fixed = READ_ONLY_KUBELET_MONITOR_ELSEWHERE.replace(
        "metadata: {name: kubelet, namespace: kube-system}\nspec:\n",
        f"metadata: {{name: kubelet, namespace: {moved.group(1)}}}\nspec:\n  namespaceSelector: {moved.group(2)}\n").replace(
        "  endpoints: [{port: http-metrics}]",
        "  endpoints:\n    - port: https-metrics\n      scheme: https\n"
        "      authorization: {credentials: {name: prometheus-token, key: token}}\n      " + tls) + f"""---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: prometheus-token
  namespace: {moved.group(1)}
  annotations: {{kubernetes.io/service-account.name: {annotation}}}
"""
    (tmp_path / "m.yaml").write_text(fixed)
    report = lint_paths([str(tmp_path)], Options())
    assert [f.rule for f in report.findings] == ["KS604"], [(f.rule, f.message) for f in report.findings]
    [analysis] = report.analysis.jobs
    assert {e.klass for e in analysis.endpoints} == {"kubelet"}


def test_ks302_fix_for_a_prometheus_config_skips_verification_of_self_signed_kubelets(tmp_path: Path) -> None:
    # `tls_config: {ca_file: .../ca.crt}` against self-signed kubelets: KS304, every node fails with x509 errors
    (tmp_path / "p.yaml").write_text(CONTROLLER_MANAGER_JOB.replace("kube-controller-manager", "kubelet").replace(
        "        scheme: https\n        bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n"
        "        tls_config:\n          insecure_skip_verify: true\n", "").replace("10.0.0.10:10257", "10.0.0.21:10255"))
    (ks302,) = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS302"]
    assert "`tls_config: {insecure_skip_verify: true}  # kubelint-scrape: ignore[KS301] kubelets self-sign" in ks302.fix
    assert "ca_file: /var" not in ks302.fix.split("(the cluster CA")[0], ks302.fix


# A pod job with the token: the representative hostNetwork pods (etcd on the control-plane node) sit at the API
# server's endpoint IP, and the message named them "default/kubernetes (:80)" — a Service on another port.
UNFILTERED_POD_JOB_WITH_TOKEN = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus, namespace: monitoring}
data:
  prometheus.yml: |
    scrape_configs:
      - job_name: kubernetes-pods
        bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token
        kubernetes_sd_configs:
          - role: pod
---
""" + prometheus_deployment()


def test_ks303_and_ks306_name_an_unfiltered_pod_job_s_targets_as_any_application(tmp_path: Path) -> None:
    (tmp_path / "prometheus.yaml").write_text(UNFILTERED_POD_JOB_WITH_TOKEN)
    found = {f.rule: f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule in ("KS303", "KS306")}
    assert "over plain HTTP to discovered application pods and services:" in found["KS303"].message
    assert "default/kubernetes" not in found["KS303"].message
    assert found["KS306"].data["targets"] == ["discovered application pods and services"]


def test_ks306_fix_for_a_port_name_pattern_applied_leaves_the_job_scraping_without_the_token(tmp_path: Path) -> None:
    """`keep` on a port name `.*-metrics` and a `drop` of pods with an empty `name` label: both are set by the
    workload's owner. Removing the token, as the fix says, leaves no KS306, no KS303 and no access finding."""
    case = Path(__file__).parent.parent / "fixtures" / "KS306" / "fail-port-name-pattern-gets-the-token"
    [finding] = [f for f in lint_paths([str(case)], Options()).findings if f.rule == "KS306"]
    assert finding.fix.startswith("Remove `bearer_token_file` from this job"), finding.fix
    for source in case.glob("*.yaml"):
        text = source.read_text()
        if source.name == "prometheus-config.yaml":
            assert text.count("bearer_token_file:") == 1
            text = "".join(line for line in text.splitlines(True) if "bearer_token_file:" not in line)
        (tmp_path / source.name).write_text(text)
    assert not [f"{f.rule} {f.message}" for f in lint_paths([str(tmp_path)], Options()).findings]


# KS302 for the kinds that take only Secret/ConfigMap references, applied literally. Each writes the fix's keys where
# its CRD has them (v1 probe_types.go: a Probe's scheme and address are its prober's; v1alpha1 scrapeconfig_types.go:
# scheme enum HTTP;HTTPS; SafeAuthorization, SafeTLSConfig on all three).
_KUBELET_TOKEN_SECRET = """\
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata:
  name: prometheus-token
  namespace: monitoring
  annotations: {kubernetes.io/service-account.name: prometheus}
"""
_READ_ONLY_PROBE = """\
apiVersion: monitoring.coreos.com/v1
kind: Probe
metadata: {name: kubelet, namespace: monitoring}
spec:
  prober:
    url: 10.0.0.21:10255
    path: /metrics
  targets:
    staticConfig:
      static: [node-1]
"""
_READ_ONLY_SCRAPE_CONFIG = """\
apiVersion: monitoring.coreos.com/v1alpha1
kind: ScrapeConfig
metadata: {name: kubelet, namespace: monitoring}
spec:
  kubernetesSDConfigs:
    - role: Node
  relabelings:
    - sourceLabels: [__address__]
      regex: (.+):10250
      replacement: ${1}:10255
      targetLabel: __address__
"""
_KIND_SETUP = {
    "PodMonitor": (READ_ONLY_POD_MONITOR, "pods", "podMonitorSelector"),
    "Probe": (_READ_ONLY_PROBE, None, "probeSelector"),
    "ScrapeConfig": (_READ_ONLY_SCRAPE_CONFIG, "nodes", "scrapeConfigSelector"),
}


def _apply_kubelet_fix(kind: str, monitor: str, fix: str) -> str:
    """The KS302 fix written into the monitor as it says: the address moved to :10250 (a Probe's prober.url, a
    PodMonitor's rewrite, a ScrapeConfig's rewrite dropped as named), then each quoted setting at its key."""
    import re
    settings = re.findall(r"`((?:prober\.)?scheme: \w+)`|`(authorization: \{[^`]*\})`|`(tlsConfig: \{[^`]*)`", fix)
    scheme, auth, tls = (next(s[i] for s in settings if s[i]) for i in range(3))
    auth = auth.replace("<Secret>", "prometheus-token")
    if kind == "Probe":
        assert "`prober.url: <node>:10250`" in fix and scheme == "prober.scheme: https", fix
        return monitor.replace("10.0.0.21:10255\n", f"10.0.0.21:10250\n    {scheme.split('.')[1]}\n") + f"  {auth}\n  {tls}\n"
    if kind == "ScrapeConfig":
        assert "drop the rewrite to :10255" in fix and scheme == "scheme: HTTPS", fix
        return monitor.split("  relabelings:")[0] + f"  {scheme}\n  {auth}\n  {tls}\n"
    assert "(`<node>:10250`)" in fix and scheme == "scheme: https", fix
    return monitor.replace("${1}:10255\n", f"${{1}}:10250\n      {scheme}\n      {auth}\n      {tls}\n")


@pytest.mark.parametrize("kind", sorted(_KIND_SETUP))
def test_ks302_fix_for_a_kind_without_files_applied_leaves_the_kubelets_scraped(tmp_path: Path, kind: str) -> None:
    """Applied literally, the fix leaves nothing and the job still scrapes the kubelets. A Probe's `scheme: https`
    was written at spec level, which ProbeSpec has not: the prober stayed on HTTP (KS303) and the suppression of
    the TLS skip was stale (KS002)."""
    monitor, discovered, selector = _KIND_SETUP[kind]
    prometheus = operator_prometheus(deny_file_access=False).replace(
        "  serviceMonitorSelector: {}\n", f"  {selector}: {{}}\n")
    discovery = f"- apiGroups: [\"\"]\n  resources: [{discovered}]\n  verbs: [list, watch]\n" if discovered else ""
    granted = discovery + "- apiGroups: [\"\"]\n  resources: [nodes/metrics]\n  verbs: [get]\n"  # "and grant"
    account = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: prometheus, namespace: monitoring}\n---\n"
    (tmp_path / "op.yaml").write_text(prometheus + "---\n" + (scraper_rbac(discovery) if discovery else account) + monitor)
    found = lint_paths([str(tmp_path)], Options()).findings
    assert [f.rule for f in found] == ["KS302"], [(f.rule, f.message) for f in found]
    fixed = _apply_kubelet_fix(kind, monitor, found[0].fix)
    (tmp_path / "op.yaml").write_text(prometheus + "---\n" + scraper_rbac(granted) + fixed + _KUBELET_TOKEN_SECRET)
    report = lint_paths([str(tmp_path)], Options())
    assert not report.findings, [(f.rule, f.message) for f in report.findings]
    [analysis] = report.analysis.jobs
    assert {(e.klass, e.port) for e in analysis.endpoints} == {("kubelet", 10250)}


def _static_job(targets: str, credentials: str = "") -> str:
    return f"""\
apiVersion: v1
kind: ConfigMap
metadata: {{name: prometheus, namespace: monitoring}}
data:
  prometheus.yml: |
    scrape_configs:
      - job_name: control-plane
{credentials}        static_configs:
          - targets: [{targets}]
---
""" + prometheus_deployment()


def test_two_control_plane_ports_in_one_static_job_are_not_a_sweep_of_each_other(tmp_path: Path) -> None:
    # etcd's :2381 and the controller-manager's :10252 are both workload-class targets: each used to make the
    # other look like an application sweep, and neither KS305 nor KS308 fired.
    (tmp_path / "prometheus.yaml").write_text(_static_job("'10.0.0.10:10252', '10.0.0.10:2381'"))
    found = {(f.rule, f.data.get("port")) for f in lint_paths([str(tmp_path)], Options(select={"KS305", "KS308"})).findings}
    assert found == {("KS308", 10252), ("KS305", 2381)}


def test_ks305_reports_a_static_etcd_target_beside_a_static_application(tmp_path: Path) -> None:
    # Static targets are named, not swept: a node-exporter listed beside etcd does not make the job a catch-all.
    (tmp_path / "prometheus.yaml").write_text(_static_job("'10.0.0.10:2381', '10.0.0.11:9100'"))
    found = [(f.rule, f.data.get("port")) for f in lint_paths([str(tmp_path)], Options(select={"KS305"})).findings]
    assert found == [("KS305", 2381)]


def test_ks308_only_where_the_version_no_longer_serves_the_port_and_then_no_ks303(tmp_path: Path) -> None:
    # Nothing listens on a removed port: no request, no token on the wire (KS303 would ask to remove the token
    # while KS308's fix keeps it for :10257). On 1.21 the port still answers, in clear text.
    token = "        bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n"
    (tmp_path / "prometheus.yaml").write_text(_static_job("'10.0.0.10:10252'", token))
    rules = {"KS303", "KS308"}
    current = [f.rule for f in lint_paths([str(tmp_path)], Options(select=rules)).findings]
    old = [f.rule for f in lint_paths([str(tmp_path)], Options(Assumptions(kubernetes_version="1.21"), select=rules)).findings]
    assert current == ["KS308"]
    assert old == ["KS303"]


def test_ks308_fix_for_a_pod_monitor_names_the_token_secret(tmp_path: Path) -> None:
    (tmp_path / "podmonitor.yaml").write_text("""\
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: kube-scheduler, namespace: kube-system}
spec:
  selector:
    matchLabels: {component: kube-scheduler}
  podMetricsEndpoints:
    - portNumber: 10251
""")
    found = [f for f in lint_paths([str(tmp_path)], Options(select={"KS308"})).findings]
    assert len(found) == 1 and found[0].data["secure_port"] == 10259
    assert "authorization: {credentials: {name: <Secret>" in found[0].fix
    assert "bearerTokenFile" not in found[0].fix and "container port 10259" in found[0].fix


@pytest.mark.parametrize("image, fires", [("registry.k8s.io/kube-scheduler:v1.30.2", True),
                                          ("ghcr.io/example/queue-exporter:1.4", False)])
def test_ks308_leaves_out_a_container_of_the_inputs_that_serves_10251_itself(tmp_path: Path, image: str, fires: bool) -> None:
    # :10251 is the scheduler's only in its own image: another application may listen there (as for :10257/:10259).
    (tmp_path / "podmonitor.yaml").write_text(f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: second-scheduler, namespace: tools}}
spec:
  selector:
    matchLabels: {{app: second-scheduler}}
  template:
    metadata:
      labels: {{app: second-scheduler}}
    spec:
      containers:
        - name: main
          image: {image}
          ports:
            - {{name: metrics, containerPort: 10251}}
---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {{name: second-scheduler, namespace: tools}}
spec:
  selector:
    matchLabels: {{app: second-scheduler}}
  podMetricsEndpoints:
    - port: metrics
""")
    found = [f for f in lint_paths([str(tmp_path)], Options(select={"KS308"})).findings]
    assert bool(found) == fires


KUBELET_CA_CASE = Path(__file__).resolve().parent.parent / "fixtures" / "KS304" / "fail-kubelet-verified-with-cluster-ca"


@pytest.mark.parametrize("relabel, server_name, error", [
    ("", "", "`x509: cannot validate certificate for <node IP> because it doesn't contain any IP SANs`"),
    ("          - source_labels: [__meta_kubernetes_node_name]\n            target_label: __address__\n"
     "            replacement: ${1}:10250\n", "", "`x509: certificate signed by unknown authority`"),
    # one server_name for every node is at most one node's hostname: the others fail on the name, checked first
    ("", "          server_name: node-1\n", "`x509: certificate is valid for <node hostname>, not node-1` "
     "(`x509: certificate signed by unknown authority` on a node whose hostname it is)"),
    ("", "          server_name: 10.0.0.7\n",
     "`x509: cannot validate certificate for <node IP> because it doesn't contain any IP SANs`"),
], ids=["by-ip", "by-node-name", "server-name", "server-name-ip"])
def test_ks304_names_the_error_the_self_signed_kubelet_certificate_gives(tmp_path: Path, relabel: str,
                                                                        server_name: str, error: str) -> None:
    """The kubelet self-signs for its hostname only (cmd/kubelet/app/server.go GenerateSelfSignedCertKey(hostName,
    nil, nil)) and Go checks the name before the chain (crypto/x509 Certificate.Verify): scraped at node discovery's
    InternalIP the error users see is the missing IP SAN, not `signed by unknown authority`."""
    text = (KUBELET_CA_CASE / "prometheus-config.yaml").read_text()
    text = text.replace("          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n",
                        "          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n" + server_name)
    if relabel:
        text += "        relabel_configs:\n" + relabel
    (tmp_path / "prometheus-config.yaml").write_text(text)
    [finding] = [f for f in lint_paths([str(tmp_path)], Options(select={"KS304"})).findings]
    assert finding.message.endswith(f"every node target fails with {error}"), finding.message


@pytest.mark.parametrize("installer, written, fixed", [
    ("k3s", "kube-controller-manager-arg: [bind-address=127.0.0.1]\n", "kube-controller-manager-arg: [bind-address=0.0.0.0]\n"),
    ("Talos", "cluster:\n  controllerManager:\n    extraArgs:\n      bind-address: 127.0.0.1\n",
     "cluster:\n  controllerManager:\n    extraArgs:\n      bind-address: 0.0.0.0\n"),
    ("kubespray", "kube_controller_manager_bind_address: 127.0.0.1\n", "kube_controller_manager_bind_address: 0.0.0.0\n"),
    # k3s serves etcd's metrics on 127.0.0.1:2381 unless etcd-expose-metrics is true (probe mutations11)
    ("k3s-etcd", "etcd-expose-metrics: false\n", "etcd-expose-metrics: true\n"),
])
def test_ks305_fix_changes_the_installer_setting_that_binds_to_loopback(tmp_path: Path, installer: str, written: str,
                                                                        fixed: str) -> None:
    # An installer's config in the inputs binds the controller-manager to loopback: the message said "kubeadm binds
    # it" and the fix gave kubeadm's controllerManager.extraArgs, which does nothing on k3s, Talos or kubespray (a
    # ClusterConfiguration added to the inputs beside them is not what the cluster runs). The fix names that
    # setting and its place; changed there as written, KS305 goes.
    job = (CONTROLLER_MANAGER_JOB if installer != "k3s-etcd" else CONTROLLER_MANAGER_JOB.replace(
        "10.0.0.10:10257", "10.0.0.10:2381").replace("job_name: kube-controller-manager", "job_name: etcd"))
    (tmp_path / "prometheus.yaml").write_text(job)
    (tmp_path / "config.yaml").write_text(written)
    [finding] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS305"]
    assert "kubeadm" not in finding.message + finding.fix
    assert f"config.yaml:{written.count(chr(10))}" in finding.fix
    setting = fixed.splitlines()[-1].strip() if installer != "k3s" else fixed.strip().replace("[", "").replace("]", "")
    if installer == "Talos":
        setting = "cluster.controllerManager.extraArgs.bind-address: 0.0.0.0"
    assert f"set `{setting}` in the " in finding.fix, finding.fix
    (tmp_path / "config.yaml").write_text(fixed)
    assert not [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS305"]


PROBE_WITH_TOKEN = """\
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec:
  serviceAccountName: prometheus
  probeSelector: {}
  probeNamespaceSelector: {}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus, namespace: monitoring}
---
apiVersion: monitoring.coreos.com/v1
kind: Probe
metadata: {name: blackbox, namespace: monitoring}
spec:
  prober:
    url: blackbox-exporter.monitoring.svc:9115
  module: http_2xx
  bearerTokenSecret: {name: probe-token, key: token}
  targets:
    staticConfig:
      static: ["https://example.com"]
"""


def test_ks303_fix_for_a_probe_names_the_probers_scheme(tmp_path: Path) -> None:
    # "scrape it with `scheme: https`": a ProbeSpec has no `scheme` (the prober's is prober.scheme), so applied as
    # written the prober was still scraped over http with the token (KS303 stayed). The kind's own field is named.
    (tmp_path / "probe.yaml").write_text(PROBE_WITH_TOKEN)
    [finding] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS303"]
    assert "scrape it with `prober.scheme: https` and a verified `tlsConfig`" in finding.fix, finding.fix
    tls = "  tlsConfig: {ca: {configMap: {name: kube-root-ca.crt, key: ca.crt}}}\n"
    (tmp_path / "probe.yaml").write_text(PROBE_WITH_TOKEN.replace(
        "    url: blackbox-exporter.monitoring.svc:9115\n",
        "    url: blackbox-exporter.monitoring.svc:9115\n    scheme: https\n").replace("  module: http_2xx\n", "  module: http_2xx\n" + tls))
    assert not [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS303"]


def test_ks305_own_loopback_fix_names_the_installer_setting_in_view(tmp_path: Path) -> None:
    """A scraper outside the host network scraping 127.0.0.1: the fix said to let the component listen on the node
    address by kubeadm's setting, with the cluster's k3s config.yaml or Talos machine config in the inputs. It names
    that installer's setting and file (probe smallfixes, beside the pod/node-IP finding that already did)."""
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS305" / "fail-loopback-from-pod-network"
    (tmp_path / "prometheus.yaml").write_text((case / "prometheus.yaml").read_text())
    (tmp_path / "config.yaml").write_text('write-kubeconfig-mode: "0644"\n')
    fixes = {f.data["component"]: f.fix for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS305"}
    assert ("after letting it listen there (set `kube-scheduler-arg: bind-address=0.0.0.0` in the k3s/RKE2 "
            f"config.yaml at {tmp_path / 'config.yaml'}:1)") in fixes["kube-scheduler"], fixes
    assert "kubeadm" not in fixes["kube-scheduler"] and "kubeadm" not in fixes["kube-proxy"]
    (tmp_path / "config.yaml").write_text("machine: {type: controlplane}\n")
    fixes = {f.data["component"]: f.fix for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS305"}
    assert "set `cluster.proxy.extraArgs.metrics-bind-address: 0.0.0.0:10249` in the Talos machine config" in fixes["kube-proxy"]
    (tmp_path / "config.yaml").unlink()
    fixes = {f.data["component"]: f.fix for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS305"}
    assert "(kubeadm `scheduler.extraArgs: {bind-address: 0.0.0.0}`)" in fixes["kube-scheduler"]


@pytest.mark.parametrize("case", ["fail-kubelet-no-tls-config-sits-on-scheme", "fail-kubelet-verified-with-system-roots"])
def test_ks304_fix_for_system_roots_names_the_ca_the_declaration_needs(tmp_path: Path, case: str) -> None:
    """Declaring `kubelet-serving-cert: cluster-ca` silences KS304, but a job still verifying against the system
    roots fails against cluster-signed kubelets too: the fix names the CA, and the job it describes is clean."""
    source = Path(__file__).resolve().parent.parent / "fixtures" / "KS304" / case
    (finding,) = [f for f in lint_paths([str(source)], Options()).findings if f.rule == "KS304"]
    # (neither job has a tls_config: the fix says to add one, where it said "in its `tls_config`")
    assert ("`ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt` under a new `tls_config:` key of the "
            "job") in finding.fix, finding.fix
    for f in source.glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text())
    config = tmp_path / "prometheus-config.yaml"
    config.write_text(config.read_text().replace(
        "        kubernetes_sd_configs:\n",
        "        tls_config:\n          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n"
        "        kubernetes_sd_configs:\n", 1))
    cluster_ca = Options(assumptions=Assumptions(kubelet_serving_cert="cluster-ca"))
    assert lint_paths([str(tmp_path)], cluster_ca).findings == []
    assert [f.rule for f in lint_paths([str(tmp_path)], Options()).findings] == ["KS304"]  # now the cluster-CA case


def test_ks303_fix_for_an_alertmanager_token_names_the_key_to_remove() -> None:
    fixture = Path(__file__).parent.parent / "fixtures" / "KS303" / "fail-alertmanagers-token-over-http"
    fixes = [f.fix for f in lint_paths([str(fixture)], Options()).findings if f.rule == "KS303"]
    token_fix = next(fix for fix in fixes if "checks no bearer token" in fix)
    assert "otherwise remove `bearer_token_file` from the entry" in token_fix


KS309_FIXTURE = Path(__file__).parent.parent / "fixtures/KS309/fail-servicemonitor-https-to-metrics-secure-false"


def _ks309_case(tmp_path: Path) -> tuple[Path, Path]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    for name in ("operator.yaml", "prometheus.yaml"):
        (tmp_path / name).write_text((KS309_FIXTURE / name).read_text())
    return tmp_path / "operator.yaml", tmp_path / "prometheus.yaml"


def _warnings(tmp_path: Path) -> list:
    return [f for f in lint_paths([str(tmp_path)], Options()).findings if f.severity in ("warning", "error")]


def test_ks309_sits_on_the_scheme_and_names_what_each_way_out_needs(tmp_path: Path) -> None:
    _ks309_case(tmp_path)
    [finding] = [f for f in _warnings(tmp_path) if f.rule == "KS309"]
    assert (finding.span.line, finding.span.column) == (64, 15)  # `scheme: https`, not the endpoint item
    # the secure server reviews each scrape: the scraper's missing get /metrics is part of that way out
    assert "Bind the operator's ClusterRole project-metrics-reader" in finding.fix
    assert "delete `bearerTokenFile` and `tlsConfig` from the endpoint" in finding.fix


def test_ks309_fix_applied_literally_clears_it_with_nothing_new(tmp_path: Path) -> None:
    # Drop the flag and bind the reader role as written: without the binding KS104 (error) followed.
    operator, _ = _ks309_case(tmp_path / "secure")
    operator.write_text(operator.read_text().replace("            - --metrics-secure=false\n", ""))
    (tmp_path / "secure" / "bind.yaml").write_text(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n"
        "metadata: {name: project-metrics-reader-prometheus-k8s}\n"
        "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: project-metrics-reader}\n"
        "subjects: [{kind: ServiceAccount, name: prometheus-k8s, namespace: monitoring}]\n")
    assert _warnings(tmp_path / "secure") == []
    # Plain HTTP, deleting the keys it names: the tlsConfig kept, its KS301 suppression became KS002.
    operator, _ = _ks309_case(tmp_path / "plain")
    text = operator.read_text().replace("      scheme: https\n", "      scheme: http\n")
    lines = [line for line in text.splitlines(keepends=True)
             if "bearerTokenFile:" not in line and "tlsConfig:" not in line and "insecureSkipVerify" not in line]
    operator.write_text("".join(lines))
    assert _warnings(tmp_path / "plain") == []


def test_ks309_fix_names_the_review_grants_the_manager_lacks(tmp_path: Path) -> None:
    operator, _ = _ks309_case(tmp_path)
    text = operator.read_text()
    operator.write_text(text.replace("  name: project-metrics-auth-rolebinding", "  name: project-metrics-auth-rolebinding\n"
                                     "  namespace: elsewhere", 1).replace("kind: ClusterRoleBinding\nmetadata:\n  name: project-metrics-auth",
                                                                         "kind: RoleBinding\nmetadata:\n  name: project-metrics-auth", 1))
    [finding] = [f for f in _warnings(tmp_path) if f.rule == "KS309"]
    assert ("grant its ServiceAccount project-system/project-controller-manager create "
            "authentication.k8s.io/tokenreviews and create authorization.k8s.io/subjectaccessreviews") in finding.fix


KS305_CONTROLLER_RUNTIME = Path(__file__).parent.parent / "fixtures/KS305/fail-controller-runtime-metrics-bound-to-loopback"
READER_BINDING = (
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n"
    "metadata: {name: project-metrics-reader-prometheus-k8s}\n"
    "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: project-metrics-reader}\n"
    "subjects: [{kind: ServiceAccount, name: prometheus-k8s, namespace: monitoring}]\n")


def test_ks305_loopback_metrics_server_fix_grants_what_the_reachable_server_reviews(tmp_path: Path) -> None:
    """Reachable, kubebuilder's secure server reviews each scrape: binding it wider without the scraper's get /metrics
    traded the warning for a KS104 error."""
    for name in ("operator.yaml", "prometheus.yaml"):
        (tmp_path / name).write_text((KS305_CONTROLLER_RUNTIME / name).read_text())
    [finding] = [f for f in _warnings(tmp_path) if f.rule == "KS305"]
    assert (finding.span.line, finding.span.column) == (63, 13)  # the endpoint's `port: https`
    assert "Bind the operator's ClusterRole project-metrics-reader" in finding.fix
    operator = tmp_path / "operator.yaml"
    operator.write_text(operator.read_text().replace("--metrics-bind-address=127.0.0.1:8443", "--metrics-bind-address=:8443"))
    (tmp_path / "bind.yaml").write_text(READER_BINDING)
    assert _warnings(tmp_path) == []


def test_ks305_fix_of_a_proxy_or_exporter_adds_no_review_grants(tmp_path: Path) -> None:
    fixture = Path(__file__).parent.parent / "fixtures/KS305/fail-exporter-web-listen-address-loopback"
    (tmp_path / "exporter.yaml").write_text((fixture / "exporter.yaml").read_text())
    [finding] = [f for f in _warnings(tmp_path) if f.rule == "KS305"]
    assert "get /metrics" not in finding.fix and "KS112" not in finding.fix


def test_ks309_relates_the_metrics_secure_flag_that_makes_the_server_plain(tmp_path: Path) -> None:
    # The second place of the finding is the argv item to drop (the fix names it), not the container's `- name:`.
    operator, _ = _ks309_case(tmp_path)
    [finding] = [f for f in _warnings(tmp_path) if f.rule == "KS309"]
    [related] = finding.related
    assert (related.span.path, related.span.line, related.span.column) == (str(operator), 33, 15)
    assert operator.read_text().splitlines()[32].strip() == "- --metrics-secure=false"
    # Go's flag package keeps the last use: a second, later item is the one that decides and the one related.
    operator.write_text(operator.read_text().replace(
        "            - --health-probe-bind-address=:8081\n",
        "            - --health-probe-bind-address=:8081\n            - -metrics-secure=0\n", 1))
    [finding] = [f for f in _warnings(tmp_path) if f.rule == "KS309"]
    assert (finding.related[0].span.line, finding.related[0].span.column) == (36, 15)


@pytest.mark.parametrize("case, line, column", [
    ("fail-controller-runtime-metrics-bound-to-loopback", 33, 15),  # - --metrics-bind-address=127.0.0.1:8443
    ("fail-kube-rbac-proxy-secure-listen-loopback", 28, 15),  # - --secure-listen-address=127.0.0.1:8443
    ("fail-exporter-web-listen-address-loopback", 16, 18),  # args: [--web.listen-address=127.0.0.1:9100]
])
def test_ks305_monitor_port_relates_the_listen_flag_that_binds_loopback(case: str, line: int, column: int) -> None:
    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "KS305" / case
    [finding] = [f for f in lint_paths([str(fixture)], Options(select={"KS305"})).findings if "port" in f.data]
    [related] = finding.related
    assert (related.span.line, related.span.column) == (line, column)
    text = Path(related.span.path).read_text().splitlines()[line - 1]
    assert text[column - 1:].lstrip("[").startswith("--" + finding.data["flag"])


def test_ks304_self_signed_fix_also_deletes_a_fixed_server_name(tmp_path: Path) -> None:
    """Following KS304's fix (serverTLSBootstrap + `kubelet-serving-cert: cluster-ca`) must not leave the job failing
    on `server_name: kubernetes`: the cluster-signed kubelet certificates name their own nodes, so the fix says to
    delete it, and with the assumption declared KS304 reports the name itself; without it, nothing."""
    fixture = Path(__file__).parent.parent / "fixtures" / "KS304" / "fail-kubelet-verified-with-api-server-name"
    self_signed = [f for f in lint_paths([str(fixture)], Options()).findings if f.rule == "KS304"]
    assert len(self_signed) == 1 and "delete `server_name`" in self_signed[0].fix
    cluster_ca = Options(assumptions=Assumptions(kubelet_serving_cert="cluster-ca"))
    signed = [f for f in lint_paths([str(fixture)], cluster_ca).findings if f.rule == "KS304"]
    assert len(signed) == 1 and signed[0].data == {"server_name": "kubernetes"}
    for name in ("prometheus-config.yaml", "prometheus-rbac.yaml", "prometheus-deployment.yaml"):
        text = (fixture / name).read_text()
        (tmp_path / name).write_text(text.replace("          server_name: kubernetes\n", ""))
    assert not [f for f in lint_paths([str(tmp_path)], cluster_ca).findings if f.rule == "KS304"]


def test_ks303_fix_keeps_a_credential_written_for_the_target(tmp_path: Path) -> None:
    """An inline token (or password, OAuth2 client) written for an application is that application's credential:
    the fix led with "Remove `authorization` from the job (these targets need no credentials)", which only holds for
    the ServiceAccount token. It now says to send it over verified TLS, and doing so leaves no KS303."""
    fixture = Path(__file__).parent.parent / "fixtures" / "KS303" / "fail-inline-authorization-credentials-default-scheme"
    [finding] = [f for f in lint_paths([str(fixture)], Options()).findings if f.rule == "KS303"]
    assert finding.fix.startswith("Keep `authorization`") and "need no credentials" not in finding.fix, finding.fix
    for source in fixture.glob("*.yaml"):
        (tmp_path / source.name).write_text(source.read_text().replace(
            "      - job_name: billing-api\n", "      - job_name: billing-api\n        scheme: https\n"))
    assert not [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS303"]


KUBELETSTATS = Path(__file__).parent.parent / "fixtures" / "KS301" / "fail-kubeletstats-receiver-reported-once"


def test_ks301_fix_for_a_kubeletstats_receiver_claims_no_ca_file_it_lacks() -> None:
    """With auth_type serviceAccount the receiver verifies against the ServiceAccount's ca.crt without a `ca_file`
    key (internal/kubelet/client.go saClientProvider): the fix said "its `ca_file` already names the cluster CA"."""
    [finding] = [f for f in lint_paths([str(KUBELETSTATS)], Options()).findings if f.rule == "KS301"]
    assert "ca_file" not in (KUBELETSTATS / "otel-agent.yaml").read_text()
    assert "its `ca_file`" not in finding.fix and "/serviceaccount/ca.crt, is already the cluster CA" in finding.fix


def test_ks303_fix_for_a_kubeletstats_receiver_changes_its_endpoint_and_applied_clears_it(tmp_path: Path) -> None:
    """A receiver has no `scheme`, `tls_config` or `authorization` key: "Set `scheme: https` … keep `authorization`"
    could not be applied. The fix names its endpoint; written as it says, no KS303 and no new finding remain."""
    for source in KUBELETSTATS.glob("*.yaml"):
        (tmp_path / source.name).write_text(source.read_text().replace(
            "endpoint: ${env:K8S_NODE_IP}:10250", "endpoint: http://${env:K8S_NODE_IP}:10250").replace(
            "        insecure_skip_verify: true\n", ""))
    [finding] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS303"]
    assert "`scheme: https`" not in finding.fix and "keep `authorization`" not in finding.fix, finding.fix
    setting = "`endpoint: https://${env:K8S_NODE_IP}:10250`"
    skip = "`insecure_skip_verify: true  # kubelint-scrape: ignore[KS301] kubelets self-sign their serving certificates`"
    assert setting in finding.fix and skip in finding.fix, finding.fix
    agent = tmp_path / "otel-agent.yaml"
    agent.write_text(agent.read_text().replace(
        "endpoint: http://${env:K8S_NODE_IP}:10250",
        f"endpoint: https://${{env:K8S_NODE_IP}}:10250\n        {skip.strip('`')}"))
    assert not lint_paths([str(tmp_path)], Options()).findings


@pytest.mark.parametrize("case, yaml_file", [("fail-stats-summary-direct", "prometheus.yaml"),
                                             ("fail-servicemonitor-stats-summary", "manifests.yaml")])
def test_ks310_fix_applied_leaves_no_unused_nodes_stats_grant(tmp_path: Path, case: str, yaml_file: str) -> None:
    """KS310 moves a /stats/summary scrape to /metrics/resource and grants nodes/metrics; the nodes/stats rule the
    old path used is then unused. Applied literally without dropping it, the next run reported a new KS203 warning:
    the fix now names that rule, and applying all of it leaves no KS310 and no new finding."""
    fixture = Path(__file__).parent.parent / "fixtures" / "KS310" / case
    text = (fixture / yaml_file).read_text()
    options = Options(assumptions=Assumptions(kubelet_serving_cert="cluster-ca"))
    (tmp_path / yaml_file).write_text(text)
    before = lint_paths([str(tmp_path)], options).findings
    finding, = [f for f in before if f.rule == "KS310"]
    assert 'resources: ["nodes/metrics"]' in finding.fix
    assert 'Then delete rules[1] of ClusterRole ' in finding.fix and '(resources: ["nodes/stats"])' in finding.fix
    # Applied as written: the path, the added rule, and the deleted nodes/stats rule (its only resource).
    text = text.replace("path: /stats/summary", "path: /metrics/resource")
    text = text.replace('    resources: ["nodes/stats"]\n', '    resources: ["nodes/metrics"]\n')
    (tmp_path / yaml_file).write_text(text)
    after = lint_paths([str(tmp_path)], options).findings
    assert not [f for f in after if f.rule == "KS310"]
    old = {(f.rule, f.span.line) for f in before}
    assert [f for f in after if (f.rule, f.span.line) not in old and f.severity != "info"] == []


def test_ks304_system_roots_fix_says_in_its_tls_config_only_when_the_job_has_one(tmp_path: Path) -> None:
    """A kubelet job whose tls_config sets only server_name still verifies against the system roots: there the CA
    goes in its existing `tls_config`, and applied the job is clean (cluster-signed kubelets)."""
    source = Path(__file__).resolve().parent.parent / "fixtures" / "KS304" / "fail-cluster-signed-kubelets-verified-with-system-roots"
    text = (source / "prometheus.yaml").read_text().replace(
        "      - job_name: kubernetes-nodes\n        scheme: https\n",
        "      - job_name: kubernetes-nodes\n        scheme: https\n        tls_config:\n          min_version: TLS12\n", 1)
    (tmp_path / "prometheus.yaml").write_text(text)
    cluster_ca = Options(assumptions=Assumptions(kubelet_serving_cert="cluster-ca"))
    (finding,) = [f for f in lint_paths([str(tmp_path)], cluster_ca).findings if f.rule == "KS304"]
    assert "`ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt` in its `tls_config`" in finding.fix, finding.fix
    (tmp_path / "prometheus.yaml").write_text(text.replace(
        "          min_version: TLS12\n",
        "          min_version: TLS12\n          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n", 1))
    assert [f for f in lint_paths([str(tmp_path)], cluster_ca).findings if f.severity != "info" or f.rule == "KS304"] == []


def test_ks601_kubeletstats_fix_with_skip_verify_leads_with_the_client_certificate(tmp_path: Path) -> None:
    """A kubeletstats template with `insecure_skip_verify: true` and no client certificate: 'set auth_type:
    serviceAccount', applied literally, sent the token unverified and the next run reported a new KS301 warning.
    The fix now leads with the client certificate (nothing an impostor kubelet can replay) and says the token way
    waits for verified kubelets; applied, the receiver is clean and nothing new appears."""
    source = Path(__file__).resolve().parent.parent / "fixtures" / "KS601" / "fail-kubeletstats-template-default-auth"
    text = (source / "otel.yaml").read_text()
    (tmp_path / "otel.yaml").write_text(text)
    before = lint_paths([str(tmp_path)], Options()).findings
    (finding,) = [f for f in before if f.rule == "KS601"]
    assert finding.fix.startswith("Set both `cert_file` and `key_file`"), finding.fix
    assert "with `insecure_skip_verify: true` the token goes to whoever answers" in finding.fix
    applied = text.replace("            config:\n", "            config:\n              cert_file: /etc/kubelet-client/tls.crt\n"
                           "              key_file: /etc/kubelet-client/tls.key\n", 1)
    assert applied != text
    (tmp_path / "otel.yaml").write_text(applied)
    after = lint_paths([str(tmp_path)], Options()).findings
    old = {f.rule for f in before}
    assert [f.rule for f in after if f.rule == "KS601" or (f.rule not in old and f.severity != "info")] == []
    # The token way, applied while the skip stays, is what the fix warns about: KS301.
    (tmp_path / "otel.yaml").write_text(text.replace("            config:\n",
                                                     "            config:\n              auth_type: serviceAccount\n", 1))
    assert "KS301" in {f.rule for f in lint_paths([str(tmp_path)], Options()).findings}


def test_ks304_for_k3s_kubelets_with_their_own_certificate_names_that_certificate(tmp_path: Path) -> None:
    """An RKE2 config.yaml whose kubelet-arg gives the kubelets tls-cert-file: serverTLSBootstrap is not how those
    kubelets get a certificate, so 'enable serverTLSBootstrap' was no fix. KS304 names the certificate and its CA;
    applied (that CA mounted and set as ca_file), the jobs are clean."""
    source = Path(__file__).resolve().parent.parent / "fixtures" / "KS304" / "fail-k3s-kubelet-own-serving-cert"
    for f in source.glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text())
    found = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS304"]
    assert len(found) == 2
    for finding in found:
        assert "the kubelets serve the certificate /etc/kubelet-pki/kubelet.crt" in finding.message
        assert finding.fix.startswith("Verify them against the CA that issued /etc/kubelet-pki/kubelet.crt: mount its "
                                      "certificate in the scraper's container and set `ca_file` to it"), finding.fix
        assert "serverTLSBootstrap" not in finding.fix
    prometheus = tmp_path / "prometheus.yaml"
    prometheus.write_text(prometheus.read_text()
                          .replace("ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
                                   "ca_file: /etc/kubelet-ca/ca.crt")
                          .replace("          mountPath: /etc/prometheus\n",
                                   "          mountPath: /etc/prometheus\n        - name: kubelet-ca\n"
                                   "          mountPath: /etc/kubelet-ca\n")
                          .replace("      volumes:\n", "      volumes:\n      - name: kubelet-ca\n"
                                   "        configMap: {name: kubelet-ca}\n"))
    after = lint_paths([str(tmp_path)], Options()).findings
    assert [(f.rule, f.message) for f in after if f.severity != "info" or f.rule == "KS304"] == []


_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_ks102_on_a_denied_stats_scrape_names_the_path_ks310_names(tmp_path: Path) -> None:
    """A direct /stats/summary scrape: denied (no nodes/stats), KS102 said to scrape /metrics/cadvisor; granted,
    KS310 says /metrics/resource (the Summary API's usage in the Prometheus format). One path for both; applied
    with the grant KS102 gives, neither is left."""
    text = (_FIXTURES / "KS310/fail-stats-summary-direct/prometheus.yaml").read_text()
    assert 'resources: ["nodes/stats"]' in text and "metrics_path: /stats/summary" in text
    granted = lint_paths([str(_FIXTURES / "KS310/fail-stats-summary-direct")], Options()).findings
    [ks310] = [f for f in granted if f.rule == "KS310"]
    assert ks310.fix.startswith("Scrape /metrics/resource instead of /stats/summary"), ks310.fix
    (tmp_path / "prometheus.yaml").write_text(text.replace('resources: ["nodes/stats"]', 'resources: ["nodes/spec"]'))
    [ks102] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS102"]
    assert ks102.fix.startswith("Scrape /metrics/resource instead of /stats/summary"), ks102.fix
    assert 'resources: ["nodes/metrics"]' in ks102.fix, ks102.fix
    (tmp_path / "prometheus.yaml").write_text(text.replace('resources: ["nodes/stats"]', 'resources: ["nodes/metrics"]')
                                              .replace("metrics_path: /stats/summary", "metrics_path: /metrics/resource"))
    left = {f.rule for f in lint_paths([str(tmp_path)], Options()).findings}
    assert not left & {"KS102", "KS310", "KS203"}, left


def test_ks209_and_ks201_on_a_proxied_stats_scrape_move_it_to_the_path_ks310_names(tmp_path: Path) -> None:
    """/stats/summary through the node proxy: KS209 moved it to :10250 as /stats/summary with nodes/stats (KS310
    again: JSON), KS201 traded nodes/proxy for nodes/stats, KS310 said /metrics/resource. Now KS209 and KS201 name
    /metrics/resource and nodes/metrics: KS209's and KS201's edits applied literally leave none of the three."""
    case = _FIXTURES / "KS310/fail-stats-summary-through-node-proxy"
    found = {f.rule: f for f in lint_paths([str(case)], Options()).findings}
    assert "metrics_path: /metrics/resource" in found["KS209"].fix, found["KS209"].fix
    assert 'resources: ["nodes/metrics"]' in found["KS209"].fix, found["KS209"].fix
    assert found["KS201"].fix.endswith('replace "nodes/proxy" in ClusterRole prometheus with "nodes/metrics" (get).')
    assert "/metrics/resource" in found["KS310"].fix and "KS209" in found["KS310"].fix
    text = (case / "prometheus.yaml").read_text()
    relabels = text[text.index("        relabel_configs:"):text.index("---")]
    fixed = (text.replace(relabels, "        metrics_path: /metrics/resource\n")
             .replace("          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
                      "          insecure_skip_verify: true  # kubelint-scrape: ignore[KS301] kubelets self-sign")
             .replace('resources: ["nodes/proxy"]', 'resources: ["nodes/metrics"]'))
    (tmp_path / "prometheus.yaml").write_text(fixed)
    left = {f.rule for f in lint_paths([str(tmp_path)], Options()).findings}
    assert not left & {"KS102", "KS201", "KS203", "KS209", "KS310"}, left


def test_ks104_resource_metrics_api_fix_writes_a_kubelet_job_that_works(tmp_path: Path) -> None:
    """/apis/metrics.k8s.io/v1beta1/nodes scraped as Prometheus metrics: KS104 described a node job on :10250 but
    not its TLS, and a job copied from this one keeps the cluster CA, which self-signed kubelets fail (KS304). The
    fix now names every setting; written as it says, with the grants it names, nothing about the job is left."""
    case = _FIXTURES / "KS104/fail-resource-metrics-api-scraped-as-prometheus"
    [ks104] = [f for f in lint_paths([str(case)], Options()).findings if f.rule == "KS104"]
    for part in ("`kubernetes_sd_configs: [{role: node}]`", "`scheme: https`", "`metrics_path: /metrics/resource`",
                 "`tls_config: {insecure_skip_verify: true}  # kubelint-scrape: ignore[KS301] kubelets self-sign",
                 "list, watch nodes and get nodes/metrics"):
        assert part in ks104.fix, (part, ks104.fix)
    text = (case / "prometheus.yaml").read_text()
    job = text[text.index("      - job_name: node-resource-usage"):text.index("---", text.index("job_name"))]
    written = ("      - job_name: node-resource-usage\n"
               "        kubernetes_sd_configs: [{role: node}]\n"
               "        scheme: https\n"
               "        metrics_path: /metrics/resource\n"
               "        bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n"
               "        tls_config: {insecure_skip_verify: true}  # kubelint-scrape: ignore[KS301] kubelets self-sign "
               "their serving certificates\n")
    grants = ('  - apiGroups: [""]\n    resources: [nodes]\n    verbs: [list, watch]\n'
              '  - apiGroups: [""]\n    resources: [nodes/metrics]\n    verbs: [get]\n')
    fixed = text.replace(job, written).replace("  - apiGroups: [discovery.k8s.io]", grants + "  - apiGroups: [discovery.k8s.io]")
    (tmp_path / "prometheus.yaml").write_text(fixed)
    left = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.severity in ("error", "warning")]
    assert not [f for f in left if f.rule != "KS203"], [(f.rule, f.message) for f in left]
