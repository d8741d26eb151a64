"""NUL and lone-surrogate probes over every text field of every API operation and every page.

The API probes are generated from the OpenAPI document, so a new operation or field is probed
without anyone listing it; the page probes walk the URL resolver and the forms pages render.
Each probe expects a 400 naming the field (or the 403 of a caller the operation's declared
permission turns away before the body is read), never a 500, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from learnloop.accounts.actions import issue_token
from learnloop.api.auth import declared_permission
from learnloop.api.tests import openapi_walk
from learnloop.api.tests.openapi_walk import ApiOperation
from learnloop.conftest import Org

pytestmark = pytest.mark.django_db

NUL = "a\x00b"
SURROGATE = "a\ud800b"  # only a JSON escape can carry one: a query string decodes it away
OPERATIONS = openapi_walk.operations()
DOCUMENT = openapi_walk.document()


def _token_client(org: Org, role: str) -> Client:
    _, secret = issue_token(org.user(role), "probe")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _turned_away(op: ApiOperation, org: Org, role: str) -> bool:
    permission = declared_permission(op.operation.auth_callbacks)
    if permission is None:
        return False
    try:
        permission.check(org.user(role))
    except PermissionDenied:
        return True
    return False


def _assert_rejected(response: Any, field: str, what: str) -> None:
    assert response.status_code == 400, f"{what}: {response.status_code} {response.content[:300]!r}"
    fields = [detail["field"] for detail in response.json()["error"]["details"]]
    assert fields == [field], what


def _probes(op: ApiOperation) -> list[tuple[str, str, dict[str, Any]]]:
    """(field, label, request arguments) for each text field of the operation."""
    probes: list[tuple[str, str, dict[str, Any]]] = []
    for parameter in op.spec.get("parameters", []):
        schema = openapi_walk.resolve(parameter.get("schema", {}), DOCUMENT)
        if parameter["in"] == "query" and () in set(openapi_walk.text_paths(schema, DOCUMENT)):
            name = parameter["name"]
            probes.append((name, f"query {name}", {"query": {name: NUL}}))
    content = op.spec.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        schema = content["application/json"]["schema"]
        for path in dict.fromkeys(openapi_walk.text_paths(schema, DOCUMENT)):
            field = ".".join(str(part) for part in path)
            for label, value in (("NUL", NUL), ("surrogate", SURROGATE)):
                body = json.dumps(openapi_walk.placed(path, value))
                probes.append((field, f"{label} in {field}", {"json": body}))
    if "multipart/form-data" in content:
        schema = openapi_walk.resolve(content["multipart/form-data"]["schema"], DOCUMENT)
        for name in schema.get("properties", {}):
            if () in set(openapi_walk.text_paths(schema["properties"][name], DOCUMENT)):
                probes.append((name, f"form {name}", {"form": {name: NUL}}))
    return probes


PROBED = [op for op in OPERATIONS if _probes(op)]


def test_the_probes_reach_the_operations_that_take_text() -> None:
    # A walk that found nothing would make every probe below pass vacuously.
    assert len(PROBED) >= 50
    assert sum(len(_probes(op)) for op in PROBED) >= 220


@pytest.mark.parametrize("role", ["hr", "employee"])
@pytest.mark.parametrize("op", PROBED, ids=[op.id for op in PROBED])
def test_every_text_field_of_the_api_rejects_nul_and_lone_surrogates(
    org: Org, op: ApiOperation, role: str
) -> None:
    client = _token_client(org, role)
    url = openapi_walk.filled_path(op, DOCUMENT)
    send = getattr(client, op.method)
    for field, label, arguments in _probes(op):
        what = f"{role} {op.id}: {label}"
        if "json" in arguments:
            response = send(url, arguments["json"], content_type="application/json")
        elif "form" in arguments:
            response = send(url, arguments["form"])
        else:
            query = arguments["query"]
            response = (
                client.get(url, query)
                if op.method == "get"
                else send(f"{url}?{urlencode(query)}", "{}", content_type="application/json")
            )
        if _turned_away(op, org, role):
            assert response.status_code == 403, what
        else:
            _assert_rejected(response, field, what)


def test_a_non_object_body_is_rejected_naming_the_body(client_for: Any) -> None:
    client = client_for("hr")
    for body in ("[null,null]", "null", "5", '"text"'):
        response = client.patch(
            "/api/v1/mentoring/programs/1", body, content_type="application/json"
        )
        _assert_rejected(response, "body", body)
        response = client.post("/api/v1/inbox/read", body, content_type="application/json")
        _assert_rejected(response, "body", body)


# --- pages ---------------------------------------------------------------------------------

# Prefixes the page middleware leaves to their own boundary (the API above, the LRS its own).
NOT_PAGES = ("/api/", "/xapi/")


class _Forms(HTMLParser):
    """The forms of a page: (method, action, field names)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            method = (attributes.get("method") or "get").lower()
            self.forms.append((method, attributes.get("action") or "", []))
        elif tag in ("input", "textarea", "select") and self.forms:
            name = attributes.get("name")
            kind = (attributes.get("type") or "text").lower()
            if name and name != "csrfmiddlewaretoken" and kind not in ("file", "submit"):
                self.forms[-1][2].append(name)


def _page_urls(resolver: URLResolver | None = None, prefix: str = "/") -> list[str]:
    """One URL per route, with 1 for each path argument."""
    urls = []
    for pattern in (resolver or get_resolver()).url_patterns:
        route = re.sub(r"<(?:\w+:)?\w+>", "1", str(pattern.pattern))
        route = route.lstrip("^").rstrip("$").replace("\\Z", "")
        if isinstance(pattern, URLResolver):
            urls += _page_urls(pattern, prefix + route)
        elif isinstance(pattern, URLPattern) and not re.search(r"[()\[\]?*+\\]", route):
            urls.append(prefix + route)
    return sorted(url for url in set(urls) if not url.startswith(NOT_PAGES) and "admin/" not in url)


PAGES = _page_urls()


def test_the_page_probes_reach_the_pages() -> None:
    assert len(PAGES) >= 140


@pytest.mark.parametrize("role", ["hr", "employee"])
def test_every_form_of_every_page_rejects_nul_naming_the_field(client_for: Any, role: str) -> None:
    client = client_for(role)
    probed = 0
    for url in PAGES:
        page = client.get(url)
        if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            continue
        forms = _Forms()
        forms.feed(page.content.decode())
        for method, action, fields in forms.forms:
            target = action or url
            for field in fields:
                response = getattr(client, method)(target, {field: NUL})
                what = f"{role} {method.upper()} {target} {field} (on {url})"
                assert response.status_code == 400, what
                assert field in response.content.decode(), what
                probed += 1
    assert probed >= 20


def test_every_page_rejects_nul_in_its_query_string_and_form(client_for: Any) -> None:
    # Also the pages a GET above could not open (they need a real object) and forms a page
    # builds in script: the middleware answers before any view.
    client = client_for("hr")
    for url in PAGES:
        search = client.get(url, {"q": NUL})
        assert (search.status_code, search.content[:3]) == (400, b"q: "), url
        post = client.post(url, {"title": NUL})
        assert (post.status_code, post.content[:7]) == (400, b"title: "), url


def test_a_nul_in_a_path_is_rejected(client_for: Any) -> None:
    client = client_for("hr")
    response = client.get("/people/%00/")
    assert response.status_code == 400
    response = client.post("/api/v1/surveys/suggestions/a%00b/replies", "{}", "application/json")
    assert response.status_code == 400 and response.json()["error"]["details"][0]["field"] == (
        "path"
    )
