"""The council's progress report: rendered as a reader sees it, in German, reproducible from the
stored data, and stored as issued."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from docx import Document

from accounts_helpers import make_user
from measures_helpers import coordinating_office, make_plan
from passgenau.apps.measures import reports, selectors, services
from pdf_helpers import assert_readable_pdf, pdf_text

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 30)


@pytest.fixture
def progress():
    officer = make_user(
        "municipal_officer", username="r-officer", organisation=coordinating_office()
    )
    plan = make_plan(user=officer, status="adopted")
    housing = plan.measures.get(code="1.1")
    services.measure_status_change(
        user=officer, measure=housing, status="running", on=dt.date(2026, 2, 1)
    )
    services.measure_status_change(
        user=officer,
        measure=housing,
        status="delayed",
        on=dt.date(2026, 6, 1),
        note="Zu wenige freie Wohnungen am Markt",
        spent=Decimal("30000.00"),
    )
    services.measure_status_change(
        user=officer,
        measure=plan.measures.get(code="2.1"),
        status="running",
        on=dt.date(2026, 3, 1),
    )
    indicator = services.indicator_create(
        user=officer,
        plan=plan,
        measure=housing,
        name="Vermittelte Wohnungen",
        baseline=Decimal(0),
        target=Decimal(200),
    )
    services.indicator_value_record(
        user=officer, indicator=indicator, on=dt.date(2026, 9, 30), value=Decimal(50)
    )
    # recorded after the report's date: must not appear in it
    services.indicator_value_record(
        user=officer, indicator=indicator, on=dt.date(2026, 12, 1), value=Decimal(90)
    )
    return selectors.plan_progress(plan=plan, as_of=AS_OF)


def test_pdf_renders_without_overlapping_text_and_says_it_in_german(progress):
    data = reports.report_pdf(progress)
    boxes = assert_readable_pdf(data, min_pages=3)
    text = pdf_text(data)
    pages = text.split("\f")
    assert len(pages) == 1 + len(progress.areas)  # overview, then one page per area
    assert "Sachstandsbericht Fachplan Asyl und Integration" in pages[0]
    assert "Stand 30.11.2026" in pages[0]
    housing = pages[1]
    assert "Handlungsfeld 1 Wohnen" in housing
    assert "Ampel: rot" in housing  # the colour is named, not only shown
    assert "Zu wenige freie Wohnungen am Markt" in housing  # the reason of the delay
    assert "Vermittelte Wohnungen" in housing and "50" in housing and "200" in housing
    assert "25 %" in housing  # 50 of the way from 0 to 200
    assert "90" not in housing.replace("1990", "")  # the value after the report's date
    assert "Ampel: grün" in pages[2]
    assert "30.000,00" in housing  # money spent, German notation
    assert boxes


def test_the_same_data_give_the_same_pdf(progress):
    first = reports.report_pdf(progress)
    again = reports.report_pdf(selectors.plan_progress(plan=progress.plan, as_of=AS_OF))
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(again).hexdigest()


def test_docx_has_areas_lights_delays_and_a_chart(progress):
    data = reports.report_docx(progress)
    document = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "Sachstandsbericht Fachplan Asyl und Integration" in text
    assert "Ampel: rot – verzögerte Maßnahmen" in text
    assert "Zu wenige freie Wohnungen am Markt" in cells
    assert "Vermittelte Wohnungen" in text
    assert len(document.inline_shapes) == 1  # the indicator chart of the housing area
    assert document.core_properties.language == "de-DE"


def test_the_same_data_give_the_same_docx(progress):
    """python-docx dates the parts of the package by the clock; the report dates them by its
    own date, so that a Word report, like the PDF, is the same file for the same data."""
    import zipfile

    data = reports.report_docx(progress)
    parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    assert {part.date_time for part in parts} == {(2026, 11, 30, 12, 0, 0)}
    assert Document(io.BytesIO(data)).paragraphs  # still a Word document
    again = reports.report_docx(selectors.plan_progress(plan=progress.plan, as_of=AS_OF))
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(data).hexdigest()


def test_issued_report_is_stored_with_its_hash(progress):
    data = reports.report_pdf(progress)
    report = services.report_store(
        user=None, plan=progress.plan, as_of=AS_OF, fmt="pdf", content=data
    )
    report.refresh_from_db()
    assert bytes(report.content) == data
    assert report.sha256 == hashlib.sha256(data).hexdigest()
