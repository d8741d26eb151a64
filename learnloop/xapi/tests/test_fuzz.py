"""Property-based fuzzing of the statement validator and the xAPI resources (hypothesis).

Properties: no input makes a resource answer 500 (the test client re-raises any exception a
view lets through, so one fails the example); an invalid statement is never stored; a valid
one reads back exactly as POSTed plus the LRS's own properties; a batch with one bad statement
stores nothing.

The default profile ("ci") keeps `make test` fast; a longer hand run:
    LEARNLOOP_HYPOTHESIS_PROFILE=long .venv/bin/pytest learnloop/xapi/tests/test_fuzz.py
"""

from __future__ import annotations

import datetime as dt
import os
import string
import uuid
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learnloop.xapi.engine import formats
from learnloop.xapi.models import Statement
from learnloop.xapi.tests.conftest import Xapi

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "long",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("LEARNLOOP_HYPOTHESIS_PROFILE", "ci"))

# What the LRS adds or owns (Data 2.4): the rest must come back exactly as sent.
LRS_OWN = {"id", "stored", "authority", "version", "timestamp"}
STATUSES = {200, 204, 400, 404, 409, 412, 413}

# --- valid statements -------------------------------------------------------------------------

_word = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=8)
_text = st.text(max_size=20).filter(lambda s: "\x00" not in s)
iris = st.builds(lambda host, path: f"http://{host}.example.com/{path}", _word, _word)
languages = st.sampled_from(["en", "en-US", "en-GB", "fr-FR", "de", "zh-Hans-CN", "und"])
language_maps = st.dictionaries(languages, _text, min_size=1, max_size=3)
extensions = st.dictionaries(
    iris, st.one_of(st.integers(-1000, 1000), _text, st.booleans(), st.none()), max_size=2
)

agents = st.one_of(
    st.builds(lambda w: {"mbox": f"mailto:{w}@example.com"}, _word),
    st.builds(
        lambda w: {"objectType": "Agent", "mbox_sha1sum": w},
        st.text("0123456789abcdef", min_size=40, max_size=40),
    ),
    st.builds(lambda i: {"openid": i}, iris),
    st.builds(
        lambda h, n: {"objectType": "Agent", "account": {"homePage": h, "name": n}},
        iris,
        _word,
    ),
).flatmap(lambda agent: st.one_of(st.just(agent), st.builds(lambda n: {**agent, "name": n}, _text)))
anonymous_groups = st.builds(
    lambda members: {"objectType": "Group", "member": members},
    st.lists(agents, min_size=1, max_size=3),
)

definitions = st.fixed_dictionaries(
    {},
    optional={
        "name": language_maps,
        "description": language_maps,
        "type": iris,
        "moreInfo": iris,
        "extensions": extensions,
    },
)
choice_definitions = st.builds(
    lambda ids, name: {
        "interactionType": "choice",
        "name": name,
        "correctResponsesPattern": [ids[0]],
        "choices": [{"id": i, "description": {"en-US": i}} for i in ids],
    },
    st.lists(_word, min_size=1, max_size=3, unique=True),
    language_maps,
)
activities = st.builds(
    lambda iri, definition, typed: {
        **({"objectType": "Activity"} if typed else {}),
        "id": iri,
        **({"definition": definition} if definition is not None else {}),
    },
    iris,
    st.one_of(st.none(), definitions, choice_definitions),
    st.booleans(),
)
verbs = st.builds(
    lambda iri, display: {"id": iri, **({"display": display} if display else {})},
    iris,
    st.one_of(st.none(), language_maps),
)
results = st.fixed_dictionaries(
    {},
    optional={
        "score": st.builds(lambda s: {"scaled": s}, st.floats(-1, 1, allow_nan=False)),
        "success": st.booleans(),
        "completion": st.booleans(),
        "response": _text,
        "duration": st.sampled_from(["PT1H", "PT0.5S", "P1DT2H3M4.25S"]),
        "extensions": extensions,
    },
)
contexts = st.fixed_dictionaries(
    {},
    optional={
        "registration": st.uuids().map(str),
        "instructor": agents,
        "contextActivities": st.fixed_dictionaries(
            {},
            optional={
                "parent": st.lists(activities, min_size=1, max_size=2),
                "grouping": st.lists(activities, min_size=1, max_size=2),
            },
        ),
        "language": languages,
        "extensions": extensions,
    },
)
timestamps = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),
    max_value=dt.datetime(2030, 1, 1),
    timezones=st.just(dt.UTC),
).map(formats.format_timestamp)


