"""Defect 3 of issue 10 for the intake: a registration through the API and a household import
with text beyond a field's length or with a NUL character are refused before the database —
a 422 naming the field, an import problem naming file, row and column — and nothing is stored
(on SQLite the text used to be stored beyond the limit; on PostgreSQL it was a 500 with the
rejected row, name and phone, in the server log)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from passgenau.apps.core.input_problems import ImportFailed
from passgenau.apps.relocation.models import Household, HouseholdContact
from passgenau.apps.relocation.services import imports
from relocation_helpers import (
    english,  # noqa: F401 (the fixture)
    make_round,
    user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

REGISTRATION = {
    "contact_name": "Olena K.",
    "language": "uk",
    "consent_purposes": ["matching", "share_pseudonymised", "share_contact"],
    "consent_given_on": "2026-03-01",
    "consent_explained_in": "uk",
}


@pytest.mark.parametrize(
    ("field", "value"),
    [("contact_name", "O" * 5000), ("phone", "0151\x00555"), ("external_reference", "R" * 500)],
)
def test_the_api_refuses_over_long_or_nul_text_of_a_registration(interviewer_client, field, value):
    round_ = make_round()
    response = interviewer_client.post(
        f"/api/v1/relocation/rounds/{round_.pk}/households",
        json.dumps({**REGISTRATION, field: value}),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content[:300]
    assert field in json.dumps(response.json())
    assert not Household.objects.exists() and not HouseholdContact.objects.exists()


def _csv(row):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("value", ["O" * 5000, "Olena\x00K."])
def test_the_import_names_the_row_and_column_of_over_long_or_nul_text(value):
    round_ = make_round()
    row = {
        "contact_name": value,
        "language": "uk",
        "consent_purposes": "all",
        "consent_date": "01.03.2026",
        "consent_language": "uk",
        "members": "30-44 main_contact",
        "interview_complete": "no",
    }
    with pytest.raises(ImportFailed) as failed:
        imports.households_import(
            actor=user("interviewer"), round_=round_, file_name="h.csv", content=_csv(row)
        )
    problems = failed.value.problems
    assert any(p.field == "contact_name" and p.row == 2 for p in problems), problems
    assert not Household.objects.exists()
