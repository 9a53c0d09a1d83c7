"""The CI formats: SARIF 2.1.0 (schema-valid, rule metadata, stable fingerprints) and GitHub workflow commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from kubelint_scrape.catalog import resolve_selection
from kubelint_scrape.cli import main
from kubelint_scrape.engine import Options, lint_paths
from kubelint_scrape.findings import Finding, Related
from kubelint_scrape.report import render
from kubelint_scrape.report.github import escape_data, escape_property
from kubelint_scrape.report.sarif import FINGERPRINT_KEY, normalize
from kubelint_scrape.yamltree import Span

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "examples" / "quickstart"
SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-2.1.0.json"
CORPUS = ROOT.parent / "shared" / "corpus"

QUICKSTART_GITHUB = (
    '::error file=examples/quickstart/prometheus-config.yaml,line=20,col=19,endLine=20,endColumn=23,title=KS102 kubelet-permission-missing::'
    'job "kubernetes-nodes" scrapes the kubelet at :10250/metrics as monitoring/prometheus, which lacks get '
    'nodes/metrics (the kubelet answers 403 Forbidden)%0A%0AFix: Add to ClusterRole prometheus (bound to '
    'monitoring/prometheus by ClusterRoleBinding prometheus):%0A  - apiGroups: [""]%0A    resources: '
    '["nodes/metrics"]%0A    verbs: ["get"]'
)


def sarif_validator():
    import jsonschema

    if not SARIF_SCHEMA.exists():
        pytest.skip(f"{SARIF_SCHEMA} absent: the shared schemas live beside the checkout (../shared)")
    schema = json.loads(SARIF_SCHEMA.read_text())
    return jsonschema.Draft4Validator(schema)  # the OASIS schema is draft-04


def sarif_of(paths: list[Path], cwd: Path, select: str | None = "KS1") -> dict:
    options = Options(select=resolve_selection([select]) if select else None)
    result = lint_paths([str(p) for p in paths], options)
    return json.loads(render("sarif", result, cwd=str(cwd)))


# The quickstart cases select the access family (KS1xx), the example's subject, so that rules added in other
# families do not change these exact expectations; the corpus case runs every rule.

# ------------------------------------------------------------------------------------------------------ SARIF

def test_quickstart_sarif_validates_and_carries_rule_metadata(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    log = json.loads(CliRunner().invoke(main, ["examples/quickstart", "--format", "sarif", "--select", "KS1"]).output)
    sarif_validator().validate(log)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    assert run["invocations"] == [{"executionSuccessful": True}]
    driver = run["tool"]["driver"]
    assert driver["name"] == "kubelint-scrape" and driver["version"] and driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"].startswith(rule["id"]) and rule["help"]["markdown"].startswith(f"# {rule['id']}")
        assert rule["helpUri"].endswith(f"docs/rules.md#{rule['id'].lower()}-{rule['name']}")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert "kubernetes" in rule["properties"]["tags"]

    [result] = run["results"]
    assert result["ruleId"] == "KS102" and rules[result["ruleIndex"]]["id"] == "KS102"
    assert result["level"] == "error"
    assert result["message"]["text"].startswith('job "kubernetes-nodes" scrapes the kubelet')
    assert 'resources: ["nodes/metrics"]' in result["message"]["text"] and result["properties"]["fix"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "examples/quickstart/prometheus-config.yaml", "uriBaseId": "%SRCROOT%"}
    # the region ends where the token does (endColumn: the column after it, in code points as columnKind says)
    assert location["region"] == {"startLine": 20, "startColumn": 19, "endLine": 20, "endColumn": 23, "snippet": {"text": "node"}}
    assert run["columnKind"] == "unicodeCodePoints" and run["newlineSequences"] == ["\r\n", "\n", "\r"]
    related = result["relatedLocations"]
    assert [r["id"] for r in related] == list(range(1, len(related) + 1))
    binding = _binding(related)
    assert binding["physicalLocation"]["artifactLocation"]["uri"] == "examples/quickstart/prometheus-rbac.yaml"
    assert binding["physicalLocation"]["region"] == {"startLine": 25, "startColumn": 5, "endLine": 25, "endColumn": 9}  # the subject it binds
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.as_uri() + "/"


def test_security_weaknesses_carry_security_severity_and_breakage_does_not(monkeypatch) -> None:
    # GitHub files a rule tagged `security` under security alerts, ranked by `security-severity`: a grant that
    # hands out exec on every node is one; a CA mismatch or a loopback-bound target (the scrape fails) is breakage.
    monkeypatch.chdir(ROOT)
    log = json.loads(CliRunner().invoke(main, ["examples/quickstart", "--format", "sarif"]).output)
    rules = {r["id"]: r["properties"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["KS201"] == {"tags": ["kubernetes", "prometheus", "privilege", "security"], "security-severity": "8.8"}
    assert rules["KS403"]["security-severity"] == "8.2" and "security" in rules["KS403"]["tags"]
    for breakage in ("KS102", "KS304", "KS305", "KS307", "KS309", "KS501", "KS601"):
        assert "security" not in rules[breakage]["tags"] and "security-severity" not in rules[breakage], breakage
    for rule_id, properties in rules.items():
        assert ("security" in properties["tags"]) == ("security-severity" in properties), rule_id
        if "security-severity" in properties:
            assert 0.1 <= float(properties["security-severity"]) <= 10.0


def _binding(related: list[dict]) -> dict:
    """The related location of the quickstart's ClusterRoleBinding."""
    return next(r for r in related if r["message"]["text"].startswith("ClusterRoleBinding/prometheus binds"))


