"""Configuration: discovery, validation with clear errors (exit 2), CLI precedence, and every key's effect."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kubelint_scrape.cli import main
from kubelint_scrape.config import ConfigError, PathMatcher, find_config, load_config, schema, validate

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "examples" / "quickstart"
GRANT = 'rules:\n  - apiGroups: [""]\n    resources: ["nodes/metrics"]\n    verbs: ["get"]\n'  # the fix for KS102


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A repository with the quickstart under deploy/, the current directory at its root."""
    shutil.copytree(QUICKSTART, tmp_path / "deploy")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin)


def rules_in(output: str) -> list[str]:
    return [line.split(" ")[1] for line in output.splitlines() if " KS" in line and line[:1] not in (" ", "=")]


# ---------------------------------------------------------------------------------------------- finding the file


def test_nearest_file_wins_and_yaml_beats_pyproject(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.kubelint-scrape]\nfail-on = "error"\n')
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    assert find_config(str(sub)) == str(tmp_path / "pyproject.toml")
    (tmp_path / "a" / ".kubelint-scrape.yaml").write_text("fail-on: info\n")
    assert find_config(str(sub)) == str(tmp_path / "a" / ".kubelint-scrape.yaml")
    (tmp_path / "a" / "pyproject.toml").write_text('[tool.kubelint-scrape]\nfail-on = "never"\n')
    assert find_config(str(tmp_path / "a")) == str(tmp_path / "a" / ".kubelint-scrape.yaml")


def test_the_linted_paths_own_configuration_is_found_from_anywhere(tmp_path, monkeypatch) -> None:
    """`kubelint-scrape case/` reads case/.kubelint-scrape.yaml whatever the current directory, as ruff finds a
    file's nearest configuration; a path with none in its tree still gets the current directory's (the project's),
    and stdin is placed by --stdin-filename."""
    case, elsewhere = tmp_path / "case", tmp_path / "elsewhere"
    shutil.copytree(QUICKSTART, case)
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert "KS102" in rules_in(run(str(case), "--format", "concise").output)
    (case / ".kubelint-scrape.yaml").write_text("ignore: [KS102]\n")
    assert "KS102" not in rules_in(run(str(case), "--format", "concise").output)
    assert "KS102" not in rules_in(run(str(case / "prometheus-config.yaml"), str(case / "prometheus-rbac.yaml"),
                                       "--format", "concise").output)
    text = (case / "prometheus-config.yaml").read_text()
    stdin = ("-", "--stdin-filename", str(case / "prometheus-config.yaml"), "--format", "concise")
    assert "KS100" in rules_in(run(*stdin, stdin=text).output)  # alone, the config's runner is unknown
    (case / ".kubelint-scrape.yaml").write_text("ignore: [KS102, KS100]\n")
    assert "KS100" not in rules_in(run(*stdin, stdin=text).output)
    (case / ".kubelint-scrape.yaml").unlink()
    (elsewhere / ".kubelint-scrape.yaml").write_text("ignore: [KS102]\n")  # the current directory's, as before
    assert "KS102" not in rules_in(run(str(case), "--format", "concise").output)


def test_pyproject_without_our_table_is_skipped(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.kubelint-scrape]\nfail-on = "error"\n')
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "pyproject.toml").write_text('[tool.ruff]\nline-length = 100  # not kubelint-scrape\n')
    assert find_config(str(tmp_path / "pkg")) == str(tmp_path / "pyproject.toml")


