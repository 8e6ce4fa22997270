"""The relocation JSON API: same access rules and services as the pages."""

from __future__ import annotations

import json

import pytest

from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.relocation.models import Household, Round, RoundStatus
from passgenau.apps.relocation.services import intake
from relocation_helpers import (
    FAMILY,
    english,  # noqa: F401 (the fixture)
    make_round,
    municipality,
    organisation,
    register,
    user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
API = "/api/v1/relocation"


def _send(client, method, url, payload):
    return getattr(client, method)(url, data=json.dumps(payload), content_type="application/json")


def test_coordinator_creates_and_opens_a_round(coordinator_client):
    kiel = municipality("Kiel")
    response = _send(
        coordinator_client,
        "post",
        f"{API}/rounds",
        {"name": "API round", "municipality_ids": [kiel.pk], "mechanism": "optimal"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["municipalities"] == [{"id": kiel.pk, "name": "Kiel"}]
    assert body["allowed_transitions"] == ["open"]
    round_id = body["id"]
    response = _send(
        coordinator_client, "post", f"{API}/rounds/{round_id}/transition", {"status": "closed"}
    )
    assert response.status_code == 409
    response = _send(
        coordinator_client, "post", f"{API}/rounds/{round_id}/transition", {"status": "open"}
    )
    assert response.status_code == 200 and response.json()["status"] == "open"
    # settings are frozen once the round is open
    response = _send(
        coordinator_client, "patch", f"{API}/rounds/{round_id}", {"mechanism": "stable"}
    )
    assert response.status_code == 409
    assert Round.objects.get(pk=round_id).mechanism == "optimal"
    response = _send(coordinator_client, "patch", f"{API}/rounds/{round_id}", {"name": "Renamed"})
    assert response.status_code == 200 and response.json()["name"] == "Renamed"


def _fields(response) -> set[str]:
    """The fields named by an answer in the API's error schema."""
    detail = response.json()["detail"]
    assert all(set(item) == {"loc", "msg", "type"} for item in detail)
    return {".".join(str(part) for part in item["loc"][1:]) for item in detail}


def test_bad_round_input_gives_field_errors(coordinator_client):
    response = _send(
        coordinator_client,
        "post",
        f"{API}/rounds",
        {
            "name": "X",
            "capacity_dimensions": ["school"],
            "municipality_ids": [organisation("funder").pk],
        },
    )
    assert response.status_code == 422
    assert "municipality_ids" in _fields(response)


def test_rounds_visible_by_role(client_for_role):
    round_ = make_round(status=RoundStatus.DRAFT)
    other = make_round(
        status=RoundStatus.OPEN, name="Elsewhere", municipalities=[municipality("Jena")]
    )
    seen = {
        role: {r["id"] for r in client_for_role(role).get(f"{API}/rounds").json()}
        for role in ("coordinator", "municipal_officer", "interviewer")
    }
    assert seen["coordinator"] == {round_.pk, other.pk}
    assert seen["municipal_officer"] == {round_.pk}  # its municipality takes part; not in Jena's
    assert seen["interviewer"] == {other.pk}  # drafts are not shown to interviewers
    assert client_for_role("interviewer").get(f"{API}/rounds/{round_.pk}").status_code == 404


def test_officer_keeps_its_profile(municipal_officer_client, coordinator_client):
    round_ = make_round()
    response = _send(
        municipal_officer_client,
        "put",
        f"{API}/rounds/{round_.pk}/profile",
        {"capacities": {"persons": 30, "school": 4, "kita": 2}, "services": ["dialysis"]},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["capacities"] == {"persons": 30, "school": 4, "kita": 2}
    assert set(body["confirmed_at"]) == {
        "capacity.persons",
        "capacity.school",
        "capacity.kita",
        "services",
    }
    bad = _send(
        municipal_officer_client,
        "put",
        f"{API}/rounds/{round_.pk}/profile",
        {"capacities": {"persons": -1}},
    )
    assert bad.status_code == 422 and "capacity_persons" in _fields(bad)
    mine = municipal_officer_client.get(f"{API}/rounds/{round_.pk}/profiles").json()
    assert [p["municipality"]["name"] for p in mine] == ["Test organisation municipal_officer"]
    everything = coordinator_client.get(f"{API}/rounds/{round_.pk}/profiles").json()
    assert len(everything) == 3
    elsewhere = make_round(name="Elsewhere", municipalities=[municipality("Jena")])
    response = _send(
        municipal_officer_client, "put", f"{API}/rounds/{elsewhere.pk}/profile", {"services": []}
    )
    assert response.status_code == 404


def test_interviewer_registers_and_interviews(interviewer_client):
    round_ = make_round()
    response = _send(
        interviewer_client,
        "post",
        f"{API}/rounds/{round_.pk}/households",
        {
            "contact_name": "Iryna",
            "consent_purposes": ["matching", "share_pseudonymised", "share_contact"],
            "consent_given_on": "2026-03-02",
            "consent_explained_in": "ru",
            "language": "ru",
        },
    )
    assert response.status_code == 201, response.content
    household = response.json()
    assert household["contact"]["contact_name"] == "Iryna"
    url = f"{API}/households/{household['id']}/interview"
    incomplete = _send(interviewer_client, "put", url, {"members": FAMILY, "complete": True})
    assert incomplete.status_code == 422
    errors = _fields(incomplete)
    assert "languages" in errors and "importance.family_ties" in errors
    ratings = {c.id: 1 for c in intake.household_rated_criteria(round_)}
    done = _send(
        interviewer_client,
        "put",
        url,
        {"members": FAMILY, "languages": ["ru"], "importance": ratings, "complete": True},
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["status"] == "interviewed" and body["interview"]["completed"]
    assert body["interview"]["conducted_in"] == "ru" and body["persons"] == 2


def test_registration_refused_when_round_not_open(interviewer_client):
    round_ = make_round(status=RoundStatus.CLOSED)
    response = _send(
        interviewer_client,
        "post",
        f"{API}/rounds/{round_.pk}/households",
        {
            "contact_name": "Iryna",
            "consent_purposes": ["matching", "share_pseudonymised", "share_contact"],
            "consent_given_on": "2026-03-02",
            "consent_explained_in": "ru",
        },
    )
    assert response.status_code == 409
    assert not Household.objects.exists()


def test_household_reads_are_scoped_and_logged(client_for_role):
    round_ = make_round()
    mine = register(round_)
    other_ngo = municipality("Other NGO")
    theirs = register(round_, actor=user("interviewer", "stranger", organisation=other_ngo))
    interviewer = client_for_role("interviewer")
    listed = interviewer.get(f"{API}/households").json()
    assert [h["id"] for h in listed] == [mine.pk]
    entry = AuditEntry.objects.filter(action="relocation.household.list").latest("id")
    assert entry.data["ids"] == [str(mine.pk)]
    assert interviewer.get(f"{API}/households/{theirs.pk}").status_code == 404
    detail = interviewer.get(f"{API}/households/{mine.pk}")
    assert detail.status_code == 200
    assert AuditEntry.objects.filter(
        action="relocation.household.read", object_id=str(mine.pk)
    ).exists()
    coordinator = client_for_role("coordinator")
    assert {h["id"] for h in coordinator.get(f"{API}/households").json()} == {mine.pk, theirs.pk}
    assert client_for_role("municipal_officer").get(f"{API}/households").status_code == 403
    assert client_for_role("public").get(f"{API}/households").status_code == 401


def test_interview_of_another_organisation_is_not_found(client_for_role):
    round_ = make_round()
    theirs = register(
        round_, actor=user("interviewer", "stranger", organisation=municipality("NGO 2"))
    )
    response = _send(
        client_for_role("interviewer"),
        "put",
        f"{API}/households/{theirs.pk}/interview",
        {"members": FAMILY},
    )
    assert response.status_code == 404


def test_openapi_lists_relocation_operations(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/relocation/rounds" in schema["paths"]
    assert "/api/v1/relocation/households/{household_id}/interview" in schema["paths"]


def test_a_round_patch_with_null_fields_is_refused_field_by_field(coordinator_client):
    """Issue 10, defect 8: null for a field that cannot be empty was a 500 (NOT NULL failed in
    the database); a date may be cleared with null."""
    round_ = make_round(status=RoundStatus.DRAFT)
    response = _send(
        coordinator_client,
        "patch",
        f"{API}/rounds/{round_.pk}",
        {"name": None, "description": None, "mechanism": None, "profiles_due": None},
    )
    assert response.status_code == 422, response.content
    assert set(_fields(response)) == {"name", "description", "mechanism"}
    assert Round.objects.get(pk=round_.pk).name == round_.name
    cleared = _send(
        coordinator_client, "patch", f"{API}/rounds/{round_.pk}", {"profiles_due": None}
    )
    assert cleared.status_code == 200, cleared.content


@pytest.mark.parametrize(
    ("figures", "field"),
    [
        ({"capacities": {"persons": 10**20}}, "capacity_persons"),
        ({"capacities": {"persons": 10**6 + 1}}, "capacity_persons"),
        ({"communities": {"uk": 10**20}}, "community_uk"),
        ({"language_course_places": 10**20}, "language_course_places"),
    ],
)
def test_a_count_beyond_the_limit_is_refused_where_entered(
    municipal_officer_client, figures, field
):
    """Issue 10, defect 10: a capacity of 10^20 was stored and broke every later run."""
    round_ = make_round()
    response = _send(municipal_officer_client, "put", f"{API}/rounds/{round_.pk}/profile", figures)
    assert response.status_code == 422, response.content
    assert field in _fields(response)
    assert "1,000,000" in json.dumps(response.json()) or "1000000" in json.dumps(response.json())
    within = {"capacities": {"persons": 10**6}}
    assert (
        _send(
            municipal_officer_client, "put", f"{API}/rounds/{round_.pk}/profile", within
        ).status_code
        == 200
    )


def test_the_profile_form_refuses_a_capacity_beyond_the_limit(municipal_officer_client):
    from django.urls import reverse

    round_ = make_round()
    url = reverse("relocation:profile_edit", kwargs={"pk": round_.pk})
    page = municipal_officer_client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data = {k: v for k, v in data.items() if not isinstance(v, list)} | {
        name: form[name].value() for name in form.fields if isinstance(form[name].value(), list)
    }
    data["capacity_persons"] = str(10**20)
    response = municipal_officer_client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["capacity_persons"]
