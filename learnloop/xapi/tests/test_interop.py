"""Third-party xAPI clients talk to the LRS over HTTP, as an outside client or suite would.

Each library builds its own requests (query strings, JSON, headers) rather than Django's test
client: edX's TinCanPython (``tincan``, what Open edX sends its xAPI with; 1.0.x only) and
@xapi/xapi from npm (``interop_client.mjs``, run by Node), in both 2.0.0 and 1.0.3.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest
from tincan import (
    Activity,
    ActivityDefinition,
    Agent,
    Context,
    ContextActivities,
    LanguageMap,
    RemoteLRS,
    Result,
    Score,
    Statement,
    StatementRef,
    Verb,
)
from tincan.documents import ActivityProfileDocument, AgentProfileDocument, StateDocument

from learnloop.xapi.tests.conftest import KEY, SECRET

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
COURSE = "http://example.com/courses/safety"
NODE_CLIENT = Path(__file__).with_name("interop_client.mjs")


@pytest.fixture
def endpoint(live_server: Any, transactional_db: None, lrs_client: Any) -> str:
    return f"{live_server.url}/xapi/"


@pytest.fixture
def lrs(endpoint: str) -> RemoteLRS:
    return RemoteLRS(endpoint=endpoint, username=KEY, password=SECRET)


def _statement(learner: Agent, verb: str, activity: str, **extra: Any) -> Statement:
    return Statement(
        actor=learner,
        verb=Verb(id=verb, display=LanguageMap({"en-US": verb.rsplit("/", 1)[1]})),
        object=Activity(
            id=activity,
            definition=ActivityDefinition(name=LanguageMap({"en-US": "Safety basics"})),
        ),
        **extra,
    )


def _ok(response: Any) -> Any:
    assert response.success, (response.response.status, response.data)
    return response.content


def test_tincanpython_stores_finds_pages_and_voids_statements(lrs: RemoteLRS):
    # Not lrs.about(): the library refuses an About that also lists 2.0.0, as ours does.
    ann = Agent(name="Ann", mbox="mailto:ann@example.com")
    put = _statement(
        ann,
        COMPLETED,
        COURSE,
        id=str(uuid.uuid4()),
        result=Result(score=Score(scaled=0.9), success=True, duration="PT12M"),
        context=Context(
            registration=str(uuid.uuid4()),
            context_activities=ContextActivities(parent=[Activity(id="http://example.com/p")]),
        ),
    )
    _ok(lrs.save_statement(put))  # with an id: PUT
    posted = _ok(lrs.save_statement(_statement(ann, ATTEMPTED, COURSE)))  # without: POST
    batch = _ok(
        lrs.save_statements([_statement(ann, ATTEMPTED, f"{COURSE}/{n}") for n in range(3)])
    )
    assert posted.id and all(item.id for item in batch)

    fetched = _ok(lrs.retrieve_statement(put.id))
    assert (fetched.actor.mbox, fetched.verb.id, fetched.object.id) == (
        "mailto:ann@example.com",
        COMPLETED,
        COURSE,
    )
    assert fetched.result.score.scaled == 0.9
    assert fetched.context.context_activities.parent[0].id == "http://example.com/p"

    found = _ok(lrs.query_statements({"agent": ann, "verb": Verb(id=ATTEMPTED), "limit": 2}))
    seen = [item.id for item in found.statements]
    assert len(seen) == 2 and found.more
    rest = _ok(lrs.more_statements(found))
    seen += [item.id for item in rest.statements]
    assert sorted(seen) == sorted([posted.id, *(item.id for item in batch)])
    related = _ok(
        lrs.query_statements(
            {"activity": Activity(id="http://example.com/p"), "related_activities": "true"}
        )
    )
    assert [item.id for item in related.statements] == [put.id]

    _ok(
        lrs.save_statement(
            Statement(
                actor=ann,
                verb=Verb(id="http://adlnet.gov/expapi/verbs/voided"),
                object=StatementRef(id=posted.id),
            )
        )
    )
    assert not lrs.retrieve_statement(posted.id).success
    assert _ok(lrs.retrieve_voided_statement(posted.id)).id == posted.id


def _create_only(
    endpoint: str, resource: str, params: dict[str, str], body: str, kind: str
) -> None:
    """PUT with If-None-Match: *, which TinCanPython cannot send (it sends If-Match only)."""
    token = base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    request = urllib.request.Request(
        f"{endpoint}{resource}?{urllib.parse.urlencode(params)}",
        data=body.encode(),
        method="PUT",
        headers={
            "Authorization": f"Basic {token}",
            "X-Experience-API-Version": "1.0.3",
            "Content-Type": kind,
            "If-None-Match": "*",
        },
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 204


def test_tincanpython_keeps_state_and_profiles(lrs: RemoteLRS, endpoint: str):
    ann = Agent(mbox="mailto:ann@example.com")
    course = Activity(id=COURSE)

    state = StateDocument(
        id="bookmark",
        activity=course,
        agent=ann,
        content=json.dumps({"page": 3}),
        content_type="application/json",
    )
    _ok(lrs.save_state(state))
    assert json.loads(_ok(lrs.retrieve_state(course, ann, "bookmark")).content) == {"page": 3}
    assert _ok(lrs.retrieve_state_ids(course, ann)) == ["bookmark"]
    _ok(lrs.delete_state(state))
    missing = lrs.retrieve_state(course, ann, "bookmark")
    assert missing.response.status == 404

    profile = ActivityProfileDocument(
        id="settings", activity=course, content="plain text", content_type="text/plain"
    )
    # xAPI 1.0.3 (Communication 3.1.s3.b1) wants every profile PUT conditional, and the LRS
    # refuses one that creates without If-Match or If-None-Match, as the library sends it.
    assert lrs.save_activity_profile(profile).response.status == 400
    params = {"activityId": COURSE, "profileId": "settings"}
    _create_only(endpoint, "activities/profile", params, "plain text", "text/plain")
    first = lrs.retrieve_activity_profile(course, "settings")
    assert _ok(first).content == b"plain text"
    # The library does not read the ETag back itself; a client that does may overwrite.
    profile.etag = first.response.getheader("ETag")
    profile.content = "second version"
    _ok(lrs.save_activity_profile(profile))
    # The ETag it had is stale now: deleting with it is refused, with the current one done.
    assert lrs.delete_activity_profile(profile).response.status == 412
    second = lrs.retrieve_activity_profile(course, "settings")
    assert _ok(second).content == b"second version"
    assert _ok(lrs.retrieve_activity_profile_ids(course)) == ["settings"]
    profile.etag = second.response.getheader("ETag")
    _ok(lrs.delete_activity_profile(profile))
    assert _ok(lrs.retrieve_activity_profile_ids(course)) == []

    card = AgentProfileDocument(
        id="card", agent=ann, content=json.dumps({"theme": "dark"}), content_type="application/json"
    )
    assert lrs.save_agent_profile(card).response.status == 400
    params = {"agent": json.dumps({"mbox": "mailto:ann@example.com"}), "profileId": "card"}
    _create_only(
        endpoint, "agents/profile", params, json.dumps({"theme": "dark"}), "application/json"
    )
    assert json.loads(_ok(lrs.retrieve_agent_profile(ann, "card")).content) == {"theme": "dark"}
    assert _ok(lrs.retrieve_agent_profile_ids(ann)) == ["card"]
    _ok(lrs.delete_agent_profile(card))
    assert _ok(lrs.retrieve_agent_profile_ids(ann)) == []


@pytest.mark.parametrize("version", ["2.0.0", "1.0.3"])
def test_the_npm_client_stores_attaches_queries_voids_and_keeps_documents(endpoint, version):
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is missing: `make setup` installs it with the npm packages")
    run = subprocess.run(
        [node, str(NODE_CLIENT), endpoint, KEY, SECRET, version],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "23 checks passed"