def test_every_key_loads_from_toml_and_yaml(tmp_path) -> None:
    toml = """
[tool.kubelint-scrape]
select = ["KS1", "KS2"]
ignore = ["unused-grant"]
severity = { KS209 = "error", "KS3" = "info" }
fail-on = "error"
exclude = ["charts/*/templates/"]
paths = ["deploy"]
per-path-ignores = { "legacy/**" = ["KS2"] }
identities = { "monitoring/*.yaml" = "monitoring/prometheus" }
kubernetes-version = "1.32"
kubelet-authn = "webhook"
kubelet-authz = "always-allow"
kubelet-serving-cert = "cluster-ca"
default-namespace = "apps"
max-file-size = 5
"""
    (tmp_path / "pyproject.toml").write_text(toml)
    from_toml = load_config(str(tmp_path / "pyproject.toml"))
    yaml = """
select: [KS1, KS2]
ignore: [unused-grant]
severity: {KS209: error, KS3: info}
fail-on: error
exclude: ["charts/*/templates/"]
paths: [deploy]
per-path-ignores: {"legacy/**": [KS2]}
identities: {"monitoring/*.yaml": monitoring/prometheus}
kubernetes-version: "1.32"
kubelet-authn: webhook
kubelet-authz: always-allow
kubelet-serving-cert: cluster-ca
default-namespace: apps
max-file-size: 5
"""
    (tmp_path / ".kubelint-scrape.yaml").write_text(yaml)
    from_yaml = load_config(str(tmp_path / ".kubelint-scrape.yaml"))
    for config in (from_toml, from_yaml):
        assert config.root == str(tmp_path)
        assert config.select == ["KS1", "KS2"] and config.ignore == ["unused-grant"]
        assert config.severity["KS209"] == "error" and config.severity["KS301"] == "info"
        assert config.per_path_ignores["legacy/**"] >= {"KS201", "KS203"}
        assert config.identities == {"monitoring/*.yaml": "monitoring/prometheus"}
        assert (config.fail_on, config.kubernetes_version, config.kubelet_authz, config.default_namespace, config.max_file_size) == (
            "error", "1.32", "always-allow", "apps", 5)


# ---------------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize("text, expected", [
    ("selct: [KS1]\n", ".kubelint-scrape.yaml:1:1: selct: unknown key 'selct' (did you mean 'select'?)"),
    ("fail-on: warning\nseverity:\n  KS102: fatal\n", ".kubelint-scrape.yaml:3:10: severity.KS102: 'fatal' is not one of error, warning, info"),
    ("kubernetes-version: 1.30\n", "kubernetes-version: expected a string, got number 1.3 (write it as a quoted string"),
    # a leading zero was read as 1.34 but echoed as "Kubernetes 1.034" in every message
    ("kubernetes-version: '1.034'\n", "kubernetes-version: '1.034' is not a Kubernetes minor version"),
    ("select: KS1\n", "select: expected a list, got string 'KS1'"),
    ("ignore: [KS1O2]\n", ".kubelint-scrape.yaml:1:10: ignore[0]: 'KS1O2' is not a rule id (KS102), an id prefix (KS1)"),
    ("ignore: [KS1, KS999]\n", ".kubelint-scrape.yaml:1:15: ignore[1]: unknown rule or prefix 'KS999'"),
    # a value's problem points at the value (SPEC §5: the smallest node), a key's at the key
    ("fail-on: blocker\n", ".kubelint-scrape.yaml:1:10: fail-on: 'blocker' is not one of"),
    ("severity: {KS9: warning}\n", ".kubelint-scrape.yaml:1:12: severity.KS9: unknown rule or prefix 'KS9'"),
    ("identities:\n  '*.yaml': prometheus\n", "identities.\"*.yaml\": 'prometheus' is not a ServiceAccount written NAMESPACE/NAME"),
    ("paths: [deploy\n", ".kubelint-scrape.yaml:1:8: YAML syntax error"),  # where the unclosed [ opens
    ("- select\n", "expected a table/mapping, got array"),
    ("fail-on: warning\nfail-on: error\n", ".kubelint-scrape.yaml:2:1: duplicate key 'fail-on': a key may be given once"),
    # a Windows-style path would silently match nothing: `\o` escapes nothing
    ('per-path-ignores:\n  "legacy\\\\old\\\\*.yaml": [KS102]\n', '.kubelint-scrape.yaml:2:3: per-path-ignores."legacy\\\\old\\\\*.yaml": '
     "`legacy\\old\\*.yaml`: write directories with `/` (`legacy/old/*.yaml`)"),
    ("exclude: [charts/x, 'charts\\p\\templates']\n", ".kubelint-scrape.yaml:1:21: exclude[1]: `charts\\p\\templates`: write directories"),
    # globs match paths below the configuration's directory, which never hold `..`: one reaching out of it would
    # silently match nothing (`--config conf/lint.yaml` with `../rbac.yaml` left rbac.yaml's findings reported)
    ("per-path-ignores:\n  ../rbac.yaml: [KS201]\n", ".kubelint-scrape.yaml:2:3: per-path-ignores.\"../rbac.yaml\": `../rbac.yaml`: "
     "`..` matches nothing: globs are matched against the paths below the directory of the configuration file"),
    ("exclude: [deploy/../vendor/]\n", ".kubelint-scrape.yaml:1:11: exclude[0]: `deploy/../vendor/`: `..` matches nothing"),
    ("identities:\n  '!../x.yaml': monitoring/prometheus\n", "identities.\"!../x.yaml\": `!../x.yaml`: `..` matches nothing"),
    # an unread file is always an error: an override of KS001 alone would be ignored in silence
    ("severity: {KS001: info}\n", ".kubelint-scrape.yaml:1:12: severity.KS001: KS001 cannot be given a severity"),
    # nor ignored: an ignore naming only KS001/KS004 would do nothing, in silence
    ("ignore: [KS2, KS001]\n", ".kubelint-scrape.yaml:1:15: ignore[1]: KS001 cannot be ignored: an input that cannot be read"),
    ("ignore: [yaml-syntax-error]\n", "ignore[0]: yaml-syntax-error cannot be ignored"),
    ("per-path-ignores:\n  '*.yaml': [KS004]\n", ".kubelint-scrape.yaml:2:14: per-path-ignores.\"*.yaml\"[0]: KS004 cannot be ignored"),
])
def test_yaml_errors_name_the_key_and_line(tmp_path, text: str, expected: str) -> None:
    path = tmp_path / ".kubelint-scrape.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_config(str(path))
    assert expected in str(error.value)


