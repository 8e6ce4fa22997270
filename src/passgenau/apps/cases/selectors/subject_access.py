"""What case management holds about a case, for the data-subject export (Art. 15 GDPR): the
case, its consents and history, health data, integration plan (goals, steps, agreed versions),
referrals, contact notes, specialist hours, housing, mentee and mediation requests with their
proposals and meetings; and what it holds about a mentor (its profile, its pairs and their
meetings). The privacy app collects the parts of a case, of every case taken over from a household
and of a mentor (``privacy.subject_access``)."""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from passgenau.apps.core.held import HeldPart

from ..models import (
    Case,
    CaseConsent,
    CaseEvent,
    ContactNote,
    FlatProposal,
    Goal,
    HealthRecord,
    HourEntry,
    HousingRequest,
    MediationRequest,
    MediatorProposal,
    MenteeRequest,
    Mentor,
    MentorMeeting,
    MentorProposal,
    PlanVersion,
    Referral,
    Step,
)

__all__ = ["case_parts", "mentor_parts"]


# The tables with a row per case, in the order the export shows them.
_BY_CASE: tuple[tuple[str, str | Promise, type[models.Model]], ...] = (
    ("consents", _("consents"), CaseConsent),
    ("events", _("history"), CaseEvent),
    ("health", _("health data"), HealthRecord),
    ("goals", _("goals"), Goal),
    ("plan_versions", _("agreed plan versions"), PlanVersion),
    ("referrals", _("referrals"), Referral),
    ("notes", _("contact notes"), ContactNote),
    ("hours", _("specialist hours"), HourEntry),
    ("housing_requests", _("housing requests"), HousingRequest),
    ("mentee_requests", _("mentee requests"), MenteeRequest),
    ("mediation_requests", _("mediation requests"), MediationRequest),
)


def case_parts(*, case: Case) -> list[HeldPart]:
    """Everything case management holds about ``case``, category by category."""
    own = {
        key: HeldPart(
            key,
            title,
            list(model._default_manager.filter(case=case).order_by("pk")),
            skip=("case",),
        )
        for key, title, model in _BY_CASE
    }
    goals, housing = own["goals"].rows, own["housing_requests"].rows
    pairs = list(MentorProposal.objects.filter(request__in=own["mentee_requests"].rows))
    return [
        HeldPart("case", _("case"), [case], skip=("household",)),
        *own.values(),
        HeldPart("steps", _("steps"), list(Step.objects.filter(goal__in=goals).order_by("pk"))),
        HeldPart(
            "flat_proposals",
            _("flat proposals"),
            list(FlatProposal.objects.filter(request__in=housing).order_by("pk")),
        ),
        HeldPart("mentor_pairs", _("mentor proposals"), pairs),
        HeldPart(
            "mentor_meetings",
            _("meetings"),
            list(MentorMeeting.objects.filter(pair__in=pairs).order_by("pk")),
        ),
        HeldPart(
            "mediator_proposals",
            _("mediator proposals"),
            list(
                MediatorProposal.objects.filter(
                    request__in=own["mediation_requests"].rows
                ).order_by("pk")
            ),
        ),
    ]


def mentor_parts(*, mentor: Mentor) -> list[HeldPart]:
    """Everything case management holds about ``mentor``: its profile, its proposals and pairs
    (the newcomer named only by the request's pseudonymous code) and their meetings."""
    pairs = list(MentorProposal.objects.filter(mentor=mentor).order_by("pk"))
    meetings = MentorMeeting.objects.filter(pair__in=pairs).order_by("pk")
    return [
        HeldPart("mentor", _("mentor"), [mentor]),
        HeldPart("mentor_pairs", _("mentor proposals"), pairs, skip=("mentor",)),
        HeldPart("mentor_meetings", _("meetings"), list(meetings)),
    ]
