from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from learnloop.conftest import Org
from learnloop.surveys import actions
from learnloop.surveys.models import Instrument, Pulse, Suggestion

TODAY = datetime.date(2026, 3, 2)


@dataclass
class Surveys:
    instrument: Instrument
    open_pulse: Pulse
    closed_pulse: Pulse
    suggestion: Suggestion
    token: str


def answer_all(pulse: Pulse, org: Org, values: dict[str, int]) -> None:
    for role in ("ceo", "manager", "employee", "peer", "hr", "ld", "executive"):
        employee = getattr(org, role)
        actions.submit_response(
            pulse, employee, {**dict(values), "ps-comment": f"note from {role}"}, today=TODAY
        )


@pytest.fixture
def surveys(org: Org) -> Surveys:
    organization = org.organization
    instrument = actions.add_library_instrument(
        organization, "psychological-safety", actor_label="test"
    )
    closed = actions.create_pulse(
        organization,
        instrument,
        title="Spring safety",
        opens_on=TODAY,
        closes_on=TODAY,
        actor_label="test",
        today=TODAY,
    )
    answer_all(closed, org, {"ps-risks": 4, "ps-raise-problems": 5, "ps-mistakes": 2})
    actions.close_pulse(closed, actor=org.hr.user, today=TODAY)
    today = datetime.date.today()
    opened = actions.create_pulse(
        organization,
        instrument,
        title="Summer safety",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=14),
        actor_label="test",
    )
    suggestion, token = actions.post_suggestion(organization, "More pairing", "Could we pair more?")
    closed.refresh_from_db()
    return Surveys(instrument, opened, closed, suggestion, token)
