"""The directory's computed indicator for measures plans: offers active in a territory on a date,
by language spoken and topic, read back from the offers' HSDS metadata."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts_helpers import make_user
from measures_helpers import computed_indicator, coordinating_office, dresden, make_plan, recomputed
from passgenau.apps.directory.measure_indicators import Change, created_on, value_on
from passgenau.apps.directory.models import (
    Directory,
    Location,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    Taxonomy,
    TaxonomyTerm,
)
from passgenau.apps.directory.services.offers import service_apply
from passgenau.apps.directory.topics import topics_load
from passgenau.apps.measures import indicators, services
from passgenau.apps.measures.models import IndicatorValue
from passgenau.apps.territories.models import Gemeinde, Kreis

pytestmark = pytest.mark.django_db

BAUTZEN, BAUTZEN_TOWN, KAMENZ, DRESDEN_TOWN = "14625", "14625010", "14625020", "14612000"


def day(month: int, d: int) -> dt.date:
    return dt.date(2026, month, d)


def _gemeinde(ags: str, name: str, kreis: Kreis) -> Gemeinde:
    return Gemeinde.objects.create(ags=ags, name=name, land=kreis.land, kreis=kreis, kind="stadt")


def _offer(directory, name, *, on, languages, topics, place=None) -> Service:
    service = service_apply(
        service=Service(directory=directory, name=""),
        fields={"name": name, "languages": languages, "topics": topics},
        actor=None,
        today=on,
    )
    if place is not None:
        location = Location.objects.create(directory=directory, name=name, gemeinde=place)
        ServiceAtLocation.objects.create(service=service, location=location)
    return service


@pytest.fixture
def offers():
    """Two directories: the Landkreis Bautzen's and Dresden's. Offers, made on the days given:

    | offer | directory | place   | made | languages    | topics             | later           |
    |-------|-----------|---------|------|--------------|--------------------|-----------------|
    | A     | Bautzen   | Bautzen | 1-10 | uk, ar       | migrationsberatung | 2-15: only uk   |
    | B     | Bautzen   | Kamenz  | 3-01 | uk           | deutschkurs        |                 |
    | C     | Bautzen   | Bautzen | 1-10 | ar           | begegnung          | 4-01: closed    |
    | D     | Bautzen   | (none)  | 1-10 | uk           | beratung           | 4-10: begegnung |
    | E     | Dresden   | Kamenz  | 1-20 | uk           | wohnen             |                 |
    | F     | Dresden   | Dresden | 1-10 | uk           | wohnen             |                 |
    | G     | Bautzen   | Bautzen | 5-01 | uk           | arbeit             |                 |
    | H     | Bautzen   | Bautzen | imported without metadata, fa, no topic   |                 |
    """
    topics_load(Taxonomy, TaxonomyTerm)  # a transactional test may have flushed them
    dresden_kreis = dresden()
    bautzen = Kreis.objects.create(
        ags=BAUTZEN, name="Bautzen", land=dresden_kreis.land, kind="landkreis"
    )
    places = {
        "bautzen": _gemeinde(BAUTZEN_TOWN, "Bautzen", bautzen),
        "kamenz": _gemeinde(KAMENZ, "Kamenz", bautzen),
        "dresden": _gemeinde(DRESDEN_TOWN, "Dresden", dresden_kreis),
    }
    in_bautzen = Directory.objects.create(name="Bautzen", slug="bautzen", kreis=bautzen)
    in_dresden = Directory.objects.create(name="Dresden", slug="dresden", kreis=dresden_kreis)
    made = {
        "A": _offer(in_bautzen, "A", on=day(1, 10), languages=["uk", "ar"],
                    topics=["migrationsberatung"], place=places["bautzen"]),
        "B": _offer(in_bautzen, "B", on=day(3, 1), languages=["uk"], topics=["deutschkurs"],
                    place=places["kamenz"]),
        "C": _offer(in_bautzen, "C", on=day(1, 10), languages=["ar"], topics=["begegnung"],
                    place=places["bautzen"]),
        "D": _offer(in_bautzen, "D", on=day(1, 10), languages=["uk"], topics=["beratung"]),
        "E": _offer(in_dresden, "E", on=day(1, 20), languages=["uk"], topics=["wohnen"],
                    place=places["kamenz"]),
        "F": _offer(in_dresden, "F", on=day(1, 10), languages=["uk"], topics=["wohnen"],
                    place=places["dresden"]),
        "G": _offer(in_bautzen, "G", on=day(5, 1), languages=["uk"], topics=["arbeit"],
                    place=places["bautzen"]),
    }  # fmt: skip
    service_apply(service=made["A"], fields={"languages": ["uk"]}, actor=None, today=day(2, 15))
    service_apply(service=made["C"], fields={"status": "inactive"}, actor=None, today=day(4, 1))
    service_apply(service=made["D"], fields={"topics": ["begegnung"]}, actor=None, today=day(4, 10))
    imported = Service.objects.create(directory=in_bautzen, name="H")
    ServiceLanguage.objects.create(service=imported, code="fa")
    location = Location.objects.create(directory=in_bautzen, gemeinde=places["bautzen"])
    ServiceAtLocation.objects.create(service=imported, location=location)
    made["H"] = imported
    return made


def count(key: str, on: dt.date, **params) -> int:
    scope = indicators.Scope(territory_key=key, on=on, plan_id=0)
    value = indicators.compute("directory.offers", scope, params)
    assert value == int(value)
    return int(value)


def test_the_definition_is_registered_with_its_parameters():
    definition = indicators.REGISTRY["directory.offers"]
    assert definition.parameter_names == ("language", "topic")


def test_offers_are_counted_from_the_day_made_and_while_active(offers):
    assert count(BAUTZEN, day(2, 1)) == 5  # A C D E H (B and G not yet made)
    assert count(BAUTZEN, day(3, 15)) == 6  # A B C D E H
    assert count(BAUTZEN, day(4, 1)) == 5  # C closed that day
    assert count(BAUTZEN, day(6, 1)) == 6  # A B D E G H
    assert count(BAUTZEN, dt.date(2025, 12, 31)) == 1  # only H, imported without a history


def test_the_territory_is_the_offers_place_else_its_directorys(offers):
    # a Gemeinde: offers placed there; D has no place and belongs to the Kreis' directory only
    assert count(BAUTZEN_TOWN, day(3, 15)) == 3  # A C H
    assert count(KAMENZ, day(3, 15)) == 2  # B, and E of the Dresden directory
    # Dresden: F; E of its directory is placed in Kamenz
    assert count("14612", day(3, 15)) == 1
    assert count(DRESDEN_TOWN, day(3, 15)) == 1
    assert count("08111", day(3, 15)) == 0
    assert count("", day(3, 15)) == 7  # A B C D E F H


def test_language_spoken_on_the_date(offers):
    assert count(BAUTZEN, day(3, 15), language="uk") == 4  # A B D E
    assert count(BAUTZEN, day(2, 1), language="ar") == 2  # A (until 2-15) and C
    assert count(BAUTZEN, day(3, 15), language="ar") == 1  # C
    assert count(BAUTZEN, day(3, 15), language="AR") == 1  # codes are lower case
    assert count(BAUTZEN, day(3, 15), language="fa") == 1  # H
    assert count(BAUTZEN, day(3, 15), language="ru") == 0


def test_topic_on_the_date_with_its_narrower_topics(offers):
    assert count(BAUTZEN, day(3, 15), topic="beratung") == 2  # A (Migrationsberatung) and D
    assert count(BAUTZEN, day(6, 1), topic="beratung") == 1  # A; D moved to begegnung on 4-10
    assert count(BAUTZEN, day(6, 1), topic="begegnung") == 1  # D (C closed)
    assert count(BAUTZEN, day(3, 15), topic="migrationsberatung") == 1
    assert count(BAUTZEN, day(3, 15), topic="sprache") == 1  # B's Deutschkurs
    assert count(BAUTZEN, day(3, 15), topic="beratung", language="uk") == 2
    assert count(BAUTZEN, day(3, 15), topic="begegnung", language="uk") == 0


def test_a_field_is_read_back_from_the_changes_around_the_date():
    changes = [
        Change(day(1, 10), "create", "name", "", "A"),
        Change(day(2, 1), "update", "status", "active", "inactive"),
        Change(day(3, 1), "update", "status", "inactive", "active"),
    ]
    assert created_on(changes) == day(1, 10)
    assert value_on(changes, "status", "active", day(1, 31)) == "active"
    assert value_on(changes, "status", "active", day(2, 1)) == "inactive"
    assert value_on(changes, "status", "active", day(3, 1)) == "active"
    assert value_on(changes, "email", "x@example.org", day(1, 1)) == "x@example.org"
    # a field first set after creation is no creation of the offer
    assert created_on([Change(day(5, 1), "create", "email", "", "x@example.org")]) is None


def test_bad_parameters_are_refused_when_the_indicator_is_made():
    topics_load(Taxonomy, TaxonomyTerm)
    plan = make_plan()
    computed_indicator(plan, "directory.offers", language="uk", topic="beratung")
    for params, problem in (({"topic": "gaertnern"}, "gaertnern"), ({"language": "u k"}, "u k")):
        with pytest.raises(services.MeasuresError) as error:
            computed_indicator(plan, "directory.offers", **params)
        [name] = params  # refused on the parameter's own field
        assert problem in " ".join(error.value.message_dict[f"parameters.{name}"])


def test_refresh_stores_a_value_that_reproduces(offers):
    officer = make_user(
        "municipal_officer", username="d-officer", organisation=coordinating_office()
    )
    plan = make_plan(user=officer)
    assert plan.territory_key == "14612"
    computed_indicator(plan, "directory.offers", language="uk", topic="wohnen")
    [value] = services.indicators_refresh(user=officer, plan=plan, on=day(3, 15))
    assert (value.value, value.definition_code, value.parameters, value.territory_key) == (
        1,  # F
        "directory.offers",
        {"language": "uk", "topic": "wohnen"},
        "14612",
    )
    assert recomputed(IndicatorValue.objects.get(pk=value.pk)) == value.value
