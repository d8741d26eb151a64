from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from learnloop.accounts.models import current_user
from learnloop.people import actions, queries
from learnloop.people.importing.parse import MAX_BYTES, read_upload
from learnloop.people.models import Employee, ImportBatch, Organization
from learnloop.permissions import Principal, can, principal_for, require
from learnloop.uploads import UploadError
from learnloop.uploads.text import read_limited


def _organization(principal: Principal) -> Organization:
    if principal.organization is None:
        raise Http404("not part of an organization")
    return principal.organization


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "people.view_directory")
    q = request.GET.get("q", "").strip()
    people = queries.directory(_organization(principal), q)
    page = Paginator(people, 30).get_page(request.GET.get("page"))
    template = "people/_directory_results.html" if request.htmx else "people/directory.html"  # type: ignore[attr-defined]
    return render(request, template, {"page": page, "q": q})


@login_required
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    employee = get_object_or_404(
        Employee.objects.select_related(
            "user", "job_role", "department", "location", "manager__user"
        ),
        pk=pk,
    )
    principal = principal_for(request.user)
    require(principal, "people.view_employee", employee)
    show_record = can(principal, "people.view_employee_record", employee)
    return render(
        request,
        "people/profile.html",
        {
            "person": employee,
            "show_record": show_record,
            "show_skills": can(principal, "skills.view_profile", employee),
            "can_endorse": can(principal, "skills.endorse", employee),
            "chain": employee.chain_above() if show_record else [],
            "reports": queries.direct_reports(employee),
        },
    )


@login_required
def org_chart(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "people.view_directory")
    return render(
        request,
        "people/org_chart.html",
        {"people": queries.org_chart_top(_organization(principal))},
    )


@login_required
def org_chart_children(request: HttpRequest, pk: int) -> HttpResponse:
    manager = get_object_or_404(Employee, pk=pk)
    require(request.user, "people.view_employee", manager)
    return render(
        request, "people/_org_chart_nodes.html", {"people": queries.direct_reports(manager)}
    )


@login_required
def team(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "people.view_team")
    assert principal.employee is not None
    return render(request, "people/team.html", {"people": queries.team(principal.employee)})


class UploadForm(forms.Form):
    # Empty files reach clean_file, which says so in the same words as every upload.
    file = forms.FileField(label="HRIS export (CSV, UTF-8)", allow_empty_file=True)
    upload_name = "upload.csv"

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        self.upload_name = str(upload.name or "upload.csv")
        try:
            return read_upload(self.upload_name, read_limited(upload, MAX_BYTES))
        except UploadError as exc:
            raise forms.ValidationError(str(exc)) from None


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    organization = _organization(principal)
    require(principal, "people.import", organization)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch, _ = actions.stage_import(
            organization,
            form.upload_name,
            form.cleaned_data["file"],
            actor=current_user(request),
        )
        return redirect("people:import_preview", pk=batch.pk)
    recent = ImportBatch.objects.filter(organization=organization).select_related("uploaded_by")[
        :10
    ]
    return render(request, "people/import.html", {"form": form, "recent": recent})


@login_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    batch = get_object_or_404(ImportBatch, pk=pk, organization=_organization(principal))
    require(principal, "people.import", batch.organization)
    outcome = (
        actions.plan_people_import(batch.organization, batch.content)
        if batch.status == ImportBatch.Status.PREVIEWED
        else None
    )
    return render(request, "people/import_preview.html", {"batch": batch, "outcome": outcome})


@login_required
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_for(request.user)
    batch = get_object_or_404(ImportBatch, pk=pk, organization=_organization(principal))
    require(principal, "people.import", batch.organization)
    try:
        outcome = actions.apply_import_batch(batch, actor=current_user(request))
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("people:import_preview", pk=batch.pk)
    if outcome.applied:
        summary = outcome.summary()
        messages.success(
            request,
            f"Imported: {summary['created']} added, {summary['updated']} updated, {summary['unchanged']} unchanged.",
        )
        return redirect("people:import")
    messages.error(
        request,
        "Nothing was imported: the data changed since the preview and the file now has problems.",
    )
    return redirect("people:import_preview", pk=batch.pk)
