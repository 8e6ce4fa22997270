"""The check of issued PDFs itself (pdf_helpers.assert_readable_pdf): text written over other text
fails it, a line whose kerned or joined glyphs reach into each other does not."""

from __future__ import annotations

import pytest

from pdf_helpers import assert_readable_pdf, pdf_text


def _document(shaped: str | None = None):
    from passgenau.apps.core.pdf import UnicodeDocument

    pdf = UnicodeDocument()
    if shaped:
        pdf.language(shaped)  # every glyph placed on its own, kerned, as on the referral slip
    pdf.set_font("DejaVu", size=10)
    return pdf


@pytest.mark.parametrize("shaped", [None, "de"])
def test_a_header_written_over_its_neighbour_fails(shaped):
    pdf = _document(shaped)
    pdf.text(20, 30, "Gewicht")
    pdf.text(29, 30, "Anteil")  # starts inside "Gewicht"
    data = bytes(pdf.output())
    with pytest.raises(AssertionError, match="overlapping text"):
        assert_readable_pdf(data)


def test_a_line_below_another_written_into_it_fails():
    pdf = _document("de")
    pdf.set_xy(20, 30)
    pdf.cell(60, 5, "Summe 348,75")
    pdf.set_xy(40, 31.5)  # 1.5 mm lower and further right: the lines cross
    pdf.cell(60, 5, "Betrag 21.762,00")
    with pytest.raises(AssertionError, match="overlapping text"):
        assert_readable_pdf(bytes(pdf.output()))


@pytest.mark.parametrize("language", ["de", "tr", "fa"])
def test_kerned_and_joined_glyphs_of_one_line_pass(language):
    text = {
        "de": "Telefon: 05341 839-0. Vermittlungszettel. Yö Te We Ta",
        "tr": "Yönlendirme belgesi: Yanınızda getirin",
        "fa": "برگه ارجاع: آنچه باید همراه داشته باشید",
    }[language]
    pdf = _document(language)
    pdf.line(text, size=12)
    pdf.line(text, size=9)
    data = bytes(pdf.output())
    assert_readable_pdf(data)
    assert pdf_text(data).strip()
