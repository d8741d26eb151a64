"""Each KPI on a small organization whose right answers are known."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from learnloop.insights import queries, refresh
from learnloop.insights.queries import Filters
from learnloop.insights.tests import world as w
from learnloop.insights.tests.conftest import Learning, Pair
from learnloop.skills.models import RoleProfile, RoleRequirement, Skill, SkillClaim, Source

START = dt.date(2026, 4, 6)  # a Monday inside the default six-month window


@pytest.fixture
def world(org: Any) -> w.World:
    return w.build(org)


def dashboard(world: w.World, **filters: Any) -> dict[str, Any]:
    return queries.dashboard(world.org.organization, Filters(**filters), today=w.TODAY)


def test_completion_is_split_into_assigned_and_voluntary(world: w.World) -> None:
    for i, person in enumerate(world.engineers[:5]):
        course = Learning(person, 1, source="manager", due=START + dt.timedelta(days=20))
        course.enrolled(START)
        if i < 4:
            course.completed(START + dt.timedelta(days=10 if i < 2 else 30))
    for i, person in enumerate(world.sellers[:5]):
        course = Learning(person, 2, source="self")
        course.enrolled(START)
        if i < 2:
            course.completed(START + dt.timedelta(days=5))
    refresh.refresh()

    data = dashboard(world)

    assigned, voluntary = data["completion"]["assigned"], data["completion"]["voluntary"]
    assert (assigned["enrolled"], assigned["completed"], assigned["rate"]) == (5, 4, 0.8)
    assert assigned["on_time_rate"] == 0.4  # two of five by the due date
    assert (voluntary["enrolled"], voluntary["completed"], voluntary["rate"]) == (5, 2, 0.4)
    assert voluntary["suppressed"] is False


def test_a_rate_over_fewer_people_than_the_minimum_is_withheld(world: w.World) -> None:
    for person in world.engineers[:3]:
        course = Learning(person, 1, source="manager")
        course.enrolled(START)
        course.completed(START + dt.timedelta(days=3))
    refresh.refresh()
    assigned = dashboard(world)["completion"]["assigned"]
    assert assigned["suppressed"] is True
    assert assigned["rate"] is None and assigned["completed"] is None


def test_on_time_counts_completions_by_the_due_date(world: w.World) -> None:
    for i, person in enumerate(world.engineers[:5]):
        course = Learning(person, 1, source="learning-team", due=START + dt.timedelta(days=14))
        course.enrolled(START)
        course.completed(START + dt.timedelta(days=7 if i < 4 else 21))
    refresh.refresh()
    assigned = dashboard(world)["completion"]["assigned"]
    assert assigned["on_time_rate"] == 0.8


def test_active_learners_and_hours_are_weekly(world: w.World) -> None:
    for person in world.engineers[:6]:
        Learning(person, 1).full(START, days=2, seconds=5400)
    refresh.refresh()
    weeks = {row["week"]: row for row in dashboard(world)["weekly"]}
    week = weeks[START]
    assert week["active"] == 6 and week["headcount"] == 20
    assert week["share"] == 0.3
    assert week["hours"] == 9.0
    assert week["hours_per_learner"] == 1.5
    assert weeks[START + dt.timedelta(days=7)]["active"] == 0


def test_retention_compares_learners_with_the_others(world: w.World) -> None:
    before = dt.date(2025, 12, 1)  # the default window starts 2026-01-00; a year before counts
    for person in world.engineers[:6]:
        Learning(person, 1).full(before)
    for person in world.engineers[4:6] + world.sellers[:1]:
        person.leave_date = dt.date(2026, 5, 1)
        person.save()
    refresh.refresh()
    retention = dashboard(world)["retention"]
    assert retention["learners"]["people"] == 6
    assert retention["learners"]["rate"] == round(4 / 6, 3)
    assert retention["non_learners"]["people"] == 14
    assert retention["non_learners"]["rate"] == round(13 / 14, 3)


def test_spend_per_hour_and_per_level(world: w.World) -> None:
    skill = Skill.objects.create(label="Python", uri="http://example.com/skill/python")
    for person in world.engineers[:5]:
        Learning(person, 1, cost=200.0, skills=[skill.uri]).full(START, seconds=7200)
        SkillClaim.objects.create(
            employee=person,
            skill=skill,
            level=2,
            source=Source.LEARNING,
            observed_on=START + dt.timedelta(days=3),
        )
    refresh.refresh()
    spend = dashboard(world)["spend"]
    assert spend["spend"] == 1000.0
    assert spend["hours"] == 10.0
    assert spend["per_hour"] == 100.0
    assert spend["levels"] == 10.0
    assert spend["per_level"] == 100.0


def test_time_to_proficiency_runs_from_enrolment_to_the_role_target(world: w.World) -> None:
    o = world.org.organization
    skill = Skill.objects.create(label="SQL", uri="http://example.com/skill/sql")
    for i, person in enumerate(world.engineers[:5]):
        profile = RoleProfile.objects.create(
            organization=o, name=f"Role {i}", job_role=person.job_role
        )
        RoleRequirement.objects.create(profile=profile, skill=skill, target_level=2)
        Learning(person, 1, skills=[skill.uri]).enrolled(START)
        SkillClaim.objects.create(
            employee=person,
            skill=skill,
            level=1,
            source=Source.SELF,
            observed_on=START + dt.timedelta(days=5),
        )
        SkillClaim.objects.create(
            employee=person,
            skill=skill,
            level=2,
            source=Source.ASSESSMENT,
            observed_on=START + dt.timedelta(days=10 * (i + 1)),
        )
    refresh.refresh()
    data = dashboard(world)
    assert data["proficiency"]["reached"] == 5
    assert data["proficiency"]["median_days"] == 30.0
    # Readiness rose from 0 to 1 for these five over the months.
    trend = [r for r in data["readiness"]["trend"] if r["readiness"] is not None]
    assert trend[-1]["readiness"] == 1.0
    assert data["readiness"]["closure"] == 1.0


def test_mentoring_counts_pairs_sessions_and_progress(world: w.World) -> None:
    mentors, mentees = world.sellers[:3], world.engineers[:3]
    for i, (mentor, mentee) in enumerate(zip(mentors, mentees, strict=True)):
        pair = Pair(mentor, mentee, pk=i + 1)
        pair.started(START)
        pair.session(START + dt.timedelta(days=7))
        pair.session(START + dt.timedelta(days=14))
        pair.progressed(START + dt.timedelta(days=14), 0.5)
    refresh.refresh()
    mentoring = dashboard(world)["mentoring"]
    assert mentoring["pairs"] == 3 and mentoring["people"] == 6
    assert mentoring["sessions"] == 6
    assert mentoring["progress"] == 0.5


def test_feedback_and_checkins_are_counted(world: w.World) -> None:
    from learnloop.feedback.models import Feedback

    for giver in world.sellers:
        Feedback.objects.create(
            organization=world.org.organization,
            giver=giver,
            recipient=world.engineers[0],
            kind="praise",
            body="Thanks",
            created_at=dt.datetime(2026, 5, 5, tzinfo=dt.UTC),
        )
    refresh.refresh()
    months = {r["month"]: r for r in dashboard(world)["conversations"]["trend"]}
    assert months[dt.date(2026, 5, 1)]["given"] == 6
    assert months[dt.date(2026, 5, 1)]["feedback_per_person"] == 0.3


def test_a_repeated_view_is_served_from_the_cache_until_a_refresh(world: w.World) -> None:
    for person in world.engineers[:6]:
        Learning(person, 1).full(START)
    refresh.refresh()
    first = dashboard(world)
    for person in world.sellers:
        Learning(person, 1).full(START)
    assert dashboard(world) == first  # cached: no new query
    refresh.refresh()
    assert dashboard(world)["weekly"] != first["weekly"]


def test_the_personal_view_shows_a_streak_of_active_weeks(world: w.World) -> None:
    person = world.engineers[1]
    today = w.TODAY  # a Tuesday
    for weeks_back in (0, 1, 2, 4):
        Learning(person, weeks_back).launched(today - dt.timedelta(days=1 + 7 * weeks_back))
    refresh.refresh()
    data = queries.personal(person, today=today)
    assert data["streak_weeks"] == 3
    assert data["in_progress"] == 0  # launched without an enrolled statement: not listed


def test_every_kpi_definition_is_in_the_docs() -> None:
    from pathlib import Path

    from learnloop.insights.definitions import DEFINITIONS

    docs = (Path(__file__).resolve().parents[3] / "docs" / "insights.md").read_text()
    for key, (label, text) in DEFINITIONS.items():
        assert f"**{label}** (`{key}`). {text}" in docs, key
