from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_errors_have_one_json_shape(client_for):
    client = client_for("employee")
    not_found = client.get("/api/v1/employees/999999")
    assert not_found.status_code == 404
    assert not_found.json() == {
        "error": {"code": "not_found", "message": "Not found.", "details": []}
    }
    forbidden = client.get("/api/v1/organization/aggregates")
    assert forbidden.json()["error"]["code"] == "permission_denied"
    assert Client().get("/api/v1/me").json()["error"]["code"] == "not_authenticated"


def test_a_bad_parameter_names_the_field(client_for):
    response = client_for("employee").get("/api/v1/employees?department=abc")
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid_request"
    assert body["details"][0]["field"] == "department"


def test_a_session_write_needs_the_csrf_token(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.hr.user)
    response = client.post("/api/v1/people/import", {})
    assert response.status_code == 401 or response.status_code == 403


def test_the_openapi_document_and_the_interactive_docs_are_served(client_for):
    client = client_for("employee")
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "learnloop API"
    assert "/api/v1/employees" in schema["paths"]
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_the_directory_searches_and_pages(client_for, org):
    body = client_for("employee").get("/api/v1/employees?q=manager").json()
    assert [person["name"] for person in body["items"]] == ["Max Manager"]
    assert client_for("employee").get("/api/v1/employees?page=1").json()["count"] == 7
