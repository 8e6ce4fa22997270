"""Every CSV and Excel export goes through here: text that a spreadsheet program would run as a
formula (``=``, ``+``, ``-``, ``@``, tab, carriage return at the start) is neutralised with a
leading apostrophe. Numbers, and text that is only a formatted number ("-1.234,56"), stay as
they are; a formula of our own is written as :class:`Formula`. An import that reads our own
exports back takes the apostrophe off again (:func:`read_cell`).

Every Excel import reads through :func:`xlsx_rows`: one row at a time, so that an import can stop
at its row limit without reading a file of a million rows first (issue 10, defect 4)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils.translation import gettext as _

__all__ = [
    "XLSX_MAX_COLUMNS",
    "Formula",
    "SpreadsheetDamaged",
    "SpreadsheetTooLarge",
    "SpreadsheetTooWide",
    "cell_text",
    "csv_bytes",
    "csv_lines",
    "read_cell",
    "safe_cell",
    "safe_row",
    "sheet_append",
    "text_rows",
    "xlsx_rows",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMATTED_NUMBER = re.compile(r"[+-]?[0-9][0-9.,\u00a0\u202f ]*(?:[eE][+-]?[0-9]+)?")


class Formula(str):
    """A formula the export itself writes (a sum row): kept as a formula."""

    __slots__ = ()


def safe_cell(value: Any) -> Any:
    if isinstance(value, Formula) or not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START) and not _FORMATTED_NUMBER.fullmatch(value):
        return "'" + value
    return value


def read_cell(text: str) -> str:
    """The text :func:`safe_cell` neutralised, as it was (for imports of our own exports)."""
    if text.startswith("'") and safe_cell(text[1:]) == text:
        return text[1:]
    return text


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


def sheet_append(sheet: Any, values: Iterable[Any]) -> None:
    """``sheet.append`` of an openpyxl worksheet, neutralised."""
    sheet.append(safe_row(values))


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence[Any]], **writer_options: Any) -> Iterator[str]:
    writer = csv.writer(_Echo(), **writer_options)
    for row in rows:
        yield writer.writerow(safe_row(row))


def csv_bytes(rows: Iterable[Sequence[Any]], *, bom: bool = True, **writer_options: Any) -> bytes:
    """A whole CSV file, UTF-8 (with a byte order mark, which Excel needs to read UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out, **writer_options)
    for row in rows:
        writer.writerow(safe_row(row))
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


TABLE_FORMATS = ("csv", "xlsx")


def table_bytes(rows: Iterable[Sequence[Any]], *, fmt: str, title: str) -> bytes:
    """A table (header row first) as a CSV file or as an Excel workbook of one sheet named
    ``title``; typed text never becomes a formula in either."""
    if fmt == "csv":
        return csv_bytes(rows, lineterminator="\n")
    if fmt != "xlsx":
        raise ValueError(f"unknown format {fmt!r}")
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]  # Excel's limit for a sheet name
    for row in rows:
        sheet_append(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- reading -------------------------------------------------------------------------------------

XLSX_MAX_COLUMNS = 500


class SpreadsheetTooWide(ValueError):
    def __init__(self, row: int, limit: int) -> None:
        self.row = row
        self.limit = limit
        super().__init__(
            _("Row %(row)d has cells beyond column %(limit)d.") % {"row": row, "limit": limit}
        )


XLSX_MAX_PART_BYTES = 32 * 1024 * 1024  # unpacked, each part of the file but the sheet itself


class SpreadsheetTooLarge(ValueError):
    def __init__(self, part: str) -> None:
        self.part = part
        super().__init__(
            _("The file unpacks to more than %(size)d MB (%(part)s).")
            % {"size": XLSX_MAX_PART_BYTES // (1024 * 1024), "part": part}
        )


def xlsx_rows(content: bytes, *, max_columns: int = XLSX_MAX_COLUMNS) -> Iterator[list[Any]]:
    """The rows of the first sheet of an .xlsx file, as lists of cell values, streamed: the
    sheet is parsed as the rows are taken, so a caller that stops at its row limit has not read
    the rest of a file of a million rows. The size the sheet claims for itself (``dimension``)
    is neither read (without one, openpyxl's read-only mode parses the whole sheet to find it)
    nor believed (one claiming A1:XFD1048576 would be padded to 17 billion cells). Rows come as
    long as their last filled cell (an empty row is ``[]``); a cell beyond ``max_columns`` raises
    :class:`SpreadsheetTooWide`, a part other than the sheet (shared strings, styles) unpacking
    to more than XLSX_MAX_PART_BYTES :class:`SpreadsheetTooLarge`. A damaged file raises what
    openpyxl or zipfile raise, also while the rows are read."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class StreamedSheet(ReadOnlyWorksheet):  # type: ignore[misc]
        def _get_size(self) -> None:
            """The dimension is not looked for."""

    reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True)
    try:
        reader.read_manifest()
        reader.read_workbook()
        sheets = [
            rel.target
            for _sheet, rel in reader.parser.find_sheets()
            if "chartsheet" not in rel.Type and rel.target in reader.valid_files
        ]
        for info in reader.archive.infolist():
            if info.file_size > XLSX_MAX_PART_BYTES and info.filename not in sheets[:1]:
                raise SpreadsheetTooLarge(info.filename)
        reader.read_strings()
        apply_stylesheet(reader.archive, reader.wb)  # which numbers are dates
        if not sheets:
            return
        sheet = StreamedSheet(reader.wb, "", sheets[0], reader.shared_strings)
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = list(row[:max_columns])
            if len(row) > max_columns and any(v is not None for v in row[max_columns:]):
                raise SpreadsheetTooWide(number, max_columns)
            while values and values[-1] is None:
                values.pop()
            yield values
    finally:
        reader.archive.close()


class SpreadsheetDamaged(ValueError):
    """An .xlsx file that openpyxl or zipfile cannot read (the caller words the message)."""


def cell_text(value: Any) -> str:
    """A cell as text: dates written the German way (31.12.2026), whole numbers without ".0",
    the apostrophe of our own exports taken off."""
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return day.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else read_cell(str(value).strip())


def text_rows(file_name: str, content: bytes) -> Iterator[list[str]]:
    """The rows of the first sheet (.xlsx, streamed through :func:`xlsx_rows`) or of a CSV file
    (UTF-8 or Windows-1252, ``;`` or ``,`` as the first line uses), as text, read lazily.
    Raises :class:`SpreadsheetTooWide`, :class:`SpreadsheetTooLarge` or
    :class:`SpreadsheetDamaged` while the rows are read."""
    if file_name.lower().endswith(".xlsx"):
        try:
            for values in xlsx_rows(content):
                yield [cell_text(v) for v in values]
        except (SpreadsheetTooWide, SpreadsheetTooLarge):
            raise
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise SpreadsheetDamaged(file_name) from error
        return
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    for cells in csv.reader(io.StringIO(text), delimiter=delimiter):
        yield [read_cell(c.strip()) for c in cells]
