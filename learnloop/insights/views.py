"""Insights pages: thin (parse, check permission, call queries, render)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache as django_cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from learnloop.insights import cache, charts, queries, tasks
from learnloop.insights.queries import FilterError, Filters
from learnloop.insights.summary import tiles
from learnloop.people.models import Department, JobRole, Location, Organization
from learnloop.permissions import can, principal_for, require

SCOPES = ("me", "team", "organization", "content")


def _organization(request: HttpRequest) -> Organization:
    organization = principal_for(request.user).organization
    if organization is None:
        raise PermissionDenied("insights: no organization")
    return organization


def _tabs(request: HttpRequest) -> list[dict[str, str]]:
    principal = principal_for(request.user)
    organization = principal.organization
    tabs = []
    if can(principal, "insights.view_self"):
        tabs.append({"scope": "me", "label": "My learning"})
    if can(principal, "insights.view_team"):
        tabs.append({"scope": "team", "label": "My team"})
    if organization is not None and can(principal, "insights.view_organization", organization):
        tabs.append({"scope": "organization", "label": "Organization"})
    if organization is not None and can(principal, "insights.view_content", organization):
        tabs.append({"scope": "content", "label": "Programs and content"})
    return tabs


@login_required
def home(request: HttpRequest) -> HttpResponse:
    require(request.user, "insights.view")
    tabs = _tabs(request)
    if not tabs:
        raise PermissionDenied("insights.view")
    # The widest view the person has is the most useful start.
    order = ("organization", "team", "me", "content")
    best = min(tabs, key=lambda t: order.index(t["scope"]))
    return redirect(f"insights:{best['scope']}")


def _check(request: HttpRequest, scope: str) -> Organization:
    if scope not in SCOPES:
        raise Http404("no such view")
    organization = _organization(request)
    action = {
        "me": "insights.view_self",
        "team": "insights.view_team",
        "organization": "insights.view_organization",
        "content": "insights.view_content",
    }[scope]
    require(request.user, action, None if scope in ("me", "team") else organization)
    return organization


def _filters(request: HttpRequest, organization: Organization) -> Filters | HttpResponse:
    try:
        return queries.parse_filters(organization, request.GET)
    except FilterError as error:
        return render(
            request,
            "insights/error.html",
            {"field": error.field, "message": error.message, "tabs": _tabs(request)},
            status=400,
        )


def _climate(
    request: HttpRequest, organization: Organization, filters: Filters, scope: str
) -> dict[str, Any]:
    principal = principal_for(request.user)
    team = principal.employee if scope == "team" else None
    return cache.cached(
        ("climate", request.user.pk, scope, filters),
        lambda: queries.climate(principal, organization, filters, team=team),
    )


def datasets(
    request: HttpRequest, scope: str, organization: Organization, filters: Filters
) -> tuple[dict[str, charts.Dataset], dict[str, Any]]:
    principal = principal_for(request.user)
    if scope == "me":
        assert principal.employee is not None
        data = queries.personal(principal.employee)
        return charts.personal_datasets(data), data
    if scope == "content":
        rows = queries.content(organization, filters)
        return {"content": charts.content_dataset(rows, organization.min_group_size)}, {
            "rows": rows
        }
    manager = principal.employee if scope == "team" else None
    # A manager who also sees the organization is decided over both families at once.
    wide = manager is not None and can(principal, "insights.view_organization", organization)
    data = queries.dashboard(organization, filters, manager=manager, with_organization=wide)
    drill = (
        queries.drilldown(organization, filters, manager=manager, with_organization=wide)
        if data.get("allowed")
        else None
    )
    climate = _climate(request, organization, filters, scope) if data.get("allowed") else None
    data = data | {"drill": drill, "climate": climate}
    return charts.dashboard_datasets(data, climate, drill), data


def _choices(organization: Organization) -> dict[str, Any]:
    return {
        "departments": Department.objects.filter(organization=organization),
        "roles": JobRole.objects.filter(organization=organization),
        "locations": Location.objects.filter(organization=organization),
        "periods": [(key, label) for key, (label, _) in queries.PERIODS.items()],
    }


def _render_scope(request: HttpRequest, scope: str) -> HttpResponse:
    organization = _check(request, scope)
    filters = _filters(request, organization)
    if isinstance(filters, HttpResponse):
        return filters
    found, data = datasets(request, scope, organization, filters)
    context: dict[str, Any] = {
        "scope": scope,
        "tabs": _tabs(request),
        "filters": filters,
        "query": filters.as_query(),
        "datasets": found,
        "data": data,
        "k": organization.min_group_size,
        "refreshed_at": queries.refreshed_at(),
        "can_refresh": can(request.user, "insights.refresh", organization),
        **_choices(organization),
    }
    if scope in ("team", "organization") and data.get("allowed"):
        context["tiles"] = tiles(data)
        context["drill_links"] = _drill_links(filters, data.get("drill"))
        context["parent_query"] = _parent_query(filters)
    if scope == "team":
        principal = principal_for(request.user)
        assert principal.employee is not None
        context["assigned"] = queries.team_assigned(principal.employee)
    template = {"me": "insights/me.html", "content": "insights/content.html"}.get(
        scope, "insights/dashboard.html"
    )
    return render(request, template, context)


def _drill_links(filters: Filters, drill: dict[str, Any] | None) -> dict[str, str]:
    """Links one level down for shown department rows (drill-down stops at hidden rows)."""
    links: dict[str, str] = {}
    if not drill or filters.by != "department":
        return links
    for row in drill["rows"]:
        if row["kind"] == "path" and not row["suppressed"]:
            department = row["value"].strip("/").rsplit("/", 1)[-1]
            links[row["label"]] = filters.as_query(department=department)
    return links


def _parent_query(filters: Filters) -> str | None:
    if filters.department is None:
        return None
    parent = (
        Department.objects.filter(pk=filters.department).values_list("parent_id", flat=True).first()
    )
    return filters.as_query(department=parent or "")


@login_required
def me(request: HttpRequest) -> HttpResponse:
    return _render_scope(request, "me")


@login_required
def team(request: HttpRequest) -> HttpResponse:
    return _render_scope(request, "team")


@login_required
def organization(request: HttpRequest) -> HttpResponse:
    return _render_scope(request, "organization")


@login_required
def content(request: HttpRequest) -> HttpResponse:
    return _render_scope(request, "content")


def _dataset(request: HttpRequest, scope: str, name: str) -> charts.Dataset | HttpResponse:
    organization = _check(request, scope)
    filters = _filters(request, organization)
    if isinstance(filters, HttpResponse):
        return filters
    found, _ = datasets(request, scope, organization, filters)
    if name not in found:
        raise Http404("no such chart for this view")
    return found[name]


CONTENT_TYPES = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def chart(request: HttpRequest, scope: str, name: str, fmt: str) -> HttpResponse:
    if fmt not in ("svg", "png"):
        raise Http404("charts come as svg or png")
    dataset = _dataset(request, scope, name)
    if isinstance(dataset, HttpResponse):
        return dataset
    key = cache.key_for("chart", request.user.pk, scope, name, fmt, request.GET.urlencode())
    body = django_cache.get(key)
    if body is None:
        body = charts.render(dataset, fmt)
        django_cache.set(key, body, cache.TIMEOUT)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def export(request: HttpRequest, scope: str, name: str, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("data comes as csv or xlsx")
    dataset = _dataset(request, scope, name)
    if isinstance(dataset, HttpResponse):
        return dataset
    body = charts.to_csv(dataset) if fmt == "csv" else charts.to_xlsx(dataset)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_POST
def refresh_now(request: HttpRequest) -> HttpResponse:
    organization = _organization(request)
    require(request.user, "insights.refresh", organization)
    tasks.refresh_facts.enqueue()
    messages.success(request, "The dashboards will be refreshed in a moment.")
    return redirect("insights:home")


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """The monthly digest of a role as a printable page (``kind``, ``month`` as YYYY-MM)."""
    from django.utils import timezone

    from learnloop.insights import digest

    organization = _organization(request)
    require(request.user, "insights.view")
    principal = principal_for(request.user)
    kinds = []
    if can(principal, "insights.view_organization", organization):
        kinds.append(("organization", "Organization"))
    if can(principal, "insights.view_team"):
        kinds.append(("team", "My team"))
    if can(principal, "insights.view_self"):
        kinds.append(("personal", "My learning"))
    if not kinds:
        raise PermissionDenied("insights.view")
    kind = request.GET.get("kind") or kinds[0][0]
    if kind not in dict(kinds):
        raise PermissionDenied("insights: that report is not yours to see")
    raw = (request.GET.get("month") or "").strip()
    if raw:
        try:
            start, end = queries.month(raw)
        except FilterError as error:
            return render(
                request,
                "insights/error.html",
                {"field": error.field, "message": error.message},
                status=400,
            )
    else:
        start, end = digest.month_before(timezone.localdate())
    if kind == "organization":
        found = digest.organization_digest(organization, start, end, charts_too=False)
    elif kind == "team":
        assert principal.employee is not None
        found = digest.team_digest(principal.employee, start, end, charts_too=False)
    else:
        assert principal.employee is not None
        found = digest.personal_digest(principal.employee, start, end)
    context = found.context | {
        "kinds": kinds,
        "tabs": _tabs(request),
        "scope": "report",
        "link": request.build_absolute_uri("/insights/"),
    }
    return render(request, "insights/report.html", context)
