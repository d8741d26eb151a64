from __future__ import annotations

import datetime
from typing import Any

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from learnloop.feedback import actions
from learnloop.feedback.models import AgendaItem, CheckIn, Notification
from learnloop.feedback.tests.conftest import World, client


def test_the_calendar_file_parses_back_with_the_weekly_rule(world: World) -> None:
    response = client(world.org, "employee").get(
        f"/feedback/checkins/{world.series.pk}/calendar.ics"
    )
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    (event,) = calendar.walk("VEVENT")
    rule: Any = event["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["INTERVAL"] == [1]
    expected_start = world.series.first_at.astimezone(datetime.UTC).replace(microsecond=0)
    assert event.decoded("DTSTART") == expected_start
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(minutes=30)
    assert str(event["UID"]) == f"{world.series.calendar_uid}@learnloop"
    attendees = sorted(str(a) for a in event["ATTENDEE"])
    assert attendees == sorted(
        f"mailto:{p.user.email}" for p in (world.org.manager, world.org.employee)
    )
    assert all(line.endswith(b"\r") or not line for line in response.content.split(b"\n"))


def test_completing_carries_undiscussed_points_to_the_next_meeting(world: World) -> None:
    done = actions.add_agenda_item(world.meeting, world.org.manager, "Hiring plan")
    actions.mark_discussed(done, world.org.manager)
    following = actions.complete_meeting(world.meeting, world.org.employee)
    assert following.index == 1
    assert following.starts_at == world.series.first_at + datetime.timedelta(weeks=1)
    carried = list(following.agenda.values_list("text", "carried_from"))
    assert carried == [("Career plans", world.agenda_item.pk)]
    with pytest.raises(actions.InvalidInput, match="already completed"):
        actions.complete_meeting(world.meeting, world.org.employee)


def test_private_notes_are_one_per_author_and_the_page_shows_only_ones_own(world: World) -> None:
    manager_page = client(world.org, "manager").get(f"/feedback/checkins/{world.series.pk}/")
    assert b"MANAGER-NOTE" in manager_page.content
    assert b"EMPLOYEE-NOTE" not in manager_page.content
    actions.save_private_note(world.meeting, world.org.employee, "rewritten")
    api = client(world.org, "employee").get(f"/api/v1/checkins/{world.series.pk}").json()
    assert api["current"]["my_private_note"] == "rewritten"


def test_the_agenda_grows_through_htmx_and_returns_the_fragment(world: World) -> None:
    response = client(world.org, "manager").post(
        f"/feedback/checkins/meetings/{world.meeting.pk}/agenda/",
        {"text": "Conference budget"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<div id="agenda">') and "Conference budget" in html
    empty = client(world.org, "manager").post(
        f"/feedback/checkins/meetings/{world.meeting.pk}/agenda/",
        {"text": "  "},
        HTTP_HX_REQUEST="true",
    )
    assert "text: may not be empty" in empty.content.decode()
    assert AgendaItem.objects.filter(meeting=world.meeting).count() == 2


def test_action_items_belong_to_one_of_the_two(world: World) -> None:
    with pytest.raises(actions.InvalidInput, match="owner"):
        actions.add_action_item(world.meeting, world.org.manager, text="x", owner=world.org.peer)


def test_only_the_report_sets_the_mood(world: World) -> None:
    with pytest.raises(actions.InvalidInput, match="report's"):
        actions.set_mood(world.meeting, world.org.manager, 3)
    assert actions.set_mood(world.meeting, world.org.employee, 2).mood == 2


def test_a_series_is_only_with_a_direct_report(org) -> None:
    with pytest.raises(actions.InvalidInput, match="does not report to you directly"):
        actions.start_series(
            org.ceo, org.employee, first_at=timezone.now() + datetime.timedelta(days=1)
        )


def test_upcoming_checkins_are_reminded_once_by_inbox_and_email(
    world: World, django_capture_on_commit_callbacks
) -> None:
    mail.outbox.clear()
    moment = world.meeting.starts_at - datetime.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.remind_upcoming_checkins(moment) == 1
    assert actions.remind_upcoming_checkins(moment) == 0
    assert CheckIn.objects.get(pk=world.meeting.pk).reminded
    titles = set(
        Notification.objects.filter(title__contains="coming up").values_list("title", flat=True)
    )
    assert len(titles) == 2
    assert {m.to[0] for m in mail.outbox} == {
        world.org.manager.user.email,
        world.org.employee.user.email,
    }
