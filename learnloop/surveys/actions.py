"""Every write of the surveys app: one atomic function per use case, each recording its audit
event. Events about answers carry no answers and, being anonymous, no actor."""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
import secrets
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from learnloop import disclosure
from learnloop.accounts.models import User
from learnloop.audit import events
from learnloop.locking import lock
from learnloop.people.models import Department, Employee, Organization, active_employees
from learnloop.surveys import queries
from learnloop.surveys.engine import answers as answer_engine
from learnloop.surveys.engine.instrument import InstrumentError, parse
from learnloop.surveys.models import (
    Instrument,
    Invitation,
    Pulse,
    ReleasedGroup,
    Response,
    Suggestion,
    SuggestionMessage,
    SurveySettings,
)
from learnloop.surveys.queries import GroupFilter

ANONYMOUS = "anonymous"
MIN_GROUP_RANGE = (3, 10)


class SurveyError(ValueError):
    """A request that cannot be carried out, with the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


# --- settings -------------------------------------------------------------------------------


@transaction.atomic
def save_settings(
    organization: Organization, *, min_group_size: int, comment_min_group_size: int, actor: User
) -> SurveySettings:
    low, high = MIN_GROUP_RANGE
    if not low <= min_group_size <= high:
        raise SurveyError("min_group_size", f"must be from {low} to {high}")
    if not min_group_size < comment_min_group_size <= 30:
        raise SurveyError(
            "comment_min_group_size",
            f"must be larger than the minimum group size ({min_group_size}) and at most 30",
        )
    before = queries.thresholds(organization)
    organization.min_group_size = min_group_size
    organization.save(update_fields=["min_group_size"])
    stored, _ = SurveySettings.objects.update_or_create(
        organization=organization, defaults={"comment_min_group_size": comment_min_group_size}
    )
    events.record(
        "surveys.settings_changed",
        actor=actor,
        target=organization,
        data={"before": list(before), "after": [min_group_size, comment_min_group_size]},
    )
    return stored


# --- instruments ----------------------------------------------------------------------------


def _store_instrument(
    organization: Organization,
    doc: dict[str, Any],
    source: str,
    actor: User | None,
    label: str | None,
) -> Instrument:
    definition = parse(doc)
    if Instrument.objects.filter(organization=organization, key=definition.key).exists():
        raise InstrumentError(
            [("key", f"an instrument with key {definition.key!r} already exists")]
        )
    instrument = Instrument.objects.create(
        organization=organization,
        key=definition.key,
        name=definition.name,
        source=source,
        definition=doc,
    )
    events.record(
        "surveys.instrument_added",
        actor=actor,
        actor_label=label,
        target=instrument,
        data={"source": source, "questions": len(definition.questions)},
    )
    return instrument


@transaction.atomic
def add_library_instrument(
    organization: Organization,
    key: str,
    *,
    actor: User | None = None,
    actor_label: str | None = None,
) -> Instrument:
    doc = queries.library().get(key)
    if doc is None:
        raise InstrumentError([("key", f"{key!r} is not in the library")])
    return _store_instrument(organization, doc, Instrument.Source.LIBRARY, actor, actor_label)


def load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InstrumentError(
            [("", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")]
        ) from None


@transaction.atomic
def import_instrument(organization: Organization, text: str, *, actor: User) -> Instrument:
    """Load an instrument document; any problem rejects the whole file (listed by field path)."""
    return _store_instrument(organization, load_json(text), Instrument.Source.IMPORTED, actor, None)


@transaction.atomic
def create_instrument(
    organization: Organization, key: str, name: str, *, actor: User
) -> Instrument:
    doc = {
        "format": "learnloop.instrument/1",
        "key": key,
        "name": name,
        "languages": ["en"],
        "sections": [{"key": "main", "title": name}],
        "dimensions": [],
        "questions": [
            {
                "key": "comment",
                "section": "main",
                "type": "text",
                "text": "Anything you would like to add?",
            }
        ],
    }
    return _store_instrument(organization, doc, Instrument.Source.CUSTOM, actor, None)


@transaction.atomic
def edit_instrument(
    instrument: Instrument, change: str, payload: dict[str, Any], *, actor: User
) -> Instrument:
    """Apply one builder change (add or remove a question, dimension or section); the result is
    validated as a whole, so an edit that would break the instrument changes nothing."""
    doc = copy.deepcopy(instrument.definition)
    if change == "add_question":
        doc.setdefault("questions", []).append(payload)
    elif change == "remove_question":
        doc["questions"] = [
            q for q in doc.get("questions", []) if q.get("key") != payload.get("key")
        ]
    elif change == "add_dimension":
        doc.setdefault("dimensions", []).append(payload)
    elif change == "add_section":
        doc.setdefault("sections", []).append(payload)
    else:
        raise SurveyError("change", f"unknown change {change!r}")
    definition = parse(doc)
    instrument.definition = doc
    instrument.name = definition.name
    instrument.updated_at = timezone.now()
    instrument.save(update_fields=["definition", "name", "updated_at"])
    events.record(
        "surveys.instrument_edited", actor=actor, target=instrument, data={"change": change}
    )
    return instrument


# --- pulses ---------------------------------------------------------------------------------

RECURRENCE_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6}


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@transaction.atomic
def create_pulse(
    organization: Organization,
    instrument: Instrument,
    *,
    title: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    departments: list[Department] | None = None,
    teams: list[Employee] | None = None,
    recurrence: str = Pulse.Recurrence.NONE,
    reminder_every_days: int = 3,
    actor: User | None = None,
    actor_label: str | None = None,
    today: datetime.date | None = None,
) -> Pulse:
    day = today or timezone.localdate()
    if instrument.organization_id != organization.pk:
        raise SurveyError("instrument", "belongs to another organization")
    if not title.strip():
        raise SurveyError("title", "is required")
    if closes_on < opens_on:
        raise SurveyError("closes_on", "must be on or after the opening date")
    if closes_on < day:
        raise SurveyError("closes_on", "is in the past")
    if recurrence not in Pulse.Recurrence.values:
        raise SurveyError("recurrence", f"must be one of {', '.join(Pulse.Recurrence.values)}")
    if not 0 <= reminder_every_days <= 30:
        raise SurveyError("reminder_every_days", "must be from 0 to 30")
    for department in departments or []:
        if department.organization_id != organization.pk:
            raise SurveyError("departments", f"{department} belongs to another organization")
    for manager in teams or []:
        if manager.organization_id != organization.pk:
            raise SurveyError("teams", f"{manager} belongs to another organization")
    pulse = Pulse.objects.create(
        organization=organization,
        instrument=instrument,
        title=title.strip(),
        definition=instrument.definition,
        whole_company=not departments and not teams,
        opens_on=opens_on,
        closes_on=closes_on,
        recurrence=recurrence,
        reminder_every_days=reminder_every_days,
        created_by=actor,
    )
    pulse.departments.set(departments or [])
    pulse.teams.set(teams or [])
    events.record(
        "surveys.pulse_created",
        actor=actor,
        actor_label=actor_label,
        target=pulse,
        data={"opens_on": opens_on.isoformat(), "closes_on": closes_on.isoformat()},
    )
    if opens_on <= day:
        _open(pulse, day)
    return pulse


def audience(pulse: Pulse, on: datetime.date) -> list[Employee]:
    people = active_employees(on).filter(organization=pulse.organization)
    if pulse.whole_company:
        return list(people.order_by("pk"))
    chosen: dict[int, Employee] = {}
    for department in pulse.departments.all():
        for person in people.filter(department__path__startswith=department.path):
            chosen[person.pk] = person
    for manager in pulse.teams.all():
        for person in people.filter(manager_path__startswith=manager.chain_prefix):
            chosen[person.pk] = person
    return [chosen[pk] for pk in sorted(chosen)]


def _open(pulse: Pulse, day: datetime.date) -> None:
    invited = audience(pulse, day)
    Invitation.objects.bulk_create(
        [Invitation(pulse=pulse, employee=person) for person in invited], batch_size=2000
    )
    pulse.status = Pulse.Status.OPEN
    pulse.audience_size = len(invited)
    pulse.save(update_fields=["status", "audience_size"])
    events.record(
        "surveys.pulse_opened", actor_label="surveys", target=pulse, data={"invited": len(invited)}
    )


def _seed_ledger(pulse: Pulse) -> None:
    """Release the standard views at close, largest groups first, so every viewer sees the
    same suppression whatever order they look in: everyone, each department level by level,
    then each manager's team."""
    table = queries.response_table(pulse)
    groups: list[GroupFilter] = [GroupFilter()]
    departments = list(pulse.organization.departments.all())
    for department in sorted(
        departments,
        key=lambda d: (d.depth, -int(table.mask(GroupFilter(department=d.pk)).sum()), d.pk),
    ):
        groups.append(GroupFilter(department=department.pk))
    managers = {
        int(part) for path in table.manager_paths for part in path.strip("/").split("/") if part
    }
    sized = sorted(managers, key=lambda m: (-int(table.mask(GroupFilter(team=m)).sum()), m))
    groups += [GroupFilter(team=m) for m in sized]
    for channel in ReleasedGroup.Channel.values:
        book = queries.ledger(pulse, channel, table)
        stored: dict[str, ReleasedGroup] = {}
        for group in groups:
            mask = table.mask(group)
            if book.release(mask).released:
                members = table.ids_of(mask)
                digest = queries.members_digest(members)
                stored.setdefault(
                    digest,
                    ReleasedGroup(
                        pulse=pulse,
                        channel=channel,
                        key=group.key,
                        members=members,
                        digest=digest,
                        position=len(stored),
                    ),
                )
        ReleasedGroup.objects.bulk_create(stored.values())


