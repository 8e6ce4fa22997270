"""Demo measures plan (``passgenau demo``): a plan for asylum and integration coordinated by the
demo municipality, with guidelines, three areas, six measures, actors linked to the demo
organisations, a delayed measure with its reason and two indicators (one computed from the
relocation data). Idempotent; needs the accounts demo (and uses the funding demo if loaded)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from passgenau.apps.accounts.models import Organisation
from passgenau.apps.funding.models import Programme

from . import services
from .models import Measure, Plan, PlanStatus

DEMO_OFFICE = "Demo-Kommune"
DEMO_PLAN = "Demo: Fachplan Asyl und Integration 2026–2028"
GUIDELINES = (
    "Integration beginnt mit der Ankunft – zeitlich begrenzt oder auf Dauer, je nach Bedarf.",
    "Integration geschieht durch Teilhabe: personen- und bedarfsorientiert, mit Beteiligung.",
    "Integration stärkt das Zusammenleben in den Stadtteilen.",
)
# area number, title, [(number, title, lead, status)]
AREAS = (
    (
        "1",
        "Unterbringung und Wohnen",
        [
            ("1.1", "Wohnungen in den Stadtteilen vermitteln", "Demo-Beratungsverein", "running"),
            ("1.2", "Stadtteil- und Begegnungszentren schaffen", "Sozialamt", "planned"),
        ],
    ),
    (
        "2",
        "Migrationssozialarbeit",
        [
            ("2.1", "Fachleistungsstunden mit Integrationsplan", "Sozialamt", "running"),
            ("2.2", "Mentoring durch erfahrene Geflüchtete", "Demo-Beratungsverein", "delayed"),
        ],
    ),
    (
        "3",
        "Interkulturelle Öffnung",
        [
            ("3.1", "Modellprojekt Schuldnerberatung", "Demo-Beratungsverein", "planned"),
            ("3.2", "Sprachmittlung in Familienberatungsstellen", "Sozialamt", "done"),
        ],
    ),
)


@transaction.atomic
def load() -> str:
    office = Organisation.objects.filter(name=DEMO_OFFICE).first()
    if office is None:
        return "measures: skipped (load the accounts demo first)"
    if Plan.objects.filter(name=DEMO_PLAN).exists():
        return "measures: demo plan already there"
    plan = services.plan_create(
        user=None,
        name=DEMO_PLAN,
        organisation=office,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2028, 12, 31),
        guidelines=GUIDELINES,
    )
    programme = Programme.objects.order_by("id").first()
    start = dt.date(2026, 2, 1)
    for code, title, measures in AREAS:
        area = services.area_create(user=None, plan=plan, code=code, title=title)
        for number, measure_title, lead, status in measures:
            measure = services.measure_create(
                user=None,
                plan=plan,
                area=area,
                code=number,
                title=measure_title,
                lead=[services.actor_get_or_create(plan=plan, name=lead)],
                partners=[
                    services.actor_get_or_create(
                        plan=plan, name="Ausländerbeirat", kind="committee"
                    )
                ],
                start=start,
                end=dt.date(2028, 6, 30),
                costs=Decimal("40000.00"),
                programme=programme if number == "2.2" else None,
            )
            _walk(measure, status)
        if code == "1":
            services.indicator_create(
                user=None,
                plan=plan,
                area=area,
                name="Aufgenommene Haushalte (Relocation)",
                baseline=Decimal(0),
                target=Decimal(40),
                definition_code="relocation.households_received",
            )
            indicator = services.indicator_create(
                user=None,
                plan=plan,
                measure=plan.measures.get(code="1.1"),
                name="In eigene Wohnungen vermittelte Haushalte",
                baseline=Decimal(0),
                target=Decimal(120),
            )
            services.indicator_value_record(
                user=None, indicator=indicator, on=dt.date(2026, 9, 30), value=Decimal(35)
            )
    plan = services.plan_transition(
        user=None,
        plan=plan,
        status=PlanStatus.ADOPTED,
        on=dt.date(2026, 1, 20),
        decision="V0001/26",
    )
    services.indicators_refresh(user=None, plan=plan)
    return (
        f"measures: demo plan with {plan.measures.count()} measures in {plan.areas.count()} areas"
    )


def _walk(measure: Measure, status: str) -> None:
    """Record the dated changes that lead to ``status``."""
    steps = {
        "running": [("running", "")],
        "delayed": [("running", ""), ("delayed", "Noch keine Mentorinnen und Mentoren gewonnen")],
        "done": [("running", ""), ("done", "In allen Beratungsstellen eingeführt")],
    }.get(status, [])
    for month, (target, note) in enumerate(steps, start=3):
        services.measure_status_change(
            user=None,
            measure=measure,
            status=target,
            on=dt.date(2026, month, 1),
            note=note,
        )
