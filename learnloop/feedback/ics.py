"""The .ics file of a 1:1 series (RFC 5545): one VEVENT with an RRULE, in UTC."""

from __future__ import annotations

import datetime

import icalendar
from django.conf import settings

from learnloop.feedback.models import CheckInSeries


def series_calendar(series: CheckInSeries) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//learnloop//1:1 check-ins//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    start = series.first_at.astimezone(datetime.UTC)
    event.add("uid", f"{series.calendar_uid}@learnloop")
    event.add("dtstamp", series.created_at.astimezone(datetime.UTC))
    event.add("dtstart", start)
    event.add("dtend", start + datetime.timedelta(minutes=series.duration_minutes))
    event.add("summary", f"1:1 {series.manager} / {series.report}")
    event.add("description", f"Shared agenda: {settings.BASE_URL}/feedback/checkins/{series.pk}/")
    event.add("rrule", {"freq": "weekly", "interval": series.interval_weeks})
    for person, role in ((series.manager, "CHAIR"), (series.report, "REQ-PARTICIPANT")):
        attendee = icalendar.vCalAddress(f"mailto:{person.user.email}")
        attendee.params["cn"] = icalendar.vText(person.name)
        attendee.params["role"] = icalendar.vText(role)
        event.add("attendee", attendee, encode=False)
    if not series.active:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    return calendar.to_ical()
