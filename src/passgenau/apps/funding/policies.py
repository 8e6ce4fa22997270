"""Who may do what in funding, answered from the permission table (``accounts.permissions``).

Funders (``funding.manage``) keep the programmes of their own organisation and decide on the
grants made from them; recipients (``funding.view_grants`` without ``funding.manage``) see and
report on their own organisation's grants. Selectors and views ask these functions and compare
no role by name.
"""

from __future__ import annotations

from typing import Any

from passgenau.apps.accounts.access import user_has_perm

__all__ = [
    "GRANT_DECISIONS",
    "may_decide_grants",
    "may_manage_programmes",
    "sees_grants_as_funder",
    "sees_grants_as_recipient",
]

# The changes of a grant that only its funder makes; the recipient only reports.
GRANT_DECISIONS: frozenset[str] = frozenset(
    {"approve", "freeze", "release", "pay", "confirm_payment", "close"}
)


def _in_organisation(user: Any) -> bool:
    return user is not None and getattr(user, "organisation_id", None) is not None


def may_manage_programmes(*, user: Any) -> bool:
    """Whether ``user`` keeps programmes (those of the organisation ``user`` belongs to)."""
    return user_has_perm(user, "funding.manage") and _in_organisation(user)


def may_decide_grants(*, user: Any) -> bool:
    """Whether ``user`` approves, freezes, pays and closes grants (of its own programmes)."""
    return user_has_perm(user, "funding.manage")


def sees_grants_as_funder(*, user: Any) -> bool:
    """Whether ``user`` sees the grants of the programmes of its organisation."""
    return may_manage_programmes(user=user)


def sees_grants_as_recipient(*, user: Any) -> bool:
    """Whether ``user`` sees the grants made to its own organisation."""
    return (
        user_has_perm(user, "funding.view_grants")
        and not user_has_perm(user, "funding.manage")
        and _in_organisation(user)
    )
