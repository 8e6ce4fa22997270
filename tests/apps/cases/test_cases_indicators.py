"""Case management's computed indicators for measures plans: goals reached and cases with a goal
reached in a territory up to a date (by area), specialist hours delivered under the funding a
measure names or a contract, grant or programme given."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cases_helpers import caseworker, consent, make_case, make_contract
from measures_helpers import computed_indicator, coordinating_office, dresden, make_plan, recomputed
from passgenau.apps.accounts.models import Organisation
from passgenau.apps.cases import services
from passgenau.apps.cases.models import Goal
from passgenau.apps.measures import indicators
from passgenau.apps.measures import services as measures_services
from passgenau.apps.territories.models import Gemeinde, Kreis

pytestmark = pytest.mark.django_db

BAUTZEN, BAUTZEN_TOWN, KAMENZ = "14625", "14625010", "14625020"


def day(month: int, d: int) -> dt.date:
    return dt.date(2026, month, d)


def _goal(actor, case, area: str, *, reached_on: dt.date | None = None) -> Goal:
    goal = services.goal_create(
        actor=actor,
        case=case,
        area=area,
        title="Ziel",
        responsible="Fallmanagement",
        due_on=day(12, 1),
        review_on=day(11, 1),
    )
    if reached_on is not None:
        goal = services.goal_transition(actor=actor, goal=goal, status="reached", on=reached_on)
    return goal


def _municipality(name: str, **territory) -> Organisation:
    return Organisation.objects.create(name=name, kind="municipality", **territory)


@pytest.fixture
def places():
    kreis = Kreis.objects.create(ags=BAUTZEN, name="Bautzen", land=dresden().land, kind="landkreis")
    for ags, name in ((BAUTZEN_TOWN, "Bautzen"), (KAMENZ, "Kamenz")):
        Gemeinde.objects.create(ags=ags, name=name, land=kreis.land, kreis=kreis, kind="stadt")
    return kreis


@pytest.fixture
def town_caseworker(places):
    town = _municipality("Stadt Bautzen", gemeinde_id=BAUTZEN_TOWN)
    return caseworker("town-caseworker", town)


@pytest.fixture
def goals(town_caseworker):
    """Goals reached, by the case's organisation and the day:

    | case | kept by                      | goals reached                 |
    |------|------------------------------|-------------------------------|
    | A    | Stadt Bautzen (Gemeinde)     | language 2-10, work 6-20      |
    | B    | Landkreis Bautzen (Kreis)    | language 3-01                 |
    | C    | Caritas (no territory)       | language 2-01                 |
    | D    | Dresden, then Caritas        | language 5-20 (arrived in Dresden 5-05) |
    | E    | Dresden                      | school 3-01, taken up again   |

    A also has a housing goal in progress."""
    from passgenau.apps.relocation.models import Arrival
    from relocation_matching_helpers import arrived_proposal

    district = caseworker(
        "district-caseworker", _municipality("Landkreis Bautzen", kreis_id=BAUTZEN)
    )
    caritas = caseworker(
        "caritas-caseworker", Organisation.objects.create(name="Caritas", kind="ngo")
    )
    case_a = make_case(town_caseworker)
    _goal(town_caseworker, case_a, "language", reached_on=day(2, 10))
    _goal(town_caseworker, case_a, "work", reached_on=day(6, 20))
    housing = _goal(town_caseworker, case_a, "housing")
    services.goal_transition(actor=town_caseworker, goal=housing, status="in_progress")
    _goal(district, make_case(district), "language", reached_on=day(3, 1))
    _goal(caritas, make_case(caritas), "language", reached_on=day(2, 1))
    proposal = arrived_proposal()  # in Dresden on 5-05
    in_dresden = caseworker("dresden-caseworker", coordinating_office())
    assert proposal.municipality == in_dresden.organisation
    case_d = services.case_open_from_arrival(
        actor=in_dresden,
        arrival=Arrival.objects.get(proposal=proposal),
        consent=consent(),
        opened_on=day(5, 6),
    )
    _goal(in_dresden, case_d, "language", reached_on=day(5, 20))
    services.case_transfer(actor=in_dresden, case=case_d, caseworker=caritas, on=day(5, 25))
    school = _goal(in_dresden, make_case(in_dresden), "school", reached_on=day(3, 1))
    services.goal_transition(actor=in_dresden, goal=school, status="in_progress")


def value(
    code: str, key: str, on: dt.date, measure_id: int | None = None, plan_id: int = 0, **params
):
    scope = indicators.Scope(territory_key=key, on=on, plan_id=plan_id, measure_id=measure_id)
    return indicators.compute(code, scope, params)


def reached(key: str, on: dt.date, **params) -> tuple[Decimal, Decimal]:
    """(goals reached, cases with a goal reached)."""
    return (
        value("cases.goals_reached", key, on, **params),
        value("cases.cases_with_goals_reached", key, on, **params),
    )


def test_the_definitions_are_registered():
    assert {
        "cases.goals_reached",
        "cases.cases_with_goals_reached",
        "cases.hours_delivered",
    } <= set(indicators.REGISTRY)


def test_goals_reached_up_to_the_date(goals):
    assert reached(BAUTZEN, day(7, 1)) == (3, 2)  # A twice, B
    assert reached(BAUTZEN, day(3, 1)) == (2, 2)  # A's language, B
    assert reached(BAUTZEN, day(2, 28)) == (1, 1)  # A's language
    assert reached(BAUTZEN, day(2, 9)) == (0, 0)
    assert reached("", day(7, 1)) == (5, 4)  # A twice, B, C, D


def test_the_territory_of_a_case_is_its_organisations_or_its_arrivals(goals):
    assert reached(BAUTZEN_TOWN, day(7, 1)) == (2, 1)  # A; B is the Kreis' own
    assert reached(KAMENZ, day(7, 1)) == (0, 0)
    # D arrived in Dresden and is kept by Caritas now; E's goal was taken up again
    assert reached("14612", day(7, 1)) == (1, 1)
    assert reached("14612", day(5, 19)) == (0, 0)
    assert reached("08111", day(7, 1)) == (0, 0)


def test_goals_reached_by_area(goals):
    assert reached(BAUTZEN, day(7, 1), area="language") == (2, 2)
    assert reached(BAUTZEN, day(7, 1), area="work") == (1, 1)
    assert reached(BAUTZEN, day(6, 19), area="work") == (0, 0)
    assert reached("", day(7, 1), area="school") == (0, 0)
    assert reached("", day(7, 1), area="housing") == (0, 0)


def test_a_goal_keeps_the_day_it_was_reached_and_loses_it_when_taken_up_again(town_caseworker):
    case = make_case(town_caseworker, opened_on=day(3, 1))
    goal = _goal(town_caseworker, case, "language")
    for wrong in (day(2, 28), dt.date.today() + dt.timedelta(days=1)):
        with pytest.raises(services.CasesError):
            services.goal_transition(actor=town_caseworker, goal=goal, status="reached", on=wrong)
    goal = services.goal_transition(
        actor=town_caseworker, goal=goal, status="reached", on=day(4, 1)
    )
    assert Goal.objects.get(pk=goal.pk).reached_on == day(4, 1)
    services.goal_transition(actor=town_caseworker, goal=goal, status="in_progress")
    assert Goal.objects.get(pk=goal.pk).reached_on is None
    goal = services.goal_transition(actor=town_caseworker, goal=goal, status="reached")
    assert goal.reached_on == dt.date.today()


@pytest.fixture
def hours(town_caseworker):
    """Two contracts of the town's case A, on grants of two programmes:

    | contract | hours                                                            |
    |----------|------------------------------------------------------------------|
    | first    | 3-02: 2.00; 4-10: 1.50, corrected by -0.50; 11-20: 3.00           |
    | second   | 3-05: 4.00                                                       |
    """
    case = make_case(town_caseworker)
    first = make_contract(town_caseworker.organisation)
    second = make_contract(town_caseworker.organisation)

    def log(contract, on, amount):
        return services.hours_log(
            actor=town_caseworker,
            case=case,
            contract=contract,
            on=on,
            activity="counselling",
            hours=Decimal(amount),
        ).entry

    log(first, day(3, 2), "2.00")
    corrected = log(first, day(4, 10), "1.50")
    services.hours_correct(
        actor=town_caseworker, entry=corrected, hours=Decimal("-0.50"), reason="Doppelt erfasst"
    )
    log(first, day(11, 20), "3.00")
    log(second, day(3, 5), "4.00")
    return first, second


def test_hours_delivered_under_the_measures_funding_up_to_the_date(hours):
    first, second = hours
    plan = make_plan()
    measure = plan.measures.get(code="1.1")
    measures_services.measure_edit(user=None, measure=measure, grant=first.grant)
    other = plan.measures.get(code="1.2")

    def delivered(on, measure_id=measure.pk, **params):
        return value("cases.hours_delivered", "14612", on, measure_id, plan.pk, **params)

    assert delivered(day(6, 30)) == Decimal("3.00")  # 2.00 + 1.50 - 0.50; 11-20 comes later
    assert delivered(day(3, 2)) == Decimal("2.00")
    assert delivered(day(3, 1)) == 0
    assert delivered(day(12, 1)) == Decimal("6.00")
    assert delivered(day(6, 30), measure_id=None) == Decimal("3.00")  # the plan's measures
    assert delivered(day(6, 30), measure_id=other.pk) == 0  # a measure without funding
    assert delivered(day(6, 30), contract=second.pk) == Decimal("4.00")
    assert delivered(day(6, 30), grant=second.grant_id) == Decimal("4.00")
    assert delivered(day(6, 30), programme=first.grant.programme_id) == Decimal("3.00")


def test_bad_parameters_are_refused_when_the_indicator_is_made():
    plan = make_plan()
    for code, params, problem in (
        ("cases.goals_reached", {"area": "garden"}, "garden"),
        ("cases.cases_with_goals_reached", {"area": "garden"}, "garden"),
        ("cases.hours_delivered", {"contract": "first"}, "first"),
    ):
        with pytest.raises(measures_services.MeasuresError) as error:
            computed_indicator(plan, code, **params)
        [name] = params  # refused on the parameter's own field
        assert problem in " ".join(error.value.message_dict[f"parameters.{name}"])


def test_refresh_stores_values_that_reproduce(goals, hours):
    plan = make_plan()
    measure = plan.measures.get(code="1.1")
    measures_services.measure_edit(user=None, measure=measure, grant=hours[0].grant)
    computed_indicator(plan, "cases.cases_with_goals_reached", area="language")
    computed_indicator(plan, "cases.hours_delivered", measure=measure)
    stored = measures_services.indicators_refresh(user=None, plan=plan, on=day(6, 30))
    assert {v.definition_code: v.value for v in stored} == {
        "cases.cases_with_goals_reached": 1,  # D, arrived in Dresden
        "cases.hours_delivered": Decimal("3.00"),
    }
    assert all(v.territory_key == "14612" for v in stored)
    for stored_value in stored:
        assert recomputed(stored_value) == stored_value.value
