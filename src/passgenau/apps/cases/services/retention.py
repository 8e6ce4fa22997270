"""Retention (Art. 5(1)(e) GDPR), the case-management part: each category of a case's data goes
when its period after the closing of the case has passed (the privacy app's daily job,
``passgenau.apps.privacy.services.retention``, decides the periods and calls these in its
transaction). A case reopened is open again and keeps its data.

- health: the health record and the needs taken over from the round;
- plans: goals with their steps, the agreed plan versions;
- notes, referrals: deleted;
- housing, mentoring, mediation: the case's requests with their proposals (the pairs, with their
  meetings; the mediator assignments) and their profiles in the runs' snapshots; flats, mentors
  and mediators stay (a mentor is erased on its own);
- files: the rest of the case (its name, needs, link to the household) with whatever is still
  in it; a case without specialist hours is deleted, one with hours is kept as the pseudonymous
  shell the erasure keeps (``.erasure.case_strip``);
- specialist hours are pseudonymised with the file, never deleted: they are the basis of the
  funders' statements and of the organisation's accounts, which must stay summable and
  reproducible for the accounting retention (§ 147 AO, § 257 HGB, the funders' conditions:
  up to ten years, which the controller ends by hand). The shell keeps date, activity, hours,
  contract and the case's pseudonymous reference; the typed reasons of corrections become "—"
  and the links to mediators' assignments go (``.erasure.hours_pseudonymise``).

Each function returns counts by kind of record (only counted when ``apply`` is False).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from ..models import (
    Case,
    CaseStatus,
    ContactNote,
    Goal,
    HealthRecord,
    HourEntry,
    PlanVersion,
    Referral,
)
from .erasure import case_strip
from .housing import HOUSING
from .matching import MatchingArea, area_erase
from .mediation import MEDIATION
from .mentoring import MENTORING

__all__ = [
    "closed_cases_area_remove",
    "closed_cases_files_remove",
    "closed_cases_health_remove",
    "closed_cases_notes_remove",
    "closed_cases_plans_remove",
    "closed_cases_referrals_remove",
]


def _closed_before(before: dt.date) -> QuerySet[Case]:
    return Case.objects.filter(status=CaseStatus.CLOSED, closed_on__lt=before)


def closed_cases_health_remove(*, before: dt.date, apply: bool) -> int:
    """Cases closed before ``before`` that still hold health data (the health record, the needs
    taken over from the round): both removed; returns how many cases."""
    held = Q(Exists(HealthRecord.objects.filter(case=OuterRef("pk")))) | ~Q(needs=[])
    due = _closed_before(before).filter(held)
    pks = list(due.values_list("pk", flat=True))
    if apply and pks:
        HealthRecord.objects.filter(case_id__in=pks).delete()
        Case.objects.filter(pk__in=pks).update(needs=[])
    return len(pks)


def closed_cases_plans_remove(*, before: dt.date, apply: bool) -> dict[str, int]:
    cases = _closed_before(before)
    goals = Goal.objects.filter(case__in=cases)
    versions = PlanVersion.objects.filter(case__in=cases)
    counts = {"goals": goals.count(), "plan versions": versions.count()}
    if apply:
        goals.delete()  # with their steps; referrals lose the link
        versions.delete()  # written once, but not kept past the period
    return counts


def _delete(rows: QuerySet, kind: str, apply: bool) -> dict[str, int]:
    counts = {kind: rows.count()}
    if apply:
        rows.delete()
    return counts


def closed_cases_notes_remove(*, before: dt.date, apply: bool) -> dict[str, int]:
    return _delete(ContactNote.objects.filter(case__in=_closed_before(before)), "notes", apply)


def closed_cases_referrals_remove(*, before: dt.date, apply: bool) -> dict[str, int]:
    rows = Referral.objects.filter(case__in=_closed_before(before))
    return _delete(rows, "referrals", apply)


AREAS: dict[str, MatchingArea] = {
    "housing": HOUSING,
    "mentoring": MENTORING,
    "mediation": MEDIATION,
}


def closed_cases_area_remove(*, area: str, before: dt.date, apply: bool) -> dict[str, int]:
    """The requests of the area (housing, mentoring, mediation) of cases closed before
    ``before``, with their proposals and their profiles in the runs."""
    matching = AREAS[area]
    requests = matching.request_model._default_manager.filter(case__in=_closed_before(before))
    counts = {"requests": requests.count()}
    if apply:
        due = _closed_before(before).filter(pk__in=requests.values("case_id"))
        for case in due.select_for_update().order_by("pk"):
            area_erase(matching, case)
    return counts


def closed_cases_files_remove(*, before: dt.date, apply: bool) -> dict[str, int]:
    """Cases closed before ``before`` that are not yet a pseudonymous shell: deleted, or (with
    specialist hours) reduced to the shell."""
    due = _closed_before(before).exclude(name=F("reference"), household__isnull=True)
    billed = Q(Exists(HourEntry.objects.filter(case=OuterRef("pk"))))
    counts = {
        "deleted": due.exclude(billed).count(),
        "kept for billing": due.filter(billed).count(),
    }
    if apply:
        for case in due.select_for_update().order_by("pk"):
            case_strip(case=case)
    return counts
