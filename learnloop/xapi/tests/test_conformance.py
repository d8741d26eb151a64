"""Regressions found by ADL's LRS conformance suite (issue 20), one test per failing group.

The suite itself runs against a live server in `make test-conformance` (scripts/conformance.sh).
"""

from __future__ import annotations

from typing import Any

import pytest

from learnloop.xapi.tests.conftest import Xapi, new_id, statement

ACTIVITY = "http://example.com/activities/course-1"
AGENT = {"objectType": "Agent", "mbox": "mailto:ann@example.com"}
TWO_MEMBERS = [
    {"mbox": "mailto:consumer@example.com"},
    {"account": {"homePage": "http://example.com", "name": "user"}},
]


@pytest.mark.parametrize(
    ("method", "params", "status"),
    [
        ("GET", {"LIMIT": "1"}, 400),
        ("GET", {"statementId": "not-a-uuid"}, 400),
        ("GET", {"statementId": "6f2d0c9e-2b1c-4bd4-8f7a-1f6a8f0c3e51"}, 404),
        ("POST", {}, 400),
        ("PUT", {}, 400),
        ("DELETE", {}, 405),
    ],
)
def test_every_statements_answer_carries_the_consistent_through_header(
    xapi: Xapi, method: str, params: dict[str, Any], status: int
) -> None:
    response = xapi.request(method, "statements", b"{" if method != "GET" else None, **params)
    assert response.status_code == status
    assert "X-Experience-API-Consistent-Through" in response


def test_a_statements_answer_without_credentials_carries_the_consistent_through_header(
    lrs_client: Any,
) -> None:
    response = Xapi(key="nobody", secret="wrong").get("statements")
    assert response.status_code == 401
    assert "X-Experience-API-Consistent-Through" in response


def test_other_resources_carry_no_consistent_through_header(xapi: Xapi) -> None:
    assert "X-Experience-API-Consistent-Through" not in xapi.get("about")
    assert "X-Experience-API-Consistent-Through" not in xapi.get("activities", activityId="x")


@pytest.mark.parametrize(
    "identifier",
    [
        {"mbox": "mailto:group@example.com"},
        {"mbox_sha1sum": "cd9b00a5611f94eaa7b1661edab976068e364975"},
        {"openid": "http://openid.example.org/12345"},
        {"account": {"homePage": "http://www.example.com", "name": "xAPI account name"}},
    ],
)
def test_it_refuses_an_identified_group_as_authority(
    xapi: Xapi, identifier: dict[str, Any]
) -> None:
    sid = new_id()
    authority = {"objectType": "Group", "member": TWO_MEMBERS, **identifier}
    response = xapi.post("statements", statement(id=sid, authority=authority))
    assert response.status_code == 400
    assert response.json()["error"].startswith("authority:")
    assert xapi.get("statements", statementId=sid).status_code == 404


def test_it_accepts_an_anonymous_two_member_group_as_authority(xapi: Xapi) -> None:
    authority = {"objectType": "Group", "member": TWO_MEMBERS}
    assert xapi.post("statements", statement(authority=authority)).status_code == 200


def _interaction(interaction_type: Any) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": ACTIVITY,
        "definition": {"interactionType": interaction_type, "correctResponsesPattern": ["a"]},
    }


@pytest.mark.parametrize("interaction_type", [{"choice": True}, ["choice"], 1, None])
@pytest.mark.parametrize("in_sub_statement", [False, True])
def test_a_non_string_interaction_type_is_a_400_naming_it(
    xapi: Xapi, interaction_type: Any, in_sub_statement: bool
) -> None:
    target = _interaction(interaction_type)
    if in_sub_statement:
        target = {
            "objectType": "SubStatement",
            "actor": AGENT,
            "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
            "object": target,
        }
    response = xapi.post("statements", statement(object=target))
    assert response.status_code == 400
    assert "definition.interactionType: must " in response.json()["error"]


def test_format_ids_reduces_every_activity_to_its_id(xapi: Xapi) -> None:
    sid = new_id()
    sub = {
        "objectType": "SubStatement",
        "actor": {"objectType": "Group", "name": "G", "mbox": "mailto:g@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en": "answered"}},
        "object": {"objectType": "Activity", "id": ACTIVITY, "definition": {"name": {"en": "x"}}},
    }
    xapi.post("statements", statement(id=sid, object=sub))
    body = xapi.get("statements", statementId=sid, format="ids").json()
    assert body["object"]["object"] == {"id": ACTIVITY}
    assert body["object"]["actor"] == {"objectType": "Group", "mbox": "mailto:g@example.com"}
    assert body["object"]["verb"] == {"id": "http://adlnet.gov/expapi/verbs/answered"}
    top = new_id()
    xapi.post("statements", statement(id=top))
    assert xapi.get("statements", statementId=top, format="ids").json()["object"] == {
        "id": ACTIVITY
    }


