"""The loader: positions, Go-compatible scalars, embedded configs, and bad input as findings (never tracebacks)."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubelint_scrape.build import build_workspace
from kubelint_scrape.load import Limits, decode, parse_source, parser_is_native, read_source
from kubelint_scrape.model import iter_documents


def load(text: str, path: str = "f.yaml"):
    return parse_source(path, textwrap.dedent(text))


def test_native_parser_is_used() -> None:
    # ruamel.yaml.clib is a declared dependency: the libyaml composer is ~7x faster (DESIGN.md).
    assert parser_is_native()


def test_positions_are_one_based_for_keys_values_and_items() -> None:
    source = load("""\
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: x
        list:
          - a
          -   b
        """)
    root = source.documents[0].root
    assert root.key_pos("kind") == (2, 1)
    assert root.value_pos("kind") == (2, 7)
    assert root["metadata"].value_pos("name") == (4, 9)
    assert root["list"].item_pos(1) == (7, 7)


def test_every_key_and_value_position_matches_the_parser_marks() -> None:
    """Positions are stored as one list in key order (yamltree.YMap): checked against ruamel's own composer for a
    mapping of every size up to past the point where lookups switch to an index, with duplicates and merges."""
    from ruamel.yaml import YAML

    lines = [f"k{i}: v{i}" for i in range(12)] + ["k3:   again", "<<: {m1: x, k0: ignored}", "'1': one", "true: t"]
    text = "top:\n" + "".join(f"  {line}\n" for line in lines)
    source = parse_source("m.yaml", text)
    mapping = source.documents[0].root["top"]
    node = YAML(typ="rt").compose(text).value[0][1]
    expected = {}
    for key_node, value_node in node.value:
        if key_node.value != "<<":
            expected[key_node.value] = ((key_node.start_mark.line + 1, key_node.start_mark.column + 1),
                                        (value_node.start_mark.line + 1, value_node.start_mark.column + 1))
    for key in mapping:
        if key == "m1":  # merged in: the position of the key in the merged mapping
            assert mapping.key_pos(key) == (15, 8)
            continue
        wanted = expected["true" if key is True else str(key)]
        assert (mapping.key_pos(key), mapping.value_pos(key)) == wanted, key
    assert mapping["k3"] == "again" and mapping["k0"] == "v0"
    assert mapping.key_pos("missing") == mapping.pos


def test_put_keeps_positions_aligned_with_the_key_order() -> None:
    import pickle

    from kubelint_scrape.yamltree import YMap

    node = YMap((1, 1))
    node["plain"] = 0  # stored without positions: sits at the mapping's position
    node.put("a", 1, (2, 1), (2, 4))
    node.put("b", 2, (3, 1))
    node.put("a", 3, (4, 1), (4, 4))  # a repeated key keeps its place in the order
    assert list(node) == ["plain", "a", "b"]
    assert [(node.key_pos(k), node.value_pos(k)) for k in node] == [((1, 1), (1, 1)), ((4, 1), (4, 4)), ((3, 1), (3, 1))]
    node["late"] = 4
    assert node.key_pos("late") == (1, 1)
    for i in range(20):  # large: looked up through an index, which must follow new keys
        node.put(f"x{i}", i, (10 + i, 1))
        assert node.key_pos(f"x{i}") == (10 + i, 1) and node.key_pos("b") == (3, 1)
    copy = pickle.loads(pickle.dumps(node))
    assert copy == node and all(copy.key_pos(k) == node.key_pos(k) for k in node)


def test_equal_layouts_near_the_top_of_files_share_one_tuple_which_put_never_changes() -> None:
    """Files of a repository repeat their layout: the position tuples of a completed mapping or sequence are shared
    with every equal one (load._shared_layout), so a later put() on one tree must leave the other's alone."""
    manifest = "kind: ServiceAccount\nmetadata:\n  name: {}\n  labels: [a, b]\n"
    first = parse_source("a.yaml", manifest.format("one")).documents[0].root
    second = parse_source("b.yaml", manifest.format("other")).documents[0].root
    assert first["metadata"].places is second["metadata"].places
    assert first["metadata"]["labels"].ipos is second["metadata"]["labels"].ipos
    first["metadata"].put("namespace", "x", (9, 3), (9, 14))
    assert second["metadata"].places == ((3, 3), (3, 9), (4, 3), (4, 11))
    assert first["metadata"].key_pos("namespace") == (9, 3) and "namespace" not in second["metadata"]
    far = parse_source("far.yaml", "\n" * 3000 + manifest.format("one")).documents[0].root  # not near the top
    assert far["metadata"].key_pos("labels") == (3004, 3)


def test_a_quoted_text_repeated_across_files_is_one_string_and_stays_a_string() -> None:
    first = parse_source("a.yaml", 'regex: "(.+)"\nflag: "true"\nblock: |\n  line\n').documents[0].root
    second = parse_source("b.yaml", "regex: '(.+)'\nflag: 'true'\n").documents[0].root
    assert first["regex"] is second["regex"] == "(.+)"
    assert first["flag"] == "true" and second["flag"] == "true"  # quoted: never the boolean a plain `true` is
    assert first["block"] == "line\n"


