"""docs/rules.md is generated from the catalog and must stay in sync; the links into it (helpUri) must resolve."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from kubelint_scrape.catalog import index
from kubelint_scrape.cli import main
from kubelint_scrape.docs import help_uri

ROOT = Path(__file__).resolve().parent.parent
RULES_MD = ROOT / "docs" / "rules.md"
REGENERATE = "regenerate it: .venv/bin/kubelint-scrape rules --format md > docs/rules.md"


def _github_anchor(heading: str) -> str:
    """The fragment GitHub gives a Markdown heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_rules_md_is_the_output_of_the_rules_command() -> None:
    result = CliRunner().invoke(main, ["rules", "--format", "md"])
    assert result.exit_code == 0, result.output
    assert RULES_MD.exists(), f"docs/rules.md is missing; {REGENERATE}"
    assert RULES_MD.read_text(encoding="utf-8") == result.output, f"docs/rules.md is out of date; {REGENERATE}"


def test_every_rule_has_a_section_its_help_uri_points_at() -> None:
    text = RULES_MD.read_text(encoding="utf-8")
    anchors = {_github_anchor(h) for h in re.findall(r"^## (.+)$", text, flags=re.MULTILINE)}
    for rule_id in index():
        fragment = help_uri(rule_id).split("#", 1)[1]
        assert fragment in anchors, f"{rule_id}: {help_uri(rule_id)} has no heading in docs/rules.md"
        assert help_uri(rule_id).split("#")[0].endswith("/docs/rules.md")


def test_readme_links_the_rules_doc_and_shows_every_integration() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/rules.md" in readme
    for snippet in ("repos:", "id: kubelint-scrape", "uses: kubelint-scrape/kubelint-scrape@",
                    "sarif-upload:", "security-events: write", "kubelint-scrape lsp", "--stdin-filename"):
        assert snippet in readme, f"README lacks {snippet!r}"


def _readme_yaml_blocks() -> list:
    from ruamel.yaml import YAML

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return [YAML(typ="safe").load(block) for block in re.findall(r"```yaml\n(.*?)```", readme, flags=re.DOTALL)]


def test_readme_snippets_match_the_hooks_and_the_action() -> None:
    from ruamel.yaml import YAML

    hooks = {h["id"] for h in YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    inputs = set(YAML(typ="safe").load((ROOT / "action.yml").read_text())["inputs"])
    blocks = _readme_yaml_blocks()
    precommit = [b for b in blocks if isinstance(b, dict) and "repos" in b]
    workflows = [b for b in blocks if isinstance(b, dict) and "jobs" in b]
    assert precommit and workflows
    for block in precommit:
        used = {h["id"] for repo in block["repos"] for h in repo["hooks"]}
        assert used <= hooks and all(repo.get("rev") for repo in block["repos"])
    for block in workflows:
        steps = [s for job in block["jobs"].values() for s in job["steps"]]
        ours = [s for s in steps if s.get("uses", "").startswith("kubelint-scrape/kubelint-scrape@")]
        assert ours and all(set(s.get("with", {})) <= inputs for s in ours)
