"""`kubelint-scrape lsp`: a Language Server over stdio that publishes diagnostics for open YAML documents.

Cross-file rules need the whole tree (RBAC in one file, the scrape config in another), so each workspace
folder is loaded once — its configured `paths`, else the folder itself — and its parsed Sources stay in
memory. An open, change or save re-parses only that document from the editor's buffer, then re-runs
build → analyse → checks over the kept Sources and publishes diagnostics for the open documents only (a fix
in the RBAC file clears the error shown in the config file).

The re-run is incremental, so a save in a large workspace costs about what the edited file needs:
- each unchanged file keeps its model (objects, RBAC views, embedded configs) and single-file findings on its
  Source (build.source_model, KS601/KS602), and each job its relabel simulation (analyse.simulate_job);
- a job keeps its whole analysis from the previous run when the job object, its identity resolution and the
  exact RBAC objects deciding for its identity are unchanged (Folder.previous, rbac.Authorizer.same_inputs), and
  so are the kube-rbac-proxy targets and assumed Services of the inputs (and, for static targets, their Services
  and workloads: analyse._inputs_key, _same_objects);
- checks skip the jobs, roles and workloads whose findings could only land in files that are not open
  (checks.context.Context.report_paths).
tests/test_incremental.py holds this to "the same findings as a fresh lint" over every KS1xx/KS2xx fixture and
every fixture of the readers added since (Kustomize patches and images, VictoriaMetrics, …), edits elsewhere too.

`Session` holds that state and knows nothing of the protocol (tests and the latency measurement drive it
directly); `serve()` binds it to pygls, which is imported only here, only for this command.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import os
import sys
import time
from typing import Any, Iterable

from .config import Config, ConfigError, build_options, discover_and_load
from .findings import Finding
from .load import (SKIPPED_DIRS, YAML_SUFFIXES, Source, buffer_source, find_inputs, gc_paused, read_source,
                   tentative_failure, walk_order, walked_file)
from .records import dataclass, field
from .positions import Lines, Region, region_at
from .yamltree import Span

SOURCE = "kubelint-scrape"
LINTED_LANGUAGES = {"yaml", "json", "helm"}
BURST_GAP = 0.02  # an edit this soon (seconds) after the previous one is part of a burst (faster than any typist)
BURST_PAUSE = 0.05  # seconds without an edit that end a burst of them (the server then lints its last text)
CONFIG_NAMES = (".kubelint-scrape.yaml", ".kubelint-scrape.yml", "pyproject.toml")


@dataclass(eq=False)
class Folder:
    """One workspace folder: its configuration and the Sources of every file it lints."""

    root: str
    config: Config
    options: Any
    sources: dict[str, Source] = field(default_factory=dict)  # absolute path → Source (buffer when open)
    context_only: bool = False  # a document opened outside every workspace folder: no tree to load
    # The last run's analysis: jobs whose inputs did not change since keep their results (analyse.analyse).
    previous: Any = field(default=None, repr=False)
    simulations: dict = field(default_factory=dict, repr=False)  # relabel simulations by content (analyse.simulate_job)

    def owns(self, path: str) -> bool:
        return path == self.root or path.startswith(self.root.rstrip(os.sep) + os.sep)


class Session:
    """The server's state: folders with their Sources, the open documents, and the last published results.

    An open document's buffer replaces the file on disk in every folder whose tree holds it (nested workspace
    folders each load the inner one's files), and is reported by the deepest folder only. A buffer that does not
    parse (a YAML error typed half-way through an edit) is reported as such, while its last parsed version stays
    the others' context: one keystroke must not light up every file that relies on its RBAC."""

    def __init__(self, roots: Iterable[str] = ()) -> None:
        self.folders: list[Folder] = []
        self.open: dict[str, int | None] = {}  # absolute path → document version
        self.buffers: dict[str, Source] = {}  # absolute path → its open buffer as last parsed (also when that failed)
        self.parsed: dict[str, Source] = {}  # absolute path → the last version of its open buffer that parsed
        self.unparsed: dict[str, str] = {}  # absolute path → its buffer's latest text, parsed when next needed
        self.uris: dict[str, str] = {}  # absolute path → the URI the client names the open document by
        self.messages: list[str] = []  # problems to show the user (configuration errors)
        for root in roots:
            self.add_folder(root)

    # ------------------------------------------------------------------------------------------ folders

    def add_folder(self, root: str, preload: bool = True) -> Folder:
        root = os.path.abspath(root)
        if preload:
            self.parse_buffers()  # the open documents' buffers replace the new tree's disk copies
            for folder in self.folders:
                if folder.root == root and not folder.context_only:
                    return folder
        config, options = self._configure(root)
        folder = Folder(root, config, options, context_only=not preload)
        if preload:
            self._load_tree(folder)
        self.folders.append(folder)
        self.folders.sort(key=lambda f: len(f.root), reverse=True)  # the deepest folder owns a path
        if preload and self.open:
            # documents opened before the folder was added: their buffers replace its disk copies, and those
            # that sat in a folder of their own (outside every workspace folder) now have this tree as context
            for path in self.open:
                for holder in self._holders(path):
                    self._place(holder, path)
            self._prune_context_folders()
        return folder

    def remove_folder(self, root: str) -> bool:
        """A workspace folder was removed: its open documents move to the folders left (or to one of their own)."""
        root = os.path.abspath(root)
        folder = next((f for f in self.folders if f.root == root and not f.context_only), None)
        if folder is None:
            return False
        self.parse_buffers()
        self.folders.remove(folder)
        for path in self.open:
            for holder in self._holders(path):
                self._place(holder, path)
        return True

    def _prune_context_folders(self) -> None:
        for folder in [f for f in self.folders if f.context_only]:
            for path in list(folder.sources):
                if self._owner(path) is not folder:
                    del folder.sources[path]
            if not folder.sources:
                self.folders.remove(folder)

    def _configure(self, root: str) -> tuple[Config, Any]:
        try:
            config = discover_and_load(start=root)
            return config, build_options(config)
        except (ConfigError, ValueError) as exc:
            self.messages.append(f"kubelint-scrape: invalid configuration, using defaults:\n{exc}")
            config = Config(root=root)
            return config, build_options(config)

    def _load_tree(self, folder: Folder) -> None:
        from .engine import load_sources

        sources, _problems = load_sources(_context_roots(folder), folder.options)
        folder.sources = {source.path: source for source in sources}

    def folder_for(self, path: str) -> Folder:
        """The folder that reports `path`: the deepest workspace folder holding it, else one of its own."""
        return self._owner(path) or self.add_folder(os.path.dirname(path), preload=False)

    def _owner(self, path: str) -> Folder | None:
        for folder in self.folders:
            if folder.owns(path) and not folder.context_only:
                return folder
        for folder in self.folders:
            if folder.context_only and folder.root == os.path.dirname(path):
                return folder
        return None

    def _holders(self, path: str) -> list[Folder]:
        """The folders whose lint reads `path`: its owner, and every enclosing workspace folder whose tree has it."""
        owner = self.folder_for(path)
        return [owner] + [folder for folder in self.folders if folder is not owner and not folder.context_only
                          and folder.owns(path) and (path in folder.sources or self._in_tree(folder, path))]

    def _place(self, folder: Folder, path: str) -> None:
        """The open buffer of `path` as `folder`'s Source — unless it does not parse: then the buffer's last version
        that did, else the version the folder holds if that parsed, stays its context (the buffer's own problem is
        reported all the same, Snapshot.run). Not the folder's version alone: a folder added (or one the document
        moved to) while the buffer is broken holds the file on disk, not what the buffer last was."""
        buffer = self.buffers[path]
        if buffer.status == "failed":
            parsed = self.parsed.get(path)
            previous = folder.sources.get(path)
            if parsed is not None:
                buffer = parsed
            elif previous is not None and previous.status == "linted":
                return
        _put(folder, path, buffer)

    def reload_config(self, path: str) -> bool:
        """A configuration file was saved or created: reconfigure the folders whose discovery may find it
        (it sits in the folder's root or above), and reload the tree only when what it reads changed."""
        changed = False
        directory = os.path.dirname(path)
        self.parse_buffers()  # a reloaded tree takes the open documents' buffers
        for folder in list(self.folders):
            if folder.config.path != path and not (folder.root == directory or folder.root.startswith(directory.rstrip(os.sep) + os.sep)):
                continue
            before = _tree_settings(folder.config)
            folder.config, folder.options = self._configure(folder.root)
            if not folder.context_only and _tree_settings(folder.config) != before:
                buffers = {p: s for p, s in folder.sources.items() if p in self.open}
                self._load_tree(folder)
                for p, buffer in buffers.items():
                    _put(folder, p, buffer)
            changed = True
        return changed

    # ------------------------------------------------------------------------------------------ documents

    def update(self, path: str, text: str, version: int | None = None, uri: str | None = None) -> None:
        """The editor's buffer for `path` (open or changed): this document only is parsed again, when next linted.
        Not at once: each didChange of a burst (a held key, a formatter) parsed its own version, one after the
        other, before the lint that reads only the last could start (a 10 MB document: ~2.5 s a keystroke,
        diagnostics half a minute behind ten of them)."""
        self.folder_for(path)  # one of its own for a document outside every workspace folder
        self.open[path] = version
        if uri is not None:
            self.uris[path] = uri
        self.unparsed[path] = text

    def parse_buffers(self) -> None:
        """Parse the buffers changed since they were last parsed, each in every folder whose tree holds it."""
        while self.unparsed:
            path, text = self.unparsed.popitem()
            self.buffers[path] = buffer = buffer_source(path, text, self.folder_for(path).options.limits)
            if buffer.status == "linted":
                self.parsed[path] = buffer
            for holder in self._holders(path):
                self._place(holder, path)

    def close(self, path: str) -> None:
        """Back to the file on disk (or out of the set when it is not a linted file)."""
        self.open.pop(path, None)
        self.unparsed.pop(path, None)
        self.buffers.pop(path, None)
        self.parsed.pop(path, None)
        self.uris.pop(path, None)
        for folder in self.folders:
            if path not in folder.sources:
                continue
            source = (None if folder.context_only or not os.path.isfile(path) or not self._in_tree(folder, path)
                      else _read_walked(folder, path))
            if source is None:
                del folder.sources[path]
            else:
                folder.sources[path] = source
        self._prune_context_folders()

    def reconsider(self, documents: Iterable[tuple[str, str, int | None, str]]) -> list[str]:
        """After a reconfiguration, decide again for each document the editor has open (path, text, version, URI)
        whether it is linted: a new `exclude` drops it (the URIs returned have diagnostics to clear), one no longer
        excluded starts to be, and every buffer is parsed again under the new limits (max-file-size). Opening a
        document decides so too (did_open); deciding only then showed a document excluded since with the findings
        of a lint that should not see it, or none for one excluded no more."""
        cleared = []
        for path, text, version, uri in documents:
            if self.excluded(path):
                if path in self.open:
                    cleared.append(self.uris.get(path, uri))
                    self.close(path)
            else:
                self.update(path, text, version, uri)
        return cleared

    def file_changed(self, path: str, deleted: bool = False) -> bool:
        """A file or directory changed on disk outside the editor (watched files); whether any folder's Sources
        changed. A directory comes as one event for all its files: VS Code folds the deletion of a directory's
        files into the directory's own (microsoft/vscode#109754, vscode-languageserver-node#141), and a directory
        moved in arrives whole."""
        changed = False
        for folder in self.folders:
            if folder.context_only or not folder.owns(path):
                continue
            # KS008 judges a Kustomization's entries on the file system, where this file may be one (a generator's
            # .env, a file no walk reads or `exclude` leaves out): its findings change though no Source does
            changed = changed or _named_by_kustomization(folder, path)
            if deleted or not os.path.exists(path):
                below = path.rstrip(os.sep) + os.sep
                for gone in [p for p in folder.sources if (p == path or p.startswith(below)) and p not in self.open]:
                    del folder.sources[gone]  # the buffer is the truth while open
                    changed = True
                continue
            files = find_inputs([path]).files if os.path.isdir(path) else [path]
            for file in files:
                if file not in self.open and self._in_tree(folder, file):
                    source = _read_walked(folder, file)
                    if source is not None:
                        _put(folder, file, source)
                    elif folder.sources.pop(file, None) is None:
                        continue
                    changed = True
        return changed

    def excluded(self, path: str) -> bool:
        """Matched by the configuration's `exclude`: an open document there gets no diagnostics either."""
        for folder in self.folders:
            if folder.owns(path) and not folder.context_only:
                exclude = folder.options.exclude
                return exclude is not None and exclude.matches(path)
        return False

    def _in_tree(self, folder: Folder, path: str) -> bool:
        """Whether loading the folder would have read this file: a name the walk reads, under a context root and
        no directory the walk skips (a virtualenv's or node_modules' YAML created later is no context either)."""
        if not walked_file(path):
            return False
        root = next((root for root in _context_roots(folder)
                     if path == root or path.startswith(root.rstrip(os.sep) + os.sep)), None)
        if root is None:
            return False
        if path != root and SKIPPED_DIRS.intersection(os.path.relpath(os.path.dirname(path), root).split(os.sep)):
            return False
        exclude = folder.options.exclude
        return not (exclude is not None and exclude.matches(path))

    # ------------------------------------------------------------------------------------------ linting

    def lint(self) -> dict[str, list[Finding]]:
        """Findings for every open document (an empty list clears its diagnostics)."""
        return self.snapshot().run()

    def snapshot(self) -> "Snapshot":
        """What to lint, frozen: the server lints it on a worker thread while new edits keep arriving."""
        from dataclasses import replace

        self.parse_buffers()
        work = []
        for folder in self.folders:
            wanted = {path for path in self.open if self._owner(path) is folder}
            if wanted:
                # open buffers that did not parse: the folder lints their last parsed version as context, or the
                # buffer itself when it never parsed (opened broken), whose documents before the error are context
                # then but report nothing: what the buffer shows must not depend on whether an earlier version parsed
                broken = {path: self.buffers[path] for path in wanted
                          if path in self.buffers and (self.buffers[path].status == "failed"
                                                       or folder.sources.get(path) is not self.buffers[path])}
                work.append((folder, list(folder.sources.values()), replace(folder.options, report_paths=wanted), broken))
        return Snapshot(work, dict(self.open), dict(self.buffers), dict(self.uris))

    def source(self, path: str) -> Source | None:
        self.parse_buffers()
        if path in self.buffers:
            return self.buffers[path]
        for folder in self.folders:
            if path in folder.sources:
                return folder.sources[path]
        return None


