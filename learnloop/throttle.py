"""Cache-backed throttles: at most ``limit`` events per subject (an address, a key, an e-mail
address) in each window of ``window`` seconds.

Counters live in the default cache: per process with the embedded local-memory cache, shared
by every worker with ``LEARNLOOP_CACHE=redis``. Subjects are hashed, so the cache holds no
addresses or e-mail addresses in clear.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address a request came from; behind a reverse proxy, the one the proxy saw.

    The proxy appends the peer it accepted to X-Forwarded-For, so the last entry is the one a
    client cannot forge (earlier entries are whatever the client sent).
    """
    if settings.BEHIND_PROXY:
        forwarded = request.headers.get("X-Forwarded-For", "").rsplit(",", 1)[-1].strip()
        if forwarded:
            return forwarded
    return str(request.META.get("REMOTE_ADDR") or "")


@dataclass(frozen=True)
class Throttle:
    name: str
    # The name of the setting holding the limit, read on use so tests and operators can change it.
    limit_setting: str
    window: int

    @property
    def limit(self) -> int:
        return int(getattr(settings, self.limit_setting))

    def _key(self, subject: str, now: float) -> str:
        digest = hashlib.sha256(subject.encode()).hexdigest()
        return f"throttle:{self.name}:{int(now // self.window)}:{digest}"

    def retry_after(self, subject: str) -> int:
        """Seconds until ``subject`` may go on; 0 while it is under its limit."""
        now = time.time()
        if (cache.get(self._key(subject, now)) or 0) < self.limit:
            return 0
        return max(1, math.ceil(self.window - now % self.window))

    def hit(self, subject: str) -> None:
        """Count one event of ``subject``."""
        key = self._key(subject, time.time())
        cache.add(key, 0, self.window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, self.window)


def retry_after(*checks: tuple[Throttle, str]) -> int:
    """The longest wait any of the (throttle, subject) pairs asks for; 0 when none does."""
    return max((throttle.retry_after(subject) for throttle, subject in checks), default=0)
