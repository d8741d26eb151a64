"""Reads of the LRS: statement queries, documents, canonical definitions, admin summaries."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from django.db.models import Count, Q, QuerySet

from learnloop.xapi.actions import DocumentScope
from learnloop.xapi.models import (
    Activity,
    Agent,
    AttachmentContent,
    Document,
    Statement,
    StatementActivity,
    StatementAgent,
    Verb,
)

MAX_LIMIT = 500
_MAX_REFERENCE_DEPTH = 10
# Link-table matches up to this many are inlined as a list of ids: an IN-subquery would stop
# PostgreSQL from combining the OR branches with index bitmaps.
_INLINE_IDS = 2000


@dataclass
class StatementFilter:
    agent: str | None = None
    verb: str | None = None
    activity: str | None = None
    registration: uuid.UUID | None = None
    related_agents: bool = False
    related_activities: bool = False
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = 0
    ascending: bool = False
    # (stored, pk) of the last statement already returned.
    after: tuple[dt.datetime, int] | None = None
    # Set for clients that may read only what they stored: their authority agent's key.
    own_authority: str | None = None


def statement_by_id(
    statement_id: uuid.UUID, *, voided: bool, own_authority: str | None
) -> Statement | None:
    rows = Statement.objects.filter(statement_id=statement_id, voided=voided)
    if own_authority is not None:
        rows = rows.filter(authority__ifi=own_authority)
    return rows.only("data", "stored", "has_attachments").first()


def _statement_ids(links: QuerySet[Any]) -> Any:
    """The statement ids of link rows: a short list inline, else a subquery."""
    ids = list(links.values_list("statement_id", flat=True)[: _INLINE_IDS + 1])
    return ids if len(ids) <= _INLINE_IDS else links.values("statement_id")


def _matching(f: StatementFilter) -> Q | None:
    """The non-time conditions of a query, or None when one names something never stored."""
    condition = Q()
    if f.agent is not None:
        agent_id = Agent.objects.filter(ifi=f.agent).values_list("id", flat=True).first()
        if agent_id is None:
            return None
        links = StatementAgent.objects.filter(agent_id=agent_id)
        if not f.related_agents:
            links = links.filter(direct=True)
        agent_q = (
            Q(actor_id=agent_id) | Q(object_agent_id=agent_id) | Q(pk__in=_statement_ids(links))
        )
        if f.related_agents:
            agent_q |= Q(authority_id=agent_id)
        condition &= agent_q
    if f.verb is not None:
        verb_id = Verb.objects.filter(iri=f.verb).values_list("id", flat=True).first()
        if verb_id is None:
            return None
        condition &= Q(verb_id=verb_id)
    if f.activity is not None:
        activity_id = Activity.objects.filter(iri=f.activity).values_list("id", flat=True).first()
        if activity_id is None:
            return None
        activity_q = Q(object_activity_id=activity_id)
        if f.related_activities:
            activity_q |= Q(
                pk__in=_statement_ids(StatementActivity.objects.filter(activity_id=activity_id))
            )
        condition &= activity_q
    if f.registration is not None:
        condition &= Q(registration=f.registration)
    return condition


def _referencing(condition: Q) -> list[int]:
    """Statements that target (by StatementRef, recursively) a statement matching ``condition``.

    The database plans each level as a semi-join in whichever direction is cheaper.
    """
    found: list[int] = []
    targets: QuerySet[Statement] = Statement.objects.filter(condition)
    for _ in range(_MAX_REFERENCE_DEPTH):
        level = [
            pk
            for pk in Statement.objects.filter(
                object_statement__in=targets.values("statement_id")
            ).values_list("pk", flat=True)
            if pk not in found
        ]
        if not level:
            break
        found += level
        targets = Statement.objects.filter(pk__in=level)
    return found


def _lookup(model: Any, field: str, value: str | None) -> int | None:
    if value is None:
        return None
    found: int | None = model.objects.filter(**{field: value}).values_list("id", flat=True).first()
    return found


def _time(f: StatementFilter, stored: str, pk: str) -> Q:
    """since/until and the paging cursor, on the given stored and statement-key columns."""
    condition = Q()
    if f.since is not None:
        condition &= Q(**{f"{stored}__gt": f.since})
    if f.until is not None:
        condition &= Q(**{f"{stored}__lte": f.until})
    if f.after is not None:
        moment, last = f.after
        direction = "gt" if f.ascending else "lt"
        condition &= Q(**{f"{stored}__{direction}": moment}) | Q(
            **{stored: moment, f"{pk}__{direction}": last}
        )
    return condition


def find_statements(f: StatementFilter) -> tuple[list[Statement], bool]:
    """One page of matching statements, and whether more follow.

    ``related_activities`` (object OR context/sub-statement activities) runs as one query per
    place, each walking its (key, stored) index in the requested order and stopping at the
    page size; the pages are merged here. One OR query would have to collect and sort every
    match before the limit: ~100 ms for a course that 25,000 of 1M statements name in their
    context. Everything else is one query.
    """
    own_id = _lookup(Agent, "ifi", f.own_authority)
    agent_id = _lookup(Agent, "ifi", f.agent)
    verb_id = _lookup(Verb, "iri", f.verb)
    activity_id = _lookup(Activity, "iri", f.activity)
    if (
        (f.own_authority is not None and own_id is None)
        or (f.agent is not None and agent_id is None)
        or (f.verb is not None and verb_id is None)
        or (f.activity is not None and activity_id is None)
    ):
        return [], False
    branch_on_activity = activity_id is not None and f.related_activities

    def rest(prefix: str) -> Q:
        """Conditions on the statement besides the branch's own (``prefix``: the join)."""
        condition = Q(**{f"{prefix}voided": False})
        if own_id is not None:
            condition &= Q(**{f"{prefix}authority_id": own_id})
        if verb_id is not None:
            condition &= Q(**{f"{prefix}verb_id": verb_id})
        if f.registration is not None:
            condition &= Q(**{f"{prefix}registration": f.registration})
        if activity_id is not None and not branch_on_activity:
            condition &= Q(**{f"{prefix}object_activity_id": activity_id})
        if agent_id is not None:
            links = StatementAgent.objects.filter(agent_id=agent_id)
            if not f.related_agents:
                links = links.filter(direct=True)
            agent_q = (
                Q(**{f"{prefix}actor_id": agent_id})
                | Q(**{f"{prefix}object_agent_id": agent_id})
                | Q(**{f"{prefix}pk__in": _statement_ids(links)})
            )
            if f.related_agents:
                agent_q |= Q(**{f"{prefix}authority_id": agent_id})
            condition &= agent_q
        return condition

    statement_time = _time(f, "stored", "pk")
    link_time = _time(f, "stored", "statement_id")
    order = ("stored", "pk") if f.ascending else ("-stored", "-pk")
    link_order = ("stored", "statement_id") if f.ascending else ("-stored", "-statement_id")
    limit = MAX_LIMIT if f.limit <= 0 else min(f.limit, MAX_LIMIT)
    branches: list[QuerySet[Any]] = []

    single: QuerySet[Statement] | None = None

    def on_statements(condition: Q) -> None:
        nonlocal single
        rows = Statement.objects.filter(condition, statement_time, rest(""))
        single = rows
        branches.append(rows.order_by(*order).values_list("stored", "pk"))

    def on_links(links: QuerySet[Any]) -> None:
        rows = links.filter(link_time, rest("statement__"))
        branches.append(rows.order_by(*link_order).values_list("stored", "statement_id"))

    if branch_on_activity:
        assert activity_id is not None
        on_statements(Q(object_activity_id=activity_id))
        on_links(StatementActivity.objects.filter(activity_id=activity_id))
    else:
        # Agent matches are few per agent: one OR query (index bitmaps) beats several round
        # trips. Activities named in many statements' context are what needed the branches.
        on_statements(Q())
    filtered = any(value is not None for value in (f.agent, f.verb, f.activity, f.registration))
    # Most stores hold few StatementRefs (a partial index answers whether there are any).
    if filtered and Statement.objects.filter(object_statement__isnull=False).exists():
        condition = _matching(f)
        references = _referencing(condition) if condition is not None else []
        if references:
            # Statements targeting a match by StatementRef match too, whatever else they say.
            rows = Statement.objects.filter(statement_time, pk__in=references, voided=False)
            if own_id is not None:
                rows = rows.filter(authority_id=own_id)
            branches.append(rows.order_by(*order).values_list("stored", "pk"))
    if single is not None and len(branches) == 1:
        # One query fetches the page itself: no second round trip by primary key.
        rows = single.order_by(*order).only("pk", "stored", "data", "has_attachments")
        page = list(rows[: limit + 1])
        return page[:limit], len(page) > limit
    found: set[tuple[dt.datetime, int]] = set()
    for branch in branches:
        found.update(branch[: limit + 1])
    keys = sorted(found, reverse=not f.ascending)[: limit + 1]
    by_pk = {
        row.pk: row
        for row in Statement.objects.filter(pk__in=[pk for _, pk in keys]).only(
            "pk", "stored", "data", "has_attachments"
        )
    }
    page = [by_pk[pk] for _, pk in keys]
    return page[:limit], len(page) > limit


