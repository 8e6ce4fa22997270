"""Building funding data in tests (importable from any test; ``tests/`` is on the path)."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KREISE_CSV = REPO.parent / "shared" / "data" / "destatis-kreise-2018.csv"
REFERENCE_DATE = dt.date(2018, 12, 31)

# Four real Kreise of Baden-Württemberg (Destatis, 31.12.2018), enough for fast tests.
SAMPLE_KREISE = [
    ("08111", "Stuttgart", "stadtkreis", 634_830, Decimal("207.35")),
    ("08115", "Böblingen", "landkreis", 391_640, Decimal("617.76")),
    ("08116", "Esslingen", "landkreis", 533_859, Decimal("641.28")),
    ("08117", "Göppingen", "landkreis", 257_253, Decimal("642.34")),
]


def make_land(ags: str = "08", name: str = "Baden-Württemberg"):
    from passgenau.apps.territories.models import Land

    land, _ = Land.objects.get_or_create(ags=ags, defaults={"name": name})
    return land


def make_sample_kreise():
    """Land 08 with the four sample Kreise."""
    from passgenau.apps.territories.models import Kreis

    land = make_land()
    for ags, name, kind, population, area in SAMPLE_KREISE:
        Kreis.objects.get_or_create(
            ags=ags,
            defaults={
                "land": land,
                "name": name,
                "kind": kind,
                "population": population,
                "area_km2": area,
                "reference_date": REFERENCE_DATE,
            },
        )
    return land


def load_bw_kreise() -> int:
    """All 44 Kreise of Baden-Württemberg from the Destatis file; returns how many were loaded.

    The caller skips when the file is absent (a fresh clone has no ``../shared``)."""
    from passgenau.apps.territories.models import Kreis

    land = make_land()
    with KREISE_CSV.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter=";") if r["AGS"].startswith("08")]
    for row in rows:
        Kreis.objects.update_or_create(
            ags=row["AGS"],
            defaults={
                "land": land,
                "name": row["name"],
                "kind": "stadtkreis" if row["type"] == "Kreisfreie Stadt" else "landkreis",
                "population": int(row["population"]),
                "area_km2": Decimal(row["area_km2"]),
                "reference_date": REFERENCE_DATE,
            },
        )
    return len(rows)


def organisation(name: str, kind: str):
    from passgenau.apps.accounts.models import Organisation

    org, _ = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
    return org


def make_distribution(amount: Decimal = Decimal("8000000.00"), name: str = "Soforthilfe"):
    from passgenau.apps.funding import services

    land = make_sample_kreise()
    computed = services.distribution_compute(
        inputs=services.CalculatorInput(
            level="kreis",
            land_key=land.ags,
            key_kind="population",
            key_year=None,
            method="largest-remainder",
            ties="order",
            seed=None,
            unit="eur",
            amount=amount,
        )
    )
    return services.distribution_save(actor=None, name=name, computed=computed)


def make_programme(funder=None, budget: Decimal = Decimal("100000.00"), name: str = "Zentrum"):
    """A programme of the test funder organisation (the one ``make_user("funder")`` joins)."""
    from passgenau.apps.funding.models import Programme

    funder = funder or organisation("Test organisation funder", "funder")
    return Programme.objects.create(
        funder=funder,
        name=name,
        budget=budget,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )


def make_grant(
    programme=None, recipient=None, amount: Decimal = Decimal("50000.00"), approve=False
):
    """A grant of the test programme to the test provider organisation, balanced cost plan."""
    from passgenau.apps.funding import services

    programme = programme or make_programme()
    recipient = recipient or organisation("Test organisation provider", "provider")
    grant = services.grant_create(
        actor=None,
        programme=programme,
        organisation=recipient,
        title="Koordinierungsstelle",
        amount=amount,
        own_funds=Decimal("5000.00"),
        cost_lines=[("Personal", amount), ("Miete", Decimal("5000.00"))],
    )
    if approve:
        grant = services.grant_approve(
            actor=None, grant=grant, notice_number="SO-2026-001", notice_date=dt.date(2026, 11, 3)
        )
    return grant
