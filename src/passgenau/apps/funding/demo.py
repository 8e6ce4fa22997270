"""Demo funding data (``passgenau demo``): the Dresden case of a centre for Ukrainian refugees.

A city grants up to 100,000 EUR a year, split evenly between two associations; one half is subject
to a budget freeze. Loaded for the demo funder organisation; idempotent (nothing is created twice).
Needs the accounts demo (the funder organisation) to be loaded first.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from passgenau.apps.accounts.models import Organisation, OrganisationKind

from . import services
from .models import Level, Programme

DEMO_FUNDER = "Demo-Landesministerium"
DEMO_PROGRAMME = "Demo: Ukrainisches Zentrum 2026"
DEMO_RECIPIENTS = ("Demo-Beratungsverein", "Demo-Verein Plattform")


@transaction.atomic
def load() -> str:
    funder = Organisation.objects.filter(name=DEMO_FUNDER).first()
    if funder is None:
        return "funding: skipped (load the accounts demo first)"
    if Programme.objects.filter(funder=funder, name=DEMO_PROGRAMME).exists():
        return "funding: demo programme already there"
    recipients = []
    for name in DEMO_RECIPIENTS:
        organisation, _ = Organisation.objects.get_or_create(
            name=name, defaults={"kind": OrganisationKind.PROVIDER}
        )
        recipients.append(organisation)
    programme = Programme.objects.create(
        funder=funder,
        name=DEMO_PROGRAMME,
        purpose="Lotsenfunktion und Anlaufstelle für ukrainische Schutzsuchende",
        budget=Decimal("100000.00"),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    grants = []
    for number, (recipient, title) in enumerate(
        zip(recipients, ("Koordinierungsstelle", "Anlaufstelle"), strict=True), start=1
    ):
        grant = services.grant_create(
            actor=None,
            programme=programme,
            organisation=recipient,
            title=title,
            amount=Decimal("50000.00"),
            own_funds=Decimal("2000.00"),
            cost_lines=[
                ("Personal", Decimal("45000.00")),
                ("Miete und Sachkosten", Decimal("7000.00")),
            ],
        )
        grants.append(
            services.grant_approve(
                actor=None,
                grant=grant,
                notice_number=f"DEMO-2026-{number:03d}",
                notice_date=dt.date(2026, 11, 3),
            )
        )
    services.grant_freeze(
        actor=None, grant=grants[1], amount=Decimal("25000.00"), reason="Haushaltssperre 2026"
    )
    lines = [f"funding: programme '{DEMO_PROGRAMME}' with 2 grants (25,000 EUR frozen)"]
    try:
        computed = services.distribution_compute(
            inputs=services.CalculatorInput(
                level=Level.KREISE,
                land_key="08",
                key_kind="population",
                key_year=None,
                method="largest-remainder",
                ties="order",
                seed=None,
                unit="eur",
                amount=Decimal("8000000.00"),
            )
        )
    except services.FundingError as exc:
        lines.append(f"funding: no demo distribution ({exc})")
    else:
        services.distribution_save(
            actor=None,
            name="Demo: Soforthilfe 8 Mio. EUR nach Einwohnern (Kreise der Demo-Daten)",
            computed=computed,
        )
        lines.append(f"funding: demo distribution across {len(computed.lines)} Kreise")
    return "\n".join(lines)
