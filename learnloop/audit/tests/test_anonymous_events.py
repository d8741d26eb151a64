"""Anonymous acts are counted per day and recorded after it, dated by the day alone."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import transaction
from freezegun import freeze_time

from learnloop.audit import actions, events
from learnloop.audit.models import AnonymousTally, AuditEvent
from learnloop.conftest import Org
from learnloop.xapi.models import Statement

UTC = datetime.UTC
DAY = datetime.date(2026, 3, 3)


def _act(org: Org, at: datetime.datetime, count: int = 1) -> None:
    with freeze_time(at), transaction.atomic():
        if count == 1:
            events.record("test.answered", actor_label=events.ANONYMOUS, target=org.organization)
        else:
            events.record_many(
                [events.Event("test.answered", org.organization)] * count,
                actor_label=events.ANONYMOUS,
            )


def test_a_day_s_anonymous_acts_become_one_counted_event_at_midnight(org: Org) -> None:
    _act(org, datetime.datetime(2026, 3, 3, 9, 1, tzinfo=UTC))
    _act(org, datetime.datetime(2026, 3, 3, 16, 45, tzinfo=UTC), count=3)
    _act(org, datetime.datetime(2026, 3, 4, 8, 0, tzinfo=UTC))
    assert not AuditEvent.objects.filter(action="test.answered").exists()
    with freeze_time(datetime.datetime(2026, 3, 4, 0, 20, tzinfo=UTC)):
        assert actions.flush_anonymous_events() == 1
    event = AuditEvent.objects.get(action="test.answered")
    assert (event.at, event.actor, event.actor_label, event.data) == (
        datetime.datetime(2026, 3, 3, tzinfo=UTC),
        None,
        "anonymous",
        {"count": 4},
    )
    statement = Statement.objects.get(timestamp=event.at)
    assert json.loads(statement.data)["actor"]["name"] == "anonymous"
    # The next day's act waits for its own day to end.
    assert AnonymousTally.objects.get().day == datetime.date(2026, 3, 4)


def test_an_anonymous_act_cannot_carry_data_that_would_tell_it_apart(org: Org) -> None:
    with pytest.raises(ValueError, match="cannot carry data"), transaction.atomic():
        events.record(
            "test.answered", actor_label=events.ANONYMOUS, target=org.organization, data={"x": 1}
        )
    assert not AnonymousTally.objects.exists()


def test_an_anonymous_act_rolls_back_with_its_action(org: Org) -> None:
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        events.record("test.answered", actor_label=events.ANONYMOUS, target=org.organization)
        _ = 1 / 0
    assert not AnonymousTally.objects.exists()
