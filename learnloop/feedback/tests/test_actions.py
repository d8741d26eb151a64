from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from learnloop.audit.models import AuditEvent
from learnloop.feedback import actions, queries
from learnloop.feedback.models import FeedbackInvite, FeedbackPolicy, KeyResultUpdate, Notification
from learnloop.feedback.tests.conftest import World, client
from learnloop.skills.models import EmployeeSkill, SkillClaim


def test_feedback_to_ones_manager_is_marked_upward(org) -> None:
    feedback = actions.give_feedback(
        org.employee, org.manager, kind="constructive", body="More context, please"
    )
    assert feedback.upward
    assert not actions.give_feedback(org.peer, org.employee, kind="praise", body="Nice").upward


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "constructive", "body": "x", "visibility": "public"}, "only praise"),
        ({"kind": "rant", "body": "x"}, "kind: must be one of"),
        ({"kind": "praise", "body": "   "}, "body: may not be empty"),
        (
            {"kind": "praise", "body": "x", "skill_names": ["a"] * 0 + [str(i) for i in range(11)]},
            "at most 10",
        ),
    ],
)
def test_it_rejects_bad_feedback_with_a_field_and_reason(org, kwargs, message) -> None:
    with pytest.raises(actions.InvalidInput, match=message):
        actions.give_feedback(org.peer, org.employee, **kwargs)


def test_an_organization_can_forbid_public_praise(org) -> None:
    FeedbackPolicy.objects.create(organization=org.organization, allow_public_praise=False)
    with pytest.raises(actions.InvalidInput, match="not allowed by your organization"):
        actions.give_feedback(org.peer, org.employee, kind="praise", body="x", visibility="public")


def test_accepting_skills_adds_claims_through_the_skills_app_once(world: World) -> None:
    actions.accept_skills(world.manager_feedback, by=world.org.employee)
    claims = SkillClaim.objects.filter(employee=world.org.employee).select_related("skill")
    assert sorted((c.skill.label, c.source, c.level) for c in claims) == [
        ("Facilitation", "peer", 2),
        ("SQL", "peer", 2),
    ]
    assert {c.evidence_ref for c in claims} == {f"feedback:{world.manager_feedback.pk}"}
    assert all("MANAGER-SHARED" not in c.evidence for c in claims)
    event = AuditEvent.objects.get(action="feedback.skills_accepted")
    assert event.data["skills"] == ["Facilitation", "SQL"]
    assert EmployeeSkill.objects.filter(employee=world.org.employee).count() == 2
    with pytest.raises(actions.InvalidInput, match="already"):
        actions.accept_skills(world.manager_feedback, by=world.org.employee)


def test_unknown_skills_are_named_in_the_error(org) -> None:
    with pytest.raises(actions.InvalidInput, match="not in the skills catalog: Juggling"):
        actions.give_feedback(
            org.peer, org.employee, kind="praise", body="x", skill_names="Juggling"
        )


def test_answering_a_named_request_marks_the_invite(world: World) -> None:
    actions.give_feedback(
        world.org.peer,
        world.org.employee,
        kind="praise",
        body="Clear demo",
        request=world.named_request,
    )
    assert FeedbackInvite.objects.get(request=world.named_request).answered
    with pytest.raises(actions.InvalidInput, match="already responded"):
        actions.give_feedback(
            world.org.peer,
            world.org.employee,
            kind="praise",
            body="Again",
            request=world.named_request,
        )


def test_reminders_go_once_to_those_who_have_not_answered(world: World) -> None:
    day = world.open_anonymous_request.due_date - datetime.timedelta(days=1)
    actions.answer_anonymously(world.open_anonymous_request, world.org.peer, body="ok")
    sent = actions.remind_respondents(day)
    reminded = set(
        Notification.objects.filter(title__startswith="Reminder").values_list("user", flat=True)
    )
    # named request: peer; anonymous request: manager and ld (peer answered).
    assert sent == 3
    assert reminded == {world.org.peer.user.pk, world.org.manager.user.pk, world.org.ld.user.pk}
    assert actions.remind_respondents(day) == 0


