"""Scheduled work: reminders to pairs who have not met within their program's cadence."""

from __future__ import annotations

from django.tasks import task

from learnloop.mentoring import actions


@task
def send_mentoring_reminders() -> int:
    return actions.send_reminders()
