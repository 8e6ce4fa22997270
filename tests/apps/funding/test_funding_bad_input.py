"""Bad input to the funding pages and API is a clear 4xx, never a 500 (issue 10, items 3, 6, 8)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from funding_helpers import make_distribution, make_grant, make_programme
from passgenau.apps.funding.models import Distribution

pytestmark = pytest.mark.django_db

HUGE = "9" * 30  # beyond 64 bits


def test_non_numeric_freeze_and_payment_ids_are_404(funder_client) -> None:
    grant = make_grant(approve=True)
    for action, field in (("release", "freeze"), ("confirm_payment", "payment")):
        url = reverse("funding:grant_action", kwargs={"pk": grant.pk, "action": action})
        for value in ("abc", HUGE, "", "1.5", "-1"):
            response = funder_client.post(url, {field: value})
            assert response.status_code == 404, (action, value, response.status_code)


@pytest.mark.parametrize(
    "path",
    [
        f"/funding/distributions/{HUGE}/",
        f"/funding/distributions/{HUGE}/download.csv",
        f"/funding/programmes/{HUGE}/",
        f"/funding/programmes/{HUGE}/report.pdf",
        f"/funding/grants/{HUGE}/",
        f"/funding/grants/{HUGE}/notice.pdf",
        f"/accounts/users/{HUGE}/",
        f"/api/v1/funding/distributions/{HUGE}",
        "/api/v1/funding/distributions/abc",
    ],
)
def test_ids_beyond_64_bits_are_not_found(path, client_for_role) -> None:
    client = client_for_role("administrator" if "/users/" in path else "funder")
    response = client.get(path)
    assert response.status_code in (404, 422), (path, response.status_code)


def test_an_amount_of_30_digits_is_a_form_error(funder_client) -> None:
    programme = make_programme()
    url = reverse("funding:grant_action", kwargs={"pk": make_grant(programme).pk, "action": "pay"})
    response = funder_client.post(url, {"amount": HUGE, "paid_on": "2026-11-20"})
    assert response.status_code == 400
    assert "amount" in response.context["pay_form"].errors
    create = reverse("funding:grant_create", kwargs={"pk": programme.pk})
    response = funder_client.post(create, {"title": "x", "amount": HUGE})
    assert response.status_code in (200, 400)
    response = funder_client.post(
        reverse("funding:calculator"),
        {
            "level": "kreise",
            "key_kind": "population",
            "method": "largest-remainder",
            "ties": "order",
            "unit": "eur",
            "amount": HUGE,
        },
    )
    assert response.status_code in (200, 400)
    assert response.context["form"].errors.get("amount")


def test_apportion_api_refuses_a_total_beyond_the_limit(funder_client) -> None:
    response = funder_client.post(
        "/api/v1/funding/apportion",
        {"total": "9" * 5000, "weights": [{"id": "a", "weight": "1"}]},
        content_type="application/json",
    )
    assert response.status_code == 422


def test_a_huge_page_number_shows_the_last_page(client, db) -> None:
    for page in (HUGE, "abc", "-1"):
        assert client.get("/territories/", {"page": page}).status_code in (200, 302)


def _csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]


def test_distribution_downloads_neutralise_formulas(funder_client) -> None:
    distribution = make_distribution(name='=HYPERLINK("http://evil")')
    Distribution.objects.filter(pk=distribution.pk).update(name='=HYPERLINK("http://evil")')
    distribution.lines.filter(pk=distribution.lines.first().pk).update(name="@SUM(1+1)")
    url = reverse("funding:distribution_download", kwargs={"pk": distribution.pk, "fmt": "csv"})
    cells = _csv_cells(funder_client.get(url).content)
    assert "'@SUM(1+1)" in cells
    assert not any(cell[:1] in "=+-@" for cell in cells if cell and not _number(cell))
    url = reverse("funding:distribution_download", kwargs={"pk": distribution.pk, "fmt": "xlsx"})
    sheet = load_workbook(io.BytesIO(funder_client.get(url).content)).active
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'@SUM(1+1)" in texts
    assert '\'=HYPERLINK("http://evil")' in texts
    # our own sum formula stays a formula
    assert any(t.startswith("=SUM(E") for t in texts)


def _number(cell: str) -> bool:
    try:
        Decimal(cell.replace(".", "").replace(",", "."))
    except ArithmeticError:
        return False
    return True
