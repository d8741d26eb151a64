"""Learning API, mounted under /api/v1/ like the other domains: catalog, enrollments and
progress, quizzes, certificates, personalized paths, mastery, team and analytics."""

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from learnloop.accounts.models import current_user
from learnloop.api.auth import permitted
from learnloop.api.errors import ApiError, ErrorResponse
from learnloop.learning import actions, catalog_csv, certificates, planning, queries
from learnloop.learning.models import (
    Certificate,
    Curriculum,
    Enrollment,
    EnrollmentSource,
    Item,
    ItemSkill,
    Lesson,
    Mastery,
    Question,
    Quiz,
)
from learnloop.people.models import Department, Employee, JobRole, Organization
from learnloop.permissions import Principal, principal_for, require
from learnloop.skills import queries as skill_queries
from learnloop.skills.models import RoleProfile, Skill
from learnloop.uploads.text import read_limited

router = Router(tags=["learning"])
ERRORS = {400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse}


class SkillLevelIO(Schema):
    skill_id: int
    level: int


class ItemIn(Schema):
    title: str
    kind: str = "course"
    description: str = ""
    url: str = ""
    duration_minutes: int = 60
    format: str = "self_paced"
    language: str = "en"
    cost: Decimal = Decimal(0)
    provider: str = ""
    audience: str = ""
    skills: list[SkillLevelIO] = []
    prerequisite_skills: list[SkillLevelIO] = []
    prerequisite_item_ids: list[int] = []


class ItemSkillOut(Schema):
    id: int
    skill_id: int
    label: str
    level: int
    confirmed: bool
    score: float | None


class ItemOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    url: str
    duration_minutes: int
    format: str
    language: str
    cost: float
    provider: str
    audience: str
    active: bool
    skills: list[ItemSkillOut]
    prerequisite_skills: list[SkillLevelIO]
    prerequisite_item_ids: list[int]
    quiz_ids: list[int]


class EnrolIn(Schema):
    employee_id: int | None = None  # a report (manager) or anyone (L&D); default: oneself
    due_date: datetime.date | None = None
    mandatory: bool = False


class GroupIn(Schema):
    department_id: int | None = None
    job_role_id: int | None = None
    due_date: datetime.date | None = None
    mandatory: bool = False


class EnrollmentOut(Schema):
    id: int
    registration: str
    item_id: int
    item: str
    employee_id: int
    source: str
    status: str
    progress: float
    seconds_spent: int
    due_date: datetime.date | None
    mandatory: bool
    completed_at: datetime.datetime | None
    certificate: str | None


class LessonProgressIn(Schema):
    lesson_id: int | None = None
    progress: float | None = None
    seconds: int = 0


class CompleteIn(Schema):
    seconds: int = 0


class RatingIn(Schema):
    stars: int
    comment: str = ""


class QuestionOut(Schema):
    id: int
    skill_id: int
    kind: str
    text: str
    choices: list[str]


class QuizOut(Schema):
    id: int
    item_id: int
    title: str
    pass_mark: float
    max_attempts: int | None
    questions: list[QuestionOut]


class QuizAnswerIn(Schema):
    question_id: int
    response: Any


class AttemptIn(Schema):
    answers: list[QuizAnswerIn]


class MasteryOut(Schema):
    skill_id: int
    label: str
    before: float | None = None
    estimate: float
    answers: int = 0


class AttemptOut(Schema):
    id: int
    score: float
    passed: bool
    mastery: list[MasteryOut]
    path_removed: list[str]
    path_added: list[str]


class PathIn(Schema):
    target_kind: str = "current_role"
    target_role_id: int | None = None
    target_skills: list[SkillLevelIO] = []
    formats: list[str] = []
    languages: list[str] = []
    weekly_hours: float = 3.0


class PathEditIn(Schema):
    item_id: int
    change: str


