"""Skills API: taxonomy, profiles with evidence, text inference with acceptance, role
profiles and gap analysis. Mounted under /api/v1/ like the other domains."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from learnloop.api.auth import permitted
from learnloop.api.errors import ApiError, ErrorResponse
from learnloop.people.models import Employee, JobRole, Organization
from learnloop.permissions import Principal, can, principal_for, require
from learnloop.skills import actions, jobs, queries
from learnloop.skills.models import (
    InferenceJob,
    RoleProfile,
    Skill,
    Source,
    Suggestion,
    TaggingJob,
)
from learnloop.uploads.text import read_limited

router = Router(tags=["skills"])
MAX_TEXT = 60_000
MAX_UPLOAD = 10 * 1024 * 1024


class SkillOut(Schema):
    id: int
    uri: str
    label: str
    alt_labels: list[str]
    description: str
    kind: str
    own: bool


class EvidenceOut(Schema):
    source: str
    level: int
    observed_on: datetime.date
    confidence: float
    evidence: str
    evidence_ref: str
    weight: float


class ProfileEntryOut(Schema):
    skill: SkillOut
    level: float
    confidence: float
    validated: bool
    evidence: list[EvidenceOut]


class ClaimIn(Schema):
    skill_id: int
    level: int
    evidence: str = ""


class ClaimOut(Schema):
    id: int
    skill_id: int
    level: int
    source: str
    observed_on: datetime.date


class SkillTextIn(Schema):
    text: str


class SkillSuggestionOut(Schema):
    id: int
    skill: SkillOut
    sentence: str
    evidence: str
    span_start: int | None
    span_end: int | None
    score: float
    status: str


class SkillDecisionIn(Schema):
    accept: bool
    level: int = 2


class TagIn(Schema):
    text: str
    top: int = 10


class TaggedOut(Schema):
    skill: SkillOut
    score: float
    sentence: str
    evidence: str


class RequirementIO(Schema):
    skill_id: int
    target_level: int
    weight: float = 1.0


class RoleIn(Schema):
    name: str
    description: str = ""
    job_role_id: int | None = None
    requirements: list[RequirementIO] = []


class RoleOut(Schema):
    id: int
    name: str
    description: str
    job_role_id: int | None
    requirements: list[RequirementIO]


class GapRowOut(Schema):
    skill_id: int
    label: str
    target: int
    weight: float
    level: float
    gap: float


class GapReportOut(Schema):
    profile_id: int
    profile: str
    readiness: float
    rows: list[GapRowOut]


class PersonGapsOut(Schema):
    current: GapReportOut | None
    target: GapReportOut | None


class HeatmapOut(Schema):
    total_people: int  # above the people listed when the selection is larger than 500
    people: list[dict[str, object]]
    skills: list[dict[str, object]]
    levels: list[list[float]]
    targets: list[list[int]]


class InventoryRowOut(Schema):
    skill_id: int
    label: str
    holders: int | None
    proficient: int | None
    mean_level: float | None


class BenchOut(Schema):
    profile_id: int
    profile: str
    incumbents: int | None
    ready: int | None
    people: list[int]


class InventoryOut(Schema):
    headcount: int
    min_group_size: int
    skills: list[InventoryRowOut]
    bench: list[BenchOut]


class RoleImportOut(Schema):
    profiles: int
    requirements: int


def _organization(principal: Principal) -> Organization:
    if principal.organization is None:
        raise ApiError(403, "no_organization", "Your account is not part of an organization.")
    return principal.organization


def _employee(principal: Principal, pk: int) -> Employee:
    employee = get_object_or_404(Employee.objects.select_related("organization", "user"), pk=pk)
    if employee.organization_id != _organization(principal).pk:
        raise Http404("no such person")
    return employee


def _skill_out(skill: Skill) -> SkillOut:
    return SkillOut(
        id=skill.pk, uri=skill.uri, label=skill.label, alt_labels=list(skill.alt_labels or []),
        description=skill.description, kind=skill.kind, own=skill.organization_id is not None,
    )  # fmt: skip


def _skill(organization: Organization, pk: int, field: str = "skill_id") -> Skill:
    skill = queries.visible_skills(organization).filter(pk=pk).first()
    if skill is None:
        raise ApiError(
            400,
            "invalid_skill",
            f"{field}: no such skill",
            [{"field": field, "message": "no such skill"}],
        )
    return skill


def _invalid(exc: actions.SkillsError) -> ApiError:
    return ApiError(400, "invalid_request", str(exc))


@router.get(
    "/skills/taxonomy",
    response=list[SkillOut],
    summary="Search the skills catalogue",
    url_name="skills_taxonomy",
)
def taxonomy(request: HttpRequest, q: str = "", limit: int = 50) -> list[SkillOut]:
    principal = principal_for(request.user)
    require(principal, "skills.view_taxonomy")
    found = queries.search_skills(
        _organization(principal), q.strip(), limit=max(1, min(limit, 200))
    )
    return [_skill_out(s) for s in found]


@router.get(
    "/skills/people/{employee_pk}/profile",
    response={200: list[ProfileEntryOut], 403: ErrorResponse, 404: ErrorResponse},
    summary="A person's skill profile with the evidence behind each level",
)
def profile(request: HttpRequest, employee_pk: int) -> list[ProfileEntryOut]:
    principal = principal_for(request.user)
    employee = _employee(principal, employee_pk)
    require(principal, "skills.view_profile", employee)
    out = []
    for entry in queries.profile(employee):
        claims = {(c.source, c.claimed_by_id): c for c in reversed(entry.claims)}
        evidence = []
        for contribution in entry.combined.contributions:
            claim = claims.get((contribution.claim.source, contribution.claim.claimant))
            evidence.append(
                EvidenceOut(
                    source=contribution.claim.source,
                    level=contribution.claim.level,
                    observed_on=contribution.claim.observed_on,
                    confidence=contribution.claim.confidence,
                    evidence=claim.evidence if claim else "",
                    evidence_ref=claim.evidence_ref if claim else "",
                    weight=round(contribution.weight, 4),
                )
            )
        out.append(
            ProfileEntryOut(
                skill=_skill_out(entry.skill),
                level=entry.combined.level,
                confidence=entry.combined.confidence,
                validated=entry.combined.validated,
                evidence=evidence,
            )
        )
    return out


@router.post(
    "/skills/people/{employee_pk}/claims",
    response={201: ClaimOut, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse},
    summary="A self-assessment (for yourself) or a validation (for your report)",
)
def add_claim(request: HttpRequest, employee_pk: int, payload: ClaimIn) -> Status[ClaimOut]:
    principal = principal_for(request.user)
    employee = _employee(principal, employee_pk)
    if can(principal, "skills.claim", employee):
        source = Source.SELF
    else:
        require(principal, "skills.validate", employee)
        source = Source.MANAGER
    skill = _skill(employee.organization, payload.skill_id)
    try:
        claim = actions.add_claim(
            employee, skill, payload.level, source, actor=principal.user, evidence=payload.evidence
        )
    except actions.SkillsError as exc:
        raise _invalid(exc) from None
    return Status(
        201,
        ClaimOut(
            id=claim.pk,
            skill_id=skill.pk,
            level=claim.level,
            source=claim.source,
            observed_on=claim.observed_on,
        ),
    )


@router.post(
    "/skills/people/{employee_pk}/endorsements",
    response={201: ClaimOut, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse},
    summary="Endorse a colleague's skill",
)
def endorse(request: HttpRequest, employee_pk: int, payload: ClaimIn) -> Status[ClaimOut]:
    principal = principal_for(request.user)
    employee = _employee(principal, employee_pk)
    require(principal, "skills.endorse", employee)
    skill = _skill(employee.organization, payload.skill_id)
    try:
        claim = actions.add_claim(
            employee,
            skill,
            payload.level,
            Source.PEER,
            actor=principal.user,
            evidence=payload.evidence,
        )
    except actions.SkillsError as exc:
        raise _invalid(exc) from None
    return Status(
        201,
        ClaimOut(
            id=claim.pk,
            skill_id=skill.pk,
            level=claim.level,
            source=claim.source,
            observed_on=claim.observed_on,
        ),
    )


def _suggestion_out(s: Suggestion) -> SkillSuggestionOut:
    return SkillSuggestionOut(
        id=s.pk, skill=_skill_out(s.skill), sentence=s.sentence, evidence=s.evidence,
        span_start=s.span_start, span_end=s.span_end, score=s.score, status=s.status,
    )  # fmt: skip


def _me(principal: Principal) -> Employee:
    if principal.employee is None:
        raise ApiError(403, "no_employee", "Your account has no employee record.")
    return principal.employee


@router.get(
    "/skills/suggestions",
    response=list[SkillSuggestionOut],
    summary="Your pending skill suggestions",
)
def suggestions(request: HttpRequest) -> list[SkillSuggestionOut]:
    principal = principal_for(request.user)
    employee = _me(principal)
    require(principal, "skills.claim", employee)
    pending = Suggestion.objects.filter(
        employee=employee, status=Suggestion.Status.PENDING
    ).select_related("skill")
    return [_suggestion_out(s) for s in pending]


class JobOut(Schema):
    id: int
    status: str  # pending, running, done or failed
    source_name: str
    error: str
    suggestion_count: int
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    status_url: str
    suggestions: list[SkillSuggestionOut]  # the job's pending suggestions once it is done


def _job_out(request: HttpRequest, job: InferenceJob) -> JobOut:
    suggestions = (
        job.suggestions.filter(status=Suggestion.Status.PENDING).select_related("skill")
        if job.status == InferenceJob.Status.DONE
        else []
    )
    return JobOut(
        id=job.pk, status=job.status, source_name=job.source_name, error=job.error,
        suggestion_count=job.suggestion_count, created_at=job.created_at,
        finished_at=job.finished_at, status_url=_status_url(request, job),
        suggestions=[_suggestion_out(s) for s in suggestions],
    )  # fmt: skip


def _status_url(request: HttpRequest, job: InferenceJob) -> str:
    return request.build_absolute_uri(reverse("api:skills_inference_job", args=[job.pk]))


def _queued(request: HttpRequest, response: HttpResponse, job: InferenceJob) -> Status[JobOut]:
    job.refresh_from_db()  # an immediate task backend may have finished it already
    response["Location"] = _status_url(request, job)
    return Status(202, _job_out(request, job))


@router.post(
    "/skills/suggestions",
    response={202: JobOut, 400: ErrorResponse, 403: ErrorResponse},
    summary="Queue your text (a CV, a write-up) for skill suggestions; poll the status URL "
    "(Location) for the result. Nothing is added to your profile until you accept",
)
def suggest(request: HttpRequest, response: HttpResponse, payload: SkillTextIn) -> Status[JobOut]:
    principal = principal_for(request.user)
    employee = _me(principal)
    require(principal, "skills.claim", employee)
    if not payload.text.strip():
        raise ApiError(
            400, "invalid_request", "text: empty", [{"field": "text", "message": "empty"}]
        )
    try:
        job = jobs.request_inference(
            employee, actor=principal.user, text=payload.text[:MAX_TEXT], source_name="API"
        )
    except actions.SkillsError as exc:
        raise _invalid(exc) from None
    return _queued(request, response, job)


@router.post(
    "/skills/suggestions/upload",
    response={202: JobOut, 400: ErrorResponse, 403: ErrorResponse},
    summary="Queue a .txt, .pdf or .docx CV for skill suggestions; poll the status URL",
)
def suggest_from_file(
    request: HttpRequest, response: HttpResponse, file: File[UploadedFile]
) -> Status[JobOut]:
    principal = principal_for(request.user)
    employee = _me(principal)
    require(principal, "skills.claim", employee)
    name = str(file.name or "upload")
    if file.size is not None and file.size > MAX_UPLOAD:
        raise ApiError(400, "invalid_file", f"file: {name} is larger than 10 MB")
    try:
        job = jobs.request_inference(
            employee, actor=principal.user, document=file.read(MAX_UPLOAD + 1), source_name=name
        )
    except actions.SkillsError as exc:
        raise ApiError(400, "invalid_file", f"file: {exc}") from None
    return _queued(request, response, job)


@router.get(
    "/skills/inference-jobs/{job_pk}",
    response={200: JobOut, 403: ErrorResponse, 404: ErrorResponse},
    summary="A queued skill-suggestion job: its status, then its suggestions or its error",
    url_name="skills_inference_job",
)
def inference_job(request: HttpRequest, job_pk: int) -> JobOut:
    principal = principal_for(request.user)
    job = get_object_or_404(InferenceJob.objects.select_related("employee"), pk=job_pk)
    require(principal, "skills.claim", job.employee)
    return _job_out(request, job)


@router.post(
    "/skills/suggestions/{suggestion_pk}/decision",
    response={200: SkillSuggestionOut, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse},
    summary="Accept (with a level) or reject a suggestion",
)
def decide(
    request: HttpRequest, suggestion_pk: int, payload: SkillDecisionIn
) -> SkillSuggestionOut:
    principal = principal_for(request.user)
    suggestion = get_object_or_404(
        Suggestion.objects.select_related("employee", "skill"), pk=suggestion_pk
    )
    require(principal, "skills.claim", suggestion.employee)
    try:
        actions.decide_suggestion(
            suggestion, payload.accept, actor=principal.user, level=payload.level
        )
    except actions.SkillsError as exc:
        raise _invalid(exc) from None
    return _suggestion_out(suggestion)


class TaggingJobOut(Schema):
    id: int
    status: str  # pending, running, done or failed
    error: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    status_url: str
    results: list[TaggedOut]  # best first, once the job is done


def _tagging_out(request: HttpRequest, job: TaggingJob) -> TaggingJobOut:
    return TaggingJobOut(
        id=job.pk, status=job.status, error=job.error, created_at=job.created_at,
        finished_at=job.finished_at,
        status_url=request.build_absolute_uri(reverse("api:skills_tagging_job", args=[job.pk])),
        results=[
            TaggedOut(
                skill=_skill_out(item.skill), score=item.score, sentence=item.sentence,
                evidence=item.sentence[item.span[0] : item.span[1]] if item.span else item.sentence,
            )
            for item in queries.tagged(job)
        ],
    )  # fmt: skip


@router.post(
    "/skills/tag",
    auth=permitted("skills.curate", in_organization=True),
    response={202: TaggingJobOut, 400: ErrorResponse, 403: ErrorResponse},
    summary="Queue a text (a course or job description) to tag with the skills it covers; "
    "poll the status URL (Location) for them. Writes nothing else",
)
def tag(request: HttpRequest, response: HttpResponse, payload: TagIn) -> Status[TaggingJobOut]:
    principal = principal_for(request.user)
    organization = _organization(principal)
    require(principal, "skills.curate", organization)
    try:
        job = jobs.request_tagging(
            organization, payload.text, actor=principal.user, top=payload.top
        )
    except actions.SkillsError as exc:
        raise _invalid(exc) from None
    job.refresh_from_db()  # an immediate task backend may have finished it already
    body = _tagging_out(request, job)
    response["Location"] = body.status_url
    return Status(202, body)


@router.get(
    "/skills/tagging-jobs/{job_pk}",
    auth=permitted("skills.curate", in_organization=True),
    response={200: TaggingJobOut, 403: ErrorResponse, 404: ErrorResponse},
    summary="A queued tagging job: its status, then the skills found or its error",
    url_name="skills_tagging_job",
)
def tagging_job(request: HttpRequest, job_pk: int) -> TaggingJobOut:
    principal = principal_for(request.user)
    organization = _organization(principal)
    job = get_object_or_404(TaggingJob, pk=job_pk, organization=organization)
    require(principal, "skills.curate", organization)
    return _tagging_out(request, job)


def _role_out(profile: RoleProfile) -> RoleOut:
    return RoleOut(
        id=profile.pk, name=profile.name, description=profile.description, job_role_id=profile.job_role_id,
        requirements=[
            RequirementIO(skill_id=r.skill_id, target_level=r.target_level, weight=r.weight)
            for r in profile.requirements.all()
        ],
    )  # fmt: skip


@router.get("/skills/roles", response=list[RoleOut], summary="Role profiles")
def roles(request: HttpRequest) -> list[RoleOut]:
    principal = principal_for(request.user)
    organization = _organization(principal)
    require(principal, "skills.view_roles", organization)
    profiles = RoleProfile.objects.filter(organization=organization).prefetch_related(
        "requirements"
    )
    return [_role_out(p) for p in profiles]


@router.put(
    "/skills/roles",
    auth=permitted("skills.curate", in_organization=True),
    response={200: RoleOut, 400: ErrorResponse, 403: ErrorResponse},
    summary="Create or replace a role profile (by name) with its requirements",
)
def save_role(request: HttpRequest, payload: RoleIn) -> RoleOut:
    principal = principal_for(request.user)
    organization = _organization(principal)
    require(principal, "skills.curate", organization)
    job_role = None
    if payload.job_role_id is not None:
        job_role = JobRole.objects.filter(organization=organization, pk=payload.job_role_id).first()
        if job_role is None:
            raise ApiError(400, "invalid_request", "job_role_id: no such job role")
    requirements = [
        (_skill(organization, r.skill_id, f"requirements.{i}.skill_id"), r.target_level, r.weight)
        for i, r in enumerate(payload.requirements)
    ]
    try:
        profile = actions.save_role_profile(
            organization, payload.name, requirements, actor=principal.user,
            description=payload.description, job_role=job_role,
        )  # fmt: skip
    except actions.SkillsError as exc:
        raise _invalid(exc) from None
    return _role_out(profile)


@router.post(
    "/skills/roles/import",
    auth=permitted("skills.curate", in_organization=True),
    response={200: RoleImportOut, 400: ErrorResponse, 403: ErrorResponse},
    summary="Import role profiles from CSV (role_profile, skill, target_level, weight); all rows or none",
)
def import_roles(request: HttpRequest, file: File[UploadedFile]) -> RoleImportOut:
    principal = principal_for(request.user)
    organization = _organization(principal)
    require(principal, "skills.curate", organization)
    try:
        outcome = actions.import_role_profiles(
            organization, read_limited(file, actions.MAX_CSV_BYTES), actor=principal.user,
            filename=str(file.name or "roles.csv"),
        )  # fmt: skip
    except actions.SkillsError as exc:
        raise _invalid(exc) from None
    return RoleImportOut(profiles=outcome.profiles, requirements=outcome.requirements)


def _report(report: queries.GapReport | None) -> GapReportOut | None:
    if report is None:
        return None
    return GapReportOut(
        profile_id=report.profile.pk, profile=report.profile.name, readiness=round(report.readiness, 4),
        rows=[GapRowOut(skill_id=r.skill.pk, label=r.skill.label, target=r.target, weight=r.weight,
                        level=r.level, gap=r.gap) for r in report.rows],
    )  # fmt: skip


@router.get(
    "/skills/people/{employee_pk}/gaps",
    response={200: PersonGapsOut, 403: ErrorResponse, 404: ErrorResponse},
    summary="A person against their current role and their target role",
)
def person_gaps(request: HttpRequest, employee_pk: int) -> PersonGapsOut:
    principal = principal_for(request.user)
    employee = _employee(principal, employee_pk)
    require(principal, "skills.view_profile", employee)
    current, goal = queries.role_of(employee), queries.goal_of(employee)
    return PersonGapsOut(
        current=_report(queries.person_gap(employee, current) if current else None),
        target=_report(queries.person_gap(employee, goal) if goal else None),
    )


class TeamFilter(Schema):
    department: int | None = None


@router.get(
    "/skills/gaps/team",
    response={200: HeatmapOut, 403: ErrorResponse},
    summary="Skills x people heatmap for your reports (HR: any department)",
)
def team(request: HttpRequest, filters: Query[TeamFilter]) -> HeatmapOut:
    principal = principal_for(request.user)
    organization = _organization(principal)
    require(principal, "skills.view_team_gaps", organization)
    hr = can(principal, "skills.view_inventory_people", organization)
    team = queries.team_people(principal.employee, organization, filters.department, hr)
    heatmap = queries.team_heatmap(team.people)
    return HeatmapOut(
        total_people=team.total,
        people=[
            {"id": p.pk, "name": p.name, "role": p.job_role.title if p.job_role else None}
            for p in heatmap.people
        ],
        skills=[
            {"id": s.pk, "label": s.label, "coverage": c, "depth": d}
            for s, c, d in heatmap.columns()
        ],
        levels=heatmap.levels.round(2).tolist(),
        targets=heatmap.targets.astype(int).tolist(),
    )


@router.get(
    "/skills/gaps/inventory",
    response={200: InventoryOut, 403: ErrorResponse},
    summary="Company skills inventory and bench strength (aggregates; HR also sees who)",
)
def inventory(request: HttpRequest) -> InventoryOut:
    principal = principal_for(request.user)
    organization = _organization(principal)
    require(principal, "skills.view_inventory", organization)
    result = queries.inventory(
        organization, with_people=can(principal, "skills.view_inventory_people", organization)
    )
    return InventoryOut(
        headcount=result.headcount, min_group_size=result.min_group_size,
        skills=[InventoryRowOut(skill_id=r.skill_id, label=r.label, holders=r.holders, proficient=r.proficient, mean_level=r.mean_level)
                for r in result.skills],
        bench=[BenchOut(profile_id=b.profile.pk, profile=b.profile.name, incumbents=b.incumbents, ready=b.ready,
                        people=[p.pk for p in b.people]) for b in result.bench],
    )  # fmt: skip
