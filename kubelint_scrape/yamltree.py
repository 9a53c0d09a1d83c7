"""A light YAML value tree whose containers remember where each child stood.

ruamel.yaml's libyaml-backed composer gives nodes with marks; converting them into plain dict/list
subclasses that keep 1-based (line, column) positions is ~7x faster than round-trip loading (DESIGN.md)
and lets every later stage point a finding at the exact key or value.

Scalars are resolved the way the consumers do: Kubernetes (sigs.k8s.io/yaml) and Prometheus both decode
with Go yaml.v2, which follows YAML 1.1 (`yes`/`on` are booleans, `010` is octal).
"""

from __future__ import annotations

from typing import Any, Iterator

from .records import dataclass

Pos = tuple[int, int]  # 1-based line, 1-based column


class YMap(dict):
    """A mapping that knows the position of itself, each key and each value.

    The positions live in one flat sequence in the mapping's key order, `[key pos, value pos, key pos, …]` (a
    tuple once the parser completes the mapping), not in two dicts keyed like the mapping: those were 40% of a
    parsed tree's memory. Keys are added through put() (the parser appends to `places` itself); a key stored
    by plain assignment sits at the mapping's position until a later put() pads the sequence. Trees are never
    shrunk (no del/pop), so the order stays aligned.
    """

    __slots__ = ("pos", "places", "_order")

    def __init__(self, pos: Pos = (1, 1)) -> None:
        super().__init__()
        self.pos = pos
        self.places: list[Pos] | tuple[Pos, ...] = []
        self._order: dict[Any, int] | None = None  # key → index, built on the first lookup in a large mapping

    def put(self, key: Any, value: Any, key_pos: Pos, value_pos: Pos | None = None) -> None:
        """Store `value` under `key` with its positions (the value's defaulting to the key's)."""
        if value_pos is None:
            value_pos = key_pos
        index = self._index(key)
        self[key] = value
        places = self.places
        if places.__class__ is not list:  # a parsed mapping's positions are a tuple once it is complete
            places = self.places = list(places)
        if index is None:
            index = len(self) - 1
            if len(places) < 2 * index:
                places.extend([self.pos] * (2 * index - len(places)))
            if self._order is not None:
                self._order[key] = index
        elif len(places) < 2 * index + 2:
            places.extend([self.pos] * (2 * index + 2 - len(places)))
        if len(places) == 2 * index:
            places.append(key_pos)
            places.append(value_pos)
        else:
            places[2 * index] = key_pos
            places[2 * index + 1] = value_pos

    def key_pos(self, key: Any) -> Pos:
        index = self._index(key)
        places = self.places
        return places[2 * index] if index is not None and 2 * index < len(places) else self.pos

    def value_pos(self, key: Any) -> Pos:
        index = self._index(key)
        places = self.places
        return places[2 * index + 1] if index is not None and 2 * index + 1 < len(places) else self.pos

    def __reduce_ex__(self, protocol: Any) -> tuple:
        # For the parallel read's transfer (parallel.py): the default reduction of a dict subclass with slots
        # builds a state dict per mapping; this is 1.5x faster to pickle and leaves 10% less memory behind.
        return (_rebuild_map, (self.pos, self.places), None, None, iter(self.items()))

    def _index(self, key: Any) -> int | None:
        if key not in self:
            return None
        if len(self) <= 8:
            for index, candidate in enumerate(self):
                if candidate is key or candidate == key:
                    return index
        order = self._order
        if order is None or len(order) != len(self):
            order = self._order = {candidate: index for index, candidate in enumerate(self)}
        return order[key]


class YSeq(list):
    """A sequence that knows the position of itself and each item."""

    __slots__ = ("pos", "ipos")

    def __init__(self, pos: Pos = (1, 1)) -> None:
        super().__init__()
        self.pos = pos
        self.ipos: list[Pos] | tuple[Pos, ...] = []

    def __reduce_ex__(self, protocol: Any) -> tuple:
        return (_rebuild_seq, (self.pos, self.ipos), None, iter(self))

    def item_pos(self, index: int) -> Pos:
        if 0 <= index < len(self.ipos):
            return self.ipos[index]
        return self.pos


def _rebuild_map(pos: Pos, places: list[Pos]) -> YMap:
    mapping = YMap.__new__(YMap)
    mapping.pos, mapping.places, mapping._order = pos, places, None
    return mapping


def _rebuild_seq(pos: Pos, item_positions: list[Pos]) -> YSeq:
    sequence = YSeq.__new__(YSeq)
    sequence.pos, sequence.ipos = pos, item_positions
    return sequence


