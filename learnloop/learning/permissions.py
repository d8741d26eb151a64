"""Who may do what in learning: every rule of the domain is declared here.

- Every active employee browses their organization's catalog, enrols themselves, works through
  their own enrollments (progress, quizzes, ratings) and plans their own path.
- A manager sees the learning of the people below them (whole chain) and assigns them items.
- L&D admins manage the catalog, question banks and curricula, assign to teams and roles, and
  see everyone's learning and the item analytics.
- Executives see the aggregate item analytics only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from learnloop.permissions import EXECUTIVE, LD_ADMIN, MANAGER, Principal, rule

if TYPE_CHECKING:
    from learnloop.learning.models import Certificate, Enrollment, Item
    from learnloop.people.models import Employee


def _active(principal: Principal) -> bool:
    return principal.employee is not None and principal.employee.is_active


def _ld(principal: Principal, organization_id: int | None = None) -> bool:
    org = principal.organization
    if org is None or not principal.has_role(LD_ADMIN):
        return False
    return organization_id is None or org.pk == organization_id


def _oversees(principal: Principal, employee: Employee) -> bool:
    """Self, a manager above them, or L&D of their organization."""
    return (
        principal.is_self(employee)
        or principal.manages(employee)
        or _ld(principal, employee.organization_id)
    )


@rule("learning.use")
def use(principal: Principal, obj: None) -> bool:
    return _active(principal) or bool(principal.granted)


@rule("learning.learn")
def learn(principal: Principal, obj: None) -> bool:
    """Have one's own path and enrollments: an active employee."""
    return _active(principal)


@rule("learning.view_item")
def view_item(principal: Principal, item: Item) -> bool:
    org = principal.organization
    return org is not None and org.pk == item.organization_id and (item.active or _ld(principal))


@rule("learning.enrol_self")
def enrol_self(principal: Principal, item: Item) -> bool:
    return _active(principal) and view_item(principal, item) and item.active


@rule("learning.assign")
def assign(principal: Principal, employee: Employee) -> bool:
    """Assign an item to one person: their manager (chain) or L&D."""
    return employee.is_active and (
        principal.manages(employee) or _ld(principal, employee.organization_id)
    )


@rule("learning.view_team")
def view_team(principal: Principal, obj: None) -> bool:
    return principal.has_role(MANAGER) or _ld(principal)


@rule("learning.view_learner")
def view_learner(principal: Principal, employee: Employee) -> bool:
    return _oversees(principal, employee)


@rule("learning.view_enrollment")
def view_enrollment(principal: Principal, enrollment: Enrollment) -> bool:
    return _oversees(principal, enrollment.employee)


@rule("learning.work")
def work(principal: Principal, enrollment: Enrollment) -> bool:
    """Progress, complete, rate, take quizzes: the enrolled person only."""
    return _active(principal) and principal.is_self(enrollment.employee)


@rule("learning.view_certificate")
def view_certificate(principal: Principal, certificate: Certificate) -> bool:
    return _oversees(principal, certificate.enrollment.employee)


@rule("learning.manage")
def manage(principal: Principal, obj: None) -> bool:
    """The catalog, question banks, curricula, group assignments: L&D."""
    return _ld(principal)


@rule("learning.view_analytics")
def view_analytics(principal: Principal, obj: None) -> bool:
    return _ld(principal) or principal.has_role(EXECUTIVE)
