"""Every scheduled job, declared here and nowhere else.

A job runs once per slot: ``daily`` at ``at`` (UTC), ``weekly`` on ``weekday`` (0 = Monday)
at ``at``, or ``hourly`` at minute ``at.minute``. Domains add their jobs to ``SCHEDULE``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

UTC = datetime.UTC


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path of a django.tasks task
    every: Literal["hourly", "daily", "weekly"]
    at: datetime.time = datetime.time(2, 0)
    weekday: int = 0

    def last_slot(self, now: datetime.datetime) -> datetime.datetime:
        """The most recent moment, at or before ``now``, when this job was due."""
        now = now.astimezone(UTC)
        if self.every == "hourly":
            slot = now.replace(minute=self.at.minute, second=0, microsecond=0)
            return slot if slot <= now else slot - datetime.timedelta(hours=1)
        slot = datetime.datetime.combine(now.date(), self.at, tzinfo=UTC)
        if self.every == "daily":
            return slot if slot <= now else slot - datetime.timedelta(days=1)
        slot -= datetime.timedelta(days=(now.weekday() - self.weekday) % 7)
        return slot if slot <= now else slot - datetime.timedelta(days=7)


SCHEDULE: tuple[Job, ...] = (
    Job(
        "people.close_leaver_accounts",
        "learnloop.people.tasks.close_leaver_accounts",
        "daily",
        datetime.time(1, 30),
    ),
    # Hourly, so a finished day is recorded within the hour whatever the server's time zone.
    Job(
        "audit.flush_anonymous_events",
        "learnloop.audit.tasks.flush_anonymous_events",
        "hourly",
        datetime.time(0, 20),
    ),
    Job(
        "surveys.advance_pulses",
        "learnloop.surveys.tasks.advance_pulses",
        "daily",
        datetime.time(0, 15),
    ),
    Job(
        "surveys.send_reminders",
        "learnloop.surveys.tasks.send_reminders",
        "daily",
        datetime.time(8, 0),
    ),
    Job(
        "learning.remind_mandatory_training",
        "learnloop.learning.tasks.remind_mandatory_training",
        "daily",
        datetime.time(7, 30),
    ),
    Job(
        "learning.refit_knowledge_models",
        "learnloop.learning.tasks.refit_knowledge_models",
        "weekly",
        datetime.time(3, 30),
        weekday=6,
    ),
    Job(
        "insights.refresh_facts",
        "learnloop.insights.tasks.refresh_facts",
        "hourly",
        datetime.time(0, 5),
    ),
    Job(
        "insights.send_monthly_digests",
        "learnloop.insights.tasks.send_monthly_digests",
        "daily",
        datetime.time(6, 0),
    ),
    Job(
        "mentoring.send_reminders",
        "learnloop.mentoring.tasks.send_mentoring_reminders",
        "daily",
        datetime.time(7, 30),
    ),
    Job(
        "jobs.prune_finished_runs",
        "learnloop.jobs.tasks.prune_scheduled_runs",
        "weekly",
        datetime.time(3, 0),
        weekday=6,
    ),
)
