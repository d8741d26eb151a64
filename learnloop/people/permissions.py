"""Who may see and change people data.

- Directory facts (name, title, department, location, manager) are visible to everyone in
  the organization, as in any company directory.
- The employment record (hire and leave dates, employment type, reporting chain, history)
  is visible to the person, their managers up the chain, and HR admins.
- Executives see organization aggregates, never individual records.
"""

from __future__ import annotations

from learnloop.people.models import Employee, Organization
from learnloop.permissions import EXECUTIVE, HR_ADMIN, LD_ADMIN, MANAGER, Principal, rule


def _member(principal: Principal) -> bool:
    return principal.employee is not None or bool(principal.granted)


@rule("people.view_directory")
def view_directory(principal: Principal, obj: None) -> bool:
    return _member(principal)


def _hr_for(principal: Principal, organization_id: int | None) -> bool:
    return principal.has_role_in(HR_ADMIN, organization_id)


@rule("people.view_employee")
def view_employee(principal: Principal, employee: Employee) -> bool:
    if _hr_for(principal, employee.organization_id):
        return True
    return principal.same_organization(employee) and (
        employee.is_active or principal.manages(employee)
    )


@rule("people.view_employee_record")
def view_employee_record(principal: Principal, employee: Employee) -> bool:
    return (
        _hr_for(principal, employee.organization_id)
        or principal.is_self(employee)
        or principal.manages(employee)
    )


@rule("people.view_team")
def view_team(principal: Principal, obj: None) -> bool:
    return principal.has_role(MANAGER)


@rule("people.edit_employee")
def edit_employee(principal: Principal, employee: Employee | None) -> bool:
    if employee is None:
        return principal.has_role(HR_ADMIN)
    return _hr_for(principal, employee.organization_id)


@rule("people.import")
def import_people(principal: Principal, organization: Organization | None) -> bool:
    if organization is None:
        return principal.has_role(HR_ADMIN)
    return _hr_for(principal, organization.pk)


@rule("people.manage_roles")
def manage_roles(principal: Principal, obj: None) -> bool:
    return principal.has_role(HR_ADMIN)


@rule("people.view_org_aggregates")
def view_org_aggregates(principal: Principal, organization: Organization | None) -> bool:
    if organization is None:
        return principal.has_role(HR_ADMIN) or principal.has_role(EXECUTIVE)
    return _hr_for(principal, organization.pk) or principal.has_role_in(EXECUTIVE, organization.pk)


@rule("admin.access")
def admin_access(principal: Principal, obj: None) -> bool:
    return principal.has_role(HR_ADMIN)


@rule("people.view_joiners")
def view_joiners(principal: Principal, organization: Organization | None) -> bool:
    """Recent joiners and workforce make-up, which L&D plans onboarding and programs from."""
    if organization is None:
        return principal.has_role(HR_ADMIN) or principal.has_role(LD_ADMIN)
    return _hr_for(principal, organization.pk) or principal.has_role_in(LD_ADMIN, organization.pk)
