"""Pages of the feedback app: parse, check the rule, call the action, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from learnloop.accounts.models import current_user
from learnloop.feedback import actions, forms, queries
from learnloop.feedback.actions import InvalidInput
from learnloop.feedback.ics import series_calendar
from learnloop.feedback.models import (
    ActionItem,
    AfterActionReview,
    AgendaItem,
    CheckIn,
    CheckInSeries,
    Feedback,
    FeedbackRequest,
    KeyResult,
    Notification,
    Objective,
    ReviewConversation,
)
from learnloop.people.models import Employee
from learnloop.permissions import Principal, can, principal_for, require

View = Callable[..., HttpResponse]


def member(view: Callable[..., HttpResponse]) -> View:
    """Signed in, and an active employee (every page here is about colleagues)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        principal = principal_for(request.user)
        require(principal, "feedback.use")
        assert principal.employee is not None
        return view(request, principal, principal.employee, *args, **kwargs)

    return wrapped


def _fail(request: HttpRequest, exc: InvalidInput | str) -> None:
    messages.error(request, str(exc))


# Feedback --------------------------------------------------------------------------------------


@require_GET
@member
def index(request: HttpRequest, principal: Principal, me: Employee) -> HttpResponse:
    return render(
        request,
        "feedback/index.html",
        {
            "received": queries.received(me)[:20],
            "given": queries.given(me)[:10],
            "requests": queries.my_requests(me)[:10],
            "asked": queries.asked_of_me(me).filter(request__closed_at__isnull=True)[:20],
            "team": queries.team_feedback(me)[:10],
            "praise": queries.public_praise(me.organization)[:10],
        },
    )


@member
def give(request: HttpRequest, principal: Principal, me: Employee) -> HttpResponse:
    allowed = actions.allowed_visibilities(me.organization)
    initial = {"recipient": request.GET.get("to")} if request.GET.get("to") else None
    form = forms.GiveForm(me, allowed, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        require(principal, "feedback.give_to", data["recipient"])
        try:
            feedback = actions.give_feedback(
                me,
                data["recipient"],
                kind=data["kind"],
                body=data["body"],
                visibility=data["visibility"],
                skill_names=data["skills"],
                objective=data["objective"],
                project=data["project"],
            )
        except InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"Your feedback went to {feedback.recipient}.")
            return redirect("feedback:index")
    return render(request, "feedback/give.html", {"form": form})


@require_GET
@member
def feedback_detail(
    request: HttpRequest, principal: Principal, me: Employee, pk: int
) -> HttpResponse:
    feedback = get_object_or_404(
        Feedback.objects.select_related("giver__user", "recipient__user", "objective"), pk=pk
    )
    require(principal, "feedback.view", feedback)
    return render(
        request,
        "feedback/detail.html",
        {"feedback": feedback, "can_accept": can(principal, "feedback.accept_skills", feedback)},
    )


@require_POST
@member
def accept_skills(
    request: HttpRequest, principal: Principal, me: Employee, pk: int
) -> HttpResponse:
    feedback = get_object_or_404(Feedback, pk=pk)
    require(principal, "feedback.accept_skills", feedback)
    try:
        actions.accept_skills(feedback, by=me)
        messages.success(request, "The skills are now evidence on your profile.")
    except InvalidInput as exc:
        _fail(request, exc)
    return redirect("feedback:detail", pk=pk)


