"""Small-group suppression for aggregates (docs/insights.md, "Privacy").

Primary suppression hides a group of fewer than ``k`` people. Complementary suppression stops
the hidden value from being recovered by subtraction: when rows partition a total that is also
shown, the hidden rows together must be at least two rows and at least ``k`` people, otherwise
the smallest visible rows are hidden too.
"""

from __future__ import annotations

from collections.abc import Sequence

SMALL = "small"
COMPLEMENTARY = "complementary"


def partition(sizes: Sequence[int], k: int) -> list[str | None]:
    """The reason each row is hidden (None: shown), for rows that add up to a shown total."""
    reasons: list[str | None] = [SMALL if 0 < size < k else None for size in sizes]
    hidden = [i for i, r in enumerate(reasons) if r]
    while hidden and (len(hidden) < 2 or sum(sizes[i] for i in hidden) < k):
        candidates = sorted(
            (size, i) for i, size in enumerate(sizes) if reasons[i] is None and size > 0
        )
        if not candidates:
            # Nothing left to hide alongside: everything non-empty is hidden already, or the
            # only remaining rows are empty, which reveal nothing.
            break
        reasons[candidates[0][1]] = COMPLEMENTARY
        hidden.append(candidates[0][1])
    return reasons


def narrowing_allowed(size: int, wider_sizes: Sequence[int], k: int) -> bool:
    """A filtered group may be shown when it has at least ``k`` people and, for each filter,
    the people the filter removes from the otherwise identical group are none or at least
    ``k`` (else the two groups' difference describes fewer than ``k`` people)."""
    if size < k:
        return False
    return all(wider - size == 0 or wider - size >= k for wider in wider_sizes)
