"""Checking issued PDFs as a reader sees them: rendered to images by PDFium, text boxes read back.

``assert_readable_pdf`` renders every page (a PDF that PDFium cannot draw fails) and checks that
no two runs of text overlap on a page, which is how overlapping column headers or a total written
over a line show up (kerned or joined glyphs of one line reaching into each other do not count).
"""

from __future__ import annotations

from dataclasses import dataclass

import pypdfium2 as pdfium

# Boxes touching within this many points are neighbours, not an overlap (glyph side bearings).
TOLERANCE_PT = 0.6


@dataclass(frozen=True)
class TextBox:
    page: int
    text: str
    left: float
    bottom: float
    right: float
    top: float

    def overlaps(self, other: TextBox) -> bool:
        return (
            self.page == other.page
            and min(self.right, other.right) - max(self.left, other.left) > TOLERANCE_PT
            and min(self.top, other.top) - max(self.bottom, other.bottom) > TOLERANCE_PT
        )

    def clashes(self, other: TextBox) -> bool:
        """Overlapping, and not merely two glyphs of one line that kerning or a joining script
        draws into each other: shaped text (``core.pdf``) places every glyph on its own, so "Te",
        "Yö" or Persian letters come as boxes reaching a little into their neighbour's. On one
        line (sharing at least half the lower box's height) a clash needs more than a quarter
        of that height across."""
        if not self.overlaps(other):
            return False
        height = min(self.top - self.bottom, other.top - other.bottom)
        across = min(self.right, other.right) - max(self.left, other.left)
        shared = min(self.top, other.top) - max(self.bottom, other.bottom)
        return shared < height / 2 or across > max(TOLERANCE_PT, height / 4)


def pdf_text(data: bytes) -> str:
    """The text of every page, joined by form feeds."""
    document = pdfium.PdfDocument(data)
    return "\f".join(page.get_textpage().get_text_bounded() for page in document)


def text_boxes(data: bytes) -> list[TextBox]:
    """One box per run of text that PDFium reports (roughly one per cell or line)."""
    boxes: list[TextBox] = []
    document = pdfium.PdfDocument(data)
    for number, page in enumerate(document):
        textpage = page.get_textpage()
        for index in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(index)
            text = textpage.get_text_bounded(left, bottom, right, top).strip()
            if text:
                boxes.append(TextBox(number, text, left, bottom, right, top))
    return boxes


def render_pages(data: bytes, scale: float = 1.0) -> list:
    """Every page as a PIL image (what a reader's viewer shows)."""
    document = pdfium.PdfDocument(data)
    return [page.render(scale=scale).to_pil() for page in document]


def assert_readable_pdf(data: bytes, *, min_pages: int = 1) -> list[TextBox]:
    """Render every page and fail when two runs of text overlap; returns the text boxes."""
    assert data.startswith(b"%PDF"), "not a PDF"
    images = render_pages(data, scale=0.5)
    assert len(images) >= min_pages
    for image in images:
        assert image.getbbox() is not None  # something was drawn
    boxes = text_boxes(data)
    clashes = [
        (a.text, b.text) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if a.clashes(b)
    ]
    assert not clashes, f"overlapping text: {clashes[:5]}"
    return boxes
