"""Table-driven tests for kubelint_scrape.relabel.

Cases marked "upstream" are transcribed from prometheus/prometheus model/relabel/relabel_test.go
(TestRelabel, TestRelabelValidate, TestTargetLabelLegacyValidity, BenchmarkRelabel configs,
TestConfig_UnmarshalThenMarshal); the expected values are upstream's.
"""

from __future__ import annotations

import hashlib
import re

import pytest

from kubelint_scrape.relabel import (
    RelabelError,
    RelabelRule,
    compile_go_regex,
    example_match,
    expand,
    relabel,
)


def rules(*maps, name_validation="utf8"):
    return [RelabelRule.from_mapping(m, name_validation=name_validation) for m in maps]


# --------------------------------------------------------------------------------------------------
# relabel(): label set in, rules, label set out (None = dropped)
# --------------------------------------------------------------------------------------------------

K8S_POD = {
    "__address__": "10.132.183.40:80",
    "__meta_kubernetes_namespace": "loki-boltdb-shipper",
    "__meta_kubernetes_pod_annotation_promtail_loki_boltdb_shipper_hash": "50523b9759094a144adcec2eae0aa4ad",
    "__meta_kubernetes_pod_annotationpresent_promtail_loki_boltdb_shipper_hash": "true",
    "__meta_kubernetes_pod_container_init": "false",
    "__meta_kubernetes_pod_container_name": "promtail",
    "__meta_kubernetes_pod_container_port_name": "http-metrics",
    "__meta_kubernetes_pod_container_port_number": "80",
    "__meta_kubernetes_pod_container_port_protocol": "TCP",
    "__meta_kubernetes_pod_controller_kind": "DaemonSet",
    "__meta_kubernetes_pod_controller_name": "promtail-loki-boltdb-shipper",
    "__meta_kubernetes_pod_host_ip": "10.128.0.178",
    "__meta_kubernetes_pod_ip": "10.132.183.40",
    "__meta_kubernetes_pod_label_controller_revision_hash": "555b77cd7d",
    "__meta_kubernetes_pod_label_name": "promtail-loki-boltdb-shipper",
    "__meta_kubernetes_pod_label_pod_template_generation": "45",
    "__meta_kubernetes_pod_labelpresent_controller_revision_hash": "true",
    "__meta_kubernetes_pod_labelpresent_name": "true",
    "__meta_kubernetes_pod_labelpresent_pod_template_generation": "true",
    "__meta_kubernetes_pod_name": "promtail-loki-boltdb-shipper-jgtr7",
    "__meta_kubernetes_pod_node_name": "gke-dev-us-central-0-main-n2s8-2-14d53341-9hkr",
    "__meta_kubernetes_pod_phase": "Running",
    "__meta_kubernetes_pod_ready": "true",
    "__meta_kubernetes_pod_uid": "4c586419-7f6c-448d-aeec-ca4fa5b05e60",
    "__metrics_path__": "/metrics",
    "__scheme__": "http",
    "__scrape_interval__": "15s",
    "__scrape_timeout__": "10s",
    "job": "kubernetes-pods",
}

# upstream BenchmarkRelabel "kubernetes" config, as YAML-parsed dicts
K8S_RULES = [
    {"source_labels": ["__meta_kubernetes_pod_container_port_name"], "regex": ".*-metrics", "action": "keep"},
    {"source_labels": ["__meta_kubernetes_pod_label_name"], "action": "drop", "regex": ""},
    {"source_labels": ["__meta_kubernetes_pod_phase"], "regex": "Succeeded|Failed", "action": "drop"},
    {"source_labels": ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], "regex": "false", "action": "drop"},
    {"source_labels": ["__meta_kubernetes_pod_annotation_prometheus_io_scheme"], "target_label": "__scheme__",
     "regex": "(https?)", "replacement": "$1", "action": "replace"},
    {"source_labels": ["__meta_kubernetes_pod_annotation_prometheus_io_path"], "target_label": "__metrics_path__",
     "regex": "(.+)", "replacement": "$1", "action": "replace"},
    {"source_labels": ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"],
     "target_label": "__address__", "regex": r"(.+?)(\:\d+)?;(\d+)", "replacement": "$1:$3", "action": "replace"},
    {"regex": "__meta_kubernetes_pod_annotation_prometheus_io_param_(.+)", "replacement": "__param_$1", "action": "labelmap"},
    {"regex": "__meta_kubernetes_pod_label_prometheus_io_label_(.+)", "action": "labelmap"},
    {"regex": "__meta_kubernetes_pod_annotation_prometheus_io_label_(.+)", "action": "labelmap"},
    {"source_labels": ["__meta_kubernetes_namespace", "__meta_kubernetes_pod_label_name"], "separator": "/",
     "target_label": "job", "replacement": "$1", "action": "replace"},
    {"source_labels": ["__meta_kubernetes_namespace"], "target_label": "namespace", "action": "replace"},
    {"source_labels": ["__meta_kubernetes_pod_name"], "target_label": "pod", "action": "replace"},
    {"source_labels": ["__meta_kubernetes_pod_container_name"], "target_label": "container", "action": "replace"},
    {"source_labels": ["__meta_kubernetes_pod_name", "__meta_kubernetes_pod_container_name",
                       "__meta_kubernetes_pod_container_port_name"], "separator": ":", "target_label": "instance",
     "action": "replace"},
    {"target_label": "cluster", "replacement": "dev-us-central-0"},
    {"source_labels": ["__meta_kubernetes_namespace"], "regex": "hosted-grafana", "action": "drop"},
    {"source_labels": ["__address__"], "target_label": "__tmp_hash", "modulus": 3, "action": "hashmod"},
    {"source_labels": ["__tmp_hash"], "regex": "^0$", "action": "keep"},
    {"regex": "__tmp_hash", "action": "labeldrop"},
]
K8S_EXPECTED_BEFORE_SHARDING = {
    **K8S_POD,
    "job": "loki-boltdb-shipper/promtail-loki-boltdb-shipper",
    "namespace": "loki-boltdb-shipper",
    "pod": "promtail-loki-boltdb-shipper-jgtr7",
    "container": "promtail",
    "instance": "promtail-loki-boltdb-shipper-jgtr7:promtail:http-metrics",
    "cluster": "dev-us-central-0",
}

