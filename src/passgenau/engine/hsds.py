"""Open Referral HSDS 3.0 as plain tables: read and write the tabular data package (CSV files with
``datapackage.json``) and the nested JSON, without a database.

The common form is a :class:`Dataset`: for each HSDS table (``services``, ``locations``, …) a list
of rows, each a dict of HSDS field names to typed values (strings, numbers). Nested JSON is
flattened into it by following the HSDS references (a phone inside a service gets the service's id
as ``service_id``; an attribute gets ``link_id``/``link_entity``; metadata ``resource_id``/
``resource_type``) and nested again from it, so that CSV → tables → JSON → tables gives the same
rows. Problems (an unreadable file, a row without its id, a number that is not one) come back as
:class:`~passgenau.engine.problems.InputProblem` records naming the file, row and field.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .problems import InputError, InputProblem

__all__ = [
    "ALL_TABLES",
    "EXTENSION_TABLES",
    "TABLES",
    "Dataset",
    "HsdsError",
    "datapackage_descriptor",
    "dataset_from_json",
    "nest_organization",
    "nest_service",
    "nest_service_at_location",
    "nest_taxonomy_term",
    "nester",
    "openapi_response_validator",
    "read_hsds",
    "read_hsds_csv",
    "read_hsds_json",
    "schema_errors",
    "schema_validator",
    "write_hsds_csv",
]

Row = dict[str, Any]


@dataclass(frozen=True)
class Table:
    """One HSDS object as a table: its CSV file name, the singular entity name, its fields
    (name → JSON type) in the order of the schema, and the required ones."""

    name: str
    entity: str
    fields: tuple[tuple[str, str], ...]
    required: tuple[str, ...] = ("id",)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.fields)


def _fields(spec: str) -> tuple[tuple[str, str], ...]:
    """``"id year:number"`` → ``(("id", "string"), ("year", "number"))``."""
    out = []
    for item in spec.split():
        name, _, kind = item.partition(":")
        out.append((name, kind or "string"))
    return tuple(out)


# The flat fields of every HSDS 3.0 object (arrays and nested objects are the other tables).
TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "organizations",
            "organization",
            _fields(
                "id name alternate_name description email website tax_status tax_id "
                "year_incorporated:number legal_status logo uri parent_organization_id"
            ),
            ("id", "name", "description"),
        ),
        Table(
            "programs",
            "program",
            _fields("id organization_id name alternate_name description"),
            ("id", "name", "description"),
        ),
        Table(
            "services",
            "service",
            _fields(
                "id organization_id program_id name alternate_name description url email status "
                "interpretation_services application_process fees_description wait_time fees "
                "accreditations eligibility_description minimum_age:number maximum_age:number "
                "assured_date assurer_email licenses alert last_modified"
            ),
            ("id", "name", "status"),
        ),
        Table(
            "locations",
            "location",
            _fields(
                "id location_type url organization_id name alternate_name description "
                "transportation latitude:number longitude:number external_identifier "
                "external_identifier_type"
            ),
            ("id", "location_type"),
        ),
        Table(
            "service_at_location",
            "service_at_location",
            _fields("id service_id location_id description"),
        ),
        Table(
            "addresses",
            "address",
            _fields(
                "id location_id attention address_1 address_2 city region state_province "
                "postal_code country address_type"
            ),
            ("id", "address_1", "city", "state_province", "postal_code", "country", "address_type"),
        ),
        Table(
            "phones",
            "phone",
            _fields(
                "id location_id service_id organization_id contact_id service_at_location_id "
                "number extension:number type description"
            ),
            ("id", "number"),
        ),
        Table(
            "schedules",
            "schedule",
            _fields(
                "id service_id location_id service_at_location_id valid_from valid_to dtstart "
                "timezone:number until count:number wkst freq interval:number byday byweekno "
                "bymonthday byyearday description opens_at closes_at schedule_link "
                "attending_type notes"
            ),
        ),
        Table(
            "languages",
            "language",
            _fields("id service_id location_id phone_id name code note"),
        ),
        Table(
            "contacts",
            "contact",
            _fields(
                "id organization_id service_id service_at_location_id location_id name title "
                "department email"
            ),
        ),
        Table(
            "service_areas",
            "service_area",
            _fields("id service_id name description extent extent_type uri"),
        ),
        Table(
            "cost_options",
            "cost_option",
            _fields(
                "id service_id valid_from valid_to option currency amount:number amount_description"
            ),
        ),
        Table(
            "accessibility",
            "accessibility",
            _fields("id location_id description details url"),
        ),
        Table(
            "funding",
            "funding",
            _fields("id organization_id service_id source"),
        ),
        Table(
            "required_documents",
            "required_document",
            _fields("id service_id document uri"),
        ),
        Table(
            "organization_identifiers",
            "organization_identifier",
            _fields("id organization_id identifier_scheme identifier_type identifier"),
            ("id", "identifier_type", "identifier"),
        ),
        Table(
            "taxonomies",
            "taxonomy",
            _fields("id name description uri version"),
            ("id", "name", "description"),
        ),
        Table(
            "taxonomy_terms",
            "taxonomy_term",
            _fields("id code name description parent_id taxonomy language taxonomy_id term_uri"),
            ("id", "name", "description"),
        ),
        Table(
            "attributes",
            "attribute",
            _fields("id link_id taxonomy_term_id link_type link_entity value"),
        ),
        Table(
            "metadata",
            "metadata",
            _fields(
                "id resource_id resource_type last_action_date last_action_type field_name "
                "previous_value replacement_value updated_by"
            ),
            (
                "id",
                "last_action_date",
                "last_action_type",
                "field_name",
                "previous_value",
                "replacement_value",
                "updated_by",
            ),
        ),
        Table(
            "meta_table_descriptions",
            "meta_table_description",
            _fields("id name language character_set"),
        ),
    )
}
# Tables of our own beside HSDS (which has no field for them), as the specification allows:
# an additional resource of the CSV package and an additional property of a service in JSON
# (the schemas accept unknown properties). ``x_service_texts``: an offer's name and
# description in another language (``de-x-simple``: Einfache Sprache) and ``source_digest``,
# which German text it was made from (so an outdated translation stays outdated).
_SERVICE_TEXTS = Table(
    "x_service_texts",
    "x_service_text",
    _fields("id service_id language name description source_digest"),
    ("id", "service_id", "language"),
)
EXTENSION_TABLES: dict[str, Table] = {_SERVICE_TEXTS.name: _SERVICE_TEXTS}
ALL_TABLES: dict[str, Table] = {**TABLES, **EXTENSION_TABLES}
TABLE_OF_ENTITY: dict[str, Table] = {t.entity: t for t in ALL_TABLES.values()}

# Nested arrays: (parent entity, key) → (child table, the child's field that names the parent).
_CHILDREN: dict[tuple[str, str], tuple[str, str]] = {
    ("organization", "funding"): ("funding", "organization_id"),
    ("organization", "contacts"): ("contacts", "organization_id"),
    ("organization", "phones"): ("phones", "organization_id"),
    ("organization", "locations"): ("locations", "organization_id"),
    ("organization", "programs"): ("programs", "organization_id"),
    ("organization", "organization_identifiers"): ("organization_identifiers", "organization_id"),
    ("organization", "services"): ("services", "organization_id"),
    ("service", "phones"): ("phones", "service_id"),
    ("service", "schedules"): ("schedules", "service_id"),
    ("service", "service_areas"): ("service_areas", "service_id"),
    ("service", "service_at_locations"): ("service_at_location", "service_id"),
    ("service", "languages"): ("languages", "service_id"),
    ("service", "funding"): ("funding", "service_id"),
    ("service", "cost_options"): ("cost_options", "service_id"),
    ("service", "required_documents"): ("required_documents", "service_id"),
    ("service", "contacts"): ("contacts", "service_id"),
    ("location", "languages"): ("languages", "location_id"),
    ("location", "addresses"): ("addresses", "location_id"),
    ("location", "contacts"): ("contacts", "location_id"),
    ("location", "accessibility"): ("accessibility", "location_id"),
    ("location", "phones"): ("phones", "location_id"),
    ("location", "schedules"): ("schedules", "location_id"),
    ("service_at_location", "contacts"): ("contacts", "service_at_location_id"),
    ("service_at_location", "phones"): ("phones", "service_at_location_id"),
    ("service_at_location", "schedules"): ("schedules", "service_at_location_id"),
    ("contact", "phones"): ("phones", "contact_id"),
    ("phone", "languages"): ("languages", "phone_id"),
    ("service", "x_service_texts"): ("x_service_texts", "service_id"),
}
# Nested single objects: (parent entity, key) → (child table, the parent's field naming it).
_REFERENCES: dict[tuple[str, str], tuple[str, str]] = {
    ("service", "organization"): ("organizations", "organization_id"),
    ("service", "program"): ("programs", "program_id"),
    ("service_at_location", "location"): ("locations", "location_id"),
    ("service_at_location", "service"): ("services", "service_id"),
    ("attribute", "taxonomy_term"): ("taxonomy_terms", "taxonomy_term_id"),
    ("taxonomy_term", "taxonomy_detail"): ("taxonomies", "taxonomy_id"),
}
_PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page"}


class HsdsError(InputError):
    """An HSDS package or document that cannot be read; carries every problem found."""

    separator = "; "
    shown = 5
    problems: list[InputProblem]


def _problem(
    source: str, row: int | None, field: str | None, code: str, **parameters: Any
) -> InputProblem:
    return InputProblem(source, row, field, code, parameters)


@dataclass
class Dataset:
    """HSDS rows per table; every row has an ``id``; fields not given are absent (not empty).
    ``columns`` names, per table read from a file, the fields the file has (a CSV header, the
    keys of the JSON objects): a field there but absent from a row is empty in the file; a field
    not there is not in the file at all. ``keys`` names, per table and row id, the fields a JSON
    object has (null or "" included): an object is not a CSV row, and a key one object lacks is
    not in the file for that object even when another object of its table has it."""

    tables: dict[str, list[Row]] = field(default_factory=lambda: {name: [] for name in TABLES})
    columns: dict[str, set[str]] = field(default_factory=dict)
    keys: dict[str, dict[str, set[str]]] = field(default_factory=dict)

    def fields_in_file(self, table: str, row_id: str) -> set[str] | None:
        """The fields the file has for the row ``row_id`` of ``table`` (its object's keys for
        JSON, the table's columns for CSV); None for a dataset not read from a file."""
        by_row = self.keys.get(table)
        if by_row is not None and row_id in by_row:
            return by_row[row_id]
        return self.columns.get(table)

    def _note_keys(self, table: Table, row_id: Any, keys: Iterable[str]) -> None:
        present = set(keys) & set(table.field_names)
        self.columns.setdefault(table.name, set()).update(present)
        if isinstance(row_id, str):
            self.keys.setdefault(table.name, {}).setdefault(row_id, set()).update(present)

    def rows(self, table: str) -> list[Row]:
        return self.tables.setdefault(table, [])

    def add(self, table: str, row: Row) -> None:
        """Add ``row``, merging with a row of the same id already there (nested JSON repeats an
        organisation under each of its services)."""
        rows = self.rows(table)
        index = self._index(table)
        existing = index.get(row["id"])
        if existing is None:
            copy = dict(row)
            rows.append(copy)
            index[row["id"]] = copy
        else:
            for key, value in row.items():
                existing.setdefault(key, value)

    def _index(self, table: str) -> dict[str, Row]:
        indexes: dict[str, dict[str, Row]] = self.__dict__.setdefault("_indexes", {})
        if table not in indexes or len(indexes[table]) != len(self.rows(table)):
            indexes[table] = {r["id"]: r for r in self.rows(table)}
        return indexes[table]

    def get(self, table: str, row_id: str | None) -> Row | None:
        if row_id is None:
            return None
        return self._index(table).get(row_id)

    def count(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.tables.items() if rows}

    def canonical(self) -> dict[str, list[Row]]:
        """Tables sorted by id with rows sorted by key: what two lossless copies share."""
        return {
            name: sorted((dict(sorted(r.items())) for r in rows), key=lambda r: str(r["id"]))
            for name, rows in sorted(self.tables.items())
            if rows
        }


# --- typed values -------------------------------------------------------------------------------


def _number(text: str) -> int | float:
    value = float(text)
    if value.is_integer() and "." not in text and "e" not in text.lower():
        return int(text)
    return value


def _typed(
    table: Table, raw: Mapping[str, Any], source: str, row: int | None
) -> tuple[Row, list[InputProblem]]:
    """Cells of one CSV row (or values of one JSON object) as typed HSDS values; empty cells are
    left out; unknown columns are a problem."""
    kinds = dict(table.fields)
    out: Row = {}
    problems: list[InputProblem] = []
    for key, value in raw.items():
        if key not in kinds:
            unknown = {"entity": table.name, "name": key}
            problems.append(_problem(source, row, key, "hsds.unknown_field", **unknown))
            continue
        if value is None or value == "":
            continue
        if kinds[key] == "number":
            if isinstance(value, bool):
                problems.append(_problem(source, row, key, "number.invalid", value=value))
                continue
            if isinstance(value, str):
                try:
                    value = _number(value.strip())
                except ValueError:
                    problems.append(_problem(source, row, key, "number.invalid", value=value))
                    continue
        elif not isinstance(value, str):
            value = str(value)
        out[key] = value
    if "id" not in out:
        problems.append(_problem(source, row, "id", "hsds.no_id"))
    return out, problems


# --- CSV package --------------------------------------------------------------------------------


def _resource_files(folder: Path) -> tuple[dict[str, Path], list[InputProblem]]:
    """Table name → CSV file, from ``datapackage.json`` when it lists resources, otherwise the
    standard file names (the spec's own example folder ships only a pointer to its descriptor)."""
    problems: list[InputProblem] = []
    descriptor = folder / "datapackage.json"
    files: dict[str, Path] = {}
    if descriptor.is_file():
        try:
            package = json.loads(descriptor.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            package = None
        if isinstance(package, dict) and isinstance(package.get("resources"), list):
            for resource in package["resources"]:
                name = resource.get("name") if isinstance(resource, dict) else None
                path = resource.get("path") if isinstance(resource, dict) else None
                if name not in ALL_TABLES or not isinstance(path, str):
                    problems.append(
                        _problem(
                            "datapackage.json",
                            None,
                            "resources",
                            "hsds.unknown_resource",
                            name=name,
                        )
                    )
                    continue
                target = (folder / path).resolve()
                if not target.is_relative_to(folder.resolve()):
                    problems.append(
                        _problem("datapackage.json", None, "path", "hsds.outside", path=path)
                    )
                    continue
                files[name] = target
            return files, problems
    for name in TABLES:
        path = folder / f"{name}.csv"
        if path.is_file():
            files[name] = path
    return files, problems


def read_hsds_csv(folder: Path, *, max_rows: int = 1_000_000) -> Dataset:
    """Read an HSDS tabular data package (a folder of CSV files); raise :class:`HsdsError` with
    every problem found."""
    files, problems = _resource_files(folder)
    if not files and not problems:
        problems.append(_problem(str(folder), None, None, "hsds.no_table"))
    dataset = Dataset()
    total = 0
    for name, path in files.items():
        table = ALL_TABLES[name]
        source = path.name
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(_problem(source, None, None, "file.unreadable", detail=str(exc)))
            continue
        reader = csv.DictReader(io.StringIO(text))
        if reader.fieldnames is None:
            continue
        dataset.columns[name] = set(reader.fieldnames) & set(table.field_names)
        seen: set[str] = set()
        for number, cells in enumerate(reader, start=1):
            total += 1
            if total > max_rows:
                problems.append(_problem(source, number, None, "rows.too_many", limit=max_rows))
                raise HsdsError(problems)
            if None in cells:
                problems.append(_problem(source, number, None, "csv.extra_cells"))
                cells.pop(None)
            row, row_problems = _typed(table, cells, source, number)
            problems.extend(row_problems)
            if "id" in row:
                if row["id"] in seen:
                    twice = {"kind": table.entity, "id": row["id"]}
                    problems.append(_problem(source, number, "id", "id.duplicate", **twice))
                    continue
                seen.add(row["id"])
                dataset.rows(name).append(row)
    if problems:
        raise HsdsError(problems)
    return dataset


def _csv_text(table: Table, rows: Iterable[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(table.field_names), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(v) for k, v in row.items() if k in table.field_names})
    return buffer.getvalue()


def _csv_cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return repr(value)
    return str(value)


_FRICTIONLESS_TYPES = {"string": "string", "number": "number"}


def datapackage_descriptor(tables: Iterable[str]) -> dict[str, Any]:
    """A Tabular Data Package descriptor for the given tables (HSDS field names and types)."""
    resources = []
    for name in tables:
        table = ALL_TABLES[name]
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "schema": {
                    "fields": [
                        {
                            "name": f,
                            "type": _FRICTIONLESS_TYPES[kind],
                            "constraints": {"required": f in table.required},
                        }
                        for f, kind in table.fields
                    ],
                    "primaryKey": "id",
                },
            }
        )
    return {
        "name": "hsds",
        "profile": "tabular-data-package",
        "version": "3.0",
        "resources": resources,
    }


