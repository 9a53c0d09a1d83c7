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


def within_edits(a: str, b: str, limit: int) -> bool:
    """Whether edit_distance(a, b) <= limit, without the full table for names that differ in length by more, or
    that share a prefix and a suffix (the distance of what is left is the same; `prometheus-12` and
    `prometheus-120` compare `` with `0`): asked for every ServiceAccount subject of a namespace per identity
    (access.py), ~22,000 pairs over 10,000 objects, the full table was ~5% of a run."""
    if abs(len(a) - len(b)) > limit:
        return False
    shorter = min(len(a), len(b))
    start = 0
    while start < shorter and a[start] == b[start]:
        start += 1
    end = 0
    while end < shorter - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    return edit_distance(a[start:len(a) - end], b[start:len(b) - end]) <= limit
