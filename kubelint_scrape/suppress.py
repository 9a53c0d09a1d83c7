"""Suppressions: comments and annotations that silence findings, applied after the checks have run.

- `# kubelint-scrape: ignore[KS201,KS202] reason` — trailing on a line, or on its own line directly above one
  (more comment lines and a `---` may stand between; `##` or other comment text may precede it), or trailing the
  `---` that opens a document (it covers that document). It covers that line and the YAML node that starts on
  it: placed on/above a Kubernetes object's first line it covers the object, on/above `- job_name:` the job,
  on/above `- apiGroups:` that RBAC rule. Comments inside a ConfigMap-embedded Prometheus config work too:
  they are in the outer file's text, and embedded findings carry outer positions.
- `# kubelint-scrape: ignore-file[KS401]` anywhere in a file covers the whole file.
- `metadata.annotations["kubelint-scrape.io/ignore"]: "KS401,KS404"` covers findings located in that object;
  annotations survive `helm template`, comments often do not. On a workload's pod template
  (`spec.template.metadata.annotations`, a chart's `podAnnotations`) it covers the template.

Codes are rule ids, prefixes (KS4) or names. Each suppression remembers which codes silenced something, so
KS002 (checks/suppressions.py) can report unknown ids, line suppressions without a reason and suppressions
that suppress nothing. Extents are computed from the text by indentation, which is exactly YAML block
structure; flow collections (`{…}`) are measured by bracket matching.
"""

from __future__ import annotations

import heapq
import re
from typing import Any, Iterable, Iterator

from .catalog import ALWAYS_REPORTED
from .findings import Finding
from .records import dataclass, field
from .model import POD_SPEC_PATHS, WORKLOAD_KINDS
from .yamltree import Span, YMap, as_map, as_str, comment_start, flow_end, get_path

ANNOTATION = "kubelint-scrape.io/ignore"
# Like ruff's noqa lexer (crates/ruff_linter/src/noqa.rs), the directive may follow other comment text or more
# `#` signs: `## kubelint-scrape: …` is how Helm charts and Ansible write comments, and `# note # kubelint-scrape: …`
# a directive after an explanation; the keyword is case-insensitive as ruff's `noqa` is.
_DIRECTIVE = re.compile(r"(?:^|\s)#+\s*kubelint-scrape\s*:\s*(\S.*)?$")
_SUPPRESSION = re.compile(r"(ignore-file|ignore)\[([^\]]*)\](.*)$", re.I)
_ATTEMPT = re.compile(r"(ignore|ignore-file|disable|noqa|skip|suppress)\b", re.I)


@dataclass
class Code:
    text: str
    span: Span
    rules: frozenset[str]  # empty: not a known rule
    used: bool = False


@dataclass
class Suppression:
    kind: str  # line | file | annotation | malformed
    span: Span  # where it is written
    codes: list[Code]
    reason: str = ""
    lines: tuple[int, int] | None = None  # covered lines (inclusive); None with kind file = whole file
    target: str = ""  # what it covers, for messages ('on line 12', 'in job "x" (lines 12-30)', 'in DaemonSet ns/x')
    text: str = ""  # the directive as written

    def covers(self, finding: Finding) -> bool:
        if self.kind == "file":
            return True
        if self.lines is None:
            return False
        return self.lines[0] <= finding.span.line <= self.lines[1]


