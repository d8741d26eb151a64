"""Every role against every page and endpoint of the learning app.

Rows name a request and the status each role gets; a guard fails when a learning URL or API
route has no row. Roles: the ``org`` fixture's people plus ``peer`` (the employee's teammate)
and ``ceo`` (the manager's manager).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.urls import get_resolver

from learnloop.conftest import url_names
from learnloop.learning import actions
from learnloop.learning.models import (
    Attempt,
    Certificate,
    Curriculum,
    Enrollment,
    ItemSkill,
    Lesson,
)
from learnloop.learning.tests.conftest import RIGHT, ROLES, World, client, responses
from learnloop.people.models import JobRole

LOGIN = 302


@dataclass
class Matrix:
    w: World
    course: Enrollment  # the employee's, in the course with lessons
    open_item: Enrollment  # the employee's, in an item without a quiz
    certificate: Certificate
    attempt: Attempt
    curriculum: Curriculum
    suggestion: ItemSkill
    lesson: Lesson
    job_role: JobRole


@pytest.fixture
def m(world: World) -> Matrix:
    employee = world.org.employee
    course = actions.enrol(employee, world.basics, actor=employee.user)
    open_item = actions.enrol(employee, world.advanced, actor=employee.user)
    actions.complete(world.assignment, actor=employee.user, seconds=600)
    attempt = actions.start_attempt(world.quiz, employee, actor=employee.user)
    actions.submit_attempt(attempt, responses(world, RIGHT), actor=employee.user)
    curriculum = actions.create_curriculum(
        world.org.organization, "Onboarding", [world.primer], actor=world.org.ld.user
    )
    suggestion = ItemSkill.objects.create(
        item=world.advanced, skill=world.sql, level=2, confirmed=False
    )
    return Matrix(
        world,
        course,
        open_item,
        Certificate.objects.get(enrollment=world.assignment),
        attempt,
        curriculum,
        suggestion,
        Lesson.objects.filter(module__item=world.basics).first(),  # type: ignore[arg-type]
        JobRole.objects.get(organization=world.org.organization, title="Engineer"),
    )


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: Callable[[Matrix], str]
    expect: dict[str, int]
    data: Callable[[Matrix], dict[str, Any]] | None = None
    label: str = ""
    multipart: bool = False

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


def _csv(m: Matrix) -> dict[str, Any]:
    upload = io.BytesIO(b"title,kind,duration_minutes,skills\nGit,video,30,SQL:2\n")
    upload.name = "catalog.csv"
    return {"file": upload}


L = "/learning"
A = "/api/v1/learning"
OVERSEERS = "employee manager ceo ld"

MATRIX = (
    Row("learning:home", "get", lambda m: f"{L}/", page(200)),
    Row(
        "learning:path_settings",
        "post",
        lambda m: f"{L}/path/",
        page(302),
        data=lambda m: {"target_kind": "current_role", "weekly_hours": "4"},
    ),
    Row(
        "learning:path_edit",
        "post",
        lambda m: f"{L}/path/edit/",
        page(302, outsider=403),
        data=lambda m: {"item": m.w.advanced.pk, "change": "add"},
    ),
    Row("learning:catalog", "get", lambda m: f"{L}/catalog/?q=python&free=1", page(200)),
    Row("learning:item", "get", lambda m: f"{L}/items/{m.w.basics.pk}/", page(200, outsider=403)),
    Row(
        "learning:enrol",
        "post",
        lambda m: f"{L}/items/{m.w.primer.pk}/enrol/",
        page(302, outsider=403),
    ),
    Row(
        "learning:launch",
        "post",
        lambda m: f"{L}/enrollments/{m.course.pk}/launch/",
        only(302, "employee"),
    ),
    Row(
        "learning:lesson_done",
        "post",
        lambda m: f"{L}/enrollments/{m.course.pk}/lessons/{m.lesson.pk}/done/",
        only(302, "employee"),
    ),
    Row(
        "learning:progress",
        "post",
        lambda m: f"{L}/enrollments/{m.open_item.pk}/progress/",
        only(302, "employee"),
        data=lambda m: {"percent": "40", "minutes": "30"},
    ),
    Row(
        "learning:complete",
        "post",
        lambda m: f"{L}/enrollments/{m.open_item.pk}/complete/",
        only(302, "employee"),
        data=lambda m: {"minutes": "90"},
    ),
    Row(
        "learning:rate",
        "post",
        lambda m: f"{L}/enrollments/{m.w.assignment.pk}/rate/",
        only(302, "employee"),
        data=lambda m: {"stars": "5", "comment": "Useful"},
    ),
    Row("learning:quiz", "get", lambda m: f"{L}/quizzes/{m.w.quiz.pk}/", page(200, outsider=403)),
    Row(
        "learning:quiz",
        "post",
        lambda m: f"{L}/quizzes/{m.w.quiz.pk}/",
        page(302, outsider=403),
        data=lambda m: {
            f"q{q.pk}": str(v).lower() for q, v in zip(m.w.questions, RIGHT.values(), strict=True)
        },
        label="submit",
    ),
    Row(
        "learning:attempt",
        "get",
        lambda m: f"{L}/attempts/{m.attempt.pk}/",
        only(200, OVERSEERS),
    ),
    Row(
        "learning:certificate",
        "get",
        lambda m: f"{L}/certificates/{m.certificate.code}/",
        only(200, OVERSEERS),
    ),
    Row(
        "learning:certificate_pdf",
        "get",
        lambda m: f"{L}/certificates/{m.certificate.code}/pdf/",
        only(200, OVERSEERS),
    ),
    Row("learning:team", "get", lambda m: f"{L}/team/", only(200, "manager ceo ld")),
    Row(
        "learning:team",
        "post",
        lambda m: f"{L}/team/",
        only(302, "manager ceo ld"),
        data=lambda m: {"employee": m.w.org.peer.pk, "item": m.w.primer.pk, "mandatory": "1"},
        label="assign",
    ),
    Row("learning:manage", "get", lambda m: f"{L}/manage/", only(200, "ld")),
    Row(
        "learning:manage",
        "post",
        lambda m: f"{L}/manage/",
        only(302, "ld"),
        data=lambda m: {
            "title": "Docker",
            "kind": "video",
            "duration_minutes": "30",
            "format": "video",
            "language": "en",
            "skill": m.w.sql.pk,
            "skill_level": "2",
        },
        label="create",
    ),
    Row(
        "learning:edit_item", "get", lambda m: f"{L}/manage/items/{m.w.basics.pk}/", only(200, "ld")
    ),
    Row(
        "learning:suggest",
        "post",
        lambda m: f"{L}/manage/items/{m.w.primer.pk}/suggest/",
        only(302, "ld"),
    ),
    Row(
        "learning:decide_skill",
        "post",
        lambda m: f"{L}/manage/item-skills/{m.suggestion.pk}/",
        only(302, "ld"),
        data=lambda m: {"accept": "1", "level": "2"},
    ),
    Row("learning:export_csv", "get", lambda m: f"{L}/manage/catalog.csv", only(200, "ld")),
    Row(
        "learning:import_csv",
        "post",
        lambda m: f"{L}/manage/import/",
        only(302, "ld"),
        data=_csv,
    ),
    Row("learning:assignments", "get", lambda m: f"{L}/manage/assignments/", only(200, "ld")),
    Row(
        "learning:assignments",
        "post",
        lambda m: f"{L}/manage/assignments/",
        only(302, "ld"),
        data=lambda m: {"item": m.w.primer.pk, "role": m.job_role.pk, "mandatory": "1"},
        label="assign a role",
    ),
    Row("learning:questions", "get", lambda m: f"{L}/manage/questions/", only(200, "ld")),
    Row("learning:curricula", "get", lambda m: f"{L}/manage/curricula/", only(200, "ld")),
    Row(
        "learning:assign_curriculum",
        "post",
        lambda m: f"{L}/manage/curricula/{m.curriculum.pk}/assign/",
        only(302, "ld"),
        data=lambda m: {"role": m.job_role.pk},
    ),
    Row("learning:analytics", "get", lambda m: f"{L}/analytics/", only(200, "ld executive")),
    # API
    Row("api:learning_items", "get", lambda m: f"{A}/items?q=python", api(200)),
    Row(
        "api:learning_item_create",
        "post",
        lambda m: f"{A}/items",
        api_only(201, "ld"),
        data=lambda m: {
            "title": "Kafka",
            "kind": "book",
            "duration_minutes": 300,
            "skills": [{"skill_id": m.w.sql.pk, "level": 2}],
        },
    ),
    Row("api:learning_item", "get", lambda m: f"{A}/items/{m.w.basics.pk}", api(200, outsider=403)),
    Row(
        "api:learning_item_update",
        "put",
        lambda m: f"{A}/items/{m.w.primer.pk}",
        api_only(200, "ld"),
        data=lambda m: {"title": "SQL primer", "kind": "article", "duration_minutes": 50},
    ),
    Row(
        "api:learning_item_suggest",
        "post",
        lambda m: f"{A}/items/{m.w.primer.pk}/suggest-skills",
        api_only(200, "ld"),
    ),
    Row(
        "api:learning_item_skill_decide",
        "post",
        lambda m: f"{A}/item-skills/{m.suggestion.pk}/decision",
        api_only(200, "ld"),
        data=lambda m: {"accept": False},
    ),
    Row("api:learning_catalog_export", "get", lambda m: f"{A}/catalog.csv", api_only(200, "ld")),
    Row(
        "api:learning_catalog_import",
        "post",
        lambda m: f"{A}/catalog/import",
        api_only(200, "ld"),
        data=_csv,
        multipart=True,
    ),
    Row(
        "api:learning_enrol",
        "post",
        lambda m: f"{A}/items/{m.w.primer.pk}/enrollments",
        api(201, outsider=403),
        data=lambda m: {},
        label="self",
    ),
    Row(
        "api:learning_enrol",
        "post",
        lambda m: f"{A}/items/{m.w.basics.pk}/enrollments",
        api_only(201, "manager ceo ld", other=403) | {"outsider": 403, "peer": 201},
        data=lambda m: {"employee_id": m.w.org.peer.pk, "due_date": "2099-01-01"},
        label="assign the peer",
    ),
    Row(
        "api:learning_assign_group",
        "post",
        lambda m: f"{A}/items/{m.w.primer.pk}/group-assignments",
        api_only(200, "ld"),
        data=lambda m: {"job_role_id": m.job_role.pk, "mandatory": True},
    ),
    Row("api:learning_enrollments", "get", lambda m: f"{A}/enrollments", api(200)),
    Row(
        "api:learning_enrollments",
        "get",
        lambda m: f"{A}/enrollments?employee_id={m.w.org.employee.pk}",
        api_only(200, OVERSEERS) | {"outsider": 404},
        label="of the employee",
    ),
    Row(
        "api:learning_progress",
        "post",
        lambda m: f"{A}/enrollments/{m.course.pk}/progress",
        api_only(200, "employee"),
        data=lambda m: {"lesson_id": m.lesson.pk, "seconds": 300},
    ),
    Row(
        "api:learning_complete",
        "post",
        lambda m: f"{A}/enrollments/{m.open_item.pk}/complete",
        api_only(200, "employee"),
        data=lambda m: {"seconds": 3600},
    ),
    Row(
        "api:learning_rate",
        "post",
        lambda m: f"{A}/enrollments/{m.w.assignment.pk}/rating",
        api_only(200, "employee"),
        data=lambda m: {"stars": 4},
    ),
    Row(
        "api:learning_certificate",
        "get",
        lambda m: f"{A}/certificates/{m.certificate.code}",
        api_only(200, OVERSEERS),
    ),
    Row(
        "api:learning_question_create",
        "post",
        lambda m: f"{A}/questions",
        api_only(201, "ld"),
        data=lambda m: {
            "skill_id": m.w.sql.pk,
            "kind": "true_false",
            "text": "SELECT reads?",
            "answer": True,
        },
    ),
    Row(
        "api:learning_quiz_create",
        "post",
        lambda m: f"{A}/items/{m.w.primer.pk}/quizzes",
        api_only(201, "ld"),
        data=lambda m: {"title": "SQL check", "question_ids": [m.w.questions[0].pk]},
    ),
    Row("api:learning_quiz", "get", lambda m: f"{A}/quizzes/{m.w.quiz.pk}", api(200, outsider=403)),
    Row(
        "api:learning_quiz_submit",
        "post",
        lambda m: f"{A}/quizzes/{m.w.quiz.pk}/attempts",
        api(201, outsider=403),
        data=lambda m: {
            "answers": [
                {"question_id": q.pk, "response": v}
                for q, v in zip(m.w.questions, RIGHT.values(), strict=True)
            ]
        },
    ),
    Row("api:learning_path", "get", lambda m: f"{A}/path", api(200)),
    Row(
        "api:learning_path",
        "get",
        lambda m: f"{A}/path?employee_id={m.w.org.employee.pk}",
        api_only(200, OVERSEERS) | {"outsider": 404},
        label="of the employee",
    ),
    Row(
        "api:learning_path_set",
        "put",
        lambda m: f"{A}/path",
        api(200),
        data=lambda m: {"target_kind": "current_role", "weekly_hours": 5},
    ),
    Row(
        "api:learning_path_edit",
        "post",
        lambda m: f"{A}/path/edits",
        api(200, outsider=403),
        data=lambda m: {"item_id": m.w.primer.pk, "change": "drop"},
    ),
    Row("api:learning_mastery", "get", lambda m: f"{A}/mastery", api(200)),
    Row("api:learning_team", "get", lambda m: f"{A}/team", api_only(200, "manager ceo ld")),
    Row("api:learning_analytics", "get", lambda m: f"{A}/analytics", api_only(200, "ld executive")),
    Row(
        "api:learning_curriculum_create",
        "post",
        lambda m: f"{A}/curricula",
        api_only(201, "ld"),
        data=lambda m: {"title": "Data track", "item_ids": [m.w.basics.pk, m.w.advanced.pk]},
    ),
    Row(
        "api:learning_curriculum_assign",
        "post",
        lambda m: f"{A}/curricula/{m.curriculum.pk}/assignments",
        api_only(200, "ld"),
        data=lambda m: {"job_role_id": m.job_role.pk},
    ),
)


def _status(m: Matrix, row: Row, role: str) -> tuple[int, bytes]:
    """One request, rolled back afterwards so every row sees the same world."""
    c = client(m.w.org, role)
    path = row.path(m)
    data = row.data(m) if row.data else None
    with transaction.atomic():
        if row.is_api and row.method != "get" and not row.multipart:
            response = getattr(c, row.method)(
                path, json.dumps(data or {}), content_type="application/json"
            )
        else:
            response = getattr(c, row.method)(path, data)
        transaction.set_rollback(True)
    return response.status_code, response.content[:300]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_everywhere(m: Matrix, role: str) -> None:
    wrong = []
    for row in MATRIX:
        status, body = _status(m, row, role)
        if status != row.expect[role]:
            wrong.append(
                f"{row.method.upper()} {row.name} {row.label}: got {status}, "
                f"expected {row.expect[role]}: {body!r}"
            )
    assert wrong == []


def test_every_learning_page_and_route_has_a_row(settings: Any) -> None:
    from learnloop.learning import api as learning_api

    routes = {
        f"api:{operation.view_func.__name__}"
        for path_view in learning_api.router.path_operations.values()
        for operation in path_view.operations
    }
    resolver = get_resolver(settings.ROOT_URLCONF)
    pages = {name for name in url_names(resolver) if name.startswith("learning:")}
    assert routes <= url_names(resolver)
    assert sorted((pages | routes) - {row.name for row in MATRIX}) == []
