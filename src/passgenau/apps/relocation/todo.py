"""What relocation asks of its users on the start page (found at start-up by the core app's
to-do registry): interviews to finish, answers to record, proposals to decide, profiles to keep,
travel to plan, arrivals to record, surveys due, rounds waiting for the coordinator.

Each provider starts from the selector of the page its items link to and narrows it by a scope
of ``policies.py``, so that an item is exactly something that page lets the user do. Items name
pseudonymous references and rounds only.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from passgenau.apps.core.todo import Item, Todo, register, todo_from

from . import policies
from .models import (
    ROUND_RULES,
    SURVEY_WINDOW,
    Decision,
    DecisionSide,
    FollowUpSurvey,
    Household,
    HouseholdStatus,
    MunicipalityProfile,
    Proposal,
    ProposalStatus,
    Round,
    RoundAction,
    RoundStatus,
    SurveyStatus,
    TravelStatus,
)
from .selectors.decisions import proposals_for_user
from .selectors.followup import surveys_for_user
from .selectors.intake import households_for_user
from .selectors.rounds import rounds_for_user
from .selectors.travel import placements_for_user

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User


def _round_detail(round_: Round) -> str:
    return str(_("Round “%(round)s”") % {"round": round_.name})


@register(
    "relocation.interviews_to_finish",
    permission="relocation.register_households",
    title=ngettext_lazy("%(count)s interview to finish", "%(count)s interviews to finish", "count"),
    url_name="relocation:household_list",
    order=10,
)
def interviews_to_finish(*, user: User, today: dt.date) -> Todo:
    """Households of the user's organisation registered in an open round, interview unfinished;
    the deadline is the round's close of interviews."""
    households = policies.scoped(
        households_for_user(user=user), policies.households_interviewed_scope(user)
    ).filter(
        status=HouseholdStatus.REGISTERED,
        round__status__in=ROUND_RULES[RoundAction.EDIT_INTERVIEWS],
    )

    def item(household: Household) -> Item:
        return Item(
            _("Interview of household %(reference)s") % {"reference": household.reference},
            reverse("relocation:interview", kwargs={"pk": household.pk}),
            household.round.interviews_close,
            _round_detail(household.round),
        )

    return todo_from(households, today=today, item=item, due="round__interviews_close")


def _proposal_item(proposal: Proposal) -> Item:
    return Item(
        _("Proposal for household %(reference)s") % {"reference": proposal.household.reference},
        reverse("relocation:proposal_detail", kwargs={"pk": proposal.pk}),
        proposal.run.round.decisions_due,
        _round_detail(proposal.run.round),
    )


def _undecided(*, scope: Q | None, user: User, side: str, today: dt.date) -> Todo:
    """Published proposals in ``scope`` of the user's proposals still waiting for ``side``'s
    decision in a round open for decisions, by the round's deadline."""
    decided = Decision.objects.filter(proposal=OuterRef("pk"), side=side)
    proposals = (
        policies.scoped(proposals_for_user(user=user), scope)
        .filter(
            status=ProposalStatus.PUBLISHED,
            run__round__status__in=ROUND_RULES[RoundAction.DECIDE],
        )
        .exclude(Exists(decided))
        .prefetch_related(None)
    )
    return todo_from(proposals, today=today, item=_proposal_item, due="run__round__decisions_due")


@register(
    "relocation.proposals_to_decide",
    permission="relocation.decide_proposals",
    title=ngettext_lazy("%(count)s proposal to decide", "%(count)s proposals to decide", "count"),
    url_name="relocation:proposal_list",
    order=10,
)
def proposals_to_decide(*, user: User, today: dt.date) -> Todo:
    """Published proposals to the user's municipality without its decision, by the deadline."""
    scope = policies.proposals_to_decide_scope(user)
    return _undecided(scope=scope, user=user, side=DecisionSide.MUNICIPALITY, today=today)


@register(
    "relocation.answers_to_record",
    permission="relocation.record_household_consent",
    title=ngettext_lazy(
        "%(count)s household's answer to a proposal to record",
        "%(count)s households' answers to proposals to record",
        "count",
    ),
    url_name="relocation:proposal_list",
    order=20,
)
def answers_to_record(*, user: User, today: dt.date) -> Todo:
    """Published proposals for the user's organisation's households without their answer."""
    scope = policies.proposals_household_answer_scope(user)
    return _undecided(scope=scope, user=user, side=DecisionSide.HOUSEHOLD, today=today)


