"""Building measures plans in tests (importable from any test; ``tests/`` is on the path).

The plan is coordinated by the test municipal officer's organisation (Dresden, a kreisfreie
Stadt); the test organisations of every other staff role are actors, the provider's organisation
leads measure 1.1.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from passgenau.apps.accounts.models import Organisation


def _roles_taking_part() -> list[str]:
    """Every role with a measures right except the coordinating office's own (municipal officer)."""
    from passgenau.apps.accounts.permissions import roles_with

    return sorted(roles_with("measures.view_plans") - {"municipal_officer"})


STAFF_ROLES_TAKING_PART = _roles_taking_part()


def role_organisation(role: str) -> Organisation:
    from accounts_helpers import ORGANISATION_KIND_FOR_ROLE

    org, _ = Organisation.objects.get_or_create(
        name=f"Test organisation {role}", defaults={"kind": ORGANISATION_KIND_FOR_ROLE[role]}
    )
    return org


def dresden():
    from passgenau.apps.territories.models import Kreis, Land

    land, _ = Land.objects.get_or_create(ags="14", defaults={"name": "Sachsen"})
    kreis, _ = Kreis.objects.get_or_create(
        ags="14612", defaults={"land": land, "name": "Dresden, Stadt", "kind": "kreisfreie_stadt"}
    )
    return kreis


def coordinating_office() -> Organisation:
    """The test municipal officer's organisation, placed in Dresden."""
    office = role_organisation("municipal_officer")
    if office.kreis_id is None:
        office.kreis = dresden()
        office.save(update_fields=["kreis"])
    return office


def make_plan(*, status: str = "draft", name: str = "Fachplan Asyl und Integration", user=None):
    """A plan with two areas, three measures and the test organisations as actors."""
    from passgenau.apps.measures import services
    from passgenau.apps.measures.models import Plan

    plan = services.plan_create(
        user=user,
        name=name,
        organisation=coordinating_office(),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2028, 12, 31),
        guidelines=["Integration ab Ankunft", "Teilhabe durch Beteiligung"],
    )
    actors = {}
    for role in STAFF_ROLES_TAKING_PART:
        actor = services.actor_get_or_create(plan=plan, name=role_organisation(role).name)
        actors[role] = actor
    sozialamt = services.actor_get_or_create(plan=plan, name="Sozialamt", kind="department")
    housing = services.area_create(user=user, plan=plan, code="1", title="Wohnen")
    language = services.area_create(user=user, plan=plan, code="2", title="Sprache und Bildung")
    services.measure_create(
        user=user,
        plan=plan,
        area=housing,
        code="1.1",
        title="Wohnungen in den Stadtteilen vermitteln",
        objective="Auszug aus Gemeinschaftsunterkünften",
        lead=[actors["provider"]],
        partners=[sozialamt],
        start=dt.date(2026, 1, 1),
        end=dt.date(2027, 6, 30),
        costs=Decimal("120000.00"),
    )
    services.measure_create(
        user=user,
        plan=plan,
        area=housing,
        code="1.2",
        title="Stadtteil- und Begegnungszentren schaffen",
        lead=[sozialamt],
        costs=Decimal("80000.00"),
    )
    services.measure_create(
        user=user,
        plan=plan,
        area=language,
        code="2.1",
        title="Sprachmittlung in Beratungsstellen",
        lead=[actors["caseworker"]],
    )
    if status != "draft":
        Plan.objects.filter(pk=plan.pk).update(status=status)
        plan.refresh_from_db()
    return plan


def matrix_plan(status: str = "consultation"):
    """A plan that every role holding a measures right can act on: the officer's organisation
    coordinates it, the coordinator's and funder's organisations are in the steering group, and
    every staff organisation leads measure 1.1 (which has a manual indicator)."""
    from passgenau.apps.measures import services

    plan = make_plan(status=status)
    measure = plan.measures.get(code="1.1")
    for actor in plan.actors.exclude(organisation=None):
        if actor.organisation.name in {
            role_organisation("coordinator").name,
            role_organisation("funder").name,
        }:
            actor.coordinates = True
            actor.save(update_fields=["coordinates"])
    measure.lead_actors.add(*plan.actors.exclude(organisation=None))
    services.indicator_create(user=None, plan=plan, measure=measure, name="Vermittelte Wohnungen")
    return plan


