"""NUL characters and text beyond a field's length are refused before the database, with a 400
page or a 422 answer naming the field, never a 500 (issue 10, item 3). On SQLite such text used to
be stored beyond the limits; on PostgreSQL it was a 500, with the rejected row in the server log."""

from __future__ import annotations

import json

import pytest

from accounts_helpers import make_user
from passgenau.apps.accounts.models import Organisation
from passgenau.apps.core.input_limits import InputLimitError

pytestmark = pytest.mark.django_db

ROUNDS = "/api/v1/relocation/rounds"


def _post_json(client, url, payload):
    return client.post(url, json.dumps(payload), content_type="application/json")


def test_nul_in_a_query_parameter_of_a_page_is_400(client) -> None:
    response = client.get("/territories/", {"q": "Stutt\x00gart"})
    assert response.status_code == 400
    assert b"NUL" in response.content


def test_nul_in_a_form_field_is_400(client) -> None:
    response = client.post("/accounts/login/", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400


def test_nul_in_api_input_is_422_with_a_list_of_problems(coordinator_client) -> None:
    response = _post_json(coordinator_client, ROUNDS, {"name": "Runde\x00 1"})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, list)
    assert detail[0]["loc"] == ["body", "name"]
    response = coordinator_client.get(ROUNDS, {"x": "\x00"})
    assert response.status_code == 422


def test_text_beyond_a_field_length_is_422_from_the_api(coordinator_client) -> None:
    response = _post_json(
        coordinator_client, ROUNDS, {"name": "Runde 1", "criteria_version": "v" * 500}
    )
    assert response.status_code == 422, response.content[:500]
    assert "criteria_version" in json.dumps(response.json())


def test_the_model_check_refuses_before_saving() -> None:
    with pytest.raises(InputLimitError, match="200"):
        Organisation.objects.create(name="x" * 201, kind="ngo")
    with pytest.raises(InputLimitError, match="NUL"):
        Organisation.objects.create(name="a\x00b", kind="ngo")
    assert not Organisation.objects.exists()
    make_user("caseworker")  # an encrypted secret field is not measured by its plain text
