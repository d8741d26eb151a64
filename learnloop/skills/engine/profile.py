"""Combining an employee's claims about one skill into a level and a confidence, transparently.

Each source has a trust weight (an assessment or a manager's validation outweighs a
self-assessment) and evidence ages: its weight halves every ``HALF_LIFE_DAYS``. Only the latest
claim per source and claimant counts. The level is the weighted mean of the counted claims;
the confidence is the chance that at least one of them is right, each taken as independent
evidence of probability weight x stated confidence.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

TRUST = {
    "assessment": 1.0,
    "manager": 0.9,
    "learning": 0.6,
    "peer": 0.5,
    "inferred": 0.4,
    "self": 0.35,
}
VALIDATING = {"assessment", "manager"}
HALF_LIFE_DAYS = 730


@dataclass(frozen=True)
class Claim:
    source: str
    level: int
    observed_on: datetime.date
    confidence: float = 1.0
    claimant: int | None = None
    created: datetime.datetime | None = None


@dataclass(frozen=True)
class Contribution:
    claim: Claim
    weight: float  # trust x ageing x confidence, the share this claim has in the level


@dataclass(frozen=True)
class Combined:
    level: float
    confidence: float
    validated: bool
    contributions: tuple[Contribution, ...]


def ageing(observed_on: datetime.date, today: datetime.date) -> float:
    days = max((today - observed_on).days, 0)
    return float(0.5 ** (days / HALF_LIFE_DAYS))


def combine(claims: Iterable[Claim], today: datetime.date) -> Combined | None:
    latest: dict[tuple[str, int | None], Claim] = {}
    for claim in claims:
        key = (claim.source, claim.claimant)
        current = latest.get(key)
        if current is None or (claim.observed_on, claim.created or datetime.datetime.min) > (
            current.observed_on,
            current.created or datetime.datetime.min,
        ):
            latest[key] = claim
    if not latest:
        return None
    contributions = tuple(
        sorted(
            (
                Contribution(
                    c, TRUST.get(c.source, 0.3) * ageing(c.observed_on, today) * c.confidence
                )
                for c in latest.values()
            ),
            key=lambda item: -item.weight,
        )
    )
    total = sum(item.weight for item in contributions)
    if total <= 0:
        return None
    level = sum(item.weight * item.claim.level for item in contributions) / total
    doubt = 1.0
    for item in contributions:
        doubt *= 1 - min(item.weight, 0.99)
    return Combined(
        level=round(level, 2),
        confidence=round(1 - doubt, 3),
        validated=any(item.claim.source in VALIDATING for item in contributions),
        contributions=contributions,
    )
