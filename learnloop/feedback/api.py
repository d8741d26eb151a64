"""REST routes of the feedback app: thin over the same rules, actions and queries as the pages.

Mounted by ``learnloop/api/root.py``. Anonymous answers never appear one by one: the person who
asked gets the released aggregate, and nothing reports who answered or when.
"""

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from pydantic import Field

from learnloop.api.errors import ApiError
from learnloop.feedback import actions, queries
from learnloop.feedback.actions import InvalidInput
from learnloop.feedback.models import (
    AfterActionReview,
    CheckIn,
    CheckInSeries,
    Feedback,
    FeedbackRequest,
    KeyResult,
    Notification,
    Objective,
    Period,
    ReviewConversation,
)
from learnloop.people.models import Employee, active_employees
from learnloop.permissions import Principal, can, principal_for, require

router = Router(tags=["feedback"])


@contextmanager
def _invalid_as_400() -> Iterator[None]:
    try:
        yield
    except InvalidInput as exc:
        raise ApiError(
            400, "invalid", str(exc), [{"field": exc.field, "message": exc.message}]
        ) from None


def _me(request: HttpRequest) -> tuple[Principal, Employee]:
    principal = principal_for(request.user)
    require(principal, "feedback.use")
    assert principal.employee is not None
    return principal, principal.employee


def _colleague(me: Employee, pk: int, field: str) -> Employee:
    found = (
        active_employees().filter(organization=me.organization_id, pk=pk).select_related("user")
    ).first()
    if found is None:
        raise ApiError(
            400,
            "invalid",
            f"{field}: no active colleague with id {pk}",
            [{"field": field, "message": f"no active colleague with id {pk}"}],
        )
    return found


# Feedback --------------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    name: str


def _person(employee: Employee) -> PersonOut:
    return PersonOut(id=employee.pk, name=employee.name)


class FeedbackOut(Schema):
    id: int
    giver: PersonOut
    recipient: PersonOut
    kind: str
    body: str
    visibility: str
    upward: bool
    skills: list[str]
    objective_id: int | None
    project: str
    request_id: int | None
    created_at: datetime.datetime
    skills_accepted_at: datetime.datetime | None


def _feedback(f: Feedback) -> FeedbackOut:
    return FeedbackOut(
        id=f.pk,
        giver=_person(f.giver),
        recipient=_person(f.recipient),
        kind=f.kind,
        body=f.body,
        visibility=f.visibility,
        upward=f.upward,
        skills=f.skill_labels,
        objective_id=f.objective_id,
        project=f.project,
        request_id=f.request_id,
        created_at=f.created_at,
        skills_accepted_at=f.skills_accepted_at,
    )


class GiveIn(Schema):
    recipient_id: int
    kind: Literal["praise", "constructive"]
    body: str = Field(min_length=1, max_length=5000)
    visibility: Literal["private", "manager", "public"] = "private"
    skills: list[str] = []
    objective_id: int | None = None
    project: str = ""


@router.get("/feedback/received", response=list[FeedbackOut], summary="Feedback you received")
def feedback_received(request: HttpRequest) -> list[FeedbackOut]:
    _, me = _me(request)
    return [_feedback(f) for f in queries.received(me).select_related("recipient__user")[:200]]


@router.get("/feedback/given", response=list[FeedbackOut], summary="Feedback you gave")
def feedback_given(request: HttpRequest) -> list[FeedbackOut]:
    _, me = _me(request)
    return [_feedback(f) for f in queries.given(me).select_related("giver__user")[:200]]


@router.post("/feedback", response={201: FeedbackOut}, summary="Give feedback to a colleague")
def feedback_give(request: HttpRequest, payload: GiveIn) -> Status[FeedbackOut]:
    principal, me = _me(request)
    recipient = _colleague(me, payload.recipient_id, "recipient_id")
    require(principal, "feedback.give_to", recipient)
    objective = None
    if payload.objective_id is not None:
        objective = get_object_or_404(Objective, pk=payload.objective_id)
        require(principal, "okr.view", objective)
    with _invalid_as_400():
        feedback = actions.give_feedback(
            me,
            recipient,
            kind=payload.kind,
            body=payload.body,
            visibility=payload.visibility,
            skill_names=payload.skills,
            objective=objective,
            project=payload.project,
        )
    return Status(201, _feedback(feedback))


