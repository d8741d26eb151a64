"""Who may do what in learning: every rule of the domain is declared here."""

from __future__ import annotations

from learnloop.permissions import Principal, rule


@rule("learning.use")
def use(principal: Principal, obj: None) -> bool:
    return (principal.employee is not None and principal.employee.is_active) or bool(
        principal.granted
    )
