"""Every write of the feedback app: one atomic use case per function, each recording its audit
event. Callers have checked permissions; these functions check the invariants and raise
:class:`InvalidInput` naming the field and the reason."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from learnloop.accounts.models import User
from learnloop.audit import events
from learnloop.feedback import skill_link
from learnloop.feedback.engine.okr import would_cycle
from learnloop.feedback.models import (
    ActionItem,
    AfterActionReview,
    AgendaItem,
    AnonymousAnswer,
    CheckIn,
    CheckInSeries,
    Contribution,
    Feedback,
    FeedbackInvite,
    FeedbackPolicy,
    FeedbackRequest,
    KeyResult,
    KeyResultUpdate,
    Lesson,
    Notification,
    Objective,
    Period,
    PrivateNote,
    ReviewConversation,
    ReviewCycle,
    Visibility,
)
from learnloop.locking import advisory_lock, lock, unique_or
from learnloop.people.models import Department, Employee, Organization, active_employees
from learnloop.skills.models import Skill

logger = logging.getLogger(__name__)


class InvalidInput(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def _text(field: str, value: str, *, limit: int | None = None, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(field, "may not be empty")
    if limit is not None and len(value) > limit:
        raise InvalidInput(field, f"is {len(value)} characters long; at most {limit} are allowed")
    return value


def _skills(field: str, organization: Organization, raw: str | list[str] | None) -> list[Skill]:
    try:
        return skill_link.resolve(organization, raw)
    except skill_link.SkillNameError as exc:
        raise InvalidInput(field, str(exc)) from None


def policy(organization: Organization) -> FeedbackPolicy:
    found = FeedbackPolicy.objects.filter(organization=organization).first()
    return found or FeedbackPolicy(organization=organization)


def allowed_visibilities(organization: Organization) -> list[str]:
    rules = policy(organization)
    allowed = [Visibility.PRIVATE.value]
    if rules.allow_manager_visibility:
        allowed.append(Visibility.MANAGER.value)
    if rules.allow_public_praise:
        allowed.append(Visibility.PUBLIC.value)
    return allowed


# Notifications ---------------------------------------------------------------------------------


def notify(users: Iterable[User], title: str, url: str = "") -> list[Notification]:
    """An inbox entry for each user and an e-mail sent once the transaction commits."""
    rows = Notification.objects.bulk_create(
        [Notification(user=user, title=title[:300], url=url) for user in users if user.is_active]
    )
    recipients = [row.user.email for row in rows]
    if recipients:
        link = f"{settings.BASE_URL}{url}" if url else settings.BASE_URL
        body = f"{title}\n\n{link}\n"

        def send() -> None:
            # After commit: a mail server outage must not undo or fail the write.
            for address in recipients:
                try:
                    send_mail(title[:200], body, None, [address])
                except Exception:
                    logger.exception("could not e-mail a notification to %s", address)

        transaction.on_commit(send)
    return rows


@transaction.atomic
def mark_read(user: User, notification: Notification | None = None) -> int:
    """Mark one notification, or all of the user's, as read."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    count = unread.update(read_at=timezone.now())
    events.record("feedback.inbox_read", actor=user, data={"count": count})
    return count


# Feedback --------------------------------------------------------------------------------------


