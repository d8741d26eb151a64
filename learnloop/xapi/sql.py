"""The few raw SQL statements of the ingest path, for SQLite and PostgreSQL.

Ingest runs these for every batch; the ORM's per-object work and, on PostgreSQL, parsing
queries with thousands of placeholders cost more than the database itself. PostgreSQL gets
one array parameter per column (``unnest``, ``= ANY``), sent in binary with server-side
binding (Django's default client-side binding quotes every array element in Python, which
cost more than the whole insert), SQLite multi-row VALUES.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.db import connection, transaction

_SQLITE_ROWS = 500
_thread_lock = threading.Lock()


# Read the database file through memory mapping: each request opens a fresh SQLite connection
# (CONN_MAX_AGE 0) whose page cache starts empty, and reading every index page an insert
# touches with a system call cost more than the insert. Writes still go through the WAL.
_SQLITE_MMAP_BYTES = 1 << 30


def sqlite_file() -> bool:
    """Whether this thread's connection is to a SQLite file, outside any transaction."""
    name = str(connection.settings_dict.get("NAME") or "")
    return (
        connection.vendor == "sqlite"
        and not connection.in_atomic_block
        and bool(name)
        and not name.startswith(":memory:")
        and "mode=memory" not in name
    )


@contextlib.contextmanager
def sqlite_writer_turn() -> Iterator[None]:
    """On a SQLite file, queue LRS writers on an OS file lock before BEGIN IMMEDIATE.

    SQLite's busy handler polls with sleeps of up to 100 ms, so writers that find the database
    locked wait far longer than the lock is held; a blocking flock wakes the next writer as
    soon as the previous one is done. Outside SQLite files (or inside an open transaction,
    which already holds the write lock) this does nothing.
    """
    if not sqlite_file():
        yield
        return
    name = str(connection.settings_dict["NAME"])
    with _thread_lock, Path(f"{name}.xapi-lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            with connection.cursor() as django_cursor:
                django_cursor.execute(f"PRAGMA mmap_size={_SQLITE_MMAP_BYTES}")
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class _Write:
    __slots__ = ("done", "error", "lead", "work")

    def __init__(self, work: Callable[[], None]) -> None:
        self.work = work
        self.done = threading.Event()
        self.error: BaseException | None = None
        self.lead = False


_queued: list[_Write] = []
_leading = False
_queue_lock = threading.Lock()


def atomic_write(work: Callable[[], None]) -> None:
    """Run ``work`` all-or-nothing and return once it is committed (durable); raise its error.

    On a SQLite file, group commit: the writes that threads of this process queue while one
    of them waits for, or holds, the write lock are run by that thread in one transaction,
    each in its own savepoint (a failing write rolls back alone and its caller gets the
    error), with one COMMIT, so one fsync of the WAL, for all of them. SQLite commits one
    transaction at a time, and with synchronous=FULL the fsync per commit, not the inserts,
    bounded ingest. Elsewhere (PostgreSQL, which groups concurrent commits itself, or inside
    an open transaction) ``work`` simply runs in ``transaction.atomic()``.
    """
    global _leading
    if not sqlite_file():
        with transaction.atomic():
            work()
        return
    write = _Write(work)
    with _queue_lock:
        _queued.append(write)
        if not _leading:
            _leading = write.lead = True
    if not write.lead:
        write.done.wait()
    if write.lead:
        _lead(write)
    if write.error is not None:
        raise write.error


def _lead(me: _Write) -> None:
    """Run every queued write (``me``'s included) in one transaction; hand over the lead."""
    global _leading
    taken: list[_Write] = []
    committed = False
    try:
        with sqlite_writer_turn():
            with _queue_lock:
                taken = list(_queued)
                _queued.clear()
            try:
                with transaction.atomic():
                    for write in taken:
                        try:
                            with transaction.atomic():
                                write.work()
                        except Exception as exc:  # the caller of that write re-raises it
                            write.error = exc
                committed = True  # the block exited normally: COMMIT returned
            except Exception as exc:  # BEGIN or COMMIT failed: nothing was written
                committed = False
                for write in taken:
                    write.error = write.error or exc
    except Exception as exc:  # the write turn could not be taken
        with _queue_lock:
            if me in _queued:
                _queued.remove(me)
        me.error = exc
    finally:
        if not committed:
            # Interrupted (even by a BaseException): no write of the group may report success.
            for write in taken:
                write.error = write.error or RuntimeError("the write was not committed")
        with _queue_lock:
            following = _queued[0] if _queued else None
            if following is not None:
                following.lead = True
            else:
                _leading = False
        for write in taken:
            if write is not me:
                write.done.set()
        if following is not None:
            following.done.set()


@contextlib.contextmanager
def cursor() -> Iterator[Any]:
    """A cursor of the driver itself on Django's connection, in the current transaction.

    Database errors still surface as Django's (IntegrityError, OperationalError) with the
    driver's error as ``__cause__``. On PostgreSQL parameters are bound server-side (and
    repeated statements prepared once per connection); on SQLite this skips Django's rewriting
    of every query's placeholders (a regular expression, about 4 µs per statement stored).
    """
    connection.ensure_connection()
    with connection.wrap_database_errors:
        if is_postgresql():
            import psycopg

            with psycopg.Cursor(connection.connection) as raw:
                yield raw
        else:
            raw = connection.connection.cursor()
            try:
                yield raw
            finally:
                raw.close()


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
        return f"{column} = ANY(%b::{pg_type}[])", [list(values)]
    return f"{column} IN ({', '.join(['?'] * len(values))})", list(values)


def select_in(
    cursor: Any, select: str, column: str, values: Sequence[Any], pg_type: str
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
    cursor: Any,
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
        arrays = ", ".join(f"%b::{pg_type}[]" for _, pg_type in columns)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) {suffix}",
            [list(column) for column in zip(*rows, strict=True)],
        )
        return cursor.fetchall() if "RETURNING" in suffix else []
    row = "(" + ", ".join(["?"] * len(columns)) + ")"
    for start in range(0, len(rows), _SQLITE_ROWS):
        chunk = rows[start : start + _SQLITE_ROWS]
        cursor.execute(
            f"INSERT INTO {table} ({names}) VALUES {', '.join([row] * len(chunk))} {suffix}",
            [value for values in chunk for value in values],
        )
        if "RETURNING" in suffix:
            returned += cursor.fetchall()
    return returned
