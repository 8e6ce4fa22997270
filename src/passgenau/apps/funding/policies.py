"""Who may do what in funding, answered from the permission table (``accounts.permissions``).

Funders (``funding.manage``) keep the programmes of their own organisation and decide on the
grants made from them; recipients (``funding.view_grants`` without ``funding.manage``) see and
report on their own organisation's grants. Selectors and views ask these functions and compare
no role by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from passgenau.apps.accounts.access import user_has_perm

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor

    from .models import Grant

__all__ = [
    "GRANT_DECISIONS",
    "funder_organisation",
    "may_correct_payments",
    "may_decide_grants",
    "may_manage_programmes",
    "recipient_organisation",
]

# The changes of a grant that only its funder makes; the recipient only reports.
GRANT_DECISIONS: frozenset[str] = frozenset(
    {"approve", "freeze", "release", "pay", "confirm_payment", "close"}
)


def _organisation(user: Visitor) -> int | None:
    organisation_id: int | None = getattr(user, "organisation_id", None)
    return organisation_id


def funder_organisation(*, user: Visitor) -> int | None:
    """The organisation whose programmes ``user`` keeps and whose grants it sees (funders), or
    None."""
    return _organisation(user) if user_has_perm(user, "funding.manage") else None


def recipient_organisation(*, user: Visitor) -> int | None:
    """The organisation whose grants ``user`` sees and reports on (recipients), or None."""
    if user_has_perm(user, "funding.view_grants") and not user_has_perm(user, "funding.manage"):
        return _organisation(user)
    return None


def may_manage_programmes(*, user: Visitor) -> bool:
    """Whether ``user`` keeps programmes (those of the organisation ``user`` belongs to)."""
    return funder_organisation(user=user) is not None


def may_decide_grants(*, user: Visitor) -> bool:
    """Whether ``user`` approves, freezes, pays and closes grants (of its own programmes)."""
    return user_has_perm(user, "funding.manage")


def may_correct_payments(*, user: Visitor, grant: Grant) -> bool:
    """Whether ``user`` corrects the payments of ``grant``: its programme's funder."""
    funder_id = funder_organisation(user=user)
    return funder_id is not None and grant.programme.funder_id == funder_id
