"""The Learning Record Store's tables.

Statements keep their JSON as stored (``format=exact`` returns it unchanged) next to the
columns queries filter on. Agents, verbs and activities are interned once each (insert if
absent); statements point at them by integer key so the common filters are narrow index
scans. Everything an agent or activity filter with ``related_*=true`` may match that is not
a column of the statement lives in the two small link tables.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class LrsClient(models.Model):
    """Credentials an xAPI client signs in with (HTTP Basic: key and secret)."""

    class Access(models.TextChoices):
        READ_WRITE = "read_write", "Read and write"
        READ = "read", "Read only"
        WRITE = "write", "Write only"

    class Statements(models.TextChoices):
        ALL = "all", "All statements"
        OWN = "own", "Only statements it stored"

    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, unique=True)
    # scrypt$<salt hex>$<digest hex>; the secret itself is shown once and never stored.
    secret_hash = models.CharField(max_length=300)
    access = models.CharField(max_length=20, choices=Access.choices, default=Access.READ_WRITE)
    statements = models.CharField(max_length=10, choices=Statements.choices, default=Statements.ALL)
    organization = models.ForeignKey(
        "people.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_read(self) -> bool:
        return self.access in (self.Access.READ_WRITE, self.Access.READ)

    @property
    def can_write(self) -> bool:
        return self.access in (self.Access.READ_WRITE, self.Access.WRITE)


class Agent(models.Model):
    """An agent or identified group, interned by its inverse functional identifier."""

    ifi = models.TextField(unique=True)
    data = models.JSONField()

    def __str__(self) -> str:
        return self.ifi


class Verb(models.Model):
    iri = models.TextField(unique=True)
    display = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return self.iri


class Activity(models.Model):
    iri = models.TextField(unique=True)
    # The canonical definition: the languages and properties seen so far.
    definition = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.iri


def _reference(
    to: type[models.Model], *, null: bool = False, on_delete: Any = models.PROTECT
) -> models.ForeignKey[Any, Any]:
    """A statement's (or link row's) reference to an interned row or the client.

    Indexed only by the composite (key, stored) indexes of the tables, not on its own: every
    index costs ingest time. Nor is it a database constraint: the one write path interns what
    a statement points at in the same transaction, and nothing deletes agents, verbs,
    activities or statements behind the ORM, which still applies ``on_delete``. On PostgreSQL
    the constraint triggers cost more CPU than the inserts themselves (about 80 µs a statement
    of 220, docs/lrs.md), and took a share lock on the hot verb and authority rows in every
    concurrent writer.
    """
    return models.ForeignKey(
        to, null=null, on_delete=on_delete, related_name="+", db_index=False, db_constraint=False
    )


class Statement(models.Model):
    statement_id = models.UUIDField(unique=True)
    stored = models.DateTimeField()
    timestamp = models.DateTimeField()
    actor = _reference(Agent, null=True)
    verb = _reference(Verb)
    object_activity = _reference(Activity, null=True)
    object_agent = _reference(Agent, null=True)
    object_statement = models.UUIDField(null=True)
    authority = _reference(Agent, null=True)
    registration = models.UUIDField(null=True)
    voided = models.BooleanField(default=False)
    client = _reference(LrsClient, null=True, on_delete=models.SET_NULL)
    has_attachments = models.BooleanField(default=False)
    # The statement JSON exactly as returned by format=exact.
    data = models.TextField()

    class Meta:
        indexes = [
            models.Index(fields=["stored", "id"], name="xapi_stmt_stored"),
            models.Index(fields=["actor", "verb", "stored"], name="xapi_stmt_actor_verb"),
            models.Index(fields=["verb", "stored"], name="xapi_stmt_verb"),
            models.Index(fields=["object_activity", "stored"], name="xapi_stmt_activity"),
            # Partial where the column is often empty: no index work for those rows.
            models.Index(
                fields=["object_agent", "stored"],
                name="xapi_stmt_object_agent",
                condition=models.Q(object_agent__isnull=False),
            ),
            models.Index(
                fields=["registration", "stored"],
                name="xapi_stmt_registration",
                condition=models.Q(registration__isnull=False),
            ),
            # Also serves clients limited to their own statements (the authority names them).
            models.Index(fields=["authority", "stored"], name="xapi_stmt_authority"),
            models.Index(
                fields=["object_statement"],
                name="xapi_stmt_ref",
                condition=models.Q(object_statement__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return str(self.statement_id)


class StatementAgent(models.Model):
    """An agent a statement mentions beyond its actor, object and authority columns."""

    statement = _reference(Statement, on_delete=models.CASCADE)
    agent = _reference(Agent, on_delete=models.CASCADE)
    # True for members of the actor/object group, which the plain agent filter matches too.
    direct = models.BooleanField(default=False)
    # The statement's stored, copied: a query walks this index newest first and stops at its
    # limit instead of sorting every statement that mentions the agent. Null only before the
    # 0003 migration's backfill.
    stored = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["agent", "stored", "statement"], name="xapi_stmtagent_stored")
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}:{self.agent_id}"


class StatementActivity(models.Model):
    """An activity in a statement's context or sub-statement (``related_activities``)."""

    statement = _reference(Statement, on_delete=models.CASCADE)
    activity = _reference(Activity, on_delete=models.CASCADE)
    # The statement's stored, copied (see StatementAgent.stored).
    stored = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["activity", "stored", "statement"], name="xapi_stmtact_stored")
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}:{self.activity_id}"


class AttachmentContent(models.Model):
    """Raw attachment data, stored once per SHA-2 digest."""

    sha2 = models.CharField(max_length=128, unique=True)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.sha2


class Document(models.Model):
    """A State, Activity Profile or Agent Profile document."""

    class Kind(models.TextChoices):
        STATE = "state", "State"
        ACTIVITY_PROFILE = "activity_profile", "Activity profile"
        AGENT_PROFILE = "agent_profile", "Agent profile"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # SHA-256 of kind, activity and agent: one short key for the scope.
    scope = models.CharField(max_length=64)
    # "" when none (State documents may have one), so the unique constraint holds.
    registration = models.CharField(max_length=36, blank=True)
    document_id = models.TextField()
    activity_iri = models.TextField(blank=True)
    agent_ifi = models.TextField(blank=True)
    content = models.BinaryField()
    content_type = models.CharField(max_length=255)
    etag = models.CharField(max_length=40)
    updated = models.DateTimeField()
    # The client that created it: a client limited to its own statements reaches only these.
    client = models.ForeignKey(
        LrsClient, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "registration", "document_id"], name="xapi_document_unique"
            )
        ]
        indexes = [models.Index(fields=["scope", "updated"], name="xapi_document_scope")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.document_id}"