@dataclass(eq=False)
class SuppressionState:
    """What KS002 reads: every suppression in the inputs, with which codes were used, and which rules ran."""

    suppressions: list[Suppression] = field(default_factory=list)
    ran: set[str] = field(default_factory=set)
    by_path: dict[str, list[Suppression]] = field(default_factory=dict)

    def unsilenced(self, findings: list[Finding]) -> list[Finding]:
        """The findings no suppression covers with a code for their rule, in their order; marks each code that
        silences one as used (every covering suppression's, as KS002 reports the others unused).

        Per file, findings by line against suppressions by first line, with a heap of those still open by last
        line: each finding meets only the suppressions that cover it. (Testing every suppression of the file for
        every finding was findings × suppressions: 10,000 suppressed pods in one file took 53 s.)"""
        by_path: dict[str, list[Finding]] = {}
        for finding in findings:
            if finding.rule not in ALWAYS_REPORTED and finding.span.path in self.by_path:
                by_path.setdefault(finding.span.path, []).append(finding)
        silenced: set[int] = set()
        for path, group in by_path.items():
            silenced.update(self._silenced_in(self.by_path[path], group))
        return [f for f in findings if id(f) not in silenced] if silenced else list(findings)

    @staticmethod
    def _silenced_in(suppressions: list[Suppression], findings: list[Finding]) -> Iterator[int]:
        """ids of `findings` (all in one file) that `suppressions` (that file's) silence; Suppression.covers
        as a sweep over lines."""
        whole = [s for s in suppressions if s.kind == "file"]
        ranged = sorted((s for s in suppressions if s.kind != "file" and s.lines is not None),
                        key=lambda s: s.lines[0])  # type: ignore[index]
        open_: list[tuple[int, int, Suppression]] = []  # (last line, order, suppression): min-heap on last line
        next_start = 0
        for finding in sorted(findings, key=lambda f: f.span.line):
            line = finding.span.line
            while next_start < len(ranged) and ranged[next_start].lines[0] <= line:  # type: ignore[index]
                suppression = ranged[next_start]
                heapq.heappush(open_, (suppression.lines[1], next_start, suppression))  # type: ignore[index]
                next_start += 1
            while open_ and open_[0][0] < line:  # ended above this line (and above every later finding's)
                heapq.heappop(open_)
            hit = False
            for suppression in whole + [entry[2] for entry in open_]:
                for code in suppression.codes:
                    if finding.rule in code.rules:
                        code.used = True
                        hit = True
            if hit:
                yield id(finding)


def collect(sources: Iterable[Any], analysis: Any, paths: set[str] | None = None) -> SuppressionState:
    """The suppressions in `sources` (only those in `paths` when given: a suppression silences findings in its
    own file only, so those of files that are not reported change nothing)."""
    state = SuppressionState()
    workspace = analysis.workspace
    texts = {}
    for source in sources:
        # (the path first: a re-lint reports one file, and searching every other file's text was ~1 ms of it)
        if (paths is None or source.path in paths) and "kubelint-scrape" in source.text:
            texts[source.path] = source
    starts = _node_starts(texts, analysis) if texts else {}
    labels = _labels(texts, analysis) if texts else {}
    for path, source in texts.items():
        state.suppressions.extend(_comments(source, starts.get(path, {}), labels.get(path, {})))
    # Only the objects of files that name the tool: an annotation's key does, like every comment directive.
    for obj in [o for path in texts for o in _objects_by_path(workspace).get(path, ())]:
        value = obj.annotations.get(ANNOTATION) if isinstance(obj.doc.get("metadata"), YMap) else None
        if value is not None:
            source = texts.get(obj.path) or _source(sources, obj.path)
            state.suppressions.append(_annotation(obj, value, source))
        template = _pod_template_node(obj)
        if template is not None:
            source = texts.get(obj.path) or _source(sources, obj.path)
            state.suppressions.append(_annotation(obj, as_map(template["metadata"].get("annotations"))[ANNOTATION],
                                                  source, template))
    for suppression in state.suppressions:
        state.by_path.setdefault(suppression.span.path, []).append(suppression)
    return state


def _objects_by_path(workspace: Any) -> dict[str, list[Any]]:
    def build() -> dict[str, list[Any]]:
        index: dict[str, list[Any]] = {}
        for obj in workspace.objects:
            index.setdefault(obj.path, []).append(obj)
        return index

    return workspace.index("objects-by-path", build)


def _source(sources: Iterable[Any], path: str) -> Any:
    return next((s for s in sources if s.path == path), None)


