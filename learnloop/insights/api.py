"""Insights API, mounted under /api/v1/ like the other domains: the same KPIs, drill-downs and
chart datasets as the pages, under the same permissions and suppression."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from learnloop.api.errors import ApiError, ErrorResponse
from learnloop.insights import charts, queries, tasks
from learnloop.insights.queries import FilterError, Filters
from learnloop.people.models import Employee, Organization
from learnloop.permissions import Principal, can, principal_for, require

router = Router(tags=["insights"])


def _organization(principal: Principal) -> Organization:
    if principal.organization is None:
        raise ApiError(403, "no_organization", "Your account is not part of an organization.")
    return principal.organization


def _filters(request: HttpRequest, organization: Organization) -> Filters:
    try:
        return queries.parse_filters(organization, request.GET)
    except FilterError as error:
        raise ApiError(
            400,
            "bad_filter",
            f"{error.field}: {error.message}",
            [{"field": error.field, "message": error.message}],
        ) from None


def _scope(request: HttpRequest, scope: str) -> tuple[Principal, Organization, Filters]:
    principal = principal_for(request.user)
    organization = _organization(principal)
    if scope == "organization":
        require(principal, "insights.view_organization", organization)
    elif scope == "team":
        require(principal, "insights.view_team")
    else:
        raise ApiError(
            400,
            "bad_scope",
            "scope: must be organization or team",
            [{"field": "scope", "message": "must be organization or team"}],
        )
    return principal, organization, _filters(request, organization)


def _family(
    principal: Principal, organization: Organization, scope: str
) -> tuple[Employee | None, bool]:
    """The team's manager (None: the organization scope) and whether they may also request
    the organization's selections (then both are decided together)."""
    if scope != "team":
        return None, False
    return principal.employee, can(principal, "insights.view_organization", organization)


@router.get(
    "/insights/dashboard",
    response={200: dict[str, Any], 400: ErrorResponse, 403: ErrorResponse},
    summary="Every KPI of the organization or your team, under the filters (department, role, location, period)",
    url_name="insights_dashboard",
)
def insights_dashboard(request: HttpRequest, scope: str = "organization") -> dict[str, Any]:
    principal, organization, filters = _scope(request, scope)
    manager, wide = _family(principal, organization, scope)
    data = queries.dashboard(organization, filters, manager=manager, with_organization=wide)
    if data.get("allowed"):
        data = data | {"climate": queries.climate(principal, organization, filters, team=manager)}
    return data


@router.get(
    "/insights/drilldown",
    response={200: dict[str, Any], 400: ErrorResponse, 403: ErrorResponse},
    summary="The selection split one level down by department, location or job role (by=)",
    url_name="insights_drilldown",
)
def insights_drilldown(request: HttpRequest, scope: str = "organization") -> dict[str, Any]:
    principal, organization, filters = _scope(request, scope)
    manager, wide = _family(principal, organization, scope)
    return queries.drilldown(organization, filters, manager=manager, with_organization=wide)


@router.get(
    "/insights/content",
    response={200: list[dict[str, Any]], 400: ErrorResponse, 403: ErrorResponse},
    summary="Programs and content: enrolments, completion, rating, time and spend per item",
    url_name="insights_content",
)
def insights_content(request: HttpRequest) -> list[dict[str, Any]]:
    principal = principal_for(request.user)
    organization = _organization(principal)
    require(principal, "insights.view_content", organization)
    return queries.content(organization, _filters(request, organization))


@router.get(
    "/insights/me",
    response={200: dict[str, Any], 403: ErrorResponse},
    summary="Your own progress: enrolments, weekly hours, readiness and streak",
    url_name="insights_me",
)
def insights_me(request: HttpRequest) -> dict[str, Any]:
    principal = principal_for(request.user)
    require(principal, "insights.view_self")
    assert principal.employee is not None
    return queries.personal(principal.employee)


@router.get(
    "/insights/datasets/{scope}/{name}",
    response={200: dict[str, Any], 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse},
    summary="The rows behind one chart (what the CSV and XLSX exports contain)",
    url_name="insights_dataset",
)
def insights_dataset(request: HttpRequest, scope: str, name: str) -> dict[str, Any]:
    principal, organization, filters = _scope(request, scope)
    manager, wide = _family(principal, organization, scope)
    data = queries.dashboard(organization, filters, manager=manager, with_organization=wide)
    drill = (
        queries.drilldown(organization, filters, manager=manager, with_organization=wide)
        if data.get("allowed")
        else None
    )
    climate = (
        queries.climate(principal, organization, filters, team=manager)
        if data.get("allowed")
        else None
    )
    found = charts.dashboard_datasets(data | {"drill": drill, "climate": climate}, climate, drill)
    if name not in found:
        raise ApiError(404, "not_found", f"name: no dataset {name!r} for this selection")
    chosen = found[name]
    return {
        "name": chosen.name,
        "title": chosen.title,
        "description": chosen.description,
        "columns": [key for key, _ in chosen.columns],
        "rows": chosen.rows,
    }


@router.post(
    "/insights/refresh",
    response={202: dict[str, Any], 403: ErrorResponse},
    summary="Queue a refresh of the facts (L&D and HR admins)",
    url_name="insights_refresh",
)
def insights_refresh(request: HttpRequest) -> Status[dict[str, Any]]:
    principal = principal_for(request.user)
    organization = _organization(principal)
    if not can(principal, "insights.refresh", organization):
        raise ApiError(403, "forbidden", "Only L&D and HR admins may refresh insights.")
    tasks.refresh_facts.enqueue()
    return Status(202, {"queued": True})