def _close(pulse: Pulse, day: datetime.date, actor: User | None) -> Pulse | None:
    pulse.status = Pulse.Status.CLOSED
    pulse.closes_on = min(pulse.closes_on, day)
    pulse.save(update_fields=["status", "closes_on"])
    _seed_ledger(pulse)
    responses = Response.objects.filter(pulse=pulse).count()
    events.record(
        "surveys.pulse_closed",
        actor=actor,
        actor_label=None if actor else "surveys",
        target=pulse,
        data={"invited": pulse.audience_size, "responses": responses},
    )
    months = RECURRENCE_MONTHS.get(pulse.recurrence)
    if months is None:
        return None
    length = pulse.closes_on - pulse.opens_on
    opens_on = _add_months(pulse.opens_on, months)
    following = Pulse.objects.create(
        organization=pulse.organization,
        instrument=pulse.instrument,
        title=pulse.title,
        definition=pulse.instrument.definition,
        whole_company=pulse.whole_company,
        opens_on=opens_on,
        closes_on=max(opens_on + length, day),
        recurrence=pulse.recurrence,
        reminder_every_days=pulse.reminder_every_days,
        previous=pulse,
    )
    following.departments.set(pulse.departments.all())
    following.teams.set(pulse.teams.all())
    events.record(
        "surveys.pulse_created",
        actor_label="surveys",
        target=following,
        data={"recurrence_of": pulse.pk},
    )
    return following


