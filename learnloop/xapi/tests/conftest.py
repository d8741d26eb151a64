"""Fixtures for the LRS tests: a client credential and an xAPI-speaking test client."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import orjson
import pytest
from django.test import Client

from learnloop.xapi import actions

KEY, SECRET = "conformance", "conformance-secret"


class Xapi:
    """A test client that sends Basic credentials and the version header on every request."""

    def __init__(self, key: str = KEY, secret: str = SECRET, version: str = "2.0.0") -> None:
        self.client = Client()
        token = base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.headers: dict[str, str] = {"Authorization": f"Basic {token}"}
        if version:
            self.headers["X-Experience-API-Version"] = version

    def request(
        self,
        http_method: str,
        path: str,
        body: Any = None,
        *,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
        **params: Any,
    ) -> Any:
        from urllib.parse import urlencode

        url = f"/xapi/{path}"
        if params:
            url += "?" + urlencode(
                {
                    k: orjson.dumps(v).decode() if isinstance(v, dict) else v
                    for k, v in params.items()
                }
            )
        data = (
            body if isinstance(body, bytes) else (orjson.dumps(body) if body is not None else b"")
        )
        return self.client.generic(
            http_method,
            url,
            data,
            content_type=content_type,
            headers={**self.headers, **(headers or {})},
        )

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.request("POST", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.request("PUT", path, body, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.request("DELETE", path, **kwargs)


def statement(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "actor": {"objectType": "Agent", "name": "Ann", "mbox": "mailto:ann@example.com"},
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/completed",
            "display": {"en-US": "completed"},
        },
        "object": {
            "objectType": "Activity",
            "id": "http://example.com/activities/course-1",
            "definition": {"name": {"en-US": "Course one", "fr": "Cours un"}},
        },
    }
    base.update(overrides)
    return base


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def lrs_client(db: None) -> Any:
    client, _ = actions.create_client(
        name="Conformance", key=KEY, secret=SECRET, actor_label="test"
    )
    return client


@pytest.fixture
def xapi(lrs_client: Any) -> Xapi:
    return Xapi()