@router.get("/feedback/{feedback_id}", response=FeedbackOut, summary="One piece of feedback")
def feedback_get(request: HttpRequest, feedback_id: int) -> FeedbackOut:
    feedback = get_object_or_404(
        Feedback.objects.select_related("giver__user", "recipient__user"), pk=feedback_id
    )
    require(request.user, "feedback.view", feedback)
    return _feedback(feedback)


@router.post(
    "/feedback/{feedback_id}/accept-skills",
    response=FeedbackOut,
    summary="Accept the skills named in feedback as evidence on your profile",
)
def feedback_accept_skills(request: HttpRequest, feedback_id: int) -> FeedbackOut:
    _, me = _me(request)
    feedback = get_object_or_404(
        Feedback.objects.select_related("giver__user", "recipient__user"), pk=feedback_id
    )
    require(request.user, "feedback.accept_skills", feedback)
    with _invalid_as_400():
        actions.accept_skills(feedback, by=me)
    return _feedback(feedback)


class FeedbackRequestIn(Schema):
    about: str = Field(min_length=1, max_length=300)
    question: str = ""
    respondent_ids: list[int] = Field(min_length=1, max_length=50)
    due_date: datetime.date
    anonymous: bool = False


class ReleaseOut(Schema):
    shown: bool
    count: int | None
    answers: list[str]
    ratings: dict[str, int]
    average: float | None


class RequestOut(Schema):
    id: int
    requester: PersonOut
    about: str
    question: str
    due_date: datetime.date
    anonymous: bool
    open: bool
    invited: int | None = None
    named_answers: int | None = None
    anonymous_release: ReleaseOut | None = None
    you_may_answer: bool = False


def _request(principal: Principal, item: FeedbackRequest) -> RequestOut:
    out = RequestOut(
        id=item.pk,
        requester=_person(item.requester),
        about=item.about,
        question=item.question,
        due_date=item.due_date,
        anonymous=item.anonymous,
        open=item.is_open,
        you_may_answer=can(principal, "feedback.answer_request", item),
    )
    if can(principal, "feedback.manage_request", item):
        progress = queries.request_progress(item)
        out.invited = progress.invited
        if progress.release is None:
            out.named_answers = progress.named_answers
        else:
            release = progress.release
            out.anonymous_release = ReleaseOut(
                shown=release.shown,
                count=release.count if release.shown else None,
                answers=list(release.bodies),
                ratings={str(value): n for value, n in release.ratings},
                average=release.average,
            )
    return out


@router.get(
    "/feedback-requests", response=list[RequestOut], summary="Your requests and those asked of you"
)
def feedback_requests(request: HttpRequest) -> list[RequestOut]:
    principal, me = _me(request)
    mine = list(queries.my_requests(me).select_related("requester__user")[:100])
    asked = [
        invite.request for invite in queries.asked_of_me(me).filter(request__closed_at__isnull=True)
    ]
    return [_request(principal, item) for item in [*mine, *asked]]


@router.post(
    "/feedback-requests", response={201: RequestOut}, summary="Ask colleagues for feedback"
)
def feedback_request_create(request: HttpRequest, payload: FeedbackRequestIn) -> Status[RequestOut]:
    principal, me = _me(request)
    respondents = [_colleague(me, pk, "respondent_ids") for pk in payload.respondent_ids]
    with _invalid_as_400():
        item = actions.request_feedback(
            me,
            about=payload.about,
            question=payload.question,
            respondents=respondents,
            due_date=payload.due_date,
            anonymous=payload.anonymous,
        )
    return Status(201, _request(principal, item))


@router.get("/feedback-requests/{request_id}", response=RequestOut, summary="One request")
def feedback_request_get(request: HttpRequest, request_id: int) -> RequestOut:
    principal = principal_for(request.user)
    item = get_object_or_404(
        FeedbackRequest.objects.select_related("requester__user"), pk=request_id
    )
    require(principal, "feedback.view_request", item)
    return _request(principal, item)


class FeedbackAnswerIn(Schema):
    body: str = Field(min_length=1, max_length=5000)
    rating: int | None = Field(default=None, ge=1, le=5)
    kind: Literal["praise", "constructive"] = "constructive"
    visibility: Literal["private", "manager"] = "private"
    skills: list[str] = []


