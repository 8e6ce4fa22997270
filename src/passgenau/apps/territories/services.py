"""Writes to the territories: importing a Destatis directory (an upsert in one transaction)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from passgenau.apps.audit.services import log_action

from . import destatis
from .models import Gemeinde, Kreis, Land, Regierungsbezirk, fold_name

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Actor

__all__ = ["ImportReport", "LevelReport", "territories_import", "territories_import_directory"]

_BATCH = 1000


@dataclass
class LevelReport:
    """What an import did to one level (Länder, Kreise, ...)."""

    label: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_in_file: int = 0  # kept as they are: other records may refer to them
    kept_newer: int = 0  # kept as they are: their figures are newer than the file's
    changed_fields: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def as_line(self) -> str:
        line = (
            f"{self.label}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )
        if self.not_in_file:
            line += f", {self.not_in_file} in the database but not in the file (kept)"
        if self.kept_newer:
            line += (
                f", {self.kept_newer} kept because their figures are newer than the file's "
                "(--allow-older replaces them)"
            )
        if self.changed_fields:
            fields = ", ".join(f"{name} ({n})" for name, n in sorted(self.changed_fields.items()))
            line += f"; fields changed: {fields}"
        return line


@dataclass
class ImportReport:
    source: str
    format: str
    reference_date: dt.date | None
    dry_run: bool
    levels: list[LevelReport]

    @property
    def changed(self) -> bool:
        return any(level.changed for level in self.levels)

    def level(self, label: str) -> LevelReport:
        return next(level for level in self.levels if level.label == label)

    def as_data(self) -> dict[str, Any]:
        """A summary for the audit trail (plain JSON types)."""
        return {
            "source": self.source,
            "format": self.format,
            "reference_date": self.reference_date.isoformat() if self.reference_date else None,
            "levels": {
                level.label: {
                    "created": level.created,
                    "updated": level.updated,
                    "unchanged": level.unchanged,
                    "fields_changed": dict(level.changed_fields),
                }
                for level in self.levels
            },
        }

    def as_text(self) -> str:
        date = self.reference_date.isoformat() if self.reference_date else "not given"
        head = [
            f"{self.source}: format {self.format}, reference date {date}"
            + (" (dry run: nothing saved)" if self.dry_run else ""),
        ]
        lines = [level.as_line() for level in self.levels]
        if not self.changed:
            lines.append("No changes.")
        return "\n".join(head + lines)


def territories_import(
    *,
    path: str | Path,
    reference_date: dt.date | None = None,
    dry_run: bool = False,
    allow_older: bool = False,
    actor: Actor = None,
) -> ImportReport:
    """Read a Destatis file and upsert its territories; raise DirectoryFormatError when malformed.

    Nothing is written unless the whole file is well-formed, and then everything is written in
    one transaction. A territory whose stored figures refer to a later date than the file's (or
    are dated while the file's are not) is left as it is unless ``allow_older`` (an older table
    must not silently replace newer figures). ``actor`` is the user who imports (None on the
    command line).
    """
    directory = destatis.read_directory(path)
    return territories_import_directory(
        directory=directory,
        reference_date=reference_date,
        dry_run=dry_run,
        allow_older=allow_older,
        actor=actor,
    )


def territories_import_directory(
    *,
    directory: destatis.Directory,
    reference_date: dt.date | None,
    dry_run: bool = False,
    only_missing: bool = False,
    allow_older: bool = False,
    actor: Actor = None,
) -> ImportReport:
    """Upsert every level of a parsed directory in one transaction.

    With ``only_missing`` existing territories are left as they are (the demo data uses this, so
    that it never overwrites figures an administrator imported).
    """
    rows = _rows_by_level(directory, reference_date)
    levels: list[LevelReport] = []
    with transaction.atomic():
        # Parents first, so that every foreign key points at a saved row.
        for label, model, level_rows, fields in rows:
            levels.append(
                _upsert(
                    label,
                    model,
                    level_rows,
                    fields,
                    dry_run=dry_run,
                    only_missing=only_missing,
                    allow_older=allow_older,
                )
            )
        report = ImportReport(
            source=directory.source,
            format=directory.format,
            reference_date=reference_date,
            dry_run=dry_run,
            levels=levels,
        )
        if report.changed and not dry_run:
            # One entry per import that changed anything, in the same transaction as the data.
            log_action("territories.directory.imported", actor=actor, data=report.as_data())
    return report


# --- from records to rows -----------------------------------------------------------------------

_FIGURES = ("area_km2", "population", "population_male", "population_female", "reference_date")


def _figures(figures: destatis.Figures, reference_date: dt.date | None) -> dict[str, Any]:
    return {
        "area_km2": _quantize(figures.area_km2, 2),
        "population": figures.population,
        "population_male": figures.population_male,
        "population_female": figures.population_female,
        "reference_date": reference_date,
    }


def _quantize(value: Decimal | None, places: int) -> Decimal | None:
    """Round as the database column stores it, so that a re-import compares equal."""
    return None if value is None else value.quantize(Decimal(1).scaleb(-places))


def _sum(parts: Iterable[destatis.Figures]) -> destatis.Figures:
    """Add up figures; a total is None when any part lacks that figure."""
    parts = list(parts)

    def add(name: str) -> Any:
        values = [getattr(p, name) for p in parts]
        if not values or any(v is None for v in values):
            return None
        return sum(values)

    return destatis.Figures(
        area_km2=add("area_km2"),
        population=add("population"),
        population_male=add("population_male"),
        population_female=add("population_female"),
    )


def _own_or_sum(own: destatis.Figures, parts: list[destatis.Figures]) -> destatis.Figures:
    """The record's own figures where the file gives them, else the sum over its parts."""
    return own if own.population is not None else _sum(parts)