def _context_roots(folder: Folder) -> list[str]:
    """The configured `paths` (the tree a pre-commit run lints), else the whole workspace folder."""
    config = folder.config
    roots = [os.path.join(config.root, p) for p in config.paths] if config.path and config.paths else [folder.root]
    return [os.path.abspath(root) for root in roots if os.path.exists(root)]


def _read_walked(folder: Folder, path: str) -> Source | None:
    """The Source of a file the folder's walk reads, or None for a golden file that does not read as YAML (as
    load_sources leaves it out: load.tentative_failure), unless the configured paths name it."""
    source = read_source(path, folder.options.limits)
    if tentative_failure(source) and path not in _context_roots(folder):
        return None
    return source


def _put(folder: Folder, path: str, source: Source) -> None:
    """`source` as the folder's Source of `path`, the Sources kept in the order a directory walk reads them: where
    two files define the same object the one read last wins (load.walk_order), so a file created or opened after
    the tree was loaded must not go last for that alone."""
    known = path in folder.sources
    folder.sources[path] = source
    if not known:
        folder.sources = dict(sorted(folder.sources.items(), key=lambda item: walk_order(item[0])))


def _named_by_kustomization(folder: Folder, path: str) -> bool:
    from .kustomize import named_paths, names_path

    return any(names_path(named, path) for source in folder.sources.values() if (named := named_paths(source)))