class Done(Schema):
    ok: bool


@router.post(
    "/feedback-requests/{request_id}/answer",
    response=Done,
    summary="Answer a request (anonymously when the request is anonymous)",
)
def feedback_request_answer(
    request: HttpRequest, request_id: int, payload: FeedbackAnswerIn
) -> Done:
    principal, me = _me(request)
    item = get_object_or_404(FeedbackRequest.objects.select_related("requester"), pk=request_id)
    require(principal, "feedback.answer_request", item)
    with _invalid_as_400():
        if item.anonymous:
            actions.answer_anonymously(item, me, body=payload.body, rating=payload.rating)
        else:
            actions.give_feedback(
                me,
                item.requester,
                kind=payload.kind,
                body=payload.body,
                visibility=payload.visibility,
                skill_names=payload.skills,
                request=item,
            )
    return Done(ok=True)


@router.post(
    "/feedback-requests/{request_id}/close",
    response=RequestOut,
    summary="Close a request; anonymous answers are released if enough came in",
)
def feedback_request_close(request: HttpRequest, request_id: int) -> RequestOut:
    principal, me = _me(request)
    item = get_object_or_404(
        FeedbackRequest.objects.select_related("requester__user"), pk=request_id
    )
    require(principal, "feedback.manage_request", item)
    with _invalid_as_400():
        item = actions.close_request(item, by=me)
    return _request(principal, item)


# 1:1 check-ins ---------------------------------------------------------------------------------


class SeriesIn(Schema):
    report_id: int
    first_at: datetime.datetime
    cadence: Literal["weekly", "biweekly", "monthly"] = "weekly"
    duration_minutes: int = Field(default=30, ge=5, le=240)


class AgendaOut(Schema):
    id: int
    text: str
    author: PersonOut
    discussed: bool
    carried_over: bool


class ActionOut(Schema):
    id: int
    text: str
    owner: PersonOut
    due_date: datetime.date | None
    done: bool


class MeetingOut(Schema):
    id: int
    starts_at: datetime.datetime
    completed: bool
    mood: int | None
    agenda: list[AgendaOut]
    my_private_note: str | None


class SeriesOut(Schema):
    id: int
    manager: PersonOut
    report: PersonOut
    cadence: str
    duration_minutes: int
    calendar_url: str
    current: MeetingOut | None = None
    action_items: list[ActionOut] = []


def _meeting_out(meeting: CheckIn, me: Employee) -> MeetingOut:
    note = queries.private_note(meeting, me)
    return MeetingOut(
        id=meeting.pk,
        starts_at=meeting.starts_at,
        completed=meeting.completed_at is not None,
        mood=meeting.mood,
        agenda=[
            AgendaOut(
                id=item.pk,
                text=item.text,
                author=_person(item.author),
                discussed=item.discussed,
                carried_over=item.carried_from_id is not None,
            )
            for item in queries.agenda(meeting)
        ],
        my_private_note=note.body if note else None,
    )


def _series_out(series: CheckInSeries, me: Employee | None = None) -> SeriesOut:
    out = SeriesOut(
        id=series.pk,
        manager=_person(series.manager),
        report=_person(series.report),
        cadence=series.cadence,
        duration_minutes=series.duration_minutes,
        calendar_url=f"/feedback/checkins/{series.pk}/calendar.ics",
    )
    if me is not None:
        out.current = _meeting_out(queries.current_meeting(series), me)
        out.action_items = [
            ActionOut(
                id=a.pk,
                text=a.text,
                owner=_person(a.owner),
                due_date=a.due_date,
                done=a.done_at is not None,
            )
            for a in queries.action_items(series)
        ]
    return out


@router.get("/checkins", response=list[SeriesOut], summary="Your 1:1 series")
def checkin_list(request: HttpRequest) -> list[SeriesOut]:
    _, me = _me(request)
    return [_series_out(s) for s in queries.my_series(me)]


@router.post(
    "/checkins", response={201: SeriesOut}, summary="Start a 1:1 series with a direct report"
)
def checkin_start(request: HttpRequest, payload: SeriesIn) -> Status[SeriesOut]:
    principal, me = _me(request)
    report = _colleague(me, payload.report_id, "report_id")
    require(principal, "checkin.start_series", report)
    with _invalid_as_400():
        series = actions.start_series(
            me,
            report,
            first_at=payload.first_at,
            cadence=payload.cadence,
            duration_minutes=payload.duration_minutes,
        )
    return Status(201, _series_out(series, me))


