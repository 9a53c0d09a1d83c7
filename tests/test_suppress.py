"""Suppressions: line and object comments, ignore-file, the annotation, and KS002 on the suppressions themselves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubelint_scrape.engine import Options, lint_sources
from kubelint_scrape.load import parse_source
from kubelint_scrape.suppress import _extent

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "examples" / "quickstart"
# Access rules and KS002 only: other families' findings on the quickstart are not what these tests are about.
SELECT = {"KS101", "KS102", "KS002"}


def quickstart(**replace: str) -> dict[str, str]:
    files = {p.name: p.read_text() for p in sorted(QUICKSTART.glob("*.yaml"))}
    for name, (old, new) in ((k.replace("_", "-") + ".yaml", v) for k, v in replace.items()):
        assert old in files[name], old
        files[name] = files[name].replace(old, new, 1)
    return files


def lint(files: dict[str, str], select: set[str] = SELECT, **options) -> list[str]:
    sources = [parse_source(name, text) for name, text in files.items()]
    result = lint_sources(sources, Options(select=set(select), **options))
    return [f"{f.span}: {f.rule} {f.message}" for f in result.findings]


JOB = "      - job_name: kubernetes-nodes"
GRANT = 'rules:\n  - apiGroups: [""]\n    resources: ["nodes/metrics"]\n    verbs: ["get"]\n'  # the fix for KS102
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap"


def test_quickstart_has_the_finding_these_tests_suppress() -> None:
    assert [line.split(" ")[:2] for line in lint(quickstart())] == [["prometheus-config.yaml:20:19:", "KS102"]]


def test_trailing_comment_on_the_finding_line() -> None:
    files = quickstart(prometheus_config=("- role: node", "- role: node  # kubelint-scrape: ignore[KS102] platform role grants it"))
    assert lint(files) == []


def test_comment_above_the_finding_line() -> None:
    files = quickstart(prometheus_config=("          - role: node", "          # kubelint-scrape: ignore[KS102] granted by the platform\n          - role: node"))
    assert lint(files) == []


def test_comment_above_the_job_covers_the_whole_job() -> None:
    files = quickstart(prometheus_config=(JOB, "      # kubelint-scrape: ignore[KS102] granted by the platform team\n" + JOB))
    assert lint(files) == []


def test_comment_above_the_object_covers_the_whole_object() -> None:
    files = quickstart(prometheus_config=(CONFIGMAP, "# kubelint-scrape: ignore[KS102] granted by the platform\n" + CONFIGMAP))
    assert lint(files) == []


def test_trailing_comment_on_a_document_marker_covers_the_document_below() -> None:
    # `--- # kubelint-scrape: ignore[…]`: the marker opens the document, so the directive written on it covers that
    # document as one on its own line above the object would (it covered the marker line alone: KS002 and the
    # finding stayed). Rendered bundles write one `---` per object, and this is the shortest place for it.
    files = quickstart(prometheus_config=(CONFIGMAP, "--- # kubelint-scrape: ignore[KS102] granted by the platform\n" + CONFIGMAP))
    assert lint(files) == []
    files = quickstart(prometheus_config=(CONFIGMAP, "--- # kubelint-scrape: ignore[KS102] granted by the platform\n\n" + CONFIGMAP))
    assert [f.split(" ")[1] for f in lint(files)] == ["KS002", "KS102"]  # a blank line breaks the link, as above


def test_comment_above_another_job_does_not_cover_this_one() -> None:
    other = "      - job_name: kubernetes-pods"
    files = quickstart(prometheus_config=(other, "      # kubelint-scrape: ignore[KS102] not this job\n" + other))
    found = lint(files)
    assert [f.split(" ")[1] for f in found] == ["KS102", "KS002"]
    assert 'suppresses nothing: no KS102 finding in job "kubernetes-pods" (lines 25-31)' in found[1], found


def test_a_suppression_at_a_related_location_suppresses_nothing_and_ks002_says_why() -> None:
    # KS102 names the ClusterRole as related; a suppression counts where the finding is reported only.
    files = quickstart(prometheus_rbac=("rules:", "# kubelint-scrape: ignore[KS102] nodes are scraped elsewhere\nrules:"))
    result = lint_sources([parse_source(n, t) for n, t in files.items()], Options(select=SELECT))
    assert [f.rule for f in result.findings] == ["KS102", "KS002"]
    assert "not at its related locations" in result.findings[1].fix


def test_a_blank_line_breaks_the_link_to_the_line_below() -> None:
    files = quickstart(prometheus_config=(JOB, "      # kubelint-scrape: ignore[KS102] granted by the platform\n\n" + JOB))
    assert [f.split(" ")[1] for f in lint(files)] == ["KS002", "KS102"]


@pytest.mark.parametrize("comment", [
    "## kubelint-scrape: ignore[KS102] granted by the platform",  # Helm charts' and Ansible's comment style
    "# see RUNBOOK-12 # kubelint-scrape: ignore[KS102] granted by the platform",  # after other comment text
    "# kubelint-scrape: IGNORE[KS102] granted by the platform",  # the keyword in any case, as ruff's `# NOQA`
])
def test_directive_forms_a_user_writes_on_the_line_above_the_job(comment: str) -> None:
    files = quickstart(prometheus_config=(JOB, f"      {comment}\n" + JOB))
    assert lint(files) == []


def test_ignore_file() -> None:
    files = quickstart(prometheus_config=("data:", "# kubelint-scrape: ignore-file[KS102]\ndata:"))
    assert lint(files) == []


def test_ignore_by_prefix_and_by_name() -> None:
    for code in ("KS1", "kubelet-permission-missing"):
        files = quickstart(prometheus_config=(JOB, f"      # kubelint-scrape: ignore[{code}] granted by the platform\n" + JOB))
        assert lint(files) == [], code


def test_annotation_covers_findings_inside_the_object() -> None:
    files = quickstart(prometheus_config=("  namespace: monitoring\ndata:", "  namespace: monitoring\n  annotations:\n    kubelint-scrape.io/ignore: \"KS102\"\ndata:"))
    assert lint(files) == []


def test_annotation_on_another_object_does_not_cover_it() -> None:
    files = quickstart(prometheus_deployment=("  namespace: monitoring\nspec:", "  namespace: monitoring\n  annotations:\n    kubelint-scrape.io/ignore: KS102\nspec:"))
    found = lint(files)
    assert [f.split(" ")[1] for f in found] == ["KS102", "KS002"]
    assert found[1].startswith("prometheus-deployment.yaml:7:32: KS002 annotation kubelint-scrape.io/ignore suppresses nothing: no KS102 finding in Deployment monitoring/prometheus")


def test_annotation_on_an_item_of_a_list_covers_that_item_only() -> None:
    config = (QUICKSTART / "prometheus-config.yaml").read_text()
    body = "\n".join("    " + line if line else line for line in config.split("apiVersion: v1\n", 1)[1].splitlines())
    listed = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: unrelated\n      namespace: monitoring\n"
        "      annotations:\n        kubelint-scrape.io/ignore: KS102\n    data: {}\n"
        "  - apiVersion: v1\n" + body.replace("    kind: ConfigMap\n", "    kind: ConfigMap\n", 1) + "\n"
    )
    files = {**quickstart(), "prometheus-config.yaml": listed}
    found = lint(files)
    assert [f.split(" ")[1] for f in found] == ["KS002", "KS102"], found
    covered = listed.replace("      name: prometheus-config\n", "      name: prometheus-config\n      annotations:\n        kubelint-scrape.io/ignore: KS102\n")
    assert [f.split(" ")[1] for f in lint({**files, "prometheus-config.yaml": covered})] == ["KS002"]  # only the unrelated one is stale


def test_annotation_on_a_json_object() -> None:
    from ruamel.yaml import YAML

    configmap = YAML(typ="safe").load((QUICKSTART / "prometheus-config.yaml").read_text())
    unrelated = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "other", "namespace": "monitoring"}, "data": {}}
    files = quickstart()
    files["prometheus-config.yaml"] = json.dumps({"apiVersion": "v1", "kind": "List", "items": [unrelated, configmap]}, indent=2)
    assert [f.split(" ")[1] for f in lint(files)] == ["KS102"]  # the embedded config's findings sit on the JSON string
    unrelated["metadata"]["annotations"] = {"kubelint-scrape.io/ignore": "KS102"}
    files["prometheus-config.yaml"] = json.dumps({"apiVersion": "v1", "kind": "List", "items": [unrelated, configmap]}, indent=2)
    assert [f.split(" ")[1] for f in lint(files)] == ["KS002", "KS102"]  # brackets, not indentation, bound the object
    del unrelated["metadata"]["annotations"]
    configmap["metadata"]["annotations"] = {"kubelint-scrape.io/ignore": "KS102"}
    files["prometheus-config.yaml"] = json.dumps({"apiVersion": "v1", "kind": "List", "items": [unrelated, configmap]}, indent=2)
    assert lint(files) == []


EXPORTER = """\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: exporter
  namespace: monitoring