def test_overdue_requests_close_and_release(world: World) -> None:
    request = world.open_anonymous_request
    for who in (world.org.peer, world.org.manager, world.org.ld):
        actions.answer_anonymously(request, who, body="fine")
    closed = actions.close_overdue_requests(request.due_date + datetime.timedelta(days=1))
    request.refresh_from_db()
    assert closed == 2 and request.released


def test_weekly_updates_replace_within_a_week_and_move_the_key_result(world: World) -> None:
    kr, manager = world.key_result, world.org.manager
    monday = datetime.date(2026, 11, 16)
    actions.update_key_result(kr, by=manager, value=3, confidence=6, on=monday)
    actions.update_key_result(
        kr, by=manager, value=4, confidence=7, on=monday + datetime.timedelta(days=3)
    )
    actions.update_key_result(
        kr, by=manager, value=6, confidence=8, on=monday + datetime.timedelta(days=7)
    )
    assert KeyResultUpdate.objects.filter(key_result=kr).count() == 2
    kr.refresh_from_db()
    assert kr.current == 6
    assert queries.progress_of(world.team_goal) == pytest.approx(0.5)
    assert queries.progress_of(world.company_goal) == pytest.approx(0.5)


def test_alignment_may_not_go_in_a_circle(world: World) -> None:
    with pytest.raises(actions.InvalidInput, match="circle"):
        actions.align(world.company_goal, world.team_goal, by=world.org.executive)


def test_a_learning_goal_names_its_skills(org) -> None:
    period = actions.current_period(org.organization)
    with pytest.raises(actions.InvalidInput, match="skills"):
        actions.create_objective(
            org.employee, period=period, level="individual", title="Learn", learning_goal=True
        )


def test_the_okr_tree_hides_private_goals_from_peers_and_rolls_up(world: World) -> None:
    tree = client(world.org, "peer").get("/api/v1/okrs").json()
    titles = {node["title"] for node in tree}
    assert "Grow learning culture" in titles and "PRIVATE-GOAL-2291" not in titles
    company = next(node for node in tree if node["title"] == "Grow learning culture")
    assert [child["title"] for child in company["children"]] == ["Team ships weekly"]
    assert company["progress"] == 0


def test_lessons_are_searchable_only_once_published(world: World) -> None:
    actions.add_lesson(world.draft_review, world.org.manager, text="Draft lesson", skill_names="")
    found = [lesson.text for lesson in queries.search_lessons(world.org.organization, "lesson")]
    assert found == []
    assert [lesson.text for lesson in queries.search_lessons(world.org.organization, "scope")] == [
        "Cut scope early"
    ]
    by_skill = queries.search_lessons(world.org.organization, skill="planning")
    assert [lesson.text for lesson in by_skill] == ["Cut scope early"]


def test_publishing_needs_what_happened_why_and_a_lesson(world: World) -> None:
    with pytest.raises(actions.InvalidInput, match="what happened and why"):
        actions.publish_review(world.draft_review, world.org.manager)


def test_a_cycle_opens_a_conversation_for_everyone_with_a_manager(world: World) -> None:
    names = set(
        world.conversation.cycle.conversations.values_list("employee__user__full_name", flat=True)
    )
    assert names == {
        "Max Manager",
        "Emma Employee",
        "Pete Peer",
        "Hana Hr",
        "Lea Learning",
        "Ezra Exec",
    }


def test_only_the_manager_completes_and_only_with_a_summary(world: World) -> None:
    with pytest.raises(actions.InvalidInput, match="write the summary"):
        actions.write_conversation(world.conversation, world.org.manager, complete=True)
    done = actions.write_conversation(
        world.conversation, world.org.manager, manager_summary="Strong half", complete=True
    )
    assert done.completed_at is not None


def test_api_errors_name_the_field(world: World) -> None:
    response = client(world.org, "employee").post(
        "/api/v1/feedback-requests",
        {
            "about": "x",
            "respondent_ids": [world.org.peer.pk],
            "due_date": timezone.localdate().isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"] == [
        {"field": "due_date", "message": "must be after today"}
    ]
