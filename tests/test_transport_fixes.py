"""Fix texts of the transport rules that depend on what the job scrapes."""

from __future__ import annotations

from pathlib import Path

from kubelint_scrape.engine import Options, lint_paths

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
        - name: prometheus
          image: quay.io/prometheus/prometheus:v3.7.3
          args: [--config.file=/etc/prometheus/prometheus.yml]
          volumeMounts: [{name: config, mountPath: /etc/prometheus}]
      volumes: [{name: config, configMap: {name: prometheus}}]
"""


def test_ks301_fix_for_a_control_plane_target_names_its_own_certificate_flags(tmp_path: Path) -> None:
    (tmp_path / "prometheus.yaml").write_text(CONTROLLER_MANAGER_JOB)
    found = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS301"]
    assert len(found) == 1
    assert "kube-controller-manager and kube-scheduler: `--tls-cert-file`" in found[0].fix
    assert "kube-rbac-proxy" not in found[0].fix
