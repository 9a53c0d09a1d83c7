"""Where a finding is, as the user's editor counts: the one place every output format takes its positions from.

The parser's (line, column) count lines as YAML does: libyaml and Go's yaml also break lines at NEL (U+0085),
LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029). Editors, git, GitHub and the Language Server Protocol
break only at LF, CR LF and CR (SARIF 2.1.0 §3.30.2: lines are what `run.newlineSequences` says, CR LF and LF by
default), so a file holding one of those characters in a comment or a quoted string would be reported a line
off for the rest of the file. Lines.locate converts; Lines.region adds the end of the token the finding points at
(the key, the scalar, a flow collection closed on its line), which SARIF, the JSON report, GitHub annotations and
LSP diagnostics highlight.
"""

from __future__ import annotations

import re
from typing import Any

from .load import Source
from .records import dataclass
from .yamltree import Span, flow_end


@dataclass(frozen=True, slots=True)
class Region:
    """1-based line and columns in code points on an editor's line; `end_column` is exclusive (the column after
    the last character, as SARIF's endColumn and LSP ranges), 0 when the line holds nothing at `column`."""

    line: int
    column: int
    end_column: int
    text: str  # the whole line

    @property
    def end_line(self) -> int:  # a token never spans lines here: a multi-line one ends where its first line does
        return self.line

    @property
    def snippet(self) -> str:
        return self.text[self.column - 1:self.end_column - 1] if self.end_column else ""


def token_end(text: str, start: int) -> int:
    """End (exclusive, 0-based) of the YAML token starting at `start`: a quoted string, a key, a plain scalar."""
    if start >= len(text):
        return start
    quote = text[start]
    if quote in "[{":
        return _flow_end(text, start)
    if quote in "\"'":
        index = start + 1
        while index < len(text):
            if text[index] == "\\" and quote == '"':
                index += 2
                continue
            if text[index] == quote:
                if quote == "'" and text[index + 1:index + 2] == "'":  # `''` is a quote inside single quotes
                    index += 2
                    continue
                return index + 1
            index += 1
        return len(text)
    index = start
    while index < len(text):
        char = text[index]
        if char in ",]}" and index > start:
            break
        if char == ":" and (index + 1 == len(text) or text[index + 1] in " \t"):
            break
        if char == "#" and index > start and text[index - 1] in " \t":
            break
        index += 1
    end = index
    while end > start and text[end - 1] in " \t":
        end -= 1
    return end if end > start else min(len(text), start + 1)


def _flow_end(text: str, start: int) -> int:
    """End of the flow collection opening at `start` when it closes on this line, else just past its bracket."""
    found = flow_end([text], 0, start)
    return found[1] if found is not None else start + 1