class StepOut(Schema):
    item: int
    title: str
    kind: str
    reasons: list[str]
    hours: float
    starts: datetime.date
    ends: datetime.date


class PathOut(Schema):
    employee_id: int
    target: str
    target_kind: str
    weekly_hours: float
    steps: list[StepOut]
    skipped: list[list[Any]]
    unmet: list[list[Any]]
    closes_on: datetime.date | None
    hours: float


class TeamRowOut(Schema):
    employee_id: int
    name: str
    enrolled: int
    completed: int
    overdue: int
    next_due: datetime.date | None
    path_steps: int
    closes_on: datetime.date | None


class ItemStatsOut(Schema):
    item_id: int
    title: str
    enrollments: int
    completed: int
    completion_rate: float | None
    average_rating: float | None
    ratings: int


class QuestionIn(Schema):
    skill_id: int
    kind: str
    text: str
    choices: list[str] = []
    answer: Any
    level: int = 2
    tolerance: float = 0.0
    explanation: str = ""


class QuizIn(Schema):
    title: str
    question_ids: list[int]
    pass_mark: float = 0.7
    max_attempts: int | None = None


class CurriculumIn(Schema):
    title: str
    description: str = ""
    item_ids: list[int]


class CreatedOut(Schema):
    id: int


class CountOut(Schema):
    count: int


class CatalogImportOut(Schema):
    created: int
    updated: int


class ItemSkillDecisionIn(Schema):
    accept: bool
    level: int = 2


# -- helpers -----------------------------------------------------------------------------


def _organization(principal: Principal) -> Organization:
    if principal.organization is None:
        raise ApiError(403, "no_organization", "Your account is not part of an organization.")
    return principal.organization


def _invalid(exc: actions.LearningError) -> ApiError:
    details = [{"field": exc.field, "message": str(exc)}] if exc.field else []
    return ApiError(400, "invalid_request", str(exc), details)


def _item(principal: Principal, pk: int) -> Item:
    item = get_object_or_404(Item, pk=pk)
    require(principal, "learning.view_item", item)
    return item


def _enrollment(principal: Principal, pk: int, action: str) -> Enrollment:
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("item", "employee__user", "employee__organization"),
        pk=pk,
    )
    require(principal, action, enrollment)
    return enrollment


def _skill(organization: Organization, pk: int, field: str) -> Skill:
    skill = skill_queries.visible_skills(organization).filter(pk=pk).first()
    if skill is None:
        raise ApiError(
            400,
            "invalid_skill",
            f"{field}: no such skill",
            [{"field": field, "message": "no such skill"}],
        )
    return skill


def _item_out(item: Item) -> ItemOut:
    return ItemOut(
        id=item.pk, kind=item.kind, title=item.title, description=item.description, url=item.url,
        duration_minutes=item.duration_minutes, format=item.format, language=item.language,
        cost=float(item.cost), provider=item.provider, audience=item.audience, active=item.active,
        skills=[
            ItemSkillOut(id=s.pk, skill_id=s.skill_id, label=s.skill.label, level=s.level,
                         confirmed=s.confirmed, score=s.score)
            for s in item.skills.select_related("skill")
        ],
        prerequisite_skills=[
            SkillLevelIO(skill_id=p.skill_id, level=p.level) for p in item.prerequisite_skills.all()
        ],
        prerequisite_item_ids=list(item.prerequisite_items.values_list("pk", flat=True)),
        quiz_ids=list(item.quizzes.values_list("pk", flat=True)),
    )  # fmt: skip


def _enrollment_out(e: Enrollment) -> EnrollmentOut:
    certificate = Certificate.objects.filter(enrollment=e).values_list("code", flat=True).first()
    return EnrollmentOut(
        id=e.pk, registration=str(e.uuid), item_id=e.item_id, item=e.item.title,
        employee_id=e.employee_id, source=e.source, status=e.status, progress=e.progress,
        seconds_spent=e.seconds_spent, due_date=e.due_date, mandatory=e.mandatory,
        completed_at=e.completed_at, certificate=str(certificate) if certificate else None,
    )  # fmt: skip


