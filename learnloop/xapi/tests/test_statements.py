"""The Statement resource over HTTP (Communication 2.1), version header and authentication."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest

from learnloop.xapi import actions
from learnloop.xapi.tests.conftest import Xapi, new_id, statement

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
# Creating a client is audited, and every audit event is a statement too: tests that list
# statements filter on the actor of the statements they send.
ANN = {"mbox": "mailto:ann@example.com"}


def ids_of(response) -> list[str]:
    return [s["id"] for s in response.json()["statements"]]


def test_post_returns_the_ids_in_order_and_get_returns_the_statement(xapi):
    first, second = new_id(), new_id()
    response = xapi.post("statements", [statement(id=first), statement(id=second)])
    assert response.status_code == 200
    assert response.json() == [first, second]
    fetched = xapi.get("statements", statementId=first)
    assert fetched.status_code == 200
    body = fetched.json()
    assert body["id"] == first
    assert body["version"] == "2.0.0"
    assert body["authority"]["account"]["name"] == "conformance"
    assert body["stored"] == body["timestamp"]
    assert fetched["X-Experience-API-Version"] == "2.0.0"
    assert "X-Experience-API-Consistent-Through" in fetched
    assert "Last-Modified" in fetched


def test_put_stores_with_204_and_checks_the_id(xapi):
    sid = new_id()
    assert xapi.put("statements", statement(), statementId=sid).status_code == 204
    assert xapi.get("statements", statementId=sid).status_code == 200
    mismatch = xapi.put("statements", statement(id=new_id()), statementId=new_id())
    assert mismatch.status_code == 400
    assert xapi.put("statements", statement()).status_code == 400


def test_a_repeated_identical_statement_is_accepted_without_change(xapi):
    sid = new_id()
    assert xapi.put("statements", statement(), statementId=sid).status_code == 204
    stored = xapi.get("statements", statementId=sid).json()["stored"]
    assert xapi.put("statements", statement(), statementId=sid).status_code == 204
    assert xapi.post("statements", statement(id=sid)).status_code == 200
    assert xapi.get("statements", statementId=sid).json()["stored"] == stored


def test_a_different_statement_under_a_stored_id_is_a_conflict(xapi):
    sid = new_id()
    xapi.post("statements", statement(id=sid))
    changed = statement(id=sid, verb={"id": "http://adlnet.gov/expapi/verbs/failed"})
    assert xapi.post("statements", changed).status_code == 409
    assert xapi.put("statements", changed, statementId=sid).status_code == 409


def test_a_batch_is_all_or_nothing(xapi):
    good = new_id()
    response = xapi.post("statements", [statement(id=good), statement(actor={"mbox": "nope"})])
    assert response.status_code == 400
    assert response.json()["error"] == "[1].actor.mbox: must be a mailto: IRI"
    assert xapi.get("statements", statementId=good).status_code == 404


def test_the_lrs_overwrites_authority_and_stored(xapi):
    sid = new_id()
    xapi.post(
        "statements",
        statement(id=sid, stored="2000-01-01T00:00:00Z", authority={"mbox": "mailto:fake@b.c"}),
    )
    body = xapi.get("statements", statementId=sid).json()
    assert body["authority"]["account"]["name"] == "conformance"
    assert not body["stored"].startswith("2000")


def test_the_version_header_is_required_except_on_about(lrs_client):
    bare = Xapi(version="")
    assert bare.get("statements").status_code == 400
    assert bare.get("about").status_code == 200
    assert set(bare.get("about").json()["version"]) == {"2.0.0", "1.0.3"}
    assert Xapi(version="1.1.0").get("statements").status_code == 400
    assert Xapi(version="0.95").get("statements").status_code == 400
    legacy = Xapi(version="1.0.3")
    response = legacy.get("statements")
    assert response.status_code == 200
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_a_1_0_request_stores_version_1_0_0_and_refuses_2_0_statements(lrs_client):
    legacy = Xapi(version="1.0.3")
    sid = legacy.post("statements", statement()).json()[0]
    assert legacy.get("statements", statementId=sid).json()["version"] == "1.0.0"
    assert legacy.post("statements", statement(version="2.0.0")).status_code == 400


def test_credentials_are_required_and_checked(lrs_client):
    assert Xapi(secret="wrong").get("statements").status_code == 401
    assert Xapi(key="nobody").get("statements").status_code == 401
    anonymous = Xapi()
    anonymous.headers.pop("Authorization")
    response = anonymous.get("statements")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")


def test_a_revoked_client_is_refused(lrs_client, xapi):
    assert xapi.get("statements").status_code == 200
    actions.revoke_client(lrs_client, actor_label="test")
    assert xapi.get("statements").status_code == 401


def test_scopes_limit_reading_and_writing(db):
    actions.create_client(
        name="reader", key="reader", secret="reader-secret", access="read", actor_label="t"
    )
    actions.create_client(
        name="writer", key="writer", secret="writer-secret", access="write", actor_label="t"
    )
    reader, writer = Xapi("reader", "reader-secret"), Xapi("writer", "writer-secret")
    assert reader.post("statements", statement()).status_code == 403
    assert writer.post("statements", statement()).status_code == 200
    assert writer.get("statements").status_code == 403
    assert len(reader.get("statements", agent=ANN).json()["statements"]) == 1


def test_an_own_statements_client_reads_only_what_it_stored(xapi, db):
    actions.create_client(
        name="own", key="own", secret="own-secret-1", statements="own", actor_label="t"
    )
    own = Xapi("own", "own-secret-1")
    theirs = xapi.post("statements", statement()).json()[0]
    mine = own.post("statements", statement()).json()[0]
    assert ids_of(own.get("statements", agent=ANN)) == [mine]
    assert own.get("statements", statementId=theirs).status_code == 404


def test_unknown_and_miscased_parameters_are_refused(xapi):
    assert xapi.get("statements", foo="bar").status_code == 400
    assert xapi.get("statements", StatementId=new_id()).status_code == 400


def test_single_statement_parameters_cannot_be_combined(xapi):
    sid = new_id()
    xapi.post("statements", statement(id=sid))
    assert xapi.get("statements", statementId=sid, voidedStatementId=sid).status_code == 400
    assert xapi.get("statements", statementId=sid, verb="http://a.b/v").status_code == 400
    assert (
        xapi.get("statements", statementId=sid, format="ids", attachments="false").status_code
        == 200
    )


def test_voiding_hides_the_statement_except_by_voided_statement_id(xapi):
    target = new_id()
    xapi.post("statements", statement(id=target))
    voiding = statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target})
    voiding_id = xapi.post("statements", voiding).json()[0]
    assert xapi.get("statements", statementId=target).status_code == 404
    assert xapi.get("statements", voidedStatementId=target).json()["id"] == target
    assert xapi.get("statements", voidedStatementId=voiding_id).status_code == 404
    assert ids_of(xapi.get("statements", agent=ANN)) == [voiding_id]


def test_a_voiding_statement_cannot_be_voided(xapi):
    target = new_id()
    xapi.post("statements", statement(id=target))
    voiding_id = xapi.post(
        "statements",
        statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target}),
    ).json()[0]
    again = statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": voiding_id})
    assert xapi.post("statements", again).status_code == 400


def test_a_statement_voided_before_it_arrives_is_stored_voided(xapi):
    target = new_id()
    xapi.post(
        "statements",
        statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target}),
    )
    xapi.post("statements", statement(id=target))
    assert xapi.get("statements", statementId=target).status_code == 404
    assert xapi.get("statements", voidedStatementId=target).status_code == 200


def test_filters_by_agent_verb_activity_and_registration(xapi):
    registration = new_id()
    bob = {"mbox": "mailto:bob@example.com"}
    a = xapi.post("statements", statement(context={"registration": registration})).json()[0]
    b = xapi.post(
        "statements", statement(actor=bob, verb={"id": "http://a.b/verbs/failed"})
    ).json()[0]
    c = xapi.post("statements", statement(object={"objectType": "Agent", **bob})).json()[0]
    assert ids_of(xapi.get("statements", agent=bob)) == [c, b]
    assert ids_of(xapi.get("statements", verb="http://a.b/verbs/failed")) == [b]
    assert ids_of(xapi.get("statements", activity="http://example.com/activities/course-1")) == [
        b,
        a,
    ]
    assert ids_of(xapi.get("statements", registration=registration)) == [a]
    assert ids_of(xapi.get("statements", agent={"mbox": "mailto:nobody@example.com"})) == []
    assert xapi.get("statements", agent={"mbox": "bob"}).status_code == 400


def test_related_agents_and_activities_widen_the_filters(xapi):
    teacher = {"mbox": "mailto:teacher@example.com"}
    parent = "http://example.com/activities/program"
    sid = xapi.post(
        "statements",
        statement(
            context={"instructor": teacher, "contextActivities": {"parent": [{"id": parent}]}}
        ),
    ).json()[0]
    assert ids_of(xapi.get("statements", agent=teacher)) == []
    assert ids_of(xapi.get("statements", agent=teacher, related_agents="true")) == [sid]
    assert ids_of(xapi.get("statements", activity=parent)) == []
    assert ids_of(xapi.get("statements", activity=parent, related_activities="true")) == [sid]
    authority = {
        "objectType": "Agent",
        "account": {"homePage": actions.lrs_home(), "name": "conformance"},
    }
    assert ids_of(xapi.get("statements", agent=authority, related_agents="true")) == [sid]


def test_a_group_member_matches_the_agent_filter(xapi):
    group = {
        "objectType": "Group",
        "member": [{"mbox": "mailto:m1@example.com"}, {"mbox": "mailto:m2@example.com"}],
    }
    sid = xapi.post("statements", statement(actor=group)).json()[0]
    assert ids_of(xapi.get("statements", agent={"mbox": "mailto:m2@example.com"})) == [sid]


def test_statements_targeting_a_match_are_returned_too(xapi):
    original = new_id()
    xapi.post("statements", statement(id=original, actor={"mbox": "mailto:ben@example.com"}))
    ref = xapi.post(
        "statements",
        statement(
            actor={"mbox": "mailto:andrew@example.com"},
            verb={"id": "http://a.b/verbs/confirmed"},
            object={"objectType": "StatementRef", "id": original},
        ),
    ).json()[0]
    assert ids_of(xapi.get("statements", agent={"mbox": "mailto:ben@example.com"})) == [
        ref,
        original,
    ]


def test_since_until_limit_ascending_and_more_paging(xapi):
    sent = [new_id() for _ in range(5)]
    for sid in sent:
        xapi.post("statements", statement(id=sid))
    page = xapi.get("statements", agent=ANN, limit=2)
    assert ids_of(page) == [sent[4], sent[3]]
    more = page.json()["more"]
    assert more.startswith("/xapi/statements?")
    following = xapi.client.get(more, headers=xapi.headers)
    assert [s["id"] for s in following.json()["statements"]] == [sent[2], sent[1]]
    last = xapi.client.get(following.json()["more"], headers=xapi.headers).json()
    assert [s["id"] for s in last["statements"]] == [sent[0]]
    assert last["more"] == ""
    assert ids_of(xapi.get("statements", agent=ANN, ascending="true", limit=2)) == sent[:2]
    middle = xapi.get("statements", statementId=sent[2]).json()["stored"]
    assert ids_of(xapi.get("statements", agent=ANN, since=middle)) == [sent[4], sent[3]]
    assert ids_of(xapi.get("statements", agent=ANN, until=middle)) == [sent[2], sent[1], sent[0]]
    assert xapi.get("statements", limit="-1").status_code == 400
    assert xapi.get("statements", since="yesterday").status_code == 400


def test_format_ids_reduces_objects_to_identifiers(xapi):
    sid = xapi.post("statements", statement()).json()[0]
    body = xapi.get("statements", statementId=sid, format="ids").json()
    assert body["actor"] == {"objectType": "Agent", "mbox": "mailto:ann@example.com"}
    assert body["verb"] == {"id": "http://adlnet.gov/expapi/verbs/completed"}
    # an Activity's objectType is no identifier (ADL suite XAPI-00171)
    assert body["object"] == {"id": "http://example.com/activities/course-1"}


def test_format_canonical_returns_one_language_per_map(xapi):
    sid = xapi.post("statements", statement()).json()[0]
    french = xapi.get(
        "statements", statementId=sid, format="canonical", headers={"Accept-Language": "fr"}
    ).json()
    assert french["object"]["definition"]["name"] == {"fr": "Cours un"}
    assert french["verb"]["display"] == {"en-US": "completed"}
    english = xapi.get(
        "statements", agent=ANN, format="canonical", headers={"Accept-Language": "en-US"}
    ).json()
    assert english["statements"][0]["object"]["definition"]["name"] == {"en-US": "Course one"}


def test_head_answers_like_get_without_a_body(xapi):
    sid = xapi.post("statements", statement()).json()[0]
    response = xapi.request("HEAD", "statements", statementId=sid)
    assert response.status_code == 200
    assert response.content == b""


def test_invalid_json_and_content_types_are_400(xapi):
    assert xapi.post("statements", b"{not json").status_code == 400
    assert xapi.post("statements", statement(), content_type="text/plain").status_code == 400
    assert xapi.post("statements", b"3").status_code == 400


def test_timestamps_are_returned_in_utc(xapi):
    sid = xapi.post("statements", statement(timestamp="2024-05-01T12:00:00+02:00")).json()[0]
    assert xapi.get("statements", statementId=sid).json()["timestamp"] == "2024-05-01T10:00:00.000Z"


def test_later_statements_merge_into_the_stored_canonical_definition(xapi):
    course = "http://example.com/activities/course-1"
    xapi.post("statements", statement())
    xapi.post(
        "statements",
        [
            statement(
                object={
                    "id": course,
                    "definition": {
                        "name": {"de": "Kurs eins"},
                        "description": {"en-US": "The first course"},
                    },
                }
            ),
            statement(object={"id": course}),
        ],
    )
    definition = xapi.get("activities", activityId=course).json()["definition"]
    assert definition == {
        "name": {"en-US": "Course one", "fr": "Cours un", "de": "Kurs eins"},
        "description": {"en-US": "The first course"},
    }


@pytest.mark.parametrize("path", ["activities", "agents"])
def test_activities_and_agents_resources(xapi, path):
    xapi.post("statements", statement())
    if path == "activities":
        body = xapi.get("activities", activityId="http://example.com/activities/course-1").json()
        assert body["definition"]["name"]["fr"] == "Cours un"
        unknown = xapi.get("activities", activityId="http://example.com/unknown").json()
        assert unknown == {"objectType": "Activity", "id": "http://example.com/unknown"}
        assert xapi.get("activities").status_code == 400
    else:
        body = xapi.get("agents", agent={"mbox": "mailto:ann@example.com"}).json()
        assert body == {"objectType": "Person", "name": ["Ann"], "mbox": ["mailto:ann@example.com"]}
        assert (
            xapi.get("agents", agent={"objectType": "Group", "mbox": "mailto:g@b.c"}).status_code
            == 400
        )


def test_consistent_through_is_a_recent_timestamp(xapi):
    response = xapi.get("statements")
    moment = dt.datetime.fromisoformat(
        response["X-Experience-API-Consistent-Through"].replace("Z", "+00:00")
    )
    assert abs((dt.datetime.now(dt.UTC) - moment).total_seconds()) < 60
    assert urlsplit(response.request["PATH_INFO"]).path == "/xapi/statements"


def test_2_0_timestamps_need_an_offset_while_1_0_3_reads_them_as_utc(lrs_client):
    bare = statement(timestamp="2024-05-01T12:00:00")
    assert Xapi().post("statements", bare).status_code == 400
    legacy = Xapi(version="1.0.3")
    sid = legacy.post("statements", bare).json()[0]
    assert (
        legacy.get("statements", statementId=sid).json()["timestamp"] == "2024-05-01T12:00:00.000Z"
    )


def test_a_sub_statement_is_matched_only_by_the_related_filters(xapi):
    inner_actor = {"mbox": "mailto:inner@example.com"}
    inner_activity = "http://example.com/activities/inner"
    sub = {
        "objectType": "SubStatement",
        "actor": inner_actor,
        "verb": {"id": "http://example.com/verbs/will-attend"},
        "object": {"id": inner_activity},
    }
    sid = xapi.post("statements", statement(object=sub)).json()[0]
    assert ids_of(xapi.get("statements", agent=inner_actor)) == []
    assert ids_of(xapi.get("statements", agent=inner_actor, related_agents="true")) == [sid]
    assert ids_of(xapi.get("statements", activity=inner_activity)) == []
    assert ids_of(xapi.get("statements", activity=inner_activity, related_activities="true")) == [
        sid
    ]


def test_format_ids_keeps_the_members_of_an_anonymous_group(xapi):
    group = {
        "objectType": "Group",
        "name": "Pair",
        "member": [{"name": "A", "mbox": "mailto:a@example.com"}],
    }
    sid = xapi.post("statements", statement(actor=group)).json()[0]
    actor = xapi.get("statements", statementId=sid, format="ids").json()["actor"]
    assert actor == {"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"}]}


def _page_through(xapi, **params) -> list[str]:
    """Every id a query returns, following ``more`` one statement at a time."""
    response = xapi.get("statements", limit=1, **params).json()
    seen = [s["id"] for s in response["statements"]]
    while response["more"]:
        response = xapi.client.get(response["more"], headers=xapi.headers).json()
        seen += [s["id"] for s in response["statements"]]
    return seen


def test_related_activity_matches_from_object_and_context_merge_newest_first(xapi):
    # Communication 2.1.3: related_activities matches the object and context activities;
    # results are ordered by stored, newest first, and `more` pages without gaps or repeats.
    course = "http://example.com/courses/c1"
    in_context = {"contextActivities": {"parent": [{"id": course}]}}
    made = []
    for number in range(5):
        sid = new_id()
        if number % 2:
            xapi.post("statements", statement(id=sid, object={"id": course}))
        else:
            xapi.post("statements", statement(id=sid, context=in_context))
        made.append(sid)
    xapi.post("statements", statement())  # matches nothing
    expected = list(reversed(made))
    assert _page_through(xapi, activity=course, related_activities="true") == expected
    assert _page_through(
        xapi, activity=course, related_activities="true", ascending="true"
    ) == list(made)
    # Without related_activities only the object counts.
    assert ids_of(xapi.get("statements", activity=course)) == [made[3], made[1]]


def test_a_statement_matching_the_agent_in_several_places_is_returned_once(xapi):
    bob = {"mbox": "mailto:bob@example.com"}
    both = new_id()
    xapi.post(
        "statements",
        statement(
            id=both,
            actor=bob,
            object={"objectType": "Agent", **bob},
            context={"instructor": bob},
        ),
    )
    as_instructor = new_id()
    xapi.post("statements", statement(id=as_instructor, context={"instructor": bob}))
    assert _page_through(xapi, agent=bob) == [both]
    assert _page_through(xapi, agent=bob, related_agents="true") == [as_instructor, both]


def test_agent_and_related_activity_filters_combine(xapi):
    course = "http://example.com/courses/c2"
    bob = {"mbox": "mailto:bob@example.com"}
    in_context = {"contextActivities": {"grouping": [{"id": course}]}}
    wanted = new_id()
    xapi.post("statements", statement(id=wanted, actor=bob, context=in_context))
    xapi.post("statements", statement(context=in_context))  # Ann, not Bob
    xapi.post("statements", statement(actor=bob))  # Bob, not the course
    found = xapi.get("statements", agent=bob, activity=course, related_activities="true")
    assert ids_of(found) == [wanted]
    voided = xapi.post(
        "statements",
        statement(
            actor=ANN,
            verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
            object={"objectType": "StatementRef", "id": wanted},
        ),
    )
    assert voided.status_code == 200
    after_voiding = ids_of(
        xapi.get("statements", agent=bob, activity=course, related_activities="true")
    )
    # Voided statements are not returned; the voiding statement targets the match and is.
    assert after_voiding == [voided.json()[0]]


def test_an_unknown_resource_is_a_json_404_with_the_version_header(xapi):
    for method in ("GET", "POST", "HEAD"):
        response = xapi.request(method, "statement")
        assert response.status_code == 404
        assert response["X-Experience-API-Version"] == "2.0.0"
    assert xapi.get("activities/states").json() == {
        "error": "/xapi/activities/states: no such xAPI resource"
    }
