from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learnloop.accounts import actions, queries
from learnloop.accounts.forms import SigninLinkRequestForm, TokenForm
from learnloop.accounts.models import ApiToken, User, current_user, normalize_email
from learnloop.accounts.throttling import EMAILS_PER_ADDRESS, may_email
from learnloop.permissions import principal_for, require
from learnloop.throttle import client_address, retry_after


@require_http_methods(["GET", "POST"])
def signin_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST signs in, so link scanners in mail clients cannot use the link."""
    try:
        if request.method == "POST":
            user = actions.use_signin_link(token)
            login(request, user, backend="learnloop.accounts.backends.EmailBackend")
            return redirect("web:home")
        user = actions.user_for_signin_token(token)
    except actions.InvalidSigninLink as problem:
        return render(request, "accounts/link_invalid.html", {"problem": str(problem)}, status=400)
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


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """What django-axes answers a sign-in it holds back (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


def _too_many_emails(request: HttpRequest) -> HttpResponse | None:
    """Count an e-mailed link asked for from this address; the 429 page once over the limit."""
    address = client_address(request)
    wait = retry_after((EMAILS_PER_ADDRESS, address))
    if not wait:
        EMAILS_PER_ADDRESS.hit(address)
        return None
    response = render(
        request, "accounts/too_many_requests.html", {"minutes": -(-wait // 60)}, status=429
    )
    response["Retry-After"] = str(wait)
    return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, throttled per address (ResetForm also throttles per recipient)."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        return _too_many_emails(self.request) or super().form_valid(form)


@require_http_methods(["GET", "POST"])
def request_signin_link(request: HttpRequest) -> HttpResponse:
    """E-mail a sign-in link; the answer is the same whether or not the address has an account."""
    form = SigninLinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refused = _too_many_emails(request)
        if refused is not None:
            return refused
        email = normalize_email(form.cleaned_data["email"])
        user = User.objects.filter(email=email, is_active=True).first()
        if may_email(email) and user is not None:
            actions.email_signin_link(user)
        return redirect("accounts:signin_link_sent")
    return render(request, "accounts/link_request.html", {"form": form})


@require_GET
def signin_link_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/link_sent.html")


@login_required
@require_GET
def lockouts(request: HttpRequest) -> HttpResponse:
    require(request.user, "accounts.unlock_signins")
    return render(
        request,
        "accounts/lockouts.html",
        {"lockouts": queries.lockouts(principal_for(request.user))},
    )


@login_required
@require_POST
def unlock(request: HttpRequest) -> HttpResponse:
    account = normalize_email(request.POST.get("account", ""))
    require(request.user, "accounts.unlock_signins", User.objects.filter(email=account).first())
    try:
        actions.unlock_signins(
            actor=current_user(request), address=request.POST.get("address", ""), account=account
        )
    except ValueError as problem:
        messages.error(request, str(problem))
        return render(
            request,
            "accounts/lockouts.html",
            {"lockouts": queries.lockouts(principal_for(request.user))},
            status=400,
        )
    messages.success(request, "Unlocked: sign-in works again from there.")
    return redirect("accounts:lockouts")
