"""Import and export of a directory as HSDS 3.0 (CSV package with datapackage.json, and JSON).

An import is one transaction: objects are matched by their HSDS id within the directory (created
or replaced, never duplicated), everything is checked before the first write, and a problem
anywhere leaves the database as it was. The export writes every stored HSDS record back, so an
import followed by an export gives the same tables.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import transaction
from django.db.models import Q

from passgenau.apps.audit.services import log_action
from passgenau.apps.core.bulk import rows_update
from passgenau.apps.territories.models import Gemeinde, fold_name
from passgenau.engine import hsds
from passgenau.engine.problems import InputProblem

from ..models import (
    Directory,
    HsdsRecord,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    ServiceHours,
    ServiceLanguage,
    ServiceStatus,
    ServiceText,
    Taxonomy,
    TaxonomyTerm,
    german_digest,
)
from ..selectors.search import SIMPLE_GERMAN
from .derive import location_refresh, service_derive, topic_search_names
from .offers import metadata_add

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User

__all__ = [
    "ImportReport",
    "directory_dataset",
    "directory_export_hsds",
    "directory_import_hsds",
    "export_validate",
]

# Tables with a model of their own; every other HSDS table is kept as HsdsRecord rows.
OWN_MODELS = {
    "organizations",
    "services",
    "locations",
    "service_at_location",
    "taxonomies",
    "taxonomy_terms",
}
MAX_ROWS = 2_000_000
_TEXT_IDS = uuid.UUID("5d0f3c9e-8a41-4f6b-b7a2-0e9c4d1f2a63")


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def as_text(self) -> str:
        lines = []
        for table in hsds.TABLES:
            c, u = self.created.get(table, 0), self.updated.get(table, 0)
            if c or u:
                lines.append(f"{table}: {c} created, {u} updated")
        return "\n".join(lines) or "nothing to import"


def _check(dataset: hsds.Dataset) -> None:
    """References between the tables the models link, checked before anything is written."""
    problems: list[InputProblem] = []
    services = {r["id"] for r in dataset.rows("services")}
    locations = {r["id"] for r in dataset.rows("locations")}
    for number, row in enumerate(dataset.rows("service_at_location"), start=1):
        for key, known in (("service_id", services), ("location_id", locations)):
            if row.get(key) not in known:
                unknown = {"value": row.get(key), "table": f"{key.removesuffix('_id')}s"}
                problems.append(
                    InputProblem(
                        "service_at_location.csv", number, key, "hsds.unknown_reference", unknown
                    )
                )
    for number, row in enumerate(dataset.rows("x_service_texts"), start=1):
        if row.get("service_id") not in services:
            unknown = {"value": row.get("service_id"), "table": "services"}
            problems.append(
                InputProblem("x_service_texts.csv", number, "service_id", "hsds.unknown_reference",
                             unknown)
            )  # fmt: skip
        if not row.get("language"):
            problems.append(
                InputProblem("x_service_texts.csv", number, "language", "field.missing_or_empty")
            )
    for number, row in enumerate(dataset.rows("services"), start=1):
        status = row.get("status")
        if status not in ServiceStatus.values:
            choice = {"expected": ", ".join(ServiceStatus.values), "value": status}
            problems.append(
                InputProblem("services.csv", number, "status", "field.not_choice", choice)
            )
        lo, hi = row.get("minimum_age"), row.get("maximum_age")
        if isinstance(lo, int | float) and isinstance(hi, int | float) and lo > hi:
            problems.append(
                InputProblem("services.csv", number, "maximum_age", "hsds.ages_reversed")
            )
    if problems:
        raise hsds.HsdsError(problems)


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _age(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and 0 <= value < 150 else None


Stored = TypeVar("Stored")


def _ref(by_id: dict[str, Stored], value: object) -> Stored | None:
    """The object an HSDS row's reference names (None when the row names none: empty or no id)."""
    return by_id.get(value) if isinstance(value, str) else None


def _from_file(stored: dict[str, Any], row: dict[str, Any], columns: set[str] | None) -> dict:
    """The row to store on a re-import: the file is the truth for the fields it has (an empty
    one blanks the stored value); the stored values of fields the file does not have are kept.
    Without ``columns`` (a dataset not read from a file) the row replaces the stored one; a
    value the row has for a field not among ``columns`` is only a default for a new row."""
    if columns is None:
        return row
    kept = {k: v for k, v in stored.items() if k not in columns}
    return {**kept, **{k: v for k, v in row.items() if k not in kept}}


