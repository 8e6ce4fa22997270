"""What a measures plan asks of its coordinators and actors on the start page (found at start-up
by the core app's to-do registry): measures past their end that are neither done nor dropped,
for whoever reports their progress."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from passgenau.apps.core.todo import Item, Todo, register, todo_from

from . import policies
from .models import STATUS_CARRIED_OVER, Measure

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User


@register(
    "measures.measures_overdue",
    permission="measures.take_part",
    title=ngettext_lazy("%(count)s measure overdue", "%(count)s measures overdue", "count"),
    url_name="measures:plan_list",
    order=60,
)
def measures_overdue(*, user: User, today: dt.date) -> Todo:
    """Measures still planned, running or delayed after their end, that the user reports on."""
    measures = (
        Measure.objects.filter(policies.measures_reported_scope(user=user))
        .filter(status__in=STATUS_CARRIED_OVER, end__lt=today)
        .select_related("plan")
    )

    def item(measure: Measure) -> Item:
        return Item(
            _("Measure %(code)s “%(title)s”: report its progress")
            % {"code": measure.code, "title": measure.title},
            reverse("measures:measure_update", kwargs={"pk": measure.pk}),
            measure.end,
            measure.plan.name,
        )

    return todo_from(measures, today=today, item=item, due="end")