def test_ignore_by_prefix_keeps_always_reported_rules_and_ignores_the_others(tmp_path) -> None:
    path = tmp_path / ".kubelint-scrape.yaml"
    path.write_text("ignore: [KS00]\nper-path-ignores:\n  '*.yaml': [ALL]\n")
    config = load_config(str(path))
    assert config.ignore == ["KS00"] and "KS201" in config.per_path_ignores["*.yaml"]


@pytest.mark.parametrize("text, expected", [
    ('[tool.kubelint-scrape]\nselect = ["KS1"]\nfail_on = "error"\n', "pyproject.toml:3: [tool.kubelint-scrape] fail_on: unknown key 'fail_on' (did you mean 'fail-on'?)"),
    ('[tool.kubelint-scrape]\n\n[tool.kubelint-scrape.severity]\nKS102 = 1\n', "pyproject.toml:3: [tool.kubelint-scrape] severity.KS102: 1 is not one of error, warning, info"),
    ('[tool.kubelint-scrape\n', "pyproject.toml:1:22: invalid TOML: Expected ']' at the end of a table declaration"),
    ('[tool.kubelint-scrape]\nignore = ["KS2"]\nignore = ["KS4"]\n', "pyproject.toml:3:17: invalid TOML: Cannot overwrite a value"),
])
def test_toml_errors_name_the_key_and_line(tmp_path, text: str, expected: str) -> None:
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(ConfigError) as error:
        load_config(str(tmp_path / "pyproject.toml"))
    assert expected in str(error.value)


def test_invalid_configuration_exits_2_with_the_message(repo) -> None:
    (repo / ".kubelint-scrape.yaml").write_text("fail-on: always\n")
    result = run("deploy")
    assert result.exit_code == 2
    assert "invalid configuration" in result.output and ".kubelint-scrape.yaml:1:10: fail-on: 'always' is not one of" in result.output


