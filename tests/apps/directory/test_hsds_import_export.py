"""import-hsds and export-hsds on the spec's own examples: nothing lost, the export valid."""

from __future__ import annotations

import json

import pytest

from passgenau.apps.directory.models import HsdsRecord, Service
from passgenau.apps.directory.services.hsds_io import (
    directory_dataset,
    directory_export_hsds,
    directory_import_hsds,
    export_validate,
)
from passgenau.engine import hsds

pytestmark = pytest.mark.django_db


def _imported(dataset: hsds.Dataset, services: int) -> dict:
    """``dataset``'s tables without the history entries the import wrote (one per new offer,
    checked here): the rest is what came in."""
    tables = dataset.canonical()
    ours = [m for m in tables.get("metadata", []) if m["last_action_type"] == "import"]
    assert len(ours) == services and all(not m.get("field_name") for m in ours)
    rest = [m for m in tables.pop("metadata", []) if m not in ours]
    return {**tables, "metadata": rest} if rest else tables


def test_csv_example_round_trip_loses_nothing(directory, hsds_spec, tmp_path):
    dataset = hsds.read_hsds_csv(hsds_spec / "examples" / "csv")
    report = directory_import_hsds(directory=directory, dataset=dataset)
    assert report.created["services"] == 1
    assert _imported(directory_dataset(directory=directory), 1) == dataset.canonical()
    directory_export_hsds(directory=directory, out_dir=tmp_path)
    assert _imported(hsds.read_hsds_csv(tmp_path), 1) == dataset.canonical()
    assert export_validate(out_dir=tmp_path, schema_dir=hsds_spec / "schema") == []
    # importing the export again changes nothing and creates no second copy
    again = directory_import_hsds(directory=directory, dataset=hsds.read_hsds_csv(tmp_path))
    assert again.created.get("services") == 0 and again.updated["services"] == 1
    assert Service.objects.count() == 1
    assert _imported(directory_dataset(directory=directory), 1) == dataset.canonical()


@pytest.mark.parametrize(
    "name", ["service_full.json", "organization_full.json", "service_at_location_full.json"]
)
def test_json_example_round_trip(directory, hsds_spec, tmp_path, name):
    original = json.loads((hsds_spec / "examples" / name).read_text())
    dataset = hsds.read_hsds_json(hsds_spec / "examples" / name)
    directory_import_hsds(directory=directory, dataset=dataset)
    directory_export_hsds(directory=directory, out_dir=tmp_path)
    assert export_validate(out_dir=tmp_path, schema_dir=hsds_spec / "schema") == []
    exported = hsds.read_hsds(tmp_path / "json")
    assert _imported(exported, len(dataset.rows("services"))) == dataset.canonical()
    leaves = set()
    for path in (tmp_path / "json").glob("*.json"):
        leaves |= {v for _, v in hsds.iter_leaves(json.loads(path.read_text()))}
    assert {v for _, v in hsds.iter_leaves(original)} - leaves == set()


def test_derived_search_data(directory, hsds_spec):
    directory_import_hsds(
        directory=directory, dataset=hsds.read_hsds_csv(hsds_spec / "examples" / "csv")
    )
    service = Service.objects.get()
    assert list(service.spoken.values_list("code", flat=True)) == ["ur"]
    assert service.minimum_age == 12 and service.maximum_age == 100
    assert service.last_confirmed.isoformat() == "2005-01-01"
    assert {(h.weekday, str(h.opens_at)) for h in service.hours.all()} == {
        (4, "10:00:00"),
        (5, "10:00:00"),
    }
    location = service.at_locations.get().location
    assert location.barrier_free  # "Wheelchair access is possible on all levels"
    assert "counselling" in service.search_document


def test_a_bad_reference_imports_nothing(directory, tmp_path):
    (tmp_path / "services.csv").write_text("id,name,status\ns1,Beratung,active\ns2,Kurs,open\n")
    (tmp_path / "service_at_location.csv").write_text("id,service_id,location_id\nx,s1,nowhere\n")
    with pytest.raises(hsds.HsdsError) as raised:
        directory_import_hsds(directory=directory, dataset=hsds.read_hsds_csv(tmp_path))
    text = str(raised.value)
    assert "service_at_location.csv, row 1, column 'location_id'" in text
    assert "services.csv, row 2, column 'status': must be one of active, " in text
    assert "temporarily closed, got 'open'" in text
    assert Service.objects.count() == 0 and HsdsRecord.objects.count() == 0


def test_command_line_import_export_and_errors(hsds_spec, tmp_path, capsys, settings):
    from passgenau.cli import main

    source = hsds_spec / "examples" / "csv"
    assert main(["directory", "import-hsds", str(source), "--directory", "sz", "--name", "SZ"]) == 0
    assert "services: 1 created" in capsys.readouterr().out
    out = tmp_path / "out"
    args = ["directory", "export-hsds", str(out), "--directory", "sz"]
    assert main([*args, "--validate", str(hsds_spec / "schema")]) == 0
    assert "valid against the HSDS 3.0 schemas" in capsys.readouterr().out
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "services.csv").write_text("id,name,status,minimum_age\ns1,x,active,zwölf\n")
    assert main(["directory", "import-hsds", str(bad), "--directory", "sz"]) == 2
    assert "services.csv, row 1, column 'minimum_age'" in capsys.readouterr().err
    assert main(["directory", "export-hsds", str(out), "--directory", "nowhere"]) == 2