def _item_data(organization: Organization, body: ItemIn) -> actions.ItemData:
    return actions.ItemData(
        title=body.title, kind=body.kind, description=body.description, url=body.url,
        duration_minutes=body.duration_minutes, format=body.format, language=body.language.lower(),
        cost=body.cost, provider=body.provider, audience=body.audience,
        skills=[(_skill(organization, s.skill_id, "skills"), s.level) for s in body.skills],
        prerequisite_skills=[
            (_skill(organization, s.skill_id, "prerequisite_skills"), s.level)
            for s in body.prerequisite_skills
        ],
        prerequisite_items=list(
            Item.objects.filter(organization=organization, pk__in=body.prerequisite_item_ids)
        ),
    )  # fmt: skip


def _people(
    organization: Organization, department_id: int | None, job_role_id: int | None
) -> list[Employee]:
    department = job_role = None
    if department_id is not None:
        department = Department.objects.filter(organization=organization, pk=department_id).first()
        if department is None:
            raise ApiError(400, "invalid_request", "department_id: no such team")
    if job_role_id is not None:
        job_role = JobRole.objects.filter(organization=organization, pk=job_role_id).first()
        if job_role is None:
            raise ApiError(400, "invalid_request", "job_role_id: no such role")
    try:
        return actions.group_members(organization, department=department, job_role=job_role)
    except actions.LearningError as exc:
        raise _invalid(exc) from None


def _path_out(employee: Employee) -> PathOut:
    path = planning.path_for(employee)
    if not path.plan:
        path = planning.replan(employee)
    plan = path.plan
    return PathOut(
        employee_id=employee.pk, target=plan.get("target", ""),
        target_kind=path.target_kind, weekly_hours=path.weekly_hours,
        steps=[StepOut(**{k: s[k] for k in ("item", "title", "kind", "reasons", "hours", "starts", "ends")})
               for s in plan.get("steps", [])],
        skipped=plan.get("skipped", []), unmet=plan.get("unmet", []),
        closes_on=path.closes_on, hours=plan.get("hours", 0.0),
    )  # fmt: skip


def _learner(principal: Principal, employee_id: int | None) -> Employee:
    if employee_id is None:
        require(principal, "learning.learn")
        assert principal.employee is not None
        return principal.employee
    employee = get_object_or_404(
        Employee.objects.select_related("organization", "user"), pk=employee_id
    )
    if employee.organization_id != _organization(principal).pk:
        raise Http404("no such person")
    require(principal, "learning.view_learner", employee)
    return employee


# -- catalog -----------------------------------------------------------------------------


@router.get("/learning/items", response=list[ItemOut], summary="Search the catalog")
def learning_items(
    request: HttpRequest, q: str = "", kind: str = "", format: str = "", language: str = "",
    skill_id: int | None = None, max_minutes: int | None = None, free: bool = False,
) -> list[ItemOut]:  # fmt: skip
    principal = principal_for(request.user)
    require(principal, "learning.use")
    f = queries.CatalogFilter(
        q=q.strip()[:200], kind=kind, format=format, language=language.lower(), skill=skill_id,
        max_minutes=max_minutes, free=free,
    )  # fmt: skip
    return [_item_out(i) for i in queries.search(_organization(principal), f)]


@router.post(
    "/learning/items",
    auth=permitted("learning.manage"),
    response={201: ItemOut, **ERRORS},
    summary="Add a catalog item (L&D)",
)
def learning_item_create(request: HttpRequest, body: ItemIn) -> Status[ItemOut]:
    principal = principal_for(request.user)
    require(principal, "learning.manage")
    organization = _organization(principal)
    try:
        item = actions.create_item(
            organization, _item_data(organization, body), actor=current_user(request)
        )
    except actions.LearningError as exc:
        raise _invalid(exc) from None
    return Status(201, _item_out(item))


