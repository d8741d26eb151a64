from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from learnloop.accounts.models import current_user
from learnloop.people.models import Department, Employee, JobRole, Organization
from learnloop.permissions import Principal, can, principal_for, require
from learnloop.skills import actions, jobs, queries
from learnloop.skills.models import (
    Framework,
    InferenceJob,
    Occupation,
    RoleProfile,
    Skill,
    SkillClaim,
    Source,
    Suggestion,
    TaggingJob,
)
from learnloop.uploads.export import csv_writer
from learnloop.uploads.text import read_limited

MAX_TEXT = 60_000
MAX_UPLOAD = 10 * 1024 * 1024


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
        raise actions.SkillsError(f"{field}: expected a whole number") from None


def _skill(organization: Organization, value: str | None) -> Skill:
    skill = queries.visible_skills(organization).filter(pk=_int(value, "skill")).first()
    if skill is None:
        raise actions.SkillsError("skill: choose a skill from the list")
    return skill


def _employee(principal: Principal, pk: int) -> Employee:
    employee = get_object_or_404(
        Employee.objects.select_related("user", "job_role", "organization"), pk=pk
    )
    if employee.organization_id != _organization(principal).pk:
        raise Http404("no such person")
    return employee


# -- profiles ---------------------------------------------------------------------------


def _profile_page(request: HttpRequest, principal: Principal, employee: Employee) -> HttpResponse:
    organization = employee.organization
    return render(
        request,
        "skills/profile.html",
        {
            "person": employee,
            "entries": queries.profile(employee),
            "is_self": principal.is_self(employee),
            "can_claim": can(principal, "skills.claim", employee),
            "can_validate": can(principal, "skills.validate", employee),
            "suggestions": Suggestion.objects.filter(
                employee=employee, status=Suggestion.Status.PENDING
            ).select_related("skill")
            if principal.is_self(employee)
            else [],
            "levels": range(1, queries.scale_top(organization) + 1),
            "scale": queries.default_scale(organization),
        },
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "skills.view_taxonomy")
    employee = _me(principal)
    require(principal, "skills.view_profile", employee)
    return _profile_page(request, principal, employee)


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    employee = _employee(principal, pk)
    require(principal, "skills.view_profile", employee)
    return _profile_page(request, principal, employee)


@login_required
@require_POST
def add_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """Self-assessment by the person, or validation by their manager."""
    principal = principal_for(request.user)
    employee = _employee(principal, pk)
    if can(principal, "skills.claim", employee):
        source = Source.SELF
    else:
        require(principal, "skills.validate", employee)
        source = Source.MANAGER
    try:
        skill = _skill(employee.organization, request.POST.get("skill"))
        actions.add_claim(
            employee,
            skill,
            _int(request.POST.get("level"), "level"),
            source,
            actor=current_user(request),
            evidence=request.POST.get("evidence", "").strip(),
        )
        messages.success(request, f"Recorded {skill.label} ({Source(source).label}).")
    except actions.SkillsError as exc:
        messages.error(request, str(exc))
    if principal.is_self(employee):
        return redirect("skills:home")
    return redirect("skills:person", pk=employee.pk)


