from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from learnloop.accounts.models import User, normalize_email


class EmailBackend(ModelBackend):
    """Sign in with e-mail address and password; the address is matched case-insensitively."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        email: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        address = email or username
        if not address or password is None:
            return None
        try:
            user = User.objects.get(email=normalize_email(address))
        except User.DoesNotExist:
            User().set_password(password)  # same cost as a real check, so timing reveals nothing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
