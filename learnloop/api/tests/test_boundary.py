"""The API's request boundary: body size, authorization before parsing, the shape of a body."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from learnloop.accounts.actions import issue_token
from learnloop.api.auth import declared_permission
from learnloop.api.tests import openapi_walk
from learnloop.conftest import Org
from learnloop.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ("employee", "manager", "peer", "hr", "ld", "executive", "outsider", "no_employee")
DECLARED = [
    op for op in openapi_walk.operations() if declared_permission(op.operation.auth_callbacks)
]


def test_a_body_over_the_upload_limit_gets_413_in_the_error_shape(
    client_for: Any, settings: Any
) -> None:
    body = json.dumps({"text": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = client_for("employee").post(
        "/api/v1/surveys/suggestions", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_an_upload_form_over_the_limit_gets_413_in_the_error_shape(
    client_for: Any, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # form fields count, files do not
    response = client_for("hr").post("/api/v1/people/import", {"note": "x" * 2000})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_operations_only_some_roles_may_use_declare_it() -> None:
    assert len(DECLARED) >= 20


@pytest.mark.parametrize("op", DECLARED, ids=[op.id for op in DECLARED])
def test_a_role_that_may_not_use_an_operation_gets_403_whatever_it_sends(
    org: Org, op: openapi_walk.ApiOperation
) -> None:
    permission = declared_permission(op.operation.auth_callbacks)
    assert permission is not None
    url = openapi_walk.filled_path(op, openapi_walk.document())
    users = {role: org.user(role) for role in ROLES[:-1]}
    users["no_employee"] = UserFactory()  # an account with no employee record
    turned_away = 0
    for role, user in users.items():
        try:
            permission.check(user)
            continue
        except PermissionDenied:
            turned_away += 1
        _, secret = issue_token(user, "probe")
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        send = getattr(client, op.method)
        for body in ("[null,null]", '{"x": "\\u0000"}', "not json"):
            if op.method == "get":
                response = send(url, {"q": "\x00"})
            else:
                response = send(url, body, content_type="application/json")
            assert response.status_code == 403, f"{role} {op.id} {body}"
            assert response.json()["error"]["code"] == "permission_denied"
    assert turned_away, f"no role of the fixture is turned away by {op.id}"
