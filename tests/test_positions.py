"""Every output format takes a finding's place from positions.Lines: lines as editors count them, and the end of
the token the finding points at (SARIF endLine/endColumn, the JSON report's end_line/end_column, GitHub's
endLine/endColumn, LSP ranges)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from kubelint_scrape.engine import Options, lint_paths
from kubelint_scrape.lsp import Lines as LspLines, span_range
from kubelint_scrape.positions import Lines
from kubelint_scrape.report import render

SCHEMAS = Path(__file__).resolve().parent.parent.parent / "shared" / "schemas"

# LINE SEPARATOR and NEL inside a quoted scalar: libyaml (and Go's yaml) break lines there, editors, git and
# GitHub do not, so the duplicate key is on line 4 of the file as the user sees it, line 6 as the parser counts.
TEXT = "metadata:\n  annotations:\n    note: 'café\u2028second\x85third'\ny: {a: 1, a: 2}\n"


@pytest.fixture
def result(tmp_path, monkeypatch):
    (tmp_path / "dup.yaml").write_text(TEXT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return lint_paths(["dup.yaml"], Options(select={"KS005"}))


def _schema(name: str):
    path = SCHEMAS / name
    if not path.exists():
        pytest.skip(f"{path} absent: the shared schemas live beside the checkout (../shared)")
    return json.loads(path.read_text())


def test_every_format_reports_the_editor_line_and_the_token_end(result, tmp_path) -> None:
    [finding] = result.findings
    assert (finding.span.line, finding.span.column) == (6, 11)  # the parser's count
    assert render("concise", result).startswith("dup.yaml:4:11: KS005 ")
    text = render("text", result)
    assert "    4 | y: {a: 1, a: 2}" in text and "= related: dup.yaml:4:5: first 'a' is here" in text
    assert render("github", result, cwd=str(tmp_path)).startswith("::error file=dup.yaml,line=4,col=11,endLine=4,endColumn=12,")

    report = json.loads(render("json", result))
    jsonschema.Draft202012Validator(_schema("report.schema.json")).validate(report)
    [entry] = report["findings"]
    assert (entry["line"], entry["column"], entry["end_line"], entry["end_column"]) == (4, 11, 4, 12)
    assert [(r["line"], r["column"]) for r in entry["related"]] == [(4, 5)]

    log = json.loads(render("sarif", result, cwd=str(tmp_path)))
    jsonschema.Draft4Validator(_schema("sarif-2.1.0.json")).validate(log)
    [sarif] = log["runs"][0]["results"]
    assert sarif["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 4, "startColumn": 11, "endLine": 4, "endColumn": 12, "snippet": {"text": "a"}}
    assert sarif["relatedLocations"][0]["physicalLocation"]["region"] == {
        "startLine": 4, "startColumn": 5, "endLine": 4, "endColumn": 6}


def test_the_language_server_ranges_agree_with_the_reports(result) -> None:
    [finding] = result.findings
    lines = LspLines({s.path: s for s in result.sources})
    region = lines.region(finding.span)
    assert LspLines is Lines  # one implementation
    assert (region.line, region.column, region.end_line, region.end_column) == (4, 11, 4, 12)
    # the client counts UTF-16 units: 0-based line 3, characters 10..11
    assert span_range(finding.span.__class__(finding.span.path, region.line, region.column), region.text) == ((3, 10), (3, 11))


@pytest.mark.parametrize("line, column, end", [
    ("  role: node  # kubelets", 9, 13),      # a plain scalar stops before the comment
    ("  - 'it''s: quoted'", 5, 20),           # a quoted scalar with an escaped quote, as a whole
    ("  verbs: [get, list]", 10, 21),         # a flow sequence closed on its line
    ("  hostNetwork: true", 3, 14),           # a key
])
def test_a_region_ends_where_its_token_does(tmp_path, line: str, column: int, end: int) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(line + "\n", encoding="utf-8")
    from kubelint_scrape.yamltree import Span

    region = Lines({}).region(Span(str(path), 1, column))
    assert (region.line, region.column, region.end_column) == (1, column, end)


def test_line_starts_of_a_large_text_are_those_of_its_split_lines(monkeypatch) -> None:
    """LineIndex finds a large text's line starts without the list of its lines; they must be the same."""
    import random
    from array import array
    from itertools import accumulate

    from kubelint_scrape import positions

    monkeypatch.setattr(positions, "_SPLIT_BELOW", 0)
    rng = random.Random(7)
    for _ in range(500):
        text = "".join(rng.choice(["a", "bb", "\n", "\r\n", "\r", " ", "x: y"]) for _ in range(rng.randint(0, 40)))
        expected = array("L", accumulate(map(len, text.splitlines(True)), initial=0))
        assert positions.LineIndex(text).starts == expected, repr(text)
