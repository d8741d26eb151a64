from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from learnloop.audit.models import AuditEvent
from learnloop.feedback import queries as feedback_queries
from learnloop.people import queries as people_queries
from learnloop.permissions import can, principal_for, require


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Pages outside our layout (the admin site) still get the icon browsers ask for."""
    return redirect(static("web/favicon.svg"), permanent=True)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One page, with a panel for each of the user's roles."""
    principal = principal_for(request.user)
    employee = principal.employee
    organization = principal.organization
    context: dict[str, object] = {
        "employee": employee,
        "show_team": can(principal, "people.view_team"),
        "show_hr_tasks": organization is not None and can(principal, "people.import", organization),
    }
    if employee is not None and context["show_team"]:
        context["reports"] = people_queries.direct_reports(employee)
    if employee is not None and can(principal, "feedback.use"):
        context["checkins"] = [
            (series, feedback_queries.current_meeting(series))
            for series in feedback_queries.my_series(employee)[:6]
        ]
        context["asked"] = feedback_queries.asked_of_me(employee).filter(
            request__closed_at__isnull=True, answered=False, declined=False
        )[:5]
    if organization is not None:
        if can(principal, "people.view_org_aggregates", organization):
            context["aggregates"] = people_queries.org_aggregates(organization)
        if can(principal, "people.view_joiners", organization):
            context["joiners"] = people_queries.recent_joiners(organization)[:12]
    return render(request, "web/home.html", context)


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    require(request.user, "audit.view_trail")
    events = AuditEvent.objects.select_related("actor")
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "web/audit.html", {"page": page, "action": action})
