"""The language server's incremental re-lint must report exactly what a from-scratch lint reports.

A Session keeps each unchanged file's Source (with its memoised model, embedded configs and single-file
findings) and the previous run's analysis, whose jobs it reuses when their inputs are unchanged. These tests
open every file of every rule fixture, edit it (and the files it depends on) in ways that change RBAC, scrape
configs and workloads, and after each step compare the Session's findings with a fresh lint of the same texts.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from kubelint_scrape.config import build_options, discover_and_load
from kubelint_scrape.engine import Options, lint_sources
from kubelint_scrape.load import parse_source
from kubelint_scrape.lsp import Session

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted(p for p in (ROOT / "fixtures").glob("KS[12]*/*") if p.is_dir())

# Edits that change what the analysis depends on, applied in turn to the open document. Each is a plain text
# substitution; one that does not apply to a file leaves it as it is.
EDITS = [
    ("shift every line down", lambda t: "# a comment\n" + t),
    ("drop a granted verb", lambda t: t.replace('"watch"', '"patch"', 1)),
    ("widen a rule", lambda t: t.replace('resources: ["nodes/metrics"]', 'resources: ["nodes/metrics", "nodes/proxy"]', 1)),
    ("rename a subject", lambda t: t.replace("name: prometheus\n    namespace:", "name: prometheus2\n    namespace:", 1)),
    ("switch a job to https", lambda t: t.replace("scheme: http\n", "scheme: https\n", 1)),
    ("drop the credentials", lambda t: t.replace("bearer_token_file:", "bearer_token_filex:", 1)),
    # a workload's kube-rbac-proxy is discovered by plain jobs (authproxy.py): jobs elsewhere must be re-analysed
    # what a kube-rbac-proxy reviews comes from its --config-file: an edit there changes jobs in other files
    ("review another resource", lambda t: t.replace("subresource: proxy\n", "subresource: metrics\n", 1)),
    ("allow statically another user", lambda t: t.replace("serviceaccount:monitoring:prometheus", "serviceaccount:monitoring:other", 1)),
    ("replace a kube-rbac-proxy", lambda t: t.replace("brancz/kube-rbac-proxy:", "library/nginx:", 1)),
    ("back to the original", None),
]


def _seen(findings) -> list[tuple]:
    """What a report shows of each finding: its text and place, and the object and related places the JSON, SARIF
    and the editor's diagnostics carry too."""
    return sorted((f.rule, str(f.span), f.message, f.fix, f.object or "", f.severity, repr(f.related)) for f in findings)


def _fresh(texts: dict[str, str], report: set[str]) -> list[tuple]:
    sources = [parse_source(path, text) for path, text in sorted(texts.items())]
    # with the configuration file the session finds for the workspace (a fixture's .kubelint-scrape.yaml)
    options = build_options(discover_and_load(start=os.path.commonpath([os.path.dirname(p) for p in texts])))
    options.report_paths = report
    findings = lint_sources(sources, options).findings
    # An open buffer that does not parse shows its own load findings alone, its last parsed version staying the
    # context (lsp.Snapshot.run): `check` also lints the documents a broken file holds before its error, the editor
    # does not while the buffer is mid-edit.
    broken = {s.path: {(f.rule, f.span) for f in s.findings} for s in sources if s.status == "failed" and s.path in report}
    return _seen(f for f in findings if f.span.path not in broken or (f.rule, f.span) in broken[f.span.path])


