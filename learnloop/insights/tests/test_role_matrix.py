"""Every role against every page and endpoint of the insights app.

Rows name a request and the status each role gets; a guard fails when an insights URL or API
route has no row. Roles: the ``org`` fixture's people (ceo manages everyone, manager manages
employee and peer), plus anonymous and an outsider from another organization.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import get_resolver

from learnloop.conftest import url_names
from learnloop.insights import refresh
from learnloop.insights.tests.conftest import Learning

ROLES = ("anonymous", "employee", "peer", "manager", "ceo", "hr", "ld", "executive", "outsider")
LOGIN = 302
EMPLOYEES = "employee peer manager ceo hr ld executive outsider"


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: str
    expect: dict[str, int]
    label: str = ""

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api:")


def everyone(status: int, **overrides: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status) | overrides


def only(status: int, roles: str, other: int = 403, anonymous: int = LOGIN) -> dict[str, int]:
    return everyone(other, anonymous=anonymous) | dict.fromkeys(roles.split(), status)


def api_only(status: int, roles: str, other: int = 403) -> dict[str, int]:
    return only(status, roles, other, anonymous=401)


P = "/insights"
A = "/api/v1/insights"
ORG = "hr ld executive"

MATRIX = (
    Row("insights:home", "get", f"{P}/", everyone(302)),
    Row("insights:me", "get", f"{P}/me/", only(200, EMPLOYEES)),
    Row("insights:team", "get", f"{P}/team/", only(200, "manager ceo")),
    Row("insights:organization", "get", f"{P}/organization/", only(200, ORG)),
    Row(
        "insights:organization",
        "get",
        f"{P}/organization/?period=forever",
        only(400, ORG),
        label="bad filter",
    ),
    Row("insights:content", "get", f"{P}/content/", only(200, "ld hr")),
    Row("insights:chart", "get", f"{P}/organization/chart/active.svg", only(200, ORG), label="org"),
    Row(
        "insights:chart",
        "get",
        f"{P}/team/chart/funnel.png",
        only(200, "ceo") | {"manager": 404},
        label="team (the manager's two reports are too few for any chart)",
    ),
    Row("insights:chart", "get", f"{P}/me/chart/my_hours.svg", only(200, EMPLOYEES), label="me"),
    Row(
        "insights:export",
        "get",
        f"{P}/organization/data/breakdown.csv",
        only(200, ORG),
        label="csv",
    ),
    Row(
        "insights:export", "get", f"{P}/content/data/content.xlsx", only(200, "ld hr"), label="xlsx"
    ),
    Row("insights:refresh", "post", f"{P}/refresh/", only(302, "hr ld")),
    Row("insights:report", "get", f"{P}/report/", only(200, EMPLOYEES)),
    Row(
        "insights:report",
        "get",
        f"{P}/report/?kind=organization",
        only(200, ORG),
        label="organization",
    ),
    Row("api:insights_dashboard", "get", f"{A}/dashboard?scope=organization", api_only(200, ORG)),
    Row(
        "api:insights_dashboard",
        "get",
        f"{A}/dashboard?scope=team",
        api_only(200, "manager ceo"),
        label="team",
    ),
    Row("api:insights_drilldown", "get", f"{A}/drilldown?by=location", api_only(200, ORG)),
    Row("api:insights_content", "get", f"{A}/content", api_only(200, "ld hr")),
    Row("api:insights_me", "get", f"{A}/me", api_only(200, EMPLOYEES)),
    Row("api:insights_dataset", "get", f"{A}/datasets/organization/active", api_only(200, ORG)),
    Row("api:insights_refresh", "post", f"{A}/refresh", api_only(202, "hr ld")),
)


@pytest.fixture
def world(org: Any) -> Any:
    start = dt.date.today() - dt.timedelta(days=30)
    for person in (org.employee, org.peer, org.manager, org.hr, org.ld):
        Learning(person, 1, source="manager").full(start)
    refresh.refresh()
    return org


def _status(org: Any, row: Row, role: str) -> tuple[int, bytes]:
    c = Client()
    if role != "anonymous":
        c.force_login(org.user(role))
    with transaction.atomic():
        if row.is_api and row.method != "get":
            response = getattr(c, row.method)(
                row.path, json.dumps({}), content_type="application/json"
            )
        else:
            response = getattr(c, row.method)(row.path)
        transaction.set_rollback(True)
    return response.status_code, response.content[:200]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_everywhere(world: Any, role: str) -> None:
    wrong = []
    for row in MATRIX:
        status, body = _status(world, row, role)
        if status != row.expect[role]:
            wrong.append(
                f"{row.method.upper()} {row.name} {row.label}: got {status}, expected {row.expect[role]}: {body!r}"
            )
    assert wrong == []


def test_every_insights_page_and_route_has_a_row(settings: Any) -> None:
    from learnloop.insights import api as insights_api

    routes = {
        f"api:{operation.view_func.__name__}"
        for path_view in insights_api.router.path_operations.values()
        for operation in path_view.operations
    }
    resolver = get_resolver(settings.ROOT_URLCONF)
    pages = {name for name in url_names(resolver) if name.startswith("insights:")}
    assert routes <= url_names(resolver)
    assert sorted((pages | routes) - {row.name for row in MATRIX}) == []


def test_a_granted_admin_without_an_employee_record_sees_the_organization(org: Any) -> None:
    from learnloop.people.tests.factories import RoleGrantFactory, UserFactory

    user = UserFactory()
    RoleGrantFactory(user=user, role="hr_admin")
    c = Client()
    c.force_login(user)
    # Two organizations exist in the fixture, so an admin without an employee record has none.
    assert c.get(f"{P}/organization/").status_code == 403