def test_multi_document_and_list_kinds() -> None:
    source = load("""\
        apiVersion: v1
        kind: List
        items:
          - {apiVersion: v1, kind: ServiceAccount, metadata: {name: a}}
          - {apiVersion: v1, kind: ServiceAccount, metadata: {name: b}}
        ---
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: c}
        """)
    names = [doc["metadata"]["name"] for _, doc in iter_documents(source)]
    assert names == ["a", "b", "c"]


def test_lists_inside_lists_are_flattened_as_kubectl_does() -> None:
    # cli-runtime's FlattenListVisitor unwraps nested lists too: `kubectl apply` creates every object of a List
    # whose items are themselves `kubectl get -o yaml` Lists.
    source = load("""\
        apiVersion: v1
        kind: List
        items:
          - {apiVersion: v1, kind: ServiceAccount, metadata: {name: a}}
          - apiVersion: v1
            kind: List
            items:
              - {apiVersion: v1, kind: ServiceAccount, metadata: {name: b}}
              - apiVersion: v1
                kind: ServiceAccountList
                items:
                  - {metadata: {name: c}}
        """)
    docs = [doc for _, doc in iter_documents(source)]
    assert [(d["kind"], d["metadata"]["name"]) for d in docs] == [
        ("ServiceAccount", "a"), ("ServiceAccount", "b"), ("ServiceAccount", "c")]
    assert docs[2]["metadata"].value_pos("name") == (12, 31)


def test_typed_list_items_take_the_lists_kind_and_api_version() -> None:
    source = load("""\
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleList
        items:
          - metadata: {name: a, namespace: monitoring}
            rules: [{apiGroups: [""], resources: [pods], verbs: [list]}]
          - {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: b}}
        ---
        apiVersion: v1
        kind: List
        items:
          - {metadata: {name: c}}
        """)
    docs = [doc for _, doc in iter_documents(source)]
    assert [(d.get("kind"), d.get("apiVersion")) for d in docs] == [
        ("Role", "rbac.authorization.k8s.io/v1"), ("ClusterRole", "rbac.authorization.k8s.io/v1"), (None, None)]
    typed = docs[0]
    assert typed.pos == (4, 5) and typed.key_pos("rules") == (5, 5)  # the item's own positions
    assert typed.value_pos("kind") == (2, 7) and typed.value_pos("apiVersion") == (1, 13)  # the list's
    assert [doc for _, doc in iter_documents(source)][0] is typed  # the same object for every stage


@pytest.mark.parametrize("text, value", [
    ("yes", True), ("on", True), ("No", False), ("off", False), ("true", True), ("'yes'", "yes"),
    ("010", 8), ("0x1F", 31), ("1_000", 1000), ("~", None), ("", None), ("1.5", 1.5), ("2001-12-14", "2001-12-14"),
    ("!!str 10", "10"), ("!custom x", "x"),
    # base-60 numbers are YAML 1.1 but not Go yaml.v2's (resolve.go leaves them out on purpose): strings
    ("12:30", "12:30"), ("-1:30", "-1:30"), ("1:20:30.5", "1:20:30.5"),
])
def test_scalars_resolve_like_go_yaml_v2(text: str, value: object) -> None:
    assert load(f"k: {text}\n").documents[0].root["k"] == value


def test_merge_keys_apply_and_explicit_keys_win() -> None:
    root = load("""\
        base: &base {a: 1, b: 2}
        child:
          <<: *base
          b: 3
        """).documents[0].root
    assert dict(root["child"]) == {"a": 1, "b": 3}


@pytest.mark.parametrize("merged", ["5", "~", "*list", "[*base, 1]", "[*base, *list]"])
def test_merging_anything_but_mappings_is_ks001(merged: str) -> None:
    """Go yaml (v2/v3 decode.go merge → failWantMap) fails the document: "map merge requires map or sequence of
    maps as the value"; it was ignored, and the rule object linted as if the `<<` were not there."""
    source = parse_source("f.yaml", f"base: &base {{a: 1}}\nlist: &list [1]\nchild:\n  <<: {merged}\n  b: 3\n")
    (finding,) = source.findings
    assert source.status == "failed" and finding.rule == "KS001" and "map merge requires" in finding.message
    assert (finding.span.line, finding.span.column) == (4, 7)  # the merged value


def test_merging_a_sequence_of_mappings_is_fine() -> None:
    root = load("""\
        base: &base {a: 1, b: 2}
        child:
          <<: [*base, {c: 3}]
          b: 4
        """).documents[0].root
    assert dict(root["child"]) == {"a": 1, "b": 4, "c": 3}


def test_duplicate_key_is_ks005_at_the_second_key() -> None:
    source = load("""\
        metadata:
          name: a
          name: b
        """)
    assert [(f.rule, f.span.line, f.span.column) for f in source.findings] == [("KS005", 3, 3)]


def test_keys_go_yaml_keeps_apart_are_not_duplicates_and_keys_read_as_yaml() -> None:
    # `on` is bool true and `1` an int to Go yaml.v2: two keys, though equal in Python.
    assert load("labels:\n  on: a\n  1: b\n").findings == []
    source = load("labels:\n  on: a\n  true: b\n  ~: c\n  null: d\n")
    assert [(f.span.line, f.message.split(":")[0], f.related[0].message) for f in source.findings] == [
        (3, "duplicate key true", "first true is here"), (5, "duplicate key null", "first null is here")]


