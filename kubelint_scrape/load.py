"""Stage 1 — load: paths and stdin into Sources of positioned YAML documents.

Only this module reads files. Every input ends as a Source with a status: `linted`, or `failed`/`skipped`
with the KS001/KS003/KS004/KS005 finding that says why, so nothing is silently dropped.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from typing import Any, Callable, Iterable, Iterator

from .findings import Finding, Related
from .records import dataclass, field
from .yamltree import Pos, Span, YMap, YSeq

YAML_SUFFIXES = (".yaml", ".yml", ".json")
SKIPPED_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "__pycache__", ".tox"}


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 20 * 1024 * 1024
    max_depth: int = 200
    # Expanded values an alias-heavy document may produce beyond its own size (billion laughs guard).
    max_alias_expansion: int = 1_000_000
    # Values (scalars and collections) in one file: ~200 bytes of memory each, so this caps a dense file under
    # the size limit (20 MB of `a: 1` lines, a million tiny documents) at ~400 MB instead of gigabytes.
    max_values: int = 2_000_000
    # KS005 findings listed per file; the rest are counted in one more finding.
    max_duplicate_findings: int = 100


@dataclass(eq=False, slots=True)
class Document:
    index: int
    root: Any
    pos: Pos


@dataclass(eq=False)
class Source:
    path: str
    text: str = ""
    documents: list[Document] = field(default_factory=list)
    status: str = "linted"
    findings: list[Finding] = field(default_factory=list)

    _lines: list[str] | None = field(default=None, init=False, repr=False, compare=False)
    # Results that depend on this file alone (e.g. KS602), kept while the Source is: the language server keeps
    # unchanged files' Sources between re-lints, so their single-file findings are not recomputed on each edit.
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def lines(self) -> list[str]:
        """The text split into lines once: reports and suppressions look up a line per finding."""
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines

    def line(self, number: int) -> str:
        lines = self.lines
        return lines[number - 1] if 0 < number <= len(lines) else ""

    @property
    def packed(self) -> bool:
        return self.__dict__.get("_packed") is not None

    @property
    def size(self) -> int:
        """The text's length in characters, without unpacking it."""
        packed = self.__dict__.get("_packed")
        return packed[0] if packed is not None else len(self.text)

    def pack(self) -> None:
        """Keep the text compressed from now on, unpacked again whenever it is asked for (see _source_text).

        Once a file is parsed and modelled, its text is read only now and then: a suppression comment, the
        positions and line of a finding. A one-shot run over a large input holds every text to the end, ~19 MB of
        10,000 objects' ~280 MB peak; compressed (zlib's fastest level, ~5x on YAML) they are ~4 MB, and the forked
        reader sends its share through the pipe compressed too. The language server never packs: it keeps few
        files and reads the open ones' texts on every edit."""
        text = self.__dict__.get("_text")
        if text:
            import zlib

            self.__dict__["_packed"] = (len(text), zlib.compress(text.encode("utf-8", "surrogatepass"), 1))
            self.__dict__["_text"] = None
            self._lines = None

    def remember(self, family: tuple, variant: Any, make: Callable[[], Any], keep: int = 8) -> Any:
        """make()'s result for `variant` of `family` (what is computed: a model, one config's or monitor's KS601),
        made on first use and kept in memo[family], of which the `keep` most recently used variants stay. The
        language server keeps a Source for hours, and a result that depends on other files too (the Kustomize
        patches applied to it, the namespace a Kustomization sets) is a new variant at each of their edits: without
        the bound, one result per edit ever made stays in memory. `keep` covers every variant one run asks for (a
        base built by several overlays)."""
        variants = self.memo.get(family)
        if variants is None:
            variants = self.memo[family] = {}
        elif variant in variants:
            value = variants[variant] = variants.pop(variant)  # most recently used last: the eviction drops the oldest
            return value
        while len(variants) >= keep:
            del variants[next(iter(variants))]
        value = variants[variant] = make()
        return value


# The text of the Source unpacked last, by its packed bytes: the stages that read a packed text read one file's
# several times in a row (a report positions the findings of a file, which it has sorted by file). A tuple,
# swapped whole, so that a thread never pairs one Source's bytes with another's text.
_last_unpacked: tuple[bytes | None, str] = (None, "")


def _source_text(source: Source) -> str:
    global _last_unpacked
    text = source.__dict__["_text"]
    if text is not None:
        return text
    packed = source.__dict__["_packed"][1]
    last = _last_unpacked
    if last[0] is not packed:
        import zlib

        last = _last_unpacked = (packed, zlib.decompress(packed).decode("utf-8", "surrogatepass"))
    return last[1]


def _set_source_text(source: Source, text: str) -> None:
    source.__dict__["_text"] = text
    source.__dict__["_packed"] = None
    source._lines = None


# `text` is a field (the constructor takes it) read through this property, which unpacks a packed Source's text.
# Set on the class once the dataclass is made: a property there at decoration time would be taken for the default.
Source.text = property(_source_text, _set_source_text, doc="The file's text (unpacked if packed).")  # type: ignore[assignment]


def gc_paused(function: Callable) -> Callable:
    """Run `function` with the cyclic garbage collector paused: building many small, acyclic objects (trees,
    model views, analyses) while it runs triggers full collections over everything loaded so far — 1.7x
    slower building and 1.2x slower analysing 10,000 objects. Reference counting still frees everything."""
    import functools
    import gc

    @functools.wraps(function)
    def paused(*args: Any, **kwargs: Any) -> Any:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return paused


class InputRejected(Exception):
    def __init__(self, message: str, pos: Pos = (1, 1)) -> None:
        super().__init__(message)
        self.pos = pos


class _Templated(Exception):
    def __init__(self, pos: Pos) -> None:
        super().__init__("template")
        self.pos = pos


class _BadMerge(Exception):
    """A merge key (`<<`) whose value is not a mapping or a sequence of mappings."""

    def __init__(self, pos: Pos) -> None:
        super().__init__("bad merge")
        self.pos = pos


class _ComplexKey(Exception):
    def __init__(self, pos: Pos) -> None:
        super().__init__("complex key")
        self.pos = pos


# ---------------------------------------------------------------------------------------------- files


@dataclass(eq=False)
class Inputs:
    """What discovery found under the paths given."""

    files: list[str]  # the input files, in order ("-" for stdin)
    # Input files that are not read, each with its KS004: a FIFO, socket or device, or a broken symbolic link met
    # while walking a directory. They are inputs all the same, so each ends as a failed Source (rejected_source).
    rejected: dict[str, Finding]
    problems: list[Finding]  # paths that are no files: missing, unreadable directories, directory symlink loops
    # Files a walk took for their content alone (golden files whose opening shows a manifest): read as inputs only
    # if they read as YAML (tentative_failure).
    tentative: set[str] = field(default_factory=set)

    def readable(self) -> list[str]:
        return [path for path in self.files if path not in self.rejected]


