"""The fact store: compact Parquet files in one directory, merged and read with DuckDB.

Facts are *mergeable*: each refresh turns the statements stored since the watermark into a
delta of the same shape, and the merge folds old rows and delta together with associative
aggregates (min, max, sum, latest-by-time), so the result is the same whether the statements
arrived in one refresh or in many. A registration touched by a voiding statement is dropped
from the facts and rebuilt from all of its remaining statements.

Files are replaced atomically (write to a temporary name, then rename), and the manifest (the
watermark) is written last: a crash leaves the previous consistent state.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

# Each table: (columns with DuckDB types, key columns, merge expressions for the others).
SCHEMAS: dict[str, list[tuple[str, str]]] = {
    "enrollments": [
        ("registration", "VARCHAR"),
        ("employee_id", "BIGINT"),
        ("item", "VARCHAR"),
        ("item_type", "VARCHAR"),
        ("item_name", "VARCHAR"),
        ("source", "VARCHAR"),
        ("enrolled_at", "TIMESTAMP"),
        ("started_at", "TIMESTAMP"),
        ("completed_at", "TIMESTAMP"),
        ("last_at", "TIMESTAMP"),
        ("duration_s", "DOUBLE"),
        ("due_date", "DATE"),
        ("cost", "DOUBLE"),
        ("skills", "VARCHAR"),  # space-separated skill URIs
        ("passed", "INTEGER"),
        ("failed", "INTEGER"),
        ("rating_sum", "DOUBLE"),
        ("rating_n", "INTEGER"),
        ("events", "INTEGER"),
    ],
    "activity": [
        ("employee_id", "BIGINT"),
        ("day", "DATE"),
        ("events", "INTEGER"),
        ("seconds", "DOUBLE"),
    ],
    "pairs": [
        ("registration", "VARCHAR"),
        ("mentee_id", "BIGINT"),
        ("mentor_id", "BIGINT"),
        ("program", "VARCHAR"),
        ("started_at", "TIMESTAMP"),
        ("completed_at", "TIMESTAMP"),
        ("progress", "DOUBLE"),
        ("progress_at", "TIMESTAMP"),
    ],
    "sessions": [
        ("registration", "VARCHAR"),
        ("day", "DATE"),
        ("sessions", "INTEGER"),
        ("seconds", "DOUBLE"),
    ],
}
KEYS = {
    "enrollments": ["registration"],
    "activity": ["employee_id", "day"],
    "pairs": ["registration"],
    "sessions": ["registration", "day"],
}
MERGE = {
    "enrollments": """
        max(employee_id) AS employee_id, any_value(item) AS item, any_value(item_type) AS item_type,
        any_value(item_name) AS item_name, any_value(source) AS source,
        min(enrolled_at) AS enrolled_at, min(started_at) AS started_at,
        min(completed_at) AS completed_at, max(last_at) AS last_at,
        sum(duration_s) AS duration_s, max(due_date) AS due_date, max(cost) AS cost,
        max(skills) AS skills, sum(passed)::INTEGER AS passed, sum(failed)::INTEGER AS failed,
        sum(rating_sum) AS rating_sum, sum(rating_n)::INTEGER AS rating_n,
        sum(events)::INTEGER AS events""",
    "activity": "sum(events)::INTEGER AS events, sum(seconds) AS seconds",
    "pairs": """
        max(mentee_id) AS mentee_id, max(mentor_id) AS mentor_id, any_value(program) AS program,
        min(started_at) AS started_at, min(completed_at) AS completed_at,
        arg_max(progress, progress_at) AS progress, max(progress_at) AS progress_at""",
    "sessions": "sum(sessions)::INTEGER AS sessions, sum(seconds) AS seconds",
}
# Dimension tables, replaced whole on each refresh (they come from small domain tables).
DIMENSIONS: dict[str, list[tuple[str, str]]] = {
    "employees": [
        ("id", "BIGINT"),
        ("organization_id", "BIGINT"),
        ("department_id", "BIGINT"),
        ("department_path", "VARCHAR"),
        ("job_role_id", "BIGINT"),
        ("location_id", "BIGINT"),
        ("manager_path", "VARCHAR"),
        ("hire_date", "DATE"),
        ("leave_date", "DATE"),
    ],
    "readiness": [("employee_id", "BIGINT"), ("month_end", "DATE"), ("readiness", "DOUBLE")],
    # Activity rolled up per ISO week and per month: what the dashboards read (a fraction of
    # the person-day rows).
    "activity_weeks": [
        ("employee_id", "BIGINT"),
        ("week", "DATE"),
        ("events", "INTEGER"),
        ("seconds", "DOUBLE"),
    ],
    "activity_months": [
        ("employee_id", "BIGINT"),
        ("month", "DATE"),
        ("events", "INTEGER"),
        ("seconds", "DOUBLE"),
    ],
    "gains": [("employee_id", "BIGINT"), ("day", "DATE"), ("levels", "DOUBLE")],
    "proficiency": [
        ("employee_id", "BIGINT"),
        ("registration", "VARCHAR"),
        ("skill", "VARCHAR"),
        ("started_at", "TIMESTAMP"),
        ("reached_on", "DATE"),
    ],
    "feedback": [
        ("employee_id", "BIGINT"),
        ("month", "DATE"),
        ("given", "INTEGER"),
        ("received", "INTEGER"),
        ("requested", "INTEGER"),
    ],
    "checkins": [
        ("report_id", "BIGINT"),
        ("manager_id", "BIGINT"),
        ("month", "DATE"),
        ("held", "INTEGER"),
        ("scheduled", "INTEGER"),
    ],
}
ALL_TABLES = {**SCHEMAS, **DIMENSIONS}


class Delta:
    """Rows to fold into the facts. Rows are collected column by column and flushed, a batch
    at a time, into an in-memory DuckDB table per fact, so a refresh of millions of
    statements holds one batch in Python at most."""

    def __init__(self) -> None:
        self.columns: dict[str, dict[str, list[Any]]] = {
            t: {c: [] for c, _ in cols} for t, cols in SCHEMAS.items()
        }
        self.con = duckdb.connect(config={"threads": 2})
        for table, schema in SCHEMAS.items():
            columns = ", ".join(f"{name} {kind}" for name, kind in schema)
            self.con.execute(f"CREATE TABLE delta_{table} ({columns})")
        self.flushed = dict.fromkeys(SCHEMAS, 0)

    def add(self, table: str, **values: Any) -> None:
        for name, column in self.columns[table].items():
            column.append(values.get(name))

    def extend(self, table: str, values: Mapping[str, Sequence[Any]]) -> None:
        size = len(next(iter(values.values())))
        for name, column in self.columns[table].items():
            given = values.get(name)
            column.extend(given if given is not None else [None] * size)

    def pending(self, table: str) -> int:
        return len(next(iter(self.columns[table].values())))

    def size(self, table: str) -> int:
        return self.flushed[table] + self.pending(table)

    def flush(self) -> None:
        for table, schema in SCHEMAS.items():
            count = self.pending(table)
            if not count:
                continue
            self.con.register("chunk", _frame(self.columns[table]))
            self.con.execute(f"INSERT INTO delta_{table} {_select_typed(schema, 'chunk')}")
            self.con.unregister("chunk")
            self.flushed[table] += count
            for column in self.columns[table].values():
                column.clear()

    def close(self) -> None:
        self.con.close()


def _frame(columns: dict[str, list[Any]]) -> dict[str, np.ndarray]:
    return {name: np.array(values, dtype=object) for name, values in columns.items()}


def _select_typed(schema: list[tuple[str, str]], source: str) -> str:
    casts = ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind in schema)
    return f"SELECT {casts} FROM {source}"


def _empty(schema: list[tuple[str, str]]) -> str:
    casts = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in schema)
    return f"SELECT {casts} WHERE false"


class Store:
    """One directory of Parquet facts plus ``manifest.json`` (the watermark and version)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path(self, table: str) -> Path:
        return self.directory / f"{table}.parquet"

    # -- manifest ---------------------------------------------------------------------------

    def manifest(self) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads((self.directory / "manifest.json").read_text())
        except (FileNotFoundError, ValueError):
            return {}
        return data

    def write_manifest(self, data: dict[str, Any]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        temporary = self.directory / "manifest.json.tmp"
        temporary.write_text(json.dumps(data, sort_keys=True))
        os.replace(temporary, self.directory / "manifest.json")

    def reset(self) -> None:
        for table in ALL_TABLES:
            self.path(table).unlink(missing_ok=True)
        (self.directory / "manifest.json").unlink(missing_ok=True)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """One refresh at a time per directory (a second one waits)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- reading ----------------------------------------------------------------------------

    def source(self, table: str) -> str:
        """A FROM clause for the table: its Parquet file, or an empty typed relation."""
        path = self.path(table)
        if path.exists():
            return f"read_parquet('{path.as_posix()}')"
        return f"({_empty(ALL_TABLES[table])})"

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with one view per table."""
        con = duckdb.connect(config={"threads": 2, "enable_external_access": True})
        for table in ALL_TABLES:
            # ``f_<table>`` always names the whole table; ``<table>`` may be shadowed by a
            # temporary table of a cohort's rows (see kpis._cohort_table).
            con.execute(f"CREATE VIEW f_{table} AS SELECT * FROM {self.source(table)}")
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM f_{table}")
        return con

    # -- writing ----------------------------------------------------------------------------

    def write(self, con: duckdb.DuckDBPyConnection, table: str, query: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        temporary = self.directory / f"{table}.parquet.tmp"
        con.execute(
            f"COPY ({query}) TO '{temporary.as_posix()}' (FORMAT parquet, COMPRESSION zstd)"
        )
        os.replace(temporary, self.path(table))

    def merge(self, delta: Delta, drop_registrations: set[str] | None = None) -> dict[str, int]:
        """Fold the delta into the facts; rows of ``drop_registrations`` are removed first (the
        delta then carries their rebuilt rows). Returns the row count of each table."""
        drop = sorted(drop_registrations or ())
        delta.flush()
        con = delta.con
        con.execute("CREATE OR REPLACE TEMP TABLE dropped (registration VARCHAR)")
        if drop:
            con.register("frame", {"registration": np.array(drop, dtype=object)})
            con.execute("INSERT INTO dropped SELECT registration FROM frame")
            con.unregister("frame")
        for table, schema in SCHEMAS.items():
            has_registration = "registration" in dict(schema)
            if delta.size(table) == 0 and not (drop and has_registration):
                continue
            old = self.source(table)
            keep = (
                "WHERE registration NOT IN (SELECT registration FROM dropped)"
                if has_registration
                else ""
            )
            keys = ", ".join(KEYS[table])
            names = ", ".join(name for name, _ in schema)
            query = f"""
                SELECT {keys}, {MERGE[table]} FROM (
                    SELECT {names} FROM {old} {keep}
                    UNION ALL SELECT {names} FROM delta_{table}
                ) GROUP BY {keys} ORDER BY {keys}
            """
            self.write(con, table, f"SELECT {names} FROM ({query})")
        return {table: self._count(con, table) for table in SCHEMAS}

    def _count(self, con: duckdb.DuckDBPyConnection, table: str) -> int:
        row = con.execute(f"SELECT count(*) FROM {self.source(table)}").fetchone()
        return int(row[0]) if row else 0

    def replace(self, table: str, columns: dict[str, Sequence[Any]]) -> int:
        """Replace a dimension table with these columns."""
        schema = ALL_TABLES[table]
        frame = {name: np.array(list(columns.get(name, [])), dtype=object) for name, _ in schema}
        con = duckdb.connect(config={"threads": 2})
        try:
            con.register("frame", frame)
            if len(frame[schema[0][0]]) == 0:
                self.write(con, table, _empty(schema))
            else:
                self.write(con, table, _select_typed(schema, "frame"))
            return len(frame[schema[0][0]])
        finally:
            con.close()

    def replace_query(self, table: str, query: str) -> int:
        """Replace a table with a query over the current files (e.g. a derived fact)."""
        con = self.connect()
        try:
            self.write(con, table, _select_typed(ALL_TABLES[table], f"({query})"))
            return self._count(con, table)
        finally:
            con.close()
