from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from learnloop.permissions import principal_for
from learnloop.web.navigation import menu_for


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "principal": None}
    principal = principal_for(user)
    return {"menu": menu_for(principal, request), "principal": principal}
