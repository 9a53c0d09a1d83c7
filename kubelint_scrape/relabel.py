"""Prometheus relabeling, offline and exact.

A port of upstream ``model/relabel/relabel.go`` (Prometheus v3.x) together with the parts of Go's
``regexp`` / ``regexp/syntax`` (RE2 syntax) and ``labels.Builder`` that decide what a relabel rule does.

Upstream facts this module reproduces (see the tests for each):

* Regexes are anchored as ``^(?s:<regex>)$`` -- since Prometheus 3.0 ``.`` also matches ``\\n``.
* Source label values are joined with ``separator``; a missing label counts as ``""``.
* ``replace`` expands *both* ``target_label`` and ``replacement`` with the match (Go ``Regexp.Expand``);
  an expanded target that is not a valid label name makes the rule a no-op; an empty expanded value
  deletes the target label; no match is a no-op.
* ``hashmod`` is ``md5(value)[8:]`` read as a big-endian uint64, modulo ``modulus``.
* ``labelmap`` / ``labeldrop`` / ``labelkeep`` match label *names*, iterating over a snapshot of the
  label set taken before the rule starts (``labels.Builder.Range``).
* Setting a label to ``""`` deletes it; input labels with empty values are treated as absent.
* Go regex classes are ASCII (``\\d \\s \\w \\b``), ``$`` without ``(?m)`` is end-of-text, ``(?i)``
  uses Unicode simple case folding, ``{,n}`` is a literal, counts above 1000 are errors, and Perl/Python
  only constructs (backreferences, lookaround, possessive quantifiers, ``\\Z``) are rejected.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from typing import Any, Mapping, Sequence

from .records import dataclass

__all__ = [
    "ACTIONS",
    "KEEP_IF_EQUAL",
    "VMAGENT_ACTIONS",
    "RelabelError",
    "RelabelRule",
    "compile_go_regex",
    "expand",
    "relabel",
]


class RelabelError(ValueError):
    """An invalid relabel rule or regex (Prometheus would refuse to load the config)."""


# --------------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------------

REPLACE = "replace"
KEEP = "keep"
DROP = "drop"
KEEPEQUAL = "keepequal"
DROPEQUAL = "dropequal"
HASHMOD = "hashmod"
LABELMAP = "labelmap"
LABELDROP = "labeldrop"
LABELKEEP = "labelkeep"
LOWERCASE = "lowercase"
UPPERCASE = "uppercase"

ACTIONS = frozenset(
    {REPLACE, KEEP, DROP, KEEPEQUAL, DROPEQUAL, HASHMOD, LABELMAP, LABELDROP, LABELKEEP, LOWERCASE, UPPERCASE}
)

# vmagent's own filters (VictoriaMetrics lib/promrelabel): keep/drop the target when the values of all its
# `source_labels` (at least two; a missing label is "") are equal to each other. No target_label, no regex.
# Not Prometheus' keepequal/dropequal, which compare the joined source labels with `target_label`.
KEEP_IF_EQUAL = "keep_if_equal"
DROP_IF_EQUAL = "drop_if_equal"
VMAGENT_ACTIONS = frozenset({KEEP_IF_EQUAL, DROP_IF_EQUAL})

DEFAULT_SEPARATOR = ";"
DEFAULT_REGEX = "(.*)"
DEFAULT_REPLACEMENT = "$1"
DEFAULT_ACTION = REPLACE

# Label-name validation schemes (Prometheus v3 `metric_name_validation_scheme`; the default is utf8).
UTF8 = "utf8"
LEGACY = "legacy"
_SCHEMES = (UTF8, LEGACY)

_FIELDS = ("source_labels", "separator", "regex", "modulus", "target_label", "replacement", "action")
_NEEDS_TARGET = (REPLACE, HASHMOD, LOWERCASE, UPPERCASE, KEEPEQUAL, DROPEQUAL)
_TARGET_ONLY = (LOWERCASE, UPPERCASE, KEEPEQUAL, DROPEQUAL)

_MAX_UINT64 = (1 << 64) - 1


def _q(s: str) -> str:
    """Roughly Go's %q."""
    return json.dumps(s, ensure_ascii=False)


# --------------------------------------------------------------------------------------------------
# Label names
# --------------------------------------------------------------------------------------------------

def _is_ascii_word(c: str) -> bool:
    return c == "_" or ("0" <= c <= "9") or ("a" <= c <= "z") or ("A" <= c <= "Z")