def _tree_settings(config: Config) -> tuple:
    return (config.path, config.root, tuple(config.paths), tuple(config.exclude), config.max_file_size)


@dataclass(eq=False)
class Snapshot:
    # per folder: its Sources, Options (report_paths = the open documents it reports) and the buffers among those
    # that did not parse (path → that failed Source; the folder's Sources hold their last parsed version, else it)
    work: list[tuple[Folder, list[Source], Any, dict[str, Source]]]
    open: dict[str, int | None]
    buffers: dict[str, Source] = field(default_factory=dict)  # open path → its buffer, parsed
    uris: dict[str, str] = field(default_factory=dict)  # open path → the client's URI for it

    def run(self) -> dict[str, list[Finding]]:
        from .engine import lint_sources

        results: dict[str, list[Finding]] = {path: [] for path in self.open}
        for folder, sources, options, broken in self.work:
            # a broken buffer among the Sources reports its load findings itself (checks.inputs), the others here
            linted = {id(source) for source in sources}
            problems = [finding for source in broken.values() if id(source) not in linted for finding in source.findings]
            result = lint_sources(sources, options, problems, previous=folder.previous, shared_simulations=folder.simulations)
            folder.previous = result.analysis
            own = {id(finding) for source in broken.values() for finding in source.findings}
            for finding in result.findings:
                if finding.span.path in broken and id(finding) not in own:
                    continue  # found in the last version that parsed, at its positions: the buffer's error stands alone
                results.setdefault(finding.span.path, []).append(finding)
        return results

    def sources(self) -> dict[str, Source]:
        """Every linted Source by path, an open document's being its buffer (the text the client positions in)."""
        by_path = {source.path: source for _folder, sources, _options, _broken in self.work for source in sources}
        by_path.update(self.buffers)
        return by_path


