from __future__ import annotations

import pytest
from django.db import transaction

from learnloop.audit import events
from learnloop.audit.models import AuditEvent
from learnloop.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_refuses_to_record_outside_the_actions_transaction():
    with pytest.raises(RuntimeError, match="must be recorded inside the action's transaction"):
        events.record("test.loose", actor_label="test")


def test_subscribers_see_the_events_inside_the_same_transaction():
    seen: list[list[str]] = []

    def subscriber(batch: list[AuditEvent]) -> None:
        seen.append([event.action for event in batch])

    events.subscribe(subscriber)
    try:
        user = UserFactory()
        with transaction.atomic():
            events.record("test.one", actor=user, target=user)
            events.record_many([events.Event("test.two"), events.Event("test.three")], actor=user)
    finally:
        events.unsubscribe(subscriber)
    assert seen == [["test.one"], ["test.two", "test.three"]]
    event = AuditEvent.objects.get(action="test.one")
    assert (event.actor_label, event.target_type, event.target_id) == (
        user.email,
        "accounts.user",
        str(user.pk),
    )


def test_a_failing_subscriber_rolls_the_write_back():
    def broken(batch: list[AuditEvent]) -> None:
        raise ValueError("recorder unavailable")

    events.subscribe(broken)
    try:
        with pytest.raises(ValueError), transaction.atomic():
            events.record("test.fails", actor_label="test")
    finally:
        events.unsubscribe(broken)
    assert not AuditEvent.objects.filter(action="test.fails").exists()


def test_admin_changes_land_in_the_audit_trail(org_admin_client):
    client, employee = org_admin_client
    response = client.post(
        "/admin/people/location/add/",
        {
            "organization": employee.organization_id,
            "name": "Porto",
            "country": "PT",
            "timezone": "Europe/Lisbon",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.added")
    assert event.target_label == "Porto" and event.actor == employee.user


@pytest.fixture
def org_admin_client(org):
    from django.test import Client

    client = Client()
    client.force_login(org.hr.user)
    return client, org.hr