def _session(session: Session) -> list[tuple]:
    return _seen(f for findings in session.lint().values() for f in findings)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_incremental_relint_equals_a_fresh_lint(fixture: Path, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(fixture, workspace, ignore=shutil.ignore_patterns("expected*"))
    files = sorted(str(p) for p in workspace.rglob("*") if p.suffix in (".yaml", ".yml"))
    if not files:
        pytest.skip("no YAML in this fixture")
    texts = {path: Path(path).read_text() for path in files}
    session = Session([str(workspace)])
    for opened in files:
        original = texts[opened]
        session.update(opened, original, 1)
        assert _session(session) == _fresh(texts, {opened}), f"opening {opened}"
        for version, (what, edit) in enumerate(EDITS, start=2):
            texts[opened] = original if edit is None else edit(texts[opened])
            session.update(opened, texts[opened], version)
            assert _session(session) == _fresh(texts, {opened}), f"after '{what}' in {Path(opened).name}"
        session.close(opened)


def test_an_edit_elsewhere_reaches_the_open_document(tmp_path: Path) -> None:
    """A RBAC file changed on disk (not open) changes the open config's findings; unchanged jobs are reused."""
    shutil.copytree(ROOT / "examples" / "quickstart", tmp_path / "q")
    config = str(tmp_path / "q" / "prometheus-config.yaml")
    rbac = tmp_path / "q" / "prometheus-rbac.yaml"
    session = Session([str(tmp_path)])
    session.update(config, Path(config).read_text(), 1)
    assert "KS102" in [f.rule for f in session.lint()[config]]
    first = session.folders[0].previous
    assert session.lint() and all(a is b for a, b in zip(session.folders[0].previous.jobs, first.jobs)), \
        "nothing changed: every job analysis is reused"
    rbac.write_text(rbac.read_text().replace("rules:\n", 'rules:\n  - apiGroups: [""]\n    resources: ["nodes/metrics"]\n    verbs: ["get"]\n', 1))
    session.file_changed(str(rbac))
    assert "KS102" not in [f.rule for f in session.lint()[config]]


def test_sharing_simulations_by_content_changes_no_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run shares one relabel simulation among jobs of the same content (analyse._content_key, also across
    files). A sample of the fixtures and every example linted as one tree, with that sharing and with every job
    simulated on its own, gives the same findings; and the sharing is real (some jobs repeat across fixtures)."""
    from kubelint_scrape import analyse
    from trees import sampled_yaml_files

    paths = sampled_yaml_files()
    texts = {str(p): p.read_bytes().decode("utf-8", "replace") for p in paths}  # (a KS004 fixture is binary)

    def lint() -> list[tuple]:
        sources = [parse_source(path, text) for path, text in texts.items()]
        return sorted((f.rule, str(f.span), f.message, f.fix) for f in lint_sources(sources, Options()).findings)

    keys: list = []
    real_key = analyse._content_key
    monkeypatch.setattr(analyse, "_content_key", lambda job, ns: keys.append(real_key(job, ns)) or keys[-1])
    shared = lint()
    assert len(set(keys)) < len(keys)
    monkeypatch.setattr(analyse, "_content_key", lambda job, ns: object())  # never equal: no sharing
    assert lint() == shared


def test_a_grant_to_anonymous_elsewhere_reaches_a_job_without_a_token(tmp_path: Path) -> None:
    """A job that scrapes without a token is decided for system:anonymous, whose grants are not the identity's:
    removing the binding that grants anonymous `get nodes/metrics` must bring KS106 back on a re-lint."""
    shutil.copytree(ROOT / "fixtures" / "KS106" / "pass-kubelet-anonymous-granted-by-rbac", tmp_path / "a",
                    ignore=shutil.ignore_patterns("expected*", "args"))
    (tmp_path / "a" / ".kubelint-scrape.yaml").write_text("kubelet-authn: anonymous\n")
    config = str(tmp_path / "a" / "prometheus-config.yaml")
    rbac = tmp_path / "a" / "prometheus-rbac.yaml"
    own, _, anonymous = rbac.read_text().partition("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
                                                    "metadata:\n  name: kubelet-metrics-reader")
    assert anonymous, "the fixture's anonymous grant moved"
    rbac.write_text(own)  # the identity's RBAC in one file, the grant to anonymous in another
    grant = tmp_path / "a" / "anonymous-rbac.yaml"
    grant.write_text("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n"
                     "  name: kubelet-metrics-reader" + anonymous)
    session = Session([str(tmp_path / "a")])
    session.update(config, Path(config).read_text(), 1)
    assert "KS106" not in [f.rule for f in session.lint()[config]]
    grant.write_text(grant.read_text().replace("name: system:unauthenticated", "name: system:nobody", 1))
    session.file_changed(str(grant))
    assert "KS106" in [f.rule for f in session.lint()[config]]


ALL_FIXTURES = sorted(p for p in (ROOT / "fixtures").glob("KS*/*") if p.is_dir())


@pytest.mark.parametrize("fixture", ALL_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_lint_that_reports_one_file_finds_what_a_whole_lint_finds_there(fixture: Path) -> None:
    """Options.report_paths (the language server, `-` with paths configured) lets checks skip work whose findings
    would sit in other files; what they report in the named file must be exactly the whole run's findings there."""
    files = sorted(str(p) for p in fixture.rglob("*") if p.suffix in (".yaml", ".yml") and not p.name.startswith("expected"))
    if not files:
        pytest.skip("no YAML in this fixture")
    from kubelint_scrape.load import Limits, read_source

    whole = lint_sources([read_source(p, Limits()) for p in files], Options()).findings
    for path in files:
        sources = [read_source(p, Limits()) for p in files]
        one = lint_sources(sources, Options(report_paths={path})).findings
        assert sorted((f.rule, str(f.span), f.message, f.fix) for f in one) == sorted(
            (f.rule, str(f.span), f.message, f.fix) for f in whole if f.span.path == path), path


# The KS6xx fixtures, whose findings may sit in a document other than the one checked (KS606 at a Service's
# targetPort for a ServiceMonitor, KS604 at the Prometheus for its monitors)
CONFIG_RULE_FIXTURES = [p for p in ALL_FIXTURES if p.parent.name.startswith("KS6")]


@pytest.mark.parametrize("fixture", CONFIG_RULE_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_lint_that_reports_one_document_of_a_split_fixture_finds_what_a_whole_lint_finds_there(
        fixture: Path, tmp_path: Path) -> None:
    """As above with each document in a file of its own: a finding about one object that sits in another's file
    (the language server with only that file open, `-` with --stdin-filename) is found there too, and a
    suppression there then suppresses it instead of being reported as suppressing nothing (KS002)."""
    _split_documents(fixture, tmp_path / "ws")
    files = sorted(str(p) for p in (tmp_path / "ws").rglob("*.y*ml"))
    if not files:
        pytest.skip("no YAML in this fixture")
    from kubelint_scrape.load import Limits, read_source

    whole = lint_sources([read_source(p, Limits()) for p in files], Options()).findings
    for path in files:
        one = lint_sources([read_source(p, Limits()) for p in files], Options(report_paths={path})).findings
        assert sorted((f.rule, str(f.span), f.message, f.fix) for f in one) == sorted(
            (f.rule, str(f.span), f.message, f.fix) for f in whole if f.span.path == path), path


def test_a_ks606_finding_in_the_open_service_file_follows_edits_of_the_monitor_and_the_pods(tmp_path: Path) -> None:
    """KS606 for a Service targetPort sits in the Service's file while the ServiceMonitor decides it: with only the
    Service's file open, the language server shows it, clears it when the monitor (on disk) stops keeping that port
    or the pods declare the name, and shows it again when undone."""
    _split_documents(ROOT / "fixtures" / "KS606" / "fail-service-target-port-name-not-declared", tmp_path / "ws")
    service, deployment, monitor = (str(tmp_path / "ws" / f"monitoring-{i}.yaml") for i in range(3))
    assert "kind: Service\n" in Path(service).read_text() and "kind: ServiceMonitor" in Path(monitor).read_text()
    session = Session([str(tmp_path / "ws")])
    session.update(service, Path(service).read_text(), 1)

    def shown() -> list[str]:
        return [f"{f.rule} {f.span.line}:{f.span.column}" for f in session.lint()[service]]

    assert shown() == ["KS606 9:56"]
    for path, old, new in ((monitor, "  - port: http-metrics", "  - port: web"),
                           (deployment, "{name: http, containerPort", "{name: metrics, containerPort")):
        text = Path(path).read_text()
        Path(path).write_text(text.replace(old, new, 1))
        session.file_changed(path)
        assert shown() == [], path
        Path(path).write_text(text)
        session.file_changed(path)
        assert shown() == ["KS606 9:56"], path


def test_an_edited_kube_rbac_proxy_config_reaches_the_jobs_that_scrape_it(tmp_path: Path) -> None:
    """The proxy's --config-file (its own file here) decides what a job in another file needs: editing it must
    not leave that job's analysis reused (authproxy.DeclaredTargets.key fingerprints the reviews)."""
    case = ROOT / "fixtures" / "KS104" / "fail-kube-rbac-proxy-config-resource-attributes"
    shutil.copytree(case, tmp_path / "ws", ignore=shutil.ignore_patterns("expected*"))
    workloads = tmp_path / "ws" / "kube-state-metrics.yaml"
    head, config_map, rest = workloads.read_text().partition("apiVersion: v1\nkind: ConfigMap\n")
    config_map, _separator, tail = rest.partition("---\n")
    workloads.write_text(head + tail)
    config = tmp_path / "ws" / "kube-rbac-proxy-config.yaml"
    config.write_text("apiVersion: v1\nkind: ConfigMap\n" + config_map)
    prometheus = str(tmp_path / "ws" / "prometheus.yaml")
    session = Session([str(tmp_path / "ws")])
    session.update(prometheus, Path(prometheus).read_text(), 1)
    assert "KS104" in [f.rule for f in session.lint()[prometheus]]
    config.write_text(config.read_text().replace("subresource: proxy", "subresource: metrics"))
    session.file_changed(str(config))
    [finding] = [f for f in session.lint()[prometheus] if f.rule == "KS104"]
    assert "services/metrics" in finding.message



PUSHPROX_JOB = """apiVersion: apps/v1
kind: Deployment
metadata: {name: prometheus, namespace: monitoring}
spec:
  selector: {matchLabels: {app: prometheus}}
  template:
    metadata: {labels: {app: prometheus}}
    spec:
      containers:
      - name: prometheus
        image: quay.io/prometheus/prometheus:v3.5.0
        args: [--config.file=/etc/prometheus/prometheus.yml]
        volumeMounts: [{name: config, mountPath: /etc/prometheus}]
      volumes: [{name: config, configMap: {name: prometheus-config}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus-config, namespace: monitoring}
data:
  prometheus.yml: |
    scrape_configs:
      - job_name: kcm
        proxy_url: http://pushprox-kube-controller-manager-proxy.cattle-monitoring-system.svc:8080
        params: {_scheme: [https]}
        static_configs: [{targets: ["10.0.0.5:10257"]}]
"""


@pytest.mark.parametrize(("edit", "rule"), [
    (lambda t: t.replace('["/metrics"]', '["/metrics/slis"]', 1), "KS104"),  # the client's own grant
    (lambda t: t.replace("        - --token-path=", "        - --token-pathx=", 1), "KS106"),  # its token
])
def test_an_edited_pushprox_client_reaches_the_job_it_serves(tmp_path: Path, edit, rule) -> None:
    """A job through PushProx is judged from the client polling its proxy (pushprox.py), a workload with its own
    ServiceAccount in another file: an edit there must reach the job's file on a re-lint."""
    case = ROOT / "fixtures" / "KS106" / "pass-pushprox-client-sends-its-token"
    client = tmp_path / "client.yaml"
    client.write_text((case / "kube-controller-manager.yaml").read_text())
    config = tmp_path / "prometheus.yaml"
    config.write_text((case / "prometheus.yaml").read_text() + "---\n" + PUSHPROX_JOB)
    session = Session([str(tmp_path)])
    session.update(str(config), config.read_text(), 1)
    assert rule not in [f.rule for f in session.lint()[str(config)]]
    client.write_text(edit(client.read_text()))
    session.file_changed(str(client))
    assert rule in [f.rule for f in session.lint()[str(config)]]


# Fixtures where one file decides other files' namespaces: a Kustomization's `namespace:`/`resources:`/`bases:`, a
# Flux Kustomization's targetNamespace, an Argo CD Application's destination (kustomize.py).
BUILD_FIXTURES = sorted({p.relative_to(ROOT / "fixtures").parts[:2] for p in (ROOT / "fixtures").rglob("*.yaml")
                         if p.name.startswith("kustomization.") or "targetNamespace:" in p.read_text(errors="replace")
                         or "argoproj.io/" in p.read_text(errors="replace")})
NAMESPACE_EDITS = [
    ("rename the build's namespace", lambda t: re.sub(r"(?m)^namespace: (\S+)", r"namespace: \1x", t, 1)),
    ("drop the build's namespace", lambda t: re.sub(r"(?m)^namespace: \S+\n", "", t, 1)),
    ("drop the first resource", lambda t: re.sub(r"(?m)^(resources|bases):\n(\s*- \S+\n)", r"\1:\n", t, 1)),
    ("resources as bases", lambda t: t.replace("\nresources:", "\nbases:", 1)),
    ("another targetNamespace", lambda t: re.sub(r"targetNamespace: (\S+)", r"targetNamespace: \1x", t, 1)),
    ("another destination", lambda t: re.sub(r"(destination:\s*\n(?:\s+\S.*\n)*?\s+namespace: )(\S+)", r"\1\2x", t, 1)),
    ("a role's verbs half typed", lambda t: re.sub(r"verbs: \[[^\]]*\]", "verbs:", t, 1)),
    ("a role's kind half typed", lambda t: t.replace("kind: ClusterRole\n", "kind: ClusterRol\n", 1)),
]


@pytest.mark.parametrize("fixture", BUILD_FIXTURES, ids="/".join)
def test_an_edit_that_moves_other_files_namespaces_reaches_every_open_document(fixture: tuple, tmp_path: Path) -> None:
    """Every file of the fixture open at once, each edited in the buffer (the disk keeps the original): the
    namespaces the edit gives the OTHER files' objects (their models are memoised by namespace, build.source_model)
    must show in their diagnostics as a fresh lint of the edited texts shows them, and nothing stale must remain
    once the edit is undone."""
    workspace = tmp_path / "ws"
    shutil.copytree(ROOT / "fixtures" / Path(*fixture), workspace, ignore=shutil.ignore_patterns("expected*"))
    files = sorted(str(p) for p in workspace.rglob("*") if p.suffix in (".yaml", ".yml"))
    texts = {path: Path(path).read_text() for path in files}
    session = Session([str(workspace)])
    for version, path in enumerate(files, start=1):
        session.update(path, texts[path], version)
    assert _session(session) == _fresh(texts, set(files))
    for path in files:
        original = texts[path]
        for what, edit in NAMESPACE_EDITS:
            if edit(original) == original:
                continue
            for texts[path] in (edit(original), original):
                session.update(path, texts[path], None)
                assert _session(session) == _fresh(texts, set(files)), f"'{what}' in {Path(path).relative_to(workspace)}"


def _team_files(workspace: Path, teams: int) -> None:
    """probe scale3's monorepo: per team a namespace with an Operator Prometheus and its monitors, and the RBAC of
    its account in a file of its own (the account of every third team written in the previous team's file), the
    built-in `view` bound there too."""
    for i in range(teams):
        team = workspace / f"team{i}"
        team.mkdir(parents=True)
        (team / "prometheus.yaml").write_text(f"""apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {{name: prom, namespace: team{i}}}
spec:
  serviceAccountName: prometheus
  serviceMonitorSelector: {{}}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {{name: app, namespace: team{i}}}
spec:
  selector: {{matchLabels: {{app: app}}}}
  endpoints: [{{port: http}}]
""")
        accounts = "".join(f"""apiVersion: v1
kind: ServiceAccount
metadata: {{name: prometheus, namespace: team{j}}}
---
""" for j in ([i, i + 1] if i % 3 == 1 else [] if i % 3 == 2 else [i]) if j < teams)
        (team / "rbac.yaml").write_text(accounts + f"""apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: prometheus, namespace: team{i}}}
rules:
  - apiGroups: [""]
    resources: ["services", "endpoints", "pods", "secrets"]
    verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: prometheus, namespace: team{i}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: prometheus}}
subjects:
  - {{kind: ServiceAccount, name: prometheus, namespace: team{i}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: prometheus-view, namespace: team{i}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}}
subjects:
  - {{kind: ServiceAccount, name: prometheus, namespace: team{i}}}
""")


def test_a_monorepo_relint_reports_what_a_fresh_lint_does_and_judges_only_the_edited_teams_grants(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A team's edit in a monorepo of teams, each with its Prometheus and RBAC: the re-lint reports what the CLI
    reports for the same texts, and KS203 works out the unmodelled needs of the identities whose grants it could
    report only (every identity's at each re-lint scaled with the workspace: probe scale3)."""
    from kubelint_scrape.checks import privilege

    calls = {"n": 0}
    unmodelled = privilege.unmodelled

    def counting(analysis, identity):
        calls["n"] += 1
        return unmodelled(analysis, identity)

    monkeypatch.setattr(privilege, "unmodelled", counting)
    workspace = tmp_path / "ws"
    _team_files(workspace, 12)
    texts = {str(p): p.read_text() for p in sorted(workspace.rglob("*.yaml"))}
    session = Session([str(workspace)])
    for opened in (str(workspace / "team4" / "prometheus.yaml"), str(workspace / "team4" / "rbac.yaml")):
        original = texts[opened]
        session.update(opened, original, 1)
        assert _session(session) == _fresh(texts, {opened})
        for version, edit in enumerate((lambda t: t.replace('"secrets"', '"nodes"'), lambda t: "# moved\n" + t), 2):
            texts[opened] = edit(texts[opened])
            session.update(opened, texts[opened], version)
            calls["n"] = 0
            found, judged = _session(session), calls["n"]
            assert found == _fresh(texts, {opened}), opened
            # the Prometheus file holds no RBAC: no grant of it is reported; the RBAC file's: its team's
            assert judged <= (0 if opened.endswith("prometheus.yaml") else 1), judged
        texts[opened] = original
        session.update(opened, original, 9)
        session.close(opened)
    assert any(rule == "KS203" for rule, *_ in _fresh(texts, {str(workspace / "team4" / "rbac.yaml")}))


@pytest.mark.parametrize("edit", [
    lambda t: t.replace("interval: 15s", "interval: 15s\n      scrapeTimeout: 1m"),  # longer than its interval
    lambda t: t.replace("interval: 15s", "interval: 15s\n      relabelings:\n        - action: hashmod\n"
                                         "          sourceLabels: [pod]\n          targetLabel: shard"),  # no modulus
])
def test_an_edited_kustomize_patch_reaches_the_operator_monitor_it_patches(tmp_path: Path, edit) -> None:
    """The operator's refusal of a monitor (KS601) is memoised on the monitor's file; a Kustomize patch in another
    file makes the monitor a new tree at the same position: the memo key must change with the patch."""
    shutil.copytree(ROOT / "fixtures" / "KS602" / "pass-monitor-patch-without-selector", tmp_path / "ws",
                    ignore=shutil.ignore_patterns("expected*"))
    files = sorted(str(p) for p in (tmp_path / "ws").glob("*.yaml"))
    texts = {path: Path(path).read_text() for path in files}
    session = Session([str(tmp_path / "ws")])
    for path in files:
        session.update(path, texts[path], 1)
    assert _session(session) == _fresh(texts, set(files))
    patch = str(tmp_path / "ws" / "patch-interval.yaml")
    original = texts[patch]
    for version, texts[patch] in enumerate((edit(original), original), start=2):
        session.update(patch, texts[patch], version)
        assert _session(session) == _fresh(texts, set(files))
    assert "KS601" in [rule for rule, *_ in _fresh({**texts, patch: edit(original)}, set(files))]


def test_a_long_session_of_patch_edits_keeps_a_bounded_number_of_models_per_file(tmp_path: Path) -> None:
    """Each version of a Kustomize patch is a new model key on the patched file's Source, which the language
    server keeps for hours: without a bound, one model per edit ever made stays in memory."""
    from kubelint_scrape.build import MODELS_KEPT_PER_SOURCE

    shutil.copytree(ROOT / "fixtures" / "KS602" / "pass-monitor-patch-without-selector", tmp_path / "ws",
                    ignore=shutil.ignore_patterns("expected*"))
    files = sorted(str(p) for p in (tmp_path / "ws").glob("*.yaml"))
    texts = {path: Path(path).read_text() for path in files}
    session = Session([str(tmp_path / "ws")])
    patch = str(tmp_path / "ws" / "patch-interval.yaml")
    session.update(patch, texts[patch], 1)
    for version in range(2, 3 * MODELS_KEPT_PER_SOURCE):
        texts[patch] = texts[patch].replace("interval:", f"# edit {version}\n      interval:", 1)
        session.update(patch, texts[patch], version)
        _session(session)
    assert _session(session) == _fresh(texts, {patch})
    kept = [len(source.memo.get(("model",), {})) for folder in session.folders for source in folder.sources.values()]
    assert kept and max(kept) <= MODELS_KEPT_PER_SOURCE, kept
    monitors = [len(variants) for folder in session.folders for source in folder.sources.values()
                for family, variants in source.memo.items() if isinstance(family, tuple) and family[0] == "KS601-monitor"]
    assert monitors and max(monitors) <= 8, monitors  # the operator's refusals of the patched monitor, likewise


KUBELET_SERVICE = ("apiVersion: v1\nkind: Service\nmetadata: {name: kubelet, namespace: kube-system}\n"
                   "spec:\n  ports: [{name: https-metrics, port: 10250}]\n")


def test_a_service_elsewhere_that_shows_an_assumed_one_reaches_the_jobs_it_changes(tmp_path: Path) -> None:
    """The kubelet Service is assumed absent unless the inputs show it (targets.shown_services): a job keeping
    `.*-metrics` ports keeps its https-metrics port only when it exists. Adding it in another file must re-analyse
    the job, whose config, identity and RBAC are all unchanged."""
    case = ROOT / "fixtures" / "KS302" / "fail-port-name-pattern-with-operator-kubelet-service"
    job = (case / "prometheus.yaml").read_text().split("scrape_configs:\n", 1)[1]
    (tmp_path / "prometheus.yaml").write_text(PUSHPROX_JOB.split("data:\n")[0] + "data:\n  prometheus.yml: |\n"
                                              "    scrape_configs:\n" + "".join(f"    {line}\n" for line in job.splitlines()))
    other = tmp_path / "services.yaml"
    other.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: unrelated, namespace: kube-system}\n")
    texts = {str(p): p.read_text() for p in sorted(tmp_path.glob("*.yaml"))}
    config = str(tmp_path / "prometheus.yaml")
    session = Session([str(tmp_path)])
    session.update(config, texts[config], 1)
    assert _session(session) == _fresh(texts, {config})
    for texts[str(other)] in (KUBELET_SERVICE, texts[str(other)]):
        other.write_text(texts[str(other)])
        session.file_changed(str(other))
        assert _session(session) == _fresh(texts, {config})
    assert "KS302" in [rule for rule, *_ in _fresh({**texts, str(other): KUBELET_SERVICE}, {config})]


def test_a_renamed_service_elsewhere_reaches_a_static_target_addressed_by_its_name(tmp_path: Path) -> None:
    """A static target `myapp.apps.svc:10251` is an application's own port while the inputs' Service of that name
    selects a pod of another image (analyse._static_extension), else kube-scheduler's removed port (KS308): the
    Service renamed in another file must reach the job."""
    text = (ROOT / "fixtures" / "KS308" / "pass-static-service-of-an-app-on-10251" / "prometheus.yaml").read_text()
    head, _, app = text.partition("---\napiVersion: v1\nkind: Service\n")
    (tmp_path / "prometheus.yaml").write_text(head)
    service = tmp_path / "app.yaml"
    service.write_text("apiVersion: v1\nkind: Service\n" + app)
    texts = {str(p): p.read_text() for p in sorted(tmp_path.glob("*.yaml"))}
    config = str(tmp_path / "prometheus.yaml")
    session = Session([str(tmp_path)])
    session.update(config, texts[config], 1)
    assert _session(session) == _fresh(texts, {config})
    original = texts[str(service)]
    renamed = original.replace("metadata: {name: myapp, namespace: apps}", "metadata: {name: myapp2, namespace: apps}", 1)
    assert renamed != original
    for texts[str(service)] in (renamed, original):
        service.write_text(texts[str(service)])
        session.file_changed(str(service))
        assert _session(session) == _fresh(texts, {config})
    assert "KS308" in [rule for rule, *_ in _fresh({**texts, str(service): renamed}, {config})]


# Fixtures whose findings depend on the readers added after the Session's caches were designed: Kustomize patches
# and `images:` (kpatch.py), VictoriaMetrics objects (vmoperator.py), additionalScrapeConfigs Secrets, scrape classes,
# PrometheusAgent DaemonSet mode, aggregated ClusterRoles, `resourceNames: [""]`, kube-rbac-proxy (authproxy.py).
READERS = re.compile(r'^(images|patches|patchesStrategicMerge|patchesJson6902):|operator\.victoriametrics\.com/|'
                     r'additionalScrapeConfigs|scrapeClasses:|mode: DaemonSet|aggregationRule:|resourceNames: \[""\]|'
                     r'brancz/kube-rbac-proxy|kube-rbac-proxy:', re.M)
READER_FIXTURES = sorted(p for p in (ROOT / "fixtures").glob("KS*/*") if p.is_dir() and READERS.search(
    "".join(f.read_text(errors="replace") for f in p.rglob("*") if f.suffix in (".yaml", ".yml"))))


def _sub(pattern: str, replacement: str):
    return lambda t: re.sub(pattern, replacement, t, count=1, flags=re.M)


def _last_role_ref(text: str) -> str:
    found = list(re.finditer(r"(roleRef:\s*\n(?:\s+\S.*\n)*?\s+name: )(\S+)", text))
    return text if not found else text[:found[-1].end(2)] + "x" + text[found[-1].end(2):]


# Each a plain text substitution on one file; one that does not apply to a file leaves it as it is (not linted).
READER_EDITS = [
    ("shift every line down", lambda t: "# a comment\n" + t),
    ("another images: tag", _sub(r"newTag: v?(\d+)\.\d+\.\d+", r"newTag: v\g<1>.10.0")),
    ("another images: name", _sub(r"newName: (\S+)", r"newName: \1x")),
    ("an older image", _sub(r"(image: \S*prometheus\S*:v)\d+\.\d+", r"\g<1>2.30")),
    ("a verb fewer", _sub(r"verbs: \[([^\],]+),", "verbs: [")),
    ("pod discovery as node", _sub(r"role: pod\b", "role: node")),
    ("node discovery as pod", _sub(r"role: node\b", "role: pod")),
    ("another namespace to discover", _sub(r"names: \[(\w+)\]", r"names: [\1x]")),
    ("another Secret key", _sub(r"^(\s+key: )(\S+)", r"\1\2x")),
    ("another first roleRef", _sub(r"(roleRef:\s*\n(?:\s+\S.*\n)*?\s+name: )(\S+)", r"\1\2x")),
    ("another last roleRef", _last_role_ref),
    ("an aggregation label", lambda t: t.replace("/aggregate-to-", "/aggregate-tox-", 1)),
    ("a named resource", lambda t: t.replace('resourceNames: [""]', 'resourceNames: ["x"]', 1)),
    ("another namespace", _sub(r"^(\s+namespace: )(\S+)", r"\1\2x")),
    ("a StatefulSet agent", lambda t: t.replace("mode: DaemonSet", "mode: StatefulSet", 1)),
    ("no default scrape class", lambda t: t.replace("default: true", "default: false", 1)),
    ("another label", _sub(r"(labels:\s*\n\s+[\w./-]+: )(\S+)", r"\1\2x")),
    ("another patch target", _sub(r"(target:\s*\n(?:\s+\S.*\n)*?\s+name: )(\S+)", r"\1\2x")),
    ("patches misspelt", _sub(r"^(patches|patchesStrategicMerge|patchesJson6902):", r"\1x:")),
    ("another build namespace", _sub(r"^namespace: (\S+)", r"namespace: \1x")),
]


@pytest.mark.parametrize("fixture", READER_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_an_edit_to_what_the_new_readers_read_reaches_the_open_document(fixture: Path, tmp_path: Path) -> None:
    """Each file of the fixture open in turn; each edit applied to it in the buffer and, separately, to every other
    file of the fixture on disk (the edit elsewhere must reach the open document): the Session reports what a fresh
    lint of the same texts reports, and nothing stale once the edit is undone."""
    workspace = tmp_path / "ws"
    shutil.copytree(fixture, workspace, ignore=shutil.ignore_patterns("expected*"))
    files = sorted(str(p) for p in workspace.rglob("*") if p.suffix in (".yaml", ".yml"))
    _each_edit_everywhere_reaches(workspace, files, files, READER_EDITS)


def _each_edit_everywhere_reaches(workspace: Path, files: list[str], opened_files: list[str], edits: list) -> None:
    """Each of `opened_files` open in turn; each edit applied to it in the buffer and, separately, to every other
    file on disk: after each step, and once it is undone, the Session reports what a fresh lint does."""
    texts = {path: Path(path).read_text() for path in files}
    fresh: dict[tuple, list] = {}  # an undone edit lints the original texts again: a fresh lint of them once

    def expected(opened: str) -> list[tuple]:
        key = (opened, *texts.values())
        if key not in fresh:
            fresh[key] = _fresh(texts, {opened})
        return fresh[key]

    session = Session([str(workspace)])
    for opened in opened_files:
        session.update(opened, texts[opened], 1)
        assert _session(session) == expected(opened), f"opening {opened}"
        for edited in files:
            original = texts[edited]
            for what, edit in edits:
                if edit(original) == original:
                    continue
                for texts[edited] in (edit(original), original):
                    if edited == opened:
                        session.update(opened, texts[edited], None)
                    else:
                        Path(edited).write_text(texts[edited])
                        session.file_changed(edited)
                    assert _session(session) == expected(opened), \
                        f"'{what}' in {Path(edited).name} with {Path(opened).name} open"
        session.close(opened)


# Fixtures holding Services, each multi-document file split one document a file (no Kustomization, whose entries
# name the files): the Services and workloads a job's targets are judged by then sit in files of their own.
SERVICES = re.compile(r"^kind: Service$|--kubelet-service", re.M)
SPLIT_FIXTURES = sorted(p for p in (ROOT / "fixtures").glob("KS*/*") if p.is_dir() and not any(p.rglob("kustomization.y*ml"))
                        and SERVICES.search("".join(f.read_text(errors="replace") for f in p.rglob("*.y*ml"))))
SCRAPES = re.compile(r"job_name|^kind: (Prometheus|PrometheusAgent|VMAgent|ServiceMonitor|PodMonitor|ScrapeConfig)$", re.M)
SERVICE_EDITS = [
    ("shift every line down", lambda t: "# a comment\n" + t),
    ("rename a Service", _sub(r"(kind: Service\nmetadata:\s*\n?\s*(?:\{\s*)?name: )([\w-]+)", r"\g<1>\2x")),
    ("another target port", _sub(r"(targetPort: )(\S+)", r"\g<1>9999")),
    ("another container port", _sub(r"(containerPort: )(\d+)", r"\g<1>9998")),
    ("another image", _sub(r"(image: \S+):([\w.-]+)", r"\1:v0.0.1")),
    ("no --kubelet-service", lambda t: re.sub(r"--kubelet-service=\S+", "--log-level=info", t, count=1)),
    ("another selector", _sub(r"(selector:\s*\n\s+matchLabels:\s*\n\s+\S+: )(\S+)", r"\1\2x")),
]


@pytest.mark.parametrize("fixture", SPLIT_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_an_edit_to_a_service_in_a_file_of_its_own_reaches_the_open_scrape_config(fixture: Path, tmp_path: Path) -> None:
    """A Service (or the workload it selects, or an operator's --kubelet-service) decides how a job's targets are
    judged (targets.shown_services, analyse._static_extension) though it changes no RBAC and no job: edited in its
    own file, it must reach the open scrape config (a reused job analysis was stale: KS302, KS305, KS308)."""
    workspace = tmp_path / "ws"
    for path in sorted(fixture.rglob("*.y*ml")):
        if path.name.startswith("expected"):
            continue
        documents = [d for d in re.split(r"(?m)^---[ \t]*\n", path.read_text(errors="replace")) if d.strip()]
        target = workspace / path.relative_to(fixture)
        target.parent.mkdir(parents=True, exist_ok=True)
        for index, document in enumerate(documents):
            target.with_name(f"{path.stem}-{index}{path.suffix}").write_text(document)
    files = sorted(str(p) for p in workspace.rglob("*.y*ml"))
    _each_edit_everywhere_reaches(workspace, files, [path for path in files if SCRAPES.search(Path(path).read_text())],
                                  SERVICE_EDITS)


def test_a_multi_document_file_broken_in_its_second_document_and_repaired(tmp_path: Path) -> None:
    """A file whose 2nd document stops parsing: the CLI lints the documents before the error (load.py), the open
    buffer shows its own load findings alone and its last parsed version stays the others' context; a buffer that
    never parsed (opened broken) is its own context, and still shows its load findings alone — it showed the
    findings of the documents before its error then, and not once a version had parsed: the same text, two
    answers. Edited in the open buffer, and on disk while another file is open."""
    shutil.copytree(ROOT / "examples" / "quickstart", tmp_path / "q")
    rbac, config = str(tmp_path / "q" / "prometheus-rbac.yaml"), str(tmp_path / "q" / "prometheus-config.yaml")
    good = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: extra, namespace: monitoring}\n"
            "rules:\n  - apiGroups: [\"\"]\n    resources: [\"pods\"]\n    verbs: [\"lst\"]\n---\n") + Path(rbac).read_text()
    broken = good.replace('resources: ["nodes", "pods"]\n', 'resources: ["nodes", "pods"\n', 1)
    assert broken != good and parse_source(rbac, broken).status == "failed"
    Path(rbac).write_text(good)
    texts = {str(p): p.read_text() for p in sorted((tmp_path / "q").glob("*.yaml"))}
    cli = lint_sources([parse_source(path, text) for path, text in {**texts, rbac: broken}.items()], Options())
    assert "KS504" in [f.rule for f in cli.findings]  # the CLI lints the Role before the error

    def seen(buffer: str, context: str) -> list[tuple]:
        """What the Session must show with both files open: the buffer's own problems, the config as linted with
        `context` (the rbac file's last parsed version, else the buffer) beside it."""
        return sorted(_fresh({**texts, rbac: buffer}, {rbac}) + _fresh({**texts, rbac: context}, {config}))

    session = Session([str(tmp_path / "q")])
    for path in (rbac, config):
        session.update(path, texts[path], 1)
    assert _session(session) == _fresh(texts, {rbac, config})
    session.update(rbac, broken, 2)
    assert _session(session) == seen(broken, good), "2nd document broken in the buffer"
    session.update(rbac, good, 3)
    assert _session(session) == _fresh(texts, {rbac, config}), "repaired in the buffer"
    session.close(rbac)
    for text in (broken, good, broken):
        Path(rbac).write_text(text)
        session.file_changed(rbac)
        assert _session(session) == _fresh({**texts, rbac: text}, {config}), "edited on disk"
    session.update(rbac, broken, 1)
    assert _session(session) == seen(broken, broken), "opened broken: no version of it parsed"
    session.update(rbac, good, 2)
    assert _session(session) == _fresh(texts, {rbac, config}), "repaired in the buffer"
    session.update(rbac, broken, 3)
    assert _session(session) == seen(broken, good), "broken again"


def _second_document_broken(text: str) -> str:
    """The text with an unclosed flow sequence ending its second document (of three or more), else unchanged."""
    parts = re.split(r"(?m)^---[ \t]*\n", text)
    written = [index for index, part in enumerate(parts) if part.strip()]
    if len(written) < 3:
        return text
    parts[written[1]] = parts[written[1]].rstrip("\n") + "\nbroken: [unclosed\n"
    return "---\n".join(parts)


def _fixture_texts(fixture: Path) -> dict[str, str]:
    return {str(p): p.read_bytes().decode("utf-8", "replace") for p in sorted(fixture.rglob("*.y*ml"))
            if not p.name.startswith("expected")}


MULTI_DOCUMENT_FIXTURES = sorted(p for p in (ROOT / "fixtures").glob("KS*/*") if p.is_dir() and any(
    _second_document_broken(text) != text for text in _fixture_texts(p).values()))


@pytest.mark.parametrize("fixture", MULTI_DOCUMENT_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_second_document_broken_in_any_fixture_file(fixture: Path, tmp_path: Path) -> None:
    """Every file of the fixture open; each multi-document file's 2nd document broken in its buffer, then repaired:
    the broken buffer shows its own load findings, the other files what a fresh lint with its last parsed version
    shows. Then the same file broken on disk too and opened so (no version of it parsed): the others are linted
    with the documents before its error, as the CLI lints them, and the buffer still shows its load findings alone."""
    workspace = tmp_path / "ws"
    shutil.copytree(fixture, workspace, ignore=shutil.ignore_patterns("expected*", "args"))
    texts = _fixture_texts(workspace)
    if any(parse_source(path, text).status != "linted" for path, text in texts.items()):
        pytest.skip("a file of the fixture does not parse as it is")
    files = set(texts)

    def seen(path: str, buffer: str, context: str) -> list[tuple]:
        others = files - {path}
        return sorted(_fresh({**texts, path: buffer}, {path}) + (_fresh({**texts, path: context}, others) if others else []))

    for path, original in texts.items():
        broken = _second_document_broken(original)
        if broken == original or parse_source(path, broken).status != "failed":
            continue
        session = Session([str(workspace)])
        for each in sorted(files):
            session.update(each, texts[each], 1)
        for version, (text, expected) in enumerate([(broken, seen(path, broken, original)),
                                                    (original, _fresh(texts, files))], start=2):
            session.update(path, text, version)
            assert _session(session) == expected, f"{Path(path).name} {'repaired' if text == original else 'broken'}"
        session.close(path)
        Path(path).write_text(broken)
        session.file_changed(path)
        session.update(path, broken, 1)
        assert _session(session) == seen(path, broken, broken), f"{Path(path).name} opened broken"
        Path(path).write_text(original)


def _split_documents(fixture: Path, workspace: Path) -> None:
    """Each document of each file of the fixture in a file of its own (what one file decides reaches another)."""
    workspace.mkdir(parents=True)
    for path, text in _fixture_texts(fixture).items():
        documents = [d for d in re.split(r"(?m)^---[ \t]*\n", text) if d.strip()]
        for index, document in enumerate(documents):
            (workspace / f"{Path(path).stem}-{index}{Path(path).suffix}").write_text(document)


_HTTP_EDITS = [("to http", lambda t: t.replace("url: https://", "url: http://", 1)),
               ("to https", lambda t: t.replace("url: http://", "url: https://", 1)),
               ("every url https", lambda t: t.replace("url: http://", "url: https://")),
               ("to loopback", lambda t: t.replace("url: http://", "url: http://127.0.0.1/", 1))]
# Inputs read since the last round, each with the edits that change what it decides (KS305's installer settings,
# the VictoriaMetrics operator's WATCH_NAMESPACE, the VMAgent config-reloader's Secret, remote_write over http, a
# misspelt RoleBinding subject), applied in the open buffer and on disk in the other files.
TODAY_CASES = [
    ("KS305/fail-talos-config-without-bind-address", [
        ("bind the controller-manager", _sub(r"^cluster:\n", "cluster:\n  controllerManager:\n    extraArgs:\n"
                                                           "      bind-address: 0.0.0.0\n")),
        ("no scheduler bind", lambda t: t.replace("bind-address: 0.0.0.0", "bind-addressx: 0.0.0.0", 1))]),
    ("KS305/fail-k3s-config-without-bind-address", [
        ("bind the controller-manager", lambda t: t.replace(
            "tls-san:", "kube-controller-manager-arg: [bind-address=0.0.0.0]\ntls-san:", 1))]),
    ("KS305/pass-k3s-config-file", [("no bind", lambda t: t.replace("bind-address", "bind-addressx"))]),
    ("KS100/fail-vm-operator-watch-namespace", [
        ("WATCH_NAMESPACE misspelt", lambda t: t.replace("name: WATCH_NAMESPACE", "name: WATCH_NAMESPACEX", 1)),
        ("another watched namespace", lambda t: t.replace("valueFrom: {fieldRef: {fieldPath: metadata.namespace}}",
                                                          "value: shop", 1)),
        ("every namespace", lambda t: t.replace("valueFrom: {fieldRef: {fieldPath: metadata.namespace}}", 'value: ""', 1)),
        ("the VMAgent elsewhere", lambda t: t.replace("{name: main, namespace: monitoring}", "{name: main, namespace: shop}", 1)),
        ("the VMAgent's own account", lambda t: t.replace("  serviceScrapeSelector: {}",
                                                           "  serviceAccountName: agent\n  serviceScrapeSelector: {}", 1))]),
    ("KS203/pass-vmagent-config-reloader-reads-its-secret", [
        ("rename the VMAgent", lambda t: t.replace("  name: cluster\n", "  name: cluster2\n", 1)),
        ("another Secret", lambda t: t.replace("resourceNames: [vmagent-cluster]", "resourceNames: [vmagent-cluster2]", 1)),
        ("list too", lambda t: t.replace("verbs: [get, watch]", "verbs: [get, watch, list]", 1))]),
    *((f"KS303/{name}", _HTTP_EDITS) for name in (
        "fail-remote-write-credentials-over-http", "pass-remote-write-https-loopback-or-no-credentials",
        "fail-operator-remote-write-credentials-over-http", "fail-grafana-agent-remote-write-over-http")),
    *((f"KS108/{name}", [("misspell a subject", lambda t: t.replace("name: prometheus\n", "name: promethues\n", 1)),
                         ("correct it", lambda t: t.replace("promethues", "prometheus").replace("prometheuss", "prometheus"))])
      for name in ("fail-subject-name-misspelt-binding-named-otherwise", "pass-subject-name-far-from-scraper",
                   "pass-binding-named-after-scraper-for-a-defined-account")),
    # an unmanaged Prometheus (KS601): its selectors, and the operator's flag in another document
    ("KS601/fail-operator-unmanaged-additional-scrape-configs", [
        ("set a selector", lambda t: t.replace("podMonitorSelector: ~", "podMonitorSelector: {}", 1)),
        ("drop the Secret", lambda t: t.replace("{name: additional-scrape-configs, namespace: monitoring}",
                                                "{name: additional-scrape-configs2, namespace: monitoring}", 1))]),
    # a Kustomization's namePrefix renames its build's objects and the references to them (kname.py)
    ("KS102/pass-kustomize-name-prefix-overlay-grants", [
        ("another prefix", lambda t: t.replace("namePrefix: a-", "namePrefix: c-", 1)),
        ("no prefix", lambda t: t.replace("namePrefix: b-\n", "", 1)),
        ("a suffix too", lambda t: t.replace("namePrefix: a-", "namePrefix: a-\nnameSuffix: -z", 1))]),
    ("KS601/pass-operator-unmanaged-mode-disabled", [
        ("flag off", lambda t: t.replace("- --disable-unmanaged-prometheus-configuration",
                                         "- --disable-unmanaged-prometheus-configuration=false", 1)),
        ("another image", lambda t: t.replace("quay.io/prometheus-operator/prometheus-operator:", "quay.io/acme/operator:", 1))]),
    # a controller-runtime secure metrics server: its flag, and the review grants and reader binding in other files
    ("KS104/fail-controller-runtime-secure-metrics", [
        ("metrics over plain HTTP", lambda t: t.replace("- --metrics-bind-address=:8443\n",
                                                        "- --metrics-bind-address=:8443\n            - --metrics-secure=false\n", 1)),
        ("no review grants", lambda t: t.replace("name: project-metrics-auth-role\nsubjects", "name: project-metrics-auth-rol\nsubjects", 1)),
        ("grant the scraper", lambda t: t.replace("    verbs: [list, watch]\n", "    verbs: [list, watch]\n  - nonResourceURLs: [/metrics]\n    verbs: [get]\n", 1))]),
    ("KS104/pass-controller-runtime-metrics-reader-bound", [
        ("unbind the reader", lambda t: t.replace("  name: project-metrics-reader\nsubjects", "  name: project-metrics-readers\nsubjects", 1)),
        ("loopback bind", lambda t: t.replace("--metrics-bind-address=:8443", "--metrics-bind-address=127.0.0.1:8443", 1))]),
    # the operator's release, read from its image tag in another document, decides whether scrapeConfigSelector counts
    ("KS601/fail-operator-scrape-config-selector-only-before-0.69", [
        ("a release that counts it", lambda t: t.replace("prometheus-operator:v0.68.0", "prometheus-operator:v0.69.0", 1)),
        ("a release candidate before it", lambda t: t.replace("prometheus-operator:v0.69.0", "prometheus-operator:v0.68.0-rc.1", 1)),
        ("a monitor selector too", lambda t: t.replace("  scrapeConfigSelector:", "  serviceMonitorSelector: {}\n  scrapeConfigSelector:", 1))]),
    ("KS601/fail-operator-unmanaged-additional-scrape-configs-content", [
        ("set a selector", lambda t: t.replace("  additionalScrapeConfigs: {name: extra,",
                                               "  podMonitorSelector: {}\n  additionalScrapeConfigs: {name: extra,", 1))]),
    ("KS602/fail-prometheus-spec-leftover-typos", [
        ("drop the field a leftover misspells", lambda t: t.replace("  scrapeInterval: 30s\n", "", 1)),
        ("drop the endpoint's interval", lambda t: t.replace("    interval: 30s\n", "", 1))]),
    ("KS101/fail-servicemonitor-attach-metadata-node-without-nodes", [
        ("no node metadata", lambda t: t.replace("    node: true", "    node: false", 1)),
        ("node metadata again", lambda t: t.replace("    node: false", "    node: true", 1)),
        ("grant the nodes", lambda t: t.replace("  resources: [nodes/metrics]", "  resources: [nodes/metrics, nodes]\n  verbs: [list, watch]\n- apiGroups: [\"\"]\n  resources: [nodes/metrics]", 1))]),
    # this session's rules, each decided by a document other than the one it sits on: KS606 by the Service's or the
    # pod's port names, KS309/KS305 by the workload's flags, KS112 by the manager's grants, KS601 by the other
    # operator's namespaces, KS203 by the collector's pipelines
    ("KS606/fail-port-name-not-defined", [
        ("rename the Service port", lambda t: t.replace("ports: [{name: http-metrics, port: 8080", "ports: [{name: metrics, port: 8080", 1)),
        ("and back", lambda t: t.replace("ports: [{name: metrics, port: 8080", "ports: [{name: http-metrics, port: 8080", 1)),
        ("select no Service", lambda t: t.replace("  selector: {matchLabels: {app: web}}\n  endpoints:", "  selector: {matchLabels: {app: webx}}\n  endpoints:", 1))]),
    ("KS606/fail-service-target-port-name-not-declared", [
        ("declare the port", lambda t: t.replace("ports: [{name: http, containerPort: 8080}]",
                                                 "ports: [{name: metrics, containerPort: 8080}]", 1)),
        ("keep another Service port", lambda t: t.replace("  - port: http-metrics", "  - port: web", 1)),
        ("target the number", lambda t: t.replace("targetPort: metrics}", "targetPort: 8080}", 1))]),
    ("KS606/fail-target-port-name-not-defined", [
        ("rename the container port", lambda t: t.replace("ports: [{name: http-metrics, containerPort: 8080", "ports: [{name: metric, containerPort: 8080", 1))]),
    ("KS309/fail-servicemonitor-https-to-metrics-secure-false", [
        ("secure again", lambda t: t.replace("            - --metrics-secure=false\n", "", 1)),
        ("scrape over http", lambda t: t.replace("      scheme: https\n", "      scheme: http\n", 1)),
        ("bind the reader", lambda t: t + "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n"
         "metadata: {name: reader}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: project-metrics-reader}\n"
         "subjects: [{kind: ServiceAccount, name: prometheus-k8s, namespace: monitoring}]\n" if "project-metrics-reader" in t else t)]),
    ("KS305/fail-controller-runtime-metrics-bound-to-loopback", [
        ("bind every address", lambda t: t.replace("--metrics-bind-address=127.0.0.1:8443", "--metrics-bind-address=:8443", 1))]),
    ("KS112/fail-controller-runtime-missing-subjectaccessreviews", [
        ("grant the reviews", lambda t: t.replace("    resources: [tokenreviews]\n    verbs: [create]\n",
                                                  "    resources: [tokenreviews]\n    verbs: [create]\n  - apiGroups: [authorization.k8s.io]\n"
                                                  "    resources: [subjectaccessreviews]\n    verbs: [create]\n", 1))]),
    ("KS601/fail-operator-scrape-config-selector-only-before-0.69-second-operator-elsewhere", [
        ("the current operator reconciles it", lambda t: t.replace("--prometheus-instance-namespaces=apps", "--prometheus-instance-namespaces=monitoring", 1)),
        ("the old one upgraded", lambda t: t.replace("prometheus-operator:v0.68.0", "prometheus-operator:v0.69.0", 1))]),
    ("KS203/fail-otel-resourcedetection-processor-in-no-pipeline", [
        ("into the pipeline", lambda t: t.replace("          receivers: [prometheus]\n", "          receivers: [prometheus]\n          processors: [resourcedetection]\n", 1))]),
]


@pytest.mark.parametrize("split", [False, True], ids=["as-written", "one-document-a-file"])
@pytest.mark.parametrize(("fixture", "edits"), TODAY_CASES, ids=[case for case, _ in TODAY_CASES])
def test_todays_readers_edited_in_the_buffer_and_elsewhere(fixture: str, edits: list, split: bool, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    if split:
        _split_documents(ROOT / "fixtures" / fixture, workspace)
    else:
        shutil.copytree(ROOT / "fixtures" / fixture, workspace, ignore=shutil.ignore_patterns("expected*", "args"))
    files = sorted(str(p) for p in workspace.rglob("*.y*ml"))
    assert any(edit(Path(p).read_text()) != Path(p).read_text() for p in files for _, edit in edits)
    _each_edit_everywhere_reaches(workspace, files, files,
                                  [("shift every line down", lambda t: "# a comment\n" + t), *edits])


def test_a_long_session_of_kustomization_namespace_edits_keeps_memory_bounded(tmp_path: Path) -> None:
    """200 edits of a Kustomization's `namespace:` (each a new namespace for every object it builds): the memoised
    variants of each file (Source.remember) and the shared relabel simulations stay as many after edit 200 as
    after edit 50, and the findings are a fresh lint's."""
    shutil.copytree(ROOT / "fixtures" / "KS102" / "fail-scrape-config-files-kustomize-generator", tmp_path / "ws",
                    ignore=shutil.ignore_patterns("expected*"))
    texts = {str(p): p.read_text() for p in sorted((tmp_path / "ws").rglob("*.y*ml"))}  # (the generator's .yml too)
    kustomization = str(tmp_path / "ws" / "kustomization.yaml")
    original = texts[kustomization]
    assert re.search(r"(?m)^namespace: ", original)
    session = Session([str(tmp_path / "ws")])
    for path, text in texts.items():
        session.update(path, text, 1)

    def kept() -> tuple[int, int]:
        memo = sum(len(v) if isinstance(v, dict) else 1 for folder in session.folders
                   for source in folder.sources.values() for v in source.memo.values())
        return memo, sum(len(folder.simulations) for folder in session.folders)

    for edit in range(1, 201):
        texts[kustomization] = re.sub(r"(?m)^namespace: \S+", f"namespace: team{edit}", original, count=1)
        session.update(kustomization, texts[kustomization], edit + 1)
        session.lint()
        if edit == 50:
            at_50 = kept()
    assert kept() == at_50
    assert _session(session) == _fresh(texts, set(texts))


def test_a_folder_added_while_a_buffer_is_broken_takes_its_last_parsed_version(tmp_path: Path) -> None:
    """Documents opened before their workspace folder is added (or moved to another folder when theirs is removed):
    the new folder's tree holds the files on disk, and a buffer that does not parse then must bring its last parsed
    version as context, as it does in the folders that held it — the file on disk stayed there instead (the open
    config lost the grant typed in the RBAC buffer: KS102 back)."""
    shutil.copytree(ROOT / "examples" / "quickstart", tmp_path / "q")
    rbac, config = str(tmp_path / "q" / "prometheus-rbac.yaml"), str(tmp_path / "q" / "prometheus-config.yaml")
    texts = {str(p): p.read_text() for p in sorted((tmp_path / "q").glob("*.yaml"))}
    granted = texts[rbac].replace('resources: ["nodes", "pods"]\n    verbs: ["list", "watch"]',
                                  'resources: ["nodes", "pods", "nodes/metrics"]\n    verbs: ["get", "list", "watch"]', 1)
    broken = granted.replace('verbs: ["get", "list", "watch"]\n', 'verbs: ["get", "list", "watch"\n', 1)
    assert broken != granted != texts[rbac] and parse_source(rbac, broken).status == "failed"
    expected = sorted(_fresh({**texts, rbac: broken}, {rbac}) + _fresh({**texts, rbac: granted}, {config}))
    assert "KS102" in [rule for rule, *_ in _fresh(texts, {config})]
    assert "KS102" not in [rule for rule, *_ in expected]
    session = Session([])
    session.update(config, texts[config], 1)
    session.update(rbac, granted, 1)
    session.lint()
    session.update(rbac, broken, 2)
    session.lint()
    session.add_folder(str(tmp_path / "q"))
    assert _session(session) == expected, "folder added"
    session.add_folder(str(tmp_path))
    session.remove_folder(str(tmp_path / "q"))  # the documents move to the enclosing folder
    assert _session(session) == expected, "moved to the enclosing folder"


def test_a_relint_of_rbac_without_a_named_list_rule_skips_the_ks506_work_over_every_job(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """KS506 judges the name-restricted list/watch rules of the reported files' roles: when they hold none, working
    out every job's named discovery and every scraper's roles finds nothing, and a re-lint (the language server)
    must not pay for it. With such a rule in the edited file it is judged, and found, as in a fresh lint."""
    from kubelint_scrape.checks import rbac_objects

    calls = {"n": 0}
    scraper_roles = rbac_objects._scraper_roles

    def counting(ctx):
        calls["n"] += 1
        return scraper_roles(ctx)

    monkeypatch.setattr(rbac_objects, "_scraper_roles", counting)
    workspace = tmp_path / "ws"
    _team_files(workspace, 6)
    texts = {str(p): p.read_text() for p in sorted(workspace.rglob("*.yaml"))}
    opened = str(workspace / "team2" / "rbac.yaml")
    session = Session([str(workspace)])
    session.update(opened, texts[opened], 1)
    assert _session(session) == _fresh(texts, {opened})
    calls["n"] = 0
    texts[opened] = "# moved\n" + texts[opened]
    session.update(opened, texts[opened], 2)
    assert _session(session) == _fresh(texts, {opened})
    assert calls["n"] == 0
    texts[opened] = texts[opened].replace('verbs: ["get", "list", "watch"]', 'verbs: ["get", "list", "watch"]\n'
                                          '    resourceNames: ["app"]', 1)
    session.update(opened, texts[opened], 3)
    found = _session(session)
    assert found == _fresh(texts, {opened}) and any(rule == "KS506" for rule, *_ in found)
    assert calls["n"] >= 1


def _bench_relint_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module, name: str) -> tuple[int, int, str]:
    """In a 100-object benchmark workspace, open its first Prometheus file, lint, move its lines and lint again,
    counting calls of `module.name`: (calls of the first lint, calls of the re-lint, the edited text). The re-lint
    must report what a fresh lint does."""
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import generate

    generate.generate(str(tmp_path / "ws"), 100)
    calls = [0]
    original = getattr(module, name)

    def counting(*args):
        calls[0] += 1
        return original(*args)

    monkeypatch.setattr(module, name, counting)
    texts = {str(p): p.read_text() for p in sorted((tmp_path / "ws").rglob("*.yaml"))}
    opened = next(path for path, text in texts.items() if "prometheus-" in text[:4000])
    session = Session([str(tmp_path / "ws")])
    session.update(opened, texts[opened], 1)
    _session(session)
    first = calls[0]
    texts[opened] = "# moved\n" + texts[opened]
    session.update(opened, texts[opened], 2)
    calls[0] = 0
    found, asked = _session(session), calls[0]
    assert found == _fresh(texts, {opened})
    return first, asked, texts[opened]


def test_a_relint_asks_how_unchanged_pods_load_their_configs_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """How a pod loads a ConfigMap key (analyse._loads_key) reads the pod alone while no scrape_config_files glob is
    keyed to a ConfigMap key: remembered on the template, an edit of one file asks it again for that file's pods only,
    and the findings are a fresh lint's."""
    from kubelint_scrape import analyse

    first, asked, _text = _bench_relint_calls(tmp_path, monkeypatch, analyse, "_key_files")
    assert 2 * asked <= first, (first, asked)  # (the edited file's pods only: the other files' are known)


def test_a_relint_reads_only_the_edited_files_documents_for_kustomizations(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether a document is a Kustomization is a function of its file, memoised on the Source
    (kustomize.source_kustomizations): a re-lint asks it of the edited file's documents, not of every document of
    the workspace again (KS601's Kustomize `images:` lookup did), and reports what a fresh lint does."""
    from kubelint_scrape import kustomize

    _first, asked, text = _bench_relint_calls(tmp_path, monkeypatch, kustomize, "is_kustomization")
    documents = text.count("\nkind: ")
    assert asked <= 2 * documents, (asked, documents)


def test_a_relint_of_a_file_without_a_token_reviewing_proxy_skips_ks112s_walk_over_every_job(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """KS112's findings sit at a kube-rbac-proxy's container: a lint that reports only files without one need not
    find which jobs reach each proxy (every job of the workspace), and reports what a fresh lint does; with the
    proxy's file reported it does, and KS112 is found."""
    from kubelint_scrape.checks import authproxy

    calls = {"n": 0}
    reached = authproxy.reached_proxies

    def counting(*args):
        calls["n"] += 1
        return reached(*args)

    monkeypatch.setattr(authproxy, "reached_proxies", counting)
    case = ROOT / "fixtures" / "KS112"
    fixture = next(p for p in sorted(case.glob("fail-*")) if p.is_dir())
    shutil.copytree(fixture, tmp_path / "ws", ignore=shutil.ignore_patterns("expected*"))
    texts = {str(p): p.read_text() for p in sorted((tmp_path / "ws").rglob("*.yaml"))}
    with_proxy = [path for path, text in texts.items() if "kube-rbac-proxy" in text]
    (tmp_path / "ws" / "other.yaml").write_text("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: other, namespace: x}\n")
    texts[str(tmp_path / "ws" / "other.yaml")] = (tmp_path / "ws" / "other.yaml").read_text()
    session = Session([str(tmp_path / "ws")])
    other = str(tmp_path / "ws" / "other.yaml")
    session.update(other, texts[other], 1)
    found, asked = _session(session), calls["n"]
    assert found == _fresh(texts, {other}) and asked == 0
    session.close(other)
    calls["n"] = 0
    for path in with_proxy:
        session.update(path, texts[path], 1)
    found = _session(session)
    assert found == _fresh(texts, set(with_proxy)) and any(rule == "KS112" for rule, *_ in found)