RELABEL_CASES = [
    # ---- upstream TestRelabel -------------------------------------------------------------------
    pytest.param({"a": "foo", "b": "bar", "c": "baz"},
                 [{"source_labels": ["a"], "regex": "f(.*)", "target_label": "d", "replacement": "ch${1}-ch${1}"}],
                 {"a": "foo", "b": "bar", "c": "baz", "d": "choo-choo"}, id="upstream-replace-braced-groups"),
    pytest.param({"a": "foo", "b": "bar", "c": "baz"},
                 [{"source_labels": ["a", "b"], "regex": "f(.*);(.*)r", "target_label": "a", "replacement": "b${1}${2}m"},
                  {"source_labels": ["c", "a"], "regex": "(b).*b(.*)ba(.*)", "target_label": "d", "replacement": "$1$2$2$3"}],
                 {"a": "boobam", "b": "bar", "c": "baz", "d": "boooom"}, id="upstream-replace-chain-sees-previous"),
    pytest.param({"a": "foo"},
                 [{"source_labels": ["a"], "regex": ".*o.*", "action": "drop"},
                  {"source_labels": ["a"], "regex": "f(.*)", "target_label": "d", "replacement": "ch$1-ch$1"}],
                 None, id="upstream-drop-stops-processing"),
    pytest.param({"a": "foo", "b": "bar"}, [{"source_labels": ["a"], "regex": ".*o.*", "action": "drop"}],
                 None, id="upstream-drop"),
    pytest.param({"a": "abc"}, [{"source_labels": ["a"], "regex": ".*(b).*", "target_label": "d", "replacement": "$1"}],
                 {"a": "abc", "d": "b"}, id="upstream-replace-middle-group"),
    pytest.param({"a": "foo"}, [{"source_labels": ["a"], "regex": "no-match", "action": "drop"}],
                 {"a": "foo"}, id="upstream-drop-no-match"),
    pytest.param({"a": "foo"}, [{"source_labels": ["a"], "regex": "f|o", "action": "drop"}],
                 {"a": "foo"}, id="upstream-drop-alternation-is-anchored"),
    pytest.param({"a": "foo"}, [{"source_labels": ["a"], "regex": "no-match", "action": "keep"}],
                 None, id="upstream-keep-no-match"),
    pytest.param({"a": "foo"}, [{"source_labels": ["a"], "regex": "f.*", "action": "keep"}],
                 {"a": "foo"}, id="upstream-keep-match"),
    pytest.param({"a": "boo"}, [{"source_labels": ["a"], "regex": "f", "target_label": "b", "replacement": "bar"}],
                 {"a": "boo"}, id="upstream-replace-no-match-no-op"),
    pytest.param({"a": "foo", "f": "baz"},
                 [{"source_labels": ["a"], "regex": "(f).*", "target_label": "$1", "replacement": "$2"}],
                 {"a": "foo"}, id="upstream-blank-replacement-deletes-label"),
    pytest.param({"a": "foo", "b": "bar", "c": "baz"},
                 [{"source_labels": ["c"], "target_label": "d", "action": "hashmod", "modulus": 1000}],
                 {"a": "foo", "b": "bar", "c": "baz", "d": "976"}, id="upstream-hashmod"),
    pytest.param({"a": "foo\nbar"},
                 [{"source_labels": ["a"], "target_label": "b", "action": "hashmod", "modulus": 1000}],
                 {"a": "foo\nbar", "b": "734"}, id="upstream-hashmod-newline"),
    pytest.param({"a": "foo", "b1": "bar", "b2": "baz"},
                 [{"regex": "(b.*)", "replacement": "bar_${1}", "action": "labelmap"}],
                 {"a": "foo", "b1": "bar", "b2": "baz", "bar_b1": "bar", "bar_b2": "baz"}, id="upstream-labelmap"),
    pytest.param({"a": "foo", "__meta_my_bar": "aaa", "__meta_my_baz": "bbb", "__meta_other": "ccc"},
                 [{"regex": "__meta_(my.*)", "replacement": "${1}", "action": "labelmap"}],
                 {"a": "foo", "__meta_my_bar": "aaa", "__meta_my_baz": "bbb", "__meta_other": "ccc",
                  "my_bar": "aaa", "my_baz": "bbb"}, id="upstream-labelmap-meta"),
    pytest.param({"a": "some-name-value"},
                 [{"source_labels": ["a"], "regex": "some-([^-]+)-([^,]+)", "replacement": "${2}", "target_label": "${1}"}],
                 {"a": "some-name-value", "name": "value"}, id="upstream-target-label-from-group"),
    pytest.param({"a": "some-name-value"},
                 [{"source_labels": ["a"], "regex": "some-([^-]+)-([^,]+)", "replacement": "${3}", "target_label": "${1}"}],
                 {"a": "some-name-value"}, id="upstream-missing-group-replacement-is-empty"),
    pytest.param({"a": "some-name-0"},
                 [{"source_labels": ["a"], "regex": "some-([^-]+)-([^,]+)", "replacement": "${1}", "target_label": "${3}"},
                  {"source_labels": ["a"], "regex": "some-([^-]+)(-[^,]+)", "replacement": "${1}", "target_label": "${3}"}],
                 {"a": "some-name-0"}, id="upstream-empty-expanded-target-is-no-op"),
    pytest.param({"__meta_sd_tags": "path:/secret,job:some-job,label:foo=bar"},
                 [{"source_labels": ["__meta_sd_tags"], "regex": "(?:.+,|^)path:(/[^,]+).*", "replacement": "${1}",
                   "target_label": "__metrics_path__"},
                  {"source_labels": ["__meta_sd_tags"], "regex": "(?:.+,|^)job:([^,]+).*", "replacement": "${1}",
                   "target_label": "job"},
                  {"source_labels": ["__meta_sd_tags"], "regex": "(?:.+,|^)label:([^=]+)=([^,]+).*", "replacement": "${2}",
                   "target_label": "${1}"}],
                 {"__meta_sd_tags": "path:/secret,job:some-job,label:foo=bar", "__metrics_path__": "/secret",
                  "job": "some-job", "foo": "bar"}, id="upstream-real-life-tags"),
    pytest.param({"__meta_kubernetes_pod_container_port_name": "foo",
                  "__meta_kubernetes_pod_annotation_XXX_metrics_port": "9091"},
                 [{"regex": "^__meta_kubernetes_pod_container_port_name$", "action": "labeldrop"},
                  {"source_labels": ["__meta_kubernetes_pod_annotation_XXX_metrics_port"], "regex": "(.+)",
                   "replacement": "metrics", "target_label": "__meta_kubernetes_pod_container_port_name"},
                  {"source_labels": ["__meta_kubernetes_pod_container_port_name"], "regex": "^metrics$", "action": "keep"}],
                 {"__meta_kubernetes_pod_annotation_XXX_metrics_port": "9091",
                  "__meta_kubernetes_pod_container_port_name": "metrics"}, id="upstream-issue-12283"),
    pytest.param({"a": "foo", "b1": "bar", "b2": "baz"}, [{"regex": "(b.*)", "action": "labelkeep"}],
                 {"b1": "bar", "b2": "baz"}, id="upstream-labelkeep"),
    pytest.param({"a": "foo", "b1": "bar", "b2": "baz"}, [{"regex": "(b.*)", "action": "labeldrop"}],
                 {"a": "foo"}, id="upstream-labeldrop"),
    pytest.param({"foo": "bAr123Foo"},
                 [{"source_labels": ["foo"], "action": "uppercase", "target_label": "foo_uppercase"},
                  {"source_labels": ["foo"], "action": "lowercase", "target_label": "foo_lowercase"}],
                 {"foo": "bAr123Foo", "foo_lowercase": "bar123foo", "foo_uppercase": "BAR123FOO"},
                 id="upstream-upper-lower"),
    pytest.param({"__tmp_port": "1234", "__port1": "1234", "__port2": "5678"},
                 [{"source_labels": ["__tmp_port"], "action": "keepequal", "target_label": "__port1"}],
                 {"__tmp_port": "1234", "__port1": "1234", "__port2": "5678"}, id="upstream-keepequal-keeps"),
    pytest.param({"__tmp_port": "1234", "__port1": "1234", "__port2": "5678"},
                 [{"source_labels": ["__tmp_port"], "action": "dropequal", "target_label": "__port1"}],
                 None, id="upstream-dropequal-drops"),
    pytest.param({"__tmp_port": "1234", "__port1": "1234", "__port2": "5678"},
                 [{"source_labels": ["__tmp_port"], "action": "dropequal", "target_label": "__port2"}],
                 {"__tmp_port": "1234", "__port1": "1234", "__port2": "5678"}, id="upstream-dropequal-keeps"),
    pytest.param({"__tmp_port": "1234", "__port1": "1234", "__port2": "5678"},
                 [{"source_labels": ["__tmp_port"], "action": "keepequal", "target_label": "__port2"}],
                 None, id="upstream-keepequal-drops"),
    pytest.param({"a": "line1\nline2", "b": "bar", "c": "baz"},
                 [{"source_labels": ["a"], "regex": "line1.*line2", "target_label": "d", "replacement": "match${1}"}],
                 {"a": "line1\nline2", "b": "bar", "c": "baz", "d": "match"}, id="upstream-v3-dot-matches-newline"),
    pytest.param({"utf-8.label": "line1\nline2"},
                 [{"source_labels": ["utf-8.label"], "regex": "line1.*line2", "target_label": "d", "replacement": "match${1}"}],
                 {"utf-8.label": "line1\nline2", "d": "match"}, id="upstream-utf8-source-label"),
    pytest.param({"a": "line1\nline2"},
                 [{"source_labels": ["a"], "regex": "line1.*line2", "target_label": "utf-8.label${1}", "replacement": "match${1}"}],
                 {"a": "line1\nline2", "utf-8.label": "match"}, id="upstream-utf8-target-with-var"),
    pytest.param({"a": "line1\nline2"},
                 [{"source_labels": ["a"], "regex": "(line1).*(?<second>line2)", "target_label": "label1_${1}",
                   "replacement": "val_${second}"},
                  {"source_labels": ["a"], "regex": "(line1).*(?<second>line2)", "target_label": "label2_$1",
                   "replacement": "val_$second"}],
                 {"a": "line1\nline2", "label1_line1": "val_line2", "label2_line1": "val_line2"},
                 id="upstream-named-groups-both-syntaxes"),
    pytest.param({"__name__": "http_requests_total"},
                 [{"source_labels": ["__name__"], "regex": ".*_total$", "target_label": "__type__", "replacement": "counter"}],
                 {"__name__": "http_requests_total", "__type__": "counter"}, id="upstream-type-label"),
    # ---- upstream BenchmarkRelabel configs ------------------------------------------------------
    pytest.param({"__meta_dns_name": "example-some-x.com", "abc": "def", "job": "foo"},
                 [{"source_labels": ["job", "__meta_dns_name"], "regex": "(.*)some-[regex]", "target_label": "job",
                   "replacement": "foo-${1}"},
                  {"source_labels": ["abc"], "target_label": "cde"},
                  {"replacement": "static", "target_label": "abc"},
                  {"regex": None, "replacement": "static", "target_label": "abc"}],
                 {"__meta_dns_name": "example-some-x.com", "abc": "static", "cde": "def", "job": "foo"},
                 id="upstream-bench-example"),
    pytest.param({"job": "foo"},
                 [{"replacement": "wwwwww", "target_label": "wwwwww"},
                  {"source_labels": ["something"], "target_label": "with_source_labels", "replacement": "value"},
                  {"replacement": "dropped", "target_label": "${0}"},
                  {"replacement": "${0}", "target_label": "dropped"}],
                 {"job": "foo", "wwwwww": "wwwwww", "with_source_labels": "value"}, id="upstream-bench-static-pairs"),
    pytest.param(K8S_POD, K8S_RULES, None, id="upstream-bench-kubernetes-sharded-away"),
    pytest.param(K8S_POD, K8S_RULES[:17], K8S_EXPECTED_BEFORE_SHARDING, id="upstream-bench-kubernetes-unsharded"),
    # ---- concatenation, anchoring ----------------------------------------------------------------
    pytest.param({"a": "x"}, [{"source_labels": ["a", "missing", "a"], "target_label": "t"}],
                 {"a": "x", "t": "x;;x"}, id="missing-source-label-is-empty-string"),
    pytest.param({"a": "1", "b": "2"}, [{"source_labels": ["a", "b"], "separator": "", "target_label": "t"}],
                 {"a": "1", "b": "2", "t": "12"}, id="empty-separator"),
    pytest.param({"a": "foobar"}, [{"source_labels": ["a"], "regex": "foo", "action": "keep"}],
                 None, id="regex-is-anchored-at-end"),
    pytest.param({"a": "foo\n"}, [{"source_labels": ["a"], "regex": "foo", "action": "keep"}],
                 None, id="dollar-is-end-of-text-not-before-final-newline"),
    pytest.param({"a": "x"}, [{"source_labels": ["a"], "regex": "(?-s:.*)y?", "action": "keep"}],
                 {"a": "x"}, id="dot-without-s-flag"),
    # ---- Kubernetes-style address / scheme rewriting -------------------------------------------
    pytest.param({"__address__": "10.0.0.1:8080", "__meta_kubernetes_pod_annotation_prometheus_io_port": "9102"},
                 [K8S_RULES[6]],
                 {"__address__": "10.0.0.1:9102", "__meta_kubernetes_pod_annotation_prometheus_io_port": "9102"},
                 id="address-port-rewrite"),
    pytest.param({"__scheme__": "http", "__meta_kubernetes_service_annotation_prometheus_io_scheme": "HTTPS"},
                 [{"source_labels": ["__meta_kubernetes_service_annotation_prometheus_io_scheme"],
                   "regex": "(?i)(https?)", "target_label": "__scheme__"}],
                 {"__scheme__": "HTTPS", "__meta_kubernetes_service_annotation_prometheus_io_scheme": "HTTPS"},
                 id="case-insensitive-scheme-keeps-original-case"),
    # ---- replace details --------------------------------------------------------------------------
    pytest.param({"a": "x", "t": "old"}, [{"source_labels": ["nope"], "target_label": "t"}],
                 {"a": "x"}, id="default-replace-of-empty-value-deletes-target"),
    pytest.param({"a": "some-foo-bar"},
                 [{"source_labels": ["a"], "regex": "some-(.*)", "target_label": "${1}", "replacement": "v"}],
                 {"a": "some-foo-bar", "foo-bar": "v"}, id="utf8-expanded-target-with-dash-is-valid"),
    pytest.param({"a": "some-foo-bar"},
                 [{"source_labels": ["a"], "regex": "some-(.*)", "target_label": "${1}", "replacement": "v"}],
                 {"a": "some-foo-bar"}, id="legacy-expanded-target-with-dash-is-no-op"),
    pytest.param({"a": "ab"}, [{"source_labels": ["a"], "regex": "(?P<1x>a)b", "target_label": "t", "replacement": "$1x|${1}x"}],
                 {"a": "ab", "t": "a|ax"}, id="dollar-1x-is-the-group-named-1x"),
    pytest.param({"a": "v"}, [{"source_labels": ["a"], "target_label": "t", "replacement": "$$1 costs $"}],
                 {"a": "v", "t": "$1 costs $"}, id="dollar-escapes"),
    # ---- label set semantics -------------------------------------------------------------------
    pytest.param({"a": "", "b": "x"}, [], {"b": "x"}, id="empty-values-are-absent"),
    pytest.param({"a": "", "b": ""}, [{"source_labels": ["a"], "action": "keepequal", "target_label": "b"}],
                 {}, id="keepequal-missing-equals-missing"),
    pytest.param({"x_a": "1", "x_b": "2"}, [{"regex": "x_(a|b)", "replacement": "y", "action": "labelmap"}],
                 {"x_a": "1", "x_b": "2", "y": "2"}, id="labelmap-collision-last-sorted-name-wins"),
    pytest.param({"a": "1"}, [{"regex": "(.*)", "replacement": "p_$1", "action": "labelmap"}],
                 {"a": "1", "p_a": "1"}, id="labelmap-iterates-a-snapshot"),
    pytest.param({"__meta_kubernetes_pod_label_app": "web", "__meta_kubernetes_pod_label_empty": ""},
                 [{"regex": "__meta_kubernetes_pod_label_(.+)", "action": "labelmap"}],
                 {"__meta_kubernetes_pod_label_app": "web", "app": "web"}, id="labelmap-skips-empty-values"),
    pytest.param({"a": "1", "b": "2"}, [{"action": "labeldrop"}], {}, id="labeldrop-default-regex-drops-all"),
    pytest.param({"a": "ΑΣ", "b": "straße"},
                 [{"source_labels": ["a"], "action": "lowercase", "target_label": "lo"},
                  {"source_labels": ["b"], "action": "uppercase", "target_label": "up"}],
                 {"a": "ΑΣ", "b": "straße", "lo": "ασ", "up": "STRAßE"}, id="go-per-rune-case-mapping"),
    pytest.param({"lo": "stale"}, [{"source_labels": ["missing"], "action": "lowercase", "target_label": "lo"}],
                 {}, id="lowercase-of-empty-deletes-target"),
    pytest.param({"a": "x"}, [{"source_labels": ["a"], "action": "KeeP", "regex": "(?i)X"}],
                 {"a": "x"}, id="action-is-case-insensitive"),
    pytest.param({"a": "x"}, [{"source_labels": ["nope"], "target_label": "t", "action": "hashmod", "modulus": 10}],
                 {"a": "x", "t": "8"}, id="hashmod-of-empty-string"),
]


