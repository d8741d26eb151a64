"""Scheduled learning work (declared in learnloop/jobs/schedule.py)."""

from __future__ import annotations

from django.tasks import task

from learnloop.learning import actions


@task
def remind_mandatory_training() -> int:
    """Daily: e-mail people whose mandatory training is due within a week or overdue."""
    return actions.send_reminders()
