"""The one place that decides whether a user may do an action on an object.

Each domain declares its rules in its own ``permissions.py`` with :func:`rule`; views, the
API, the admin and templates all ask :func:`can` (or :func:`require`). A rule receives the
:class:`Principal` (who the user is in the organization) and the object, and answers yes or
no. An action without a rule is denied, so a forgotten rule fails closed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from learnloop.accounts.models import User
    from learnloop.people.models import Employee, Organization

HR_ADMIN = "hr_admin"
LD_ADMIN = "ld_admin"
EXECUTIVE = "executive"
MANAGER = "manager"
EMPLOYEE = "employee"


@dataclass
class Principal:
    """A signed-in user as the permission rules see them."""

    user: User | None
    employee: Employee | None = None
    granted: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @cached_property
    def organization(self) -> Organization | None:
        """The employee's organization; an administrator without an employee record (such as the
        first account of a new installation) works in the installation's only organization."""
        if self.employee is not None:
            return self.employee.organization
        if not self.granted:
            return None
        from learnloop.people.models import Organization

        organizations = list(Organization.objects.all()[:2])
        return organizations[0] if len(organizations) == 1 else None

    @cached_property
    def roles(self) -> frozenset[str]:
        roles = set(self.granted)
        if self.employee is not None and self.employee.is_active:
            roles.add(EMPLOYEE)
            if self.employee.has_active_reports():
                roles.add(MANAGER)
        return frozenset(roles)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def is_self(self, employee: Employee) -> bool:
        return self.employee is not None and self.employee.pk == employee.pk

    def manages(self, employee: Employee) -> bool:
        """True when ``employee`` is a direct or indirect report of this user."""
        return self.employee is not None and employee.is_in_chain_below(self.employee)

    def same_organization(self, employee: Employee) -> bool:
        org = self.organization
        return org is not None and org.pk == employee.organization_id

    def has_role_in(self, role: str, organization_id: int | None) -> bool:
        """The role, exercised within the user's own organization only."""
        org = self.organization
        return self.has_role(role) and org is not None and org.pk == organization_id


Rule = Callable[[Principal, Any], bool]
_rules: dict[str, Rule] = {}


def rule(action: str) -> Callable[[Rule], Rule]:
    """Register the rule deciding ``action``; each action has exactly one."""

    def register(function: Rule) -> Rule:
        if action in _rules:
            raise ValueError(f"permission rule {action!r} is declared twice")
        _rules[action] = function
        return function

    return register


def known_actions() -> list[str]:
    return sorted(_rules)


def principal_for(user: User | AnonymousUser | None) -> Principal:
    """The user's principal, cached on the user object for the length of a request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Principal(user=None)
    cached: Principal | None = getattr(user, "_learnloop_principal", None)
    if cached is not None:
        return cached
    from learnloop.people.models import Employee, RoleGrant

    employee = Employee.objects.select_related("organization").filter(user=user).first()
    granted = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
    if user.is_superuser:
        granted |= {HR_ADMIN, LD_ADMIN, EXECUTIVE}
    principal = Principal(user=user, employee=employee, granted=frozenset(granted))
    user._learnloop_principal = principal  # type: ignore[attr-defined]
    return principal


def forget(user: Any) -> None:
    """Drop the cached principal after the user's roles or reports changed."""
    if hasattr(user, "_learnloop_principal"):
        del user._learnloop_principal


def can(user: User | AnonymousUser | Principal | None, action: str, obj: Any = None) -> bool:
    try:
        decide = _rules[action]
    except KeyError:
        raise LookupError(f"no permission rule is declared for {action!r}") from None
    principal = user if isinstance(user, Principal) else principal_for(user)
    if not principal.is_authenticated:
        return False
    return bool(decide(principal, obj))


def require(user: User | AnonymousUser | Principal | None, action: str, obj: Any = None) -> None:
    if not can(user, action, obj):
        raise PermissionDenied(action)