def _series(principal: Principal, pk: int) -> CheckInSeries:
    series = get_object_or_404(
        CheckInSeries.objects.select_related("manager__user", "report__user"), pk=pk
    )
    require(principal, "checkin.view_series", series)
    return series


@router.get(
    "/checkins/{series_id}",
    response=SeriesOut,
    summary="A 1:1: the current meeting, your private note, action items",
)
def checkin_get(request: HttpRequest, series_id: int) -> SeriesOut:
    principal, me = _me(request)
    return _series_out(_series(principal, series_id), me)


def _meeting(principal: Principal, pk: int) -> CheckIn:
    meeting = get_object_or_404(
        CheckIn.objects.select_related("series__manager__user", "series__report__user"), pk=pk
    )
    require(principal, "checkin.take_part", meeting)
    return meeting


class AgendaItemIn(Schema):
    text: str = Field(min_length=1, max_length=500)


class NoteIn(Schema):
    body: str = Field(max_length=10000)


class ActionIn(Schema):
    text: str = Field(min_length=1, max_length=500)
    owner_id: int
    due_date: datetime.date | None = None


class MoodIn(Schema):
    mood: int = Field(ge=1, le=5)


def _on_meeting(
    request: HttpRequest, meeting_id: int, do: Callable[[CheckIn, Employee], Any]
) -> SeriesOut:
    principal, me = _me(request)
    meeting = _meeting(principal, meeting_id)
    with _invalid_as_400():
        do(meeting, me)
    return _series_out(meeting.series, me)


@router.post(
    "/checkins/meetings/{meeting_id}/agenda", response=SeriesOut, summary="Add a talking point"
)
def checkin_add_agenda(request: HttpRequest, meeting_id: int, payload: AgendaItemIn) -> SeriesOut:
    return _on_meeting(
        request, meeting_id, lambda m, me: actions.add_agenda_item(m, me, payload.text)
    )


@router.put(
    "/checkins/meetings/{meeting_id}/note",
    response=SeriesOut,
    summary="Save your private note (readable by you only)",
)
def checkin_save_note(request: HttpRequest, meeting_id: int, payload: NoteIn) -> SeriesOut:
    return _on_meeting(
        request, meeting_id, lambda m, me: actions.save_private_note(m, me, payload.body)
    )


@router.post(
    "/checkins/meetings/{meeting_id}/actions", response=SeriesOut, summary="Add an action item"
)
def checkin_add_action(request: HttpRequest, meeting_id: int, payload: ActionIn) -> SeriesOut:
    def do(meeting: CheckIn, me: Employee) -> None:
        series = meeting.series
        owners = {series.manager_id: series.manager, series.report_id: series.report}
        if payload.owner_id not in owners:
            raise InvalidInput("owner_id", "must be one of the two people in the 1:1")
        actions.add_action_item(
            meeting,
            me,
            text=payload.text,
            owner=owners[payload.owner_id],
            due_date=payload.due_date,
        )

    return _on_meeting(request, meeting_id, do)


@router.post(
    "/checkins/meetings/{meeting_id}/mood", response=SeriesOut, summary="The report's mood, 1 to 5"
)
def checkin_set_mood(request: HttpRequest, meeting_id: int, payload: MoodIn) -> SeriesOut:
    principal = principal_for(request.user)
    meeting = _meeting(principal, meeting_id)
    require(principal, "checkin.set_mood", meeting)
    return _on_meeting(request, meeting_id, lambda m, me: actions.set_mood(m, me, payload.mood))


@router.post(
    "/checkins/meetings/{meeting_id}/complete",
    response=SeriesOut,
    summary="Complete a meeting; open talking points carry over",
)
def checkin_complete(request: HttpRequest, meeting_id: int) -> SeriesOut:
    return _on_meeting(request, meeting_id, lambda m, me: actions.complete_meeting(m, me))


# OKRs -----------------------------------------------------------------------------------------


class PeriodOut(Schema):
    id: int
    name: str
    start: datetime.date
    end: datetime.date


