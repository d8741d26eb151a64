"""Fixtures shared by every domain's tests: a small organization with one person per role.

ceo ── manager ── employee
              └── peer
hr (HR admin), ld (L&D admin), exec (executive, reports to ceo), outsider (another org)
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

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