def _node_starts(texts: dict[str, Any], analysis: Any) -> dict[str, dict[int, tuple[int, str]]]:
    """line → (column, kind) of nodes that span more than their indentation shows: document roots and the
    roots of Prometheus configs (their keys sit at the same column as their first line)."""
    starts: dict[str, dict[int, tuple[int, str]]] = {}
    for path, source in texts.items():
        for document in source.documents:
            starts.setdefault(path, {})[document.pos[0]] = (document.pos[1], "document")
    for config in analysis.configs:
        if config.path in texts and isinstance(config.root, YMap):
            starts.setdefault(config.path, {}).setdefault(config.root.pos[0], (config.root.pos[1], "map"))
    return starts


def _labels(texts: dict[str, Any], analysis: Any) -> dict[str, dict[int, str]]:
    """line → what starts there (`job "x"`, `ClusterRole prometheus`), to say what a suppression covers."""
    labels: dict[str, dict[int, str]] = {}
    for obj in analysis.workspace.objects:
        if obj.path in texts:
            labels.setdefault(obj.path, {})[obj.doc.pos[0]] = f"{obj.kind} {obj.namespace + '/' if obj.namespace else ''}{obj.name}"
    for job in analysis.jobs:
        node = job.job.node
        if job.job.path in texts and isinstance(node, YMap):
            labels.setdefault(job.job.path, {})[node.pos[0]] = job.job.label
    return labels


# ---------------------------------------------------------------------------------------------- comments


def _document_starts(source: Any) -> set:
    """Where the file's documents start, once per file (Source.memo: it depends on this file alone)."""
    starts = source.memo.get("document starts")
    if starts is None:
        starts = source.memo["document starts"] = {d.pos for d in source.documents}
    return starts


def _comments(source: Any, starts: dict[int, tuple[int, str]], labels: dict[int, str]) -> list[Suppression]:
    lines = source.lines
    found = []
    for index, line in enumerate(lines):
        if "kubelint-scrape" not in line:
            continue
        # Only the line's comment can hold a directive: one inside a quoted scalar (the rule help in a JSON or
        # SARIF report left in the tree, a value that quotes the syntax) is text, and suppresses nothing.
        comment = comment_start(line) if '"' in line or "'" in line else 0
        if comment is None:
            continue
        match = _DIRECTIVE.search(line, max(comment - 1, 0))
        if match is None:
            continue
        hash_col = line.index("#", match.start()) + 1
        body = match.group(1) or ""
        body_col = match.start(1) + 1 if match.group(1) else hash_col
        span = Span(source.path, index + 1, hash_col)
        parsed = _SUPPRESSION.match(body)
        if parsed is None:
            if _ATTEMPT.match(body):
                found.append(Suppression("malformed", span, [], text=line[hash_col - 1:].strip()))
            continue
        keyword = parsed.group(1).lower()
        kind = "file" if keyword == "ignore-file" else "line"
        codes = _codes(parsed.group(2), source.path, index + 1, body_col + parsed.start(2))
        reason = parsed.group(3).strip().lstrip(":-—–").strip()
        suppression = Suppression(kind, span, codes, reason, text=f"{parsed.group(1)}[{parsed.group(2)}]")
        if kind == "line":
            # A comment line (the directive alone, or after other comment text) covers the line below it; so does
            # one trailing a `---` marker, which opens the document below (the marker line itself holds no node).
            target = _line_below(lines, index) if _is_comment(line) or _is_document_marker(line) else index
            if target is not None:
                end = _extent(lines, target, starts)
                suppression.lines = (target + 1, end + 1)
                where = f"line {target + 1}" if end == target else f"lines {target + 1}-{end + 1}"
                label = labels.get(target + 1)
                suppression.target = f"in {label} ({where})" if label else f"on {where}"
            else:
                suppression.target = "below it: a blank line or the end of the file follows it, so it covers nothing"
        else:
            suppression.target = "in this file"
        found.append(suppression)
    return found