def _defining(iri: str, name: dict[str, str]) -> dict[str, Any]:
    return statement(object={"objectType": "Activity", "id": iri, "definition": {"name": name}})


def test_the_activities_resource_merges_language_maps_within_one_batch(xapi: Xapi) -> None:
    iri = f"http://example.com/activities/{new_id()}"
    batch = [
        _defining(iri, {"en-GB": "colour", "en-US": "color"}),
        _defining(iri, {"en-GB": "colour", "fr-FR": "couleur"}),
    ]
    assert xapi.post("statements", batch).status_code == 200
    definition = xapi.get("activities", activityId=iri).json()["definition"]
    assert definition["name"] == {"en-GB": "colour", "en-US": "color", "fr-FR": "couleur"}


def test_the_activities_resource_merges_language_maps_within_one_statement(xapi: Xapi) -> None:
    iri = f"http://example.com/activities/{new_id()}"
    parent = {"id": iri, "definition": {"name": {"fr-FR": "couleur"}}}
    one = _defining(iri, {"en-US": "color"})
    one["context"] = {"contextActivities": {"parent": [parent]}}
    assert xapi.post("statements", one).status_code == 200
    definition = xapi.get("activities", activityId=iri).json()["definition"]
    assert definition["name"] == {"en-US": "color", "fr-FR": "couleur"}


def test_verb_displays_merge_within_one_batch(xapi: Xapi) -> None:
    verb = f"http://example.com/verbs/{new_id()}"
    first = statement(verb={"id": verb, "display": {"en-US": "did"}})
    second = statement(verb={"id": verb, "display": {"de-DE": "tat"}})
    sid = new_id()
    third = statement(id=sid, verb={"id": verb})
    assert xapi.post("statements", [first, second, third]).status_code == 200
    for language, word in (("de-DE", "tat"), ("en-US", "did")):
        shaped = xapi.get(
            "statements", statementId=sid, format="canonical", headers={"Accept-Language": language}
        ).json()
        assert shaped["verb"]["display"] == {language: word}


PROFILES = [
    ("activities/profile", {"activityId": ACTIVITY, "profileId": "p"}),
    ("agents/profile", {"agent": AGENT, "profileId": "p"}),
]


@pytest.mark.parametrize(("path", "params"), PROFILES)
def test_a_1_0_3_put_of_a_new_profile_needs_an_etag_header(
    lrs_client: Any, path: str, params: dict[str, Any]
) -> None:
    legacy = Xapi(version="1.0.3")
    response = legacy.put(path, {"v": 1}, **params)
    assert response.status_code == 400
    assert "If-Match" in response.json()["error"]
    assert legacy.get(path, **params).status_code == 404
    assert legacy.put(path, {"v": 1}, headers={"If-None-Match": "*"}, **params).status_code == 204
    # POST merges and needs no header in either version
    assert legacy.post(path, {"w": 2}, **{**params, "profileId": "q"}).status_code == 204


@pytest.mark.parametrize(("path", "params"), PROFILES)
def test_a_2_0_put_of_a_new_profile_needs_no_etag_header(
    xapi: Xapi, path: str, params: dict[str, Any]
) -> None:
    assert xapi.put(path, {"v": 1}, **params).status_code == 204


def test_a_1_0_3_state_put_of_a_new_document_needs_no_etag_header(lrs_client: Any) -> None:
    legacy = Xapi(version="1.0.3")
    params = {"activityId": ACTIVITY, "agent": AGENT, "stateId": "s"}
    assert legacy.put("activities/state", {"v": 1}, **params).status_code == 204


@pytest.mark.parametrize("method", ["GET", "POST", "PUT"])
def test_a_request_without_a_version_header_is_refused_as_a_0_9_request(
    lrs_client: Any, method: str
) -> None:
    # Without the header a request is a 0.9 one (1.0.3 Communication 3.3.s3.b4.1): the answer
    # says so, which both ADL suites (2.0.0 and 1.0.3) accept.
    bare = Xapi(version="")
    response = bare.request(method, "statements", statement(), statementId=new_id())
    assert response.status_code == 400
    assert response["X-Experience-API-Version"] == "0.9"
    assert "X-Experience-API-Version" in response.json()["error"]
    assert bare.get("about")["X-Experience-API-Version"] == "2.0.0"
