"""An independent, deliberately naive reading of Prometheus' model/relabel/relabel.go (v3), for tests only.

Written from the Go source, not from kubelint_scrape/relabel.py, so a property test can compare the two on
concrete label sets. It handles only the simple regexes the tests generate (ones that mean the same in Python's
`re` and Go's RE2), which Prometheus anchors as ^(?s:regex)$: Python's fullmatch with DOTALL.

The pieces it follows:
- relabel(): source values read with Builder.Get (a missing label is ""), joined with the separator.
- drop/keep: Regex.MatchString(val); dropequal/keepequal: Get(target_label) compared with val.
- replace: FindStringSubmatchIndex; no match leaves the set; the target is ExpandString(target_label), skipped
  when not a valid label name; the value ExpandString(replacement); an empty value deletes the target.
- lowercase/uppercase: strings.ToLower/ToUpper(val) (ASCII inputs here); hashmod: md5(val)[8:] big-endian % modulus.
- labelmap/labeldrop/labelkeep: over Builder.Range, a snapshot of the labels taken before the rule (base labels
  not deleted or overridden, sorted, then the additions in insertion order); labelmap Sets
  Regex.ReplaceAllString(name, replacement).
- labels.Builder: Set with "" deletes; Reset treats base labels with empty values as deleted.
- Regexp.Expand (Go regexp.go): `$$` → `$`; `$name` takes the longest run of letters, digits and `_`; `${name}`;
  a name of digits without a leading zero is a group number; an unknown group or number expands to ""; a `$`
  not followed by a name is copied as is.
"""

from __future__ import annotations

import hashlib
import re

LEGACY_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


def compile_anchored(regex: str) -> re.Pattern:
    return re.compile(regex, re.DOTALL)


def go_expand(template: str, match: re.Match) -> str:
    out = []
    i = 0
    names = {name: index for name, index in match.re.groupindex.items()}
    while i < len(template):
        c = template[i]
        if c != "$":
            out.append(c)
            i += 1
            continue
        if template[i + 1:i + 2] == "$":
            out.append("$")
            i += 2
            continue
        brace = template[i + 1:i + 2] == "{"
        start = i + 2 if brace else i + 1
        end = start
        while end < len(template) and (template[end].isalnum() or template[end] == "_"):
            end += 1
        name = template[start:end]
        if not name or (brace and template[end:end + 1] != "}"):
            out.append("$")  # malformed: the $ is raw text
            i += 1
            continue
        i = end + 1 if brace else end
        if name.isdigit() and not (name[0] == "0" and len(name) > 1) and len(name) <= 8:
            number = int(name)
            if number <= match.re.groups and match.group(number) is not None:
                out.append(match.group(number))
        elif name in names and match.group(names[name]) is not None:
            out.append(match.group(names[name]))
    return "".join(out)


class Builder:
    def __init__(self, labels: dict[str, str]) -> None:
        self.base = dict(sorted(labels.items()))
        self.deleted = [name for name, value in self.base.items() if value == ""]
        self.added: list[list[str]] = []

    def get(self, name: str) -> str:
        for added_name, value in self.added:
            if added_name == name:
                return value
        if name in self.deleted:
            return ""
        return self.base.get(name, "")

    def set(self, name: str, value: str) -> None:
        if value == "":
            self.delete(name)
            return
        for entry in self.added:
            if entry[0] == name:
                entry[1] = value
                return
        self.added.append([name, value])

    def delete(self, name: str) -> None:
        self.added = [entry for entry in self.added if entry[0] != name]
        if name not in self.deleted:
            self.deleted.append(name)

    def range(self) -> list[tuple[str, str]]:
        added_names = {name for name, _ in self.added}
        out = [(n, v) for n, v in self.base.items() if n not in self.deleted and n not in added_names]
        return out + [(n, v) for n, v in self.added]

    def labels(self) -> dict[str, str]:
        return dict(sorted(self.range()))


def valid_name(name: str, legacy: bool) -> bool:
    if legacy:
        return LEGACY_NAME.fullmatch(name) is not None
    return name != ""


def apply(rule: dict, b: Builder, legacy: bool = False) -> bool:
    """One rule: False when it drops the target. `rule` holds every field, defaults filled in."""
    val = rule["separator"].join(b.get(name) for name in rule["source_labels"])
    action = rule["action"]
    rx = compile_anchored(rule["regex"])
    if action == "drop":
        return rx.fullmatch(val) is None
    if action == "keep":
        return rx.fullmatch(val) is not None
    if action == "dropequal":
        return b.get(rule["target_label"]) != val
    if action == "keepequal":
        return b.get(rule["target_label"]) == val
    if action == "replace":
        m = rx.fullmatch(val)
        if m is None:
            return True
        target = go_expand(rule["target_label"], m)
        if not valid_name(target, legacy):
            return True
        value = go_expand(rule["replacement"], m)
        if value == "":
            b.delete(target)
        else:
            b.set(target, value)
        return True
    if action == "lowercase":
        b.set(rule["target_label"], val.lower())
        return True
    if action == "uppercase":
        b.set(rule["target_label"], val.upper())
        return True
    if action == "hashmod":
        digest = hashlib.md5(val.encode()).digest()
        b.set(rule["target_label"], str(int.from_bytes(digest[8:], "big") % rule["modulus"]))
        return True
    if action == "labelmap":
        for name, value in b.range():
            m = rx.fullmatch(name)
            if m is not None:
                b.set(go_expand(rule["replacement"], m), value)
        return True
    if action == "labeldrop":
        for name, _ in b.range():
            if rx.fullmatch(name) is not None:
                b.delete(name)
        return True
    if action == "labelkeep":
        for name, _ in b.range():
            if rx.fullmatch(name) is None:
                b.delete(name)
        return True
    raise ValueError(action)


DEFAULTS = {"source_labels": [], "separator": ";", "regex": "(.*)", "target_label": "", "replacement": "$1",
            "modulus": 0, "action": "replace"}


def process(labels: dict[str, str], rules: list[dict], legacy: bool = False) -> dict[str, str] | None:
    """relabel.Process: every rule on one builder; None when one drops the target."""
    b = Builder(labels)
    for rule in rules:
        if not apply({**DEFAULTS, **rule}, b, legacy):
            return None
    return b.labels()