class KeyResultOut(Schema):
    id: int
    title: str
    kind: str
    start: float
    target: float
    current: float
    unit: str
    progress: int


class ObjectiveOut(Schema):
    id: int
    title: str
    level: str
    owner: PersonOut
    parent_id: int | None
    learning_goal: bool
    skills: list[str]
    private: bool
    progress: int | None
    key_results: list[KeyResultOut]
    children: list["ObjectiveOut"] = []


def _objective_out(node: queries.TreeNode) -> ObjectiveOut:
    o = node.objective
    return ObjectiveOut(
        id=o.pk,
        title=o.title,
        level=o.level,
        owner=_person(o.owner),
        parent_id=o.parent_id,
        learning_goal=o.learning_goal,
        skills=o.skill_labels,
        private=o.private,
        progress=node.percent,
        key_results=[
            KeyResultOut(
                id=kr.pk,
                title=kr.title,
                kind=kr.kind,
                start=kr.start,
                target=kr.target,
                current=kr.current,
                unit=kr.unit,
                progress=queries.key_result_percent(kr.kind, kr.start, kr.target, kr.current),
            )
            for kr in o.key_results.all()
        ],
        children=[_objective_out(child) for child in node.children],
    )


@router.get("/okrs/periods", response=list[PeriodOut], summary="OKR periods (quarters)")
def okr_periods(request: HttpRequest) -> list[Period]:
    _, me = _me(request)
    actions.current_period(me.organization)
    return list(queries.periods(me.organization))


@router.get(
    "/okrs",
    response=list[ObjectiveOut],
    summary="The alignment tree of a period, with progress rolled up",
)
def okr_tree(request: HttpRequest, period_id: int | None = None) -> list[ObjectiveOut]:
    _, me = _me(request)
    if period_id is None:
        period = actions.current_period(me.organization)
    else:
        period = get_object_or_404(Period, pk=period_id, organization=me.organization_id)
    objectives = list(queries.visible_objectives(me, period))
    return [_objective_out(root) for root in queries.alignment_tree(objectives)]


class ObjectiveIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    description: str = ""
    level: Literal["company", "department", "team", "individual"] = "individual"
    period_id: int | None = None
    parent_id: int | None = None
    learning_goal: bool = False
    skills: list[str] = []
    private: bool = False


@router.post("/okrs", response={201: ObjectiveOut}, summary="Create an objective you own")
def okr_create(request: HttpRequest, payload: ObjectiveIn) -> Status[ObjectiveOut]:
    principal, me = _me(request)
    require(principal, "okr.create", payload.level)
    period = (
        get_object_or_404(Period, pk=payload.period_id, organization=me.organization_id)
        if payload.period_id
        else actions.current_period(me.organization)
    )
    parent = None
    if payload.parent_id is not None:
        parent = get_object_or_404(Objective, pk=payload.parent_id)
        require(principal, "okr.view", parent)
    with _invalid_as_400():
        objective = actions.create_objective(
            me,
            period=period,
            level=payload.level,
            title=payload.title,
            description=payload.description,
            parent=parent,
            learning_goal=payload.learning_goal,
            skill_names=payload.skills,
            private=payload.private,
        )
    return Status(201, _objective_out(queries.TreeNode(objective, None, [])))


class KeyResultIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    kind: Literal["binary", "numeric", "percentage"] = "numeric"
    start: float = 0
    target: float = 1
    unit: str = ""


@router.post(
    "/okrs/{objective_id}/key-results", response={201: KeyResultOut}, summary="Add a key result"
)
def okr_add_key_result(
    request: HttpRequest, objective_id: int, payload: KeyResultIn
) -> Status[KeyResultOut]:
    principal, me = _me(request)
    objective = get_object_or_404(Objective, pk=objective_id)
    require(principal, "okr.edit", objective)
    with _invalid_as_400():
        kr = actions.add_key_result(objective, by=me, **payload.model_dump())
    return Status(201, _kr_out(kr))


def _kr_out(kr: KeyResult) -> KeyResultOut:
    return KeyResultOut(
        id=kr.pk,
        title=kr.title,
        kind=kr.kind,
        start=kr.start,
        target=kr.target,
        current=kr.current,
        unit=kr.unit,
        progress=queries.key_result_percent(kr.kind, kr.start, kr.target, kr.current),
    )


