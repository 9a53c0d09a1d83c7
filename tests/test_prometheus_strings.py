"""Prometheus reads its config with Go yaml.v2, which fills a string field with a plain scalar's text even where
YAML 1.1 resolves it to a bool or a number (`job_name: n` is the job "n"); Kubernetes objects go through
YAML→JSON, where `name: n` stays a bool (KS602). build.keep_written_strings."""
from __future__ import annotations

from kubelint_scrape.build import build_workspace
from kubelint_scrape.load import parse_source
from kubelint_scrape.relabel import RelabelRule

PLAIN = """\
scrape_configs:
- job_name: n
  metrics_path: 0123
  kubernetes_sd_configs:
  - role: pod
  relabel_configs:
  - source_labels: [yes, __address__]
    separator: 0
    regex: 0123
    target_label: on
    replacement: 1_000
  metric_relabel_configs:
  - action: keep
    regex: off
"""


def _jobs(path: str, text: str) -> list:
    _workspace, configs, _findings = build_workspace([parse_source(path, text)])
    return [job for config in configs for job in config.jobs]


def test_string_fields_keep_the_text_prometheus_reads() -> None:
    (job,) = _jobs("prometheus.yml", PLAIN)
    assert job.name == "n"
    assert job.metrics_path == "0123"
    rule = RelabelRule.from_mapping(job.node["relabel_configs"][0])
    assert (rule.source_labels, rule.separator, rule.regex, rule.target_label, rule.replacement) == (
        ("yes", "__address__"), "0", "0123", "on", "1_000")
    assert job.node["metric_relabel_configs"][0]["regex"] == "off"


def test_embedded_config_reads_the_text_at_the_outer_line() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: pc, namespace: monitoring}\ndata:\n  prometheus.yml: |\n" + \
        "".join(f"    {line}\n" for line in PLAIN.splitlines())
    (job,) = _jobs("cm.yaml", text)
    assert job.name == "n"
    assert job.node["relabel_configs"][0]["regex"] == "0123"


def test_quoted_and_non_string_fields_are_left_alone() -> None:
    (job,) = _jobs("prometheus.yml", 'scrape_configs:\n- job_name: "true"\n  honor_labels: yes\n  scrape_timeout: 10s\n')
    assert job.name == "true"
    assert job.node["honor_labels"] is True  # a Go bool field: YAML 1.1's reading is Prometheus' too


def test_operator_additional_scrape_configs_keep_the_written_text(tmp_path) -> None:
    from kubelint_scrape.engine import Options, lint_paths

    (tmp_path / "prometheus.yaml").write_text("""\
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec:
  serviceAccountName: prometheus
  additionalScrapeConfigs: {name: extra, key: jobs.yaml}
---
apiVersion: v1
kind: Secret
metadata: {name: extra, namespace: monitoring}
stringData:
  jobs.yaml: |
    - job_name: off
      kubernetes_sd_configs:
        - role: node
""")
    messages = [f.message for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS101"]
    assert messages and all('job "off"' in m for m in messages), messages


def _indented(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line if line.strip() else line for line in text.splitlines(keepends=True))


def test_otel_prometheus_receiver_reads_its_config_as_yaml_1_2() -> None:
    """The collector's confmap reads the config with Go yaml.v3 (only true/false are booleans, `0123` is still 83),
    then the receiver marshals it again for Prometheus (prometheusreceiver config.go reloadPromConfig): `n`, `yes`,
    `on`, `off` stay their text; `0123` is "83" and `true` is "true", as yaml.v3 resolved them."""
    collector = "receivers:\n  prometheus:\n    config:\n" + _indented(PLAIN, 6) + (
        "      - job_name: true\n        static_configs: [{targets: ['10.0.0.1:9100']}]\n"
        "service:\n  pipelines:\n    metrics: {receivers: [prometheus], exporters: [debug]}\n"
        "exporters:\n  debug: {}\n")
    configmap = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: otel, namespace: monitoring}\ndata:\n  relay: |\n"
                 + _indented(collector, 4))
    first, second = _jobs("otel.yaml", configmap)
    assert (first.name, second.name) == ("n", "true")
    assert first.metrics_path == "83"
    rule = RelabelRule.from_mapping(first.node["relabel_configs"][0])
    assert (rule.source_labels, rule.separator, rule.regex, rule.target_label, rule.replacement) == (
        ("yes", "__address__"), "0", "83", "on", "1000")
    assert first.node["metric_relabel_configs"][0]["regex"] == "off"