def test_syntax_error_is_ks001_with_parser_position() -> None:
    source = load("""\
        a: [1, 2
        b: 3
        """)
    assert source.status == "failed"
    (finding,) = source.findings
    assert finding.rule == "KS001" and finding.span.line == 2


@pytest.mark.parametrize("middle", ["", "args: [--addr=127.0.0.1:9101]\n"])  # the second: libyaml's flow-colon retry
def test_documents_before_a_broken_one_are_kept_with_its_ks001(middle: str) -> None:
    """kubectl apply applies the documents decoded before the one that fails (its stream visitor stops there,
    apply.go Run applies what it got): they are linted, with the KS001 of the broken one and a duplicate key found
    in them; nothing after it is read."""
    text = ("kind: ServiceAccount\nmetadata: {name: a, name: b}\n---\nkind: Pod\n" + middle
            + "---\nkind: Role\nrules: [\n---\nkind: ConfigMap\n")
    source = parse_source("f.yaml", text)
    assert source.status == "failed"
    assert [d.root["kind"] for d in source.documents] == ["ServiceAccount", "Pod"]
    assert [f.rule for f in source.findings] == ["KS005", "KS001"]
    assert "documents before it were analysed" in source.findings[-1].fix


def test_an_embedded_config_that_does_not_parse_keeps_no_document() -> None:
    """Prometheus refuses the whole config text: no document of it is used, even those before the error."""
    from kubelint_scrape.load import parse_text

    documents, findings, status = parse_text("x.yaml", "a: 1\n---\nb: [\n", position=lambda line, column: (line + 1, column + 1))
    assert (documents, [f.rule for f in findings], status) == ([], ["KS001"], "failed")


@pytest.mark.parametrize("text", [
    "metadata:\n  name: {{ .Values.name }}\n",
    "{{- if .Values.rbac.create }}\napiVersion: v1\nkind: ServiceAccount\n{{- end }}\n",
    "name: {{ include \"x\" . }}-sa\n",
])
def test_helm_templates_are_ks003(text: str) -> None:
    source = parse_source("t.yaml", text)
    assert source.status == "skipped"
    assert [f.rule for f in source.findings] == ["KS003"]


@pytest.mark.parametrize("text, position", [
    # an Alertmanager template in a block scalar above is text: the finding sits on the real template
    ("data:\n  slack.tmpl: |\n    {{ define \"t\" }}{{ .Status }}{{ end }}\n  release: {{ .Release.Name }}\n", (4, 12)),
    ("- name: a\n  - |\n    {{ x }}\n- name: {{ .Values.b }}\n", (4, 9)),
    # less indented than its key, a `{{` ends the block scalar: Helm pasting a file into a ConfigMap
    ("data:\n  prometheus.yml: |\n{{ .Files.Get \"prometheus.yml\" | indent 4 }}\n", (3, 1)),
])
def test_ks003_sits_on_the_template_not_on_braces_in_a_block_scalar(text: str, position: tuple[int, int]) -> None:
    source = parse_source("t.yaml", text)
    assert source.status == "skipped"
    assert [(f.rule, f.span.line, f.span.column) for f in source.findings] == [("KS003", *position)]


@pytest.mark.parametrize("text", [
    # kube-prometheus manifests/kubernetesControlPlane-prometheusRule.yaml: rendered alert templates, plain scalars
    "description: Pod {{ $labels.namespace }}/{{ $labels.pod }} has been in a non-ready\n  state for 15 minutes.\n",
    "description: Cluster has overcommitted CPU by {{\n  $value }} CPU shares.\n",
    "description: Job is taking more than {{ \"43200\" | humanizeDuration }} to complete.\n",
    "summary: Instance {{ .Labels.instance }} down\n",
])
def test_prometheus_alert_templates_in_plain_scalars_are_yaml(text: str) -> None:
    source = parse_source("rules.yaml", text)
    assert source.status == "linted" and not source.findings


@pytest.mark.parametrize("text", [
    "name: prometheus-{{ .Release.Name }}\n",
    "message: Vault in {{`{{`}} $labels.namespace {{`}}`}} is sealed\n",  # an unrendered chart's escaped alert
    "summary: {{ $labels.pod }} of {{ include \"x\" . }}\n",
])
def test_helm_actions_in_plain_scalars_are_ks003(text: str) -> None:
    assert [f.rule for f in parse_source("t.yaml", text).findings] == ["KS003"]


def test_braces_in_quoted_strings_and_block_scalars_are_not_templates() -> None:
    source = load("""\
        a: "{{ $labels.instance }} is down"
        b: |
          summary: {{ $value }}
        """)
    assert source.status == "linted" and not source.findings


def test_billion_laughs_is_rejected() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    source = parse_source("bomb.yaml", "\n".join(lines) + "\n")
    assert source.status == "failed"
    assert [f.rule for f in source.findings] == ["KS004"]
    assert "billion laughs" in source.findings[0].message


