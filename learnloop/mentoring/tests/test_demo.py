"""The demo build's mentoring history on a small organization."""

from __future__ import annotations

import json

from learnloop.demo import build
from learnloop.mentoring.models import Program, Relationship, Session
from learnloop.xapi import profile
from learnloop.xapi.models import Statement


def test_the_demo_has_programs_with_history_and_backdated_statements(db):
    build.build(60, 11)
    demo = build.existing()
    statuses = dict(Program.objects.filter(organization=demo).values_list("name", "status"))
    assert sorted(statuses.values()) == ["closed", "open", "running"]
    closed = Relationship.objects.filter(program__status="closed")
    assert closed.exists() and all(r.status == "closed" and r.survey for r in closed)
    assert Relationship.objects.filter(program__status="running", status="active").exists()
    assert Session.objects.filter(relationship__program__status="running").exists()
    for r in Relationship.objects.select_related("mentee", "mentor"):
        assert f"/{r.mentor_id}/" not in r.mentee.manager_path
        assert f"/{r.mentee_id}/" not in r.mentor.manager_path
    session = Session.objects.select_related("relationship").order_by("held_on").first()
    rows = Statement.objects.filter(verb__iri=profile.MENTORED.iri)
    assert rows.count() == Session.objects.count()
    mine = [json.loads(r.data) for r in rows.filter(registration=session.relationship.uuid)]
    assert any(s["timestamp"].startswith(session.held_on.isoformat()) for s in mine)
    completed = Statement.objects.filter(
        verb__iri=profile.COMPLETED.iri, registration__isnull=False
    )
    assert completed.count() >= 1


def test_the_demo_is_deterministic(db):
    first = build.build(40, 5)
    pairs = sorted(
        Relationship.objects.values_list("mentee__employee_id", "mentor__employee_id", "status")
    )
    build.remove()
    build.build(40, 5)
    again = sorted(
        Relationship.objects.values_list("mentee__employee_id", "mentor__employee_id", "status")
    )
    assert first and pairs == again
