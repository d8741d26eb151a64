"""Who may do what with surveys.

- HR admins build instruments, run pulses and set the anonymity thresholds.
- Every employee answers the pulses they are invited to and sees company-wide results.
- Managers see results for their own team (subject to the thresholds); HR admins and
  executives see results across the organization, broken down where the thresholds allow.
- Anyone in the organization may post to the suggestion box; HR admins handle every thread,
  and managers in the addressed department handle the threads addressed to it.
"""

from __future__ import annotations

from learnloop.permissions import EXECUTIVE, HR_ADMIN, MANAGER, Principal, rule
from learnloop.surveys.models import Pulse, Suggestion


def _in_org(principal: Principal, organization_id: int) -> bool:
    return principal.organization is not None and principal.organization.pk == organization_id


@rule("surveys.use")
def use(principal: Principal, obj: None) -> bool:
    return principal.employee is not None


@rule("surveys.manage")
def manage(principal: Principal, obj: None) -> bool:
    return principal.has_role(HR_ADMIN) and principal.employee is not None


@rule("surveys.view_results")
def view_results(principal: Principal, pulse: Pulse | None) -> bool:
    if pulse is None:
        return principal.employee is not None
    return _in_org(principal, pulse.organization_id) and pulse.status == Pulse.Status.CLOSED


@rule("surveys.view_org_results")
def view_org_results(principal: Principal, pulse: Pulse | None) -> bool:
    """Breakdowns across the whole organization (not just one's own team)."""
    in_org = pulse is None or _in_org(principal, pulse.organization_id)
    return in_org and (principal.has_role(HR_ADMIN) or principal.has_role(EXECUTIVE))


@rule("surveys.view_team_results")
def view_team_results(principal: Principal, pulse: Pulse | None) -> bool:
    in_org = pulse is None or _in_org(principal, pulse.organization_id)
    return in_org and principal.has_role(MANAGER)


@rule("surveys.view_participation")
def view_participation(principal: Principal, pulse: Pulse | None) -> bool:
    in_org = pulse is None or _in_org(principal, pulse.organization_id)
    return in_org and (principal.has_role(HR_ADMIN) or principal.has_role(MANAGER))


@rule("surveys.suggest")
def suggest(principal: Principal, obj: None) -> bool:
    return principal.employee is not None


@rule("surveys.handle_suggestions")
def handle_suggestions(principal: Principal, suggestion: Suggestion | None) -> bool:
    if principal.employee is None:
        return False
    if suggestion is None:
        return principal.has_role(HR_ADMIN) or principal.has_role(MANAGER)
    if not _in_org(principal, suggestion.organization_id):
        return False
    if principal.has_role(HR_ADMIN):
        return True
    addressed = suggestion.addressed_to
    department = principal.employee.department
    return (
        addressed is not None
        and department is not None
        and principal.has_role(MANAGER)
        and department.path.startswith(addressed.path)
    )
