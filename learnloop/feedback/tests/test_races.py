"""Concurrent feedback, check-in, OKR and review writes keep their invariants
(learnloop/testing/concurrency.py). Each thread loads its own copy of a row, as requests do."""

from __future__ import annotations

import datetime

from django.utils import timezone

from learnloop.audit.models import AuditEvent
from learnloop.conftest import Org
from learnloop.feedback import actions
from learnloop.feedback.actions import InvalidInput
from learnloop.feedback.models import (
    AgendaItem,
    AnonymousAnswer,
    CheckIn,
    CheckInSeries,
    Feedback,
    FeedbackRequest,
    KeyResult,
    Notification,
    Objective,
    Period,
)
from learnloop.skills.models import Skill, SkillClaim
from learnloop.testing.concurrency import concurrent, race


def _due() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=5)


@concurrent
def test_accepting_the_skills_of_feedback_concurrently_adds_the_evidence_once(org: Org) -> None:
    for label in ("SQL", "Planning"):
        Skill.objects.create(organization=org.organization, label=label)
    given = actions.give_feedback(
        org.peer, org.employee, kind="praise", body="Great queries", skill_names="SQL, Planning"
    )
    result = race(
        lambda _: actions.accept_skills(Feedback.objects.get(pk=given.pk), by=org.employee)
    )
    assert result.errors_other_than(InvalidInput) == []
    assert len(result.values) == 1
    assert SkillClaim.objects.filter(employee=org.employee).count() == 2


@concurrent
def test_starting_a_series_concurrently_makes_one_and_refuses_the_others_clearly(
    org: Org,
) -> None:
    first = timezone.now() + datetime.timedelta(days=1)
    result = race(lambda _: actions.start_series(org.manager, org.employee, first_at=first))
    assert result.errors_other_than(InvalidInput) == []
    assert len(result.values) == 1
    assert CheckInSeries.objects.filter(report=org.employee, active=True).count() == 1


@concurrent
def test_the_current_period_is_created_once_by_concurrent_first_visits(org: Org) -> None:
    result = race(lambda _: actions.current_period(org.organization))
    assert result.errors == []
    assert len({p.pk for p in result.values}) == 1
    assert Period.objects.filter(organization=org.organization).count() == 1


@concurrent
def test_no_anonymous_answer_lands_after_its_request_closed(org: Org) -> None:
    people = [org.peer, org.manager, org.hr, org.ld, org.ceo, org.executive]
    request = actions.request_feedback(
        org.employee, about="Meetings", respondents=people, due_date=_due(), anonymous=True
    )

    def act(i: int) -> object:
        mine = FeedbackRequest.objects.get(pk=request.pk)
        if i == len(people):
            return actions.close_request(mine, by=org.employee)
        return actions.answer_anonymously(mine, people[i], body=f"answer {i}", rating=3)

    result = race(act, threads=len(people) + 1)
    assert result.errors_other_than(InvalidInput) == []
    closed = AuditEvent.objects.get(action="feedback.request_closed", target_id=str(request.pk))
    assert closed.data["answers"] == AnonymousAnswer.objects.filter(request=request).count()


@concurrent
def test_an_agenda_point_added_while_the_meeting_completes_is_carried_over(org: Org) -> None:
    series = actions.start_series(
        org.manager, org.employee, first_at=timezone.now() + datetime.timedelta(days=1)
    )
    meeting = series.meetings.get()

    def act(i: int) -> object:
        mine = CheckIn.objects.get(pk=meeting.pk)
        if i == 0:
            return actions.complete_meeting(mine, org.manager)
        return actions.add_agenda_item(mine, org.employee, f"point {i}")

    result = race(act)
    assert result.errors_other_than(InvalidInput) == []
    carried = set(
        AgendaItem.objects.exclude(meeting=meeting).values_list("carried_from", flat=True)
    )
    points = AgendaItem.objects.filter(meeting=meeting, discussed=False)
    assert [p.text for p in points if p.pk not in carried] == []


@concurrent
def test_concurrent_key_result_updates_leave_the_latest_week_as_current(org: Org) -> None:
    objective = actions.create_objective(
        org.manager,
        period=actions.current_period(org.organization),
        level="team",
        title="Ship weekly",
    )
    kr = actions.add_key_result(objective, by=org.manager, title="Releases", start=0, target=12)
    monday = actions.week_of(timezone.localdate())

    def act(i: int) -> object:
        return actions.update_key_result(
            KeyResult.objects.get(pk=kr.pk),
            by=org.manager,
            value=i,
            confidence=5,
            on=monday - datetime.timedelta(weeks=i),
        )

    result = race(act)
    assert result.errors == []
    kr.refresh_from_db()
    assert kr.current == 0  # the value of this week, the latest


@concurrent
def test_concurrent_reminder_runs_remind_each_respondent_once(org: Org) -> None:
    people = [org.peer, org.manager, org.hr]
    actions.request_feedback(
        org.employee,
        about="My demo",
        respondents=people,
        due_date=timezone.localdate() + datetime.timedelta(days=1),
    )
    result = race(lambda _: actions.remind_respondents(), threads=4)
    assert result.errors == []
    assert sum(result.values) == len(people)
    reminders = Notification.objects.filter(title__startswith="Reminder:")
    assert reminders.count() == len(people)


@concurrent
def test_two_objectives_aligned_to_each_other_at_once_make_no_circle(org: Org) -> None:
    period = actions.current_period(org.organization)
    a, b = (
        actions.create_objective(org.manager, period=period, level="team", title=title)
        for title in ("Ship weekly", "Fewer incidents")
    )
    pairs = [(a, b), (b, a)]

    def act(i: int) -> object:
        child, parent = pairs[i % 2]
        return actions.align(
            Objective.objects.get(pk=child.pk),
            Objective.objects.get(pk=parent.pk),
            by=org.manager,
        )

    result = race(act, threads=2)
    assert result.errors_other_than(InvalidInput) == []
    assert len(result.values) == 1


@concurrent
def test_concurrent_check_in_reminder_runs_remind_each_meeting_once(org: Org) -> None:
    actions.start_series(
        org.manager, org.employee, first_at=timezone.now() + datetime.timedelta(hours=12)
    )
    result = race(lambda _: actions.remind_upcoming_checkins(), threads=4)
    assert result.errors == []
    assert sum(result.values) == 1