def _match_rows(
    existing: dict[str, Any],
    rows: list[dict[str, Any]],
    make: Callable[[dict[str, Any]], Any],
    build: Callable[[Any, dict[str, Any]], None],
    fields: Callable[[str], set[str] | None],
) -> tuple[list[Any], list[Any]]:
    """The objects for ``rows`` by HSDS id: the existing one (its row merged by
    :func:`_from_file` with the fields the file has for that row, ``fields(id)``) or
    ``make(row)``, each with its row kept and ``build(obj, row)`` applied; returned as
    (new, changed)."""
    new, changed = [], []
    for row in rows:
        obj = existing.get(row["id"])
        if obj is None:
            obj = make(row)
            new.append(obj)
        else:
            changed.append(obj)
            row = _from_file(obj.hsds, row, fields(row["id"]))
        obj.hsds = row
        build(obj, row)
    return new, changed


def _upsert(
    model: Any, directory_field: dict[str, Any], dataset: hsds.Dataset, table: str, build,
    skip: set[str] | frozenset[str] = frozenset(),
) -> tuple[dict[str, Any], int, int]:  # fmt: skip
    """Create or update objects of ``model`` by HSDS id (rows of an id in ``skip`` left out);
    ``build(obj, row)`` sets the columns."""
    existing = {o.hsds_id: o for o in model.objects.filter(**directory_field)}
    new, changed = _match_rows(
        existing,
        [r for r in dataset.rows(table) if r["id"] not in skip],
        lambda row: model(hsds_id=row["id"], **directory_field),
        build,
        lambda row_id: dataset.fields_in_file(table, row_id),
    )
    model.objects.bulk_create(new, batch_size=2000)
    if changed:
        # every column but the key and those the database computes (Service.search_vector)
        fields = [
            f.name for f in model._meta.concrete_fields if not f.primary_key and not f.generated
        ]
        rows_update(model, changed, fields)
    by_id = {o.hsds_id: o for o in model.objects.filter(**directory_field)}
    return by_id, len(new), len(changed)