def test_config_option_names_the_file(repo) -> None:
    (repo / "ci.yaml").write_text("select: [KS0]\n")
    assert run("deploy").exit_code == 1
    assert run("deploy", "--config", "ci.yaml").exit_code == 0
    missing = run("deploy", "--config", "nope.yaml")
    assert missing.exit_code == 2 and "configuration file not found" in missing.output


# ---------------------------------------------------------------------------------------------- each key, and CLI precedence


def test_cli_flags_override_the_configuration(repo) -> None:
    (repo / ".kubelint-scrape.yaml").write_text("fail-on: never\nselect: [KS1]\n")
    assert run("deploy").exit_code == 0
    assert run("deploy", "--fail-on", "error").exit_code == 1
    assert rules_in(run("deploy", "--format", "concise").output) == ["KS102"]
    (repo / ".kubelint-scrape.yaml").write_text("select: [KS0]\n")
    assert run("deploy").exit_code == 0
    assert rules_in(run("deploy", "--format", "concise", "--select", "KS102").output) == ["KS102"]



def test_cli_ignore_adds_to_the_configured_ignore_and_cli_select_starts_afresh(repo) -> None:
    # The quickstart finds KS102 and KS304. As in ruff, --ignore narrows what the file selects (its `ignore`
    # still applies), while --select replaces the file's whole selection, its `ignore` included.
    (repo / ".kubelint-scrape.yaml").write_text("ignore: [KS304]\n")
    assert rules_in(run("deploy", "--format", "concise").output) == ["KS102"]
    assert rules_in(run("deploy", "--format", "concise", "--ignore", "KS101").output) == ["KS102"]
    assert rules_in(run("deploy", "--format", "concise", "--ignore", "KS102").output) == []
    assert rules_in(run("deploy", "--format", "concise", "--ignore", "").output) == ["KS102"]
    assert rules_in(run("deploy", "--format", "concise", "--select", "KS304").output) == ["KS304"]
    assert rules_in(run("deploy", "--format", "concise", "--select", "KS1,KS3", "--ignore", "KS102").output) == ["KS304"]

def test_severity_override(repo) -> None:
    (repo / ".kubelint-scrape.yaml").write_text("select: [KS102]\nseverity: {kubelet-permission-missing: info}\n")
    result = run("deploy", "--format", "concise")
    assert "KS102 [info]" in result.output and result.exit_code == 0


def test_severity_override_by_prefix_leaves_unread_files_errors(repo) -> None:
    (repo / "deploy" / "broken.yaml").write_text("a: [\n")
    (repo / ".kubelint-scrape.yaml").write_text("severity: {KS0: info, KS1: info}\n")
    result = run("deploy", "--format", "concise", "--fail-on", "error")
    assert "KS001 [error]" in result.output and "KS102 [info]" in result.output and result.exit_code == 1


def test_paths_are_linted_when_none_are_given(repo) -> None:
    assert run().exit_code == 1  # no configuration, no paths: the current directory (the repository) is linted
    (repo / ".kubelint-scrape.yaml").write_text("paths: [deploy]\nselect: [KS1]\n")
    result = run("--format", "concise")
    assert result.exit_code == 1 and result.output.startswith("deploy/prometheus-config.yaml:20:19: KS102")
    (repo / "sub").mkdir()
    import os

    os.chdir(repo / "sub")  # paths are relative to the configuration file, shown relative to the current directory
    assert run("--format", "concise").output.startswith("../deploy/prometheus-config.yaml:20:19: KS102")


def test_missing_configured_path_is_a_configuration_error(repo) -> None:
    (repo / ".kubelint-scrape.yaml").write_text("paths: [deploy, manifests]\n")
    result = run()
    # at the item, with the file as the user would type it, like every other configuration error (SPEC §5)
    assert result.exit_code == 2 and ".kubelint-scrape.yaml:1:17: paths[1]: no such file or directory: manifests" in result.output
    (repo / ".kubelint-scrape.yaml").unlink()
    (repo / "pyproject.toml").write_text('[tool.kubelint-scrape]\n\npaths = ["manifests"]\n')
    result = run()
    assert result.exit_code == 2 and "pyproject.toml:3: [tool.kubelint-scrape] paths[0]: no such file or directory: manifests" in result.output