@router.get(
    "/learning/items/{item_id}", response={200: ItemOut, **ERRORS}, summary="One catalog item"
)
def learning_item(request: HttpRequest, item_id: int) -> ItemOut:
    return _item_out(_item(principal_for(request.user), item_id))


@router.put(
    "/learning/items/{item_id}",
    auth=permitted("learning.manage"),
    response={200: ItemOut, **ERRORS},
    summary="Replace an item's fields (L&D)",
)
def learning_item_update(request: HttpRequest, item_id: int, body: ItemIn) -> ItemOut:
    principal = principal_for(request.user)
    require(principal, "learning.manage")
    organization = _organization(principal)
    item = get_object_or_404(Item, pk=item_id, organization=organization)
    try:
        actions.update_item(item, _item_data(organization, body), actor=current_user(request))
    except actions.LearningError as exc:
        raise _invalid(exc) from None
    return _item_out(item)


@router.post(
    "/learning/items/{item_id}/suggest-skills", response={200: list[ItemSkillOut], **ERRORS},
    summary="Suggest skills from the item's description with the skills engine (L&D confirms)",
)  # fmt: skip
def learning_item_suggest(request: HttpRequest, item_id: int) -> list[ItemSkillOut]:
    principal = principal_for(request.user)
    require(principal, "learning.manage")
    item = get_object_or_404(Item, pk=item_id, organization=_organization(principal))
    try:
        found = actions.suggest_skills(item, actor=current_user(request))
    except (LookupError, FileNotFoundError) as exc:
        raise ApiError(400, "unavailable", f"skill suggestions are unavailable: {exc}") from None
    return [
        ItemSkillOut(
            id=s.pk,
            skill_id=s.skill_id,
            label=s.skill.label,
            level=s.level,
            confirmed=False,
            score=s.score,
        )
        for s in found
    ]


@router.post(
    "/learning/item-skills/{row_id}/decision",
    auth=permitted("learning.manage"),
    response={200: ItemOut, **ERRORS},
    summary="Confirm or reject a suggested skill",
)
def learning_item_skill_decide(
    request: HttpRequest, row_id: int, body: ItemSkillDecisionIn
) -> ItemOut:
    principal = principal_for(request.user)
    require(principal, "learning.manage")
    row = get_object_or_404(
        ItemSkill.objects.select_related("item__organization", "skill"),
        pk=row_id,
        item__organization=_organization(principal),
    )
    try:
        actions.decide_skill(row, accept=body.accept, level=body.level, actor=current_user(request))
    except actions.LearningError as exc:
        raise _invalid(exc) from None
    return _item_out(row.item)


@router.get("/learning/catalog.csv", summary="The catalog as CSV (L&D)")
def learning_catalog_export(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "learning.manage")
    return HttpResponse(
        catalog_csv.export_catalog(_organization(principal)), content_type="text/csv; charset=utf-8"
    )


@router.post(
    "/learning/catalog/import",
    auth=permitted("learning.manage"),
    response={200: CatalogImportOut, **ERRORS},
    summary="Import a catalog CSV, all or nothing (L&D)",
)
def learning_catalog_import(request: HttpRequest, file: File[UploadedFile]) -> CatalogImportOut:
    principal = principal_for(request.user)
    require(principal, "learning.manage")
    try:
        result = catalog_csv.import_catalog(
            _organization(principal),
            read_limited(file, catalog_csv.MAX_BYTES),
            actor=current_user(request),
            filename=file.name or "catalog.csv",
        )
    except catalog_csv.CatalogImportError as exc:
        raise ApiError(
            400, "invalid_file", str(exc),
            [{"field": f"line {e.line}: {e.column}" if e.line else e.column, "message": e.message} for e in exc.errors],
        ) from None  # fmt: skip
    return CatalogImportOut(created=result.created, updated=result.updated)


