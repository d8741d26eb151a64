"""Who may see and change skills data.

- The taxonomy and role profiles are the organization's shared language: every member reads them;
  HR and L&D admins curate them.
- A skill profile is seen by the person, their managers up the chain and HR. The person makes
  self-claims and decides on suggestions; a manager validates; colleagues endorse.
- Gap views: a manager sees their reports, HR any team; executives and L&D see organization
  aggregates only, with groups smaller than the organization's minimum suppressed.
"""

from __future__ import annotations

from learnloop.people.models import Employee, Organization
from learnloop.permissions import EXECUTIVE, HR_ADMIN, LD_ADMIN, MANAGER, Principal, rule


def _member(principal: Principal) -> bool:
    return principal.employee is not None and principal.employee.is_active


def _org_id(obj: Organization | Employee | None) -> int | None:
    if isinstance(obj, Employee):
        return obj.organization_id
    return obj.pk if obj is not None else None


def _curator(principal: Principal, organization: Organization | None) -> bool:
    if organization is None:
        return principal.has_role(HR_ADMIN) or principal.has_role(LD_ADMIN)
    return principal.has_role_in(HR_ADMIN, organization.pk) or principal.has_role_in(
        LD_ADMIN, organization.pk
    )


@rule("skills.view_taxonomy")
def view_taxonomy(principal: Principal, obj: None) -> bool:
    return _member(principal) or bool(principal.granted)


@rule("skills.curate")
def curate(principal: Principal, organization: Organization | None) -> bool:
    """Own skills, synonyms, hiding; frameworks, scales, role profiles, career paths."""
    return _curator(principal, organization)


@rule("skills.view_roles")
def view_roles(principal: Principal, organization: Organization | None) -> bool:
    if organization is None:
        return _member(principal) or bool(principal.granted)
    return principal.organization is not None and principal.organization.pk == organization.pk


@rule("skills.view_profile")
def view_profile(principal: Principal, employee: Employee) -> bool:
    return (
        principal.is_self(employee)
        or principal.manages(employee)
        or principal.has_role_in(HR_ADMIN, employee.organization_id)
    )


@rule("skills.claim")
def claim(principal: Principal, employee: Employee | None) -> bool:
    """Self-assessment, text inference and deciding on suggestions: the person only."""
    if employee is None:
        return _member(principal)
    return principal.is_self(employee) and employee.is_active


@rule("skills.validate")
def validate(principal: Principal, employee: Employee) -> bool:
    return principal.manages(employee) and not principal.is_self(employee)


@rule("skills.endorse")
def endorse(principal: Principal, employee: Employee) -> bool:
    return (
        _member(principal)
        and principal.same_organization(employee)
        and not principal.is_self(employee)
        and employee.is_active
    )


@rule("skills.set_goal")
def set_goal(principal: Principal, employee: Employee) -> bool:
    return principal.is_self(employee) or principal.manages(employee)


@rule("skills.view_team_gaps")
def view_team_gaps(principal: Principal, organization: Organization | None) -> bool:
    """Managers for their reports; HR for any team of their organization."""
    if principal.has_role(MANAGER):
        return True
    if organization is None:
        return principal.has_role(HR_ADMIN)
    return principal.has_role_in(HR_ADMIN, organization.pk)


@rule("skills.view_inventory")
def view_inventory(principal: Principal, organization: Organization | None) -> bool:
    """Organization aggregates (counts per skill and role, small groups suppressed)."""
    roles = (HR_ADMIN, EXECUTIVE, LD_ADMIN)
    if organization is None:
        return any(principal.has_role(r) for r in roles)
    return any(principal.has_role_in(r, organization.pk) for r in roles)


@rule("skills.view_inventory_people")
def view_inventory_people(principal: Principal, organization: Organization | None) -> bool:
    """Who exactly holds a skill or could step into a role: HR only."""
    if organization is None:
        return principal.has_role(HR_ADMIN)
    return principal.has_role_in(HR_ADMIN, organization.pk)
