"""Every role against every page and endpoint of the feedback app.

Rows name a request and the status each role gets; a guard fails when a feedback URL or API
route has no row. Roles: the ``org`` fixture's people plus ``peer`` (the employee's teammate)
and ``ceo`` (the manager's manager, who must not see what is between the manager and report).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import get_resolver
from django.utils import timezone

from learnloop.conftest import url_names
from learnloop.feedback.tests.conftest import ROLES, World, client

LOGIN = 302


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: Callable[[World], str]
    expect: dict[str, int]
    data: Callable[[World], dict[str, object]] | None = None
    label: str = ""

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api:")


def everyone(status: int, **overrides: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status) | overrides


def page(status: int, **overrides: int) -> dict[str, int]:
    return everyone(status, anonymous=LOGIN, **overrides)


def api(status: int, **overrides: int) -> dict[str, int]:
    return everyone(status, anonymous=401, **overrides)


def only(status: int, roles: str, other: int = 403, anonymous: int = LOGIN) -> dict[str, int]:
    return everyone(other, anonymous=anonymous) | dict.fromkeys(roles.split(), status)


def api_only(status: int, roles: str, other: int = 403) -> dict[str, int]:
    return only(status, roles, other, anonymous=401)


def _tomorrow() -> str:
    return (timezone.localdate() + datetime.timedelta(days=3)).isoformat()


FB = "/feedback"
A = "/api/v1"

MATRIX = (
    Row("feedback:index", "get", lambda w: f"{FB}/", page(200)),
    Row("feedback:give", "get", lambda w: f"{FB}/give/", page(200)),
    Row(
        "feedback:detail",
        "get",
        lambda w: f"{FB}/given/{w.private_feedback.pk}/",
        only(200, "employee peer"),
        label="private",
    ),
    Row(
        "feedback:detail",
        "get",
        lambda w: f"{FB}/given/{w.manager_feedback.pk}/",
        only(200, "employee peer manager"),
        label="shared with manager",
    ),
    Row(
        "feedback:detail",
        "get",
        lambda w: f"{FB}/given/{w.praise.pk}/",
        page(200, outsider=403),
        label="public praise",
    ),
    Row(
        "feedback:accept_skills",
        "post",
        lambda w: f"{FB}/given/{w.manager_feedback.pk}/accept-skills/",
        only(302, "employee"),
    ),
    Row("feedback:ask", "get", lambda w: f"{FB}/ask/", page(200)),
    Row(
        "feedback:request",
        "get",
        lambda w: f"{FB}/requests/{w.anonymous_request.pk}/",
        only(200, "employee peer manager hr ld"),
    ),
    Row(
        "feedback:answer",
        "post",
        lambda w: f"{FB}/requests/{w.open_anonymous_request.pk}/answer/",
        only(302, "peer manager ld"),
        data=lambda w: {"body": "Listen more", "rating": "4"},
    ),
    Row(
        "feedback:decline",
        "post",
        lambda w: f"{FB}/requests/{w.open_anonymous_request.pk}/decline/",
        only(302, "peer manager ld"),
    ),
    Row(
        "feedback:close",
        "post",
        lambda w: f"{FB}/requests/{w.open_anonymous_request.pk}/close/",
        only(302, "employee"),
    ),
    Row("feedback:checkins", "get", lambda w: f"{FB}/checkins/", page(200)),
    Row(
        "feedback:checkins",
        "post",
        lambda w: f"{FB}/checkins/",
        only(302, "manager") | {"ceo": 200},
        data=lambda w: {
            "report": w.org.peer.pk,
            "first_at": "2030-01-07T10:00",
            "cadence": "weekly",
            "duration_minutes": 30,
        },
        label="start a series",
    ),
    Row(
        "feedback:series",
        "get",
        lambda w: f"{FB}/checkins/{w.series.pk}/",
        only(200, "employee manager"),
    ),
    Row(
        "feedback:series_ics",
        "get",
        lambda w: f"{FB}/checkins/{w.series.pk}/calendar.ics",
        only(200, "employee manager"),
    ),
    Row(
        "feedback:add_agenda",
        "post",
        lambda w: f"{FB}/checkins/meetings/{w.meeting.pk}/agenda/",
        only(302, "employee manager"),
        data=lambda w: {"text": "Hiring"},
    ),
    Row(
        "feedback:discussed",
        "post",
        lambda w: f"{FB}/checkins/agenda/{w.agenda_item.pk}/discussed/",
        only(302, "employee manager"),
        data=lambda w: {"discussed": "1"},
    ),
    Row(
        "feedback:save_note",
        "post",
        lambda w: f"{FB}/checkins/meetings/{w.meeting.pk}/note/",
        only(302, "employee manager"),
        data=lambda w: {"body": "mine"},
    ),
    Row(
        "feedback:add_action",
        "post",
        lambda w: f"{FB}/checkins/meetings/{w.meeting.pk}/actions/",
        only(302, "employee manager"),
        data=lambda w: {"text": "Read the book", "owner": w.org.employee.pk},
    ),
    Row(
        "feedback:action_done",
        "post",
        lambda w: f"{FB}/checkins/actions/{w.action_item.pk}/done/",
        only(302, "employee manager"),
        data=lambda w: {"done": "1"},
    ),
    Row(
        "feedback:mood",
        "post",
        lambda w: f"{FB}/checkins/meetings/{w.meeting.pk}/mood/",
        only(302, "employee"),
        data=lambda w: {"mood": "4"},
    ),
    Row(
        "feedback:complete",
        "post",
        lambda w: f"{FB}/checkins/meetings/{w.meeting.pk}/complete/",
        only(302, "employee manager"),
    ),
    Row("feedback:okrs", "get", lambda w: f"{FB}/okrs/", page(200)),
    Row("feedback:new_objective", "get", lambda w: f"{FB}/okrs/new/", page(200)),
    Row(
        "feedback:objective",
        "get",
        lambda w: f"{FB}/okrs/{w.team_goal.pk}/",
        page(200, outsider=403),
        label="team goal",
    ),
    Row(
        "feedback:objective",
        "get",
        lambda w: f"{FB}/okrs/{w.private_goal.pk}/",
        only(200, "employee manager ceo"),
        label="private goal",
    ),
    Row(
        "feedback:add_key_result",
        "post",
        lambda w: f"{FB}/okrs/{w.team_goal.pk}/key-results/",
        only(302, "manager ceo"),
        data=lambda w: {"title": "Demos", "kind": "numeric", "start": "0", "target": "4"},
    ),
    Row(
        "feedback:update_key_result",
        "post",
        lambda w: f"{FB}/okrs/key-results/{w.key_result.pk}/update/",
        only(302, "manager ceo"),
        data=lambda w: {"value": "3", "confidence": "7"},
    ),
    Row("feedback:reviews", "get", lambda w: f"{FB}/reviews/", page(200)),
    Row("feedback:new_review", "get", lambda w: f"{FB}/reviews/new/", page(200)),
    Row(
        "feedback:review",
        "get",
        lambda w: f"{FB}/reviews/{w.draft_review.pk}/",
        only(200, "employee manager"),
        label="draft",
    ),
    Row(
        "feedback:review",
        "get",
        lambda w: f"{FB}/reviews/{w.published_review.pk}/",
        page(200, outsider=403),
        label="published",
    ),
    Row(
        "feedback:review_contribute",
        "post",
        lambda w: f"{FB}/reviews/{w.draft_review.pk}/contribute/",
        only(302, "employee manager"),
        data=lambda w: {"section": "why", "text": "Alert fatigue"},
    ),
    Row(
        "feedback:review_summary",
        "post",
        lambda w: f"{FB}/reviews/{w.draft_review.pk}/summary/",
        only(302, "manager"),
        data=lambda w: {"happened": "Outage"},
    ),
    Row(
        "feedback:review_lesson",
        "post",
        lambda w: f"{FB}/reviews/{w.draft_review.pk}/lessons/",
        only(302, "manager"),
        data=lambda w: {"text": "Page earlier", "skills": "Incident response"},
    ),
    Row(
        "feedback:review_publish",
        "post",
        lambda w: f"{FB}/reviews/{w.draft_review.pk}/publish/",
        only(302, "manager"),
    ),
    Row("feedback:conversations", "get", lambda w: f"{FB}/conversations/", page(200)),
    Row(
        "feedback:conversations",
        "post",
        lambda w: f"{FB}/conversations/",
        only(302, "hr"),
        data=lambda w: {"name": "Q1", "start": "2026-01-01", "end": "2026-03-31"},
        label="open a cycle",
    ),
    Row(
        "feedback:conversation",
        "get",
        lambda w: f"{FB}/conversations/{w.conversation.pk}/",
        only(200, "employee manager"),
    ),
    Row(
        "feedback:conversation",
        "post",
        lambda w: f"{FB}/conversations/{w.conversation.pk}/",
        only(302, "employee"),
        data=lambda w: {"self_reflection": "I grew"},
        label="reflect",
    ),
    Row("feedback:inbox", "get", lambda w: f"{FB}/inbox/", page(200)),
    Row(
        "feedback:inbox_read",
        "post",
        lambda w: f"{FB}/inbox/read/",
        only(302, "employee"),
        data=lambda w: {"id": w.notification.pk},
    ),
    # API
    Row("api:feedback_received", "get", lambda w: f"{A}/feedback/received", api(200)),
    Row("api:feedback_given", "get", lambda w: f"{A}/feedback/given", api(200)),
    Row(
        "api:feedback_give",
        "post",
        lambda w: f"{A}/feedback",
        api(201, employee=403, outsider=400),
        data=lambda w: {"recipient_id": w.org.employee.pk, "kind": "praise", "body": "Thanks"},
    ),
    Row(
        "api:feedback_get",
        "get",
        lambda w: f"{A}/feedback/{w.private_feedback.pk}",
        api_only(200, "employee peer"),
    ),
    Row(
        "api:feedback_accept_skills",
        "post",
        lambda w: f"{A}/feedback/{w.manager_feedback.pk}/accept-skills",
        api_only(200, "employee"),
    ),
    Row("api:feedback_requests", "get", lambda w: f"{A}/feedback-requests", api(200)),
    Row(
        "api:feedback_request_create",
        "post",
        lambda w: f"{A}/feedback-requests",
        api(201, peer=400, outsider=400),
        data=lambda w: {"about": "x", "respondent_ids": [w.org.peer.pk], "due_date": _tomorrow()},
    ),
    Row(
        "api:feedback_request_get",
        "get",
        lambda w: f"{A}/feedback-requests/{w.anonymous_request.pk}",
        api_only(200, "employee peer manager hr ld"),
    ),
    Row(
        "api:feedback_request_answer",
        "post",
        lambda w: f"{A}/feedback-requests/{w.open_anonymous_request.pk}/answer",
        api_only(200, "peer manager ld"),
        data=lambda w: {"body": "Clearer agendas", "rating": 3},
    ),
    Row(
        "api:feedback_request_close",
        "post",
        lambda w: f"{A}/feedback-requests/{w.open_anonymous_request.pk}/close",
        api_only(200, "employee"),
    ),
    Row("api:checkin_list", "get", lambda w: f"{A}/checkins", api(200)),
    Row(
        "api:checkin_start",
        "post",
        lambda w: f"{A}/checkins",
        api(403, manager=201, outsider=400),
        data=lambda w: {"report_id": w.org.peer.pk, "first_at": "2030-01-07T10:00:00Z"},
    ),
    Row(
        "api:checkin_get",
        "get",
        lambda w: f"{A}/checkins/{w.series.pk}",
        api_only(200, "employee manager"),
    ),
    Row(
        "api:checkin_add_agenda",
        "post",
        lambda w: f"{A}/checkins/meetings/{w.meeting.pk}/agenda",
        api_only(200, "employee manager"),
        data=lambda w: {"text": "Growth"},
    ),
    Row(
        "api:checkin_save_note",
        "put",
        lambda w: f"{A}/checkins/meetings/{w.meeting.pk}/note",
        api_only(200, "employee manager"),
        data=lambda w: {"body": "note"},
    ),
    Row(
        "api:checkin_add_action",
        "post",
        lambda w: f"{A}/checkins/meetings/{w.meeting.pk}/actions",
        api_only(200, "employee manager"),
        data=lambda w: {"text": "Ship it", "owner_id": w.org.manager.pk},
    ),
    Row(
        "api:checkin_set_mood",
        "post",
        lambda w: f"{A}/checkins/meetings/{w.meeting.pk}/mood",
        api_only(200, "employee"),
        data=lambda w: {"mood": 4},
    ),
    Row(
        "api:checkin_complete",
        "post",
        lambda w: f"{A}/checkins/meetings/{w.meeting.pk}/complete",
        api_only(200, "employee manager"),
    ),
    Row("api:okr_periods", "get", lambda w: f"{A}/okrs/periods", api(200)),
    Row("api:okr_tree", "get", lambda w: f"{A}/okrs", api(200)),
    Row(
        "api:okr_create",
        "post",
        lambda w: f"{A}/okrs",
        api(201, outsider=400),  # "Rust" is the first organization's own skill
        data=lambda w: {"title": "Learn Rust", "learning_goal": True, "skills": ["Rust"]},
    ),
    Row(
        "api:okr_add_key_result",
        "post",
        lambda w: f"{A}/okrs/{w.team_goal.pk}/key-results",
        api_only(201, "manager ceo"),
        data=lambda w: {"title": "Demos", "start": 0, "target": 4},
    ),
    Row(
        "api:okr_update_key_result",
        "post",
        lambda w: f"{A}/okrs/key-results/{w.key_result.pk}/updates",
        api_only(200, "manager ceo"),
        data=lambda w: {"value": 5, "confidence": 6},
    ),
    Row("api:review_list", "get", lambda w: f"{A}/reviews", api(200)),
    Row(
        "api:review_create",
        "post",
        lambda w: f"{A}/reviews",
        api(201),
        data=lambda w: {
            "title": "Migration",
            "kind": "project",
            "happened_on": timezone.localdate().isoformat(),
        },
    ),
    Row(
        "api:review_get",
        "get",
        lambda w: f"{A}/reviews/{w.draft_review.pk}",
        api_only(200, "employee manager"),
    ),
    Row(
        "api:review_contribute",
        "post",
        lambda w: f"{A}/reviews/{w.draft_review.pk}/contributions",
        api_only(201, "employee manager"),
        data=lambda w: {"section": "keep", "text": "Runbooks"},
    ),
    Row("api:lesson_search", "get", lambda w: f"{A}/lessons?q=scope", api(200)),
    Row("api:conversation_list", "get", lambda w: f"{A}/conversations", api(200)),
    Row(
        "api:conversation_get",
        "get",
        lambda w: f"{A}/conversations/{w.conversation.pk}",
        api_only(200, "employee manager"),
    ),
    Row(
        "api:conversation_write",
        "patch",
        lambda w: f"{A}/conversations/{w.conversation.pk}",
        api_only(200, "employee"),
        data=lambda w: {"self_reflection": "Grew a lot"},
    ),
    Row("api:inbox_list", "get", lambda w: f"{A}/inbox", api(200)),
    Row(
        "api:inbox_mark_read",
        "post",
        lambda w: f"{A}/inbox/read",
        api(200),
        data=lambda w: {},
    ),
)


def _status(world: World, row: Row, role: str) -> tuple[int, bytes]:
    """One request, rolled back afterwards so every row sees the same world."""
    c = client(world.org, role)
    path = row.path(world)
    data = row.data(world) if row.data else None
    with transaction.atomic():
        if row.is_api and row.method != "get":
            response = getattr(c, row.method)(
                path, json.dumps(data or {}), content_type="application/json"
            )
        else:
            response = getattr(c, row.method)(path, data)
        transaction.set_rollback(True)
    return response.status_code, response.content[:200]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_everywhere(world: World, role: str) -> None:
    wrong = []
    for row in MATRIX:
        status, body = _status(world, row, role)
        if status != row.expect[role]:
            wrong.append(
                f"{row.method.upper()} {row.name} {row.label}: got {status}, "
                f"expected {row.expect[role]}: {body!r}"
            )
    assert wrong == []


def test_every_feedback_page_and_route_has_a_row(settings) -> None:
    from learnloop.feedback import api as feedback_api

    routes = {
        f"api:{operation.view_func.__name__}"
        for path_view in feedback_api.router.path_operations.values()
        for operation in path_view.operations
    }
    resolver = get_resolver(settings.ROOT_URLCONF)
    pages = {name for name in url_names(resolver) if name.startswith("feedback:")}
    assert routes <= url_names(resolver)
    assert sorted((pages | routes) - {row.name for row in MATRIX}) == []
