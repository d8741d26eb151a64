"""Every role against every page and API route of the skills app; a guard fails when a
``skills:`` URL name or a route of the skills router has no row.

Roles are the ``org`` fixture's people: ``employee`` (whose data the rows touch), ``manager``
(theirs), ``peer`` (the employee's teammate), ``hr``, ``ld``, ``executive``, ``outsider``
(another organization), plus ``anonymous``."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse

from learnloop.conftest import Org, url_names
from learnloop.skills import jobs
from learnloop.skills.models import SkillClaim, Suggestion
from learnloop.skills.tests.conftest import Taxonomy

ROLES = ("employee", "manager", "peer", "hr", "ld", "executive", "outsider", "anonymous")
API = "/api/v1/skills"


@dataclass(frozen=True)
class World:
    org: Org
    taxonomy: Taxonomy
    claim: SkillClaim
    suggestion: Suggestion
    job: int
    tagging: int


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: Callable[[World], str]
    expect: dict[str, int]
    data: Callable[[World], Any] | None = None
    multipart: bool = False


def everyone(status: int, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status) | {"anonymous": anonymous} | overrides


def only(
    status: int, roles: str, other: int = 403, anonymous: int = 302, **more: int
) -> dict[str, int]:
    return everyone(other, anonymous) | dict.fromkeys(roles.split(), status) | more


def api_only(status: int, roles: str, other: int = 403, **more: int) -> dict[str, int]:
    return only(status, roles, other, anonymous=401, **more)


def employee_url(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[w.org.employee.pk])


def csv_file(_: World) -> dict[str, Any]:
    return {
        "file": SimpleUploadedFile("r.csv", b"role_profile,skill,target_level\nAnalyst,SQL,3\n")
    }


MATRIX = [
    Row("skills:home", "get", lambda w: reverse("skills:home"), everyone(200)),
    Row("skills:person", "get", employee_url("skills:person"),
        only(200, "employee manager hr", outsider=404)),
    Row("skills:add_claim", "post", employee_url("skills:add_claim"),
        only(302, "employee manager", outsider=404),
        lambda w: {"skill": w.taxonomy.sql.pk, "level": 3}),
    Row("skills:endorse", "get", employee_url("skills:endorse"),
        only(200, "manager peer hr ld executive", outsider=404)),
    Row("skills:withdraw_claim", "post", lambda w: reverse("skills:withdraw_claim", args=[w.claim.pk]),
        only(302, "employee")),
    Row("skills:infer", "get", lambda w: reverse("skills:infer"), everyone(200)),
    Row("skills:inference_job", "get", lambda w: reverse("skills:inference_job", args=[w.job]),
        only(200, "employee")),
    Row("skills:decide", "post", lambda w: reverse("skills:decide", args=[w.suggestion.pk]),
        only(302, "employee"), lambda w: {"decision": "accept", "level": 2}),
    Row("skills:taxonomy", "get", lambda w: reverse("skills:taxonomy"), everyone(200)),
    Row("skills:skill_options", "get", lambda w: reverse("skills:skill_options") + "?q=sq",
        everyone(200)),
    Row("skills:add_own_skill", "post", lambda w: reverse("skills:add_own_skill"),
        only(302, "hr ld"), lambda w: {"label": "Billing internals"}),
    Row("skills:skill", "get", lambda w: reverse("skills:skill", args=[w.taxonomy.sql.pk]),
        everyone(200)),
    Row("skills:roles", "get", lambda w: reverse("skills:roles"), everyone(200)),
    Row("skills:roles_csv", "get", lambda w: reverse("skills:roles_csv"), everyone(200)),
    Row("skills:role", "get", lambda w: reverse("skills:role", args=[w.taxonomy.role.pk]),
        everyone(200, outsider=404)),
    Row("skills:tagging_job", "get", lambda w: reverse("skills:tagging_job", args=[w.tagging]),
        only(302, "hr ld", outsider=404)),
    Row("skills:frameworks", "get", lambda w: reverse("skills:frameworks"), everyone(200)),
    Row("skills:gaps", "get", lambda w: reverse("skills:gaps"), everyone(200)),
    Row("skills:team_gaps", "get", lambda w: reverse("skills:team_gaps"), only(200, "manager hr")),
    Row("skills:inventory", "get", lambda w: reverse("skills:inventory"),
        only(200, "hr ld executive")),
    # API
    Row("api:skills_taxonomy", "get", lambda w: f"{API}/taxonomy?q=sql", everyone(200, 401)),
    Row("api:profile", "get", lambda w: f"{API}/people/{w.org.employee.pk}/profile",
        api_only(200, "employee manager hr", outsider=404)),
    Row("api:add_claim", "post", lambda w: f"{API}/people/{w.org.employee.pk}/claims",
        api_only(201, "employee manager", outsider=404),
        lambda w: {"skill_id": w.taxonomy.sql.pk, "level": 3}),
    Row("api:endorse", "post", lambda w: f"{API}/people/{w.org.employee.pk}/endorsements",
        api_only(201, "manager peer hr ld executive", outsider=404),
        lambda w: {"skill_id": w.taxonomy.sql.pk, "level": 3}),
    Row("api:suggestions", "get", lambda w: f"{API}/suggestions", everyone(200, 401)),
    Row("api:suggest", "post", lambda w: f"{API}/suggestions", everyone(202, 401),
        lambda w: {"text": "I wrote SQL reports."}),
    Row("api:suggest_from_file", "post", lambda w: f"{API}/suggestions/upload",
        everyone(202, 401),
        lambda w: {"file": SimpleUploadedFile("cv.txt", b"I wrote SQL reports.")}, True),
    Row("api:skills_inference_job", "get", lambda w: f"{API}/inference-jobs/{w.job}",
        api_only(200, "employee")),
    Row("api:decide", "post", lambda w: f"{API}/suggestions/{w.suggestion.pk}/decision",
        api_only(200, "employee"), lambda w: {"accept": False}),
    Row("api:tag", "post", lambda w: f"{API}/tag", api_only(202, "hr ld"),
        lambda w: {"text": "Writes SQL."}),
    Row("api:skills_tagging_job", "get", lambda w: f"{API}/tagging-jobs/{w.tagging}",
        api_only(200, "hr ld")),
    Row("api:roles", "get", lambda w: f"{API}/roles", everyone(200, 401)),
    Row("api:save_role", "put", lambda w: f"{API}/roles", api_only(200, "hr ld"),
        lambda w: {"name": "Analyst", "requirements": []}),
    Row("api:import_roles", "post", lambda w: f"{API}/roles/import", api_only(200, "hr ld"),
        csv_file, True),
    Row("api:person_gaps", "get", lambda w: f"{API}/people/{w.org.employee.pk}/gaps",
        api_only(200, "employee manager hr", outsider=404)),
    Row("api:team", "get", lambda w: f"{API}/gaps/team", api_only(200, "manager hr")),
    Row("api:inventory", "get", lambda w: f"{API}/gaps/inventory", api_only(200, "hr ld executive")),
]  # fmt: skip


@pytest.fixture
def world(org: Org, taxonomy: Taxonomy) -> World:
    claim = SkillClaim.objects.get(employee=org.employee, skill=taxonomy.python)
    suggestion = Suggestion.objects.create(
        employee=org.employee, skill=taxonomy.sql, sentence="SQL reports", score=0.9
    )
    job = jobs.request_inference(org.employee, actor=org.employee.user, text="SQL reports.")
    tagging = jobs.request_tagging(
        org.organization, "Writes SQL.", actor=org.hr.user, profile=taxonomy.role
    )
    return World(org, taxonomy, claim, suggestion, job.pk, tagging.pk)


def _status(world: World, row: Row, role: str) -> tuple[int, bytes]:
    """One request, rolled back afterwards so every row sees the same world."""
    c = Client()
    if role != "anonymous":
        c.force_login(world.org.user(role))
    path = row.path(world)
    data = row.data(world) if row.data else None
    with transaction.atomic():
        if row.name.startswith("api:") and row.method != "get" and not row.multipart:
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
                f"{row.method.upper()} {row.name}: got {status}, expected {row.expect[role]}: {body!r}"
            )
    assert wrong == []


def test_every_skills_page_and_route_has_a_row(settings: Any) -> None:
    from learnloop.skills import api as skills_api

    routes = {
        f"api:{path_view.url_name or operation.view_func.__name__}"
        for path_view in skills_api.router.path_operations.values()
        for operation in path_view.operations
    }
    resolver = get_resolver(settings.ROOT_URLCONF)
    pages = {name for name in url_names(resolver) if name.startswith("skills:")}
    assert sorted((pages | routes) - {row.name for row in MATRIX}) == []
