from __future__ import annotations

import datetime

from django.tasks import task
from django.utils import timezone

from learnloop.jobs.models import ScheduledRun


@task
def prune_scheduled_runs(keep_days: int = 90) -> int:
    """Forget claimed slots older than ``keep_days`` (they only guard against double runs)."""
    cutoff = timezone.now() - datetime.timedelta(days=keep_days)
    deleted, _ = ScheduledRun.objects.filter(slot__lt=cutoff).delete()
    return deleted
