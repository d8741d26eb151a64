"""Property-based tests of the whole API from its OpenAPI document (schemathesis).

Every operation is called in-process through the WSGI application, against the test database
holding the ``org`` fixture, with an HR admin's token and an employee's. Any 5xx or a response
that does not match the documented schema fails. The profile is bounded and deterministic
(derandomized, no example database) so the suite stays fast and repeatable; no operation is
excluded. Run it alone with ``pytest learnloop/api/tests/test_schemathesis.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from learnloop.accounts.actions import issue_token
from learnloop.api.tests import openapi_walk
from learnloop.conftest import Org
from learnloop.wsgi import application

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_dict(openapi_walk.document())
schema.app = application


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request, which would end
    the test's transaction on PostgreSQL; Django's test client disconnects it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=3,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),  # the org fixture is per test, on purpose
)
def test_the_api_never_answers_5xx_nor_off_its_documented_schema(case: Any, org: Org) -> None:
    for role in ("hr", "employee"):
        _, secret = issue_token(org.user(role), "schemathesis")
        case.call_and_validate(
            headers={"Authorization": f"Bearer {secret}"},
            checks=[not_a_server_error, response_schema_conformance],
        )