def _statement(actor: Any, verb: Any, target: Any, extra: dict[str, Any]) -> dict[str, Any]:
    return {"actor": actor, "verb": verb, "object": target, **extra}


sub_statements = st.builds(
    lambda actor, verb, target: {
        "objectType": "SubStatement",
        "actor": actor,
        "verb": verb,
        "object": target,
    },
    agents,
    verbs,
    activities,
)
statements = st.builds(
    _statement,
    st.one_of(agents, anonymous_groups),
    verbs,
    st.one_of(
        activities, activities, agents.map(lambda a: {**a, "objectType": "Agent"}), sub_statements
    ),
    st.fixed_dictionaries(
        {}, optional={"result": results, "context": contexts, "timestamp": timestamps}
    ),
)

# --- invalid input ----------------------------------------------------------------------------

json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**63), 2**63 - 1),
        st.floats(allow_nan=False, allow_infinity=False),
        _text,
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(_text, children, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@st.composite
def corrupted_statements(draw: st.DrawFn) -> dict[str, Any]:
    """A valid statement with one place replaced by arbitrary JSON, or one property dropped."""
    statement = draw(statements)
    path = draw(st.sampled_from(_paths(statement)))
    node: Any = statement
    for step in path[:-1]:
        node = node[step]
    if draw(st.booleans()) and isinstance(node, dict):
        del node[path[-1]]
    else:
        node[path[-1]] = draw(json_values)
    return statement


def _strip(statement: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in statement.items() if k not in LRS_OWN}


def _stored(statement_id: str) -> bool:
    return Statement.objects.filter(statement_id=statement_id).exists()


# --- properties -------------------------------------------------------------------------------


@given(statement=statements, version=st.sampled_from(["2.0.0", "1.0.3"]))
def test_a_valid_statement_round_trips_exactly(
    lrs_client: Any, statement: dict[str, Any], version: str
) -> None:
    xapi = Xapi(version=version)
    sid = str(uuid.uuid4())
    response = xapi.post("statements", {**statement, "id": sid})
    assert response.status_code == 200, response.content
    fetched = xapi.get("statements", statementId=sid)
    assert fetched.status_code == 200
    body = fetched.json()
    assert body["id"] == sid
    assert body.keys() >= LRS_OWN
    if "timestamp" in statement:
        assert body["timestamp"] == statement["timestamp"]
    assert _strip(body) == _strip(statement)


@given(statement=corrupted_statements())
def test_an_invalid_statement_is_never_stored_and_never_a_500(
    lrs_client: Any, statement: dict[str, Any]
) -> None:
    xapi = Xapi()
    sid = str(uuid.uuid4())
    response = xapi.post("statements", {**statement, "id": sid})
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert response.json()["error"]
        assert not _stored(sid)
    else:
        assert _stored(sid)


@given(
    good=st.lists(statements, min_size=1, max_size=4),
    bad=corrupted_statements(),
    at=st.integers(0, 4),
)
def test_a_batch_with_one_bad_statement_stores_nothing(
    lrs_client: Any, good: list[dict[str, Any]], bad: dict[str, Any], at: int
) -> None:
    xapi = Xapi()
    bad_id = str(uuid.uuid4())
    bad = {**bad, "id": bad_id}
    probe = xapi.post("statements", bad)  # is the corruption actually invalid?
    if probe.status_code == 200:
        return
    assert probe.status_code == 400
    batch = [{**s, "id": str(uuid.uuid4())} for s in good]
    batch.insert(min(at, len(batch)), bad)
    before = Statement.objects.count()
    response = xapi.post("statements", batch)
    assert response.status_code == 400, response.content
    assert Statement.objects.count() == before


@given(body=json_values)
def test_any_json_body_is_answered_without_a_500(lrs_client: Any, body: Any) -> None:
    response = Xapi().post("statements", body)
    assert response.status_code in (200, 400)


@given(
    raw=st.binary(max_size=64),
    kind=st.sampled_from(["application/json", "multipart/mixed; boundary=x", "text/plain", ""]),
)
def test_any_bytes_posted_as_statements_are_answered_without_a_500(
    lrs_client: Any, raw: bytes, kind: str
) -> None:
    response = Xapi().post("statements", raw, content_type=kind)
    assert response.status_code in (200, 400)


_param_values = st.one_of(
    _text,
    st.uuids().map(str),
    timestamps,
    iris,
    st.sampled_from(["true", "false", "ids", "exact", "canonical", "0", "10", "-1"]),
    agents.map(lambda a: orjson.dumps(a).decode()),
    json_values.map(lambda v: orjson.dumps(v).decode()),
)
_param_names = st.sampled_from(
    [
        "statementId", "voidedStatementId", "agent", "verb", "activity", "registration",
        "related_activities", "related_agents", "since", "until", "limit", "format",
        "attachments", "ascending", "cursor", "LIMIT", "method", "activityId", "stateId",
        "profileId",
    ]
)  # fmt: skip


@given(
    params=st.dictionaries(_param_names, _param_values, max_size=4),
    resource=st.sampled_from(
        [
            "statements",
            "activities",
            "agents",
            "activities/state",
            "activities/profile",
            "agents/profile",
            "about",
        ]
    ),
)
def test_any_query_is_answered_without_a_500(
    lrs_client: Any, params: dict[str, str], resource: str
) -> None:
    response = Xapi().get(resource, **params)
    assert response.status_code in STATUSES


@given(version=st.text(alphabet=string.printable.strip() + " ", max_size=12))
def test_any_version_header_is_answered_without_a_500(lrs_client: Any, version: str) -> None:
    response = Xapi(version=version).get("statements", limit="1")
    expected = 200 if formats.is_version(version.strip()) else 400
    assert response.status_code == expected
    assert response["X-Experience-API-Version"] in ("2.0.0", "1.0.3", "0.9")
    assert "X-Experience-API-Consistent-Through" in response


@given(
    agent=st.one_of(agents, anonymous_groups, json_values),
    document_id=st.one_of(_word, _text),
    content=st.binary(max_size=32),
    kind=st.sampled_from(["application/json", "text/plain", "application/octet-stream", ""]),
    method=st.sampled_from(["PUT", "POST", "GET", "DELETE"]),
    precondition=st.sampled_from(
        [{}, {"If-None-Match": "*"}, {"If-Match": '"0"'}, {"If-Match": "*"}]
    ),
    version=st.sampled_from(["2.0.0", "1.0.3"]),
    resource=st.sampled_from(["activities/state", "activities/profile", "agents/profile"]),
)
def test_any_document_request_is_answered_without_a_500(
    lrs_client: Any,
    agent: Any,
    document_id: str,
    content: bytes,
    kind: str,
    method: str,
    precondition: dict[str, str],
    version: str,
    resource: str,
) -> None:
    params: dict[str, Any] = {"activityId": "http://example.com/a"}
    if resource != "activities/profile":
        params["agent"] = agent if isinstance(agent, dict) else orjson.dumps(agent).decode()
    if resource == "activities/profile":
        params["profileId"] = document_id
    elif resource == "agents/profile":
        del params["activityId"]
        params["profileId"] = document_id
    else:
        params["stateId"] = document_id
    response = Xapi(version=version).request(
        method, resource, content, content_type=kind, headers=precondition, **params
    )
    assert response.status_code in STATUSES


@pytest.mark.parametrize("resource", ["agents", "activities/state"])
@given(agent=st.one_of(agents, anonymous_groups, json_values))
def test_any_agent_parameter_is_answered_without_a_500(
    lrs_client: Any, resource: str, agent: Any
) -> None:
    value = agent if isinstance(agent, dict) else orjson.dumps(agent).decode()
    response = Xapi().get(resource, agent=value, activityId="http://example.com/a")
    assert response.status_code in STATUSES
