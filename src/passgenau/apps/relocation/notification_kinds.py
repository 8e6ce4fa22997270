"""What relocation tells its users: the events its services report (sent once the change is
committed) and the reminders that fall due (found at start-up by the notifications app). Texts
name rounds, counts and dates only: never a household's name or needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from passgenau.apps.accounts.permissions import roles_with
from passgenau.apps.notifications.kinds import Due, Kind, register, register_due_check
from passgenau.apps.notifications.selectors import recipients_with_perm
from passgenau.apps.notifications.services import notify_after_commit

from .models import (
    Decision,
    DecisionSide,
    FollowUpSurvey,
    Proposal,
    ProposalStatus,
    RoundStatus,
    SurveyStatus,
    TravelStatus,
)

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User

    from .models import Arrival, MatchingRun, Travel

# Reminders of a deadline start this many days before it.
DEADLINE_WARNING_DAYS = 3

PROPOSALS_PUBLISHED = register(
    Kind(
        "relocation.proposals_published",
        _("New proposals for your municipality"),
        _("New proposals: %(round)s"),
        ngettext_lazy(
            "%(count)s proposal of the round “%(round)s” awaits your municipality's decision.",
            "%(count)s proposals of the round “%(round)s” await your municipality's decision.",
            "count",
        ),
        roles_with("relocation.decide_proposals"),
    )
)
DECISION_MADE = register(
    Kind(
        "relocation.decision_made",
        _("A decision on a proposal"),
        _("Decision received: %(round)s"),
        _("A decision on a proposal of the round “%(round)s” has been recorded."),
        roles_with("relocation.manage_rounds"),
    )
)
TRAVEL_PLANNED = register(
    Kind(
        "relocation.travel_planned",
        _("Travel planned to your municipality"),
        _("Travel planned: %(round)s"),
        _("An arrival in your municipality is planned for %(date)s (round “%(round)s”)."),
        roles_with("relocation.record_arrival"),
        dates=frozenset({"date"}),
    )
)
ARRIVAL_RECORDED = register(
    Kind(
        "relocation.arrival_recorded",
        _("An arrival has been recorded"),
        _("Arrival recorded: %(round)s"),
        _("An arrival of the round “%(round)s” has been recorded; follow-up surveys are planned."),
        roles_with("relocation.record_followup"),
    )
)
SURVEY_DUE = register(
    Kind(
        "relocation.survey_due",
        _("A follow-up survey is due"),
        _("Follow-up survey due"),
        _("A follow-up survey (wave %(wave)s) is due since %(date)s."),
        roles_with("relocation.record_followup"),
        dates=frozenset({"date"}),
    )
)
DECISIONS_DUE = register(
    Kind(
        "relocation.decisions_due",
        _("The deadline for decisions is approaching"),
        _("Decisions due by %(date)s: %(round)s"),
        ngettext_lazy(
            "%(count)s proposal of the round “%(round)s” still awaits your municipality's "
            "decision; the deadline is %(date)s.",
            "%(count)s proposals of the round “%(round)s” still await your municipality's "
            "decision; the deadline is %(date)s.",
            "count",
        ),
        roles_with("relocation.decide_proposals"),
        dates=frozenset({"date"}),
    )
)


def _date(value: dt.date) -> str:
    """A date parameter: ISO text, shown in each reader's format (the kind's ``dates``)."""
    return value.isoformat()


def _tell(
    *, actor: User, recipients: list[User], kind: Kind, params: dict[str, Any], url: str, key: str
) -> None:
    notify_after_commit(
        recipients=recipients, kind=kind.code, params=params, url=url, key=key, actor=actor
    )


def tell_proposals_published(*, actor: User, run: MatchingRun) -> None:
    """Each municipality with proposals in the published run: how many await its decision.
    The recipients of all municipalities are read in one query (a Land's round has hundreds)."""
    rows = list(
        Proposal.objects.filter(run=run, status=ProposalStatus.PUBLISHED)
        .values("municipality_id")
        .annotate(count=Count("pk"))
        .order_by("municipality_id")
    )
    recipients: dict[int | None, list[User]] = {}
    for person in recipients_with_perm(
        code="relocation.decide_proposals",
        organisation_ids=[row["municipality_id"] for row in rows],
    ):
        recipients.setdefault(person.organisation_id, []).append(person)
    url = reverse("relocation:proposal_list")
    for row in rows:
        _tell(
            actor=actor,
            recipients=recipients.get(row["municipality_id"], []),
            kind=PROPOSALS_PUBLISHED,
            params={"count": row["count"], "round": run.round.name},
            url=url,
            key=f"published-{run.pk}",
        )


def tell_decision_made(*, actor: User, decision: Decision) -> None:
    """The round's coordinators: a side has decided on a proposal."""
    round_ = decision.proposal.run.round
    _tell(
        actor=actor,
        recipients=recipients_with_perm(
            code="relocation.manage_rounds",
            organisation_ids=[round_.coordinating_organisation_id],
        ),
        kind=DECISION_MADE,
        params={"round": round_.name},
        url=reverse("relocation:round_decisions", args=[round_.pk]),
        key=f"decision-{decision.pk}",
    )


def tell_travel_planned(*, actor: User, travel: Travel) -> None:
    """The receiving municipality, when a travel date is set or changed (not for a re-save)."""
    day = travel.departure_on
    if day is None or travel.status == TravelStatus.CANCELLED:
        return
    proposal = travel.proposal
    _tell(
        actor=actor,
        recipients=recipients_with_perm(
            code="relocation.record_arrival", organisation_ids=[proposal.municipality_id]
        ),
        kind=TRAVEL_PLANNED,
        params={"round": proposal.run.round.name, "date": _date(day)},
        url=reverse("relocation:arrival_list"),
        key=f"travel-{proposal.pk}-{day.isoformat()}",
    )


def tell_arrival_recorded(*, actor: User, arrival: Arrival) -> None:
    """Whoever records the household's follow-up surveys (only when surveys were planned)."""
    proposal = arrival.proposal
    household = proposal.household
    if not FollowUpSurvey.objects.filter(household=household).exists():
        return
    _tell(
        actor=actor,
        recipients=recipients_with_perm(
            code="relocation.record_followup",
            organisation_ids=[household.interviewing_organisation_id],
        ),
        kind=ARRIVAL_RECORDED,
        params={"round": proposal.run.round.name},
        url=reverse("relocation:survey_list"),
        key=f"arrival-{proposal.pk}",
    )


@register_due_check
def surveys_due(today: dt.date) -> Iterator[Due]:
    """Each survey that has fallen due, to whoever records the household's surveys."""
    surveys = FollowUpSurvey.objects.filter(status=SurveyStatus.DUE, due_on__lte=today)
    url = reverse("relocation:survey_list")
    for survey in surveys.select_related("household").order_by("due_on", "pk"):
        recipients = recipients_with_perm(
            code="relocation.record_followup",
            organisation_ids=[survey.household.interviewing_organisation_id],
        )
        yield Due(
            recipients,
            SURVEY_DUE.code,
            {"wave": survey.wave, "date": _date(survey.due_on)},
            url,
            key=f"survey-{survey.pk}",
        )


@register_due_check
def decisions_due(today: dt.date) -> Iterator[Due]:
    """Municipalities with proposals undecided a few days before the round's deadline."""
    decided = Decision.objects.filter(proposal=OuterRef("pk"), side=DecisionSide.MUNICIPALITY)
    pending = (
        Proposal.objects.filter(
            status=ProposalStatus.PUBLISHED,
            run__round__status=RoundStatus.PROPOSALS,
            run__round__decisions_due__gte=today,
            run__round__decisions_due__lte=today + dt.timedelta(days=DEADLINE_WARNING_DAYS),
        )
        .exclude(Exists(decided))
        .values("municipality_id", "run__round_id", "run__round__name", "run__round__decisions_due")
        .annotate(count=Count("pk"))
        .order_by("run__round_id", "municipality_id")
    )
    url = reverse("relocation:proposal_list")
    for row in pending:
        yield Due(
            recipients_with_perm(
                code="relocation.decide_proposals", organisation_ids=[row["municipality_id"]]
            ),
            DECISIONS_DUE.code,
            {
                "count": row["count"],
                "round": row["run__round__name"],
                "date": _date(row["run__round__decisions_due"]),
            },
            url,
            key=f"decisions-due-{row['run__round_id']}",
        )
