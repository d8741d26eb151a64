from __future__ import annotations

from django.tasks import task

from learnloop.surveys import actions


@task
def advance_pulses() -> dict[str, int]:
    """Open pulses whose day has come, close those past their closing date (and schedule the
    next one of a recurring pulse)."""
    return actions.advance_pulses()


@task
def send_reminders() -> int:
    return actions.send_reminders()
