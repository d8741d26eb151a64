from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from learnloop.accounts import actions
from learnloop.accounts.forms import TokenForm
from learnloop.accounts.models import ApiToken, current_user
from learnloop.permissions import require


@require_http_methods(["GET", "POST"])
def signin_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST signs in, so link scanners in mail clients cannot use the link."""
    user = actions.user_for_signin_token(token)
    if user is None:
        return render(request, "accounts/link_invalid.html", status=400)
    if request.method == "POST":
        login(request, user, backend="learnloop.accounts.backends.EmailBackend")
        return redirect("web:home")
    return render(request, "accounts/link_confirm.html", {"link_user": user})


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    require(request.user, "accounts.manage_own_tokens")
    secret = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, secret = actions.issue_token(
            current_user(request), form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        form = TokenForm()
    user_tokens = ApiToken.objects.filter(user=current_user(request))
    return render(
        request, "accounts/tokens.html", {"form": form, "tokens": user_tokens, "secret": secret}
    )


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    require(request.user, "accounts.revoke_token", token)
    actions.revoke_token(token, actor=current_user(request))
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("accounts:tokens")