def test_a_failed_command_line_import_leaves_no_new_directory(tmp_path, capsys):
    from passgenau.apps.directory.models import Directory
    from passgenau.cli import main

    bad = tmp_path / "bad"
    bad.mkdir()  # readable, but the offer's place is not in the files
    (bad / "services.csv").write_text("id,name,status\ns1,Beratung,active\n")
    (bad / "service_at_location.csv").write_text("id,service_id,location_id\nsal1,s1,l9\n")
    args = ["directory", "import-hsds", str(bad), "--directory", "neu", "--name", "Neu"]
    assert main(args) == 2
    assert "service_at_location.csv, row 1" in capsys.readouterr().err
    assert not Directory.objects.filter(slug="neu").exists()


def test_a_reimported_folder_blanks_emptied_fields_and_keeps_fields_it_lacks(directory, tmp_path):
    def folder(name: str, services: str, phones: str | None = None):
        path = tmp_path / name
        path.mkdir()
        (path / "services.csv").write_text(services)
        if phones is not None:
            (path / "phones.csv").write_text(phones)
        return hsds.read_hsds_csv(path)

    full = folder(
        "full",
        "id,name,status,email,url\ns1,Beratung,active,rat@example.org,https://rat.example\n",
        "id,service_id,number\np1,s1,05341 1\n",
    )
    directory_import_hsds(directory=directory, dataset=full)
    service = Service.objects.get(directory=directory, hsds_id="s1")
    assert service.email == "rat@example.org"

    # the same folder, the e-mail now empty: blanked; url and phone as before
    emptied = folder(
        "emptied",
        "id,name,status,email,url\ns1,Beratung,active,,https://rat.example\n",
        "id,service_id,number\np1,s1,\n",
    )
    directory_import_hsds(directory=directory, dataset=emptied)
    service.refresh_from_db()
    assert service.email == "" and "email" not in service.hsds
    assert service.url == "https://rat.example"
    assert "number" not in HsdsRecord.objects.get(table="phones", hsds_id="p1").data

    # a folder without the e-mail and url columns (and no phones file) keeps them
    directory_import_hsds(directory=directory, dataset=full)
    directory_import_hsds(
        directory=directory, dataset=folder("lacking", "id,name,status\ns1,Rat,active\n")
    )
    service.refresh_from_db()
    assert service.name == "Rat"
    assert (service.email, service.url) == ("rat@example.org", "https://rat.example")
    assert service.hsds["email"] == "rat@example.org"
    assert HsdsRecord.objects.get(table="phones", hsds_id="p1").data["number"] == "05341 1"


def test_a_reimported_json_file_keeps_the_fields_an_object_lacks(directory, tmp_path):
    """Per object: a key the object lacks keeps the stored value, even when another object of
    the same table has that key; a key given as null or "" blanks it (as the CSV re-import)."""

    def load(name: str, document: object) -> hsds.Dataset:
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(document))
        return hsds.read_hsds_json(path)

    def service(sid: str, **fields: object) -> dict:
        return {"id": sid, "name": f"Angebot {sid}", "status": "active", **fields}

    first = [
        service("s1", email="eins@example.org", url="https://eins.example",
                phones=[{"id": "p1", "number": "05341 1"}]),
        service("s2", email="zwei@example.org", url="https://zwei.example",
                phones=[{"id": "p2", "number": "05341 2", "extension": 7}]),
    ]  # fmt: skip
    directory_import_hsds(directory=directory, dataset=load("first", first))

    second = [
        service("s1"),  # no email, url or phones: all kept
        service("s2", email=None, url="", phones=[{"id": "p2", "number": "05341 2"}]),
        service("s3", email="drei@example.org", phones=[{"id": "p3", "extension": 3}]),
    ]
    directory_import_hsds(directory=directory, dataset=load("second", second))

    s1 = Service.objects.get(directory=directory, hsds_id="s1")
    assert (s1.email, s1.url) == ("eins@example.org", "https://eins.example")
    assert s1.hsds["email"] == "eins@example.org"
    s2 = Service.objects.get(directory=directory, hsds_id="s2")
    assert (s2.email, s2.url) == ("", "")
    assert "email" not in s2.hsds and "url" not in s2.hsds
    # p2's object has a number but no extension: the extension is kept
    assert HsdsRecord.objects.get(table="phones", hsds_id="p2").data["extension"] == 7
    assert HsdsRecord.objects.get(table="phones", hsds_id="p1").data["number"] == "05341 1"

    # the spec's tabular form (a dict of tables) follows the same rule
    tabular = {"services.csv": [{"id": "s1", "name": "Rat", "status": "active"},
                                {"id": "s2", "name": "Zwei", "status": "active",
                                 "email": "neu@example.org"}]}  # fmt: skip
    directory_import_hsds(directory=directory, dataset=load("tabular", tabular))
    s1.refresh_from_db()
    assert (s1.name, s1.email) == ("Rat", "eins@example.org")
    s2.refresh_from_db()
    assert s2.email == "neu@example.org"


