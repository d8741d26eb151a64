"""Who may do what in mentoring: every rule of the domain is declared here."""

from __future__ import annotations

from learnloop.permissions import Principal, rule


@rule("mentoring.use")
def use(principal: Principal, obj: None) -> bool:
    return (principal.employee is not None and principal.employee.is_active) or bool(
        principal.granted
    )