# ---------------------------------------------------------------------------------------------- diagnostics


def _units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def span_range(span: Span, line_text: str, encoding: str = "utf-16") -> tuple[tuple[int, int], tuple[int, int]]:
    """((line, character), (line, character)) 0-based in the client's position encoding, for a span whose line
    and column count as the client does (Lines.locate makes them so)."""
    return _range(region_at(max(span.line - 1, 0), line_text, max(span.column - 1, 0)), encoding)


def _range(region: Region, encoding: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """A Region (positions.py: the same start and end every report shows) in the client's position encoding."""
    text, line = region.text, region.line - 1
    start = _units(text[:region.column - 1], encoding)
    end = _units(text[:region.end_column - 1], encoding) if region.end_column else start
    return (line, start), (line, end)


def diagnostic(finding: Finding, lines: Lines, encoding: str = "utf-16", uris: dict[str, str] | None = None) -> Any:
    """`uris`: the client's URIs of open documents (a related location in one is named as the client names it)."""
    from lsprotocol import types

    from .docs import help_uri

    def to_range(span: Span) -> Any:
        (l1, c1), (l2, c2) = _range(lines.region(span), encoding)
        return types.Range(types.Position(l1, c1), types.Position(l2, c2))

    related = [
        types.DiagnosticRelatedInformation(types.Location((uris or {}).get(r.span.path) or path_uri(r.span.path),
                                                          to_range(r.span)), r.message)
        for r in finding.related if os.path.isabs(r.span.path)
    ]
    message = finding.message + (f"\nFix: {finding.fix}" if finding.fix else "")
    severity = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}.get(
        finding.severity, types.DiagnosticSeverity.Information)
    return types.Diagnostic(
        range=to_range(finding.span),
        message=message,
        severity=severity,
        code=finding.rule,
        code_description=types.CodeDescription(href=help_uri(finding.rule)),
        source=SOURCE,
        related_information=related or None,
        data={"rule": finding.rule, "name": finding.name, "fix": finding.fix, "object": finding.object},
    )