@transaction.atomic
def directory_import_hsds(
    *,
    directory: Directory,
    dataset: hsds.Dataset,
    actor: User | None = None,
    replaced: dict[str, dict[str, Any]] | None = None,
) -> ImportReport:
    """Store ``dataset`` in ``directory`` (raises :class:`hsds.HsdsError`, nothing stored).
    ``replaced`` (table → condition on the record's data) names the tables in which the
    dataset has every record of its services and locations: their stored records there (that
    meet the condition) which the dataset no longer has are deleted; the file left them
    empty."""
    total = sum(dataset.count().values())
    if total > MAX_ROWS:
        raise hsds.HsdsError(
            [InputProblem("", None, None, "rows.over_limit", {"count": total, "limit": MAX_ROWS})]
        )
    _check(dataset)
    report = ImportReport()

    def count(table: str, created: int, updated: int) -> None:
        report.created[table] = created
        report.updated[table] = updated

    # taxonomies and terms (the shipped topics are shared and found by their id)
    shared_taxonomies = set(
        Taxonomy.objects.filter(directory=None)
        .exclude(hsds_id="")
        .values_list("hsds_id", flat=True)
    )
    taxonomies, c, u = _upsert(
        Taxonomy,
        {"directory": directory},
        dataset,
        "taxonomies",
        lambda o, r: setattr(o, "name", str(r.get("name", ""))[:200]),
        skip=shared_taxonomies,
    )
    count("taxonomies", c, u)
    shared_terms = {t.hsds_id: t for t in TaxonomyTerm.objects.filter(taxonomy__directory=None)}
    term_rows = [r for r in dataset.rows("taxonomy_terms") if r["id"] not in shared_terms]
    fallback, _ = Taxonomy.objects.get_or_create(
        directory=directory, hsds_id="", defaults={"name": "(imported terms)"}
    )
    existing_terms = {
        t.hsds_id: t for t in TaxonomyTerm.objects.filter(taxonomy__directory=directory)
    }

    def term_build(o: TaxonomyTerm, r: dict[str, Any]) -> None:
        o.taxonomy = _ref(taxonomies, r.get("taxonomy_id")) or fallback
        o.code = str(r.get("code", ""))[:100]
        o.name = str(r.get("name", ""))[:200]

    new_terms, changed_terms = _match_rows(
        existing_terms,
        term_rows,
        lambda r: TaxonomyTerm(hsds_id=r["id"]),
        term_build,
        lambda row_id: dataset.fields_in_file("taxonomy_terms", row_id),
    )
    TaxonomyTerm.objects.bulk_create(new_terms, batch_size=2000)
    if changed_terms:
        rows_update(TaxonomyTerm, changed_terms, ["hsds", "taxonomy", "code", "name"])
    count("taxonomy_terms", len(new_terms), len(changed_terms))
    terms = {
        **{t.hsds_id: t for t in TaxonomyTerm.objects.filter(taxonomy__directory=directory)},
        **shared_terms,
    }

    def org_build(o: Organization, r: dict[str, Any]) -> None:
        o.name = str(r.get("name", ""))[:300]
        o.email = str(r.get("email", ""))[:254]
        o.website = str(r.get("website", ""))[:500]

    orgs, c, u = _upsert(
        Organization, {"directory": directory}, dataset, "organizations", org_build
    )
    count("organizations", c, u)

    gemeinde_by_postcode = dict(
        Gemeinde.objects.exclude(postcode="").values_list("postcode", "ags")
    )
    gemeinde_by_name: dict[str, str] = {}
    for ags, name in Gemeinde.objects.values_list("ags", "name_folded"):
        gemeinde_by_name.setdefault(name.split(",")[0].strip(), ags)

    def location_build(o: Location, r: dict[str, Any]) -> None:
        o.organization = _ref(orgs, r.get("organization_id"))
        o.name = str(r.get("name", ""))[:300]
        lat, lon = r.get("latitude"), r.get("longitude")
        if isinstance(lat, int | float) and isinstance(lon, int | float):
            o.latitude = float(lat) if -90 <= lat <= 90 else None
            o.longitude = float(lon) if -180 <= lon <= 180 else None
        else:
            o.latitude = o.longitude = None

    locations, c, u = _upsert(
        Location, {"directory": directory}, dataset, "locations", location_build
    )
    count("locations", c, u)

    def service_build(o: Service, r: dict[str, Any]) -> None:
        o.organization = _ref(orgs, r.get("organization_id"))
        o.name = str(r.get("name", ""))[:300]
        o.description = str(r.get("description", ""))
        o.status = str(r.get("status"))
        o.email = str(r.get("email", ""))[:254]
        o.url = str(r.get("url", ""))[:500]
        o.minimum_age = _age(r.get("minimum_age"))
        o.maximum_age = _age(r.get("maximum_age"))
        o.last_confirmed = _date(r.get("assured_date"))
        o.german_digest = german_digest(o)  # bulk writes pass by Service.save()

    before = dict(Service.objects.filter(directory=directory).values_list("hsds_id", "hsds"))
    services, c, u = _upsert(Service, {"directory": directory}, dataset, "services", service_build)
    count("services", c, u)
    count("x_service_texts", *_texts_import(directory, services, dataset))

    existing_sal = {
        s.hsds_id: s for s in ServiceAtLocation.objects.filter(service__directory=directory)
    }

    def sal_build(o: ServiceAtLocation, r: dict[str, Any]) -> None:
        o.service = services[r["service_id"]]
        o.location = locations[r["location_id"]]

    new_sal, changed_sal = _match_rows(
        existing_sal,
        dataset.rows("service_at_location"),
        lambda r: ServiceAtLocation(hsds_id=r["id"]),
        sal_build,
        lambda row_id: dataset.fields_in_file("service_at_location", row_id),
    )
    ServiceAtLocation.objects.bulk_create(new_sal, batch_size=2000)
    if changed_sal:
        rows_update(ServiceAtLocation, changed_sal, ["hsds", "service", "location"])
    count("service_at_location", len(new_sal), len(changed_sal))
    sal_service = {r["id"]: r["service_id"] for r in dataset.rows("service_at_location")}
    sal_location = {r["id"]: r["location_id"] for r in dataset.rows("service_at_location")}
    phone_owner = {
        r["id"]: (r.get("service_id") or sal_service.get(r.get("service_at_location_id")),
                  r.get("location_id") or sal_location.get(r.get("service_at_location_id")))
        for r in dataset.rows("phones")
    }  # fmt: skip

    # every other table as records, linked to their service and location
    existing_records = {
        (r.table, r.hsds_id): r for r in HsdsRecord.objects.filter(directory=directory)
    }
    new_records, changed_records = [], []
    for table in hsds.TABLES:
        if table in OWN_MODELS:
            continue
        created = updated = 0
        for row in dataset.rows(table):
            record = existing_records.get((table, row["id"]))
            if record is None:
                record = HsdsRecord(directory=directory, table=table, hsds_id=row["id"])
                new_records.append(record)
                created += 1
            else:
                changed_records.append(record)
                updated += 1
                row = _from_file(record.data, row, dataset.fields_in_file(table, row["id"]))
            if table == "metadata":
                # required and empty for a first value (or the whole offer): a CSV cell cannot tell
                # empty from absent
                row = {"field_name": "", "previous_value": "", "replacement_value": "", **row}
            record.data = row
            service_id = row.get("service_id") or sal_service.get(row.get("service_at_location_id"))
            location_id = row.get("location_id") or sal_location.get(
                row.get("service_at_location_id")
            )
            if row.get("phone_id") in phone_owner:
                service_id, location_id = phone_owner[row["phone_id"]]
            if table == "attributes" and row.get("link_id") in services:
                service_id = row["link_id"]
            if table == "metadata" and row.get("resource_id") in services:
                service_id = row["resource_id"]  # an offer's history, as metadata_add links it
            record.service = _ref(services, service_id)
            record.location = _ref(locations, location_id)
        count(table, created, updated)
    HsdsRecord.objects.bulk_create(new_records, batch_size=2000)
    in_file = Q(service__hsds_id__in=[r["id"] for r in dataset.rows("services")]) | Q(
        location__hsds_id__in=[r["id"] for r in dataset.rows("locations")]
    )
    for table, condition in (replaced or {}).items():
        HsdsRecord.objects.filter(
            in_file,
            directory=directory,
            table=table,
            **{f"data__{key}": value for key, value in condition.items()},
        ).exclude(hsds_id__in=[r["id"] for r in dataset.rows(table)]).delete()
    if changed_records:
        rows_update(HsdsRecord, changed_records, ["data", "service", "location"])
    HsdsRecord.objects.bulk_create(
        _import_history(services, before, dataset, actor), batch_size=2000
    )

    _derive_all(
        directory, services, locations, terms, dataset, gemeinde_by_postcode, gemeinde_by_name
    )
    log_action(
        "directory.import",
        actor=actor,
        obj=directory,
        data={"created": report.created, "updated": report.updated},
    )
    return report


