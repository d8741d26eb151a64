"""The KPIs, computed with DuckDB over the fact store (definitions: docs/insights.md).

Every function takes a connection from :meth:`Store.connect`, a :class:`Cohort` (who) and a
:class:`Period` (when), and returns plain data (lists, dicts, numbers) ready to cache, chart
and export. ``k`` is the smallest group whose aggregate may be shown; a value computed over
fewer people is returned as None with ``suppressed`` set.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import Any

import duckdb

from learnloop.insights.engine import privacy

ASSIGNED = ("manager", "learning-team")


@dataclass(frozen=True)
class Cohort:
    """Whose activity: an organization, narrowed by filters, a manager's chain, or one person."""

    organization_id: int
    department_path: str | None = None
    job_role_id: int | None = None
    location_id: int | None = None
    manager_prefix: str | None = None
    employee_id: int | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = ["organization_id = ?"]
        params: list[Any] = [self.organization_id]
        if self.department_path:
            clauses.append("starts_with(department_path, ?)")
            params.append(self.department_path)
        if self.job_role_id is not None:
            clauses.append("job_role_id = ?")
            params.append(self.job_role_id)
        if self.location_id is not None:
            clauses.append("location_id = ?")
            params.append(self.location_id)
        if self.manager_prefix:
            clauses.append("starts_with(manager_path, ?)")
            params.append(self.manager_prefix)
        if self.employee_id is not None:
            clauses.append("id = ?")
            params.append(self.employee_id)
        return " AND ".join(clauses), params

    def selection(self) -> privacy.Selection:
        """The cohort as one of the selections disclosure control decides about."""
        return privacy.Selection(
            manager_prefix=self.manager_prefix,
            department=("path", self.department_path) if self.department_path else None,
            job_role=self.job_role_id,
            location=self.location_id,
        )


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


PER_PERSON = (
    "enrollments",
    "activity_weeks",
    "activity_months",
    "readiness",
    "proficiency",
    "gains",
    "feedback",
)


def _cohort_table(con: duckdb.DuckDBPyConnection, cohort: Cohort) -> None:
    """``c``, the cohort's people, and the per-person facts of those people only, as temporary
    tables that shadow the store's views: every later query of this connection reads memory."""
    where, params = cohort.where()
    con.execute(f"CREATE OR REPLACE TEMP TABLE c AS SELECT * FROM employees WHERE {where}", params)
    for table in PER_PERSON:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM f_{table} "
            "WHERE employee_id IN (SELECT id FROM c)"
        )


def sizes(con: duckdb.DuckDBPyConnection, cohort: Cohort, on: datetime.date) -> int:
    """People in the cohort employed on the day."""
    where, params = cohort.where()
    row = con.execute(
        f"SELECT count(*) FROM employees WHERE {where} AND (hire_date IS NULL OR hire_date <= ?)"
        " AND (leave_date IS NULL OR leave_date > ?)",
        [*params, on, on],
    ).fetchone()
    return int(row[0]) if row else 0


def people(con: duckdb.DuckDBPyConnection, organization_id: int, period: Period) -> privacy.People:
    """The organization's people employed at some time in the period: whose figures a
    selection over the period can carry, so the members disclosure control counts."""
    rows = con.execute(
        "SELECT id, department_id, department_path, job_role_id, location_id, manager_path "
        "FROM employees WHERE organization_id = ? AND (hire_date IS NULL OR hire_date <= ?) "
        "AND (leave_date IS NULL OR leave_date > ?) ORDER BY id",
        [organization_id, period.end, period.start],
    ).fetchall()
    return privacy.People.from_rows(rows)


