"""The explanation of a proposal names capacities in the reader's words: no engine dimension
(``slot:mon_am``, ``week:minutes``, ``households``) is shown as such on a run's page, in any
of the three areas; every dimension an area's sites give has a label of its own."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from cases_helpers import (
    caseworker,
    make_case,
    make_district,
    make_flat,
    make_housing_request,
    make_mediation_request,
    make_mediator,
    make_mentee_request,
    make_mentor,
    next_weekday,
)
from passgenau.apps.cases.models import SLOT_CHOICES, SLOTS, EngineRun, Programme
from passgenau.apps.cases.services import housing, mediation, mentoring
from passgenau.apps.cases.services.mediation import MINUTES
from passgenau.apps.cases.wording import dimension_label

pytestmark = pytest.mark.django_db

MONDAY = next_weekday(0)
RAW = re.compile(r"slot:[a-z]|week:[a-z]|\bhouseholds\b|barrier_free|\bpersons\b")


def _why(client, name: str, run: EngineRun) -> str:
    page = client.get(reverse(name, args=[run.pk])).content.decode()
    whys = re.findall(r'<details class="rl-explain">.*?</details>', page, flags=re.S)
    assert whys
    return "\n".join(whys)


def test_a_full_half_day_and_full_hours_are_named_in_german(caseworker_client):
    """Failed before: the alternative's reason read "keine slot:mon_am mehr frei (1 von 1)"
    and "keine week:minutes mehr frei (60 von 60)"."""
    actor = caseworker()
    district = make_district(actor, "Grünau")
    # Near works in the appointments' district, free on Monday mornings only, one hour a week
    make_mediator(actor, name="Near", slots=["mon_am"], hours_a_week=1, districts=[district])
    make_mediator(actor, name="Other")
    for name in ("A", "B"):
        make_mediation_request(make_case(actor, name=name), on=MONDAY, district=district)
    run = mediation.mediation_run(actor=actor)
    text = _why(caseworker_client, "cases:mediation_run_detail", run)
    assert not RAW.search(text), text
    assert "Montag Vormittag" in text and "Minuten in der Woche" in text, text


def test_a_full_mentor_is_named_in_german(caseworker_client):
    """Failed before: "keine households mehr frei (1 von 1)"."""
    actor = caseworker()
    make_mentor(actor, name="Liked", interests=["football"])
    make_mentor(actor, name="Other")
    for name in ("A", "B"):
        make_mentee_request(make_case(actor, name=name), interests=["football"])
    run = mentoring.mentoring_run(actor=actor)
    text = _why(caseworker_client, "cases:mentoring_run_detail", run)
    assert not RAW.search(text), text
    assert "Plätze für Neue" in text, text


def test_a_taken_flat_is_named_in_german(caseworker_client):
    """Failed before: "keine households mehr frei (1 von 1)"."""
    actor = caseworker()
    district = make_district(actor, "Grünau")
    make_flat(actor, district=district, address="Wanted 1", school_nearby=True)
    make_flat(actor, district=district, address="Other 2", school_nearby=False)
    for name in ("A", "B"):
        make_housing_request(make_case(actor, name=name), school_children=1)
    run = housing.allocation_run(actor=actor)
    text = _why(caseworker_client, "cases:housing_run_detail", run)
    assert not RAW.search(text), text
    assert "Haushalte in der Wohnung" in text, text


@pytest.mark.parametrize("language", ["de", "uk", "ru"])
def test_every_dimension_of_every_area_has_a_label(language):
    dimensions = {
        Programme.HOUSING: ["households", "persons", "barrier_free"],
        Programme.MENTORING: ["households"],
        Programme.MEDIATION: ["households", MINUTES, *(f"slot:{s}" for s in SLOTS)],
    }
    with translation.override(language):
        for programme, names in dimensions.items():
            labels = [dimension_label(programme, name) for name in names]
            assert all(label != name and ":" not in label for label, name in zip(labels, names))
            assert len(set(labels)) == len(labels)
        # a half-day is named as the free times are
        assert dimension_label(Programme.MEDIATION, "slot:tue_pm") == str(
            dict(SLOT_CHOICES)["tue_pm"]
        )


def test_the_sites_give_no_dimension_without_a_label():
    """The dimensions the areas' sites actually give are among those labelled."""
    actor = caseworker()
    district = make_district(actor, "Grünau")
    make_flat(actor, district=district)
    make_mentor(actor)
    make_mediator(actor, hours_a_week=3)
    request = make_mediation_request(make_case(actor), on=MONDAY + dt.timedelta(1))
    sites = {
        Programme.HOUSING: housing.HOUSING.sites(actor.organisation_id, []),
        Programme.MENTORING: mentoring.MENTORING.sites(actor.organisation_id, []),
        Programme.MEDIATION: mediation.MEDIATION.sites(actor.organisation_id, [request]),
    }
    with translation.override("de"):
        for programme, found in sites.items():
            assert found
            for site in found:
                for dimension in site.profile.capacity:
                    assert dimension_label(programme, dimension) != dimension
