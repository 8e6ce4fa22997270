"""The data-subject export (Art. 15 GDPR): the JSON holds every category of a household that went
through everything (every marked value the database holds about it, the case taken over from it
included), the PDF is readable and in the household's language, only the household's
interviewers get it, and the audit entry names only the reference."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.privacy import subject_access
from pdf_helpers import assert_readable_pdf, pdf_text
from privacy_helpers import database_text, lived_household, tables_holding

pytestmark = pytest.mark.django_db

CATEGORIES = {
    "household",
    "members",
    "contact",
    "consents",
    "interview",
    "health_needs",
    "proposals",
    "decisions",
    "reasons",
    "travel",
    "arrival",
    "surveys",
    "access_log",
}
CASE_CATEGORIES = {
    "case",
    "consents",
    "events",
    "health",
    "goals",
    "steps",
    "plan_versions",
    "referrals",
    "notes",
    "hours",
    "housing_requests",
    "flat_proposals",
    "mentee_requests",
    "mentor_pairs",
    "mentor_meetings",
    "mediation_requests",
    "mediator_proposals",
}


def _url(household, fmt):
    return reverse("privacy:household_subject_access", kwargs={"pk": household.pk, "fmt": fmt})


def test_the_json_holds_every_category_and_everything_the_database_holds_about_the_household(
    interviewer_client,
):
    lived = lived_household(marker="Q7X", control_marker="K8Y")
    response = interviewer_client.get(_url(lived.household, "json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = json.loads(response.content)
    assert document["format"] == subject_access.FORMAT
    assert document["household"] == lived.household.reference
    categories = document["categories"]
    assert set(categories) == CATEGORIES
    for key in CATEGORIES - {"reasons"}:  # no reason was given for a decision
        assert categories[key], key
    assert categories["contact"][0]["contact_name"] == "Зоряна Вербицька-Q7X"
    assert categories["health_needs"][0]["needs"] == ["diabetes"]
    assert categories["health_needs"][0]["needs_notes"] == "Insulin morgens und abends Q7X"
    assert "needs" not in categories["interview"][0]
    assert "household" not in categories["members"][0]
    assert {d["side"] for d in categories["decisions"]} == {"municipality", "household"}
    assert categories["surveys"][0]["answers"]["comment"] == "Zufrieden mit der Wohnung Q7X"
    [case] = document["cases"]
    assert case["case"] == lived.case.reference
    assert set(case["categories"]) == CASE_CATEGORIES
    assert case["categories"]["health"][0]["needs"] == "Insulin Q7X"
    assert case["categories"]["plan_versions"]
    # every table that holds a marked value of the household is in the export, and so is every
    # marked value; the other household of the round is not
    text = response.content.decode()
    tables = database_text()
    for table in tables_holding("Q7X", tables):
        for row in tables[table].splitlines():
            for value in row.split(" | "):
                if "Q7X" in value and not value.startswith(("{", "[")):
                    assert json.dumps(value, ensure_ascii=False)[1:-1] in text, (table, value)
    assert "K8Y" not in text


def test_the_pdf_is_readable_and_in_the_households_language(interviewer_client):
    lived = lived_household(marker="Q7X", control_marker="K8Y")
    assert lived.household.language == "uk"
    response = interviewer_client.get(_url(lived.household, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert_readable_pdf(response.content)
    text = pdf_text(response.content)
    assert lived.household.reference in text
    assert "Зоряна Вербицька-Q7X" in text
    assert "Insulin morgens und abends Q7X" in text
    # headings and labels in Ukrainian (the household's language), the needs by their names
    assert "Дані про домогосподарство" in text
    assert "ім'я контактної особи".capitalize() in text
    assert "Diabetes" not in text  # the code is shown by its Ukrainian label
    assert "Data held about" not in text and "Daten" not in text


def test_a_household_in_a_language_the_application_does_not_speak_gets_german(
    interviewer_client,
):
    from relocation_helpers import make_round, register

    household = register(make_round(), language="pl")
    text = pdf_text(interviewer_client.get(_url(household, "pdf")).content)
    assert "Daten über den Haushalt" in text


@pytest.mark.parametrize("role", ["coordinator", "municipal_officer", "caseworker", "public"])
def test_other_roles_get_nothing(client_for_role, role):
    from relocation_helpers import make_round, register

    household = register(make_round())
    response = client_for_role(role).get(_url(household, "json"))
    assert response.status_code in ({302} if role == "public" else {403, 404})


def test_another_organisations_interviewer_gets_not_found(client_for_role):
    from accounts_helpers import login_client, make_user
    from relocation_helpers import make_round, municipality, register

    household = register(make_round())
    other = make_user("interviewer", username="ngo-2", organisation=municipality("NGO 2"))
    client = login_client(client_for_role("public"), other)
    assert client.get(_url(household, "json")).status_code == 404
    assert client.get(_url(household, "pdf")).status_code == 404


def test_an_unknown_format_is_not_found(interviewer_client):
    from relocation_helpers import make_round, register

    household = register(make_round())
    assert interviewer_client.get(_url(household, "xml")).status_code == 404


def test_the_download_is_audited_with_the_reference_only(interviewer_client):
    lived = lived_household(marker="Q7X", control_marker="K8Y")
    interviewer_client.get(_url(lived.household, "pdf"))
    [entry] = AuditEntry.objects.filter(action="relocation.household.exported")
    assert entry.object_repr == lived.household.reference
    assert entry.data == {"format": "pdf", "subject_access": True}
    stored = json.dumps(
        [entry.object_repr, entry.data, entry.actor_repr], ensure_ascii=False
    ).lower()
    for personal in ("q7x", "зоряна", "insulin"):
        assert personal not in stored


def test_the_household_page_offers_the_export_to_its_interviewers_only(
    interviewer_client, coordinator_client
):
    from relocation_helpers import make_round, register

    household = register(make_round())
    page = reverse("relocation:household_detail", kwargs={"pk": household.pk})
    assert _url(household, "pdf") in interviewer_client.get(page).content.decode()
    assert _url(household, "pdf") not in coordinator_client.get(page).content.decode()
