"""Content-level proof: private texts reach nobody beyond the people they belong to.

Each role reads every page and endpoint it is allowed to open; the markers of private
feedback, notes, anonymous answers, reflections, private goals and draft reviews must appear
exactly for the people entitled to them.
"""

from __future__ import annotations

import pytest

from learnloop.audit.models import AuditEvent
from learnloop.feedback import actions
from learnloop.feedback.models import AnonymousAnswer, FeedbackInvite
from learnloop.feedback.tests.conftest import ROLES, SECRETS, World, client

ENTITLED = {
    "private_feedback": {"employee", "peer"},
    "manager_feedback": {"employee", "peer", "manager"},
    "anonymous_answer": {"employee"},
    "employee_note": {"employee"},
    "manager_note": {"manager"},
    "reflection": {"employee", "manager"},
    "private_goal": {"employee", "manager", "ceo"},
    "draft_review": {"employee", "manager"},
}


def _readable(world: World) -> list[str]:
    w = world
    return [
        "/feedback/",
        f"/feedback/given/{w.private_feedback.pk}/",
        f"/feedback/given/{w.manager_feedback.pk}/",
        f"/feedback/requests/{w.anonymous_request.pk}/",
        f"/feedback/checkins/{w.series.pk}/",
        f"/feedback/checkins/{w.series.pk}/calendar.ics",
        "/feedback/okrs/",
        f"/feedback/okrs/{w.private_goal.pk}/",
        "/feedback/reviews/",
        f"/feedback/reviews/{w.draft_review.pk}/",
        "/feedback/conversations/",
        f"/feedback/conversations/{w.conversation.pk}/",
        "/feedback/inbox/",
        "/api/v1/feedback/received",
        "/api/v1/feedback/given",
        f"/api/v1/feedback/{w.private_feedback.pk}",
        f"/api/v1/feedback/{w.manager_feedback.pk}",
        "/api/v1/feedback-requests",
        f"/api/v1/feedback-requests/{w.anonymous_request.pk}",
        f"/api/v1/checkins/{w.series.pk}",
        "/api/v1/okrs",
        "/api/v1/reviews",
        f"/api/v1/reviews/{w.draft_review.pk}",
        "/api/v1/lessons",
        "/api/v1/conversations",
        f"/api/v1/conversations/{w.conversation.pk}",
        "/api/v1/inbox",
        "/audit/",
        "/admin/audit/auditevent/",
    ]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_private_texts_reach_exactly_the_people_entitled(world: World, role: str) -> None:
    c = client(world.org, role)
    seen = "".join(
        response.content.decode()
        for response in (c.get(url) for url in _readable(world))
        if response.status_code == 200
    )
    shown = {name for name, marker in SECRETS.items() if marker in seen}
    expected = {name for name, people in ENTITLED.items() if role in people}
    assert shown == expected


def test_the_requester_sees_anonymous_answers_without_names_order_or_timing(world: World) -> None:
    c = client(world.org, "employee")
    html = c.get(f"/feedback/requests/{world.anonymous_request.pk}/").content.decode()
    body = c.get(f"/api/v1/feedback-requests/{world.anonymous_request.pk}").json()
    for name in ("Pete Peer", "Max Manager", "Hana Hr", "Lea Learning"):
        assert name not in html
        assert name not in str(body)
    release = body["anonymous_release"]
    assert release["shown"] is True and release["count"] == 3
    assert sorted(release["answers"]) == [f"{SECRETS['anonymous_answer']} #{n}" for n in (1, 2, 3)]
    assert release["ratings"] == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1}
    assert set(release) == {"shown", "count", "answers", "ratings", "average"}


def test_anonymous_answers_store_no_author_time_or_sequence(world: World) -> None:
    fields = {f.name for f in AnonymousAnswer._meta.get_fields()}
    assert fields == {"id", "request", "body", "rating"}
    assert AnonymousAnswer._meta.pk.get_internal_type() == "UUIDField"
    invite_fields = {f.name for f in FeedbackInvite._meta.get_fields()}
    assert not any(name.split("_")[-1] == "at" for name in invite_fields)