def _texts_import(
    directory: Directory, services: dict[str, Service], dataset: hsds.Dataset
) -> tuple[int, int]:
    """The offers' texts in other languages and in Einfache Sprache (our extension table),
    created or replaced by offer and language; (created, updated)."""
    rows = dataset.rows("x_service_texts")
    if not rows:
        return 0, 0
    existing = {
        (t.service_id, t.language, t.easy_language): t
        for t in ServiceText.objects.filter(service__directory=directory)
    }
    new, changed = [], []
    for row in rows:
        service = services[row["service_id"]]
        easy = row["language"] == SIMPLE_GERMAN
        language = "de" if easy else str(row["language"])[:12]
        text = existing.get((service.pk, language, easy))
        if text is None:
            text = ServiceText(service=service, language=language, easy_language=easy)
            new.append(text)
        else:
            changed.append(text)
        text.name = str(row.get("name", ""))[:300]
        text.description = str(row.get("description", ""))
        text.source_digest = str(row.get("source_digest", ""))[:64]
    ServiceText.objects.bulk_create(new, batch_size=2000)
    ServiceText.objects.bulk_update(changed, ["name", "description", "source_digest"], 2000)
    return len(new), len(changed)


def _text_rows(directory: Directory) -> list[dict[str, Any]]:
    """The offers' texts as rows of our extension table (ids derived from offer and language,
    so that an export of the import of an export is the same)."""
    rows = []
    texts = ServiceText.objects.filter(service__directory=directory).select_related("service")
    for text in texts.order_by("service_id", "language", "easy_language"):
        language = SIMPLE_GERMAN if text.easy_language else text.language
        service_id = text.service.hsds_id
        row = {
            "id": str(uuid.uuid5(_TEXT_IDS, f"{service_id}/{language}")),
            "service_id": service_id,
            "language": language,
        }
        for key in ("name", "description", "source_digest"):
            if value := getattr(text, key):
                row[key] = value
        rows.append(row)
    return rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _import_history(
    services: dict[str, Service],
    before: dict[str, dict[str, Any]],
    dataset: hsds.Dataset,
    actor: User | None,
) -> list[HsdsRecord]:
    """The offers' history entries of the import, as an editor's change writes them: a new offer
    once (field ""), an offer the file changed once per changed field with both values; an offer
    the file left as it was has none. Action "import"."""
    entries = []
    for row in dataset.rows("services"):
        service = services[row["id"]]
        old = before.get(row["id"])
        if old is None:
            changed = [("", "", "")]
        else:
            new = service.hsds
            changed = [
                (name, _text(old.get(name)), _text(new.get(name)))
                for name in sorted((set(old) | set(new)) - {"id"})
                if old.get(name) != new.get(name)
            ]
        entries += [
            metadata_add(
                service=service,
                field_name=name,
                previous=previous,
                replacement=replacement,
                action="import",
                actor=actor,
                save=False,
            )
            for name, previous, replacement in changed
        ]
    return entries


