from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from learnloop.accounts.models import User, normalize_email
from learnloop.accounts.throttling import may_email


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Work e-mail",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="What is this token for?")
    days = forms.IntegerField(
        min_value=1,
        max_value=3650,
        required=False,
        label="Expires after (days)",
        help_text="Leave empty for no expiry.",
    )


class ResetForm(PasswordResetForm):
    """Also reaches imported employees, whose accounts start without a password."""

    def get_users(self, email: str) -> Iterator[Any]:
        yield from User.objects.filter(email=normalize_email(email), is_active=True)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if may_email(self.cleaned_data["email"]):
            super().save(*args, **kwargs)


class SigninLinkRequestForm(forms.Form):
    email = forms.EmailField(
        label="Work e-mail",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
