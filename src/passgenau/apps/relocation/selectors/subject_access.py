"""What relocation holds about a household, for the data-subject export (Art. 15 GDPR): its
registration, members, contact data, consents, interview answers and health needs, proposals
with both sides' decisions and the reasons given, travel, arrival, follow-up surveys, and who
read or changed its data when (the audit trail's entries about it). The privacy app collects the
parts (``privacy.subject_access``); whether the user may see them is asked before
(``intake.household_get_for_subject_access``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.core.held import HeldPart

from ..models import (
    CRITERION_LABELS,
    Arrival,
    ConsentPurpose,
    Correction,
    Decision,
    FollowUpSurvey,
    Household,
    HouseholdContact,
    Interview,
    Need,
    Occupation,
    Proposal,
    ProposalReason,
    SpokenLanguage,
    Travel,
)
from ..models.profiles import MunicipalityProfile

__all__ = ["HEALTH_NEEDS", "household_parts"]

# The interview's answers that are health data (Art. 9 GDPR): a part of their own.
HEALTH_NEEDS = ("needs", "needs_notes")


def _places(household: Household) -> dict[str, str]:
    """The round's municipalities by the ids the interview stores for places."""
    profiles = MunicipalityProfile.objects.filter(round_id=household.round_id)
    return {
        str(pk): name for pk, name in profiles.values_list("municipality_id", "municipality__name")
    }


def _trail(household: Household, contact: HouseholdContact | None, interview: Interview | None):
    """The audit trail's entries about the household, its contact data and its interview."""
    objects = [o for o in (household, contact, interview) if o is not None]
    entries = AuditEntry.objects.none()
    for obj in objects:
        entries = entries | AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )
    return list(entries.order_by("at", "id"))


def household_parts(*, household: Household) -> list[HeldPart]:
    """Everything relocation holds about ``household``, category by category."""
    contact = HouseholdContact.objects.filter(household=household).first()
    interview = Interview.objects.filter(household=household).first()
    proposals = list(
        Proposal.objects.filter(household=household)
        .select_related("run", "municipality", "original_municipality")
        .order_by("run__number", "pk")
    )
    places = _places(household)
    answers_labels: dict[str, Mapping[str, Any]] = {
        "languages": dict(SpokenLanguage.choices),
        "occupations": dict(Occupation.choices),
        "importance": CRITERION_LABELS,
        "ties": places,
        "ranked_places": places,
        "excluded_places": places,
    }
    held = ("household",)
    return [
        HeldPart("household", _("household"), [household]),
        HeldPart("members", _("members"), list(household.members.all()), skip=held),
        HeldPart("contact", _("contact data"), [contact] if contact else [], skip=held),
        HeldPart(
            "consents",
            _("consents"),
            list(household.consents.order_by("given_on", "pk")),
            skip=held,
            labels={"purposes": dict(ConsentPurpose.choices)},
        ),
        HeldPart(
            "interview",
            _("interview"),
            [interview] if interview else [],
            skip=("household", *HEALTH_NEEDS),
            labels=answers_labels,
        ),
        HeldPart(
            "health_needs",
            _("needs"),
            [interview] if interview else [],
            fields=HEALTH_NEEDS,
            labels={"needs": dict(Need.choices)},
        ),
        HeldPart("proposals", _("proposals"), proposals, skip=held),
        HeldPart(
            "decisions",
            _("decisions"),
            list(Decision.objects.filter(proposal__in=proposals).order_by("decided_at", "pk")),
        ),
        HeldPart(
            "reasons",
            _("reasons"),
            list(ProposalReason.objects.filter(proposal__in=proposals).order_by("pk")),
        ),
        HeldPart("travel", _("travel"), list(Travel.objects.filter(proposal__in=proposals))),
        HeldPart("arrival", _("arrival"), list(Arrival.objects.filter(proposal__in=proposals))),
        HeldPart(
            "surveys",
            _("follow-up surveys"),
            list(FollowUpSurvey.objects.filter(household=household).order_by("wave")),
            skip=held,
        ),
        HeldPart(
            "corrections",
            _("corrections"),
            list(Correction.objects.of_households(household).order_by("given_at", "pk")),
        ),
        HeldPart(
            "access_log",
            _("who read or changed the data"),
            _trail(household, contact, interview),
            fields=("at", "action", "actor_repr"),
        ),
    ]