@transaction.atomic
def close_pulse(
    pulse: Pulse, *, actor: User | None = None, today: datetime.date | None = None
) -> Pulse:
    pulse = Pulse.objects.select_for_update().get(pk=pulse.pk)
    if pulse.status != Pulse.Status.OPEN:
        raise SurveyError("status", "only an open pulse can be closed")
    _close(pulse, today or timezone.localdate(), actor)
    return pulse


@transaction.atomic
def advance_pulses(today: datetime.date | None = None) -> dict[str, int]:
    """Open scheduled pulses that are due and close open ones past their closing date."""
    day = today or timezone.localdate()
    opened = closed = 0
    for pulse in Pulse.objects.select_for_update().filter(
        status=Pulse.Status.SCHEDULED, opens_on__lte=day
    ):
        _open(pulse, day)
        opened += 1
    for pulse in Pulse.objects.select_for_update().filter(
        status=Pulse.Status.OPEN, closes_on__lt=day
    ):
        _close(pulse, day, None)
        closed += 1
    return {"opened": opened, "closed": closed}


@transaction.atomic
def send_reminders(today: datetime.date | None = None) -> int:
    """E-mail everyone invited to an open pulse who has not responded, every few days. Only
    the invitation flag is read: nothing about any answer."""
    day = today or timezone.localdate()
    sent = 0
    for pulse in Pulse.objects.select_for_update().filter(
        status=Pulse.Status.OPEN, reminder_every_days__gt=0
    ):
        last = pulse.last_reminded_on or pulse.opens_on
        if (day - last).days < pulse.reminder_every_days:
            continue
        emails = list(
            Invitation.objects.filter(pulse=pulse, responded=False).values_list(
                "employee__user__email", flat=True
            )
        )
        link = f"{settings.BASE_URL}{reverse('surveys:answer', args=[pulse.pk])}"
        subject = f"Reminder: {pulse.title} closes on {pulse.closes_on:%d %B}"
        body = (
            f"Your answers to “{pulse.title}” are anonymous: they are stored without your name, "
            f"and results are only shown for groups of {pulse.organization.min_group_size} or more.\n\n"
            f"Answer here: {link}\n"
        )
        send_mass_mail([(subject, body, None, [email]) for email in emails], fail_silently=False)
        pulse.last_reminded_on = day
        pulse.save(update_fields=["last_reminded_on"])
        events.record(
            "surveys.reminders_sent",
            actor_label="surveys",
            target=pulse,
            data={"count": len(emails)},
        )
        sent += len(emails)
    return sent