def test_exclude_prunes_directory_discovery_only(repo) -> None:
    (repo / "deploy" / "charts" / "p" / "templates").mkdir(parents=True)
    (repo / "deploy" / "charts" / "p" / "templates" / "role.yaml").write_text("kind: Role\nmetadata:\n  name: {{ .Values.name }}\n")
    (repo / ".kubelint-scrape.yaml").write_text("select: [KS1, KS003]\n")
    assert "KS003" in rules_in(run("deploy", "--format", "concise").output)
    (repo / ".kubelint-scrape.yaml").write_text("select: [KS1, KS003]\nexclude: ['deploy/charts/*/templates/', prometheus-rbac.yaml]\n")
    output = run("deploy", "--format", "concise").output
    assert "KS003" not in output and "KS101" in output  # the RBAC file is excluded too: no discovery grants left
    explicit = run("deploy/charts/p/templates/role.yaml", "--format", "concise")
    assert "KS003" in explicit.output  # a file named on the command line is always linted


def test_force_exclude_applies_exclude_to_named_paths(repo) -> None:
    templates = repo / "deploy" / "charts" / "p" / "templates"
    templates.mkdir(parents=True)
    (templates / "role.yaml").write_text("kind: Role\nmetadata:\n  name: {{ .Values.name }}\n")
    (repo / ".kubelint-scrape.yaml").write_text("select: [KS1, KS003]\nexclude: ['deploy/charts/*/templates/']\n")
    role = "deploy/charts/p/templates/role.yaml"
    # pre-commit names each staged file: the excluded template is left out, the others are linted
    result = run(role, "deploy/prometheus-config.yaml", "deploy/prometheus-rbac.yaml",
                 "deploy/prometheus-deployment.yaml", "--force-exclude", "--format", "concise")
    assert rules_in(result.output) == ["KS102"] and result.exit_code == 1
    only_excluded = run(role, "--force-exclude")
    assert only_excluded.exit_code == 0 and "KS003" not in only_excluded.output
    assert "no YAML files found" in only_excluded.stderr
    assert rules_in(run("deploy/charts", "--force-exclude", "--format", "concise").output) == []
    # without it, a directory named is searched as a file named is linted: exclude applies below it only
    assert rules_in(run("deploy/charts/p/templates", "--format", "concise").output) == ["KS003"]
    assert rules_in(run("deploy/charts", "--format", "concise").output) == []  # templates/ is below it
    # an editor piping the buffer of an excluded file gets no diagnostics (as the language server gives none)
    piped = run("-", "--stdin-filename", role, "--force-exclude", "--format", "concise", stdin=templates.joinpath("role.yaml").read_text())
    assert rules_in(piped.output) == [] and piped.exit_code == 0
    unnamed = run("-", "--force-exclude", "--format", "concise", stdin=templates.joinpath("role.yaml").read_text())
    assert "KS003" in unnamed.output  # nothing to match an unnamed buffer against


def test_per_path_ignores(repo) -> None:
    (repo / ".kubelint-scrape.yaml").write_text("select: [KS1]\nper-path-ignores:\n  'deploy/*-config.yaml': [KS102]\n")
    assert run("deploy").exit_code == 0
    (repo / ".kubelint-scrape.yaml").write_text("select: [KS1]\nper-path-ignores:\n  'other/': [KS102]\n")
    assert run("deploy").exit_code == 1


