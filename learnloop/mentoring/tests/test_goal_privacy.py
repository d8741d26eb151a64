"""A pair's agreed goals are theirs: their managers up the chain and the program admins see
that there are goals and how far along they are, never their words (issue 19, defect 15), and
the audit trail and the LRS carry no goal text (defect 4)."""

from __future__ import annotations

import json

import pytest

from learnloop.audit.models import AuditEvent
from learnloop.mentoring import actions
from learnloop.mentoring.tests.conftest import ROLES, World
from learnloop.mentoring.tests.test_role_matrix import MATRIX, _response, client
from learnloop.xapi.models import Activity, Statement

GOAL = "AGREED-GOAL-6190"
A = "/api/v1/mentoring"


@pytest.fixture
def goal_world(world: World) -> World:
    actions.add_goal(world.org.peer.user, world.pair, f"Stop freezing on stage {GOAL}")
    return world


def test_a_manager_up_the_chain_reads_progress_but_not_the_goal_text_via_the_api(
    goal_world: World,
) -> None:
    for role in ("manager", "ceo", "hr"):
        detail = client(goal_world, role).get(f"{A}/relationships/{goal_world.pair.pk}").json()
        assert GOAL not in json.dumps(detail), role
        assert [g["text"] for g in detail["goals"]] == [None, None]
        assert detail["progress"] is not None
    for role in ("peer", "ld"):
        detail = client(goal_world, role).get(f"{A}/relationships/{goal_world.pair.pk}").json()
        assert GOAL in json.dumps(detail), role


def test_a_manager_up_the_chain_does_not_read_the_goal_text_on_the_pair_s_page(
    goal_world: World,
) -> None:
    page = f"/mentoring/pairs/{goal_world.pair.pk}/"
    for role in ("manager", "ceo", "hr"):
        response = client(goal_world, role).get(page)
        assert response.status_code == 200 and GOAL not in response.content.decode(), role
    assert GOAL in client(goal_world, "peer").get(page).content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_no_page_or_endpoint_shows_the_goal_text_outside_the_pair(
    goal_world: World, role: str
) -> None:
    for row in MATRIX:
        if row.method == "get" and GOAL in _response(goal_world, row, role).content.decode():
            assert role in ("peer", "ld"), f"{row.name} shows the pair's goal to {role}"


def test_the_trail_and_the_lrs_carry_no_goal_text(goal_world: World) -> None:
    goal = goal_world.pair.goals.get(text__contains=GOAL)
    actions.set_progress(goal_world.org.peer.user, goal, 0.5)
    trail = list(AuditEvent.objects.values_list("target_label", "data"))
    lrs = [s.data for s in Statement.objects.all()]
    activities = list(Activity.objects.values_list("definition", flat=True))
    assert GOAL not in json.dumps([trail, lrs, activities], default=str)
    added = AuditEvent.objects.get(action="mentoring.goal_added", target_id=str(goal.pk))
    assert added.target_type == "mentoring.goal"
