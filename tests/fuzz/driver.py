"""What the fuzzers share: run the whole pipeline on some files and check the properties that must always hold.

Used by tests/test_fuzz_pipeline.py (hypothesis, in CI) and tests/fuzz/fuzz_pipeline.py (atheris, for long
runs). The properties (SPEC §7): no uncaught exception anywhere — load, build, analyse, every check, every
report format, suggest-rbac, LSP ranges; every file ends linted or with a KS001/KS003/KS004 finding; every
position is 1-based; the JSON and SARIF reports are valid JSON (and the JSON one valid against the shared
schema when it is present).
"""

from __future__ import annotations

import io
import json
import math
import os
import re
from pathlib import Path
from typing import Any, Iterable, Sequence

ROOT = Path(__file__).resolve().parents[2]
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
REPORT_SCHEMA = ROOT.parent / "shared" / "schemas" / "report.schema.json"
FORMATS = ("json", "sarif", "text", "concise", "github")

_validator: Any = None


class PropertyViolation(AssertionError):
    pass


def _report_validator() -> Any:
    global _validator
    if _validator is None:
        _validator = False
        if REPORT_SCHEMA.exists():
            import jsonschema

            _validator = jsonschema.Draft202012Validator(json.loads(REPORT_SCHEMA.read_text()))
    return _validator


def check_pipeline(files: Sequence[tuple[str, bytes]], formats: Iterable[str] = FORMATS, suggest: bool = True) -> Any:
    """Lint `files` (name, content) as one workspace; raise on any broken property. Returns the Result."""
    from kubelint_scrape.engine import Options, lint_sources
    from kubelint_scrape.load import read_source
    from kubelint_scrape.report import render

    options = Options()
    sources = [read_source("-", options.limits, stdin_name=name, stdin=io.BytesIO(data)) for name, data in files]
    for source in sources:
        if source.status not in ("linted", "failed", "skipped"):
            raise PropertyViolation(f"{source.path}: unknown status {source.status!r}")
        if source.status != "linted" and not any(f.rule in ("KS001", "KS003", "KS004") for f in source.findings):
            raise PropertyViolation(f"{source.path}: {source.status} without a KS001/KS003/KS004 finding")
    result = lint_sources(sources, options)
    for finding in result.findings:
        for span in (finding.span, *(r.span for r in finding.related)):
            if not (isinstance(span.line, int) and isinstance(span.column, int) and span.line >= 1 and span.column >= 1):
                raise PropertyViolation(f"{finding.rule}: position {span} is not 1-based")
        if not isinstance(finding.message, str) or not finding.message:
            raise PropertyViolation(f"{finding.rule}: empty message")
    for name in formats:
        text = render(name, result, color=False, show_assumptions=True, quiet=False)
        if not isinstance(text, str):
            raise PropertyViolation(f"{name}: rendered {type(text).__name__}")
        if name in ("json", "sarif"):
            document = json.loads(text, parse_constant=_reject_constant)
            if name == "json" and _report_validator():
                errors = sorted(_report_validator().iter_errors(document), key=lambda e: list(e.path))
                if errors:
                    raise PropertyViolation(f"json report invalid: {errors[0].message} at {list(errors[0].path)}")
    _lsp_ranges(result, sources)
    if suggest:
        from kubelint_scrape.suggest import plans, render as render_plans, render_diff

        planned = plans(result.analysis)
        if planned:
            render_plans(result.analysis, planned)
            render_diff(result.analysis, planned)
    return result


def _reject_constant(name: str) -> Any:
    raise PropertyViolation(f"JSON output contains {name}, which is not JSON")


def _lsp_ranges(result: Any, sources: list[Any]) -> None:
    try:
        from kubelint_scrape.lsp import span_range
    except ImportError:  # the LSP module is optional here
        return
    texts = {s.path: s.text.splitlines() for s in sources}
    for finding in result.findings:
        for span in (finding.span, *(r.span for r in finding.related)):
            lines = texts.get(span.path, [])
            line = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
            for encoding in ("utf-16", "utf-8"):
                (l1, c1), (l2, c2) = span_range(span, line, encoding)
                if not (0 <= l1 == l2 and 0 <= c1 <= c2):
                    raise PropertyViolation(f"LSP range {(l1, c1, l2, c2)} for {span}")


# ---------------------------------------------------------------------------------------------- YAML text


_PLAIN_SAFE = re.compile(r"[A-Za-z0-9_./][A-Za-z0-9 _./*$=@()-]*")


def to_yaml(value: Any, style: int = 0) -> str:
    """A YAML document for `value` (any nesting of dict/list/scalars). `style` varies quoting and flow."""
    return "".join(_emit(value, 0, style)) + "\n"