def test_sarif_output_file_and_exit_code(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "report.sarif"
    result = CliRunner().invoke(main, ["examples/quickstart", "--format", "sarif", "--select", "KS1", "--output", str(out)])
    assert result.exit_code == 1 and result.output == ""
    assert json.loads(out.read_text())["runs"][0]["results"][0]["ruleId"] == "KS102"


def test_sarif_of_a_clean_run_has_no_results_but_all_rules(tmp_path) -> None:
    (tmp_path / "empty.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    log = sarif_of([tmp_path], tmp_path)
    sarif_validator().validate(log)
    assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"]


def test_sarif_paths_outside_the_working_directory_are_file_uris(tmp_path) -> None:
    work = tmp_path / "elsewhere"
    shutil.copytree(QUICKSTART, work)
    log = sarif_of([work], ROOT)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (work / "prometheus-config.yaml").as_uri()}
    sarif_validator().validate(log)


def test_a_relative_path_outside_the_working_directory_is_reported_like_its_absolute_path(tmp_path, monkeypatch) -> None:
    # `../elsewhere/x.yaml` relative to %SRCROOT% would climb out of the checkout (GitHub cannot place it), and
    # its fingerprint would differ from the same file named by its absolute path.
    work, elsewhere = tmp_path / "work", tmp_path / "elsewhere"
    work.mkdir()
    shutil.copytree(QUICKSTART, elsewhere)
    monkeypatch.chdir(work)
    by_relative = sarif_of([Path("../elsewhere")], work)
    by_absolute = sarif_of([elsewhere], work)
    result = by_relative["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": (elsewhere / "prometheus-config.yaml").as_uri()}
    assert result["partialFingerprints"] == by_absolute["runs"][0]["results"][0]["partialFingerprints"]
    github = CliRunner().invoke(main, ["../elsewhere", "--format", "github", "--select", "KS1"]).output
    assert f"file={elsewhere / 'prometheus-config.yaml'}," in github


def test_a_file_whose_name_starts_with_two_dots_is_inside_the_working_directory(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("..rbac.yaml").write_text("kind: Role\nrules: [\n")
    log = json.loads(CliRunner().invoke(main, [str(tmp_path / "..rbac.yaml"), "--format", "sarif"]).output)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "..rbac.yaml", "uriBaseId": "%SRCROOT%"}
    github = CliRunner().invoke(main, [str(tmp_path / "..rbac.yaml"), "--format", "github"]).output
    assert github.startswith("::error file=..rbac.yaml,line=")


def test_fingerprints_survive_unrelated_edits_above_the_finding(tmp_path) -> None:
    work = tmp_path / "repo"
    shutil.copytree(QUICKSTART, work)
    before = sarif_of([work], work)["runs"][0]["results"]

    # unrelated edits: a comment above the finding, a new ServiceAccount at the top of the RBAC file
    config = work / "prometheus-config.yaml"
    config.write_text("# owned by the platform team\n" + config.read_text())
    rbac = work / "prometheus-rbac.yaml"
    rbac.write_text("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: unrelated\n  namespace: monitoring\n---\n"
                    + rbac.read_text())
    after = sarif_of([work], work)["runs"][0]["results"]

    assert len(before) == len(after) == 1
    region = lambda r: r["locations"][0]["physicalLocation"]["region"]["startLine"]  # noqa: E731
    assert region(after[0]) == region(before[0]) + 1  # the finding moved…
    assert _binding(after[0]["relatedLocations"])["physicalLocation"]["region"]["startLine"] == 25 + 6
    assert after[0]["partialFingerprints"] == before[0]["partialFingerprints"]  # …and is still the same alert
    assert before[0]["partialFingerprints"][FINGERPRINT_KEY].endswith(":1")


def test_fingerprints_differ_for_different_problems(tmp_path) -> None:
    work = tmp_path / "repo"
    shutil.copytree(QUICKSTART, work)
    config = work / "prometheus-config.yaml"
    text = config.read_text()
    # a second kubelet job with the same missing permission: same rule, same file, another object
    second = text[text.index("      - job_name: kubernetes-nodes"):text.index("      - job_name: kubernetes-pods")]
    config.write_text(text + second.replace("kubernetes-nodes", "kubelet-again"))
    results = sarif_of([work], work)["runs"][0]["results"]
    prints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in results if r["ruleId"] == "KS102"]
    assert len(prints) == 2 and len(set(prints)) == 2


