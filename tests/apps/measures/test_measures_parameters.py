"""A computed indicator's parameters chosen on the indicator form and in the API: per definition
the parameters it accepts, lists where the values are a known set (languages, topics, goal areas,
the programmes, grants and contracts the user sees), refused by field, stored with the indicator,
named in words on the indicator's page and in the council's report, and the value stored at a
refresh computed again from what was stored."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts_helpers import login_client, make_user
from funding_helpers import make_grant, make_programme, organisation
from measures_helpers import (
    computed_indicator,
    coordinating_office,
    dresden,
    make_plan,
    recomputed,
    role_organisation,
)
from passgenau.apps.measures import indicators, selectors, services
from passgenau.apps.measures.forms import parameter_field
from passgenau.apps.measures.models import Indicator

pytestmark = pytest.mark.django_db

API = "/api/v1/measures/"


@pytest.fixture
def officer():
    return make_user("municipal_officer", username="p-officer", organisation=coordinating_office())


@pytest.fixture
def officer_client(client, officer):
    return login_client(client, officer)


@pytest.fixture
def city_offers():
    """The shipped topics and three offers of Dresden's directory, made today: Arabic on housing,
    Ukrainian on housing, Arabic on counselling."""
    from passgenau.apps.directory.models import Directory, Service, Taxonomy, TaxonomyTerm
    from passgenau.apps.directory.services.offers import service_apply
    from passgenau.apps.directory.topics import topics_load

    topics_load(Taxonomy, TaxonomyTerm)
    directory = Directory.objects.create(name="Dresden", slug="dresden", kreis=dresden())
    for name, language, topic in (
        ("Wohnungssuche", "ar", "wohnen"),
        ("Mieterberatung", "uk", "wohnen"),
        ("Migrationsberatung", "ar", "beratung"),
    ):
        service_apply(
            service=Service(directory=directory, name=""),
            fields={"name": name, "languages": [language], "topics": [topic]},
            actor=None,
        )


def _post(client, plan, **fields):
    data = {"name": "Angebote auf Arabisch", "area": plan.areas.first().pk, **fields}
    return client.post(reverse("measures:indicator_create", args=[plan.pk]), data)


def _field(code: str, name: str) -> str:
    return parameter_field(code, name)


# --- the form -------------------------------------------------------------------------------


def test_the_form_offers_each_definitions_parameters_with_their_choices(officer_client, officer):
    plan = make_plan(user=officer)
    page = officer_client.get(reverse("measures:indicator_create", args=[plan.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    # one group per definition that takes parameters, each field labelled
    assert 'data-definition="directory.offers"' in html
    assert 'data-definition="cases.goals_reached"' in html
    assert 'data-definition="relocation.households_received"' not in html  # takes none
    form = page.context["form"]
    language = form.fields[_field("directory.offers", "language")]
    assert ("ar", "Arabisch (العربية)") in language.choices
    area = form.fields[_field("cases.goals_reached", "area")]
    assert ("housing", "Wohnen") in area.choices
    wave = form.fields[_field("relocation.followups_completed", "wave")]
    assert [v for v, _label in wave.choices] == ["", "1", "6", "12"]
    assert f'<label for="id_{_field("directory.offers", "topic")}">Thema</label>' in html
    # without JavaScript every group shows, with a note; the script hides the others
    assert 'id="parameters-note"' in html and "measures/indicator_form.js" in html


def test_parameters_chosen_on_the_form_are_stored_and_the_value_reproduces(
    officer_client, officer, city_offers
):
    plan = make_plan(user=officer)
    response = _post(
        officer_client,
        plan,
        definition_code="directory.offers",
        **{
            _field("directory.offers", "language"): "ar",
            _field("directory.offers", "topic"): "wohnen",
            # another definition's field left empty, as the page sends it
            _field("cases.goals_reached", "area"): "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    indicator = Indicator.objects.get(plan=plan)
    assert indicator.parameters == {"language": "ar", "topic": "wohnen"}
    [value] = services.indicators_refresh(user=officer, plan=plan)
    assert value.value == 1  # Wohnungssuche only
    assert value.parameters == {"language": "ar", "topic": "wohnen"}
    assert recomputed(value) == value.value
    # named in words on the indicator's page (German, the default)
    page = officer_client.get(reverse("measures:indicator_value", args=[indicator.pk]))
    text = page.content.decode()
    expected = "Aktive Angebote im Angebotsverzeichnis – Sprache: Arabisch, Thema: Wohnen"
    assert expected in text
    plan_page = officer_client.get(plan.get_absolute_url()).content.decode()
    assert expected in plan_page


def test_wrong_parameters_on_the_form_are_refused_on_their_field(officer_client, officer):
    plan = make_plan(user=officer)
    language = _field("directory.offers", "language")
    area = _field("cases.goals_reached", "area")
    response = _post(
        officer_client,
        plan,
        definition_code="directory.offers",
        **{language: "xx", area: "housing"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {language, area}
    assert "Arabisch" not in errors[language][0]  # Django's "not one of the choices"
    assert "Angebotsverzeichnis" not in errors[area][0] and "Ziele" in errors[area][0]
    assert not Indicator.objects.exists()
    html = response.content.decode()
    assert 'role="alert"' in html


def test_the_definitions_own_check_answers_on_the_parameters_field(officer_client, officer):
    """A parameter without a list is typed; the definition's check refuses it on that field."""
    plan = make_plan(user=officer)
    definition = indicators.Definition(
        "test.threshold",
        "Über einer Schwelle",
        "Fälle",
        lambda scope, params: int(params.get("above", 0)),
        parameters=(indicators.Parameter("above", "Schwelle"),),
        check=indicators.whole_numbers("above"),
    )
    indicators.register(definition)
    try:
        field = _field("test.threshold", "above")
        response = _post(officer_client, plan, definition_code="test.threshold", **{field: "viele"})
        assert response.status_code == 200
        assert response.context["form"].errors == {field: ["Geben Sie die Nummer an, nicht viele."]}
        response = _post(officer_client, plan, definition_code="test.threshold", **{field: "7"})
        assert response.status_code == 302
        [value] = services.indicators_refresh(user=officer, plan=plan)
        assert value.value == 7 and recomputed(value) == 7
    finally:
        indicators.REGISTRY.pop("test.threshold")