def write_hsds_csv(dataset: Dataset, folder: Path) -> list[Path]:
    """Write every HSDS table (with a header even when empty), the extension tables that have
    rows, and ``datapackage.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    extensions = [name for name in EXTENSION_TABLES if dataset.rows(name)]
    for name in [*TABLES, *extensions]:
        path = folder / f"{name}.csv"
        path.write_text(_csv_text(ALL_TABLES[name], dataset.rows(name)), encoding="utf-8")
        written.append(path)
    descriptor = folder / "datapackage.json"
    descriptor.write_text(
        json.dumps(datapackage_descriptor([*TABLES, *extensions]), indent=2, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    written.append(descriptor)
    return written


# --- nested JSON → tables -----------------------------------------------------------------------


def _guess_entity(obj: Mapping[str, Any], hint: str) -> str:
    for entity in ("service_at_location", "taxonomy_term", "taxonomy", "organization", "location"):
        if entity in hint:
            return entity
    if "service" in hint:
        return "service"
    if "status" in obj:
        return "service"
    if "location_type" in obj:
        return "location"
    if "taxonomy_detail" in obj or "taxonomy_id" in obj or "parent_id" in obj or "term_uri" in obj:
        return "taxonomy_term"
    if "service_id" in obj or "location" in obj:
        return "service_at_location"
    if "version" in obj and "website" not in obj:
        return "taxonomy"
    return "organization"


def _flatten(
    dataset: Dataset,
    entity: str,
    obj: Any,
    source: str,
    path: str,
    problems: list[InputProblem],
    parent: tuple[str, str] | None = None,
) -> None:
    """Add ``obj`` (an HSDS object of ``entity``) and everything nested in it to ``dataset``."""
    if not isinstance(obj, dict):
        problems.append(_problem(source, None, path, "json.not_object"))
        return
    table = TABLE_OF_ENTITY[entity]
    flat: dict[str, Any] = {}
    nested: list[tuple[str, Any]] = []
    for key, value in obj.items():
        if isinstance(value, list | dict):
            nested.append((key, value))
        else:
            flat[key] = value
    if parent is not None:
        fk, parent_id = parent
        flat.setdefault(fk, parent_id)
    row, row_problems = _typed(table, flat, source, None)
    problems.extend(
        p.at(p.source, p.line, f"{path}.{p.field or ''}".strip(".")) for p in row_problems
    )
    if "id" not in row:
        return
    own_id = row["id"]
    for key, value in nested:
        where = f"{path}.{key}".lstrip(".")
        if key == "attributes":
            for i, item in enumerate(_as_list(value, source, where, problems)):
                if isinstance(item, dict):
                    item = {"link_id": own_id, "link_entity": entity, **item}
                _flatten(dataset, "attribute", item, source, f"{where}[{i}]", problems)
        elif key == "metadata":
            for i, item in enumerate(_as_list(value, source, where, problems)):
                if isinstance(item, dict):
                    item = {"resource_id": own_id, "resource_type": entity, **item}
                _flatten(dataset, "metadata", item, source, f"{where}[{i}]", problems)
        elif (entity, key) in _CHILDREN:
            child_table, fk = _CHILDREN[(entity, key)]
            child_entity = ALL_TABLES[child_table].entity
            for i, item in enumerate(_as_list(value, source, where, problems)):
                _flatten(
                    dataset, child_entity, item, source, f"{where}[{i}]", problems, (fk, own_id)
                )
        elif (entity, key) in _REFERENCES:
            ref_table, fk = _REFERENCES[(entity, key)]
            if isinstance(value, dict) and value.get("id") is not None:
                row.setdefault(fk, str(value["id"]))
                flat.setdefault(fk, row[fk])
            _flatten(dataset, TABLES[ref_table].entity, value, source, where, problems)
        else:
            unknown = {"entity": entity, "name": key}
            problems.append(_problem(source, None, where, "hsds.unknown_field", **unknown))
    dataset._note_keys(table, own_id, flat)
    dataset.add(table.name, row)


def _as_list(value: Any, source: str, where: str, problems: list[InputProblem]) -> list[Any]:
    if isinstance(value, list):
        return value
    problems.append(_problem(source, None, where, "json.not_array"))
    return []


def dataset_from_json(
    document: Any, *, source: str = "<json>", entity: str = "", dataset: Dataset | None = None
) -> Dataset:
    """Tables from HSDS JSON: one object, a list of objects, an API page (``contents``) or a
    dict of tables as the spec's ``tabular.json`` (``{"services.csv": [rows]}``)."""
    dataset = dataset if dataset is not None else Dataset()
    problems: list[InputProblem] = []
    if (
        isinstance(document, dict)
        and document
        and all(isinstance(k, str) and k.removesuffix(".csv") in TABLES for k in document)
    ):
        for key, rows in document.items():
            table = TABLES[key.removesuffix(".csv")]
            for i, item in enumerate(_as_list(rows, source, key, problems)):
                if isinstance(item, dict):
                    row, row_problems = _typed(table, item, source, i + 1)
                    problems.extend(row_problems)
                    if "id" in row:
                        dataset._note_keys(table, row["id"], item)
                        dataset.add(table.name, row)
        if problems:
            raise HsdsError(problems)
        return dataset
    if isinstance(document, dict) and "contents" in document and _PAGE_KEYS & document.keys():
        document = document["contents"]
    items = document if isinstance(document, list) else [document]
    for i, item in enumerate(items):
        where = f"[{i}]" if isinstance(document, list) else ""
        kind = entity or _guess_entity(item if isinstance(item, dict) else {}, source)
        _flatten(dataset, kind, item, source, where, problems)
    if problems:
        raise HsdsError(problems)
    return dataset