def test_modest_anchor_reuse_is_fine() -> None:
    text = "defaults: &d {a: 1, b: [1, 2, 3]}\n" + "".join(f"k{i}: *d\n" for i in range(200))
    assert parse_source("ok.yaml", text).status == "linted"


def test_deep_nesting_is_rejected() -> None:
    text = "a: " + "[" * 300 + "]" * 300 + "\n"
    source = parse_source("deep.yaml", text)
    assert source.status == "failed" and source.findings[0].rule == "KS004"


@pytest.mark.parametrize("nested", [
    lambda n: "[" * n + "]" * n,  # an empty innermost sequence
    lambda n: "[" * n + "1" + "]" * n,  # a scalar inside n sequences
    lambda n: "{a: " * (n - 1) + "{}" + "}" * (n - 1),
    lambda n: "- " * n + "x",  # block sequences
], ids=["flow-seqs", "scalar-in-flow-seqs", "flow-maps", "block-seqs"])
def test_nesting_of_exactly_the_limit_is_read_and_one_more_level_is_not(nested) -> None:
    """"Deeper than 200 levels" (SPEC §7): 200 nested collections (a value inside them included) are read; the
    201st collection is rejected."""
    assert parse_source("limit.yaml", nested(200) + "\n").status == "linted"
    rejected = parse_source("over.yaml", nested(201) + "\n")
    assert rejected.status == "failed" and rejected.findings[0].rule == "KS004"
    assert "nesting deeper than 200" in rejected.findings[0].message


