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
])
def test_image_release(image, expected) -> None:
    assert image_release(image) == expected