def _rows(con: duckdb.DuckDBPyConnection, query: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(query, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _hide(row: dict[str, Any], people_key: str, k: int, keep: tuple[str, ...]) -> dict[str, Any]:
    if (row.get(people_key) or 0) >= k:
        return row | {"suppressed": False}
    return {key: (value if key in keep else None) for key, value in row.items()} | {
        "suppressed": True
    }


def _ratio(top: float | None, bottom: float | None, digits: int = 3) -> float | None:
    if top is None or not bottom:
        return None
    return round(float(top) / float(bottom), digits)


# -- completion ----------------------------------------------------------------------------


def completion(con: duckdb.DuckDBPyConnection, period: Period, k: int) -> dict[str, Any]:
    """Completion of enrolments started in the period, assigned and voluntary separately,
    with the funnel enrolled → started → completed → passed. Needs the cohort table ``c``."""
    rows = _rows(
        con,
        """
        SELECT CASE WHEN source IN ('manager', 'learning-team') THEN 'assigned' ELSE 'voluntary' END AS kind,
               count(*) AS enrolled,
               count(started_at) + count(*) FILTER (WHERE started_at IS NULL AND completed_at IS NOT NULL) AS started,
               count(completed_at) AS completed,
               count(*) FILTER (WHERE passed > 0) AS passed,
               count(*) FILTER (WHERE due_date IS NOT NULL) AS with_due_date,
               count(*) FILTER (WHERE due_date IS NOT NULL AND CAST(completed_at AS DATE) <= due_date) AS on_time,
               count(*) FILTER (WHERE due_date IS NOT NULL AND completed_at IS NULL AND due_date < ?) AS overdue,
               count(DISTINCT employee_id) AS people
        FROM enrollments
        WHERE employee_id IN (SELECT id FROM c) AND enrolled_at >= ? AND enrolled_at < ?
        GROUP BY kind
        """,
        [period.end, period.start, period.end + datetime.timedelta(days=1)],
    )
    out: dict[str, Any] = {}
    for kind in ("assigned", "voluntary"):
        row = next((r for r in rows if r["kind"] == kind), None) or {
            "kind": kind,
            "enrolled": 0,
            "started": 0,
            "completed": 0,
            "passed": 0,
            "with_due_date": 0,
            "on_time": 0,
            "overdue": 0,
            "people": 0,
        }
        row["rate"] = _ratio(row["completed"], row["enrolled"])
        row["on_time_rate"] = _ratio(row["on_time"], row["with_due_date"])
        out[kind] = _hide(row, "people", k, ("kind",))
    trend = _rows(
        con,
        """
        SELECT date_trunc('month', enrolled_at)::DATE AS month,
               CASE WHEN source IN ('manager', 'learning-team') THEN 'assigned' ELSE 'voluntary' END AS kind,
               count(*) AS enrolled, count(completed_at) AS completed,
               count(DISTINCT employee_id) AS people
        FROM enrollments
        WHERE employee_id IN (SELECT id FROM c) AND enrolled_at >= ? AND enrolled_at < ?
        GROUP BY ALL ORDER BY month, kind
        """,
        [period.start, period.end + datetime.timedelta(days=1)],
    )
    for row in trend:
        row["rate"] = _ratio(row["completed"], row["enrolled"])
    out["trend"] = [_hide(r, "people", k, ("month", "kind")) for r in trend]
    return out


# -- time to proficiency -------------------------------------------------------------------

BUCKETS = (
    (0, 7, "under a week"),
    (7, 30, "1-4 weeks"),
    (30, 90, "1-3 months"),
    (90, 180, "3-6 months"),
    (180, 100000, "over 6 months"),
)


def proficiency(con: duckdb.DuckDBPyConnection, period: Period, k: int) -> dict[str, Any]:
    row = _rows(
        con,
        """
        SELECT count(*) AS started, count(reached_on) AS reached,
               count(DISTINCT employee_id) FILTER (WHERE reached_on IS NOT NULL) AS people,
               median(date_diff('day', CAST(started_at AS DATE), reached_on)) AS median_days,
               quantile_cont(date_diff('day', CAST(started_at AS DATE), reached_on), 0.25) AS p25_days,
               quantile_cont(date_diff('day', CAST(started_at AS DATE), reached_on), 0.75) AS p75_days
        FROM proficiency
        WHERE employee_id IN (SELECT id FROM c) AND started_at >= ? AND started_at < ?
        """,
        [period.start, period.end + datetime.timedelta(days=1)],
    )[0]
    cases = " ".join(f"WHEN d < {high} THEN {i}" for i, (_, high, _) in enumerate(BUCKETS))
    found = {
        r[0]: r[1:]
        for r in con.execute(
            f"""SELECT CASE {cases} END AS bucket, count(*), count(DISTINCT employee_id) FROM (
                    SELECT employee_id, date_diff('day', CAST(started_at AS DATE), reached_on) AS d
                    FROM proficiency WHERE employee_id IN (SELECT id FROM c)
                      AND started_at >= ? AND started_at < ? AND reached_on IS NOT NULL
                ) GROUP BY 1""",
            [period.start, period.end + datetime.timedelta(days=1)],
        ).fetchall()
    }
    histogram = [
        {
            "bucket": label,
            "count": int(found.get(i, (0, 0))[0]),
            "people": int(found.get(i, (0, 0))[1]),
        }
        for i, (_, _, label) in enumerate(BUCKETS)
    ]
    for key in ("median_days", "p25_days", "p75_days"):
        row[key] = None if row[key] is None else round(float(row[key]), 1)
    out = _hide(row, "people", k, ())
    hidden = out["suppressed"]
    # Buckets are a distribution of one shown total: hide small ones with their complements.
    reasons = privacy.partition([int(str(b["people"])) for b in histogram], k)
    out["histogram"] = [
        b
        | {
            "count": None if (hidden or reason) else b["count"],
            "suppressed": bool(hidden or reason),
        }
        for b, reason in zip(histogram, reasons, strict=True)
    ]
    return out


# -- active learners and learning hours ----------------------------------------------------


def weekly(con: duckdb.DuckDBPyConnection, period: Period, k: int) -> list[dict[str, Any]]:
    """Per ISO week: active learners, headcount, their share, learning hours."""
    rows = _rows(
        con,
        """
        WITH weeks AS (
            SELECT CAST(w AS DATE) AS week FROM generate_series(
                CAST(date_trunc('week', CAST(? AS DATE)) AS TIMESTAMP),
                CAST(? AS TIMESTAMP), INTERVAL 7 DAY) t(w)
        ),
        act AS (
            SELECT week, count(*) FILTER (WHERE events > 0) AS active, sum(seconds) / 3600.0 AS hours
            FROM activity_weeks WHERE employee_id IN (SELECT id FROM c)
              AND week >= date_trunc('week', CAST(? AS DATE)) AND week <= ?
            GROUP BY 1
        ),
        heads AS (
            SELECT weeks.week, count(c.id) AS headcount FROM weeks LEFT JOIN c
              ON (c.hire_date IS NULL OR c.hire_date <= weeks.week + 6)
             AND (c.leave_date IS NULL OR c.leave_date > weeks.week)
            GROUP BY weeks.week
        )
        SELECT heads.week, heads.headcount, coalesce(act.active, 0) AS active,
               round(coalesce(act.hours, 0), 1) AS hours
        FROM heads LEFT JOIN act USING (week) ORDER BY heads.week
        """,
        [period.start, period.end, period.start, period.end],
    )
    for row in rows:
        row["share"] = _ratio(row["active"], row["headcount"])
        row["hours_per_learner"] = _ratio(row["hours"], row["active"], 2)
    return [_hide(r, "headcount", k, ("week",)) for r in rows]


def hours_distribution(
    con: duckdb.DuckDBPyConnection, period: Period, k: int
) -> list[dict[str, Any]]:
    """How many learners logged how many hours in the period."""
    rows = _rows(
        con,
        """
        WITH per AS (
            SELECT employee_id, sum(seconds) / 3600.0 AS hours FROM activity_weeks
            WHERE employee_id IN (SELECT id FROM c)
              AND week >= date_trunc('week', CAST(? AS DATE)) AND week <= ?
            GROUP BY employee_id HAVING sum(events) > 0
        )
        SELECT CASE WHEN hours < 1 THEN '0-1 h' WHEN hours < 5 THEN '1-5 h'
                    WHEN hours < 10 THEN '5-10 h' WHEN hours < 20 THEN '10-20 h' ELSE '20 h or more' END AS bucket,
               min(hours) AS low, count(*) AS people
        FROM per GROUP BY 1 ORDER BY low
        """,
        [period.start, period.end],
    )
    reasons = privacy.partition([r["people"] for r in rows], k)
    return [
        {
            "bucket": r["bucket"],
            "people": None if reason else r["people"],
            "suppressed": bool(reason),
        }
        for r, reason in zip(rows, reasons, strict=True)
    ]


# -- skill-gap closure ---------------------------------------------------------------------


def readiness(con: duckdb.DuckDBPyConnection, period: Period, k: int) -> dict[str, Any]:
    rows = _rows(
        con,
        """
        SELECT month_end, round(avg(readiness), 3) AS readiness, count(*) AS people
        FROM readiness WHERE employee_id IN (SELECT id FROM c)
          AND month_end >= date_trunc('month', CAST(? AS DATE)) AND month_end <= ?
        GROUP BY month_end ORDER BY month_end
        """,
        [period.start, period.end],
    )
    shown = [_hide(r, "people", k, ("month_end",)) for r in rows]
    values = [r for r in shown if r["readiness"] is not None]
    closure = (
        round(values[-1]["readiness"] - values[0]["readiness"], 3) if len(values) >= 2 else None
    )
    return {
        "trend": shown,
        "closure": closure,
        "latest": values[-1]["readiness"] if values else None,
    }


# -- mentoring -----------------------------------------------------------------------------


def mentoring(con: duckdb.DuckDBPyConnection, period: Period, k: int) -> dict[str, Any]:
    end = period.end + datetime.timedelta(days=1)
    row = _rows(
        con,
        """
        WITH p AS (
            SELECT * FROM pairs WHERE (mentee_id IN (SELECT id FROM c) OR mentor_id IN (SELECT id FROM c))
              AND coalesce(started_at, progress_at) < ?
              AND (completed_at IS NULL OR completed_at >= ?)
        ),
        s AS (
            SELECT sessions.* FROM sessions JOIN p USING (registration)
            WHERE day >= ? AND day <= ?
        )
        SELECT (SELECT count(*) FROM p) AS pairs,
               (SELECT count(DISTINCT mentee_id) + count(DISTINCT mentor_id) FROM p) AS people,
               (SELECT round(avg(progress), 3) FROM p) AS progress,
               (SELECT count(*) FROM p WHERE completed_at IS NOT NULL) AS completed_pairs,
               (SELECT coalesce(sum(sessions), 0) FROM s) AS sessions,
               (SELECT round(coalesce(sum(seconds), 0) / 3600.0, 1) FROM s) AS session_hours
        """,
        [end, period.start, period.start, period.end],
    )[0]
    trend = _rows(
        con,
        """
        SELECT date_trunc('month', s.day)::DATE AS month, sum(s.sessions) AS sessions,
               count(DISTINCT s.registration) AS pairs
        FROM sessions s JOIN pairs p USING (registration)
        WHERE (p.mentee_id IN (SELECT id FROM c) OR p.mentor_id IN (SELECT id FROM c))
          AND s.day >= ? AND s.day <= ?
        GROUP BY 1 ORDER BY 1
        """,
        [period.start, period.end],
    )
    out = _hide(row, "people", k, ())
    # A pair is two people: k pairs keep each month's sessions about at least k people.
    out["trend"] = [_hide(r | {"people": 2 * r["pairs"]}, "people", k, ("month",)) for r in trend]
    return out


# -- feedback and check-ins ----------------------------------------------------------------


def conversations(con: duckdb.DuckDBPyConnection, period: Period, k: int) -> dict[str, Any]:
    rows = _rows(
        con,
        """
        WITH months AS (
            SELECT CAST(m AS DATE) AS month FROM generate_series(
                CAST(date_trunc('month', CAST(? AS DATE)) AS TIMESTAMP), CAST(? AS TIMESTAMP),
                INTERVAL 1 MONTH) t(m)
        ),
        heads AS (
            SELECT months.month, count(c.id) AS headcount FROM months LEFT JOIN c
              ON (c.hire_date IS NULL OR c.hire_date <= last_day(months.month))
             AND (c.leave_date IS NULL OR c.leave_date > months.month)
            GROUP BY months.month
        ),
        f AS (
            SELECT month, sum(given) AS given, sum(received) AS received, sum(requested) AS requested
            FROM feedback WHERE employee_id IN (SELECT id FROM c) GROUP BY month
        ),
        k AS (
            SELECT month, sum(held) AS held, sum(scheduled) AS scheduled,
                   count(DISTINCT report_id) AS reports
            FROM checkins WHERE report_id IN (SELECT id FROM c) GROUP BY month
        )
        SELECT heads.month, heads.headcount, coalesce(f.given, 0) AS given,
               coalesce(f.received, 0) AS received, coalesce(f.requested, 0) AS requested,
               coalesce(k.held, 0) AS checkins_held, coalesce(k.scheduled, 0) AS checkins_scheduled,
               coalesce(k.reports, 0) AS reports_with_checkins
        FROM heads LEFT JOIN f USING (month) LEFT JOIN k USING (month) ORDER BY heads.month
        """,
        [period.start, period.end],
    )
    for row in rows:
        row["feedback_per_person"] = _ratio(row["given"], row["headcount"], 2)
        row["checkins_per_report"] = _ratio(row["checkins_held"], row["reports_with_checkins"], 2)
        row["checkin_rate"] = _ratio(row["checkins_held"], row["checkins_scheduled"])
    shown = [_hide(r, "headcount", k, ("month",)) for r in rows]
    totals = [r for r in shown if not r["suppressed"]]
    return {
        "trend": shown,
        "feedback_per_person": _ratio(
            sum(r["given"] for r in totals),
            sum(r["headcount"] for r in totals) / max(len(totals), 1),
            2,
        )
        if totals
        else None,
        "checkin_rate": _ratio(
            sum(r["checkins_held"] for r in totals), sum(r["checkins_scheduled"] for r in totals)
        )
        if totals
        else None,
    }


# -- retention -----------------------------------------------------------------------------


def retention(con: duckdb.DuckDBPyConnection, period: Period, k: int) -> dict[str, Any]:
    """Of the people employed when the period starts, the share still employed when it ends,
    for learners (a completion in the 365 days before the start) and the others."""
    rows = _rows(
        con,
        """
        WITH base AS (
            SELECT id, leave_date FROM c
            WHERE (hire_date IS NULL OR hire_date <= ?) AND (leave_date IS NULL OR leave_date > ?)
        ),
        learners AS (
            SELECT DISTINCT employee_id FROM enrollments
            WHERE completed_at >= ? - INTERVAL 365 DAY AND completed_at < ?
        )
        SELECT CASE WHEN id IN (SELECT employee_id FROM learners) THEN 'learners' ELSE 'non_learners' END AS grp,
               count(*) AS people,
               count(*) FILTER (WHERE leave_date IS NULL OR leave_date > ?) AS retained
        FROM base GROUP BY grp
        """,
        [period.start, period.start, period.start, period.start, period.end],
    )
    groups = {r["grp"]: r for r in rows}
    out: dict[str, Any] = {}
    sizes_ = [groups.get(g, {}).get("people", 0) for g in ("learners", "non_learners")]
    reasons = privacy.partition(sizes_, k)
    for g, reason in zip(("learners", "non_learners"), reasons, strict=True):
        r = groups.get(g, {"people": 0, "retained": 0})
        rate = _ratio(r["retained"], r["people"])
        out[g] = {
            "people": None if reason else r["people"],
            "retained": None if reason else r["retained"],
            "rate": None if reason else rate,
            "suppressed": bool(reason),
        }
    l_rate, n_rate = out["learners"]["rate"], out["non_learners"]["rate"]
    out["difference"] = (
        round(l_rate - n_rate, 3) if l_rate is not None and n_rate is not None else None
    )
    return out


# -- spend ---------------------------------------------------------------------------------


def spend(con: duckdb.DuckDBPyConnection, period: Period, k: int) -> dict[str, Any]:
    end = period.end + datetime.timedelta(days=1)
    row = _rows(
        con,
        """
        SELECT
          (SELECT coalesce(sum(cost), 0) FROM enrollments WHERE employee_id IN (SELECT id FROM c)
             AND enrolled_at >= ? AND enrolled_at < ?) AS spend,
          (SELECT count(DISTINCT employee_id) FROM enrollments WHERE employee_id IN (SELECT id FROM c)
             AND enrolled_at >= ? AND enrolled_at < ? AND cost > 0) AS people,
          (SELECT round(coalesce(sum(seconds), 0) / 3600.0, 1) FROM activity WHERE employee_id IN (SELECT id FROM c)
             AND day >= ? AND day <= ?) AS hours,
          (SELECT coalesce(sum(levels), 0) FROM gains WHERE employee_id IN (SELECT id FROM c)
             AND day >= ? AND day <= ?) AS levels
        """,
        [period.start, end, period.start, end, period.start, period.end, period.start, period.end],
    )[0]
    row["spend"] = round(float(row["spend"]), 2)
    row["levels"] = float(row["levels"])
    row["per_hour"] = _ratio(row["spend"], row["hours"], 2)
    row["per_level"] = _ratio(row["spend"], row["levels"], 2)
    return _hide(row, "people", k, ())


# -- the dashboard and its breakdowns ------------------------------------------------------


def dashboard(
    con: duckdb.DuckDBPyConnection,
    cohort: Cohort,
    period: Period,
    k: int,
    released: frozenset[privacy.Selection],
) -> dict[str, Any]:
    """Every KPI of one cohort and period; ``allowed`` False unless the cohort is one of the
    ``released`` selections (see :func:`privacy.release`)."""
    if cohort.selection() not in released:
        return {"allowed": False, "headcount": None}
    _cohort_table(con, cohort)
    return {
        "allowed": True,
        "headcount": sizes(con, cohort, period.end),
        "completion": completion(con, period, k),
        "proficiency": proficiency(con, period, k),
        "weekly": weekly(con, period, k),
        "hours_distribution": hours_distribution(con, period, k),
        "readiness": readiness(con, period, k),
        "mentoring": mentoring(con, period, k),
        "conversations": conversations(con, period, k),
        "retention": retention(con, period, k),
        "spend": spend(con, period, k),
    }


BREAKDOWNS = {"department", "location", "job_role"}
# How a breakdown group selects its people from the cohort table ``c`` (one parameter each).
PREDICATES = {
    "path": "starts_with(department_path, ?)",
    "exact_department": "department_id = ?",
    "location": "location_id = ?",
    "job_role": "job_role_id = ?",
    "no_department": "department_id IS NULL AND CAST(? AS BIGINT) IS NULL",
    "no_location": "location_id IS NULL AND CAST(? AS BIGINT) IS NULL",
    "no_job_role": "job_role_id IS NULL AND CAST(? AS BIGINT) IS NULL",
}


def _group_map(con: duckdb.DuckDBPyConnection, groups: list[tuple[str, str, Any]]) -> None:
    """``gmap``: each person of the cohort with the index of their breakdown group."""
    cases = " ".join(f"WHEN {PREDICATES[kind]} THEN {i}" for i, (_, kind, _) in enumerate(groups))
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE gmap AS SELECT id, CASE {cases} END AS grp, hire_date, "
        "leave_date FROM c",
        [value for _, _, value in groups],
    )


def row_selection(cohort: Cohort, kind: str, value: Any) -> privacy.Selection | None:
    """The selection a breakdown row shows (None: a row the cohort's own filter empties)."""
    selection = cohort.selection()
    if kind in ("path", "exact_department", "no_department"):
        department = {"path": "path", "exact_department": "exact"}.get(kind, "none")
        return replace(selection, department=(department, value))
    wanted = privacy.NONE if kind.startswith("no_") else value
    if kind in ("location", "no_location"):
        if selection.location is None:
            return replace(selection, location=wanted)
        return selection if selection.location == wanted else None
    if selection.job_role is None:
        return replace(selection, job_role=wanted)
    return selection if selection.job_role == wanted else None


def breakdown(
    con: duckdb.DuckDBPyConnection,
    cohort: Cohort,
    period: Period,
    k: int,
    by: str,
    groups: list[tuple[str, str, Any]],
    released: frozenset[privacy.Selection],
    *,
    prepared: bool = False,
) -> list[dict[str, Any]]:
    """One row per group (``prepared``: the cohort tables of this connection are current):
    ``groups`` are (label, kind, value) where kind is ``path`` (a department subtree),
    ``exact_department`` (people directly in that department), ``location``, ``job_role`` or
    ``no_*``, together covering the cohort. A row is shown only if its selection is among the
    ``released`` ones, so no row, total or other dashboard can be subtracted to single anyone
    out. A handful of grouped queries, whatever the groups."""
    assert by in BREAKDOWNS
    if not prepared:
        _cohort_table(con, cohort)
    _group_map(con, groups)
    end = period.end + datetime.timedelta(days=1)
    heads = dict(
        con.execute(
            "SELECT grp, count(*) FROM gmap WHERE (hire_date IS NULL OR hire_date <= ?) "
            "AND (leave_date IS NULL OR leave_date > ?) GROUP BY grp",
            [period.end, period.end],
        ).fetchall()
    )
    active = {
        r[0]: r[1:]
        for r in con.execute(
            """SELECT g.grp, count(DISTINCT a.employee_id) FILTER (WHERE a.events > 0),
                      round(sum(a.seconds) / 3600.0, 1)
               FROM activity_weeks a JOIN gmap g ON g.id = a.employee_id
               WHERE a.week >= date_trunc('week', CAST(? AS DATE)) AND a.week <= ? GROUP BY g.grp""",
            [period.start, period.end],
        ).fetchall()
    }
    learning = {
        r[0]: r[1:]
        for r in con.execute(
            """SELECT g.grp,
                      count(*) FILTER (WHERE e.source IN ('manager', 'learning-team')),
                      count(e.completed_at) FILTER (WHERE e.source IN ('manager', 'learning-team')),
                      count(*) FILTER (WHERE e.source IS NULL OR e.source NOT IN ('manager', 'learning-team')),
                      count(e.completed_at) FILTER (WHERE e.source IS NULL OR e.source NOT IN ('manager', 'learning-team'))
               FROM enrollments e JOIN gmap g ON g.id = e.employee_id
               WHERE e.enrolled_at >= ? AND e.enrolled_at < ? GROUP BY g.grp""",
            [period.start, end],
        ).fetchall()
    }
    ready = dict(
        con.execute(
            """SELECT g.grp, round(avg(r.readiness), 3) FROM readiness r JOIN gmap g ON g.id = r.employee_id
               WHERE r.month_end = (SELECT max(month_end) FROM readiness WHERE month_end <= ?)
               GROUP BY g.grp""",
            [period.end],
        ).fetchall()
    )
    rows = []
    for i, (label, kind, value) in enumerate(groups):
        act, hours = active.get(i, (0, None))
        assigned, assigned_done, voluntary, voluntary_done = learning.get(i, (0, 0, 0, 0))
        row: dict[str, Any] = {
            "label": label,
            "kind": kind,
            "value": value,
            "headcount": int(heads.get(i, 0)),
            "active": int(act or 0),
            "hours": hours,
            "assigned": assigned,
            "assigned_completed": assigned_done,
            "voluntary": voluntary,
            "voluntary_completed": voluntary_done,
            "readiness": ready.get(i),
        }
        row["active_share"] = _ratio(row["active"], row["headcount"])
        row["hours_per_learner"] = _ratio(row["hours"], row["active"], 2)
        row["assigned_rate"] = _ratio(assigned_done, assigned)
        row["voluntary_rate"] = _ratio(voluntary_done, voluntary)
        rows.append(row)
    out = []
    for row, (_, kind, value) in zip(rows, groups, strict=True):
        selection = row_selection(cohort, kind, value)
        shown = selection is None or selection in released  # None: empty by construction
        reason = "" if shown else privacy.reason(row["headcount"], k)
        if reason:
            row = {key: (row[key] if key in ("label", "kind", "value") else None) for key in row}
        out.append(row | {"suppressed": bool(reason), "reason": reason})
    return out


def heatmap(
    con: duckdb.DuckDBPyConnection,
    rows: list[dict[str, Any]],
    period: Period,
) -> list[dict[str, Any]]:
    """Active-learner share per shown breakdown row and month (hidden rows stay hidden).
    Uses the ``gmap`` of the preceding :func:`breakdown` call on the same connection."""
    shown = {i: row["label"] for i, row in enumerate(rows) if not row["suppressed"]}
    if not shown:
        return []
    cells = _rows(
        con,
        """
        WITH months AS (SELECT CAST(m AS DATE) AS month FROM generate_series(
            CAST(date_trunc('month', CAST(? AS DATE)) AS TIMESTAMP), CAST(? AS TIMESTAMP), INTERVAL 1 MONTH) t(m)),
        heads AS (SELECT g.grp, months.month, count(*) AS headcount FROM months JOIN gmap g
            ON (g.hire_date IS NULL OR g.hire_date <= last_day(months.month))
           AND (g.leave_date IS NULL OR g.leave_date > months.month) GROUP BY ALL),
        act AS (SELECT g.grp, a.month, count(*) AS active
            FROM activity_months a JOIN gmap g ON g.id = a.employee_id
            WHERE a.events > 0 AND a.month >= date_trunc('month', CAST(? AS DATE)) AND a.month <= ? GROUP BY ALL)
        SELECT heads.grp, heads.month, heads.headcount, coalesce(act.active, 0) AS active
        FROM heads LEFT JOIN act USING (grp, month) ORDER BY heads.grp, heads.month
        """,
        [period.start, period.end, period.start, period.end],
    )
    return [
        {
            "group": shown[c["grp"]],
            "month": c["month"],
            "share": _ratio(c["active"], c["headcount"]),
        }
        for c in cells
        if c["grp"] in shown
    ]


def content(
    con: duckdb.DuckDBPyConnection, cohort: Cohort, period: Period, k: int, limit: int = 50
) -> list[dict[str, Any]]:
    """Programs and content for L&D: per item, enrolments, completion, rating, time, cost."""
    _cohort_table(con, cohort)
    rows = _rows(
        con,
        """
        SELECT item, any_value(item_name) AS name, any_value(item_type) AS type,
               count(*) AS enrolled, count(DISTINCT employee_id) AS people,
               count(completed_at) AS completed,
               round(count(completed_at) / count(*), 3) AS rate,
               round(sum(rating_sum) / nullif(sum(rating_n), 0), 2) AS rating,
               round(avg(duration_s) FILTER (WHERE completed_at IS NOT NULL) / 3600.0, 2) AS hours,
               round(sum(cost), 2) AS spend
        FROM enrollments
        WHERE employee_id IN (SELECT id FROM c) AND enrolled_at >= ? AND enrolled_at < ? AND item IS NOT NULL
        GROUP BY item ORDER BY enrolled DESC, item LIMIT ?
        """,
        [period.start, period.end + datetime.timedelta(days=1), limit],
    )
    return [_hide(r, "people", k, ("item", "name", "type")) for r in rows]


def personal(
    con: duckdb.DuckDBPyConnection, employee_id: int, today: datetime.date
) -> dict[str, Any]:
    """One person's own progress: enrolments, weekly hours and the streak of active weeks."""
    enrollments = _rows(
        con,
        """SELECT item_name AS name, item_type AS type, source, enrolled_at, completed_at, due_date,
                  round(duration_s / 3600.0, 2) AS hours, passed > 0 AS passed
           FROM enrollments WHERE employee_id = ? AND (enrolled_at IS NOT NULL OR completed_at IS NOT NULL)
           ORDER BY enrolled_at DESC NULLS LAST LIMIT 100""",
        [employee_id],
    )
    weeks = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT date_trunc('week', day)::DATE FROM activity WHERE employee_id = ? AND events > 0 ORDER BY 1 DESC",
            [employee_id],
        ).fetchall()
    ]
    streak = 0
    current = today - datetime.timedelta(days=today.weekday())
    # This week still counts as open: the streak runs to last week when nothing happened yet.
    if weeks and weeks[0] < current:
        current -= datetime.timedelta(days=7)
    for week in weeks:
        if week == current:
            streak += 1
            current -= datetime.timedelta(days=7)
        elif week < current:
            break
    days = con.execute(
        "SELECT count(DISTINCT day) FROM activity WHERE employee_id = ? AND events > 0 AND day > ?",
        [employee_id, today - datetime.timedelta(days=30)],
    ).fetchone()
    return {
        "enrollments": enrollments,
        "streak_weeks": streak,
        "active_days_30": int(days[0]) if days else 0,
        "completed": sum(1 for e in enrollments if e["completed_at"] is not None),
        "in_progress": sum(1 for e in enrollments if e["completed_at"] is None),
    }
