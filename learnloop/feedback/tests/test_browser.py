"""Chromium walks one full 1:1 check-in and one feedback request, as the demo personas."""

from __future__ import annotations

import re

import pytest

from learnloop.conftest import sign_in
from learnloop.demo import build
from learnloop.feedback.models import AgendaItem, CheckInSeries, Feedback

pytestmark = pytest.mark.browser


@pytest.fixture
def personas(personas: dict[str, build.Persona]) -> dict[str, build.Persona]:
    by_key = personas
    # The walkthrough starts the manager's 1:1 series with the employee itself.
    CheckInSeries.objects.filter(
        manager__user=by_key["manager"].user, report__user=by_key["employee"].user
    ).delete()
    return by_key


def test_a_manager_and_report_run_a_full_check_in(open_page, personas):
    manager_user, report_user = personas["manager"].user, personas["employee"].user
    manager = open_page()
    sign_in(manager, manager_user.email)
    manager.goto("/feedback/checkins/")
    manager.get_by_label("Report", exact=True).select_option(label=report_user.full_name)
    manager.get_by_label("First meeting").fill("2030-01-07T10:00")
    manager.get_by_role("button", name="Start the series").click()
    manager.wait_for_url(re.compile(r"/feedback/checkins/\d+/$"))
    series = CheckInSeries.objects.get(manager__user=manager_user, report__user=report_user)

    # The shared agenda grows in place (htmx), no reload.
    manager.get_by_label("Add a talking point").fill("Conference budget")
    manager.get_by_role("button", name="Add", exact=True).click()
    manager.locator("#agenda").get_by_text("Conference budget").wait_for()
    manager.get_by_label("Add a talking point").fill("Team offsite")
    manager.get_by_role("button", name="Add", exact=True).click()
    manager.locator("#agenda").get_by_text("Team offsite").wait_for()
    manager.get_by_label("Private note", exact=True).fill("Raise the promotion case")
    manager.get_by_role("button", name="Save private note").click()
    manager.get_by_text("Only you can read it").first.wait_for()

    report = open_page()
    sign_in(report, report_user.email)
    report.goto(f"/feedback/checkins/{series.pk}/")
    assert report.locator("#agenda").get_by_text("Conference budget").is_visible()
    assert report.get_by_text("Raise the promotion case").count() == 0
    report.get_by_label("Add a talking point").fill("My learning plan")
    report.get_by_role("button", name="Add", exact=True).click()
    report.locator("#agenda").get_by_text("My learning plan").wait_for()
    report.get_by_label("4", exact=True).check()
    report.get_by_role("button", name="Save mood").click()

    # In the meeting: tick what was discussed, agree an action, complete.
    manager.reload()
    manager.get_by_role("button", name="Mark “Conference budget” as discussed").click()
    manager.get_by_role("button", name="Mark “Conference budget” as not discussed").wait_for()
    manager.get_by_role("button", name="Mark “My learning plan” as discussed").click()
    manager.get_by_role("button", name="Mark “My learning plan” as not discussed").wait_for()
    manager.get_by_label("Action", exact=True).fill("Send the course shortlist")
    manager.get_by_label("Owner", exact=True).select_option(label=report_user.full_name)
    manager.get_by_role("button", name="Add action item").click()
    manager.locator("#action-items").get_by_text("Send the course shortlist").wait_for()
    manager.get_by_role("button", name="Complete this 1:1").click()
    manager.get_by_text("open points carried over").wait_for()

    # The undiscussed point moved to the next meeting; the .ics file is offered.
    following = series.meetings.get(index=1)
    assert list(AgendaItem.objects.filter(meeting=following).values_list("text", flat=True)) == [
        "Team offsite"
    ]
    assert series.meetings.get(index=0).mood == 4
    assert manager.locator("#agenda").get_by_text("Team offsite").is_visible()
    assert manager.get_by_text("carried over").first.is_visible()
    ics = manager.request.get(f"/feedback/checkins/{series.pk}/calendar.ics")
    assert ics.ok and b"RRULE:FREQ=WEEKLY" in ics.body()
    assert manager.problems == [] and report.problems == []


def test_an_employee_asks_for_feedback_and_a_colleague_answers(open_page, personas):
    asker_user, colleague_user = personas["employee"].user, personas["manager"].user
    asker = open_page()
    sign_in(asker, asker_user.email)
    asker.goto("/feedback/")
    asker.get_by_role("button", name="Ask for feedback").click()
    asker.get_by_label("What would you like feedback on?").fill("My sprint demo")
    asker.get_by_label("Question").fill("Was the architecture part clear?")
    asker.get_by_label("Ask these colleagues").select_option(label=colleague_user.full_name)
    asker.get_by_role("button", name="Send the request").click()
    asker.wait_for_url(re.compile(r"/feedback/requests/\d+/$"))
    assert asker.get_by_role("heading", name="My sprint demo").is_visible()

    colleague = open_page()
    sign_in(colleague, colleague_user.email)
    colleague.goto("/feedback/inbox/")
    colleague.get_by_role(
        "button", name=re.compile("asks for your feedback: My sprint demo")
    ).click()
    colleague.wait_for_url(re.compile(r"/feedback/requests/\d+/$"))
    colleague.get_by_label("Feedback", exact=True).fill("Clear story; the diagram needed labels.")
    colleague.get_by_label("Kind").select_option("constructive")
    colleague.get_by_role("button", name="Send my answer").click()
    colleague.get_by_text("You answered this request.").wait_for()

    asker.reload()
    assert asker.get_by_text("Clear story; the diagram needed labels.").is_visible()
    answer = Feedback.objects.get(
        recipient__user=asker_user, body="Clear story; the diagram needed labels."
    )
    assert answer.kind == "constructive" and answer.request is not None
    assert asker.problems == [] and colleague.problems == []
