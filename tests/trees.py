"""A sample of the fixture cases, for the tests that lint many fixtures as one tree.

Linting every fixture as one tree grows faster than the fixture count: the cases reuse the same namespaces and
names, so one Prometheus ends up with thousands of jobs and one ServiceAccount with every grant (35 s for 2,300
files, 4 s for a third of them). The tests that want "many different inputs in one run" (forked vs serial read,
shared vs separate relabel simulations, a reader leaving mid-report) take a deterministic sample instead: the
first failing case of every rule, so each check has something to find, and every third case besides. Every case
is still linted on its own by test_fixtures.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
EXAMPLES = ROOT / "examples"


def sampled_cases(every: int = 3) -> list[Path]:
    """Fixture case directories: each rule's first fail- case and every `every`-th case in sorted order."""
    cases = sorted(case for case in FIXTURES.glob("KS*/*") if case.is_dir())
    first_failing = {next(iter(sorted(rule.glob("fail-*"))), None) for rule in FIXTURES.glob("KS*")}
    return [case for index, case in enumerate(cases) if index % every == 0 or case in first_failing]


def sampled_yaml_files(every: int = 3) -> list[Path]:
    """The YAML files of sampled_cases() and of the examples."""
    return sorted(path for folder in [*sampled_cases(every), EXAMPLES] for path in folder.rglob("*.yaml"))
