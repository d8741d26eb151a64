"""Every role against every page and endpoint of the mentoring app.

Rows name a request and the status each role gets; a guard fails when a mentoring URL or API
route has no row. In the world: Emma (employee) is an unpaired mentee, Pete (peer) is mentored
by Lea (ld, also an L&D admin), Ezra (executive) has asked Hana (hr, HR admin) to mentor him;
Max (manager) manages Emma and Pete, Cara (ceo) everyone; Otto is in another organization.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import get_resolver
from django.utils import timezone

from learnloop.conftest import url_names
from learnloop.mentoring.tests.conftest import ROLES, SECRETS, World

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


ORG = "employee peer manager ceo hr ld executive"
M = "/mentoring"
A = "/api/v1/mentoring"


def _today() -> str:
    return timezone.localdate().isoformat()


MATRIX = (
    Row("mentoring:home", "get", lambda w: f"{M}/", page(200)),
    Row("mentoring:program_new", "get", lambda w: f"{M}/programs/new/", only(200, "hr ld")),
    Row(
        "mentoring:program_new",
        "post",
        lambda w: f"{M}/programs/new/",
        only(302, "hr ld"),
        data=lambda w: {
            "name": "Reverse",
            "kind": "reverse",
            "starts_on": "2030-01-01",
            "ends_on": "2030-06-01",
            "cadence": "monthly",
            "default_capacity": "1",
            "max_capacity": "2",
            "weight_goals": "3",
        },
    ),
    Row("mentoring:program", "get", lambda w: f"{M}/programs/{w.program.pk}/", only(200, ORG)),
    Row(
        "mentoring:program_edit",
        "get",
        lambda w: f"{M}/programs/{w.program.pk}/edit/",
        only(200, "hr ld"),
    ),
    Row(
        "mentoring:program_edit",
        "post",
        lambda w: f"{M}/programs/{w.program.pk}/edit/",
        only(302, "hr ld"),
        data=lambda w: {"name": "Grow together again", "weight_skills": "4"},
    ),
    Row(
        "mentoring:profile",
        "get",
        lambda w: f"{M}/programs/{w.program.pk}/profile/mentee/",
        only(200, ORG),
    ),
    Row(
        "mentoring:profile",
        "post",
        lambda w: f"{M}/programs/{w.program.pk}/profile/mentor/",
        only(302, ORG),
        data=lambda w: {
            "goals": "Careers",
            "capacity": "1",
            "languages": "en",
            "slots": ["0-morning"],
        },
    ),
    Row(
        "mentoring:suggestions",
        "get",
        lambda w: f"{M}/programs/{w.program.pk}/suggestions/",
        only(200, ORG),
    ),
    Row(
        "mentoring:request",
        "post",
        lambda w: f"{M}/programs/{w.program.pk}/request/",
        only(302, ORG),
        data=lambda w: {"mentor": w.org.ld.pk, "message": "Please"},
    ),
    Row(
        "mentoring:optimize",
        "post",
        lambda w: f"{M}/programs/{w.program.pk}/optimize/",
        only(302, "hr ld"),
    ),
    Row("mentoring:draft", "get", lambda w: f"{M}/drafts/{w.draft.pk}/", only(200, "hr ld")),
    Row(
        "mentoring:draft_pair",
        "post",
        lambda w: f"{M}/drafts/{w.draft.pk}/pairs/",
        only(302, "hr ld"),
        data=lambda w: {"op": "remove", "mentee": w.org.employee.pk},
    ),
    Row(
        "mentoring:draft_publish",
        "post",
        lambda w: f"{M}/drafts/{w.draft.pk}/publish/",
        only(302, "hr ld"),
    ),
    Row(
        "mentoring:relationship",
        "get",
        lambda w: f"{M}/pairs/{w.pair.pk}/",
        only(200, "peer ld hr manager ceo"),
    ),
    Row(
        "mentoring:respond",
        "post",
        lambda w: f"{M}/pairs/{w.request.pk}/respond/",
        only(302, "hr"),
        data=lambda w: {"accept": "yes"},
    ),
    Row(
        "mentoring:goal_add",
        "post",
        lambda w: f"{M}/pairs/{w.pair.pk}/goals/",
        only(302, "peer ld"),
        data=lambda w: {"text": "Lead a meeting"},
    ),
    Row(
        "mentoring:session_log",
        "post",
        lambda w: f"{M}/pairs/{w.pair.pk}/sessions/",
        only(302, "peer ld"),
        data=lambda w: {"held_on": _today(), "duration_minutes": "30", "notes": "ok"},
    ),
    Row(
        "mentoring:close",
        "post",
        lambda w: f"{M}/pairs/{w.pair.pk}/close/",
        only(302, "peer ld"),
        data=lambda w: {"rating": "4", "goals_met": "3"},
    ),
    Row(
        "mentoring:goal_progress",
        "post",
        lambda w: f"{M}/goals/{w.goal.pk}/progress/",
        only(302, "peer ld"),
        data=lambda w: {"percent": "40"},
    ),
    Row(
        "mentoring:session_feedback",
        "post",
        lambda w: f"{M}/sessions/{w.session.pk}/feedback/",
        only(302, "peer ld"),
        data=lambda w: {"rating": "5"},
    ),
    Row("mentoring:team", "get", lambda w: f"{M}/team/", page(200)),
    Row("mentoring:experts", "get", lambda w: f"{M}/experts/?skill=Python+programming", page(200)),
    Row(
        "mentoring:listing",
        "post",
        lambda w: f"{M}/experts/listing/",
        page(302),
        data=lambda w: {"note": "Mornings"},
    ),
    # API
    Row("api:mentoring_programs", "get", lambda w: f"{A}/programs", api(200)),
    Row(
        "api:mentoring_program_create",
        "post",
        lambda w: f"{A}/programs",
        api_only(201, "hr ld"),
        data=lambda w: {
            "name": "Peer circle",
            "kind": "peer",
            "starts_on": "2030-01-01",
            "ends_on": "2030-03-01",
        },
    ),
    Row(
        "api:mentoring_program_get",
        "get",
        lambda w: f"{A}/programs/{w.program.pk}",
        api_only(200, ORG),
    ),
    Row(
        "api:mentoring_program_update",
        "patch",
        lambda w: f"{A}/programs/{w.program.pk}",
        api_only(200, "hr ld"),
        data=lambda w: {"weights": {"goals": 4}},
    ),
    Row(
        "api:mentoring_profile_get",
        "get",
        lambda w: f"{A}/programs/{w.program.pk}/profile/mentee",
        api_only(200, "employee peer executive", other=404) | {"outsider": 403},
    ),
    Row(
        "api:mentoring_profile_put",
        "put",
        lambda w: f"{A}/programs/{w.program.pk}/profile/mentee",
        api_only(200, ORG),
        data=lambda w: {
            "goals": "Learn to negotiate",
            "languages": ["en"],
            "availability": [10, 11],
        },
    ),
    Row(
        "api:mentoring_participant_get",
        "get",
        lambda w: f"{A}/participants/{w.employee_profile.pk}",
        api_only(200, "employee hr ld"),
        label="Emma's mentee profile",
    ),
    Row(
        "api:mentoring_participant_get",
        "get",
        lambda w: f"{A}/participants/{w.peer_profile.pk}",
        api_only(200, "peer hr ld"),
        label="Pete's profile",
    ),
    Row(
        "api:mentoring_participant_get",
        "get",
        lambda w: f"{A}/participants/{w.executive_profile.pk}",
        api_only(200, "executive hr ld"),
        label="Ezra's profile (Hana, asked to mentor him, is also an admin)",
    ),
    Row(
        "api:mentoring_suggestions",
        "get",
        lambda w: f"{A}/programs/{w.program.pk}/suggestions",
        api_only(200, ORG),
    ),
    Row(
        "api:mentoring_request",
        "post",
        lambda w: f"{A}/programs/{w.program.pk}/requests",
        api_only(400, "peer manager ceo hr ld executive") | {"employee": 201},
        data=lambda w: {"mentor_id": w.org.ld.pk},
    ),
    Row(
        "api:mentoring_draft_create",
        "post",
        lambda w: f"{A}/programs/{w.program.pk}/drafts",
        api_only(201, "hr ld"),
    ),
    Row(
        "api:mentoring_draft_get",
        "get",
        lambda w: f"{A}/drafts/{w.draft.pk}",
        api_only(200, "hr ld"),
    ),
    Row(
        "api:mentoring_draft_pair_set",
        "post",
        lambda w: f"{A}/drafts/{w.draft.pk}/pairs",
        api_only(200, "hr ld"),
        data=lambda w: {"mentee_id": w.org.employee.pk, "mentor_id": w.org.hr.pk},
    ),
    Row(
        "api:mentoring_draft_pair_remove",
        "delete",
        lambda w: f"{A}/drafts/{w.draft.pk}/pairs/{w.org.employee.pk}",
        api_only(200, "hr ld"),
    ),
    Row(
        "api:mentoring_draft_publish",
        "post",
        lambda w: f"{A}/drafts/{w.draft.pk}/publish",
        api_only(200, "hr ld"),
    ),
    Row("api:mentoring_relationships", "get", lambda w: f"{A}/relationships", api(200)),
    Row(
        "api:mentoring_relationship_get",
        "get",
        lambda w: f"{A}/relationships/{w.pair.pk}",
        api_only(200, "peer ld hr manager ceo"),
    ),
    Row(
        "api:mentoring_respond",
        "post",
        lambda w: f"{A}/relationships/{w.request.pk}/respond",
        api_only(200, "hr"),
        data=lambda w: {"accept": False},
    ),
    Row(
        "api:mentoring_goal_add",
        "post",
        lambda w: f"{A}/relationships/{w.pair.pk}/goals",
        api_only(201, "peer ld"),
        data=lambda w: {"text": "Chair a meeting", "skill_id": w.speaking.pk},
    ),
    Row(
        "api:mentoring_goal_progress",
        "patch",
        lambda w: f"{A}/goals/{w.goal.pk}",
        api_only(200, "peer ld"),
        data=lambda w: {"progress": 0.5},
    ),
    Row(
        "api:mentoring_session_log",
        "post",
        lambda w: f"{A}/relationships/{w.pair.pk}/sessions",
        api_only(201, "peer ld"),
        data=lambda w: {"held_on": _today(), "duration_minutes": 30, "skill_ids": [w.speaking.pk]},
    ),
    Row(
        "api:mentoring_session_feedback",
        "post",
        lambda w: f"{A}/sessions/{w.session.pk}/feedback",
        api_only(201, "peer ld"),
        data=lambda w: {"rating": 4},
    ),
    Row(
        "api:mentoring_close",
        "post",
        lambda w: f"{A}/relationships/{w.pair.pk}/close",
        api_only(200, "peer ld"),
        data=lambda w: {"rating": 5, "goals_met": 4, "would_recommend": True},
    ),
    Row(
        "api:mentoring_experts",
        "get",
        lambda w: f"{A}/experts?skill_id={w.python.pk}",
        api(200, outsider=400),
    ),
    Row(
        "api:mentoring_listing",
        "put",
        lambda w: f"{A}/experts/me",
        api(200),
        data=lambda w: {"listed": False},
    ),
)


def client(world: World, role: str) -> Client:
    c = Client()
    if role != "anonymous":
        c.force_login(world.org.user(role))
    return c


def _response(world: World, row: Row, role: str):
    """One request, rolled back afterwards so every row sees the same world."""
    c = client(world, role)
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
    return response


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_everywhere(world: World, role: str) -> None:
    wrong = []
    for row in MATRIX:
        response = _response(world, row, role)
        if response.status_code != row.expect[role]:
            wrong.append(
                f"{row.method.upper()} {row.name} {row.label}: got {response.status_code}, "
                f"expected {row.expect[role]}: {response.content[:300]!r}"
            )
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_private_goals_and_session_notes_reach_only_the_people_allowed(
    world: World, role: str
) -> None:
    """Emma's goals: Emma, and the program admins through the profile API. Session notes:
    Pete and Lea only, never their managers or HR."""
    for row in MATRIX:
        if row.method != "get":
            continue
        body = _response(world, row, role).content.decode()
        if SECRETS["mentee_goals"] in body:
            # Program admins read profiles to match; the pages never print them, the API does.
            admin_read = row.name == "api:mentoring_participant_get" and role in ("hr", "ld")
            assert role == "employee" or admin_read, f"{row.name} shows Emma's goals to {role}"
        if SECRETS["session_notes"] in body:
            assert role in ("peer", "ld"), f"{row.name} shows session notes to {role}"


def test_the_pair_and_the_mentee_see_the_notes(world: World) -> None:
    for role in ("peer", "ld"):
        body = client(world, role).get(f"{M}/pairs/{world.pair.pk}/").content.decode()
        assert SECRETS["session_notes"] in body
    own = client(world, "employee").get(f"{M}/programs/{world.program.pk}/profile/mentee/")
    assert SECRETS["mentee_goals"] in own.content.decode()
    detail = client(world, "manager").get(f"{A}/relationships/{world.pair.pk}").json()
    assert detail["sessions"][0]["notes"] is None
    assert detail["sessions"][0]["duration_minutes"] == 50


def test_every_mentoring_page_and_route_has_a_row(settings) -> None:
    from learnloop.mentoring import api as mentoring_api

    routes = {
        f"api:{operation.view_func.__name__}"
        for path_view in mentoring_api.router.path_operations.values()
        for operation in path_view.operations
    }
    resolver = get_resolver(settings.ROOT_URLCONF)
    pages = {name for name in url_names(resolver) if name.startswith("mentoring:")}
    assert routes <= url_names(resolver)
    assert sorted((pages | routes) - {row.name for row in MATRIX}) == []
