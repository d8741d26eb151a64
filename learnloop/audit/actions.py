"""The audit trail's own write: recording the counted anonymous acts of past days."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from learnloop.audit import events
from learnloop.audit.models import AnonymousTally, AuditEvent


@transaction.atomic
def flush_anonymous_events(today: datetime.date | None = None) -> int:
    """Record each day's counted anonymous acts before ``today`` as one event per action and
    target, at the start of the day, with the count; returns the number of events.

    Run after midnight (the worker's schedule), so the events land in the sequence after the
    whole day's other events and their statements are stored the next day: neither tells when
    in the day any one act happened. Sorted by target, not by first act.
    """
    day = today or timezone.localdate()
    tallies = list(
        AnonymousTally.objects.select_for_update()
        .filter(day__lt=day)
        .order_by("day", "action", "target_type", "target_id")
    )
    events.store(
        [
            AuditEvent(
                at=events.start_of_day(tally.day),
                actor=None,
                actor_label=events.ANONYMOUS,
                action=tally.action,
                target_type=tally.target_type,
                target_id=tally.target_id,
                target_label=tally.target_label,
                data={"count": tally.count},
            )
            for tally in tallies
        ]
    )
    AnonymousTally.objects.filter(pk__in=[tally.pk for tally in tallies]).delete()
    return len(tallies)
