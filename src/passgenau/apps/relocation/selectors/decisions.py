"""What each side sees of a published proposal.

A municipal officer sees only proposals addressed to the municipality, with a *pseudonymised*
profile (composition, needs, languages, qualifications: no name, no contact); names and contact
data only once both sides accepted. An interviewer sees the proposals of the organisation's own
households, to record their consent. Every read of a household is logged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from passgenau.apps.audit.services import log_read

from .. import policies
from ..models import (
    Consent,
    Decision,
    HouseholdContact,
    Member,
    Proposal,
    ProposalStatus,
)
from ..models.vocab import ConsentPurpose, Need, Occupation, SpokenLanguage
from .lists import PROPOSAL_FIELDS, ListFilters, list_filtered, log_households_shown

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor

VISIBLE_TO_SIDES = (ProposalStatus.PUBLISHED, ProposalStatus.ACCEPTED, ProposalStatus.DECLINED)


def _proposals() -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(status__in=VISIBLE_TO_SIDES, run__published_at__isnull=False)
        .select_related("run__round", "municipality", "household__interview")
        .prefetch_related(
            Prefetch("household__members", queryset=Member.objects.order_by("position", "id")),
            Prefetch("decisions", queryset=Decision.objects.order_by("decided_at")),
        )
        .order_by("-run__round__created_at", "household__reference")
    )


def proposals_for_user(*, user: Visitor) -> QuerySet[Proposal]:
    """Officers: proposals to their municipality. Interviewers: proposals for their
    organisation's households. Coordinators: proposals in their rounds. Others: none."""
    return policies.scoped(_proposals(), policies.proposals_scope(user))


def proposals_search(*, user: Visitor, filters: ListFilters) -> QuerySet[Proposal]:
    """The user's proposals, filtered; a search text matches the household's code, and its
    names only for users who may search names (:func:`lists.households_matching`). Not logged
    here: the page logs what it shows (:func:`proposals_log_read`)."""
    proposals = list_filtered(
        proposals_for_user(user=user), user=user, filters=filters, fields=PROPOSAL_FIELDS
    )
    return proposals.order_by("-run__round__created_at", "household__reference", "pk")


def proposals_log_read(
    *, user: Visitor, proposals: Iterable[Proposal], query: str = "", page: str = "proposals"
) -> list[Proposal]:
    """Log that ``user`` saw the households of these proposals (one entry, and whether they
    were searched by name)."""
    shown = list(proposals)
    log_households_shown(user=user, households=[p.household for p in shown], query=query, page=page)
    return shown


def proposals_list_for_user(
    *, user: Visitor, status: str = "", round_id: int | None = None, query: str = ""
) -> list[Proposal]:
    """The user's proposals (optionally of one status or round, matching a search text); the
    read is logged."""
    proposals = proposals_search(user=user, filters=ListFilters(query=query, status=status))
    if round_id is not None:
        proposals = proposals.filter(run__round_id=round_id)
    return proposals_log_read(user=user, proposals=proposals, query=query)


def round_decisions_for_coordinator(
    *,
    user: Visitor,
    round_id: int,
    filters: ListFilters | None = None,
) -> QuerySet[Proposal]:
    """Every proposal of the round that went out, with both sides' decisions and their reasons,
    for the round's coordinators (none for anybody else). Not logged here: the page logs the
    households it shows (:func:`log_decisions_shown`)."""
    proposals = policies.scoped(_proposals(), policies.proposals_reviewed_scope(user)).filter(
        run__round_id=round_id
    )
    proposals = list_filtered(
        proposals, user=user, filters=filters or ListFilters(), fields=PROPOSAL_FIELDS
    )
    return proposals.order_by("municipality__name", "household__reference", "pk")


def log_decisions_shown(*, user: Visitor, proposals: list[Proposal], query: str = "") -> None:
    proposals_log_read(user=user, proposals=proposals, query=query, page="decisions")


def proposal_get_for_user(*, user: Visitor, pk: int, log: bool = True) -> Proposal:
    found = proposals_for_user(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404("no such proposal")
    if log:
        log_read(actor=user, obj=found.household, data={"proposal": found.pk})
    return found


def proposal_for_coordinator(*, user: Visitor, pk: int) -> Proposal:
    """A proposal of a run in a round the coordinator's organisation coordinates (any state)."""
    proposals = Proposal.objects.select_related("run__round", "household", "municipality")
    found = (
        policies.scoped(proposals, policies.proposals_reviewed_scope(user)).filter(pk=pk).first()
    )
    if found is None:
        raise Http404("no such proposal")
    log_read(actor=user, obj=found.household, data={"proposal": found.pk})
    return found


def pseudonymised_profile(proposal: Proposal) -> dict[str, Any]:
    """The decision data of the proposal's household: no name, no contact, no free-text notes."""
    household = proposal.household
    members = list(household.members.all())
    interview = getattr(household, "interview", None)
    composition = Counter(m.age_band for m in members)
    return {
        "reference": household.reference,
        "persons": len(members),
        "members": [
            {"age_band": m.age_band, "relation": m.get_relation_display()} for m in members
        ],
        "composition": sorted(composition.items()),
        "needs": list(interview.needs) if interview else [],
        "languages": list(interview.languages) if interview else [],
        "german_level": interview.german_level if interview else "",
        "occupations": list(interview.occupations) if interview else [],
        "qualifications": interview.qualifications if interview else "",
    }


def profile_labels() -> dict[str, dict[str, Any]]:
    """The words for the codes of a pseudonymised profile (needs, languages, occupations), as the
    profile template wants them in its context."""
    return {
        "need_labels": dict(Need.choices),
        "language_labels": dict(SpokenLanguage.choices),
        "occupation_labels": dict(Occupation.choices),
    }


def contacts_for_user(
    *, user: Visitor, proposals: Sequence[Proposal], data: dict[str, Any]
) -> dict[int, HouseholdContact]:
    """The contact data of these proposals that the user may see now, by proposal id.

    Names and contact data go only to the receiving municipality, only once both sides
    accepted, and only while the household's consent to giving them is in force (a withdrawal
    ends it at once). Two queries for any number of proposals; what is shown is logged.
    """
    mine = [
        p
        for p in proposals
        if p.status == ProposalStatus.ACCEPTED and policies.proposal_contact_may_see(user, p)
    ]
    households = {p.household_id for p in mine}
    consenting = {
        c.household_id
        for c in Consent.objects.filter(household_id__in=households, withdrawn_at__isnull=True)
        if c.covers(ConsentPurpose.SHARE_CONTACT)
    }
    contacts = {
        c.household_id: c for c in HouseholdContact.objects.filter(household_id__in=consenting)
    }
    shown = {p.pk: contacts[p.household_id] for p in mine if p.household_id in contacts}
    if len(shown) == 1 and len(proposals) == 1:
        log_read(actor=user, obj=next(iter(shown.values())), data=data)
    elif shown:
        log_read(actor=user, objects=list(shown.values()), data=data)
    return shown


def proposal_contact_for_user(*, user: Visitor, proposal: Proposal) -> HouseholdContact | None:
    """The household's contact data for the municipality, or None while not both accepted."""
    shown = contacts_for_user(user=user, proposals=[proposal], data={"proposal": proposal.pk})
    return shown.get(proposal.pk)


def decision_of(proposal: Proposal, side: str) -> Decision | None:
    for decision in proposal.decisions.all():
        if decision.side == side:
            return decision
    return None
