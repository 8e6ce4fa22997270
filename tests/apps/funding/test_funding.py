"""Funding: the calculator, saved distributions and downloads, programmes, allocations, grants."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from funding_helpers import (
    KREISE_CSV,
    load_bw_kreise,
    make_distribution,
    make_grant,
    make_land,
    make_programme,
    make_sample_kreise,
    organisation,
)
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.funding import selectors, services
from passgenau.apps.funding.models import Distribution, GrantStatus, Payment

pytestmark = pytest.mark.django_db

EIGHT_MILLION = {
    "level": "kreis",
    "land": "08",
    "key_kind": "population",
    "unit": "eur",
    "amount": "8.000.000,00",
    "method": "largest-remainder",
    "ties": "order",
}


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


# --- calculator ------------------------------------------------------------------------------


def test_calculator_shows_the_form(funder_client, coordinator_client) -> None:
    for client in (funder_client, coordinator_client):
        response = client.get(reverse("funding:calculator"))
        assert response.status_code == 200
        assert b'name="amount"' in response.content


def test_calculator_computes_to_the_cent_in_german_numbers(funder_client) -> None:
    make_sample_kreise()
    response = funder_client.get(reverse("funding:calculator"), EIGHT_MILLION)
    assert response.status_code == 200
    computed = response.context["computed"]
    assert computed.total == Decimal("8000000.00")
    assert len(computed.lines) == 4
    page = response.content.decode()
    assert "8.000.000,00" in page  # German number format
    assert "<svg" in page and "Stuttgart" in page  # the inline bar chart
    assert Distribution.objects.count() == 0  # computing stores nothing


def test_calculator_saves_with_inputs_and_audits(funder_client, funder_user) -> None:
    make_sample_kreise()
    response = funder_client.post(
        reverse("funding:calculator"), {**EIGHT_MILLION, "name": "Soforthilfe Ukraine"}
    )
    distribution = Distribution.objects.get()
    assert response.status_code == 302 and response["Location"] == distribution.get_absolute_url()
    assert distribution.created_by == funder_user
    assert distribution.organisation == funder_user.organisation
    assert distribution.reference_date == dt.date(2018, 12, 31)
    assert [row["key"] for row in distribution.inputs] == ["08111", "08115", "08116", "08117"]
    assert sum(line.allocation for line in distribution.lines.all()) == Decimal("8000000.00")
    assert actions() == ["funding.distribution.saved"]
    detail = funder_client.get(distribution.get_absolute_url())
    assert detail.context["reproduced"] is True
    assert "8.000.000,00" in detail.content.decode()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"amount": "1.000"}, "amount", "8.000.000,00"),
        ({"amount": "-5"}, "amount", "negativ"),
        ({"amount": "10,0051"}, "amount", "Nachkommastellen"),
        ({"land": ""}, "land", "Land"),
        ({"ties": "lot"}, "seed", "Startwert"),
        ({"key_kind": "koenigsteiner"}, "key_kind", "Länder"),
        ({"unit": "persons", "amount": "10,5"}, "amount", "ganzen Zahlen"),
    ],
)
def test_calculator_explains_bad_input(funder_client, change, field, message) -> None:
    make_sample_kreise()
    response = funder_client.get(reverse("funding:calculator"), {**EIGHT_MILLION, **change})
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    assert "computed" not in response.context


def test_calculator_reports_impossible_bounds(funder_client) -> None:
    make_sample_kreise()
    response = funder_client.get(
        reverse("funding:calculator"), {**EIGHT_MILLION, "minimum": "3.000.000,00"}
    )
    # in euros and in the user's language, not in the engine's cents and English
    assert " ".join(response.context["form"].non_field_errors()) == (
        "Das Minimum für alle 4 Gebiete ergibt zusammen 12.000.000,00, mehr als der Betrag "
        "8.000.000,00."
    )
    response = funder_client.get(
        reverse("funding:calculator"), {**EIGHT_MILLION, "maximum": "1.000.000,00"}
    )
    assert " ".join(response.context["form"].non_field_errors()) == (
        "Das Maximum für alle 4 Gebiete ergibt zusammen 4.000.000,00, weniger als der Betrag "
        "8.000.000,00."
    )
    response = funder_client.get(
        reverse("funding:calculator"),
        {**EIGHT_MILLION, "minimum": "20,00", "maximum": "10,00"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.context["form"].non_field_errors() == [
        "The minimum per territory is larger than the maximum."
    ]


def test_calculator_reports_ties_and_draws_reproducible_lots(funder_client) -> None:
    from passgenau.apps.territories.models import Kreis

    land = make_land()
    for ags in ("08111", "08115", "08116"):
        Kreis.objects.create(ags=ags, land=land, name=f"K{ags}", kind="landkreis", population=1000)
    params = {**EIGHT_MILLION, "unit": "persons", "amount": "2", "ties": "lot", "seed": "5"}
    first = funder_client.get(reverse("funding:calculator"), params).context["computed"]
    again = funder_client.get(reverse("funding:calculator"), params).context["computed"]
    assert first.result.tied == ("08111", "08115", "08116") and first.result.tie_seats == 2
    assert [x.allocation for x in first.lines] == [x.allocation for x in again.lines]


def test_koenigsteiner_among_the_laender(funder_client) -> None:
    from passgenau.engine.keys import koenigsteiner

    key = koenigsteiner(2016)
    for code, name in key.lands.items():
        make_land(code, name)
    params = {
        **EIGHT_MILLION,
        "level": "land",
        "land": "",
        "key_kind": "koenigsteiner",
        "key_year": "2016",
        "unit": "persons",
        "amount": "100000",
    }
    computed = funder_client.get(reverse("funding:calculator"), params).context["computed"]
    assert len(computed.lines) == 16
    assert computed.total == 100_000
    nrw = next(line for line in computed.lines if line.key == "05")
    assert abs(nrw.allocation - Decimal("21144.24")) < 1


def test_nrw_rule_among_gemeinden(funder_client) -> None:
    from passgenau.apps.territories.models import Gemeinde

    land = make_land("05", "Nordrhein-Westfalen")
    for ags, population, area in [
        ("05315000", 1_085_664, "405.01"),
        ("05958044", 21_000, "150.0"),
        ("05766020", 16_000, "120.0"),
    ]:
        Gemeinde.objects.create(
            ags=ags,
            land=land,
            name=ags,
            kind="gemeinde",
            population=population,
            area_km2=Decimal(area),
        )
    params = {
        **EIGHT_MILLION,
        "level": "gemeinde",
        "land": "05",
        "key_kind": "nrw",
        "unit": "persons",
        "amount": "1000",
    }
    computed = funder_client.get(reverse("funding:calculator"), params).context["computed"]
    assert computed.total == 1000
    assert any("Obergrenze auf 2 Gebiete angewandt" in note for note in computed.key.notes)


@pytest.mark.skipif(not KREISE_CSV.exists(), reason=f"real data not available: {KREISE_CSV}")
def test_bw_8_million_across_all_44_kreise(funder_client) -> None:
    assert load_bw_kreise() == 44
    computed = funder_client.get(reverse("funding:calculator"), EIGHT_MILLION).context["computed"]
    assert len(computed.lines) == 44
    assert computed.total == Decimal("8000000.00")


# --- downloads -------------------------------------------------------------------------------


def test_downloads_csv_excel_pdf(funder_client) -> None:
    distribution = make_distribution()
    base = {"pk": distribution.pk}
    response = funder_client.get(
        reverse("funding:distribution_download", kwargs={**base, "fmt": "csv"})
    )
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 5 and rows[1][0] == "08111"
    total = sum(Decimal(r[4].replace(".", "").replace(",", ".")) for r in rows[1:])
    assert total == Decimal("8000000.00")

    response = funder_client.get(
        reverse("funding:distribution_download", kwargs={**base, "fmt": "xlsx"})
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [
        row
        for row in sheet.iter_rows(values_only=True)
        if row and row[0] and str(row[0]).startswith("08")
    ]
    assert len(values) == 4
    assert sum(Decimal(str(v[4])) for v in values) == Decimal("8000000.00")

    response = funder_client.get(
        reverse("funding:distribution_download", kwargs={**base, "fmt": "pdf"})
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert (
        funder_client.get(
            reverse("funding:distribution_download", kwargs={**base, "fmt": "doc"})
        ).status_code
        == 404
    )


def test_saved_distribution_is_reproducible_after_figures_change(funder_client) -> None:
    from passgenau.apps.territories.models import Kreis

    distribution = make_distribution()
    Kreis.objects.filter(ags="08111").update(population=1)  # new figures arrive later
    recomputed = services.distribution_recompute(distribution=distribution)
    stored = [int(line.allocation * 100) for line in distribution.lines.all()]
    assert list(recomputed.allocations) == stored


# --- programmes, allocations -----------------------------------------------------------------


def test_programme_create_and_isolation(funder_client, funder_user, client_for_role) -> None:
    response = funder_client.post(
        reverse("funding:programme_create"),
        {
            "name": "Ukrainisches Zentrum",
            "budget": "100.000,00",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "purpose": "Lotsenfunktion",
        },
    )
    programme = funder_user.organisation.programmes.get()
    assert response.status_code == 302
    assert programme.budget == Decimal("100000.00")
    assert actions() == ["funding.programme.created"]

    # Another funder organisation sees neither the programme nor its grants.
    from django.test import Client

    from accounts_helpers import login_client, make_user

    other = make_user(
        "funder", username="other-funder", organisation=organisation("Stadt Leipzig", "funder")
    )
    other_client = login_client(Client(), other)
    assert other_client.get(programme.get_absolute_url()).status_code == 404
    assert (
        programme.name not in other_client.get(reverse("funding:programme_list")).content.decode()
    )
    assert (
        other_client.get(reverse("funding:grant_create", kwargs={"pk": programme.pk})).status_code
        == 404
    )


def test_allocation_from_a_saved_distribution(funder_client, funder_user) -> None:
    distribution = make_distribution(amount=Decimal("80000.00"))
    programme = make_programme()
    response = funder_client.post(programme.get_absolute_url(), {"distribution": distribution.pk})
    assert response.status_code == 302
    assert programme.allocations.count() == 4
    assert selectors.programme_report(programme=programme).allocated == Decimal("80000.00")
    assert "funding.programme.allocated" in actions()
    too_big = make_distribution(amount=Decimal("8000000.00"), name="zu groß")
    response = funder_client.post(programme.get_absolute_url(), {"distribution": too_big.pk})
    assert response.status_code == 200
    assert "übersteigt das Budget (100.000,00 EUR)" in " ".join(
        response.context["allocate_form"].non_field_errors()
    )
    assert programme.allocations.count() == 4  # unchanged


# --- grants ----------------------------------------------------------------------------------


def test_grant_application_with_cost_plan(funder_client) -> None:
    programme = make_programme()
    recipient = organisation("Ausländerrat Dresden e. V.", "provider")
    response = funder_client.post(
        reverse("funding:grant_create", kwargs={"pk": programme.pk}),
        {
            "organisation": recipient.pk,
            "title": "Koordinierungsstelle",
            "amount": "50.000,00",
            "own_funds": "2.500,00",
            "third_party_funds": "",
            "costs-TOTAL_FORMS": "4",
            "costs-INITIAL_FORMS": "0",
            "costs-MIN_NUM_FORMS": "0",
            "costs-MAX_NUM_FORMS": "30",
            "costs-0-description": "Personal",
            "costs-0-amount": "45.000,00",
            "costs-1-description": "Sachkosten",
            "costs-1-amount": "7.500,00",
        },
    )
    grant = programme.grants.get()
    assert response.status_code == 302
    assert grant.status == GrantStatus.APPLIED
    assert grant.cost_lines.count() == 2
    assert services.financing_gap(grant=grant) == 0
    assert actions() == ["funding.grant.applied"]


def test_two_grants_one_half_frozen_then_released(funder_client, provider_client) -> None:
    """The Dresden case: 100,000 EUR, two grants of 50,000; half of one under a budget freeze."""
    programme = make_programme()
    first = make_grant(programme=programme, approve=True)
    second = make_grant(
        programme=programme,
        recipient=organisation("Plattform Dresden e. V.", "provider"),
        approve=True,
    )
    url = reverse("funding:grant_action", kwargs={"pk": second.pk, "action": "freeze"})
    assert (
        funder_client.post(
            url, {"amount": "25.000,00", "reason": "Haushaltssperre 2026"}
        ).status_code
        == 302
    )
    report = selectors.programme_report(programme=programme)
    assert (report.budget, report.approved, report.frozen, report.remaining) == (
        Decimal("100000.00"),
        Decimal("100000.00"),
        Decimal("25000.00"),
        Decimal("0.00"),
    )
    assert report.adds_up

    # The frozen half cannot be paid.
    pay = reverse("funding:grant_action", kwargs={"pk": second.pk, "action": "pay"})
    funder_client.post(pay, {"amount": "50.000,00", "paid_on": "2026-11-20"})
    assert selectors.grant_money(grant=second).paid == 0
    assert (
        funder_client.post(pay, {"amount": "25.000,00", "paid_on": "2026-11-20"}).status_code == 302
    )
    second.refresh_from_db()
    assert second.status == GrantStatus.APPROVED  # not fully paid while frozen

    freeze = second.freezes.get()
    release = reverse("funding:grant_action", kwargs={"pk": second.pk, "action": "release"})
    assert funder_client.post(release, {"freeze": freeze.pk}).status_code == 302
    assert (
        funder_client.post(pay, {"amount": "25.000,00", "paid_on": "2026-12-01"}).status_code == 302
    )
    second.refresh_from_db()
    assert second.status == GrantStatus.PAID
    report = selectors.programme_report(programme=programme)
    assert (report.frozen, report.paid, report.open) == (
        Decimal(0),
        Decimal("50000.00"),
        Decimal("50000.00"),
    )
    assert report.adds_up
    assert actions().count("funding.grant.frozen") == 1
    assert actions().count("funding.grant.released") == 1

    # The recipient reports on the use of funds; the funder closes.
    report_url = reverse("funding:grant_action", kwargs={"pk": second.pk, "action": "report"})
    from django.test import Client

    from accounts_helpers import login_client, make_user

    platform_user = make_user("provider", username="plattform", organisation=second.organisation)
    platform = login_client(Client(), platform_user)
    response = platform.post(
        report_url,
        {"submitted_on": "2026-11-20", "spent": "49.800,00", "summary": "Anlaufstelle betrieben"},
    )
    assert response.status_code == 302
    close = reverse("funding:grant_action", kwargs={"pk": second.pk, "action": "close"})
    assert platform.post(close).status_code == 403  # only the funder closes
    assert funder_client.post(close).status_code == 302
    second.refresh_from_db()
    assert second.status == GrantStatus.CLOSED
    logged = actions()
    assert logged.count("funding.grant.approved") == 2
    assert logged.count("funding.grant.paid") == 2
    assert logged.count("funding.grant.reported") == 1
    assert logged.count("funding.grant.closed") == 1
    assert first.organisation.name == "Test organisation provider"


def test_budget_cannot_be_overcommitted() -> None:
    programme = make_programme(budget=Decimal("80000.00"))
    make_grant(programme=programme, approve=True)
    second = make_grant(programme=programme)
    with pytest.raises(services.FundingError, match="überschritte das Budget"):
        services.grant_approve(
            actor=None, grant=second, notice_number="X", notice_date=dt.date(2026, 1, 1)
        )


def test_unbalanced_plan_cannot_be_approved() -> None:
    grant = make_grant()
    grant.own_funds = Decimal("1.00")
    grant.save()
    with pytest.raises(services.FundingError, match="nicht ausgeglichen"):
        services.grant_approve(
            actor=None, grant=grant, notice_number="X", notice_date=dt.date(2026, 1, 1)
        )


def test_freeze_and_payment_limits() -> None:
    grant = make_grant(approve=True)
    with pytest.raises(services.FundingError):
        services.grant_freeze(actor=None, grant=grant, amount=Decimal("50000.01"), reason="x")
    services.grant_freeze(actor=None, grant=grant, amount=Decimal("20000.00"), reason="x")
    with pytest.raises(services.FundingError):
        services.grant_pay(
            actor=None, grant=grant, amount=Decimal("30000.01"), paid_on=dt.date(2026, 5, 1)
        )
    services.grant_pay(
        actor=None, grant=grant, amount=Decimal("30000.00"), paid_on=dt.date(2026, 5, 1)
    )
    freeze = grant.freezes.get()
    services.freeze_release(actor=None, freeze=freeze)
    with pytest.raises(services.FundingError, match="bereits freigegeben"):
        services.freeze_release(actor=None, freeze=freeze)


def test_notice_pdf_for_funder_and_recipient_only(
    funder_client, provider_client, client_for_role
) -> None:
    grant = make_grant(approve=True)
    url = reverse("funding:grant_notice", kwargs={"pk": grant.pk})
    for client in (funder_client, provider_client):
        response = client.get(url)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    from django.test import Client

    from accounts_helpers import login_client, make_user

    stranger = make_user(
        "provider", username="stranger", organisation=organisation("Anderer Verein", "provider")
    )
    stranger_client = login_client(Client(), stranger)
    assert stranger_client.get(url).status_code == 404
    assert stranger_client.get(grant.get_absolute_url()).status_code == 404
    assert grant.title not in stranger_client.get(reverse("funding:grant_list")).content.decode()
    assert grant.title in provider_client.get(reverse("funding:grant_list")).content.decode()


def test_notice_only_after_approval(funder_client) -> None:
    grant = make_grant()
    assert (
        funder_client.get(reverse("funding:grant_notice", kwargs={"pk": grant.pk})).status_code
        == 404
    )


def test_recipient_cannot_approve_or_freeze(provider_client) -> None:
    grant = make_grant()
    for action in ("approve", "freeze", "pay", "close"):
        url = reverse("funding:grant_action", kwargs={"pk": grant.pk, "action": action})
        assert provider_client.post(url, {}).status_code == 403
    assert (
        provider_client.get(
            reverse("funding:grant_action", kwargs={"pk": grant.pk, "action": "approve"})
        ).status_code
        == 405
    )


def test_programme_page_query_count_does_not_grow_with_grants(
    funder_client, django_assert_max_num_queries
) -> None:
    programme = make_programme(budget=Decimal("10000000.00"))
    for _ in range(5):
        make_grant(programme=programme, approve=True)
    with django_assert_max_num_queries(20):
        assert funder_client.get(programme.get_absolute_url()).status_code == 200
    for _ in range(10):
        make_grant(programme=programme, approve=True)
    with django_assert_max_num_queries(20):
        assert funder_client.get(programme.get_absolute_url()).status_code == 200


def test_demo_loader_is_idempotent() -> None:
    from passgenau.apps.accounts.demo import load_demo_accounts
    from passgenau.apps.funding import demo
    from passgenau.apps.funding.models import Programme
    from passgenau.apps.territories.demo import territories_load_demo

    assert "skipped" in demo.load()
    territories_load_demo()
    load_demo_accounts()
    first = demo.load()
    assert "2 grants" in first and "demo distribution across" in first
    programme = Programme.objects.get(name=demo.DEMO_PROGRAMME)
    report = selectors.programme_report(programme=programme)
    assert (report.approved, report.frozen, report.remaining) == (
        Decimal("100000.00"),
        Decimal("25000.00"),
        Decimal("0.00"),
    )
    assert "already" in demo.load()
    assert Programme.objects.count() == 1


def test_chart_shows_at_most_60_bars_but_the_table_all(funder_client) -> None:
    from passgenau.apps.territories.models import Kreis

    land = make_land()
    for i in range(70):
        Kreis.objects.create(
            ags=f"08{i:03d}", land=land, name=f"Kreis {i}", kind="landkreis", population=1000 + i
        )
    response = funder_client.get(reverse("funding:calculator"), EIGHT_MILLION)
    page = response.content.decode()
    assert page.count("<rect") == 60
    assert len(response.context["computed"].lines) == 70
    assert "Kreis 69" in page and "Kreis 0<" in page  # the smallest is in the table


def test_list_pages_use_a_fixed_number_of_queries(
    funder_client, provider_client, django_assert_max_num_queries
) -> None:
    programme = make_programme(budget=Decimal("10000000.00"))
    for _ in range(3):
        make_grant(programme=programme, approve=True)
        make_distribution(amount=Decimal("1000.00"))
    pages = [
        (funder_client, reverse("funding:grant_list")),
        (provider_client, reverse("funding:grant_list")),
        (funder_client, reverse("funding:distribution_list")),
        (funder_client, reverse("funding:programme_list")),
    ]
    counts = []
    for client, url in pages:
        with django_assert_max_num_queries(15) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    for _ in range(5):
        make_grant(programme=programme, approve=True)
        make_distribution(amount=Decimal("1000.00"))
    for (client, url), before in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(before):
            assert client.get(url).status_code == 200


def test_programme_report_pdf(funder_client, client_for_role) -> None:
    programme = make_programme()
    grant = make_grant(programme=programme, approve=True)
    services.grant_freeze(actor=None, grant=grant, amount=Decimal("25000.00"), reason="Sperre")
    url = reverse("funding:programme_report_download", kwargs={"pk": programme.pk})
    response = funder_client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    from django.test import Client

    from accounts_helpers import login_client, make_user

    other = make_user("funder", username="fremd", organisation=organisation("Fremd", "funder"))
    assert login_client(Client(), other).get(url).status_code == 404


# --- issued documents as a reader sees them --------------------------------------------------


def test_distribution_pdf_headers_do_not_overlap_and_quota_is_rounded() -> None:
    """Bug: German headers ran into each other, the quota was cut off instead of rounded."""
    from django.utils import translation

    from passgenau.apps.funding.exports import distribution_pdf
    from pdf_helpers import assert_readable_pdf, pdf_text

    distribution = make_distribution()
    with translation.override("de"):
        data = distribution_pdf(distribution)
        boxes = assert_readable_pdf(data)
    text = pdf_text(data)
    assert "Amtlicher" in text and "Gebiet" in text
    line = distribution.lines.get(territory_key="08111")
    rounded = line.quota.quantize(Decimal("0.0001"))
    shown = f"{rounded:,.4f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    assert shown in text, (shown, [b.text for b in boxes if "08111" in b.text or "," in b.text])


def test_distribution_xlsx_weight_is_a_number(funder_client) -> None:
    distribution = make_distribution()
    response = funder_client.get(
        reverse("funding:distribution_download", kwargs={"pk": distribution.pk, "fmt": "xlsx"})
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r and str(r[0]).startswith("08")]
    assert rows and all(isinstance(r[2], int | float) for r in rows), rows


def test_payment_in_the_future_is_not_paid_unless_planned_and_confirmed() -> None:
    """Bug: a payout dated 01.01.2030 counted as paid at once."""
    from django.utils import timezone

    from passgenau.apps.funding import selectors

    grant = make_grant(approve=True)
    later = timezone.localdate() + dt.timedelta(days=30)
    with pytest.raises(services.FundingError, match="geplant"):
        services.grant_pay(actor=None, grant=grant, amount=Decimal("10.00"), paid_on=later)
    with pytest.raises(services.FundingError):
        services.grant_pay(
            actor=None,
            grant=grant,
            amount=Decimal("10.00"),
            paid_on=dt.date(2026, 1, 5),
            planned=True,
        )
    payment = services.grant_pay(
        actor=None, grant=grant, amount=grant.amount, paid_on=later, planned=True
    )
    grant.refresh_from_db()
    money = selectors.grant_money(grant=grant)
    assert grant.status == GrantStatus.APPROVED  # nothing paid yet
    assert money.paid == 0 and money.planned == grant.amount and money.payable == 0
    assert selectors.programme_report(programme=grant.programme).paid == 0
    with pytest.raises(services.FundingError, match="Datum"):
        services.payment_confirm(actor=None, payment=payment)
    Payment.objects.filter(pk=payment.pk).update(paid_on=timezone.localdate())
    services.payment_confirm(actor=None, payment=payment)
    grant.refresh_from_db()
    assert grant.status == GrantStatus.PAID
    assert selectors.grant_money(grant=grant).paid == grant.amount


def test_issued_notice_is_stored_as_issued_with_legal_remedy(funder_client) -> None:
    """Bug: a freeze after approval appeared in the notice that had already gone out."""
    import hashlib

    from pdf_helpers import assert_readable_pdf, pdf_text

    grant = make_grant(approve=True)
    url = reverse("funding:grant_notice", kwargs={"pk": grant.pk})
    first = funder_client.get(url).content
    assert_readable_pdf(first)
    notice = grant.issued_notices.get()
    assert hashlib.sha256(first).hexdigest() == notice.sha256
    assert "Rechtsbehelfsbelehrung" in pdf_text(first) and "Widerspruch" in pdf_text(first)
    services.grant_freeze(actor=None, grant=grant, amount=Decimal("1000.00"), reason="Sperre")
    grant.programme.legal_remedy = "Klage beim Verwaltungsgericht binnen eines Monats."
    grant.programme.save()
    assert funder_client.get(url).content == first  # served as issued, never regenerated
    assert grant.issued_notices.count() == 1

    other = make_grant(approve=False)
    other.programme.legal_remedy = "Klage beim Verwaltungsgericht binnen eines Monats."
    other.programme.save()
    other = services.grant_approve(
        actor=None, grant=other, notice_number="SO-2026-002", notice_date=dt.date(2026, 11, 4)
    )
    assert "Verwaltungsgericht" in pdf_text(bytes(other.issued_notices.get().content))


def test_notice_date_in_the_future_refused() -> None:
    from django.utils import timezone

    grant = make_grant()
    with pytest.raises(services.FundingError, match="Zukunft"):
        services.grant_approve(
            actor=None,
            grant=grant,
            notice_number="X-1",
            notice_date=timezone.localdate() + dt.timedelta(days=1),
        )


def test_programme_report_pdf_is_readable() -> None:
    from django.utils import translation

    from passgenau.apps.funding import exports, selectors
    from pdf_helpers import assert_readable_pdf

    programme = make_programme()
    grant = make_grant(programme=programme, approve=True)
    grant.title = "Ein sehr langer Projekttitel für die Koordinierung der Integrationsarbeit"
    grant.save()
    with translation.override("de"):
        data = exports.programme_report_pdf(
            programme,
            selectors.programme_report(programme=programme),
            [(grant, selectors.grant_money(grant=grant))],
        )
    assert_readable_pdf(data)


def test_calculator_warns_when_the_land_is_only_partly_loaded(funder_client) -> None:
    """Bug: 8 M EUR spread over 4 of BW's 44 Kreise (1.26 M of 11.1 M inhabitants) silently."""
    land = make_sample_kreise()
    land.population = 11_100_394
    land.save()
    response = funder_client.get(reverse("funding:calculator"), EIGHT_MILLION)
    warnings = response.context["computed"].key.warnings
    assert len(warnings) == 1
    assert "1,82 Millionen der 11,10 Millionen Einwohner" in warnings[0]  # 4 sample Kreise
    assert "passgenau import-territories" in warnings[0]
    assert warnings[0] in response.content.decode()

    # The whole Land loaded (its figure equals the sum): no warning.
    from passgenau.apps.territories.models import Kreis

    land.population = sum(Kreis.objects.filter(land=land).values_list("population", flat=True))
    land.save()
    response = funder_client.get(reverse("funding:calculator"), EIGHT_MILLION)
    assert response.context["computed"].key.warnings == []

    # A Land whose own total is unknown cannot be checked, and says so.
    land.population = None
    land.save()
    warnings = (
        funder_client.get(reverse("funding:calculator"), EIGHT_MILLION)
        .context["computed"]
        .key.warnings
    )
    assert len(warnings) == 1 and "nicht bekannt" in warnings[0]


