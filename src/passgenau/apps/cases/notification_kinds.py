"""What case management tells its users (found at start-up by the notifications app): a flat a
housing provider offered, to the caseworkers of the organisation that allocates it. Texts name
the district, the provider organisation, the rooms and a date only: never a household, and not
the address (the link leads to the flat, for those who may see it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from passgenau.apps.accounts.permissions import roles_with
from passgenau.apps.notifications.kinds import Kind, register
from passgenau.apps.notifications.selectors import recipients_with_perm
from passgenau.apps.notifications.services import notify_after_commit

from .models import Flat

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User

KEEPING = "cases.manage_housing"  # who keeps the housing transition and sees its flats

FLAT_OFFERED = register(
    Kind(
        "cases.flat_offered",
        _("A flat offered for the housing transition"),
        _("New flat offered in %(district)s"),
        ngettext_lazy(
            "%(provider)s offers a flat with %(count)s room in the district %(district)s, "
            "available from %(date)s. The next allocation run can propose it.",
            "%(provider)s offers a flat with %(count)s rooms in the district %(district)s, "
            "available from %(date)s. The next allocation run can propose it.",
            "count",
        ),
        roles_with(KEEPING),
        dates=frozenset({"date"}),
    )
)


def flat_offered_notify(flat: Flat, *, actor: User) -> None:
    """Tell the caseworkers who keep ``flat`` (its organisation's, with the right to keep the
    housing transition) that a housing provider offered it, once the flat is stored."""
    notify_after_commit(
        actor=actor,
        recipients=recipients_with_perm(code=KEEPING, organisation_ids=[flat.organisation_id]),
        kind=FLAT_OFFERED.code,
        params={
            "provider": flat.provider.name,
            "district": flat.district.name,
            "count": flat.rooms,
            "date": flat.available_from.isoformat(),
        },
        url=reverse("cases:flat_edit", args=[flat.pk]),
    )


__all__ = ["FLAT_OFFERED", "flat_offered_notify"]