# -- enrollments -------------------------------------------------------------------------


@router.post(
    "/learning/items/{item_id}/enrollments",
    response={201: EnrollmentOut, **ERRORS},
    summary="Enrol oneself, or assign to a report (manager) or anyone (L&D)",
)
def learning_enrol(request: HttpRequest, item_id: int, body: EnrolIn) -> Status[EnrollmentOut]:
    principal = principal_for(request.user)
    item = _item(principal, item_id)
    if body.employee_id is None or (
        principal.employee and body.employee_id == principal.employee.pk
    ):
        require(principal, "learning.enrol_self", item)
        employee, source = principal.employee, EnrollmentSource.SELF
    else:
        employee = get_object_or_404(
            Employee.objects.select_related("organization", "user"), pk=body.employee_id
        )
        if employee.organization_id != item.organization_id:
            raise ApiError(
                400, "invalid_request", "employee_id: no such person in the organization"
            )
        require(principal, "learning.assign", employee)
        source = (
            EnrollmentSource.MANAGER
            if principal.manages(employee)
            else EnrollmentSource.LEARNING_TEAM
        )
    assert employee is not None
    try:
        enrollment = actions.enrol(
            employee, item, actor=current_user(request), source=source, due_date=body.due_date,
            mandatory=body.mandatory if source != EnrollmentSource.SELF else False,
        )  # fmt: skip
    except actions.LearningError as exc:
        raise _invalid(exc) from None
    return Status(201, _enrollment_out(enrollment))


@router.post(
    "/learning/items/{item_id}/group-assignments",
    auth=permitted("learning.manage"),
    response={200: CountOut, **ERRORS},
    summary="Assign to a team or role, all or nothing (L&D)",
)
def learning_assign_group(request: HttpRequest, item_id: int, body: GroupIn) -> CountOut:
    principal = principal_for(request.user)
    require(principal, "learning.manage")
    organization = _organization(principal)
    item = get_object_or_404(Item, pk=item_id, organization=organization)
    people = _people(organization, body.department_id, body.job_role_id)
    try:
        done = actions.assign_group(
            item,
            people,
            actor=current_user(request),
            due_date=body.due_date,
            mandatory=body.mandatory,
        )
    except actions.LearningError as exc:
        raise _invalid(exc) from None
    return CountOut(count=len(done))


@router.get(
    "/learning/enrollments",
    response={200: list[EnrollmentOut], **ERRORS},
    summary="Enrollments of oneself or of a person one oversees",
)
def learning_enrollments(
    request: HttpRequest, employee_id: int | None = None
) -> list[EnrollmentOut]:
    employee = _learner(principal_for(request.user), employee_id)
    return [
        _enrollment_out(e)
        for e in Enrollment.objects.filter(employee=employee).select_related("item")
    ]


@router.post(
    "/learning/enrollments/{enrollment_id}/progress",
    response={200: EnrollmentOut, **ERRORS},
    summary="Record progress: a lesson done or the share done",
)
def learning_progress(
    request: HttpRequest, enrollment_id: int, body: LessonProgressIn
) -> EnrollmentOut:
    principal = principal_for(request.user)
    enrollment = _enrollment(principal, enrollment_id, "learning.work")
    try:
        if body.lesson_id is not None:
            lesson = get_object_or_404(Lesson.objects.select_related("module"), pk=body.lesson_id)
            actions.complete_lesson(
                enrollment, lesson, actor=current_user(request), seconds=body.seconds
            )
        elif body.progress is not None:
            actions.record_progress(
                enrollment, body.progress, actor=current_user(request), seconds=body.seconds
            )
        else:
            actions.launch(enrollment, actor=current_user(request))
    except actions.LearningError as exc:
        raise _invalid(exc) from None
    enrollment.refresh_from_db()
    return _enrollment_out(enrollment)


