"""Manifests the unit tests share: the Prometheus Deployment that loads a ConfigMap's prometheus.yml."""

from __future__ import annotations


def prometheus_deployment(config_map: str = "prometheus", tag: str = "v3.7.3") -> str:
    """Deployment monitoring/prometheus, running as ServiceAccount monitoring/prometheus, with key prometheus.yml of
    ConfigMap `config_map` mounted where its --config.file flag points."""
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: prometheus, namespace: monitoring}}
spec:
  selector: {{matchLabels: {{app: prometheus}}}}
  template:
    metadata: {{labels: {{app: prometheus}}}}
    spec:
      serviceAccountName: prometheus
      containers:
        - name: prometheus
          image: quay.io/prometheus/prometheus:{tag}
          args: [--config.file=/etc/prometheus/prometheus.yml]
          volumeMounts: [{{name: config, mountPath: /etc/prometheus}}]
      volumes: [{{name: config, configMap: {{name: {config_map}}}}}]
"""


def _indented(text: str, by: int) -> str:
    return "".join(" " * by + line if line.strip() else line for line in text.strip("\n").splitlines(True))


def scraper_rbac(rules: str) -> str:
    """ServiceAccount monitoring/prometheus bound by a ClusterRoleBinding to ClusterRole prometheus with `rules` (YAML
    list items at column 0), ending with a document separator."""
    return f"""\
apiVersion: v1
kind: ServiceAccount
metadata: {{name: prometheus, namespace: monitoring}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {{name: prometheus}}
rules:
{_indented(rules, 0)}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {{name: prometheus}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus}}
subjects: [{{kind: ServiceAccount, name: prometheus, namespace: monitoring}}]
---
"""


def cluster_scraper(rules: str, jobs: str, config_map: str = "prometheus") -> str:
    """scraper_rbac(rules), a ConfigMap whose prometheus.yml has `jobs` (scrape_configs items at column 0), and the
    Deployment that loads it as ServiceAccount monitoring/prometheus."""
    return scraper_rbac(rules) + f"""\
apiVersion: v1
kind: ConfigMap
metadata: {{name: {config_map}, namespace: monitoring}}
data:
  prometheus.yml: |
    scrape_configs:
{_indented(jobs, 4)}
---
""" + prometheus_deployment(config_map)


def operator_prometheus(service_account: str | None = "prometheus", pod_monitors: bool = False,
                        deny_file_access: bool = True) -> str:
    """Prometheus monitoring/k8s selecting every ServiceMonitor (and PodMonitor) of every namespace, run as
    `service_account` (None: the field left out), with `arbitraryFSAccessThroughSMs.deny` unless told otherwise."""
    lines = ["apiVersion: monitoring.coreos.com/v1", "kind: Prometheus", "metadata: {name: k8s, namespace: monitoring}",
             "spec:"]
    if service_account is not None:
        lines.append(f"  serviceAccountName: {service_account}")
    lines += ["  serviceMonitorSelector: {}", "  serviceMonitorNamespaceSelector: {}"]
    if pod_monitors:
        lines += ["  podMonitorSelector: {}", "  podMonitorNamespaceSelector: {}"]
    if deny_file_access:
        lines.append("  arbitraryFSAccessThroughSMs: {deny: true}")
    return "\n".join(lines) + "\n"


# A ServiceMonitor of the API server's `kubernetes` Service (default namespace), its one endpoint open for more
# settings at six spaces.
APISERVER_MONITOR = """\
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: apiserver, namespace: monitoring}
spec:
  namespaceSelector: {matchNames: [default]}
  selector: {matchLabels: {component: apiserver, provider: kubernetes}}
  endpoints:
    - port: https
      scheme: https
"""


def read_only_kubelet_monitor(namespace: str = "monitoring", https_port: bool = False) -> str:
    """ServiceMonitor `namespace`/kubelet scraping the kubelet Service's `http-metrics` port (the read-only :10255,
    KS302) in kube-system, and that Service (with the authenticated `https-metrics` :10250 too, if asked)."""
    selector = "" if namespace == "kube-system" else "  namespaceSelector: {matchNames: [kube-system]}\n"
    ports = "{name: http-metrics, port: 10255}" + (", {name: https-metrics, port: 10250}" if https_port else "")
    return f"""\
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {{name: kubelet, namespace: {namespace}}}
spec:
{selector}  selector: {{matchLabels: {{app.kubernetes.io/name: kubelet}}}}
  endpoints: [{{port: http-metrics}}]
---
apiVersion: v1
kind: Service
metadata: {{name: kubelet, namespace: kube-system, labels: {{app.kubernetes.io/name: kubelet}}}}
spec:
  clusterIP: None
  ports: [{ports}]
"""
