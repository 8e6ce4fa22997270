"""Excel files as an attacker or a careless program writes them (issue 10, defect 4)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence

SHEET = "xl/worksheets/sheet1.xml"


def streamed_xlsx(
    rows: Iterable[Sequence[object]],
    *,
    dimension: str | None = None,
    broken_at: int | None = None,
    padded_part: tuple[str, int] | None = None,
) -> bytes:
    """An .xlsx written row by row (openpyxl's write-only mode writes no dimension). Optional
    tampering: ``dimension`` is the size the sheet claims for itself ("A1:XFD1048576"),
    ``broken_at`` a row from which on the sheet XML is damaged, ``padded_part`` (part name,
    bytes) pads that part with blanks so that it unpacks to that much more."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    if dimension is None and broken_at is None and padded_part is None:
        return out.getvalue()
    tampered = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(out.getvalue())) as source,
        zipfile.ZipFile(tampered, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in source.namelist():
            data = source.read(name)
            if name == SHEET and dimension:
                data = data.replace(
                    b"<sheetData>", f'<dimension ref="{dimension}"/><sheetData>'.encode()
                )
            if name == SHEET and broken_at:
                data = data[: data.index(f'<row r="{broken_at}"'.encode())] + b"<row r=<<"
            if padded_part and name == padded_part[0]:
                end = data.rindex(b"</")
                data = data[:end] + b" " * padded_part[1] + data[end:]
            target.writestr(name, data)
    return tampered.getvalue()