def find_inputs(paths: Iterable[str], exclude: Any = None) -> Inputs:
    """Expand directories into the YAML files below them; explicit files are always taken.

    `exclude` (config.PathMatcher, gitignore-style) prunes files and directories met while walking, below the
    directory named (which is taken as a file named is: --force-exclude is what leaves named paths out).
    """
    files: list[str] = []
    rejected: dict[str, Finding] = {}
    problems: list[Finding] = []
    tentative: set[str] = set()
    named: set[str] = set()
    reals: dict[str, str] = {}  # the real path of each walked file, as the walk knows it (_in_walk_order)
    for path in map(clean_path, paths):
        if path == "-":
            files.append("-")
        elif os.path.isdir(path):
            walked = _walk(path, problems, rejected, exclude, reals)
            files.extend(walked)
            tentative.update(f for f in walked if not walked_name(os.path.basename(f)))
        elif os.path.exists(path):
            files.append(path)
            named.add(os.path.realpath(path))
        elif os.path.islink(path):  # named, but a broken link or a link loop: say so rather than "no such file"
            files.append(path)
            rejected[path] = Finding("KS004", Span(path, 1, 1), _not_a_file(path))
        else:
            problems.append(Finding("KS004", Span(path, 1, 1), f"{path}: no such file or directory"))
    files = _in_walk_order(files, reals)
    # a file named explicitly is an input whatever it holds, also when a walk met it too
    tentative = {f for f in files if f in tentative and os.path.realpath(f) not in named} if tentative else tentative
    return Inputs(files, rejected, problems, tentative)


def clean_path(path: str) -> str:
    """The path without `.` components and repeated separators (`./deploy//x.yaml` → `deploy/x.yaml`, `.` → `.`):
    findings name files as ruff does, the same however the directory was typed — `kubelint-scrape .`, the
    pre-commit mode's current directory, printed `./x.yaml` where `kubelint-scrape x.yaml` printed `x.yaml`. `..`
    stays: through a symbolic link it is not the parent the text shows."""
    if path == "-":
        return path
    head = os.sep if path.startswith(os.sep) else ""
    parts = [part for part in path.split(os.sep) if part not in ("", ".")]
    return head + os.sep.join(parts) if parts else (head or ".")


def _child(directory: str, name: str) -> str:
    return name if directory == "." else os.path.join(directory, name)


def _in_walk_order(files: list[str], reals: dict[str, str] | None = None) -> list[str]:
    """One entry per file however it was named (`q/a.yaml`, `./q/a.yaml`, an absolute path, a symlink), and in
    path order whatever the order of the arguments: where two files define the same object, the one read last
    replaces the other (as `kubectl apply` of both would), and that must not depend on how the command was typed.
    `reals`: real paths already known (a walk's files), which spares realpath's lstat of every path component."""
    seen: set[str] = set()
    unique = []
    known = reals or {}
    for f in sorted(files, key=walk_order):
        real = f if f == "-" else known.get(f) or os.path.realpath(f)
        if real not in seen:
            seen.add(real)
            unique.append(f)
    return unique


def walked_name(name: str) -> bool:
    """Whether a directory walk reads a file of this name (the language server asks it of files created later)."""
    return name.endswith(YAML_SUFFIXES) or re.match(r"prometheus.*\.ya?ml", name) is not None


# Go projects keep rendered manifests as test golden files (linkerd's `viz/cmd/testdata/install_default.golden`, the
# output of `linkerd viz install`): a directory walk reads a `.golden` file that opens as a Kubernetes manifest (its
# first line other than a comment, a blank or `---` begins `apiVersion:` or `kind:`), and leaves the others alone:
# JSON, images, and text that merely quotes a manifest (`helm install --dry-run`'s NAME:/STATUS: header and NOTES, a
# tool's error output). One that opens so but is no YAML after all is left out when read (tentative_failure).
GOLDEN_SUFFIX = ".golden"
_MANIFEST_OPENING = re.compile(rb"(?:[ \t]*(?:#[^\n]*)?\r?\n|---[ \t]*(?:#[^\n]*)?\r?\n)*(?:apiVersion|kind):")
_GOLDEN_HEAD = 8192


def walked_file(path: str) -> bool:
    """Whether a directory walk reads this file: by its name, or a golden file opening as a manifest."""
    name = os.path.basename(path)
    if walked_name(name):
        return True
    if not name.endswith(GOLDEN_SUFFIX):
        return False
    try:
        with open(path, "rb") as handle:
            return _MANIFEST_OPENING.match(handle.read(_GOLDEN_HEAD).removeprefix(b"\xef\xbb\xbf")) is not None
    except OSError:
        return False


def tentative_failure(source: Source) -> bool:
    """A golden file taken by its opening that does not read as YAML as a whole: a manifest head before text or
    binary data, or one over --max-file-size. It is no YAML input but the test data of some program, so it is left
    out silently, as golden files that open otherwise are (its KS001/KS004 would be noise the user can do nothing
    about)."""
    return source.status == "failed" and source.path.endswith(GOLDEN_SUFFIX)


def walk_order(path: str) -> tuple:
    """stdin first, then files by their absolute path's components, as `kubectl apply -R` walks them (Go's
    filepath.Walk: name order within each directory, so `prom/` before `prom-extra/`)."""
    return (path != "-", os.path.abspath(path).split(os.sep))


def discover(paths: Iterable[str], exclude: Any = None) -> tuple[list[str], list[Finding]]:
    """The files to read, and the findings about everything else (rejected files' KS004 among them)."""
    inputs = find_inputs(paths, exclude)
    return inputs.readable(), inputs.problems + list(inputs.rejected.values())


def rejected_source(path: str, finding: Finding) -> Source:
    return Source(path, "", [], "failed", [finding])


def _walk(root: str, problems: list[Finding], rejected: dict[str, Finding], exclude: Any = None,
          reals: dict[str, str] | None = None) -> list[str]:
    """The files a walk of `root` reads, in walk order; `reals` gets the real path of each that is no symlink (its
    directory's real path, which the walk resolves anyway, and its name)."""
    found: list[str] = []
    visited: set[str] = set()
    inside = os.path.realpath(root) + os.sep
    stack = [root]
    while stack:
        directory = stack.pop()
        real = os.path.realpath(directory)
        if real in visited:
            continue  # reached again through another symlink: its files are already listed
        visited.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            problems.append(Finding("KS004", Span(directory, 1, 1), f"{directory}: cannot read directory ({exc.strerror})"))
            continue
        subdirs = []
        for entry in entries:
            path = _child(directory, entry.name)  # entry.path, but `x.yaml` rather than `./x.yaml` under `.`
            is_dir = _entry_is(entry.is_dir)
            if exclude is not None and exclude.matches(path, is_dir, below=root):
                continue
            if is_dir:
                if entry.name in SKIPPED_DIRS:
                    continue
                if entry.is_symlink():
                    target = os.path.realpath(path)
                    if real == target or (real + os.sep).startswith(target + os.sep):
                        problems.append(Finding("KS004", Span(path, 1, 1),
                                                f"{path}: directory symlink loop (it points at {target}, which "
                                                f"contains it), not followed"))
                        continue
                    if (target + os.sep).startswith(inside):
                        continue  # an alias (`current -> v2`) of a directory walked under its own name
                subdirs.append(path)
            elif walked_name(entry.name) or (entry.name.endswith(GOLDEN_SUFFIX) and _entry_is(entry.is_file)
                                             and walked_file(path)):
                found.append(path)
                if reals is not None and not entry.is_symlink():
                    reals[path] = os.path.join(real, entry.name)
                if not _entry_is(entry.is_file):  # a FIFO would block the run forever; devices and sockets are not files either
                    rejected[path] = Finding("KS004", Span(path, 1, 1), _not_a_file(path))
        stack.extend(reversed(subdirs))
    return found


