"""The data-subject export (Art. 15 GDPR) of a case of case management on its own (a person
accompanied who never was in a relocation round) and of a mentor: an AES zip under the
caseworker's password whose JSON holds every category and every marked value the database holds
about the person; only a caseworker of the organisation gets it, and the audit entry names only
the pseudonymous reference. Before, only a household's export existed."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import pyzipper
from django.test import Client
from django.urls import reverse

from accounts_helpers import login_client
from cases_helpers import caseworker, make_case, make_mentee_request, make_mentor
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.cases.models import MentorProposal
from passgenau.apps.cases.services import mentoring
from passgenau.apps.core.models import ProtectedExport
from passgenau.apps.privacy import subject_access
from pdf_helpers import assert_readable_pdf, pdf_text
from privacy_helpers import CASE_CATEGORIES, case_areas, case_file, database_text, tables_holding
from relocation_helpers import english  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PASSWORD = "correct horse battery"
TODAY = dt.date.today()
MARKER = "P6R"


def _files(client, url) -> dict[str, bytes]:
    """The files of the export (by their endings) as the user downloads and decrypts them."""
    page = client.post(url, {"password": PASSWORD, "password_again": PASSWORD})
    assert page.status_code == 302
    response = client.get(page["Location"].rstrip("/") + "/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with pyzipper.AESZipFile(io.BytesIO(response.content)) as archive:
        archive.setpassword(PASSWORD.encode())
        return {name.rsplit(".", 1)[1]: archive.read(name) for name in archive.namelist()}


def _json(client, url) -> tuple[bytes, dict]:
    content = _files(client, url)["json"]
    return content, json.loads(content)


def _every_marked_value_is_in(text: str, marker: str) -> None:
    tables = database_text()
    assert tables_holding(marker, tables), "the marker is nowhere: the check proves nothing"
    for table in tables_holding(marker, tables):
        for row in tables[table].splitlines():
            for value in row.split(" | "):
                if marker in value and not value.startswith(("{", "[")):
                    assert json.dumps(value, ensure_ascii=False)[1:-1] in text, (table, value)


def _case_url(case):
    return reverse("privacy:case_subject_access", kwargs={"pk": case.pk})


def _mentor_url(mentor):
    return reverse("privacy:mentor_subject_access", kwargs={"pk": mentor.pk})


def test_the_case_json_holds_everything_the_database_holds_about_the_person():
    worker = caseworker()
    case = make_case(worker, name=f"Mariia Hnatiuk-{MARKER}")
    case_file(case, marker=MARKER)
    case_areas(case, marker=MARKER)
    other = make_case(worker, name="Bleibt Erhalten-K8Y")
    client = login_client(Client(), worker)
    page = client.get(reverse("cases:case_detail", kwargs={"pk": case.pk})).content.decode()
    assert _case_url(case) in page

    content, document = _json(client, _case_url(case))

    assert document["format"] == subject_access.FORMAT
    assert document["case"] == case.reference
    categories = document["categories"]
    assert set(categories) == CASE_CATEGORIES
    for key in CASE_CATEGORIES - {"events"}:  # the case was never handed over or closed
        assert categories[key], key
    assert categories["case"][0]["name"] == f"Mariia Hnatiuk-{MARKER}"
    assert categories["health"][0]["needs"] == f"Insulin {MARKER}"
    _every_marked_value_is_in(content.decode(), MARKER)
    assert "K8Y" not in content.decode() and other.reference not in content.decode()


def test_the_case_pdf_is_readable_and_in_the_cases_language():
    worker = caseworker()
    case = make_case(worker, name=f"Mariia Hnatiuk-{MARKER}")
    case_file(case, marker=MARKER)
    assert case.language == "uk"

    files = _files(login_client(Client(), worker), _case_url(case))

    assert set(files) == {"json", "pdf"}
    assert_readable_pdf(files["pdf"])
    text = pdf_text(files["pdf"])
    assert case.reference in text and f"Mariia Hnatiuk-{MARKER}" in text
    assert f"Insulin {MARKER}" in text
    # headings in Ukrainian (the case's language)
    assert f"Дані про випадок {case.reference}" in text
    assert "Інформація відповідно до ст. 15 GDPR" in text
    assert "Data held about" not in text and "Daten" not in text


def test_the_mentor_json_holds_the_profile_the_pairs_and_the_meetings():
    worker = caseworker()
    mentor = make_mentor(
        worker, name=f"Oleksandra Pavlenko-{MARKER}", languages=("uk", "pl"), interests=["music"]
    )
    make_mentor(worker, name="Bleibt Erhalten-K8Y", languages=("ru",), slots=("mon_am",))
    newcomer = make_case(worker, name="Newcomer Name-Z2Z")
    make_mentee_request(newcomer, languages=["uk"])
    pair = MentorProposal.objects.get(run=mentoring.mentoring_run(actor=worker))
    for side in mentoring.SIDES:
        mentoring.mentor_proposal_accept(actor=worker, proposal=pair, side=side, on=TODAY)
    mentoring.meeting_record(actor=worker, pair=pair, on=TODAY, minutes=75, kind="in_person")
    client = login_client(Client(), worker)
    assert _mentor_url(mentor) in client.get(reverse("cases:mentoring")).content.decode()

    content, document = _json(client, _mentor_url(mentor))

    assert document["mentor"] == mentor.reference
    categories = document["categories"]
    assert set(categories) == {"mentor", "mentor_pairs", "mentor_meetings"}
    [profile] = categories["mentor"]
    assert profile["name"] == f"Oleksandra Pavlenko-{MARKER}"
    assert sorted(profile["languages"]) == ["pl", "uk"] and profile["interests"] == ["music"]
    assert categories["mentor_pairs"][0]["status"] == "accepted"
    assert categories["mentor_meetings"][0]["minutes"] == 75
    text = content.decode()
    _every_marked_value_is_in(text, MARKER)
    # nothing of the other mentor, and the newcomer only by pseudonymous codes
    assert "K8Y" not in text and "Z2Z" not in text


def test_the_downloads_are_audited_with_the_reference_only():
    worker = caseworker()
    case = make_case(worker, name=f"Mariia Hnatiuk-{MARKER}")
    mentor = make_mentor(worker, name=f"Oleksandra Pavlenko-{MARKER}")
    client = login_client(Client(), worker)
    _json(client, _case_url(case))
    _json(client, _mentor_url(mentor))
    for action, subject in (("cases.case.exported", case), ("cases.mentor.exported", mentor)):
        [entry] = AuditEntry.objects.filter(action=action)
        assert entry.object_repr == subject.reference
        assert entry.data["format"] == "zip" and entry.data["subject_access"] is True
    for entry in AuditEntry.objects.all():
        stored = json.dumps([entry.object_repr, entry.data], ensure_ascii=False)
        assert MARKER not in stored, entry.action


@pytest.mark.parametrize("role", ["coordinator", "interviewer", "funder", "lotse", "public"])
def test_other_roles_get_nothing(client_for_role, role):
    worker = caseworker("matrix-caseworker-2")
    case = make_case(worker)
    mentor = make_mentor(worker)
    client = client_for_role(role)
    expected = {302} if role == "public" else {403, 404}
    form = {"password": PASSWORD, "password_again": PASSWORD}
    for url in (_case_url(case), _mentor_url(mentor)):
        assert client.get(url).status_code in expected
        assert client.post(url, form).status_code in expected
    assert not ProtectedExport.objects.exists()


def test_another_organisations_caseworker_gets_not_found():
    from funding_helpers import organisation

    worker = caseworker()
    case = make_case(worker)
    mentor = make_mentor(worker)
    stranger = login_client(Client(), caseworker("stranger", organisation("Caritas", "provider")))
    form = {"password": PASSWORD, "password_again": PASSWORD}
    for url in (_case_url(case), _mentor_url(mentor)):
        assert stranger.get(url).status_code == 404
        assert stranger.post(url, form).status_code == 404
    assert not ProtectedExport.objects.exists()
