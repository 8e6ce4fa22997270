"""The erasure pages and API operations: a reason and a confirmation, then the household (or the
member) is gone; refused for other organisations' households."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.relocation.models import Household
from passgenau.apps.relocation.services import intake
from relocation_helpers import (
    FAMILY,
    english,  # noqa: F401 (the fixture)
    make_round,
    municipality,
    register,
    user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
API = "/api/v1/privacy"
THREE = [*FAMILY, {"age_band": "18-29", "relation": "other"}]


def _household(**fields):
    household = register(make_round(), **fields)
    intake.interview_save(
        actor=user("interviewer"), household=household, answers={}, members=THREE, complete=False
    )
    return household


def _post(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def test_the_household_page_offers_the_erasure_to_its_interviewers_only(
    interviewer_client, coordinator_client
):
    household = _household()
    url = reverse("relocation:household_detail", kwargs={"pk": household.pk})
    erase = reverse("privacy:household_erase", kwargs={"pk": household.pk})
    assert erase in interviewer_client.get(url).content.decode()
    assert erase not in coordinator_client.get(url).content.decode()


def test_erasing_needs_a_reason_and_the_confirmation(interviewer_client):
    household = _household(contact_name="Marta P9Z")
    url = reverse("privacy:household_erase", kwargs={"pk": household.pk})
    page = interviewer_client.get(url).content.decode()
    assert household.reference in page and "3 members" in page
    response = interviewer_client.post(url, {"reason": "request"})
    assert response.status_code == 200 and "cannot be undone" in response.content.decode()
    response = interviewer_client.post(url, {"reason": "", "confirm": "on"})
    assert response.status_code == 200
    assert Household.objects.filter(pk=household.pk).exists()
    response = interviewer_client.post(url, {"reason": "request", "confirm": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("relocation:household_list")
    assert f"Household {household.reference} was erased" in response.content.decode()
    assert not Household.objects.filter(pk=household.pk).exists()
    assert interviewer_client.get(url).status_code == 404


def test_another_organisations_household_is_not_found(client_for_role):
    from accounts_helpers import login_client, make_user

    household = _household()
    other = make_user("interviewer", username="ngo-2", organisation=municipality("NGO 2"))
    client = login_client(client_for_role("public"), other)
    url = reverse("privacy:household_erase", kwargs={"pk": household.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "request", "confirm": "on"}).status_code == 404
    assert (
        _post(client, f"{API}/households/{household.pk}/erasure", {"reason": "request"}).status_code
        == 404
    )
    assert Household.objects.filter(pk=household.pk).exists()


def test_erasing_a_member_on_the_page(interviewer_client):
    household = _household(member_names="Olena K.\nIvan R4T\nDaria K.")
    url = reverse("privacy:member_erase", kwargs={"pk": household.pk})
    page = interviewer_client.get(url).content.decode()
    assert "Ivan R4T" in page  # the interviewer picks the line with the name
    adult = household.members.get(age_band="18-29")
    response = interviewer_client.post(
        url, {"member": adult.pk, "name_line": 1, "reason": "request", "confirm": "on"}
    )
    assert response.status_code == 302
    household.contact.refresh_from_db()
    assert household.contact.member_names == "Olena K.\nDaria K."
    assert household.members.count() == 2
    main = household.members.get(relation="main_contact")
    response = interviewer_client.post(
        url, {"member": main.pk, "name_line": "", "reason": "request", "confirm": "on"}
    )
    assert response.status_code == 200 and "main contact" in response.content.decode()


def test_the_api_erases_a_household(interviewer_client):
    household = _household()
    url = f"{API}/households/{household.pk}/erasure"
    response = _post(interviewer_client, url, {"reason": "bored"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "reason"]
    response = _post(interviewer_client, url, {"reason": "not_needed"})
    assert response.status_code == 200
    assert response.json() == {"reference": household.reference, "reason": "not_needed"}
    assert not Household.objects.filter(pk=household.pk).exists()
    assert _post(interviewer_client, url, {"reason": "not_needed"}).status_code == 404
    entry = AuditEntry.objects.get(action="relocation.household.erased")
    assert entry.data == {"reason": "not_needed"}


def test_the_api_erases_a_member(interviewer_client):
    household = _household(member_names="Olena K.\nIvan R4T\nDaria K.")
    url = f"{API}/households/{household.pk}/members/9/erasure"
    response = _post(interviewer_client, url, {"reason": "request"})
    assert response.status_code == 404
    url = f"{API}/households/{household.pk}/members/3/erasure"
    response = _post(interviewer_client, url, {"reason": "request", "name_line": 0})
    assert response.status_code == 422
    response = _post(interviewer_client, url, {"reason": "request", "name_line": 2})
    assert response.status_code == 200, response.content
    household.contact.refresh_from_db()
    assert household.contact.member_names == "Olena K.\nDaria K."
    assert [m.age_band for m in household.members.all()] == ["30-44", "6-9"]


def test_the_erasure_takes_the_households_waiting_export_with_it(interviewer_client):
    """The export made before the erasure held everything about the household until it expired."""
    from passgenau.apps.core.models import ProtectedExport

    household = _household()
    other = register(household.round)
    form = {"password": "correct horse battery", "password_again": "correct horse battery"}
    for each in (household, other):
        url = reverse("privacy:household_subject_access", kwargs={"pk": each.pk})
        assert interviewer_client.post(url, form).status_code == 302

    _post(interviewer_client, f"{API}/households/{household.pk}/erasure", {"reason": "request"})

    [left] = ProtectedExport.objects.all()
    assert left.filename == f"{other.reference}-subject-access.zip"