@register(
    "relocation.profiles_to_keep",
    permission="relocation.keep_profile",
    title=ngettext_lazy(
        "%(count)s municipality profile to fill in",
        "%(count)s municipality profiles to fill in",
        "count",
    ),
    order=30,
)
def profiles_to_keep(*, user: User, today: dt.date) -> Todo:
    """Profiles of the user's municipality in rounds open for profiles, never saved by it."""
    rounds = rounds_for_user(user=user).filter(
        status=RoundStatus.OPEN,
        pk__in=policies.scoped(
            MunicipalityProfile.objects.filter(updated_by__isnull=True),
            policies.profile_kept_scope(user),
        ).values("round_id"),
    )

    def item(round_: Round) -> Item:
        return Item(
            _("Capacities and profile for the round “%(round)s”") % {"round": round_.name},
            reverse("relocation:profile_edit", kwargs={"pk": round_.pk}),
            round_.profiles_due,
        )

    return todo_from(rounds, today=today, item=item, due="profiles_due")


@register(
    "relocation.arrivals_to_record",
    permission="relocation.record_arrival",
    title=ngettext_lazy("%(count)s arrival to record", "%(count)s arrivals to record", "count"),
    url_name="relocation:arrival_list",
    order=40,
)
def arrivals_to_record(*, user: User, today: dt.date) -> Todo:
    """Placements in the user's municipality whose journey is planned and not yet recorded as
    arrived; due on the travel date."""
    placements = (
        policies.scoped(placements_for_user(user=user), policies.arrivals_scope(user))
        .filter(arrival__isnull=True, travel__isnull=False)
        .exclude(travel__status=TravelStatus.CANCELLED)
        .prefetch_related(None)
    )

    def item(proposal: Proposal) -> Item:
        return Item(
            _("Arrival of household %(reference)s") % {"reference": proposal.household.reference},
            reverse("relocation:arrival_record", kwargs={"pk": proposal.pk}),
            proposal.travel.departure_on,
            _round_detail(proposal.run.round),
        )

    return todo_from(
        placements.select_related("travel"), today=today, item=item, due="travel__departure_on"
    )


@register(
    "relocation.travel_to_plan",
    permission="relocation.manage_rounds",
    title=ngettext_lazy("%(count)s journey to plan", "%(count)s journeys to plan", "count"),
    url_name="relocation:placement_list",
    order=40,
)
def travel_to_plan(*, user: User, today: dt.date) -> Todo:
    """Accepted placements in the user's rounds without a travel plan (or with a cancelled one)."""
    placements = (
        policies.scoped(placements_for_user(user=user), policies.travel_planned_scope(user))
        .filter(arrival__isnull=True)
        .filter(Q(travel__isnull=True) | Q(travel__status=TravelStatus.CANCELLED))
        .prefetch_related(None)
    )

    def item(proposal: Proposal) -> Item:
        return Item(
            _("Travel of household %(reference)s") % {"reference": proposal.household.reference},
            reverse("relocation:travel_edit", kwargs={"pk": proposal.pk}),
            None,
            _round_detail(proposal.run.round),
        )

    return todo_from(placements, today=today, item=item)


@register(
    "relocation.surveys_due",
    permission="relocation.record_followup",
    title=ngettext_lazy(
        "%(count)s follow-up survey due", "%(count)s follow-up surveys due", "count"
    ),
    url_name="relocation:survey_list",
    order=50,
)
def surveys_due(*, user: User, today: dt.date) -> Todo:
    """Surveys of the user's households (or rounds) open to be held: from two weeks before the
    due date on."""
    surveys = surveys_for_user(user=user).filter(
        status=SurveyStatus.DUE, due_on__lte=today + SURVEY_WINDOW
    )

    def item(survey: FollowUpSurvey) -> Item:
        return Item(
            _("Follow-up survey %(wave)s of household %(reference)s")
            % {"wave": survey.get_wave_display(), "reference": survey.household.reference},
            reverse("relocation:survey_record", kwargs={"pk": survey.pk}),
            survey.due_on,
            _round_detail(survey.household.round),
        )

    return todo_from(surveys, today=today, item=item, due="due_on")


@register(
    "relocation.rounds_waiting",
    permission="relocation.manage_rounds",
    title=ngettext_lazy(
        "%(count)s round waiting for you", "%(count)s rounds waiting for you", "count"
    ),
    url_name="relocation:round_list",
    order=30,
)
def rounds_waiting(*, user: User, today: dt.date) -> Todo:
    """Rounds of the user's organisation whose next step is the coordinator's: interviews have
    closed (start the matching) or a run waits for review and publication."""
    rounds = policies.scoped(
        rounds_for_user(user=user), policies.rounds_managed_scope(user)
    ).filter(
        Q(status=RoundStatus.MATCHING) | Q(status=RoundStatus.OPEN, interviews_close__lte=today)
    )

    def item(round_: Round) -> Item:
        if round_.status == RoundStatus.MATCHING:
            label = _("Review the runs of “%(round)s” and publish the proposals")
            due = None
        else:
            label = _("Interviews of “%(round)s” have closed: start the matching")
            due = round_.interviews_close
        return Item(
            label % {"round": round_.name},
            reverse("relocation:run_list", kwargs={"pk": round_.pk}),
            due,
        )

    return todo_from(rounds, today=today, item=item)
