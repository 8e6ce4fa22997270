"""Who may do what with notifications: built on the permission table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from passgenau.apps.accounts.access import user_has_perm, user_role

from .kinds import Kind

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor

__all__ = ["may_receive"]


def may_receive(*, user: Visitor, kind: Kind) -> bool:
    """A user receives a kind when their role is one it is meant for (and they may read their
    own notifications at all)."""
    return user_has_perm(user, "notifications.view_own") and user_role(user) in kind.roles
