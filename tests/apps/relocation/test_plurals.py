"""Bug (issue 11, bug 10): counts in text used a fixed plural ("1 Haushalte wurden importiert",
"1 Vorschläge"). They go through ngettext / blocktranslate count, and the catalogues have every
plural form (de 2, uk/ru as in their headers)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from relocation_helpers import make_round

pytestmark = pytest.mark.django_db

ROW = b"{name},uk,all,2026-03-01,uk,30-44 main_contact\n"
PROPOSALS = (
    "{% blocktranslate count total=n %}{{ total }} proposal{% plural %}"
    "{{ total }} proposals{% endblocktranslate %}"
)
HEAD = b"contact_name,language,consent_purposes,consent_date,consent_language,members\n"


@pytest.mark.parametrize(
    ("language", "rows", "expected"),
    [
        ("de", 1, "1 Haushalt wurde aus intake.csv importiert."),
        ("de", 2, "2 Haushalte wurden aus intake.csv importiert."),
        ("uk", 1, "1 домогосподарство імпортовано з intake.csv."),
        ("uk", 2, "2 домогосподарства імпортовано з intake.csv."),
        ("uk", 5, "5 домогосподарств імпортовано з intake.csv."),
    ],
)
def test_import_message_counts_households(interviewer_client, language, rows, expected) -> None:
    round_ = make_round()
    content = HEAD + b"".join(ROW.replace(b"{name}", f"P{i}".encode()) for i in range(rows))
    interviewer_client.cookies["django_language"] = language
    response = interviewer_client.post(
        reverse("relocation:household_import", kwargs={"pk": round_.pk}),
        {"file": SimpleUploadedFile("intake.csv", content, "text/csv")},
        follow=True,
    )
    assert expected in response.content.decode()


@pytest.mark.parametrize(
    ("source", "language", "counts"),
    [
        (
            PROPOSALS,
            "de",
            {1: "1 Vorschlag", 2: "2 Vorschläge"},
        ),
        (
            PROPOSALS,
            "uk",
            {1: "1 пропозиція", 2: "2 пропозиції", 5: "5 пропозицій"},
        ),
        (
            "{% blocktranslate count minutes=n %}{{ minutes }} minute{% plural %}"
            "{{ minutes }} minutes{% endblocktranslate %}",
            "de",
            {1: "1 Minute", 5: "5 Minuten"},
        ),
        (
            "{% blocktranslate count n=n %}up to {{ n }} person{% plural %}"
            "up to {{ n }} persons{% endblocktranslate %}",
            "uk",
            {1: "до 1 особи", 2: "до 2 осіб", 5: "до 5 осіб"},
        ),
    ],
)
def test_template_counts_take_the_plural_form(source, language, counts) -> None:
    template = Template("{% load i18n %}" + source)
    with translation.override(language):
        for n, expected in counts.items():
            assert template.render(Context({"n": n})) == expected


@pytest.mark.parametrize(
    ("households", "shown", "not_shown"),
    [(1, "1 Vorschlag", "1 Vorschläge"), (2, "2 Vorschläge", "2 Vorschlag<")],
)
def test_the_proposal_pages_count_in_german(
    municipal_officer_client, coordinator_client, households, shown, not_shown
) -> None:
    """On the real pages, not only in the catalogue: the officer's proposal list and the run's
    page say "1 Vorschlag" and "2 Vorschläge"."""
    import re

    from relocation_matching_helpers import published_round

    _round, run = published_round(households)
    pages = [
        (municipal_officer_client, reverse("relocation:proposal_list")),
        (coordinator_client, reverse("relocation:run_detail", kwargs={"pk": run.pk})),
    ]
    for client, url in pages:
        client.cookies["django_language"] = "de"
        html = client.get(url).content.decode()
        counts = re.findall(r"<(?:p|caption)>\s*(\d+ Vorschl\w+)\s*</", html)
        assert counts == [shown], (url, counts)
        assert not_shown not in html
