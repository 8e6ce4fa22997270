"""PDF documents in any script the application speaks: fpdf2 with DejaVu Sans (Latin, Cyrillic,
Arabic script) from the system's fonts (Debian: fonts-dejavu-core) or ``DIRECTORY_PDF_FONT``;
Arabic and Farsi are shaped right-to-left with HarfBuzz (``uharfbuzz``). Nothing is downloaded.

Used by the directory's referral slips and the data-subject export (documents read by the people
they are about, in their language); the reports for staff use the built-in fonts.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from fpdf import FPDF
from fpdf.enums import XPos, YPos

__all__ = ["FONT_CANDIDATES", "RTL", "UnicodeDocument", "font_path"]

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
)
RTL = {"ar", "fa", "ur", "ps", "ku"}


def font_path() -> Path:
    configured = getattr(settings, "DIRECTORY_PDF_FONT", "") or os.environ.get(
        "DIRECTORY_PDF_FONT", ""
    )
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise ImproperlyConfigured(
        "No Unicode font for PDFs: install Debian's fonts-dejavu-core or set DIRECTORY_PDF_FONT"
    )


class UnicodeDocument(FPDF):
    """An A4 document with one page begun, written line by line in the DejaVu font."""

    def __init__(self) -> None:
        super().__init__(format="A4")
        self.add_font("DejaVu", fname=str(font_path()))
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)
        self.add_page()

    def language(self, code: str) -> None:
        rtl = code in RTL
        script = "arab" if rtl else None
        self.set_text_shaping(
            use_shaping_engine=True, direction="rtl" if rtl else "ltr", script=script, language=code
        )

    def line(self, text: str, size: float = 10, height: float = 5.5, align: str = "L") -> None:  # type: ignore[override]
        self.set_font("DejaVu", size=size)
        self.multi_cell(0, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
