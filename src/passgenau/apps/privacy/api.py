"""JSON API of data protection: erasing a household or one member, a case or a mentor, with a
reason code."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from passgenau.apps.accounts.access import ApiPermission, AuthenticatedHttpRequest
from passgenau.apps.core.errors import REFUSED
from passgenau.apps.relocation.selectors import intake as intake_selectors

from . import selectors, services

router = Router(tags=["privacy"])

ERASE = ApiPermission("relocation.erase_households")
KEEP_CASES = ApiPermission("cases.manage_cases")
KEEP_MENTORS = ApiPermission("cases.manage_mentoring")


class ErasureIn(Schema):
    reason: str


class MemberErasureIn(ErasureIn):
    # the line (1 = the first) of the household's names of all members that holds this
    # member's name, if any
    name_line: int | None = None


class ErasureOut(Schema):
    reference: str
    reason: str


@router.post(
    "/households/{household_id}/erasure",
    response={200: ErasureOut, **REFUSED},
    auth=ERASE,
)
def household_erase(
    request: AuthenticatedHttpRequest, household_id: int, payload: ErasureIn
) -> Any:
    """Erase a household of the caller's organisation with everything recorded about it
    (``reason``: request, consent_withdrawn, not_needed, in_error, unlawful)."""
    household = intake_selectors.household_get_for_erasure(user=request.user, pk=household_id)
    reference = services.household_erase(
        actor=request.user, household=household, reason=payload.reason
    )
    return Status(200, ErasureOut(reference=reference, reason=payload.reason))


@router.post(
    "/households/{household_id}/members/{number}/erasure",
    response={200: ErasureOut, **REFUSED},
    auth=ERASE,
)
def member_erase(
    request: AuthenticatedHttpRequest, household_id: int, number: int, payload: MemberErasureIn
) -> Any:
    """Erase the member ``number`` (1 = the first, in the order of the household's members)
    and, with ``name_line``, that line of the names of all members."""
    household = intake_selectors.household_get_for_erasure(user=request.user, pk=household_id)
    members = list(household.members.all())
    if not 1 <= number <= len(members):
        raise Http404("no such member")
    if payload.name_line is not None and payload.name_line < 1:
        raise ValidationError({"name_line": _("Choose a line of the names of all members.")})
    services.member_erase(
        actor=request.user,
        household=household,
        member=members[number - 1],
        name_line=None if payload.name_line is None else payload.name_line - 1,
        reason=payload.reason,
    )
    return Status(200, ErasureOut(reference=household.reference, reason=payload.reason))


@router.post("/cases/{case_id}/erasure", response={200: ErasureOut, **REFUSED}, auth=KEEP_CASES)
def case_erase(request: AuthenticatedHttpRequest, case_id: int, payload: ErasureIn) -> Any:
    """Erase a case of the caller's organisation with everything recorded in it; a case with
    billed specialist hours keeps its pseudonymous shell and the hours (``reason`` as above)."""
    case = selectors.case_get_for_erasure(user=request.user, pk=case_id)
    reference = services.case_erase(actor=request.user, case=case, reason=payload.reason)
    return Status(200, ErasureOut(reference=reference, reason=payload.reason))


@router.post(
    "/mentors/{mentor_id}/erasure", response={200: ErasureOut, **REFUSED}, auth=KEEP_MENTORS
)
def mentor_erase(request: AuthenticatedHttpRequest, mentor_id: int, payload: ErasureIn) -> Any:
    """Erase a mentor of the caller's organisation to its pseudonymous reference; its ended
    pairs and meetings stay (409 while it has an open proposal or pair)."""
    mentor = selectors.mentor_get_for_erasure(user=request.user, pk=mentor_id)
    reference = services.mentor_erase(actor=request.user, mentor=mentor, reason=payload.reason)
    return Status(200, ErasureOut(reference=reference, reason=payload.reason))