spec:
  selector:
    matchLabels: {app: exporter}
  template:
    metadata:
      labels: {app: exporter}
      annotations:
        kubelint-scrape.io/ignore: "KS401"
    spec:
      automountServiceAccountToken: false
      hostNetwork: true
      containers:
      - {name: exporter, image: prom/node-exporter:v1.8.0}
"""


def test_annotation_on_a_pod_template_covers_the_pod() -> None:
    # A chart's podAnnotations land on the pod template, often the only annotations its values can set: the
    # annotation there was neither read nor reported, and the KS401 it names stayed.
    assert lint({"exporter.yaml": EXPORTER}, select={"KS401", "KS002"}) == []
    stale = lint({"exporter.yaml": EXPORTER.replace("hostNetwork: true", "hostNetwork: false")}, select={"KS401", "KS002"})
    assert stale == ["exporter.yaml:13:37: KS002 annotation kubelint-scrape.io/ignore suppresses nothing: no KS401 "
                     "finding in the pod template of DaemonSet monitoring/exporter; a stale suppression would hide the "
                     "next real finding there"]
    # the template's annotation covers the template, not the workload's own metadata
    unserved = EXPORTER.replace("apps/v1", "extensions/v1beta1")
    assert [f.split(" ")[1] for f in lint({"exporter.yaml": unserved}, select={"KS401", "KS602", "KS002"})] == ["KS602"]


# ---------------------------------------------------------------------------------------------- KS002


def test_unknown_id_is_reported_and_suppresses_nothing() -> None:
    files = quickstart(prometheus_config=(JOB, "      # kubelint-scrape: ignore[KS1O2] granted by the platform\n" + JOB))
    found = lint(files)
    assert [f.split(" ")[:2] for f in found] == [["prometheus-config.yaml:13:33:", "KS002"], ["prometheus-config.yaml:21:19:", "KS102"]]
    assert "names 'KS1O2', which is not a rule id" in found[0]


def test_missing_reason_is_reported_but_still_suppresses() -> None:
    files = quickstart(prometheus_config=(JOB, "      # kubelint-scrape: ignore[KS102]\n" + JOB))
    found = lint(files)
    assert len(found) == 1 and "gives no reason" in found[0] and found[0].startswith("prometheus-config.yaml:13:7: KS002")


def test_the_fix_for_a_missing_reason_repeats_the_directive_as_written() -> None:
    files = quickstart(prometheus_config=(JOB, "      # kubelint-scrape: ignore[KS102,KS304]\n" + JOB))
    result = lint_sources([parse_source(n, t) for n, t in files.items()], Options(select=SELECT))
    [ks002] = [f for f in result.findings if f.rule == "KS002"]
    assert "`# kubelint-scrape: ignore[KS102,KS304] <why this is acceptable here>`" in ks002.fix


def test_malformed_directive_is_reported() -> None:
    files = quickstart(prometheus_config=(JOB, "      # kubelint-scrape: ignore KS102 because\n" + JOB))
    assert [f.split(" ")[1] for f in lint(files)] == ["KS002", "KS102"]


def test_an_ordinary_comment_naming_the_tool_is_not_a_suppression() -> None:
    files = quickstart(prometheus_config=(JOB, "      # kubelint-scrape: this job is checked in CI\n" + JOB))
    assert [f.split(" ")[1] for f in lint(files)] == ["KS102"]


def test_a_directive_inside_a_quoted_scalar_is_text_not_a_comment() -> None:
    # A JSON or SARIF report left in the tree quotes rule help that shows the syntax; JSON has no comments.
    report = json.dumps({"rules": [{"id": "KS109", "help": "record it with `# kubelint-scrape: ignore[KS109] created by the platform chart`"}]})
    assert lint({**quickstart(), "report.json": report}) == [lint(quickstart())[0]]
    # A quoted value holding the syntax does not suppress the finding on its line; the comment after it does.
    quoted = '- role: node  # kubelint-scrape: ignore[KS102] the platform grants it'
    files = quickstart(prometheus_config=("- role: node", '- {role: node, api_server: "x # kubelint-scrape: ignore[KS102] y"}'))
    assert [f.split(" ")[1] for f in lint(files)] == ["KS102"]
    files = quickstart(prometheus_config=("- role: node", '- {role: node} # kubelint-scrape: ignore[KS102] "quoted" reason'))
    assert lint(files) == []
    # an apostrophe inside a plain scalar opens no quote
    files = quickstart(prometheus_config=("- role: node", quoted.replace("the platform", "the platform's role")))
    assert lint(files) == []


def test_rules_that_did_not_run_are_not_judged() -> None:
    fixed = ("rules:\n", GRANT)
    files = quickstart(prometheus_rbac=fixed, prometheus_config=(JOB, "      # kubelint-scrape: ignore[KS102] stale\n" + JOB))
    assert [f.split(" ")[1] for f in lint(files)] == ["KS002"]
    assert lint(files, {"KS101", "KS002"}) == []  # KS102 deselected: its suppression is not judged


def test_ks002_can_be_silenced_for_a_file() -> None:
    # (the file-wide directive stays outside the ConfigMap's block scalar: at column 1 inside it, it would end
    # the scalar and break the embedded config — a KS001 no selection hides)
    files = quickstart(prometheus_config=(JOB, "      # kubelint-scrape: ignore[KS102]\n" + JOB))
    assert [line.split(" ")[1] for line in lint(files)] == ["KS002"]  # no reason given
    files["prometheus-config.yaml"] = "# kubelint-scrape: ignore-file[KS002]\n" + files["prometheus-config.yaml"]
    assert lint(files) == []


def test_per_path_ignores(tmp_path) -> None:
    files = quickstart()
    assert lint(files, per_path_ignores={"prometheus-config.yaml": {"KS102"}}, root=".") == []
    assert len(lint(files, per_path_ignores={"other/*.yaml": {"KS102"}}, root=".")) == 1


@pytest.mark.parametrize("text, target, end", [
    ("a:\n  b: 1\n  c:\n    - x\nd: 2\n", 2, 3),  # a key covers what is deeper
    ("rules:\n- apiGroups: ['']\n  verbs: [get]\n- apiGroups: [x]\n", 1, 2),  # an item covers itself
    ("rules:\n- apiGroups: ['']\n  verbs: [get]\nkind: Role\n", 0, 2),  # an indentless sequence belongs to its key
    ("- {a: 1,\n   b: [1,\n  2]}\n- c\n", 0, 2),  # flow collections by brackets
    ("k: |\n  text\n  # not a comment for the outer file\n  more\nnext: 1\n", 0, 3),
])
def test_extent_of_a_node(text: str, target: int, end: int) -> None:
    assert _extent(text.splitlines(), target, {}) == end


class _CountingRules(frozenset):
    """A Code's rules that count each membership test: the work of matching findings to suppressions."""

    tests = 0

    def __contains__(self, rule: object) -> bool:
        _CountingRules.tests += 1
        return frozenset.__contains__(self, rule)


