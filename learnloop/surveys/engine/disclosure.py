"""Disclosure control: which groups of respondents may have their aggregates shown.

Every released statistic (count, mean, favourable share, distribution, eNPS) is a sum over the
respondents of a group divided by its size, so anyone who has seen several groups' results can
compute, by adding and subtracting them, the sum over any set in their linear span. Every vector
in that span is constant on the *atoms*: the classes of respondents that belong to exactly the
same released groups. So the finest thing a viewer can ever solve for is an atom, and results
are safe when every non-empty atom holds at least ``k`` respondents.

The ledger keeps the groups released for one pulse, for every viewer together (so colluding
viewers gain nothing either), and releases a new group only if splitting the atoms by it leaves
none with between 1 and ``k - 1`` respondents. That covers the remainder of a parent group,
complementary filters and overlapping queries in any order. Refusals are permanent: a release
only ever refines the atoms, so a refused group stays refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Mask = NDArray[np.bool_]


@dataclass(frozen=True)
class Decision:
    released: bool
    reason: str  # "" when released; "small" or "differencing" otherwise


SMALL = "small"
DIFFERENCING = "differencing"


class Ledger:
    """Atoms of the released groups over ``size`` respondents, with minimum atom size ``k``."""

    def __init__(self, size: int, k: int) -> None:
        if k < 1:
            raise ValueError("k must be positive")
        self.size = size
        self.k = k
        self._labels = np.zeros(size, dtype=np.int64)
        self._released: list[Mask] = []

    @property
    def released(self) -> list[Mask]:
        return list(self._released)

    def _split(self, mask: Mask) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        combined = self._labels * 2 + mask.astype(np.int64)
        _, labels, counts = np.unique(combined, return_inverse=True, return_counts=True)
        return labels.astype(np.int64), counts

    def decide(self, mask: Mask) -> Decision:
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != (self.size,):
            raise ValueError("the mask must cover every respondent")
        n = int(mask.sum())
        if n < self.k:
            return Decision(False, SMALL)
        _, counts = self._split(mask)
        if (counts < self.k).any():
            return Decision(False, DIFFERENCING)
        return Decision(True, "")

    def release(self, mask: Mask) -> Decision:
        decision = self.decide(mask)
        if decision.released:
            labels, _ = self._split(np.asarray(mask, dtype=bool))
            self._labels = labels
            self._released.append(np.asarray(mask, dtype=bool).copy())
        return decision

    def atom_sizes(self) -> list[int]:
        return sorted(np.unique(self._labels, return_counts=True)[1].tolist())


def release_in_order(ledger: Ledger, masks: Iterable[Mask]) -> list[Decision]:
    """Try each group in turn (callers order them largest first, so the smallest groups are
    the ones suppressed alongside a small one)."""
    return [ledger.release(mask) for mask in masks]
