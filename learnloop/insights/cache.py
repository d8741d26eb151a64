"""Computed dashboards, cached per (scope, filters) under the facts' version: a refresh bumps
the version, so every cached dashboard is invalidated at once without a scan of the cache."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache

from learnloop.insights import refresh

TIMEOUT = 24 * 3600


def version() -> str:
    """The facts' identity and version: changes with every refresh and every rebuild."""
    manifest = refresh.store().manifest()
    return f"{manifest.get('store_id', 'none')}:{manifest.get('version', 0)}"


def key_for(*parts: object) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"insights:{version()}:{digest}"


def cached[T](parts: tuple[object, ...], compute: Callable[[], T]) -> T:
    key = key_for(*parts)
    found: T | None = cache.get(key)
    if found is not None:
        return found
    value = compute()
    cache.set(key, value, TIMEOUT)
    return value


def put(parts: tuple[object, ...], value: object) -> None:
    """Cache a value computed alongside another (same key as :func:`cached` would use)."""
    cache.set(key_for(*parts), value, TIMEOUT)