def line_suppresses(line: str, rule: str) -> bool:
    """Whether the line's comment is an `ignore[…]` directive whose codes select `rule` (an id, a prefix or a
    family, as the suppression itself would be read): for fixes that must not ask for a suppression already written."""
    if "kubelint-scrape" not in line:
        return False
    comment = comment_start(line) if '"' in line or "'" in line else 0
    match = _DIRECTIVE.search(line, max(comment - 1, 0)) if comment is not None else None
    parsed = _SUPPRESSION.match(match.group(1) or "") if match is not None else None
    return (parsed is not None and parsed.group(1).lower() == "ignore"
            and any(rule in code.rules for code in _codes(parsed.group(2), "", 0, 0)))


def _codes(text: str, path: str, line: int, column: int) -> list[Code]:
    from .catalog import resolve_selection

    codes = []
    for match in re.finditer(r"[^,\s]+", text):
        try:
            rules = frozenset(resolve_selection([match.group(0)]))
        except ValueError:
            rules = frozenset()
        codes.append(Code(match.group(0), Span(path, line, column + match.start()), rules))
    return codes


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _is_document_marker(line: str) -> bool:
    return line.split("#", 1)[0].rstrip() == "---"


def _line_below(lines: list[str], index: int) -> int | None:
    for below in range(index + 1, len(lines)):
        text = lines[below]
        if not text.strip():
            return None
        if _is_comment(text) or text.startswith("---"):
            continue
        return below
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _extent(lines: list[str], target: int, starts: dict[int, tuple[int, str]]) -> int:
    """Last line (0-based) of the YAML node that starts on line `target`."""
    line = lines[target]
    start = starts.get(target + 1)
    if start is not None and start[1] == "document":
        return _document_extent(lines, target)
    if start is not None:
        return _map_extent(lines, target, start[0] - 1)
    content = line.lstrip(" ")
    code = content.split(" #", 1)[0].rstrip()
    if code.endswith(("{", "[")) or content.startswith(("- {", "- [", "{", "[")):
        flow = _flow_extent(lines, target)
        if flow is not None:
            return flow
    # A sequence item covers what is indented deeper than its dash; a key what is indented deeper than the key,
    # plus a sequence written at the key's own indentation (`rules:` then `- apiGroups:` in column 1).
    is_item = content.startswith("- ") or content == "-"
    return _deeper_than(lines, target, _indent(line), indentless=not is_item and code.endswith(":"))


def _deeper_than(lines: list[str], target: int, column: int, indentless: bool = False) -> int:
    last = target
    for index in range(target + 1, len(lines)):
        text = lines[index]
        if not text.strip() or _is_comment(text):
            continue
        if text.startswith(("---", "...")):
            break
        if _indent(text) < column or (_indent(text) == column and not (indentless and text.lstrip(" ").startswith("-"))):
            break
        last = index
    return last


def _map_extent(lines: list[str], target: int, column: int) -> int:
    """A block mapping whose first key is at `column` (0-based): its keys stand at that column."""
    last = target
    for index in range(target + 1, len(lines)):
        text = lines[index]
        if not text.strip() or _is_comment(text):
            continue
        if _indent(text) < column or text.startswith(("---", "...")) or (_indent(text) == column and text.lstrip().startswith("- ")):
            break
        last = index
    return last


def _document_extent(lines: list[str], target: int) -> int:
    last = target
    for index in range(target + 1, len(lines)):
        text = lines[index]
        if text.startswith(("---", "...")):
            break
        if text.strip() and not _is_comment(text):
            last = index
    return last


def _flow_extent(lines: list[str], target: int) -> int | None:
    """The line where the flow collection opened on line `target` closes."""
    found = flow_end(lines, target)
    return found[0] if found is not None else None


# ---------------------------------------------------------------------------------------------- annotations


