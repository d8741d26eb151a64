"""The monthly digest: per role, last month's figures by e-mail (HTML with a text part, and
the two main charts as PNG attachments) and as a printable HTML report.

- HR admins, executives and L&D admins: the organization (aggregates only);
- managers: their team, when it is at least the minimum group size;
- everyone with learning recorded: their own progress.

Each (person, month, kind) is sent at most once (``DigestSent``), whoever runs the task.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from learnloop.audit import events
from learnloop.insights import charts, queries
from learnloop.insights.models import DigestSent
from learnloop.insights.queries import Filters
from learnloop.insights.summary import tiles
from learnloop.people.models import Employee, Organization, RoleGrant
from learnloop.permissions import EXECUTIVE, HR_ADMIN, LD_ADMIN, can, principal_for

logger = logging.getLogger(__name__)
CATCH_UP_DAYS = 3  # a digest missed on the 1st (server down) still goes out by the 3rd


def month_before(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    end = today.replace(day=1) - datetime.timedelta(days=1)
    return end.replace(day=1), end


@dataclass
class Digest:
    kind: str
    title: str
    start: datetime.date
    end: datetime.date
    context: dict[str, Any]
    attachments: list[tuple[str, bytes]]


def _filters(start: datetime.date, end: datetime.date) -> Filters:
    return Filters(period="custom", start=start, end=end)


def organization_digest(
    organization: Organization, start: datetime.date, end: datetime.date, *, charts_too: bool = True
) -> Digest:
    filters = _filters(start, end)
    data = queries.dashboard(organization, filters)
    return _aggregate(
        "organization",
        f"{organization.name}: learning in {start:%B %Y}",
        data,
        start,
        end,
        charts_too,
    )


def team_digest(
    manager: Employee, start: datetime.date, end: datetime.date, *, charts_too: bool = True
) -> Digest:
    wide = can(principal_for(manager.user), "insights.view_organization", manager.organization)
    data = queries.dashboard(
        manager.organization, _filters(start, end), manager=manager, with_organization=wide
    )
    return _aggregate(
        "team", f"Your team's learning in {start:%B %Y}", data, start, end, charts_too
    )


def _aggregate(
    kind: str,
    title: str,
    data: dict[str, Any],
    start: datetime.date,
    end: datetime.date,
    charts_too: bool,
) -> Digest:
    context: dict[str, Any] = {
        "title": title,
        "data": data,
        "start": start,
        "end": end,
        "kind": kind,
    }
    attachments: list[tuple[str, bytes]] = []
    if data.get("allowed"):
        context["tiles"] = [
            t
            for t in tiles(data | {"climate": None})
            if t["key"] not in ("psychological_safety", "learning_climate")
        ]
        if charts_too:
            found = charts.dashboard_datasets(data)
            for name in ("active", "funnel"):
                if name in found and found[name].has_data:
                    attachments.append((f"{name}.png", charts.render(found[name], "png")))
    return Digest(kind, title, start, end, context, attachments)


def personal_digest(employee: Employee, start: datetime.date, end: datetime.date) -> Digest:
    data = queries.personal(employee, today=end)
    completed = [
        e
        for e in data["enrollments"]
        if e["completed_at"] is not None and start <= e["completed_at"].date() <= end
    ]
    hours = sum(
        w["hours"] or 0
        for w in data["weekly"]
        if start - datetime.timedelta(days=6) <= w["week"] <= end
    )
    context = {
        "title": f"Your learning in {start:%B %Y}",
        "kind": "personal",
        "start": start,
        "end": end,
        "completed": completed,
        "hours": round(hours, 1),
        "streak": data["streak_weeks"],
        "in_progress": data["in_progress"],
        "active": bool(data["enrollments"]),
    }
    return Digest("personal", context["title"], start, end, context, [])


def render_html(digest: Digest) -> str:
    link = settings.BASE_URL + reverse("insights:home")
    return render_to_string("insights/digest.html", digest.context | {"link": link, "email": True})


def render_text(digest: Digest) -> str:
    return render_to_string(
        "insights/digest.txt",
        digest.context | {"link": settings.BASE_URL + reverse("insights:home")},
    )


def _recipients(organization: Organization, today: datetime.date) -> list[tuple[Employee, str]]:
    """(person, digest kind) for everyone who gets one, widest first."""
    staff = {
        e.pk: e
        for e in Employee.objects.filter(organization=organization).select_related(
            "user", "organization"
        )
        if e.is_active and e.user.is_active
    }
    out: list[tuple[Employee, str]] = []
    admins = set(
        RoleGrant.objects.filter(
            role__in=[HR_ADMIN, EXECUTIVE, LD_ADMIN], user__employee__organization=organization
        ).values_list("user__employee__pk", flat=True)
    )
    managers = set(
        Employee.objects.filter(organization=organization, manager__isnull=False).values_list(
            "manager_id", flat=True
        )
    )
    for pk, person in staff.items():
        if pk in admins:
            out.append((person, DigestSent.Kind.ORGANIZATION))
        if pk in managers:
            out.append((person, DigestSent.Kind.TEAM))
        out.append((person, DigestSent.Kind.PERSONAL))
    return out


def send_monthly(today: datetime.date | None = None) -> int:
    """Send last month's digests when the month has just begun; each at most once."""
    today = today or timezone.localdate()
    if today.day > CATCH_UP_DAYS:
        return 0
    start, end = month_before(today)
    sent = 0
    for organization in Organization.objects.all():
        org_digest: Digest | None = None
        messages = []
        for person, kind in _recipients(organization, today):
            if DigestSent.objects.filter(user=person.user, month=start, kind=kind).exists():
                continue
            if kind == DigestSent.Kind.ORGANIZATION:
                org_digest = org_digest or organization_digest(organization, start, end)
                digest = org_digest
            elif kind == DigestSent.Kind.TEAM:
                digest = team_digest(person, start, end)
                if not digest.context["data"].get("allowed"):
                    continue
            else:
                digest = personal_digest(person, start, end)
                if not digest.context["active"]:
                    continue
            try:
                with transaction.atomic():
                    DigestSent.objects.create(user=person.user, month=start, kind=kind)
            except IntegrityError:
                continue  # another run got there first
            message = EmailMultiAlternatives(
                digest.title, render_text(digest), None, [person.user.email]
            )
            message.attach_alternative(render_html(digest), "text/html")
            for filename, content in digest.attachments:
                message.attach(filename, content, "image/png")
            messages.append(message)
        for message in messages:
            try:
                message.send()
                sent += 1
            except Exception:
                logger.exception("could not e-mail an insights digest to %s", message.to)
        if messages:
            with transaction.atomic():
                events.record(
                    "insights.digests_sent",
                    actor_label="insights",
                    target=organization,
                    data={"month": start.isoformat(), "count": len(messages)},
                )
    return sent
