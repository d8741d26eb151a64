"""Fixtures shared by every domain's tests: a small organization with one person per role.

ceo ── manager ── employee
              └── peer
hr (HR admin), ld (L&D admin), exec (executive, reports to ceo), outsider (another org)
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from learnloop import permissions
from learnloop.accounts.models import User
from learnloop.people.models import Employee, Organization
from learnloop.people.tests.factories import EmployeeFactory, OrganizationFactory, RoleGrantFactory


@dataclass
class Org:
    organization: Organization
    ceo: Employee
    manager: Employee
    employee: Employee
    peer: Employee
    hr: Employee
    ld: Employee
    executive: Employee
    outsider: Employee

    def user(self, role: str) -> User:
        employee: Employee = getattr(self, role)
        return employee.user


ROLES = ("employee", "manager", "hr", "ld", "executive")


@pytest.fixture(autouse=True)
def _test_settings(settings: object) -> None:
    """Templates resolve static URLs without a collectstatic manifest; passwords hash fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Throttle counters (learnloop/throttle.py) live in the cache: none carries over."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def org(db: None) -> Org:
    organization = OrganizationFactory()
    ceo = EmployeeFactory(organization=organization, user__full_name="Cara Ceo")
    manager = EmployeeFactory(organization=organization, manager=ceo, user__full_name="Max Manager")
    employee = EmployeeFactory(
        organization=organization, manager=manager, user__full_name="Emma Employee"
    )
    peer = EmployeeFactory(organization=organization, manager=manager, user__full_name="Pete Peer")
    hr = EmployeeFactory(organization=organization, manager=ceo, user__full_name="Hana Hr")
    ld = EmployeeFactory(organization=organization, manager=ceo, user__full_name="Lea Learning")
    executive = EmployeeFactory(organization=organization, manager=ceo, user__full_name="Ezra Exec")
    RoleGrantFactory(user=hr.user, role=permissions.HR_ADMIN)
    RoleGrantFactory(user=ld.user, role=permissions.LD_ADMIN)
    RoleGrantFactory(user=executive.user, role=permissions.EXECUTIVE)
    other = OrganizationFactory(name="Other", slug="other")
    outsider = EmployeeFactory(organization=other, user__full_name="Otto Outsider")
    return Org(organization, ceo, manager, employee, peer, hr, ld, executive, outsider)


@pytest.fixture
def client_for(org: Org) -> object:
    """``client_for("manager")`` is a test client signed in as that person."""

    def make(role: str) -> Client:
        client = Client()
        client.force_login(org.user(role))
        return client

    return make


CHROMIUM = os.environ.get("LEARNLOOP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the whole run: Playwright's sync API allows a single session."""
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"Chromium is not installed at {CHROMIUM} (make test-browser installs Debian's chromium)"
        )
    from playwright.sync_api import sync_playwright

    # The sync API runs an event loop in this thread; the ORM calls of the tests are still sync.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def open_page(browser: Any, live_server: Any, settings: Any) -> Iterator[Callable[[], Any]]:
    """``open_page()`` is a fresh browser page (own cookies) on the live server; console errors
    and page errors, CSP violations included, collect in ``page.problems``."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    contexts = []

    def make() -> Any:
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on(
            "console",
            lambda message: page.problems.append(message.text) if message.type == "error" else None,
        )
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page: Callable[[], Any]) -> Any:
    return open_page()


@pytest.fixture
def personas(transactional_db: None) -> dict[str, Any]:
    """The demo organization (60 people, with every domain's history) for browser tests, by persona key."""
    from learnloop.demo import build

    return {persona.key: persona for persona in build.build(60, 11)}


def sign_in(page: Any, email: str) -> None:
    """Sign in through the login form with the demo password."""
    from learnloop.demo import build

    page.goto("/")
    page.get_by_label("Work e-mail").fill(email)
    page.get_by_label("Password").fill(build.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    """Every named URL as ``namespace:name``: the role matrices' guards check each is listed."""
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names
