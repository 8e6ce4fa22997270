"""What the administrators find on the start page (found at start-up by the core app's to-do
registry): accounts nobody has used yet (an invitation not accepted is overdue once its link has
expired), accounts in use without the second factor their role requires, accounts locked after
failed log-ins. Each item links to the account's page, where the administrator sends a new
password link, resets the second factor or deactivates the account.

They are registered here, in the administrators' app, because the accounts app sits below the
core app (which imports it) and so cannot import the registry. Items name an account by its
number, role and organisation only: the start page logs no read; the account's page does.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import CharField, Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from passgenau.apps.accounts.selectors import (
    accounts_locked_out,
    accounts_never_used,
    accounts_without_second_factor,
)
from passgenau.apps.core.todo import MAX_ITEMS, Item, Todo, register, todo_from

from .models import AuditEntry

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.db.models import QuerySet
    from django.utils.functional import Promise

    from passgenau.apps.accounts.models import User


def _account_item(
    account: User, label: str | Promise, due_on: dt.date | None = None, detail: str = ""
) -> Item:
    who = " · ".join(
        str(part) for part in (account.get_role_display(), account.organisation) if part
    )
    return Item(
        _("Account no. %(number)s: %(what)s") % {"number": account.pk, "what": label},
        reverse("accounts:user_detail", kwargs={"id": account.pk}),
        due_on,
        " · ".join(part for part in (who, detail) if part),
    )


@register(
    "accounts.never_used",
    permission="accounts.manage_users",
    title=ngettext_lazy(
        "%(count)s account nobody has logged in with yet",
        "%(count)s accounts nobody has logged in with yet",
        "count",
    ),
    url_name="accounts:user_list",
    order=10,
)
def accounts_never_used_todo(*, user: User, today: dt.date) -> Todo:
    """Active accounts never logged in with, the oldest first; an invitation is due on the day
    its link expires, counted from the last time it was sent (the trail's ``accounts.user.invited``
    entry, else the account's creation; two queries)."""
    last_sent = AuditEntry.objects.filter(
        action="accounts.user.invited",
        content_type__app_label="accounts",
        content_type__model="user",
        object_id=Cast(OuterRef("pk"), CharField()),
    ).order_by("-at")
    accounts = accounts_never_used(user=user).annotate(
        sent_at=Coalesce(Subquery(last_sent.values("at")[:1]), F("date_joined"))
    )
    timeout = dt.timedelta(seconds=settings.ACCOUNT_INVITATION_TIMEOUT)
    expired = timezone.make_aware(dt.datetime.combine(today, dt.time.min)) - timeout
    counts = accounts.aggregate(
        total=Count("pk"), overdue=Count("pk", filter=Q(invited=True, sent_at__lt=expired))
    )

    def item(account: User) -> Item:
        # invited, sent_at: annotated above and by the selector
        sent_at: dt.datetime = account.sent_at  # type: ignore[attr-defined]
        if account.invited:  # type: ignore[attr-defined]
            on = formats.date_format(timezone.localdate(sent_at), "SHORT_DATE_FORMAT")
            return _account_item(
                account,
                _("invitation not accepted"),
                timezone.localdate(sent_at + timeout),
                str(_("invited on %(date)s") % {"date": on}),
            )
        on = formats.date_format(timezone.localdate(account.date_joined), "SHORT_DATE_FORMAT")
        return _account_item(
            account, _("never logged in"), None, str(_("set up on %(date)s") % {"date": on})
        )

    items = [item(a) for a in accounts.order_by("date_joined", "pk")[:MAX_ITEMS]]
    return Todo(items, counts["total"], counts["overdue"])


def _accounts_kind(
    code: str,
    *,
    title: Promise,
    order: int,
    accounts: Callable[..., QuerySet[User]],
    what: Promise,
) -> None:
    """Register the kind ``code``: the accounts ``accounts`` selects, each labelled ``what``."""

    def provider(*, user: User, today: dt.date) -> Todo:
        return todo_from(
            accounts(user=user), today=today, item=lambda account: _account_item(account, what)
        )

    provider.__doc__ = accounts.__doc__
    register(
        code,
        permission="accounts.manage_users",
        title=title,
        url_name="accounts:user_list",
        order=order,
    )(provider)


# Locked now by wrong passwords or codes: someone may be guessing. First on the page.
_accounts_kind(
    "accounts.locked_out",
    title=ngettext_lazy(
        "%(count)s account locked after failed log-ins",
        "%(count)s accounts locked after failed log-ins",
        "count",
    ),
    order=5,
    accounts=accounts_locked_out,
    what=_("locked after failed log-ins"),
)
_accounts_kind(
    "accounts.second_factor_missing",
    title=ngettext_lazy(
        "%(count)s account without the second factor its role requires",
        "%(count)s accounts without the second factor their role requires",
        "count",
    ),
    order=20,
    accounts=accounts_without_second_factor,
    what=_("second factor not set up"),
)
