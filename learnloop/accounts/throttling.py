"""Sign-in throttling with django-axes, and the throttles of e-mailed links.

Axes counts failed sign-ins per (account, address) pair and per address. Its one failure
limit applies to every group; :class:`SigninAttempts` gives the address group its own,
higher limit (an office behind one address has many people mistyping).
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

from learnloop.accounts.models import normalize_email
from learnloop.throttle import Throttle

# Reset and sign-in-link e-mails, per hour: by the address asking and by the recipient.
EMAILS_PER_ADDRESS = Throttle("email-address", "EMAIL_REQUESTS_PER_ADDRESS", 3600)
EMAILS_PER_RECIPIENT = Throttle("email-recipient", "EMAIL_REQUESTS_PER_RECIPIENT", 3600)


def may_email(recipient: str) -> bool:
    """Count an e-mail asked for ``recipient``; False once it had its hourly share.

    Counted whether or not an account uses the address, and the caller skips the e-mail
    silently: the page answers the same either way, so it tells nobody who has an account.
    """
    recipient = normalize_email(recipient)
    if EMAILS_PER_RECIPIENT.retry_after(recipient):
        return False
    EMAILS_PER_RECIPIENT.hit(recipient)
    return True


def attempted_email(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account a sign-in names, as stored, so ``ADA@x`` and ``ada@x`` count together."""
    given = (credentials or {}).get("username") or (credentials or {}).get("email")
    if given is None and request is not None:
        given = getattr(request, "POST", {}).get("username")
    return normalize_email(str(given)) if given else None


def failure_limit(request: HttpRequest, credentials: dict[str, Any] | None) -> int:
    """AXES_FAILURE_LIMIT, read on use like the address limit beside it."""
    return int(settings.SIGNIN_FAILURES_PER_ACCOUNT_AND_ADDRESS)


class SigninAttempts(AxesDatabaseHandler):
    """Axes' database handler with a separate limit for an address across accounts."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        pair, address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        # In units of the pair limit, which is the one axes compares with: the address reaches
        # it exactly when its own count reaches SIGNIN_FAILURES_PER_ADDRESS.
        pair_limit = settings.SIGNIN_FAILURES_PER_ACCOUNT_AND_ADDRESS
        return max(pair, address * pair_limit // settings.SIGNIN_FAILURES_PER_ADDRESS)