@functools.lru_cache(maxsize=4096)  # of the path text alone: a re-lint names the same related files again
def path_uri(path: str) -> str:
    from pathlib import Path

    return Path(path).as_uri()


def uri_path(uri: str) -> str | None:
    from urllib.parse import unquote, urlparse

    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and path.startswith("/") and len(path) > 2 and path[2] == ":":
        path = path[1:]
    return os.path.abspath(path)


# ---------------------------------------------------------------------------------------------- the server


def serve() -> None:  # pragma: no cover - exercised through a subprocess in tests/test_lsp.py
    gc.enable()  # the console script turns it off for one-shot commands; a server runs for hours
    server = create_server()
    server.start_io()
    # pygls ends start_io() quietly on `exit` (it catches its own SystemExit): the status is ours to give, 0 only
    # after a shutdown request (LSP 3.17, exit notification), so a client can tell a crash from a clean stop.
    sys.exit(0 if server.kubelint_shut_down else 1)


def create_server() -> Any:
    from lsprotocol import types

    try:
        from pygls.lsp.server import LanguageServer  # pygls ≥ 2
    except ImportError:  # pygls 1.x
        from pygls.server import LanguageServer  # type: ignore[no-redef]

    from . import __version__

    server = LanguageServer(SOURCE, __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
    state: dict[str, Any] = {"session": None, "published": {}, "dirty": False, "edited": 0.0, "burst": False, "task": None,
                             "frozen": False}

    def session() -> Session:
        if state["session"] is None:
            roots = []
            for folder in server.workspace.folders.values():
                path = uri_path(folder.uri)
                if path:
                    roots.append(path)
            root_uri = server.workspace.root_uri
            if not roots and root_uri and uri_path(root_uri):
                roots.append(uri_path(root_uri))
            state["session"] = Session(roots)
            for message in state["session"].messages:
                _show(server, types.MessageType.Error, message)
            state["session"].messages.clear()
        return state["session"]

    def encoding() -> str:
        value = getattr(server.workspace, "position_encoding", None)
        return str(getattr(value, "value", value) or "utf-16")

    def publish() -> None:
        """Lint soon: at once after a quiet spell; edits that come in a burst (each within BURST_GAP of the one
        before) once they pause, so a burst costs about two lints; the server keeps reading messages meanwhile."""
        now = time.monotonic()
        state["burst"] = state["burst"] or now - state["edited"] < BURST_GAP
        state["dirty"] = True
        state["edited"] = now
        if state["task"] is None or state["task"].done():
            state["task"] = asyncio.ensure_future(lint_until_clean())

    async def lint_until_clean() -> None:
        loop = asyncio.get_running_loop()
        await asyncio.sleep(0)  # let notifications already queued (more keystrokes) land first
        while state["dirty"]:
            if state["burst"]:
                await pause_in_edits()
                state["burst"] = False
            state["dirty"] = False
            snapshot = session().snapshot()
            try:
                published = await loop.run_in_executor(None, diagnostics_of, snapshot, encoding())
            except Exception as exc:  # a bug in one check must not stop the server
                _log(server, f"kubelint-scrape: lint failed: {exc!r}")
                continue
            if not state["frozen"]:
                # The workspace's trees and models are loaded now and live as long as the server: move them out of
                # the cyclic collector's sight, or each full collection walks them all (~0.1 s on 1,000 objects).
                state["frozen"] = True
                gc.collect()
                gc.freeze()
            still_open = session().open
            for uri, (diagnostics, version) in published.items():
                if uri_path(uri) not in still_open or state["published"].get(uri) == diagnostics:
                    continue  # closed while linting (already cleared), or nothing new to say
                state["published"][uri] = diagnostics
                _publish(server, types, uri, diagnostics, version)

    async def pause_in_edits() -> None:
        """Edits came in a burst (a replace-all, a formatter, a held key): wait until it pauses. pygls reads each
        message through its thread pool, slowly while a lint holds the GIL, so linting whenever the last lint ended
        linted nearly every edit of a burst (41 lints for 50 quick didChange), its last diagnostics a second late.
        An edit after a quiet spell — each of an editor's ordinary keystrokes, or the benchmark's edits, which each
        wait for the diagnostics of the one before — is linted at once."""
        while (wait := state["edited"] + BURST_PAUSE - time.monotonic()) > 0:
            await asyncio.sleep(wait)

    def linted(uri: str, language: str | None = None) -> str | None:
        path = uri_path(uri)
        if path is None:
            return None
        if path.endswith(YAML_SUFFIXES) or (language or "").lower() in LINTED_LANGUAGES:
            return path
        return None

    server.kubelint_shut_down = False

    @server.feature(types.SHUTDOWN)
    def shutdown(_params: Any) -> None:
        server.kubelint_shut_down = True

    @server.feature(types.INITIALIZED)
    def initialized(_params: types.InitializedParams) -> None:
        session()  # load the workspace once, before the first document arrives
        watch = getattr(getattr(getattr(server.client_capabilities, "workspace", None), "did_change_watched_files", None),
                        "dynamic_registration", False)
        if watch:
            pattern = "**/{*.yaml,*.yml,*.json,pyproject.toml,.kubelint-scrape.yaml,.kubelint-scrape.yml}"
            # Directories too, created or deleted: a client reports a directory's deletion (or arrival) as one event
            # for the directory, none for its files (Session.file_changed), and a directory matches no file pattern.
            directories = types.FileSystemWatcher(glob_pattern="**/*", kind=types.WatchKind.Create | types.WatchKind.Delete)
            registration = types.Registration(
                id="kubelint-scrape-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                    watchers=[types.FileSystemWatcher(glob_pattern=pattern), directories]),
            )
            try:
                _register(server, types.RegistrationParams(registrations=[registration]))
            except Exception:  # the client may refuse; linting still works without it
                pass

    def forget(uri: str) -> None:
        """The document's diagnostics go: closed, or no longer linted."""
        state["published"].pop(uri, None)
        _publish(server, types, uri, [], None)

    def reconfigured() -> None:
        """The configuration changed: show its problems, re-decide which open documents are linted, lint again."""
        current = session()
        _show_messages(server, types, current)
        documents = []
        for uri, document in list(server.workspace.text_documents.items()):
            path = linted(document.uri, document.language_id)
            if path is not None:
                documents.append((path, document.source, document.version, document.uri))
        for uri in current.reconsider(documents):
            forget(uri)
        state["published"].clear()
        if current.open:
            publish()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        document = params.text_document
        path = linted(document.uri, document.language_id)
        if path is None or session().excluded(path):
            return
        session().update(path, document.text, document.version, document.uri)
        publish()

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        # whether the document is linted was decided when it was opened (by its language too, not its name only)
        path = uri_path(params.text_document.uri)
        if path is None or path not in session().open:
            return
        text = server.workspace.get_text_document(params.text_document.uri).source
        session().update(path, text, params.text_document.version, params.text_document.uri)
        publish()

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=True))
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        path = uri_path(params.text_document.uri)
        if path is None:
            return
        if os.path.basename(path) in CONFIG_NAMES and session().reload_config(path):
            reconfigured()
            return
        if path not in session().open:
            return
        text = params.text if params.text is not None else server.workspace.get_text_document(params.text_document.uri).source
        session().update(path, text, session().open.get(path), params.text_document.uri)
        publish()

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        path = uri_path(params.text_document.uri)
        if path is None or path not in session().open:
            return
        uri = session().uris.get(path, params.text_document.uri)  # the URI its diagnostics went out under
        session().close(path)
        forget(uri)
        publish()

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders_changed(params: types.DidChangeWorkspaceFoldersParams) -> None:
        # The server advertises workspace-folder change notifications: a folder added later is a tree to load
        # (cross-file rules need it), a removed one stops being the context of the documents left open.
        current = session()
        for folder in params.event.removed or ():
            path = uri_path(folder.uri)
            if path is not None:
                current.remove_folder(path)
        for folder in params.event.added or ():
            path = uri_path(folder.uri)
            if path is not None:
                current.add_folder(path)
        reconfigured()  # the folders' configurations now decide which open documents are linted

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(params: types.DidChangeWatchedFilesParams) -> None:
        current = session()
        changed_config = changed = False
        for change in params.changes:
            path = uri_path(change.uri)
            if path is None:
                continue
            if os.path.basename(path) in CONFIG_NAMES:
                changed_config = current.reload_config(path) or changed_config
            elif current.file_changed(path, deleted=change.type == types.FileChangeType.Deleted):
                changed = True
        if changed_config:
            reconfigured()
        elif changed and current.open:
            publish()  # not for every file written in the workspace (the directory watcher sees them all)

    return server


