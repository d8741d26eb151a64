"""The one way learnloop domains record what people do: :func:`record` a statement.

Also subscribes to the audit trail (``XapiConfig.ready``): every audit event becomes a
statement in the same transaction as the write it describes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from learnloop.xapi import actions, profile
from learnloop.xapi.engine.statements import Prepared, prepare

if TYPE_CHECKING:
    from learnloop.audit.models import AuditEvent

Actor = Any  # a User, an Employee, an xAPI agent dict, or None for anonymous answers


def anonymous_agent() -> dict[str, Any]:
    """One shared pseudo-agent for anonymous answers: it identifies nobody."""
    return {"objectType": "Agent", "account": {"homePage": actions.lrs_home(), "name": "anonymous"}}


def agent_for(actor: Actor) -> dict[str, Any]:
    if actor is None:
        return anonymous_agent()
    if isinstance(actor, dict):
        return actor
    user: Any = getattr(actor, "user", actor)  # an Employee carries its User
    return {
        "objectType": "Agent",
        "name": user.full_name or user.email,
        "mbox": f"mailto:{user.email}",
    }


def _verb_json(verb: profile.Verb | str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(verb, profile.Verb):
        return verb.as_json()
    if isinstance(verb, str):
        return {"id": verb}
    return verb


def _object_json(obj: str | dict[str, Any]) -> dict[str, Any]:
    return {"objectType": "Activity", "id": obj} if isinstance(obj, str) else obj


def build(
    actor: Actor,
    verb: profile.Verb | str | dict[str, Any],
    obj: str | dict[str, Any],
    *,
    result: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
    timestamp: dt.datetime | None = None,
) -> Prepared:
    """A validated statement; a mistake in the caller's data raises ValidationError."""
    statement: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": agent_for(actor),
        "verb": _verb_json(verb),
        "object": _object_json(obj),
    }
    if result:
        statement["result"] = result
    if context:
        statement["context"] = context
    if timestamp is not None:
        statement["timestamp"] = timestamp.isoformat()
    return prepare(statement)


def store(prepared: Sequence[Prepared]) -> list[uuid.UUID]:
    return actions.store_statements(prepared, authority=actions.system_agent(), version="2.0.0")


def record(
    actor: Actor,
    verb: profile.Verb | str | dict[str, Any],
    obj: str | dict[str, Any],
    *,
    result: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
    timestamp: dt.datetime | None = None,
) -> uuid.UUID:
    """Record one statement, e.g. ``record(employee, profile.COMPLETED, course_iri)``.

    ``actor`` None records an anonymous answer: no identity of the person is stored.
    """
    return store([build(actor, verb, obj, result=result, context=context, timestamp=timestamp)])[0]


def _audit_statement(event: AuditEvent) -> Prepared:
    if event.actor_id is not None and event.actor is not None:
        actor = agent_for(event.actor)
    else:
        actor = actions.system_agent(event.actor_label or "learnloop")
    if event.target_type:
        iri = profile.activity_iri(event.target_type, event.target_id)
    else:
        iri = profile.activity_iri("system", event.action)
    definition: dict[str, Any] = {"type": profile.RECORD}
    if event.target_label:
        definition["name"] = {"en": event.target_label}
    return build(
        actor,
        profile.audit_verb(event.action),
        {"objectType": "Activity", "id": iri, "definition": definition},
        context={"platform": "learnloop", "extensions": {profile.AUDIT_EVENT: event.pk}},
        timestamp=event.at,
    )


def record_audit_events(batch: list[AuditEvent]) -> None:
    """The audit subscriber: one statement per event, stored in the writer's transaction."""
    if batch:
        store([_audit_statement(event) for event in batch])
