"""Language mediation in a real browser: a caseworker asks for a mediator for an appointment →
the engine proposes one → the mediator confirms. (The housing transition and mentoring are part
of the one case journey in test_cases.py, from the arrival to the mentor.)"""

from __future__ import annotations

import pytest

from browser.test_relocation_journey import accessible, act_as

pytestmark = pytest.mark.browser


def test_a_language_mediator_requested_proposed_and_confirmed(watched, transactional_db):
    from cases_helpers import caseworker, make_case, make_district, make_mediator, next_weekday
    from passgenau.apps.cases.models import MediationRequest, MediatorProposal

    worker = caseworker("sozialarbeit")
    case = make_case(worker, name="Familie Melnyk")
    grünau = make_district(worker, "Grünau")
    # one mediator who speaks no Ukrainian, one who does and works in Grünau
    make_mediator(worker, name="Amal Arabisch", languages=["ar", "de"])
    mediator = make_mediator(worker, name="Oksana Bondar", districts=[grünau])
    tuesday = next_weekday(1)
    page = watched.page
    act_as(watched, worker)
    assert watched.goto(f"/cases/{case.pk}/").status == 200
    page.get_by_role("link", name="Sprachmittlung anfragen").click()
    page.wait_for_url(f"**/cases/{case.pk}/mediation/")
    assert accessible(page) == []
    page.locator("select[name=area]").select_option("doctor")
    page.locator("main select[name=language]").select_option("uk")
    page.locator("input[name=on]").fill(tuesday.isoformat())
    page.locator("input[name=starts_at]").fill("09:30")
    page.locator("input[name=place]").fill("Kinderarztpraxis, Stuttgarter Allee 3")
    page.locator("select[name=district]").select_option(str(grünau.pk))
    page.locator("input[name=note]").fill("Impfung U6")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/cases/{case.pk}/#mediation")
    assert page.get_by_test_id("mediation-status").inner_text() == "wartet auf Sprachmittlung"

    page.get_by_role("link", name="Sprachmittlung", exact=True).last.click()
    page.wait_for_url("**/cases/mediation/")
    assert accessible(page) == []
    page.get_by_role("button", name="Sprachmittlung vorschlagen").click()
    page.wait_for_url("**/cases/mediation/runs/*/")
    row = page.locator("tr", has_text=case.reference)
    assert "Oksana Bondar" in row.inner_text() and "Amal" not in row.inner_text()
    row.locator("summary", has_text="Warum diese Sprachmittlung").click()
    assert row.get_by_text("Arbeitet im Stadtteil des Termins").is_visible()
    assert accessible(page) == []
    row.get_by_role("button", name="Sprachmittler/in bestätigt").click()
    page.wait_for_load_state()
    row = page.locator("tr", has_text=case.reference)
    assert row.get_by_test_id("proposal-status").inner_text().startswith("bestätigt")
    row.get_by_role("link", name="Der Einsatz und seine Stunden").click()
    page.wait_for_url("**/cases/mediation/assignments/*/")
    sheet = page.get_by_test_id("mediator-sheet").inner_text()
    assert case.reference in sheet and "Kinderarztpraxis" in sheet
    assert "Impfung" not in page.content() and "Melnyk" not in sheet
    assert accessible(page) == []
    assignment = MediatorProposal.objects.get(request__case=case)
    assert assignment.mediator == mediator and assignment.status == "confirmed"
    assert MediationRequest.objects.get(case=case).status == "booked"