def test_identities_name_the_service_account_of_a_config(repo) -> None:
    (repo / "deploy" / "prometheus-deployment.yaml").unlink()  # nothing mounts the ConfigMap any more
    (repo / "deploy" / "prometheus-rbac.yaml").write_text(
        (QUICKSTART / "prometheus-rbac.yaml").read_text() + "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: other\n  namespace: monitoring\n")
    (repo / ".kubelint-scrape.yaml").write_text("select: [KS1]\n")
    assert rules_in(run("deploy", "--format", "concise").output) == ["KS100"]
    (repo / ".kubelint-scrape.yaml").write_text("select: [KS1]\nidentities:\n  'deploy/prometheus-*.yaml': monitoring/prometheus\n")
    assert rules_in(run("deploy", "--format", "concise").output) == ["KS102"]


def test_assumptions(repo) -> None:
    (repo / ".kubelint-scrape.yaml").write_text("select: [KS1]\nkubelet-authz: always-allow\n")
    assert run("deploy").exit_code == 0
    assert run("deploy", "--kubelet-authz", "webhook").exit_code == 1
    (repo / ".kubelint-scrape.yaml").write_text("select: [KS1]\nkubernetes-version: '1.30'\ndefault-namespace: monitoring\n")
    assert "kubernetes_version: 1.30" in run("deploy", "--show-assumptions").output.replace("-", "_")


# ---------------------------------------------------------------------------------------------- stdin with context


def test_stdin_buffer_with_the_configured_tree_as_context(repo) -> None:
    (repo / ".kubelint-scrape.yaml").write_text("paths: [deploy]\n")
    config = (repo / "deploy" / "prometheus-config.yaml").read_text()
    result = run("-", "--stdin-filename", "deploy/prometheus-config.yaml", "--format", "concise", stdin=config)
    lines = result.output.splitlines()
    assert lines and all(line.startswith("deploy/prometheus-config.yaml:") for line in lines), lines
    assert "KS102" in rules_in(result.output)  # the RBAC that lacks nodes/metrics came from the tree
    # The buffer replaces the file on disk: the fixed RBAC in the editor clears the config's finding...
    rbac = (repo / "deploy" / "prometheus-rbac.yaml").read_text().replace("rules:\n", GRANT, 1)
    fixed = run("-", "--stdin-filename", "deploy/prometheus-rbac.yaml", "--format", "concise", "--select", "KS1", stdin=rbac)
    assert fixed.output == "" and fixed.exit_code == 0
    # ...and without configured paths stdin is linted alone, as before.
    (repo / ".kubelint-scrape.yaml").write_text("select: [KS1]\n")
    alone = run("-", "--stdin-filename", "deploy/prometheus-config.yaml", "--format", "concise", stdin=config)
    assert rules_in(alone.output) == ["KS100"]


# ---------------------------------------------------------------------------------------------- the schema and the validator


def test_shipped_schema_is_valid_and_interpretable() -> None:
    import jsonschema

    from kubelint_scrape.config import _interpretable

    jsonschema.Draft202012Validator.check_schema(schema())
    assert _interpretable(schema())


CASES = [
    {}, {"select": ["KS1", "ALL", "unused-grant"]}, {"select": "KS1"}, {"select": [1]}, {"select": ["ks102"]},
    {"select": ["KS1O2"]}, {"severity": {"KS102": "info"}}, {"severity": {"KS102": "fatal"}}, {"severity": {"!": "info"}},
    {"severity": ["KS102"]}, {"fail-on": "never"}, {"fail-on": None}, {"exclude": ["a/", ""]}, {"exclude": "a"},
    {"paths": ["."]}, {"per-path-ignores": {"a/**": ["KS2"]}}, {"per-path-ignores": {"": ["KS2"]}},
    {"per-path-ignores": {"a": "KS2"}}, {"identities": {"*.yaml": "monitoring/prometheus"}},
    {"identities": {"*.yaml": "prometheus"}}, {"identities": {"*.yaml": "Mon/x"}}, {"kubernetes-version": "1.34"},
    {"kubernetes-version": 1.34}, {"kubernetes-version": "v1.34"}, {"kubelet-authn": "anonymous"},
    {"kubelet-authn": "x509"}, {"kubelet-authz": "always-allow"}, {"kubelet-serving-cert": "cluster-ca"},
    {"default-namespace": "kube-system"}, {"default-namespace": "Kube"}, {"max-file-size": 0}, {"max-file-size": 3},
    {"max-file-size": True}, {"max-file-size": 2.5}, {"unknown": 1}, {"fail-on": "error", "x": {"y": 1}}, [], "x",
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: json.dumps(c)[:40])
def test_the_fast_validator_agrees_with_jsonschema(case) -> None:
    import jsonschema

    expected = sorted(tuple(e.absolute_path) for e in jsonschema.Draft202012Validator(schema()).iter_errors(case))
    got = validate(case)
    assert bool(got) == bool(expected), (got, expected)
    # Same places: jsonschema puts unknown keys and bad key names on the mapping, we on the key itself.
    assert all(where in expected or where[:-1] in expected for where, _ in got), (got, expected)