def read_hsds_json(path: Path, *, max_bytes: int = 200_000_000) -> Dataset:
    """Tables from one HSDS JSON file (the entity is guessed from the file name, then the keys)."""
    if path.stat().st_size > max_bytes:
        raise HsdsError([_problem(path.name, None, None, "file.too_large", limit=max_bytes)])
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise HsdsError(
            [_problem(path.name, None, None, "json.invalid", detail=str(exc))]
        ) from None
    return dataset_from_json(document, source=path.name)


def read_hsds(path: Path) -> Dataset:
    """A CSV package folder, a JSON file, or a folder of JSON files (one kind per file)."""
    if path.is_dir():
        if list(path.glob("*.csv")) or (path / "datapackage.json").is_file():
            return read_hsds_csv(path)
        dataset = Dataset()
        problems: list[InputProblem] = []
        for file in sorted(path.glob("*.json")):
            try:
                document = json.loads(file.read_text(encoding="utf-8-sig"))
                dataset_from_json(document, source=file.name, dataset=dataset)
            except (ValueError, UnicodeDecodeError) as exc:
                if isinstance(exc, HsdsError):
                    problems.extend(exc.problems)
                else:
                    problems.append(
                        _problem(file.name, None, None, "json.invalid", detail=str(exc))
                    )
        if problems:
            raise HsdsError(problems)
        return dataset
    if not path.exists():
        raise HsdsError([_problem(str(path), None, None, "file.not_found")])
    return read_hsds_json(path)


