"""Which households' part in their round has ended, and since when: the start of the retention
periods of their data (``passgenau.apps.privacy.services.retention``).

A household's part ends with its withdrawal; for a household that arrived, with its last
follow-up survey (the later of the last wave's due date and the day it was held), or its arrival
when it has no surveys; for any other household, with the closing of its round.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import DateField, DateTimeField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import Arrival, Consent, FollowUpSurvey, Household, HouseholdStatus, RoundStatus

__all__ = ["households_ended_before"]


def _latest(queryset: QuerySet, field: str, output: DateField | DateTimeField) -> Subquery:
    rows = queryset.filter(household=OuterRef("pk"), **{f"{field}__isnull": False})
    return Subquery(rows.order_by(f"-{field}").values(field)[:1], output_field=output)


def households_ended_before(day: dt.date) -> QuerySet[Household]:
    """Households whose part in their round ended before ``day``."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    arrived_on = Subquery(
        Arrival.objects.filter(proposal__household=OuterRef("pk"))
        .order_by("-arrived_on")
        .values("arrived_on")[:1],
        output_field=DateField(),
    )
    households = Household.objects.annotate(
        withdrawn_at=Coalesce(
            _latest(Consent.objects.all(), "withdrawn_at", DateTimeField()), "updated_at"
        ),
        last_due_on=Coalesce(
            _latest(FollowUpSurvey.objects.all(), "due_on", DateField()), arrived_on
        ),
        last_held_on=_latest(FollowUpSurvey.objects.all(), "completed_on", DateField()),
    )
    withdrawn = Q(status=HouseholdStatus.WITHDRAWN, withdrawn_at__lt=start)
    arrived = Q(status=HouseholdStatus.ARRIVED, last_due_on__lt=day) & (
        Q(last_held_on__isnull=True) | Q(last_held_on__lt=day)
    )
    closed = (
        ~Q(status__in=(HouseholdStatus.WITHDRAWN, HouseholdStatus.ARRIVED))
        & Q(round__status=RoundStatus.CLOSED)
        & Q(round__status_changed_at__lt=start)
    )
    return households.filter(withdrawn | arrived | closed)
