from __future__ import annotations

from django.tasks import task

from learnloop.audit import actions


@task
def flush_anonymous_events() -> int:
    """Record yesterday's (and any earlier day's) counted anonymous acts."""
    return actions.flush_anonymous_events()
