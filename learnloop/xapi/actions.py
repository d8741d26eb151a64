"""Every write of the LRS: storing statements, documents and client credentials.

Concurrency: agents, verbs and activities are interned with insert-if-absent in sorted key
order, table by table in one fixed order (agents, verbs, activities, attachments,
statements), so two writers never wait on each other in opposite orders. On SQLite the
transaction takes the write lock at BEGIN (IMMEDIATE, see settings), which serialises
writers outright.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from learnloop.audit import events
from learnloop.locking import advisory_lock, unique_or
from learnloop.xapi import sql
from learnloop.xapi.engine import documents as doc_engine
from learnloop.xapi.engine import jws
from learnloop.xapi.engine.errors import Conflict, Forbidden, ValidationError
from learnloop.xapi.engine.formats import format_timestamp
from learnloop.xapi.engine.statements import (
    SIGNATURE_USAGE,
    VOIDED,
    Prepared,
    agent_key,
    collect,
    finalize,
    merge_definition,
    merge_language_map,
    same_statement,
)
from learnloop.xapi.models import (
    Activity,
    AttachmentContent,
    Document,
    LrsClient,
    Statement,
    Verb,
)


@dataclass(frozen=True)
class AttachmentData:
    content_type: str
    content: bytes


def lrs_home() -> str:
    return f"{settings.BASE_URL}/xapi/"


def client_authority(client: LrsClient) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": lrs_home(), "name": client.key},
    }


def system_agent(label: str = "learnloop") -> dict[str, Any]:
    """The LRS itself: the authority of what learnloop records, and the actor of system work."""
    return {
        "objectType": "Agent",
        "name": label,
        "account": {"homePage": lrs_home(), "name": "learnloop"},
    }


# --- client credentials -------------------------------------------------------------------

_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def hash_secret(secret: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def secret_matches(secret: str, stored: str) -> bool:
    try:
        scheme, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(secret.encode(), salt=bytes.fromhex(salt), **_SCRYPT)
    return hmac.compare_digest(candidate.hex(), digest)


@transaction.atomic
def create_client(
    *,
    name: str,
    key: str | None = None,
    secret: str | None = None,
    access: str = LrsClient.Access.READ_WRITE,
    statements: str = LrsClient.Statements.ALL,
    organization: Any = None,
    actor: Any = None,
    actor_label: str | None = None,
) -> tuple[LrsClient, str]:
    """A new client; returns it with its secret, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError("name", "is required")
    key = (key or secrets.token_urlsafe(12)).strip()
    if not key or ":" in key:
        raise ValidationError("key", "must be non-empty and contain no colon")
    secret = secret or secrets.token_urlsafe(24)
    if len(secret) < 8:
        raise ValidationError("secret", "must be at least 8 characters long")
    if access not in LrsClient.Access.values:
        raise ValidationError("access", f"must be one of {', '.join(LrsClient.Access.values)}")
    if statements not in LrsClient.Statements.values:
        raise ValidationError(
            "statements", f"must be one of {', '.join(LrsClient.Statements.values)}"
        )
    taken = ValidationError("key", f"a client with key {key!r} already exists")
    if LrsClient.objects.filter(key=key).exists():
        raise taken
    with unique_or("xapi_lrsclient_key_key", taken):  # the same key created concurrently
        client = LrsClient.objects.create(
            name=name,
            key=key,
            secret_hash=hash_secret(secret),
            access=access,
            statements=statements,
            organization=organization,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    events.record(
        "xapi.client_created",
        actor=actor,
        actor_label=actor_label,
        target=client,
        data={"key": key, "access": access, "statements": statements},
    )
    return client, secret


@transaction.atomic
def revoke_client(client: LrsClient, *, actor: Any = None, actor_label: str | None = None) -> None:
    if client.revoked_at is not None:
        return
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    events.record("xapi.client_revoked", actor=actor, actor_label=actor_label, target=client)


# --- statements ---------------------------------------------------------------------------


def _json_value(text: str | None) -> Any:
    return None if text is None else orjson.loads(text)


def _json_text(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


def _intern(
    table: str, field: str, extra: str, values: Mapping[str, Any], *, read_extra: bool = True
) -> dict[str, tuple[int, Any]]:
    """Insert-if-absent in sorted key order; returns key -> (id, stored extra value).

    The stored value is read (as text, parsed with orjson rather than the driver's json
    module) only with ``read_extra``, and is None otherwise: agents are never updated, so
    theirs is not needed.
    """
    keys = sorted(values)
    found: dict[str, tuple[int, Any]] = {}
    select = (
        f"SELECT {field}, id, {f'CAST({extra} AS TEXT)' if read_extra else 'NULL'} FROM {table}"
    )
    with sql.cursor() as cursor:
        for key, pk, value in sql.select_in(cursor, select, field, keys, "text"):
            found[key] = (pk, _json_value(value))
        missing = [key for key in keys if key not in found]
        inserted = sql.insert_many(
            cursor,
            table,
            [(field, "text"), (extra, "jsonb")],
            [(key, _json_text(values[key])) for key in missing],
            f"ON CONFLICT DO NOTHING RETURNING {field}, id",
        )
        for key, pk in inserted:
            # Marked fresh: our own insert carried the incoming value already.
            found[key] = (pk, _FRESH)
        # Rows another writer inserted between our select and our insert.
        late = [key for key in missing if key not in found]
        for key, pk, value in sql.select_in(cursor, select, field, late, "text"):
            found[key] = (pk, _json_value(value))
    return found


_FRESH = object()
# PostgreSQL deadlock_detected and serialization_failure.
_RETRYABLE_SQLSTATES = ("40P01", "40001")
_STATEMENT_COLUMNS = (
    ("statement_id", "uuid"),
    ("stored", "timestamptz"),
    ("timestamp", "timestamptz"),
    ("actor_id", "bigint"),
    ("verb_id", "bigint"),
    ("object_activity_id", "bigint"),
    ("object_agent_id", "bigint"),
    ("object_statement", "uuid"),
    ("authority_id", "bigint"),
    ("registration", "uuid"),
    ("voided", "boolean"),
    ("client_id", "bigint"),
    ("has_attachments", "boolean"),
    ("data", "text"),
)


def _refresh_definitions(
    model: type[Verb] | type[Activity],
    field: str,
    incoming: Mapping[str, Any],
    interned: Mapping[str, tuple[int, Any]],
) -> None:
    """Update canonical verb displays / activity definitions, in sorted key order."""
    for key in sorted(incoming):
        new = incoming[key]
        if not new:
            continue
        pk, current = interned[key]
        if current is _FRESH:
            continue
        merged = (merge_language_map if model is Verb else merge_definition)(current, new)
        if merged != current:
            model._default_manager.filter(pk=pk).update(**{field: merged})


def check_attachments(
    prepared: Sequence[Prepared],
    parts: Mapping[str, AttachmentData] | None,
) -> dict[str, AttachmentData]:
    """Match attachment objects with the received parts; verify signatures.

    ``parts`` is None for an application/json request: then every attachment needs a fileUrl.
    Returns the parts to store by SHA-2.
    """
    used: dict[str, AttachmentData] = {}
    for index, item in enumerate(prepared):
        sub = item.statement["object"] if item.object_kind == "SubStatement" else {}
        listed = [*item.attachments, *(sub.get("attachments") or [])]
        for position, attachment in enumerate(listed):
            where = (
                f"[{index}].attachments[{position}]"
                if len(prepared) > 1
                else (f"attachments[{position}]")
            )
            sha2 = attachment["sha2"].lower()
            if parts is None or sha2 not in parts:
                if "fileUrl" not in attachment:
                    raise ValidationError(
                        where,
                        "has no fileUrl and no multipart/mixed part with a matching "
                        "X-Experience-API-Hash",
                    )
                continue
            used[sha2] = parts[sha2]
            if attachment["usageType"] == SIGNATURE_USAGE:
                jws.verify(parts[sha2].content, item.statement)
    if parts is not None:
        for sha2 in parts:
            if sha2 not in used:
                raise ValidationError(
                    "multipart", f"the part with hash {sha2} matches no attachment"
                )
    return used


def store_statements(
    prepared: Sequence[Prepared],
    *,
    authority: dict[str, Any],
    version: str,
    client: LrsClient | None = None,
    attachments: Mapping[str, AttachmentData] | None = None,
    stored: dt.datetime | None = None,
) -> list[uuid.UUID]:
    """Store a validated batch all-or-nothing; returns the statement ids in batch order.

    A statement whose id is already stored is left untouched when it is the same statement
    and refused with 409 when it differs.
    """
    for attempt in range(3):
        try:
            sql.atomic_write(
                lambda: _store(prepared, authority, version, client, attachments or {}, stored)
            )
            break
        except (IntegrityError, OperationalError) as exc:
            # Another writer stored one of these ids between our check and our insert (or,
            # on PostgreSQL, two batches sharing new statement ids deadlocked): retry, and the
            # comparison path decides between no-op and 409.
            retryable = isinstance(exc, IntegrityError) or (
                getattr(exc.__cause__, "sqlstate", None) in _RETRYABLE_SQLSTATES
            )
            if attempt == 2 or not retryable:
                raise
    return [item.id for item in prepared]


def _store(
    prepared: Sequence[Prepared],
    authority: dict[str, Any],
    version: str,
    client: LrsClient | None,
    attachments: Mapping[str, AttachmentData],
    stored: dt.datetime | None,
) -> None:
    ids = [item.id for item in prepared]
    values = sql.Values()
    existing: dict[uuid.UUID, str] = {}
    with sql.cursor() as cursor:
        select = "SELECT statement_id, data FROM xapi_statement"
        ids_db = [values.uuid(i) for i in ids]
        for found, data in sql.select_in(cursor, select, "statement_id", ids_db, "uuid"):
            existing[found if isinstance(found, uuid.UUID) else uuid.UUID(found)] = data
    fresh: list[Prepared] = []
    for index, item in enumerate(prepared):
        if item.id in existing:
            if not same_statement(
                item.statement,
                orjson.loads(existing[item.id]),
                compare_timestamp=item.timestamp_given,
            ):
                where = f"[{index}]" if len(prepared) > 1 else "statement"
                raise Conflict(
                    f"{where}: a different statement with id {item.id} is already stored"
                )
            continue
        fresh.append(item)
    if not fresh:
        return

    void_targets = {item.voids for item in fresh if item.voids is not None}
    if void_targets:
        voiding_targets = set(
            Statement.objects.filter(
                statement_id__in=list(void_targets), verb__iri=VOIDED
            ).values_list("statement_id", flat=True)
        )
        voiding_targets |= {item.id for item in fresh if item.verb_id == VOIDED} & void_targets
        if voiding_targets:
            raise ValidationError(
                "object.id", "a voiding statement cannot be voided (it targets a voiding statement)"
            )

    authority_key = agent_key(authority)
    assert authority_key is not None
    agents: dict[str, Any] = {authority_key: authority}
    # The voiding verb is always interned, so the late-voiding check below needs no lookup.
    verbs: dict[str, Any] = {VOIDED: None}
    activities: dict[str, Any] = {}
    for item in fresh:
        agents.update(item.agents)
        for iri, display in item.verbs.items():
            collect(verbs, iri, display, merge_language_map)
        for iri, definition in item.activities.items():
            collect(activities, iri, definition, merge_definition)
    agent_ids = _intern("xapi_agent", "ifi", "data", agents, read_extra=False)
    verb_ids = _intern("xapi_verb", "iri", "display", verbs)
    _refresh_definitions(Verb, "display", verbs, verb_ids)
    activity_ids = _intern("xapi_activity", "iri", "definition", activities)
    _refresh_definitions(Activity, "definition", activities, activity_ids)

    for sha2 in sorted(attachments):
        AttachmentContent.objects.get_or_create(
            sha2=sha2,
            defaults={
                "content_type": attachments[sha2].content_type,
                "content": attachments[sha2].content,
            },
        )

    now = stored or timezone.now()
    stored_db = values.datetime(now)
    stored_text = format_timestamp(now)
    authority_id = agent_ids[authority_key][0]
    client_id = client.pk if client is not None else None
    rows: list[list[Any]] = []
    for item in fresh:
        statement = finalize(
            item, stored=now, stored_text=stored_text, authority=authority, version=version
        )
        assert item.timestamp is not None
        sub_attachments = item.object_kind == "SubStatement" and statement["object"].get(
            "attachments"
        )
        rows.append(
            [
                values.uuid(item.id),
                stored_db,
                values.datetime(item.timestamp),
                agent_ids[item.actor_key][0] if item.actor_key else None,
                verb_ids[item.verb_id][0],
                activity_ids[item.object_activity][0] if item.object_activity else None,
                agent_ids[item.object_agent_key][0] if item.object_agent_key else None,
                values.uuid(item.object_ref),
                authority_id,
                values.uuid(item.registration),
                False,
                client_id,
                bool(statement.get("attachments") or sub_attachments),
                orjson.dumps(statement).decode(),
            ]
        )
    with sql.cursor() as cursor:
        pks = [
            pk
            for (pk,) in sql.insert_many(
                cursor, "xapi_statement", _STATEMENT_COLUMNS, rows, "RETURNING id"
            )
        ]
        agent_links: list[tuple[int, int, bool, Any]] = []
        activity_links: list[tuple[int, int, Any]] = []
        for item, pk in zip(fresh, pks, strict=True):
            agent_links += [(pk, agent_ids[key][0], True, stored_db) for key in item.direct_agents]
            agent_links += [
                (pk, agent_ids[key][0], False, stored_db)
                for key in item.related_agents - item.direct_agents
            ]
            activity_links += [
                (pk, activity_ids[iri][0], stored_db) for iri in item.related_activities
            ]
        sql.insert_many(
            cursor,
            "xapi_statementagent",
            [
                ("statement_id", "bigint"),
                ("agent_id", "bigint"),
                ("direct", "boolean"),
                ("stored", "timestamptz"),
            ],
            agent_links,
        )
        sql.insert_many(
            cursor,
            "xapi_statementactivity",
            [("statement_id", "bigint"), ("activity_id", "bigint"), ("stored", "timestamptz")],
            activity_links,
        )

    if void_targets:
        Statement.objects.filter(statement_id__in=list(void_targets)).exclude(
            verb__iri=VOIDED
        ).update(voided=True)
    # A voiding statement may have arrived before the statement it voids.
    voided_verb = verb_ids[VOIDED][0]
    with sql.cursor() as cursor:
        late = [
            ref
            for ref, verb in sql.select_in(
                cursor,
                "SELECT object_statement, verb_id FROM xapi_statement",
                "object_statement",
                [values.uuid(item.id) for item in fresh if item.verb_id != VOIDED],
                "uuid",
            )
            if verb == voided_verb
        ]
    if late:
        Statement.objects.filter(statement_id__in=[uuid.UUID(str(ref)) for ref in late]).update(
            voided=True
        )


# --- documents ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentScope:
    kind: str
    activity_iri: str = ""
    agent_ifi: str = ""
    # The client whose own documents are all this scope reaches (one limited to its own
    # statements), or None for a client that reaches every document. Not part of the key: a
    # document has one address whoever wrote it.
    owner: int | None = None

    @property
    def key(self) -> str:
        raw = f"{self.kind}\x00{self.activity_iri}\x00{self.agent_ifi}"
        return hashlib.sha256(raw.encode()).hexdigest()

    def documents(self) -> QuerySet[Document]:
        """The scope's documents this client reaches."""
        documents = Document.objects.filter(scope=self.key)
        return documents if self.owner is None else documents.filter(client_id=self.owner)

    def check_owner(self, document: Document | None) -> None:
        if document is not None and self.owner is not None and document.client_id != self.owner:
            raise Forbidden(
                "another client wrote this document; these credentials reach only the "
                "documents they wrote"
            )


def _lock_document(scope: DocumentScope, registration: str, document_id: str) -> Document | None:
    # The row lock covers a document that exists; the advisory lock, one not created yet (two
    # first writes would both see none, and the second fail on xapi_document_unique).
    advisory_lock("xapi.document", scope.key, registration, document_id)
    return (
        Document.objects.select_for_update()
        .filter(scope=scope.key, registration=registration, document_id=document_id)
        .first()
    )


@transaction.atomic
def put_document(
    scope: DocumentScope,
    registration: str,
    document_id: str,
    content: bytes,
    content_type: str,
    *,
    merge: bool,
    if_match: str | None,
    if_none_match: str | None,
    require_header_for_existing: bool,
    require_header_for_new: bool = False,
    writer: LrsClient | None = None,
) -> None:
    """PUT (replace) or POST (JSON merge) a document under the ETag preconditions."""
    current = _lock_document(scope, registration, document_id)
    scope.check_owner(current)
    doc_engine.check_preconditions(
        current.etag if current else None,
        if_match=if_match,
        if_none_match=if_none_match,
        require_header_for_existing=require_header_for_existing and not merge,
        require_header_for_new=require_header_for_new and not merge,
    )
    if doc_engine.is_json(content_type):
        try:
            parsed = orjson.loads(content)
        except orjson.JSONDecodeError:
            raise ValidationError(
                "body", "is not valid JSON (Content-Type: application/json)"
            ) from None
        if merge and not isinstance(parsed, dict):
            raise ValidationError("body", "must be a JSON object to be merged")
    if merge and current is not None:
        content = doc_engine.merge(
            bytes(current.content), current.content_type, content, content_type
        )
        content_type = "application/json"
    now = timezone.now()
    if current is None:
        Document.objects.create(
            kind=scope.kind,
            scope=scope.key,
            registration=registration,
            document_id=document_id,
            activity_iri=scope.activity_iri,
            agent_ifi=scope.agent_ifi,
            content=content,
            content_type=content_type,
            etag=doc_engine.etag(content),
            updated=now,
            client=writer,
        )
    else:
        current.content = content
        current.content_type = content_type
        current.etag = doc_engine.etag(content)
        current.updated = now
        current.save(update_fields=["content", "content_type", "etag", "updated"])


@transaction.atomic
def delete_documents(
    scope: DocumentScope,
    registration: str | None,
    document_id: str | None,
    *,
    if_match: str | None,
    if_none_match: str | None,
) -> None:
    """Delete one document (under preconditions), or every document of the scope."""
    if document_id is not None:
        current = _lock_document(scope, registration or "", document_id)
        scope.check_owner(current)
        doc_engine.check_preconditions(
            current.etag if current else None,
            if_match=if_match,
            if_none_match=if_none_match,
            require_header_for_existing=False,
        )
        if current is not None:
            current.delete()
        return
    documents = scope.documents()
    if registration is not None:
        documents = documents.filter(registration=registration)
    documents.delete()
