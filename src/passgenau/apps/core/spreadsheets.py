"""Every CSV and Excel export goes through here: text that a spreadsheet program would run as a
formula (``=``, ``+``, ``-``, ``@``, tab, carriage return at the start) is neutralised with a
leading apostrophe. Numbers, and text that is only a formatted number ("-1.234,56"), stay as
they are; a formula of our own is written as :class:`Formula`. An import that reads our own
exports back takes the apostrophe off again (:func:`read_cell`)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

__all__ = [
    "Formula",
    "csv_bytes",
    "csv_lines",
    "read_cell",
    "safe_cell",
    "safe_row",
    "sheet_append",
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