@pytest.mark.parametrize("labels, maps, expected", RELABEL_CASES)
def test_relabel(request, labels, maps, expected):
    scheme = "legacy" if request.node.callspec.id.startswith("legacy-") else "utf8"
    before = dict(labels)
    assert relabel(labels, rules(*maps, name_validation=scheme)) == expected
    assert labels == before  # never mutated


def test_hashmod_is_md5_low_64_bits_big_endian():
    got = relabel({"a": "10.132.183.40:80"}, rules({"source_labels": ["a"], "target_label": "h", "modulus": 3,
                                                    "action": "hashmod"}))
    want = int.from_bytes(hashlib.md5(b"10.132.183.40:80").digest()[8:], "big") % 3
    assert got["h"] == str(want) == "1"


def test_result_is_sorted_and_input_rules_reusable():
    rs = rules({"target_label": "b", "replacement": "2"}, {"target_label": "a", "replacement": "1"})
    assert list(relabel({"c": "3"}, rs)) == ["a", "b", "c"]
    assert relabel({}, rs) == {"a": "1", "b": "2"}


# --------------------------------------------------------------------------------------------------
# compile_go_regex(): Go RE2 semantics in Python
# --------------------------------------------------------------------------------------------------

REGEX_MATCH_CASES = [
    ("(.*)", "", True),
    ("", "", True),
    ("", "a", False),
    ("foo", "foo", True),
    ("foo", "xfoo", False),
    ("f|o", "foo", False),
    ("^foo$", "foo", True),
    ("foo", "foo\n", False),
    (".*", "a\nb", True),  # v3: ^(?s:...)$
    ("(?-s).*", "a\nb", False),
    ("(?m)^b$", "b", True),
    (r"\d+", "123", True),
    (r"\d+", "١٢٣", False),  # Arabic-Indic digits: Go \d is ASCII
    (r"\w+", "é", False),
    (r"\s", "\v", False),  # Go \s is [\t\n\f\r ]
    (r"\s", "\t", True),
    (r"[^\d]", "\n", True),
    (r"\bfoo\b", "foo", True),
    (r"a\b.", "aé", True),  # é is not an ASCII word char, so there is a boundary
    ("(?i)foo", "FoO", True),
    ("(?i)k", "\u212a", True),  # Kelvin sign folds to k in Go
    ("(?i)i", "\u0131", False),  # dotless i does not (Turkic-only folding)
    ("(?i)[^k]", "K", False),
    (r"(?i)[\W]", "\u212a", False),
    ("a(?i)b|c", "C", True),  # flag runs to the end of the group, across '|'
    ("a(?i)b|c", "aB", True),
    ("a(?i)b|c", "AB", False),
    ("(?i:a)b", "Ab", True),
    ("(?i:a)b", "AB", False),
    ("x{,3}", "x{,3}", True),  # not a repetition in Go
    ("x{,3}", "xxx", False),
    ("x{01}", "x{01}", True),
    ("x{2}", "xx", True),
    ("x{2,}", "xxxx", True),
    ("x{1000}", "x" * 1000, True),
    (r"\12", "\n", True),  # octal, not a backreference
    (r"\x41\x{1F600}", "A\U0001F600", True),
    (r"\Qa.b\E", "a.b", True),
    (r"\Qa.b\E", "axb", False),
    ("[[:alpha:]]+", "abcXYZ", True),
    ("[[:^alpha:]]", "1", True),
    ("[]a]+", "]a", True),
    ("[a-]+", "a-", True),
    ("(?P<n>a)(?<m>b)", "ab", True),
    (r"a\z", "a", True),
    (r"\Aa", "a", True),
    (r"a\.b", "a.b", True),
    (r"a\_b", "a_b", True),
    ("^*a", "a", True),  # Go repeats the empty-width ^; Python would reject
    ("a*(?i)*", "aaa", True),
]