def test_only_grants_and_programmes_the_user_sees_are_offered(officer_client, officer):
    plan = make_plan(user=officer)
    named = make_grant(programme=make_programme(name="Landesprogramm Integration"))
    other = make_grant(
        programme=make_programme(name="Fremdes Programm"),
        recipient=organisation("Andere Stadt", "municipality"),
    )
    measure = plan.measures.get(code="1.1")
    measure.grant = named
    measure.save(update_fields=["grant"])
    form = officer_client.get(reverse("measures:indicator_create", args=[plan.pk])).context["form"]
    grants = {v for v, _label in form.fields[_field("funding.paid", "grant")].choices}
    assert grants == {"", str(named.pk)}  # the municipal officer sees none but the plan's
    programmes = dict(form.fields[_field("funding.paid", "programme")].choices)
    assert set(programmes.values()) == {"(nicht gesetzt)", "Landesprogramm Integration"}
    grant = _field("funding.paid", "grant")
    response = _post(officer_client, plan, definition_code="funding.paid", **{grant: other.pk})
    assert set(response.context["form"].errors) == {grant}
    # the funder, in the steering group, sees its own programmes' grants
    funder = make_user("funder", username="p-funder", organisation=other.programme.funder)
    actor = services.actor_get_or_create(plan=plan, name=other.programme.funder.name)
    actor.organisation, actor.coordinates = other.programme.funder, True
    actor.save()
    from django.test import Client

    form = (
        login_client(Client(), funder)
        .get(reverse("measures:indicator_create", args=[plan.pk]))
        .context["form"]
    )
    grants = {v for v, _label in form.fields[_field("funding.paid", "grant")].choices}
    assert {str(named.pk), str(other.pk)} <= grants


# --- the API --------------------------------------------------------------------------------


def _api_post(client, plan, **payload):
    body = {"name": "Ziele Wohnen", "area_id": plan.areas.first().pk, **payload}
    return client.post(
        f"{API}plans/{plan.pk}/indicators", data=json.dumps(body), content_type="application/json"
    )


def test_the_api_lists_definitions_with_their_parameters_and_choices(officer_client, officer):
    plan = make_plan(user=officer)
    grant = make_grant()
    plan.measures.filter(code="1.1").update(grant=grant)
    found = officer_client.get(f"{API}definitions", {"plan": plan.pk}).json()
    by_code = {d["code"]: d for d in found}
    offers = by_code["directory.offers"]["parameters"]
    assert [p["name"] for p in offers] == ["language", "topic"]
    assert {"value": "ar", "label": "Arabisch (العربية)"} in offers[0]["choices"]
    [grant_parameter] = [p for p in by_code["funding.paid"]["parameters"] if p["name"] == "grant"]
    assert grant_parameter["choices"] == [{"value": str(grant.pk), "label": str(grant)}]
    # without a plan, only what the user sees itself (a municipal officer: no grant)
    found = officer_client.get(f"{API}definitions").json()
    funding = next(d for d in found if d["code"] == "funding.paid")
    assert next(p for p in funding["parameters"] if p["name"] == "grant")["choices"] == []
    assert officer_client.get(f"{API}definitions", {"plan": 999999}).status_code == 404