class UpdateIn(Schema):
    value: float
    confidence: int = Field(ge=1, le=10)
    note: str = ""


@router.post(
    "/okrs/key-results/{key_result_id}/updates",
    response=KeyResultOut,
    summary="This week's update: value and confidence",
)
def okr_update_key_result(
    request: HttpRequest, key_result_id: int, payload: UpdateIn
) -> KeyResultOut:
    principal, me = _me(request)
    kr = get_object_or_404(KeyResult.objects.select_related("objective"), pk=key_result_id)
    require(principal, "okr.edit", kr.objective)
    with _invalid_as_400():
        actions.update_key_result(kr, by=me, **payload.model_dump())
    return _kr_out(kr)


# After-action reviews -------------------------------------------------------------------------


class LessonOut(Schema):
    text: str
    skills: list[str]
    review_id: int
    review_title: str


class ReviewOut(Schema):
    id: int
    title: str
    kind: str
    happened_on: datetime.date
    facilitator: PersonOut
    published: bool
    expected: str
    happened: str
    why: str
    keep: str
    change: str
    lessons: list[LessonOut] = []
    contributions: list[dict[str, str]] = []


def _review_out(review: AfterActionReview, full: bool = False) -> ReviewOut:
    out = ReviewOut(
        id=review.pk,
        title=review.title,
        kind=review.kind,
        happened_on=review.happened_on,
        facilitator=_person(review.facilitator),
        published=review.published_at is not None,
        expected=review.expected,
        happened=review.happened,
        why=review.why,
        keep=review.keep,
        change=review.change,
    )
    if full:
        out.lessons = [
            LessonOut(
                text=lesson.text,
                skills=lesson.skill_labels,
                review_id=review.pk,
                review_title=review.title,
            )
            for lesson in review.lessons.all()
        ]
        out.contributions = [
            {"section": c.section, "text": c.text, "author": c.author.name}
            for c in review.contributions.select_related("author__user")
        ]
    return out


@router.get("/reviews", response=list[ReviewOut], summary="After-action reviews you may read")
def review_list(request: HttpRequest) -> list[ReviewOut]:
    _, me = _me(request)
    return [_review_out(r) for r in queries.visible_reviews(me)[:200]]


class ReviewIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    kind: Literal["project", "incident"]
    happened_on: datetime.date
    participant_ids: list[int] = []


@router.post("/reviews", response={201: ReviewOut}, summary="Start an after-action review")
def review_create(request: HttpRequest, payload: ReviewIn) -> Status[ReviewOut]:
    _, me = _me(request)
    people = [_colleague(me, pk, "participant_ids") for pk in payload.participant_ids]
    with _invalid_as_400():
        review = actions.create_review(
            me,
            title=payload.title,
            kind=payload.kind,
            happened_on=payload.happened_on,
            participants=people,
        )
    return Status(201, _review_out(review, full=True))


@router.get("/reviews/{review_id}", response=ReviewOut, summary="One after-action review")
def review_get(request: HttpRequest, review_id: int) -> ReviewOut:
    review = get_object_or_404(
        AfterActionReview.objects.select_related("facilitator__user"), pk=review_id
    )
    require(request.user, "aar.view", review)
    return _review_out(review, full=True)


class ContributionIn(Schema):
    section: Literal["expected", "happened", "why", "keep", "change"]
    text: str = Field(min_length=1, max_length=5000)


@router.post(
    "/reviews/{review_id}/contributions",
    response={201: ReviewOut},
    summary="Contribute to a review",
)
def review_contribute(
    request: HttpRequest, review_id: int, payload: ContributionIn
) -> Status[ReviewOut]:
    principal, me = _me(request)
    review = get_object_or_404(
        AfterActionReview.objects.select_related("facilitator__user"), pk=review_id
    )
    require(principal, "aar.contribute", review)
    with _invalid_as_400():
        actions.contribute(review, me, section=payload.section, text=payload.text)
    return Status(201, _review_out(review, full=True))


