"""Which Prometheus release an image reference names (KS601 checks a config as that release loads it)."""

import pytest

from kubelint_scrape.promvalidate import image_release


@pytest.mark.parametrize("image, expected", [
    ("prom/prometheus:v2.45.0", (2, 45, 0)),
    ("quay.io/prometheus/prometheus:v3.1.0", (3, 1, 0)),
    ("quay.io/prometheus/prometheus:v3.1.0@sha256:0123abcd", (3, 1, 0)),  # the tag still says the release
    ("mirror.local:5000/prom/prometheus:v2.53.1", (2, 53, 1)),  # a registry port is not a tag
    ("bitnami/prometheus:2.45.0-debian-12-r0", (2, 45, 0)),
    ("prom/prometheus", None),  # no tag: latest, whatever that is when the pod starts
    ("prom/prometheus:latest", None),
    ("prom/prometheus:main", None),
    ("prom/prometheus@sha256:0123abcd", None),  # a digest names content, not a version
    ("victoriametrics/vmagent:v1.93.0", None),
    ("grafana/agent:v0.40.0", None),
    ("quay.io/prometheus/node-exporter:v1.8.0", None),
    # Rancher's mirror keeps the upstream tag (rancher-monitoring, RKE2/k3s monitoring)
    ("rancher/mirrored-prometheus-prometheus:v2.42.0", (2, 42, 0)),
    ("docker.io/rancher/mirrored-prometheus-prometheus:v2.50.1", (2, 50, 1)),
    ("rancher/mirrored-prometheus-alertmanager:v0.26.0", None),
])
def test_image_release(image, expected) -> None:
    assert image_release(image) == expected


RANCHER_PROMETHEUS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: prometheus, namespace: monitoring}
spec:
  selector: {matchLabels: {app: prometheus}}
  template:
    metadata: {labels: {app: prometheus}}
    spec:
      containers:
        - name: prometheus
          image: rancher/mirrored-prometheus-prometheus:v2.42.0
          args: [--config.file=/etc/prometheus/prometheus.yml, --enable-feature=agent]
          volumeMounts: [{name: config, mountPath: /etc/prometheus}]
      volumes: [{name: config, configMap: {name: prometheus-config}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus-config, namespace: monitoring}
data:
  prometheus.yml: |
    alerting:
      alertmanagers:
        - api_version: v1
          static_configs: [{targets: ["alertmanager:9093"]}]
    scrape_configs:
      - job_name: self
        static_configs: [{targets: ["localhost:9090"]}]
"""


def test_rancher_mirrored_image_is_checked_as_its_2x_release(tmp_path) -> None:
    """rancher/mirrored-prometheus-prometheus:v2.42.0 runs Prometheus 2.42: Alertmanager api_version v1 loads (only 3.0
    removed it), and --enable-feature=agent is its agent mode, which refuses `alerting` — read as the current 3.x,
    both came out the other way round."""
    from kubelint_scrape.engine import Options, lint_paths

    (tmp_path / "prometheus.yaml").write_text(RANCHER_PROMETHEUS)
    ks601 = [f.message for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS601"]
    assert not [m for m in ks601 if "api_version" in m], ks601
    assert [m for m in ks601 if "sets alerting" in m and "--enable-feature=agent" in m], ks601