@member
def ask(request: HttpRequest, principal: Principal, me: Employee) -> HttpResponse:
    form = forms.RequestForm(me, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feedback_request = actions.request_feedback(
                me,
                about=data["about"],
                question=data["question"],
                respondents=list(data["respondents"]),
                due_date=data["due_date"],
                anonymous=data["anonymous"],
            )
        except InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Your request went out.")
            return redirect("feedback:request", pk=feedback_request.pk)
    minimum = actions.policy(me.organization).anonymous_min_answers
    return render(request, "feedback/ask.html", {"form": form, "minimum": minimum})


@require_GET
@member
def request_detail(
    request: HttpRequest, principal: Principal, me: Employee, pk: int
) -> HttpResponse:
    feedback_request = get_object_or_404(
        FeedbackRequest.objects.select_related("requester__user"), pk=pk
    )
    require(principal, "feedback.view_request", feedback_request)
    mine = can(principal, "feedback.manage_request", feedback_request)
    context: dict[str, object] = {
        "item": feedback_request,
        "mine": mine,
        "can_answer": can(principal, "feedback.answer_request", feedback_request),
        "minimum": actions.policy(feedback_request.organization).anonymous_min_answers,
        "invite": feedback_request.invites.filter(respondent=me).first(),
    }
    if mine:
        context["progress"] = queries.request_progress(feedback_request)
        if not feedback_request.anonymous:
            context["answers"] = feedback_request.answers.select_related("giver__user")
            context["invites"] = feedback_request.invites.select_related("respondent__user")
    return render(request, "feedback/request.html", context)


@require_POST
@member
def answer(request: HttpRequest, principal: Principal, me: Employee, pk: int) -> HttpResponse:
    feedback_request = get_object_or_404(FeedbackRequest, pk=pk)
    require(principal, "feedback.answer_request", feedback_request)
    body = request.POST.get("body", "")
    try:
        if feedback_request.anonymous:
            raw = request.POST.get("rating", "").strip()
            if raw and not raw.isdigit():
                raise InvalidInput("rating", "must be a whole number from 1 to 5")
            actions.answer_anonymously(
                feedback_request, me, body=body, rating=int(raw) if raw else None
            )
        else:
            actions.give_feedback(
                me,
                feedback_request.requester,
                kind=request.POST.get("kind", Feedback.Kind.CONSTRUCTIVE),
                body=body,
                visibility=request.POST.get("visibility", "private"),
                skill_names=request.POST.get("skills", ""),
                request=feedback_request,
            )
        messages.success(request, "Thank you: your answer is in.")
    except InvalidInput as exc:
        _fail(request, exc)
    return redirect("feedback:request", pk=pk)


@require_POST
@member
def decline(request: HttpRequest, principal: Principal, me: Employee, pk: int) -> HttpResponse:
    feedback_request = get_object_or_404(FeedbackRequest, pk=pk)
    require(principal, "feedback.answer_request", feedback_request)
    actions.decline_request(feedback_request, me)
    messages.success(request, "You declined this request.")
    return redirect("feedback:index")


@require_POST
@member
def close(request: HttpRequest, principal: Principal, me: Employee, pk: int) -> HttpResponse:
    feedback_request = get_object_or_404(FeedbackRequest, pk=pk)
    require(principal, "feedback.manage_request", feedback_request)
    try:
        actions.close_request(feedback_request, by=me)
    except InvalidInput as exc:
        _fail(request, exc)
    return redirect("feedback:request", pk=pk)


# 1:1 check-ins ---------------------------------------------------------------------------------


@member
def checkins(request: HttpRequest, principal: Principal, me: Employee) -> HttpResponse:
    reports = queries.reports_without_series(me)
    form = forms.SeriesForm(reports, request.POST or None)
    if request.method == "POST":
        require(principal, "checkin.start_series", None)
        if form.is_valid():
            report = form.cleaned_data["report"]
            require(principal, "checkin.start_series", report)
            try:
                series = actions.start_series(
                    me,
                    report,
                    first_at=form.cleaned_data["first_at"],
                    cadence=form.cleaned_data["cadence"],
                    duration_minutes=form.cleaned_data["duration_minutes"],
                )
            except InvalidInput as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("feedback:series", pk=series.pk)
    return render(
        request,
        "feedback/checkins.html",
        {"series_list": queries.my_series(me), "form": form if reports.exists() else None},
    )


def _series_context(series: CheckInSeries, me: Employee) -> dict[str, object]:
    meeting = queries.current_meeting(series)
    return {
        "series": series,
        "meeting": meeting,
        "agenda": queries.agenda(meeting),
        "note": queries.private_note(meeting, me),
        "actions": queries.action_items(series),
        "action_form": forms.ActionItemForm(series),
        "past": queries.past_meetings(series)[:12],
        "is_report": me.pk == series.report_id,
    }


@require_GET
@member
def series_detail(
    request: HttpRequest, principal: Principal, me: Employee, pk: int
) -> HttpResponse:
    series = get_object_or_404(
        CheckInSeries.objects.select_related("manager__user", "report__user"), pk=pk
    )
    require(principal, "checkin.view_series", series)
    return render(request, "feedback/series.html", _series_context(series, me))


@require_GET
@member
def series_calendar_file(
    request: HttpRequest, principal: Principal, me: Employee, pk: int
) -> HttpResponse:
    series = get_object_or_404(
        CheckInSeries.objects.select_related("manager__user", "report__user"), pk=pk
    )
    require(principal, "checkin.view_series", series)
    response = HttpResponse(series_calendar(series), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="one-on-one-{series.pk}.ics"'
    return response


def _meeting(principal: Principal, pk: int) -> CheckIn:
    meeting = get_object_or_404(
        CheckIn.objects.select_related("series__manager__user", "series__report__user"), pk=pk
    )
    require(principal, "checkin.take_part", meeting)
    return meeting


def _agenda_partial(request: HttpRequest, meeting: CheckIn, error: str = "") -> HttpResponse:
    return render(
        request,
        "feedback/_agenda.html",
        {"meeting": meeting, "agenda": queries.agenda(meeting), "agenda_error": error},
    )


@require_POST
@member
def add_agenda(request: HttpRequest, principal: Principal, me: Employee, pk: int) -> HttpResponse:
    meeting = _meeting(principal, pk)
    error = ""
    try:
        actions.add_agenda_item(meeting, me, request.POST.get("text", ""))
    except InvalidInput as exc:
        error = str(exc)
    if request.htmx:  # type: ignore[attr-defined]
        return _agenda_partial(request, meeting, error)
    if error:
        _fail(request, error)
    return redirect("feedback:series", pk=meeting.series_id)


@require_POST
@member
def discussed(request: HttpRequest, principal: Principal, me: Employee, pk: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem, pk=pk)
    meeting = _meeting(principal, item.meeting_id)
    actions.mark_discussed(item, me, request.POST.get("discussed") == "1")
    if request.htmx:  # type: ignore[attr-defined]
        return _agenda_partial(request, meeting)
    return redirect("feedback:series", pk=meeting.series_id)


@require_POST
@member
def save_note(request: HttpRequest, principal: Principal, me: Employee, pk: int) -> HttpResponse:
    meeting = _meeting(principal, pk)
    try:
        actions.save_private_note(meeting, me, request.POST.get("body", ""))
        messages.success(request, "Your private note is saved. Only you can read it.")
    except InvalidInput as exc:
        _fail(request, exc)
    return redirect("feedback:series", pk=meeting.series_id)


def _actions_partial(
    request: HttpRequest, series: CheckInSeries, form: forms.ActionItemForm | None = None
) -> HttpResponse:
    return render(
        request,
        "feedback/_actions.html",
        {
            "series": series,
            "meeting": queries.current_meeting(series),
            "actions": queries.action_items(series),
            "action_form": form or forms.ActionItemForm(series),
        },
    )


@require_POST
@member
def add_action(request: HttpRequest, principal: Principal, me: Employee, pk: int) -> HttpResponse:
    meeting = _meeting(principal, pk)
    series = meeting.series
    form = forms.ActionItemForm(series, request.POST)
    if form.is_valid():
        owner = (
            series.report if int(form.cleaned_data["owner"]) == series.report_id else series.manager
        )
        try:
            actions.add_action_item(
                meeting,
                me,
                text=form.cleaned_data["text"],
                owner=owner,
                due_date=form.cleaned_data["due_date"],
            )
            form = forms.ActionItemForm(series)
        except InvalidInput as exc:
            form.add_error(None, str(exc))
    if request.htmx:  # type: ignore[attr-defined]
        return _actions_partial(request, series, form)
    if form.errors:
        _fail(request, forms.first_error(form))
    return redirect("feedback:series", pk=series.pk)


@require_POST
@member
def action_done(request: HttpRequest, principal: Principal, me: Employee, pk: int) -> HttpResponse:
    item = get_object_or_404(ActionItem.objects.select_related("series"), pk=pk)
    _meeting(principal, item.meeting_id)
    actions.complete_action_item(item, me, request.POST.get("done") == "1")
    if request.htmx:  # type: ignore[attr-defined]
        return _actions_partial(request, item.series)
    return redirect("feedback:series", pk=item.series_id)


@require_POST
@member
def mood(request: HttpRequest, principal: Principal, me: Employee, pk: int) -> HttpResponse:
    meeting = _meeting(principal, pk)
    require(principal, "checkin.set_mood", meeting)
    raw = request.POST.get("mood", "")
    try:
        if not raw.isdigit():
            raise InvalidInput("mood", "choose a number from 1 to 5")
        actions.set_mood(meeting, me, int(raw))
    except InvalidInput as exc:
        _fail(request, exc)
    return redirect("feedback:series", pk=meeting.series_id)


@require_POST
@member
def complete(request: HttpRequest, principal: Principal, me: Employee, pk: int) -> HttpResponse:
    meeting = _meeting(principal, pk)
    try:
        following = actions.complete_meeting(meeting, me)
        messages.success(
            request, f"Done. Next 1:1 on {following.starts_at:%A %-d %B}; open points carried over."
        )
    except InvalidInput as exc:
        _fail(request, exc)
    return redirect("feedback:series", pk=meeting.series_id)


# OKRs -----------------------------------------------------------------------------------------


def _creatable_levels(principal: Principal) -> list[str]:
    return [level for level in Objective.Level.values if can(principal, "okr.create", level)]


@require_GET
@member
def okrs(request: HttpRequest, principal: Principal, me: Employee) -> HttpResponse:
    periods = queries.periods(me.organization)
    chosen = request.GET.get("period", "")
    period = (
        get_object_or_404(periods, pk=int(chosen))
        if chosen.isdigit()
        else actions.current_period(me.organization)
    )
    objectives = list(queries.visible_objectives(me, period))
    return render(
        request,
        "feedback/okrs.html",
        {
            "period": period,
            "periods": periods,
            "tree": queries.alignment_tree(objectives),
            "mine": [o for o in objectives if o.owner_id == me.pk],
        },
    )


@member
def new_objective(request: HttpRequest, principal: Principal, me: Employee) -> HttpResponse:
    period = actions.current_period(me.organization)
    periods = queries.periods(me.organization)
    parents = queries.visible_objectives(me, period).exclude(level="individual")
    levels = _creatable_levels(principal)
    form = forms.ObjectiveForm(
        periods,
        parents,
        levels,
        request.POST or None,
        initial={"period": period, "level": "individual"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        require(principal, "okr.create", data["level"])
        try:
            objective = actions.create_objective(
                me,
                period=data["period"],
                level=data["level"],
                title=data["title"],
                description=data["description"],
                parent=data["parent"],
                learning_goal=data["learning_goal"],
                skill_names=data["skills"],
                private=data["private"],
            )
        except InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("feedback:objective", pk=objective.pk)
    return render(request, "feedback/objective_form.html", {"form": form})


def _objective_context(principal: Principal, objective: Objective) -> dict[str, object]:
    key_results = list(objective.key_results.prefetch_related("updates__author__user"))
    return {
        "objective": objective,
        "progress": queries.progress_of(objective),
        "key_results": [
            (kr, queries.key_result_percent(kr.kind, kr.start, kr.target, kr.current))
            for kr in key_results
        ],
        "can_edit": can(principal, "okr.edit", objective),
        "kr_form": forms.KeyResultForm(),
        "update_form": forms.UpdateForm(),
        "children": [
            c
            for c in objective.children.select_related("owner__user")
            if can(principal, "okr.view", c)
        ],
        "parent_visible": objective.parent is not None
        and can(principal, "okr.view", objective.parent),
    }


@require_GET
@member
def objective_detail(
    request: HttpRequest, principal: Principal, me: Employee, pk: int
) -> HttpResponse:
    objective = get_object_or_404(
        Objective.objects.select_related("owner__user", "period", "parent"), pk=pk
    )
    require(principal, "okr.view", objective)
    return render(request, "feedback/objective.html", _objective_context(principal, objective))


@require_POST
@member
def add_key_result(
    request: HttpRequest, principal: Principal, me: Employee, pk: int
) -> HttpResponse:
    objective = get_object_or_404(Objective, pk=pk)
    require(principal, "okr.edit", objective)
    form = forms.KeyResultForm(request.POST)
    if not form.is_valid():
        _fail(request, forms.first_error(form))
    else:
        try:
            actions.add_key_result(objective, by=me, **form.cleaned_data)
        except InvalidInput as exc:
            _fail(request, exc)
    return redirect("feedback:objective", pk=pk)


@require_POST
@member
def update_key_result(
    request: HttpRequest, principal: Principal, me: Employee, pk: int
) -> HttpResponse:
    kr = get_object_or_404(KeyResult.objects.select_related("objective"), pk=pk)
    require(principal, "okr.edit", kr.objective)
    form = forms.UpdateForm(request.POST)
    error = ""
    if not form.is_valid():
        error = forms.first_error(form)
    else:
        try:
            actions.update_key_result(kr, by=me, **form.cleaned_data)
        except InvalidInput as exc:
            error = str(exc)
    if request.htmx:  # type: ignore[attr-defined]
        kr.refresh_from_db()
        return render(
            request,
            "feedback/_key_result.html",
            {
                "kr": kr,
                "percent": queries.key_result_percent(kr.kind, kr.start, kr.target, kr.current),
                "can_edit": True,
                "update_form": forms.UpdateForm(),
                "kr_error": error,
            },
        )
    if error:
        _fail(request, error)
    return redirect("feedback:objective", pk=kr.objective_id)


# After-action reviews -------------------------------------------------------------------------


@require_GET
@member
def reviews(request: HttpRequest, principal: Principal, me: Employee) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    skill = request.GET.get("skill", "").strip()
    lessons = Paginator(queries.search_lessons(me.organization, q, skill), 20).get_page(
        request.GET.get("page")
    )
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "feedback/_lessons.html", {"page": lessons, "q": q, "skill": skill})
    return render(
        request,
        "feedback/reviews.html",
        {"reviews": queries.visible_reviews(me)[:30], "page": lessons, "q": q, "skill": skill},
    )


@member
def new_review(request: HttpRequest, principal: Principal, me: Employee) -> HttpResponse:
    form = forms.ReviewForm(me, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = actions.create_review(
                me,
                title=data["title"],
                kind=data["kind"],
                happened_on=data["happened_on"],
                participants=list(data["participants"]),
            )
        except InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("feedback:review", pk=review.pk)
    return render(request, "feedback/review_form.html", {"form": form})


def _review(principal: Principal, pk: int, action: str) -> AfterActionReview:
    review = get_object_or_404(AfterActionReview.objects.select_related("facilitator__user"), pk=pk)
    require(principal, action, review)
    return review


@require_GET
@member
def review_detail(
    request: HttpRequest, principal: Principal, me: Employee, pk: int
) -> HttpResponse:
    review = _review(principal, pk, "aar.view")
    return render(
        request,
        "feedback/review.html",
        {
            "review": review,
            "participants": review.participants.select_related("user"),
            "contributions": review.contributions.select_related("author__user"),
            "lessons": review.lessons.all(),
            "can_contribute": can(principal, "aar.contribute", review),
            "can_facilitate": can(principal, "aar.facilitate", review),
            "contribution_form": forms.ContributionForm(),
            "summary_form": forms.SummaryForm(
                initial={name: getattr(review, name) for name in actions.SUMMARY_FIELDS}
            ),
            "lesson_form": forms.LessonForm(),
        },
    )


@require_POST
@member
def review_contribute(
    request: HttpRequest, principal: Principal, me: Employee, pk: int
) -> HttpResponse:
    review = _review(principal, pk, "aar.contribute")
    form = forms.ContributionForm(request.POST)
    if not form.is_valid():
        _fail(request, forms.first_error(form))
    else:
        try:
            actions.contribute(review, me, **form.cleaned_data)
        except InvalidInput as exc:
            _fail(request, exc)
    return redirect("feedback:review", pk=pk)


@require_POST
@member
def review_summary(
    request: HttpRequest, principal: Principal, me: Employee, pk: int
) -> HttpResponse:
    review = _review(principal, pk, "aar.facilitate")
    form = forms.SummaryForm(request.POST)
    if form.is_valid():
        actions.write_summary(review, me, **form.cleaned_data)
        messages.success(request, "Summary saved.")
    return redirect("feedback:review", pk=pk)


@require_POST
@member
def review_lesson(
    request: HttpRequest, principal: Principal, me: Employee, pk: int
) -> HttpResponse:
    review = _review(principal, pk, "aar.facilitate")
    form = forms.LessonForm(request.POST)
    if not form.is_valid():
        _fail(request, forms.first_error(form))
    else:
        try:
            actions.add_lesson(
                review, me, text=form.cleaned_data["text"], skill_names=form.cleaned_data["skills"]
            )
        except InvalidInput as exc:
            _fail(request, exc)
    return redirect("feedback:review", pk=pk)


@require_POST
@member
def review_publish(
    request: HttpRequest, principal: Principal, me: Employee, pk: int
) -> HttpResponse:
    review = _review(principal, pk, "aar.facilitate")
    try:
        actions.publish_review(review, me)
        messages.success(request, "Published: its lessons are now searchable by everyone.")
    except InvalidInput as exc:
        _fail(request, exc)
    return redirect("feedback:review", pk=pk)


# Review cycles --------------------------------------------------------------------------------


@member
def conversations(request: HttpRequest, principal: Principal, me: Employee) -> HttpResponse:
    hr = can(principal, "review.manage_cycles", None)
    form = forms.CycleForm(request.POST or None) if hr else None
    if request.method == "POST":
        require(principal, "review.manage_cycles", None)
        assert form is not None
        if form.is_valid():
            try:
                cycle = actions.open_cycle(me.organization, by=me, **form.cleaned_data)
                messages.success(request, f"{cycle.name} is open.")
                return redirect("feedback:conversations")
            except InvalidInput as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(
        request,
        "feedback/conversations.html",
        {
            "conversations": queries.my_conversations(me),
            "status": queries.cycle_status(me.organization) if hr else None,
            "form": form,
        },
    )


@member
def conversation_detail(
    request: HttpRequest, principal: Principal, me: Employee, pk: int
) -> HttpResponse:
    conversation = get_object_or_404(
        ReviewConversation.objects.select_related("cycle", "employee__user", "manager__user"),
        pk=pk,
    )
    require(principal, "review.view_conversation", conversation)
    if request.method == "POST":
        try:
            if "self_reflection" in request.POST:
                require(principal, "review.reflect", conversation)
                actions.write_conversation(
                    conversation, me, self_reflection=request.POST["self_reflection"]
                )
            else:
                require(principal, "review.summarize", conversation)
                actions.write_conversation(
                    conversation,
                    me,
                    manager_summary=request.POST.get("manager_summary", ""),
                    complete=request.POST.get("complete") == "1",
                )
            messages.success(request, "Saved.")
        except InvalidInput as exc:
            _fail(request, exc)
        return redirect("feedback:conversation", pk=pk)
    return render(
        request,
        "feedback/conversation.html",
        {
            "conversation": conversation,
            "record": queries.conversation_record(conversation, me),
            "can_reflect": can(principal, "review.reflect", conversation),
            "can_summarize": can(principal, "review.summarize", conversation),
        },
    )


# Inbox ----------------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    require(request.user, "inbox.read", None)
    page = Paginator(queries.inbox(current_user(request).pk), 30).get_page(request.GET.get("page"))
    return render(request, "feedback/inbox.html", {"page": page})


@login_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    require(request.user, "inbox.read", None)
    notification = None
    if request.POST.get("id", "").isdigit():
        notification = get_object_or_404(Notification, pk=int(request.POST["id"]))
        require(request.user, "inbox.read", notification)
    actions.mark_read(current_user(request), notification)
    if notification is not None and notification.url.startswith("/"):
        return redirect(notification.url)
    return redirect("feedback:inbox")