_GEMEINDE_FIELDS = (
    "name",
    "name_folded",
    "ars",
    "land_id",
    "kreis_id",
    "kind",
    "association_name",
    "association_kind",
    "postcode",
    "latitude",
    "longitude",
    "urbanisation",
    *_FIGURES,
)

Level = tuple[str, type[models.Model], dict[str, dict[str, Any]], tuple[str, ...]]


def _names(name: str) -> dict[str, str]:
    """A territory's name as stored: as published, and folded for the search."""
    return {"name": name, "name_folded": fold_name(name)}


def _rows_by_level(directory: destatis.Directory, reference_date: dt.date | None) -> list[Level]:
    """Field values per level and key, and which fields this format sets."""
    figures_of_kreis: dict[str, list[destatis.Figures]] = {}
    figures_of_land: dict[str, list[destatis.Figures]] = {}
    if directory.gemeinden:  # gv-auszug: the figures are on the Gemeinden
        for gemeinde in directory.gemeinden:
            figures_of_land.setdefault(gemeinde.land, []).append(gemeinde.figures)
            if gemeinde.kreis is not None:
                figures_of_kreis.setdefault(gemeinde.kreis, []).append(gemeinde.figures)
    else:  # the Kreise table: the figures are on the Kreise
        for kreis in directory.kreise:
            figures_of_land.setdefault(kreis.land, []).append(kreis.figures)

    laender = {
        land.ags: {
            **_names(land.name),
            **_figures(
                _own_or_sum(land.figures, figures_of_land.get(land.ags, [])), reference_date
            ),
        }
        for land in directory.laender
    }
    bezirke = {
        bezirk.key: {"name": bezirk.name, "land_id": bezirk.key[:2]}
        for bezirk in directory.regierungsbezirke
    }
    kreise = {
        kreis.ags: {
            **_names(kreis.name),
            "land_id": kreis.land,
            "regierungsbezirk_id": kreis.regierungsbezirk,
            "kind": kreis.kind,
            "nuts3": kreis.nuts3,
            **_figures(
                _own_or_sum(kreis.figures, figures_of_kreis.get(kreis.ags, [])), reference_date
            ),
        }
        for kreis in directory.kreise
    }
    gemeinden = {
        g.ags: {
            **_names(g.name),
            "ars": g.ars,
            "land_id": g.land,
            "kreis_id": g.kreis,
            "kind": g.kind,
            "association_name": g.association_name,
            "association_kind": g.association_kind,
            "postcode": g.postcode,
            "latitude": _quantize(g.latitude, 6),
            "longitude": _quantize(g.longitude, 6),
            "urbanisation": g.urbanisation,
            **_figures(g.figures, reference_date),
        }
        for g in directory.gemeinden
    }

    land_fields: tuple[str, ...]
    kreis_fields: tuple[str, ...]
    if directory.format == "kreise":
        # The table names no Land (names come from a fixed list) and no Regierungsbezirk:
        # keep what an earlier import of the full directory stored.
        land_fields = _FIGURES
        kreis_fields = ("name", "name_folded", "land_id", "kind", "nuts3", *_FIGURES)
    else:
        land_fields = ("name", "name_folded", *_FIGURES)
        kreis_fields = ("name", "name_folded", "land_id", "regierungsbezirk_id", "kind", *_FIGURES)
    levels: list[Level] = [("Länder", Land, laender, land_fields)]
    if directory.format != "kreise":
        levels.append(("Regierungsbezirke", Regierungsbezirk, bezirke, ("name", "land_id")))
    levels.append(("Kreise", Kreis, kreise, kreis_fields))
    if directory.format != "kreise":
        levels.append(("Gemeinden", Gemeinde, gemeinden, _GEMEINDE_FIELDS))
    return levels


