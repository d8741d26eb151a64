from __future__ import annotations

from learnloop.accounts.models import ApiToken, User
from learnloop.permissions import HR_ADMIN, Principal, rule


@rule("accounts.manage_own_tokens")
def manage_own_tokens(principal: Principal, obj: None) -> bool:
    return True


@rule("accounts.revoke_token")
def revoke_token(principal: Principal, token: ApiToken) -> bool:
    return principal.user is not None and token.user_id == principal.user.pk


@rule("accounts.unlock_signins")
def unlock_signins(principal: Principal, account: User | None) -> bool:
    """HR admins lift sign-in lockouts: of an address, or of an account of their organization."""
    employee = getattr(account, "employee", None) if account is not None else None
    if employee is None:
        return principal.has_role(HR_ADMIN)
    return principal.has_role_in(HR_ADMIN, employee.organization_id)
