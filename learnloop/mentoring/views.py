"""Pages of the mentoring app: parse, check the rule, call the action, render."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from learnloop.accounts.models import current_user
from learnloop.mentoring import actions, queries
from learnloop.mentoring.actions import InvalidInput
from learnloop.mentoring.engine.scoring import COMPONENTS, LABELS, Weights
from learnloop.mentoring.models import (
    Cadence,
    Draft,
    Format,
    Goal,
    MentoringPreference,
    Program,
    ProgramKind,
    Relationship,
    Role,
    Session,
)
from learnloop.mentoring.questionnaire import QUESTIONS
from learnloop.people.models import Department, Employee
from learnloop.permissions import Principal, can, principal_for, require
from learnloop.skills.models import EmployeeSkill, Skill

View = Callable[..., HttpResponse]
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PARTS = {"morning": (9, 12), "afternoon": (13, 17), "evening": (18, 21)}
PAIRS_PER_PAGE = 50


def signed_in(view: Callable[..., HttpResponse]) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        principal = principal_for(request.user)
        require(principal, "mentoring.use")
        return view(request, principal, *args, **kwargs)

    return wrapped


def _me(principal: Principal) -> Employee:
    if principal.employee is None:
        raise PermissionDenied("this page is for employees")
    return principal.employee


def _fail(request: HttpRequest, exc: InvalidInput) -> None:
    messages.error(request, str(exc))


def _org_program(principal: Principal, pk: int, action: str = "mentoring.view_program") -> Program:
    program = get_object_or_404(Program.objects.select_related("organization", "audience"), pk=pk)
    require(principal, action, program)
    return program


# -- home and programs --------------------------------------------------------------------


@require_GET
@signed_in
def home(request: HttpRequest, principal: Principal) -> HttpResponse:
    org = principal.organization
    me = principal.employee
    mine = list(queries.my_relationships(me)[:20]) if me is not None else []
    return render(
        request,
        "mentoring/home.html",
        {
            "programs": queries.programs(org) if org is not None else [],
            "mine": mine,
            "can_create": can(principal, "mentoring.create_program"),
            "is_manager": principal.has_role("manager"),
        },
    )


def _program_data(request: HttpRequest) -> dict[str, Any]:
    post = request.POST
    data: dict[str, Any] = {
        field: post.get(field, "")
        for field in (
            "name",
            "kind",
            "description",
            "goals",
            "starts_on",
            "ends_on",
            "cadence",
            "default_capacity",
            "max_capacity",
            "minimum_score",
            "audience",
        )
        if field in post
    }
    data["avoid_previous_pairs"] = post.get("avoid_previous_pairs") == "on"
    data["self_match"] = post.get("self_match") == "on"
    data["weights"] = {
        name: post.get(f"weight_{name}")
        for name in (*COMPONENTS, "preferred_gap", "gap_tolerance")
        if post.get(f"weight_{name}", "") != ""
    }
    if post.get("status"):
        data["status"] = post["status"]
    return data


def _program_form(
    request: HttpRequest, principal: Principal, program: Program | None, status: int = 200
) -> HttpResponse:
    org = principal.organization
    weights = queries.weights_of(program) if program else Weights()
    return render(
        request,
        "mentoring/program_form.html",
        {
            "program": program,
            "kinds": ProgramKind.choices,
            "cadences": Cadence.choices,
            "statuses": Program.Status.choices,
            "departments": Department.objects.filter(organization=org) if org else [],
            "weights": [
                (name, LABELS.get(name, name.replace("_", " ")), getattr(weights, name))
                for name in (*COMPONENTS, "preferred_gap", "gap_tolerance")
            ],
            "posted": request.POST if request.method == "POST" else None,
        },
        status=status,
    )


@signed_in
def program_new(request: HttpRequest, principal: Principal) -> HttpResponse:
    require(principal, "mentoring.create_program")
    if request.method == "POST":
        assert principal.organization is not None
        try:
            program = actions.create_program(
                current_user(request), principal.organization, _program_data(request)
            )
        except InvalidInput as exc:
            _fail(request, exc)
            return _program_form(request, principal, None, status=400)
        messages.success(request, f"Program {program.name} created.")
        return redirect("mentoring:program", pk=program.pk)
    return _program_form(request, principal, None)


@signed_in
def program_edit(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    program = _org_program(principal, pk, "mentoring.administer")
    if request.method == "POST":
        try:
            actions.update_program(current_user(request), program, _program_data(request))
        except InvalidInput as exc:
            _fail(request, exc)
            program.refresh_from_db()
            return _program_form(request, principal, program, status=400)
        messages.success(request, "Program saved.")
        return redirect("mentoring:program", pk=program.pk)
    return _program_form(request, principal, program)


@require_GET
@signed_in
def program(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    item = _org_program(principal, pk)
    me = principal.employee
    admin = can(principal, "mentoring.administer", item)
    context: dict[str, Any] = {
        "program": item,
        "admin": admin,
        "can_join": can(principal, "mentoring.join", item),
        "can_request": can(principal, "mentoring.request", item),
        "weights": [(LABELS[n], getattr(queries.weights_of(item), n)) for n in COMPONENTS],
        "counts": queries.programs(item.organization).get(pk=item.pk),
    }
    if me is not None:
        context["as_mentee"] = queries.profile_of(item, me, Role.MENTEE)
        context["as_mentor"] = queries.profile_of(item, me, Role.MENTOR)
        context["open_request"] = queries.open_relationship_as_mentee(item, me)
    if admin:
        context["draft"] = item.drafts.filter(status=Draft.Status.DRAFT).first()
        context["drafts"] = item.drafts.all()[:5]
    return render(request, "mentoring/program.html", context)


# -- profiles -----------------------------------------------------------------------------


def _offset(name: str) -> float:
    return queries._utc_offset(name, timezone.localdate())


def _slots_to_hours(slots: list[str], zone: str) -> list[int]:
    """Day/part boxes in the person's local time to weekly UTC hours."""
    offset = _offset(zone)
    hours: set[int] = set()
    for slot in slots:
        day, _, part = slot.partition("-")
        if not day.isdigit() or part not in PARTS or not 0 <= int(day) < 7:
            raise InvalidInput("availability", f"{slot!r} is not a day and part of the day")
        start, end = PARTS[part]
        for h in range(start, end):
            hours.add(int((int(day) * 24 + h - offset) % 168))
    return sorted(hours)