def team_path(employee: Employee) -> str:
    """The chain a response is filed under. A manager's own answers count in their team, so a
    team lines up with the department it usually is; their path ends in their own id, which
    is exactly the path of each of their direct reports, so it singles no one out."""
    return employee.chain_prefix if employee.has_active_reports() else employee.manager_path


@transaction.atomic
def submit_response(
    pulse: Pulse,
    employee: Employee,
    raw: dict[str, Any],
    *,
    language: str = "en",
    today: datetime.date | None = None,
) -> None:
    """Store an anonymous response and flip the respondent's invitation flag, with no link
    between the two. The audit event names no one and carries no answers."""
    pulse = Pulse.objects.select_for_update().get(pk=pulse.pk)
    if pulse.status != Pulse.Status.OPEN:
        raise SurveyError("pulse", "is not open for answers")
    invitation = (
        Invitation.objects.select_for_update().filter(pulse=pulse, employee=employee).first()
    )
    if invitation is None:
        raise SurveyError("pulse", "you are not invited to this pulse")
    if invitation.responded:
        raise SurveyError("pulse", "you have already responded")
    definition = pulse.parsed()
    cleaned = answer_engine.clean(definition, raw)
    day = today or timezone.localdate()
    Response.objects.create(
        pulse=pulse,
        department_path=employee.department.path if employee.department else "",
        manager_path=team_path(employee),
        location_id=employee.location_id,
        tenure=queries.tenure_band(employee.hire_date, day),
        language=language if language in definition.languages else definition.languages[0],
        answers=cleaned,
    )
    invitation.responded = True
    invitation.save(update_fields=["responded"])
    events.record("surveys.response_submitted", actor=None, actor_label=ANONYMOUS, target=pulse)


