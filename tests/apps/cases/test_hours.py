"""Specialist hours: logged per case, caseworker, date, activity and contract; corrections only
as new entries with a reason; the monthly statement adds up with the hours logged."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases_helpers import caseworker, make_case, make_contract
from passgenau.apps.cases import exports, selectors, services
from passgenau.apps.cases.models import HourEntry

pytestmark = pytest.mark.django_db


def _log(case, contract, on=dt.date(2026, 3, 2), hours="1.50", activity="counselling"):
    return services.hours_log(
        actor=caseworker(),
        case=case,
        contract=contract,
        on=on,
        activity=activity,
        hours=Decimal(hours),
    )


def test_hours_rules():
    case = make_case()
    contract = make_contract()
    with pytest.raises(services.CasesError, match="future"):
        _log(case, contract, on=dt.date.today() + dt.timedelta(days=1))
    with pytest.raises(services.CasesError, match="quarter"):
        _log(case, contract, hours="1.10")
    with pytest.raises(services.CasesError, match="period"):
        _log(case, contract, on=dt.date(2025, 12, 31))
    no_billing = make_case(purposes={"case_management"}, name="No billing consent")
    with pytest.raises(services.CasesError, match="consent"):
        _log(no_billing, contract)
    assert _log(case, contract).entry.hours == Decimal("1.50")


def test_contract_of_another_organisation_refused():
    from funding_helpers import organisation

    case = make_case()
    contract = make_contract(recipient=organisation("Caritas", "provider"))
    with pytest.raises(services.CasesError, match="not with your organisation"):
        _log(case, contract)


def test_entries_are_never_edited_corrections_need_a_reason():
    case = make_case()
    contract = make_contract()
    entry = _log(case, contract, hours="2.00").entry
    entry.hours = Decimal("3.00")
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    with pytest.raises(services.CasesError, match="reason"):
        services.hours_correct(actor=caseworker(), entry=entry, hours=Decimal("-0.50"), reason=" ")
    with pytest.raises(services.CasesError, match="less than zero"):
        services.hours_correct(actor=caseworker(), entry=entry, hours=Decimal("-2.25"), reason="x")
    correction = services.hours_correct(
        actor=caseworker(), entry=entry, hours=Decimal("-0.50"), reason="Typo: 1.5 h"
    )
    assert correction.corrects == entry and correction.on == entry.on
    assert HourEntry.objects.get(pk=entry.pk).hours == Decimal("2.00")
    first, last = selectors.month_bounds(2026, 3)
    statement = selectors.statement(contract=contract, first_day=first, last_day=last)
    assert statement.hours == Decimal("1.50")
    assert statement.amount == Decimal("93.60")


def test_overrun_warned_and_usage_shown():
    case = make_case()
    contract = make_contract(budget=Decimal("3.00"))
    assert _log(case, contract, hours="2.00").over_budget == 0
    assert _log(case, contract, hours="1.50").over_budget == Decimal("0.50")
    usage = selectors.contract_usage(selectors.contracts_for_user(user=caseworker()).get())
    assert usage.used == Decimal("3.50") and usage.left == Decimal("-0.50") and usage.overrun


def test_statement_files_pseudonymised():
    case = make_case(name="Olena Kovalenko")
    contract = make_contract()
    _log(case, contract, hours="1.25")
    first, last = selectors.month_bounds(2026, 3)
    statement = selectors.statement(contract=contract, first_day=first, last_day=last)
    csv_text = exports.statement_csv(statement).decode("utf-8-sig")
    assert case.reference in csv_text and "Olena" not in csv_text
    assert "78.00" in csv_text  # 1.25 h x 62.40
    pdf = exports.statement_pdf(statement)
    assert pdf.startswith(b"%PDF") and b"Olena" not in pdf


RATE = st.decimals(min_value=Decimal("20.00"), max_value=Decimal("120.00"), places=2)
ENTRY = st.tuples(
    st.integers(0, 3),  # which case
    st.integers(1, 28),  # day of the month
    st.integers(1, 32),  # quarter hours
    st.booleans(),  # in March (else April)
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rate=RATE, entries=st.lists(ENTRY, min_size=1, max_size=25))
def test_statement_adds_up_with_the_hours_logged(django_db_blocker, rate, entries):
    """Oracle: the entries summed per case in Python, each line priced to the cent; the
    statement's CSV (parsed, in English and German) and the total row of its PDF (read back as
    text) give the same lines and totals, to the cent."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        actor = caseworker()
        contract = make_contract(rate=rate, budget=Decimal("100000"))
        cases = [make_case(actor, name=f"Person {i}") for i in range(4)]
        expected: dict[str, Decimal] = {}
        for which, day, quarters, march in entries:
            on = dt.date(2026, 3 if march else 4, day)
            hours = Decimal(quarters) / 4
            services.hours_log(
                actor=actor,
                case=cases[which],
                contract=contract,
                on=on,
                activity="counselling",
                hours=hours,
            )
            if march:
                ref = cases[which].reference
                expected[ref] = expected.get(ref, Decimal(0)) + hours
        first, last = selectors.month_bounds(2026, 3)
        statement = selectors.statement(contract=contract, first_day=first, last_day=last)
        assert {line.case_reference: line.hours for line in statement.lines} == expected
        assert statement.hours == sum(expected.values(), Decimal(0))
        oracle = sum(
            ((h * rate).quantize(Decimal("0.01"), ROUND_HALF_UP) for h in expected.values()),
            Decimal(0),
        )
        assert statement.amount == oracle
        assert statement.entries == sum(1 for e in entries if e[3])
        for language in ("en", "de"):
            with translation.override(language):
                lines, total = _csv_parsed(exports.statement_csv(statement), language)
                pdf_total = _pdf_total(exports.statement_pdf(statement), language)
            assert {ref: hours for ref, (hours, _rate, _amount) in lines.items()} == expected
            for ref, (hours, line_rate, amount) in lines.items():
                assert line_rate == rate
                assert amount == (hours * rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
            assert total == (sum(expected.values(), Decimal(0)), oracle), language
            assert sum((amount for _h, _r, amount in lines.values()), Decimal(0)) == oracle
            assert pdf_total == total, language
        transaction.set_rollback(True)


def _decimal(text: str, language: str) -> Decimal:
    """A figure of the files as written in ``language`` (``1.234,50`` in German)."""
    if language == "de":
        text = text.replace(".", "").replace(",", ".")
    return Decimal(text.replace(",", ""))


def _csv_parsed(data: bytes, language: str):
    """The statement CSV read back: {case: (hours, rate, amount)} and (total hours, amount)."""
    import csv
    import io

    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if language == "de" else ","))
    *lines, last = rows[1:]
    assert last[0] == ("Summe" if language == "de" else "Total") and last[2] == ""
    parsed = {
        ref: (_decimal(h, language), _decimal(r, language), _decimal(a, language))
        for ref, h, r, a in lines
    }
    assert len(parsed) == len(lines)  # one line per case
    return parsed, (_decimal(last[1], language), _decimal(last[3], language))


