"""Computed indicators: the registry, values from relocation and funding data, stored with their
definition, parameters and date so that they can be reproduced."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts_helpers import make_user
from funding_helpers import make_grant
from measures_helpers import coordinating_office, make_plan
from passgenau.apps.funding import services as funding_services
from passgenau.apps.measures import indicators, services
from passgenau.apps.measures.models import IndicatorValue
from relocation_matching_helpers import arrived_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return make_user("municipal_officer", username="i-officer", organisation=coordinating_office())


def test_the_platforms_definitions_are_registered():
    codes = set(indicators.REGISTRY)
    assert {
        "relocation.households_received",
        "relocation.persons_received",
        "relocation.followups_completed",
        "funding.approved",
        "funding.paid",
    } <= codes


def test_households_received_count_only_the_plans_territory_up_to_the_date(officer):
    plan = make_plan(user=officer)
    proposal = arrived_proposal()  # arrived 2026-05-05 at the test officer's municipality
    assert proposal.municipality == coordinating_office()  # in Dresden (14612)
    members = proposal.household.members.count()
    scope = indicators.Scope(territory_key="14612", on=dt.date(2026, 6, 1), plan_id=plan.pk)
    assert indicators.compute("relocation.households_received", scope) == 1
    assert indicators.compute("relocation.persons_received", scope) == members
    before = indicators.Scope(territory_key="14612", on=dt.date(2026, 5, 4), plan_id=plan.pk)
    assert indicators.compute("relocation.households_received", before) == 0
    elsewhere = indicators.Scope(territory_key="08111", on=dt.date(2026, 6, 1), plan_id=plan.pk)
    assert indicators.compute("relocation.households_received", elsewhere) == 0


def test_follow_up_answers_count_completed_surveys_of_households_received_here(officer):
    """Completed follow-up surveys up to the date of the households that arrived in the plan's
    territory; in work and in a language course by their answers; parameter wave."""
    from passgenau.apps.relocation.models import FollowUpSurvey

    plan = make_plan(user=officer)
    household = arrived_proposal().household  # arrived 2026-05-05 in Dresden
    surveys = {s.wave: s for s in FollowUpSurvey.objects.filter(household=household)}
    assert set(surveys) == {1, 6, 12}  # planned at the arrival
    for wave, completed_on, working, course in (
        (1, dt.date(2026, 6, 5), "no", "yes"),
        (6, dt.date(2026, 11, 5), "yes", "yes"),
    ):
        FollowUpSurvey.objects.filter(pk=surveys[wave].pk).update(
            status="completed", completed_on=completed_on, working=working, language_course=course
        )

    def count(code: str, on: dt.date, key: str = "14612", **params) -> Decimal:
        scope = indicators.Scope(territory_key=key, on=on, plan_id=plan.pk)
        return indicators.compute(code, scope, params)

    december = dt.date(2026, 12, 1)
    assert count("relocation.followups_completed", december) == 2
    assert count("relocation.followups_completed", dt.date(2026, 7, 1)) == 1  # wave 6 later
    assert count("relocation.followups_completed", december, wave="6") == 1
    assert count("relocation.followups_completed", december, wave="12") == 0  # still due
    assert count("relocation.followups_in_work", december) == 1
    assert count("relocation.followups_in_work", december, wave="1") == 0
    assert count("relocation.followups_in_language_course", december) == 2
    assert count("relocation.followups_completed", december, key="08111") == 0


def test_funds_default_to_the_measures_grants(officer):
    plan = make_plan(user=officer)
    grant = make_grant(approve=True)  # 50,000 approved on 2026-11-03
    other = make_grant(approve=True, amount=Decimal("7000.00"))  # not linked to the plan
    funding_services.grant_pay(
        actor=None, grant=grant, amount=Decimal("20000.00"), paid_on=dt.date(2026, 11, 10)
    )
    measure = plan.measures.get(code="1.1")
    services.measure_edit(user=officer, measure=measure, grant=grant)
    on = dt.date(2026, 11, 30)
    scope = indicators.Scope(territory_key="14612", on=on, plan_id=plan.pk)
    assert indicators.compute("funding.approved", scope) == Decimal("50000.00")
    assert indicators.compute("funding.paid", scope) == Decimal("20000.00")
    early = indicators.Scope(territory_key="14612", on=dt.date(2026, 11, 1), plan_id=plan.pk)
    assert indicators.compute("funding.approved", early) == 0
    assert indicators.compute("funding.paid", early) == 0
    assert indicators.compute("funding.approved", scope, {"grant": other.pk}) == Decimal("7000.00")


def test_refresh_stores_code_parameters_territory_and_date(officer):
    plan = make_plan(user=officer)
    area = plan.areas.first()
    indicator = services.indicator_create(
        user=officer,
        plan=plan,
        area=area,
        name="Aufgenommene Haushalte",
        baseline=Decimal(0),
        target=Decimal(10),
        definition_code="relocation.households_received",
    )
    assert indicator.unit  # taken from the definition
    today = timezone.localdate()
    [value] = services.indicators_refresh(user=officer, plan=plan, on=today)
    assert (value.value, value.on, value.definition_code, value.territory_key) == (
        Decimal("0.00"),
        today,
        "relocation.households_received",
        "14612",
    )
    arrived_proposal()
    [value] = services.indicators_refresh(user=officer, plan=plan, on=today)
    assert value.value == 1
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 1  # one per date
    # reproducible: the stored code, parameters and date give the stored value again
    scope = indicators.Scope(territory_key=value.territory_key, on=value.on, plan_id=plan.pk)
    assert indicators.compute(value.definition_code, scope, value.parameters) == value.value


def test_computed_indicator_refuses_hand_values_and_unknown_definitions(officer):
    plan = make_plan(user=officer)
    with pytest.raises(services.MeasuresError) as error:
        services.indicator_create(
            user=officer, plan=plan, area=plan.areas.first(), name="X", definition_code="nope"
        )
    assert "definition_code" in error.value.message_dict
    with pytest.raises(services.MeasuresError) as error:
        services.indicator_create(
            user=officer,
            plan=plan,
            area=plan.areas.first(),
            name="X",
            definition_code="funding.paid",
            parameters={"colour": "red"},
        )
    assert "parameters" in error.value.message_dict
    computed = services.indicator_create(
        user=officer,
        plan=plan,
        area=plan.areas.first(),
        name="Gezahlt",
        definition_code="funding.paid",
    )
    with pytest.raises(services.MeasuresError):
        services.indicator_value_record(
            user=officer, indicator=computed, on=dt.date(2026, 1, 1), value=Decimal(1)
        )
    manual = services.indicator_create(
        user=officer, plan=plan, measure=plan.measures.first(), name="Beratungen"
    )
    stored = services.indicator_value_record(
        user=officer, indicator=manual, on=dt.date(2026, 6, 30), value=Decimal(42)
    )
    assert stored.definition_code == "" and stored.value == 42


def test_an_app_can_register_its_own_definition(officer):
    plan = make_plan(user=officer)
    definition = indicators.Definition(
        "test.measures_of_plan",
        "Measures",
        "measures",
        lambda scope, params: plan.measures.filter(start__lte=scope.on).count(),
    )
    indicators.register(definition)
    try:
        with pytest.raises(ValueError):
            indicators.register(
                indicators.Definition("test.measures_of_plan", "x", "x", lambda s, p: 0)
            )
        services.indicator_create(
            user=officer,
            plan=plan,
            area=plan.areas.first(),
            name="Begonnene",
            definition_code="test.measures_of_plan",
        )
        [value] = services.indicators_refresh(user=officer, plan=plan, on=dt.date(2026, 2, 1))
        assert value.value == 1
    finally:
        indicators.REGISTRY.pop("test.measures_of_plan")


def test_parameter_values_are_checked_by_the_definition(officer):
    from measures_helpers import computed_indicator

    plan = make_plan(user=officer)
    with pytest.raises(services.MeasuresError) as error:
        computed_indicator(plan, "funding.paid", grant="G-17")
    assert "G-17" in " ".join(error.value.message_dict["parameters.grant"])
    scope = indicators.Scope(territory_key="14612", on=dt.date(2026, 6, 1), plan_id=plan.pk)
    with pytest.raises(ValueError, match="wave"):
        indicators.compute("relocation.followups_completed", scope, {"wave": "first"})
    assert computed_indicator(plan, "funding.paid", grant="17").parameters == {"grant": "17"}
