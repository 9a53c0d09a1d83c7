"""KS601/KS602 validation: the schemas, the fast interpreter (schema_check) against jsonschema, and the corpus.

- Both schemas in rules/schemas/ are valid Draft 2020-12, and schema_check accepts exactly the keywords they use.
- schema_check and jsonschema give the same verdict on every corpus config and object, and on generated
  mutations of them (hypothesis).
- Every Prometheus config in ../shared/corpus loads in Prometheus, so none gets a KS601; a typo'd key, a value of
  the wrong type, or a second credential method in one of them gives exactly one KS601, saying what is wrong.
"""

from __future__ import annotations

import copy
import functools
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubelint_scrape.build import build_workspace
from kubelint_scrape.engine import Options, lint_paths, lint_sources, load_sources
from kubelint_scrape.k8svalidate import SCHEMA_FOR, _group
from kubelint_scrape.load import parse_source
from kubelint_scrape.model import iter_documents
from kubelint_scrape.otel import is_collector_config
from kubelint_scrape.promvalidate import duration_ms
from kubelint_scrape.schema_check import Validator, load
from kubelint_scrape.yamltree import YMap

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "rules" / "schemas"
CORPUS = ROOT.parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")
# KUBELINT_HYPOTHESIS_EXAMPLES=2000 for a deeper search (the default keeps the suite fast).
SETTINGS = settings(max_examples=int(os.environ.get("KUBELINT_HYPOTHESIS_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def plain(node: Any) -> Any:
    """The positioned tree as plain JSON-like data (what jsonschema and the mutations work on)."""
    if isinstance(node, dict):
        return {k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


def jsonschema_validator(name: str, definition: str | None = None):
    import jsonschema

    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    if definition is not None:
        schema = {**schema, "$ref": f"#/$defs/{definition}"}
    return jsonschema.Draft202012Validator(schema)


# ---------------------------------------------------------------------------------------------- schemas


@pytest.mark.parametrize("name", ["prometheus-config", "kubernetes-objects"])
def test_schema_is_valid_draft_2020_12_and_interpretable(name: str) -> None:
    import jsonschema

    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Validator(schema)  # raises on any keyword the interpreter does not implement


def test_interpreter_refuses_keywords_it_does_not_implement() -> None:
    with pytest.raises(ValueError, match="not supported"):
        Validator({"type": "object", "properties": {"a": {"type": "string", "format": "uri"}}})


def test_kubernetes_definitions_exist_for_every_kind_dispatched() -> None:
    definitions = load("kubernetes-objects").schema["$defs"]
    assert {definition for definition in SCHEMA_FOR.values()} <= set(definitions)


@pytest.mark.parametrize(
    "instance",
    [
        {"global": {"scrape_interval": "1m30s", "scrape_timeout": 0}},
        {"global": {"scrape_interval": 30}},
        {"global": {"scrape_interval": "0.5s"}},
        {"global": {"scrape_interval": ""}},
        {"global": {"body_size_limit": "100MB"}, "scrape_configs": None},
        {"scrape_configs": [{"job_name": "a", "regex": 1}]},
        {"scrape_configs": [{"job_name": ""}]},
        {"scrape_configs": [{"job_name": "a", "sample_limit": -1}]},
        {"scrape_configs": [{"job_name": "a", "scrape_protocols": []}]},
        {"scrape_configs": [{"job_name": "a", "relabel_configs": [{"regex": True, "action": "Keep"}]}]},
        {"scrape_configs": [{"job_name": "a", "kubernetes_sd_configs": [{"role": "Node"}]}]},
        {"scrape_configs": [{"job_name": "a", "consul_sd_configs": [{"server": "x"}], "tls_config": {"min_version": "TLS12"}}]},
        {"rule_files": ["/a/*/b.yaml"]},
        {"rule_files": ["/a/b/*.yaml", 5, True]},
        {"alerting": {"alertmanagers": [{"static_configs": [{"targets": ["a:9093"]}]}]}, "remote_write": [{}]},
    ],
)
def test_interpreter_agrees_with_jsonschema_on_edge_cases(instance: dict) -> None:
    assert load("prometheus-config").is_valid(instance) == jsonschema_validator("prometheus-config").is_valid(instance)


def test_go_yaml_scalars_decode_into_string_fields() -> None:
    """Prometheus decodes `regex: true` and `replacement: 1` as their text; `honor_labels: "true"` is a string."""
    validator = load("prometheus-config")
    assert validator.is_valid({"scrape_configs": [{"job_name": 1, "relabel_configs": [{"regex": True, "replacement": 1}]}]})
    assert not validator.is_valid({"scrape_configs": [{"job_name": "a", "honor_labels": "true"}]})


def test_durations_parse_like_prometheus() -> None:
    assert duration_ms("1m30s") == 90_000
    assert duration_ms("1h") == 3_600_000
    assert duration_ms("0") == 0 and duration_ms(None) == 0 and duration_ms(0) == 0
    assert duration_ms("250ms") == 250
    assert duration_ms("30") is None and duration_ms("1s1m") is None and duration_ms("") is None


# ---------------------------------------------------------------------------------------------- corpus


@functools.lru_cache(maxsize=1)
def corpus() -> tuple[list, list]:
    """(Prometheus configs, Kubernetes objects of the kinds we validate) across the corpus."""
    configs, objects = [], []
    for directory in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        sources, _ = load_sources([str(directory)], Options())
        _, found, _ = build_workspace(sources)
        configs.extend(c for c in found if c.origin != "operator" and not is_collector_config(c.root))
        for source in sources:
            for _document, doc in iter_documents(source):
                if isinstance(doc, YMap) and isinstance(doc.get("apiVersion"), str) and isinstance(doc.get("kind"), str):
                    definition = SCHEMA_FOR.get((_group(doc["apiVersion"]), doc["kind"]))
                    if definition:
                        objects.append((definition, doc))
    return configs, objects


@needs_corpus
def test_corpus_has_the_configs_we_expect() -> None:
    configs, objects = corpus()
    assert len(configs) >= 12
    assert len(objects) >= 200


@needs_corpus
def test_every_corpus_config_passes_ks601_and_both_validators_agree() -> None:
    from kubelint_scrape.promvalidate import validate

    reference = jsonschema_validator("prometheus-config")
    ours = load("prometheus-config")
    for config in corpus()[0]:
        data = plain(config.root)
        assert ours.is_valid(data) == reference.is_valid(data) == True, config.describe  # noqa: E712
        assert validate(config) == [], config.describe


@needs_corpus
def test_corpus_objects_both_validators_agree() -> None:
    ours = load("kubernetes-objects")
    references: dict[str, Any] = {}
    for definition, doc in corpus()[1]:
        reference = references.setdefault(definition, jsonschema_validator("kubernetes-objects", definition))
        data = plain(doc)
        assert ours.is_valid(data, ours.definition(definition)) == reference.is_valid(data)


# ---------------------------------------------------------------------------------------------- mutations

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "0", "30", "30s", "1m30s", "node", "endpoints", "yes", "TLS12", "http", "/x/*/y", "a:9090"]),
    st.text(max_size=8),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                      max_leaves=6)


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    """Every path to a value in the tree (the root excluded)."""
    found = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        found.append(path + (key,))
        found.extend(_paths(child, path + (key,)))
    return found


def _get(node: Any, path: tuple) -> Any:
    for key in path:
        node = node[key]
    return node


def typo(word: str, how: int, at: int) -> str:
    if len(word) < 2:
        return word + "x"
    at %= len(word) - 1
    if how == 0:
        return word[:at] + word[at + 1:]  # a letter dropped
    if how == 1:
        return word[:at] + word[at + 1] + word[at] + word[at + 2:]  # two letters swapped
    return word[:at] + word[at] + word[at:]  # a letter doubled


@st.composite
def mutation(draw, documents: list) -> Any:
    data = copy.deepcopy(draw(st.sampled_from(documents)))
    paths = _paths(data)
    if not paths:
        return data
    path = draw(st.sampled_from(paths))
    parent = _get(data, path[:-1])
    key = path[-1]
    how = draw(st.integers(0, 3))
    if how == 0 and isinstance(parent, dict) and isinstance(key, str):
        parent[typo(key, draw(st.integers(0, 2)), draw(st.integers(0, 40)))] = parent.pop(key)
    elif how == 1 and isinstance(parent, dict):
        del parent[key]
    elif how == 2 and isinstance(parent, dict):
        parent[draw(st.text(max_size=10))] = draw(VALUES)
    else:
        parent[key] = draw(VALUES)
    return data


@needs_corpus
@SETTINGS
@given(st.data())
def test_validators_agree_on_mutated_corpus_configs(data) -> None:
    documents = [plain(c.root) for c in corpus()[0]]
    instance = data.draw(mutation(documents))
    assert load("prometheus-config").is_valid(instance) == jsonschema_validator_cached("prometheus-config").is_valid(instance)


@needs_corpus
@SETTINGS
@given(st.data())
def test_validators_agree_on_mutated_corpus_objects(data) -> None:
    objects = corpus()[1]
    index = data.draw(st.integers(0, len(objects) - 1))
    definition, doc = objects[index]
    instance = data.draw(mutation([plain(doc)]))
    ours = load("kubernetes-objects")
    reference = jsonschema_validator_cached("kubernetes-objects", definition)
    assert ours.is_valid(instance, ours.definition(definition)) == reference.is_valid(instance)


@functools.lru_cache(maxsize=None)
def jsonschema_validator_cached(name: str, definition: str | None = None):
    return jsonschema_validator(name, definition)


# -- one mistake, one finding


def ks601(config: dict) -> list:
    """KS601 findings for a config written out on its own (JSON is YAML: no re-quoting questions)."""
    source = parse_source("prometheus.yml", json.dumps(config, indent=1))
    result = lint_sources([source], Options(select={"KS601"}))
    return [f for f in result.findings if f.rule == "KS601"]


def _schema_at(validator: Validator, schema: dict, node: Any, key: Any) -> dict | None:
    schema = validator.resolve(schema)
    if isinstance(node, dict):
        child = schema.get("properties", {}).get(key)
        if child is None and isinstance(schema.get("additionalProperties"), dict):
            child = schema["additionalProperties"]
        return child
    if isinstance(node, list) and isinstance(schema.get("items"), dict):
        return schema["items"]
    return None


def strict_keys(validator: Validator, data: dict) -> list[tuple[tuple, set]]:
    """(path to a mapping whose schema lists its fields, the field names it allows) for every such mapping."""
    found = []

    def walk(node: Any, schema: dict, path: tuple) -> None:
        schema = validator.resolve(schema)
        if isinstance(node, dict):
            if schema.get("additionalProperties") is False and node:
                found.append((path, set(schema.get("properties", {}))))
            for key, child in node.items():
                sub = _schema_at(validator, schema, node, key)
                if sub is not None:
                    walk(child, sub, path + (key,))
        elif isinstance(node, list):
            for index, child in enumerate(node):
                sub = _schema_at(validator, schema, node, index)
                if sub is not None:
                    walk(child, sub, path + (index,))

    walk(data, validator.schema, ())
    return found


def typed_leaves(validator: Validator, data: dict) -> list[tuple]:
    """Paths to scalar values whose schema does not accept a mapping."""
    found = []
    reference = jsonschema_validator_cached("prometheus-config")

    def walk(node: Any, schema: dict, path: tuple) -> None:
        schema = validator.resolve(schema)
        if not isinstance(node, (dict, list)):
            probe = {"$defs": validator.schema["$defs"], **schema}
            if not reference.evolve(schema=probe).is_valid({"unexpected": "mapping"}):
                found.append(path)
            return
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in items:
            sub = _schema_at(validator, schema, node, key)
            if sub is not None:
                walk(child, sub, path + (key,))

    walk(data, validator.schema, ())
    return found


@needs_corpus
@SETTINGS
@given(st.data())
def test_a_typo_in_a_field_name_gives_exactly_one_clear_finding(data) -> None:
    validator = load("prometheus-config")
    config = copy.deepcopy(plain(data.draw(st.sampled_from(corpus()[0])).root))
    path, allowed = data.draw(st.sampled_from(strict_keys(validator, config)))
    mapping = _get(config, path)
    key = data.draw(st.sampled_from(sorted(k for k in mapping if isinstance(k, str))))
    wrong = typo(key, data.draw(st.integers(0, 2)), data.draw(st.integers(0, 40)))
    if wrong in allowed or wrong in mapping:
        return  # the "typo" is another valid field name
    mapping[wrong] = mapping.pop(key)
    if "scrape_configs" not in config and "global" not in config:
        return  # no longer recognisable as a Prometheus config (SPEC §2), so nothing to validate
    findings = ks601(config)
    assert len(findings) == 1, [f.message for f in findings]
    assert f'unknown field "{wrong}"' in findings[0].message


@needs_corpus
@SETTINGS
@given(st.data())
def test_a_value_of_the_wrong_type_gives_exactly_one_clear_finding(data) -> None:
    validator = load("prometheus-config")
    config = copy.deepcopy(plain(data.draw(st.sampled_from(corpus()[0])).root))
    leaves = typed_leaves(validator, config)
    path = data.draw(st.sampled_from(leaves))
    _get(config, path[:-1])[path[-1]] = {"unexpected": "mapping"}
    findings = ks601(config)
    assert len(findings) == 1, [f.message for f in findings]
    assert "a mapping" in findings[0].message  # "must be X, not a mapping" or "is a mapping, which is not one of"


AUTH = ("basic_auth", "authorization", "oauth2", "bearer_token", "bearer_token_file")


@needs_corpus
@SETTINGS
@given(st.data())
def test_two_credential_methods_give_exactly_one_clear_finding(data) -> None:
    config = copy.deepcopy(plain(data.draw(st.sampled_from([c for c in corpus()[0] if c.root.get("scrape_configs")])).root))
    job = data.draw(st.sampled_from([j for j in config["scrape_configs"] if isinstance(j, dict)]))
    present = [k for k in AUTH if job.get(k) is not None]
    if not present:
        job["authorization"] = {"credentials_file": "/var/run/secrets/kubernetes.io/serviceaccount/token"}
    second = data.draw(st.sampled_from(["basic_auth", "bearer_token_file"] if "authorization" in job else ["basic_auth"]))
    job[second] = {"username": "prometheus", "password_file": "/etc/prometheus/password"} if second == "basic_auth" else "/token"
    findings = ks601(config)
    assert len(findings) == 1, [f.message for f in findings]
    assert "sets both" in findings[0].message


# ---------------------------------------------------------------------------------------------- semantics


def messages(text: str) -> list[str]:
    return [f.message for f in ks601_text(text)]


def ks601_text(text: str) -> list:
    source = parse_source("prometheus.yml", text)
    return [f for f in lint_sources([source], Options(select={"KS601"})).findings if f.rule == "KS601"]


def test_timeout_longer_than_the_default_interval_is_reported_at_the_timeout() -> None:
    findings = ks601_text("scrape_configs:\n  - job_name: a\n    scrape_timeout: 2m\n    static_configs: [{targets: ['a:1']}]\n")
    assert len(findings) == 1
    assert "longer than the default scrape_interval 1m" in findings[0].message
    assert (findings[0].span.line, findings[0].span.column) == (3, 21)


def test_inherited_timeout_is_capped_not_an_error() -> None:
    """A job with scrape_interval 5s and no timeout gets min(global timeout 10s, 5s): valid (config.go)."""
    assert messages("scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    static_configs: [{targets: ['a:1']}]\n") == []


def test_global_timeout_longer_than_global_interval() -> None:
    (message,) = messages("global:\n  scrape_interval: 15s\n  scrape_timeout: 20s\n")
    assert message.startswith("global scrape_timeout 20s is longer than the global scrape_interval 15s")


@pytest.mark.parametrize(
    "sd, expected",
    [
        ("{role: node, api_server: 'https://k', kubeconfig_file: /k}", "sets both api_server and kubeconfig_file"),
        ("{role: node, kubeconfig_file: /k, tls_config: {ca_file: /ca}}", "combines kubeconfig_file with its own HTTP client setting tls_config"),
        ("{role: node, authorization: {credentials_file: /t}}", "sets authorization without api_server"),
        ("{role: pod, api_server: 'https://k', namespaces: {own_namespace: true}}", "own_namespace together with api_server"),
        ("{role: service, selectors: [{role: pod, label: a=b}]}", "role service supports only service selectors"),
        ("{role: pod, selectors: [{role: pod}, {role: pod}]}", "two selectors for role pod"),
        ("{role: endpointslice, selectors: [{role: node}]}", "supports only pod, service, endpointslice"),
    ],
)
def test_invalid_kubernetes_sd_combinations(sd: str, expected: str) -> None:
    (message,) = messages(f"scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs: [{sd}]\n")
    assert expected in message


def test_valid_kubernetes_sd_combinations_pass() -> None:
    text = """scrape_configs:
  - job_name: a
    kubernetes_sd_configs:
      - role: pod
        namespaces: {own_namespace: true, names: [a]}
        selectors: [{role: pod, label: app=x}, {role: node, field: metadata.name=n}]
        attach_metadata: {node: true, namespace: true}
      - role: node
        api_server: https://example:6443
        authorization: {credentials_file: /t}
        tls_config: {ca_file: /ca}
      - role: ingress
        kubeconfig_file: /etc/kubeconfig
        follow_redirects: true
"""
    assert messages(text) == []


@pytest.mark.parametrize(
    "job, expected",
    [
        ("bearer_token: a\n    bearer_token_file: /b", "sets both bearer_token and bearer_token_file"),
        ("basic_auth: {username: a}\n    oauth2: {client_id: a, token_url: 'https://t'}", "sets both basic_auth and oauth2"),
        ("authorization: {type: Basic, credentials: x}", 'authorization type of scrape config "a" is "Basic"'),
        ("authorization: {credentials: x, credentials_file: /y}", "sets both credentials and credentials_file"),
        ("oauth2: {client_id: a}", "has no token_url"),
        ("tls_config: {cert_file: /c}", "has a client certificate (cert_file) but no key"),
        ("tls_config: {ca: x, ca_file: /y}", "sets both ca and ca_file"),
        ("no_proxy: localhost", "no_proxy of scrape config"),
        ("proxy_from_environment: true\n    proxy_url: 'http://p:3128'", "proxy_url of scrape config"),
    ],
)
def test_credential_and_client_conflicts(job: str, expected: str) -> None:
    (message,) = messages(f"scrape_configs:\n  - job_name: a\n    {job}\n    static_configs: [{{targets: ['a:1']}}]\n")
    assert expected in message


def test_relabel_errors_use_upstream_messages_at_the_field() -> None:
    text = """scrape_configs:
  - job_name: a
    static_configs: [{targets: ['a:1']}]
    relabel_configs:
      - {source_labels: [a], regex: '(a)\\1', target_label: b}
      - {action: lowercase, source_labels: [a], target_label: b, replacement: x}
      - {action: Labelmap, regex: 'x_(.+)'}
      - {action: keep, regex: '\\pL+', source_labels: [a]}
    metric_relabel_configs:
      - {action: frobnicate}
"""
    findings = ks601_text(text)
    got = [(f.span.line, f.message.split("; ")[0]) for f in findings]
    assert got[0][0] == 5 and "invalid regex" in got[0][1]
    assert got[1] == (6, "relabel_configs[1] of scrape config \"a\": 'replacement' can not be set for lowercase action")
    assert got[2][0] == 10 and 'unknown relabel action "frobnicate"' in got[2][1]
    assert len(got) == 3  # Labelmap is valid (actions are case-insensitive); \pL is valid RE2


def test_legacy_name_validation_tightens_target_labels() -> None:
    text = """scrape_configs:
  - job_name: a
    metric_name_validation_scheme: legacy
    metric_name_escaping_scheme: underscores
    static_configs: [{targets: ['a:1']}]
    relabel_configs: [{source_labels: [a], target_label: 'dotted.name'}]
"""
    (message,) = messages(text)
    assert "is invalid 'target_label' for replace action" in message
    assert messages(text.replace("legacy", "utf8").replace("underscores", "allow-utf-8")) == []


def test_static_urls_are_errors_only_without_relabel_configs() -> None:
    text = "scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['http://a:9090/metrics']}]\n"
    (message,) = messages(text)
    assert "is a URL, not host:port" in message
    assert messages(text + "    relabel_configs: [{target_label: __address__, replacement: 'a:9090'}]\n") == []


def test_unknown_sd_kinds_and_light_sections_are_accepted() -> None:
    text = """global: {scrape_interval: 1m, external_labels: {cluster: prod}}
runtime: {gogc: 50}
rule_files: [/etc/prometheus/rules/*.yaml]
alerting: {alertmanagers: [{static_configs: [{targets: ['am:9093']}], api_version: v2}]}
remote_write: [{url: 'https://rw', queue_config: {capacity: 100}}]
storage: {tsdb: {out_of_order_time_window: 10m}}
tracing: {endpoint: 'otel:4317'}
otlp: {promote_resource_attributes: [service.name]}
scrape_configs:
  - job_name: a
    consul_sd_configs: [{server: 'consul:8500', services: [web]}]
    ec2_sd_configs: [{region: eu-west-1}]
    msk_sd_configs: [{region: eu-west-1}]
    file_sd_configs: [{files: [/etc/targets/*.json]}]
    scrape_protocols: [PrometheusProto, OpenMetricsText1.0.0]
    body_size_limit: 10MiB
"""
    assert messages(text) == []


def test_a_near_miss_of_a_known_sd_kind_is_a_typo() -> None:
    (finding,) = ks601_text("scrape_configs:\n  - job_name: a\n    kubernets_sd_configs: [{role: pod}]\n")
    assert finding.message.startswith('unknown field "kubernets_sd_configs" in scrape config "a" (did you mean "kubernetes_sd_configs"?)')


def test_messages_name_the_field_the_job_and_the_likely_fix() -> None:
    (finding,) = ks601_text("scrape_configs:\n  - job_name: nodes\n    bearer_token_fiel: /t\n    static_configs: [{targets: ['a:1']}]\n")
    assert finding.message.startswith('unknown field "bearer_token_fiel" in scrape config "nodes" (did you mean "bearer_token_file"?)')
    assert finding.fix == 'Rename "bearer_token_fiel" to "bearer_token_file".'
    assert (finding.span.line, finding.span.column) == (3, 5)
    (finding,) = ks601_text("scrape_configs:\n  - job_name: nodes\n    insecure_skip_verify: true\n")
    assert "(it belongs under tls_config)" in finding.message
    (finding,) = ks601_text("scrape_configs:\n  - job_nme: nodes\n")
    assert finding.message.startswith('unknown field "job_nme"')  # not also "has no job_name"


def test_additional_scrape_configs_secret_is_validated() -> None:
    text = """apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: main, namespace: monitoring}
spec:
  serviceAccountName: prometheus
  serviceMonitorSelector: {}
  additionalScrapeConfigs: {name: extra, key: extra.yaml}
---
apiVersion: v1
kind: Secret
metadata: {name: extra, namespace: monitoring}
stringData:
  extra.yaml: |
    - job_name: extra
      scrape_timeout: 45s
      static_configs:
        - targets: ["a:9100"]
"""
    findings = ks601_text(text)
    assert [f.message.split(";")[0] for f in findings] == [
        'scrape_timeout 45s of scrape config "extra" is longer than the global scrape_interval 30s'
    ]
    assert findings[0].span.line == 15


def test_collector_prometheus_receiver_dollar_escapes() -> None:
    text = """apiVersion: v1
kind: ConfigMap
metadata: {name: collector, namespace: monitoring}
data:
  relay: |
    receivers:
      prometheus:
        config:
          scrape_configs:
            - job_name: pods
              scrape_interval: ${env:INTERVAL}
              kubernetes_sd_configs: [{role: pod}]
              relabel_configs:
                - {source_labels: [a], regex: '(.+)', target_label: b, replacement: '$$1'}
    exporters: {debug: {}}
    service: {pipelines: {metrics: {receivers: [prometheus], exporters: [debug]}}}
"""
    assert messages(text) == []


# ---------------------------------------------------------------------------------------------- Grafana Agent


def _doc(text: str) -> Any:
    from kubelint_scrape.load import Limits, parse_text

    documents, _problems, _status = parse_text("agent.yaml", text, Limits())
    return documents[0].root


@pytest.mark.parametrize("text, instances", [
    # static mode, current and pre-v0.20 section names (grafana/agent static/config/config.go)
    ("metrics:\n  configs:\n  - name: a\n    scrape_configs: [{job_name: x}]\n", 1),
    ("prometheus:\n  configs:\n  - name: a\n    remote_write: [{url: http://x}]\n  - name: b\n    scrape_configs: []\n", 2),
    # not an agent: a Prometheus config, a list of something else, an object with a kind, logs alone
    ("scrape_configs: []\nmetrics:\n  configs:\n  - scrape_configs: []\n", 0),
    ("metrics:\n  configs:\n  - name: dashboards\n    path: /x\n", 0),
    ("apiVersion: v1\nkind: ConfigMap\nmetrics:\n  configs:\n  - scrape_configs: []\n", 0),
    ("logs:\n  configs:\n  - name: a\n    scrape_configs: [{job_name: x}]\n", 0),
])
def test_grafana_agent_static_config_is_read_per_instance(text: str, instances: int) -> None:
    from kubelint_scrape.model import agent_metrics_section
    from kubelint_scrape.promconfig import agent_configs

    root = _doc(text)
    section = agent_metrics_section(root)
    found = agent_configs("agent.yaml", root, section, "config") if section is not None else []
    assert len(found) == instances
    assert all(config.flavor == "grafana-agent" for config in found)


def test_grafana_agent_components_beside_metrics_are_unmodelled() -> None:
    from kubelint_scrape.model import agent_metrics_section
    from kubelint_scrape.promconfig import agent_configs

    root = _doc("metrics:\n  configs:\n  - name: a\n    scrape_configs: [{job_name: x}]\n"
                "integrations:\n  eventhandler: {cache_path: /x}\n"
                "logs:\n  configs:\n  - name: pods\n    scrape_configs: [{job_name: y, kubernetes_sd_configs: [{role: pod}]}]\n")
    [config] = agent_configs("agent.yaml", root, agent_metrics_section(root), "config")
    assert config.unmodelled == ["logs.configs[pods] (kubernetes_sd_configs)", "integrations.eventhandler (watches events)"]


def test_ks602_quotes_the_scalar_as_written_not_as_yaml11_decoded_it():
    """`name: y` / `release: 010` decode (Go yaml.v2, YAML 1.1) to true / 8: the message and the fix must name
    what the user wrote, and quoting that text is the fix."""
    text = ("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: y\n  namespace: monitoring\n"
            "  labels:\n    release: 010\n    scrape: true\n")
    source = parse_source("sa.yaml", text)
    findings = [f for f in lint_sources([source], Options(select={"KS602"})).findings if f.rule == "KS602"]
    by_line = {f.span.line: f for f in findings}
    assert sorted(by_line) == [4, 7, 8]
    assert by_line[4].message.startswith("ServiceAccount y: metadata.name must be a string, not y (YAML 1.1 reads it as the boolean true)")
    assert by_line[4].fix == 'Write `name: "y"`.'
    assert "not 010 (YAML 1.1 reads it as the number 8)" in by_line[7].message
    assert by_line[7].fix == 'Write `release: "010"`.'
    assert "not true;" in by_line[8].message  # written as decoded: nothing to explain
    assert by_line[8].fix == 'Write `scrape: "true"`.'


def test_job_timing_checked_when_the_global_timing_is_wrong():
    """A job with its own scrape_interval does not depend on the global one: its own timeout > interval is reported
    beside the global error; a job that inherits the (invalid) global interval is not judged."""
    text = ("global:\n  scrape_interval: 15s\n  scrape_timeout: 20s\nscrape_configs:\n"
            "  - job_name: own\n    scrape_interval: 10s\n    scrape_timeout: 15s\n    static_configs: [{targets: [a:1]}]\n"
            "  - job_name: inherits\n    scrape_timeout: 15s\n    static_configs: [{targets: [a:1]}]\n")
    found = messages(text)
    assert any(m.startswith("global scrape_timeout 20s is longer") for m in found)
    assert any(m.startswith('scrape_timeout 15s of scrape config "own" is longer than its scrape_interval 10s') for m in found)
    assert not any('"inherits"' in m for m in found)
    assert len(found) == 2


# A job found clean is remembered by content and context (promvalidate._CLEAN_JOBS): the same job under another
# global section, another Prometheus release, or next to a schema error, is checked again.

REPEATED_JOB = """\
  - job_name: repeated
    scrape_timeout: 30s
    relabel_configs:
      - {source_labels: [__meta_kubernetes_pod_label_app], target_label: app.kubernetes.io/name}
    static_configs: [{targets: ['a:1']}]
"""


def test_a_job_remembered_clean_is_checked_again_in_another_global_context() -> None:
    assert messages("global:\n  scrape_interval: 1m\nscrape_configs:\n" + REPEATED_JOB) == []
    assert messages("global:\n  scrape_interval: 1m\nscrape_configs:\n" + REPEATED_JOB) == []  # (remembered)
    (message,) = messages("global:\n  scrape_interval: 10s\nscrape_configs:\n" + REPEATED_JOB)
    assert "scrape_timeout 30s of" in message and "longer than the global scrape_interval 10s" in message


def test_a_job_remembered_clean_is_checked_again_under_another_name_validation() -> None:
    clean = "global:\n  scrape_interval: 1m\nscrape_configs:\n" + REPEATED_JOB
    assert messages(clean) == []
    legacy = clean.replace("scrape_interval: 1m\n", "scrape_interval: 1m\n  metric_name_validation_scheme: legacy\n")
    (message,) = messages(legacy)
    assert "app.kubernetes.io/name" in message


def test_a_remembered_job_still_counts_for_duplicate_names() -> None:
    twice = "global:\n  scrape_interval: 1m\nscrape_configs:\n" + REPEATED_JOB + REPEATED_JOB
    (message,) = messages(twice)
    assert 'job_name "repeated" is used by an earlier scrape config' in message


# ---------------------------------------------------------------------------------------------- look-alikes


def test_prometheus_key_lists_match_the_schema() -> None:
    """model.py names Prometheus' top-level sections and global keys without loading the schema (the check runs on
    every document); they must be the schema's."""
    from kubelint_scrape.model import PROMETHEUS_GLOBAL_KEYS, PROMETHEUS_ONLY_SECTIONS, PROMETHEUS_SECTIONS

    schema = json.loads((SCHEMAS / "prometheus-config.schema.json").read_text())
    global_ = schema["properties"]["global"]
    if "$ref" in global_:
        global_ = schema["$defs"][global_["$ref"].rsplit("/", 1)[-1]]
    assert set(PROMETHEUS_SECTIONS) == set(schema["properties"])
    assert set(PROMETHEUS_GLOBAL_KEYS) == set(global_["properties"])
    assert set(PROMETHEUS_ONLY_SECTIONS) == set(PROMETHEUS_SECTIONS) - {"global", "scrape_configs", "tracing"}


@pytest.mark.parametrize("text, expected", [
    # Prometheus: jobs, a Prometheus global, a global with a typo beside a Prometheus-only section
    ("scrape_configs: []\n", True),
    ("global: {scrape_interval: 15s}\n", True),
    ("global: {scrape_intervall: 15s}\nrule_files: [a.yml]\n", True),
    ("global: {scrape_interval: 15s}\nroute: {receiver: x}\n", True),  # one stray key: KS601 says so
    # a main config that only names its job files (scrape_config_files), with or without other sections
    ("scrape_config_files: [jobs/*.yml]\n", True),
    ("scrape_config_files: [jobs/*.yml]\nrule_files: [rules/*.yml]\n", True),
    ("scrape_config_files: [jobs/*.yml]\nimageRegistry: ''\n", False),  # a key Prometheus lacks: not its file
    # Alertmanager (prometheus/alertmanager config/config.go GlobalConfig, Config)
    ("global: {resolve_timeout: 5m}\nroute: {receiver: x}\nreceivers: [{name: x}]\n", False),
    ("global: {smtp_smarthost: 'localhost:25'}\n", False),
    # a Helm values file: the chart's global, and sections Prometheus lacks beside its `storage`
    ("global: {imageRegistry: ''}\nstorage: {size: 1Gi}\nkubecostToken: ''\n", False),
    # Promtail: its global (file_watch_config), clients by flag; a job with pipeline_stages alone
    ("global: {file_watch_config: {min_poll_frequency: 250ms}}\npositions: {filename: /p}\n"
     "scrape_configs: [{job_name: a, kubernetes_sd_configs: [{role: pod}]}]\n", False),
    ("scrape_configs: [{job_name: a, pipeline_stages: [{cri: {}}]}]\n", False),
    ("server: {}\nclients: [{url: http://loki}]\nscrape_configs: []\n", False),
    # client by flag, no pipeline: the `__path__` it tails (relabelled, or a static target's label)
    ("server: {}\npositions: {filename: /p}\nscrape_configs: [{job_name: a, kubernetes_sd_configs: [{role: pod}],\n"
     "  relabel_configs: [{source_labels: [__meta_kubernetes_pod_uid], target_label: __path__}]}]\n", False),
    ("scrape_configs: [{job_name: s, static_configs: [{targets: [localhost], labels: {__path__: /var/log/*.log}}]}]\n",
     False),
    # …but a Prometheus global or section keeps it Prometheus' (its stray keys are KS601's)
    ("global: {scrape_interval: 15s}\nserver: {}\nclients: []\nscrape_configs: []\n", True),
    # a misspelt Prometheus global key and a stray `server` are two KS601s, not Promtail's global and section
    ("global: {scrape_intervl: 15s}\nserver: {http_listen_port: 9090}\nscrape_configs: [{job_name: a}]\n", True),
    ("remote_write: [{url: http://x}]\nscrape_configs: [{job_name: a, pipeline_stages: []}]\n", True),
])
def test_prometheus_config_told_from_look_alikes(text: str, expected: bool) -> None:
    from kubelint_scrape.model import is_prometheus_config

    assert is_prometheus_config(_doc(text)) is expected


@pytest.mark.parametrize("text, parsed", [
    ("scrape_configs:\n- job_name: a\n", True),
    ("scrape_config_files:\n- /etc/prometheus/jobs/*.yml\n", True),
    ("# Prometheus\nglobal:\n  scrape_interval: 1m\n", True),
    ('"global":\n  "resolve_timeout": "5m"\n', True),  # parsed, then told apart (not Prometheus')
    ("metrics:\n  configs:\n  - name: a\n    scrape_configs: []\n", True),
    ("metrics:\n  configs:\n  - scrape_configs: []\n", True),
    ('{"global": {}, "scrape_configs": []}', True),
    # a leading global whose scrape_configs is misspelt (KS601 says so): after `{`, after a `---` marker
    ('{\n  "global": {"scrape_interval": "15s"},\n  "scrape_config": []\n}', True),
    ("---\nglobal:\n  scrape_interval: 15s\nscrape_config: []\n", True),
    ("--- # Prometheus\n# by hand\nglobal:\n  scrape_interval: 15s\n", True),
    ("---\nserver:\n  global: 1\n", False),
    # a key only in prose: a TOML comment, a script, a value
    ('# mirrors the scrape_configs job\n[[inputs.prometheus]]\n  urls = ["http://x"]\n', False),
    ("#!/bin/sh\necho scrape_configs: >> /etc/prometheus.yml\n", False),
    ("description: see scrape_configs\n", False),
    ("server:\n  global: 1\n", False),
])
def test_embedded_text_parsed_only_with_a_prometheus_key(text: str, parsed: bool) -> None:
    from kubelint_scrape.build import _looks_like_prometheus

    assert _looks_like_prometheus(text) is parsed


@pytest.mark.parametrize("flag, leave", [
    ("--agent", "drop --agent"),
    ("--enable-feature=agent", "drop --enable-feature=agent"),
    ("--enable-feature=agent,exemplar-storage", "remove `agent` from --enable-feature=agent,exemplar-storage, keeping "
                                                "the other features (`--enable-feature=exemplar-storage`)"),
])
def test_agent_mode_fix_keeps_the_other_enabled_features(tmp_path: Path, flag: str, leave: str) -> None:
    # Dropping `--enable-feature=agent,exemplar-storage` whole would also turn exemplar storage off.
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS601" / "fail-agent-mode-sections" / "agent.yaml"
    text = case.read_text().replace("- --agent\n", f"- {flag}\n")
    if flag != "--agent":
        text = text.replace("v3.5.0", "v2.53.0")  # the 2.x spelling of agent mode
    (tmp_path / "agent.yaml").write_text(text)
    fixes = {f.fix for f in lint_paths([str(tmp_path)], Options(select={"KS601"})).findings
             if f.data.get("check") == "agent-mode"}
    assert fixes == {"Remove `rule_files:` from the agent's config, or " + leave + "."}, fixes


def test_ks601_kubeletstats_fix_names_the_grants_its_paths_need(tmp_path) -> None:
    """KS601's fix for a tls kubeletstats receiver without its client certificate said the ServiceAccount needs
    nodes/proxy when the receiver reads /pods: applied on Kubernetes 1.33+ (KubeletFineGrainedAuthz, FACTS §1) that
    grant drew KS201 (nodes/proxy reaches exec/attach on every node) while nodes/pods was enough. The fix now names
    the subresource the kubelet checks first for each path the receiver reads, and applying it is clean."""
    from pathlib import Path

    from kubelint_scrape.analyse import Assumptions
    from kubelint_scrape.engine import Options, lint_paths

    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "KS601" / "fail-kubeletstats-tls-auth-without-client-certificate"
    text = (fixture / "collector.yaml").read_text().replace(
        "        collection_interval: 30s\n", "        collection_interval: 30s\n        extra_metadata_labels: [container.id]\n")
    (tmp_path / "collector.yaml").write_text(text)

    def fix(version: str) -> str:
        result = lint_paths([str(tmp_path)], Options(assumptions=Assumptions(kubernetes_version=version)))
        return next(f.fix for f in result.findings if f.rule == "KS601")

    assert "needs `get` on nodes/stats and nodes/pods)" in fix("1.34")
    assert "needs `get` on nodes/stats and nodes/proxy)" in fix("1.32")  # no fine-grained kubelet authorization yet
    applied = text.replace("auth_type: tls", "auth_type: serviceAccount").replace(
        'resources: ["nodes/stats"]', 'resources: ["nodes/stats", "nodes/pods"]')
    (tmp_path / "collector.yaml").write_text(applied)
    rules = {f.rule for f in lint_paths([str(tmp_path)], Options()).findings}
    assert not rules & {"KS601", "KS102", "KS201"}
