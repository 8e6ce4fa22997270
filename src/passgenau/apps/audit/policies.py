"""Who may read the audit trail, answered from the permission table (``accounts.permissions``).

The trail holds personal data itself (who looked at whom): only roles holding ``audit.view_log``
search or export it. Nobody changes it; the model refuses that for everyone.
"""

from __future__ import annotations

from typing import Any

from passgenau.apps.accounts.access import user_has_perm

__all__ = ["may_view_log"]


def may_view_log(*, user: Any) -> bool:
    """Whether ``user`` searches the audit trail and exports it."""
    return user_has_perm(user, "audit.view_log")