@pytest.mark.parametrize("data, fragment", [
    (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
    (b"a: \xff\xfe\n", "not UTF-8"),
    (b"a: b\x07c\n", "control character"),
])
def test_binary_and_non_utf8_are_ks004(tmp_path, data: bytes, fragment: str) -> None:
    path = tmp_path / "junk.yaml"
    path.write_bytes(data)
    source = read_source(str(path), Limits())
    assert source.status == "failed"
    assert source.findings[0].rule == "KS004" and fragment in source.findings[0].message


@pytest.mark.parametrize("data, position, fragment", [
    (b"a: 1\n\x7f\n", (2, 1), "control character U+007F"),  # DEL
    (b"a: 1\nb: x\xc2\x80y\n", (2, 5), "control character U+0080"),  # a C1 control
    (b"a: 1\nb: x\xef\xbf\xbey\n", (2, 5), "non-character U+FFFE"),
])
def test_every_character_yaml_refuses_is_ks004_where_it_stands(tmp_path, data: bytes, position, fragment: str) -> None:
    """Go yaml's reader (readerc.go) refuses all of YAML's non-printable characters, not only the C0 controls; the
    others reached ruamel's reader, whose error has no mark, and were reported at 1:1."""
    path = tmp_path / "junk.yaml"
    path.write_bytes(data)
    (finding,) = read_source(str(path), Limits()).findings
    assert (finding.rule, finding.span.line, finding.span.column) == ("KS004", *position)
    assert fragment in finding.message


def test_nel_is_printable() -> None:
    assert decode("a: x\x85y\n".encode()) == "a: x\x85y\n"


def test_oversized_file_is_rejected_without_reading(tmp_path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: b\n" * 1000)
    source = read_source(str(path), Limits(max_file_bytes=1000))
    assert source.status == "failed" and "limit" in source.findings[0].message


def test_utf8_bom_is_accepted() -> None:
    assert decode(b"\xef\xbb\xbfa: 1\n") == "a: 1\n"


EMBEDDED = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: prometheus
  namespace: monitoring
data:
  prometheus.yml: |
    global:
      scrape_interval: 30s
    scrape_configs:
      - job_name: nodes
        kubernetes_sd_configs:
          - role: node
"""


def test_embedded_config_positions_map_to_the_outer_file() -> None:
    _, configs, findings = build_workspace([parse_source("cm.yaml", EMBEDDED)])
    assert not findings
    (config,) = configs
    job = config.jobs[0]
    assert job.name == "nodes"
    assert (job.span.line, job.span.column) == (11, 19)
    assert (job.sd_configs[0].role_span.line, job.sd_configs[0].role_span.column) == (13, 19)


def _role_position(outer: str) -> tuple[int, int]:
    _, configs, findings = build_workspace([parse_source("cm.yaml", outer)])
    assert not findings
    (config,) = configs
    span = config.jobs[0].sd_configs[0].role_span
    return span.line, span.column


CONFIGMAP_HEAD = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: prometheus, namespace: monitoring}\ndata:\n"


def test_double_quoted_embedded_config_maps_each_character() -> None:
    # `kubectl get -o json` and kubectl's YAML for a config with trailing spaces write the config as one escaped
    # string, wrapped with folded breaks and `\` line continuations: the role value is found inside it.
    wrapped = CONFIGMAP_HEAD + (
        '  prometheus.yml: "scrape_configs:\\n  - job_name:\n    nodes\\n\\\n\n    \\    kubernetes_sd_configs: [{role: node}]\\n"\n'
    )
    assert _role_position(wrapped) == (8, wrapped.splitlines()[7].index("node}") + 1)
    one_line = CONFIGMAP_HEAD + '  prometheus.yml: "scrape_configs:\\n- {job_name: a, kubernetes_sd_configs: [{role: \\x70od}]}\\n"\n'
    assert _role_position(one_line) == (5, one_line.splitlines()[4].index("\\x70od") + 1)


def test_single_quoted_and_folded_embedded_configs_map_each_character() -> None:
    single = CONFIGMAP_HEAD + "  prometheus.yml: '{\"scrape_configs\": [{\"job_name\": \"it''s\",\n    \"kubernetes_sd_configs\": [{\"role\": \"pod\"}]}]}'\n"
    assert _role_position(single) == (6, single.splitlines()[5].index('"pod"') + 1)
    folded = CONFIGMAP_HEAD + "  prometheus.yml: >\n    scrape_configs:\n      - job_name: a\n        kubernetes_sd_configs:\n          - role: pod\n"
    assert _role_position(folded) == (9, 19)


def test_untraceable_quoted_config_is_pinned_to_the_value() -> None:
    # a tag before the quote: the value's position is the tag's, so the text is not traced from there
    outer = CONFIGMAP_HEAD + '  prometheus.yml: !!str "scrape_configs:\\n- {job_name: a, kubernetes_sd_configs: [{role: pod}]}"\n'
    assert _role_position(outer) == (5, 19)


def test_unclosed_construct_at_the_end_is_reported_where_it_opens() -> None:
    # libyaml meets the problem at the end of the text (the line after the last): the quote, bracket or brace
    # left open is the place to fix
    assert [(f.span.line, f.span.column) for f in load('a: 1\nb: "unterminated\n').findings] == [(2, 4)]
    assert [(f.span.line, f.span.column) for f in load("a: [1, 2\n\n").findings] == [(1, 4)]
    assert [(f.span.line, f.span.column) for f in load("a: [1, 2\nb: 3\n").findings] == [(2, 2)]  # not at the end
    embedded = CONFIGMAP_HEAD + '  prometheus.yml: |\n    scrape_configs:\n      - job_name: "a\n\n\n'
    _, _, findings = build_workspace([parse_source("cm.yaml", embedded)])
    assert [(f.rule, f.span.line, f.span.column) for f in findings] == [("KS001", 7, 19)]


def test_secret_key_in_string_data_and_data_is_one_config() -> None:
    # stringData is merged into data on write, overwriting the key (k8s.io/api core/v1 Secret.StringData)
    import base64

    other = base64.b64encode(b"scrape_configs:\n  - job_name: old\n").decode()
    secret = ("apiVersion: v1\nkind: Secret\nmetadata: {name: prometheus, namespace: monitoring}\nstringData:\n"
              "  prometheus.yml: |\n    scrape_configs:\n      - job_name: new\n"
              f"data:\n  prometheus.yml: {other}\n")
    _, configs, findings = build_workspace([parse_source("secret.yaml", secret)])
    assert not findings
    assert [(job.name, job.span.line) for config in configs for job in config.jobs] == [("new", 7)]


def test_embedded_config_errors_land_on_the_outer_line() -> None:
    broken = EMBEDDED.replace("      - job_name: nodes", "      - job_name: [nodes")
    _, configs, findings = build_workspace([parse_source("cm.yaml", broken)])
    assert not configs
    (finding,) = findings
    assert finding.rule == "KS001" and 11 <= finding.span.line <= 13
    assert "ConfigMap prometheus key prometheus.yml" in finding.message


def test_embedded_character_yaml_refuses_lands_on_its_escape() -> None:
    """A double-quoted ConfigMap value spells a C1 control with an escape; the config Prometheus then parses holds
    the character itself, which its YAML reader refuses: KS001 at the escape in the file, not at 1:1."""
    quoted = EMBEDDED.split("\ndata:")[0] + '\ndata:\n  prometheus.yml: "scrape_configs:\\n  - job_name: a\\x80b\\n"\n'
    _, configs, findings = build_workspace([parse_source("cm.yaml", quoted)])
    (finding,) = findings
    line = quoted.splitlines()[6]
    assert (finding.rule, finding.span.line, finding.span.column) == ("KS001", 7, line.index("\\x80") + 1)
    assert "control characters are not allowed" in finding.message


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_text_ends_as_documents_or_findings(text: str) -> None:
    source = parse_source("fuzz.yaml", text)
    assert source.status in ("linted", "failed", "skipped")
    if source.status != "linted":
        assert source.findings


YAML_ATOMS = st.sampled_from([
    "a:", " b", "- ", "[", "]", "{", "}", ": ", "\n", "  ", "&x ", "*x", "<<: ", "'q'", '"d"', "|\n", ">-\n",
    "#c", "---\n", "{{ x }}", "!!str ", "? ", ",", "yes", "0x1", "kind: Role", "rules:", "\t",
])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(YAML_ATOMS, max_size=40).map("".join))
def test_yaml_shaped_noise_never_raises(text: str) -> None:
    source = parse_source("fuzz.yaml", text)
    build_workspace([source])


def test_plain_scalar_fast_paths_agree_with_the_yaml_1_1_resolvers() -> None:
    """Words and plain digits skip ruamel's resolver regexes (load.plain_scalar): same value and type."""
    import random
    import string

    from kubelint_scrape import load

    def by_regex(text: str):
        for kind, regexp in load._plain_resolvers().get(text[0] if text else "", ()):
            if regexp.match(text):
                return load._typed_scalar(kind, text)
        return text

    rng = random.Random(7)
    alphabet = string.ascii_letters + string.digits + "._:-+~ "
    cases = ["0", "00", "07", "08", "010", "0755", "9090", "y", "n", "NO", "Off", "tRue", "null", "nULL", "~", "",
             "٣", "²", "1:30", "0x1F", "1e3", ".inf", "2001-12-14"]
    cases += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6))) for _ in range(5000)]
    for text in cases:
        load._PLAIN_CACHE.pop(text, None)
        value, expected = load.plain_scalar(text), by_regex(text)
        assert (type(value), repr(value)) == (type(expected), repr(expected)), text  # repr: .nan != .nan


