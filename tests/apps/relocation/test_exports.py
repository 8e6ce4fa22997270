"""A municipality downloads its own proposals and arrivals (CSV or Excel): codes, figures and
dates only, its own rows only, formulas neutralised, each download logged."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from passgenau.apps.audit.models import AuditEntry
from relocation_helpers import english  # noqa: F401 (the fixture)
from relocation_matching_helpers import arrived_proposal, published_round

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_officer_downloads_the_proposals_to_its_municipality(municipal_officer_client):
    round_, run = published_round(2)
    proposals = list(run.proposals.order_by("household__reference"))
    rows = _csv(municipal_officer_client.get(reverse("relocation:proposal_export")))
    assert rows[0][:3] == ["Household", "Round", "Status"]
    assert sorted(r[0] for r in rows[1:]) == [p.household.reference for p in proposals]
    assert {r[1] for r in rows[1:]} == {round_.name}
    assert [int(r[4]) for r in sorted(rows[1:])] == [p.household.members.count() for p in proposals]
    text = "\n".join(",".join(r) for r in rows)
    for proposal in proposals:  # no names or contact data in the file
        assert proposal.household.contact.contact_name not in text
    entry = AuditEntry.objects.filter(action="relocation.household.list").latest("pk")
    assert entry.data["export"] == "proposals" and entry.data["format"] == "csv"
    assert sorted(entry.data["ids"]) == sorted(str(p.household_id) for p in proposals)


def test_another_municipality_downloads_none_of_them():
    from django.test import Client

    from accounts_helpers import login_client
    from relocation_helpers import municipality, user

    published_round(2)
    other = Client()
    login_client(other, user("municipal_officer", "kiel-officer", municipality("Kiel")))
    rows = _csv(other.get(reverse("relocation:proposal_export")))
    assert len(rows) == 1  # the header only


def test_the_arrivals_download_has_dates_and_is_an_excel_sheet(municipal_officer_client):
    proposal = arrived_proposal()
    response = municipal_officer_client.get(reverse("relocation:arrival_export") + "?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header[0] == "Household" and header[5] == "Arrived on"
    assert len(rows) == 1 and rows[0][0] == proposal.household.reference
    assert rows[0][5].date().isoformat() == "2026-05-05"


def test_a_round_name_that_looks_like_a_formula_stays_text(municipal_officer_client):
    round_, _run = published_round(1)
    type(round_).objects.filter(pk=round_.pk).update(name="=HYPERLINK(1)")
    rows = _csv(municipal_officer_client.get(reverse("relocation:proposal_export")))
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_an_unknown_format_is_a_clear_400(municipal_officer_client):
    response = municipal_officer_client.get(reverse("relocation:proposal_export") + "?format=pdf")
    assert response.status_code == 400 and "csv or xlsx" in response.content.decode()


def test_the_list_pages_offer_the_downloads(municipal_officer_client):
    page = municipal_officer_client.get(reverse("relocation:arrival_list")).content.decode()
    assert reverse("relocation:arrival_export") + "?format=xlsx" in page
    page = municipal_officer_client.get(reverse("relocation:proposal_list")).content.decode()
    assert reverse("relocation:proposal_export") + "?format=csv" in page
