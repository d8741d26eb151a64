from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.security.base import AuthBase

from learnloop.accounts.actions import authenticate_token
from learnloop.permissions import principal_for, require


@dataclass(frozen=True)
class Permission:
    """What a caller must be allowed to do to use an operation at all; checked right after
    authentication, before the body is parsed, so a caller who may not use the operation gets
    403 whatever it sends. The function still checks the objects it touches."""

    action: str
    in_organization: bool = False  # the rule decides on the caller's organization

    def check(self, user: Any) -> None:
        principal = principal_for(user)
        require(principal, self.action, principal.organization if self.in_organization else None)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ll_…`` with a personal API token."""

    def __init__(self, permission: Permission | None = None) -> None:
        super().__init__()
        self.permission = permission

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
            if self.permission is not None:
                self.permission.check(user)
        return user


class SessionAuth(APIKeyCookie):
    """The browser session, with Django's CSRF protection on unsafe methods."""

    param_name = "sessionid"

    def __init__(self, permission: Permission | None = None) -> None:
        super().__init__(csrf=True)
        self.permission = permission

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if self.permission is not None:
                self.permission.check(user)
            return user
        return None


def permitted(action: str, *, in_organization: bool = False) -> list[AuthBase]:
    """``auth=`` for an operation only some roles may use: ``auth=permitted("surveys.manage")``."""
    permission = Permission(action, in_organization)
    return [TokenAuth(permission), SessionAuth(permission)]


def declared_permission(auth_callbacks: Sequence[Any]) -> Permission | None:
    """The permission an operation declares through :func:`permitted`, if any."""
    for callback in auth_callbacks:
        permission = getattr(callback, "permission", None)
        if permission is not None:
            return permission
    return None
