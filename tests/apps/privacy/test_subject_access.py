"""The data-subject export (Art. 15 GDPR): an AES zip under the interviewer's password whose JSON
holds every category of a household that went through everything (every marked value the database
holds about it, the case taken over from it included), whose PDF is readable and in the household's
language; only the household's interviewers get it, and the audit entry names only the
reference."""

from __future__ import annotations

import io
import json

import pytest
import pyzipper
from django.urls import reverse

from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.privacy import subject_access
from pdf_helpers import assert_readable_pdf, pdf_text
from privacy_helpers import CASE_CATEGORIES, database_text, lived_household, tables_holding

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
    "corrections",
    "access_log",
}


PASSWORD = "correct horse battery"


def _url(household):
    return reverse("privacy:household_subject_access", kwargs={"pk": household.pk})


def _download(client, household):
    page = client.post(_url(household), {"password": PASSWORD, "password_again": PASSWORD})
    assert page.status_code == 302
    response = client.get(page["Location"].rstrip("/") + "/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return response.content


def _open(content, fmt):
    with pyzipper.AESZipFile(io.BytesIO(content)) as archive:
        archive.setpassword(PASSWORD.encode())
        [name] = [n for n in archive.namelist() if n.endswith(f".{fmt}")]
        return archive.read(name)


def test_the_json_holds_every_category_and_everything_the_database_holds_about_the_household(
    interviewer_client,
):
    lived = lived_household(marker="Q7X", control_marker="K8Y")
    content = _open(_download(interviewer_client, lived.household), "json")
    document = json.loads(content)
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
    text = content.decode()
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
    content = _open(_download(interviewer_client, lived.household), "pdf")
    assert_readable_pdf(content)
    text = pdf_text(content)
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
    text = pdf_text(_open(_download(interviewer_client, household), "pdf"))
    assert "Daten über den Haushalt" in text


@pytest.mark.parametrize("role", ["coordinator", "municipal_officer", "caseworker", "public"])
def test_other_roles_get_nothing(client_for_role, role):
    from relocation_helpers import make_round, register

    household = register(make_round())
    client = client_for_role(role)
    expected = {302} if role == "public" else {403, 404}
    assert client.get(_url(household)).status_code in expected
    form = {"password": PASSWORD, "password_again": PASSWORD}
    response = client.post(_url(household), form)
    assert response.status_code in expected
    if role == "public":
        assert "/accounts/login" in response["Location"]
    from passgenau.apps.core.models import ProtectedExport

    assert not ProtectedExport.objects.exists()


def test_another_organisations_interviewer_gets_not_found(client_for_role):
    from accounts_helpers import login_client, make_user
    from relocation_helpers import make_round, municipality, register

    household = register(make_round())
    other = make_user("interviewer", username="ngo-2", organisation=municipality("NGO 2"))
    client = login_client(client_for_role("public"), other)
    assert client.get(_url(household)).status_code == 404
    form = {"password": PASSWORD, "password_again": PASSWORD}
    assert client.post(_url(household), form).status_code == 404


@pytest.mark.parametrize(
    ("password", "again", "field"),
    [("short pass", "short pass", "password"), (PASSWORD, PASSWORD + "x", "password_again")],
)
def test_a_short_or_mistyped_password_is_a_form_error(interviewer_client, password, again, field):
    from passgenau.apps.core.models import ProtectedExport
    from relocation_helpers import make_round, register

    household = register(make_round())
    response = interviewer_client.post(
        _url(household), {"password": password, "password_again": again}
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not ProtectedExport.objects.exists()


def test_the_download_is_audited_with_the_reference_only(interviewer_client):
    lived = lived_household(marker="Q7X", control_marker="K8Y")
    _download(interviewer_client, lived.household)
    [entry] = AuditEntry.objects.filter(action="relocation.household.exported")
    assert entry.object_repr == lived.household.reference
    assert entry.data["format"] == "zip" and entry.data["subject_access"] is True
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
    assert _url(household) in interviewer_client.get(page).content.decode()
    assert _url(household) not in coordinator_client.get(page).content.decode()