@transaction.atomic
def give_feedback(
    giver: Employee,
    recipient: Employee,
    *,
    kind: str,
    body: str,
    visibility: str = Visibility.PRIVATE,
    skill_names: str | list[str] | None = None,
    objective: Objective | None = None,
    project: str = "",
    request: FeedbackRequest | None = None,
) -> Feedback:
    if recipient.organization_id != giver.organization_id or not recipient.is_active:
        raise InvalidInput("recipient", "is not an active member of your organization")
    if recipient.pk == giver.pk:
        raise InvalidInput("recipient", "feedback goes to someone else")
    if kind not in Feedback.Kind.values:
        raise InvalidInput("kind", f"must be one of {', '.join(Feedback.Kind.values)}")
    if visibility not in allowed_visibilities(giver.organization):
        raise InvalidInput("visibility", "is not allowed by your organization")
    if visibility == Visibility.PUBLIC and kind != Feedback.Kind.PRAISE:
        raise InvalidInput("visibility", "only praise can be public")
    if objective is not None and objective.organization_id != giver.organization_id:
        raise InvalidInput("objective", "belongs to another organization")
    if request is not None:
        if request.anonymous:
            raise InvalidInput("request", "anonymous requests take anonymous answers")
        if request.requester_id != recipient.pk:
            raise InvalidInput("recipient", "answers go to the person who asked")
        invite = _open_invite(request, giver)
    skills = _skills("skills", giver.organization, skill_names)
    if request is not None:
        invite.answered = True
        invite.save(update_fields=["answered"])
    feedback = Feedback.objects.create(
        organization=giver.organization,
        giver=giver,
        recipient=recipient,
        kind=kind,
        body=_text("body", body, limit=5000),
        visibility=visibility,
        upward=giver.manager_id == recipient.pk,
        objective=objective,
        project=_text("project", project, limit=200, required=False),
        request=request,
    )
    feedback.skills.set(skills)
    events.record(
        "feedback.given",
        actor=giver.user,
        target=feedback,
        data={"kind": kind, "visibility": visibility, "upward": feedback.upward},
    )
    notify([recipient.user], f"{giver} gave you feedback", f"/feedback/given/{feedback.pk}/")
    return feedback


@transaction.atomic
def accept_skills(feedback: Feedback, *, by: Employee) -> Feedback:
    """The recipient accepts the skills named in feedback as evidence on their profile."""
    if feedback.recipient_id != by.pk:
        raise InvalidInput("feedback", "only the recipient can accept its skills")
    lock(feedback)  # a second, concurrent acceptance waits, then finds it accepted
    if feedback.skills_accepted_at is not None:
        raise InvalidInput("feedback", "its skills were accepted already")
    if not feedback.skills.exists():
        raise InvalidInput("feedback", "names no skills")
    feedback.skills_accepted_at = timezone.now()
    feedback.save(update_fields=["skills_accepted_at"])
    try:
        claims = skill_link.add_feedback_evidence(feedback)
    except skill_link.SkillNameError as exc:
        raise InvalidInput("skills", str(exc)) from None
    events.record(
        "feedback.skills_accepted",
        actor=by.user,
        target=feedback,
        data={"skills": [c.skill.label for c in claims], "claims": [c.pk for c in claims]},
    )
    return feedback


def _open_invite(request: FeedbackRequest, respondent: Employee) -> FeedbackInvite:
    # The request's lock orders answers against close_request, which counts them: no answer
    # lands after the count (an anonymous answer then would stay unreleased, or unseen).
    lock(request)
    if not request.is_open:
        raise InvalidInput("request", "is closed")
    invite = (
        FeedbackInvite.objects.select_for_update()
        .filter(request=request, respondent=respondent)
        .first()
    )
    if invite is None:
        raise InvalidInput("request", "you were not asked")
    if invite.answered or invite.declined:
        raise InvalidInput("request", "you have already responded")
    return invite


@transaction.atomic
def request_feedback(
    requester: Employee,
    *,
    about: str,
    respondents: list[Employee],
    due_date: datetime.date,
    question: str = "",
    anonymous: bool = False,
) -> FeedbackRequest:
    today = timezone.localdate()
    if due_date <= today:
        raise InvalidInput("due_date", "must be after today")
    if due_date > today + datetime.timedelta(days=120):
        raise InvalidInput("due_date", "must be within 120 days")
    chosen = {r.pk: r for r in respondents}
    if requester.pk in chosen:
        raise InvalidInput("respondents", "you cannot ask yourself")
    for person in chosen.values():
        if person.organization_id != requester.organization_id or not person.is_active:
            raise InvalidInput("respondents", f"{person} is not an active colleague")
    minimum = policy(requester.organization).anonymous_min_answers
    if not chosen:
        raise InvalidInput("respondents", "choose at least one colleague")
    if anonymous and len(chosen) < minimum:
        raise InvalidInput(
            "respondents",
            f"anonymous answers are shown only when at least {minimum} people answer: "
            f"ask at least {minimum}",
        )
    request = FeedbackRequest.objects.create(
        organization=requester.organization,
        requester=requester,
        about=_text("about", about, limit=300),
        question=_text("question", question, limit=2000, required=False),
        due_date=due_date,
        anonymous=anonymous,
    )
    FeedbackInvite.objects.bulk_create(
        [FeedbackInvite(request=request, respondent=person) for person in chosen.values()]
    )
    events.record(
        "feedback.requested",
        actor=requester.user,
        target=request,
        data={"respondents": len(chosen), "anonymous": anonymous},
    )
    notify(
        [person.user for person in chosen.values()],
        f"{requester} asks for your feedback: {request.about}",
        f"/feedback/requests/{request.pk}/",
    )
    return request