# --- the upsert -----------------------------------------------------------------------------------


def _upsert(
    label: str,
    model: type[models.Model],
    rows: Mapping[str, Mapping[str, Any]],
    fields: tuple[str, ...],
    *,
    dry_run: bool,
    only_missing: bool = False,
    allow_older: bool = False,
) -> LevelReport:
    """Create missing rows and update changed ones, comparing only ``fields``; rows whose stored
    figures are newer than the incoming ones are kept unless ``allow_older``."""
    report = LevelReport(label)
    existing = model.objects.in_bulk(list(rows))  # type: ignore[attr-defined]
    report.not_in_file = model.objects.count() - len(existing)  # type: ignore[attr-defined]
    to_create: list[models.Model] = []
    # Group updates by the set of changed fields: a bulk update of only what changed is
    # much faster than rewriting every column of every row.
    to_update: dict[tuple[str, ...], list[models.Model]] = {}
    for key, values in rows.items():
        obj = existing.get(key)
        if obj is None:
            to_create.append(model(pk=key, **values))
            report.created += 1
            continue
        changed = tuple(name for name in fields if getattr(obj, name) != values[name])
        if changed and not only_missing and not allow_older and _newer(obj, values):
            report.kept_newer += 1
            continue
        if not changed or only_missing:
            report.unchanged += 1
            continue
        for name in changed:
            setattr(obj, name, values[name])
        report.updated += 1
        report.changed_fields.update(
            _public_name(name) for name in changed if name not in _DERIVED_FIELDS
        )
        to_update.setdefault(changed, []).append(obj)
    if dry_run:
        return report
    if to_create:
        model.objects.bulk_create(to_create, batch_size=_BATCH)  # type: ignore[attr-defined]
    for changed, objs in to_update.items():
        model.objects.bulk_update(  # type: ignore[attr-defined]
            objs, [_public_name(n) for n in changed], batch_size=_BATCH
        )
    return report


def _newer(obj: models.Model, values: Mapping[str, Any]) -> bool:
    """True when the stored figures are dated and the incoming ones are older or undated."""
    stored, incoming = getattr(obj, "reference_date", None), values.get("reference_date")
    return stored is not None and (incoming is None or stored > incoming)


_DERIVED_FIELDS = frozenset({"name_folded"})  # follow "name"; not worth a line in the report


def _public_name(attname: str) -> str:
    return attname.removesuffix("_id")
