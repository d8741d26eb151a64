"""Reads of the feedback app. Each list is already narrowed to what the viewer may see; pages
and the API still check the object rule for single objects."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from learnloop.feedback.actions import policy
from learnloop.feedback.engine import anonymity, okr
from learnloop.feedback.models import (
    ActionItem,
    AfterActionReview,
    AgendaItem,
    CheckIn,
    CheckInSeries,
    Feedback,
    FeedbackInvite,
    FeedbackRequest,
    Lesson,
    Notification,
    Objective,
    Period,
    PrivateNote,
    ReviewConversation,
    ReviewCycle,
)
from learnloop.people.models import Employee, Organization, active_employees


def visible_feedback(viewer: Employee) -> QuerySet[Feedback]:
    """The SQL twin of the ``feedback.view`` rule."""
    return Feedback.objects.filter(organization=viewer.organization_id).filter(
        Q(giver=viewer)
        | Q(recipient=viewer)
        | Q(visibility="manager", recipient__manager=viewer)
        | Q(visibility="public")
    )


def received(viewer: Employee) -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(recipient=viewer)
        .select_related("giver__user", "objective")
        .prefetch_related("skills")
    )


def given(viewer: Employee) -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(giver=viewer)
        .select_related("recipient__user", "objective")
        .prefetch_related("skills")
    )


def team_feedback(manager: Employee) -> QuerySet[Feedback]:
    """What direct reports received and chose to share with their manager (or made public)."""
    return Feedback.objects.filter(
        recipient__manager=manager, visibility__in=["manager", "public"]
    ).select_related("giver__user", "recipient__user")


def public_praise(organization: Organization) -> QuerySet[Feedback]:
    return Feedback.objects.filter(organization=organization, visibility="public").select_related(
        "giver__user", "recipient__user"
    )


def my_requests(viewer: Employee) -> QuerySet[FeedbackRequest]:
    return FeedbackRequest.objects.filter(requester=viewer)


def asked_of_me(viewer: Employee) -> QuerySet[FeedbackInvite]:
    return FeedbackInvite.objects.filter(respondent=viewer).select_related(
        "request__requester__user"
    )


@dataclass(frozen=True)
class RequestProgress:
    """What the person who asked sees: for anonymous requests never who or when."""

    invited: int
    named_answers: int  # named requests only
    release: anonymity.Release | None  # anonymous requests only


def request_progress(request: FeedbackRequest) -> RequestProgress:
    invited = request.invites.count()
    if not request.anonymous:
        return RequestProgress(invited, request.answers.count(), None)
    answers = [
        anonymity.Answer(body, rating)
        for body, rating in request.anonymous_answers.values_list("body", "rating")
    ]
    release = anonymity.release(
        answers,
        minimum=policy(request.organization).anonymous_min_answers,
        closed=request.released,
        key=f"{settings.SECRET_KEY}:{request.pk}".encode(),
    )
    return RequestProgress(invited, 0, release)


# Check-ins -------------------------------------------------------------------------------------


def my_series(viewer: Employee) -> QuerySet[CheckInSeries]:
    return (
        CheckInSeries.objects.filter(Q(manager=viewer) | Q(report=viewer), active=True)
        .select_related("manager__user", "report__user")
        .order_by("report__user__full_name")
    )


def reports_without_series(manager: Employee) -> QuerySet[Employee]:
    taken = CheckInSeries.objects.filter(manager=manager, active=True).values("report_id")
    return (
        active_employees()
        .filter(manager=manager)
        .exclude(pk__in=taken)
        .select_related("user")
        .order_by("user__full_name")
    )


def current_meeting(series: CheckInSeries) -> CheckIn:
    meeting = series.meetings.filter(completed_at__isnull=True).order_by("index").first()
    return meeting or series.meetings.order_by("-index")[0]


def past_meetings(series: CheckInSeries) -> QuerySet[CheckIn]:
    return series.meetings.filter(completed_at__isnull=False).order_by("-index")


def agenda(meeting: CheckIn) -> QuerySet[AgendaItem]:
    return meeting.agenda.select_related("author__user")


def private_note(meeting: CheckIn, author: Employee) -> PrivateNote | None:
    """Only ever the author's own note: no query here reads another person's."""
    return PrivateNote.objects.filter(meeting=meeting, author=author).first()


def action_items(series: CheckInSeries) -> QuerySet[ActionItem]:
    return series.actions.select_related("owner__user")


# OKRs -----------------------------------------------------------------------------------------


def periods(organization: Organization) -> QuerySet[Period]:
    return Period.objects.filter(organization=organization)


def visible_objectives(viewer: Employee, period: Period) -> QuerySet[Objective]:
    return (
        Objective.objects.filter(period=period, organization=viewer.organization_id)
        .filter(
            Q(private=False)
            | Q(owner=viewer)
            | Q(owner__manager_path__startswith=viewer.chain_prefix)
        )
        .select_related("owner__user", "department")
        .prefetch_related("key_results", "skills")
    )


@dataclass
class TreeNode:
    objective: Objective
    progress: float | None
    children: list[TreeNode]

    @property
    def percent(self) -> int | None:
        return None if self.progress is None else round(self.progress * 100)


def _values(objective: Objective) -> tuple[okr.KeyResultValues, ...]:
    return tuple(
        okr.KeyResultValues(kr.kind, kr.start, kr.target, kr.current)
        for kr in objective.key_results.all()
    )


def alignment_tree(objectives: list[Objective]) -> list[TreeNode]:
    """Roots first; an objective whose parent the viewer cannot see becomes a root."""
    progress = okr.roll_up(okr.ObjectiveNode(o.pk, o.parent_id, _values(o)) for o in objectives)
    nodes = {o.pk: TreeNode(o, progress[o.pk], []) for o in objectives}
    roots = []
    order = {"company": 0, "department": 1, "team": 2, "individual": 3}
    for o in sorted(objectives, key=lambda o: (order[o.level], o.title)):
        if o.parent_id in nodes:
            nodes[o.parent_id].children.append(nodes[o.pk])
        else:
            roots.append(nodes[o.pk])
    return roots


def progress_of(objective: Objective) -> float | None:
    family = list(
        Objective.objects.filter(period=objective.period_id).prefetch_related("key_results")
    )
    return okr.roll_up(okr.ObjectiveNode(o.pk, o.parent_id, _values(o)) for o in family).get(
        objective.pk
    )


def key_result_percent(kind: str, start: float, target: float, current: float) -> int:
    return round(okr.key_result_progress(okr.KeyResultValues(kind, start, target, current)) * 100)


# After-action reviews -------------------------------------------------------------------------


def visible_reviews(viewer: Employee) -> QuerySet[AfterActionReview]:
    return (
        AfterActionReview.objects.filter(organization=viewer.organization_id)
        .filter(Q(published_at__isnull=False) | Q(participants=viewer) | Q(facilitator=viewer))
        .distinct()
        .select_related("facilitator__user")
    )


def search_lessons(organization: Organization, text: str = "", skill: str = "") -> QuerySet[Lesson]:
    """Lessons of published reviews, organization-wide."""
    lessons = (
        Lesson.objects.filter(review__organization=organization, review__published_at__isnull=False)
        .select_related("review")
        .prefetch_related("skills")
    )
    for word in text.split()[:8]:
        lessons = lessons.filter(Q(text__icontains=word) | Q(review__title__icontains=word))
    if skill.strip():
        lessons = lessons.filter(skills__label__icontains=skill.strip()).distinct()
    return lessons.order_by("-review__happened_on", "id")


# Review cycles --------------------------------------------------------------------------------


def my_conversations(viewer: Employee) -> QuerySet[ReviewConversation]:
    return (
        ReviewConversation.objects.filter(Q(employee=viewer) | Q(manager=viewer))
        .select_related("cycle", "employee__user", "manager__user")
        .order_by("-cycle__end", "employee__user__full_name")
    )


@dataclass(frozen=True)
class ConversationRecord:
    feedback: list[Feedback]
    objectives: list[Objective]
    learning_goals: list[Objective]
    accepted_skills: list[str]


def conversation_record(conversation: ReviewConversation, viewer: Employee) -> ConversationRecord:
    """The period's feedback, goals and learning, as much as the viewer may see of them."""
    start = datetime.datetime.combine(conversation.cycle.start, datetime.time.min)
    end = datetime.datetime.combine(
        conversation.cycle.end + datetime.timedelta(days=1), datetime.time.min
    )
    feedback = list(
        visible_feedback(viewer)
        .filter(
            recipient=conversation.employee,
            created_at__gte=timezone.make_aware(start),
            created_at__lt=timezone.make_aware(end),
        )
        .select_related("giver__user")
    )
    goals = list(
        Objective.objects.filter(
            owner=conversation.employee,
            period__start__lte=conversation.cycle.end,
            period__end__gte=conversation.cycle.start,
        )
        .filter(
            Q(private=False)
            | Q(owner=viewer)
            | Q(owner__manager_path__startswith=viewer.chain_prefix)
        )
        .prefetch_related("key_results")
    )
    accepted = sorted({label for f in feedback if f.skills_accepted_at for label in f.skill_labels})
    return ConversationRecord(
        feedback=feedback,
        objectives=[g for g in goals if not g.learning_goal],
        learning_goals=[g for g in goals if g.learning_goal],
        accepted_skills=accepted,
    )


@dataclass(frozen=True)
class CycleStatus:
    cycle: ReviewCycle
    conversations: int
    reflected: int
    completed: int


def cycle_status(organization: Organization) -> list[CycleStatus]:
    """HR's view: counts only, never the words."""
    result = []
    for cycle in ReviewCycle.objects.filter(organization=organization):
        rows = cycle.conversations.all()
        result.append(
            CycleStatus(
                cycle,
                rows.count(),
                rows.exclude(self_reflection="").count(),
                rows.filter(completed_at__isnull=False).count(),
            )
        )
    return result


def inbox(user_id: int) -> QuerySet[Notification]:
    return Notification.objects.filter(user_id=user_id)


def unread_count(user_id: int) -> int:
    return Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()
