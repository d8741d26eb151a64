"""Statement validation rules (xAPI Data part), checked on the pure engine."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from learnloop.xapi.engine import formats
from learnloop.xapi.engine.errors import ValidationError
from learnloop.xapi.engine.statements import prepare, prepare_batch, same_statement
from learnloop.xapi.tests.conftest import new_id, statement


def rejects(value: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        prepare(value)
    return str(caught.value)


def test_it_accepts_a_minimal_statement_and_assigns_an_id():
    prepared = prepare(statement())
    assert prepared.statement["id"] == str(prepared.id)
    assert prepared.verb_id == "http://adlnet.gov/expapi/verbs/completed"
    assert prepared.actor_key == "mbox|mailto:ann@example.com"


def test_it_names_the_property_and_rule_of_a_bad_mbox():
    message = rejects(statement(actor={"mbox": "ann@example.com"}))
    assert message == "actor.mbox: must be a mailto: IRI"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"actor": {"mbox": "mailto:a@b.c", "openid": "http://a.b/"}},
            "actor: an agent must have exactly one",
        ),
        ({"actor": {"name": "nobody"}}, "actor: an agent must have exactly one"),
        ({"actor": {"mbox_sha1sum": "xyz"}}, "actor.mbox_sha1sum: must be a hex SHA-1"),
        ({"actor": {"account": {"name": "x"}}}, "actor.account.homePage: is required"),
        (
            {"actor": {"account": {"homePage": "nope", "name": "x"}}},
            "actor.account.homePage: must be an absolute IRL",
        ),
        (
            {"actor": {"objectType": "agent", "mbox": "mailto:a@b.c"}},
            "actor.objectType: must be Agent or Group",
        ),
        ({"actor": {"objectType": "Group"}}, "actor.member: an anonymous group must list members"),
        (
            {
                "actor": {
                    "objectType": "Group",
                    "member": [{"objectType": "Group", "mbox": "mailto:g@b.c"}],
                }
            },
            "actor.member[0].objectType: must be Agent here",
        ),
        ({"verb": {"display": {"en": "x"}}}, "verb.id: is required"),
        ({"verb": {"id": "completed"}}, "verb.id: must be an absolute IRI"),
        (
            {"verb": {"id": "http://a.b/v", "display": {"not a tag": "x"}}},
            "verb.display.not a tag: key must be an RFC 5646",
        ),
        (
            {"verb": {"id": "http://a.b/v", "display": {"en": 3}}},
            "verb.display.en: must be a string",
        ),
        ({"object": {"objectType": "Activity"}}, "object.id: is required"),
        (
            {"object": {"id": "http://a.b/c", "definition": {"interactionType": "Choice"}}},
            "object.definition.interactionType: must be one of",
        ),
        (
            {
                "object": {
                    "id": "http://a.b/c",
                    "definition": {
                        "interactionType": "choice",
                        "choices": [{"id": "a"}, {"id": "a"}],
                    },
                }
            },
            "object.definition.choices[1].id: must be unique",
        ),
        (
            {"object": {"id": "http://a.b/c", "definition": {"moreInfo": "x"}}},
            "object.definition.moreInfo: must be an absolute IRL",
        ),
        ({"object": {"mbox": "mailto:a@b.c"}}, "object.objectType: is required when"),
        ({"object": {"objectType": "StatementRef", "id": "nope"}}, "object.id: must be a UUID"),
        (
            {
                "object": {
                    "objectType": "SubStatement",
                    "actor": {"mbox": "mailto:a@b.c"},
                    "verb": {"id": "http://a.b/v"},
                    "object": {"objectType": "SubStatement"},
                }
            },
            "object.object.objectType: a SubStatement cannot contain",
        ),
        (
            {
                "object": {
                    "objectType": "SubStatement",
                    "id": new_id(),
                    "actor": {"mbox": "mailto:a@b.c"},
                    "verb": {"id": "http://a.b/v"},
                    "object": {"id": "http://a.b/c"},
                }
            },
            "object.id: is not an allowed property",
        ),
        ({"result": {"score": {"scaled": 1.5}}}, "result.score.scaled: must be between -1 and 1"),
        (
            {"result": {"score": {"raw": 11, "min": 0, "max": 10}}},
            "result.score.raw: must not be greater than max",
        ),
        (
            {"result": {"score": {"min": 5, "max": 1}}},
            "result.score.min: must not be greater than max",
        ),
        ({"result": {"success": "true"}}, "result.success: must be a boolean"),
        ({"result": {"duration": "4 hours"}}, "result.duration: must be an ISO 8601 duration"),
        (
            {"result": {"extensions": {"notiri": 1}}},
            "result.extensions.notiri: extension keys must be IRIs",
        ),
        ({"context": {"registration": "abc"}}, "context.registration: must be a UUID"),
        (
            {"context": {"contextActivities": {"parents": []}}},
            "context.contextActivities.parents: is not an allowed",
        ),
        ({"context": {"team": {"mbox": "mailto:a@b.c"}}}, "context.team: must be a Group"),
        ({"context": {"language": "english!"}}, "context.language: must be an RFC 5646"),
        (
            {"context": {"contextAgents": [{"agent": {"mbox": "mailto:a@b.c"}}]}},
            "context.contextAgents[0].objectType: must be contextAgent",
        ),
        (
            {
                "context": {
                    "contextGroups": [
                        {"objectType": "contextGroup", "group": {"mbox": "mailto:a@b.c"}}
                    ]
                }
            },
            "context.contextGroups[0].group: must be a Group",
        ),
        ({"timestamp": "2024-01-01T00:00:00-00:00"}, "timestamp: must be an ISO 8601"),
        ({"timestamp": "yesterday"}, "timestamp: must be an ISO 8601"),
        ({"version": "0.95"}, "version: must be 1.0.x or 2.0.x"),
        ({"id": "not-a-uuid"}, "id: must be a UUID"),
        ({"extra": 1}, "extra: is not an allowed property"),
        ({"verb": None}, "verb: must not be null"),
        (
            {
                "attachments": [
                    {
                        "usageType": "http://a.b/u",
                        "display": {"en": "x"},
                        "contentType": "text/plain",
                        "length": -1,
                        "sha2": "ab" * 32,
                    }
                ]
            },
            "attachments[0].length: must be a non-negative integer",
        ),
        (
            {
                "attachments": [
                    {
                        "usageType": "http://a.b/u",
                        "display": {"en": "x"},
                        "contentType": "text/plain",
                        "length": 1,
                    }
                ]
            },
            "attachments[0].sha2: is required",
        ),
    ],
)
def test_it_rejects_statements_that_break_a_rule(change: dict[str, Any], expected: str):
    assert rejects(statement(**change)).startswith(expected)


def test_revision_and_platform_need_an_activity_object():
    message = rejects(
        statement(object={"objectType": "Agent", "mbox": "mailto:b@c.d"}, context={"platform": "x"})
    )
    assert message == "context.platform: may only be used when the object is an Activity"


def test_a_voiding_statement_must_target_a_statement_ref():
    message = rejects(statement(verb={"id": "http://adlnet.gov/expapi/verbs/voided"}))
    assert message.startswith("object: a voiding statement's object must be a StatementRef")


def test_context_activities_become_arrays_and_timestamps_utc():
    prepared = prepare(
        statement(
            timestamp="2024-05-01T12:00:00.123+02:00",
            context={"contextActivities": {"parent": {"id": "http://a.b/p"}}},
        )
    )
    assert prepared.statement["context"]["contextActivities"]["parent"] == [{"id": "http://a.b/p"}]
    assert prepared.statement["timestamp"] == "2024-05-01T10:00:00.123Z"
    assert prepared.related_activities == {"http://a.b/p"}


def test_group_members_of_the_actor_are_direct_matches():
    group = {"objectType": "Group", "member": [{"mbox": "mailto:m@b.c"}]}
    prepared = prepare(statement(actor=group, context={"instructor": {"mbox": "mailto:i@b.c"}}))
    assert prepared.actor_key is None
    assert prepared.direct_agents == {"mbox|mailto:m@b.c"}
    assert prepared.related_agents == {"mbox|mailto:i@b.c"}


def test_a_batch_with_a_repeated_id_is_refused():
    same = new_id()
    with pytest.raises(ValidationError, match=r"\[1\].id: appears twice"):
        prepare_batch([statement(id=same), statement(id=same)])


def test_errors_in_a_batch_name_the_index():
    with pytest.raises(ValidationError, match=r"^\[1\].actor.mbox: must be a mailto: IRI"):
        prepare_batch([statement(), statement(actor={"mbox": "x"})])


def test_comparison_ignores_what_the_lrs_may_change():
    left = prepare(
        statement(
            id=new_id(),
            actor={
                "objectType": "Group",
                "member": [{"mbox": "mailto:a@b.c"}, {"mbox": "mailto:b@b.c"}],
            },
        )
    ).statement
    right = copy.deepcopy(left)
    right["actor"]["member"].reverse()
    right["stored"] = "2024-01-01T00:00:00Z"
    right["authority"] = {"mbox": "mailto:lrs@b.c"}
    right["verb"]["display"] = {"de": "abgeschlossen"}
    assert same_statement(left, right)
    right["result"] = {"success": True}
    assert not same_statement(left, right)


@pytest.mark.parametrize(
    "tag", ["en", "en-US", "zh-Hant-TW", "sgn-BE-FR", "x-private", "de-CH-1901", "i-klingon"]
)
def test_well_formed_language_tags_pass(tag: str):
    assert formats.is_language_tag(tag)


@pytest.mark.parametrize("tag", ["", "english-language-tag", "en_US", "a-b", "123"])
def test_malformed_language_tags_fail(tag: str):
    assert not formats.is_language_tag(tag)


@pytest.mark.parametrize(
    "duration", ["PT4H35M59.14S", "P3Y1M29DT4H35M59.14S", "P3Y", "P4W", "PT0S"]
)
def test_iso_durations_pass(duration: str):
    assert formats.is_duration(duration)


@pytest.mark.parametrize("duration", ["P", "PT", "P4W1D", "4H", "PT1H1D"])
def test_malformed_durations_fail(duration: str):
    assert not formats.is_duration(duration)


def test_a_valid_group_remembered_as_actor_is_still_refused_as_a_group_member():
    # Validity memo: an object found valid where groups are allowed must not pass where a
    # Group is forbidden (Data 2.4.2.2: members are Agents).
    group = {"objectType": "Group", "mbox": "mailto:team@example.com"}
    prepare(statement(actor=copy.deepcopy(group)))
    message = rejects(statement(actor={"objectType": "Group", "member": [copy.deepcopy(group)]}))
    assert message == "actor.member[0].objectType: must be Agent here, not Group"


def test_an_invalid_activity_is_refused_every_time_with_its_path():
    bad = {"id": "http://example.com/a", "definition": {"type": "not an iri"}}
    for _ in range(2):
        message = rejects(statement(object=copy.deepcopy(bad)))
        assert message == "object.definition.type: must be an absolute IRI with a scheme"


def test_a_remembered_verb_still_feeds_its_display_to_every_statement():
    verb = {"id": "http://example.com/verbs/met", "display": {"en": "met"}}
    first = prepare(statement(verb=copy.deepcopy(verb)))
    second = prepare(statement(verb=copy.deepcopy(verb)))
    assert first.verbs == second.verbs == {"http://example.com/verbs/met": {"en": "met"}}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01T12:00:00Z", "2024-05-01T12:00:00.000Z"),
        ("2024-05-01t12:00:00z", "2024-05-01T12:00:00.000Z"),
        ("2024-05-01T12:00:00,5+01:00", "2024-05-01T11:00:00.500Z"),
        ("2024-05-01T12:00:00.123456789-0230", "2024-05-01T14:30:00.123456Z"),
        ("2024-05-01T12:00+05", "2024-05-01T07:00:00.000Z"),
    ],
)
def test_iso_8601_timestamps_in_every_accepted_form_are_stored_in_utc(text, expected):
    prepared = prepare(statement(timestamp=text))
    assert prepared.statement["timestamp"] == expected


@pytest.mark.parametrize(
    "text", ["2024-05-01T12:00:00+24:00", "2024-05-01T12:00:60Z", "2024-02-30T12:00:00Z"]
)
def test_timestamps_outside_the_calendar_or_clock_are_refused(text):
    assert rejects(statement(timestamp=text)).startswith("timestamp: must be an ISO 8601")
