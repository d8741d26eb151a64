"""Who may run the LRS console.

``xapi.administer``: HR admins and L&D admins. They create and revoke client credentials
(which can read every statement) and browse recent statements, which name people and what
they did; managers, executives and employees do not, since statements are personal records.
Employees' own statements reach them through the learning pages, not through this console.
"""

from __future__ import annotations

from learnloop.permissions import HR_ADMIN, LD_ADMIN, Principal, rule


@rule("xapi.administer")
def administer(principal: Principal, obj: None) -> bool:
    return principal.has_role(HR_ADMIN) or principal.has_role(LD_ADMIN)