@pytest.mark.parametrize("pattern, text, matches", REGEX_MATCH_CASES)
def test_compile_go_regex_matches(pattern, text, matches):
    assert (compile_go_regex(pattern).match(text) is not None) is matches


REGEX_ERROR_CASES = [
    (r"\1", "backreference"),
    (r"(a)\1", "backreference"),
    (r"\8", "backreference"),
    ("(?=a)", "lookahead"),
    ("(?!a)", "lookahead"),
    ("(?<=a)b", "named capture"),
    ("(?<!a)b", "named capture"),
    ("(?P=n)", "backreference"),
    ("(?>a)", "Perl syntax"),
    ("(?#comment)", "Perl syntax"),
    ("(?x)a", "Perl syntax"),
    ("(?i-)a", "Perl syntax"),
    ("a*+", "nested repetition"),
    ("a++", "nested repetition"),
    ("a**", "nested repetition"),
    ("a{2}{3}", "nested repetition"),
    ("a*??", "nested repetition"),
    ("*", "missing argument"),
    ("(*)", "missing argument"),
    ("a|*", "missing argument"),
    ("a{1001}", "invalid repeat count"),
    ("a{3,2}", "invalid repeat count"),
    ("(a{500}){3}", "invalid repeat count"),
    ("(", "missing closing )"),
    ("a)", "unexpected )"),
    ("[a", "missing closing ]"),
    ("[]", "missing closing ]"),
    ("[b-a]", "invalid character class range"),
    ("[[:nope:]]", "invalid character class range"),
    (r"\Z", "escape"),
    (r"\u0041", "escape"),
    (r"\C", "escape"),
    (r"[\b]", "escape"),
    (r"\xZZ", "escape"),
    # Prometheus compiles "^(?s:" + regex + ")$": an unterminated \Q, or a trailing backslash, swallows the
    # wrapper's closing parenthesis.
    (r"\Qa.b", "missing closing )"),
    ("a\\", "missing closing )"),
    ("(?P<a-b>x)", "named capture"),
    ("(?P<é>x)", "named capture"),  # Go capture names are [A-Za-z0-9_]+
    (r"\pL", "unsupported"),
    (r"\p{Greek}", "unsupported"),
    (r"[\p{Lu}]", "unsupported"),
    (r"\PN", "unsupported"),
]