def _scalar(value: Any, style: int) -> str:
    if value is None:
        return ("null", "~", "")[style % 3]
    if isinstance(value, bool):
        return ("true", "yes", "True")[style % 3] if value else ("false", "no", "off")[style % 3]
    if isinstance(value, int):
        return str(value) if style % 4 else hex(value) if value >= 0 else str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    text = str(value)
    if style % 2 and _PLAIN_SAFE.fullmatch(text) and not text.endswith(" ") and "\n" not in text:
        return text  # plain: resolved as YAML 1.1 (so "yes" becomes a boolean, on purpose)
    if style % 3 == 2 and "'" not in text and "\n" not in text:
        return f"'{text}'"
    return json.dumps(text, ensure_ascii=False)  # YAML escapes have no surrogate pairs: keep astral characters raw


def _emit(value: Any, indent: int, style: int) -> Iterable[str]:
    pad = " " * indent
    if isinstance(value, dict) and value and style % 5 != 4:
        first = True
        for key, item in value.items():
            prefix = "" if first else pad
            first = False
            key_text = _scalar(key, style + 1)
            if isinstance(item, str) and "\n" in item:  # a block scalar, as embedded configs are written
                body = "\n".join((pad + "  " + line) if line else "" for line in item.split("\n"))
                yield f"{prefix}{key_text}: |\n{body.rstrip()}\n"
            elif isinstance(item, (dict, list)) and item:
                yield f"{prefix}{key_text}:\n{pad}  "
                yield from _emit(item, indent + 2, style + 1)
            else:
                yield f"{prefix}{key_text}: {_inline(item, style)}\n"
        return
    if isinstance(value, list) and value and style % 5 != 4:
        first = True
        for item in value:
            prefix = "" if first else pad
            first = False
            if isinstance(item, (dict, list)) and item:
                yield f"{prefix}- "
                yield from _emit(item, indent + 2, style + 1)
            else:
                yield f"{prefix}- {_inline(item, style)}\n"
        return
    yield _inline(value, style) + "\n"


def _inline(value: Any, style: int) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(k, style)}: {_inline(v, style)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v, style) for v in value) + "]"
    if isinstance(value, str) and "\n" in value:
        return json.dumps(value, ensure_ascii=False)
    return _scalar(value, style)


# ---------------------------------------------------------------------------------------------- mutations


YAML_PIECES = [
    b"[", b"]", b"{", b"}", b": ", b"- ", b"? ", b"*a", b"&a ", b"<<: *a\n", b"!!python/object:os.system ", b"!!str ",
    b"!!int ", b"~", b"yes", b"0x1F", b"1e400", b"-.inf", b".nan", b"0o777", b"'", b'"', b"|\n", b">-\n", b"#", b"\t",
    b"---\n", b"...\n", b"{{ .Values.x }}", b"\xff", b"\x00", b"\x1b", b"\xef\xbb\xbf", b"\r\n", b"%YAML 1.2\n",
    b"null", b"- role: node\n", b"kind: ClusterRoleBinding\n", b"resources: [\"*\"]\n", b"verbs: [\"*\"]\n",
    b"nodes/proxy", b"regex: (\n", b"action: hashmod\n", b"__address__", b":10250", b"/metrics/cadvisor",
]


def mutate(data: bytes, ops: Sequence[tuple[int, int, int]]) -> bytes:
    """Apply byte/line mutations. Each op is (kind, where, what) of arbitrary non-negative ints."""
    buffer = bytearray(data)
    for kind, where, what in ops:
        size = len(buffer)
        at = where % (size + 1)
        kind %= 9
        if kind == 0 and size:  # flip a byte
            buffer[at % size] = what % 256
        elif kind == 1:  # insert a YAML-significant piece
            buffer[at:at] = YAML_PIECES[what % len(YAML_PIECES)]
        elif kind == 2 and size:  # delete a range
            del buffer[at:at + 1 + what % 64]
        elif kind == 3:  # truncate
            del buffer[at:]
        else:
            lines = bytes(buffer).split(b"\n")
            i, j = where % len(lines), what % len(lines)
            if kind == 4:
                lines.insert(i, lines[j])  # duplicate a line
            elif kind == 5 and len(lines) > 1:
                del lines[i]
            elif kind == 6:
                lines[i], lines[j] = lines[j], lines[i]
            elif kind == 7:
                lines[i] = b" " * (1 + what % 3) + lines[i]  # re-indent
            else:  # replace a value with a piece
                key, sep, _ = lines[i].partition(b": ")
                if sep:
                    lines[i] = key + sep + YAML_PIECES[what % len(YAML_PIECES)].rstrip(b"\n")
            buffer = bytearray(b"\n".join(lines))
    return bytes(buffer)


def corpus_groups(limit_files: int = 5) -> list[list[Path]]:
    """Files of the shared corpus grouped by directory (a few per group): realistic cross-file context."""
    if not SHARED_CORPUS.is_dir():
        return []
    groups: dict[str, list[Path]] = {}
    for path in sorted(SHARED_CORPUS.rglob("*")):
        if path.is_file() and path.suffix in (".yaml", ".yml", ".json") and path.stat().st_size < 300_000:
            groups.setdefault(str(path.parent), []).append(path)
    return [files[:limit_files] for _, files in sorted(groups.items())]


def relative(path: Path) -> str:
    try:
        return str(path.relative_to(SHARED_CORPUS))
    except ValueError:
        return os.path.basename(path)
