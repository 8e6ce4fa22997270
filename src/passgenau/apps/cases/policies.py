"""Who may do what in case management, answered from the permission table
(``accounts.permissions``); selectors, services and views ask these functions and compare no role
by name.

- A caseworker (``cases.view_cases``) sees the cases of its own organisation; the responsible
  organisation changes only by a transfer.
- Health data (``cases.view_special_categories``) is shown only to the case's responsible
  caseworker and only while the consent for the purpose ``health`` is in force.
- The housing transition (``cases.manage_housing``): a caseworker keeps its organisation's
  districts and flats, the housing requests of its cases, and runs and decides the allocation.
  A housing provider (``cases.offer_flats``) offers its own flats to an organisation that
  allocates them (the one whose district it chooses) and changes them while none is proposed,
  allocated or let; it sees their status, nothing of the households. It withdraws one of its
  flats (:func:`may_withdraw_flat`), as a caseworker of the organisation that keeps it may.
- Mentoring (``cases.manage_mentoring``): a caseworker keeps its organisation's mentors, the
  mentee requests of its cases, runs the matching and records acceptances and meetings; it also
  erases one of its organisation's mentors (the privacy app, with a reason).
- Language mediation (``cases.manage_mediation``): a caseworker keeps its organisation's pool
  of mediators and the mediation requests of its cases, runs the proposals, records the
  mediator's confirmation and the hours. A mediator is told only :data:`MEDIATOR_SEES`; the
  note on what an appointment is about only the responsible caseworker sees, with the consent
  for health data.
- A matching run's input (the engine instance and profiles of its export, the reasons of its
  proposals) carries the special-category needs of the requests (housing: a barrier-free flat,
  care): the input is exported only by a user who may see the health data of every case whose
  profile in the run carries one (:func:`may_read_run_input`, docs/adr/0009); the run page
  shows such a user's colleagues the proposals without what the needs decided.
- Funding contracts and statements (``cases.view_statements``): a funder those on grants of its
  own programmes, a caseworker those on grants to its own organisation.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from passgenau.apps.accounts.access import user_has_perm

from .models import Case, ConsentPurpose, Flat, MediationRequest, Mentor

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor

__all__ = [
    "MEDIATOR_SEES",
    "case_responsible_scope",
    "case_scope",
    "contract_scope",
    "for_the_mediator",
    "housing_scope",
    "may_agree_contracts",
    "may_erase_case",
    "may_erase_mentor",
    "may_keep_cases",
    "may_log_hours",
    "may_manage_housing",
    "may_manage_mediation",
    "may_manage_mentoring",
    "may_offer_flats",
    "may_read_run_input",
    "may_see_appointment_note",
    "may_see_health",
    "may_take_over_case",
    "may_view_cases",
    "may_withdraw_flat",
    "mediation_scope",
    "mentoring_scope",
    "offered_flats_scope",
]

NOTHING = Q(pk__in=[])


def _organisation_id(user: Visitor) -> int | None:
    return getattr(user, "organisation_id", None) if user is not None else None


def _holds(user: Visitor, right: str) -> bool:
    """``user`` has ``right`` and belongs to an organisation (whose objects it keeps)."""
    return user_has_perm(user, right) and _organisation_id(user) is not None


def _own_organisation(user: Visitor, allowed: bool) -> Q:
    return Q(organisation_id=_organisation_id(user)) if allowed else NOTHING


def may_view_cases(*, user: Visitor) -> bool:
    return _holds(user, "cases.view_cases")


def may_keep_cases(*, user: Visitor) -> bool:
    return _holds(user, "cases.manage_cases")


def may_log_hours(*, user: Visitor) -> bool:
    return _holds(user, "cases.log_hours")


def may_manage_housing(*, user: Visitor) -> bool:
    return _holds(user, "cases.manage_housing")


def housing_scope(*, user: Visitor) -> Q:
    """Districts, flats and runs ``user`` keeps: its organisation's, or none."""
    return _own_organisation(user, may_manage_housing(user=user))


def may_offer_flats(*, user: Visitor) -> bool:
    return _holds(user, "cases.offer_flats")


def offered_flats_scope(*, user: Visitor) -> Q:
    """Flats ``user`` offers as their housing provider: its organisation's, or none."""
    return Q(provider_id=_organisation_id(user)) if may_offer_flats(user=user) else NOTHING