@dataclass(frozen=True, slots=True)  # every need, grant use and finding holds some: no __dict__ each
class Span:
    """A place in a file: what a finding points at."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class FilePos(tuple):
    """A position in another file than the object holding it: a Kustomize patch's value inside the patched object
    (kpatch.py), which must point where the user wrote it — the patch file, or the kustomization's inline patch —
    while the object's other values point into its own file. Only patched trees hold these (each has a __dict__)."""

    def __new__(cls, line: int, column: int, path: str) -> "FilePos":
        self = tuple.__new__(cls, (line, column))
        self.path = path
        return self

    def __reduce__(self) -> tuple:
        return (FilePos, (self[0], self[1], self.path), self.__dict__)  # the state: kpatch's `operation` mark too


def at(path: str, pos: Pos) -> Span:
    if pos.__class__ is FilePos:
        return Span(pos.path, pos[0], pos[1])  # type: ignore[attr-defined]
    return Span(path, pos[0], pos[1])


def key_span(path: str, mapping: Any, key: Any) -> Span:
    """Span of `key` in `mapping`, or of the mapping itself when it has no such key."""
    if isinstance(mapping, YMap):
        return at(path, mapping.key_pos(key))
    return Span(path, 1, 1)


def value_span(path: str, mapping: Any, key: Any) -> Span:
    if isinstance(mapping, YMap):
        return at(path, mapping.value_pos(key))
    return Span(path, 1, 1)


def node_span(path: str, node: Any) -> Span:
    pos = getattr(node, "pos", None)
    return at(path, pos) if pos else Span(path, 1, 1)


def walk_strings(node: Any) -> Iterator[str]:
    """Every string value below `node` (iterative: trees may be deep)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            yield current
        elif isinstance(current, dict):
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def get_path(node: Any, *keys: Any, default: Any = None) -> Any:
    """node[k1][k2]... with `default` when any step is missing or of the wrong type."""
    for key in keys:
        if isinstance(key, int):
            if not isinstance(node, list) or not -len(node) <= key < len(node):
                return default
            node = node[key]
        else:
            if not isinstance(node, dict) or key not in node:
                return default
            node = node[key]
    return node


def as_map(value: Any) -> dict:
    """The value if it is a mapping (a YMap from input, a plain dict from shipped data), else an empty YMap."""
    return value if isinstance(value, dict) else YMap()


def as_seq(value: Any) -> list:
    return value if isinstance(value, list) else YSeq()


def filled_in_later(text: str) -> bool:
    """A value that is a placeholder filled in before it is applied — a Helm or ApplicationSet `{{ … }}`, a Flux
    post-build or envsubst `${…}` —: what it becomes, the inputs do not say."""
    return "{{" in text or "${" in text


def as_str(value: Any, default: str = "") -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return default


def _unquoted(text: str, position: int, quote: list[str]) -> Iterator[tuple[int, str]]:
    """(position, character) of `text` from `position` on that lie outside quoted scalars. A quote opens a scalar
    only where one can start (line start, after a space or a flow indicator), so the apostrophe in `it's` does
    not; `''` inside single quotes is an escaped quote, `\\` escapes inside double quotes. `quote[0]` is the
    quote open when the scan starts (a quoted scalar may continue from the line above), kept up to date."""
    while position < len(text):
        char = text[position]
        if quote[0]:
            if char == "\\" and quote[0] == '"':
                position += 1
            elif char == quote[0]:
                if quote[0] == "'" and text[position + 1:position + 2] == "'":
                    position += 1
                else:
                    quote[0] = ""
        elif char in "\"'" and (position == 0 or text[position - 1] in " \t[{,:"):
            quote[0] = char
        else:
            yield position, char
        position += 1


def _starts_comment(text: str, position: int) -> bool:
    return text[position] == "#" and (position == 0 or text[position - 1] in " \t")


def comment_start(text: str) -> int | None:
    """Index of the `#` that starts the comment on this line, or None: a `#` inside a quoted scalar (a JSON
    string, `"a # b"`) starts none. A quoted scalar continued from the line above is not seen (one line is all
    this reads)."""
    return next((position for position, _char in _unquoted(text, 0, [""]) if _starts_comment(text, position)), None)


def flow_end(lines: list[str], line: int, column: int = 0, max_lines: int = 100_000) -> tuple[int, int] | None:
    """Where the first flow collection (`{…}` or `[…]`) from lines[line][column] on closes: (line, column just
    past its closing bracket), or None when it does not close. Brackets inside quoted scalars and comments do not
    count."""
    depth = 0
    opened = False
    quote = [""]  # a quoted scalar may continue on the next line
    for index in range(line, min(len(lines), line + max_lines)):
        text = lines[index]
        for position, char in _unquoted(text, column if index == line else 0, quote):
            if _starts_comment(text, position):
                break
            if char in "[{":
                depth += 1
                opened = True
            elif char in "]}" and opened:
                depth -= 1
                if depth == 0:
                    return index, position + 1
    return None
