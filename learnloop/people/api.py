import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from learnloop.api.auth import permitted
from learnloop.api.errors import ApiError, ErrorResponse
from learnloop.people import actions, queries
from learnloop.people.importing.parse import MAX_BYTES, read_upload
from learnloop.people.models import Department, Employee, Organization
from learnloop.permissions import Principal, can, principal_for, require
from learnloop.uploads import UploadError
from learnloop.uploads.text import read_limited

router = Router(tags=["people"])


class EmployeeCard(Schema):
    """Directory facts, visible across the organization."""

    id: int
    employee_id: str
    name: str
    email: str
    title: str | None
    department: str | None
    location: str | None
    manager_id: int | None


class EmployeeRecord(EmployeeCard):
    """The employment record, for the person, their managers and HR."""

    hire_date: datetime.date | None
    leave_date: datetime.date | None
    employment_type: str
    languages: list[str]
    timezone: str
    is_active: bool
    reports_to: list[int]


class DepartmentOut(Schema):
    id: int
    name: str
    full_name: str
    parent_id: int | None


class GroupOut(Schema):
    label: str
    count: int | None


class AggregatesOut(Schema):
    headcount: int
    joiners_12m: int
    leavers_12m: int
    attrition_12m: float | None
    min_group_size: int
    by_department: list[GroupOut]
    by_location: list[GroupOut]
    by_family: list[GroupOut]


class PeopleImportOut(Schema):
    applied: bool
    created: int
    updated: int
    unchanged: int
    new_departments: list[str]
    new_job_titles: list[str]
    new_locations: list[str]
    problems: list[str]
    warnings: list[str]


class DirectoryFilter(Schema):
    q: str = ""
    department: int | None = None


def _card(employee: Employee) -> EmployeeCard:
    return EmployeeCard(
        id=employee.pk,
        employee_id=employee.employee_id,
        name=employee.user.full_name,
        email=employee.user.email,
        title=employee.job_role.title if employee.job_role else None,
        department=employee.department.full_name if employee.department else None,
        location=employee.location.name if employee.location else None,
        manager_id=employee.manager_id,
    )


def _organization(principal: Principal) -> Organization:
    organization = principal.organization
    if organization is None:
        raise ApiError(403, "no_organization", "Your account is not part of an organization.")
    return organization


@router.get(
    "/employees", response=list[EmployeeCard], summary="The directory: people who have not left"
)
@paginate(PageNumberPagination)
def list_employees(request: HttpRequest, filters: Query[DirectoryFilter]) -> list[EmployeeCard]:
    principal = principal_for(request.user)
    require(principal, "people.view_directory")
    organization = _organization(principal)
    department = None
    if filters.department is not None:
        department = get_object_or_404(Department, pk=filters.department, organization=organization)
    return [_card(e) for e in queries.directory(organization, filters.q, department)]


@router.get(
    "/employees/{employee_pk}",
    response={200: EmployeeRecord | EmployeeCard, 403: ErrorResponse, 404: ErrorResponse},
    summary="One person: the full record where you may see it, the directory card otherwise",
)
def get_employee(request: HttpRequest, employee_pk: int) -> EmployeeRecord | EmployeeCard:
    employee = get_object_or_404(
        Employee.objects.select_related("user", "job_role", "department", "location"),
        pk=employee_pk,
    )
    require(request.user, "people.view_employee", employee)
    card = _card(employee)
    if not can(request.user, "people.view_employee_record", employee):
        return card
    return EmployeeRecord(
        **card.model_dump(),
        hire_date=employee.hire_date,
        leave_date=employee.leave_date,
        employment_type=employee.employment_type,
        languages=employee.languages,
        timezone=employee.timezone,
        is_active=employee.is_active,
        reports_to=[manager.pk for manager in employee.chain_above()],
    )


@router.get("/team", response=list[EmployeeRecord], summary="Your direct and indirect reports")
def my_team(request: HttpRequest) -> list[EmployeeRecord]:
    principal = principal_for(request.user)
    require(principal, "people.view_team")
    assert principal.employee is not None  # a manager is an employee
    return [
        EmployeeRecord(
            **_card(e).model_dump(),
            hire_date=e.hire_date,
            leave_date=e.leave_date,
            employment_type=e.employment_type,
            languages=e.languages,
            timezone=e.timezone,
            is_active=e.is_active,
            reports_to=[int(part) for part in e.manager_path.strip("/").split("/") if part],
        )
        for e in queries.team(principal.employee)
    ]


@router.get(
    "/departments", response=list[DepartmentOut], summary="The tree of departments and teams"
)
def list_departments(request: HttpRequest) -> list[Department]:
    principal = principal_for(request.user)
    require(principal, "people.view_directory")
    return list(Department.objects.filter(organization=_organization(principal)))


@router.get(
    "/organization/aggregates",
    response=AggregatesOut,
    summary="Headcount, joiners, leavers and attrition",
)
def aggregates(request: HttpRequest) -> queries.OrgAggregates:
    principal = principal_for(request.user)
    organization = _organization(principal)
    require(principal, "people.view_org_aggregates", organization)
    return queries.org_aggregates(organization)


@router.post(
    "/people/import",
    auth=permitted("people.import", in_organization=True),
    response={200: PeopleImportOut, 400: ErrorResponse, 403: ErrorResponse},
    summary="Import an HRIS CSV export (all rows or none); dry_run=true only previews",
)
def import_people(
    request: HttpRequest, file: File[UploadedFile], dry_run: bool = False
) -> dict[str, object]:
    principal = principal_for(request.user)
    organization = _organization(principal)
    require(principal, "people.import", organization)
    try:
        text = read_upload(str(file.name or "upload.csv"), read_limited(file, MAX_BYTES))
    except UploadError as exc:
        raise ApiError(
            400, "invalid_file", f"file: {exc}", [{"field": "file", "message": str(exc)}]
        ) from None
    outcome = actions.import_people(organization, text, actor=principal.user, dry_run=dry_run)
    summary = outcome.summary()
    if not outcome.ok:
        # Problems are errors, in the error shape: one detail per problem, on the file.
        raise ApiError(
            400,
            "invalid_import",
            "The file cannot be imported; nothing was changed.",
            [{"field": "file", "message": problem} for problem in summary["problems"]],
        )
    return {"applied": outcome.applied, **summary}
