"""Concurrent mentoring writes keep their invariants (learnloop/testing/concurrency.py).
Each thread loads its own copy of a row, as concurrent requests do."""

from __future__ import annotations

import datetime

from django.utils import timezone

from learnloop.mentoring import actions
from learnloop.mentoring.actions import InvalidInput
from learnloop.mentoring.models import (
    Draft,
    Participant,
    Program,
    Relationship,
    Session,
    SessionFeedback,
)
from learnloop.mentoring.queries import OPEN
from learnloop.mentoring.tests.conftest import World
from learnloop.testing.concurrency import concurrent, race


@concurrent
def test_accepting_and_declining_a_request_at_once_decides_it_once(world: World) -> None:
    hr = world.org.hr.user
    result = race(
        lambda i: actions.respond(
            hr, Relationship.objects.get(pk=world.request.pk), accept=i % 2 == 0
        )
    )
    assert result.errors_other_than(InvalidInput) == []
    assert len(result.values) == 1
    world.request.refresh_from_db()
    assert world.request.status == result.values[0].status


@concurrent
def test_a_mentee_asking_two_mentors_at_once_gets_one_open_request(world: World) -> None:
    employee = world.org.employee
    mentors = [world.org.ld, world.org.hr]

    def ask(i: int) -> object:
        program = Program.objects.get(pk=world.program.pk)
        return actions.request_mentor(employee.user, program, employee, mentors[i % 2])

    result = race(ask)
    assert result.errors_other_than(InvalidInput) == []
    assert len(result.values) == 1
    open_ = Relationship.objects.filter(program=world.program, mentee=employee, status__in=OPEN)
    assert open_.count() == 1


@concurrent
def test_concurrent_requests_never_fill_a_mentor_beyond_capacity(world: World) -> None:
    org = world.org
    mentees = [org.manager, org.ceo]
    for person in mentees:
        actions.save_profile(
            person.user,
            world.program,
            person,
            "mentee",
            {"skills": [{"skill": world.speaking.pk, "level": 4}], "goals": "Speak well"},
        )
    # hr mentors two, and the executive's pending request holds one place already.
    result = race(
        lambda i: actions.request_mentor(
            mentees[i % 2].user,
            Program.objects.get(pk=world.program.pk),
            mentees[i % 2],
            org.hr,
        ),
        threads=4,
    )
    assert result.errors_other_than(InvalidInput) == []
    taken = Relationship.objects.filter(program=world.program, mentor=org.hr, status__in=OPEN)
    assert taken.count() == world.hr_mentor.capacity


@concurrent
def test_closing_a_relationship_twice_at_once_closes_it_once(world: World) -> None:
    peer = world.org.peer.user
    survey = {"rating": 5, "goals_met": 4, "would_recommend": True}
    result = race(lambda _: actions.close(peer, Relationship.objects.get(pk=world.pair.pk), survey))
    assert result.errors_other_than(InvalidInput) == []
    assert len(result.values) == 1


@concurrent
def test_feedback_on_a_session_given_twice_at_once_is_kept_once_and_refused_clearly(
    world: World,
) -> None:
    ld = world.org.ld
    result = race(
        lambda _: actions.give_feedback(
            ld.user, Session.objects.get(pk=world.session.pk), ld, rating=4
        )
    )
    assert result.errors_other_than(InvalidInput) == []
    assert SessionFeedback.objects.filter(session=world.session, author=ld).count() == 1


@concurrent
def test_a_draft_published_twice_at_once_is_published_once(world: World) -> None:
    ld = world.org.ld.user
    result = race(lambda _: actions.publish_draft(ld, Draft.objects.get(pk=world.draft.pk)))
    assert result.errors_other_than(InvalidInput) == []
    assert len(result.values) == 1


@concurrent
def test_two_programs_of_one_name_created_at_once_make_one_and_a_clear_refusal(
    world: World,
) -> None:
    today = timezone.localdate()
    data = {
        "name": "Speak up",
        "starts_on": today,
        "ends_on": today + datetime.timedelta(days=90),
    }
    org = world.org
    result = race(lambda _: actions.create_program(org.ld.user, org.organization, dict(data)))
    assert result.errors_other_than(InvalidInput) == []
    assert Program.objects.filter(organization=org.organization, name="Speak up").count() == 1


@concurrent
def test_saving_a_new_profile_twice_at_once_makes_one_profile(world: World) -> None:
    manager = world.org.manager
    data = {"skills": [{"skill": world.speaking.pk, "level": 3}], "goals": "Speak well"}
    result = race(
        lambda _: actions.save_profile(
            manager.user, Program.objects.get(pk=world.program.pk), manager, "mentee", data
        )
    )
    assert result.errors_other_than(InvalidInput) == []
    assert Participant.objects.filter(program=world.program, employee=manager).count() == 1


@concurrent
def test_concurrent_reminder_runs_remind_a_pair_once(world: World) -> None:
    Session.objects.filter(pk=world.session.pk).update(
        held_on=timezone.localdate() - datetime.timedelta(days=30)
    )
    result = race(lambda _: actions.send_reminders(), threads=4)
    assert result.errors == []
    assert sum(result.values) == 1