@pytest.mark.parametrize("pattern, fragment", REGEX_ERROR_CASES)
def test_compile_go_regex_rejects(pattern, fragment):
    with pytest.raises(RelabelError) as exc:
        compile_go_regex(pattern)
    assert fragment in str(exc.value)


def test_compile_go_regex_is_cached():
    assert compile_go_regex("(a|b)+c") is compile_go_regex("(a|b)+c")


def test_ungreedy_flag_and_lazy_quantifiers():
    assert compile_go_regex("(a+?)(a*)").match("aaa").groups() == ("a", "aa")
    assert compile_go_regex("(?U)(a+)(a*)").match("aaa").groups() == ("a", "aa")
    assert compile_go_regex("(?U)(a+?)(a*)").match("aaa").groups() == ("aaa", "")


# --------------------------------------------------------------------------------------------------
# expand(): Go Regexp.Expand
# --------------------------------------------------------------------------------------------------

EXPAND_CASES = [
    ("(a)(b)", "ab", "$1-$2", "a-b"),
    ("(a)(b)", "ab", "${1}x", "ax"),
    ("(a)(b)", "ab", "$1x", ""),  # the group named "1x"
    ("(a)(b)", "ab", "$0", "ab"),
    ("(a)(b)", "ab", "${0}!", "ab!"),
    ("(a)(b)", "ab", "$3", ""),
    ("(a)(b)", "ab", "$01", ""),  # leading zero: a name, not a number
    ("(a)(b)", "ab", "$$1", "$1"),
    ("(a)(b)", "ab", "cost: $", "cost: $"),
    ("(a)(b)", "ab", "${", "${"),
    ("(a)(b)", "ab", "${}", "${}"),
    ("(a)(b)", "ab", "${1", "${1"),
    ("(a)(b)", "ab", "$-1", "$-1"),
    ("(a)(b)", "ab", "$1.$2", "a.b"),
    ("(?P<x>a)(b)", "ab", "$x|${x}|$xy|${2}", "a|a||b"),
    ("(?P<n>a)|(?P<n>b)", "b", "$n", "b"),  # duplicate names: first that participated
    ("(a)?b", "b", "[$1]", "[]"),
    ("(a)", "a", "$1é!", "!"),  # Unicode letters continue a $name (group "1é": none)
]


