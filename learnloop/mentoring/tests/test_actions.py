"""Mentoring writes: profiles, drafts and their edits, the relationship lifecycle, and the xAPI
statements each records (docs/xapi-profile.md, "Learning and mentoring")."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from learnloop.audit.models import AuditEvent
from learnloop.mentoring import actions
from learnloop.mentoring.models import Draft, DraftPair, Relationship
from learnloop.mentoring.tests.conftest import World
from learnloop.xapi import profile
from learnloop.xapi.models import Statement


def statements(verb: profile.Verb) -> list[dict]:
    rows = Statement.objects.filter(verb__iri=verb.iri).order_by("stored", "id")
    return [json.loads(row.data) for row in rows]


def test_a_mentor_teaches_at_the_level_of_their_skills_profile(world: World):
    levels = {s["skill"]: s["level"] for s in world.ld_mentor.skills}
    assert levels == {world.python.pk: 5, world.speaking.pk: 3}
    assert world.employee_profile.goal_vector is not None


def test_accepting_a_request_enrolls_the_mentee_with_the_relationship_as_registration(world: World):
    enrolled = [
        s
        for s in statements(profile.ENROLLED)
        if s["context"]["registration"] == str(world.pair.uuid)
    ]
    assert len(enrolled) == 1
    statement = enrolled[0]
    assert statement["actor"]["mbox"] == f"mailto:{world.org.peer.user.email}"
    assert statement["object"]["id"] == profile.activity_iri(
        "mentoring.relationship", world.pair.pk
    )
    assert statement["object"]["definition"]["type"] == profile.MENTORING_RELATIONSHIP
    assert statement["context"]["extensions"][
        profile.MENTORING_PROGRAM_EXT
    ] == profile.activity_iri("mentoring.program", world.program.pk)


def test_a_logged_session_is_mentored_by_the_mentor_with_its_length(world: World):
    (statement,) = statements(profile.MENTORED)
    assert statement["actor"]["mbox"] == f"mailto:{world.org.ld.user.email}"
    assert statement["object"]["id"] == profile.activity_iri("mentoring.session", world.session.pk)
    assert statement["object"]["definition"]["type"] == profile.MENTORING_SESSION
    assert statement["result"]["duration"] == "PT50M"
    assert (
        statement["context"]["extensions"][profile.MENTEE]["mbox"]
        == f"mailto:{world.org.peer.user.email}"
    )
    assert statement["context"]["registration"] == str(world.pair.uuid)
    assert statement["timestamp"].startswith(world.session.held_on.isoformat())


def test_goal_progress_records_the_mean_over_the_pairs_goals(world: World):
    second = actions.add_goal(world.org.peer.user, world.pair, "Run a workshop")
    actions.set_progress(world.org.peer.user, world.goal, 1.0)
    actions.set_progress(world.org.peer.user, second, 0.5)
    progress = [s["result"]["extensions"][profile.PROGRESS] for s in statements(profile.PROGRESSED)]
    assert progress == [0.5, 0.75]
    with pytest.raises(actions.InvalidInput, match="progress: must be between 0 and 1"):
        actions.set_progress(world.org.peer.user, second, 2)


def test_closing_completes_the_relationship_with_the_survey(world: World):
    actions.close(
        world.org.peer.user,
        world.pair,
        {"rating": 5, "goals_met": 4, "would_recommend": "on", "comment": "Great"},
    )
    world.pair.refresh_from_db()
    assert world.pair.status == Relationship.Status.CLOSED
    assert world.pair.survey["rating"] == 5
    (statement,) = statements(profile.COMPLETED)
    assert statement["result"]["completion"] is True
    assert statement["actor"]["mbox"] == f"mailto:{world.org.peer.user.email}"
    with pytest.raises(actions.InvalidInput, match="relationship: this relationship is closed"):
        actions.log_session(
            world.org.ld.user, world.pair, world.org.ld, held_on=timezone.localdate()
        )


def test_the_draft_pairs_the_unpaired_mentee_with_the_best_allowed_mentor(world: World):
    pairs = {(p.mentee_id, p.mentor_id) for p in world.draft.pairs.all()}
    # Emma wants Python at 4: Lea (level 5) beats Hana (2). Peer and executive are not in the
    # pool (Pete is paired, Ezra has a pending request).
    assert pairs == {(world.org.employee.pk, world.org.ld.pk)}
    pair = world.draft.pairs.get()
    assert sum(pair.components.values()) == pytest.approx(pair.score, abs=1e-5)
    assert world.draft.optimal_total == pytest.approx(pair.score, abs=1e-5)


def test_a_draft_edit_that_breaks_a_hard_constraint_is_refused_with_the_reason(world: World):
    org = world.org
    # Lea's manager is the CEO; make the CEO a mentor and Lea's report a mentee in the chain.
    actions.save_profile(
        org.ceo.user,
        world.program,
        org.ceo,
        "mentor",
        {"skills": [{"skill": world.python.pk}], "capacity": 1},
    )
    with pytest.raises(actions.InvalidInput, match="management chain"):
        actions.set_draft_pair(org.ld.user, world.draft, org.employee, org.ceo)
    # The manager is in Emma's chain too: swapping to a stranger works, to a non-mentor fails.
    pair = actions.set_draft_pair(org.ld.user, world.draft, org.employee, org.hr)
    assert pair.edited and pair.mentor_id == org.hr.pk
    with pytest.raises(actions.InvalidInput, match=r"mentor: .* not a mentor"):
        actions.set_draft_pair(org.ld.user, world.draft, org.employee, org.manager)
    actions.remove_draft_pair(org.ld.user, world.draft, org.employee)
    assert not world.draft.pairs.exists()


def test_publishing_a_draft_starts_every_pair_and_enrolls_each_mentee(world: World):
    before = len(statements(profile.ENROLLED))
    relationships = actions.publish_draft(world.org.ld.user, world.draft)
    assert [(r.mentee_id, r.mentor_id, r.status) for r in relationships] == [
        (world.org.employee.pk, world.org.ld.pk, "active")
    ]
    assert len(statements(profile.ENROLLED)) == before + 1
    world.draft.refresh_from_db()
    assert world.draft.status == Draft.Status.PUBLISHED
    assert AuditEvent.objects.filter(action="mentoring.draft_published").count() == 1
    with pytest.raises(actions.InvalidInput, match="draft: this draft is published"):
        actions.publish_draft(world.org.ld.user, world.draft)


def test_a_mentee_cannot_request_their_own_manager(world: World):
    org = world.org
    actions.save_profile(
        org.manager.user, world.program, org.manager, "mentor", {"capacity": 2, "skills": []}
    )
    with pytest.raises(actions.InvalidInput, match="cannot take you"):
        actions.request_mentor(org.employee.user, world.program, org.employee, org.manager)
    assert not Relationship.objects.filter(mentee=org.employee).exists()


def test_suggestions_explain_each_score_component_by_component(world: World):
    found = actions.suggestions(world.program, world.org.employee, k=5)
    assert [s["mentor"].employee_id for s in found] == [world.org.ld.pk, world.org.hr.pk]
    for suggestion in found:
        assert sum(p["points"] for p in suggestion["parts"]) == pytest.approx(
            suggestion["score"], abs=0.01
        )
    skills = {p["name"]: p["value"] for p in found[0]["parts"]}["skills"]
    assert skills == 1.0


def test_declining_a_request_keeps_the_pair_out_of_later_matching(world: World):
    actions.respond(world.org.hr.user, world.request, accept=False)
    draft = actions.create_draft(world.org.ld.user, world.program)
    assert not draft.pairs.filter(mentee=world.org.executive, mentor=world.org.hr).exists()
    assert DraftPair.objects.filter(draft=world.draft).exists()
    world.draft.refresh_from_db()
    assert world.draft.status == Draft.Status.DISCARDED


def test_bad_program_input_names_the_field(world: World):
    with pytest.raises(actions.InvalidInput, match="ends_on: must be after"):
        actions.update_program(world.org.ld.user, world.program, {"ends_on": "2000-01-01"})
    with pytest.raises(actions.InvalidInput, match="weights"):
        actions.update_program(world.org.ld.user, world.program, {"weights": {"goals": "-2"}})
    with pytest.raises(actions.InvalidInput, match="languages"):
        actions.save_profile(
            world.org.employee.user,
            world.program,
            world.org.employee,
            "mentee",
            {"languages": ["english"]},
        )
    with pytest.raises(actions.InvalidInput, match="held_on: a session cannot be logged before"):
        actions.log_session(
            world.org.ld.user,
            world.pair,
            world.org.ld,
            held_on=timezone.localdate() + datetime.timedelta(days=2),
        )


def test_reminders_go_to_pairs_without_a_recent_session_once_per_cadence(world: World):
    today = timezone.localdate()
    assert actions.send_reminders(today) == 0  # session three days ago, fortnightly cadence
    later = today + datetime.timedelta(days=20)
    assert actions.send_reminders(later) == 1
    assert actions.send_reminders(later + datetime.timedelta(days=1)) == 0
