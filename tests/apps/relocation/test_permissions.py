"""Object-level access on top of the permission table (the role-level grants and refusals of every
relocation page and endpoint are in tests/apps/accounts/test_access_matrix.py via
tests/access_cases.py): what a role may do, it may do only to its own organisation's objects."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, get_resolver, reverse

from passgenau.apps.accounts.permissions import PERMISSION_BY_CODE
from passgenau.apps.relocation.models import RoundStatus
from relocation_helpers import (
    english,  # noqa: F401 (the fixture)
    make_round,
    municipality,
    register,
    user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_every_relocation_view_uses_a_live_permission():
    resolver = get_resolver().url_patterns
    relocation = next(p for p in resolver if getattr(p, "namespace", None) == "relocation")
    # the views of rounds, profiles and intake (runs, decisions, travel have their own module)
    codes = {
        entry.callback.access_rule
        for entry in relocation.url_patterns
        if isinstance(entry, URLPattern)
        and entry.callback.__module__ == "passgenau.apps.relocation.views"
    }
    assert codes == {
        "relocation.view_rounds",
        "relocation.manage_rounds",
        "relocation.keep_profile",
        "relocation.view_households",
        "relocation.register_households",
    }
    for code in codes:
        assert not PERMISSION_BY_CODE[code].planned, code


def _other_coordinator():
    org = municipality("Another relocation organisation")
    org.kind = "coordinating"
    org.save()
    return user("coordinator", "other-coordinator", organisation=org)


def test_rounds_of_another_coordinating_organisation_are_not_found(client_for_role):
    round_ = make_round(actor=_other_coordinator(), municipalities=[municipality("Jena")])
    client = client_for_role("coordinator")
    for name in ("round_detail", "round_edit"):
        assert (
            client.get(reverse(f"relocation:{name}", kwargs={"pk": round_.pk})).status_code == 404
        )
    url = reverse("relocation:round_transition", kwargs={"pk": round_.pk, "status": "closed"})
    assert client.post(url, {"confirm": "True"}).status_code == 404
    # a municipality that does not take part sees neither the round nor a profile
    officer = client_for_role("municipal_officer")
    for name in ("round_detail", "profile_edit"):
        assert (
            officer.get(reverse(f"relocation:{name}", kwargs={"pk": round_.pk})).status_code == 404
        )


def test_officer_sees_only_its_own_profile_on_the_round_page(client_for_role):
    round_ = make_round()
    page = client_for_role("municipal_officer").get(
        reverse("relocation:round_detail", kwargs={"pk": round_.pk})
    )
    text = page.content.decode()
    assert "Test organisation municipal_officer" in text
    assert "Kiel" not in text and "Ulm" not in text
    coordinator_page = client_for_role("coordinator").get(
        reverse("relocation:round_detail", kwargs={"pk": round_.pk})
    )
    assert "Kiel" in coordinator_page.content.decode()


def test_interviewers_do_not_see_draft_rounds(client_for_role):
    draft = make_round(status=RoundStatus.DRAFT)
    client = client_for_role("interviewer")
    for name in ("round_detail", "household_register", "household_import"):
        url = reverse(f"relocation:{name}", kwargs={"pk": draft.pk})
        assert client.get(url).status_code == 404, name


def test_registration_page_of_a_closed_round_says_so(client_for_role):
    closed = make_round(status=RoundStatus.CLOSED)
    client = client_for_role("interviewer")
    url = reverse("relocation:household_register", kwargs={"pk": closed.pk})
    response = client.get(url)
    assert response.status_code == 200 and 'name="contact_name"' not in response.content.decode()
    response = client.post(url, {"contact_name": "X"})
    assert response.status_code == 200


def test_household_pages_of_other_organisations_are_not_found(client_for_role):
    round_ = make_round()
    theirs = register(
        round_, actor=user("interviewer", "stranger", organisation=municipality("NGO 2"))
    )
    interviewer = client_for_role("interviewer")
    for name in ("household_detail", "interview", "household_contact", "household_withdraw"):
        url = reverse(f"relocation:{name}", kwargs={"pk": theirs.pk})
        assert interviewer.get(url).status_code == 404, name
        assert interviewer.post(url, {"confirm": "True"}).status_code == 404, name
    # the round's coordinator may read it (logged), but not interview
    coordinator = client_for_role("coordinator")
    assert (
        coordinator.get(
            reverse("relocation:household_detail", kwargs={"pk": theirs.pk})
        ).status_code
        == 200
    )
    assert (
        coordinator.get(reverse("relocation:interview", kwargs={"pk": theirs.pk})).status_code
        == 403
    )


def test_admin_shows_rounds_but_does_not_change_them(administrator_client):
    round_ = make_round()
    assert administrator_client.get("/admin/relocation/round/").status_code == 200
    change = f"/admin/relocation/round/{round_.pk}/change/"
    assert administrator_client.get(change).status_code == 200
    administrator_client.post(change, {"name": "Tampered", "status": "closed"})
    round_.refresh_from_db()
    assert round_.name == "Round 2026" and round_.status == RoundStatus.OPEN
    # personal data of households is not in the admin at all
    assert administrator_client.get("/admin/relocation/household/").status_code == 404