def _valid_utf8(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return False
    return True


def _valid_label_name(name: str, scheme: str = UTF8) -> bool:
    """model.ValidationScheme.IsValidLabelName: utf8 = non-empty valid UTF-8; legacy = [a-zA-Z_][a-zA-Z0-9_]*."""
    if not name:
        return False
    if scheme == LEGACY:
        return not ("0" <= name[0] <= "9") and all(_is_ascii_word(c) for c in name)
    return _valid_utf8(name)


def _valid_legacy_target_template(s: str) -> bool:
    """Upstream relabelTargetLegacy: ^(?:(?:[a-zA-Z_]|\\$(?:\\{\\w+\\}|\\w+))+\\w*)+$ (without backtracking)."""
    i, n = 0, len(s)
    if n == 0:
        return False
    first = True
    while i < n:
        c = s[i]
        if c == "$":
            if i + 1 < n and s[i + 1] == "{":
                j = i + 2
                while j < n and _is_ascii_word(s[j]):
                    j += 1
                if j == i + 2 or j >= n or s[j] != "}":
                    return False
                i = j + 1
            else:
                j = i + 1
                while j < n and _is_ascii_word(s[j]):
                    j += 1
                if j == i + 1:
                    return False
                i = j
        elif _is_ascii_word(c):
            if first and "0" <= c <= "9":
                return False
            i += 1
        else:
            return False
        first = False
    return True


def _valid_name_with_vars(value: str, scheme: str) -> bool:
    if scheme == LEGACY:
        return _valid_legacy_target_template(value)
    return _valid_label_name(value, UTF8)


# --------------------------------------------------------------------------------------------------
# Go strings.ToLower / strings.ToUpper (per-rune simple case mapping, no context rules)
# --------------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4096)
def _go_lower_rune(c: str) -> str:
    low = c.lower()
    if len(low) == 1:
        return low
    return "i" if c == "\u0130" else c  # U+0130's simple lowercase is 'i'; Python gives 'i̇'


@functools.lru_cache(maxsize=4096)
def _go_upper_rune(c: str) -> str:
    up = c.upper()
    if len(up) == 1:
        return up
    title = c.title()  # e.g. U+1FB3 -> U+1FBC: the simple uppercase equals the titlecase form
    return title if len(title) == 1 else c  # 'ß', 'ŉ', ... have no simple uppercase


def _go_lower(s: str) -> str:
    return s.lower() if s.isascii() else "".join(_go_lower_rune(c) for c in s)


def _go_upper(s: str) -> str:
    return s.upper() if s.isascii() else "".join(_go_upper_rune(c) for c in s)


# --------------------------------------------------------------------------------------------------
# Go RE2 syntax -> Python re
# --------------------------------------------------------------------------------------------------

_F_FOLD = 1  # (?i)
_F_MULTI = 2  # (?m): ^ and $ match at line boundaries
_F_DOTNL = 4  # (?s)
_F_UNGREEDY = 8  # (?U)
_FLAG_BITS = {"i": _F_FOLD, "m": _F_MULTI, "s": _F_DOTNL, "U": _F_UNGREEDY}

_MAX_RUNE = 0x10FFFF
_MAX_REPEAT = 1000

_R_DIGIT = ((0x30, 0x39),)
_R_SPACE = ((0x09, 0x0A), (0x0C, 0x0D), (0x20, 0x20))  # Go \s: [\t\n\f\r ] (no \v)
_R_WORD = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
_PERL_CLASSES = {"d": _R_DIGIT, "s": _R_SPACE, "w": _R_WORD}
_POSIX_CLASSES = {
    "alnum": ((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)),
    "alpha": ((0x41, 0x5A), (0x61, 0x7A)),
    "ascii": ((0x00, 0x7F),),
    "blank": ((0x09, 0x09), (0x20, 0x20)),
    "cntrl": ((0x00, 0x1F), (0x7F, 0x7F)),
    "digit": ((0x30, 0x39),),
    "graph": ((0x21, 0x7E),),
    "lower": ((0x61, 0x7A),),
    "print": ((0x20, 0x7E),),
    "punct": ((0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)),
    "space": ((0x09, 0x0D), (0x20, 0x20)),
    "upper": ((0x41, 0x5A),),
    "word": _R_WORD,
    "xdigit": ((0x30, 0x39), (0x41, 0x46), (0x61, 0x66)),
}

_WORD_CLASS = "[0-9A-Za-z_]"
_WORD_BOUNDARY = f"(?:(?<={_WORD_CLASS})(?!{_WORD_CLASS})|(?<!{_WORD_CLASS})(?={_WORD_CLASS}))"
_NOT_WORD_BOUNDARY = f"(?:(?<={_WORD_CLASS})(?={_WORD_CLASS})|(?<!{_WORD_CLASS})(?!{_WORD_CLASS}))"
_ANY = "(?s:.)"
_NOTHING = "(?!)"

_GROUP_PREFIX = "_g"  # Python group names are _g<index>_<go name>: Go allows names like "1x" and duplicates


def _norm(ranges) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _complement(ranges) -> list[tuple[int, int]]:
    out = []
    nxt = 0
    for lo, hi in _norm(ranges):
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= _MAX_RUNE:
        out.append((nxt, _MAX_RUNE))
    return out


@functools.lru_cache(maxsize=1)
def _fold_orbits() -> tuple[tuple[int, ...], dict[int, tuple[int, ...]]]:
    """Case-fold equivalence classes (approximating Go's unicode.SimpleFold orbits). Built lazily, once.

    Two runes are linked when one is the single-rune lower/upper case of the other; U+0130 and U+0131
    are excluded (their links to i/I are Turkic-only foldings, which Go's SimpleFold leaves out).
    """
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    excluded = (0x130, 0x131)
    nodes: set[int] = set()
    for cp in range(0x41, 0x1E944):
        if cp in excluded or 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        for other in (ch.lower(), ch.upper()):
            if len(other) == 1 and other != ch and ord(other) not in excluded:
                nodes.add(cp)
                nodes.add(ord(other))
                a, b = find(cp), find(ord(other))
                if a != b:
                    parent[a] = b
    groups: dict[int, list[int]] = {}
    for cp in nodes:
        groups.setdefault(find(cp), []).append(cp)
    orbit: dict[int, tuple[int, ...]] = {}
    for members in groups.values():
        if len(members) > 1:
            t = tuple(sorted(members))
            for cp in t:
                orbit[cp] = t
    return tuple(sorted(orbit)), orbit


def _fold_ranges(ranges) -> list[tuple[int, int]]:
    """Go appendFoldedRange: add every case variant of every rune in the ranges."""
    keys, orbit = _fold_orbits()
    out = list(ranges)
    for lo, hi in ranges:
        if lo <= 0x41 and hi >= 0x1E943:
            continue  # range is full: folding can't add more
        i = bisect.bisect_left(keys, lo)
        while i < len(keys) and keys[i] <= hi:
            out.extend((cp, cp) for cp in orbit[keys[i]])
            i += 1
    return _norm(out)


def _esc_rune(cp: int) -> str:
    c = chr(cp)
    if c.isascii() and c.isalnum():
        return c
    if cp < 0x100:
        return f"\\x{cp:02x}"
    if cp < 0x10000:
        return f"\\u{cp:04x}"
    return f"\\U{cp:08x}"


def _emit_ranges(ranges) -> str:
    ranges = _norm(ranges)
    if not ranges:
        return _NOTHING
    if ranges == [(0, _MAX_RUNE)]:
        return _ANY
    if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
        return _esc_rune(ranges[0][0])
    parts = []
    for lo, hi in ranges:
        if lo == hi:
            parts.append(_esc_rune(lo))
        elif hi == lo + 1:
            parts.append(_esc_rune(lo) + _esc_rune(hi))
        else:
            parts.append(_esc_rune(lo) + "-" + _esc_rune(hi))
    return "[" + "".join(parts) + "]"


class _Item:
    """One operand in a concatenation: its Python text plus what Go's parser would remember of it."""

    __slots__ = ("text", "zero_width", "quantified", "repeats")

    def __init__(self, text: str, zero_width: bool = False, repeats: tuple = ()):
        self.text = text
        self.zero_width = zero_width
        self.quantified = False
        self.repeats = repeats  # nested {n,m} repeat nodes: (max-or-min, children), for Go's size check


class _Frame:
    __slots__ = ("saved_flags", "opener", "alts", "seq")

    def __init__(self, saved_flags: int, opener: str):
        self.saved_flags = saved_flags  # flags to restore at the closing paren
        self.opener = opener
        self.alts: list[list[_Item]] = []  # finished alternatives
        self.seq: list[_Item] = []  # the alternative being parsed


def _repeat_is_valid(node, n: int) -> bool:
    """Go regexp/syntax repeatIsValid over our (m, children) nodes."""
    m, children = node
    if m == 0:
        return True
    if m > n:
        return False
    if m > 0:
        n //= m
    return all(_repeat_is_valid(c, n) for c in children)


class _GoRegexTranslator:
    def __init__(self, src: str, flags: int, shown: str | None = None):
        self.src = src
        self.shown = src if shown is None else shown  # the user's pattern, for messages
        self.flags = flags
        self.ncap = 0
        self._last_repeat_start = 0

    def error(self, what: str, expr: str = "") -> RelabelError:
        detail = f"{what}: `{expr}`" if expr else what
        return RelabelError(f"invalid regex {_q(self.shown)}: error parsing regexp: {detail}")

    def unsupported(self, what: str, expr: str) -> RelabelError:
        return RelabelError(
            f"unsupported regex {_q(self.shown)}: {what} `{expr}` is valid RE2 but cannot be checked offline "
            f"(Python's re has no equivalent)"
        )

    # -- helpers -----------------------------------------------------------------------------------

    def _literal(self, cp: int) -> _Item:
        if self.flags & _F_FOLD:
            return _Item(_emit_ranges(_fold_ranges([(cp, cp)])))
        return _Item(_esc_rune(cp))

    def _class_item(self, positives, negated_groups, negate: bool) -> _Item:
        fold = bool(self.flags & _F_FOLD)
        ranges = list(positives)  # already folded by the caller when fold is on
        for grp in negated_groups:
            ranges.extend(_complement(_fold_ranges(grp) if fold else grp))
        ranges = _norm(ranges)
        if negate:
            ranges = _complement(ranges)
        return _Item(_emit_ranges(ranges))

    def _group_ranges(self, ranges) -> list[tuple[int, int]]:
        return _fold_ranges(ranges) if self.flags & _F_FOLD else list(ranges)

    # -- escapes -----------------------------------------------------------------------------------

    def _parse_escape(self, i: int) -> tuple[int, int]:
        """Go parseEscape: s[i] == '\\\\'. Returns (rune, next index)."""
        s = self.src
        start = i
        i += 1
        if i >= len(s):
            raise self.error("trailing backslash at end of expression")
        c = s[i]
        i += 1
        if "1" <= c <= "7" and not (i < len(s) and "0" <= s[i] <= "7"):
            raise self.error("invalid escape sequence", s[start:i])  # a backreference
        if "0" <= c <= "7":
            r = ord(c) - 0x30
            for _ in range(2):
                if i < len(s) and "0" <= s[i] <= "7":
                    r = r * 8 + ord(s[i]) - 0x30
                    i += 1
                else:
                    break
            return r, i
        if c == "x":
            if i >= len(s):
                raise self.error("invalid escape sequence", s[start:i])
            if s[i] == "{":
                j = i + 1
                r = 0
                nhex = 0
                while True:
                    if j >= len(s):
                        raise self.error("invalid escape sequence", s[start:j])
                    d = s[j]
                    j += 1
                    if d == "}":
                        break
                    v = int(d, 16) if d in "0123456789abcdefABCDEF" else -1
                    if v < 0:
                        raise self.error("invalid escape sequence", s[start:j])
                    r = r * 16 + v
                    if r > _MAX_RUNE:
                        raise self.error("invalid escape sequence", s[start:j])
                    nhex += 1
                if nhex == 0:
                    raise self.error("invalid escape sequence", s[start:j])
                return r, j
            hexd = s[i : i + 2]
            if len(hexd) < 2 or any(d not in "0123456789abcdefABCDEF" for d in hexd):
                raise self.error("invalid escape sequence", s[start : i + 2])
            return int(hexd, 16), i + 2
        simple = {"a": 7, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}
        if c in simple:
            return simple[c], i
        if c.isascii() and not c.isalnum():
            return ord(c), i  # escaped punctuation (and '_') is itself
        raise self.error("invalid escape sequence", s[start:i])

    def _maybe_unicode_class(self, i: int):
        s = self.src
        if s.startswith(("\\p", "\\P"), i):
            j = i + 2
            if j < len(s) and s[j] == "{":
                k = s.find("}", j)
                expr = s[i : k + 1] if k >= 0 else s[i:]
                if k < 0:
                    raise self.error("invalid character class range", expr)
            else:
                expr = s[i : j + 1]
                if j >= len(s):
                    raise self.error("invalid character class range", expr)
            raise self.unsupported("Unicode character class", expr)

    # -- character classes -------------------------------------------------------------------------

    def _parse_class(self, i: int) -> tuple[_Item, int]:
        s = self.src
        start = i
        i += 1  # [
        negate = False
        if i < len(s) and s[i] == "^":
            negate = True
            i += 1
        positives: list[tuple[int, int]] = []
        negated_groups: list = []
        first = True
        while i >= len(s) or s[i] != "]" or first:
            if i >= len(s):
                raise self.error("missing closing ]", s[start:])
            first = False
            # POSIX [:alpha:]
            if s.startswith("[:", i):
                end = s.find(":]", i + 2)
                if end >= 0:
                    name = s[i + 2 : end]
                    neg = name.startswith("^")
                    ranges = _POSIX_CLASSES.get(name[1:] if neg else name)
                    if ranges is None:
                        raise self.error("invalid character class range", s[i : end + 2])
                    if neg:
                        negated_groups.append(ranges)
                    else:
                        positives.extend(self._group_ranges(ranges))
                    i = end + 2
                    continue
            self._maybe_unicode_class(i)
            if s[i] == "\\" and i + 1 < len(s) and s[i + 1] in "dDsSwW":
                ranges = _PERL_CLASSES[s[i + 1].lower()]
                if s[i + 1].isupper():
                    negated_groups.append(ranges)
                else:
                    positives.extend(self._group_ranges(ranges))
                i += 2
                continue
            rng_start = i
            lo, i = self._class_char(i, start)
            hi = lo
            if i + 1 < len(s) and s[i] == "-" and s[i + 1] != "]":
                hi, i = self._class_char(i + 1, start)
                if hi < lo:
                    raise self.error("invalid character class range", s[rng_start:i])
            positives.extend(self._group_ranges([(lo, hi)]))
        return self._class_item(positives, negated_groups, negate), i + 1

    def _class_char(self, i: int, class_start: int) -> tuple[int, int]:
        s = self.src
        if i >= len(s):
            raise self.error("missing closing ]", s[class_start:])
        if s[i] == "\\":
            return self._parse_escape(i)
        return ord(s[i]), i + 1

    # -- repetition --------------------------------------------------------------------------------

    def _parse_int(self, i: int):
        s = self.src
        if i >= len(s) or not ("0" <= s[i] <= "9"):
            return None, i
        if i + 1 < len(s) and s[i] == "0" and "0" <= s[i + 1] <= "9":
            return None, i  # leading zeros
        j = i
        while j < len(s) and "0" <= s[j] <= "9":
            j += 1
        n = 0
        for d in s[i:j]:
            if n >= 100_000_000:
                n = -1
                break
            n = n * 10 + ord(d) - 0x30
        return n, j

    def _parse_repeat(self, i: int):
        """Go parseRepeat at s[i] == '{': (min, max, next) or None when it is a literal '{'."""
        s = self.src
        lo, j = self._parse_int(i + 1)
        if lo is None or j >= len(s):
            return None
        if s[j] != ",":
            hi = lo
        else:
            j += 1
            if j >= len(s):
                return None
            if s[j] == "}":
                hi = -1
            else:
                hi, j = self._parse_int(j)
                if hi is None:
                    return None
                if hi < 0:
                    lo = -1
        if j >= len(s) or s[j] != "}":
            return None
        return lo, hi, j + 1

    def _apply_repeat(self, seq: list[_Item], op: str, lo: int, hi: int, start: int, i: int, last_repeat: bool) -> int:
        s = self.src
        lazy = False
        if i < len(s) and s[i] == "?":
            lazy = True
            i += 1
        if last_repeat:
            raise self.error("invalid nested repetition operator", s[self._last_repeat_start : i])
        if not seq:
            raise self.error("missing argument to repetition operator", s[start:i])
        item = seq[-1]
        if item.quantified or item.zero_width:
            item.text = f"(?:{item.text})"
            item.zero_width = False
        if self.flags & _F_UNGREEDY:
            lazy = not lazy
        if op == "{":
            if lo < 0 or lo > _MAX_REPEAT or hi > _MAX_REPEAT or (hi >= 0 and lo > hi):
                raise self.error("invalid repeat count", s[start:i])
            node = (hi if hi >= 0 else lo, item.repeats)
            if (lo >= 2 or hi >= 2) and not _repeat_is_valid(node, _MAX_REPEAT):
                raise self.error("invalid repeat count", s[start:i])
            item.repeats = (node,)
            q = "{%d}" % lo if lo == hi else ("{%d,}" % lo if hi < 0 else "{%d,%d}" % (lo, hi))
        else:
            q = op
        item.text += q + ("?" if lazy else "")
        item.quantified = True
        self._last_repeat_start = start
        return i

    # -- groups ------------------------------------------------------------------------------------

    def _parse_perl_flags(self, i: int, stack: list[_Frame]) -> int:
        """At s[i:] == '(?'. Handles named captures, (?flags) and (?flags:...)."""
        s = self.src
        t = s[i:]
        if (len(t) > 4 and t[2] == "P" and t[3] == "<") or (len(t) > 3 and t[2] == "<"):
            begin = 4 if t[2] == "P" else 3
            end = t.find(">")
            if end < 0:
                raise self.error("invalid named capture", t)
            name = t[begin:end]
            if t[2] == "<" and name[:1] in ("=", "!"):
                raise self.error("invalid named capture (lookbehind is not RE2 syntax)", t[: end + 1] if end >= 0 else t)
            if not name or not all(c.isascii() and (c.isalnum() or c == "_") for c in name):
                raise self.error("invalid named capture", t[: end + 1])
            self.ncap += 1
            stack.append(_Frame(self.flags, f"(?P<{_GROUP_PREFIX}{self.ncap}_{name}>"))
            return i + end + 1
        if t.startswith("(?P=") or t.startswith("(?P>"):
            raise self.error("invalid named capture (backreferences are not RE2 syntax)", t[:4])
        flags = self.flags
        sign = 1
        saw_flag = False
        j = i + 2
        while j < len(s):
            c = s[j]
            j += 1
            if c in _FLAG_BITS:
                if sign > 0:
                    flags |= _FLAG_BITS[c]
                else:
                    flags &= ~_FLAG_BITS[c]
                saw_flag = True
                continue
            if c == "-":
                if sign < 0:
                    break
                sign = -1
                saw_flag = False
                continue
            if c in ":)":
                if sign < 0 and not saw_flag:
                    break
                if c == ":":
                    stack.append(_Frame(self.flags, "(?:"))
                self.flags = flags
                return j
            break
        what = "invalid or unsupported Perl syntax"
        if t[2:3] in ("=", "!"):
            what = "invalid or unsupported Perl syntax (lookahead is not RE2 syntax)"
        raise self.error(what, s[i:j])

    # -- main loop ---------------------------------------------------------------------------------

    def translate(self) -> str:
        s = self.src
        stack: list[_Frame] = [_Frame(self.flags, "")]
        last_repeat = False  # Go's lastRepeat: the previous token was a repetition operator
        i = 0
        while i < len(s):
            frame = stack[-1]
            c = s[i]
            repeat = False
            if c == "(":
                if s.startswith("(?", i):
                    i = self._parse_perl_flags(i, stack)
                else:
                    self.ncap += 1
                    stack.append(_Frame(self.flags, "("))
                    i += 1
            elif c == "|":
                frame.alts.append(frame.seq)
                frame.seq = []
                i += 1
            elif c == ")":
                if len(stack) == 1:
                    raise self.error("unexpected )", s)
                stack.pop()
                frame.alts.append(frame.seq)
                body = "|".join("".join(it.text for it in seq) for seq in frame.alts)
                repeats = tuple(r for seq in frame.alts for it in seq for r in it.repeats)
                self.flags = frame.saved_flags
                stack[-1].seq.append(_Item(frame.opener + body + ")", repeats=repeats))
                i += 1
            elif c == "^":
                frame.seq.append(_Item("(?m:^)" if self.flags & _F_MULTI else "\\A", zero_width=True))
                i += 1
            elif c == "$":
                frame.seq.append(_Item("(?m:$)" if self.flags & _F_MULTI else "\\Z", zero_width=True))
                i += 1
            elif c == ".":
                frame.seq.append(_Item(_ANY if self.flags & _F_DOTNL else "[^\\n]"))
                i += 1
            elif c == "[":
                item, i = self._parse_class(i)
                frame.seq.append(item)
            elif c in "*+?":
                i = self._apply_repeat(frame.seq, c, 0, 0, i, i + 1, last_repeat)
                repeat = True
            elif c == "{":
                parsed = self._parse_repeat(i)
                if parsed is None:
                    frame.seq.append(self._literal(ord("{")))
                    i += 1
                else:
                    lo, hi, nxt = parsed
                    i = self._apply_repeat(frame.seq, "{", lo, hi, i, nxt, last_repeat)
                    repeat = True
            elif c == "\\":
                i = self._parse_backslash(i, frame)
            else:
                frame.seq.append(self._literal(ord(c)))
                i += 1
            last_repeat = repeat
        if len(stack) > 1:
            raise self.error("missing closing )", s)
        frame = stack[0]
        frame.alts.append(frame.seq)
        return "|".join("".join(it.text for it in seq) for seq in frame.alts)

    def _parse_backslash(self, i: int, frame: _Frame) -> int:
        s = self.src
        if i + 1 >= len(s):
            raise self.error("trailing backslash at end of expression")
        c = s[i + 1]
        if c == "A":
            frame.seq.append(_Item("\\A", zero_width=True))
            return i + 2
        if c == "z":
            frame.seq.append(_Item("\\Z", zero_width=True))
            return i + 2
        if c == "b":
            frame.seq.append(_Item(_WORD_BOUNDARY, zero_width=True))
            return i + 2
        if c == "B":
            frame.seq.append(_Item(_NOT_WORD_BOUNDARY, zero_width=True))
            return i + 2
        if c == "C":
            raise self.error("invalid escape sequence", s[i : i + 2])
        if c == "Q":
            end = s.find("\\E", i + 2)
            lit = s[i + 2 :] if end < 0 else s[i + 2 : end]
            for ch in lit:
                frame.seq.append(self._literal(ord(ch)))
            return len(s) if end < 0 else end + 2
        self._maybe_unicode_class(i)
        if c in "dDsSwW":
            ranges = _PERL_CLASSES[c.lower()]
            if c.isupper():
                frame.seq.append(self._class_item([], [ranges], False))
            else:
                frame.seq.append(self._class_item(self._group_ranges(ranges), [], False))
            return i + 2
        if c == "Z":
            raise self.error("invalid escape sequence (\\Z is not RE2 syntax; use \\z)", s[i : i + 2])
        if "1" <= c <= "9" and not (i + 2 < len(s) and "0" <= s[i + 2] <= "7" and c <= "7"):
            raise self.error("invalid escape sequence (backreferences are not RE2 syntax)", s[i : i + 2])
        r, nxt = self._parse_escape(i)
        frame.seq.append(self._literal(r))
        return nxt


def translate_go_regex(pattern: str, *, dot_nl: bool = True) -> str:
    """Translate an (unanchored) Go RE2 regex to an equivalent Python ``re`` pattern, anchored at both ends.

    ``dot_nl`` mirrors Prometheus 3.x, which compiles relabel regexes as ``^(?s:<regex>)$``.
    """
    if not isinstance(pattern, str):
        raise RelabelError(f"regex must be a string, got {type(pattern).__name__}")
    # Translate the very string Prometheus compiles (model/relabel NewRegexp: "^(?s:" + s + ")$"; 2.x without
    # the s flag), not the pattern alone: `foo)|(bar` is unbalanced on its own, yet wrapped it is valid RE2 —
    # Prometheus loads it and matches `^(?s:foo)` or `(bar)$`.
    return _GoRegexTranslator(("^(?s:" if dot_nl else "^(?:") + pattern + ")$", 0, shown=pattern).translate()


@functools.lru_cache(maxsize=4096)
def check_go_regex(pattern: str, dot_nl: bool = True) -> str:
    """The Python translation of a relabel regex, raising RelabelError as compile_go_regex does. Validation
    needs only this: most regexes of a config (metric relabellings, monitors' relabelings) are validated and
    never matched, and Python's re.compile of a long alternation costs several times the translation."""
    return translate_go_regex(pattern, dot_nl=dot_nl)


@functools.lru_cache(maxsize=4096)
def compile_go_regex(pattern: str, dot_nl: bool = True) -> Any:
    """Compile a relabel regex exactly as Prometheus does: anchored ``^(?s:pattern)$`` with RE2 semantics.

    Raises RelabelError for anything RE2 rejects (backreferences, lookaround, possessive quantifiers, ...)
    and, with "unsupported" in the message, for valid RE2 that Python cannot express (``\\pL``, ``\\p{Greek}``).

    The translation runs on Python's backtracking engine, which takes exponential time where RE2 (Go's engine,
    linear in the input) does not: `(a+)+b` on 34 `a`s and a `!` ran for minutes. A pattern that can backtrack
    so (_backtracking) is compiled by RE2 itself (google-re2) from the very text Prometheus compiles; its
    pattern and match objects answer what this module asks of Python's (search, group, start, groups,
    groupindex). Python's engine keeps the rest: per call it is ~15x faster on the short values relabelling sees.
    A pattern with k unbounded repeats in a row (`(.*);(.*);(.*)`) backtracks in polynomial time, ~n^k/k! steps on
    a failing value of n characters: fine for the usual label, not for a long annotation (`kubectl get -o yaml`
    output carries last-applied-configuration): values longer than a bound go to RE2 (_LongValuesOnRE2).
    """
    translated = check_go_regex(pattern, dot_nl)
    exponential, unbounded = _backtracking(translated)
    anchored = ("^(?s:" if dot_nl else "^(?:") + pattern + ")$"  # what Prometheus compiles
    linear = _re2_compile(anchored) if exponential else None
    if linear is not None:
        return linear
    try:
        compiled = re.compile(translated)
    except re.error as e:  # pragma: no cover - the translator should never produce invalid Python
        raise RelabelError(f"unsupported regex {_q(pattern)}: cannot be translated to Python re ({e})") from None
    return _LongValuesOnRE2(compiled, anchored, _longest_for_python(unbounded)) if unbounded > 1 else compiled


class _LongValuesOnRE2:
    """A pattern whose backtracking cost grows as a power of the value's length: values up to `longest`
    characters on Python's engine (fast per call), longer ones on RE2 (linear). Both give the same matches. RE2
    is loaded at the first long value only: most runs never see one, and the module costs 3.4 MB."""

    __slots__ = ("python", "anchored", "longest", "_linear")

    def __init__(self, python: re.Pattern, anchored: str, longest: int) -> None:
        self.python, self.anchored, self.longest, self._linear = python, anchored, longest, None

    @property
    def linear(self) -> Any:
        if self._linear is None:
            self._linear = _re2_compile(self.anchored) or self.python  # (no RE2 package: Python's engine does all)
        return self._linear

    def search(self, value: str) -> Any:
        return (self.python if len(value) <= self.longest else self.linear).search(value)

    def match(self, value: str) -> Any:
        return (self.python if len(value) <= self.longest else self.linear).match(value)


def _longest_for_python(unbounded: int) -> int:
    """The longest value Python's engine may take for a pattern of `unbounded` repeats in a row: where its worst
    case, about n^k/k! steps, stays near 10^7 (~10 ms). 2 repeats: 4,472 characters; 3: 391; 4: 148."""
    import math

    return int((1e7 * math.factorial(unbounded)) ** (1 / unbounded))


def _re2_compile(anchored: str) -> Any:
    """RE2's compilation of a Go regex, or None without the google-re2 package (or if RE2 refuses the text)."""
    try:
        import re2
    except ImportError:  # pragma: no cover - a dependency on CPython; elsewhere Python's engine does all
        return None
    try:
        return re2.compile(anchored)
    except Exception:  # pragma: no cover - the text is valid RE2 (the translator checked it); Python then
        return None


def _backtracking(translated: str) -> tuple[bool, int]:
    """Whether Python's engine may take exponential time on this pattern, and the degree of the polynomial its
    backtracking is bounded by otherwise (unbounded repeats, each counted as often as a bounded repeat around it
    repeats it). Exponential: an unbounded repeat (`+`, `*`, `{2,}`) holding another repeat or an alternation —
    `(a+)+`, `(\\w+\\.?)+`, `(a|aa)*` — lets it try every way of splitting the text among the repeats before
    failing. A bounded one (`(\\d+\\.){4}`, an IPv6 group `{1,7}`) multiplies the degree instead."""
    try:  # re's own parser (internal: re exposes no parse tree); sre_parse before Python 3.11
        from re import _constants as constants, _parser as parser
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_constants as constants  # type: ignore[no-redef]
        import sre_parse as parser  # type: ignore[no-redef]
    try:
        tree = parser.parse(translated)
    except Exception:  # pragma: no cover - re.compile will report it
        return False, 0
    repeats = (constants.MAX_REPEAT, constants.MIN_REPEAT)
    unbounded = constants.MAXREPEAT
    degree = 0

    def exponential(items: Any, inside_unbounded: bool, times: int) -> bool:
        nonlocal degree
        for op, arg in items:
            if op in repeats:
                _low, high, body = arg
                if inside_unbounded and high > 1:
                    return True
                if high == unbounded:
                    degree += times
                if exponential(body, inside_unbounded or high == unbounded, times * (1 if high == unbounded else high)):
                    return True
            elif op is constants.BRANCH:
                if inside_unbounded or any(exponential(branch, False, times) for branch in arg[1]):
                    return True
            elif op is constants.SUBPATTERN or op is getattr(constants, "ATOMIC_GROUP", None):
                if exponential(arg[-1], inside_unbounded, times):
                    return True
        return False

    return exponential(tree, False, 1), degree


@functools.lru_cache(maxsize=1024)
def example_match(pattern: str) -> str | None:
    """One value the relabel regex `pattern` matches whole, as Prometheus anchors it (`.*-metrics` → "x-metrics",
    `9\\d{3}` → "9000"), or None when it cannot tell. Lets the simulation give a representative workload a port
    name or number a job keeps by pattern: any workload owner can choose such a value. The example is built from
    the parse tree (each repeat at least once, the first branch, the first character of a class) and checked
    against the compiled regex, so a wrong guess gives None, never a value the job would not keep."""
    try:
        from re import _constants as constants, _parser as parser
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_constants as constants  # type: ignore[no-redef]
        import sre_parse as parser  # type: ignore[no-redef]
    try:
        compiled = compile_go_regex(pattern)
        tree = parser.parse(check_go_regex(pattern))
    except Exception:
        return None

    def one_char(items: Any) -> str | None:
        if items and items[0][0] is constants.NEGATE:
            return next((c for c in "x0-" if in_class(items[1:], c) is False), None)
        for op, arg in items:
            if op is constants.LITERAL:
                return chr(arg)
            if op is constants.RANGE:  # a readable character where the range has one
                return next((c for c in "x0a-" if arg[0] <= ord(c) <= arg[1]), chr(arg[0]))
            if op is constants.CATEGORY:
                return {constants.CATEGORY_DIGIT: "0", constants.CATEGORY_WORD: "x"}.get(arg)
        return None

    def in_class(items: Any, char: str) -> bool:
        for op, arg in items:
            if (op is constants.LITERAL and chr(arg) == char) or (
                    op is constants.RANGE and arg[0] <= ord(char) <= arg[1]):
                return True
        return False

    def build(items: Any) -> str | None:
        out = []
        for op, arg in items:
            if op is constants.LITERAL:
                out.append(chr(arg))
            elif op is constants.ANY:
                out.append("x")
            elif op is constants.IN:
                out.append(one_char(arg))
            elif op in (constants.MAX_REPEAT, constants.MIN_REPEAT):
                body = build(arg[2])
                out.append(None if body is None else body * max(arg[0], 1 if arg[1] else 0))
            elif op is constants.BRANCH:
                out.append(next((b for b in map(build, arg[1]) if b is not None), None))
            elif op is constants.SUBPATTERN:
                out.append(build(arg[-1]))
            elif op is constants.AT:
                continue
            else:
                return None
            if out[-1] is None:
                return None
        return "".join(out)

    value = build(tree)
    return value if value is not None and compiled.match(value) else None


@functools.lru_cache(maxsize=4096)
def _group_names(pattern: re.Pattern) -> tuple[str, ...]:
    """Go Regexp.SubexpNames() for a pattern compiled by compile_go_regex (index 0 is "")."""
    names = [""] * (pattern.groups + 1)
    for pyname, idx in pattern.groupindex.items():
        name = pyname
        if pyname.startswith(_GROUP_PREFIX):
            rest = pyname[len(_GROUP_PREFIX) :]
            digits, sep, goname = rest.partition("_")
            if sep and digits.isdigit():
                name = goname
        names[idx] = name
    return tuple(names)


# --------------------------------------------------------------------------------------------------
# Go Regexp.Expand
# --------------------------------------------------------------------------------------------------

def _extract(tmpl: str, pos: int):
    """Go regexp extract(): parse a $name or ${name} at tmpl[pos:] (just after '$').

    Returns (name, num, next_pos) or None when malformed.
    """
    n = len(tmpl)
    if pos >= n:
        return None
    brace = False
    i = pos
    if tmpl[i] == "{":
        brace = True
        i += 1
    j = i
    while j < n and (tmpl[j].isalpha() or tmpl[j].isdecimal() or tmpl[j] == "_"):
        j += 1
    if j == i:
        return None  # empty name is not okay
    name = tmpl[i:j]
    if brace:
        if j >= n or tmpl[j] != "}":
            return None  # missing closing brace
        j += 1
    num = 0
    for ch in name:
        if not ("0" <= ch <= "9") or num >= 100_000_000:
            num = -1
            break
        num = num * 10 + ord(ch) - 0x30
    if name[0] == "0" and len(name) > 1:
        num = -1  # disallow leading zeros
    return name, num, j


def expand(template: str, match: re.Match) -> str:
    """Go ``Regexp.ExpandString``: ``$1``, ``${1}``, ``$name``, ``${name}``, ``$$``.

    ``$name`` takes the longest run of letters, digits and '_' (so ``$1x`` is the group named "1x");
    a group that does not exist or did not participate expands to "", malformed ``$`` stays literal.
    """
    if "$" not in template:
        return template
    names = _group_names(match.re)
    ngroups = match.re.groups
    out: list[str] = []
    pos = 0
    n = len(template)
    while True:
        k = template.find("$", pos)
        if k < 0:
            break
        out.append(template[pos:k])
        pos = k + 1
        if pos < n and template[pos] == "$":
            out.append("$")
            pos += 1
            continue
        ext = _extract(template, pos)
        if ext is None:
            out.append("$")  # malformed; treat $ as raw text
            continue
        name, num, pos = ext
        if num >= 0:
            if num <= ngroups:
                g = match.group(num)
                if g is not None:
                    out.append(g)
        else:
            for idx in range(1, ngroups + 1):
                if names[idx] == name and match.start(idx) >= 0:
                    out.append(match.group(idx))
                    break
    out.append(template[pos:])
    return "".join(out)


# --------------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------------

def _as_string(key: str, v: Any) -> str:
    """YAML scalar -> Go string (yaml.v2 takes a scalar's text; null is the zero value "")."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    raise RelabelError(f"relabel config: '{key}' must be a string, got {type(v).__name__}")


@dataclass(frozen=True)
class RelabelRule:
    """One ``relabel_configs`` entry, with Prometheus defaults.

    ``name_validation`` is the job's metric_name_validation_scheme ("utf8", the v3 default, or "legacy");
    it decides which target label names are valid.
    """

    source_labels: tuple[str, ...] = ()
    separator: str = DEFAULT_SEPARATOR
    regex: str = DEFAULT_REGEX  # the raw regex text as written in the config (unanchored)
    target_label: str = ""
    replacement: str = DEFAULT_REPLACEMENT
    modulus: int = 0
    action: str = DEFAULT_ACTION  # replace keep drop keepequal dropequal hashmod labelmap labeldrop labelkeep lowercase uppercase
    name_validation: str = UTF8

    def __post_init__(self) -> None:
        if not isinstance(self.source_labels, tuple):
            object.__setattr__(self, "source_labels", tuple(self.source_labels))

    @classmethod
    def from_mapping(cls, m: Mapping, *, name_validation: str = UTF8, vmagent: bool = False) -> "RelabelRule":
        """Build a rule from a YAML-parsed mapping, validating it like Prometheus' loader.

        Missing keys take Prometheus' defaults; explicit nulls take Go's zero values (yaml.v2), so
        ``regex: null`` is the regex "" (matches only the empty string) and ``action: null`` is an error.
        ``vmagent``: also accept vmagent's keep_if_equal/drop_if_equal, validated as vmagent does.
        """
        if name_validation not in _SCHEMES:
            raise RelabelError(f"unknown name validation scheme {_q(str(name_validation))}, must be 'utf8' or 'legacy'")
        if not isinstance(m, Mapping):
            raise RelabelError(f"relabel config must be a mapping, got {type(m).__name__}")
        for key in m:
            if key not in _FIELDS:
                raise RelabelError(f"relabel config: field {key} not found in type relabel.plain")

        source_labels: tuple[str, ...] = ()
        source_labels_set = False  # Go: SourceLabels != nil
        if "source_labels" in m and m["source_labels"] is not None:
            raw = m["source_labels"]
            if isinstance(raw, (str, bytes)) or not isinstance(raw, Sequence):
                raise RelabelError(f"relabel config: 'source_labels' must be a list of label names, got {type(raw).__name__}")
            names = []
            for v in raw:
                if v is None:
                    names.append("")  # yaml.v2 null -> zero value, unvalidated
                    continue
                name = _as_string("source_labels", v)
                if not _valid_label_name(name, UTF8):
                    raise RelabelError(f"{_q(name)} is not a valid label name")
                names.append(name)
            source_labels = tuple(names)
            source_labels_set = True

        separator = _as_string("separator", m["separator"]) if "separator" in m else DEFAULT_SEPARATOR
        target_label = _as_string("target_label", m["target_label"]) if "target_label" in m else ""
        replacement = _as_string("replacement", m["replacement"]) if "replacement" in m else DEFAULT_REPLACEMENT

        regex_set = "regex" in m  # Go compares the compiled *regexp pointer with the default's
        regex = _as_string("regex", m["regex"]) if regex_set else DEFAULT_REGEX
        check_go_regex(regex)

        modulus = 0
        if "modulus" in m and m["modulus"] is not None:
            raw = m["modulus"]
            if isinstance(raw, float) and raw.is_integer():
                raw = int(raw)
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise RelabelError(f"relabel config: 'modulus' must be an unsigned integer, got {raw!r}")
            if raw < 0 or raw > _MAX_UINT64:
                raise RelabelError(f"relabel config: 'modulus' {raw} does not fit in uint64")
            modulus = raw

        if "action" in m:
            raw_action = m["action"]
            if raw_action is None:
                action = ""
            else:
                s = _as_string("action", raw_action)
                action = _go_lower(s)
                if action not in ACTIONS and not (vmagent and action in VMAGENT_ACTIONS):
                    raise RelabelError(f"unknown relabel action {_q(s)}")
        else:
            action = DEFAULT_ACTION

        rule = cls(
            source_labels=source_labels,
            separator=separator,
            regex=regex,
            target_label=target_label,
            replacement=replacement,
            modulus=modulus,
            action=action,
            name_validation=name_validation,
        )
        rule._validate(regex_set=regex_set, source_labels_set=source_labels_set)
        return rule

    def _validate(self, *, regex_set: bool, source_labels_set: bool) -> None:
        """Upstream Config.Validate, check for check and message for message."""
        a = self.action
        scheme = self.name_validation
        tl = self.target_label
        if a == "":
            raise RelabelError("relabel action cannot be empty")
        if a in VMAGENT_ACTIONS:  # vmagent lib/promrelabel parseRelabelConfig
            if len(self.source_labels) < 2:
                raise RelabelError(f"`source_labels` must contain at least two entries for `action={a}`; "
                                   f"got {list(self.source_labels)!r}")
            if tl != "":
                raise RelabelError(f"`target_label` cannot be used for `action={a}`")
            if regex_set:
                raise RelabelError(f"`regex` cannot be used for `action={a}`")
            return
        if self.modulus == 0 and a == HASHMOD:
            raise RelabelError("relabel configuration for hashmod requires non-zero modulus")
        if a in _NEEDS_TARGET and tl == "":
            raise RelabelError(f"relabel configuration for {a} action requires 'target_label' value")
        if a == REPLACE and "$" not in tl and not _valid_label_name(tl, scheme):
            raise RelabelError(f"{_q(tl)} is invalid 'target_label' for {a} action")
        if a == REPLACE and "$" in tl and not _valid_name_with_vars(tl, scheme):
            raise RelabelError(f"{_q(tl)} is invalid 'target_label' for {a} action")
        if a in _TARGET_ONLY and not _valid_label_name(tl, scheme):
            raise RelabelError(f"{_q(tl)} is invalid 'target_label' for {a} action")
        if a in _TARGET_ONLY and self.replacement != DEFAULT_REPLACEMENT:
            raise RelabelError(f"'replacement' can not be set for {a} action")
        if a == LABELMAP and not _valid_name_with_vars(self.replacement, scheme):
            raise RelabelError(f"{_q(self.replacement)} is invalid 'replacement' for {a} action")
        if a == HASHMOD and not _valid_label_name(tl, scheme):
            raise RelabelError(f"{_q(tl)} is invalid 'target_label' for {a} action")
        if a in (DROPEQUAL, KEEPEQUAL):
            if (
                regex_set
                or self.modulus != 0
                or self.separator != DEFAULT_SEPARATOR
                or self.replacement != DEFAULT_REPLACEMENT
            ):
                raise RelabelError(f"{a} action requires only 'source_labels' and `target_label`, and no other fields")
        if a in (LABELDROP, LABELKEEP):
            if (
                source_labels_set
                or tl != ""
                or self.modulus != 0
                or self.separator != DEFAULT_SEPARATOR
                or self.replacement != DEFAULT_REPLACEMENT
            ):
                raise RelabelError(f"{a} action requires only 'regex', and no other fields")


# --------------------------------------------------------------------------------------------------
# labels.Builder
# --------------------------------------------------------------------------------------------------

class _Builder:
    """Go labels.Builder: an immutable sorted base, an ordered list of additions, a set of deletions."""

    __slots__ = ("base", "base_map", "add", "dels")

    def __init__(self, labels: Mapping[str, str]):
        self.base = sorted(labels.items())
        self.base_map = dict(labels)
        self.add: dict[str, str] = {}
        self.dels = {n for n, v in self.base if v == ""}  # Reset(): empty values are the same as missing

    def get(self, name: str) -> str:
        if name in self.add:
            return self.add[name]
        if name in self.dels:
            return ""
        return self.base_map.get(name, "")

    def set(self, name: str, value: str) -> None:
        if value == "":
            self.delete(name)
            return
        self.add[name] = value  # an existing entry keeps its position, like Go's in-place update

    def delete(self, name: str) -> None:
        self.add.pop(name, None)
        self.dels.add(name)

    def snapshot(self) -> list[tuple[str, str]]:
        """What Builder.Range visits: base labels not deleted/overridden (sorted), then additions in order."""
        out = [(n, v) for n, v in self.base if n not in self.dels and n not in self.add]
        out.extend(self.add.items())
        return out

    def labels(self) -> dict[str, str]:
        out = {n: v for n, v in self.base if n not in self.dels and n not in self.add}
        out.update(self.add)
        return dict(sorted(out.items()))


def _hashmod(value: str, modulus: int) -> int:
    import hashlib  # only hashmod needs it; importing it costs every lint ~4 ms

    digest = hashlib.md5(value.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[8:], "big") % modulus


def _apply(rule: RelabelRule, b: _Builder, residue: int | None = None) -> bool:
    # Go's MatchString/FindStringSubmatchIndex search: the same as an anchored match for an ordinary pattern
    # (it is wrapped in ^(?s:…)$), and still right for one like `foo)|(bar` whose wrapping leaves a branch unanchored.
    action = rule.action
    val = rule.separator.join(b.get(n) for n in rule.source_labels)

    if action == DROP:
        return compile_go_regex(rule.regex).search(val) is None
    if action == KEEP:
        return compile_go_regex(rule.regex).search(val) is not None
    if action == DROPEQUAL:
        return b.get(rule.target_label) != val
    if action == KEEPEQUAL:
        return b.get(rule.target_label) == val
    if action in VMAGENT_ACTIONS:
        first = b.get(rule.source_labels[0])
        equal = all(b.get(name) == first for name in rule.source_labels[1:])
        return equal if action == KEEP_IF_EQUAL else not equal
    if action == REPLACE:
        # (Upstream's fast path for val == "" with the default regex gives the same result as this.)
        m = compile_go_regex(rule.regex).search(val)
        if m is None:
            return True  # no match: no replacement
        target = expand(rule.target_label, m)
        if not _valid_label_name(target, rule.name_validation):
            return True
        res = expand(rule.replacement, m)
        if res == "":
            b.delete(target)
        else:
            b.set(target, res)
        return True
    if action == LOWERCASE:
        b.set(rule.target_label, _go_lower(val))
        return True
    if action == UPPERCASE:
        b.set(rule.target_label, _go_upper(val))
        return True
    if action == HASHMOD:
        if rule.modulus <= 0:
            raise RelabelError("relabel configuration for hashmod requires non-zero modulus")
        b.set(rule.target_label, str(_hashmod(val, rule.modulus) if residue is None else residue % rule.modulus))
        return True
    if action == LABELMAP:
        rx = compile_go_regex(rule.regex)
        for name, value in b.snapshot():
            m = rx.search(name)
            if m is not None:
                b.set(expand(rule.replacement, m), value)
        return True
    if action == LABELDROP:
        rx = compile_go_regex(rule.regex)
        for name, _ in b.snapshot():
            if rx.search(name) is not None:
                b.delete(name)
        return True
    if action == LABELKEEP:
        rx = compile_go_regex(rule.regex)
        for name, _ in b.snapshot():
            if rx.search(name) is None:
                b.delete(name)
        return True
    raise RelabelError(f"relabel: unknown relabel action type {_q(str(action))}")


def relabel_tracking(labels: Mapping[str, str], rules: Sequence[RelabelRule], watched: Sequence[str],
                     residue: int | None = None) -> tuple[dict[str, str] | None, int | None, int | None]:
    """relabel(), also returning the index of the last rule that set one of the `watched` labels and of the
    last keep/keepequal/keep_if_equal rule the target passed. All rules run on one builder, as in upstream Process.
    `residue`: what every hashmod yields (modulo its modulus) instead of the hash of this target's value.

    A replace that writes a watched label counts even when the value stays the same: `__address__` rewritten to
    `${1}:10257` is what aims the job at the controller-manager, though a sample pod may already sit on :10257."""
    b = _Builder(labels)
    changed = kept = None
    for index, rule in enumerate(rules):
        before = [b.get(name) for name in watched]
        if not _apply(rule, b, residue):
            return None, changed, kept
        if [b.get(name) for name in watched] != before or _sets_watched(rule, b, watched):
            changed = index
        elif rule.action in (KEEP, KEEPEQUAL, KEEP_IF_EQUAL):
            kept = index
    return b.labels(), changed, kept


def _sets_watched(rule: RelabelRule, b: _Builder, watched: Sequence[str]) -> bool:
    """A replace rule that wrote a watched label (its regex matched; the builder holds what it wrote)."""
    if rule.action != REPLACE or rule.target_label not in watched:
        return False
    value = rule.separator.join(b.get(n) for n in rule.source_labels)
    return compile_go_regex(rule.regex).search(value) is not None


def relabel(labels: Mapping[str, str], rules: Sequence[RelabelRule]) -> dict[str, str] | None:
    """Apply rules in order, like upstream relabel.Process. Returns the new label set (sorted by name),
    or None when a rule dropped the target. The input is never mutated."""
    return relabel_tracking(labels, rules, ())[0]