@transaction.atomic
def answer_anonymously(
    request: FeedbackRequest, respondent: Employee, *, body: str, rating: int | None = None
) -> None:
    """Store an answer that cannot be traced back: no author, no time, a random key.

    Deliberately no audit event now: its timestamp, next to the respondent's other recorded
    actions, would tell HR who answered. :func:`close_request` records the answers, counted,
    when the request closes.
    """
    if not request.anonymous:
        raise InvalidInput("request", "this request takes named feedback")
    if rating is not None and not 1 <= rating <= 5:
        raise InvalidInput("rating", "must be between 1 and 5")
    invite = _open_invite(request, respondent)
    invite.answered = True
    invite.save(update_fields=["answered"])
    AnonymousAnswer.objects.create(
        request=request, body=_text("body", body, limit=5000), rating=rating
    )


@transaction.atomic
def decline_request(request: FeedbackRequest, respondent: Employee) -> None:
    invite = _open_invite(request, respondent)
    invite.declined = True
    invite.save(update_fields=["declined"])
    # For anonymous requests who declined, and when, is as private as who answered: it is
    # counted when the request closes.
    if not request.anonymous:
        events.record("feedback.request_declined", actor=respondent.user, target=request)


@transaction.atomic
def close_request(request: FeedbackRequest, *, by: Employee | None = None) -> FeedbackRequest:
    """Stop taking answers; anonymous answers are released now if enough came in."""
    request = FeedbackRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise InvalidInput("request", "is closed already")
    request.closed_at = timezone.now()
    if request.anonymous:
        enough = policy(request.organization).anonymous_min_answers
        request.released = request.anonymous_answers.count() >= enough
    request.save(update_fields=["closed_at", "released"])
    events.record(
        "feedback.request_closed",
        actor=by.user if by else None,
        actor_label=None if by else "worker",
        target=request,
        data=_anonymous_tally(request) if request.anonymous else {},
    )
    if request.anonymous:
        title = (
            f"Anonymous answers about “{request.about}” are ready"
            if request.released
            else f"Too few answered “{request.about}”: the answers stay hidden"
        )
        notify([request.requester.user], title, f"/feedback/requests/{request.pk}/")
    return request


def _anonymous_tally(request: FeedbackRequest) -> dict[str, object]:
    return {
        "released": request.released,
        "answers": request.anonymous_answers.count(),
        "declined": request.invites.filter(declined=True).count(),
    }


def close_overdue_requests(today: datetime.date | None = None) -> int:
    day = today or timezone.localdate()
    overdue = list(FeedbackRequest.objects.filter(closed_at__isnull=True, due_date__lt=day))
    for request in overdue:
        close_request(request)
    return len(overdue)


@transaction.atomic
def remind_respondents(today: datetime.date | None = None, *, days_before: int = 2) -> int:
    """Remind once everyone who has not responded to a request due within ``days_before``."""
    day = today or timezone.localdate()
    invites = list(
        FeedbackInvite.objects.filter(
            request__closed_at__isnull=True,
            request__due_date__gte=day,
            request__due_date__lte=day + datetime.timedelta(days=days_before),
            answered=False,
            declined=False,
            reminded_on__isnull=True,
        )
        # Locked: a concurrent run waits, then skips the invites this one reminded.
        .select_for_update(of=("self",))
        .select_related("request__requester__user", "respondent__user")
    )
    for invite in invites:
        invite.reminded_on = day
        notify(
            [invite.respondent.user],
            f"Reminder: {invite.request.requester} would like your feedback by "
            f"{invite.request.due_date:%-d %B}",
            f"/feedback/requests/{invite.request_id}/",
        )
    FeedbackInvite.objects.bulk_update(invites, ["reminded_on"])
    events.record("feedback.reminders_sent", actor_label="worker", data={"reminders": len(invites)})
    return len(invites)


