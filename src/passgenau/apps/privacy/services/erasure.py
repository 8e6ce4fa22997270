"""Erasure of a household, of one member or of a mentor (Art. 17 GDPR), with a reason code, in
one transaction: afterwards no table holds the name, contact data or answers, and the one audit
entry of the erasure names only the pseudonymous reference and the reason.

What goes, app by app (each app deletes its own rows): case management's cases taken over from
the household (``cases.services.erasure``), then the household with everything relocation
recorded about it, including its profile in the snapshots of matching runs
(``relocation.services.erasure``), and the data-subject exports still waiting for download
(``core.protected_exports``, encrypted, but holding all of it). A mentor (a volunteer of case
management) is erased by a caseworker of its organisation once its pairs have ended, to a
pseudonymous shell (``cases.services.mentoring.mentor_erase``). Earlier audit entries stay: they
hold pseudonymous ids only.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from passgenau.apps.accounts.models import User
from passgenau.apps.audit.services import log_action
from passgenau.apps.cases import policies as case_policies
from passgenau.apps.cases.models import Case, Mentor
from passgenau.apps.cases.services import mentoring
from passgenau.apps.cases.services.erasure import case_erase as case_erase_in_cases
from passgenau.apps.core import protected_exports
from passgenau.apps.core.errors import ServiceError, StateError
from passgenau.apps.relocation import policies
from passgenau.apps.relocation.models import Household, MatchingRun, Member, RunStatus
from passgenau.apps.relocation.services import erasure as relocation_erasure

from ..subject_access import export_stem
from ..vocab import ErasureReason

__all__ = ["ErasureError", "case_erase", "household_erase", "member_erase", "mentor_erase"]


class ErasureError(ServiceError):
    """An erasure the rules do not allow (shown on the form; the API answers 422)."""


class ErasureStateError(ErasureError, StateError):
    """Not now: a matching run of the round is working on the household (the API answers 409)."""


def _check_reason(reason: str) -> None:
    if reason not in ErasureReason.values:
        raise ErasureError({"reason": _("Choose the reason for the erasure.")})


def _exports_delete(reference: str) -> None:
    """The subject's data-subject exports still waiting go with it (``privacy.subject_access``)."""
    protected_exports.protected_exports_delete(filename=f"{export_stem(reference)}.zip")


def _checked(*, actor: User, household: Household, reason: str) -> Household:
    """The household, locked, once the actor may erase it now for a known reason."""
    _check_reason(reason)
    locked = Household.objects.select_for_update().get(pk=household.pk)
    if not policies.household_may_erase(actor, locked):
        raise ErasureError(_("You may not erase this household."), code="forbidden")
    working = MatchingRun.objects.filter(
        round_id=locked.round_id, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
    )
    if working.exists():
        raise ErasureStateError(
            _("A matching run of the round is working; erase once it has finished."),
            code="run_working",
        )
    return locked


@transaction.atomic
def household_erase(*, actor: User, household: Household, reason: str) -> str:
    """Erase the household with everything recorded about it; returns its reference."""
    household = _checked(actor=actor, household=household, reason=reason)
    data = {"reason": reason}
    for case in Case.objects.select_for_update().filter(household=household).order_by("pk"):
        case_erase_in_cases(actor=actor, case=case, data=data)
        _exports_delete(case.reference)
    log_action("relocation.household.erased", actor=actor, obj=household, data=data)
    relocation_erasure.household_delete(household=household)
    _exports_delete(household.reference)
    return household.reference


@transaction.atomic
def member_erase(
    *, actor: User, household: Household, member: Member, name_line: int | None, reason: str
) -> None:
    """Erase one member: their row and, when given, the line with their name."""
    household = _checked(actor=actor, household=household, reason=reason)
    relocation_erasure.member_delete(household=household, member=member, name_line=name_line)
    log_action("relocation.member.erased", actor=actor, obj=household, data={"reason": reason})


@transaction.atomic
def case_erase(*, actor: User, case: Case, reason: str) -> str:
    """Erase one case of case management (a person or household accompanied, whether or not it
    came from a relocation round) with everything recorded in it; a case with billed hours keeps
    the pseudonymous shell (``cases.services.erasure``). A household of a round it came from is
    not touched: that is erased with ``household_erase``. Returns the case's reference."""
    _check_reason(reason)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not case_policies.may_erase_case(user=actor, case=locked):
        raise ErasureError(_("You may not erase this case."), code="forbidden")
    case_erase_in_cases(actor=actor, case=locked, data={"reason": reason})
    _exports_delete(locked.reference)
    return locked.reference


@transaction.atomic
def mentor_erase(*, actor: User, mentor: Mentor, reason: str) -> str:
    """Erase the mentor's name and profile, keeping a pseudonymous shell for the newcomers'
    ended pairs; returns its reference. Refused while it has an open proposal or pair."""
    _check_reason(reason)
    locked = Mentor.objects.select_for_update().get(pk=mentor.pk)
    if not case_policies.may_erase_mentor(user=actor, mentor=locked):
        raise ErasureError(_("You may not erase this mentor."), code="forbidden")
    if mentoring.mentor_open_pairs(locked):
        raise ErasureStateError(
            _("The mentor has an open proposal or pair; end it first, then erase."),
            code="open_pairs",
        )
    mentoring.mentor_erase(mentor=locked)
    _exports_delete(locked.reference)
    log_action("cases.mentor.erased", actor=actor, obj=locked, data={"reason": reason})
    return locked.reference