# What YAML (libyaml, Go's yaml) counts as a line break, beyond the protocol's \n, \r\n and \r: NEL, LS and PS. Python's
# splitlines() also breaks at \v, \f and \x1c-\x1e, which YAML refuses. Any of these, or a byte-order mark (which the
# parser skips but the client's text may hold), and a span's line and column are not the client's.
_UNUSUAL = re.compile("[\ufeff\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_EDITOR_BREAK = re.compile("\r\n|[\r\n]")


_NEWLINE = re.compile("\r\n?|\n")  # the breaks str.splitlines() finds in a text without _UNUSUAL ones
_SPLIT_BELOW = 1 << 20  # characters: a larger text's line starts are found without splitting it


class LineIndex:
    """A text without unusual breaks (the parser's lines are the editor's): where each line starts, four bytes a
    line, and a line's text cut out when asked. Splitting every Source into line strings to position the findings
    of a 10,000-object run held ~40 MB of strings at the report's peak. The starts are found on the first
    locate(): a report that needs only positions (concise, Lines.point) never scans the text for them."""

    def __init__(self, text: str, source: Source | None = None) -> None:
        # A packed Source's index holds the Source, not an unpacked copy of its text (Source.pack): positioning
        # every finding of a large run would unpack all the texts again for the report.
        self._text = None if source is not None else text
        self._source = source
        self._starts: Any = None

    @property
    def text(self) -> str:
        return self._text if self._source is None else self._source.text

    @property
    def starts(self) -> Any:
        if self._starts is None:
            from array import array
            from itertools import accumulate

            text = self.text
            if len(text) < _SPLIT_BELOW:
                self._starts = array("L", accumulate(map(len, text.splitlines(True)), initial=0))
            else:  # without the list of every line (a 20 MB file: ~60 MB for a moment, the report's peak)
                self._starts = array("L", [0])
                self._starts.extend(match.end() for match in _NEWLINE.finditer(text))
                if self._starts[-1] != len(text):
                    self._starts.append(len(text))
        return self._starts

    def __len__(self) -> int:  # starts ends with the text's length
        return len(self.starts) - 1

    def locate(self, line: int, column: int) -> tuple[int, str, int]:
        starts = self.starts
        if not 0 < line < len(starts):
            return max(line - 1, 0), "", max(column - 1, 0)
        begin = starts[line - 1]
        return line - 1, self.text[begin:starts[line]].rstrip("\r\n"), max(column - 1, 0)


class LineMap:
    """A text's lines as the protocol splits them, and where the parser's (line, column) falls in them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.bom = text.startswith("\ufeff")
        self.yaml_starts = [0] + [m.end() for m in _YAML_BREAK.finditer(text)]
        self.starts = [0] + [m.end() for m in _EDITOR_BREAK.finditer(text)]

    def locate(self, line: int, column: int) -> tuple[int, str, int]:
        import bisect

        if not 0 < line <= len(self.yaml_starts):
            return max(line - 1, 0), "", max(column - 1, 0)
        offset = self.yaml_starts[line - 1] + max(column - 1, 0) + (1 if line == 1 and self.bom else 0)
        offset = min(offset, len(self.text))
        number = bisect.bisect_right(self.starts, offset) - 1
        begin = self.starts[number]
        end = self.starts[number + 1] if number + 1 < len(self.starts) else len(self.text)
        line_text = self.text[begin:end].rstrip("\r\n")
        return number, line_text, offset - begin


class Lines:
    """Line texts of the linted Sources (and of other files, read on demand), counted as editors count them:
    for every report's positions and the ranges of diagnostics."""

    def __init__(self, sources: dict[str, Source]) -> None:
        self.sources = sources
        self.cache: dict[str, LineIndex | LineMap] = {}

    def _lines(self, path: str) -> LineIndex | LineMap:
        lines = self.cache.get(path)
        if lines is None:
            source = self.sources.get(path)
            if source is not None and source.packed:
                lines = _index(source.text, source)  # (a one-shot run: nothing outlives it)
            elif source is not None:
                lines = source.memo.get("editor lines")  # made once per Source, which outlives this run
                if lines is None:
                    lines = source.memo["editor lines"] = _index(source.text)
            else:
                try:  # a file no client has open: shown without its byte-order mark
                    with open(path, encoding="utf-8-sig", errors="replace") as handle:
                        text = handle.read()
                except OSError:
                    text = ""
                lines = _index(text)
            self.cache[path] = lines
        return lines

    def locate(self, path: str, line: int, column: int) -> tuple[int, str, int]:
        """(0-based line, that line's text, 0-based index in it) of the parser's 1-based `line` and `column`,
        counted as the client counts them."""
        return self._lines(path).locate(line, column)

    def point(self, path: str, line: int, column: int) -> tuple[int, int]:
        """(0-based line, 0-based index) as locate() gives them, without cutting out the line's text: the parser's
        own when the file has no unusual break (most files; the JSON report asks for every job and need)."""
        lines = self._lines(path)
        if isinstance(lines, LineIndex):
            return max(line - 1, 0), max(column - 1, 0)
        found = lines.locate(line, column)
        return found[0], found[2]

    def line(self, path: str, number: int) -> str:
        return self.locate(path, number, 1)[1]

    def region(self, span: Span) -> Region:
        """Where `span` is on the editor's lines, and where the token it points at ends on that line."""
        return region_at(*self.locate(span.path, span.line, span.column))


def _index(text: str, source: Source | None = None) -> LineIndex | LineMap:
    """The index of `text`; of a packed `source`'s text, reading it from the Source when it needs it."""
    return LineMap(text) if _has_unusual_break(text) else LineIndex(text, source)


def _has_unusual_break(text: str) -> bool:
    if text.isascii():  # most files; five substring scans in C are ~40x faster than the regex over them
        return "\x0b" in text or "\x0c" in text or "\x1c" in text or "\x1d" in text or "\x1e" in text
    return _UNUSUAL.search(text) is not None


def report_lines(result) -> Lines:
    """Lines for a report of `result` (its Sources; a related file outside them is read on demand)."""
    return Lines({source.path: source for source in getattr(result, "sources", ())})


def position(lines: Lines, span: Span) -> str:
    """`path:line:column` on the editor's lines (Span.__str__ counts YAML's)."""
    line, index = lines.point(span.path, span.line, span.column)
    return f"{span.path}:{line + 1}:{index + 1}"


def region_at(line: int, text: str, index: int) -> Region:
    """The Region of the token at 0-based `index` of the 0-based editor `line` whose text is `text`."""
    end = token_end(text, index) if index < len(text) else -1
    return Region(line + 1, index + 1, end + 1, text)
