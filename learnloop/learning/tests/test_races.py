"""Concurrent writes to learning data keep their invariants (learnloop/testing/concurrency.py).
Each thread loads its own copy of a row, as concurrent requests do."""

from __future__ import annotations

import datetime

from django.utils import timezone

from learnloop.learning import actions
from learnloop.learning.models import (
    Answer,
    Attempt,
    Enrollment,
    Item,
    ItemSkill,
    LessonProgress,
    Path,
)
from learnloop.learning.tests.conftest import RIGHT, World, responses
from learnloop.skills.models import SkillClaim, Source
from learnloop.testing.concurrency import concurrent, race


@concurrent
def test_it_grades_one_attempt_once_when_it_is_submitted_eight_times_at_once(
    world: World,
) -> None:
    employee = world.org.employee
    attempt = actions.start_attempt(world.quiz, employee, actor=employee.user)
    result = race(
        lambda _: actions.submit_attempt(
            Attempt.objects.get(pk=attempt.pk), responses(world, RIGHT), actor=employee.user
        )
    )
    assert result.errors_other_than(actions.LearningError) == []
    assert len(result.values) == 1
    assert Answer.objects.filter(attempt=attempt).count() == len(world.questions)
    assert SkillClaim.objects.filter(employee=employee, source=Source.ASSESSMENT).count() == 1


@concurrent
def test_it_allows_one_attempt_on_a_one_attempt_quiz_whatever_the_concurrency(
    world: World,
) -> None:
    world.quiz.max_attempts = 1
    world.quiz.save(update_fields=["max_attempts"])
    peer = world.org.peer

    def attempt(_: int) -> actions.Outcome:
        started = actions.start_attempt(world.quiz, peer, actor=peer.user)
        return actions.submit_attempt(started, responses(world, RIGHT), actor=peer.user)

    result = race(attempt)
    assert result.errors_other_than(actions.LearningError) == []
    assert len(result.values) == 1
    assert Attempt.objects.filter(quiz=world.quiz, enrollment__employee=peer).count() == 1
    assert Answer.objects.filter(attempt__enrollment__employee=peer).count() == len(world.questions)
    assert SkillClaim.objects.filter(employee=peer, source=Source.ASSESSMENT).count() == 1


@concurrent
def test_concurrent_enrolments_in_one_item_make_one_enrolment_and_no_error(world: World) -> None:
    peer = world.org.peer
    result = race(lambda _: actions.enrol(peer, world.advanced, actor=peer.user))
    assert result.errors == []
    assert len({e.pk for e in result.values}) == 1
    assert Enrollment.objects.filter(employee=peer, item=world.advanced).count() == 1


@concurrent
def test_a_group_assignment_racing_self_enrolments_enrols_each_person_once(world: World) -> None:
    org = world.org
    people = [org.employee, org.peer, org.manager]

    def act(i: int) -> object:
        if i % 2:
            return actions.assign_group(
                world.advanced, people, actor=org.ld.user, due_date=None, mandatory=True
            )
        person = people[i // 2 % len(people)]
        return actions.enrol(person, world.advanced, actor=person.user)

    result = race(act)
    assert result.errors == []
    enrolments = Enrollment.objects.filter(item=world.advanced)
    assert sorted(enrolments.values_list("employee", flat=True)) == sorted(p.pk for p in people)
    assert all(enrolments.values_list("mandatory", flat=True))


@concurrent
def test_concurrent_completions_complete_once_with_one_claim_and_certificate(
    world: World,
) -> None:
    enrollment = world.assignment
    result = race(
        lambda _: actions.complete(Enrollment.objects.get(pk=enrollment.pk), actor=None, seconds=60)
    )
    assert result.errors_other_than(actions.LearningError) == []
    assert len(result.values) == 1
    enrollment.refresh_from_db()
    assert enrollment.seconds_spent == 60
    claims = SkillClaim.objects.filter(employee=enrollment.employee, source=Source.LEARNING)
    assert claims.count() == 1


@concurrent
def test_concurrent_lessons_and_progress_lose_no_time_spent(world: World) -> None:
    employee = world.org.employee
    enrollment = actions.enrol(employee, world.basics, actor=employee.user)
    lesson = world.basics.modules.get().lessons.order_by("position").first()
    assert lesson is not None

    def act(i: int) -> object:
        # Each request loads its own copy of the row, as views do.
        mine = Enrollment.objects.get(pk=enrollment.pk)
        if i % 2:
            return actions.complete_lesson(mine, lesson, actor=None, seconds=10)
        return actions.record_progress(mine, 0.25, actor=None, seconds=5)

    result = race(act)
    assert result.errors == []
    enrollment.refresh_from_db()
    assert enrollment.seconds_spent == 4 * 10 + 4 * 5
    assert LessonProgress.objects.filter(enrollment=enrollment).count() == 1


@concurrent
def test_concurrent_path_edits_lose_none_of_the_pins(world: World) -> None:
    employee = world.org.employee
    items = [world.basics, world.advanced, world.primer]
    result = race(lambda i: actions.edit_path(employee, items[i], "add", actor=None), threads=3)
    assert result.errors == []
    assert sorted(Path.objects.get(employee=employee).pinned) == sorted(i.pk for i in items)


@concurrent
def test_one_title_added_to_the_catalog_at_once_in_any_case_is_added_once(world: World) -> None:
    titles = ["Rust basics", "rust basics", "RUST BASICS", "Rust Basics"]
    organization = world.org.organization
    result = race(
        lambda i: actions.create_item(
            organization, actions.ItemData(title=titles[i % 4]), actor=world.org.ld.user
        )
    )
    assert result.errors_other_than(actions.LearningError) == []
    assert Item.objects.filter(organization=organization, title__iexact="rust basics").count() == 1


@concurrent
def test_skills_suggested_for_an_item_twice_at_once_are_stored_once(world: World) -> None:
    item = actions.create_item(
        world.org.organization,
        actions.ItemData(
            title="Data work", description="Python (computer programming) and SQL queries."
        ),
        actor=None,
    )
    result = race(
        lambda _: actions.suggest_skills(Item.objects.get(pk=item.pk), actor=None), threads=4
    )
    assert result.errors == []
    skills = list(ItemSkill.objects.filter(item=item).values_list("skill", flat=True))
    assert skills and len(skills) == len(set(skills))


@concurrent
def test_concurrent_reminder_runs_remind_each_person_once(world: World) -> None:
    world.assignment.due_date = timezone.localdate() + datetime.timedelta(days=2)
    world.assignment.save(update_fields=["due_date"])
    result = race(lambda _: actions.send_reminders(), threads=4)
    assert result.errors == []
    assert sum(result.values) == 1


@concurrent
def test_accepting_and_rejecting_one_suggested_skill_at_once_fails_no_request(
    world: World,
) -> None:
    row = ItemSkill.objects.create(
        item=world.primer, skill=world.python, level=2, confirmed=False, score=0.5
    )
    result = race(
        lambda i: actions.decide_skill(
            ItemSkill.objects.select_related("item").get(pk=row.pk),
            accept=i % 2 == 0,
            level=2,
            actor=None,
        )
    )
    # The last decision stands; the requests that find the row rejected are told so.
    assert result.errors_other_than(actions.LearningError) == []
    assert all("removed" in str(e) for e in result.errors)
