"""Eighth round of single-fault mutations (mutations8.py): real-world renders from the corpus (Linkerd viz, Rook-Ceph,
Istio's Prometheus addon) repaired into working baselines. The findings of exactly the expected
rules (every family but KS604) must be added to the baseline's."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import assert_baseline_works, assert_single_fault, load_mutations

MUTATIONS = load_mutations("mutations8")
BASELINE_NAMES = ("b21-linkerd", "b22-rook", "b23-istio")


@pytest.mark.parametrize("name", BASELINE_NAMES)
def test_baseline_has_no_error_or_warning(name: str) -> None:
    assert_baseline_works(name)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_single_fault(mutation, tmp_path: Path) -> None:
    assert_single_fault(mutation, tmp_path)
