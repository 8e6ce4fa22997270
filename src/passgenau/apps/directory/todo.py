"""What the directory asks of its users on the start page (found at start-up by the core app's
to-do registry): a provider confirms its offers before they count as not confirmed recently; a
directory editor reviews the changes waiting for it; a Lotse records whether the person went to
the offers it was referred to."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from passgenau.apps.core.todo import MAX_ITEMS, Item, Todo, register, todo_from

from .models import (
    REFERRAL_OUTCOME_ASKED_AFTER,
    REFERRAL_OUTCOME_DUE_AFTER,
    ChangeRequest,
    Referral,
    ReferralOutcome,
)
from .selectors.lotse import referrals_for_lotse
from .selectors.work import (
    changes_for_editor,
    confirmation_due_on,
    services_due_for_confirmation,
    services_for_provider,
)

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User


@register(
    "directory.offers_to_confirm",
    permission="directory.edit_own_offers",
    title=ngettext_lazy(
        "%(count)s offer to confirm as current", "%(count)s offers to confirm as current", "count"
    ),
    url_name="directory:my_offers",
    order=10,
)
def offers_to_confirm(*, user: User, today: dt.date) -> Todo:
    """The organisation's visible offers whose confirmation falls due within a month (one query:
    a provider's offers are few, and the due day depends on each directory's setting)."""
    due = sorted(
        services_due_for_confirmation(services_for_provider(user=user), today),
        key=lambda s: (confirmation_due_on(s, today), s.pk),
    )
    items = [
        Item(
            _("Check and confirm “%(offer)s”") % {"offer": service.name},
            f"{reverse('directory:my_offers')}#offer-{service.pk}",  # its confirm button
            confirmation_due_on(service, today),
        )
        for service in due[:MAX_ITEMS]
    ]
    overdue = sum(confirmation_due_on(s, today) < today for s in due)
    return Todo(items, len(due), overdue)


@register(
    "directory.changes_to_review",
    permission="directory.review_changes",
    title=ngettext_lazy(
        "%(count)s offer change to review", "%(count)s offer changes to review", "count"
    ),
    url_name="directory:change_list",
    order=10,
)
def changes_to_review(*, user: User, today: dt.date) -> Todo:
    """Pending changes to offers in the editor's directories, the oldest first."""

    def item(change: ChangeRequest) -> Item:
        name = change.service.name if change.service else change.fields.get("name", "")
        return Item(
            _("Change to “%(offer)s”") % {"offer": name},
            reverse("directory:change_detail", kwargs={"pk": change.pk}),
            None,
            change.directory.name,
        )

    return todo_from(changes_for_editor(user=user), today=today, item=item)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@register(
    "directory.referral_outcomes",
    permission="directory.lotse_desk",
    title=ngettext_lazy(
        "%(count)s referral whose outcome is not recorded yet",
        "%(count)s referrals whose outcome is not recorded yet",
        "count",
    ),
    url_name="directory:lotse_desk",
    order=10,
)
def referral_outcomes(*, user: User, today: dt.date) -> Todo:
    """Referrals of the Lotse's organisation without an outcome a week after they were made (the
    person has had time to go), the oldest first; overdue two weeks after (two queries)."""
    referrals = referrals_for_lotse(user=user).filter(
        outcome=ReferralOutcome.OPEN,
        created_at__lt=_day_start(today - REFERRAL_OUTCOME_ASKED_AFTER + dt.timedelta(days=1)),
    )
    overdue = Q(created_at__lt=_day_start(today - REFERRAL_OUTCOME_DUE_AFTER))
    counts = referrals.aggregate(total=Count("pk"), overdue=Count("pk", filter=overdue))

    def item(referral: Referral) -> Item:
        referred_on = timezone.localdate(referral.created_at)
        return Item(
            _("Outcome of the referral to “%(offer)s”") % {"offer": referral.service.name},
            reverse("directory:referral_outcome", kwargs={"pk": referral.pk}),
            referred_on + REFERRAL_OUTCOME_DUE_AFTER,
            _("Referred on %(date)s")
            % {"date": formats.date_format(referred_on, "SHORT_DATE_FORMAT")},
        )

    items = [item(r) for r in referrals.order_by("created_at", "pk")[:MAX_ITEMS]]
    return Todo(items, counts["total"], counts["overdue"])
