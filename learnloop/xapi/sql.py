"""The few raw SQL statements of the ingest path, for SQLite and PostgreSQL.

Ingest runs these for every batch; the ORM's per-object work and, on PostgreSQL, parsing
queries with thousands of placeholders cost more than the database itself. PostgreSQL gets
one array parameter per column (``unnest``, ``= ANY``), SQLite multi-row VALUES.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import threading
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper

_SQLITE_ROWS = 500
_thread_lock = threading.Lock()


@contextlib.contextmanager
def sqlite_writer_turn() -> Iterator[None]:
    """On a SQLite file, queue LRS writers on an OS file lock before BEGIN IMMEDIATE.

    SQLite's busy handler polls with sleeps of up to 100 ms, so writers that find the database
    locked wait far longer than the lock is held; a blocking flock wakes the next writer as
    soon as the previous one is done. Outside SQLite files (or inside an open transaction,
    which already holds the write lock) this does nothing.
    """
    name = str(connection.settings_dict.get("NAME") or "")
    if (
        connection.vendor != "sqlite"
        or connection.in_atomic_block
        or not name
        or name.startswith(":memory:")
        or "mode=memory" in name
    ):
        yield
        return
    with _thread_lock, Path(f"{name}.xapi-lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


class Values:
    """Python values as the columns store them, decided once per batch (not per value)."""

    def __init__(self) -> None:
        self.native = is_postgresql()

    def uuid(self, value: uuid.UUID | None) -> Any:
        """Native on PostgreSQL; 32 hex digits on SQLite, as Django's UUIDField stores it."""
        if value is None or self.native:
            return value
        return value.hex

    def datetime(self, value: dt.datetime) -> Any:
        """Aware on PostgreSQL; naive UTC text on SQLite, as Django's DateTimeField stores it."""
        if self.native:
            return value
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


def where_in(column: str, values: Sequence[Any], pg_type: str) -> tuple[str, list[Any]]:
    if is_postgresql():
        return f"{column} = ANY(%s::{pg_type}[])", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def select_in(
    cursor: CursorWrapper, select: str, column: str, values: Sequence[Any], pg_type: str
) -> list[tuple[Any, ...]]:
    """``SELECT ... WHERE column IN values`` (``select`` holds everything before WHERE)."""
    found: list[tuple[Any, ...]] = []
    step = max(len(values), 1) if is_postgresql() else _SQLITE_ROWS
    for start in range(0, len(values), step):
        condition, params = where_in(column, values[start : start + step], pg_type)
        cursor.execute(f"{select} WHERE {condition}", params)
        found += cursor.fetchall()
    return found


def insert_many(
    cursor: CursorWrapper,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[Any]],
    suffix: str = "",
) -> list[tuple[Any, ...]]:
    """Insert rows of (name, PostgreSQL type) columns; returns what ``suffix`` RETURNs."""
    if not rows:
        return []
    names = ", ".join(name for name, _ in columns)
    returned: list[tuple[Any, ...]] = []
    if is_postgresql():
        arrays = ", ".join(f"%s::{pg_type}[]" for _, pg_type in columns)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) {suffix}",
            [list(column) for column in zip(*rows, strict=True)],
        )
        return cursor.fetchall() if "RETURNING" in suffix else []
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    for start in range(0, len(rows), _SQLITE_ROWS):
        chunk = rows[start : start + _SQLITE_ROWS]
        cursor.execute(
            f"INSERT INTO {table} ({names}) VALUES {', '.join([row] * len(chunk))} {suffix}",
            [value for values in chunk for value in values],
        )
        if "RETURNING" in suffix:
            returned += cursor.fetchall()
    return returned
