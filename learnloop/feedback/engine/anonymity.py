"""Releasing anonymous answers so that nothing but their content reaches the reader.

Answers are released all at once, after the request closed, and only when at least the
organization's minimum answered. Their order is a keyed hash of the text, unrelated to when
each was written; ratings are shown as a distribution, never next to the text they came with.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    body: str
    rating: int | None


@dataclass(frozen=True)
class Release:
    shown: bool
    count: int  # reported only when shown; 0 otherwise so the tally does not leak
    bodies: tuple[str, ...]
    ratings: tuple[tuple[int, int], ...]  # (rating, how many), 1..5
    average: float | None


WITHHELD = Release(shown=False, count=0, bodies=(), ratings=(), average=None)


def release(answers: list[Answer], *, minimum: int, closed: bool, key: bytes) -> Release:
    if not closed or len(answers) < max(minimum, 1):
        return WITHHELD
    bodies = sorted(
        (a.body.strip() for a in answers if a.body.strip()),
        key=lambda body: hmac.new(key, body.encode(), hashlib.sha256).digest(),
    )
    rated = [a.rating for a in answers if a.rating is not None]
    counts = Counter(rated)
    return Release(
        shown=True,
        count=len(answers),
        bodies=tuple(bodies),
        ratings=tuple((value, counts.get(value, 0)) for value in range(1, 6)),
        average=round(sum(rated) / len(rated), 1) if rated else None,
    )