def test_colon_inside_a_flow_plain_scalar_is_not_a_syntax_error() -> None:
    # libyaml refuses `[localhost:9090]`; YAML 1.2, Go's yaml (Prometheus, kubectl) accept it as one string.
    text = "scrape_configs:\n  - job_name: self\n    static_configs:\n      - targets: [localhost:9090, 'b:1']\n" \
           "args: [--web.listen-address=127.0.0.1:9101]\n"
    source = parse_source("p.yml", text)
    assert source.status == "linted" and not source.findings
    root = source.documents[0].root
    targets = root["scrape_configs"][0]["static_configs"][0]["targets"]
    assert list(targets) == ["localhost:9090", "b:1"]
    assert targets.item_pos(0) == (4, 19)
    assert list(root["args"]) == ["--web.listen-address=127.0.0.1:9101"]
    # go-yaml v2's yaml_parser_scan_plain_scalar ends a plain scalar at ':' only before a blank, in flow
    # mappings too: `{name: system:monitoring}` is one subject named system:monitoring, not a syntax error.
    subjects = parse_source("b.yaml", "subjects: [{kind: Group, name: system:monitoring}]\n")
    assert subjects.status == "linted" and not subjects.findings
    assert dict(subjects.documents[0].root["subjects"][0]) == {"kind": "Group", "name": "system:monitoring"}
    broken = parse_source("p.yml", "a: [b: c: d]\n")  # still an error in every parser
    assert broken.status == "failed" and broken.findings[0].rule == "KS001"


def test_flow_colon_fallback_reparses_from_the_failing_document_with_exact_positions() -> None:
    # Only the document libyaml stops in, and those after it, go through the Python parser; positions and
    # document indexes stay those of the whole file, duplicate keys are still found after it.
    docs = [f"kind: ConfigMap\nmetadata:\n  name: c{i}\n" for i in range(3)]
    docs.append("args: [--addr=127.0.0.1:9101]\nname: x\nname: y\n")
    docs.append("kind: Secret\nmetadata: {name: s}\n")
    text = "# leading comment\n" + "---\n".join(docs)
    source = parse_source("p.yml", text)
    assert source.status == "linted", source.findings
    assert [d.index for d in source.documents] == [0, 1, 2, 3, 4]
    fourth = source.documents[3].root
    assert list(fourth["args"]) == ["--addr=127.0.0.1:9101"] and fourth.key_pos("args") == (14, 1)
    assert source.documents[4].root.key_pos("kind") == (18, 1)
    assert [(f.rule, f.span.line) for f in source.findings] == [("KS005", 16)]


def test_flow_colon_fallback_hands_the_documents_after_the_refused_one_back_to_the_c_parser(monkeypatch) -> None:
    # The Python parser is several times slower: one such document near the top of a large file must not send the
    # rest of it there. It gets the refused document only; a second refused document is handled the same way.
    from kubelint_scrape import load as loader

    texts: list[str] = []
    pure_events = loader._pure_events
    monkeypatch.setattr(loader, "_pure_events", lambda text: texts.append(text) or pure_events(text))
    plain = "kind: ConfigMap\nmetadata:\n  name: c\n"
    refused = "args: [--upstream=http://127.0.0.1:8080/]\n"
    text = "---\n".join([plain, refused, plain, plain, refused, plain])
    source = parse_source("p.yml", text)
    assert source.status == "linted", source.findings
    assert [d.index for d in source.documents] == [0, 1, 2, 3, 4, 5]
    assert texts == ["---\n" + refused] * 2
    assert source.documents[4].root.key_pos("args") == (15, 1)
    assert source.documents[5].root.key_pos("kind") == (17, 1)


def test_a_syntax_error_after_a_flow_colon_fallback_is_reported_at_its_line_in_the_file() -> None:
    text = "kind: A\n---\nargs: [--upstream=http://127.0.0.1:8080/]\n---\nkind: B\nargs: [a, b\nnext: 1\n"
    source = parse_source("p.yml", text)
    assert source.status == "failed"
    assert [(f.rule, f.span.line) for f in source.findings] == [("KS001", 7)]


