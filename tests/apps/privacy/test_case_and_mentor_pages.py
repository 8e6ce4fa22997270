"""The erasure pages and API operations for a case of case management and for a mentor: the
confirmation says what goes and what stays, a reason code and the confirmation are asked, the
erasure is audited with the pseudonymous reference only, and other organisations' caseworkers
find nothing. Before, both could be erased only by calling the service."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from accounts_helpers import login_client
from cases_helpers import caseworker, make_case, make_mentee_request, make_mentor
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.cases.models import Case, HourEntry, Mentor, MentorProposal
from passgenau.apps.cases.services import mentoring
from relocation_helpers import english  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
API = "/api/v1/privacy"
TODAY = dt.date.today()
NAME = "Mariia Hnatiuk-P5Q"
MENTOR = "Oleksandra Pavlenko-W4V"


def _client(user) -> Client:
    return login_client(Client(), user)


def _post(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def _no_name_in_the_trail(*names: str) -> None:
    for entry in AuditEntry.objects.all():
        text = json.dumps([entry.object_repr, entry.data], ensure_ascii=False)
        for name in names:
            assert name not in text, entry.action


def _paired_mentor(actor, *, ended=True):
    mentor = make_mentor(actor, name=MENTOR)
    make_mentee_request(make_case(actor))
    pair = MentorProposal.objects.get(run=mentoring.mentoring_run(actor=actor))
    for side in mentoring.SIDES:
        mentoring.mentor_proposal_accept(actor=actor, proposal=pair, side=side, on=TODAY)
    if ended:
        mentoring.pair_end(actor=actor, pair=pair, on=TODAY)
    return mentor


def test_the_case_page_offers_the_erasure_to_its_caseworkers():
    actor = caseworker()
    case = make_case(actor, name=NAME)
    page = _client(actor).get(reverse("cases:case_detail", kwargs={"pk": case.pk}))
    assert reverse("privacy:case_erase", kwargs={"pk": case.pk}) in page.content.decode()


def test_erasing_a_case_needs_a_reason_and_the_confirmation():
    actor = caseworker()
    case = make_case(actor, name=NAME)
    client = _client(actor)
    url = reverse("privacy:case_erase", kwargs={"pk": case.pk})
    page = client.get(url).content.decode()
    assert case.reference in page and "What remains" in page and "Consents: 6" in page
    assert "csrfmiddlewaretoken" in page and 'method="post"' in page
    assert client.post(url, {"reason": "request"}).status_code == 200
    assert client.post(url, {"reason": "", "confirm": "on"}).status_code == 200
    assert Case.objects.filter(pk=case.pk).exists()

    response = client.post(url, {"reason": "request", "confirm": "on"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("cases:caseload")
    assert f"Case {case.reference} was erased" in response.content.decode()
    assert not Case.objects.filter(pk=case.pk).exists()
    assert client.get(url).status_code == 404
    entry = AuditEntry.objects.get(action="cases.case.erased")
    assert entry.object_repr == case.reference
    assert entry.data == {"reason": "request", "kept_for_billing": False}
    _no_name_in_the_trail(NAME, "Hnatiuk")


def test_the_erasure_needs_the_csrf_token():
    actor = caseworker()
    case = make_case(actor, name=NAME)
    client = login_client(Client(enforce_csrf_checks=True), actor)
    url = reverse("privacy:case_erase", kwargs={"pk": case.pk})
    assert client.post(url, {"reason": "request", "confirm": "on"}).status_code == 403
    assert Case.objects.filter(pk=case.pk).exists()


def test_a_case_with_billed_hours_keeps_them_under_its_reference():
    from cases_helpers import matrix_objects

    case, contract = matrix_objects()[:2]
    actor = case.caseworker
    client = _client(actor)
    url = reverse("privacy:case_erase", kwargs={"pk": case.pk})
    page = client.get(url).content.decode()
    assert "stays as a pseudonymous accounting record" in page

    response = client.post(url, {"reason": "not_needed", "confirm": "on"})

    assert response.status_code == 302
    shell = Case.objects.get(pk=case.pk)
    assert shell.name == shell.reference
    assert HourEntry.objects.filter(case=shell, contract=contract).exists()
    entry = AuditEntry.objects.get(action="cases.case.erased")
    assert entry.data == {"reason": "not_needed", "kept_for_billing": True}


def test_another_organisations_case_and_mentor_are_not_found(user_for_role):
    from funding_helpers import organisation

    actor = caseworker()
    case = make_case(actor, name=NAME)
    mentor = make_mentor(actor, name=MENTOR)
    stranger = _client(caseworker("stranger", organisation("Caritas", "provider")))
    for kind, obj in (("case", case), ("mentor", mentor)):
        url = reverse(f"privacy:{kind}_erase", kwargs={"pk": obj.pk})
        assert stranger.get(url).status_code == 404
        assert stranger.post(url, {"reason": "request", "confirm": "on"}).status_code == 404
        api = f"{API}/{kind}s/{obj.pk}/erasure"
        assert _post(stranger, api, {"reason": "request"}).status_code == 404
    interviewer = _client(user_for_role("interviewer"))
    assert (
        _post(interviewer, f"{API}/cases/{case.pk}/erasure", {"reason": "request"}).status_code
        == 403
    )
    assert Case.objects.filter(pk=case.pk).exists()
    assert Mentor.objects.get(pk=mentor.pk).name == MENTOR


def test_the_api_erases_a_case():
    actor = caseworker()
    case = make_case(actor, name=NAME)
    client = _client(actor)
    url = f"{API}/cases/{case.pk}/erasure"
    response = _post(client, url, {"reason": "bored"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "reason"]
    response = _post(client, url, {"reason": "in_error"})
    assert response.status_code == 200
    assert response.json() == {"reference": case.reference, "reason": "in_error"}
    assert not Case.objects.filter(pk=case.pk).exists()
    assert _post(client, url, {"reason": "in_error"}).status_code == 404


def test_erasing_a_mentor_on_the_page():
    actor = caseworker()
    mentor = _paired_mentor(actor)
    client = _client(actor)
    overview = client.get(reverse("cases:mentoring")).content.decode()
    url = reverse("privacy:mentor_erase", kwargs={"pk": mentor.pk})
    assert url in overview
    page = client.get(url).content.decode()
    assert mentor.reference in page and "1 proposal or pair and 0 meetings" in page
    assert client.post(url, {"reason": "request"}).status_code == 200
    assert Mentor.objects.get(pk=mentor.pk).name == MENTOR

    response = client.post(url, {"reason": "request", "confirm": "on"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("cases:mentoring")
    assert f"mentor {mentor.reference} were erased" in response.content.decode()
    mentor.refresh_from_db()
    assert mentor.name == mentor.reference and not mentor.languages
    assert MentorProposal.objects.filter(mentor=mentor).count() == 1
    entry = AuditEntry.objects.get(action="cases.mentor.erased")
    assert entry.object_repr == mentor.reference and entry.data == {"reason": "request"}
    _no_name_in_the_trail(MENTOR, "Pavlenko")


def test_a_mentor_with_an_open_pair_is_not_erased():
    actor = caseworker()
    mentor = _paired_mentor(actor, ended=False)
    client = _client(actor)
    url = reverse("privacy:mentor_erase", kwargs={"pk": mentor.pk})
    assert "end it first" in client.get(url).content.decode()
    response = client.post(url, {"reason": "request", "confirm": "on"})
    assert response.status_code == 200 and "end it first" in response.content.decode()
    response = _post(client, f"{API}/mentors/{mentor.pk}/erasure", {"reason": "request"})
    assert response.status_code == 409
    assert Mentor.objects.get(pk=mentor.pk).name == MENTOR


def test_the_api_erases_a_mentor():
    actor = caseworker()
    mentor = _paired_mentor(actor)
    client = _client(actor)
    url = f"{API}/mentors/{mentor.pk}/erasure"
    response = _post(client, url, {"reason": "consent_withdrawn"})
    assert response.status_code == 200
    assert response.json() == {"reference": mentor.reference, "reason": "consent_withdrawn"}
    assert Mentor.objects.get(pk=mentor.pk).name == mentor.reference


def _export(client, url):
    form = {"password": "correct horse battery", "password_again": "correct horse battery"}
    assert client.post(url, form).status_code == 302


def test_the_erasure_takes_the_waiting_subject_exports_with_it():
    """An export made before the erasure would hand out the erased data until it expires."""
    from passgenau.apps.core.models import ProtectedExport

    actor = caseworker()
    case, kept = make_case(actor, name=NAME), make_case(actor, name="Bleibt Erhalten")
    mentor = _paired_mentor(actor)
    client = _client(actor)
    for kind, obj in (("case", case), ("case", kept), ("mentor", mentor)):
        _export(client, reverse(f"privacy:{kind}_subject_access", kwargs={"pk": obj.pk}))
    assert ProtectedExport.objects.count() == 3

    _post(client, f"{API}/cases/{case.pk}/erasure", {"reason": "request"})
    _post(client, f"{API}/mentors/{mentor.pk}/erasure", {"reason": "request"})

    [left] = ProtectedExport.objects.all()
    assert left.filename == f"{kept.reference}-subject-access.zip"
