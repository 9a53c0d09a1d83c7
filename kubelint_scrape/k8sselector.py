"""Kubernetes label and field selector strings, checked as the API machinery parses them.

Prometheus' `kubernetes_sd_configs[].selectors[].label` / `.field` are parsed at config load with
k8s.io/apimachinery `labels.Parse` and `fields.ParseSelector` (discovery/kubernetes SDConfig.UnmarshalYAML): a
selector they refuse makes the whole config fail to load. This module answers "would it parse?" with the
apimachinery message (pkg/labels/selector.go Lexer/Parser/NewRequirement, pkg/fields/selector.go
parseSelector, pkg/util/validation IsQualifiedName / IsValidLabelValue); it does not evaluate selectors.
"""

from __future__ import annotations

import re

_SPECIAL = "=!(),><"
_WHITESPACE = " \t\r\n"
_TOKENS = {")": "closed-par", ",": "comma", "!": "does-not-exist", "!=": "not-equals", "==": "double-equals",
           "=": "equals", ">": "greater-than", "<": "less-than", "(": "open-par", "in": "in", "notin": "notin"}

_NAME = re.compile(r"(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\Z")
_VALUE = re.compile(r"(?:(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\Z")


class SelectorError(ValueError):
    """The selector does not parse; the message is apimachinery's."""