def _derive_all(directory, services, locations, terms, dataset, by_postcode, by_name) -> None:
    """Topics, languages, hours, free of charge, target groups, what to bring, barrier-free and
    places for what was imported."""
    records_of_service: dict[int, list[HsdsRecord]] = defaultdict(list)
    records_of_location: dict[int, list[HsdsRecord]] = defaultdict(list)
    for record in HsdsRecord.objects.filter(directory=directory).only(
        "table", "data", "service_id", "location_id"
    ):
        if record.service_id:
            records_of_service[record.service_id].append(record)
        elif record.location_id:
            records_of_location[record.location_id].append(record)
    for location in locations.values():
        location_refresh(location, records_of_location.get(location.pk, []))
        ags = by_postcode.get(location.postcode) or by_name.get(fold_name(location.city))
        location.gemeinde_id = ags
    rows_update(
        Location, locations.values(), ["street", "postcode", "city", "barrier_free", "gemeinde"]
    )
    locations_of: dict[str, list[int]] = defaultdict(list)
    for row in dataset.rows("service_at_location"):
        locations_of[row["service_id"]].append(locations[row["location_id"]].pk)
    topics_of: dict[str, list[TaxonomyTerm]] = defaultdict(list)
    for row in dataset.rows("attributes"):
        term = terms.get(row.get("taxonomy_term_id"))
        if term is not None and row.get("link_id") in services:
            topics_of[row["link_id"]].append(term)
    org_names = dict(Organization.objects.filter(directory=directory).values_list("pk", "name"))
    ids = [s.pk for s in services.values()]
    ServiceLanguage.objects.filter(service_id__in=ids).delete()
    ServiceHours.objects.filter(service_id__in=ids).delete()
    Through = Service.topics.through
    Through.objects.filter(service_id__in=ids).delete()
    texts_of: dict[int, list[str]] = defaultdict(list)  # a re-import keeps the translations
    for service_id, *parts in ServiceText.objects.filter(service_id__in=ids).values_list(
        "service_id", "name", "description"
    ):
        texts_of[service_id] += parts
    languages, hours, links = [], [], []
    for hsds_id, service in services.items():
        own = records_of_service.get(service.pk, [])
        at = [r for pk in locations_of.get(hsds_id, []) for r in records_of_location.get(pk, [])]
        topics = topics_of.get(hsds_id, [])
        spoken, weekly = service_derive(
            service,
            records=own,
            location_records=at,
            organization_name=org_names.get(service.organization_id, ""),
            topic_names=topic_search_names(topics),
            texts=texts_of.get(service.pk, []),
            terms=terms,
        )
        languages += [ServiceLanguage(service=service, code=c) for c in sorted(spoken) if c]
        hours += [
            ServiceHours(service=service, weekday=d, opens_at=o, closes_at=c) for d, o, c in weekly
        ]
        links += [
            Through(service_id=service.pk, taxonomyterm_id=t.pk)
            for t in {t.pk: t for t in topics}.values()
        ]
    rows_update(
        Service,
        services.values(),
        ["free_of_charge", "target_groups", "what_to_bring", "search_document"],
    )
    ServiceLanguage.objects.bulk_create(languages, batch_size=5000)
    ServiceHours.objects.bulk_create(hours, batch_size=5000)
    Through.objects.bulk_create(links, batch_size=5000)


