"""Building measures plans in tests (importable from any test; ``tests/`` is on the path).

The plan is coordinated by the test municipal officer's organisation (Dresden, a kreisfreie
Stadt); the test organisations of every other staff role are actors, the provider's organisation
leads measure 1.1.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from passgenau.apps.accounts.models import Organisation

STAFF_ROLES_TAKING_PART = [
    "coordinator",
    "interviewer",
    "caseworker",
    "provider",
    "funder",
]


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
