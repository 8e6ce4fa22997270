"""Recorded facts in a real browser (issue 11): an arrival date in the future is refused on the
page, and a recorded arrival is corrected with a reason (bug 1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from browser.test_relocation_journey import accessible, act_as

pytestmark = pytest.mark.browser


@pytest.fixture
def placement(transactional_db):
    from relocation_matching_helpers import accepted_proposal

    return accepted_proposal()


def test_an_arrival_in_the_future_is_refused_and_a_recorded_one_corrected(watched, placement):
    from passgenau.apps.audit.models import AuditEntry
    from passgenau.apps.relocation.models import Arrival, FollowUpSurvey
    from relocation_helpers import user

    page = watched.page
    act_as(watched, user("municipal_officer"))
    watched.goto(f"/relocation/arrivals/{placement.pk}/")
    future = timezone.localdate() + dt.timedelta(days=89)
    page.locator("input[name=arrived_on]").fill(future.isoformat())
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state()
    refused = page.locator(".error-summary").inner_text()
    assert "Die Ankunft kann nicht in der Zukunft liegen." in refused
    assert not Arrival.objects.filter(proposal=placement).exists()

    page.locator("input[name=arrived_on]").fill("2026-05-05")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url("**/relocation/arrivals/")
    # recorded by mistake on the 5th: corrected from the list, with a reason
    page.get_by_role("link", name=f"Korrigieren {placement.household.reference}").click()
    page.wait_for_url(f"**/relocation/arrivals/{placement.pk}/correct/")
    assert page.locator("input[name=arrived_on]").input_value() == "2026-05-05"
    assert accessible(page) == []
    page.locator("input[name=arrived_on]").fill("2026-05-03")
    # no correction without a reason
    assert page.locator("textarea[name=reason]").get_attribute("required") is not None
    page.locator("textarea[name=reason]").fill("Tippfehler im Datum")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url("**/relocation/arrivals/")
    assert Arrival.objects.get(proposal=placement).arrived_on == dt.date(2026, 5, 3)
    assert FollowUpSurvey.objects.get(household_id=placement.household_id, wave=6).due_on == (
        dt.date(2026, 11, 3)
    )
    assert AuditEntry.objects.filter(action="relocation.arrival.corrected").count() == 1