def _hours_to_slots(hours: list[int], zone: str) -> set[str]:
    offset = _offset(zone)
    local = {int((h + offset) % 168) for h in hours}
    return {
        f"{d}-{part}"
        for d in range(7)
        for part, (start, end) in PARTS.items()
        if any(d * 24 + h in local for h in range(start, end))
    }


def _skills_from_lines(organization: Any, text: str) -> list[dict[str, Any]]:
    """ "Skill name: level" per line (level 1..5, default 3)."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        name, _, level = line.rpartition(":") if ":" in line else (line, "", "3")
        name = name.strip()
        skill = (
            Skill.objects.filter(actions.models_q_visible(organization), label__iexact=name)
            .order_by("organization")
            .first()
        )
        if skill is None:
            raise InvalidInput("skills", f"line {number}: no skill called {name!r}")
        out.append({"skill": skill.pk, "level": level.strip() or "3"})
    return out


@signed_in
def profile(request: HttpRequest, principal: Principal, pk: int, role: str) -> HttpResponse:
    item = _org_program(principal, pk, "mentoring.join")
    me = _me(principal)
    if role not in Role.values:
        return HttpResponse("unknown role", status=404)
    current = queries.profile_of(item, me, role)
    zone = (current.time_zone if current else "") or me.timezone
    held = list(
        EmployeeSkill.objects.filter(employee=me, level__gt=0)
        .select_related("skill")
        .order_by("-level")[:40]
    )
    status = 200
    if request.method == "POST":
        post = request.POST
        try:
            zone = post.get("time_zone") or zone
            try:
                zoneinfo.ZoneInfo(zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise InvalidInput("time_zone", f"unknown time zone {zone!r}") from None
            if role == Role.MENTOR:
                skills = [{"skill": s, "level": 1} for s in post.getlist("teach")]
            else:
                skills = _skills_from_lines(item.organization, post.get("skills", ""))
            data: dict[str, Any] = {
                "skills": skills,
                "goals": post.get("goals", ""),
                "preferred_format": post.get("preferred_format", "any"),
                "availability": _slots_to_hours(post.getlist("slots"), zone),
                "time_zone": zone,
                "languages": post.get("languages", "").replace(",", " ").split(),
                "style": [post.get(f"style_{i}", "") for i in range(len(QUESTIONS))]
                if any(post.get(f"style_{i}") for i in range(len(QUESTIONS)))
                else [],
                "paused": post.get("paused") == "on",
            }
            if role == Role.MENTOR:
                data["capacity"] = post.get("capacity", item.default_capacity)
            actions.save_profile(current_user(request), item, me, role, data)
        except InvalidInput as exc:
            _fail(request, exc)
            status = 400
        else:
            messages.success(request, "Profile saved.")
            if role == Role.MENTEE and item.self_match:
                return redirect("mentoring:suggestions", pk=item.pk)
            return redirect("mentoring:program", pk=item.pk)
    skills_text = ""
    if current is not None and role == Role.MENTEE:
        labels = dict(
            Skill.objects.filter(pk__in=[s["skill"] for s in current.skills]).values_list(
                "pk", "label"
            )
        )
        skills_text = "\n".join(
            f"{labels.get(s['skill'], s['skill'])}: {s['level']}" for s in current.skills
        )
    return render(
        request,
        "mentoring/profile_form.html",
        {
            "program": item,
            "role": role,
            "current": current,
            "held": held,
            "teaching": {s["skill"] for s in current.skills} if current else set(),
            "skills_text": request.POST.get("skills", skills_text)
            if request.method == "POST"
            else skills_text,
            "formats": Format.choices,
            "days": list(enumerate(DAYS)),
            "parts": list(PARTS),
            "checked": _hours_to_slots(current.availability, zone) if current else set(),
            "zone": zone,
            "questions": [
                (i, q, (current.style[i] if current and len(current.style) > i else 0))
                for i, q in enumerate(QUESTIONS)
            ],
        },
        status=status,
    )


# -- self-match ---------------------------------------------------------------------------


@require_GET
@signed_in
def suggestions(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    item = _org_program(principal, pk, "mentoring.request")
    me = _me(principal)
    return render(
        request,
        "mentoring/suggestions.html",
        {
            "program": item,
            "mine": queries.profile_of(item, me, Role.MENTEE),
            "open_request": queries.open_relationship_as_mentee(item, me),
            "suggestions": actions.suggestions(item, me, k=5),
        },
    )


@require_POST
@signed_in
def request_mentor(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    item = _org_program(principal, pk, "mentoring.request")
    me = _me(principal)
    mentor = get_object_or_404(
        Employee, pk=request.POST.get("mentor") or 0, organization=item.organization_id
    )
    try:
        relationship = actions.request_mentor(
            current_user(request), item, me, mentor, request.POST.get("message", "")
        )
    except InvalidInput as exc:
        _fail(request, exc)
        return redirect("mentoring:suggestions", pk=item.pk)
    messages.success(request, f"Request sent to {mentor}.")
    return redirect("mentoring:relationship", pk=relationship.pk)


# -- whole-pool drafts --------------------------------------------------------------------


@require_POST
@signed_in
def optimize(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    item = _org_program(principal, pk, "mentoring.administer")
    try:
        draft = actions.create_draft(current_user(request), item)
    except InvalidInput as exc:
        _fail(request, exc)
        return redirect("mentoring:program", pk=item.pk)
    return redirect("mentoring:draft", pk=draft.pk)


@require_GET
@signed_in
def draft(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    item = get_object_or_404(Draft.objects.select_related("program"), pk=pk)
    require(principal, "mentoring.manage_draft", item)
    pairs = item.pairs.select_related("mentee__user", "mentor__user")
    q = request.GET.get("q", "").strip()
    if q:
        pairs = pairs.filter(
            Q(mentee__user__full_name__icontains=q) | Q(mentor__user__full_name__icontains=q)
        )
    page = Paginator(pairs.order_by("score", "pk"), PAIRS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    summary = queries.draft_summary(item.pairs.all())
    totals = dict.fromkeys(COMPONENTS, 0.0)
    for row in item.pairs.values_list("components", flat=True).iterator(chunk_size=2000):
        for name in COMPONENTS:
            totals[name] += float(row.get(name, 0.0))
    pool_size = item.program.participants.filter(role=Role.MENTEE, paused=False).count()
    return render(
        request,
        "mentoring/draft.html",
        {
            "draft": item,
            "program": item.program,
            "page": page,
            "q": q,
            "summary": summary,
            "component_totals": [(LABELS[n], round(totals[n], 2)) for n in COMPONENTS],
            "labels": [LABELS[n] for n in COMPONENTS],
            "names": COMPONENTS,
            "mentee_count": pool_size,
            "mentors": item.program.participants.filter(role=Role.MENTOR, paused=False)
            .order_by("employee__user__full_name")
            .values_list("employee_id", "employee__user__full_name", "capacity"),
            "editable": item.status == Draft.Status.DRAFT,
        },
    )


@require_POST
@signed_in
def draft_pair(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    item = get_object_or_404(Draft.objects.select_related("program"), pk=pk)
    require(principal, "mentoring.manage_draft", item)
    org_id = item.program.organization_id
    mentee = get_object_or_404(Employee, pk=request.POST.get("mentee") or 0, organization=org_id)
    try:
        if request.POST.get("op") == "remove":
            actions.remove_draft_pair(current_user(request), item, mentee)
        else:
            mentor = get_object_or_404(
                Employee, pk=request.POST.get("mentor") or 0, organization=org_id
            )
            actions.set_draft_pair(current_user(request), item, mentee, mentor)
    except InvalidInput as exc:
        _fail(request, exc)
    else:
        messages.success(request, "Draft updated.")
    return redirect("mentoring:draft", pk=item.pk)


@require_POST
@signed_in
def draft_publish(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    item = get_object_or_404(Draft.objects.select_related("program"), pk=pk)
    require(principal, "mentoring.manage_draft", item)
    try:
        published = actions.publish_draft(current_user(request), item)
    except InvalidInput as exc:
        _fail(request, exc)
        return redirect("mentoring:draft", pk=item.pk)
    messages.success(request, f"Published {len(published)} pairs.")
    return redirect("mentoring:program", pk=item.program_id)


# -- relationships ------------------------------------------------------------------------


def _relationship(
    principal: Principal, pk: int, action: str = "mentoring.view_relationship"
) -> Relationship:
    item = get_object_or_404(
        Relationship.objects.select_related("program", "mentee__user", "mentor__user"), pk=pk
    )
    require(principal, action, item)
    return item


@require_GET
@signed_in
def relationship(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    item = _relationship(principal, pk)
    private = can(principal, "mentoring.read_private", item)
    context: dict[str, Any] = {
        "r": item,
        "private": private,
        "take_part": can(principal, "mentoring.take_part", item),
        "can_respond": can(principal, "mentoring.respond", item),
        "goals": list(item.goals.select_related("skill")),
        "progress": queries.mean_progress(item),
        "skill_progress": queries.skill_progress(item),
        "sessions": item.sessions.prefetch_related("skills", "feedback"),
        "session_count": item.sessions.count(),
        "explain": queries.explanation(item.components),
        "today": timezone.localdate().isoformat(),
        "skills": Skill.objects.filter(pk__in=[g.skill_id for g in item.goals.all() if g.skill_id]),
    }
    if private:
        profile = queries.profile_of(item.program, item.mentee, Role.MENTEE)
        context["mentee_goals"] = profile.goals if profile else ""
        me = principal.employee
        context["rated"] = set(
            item.sessions.filter(feedback__author=me).values_list("pk", flat=True)
        )
    return render(request, "mentoring/relationship.html", context)


@require_POST
@signed_in
def respond(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    item = _relationship(principal, pk, "mentoring.respond")
    try:
        actions.respond(current_user(request), item, accept=request.POST.get("accept") == "yes")
    except InvalidInput as exc:
        _fail(request, exc)
    return redirect("mentoring:relationship", pk=item.pk)


@require_POST
@signed_in
def goal_add(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    item = _relationship(principal, pk, "mentoring.take_part")
    skill_name = request.POST.get("skill", "").strip()
    try:
        skill = None
        if skill_name:
            found = _skills_from_lines(item.program.organization, f"{skill_name}: 1")
            skill = found[0]["skill"]
        actions.add_goal(current_user(request), item, request.POST.get("text", ""), skill)
    except InvalidInput as exc:
        _fail(request, exc)
    return redirect("mentoring:relationship", pk=item.pk)


@require_POST
@signed_in
def goal_progress(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    goal = get_object_or_404(Goal.objects.select_related("relationship__program"), pk=pk)
    require(principal, "mentoring.take_part", goal.relationship)
    try:
        percent = float(request.POST.get("percent", ""))
    except ValueError:
        _fail(request, InvalidInput("percent", "is not a number"))
    else:
        try:
            actions.set_progress(current_user(request), goal, percent / 100)
        except InvalidInput as exc:
            _fail(
                request,
                InvalidInput("percent", "must be between 0 and 100")
                if exc.field == "progress"
                else exc,
            )
    return redirect("mentoring:relationship", pk=goal.relationship_id)


@require_POST
@signed_in
def session_log(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    item = _relationship(principal, pk, "mentoring.take_part")
    try:
        actions.log_session(
            current_user(request),
            item,
            _me(principal),
            held_on=request.POST.get("held_on", ""),
            duration_minutes=request.POST.get("duration_minutes", 45),
            notes=request.POST.get("notes", ""),
            skills=request.POST.getlist("skills"),
        )
    except InvalidInput as exc:
        _fail(request, exc)
    else:
        messages.success(request, "Session logged.")
    return redirect("mentoring:relationship", pk=item.pk)


@require_POST
@signed_in
def session_feedback(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    session = get_object_or_404(Session.objects.select_related("relationship"), pk=pk)
    require(principal, "mentoring.give_feedback", session)
    try:
        actions.give_feedback(
            current_user(request),
            session,
            _me(principal),
            rating=request.POST.get("rating"),
            comment=request.POST.get("comment", ""),
        )
    except InvalidInput as exc:
        _fail(request, exc)
    return redirect("mentoring:relationship", pk=session.relationship_id)


@require_POST
@signed_in
def close(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    item = _relationship(principal, pk, "mentoring.take_part")
    try:
        actions.close(
            current_user(request),
            item,
            {
                "rating": request.POST.get("rating"),
                "goals_met": request.POST.get("goals_met"),
                "would_recommend": request.POST.get("would_recommend") == "on",
                "comment": request.POST.get("comment", ""),
            },
        )
    except InvalidInput as exc:
        _fail(request, exc)
    else:
        messages.success(request, "Mentoring closed. Thank you for the survey.")
    return redirect("mentoring:relationship", pk=item.pk)


# -- team and expert finder ---------------------------------------------------------------


@require_GET
@signed_in
def team(request: HttpRequest, principal: Principal) -> HttpResponse:
    me = _me(principal)
    require(principal, "mentoring.view_team", me)
    pairs = queries.team_relationships(me)
    page = Paginator(pairs, PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "mentoring/team.html", {"page": page})


@require_GET
@signed_in
def experts(request: HttpRequest, principal: Principal) -> HttpResponse:
    require(principal, "mentoring.find_experts")
    me = _me(principal)
    q = request.GET.get("skill", "").strip()
    skill = None
    found: list[queries.Expert] = []
    choices: list[Skill] = []
    if q:
        visible = Skill.objects.filter(actions.models_q_visible(me.organization))
        skill = visible.filter(label__iexact=q).first()
        if skill is None:
            choices = list(visible.filter(label__icontains=q).order_by("label")[:10])
        else:
            found = queries.experts(me.organization, skill, exclude=me)
    preference = MentoringPreference.objects.filter(employee=me).first()
    notes = dict(
        MentoringPreference.objects.filter(employee__in=[e.employee for e in found]).values_list(
            "employee_id", "note"
        )
    )
    return render(
        request,
        "mentoring/experts.html",
        {
            "q": q,
            "skill": skill,
            "experts": [(e, notes.get(e.employee.pk, "")) for e in found],
            "choices": choices,
            "listed": preference.listed_as_expert if preference else True,
            "note": preference.note if preference else "",
        },
    )


@require_POST
@signed_in
def listing(request: HttpRequest, principal: Principal) -> HttpResponse:
    require(principal, "mentoring.find_experts")
    me = _me(principal)
    try:
        actions.set_listing(
            current_user(request),
            me,
            listed=request.POST.get("listed") == "on",
            note=request.POST.get("note", ""),
        )
    except InvalidInput as exc:
        _fail(request, exc)
    else:
        messages.success(request, "Your expert-finder setting is saved.")
    return redirect("mentoring:experts")
