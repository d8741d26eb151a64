"""The refresh turns contract statements into facts, incrementally and idempotently."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from learnloop.insights import refresh
from learnloop.insights.tests.conftest import Learning, Pair
from learnloop.xapi.engine.statements import VOIDED, prepare
from learnloop.xapi.recorder import store

D = dt.date(2026, 3, 2)  # a Monday


def facts(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    con = refresh.store().connect()
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_it_folds_an_enrollment_into_one_fact_row(org: Any) -> None:
    course = Learning(org.employee, 1, source="manager", cost=250.0, due=D + dt.timedelta(days=10))
    course.full(D, days=3, seconds=5400)
    course.passed(D + dt.timedelta(days=3))
    course.rated(D + dt.timedelta(days=4), 4)

    report = refresh.refresh()

    assert report.full and report.statements > 0
    [row] = facts(
        "SELECT employee_id, source, cost, duration_s, passed, rating_sum, rating_n, due_date,"
        " CAST(enrolled_at AS DATE), CAST(started_at AS DATE), CAST(completed_at AS DATE) FROM enrollments"
    )
    assert row == (
        org.employee.pk,
        "manager",
        250.0,
        5400.0,
        1,
        4.0,
        1,
        D + dt.timedelta(days=10),
        D,
        D,
        D + dt.timedelta(days=3),
    )


def test_an_incremental_refresh_equals_one_full_refresh(org: Any) -> None:
    course = Learning(org.employee, 1)
    course.enrolled(D)
    course.launched(D)
    refresh.refresh()
    course.progressed(D + dt.timedelta(days=1))
    course.completed(D + dt.timedelta(days=2), 1800)
    second = refresh.refresh()
    incremental = facts("SELECT * FROM enrollments"), facts("SELECT * FROM activity ORDER BY day")

    refresh.store().reset()
    refresh.refresh()

    assert second.statements == 2  # only the new ones were read
    assert (
        facts("SELECT * FROM enrollments"),
        facts("SELECT * FROM activity ORDER BY day"),
    ) == incremental


def test_a_refresh_with_nothing_new_reads_no_statement(org: Any) -> None:
    Learning(org.employee, 1).full(D)
    refresh.refresh()
    again = refresh.refresh()
    assert again.statements == 0
    assert facts("SELECT count(*) FROM enrollments") == [(1,)]


def test_it_counts_active_days_and_learning_hours(org: Any) -> None:
    Learning(org.employee, 1).full(D, days=2, seconds=7200)
    refresh.refresh()
    rows = facts(
        "SELECT day, events, seconds FROM activity WHERE employee_id = ? ORDER BY day",
        [org.employee.pk],
    )
    # enrolled is not activity; launched, progressed, completed are; hours land on completion day.
    assert rows == [
        (D, 1, 0.0),
        (D + dt.timedelta(days=1), 1, 0.0),
        (D + dt.timedelta(days=2), 1, 7200.0),
    ]


def test_it_builds_mentoring_pairs_and_sessions(org: Any) -> None:
    pair = Pair(org.manager, org.employee)
    pair.started(D)
    pair.session(D + dt.timedelta(days=7), 45)
    pair.session(D + dt.timedelta(days=14), 30)
    pair.progressed(D + dt.timedelta(days=14), 0.4)
    pair.progressed(D + dt.timedelta(days=21), 0.7)
    refresh.refresh()
    [row] = facts("SELECT mentee_id, mentor_id, progress, completed_at FROM pairs")
    assert row == (org.employee.pk, org.manager.pk, 0.7, None)
    assert facts("SELECT sum(sessions), sum(seconds) FROM sessions") == [(2, 4500.0)]
    # No learning enrolment is made of the relationship's statements.
    assert facts("SELECT count(*) FROM enrollments") == [(0,)]
    # The session counts as learning time for both people.
    mentee = facts("SELECT sum(seconds) FROM activity WHERE employee_id = ?", [org.employee.pk])
    assert mentee == [(4500.0,)]


def test_a_voided_completion_is_taken_back(org: Any) -> None:
    course = Learning(org.employee, 1)
    course.enrolled(D)
    completion = course.completed(D + dt.timedelta(days=1), 3600)
    refresh.refresh()
    assert facts("SELECT count(completed_at) FROM enrollments") == [(1,)]

    voiding = prepare(
        {
            "id": str(uuid.uuid4()),
            "actor": {"mbox": f"mailto:{org.employee.user.email}"},
            "verb": {"id": VOIDED},
            "object": {"objectType": "StatementRef", "id": str(completion)},
        }
    )
    store([voiding])
    refresh.refresh()

    assert facts("SELECT count(completed_at), count(enrolled_at) FROM enrollments") == [(0, 1)]
    assert facts("SELECT coalesce(sum(events), 0), coalesce(sum(seconds), 0) FROM activity") == [
        (0, 0.0)
    ]


def test_statements_of_people_outside_the_organizations_are_ignored(org: Any) -> None:
    stranger = {"objectType": "Agent", "mbox": "mailto:someone@elsewhere.example"}
    course = Learning(org.employee, 1)
    course.employee = stranger  # type: ignore[assignment]
    course.full(D)
    refresh.refresh()
    assert facts("SELECT count(*) FROM enrollments") == [(0,)]
    assert facts("SELECT count(*) FROM activity") == [(0,)]


def test_facts_of_another_database_are_discarded(org: Any) -> None:
    Learning(org.employee, 1).full(D)
    refresh.refresh()
    manifest = refresh.store().manifest()
    refresh.store().write_manifest(manifest | {"watermark_uuid": str(uuid.uuid4())})
    report = refresh.refresh()
    assert report.full
    assert facts("SELECT count(*) FROM enrollments") == [(1,)]


def test_statements_still_being_written_wait_for_the_next_refresh(org: Any) -> None:
    Learning(org.employee, 1).enrolled(D)
    report = refresh.refresh(lag_seconds=3600)
    assert report.statements == 0 and report.watermark == 0


@pytest.mark.parametrize("duration", ["PT1H30M", "P1DT1H", "PT12.5S", "bad", None])
def test_durations_parse_or_count_as_zero(duration: Any) -> None:
    from learnloop.insights.engine.durations import seconds

    expected = {"PT1H30M": 5400.0, "P1DT1H": 90000.0, "PT12.5S": 12.5}.get(duration, 0.0)
    assert seconds(duration) == expected