def _suppressed_file(count: int, seed: int = 0):
    """`count` suppressions of random (nested, overlapping or one-line) extents and kinds in one file, and
    `count` findings on random lines, one of two rules."""
    import random

    from kubelint_scrape.findings import Finding
    from kubelint_scrape.suppress import Code, Suppression, SuppressionState
    from kubelint_scrape.yamltree import Span

    rng = random.Random(seed)
    lines = count * 5
    state = SuppressionState()
    for i in range(count):
        start = rng.randint(1, lines)
        extent = (start, start + rng.choice([0, 0, 1, 8, 40]))
        kind, covered = rng.choice([("line", extent)] * 8 + [("annotation", extent), ("malformed", None)])
        if i == 0:
            kind, covered = "file", None
        code = Code("KS401", Span("a.yaml", start, 1), _CountingRules({rng.choice(["KS401", "KS403"])}))
        state.suppressions.append(Suppression(kind, Span("a.yaml", start, 1), [code], lines=covered))
    state.by_path["a.yaml"] = list(state.suppressions)
    findings = [Finding(rng.choice(["KS401", "KS403", "KS001"]), Span(p, rng.randint(1, lines), 3), f"f{i}")
                for i, p in enumerate(rng.choice(["a.yaml", "a.yaml", "b.yaml"]) for _ in range(count))]
    return state, findings


