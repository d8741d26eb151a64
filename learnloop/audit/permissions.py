from __future__ import annotations

from learnloop.permissions import HR_ADMIN, Principal, rule


@rule("audit.view_trail")
def view_trail(principal: Principal, obj: None) -> bool:
    return principal.has_role(HR_ADMIN)