# --- tables → nested JSON -----------------------------------------------------------------------


class _Nester:
    """Builds nested objects from a dataset, with indexes by parent id built once."""

    def __init__(self, dataset: Dataset, *, with_services: bool = False) -> None:
        self.dataset = dataset
        self.with_services = with_services
        self.by_parent: dict[tuple[str, str], dict[str, list[Row]]] = {}
        # by the id they name only: ids are unique across tables, and the examples' link_entity and
        # resource_type are placeholders
        self.attributes: dict[str, list[Row]] = {}
        for row in dataset.rows("attributes"):
            self.attributes.setdefault(str(row.get("link_id")), []).append(row)
        self.metadata: dict[str, list[Row]] = {}
        for row in dataset.rows("metadata"):
            self.metadata.setdefault(str(row.get("resource_id")), []).append(row)

    def children(self, table: str, fk: str, parent_id: str) -> list[Row]:
        key = (table, fk)
        if key not in self.by_parent:
            index: dict[str, list[Row]] = {}
            for row in self.dataset.rows(table):
                if fk in row:
                    index.setdefault(str(row[fk]), []).append(row)
            self.by_parent[key] = index
        return self.by_parent[key].get(parent_id, [])

    def build(self, entity: str, row: Row, drop: str = "", depth: int = 0) -> dict[str, Any]:
        """The object for ``row`` with its children nested (``drop``: the field naming the parent,
        implied by the nesting)."""
        out: dict[str, Any] = {k: v for k, v in row.items() if k != drop}
        if depth > 6:
            return out
        for (parent, key), (child_table, fk) in _CHILDREN.items():
            if parent != entity or (key == "services" and not self.with_services):
                continue
            kids = self.children(child_table, fk, str(row["id"]))
            if kids:
                child_entity = ALL_TABLES[child_table].entity
                out[key] = [self.build(child_entity, kid, fk, depth + 1) for kid in kids]
        for (parent, key), (ref_table, fk) in _REFERENCES.items():
            if parent != entity or (key == "service" and depth > 0):
                continue  # a service-at-location names its service only at the top
            target = self.dataset.get(ref_table, row.get(fk))
            if target is not None:
                out[key] = self.build(TABLES[ref_table].entity, target, "", depth + 1)
        attributes = self.attributes.get(str(row["id"]), [])
        if attributes:
            out["attributes"] = [self.build("attribute", a, "", depth + 1) for a in attributes]
        metadata = self.metadata.get(str(row["id"]), [])
        if metadata:
            out["metadata"] = [dict(m) for m in metadata]
        return out


