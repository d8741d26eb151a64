"""Every role against every page and endpoint of the foundation.

Each row names a request and the status each role gets. A guard test fails when a URL of
these domains exists without a row, so new pages cannot skip the matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import get_resolver

from learnloop.accounts.actions import issue_token
from learnloop.conftest import Org, url_names
from learnloop.people.models import ImportBatch

ROLES = ("anonymous", "employee", "manager", "hr", "ld", "executive", "outsider")
LOGIN = 302  # anonymous page requests are sent to the sign-in page


@dataclass(frozen=True)
class Row:
    name: str  # the URL name this row covers
    method: str
    path: Callable[[Org], str]
    expect: dict[str, int]
    data: Callable[[Org], dict[str, object]] | None = None


def everyone(status: int, **overrides: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status) | overrides


MATRIX = (
    Row("web:healthz", "get", lambda o: "/healthz", everyone(200)),
    Row("web:favicon", "get", lambda o: "/favicon.ico", everyone(301)),
    Row("web:home", "get", lambda o: "/", everyone(200, anonymous=LOGIN)),
    Row("web:audit", "get", lambda o: "/audit/", everyone(403, anonymous=LOGIN, hr=200)),
    Row("people:directory", "get", lambda o: "/people/", everyone(200, anonymous=LOGIN)),
    Row(
        "people:profile",
        "get",
        lambda o: f"/people/{o.employee.pk}/",
        everyone(200, anonymous=LOGIN, outsider=403),
    ),
    Row("people:org_chart", "get", lambda o: "/people/org-chart/", everyone(200, anonymous=LOGIN)),
    Row(
        "people:org_chart_children",
        "get",
        lambda o: f"/people/org-chart/{o.manager.pk}/reports/",
        everyone(200, anonymous=LOGIN, outsider=403),
    ),
    Row(
        "people:team", "get", lambda o: "/people/team/", everyone(403, anonymous=LOGIN, manager=200)
    ),
    Row(
        "people:import", "get", lambda o: "/people/import/", everyone(403, anonymous=LOGIN, hr=200)
    ),
    Row(
        "people:import_preview",
        "get",
        lambda o: f"/people/import/{_batch(o).pk}/",
        everyone(403, anonymous=LOGIN, hr=200, outsider=404),
    ),
    Row(
        "people:import_apply",
        "post",
        lambda o: f"/people/import/{_batch(o).pk}/apply/",
        everyone(403, anonymous=LOGIN, hr=302, outsider=404),
    ),
    Row("accounts:tokens", "get", lambda o: "/accounts/tokens/", everyone(200, anonymous=LOGIN)),
    Row(
        "accounts:revoke_token",
        "post",
        lambda o: f"/accounts/tokens/{_token(o)}/revoke/",
        everyone(403, anonymous=LOGIN, employee=302),
    ),
    Row(
        "accounts:lockouts",
        "get",
        lambda o: "/accounts/lockouts/",
        everyone(403, anonymous=LOGIN, hr=200),
    ),
    Row(
        "accounts:unlock",
        "post",
        lambda o: "/accounts/lockouts/unlock/",
        everyone(403, anonymous=LOGIN, hr=302),
        data=lambda o: {"address": "192.0.2.1", "account": o.employee.user.email},
    ),
    Row("admin:index", "get", lambda o: "/admin/", everyone(302, hr=200)),
    Row(
        "admin:axes_accessattempt_changelist",
        "get",
        lambda o: "/admin/axes/accessattempt/",
        everyone(302, hr=200),
    ),
    Row(
        "admin:people_employee_changelist",
        "get",
        lambda o: "/admin/people/employee/",
        everyone(302, hr=200),
    ),
    Row(
        "admin:audit_auditevent_changelist",
        "get",
        lambda o: "/admin/audit/auditevent/",
        everyone(302, hr=200),
    ),
    Row("api:me", "get", lambda o: "/api/v1/me", everyone(200, anonymous=401)),
    Row("api:list_employees", "get", lambda o: "/api/v1/employees", everyone(200, anonymous=401)),
    Row(
        "api:get_employee",
        "get",
        lambda o: f"/api/v1/employees/{o.employee.pk}",
        everyone(200, anonymous=401, outsider=403),
    ),
    Row("api:my_team", "get", lambda o: "/api/v1/team", everyone(403, anonymous=401, manager=200)),
    Row(
        "api:list_departments", "get", lambda o: "/api/v1/departments", everyone(200, anonymous=401)
    ),
    Row(
        "api:aggregates",
        "get",
        lambda o: "/api/v1/organization/aggregates",
        everyone(403, anonymous=401, hr=200, executive=200),
    ),
    Row(
        "api:import_people",
        "post",
        lambda o: "/api/v1/people/import",
        everyone(403, anonymous=401, hr=400),
        data=lambda o: {"file": _csv()},
    ),
)

# Public pages of the sign-in flow, and Django's stock admin views, are not role-dependent.
UNGUARDED_PREFIXES = (
    "accounts:login",
    "accounts:logout",
    "accounts:password",
    "accounts:signin_link",
    "api:openapi",
)


def _batch(org: Org) -> ImportBatch:
    return ImportBatch.objects.create(
        organization=org.organization,
        uploaded_by=org.hr.user,
        filename="p.csv",
        content="Employee ID,Name,Email\nX1,X,x@x.example\n",
    )


def _token(org: Org) -> int:
    token, _ = issue_token(org.employee.user, "cli")
    return token.pk


def _csv() -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("p.csv", b"Employee ID,Name\n")


def _client(org: Org, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(org.user(role))
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", MATRIX, ids=[f"{row.method} {row.name}" for row in MATRIX])
def test_each_role_gets_the_expected_status(org: Org, row: Row, role: str) -> None:
    client = _client(org, role)
    path = row.path(org)
    response = getattr(client, row.method)(path, row.data(org) if row.data else None)
    assert response.status_code == row.expect[role], f"{role} {row.method.upper()} {path}"


FOUNDATION = ("web:", "people:", "accounts:")
# Exact names: a prefix such as "api:me" would also take in other domains' routes.
FOUNDATION_API = {
    "api:me",
    "api:list_employees",
    "api:get_employee",
    "api:my_team",
    "api:list_departments",
    "api:aggregates",
    "api:import_people",
}


def test_every_foundation_url_has_a_row_in_the_matrix() -> None:
    covered = {row.name for row in MATRIX}
    names = {
        name
        for name in url_names(get_resolver())
        if name.startswith(FOUNDATION) or name in FOUNDATION_API
    }
    missing = sorted(name for name in names - covered if not name.startswith(UNGUARDED_PREFIXES))
    assert missing == []


def test_the_profile_shows_the_employment_record_only_to_self_managers_and_hr(org: Org) -> None:
    seen = {}
    for role in ("employee", "manager", "hr", "ld", "executive"):
        seen[role] = (
            b"Employment record" in _client(org, role).get(f"/people/{org.employee.pk}/").content
        )
    peer = Client()
    peer.force_login(org.peer.user)
    seen["peer"] = b"Employment record" in peer.get(f"/people/{org.employee.pk}/").content
    assert seen == {
        "employee": True,
        "manager": True,
        "hr": True,
        "ld": False,
        "executive": False,
        "peer": False,
    }


def test_the_api_returns_the_record_or_only_the_card_by_role(org: Org) -> None:
    full = {
        role: "hire_date" in _client(org, role).get(f"/api/v1/employees/{org.employee.pk}").json()
        for role in ("employee", "manager", "hr", "ld", "executive")
    }
    assert full == {"employee": True, "manager": True, "hr": True, "ld": False, "executive": False}


def test_the_menu_shows_each_role_only_what_it_may_open(org: Org) -> None:
    def menu(role: str) -> set[str]:
        html = _client(org, role).get("/").content.decode()
        return {
            label
            for label in ("My team", "Import people", "Audit trail", "Sign-in lockouts", "Admin")
            if f">{label}</a>" in html
        }

    assert menu("employee") == set()
    assert menu("manager") == {"My team"}
    assert menu("hr") == {"Import people", "Audit trail", "Sign-in lockouts", "Admin"}
    assert menu("executive") == set()


def test_executives_see_aggregates_and_no_employment_records(org: Org) -> None:
    client = _client(org, "executive")
    assert client.get("/api/v1/organization/aggregates").json()["headcount"] == 7
    assert all(
        "hire_date" not in person for person in client.get("/api/v1/employees").json()["items"]
    )
    assert client.get("/api/v1/team").status_code == 403


def test_an_hr_admin_of_another_organization_sees_nothing_here(org: Org) -> None:
    from learnloop import permissions
    from learnloop.people.tests.factories import RoleGrantFactory

    RoleGrantFactory(user=org.outsider.user, role=permissions.HR_ADMIN)
    client = _client(org, "outsider")
    assert client.get(f"/people/{org.employee.pk}/").status_code == 403
    assert client.get(f"/api/v1/employees/{org.employee.pk}").status_code == 403
    assert client.get(f"/people/import/{_batch(org).pk}/").status_code == 404
    assert client.get("/api/v1/organization/aggregates").json()["headcount"] == 1


def test_the_admin_site_lists_only_the_hr_admins_organization(org: Org) -> None:
    page = _client(org, "hr").get("/admin/people/employee/").content.decode()
    assert org.employee.user.full_name in page
    assert org.outsider.user.full_name not in page


def test_the_home_page_lists_open_feedback_requests_and_1_1s(org: Org) -> None:
    import datetime

    from django.utils import timezone

    from learnloop.feedback import actions as feedback_actions

    feedback_actions.start_series(
        org.manager, org.employee, first_at=timezone.now() + datetime.timedelta(days=2)
    )
    feedback_actions.request_feedback(
        org.peer,
        about="My demo to the sales team",
        respondents=[org.employee],
        due_date=timezone.localdate() + datetime.timedelta(days=7),
    )
    page = _client(org, "employee").get("/").content.decode()
    assert "My demo to the sales team" in page
    assert "Max Manager</a>" in page.split("Your 1:1s")[1]
    assert "My demo to the sales team" not in _client(org, "manager").get("/").content.decode()