def test_the_api_creates_an_indicator_with_parameters(officer_client, officer, city_offers):
    plan = make_plan(user=officer)
    response = _api_post(
        officer_client,
        plan,
        name="Angebote Arabisch Wohnen",
        target="5",
        definition_code="directory.offers",
        parameters={"language": "ar", "topic": "wohnen"},
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["parameters"] == {"language": "ar", "topic": "wohnen"}
    assert created["definition"] == (
        "Aktive Angebote im Angebotsverzeichnis – Sprache: Arabisch, Thema: Wohnen"
    )
    assert created["target"] == "5.00"
    refreshed = officer_client.post(f"{API}plans/{plan.pk}/indicators/refresh")
    assert refreshed.json()["values"] == 1
    detail = officer_client.get(f"{API}plans/{plan.pk}").json()
    [shown] = [i for a in detail["areas"] for i in a["indicators"]]
    assert (shown["latest_value"], shown["parameters"]) == ("1.00", created["parameters"])
    value = Indicator.objects.get(pk=created["id"]).values.get()
    assert recomputed(value) == value.value == 1
    # a number may be sent as a number: the follow-up wave
    response = _api_post(
        officer_client,
        plan,
        definition_code="relocation.followups_completed",
        parameters={"wave": 6},
    )
    assert response.status_code == 201 and response.json()["parameters"] == {"wave": "6"}
    assert "nach 6 Monaten" in response.json()["definition"]


@pytest.mark.parametrize(
    ("code", "parameters", "loc"),
    [
        ("cases.goals_reached", {"area": "garden"}, ["body", "parameters", "area"]),
        ("cases.hours_delivered", {"contract": "first"}, ["body", "parameters", "contract"]),
        ("directory.offers", {"language": "u k"}, ["body", "parameters", "language"]),
        ("funding.paid", {"grant": "999999"}, ["body", "parameters", "grant"]),
        ("funding.paid", {"colour": "red"}, ["body", "parameters"]),
        ("", {"wave": "1"}, ["body", "parameters"]),
    ],
)
def test_the_api_refuses_wrong_parameters_by_field(officer_client, officer, code, parameters, loc):
    plan = make_plan(user=officer)
    response = _api_post(officer_client, plan, definition_code=code, parameters=parameters)
    assert response.status_code == 422, response.content
    assert [item["loc"] for item in response.json()["detail"]] == [loc]
    assert not Indicator.objects.exists()


def test_the_api_refuses_an_area_of_another_plan_and_callers_who_do_not_coordinate(officer):
    from django.test import Client

    plan = make_plan(user=officer)
    other = make_plan(name="Anderer Plan", user=officer)
    client = login_client(Client(), officer)
    response = _api_post(client, plan, area_id=other.areas.first().pk)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "area_id"]
    provider = make_user(
        "provider", username="p-provider", organisation=role_organisation("provider")
    )
    response = _api_post(login_client(Client(), provider), plan)
    assert response.status_code == 403


# --- in words, and in the report ------------------------------------------------------------


def test_each_apps_parameters_are_named_in_words(officer):
    grant = make_grant()
    with translation.override("de"):
        assert indicators.describe("cases.goals_reached", {"area": "language"}) == (
            "Erreichte Ziele (Integrationspläne) – Bereich des Integrationsplans: Sprache"
        )
        assert indicators.describe("funding.paid", {"grant": str(grant.pk)}).endswith(
            f"Zuwendung: {grant}"
        )
        assert indicators.describe("relocation.followups_in_work", {"wave": "12"}).endswith(
            "Befragungswelle: nach 12 Monaten"
        )
        assert indicators.describe("directory.offers", {"language": "ti"}).endswith(
            "Sprache: Tigrinya"
        )
        assert indicators.describe("directory.offers") == "Aktive Angebote im Angebotsverzeichnis"
    assert indicators.describe("") == ""


def test_the_report_names_the_definition_and_its_parameters(officer, city_offers):
    from docx import Document

    from passgenau.apps.measures import reports
    from pdf_helpers import pdf_text

    plan = make_plan(user=officer)
    computed_indicator(plan, "directory.offers", name="Angebote auf Arabisch", language="ar")
    services.indicators_refresh(user=officer, plan=plan)
    with translation.override("de"):
        progress = selectors.plan_progress(plan=plan, as_of=timezone.localdate())
        docx = Document(io.BytesIO(reports.report_docx(progress)))
        pdf = pdf_text(reports.report_pdf(progress))
    paragraphs = "\n".join(p.text for p in docx.paragraphs)
    words = "berechnet: Aktive Angebote im Angebotsverzeichnis – Sprache: Arabisch"
    assert words in paragraphs
    assert words.replace("–", "-") in " ".join(pdf.split())