@router.post(
    "/learning/enrollments/{enrollment_id}/complete",
    response={200: EnrollmentOut, **ERRORS},
    summary="Mark an enrollment completed (issues the certificate)",
)
def learning_complete(request: HttpRequest, enrollment_id: int, body: CompleteIn) -> EnrollmentOut:
    principal = principal_for(request.user)
    enrollment = _enrollment(principal, enrollment_id, "learning.work")
    try:
        actions.complete(enrollment, actor=current_user(request), seconds=body.seconds)
    except actions.LearningError as exc:
        raise _invalid(exc) from None
    return _enrollment_out(enrollment)


@router.post(
    "/learning/enrollments/{enrollment_id}/rating",
    response={200: EnrollmentOut, **ERRORS},
    summary="Rate the item 1 to 5 with an optional comment",
)
def learning_rate(request: HttpRequest, enrollment_id: int, body: RatingIn) -> EnrollmentOut:
    principal = principal_for(request.user)
    enrollment = _enrollment(principal, enrollment_id, "learning.work")
    try:
        actions.rate(enrollment, body.stars, actor=current_user(request), comment=body.comment)
    except actions.LearningError as exc:
        raise _invalid(exc) from None
    return _enrollment_out(enrollment)


@router.get(
    "/learning/certificates/{code}", response={200: None, **ERRORS}, summary="A certificate as PDF"
)
def learning_certificate(request: HttpRequest, code: str) -> HttpResponse:
    principal = principal_for(request.user)
    try:
        key = uuid.UUID(code)
    except ValueError:
        raise Http404("no such certificate") from None
    found = get_object_or_404(
        Certificate.objects.select_related(
            "enrollment__item", "enrollment__employee__user", "enrollment__employee__organization"
        ),
        code=key,
    )
    require(principal, "learning.view_certificate", found)
    response = HttpResponse(certificates.pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{found.code}.pdf"'
    return response


# -- quizzes -----------------------------------------------------------------------------


@router.post(
    "/learning/questions",
    auth=permitted("learning.manage"),
    response={201: CreatedOut, **ERRORS},
    summary="Add a question to the bank (L&D)",
)
def learning_question_create(request: HttpRequest, body: QuestionIn) -> Status[CreatedOut]:
    principal = principal_for(request.user)
    require(principal, "learning.manage")
    organization = _organization(principal)
    try:
        question = actions.create_question(
            organization, skill=_skill(organization, body.skill_id, "skill_id"), kind=body.kind,
            text=body.text, answer=body.answer, choices=body.choices, level=body.level,
            tolerance=body.tolerance, explanation=body.explanation, actor=current_user(request),
        )  # fmt: skip
    except actions.LearningError as exc:
        raise _invalid(exc) from None
    return Status(201, CreatedOut(id=question.pk))


@router.post(
    "/learning/items/{item_id}/quizzes",
    auth=permitted("learning.manage"),
    response={201: CreatedOut, **ERRORS},
    summary="Create a quiz for an item (L&D)",
)
def learning_quiz_create(request: HttpRequest, item_id: int, body: QuizIn) -> Status[CreatedOut]:
    principal = principal_for(request.user)
    require(principal, "learning.manage")
    organization = _organization(principal)
    item = get_object_or_404(Item, pk=item_id, organization=organization)
    picked = list(Question.objects.filter(organization=organization, pk__in=body.question_ids))
    if len(picked) != len(set(body.question_ids)):
        raise ApiError(400, "invalid_request", "question_ids: a question is not in the bank")
    try:
        quiz = actions.create_quiz(
            item, body.title, picked, actor=current_user(request), pass_mark=body.pass_mark,
            max_attempts=body.max_attempts,
        )  # fmt: skip
    except actions.LearningError as exc:
        raise _invalid(exc) from None
    return Status(201, CreatedOut(id=quiz.pk))


@router.get(
    "/learning/quizzes/{quiz_id}",
    response={200: QuizOut, **ERRORS},
    summary="A quiz's questions (without answers)",
)
def learning_quiz(request: HttpRequest, quiz_id: int) -> QuizOut:
    principal = principal_for(request.user)
    quiz = get_object_or_404(Quiz.objects.select_related("item"), pk=quiz_id)
    require(principal, "learning.view_item", quiz.item)
    return QuizOut(
        id=quiz.pk, item_id=quiz.item_id, title=quiz.title, pass_mark=quiz.pass_mark,
        max_attempts=quiz.max_attempts,
        questions=[QuestionOut(id=q.pk, skill_id=q.skill_id, kind=q.kind, text=q.text, choices=q.choices)
                   for q in quiz.questions.order_by("pk")],
    )  # fmt: skip


@router.post(
    "/learning/quizzes/{quiz_id}/attempts",
    response={201: AttemptOut, **ERRORS},
    summary="Answer a quiz: graded at once; mastery and path update",
)
def learning_quiz_submit(request: HttpRequest, quiz_id: int, body: AttemptIn) -> Status[AttemptOut]:
    principal = principal_for(request.user)
    quiz = get_object_or_404(Quiz.objects.select_related("item"), pk=quiz_id)
    require(principal, "learning.view_item", quiz.item)
    require(principal, "learning.enrol_self", quiz.item)
    assert principal.employee is not None
    try:
        attempt = actions.start_attempt(quiz, principal.employee, actor=current_user(request))
        outcome = actions.submit_attempt(
            attempt, {a.question_id: a.response for a in body.answers}, actor=current_user(request)
        )
    except actions.LearningError as exc:
        raise _invalid(exc) from None
    change = outcome.path_change
    return Status(
        201,
        AttemptOut(
            id=attempt.pk, score=attempt.score or 0.0, passed=bool(attempt.passed),
            mastery=[MasteryOut(skill_id=c.skill.pk, label=c.skill.label, before=c.before, estimate=c.after)
                     for c in outcome.changes],
            path_removed=[t for t, _ in change.removed] if change else [],
            path_added=list(change.added) if change else [],
        ),
    )  # fmt: skip


# -- paths and mastery ---------------------------------------------------------------------


@router.get(
    "/learning/path",
    response={200: PathOut, **ERRORS},
    summary="A personalized path: one's own, or of a person one oversees",
)
def learning_path(request: HttpRequest, employee_id: int | None = None) -> PathOut:
    return _path_out(_learner(principal_for(request.user), employee_id))


@router.put(
    "/learning/path",
    response={200: PathOut, **ERRORS},
    summary="Set one's target and preferences; re-plans",
)
def learning_path_set(request: HttpRequest, body: PathIn) -> PathOut:
    principal = principal_for(request.user)
    employee = _learner(principal, None)
    organization = employee.organization
    role = None
    if body.target_role_id is not None:
        role = RoleProfile.objects.filter(organization=organization, pk=body.target_role_id).first()
        if role is None:
            raise ApiError(400, "invalid_request", "target_role_id: no such role profile")
    try:
        actions.set_path(
            employee, actor=current_user(request), target_kind=body.target_kind, target_role=role,
            target_skills=[(_skill(organization, s.skill_id, "target_skills"), s.level) for s in body.target_skills],
            formats=body.formats, languages=body.languages, weekly_hours=body.weekly_hours,
        )  # fmt: skip
    except actions.LearningError as exc:
        raise _invalid(exc) from None
    return _path_out(employee)


@router.post(
    "/learning/path/edits",
    response={200: PathOut, **ERRORS},
    summary="Edit one's path: drop, restore, add, up, down",
)
def learning_path_edit(request: HttpRequest, body: PathEditIn) -> PathOut:
    principal = principal_for(request.user)
    employee = _learner(principal, None)
    item = _item(principal, body.item_id)
    try:
        actions.edit_path(employee, item, body.change, actor=current_user(request))
    except actions.LearningError as exc:
        raise _invalid(exc) from None
    return _path_out(employee)


@router.get(
    "/learning/mastery",
    response={200: list[MasteryOut], **ERRORS},
    summary="Knowledge-tracing mastery estimates per skill",
)
def learning_mastery(request: HttpRequest, employee_id: int | None = None) -> list[MasteryOut]:
    employee = _learner(principal_for(request.user), employee_id)
    return [
        MasteryOut(skill_id=m.skill_id, label=m.skill.label, estimate=m.estimate, answers=m.answers)
        for m in Mastery.objects.filter(employee=employee).select_related("skill")
    ]


# -- team, analytics, curricula ------------------------------------------------------------


@router.get(
    "/learning/team",
    response={200: list[TeamRowOut], **ERRORS},
    summary="Learning progress of one's reports",
)
def learning_team(request: HttpRequest) -> list[TeamRowOut]:
    principal = principal_for(request.user)
    require(principal, "learning.view_team")
    if principal.employee is None or not principal.has_role("manager"):
        return []
    return [
        TeamRowOut(
            employee_id=r.employee.pk,
            name=r.employee.name,
            enrolled=r.enrolled,
            completed=r.completed,
            overdue=r.overdue,
            next_due=r.next_due,
            path_steps=r.path_steps,
            closes_on=r.closes_on,
        )
        for r in queries.team(principal.employee)
    ]


@router.get(
    "/learning/analytics",
    response={200: list[ItemStatsOut], **ERRORS},
    summary="Per item: enrollments, completion, average rating",
)
def learning_analytics(request: HttpRequest) -> list[ItemStatsOut]:
    principal = principal_for(request.user)
    require(principal, "learning.view_analytics")
    return [
        ItemStatsOut(
            item_id=r.item.pk,
            title=r.item.title,
            enrollments=r.enrollments,
            completed=r.completed,
            completion_rate=r.completion_rate,
            average_rating=r.rating,
            ratings=r.ratings,
        )
        for r in queries.analytics(_organization(principal))
    ]


@router.post(
    "/learning/curricula",
    auth=permitted("learning.manage"),
    response={201: CreatedOut, **ERRORS},
    summary="Author a curriculum (L&D)",
)
def learning_curriculum_create(request: HttpRequest, body: CurriculumIn) -> Status[CreatedOut]:
    principal = principal_for(request.user)
    require(principal, "learning.manage")
    organization = _organization(principal)
    found = Item.objects.in_bulk(list(body.item_ids))
    items = [
        found[i]
        for i in body.item_ids
        if i in found and found[i].organization_id == organization.pk
    ]
    if len(items) != len(body.item_ids):
        raise ApiError(400, "invalid_request", "item_ids: an item is not in the catalog")
    try:
        curriculum = actions.create_curriculum(
            organization,
            body.title,
            items,
            actor=current_user(request),
            description=body.description,
        )
    except actions.LearningError as exc:
        raise _invalid(exc) from None
    return Status(201, CreatedOut(id=curriculum.pk))


@router.post(
    "/learning/curricula/{curriculum_id}/assignments",
    auth=permitted("learning.manage"),
    response={200: CountOut, **ERRORS},
    summary="Assign a curriculum to a team or role (L&D)",
)
def learning_curriculum_assign(request: HttpRequest, curriculum_id: int, body: GroupIn) -> CountOut:
    principal = principal_for(request.user)
    require(principal, "learning.manage")
    organization = _organization(principal)
    curriculum = get_object_or_404(Curriculum, pk=curriculum_id, organization=organization)
    people = _people(organization, body.department_id, body.job_role_id)
    try:
        count = actions.assign_curriculum(
            curriculum,
            people,
            actor=current_user(request),
            due_date=body.due_date,
            mandatory=body.mandatory,
        )
    except actions.LearningError as exc:
        raise _invalid(exc) from None
    return CountOut(count=count)