def _entry_is(test: Callable[[], bool]) -> bool:
    """A DirEntry type test that is False where it cannot be answered: `is_dir()`/`is_file()` follow symbolic
    links and raise for a link loop (ELOOP) or an unreadable target instead of returning False; such an entry is
    then taken as a file that is not a regular file, and gets its KS004 (_not_a_file) like a broken link."""
    try:
        return test()
    except OSError:
        return False


def _not_a_file(path: str) -> str:
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        import errno

        loop = exc.errno == errno.ELOOP
        broken = (", a symbolic link loop" if loop else ", a broken symbolic link") if os.path.islink(path) else ""
        return f"cannot read file ({exc.strerror}{broken}); not read"
    what = "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    return f"{what}, not a regular file: not read (name it explicitly to read it)"


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f}".removesuffix(".0") + " MB"


UNNAMED_STDIN = "<stdin>"  # the name of standard input read without --stdin-filename


def read_source(path: str, limits: Limits, stdin_name: str = UNNAMED_STDIN, stdin: Any = None) -> Source:
    display = stdin_name if path == "-" else path
    try:
        if path == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            data = stream.read(limits.max_file_bytes + 1)
            if isinstance(data, str):
                data = data.encode("utf-8", "surrogatepass")
        else:
            size = os.path.getsize(path)
            if size > limits.max_file_bytes:
                raise InputRejected(
                    f"file is {_mb(size)}, over the {_mb(limits.max_file_bytes)} limit (--max-file-size); not read"
                )
            with open(path, "rb") as handle:
                data = handle.read(limits.max_file_bytes + 1)
        if len(data) > limits.max_file_bytes:
            raise InputRejected(f"input is over the {_mb(limits.max_file_bytes)} limit (--max-file-size); not read")
        text = decode(data)
    except InputRejected as exc:
        return Source(display, "", [], "failed", [Finding("KS004", Span(display, *exc.pos), str(exc))])
    except OSError as exc:
        return Source(display, "", [], "failed", [Finding("KS004", Span(display, 1, 1), f"cannot read file ({exc.strerror})")])
    return parse_source(display, text, limits)


def decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        # kubectl transcodes it (cli-runtime FileVisitor, BOMOverride), but the YAML readers of Argo CD, Flux and
        # apimachinery split it at single-byte newlines and fail (fluxcd/flux2#1126, kubernetes#140531)
        raise InputRejected("UTF-16 text (byte-order mark, as Windows PowerShell's `>` writes): kubectl transcodes "
                            "it, but Argo CD, Flux and most YAML tools read UTF-8 only; save the file as UTF-8")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputRejected("binary content (NUL byte): not a YAML text file", _pos_of_offset(data, nul))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        head = data[:exc.start].decode("utf-8-sig", "replace")
        raise InputRejected(
            f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x}); YAML files must be UTF-8",
            _pos_of_offset(head, len(head)),
        ) from None
    _check_characters(text)
    return text


def _check_characters(text: str) -> None:
    # YAML forbids control characters other than tab/newline/carriage return/NEL (_CONTROL): a sign of binary junk.
    control = _CONTROL.search(text)
    if control is not None:
        index = control.start()
        raise InputRejected(f"{_unprintable(text[index])}: not a YAML text file", _pos_of_offset(text, index))


def buffer_source(path: str, text: str, limits: Limits) -> Source:
    """An editor's buffer of `path`, refused as read_source refuses the file it would be on disk: over the size
    limit (the bound on what one input may cost), or binary; else parsed."""
    try:
        # a character is at most 4 bytes in UTF-8: encode (a copy) only when the text may be over the limit
        if len(text) * 4 > limits.max_file_bytes and len(text.encode("utf-8", "surrogatepass")) > limits.max_file_bytes:
            raise InputRejected(f"buffer is over the {_mb(limits.max_file_bytes)} limit (--max-file-size); not read")
        nul = text.find("\x00")
        if nul >= 0:
            raise InputRejected("binary content (NUL byte): not a YAML text file", _pos_of_offset(text, nul))
        _check_characters(text)
    except InputRejected as exc:
        return Source(path, "", [], "failed", [Finding("KS004", Span(path, *exc.pos), str(exc))])
    return parse_source(path, text, limits)


# Characters outside YAML's printable set (YAML 1.2 §5.1 c-printable; Go yaml's is_printable, which Kubernetes and
# Prometheus parse with, refuses the same): C0 controls but tab/LF/CR, DEL, C1 controls but NEL, U+FFFE/U+FFFF.
# Surrogates cannot come out of a UTF-8 decode.
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


def _unprintable(char: str) -> str:
    what = "non-character" if char in "\ufffe\uffff" else "control character"
    return f"{what} U+{ord(char):04X}"


def _pos_of_offset(data: bytes | str, offset: int) -> Pos:
    head = data[:offset]
    newline = b"\n" if isinstance(head, bytes) else "\n"
    line = head.count(newline) + 1
    column = offset - (head.rfind(newline) + 1) + 1
    return (line, column)


# ---------------------------------------------------------------------------------------------- parse


def parse_source(path: str, text: str, limits: Limits = Limits()) -> Source:
    source = Source(path, text)
    documents, findings, status = parse_text(path, _without_document_boms(text), limits, keep_parsed=True)
    source.documents = documents
    source.findings = findings
    source.status = status
    return source


# A byte-order mark opening a document after a `---` line: what `for f in *.yaml; do cat "$f"; echo ---; done`
# makes of files saved with one. kubectl splits the stream at `---` lines and Go yaml skips a BOM at the start of
# each part, so it applies the file; libyaml allows one only at the start of the stream (KS001 for the whole file).
# Dropped for parsing (findings on that line sit one column to the left of the BOM-counting editor's column).
_DOCUMENT_BOM = re.compile("^(---(?:[ \t][^\n]*)?\r?\n)\ufeff", re.M)


def _without_document_boms(text: str) -> str:
    return _DOCUMENT_BOM.sub(r"\1", text) if "\ufeff" in text else text


