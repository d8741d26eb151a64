"""The demo organization's insights history."""

from __future__ import annotations

import datetime

from learnloop.people.models import Organization


def build(organization: Organization, *, seed: int, today: datetime.date) -> None:
    """Fill the demo organization with months of insights activity (deterministic in seed)."""
