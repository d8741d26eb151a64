"""Every write to accounts: tokens, sign-in links, administrators."""

from __future__ import annotations

import datetime
import secrets

from axes.models import AccessAttempt
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_ipv46_address
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from learnloop.accounts.models import ApiToken, User, hash_token_secret, normalize_email
from learnloop.audit import events

TOKEN_PREFIX = "ll_"
_SIGNIN_SALT = "learnloop.accounts.signin-link"


@transaction.atomic
def issue_token(user: User, name: str, *, days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never shown again."""
    name = name.strip()
    if not name:
        raise ValueError("name: give the token a name so you can recognise it later")
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=prefix,
        secret_hash=hash_token_secret(secret),
        expires_at=timezone.now() + datetime.timedelta(days=days) if days else None,
    )
    events.record("accounts.token_issued", actor=user, target=token)
    return token, f"{TOKEN_PREFIX}{prefix}_{secret}"


def authenticate_token(raw: str) -> User | None:
    """The active user a presented token belongs to, or None."""
    if not raw.startswith(TOKEN_PREFIX) or raw.count("_") < 2:
        return None
    prefix, _, secret = raw[len(TOKEN_PREFIX) :].partition("_")
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or token.is_expired():
        return None
    if not secrets.compare_digest(token.secret_hash, hash_token_secret(secret)):
        return None
    if not token.user.is_active:
        return None
    # The day only: HR sees it in the admin, and a precise time lines up with the time of
    # whatever the token did, anonymous acts included. One write a day, too.
    today = events.start_of_day(timezone.localdate())
    if token.last_used_at is None or token.last_used_at < today:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=today)
    return token.user


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: User) -> None:
    events.record("accounts.token_revoked", actor=actor, target=token)
    token.delete()


class InvalidSigninLink(Exception):
    """A sign-in link that cannot sign anyone in; the message says why, for the person."""


def _signin_state(password: str, last_login: datetime.datetime | None) -> str:
    # Changes when the password changes or the user signs in (last_login), so a link works
    # once and a reset revokes a leaked one; hashed so the link shows nothing of the password.
    digest = salted_hmac(_SIGNIN_SALT, f"{password}|{last_login}", algorithm="sha256")
    return digest.hexdigest()[:20]


def signin_link(user: User, *, max_age: int | None = None, base_url: str | None = None) -> str:
    """A link that signs ``user`` in once, without a password, until it expires."""
    # From the database: a stale in-memory user would sign a link that is dead on arrival.
    password, last_login = User.objects.values_list("password", "last_login").get(pk=user.pk)
    expires = int(timezone.now().timestamp()) + (max_age or settings.SIGNIN_LINK_MAX_AGE)
    token = signing.dumps(
        {"u": user.pk, "e": expires, "h": _signin_state(password, last_login)}, salt=_SIGNIN_SALT
    )
    return f"{(base_url or settings.BASE_URL).rstrip('/')}/accounts/link/{token}/"


def user_for_signin_token(token: str, *, lock: bool = False) -> User:
    """The user a sign-in link is for, if the link is genuine, unexpired and unused.

    Raises :class:`InvalidSigninLink` otherwise. ``lock`` locks the user's row (inside a
    transaction) so two requests cannot both use one link.
    """
    try:
        payload = signing.loads(token, salt=_SIGNIN_SALT)
    except signing.BadSignature:
        raise InvalidSigninLink("This link is incomplete or was changed.") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise InvalidSigninLink("This link is incomplete or was changed.")
    if payload.get("e", 0) < timezone.now().timestamp():
        raise InvalidSigninLink("This link has expired.")
    users = User.objects.select_for_update() if lock else User.objects
    user = users.filter(pk=payload["u"], is_active=True).first()
    if user is None:
        raise InvalidSigninLink("This link belongs to an account that is closed.")
    if not constant_time_compare(
        _signin_state(user.password, user.last_login), str(payload.get("h", ""))
    ):
        raise InvalidSigninLink(
            "This link has already been used (each link signs in once), or the password "
            "changed since it was made."
        )
    return user


def email_signin_link(user: User) -> None:
    """Send ``user`` a fresh sign-in link (no write: the link is signed, not stored)."""
    minutes = settings.SIGNIN_LINK_MAX_AGE // 60
    body = render_to_string(
        "accounts/link_email.txt",
        {"user": user, "link": signin_link(user), "minutes": minutes},
    )
    send_mail("Your learnloop sign-in link", body, None, [user.email])


@transaction.atomic
def use_signin_link(token: str) -> User:
    """Consume a sign-in link: it signs in once, then no more. Returns the user to sign in."""
    user = user_for_signin_token(token, lock=True)
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    events.record("accounts.signin_link_used", actor_label=user.email, target=user)
    return user


@transaction.atomic
def create_admin(
    email: str, full_name: str, password: str, *, actor_label: str = "cli"
) -> tuple[User, bool]:
    """Create a superuser, or promote and reset the one with this address. Returns (user, created)."""
    email = normalize_email(email)
    user = User.objects.filter(email=email).first()
    created = user is None
    if user is None:
        user = User.objects.create_superuser(email, password, full_name=full_name)
    else:
        user.is_staff = user.is_superuser = user.is_active = True
        if full_name:
            user.full_name = full_name
        user.set_password(password)
        user.save()
    events.record(
        "accounts.admin_created" if created else "accounts.admin_promoted",
        actor_label=actor_label,
        target=user,
    )
    return user, created


@transaction.atomic
def unlock_signins(*, actor: User, address: str, account: str = "") -> int:
    """Forget the failed sign-ins of an address, or of one account at it (django-axes' records).

    Returns how many records went. The caller has checked ``accounts.unlock_signins``.
    """
    address = address.strip()
    try:
        validate_ipv46_address(address)
    except ValidationError:
        raise ValueError(f"address: {address!r} is not an IP address") from None
    attempts = AccessAttempt.objects.filter(ip_address=address)
    account = normalize_email(account)
    if account:
        attempts = attempts.filter(username=account)
    count, _ = attempts.delete()
    events.record(
        "accounts.signin_unlocked",
        actor=actor,
        target=User.objects.filter(email=account).first() if account else None,
        data={"address": address, "account": account, "records": count},
    )
    return count