def may_withdraw_flat(*, user: Visitor, flat: Flat) -> bool:
    """The housing provider that offers ``flat``, or a caseworker of the organisation that
    keeps (allocates) it."""
    organisation_id = _organisation_id(user)
    return organisation_id is not None and (
        (may_offer_flats(user=user) and flat.provider_id == organisation_id)
        or (may_manage_housing(user=user) and flat.organisation_id == organisation_id)
    )


def may_manage_mentoring(*, user: Visitor) -> bool:
    return _holds(user, "cases.manage_mentoring")


def may_erase_case(*, user: Visitor, case: Case) -> bool:
    """A case is erased by a caseworker of the organisation responsible for it."""
    return may_keep_cases(user=user) and case.organisation_id == _organisation_id(user)


def may_erase_mentor(*, user: Visitor, mentor: Mentor) -> bool:
    """The mentor's data are erased by a caseworker of the organisation that keeps them."""
    return may_manage_mentoring(user=user) and mentor.organisation_id == _organisation_id(user)


def mentoring_scope(*, user: Visitor) -> Q:
    """Mentors and mentoring runs ``user`` keeps: its organisation's, or none."""
    return _own_organisation(user, may_manage_mentoring(user=user))


def may_manage_mediation(*, user: Visitor) -> bool:
    return _holds(user, "cases.manage_mediation")


def mediation_scope(*, user: Visitor) -> Q:
    """Language mediators and mediation runs ``user`` keeps: its organisation's, or none."""
    return _own_organisation(user, may_manage_mediation(user=user))


# What a language mediator is told of an appointment (the assignment sheet): no name, no
# note on what it is about, nothing of the case's health or other special-category data.
MEDIATOR_SEES: tuple[str, ...] = ("area", "language", "on", "starts_at", "minutes", "place")


def for_the_mediator(request: MediationRequest) -> dict[str, Any]:
    """The appointment as the mediator may know it: the fields of :data:`MEDIATOR_SEES` (in
    words), the district and the case's pseudonymous reference."""
    shown: dict[str, Any] = {
        name: getattr(request, f"get_{name}_display", lambda n=name: getattr(request, n))()
        for name in MEDIATOR_SEES
    }
    shown["district"] = request.district.name if request.district else ""
    shown["reference"] = request.case.reference
    return shown


def may_see_appointment_note(
    *, user: Visitor, request: MediationRequest, active_purposes: frozenset[str]
) -> bool:
    """The note on what an appointment is about is health data: as :func:`may_see_health`."""
    return may_see_health(user=user, case=request.case, active_purposes=active_purposes)


def may_take_over_case(*, user: Visitor) -> bool:
    """Whether ``user`` can be made responsible for a case (the target of a transfer)."""
    return user.is_active and may_keep_cases(user=user)


def case_scope(*, user: Visitor) -> Q:
    """The cases ``user`` may see: its organisation's, or none."""
    return _own_organisation(user, may_view_cases(user=user))


def case_responsible_scope(*, user: Visitor) -> Q:
    """The cases of ``user``'s organisation for which ``user`` is the responsible caseworker
    (its own work on the start page), or none."""
    if not may_keep_cases(user=user):
        return NOTHING
    return case_scope(user=user) & Q(caseworker_id=user.pk)


def may_see_health(*, user: Visitor, case: Case, active_purposes: frozenset[str]) -> bool:
    """The responsible caseworker, with the consent for health data in force."""
    return (
        user_has_perm(user, "cases.view_special_categories")
        and case.caseworker_id == getattr(user, "pk", None)
        and case.organisation_id == _organisation_id(user)
        and ConsentPurpose.HEALTH in active_purposes
    )


def may_read_run_input(*, user: Visitor, cases: Iterable[tuple[Case, frozenset[str]]]) -> bool:
    """Whether ``user`` may read a run's input whose profiles carry special-category needs of
    ``cases`` (each with its consents in force): only where it may see the health data of
    every one of them (:func:`may_see_health`); a run without such needs, to whoever keeps it."""
    return all(
        may_see_health(user=user, case=case, active_purposes=purposes) for case, purposes in cases
    )


def may_agree_contracts(*, user: Visitor) -> bool:
    return _holds(user, "cases.manage_contracts")


def contract_scope(*, user: Visitor) -> Q:
    """Funding contracts ``user`` sees: on its own programmes (funders) or its own grants."""
    organisation_id = _organisation_id(user)
    if organisation_id is None or not user_has_perm(user, "cases.view_statements"):
        return NOTHING
    if may_agree_contracts(user=user):
        return Q(grant__programme__funder_id=organisation_id)
    return Q(grant__organisation_id=organisation_id)
