"""What funding asks of its users on the start page (found at start-up by the core app's to-do
registry): a funder decides the applications to its programmes and checks the use-of-funds
reports handed in; a recipient hands in the report of a paid grant by the end of its
programme's period."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from passgenau.apps.core.todo import NOTHING, Item, Todo, register, todo_from

from . import policies
from .models import Grant, GrantStatus
from .selectors import grants_for_user

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User


def _item(grant: Grant, label: Promise, due_on: dt.date | None) -> Item:
    return Item(
        label % {"title": grant.title, "recipient": grant.organisation.name},
        reverse("funding:grant_detail", kwargs={"pk": grant.pk}),
        due_on,
        grant.programme.name,
    )


@register(
    "funding.applications_to_decide",
    permission="funding.manage",
    title=ngettext_lazy(
        "%(count)s application to decide", "%(count)s applications to decide", "count"
    ),
    url_name="funding:grant_list",
    order=10,
)
def applications_to_decide(*, user: User, today: dt.date) -> Todo:
    """Applications to the programmes of the user's organisation, not yet approved."""
    if not policies.may_decide_grants(user=user):
        return NOTHING
    grants = grants_for_user(user=user).filter(status=GrantStatus.APPLIED)
    label = _("Application “%(title)s” of %(recipient)s")
    return todo_from(grants, today=today, item=lambda g: _item(g, label, None))


@register(
    "funding.reports_to_check",
    permission="funding.manage",
    title=ngettext_lazy(
        "%(count)s use-of-funds report to check",
        "%(count)s use-of-funds reports to check",
        "count",
    ),
    url_name="funding:grant_list",
    order=20,
)
def reports_to_check(*, user: User, today: dt.date) -> Todo:
    """Grants of the user's programmes whose report is in and that are not closed yet."""
    if not policies.may_decide_grants(user=user):
        return NOTHING
    grants = grants_for_user(user=user).filter(status=GrantStatus.REPORTED)
    label = _("Report on “%(title)s” of %(recipient)s: check and close")
    return todo_from(grants, today=today, item=lambda g: _item(g, label, None))


@register(
    "funding.reports_due",
    permission="funding.view_grants",
    title=ngettext_lazy(
        "%(count)s use-of-funds report due", "%(count)s use-of-funds reports due", "count"
    ),
    url_name="funding:grant_list",
    order=30,
)
def reports_due(*, user: User, today: dt.date) -> Todo:
    """Paid grants of the user's own organisation without a report; due at the end of the
    programme's period."""
    if policies.recipient_organisation(user=user) is None:
        return NOTHING
    grants = grants_for_user(user=user).filter(status=GrantStatus.PAID, report__isnull=True)
    label = _("Use-of-funds report on “%(title)s”")
    return todo_from(
        grants,
        today=today,
        item=lambda g: _item(g, label, g.programme.period_end),
        due="programme__period_end",
    )
