"""The round table's spreadsheet (one row per offer) imported with a column mapping."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from passgenau.apps.core.input_problems import ImportFailed
from passgenau.apps.directory.models import HsdsRecord, Service
from passgenau.apps.directory.services.hsds_io import directory_export_hsds, export_validate
from passgenau.apps.directory.services.sheet_import import (
    FIELD_BY_NAME,
    MAX_ROWS,
    hours_parse,
    mapping_guess,
    sheet_import,
    sheet_preview,
)
from passgenau.engine import hsds
from spreadsheet_helpers import streamed_xlsx

pytestmark = pytest.mark.django_db

HEADER = [
    "Träger",
    "Angebot",
    "Beschreibung",
    "Straße",
    "PLZ",
    "Ort",
    "Telefon",
    "E-Mail",
    "Internet",
    "Themen",
    "Sprachen",
    "Öffnungszeiten",
    "Zielgruppe",
    "Kostenlos",
    "Barrierefrei",
    "Bemerkung intern",
]
ROWS = [
    ["Caritasverband Salzgitter e.V.", "Migrationsberatung für Erwachsene",
     "Beratung zu Aufenthalt, Arbeit und Wohnen.", "Hinter dem Salzgittersee 12", 38226,
     "Salzgitter", "05341 / 839-0", "mbe@caritas-sz.de", "www.caritas-salzgitter.de",
     "Migrationsberatung; Recht und Aufenthalt", "Deutsch, Arabisch, Farsi",
     "Mo, Mi 9-12 Uhr", "Erwachsene", "ja", "ja", "Frau K. fragen"],
    ["Volkshochschule Salzgitter", "Deutschkurs A1 mit Kinderbetreuung", "",
     "Marienbruchstr. 61", "38226", "Salzgitter", "(05341) 8394-0", "", "",
     "Deutschkurs", "Deutsch", "Mo-Do 8:30-12:00", "Erwachsene, Familien", "nein", "", ""],
    ["AWO Kreisverband", "Hausaufgabenhilfe", "", "Kattowitzer Str. 225", "38226",
     "Salzgitter", "05341 12345", "awo@example.org", "", "Schule",
     "Deutsch; Russisch; Ukrainisch", "nach Absprache", "Kinder", "x", "nein", ""],
]  # fmt: skip


def label(name: str) -> str:
    return str(FIELD_BY_NAME[name].label)


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_headings_are_guessed_in_german_and_english():
    guessed = mapping_guess(HEADER)
    assert guessed["Träger"] == "organization" and guessed["Angebot"] == "name"
    assert guessed["Straße"] == "street" and guessed["PLZ"] == "postcode"
    assert guessed["Sprachen"] == "languages" and guessed["Öffnungszeiten"] == "hours"
    assert "Bemerkung intern" not in guessed
    english = mapping_guess(["Offer", "Organization", "Address", "Phone", "Languages spoken"])
    assert english == {
        "Offer": "name",
        "Organization": "organization",
        "Address": "street",
        "Phone": "phone",
        "Languages spoken": "languages",
    }
    # a saved mapping wins over the guess; its fields are not guessed for another column
    saved = mapping_guess(["Name", "Einrichtung"], {"Einrichtung": "name"})
    assert saved == {"Einrichtung": "name"}


def test_opening_hours_text():
    assert hours_parse("Mo, Mi 9-12 Uhr") == [("MO,WE", "09:00", "12:00")]
    assert hours_parse("Mo-Do 8:30-12:00; Fr 9.00 - 11.30") == [
        ("MO,TU,WE,TH", "08:30", "12:00"),
        ("FR", "09:00", "11:30"),
    ]
    assert hours_parse("nach Absprache") == []


def test_a_realistic_sheet_is_imported_and_exports_valid_hsds(directory, hsds_spec, tmp_path):
    content = xlsx([HEADER, *ROWS])
    result = sheet_import(
        directory=directory, file_name="Angebote Runder Tisch.xlsx", content=content
    )
    assert result.offers == 3 and result.skipped_rows == []
    mbe = Service.objects.get(directory=directory, name="Migrationsberatung für Erwachsene")
    assert sorted(mbe.spoken.values_list("code", flat=True)) == ["ar", "de", "fa"]
    assert sorted(mbe.topics.values_list("code", flat=True)) == ["migrationsberatung", "recht"]
    assert mbe.url == "https://www.caritas-salzgitter.de" and mbe.free_of_charge
    assert {(h.weekday, str(h.opens_at)) for h in mbe.hours.all()} == {
        (1, "09:00:00"),
        (3, "09:00:00"),
    }
    location = mbe.at_locations.get().location
    assert (location.street, location.postcode, location.barrier_free) == (
        "Hinter dem Salzgittersee 12",
        "38226",
        True,
    )
    vhs = Service.objects.get(directory=directory, name="Deutschkurs A1 mit Kinderbetreuung")
    assert vhs.at_locations.get().location.street == "Marienbruchstr. 61"
    assert not vhs.free_of_charge
    groups = HsdsRecord.objects.filter(
        service=vhs, table="attributes", data__link_type="target_group"
    )
    assert sorted(r.data["value"] for r in groups) == ["adults", "families"]
    awo = Service.objects.get(directory=directory, name="Hausaufgabenhilfe")
    assert sorted(awo.spoken.values_list("code", flat=True)) == ["de", "ru", "uk"]
    assert awo.records.get(table="schedules").data["description"] == "nach Absprache"
    # the internal remark column was not mapped and is nowhere
    assert not HsdsRecord.objects.filter(data__icontains="Frau K.").exists()
    assert "Frau K." not in str(list(Service.objects.values_list("hsds", flat=True)))

    directory_export_hsds(directory=directory, out_dir=tmp_path)
    assert export_validate(out_dir=tmp_path, schema_dir=hsds_spec / "schema") == []
    exported = hsds.read_hsds_csv(tmp_path)
    assert len(exported.rows("services")) == 3

    # the same list uploaded again updates the offers, never doubles them
    again = sheet_import(directory=directory, file_name="Angebote.xlsx", content=content)
    assert again.report.created["services"] == 0 and again.report.updated["services"] == 3
    assert Service.objects.filter(directory=directory).count() == 3


def test_a_bad_row_names_row_and_field_and_nothing_is_saved(directory):
    bad = [*ROWS, ["Diakonie", "Sozialberatung", "", "Schützenplatz 2", "382", "Salzgitter",
                   "05341 1", "keine-adresse", "", "Wohnen", "Deutsch, Klingonisch", "", "", "",
                   "", ""]]  # fmt: skip
    content = xlsx([HEADER, *bad])
    with pytest.raises(ImportFailed) as caught:
        sheet_import(directory=directory, file_name="liste.xlsx", content=content)
    where = {(p.row, p.field) for p in caught.value.problems}
    assert where == {(5, label("postcode")), (5, label("email")), (5, label("languages"))}
    assert "Klingonisch" in str(caught.value) and "liste.xlsx" in str(caught.value)
    assert Service.objects.filter(directory=directory).count() == 0
    # chosen explicitly: the bad row is skipped, the others imported
    result = sheet_import(
        directory=directory, file_name="liste.xlsx", content=content, skip_bad_rows=True
    )
    assert result.offers == 3 and result.skipped_rows == [5]
    assert not Service.objects.filter(name="Sozialberatung").exists()


def test_preview_shows_first_rows_with_problems_and_the_mapping_is_saved(directory):
    csv = (
        "Name des Angebots;Einrichtung;Adresse;Sprachen\n"
        "Frauencafé;Flüchtlingshilfe e.V.;Vorsalzer Str. 4, 38259 Salzgitter;"
        "Deutsch, Arabisch, Farsi\n"
        ";Flüchtlingshilfe e.V.;;\n"
    ).encode("cp1252")
    preview = sheet_preview(directory=directory, file_name="liste.csv", content=csv)
    assert preview.mapping == {
        "Name des Angebots": "name",
        "Einrichtung": "organization",
        "Adresse": "street",
        "Sprachen": "languages",
    }
    first, second = preview.rows
    assert (first.values["street"], first.values["postcode"], first.values["city"]) == (
        "Vorsalzer Str. 4",
        "38259",
        "Salzgitter",
    )
    assert first.languages == ["de", "ar", "fa"] and not first.problems
    assert [(p.row, p.field) for p in second.problems] == [(3, label("name"))]

    # the editor maps by hand and saves the mapping; the next upload starts from it
    mapping = {"Einrichtung": "name", "Adresse": "street"}
    sheet_import(
        directory=directory,
        file_name="liste.csv",
        content=csv,
        mapping=mapping,
        save_mapping=True,
    )
    directory.refresh_from_db()
    assert directory.sheet_mapping == mapping
    again = sheet_preview(directory=directory, file_name="neu.csv", content=csv)
    assert again.mapping["Einrichtung"] == "name" and "Name des Angebots" not in again.mapping


def test_a_mapping_without_the_name_is_refused(directory):
    content = xlsx([HEADER, *ROWS])
    with pytest.raises(ImportFailed) as caught:
        sheet_import(
            directory=directory, file_name="a.xlsx", content=content, mapping={"Ort": "city"}
        )
    assert [(p.row, p.field) for p in caught.value.problems] == [(1, label("name"))]


def test_reading_stops_at_the_row_limit(directory):
    # the sheet is damaged after the limit: reading it to its end would fail differently
    rows = [[f"Angebot {i}", "Träger", "Hauptstr. 1"] for i in range(MAX_ROWS + 20)]
    content = streamed_xlsx([["Angebot", "Träger", "Straße"], *rows], broken_at=MAX_ROWS + 10)
    with pytest.raises(ImportFailed) as caught:
        sheet_import(directory=directory, file_name="gross.xlsx", content=content)
    assert [p.row for p in caught.value.problems] == [MAX_ROWS + 2]
    assert str(MAX_ROWS) in caught.value.problems[0].message
    assert Service.objects.filter(directory=directory).count() == 0


def test_editor_uploads_maps_previews_and_imports(client_for_role):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from directory_helpers import make_directory
    from passgenau.apps.directory.models import SheetUpload

    directory = make_directory()
    editor = client_for_role("directory_editor")
    assert "Angebote" not in directory.sheet_mapping
    content = xlsx([["Angebot", "Träger", "Straße", "Sprachen"],
                    ["Sprachcafé", "Stadtteiltreff Lebenstedt",
                     "Berliner Str. 5, 38226 Salzgitter", "Deutsch, Arabisch, Farsi"],
                    ["Kleiderkammer", "Stadtteiltreff Lebenstedt", "Berliner Str. 5",
                     "Elbisch"]])  # fmt: skip
    upload = reverse("directory:sheet_upload", args=[directory.slug])
    response = editor.post(
        upload, {"file": SimpleUploadedFile("Angebote.xlsx", content)}, follow=True
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="name" selected' in page and 'value="street" selected' in page
    assert "Sprachcafé" in page and "Elbisch" in page  # the preview, the bad row's problem
    sheet = SheetUpload.objects.get()
    mapping = {"column-0": "name", "column-1": "organization", "column-2": "street",
               "column-3": "languages"}  # fmt: skip
    url = reverse("directory:sheet_map", args=[sheet.pk])
    refused = editor.post(url, {**mapping, "action": "import"})
    assert refused.status_code == 200 and "Elbisch" in refused.content.decode()
    assert not Service.objects.filter(name="Sprachcafé").exists()
    done = editor.post(url, {**mapping, "action": "import", "skip_bad_rows": "on"})
    assert done.status_code == 302
    cafe = Service.objects.get(directory=directory, name="Sprachcafé")
    assert cafe.at_locations.get().location.postcode == "38226"
    assert not SheetUpload.objects.exists()


def test_an_editor_elsewhere_cannot_open_the_upload(client_for_role):
    from django.urls import reverse

    from directory_helpers import make_directory

    directory = make_directory()
    provider = client_for_role("provider")
    assert provider.get(reverse("directory:sheet_upload", args=[directory.slug])).status_code in (
        403,
        404,
    )


def test_command_line_import_sheet(directory, tmp_path, capsys, settings):
    from passgenau.apps.directory.services.sheet_import import FIELDS
    from passgenau.cli import main
    from passgenau.cli.directory import SHEET_FIELDS

    assert tuple(f.name for f in FIELDS) == SHEET_FIELDS
    path = tmp_path / "angebote.xlsx"
    path.write_bytes(xlsx([["Was", "Träger", "Str."], ["Sprachcafé", "Treff", "Berliner Str. 5"]]))
    args = ["directory", "import-sheet", str(path), "--directory", directory.slug]
    assert main(args) == 2  # "Was" is not a heading the name is guessed from
    assert "Nothing imported" in capsys.readouterr().err
    assert main([*args, "--map", "Was=name", "--save-mapping"]) == 0
    assert "1 offers imported" in capsys.readouterr().out
    assert Service.objects.get(directory=directory).name == "Sprachcafé"
    directory.refresh_from_db()
    assert directory.sheet_mapping["Was"] == "name"
    assert main(args) == 0  # the saved mapping is used


def test_a_reimported_sheet_blanks_emptied_fields_and_keeps_fields_it_lacks(directory):
    header = ["Angebot", "Träger", "E-Mail", "Telefon", "Sprachen", "Öffnungszeiten"]
    first = ["Sprachcafé", "Stadtteiltreff", "cafe@example.org", "05341 123", "Deutsch, Arabisch",
             "Di 14-17"]  # fmt: skip
    sheet_import(directory=directory, file_name="a.xlsx", content=xlsx([header, first]))
    cafe = Service.objects.get(directory=directory, name="Sprachcafé")
    assert cafe.email == "cafe@example.org" and cafe.records.filter(table="phones").exists()

    # the same sheet with e-mail, phone, languages and hours now empty: all blanked
    emptied = ["Sprachcafé", "Stadtteiltreff", "", "", "", ""]
    sheet_import(directory=directory, file_name="a.xlsx", content=xlsx([header, emptied]))
    cafe.refresh_from_db()
    assert cafe.email == "" and "email" not in cafe.hsds
    assert not cafe.records.filter(table__in=["phones", "languages", "schedules"]).exists()
    assert not cafe.spoken.exists() and not cafe.hours.exists()

    # a sheet without those columns keeps what is stored
    sheet_import(directory=directory, file_name="a.xlsx", content=xlsx([header, first]))
    sheet_import(
        directory=directory,
        file_name="b.xlsx",
        content=xlsx([["Angebot", "Träger"], ["Sprachcafé", "Stadtteiltreff"]]),
    )
    cafe.refresh_from_db()
    assert cafe.email == "cafe@example.org"
    assert cafe.records.get(table="phones").data["number"] == "05341 123"
    assert sorted(cafe.spoken.values_list("code", flat=True)) == ["ar", "de"]
    assert cafe.hours.count() == 1


def test_a_reimported_sheet_writes_only_the_fields_its_mapping_covers(directory):
    """The location's name, the organisation's description and the offer's status come from no
    column: a re-import keeps what editors wrote there; a mapped but empty cell blanks."""
    from passgenau.apps.directory.models import Location, Organization

    header = ["Angebot", "Träger", "Beschreibung", "Straße", "Ort"]
    first = ["Sprachcafé", "Stadtteiltreff", "Jeden Dienstag", "Berliner Str. 5", "Salzgitter"]
    sheet_import(directory=directory, file_name="a.xlsx", content=xlsx([header, first]))
    cafe = Service.objects.get(directory=directory, name="Sprachcafé")
    location = Location.objects.get(directory=directory)
    organization = Organization.objects.get(directory=directory)
    # what editors wrote in the app (or an HSDS import) since
    location.name = "Treff am Markt"
    location.hsds = {**location.hsds, "name": "Treff am Markt", "description": "1. Stock"}
    location.save()
    organization.hsds = {**organization.hsds, "description": "Verein für Begegnung"}
    organization.save()
    cafe.status = cafe.hsds["status"] = "inactive"
    cafe.save()

    # the same sheet again, then one without the description column
    sheet_import(directory=directory, file_name="a.xlsx", content=xlsx([header, first]))
    sheet_import(
        directory=directory,
        file_name="b.xlsx",
        content=xlsx([["Angebot", "Träger", "Straße"],
                      ["Sprachcafé", "Stadtteiltreff", "Berliner Str. 5"]]),
    )  # fmt: skip
    location.refresh_from_db()
    organization.refresh_from_db()
    cafe.refresh_from_db()
    assert location.name == location.hsds["name"] == "Treff am Markt"
    assert location.hsds["description"] == "1. Stock"
    assert location.city == "Salzgitter"  # the address's town: no column in b.xlsx
    assert organization.hsds["description"] == "Verein für Begegnung"
    assert cafe.status == "inactive"
    assert cafe.description == "Jeden Dienstag"

    # a mapped column with an empty cell blanks the offer's description
    emptied = ["Sprachcafé", "Stadtteiltreff", "", "Berliner Str. 5", "Salzgitter"]
    sheet_import(directory=directory, file_name="a.xlsx", content=xlsx([header, emptied]))
    cafe.refresh_from_db()
    assert cafe.description == ""
    assert Location.objects.get(pk=location.pk).name == "Treff am Markt"

    # a new offer still gets a location name and an organisation description (HSDS needs one)
    sheet_import(
        directory=directory,
        file_name="c.xlsx",
        content=xlsx([header, ["Nähcafé", "Nähstube", "", "Markt 1", "Salzgitter"]]),
    )
    assert Location.objects.get(directory=directory, street="Markt 1").name == "Nähstube"
    assert Organization.objects.get(name="Nähstube").hsds["description"] == "Nähstube"
