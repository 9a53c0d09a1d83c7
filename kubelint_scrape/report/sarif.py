"""SARIF 2.1.0 for code-scanning UIs (GitHub code scanning, the VS Code SARIF viewer, GitLab).

One run: the tool with every catalog rule as a reportingDescriptor (descriptions, help text and Markdown, helpUri,
default level, tags), then one result per finding with its region, related locations and a partial fingerprint.

The fingerprint must survive unrelated edits, or code scanning reopens dismissed alerts and reports "new" ones
on every PR: it hashes the rule, the file, the object (`job "kubernetes-nodes"`, `ClusterRole prometheus`) and
the message with any positions removed — never the line number. Identical keys (the same problem twice in one
object) are told apart by their order, which an edit elsewhere does not change.

Only stdlib at import time; the catalog's full entries are parsed only when this format is used.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from pathlib import Path, PurePath
from typing import Any

from .. import __version__
from ..positions import Lines, report_lines
from .jsontext import chunks as json_chunks
from .paths import repo_relative

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/kubelint-scrape/kubelint-scrape"
FINGERPRINT_KEY = "kubelintScrape/v1"  # our own key: GitHub reserves primaryLocationLineHash and recomputes it
SRCROOT = "%SRCROOT%"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}

# `path:12:3`, `line 12`, `lines 3-5`: positions a message may quote; they move when lines are inserted above.
# Two patterns that start with a literal, so the regex engine can skip to candidates (one pattern starting with
# a lookbehind, case-insensitive, tried every offset of every message: 0.5 s of a 28,000-finding report).
_FILE_POSITION = re.compile(r":\d+:\d+\b")
_LINE_POSITION = re.compile(r"\b[Ll](?:ines?|INES?) \d+(?:\s*[-–]\s*\d+)?")


def chunks(result: Any, cwd: str | None = None, **_: Any) -> Any:
    # laid out down to the run's members (tool, results, ...): one line per result and for the tool
    return json_chunks(sarif_log(result, cwd, lazy=True), depth=4, ensure_ascii=False)


def sarif_log(result: Any, cwd: str | None = None, lazy: bool = False) -> dict:
    """The SARIF log as data; `lazy`: its results as a generator, made while they are written."""
    from ..catalog import index

    rule_ids = sorted(index())
    rule_index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    lines = report_lines(result)
    root = cwd or os.getcwd()
    fingerprints = partial_fingerprints(result.findings, root)
    results = (
        result_json(finding, rule_index[finding.rule], fingerprint, lines, root)
        for finding, fingerprint in zip(result.findings, fingerprints)
    )
    run = {
        "tool": {
            "driver": {
                "name": "kubelint-scrape",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(rule_id) for rule_id in rule_ids],
            }
        },
        "invocations": [{"executionSuccessful": True}],
        "originalUriBaseIds": {SRCROOT: {"uri": Path(root).resolve().as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        # Lines as editors and the LSP count them (positions.py): also at a lone CR, never at NEL/LS/PS.
        "newlineSequences": ["\r\n", "\n", "\r"],
        "results": results if lazy else list(results),
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


# ------------------------------------------------------------------------------------------------------ rules

def rule_descriptor(rule_id: str) -> dict:
    from ..catalog import entry
    from ..docs import help_uri, rule_markdown, rule_text

    e = entry(rule_id)
    tags = ["kubernetes", "prometheus", e["family"]]
    properties: dict[str, Any] = {"tags": tags}
    # A security weakness rather than breakage (the entry's security_severity): GitHub files a rule tagged
    # `security` under security alerts and ranks it by `security-severity` (a string, 0.1–10.0).
    if "security_severity" in e:
        tags.append("security")
        properties["security-severity"] = f"{float(e['security_severity']):.1f}"
    return {
        "id": rule_id,
        "name": e["name"],
        "shortDescription": {"text": e["summary"] + "."},
        "fullDescription": {"text": _unwrap(e["what"]), "markdown": e["what"].rstrip()},
        "help": {"text": rule_text(rule_id), "markdown": rule_markdown(e, heading="#")},
        "helpUri": help_uri(rule_id),
        "defaultConfiguration": {"level": LEVEL[e["severity"]]},
        "properties": properties,
    }


def _unwrap(text: str) -> str:
    """YAML block prose wrapped at 80 columns → one line per paragraph (UIs wrap it themselves)."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


# ---------------------------------------------------------------------------------------------------- results

def result_json(finding: Any, index: int, fingerprint: str, lines: Lines, root: str) -> dict:
    text = finding.message
    if finding.fix:
        # SARIF `fixes` need exact byte replacements; ours is YAML to write, so it travels as text
        text += f"\n\nFix: {finding.fix}"
    data: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": LEVEL[finding.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": physical_location(finding.span, root, lines, snippet=True)}],
    }
    if finding.related:
        data["relatedLocations"] = [
            {"id": i, "physicalLocation": physical_location(r.span, root, lines), "message": {"text": r.message}}
            for i, r in enumerate(finding.related, start=1)
        ]
    data["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
    properties: dict[str, Any] = {"severity": finding.severity}
    if finding.fix:
        properties["fix"] = finding.fix
    if finding.object:
        properties["object"] = finding.object
    data["properties"] = properties
    return data


def physical_location(span: Any, root: str, lines: Lines, snippet: bool = False) -> dict:
    """The region of the token the span points at, on the lines `newlineSequences` names, columns in code points
    (`columnKind`); without an end (nothing on the line there) it runs to the end of its line (§3.30.2)."""
    found = lines.region(span)
    region: dict[str, Any] = {"startLine": found.line, "startColumn": found.column}
    if found.end_column:
        region["endLine"] = found.end_line
        region["endColumn"] = found.end_column
    if snippet and found.snippet.strip():
        region["snippet"] = {"text": found.snippet}
    return {"artifactLocation": artifact_location(span.path, root), "region": region}


def artifact_location(path: str, root: str) -> dict:
    return dict(_artifact_location(path, root))  # a copy: callers may extend it


@functools.lru_cache(maxsize=4096)  # a report names few files many times each
def _artifact_location(path: str, root: str) -> dict:
    from urllib.parse import quote

    relative = repo_relative(path, root)
    if os.path.isabs(relative):  # outside the working directory: an absolute file URI
        return {"uri": PurePath(relative).as_uri()}
    # fsencode: a file name that is not UTF-8 holds its bytes as surrogates (PEP 383); they are quoted as bytes
    return {"uri": quote(os.fsencode(relative), safe="/"), "uriBaseId": SRCROOT}


def partial_fingerprints(findings: list, root: str) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for finding in findings:  # already sorted by position, so the occurrence number is stable too
        base = fingerprint_base(finding, root)
        seen[base] = seen.get(base, 0) + 1
        out.append(f"{base}:{seen[base]}")
    return out


def fingerprint_base(finding: Any, root: str) -> str:
    key = "\0".join([finding.rule, repo_relative(finding.span.path, root), finding.object or "", normalize(finding.message)])
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]  # non-UTF-8 file names


def normalize(message: str) -> str:
    def drop_file_position(match: re.Match) -> str:  # `path:12:3`, not ` :12:3`
        start = match.start()
        return "" if start and not message[start - 1].isspace() else match.group(0)

    if ":" in message:
        message = _FILE_POSITION.sub(drop_file_position, message)
    return " ".join(_LINE_POSITION.sub("", message).split())
