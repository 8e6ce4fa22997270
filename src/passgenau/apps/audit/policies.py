"""Who may read the audit trail, answered from the permission table (``accounts.permissions``).

The trail holds personal data itself (who looked at whom): only roles holding ``audit.view_log``
search or export it. Nobody changes it; the model refuses that for everyone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from passgenau.apps.accounts.access import user_has_perm

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor

__all__ = ["may_view_log"]


def may_view_log(*, user: Visitor) -> bool:
    """Whether ``user`` searches the audit trail and exports it."""
    return user_has_perm(user, "audit.view_log")