def parse_text(
    path: str,
    text: str,
    limits: Limits = Limits(),
    position: Callable[[int, int], Pos] | None = None,
    keep_parsed: bool = False,
) -> tuple[list[Document], list[Finding], str]:
    """Parse a YAML stream. `position(line0, col0)` maps parser marks to file positions (embedded configs).

    With `keep_parsed` (a linted input file), a document that does not decode ends the stream as kubectl's does:
    the documents before it are returned with its KS001 (kubectl apply applies them — its stream visitor stops at
    the first document that fails, apply.go Run applies the objects decoded before it), the rest is not read.
    Without it (embedded configs, patches, the configuration file) one error fails the whole text, as it does
    for Prometheus and kustomize."""
    shared_positions = position is None
    syntax_fix = _SYNTAX_FIX if shared_positions else _EMBEDDED_SYNTAX_FIX
    if position is None:
        position = _file_position()
    else:
        position = _interning(position)
    # filled as documents complete, so they survive an error in a later one
    kept: tuple[list[Document], list[Finding]] = ([], [])
    try:
        try:
            documents, findings, _next = _documents(path, text, limits, position, shared_positions,
                                                    documents=kept[0], findings=kept[1])
        except Exception as exc:  # the parser's own errors (several types); not ours, which say more than it
            values = None if isinstance(exc, _OWN_ERRORS) or not shared_positions else _json_values(text)
            if values is None:
                raise
            kept[0].clear()  # read again as a JSON stream: what the YAML attempt kept is not the file's documents
            kept[1].clear()
            documents, findings = _json_stream(path, text, values, limits, position)
    except _Templated as exc:
        return [], [_templated_finding(path, exc.pos)], "skipped"
    except _ComplexKey as exc:
        template = _template_line(text)
        if template is not None:  # `name: {{ .Values.x }}` parses as a flow mapping used as a key
            return [], [_templated_finding(path, position(*template))], "skipped"
        message = "YAML syntax error: a mapping or sequence used as a mapping key; neither Kubernetes nor Prometheus accepts it"
        return _syntax_failure(path, exc.pos, message, syntax_fix, kept if keep_parsed else None)
    except InputRejected as exc:
        return [], [Finding("KS004", Span(path, *exc.pos), str(exc))], "failed"
    except _BadMerge as exc:  # Go yaml's failWantMap: the document does not decode, for kubectl nor Prometheus
        message = "YAML error: map merge requires map or sequence of maps as the value (of this `<<` merge key)"
        return _syntax_failure(path, exc.pos, message, syntax_fix, kept if keep_parsed else None)
    except RecursionError:
        return [], [Finding("KS004", Span(path, 1, 1), f"nesting deeper than {limits.max_depth} levels: input rejected")], "failed"
    except Exception as exc:  # ruamel raises several unrelated types for malformed input
        mark = _error_mark(text, getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None))
        if mark is None:
            mark = _reader_mark(text, exc)
        pos = position(mark.line, mark.column) if mark is not None else (1, 1)
        template = _template_line(text)
        if template is not None:
            return [], [_templated_finding(path, position(template[0], template[1]))], "skipped"
        directive = _template_line(text, _DIRECTIVE, _directive_at)
        if directive is not None:
            return [], [_directive_finding(path, position(*directive))], "skipped"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        context = getattr(exc, "context", None)
        message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
        return _syntax_failure(path, pos, message, syntax_fix, kept if keep_parsed else None)
    return documents, findings, "linted"


def _syntax_failure(path: str, pos: Pos, message: str, fix: str,
                    kept: tuple[list[Document], list[Finding]] | None) -> tuple[list[Document], list[Finding], str]:
    """The KS001 of a text that does not parse, after the documents (and their KS005s) read before the error when
    they are kept. The file stays "failed": the language server keeps its last complete version as context."""
    documents, findings = kept if kept is not None and kept[0] else ([], [])
    if documents:
        fix = _SYNTAX_FIX_AFTER_DOCUMENTS
    return documents, findings + [Finding("KS001", Span(path, *pos), message, fix=fix)], "failed"


_OWN_ERRORS = (_Templated, _ComplexKey, InputRejected, _BadMerge, RecursionError)


def _json_values(text: str) -> list[tuple[int, int]] | None:
    """(start, end) offsets of the top-level values of a stream of two or more JSON objects (`{…}{…}` or one per
    line, as `jq -c '.items[]'` writes them), else None. kubectl reads such a file: a stream that starts with `{` is
    decoded as successive JSON values (apimachinery util/yaml YAMLOrJSONDecoder → encoding/json Decoder), which is
    no YAML stream (the parser wants `---` after the first value). Strings are skipped whole, so braces in them
    do not count."""
    values: list[tuple[int, int]] = []
    depth, start, in_string, escaped = 0, -1, False, False
    for offset, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"' and depth:
            in_string = True
        elif char in "{[":
            if not depth:
                if char != "{":
                    return None
                start = offset
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth < 0:
                return None
            if not depth:
                values.append((start, offset + 1))
        elif not depth and not char.isspace():
            return None  # text between the values: not a JSON stream, the YAML error stands
    return values if len(values) > 1 and not depth else None


def _json_stream(path: str, text: str, values: list[tuple[int, int]], limits: Limits,
                 position: Callable[[int, int], Pos]) -> tuple[list[Document], list[Finding]]:
    """Each value of a JSON stream parsed as a document of its own, at its lines and columns in the file (a value
    that starts mid-line is preceded by as many spaces, so its columns stay exact)."""
    documents: list[Document] = []
    findings: list[Finding] = []
    index, line, counted = 0, 0, 0
    for start, end in values:
        line_start = text.rfind("\n", 0, start) + 1
        line += text.count("\n", counted, line_start)  # from the previous value on: once over the text, not per value
        counted = line_start
        part = " " * (start - line_start) + text[start:end]
        try:
            part_documents, part_findings, index = _documents(
                path, part, limits, lambda l, c, at=line: position(l + at, c), False, first_index=index)
        except Exception as exc:
            _move_marks(exc, line, line_start)
            raise
        documents += part_documents
        findings += part_findings
    return documents, findings


_SYNTAX_FIX = "Fix the YAML at this position; the file was not analysed."
_SYNTAX_FIX_AFTER_DOCUMENTS = ("Fix the YAML at this position; the documents before it were analysed, this one and the"
                               " rest of the file were not (kubectl apply likewise applies only the ones before it).")
# An embedded config (a ConfigMap or Secret value): only that config goes unread, the file around it is linted.
_EMBEDDED_SYNTAX_FIX = "Fix the YAML at this position; this embedded config was not analysed (the rest of the file was)."


def _reader_mark(text: str, exc: Exception) -> Any:
    """Where ruamel's ReaderError (a character YAML does not allow) stands: it has no mark, only the character's
    offset in the text. Files never get here (decode() rejects such characters first, as KS004); an embedded
    config can, as a quoted ConfigMap value spells them with escapes (`"job_name: a\x80b"`)."""
    offset = getattr(exc, "position", None)
    if not isinstance(offset, int) or not 0 <= offset <= len(text):
        return None
    from types import SimpleNamespace

    line, column = _pos_of_offset(text, offset)
    return SimpleNamespace(line=line - 1, column=column - 1)


def _error_mark(text: str, problem: Any, context: Any) -> Any:
    """Where a syntax error is reported: where the parser met the problem, except when that is the end of the text
    (an unclosed quote, bracket or brace): there is nothing to show there (the line after the last, or a blank
    one past an embedded config), so the error goes where the construct left open starts (the context mark)."""
    if problem is None:
        return context
    if context is None:
        return problem
    lines = text.splitlines()
    last = len(lines) - 1
    while last >= 0 and not lines[last].strip():
        last -= 1
    at_end = problem.line > last or (problem.line == last and problem.column >= len(lines[last].rstrip()))
    return context if at_end else problem