def test_river_scrape_components_are_found_in_alloy_configs_only() -> None:
    """KS007's gate (build.river_scrape_components): River blocks of the components whose access the analysis would
    check, in order, once each; YAML, dashboards and River without such components give nothing."""
    from kubelint_scrape.build import river_scrape_components

    alloy = ('discovery.kubernetes "pods" {\n  role = "pod"\n}\n\tprometheus.scrape "a" {\n}\n'
             'prometheus.scrape "b" {}\nprometheus.operator.servicemonitors "sm" {\n}\n')
    assert river_scrape_components(alloy) == ["discovery.kubernetes", "prometheus.scrape", "prometheus.operator.servicemonitors"]
    assert river_scrape_components('loki.source.file "logs" {\n}\n') == []
    assert river_scrape_components("scrape_configs:\n  - job_name: x\n") == []
    assert river_scrape_components('{"panels": [{"title": "prometheus.scrape \\"x\\" {"}]}') == []


def test_newrelic_configurator_jobs_are_named_as_the_configurator_builds_them() -> None:
    """KS007 for the New Relic configurator's input (unreadyaml.py): the jobs its init container will write —
    static_targets as named, kubernetes.jobs as `<prefix>-pod`/`<prefix>-endpoints` per target_discovery
    (upstream internal/kubernetes/config.go), extra_scrape_configs copied — and nothing for other YAML."""
    from kubelint_scrape.unreadyaml import looks_like_unread_yaml, unread_yaml_jobs

    text = textwrap.dedent("""\
        newrelic_remote_write: {}
        static_targets:
          jobs: [{job_name: self-metrics, targets: ["localhost:9090"]}]
        kubernetes:
          jobs:
          - job_name_prefix: default
            target_discovery: {pod: true, endpoints: false}
          - job_name_prefix: svc
            target_discovery: {endpoints: true}
        extra_scrape_configs:
        - job_name: kubelet
          kubernetes_sd_configs: [{role: node}]
        """)
    assert looks_like_unread_yaml(text)
    root = parse_source("c.yml", text).documents[0].root
    assert unread_yaml_jobs(root) == ("New Relic Prometheus configurator input", [
        "`static_targets` self-metrics", "`kubernetes.jobs` default-pod (role pod)",
        "`kubernetes.jobs` svc-endpoints (role endpoints)", "`extra_scrape_configs` kubelet"])
    # A Prometheus config, a Kubernetes object and a remote-write-only input declare no configurator jobs.
    for other in ("scrape_configs: []\nnewrelic_remote_write: {}\n", "kind: ConfigMap\nnewrelic_remote_write: {}\n",
                  "newrelic_remote_write: {}\ncommon: {scrape_interval: 30s}\n"):
        assert unread_yaml_jobs(parse_source("o.yml", other).documents[0].root) is None
    assert not looks_like_unread_yaml("# set newrelic_remote_write: in values\n")


def test_target_allocator_config_names_its_discovery() -> None:
    """KS007 for a standalone target allocator's config (unreadyaml.py): `prometheus_cr` when enabled and each job of
    its `config.scrape_configs` with its roles (upstream cmd/otel-allocator/internal/config/config.go); a collector or
    Prometheus config is not one."""
    from kubelint_scrape.unreadyaml import form_of_text, unread_yaml_jobs

    text = textwrap.dedent("""\
        collector_selector: {matchlabels: {app: collector}}
        prometheus_cr: {enabled: true}
        config:
          scrape_configs:
          - job_name: pods
            kubernetes_sd_configs: [{role: pod}, {role: pod}]
          - job_name: static
            static_configs: [{targets: [a:1]}]
        """)
    assert form_of_text(text) == "OpenTelemetry target allocator configuration"
    root = parse_source("ta.yml", text).documents[0].root
    assert unread_yaml_jobs(root) == ("OpenTelemetry target allocator configuration", [
        "`prometheus_cr` (the ServiceMonitors, PodMonitors, ScrapeConfigs and Probes it selects)",
        "`config.scrape_configs` pods (role pod)", "`config.scrape_configs` static"])
    disabled = parse_source("ta.yml", "allocation_strategy: per-node\nprometheus_cr: {enabled: false}\n").documents[0].root
    assert unread_yaml_jobs(disabled) is None


def test_a_syntax_error_in_an_embedded_config_says_only_that_config_went_unread() -> None:
    from kubelint_scrape.load import parse_text

    _docs, findings, status = parse_text("cm.yaml", "a: [b\n", position=lambda line, column: (line + 10, column + 5))
    assert status == "failed" and findings[0].rule == "KS001"
    assert "embedded config was not analysed (the rest of the file was)" in findings[0].fix
    _docs, findings, _status = parse_text("p.yml", "a: [b\n")
    assert findings[0].fix.endswith("the file was not analysed.")


def test_a_stream_of_json_objects_is_read_like_kubectl_reads_it() -> None:
    # `jq -c '.items[]'` output: kubectl decodes a stream that starts with `{` as successive JSON values
    # (apimachinery util/yaml YAMLOrJSONDecoder), so each object is a document, at its own line and column.
    text = ('{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "a", "x": "}{"}}\n'
            '  {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "b"}}'
            '{"apiVersion": "v1", "kind": "ServiceAccount",\n "metadata": {"name": "c"}}\n')
    source = parse_source("s.json", text)
    assert source.status == "linted" and not source.findings
    roots = [d.root for d in source.documents]
    assert [r["metadata"]["name"] for r in roots] == ["a", "b", "c"]
    assert [d.index for d in source.documents] == [0, 1, 2]
    assert roots[1].value_pos("kind") == (2, 32)
    assert roots[2].pos == (2, 76) and roots[2]["metadata"].value_pos("name") == (3, 23)


