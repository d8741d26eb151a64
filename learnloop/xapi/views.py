"""The LRS console (server-rendered): clients, recent statements, counts per verb."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from learnloop.accounts.models import current_user
from learnloop.permissions import principal_for, require
from learnloop.xapi import actions, queries
from learnloop.xapi.engine.errors import ValidationError
from learnloop.xapi.models import LrsClient


class ClientForm(forms.Form):
    name = forms.CharField(max_length=200)
    key = forms.CharField(max_length=200, required=False, help_text="Leave empty to generate one.")
    access = forms.ChoiceField(
        choices=LrsClient.Access.choices, initial=LrsClient.Access.READ_WRITE
    )
    statements = forms.ChoiceField(
        choices=LrsClient.Statements.choices, initial=LrsClient.Statements.ALL
    )


def _page(
    request: HttpRequest, form: ClientForm, created: dict[str, str] | None = None
) -> HttpResponse:
    verb = request.GET.get("verb", "").strip()
    actor = request.GET.get("actor", "").strip()
    return render(
        request,
        "xapi/console.html",
        {
            "form": form,
            "created": created,
            "clients": LrsClient.objects.select_related("created_by"),
            "statements": queries.recent_statements(verb=verb, actor=actor),
            "verb": verb,
            "actor": actor,
            "counts": queries.counts_per_verb(),
            "total": queries.statement_total(),
            "endpoint": request.build_absolute_uri("/xapi/"),
        },
    )


@login_required
def console(request: HttpRequest) -> HttpResponse:
    require(request.user, "xapi.administer")
    return _page(request, ClientForm())


@login_required
@require_POST
def create_client(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    require(principal, "xapi.administer")
    form = ClientForm(request.POST)
    if form.is_valid():
        try:
            client, secret = actions.create_client(
                name=form.cleaned_data["name"],
                key=form.cleaned_data["key"] or None,
                access=form.cleaned_data["access"],
                statements=form.cleaned_data["statements"],
                organization=principal.organization,
                actor=current_user(request),
            )
        except ValidationError as exc:
            form.add_error(exc.path if exc.path in form.fields else None, exc.rule)
        else:
            # The secret is shown in this one response and never again.
            return _page(
                request, ClientForm(), {"key": client.key, "secret": secret, "name": client.name}
            )
    return _page(request, form)


@login_required
@require_POST
def revoke_client(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "xapi.administer")
    client = get_object_or_404(LrsClient, pk=pk)
    actions.revoke_client(client, actor=current_user(request))
    messages.success(request, f"Revoked {client.name}; its credentials no longer work.")
    return redirect("xapi:console")
