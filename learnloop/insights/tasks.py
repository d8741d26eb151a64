"""Background jobs of insights (scheduled in learnloop/jobs/schedule.py)."""

from __future__ import annotations

from django.tasks import task

from learnloop.insights import refresh


@task
def refresh_facts() -> int:
    """Fold the statements stored since the last run into the facts (hourly)."""
    return refresh.refresh().statements


@task
def send_monthly_digests() -> int:
    """Last month's digest per role; runs daily, sends in the first days of a month, once."""
    from learnloop.insights import digest

    return digest.send_monthly()
