"""Background jobs of insights (scheduled in learnloop/jobs/schedule.py)."""

from __future__ import annotations

from django.tasks import task

from learnloop.insights import refresh


@task
def refresh_facts() -> int:
    """Fold the statements stored since the last run into the facts (hourly)."""
    return refresh.refresh().statements
