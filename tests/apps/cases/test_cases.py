"""Cases: opening (directly and from an arrival), consent, states, transfer, closure; the plan
with goals, steps and agreed versions; referrals and contact notes. Every change is audited
without names."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases_helpers import caseworker, consent, make_case
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.cases import services
from passgenau.apps.cases.models import (
    Case,
    CaseStatus,
    GoalStatus,
    PlanVersion,
    StepStatus,
)

pytestmark = pytest.mark.django_db


def test_open_needs_consent_to_case_management():
    with pytest.raises(services.CasesError, match="consent to case management"):
        make_case(purposes={"health"})
    assert Case.objects.count() == 0


def test_open_records_consent_per_purpose_and_audits_without_the_name():
    case = make_case(name="Olena Kovalenko")
    assert services.active_purposes(case) == {
        "case_management",
        "take_over",
        "health",
        "referral",
        "transfer",
        "billing",
    }
    entries = AuditEntry.objects.filter(action__startswith="cases.")
    assert entries.filter(action="cases.case.opened", object_id=str(case.pk)).exists()
    for entry in entries:
        assert "Olena" not in entry.object_repr + str(entry.data)
        assert entry.object_repr == case.reference


def test_opening_date_not_in_the_future():
    with pytest.raises(services.CasesError, match="future"):
        make_case(opened_on=dt.date.today() + dt.timedelta(days=2))


def test_states_follow_the_transition_table_and_are_logged():
    actor = caseworker()
    case = make_case()
    services.case_transition(actor=actor, case=case, status="active")
    services.case_transition(actor=actor, case=case, status="paused")
    with pytest.raises(services.TransitionError):
        services.case_transition(actor=actor, case=case, status="open")
    case = services.case_close(actor=actor, case=case, outcome="goals_reached")
    assert case.status == CaseStatus.CLOSED and case.closed_on and case.outcome == "goals_reached"
    with pytest.raises(services.TransitionError):
        services.case_close(actor=actor, case=case, outcome="other")
    case = services.case_transition(actor=actor, case=case, status="active")
    assert case.outcome == "" and case.closed_on is None
    moves = [(e.from_status, e.to_status) for e in case.events.all()]
    assert moves == [
        ("open", "active"),
        ("active", "paused"),
        ("paused", "closed"),
        ("closed", "active"),
    ]
    assert AuditEntry.objects.filter(action="cases.case.status_changed").count() == 4


def test_closing_needs_an_outcome_and_a_date_in_order():
    actor = caseworker()
    case = make_case()
    with pytest.raises(services.CasesError):
        services.case_close(actor=actor, case=case, outcome="")
    with pytest.raises(services.CasesError):
        services.case_close(actor=actor, case=case, outcome="other", on=dt.date(2025, 1, 1))
    with pytest.raises(services.CasesError):
        services.case_transition(actor=actor, case=case, status="closed")


def test_only_the_own_organisation_changes_a_case():
    from funding_helpers import organisation

    case = make_case()
    other = caseworker("other-caseworker", organisation("Diakonie", "provider"))
    with pytest.raises(services.CasesError):
        services.case_transition(actor=other, case=case, status="active")


def test_transfer_needs_consent_moves_case_and_ends_health_consent():
    from funding_helpers import organisation

    actor = caseworker()
    target = caseworker("diakonie-caseworker", organisation("Diakonie", "provider"))
    without = make_case(purposes={"case_management"}, name="Without transfer consent")
    with pytest.raises(services.CasesError, match="consent"):
        services.case_transfer(actor=actor, case=without, caseworker=target)
    case = make_case()
    case = services.case_transfer(actor=actor, case=case, caseworker=target)
    assert case.organisation == target.organisation and case.caseworker == target
    assert "health" not in services.active_purposes(case)
    assert case.events.get(kind="transfer").to_organisation == target.organisation
    # the old organisation no longer changes it
    with pytest.raises(services.CasesError):
        services.note_create(actor=actor, case=case, on=dt.date(2026, 2, 1), kind="phone", text="x")


def test_transfer_target_must_be_able_to_keep_cases():
    from accounts_helpers import make_user

    case = make_case()
    funder = make_user("funder")
    with pytest.raises(services.CasesError):
        services.case_transfer(actor=caseworker(), case=case, caseworker=funder)


def test_withdrawn_consent_is_kept_and_can_be_given_again():
    actor = caseworker()
    case = make_case()
    services.consent_withdraw(actor=actor, case=case, purpose="referral")
    assert "referral" not in services.active_purposes(case)
    with pytest.raises(services.CasesError):
        services.referral_create(
            actor=actor, case=case, offer_text="Sprachcafé", referred_on=dt.date(2026, 2, 1)
        )
    services.consent_record(
        actor=actor, case=case, purpose="referral", given_on=dt.date(2026, 2, 2), explained_in="uk"
    )
    assert case.consents.filter(purpose="referral").count() == 2


def _plan(case, actor):
    goals = [
        services.goal_create(
            actor=actor,
            case=case,
            area=area,
            title=title,
            responsible="Frau K.",
            due_on=dt.date(2026, 6, 30),
            review_on=dt.date(2026, 3, 31),
        )
        for area, title in [
            ("language", "B1 German course"),
            ("health", "Vaccinations complete (STIKO), counselling in Ukrainian"),
            ("school", "Kita place for the youngest child"),
        ]
    ]
    services.step_create(
        actor=actor,
        goal=goals[0],
        title="Register at the VHS",
        responsible="caseworker",
        due_on=dt.date(2026, 2, 15),
    )
    return goals


def test_plan_versions_are_snapshots_that_never_change():
    actor = caseworker()
    case = make_case()
    goals = _plan(case, actor)
    v1 = services.plan_agree(actor=actor, case=case, agreed_on=dt.date(2026, 1, 20))
    assert [g["title"] for g in v1.content] == [g.title for g in goals]
    assert v1.content[0]["steps"][0]["title"] == "Register at the VHS"
    services.goal_transition(actor=actor, goal=goals[0], status="in_progress")
    step = goals[0].steps.get()
    services.step_transition(actor=actor, step=step, status="done")
    v2 = services.plan_agree(actor=actor, case=case, agreed_on=dt.date(2026, 2, 20))
    v1.refresh_from_db()
    assert v1.content[0]["status"] == GoalStatus.OPEN
    assert v1.content[0]["steps"][0]["status"] == StepStatus.OPEN
    assert v2.number == 2 and v2.content[0]["status"] == GoalStatus.IN_PROGRESS
    v1.content = []
    with pytest.raises(ValidationError):
        v1.save()
    with pytest.raises(ValidationError):
        v1.delete()
    assert PlanVersion.objects.get(pk=v1.pk).content[0]["title"] == "B1 German course"
    with pytest.raises(services.CasesError):
        services.plan_agree(actor=actor, case=case, agreed_on=dt.date(2026, 2, 1))


def test_goal_and_step_transitions_checked():
    actor = caseworker()
    case = make_case()
    goal = _plan(case, actor)[0]
    with pytest.raises(services.TransitionError):
        services.goal_transition(actor=actor, goal=goal, status="open")
    services.goal_transition(actor=actor, goal=goal, status="dropped")
    with pytest.raises(services.CasesError):
        services.step_create(
            actor=actor, goal=goal, title="x", responsible="y", due_on=dt.date(2026, 3, 1)
        )


def test_goal_dates_in_order():
    actor = caseworker()
    case = make_case()
    with pytest.raises(services.CasesError):
        services.goal_create(
            actor=actor,
            case=case,
            area="work",
            title="Job",
            responsible="x",
            due_on=dt.date(2026, 3, 1),
            review_on=dt.date(2026, 4, 1),
        )
    with pytest.raises(services.CasesError):
        services.goal_create(
            actor=actor,
            case=case,
            area="work",
            title="Job",
            responsible="x",
            due_on=dt.date(2025, 3, 1),
            review_on=dt.date(2025, 2, 1),
        )


def test_referral_with_outcome_and_notes():
    actor = caseworker()
    case = make_case()
    goal = _plan(case, actor)[0]
    referral = services.referral_create(
        actor=actor,
        case=case,
        goal=goal,
        offer_text="Integrationskurs VHS Dresden",
        referred_on=dt.date(2026, 1, 21),
    )
    with pytest.raises(services.CasesError):
        services.referral_outcome(actor=actor, referral=referral, outcome="pending")
    services.referral_outcome(actor=actor, referral=referral, outcome="taken_up")
    referral.refresh_from_db()
    assert referral.outcome == "taken_up" and referral.outcome_on
    with pytest.raises(services.CasesError, match="future"):
        services.note_create(
            actor=actor,
            case=case,
            on=dt.date.today() + dt.timedelta(days=3),
            kind="phone",
            text="Call",
        )
    services.note_create(actor=actor, case=case, on=dt.date(2026, 1, 22), kind="phone", text="Call")
    logged = AuditEntry.objects.filter(action="cases.contactnote.created").get()
    assert "Call" not in str(logged.data)


def test_open_from_arrival_takes_over_data_with_consent():
    from passgenau.apps.relocation.models import Arrival
    from relocation_matching_helpers import arrived_proposal

    proposal = arrived_proposal()
    arrival = Arrival.objects.get(proposal=proposal)
    actor = caseworker("municipal-caseworker", proposal.municipality)
    with pytest.raises(services.CasesError, match="consent"):
        services.case_open_from_arrival(
            actor=actor, arrival=arrival, consent=consent({"case_management"})
        )
    case = services.case_open_from_arrival(actor=actor, arrival=arrival, consent=consent())
    household = proposal.household
    assert case.household == household and case.arrived_on == arrival.arrived_on
    assert case.persons == household.members.count()
    assert case.language == household.language
    assert case.name == household.contact.contact_name
    with pytest.raises(services.CasesError, match="already"):
        services.case_open_from_arrival(actor=actor, arrival=arrival, consent=consent())
    # a caseworker elsewhere cannot open it
    other = caseworker()
    with pytest.raises(services.CasesError):
        services.case_open_from_arrival(actor=other, arrival=arrival, consent=consent())


def test_referral_to_an_offer_of_the_directory():
    from directory_helpers import provider_service

    actor = caseworker()
    case = make_case()
    offer = provider_service()
    referral = services.referral_create(
        actor=actor, case=case, offer=offer, referred_on=dt.date(2026, 1, 21)
    )
    assert referral.offer == offer and referral.offer_text == offer.name
    with pytest.raises(services.CasesError, match="Choose an offer"):
        services.referral_create(actor=actor, case=case, referred_on=dt.date(2026, 1, 21))