def _documents(path: str, text: str, limits: Limits, position: Callable[[int, int], Pos], shared_positions: bool,
               pure: bool = False, first_index: int = 0, documents: list[Document] | None = None,
               findings: list[Finding] | None = None) -> tuple[list[Document], list[Finding], int]:
    """The documents of a YAML stream, the KS005 findings of their duplicate keys, and the index the next document
    would have.

    libyaml (ruamel's C parser) refuses a colon inside a flow plain scalar (`targets: [localhost:9090]`), which
    YAML 1.2, Go's yaml (Prometheus, kubectl) and ruamel's own Python parser accept: the document where it stops
    is parsed again with the Python parser (several times slower, so only that document), and the C parser goes
    on from the next `---` line. `documents` and `findings`, when given, are filled in place (what was read
    before an error stays in the caller's hands)."""
    findings = [] if findings is None else findings
    documents = [] if documents is None else documents
    builder = _Builder(limits, position, _SHARED_POSITIONS if shared_positions else {})
    duplicate_count = 0
    unlisted: list[Pos] = []
    index = first_index - 1
    try:
        for index, (root, root_pos, duplicates) in enumerate(builder.documents(_pure_events(text) if pure
                                                                               else parse_events(text)), first_index):
            if root is None:
                continue  # an empty document (`---` alone)
            duplicate_count = _duplicate_findings(path, duplicates, duplicate_count, limits, findings, unlisted)
            documents.append(Document(index, root, root_pos))
    except Exception as exc:
        if pure or not _libyaml_flow_colon(exc):
            raise
        index = _parse_on(path, text, limits, position, builder.document_line, index + 1, documents, findings)
    else:
        index += 1
    if unlisted:
        findings.append(Finding(
            "KS005", Span(path, *unlisted[0]),
            f"{len(unlisted):,} more duplicate keys from here on (the first {limits.max_duplicate_findings} are listed):"
            " Kubernetes strict decoding and Prometheus reject a mapping that repeats a key",
            fix="Remove the repeated keys; a generated file may have been concatenated with itself.",
        ))
    return documents, findings, index


def _parse_on(path: str, text: str, limits: Limits, position: Callable[[int, int], Pos], line: int, index: int,
              documents: list[Document], findings: list[Finding]) -> int:
    """After libyaml refused the document starting at 0-based `line` (index `index`): that document with the Python
    parser, then the rest of the stream from the next `---` line with the C parser again (which may refuse another
    one). Errors raised there carry marks of the part parsed: they are moved to the whole text's lines."""
    start = _offset_of_line(text, line)
    newline = text.find("\n", start)
    boundary = _NEXT_DOCUMENT.search(text, newline + 1) if newline >= 0 else None
    end = boundary.start() if boundary else len(text)
    for part_line, part, pure in ((line, text[start:end], True), (line + text.count("\n", start, end), text[end:], False)):
        if not part:
            continue
        try:
            *_, index = _documents(
                path, part, limits, lambda l, c, at=part_line: position(l + at, c), False, pure=pure, first_index=index,
                documents=documents, findings=findings)
        except Exception as exc:
            _move_marks(exc, part_line, start if pure else end)
            raise
    return index


# A line that starts a document: after one, the C parser can take over again (YAML forbids `---` at the start of
# a line inside any content, so it cannot be part of the refused document).
_NEXT_DOCUMENT = re.compile(r"^---(?=[ \t\r\n]|$)", re.M)


def _move_marks(exc: Exception, lines: int, offset: int) -> None:
    """Shift a parser error raised on a part of the text (starting at 0-based line `lines`, character `offset`) to
    the whole text: its marks' lines, or a ReaderError's character position."""
    from ruamel.yaml.error import StreamMark

    for name in ("problem_mark", "context_mark"):
        mark = getattr(exc, name, None)
        if mark is not None and isinstance(getattr(mark, "line", None), int):
            # a copy: the C parser's marks are read-only
            setattr(exc, name, StreamMark(getattr(mark, "name", "<unicode string>"), getattr(mark, "index", 0) + offset,
                                          mark.line + lines, mark.column))
    if isinstance(getattr(exc, "position", None), int) and type(exc).__name__ == "ReaderError":
        exc.position += offset


def _offset_of_line(text: str, line: int) -> int:
    offset = 0
    for _ in range(line):
        offset = text.index("\n", offset) + 1
    return offset


def _duplicate_findings(path: str, duplicates: list, count: int, limits: Limits, findings: list[Finding],
                        unlisted: list[Pos]) -> int:
    """KS005 for a document's repeated keys, the first `max_duplicate_findings` of the stream listed."""
    for pos, key, first in duplicates:
        count += 1
        if count > limits.max_duplicate_findings:
            unlisted.append(pos)
            continue
        findings.append(
            Finding(
                "KS005",
                Span(path, *pos),
                f"duplicate key {_key_text(key)}: Kubernetes strict decoding and Prometheus reject a mapping that repeats a key",
                fix=f"Keep one {_key_text(key)} entry and merge the values you meant into it.",
                related=(Related(Span(path, *first), f"first {_key_text(key)} is here"),),
            )
        )
    return count


def _libyaml_flow_colon(exc: Exception) -> bool:
    return (type(exc).__name__ == "ScannerError" and getattr(exc, "problem", "") == "found unexpected ':'"
            and _c_parser() is not None)


def _pure_events(text: str) -> Iterator[Any]:
    from io import StringIO

    return _yaml().parse(StringIO(text))



def _templated_finding(path: str, pos: Pos) -> Finding:
    return Finding(
        "KS003",
        Span(path, *pos),
        "Helm/Go template syntax ({{ … }}) outside a quoted string: this is a template, not YAML, and was not linted",
        fix="Lint the rendered output instead, e.g. `helm template . | kubelint-scrape -`.",
    )


_TEMPLATE = re.compile(r"\{\{")
_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'")
# A line that ends in a block scalar header (`key: |`, `- >-`, `key: |2+`): the lines below it are text.
_BLOCK_HEADER = re.compile(r"(?:^|[\s:])[|>](?:[1-9][+-]?|[+-][1-9]?)?$")


def _directive_finding(path: str, pos: Pos) -> Finding:
    return Finding(
        "KS003",
        Span(path, *pos),
        "template directive (Terraform `%{ … }`, Jinja `{% … %}` or `{# … #}`) outside a quoted string: this is a "
        "template, not YAML, and was not linted",
        fix="Lint the file the template renders to (Terraform templatefile(), an Ansible/Jinja template) instead.",
    )


# A Terraform templatefile() directive (`%{ if … }`, `%{~ endfor ~}`) or a Jinja/Ansible statement (`{% if … %}`):
# neither is YAML (`%` opens a directive, `{%` a broken flow mapping), so a file holding one fails to parse where
# it stands. A Jinja comment (`{# … #}`) breaks it the same way: `{` opens a flow mapping and the `#` after it
# starts a YAML comment, so the mapping never closes. Only asked once the parse has failed; `${…}` interpolations
# alone are valid plain scalars.
_DIRECTIVE = re.compile(r"%\{|\{%|\{#")
_DIRECTIVE_CLOSE = {"%{": "}", "{%": "%}", "{#": "#}"}


def _directive_at(line: str, start: int) -> bool:
    """Whether the `%{`/`{%`/`{#` at `start` opens a template directive: it closes on the same line."""
    return _DIRECTIVE_CLOSE[line[start:start + 2]] in line[start + 2:]