@pytest.mark.parametrize("pattern, text, template, expected", EXPAND_CASES)
def test_expand(pattern, text, template, expected):
    m = compile_go_regex(pattern).match(text)
    assert m is not None
    assert expand(template, m) == expected


# --------------------------------------------------------------------------------------------------
# RelabelRule.from_mapping(): defaults and upstream Validate()
# --------------------------------------------------------------------------------------------------

def test_from_mapping_defaults():
    r = RelabelRule.from_mapping({"target_label": "t"})
    assert r == RelabelRule(target_label="t")
    assert (r.source_labels, r.separator, r.regex, r.replacement, r.modulus, r.action) == ((), ";", "(.*)", "$1", 0, "replace")


def test_from_mapping_nulls_are_go_zero_values():
    r = RelabelRule.from_mapping({"target_label": "t", "regex": None, "separator": None, "replacement": None,
                                  "source_labels": None, "modulus": None})
    assert (r.regex, r.separator, r.replacement, r.source_labels, r.modulus) == ("", "", "", (), 0)


def test_from_mapping_normalises_action_and_scalars():
    r = RelabelRule.from_mapping({"action": "HashMod", "source_labels": ["a"], "target_label": "t", "modulus": 8,
                                  "replacement": 80})
    assert r.action == "hashmod" and r.replacement == "80" and r.source_labels == ("a",)


INVALID_CONFIGS = [
    ({"action": None}, "relabel action cannot be empty"),  # upstream
    ({"action": "replace"}, "requires 'target_label' value"),  # upstream
    ({"action": "lowercase"}, "requires 'target_label' value"),  # upstream
    ({"action": "uppercase", "target_label": "${3}"}, "\"${3}\" is invalid 'target_label' for uppercase action",
     "legacy"),  # upstream (legacy)
    ({"action": "explode"}, "unknown relabel action \"explode\""),
    ({"action": ""}, "unknown relabel action \"\""),
    ({"action": "hashmod", "target_label": "t"}, "hashmod requires non-zero modulus"),
    ({"action": "hashmod", "target_label": "t", "modulus": -1}, "uint64"),
    ({"action": "hashmod", "target_label": "t", "modulus": "3"}, "unsigned integer"),
    ({"action": "hashmod", "modulus": 3}, "requires 'target_label' value"),
    ({"action": "hashmod", "modulus": 3, "target_label": "a-b"}, "is invalid 'target_label' for hashmod", "legacy"),
    ({"action": "keepequal", "source_labels": ["a"]}, "requires 'target_label' value"),
    ({"action": "keepequal", "source_labels": ["a"], "target_label": "b", "regex": "(.*)"},
     "keepequal action requires only 'source_labels' and `target_label`"),
    ({"action": "dropequal", "source_labels": ["a"], "target_label": "b", "regex": None},
     "dropequal action requires only"),
    ({"action": "dropequal", "source_labels": ["a"], "target_label": "b", "separator": ","},
     "dropequal action requires only"),
    ({"action": "keepequal", "source_labels": ["a"], "target_label": "b", "replacement": "x"},
     "'replacement' can not be set for keepequal action"),
    ({"action": "lowercase", "source_labels": ["a"], "target_label": "b", "replacement": "x"},
     "'replacement' can not be set for lowercase action"),
    ({"action": "labeldrop", "regex": "x", "source_labels": ["a"]}, "labeldrop action requires only 'regex'"),
    ({"action": "labelkeep", "regex": "x", "source_labels": []}, "labelkeep action requires only 'regex'"),
    ({"action": "labeldrop", "regex": "x", "target_label": "t"}, "labeldrop action requires only 'regex'"),
    ({"action": "labelmap", "regex": "x", "replacement": ""}, "\"\" is invalid 'replacement' for labelmap action"),
    ({"action": "labelmap", "regex": "(.*)", "replacement": "a.$1"}, "is invalid 'replacement' for labelmap",
     "legacy"),
    ({"target_label": "foo-bar"}, "\"foo-bar\" is invalid 'target_label' for replace action", "legacy"),
    ({"target_label": "t", "regex": "(?=x)"}, "lookahead"),
    ({"target_label": "t", "regex": r"\pL"}, "unsupported"),
    ({"target_label": "t", "source_labels": [""]}, "is not a valid label name"),
    ({"target_label": "t", "source_labels": "a"}, "must be a list"),
    ({"target_label": "t", "regexp": "x"}, "field regexp not found"),
    ({"target_label": ["t"]}, "must be a string"),
]


@pytest.mark.parametrize("case", INVALID_CONFIGS, ids=lambda c: c[1][:40])
def test_from_mapping_rejects(case):
    m, fragment, *scheme = case
    with pytest.raises(RelabelError) as exc:
        RelabelRule.from_mapping(m, name_validation=scheme[0] if scheme else "utf8")
    assert fragment in str(exc.value)