def nest_service(dataset: Dataset, service: Row, nester: _Nester | None = None) -> dict[str, Any]:
    """A service as the API's ``/services/{id}`` returns it (organisation, locations, phones, …
    embedded)."""
    return (nester or _Nester(dataset)).build("service", service)


def nest_organization(
    dataset: Dataset, organization: Row, nester: _Nester | None = None
) -> dict[str, Any]:
    return (nester or _Nester(dataset)).build("organization", organization)


def nest_service_at_location(
    dataset: Dataset, row: Row, nester: _Nester | None = None
) -> dict[str, Any]:
    return (nester or _Nester(dataset)).build("service_at_location", row)


def nest_taxonomy_term(dataset: Dataset, row: Row, nester: _Nester | None = None) -> dict[str, Any]:
    return (nester or _Nester(dataset)).build("taxonomy_term", row)


def nester(dataset: Dataset, *, with_services: bool = False) -> _Nester:
    """One index over ``dataset`` for nesting many objects (``with_services``: organisations
    embed their services, as the API's ``full_service`` does)."""
    return _Nester(dataset, with_services=with_services)


def iter_leaves(document: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(path without indexes, value) of every scalar in a JSON document (for loss checks)."""
    if isinstance(document, dict):
        for key, value in document.items():
            yield from iter_leaves(value, f"{path}.{key}")
    elif isinstance(document, list):
        for item in document:
            yield from iter_leaves(item, path)
    else:
        yield path, document


# --- validation against the specification's schemas ---------------------------------------------

# where the OpenAPI file's references point: the schemas, and compiled copies of them (the
# ``*_list`` ones: an object with its one-to-one fields) that the specification does not ship
SPEC_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"


def schema_validator(schema_dir: Path, schema: str | Mapping[str, Any]) -> Any:
    """A JSON Schema (2020-12) validator for ``schema`` (a file name in ``schema_dir``, or a
    schema) that resolves the specification's references: between its files, into
    ``openapi.json`` and to the OpenAPI file's URLs of (compiled) schemas."""
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = []
    for path in sorted(schema_dir.glob("*.json")):
        resource = Resource.from_contents(
            json.loads(path.read_text(encoding="utf-8")), default_specification=DRAFT202012
        )
        resources.append((path.name, resource))
        if path.name != "openapi.json":
            stem = path.name.removesuffix(".json")
            for url in (f"{SPEC_URL}{path.name}", f"{SPEC_URL}compiled/{path.name}",
                        f"{SPEC_URL}compiled/{stem}_list.json"):  # fmt: skip
                resources.append((url, resource))
    registry: Registry = Registry().with_resources(resources)
    if isinstance(schema, str):
        schema = json.loads((schema_dir / schema).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(
        schema, registry=registry, format_checker=jsonschema.FormatChecker()
    )


def openapi_response_validator(schema_dir: Path, path: str) -> Any:
    """A validator of the OpenAPI file's schema for the answer (200) of ``GET path``."""
    pointer = path.replace("~", "~0").replace("/", "~1")
    return schema_validator(
        schema_dir,
        {"$ref": f"openapi.json#/paths/{pointer}/get/responses/200/content/"
                 "application~1json/schema"},
    )  # fmt: skip


def schema_errors(validator: Any, item: Any, where: str = "") -> list[str]:
    """The validator's errors for ``item``, each with the path to the field."""
    errors = []
    for error in validator.iter_errors(item):
        inside = "/".join(str(p) for p in error.absolute_path)
        errors.append(f"{where} {inside}: {error.message}".strip())
    return errors
