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


def cluster_scraper(rules: str, jobs: str, config_map: str = "prometheus") -> str:
    """ServiceAccount monitoring/prometheus bound by a ClusterRoleBinding to ClusterRole prometheus with `rules` (YAML
    list items at column 0), a ConfigMap whose prometheus.yml has `jobs` (scrape_configs items at column 0), and the
    Deployment that loads it as that account."""
    def indented(text: str, by: int) -> str:
        return "".join(" " * by + line if line.strip() else line for line in text.strip("\n").splitlines(True))

    return f"""\
apiVersion: v1
kind: ServiceAccount
metadata: {{name: prometheus, namespace: monitoring}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {{name: prometheus}}
rules:
{indented(rules, 0)}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {{name: prometheus}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus}}
subjects: [{{kind: ServiceAccount, name: prometheus, namespace: monitoring}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: {config_map}, namespace: monitoring}}
data:
  prometheus.yml: |
    scrape_configs:
{indented(jobs, 4)}
---
""" + prometheus_deployment(config_map)
