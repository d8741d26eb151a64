"""Chromium, driven by Playwright, against a live server: answering a pulse and reading results."""

from __future__ import annotations

import datetime
import re

import pytest

from learnloop.conftest import sign_in
from learnloop.demo import build
from learnloop.people.models import Employee
from learnloop.surveys import actions, queries
from learnloop.surveys.models import Instrument, Pulse, Response

pytestmark = pytest.mark.browser


@pytest.fixture
def world(personas: dict[str, build.Persona]) -> dict[str, object]:
    organization = _demo_org()
    today = datetime.date.today()
    pulses = list(
        Pulse.objects.filter(organization=organization).order_by("opens_on")
    )  # from the demo
    safety = Instrument.objects.get(organization=organization, key="psychological-safety")
    open_pulse = actions.create_pulse(
        organization,
        safety,
        title="Safety check-in",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
        actor_label="test",
    )
    return {"personas": personas, "closed": pulses[-1], "open": open_pulse}


def test_an_employee_answers_a_pulse_anonymously(page, world):
    employee = world["personas"]["employee"].user
    pulse: Pulse = world["open"]
    sign_in(page, employee.email)
    page.goto("/surveys/")
    page.locator("#to-answer").get_by_role("link", name="Safety check-in").click()
    # The form opens in the person's language when the instrument has it; read it in English.
    page.get_by_label("Language").select_option("en")
    page.get_by_role("button", name="Switch").click()
    page.get_by_role("group", name=re.compile("Trying something new")).get_by_label(
        "Agree", exact=True
    ).check()
    page.get_by_role("group", name=re.compile("held against me")).get_by_label(
        "Disagree", exact=True
    ).check()
    page.get_by_label("What one thing would make it easier").fill("Fewer surprise deadlines.")
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_text("your answers were stored without your name").wait_for()
    stored = Response.objects.get(pulse=pulse)
    assert stored.answers == {
        "ps-risks": 4,
        "ps-mistakes": 2,
        "ps-comment": "Fewer surprise deadlines.",
    }
    assert page.locator("#to-answer").count() == 0
    assert page.problems == []


def test_a_manager_sees_their_team_and_a_hidden_small_group(page, world):
    pulse: Pulse = world["closed"]
    table = queries.response_table(pulse)
    # The manager with the largest team below the top: big enough to show, small enough to split.
    sizes = {
        e.pk: int(table.mask(queries.GroupFilter(team=e.pk)).sum())
        for e in Employee.objects.filter(organization=pulse.organization, manager__isnull=False)
    }
    lead = Employee.objects.get(pk=max(sizes, key=lambda pk: sizes[pk]))
    lead.user.set_password(build.PASSWORD)
    lead.user.save()
    sign_in(page, lead.user.email)
    page.goto(f"/surveys/pulses/{pulse.pk}/results/")
    assert page.locator("#respondents").inner_text() == str(sizes[lead.pk])
    assert page.locator("#dimension-table").get_by_text("Psychological safety").is_visible()
    page.get_by_label("Tenure").select_option("lt1")
    page.get_by_role("button", name="Show").click()
    page.locator("#suppressed").wait_for()
    assert "Hidden" in page.locator("#suppressed").inner_text()
    assert page.locator("#respondents").count() == 0
    assert page.problems == []


def test_a_manager_whose_team_is_too_small_sees_it_hidden(page, world):
    manager = world["personas"]["manager"].user
    pulse: Pulse = world["closed"]
    table = queries.response_table(pulse)
    if table.mask(queries.GroupFilter(team=manager.employee.pk)).sum() >= 5:
        pytest.skip("the demo manager's team is large enough to show at this demo size")
    sign_in(page, manager.email)
    page.goto(f"/surveys/pulses/{pulse.pk}/results/")
    assert "fewer than 5 people answered" in page.locator("#suppressed").inner_text()
    assert page.problems == []


def _demo_org():
    organization = build.existing()
    assert organization is not None
    return organization
