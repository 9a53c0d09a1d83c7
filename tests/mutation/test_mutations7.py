"""Seventh round of single-fault mutations (mutations7.py): real-world renders (microk8s' kube-prometheus copy, a vmagent
bootstrap script, a 2018 plain-Prometheus tutorial) repaired into working baselines. The findings of exactly the expected
rules (every family but KS604) must be added to the baseline's."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import assert_baseline_works, assert_single_fault, load_mutations

MUTATIONS = load_mutations("mutations7")
BASELINE_NAMES = ("b18-microk8s", "b19-vmagent", "b20-legacy")


@pytest.mark.parametrize("name", BASELINE_NAMES)
def test_baseline_has_no_error_or_warning(name: str) -> None:
    assert_baseline_works(name)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_single_fault(mutation, tmp_path: Path) -> None:
    assert_single_fault(mutation, tmp_path)
