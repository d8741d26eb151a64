"""Learning pages: My learning (path, enrollments, catalog, quizzes, certificates), the
manager's team view, L&D catalog management, assignments, curricula and analytics."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from learnloop.accounts.models import current_user
from learnloop.learning import actions, catalog_csv, certificates, planning, queries
from learnloop.learning.models import (
    Attempt,
    Certificate,
    Curriculum,
    Enrollment,
    EnrollmentSource,
    Format,
    Item,
    ItemSkill,
    Kind,
    Lesson,
    Path,
    Question,
    QuestionKind,
    Quiz,
    TargetKind,
)
from learnloop.people.models import Department, Employee, JobRole, Organization, active_employees
from learnloop.permissions import Principal, can, principal_for, require
from learnloop.skills import queries as skill_queries
from learnloop.skills.models import CareerPath, RoleProfile, RoleRequirement, Skill
from learnloop.uploads.text import read_limited

MAX_UPLOAD = 5 * 1024 * 1024


def _organization(principal: Principal) -> Organization:
    if principal.organization is None:
        raise Http404("not part of an organization")
    return principal.organization


def _me(principal: Principal) -> Employee:
    if principal.employee is None:
        raise Http404("no employee record")
    return principal.employee


def _int(value: str | None, field: str) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise actions.LearningError(f"{field}: expected a whole number", field) from None


def _date(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise actions.LearningError(f"{field}: expected a date (YYYY-MM-DD)", field) from None


def _item(principal: Principal, pk: int) -> Item:
    item = get_object_or_404(Item.objects.select_related("organization"), pk=pk)
    require(principal, "learning.view_item", item)
    return item


def _enrollment(principal: Principal, pk: int, action: str = "learning.work") -> Enrollment:
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("item", "employee__user", "employee__organization"),
        pk=pk,
    )
    require(principal, action, enrollment)
    return enrollment


def _skill(organization: Organization, value: str | None, field: str = "skill") -> Skill:
    skill = skill_queries.visible_skills(organization).filter(pk=_int(value, field)).first()
    if skill is None:
        raise actions.LearningError(f"{field}: choose a skill from the list", field)
    return skill


def _back(request: HttpRequest, default: str) -> str:
    nxt = request.POST.get("next", "")
    return nxt if nxt.startswith("/learning/") else default


# -- employee ----------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "learning.use")
    context: dict[str, Any] = {"principal": principal}
    if principal.employee is not None and can(principal, "learning.learn"):
        employee = principal.employee
        mine = queries.my_learning(employee)
        organization = employee.organization
        current_role = skill_queries.role_of(employee)
        context |= {
            "mine": mine,
            "current_role": current_role,
            "next_roles": _next_roles(organization, current_role),
            "formats": Format.choices,
            "target_kinds": TargetKind.choices,
            "skills": skill_queries.visible_skills(organization)
            .filter(pk__in=_catalog_skill_ids(organization))
            .order_by("label"),
            "chosen_skills": {int(s) for s, _ in (mine.path.target_skills if mine.path else [])},
        }
    return render(request, "learning/home.html", context)


def _catalog_skill_ids(organization: Organization) -> set[int]:
    return set(
        ItemSkill.objects.filter(item__organization=organization, confirmed=True).values_list(
            "skill_id", flat=True
        )
    )


def _relevant_skills(organization: Organization) -> list[Skill]:
    """Skills an item may teach: those of the role profiles and of the catalog (the whole
    taxonomy is thousands of entries; own skills are added in the skills app)."""
    wanted = _catalog_skill_ids(organization) | set(
        RoleRequirement.objects.filter(profile__organization=organization).values_list(
            "skill_id", flat=True
        )
    )
    return list(skill_queries.visible_skills(organization).filter(pk__in=wanted).order_by("label"))


def _next_roles(organization: Organization, current: RoleProfile | None) -> list[RoleProfile]:
    roles = list(RoleProfile.objects.filter(organization=organization).order_by("name"))
    if current is None:
        return roles
    up = set(CareerPath.objects.filter(source=current).values_list("target_id", flat=True))
    return sorted(roles, key=lambda r: (r.pk not in up, r.name))


@login_required
@require_POST
def path_settings(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "learning.learn")
    employee = _me(principal)
    organization = employee.organization
    post = request.POST
    try:
        kind = post.get("target_kind", TargetKind.CURRENT_ROLE)
        role = None
        if kind == TargetKind.NEXT_ROLE and post.get("target_role"):
            role = RoleProfile.objects.filter(
                organization=organization, pk=_int(post.get("target_role"), "target_role")
            ).first()
            if role is None:
                raise actions.LearningError("target_role: no such role profile", "target_role")
        skills = []
        if kind == TargetKind.SKILLS:
            level = _int(post.get("skill_level") or "3", "skill_level")
            skills = [
                (_skill(organization, s, "target_skills"), level)
                for s in post.getlist("target_skills")
            ]
        hours = float(post.get("weekly_hours") or 3)
        actions.set_path(
            employee, actor=current_user(request), target_kind=kind, target_role=role,
            target_skills=skills, formats=post.getlist("formats"),
            languages=[x.strip() for x in post.get("languages", "").split(",") if x.strip()],
            weekly_hours=hours,
        )  # fmt: skip
        messages.success(request, "Your path was planned again.")
    except (actions.LearningError, ValueError) as exc:
        messages.error(request, str(exc))
    return redirect("learning:home")


@login_required
@require_POST
def path_edit(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "learning.learn")
    employee = _me(principal)
    try:
        item = _item(principal, _int(request.POST.get("item"), "item"))
        before = planning.path_for(employee).plan or {}
        path = actions.edit_path(
            employee, item, request.POST.get("change", ""), actor=current_user(request)
        )
        change = planning.difference(before, path.plan)
        note = "Path updated."
        if change.removed:
            note += (
                " Left the path: "
                + "; ".join(f"{t} ({why})" if why else t for t, why in change.removed)
                + "."
            )
        messages.success(request, note)
    except actions.LearningError as exc:
        messages.error(request, str(exc))
    return redirect(_back(request, "/learning/"))


@login_required
def catalog(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "learning.use")
    organization = _organization(principal)
    get = request.GET
    f = queries.CatalogFilter(
        q=get.get("q", "").strip()[:200],
        kind=get.get("kind", "") if get.get("kind") in Kind.values else "",
        format=get.get("format", "") if get.get("format") in Format.values else "",
        language=get.get("language", "").strip().lower()[:8],
        skill=int(get["skill"]) if get.get("skill", "").isdigit() else None,
        max_minutes=int(get["max_minutes"]) if get.get("max_minutes", "").isdigit() else None,
        free=get.get("free") == "1",
    )
    return render(
        request,
        "learning/catalog.html",
        {
            "items": queries.search(organization, f),
            "f": f,
            "kinds": Kind.choices,
            "formats": Format.choices,
            "skills": skill_queries.visible_skills(organization)
            .filter(pk__in=_catalog_skill_ids(organization))
            .order_by("label"),
        },
    )


@login_required
def item(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    entry = _item(principal, pk)
    enrollment = None
    if principal.employee is not None:
        enrollment = (
            Enrollment.objects.filter(employee=principal.employee, item=entry)
            .select_related("certificate")
            .first()
        )
    done = set(enrollment.lessons.values_list("lesson_id", flat=True)) if enrollment else set()
    modules = [
        (module, [(lesson, lesson.pk in done) for lesson in module.lessons.all()])
        for module in entry.modules.prefetch_related("lessons")
    ]
    certificate = getattr(enrollment, "certificate", None) if enrollment else None
    return render(
        request,
        "learning/item.html",
        {
            "item": entry,
            "skills": entry.skills.filter(confirmed=True).select_related("skill"),
            "prereq_skills": entry.prerequisite_skills.select_related("skill"),
            "prereq_items": entry.prerequisite_items.all(),
            "modules": modules,
            "enrollment": enrollment,
            "certificate": certificate,
            "quizzes": queries.quizzes_of(entry),
            "attempts": queries.attempts_of(enrollment) if enrollment else [],
            "ratings": entry.ratings.select_related("employee__user")[:20],
            "can_enrol": can(principal, "learning.enrol_self", entry) and enrollment is None,
            "can_manage": can(principal, "learning.manage"),
            "can_add_to_path": entry.active
            and can(principal, "learning.learn")
            and not (enrollment and enrollment.is_completed),
        },
    )


@login_required
@require_POST
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    entry = _item(principal, pk)
    require(principal, "learning.enrol_self", entry)
    try:
        actions.enrol(_me(principal), entry, actor=current_user(request))
        messages.success(request, f"You are enrolled in {entry.title}.")
    except actions.LearningError as exc:
        messages.error(request, str(exc))
    return redirect("learning:item", pk=entry.pk)


@login_required
@require_POST
def launch(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    enrollment = _enrollment(principal, pk)
    actions.launch(enrollment, actor=current_user(request))
    if enrollment.item.url:
        return redirect(enrollment.item.url)
    return redirect("learning:item", pk=enrollment.item_id)


@login_required
@require_POST
def lesson_done(request: HttpRequest, pk: int, lesson: int) -> HttpResponse:
    principal = principal_for(request.user)
    enrollment = _enrollment(principal, pk)
    found = get_object_or_404(Lesson.objects.select_related("module"), pk=lesson)
    try:
        actions.complete_lesson(
            enrollment, found, actor=current_user(request), seconds=found.minutes * 60
        )
    except actions.LearningError as exc:
        messages.error(request, str(exc))
    return redirect("learning:item", pk=enrollment.item_id)


@login_required
@require_POST
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    enrollment = _enrollment(principal, pk)
    try:
        share = _int(request.POST.get("percent"), "percent") / 100
        minutes = _int(request.POST.get("minutes") or "0", "minutes")
        actions.record_progress(
            enrollment, share, actor=current_user(request), seconds=minutes * 60
        )
    except actions.LearningError as exc:
        messages.error(request, str(exc))
    return redirect("learning:item", pk=enrollment.item_id)


@login_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    enrollment = _enrollment(principal, pk)
    try:
        minutes = _int(request.POST.get("minutes") or "0", "minutes")
        actions.complete(enrollment, actor=current_user(request), seconds=minutes * 60)
        messages.success(request, f"Completed {enrollment.item.title}: your certificate is ready.")
    except actions.LearningError as exc:
        messages.error(request, str(exc))
    return redirect("learning:item", pk=enrollment.item_id)


@login_required
@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    enrollment = _enrollment(principal, pk)
    try:
        stars = _int(request.POST.get("stars"), "stars")
        actions.rate(
            enrollment, stars, actor=current_user(request), comment=request.POST.get("comment", "")
        )
        messages.success(request, "Thank you for rating it.")
    except actions.LearningError as exc:
        messages.error(request, str(exc))
    return redirect("learning:item", pk=enrollment.item_id)


def _parse_responses(quiz: Quiz, post: Any) -> dict[int, Any]:
    responses: dict[int, Any] = {}
    for question in quiz.questions.all():
        key = f"q{question.pk}"
        if question.kind == QuestionKind.MULTIPLE:
            values = post.getlist(key)
            if values:
                responses[question.pk] = [_int(v, f"question {question.pk}") for v in values]
        elif post.get(key, "") != "":
            value = post.get(key)
            if question.kind == QuestionKind.SINGLE:
                responses[question.pk] = _int(value, f"question {question.pk}")
            else:
                responses[question.pk] = value
    return responses


@login_required
def quiz(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    found = get_object_or_404(Quiz.objects.select_related("item"), pk=pk)
    require(principal, "learning.view_item", found.item)
    require(principal, "learning.learn")
    employee = _me(principal)
    if request.method == "POST":
        require(principal, "learning.enrol_self", found.item)
        try:
            responses = _parse_responses(found, request.POST)
            attempt = actions.start_attempt(found, employee, actor=current_user(request))
            outcome = actions.submit_attempt(attempt, responses, actor=current_user(request))
        except actions.LearningError as exc:
            messages.error(request, str(exc))
            return redirect("learning:quiz", pk=found.pk)
        change = outcome.path_change
        if change and (change.removed or change.added):
            parts = []
            if change.removed:
                parts.append(
                    "left it: "
                    + "; ".join(f"{t} ({why})" if why else t for t, why in change.removed)
                )
            if change.added:
                parts.append("joined it: " + "; ".join(change.added))
            messages.info(request, "Your path was re-planned — " + " · ".join(parts) + ".")
        return redirect("learning:attempt", pk=outcome.attempt.pk)
    return render(
        request,
        "learning/quiz.html",
        {"quiz": found, "questions": found.questions.select_related("skill").order_by("pk")},
    )


@login_required
def attempt(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    found = get_object_or_404(
        Attempt.objects.select_related("quiz", "enrollment__employee", "enrollment__item"), pk=pk
    )
    require(principal, "learning.view_enrollment", found.enrollment)
    answers = list(found.answers.select_related("question__skill").order_by("question_id"))
    mastery: dict[str, tuple[float | None, float | None]] = {}
    for answer in answers:
        mastery[answer.question.skill.label] = (answer.mastery_before, answer.mastery_after)
    return render(
        request,
        "learning/attempt.html",
        {
            "attempt": found,
            "answers": answers,
            "mastery": mastery,
            "next_step": _next_step(found.enrollment.employee)
            if principal.is_self(found.enrollment.employee)
            else None,
        },
    )


def _next_step(employee: Employee) -> dict[str, Any] | None:
    path = Path.objects.filter(employee=employee).first()
    steps = (path.plan or {}).get("steps", []) if path else []
    return steps[0] if steps else None


def _certificate(principal: Principal, code: str) -> Certificate:
    found = get_object_or_404(
        Certificate.objects.select_related(
            "enrollment__item", "enrollment__employee__user", "enrollment__employee__organization"
        ),
        code=code,
    )
    require(principal, "learning.view_certificate", found)
    return found


@login_required
def certificate(request: HttpRequest, code: str) -> HttpResponse:
    found = _certificate(principal_for(request.user), code)
    return render(request, "learning/certificate.html", {"certificate": found})


@login_required
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    found = _certificate(principal_for(request.user), code)
    response = HttpResponse(certificates.pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{found.code}.pdf"'
    return response


# -- managers ----------------------------------------------------------------------------


@login_required
def team(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "learning.view_team")
    organization = _organization(principal)
    if request.method == "POST":
        try:
            person = get_object_or_404(
                Employee.objects.select_related("organization", "user"),
                pk=_int(request.POST.get("employee"), "employee"),
            )
            require(principal, "learning.assign", person)
            entry = _item(principal, _int(request.POST.get("item"), "item"))
            actions.enrol(
                person, entry, actor=current_user(request), source=EnrollmentSource.MANAGER,
                due_date=_date(request.POST.get("due_date"), "due_date"),
                mandatory=request.POST.get("mandatory") == "1",
            )  # fmt: skip
            messages.success(request, f"Assigned {entry.title} to {person.name}.")
        except actions.LearningError as exc:
            messages.error(request, str(exc))
        return redirect("learning:team")
    if principal.employee is not None and principal.has_role("manager"):
        rows = queries.team(principal.employee)
    else:  # L&D without reports of their own: the whole organization, by name
        people = active_employees().filter(organization=organization).select_related("user")
        rows = queries.rows_for(list(people.order_by("user__full_name")[:300]))
    return render(
        request,
        "learning/team.html",
        {
            "rows": rows,
            "items": Item.objects.filter(organization=organization, active=True).order_by("title"),
        },
    )


# -- L&D ---------------------------------------------------------------------------------


def _item_data(request: HttpRequest, organization: Organization) -> actions.ItemData:
    post = request.POST
    try:
        cost = Decimal(post.get("cost") or "0")
    except InvalidOperation:
        raise actions.LearningError("cost: expected a number", "cost") from None
    skills = []
    for skill_id, level in zip(post.getlist("skill"), post.getlist("skill_level"), strict=False):
        if skill_id:
            skills.append((_skill(organization, skill_id), _int(level or "2", "skill_level")))
    prereq_skills = []
    for skill_id, level in zip(
        post.getlist("prereq_skill"), post.getlist("prereq_level"), strict=False
    ):
        if skill_id:
            prereq_skills.append(
                (_skill(organization, skill_id), _int(level or "1", "prereq_level"))
            )
    prereq_items = list(
        Item.objects.filter(
            organization=organization,
            pk__in=[_int(v, "prerequisite_items") for v in post.getlist("prerequisite_items") if v],
        )
    )
    modules: list[tuple[str, list[tuple[str, int]]]] | None = None
    outline = post.get("outline", "")
    if outline.strip():
        # "Module title" lines, then "- Lesson title | minutes" lines.
        modules = []
        for line in outline.splitlines():
            text = line.strip()
            if not text:
                continue
            if text.startswith("-"):
                if not modules:
                    modules.append(("Lessons", []))
                title, _, minutes = text[1:].partition("|")
                modules[-1][1].append((title.strip(), _int(minutes.strip() or "10", "outline")))
            else:
                modules.append((text, []))
    return actions.ItemData(
        title=post.get("title", ""), kind=post.get("kind", Kind.COURSE),
        description=post.get("description", ""), url=post.get("url", ""),
        duration_minutes=_int(post.get("duration_minutes"), "duration_minutes"),
        format=post.get("format", Format.SELF_PACED), language=post.get("language", "en").lower(),
        cost=cost, provider=post.get("provider", ""), audience=post.get("audience", ""),
        skills=skills, prerequisite_skills=prereq_skills, prerequisite_items=prereq_items,
        audience_roles=list(JobRole.objects.filter(
            organization=organization, pk__in=[v for v in post.getlist("audience_roles") if v.isdigit()]
        )),
        modules=modules,
    )  # fmt: skip


def _manage_context(organization: Organization) -> dict[str, Any]:
    return {
        "kinds": Kind.choices,
        "formats": Format.choices,
        "all_items": Item.objects.filter(organization=organization).order_by("title"),
        "job_roles": JobRole.objects.filter(organization=organization).order_by("title"),
        "departments": Department.objects.filter(organization=organization).order_by("path"),
        "skills": skill_queries.visible_skills(organization)
        .filter(pk__in=_catalog_skill_ids(organization))
        .order_by("label"),
    }


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "learning.manage")
    organization = _organization(principal)
    if request.method == "POST":
        try:
            created = actions.create_item(
                organization, _item_data(request, organization), actor=current_user(request)
            )
            messages.success(request, f"Added {created.title}.")
            return redirect("learning:edit_item", pk=created.pk)
        except actions.LearningError as exc:
            messages.error(request, str(exc))
    f = queries.CatalogFilter(q=request.GET.get("q", "").strip()[:200], include_retired=True)
    return render(
        request,
        "learning/manage.html",
        {"items": queries.search(organization, f, limit=200), "f": f}
        | _manage_context(organization),
    )


@login_required
def edit_item(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "learning.manage")
    organization = _organization(principal)
    entry = get_object_or_404(Item, pk=pk, organization=organization)
    if request.method == "POST":
        try:
            if "active" in request.POST:
                actions.set_item_active(
                    entry, request.POST["active"] == "1", actor=current_user(request)
                )
            else:
                data = _item_data(request, organization)
                # The edit form shows confirmed skills only; pending suggestions stay.
                actions.update_item(entry, data, actor=current_user(request))
            messages.success(request, "Saved.")
            return redirect("learning:edit_item", pk=entry.pk)
        except actions.LearningError as exc:
            messages.error(request, str(exc))
    outline = "\n".join(
        line
        for module in entry.modules.prefetch_related("lessons")
        for line in [
            module.title,
            *(f"- {lesson.title} | {lesson.minutes}" for lesson in module.lessons.all()),
        ]
    )
    return render(
        request,
        "learning/edit_item.html",
        {
            "item": entry,
            "confirmed": entry.skills.filter(confirmed=True).select_related("skill"),
            "pending": entry.skills.filter(confirmed=False).select_related("skill"),
            "prereq_skills": entry.prerequisite_skills.select_related("skill"),
            "prereq_ids": set(entry.prerequisite_items.values_list("pk", flat=True)),
            "role_ids": set(entry.audience_roles.values_list("pk", flat=True)),
            "outline": outline,
            "all_skills": _relevant_skills(organization),
        }
        | _manage_context(organization),
    )


@login_required
@require_POST
def suggest(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "learning.manage")
    entry = get_object_or_404(Item, pk=pk, organization=_organization(principal))
    try:
        found = actions.suggest_skills(entry, actor=current_user(request))
        messages.success(request, f"{len(found)} skill(s) suggested: confirm or reject each.")
    except (LookupError, FileNotFoundError) as exc:
        messages.error(request, f"Skill suggestions are unavailable: {exc}")
    return redirect("learning:edit_item", pk=entry.pk)


@login_required
@require_POST
def decide_skill(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "learning.manage")
    row = get_object_or_404(
        ItemSkill.objects.select_related("item__organization", "skill"),
        pk=pk,
        item__organization=_organization(principal),
    )
    try:
        actions.decide_skill(
            row, accept=request.POST.get("accept") == "1",
            level=_int(request.POST.get("level") or "2", "level"), actor=current_user(request),
        )  # fmt: skip
    except actions.LearningError as exc:
        messages.error(request, str(exc))
    return redirect("learning:edit_item", pk=row.item_id)


@login_required
def export_csv(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "learning.manage")
    response = HttpResponse(
        catalog_csv.export_catalog(_organization(principal)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="learning-catalog.csv"'
    return response


@login_required
@require_POST
def import_csv(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "learning.manage")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "file: choose a CSV file")
    elif upload.size is not None and upload.size > MAX_UPLOAD:
        messages.error(request, f"{upload.name}: larger than 5 MB")
    else:
        try:
            result = catalog_csv.import_catalog(
                _organization(principal), read_limited(upload, MAX_UPLOAD), actor=current_user(request),
                filename=upload.name or "catalog.csv",
            )  # fmt: skip
            messages.success(request, f"Imported: {result.created} new, {result.updated} updated.")
        except catalog_csv.CatalogImportError as exc:
            messages.error(request, f"{exc.filename}: nothing was imported.")
            for error in exc.errors[:20]:
                messages.error(request, str(error))
    return redirect("learning:manage")


@login_required
def assignments(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "learning.manage")
    organization = _organization(principal)
    if request.method == "POST":
        try:
            entry = get_object_or_404(
                Item, pk=_int(request.POST.get("item"), "item"), organization=organization
            )
            department = job_role = None
            if request.POST.get("team"):
                department = get_object_or_404(
                    Department, pk=_int(request.POST.get("team"), "team"), organization=organization
                )
            if request.POST.get("role"):
                job_role = get_object_or_404(
                    JobRole, pk=_int(request.POST.get("role"), "role"), organization=organization
                )
            people = actions.group_members(organization, department=department, job_role=job_role)
            done = actions.assign_group(
                entry, people, actor=current_user(request),
                due_date=_date(request.POST.get("due_date"), "due_date"),
                mandatory=request.POST.get("mandatory") == "1",
            )  # fmt: skip
            messages.success(request, f"Assigned {entry.title} to {len(done)} people.")
        except actions.LearningError as exc:
            messages.error(request, str(exc))
        return redirect("learning:assignments")
    return render(
        request,
        "learning/assignments.html",
        {"assignments": queries.assignments(organization), "today": dt.date.today()}
        | _manage_context(organization),
    )


@login_required
def questions(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "learning.manage")
    organization = _organization(principal)
    post = request.POST
    if request.method == "POST":
        try:
            if post.get("form") == "quiz":
                entry = get_object_or_404(
                    Item, pk=_int(post.get("item"), "item"), organization=organization
                )
                picked = list(
                    Question.objects.filter(
                        organization=organization,
                        pk__in=[_int(v, "questions") for v in post.getlist("questions")],
                    )
                )
                actions.create_quiz(
                    entry, post.get("title", ""), picked, actor=current_user(request),
                    pass_mark=_int(post.get("pass_percent") or "70", "pass_percent") / 100,
                )  # fmt: skip
                messages.success(request, "Quiz created.")
            else:
                kind = post.get("kind", "")
                choices = [c for c in post.get("choices", "").splitlines() if c.strip()]
                raw = post.get("answer", "").strip()
                answer: Any
                if kind == QuestionKind.TRUE_FALSE:
                    answer = {"true": True, "false": False}.get(raw.lower(), raw)
                elif kind == QuestionKind.NUMERIC:
                    try:
                        answer = float(raw)
                    except ValueError:
                        raise actions.LearningError("answer: expected a number", "answer") from None
                else:
                    answer = [_int(x.strip(), "answer") for x in raw.split(",") if x.strip()]
                    if kind == QuestionKind.SINGLE and len(answer) == 1:
                        answer = answer[0]
                actions.create_question(
                    organization, skill=_skill(organization, post.get("skill")), kind=kind,
                    text=post.get("text", ""), answer=answer, choices=choices,
                    level=_int(post.get("level") or "2", "level"),
                    tolerance=float(post.get("tolerance") or 0), actor=current_user(request),
                )  # fmt: skip
                messages.success(request, "Question added to the bank.")
        except (actions.LearningError, ValueError) as exc:
            messages.error(request, str(exc))
        return redirect("learning:questions")
    return render(
        request,
        "learning/questions.html",
        {
            "questions": Question.objects.filter(organization=organization)
            .select_related("skill")
            .order_by("skill__label", "pk")[:500],
            "quizzes": Quiz.objects.filter(item__organization=organization).select_related("item"),
            "question_kinds": QuestionKind.choices,
            "all_skills": _relevant_skills(organization),
        }
        | _manage_context(organization),
    )


@login_required
def curricula(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "learning.manage")
    organization = _organization(principal)
    if request.method == "POST":
        try:
            picked = [
                get_object_or_404(Item, pk=_int(v, "items"), organization=organization)
                for v in request.POST.getlist("items")
            ]
            actions.create_curriculum(
                organization, request.POST.get("title", ""), picked, actor=current_user(request),
                description=request.POST.get("description", ""),
            )  # fmt: skip
            messages.success(request, "Curriculum created.")
        except actions.LearningError as exc:
            messages.error(request, str(exc))
        return redirect("learning:curricula")
    return render(
        request,
        "learning/curricula.html",
        {
            "curricula": Curriculum.objects.filter(organization=organization).prefetch_related(
                "entries__item", "assignments"
            )
        }
        | _manage_context(organization),
    )


@login_required
@require_POST
def assign_curriculum(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "learning.manage")
    organization = _organization(principal)
    found = get_object_or_404(Curriculum, pk=pk, organization=organization)
    try:
        department = job_role = None
        if request.POST.get("team"):
            department = get_object_or_404(
                Department, pk=_int(request.POST.get("team"), "team"), organization=organization
            )
        if request.POST.get("role"):
            job_role = get_object_or_404(
                JobRole, pk=_int(request.POST.get("role"), "role"), organization=organization
            )
        people = actions.group_members(organization, department=department, job_role=job_role)
        count = actions.assign_curriculum(
            found, people, actor=current_user(request),
            due_date=_date(request.POST.get("due_date"), "due_date"),
            mandatory=request.POST.get("mandatory") == "1",
        )  # fmt: skip
        messages.success(request, f"Assigned {found.title} to {count} people.")
    except actions.LearningError as exc:
        messages.error(request, str(exc))
    return redirect("learning:curricula")


@login_required
def analytics(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "learning.view_analytics")
    organization = _organization(principal)
    return render(
        request,
        "learning/analytics.html",
        {
            "rows": queries.analytics(organization),
            "people": active_employees().filter(organization=organization).count(),
        },
    )