VALID_CONFIGS = [
    ({"action": "lowercase", "target_label": "${3}"}, "utf8"),  # upstream: legal with UTF-8 names
    ({"source_labels": ["a"], "regex": "some-([^-]+)-([^,]+)", "replacement": "${1}", "target_label": "${3}"}, "utf8"),
    ({"source_labels": ["a"], "regex": "some-([^-]+)-([^,]+)", "replacement": "${1}", "target_label": "0${3}"}, "utf8"),
    ({"source_labels": ["a"], "regex": "some-([^-]+)-([^,]+)", "replacement": "${1}", "target_label": "-${3}"}, "utf8"),
    ({"regex": "__meta_kubernetes_pod_label_(strimzi_io_.+)", "action": "labelmap", "replacement": "$1"}, "legacy"),
    ({"regex": "__meta_(.+)", "action": "labelmap", "replacement": "${1}"}, "legacy"),
    # upstream TestConfig_UnmarshalThenMarshal: explicit defaults are fine for keepequal, an explicit regex is not
    ({"source_labels": ["__meta_kubernetes_pod_annotation_prometheus_io_port"], "separator": ";",
      "target_label": "__meta_kubernetes_pod_container_port_number", "replacement": "$1", "action": "keepequal"}, "utf8"),
    ({"action": "labeldrop", "regex": "x", "source_labels": None, "separator": ";", "replacement": "$1",
      "modulus": 0, "target_label": ""}, "utf8"),
    ({"target_label": "utf-8.label"}, "utf8"),
]


@pytest.mark.parametrize("m, scheme", VALID_CONFIGS)
def test_from_mapping_accepts(m, scheme):
    RelabelRule.from_mapping(m, name_validation=scheme)


# upstream TestTargetLabelLegacyValidity (relabelTargetLegacy), checked through labelmap's replacement
LEGACY_TARGETS = [
    ("-label", False), ("label", True), ("label${1}", True), ("${1}label", True), ("${1}", True),
    ("${", False), ("$", False), ("${}", False), ("foo${", False), ("$1", True), ("asd$2asd", True),
    ("-foo${1}bar-", False), ("bar.foo${1}bar", False), ("_${1}_", True), ("foo${bar}foo", True),
    ("1abc", False),
]


@pytest.mark.parametrize("template, valid", LEGACY_TARGETS)
def test_legacy_target_template_validity(template, valid):
    m = {"action": "labelmap", "regex": "(.*)", "replacement": template}
    if valid:
        RelabelRule.from_mapping(m, name_validation="legacy")
    else:
        with pytest.raises(RelabelError):
            RelabelRule.from_mapping(m, name_validation="legacy")


def test_regex_is_the_wrapped_string_prometheus_compiles():
    # NewRegexp compiles "^(?s:" + regex + ")$": `foo)|(bar` is valid there, and its second branch is anchored
    # only at the end, so a keep rule keeps "xbar" (Go's MatchString searches).
    rule = RelabelRule.from_mapping({"source_labels": ["app"], "action": "keep", "regex": "foo)|(bar"})
    assert relabel({"app": "xbar"}, [rule]) is not None
    assert relabel({"app": "foox"}, [rule]) is not None
    assert relabel({"app": "xfoo"}, [rule]) is None
    ordinary = RelabelRule.from_mapping({"source_labels": ["app"], "action": "keep", "regex": "foo|bar"})
    assert relabel({"app": "xbar"}, [ordinary]) is None  # an ordinary pattern stays anchored at both ends


def test_tracking_names_the_replace_that_sets_the_address_even_to_the_same_value():
    from kubelint_scrape.relabel import relabel_tracking

    rules_ = rules({"source_labels": ["component"], "action": "keep", "regex": "kube-scheduler"},
                   {"source_labels": ["ip"], "target_label": "__address__", "replacement": "${1}:10259"})
    labels = {"component": "kube-scheduler", "ip": "10.0.0.10", "__address__": "10.0.0.10:10259"}
    final, changed, kept = relabel_tracking(labels, rules_, ("__address__",))
    assert final["__address__"] == "10.0.0.10:10259" and changed == 1 and kept == 0


# --------------------------------------------------------------------------------------------------
# vmagent's keep_if_equal / drop_if_equal (VictoriaMetrics lib/promrelabel): all source_labels values equal
# --------------------------------------------------------------------------------------------------

VMAGENT_CASES = [
    pytest.param({"a": "9100", "b": "9100"}, {"source_labels": ["a", "b"], "action": "keep_if_equal"},
                 {"a": "9100", "b": "9100"}, id="keep-if-equal-keeps-equal"),
    pytest.param({"a": "9100", "b": "8080"}, {"source_labels": ["a", "b"], "action": "keep_if_equal"},
                 None, id="keep-if-equal-drops-different"),
    pytest.param({"b": "8080"}, {"source_labels": ["a", "b"], "action": "keep_if_equal"},
                 None, id="keep-if-equal-missing-label-is-empty"),
    pytest.param({"x": "1"}, {"source_labels": ["a", "b"], "action": "keep_if_equal"},
                 {"x": "1"}, id="keep-if-equal-both-missing-are-equal"),
    pytest.param({"a": "1", "b": "1", "c": "2"}, {"source_labels": ["a", "b", "c"], "action": "keep_if_equal"},
                 None, id="keep-if-equal-all-must-be-equal"),
    pytest.param({"a": "1", "b": "1"}, {"source_labels": ["a", "b"], "action": "drop_if_equal"},
                 None, id="drop-if-equal-drops-equal"),
    pytest.param({"a": "1", "b": "2"}, {"source_labels": ["a", "b"], "action": "drop_if_equal"},
                 {"a": "1", "b": "2"}, id="drop-if-equal-keeps-different"),
]


@pytest.mark.parametrize("labels, m, expected", VMAGENT_CASES)
def test_vmagent_equal_filters(labels, m, expected):
    assert relabel(labels, [RelabelRule.from_mapping(m, vmagent=True)]) == expected


@pytest.mark.parametrize("m, fragment", [
    ({"source_labels": ["a"], "action": "keep_if_equal"}, "at least two entries"),
    ({"source_labels": ["a", "b"], "action": "keep_if_equal", "target_label": "c"}, "`target_label` cannot be used"),
    ({"source_labels": ["a", "b"], "action": "drop_if_equal", "regex": "x"}, "`regex` cannot be used"),
])
def test_vmagent_equal_filters_rejected_as_vmagent_does(m, fragment):
    with pytest.raises(RelabelError) as exc:
        RelabelRule.from_mapping(m, vmagent=True)
    assert fragment in str(exc.value)


def test_vmagent_actions_are_not_prometheus_actions():
    with pytest.raises(RelabelError, match="unknown relabel action"):
        RelabelRule.from_mapping({"source_labels": ["a", "b"], "action": "keep_if_equal"})


# ---------------------------------------------------------------------------------------------- backtracking


