"""The internal recording API and the audit subscriber."""

from __future__ import annotations

import orjson
import pytest
from django.db import transaction

from learnloop.accounts.actions import issue_token
from learnloop.audit import events
from learnloop.xapi import profile, recorder
from learnloop.xapi.engine.errors import ValidationError
from learnloop.xapi.models import Statement


def stored(statement_id) -> dict:
    return orjson.loads(Statement.objects.get(statement_id=statement_id).data)


def test_record_stores_a_statement_about_an_employee(org):
    course = profile.activity_iri("learning.course", 7)
    sid = recorder.record(
        org.employee,
        profile.COMPLETED,
        {"objectType": "Activity", "id": course, "definition": {"type": profile.COURSE}},
        result={"success": True, "score": {"scaled": 0.9}},
    )
    statement = stored(sid)
    assert statement["actor"]["mbox"] == f"mailto:{org.employee.user.email}"
    assert statement["verb"]["id"] == profile.COMPLETED.iri
    assert statement["result"]["score"]["scaled"] == 0.9
    assert statement["authority"]["account"]["name"] == "learnloop"


def test_an_anonymous_answer_stores_no_identity(org):
    sid = recorder.record(None, profile.RESPONDED, profile.activity_iri("surveys.question", 3))
    actor = stored(sid)["actor"]
    assert actor == recorder.anonymous_agent()
    assert org.employee.user.email not in Statement.objects.get(statement_id=sid).data


def test_record_refuses_malformed_data(org):
    with pytest.raises(ValidationError, match=r"result.score.scaled"):
        recorder.record(
            org.employee, profile.PASSED, "http://example.com/q", result={"score": {"scaled": 3}}
        )


def test_every_audit_event_becomes_a_statement(org):
    before = Statement.objects.count()
    token, _ = issue_token(org.employee.user, "cli")
    statement = orjson.loads(Statement.objects.order_by("-pk").first().data)
    assert Statement.objects.count() == before + 1
    assert statement["verb"]["id"] == profile.VERBS + "audit/accounts.token_issued"
    assert statement["actor"]["mbox"] == f"mailto:{org.employee.user.email}"
    assert statement["object"]["id"] == profile.activity_iri("accounts.apitoken", token.pk)


def test_system_events_use_the_lrs_agent_and_batches_store_every_event(org):
    with transaction.atomic():
        events.record_many(
            [events.Event("demo.thing_happened", target=org.employee) for _ in range(300)],
            actor_label="cli",
        )
    rows = Statement.objects.filter(verb__iri=profile.VERBS + "audit/demo.thing_happened")
    assert rows.count() == 300
    statement = orjson.loads(rows.first().data)
    assert statement["actor"]["account"]["name"] == "learnloop"
    assert statement["actor"]["name"] == "cli"


def test_a_rolled_back_write_records_no_statement(org):
    before = Statement.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        events.record("demo.failed_write", actor_label="cli")
        raise RuntimeError("the write fails after its audit event")
    assert Statement.objects.count() == before


def test_the_demo_client_has_fixed_credentials_and_can_be_recreated(org):
    from learnloop.xapi import demo
    from learnloop.xapi.tests.conftest import Xapi

    demo.create_demo_client(org.organization)
    client, secret = demo.create_demo_client(org.organization)
    assert (client.key, secret) == (demo.DEMO_KEY, demo.DEMO_SECRET)
    assert Xapi(demo.DEMO_KEY, demo.DEMO_SECRET).get("statements").status_code == 200
    assert demo.DEMO_KEY in demo.describe("http://127.0.0.1:8000/")
