import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from learnloop.accounts.models import User
from learnloop.permissions import principal_for

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    roles: list[str]
    employee_id: int | None
    date_joined: datetime.datetime


@router.get("/me", response=MeOut, summary="The signed-in user and their roles")
def me(request: HttpRequest) -> MeOut:
    user: User = request.user  # type: ignore[assignment]
    principal = principal_for(user)
    return MeOut(
        id=user.pk,
        email=user.email,
        full_name=user.full_name,
        roles=sorted(principal.roles),
        employee_id=principal.employee.pk if principal.employee else None,
        date_joined=user.date_joined,
    )