def _pdf_total(data: bytes, language: str) -> tuple[Decimal, Decimal]:
    """The total row of the statement PDF, as a reader sees it: (hours, amount)."""
    from pdf_helpers import pdf_text

    label = "Summe" if language == "de" else "Total"
    figure = r"\d{1,3}(?:[.,]\d{3})*[.,]\d{2}"
    found = re.findall(rf"^{label}\s+({figure})\s+({figure})\s*$", pdf_text(data), re.M)
    assert len(found) == 1, pdf_text(data)
    return _decimal(found[0][0], language), _decimal(found[0][1], language)


def test_the_year_statement_pdf_reads_as_the_statement(funder_client):
    """The year statement as the funder downloads it (issue 11: every PDF checked by rendering
    it): PDFium draws every page and finds no text over other text, though the figures run into
    the thousands and 45 cases fill more than one page; read back, it has the whole year as its
    period, the columns, one row per case with its hours and amount as the statement has them,
    the total, and no name."""
    from django.urls import reverse

    from pdf_helpers import assert_readable_pdf, pdf_text

    contract = make_contract(budget=Decimal("100000"))
    cases = [make_case(name=f"Olena Person {i}") for i in range(45)]
    for number, case in enumerate(cases):
        _log(case, contract, on=dt.date(2026, 1 + number % 11, 10), hours="7.75")
    first, last = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    statement = selectors.statement(contract=contract, first_day=first, last_day=last)
    assert len(statement.lines) == 45

    url = reverse("cases:statement_download", args=[contract.pk, "pdf"]) + "?year=2026"
    response = funder_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert_readable_pdf(response.content, min_pages=2)
    text = pdf_text(response.content)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Abrechnung der Fachleistungsstunden" in lines
    assert "Zeitraum: 01.01.2026 - 31.12.2026" in lines  # the dash as the core font has it
    assert "Fall (Pseudonym) Stunden Betrag (EUR)" in lines
    rows = [line for line in lines if re.match(r"^\S+ \d{1,3}(\.\d{3})*,\d{2} [\d.]+,\d{2}$", line)]
    expected = [f"{line.case_reference} 7,75 483,60" for line in statement.lines]
    assert rows[:-1] == expected  # every case once, in the statement's order
    assert rows[-1] == "Summe 348,75 21.762,00"
    assert statement.hours == Decimal("348.75") and statement.amount == Decimal("21762.00")
    assert "Olena" not in text