@router.get(
    "/lessons",
    response=list[LessonOut],
    summary="Search lessons of published reviews, organization-wide",
)
def lesson_search(request: HttpRequest, q: str = "", skill: str = "") -> list[LessonOut]:
    _, me = _me(request)
    return [
        LessonOut(
            text=lesson.text,
            skills=lesson.skill_labels,
            review_id=lesson.review_id,
            review_title=lesson.review.title,
        )
        for lesson in queries.search_lessons(me.organization, q, skill)[:200]
    ]


# Review conversations -------------------------------------------------------------------------


class ConversationOut(Schema):
    id: int
    cycle: str
    start: datetime.date
    end: datetime.date
    employee: PersonOut
    manager: PersonOut
    self_reflection: str
    manager_summary: str
    completed: bool
    feedback: list[FeedbackOut] = []
    objective_ids: list[int] = []
    learning_goal_ids: list[int] = []


def _conversation_out(c: ReviewConversation, viewer: Employee | None = None) -> ConversationOut:
    out = ConversationOut(
        id=c.pk,
        cycle=c.cycle.name,
        start=c.cycle.start,
        end=c.cycle.end,
        employee=_person(c.employee),
        manager=_person(c.manager),
        self_reflection=c.self_reflection,
        manager_summary=c.manager_summary,
        completed=c.completed_at is not None,
    )
    if viewer is not None:
        record = queries.conversation_record(c, viewer)
        out.feedback = [_feedback(f) for f in record.feedback]
        out.objective_ids = [o.pk for o in record.objectives]
        out.learning_goal_ids = [o.pk for o in record.learning_goals]
    return out


@router.get(
    "/conversations",
    response=list[ConversationOut],
    summary="Your review conversations and your reports'",
)
def conversation_list(request: HttpRequest) -> list[ConversationOut]:
    _, me = _me(request)
    return [_conversation_out(c) for c in queries.my_conversations(me)]


def _conversation(principal: Principal, pk: int) -> ReviewConversation:
    conversation = get_object_or_404(
        ReviewConversation.objects.select_related("cycle", "employee__user", "manager__user"), pk=pk
    )
    require(principal, "review.view_conversation", conversation)
    return conversation


@router.get(
    "/conversations/{conversation_id}",
    response=ConversationOut,
    summary="One conversation record with the period's feedback and goals",
)
def conversation_get(request: HttpRequest, conversation_id: int) -> ConversationOut:
    principal, me = _me(request)
    return _conversation_out(_conversation(principal, conversation_id), me)


class ConversationIn(Schema):
    self_reflection: str | None = Field(default=None, max_length=10000)
    manager_summary: str | None = Field(default=None, max_length=10000)
    complete: bool = False


@router.patch(
    "/conversations/{conversation_id}", response=ConversationOut, summary="Write your part"
)
def conversation_write(
    request: HttpRequest, conversation_id: int, payload: ConversationIn
) -> ConversationOut:
    principal, me = _me(request)
    conversation = _conversation(principal, conversation_id)
    if payload.self_reflection is not None:
        require(principal, "review.reflect", conversation)
    if payload.manager_summary is not None or payload.complete:
        require(principal, "review.summarize", conversation)
    with _invalid_as_400():
        actions.write_conversation(
            conversation,
            me,
            self_reflection=payload.self_reflection,
            manager_summary=payload.manager_summary,
            complete=payload.complete,
        )
    return _conversation_out(conversation, me)


# Inbox ----------------------------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    title: str
    url: str
    created_at: datetime.datetime
    read: bool


@router.get("/inbox", response=list[NotificationOut], summary="Your notifications, newest first")
def inbox_list(request: HttpRequest) -> list[NotificationOut]:
    require(request.user, "inbox.read", None)
    return [
        NotificationOut(
            id=n.pk, title=n.title, url=n.url, created_at=n.created_at, read=n.read_at is not None
        )
        for n in queries.inbox(request.user.pk or 0)[:200]
    ]


class ReadIn(Schema):
    id: int | None = None


@router.post("/inbox/read", response=Done, summary="Mark one notification (or all) as read")
def inbox_mark_read(request: HttpRequest, payload: ReadIn) -> Done:
    require(request.user, "inbox.read", None)
    notification = None
    if payload.id is not None:
        notification = get_object_or_404(Notification, pk=payload.id)
        require(request.user, "inbox.read", notification)
    principal = principal_for(request.user)
    assert principal.user is not None
    actions.mark_read(principal.user, notification)
    return Done(ok=True)
