"""The demo organization's insights: the learning and mentoring demos have recorded months of
statements by now (insights runs last), so building the facts is all there is to do."""

from __future__ import annotations

import datetime

from django.utils import timezone

from learnloop.insights import refresh
from learnloop.people.models import Organization


def build(organization: Organization, *, seed: int, today: datetime.date) -> None:
    """Fold every statement into the facts so the dashboards are ready (deterministic: the
    facts are a function of the statements and domain tables)."""
    # No lag: the demo build is the only writer, and everything it stored is committed.
    refresh.refresh(now=timezone.now(), today=today, lag_seconds=0)
