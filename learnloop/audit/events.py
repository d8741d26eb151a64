"""Recording writes: every action in every domain calls :func:`record` inside its transaction.

Subscribers (the xAPI recorder, notification senders) register with :func:`subscribe` and are
called synchronously with the list of stored events, inside the same transaction, so a write
and everything recorded about it commit or roll back together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from learnloop.audit.models import AuditEvent

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
        target_label=str(target)[:300] if target is not None else "",
        data=data or {},
    )


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
) -> AuditEvent:
    """Store an audit event for ``action`` and hand it to the subscribers.

    ``actor`` is the signed-in user, or ``None`` for system work, which then needs an
    ``actor_label`` such as ``"cli"`` or ``"worker"``.
    """
    _require_transaction(action)
    event = _build(action, actor, actor_label, target, data)
    event.save()
    for subscriber in list(_subscribers):
        subscriber([event])
    return event


def record_many(
    events: Iterable[Event], *, actor: Any = None, actor_label: str | None = None
) -> list[AuditEvent]:
    """Store many events in one statement (bulk imports, demo builds)."""
    built = [_build(e.action, actor, actor_label, e.target, e.data) for e in events]
    if not built:
        return []
    _require_transaction(built[0].action)
    stored = AuditEvent.objects.bulk_create(built, batch_size=2000)
    for subscriber in list(_subscribers):
        subscriber(stored)
    return stored
