"""Plans, measures and their status table, participation, carry-over and audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts_helpers import make_user
from measures_helpers import coordinating_office, make_plan, role_organisation
from passgenau.apps.accounts.models import Organisation
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.measures import policies, selectors, services
from passgenau.apps.measures.models import (
    MEASURE_TRANSITIONS,
    Measure,
    MeasureStatus,
    PlanStatus,
    ProposalStatus,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def officer():
    return make_user("municipal_officer", username="m-officer", organisation=coordinating_office())


@pytest.fixture
def provider():
    return make_user("provider", username="m-provider", organisation=role_organisation("provider"))


def test_plan_carries_its_territory_and_guidelines(officer):
    plan = make_plan(user=officer)
    assert plan.territory_key == "14612"
    assert [g.text for g in plan.guidelines.all()] == [
        "Integration ab Ankunft",
        "Teilhabe durch Beteiligung",
    ]
    assert plan.measures.count() == 3
    assert AuditEntry.objects.filter(action="measures.plan.created", object_id=str(plan.pk))


def test_measure_end_before_start_is_refused(officer):
    plan = make_plan(user=officer)
    with pytest.raises(services.MeasuresError) as error:
        services.measure_create(
            user=officer,
            plan=plan,
            area=plan.areas.first(),
            code="1.9",
            title="Rückwärts",
            start=dt.date(2027, 1, 1),
            end=dt.date(2026, 1, 1),
        )
    assert "end" in error.value.message_dict


def test_measure_number_is_unique_in_the_plan(officer):
    plan = make_plan(user=officer)
    with pytest.raises(services.MeasuresError) as error:
        services.measure_create(
            user=officer, plan=plan, area=plan.areas.first(), code="1.1", title="Doppelt"
        )
    assert "code" in error.value.message_dict


@pytest.mark.parametrize(
    ("before", "after"),
    [(b, a) for b in MeasureStatus.values for a in MeasureStatus.values if a != b],
)
def test_status_changes_follow_the_table_exactly(officer, before, after):
    plan = make_plan(user=officer)
    measure = plan.measures.get(code="1.1")
    Measure.objects.filter(pk=measure.pk).update(status=before)
    allowed = after in MEASURE_TRANSITIONS[before]
    if allowed:
        update = services.measure_status_change(
            user=officer, measure=measure, status=after, on=TODAY(), note="Grund"
        )
        assert update.status_before == before and update.status_after == after
        measure.refresh_from_db()
        assert measure.status == after
    else:
        with pytest.raises(services.TransitionError):
            services.measure_status_change(
                user=officer, measure=measure, status=after, on=TODAY(), note="Grund"
            )
        measure.refresh_from_db()
        assert measure.status == before


def test_delay_needs_a_reason_and_a_date_not_in_the_future(officer):
    measure = make_plan(user=officer).measures.get(code="1.1")
    with pytest.raises(services.MeasuresError) as error:
        services.measure_status_change(
            user=officer, measure=measure, status="delayed", on=TODAY(), note="  "
        )
    assert "note" in error.value.message_dict
    with pytest.raises(services.MeasuresError) as error:
        services.measure_status_change(
            user=officer,
            measure=measure,
            status="running",
            on=TODAY() + dt.timedelta(days=1),
        )
    assert "on" in error.value.message_dict
    services.measure_status_change(
        user=officer, measure=measure, status="running", on=TODAY() - dt.timedelta(days=10)
    )
    with pytest.raises(services.MeasuresError) as error:  # before the last recorded change
        services.measure_status_change(
            user=officer,
            measure=measure,
            status="delayed",
            on=TODAY() - dt.timedelta(days=20),
            note="Personal fehlt",
        )
    assert "on" in error.value.message_dict


def test_status_change_is_audited_without_its_note(officer):
    measure = make_plan(user=officer).measures.get(code="1.1")
    services.measure_status_change(
        user=officer, measure=measure, status="delayed", on=TODAY(), note="Träger insolvent"
    )
    entry = AuditEntry.objects.get(action="measures.measure.status_changed")
    assert entry.actor == officer
    assert entry.data["from"] == "planned" and entry.data["to"] == "delayed"
    assert "insolvent" not in str(entry.data) and "insolvent" not in entry.object_repr


def test_actor_reports_only_on_its_own_measures(officer, provider):
    plan = make_plan(user=officer, status=PlanStatus.ADOPTED)
    own = plan.measures.get(code="1.1")  # led by the provider's organisation
    other = plan.measures.get(code="2.1")
    assert policies.may_report_progress(user=provider, measure=own)
    assert not policies.may_report_progress(user=provider, measure=other)
    assert policies.may_report_progress(user=officer, measure=other)
    assert policies.may_view_plan(user=provider, plan=plan)
    assert not policies.may_coordinate(user=provider, plan=plan)
    stranger = make_user(
        "provider",
        username="m-stranger",
        organisation=Organisation.objects.create(name="Anderer Verein", kind="provider"),
    )
    assert not policies.may_view_plan(user=stranger, plan=plan)
    assert selectors.plans_for_user(user=stranger).count() == 0
    assert list(selectors.plans_for_user(user=provider)) == [plan]


def test_funder_of_another_city_does_not_coordinate(officer):
    plan = make_plan(user=officer)
    funder = make_user("funder", username="m-funder", organisation=role_organisation("funder"))
    assert policies.may_view_plan(user=funder, plan=plan)  # an actor
    assert not policies.may_coordinate(user=funder, plan=plan)


def test_proposals_only_in_consultation_and_decided_by_the_office(officer, provider):
    plan = make_plan(user=officer)
    area = plan.areas.first()
    assert not policies.may_propose(user=provider, plan=plan)
    with pytest.raises(services.TransitionError):
        services.proposal_submit(user=provider, plan=plan, area=area, title="Mentoring")
    plan = services.plan_transition(user=officer, plan=plan, status=PlanStatus.CONSULTATION)
    assert policies.may_propose(user=provider, plan=plan)
    proposal = services.proposal_submit(
        user=provider, plan=plan, area=area, title="Mentoring durch erfahrene Geflüchtete"
    )
    rejected = services.proposal_submit(user=provider, plan=plan, area=area, title="Zweite Idee")
    with pytest.raises(services.MeasuresError):
        services.proposal_decide(user=officer, proposal=rejected, accept=False, note="")
    services.proposal_decide(user=officer, proposal=rejected, accept=False, note="Doppelt")
    accepted = services.proposal_decide(user=officer, proposal=proposal, accept=True)
    assert accepted.status == ProposalStatus.ACCEPTED
    measure = accepted.measure
    assert measure.code == "1.3" and measure.status == MeasureStatus.PLANNED
    assert [a.organisation for a in measure.lead_actors.all()] == [provider.organisation]
    with pytest.raises(services.TransitionError):
        services.proposal_decide(user=officer, proposal=proposal, accept=False, note="x")


def test_plan_transitions_and_adoption_date(officer):
    plan = make_plan(user=officer)
    with pytest.raises(services.TransitionError):
        services.plan_transition(user=officer, plan=plan, status=PlanStatus.CLOSED)
    with pytest.raises(services.MeasuresError):
        services.plan_transition(
            user=officer, plan=plan, status="adopted", on=TODAY() + dt.timedelta(days=3)
        )
    plan = services.plan_transition(
        user=officer, plan=plan, status="adopted", on=dt.date(2026, 7, 11), decision="V1234/26"
    )
    assert plan.adopted_on == dt.date(2026, 7, 11) and plan.council_decision == "V1234/26"
    assert list(selectors.plans_public()) == [plan]


def test_new_plan_carries_open_measures_with_their_history(officer):
    old = make_plan(user=officer, status=PlanStatus.ADOPTED)
    running = old.measures.get(code="1.1")
    done = old.measures.get(code="1.2")
    services.measure_status_change(
        user=officer, measure=running, status="running", on=dt.date(2026, 3, 1)
    )
    services.measure_status_change(
        user=officer, measure=done, status="running", on=dt.date(2026, 3, 1)
    )
    services.measure_status_change(
        user=officer, measure=done, status="done", on=dt.date(2026, 9, 1)
    )
    services.indicator_create(
        user=officer, plan=old, measure=running, name="Wohnungen", target=Decimal(50)
    )
    new = services.plan_create(
        user=officer,
        name="Fachplan 2029",
        organisation=old.coordinating_organisation,
        period_start=dt.date(2029, 1, 1),
        period_end=dt.date(2031, 12, 31),
        predecessor=old,
    )
    assert sorted(new.measures.values_list("code", flat=True)) == ["1.1", "2.1"]
    carried = new.measures.get(code="1.1")
    assert carried.carried_from == running and carried.status == "running"
    assert [a.name for a in carried.lead_actors.all()] == ["Test organisation provider"]
    assert carried.lead_actors.first().plan == new
    history = selectors.measure_history(measure=carried)
    assert [(u.status_after, u.measure.plan_id) for u in history] == [("running", old.pk)]
    assert new.indicators.get().measure == carried
    assert new.guidelines.count() == 2 and new.areas.count() == 2


def test_comment_is_audited_without_its_text(officer, provider):
    plan = make_plan(user=officer, status=PlanStatus.CONSULTATION)
    measure = plan.measures.get(code="2.1")
    assert policies.may_comment(user=provider, plan=plan)
    comment = services.comment_add(user=provider, measure=measure, text="Bitte mit dem Jobcenter")
    entry = AuditEntry.objects.get(action="measures.comment.added")
    assert entry.object_id == str(comment.pk)
    assert "Jobcenter" not in entry.object_repr and "Jobcenter" not in str(entry.data)


def test_progress_by_area_and_as_of_a_date(officer):
    plan = make_plan(user=officer, status=PlanStatus.ADOPTED)
    housing = plan.measures.get(code="1.1")
    services.measure_status_change(
        user=officer, measure=housing, status="running", on=dt.date(2026, 2, 1)
    )
    services.measure_status_change(
        user=officer,
        measure=housing,
        status="delayed",
        on=dt.date(2026, 6, 1),
        note="Zu wenige Wohnungen",
        spent=Decimal("30000.00"),
    )
    services.measure_status_change(
        user=officer,
        measure=plan.measures.get(code="2.1"),
        status="running",
        on=dt.date(2026, 2, 1),
    )
    progress = selectors.plan_progress(plan=plan, as_of=dt.date(2026, 7, 1))
    first, second = progress.areas
    assert first.light == "red"
    assert [(m.code, reason.note) for m, reason in first.delayed] == [
        ("1.1", "Zu wenige Wohnungen")
    ]
    assert second.light == "green"
    assert first.costs == Decimal("200000.00") and first.spent == Decimal("30000.00")
    earlier = selectors.plan_progress(plan=plan, as_of=dt.date(2026, 3, 1))
    assert earlier.areas[0].light == "amber"  # 1.1 running, 1.2 planned
    assert earlier.areas[0].counts["running"] == 1
    before_any = selectors.plan_progress(plan=plan, as_of=dt.date(2026, 1, 15))
    assert before_any.counts["planned"] == 3
