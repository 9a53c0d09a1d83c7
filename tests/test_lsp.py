"""The Language Server end to end: a real LSP client (pygls' LanguageClient) drives `kubelint-scrape lsp` over stdio.

The workspace is a copy of examples/quickstart: the scrape config in one file, the RBAC that lacks
`get nodes/metrics` in another. Opening the config must show KS102 on the `role: node` value; fixing the RBAC
in the editor (didChange, unsaved) must clear it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

pytest.importorskip("pygls")

from lsprotocol import types  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402

from kubelint_scrape.lsp import Session, span_range  # noqa: E402
from kubelint_scrape.yamltree import Span  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "examples" / "quickstart"
GRANT = 'rules:\n  - apiGroups: [""]\n    resources: ["nodes/metrics"]\n    verbs: ["get"]\n'  # the fix for KS102
TIMEOUT = 60


class Client:
    """A client session with the published diagnostics kept per URI."""

    def __init__(self) -> None:
        self.client = LanguageClient("kubelint-scrape-tests", "1")
        self.published: dict[str, list[types.Diagnostic]] = {}
        self.messages: list[str] = []
        self.changed = asyncio.Event()

        self.history: list[tuple[str, int | None]] = []  # (uri, version) of every publication, in order

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.published[params.uri] = params.diagnostics
            self.history.append((params.uri, params.version))
            self.changed.set()

        @self.client.feature(types.WINDOW_SHOW_MESSAGE)
        def message(params: types.ShowMessageParams) -> None:
            self.messages.append(params.message)

    async def start(self, workspace: Path) -> types.InitializeResult:
        await self.client.start_io(sys.executable, "-m", "kubelint_scrape.cli", "lsp", cwd=str(workspace))
        result = await self.client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name=workspace.name)],
        ))
        self.client.initialized(types.InitializedParams())
        return result

    async def wait_for(self, uri: str, predicate: Callable[[list[types.Diagnostic]], bool]) -> list[types.Diagnostic]:
        async def loop() -> list[types.Diagnostic]:
            while True:
                if uri in self.published and predicate(self.published[uri]):
                    return self.published[uri]
                self.changed.clear()
                await self.changed.wait()

        return await asyncio.wait_for(loop(), TIMEOUT)

    def open(self, path: Path, text: str | None = None) -> None:
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
            uri=path.as_uri(), language_id="yaml", version=1, text=path.read_text() if text is None else text)))

    def change(self, path: Path, text: str, version: int) -> None:
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
            [types.TextDocumentContentChangeWholeDocument(text=text)]))

    async def stop(self) -> None:
        await asyncio.wait_for(self.client.shutdown_async(None), TIMEOUT)
        self.client.exit(None)
        await self.client.stop()


def session_test(function: Callable[[Client, Path], Any]) -> Callable[[Path], None]:
    def test(tmp_path: Path) -> None:
        workspace = tmp_path / "workspace"
        shutil.copytree(QUICKSTART, workspace / "quickstart")

        async def run() -> None:
            client = Client()
            await client.start(workspace)
            try:
                await function(client, workspace)
            finally:
                await client.stop()

        asyncio.run(run())

    test.__name__ = function.__name__
    return test


def codes(diagnostics: list[types.Diagnostic]) -> list[str]:
    return [str(d.code) for d in diagnostics]


@session_test
async def test_open_shows_ks102_from_rbac_in_another_file_and_a_fix_clears_it(client: Client, workspace: Path) -> None:
    config = workspace / "quickstart" / "prometheus-config.yaml"
    rbac = workspace / "quickstart" / "prometheus-rbac.yaml"
    client.open(config)
    diagnostics = await client.wait_for(config.as_uri(), lambda d: "KS102" in codes(d))
    ks102 = next(d for d in diagnostics if d.code == "KS102")
    # `          - role: node` is line 20: the range is the value `node` (0-based line 19, characters 18-22).
    assert ks102.range == types.Range(types.Position(19, 18), types.Position(19, 22))
    assert ks102.severity == types.DiagnosticSeverity.Error
    assert ks102.source == "kubelint-scrape"
    assert ks102.code_description.href.endswith("#ks102-kubelet-permission-missing")
    assert 'job "kubernetes-nodes" scrapes the kubelet at :10250/metrics as monitoring/prometheus' in ks102.message
    assert 'resources: ["nodes/metrics"]' in ks102.message and 'resources: ["nodes/metrics"]' in ks102.data["fix"]
    related = {(r.location.uri, r.location.range.start.line) for r in ks102.related_information}
    assert (rbac.as_uri(), 24) in related  # the ClusterRoleBinding's subject, in a file the editor never opened

    fixed = rbac.read_text().replace("rules:\n", GRANT, 1)
    client.open(rbac)
    await client.wait_for(rbac.as_uri(), lambda d: True)
    client.change(rbac, fixed, 2)  # unsaved: the buffer is what counts
    await client.wait_for(config.as_uri(), lambda d: "KS102" not in codes(d))
    assert rbac.read_text() != fixed

    client.change(rbac, rbac.read_text(), 3)  # undo: it comes back
    await client.wait_for(config.as_uri(), lambda d: "KS102" in codes(d))


@session_test
async def test_only_open_documents_get_diagnostics_and_close_clears_them(client: Client, workspace: Path) -> None:
    config = workspace / "quickstart" / "prometheus-config.yaml"
    broken = workspace / "quickstart" / "broken.yaml"
    broken.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n")  # KS001 on disk, never opened
    client.open(config)
    await client.wait_for(config.as_uri(), lambda d: "KS102" in codes(d))
    assert broken.as_uri() not in client.published
    client.client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=config.as_uri())))
    await client.wait_for(config.as_uri(), lambda d: len(d) == 0)


@session_test
async def test_a_yaml_error_in_the_buffer_is_a_diagnostic(client: Client, workspace: Path) -> None:
    config = workspace / "quickstart" / "prometheus-config.yaml"
    client.open(config)
    await client.wait_for(config.as_uri(), lambda d: "KS102" in codes(d))
    client.change(config, config.read_text().replace("data:", "data: [", 1), 2)
    diagnostics = await client.wait_for(config.as_uri(), lambda d: "KS001" in codes(d))
    assert diagnostics[0].severity == types.DiagnosticSeverity.Error


@session_test
async def test_a_yaml_error_typed_in_one_file_leaves_the_other_files_diagnostics(client: Client, workspace: Path) -> None:
    # Half-way through an edit the RBAC file does not parse: it shows KS001, while the open config keeps what the
    # last parsed RBAC gave it — not a burst of KS101 "lacks list nodes" for every keystroke that breaks the YAML.
    config = workspace / "quickstart" / "prometheus-config.yaml"
    rbac = workspace / "quickstart" / "prometheus-rbac.yaml"
    client.open(config)
    client.open(rbac)
    await client.wait_for(config.as_uri(), lambda d: codes(d) == ["KS304", "KS102"])
    fixed = rbac.read_text().replace("rules:\n", GRANT, 1)
    client.change(rbac, fixed, 2)
    await client.wait_for(config.as_uri(), lambda d: codes(d) == ["KS304"])
    client.change(rbac, fixed.replace("rules:\n", "rules: [\n", 1), 3)
    [error] = await client.wait_for(rbac.as_uri(), lambda d: "KS001" in codes(d))
    assert (error.range.start.line, error.range.start.character) == (11, 2)  # the `-` after `rules: [` in the buffer
    line = client.published[config.as_uri()][0].range.start.line
    client.change(config, "# moved down a line\n" + config.read_text(), 2)  # re-linted with the RBAC still broken
    moved = await client.wait_for(config.as_uri(), lambda d: d[0].range.start.line == line + 1)
    assert codes(moved) == ["KS304"]
    client.change(rbac, rbac.read_text(), 4)  # parses again: this version counts
    await client.wait_for(config.as_uri(), lambda d: codes(d) == ["KS304", "KS102"])
    await client.wait_for(rbac.as_uri(), lambda d: len(d) == 0)


def test_a_buffer_that_does_not_parse_keeps_its_last_parsed_version_as_context(tmp_path: Path) -> None:
    shutil.copytree(QUICKSTART, tmp_path / "q")
    session = Session([str(tmp_path)])
    config = str(tmp_path / "q" / "prometheus-config.yaml")
    rbac = str(tmp_path / "q" / "prometheus-rbac.yaml")
    session.update(config, Path(config).read_text(), 1)
    session.update(rbac, "x: [\n", 1)  # broken from the start: the file on disk is the last version that parsed
    results = session.lint()
    assert [f.rule for f in results[config]] == ["KS304", "KS102"]
    assert [(f.rule, f.span.line) for f in results[rbac]] == [("KS001", 2)]
    session.close(rbac)
    assert [f.rule for f in session.lint()[config]] == ["KS304", "KS102"]
    broken = tmp_path / "q" / "broken.yaml"  # never parsed: nothing to keep
    session.update(str(broken), "a: [\n", 1)
    assert [f.rule for f in session.lint()[str(broken)]] == ["KS001"]


@session_test
async def test_a_burst_of_changes_is_linted_about_twice_and_ends_on_the_last_text(client: Client, workspace: Path) -> None:
    # Each change renames the job, so every lint publishes something new: the publications count the lints.
    config = workspace / "quickstart" / "prometheus-config.yaml"
    text = config.read_text()
    client.open(config)
    await client.wait_for(config.as_uri(), lambda d: "KS102" in codes(d))
    seen = len(client.history)
    for version in range(2, 52):
        client.change(config, text.replace("kubernetes-nodes", f"nodes-{version}"), version)
    final = await client.wait_for(config.as_uri(), lambda d: any('"nodes-51"' in x.message for x in d))
    await asyncio.sleep(0.5)  # nothing after the last text
    versions = [version for uri, version in client.history[seen:] if uri == config.as_uri()]
    assert versions[-1] == 51 and client.published[config.as_uri()] == final
    assert len(versions) <= 10, versions  # 41 of 50 when each lint followed the previous at once


@session_test
async def test_suppression_comment_typed_in_the_editor(client: Client, workspace: Path) -> None:
    config = workspace / "quickstart" / "prometheus-config.yaml"
    client.open(config)
    await client.wait_for(config.as_uri(), lambda d: "KS102" in codes(d))
    job = "      - job_name: kubernetes-nodes"
    text = config.read_text().replace(job, "      # kubelint-scrape: ignore[KS102] granted by the platform role\n" + job)
    client.change(config, text, 2)
    await client.wait_for(config.as_uri(), lambda d: "KS102" not in codes(d))


@session_test
async def test_a_document_linted_for_its_language_is_relinted_on_change(client: Client, workspace: Path) -> None:
    # `prometheus.rules` is no YAML by its name, but opened as YAML it is linted: its edits must be too.
    document = workspace / "quickstart" / "prometheus.rules"
    document.write_text("a: 1\n")
    client.open(document)
    await client.wait_for(document.as_uri(), lambda d: len(d) == 0)
    client.change(document, "a: [\n", 2)
    await client.wait_for(document.as_uri(), lambda d: "KS001" in codes(d))


@session_test
async def test_diagnostics_go_out_under_the_uri_the_client_opened_the_document_by(client: Client, workspace: Path) -> None:
    # The same path has several URI spellings (`+`, `(`, `)` may be escaped or not): a client comparing URIs as
    # strings finds diagnostics only under its own, and clears them on close only there.
    folder = workspace / "a+b (1)"
    shutil.copytree(workspace / "quickstart", folder)
    config = folder / "prometheus-config.yaml"
    uri = config.as_uri().replace("%2B", "+").replace("%28", "(").replace("%29", ")")
    assert uri != config.as_uri()
    client.client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=uri, language_id="yaml", version=1, text=config.read_text())))
    await client.wait_for(uri, lambda d: "KS102" in codes(d))
    client.client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))
    await client.wait_for(uri, lambda d: len(d) == 0)
    assert config.as_uri() not in client.published


@session_test
async def test_a_workspace_folder_added_later_is_loaded(client: Client, workspace: Path) -> None:
    # The server advertises workspace-folder change notifications (workspace.workspaceFolders.changeNotifications).
    other = workspace.parent / "other"
    shutil.copytree(QUICKSTART, other / "q")
    (other / "q" / "sub").mkdir()
    config = other / "q" / "sub" / "prometheus-config.yaml"  # the RBAC is one directory up: in the folder only
    shutil.move(str(other / "q" / "prometheus-config.yaml"), config)
    client.client.workspace_did_change_workspace_folders(types.DidChangeWorkspaceFoldersParams(
        types.WorkspaceFoldersChangeEvent(added=[types.WorkspaceFolder(uri=other.as_uri(), name="other")], removed=[])))
    client.open(config)
    await client.wait_for(config.as_uri(), lambda d: "KS102" in codes(d))


def missing_entries(diagnostics: list[types.Diagnostic]) -> set[str]:
    """The entries KS008 reports missing: `entry` as its message quotes it."""
    return {d.message.split("`")[1] for d in diagnostics if d.code == "KS008"}


@session_test
async def test_kustomize_entries_exist_as_the_saved_tree_would_hold_them(client: Client, workspace: Path) -> None:
    """KS008 judges a Kustomization's entries on the file system, as `kustomize build` reads it — of the saved tree:
    an open buffer is the file saving writes (the README: unsaved buffers count), even before it is on disk or after
    it was deleted there; and a file no walk reads (a generator's .env) created or deleted on disk is re-judged at
    once (watched files), though no linted Source changed."""
    directory = workspace / "k"
    directory.mkdir()
    kustomization = directory / "kustomization.yaml"
    kustomization.write_text("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: monitoring\n"
                             "resources:\n  - extra.yaml\nconfigMapGenerator:\n  - name: settings\n    envs: [app.env]\n")
    client.open(kustomization)
    await client.wait_for(kustomization.as_uri(), lambda d: missing_entries(d) == {"extra.yaml", "app.env"})
    extra = directory / "extra.yaml"
    client.open(extra, "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: prometheus\n")  # not on disk
    await client.wait_for(kustomization.as_uri(), lambda d: missing_entries(d) == {"app.env"})

    def watched(path: Path, change: types.FileChangeType) -> None:
        client.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams([types.FileEvent(path.as_uri(), change)]))

    env = directory / "app.env"
    env.write_text("LEVEL=debug\n")
    watched(env, types.FileChangeType.Created)
    await client.wait_for(kustomization.as_uri(), lambda d: missing_entries(d) == set())
    env.unlink()
    watched(env, types.FileChangeType.Deleted)
    await client.wait_for(kustomization.as_uri(), lambda d: missing_entries(d) == {"app.env"})
    client.client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(extra.as_uri())))
    await client.wait_for(kustomization.as_uri(), lambda d: missing_entries(d) == {"extra.yaml", "app.env"})


@session_test
async def test_saving_an_exclude_clears_the_open_documents_it_matches(client: Client, workspace: Path) -> None:
    config = workspace / "quickstart" / "prometheus-config.yaml"
    client.open(config)
    await client.wait_for(config.as_uri(), lambda d: "KS102" in codes(d))
    settings = workspace / ".kubelint-scrape.yaml"
    settings.write_text("exclude: [quickstart/]\n")
    client.client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(settings.as_uri())))
    await client.wait_for(config.as_uri(), lambda d: len(d) == 0)
    settings.write_text("exclude: []\n")
    client.client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(settings.as_uri())))
    await client.wait_for(config.as_uri(), lambda d: "KS102" in codes(d))


def test_invalid_configuration_is_shown_and_defaults_are_used(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    shutil.copytree(QUICKSTART, workspace)
    (workspace / ".kubelint-scrape.yaml").write_text("selct: [KS1]\n")

    async def run() -> None:
        client = Client()
        await client.start(workspace)
        try:
            config = workspace / "prometheus-config.yaml"
            client.open(config)
            await client.wait_for(config.as_uri(), lambda d: "KS102" in codes(d))
            assert any("unknown key 'selct'" in m for m in client.messages)
        finally:
            await client.stop()

    asyncio.run(run())


@pytest.mark.parametrize("shut_down, status", [(True, 0), (False, 1)])
def test_the_exit_status_says_whether_shutdown_came_first(shut_down: bool, status: int, tmp_path: Path) -> None:
    # LSP 3.17, exit notification: 0 after a shutdown request, else 1 (pygls returns quietly either way).
    import json
    import subprocess

    def frame(message: dict) -> bytes:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        return b"Content-Length: %d\r\n\r\n" % len(body) + body

    messages = [{"id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}},
                {"method": "initialized", "params": {}}]
    if shut_down:
        messages.append({"id": 2, "method": "shutdown"})
    messages.append({"method": "exit"})
    process = subprocess.run([sys.executable, "-m", "kubelint_scrape.cli", "lsp"], cwd=tmp_path, timeout=TIMEOUT,
                             input=b"".join(frame(m) for m in messages), capture_output=True)
    assert process.returncode == status, process.stderr.decode()


# ---------------------------------------------------------------------------------------------- without the protocol


def test_session_lints_open_documents_with_the_workspace_as_context(tmp_path: Path) -> None:
    shutil.copytree(QUICKSTART, tmp_path / "q")
    (tmp_path / ".kubelint-scrape.yaml").write_text("select: [KS1]\n")
    session = Session([str(tmp_path)])
    config = str(tmp_path / "q" / "prometheus-config.yaml")
    session.update(config, Path(config).read_text(), 1)
    assert [f.rule for f in session.lint()[config]] == ["KS102"]
    rbac = str(tmp_path / "q" / "prometheus-rbac.yaml")
    Path(rbac).write_text(Path(rbac).read_text().replace("rules:\n", GRANT, 1))
    session.file_changed(rbac)  # edited outside the editor (watched files)
    assert session.lint() == {config: []}


def test_nested_workspace_folders_report_an_open_document_once_from_its_buffer(tmp_path: Path) -> None:
    # The outer folder loads the inner one's files too: it must read the buffer, not its disk copy, and leave
    # the reporting to the inner (deepest) folder — not publish its own copy of every finding.
    shutil.copytree(QUICKSTART, tmp_path / "q")
    session = Session([str(tmp_path), str(tmp_path / "q")])
    config = str(tmp_path / "q" / "prometheus-config.yaml")
    rbac = str(tmp_path / "q" / "prometheus-rbac.yaml")
    session.update(config, Path(config).read_text(), 1)
    assert [f.rule for f in session.lint()[config]] == ["KS304", "KS102"]
    session.update(rbac, Path(rbac).read_text().replace("rules:\n", GRANT, 1), 1)  # unsaved
    assert [f.rule for f in session.lint()[config]] == ["KS304"]
    assert all(folder.sources[rbac] is session.buffers[rbac] for folder in session.folders)
    session.close(rbac)
    assert [f.rule for f in session.lint()[config]] == ["KS304", "KS102"]


def test_a_workspace_folder_added_or_removed_later_is_the_context_of_open_documents(tmp_path: Path) -> None:
    shutil.copytree(QUICKSTART, tmp_path / "b" / "q")
    (tmp_path / "a").mkdir()
    deep = tmp_path / "b" / "q" / "sub"
    deep.mkdir()
    config = str(deep / "prometheus-config.yaml")
    shutil.move(str(tmp_path / "b" / "q" / "prometheus-config.yaml"), config)
    session = Session([str(tmp_path / "a")])
    session.update(config, Path(config).read_text(), 1)  # outside every folder: linted on its own
    assert "KS102" not in [f.rule for f in session.lint()[config]]
    session.add_folder(str(tmp_path / "b"))  # workspace/didChangeWorkspaceFolders
    assert "KS102" in [f.rule for f in session.lint()[config]]
    assert [f.root for f in session.folders if f.context_only] == []
    session.remove_folder(str(tmp_path / "b"))
    assert "KS102" not in [f.rule for f in session.lint()[config]]


@pytest.mark.parametrize("line, column, encoding, expected", [
    ("  - role: node", 11, "utf-16", ((0, 10), (0, 14))),
    ("  name: \"débogage\" # x", 9, "utf-16", ((0, 8), (0, 18))),
    ("  emoji: 😀x: y", 10, "utf-16", ((0, 9), (0, 12))),
    ("  emoji: 😀x: y", 10, "utf-8", ((0, 9), (0, 14))),
    ("  hostNetwork: true", 3, "utf-16", ((0, 2), (0, 13))),
    ("", 1, "utf-16", ((0, 0), (0, 0))),
    # a flow collection is the node up to its closing bracket (not `{apiGroups`, read as a plain scalar)
    ('  - {apiGroups: [""], verbs: ["*"]}', 5, "utf-16", ((0, 4), (0, 35))),
    ('x: [{a: "]}"}, b] # [c]', 4, "utf-16", ((0, 3), (0, 17))),
    ('x: ["😀"]', 4, "utf-16", ((0, 3), (0, 9))),
    ("x: {a: 1,", 4, "utf-16", ((0, 3), (0, 4))),  # closed on a later line: its bracket
])
def test_ranges_cover_the_token_in_the_client_encoding(line: str, column: int, encoding: str, expected) -> None:
    assert span_range(Span("x", 1, column), line, encoding) == expected


@pytest.mark.parametrize("text, expected", [
    # The parser skips a byte-order mark, which the client's text may hold: its columns on line 1 are one short.
    ("\ufeffx: {a: 1, a: 2}\n", ((0, 11), (0, 12), (0, 5), (0, 6))),
    # YAML breaks lines at NEL, LS and PS too; the protocol only at \n, \r\n and \r (LSP 3.17, Text Documents).
    ("x: 'é\u2028y'\ny: {a: 1, a: 2}\n", ((1, 10), (1, 11), (1, 4), (1, 5))),
    ("x: 'é\x85y'\ny: {a: 1, a: 2}\n", ((1, 10), (1, 11), (1, 4), (1, 5))),
    ("x: 'é\u2029y'\r\ny: {a: 1, a: 2}\r\n", ((1, 10), (1, 11), (1, 4), (1, 5))),
    ("x: 'é\ry'\ry: {a: 1, a: 2}\r", ((2, 10), (2, 11), (2, 4), (2, 5))),  # \r alone: a break for both
])
def test_ranges_count_lines_and_characters_as_the_client_does(text: str, expected, tmp_path: Path) -> None:
    from kubelint_scrape.lsp import diagnostics_of

    path = tmp_path / "doc.yaml"
    session = Session([str(tmp_path)])
    session.update(str(path), text, 1)
    [(diagnostics, _version)] = diagnostics_of(session.snapshot(), "utf-16").values()
    [duplicate] = [d for d in diagnostics if d.code == "KS005"]
    first = duplicate.related_information[0].location.range
    assert (duplicate.range.start.line, duplicate.range.start.character) == expected[0]
    assert (duplicate.range.end.line, duplicate.range.end.character) == expected[1]
    assert ((first.start.line, first.start.character), (first.end.line, first.end.character)) == expected[2:]


def test_saving_the_configuration_reconfigures_the_session(tmp_path: Path) -> None:
    shutil.copytree(QUICKSTART, tmp_path / "q")
    session = Session([str(tmp_path)])
    config = str(tmp_path / "q" / "prometheus-config.yaml")
    session.update(config, Path(config).read_text(), 1)
    assert "KS102" in [f.rule for f in session.lint()[config]]
    settings = tmp_path / ".kubelint-scrape.yaml"
    settings.write_text("ignore: [KS102]\n")
    assert session.reload_config(str(settings))
    assert "KS102" not in [f.rule for f in session.lint()[config]]
    settings.write_text("ignore: [KS1O2]\n")  # broken: reported, and the defaults apply
    session.reload_config(str(settings))
    assert session.messages and "KS1O2" in session.messages[-1]
    assert "KS102" in [f.rule for f in session.lint()[config]]


def test_configured_paths_bound_the_context_and_exclude_applies(tmp_path: Path) -> None:
    shutil.copytree(QUICKSTART, tmp_path / "deploy")
    (tmp_path / "deploy" / "old").mkdir()
    (tmp_path / "deploy" / "old" / "broken.yaml").write_text("a: [\n")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "x.yaml").write_text("a: 1\n")
    (tmp_path / ".kubelint-scrape.yaml").write_text("paths: [deploy]\nexclude: [old/]\n")
    session = Session([str(tmp_path)])
    assert sorted(os.path.relpath(p, tmp_path) for p in session.folders[0].sources) == [
        "deploy/prometheus-config.yaml", "deploy/prometheus-deployment.yaml", "deploy/prometheus-rbac.yaml"]
    assert session.excluded(str(tmp_path / "deploy" / "old" / "broken.yaml"))
    assert not session.excluded(str(tmp_path / "deploy" / "prometheus-rbac.yaml"))


def test_a_new_exclude_drops_an_open_document_and_its_removal_brings_it_back(tmp_path: Path) -> None:
    # Whether an open document is linted is decided again when the configuration changes, not only on didOpen:
    # an excluded document showed the findings of a lint that no longer saw its context (KS100), and one opened
    # while excluded stayed without diagnostics after the exclusion went.
    shutil.copytree(QUICKSTART, tmp_path / "q")
    session = Session([str(tmp_path)])
    config = tmp_path / "q" / "prometheus-config.yaml"
    documents = [(str(config), config.read_text(), 1, config.as_uri())]
    assert session.reconsider(documents) == []
    assert "KS102" in [f.rule for f in session.lint()[str(config)]]
    settings = tmp_path / ".kubelint-scrape.yaml"
    settings.write_text("exclude: [q/]\n")
    assert session.reload_config(str(settings))
    assert session.reconsider(documents) == [config.as_uri()]  # its diagnostics are cleared
    assert session.lint() == {}
    settings.write_text("exclude: []\n")
    session.reload_config(str(settings))
    assert session.reconsider(documents) == []
    assert "KS102" in [f.rule for f in session.lint()[str(config)]]


def test_watched_directories_and_files_created_later_are_the_context_a_fresh_lint_reads(tmp_path: Path) -> None:
    shutil.copytree(QUICKSTART, tmp_path / "q")
    session = Session([str(tmp_path)])
    config = tmp_path / "q" / "prometheus-config.yaml"
    session.update(str(config), config.read_text(), 1)

    def rules() -> list[str]:
        return [f.rule for f in session.lint()[str(config)]]

    # A directory moved in arrives as one event: its files are loaded (zz/ is walked after q/: its ClusterRole
    # wins); deleted, they go with it (VS Code reports a directory's deletion only, microsoft/vscode#109754).
    granted = (tmp_path / "q" / "prometheus-rbac.yaml").read_text().replace("rules:\n", GRANT, 1)
    (tmp_path / "zz").mkdir()
    (tmp_path / "zz" / "rbac.yaml").write_text(granted)
    assert session.file_changed(str(tmp_path / "zz"))
    assert "KS102" not in rules()
    shutil.rmtree(tmp_path / "zz")
    assert session.file_changed(str(tmp_path / "zz"), deleted=True)
    assert "KS102" in rules()
    # Files a directory walk skips are no context when created later either: nothing to re-lint.
    for skipped in (tmp_path / ".venv" / "x" / "rbac.yaml", tmp_path / "q" / "prometheus.rules"):
        skipped.parent.mkdir(parents=True, exist_ok=True)
        skipped.write_text(granted)
        assert not session.file_changed(str(skipped))
    assert "KS102" in rules()
    # Where two files define the same ClusterRole, the one a walk reads last wins, however late it was created:
    # `a.yaml`'s grant is replaced by prometheus-rbac.yaml's rules, as in a fresh lint.
    (tmp_path / "q" / "a.yaml").write_text(granted)
    assert session.file_changed(str(tmp_path / "q" / "a.yaml"))
    assert "KS102" in rules()
    assert list(session.folders[0].sources) == sorted(session.folders[0].sources, key=lambda p: Path(p).parts)


def test_a_buffer_is_refused_as_its_file_would_be(tmp_path: Path) -> None:
    # The size limit bounds what one input may cost, in the editor too; binary content is no YAML to parse.
    (tmp_path / ".kubelint-scrape.yaml").write_text("max-file-size: 1\n")
    session = Session([str(tmp_path)])
    big, binary = str(tmp_path / "big.yaml"), str(tmp_path / "bin.yaml")
    session.update(big, "a: 1\n# " + "é" * 2**19 + "\n", 1)  # 2**19 characters, over 1 MB in UTF-8
    session.update(binary, "a: 1\nb: x\x00y\n", 1)
    results = session.lint()
    assert [(f.rule, f.message) for f in results[big]] == [
        ("KS004", "buffer is over the 1 MB limit (--max-file-size); not read")]
    assert [(f.rule, f.span.line, f.span.column) for f in results[binary]] == [("KS004", 2, 5)]


def test_converted_diagnostics_kept_between_runs_are_those_of_the_last_run_only(tmp_path: Path) -> None:
    # Typing above the findings moves them all: every run converts them anew under new keys. A long session must
    # keep the conversions the next run can reuse (the last run's), not every version typed since the start.
    from kubelint_scrape import lsp

    shutil.copytree(QUICKSTART, tmp_path / "q")
    session = Session([str(tmp_path)])
    config = tmp_path / "q" / "prometheus-config.yaml"
    text = config.read_text()
    sizes = []
    for version in range(1, 31):
        session.update(str(config), "# line\n" * version + text, version)
        [(diagnostics, _version)] = lsp.diagnostics_of(session.snapshot(), "utf-16").values()
        sizes.append(len(lsp._DIAGNOSTICS))
    assert len(diagnostics) >= 2
    assert max(sizes) <= 2 * len(diagnostics), sizes
    session.update(str(config), "# line\n" * 30 + text, 31)  # unchanged: the same objects again
    [(again, _version)] = lsp.diagnostics_of(session.snapshot(), "utf-16").values()
    assert all(a is b for a, b in zip(again, diagnostics))


def test_a_burst_of_changes_parses_the_buffer_once_when_it_is_linted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # didChange after didChange (a held key, a formatter) must not parse every version: the lint reads the last
    # one only, and a large document took seconds to parse per keystroke before that lint could even start.
    from kubelint_scrape import lsp

    parsed = []
    real = lsp.buffer_source
    monkeypatch.setattr(lsp, "buffer_source", lambda path, text, limits: parsed.append(text) or real(path, text, limits))
    shutil.copytree(QUICKSTART, tmp_path / "q")
    session = Session([str(tmp_path)])
    config = tmp_path / "q" / "prometheus-config.yaml"
    text = config.read_text()
    for version in range(1, 21):
        session.update(str(config), text.replace("kubernetes-nodes", f"nodes-{version}"), version)
    assert parsed == []
    findings = session.lint()[str(config)]
    assert len(parsed) == 1 and "nodes-20" in parsed[0]
    assert any('"nodes-20"' in f.message for f in findings)
    session.update(str(config), "a: [\n", 21)  # the last version decides, also when it does not parse
    session.close(str(config))
    assert len(parsed) == 1


def test_a_relint_does_not_ask_every_unchanged_workload_whether_it_runs_kube_rbac_proxy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The declared kube-rbac-proxy targets are built anew at each re-lint; whether an unchanged workload runs the
    # proxy is known from the run before (its pod template lives as long as its file's Source). Only the pods
    # that do run it are read again, for their targets.
    from kubelint_scrape import authproxy

    shutil.copytree(QUICKSTART, tmp_path / "q")
    for n in range(5):
        (tmp_path / "q" / f"app-{n}.yaml").write_text(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app-{n}, namespace: monitoring}}\nspec:\n"
            f"  selector: {{matchLabels: {{app: a{n}}}}}\n  template:\n    metadata: {{labels: {{app: a{n}}}}}\n"
            f"    spec:\n      containers:\n        - {{name: app, image: example/app:1}}\n"
            + ("        - {name: proxy, image: quay.io/brancz/kube-rbac-proxy:v0.18.0}\n" if n == 0 else ""))
    asked = []
    real = authproxy.is_rbac_proxy
    monkeypatch.setattr(authproxy, "is_rbac_proxy", lambda container: asked.append(container.name) or real(container))
    session = Session([str(tmp_path)])
    config = tmp_path / "q" / "prometheus-config.yaml"
    session.update(str(config), config.read_text(), 1)
    session.lint()
    assert asked.count("app") >= 5
    asked.clear()
    session.update(str(config), config.read_text() + "# edited\n", 2)
    session.lint()
    assert sorted(asked) == ["app", "proxy"]  # the one pod that runs the proxy


def test_fixes_that_offer_an_existing_role_judge_each_role_of_the_inputs_once_per_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A scraper bound to nothing: each denied need's fix looks for a role of the inputs to bind. Which roles are
    # read-only enough to offer does not depend on the need: judged once per run, not once per fix per role.
    from kubelint_scrape import fixes
    from kubelint_scrape.rbac import Authorizer

    shutil.copytree(QUICKSTART, tmp_path / "q")
    deployment = tmp_path / "q" / "prometheus-deployment.yaml"
    deployment.write_text(deployment.read_text().replace("serviceAccountName: prometheus", "serviceAccountName: unbound"))
    (tmp_path / "q" / "roles.yaml").write_text("".join(
        f"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {{name: reader-{n}}}\n"
        f"rules: [{{apiGroups: [''], resources: [configmaps, pods], verbs: [get, list]}}]\n" for n in range(20)))
    judged = []
    real = Authorizer.effective_rules

    def counted(self: Authorizer, role: Any) -> Any:
        if sys._getframe(1).f_globals is vars(fixes):
            judged.append(role.name)
        return real(self, role)

    monkeypatch.setattr(Authorizer, "effective_rules", counted)
    session = Session([str(tmp_path)])
    config = tmp_path / "q" / "prometheus-config.yaml"
    session.update(str(config), config.read_text(), 1)
    denied = [f for f in session.lint()[str(config)] if f.rule in ("KS101", "KS102", "KS103")]
    assert len(denied) >= 2
    assert sorted(judged) == sorted(set(judged)) and "reader-0" in judged


def test_a_golden_file_created_later_that_is_not_yaml_is_no_source(tmp_path: Path) -> None:
    # As a fresh lint leaves it out (load.tentative_failure): a golden file opening as a manifest but binary after
    # it drew a KS004 when created while the editor ran; one that reads as YAML is context like any walked file.
    session = Session([str(tmp_path)])
    golden = tmp_path / "testdata" / "out.golden"
    golden.parent.mkdir()
    golden.write_bytes(b"apiVersion: v1\nkind: ServiceAccount\n\x00\x01 binary\n")
    assert not session.file_changed(str(golden))
    assert str(golden) not in session.folders[0].sources
    golden.write_text("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: p, namespace: m}\n")
    assert session.file_changed(str(golden)) and str(golden) in session.folders[0].sources
    golden.write_bytes(b"apiVersion: v1\nkind: ServiceAccount\n\x00\x01 binary\n")
    assert session.file_changed(str(golden)) and str(golden) not in session.folders[0].sources


def test_an_overlay_images_tag_edited_reaches_the_base_file_it_retags(tmp_path: Path) -> None:
    """A Kustomize overlay's `images:` retags the base's Prometheus (kpatch.py): the release KS601 checks the base's
    config against. Open the base file; change the overlay's tag in the editor, then on disk (watched files): the
    diagnostics published for the base follow each, as a fresh lint of the same files reports them."""
    case = ROOT / "fixtures" / "KS601" / "fail-kustomize-images-old-tag"
    base, overlay = tmp_path / "workspace" / "base", tmp_path / "workspace" / "overlay"
    base.mkdir(parents=True)
    overlay.mkdir()
    deployment = "".join(line for line in (case / "deploy.yaml").read_text().splitlines(True) if not line.startswith("#"))
    prometheus = base / "prometheus.yaml"
    prometheus.write_text((case / "cm.yaml").read_text() + "---\n" + deployment)
    shutil.copy(case / "rbac.yaml", base / "rbac.yaml")
    (base / "kustomization.yaml").write_text("resources:\n  - prometheus.yaml\n  - rbac.yaml\n")
    kustomization = overlay / "kustomization.yaml"
    old = ("resources:\n  - ../base\nimages:\n  - name: docker.io/prom/prometheus\n"
           "    newName: quay.io/prometheus/prometheus\n    newTag: v2.45.0\n")
    new = old.replace("v2.45.0", "v2.55.0")  # knows every field of the config
    kustomization.write_text(old)

    def refused(diagnostics: list[types.Diagnostic]) -> int:
        return sum(d.code == "KS601" and "Prometheus 2.45.0" in d.message for d in diagnostics)

    async def run() -> None:
        client = Client()
        await client.start(tmp_path / "workspace")
        try:
            client.open(prometheus)
            await client.wait_for(prometheus.as_uri(), lambda d: refused(d) == 3)
            client.open(kustomization)
            await client.wait_for(kustomization.as_uri(), lambda d: True)
            client.change(kustomization, new, 2)  # unsaved
            await client.wait_for(prometheus.as_uri(), lambda d: refused(d) == 0 and "KS601" not in codes(d))
            client.change(kustomization, old, 3)
            await client.wait_for(prometheus.as_uri(), lambda d: refused(d) == 3)
            client.client.text_document_did_close(types.DidCloseTextDocumentParams(
                types.TextDocumentIdentifier(uri=kustomization.as_uri())))
            kustomization.write_text(new)  # on disk, outside the editor
            client.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
                [types.FileEvent(uri=kustomization.as_uri(), type=types.FileChangeType.Changed)]))
            await client.wait_for(prometheus.as_uri(), lambda d: "KS601" not in codes(d))
        finally:
            await client.stop()

    asyncio.run(run())


def test_related_locations_name_a_file_by_a_uri_remembered_by_its_path() -> None:
    """Every diagnostic's related locations name other files by URI at each re-lint (most are the same files):
    the URI is a function of the path text alone, remembered by it, and the same as pathlib makes."""
    from kubelint_scrape.lsp import path_uri

    path = "/work/some team/a+b.yaml"
    assert path_uri(path) == Path(path).as_uri() == "file:///work/some%20team/a%2Bb.yaml"
    hits = path_uri.cache_info().hits
    assert path_uri(path) == Path(path).as_uri()
    assert path_uri.cache_info().hits == hits + 1


def test_a_ks606_finding_in_the_service_file_follows_the_monitor_buffer(tmp_path: Path) -> None:
    """KS606 for a Service's targetPort sits in the Service's file and is decided by the ServiceMonitor's file:
    shown with only the Service open, cleared when the monitor's buffer stops keeping that port (unsaved), back on
    undo, and cleared by the Service's own buffer targeting a declared port."""
    text = (ROOT / "fixtures" / "KS606" / "fail-service-target-port-name-not-declared" / "monitoring.yaml").read_text()
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    service, deployment, monitor, *rest = text.split("\n---\n")
    assert "kind: ServiceMonitor" in monitor
    for name, document in (("service", service), ("deployment", deployment), ("monitor", monitor), ("rest", "\n---\n".join(rest))):
        (workspace / f"{name}.yaml").write_text(document + "\n")
    service_file, monitor_file = workspace / "service.yaml", workspace / "monitor.yaml"

    async def run() -> None:
        client = Client()
        await client.start(workspace)
        try:
            client.open(service_file)
            [finding] = await client.wait_for(service_file.as_uri(), lambda d: "KS606" in codes(d))
            assert (finding.range.start.line, finding.range.start.character) == (8, 55)
            assert {r.location.uri for r in finding.related_information} == {
                monitor_file.as_uri(), (workspace / "deployment.yaml").as_uri()}
            client.open(monitor_file)
            await client.wait_for(monitor_file.as_uri(), lambda d: True)
            client.change(monitor_file, monitor_file.read_text().replace("- port: http-metrics", "- port: web", 1), 2)
            await client.wait_for(service_file.as_uri(), lambda d: "KS606" not in codes(d))
            client.change(monitor_file, monitor_file.read_text(), 3)
            await client.wait_for(service_file.as_uri(), lambda d: "KS606" in codes(d))
            client.change(service_file, service_file.read_text().replace("targetPort: metrics", "targetPort: http", 1), 2)
            await client.wait_for(service_file.as_uri(), lambda d: "KS606" not in codes(d))
        finally:
            await client.stop()

    asyncio.run(run())
