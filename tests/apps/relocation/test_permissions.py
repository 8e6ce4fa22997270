"""Object-level access on top of the permission table (the role-level grants and refusals of every
relocation page and endpoint are in tests/apps/accounts/test_access_matrix.py via
tests/access_cases.py): what a role may do, it may do only to its own organisation's objects."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, get_resolver, reverse

from accounts_helpers import ROLES
from passgenau.apps.accounts.permissions import PERMISSION_BY_CODE, roles_with
from passgenau.apps.relocation.models import RoundStatus
from relocation_helpers import (
    english,  # noqa: F401 (the fixture)
    make_round,
    municipality,
    register,
    user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


INTAKE_AREAS = ("rounds", "profiles", "intake", "imports")


def test_every_relocation_view_uses_a_live_permission():
    resolver = get_resolver().url_patterns
    relocation = next(p for p in resolver if getattr(p, "namespace", None) == "relocation")
    # the views of rounds, profiles and intake (runs, decisions, travel have their own modules)
    modules = {f"passgenau.apps.relocation.views.{area}" for area in INTAKE_AREAS}
    codes = {
        entry.callback.access_rule
        for entry in relocation.url_patterns
        if isinstance(entry, URLPattern) and entry.callback.__module__ in modules
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


# Operations of the rounds/profiles/intake API with the permission each declares.
API_OPERATIONS = [
    ("get", "/api/v1/relocation/rounds", "relocation.view_rounds"),
    ("post", "/api/v1/relocation/rounds", "relocation.manage_rounds"),
    ("get", "/api/v1/relocation/rounds/{round}", "relocation.view_rounds"),
    ("patch", "/api/v1/relocation/rounds/{round}", "relocation.manage_rounds"),
    ("post", "/api/v1/relocation/rounds/{round}/transition", "relocation.manage_rounds"),
    ("get", "/api/v1/relocation/rounds/{round}/profiles", "relocation.view_profiles"),
    ("put", "/api/v1/relocation/rounds/{round}/profile", "relocation.keep_profile"),
    ("get", "/api/v1/relocation/households", "relocation.view_households"),
    ("get", "/api/v1/relocation/households/{household}", "relocation.view_households"),
    ("post", "/api/v1/relocation/rounds/{round}/households", "relocation.register_households"),
    (
        "put",
        "/api/v1/relocation/households/{household}/interview",
        "relocation.register_households",
    ),
]


def test_api_operations_declare_the_listed_permissions():
    from passgenau.web.api import api

    declared = set()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    code = operation.auth_callbacks[0].code
                    declared.add(
                        (method.lower(), f"/api/v1/{prefix}{path}".replace("//", "/"), code)
                    )
    listed = {
        (m, p.replace("{round}", "{round_id}").replace("{household}", "{household_id}"), c)
        for m, p, c in API_OPERATIONS
    }
    assert listed <= declared


@pytest.mark.parametrize("role", ["public", *ROLES])
def test_api_grants_and_refuses_by_the_table(role, client_for_role):
    """Every operation, as every role: 401 for the public, 403 for roles without the right, and
    never 401/403 for roles with it (what they then get depends on the object and the input)."""
    import json

    round_ = make_round()
    household = register(round_)
    client = client_for_role(role)
    for method, template, code in API_OPERATIONS:
        url = template.format(round=round_.pk, household=household.pk)
        if method == "get":
            response = client.get(url)
        else:
            send = getattr(client, method)
            response = send(url, data=json.dumps({}), content_type="application/json")
        if role in roles_with(code):
            assert response.status_code not in (401, 403), (method, url, role)
        elif role == "public":
            assert response.status_code == 401, (method, url, role)
        else:
            assert response.status_code == 403, (method, url, role)