@transaction.atomic
def release(
    pulse: Pulse, group: GroupFilter, channel: str, *, viewer: User | None
) -> disclosure.Decision:
    """Decide whether a group's results may be shown, and record it in the ledger if so. The
    decision is about the responses the group covers now: a set already released is shown
    again, any other set is checked against every set released before."""
    pulse = Pulse.objects.select_for_update().get(pk=pulse.pk)
    if pulse.status != Pulse.Status.CLOSED:
        return disclosure.Decision(False, "open")
    table = queries.response_table(pulse)
    mask = table.mask(group)
    members = table.ids_of(mask)
    digest = queries.members_digest(members)
    if ReleasedGroup.objects.filter(pulse=pulse, channel=channel, digest=digest).exists():
        return disclosure.RELEASED
    book = queries.ledger(pulse, channel, table)
    decision = book.release(mask)
    if decision.released:
        position = (
            ReleasedGroup.objects.filter(pulse=pulse, channel=channel).aggregate(m=Max("position"))[
                "m"
            ]
            or 0
        ) + 1
        ReleasedGroup.objects.create(
            pulse=pulse,
            channel=channel,
            key=group.key,
            members=members,
            digest=digest,
            position=position,
        )
        events.record(
            "surveys.results_released",
            actor=viewer,
            target=pulse,
            data={"group": group.key, "channel": channel, "respondents": len(members)},
        )
    return decision


# --- suggestion box ---------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def _add_message(
    suggestion: Suggestion, body: str, *, from_poster: bool, author: User | None, label: str
) -> SuggestionMessage:
    """Positions are Max+1: the caller holds the thread's lock (or has just created it), so
    concurrent replies queue instead of colliding on message_position."""
    body = body.strip()
    if not body:
        raise SurveyError("body", "is empty")
    if len(body) > 5000:
        raise SurveyError("body", "is longer than 5000 characters")
    position = (suggestion.messages.aggregate(m=Max("position"))["m"] or 0) + 1
    return SuggestionMessage.objects.create(
        suggestion=suggestion,
        position=position,
        from_poster=from_poster,
        author=author,
        author_label=label,
        body=body,
    )


@transaction.atomic
def post_suggestion(
    organization: Organization, subject: str, body: str, *, addressed_to: Department | None = None
) -> tuple[Suggestion, str]:
    """Post anonymously; returns the thread and its private token (shown once, stored hashed)."""
    subject = subject.strip()
    if not subject:
        raise SurveyError("subject", "is required")
    if len(subject) > 200:
        raise SurveyError("subject", "is longer than 200 characters")
    if addressed_to is not None and addressed_to.organization_id != organization.pk:
        raise SurveyError("addressed_to", "is not a department of your organization")
    token = secrets.token_urlsafe(24)
    suggestion = Suggestion.objects.create(
        organization=organization,
        subject=subject,
        token_hash=token_hash(token),
        addressed_to=addressed_to,
    )
    _add_message(suggestion, body, from_poster=True, author=None, label="The poster")
    events.record("surveys.suggestion_posted", actor=None, actor_label=ANONYMOUS, target=suggestion)
    return suggestion, token


def find_by_token(token: str) -> Suggestion | None:
    if not token or len(token) > 200:
        return None
    return Suggestion.objects.filter(token_hash=token_hash(token)).first()


@transaction.atomic
def poster_reply(suggestion: Suggestion, body: str) -> SuggestionMessage:
    lock(suggestion)
    message = _add_message(suggestion, body, from_poster=True, author=None, label="The poster")
    events.record(
        "surveys.suggestion_followed_up", actor=None, actor_label=ANONYMOUS, target=suggestion
    )
    return message


@transaction.atomic
def staff_reply(
    suggestion: Suggestion,
    *,
    actor: User,
    body: str = "",
    status: str | None = None,
    label: str = "HR",
) -> Suggestion:
    if status is not None and status not in Suggestion.Status.values:
        raise SurveyError("status", f"must be one of {', '.join(Suggestion.Status.values)}")
    lock(suggestion)  # the status compared below, and the position of the reply
    if not body.strip() and status in (None, suggestion.status):
        raise SurveyError("body", "write a reply or change the status")
    if body.strip():
        _add_message(suggestion, body, from_poster=False, author=actor, label=label)
    if status is not None and status != suggestion.status:
        suggestion.status = status
        suggestion.save(update_fields=["status"])
    events.record(
        "surveys.suggestion_answered",
        actor=actor,
        target=suggestion,
        data={"status": suggestion.status, "replied": bool(body.strip())},
    )
    return suggestion
