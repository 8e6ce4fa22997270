"""Erasure (Art. 17 GDPR), the case-management part: a case taken over from a relocation
household goes when that household is erased. The privacy app decides who may erase and why
(``passgenau.apps.privacy.services``) and calls this inside its transaction.

A case without specialist hours is deleted with everything recorded in it. A case whose hours
were billed to a funder keeps, for the funder's audit of the statements, only what the bill
needs: its pseudonymous reference, organisation, caseworker, persons, dates, status, consents and
events; its name becomes the reference, and its health data, needs, goals and steps, agreed plan
versions, referrals, contact notes, housing, mentee and mediation requests (with their proposals,
meetings and profiles in the runs' snapshots) are deleted; hour entries of a mediation
assignment stay, without the link.
"""

from __future__ import annotations

from typing import Any

from passgenau.apps.accounts.models import User
from passgenau.apps.audit.services import log_action

from ..models import Case, ContactNote, Goal, HealthRecord, HourEntry, PlanVersion, Referral
from .housing import housing_erase
from .mediation import mediation_erase
from .mentoring import mentoring_erase

__all__ = ["case_erase"]


def case_erase(*, actor: User, case: Case, data: dict[str, Any]) -> bool:
    """Erase ``case`` (the caller holds its row lock); True when a pseudonymous shell was kept
    for billed hours. The audit entry carries ``data`` (the privacy app's reason code)."""
    kept = HourEntry.objects.filter(case=case).exists()
    log_action("cases.case.erased", actor=actor, obj=case, data={**data, "kept_for_billing": kept})
    housing_erase(case=case)
    mentoring_erase(case=case)
    mediation_erase(case=case)
    if not kept:
        case.delete()
        return False
    HealthRecord.objects.filter(case=case).delete()
    Referral.objects.filter(case=case).delete()
    ContactNote.objects.filter(case=case).delete()
    Goal.objects.filter(case=case).delete()  # with their steps
    PlanVersion.objects.filter(case=case).delete()  # written once, but not kept past erasure
    case.name = case.reference
    case.needs = []
    case.household = None
    case.save(update_fields=["name", "needs", "household"])
    return True
