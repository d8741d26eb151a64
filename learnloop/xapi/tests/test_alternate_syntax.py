"""Alternate Request Syntax (xAPI 1.0.3 Communication 1.3 and Appendix C; removed in 2.0).

A POST with the intended method in ``?method=``, and headers, query parameters and content
as form parameters (application/x-www-form-urlencoded).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import urlencode

import orjson
import pytest
from django.test import Client

from learnloop.xapi.tests.conftest import KEY, SECRET, new_id, statement

AUTH = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
FORM = "application/x-www-form-urlencoded"
ACTIVITY = "http://example.com/activities/course-1"
AGENT = {"objectType": "Agent", "mbox": "mailto:ann@example.com"}


def alternate(
    path: str,
    method: str,
    form: dict[str, Any],
    *,
    query: str = "",
    http_method: str = "POST",
    content_type: str = FORM,
    headers: dict[str, str] | None = None,
) -> Any:
    """Send an alternate-syntax request; ``form`` values that are not strings become JSON."""
    fields = {k: v if isinstance(v, str) else orjson.dumps(v).decode() for k, v in form.items()}
    url = f"/xapi/{path}?method={method}{query}"
    return Client().generic(
        http_method, url, urlencode(fields), content_type=content_type, headers=headers or {}
    )


def headers_in_form(**extra: Any) -> dict[str, Any]:
    return {"Authorization": AUTH, "X-Experience-API-Version": "1.0.3", **extra}


def test_the_appendix_c_put_stores_the_statement(lrs_client):
    sid = new_id()
    body = orjson.dumps(statement(id=sid)).decode()
    response = alternate(
        "statements",
        "PUT",
        headers_in_form(statementId=sid, **{"Content-Type": "application/json"}, content=body),
    )
    assert response.status_code == 204
    assert response["X-Experience-API-Version"] == "1.0.3"
    fetched = alternate("statements", "GET", headers_in_form(statementId=sid))
    assert fetched.status_code == 200
    assert fetched.json()["id"] == sid


def test_a_post_stores_a_batch_and_returns_its_ids(lrs_client):
    ids = [new_id(), new_id()]
    response = alternate(
        "statements",
        "POST",
        headers_in_form(content=[statement(id=ids[0]), statement(id=ids[1])]),
    )
    assert response.status_code == 200
    assert response.json() == ids


def test_get_takes_its_query_parameters_from_the_form(lrs_client):
    # "GET Statements MAY be called using POST and form parameters" (2.1.2.s2.b2).
    ids = [new_id(), new_id()]
    for sid in ids:
        alternate("statements", "POST", headers_in_form(content=statement(id=sid)))
    response = alternate(
        "statements",
        "GET",
        headers_in_form(agent={"mbox": "mailto:ann@example.com"}, limit="1", ascending="true"),
    )
    assert response.status_code == 200
    page = response.json()
    assert [s["id"] for s in page["statements"]] == ids[:1]
    assert page["more"]


def test_headers_may_stay_in_the_http_header(lrs_client):
    response = alternate(
        "statements",
        "POST",
        {"content": statement()},
        headers={"Authorization": AUTH, "X-Experience-API-Version": "1.0.3"},
    )
    assert response.status_code == 200


def test_document_headers_come_from_the_form_too(lrs_client):
    params = {"activityId": ACTIVITY, "agent": AGENT, "stateId": "bookmark"}
    put = alternate(
        "activities/state",
        "PUT",
        headers_in_form(**params, content="page 4", **{"Content-Type": "text/plain"}),
    )
    assert put.status_code == 204
    got = alternate("activities/state", "GET", headers_in_form(**params))
    assert got.content == b"page 4"
    assert got["Content-Type"] == "text/plain"
    etag = f'"{hashlib.sha1(b"page 4").hexdigest()}"'
    assert got["ETag"] == etag
    stale = alternate(
        "activities/state",
        "PUT",
        headers_in_form(**params, content="page 5", **{"If-Match": '"0000"'}),
    )
    assert stale.status_code == 412
    fresh = alternate(
        "activities/state",
        "DELETE",
        headers_in_form(**params, **{"If-Match": etag}),
    )
    assert fresh.status_code == 204


@pytest.mark.parametrize("where", ["form", "header"])
def test_it_is_refused_for_xapi_2_0(lrs_client, where):
    # xAPI 2.0 removed the alternate request syntax.
    form: dict[str, Any] = {"Authorization": AUTH, "content": statement()}
    headers = {}
    if where == "form":
        form["X-Experience-API-Version"] = "2.0.0"
    else:
        headers["X-Experience-API-Version"] = "2.0.0"
    response = alternate("statements", "POST", form, headers=headers)
    assert response.status_code == 400
    assert "removed in xAPI 2.0" in response.json()["error"]


def test_other_query_string_parameters_are_refused(lrs_client):
    # 1.3.s3.b3: the Learning Record Provider MUST NOT include other query string parameters.
    response = alternate("statements", "GET", headers_in_form(), query=f"&statementId={new_id()}")
    assert response.status_code == 400
    assert response.json()["error"].startswith("statementId:")


def test_it_must_be_sent_with_post(lrs_client):
    # 1.3.s3.b1: all alternate-syntax requests MUST be POST.
    response = alternate("statements", "GET", headers_in_form(), http_method="PUT")
    assert response.status_code == 400


def test_it_must_be_form_encoded(lrs_client):
    response = alternate("statements", "POST", headers_in_form(), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"].startswith("Content-Type:")


def test_an_unknown_method_is_refused(lrs_client):
    response = alternate("statements", "PATCH", headers_in_form())
    assert response.status_code == 400
    assert response.json()["error"].startswith("method:")


def test_unknown_form_parameters_count_as_unknown_query_parameters(lrs_client):
    # 1.3.s3.b14 and 3.2.s3.b7: other form parameters are query parameters, checked as such.
    response = alternate("statements", "GET", headers_in_form(foo="bar"))
    assert response.status_code == 400
    assert response.json()["error"].startswith("foo:")


def test_credentials_are_still_required(lrs_client):
    response = alternate("statements", "GET", {"X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 401
