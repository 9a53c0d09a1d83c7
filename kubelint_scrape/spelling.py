"""How far apart two names are, for telling a typo from another name.

A module of its own so that a check asking it (access.py: a misspelt binding subject) does not import the module
it was written for: promvalidate.py loads the Prometheus configuration schemas, ~8 MB the main process otherwise
never holds in a large run (its validation runs in the parallel worker)."""

from __future__ import annotations


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with adjacent transpositions (a swapped pair of letters is one typo)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]
