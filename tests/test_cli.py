"""End to end through click's runner and through a real subprocess: formats, exit codes, stdin, selection."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kubelint_scrape.cli import main

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "examples" / "quickstart"
SHARED = ROOT.parent / "shared"


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin)


def shared_schema(name: str) -> dict:
    path = SHARED / "schemas" / name
    if not path.exists():
        pytest.skip(f"{path} absent: the shared schemas live beside the checkout (../shared)")
    return json.loads(path.read_text())


def test_quickstart_reports_the_missing_nodes_metrics_rule() -> None:
    result = run(str(QUICKSTART))
    assert result.exit_code == 1
    assert 'KS102 [error] job "kubernetes-nodes" scrapes the kubelet at :10250/metrics as monitoring/prometheus' in result.output
    assert "lacks get nodes/metrics" in result.output
    assert 'resources: ["nodes/metrics"]' in result.output  # the fix names the exact rule
    # related location: the binding's subject that names the identity
    assert "prometheus-rbac.yaml:25:5: ClusterRoleBinding/prometheus binds ClusterRole/prometheus to monitoring/prometheus" in result.output


def test_a_need_only_rejected_rbac_would_meet_is_denied_and_names_the_rejected_object() -> None:
    case = ROOT / "fixtures" / "KS101" / "fail-rbac-objects-the-api-server-rejects"
    report = json.loads(run(str(case), "--format", "json", "--fail-on", "never").output)
    services = next(j for j in report["jobs"] if j["name"] == "services")
    assert {(r["verb"], r["satisfied"], tuple(r["granted_by"])) for r in services["requirements"]} == {
        ("list", False, ()), ("watch", False, ())}
    ks101 = next(f for f in report["findings"] if f["rule"] == "KS101" and 'job "services"' in f["message"])
    assert any("the API server rejects RoleBinding/monitoring/prometheus-services (KS501)" in r["message"]
               for r in ks101["related"])
    # one line of it is refused: its correction comes first, a new binding second
    assert ks101["fix"].startswith("In RoleBinding/monitoring/prometheus-services (KS501), delete `apiGroup` from the "
                                   "ServiceAccount subject (it is only for User and Group subjects): the API server "
                                   "refuses it for that alone; once accepted, it grants this.\nOr:\n"), ks101["fix"]


def test_default_command_is_check() -> None:
    assert run(str(QUICKSTART), "--format", "concise").output == run("check", str(QUICKSTART), "--format", "concise").output


def test_json_report_validates_against_the_shared_schema() -> None:
    import jsonschema

    result = run(str(QUICKSTART), "--format", "json")
    report = json.loads(result.output)
    jsonschema.Draft202012Validator(shared_schema("report.schema.json")).validate(report)
    nodes = next(j for j in report["jobs"] if j["name"] == "kubernetes-nodes")
    assert nodes["identity"] == "monitoring/prometheus"
    assert nodes["targets"] == ["kubelet"]
    by_what = {(r.get("resource"), r.get("subresource"), r["verb"]): r for r in nodes["requirements"]}
    assert by_what[("nodes", None, "list")]["satisfied"] is True
    assert by_what[("nodes", None, "list")]["granted_by"] == ["ClusterRoleBinding/prometheus -> ClusterRole/prometheus"]
    assert by_what[("nodes", "metrics", "get")]["satisfied"] is False
    assert report["summary"]["error"] == 1 and report["summary"]["files"] == 3


@pytest.mark.parametrize("fail_on, code", [("error", 1), ("warning", 1), ("info", 1), ("never", 0)])
def test_fail_on_threshold(fail_on: str, code: int) -> None:
    assert run(str(QUICKSTART), "--fail-on", fail_on).exit_code == code


def test_ignore_and_select() -> None:
    assert run(str(QUICKSTART), "--ignore", "KS102").exit_code == 0
    assert run(str(QUICKSTART), "--ignore", "kubelet-permission-missing").exit_code == 0
    assert run(str(QUICKSTART), "--select", "KS10").exit_code == 1
    assert run(str(QUICKSTART), "--select", "KS0").exit_code == 0


def test_ignore_of_an_always_reported_rule_is_a_usage_error() -> None:
    result = run(str(QUICKSTART), "--ignore", "KS102,KS001")
    assert result.exit_code == 2
    assert "KS001 cannot be ignored: an input that cannot be read (KS001) is always reported" in result.output
    assert run(str(QUICKSTART), "--ignore", "KS0,KS102").exit_code == 0  # a prefix ignores the others it covers


def test_clean_input_exits_zero(tmp_path) -> None:
    missing_rule = '  - apiGroups: [""]\n    resources: ["nodes/metrics"]\n    verbs: ["get"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding'
    fixed = (QUICKSTART / "prometheus-rbac.yaml").read_text().replace("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding", missing_rule)
    for name in ("prometheus-config.yaml", "prometheus-deployment.yaml"):
        (tmp_path / name).write_text((QUICKSTART / name).read_text())
    (tmp_path / "prometheus-rbac.yaml").write_text(fixed)
    # The kubelet job verifies with the cluster CA: clean only when kubelets have cluster-signed serving certs (KS304).
    result = run(str(tmp_path), "--kubelet-serving-cert", "cluster-ca")
    assert result.exit_code == 0, result.output
    assert "All checks passed" in result.output


def test_stdin_with_filename() -> None:
    text = "\n---\n".join((QUICKSTART / n).read_text() for n in sorted(os.listdir(QUICKSTART)))
    result = run("-", "--stdin-filename", "rendered.yaml", "--format", "concise", stdin=text)
    assert result.exit_code == 1
    assert result.output.startswith("rendered.yaml:")


def test_stdin_filename_without_paths_reads_stdin(tmp_path, monkeypatch) -> None:
    # as ruff does: editor setups written for it pass --stdin-filename and no `-`; the current directory
    # (here: nothing) must not be linted in place of the buffer
    monkeypatch.chdir(tmp_path)
    text = "\n---\n".join((QUICKSTART / n).read_text() for n in sorted(os.listdir(QUICKSTART)))
    result = run("--stdin-filename", "rendered.yaml", "--format", "concise", stdin=text)
    assert result.exit_code == 1 and result.output.startswith("rendered.yaml:")


def test_stdin_filename_reports_a_finding_another_file_decides(tmp_path, monkeypatch) -> None:
    """An editor piping the Service's file with the tree configured as context: KS606 for its targetPort is
    decided by the ServiceMonitor and the Deployment in other files, and sits in this one, so it is reported here;
    a suppression above it then suppresses it (it was reported as suppressing nothing, KS002)."""
    text = (ROOT / "fixtures" / "KS606" / "fail-service-target-port-name-not-declared" / "monitoring.yaml").read_text()
    documents = text.split("\n---\n")
    assert "kind: Service\n" in documents[0]
    for index, document in enumerate(documents):
        (tmp_path / f"doc{index}.yaml").write_text(document + "\n")
    (tmp_path / ".kubelint-scrape.yaml").write_text('paths: ["."]\n')
    monkeypatch.chdir(tmp_path)
    result = run("-", "--stdin-filename", "doc0.yaml", "--format", "concise", stdin=documents[0] + "\n")
    assert result.exit_code == 1 and result.output.startswith("doc0.yaml:9:56: KS606 [warning] Service shop/web port")
    suppressed = documents[0].replace("  ports: [", "  # kubelint-scrape: ignore[KS606] the port is added later\n  ports: [", 1)
    result = run("-", "--stdin-filename", "doc0.yaml", "--format", "concise", stdin=suppressed + "\n")
    assert result.exit_code == 0 and "KS002" not in result.output, result.output


def test_stdin_filename_with_paths_but_no_dash_is_a_usage_error() -> None:
    result = run(str(QUICKSTART), "--stdin-filename", "rendered.yaml")
    assert result.exit_code == 2 and "is read only when `-` is among the paths" in result.output


@pytest.mark.parametrize("item, padding", [
    # a tab stays a tab; 中 and 😀 take two cells each; e + a combining accent takes one
    ('  - {apiGroups: [""],\tresources: [pods], verbs: [fly]}', " " * 21 + "\t" + " " * 27),
    ('  - {resourceNames: ["中😀"], apiGroups: [""], resources: [pods], verbs: [fly]}', " " * 22 + " " * 4 + " " * 48),
    ('  - {resourceNames: ["e\u0301"], apiGroups: [""], resources: [pods], verbs: [fly]}', " " * 22 + " " + " " * 48),
])
def test_the_caret_stands_under_the_column_on_a_terminal(item: str, padding: str, tmp_path) -> None:
    # One space per character puts the caret left of the token after a tab or a wide character: the terminal
    # expands a tab to the next stop and draws 中 and 😀 two cells wide.
    (tmp_path / "role.yaml").write_text("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
                                        f"metadata: {{name: r}}\nrules:\n{item}\n", encoding="utf-8")
    lines = run(str(tmp_path / "role.yaml"), "--select", "KS504").output.splitlines()
    assert lines[1:3] == ["    5 | " + item, " " * 8 + padding + "^"]


def test_a_long_source_line_is_shown_as_a_window_around_the_caret(tmp_path) -> None:
    """Minified JSON holds a whole List on one line: printed whole under each finding, a 370 KB file's 2,000
    findings made a 1.1 GB text report. A window of the line is shown, the caret still under the token."""
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r", "namespace": "x"},
            "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["fly"]}]}
    items = [dict(role, metadata={"name": f"r{i}", "namespace": "x"}) for i in range(400)]
    (tmp_path / "roles.json").write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
    output = run(str(tmp_path / "roles.json"), "--select", "KS504").output
    findings = [line for line in output.splitlines() if " KS504 " in line]
    assert len(findings) == 400 and len(output) < 400 * 1000
    for index in (0, 199, 399):
        head = findings[index]
        column = int(head.split(":")[2])
        block = output.split(head + "\n", 1)[1].splitlines()
        shown, caret = block[0][len("    1 | "):], block[1][len("    1 | "):]
        assert len(shown) <= 210 and caret.strip() == "^"
        assert shown[len(caret) - 1:].startswith('"fly"'), (column, shown, caret)
        assert shown.startswith("...") == (column > 81) and shown.endswith("...") == (index < 399)


@pytest.mark.parametrize("format_name", ["concise", "text"])
def test_control_characters_from_the_inputs_are_printed_as_escapes(format_name, tmp_path) -> None:
    """A double-quoted YAML value holds any character: a job name with a newline broke "one line per finding" and
    put `::error …` at the start of a line, which a GitHub Actions runner executes as a workflow command; an ESC
    sequence rewrote the terminal."""
    (tmp_path / "prometheus.yml").write_text(
        'scrape_configs:\n'
        '  - job_name: "\\e[2Jnodes\\n::error file=x.yaml::forged\\u2028x"\n'
        '    scheme: https\n'
        '    kubernetes_sd_configs: [{role: node}]\n'
        '    tls_config: {insecure_skip_verify: true}\n'
        '    bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token\n')
    output = run(str(tmp_path), "--format", format_name, "--show-assumptions").output
    assert "\x1b" not in output and "\u2028" not in output
    assert not [line for line in output.splitlines() if line.lstrip().startswith("::")], output
    (head,) = [line for line in output.splitlines() if " KS301 " in line]
    assert 'job "\\x1b[2Jnodes\\n::error file=x.yaml::forged\\u2028x" sends' in head


def test_no_path_and_no_configuration_lints_the_current_directory(tmp_path, monkeypatch) -> None:
    for name in os.listdir(QUICKSTART):
        (tmp_path / name).write_text((QUICKSTART / name).read_text())
    monkeypatch.chdir(tmp_path)
    result = run("--format", "concise")
    assert result.exit_code == 1 and "prometheus-config.yaml:" in result.output and "KS102" in result.output


@pytest.mark.parametrize("args", [[], ["."], ["./"], [".//."]])
def test_files_under_the_current_directory_are_named_without_dot_slash(args, tmp_path, monkeypatch) -> None:
    """As ruff names them, and as a file named on its own is: `prometheus-config.yaml`, not
    `./prometheus-config.yaml` (the pre-commit mode lints `.`)."""
    for name in os.listdir(QUICKSTART):
        (tmp_path / name).write_text((QUICKSTART / name).read_text())
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    lines = run(*args, "--format", "concise").output.splitlines()
    assert lines and all(line.startswith("prometheus-") for line in lines), lines
    report = json.loads(run(*args, "--format", "json").output)
    assert [f["path"] for f in report["files"]] == sorted(os.listdir(QUICKSTART))


def test_identity_override() -> None:
    result = run(str(QUICKSTART), "--identity", "monitoring/other", "--format", "json")
    jobs = json.loads(result.output)["jobs"]
    assert {j["identity"] for j in jobs} == {"monitoring/other"}


@pytest.mark.parametrize("args", [
    ["--identity", "nonamespace"], ["--select", "KS999"], ["--kubernetes-version", "134"], ["--format", "xml"],
])
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = run("check", *(args if args == [] else [str(QUICKSTART), *args]))
    assert result.exit_code == 2, result.output


@pytest.mark.parametrize("value, hint", [
    ("v1.30.2", "(for v1.30.2 write 1.30)"), ("1.30.0-eks-1552ad0", "(for 1.30.0-eks-1552ad0 write 1.30)"),
    ("v1.31.4+k3s1", "(for v1.31.4+k3s1 write 1.31)"), ("2.0", "expected 1.N, e.g. 1.34"),
    # a leading zero was read as 1.34 but echoed as "Kubernetes 1.034" in every message
    ("1.034", "(for 1.034 write 1.34)"), ("v1.034.2", "(for v1.034.2 write 1.34)"),
])
def test_kubernetes_version_as_kubectl_prints_it_is_refused_with_the_minor_to_write(value, hint) -> None:
    result = run("check", str(QUICKSTART), "--kubernetes-version", value)
    assert result.exit_code == 2 and hint in result.output, result.output
    assert "write" not in result.output or value != "2.0"


def test_missing_path_exits_2() -> None:
    assert run("does/not/exist.yaml").exit_code == 2


def test_broken_file_does_not_stop_the_others(tmp_path) -> None:
    for name in os.listdir(QUICKSTART):
        (tmp_path / name).write_text((QUICKSTART / name).read_text())
    (tmp_path / "broken.yaml").write_text("a: [1,\n")
    (tmp_path / "junk.yaml").write_bytes(b"\x00\x01\x02")
    result = run(str(tmp_path), "--format", "json")
    report = json.loads(result.output)
    statuses = {Path(f["path"]).name: f["status"] for f in report["files"]}
    assert statuses["broken.yaml"] == "failed" and statuses["junk.yaml"] == "failed"
    assert statuses["prometheus-rbac.yaml"] == "linted"
    rules = {f["rule"] for f in report["findings"]}
    assert {"KS001", "KS004", "KS102"} <= rules


def test_explain_and_rules() -> None:
    explained = run("explain", "KS102")
    assert explained.exit_code == 0
    assert "nodes/metrics" in explained.output and "Fix:" in explained.output
    assert run("explain", "KS999").exit_code == 2
    listing = run("rules")
    assert "KS102" in listing.output and "kubelet-permission-missing" in listing.output
    catalog = json.loads(run("rules", "--format", "json").output)
    assert any(e["id"] == "KS101" for e in catalog)


def test_output_file(tmp_path) -> None:
    target = tmp_path / "report.json"
    result = run(str(QUICKSTART), "--format", "json", "--output", str(target))
    assert result.output == ""
    assert json.loads(target.read_text())["summary"]["error"] == 1


@pytest.mark.parametrize("command", ["check", "suggest-rbac"])
def test_output_file_in_a_directory_not_made_yet(command, tmp_path) -> None:
    """`-o reports/lint.sarif` in a fresh checkout: the directories are made, as ruff's --output-file makes them
    (astral-sh/ruff#11550); only a path that cannot become a directory is a usage error."""
    target = tmp_path / "reports" / "ci" / "report.out"
    result = run(command, str(QUICKSTART), "--output", str(target))
    assert result.exit_code in (0, 1) and result.output == "", result.output
    assert target.read_text().strip()
    blocked = run(command, str(QUICKSTART), "--output", str(target / "under-a-file.out"))
    assert blocked.exit_code == 2 and "not a directory" in blocked.output, blocked.output


def test_real_subprocess_end_to_end() -> None:
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    proc = subprocess.run(
        [sys.executable, "-m", "kubelint_scrape.cli", str(QUICKSTART), "--format", "concise"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    assert "KS102 [error]" in proc.stdout
    version = subprocess.run([sys.executable, "-m", "kubelint_scrape.cli", "--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and "kubelint-scrape" in version.stdout


def test_the_console_entry_flushes_everything_and_keeps_exit_codes(tmp_path) -> None:
    """console.entry() leaves with os._exit (no heap teardown): the whole report must still arrive, with the code."""
    def entry(*args: str) -> subprocess.CompletedProcess:
        code = f"import sys; sys.argv = ['kubelint-scrape', *{list(args)!r}]; from kubelint_scrape.console import entry; entry()"
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)

    report = entry(str(QUICKSTART), "--format", "json")
    assert report.returncode == 1
    assert json.loads(report.stdout)["summary"]["error"] == 1  # complete JSON: flushed before leaving
    target = tmp_path / "report.sarif"
    written = entry(str(QUICKSTART), "--format", "sarif", "--output", str(target), "--fail-on", "never")
    assert written.returncode == 0 and json.loads(target.read_text())["runs"][0]["results"]
    usage = entry("--no-such-option")
    assert usage.returncode == 2 and "no such option" in usage.stderr.lower()
    assert entry("--version").returncode == 0


def test_text_output_is_not_coloured_when_piped() -> None:
    assert "\033[" not in run(str(QUICKSTART)).output


def test_never_opens_a_network_connection(monkeypatch) -> None:
    """The whole pipeline (every format, every input kind) runs with sockets disabled."""

    def refuse(*args, **kwargs):
        raise AssertionError("kubelint-scrape tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    paths = [str(QUICKSTART)]
    if (SHARED / "corpus").is_dir():
        paths.append(str(SHARED / "corpus"))
    for format_name in ("text", "concise", "json"):
        result = run(*paths, "--format", format_name, "--fail-on", "never")
        assert result.exit_code == 0, (result.output[-2000:], result.exception)


# (arguments, whether console.entry() parses them itself); the others — and any usage problem — are click's
FAST_PATH_CASES = [
    ([str(QUICKSTART)], True),
    (["check", str(QUICKSTART), "--format", "json"], True),
    ([str(QUICKSTART), "--format=sarif", "--fail-on", "never"], True),
    ([str(QUICKSTART), "--format", "github", "--select", "KS1,KS3", "--select", "KS402"], True),
    ([str(QUICKSTART), "--ignore", "KS304", "-q", "--no-color"], True),
    ([str(QUICKSTART), "--show-assumptions", "--fail-on=error"], True),
    ([str(QUICKSTART), "--force-exclude"], True),
    (["-", "--stdin-filename", "piped.yaml", "--format", "concise"], True),
    (["--stdin-filename", "piped.yaml", "--format", "concise"], True),
    ([str(QUICKSTART), "--stdin-filename", "piped.yaml"], True),  # no `-`: the usage error is then click's
    ([str(QUICKSTART), "--format", "concise", "-o", "{out}"], True),
    ([str(QUICKSTART), "--output={out}", "--format", "json"], True),
    ([str(QUICKSTART), "no/such/path"], True),  # parsed here; the usage error is then click's
    ([str(QUICKSTART), "--select", "KS999"], True),
    ([str(QUICKSTART), "--select", "", "--format", "concise"], True),  # empty: every rule
    ([], True),  # no paths and no configuration: the current directory
    ([str(QUICKSTART), "-o", str(QUICKSTART / "prometheus-rbac.yaml" / "report.txt")], True),  # under a file
    ([str(QUICKSTART), "-o", "{out}.d/report.txt"], True),  # a directory to make
    ([str(QUICKSTART), "--output", "."], True),  # a directory
    ([str(QUICKSTART), "--format", "xml"], False),
    ([str(QUICKSTART), "--no-such-option"], False),
    ([str(QUICKSTART), "--kubernetes-version", "2.0"], False),
    (["--help"], False),
    (["rules", "--format", "json"], False),
]


@pytest.mark.parametrize("args, parsed_here", FAST_PATH_CASES, ids=lambda a: " ".join(a)[-60:] if isinstance(a, list) else "")
def test_the_console_script_without_click_behaves_as_click(args, parsed_here, tmp_path) -> None:
    """console.entry() runs plain lints without importing click (checkcmd.fast_params); every invocation gives
    the same output, file and exit code as click's parsing of the same arguments."""
    from kubelint_scrape.checkcmd import fast_params

    assert (fast_params(args) is not None) == parsed_here
    stdin = (QUICKSTART / "prometheus-rbac.yaml").read_text()

    def run(program: str, name: str) -> tuple:
        out = tmp_path / f"{name}.out"
        argv = [a.replace("{out}", str(out)) for a in args]
        code = f"import sys; sys.argv = ['kubelint-scrape', *{argv!r}]\n{program}"
        proc = subprocess.run([sys.executable, "-c", code], input=stdin, capture_output=True, text=True, timeout=120,
                              cwd=tmp_path)
        written = out.read_text() if out.exists() else None
        return proc.returncode, proc.stdout.replace(str(out), "OUT"), proc.stderr, written

    assert run("from kubelint_scrape.console import entry; entry()", "fast") == run(
        "from kubelint_scrape.cli import main; main()", "click")


def test_the_fast_path_knows_every_command_and_default_of_check() -> None:
    from kubelint_scrape.checkcmd import defaults
    from kubelint_scrape.cli import check

    from kubelint_scrape.checkcmd import SUBCOMMANDS

    assert set(SUBCOMMANDS) == set(main.commands)  # any other first word is a path, as for click's default group
    context = check.make_context("check", [], resilient_parsing=True)  # what click passes when nothing is given
    assert defaults() == {name: (tuple(value) if isinstance(value, list) else value) for name, value in context.params.items()}


def test_a_plain_lint_does_not_import_click() -> None:
    # nor uuid or hashlib (~15 ms of imports and 4 MB of OpenSSL on every lint: a sample pod's UID was a uuid5), nor
    # inspect (~5 ms with ast, dis and tokenize: the dataclasses module's, records._import_dataclasses_without_inspect)
    code = ("import sys; sys.argv = ['kubelint-scrape', %r, '--format', 'concise']\n"
            "import atexit\nfrom kubelint_scrape import console\n"
            "real = console.os._exit\n"
            "def leave(code):\n    heavy = [m for m in ('click', 'uuid', 'hashlib', 'inspect') if m in sys.modules]\n"
            "    sys.stderr.write(' '.join(heavy) or 'none of them'); sys.stderr.flush(); real(code)\n"
            "console.os._exit = leave\nconsole.entry()") % str(QUICKSTART)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and proc.stderr.endswith("none of them"), proc.stderr[-200:]


@pytest.mark.parametrize("program", ["from kubelint_scrape.console import entry; entry()",
                                     "from kubelint_scrape.cli import main; main()"])
def test_a_reader_that_goes_away_ends_the_run_quietly(program) -> None:
    """`kubelint-scrape … | head -1`: the report is written while it is made, so the pipe breaks mid-way; both
    ways exit 1 without a traceback, as click does. (The sampled fixtures' report is far beyond a pipe's buffer.)"""
    from trees import EXAMPLES, sampled_cases

    arguments = [str(case) for case in sampled_cases()] + [str(EXAMPLES)]
    code = f"import sys; sys.argv = ['kubelint-scrape', *{arguments!r}]\n{program}"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(100)
    proc.stdout.close()  # the reader leaves before the report is complete
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1
    assert "Traceback" not in stderr, stderr


@pytest.mark.parametrize("target", [str(QUICKSTART / "prometheus-rbac.yaml" / "report.txt"), "."])
def test_an_unwritable_output_is_a_usage_error_before_linting(target, tmp_path) -> None:
    proc = subprocess.run([sys.executable, "-m", "kubelint_scrape", str(QUICKSTART), "-o", target],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "--output" in proc.stderr, proc.stderr


@pytest.mark.parametrize("format_name", ["concise", "github"])
def test_show_assumptions_goes_to_stderr_in_one_line_formats(format_name: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "kubelint_scrape", str(QUICKSTART), "--format", format_name,
                           "--show-assumptions"], capture_output=True, text=True, timeout=120)
    assert "kubelet-serving-cert: self-signed" in proc.stderr
    assert "Assumptions" not in proc.stdout  # stdout stays one line per finding
    assert "KS102" in proc.stdout


# ---------------------------------------------------------------------------------------------- unread files are always reported


def _with_unreadable_files(directory: Path) -> Path:
    """The quickstart plus a file that does not parse (KS001) and a binary one (KS004)."""
    for name in os.listdir(QUICKSTART):
        (directory / name).write_text((QUICKSTART / name).read_text())
    (directory / "broken.yaml").write_text("a: [1,\n")
    (directory / "junk.yaml").write_bytes(b"\x00\x01\x02")
    return directory


# (`--ignore KS001,KS004` itself is refused: test_ignore_of_an_always_reported_rule_is_a_usage_error)
@pytest.mark.parametrize("args", [["--select", "KS102"], ["--ignore", "KS0"], ["--ignore", "KS00", "--select", "KS0"]])
def test_unread_files_are_reported_whatever_the_selection(args, tmp_path) -> None:
    """SPEC §7: every input ends linted or as a finding; like ruff's syntax errors, no selection hides it."""
    result = run(str(_with_unreadable_files(tmp_path)), "--format", "concise", *args)
    assert result.exit_code == 1
    assert "broken.yaml:2:1: KS001 [error]" in result.output and "junk.yaml:1:1: KS004 [error]" in result.output


def test_unread_files_are_reported_whatever_the_configuration_says(tmp_path, monkeypatch) -> None:
    _with_unreadable_files(tmp_path)
    (tmp_path / ".kubelint-scrape.yaml").write_text(
        "select: [KS102]\nignore: [KS00]\nseverity: {KS0: info}\nper-path-ignores: {'*.yaml': [KS0]}\n")
    monkeypatch.chdir(tmp_path)
    result = run(".", "--format", "concise", "--fail-on", "warning")
    assert result.exit_code == 1
    assert "broken.yaml:2:1: KS001 [error]" in result.output and "junk.yaml:1:1: KS004 [error]" in result.output


def test_a_suppression_of_an_unread_file_is_itself_reported(tmp_path) -> None:
    (tmp_path / "broken.yaml").write_text("# kubelint-scrape: ignore-file[KS001] generated, fixed upstream\na: [1,\n")
    result = run(str(tmp_path), "--format", "concise")
    assert result.exit_code == 1
    assert "broken.yaml:3:1: KS001 [error]" in result.output
    assert "KS002 [warning] suppression `ignore-file[KS001]` names 'KS001', which cannot be suppressed" in result.output


# ---------------------------------------------------------------------------------------------- flag values


@pytest.mark.parametrize("empty", [[""], [" , "], ["", "--ignore", ""]])
def test_an_empty_select_selects_every_rule(empty) -> None:
    """`--select "$RULES"` with the variable unset must not turn every rule off."""
    everything = run(str(QUICKSTART), "--format", "concise")
    assert run(str(QUICKSTART), "--format", "concise", "--select", *empty).output == everything.output
    assert "KS102" in everything.output and "KS304" in everything.output


def test_an_empty_select_leaves_the_configured_one(tmp_path, monkeypatch) -> None:
    (tmp_path / ".kubelint-scrape.yaml").write_text("select: [KS304]\n")
    monkeypatch.chdir(tmp_path)
    output = run(str(QUICKSTART), "--format", "concise", "--select", "").output
    assert " KS304 " in output and " KS102 " not in output


@pytest.mark.parametrize("flag, key, value, message", [
    ("--identity", "identities: {'*.yaml': %s}", "ns/na me", "'ns/na me' is not a ServiceAccount written NAMESPACE/NAME"),
    ("--identity", "identities: {'*.yaml': %s}", "", "'' is not a ServiceAccount written NAMESPACE/NAME"),
    ("--identity", "identities: {'*.yaml': %s}", "Monitoring/prometheus", "'Monitoring/prometheus' is not a ServiceAccount"),
    ("--default-namespace", "default-namespace: %s", "Bad NS", "'Bad NS' is not a namespace name"),
    ("--default-namespace", "default-namespace: %s", "", "'' is not a namespace name"),
])
def test_flags_take_the_values_their_configuration_keys_take(flag, key, value, message, tmp_path, monkeypatch) -> None:
    """A flag and the key it overrides refuse the same values, with the same words: exit 2, nothing linted."""
    monkeypatch.chdir(tmp_path)
    given = run(str(QUICKSTART), flag, value)
    assert given.exit_code == 2 and f"Invalid value for '{flag}': {message}" in given.output, given.output
    (tmp_path / ".kubelint-scrape.yaml").write_text(key % json.dumps(value) + "\n")
    configured = run(str(QUICKSTART))
    assert configured.exit_code == 2 and message in configured.output, configured.output


# ---------------------------------------------------------------------------------------------- nothing to lint


def lint_subprocess(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kubelint_scrape", *args], input=stdin, capture_output=True, text=True,
                          timeout=120)


NO_FILES = "kubelint-scrape: warning: no YAML files found under the given paths"


@pytest.mark.parametrize("format_name", ["text", "json"])
def test_paths_without_yaml_files_are_warned_about(format_name, tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "README.md").write_text("not YAML\n")
    proc = lint_subprocess(str(tmp_path / "empty"), str(tmp_path / "docs"), "--format", format_name)
    assert proc.returncode == 0  # unchanged: nothing was found, so nothing fails
    assert proc.stderr.startswith(NO_FILES)
    if format_name == "json":
        assert json.loads(proc.stdout)["summary"]["files"] == 0  # stdout stays a valid report
    else:
        assert "All checks passed (0 file(s)" in proc.stdout


def test_quiet_hides_the_no_files_warning(tmp_path) -> None:
    # ruff's --quiet turns its warnings off ("No Python files found" included); the summary still says 0 files
    (tmp_path / "empty").mkdir()
    for flag in ("-q", "--quiet"):
        proc = lint_subprocess(str(tmp_path / "empty"), flag)
        assert proc.returncode == 0 and NO_FILES not in proc.stderr, proc.stderr


def test_no_warning_when_something_was_read(tmp_path) -> None:
    assert NO_FILES not in lint_subprocess(str(QUICKSTART), "--format", "concise").stderr
    assert NO_FILES not in lint_subprocess("-", stdin="").stderr  # stdin is an input, even empty
    (tmp_path / "empty.yaml").write_text("")
    assert NO_FILES not in lint_subprocess(str(tmp_path)).stderr


def test_a_denial_names_the_replaced_definition_that_would_grant_it() -> None:
    # fixtures/KS006: a later ClusterRole of the same name replaces the one that grants nodes/metrics.
    case = ROOT / "fixtures" / "KS006" / "fail-clusterrole-defined-twice"
    report = json.loads(run(str(case), "--format", "json", "--select", "KS102").output)
    (finding,) = report["findings"]
    assert any("replaces it (KS006)" in r["message"] and r["path"].endswith("prometheus-rbac.yaml")
               for r in finding["related"]), finding["related"]
    assert "give one of the two definitions of ClusterRole/prometheus another name" in finding["fix"]


def test_show_assumptions_says_who_leaves_a_job_out() -> None:
    """A job not run is labelled with who refuses it: the API server for a refused Prometheus (KS602), not "the
    operator", which never sees that Prometheus."""
    output = run(str(ROOT / "fixtures" / "KS602" / "fail-refused-prometheus-runs-no-job"), "--show-assumptions").output
    (line,) = [line for line in output.splitlines() if "serviceMonitor/metrics/web/0" in line and " as " in line]
    assert line.endswith("; not run: the API server refuses Prometheus monitoring/k8s (KS602)"), line


def test_a_kustomization_on_unnamed_stdin_is_not_judged_against_the_current_directory(tmp_path, monkeypatch) -> None:
    """KS008 (rule doc): Kustomizations read from standard input are not judged — without --stdin-filename the
    buffer has no directory, and the current one is not where its entries are; with it, its entries are judged
    beside the file it names."""
    monkeypatch.chdir(tmp_path)
    text = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [missing.yaml]\n"
    assert "KS008" not in run("-", "--format", "concise", stdin=text).output
    assert "KS008" in run("-", "--stdin-filename", "kustomization.yaml", "--format", "concise", stdin=text).output


def test_dataclasses_imported_without_inspect_still_reaches_it_when_asked() -> None:
    # The stand-in records gives the dataclasses module for inspect imports the real one on first use: a class of
    # someone else's without a docstring still gets its signature there, and inspect itself is the real module.
    code = ("import sys; import kubelint_scrape.records, dataclasses\n"
            "assert 'inspect' not in sys.modules\n"
            "@dataclasses.dataclass\nclass Point:\n    x: int\n    y: int = 0\n"
            "import inspect\nassert type(inspect).__name__ == 'module' and inspect.signature(len)\n"
            "print(Point.__doc__)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip() == "Point(x: int, y: int = 0)", proc.stderr[-300:]
