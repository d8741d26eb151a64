"""Scheduled work: reminders and closing requests whose due date passed."""

from __future__ import annotations

from django.tasks import task

from learnloop.feedback import actions


@task
def remind_feedback_respondents() -> int:
    return actions.remind_respondents()


@task
def close_overdue_feedback_requests() -> int:
    return actions.close_overdue_requests()


@task
def remind_upcoming_checkins() -> int:
    return actions.remind_upcoming_checkins()