# 1:1 check-ins ---------------------------------------------------------------------------------


@transaction.atomic
def start_series(
    manager: Employee,
    report: Employee,
    *,
    first_at: datetime.datetime,
    cadence: str = CheckInSeries.Cadence.WEEKLY,
    duration_minutes: int = 30,
) -> CheckInSeries:
    if report.manager_id != manager.pk:
        raise InvalidInput("report", f"{report} does not report to you directly")
    if cadence not in CheckInSeries.Cadence.values:
        raise InvalidInput("cadence", f"must be one of {', '.join(CheckInSeries.Cadence.values)}")
    if not 5 <= duration_minutes <= 240:
        raise InvalidInput("duration_minutes", "must be between 5 and 240")
    if timezone.is_naive(first_at):
        raise InvalidInput("first_at", "needs a time zone")
    already = InvalidInput("report", f"you already have a 1:1 series with {report}")
    if CheckInSeries.objects.filter(manager=manager, report=report, active=True).exists():
        raise already
    with unique_or("checkin_series_one_active_per_pair", already):
        series = CheckInSeries.objects.create(
            organization=manager.organization,
            manager=manager,
            report=report,
            cadence=cadence,
            first_at=first_at,
            duration_minutes=duration_minutes,
            timezone=manager.timezone,
        )
    CheckIn.objects.create(series=series, index=0, starts_at=first_at)
    events.record("checkin.series_started", actor=manager.user, target=series)
    notify([report.user], f"{manager} set up a 1:1 with you", f"/feedback/checkins/{series.pk}/")
    return series


@transaction.atomic
def add_agenda_item(meeting: CheckIn, author: Employee, text: str) -> AgendaItem:
    lock(meeting)  # complete_meeting holds it while it carries the open points over
    if meeting.completed_at is not None:
        raise InvalidInput("meeting", "is over; add it to the next one")
    item = AgendaItem.objects.create(
        meeting=meeting, author=author, text=_text("text", text, limit=500)
    )
    events.record("checkin.agenda_item_added", actor=author.user, target=meeting)
    return item


@transaction.atomic
def mark_discussed(item: AgendaItem, by: Employee, discussed: bool = True) -> AgendaItem:
    item.discussed = discussed
    item.save(update_fields=["discussed"])
    events.record(
        "checkin.agenda_item_discussed",
        actor=by.user,
        target=item.meeting,
        data={"discussed": discussed},
    )
    return item


@transaction.atomic
def save_private_note(meeting: CheckIn, author: Employee, body: str) -> PrivateNote:
    note, _ = PrivateNote.objects.update_or_create(
        meeting=meeting,
        author=author,
        defaults={
            "body": _text("body", body, limit=10000, required=False),
            "updated_at": timezone.now(),
        },
    )
    # The note's text stays out of the trail; only that the author wrote one.
    events.record("checkin.private_note_saved", actor=author.user, target=meeting)
    return note


@transaction.atomic
def add_action_item(
    meeting: CheckIn,
    by: Employee,
    *,
    text: str,
    owner: Employee,
    due_date: datetime.date | None = None,
) -> ActionItem:
    if not meeting.series.is_party(owner):
        raise InvalidInput("owner", "must be one of the two people in the 1:1")
    if due_date is not None and due_date < meeting.starts_at.date():
        raise InvalidInput("due_date", "is before the meeting")
    item = ActionItem.objects.create(
        series=meeting.series,
        meeting=meeting,
        text=_text("text", text, limit=500),
        owner=owner,
        due_date=due_date,
    )
    events.record("checkin.action_item_added", actor=by.user, target=meeting)
    if owner.pk != by.pk:
        notify(
            [owner.user],
            f"{by} gave you an action item: {item.text}",
            f"/feedback/checkins/{meeting.series_id}/",
        )
    return item