def test_the_audit_trail_records_anonymous_answers_only_counted_at_closing(world: World) -> None:
    request = world.open_anonymous_request
    before = AuditEvent.objects.count()
    actions.answer_anonymously(request, world.org.peer, body="x", rating=2)
    actions.decline_request(request, world.org.ld)
    assert AuditEvent.objects.count() == before  # no timestamp that could be correlated
    actions.close_request(request, by=world.org.employee)
    closed = AuditEvent.objects.filter(action="feedback.request_closed", target_id=str(request.pk))
    assert [event.data for event in closed] == [{"released": False, "answers": 1, "declined": 1}]
    respondents = {world.org.peer.user.pk, world.org.ld.user.pk}
    assert not AuditEvent.objects.filter(target_id=str(request.pk), actor__in=respondents).exists()


def test_nothing_about_an_open_anonymous_request_leaks_before_it_closes(world: World) -> None:
    request = world.open_anonymous_request
    for who in (world.org.peer, world.org.manager, world.org.ld):
        actions.answer_anonymously(request, who, body="Soon", rating=3)
    body = client(world.org, "employee").get(f"/api/v1/feedback-requests/{request.pk}").json()
    release = body["anonymous_release"]
    assert release == {"shown": False, "count": None, "answers": [], "ratings": {}, "average": None}


def test_too_few_anonymous_answers_stay_hidden_after_closing(world: World) -> None:
    request = world.open_anonymous_request
    actions.answer_anonymously(request, world.org.peer, body="Only me", rating=2)
    actions.answer_anonymously(request, world.org.ld, body="And me", rating=2)
    closed = actions.close_request(request, by=world.org.employee)
    assert closed.released is False
    html = client(world.org, "employee").get(f"/feedback/requests/{request.pk}/").content.decode()
    assert "Only me" not in html and "stay hidden" in html


def test_an_anonymous_request_must_ask_at_least_the_minimum(world: World) -> None:
    import datetime

    from django.utils import timezone

    with pytest.raises(actions.InvalidInput, match="ask at least 3"):
        actions.request_feedback(
            world.org.employee,
            about="x",
            respondents=[world.org.peer, world.org.manager],
            due_date=timezone.localdate() + datetime.timedelta(days=2),
            anonymous=True,
        )


def test_the_organization_minimum_is_configurable(world: World) -> None:
    from learnloop.feedback.models import FeedbackPolicy

    FeedbackPolicy.objects.create(organization=world.org.organization, anonymous_min_answers=5)
    request = world.open_anonymous_request
    for who in (world.org.peer, world.org.manager, world.org.ld):
        actions.answer_anonymously(request, who, body="Fine", rating=4)
    assert actions.close_request(request).released is False


def test_a_manager_sees_shared_feedback_about_their_report_but_the_ceo_does_not(
    world: World,
) -> None:
    manager = client(world.org, "manager").get("/feedback/").content.decode()
    ceo = client(world.org, "ceo").get("/feedback/").content.decode()
    assert SECRETS["manager_feedback"] in manager
    assert SECRETS["private_feedback"] not in manager
    assert SECRETS["manager_feedback"] not in ceo


def test_the_manager_sees_only_shared_feedback_in_the_review_conversation(world: World) -> None:
    html = (
        client(world.org, "manager")
        .get(f"/feedback/conversations/{world.conversation.pk}/")
        .content.decode()
    )
    assert SECRETS["manager_feedback"] in html
    assert SECRETS["private_feedback"] not in html
    own = (
        client(world.org, "employee")
        .get(f"/feedback/conversations/{world.conversation.pk}/")
        .content.decode()
    )
    assert SECRETS["private_feedback"] in own


def test_hr_sees_cycle_counts_but_no_words(world: World) -> None:
    html = client(world.org, "hr").get("/feedback/conversations/").content.decode()
    assert 'id="cycle-status"' in html
    assert SECRETS["reflection"] not in html
