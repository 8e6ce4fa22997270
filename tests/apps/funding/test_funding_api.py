"""The funding API: stateless apportionment, saved distributions, the funder's programmes."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from funding_helpers import make_distribution, make_grant, make_programme, organisation

pytestmark = pytest.mark.django_db

URL = "/api/v1/funding/apportion"


def post(client, payload, **headers):
    return client.post(URL, data=json.dumps(payload), content_type="application/json", **headers)


def test_apportion_money_to_the_cent(funder_client) -> None:
    response = post(
        funder_client,
        {
            "total": "8.000.000,00",
            "decimals": 2,
            "method": "sainte-lague",
            "weights": [
                {"id": "A", "weight": "1"},
                {"id": "B", "weight": "1"},
                {"id": "C", "weight": "1"},
            ],
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == "8000000.00"
    assert [a["allocation"] for a in body["allocations"]] == [
        "2666666.67",
        "2666666.67",
        "2666666.66",
    ]
    assert sum(Decimal(a["allocation"]) for a in body["allocations"]) == Decimal("8000000.00")
    assert body["allocations"][0]["quota"] == "800000000/3"
    assert body["tied"] == ["A", "B", "C"] and body["tie_seats"] == 2


def test_apportion_reports_every_problem(coordinator_client) -> None:
    response = post(
        coordinator_client,
        {
            "total": "1.000",
            "method": "borda",
            "weights": [{"id": "A", "weight": "x"}, {"id": "A", "weight": "1"}],
        },
    )
    assert response.status_code == 422
    problems = response.json()["detail"]
    assert len(problems) == 4
    assert {p["type"] for p in problems} == {"invalid"}
    by_place = {tuple(p["loc"]): p["msg"] for p in problems}
    assert by_place[("body", "weights", 0, "weight")] == "„x“ ist keine Zahl."
    assert by_place[("body", "weights", 1, "id")] == "Die Kennung „A“ kommt zweimal vor."
    assert by_place[("body", "total")].startswith("„1.000“ ")
    assert "borda" in by_place[("body", "method")]


def test_apportion_problems_follow_the_callers_language(coordinator_client) -> None:
    response = post(
        coordinator_client,
        {"total": "-5", "decimals": 2, "weights": [{"id": "A", "weight": "1"}]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "total"]
    assert problem["msg"] == "“-5” must be a number of 0 or more with at most 2 decimals."


def test_apportion_impossible_bounds_is_422(funder_client) -> None:
    response = post(
        funder_client,
        {
            "total": "10",
            "minimum": "6",
            "weights": [{"id": "A", "weight": "1"}, {"id": "B", "weight": "1"}],
        },
    )
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    # the engine's problem by its code, in the reader's language (German by default)
    assert problem["msg"] == "Die Minima ergeben zusammen 12, mehr als die Gesamtmenge 10."
    assert problem["type"] == "cannot_apportion"


@pytest.mark.parametrize(
    ("role", "status"), [("provider", 403), ("caseworker", 403), ("public", 401)]
)
def test_apportion_needs_the_right(client_for_role, role, status) -> None:
    response = post(client_for_role(role), {"total": "1", "weights": [{"id": "A", "weight": "1"}]})
    assert response.status_code == status


def test_distributions_list_and_detail(coordinator_client) -> None:
    distribution = make_distribution()
    listed = coordinator_client.get("/api/v1/funding/distributions").json()
    assert [d["id"] for d in listed] == [distribution.pk]
    detail = coordinator_client.get(f"/api/v1/funding/distributions/{distribution.pk}").json()
    assert len(detail["lines"]) == 4
    assert sum(Decimal(line["allocation"]) for line in detail["lines"]) == Decimal("8000000.00")
    assert coordinator_client.get("/api/v1/funding/distributions/999999").status_code == 404


def test_programmes_only_of_the_own_organisation(funder_client) -> None:
    own = make_programme()
    make_grant(programme=own, approve=True)
    make_programme(funder=organisation("Andere Stadt", "funder"), name="fremd")
    body = funder_client.get("/api/v1/funding/programmes").json()
    assert [p["name"] for p in body] == [own.name]
    assert body[0]["approved"] == "50000.00" and body[0]["remaining"] == "50000.00"
    assert body[0]["adds_up"] is True