@pytest.mark.parametrize("seed", range(5))
def test_suppressions_match_findings_as_covers_says(seed: int) -> None:
    """The sweep of SuppressionState.unsilenced keeps exactly the findings no covering suppression names, and
    marks used exactly the codes that silence one (Suppression.covers, finding by finding, is the reference)."""
    from kubelint_scrape.catalog import ALWAYS_REPORTED

    state, findings = _suppressed_file(300, seed)
    expected_used = set()
    expected_kept = []
    for finding in findings:
        hit = False
        for suppression in state.by_path.get(finding.span.path, ()):
            for code in suppression.codes if finding.rule not in ALWAYS_REPORTED and suppression.covers(finding) else ():
                if finding.rule in code.rules:
                    expected_used.add(id(code))
                    hit = True
        if not hit:
            expected_kept.append(finding)
    assert state.unsilenced(findings) == expected_kept
    assert {id(c) for s in state.suppressions for c in s.codes if c.used} == expected_used


def test_many_suppressions_in_one_file_stay_linear() -> None:
    """Each finding met every suppression of its file (10,000 suppressed pods in one file: 53 s); now only those
    that cover its line. Counts the rule-membership tests and `covers` calls, not time: doubling both the
    suppressions and the findings about doubles them."""
    from kubelint_scrape import suppress

    covers = suppress.Suppression.covers
    calls = {"covers": 0}

    def counting(self, finding):
        calls["covers"] += 1
        return covers(self, finding)

    work = []
    for count in (400, 800):
        state, findings = _suppressed_file(count, seed=1)
        _CountingRules.tests = calls["covers"] = 0
        suppress.Suppression.covers = counting
        try:
            state.unsilenced(findings)
        finally:
            suppress.Suppression.covers = covers
        work.append(_CountingRules.tests + calls["covers"])
    assert work[1] <= 2.5 * work[0], work