def test_fingerprints_number_repeats_of_one_key_in_order() -> None:
    from kubelint_scrape.report.sarif import partial_fingerprints

    make = lambda line: Finding("KS501", Span("a.yaml", line, 1), "same problem", object="Role x")  # noqa: E731
    prints = partial_fingerprints([make(3), make(9)], "/")
    assert prints[0].split(":")[0] == prints[1].split(":")[0]
    assert [p.split(":")[1] for p in prints] == ["1", "2"]


def test_fingerprint_message_normalization_drops_positions_not_ports() -> None:
    assert normalize("bound at rbac.yaml:16:1 (line 16), scrapes :10250/metrics") == "bound at rbac.yaml (), scrapes :10250/metrics"
    assert normalize("duplicate of lines 3-5") == "duplicate of"


def test_sarif_validates_on_the_whole_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS} (it lives in ../shared beside the checkout)")
    validator = sarif_validator()
    log = sarif_of([CORPUS], CORPUS, select=None)  # every rule
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    results = log["runs"][0]["results"]
    assert results, "the corpus has findings"
    keys = [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["partialFingerprints"][FINGERPRINT_KEY]) for r in results]
    assert len(keys) == len(set(keys)), "two results share a fingerprint"
    assert all(not r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith(("/", "file:")) for r in results)


