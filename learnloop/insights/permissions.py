"""Who may see which insights: every rule of the domain is declared here.

- Everyone active sees their own progress (``insights.view``).
- A manager sees their team (their whole reporting chain) in aggregate, suppressed below the
  organization's minimum group size, plus the assigned-learning status of their reports.
- L&D admins see programs and content, and the organization's aggregates.
- HR admins and executives see the organization's aggregates only: never one person's data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from learnloop.permissions import EXECUTIVE, HR_ADMIN, LD_ADMIN, MANAGER, Principal, rule

if TYPE_CHECKING:
    from learnloop.people.models import Organization


def _active(principal: Principal) -> bool:
    return principal.employee is not None and principal.employee.is_active


def _in(principal: Principal, organization: Organization | None) -> bool:
    own = principal.organization
    return own is not None and (organization is None or own.pk == organization.pk)


@rule("insights.view")
def use(principal: Principal, obj: None) -> bool:
    return _active(principal) or bool(principal.granted)


@rule("insights.view_self")
def view_self(principal: Principal, obj: None) -> bool:
    return _active(principal)


@rule("insights.view_team")
def view_team(principal: Principal, obj: None) -> bool:
    return _active(principal) and principal.has_role(MANAGER)


@rule("insights.view_organization")
def view_organization(principal: Principal, organization: Organization | None) -> bool:
    return _in(principal, organization) and any(
        principal.has_role(role) for role in (HR_ADMIN, EXECUTIVE, LD_ADMIN)
    )


@rule("insights.view_content")
def view_content(principal: Principal, organization: Organization | None) -> bool:
    return _in(principal, organization) and (
        principal.has_role(LD_ADMIN) or principal.has_role(HR_ADMIN)
    )


@rule("insights.refresh")
def refresh(principal: Principal, organization: Organization | None) -> bool:
    return _in(principal, organization) and (
        principal.has_role(LD_ADMIN) or principal.has_role(HR_ADMIN)
    )
