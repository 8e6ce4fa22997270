"""Case management in a real browser: an arrival of a relocation round → a case opened with the
round's data → an integration plan with three goals → a referral to an offer → hours logged →
the monthly statement (page and PDF) that the funder sees with the case pseudonymised."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from browser.test_relocation_journey import accessible, act_as

pytestmark = pytest.mark.browser


@pytest.fixture
def setting(transactional_db):
    from accounts_helpers import make_user
    from cases_helpers import caseworker, make_contract
    from relocation_matching_helpers import arrived_proposal

    proposal = arrived_proposal()
    worker = caseworker("sozialarbeit", proposal.municipality)
    funder = make_user("funder", username="sozialamt")
    contract = make_contract(proposal.municipality, funder=funder, budget=Decimal("40.00"))
    return proposal, worker, funder, contract


def test_arrival_to_statement(watched, setting):
    from passgenau.apps.cases.models import Case, HourEntry

    proposal, worker, funder, contract = setting
    page = watched.page
    act_as(watched, worker)
    assert watched.goto("/cases/").status == 200
    assert accessible(page) == []
    page.get_by_role("link", name="Fall eröffnen").last.click()
    page.wait_for_url("**/cases/arrivals/*/open/")
    for purpose in ("health", "referral", "billing"):
        page.locator(f"input[name=purposes][value={purpose}]").check()
    page.locator("select[name=explained_in]").select_option("uk")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/cases/*/")
    case = Case.objects.get(household=proposal.household)
    assert case.name == proposal.household.contact.contact_name

    later = lambda days: (dt.date.today() + dt.timedelta(days=days)).isoformat()  # noqa: E731
    goals = [
        ("language", "Deutschkurs B1"),
        ("health", "Impfungen nachholen, Beratung auf Ukrainisch"),
        ("school", "Kitaplatz für das jüngste Kind"),
    ]
    for area, title in goals:
        page.locator("summary", has_text="Ein Ziel hinzufügen").click()
        page.locator("select[name=goal-area]").select_option(area)
        page.locator("input[name=goal-title]").fill(title)
        page.locator("input[name=goal-responsible]").fill("Frau K.")
        page.locator("input[name=goal-due_on]").fill(later(180))
        page.locator("input[name=goal-review_on]").fill(later(60))
        page.get_by_role("button", name="Ziel hinzufügen").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", name=title).is_visible()
    page.get_by_role("button", name="Plan als heute vereinbart festhalten").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Fassung 1").is_visible()

    page.locator("summary", has_text="An ein Angebot vermitteln").click()
    page.locator("input[name=referral-offer_text]").fill("Sprachcafé im Nachbarschaftszentrum")
    page.get_by_role("button", name="Vermitteln", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_text("Sprachcafé im Nachbarschaftszentrum").is_visible()

    page.locator("summary", has_text="Stunden erfassen").click()
    page.locator("select[name=hours-contract]").select_option(str(contract.pk))
    page.locator("select[name=hours-activity]").select_option("counselling")
    page.locator("input[name=hours-hours]").fill("1.75")
    page.get_by_role("button", name="Stunden erfassen").click()
    page.wait_for_load_state()
    assert HourEntry.objects.get().hours == Decimal("1.75")
    assert accessible(page) == []

    act_as(watched, funder)
    today = dt.date.today()
    watched.goto(f"/cases/contracts/{contract.pk}/?year={today.year}&month={today.month}")
    assert page.get_by_test_id("statement-hours").inner_text() == "1,75"
    assert page.get_by_test_id("statement-amount").inner_text() == "109,20"  # 1.75 x 62.40
    body = page.locator("main").inner_text()
    assert case.reference in body and case.name not in body
    assert accessible(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Abrechnung (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
