"""State, Activity Profile and Agent Profile documents (Communication 2.2-2.7, 3.1)."""

from __future__ import annotations

import hashlib

import pytest

from learnloop.xapi import actions
from learnloop.xapi.tests.conftest import Xapi, new_id

ACTIVITY = "http://example.com/activities/course-1"
AGENT = {"objectType": "Agent", "mbox": "mailto:ann@example.com"}


def state(**extra):
    return {"activityId": ACTIVITY, "agent": AGENT, "stateId": "bookmark", **extra}


def test_a_state_document_round_trips_with_etag_and_last_modified(xapi):
    assert (
        xapi.put("activities/state", b"page 4", content_type="text/plain", **state()).status_code
        == 204
    )
    response = xapi.get("activities/state", **state())
    assert response.status_code == 200
    assert response.content == b"page 4"
    assert response["Content-Type"] == "text/plain"
    assert response["ETag"] == f'"{hashlib.sha1(b"page 4").hexdigest()}"'
    assert "Last-Modified" in response


def test_post_merges_json_objects_at_the_top_level(xapi):
    xapi.post("activities/state", {"x": "foo", "y": "bar"}, **state())
    assert xapi.post("activities/state", {"x": "bash", "z": "faz"}, **state()).status_code == 204
    assert xapi.get("activities/state", **state()).json() == {"x": "bash", "y": "bar", "z": "faz"}


def test_post_refuses_to_merge_non_json(xapi):
    xapi.put(
        "activities/state",
        b"plain",
        content_type="text/plain",
        headers={"If-None-Match": "*"},
        **state(),
    )
    assert xapi.post("activities/state", {"x": 1}, **state()).status_code == 400
    assert (
        xapi.put(
            "activities/state", {"a": 1}, headers={"If-Match": "*"}, **state(stateId="json")
        ).status_code
        == 412
    )
    xapi.put("activities/state", {"a": 1}, **state(stateId="json"))
    assert (
        xapi.post(
            "activities/state", b"not json", content_type="text/plain", **state(stateId="json")
        ).status_code
        == 400
    )
    assert xapi.post("activities/state", b"[1]", **state(stateId="json")).status_code == 400
    assert xapi.get("activities/state", **state(stateId="json")).json() == {"a": 1}


def test_state_ids_are_listed_and_filtered_by_since_and_registration(xapi):
    registration = new_id()
    xapi.put("activities/state", {"a": 1}, **state(stateId="one"))
    xapi.put("activities/state", {"a": 1}, **state(stateId="two", registration=registration))
    listed = xapi.get("activities/state", activityId=ACTIVITY, agent=AGENT)
    assert listed.json() == ["one", "two"]
    assert "Last-Modified" in listed
    assert xapi.get(
        "activities/state", activityId=ACTIVITY, agent=AGENT, registration=registration
    ).json() == ["two"]
    assert (
        xapi.get(
            "activities/state", activityId=ACTIVITY, agent=AGENT, since="2999-01-01T00:00:00Z"
        ).json()
        == []
    )


def test_state_delete_removes_one_or_all(xapi):
    xapi.put("activities/state", {"a": 1}, **state(stateId="one"))
    xapi.put("activities/state", {"a": 1}, **state(stateId="two"))
    assert xapi.delete("activities/state", **state(stateId="one")).status_code == 204
    assert xapi.get("activities/state", **state(stateId="one")).status_code == 404
    assert xapi.delete("activities/state", activityId=ACTIVITY, agent=AGENT).status_code == 204
    assert xapi.get("activities/state", activityId=ACTIVITY, agent=AGENT).json() == []


def test_state_parameters_are_validated(xapi):
    assert xapi.get("activities/state", agent=AGENT, stateId="x").status_code == 400
    assert xapi.get("activities/state", activityId="not an iri", agent=AGENT).status_code == 400
    assert (
        xapi.get("activities/state", activityId=ACTIVITY, agent={"mbox": "ann"}).status_code == 400
    )
    assert (
        xapi.get("activities/state", activityId=ACTIVITY, agent=AGENT, registration="x").status_code
        == 400
    )
    assert (
        xapi.put("activities/state", {"a": 1}, activityId=ACTIVITY, agent=AGENT).status_code == 400
    )
    assert xapi.get("activities/state", **state(), extra="1").status_code == 400


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("activities/profile", {"activityId": ACTIVITY, "profileId": "p"}),
        ("agents/profile", {"agent": AGENT, "profileId": "p"}),
        ("activities/state", state()),
    ],
)
def test_etag_concurrency_on_every_document_resource(xapi, path, params):
    assert xapi.put(path, {"v": 1}, headers={"If-None-Match": "*"}, **params).status_code == 204
    assert xapi.put(path, {"v": 2}, headers={"If-None-Match": "*"}, **params).status_code == 412
    assert xapi.put(path, {"v": 2}, **params).status_code == 409
    etag = xapi.get(path, **params)["ETag"]
    assert xapi.put(path, {"v": 2}, headers={"If-Match": '"0000"'}, **params).status_code == 412
    assert xapi.put(path, {"v": 2}, headers={"If-Match": etag}, **params).status_code == 204
    assert xapi.post(path, {"w": 3}, headers={"If-Match": etag}, **params).status_code == 412
    assert xapi.delete(path, headers={"If-Match": etag}, **params).status_code == 412
    fresh = xapi.get(path, **params)["ETag"]
    assert xapi.delete(path, headers={"If-Match": fresh}, **params).status_code == 204
    assert xapi.get(path, **params).status_code == 404


