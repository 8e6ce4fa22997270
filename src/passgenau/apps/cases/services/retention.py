"""Retention (Art. 5(1)(e) GDPR), the case-management part: the health data of a closed case go
when the period for health needs after its closing has passed (the privacy app's daily job,
``passgenau.apps.privacy.services.retention``, decides the period)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q

from ..models import Case, CaseStatus, HealthRecord

__all__ = ["closed_cases_health_remove"]


def closed_cases_health_remove(*, before: dt.date, apply: bool) -> int:
    """Cases closed before ``before`` that still hold health data (the health record, the needs
    taken over from the round): both removed; returns how many cases (only counted when
    ``apply`` is False)."""
    held = Q(Exists(HealthRecord.objects.filter(case=OuterRef("pk")))) | ~Q(needs=[])
    due = Case.objects.filter(status=CaseStatus.CLOSED, closed_on__lt=before).filter(held)
    pks = list(due.values_list("pk", flat=True))
    if apply and pks:
        HealthRecord.objects.filter(case_id__in=pks).delete()
        Case.objects.filter(pk__in=pks).update(needs=[])
    return len(pks)
