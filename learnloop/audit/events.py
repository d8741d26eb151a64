"""Recording writes: every action in every domain calls :func:`record` inside its transaction.

Subscribers (the xAPI recorder, notification senders) register with :func:`subscribe` and are
called synchronously with the list of stored events, inside the same transaction, so a write
and everything recorded about it commit or roll back together.

Anonymous acts (no actor, labelled :data:`ANONYMOUS`) are only counted for their day
(:class:`~learnloop.audit.models.AnonymousTally`) and recorded once the day is over, dated by
the day alone: their time, or their place in the sequence, would name the person.
Private records are labelled without their words (:mod:`learnloop.audit.privacy`).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from learnloop.audit.models import AnonymousTally, AuditEvent
from learnloop.audit.privacy import audit_label

# The actor label of acts that must not be traced to anyone.
ANONYMOUS = "anonymous"

Subscriber = Callable[[list[AuditEvent]], None]
_subscribers: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> Subscriber:
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)
    return subscriber


def unsubscribe(subscriber: Subscriber) -> None:
    if subscriber in _subscribers:
        _subscribers.remove(subscriber)


@dataclass
class Event:
    """An event to store with :func:`record_many`."""

    action: str
    target: models.Model | None = None
    data: dict[str, Any] = field(default_factory=dict)


def _build(
    action: str,
    actor: Any,
    actor_label: str | None,
    target: models.Model | None,
    data: dict[str, Any] | None,
) -> AuditEvent:
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent(
        actor=actor,
        actor_label=actor_label or (str(actor.email) if actor is not None else "system"),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=audit_label(target) if target is not None else "",
        data=data or {},
    )


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight of ``day`` in the server's time zone: the only time an anonymous act gets."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


def _is_anonymous(actor: Any, actor_label: str | None) -> bool:
    return actor is None and actor_label == ANONYMOUS


def _tally(
    action: str, target: models.Model | None, count: int, data: dict[str, Any] | None
) -> None:
    """Count ``count`` anonymous acts of today; nothing about when or in which order."""
    if data:
        raise ValueError(f"anonymous event {action!r} cannot carry data: it would tell acts apart")
    built = _build(action, None, ANONYMOUS, target, None)
    tally, _ = AnonymousTally.objects.get_or_create(
        day=timezone.localdate(),
        action=action,
        target_type=built.target_type,
        target_id=built.target_id,
        defaults={"target_label": built.target_label},
    )
    AnonymousTally.objects.filter(pk=tally.pk).update(count=F("count") + count)


def _require_transaction(action: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            f"audit event {action!r} must be recorded inside the action's transaction"
        )


def record(
    action: str,
    *,
    actor: Any = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEvent | None:
    """Store an audit event for ``action`` and hand it to the subscribers.

    ``actor`` is the signed-in user, or ``None`` for system work, which then needs an
    ``actor_label`` such as ``"cli"`` or ``"worker"``. An anonymous act (``actor_label``
    :data:`ANONYMOUS`) is only counted, and recorded after its day (returns ``None``); it
    carries no ``data``, which could tell one act from another.
    """
    _require_transaction(action)
    if _is_anonymous(actor, actor_label):
        _tally(action, target, 1, data)
        return None
    event = _build(action, actor, actor_label, target, data)
    event.save()
    for subscriber in list(_subscribers):
        subscriber([event])
    return event


def record_many(
    events: Iterable[Event], *, actor: Any = None, actor_label: str | None = None
) -> list[AuditEvent]:
    """Store many events in one statement (bulk imports, demo builds); anonymous acts are
    counted like :func:`record`'s."""
    events = list(events)
    if not events:
        return []
    _require_transaction(events[0].action)
    if _is_anonymous(actor, actor_label):
        targets = {(e.action, _target_key(e.target)): e.target for e in events}
        data = next((e.data for e in events if e.data), None)
        for key, count in Counter((e.action, _target_key(e.target)) for e in events).items():
            _tally(key[0], targets[key], count, data)
        return []
    return store([_build(e.action, actor, actor_label, e.target, e.data) for e in events])


def _target_key(target: models.Model | None) -> tuple[str, str]:
    return (target._meta.label_lower, str(target.pk)) if target is not None else ("", "")


def store(built: list[AuditEvent]) -> list[AuditEvent]:
    """Save built events in one statement and hand them to the subscribers."""
    if not built:
        return []
    _require_transaction(built[0].action)
    stored = AuditEvent.objects.bulk_create(built, batch_size=2000)
    for subscriber in list(_subscribers):
        subscriber(stored)
    return stored