BACKTRACKING = ["(a+)+b", "(a|aa)+b", r"(\w+\.?)+", r"((?:[a-z0-9-]+\.)*[a-z]+)", "(x*)*y", "(?:ab|a)*c", "(a+){2,}z"]
LINEAR = ["(.*)", r"([^:]+)(?::\d+)?;(\d+)", "(.+)", "true", "(https?)", "(a|b)+", "foo|bar", "(.*),(.*)", "a{2,5}", "(ab){2,}"]


@pytest.mark.parametrize("pattern", BACKTRACKING + LINEAR)
def test_patterns_that_can_backtrack_exponentially_are_told_apart(pattern: str) -> None:
    from kubelint_scrape.relabel import _backtracking, check_go_regex

    assert _backtracking(check_go_regex(pattern))[0] is (pattern in BACKTRACKING)


def test_a_backtracking_regex_is_decided_in_linear_time() -> None:
    """Python's engine needs minutes for this (2^34 ways to split the a's); RE2, like Prometheus, answers at once.
    An alarm turns a regression into a failure instead of a hung test run."""
    import signal

    def too_slow(*_args):
        raise TimeoutError("the relabel regex backtracked: it must run on RE2")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(20)
    try:
        kept = relabel({"team": "a" * 34 + "!", "__address__": "x:1"},
                       rules({"source_labels": ["team"], "regex": "(a+)+b", "action": "keep"}))
        dropped = relabel({"team": "a" * 40, "__address__": "x:1"},
                          rules({"source_labels": ["team"], "regex": "(a|aa)+b", "action": "drop"}))
        # polynomial: ~n^4/4! steps on Python's engine, minutes for an annotation of 3,000 characters
        annotation = "abc" * 1000
        replaced = relabel({"note": annotation, "__address__": "x:1"},
                           rules({"source_labels": ["note"], "regex": "(.*)a(.*)b(.*)c(.*)d", "target_label": "x"}))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert kept is None and dropped is not None and "x" not in replaced


@pytest.mark.parametrize("pattern, degree, matching", [
    ("(.*)", 1, "x"), ("a{2,5}b?", 0, "aa"),
    ("(.*);(.*)", 2, "a;1"), (r"([^:]+)(?::\d+)?;(\d+)", 3, "h:1;2"), ("(.*)a(.*)b(.*)c(.*)d", 4, "abcd"),
    # bounded repeats around unbounded ones multiply the degree (the kube-prometheus IPv4 rewrite: 1 + 4)
    (r"(\d+);((([0-9]+?)(\.|$)){4})", 5, "9;1.2.3.4"), (r"(\d+);(([A-Fa-f0-9]{1,4}::?){1,7}[A-Fa-f0-9]{1,4})", 1, "1;a::b"),
])
def test_values_too_long_for_the_backtracking_engine_go_to_re2(pattern: str, degree: int, matching: str) -> None:
    """Python's engine up to the length its polynomial backtracking stays cheap for, RE2 beyond: same answers."""
    from kubelint_scrape.relabel import _backtracking, _longest_for_python, check_go_regex

    assert _backtracking(check_go_regex(pattern)) == (False, degree)
    compiled = compile_go_regex(pattern)
    if degree < 2:
        assert isinstance(compiled, re.Pattern)
        return
    assert compiled.longest == _longest_for_python(degree)
    long = matching[0] * compiled.longest + matching  # (each pattern's first group takes a run of its first character)
    assert compiled.search(matching).re is compiled.python and compiled.search(long).re is compiled.linear
    assert compiled.search(long).groups() == compiled.python.search(long).groups()


@pytest.mark.parametrize("pattern, replacement, values", [
    (r"((?:[a-z0-9-]+\.)*)([a-z]+)", "${2}/$1", ["api.example.com", "com", "x_y", "", "a.b.", "A.b"]),
    (r"(?P<host>(\w+\.?)+):(\d+)", "$host|$2|$3|$4|$missing", ["node-1.local:10250", "x:1", ":9", "a.b.c:"]),
    (r"(a|ab)+(c)?", "[$1][$2]", ["ababc", "aab", "c", "abab"]),
])
def test_regexes_on_re2_relabel_as_on_pythons_engine(pattern: str, replacement: str, values: list[str]) -> None:
    """The RE2 path (for patterns that could backtrack) matches, captures and expands as the translation does."""
    import re

    from kubelint_scrape.relabel import check_go_regex

    on_re2 = compile_go_regex(pattern)
    assert type(on_re2).__module__.startswith("re2")
    on_python = re.compile(check_go_regex(pattern))
    for value in values:
        ours, theirs = on_re2.search(value), on_python.search(value)
        assert (ours is None) == (theirs is None), value
        if ours is not None:
            assert expand(replacement, ours) == expand(replacement, theirs), value


def test_a_container_serving_a_well_known_port_is_that_pod_not_the_component():
    """kube-prometheus-stack's operator listens on :10250: a declared container image there is a pod, never the
    kubelet (which is no container); :10257 is the controller-manager only in its own image."""
    from kubelint_scrape.targets import classify

    def klass(address: str, image: str = "") -> str:
        labels = {"__address__": address, "__scheme__": "https"}
        if image:
            labels["__meta_kubernetes_pod_container_image"] = image
        return classify(labels).klass

    assert klass("10.244.9.9:10250") == "kubelet"
    assert klass("10.244.9.9:10250", "quay.io/prometheus-operator/prometheus-operator:v0.93.1") == "workload"
    assert klass("10.244.9.9:10255", "example/app:1") == "workload"
    assert klass("10.0.0.1:10257", "registry.k8s.io/kube-controller-manager:v1.34.0") == "control-plane"
    assert klass("10.244.9.9:10257", "example/app:1") == "workload"
    assert klass("10.0.0.1:10259") == "control-plane"


# --------------------------------------------------------------------------------------------------
# example_match(): a value a keep-by-pattern rule lets through (port names such as `.*-metrics`)
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("pattern", [
    ".*-metrics", "9\\d{3}", "metrics|http-metrics", "(http-)?metrics", "[a-z]+-metrics", ".+metrics.*",
    "[^0-9]+", "\\w+-\\d", "(?i)METRICS", "https?-metrics",
])
def test_example_match_is_matched_whole_by_the_anchored_regex(pattern):
    value = example_match(pattern)
    assert value is not None
    assert compile_go_regex(pattern).match(value), (pattern, value)


def test_example_match_gives_up_rather_than_guess():
    assert example_match("(") is None  # invalid: Prometheus refuses it (KS601)
