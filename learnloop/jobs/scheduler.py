"""Enqueue the scheduled jobs that are due. Called in a loop by ``learnloop worker``."""

from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError, transaction
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string

from learnloop.jobs.models import ScheduledRun
from learnloop.jobs.schedule import SCHEDULE, Job

logger = logging.getLogger(__name__)


def enqueue_due(
    now: datetime.datetime | None = None, jobs: tuple[Job, ...] | None = None
) -> list[str]:
    """Enqueue each job whose latest slot has not been claimed yet; returns the job names."""
    now = now or timezone.now()
    enqueued = []
    for job in SCHEDULE if jobs is None else jobs:
        slot = job.last_slot(now)
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, slot=slot)
                task: Task[[], object] = import_string(job.task)
                result = task.enqueue()
                run.task_id = str(result.id)
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another worker claimed this slot
        logger.info("enqueued %s for %s", job.name, slot.isoformat())
        enqueued.append(job.name)
    return enqueued