@pytest.mark.parametrize("text, position", [
    ('{"kind": "A"}\nkind: B\n', (2, 1)),   # YAML after a JSON object: no JSON stream, the YAML error stands
    ('{"kind": "A"}\n{"kind": \n', (2, 1)),  # an unclosed second object
    ('{"kind": "A"}\n{"kind": "B",, }\n', (2, 14)),  # a syntax error inside the second object, at its position
])
def test_a_broken_json_stream_is_ks001(text: str, position: tuple[int, int]) -> None:
    source = parse_source("s.json", text)
    assert source.status == "failed"
    assert [(f.rule, f.span.line, f.span.column) for f in source.findings] == [("KS001", *position)]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_bom_opening_a_later_document_is_skipped_as_kubectl_does(newline: str) -> None:
    # `for f in *.yaml; do cat "$f"; echo ---; done` over files saved with a BOM: kubectl splits at `---` lines and
    # Go yaml skips a BOM at the start of each part; libyaml alone refuses it (KS001 on the whole file).
    text = ("\ufeffkind: A\nv: 1\n---\n\ufeffkind: B\nv: 2\n--- # c\n\ufeff# only a comment\nkind: C\nv: 3\n"
            ).replace("\n", newline)
    source = parse_source("s.yaml", text)
    assert source.status == "linted" and not source.findings
    assert [(d.root["kind"], d.root["v"]) for d in source.documents] == [("A", 1), ("B", 2), ("C", 3)]
    assert source.documents[2].root.key_pos("v") == (9, 1)
    assert source.text == text  # shown as written


def test_a_bom_inside_a_document_is_still_an_error() -> None:
    assert parse_source("s.yaml", "kind: A\n\ufeffname: x\nv: 1\n").status == "failed"


def test_a_directory_walk_reads_golden_files_holding_a_manifest_and_no_others(tmp_path) -> None:
    # Go projects keep rendered manifests as golden files (linkerd's testdata/install_default.golden); other golden
    # files (JSON, text, binary) are not YAML inputs, and a name the walk always reads is read whatever it holds.
    from kubelint_scrape.load import discover

    testdata = tmp_path / "testdata"
    testdata.mkdir()
    (testdata / "install_default.golden").write_text("---\n###\n### Namespace\n###\nkind: Namespace\napiVersion: v1\n"
                                                    "metadata: {name: viz}\n")
    (testdata / "output.golden").write_text('{"status": "ok"}\n')
    (testdata / "help.golden").write_text("Usage: linkerd viz install [flags]\n  kind: not at a line start\n")
    (testdata / "image.golden").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (testdata / "notes.txt").write_text("apiVersion: v1\nkind: ConfigMap\n")
    found, problems = discover([str(tmp_path)])
    assert [p.split("testdata/")[1] for p in found] == ["install_default.golden"] and problems == []


HELM_DRY_RUN = """NAME: prometheus
LAST DEPLOYED: Fri Sep  2 22:04:05 1977
NAMESPACE: monitoring
STATUS: pending-install
MANIFEST:
---
# Source: prometheus/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus, namespace: monitoring}

NOTES:
Get the Prometheus server URL by running these commands in the same shell:
  export POD_NAME=$(kubectl get pods --namespace monitoring -l "app=prometheus" -o jsonpath="{.items[0].metadata.name}")
"""


def test_a_walked_golden_file_that_is_not_yaml_is_left_out_silently(tmp_path) -> None:
    # A golden file's opening may show `apiVersion:` though the file is no manifest: `helm install --dry-run` output
    # with its NOTES, a tool's text output quoting `kind:`, a manifest head before binary data, one over the size
    # limit. They are some program's test data, not YAML inputs: no KS001/KS004 (they drew them). Named
    # explicitly, a golden file is an input whatever it holds.
    from kubelint_scrape.engine import Options, load_sources

    testdata = tmp_path / "testdata"
    testdata.mkdir()
    (testdata / "install-dry-run.golden").write_text(HELM_DRY_RUN)
    (testdata / "check.golden").write_text("× can query the Kubernetes API\nkind: Pod is invalid: spec: Required\n")
    (testdata / "head.golden").write_bytes(b"apiVersion: v1\nkind: ServiceAccount\n\x00\x01 binary\n")
    (testdata / "huge.golden").write_text("apiVersion: v1\nkind: List\nitems: []\n" + "#\n" * 1000)
    (testdata / "install_default.golden").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: viz}\n")
    options = Options()
    options.limits = Limits(max_file_bytes=1000)
    sources, problems = load_sources([str(tmp_path)], options)
    assert [s.path.split("testdata/")[1] for s in sources] == ["install_default.golden"] and problems == []
    named = str(testdata / "check.golden")
    sources, _problems = load_sources([str(tmp_path), named], options)
    assert [f.rule for s in sources if s.path == named for f in s.findings] == ["KS001"]
