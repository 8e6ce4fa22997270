"""Who may do what in the directory, answered from the permission table.

Everyone searches the public directory (``directory.search``). Providers (``directory.edit_own_
offers``) propose changes to the offers of the organisations their account organisation keeps;
directory editors (``directory.review_changes``) approve or reject them for the directories of
their municipality's territory (a Kreis' editor also for its Gemeinden's directories) and run the
round-table analysis (``directory.analyse``); a Lotse (``directory.lotse_desk``) records needs
anonymously and refers to offers. Selectors and views ask these functions; none compares a role.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from passgenau.apps.accounts.access import user_has_perm

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor

__all__ = [
    "may_analyse",
    "may_edit_offers",
    "may_review",
    "may_search",
    "may_use_lotse_desk",
]


def may_search(*, user: Visitor) -> bool:
    return user_has_perm(user, "directory.search")


def may_edit_offers(*, user: Visitor) -> bool:
    """Whether ``user`` proposes changes (to its own organisation's offers only)."""
    return user_has_perm(user, "directory.edit_own_offers") and bool(
        getattr(user, "organisation_id", None)
    )


def may_review(*, user: Visitor) -> bool:
    """Whether ``user`` reviews changes and keeps directories (of its own territory only)."""
    return user_has_perm(user, "directory.review_changes")


def may_analyse(*, user: Visitor) -> bool:
    return user_has_perm(user, "directory.analyse")


def may_use_lotse_desk(*, user: Visitor) -> bool:
    return user_has_perm(user, "directory.lotse_desk")
