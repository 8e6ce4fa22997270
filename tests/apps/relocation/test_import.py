"""Household import from CSV and Excel: every problem named with file, row and field, and nothing
imported when any row is wrong."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook

from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.core.input_problems import ImportFailed
from passgenau.apps.relocation.models import Household, HouseholdStatus, RoundStatus
from passgenau.apps.relocation.services import imports, intake, rounds
from relocation_helpers import (
    english,  # noqa: F401 (the fixture)
    make_round,
    register,
    user,
)
from spreadsheet_helpers import streamed_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

GOOD = {
    "external_reference": "WAW-1",
    "contact_name": "Olena K.",
    "language": "uk",
    "consent_purposes": "all",
    "consent_date": "01.03.2026",
    "consent_language": "uk",
    "members": "30-44 main_contact; 6-9 child",
    "languages": "uk, ru",
    "occupations": "2",
    "needs": "barrier_free",
    "ranked_places": "Kiel; Ulm",
    "interview_complete": "no",
}


def _csv(rows, delimiter=","):
    columns = list(dict.fromkeys(k for row in rows for k in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _import(round_, content, name="households.csv"):
    return imports.households_import(
        actor=user("interviewer"), round_=round_, file_name=name, content=content
    )


def test_csv_import_creates_households_with_interviews():
    round_ = make_round()
    second = GOOD | {"external_reference": "WAW-2", "contact_name": "Ihor", "ranked_places": ""}
    result = _import(round_, _csv([GOOD, second], delimiter=";"))
    assert len(result.households) == 2
    first = Household.objects.get(external_reference="WAW-1")
    assert first.contact.contact_name == "Olena K."
    assert first.consents.get().given_on.isoformat() == "2026-03-01"
    assert [m.age_band for m in first.members.all()] == ["30-44", "6-9"]
    kiel, ulm = (round_.profiles.get(municipality__name=n).municipality_id for n in ("Kiel", "Ulm"))
    assert first.interview.ranked_places == [kiel, ulm]
    assert first.interview.languages == ["uk", "ru"]
    assert not first.interview.completed
    assert AuditEntry.objects.filter(action="relocation.household.registered").count() == 2
    assert AuditEntry.objects.filter(action="relocation.households.imported").count() == 1


def test_complete_interviews_import_as_interviewed():
    round_ = make_round()
    ratings = {f"importance.{c.id}": "2" for c in intake.household_rated_criteria(round_)}
    _import(round_, _csv([GOOD | ratings | {"interview_complete": "ja"}]))
    household = Household.objects.get()
    assert household.status == HouseholdStatus.INTERVIEWED
    assert household.interview.importance["family_ties"] == 2


def test_one_bad_row_imports_nothing_and_names_file_row_field():
    round_ = make_round()
    bad_members = GOOD | {"external_reference": "WAW-2", "members": "30-44 main_contact; 99 child"}
    bad_place = GOOD | {"external_reference": "WAW-3", "ranked_places": "Atlantis"}
    bad_date = GOOD | {"external_reference": "WAW-4", "consent_date": "yesterday"}
    with pytest.raises(ImportFailed) as info:
        _import(round_, _csv([GOOD, bad_members, bad_place, bad_date]))
    assert not Household.objects.exists()
    found = {(p.file, p.row, p.field) for p in info.value.problems}
    assert found == {
        ("households.csv", 3, "members"),
        ("households.csv", 4, "ranked_places"),
        ("households.csv", 5, "consent_date"),
    }
    text = str(info.value)
    assert "households.csv, row 3, field “members”: Member 2: choose an age band." in text
    assert "“Atlantis” is not a municipality of this round." in text


def test_missing_and_unknown_columns():
    round_ = make_round()
    row = {k: v for k, v in GOOD.items() if k != "members"} | {"shoe_size": "42"}
    with pytest.raises(ImportFailed) as info:
        _import(round_, _csv([row]))
    found = {(p.row, p.field, p.message) for p in info.value.problems}
    assert (1, "members", "This column is missing.") in found
    assert (1, "shoe_size", "Unknown column.") in found


def test_duplicate_references_in_file_and_database():
    round_ = make_round()
    register(round_, external_reference="WAW-9")
    rows = [GOOD, GOOD | {"contact_name": "Twin"}, GOOD | {"external_reference": "WAW-9"}]
    with pytest.raises(ImportFailed) as info:
        _import(round_, _csv(rows))
    messages = {(p.row, p.message) for p in info.value.problems}
    assert (3, "The same reference is in row 2.") in messages
    assert (4, "Your organisation already registered a household with this reference.") in messages
    assert Household.objects.count() == 1


def test_excel_import_with_dates_and_numbers():
    round_ = make_round()
    book = Workbook()
    sheet = book.active
    header = list(GOOD)
    sheet.append(header)
    import datetime as dt

    values = GOOD | {"consent_date": dt.datetime(2026, 3, 1), "occupations": 2}
    sheet.append([values[h] for h in header])
    sheet.append([None] * len(header))  # blank rows are skipped
    buffer = io.BytesIO()
    book.save(buffer)
    result = _import(round_, buffer.getvalue(), name="intake.xlsx")
    household = result.households[0]
    assert household.consents.get().given_on == dt.date(2026, 3, 1)
    assert household.interview.occupations == ["2"]


def test_excel_errors_name_the_excel_row():
    round_ = make_round()
    book = Workbook()
    sheet = book.active
    sheet.append(list(GOOD))
    sheet.append(list(GOOD.values()))
    wrong = GOOD | {"language": "klingon", "external_reference": "WAW-2"}
    sheet.append(list(wrong.values()))
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportFailed) as info:
        _import(round_, buffer.getvalue(), name="intake.xlsx")
    assert [(p.file, p.row, p.field) for p in info.value.problems] == [
        ("intake.xlsx", 3, "language")
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("households.pdf", b"%PDF", "Upload a .csv or .xlsx file."),
        ("households.xlsx", b"not a zip", "The file cannot be read"),
        ("households.csv", b"", "The first row must hold the column names."),
        ("households.csv", b"contact_name\n", "The file has no households."),
    ],
)
def test_unreadable_files(name, content, message):
    round_ = make_round()
    with pytest.raises(ImportFailed) as info:
        _import(round_, content, name=name)
    assert any(p.message.startswith(message) and p.file == name for p in info.value.problems)


def test_import_only_into_open_rounds():
    round_ = make_round(status=RoundStatus.DRAFT)
    with pytest.raises(rounds.RoundStateError):
        _import(round_, _csv([GOOD]))


def test_template_is_importable_header():
    round_ = make_round()
    template = imports.import_template_csv(round_=round_)
    header = template.splitlines()[0].split(",")
    assert header == imports.import_columns(round_=round_)
    # the example row of the template imports as it is
    result = _import(round_, template.encode())
    assert len(result.households) == 1


def test_a_long_excel_file_is_read_only_up_to_the_row_limit():
    """Issue 10, defect 4: a file of a million rows fits under 5 MB; reading it whole before
    counting killed the worker. The file here breaks off after row 15,000: the import must stop
    at row 5,002 (the header, 5,000 households, the one too many) and never get there."""
    values = list(GOOD.values())[1:]
    rows = [list(GOOD), *([f"REF-{number}", *values] for number in range(8_000))]
    broken = streamed_xlsx(rows, broken_at=7_000)
    round_ = make_round()
    with pytest.raises(ImportFailed) as info:
        _import(round_, broken, name="intake.xlsx")
    assert [(p.row, p.message) for p in info.value.problems] == [
        (5002, "At most 5000 households per file.")
    ]
    assert not Household.objects.exists()


def _listed_codes(page: str) -> dict[str, list[str]]:
    """Column → the codes the import page lists for it (a column may have two lists)."""
    import re

    listed: dict[str, list[str]] = {}
    for block in re.findall(r'<details class="rl-codes">(.*?)</details>', page, re.S):
        summary = re.search(r"<summary>(.*?)</summary>", block, re.S)
        assert summary is not None
        columns = re.findall(r"<code>(.*?)</code>", summary.group(1))
        codes = re.findall(r"<tr><td><code>(.*?)</code></td>", block)
        for column in columns:
            listed.setdefault(column, []).extend(codes)
    return listed


def test_the_import_page_lists_the_allowed_codes_and_the_import_takes_each_of_them(client):
    from django.urls import reverse

    from accounts_helpers import login_client

    round_ = make_round()
    login_client(client, user("interviewer"))
    page = client.get(reverse("relocation:household_import", kwargs={"pk": round_.pk}))
    listed = _listed_codes(page.content.decode())
    coded = {"language", "consent_language", "consent_purposes", "members", "languages"}
    coded |= {"german_level", "occupations", "needs", "preferred_size", "preferred_region"}
    coded |= {"ties", "ranked_places", "excluded_places"}
    assert coded <= set(listed) and all(listed[c] for c in coded)
    assert sorted(listed["ranked_places"]) == sorted(
        round_.profiles.values_list("municipality__name", flat=True)
    )
    # every listed code goes through the import: one row per value of a single-valued column,
    # every value at once in a list column
    rows = []
    for column in ("language", "consent_language", "german_level"):
        rows += [GOOD | {column: code} for code in listed[column]]
    for column in ("preferred_size", "preferred_region"):
        rows += [GOOD | {column: code} for code in listed[column]]
    relations = [code for code in listed["members"] if not code[0].isdigit()]
    bands = [code for code in listed["members"] if code[0].isdigit()]
    rows += [GOOD | {"members": f"30-44 main_contact; {band} other"} for band in bands]
    rows += [
        GOOD | {"members": f"30-44 main_contact; 18-29 {relation}"}
        for relation in relations
        if relation != "main_contact"
    ]
    purposes = [code for code in listed["consent_purposes"] if code != "all"]
    rows.append(GOOD | {"consent_purposes": "all"})  # a word for every purpose, on its own
    every = {"consent_purposes": "; ".join(purposes)}
    every |= {c: "; ".join(listed[c]) for c in ("languages", "occupations")}
    every |= {"needs": "; ".join(listed["needs"]), "ties": "; ".join(listed["ties"])}
    rows.append(GOOD | every | {"ranked_places": "", "excluded_places": listed["ties"][0]})
    rows = [row | {"external_reference": f"CODE-{i}"} for i, row in enumerate(rows)]
    result = _import(round_, _csv(rows, delimiter=";"))
    assert len(result.households) == len(rows)
    # and a code the page does not list is refused, naming the column
    with pytest.raises(ImportFailed) as failed:
        _import(round_, _csv([GOOD | {"external_reference": "X", "needs": "telepathy"}]))
    assert [p.field for p in failed.value.problems] == ["needs"]
