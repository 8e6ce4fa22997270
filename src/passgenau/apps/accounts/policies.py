"""Who may do what with accounts, answered from the permission table (``permissions.py``).

Pages are guarded by ``access.require(code)``; the decisions inside selectors, services and
views ("may this user see that account?") are asked here, so that no role is compared by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .access import user_has_perm
from .permissions import roles_with

if TYPE_CHECKING:
    from .access import Visitor

__all__ = ["may_manage_users", "role_manages_users", "roles_managing_users"]


def may_manage_users(*, user: Visitor) -> bool:
    """Whether ``user`` lists and manages every organisation and user account."""
    return user_has_perm(user, "accounts.manage_users")


def roles_managing_users() -> frozenset[str]:
    """The roles whose users manage accounts (kept: the last such active account stays)."""
    return roles_with("accounts.manage_users")


def role_manages_users(role: str) -> bool:
    """Whether a user of ``role`` would manage accounts."""
    return role in roles_managing_users()
