"""Database locks for the actions that read a condition and then write (limits, uniqueness,
counters, positions, state transitions): concurrent requests queue on a lock, or lose a
unique constraint with the domain's clear error, instead of each acting on a stale read.

On SQLite every write transaction takes the database's write lock at BEGIN (IMMEDIATE, see
settings), which already serialises them: the row and advisory locks are PostgreSQL's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, connection, transaction
from django.db.models import Model


def lock[M: Model](instance: M) -> M:
    """Re-read ``instance`` under a row lock (SELECT … FOR UPDATE), held to the end of the
    transaction; its fields are refreshed in place, so the checks that follow see the state
    the write will change."""
    instance.refresh_from_db(from_queryset=type(instance)._default_manager.select_for_update())
    return instance


def advisory_lock(*key: object) -> None:
    """A transaction-scoped lock on a name, for a check on rows that may not exist yet (a
    "first one creates it" rule), where there is no row to lock."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(repr(key).encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)]
        )


def violates(error: IntegrityError, constraint: str) -> bool:
    """Whether ``error`` is the violation of the unique constraint named ``constraint``."""
    diag = getattr(error.__cause__, "diag", None)
    if diag is not None:  # psycopg names the constraint
        return getattr(diag, "constraint_name", None) == constraint
    return "UNIQUE constraint failed" in str(error)  # SQLite names only the columns


@contextmanager
def unique_or(constraint: str, error: Exception) -> Iterator[None]:
    """Run the block in a savepoint; if it violates ``constraint`` (a concurrent request
    created the same thing first), raise ``error``, the domain's refusal, instead of the
    IntegrityError that would be a 500."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if not violates(exc, constraint):
            raise
        raise error from exc