@gc_paused  # like the lint itself: the conversion allocates too, and the loaded workspace is large
def diagnostics_of(snapshot: Snapshot, encoding: str) -> dict[str, tuple[list, int | None]]:
    """uri → (diagnostics, document version) for every open document of the snapshot (worker thread), each under
    the URI the client opened it by: a client that compares URIs as strings would not match another spelling of
    the same path (`a+b.yaml` and `a%2Bb.yaml`), and would keep those diagnostics after the document is closed."""
    lines = Lines(snapshot.sources())
    uris = snapshot.uris
    results = snapshot.run()
    _DIAGNOSTICS.next_run()
    return {
        uris.get(path) or path_uri(path): ([_cached_diagnostic(f, lines, encoding, uris) for f in findings],
                                           snapshot.open.get(path))
        for path, findings in results.items()
    }


class _LastRuns:
    """Diagnostics converted by the last run, for the next one to reuse: keyed by content, so each keystroke that
    moves findings (a line typed above them) makes new keys, and a cache kept across runs held thousands of stale
    conversions (~5 KB each with their line texts) after an hour of typing. What a run reuses was converted (or
    reused) by the run before it, so that run's entries are all there is to keep."""

    def __init__(self) -> None:
        self.current: dict[tuple, Any] = {}
        self.previous: dict[tuple, Any] = {}

    def next_run(self) -> None:
        self.previous, self.current = self.current, {}

    def get(self, key: tuple) -> Any:
        converted = self.current.get(key)
        if converted is None:
            converted = self.previous.get(key)
            if converted is not None:
                self.current[key] = converted
        return converted

    def __len__(self) -> int:
        return len(self.current) + len(self.previous)


