"""Who may do what in insights: every rule of the domain is declared here."""

from __future__ import annotations

from learnloop.permissions import Principal, rule


@rule("insights.view")
def use(principal: Principal, obj: None) -> bool:
    return (principal.employee is not None and principal.employee.is_active) or bool(
        principal.granted
    )