def test_line_suppresses_reads_a_directive_as_a_suppression_would() -> None:
    from kubelint_scrape.suppress import line_suppresses

    assert line_suppresses("    insecure_skip_verify: true  # kubelint-scrape: ignore[KS301] self-signed", "KS301")
    assert line_suppresses("# kubelint-scrape: ignore[KS3] transport rules are reviewed", "KS301")  # a prefix
    assert not line_suppresses("# kubelint-scrape: ignore[KS302] other rule", "KS301")
    assert not line_suppresses("# kubelint-scrape: ignore-file[KS301]", "KS301")  # not this line's
    assert not line_suppresses('    help: "write # kubelint-scrape: ignore[KS301] here"', "KS301")  # quoted text


def test_a_job_whose_targets_a_refused_relabel_rule_hides_keeps_its_suppression() -> None:
    # The keep rule's regex does not compile (KS601): which kubelets the job scrapes is unknown, so no KS102 is
    # reported, but the suppression is not stale — fixing the regex brings the finding back (mutation round 12).
    relabel = "        relabel_configs:\n          - action: labelmap\n"
    files = quickstart(prometheus_config=(
        JOB + "\n", "      # kubelint-scrape: ignore[KS102] granted by the platform team\n" + JOB + "\n"))
    files["prometheus-config.yaml"] = files["prometheus-config.yaml"].replace(
        relabel, "        relabel_configs:\n          - source_labels: [__meta_kubernetes_node_name]\n"
                 "            action: keep\n            regex: (worker-.+\n          - action: labelmap\n", 1)
    assert lint(files) == []
    assert [f.split(" ")[1] for f in lint(files, select=SELECT | {"KS601"})] == ["KS601"]


def test_suppressions_are_looked_for_in_the_reported_files_texts_only() -> None:
    """A suppression silences findings in its own file only: a lint reporting some files (the language server's
    re-lint of the open ones) searches only their texts for the tool's name, not every file of the workspace."""
    from types import SimpleNamespace

    from kubelint_scrape.suppress import collect

    searched: list[str] = []

    class Text(str):
        def __contains__(self, part: object) -> bool:
            searched.append(str(self))
            return str.__contains__(self, part)

    sources = [SimpleNamespace(path=f"/ws/{n}.yaml", text=Text(f"kind: ConfigMap # {n}\n")) for n in range(5)]
    state = collect(sources, SimpleNamespace(workspace=None), paths={"/ws/3.yaml"})
    assert state.suppressions == [] and searched == ["kind: ConfigMap # 3\n"]