_DIAGNOSTICS = _LastRuns()


def _cached_diagnostic(finding: Finding, lines: Lines, encoding: str, uris: dict[str, str] | None = None) -> Any:
    """diagnostic(), shared between runs: most findings of a re-linted file are what they were before the edit,
    and building lsprotocol objects (validated attrs classes) for each again was a tenth of a re-lint."""
    spans = (finding.span, *(r.span for r in finding.related))
    uris = uris or {}
    key = (encoding, finding.rule, finding.severity, finding.name, finding.object, finding.message, finding.fix,
           finding.related, finding.span, tuple(lines.locate(span.path, span.line, span.column) for span in spans),
           tuple(uris.get(span.path) for span in spans))
    converted = _DIAGNOSTICS.get(key)
    if converted is None:
        converted = _DIAGNOSTICS.current[key] = diagnostic(finding, lines, encoding, uris)
    return converted


def _log(server: Any, message: str) -> None:
    from lsprotocol import types

    if hasattr(server, "window_log_message"):
        server.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=message))
    else:  # pygls 1.x
        server.show_message_log(message)


def _show_messages(server: Any, types: Any, session: Session) -> None:
    for message in session.messages:
        _show(server, types.MessageType.Error, message)
    session.messages.clear()


def _show(server: Any, kind: Any, message: str) -> None:
    from lsprotocol import types

    if hasattr(server, "window_show_message"):
        server.window_show_message(types.ShowMessageParams(type=kind, message=message))
    else:  # pygls 1.x
        server.show_message(message, kind)


def _publish(server: Any, types: Any, uri: str, diagnostics: list, version: int | None) -> None:
    if hasattr(server, "text_document_publish_diagnostics"):
        server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version))
    else:  # pygls 1.x
        server.publish_diagnostics(uri, diagnostics, version)


def _register(server: Any, params: Any) -> None:
    if hasattr(server, "client_register_capability"):
        server.client_register_capability(params)
    else:  # pygls 1.x
        server.register_capability(params)
