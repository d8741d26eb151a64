"""HTTP Basic authentication of LRS clients; never the session."""

from __future__ import annotations

import base64
import binascii
import hashlib
import threading
import time

from django.http import HttpRequest

from learnloop.xapi.actions import secret_matches
from learnloop.xapi.models import LrsClient

# Verifying a scrypt hash costs tens of milliseconds: remember, per process, which secrets
# were verified against which stored hash, so only the first request of a client pays it.
_VERIFIED_TTL = 300.0
_verified: dict[tuple[int, str, str], float] = {}
_lock = threading.Lock()


def _credentials(request: HttpRequest) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    key, sep, secret = decoded.partition(":")
    return (key, secret) if sep else None


def authenticate(request: HttpRequest) -> LrsClient | None:
    """The active client whose key and secret the request carries, else None."""
    credentials = _credentials(request)
    if credentials is None:
        return None
    key, secret = credentials
    # A raw query: every request makes it, and compiling the ORM's cost about twice as much.
    client = next(
        iter(
            LrsClient.objects.raw(
                "SELECT * FROM xapi_lrsclient WHERE key = %s AND revoked_at IS NULL", [key]
            )
        ),
        None,
    )
    if client is None:
        return None
    fingerprint = hashlib.sha256(secret.encode()).hexdigest()
    cache_key = (client.pk, client.secret_hash, fingerprint)
    now = time.monotonic()
    with _lock:
        expires = _verified.get(cache_key)
    if expires is not None and expires > now:
        return client
    if not secret_matches(secret, client.secret_hash):
        return None
    with _lock:
        if len(_verified) > 10_000:
            _verified.clear()
        _verified[cache_key] = now + _VERIFIED_TTL
    return client
