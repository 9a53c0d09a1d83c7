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
