"""Stage 1 — load: paths and stdin into Sources of positioned YAML documents.

Only this module reads files. Every input ends as a Source with a status: `linted`, or `failed`/`skipped`
with the KS001/KS003/KS004/KS005 finding that says why, so nothing is silently dropped.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .findings import Finding, Related
from .yamltree import Pos, Span, YMap, YSeq

YAML_SUFFIXES = (".yaml", ".yml", ".json")
SKIPPED_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "__pycache__", ".tox"}


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 20 * 1024 * 1024
    max_depth: int = 200
    # Expanded values an alias-heavy document may produce beyond its own size (billion laughs guard).
    max_alias_expansion: int = 1_000_000


@dataclass
class Document:
    index: int
    root: Any
    pos: Pos


@dataclass
class Source:
    path: str
    text: str = ""
    documents: list[Document] = field(default_factory=list)
    status: str = "linted"
    findings: list[Finding] = field(default_factory=list)

    def line(self, number: int) -> str:
        lines = self.text.splitlines()
        return lines[number - 1] if 0 < number <= len(lines) else ""


class InputRejected(Exception):
    def __init__(self, message: str, pos: Pos = (1, 1)) -> None:
        super().__init__(message)
        self.pos = pos


class _Templated(Exception):
    def __init__(self, pos: Pos) -> None:
        super().__init__("template")
        self.pos = pos


class _ComplexKey(Exception):
    def __init__(self, pos: Pos) -> None:
        super().__init__("complex key")
        self.pos = pos


# ---------------------------------------------------------------------------------------------- files


def discover(paths: Iterable[str]) -> tuple[list[str], list[Finding]]:
    """Expand directories into the YAML files below them; explicit files are always taken."""
    files: list[str] = []
    problems: list[Finding] = []
    for path in paths:
        if path == "-":
            files.append("-")
        elif os.path.isdir(path):
            files.extend(_walk(path, problems))
        elif os.path.exists(path):
            files.append(path)
        else:
            problems.append(Finding("KS004", Span(path, 1, 1), f"{path}: no such file or directory"))
    seen: set[str] = set()
    unique = []
    for f in files:
        if f not in seen:
            seen.add(f)
            unique.append(f)
    return unique, problems


def _walk(root: str, problems: list[Finding]) -> list[str]:
    found: list[str] = []
    visited: set[str] = set()
    stack = [root]
    while stack:
        directory = stack.pop()
        real = os.path.realpath(directory)
        if real in visited:
            problems.append(
                Finding("KS004", Span(directory, 1, 1), f"{directory}: directory symlink loop, not followed again")
            )
            continue
        visited.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            problems.append(Finding("KS004", Span(directory, 1, 1), f"{directory}: cannot read directory ({exc.strerror})"))
            continue
        subdirs = []
        for entry in entries:
            if entry.is_dir():
                if entry.name not in SKIPPED_DIRS:
                    subdirs.append(entry.path)
            elif entry.name.endswith(YAML_SUFFIXES) or re.match(r"prometheus.*\.ya?ml", entry.name):
                found.append(entry.path)
        stack.extend(reversed(subdirs))
    return found


def read_source(path: str, limits: Limits, stdin_name: str = "<stdin>", stdin: Any = None) -> Source:
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
                    f"file is {size / 1e6:.1f} MB, over the {limits.max_file_bytes / 1e6:.0f} MB limit; not read"
                )
            with open(path, "rb") as handle:
                data = handle.read(limits.max_file_bytes + 1)
        if len(data) > limits.max_file_bytes:
            raise InputRejected(f"input is over the {limits.max_file_bytes / 1e6:.0f} MB limit; not read")
        text = decode(data)
    except InputRejected as exc:
        return Source(display, "", [], "failed", [Finding("KS004", Span(display, *exc.pos), str(exc))])
    except OSError as exc:
        return Source(display, "", [], "failed", [Finding("KS004", Span(display, 1, 1), f"cannot read file ({exc.strerror})")])
    return parse_source(display, text, limits)


def decode(data: bytes) -> str:
    if b"\x00" in data[:8192] or b"\x00" in data:
        offset = data.index(b"\x00")
        raise InputRejected("binary content (NUL byte): not a YAML text file", _pos_of_offset(data, offset))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputRejected(
            f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x}); YAML files must be UTF-8",
            _pos_of_offset(data, exc.start),
        ) from None
    for index, char in enumerate(text):
        # YAML forbids C0 control characters other than tab/newline/carriage return: a strong sign of binary junk.
        if char < " " and char not in "\t\n\r":
            raise InputRejected(f"control character U+{ord(char):04X}: not a YAML text file", _pos_of_offset(data, index))
        if index > 65536:
            break
    return text


def _pos_of_offset(data: bytes | str, offset: int) -> Pos:
    head = data[:offset]
    newline = b"\n" if isinstance(head, bytes) else "\n"
    line = head.count(newline) + 1
    column = offset - (head.rfind(newline) + 1) + 1
    return (line, column)


# ---------------------------------------------------------------------------------------------- parse


def parse_source(path: str, text: str, limits: Limits = Limits()) -> Source:
    source = Source(path, text)
    documents, findings, status = parse_text(path, text, limits)
    source.documents = documents
    source.findings = findings
    source.status = status
    return source


def parse_text(
    path: str,
    text: str,
    limits: Limits = Limits(),
    position: Callable[[int, int], Pos] | None = None,
) -> tuple[list[Document], list[Finding], str]:
    """Parse a YAML stream. `position(line0, col0)` maps parser marks to file positions (embedded configs)."""
    position = position or (lambda line, col: (line + 1, col + 1))
    findings: list[Finding] = []
    documents: list[Document] = []
    yaml = _yaml()
    try:
        from io import StringIO

        for index, node in enumerate(yaml.compose_all(StringIO(text))):
            if node is None or (node.id == "scalar" and node.tag.endswith(":null")):
                continue  # an empty document (`---` alone)
            converter = _Converter(limits, position)
            root = converter.convert(node)
            for pos, key, first in converter.duplicates:
                findings.append(
                    Finding(
                        "KS005",
                        Span(path, *pos),
                        f"duplicate key {key!r}: Kubernetes strict decoding and Prometheus reject a mapping that repeats a key",
                        fix=f"Keep one {key!r} entry and merge the values you meant into it.",
                        related=(Related(Span(path, *first), f"first {key!r} is here"),),
                    )
                )
            documents.append(Document(index, root, position(node.start_mark.line, node.start_mark.column)))
    except _Templated as exc:
        return [], [_templated_finding(path, exc.pos)], "skipped"
    except _ComplexKey as exc:
        template = _template_line(text)
        if template is not None:  # `name: {{ .Values.x }}` parses as a flow mapping used as a key
            return [], [_templated_finding(path, position(*template))], "skipped"
        message = "YAML syntax error: a mapping or sequence used as a mapping key; neither Kubernetes nor Prometheus accepts it"
        return [], [Finding("KS001", Span(path, *exc.pos), message, fix=_SYNTAX_FIX)], "failed"
    except InputRejected as exc:
        return [], [Finding("KS004", Span(path, *exc.pos), str(exc))], "failed"
    except RecursionError:
        return [], [Finding("KS004", Span(path, 1, 1), f"nesting deeper than {limits.max_depth} levels: input rejected")], "failed"
    except Exception as exc:  # ruamel raises several unrelated types for malformed input
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        pos = position(mark.line, mark.column) if mark is not None else (1, 1)
        template = _template_line(text)
        if template is not None:
            return [], [_templated_finding(path, position(template[0], template[1]))], "skipped"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        context = getattr(exc, "context", None)
        message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
        return [], [Finding("KS001", Span(path, *pos), message, fix=_SYNTAX_FIX)], "failed"
    return documents, findings, "linted"


_SYNTAX_FIX = "Fix the YAML at this position; the file was not analysed."


def _templated_finding(path: str, pos: Pos) -> Finding:
    return Finding(
        "KS003",
        Span(path, *pos),
        "Helm/Go template syntax ({{ … }}) outside a quoted string: this is a template, not YAML, and was not linted",
        fix="Lint the rendered output instead, e.g. `helm template . | kubelint-scrape -`.",
    )


_TEMPLATE = re.compile(r"\{\{")
_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'")


def _template_line(text: str) -> tuple[int, int] | None:
    """Where a `{{` stands outside quotes and comments (0-based line, col), if anywhere."""
    for number, line in enumerate(text.splitlines()):
        if "{{" not in line:
            continue
        stripped = _QUOTED.sub(lambda m: " " * len(m.group(0)), line)
        comment = re.search(r"(^|\s)#", stripped)
        if comment:
            stripped = stripped[: comment.start()]
        match = _TEMPLATE.search(stripped)
        if match:
            return number, match.start()
    return None


_YAML_FACTORY: Any = None


def _yaml() -> Any:
    global _YAML_FACTORY
    if _YAML_FACTORY is None:
        from ruamel.yaml import YAML

        try:
            yaml = YAML(typ="safe", pure=False)
        except Exception:  # pragma: no cover - no C extension
            yaml = YAML(typ="safe", pure=True)
        yaml.version = (1, 1)  # Go yaml.v2 (Kubernetes, Prometheus) resolves YAML 1.1 scalars
        _YAML_FACTORY = yaml
    return _YAML_FACTORY


def parser_is_native() -> bool:
    return "CParser" in getattr(_yaml().Parser, "__name__", "")


# ---------------------------------------------------------------------------------------------- convert

_BOOL_TRUE = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}
_TAG = "tag:yaml.org,2002:"


class _Converter:
    """ruamel nodes → YMap/YSeq/scalars with positions; guards depth and alias expansion."""

    def __init__(self, limits: Limits, position: Callable[[int, int], Pos]) -> None:
        self.limits = limits
        self.position = position
        self.duplicates: list[tuple[Pos, Any, Pos]] = []  # (repeated key, key, first occurrence)
        self.memo: dict[int, Any] = {}
        self.expanded = 0
        self.distinct = 0

    def convert(self, node: Any) -> Any:
        return self._convert(node, 0)

    def _pos(self, node: Any) -> Pos:
        mark = node.start_mark
        return self.position(mark.line, mark.column)

    def _convert(self, node: Any, depth: int) -> Any:
        if depth > self.limits.max_depth:
            raise InputRejected(f"nesting deeper than {self.limits.max_depth} levels: input rejected", self._pos(node))
        key = id(node)
        if key in self.memo:
            # An alias: the same node again. Share the converted value, but count what expanding it would cost
            # (tools that expand aliases, and our own walkers, pay for every copy).
            value, size = self.memo[key]
            self.expanded += size
            if self.expanded > self.limits.max_alias_expansion + 10 * self.distinct:
                raise InputRejected(
                    f"YAML aliases expand to over {self.limits.max_alias_expansion:,} values (a 'billion laughs' document): input rejected",
                    self._pos(node),
                )
            return value
        before = self.expanded + self.distinct
        kind = node.id
        if kind == "scalar":
            value = self._scalar(node)
        elif kind == "sequence":
            value = YSeq(self._pos(node))
            for item in node.value:
                value.append(self._convert(item, depth + 1))
                value.ipos.append(self._pos(item))
        else:
            value = YMap(self._pos(node))
            merges = []
            for key_node, value_node in node.value:
                if key_node.tag == _TAG + "merge":
                    merges.append(value_node)
                    continue
                if key_node.id != "scalar":
                    raise _ComplexKey(self._pos(key_node))
                k = self._scalar(key_node)
                if isinstance(k, str) and "{{" in k and key_node.style in ("", None):
                    raise _Templated(self._pos(key_node))
                if k in value:
                    self.duplicates.append((self._pos(key_node), k, value.key_pos(k)))
                value[k] = self._convert(value_node, depth + 1)
                value.kpos[k] = self._pos(key_node)
                value.vpos[k] = self._pos(value_node)
            for merge in merges:  # `<<: *anchor` — explicit keys win over merged ones (YAML merge key spec)
                sources = merge.value if merge.id == "sequence" else [merge]
                for source in sources:
                    merged = self._convert(source, depth + 1)
                    if isinstance(merged, YMap):
                        for mk, mv in merged.items():
                            if mk not in value:
                                value[mk] = mv
                                value.kpos[mk] = merged.key_pos(mk)
                                value.vpos[mk] = merged.value_pos(mk)
        self.distinct += 1
        size = self.expanded + self.distinct - before
        self.memo[key] = (value, size)
        return value

    def _scalar(self, node: Any) -> Any:
        text = node.value
        style = node.style
        if style not in ("", None):
            if style in ("|", ">") or not isinstance(text, str):
                return text
            return text
        if "{{" in text:
            raise _Templated(self._pos(node))
        tag = node.tag
        if not tag.startswith(_TAG):
            return text  # a custom tag: keep the text, construct nothing (safe loading)
        kind = tag[len(_TAG):]
        if kind == "str":
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
        return text


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
        if ":" in body:  # YAML 1.1 sexagesimal, e.g. 1:30
            total = 0
            for part in body.split(":"):
                total = total * 60 + int(part)
            return sign * total
        return sign * int(body)
    except ValueError:
        return text