@transaction.atomic
def complete_action_item(item: ActionItem, by: Employee, done: bool = True) -> ActionItem:
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done_at"])
    events.record(
        "checkin.action_item_done", actor=by.user, target=item.meeting, data={"done": done}
    )
    return item


@transaction.atomic
def set_mood(meeting: CheckIn, by: Employee, mood: int) -> CheckIn:
    if by.pk != meeting.series.report_id:
        raise InvalidInput("mood", "is the report's to give")
    if not 1 <= mood <= 5:
        raise InvalidInput("mood", "must be between 1 and 5")
    meeting.mood = mood
    meeting.save(update_fields=["mood"])
    events.record("checkin.mood_set", actor=by.user, target=meeting)
    return meeting


def _next_meeting(series: CheckInSeries, after: CheckIn) -> CheckIn:
    following = series.meetings.filter(index__gt=after.index).order_by("index").first()
    if following is not None:
        return following
    return CheckIn.objects.create(
        series=series, index=after.index + 1, starts_at=series.occurrence(after.index + 1)
    )


@transaction.atomic
def complete_meeting(meeting: CheckIn, by: Employee) -> CheckIn:
    """Close a meeting; undiscussed talking points carry over to the next one."""
    meeting = CheckIn.objects.select_for_update().select_related("series").get(pk=meeting.pk)
    if meeting.completed_at is not None:
        raise InvalidInput("meeting", "is already completed")
    meeting.completed_at = timezone.now()
    meeting.save(update_fields=["completed_at"])
    following = _next_meeting(meeting.series, meeting)
    open_points = list(meeting.agenda.filter(discussed=False))
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(meeting=following, author_id=p.author_id, text=p.text, carried_from=p)
            for p in open_points
        ]
    )
    events.record(
        "checkin.completed",
        actor=by.user,
        target=meeting,
        data={"carried_over": len(open_points), "next": following.starts_at.isoformat()},
    )
    return following


@transaction.atomic
def remind_upcoming_checkins(now: datetime.datetime | None = None) -> int:
    """Tell both people about a 1:1 in the next 24 hours, once."""
    moment = now or timezone.now()
    due = list(
        CheckIn.objects.filter(
            series__active=True,
            completed_at__isnull=True,
            reminded=False,
            starts_at__gte=moment,
            starts_at__lt=moment + datetime.timedelta(hours=24),
        )
        .select_for_update(of=("self",))  # as in remind_respondents
        .select_related("series__manager__user", "series__report__user")
    )
    for meeting in due:
        series = meeting.series
        meeting.reminded = True
        url = f"/feedback/checkins/{series.pk}/"
        notify([series.manager.user], f"1:1 with {series.report} coming up: add to the agenda", url)
        notify([series.report.user], f"1:1 with {series.manager} coming up: add to the agenda", url)
    CheckIn.objects.bulk_update(due, ["reminded"])
    events.record("checkin.reminders_sent", actor_label="worker", data={"meetings": len(due)})
    return len(due)


# OKRs -----------------------------------------------------------------------------------------