def _template_line(text: str, pattern: re.Pattern = None, accept=None) -> tuple[int, int] | None:
    """Where a `{{` stands outside quotes, comments and block scalars (0-based line, col), if anywhere. A block
    scalar's lines are text to YAML (an Alertmanager template, a Prometheus config in a ConfigMap), so a `{{` there
    is not what broke the parse; a `{{` less indented than its key ends the scalar (`{{ .Files.Get … | indent 4 }}`)."""
    block_parent = None  # while inside a block scalar: the indentation its lines must exceed
    for number, line in enumerate(text.splitlines()):
        indent = len(line) - len(line.lstrip(" "))
        if block_parent is not None:
            if not line.strip() or indent > block_parent:
                continue
            block_parent = None
        stripped = _QUOTED.sub(lambda m: " " * len(m.group(0)), line)
        comment = re.search(r"(^|\s)#", stripped)
        if comment:
            stripped = stripped[: comment.start()]
        match = next((m for m in (pattern or _TEMPLATE).finditer(stripped)
                      if (accept or _helm_action_at)(line, m.start())), None)
        if match:
            return number, match.start()
        if _BLOCK_HEADER.search(stripped.rstrip()):
            block_parent = _block_parent_indent(stripped)
    return None


# What Prometheus alerting-rule templates work with (prometheus template/template.go: the $labels, $value,
# $externalLabels and $externalURL variables, .Labels/.Value/…, the humanize* functions). Rendered rules carry
# them as plain scalars — kube-prometheus manifests/*-prometheusRule.yaml: `description: Pod {{ $labels.namespace
# }}/{{ $labels.pod }} …` — which YAML reads as text; a Helm template action names none of them.
_ACTION = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_PROMETHEUS_TEMPLATE = re.compile(r"\$(?:labels|value|externalLabels|externalURL)\b|\.(?:Labels|Value|ExternalLabels|ExternalURL)\b|\bhumanize")


def _helm_template(text: str) -> bool:
    """Whether a `{{` in this plain scalar (or from here on in a line) starts a Helm/Go template action rather than
    a Prometheus alert template: some action (or an unclosed `{{`) that uses none of the alert template's data."""
    actions = _ACTION.findall(text)
    if not actions or text.count("{{") > len(actions):
        return True
    return not all(_PROMETHEUS_TEMPLATE.search(action) for action in actions)


def _helm_action_at(line: str, start: int) -> bool:
    """Whether the `{{` at `start` opens a Helm/Go template action (see _helm_template); one closed on a later line
    counts as Helm."""
    action = _ACTION.match(line, start)
    return action is None or not _PROMETHEUS_TEMPLATE.search(action.group(1))


def _block_parent_indent(line: str) -> int:
    """The indentation a block scalar started on `line` must exceed: its key's column (`  - key: |` → 4), or the
    column of the sequence dash that holds it (`  - |` → 2)."""
    column = len(line) - len(line.lstrip(" "))
    while line[column:column + 2] == "- " and line[column + 2:].lstrip(" ")[:1] not in ("|", ">"):
        column += 2 + len(line[column + 2:]) - len(line[column + 2:].lstrip(" "))
    return column


def parse_events(text: str) -> Iterator[Any]:
    """The YAML parser events of `text`, from libyaml (ruamel.yaml's C extension) when it is installed.

    The C parser is driven directly: ruamel's YAML.parse() wraps it in a generator that also records a DocInfo
    per event, a third of the parsing time; the events are the same objects either way."""
    parser_class = _c_parser()
    if parser_class is None:  # pragma: no cover - no C extension
        from io import StringIO

        yield from _yaml().parse(StringIO(text))
        return
    parser = parser_class(text)
    try:
        get_event = parser.get_event
        while True:
            event = get_event()
            if event is None:
                return
            yield event
    finally:
        parser.dispose()


@functools.lru_cache(maxsize=1)
def _c_parser() -> Any:
    try:
        from ruamel.yaml.cyaml import CParser
    except ImportError:  # pragma: no cover
        return None
    from .yamlevents import install

    install(sys.modules.get(CParser.__module__))
    return CParser


@functools.lru_cache(maxsize=1)
def _canonical_events() -> dict[type, type]:
    from .yamlevents import canonical

    return canonical