def _pod_template_node(obj: Any) -> YMap | None:
    """The pod template of a workload when its own metadata carries the annotation: where a chart's
    `podAnnotations` land, often the only annotations its values can set. None for a Pod (its metadata is the
    object's) and for a template without the annotation."""
    if obj.kind not in WORKLOAD_KINDS or obj.kind == "Pod":
        return None
    keys = POD_SPEC_PATHS.get(obj.kind, ("spec", "template", "spec"))[:-1]
    template = get_path(obj.doc, *keys)
    if not isinstance(template, YMap) or not isinstance(template.get("metadata"), YMap):
        return None
    annotations = template["metadata"].get("annotations")
    return template if isinstance(annotations, YMap) and ANNOTATION in annotations else None


def _annotation(obj: Any, value: Any, source: Any, template: YMap | None = None) -> Suppression:
    """The annotation of an object, covering the object; or, with `template`, the annotation of its pod template,
    covering the template (the pod spec, where the workload rules report)."""
    holder = obj.doc if template is None else template
    annotations = holder["metadata"].get("annotations")
    line, column = annotations.value_pos(ANNOTATION) if isinstance(annotations, YMap) else holder.pos
    text = as_str(value)
    codes = _codes(text, obj.path, line, column + (1 if source is not None and _quoted(source, line, column) else 0))
    where = f"{obj.kind} {obj.namespace + '/' if obj.namespace else ''}{obj.name}"
    suppression = Suppression("annotation", Span(obj.path, line, column), codes, reason="annotation",
                              target=f"in {where}" if template is None else f"in the pod template of {where}",
                              text=f"{ANNOTATION}: {text!r}")
    if source is not None:
        lines = source.lines  # split once per file, not once per annotated object (quadratic in a big file)
        start_line, start_col = holder.pos
        target = start_line - 1
        if 0 <= target < len(lines):
            is_document = template is None and obj.doc.pos in _document_starts(source)
            if lines[target][start_col - 1:start_col] in ("{", "["):
                end = _flow_extent(lines, target)
            elif is_document:
                end = _document_extent(lines, target)
            else:
                end = _map_extent(lines, target, start_col - 1)
            suppression.lines = (start_line, (end if end is not None else target) + 1)
    return suppression


def _quoted(source: Any, line: int, column: int) -> bool:
    text = source.line(line)
    return text[column - 1:column] in ("'", '"')


# ---------------------------------------------------------------------------------------------- applying


def apply(sources: list[Any], analysis: Any, findings: list[Finding], ran: set[str],
          per_path_ignores: dict[str, set[str]] | None = None, root: str = ".",
          report_paths: set[str] | None = None) -> tuple[list[Finding], SuppressionState]:
    """Drop suppressed findings; return the rest and the state KS002 reports on."""
    state = collect(sources, analysis, report_paths)
    state.ran = ran
    kept = state.unsilenced(findings) if state.suppressions else list(findings)
    if per_path_ignores:
        kept = drop_per_path(kept, per_path_ignores, root)
    return kept, state


def drop_silenced(findings: list[Finding], state: SuppressionState, per_path_ignores: dict[str, set[str]] | None = None,
                  root: str = ".") -> list[Finding]:
    """The same filtering for findings produced after `apply` (KS002 itself)."""
    kept = state.unsilenced(findings)
    return drop_per_path(kept, per_path_ignores, root) if per_path_ignores else kept


def drop_per_path(findings: list[Finding], per_path_ignores: dict[str, set[str]], root: str) -> list[Finding]:
    from .config import PathMatcher

    matchers = [(PathMatcher([pattern], root), rules) for pattern, rules in per_path_ignores.items()]
    ignored_by_path: dict[str, set[str]] = {}
    kept = []
    for finding in findings:
        path = finding.span.path
        if path not in ignored_by_path:
            ignored_by_path[path] = set().union(*(rules for m, rules in matchers if m.matches(path)))
        if finding.rule in ALWAYS_REPORTED or finding.rule not in ignored_by_path[path]:
            kept.append(finding)
    return kept
