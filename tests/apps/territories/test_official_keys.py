"""Bug (issue 11, bug 10): the AGS "99999" was accepted. Every official key someone enters is
checked against the territories app by one validator; an unknown key is a field error naming it."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from passgenau.apps.territories.models import Kreis, Land
from passgenau.apps.territories.validators import validate_official_key
from relocation_helpers import make_round

pytestmark = pytest.mark.django_db


def _kreis() -> Kreis:
    land = Land.objects.create(ags="14", name="Sachsen")
    return Kreis.objects.create(ags="14612", land=land, name="Dresden", kind="kreisfreie_stadt")


def test_the_validator_knows_the_territories() -> None:
    _kreis()
    assert validate_official_key("14612") == "kreis"
    with pytest.raises(ValidationError) as unknown:
        validate_official_key("99999")
    assert unknown.value.code == "unknown_key" and "99999" in unknown.value.messages[0]
    with pytest.raises(ValidationError) as malformed:
        validate_official_key("123")
    assert malformed.value.code == "key_format" and "123" in malformed.value.messages[0]
    with pytest.raises(ValidationError):
        validate_official_key("14", levels=("kreis", "gemeinde"))  # a Land where none is asked
    assert validate_official_key("14", levels=("land",)) == "land"


def test_profile_page_refuses_an_unknown_ags(municipal_officer_client) -> None:
    _kreis()
    round_ = make_round()
    url = reverse("relocation:profile_edit", kwargs={"pk": round_.pk})
    data = {
        "capacity_persons": "25",
        "capacity_school": "3",
        "capacity_kita": "2",
        "language_course_places": "0",
        **{f"priority_{c.id}": "1" for c in round_.catalogue().soft},
    }
    response = municipal_officer_client.post(
        url, data | {"ags": "99999"}, HTTP_ACCEPT_LANGUAGE="de"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="#id_ags' in page
    assert "Es gibt keinen Kreis mit dem amtlichen Schlüssel „99999“" in page
    assert municipal_officer_client.post(url, data | {"ags": "14612"}).status_code == 302


def test_profile_api_refuses_an_unknown_ags(municipal_officer_client) -> None:
    _kreis()
    round_ = make_round()
    response = municipal_officer_client.put(
        f"/api/v1/relocation/rounds/{round_.pk}/profile",
        data=json.dumps({"ags": "99999"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    (item,) = response.json()["detail"]
    assert item["loc"][-1] == "ags" and "99999" in item["msg"]


def test_directory_setup_refuses_an_unknown_kreis() -> None:
    from passgenau.apps.directory.services.setup import directory_get_or_create

    with pytest.raises(ValueError, match="99999"):
        directory_get_or_create(slug="nowhere", kreis="99999")