def test_sarif_module_imports_nothing_heavy() -> None:
    import subprocess
    import sys

    code = ("import sys, kubelint_scrape.report.sarif, kubelint_scrape.report.github; "
            "print(sorted(m for m in ('jsonschema', 'ruamel.yaml', 'click') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ----------------------------------------------------------------------------------------------------- GitHub

def test_github_format_quickstart_exact_lines(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["examples/quickstart", "--format", "github", "--select", "KS1"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [QUICKSTART_GITHUB]
    # an absolute path inside the working directory is reported relative to it (GitHub resolves from the checkout)
    absolute = CliRunner().invoke(main, [str(QUICKSTART), "--format", "github", "--select", "KS1"])
    assert absolute.output.splitlines() == [QUICKSTART_GITHUB]


def test_github_format_of_a_clean_run_is_empty(tmp_path) -> None:
    (tmp_path / "ok.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    result = CliRunner().invoke(main, [str(tmp_path), "--format", "github"])
    assert result.exit_code == 0 and result.output == ""


def _finding(severity: str, message: str, path: str = "k8s/rbac.yaml", fix: str = "") -> Finding:
    finding = Finding("KS501", Span(path, 7, 3), message, fix=fix, related=(Related(Span(path, 1, 1), "x"),))
    finding.severity, finding.name = severity, "invalid-rbac-object"
    return finding


def test_github_severity_commands_and_escaping() -> None:
    findings = [
        _finding("error", "100% broken\r\nsecond line", fix="Write:\n  verbs: [get]."),
        _finding("warning", "a: b, c", path="dir,with:odd/file 1.yaml"),
        _finding("info", "note %0A literal"),
    ]
    text = render("github", SimpleNamespace(findings=findings), cwd="/nowhere")
    assert text.splitlines() == [
        "::error file=k8s/rbac.yaml,line=7,col=3,title=KS501 invalid-rbac-object::"
        "100%25 broken%0D%0Asecond line%0A%0AFix: Write:%0A  verbs: [get].",
        "::warning file=dir%2Cwith%3Aodd/file 1.yaml,line=7,col=3,title=KS501 invalid-rbac-object::a: b, c",
        "::notice file=k8s/rbac.yaml,line=7,col=3,title=KS501 invalid-rbac-object::note %250A literal",
    ]


def test_github_escaping_rules() -> None:
    assert escape_data("50%\r\n:,") == "50%25%0D%0A:,"
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"


def test_github_format_on_a_real_file_with_a_comma_in_its_name(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("rbac,v1.yaml").write_text("kind: Role\nrules: [\n")
    result = CliRunner().invoke(main, ["rbac,v1.yaml", "--format", "github"])
    [line] = result.output.splitlines()
    assert line.startswith("::error file=rbac%2Cv1.yaml,line=")
    assert ",title=KS001 yaml-syntax-error::" in line


def test_github_annotations_name_files_relative_to_the_workspace(tmp_path, monkeypatch) -> None:
    # A workflow step with `working-directory: deploy` runs in a subdirectory of the checkout; the runner keeps a
    # relative `file=` as it is and resolves it from the workspace, so `prometheus-config.yaml` would be looked
    # for at the repository root. Paths are rebased on $GITHUB_WORKSPACE.
    shutil.copytree(QUICKSTART, tmp_path / "deploy")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    monkeypatch.chdir(tmp_path / "deploy")
    result = CliRunner().invoke(main, [".", "--format", "github", "--select", "KS1"])
    assert result.output.startswith("::error file=deploy/prometheus-config.yaml,line=20,col=19,endLine=20,endColumn=23,title=KS102 ")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["deploy", "--format", "github", "--select", "KS1"])
    assert result.output.startswith("::error file=deploy/prometheus-config.yaml,line=20,col=19,endLine=20,endColumn=23,title=KS102 ")
    # outside the workspace nothing can be placed: the absolute path, as before
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path / "deploy" / "elsewhere"))
    result = CliRunner().invoke(main, ["deploy", "--format", "github", "--select", "KS1"])
    assert result.output.startswith(f"::error file={tmp_path}/deploy/prometheus-config.yaml,line=20,")
