"""Freshness reminders: a provider is told when offers are due for confirmation (found at start-up
by the notifications app; sent by its daily run, in the application and by e-mail). The text
names a count and a date only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from passgenau.apps.accounts.permissions import roles_with
from passgenau.apps.notifications.kinds import Due, Kind, register, register_due_check
from passgenau.apps.notifications.selectors import recipients_with_perm

from .models import Service
from .selectors.work import services_due_for_confirmation

CONFIRMATION_DUE = register(
    Kind(
        "directory.confirmation_due",
        _("Offers due for confirmation"),
        _("Please confirm your offers"),
        ngettext_lazy(
            "%(count)s of your offers has not been confirmed since %(date)s; please check it "
            "and confirm it is current.",
            "%(count)s of your offers have not been confirmed since %(date)s; please check "
            "them and confirm they are current.",
            "count",
        ),
        roles_with("directory.edit_own_offers"),
        dates=frozenset({"date"}),
    )
)


@register_due_check
def confirmations_due(today: dt.date) -> Iterator[Due]:
    """Per provider organisation: its visible offers confirmed too long ago (or never)."""
    due: dict[int, list[Service]] = defaultdict(list)
    services = Service.objects.filter(organization__provider__isnull=False).select_related(
        "directory", "organization"
    )
    for service in services_due_for_confirmation(services, today):
        organization = service.organization
        if organization is None or organization.provider_id is None:
            continue  # not selected (the query asks for a provider); this tells the type checker
        due[organization.provider_id].append(service)
    url = reverse("directory:my_offers")
    for organisation_id, offers in sorted(due.items()):
        oldest = min((s.last_confirmed for s in offers if s.last_confirmed), default=None)
        yield Due(
            recipients_with_perm(
                code="directory.edit_own_offers", organisation_ids=[organisation_id]
            ),
            CONFIRMATION_DUE.code,
            {"count": len(offers), "date": (oldest or today).isoformat()},
            url,
            key=f"directory-confirmation-{organisation_id}-{today:%Y-%m}",
        )