def test_an_unknown_schema_keyword_falls_back_to_jsonschema() -> None:
    extended = {"type": "object", "properties": {"a": {"type": "string", "maxLength": 2}}}
    assert validate({"a": "abc"}, extended) and not validate({"a": "ab"}, extended)


def test_linting_imports_neither_jsonschema_nor_pygls(tmp_path) -> None:
    (tmp_path / ".kubelint-scrape.yaml").write_text("select: [KS1]\nexclude: [x/]\n")
    shutil.copytree(QUICKSTART, tmp_path / "deploy")
    code = ("import sys\nfrom kubelint_scrape.cli import main\ntry:\n    main(['deploy', '--format', 'concise'])\n"
            "except SystemExit:\n    pass\nprint(sorted(m for m in ('jsonschema', 'pygls', 'lsprotocol') if m in sys.modules))")
    output = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert output.strip().splitlines()[-1] == "[]"


# ---------------------------------------------------------------------------------------------- gitignore-style globs


@pytest.mark.parametrize("pattern, path, is_dir, matched", [
    ("*.rendered.yaml", "a/b/x.rendered.yaml", False, True),
    ("templates/", "charts/p/templates", True, True),
    ("templates/", "charts/p/templates/role.yaml", False, True),
    ("templates/", "charts/p/templates", False, False),
    ("charts/*/templates/", "charts/p/templates/role.yaml", False, True),
    ("charts/*/templates/", "sub/charts/p/templates/role.yaml", False, False),
    ("/deploy/x.yaml", "deploy/x.yaml", False, True),
    ("deploy/**/secret*.yaml", "deploy/a/b/secret-1.yaml", False, True),
    ("deploy/**/secret*.yaml", "deploy/secret.yaml", False, True),
    ("**/legacy", "x/y/legacy/z.yaml", False, True),
    ("legacy/**", "legacy/z/q.yaml", False, True),
    ("legacy/**", "a/legacy/q.yaml", False, False),
    ("file?.yaml", "file1.yaml", False, True),
    ("file[0-9].yaml", "filex.yaml", False, False),
    ("./legacy/**", "legacy/z/q.yaml", False, True),  # `./` is the configuration's directory, as `/` is
    ("./legacy/", "a/legacy/q.yaml", False, False),
    ("./x.yaml", "x.yaml", False, True),
    ("./x.yaml", "a/x.yaml", False, False),
    ("\\!x.yaml", "!x.yaml", False, True),  # an escape, not a separator
])
def test_gitignore_semantics(tmp_path, pattern: str, path: str, is_dir: bool, matched: bool) -> None:
    assert PathMatcher([pattern], str(tmp_path)).matches(str(tmp_path / path), is_dir) is matched


def test_negation_re_includes(tmp_path) -> None:
    matcher = PathMatcher(["*.yaml", "!keep.yaml"], str(tmp_path))
    assert matcher.matches(str(tmp_path / "a.yaml")) and not matcher.matches(str(tmp_path / "keep.yaml"))