def qualified_name_problem(key: str) -> str | None:
    """validation.IsQualifiedName: [prefix/]name, name ≤ 63 of [A-Za-z0-9][-A-Za-z0-9_.]*, prefix a DNS subdomain."""
    parts = key.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            return "prefix part must be non-empty"
        if len(prefix) > 253 or not _DNS_SUBDOMAIN.match(prefix):
            return "prefix part must be a lowercase RFC 1123 subdomain"
    else:
        return ("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                "with an alphanumeric character with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")
    if not name:
        return "name part must be non-empty"
    if len(name) > 63:
        return "name part must be no more than 63 characters"
    if not _NAME.match(name):
        return ("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                "alphanumeric character")
    return None


def label_value_problem(value: str) -> str | None:
    if len(value) > 63:
        return "must be no more than 63 characters"
    if not _VALUE.match(value):
        return ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
                "start and end with an alphanumeric character")
    return None


def _lex(text: str) -> list[tuple[str, str]]:
    """(token kind, literal) pairs as labels.Lexer produces them, ending with ("end", "")."""
    tokens: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in _WHITESPACE:
            i += 1
        if i >= n:
            tokens.append(("end", ""))
            return tokens
        if text[i] in _SPECIAL:
            buffer, last = "", None
            while i < n and text[i] in _SPECIAL:
                candidate = buffer + text[i]
                if candidate in _TOKENS:
                    buffer, last = candidate, (_TOKENS[candidate], candidate)
                    i += 1
                elif last is not None:
                    break
                else:
                    buffer = candidate
                    i += 1
            if last is None:
                tokens.append(("error", f"error expected: keyword found '{buffer}'"))
                tokens.append(("end", ""))
                return tokens
            tokens.append(last)
            continue
        start = i
        while i < n and text[i] not in _WHITESPACE and text[i] not in _SPECIAL:
            i += 1
        word = text[start:i]
        tokens.append((_TOKENS[word], word) if word in ("in", "notin") else ("identifier", word))


def check_label_selector(text: str) -> None:
    """Raise SelectorError unless labels.Parse(text) succeeds."""
    parse_label_selector(text)


def parse_label_selector(text: str) -> list[tuple[str, str, set[str]]]:
    """(key, operator, values) of each requirement labels.Parse(text) reads — operator one of `exists`, `!`, `in`,
    `notin`, `equals`, `double-equals`, `not-equals`, `greater-than`, `less-than`; SelectorError when it fails."""
    tokens = _lex(text)
    pos = 0
    requirements: list[tuple[str, str, set[str]]] = []

    def peek(values: bool = False) -> tuple[str, str]:
        kind, literal = tokens[min(pos, len(tokens) - 1)]
        return ("identifier", literal) if values and kind in ("in", "notin") else (kind, literal)

    def take(values: bool = False) -> tuple[str, str]:
        nonlocal pos
        token = peek(values)
        pos = min(pos + 1, len(tokens) - 1)
        return token

    def values_list() -> set[str]:
        kind, literal = take(True)
        if kind != "open-par":
            raise SelectorError(f"found '{literal}' expected: '('")
        kind, literal = peek(True)
        if kind == "closed-par":
            take(True)
            return {""}
        if kind not in ("identifier", "comma"):
            raise SelectorError(f"found '{literal}', expected: ',', ')' or identifier")
        found: set[str] = set()
        while True:
            kind, literal = take(True)
            if kind == "identifier":
                found.add(literal)
                nxt, nxt_literal = peek(True)
                if nxt == "comma":
                    continue
                if nxt == "closed-par":
                    break
                raise SelectorError(f"found '{nxt_literal}', expected: ',' or ')'")
            if kind == "comma":
                if not found:
                    found.add("")
                nxt, _ = peek(True)
                if nxt == "closed-par":
                    found.add("")
                    break
                if nxt == "comma":
                    take(True)
                    found.add("")
                continue
            raise SelectorError(f"found '{literal}', expected: ',', or identifier")
        kind, literal = take(True)
        if kind != "closed-par":
            raise SelectorError(f"found '{literal}', expected: ')'")
        return found

    def requirement() -> tuple[str, str, set[str]]:
        operator = None
        kind, literal = take(True)  # the key is read in the lexer's Values mode: `in` and `notin` are names here
        if kind == "does-not-exist":
            operator = "!"
            kind, literal = take(True)
        if kind != "identifier":
            raise SelectorError(f"found '{literal}', expected: identifier")
        key = literal
        problem = qualified_name_problem(key)
        if problem:
            raise SelectorError(f"key: Invalid value: \"{key}\": {problem}")
        nxt, _ = peek(True)
        if nxt in ("end", "comma") or operator == "!":
            return key, operator or "exists", set()
        kind, literal = take()
        if kind not in ("in", "notin", "equals", "double-equals", "not-equals", "greater-than", "less-than"):
            raise SelectorError(f"found '{literal}', expected: in, notin, =, ==, !=, gt, lt")
        if kind in ("in", "notin"):
            found = values_list()
        else:
            nxt, _ = peek(True)
            if nxt in ("end", "comma"):
                found = {""}
            else:
                nxt, nxt_literal = take(True)
                if nxt != "identifier":
                    raise SelectorError(f"found '{nxt_literal}', expected: identifier")
                found = {nxt_literal}
        if kind in ("greater-than", "less-than"):
            for value in found:
                if not re.fullmatch(r"[+-]?[0-9]+", value):
                    raise SelectorError(f"values[0]: Invalid value: \"{value}\": for 'Gt', 'Lt' operators, the value must be an integer")
            return key, kind, found
        for value in sorted(found):
            problem = label_value_problem(value)
            if problem:
                raise SelectorError(f"values[0][{key}]: Invalid value: \"{value}\": {problem}")
        return key, kind, found

    while True:
        kind, literal = peek(True)
        if kind == "error":
            raise SelectorError(literal)
        if kind == "end":
            return requirements
        if kind not in ("identifier", "does-not-exist"):
            raise SelectorError(f"found '{literal}', expected: !, identifier, or 'end of string'")
        try:
            requirements.append(requirement())
        except SelectorError as exc:
            raise SelectorError(f"unable to parse requirement: {exc}") from None
        kind, literal = take(True)
        if kind == "error":
            raise SelectorError(literal)
        if kind == "end":
            return requirements
        if kind != "comma":
            raise SelectorError(f"found '{literal}', expected: ',' or 'end of string'")
        if peek(True)[0] not in ("identifier", "does-not-exist"):
            kind, literal = peek(True)
            if kind == "error":
                raise SelectorError(literal)
            raise SelectorError(f"found '{literal}', expected: identifier after ','")


def label_selector_matches(text: str, labels: dict) -> bool:
    """A label selector string (`a=b,c!=d,e in (x,y),!f`) against labels, as labels.Selector.Matches; a selector
    Kubernetes cannot parse matches nothing."""
    try:
        requirements = parse_label_selector(text)
    except SelectorError:
        return False
    for key, operator, values in requirements:
        present = key in labels
        actual = str(labels.get(key)) if present else None
        if operator == "exists":
            ok = present
        elif operator == "!":
            ok = not present
        elif operator in ("in", "equals", "double-equals"):
            ok = present and actual in values
        elif operator in ("notin", "not-equals"):
            ok = not present or actual not in values
        else:  # greater-than, less-than: an integer label value compared with the one integer given
            number = next(iter(values))
            ok = (present and re.fullmatch(r"[+-]?[0-9]+", actual or "") is not None
                  and (int(actual) > int(number) if operator == "greater-than" else int(actual) < int(number)))
        if not ok:
            return False
    return True


def check_field_selector(text: str) -> None:
    """Raise SelectorError unless fields.ParseSelector(text) succeeds: comma-separated `key=value`,
    `key==value` or `key!=value` terms, with `\\`, `,` and `=` escaped by a backslash in values."""
    terms, current, escaped = [], "", False
    for ch in text:
        if escaped:
            current += ch
            escaped = False
        elif ch == "\\":
            current += ch
            escaped = True
        elif ch == ",":
            terms.append(current)
            current = ""
        else:
            current += ch
    terms.append(current)
    for term in terms:
        if term == "":
            continue
        split = None
        for i in range(len(term)):
            for op in ("!=", "==", "="):
                if term.startswith(op, i):
                    split = (term[:i], term[i + len(op):])
                    break
            if split:
                break
        if split is None:
            raise SelectorError(f"invalid selector: '{text}'; can't understand '{term}'")
        value, i = split[1], 0
        while i < len(value):
            ch = value[i]
            if ch == "\\":
                if i + 1 >= len(value) or value[i + 1] not in "\\,=":
                    raise SelectorError(f"invalid field selector: invalid escape sequence: {value[i:i + 2]}")
                i += 2
                continue
            if ch in ",=":
                raise SelectorError(f"invalid field selector: unescaped characters in value: {value}")
            i += 1
