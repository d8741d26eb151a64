"""Small-count suppression that survives subtraction (complementary suppression).

Hiding every count below the minimum group size is not enough when totals are published:
with a headcount of 40 and role counts 20, 17 and one hidden, anyone gets the hidden 3 by
subtraction. Here each published table is described by additive relations (a total equals
the sum of its parts). A cell is *sensitive* when 0 < count < minimum. Parts that a table
never prints but that follow from a relation (holders below level 3 = holders - proficient)
are *implicit* cells: never shown, yet as exposed as any other once everything else in their
relation is known.

``protect`` hides the sensitive cells, then checks what a reader can still work out exactly
from the shown cells and the relations (the null space of the relations over the hidden
cells: a hidden cell is determined when every solution gives it the same value) and hides
further cells, smallest first, until no sensitive cell is determined. Cells named in
``keep`` are public whatever is printed (the headcount; how many people hold no role that
has a profile, which the roles page gives away when that is none) and are never hidden:
they count as known. Counts are non-negative, so a sensitive cell that shares a relation only with hidden zeros
would still be known; zeros are hidden as complements only as a last resort (they are
often known anyway, e.g. a role nobody holds).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Relation:
    """``total`` = sum of ``parts`` (indexes into the cell list)."""

    total: int
    parts: tuple[int, ...]


def sensitive(value: int, minimum: int) -> bool:
    return 0 < value < minimum


def determined(values: Sequence[int], hidden: set[int], relations: Sequence[Relation]) -> set[int]:
    """The hidden cells whose value follows exactly from the shown cells and the relations."""
    unknown = sorted(hidden)
    if not unknown:
        return set()
    column = {cell: j for j, cell in enumerate(unknown)}
    rows = []
    for relation in relations:
        row = np.zeros(len(unknown))
        if relation.total in column:
            row[column[relation.total]] += 1.0
        for part in relation.parts:
            if part in column:
                row[column[part]] -= 1.0
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    matrix = np.vstack(rows)
    # Null space of the relations restricted to the unknowns: a cell is pinned down exactly
    # when no direction of the null space moves it.
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null = vt[rank:]
    if null.shape[0] == 0:
        return set(unknown)
    free = np.abs(null).max(axis=0) > 1e-9
    return {cell for cell, j in column.items() if not free[j]}


def protect(
    values: Sequence[int],
    relations: Sequence[Relation],
    minimum: int,
    *,
    implicit: Iterable[int] = (),
    keep: Iterable[int] = (),
) -> set[int]:
    """The cells to hide (never including the implicit ones, which are never shown, nor the
    ``keep`` ones, which are public anyway, like the headcount)."""
    implicit_cells = set(implicit)
    kept = set(keep)
    if minimum <= 1:
        return set()
    # Kept cells are public (the reader knows them whatever is printed), so they are neither
    # hidden nor protected.
    hidden = {
        i for i, v in enumerate(values) if sensitive(v, minimum) and i not in kept
    } | implicit_cells
    members: dict[int, list[Relation]] = {}
    for relation in relations:
        for cell in (relation.total, *relation.parts):
            members.setdefault(cell, []).append(relation)
    while True:
        exposed = sorted(
            cell
            for cell in determined(values, hidden, relations)
            if sensitive(values[cell], minimum) and cell not in kept
        )
        if not exposed:
            return hidden - implicit_cells
        cell = exposed[0]
        choice = _complement(values, hidden, members.get(cell, []), cell, kept)
        if choice is None:  # its own relations are all hidden: widen to every hidden cell's
            nearby = [r for other in sorted(hidden) for r in members.get(other, [])]
            choice = _complement(values, hidden, nearby, cell, kept)
        if choice is None:  # every related cell is hidden already
            return hidden - implicit_cells
        hidden.add(choice)


def _complement(
    values: Sequence[int],
    hidden: set[int],
    relations: Sequence[Relation],
    cell: int,
    kept: set[int],
) -> int | None:
    """The best shown cell to hide next to ``cell``: a positive count before a zero, a part
    before a total, the smallest count first (least information lost)."""
    options = []
    for relation in relations:
        for other in (*relation.parts, relation.total):
            if other == cell or other in hidden or other in kept:
                continue
            is_total = other == relation.total
            options.append((values[other] == 0, is_total, values[other], other))
    return min(options)[-1] if options else None