def quarter(day: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    q = (day.month - 1) // 3
    start = datetime.date(day.year, q * 3 + 1, 1)
    end = (
        datetime.date(day.year + 1, 1, 1) if q == 3 else datetime.date(day.year, q * 3 + 4, 1)
    ) - datetime.timedelta(days=1)
    return f"{day.year} Q{q + 1}", start, end


@transaction.atomic
def create_period(
    organization: Organization,
    *,
    name: str,
    start: datetime.date,
    end: datetime.date,
    by: Employee | None = None,
    actor_label: str | None = None,
) -> Period:
    if end <= start:
        raise InvalidInput("end", "must be after the start")
    name = _text("name", name, limit=40)
    exists = InvalidInput("name", f"a period named {name!r} exists already")
    if Period.objects.filter(organization=organization, name=name).exists():
        raise exists
    with unique_or("period_unique_name", exists):
        period = Period.objects.create(organization=organization, name=name, start=start, end=end)
    events.record(
        "okr.period_created",
        actor=by.user if by else None,
        actor_label=actor_label,
        target=period,
    )
    return period


@transaction.atomic
def current_period(organization: Organization) -> Period:
    """The period containing today, created as the calendar quarter when missing."""
    # First visits of a new quarter race to create it: the first creates, the others find it.
    advisory_lock("feedback.current_period", organization.pk)
    today = timezone.localdate()
    found = Period.objects.filter(organization=organization, start__lte=today, end__gte=today)
    if found.exists():
        return found.order_by("-start")[0]
    name, start, end = quarter(today)
    return create_period(organization, name=name, start=start, end=end, actor_label="system")


def _check_parent(objective_pk: int | None, parent: Objective | None, period: Period) -> None:
    if parent is None:
        return
    if parent.organization_id != period.organization_id:
        raise InvalidInput("parent", "belongs to another organization")
    if parent.period_id != period.pk:
        raise InvalidInput("parent", "is in another period")
    if objective_pk is not None:
        parents = dict(Objective.objects.filter(period=period).values_list("pk", "parent_id"))
        if would_cycle(objective_pk, parent.pk, parents):
            raise InvalidInput("parent", "would make the alignment go in a circle")


@transaction.atomic
def create_objective(
    owner: Employee,
    *,
    period: Period,
    level: str,
    title: str,
    description: str = "",
    parent: Objective | None = None,
    department: Department | None = None,
    learning_goal: bool = False,
    skill_names: str | list[str] | None = None,
    private: bool = False,
    by: Employee | None = None,
) -> Objective:
    if level not in Objective.Level.values:
        raise InvalidInput("level", f"must be one of {', '.join(Objective.Level.values)}")
    if period.organization_id != owner.organization_id:
        raise InvalidInput("period", "belongs to another organization")
    if private and level != Objective.Level.INDIVIDUAL:
        raise InvalidInput("private", "only individual objectives can be private")
    skills = _skills("skills", owner.organization, skill_names)
    if learning_goal and not skills:
        raise InvalidInput("skills", "a learning goal names the skills it grows")
    _check_parent(None, parent, period)
    objective = Objective.objects.create(
        organization=owner.organization,
        period=period,
        level=level,
        title=_text("title", title, limit=300),
        description=_text("description", description, limit=5000, required=False),
        owner=owner,
        department=department or (owner.department if level in ("department", "team") else None),
        parent=parent,
        learning_goal=learning_goal,
        private=private,
    )
    objective.skills.set(skills)
    events.record(
        "okr.objective_created",
        actor=(by or owner).user,
        target=objective,
        data={"level": level, "learning_goal": learning_goal},
    )
    return objective


@transaction.atomic
def align(objective: Objective, parent: Objective | None, *, by: Employee) -> Objective:
    if parent is not None and parent.pk == objective.pk:
        raise InvalidInput("parent", "an objective cannot align to itself")
    # The cycle check reads the period's whole alignment: two realignments at once (A under
    # B, B under A) would each pass it and make a circle, so they queue per period.
    advisory_lock("feedback.alignment", objective.period_id)
    _check_parent(objective.pk, parent, objective.period)
    objective.parent = parent
    objective.save(update_fields=["parent"])
    events.record(
        "okr.objective_aligned",
        actor=by.user,
        target=objective,
        data={"parent": parent.pk if parent else None},
    )
    return objective


@transaction.atomic
def add_key_result(
    objective: Objective,
    *,
    by: Employee,
    title: str,
    kind: str = KeyResult.Kind.NUMERIC,
    start: float = 0,
    target: float = 1,
    unit: str = "",
) -> KeyResult:
    if kind not in KeyResult.Kind.values:
        raise InvalidInput("kind", f"must be one of {', '.join(KeyResult.Kind.values)}")
    if kind == KeyResult.Kind.BINARY:
        start, target = 0, 1
    if kind == KeyResult.Kind.PERCENTAGE and not (0 <= start <= 100 and 0 <= target <= 100):
        raise InvalidInput("target", "percentages lie between 0 and 100")
    if start == target:
        raise InvalidInput("target", "must differ from the start")
    kr = KeyResult.objects.create(
        objective=objective,
        title=_text("title", title, limit=300),
        kind=kind,
        start=start,
        target=target,
        current=start,
        unit=_text("unit", unit, limit=30, required=False),
    )
    events.record("okr.key_result_added", actor=by.user, target=kr, data={"kind": kind})
    return kr


def week_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@transaction.atomic
def update_key_result(
    kr: KeyResult,
    *,
    by: Employee,
    value: float,
    confidence: int,
    note: str = "",
    on: datetime.date | None = None,
) -> KeyResultUpdate:
    """The weekly update: a second one in the same week replaces the first."""
    if not 1 <= confidence <= 10:
        raise InvalidInput("confidence", "must be between 1 and 10")
    if kr.kind == KeyResult.Kind.BINARY and value not in (0, 1):
        raise InvalidInput("value", "is 1 (done) or 0 (not yet) for a done-or-not key result")
    if kr.kind == KeyResult.Kind.PERCENTAGE and not 0 <= value <= 100:
        raise InvalidInput("value", "percentages lie between 0 and 100")
    week = week_of(on or timezone.localdate())
    lock(kr)  # current is the latest week's value: concurrent updates must see each other
    update, _ = KeyResultUpdate.objects.update_or_create(
        key_result=kr,
        week=week,
        defaults={
            "author": by,
            "value": value,
            "confidence": confidence,
            "note": _text("note", note, limit=2000, required=False),
            "created_at": timezone.now(),
        },
    )
    latest = kr.updates.order_by("-week").first()
    kr.current = latest.value if latest else value
    kr.save(update_fields=["current"])
    events.record(
        "okr.key_result_updated",
        actor=by.user,
        target=kr,
        data={"value": value, "confidence": confidence, "week": week.isoformat()},
    )
    return update


# After-action reviews -------------------------------------------------------------------------


@transaction.atomic
def create_review(
    facilitator: Employee,
    *,
    title: str,
    kind: str,
    happened_on: datetime.date,
    participants: list[Employee],
) -> AfterActionReview:
    if kind not in AfterActionReview.Kind.values:
        raise InvalidInput("kind", f"must be one of {', '.join(AfterActionReview.Kind.values)}")
    if happened_on > timezone.localdate():
        raise InvalidInput("happened_on", "a review looks back: the date is in the future")
    for person in participants:
        if person.organization_id != facilitator.organization_id:
            raise InvalidInput("participants", f"{person} is not in your organization")
    review = AfterActionReview.objects.create(
        organization=facilitator.organization,
        title=_text("title", title, limit=300),
        kind=kind,
        happened_on=happened_on,
        facilitator=facilitator,
    )
    review.participants.set({p.pk for p in participants} | {facilitator.pk})
    events.record("aar.created", actor=facilitator.user, target=review, data={"kind": kind})
    others = [p.user for p in participants if p.pk != facilitator.pk]
    notify(
        others,
        f"{facilitator} invites you to review “{review.title}”",
        f"/feedback/reviews/{review.pk}/",
    )
    return review


@transaction.atomic
def contribute(
    review: AfterActionReview, author: Employee, *, section: str, text: str
) -> Contribution:
    if section not in Contribution.Section.values:
        raise InvalidInput("section", f"must be one of {', '.join(Contribution.Section.values)}")
    lock(review)  # publish_review holds it: nothing is added to a published review
    if review.published_at is not None:
        raise InvalidInput("review", "is published; contributions are closed")
    contribution = Contribution.objects.create(
        review=review, author=author, section=section, text=_text("text", text, limit=5000)
    )
    events.record("aar.contributed", actor=author.user, target=review, data={"section": section})
    return contribution


SUMMARY_FIELDS = ("expected", "happened", "why", "keep", "change")


@transaction.atomic
def write_summary(review: AfterActionReview, by: Employee, **sections: str) -> AfterActionReview:
    unknown = set(sections) - set(SUMMARY_FIELDS)
    if unknown:
        raise InvalidInput(sorted(unknown)[0], "is not a section of a review")
    for name, value in sections.items():
        setattr(review, name, _text(name, value, limit=10000, required=False))
    review.save(update_fields=list(sections))
    events.record(
        "aar.summary_written", actor=by.user, target=review, data={"sections": sorted(sections)}
    )
    return review


@transaction.atomic
def add_lesson(
    review: AfterActionReview, by: Employee, *, text: str, skill_names: str | list[str] | None
) -> Lesson:
    skills = _skills("skills", review.organization, skill_names)
    lesson = Lesson.objects.create(review=review, text=_text("text", text, limit=2000))
    lesson.skills.set(skills)
    events.record("aar.lesson_added", actor=by.user, target=review)
    return lesson


@transaction.atomic
def publish_review(review: AfterActionReview, by: Employee) -> AfterActionReview:
    lock(review)
    if review.published_at is not None:
        raise InvalidInput("review", "is published already")
    if not (review.happened.strip() and review.why.strip()):
        raise InvalidInput("happened", "write what happened and why before publishing")
    if not review.lessons.exists():
        raise InvalidInput("lessons", "record at least one lesson before publishing")
    review.published_at = timezone.now()
    review.save(update_fields=["published_at"])
    events.record("aar.published", actor=by.user, target=review)
    return review


# Review cycles --------------------------------------------------------------------------------


@transaction.atomic
def open_cycle(
    organization: Organization,
    *,
    name: str,
    start: datetime.date,
    end: datetime.date,
    by: Employee | None = None,
    actor_label: str | None = None,
) -> ReviewCycle:
    """A conversation record for every active person with a manager."""
    if end <= start:
        raise InvalidInput("end", "must be after the start")
    cycle = ReviewCycle.objects.create(
        organization=organization,
        name=_text("name", name, limit=120),
        start=start,
        end=end,
        created_by=by,
    )
    people = list(
        active_employees()
        .filter(organization=organization, manager__isnull=False)
        .select_related("user", "manager__user")
    )
    ReviewConversation.objects.bulk_create(
        [ReviewConversation(cycle=cycle, employee=p, manager=p.manager) for p in people],
        batch_size=2000,
    )
    events.record(
        "review.cycle_opened",
        actor=by.user if by else None,
        actor_label=actor_label,
        target=cycle,
        data={"conversations": len(people)},
    )
    notify(
        [p.user for p in people],
        f"{cycle.name}: write your self-reflection",
        "/feedback/conversations/",
    )
    return cycle


@transaction.atomic
def write_conversation(
    conversation: ReviewConversation,
    by: Employee,
    *,
    self_reflection: str | None = None,
    manager_summary: str | None = None,
    complete: bool = False,
) -> ReviewConversation:
    lock(conversation)  # nothing is written into a conversation completed meanwhile
    if conversation.completed_at is not None:
        raise InvalidInput("conversation", "is completed")
    fields: list[str] = []
    if self_reflection is not None:
        if by.pk != conversation.employee_id:
            raise InvalidInput("self_reflection", "is written by the person themselves")
        conversation.self_reflection = _text(
            "self_reflection", self_reflection, limit=10000, required=False
        )
        fields.append("self_reflection")
    if manager_summary is not None:
        if by.pk != conversation.manager_id:
            raise InvalidInput("manager_summary", "is written by the manager")
        conversation.manager_summary = _text(
            "manager_summary", manager_summary, limit=10000, required=False
        )
        fields.append("manager_summary")
    if complete:
        if by.pk != conversation.manager_id:
            raise InvalidInput("complete", "the manager completes the conversation")
        if not conversation.manager_summary.strip():
            raise InvalidInput("manager_summary", "write the summary before completing")
        conversation.completed_at = timezone.now()
        fields.append("completed_at")
    if fields:
        conversation.save(update_fields=fields)
    events.record(
        "review.conversation_written", actor=by.user, target=conversation, data={"fields": fields}
    )
    return conversation
