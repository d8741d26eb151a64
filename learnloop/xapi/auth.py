"""HTTP Basic authentication of LRS clients; never the session."""

from __future__ import annotations

import base64
import binascii
import hashlib
import threading
import time

from django.http import HttpRequest

from learnloop.throttle import Throttle, client_address, retry_after
from learnloop.xapi.actions import secret_matches
from learnloop.xapi.engine.errors import XapiError
from learnloop.xapi.models import LrsClient

# Verifying a scrypt hash costs tens of milliseconds: remember, per process, which secrets
# were verified against which stored hash, so only the first request of a client pays it.
_VERIFIED_TTL = 300.0
_verified: dict[tuple[int, str, str], float] = {}
_lock = threading.Lock()

# Failed checks, counted by the key presented (known or not, so a 429 tells nothing about
# which keys exist) and by address. Only requests that would run scrypt are throttled: a
# client whose secret is already verified keeps working while someone guesses at its key.
FAILURE_WINDOW = 300
_PER_KEY = Throttle("xapi-auth-key", "XAPI_AUTH_FAILURES_PER_KEY", FAILURE_WINDOW)
_PER_ADDRESS = Throttle("xapi-auth-address", "XAPI_AUTH_FAILURES_PER_ADDRESS", FAILURE_WINDOW)


class Throttled(XapiError):
    status = 429

    def __init__(self, seconds: int) -> None:
        super().__init__(f"too many failed sign-ins: try again in {seconds} seconds")
        self.retry_after = seconds


# What an unknown key's secret is checked against: a well-formed hash that nothing matches,
# so the check costs the same scrypt work as a known key's.
_DUMMY_HASH = f"scrypt${'00' * 16}${'00' * 32}"


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
    """The active client whose key and secret the request carries, else None.

    Raises :class:`Throttled` when the key or the address failed too often lately.
    """
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
    fingerprint = hashlib.sha256(secret.encode()).hexdigest()
    now = time.monotonic()
    if client is not None:
        cache_key = (client.pk, client.secret_hash, fingerprint)
        with _lock:
            expires = _verified.get(cache_key)
        if expires is not None and expires > now:
            return client
    address = client_address(request)
    wait = retry_after((_PER_KEY, key), (_PER_ADDRESS, address))
    if wait:
        raise Throttled(wait)
    # An unknown (or revoked) key costs the same scrypt check as a wrong secret: no timing oracle.
    matched = secret_matches(secret, client.secret_hash if client else _DUMMY_HASH)
    if client is None or not matched:
        _PER_KEY.hit(key)
        _PER_ADDRESS.hit(address)
        return None
    with _lock:
        if len(_verified) > 10_000:
            _verified.clear()
        _verified[(client.pk, client.secret_hash, fingerprint)] = now + _VERIFIED_TTL
    return client
