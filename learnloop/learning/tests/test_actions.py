"""Actions of the learning app: enrollments, progress, quizzes, ratings, certificates, paths,
with the xAPI statements each records checked against docs/xapi-profile.md."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.utils import timezone

from learnloop.audit.models import AuditEvent
from learnloop.learning import actions, catalog_csv, planning
from learnloop.learning.models import (
    Certificate,
    Enrollment,
    EnrollmentSource,
    Item,
    ItemSkill,
    Mastery,
)
from learnloop.learning.tests.conftest import RIGHT, WRONG, World, responses
from learnloop.people.models import Department
from learnloop.skills.models import SkillClaim, Source
from learnloop.xapi import profile
from learnloop.xapi.models import Statement


def statements(verb: profile.Verb) -> list[dict[str, Any]]:
    rows = Statement.objects.filter(verb__iri=verb.iri).order_by("stored", "id")
    return [json.loads(s.data) for s in rows]


def registration_of(statement: dict[str, Any]) -> str:
    return str(statement["context"]["registration"])


def test_a_manager_assignment_records_enrolled_with_source_due_date_cost_and_skills(
    world: World,
) -> None:
    enrolled = statements(profile.ENROLLED)
    mine = [s for s in enrolled if registration_of(s) == str(world.assignment.uuid)]
    assert len(mine) == 1
    ext = mine[0]["context"]["extensions"]
    assert ext[profile.ENROLLMENT_SOURCE] == "manager"
    assert ext[profile.DUE_DATE] == world.assignment.due_date.isoformat()
    assert ext[profile.COST] == 0.0
    assert ext[profile.SKILLS] == ["http://data.europa.eu/esco/skill/SQL"]
    assert mine[0]["object"]["id"] == profile.activity_iri("learning.item", world.primer.pk)
    assert mine[0]["object"]["definition"]["type"] == profile.ARTICLE
    assert mine[0]["actor"]["mbox"] == f"mailto:{world.org.employee.user.email}"
    assert AuditEvent.objects.filter(action="learning.enrolled").exists()


def test_lessons_progress_then_complete_with_duration_a_learning_claim_and_a_certificate(
    world: World,
) -> None:
    enrollment = actions.enrol(world.org.peer, world.basics, actor=world.org.peer.user)
    lessons = list(world.basics.modules.get().lessons.all())
    actions.complete_lesson(enrollment, lessons[0], actor=None, seconds=600)
    enrollment.refresh_from_db()
    assert enrollment.progress == 0.5
    progressed = statements(profile.PROGRESSED)[-1]
    assert progressed["result"]["extensions"][profile.PROGRESS] == 0.5
    assert registration_of(progressed) == str(enrollment.uuid)
    actions.complete_lesson(enrollment, lessons[1], actor=None, seconds=900)
    enrollment.refresh_from_db()
    assert enrollment.is_completed and enrollment.seconds_spent == 1500
    done = statements(profile.COMPLETED)[-1]
    assert done["result"] == {"completion": True, "duration": "PT0H25M0S"}
    assert done["context"]["extensions"][profile.ENROLLMENT_SOURCE] == "self"
    assert done["context"]["extensions"][profile.SKILLS] == [
        "http://data.europa.eu/esco/skill/Python-(computer-programming)"
    ]
    assert Certificate.objects.filter(enrollment=enrollment).exists()
    assert SkillClaim.objects.filter(
        employee=world.org.peer, skill=world.python, source=Source.LEARNING, level=2
    ).exists()


def test_a_rating_records_rated_with_the_score_and_comment(world: World) -> None:
    actions.rate(world.assignment, 4, actor=None, comment="Clear and short")
    rated = statements(profile.RATED)[-1]
    assert rated["result"] == {
        "score": {"raw": 4, "min": 1, "max": 5},
        "response": "Clear and short",
    }
    assert registration_of(rated) == str(world.assignment.uuid)
    with pytest.raises(actions.LearningError, match="stars"):
        actions.rate(world.assignment, 6, actor=None)


def test_a_quiz_attempt_records_answers_then_passed_and_an_assessment_claim(
    world: World,
) -> None:
    employee = world.org.employee
    attempt = actions.start_attempt(world.quiz, employee, actor=employee.user)
    outcome = actions.submit_attempt(attempt, responses(world, RIGHT), actor=employee.user)
    assert outcome.attempt.passed is True and outcome.attempt.score == 1.0
    answered = [
        s
        for s in statements(profile.ANSWERED)
        if registration_of(s) == str(attempt.enrollment.uuid)
    ]
    assert len(answered) == 3
    assert all(s["result"]["success"] is True for s in answered)
    parent = answered[0]["context"]["contextActivities"]["parent"][0]["id"]
    assert parent == profile.activity_iri("learning.quiz", world.quiz.pk)
    passed = statements(profile.PASSED)[-1]
    assert passed["result"] == {"score": {"scaled": 1.0}, "success": True}
    assert registration_of(passed) == str(attempt.enrollment.uuid)
    claim = SkillClaim.objects.get(employee=employee, source=Source.ASSESSMENT)
    assert (claim.skill, claim.level) == (world.python, 2)


def test_a_failed_attempt_records_failed_and_a_malformed_answer_changes_nothing(
    world: World,
) -> None:
    peer = world.org.peer
    attempt = actions.start_attempt(world.quiz, peer, actor=peer.user)
    bad = responses(world, RIGHT) | {world.questions[2].pk: "three"}
    with pytest.raises(actions.LearningError, match="number"):
        actions.submit_attempt(attempt, bad, actor=peer.user)
    assert not Mastery.objects.filter(employee=peer).exists()
    actions.submit_attempt(attempt, responses(world, WRONG), actor=peer.user)
    failed = statements(profile.FAILED)[-1]
    assert failed["result"] == {"score": {"scaled": 0.0}, "success": False}


def test_a_right_answer_raises_mastery_above_a_wrong_one_and_the_path_replans(
    world: World,
) -> None:
    employee, peer = world.org.employee, world.org.peer
    actions.set_path(employee, actor=employee.user)
    actions.set_path(peer, actor=peer.user)
    before = planning.path_for(employee).plan
    assert world.basics.pk in [s["item"] for s in before["steps"]]
    right = actions.submit_attempt(
        actions.start_attempt(world.quiz, employee, actor=None), responses(world, RIGHT), actor=None
    )
    wrong = actions.submit_attempt(
        actions.start_attempt(world.quiz, peer, actor=None), responses(world, WRONG), actor=None
    )
    (up,) = right.changes
    (down,) = wrong.changes
    assert up.after > down.after
    assert up.after >= 0.85  # mastered: the planner skips what teaches it
    after = planning.path_for(employee).plan
    assert world.basics.pk not in [s["item"] for s in after["steps"]]
    assert any("mastery" in why for _, _, why in after["skipped"])
    assert right.path_change is not None and right.path_change.removed
    assert world.basics.pk in [s["item"] for s in planning.path_for(peer).plan["steps"]]


def test_every_step_says_why_and_the_path_has_a_close_date(world: World) -> None:
    employee = world.org.employee
    path = actions.set_path(employee, actor=None, target_kind="next_role", weekly_hours=4)
    steps = path.plan["steps"]
    assert path.plan["target"] == "Data Engineer"
    assert [s["item"] for s in steps].index(world.basics.pk) < [s["item"] for s in steps].index(
        world.advanced.pk
    )
    assert all(s["reasons"] for s in steps)
    assert any(
        "raises Python (computer programming) from" in r and "Data Engineer" in r
        for s in steps
        for r in s["reasons"]
    )
    assert path.closes_on is not None and path.closes_on > timezone.localdate()


def test_dropping_an_item_is_respected_by_the_next_plan(world: World) -> None:
    employee = world.org.employee
    actions.set_path(employee, actor=None, target_kind="next_role")
    path = actions.edit_path(employee, world.primer, "drop", actor=None)
    assert world.primer.pk not in [s["item"] for s in path.plan["steps"]]
    assert any("dropped" in why for _, _, why in path.plan["unmet"])
    path = actions.edit_path(employee, world.primer, "restore", actor=None)
    assert world.primer.pk in [s["item"] for s in path.plan["steps"]]


def test_l_and_d_assigns_a_team_all_or_nothing(world: World) -> None:
    org = world.org
    team = Department.objects.create(organization=org.organization, name="Platform", path="/9/")
    for person in (org.employee, org.peer):
        person.department = team
        person.save(update_fields=["department"])
    people = actions.group_members(org.organization, department=team)
    past = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(actions.LearningError, match="past"):
        actions.assign_group(world.basics, people, actor=org.ld.user, due_date=past, mandatory=True)
    assert not Enrollment.objects.filter(item=world.basics).exists()
    due = timezone.localdate() + datetime.timedelta(days=30)
    actions.assign_group(world.basics, people, actor=org.ld.user, due_date=due, mandatory=True)
    rows = Enrollment.objects.filter(item=world.basics)
    assert {(e.employee_id, e.source, e.due_date, e.mandatory) for e in rows} == {
        (org.employee.pk, EnrollmentSource.LEARNING_TEAM, due, True),
        (org.peer.pk, EnrollmentSource.LEARNING_TEAM, due, True),
    }


def test_suggested_skills_count_only_once_confirmed(world: World) -> None:
    item = Item.objects.create(
        organization=world.org.organization,
        title="Query tuning",
        description="Write faster SQL queries for reports.",
    )
    found = actions.suggest_skills(item, actor=world.org.ld.user)
    assert [row.skill for row in found] == [world.sql]
    assert world.sql.pk not in planning.catalog(world.org.organization).reaches[item.pk]
    actions.decide_skill(found[0], accept=True, level=3, actor=world.org.ld.user)
    assert planning.catalog(world.org.organization).reaches[item.pk] == {world.sql.pk: 3}
    assert ItemSkill.objects.get(item=item).confirmed


CSV_HEADER = "title,kind,duration_minutes,skills,prerequisite_items,cost\n"


def test_a_catalog_csv_with_errors_names_line_and_column_and_changes_nothing(
    world: World,
) -> None:
    content = (
        CSV_HEADER
        + "Pandas,course,90,SQL:2,Python basics,0\n"
        + "Spark,webinar,abc,Cobol:2,Nothing,-3\n"
    )
    with pytest.raises(catalog_csv.CatalogImportError) as caught:
        catalog_csv.import_catalog(world.org.organization, content, actor=None, filename="c.csv")
    found = {(e.line, e.column) for e in caught.value.errors}
    assert found == {
        (3, "kind"),
        (3, "duration_minutes"),
        (3, "cost"),
        (3, "skills"),
        (3, "prerequisite_items"),
    }
    assert "c.csv" in str(caught.value)
    assert not Item.objects.filter(title="Pandas").exists()


def test_a_catalog_csv_round_trips_through_export_and_import(world: World) -> None:
    content = (
        CSV_HEADER + "Pandas,course,90,SQL:2; Python (computer programming):2,Python basics,10\n"
    )
    result = catalog_csv.import_catalog(world.org.organization, content, actor=None)
    assert (result.created, result.updated) == (1, 0)
    pandas = Item.objects.get(title="Pandas")
    assert list(pandas.prerequisite_items.all()) == [world.basics]
    exported = catalog_csv.export_catalog(world.org.organization)
    again = catalog_csv.import_catalog(world.org.organization, exported, actor=None)
    assert (again.created, again.updated) == (0, 4)
    assert {(s.skill.label, s.level) for s in pandas.skills.all()} == {
        ("SQL", 2),
        ("Python (computer programming)", 2),
    }


def test_mandatory_training_reminders_mail_the_person_and_the_manager_when_overdue(
    world: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    from learnloop.learning import tasks

    today = timezone.localdate()
    world.assignment.due_date = today - datetime.timedelta(days=2)
    world.assignment.save(update_fields=["due_date"])
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_mandatory_training.call() == 1
    recipients = sorted(address for mail in mailoutbox for address in mail.to)
    assert recipients == sorted([world.org.employee.user.email, world.org.manager.user.email])
    assert "SQL primer" in mailoutbox[0].body and "overdue" in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_mandatory_training.call() == 0  # reminded at most weekly
    assert AuditEvent.objects.filter(action="learning.reminder_sent").count() == 1


def test_an_organization_with_enough_answers_gets_its_own_tracer(world: World) -> None:
    from learnloop.learning import tracing
    from learnloop.learning.models import KnowledgeModel

    organization = world.org.organization
    assert tracing.refit(organization.pk) is None  # too few answers: the bootstrap stays
    for person, which in ((world.org.employee, RIGHT), (world.org.peer, WRONG)):
        attempt = actions.start_attempt(world.quiz, person, actor=None)
        actions.submit_attempt(attempt, responses(world, which), actor=None)
    assert [len(s.skills) for s in tracing.answer_sequences(organization.pk)] == [3, 3]
    model_id = tracing.refit(organization.pk, minimum=6)
    assert model_id == KnowledgeModel.objects.get(organization=organization).pk
    assert tracing.tracer_for(organization.pk) is not tracing.bootstrap()