def _yaml() -> Any:
    """A pure-Python ruamel parser, for an installation without the C extension (a new instance per call: it
    keeps parser state, and the language server parses in two threads)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 1)  # Go yaml.v2 (Kubernetes, Prometheus) resolves YAML 1.1 scalars
    return yaml


def parser_is_native() -> bool:
    return _c_parser() is not None


# ---------------------------------------------------------------------------------------------- convert

_BOOL_TRUE = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}
_TAG = "tag:yaml.org,2002:"


class _Builder:
    """YAML parser events → YMap/YSeq/scalars with positions, for one stream.

    Built from events with an explicit stack rather than from composed nodes: ruamel's C composer recurses in C
    and overflows the C stack (SIGSEGV) on ~30,000-deep nesting, before any Python check can run; here the
    depth limit is checked as each collection opens. Skipping the node tree and resolving plain scalars
    through a cache is also ~2.5x faster than compose + convert. Guards nesting depth and alias expansion.
    """

    def __init__(self, limits: Limits, position: Callable[[int, int], Pos], positions: dict[int, Pos]) -> None:
        self.limits = limits
        self.position = position
        # Position tuples are interned: (line, column) pairs repeat across files and the tree holds two per key,
        # so sharing them saved a quarter of the tree's memory.
        self.positions = positions
        if len(positions) > 1_000_000:
            positions.clear()
        if len(_QUOTED_CACHE) > 100_000:
            _QUOTED_CACHE.clear()
        self.document_line = 0  # 0-based line where the document being built starts

    def documents(self, events: Iterable[Any]) -> Iterator[tuple[Any, Pos, list[tuple[Pos, Any, Pos]]]]:
        """Yield (root, position of the root, duplicate keys) per document; root None for an empty document."""
        from ruamel.yaml.composer import ComposerError
        from ruamel.yaml.events import (
            AliasEvent,
            DocumentEndEvent,
            DocumentStartEvent,
            MappingEndEvent,
            MappingStartEvent,
            ScalarEvent,
            SequenceEndEvent,
            SequenceStartEvent,
        )

        position = self.position
        positions = self.positions
        max_depth = self.limits.max_depth
        budget = self.limits.max_alias_expansion
        resolve = plain_scalar
        cached = _PLAIN_CACHE.get
        quoted = _QUOTED_CACHE.setdefault
        shared_layout = _shared_layout
        no_key = _NO_KEY
        # Per document: containers being built, as [container, is_map, key, key_pos, merges, anchor, size_before].
        stack: list[list[Any]] = []
        anchors: dict[str, tuple[Any, int]] = {}
        duplicates: list[tuple[Pos, Any, Pos]] = []
        root: Any = None
        root_pos: Pos = (1, 1)
        expanded = distinct = 0
        values_left = self.limits.max_values  # for the documents before this one
        canonical = _canonical_events().get
        for event in events:
            kind = type(event)
            kind = canonical(kind, kind)  # yamlevents' cheaper classes stand for ruamel's own
            if kind is ScalarEvent:  # the hot path: ~60% of all events
                mark = event.start_mark
                line, column = mark.line, mark.column
                pos = positions.get((line << 32) | column)
                if pos is None:
                    pos = position(line, column)
                    if line < _SHARED_LINES:
                        positions[(line << 32) | column] = pos
                if len(stack) > max_depth:
                    raise InputRejected(f"nesting deeper than {max_depth} levels: input rejected", pos)
                text = event.value
                style = event.style
                tag = event.tag
                if style:  # quoted or block: always the text (Go yaml.v2 too), one object per short text
                    value = quoted(text, text) if len(text) <= 64 else text
                elif tag is None:
                    value = cached(text, no_key)
                    if value is no_key:
                        if "{{" in text and _helm_template(text):
                            raise _Templated(pos)
                        value = resolve(text)
                elif "{{" in text and _helm_template(text):
                    raise _Templated(pos)
                elif tag == "!":  # the non-specific tag: a string
                    value = text
                else:
                    value = _tagged_scalar(tag, text)
                distinct += 1
                if distinct > values_left:
                    raise InputRejected(self._too_many_values(), pos)
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1)
                if stack:
                    frame = stack[-1]
                    if not frame[1]:
                        frame[0].append(value)
                        frame[0].ipos.append(pos)
                    elif frame[2] is no_key:
                        if value == "<<" and (tag == _TAG + "merge" or (not style and tag is None)):
                            frame[2] = _MERGE
                        else:
                            frame[2] = value
                            frame[3] = pos
                    else:
                        key = frame[2]
                        mapping = frame[0]
                        if key is _MERGE or key in mapping:
                            _set(frame, value, pos, duplicates)
                        else:
                            frame[2] = no_key
                            mapping[key] = value
                            places = mapping.places
                            places.append(frame[3])
                            places.append(pos)
                else:
                    root, root_pos = value, pos
                continue
            if kind is MappingStartEvent or kind is SequenceStartEvent:
                mark = event.start_mark
                pos = positions.get((mark.line << 32) | mark.column)
                if pos is None:
                    pos = position(mark.line, mark.column)
                    if mark.line < _SHARED_LINES:
                        positions[(mark.line << 32) | mark.column] = pos
                # Levels are containers: this one is level len(stack) + 1 (a scalar or alias inside len(stack)
                # containers is at level len(stack), so those check `>`).
                if len(stack) >= max_depth:
                    raise InputRejected(f"nesting deeper than {max_depth} levels: input rejected", pos)
                if stack and stack[-1][1] and stack[-1][2] is no_key:
                    raise _ComplexKey(pos)
                container = YMap(pos) if kind is MappingStartEvent else YSeq(pos)
                if event.anchor is not None:
                    anchors[event.anchor] = (_IN_PROGRESS, 0)
                stack.append([container, kind is MappingStartEvent, no_key, pos, None, event.anchor, expanded + distinct])
                continue
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                frame = stack.pop()
                value = frame[0]
                if frame[4]:
                    _apply_merges(value, frame[4])
                # Complete: its positions become a tuple (exact size, no list header: 13 MB of 10,000 objects),
                # shared with every equal one near the top of a file (_shared_layout).
                if frame[1]:
                    value.places = shared_layout(tuple(value.places), value.pos)
                else:
                    value.ipos = shared_layout(tuple(value.ipos), value.pos)
                distinct += 1
                if distinct > values_left:
                    raise InputRejected(self._too_many_values(), value.pos)
                if frame[5] is not None:
                    anchors[frame[5]] = (value, expanded + distinct - frame[6])
                pos = value.pos
                if stack:
                    parent = stack[-1]
                    if not parent[1]:
                        parent[0].append(value)
                        parent[0].ipos.append(pos)
                    else:
                        _set(parent, value, pos, duplicates)
                else:
                    root, root_pos = value, pos
                continue
            if kind is AliasEvent:
                mark = event.start_mark
                pos = positions.get((mark.line << 32) | mark.column)
                if pos is None:
                    pos = position(mark.line, mark.column)
                    if mark.line < _SHARED_LINES:
                        positions[(mark.line << 32) | mark.column] = pos
                if len(stack) > max_depth:
                    raise InputRejected(f"nesting deeper than {max_depth} levels: input rejected", pos)
                if event.anchor not in anchors:
                    raise ComposerError(None, None, f"found undefined alias {event.anchor!r}", mark)
                value, size = anchors[event.anchor]
                if value is _IN_PROGRESS:
                    raise ComposerError(
                        None, None, f"alias *{event.anchor} refers to the node that contains it (a recursive alias)", mark
                    )
                # Share the value, but count what expanding it would cost: tools that expand aliases, and our
                # own walkers, pay for every copy (billion laughs).
                expanded += size
                if expanded > budget + 10 * distinct:
                    raise InputRejected(
                        f"YAML aliases expand to over {budget:,} values (a 'billion laughs' document): input rejected", pos
                    )
                if stack:
                    frame = stack[-1]
                    if not frame[1]:
                        frame[0].append(value)
                        frame[0].ipos.append(pos)
                    elif frame[2] is no_key:
                        if isinstance(value, (YMap, YSeq)):
                            raise _ComplexKey(pos)
                        frame[2] = value
                        frame[3] = pos
                    else:
                        _set(frame, value, pos, duplicates)
                else:
                    root, root_pos = value, pos
                continue
            if kind is DocumentStartEvent:
                self.document_line = event.start_mark.line
                stack.clear()
                anchors = {}
                duplicates = []
                root, root_pos = None, (1, 1)
                expanded = distinct = 0
            elif kind is DocumentEndEvent:
                values_left -= distinct + 1
                yield root, root_pos, duplicates

    def _too_many_values(self) -> str:
        return f"more than {self.limits.max_values:,} YAML values in one input: input rejected (split the file)"


_SHARED_POSITIONS: dict[int, Pos] = {}  # for files (identity mapping); embedded configs map positions their own way
# Only positions on the first lines of a file are shared: files of a repository repeat those, while the lines of
# one large file are its own (a 20 MB file of 10,000 objects put 850,000 positions no other file shares in the
# table, ~60 MB).
_SHARED_LINES = 2_048
_MAPPED_POSITIONS: dict[Pos, Pos] = {}  # embedded configs' file positions, interned by value


# The position tuples of completed mappings and sequences, interned: files of a repository repeat their layout (a
# manifest's `metadata:` holds `name` and `namespace` on the same lines and columns as the next file's), and
# 10,000 objects' ~240,000 mappings and ~160,000 sequences have ~27,000 distinct ones (25 MB of 26 MB saved).
# Only near the top of a file, as _SHARED_POSITIONS. Bounded: a language server parses every version typed, each
# edit shifting the layouts below it; at 100,000 entries (~15 MB) the table starts again.
_SHARED_LAYOUTS: dict[tuple[Pos, ...], tuple[Pos, ...]] = {}


def _shared_layout(places: tuple[Pos, ...], pos: Pos) -> tuple[Pos, ...]:
    if pos[0] >= _SHARED_LINES:
        return places
    shared = _SHARED_LAYOUTS.get(places)
    if shared is None:
        if len(_SHARED_LAYOUTS) >= 100_000:
            _SHARED_LAYOUTS.clear()
        shared = _SHARED_LAYOUTS[places] = places
    return shared


def _file_position() -> Callable[[int, int], Pos]:
    """(line0, col0) → the 1-based position tuple, the positions of one line sharing their line number: past line
    256 each `line + 1` is an int object of its own, 28 bytes per key and value of a large file (a 20 MB file: ~30 MB)."""
    last = [-1, 0]

    def position(line: int, column: int) -> Pos:
        if line != last[0]:
            last[0], last[1] = line, line + 1
        return (last[1], column + 1)

    return position


def _interning(position: Callable[[int, int], Pos]) -> Callable[[int, int], Pos]:
    """`position` returning one shared tuple per (line, column): embedded configs' positions were a tenth of the
    memory kept after a lint (a new tuple per key and per value of every embedded config). Bounded: a language
    server interns the positions of every version typed (~40 per keystroke above an embedded config), and a
    benchmark run of 10,000 objects interns ~11,000; at 200,000 entries (~20 MB) the table starts again."""
    if len(_MAPPED_POSITIONS) > 200_000:
        _MAPPED_POSITIONS.clear()
    intern = _MAPPED_POSITIONS.setdefault

    def interned(line: int, column: int) -> Pos:
        pos = position(line, column)
        return intern(pos, pos)

    return interned


_NO_KEY = object()
_MERGE = object()
_IN_PROGRESS = object()


def _set(frame: list[Any], value: Any, pos: Pos, duplicates: list[tuple[Pos, Any, Pos]]) -> None:
    """Store `value` under the pending key of a mapping frame."""
    mapping, key = frame[0], frame[2]
    frame[2] = _NO_KEY
    if key is _MERGE:
        if not _mergeable(value):
            raise _BadMerge(pos)
        if frame[4] is None:
            frame[4] = []
        frame[4].append(value)
        return
    if key in mapping:
        if _same_yaml_key(mapping, key):
            duplicates.append((frame[3], key, mapping.key_pos(key)))
            mapping.put(key, value, frame[3], pos)
        # else `on` (true) and `1`: equal in Python, two keys to Go yaml; the first is kept
        return
    mapping[key] = value
    places = mapping.places
    places.append(frame[3])
    places.append(pos)


def _same_yaml_key(mapping: YMap, key: Any) -> bool:
    """Whether `key`, equal to a key already in `mapping`, is the same YAML key: Python takes True == 1 == 1.0,
    Go yaml.v2 keeps a bool, an int and a float apart."""
    if not isinstance(key, (bool, int, float)):
        return True
    return any(type(stored) is type(key) for stored in mapping if stored == key)


def _key_text(key: Any) -> str:
    """A key as YAML writes it (`true`, `null`, `8080`) or, for a string, quoted."""
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return repr(key)


def _mergeable(value: Any) -> bool:
    """What Go yaml (v2 and v3 decode.go, merge()) merges: a mapping, or a sequence of mappings (aliases of
    them included); anything else — a scalar, null, a sequence holding one — fails the whole document."""
    if isinstance(value, YMap):
        return True
    return isinstance(value, YSeq) and all(isinstance(item, YMap) for item in value)


def _apply_merges(mapping: YMap, merges: list[Any]) -> None:
    """`<<: *anchor` (or a list of them): explicit keys win over merged ones, earlier merges over later (YAML merge key spec)."""
    for merge in merges:
        for source in merge if isinstance(merge, YSeq) else [merge]:
            if isinstance(source, YMap):
                for key, value in source.items():
                    if key not in mapping:
                        mapping.put(key, value, source.key_pos(key), source.value_pos(key))


def plain_scalar(text: str) -> Any:
    """A plain scalar resolved as YAML 1.1 (Go yaml.v2) does; cached, since keys and values repeat a lot."""
    try:
        return _PLAIN_CACHE[text]
    except KeyError:
        pass
    first = text[0] if text else ""
    if first.isascii() and first.isalpha():
        # Of the YAML 1.1 resolvers only bool and null start with a letter, and both are fixed word lists: no
        # need to compile ruamel's regexes (a few ms of every lint-on-save) for the common case.
        value = _WORDS.get(text, text)
    elif text.isascii() and text.isdigit() and (first != "0" or _OCTAL_DIGITS.issuperset(text)):
        value = _int(text)  # decimal, or octal with a leading 0 (YAML 1.1): what the int resolver would say
    else:
        value = text
        for kind, regexp in _plain_resolvers().get(first, ()):
            if regexp.match(text):
                value = _typed_scalar(kind, text)
                break
    if len(text) <= 64 and len(_PLAIN_CACHE) < 100_000:  # bounded: at most ~10 MB kept for the process
        _PLAIN_CACHE[text] = value
    return value


_PLAIN_CACHE: dict[str, Any] = {}
# Quoted and block scalars up to 64 characters, one string object per text (as _PLAIN_CACHE gives plain ones): a
# repository quotes the same labels, regexes and replacements in every file. Bounded: a builder starts it again
# past 100,000 texts (~10 MB).
_QUOTED_CACHE: dict[str, str] = {}
_BOOL_WORDS = ("y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False",
               "FALSE", "on", "On", "ON", "off", "Off", "OFF")
_WORDS: dict[str, Any] = {**{word: word in _BOOL_TRUE for word in _BOOL_WORDS}, "null": None, "Null": None, "NULL": None}
_OCTAL_DIGITS = frozenset("01234567")
_PLAIN_RESOLVERS: dict[str, list[tuple[str, Any]]] | None = None


def _plain_resolvers() -> dict[str, list[tuple[str, Any]]]:
    """First character → (kind, regex) candidates, in order: ruamel's own YAML 1.1 implicit resolver table."""
    global _PLAIN_RESOLVERS
    table = _PLAIN_RESOLVERS
    if table is None:  # built whole, then published: the LSP parses in two threads
        from ruamel.yaml.resolver import implicit_resolvers

        table = {}
        for versions, tag, regexp, first in implicit_resolvers:
            if (1, 1) in versions:
                for char in first:
                    table.setdefault(char, []).append((tag[len(_TAG):], regexp))
        _PLAIN_RESOLVERS = table
    return table


