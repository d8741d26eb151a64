"""Reads of accounts: the sign-ins django-axes is holding back."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, QuerySet, Sum
from django.utils import timezone

from learnloop.accounts.models import User
from learnloop.permissions import Principal


@dataclass(frozen=True)
class Lockout:
    address: str
    account: str  # "" when the address is locked for every account
    failures: int
    last_failure: datetime.datetime
    until: datetime.datetime


def _recent() -> QuerySet[AccessAttempt]:
    return AccessAttempt.objects.filter(
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
    )


def lockouts(principal: Principal) -> list[Lockout]:
    """Addresses, and (account, address) pairs, locked now; an HR admin sees the accounts of
    their own organization only (a superuser sees all), and addresses without the accounts
    they tried."""
    rows = []
    pairs = (
        _recent()
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.SIGNIN_FAILURES_PER_ACCOUNT_AND_ADDRESS)
    )
    if not (principal.user is not None and principal.user.is_superuser):
        members = User.objects.filter(employee__organization=principal.organization)
        pairs = pairs.filter(username__in=members.values("email"))
    for pair in pairs:
        rows.append(_lockout(pair["ip_address"], pair["username"] or "", pair))
    addresses = (
        _recent()
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.SIGNIN_FAILURES_PER_ADDRESS)
    )
    rows.extend(_lockout(row["ip_address"], "", row) for row in addresses)
    return sorted(rows, key=lambda lockout: lockout.last_failure, reverse=True)


def _lockout(address: str, account: str, row: dict[str, object]) -> Lockout:
    last = row["last"]
    assert isinstance(last, datetime.datetime) and isinstance(row["failures"], int)
    return Lockout(address, account, row["failures"], last, last + settings.AXES_COOLOFF_TIME)