def test_calculator_warns_when_laender_are_missing(funder_client) -> None:
    make_sample_kreise()
    land = make_land("14", "Sachsen")
    land.population, land.area_km2 = 4_071_971, Decimal("18449.95")
    land.save()
    bw = make_land()
    bw.population, bw.area_km2 = 11_100_394, Decimal("35747.75")
    bw.save()
    params = {**EIGHT_MILLION, "level": "land", "land": ""}
    computed = funder_client.get(reverse("funding:calculator"), params).context["computed"]
    assert computed.key.warnings == [
        "Nur 2 der 16 Länder sind in der Datenbank. Importieren Sie das amtliche "
        "Destatis-Verzeichnis, um es zu vervollständigen: passgenau import-territories FILE "
        "(siehe README)."
    ]


def test_grant_list_searches_filters_and_pages(
    funder_client, django_assert_max_num_queries
) -> None:
    programme = make_programme()
    approved = make_grant(programme=programme, approve=True)
    applied = make_grant(programme=programme)
    applied.title = "Sprachcafé am Markt"
    applied.save()
    url = reverse("funding:grant_list")
    page = funder_client.get(url, {"q": "sprachcafé"}).content.decode()
    assert "Sprachcafé am Markt" in page and approved.get_absolute_url() not in page
    page = funder_client.get(url, {"status": "approved"}).content.decode()
    assert approved.get_absolute_url() in page and applied.get_absolute_url() not in page
    # bad filter values are a form error, not a 500; a page beyond the end shows the last one
    assert funder_client.get(url, {"programme": "abc", "status": "x"}).status_code == 200
    assert funder_client.get(url, {"page": "999999999999999999999"}).status_code == 200
    for _ in range(60):
        make_grant(programme=programme)
    with django_assert_max_num_queries(12):
        response = funder_client.get(url)
    assert len(response.context["page"].object_list) == 50
    assert 'rel="next"' in response.content.decode()


def test_distribution_and_programme_lists_search(funder_client) -> None:
    make_distribution(name="Soforthilfe Kreise")
    make_distribution(name="Integrationsmanagement")
    page = funder_client.get(reverse("funding:distribution_list"), {"q": "sofort"})
    assert "Soforthilfe Kreise" in page.content.decode()
    assert "Integrationsmanagement" not in page.content.decode()
    make_programme(name="Zentrum Süd")
    page = funder_client.get(reverse("funding:programme_list"), {"q": "süd"}).content.decode()
    assert "Zentrum Süd" in page