def matrix_report():
    from django.utils import timezone

    from passgenau.apps.measures import reports, selectors, services

    plan = matrix_plan()
    progress = selectors.plan_progress(plan=plan, as_of=timezone.localdate())
    return services.report_store(
        user=None, plan=plan, as_of=progress.as_of, fmt="pdf", content=reports.report_pdf(progress)
    )


def matrix_proposal():
    from passgenau.apps.measures.models import MeasureProposal

    plan = matrix_plan()
    return MeasureProposal.objects.create(
        plan=plan,
        area=plan.areas.first(),
        title="Mentoring durch erfahrene Geflüchtete",
        organisation=role_organisation("provider"),
    )


# Twelve areas as a state capital's plan has them (titles after the Dresden Fachplan's fields).
AREAS = [
    "Ankommen und Erstorientierung",
    "Unterbringung und Wohnen",
    "Migrationssozialarbeit",
    "Sprache",
    "Bildung",
    "Arbeit und Ausbildung",
    "Gesundheit",
    "Kinder, Jugend und Familie",
    "Teilhabe und Engagement",
    "Zusammenleben im Stadtteil",
    "Interkulturelle Öffnung",
    "Steuerung und Monitoring",
]
HEADINGS = [
    "Handlungsfeld-Nr.",
    "Handlungsfeld",
    "Nr.",
    "Maßnahme",
    "Ziel",
    "Verantwortlich",
    "Partner",
    "Beginn",
    "Ende",
    "Stand",
    "Kosten (EUR)",
    "Förderprogramm",
]


def fachplan_rows(areas: int = 12, measures: int = 66) -> list[list[object]]:
    """A plan of ``measures`` measures spread over ``areas`` areas (6 or 5 per area), written as
    a city keeps it: German headings, dates, status words, costs in German notation."""
    rows: list[list[object]] = []
    per_area = [measures // areas + (1 if i < measures % areas else 0) for i in range(areas)]
    leads = ["Sozialamt", role_organisation("provider").name, "Jobcenter", "Schulverwaltungsamt"]
    statuses = ["geplant", "laufend", "geplant", "abgeschlossen", "verzögert", "laufend"]
    for a, count in enumerate(per_area, start=1):
        for m in range(1, count + 1):
            rows.append(
                [
                    str(a),
                    AREAS[(a - 1) % len(AREAS)],
                    f"{a}.{m}",
                    f"Maßnahme {a}.{m} im Handlungsfeld {AREAS[(a - 1) % len(AREAS)]}",
                    f"Ziel der Maßnahme {a}.{m}",
                    leads[(a + m) % len(leads)],
                    "Ausländerrat; Integrations- und Ausländerbeirat",
                    dt.date(2026, 1 + (m % 12), 1),
                    dt.date(2028, 12, 31),
                    statuses[(a + m) % len(statuses)],
                    f"{(a * 1000 + m * 250):,}".replace(",", ".") + ",00",
                    "",
                ]
            )
    return rows


def fachplan_xlsx(rows: list[list[object]] | None = None) -> bytes:
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADINGS)
    for row in rows if rows is not None else fachplan_rows():
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def fachplan_csv(rows: list[list[object]] | None = None) -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADINGS)
    for row in rows if rows is not None else fachplan_rows():
        writer.writerow([v.strftime("%d.%m.%Y") if isinstance(v, dt.date) else v for v in row])
    return out.getvalue().encode("utf-8")


def computed_indicator(plan, code: str, *, user=None, measure=None, name="Berechnet", **params):
    """An indicator of ``plan`` computed by definition ``code`` with ``params``: on ``measure``
    if given, else on the plan's first area."""
    from passgenau.apps.measures import services

    return services.indicator_create(
        user=user,
        plan=plan,
        area=None if measure else plan.areas.first(),
        measure=measure,
        name=name,
        definition_code=code,
        parameters=params,
    )


def recomputed(value) -> Decimal:
    """A stored computed value computed again from its code, parameters, territory and date."""
    from passgenau.apps.measures import indicators

    indicator = value.indicator
    scope = indicators.Scope(
        territory_key=value.territory_key,
        on=value.on,
        plan_id=indicator.plan_id,
        measure_id=indicator.measure_id,
    )
    return indicators.compute(value.definition_code, scope, value.parameters)
