"""Erasure (Art. 17 GDPR), the case-management part: a case taken over from a relocation
household goes when that household is erased. The privacy app decides who may erase and why
(``passgenau.apps.privacy.services``) and calls this inside its transaction.

A case without specialist hours is deleted with everything recorded in it. A case whose hours
were billed to a funder keeps, for the funder's audit of the statements, only what the bill
needs: its pseudonymous reference, organisation, caseworker, persons, dates, status, consents and
events; its name becomes the reference, and its health data, needs, goals and steps, agreed plan
versions, referrals, contact notes, housing, mentee and mediation requests (with their proposals,
meetings and profiles in the runs' snapshots) are deleted; the hour entries stay, without
the link to a mediation assignment and with the typed reasons of corrections replaced.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from passgenau.apps.accounts.models import User
from passgenau.apps.audit.services import log_action

from ..models import Case, ContactNote, Goal, HealthRecord, HourEntry, PlanVersion, Referral
from .housing import housing_erase
from .mediation import mediation_erase
from .mentoring import mentoring_erase

__all__ = ["HOUR_REASON_REMOVED", "case_erase", "case_strip", "hours_pseudonymise"]

# what the reason of a correction says once it is removed (the field may not be empty)
HOUR_REASON_REMOVED = "—"


def case_erase(*, actor: User, case: Case, data: dict[str, Any]) -> bool:
    """Erase ``case`` (the caller holds its row lock); True when a pseudonymous shell was kept
    for billed hours. The audit entry carries ``data`` (the privacy app's reason code)."""
    kept = HourEntry.objects.filter(case=case).exists()
    log_action("cases.case.erased", actor=actor, obj=case, data={**data, "kept_for_billing": kept})
    return case_strip(case=case)


def case_strip(*, case: Case) -> bool:
    """Delete ``case`` with everything recorded in it, or, when it has specialist hours, all of
    it but the pseudonymous shell the hours need; True when the shell was kept. Used by the
    erasure and by the retention of case files (``.retention``)."""
    housing_erase(case=case)
    mentoring_erase(case=case)
    mediation_erase(case=case)
    if not HourEntry.objects.filter(case=case).exists():
        case.delete()
        return False
    HealthRecord.objects.filter(case=case).delete()
    Referral.objects.filter(case=case).delete()
    ContactNote.objects.filter(case=case).delete()
    Goal.objects.filter(case=case).delete()  # with their steps
    PlanVersion.objects.filter(case=case).delete()  # written once, but not kept past erasure
    hours_pseudonymise(HourEntry.objects.filter(case=case))
    case.name = case.reference
    case.needs = []
    case.household = None
    case.save(update_fields=["name", "needs", "household"])
    return True


def hours_pseudonymise(entries: QuerySet[HourEntry], *, apply: bool = True) -> int:
    """Replace the typed reasons of these hour entries' corrections (free text, which may be
    about the person) and cut their links to mediators' assignments; date, activity, hours,
    contract and case stay, so that the funders' statements still add up. An hour entry is
    never changed through the model (Immutable); this update is the one change allowed.
    Returns how many entries changed (only counted when ``apply`` is False)."""
    held = ~Q(reason="") & ~Q(reason=HOUR_REASON_REMOVED) | Q(assignment__isnull=False)
    pks = list(entries.filter(held).values_list("pk", flat=True))
    if apply and pks:
        HourEntry.objects.filter(pk__in=pks).exclude(reason="").update(reason=HOUR_REASON_REMOVED)
        HourEntry.objects.filter(pk__in=pks).update(assignment=None)
    return len(pks)