def test_a_1_0_3_state_put_may_overwrite_without_headers(lrs_client):
    legacy = Xapi(version="1.0.3")
    assert legacy.put("activities/state", {"v": 1}, **state()).status_code == 204
    assert legacy.put("activities/state", {"v": 2}, **state()).status_code == 204


def test_profile_ids_are_listed(xapi):
    xapi.put("activities/profile", {"a": 1}, activityId=ACTIVITY, profileId="p1")
    xapi.put("agents/profile", {"a": 1}, agent=AGENT, profileId="p2")
    assert xapi.get("activities/profile", activityId=ACTIVITY).json() == ["p1"]
    assert xapi.get("agents/profile", agent=AGENT).json() == ["p2"]
    assert xapi.delete("agents/profile", agent=AGENT).status_code == 400


def test_a_json_put_must_be_json(xapi):
    assert (
        xapi.put("activities/profile", b"{broken", activityId=ACTIVITY, profileId="p").status_code
        == 400
    )


DOCUMENT_RESOURCES = [
    ("activities/state", state(), {"activityId": ACTIVITY, "agent": AGENT}),
    ("activities/profile", {"activityId": ACTIVITY, "profileId": "p"}, {"activityId": ACTIVITY}),
    ("agents/profile", {"agent": AGENT, "profileId": "p"}, {"agent": AGENT}),
]


def _limited(key: str, access: str) -> Xapi:
    actions.create_client(
        name=key, key=key, secret=f"{key}-secret", access=access, statements="own", actor_label="t"
    )
    return Xapi(key=key, secret=f"{key}-secret")


@pytest.mark.parametrize(("path", "params", "listing"), DOCUMENT_RESOURCES)
def test_a_client_limited_to_its_own_statements_reads_no_other_clients_documents(
    xapi, path, params, listing
):
    assert xapi.put(path, {"secret": "theirs"}, **params).status_code == 204
    reader = _limited("reader", "read")
    assert reader.get(path, **params).status_code == 404
    assert reader.get(path, **listing).json() == []


@pytest.mark.parametrize(("path", "params", "listing"), DOCUMENT_RESOURCES)
def test_a_limited_client_changes_only_its_own_documents_and_an_all_client_sees_every_one(
    xapi, path, params, listing
):
    xapi.put(path, {"v": "theirs"}, **params)
    id_name = "stateId" if "stateId" in params else "profileId"
    mine = {**params, id_name: "mine"}
    limited = _limited("limited", "read_write")
    for write in (limited.put, limited.post):
        assert write(path, {"v": "changed"}, **params).status_code == 403
    assert limited.delete(path, **params).status_code == 403
    assert limited.put(path, {"v": "mine"}, **mine).status_code == 204
    assert limited.get(path, **mine).json() == {"v": "mine"}
    assert limited.get(path, **listing).json() == ["mine"]
    assert xapi.get(path, **params).json() == {"v": "theirs"}
    assert xapi.get(path, **listing).json() == sorted([params[id_name], "mine"])
    # The all-statements client may change the limited client's document, which stays its.
    assert xapi.post(path, {"w": 1}, **mine).status_code == 204
    assert limited.get(path, **mine).json() == {"v": "mine", "w": 1}


def test_deleting_every_state_of_a_scope_deletes_only_the_limited_clients_own(xapi):
    xapi.put("activities/state", {"v": 1}, **state())
    limited = _limited("limited", "read_write")
    limited.put("activities/state", {"v": 2}, **state(stateId="mine"))
    assert limited.delete("activities/state", activityId=ACTIVITY, agent=AGENT).status_code == 204
    assert xapi.get("activities/state", activityId=ACTIVITY, agent=AGENT).json() == ["bookmark"]