def _tagged_scalar(tag: str, text: str) -> Any:
    if not tag.startswith(_TAG):
        return text  # a custom tag (`!foo`, `!!python/object`): keep the text, construct nothing (safe loading)
    return _typed_scalar(tag[len(_TAG):], text)


def _typed_scalar(kind: str, text: str) -> Any:
    if kind in ("int", "float") and ":" in text:
        # YAML 1.1's base-60 numbers (`12:30`, `1:20:30.5`): Go yaml.v2, which kubectl's YAML-to-JSON and
        # Prometheus use, leaves them out on purpose (resolve.go: "Base 60 floats ... are purposefully
        # unsupported") and reads a string. As a number, an annotation `window: 12:30` was a false KS602.
        return text
    if kind == "null":
        return None
    if kind == "bool":
        return text in _BOOL_TRUE
    if kind == "int":
        return _int(text)
    if kind == "float":
        try:
            return float(text.replace("_", ""))
        except ValueError:
            lowered = text.lower()
            if lowered in (".inf", "+.inf"):
                return float("inf")
            if lowered == "-.inf":
                return float("-inf")
            return float("nan") if lowered == ".nan" else text
    return text  # str, timestamp (Go keeps it a string for string fields), merge, value, yaml


def _int(text: str) -> Any:
    cleaned = text.replace("_", "")
    try:
        sign = -1 if cleaned.startswith("-") else 1
        body = cleaned.lstrip("+-")
        if body.startswith(("0x", "0X")):
            return sign * int(body[2:], 16)
        if body.startswith(("0b", "0B")):
            return sign * int(body[2:], 2)
        if body.startswith(("0o", "0O")):
            return sign * int(body[2:], 8)
        if len(body) > 1 and body.startswith("0"):
            return sign * int(body, 8)
        return sign * int(body)
    except ValueError:
        return text