def attachment_contents(statements: Iterable[dict[str, Any]]) -> list[tuple[str, str, bytes]]:
    """(sha2, content type, content) of every stored attachment the statements list."""
    wanted: list[str] = []
    for statement in statements:
        sub = statement.get("object") or {}
        for attachment in [*(statement.get("attachments") or []), *(sub.get("attachments") or [])]:
            # Each part once, whatever the case of the hex digits in the statements.
            if attachment["sha2"].lower() not in wanted:
                wanted.append(attachment["sha2"].lower())
    if not wanted:
        return []
    found = {row.sha2: row for row in AttachmentContent.objects.filter(sha2__in=wanted)}
    return [
        (sha2, found[sha2].content_type, bytes(found[sha2].content))
        for sha2 in wanted
        if sha2 in found
    ]


def canonical_definitions(
    statements: Iterable[dict[str, Any]],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Canonical activity definitions and verb displays for the IRIs the statements use."""
    activity_iris: set[str] = set()
    verb_iris: set[str] = set()

    def collect(node: dict[str, Any]) -> None:
        verb_iris.add(node["verb"]["id"])
        target = node.get("object") or {}
        kind = target.get("objectType", "Activity")
        if kind == "Activity":
            activity_iris.add(target["id"])
        elif kind == "SubStatement":
            collect(target)
        for entries in ((node.get("context") or {}).get("contextActivities") or {}).values():
            activity_iris.update(entry["id"] for entry in entries)

    for statement in statements:
        collect(statement)
    activities = dict(
        Activity.objects.filter(iri__in=activity_iris, definition__isnull=False).values_list(
            "iri", "definition"
        )
    )
    verbs = dict(
        Verb.objects.filter(iri__in=verb_iris, display__isnull=False).values_list("iri", "display")
    )
    return activities, verbs


def activity_definition(iri: str) -> dict[str, Any] | None:
    return Activity.objects.filter(iri=iri).values_list("definition", flat=True).first()


def agent_data(ifi: str) -> dict[str, Any] | None:
    return Agent.objects.filter(ifi=ifi).values_list("data", flat=True).first()


def document(scope: DocumentScope, registration: str, document_id: str) -> Document | None:
    return scope.documents().filter(registration=registration, document_id=document_id).first()


def document_ids(
    scope: DocumentScope, registration: str | None, since: dt.datetime | None
) -> tuple[list[str], dt.datetime | None]:
    rows = scope.documents()
    if registration is not None:
        rows = rows.filter(registration=registration)
    if since is not None:
        rows = rows.filter(updated__gt=since)
    found = list(rows.order_by("document_id").values_list("document_id", "updated"))
    ids = sorted({document_id for document_id, _ in found})
    latest = max((updated for _, updated in found), default=None)
    return ids, latest


# --- admin page -----------------------------------------------------------------------------


def recent_statements(*, verb: str = "", actor: str = "", limit: int = 50) -> list[dict[str, Any]]:
    rows = Statement.objects.order_by("-stored", "-pk")
    if verb:
        rows = rows.filter(verb__iri__icontains=verb)
    if actor:
        rows = rows.filter(actor__ifi__icontains=actor)
    out = []
    for row in rows.select_related("verb", "client").only(
        "statement_id", "stored", "voided", "data", "verb__iri", "client__name"
    )[:limit]:
        statement = orjson.loads(row.data)
        actor_data = statement.get("actor", {})
        out.append(
            {
                "id": row.statement_id,
                "stored": row.stored,
                "voided": row.voided,
                "actor": actor_data.get("name")
                or actor_data.get("mbox")
                or (actor_data.get("account") or {}).get("name", "group"),
                "verb": row.verb.iri,
                "object": (statement.get("object") or {}).get("id", ""),
                "client": row.client.name if row.client else "learnloop",
            }
        )
    return out


def counts_per_verb(limit: int = 30) -> list[dict[str, Any]]:
    return [
        dict(row)
        for row in Statement.objects.filter(voided=False)
        .values("verb__iri")
        .annotate(count=Count("id"))
        .order_by("-count", "verb__iri")[:limit]
    ]


def statement_total() -> int:
    return Statement.objects.count()