@login_required
@require_POST
def withdraw_claim(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    claim = get_object_or_404(SkillClaim.objects.select_related("employee", "skill"), pk=pk)
    require(principal, "skills.claim", claim.employee)
    if claim.claimed_by_id != request.user.pk:
        raise Http404("only your own claims can be withdrawn")
    actions.withdraw_claim(claim, actor=current_user(request))
    messages.success(request, f"Withdrew your claim on {claim.skill.label}.")
    return redirect("skills:home")


@login_required
def endorse(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    employee = _employee(principal, pk)
    require(principal, "skills.endorse", employee)
    if request.method == "POST":
        try:
            skill = _skill(employee.organization, request.POST.get("skill"))
            actions.add_claim(
                employee,
                skill,
                _int(request.POST.get("level"), "level"),
                Source.PEER,
                actor=current_user(request),
                evidence=request.POST.get("evidence", "").strip(),
            )
            messages.success(request, f"You endorsed {employee.name} for {skill.label}.")
            return redirect("skills:endorse", pk=employee.pk)
        except actions.SkillsError as exc:
            messages.error(request, str(exc))
    return render(
        request,
        "skills/endorse.html",
        {"person": employee, "levels": range(1, queries.scale_top(employee.organization) + 1)},
    )


# -- text inference ---------------------------------------------------------------------


def _levels(organization: Organization) -> range:
    return range(1, queries.scale_top(organization) + 1)


@login_required
def infer(request: HttpRequest) -> HttpResponse:
    """Paste or upload; the worker reads the text (a few seconds) while the page polls."""
    principal = principal_for(request.user)
    employee = _me(principal)
    require(principal, "skills.claim", employee)
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is not None:
                if upload.size is not None and upload.size > MAX_UPLOAD:
                    raise actions.SkillsError(f"{upload.name}: larger than 10 MB")
                jobs.request_inference(
                    employee, actor=current_user(request), document=upload.read(MAX_UPLOAD + 1),
                    source_name=str(upload.name or "upload"),
                )  # fmt: skip
            else:
                jobs.request_inference(
                    employee, actor=current_user(request), text=request.POST.get("text", "")
                )
            return redirect("skills:infer")
        except actions.SkillsError as exc:
            messages.error(request, str(exc))
    suggestions = Suggestion.objects.filter(
        employee=employee, status=Suggestion.Status.PENDING
    ).select_related("skill")
    return render(
        request,
        "skills/infer.html",
        {
            "jobs": queries.recent_jobs(employee),
            "suggestions": suggestions,
            "levels": _levels(employee.organization),
        },
    )


@login_required
def inference_job(request: HttpRequest, pk: int) -> HttpResponse:
    """One job's progress; htmx polls this fragment until the job is done or failed, then
    the fragment carries the job's suggestions (or its error) and stops polling."""
    principal = principal_for(request.user)
    job = get_object_or_404(InferenceJob.objects.select_related("employee"), pk=pk)
    require(principal, "skills.claim", job.employee)
    context = {
        "job": job,
        "show_suggestions": True,
        "job_suggestions": job.suggestions.filter(status=Suggestion.Status.PENDING).select_related(
            "skill"
        ),
        "levels": _levels(job.employee.organization),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "skills/_job.html", context)
    return render(request, "skills/job.html", context)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    suggestion = get_object_or_404(Suggestion.objects.select_related("employee", "skill"), pk=pk)
    require(principal, "skills.claim", suggestion.employee)
    accept = request.POST.get("decision") == "accept"
    try:
        level = _int(request.POST.get("level", "2"), "level") if accept else None
        actions.decide_suggestion(suggestion, accept, actor=current_user(request), level=level)
        messages.success(request, f"{'Added' if accept else 'Dismissed'} {suggestion.skill.label}.")
    except actions.SkillsError as exc:
        messages.error(request, str(exc))
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponse("")
    return redirect((request.POST.get("next") == "home" and "skills:home") or "skills:infer")


# -- taxonomy ---------------------------------------------------------------------------


@login_required
def taxonomy(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "skills.view_taxonomy")
    organization = _organization(principal)
    q = request.GET.get("q", "").strip()
    skills = queries.search_skills(organization, q)
    context = {
        "skills": skills,
        "q": q,
        "can_curate": can(principal, "skills.curate", organization),
        "total": queries.visible_skills(organization).count(),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "skills/_skill_list.html", context)
    return render(request, "skills/taxonomy.html", context)


@login_required
def skill_options(request: HttpRequest) -> HttpResponse:
    """Radio buttons of matching skills for the claim and endorsement forms (htmx)."""
    principal = principal_for(request.user)
    require(principal, "skills.view_taxonomy")
    q = request.GET.get("q", "").strip()
    skills = queries.search_skills(_organization(principal), q, limit=12) if len(q) >= 2 else []
    return render(request, "skills/_skill_options.html", {"skills": skills, "q": q})


@login_required
def skill_detail(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "skills.view_taxonomy")
    organization = _organization(principal)
    skill = get_object_or_404(Skill.objects.prefetch_related("groups"), pk=pk)
    if skill.organization_id not in (None, organization.pk):
        raise Http404("no such skill")
    curator = can(principal, "skills.curate", organization)
    setting = skill.settings.filter(organization=organization).first()
    if request.method == "POST":
        require(principal, "skills.curate", organization)
        synonyms = request.POST.get("synonyms", "").split("\n")
        try:
            actions.set_skill_setting(
                organization, skill, actor=current_user(request), synonyms=synonyms,
                hidden=request.POST.get("hidden") == "on",
            )  # fmt: skip
            messages.success(request, "Saved.")
        except actions.SkillsError as exc:
            messages.error(request, str(exc))
        return redirect("skills:skill", pk=skill.pk)
    return render(
        request,
        "skills/skill.html",
        {"skill": skill, "setting": setting, "can_curate": curator},
    )


@login_required
@require_POST
def add_own_skill(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    organization = _organization(principal)
    require(principal, "skills.curate", organization)
    try:
        skill = actions.add_own_skill(
            organization, request.POST.get("label", ""), actor=current_user(request),
            description=request.POST.get("description", ""),
        )  # fmt: skip
        return redirect("skills:skill", pk=skill.pk)
    except actions.SkillsError as exc:
        messages.error(request, str(exc))
        return redirect("skills:taxonomy")


# -- role profiles and frameworks -------------------------------------------------------


@login_required
def roles(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    organization = _organization(principal)
    require(principal, "skills.view_roles", organization)
    curator = can(principal, "skills.curate", organization)
    if request.method == "POST":
        require(principal, "skills.curate", organization)
        try:
            upload = request.FILES.get("file")
            if upload is not None:
                outcome = actions.import_role_profiles(
                    organization, read_limited(upload, actions.MAX_CSV_BYTES),
                    actor=current_user(request), filename=str(upload.name or "roles.csv"),
                )  # fmt: skip
                messages.success(
                    request,
                    f"Imported {outcome.profiles} role profile(s) with {outcome.requirements} requirement(s).",
                )
            elif request.POST.get("occupation"):
                occupation = get_object_or_404(
                    Occupation, pk=_int(request.POST["occupation"], "occupation")
                )
                profile = actions.profile_from_occupation(
                    organization, occupation, actor=current_user(request)
                )
                return redirect("skills:role", pk=profile.pk)
            else:
                job_role = None
                if request.POST.get("job_role"):
                    job_role = JobRole.objects.filter(
                        organization=organization, pk=_int(request.POST["job_role"], "job_role")
                    ).first()
                profile = actions.save_role_profile(
                    organization, request.POST.get("name", ""), [], actor=current_user(request),
                    description=request.POST.get("description", ""), job_role=job_role,
                )  # fmt: skip
                return redirect("skills:role", pk=profile.pk)
        except actions.SkillsError as exc:
            messages.error(request, str(exc))
        return redirect("skills:roles")
    q = request.GET.get("occupation_q", "").strip()
    return render(
        request,
        "skills/roles.html",
        {
            "profiles": RoleProfile.objects.filter(organization=organization).select_related(
                "job_role"
            ),
            "can_curate": curator,
            "job_roles": JobRole.objects.filter(
                organization=organization, skill_profile__isnull=True
            )
            if curator
            else [],
            "occupations": Occupation.objects.filter(label__icontains=q)[:20]
            if q and curator
            else [],
            "occupation_q": q,
        },
    )


@login_required
def roles_csv(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    organization = _organization(principal)
    require(principal, "skills.view_roles", organization)
    response = HttpResponse(queries.role_profiles_csv(organization), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="role-profiles.csv"'
    return response


@login_required
def role(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    organization = _organization(principal)
    profile = get_object_or_404(RoleProfile, pk=pk, organization=organization)
    require(principal, "skills.view_roles", organization)
    curator = can(principal, "skills.curate", organization)
    if request.method == "POST":
        require(principal, "skills.curate", organization)
        try:
            if request.POST.get("action") == "tag":
                # The worker tags the description; the page polls the job (_tagging.html).
                jobs.request_tagging(
                    organization, profile.description, actor=current_user(request),
                    profile=profile,
                )  # fmt: skip
                return redirect("skills:role", pk=profile.pk)
            if request.POST.get("action") == "add":
                skills = list(
                    queries.visible_skills(organization).filter(
                        pk__in=request.POST.getlist("skills")
                    )
                )
                added = actions.add_requirements(profile, skills, actor=current_user(request))
                messages.success(request, f"Added {added} requirement(s).")
                return redirect("skills:role", pk=profile.pk)
            if request.POST.get("action") == "path":
                target = get_object_or_404(
                    RoleProfile,
                    pk=_int(request.POST.get("target"), "target"),
                    organization=organization,
                )
                actions.add_career_path(
                    profile, target, actor=current_user(request), note=request.POST.get("note", "")
                )
                messages.success(request, f"Added a career path to {target.name}.")
                return redirect("skills:role", pk=profile.pk)
            if request.POST.get("action") == "save":
                requirements = []
                for requirement in profile.requirements.select_related("skill"):
                    if request.POST.get(f"remove-{requirement.pk}") == "on":
                        continue
                    level = _int(request.POST.get(f"level-{requirement.pk}"), "target level")
                    try:
                        weight = float(request.POST.get(f"weight-{requirement.pk}", "1"))
                    except ValueError:
                        raise actions.SkillsError(
                            f"{requirement.skill.label}: weight must be a number"
                        ) from None
                    requirements.append((requirement.skill, level, weight))
                actions.save_role_profile(
                    organization, profile.name, requirements, actor=current_user(request),
                    description=request.POST.get("description", profile.description),
                    job_role=profile.job_role, occupation=profile.occupation,
                )  # fmt: skip
                messages.success(request, "Saved.")
                return redirect("skills:role", pk=profile.pk)
        except actions.SkillsError as exc:
            messages.error(request, str(exc))
    tagging = queries.latest_tagging(profile) if curator else None
    return render(
        request,
        "skills/role.html",
        {
            "profile": profile,
            "requirements": profile.requirements.select_related("skill"),
            "paths_out": profile.paths_out.select_related("target"),
            "other_profiles": RoleProfile.objects.filter(organization=organization).exclude(
                pk=profile.pk
            )
            if curator
            else [],
            "can_curate": curator,
            "tagging": tagging,
            "tagged": queries.tagged(tagging) if tagging else [],
            "levels": range(1, queries.scale_top(organization) + 1),
        },
    )


@login_required
def tagging_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A role description's tagging job; htmx polls this fragment until the job ends, then
    it carries the skills found, to add as requirements. Without htmx: the role page."""
    principal = principal_for(request.user)
    organization = _organization(principal)
    job = get_object_or_404(TaggingJob, pk=pk, organization=organization, profile__isnull=False)
    require(principal, "skills.curate", organization)
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect("skills:role", pk=job.profile_id)
    return render(request, "skills/_tagging.html", {"tagging": job, "tagged": queries.tagged(job)})


@login_required
def frameworks(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    organization = _organization(principal)
    require(principal, "skills.view_roles", organization)
    if request.method == "POST":
        require(principal, "skills.curate", organization)
        try:
            actions.create_framework(
                organization, request.POST.get("name", ""), actor=current_user(request),
                description=request.POST.get("description", ""),
            )  # fmt: skip
        except actions.SkillsError as exc:
            messages.error(request, str(exc))
        return redirect("skills:frameworks")
    return render(
        request,
        "skills/frameworks.html",
        {
            "frameworks": Framework.objects.filter(organization=organization).prefetch_related(
                "entries__skill"
            ),
            "scale": queries.default_scale(organization),
            "can_curate": can(principal, "skills.curate", organization),
        },
    )


# -- gaps -------------------------------------------------------------------------------


@login_required
def my_gaps(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    employee = _me(principal)
    if request.GET.get("person"):
        employee = _employee(principal, _int(request.GET["person"], "person"))
    require(principal, "skills.view_profile", employee)
    organization = employee.organization
    if request.method == "POST":
        require(principal, "skills.set_goal", employee)
        goal_id = request.POST.get("goal")
        goal = (
            get_object_or_404(RoleProfile, pk=_int(goal_id, "goal"), organization=organization)
            if goal_id
            else None
        )
        actions.set_career_goal(employee, goal, actor=current_user(request))
        messages.success(request, "Your target role is saved." if goal else "Target role cleared.")
        return redirect(f"{request.path}?person={employee.pk}")
    current, goal = queries.role_of(employee), queries.goal_of(employee)
    return render(
        request,
        "skills/gaps_person.html",
        {
            "person": employee,
            "current": queries.person_gap(employee, current) if current else None,
            "target": queries.person_gap(employee, goal) if goal else None,
            "history": queries.gap_history([employee]),
            "profiles": RoleProfile.objects.filter(organization=organization),
            "can_set_goal": can(principal, "skills.set_goal", employee),
            "paths": current.paths_out.select_related("target") if current else [],
        },
    )


@login_required
def team_gaps(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    organization = _organization(principal)
    require(principal, "skills.view_team_gaps", organization)
    hr = can(principal, "skills.view_inventory_people", organization)
    department_id = None
    if request.GET.get("department"):
        try:
            department_id = int(request.GET["department"])
        except ValueError:
            raise Http404("no such department") from None
    team = queries.team_people(principal.employee, organization, department_id, hr)
    heatmap = queries.team_heatmap(team.people)
    if request.GET.get("format") == "csv":
        return _heatmap_csv(heatmap)
    return render(
        request,
        "skills/gaps_team.html",
        {
            "heatmap": heatmap,
            "departments": Department.objects.filter(organization=organization) if hr else [],
            "department_id": department_id,
            "team": team,
            "history": queries.gap_history(team.people) if len(team.people) <= 200 else [],
        },
    )


def _heatmap_csv(heatmap: queries.Heatmap) -> HttpResponse:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["person", "role", *[f"{s.label} (level/target)" for s in heatmap.skills]])
    for person, cells in heatmap.rows():
        writer.writerow(
            [person.name, person.job_role.title if person.job_role else "",
             *[f"{level:.1f}/{target}" if target else f"{level:.1f}" for level, target in cells]]
        )  # fmt: skip
    response = HttpResponse(out.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="team-skills.csv"'
    return response


@login_required
def inventory(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    organization = _organization(principal)
    require(principal, "skills.view_inventory", organization)
    with_people = can(principal, "skills.view_inventory_people", organization)
    result = queries.inventory(organization, with_people=with_people)
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        writer = csv_writer(out)
        writer.writerow(["skill", "holders", "at level 3 or above"])
        for row in result.skills:
            writer.writerow(
                [row.label, _shown(row.holders, result), _shown(row.proficient, result)]
            )
        writer.writerow([])
        writer.writerow(["role profile", "incumbents", "ready now"])
        for bench in result.bench:
            writer.writerow(
                [bench.profile.name, _shown(bench.incumbents, result), _shown(bench.ready, result)]
            )
        response = HttpResponse(out.getvalue(), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="skills-inventory.csv"'
        return response
    return render(
        request, "skills/inventory.html", {"inventory": result, "with_people": with_people}
    )


def _shown(value: int | None, result: queries.Inventory) -> str:
    # One marker for every hidden count: telling small groups from their complements apart
    # would undo the complementary suppression.
    return str(value) if value is not None else "hidden"
