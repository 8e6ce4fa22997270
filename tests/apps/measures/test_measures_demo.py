"""The demo plan loads once, is adopted and public, and its computed indicator is stored."""

from __future__ import annotations

import pytest
from django.utils import timezone

from passgenau.apps.accounts import demo as accounts_demo
from passgenau.apps.measures import demo, selectors
from passgenau.apps.measures.models import IndicatorValue, Plan
from passgenau.apps.territories.demo import territories_load_demo

pytestmark = pytest.mark.django_db


def test_demo_plan_is_idempotent_and_public():
    assert "skipped" in demo.load()
    territories_load_demo()
    accounts_demo.load()
    assert "6 measures in 3 areas" in demo.load()
    assert "already" in demo.load()
    plan = Plan.objects.get()
    assert list(selectors.plans_public()) == [plan]
    lights = [a.light for a in selectors.plan_progress(plan=plan, as_of=plan.period_start).areas]
    assert lights == ["amber", "amber", "amber"]  # nothing recorded on the first day
    today = selectors.plan_progress(plan=plan, as_of=timezone.localdate())
    assert [a.light for a in today.areas] == ["amber", "red", "amber"]
    computed = IndicatorValue.objects.get(
        indicator__definition_code="relocation.households_received"
    )
    assert computed.territory_key == accounts_demo.DEMO_MUNICIPALITY_KREIS
