"""The spreadsheet import and export: 66 measures in 12 areas, file/row/field errors, one
transaction, the 5,000-row limit while streaming, and the export read back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accounts_helpers import make_user
from funding_helpers import make_programme
from measures_helpers import (
    HEADINGS,
    coordinating_office,
    fachplan_csv,
    fachplan_rows,
    fachplan_xlsx,
    role_organisation,
)
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.core.input_problems import ImportFailed
from passgenau.apps.measures import imports, services
from passgenau.apps.measures.models import Measure, Plan
from spreadsheet_helpers import streamed_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return make_user("municipal_officer", username="x-officer", organisation=coordinating_office())


@pytest.fixture
def plan(officer):
    return services.plan_create(
        user=officer,
        name="Fachplan Asyl und Integration 2027",
        organisation=officer.organisation,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2028, 12, 31),
    )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_plan_of_66_measures_in_12_areas_is_imported(officer, plan, fmt):
    role_organisation("provider")
    content = fachplan_xlsx() if fmt == "xlsx" else fachplan_csv()
    result = imports.plan_import(
        user=officer, plan=plan, file_name=f"fachplan.{fmt}", content=content
    )
    assert (result.created, result.areas_created) == (66, 12)
    assert plan.measures.count() == 66 and plan.areas.count() == 12
    assert sorted(a.measures.count() for a in plan.areas.all()) == [5] * 6 + [6] * 6
    measure = plan.measures.get(code="1.1")
    assert measure.title.startswith("Maßnahme 1.1")
    assert measure.start == dt.date(2026, 2, 1) and measure.end == dt.date(2028, 12, 31)
    assert measure.costs == Decimal("1250.00")
    assert [a.name for a in measure.partners.all()] == [
        "Ausländerrat",
        "Integrations- und Ausländerbeirat",
    ]
    lead = measure.lead_actors.get()
    assert lead.name == "Jobcenter" and lead.organisation is None
    provider_led = plan.measures.filter(lead_actors__name=role_organisation("provider").name)
    assert provider_led.exists()
    assert provider_led.first().lead_actors.get().organisation == role_organisation("provider")
    assert set(plan.measures.values_list("status", flat=True)) == {
        "planned",
        "running",
        "done",
        "delayed",
    }
    entry = AuditEntry.objects.get(action="measures.plan.imported")
    assert entry.data["created"] == 66


def test_every_problem_is_named_by_file_row_and_field_and_nothing_is_saved(officer, plan):
    rows = fachplan_rows(areas=2, measures=4)
    rows[0][8] = dt.date(2025, 1, 1)  # end before start
    rows[1][9] = "irgendwie"  # unknown status
    rows[2][10] = "viel"  # not an amount
    rows[3][2] = rows[0][2]  # duplicate number
    rows[3][3] = ""  # no title
    with pytest.raises(ImportFailed) as error:
        imports.plan_import(
            user=officer, plan=plan, file_name="plan.xlsx", content=fachplan_xlsx(rows)
        )
    lines = [str(p) for p in error.value.problems]
    assert any("plan.xlsx, row 2" in line and "End" in line for line in lines), lines
    assert any("row 3" in line and "irgendwie" in line for line in lines), lines
    assert any("row 4" in line and "viel" in line for line in lines), lines
    assert any("row 5" in line and "row 2" in line for line in lines), lines
    assert any("row 5" in line and "Measure" in line for line in lines), lines
    assert Measure.objects.count() == 0 and plan.areas.count() == 0


def test_missing_column_and_mapping(officer, plan):
    rows = fachplan_rows(areas=1, measures=2)
    headings = list(HEADINGS)
    headings[3] = "Bezeichnung der Maßnahme"
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(headings)
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(ImportFailed) as error:
        imports.plan_import(user=officer, plan=plan, file_name="p.xlsx", content=out.getvalue())
    assert "Maßnahme" in str(error.value) and "row 1" in str(error.value)
    result = imports.plan_import(
        user=officer,
        plan=plan,
        file_name="p.xlsx",
        content=out.getvalue(),
        mapping={"title": "Bezeichnung der Maßnahme"},
    )
    assert result.created == 2


def test_the_row_limit_is_checked_while_reading(officer, plan, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 10)
    read = []
    original = imports.import_rows

    def counting(file_name, content):
        for row in original(file_name, content):
            read.append(row)
            yield row

    monkeypatch.setattr(imports, "import_rows", counting)
    content = fachplan_csv(fachplan_rows(areas=2, measures=40))
    with pytest.raises(ImportFailed) as error:
        imports.plan_import(user=officer, plan=plan, file_name="big.csv", content=content)
    assert "At most 10 measures" in str(error.value) and "row 12" in str(error.value)
    assert len(read) == 12  # the header, ten measures and the one too many; no further
    assert Measure.objects.count() == 0


def test_unknown_programme_is_refused_and_a_known_one_linked(officer, plan):
    programme = make_programme(name="Integration im Quartier")
    rows = fachplan_rows(areas=1, measures=2)
    rows[0][11] = "Integration im Quartier"
    rows[1][11] = "Gibt es nicht"
    with pytest.raises(ImportFailed) as error:
        imports.plan_import(user=officer, plan=plan, file_name="p.csv", content=fachplan_csv(rows))
    assert "Gibt es nicht" in str(error.value)
    rows[1][11] = ""
    imports.plan_import(user=officer, plan=plan, file_name="p.csv", content=fachplan_csv(rows))
    assert plan.measures.get(code="1.1").programme == programme


def _empty_plan(officer, name: str) -> Plan:
    return services.plan_create(
        user=officer,
        name=name,
        organisation=officer.organisation,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2028, 12, 31),
    )


def test_export_reads_back_the_same_plan(officer, plan):
    imports.plan_import(user=officer, plan=plan, file_name="p.xlsx", content=fachplan_xlsx())
    for fmt, export in (("xlsx", imports.plan_export_xlsx), ("csv", imports.plan_export_csv)):
        copy = _empty_plan(officer, f"Kopie {fmt}")
        result = imports.plan_import(
            user=officer, plan=copy, file_name=f"export.{fmt}", content=export(plan=plan)
        )
        assert result.created == 66

        def summary(p: Plan):
            return sorted(
                (
                    m.area.code,
                    m.code,
                    m.title,
                    m.start,
                    m.end,
                    m.status,
                    m.costs,
                    tuple(a.name for a in m.lead_actors.all()),
                )
                for m in p.measures.select_related("area").prefetch_related("lead_actors")
            )

        assert summary(copy) == summary(plan)


def test_reimport_updates_descriptions_but_not_the_status(officer, plan):
    rows = fachplan_rows(areas=1, measures=2)
    imports.plan_import(user=officer, plan=plan, file_name="p.csv", content=fachplan_csv(rows))
    before = plan.measures.get(code="1.1").status
    rows[0][3] = "Neuer Titel"
    rows[0][9] = "abgeschlossen" if before != "done" else "geplant"
    result = imports.plan_import(
        user=officer, plan=plan, file_name="p.csv", content=fachplan_csv(rows)
    )
    measure = plan.measures.get(code="1.1")
    assert (result.created, result.updated) == (0, 2)
    assert measure.title == "Neuer Titel" and measure.status == before
    assert result.status_kept == ["1.1"]


def test_export_neutralises_formulas_and_reads_them_back(officer, plan):
    """Titles are typed by users: in the export they never run as formulas; importing the
    export again gives the same text (issue 10, defect 6)."""
    import csv
    import io

    from openpyxl import load_workbook

    trap = '=HYPERLINK("http://evil.example/","Antrag")'
    rows = fachplan_rows(areas=1, measures=2)
    rows[0][3] = trap
    rows[1][4] = "- mehr Wohnungen"
    imports.plan_import(user=officer, plan=plan, file_name="p.csv", content=fachplan_csv(rows))
    assert plan.measures.get(code="1.1").title == trap
    sheet = load_workbook(io.BytesIO(imports.plan_export_xlsx(plan=plan))).active
    title = sheet.cell(row=2, column=4)
    assert (title.data_type, title.value) == ("s", "'" + trap)
    text = imports.plan_export_csv(plan=plan).decode("utf-8-sig")
    exported = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert exported[1][3] == "'" + trap and exported[2][4] == "'- mehr Wohnungen"
    for fmt, export in (("xlsx", imports.plan_export_xlsx), ("csv", imports.plan_export_csv)):
        copy = _empty_plan(officer, f"Kopie {fmt}")
        content = export(plan=plan)
        imports.plan_import(user=officer, plan=copy, file_name=f"e.{fmt}", content=content)
        assert copy.measures.get(code="1.1").title == trap
        assert copy.measures.get(code="1.2").objective == "- mehr Wohnungen"


def test_a_long_excel_file_is_read_only_up_to_the_row_limit(officer, plan):
    """Issue 10, defect 4: the sheet breaks off at row 7,000; the import stops at row 5,002 (the
    header, 5,000 measures, the one too many) and never gets there — also for a sheet that
    claims no size (opening it read the whole sheet to look for one)."""
    template = fachplan_rows(areas=1, measures=1)[0]
    rows = [HEADINGS, *([*template[:2], f"1.{n}", *template[3:]] for n in range(8_000))]
    with pytest.raises(ImportFailed) as error:
        imports.plan_import(
            user=officer,
            plan=plan,
            file_name="big.xlsx",
            content=streamed_xlsx(rows, broken_at=7_000),
        )
    assert [(p.row, p.message) for p in error.value.problems] == [
        (5002, "At most 5000 measures per file.")
    ]
    assert Measure.objects.count() == 0