# --- export -------------------------------------------------------------------------------------


def directory_dataset(*, directory: Directory) -> hsds.Dataset:
    """Every stored HSDS record of ``directory`` as tables (the shipped topics included when
    an offer uses them), and the offers' texts in other languages (``x_service_texts``)."""
    dataset = hsds.Dataset()
    for taxonomy in Taxonomy.objects.filter(directory=directory).exclude(hsds={}):
        dataset.rows("taxonomies").append(dict(taxonomy.hsds))
    for term in TaxonomyTerm.objects.filter(taxonomy__directory=directory).exclude(hsds={}):
        dataset.rows("taxonomy_terms").append(dict(term.hsds))
    used_shared = TaxonomyTerm.objects.filter(
        taxonomy__directory=None, services__directory=directory
    ).distinct()
    shared_taxonomies = set()
    for term in used_shared.select_related("taxonomy"):
        dataset.rows("taxonomy_terms").append(dict(term.hsds))
        shared_taxonomies.add(term.taxonomy)
    for taxonomy in shared_taxonomies:
        dataset.rows("taxonomies").append(dict(taxonomy.hsds))
    for model, table in (
        (Organization, "organizations"),
        (Location, "locations"),
        (Service, "services"),
    ):
        for hsds_row in model.objects.filter(directory=directory).values_list("hsds", flat=True):
            dataset.rows(table).append(dict(hsds_row))
    for hsds_row in ServiceAtLocation.objects.filter(service__directory=directory).values_list(
        "hsds", flat=True
    ):
        dataset.rows("service_at_location").append(dict(hsds_row))
    for table, data in HsdsRecord.objects.filter(directory=directory).values_list("table", "data"):
        dataset.rows(table).append(dict(data))
    dataset.rows("x_service_texts").extend(_text_rows(directory))
    return dataset


def directory_export_hsds(*, directory: Directory, out_dir: Path) -> dict[str, int]:
    """Write the CSV package (``out_dir``) and the JSON files (``out_dir/json/``): services,
    organisations, taxonomies and taxonomy terms as the HSDS API returns them."""
    dataset = directory_dataset(directory=directory)
    hsds.write_hsds_csv(dataset, out_dir)
    json_dir = out_dir / "json"
    json_dir.mkdir(parents=True, exist_ok=True)
    nester = hsds.nester(dataset)
    documents = {
        "services.json": [nester.build("service", r) for r in dataset.rows("services")],
        "organizations.json": [
            nester.build("organization", r) for r in dataset.rows("organizations")
        ],
        "taxonomies.json": [dict(r) for r in dataset.rows("taxonomies")],
        "taxonomy_terms.json": [
            nester.build("taxonomy_term", r) for r in dataset.rows("taxonomy_terms")
        ],
    }
    for name, document in documents.items():
        (json_dir / name).write_text(
            json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    return dataset.count()


_SCHEMA_OF = {
    "services.json": "service.json",
    "organizations.json": "organization.json",
    "taxonomies.json": "taxonomy.json",
    "taxonomy_terms.json": "taxonomy_term.json",
}


# our extension of a service (HSDS schemas accept additional properties; this checks ours)
_TEXTS_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id", "language"],
        "properties": {
            key: {"type": "string", "minLength": 1 if key in ("id", "language") else 0}
            for key in ("id", "service_id", "language", "name", "description", "source_digest")
        },
        "additionalProperties": False,
    },
}


def export_validate(*, out_dir: Path, schema_dir: Path) -> list[str]:
    """Errors of the JSON export against the official HSDS 3.0 schemas, and of the services'
    texts against our extension's schema (empty when valid)."""
    errors = []
    texts = hsds.schema_validator(schema_dir, _TEXTS_SCHEMA)
    for name, schema_name in _SCHEMA_OF.items():
        validator = hsds.schema_validator(schema_dir, schema_name)
        for index, item in enumerate(json.loads((out_dir / "json" / name).read_text("utf-8"))):
            errors += hsds.schema_errors(validator, item, f"{name}[{index}]")
            if name == "services.json" and "x_service_texts" in item:
                where = f"{name}[{index}] x_service_texts"
                errors += hsds.schema_errors(texts, item["x_service_texts"], where)
    return errors
