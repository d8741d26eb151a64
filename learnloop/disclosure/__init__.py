"""Disclosure control shared by surveys and insights: which groups of people may have their
aggregates shown. Pure (numpy only, no Django, no app), so both domains' engines can use it.

Every released statistic (count, sum, mean, share, distribution) is a sum over the members of
a group, or a ratio of such sums, so anyone who has seen several groups' figures can compute,
by adding and subtracting them, the sum over any set in their linear span. Every vector in that
span is constant on the *atoms*: the classes of members that belong to exactly the same released
groups. So the finest thing a viewer can ever solve for is an atom, and figures are safe when
every non-empty atom holds at least ``k`` members.

A :class:`Ledger` keeps the atoms of the groups released so far and releases a new group only
if splitting the atoms by it leaves none with between 1 and ``k - 1`` members. That covers the
remainder of a parent group (a parent minus all its children), complementary filters and
overlapping queries in any order. Refusals are permanent: a release only ever refines the atoms,
so a refused group stays refused.

Groups are given as boolean masks or as index arrays over a fixed universe of members; callers
map their own opaque member ids (survey response ids, employee ids) to positions, so the ledger
never depends on what a group's *name* covers today.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Mask = NDArray[np.bool_]
Members = NDArray[np.int64]

SMALL = "small"
DIFFERENCING = "differencing"


@dataclass(frozen=True)
class Decision:
    released: bool
    reason: str  # "" when released; "small" or "differencing" otherwise


RELEASED = Decision(True, "")


class Ledger:
    """Atoms of the released groups over ``size`` members, with minimum atom size ``k``."""

    def __init__(self, size: int, k: int) -> None:
        if k < 1:
            raise ValueError("k must be positive")
        self.size = size
        self.k = k
        self._labels = np.zeros(size, dtype=np.int64)  # each member's atom
        self._sizes = np.array([size], dtype=np.int64)  # each atom's size

    def members(self, group: Mask | Members) -> Members:
        """A group as positions: a mask over every member, or the positions themselves (each
        once, as :func:`positions` gives them)."""
        found = np.asarray(group)
        if found.dtype == np.bool_:
            if found.shape != (self.size,):
                raise ValueError("the mask must cover every member")
            return np.flatnonzero(found)
        return found.astype(np.int64, copy=False)

    def _inside(self, members: Members) -> NDArray[np.int64]:
        return np.bincount(self._labels[members], minlength=len(self._sizes))

    def decide(self, group: Mask | Members) -> Decision:
        members = self.members(group)
        if len(members) < self.k:
            return Decision(False, SMALL)
        inside = self._inside(members)
        outside = self._sizes - inside
        if (((inside > 0) & (inside < self.k)) | ((outside > 0) & (outside < self.k))).any():
            return Decision(False, DIFFERENCING)
        return RELEASED

    def record(self, group: Mask | Members) -> None:
        """Split the atoms by a group already disclosed, without deciding anything: replaying
        a stored release must never depend on today's thresholds."""
        members = self.members(group)
        if len(members) == 0:
            return
        inside = self._inside(members)
        split = np.flatnonzero((inside > 0) & (inside < self._sizes))
        if len(split) == 0:
            return
        renumber = np.full(len(self._sizes), -1, dtype=np.int64)
        renumber[split] = np.arange(len(self._sizes), len(self._sizes) + len(split))
        old = self._labels[members]
        moved = renumber[old] >= 0
        self._labels[members[moved]] = renumber[old[moved]]
        self._sizes[split] -= inside[split]
        self._sizes = np.concatenate([self._sizes, inside[split]])

    def release(self, group: Mask | Members) -> Decision:
        decision = self.decide(group)
        if decision.released:
            self.record(group)
        return decision

    def atom_sizes(self) -> list[int]:
        return sorted(int(s) for s in self._sizes if s > 0)


def release_in_order(ledger: Ledger, groups: Iterable[Mask | Members]) -> list[Decision]:
    """Try each group in turn (callers order them largest first, so the smallest groups are
    the ones suppressed alongside a small one)."""
    return [ledger.release(group) for group in groups]


def positions(universe: dict[str, int], ids: Iterable[str]) -> Members:
    """The positions of the given member ids (ids no longer in the universe are skipped)."""
    return np.array(sorted({universe[i] for i in ids if i in universe}), dtype=np.int64)
