from __future__ import annotations

from learnloop.accounts.models import ApiToken
from learnloop.permissions import Principal, rule


@rule("accounts.manage_own_tokens")
def manage_own_tokens(principal: Principal, obj: None) -> bool:
    return True


@rule("accounts.revoke_token")
def revoke_token(principal: Principal, token: ApiToken) -> bool:
    return principal.user is not None and token.user_id == principal.user.pk
