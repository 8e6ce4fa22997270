"""The round table's coverage: topic × language spoken × district, and the chart of offers by
topic, checked against counts the test makes from the offers it imported."""

from __future__ import annotations

import re
from collections import Counter
from itertools import takewhile

import pytest
from django.urls import reverse

from directory_helpers import KREIS_OFFERS, make_kreis_directory, role_organisation, table_rows
from passgenau.apps.directory.topics import topics_data

pytestmark = pytest.mark.django_db


def _expected():
    """From KREIS_OFFERS alone: offers per town, and per town the offers by (topic, language),
    an offer counting under its topic and that topic's parent."""
    terms = {t["code"]: t for t in topics_data()["terms"]}
    per_town: Counter[str] = Counter()
    cells: dict[str, Counter[tuple[str, str]]] = {}
    by_topic: Counter[str] = Counter()
    for _org, _name, topic, langs, _street, _postcode, town, *_rest in KREIS_OFFERS:
        per_town[town] += 1
        names = [terms[topic]["name"]]
        if terms[topic]["parent"]:
            names.append(terms[terms[topic]["parent"]]["name"])
        for name in names:
            by_topic[name] += 1
            for lang in langs.split(","):
                cells.setdefault(town, Counter())[(name, lang)] += 1
    return per_town, cells, by_topic


@pytest.fixture
def report_page(client_for_role, request):
    from passgenau.apps.territories.models import Kreis

    make_kreis_directory()
    organisation = role_organisation("directory_editor")
    organisation.kreis = Kreis.objects.get(ags="08416")
    organisation.save(update_fields=["kreis"])
    editor = client_for_role("directory_editor")
    response = editor.get(reverse("directory:roundtable", args=["tuebingen"]))
    assert response.status_code == 200
    request.node.editor = editor
    return response.content.decode()


def test_the_coverage_is_shown_per_district(report_page, request):
    per_town, cells, _by_topic = _expected()
    # the Gemeinden as the territories name them
    towns = {"Tübingen": "Tübingen, Universitätsstadt",
             "Rottenburg am Neckar": "Rottenburg am Neckar, Stadt",
             "Mössingen": "Mössingen, Stadt"}  # fmt: skip
    districts = table_rows(report_page, "districts")[1:]
    assert sorted(districts, key=lambda r: r[0]) == sorted(
        [towns[t], str(n)] for t, n in per_town.items()
    )
    for town, expected in cells.items():
        header, *rows = table_rows(report_page, f"coverage-{towns[town]}")
        languages = header[1:]
        shown = Counter(
            {(row[0], lang): int(n) for row in rows for lang, n in zip(languages, row[1:],
                                                                       strict=True) if n != "0"}
        )  # fmt: skip
        assert shown == expected, town
    # Ammerbuch, a Gemeinde of the Kreis without offers, has no table
    assert 'data-testid="coverage-Ammerbuch"' not in report_page
    # and the PDF has the same, one section per Gemeinde (cells written "language count")
    from pdf_helpers import pdf_text

    pdf = request.node.editor.get(reverse("directory:roundtable_pdf", args=["tuebingen"]))
    text = pdf_text(pdf.content)
    for town, expected in cells.items():
        section = text.split(f"Thema × gesprochene Sprache in {towns[town]}")[1]
        section = section.split("Thema × gesprochene Sprache in")[0]
        lines = [line.split(" · ") for line in section.splitlines() if " · " in line]
        # up to the next section: the rows whose cells all read "language count"
        lines = list(
            takewhile(lambda cells: all(re.fullmatch(r"[a-z]{2,3} \d+", c) for c in cells[1:]),
                      lines)
        )  # fmt: skip
        shown = Counter(
            {(topic, cell.split()[0]): int(cell.split()[1]) for topic, *rest in lines
             for cell in rest}
        )  # fmt: skip
        assert shown == expected, town


def test_the_chart_is_drawn_from_our_own_data(report_page):
    _per_town, _cells, by_topic = _expected()
    svg = re.search(r'<svg class="directory-chart".*?</svg>', report_page, re.S)
    assert svg is not None
    chart = svg.group(0)
    assert "href" not in chart and "<image" not in chart  # nothing loaded from elsewhere
    labels = re.findall(r'<text[^>]*class="bar-label">([^<]*)</text>', chart)
    assert sorted(labels) == sorted(f"{name} ({n})" for name, n in by_topic.items())
    widths = [float(w) for w in re.findall(r'<rect[^>]*width="([\d.]+)"', chart)]
    assert len(widths) == len(by_topic)
    # the longest bar is the topic with the most offers, each bar in proportion to its count
    largest = max(by_topic.values())
    counts = [int(re.search(r"\((\d+)\)$", label).group(1)) for label in labels]
    assert widths == [round(170 * n / largest) for n in counts]


def test_a_gap_with_a_place_names_its_gemeinde_and_is_charted(client_for_role):
    """Needs recorded with a place and without a fitting offer: the gaps table and the PDF name
    the Gemeinde (not its official key), and a chart of our own draws the gaps per topic."""
    from accounts_helpers import make_user
    from passgenau.apps.directory.services.lotse import needs_record
    from passgenau.apps.territories.models import Gemeinde, Kreis
    from pdf_helpers import pdf_text

    directory = make_kreis_directory()
    organisation = role_organisation("directory_editor")
    organisation.kreis = Kreis.objects.get(ags="08416")
    organisation.save(update_fields=["kreis"])
    lotse = make_user("lotse", username="gap-lotse", organisation=role_organisation("lotse"))
    rottenburg = Gemeinde.objects.get(name="Rottenburg am Neckar, Stadt")
    for _ in range(2):  # health care in Tigrinya, in Rottenburg: nothing fits
        needs_record(actor=lotse, directory=directory, topics=["gesundheit"], languages=["ti"],
                     slip_language="de", gemeinde=rottenburg)  # fmt: skip
    needs_record(actor=lotse, directory=directory, topics=["wohnen"], languages=["ti"],
                 slip_language="de")  # fmt: skip
    editor = client_for_role("directory_editor")
    page = editor.get(reverse("directory:roundtable", args=["tuebingen"])).content.decode()
    rows = table_rows(page, "gaps")[1:]
    terms = {t["code"]: t["name"] for t in topics_data()["terms"]}
    assert [terms["gesundheit"], "ti", "Rottenburg am Neckar, Stadt", "2"] in rows
    assert [terms["wohnen"], "ti", "—", "1"] in rows
    assert rottenburg.ags not in page  # the official key, e.g. "08416036"
    chart = re.search(r'<svg class="directory-chart directory-chart-gaps".*?</svg>', page, re.S)
    assert chart is not None and 'aria-labelledby="gap-topics"' in chart.group(0)
    labels = re.findall(r'<text[^>]*class="bar-label">([^<]*)</text>', chart.group(0))
    assert labels == [f"{terms['gesundheit']} (2)", f"{terms['wohnen']} (1)"]
    widths = [float(w) for w in re.findall(r'<rect[^>]*width="([\d.]+)"', chart.group(0))]
    assert widths == [170, 85]
    assert "href" not in chart.group(0)
    pdf = pdf_text(editor.get(reverse("directory:roundtable_pdf", args=["tuebingen"])).content)
    assert "Rottenburg am Neckar, Stadt" in pdf.split("Lücken")[-1] and rottenburg.ags not in pdf