def _texts(directory):
    from passgenau.apps.directory.models import ServiceText

    return {
        (t.service.hsds_id, t.language, t.easy_language, t.name, t.description, t.source_digest)
        for t in ServiceText.objects.filter(service__directory=directory).select_related("service")
    }


def _statuses(directory):
    from passgenau.apps.directory.selectors.search import SIMPLE_GERMAN
    from passgenau.apps.directory.selectors.work import text_rows

    return {
        key: {s.hsds_id: s.text_status for s in text_rows(directory=directory, language=code)}
        for key, code in (("ar", "ar"), ("uk", "uk"), ("easy", SIMPLE_GERMAN))
    }


def test_a_directory_edited_in_the_app_comes_back_whole(hsds_spec, tmp_path):
    """Translations (up to date and outdated), Einfache Sprache and the offers' statuses, as
    editors left them, go through the export and an import into an empty directory unchanged:
    the texts in our extension table (CSV) and property (JSON), still valid HSDS."""
    from accounts_helpers import make_user
    from directory_helpers import make_directory
    from passgenau.apps.directory.models import Directory
    from passgenau.apps.directory.services.offers import service_apply, service_text_save

    directory = make_directory()  # the demo, with an Arabic text of the Migrationsberatung
    editor = make_user("directory_editor", username="round-trip-editor")
    mbe = Service.objects.get(directory=directory, name="Migrationsberatung für Erwachsene")
    service_apply(service=mbe, fields={"description": "Beratung, neu geschrieben."}, actor=editor)
    mbe.refresh_from_db()
    service_text_save(actor=editor, service=mbe, language="uk", name="Міграційна консультація",
                      description="Консультація для дорослих.")  # fmt: skip
    homework = Service.objects.get(directory=directory, name="Hausaufgabenhilfe")
    service_apply(
        service=homework,
        fields={"easy_name": "Hilfe bei den Hausaufgaben", "easy_description": "Wir helfen dir."},
        actor=editor,
    )
    closed = Service.objects.get(directory=directory, name="Internationales Frauenfrühstück")
    service_apply(service=closed, fields={"status": "inactive"}, actor=editor)
    statuses = _statuses(directory)
    assert statuses["ar"][mbe.hsds_id] == "outdated" and statuses["uk"][mbe.hsds_id] == "up_to_date"
    assert statuses["easy"][homework.hsds_id] == "up_to_date"

    directory_export_hsds(directory=directory, out_dir=tmp_path)
    assert export_validate(out_dir=tmp_path, schema_dir=hsds_spec / "schema") == []
    package = json.loads((tmp_path / "datapackage.json").read_text())
    assert "x_service_texts" in {r["name"] for r in package["resources"]}
    for source in (tmp_path, tmp_path / "json"):
        copy = Directory.objects.create(name="Kopie", slug=f"kopie-{source.name}")
        directory_import_hsds(directory=copy, dataset=hsds.read_hsds(source))
        got, want = (
            directory_dataset(directory=copy).canonical(),
            directory_dataset(directory=directory).canonical(),
        )
        came = {m["id"] for m in want["metadata"]}
        own = [m for m in got["metadata"] if m["id"] not in came]  # the copy's import, per offer
        assert sorted(m["resource_id"] for m in own) == sorted(s["id"] for s in want["services"])
        assert {(m["last_action_type"], m["field_name"]) for m in own} == {("import", "")}
        got["metadata"] = [m for m in got["metadata"] if m["id"] in came]
        assert got == want, source
        assert _texts(copy) == _texts(directory) and len(_texts(copy)) == 3
        assert _statuses(copy) == statuses
        status = dict(Service.objects.filter(directory=copy).values_list("name", "status"))
        assert status["Internationales Frauenfrühstück"] == "inactive"
        copied = Service.objects.get(directory=copy, hsds_id=mbe.hsds_id)
        assert "консультація" in copied.search_document  # found by its translation's words


def test_a_text_of_an_unknown_offer_imports_nothing(directory):
    dataset = hsds.Dataset()
    dataset.add("services", {"id": "s1", "name": "Beratung", "status": "active"})
    dataset.add("x_service_texts", {"id": "t1", "service_id": "s2", "language": "uk"})
    with pytest.raises(hsds.HsdsError) as error:
        directory_import_hsds(directory=directory, dataset=dataset)
    assert "x_service_texts.csv" in str(error.value) and "service_id" in str(error.value)
    assert not Service.objects.filter(directory=directory).exists()
