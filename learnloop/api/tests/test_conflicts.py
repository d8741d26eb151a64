"""A constraint violation that reaches the API is a 409 in the one error shape, not a 500."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.db import IntegrityError
from django.test import Client

from learnloop.conftest import Org
from learnloop.learning import actions
from learnloop.learning.models import Item


def test_an_unexpected_constraint_violation_is_a_409_conflict_not_a_500(
    org: Org, client_for: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    item = Item.objects.create(organization=org.organization, title="Python basics")

    def collide(*args: object, **kwargs: object) -> None:
        raise IntegrityError('duplicate key value violates unique constraint "x"')

    monkeypatch.setattr(actions, "enrol", collide)
    response = client_for("employee").post(
        f"/api/v1/learning/items/{item.pk}/enrollments",
        json.dumps({}),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
