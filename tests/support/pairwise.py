"""Pairwise (all-pairs) combinations of on/off features: a few rows in which every pair of
features appears in all four on/off combinations, so any bug that needs two features to meet
shows up without running all 2**n rows."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

Row = tuple[bool, ...]


def _pairs(row: Row) -> set[tuple[int, int, bool, bool]]:
    return {(i, j, row[i], row[j]) for i, j in itertools.combinations(range(len(row)), 2)}


def all_pairs(count: int) -> list[Row]:
    """Rows of `count` switches covering every pair of switches in every on/off combination.

    Greedy and deterministic: start from all-off and all-on, then keep adding the row that
    covers the most pairs not yet covered (ties go to the first in binary order).
    """
    if count == 0:
        return [()]
    everything: Sequence[Row] = list(itertools.product((False, True), repeat=count))
    uncovered = {
        (i, j, a, b)
        for i, j in itertools.combinations(range(count), 2)
        for a, b in itertools.product((False, True), repeat=2)
    }
    rows: list[Row] = [everything[0], everything[-1]]
    for row in rows:
        uncovered -= _pairs(row)
    while uncovered:
        best = max(everything, key=lambda row: len(_pairs(row) & uncovered))
        rows.append(best)
        uncovered -= _pairs(best)
    return rows
