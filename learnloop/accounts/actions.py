"""Every write to accounts: tokens, sign-in links, administrators."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

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
    now = timezone.now()
    # Touch at most once a minute so busy clients do not write on every request.
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: User) -> None:
    events.record("accounts.token_revoked", actor=actor, target=token)
    token.delete()


def signin_link(user: User, *, max_age: int | None = None, base_url: str | None = None) -> str:
    """A link that signs ``user`` in without a password until it expires."""
    expires = int(timezone.now().timestamp()) + (max_age or settings.SIGNIN_LINK_MAX_AGE)
    token = signing.dumps({"u": user.pk, "e": expires, "h": user.password[-12:]}, salt=_SIGNIN_SALT)
    return f"{(base_url or settings.BASE_URL).rstrip('/')}/accounts/link/{token}/"


def user_for_signin_token(token: str) -> User | None:
    """The user a sign-in link is for, if the link is genuine, unexpired and still current.

    A link dies when its user's password changes, so a leaked link is revoked by a reset.
    """
    try:
        payload = signing.loads(token, salt=_SIGNIN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("e", 0) < timezone.now().timestamp():
        return None
    user = User.objects.filter(pk=int(payload.get("u", 0)), is_active=True).first()
    if user is None or user.password[-12:] != payload.get("h"):
        return None
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
