"""Case management in a real browser, as one journey of one case: an arrival of a relocation
round → the case opened with the round's data (consent) → an integration plan with three goals
in different areas → a referral to a published offer of the directory → hours logged against a
funding contract → the monthly statement (page and CSV, its totals checked) with the case
pseudonymised → the household on the housing waiting list, the engine's proposal, the flat
confirmed and the move recorded → a mentor proposed by the engine, accepted by both sides, and a
meeting of the pair logged."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest

from browser.test_relocation_journey import accessible, act_as

pytestmark = pytest.mark.browser

OFFER = "Sprachcafé im Nachbarschaftszentrum"


def _published_offer():
    """One new offer, proposed by its provider and approved by the directory's editor."""
    from accounts_helpers import make_user
    from directory_helpers import make_directory, role_organisation
    from passgenau.apps.directory.models import ChangeStatus, Organization
    from passgenau.apps.directory.services.offers import change_decide, change_propose

    make_directory()
    provider = make_user("provider", organisation=role_organisation("provider"))
    editor = make_user("directory_editor", organisation=role_organisation("directory_editor"))
    organization = Organization.objects.filter(provider=provider.organisation).first()
    change = change_propose(
        actor=provider,
        organization=organization,
        fields={"name": OFFER, "description": "Deutsch sprechen bei Kaffee und Kuchen."},
    )
    return change_decide(actor=editor, change=change, to=ChangeStatus.APPROVED).service


@pytest.fixture
def setting(transactional_db):
    from accounts_helpers import make_user
    from cases_helpers import caseworker, make_contract, make_district, make_flat, make_mentor
    from relocation_matching_helpers import arrived_proposal

    proposal = arrived_proposal()
    worker = caseworker("sozialarbeit", proposal.municipality)
    funder = make_user("funder", username="sozialamt")
    contract = make_contract(proposal.municipality, funder=funder, budget=Decimal("40.00"))
    offer = _published_offer()
    grünau = make_district(worker, "Grünau")
    make_district(worker, "Lindenau", (51.3380, 12.3350))
    # a flat too small for the family, and one that fits (barrier-free, as it needs)
    make_flat(worker, district=grünau, max_persons=1, barrier_free=True, address="Zu klein 1")
    flat = make_flat(
        worker, district=grünau, max_persons=4, barrier_free=True, address="Stuttgarter Allee 12"
    )
    # a mentor who speaks no language with the family, and one who does (and plays football)
    make_mentor(worker, name="Hans Ohnesprache", kind="local", languages=["de"])
    mentor = make_mentor(
        worker, name="Iryna Bondar", languages=["uk", "de"], interests=["football"]
    )
    return proposal, worker, funder, contract, offer, flat, mentor


def test_one_case_from_arrival_to_a_flat_and_a_mentor(watched, setting):
    from passgenau.apps.cases.models import (
        Case,
        HourEntry,
        HousingRequest,
        MentorMeeting,
        MentorProposal,
        Referral,
    )

    proposal, worker, funder, contract, offer, flat, mentor = setting
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
    assert page.url.endswith(f"/cases/{case.pk}/")

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
    assert sorted(case.goals.values_list("area", flat=True)) == ["health", "language", "school"]
    page.get_by_role("button", name="Plan als heute vereinbart festhalten").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Fassung 1").is_visible()

    # the referral names an offer of the directory, not a free entry
    page.locator("summary", has_text="An ein Angebot vermitteln").click()
    page.locator("select[name=referral-offer]").select_option(str(offer.pk))
    page.get_by_role("button", name="Vermitteln", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("#referrals ~ ul").first.get_by_text(OFFER).is_visible()
    referral = Referral.objects.get(case=case)
    assert referral.offer == offer and referral.offer_text == OFFER

    page.locator("summary", has_text="Stunden erfassen").click()
    page.locator("select[name=hours-contract]").select_option(str(contract.pk))
    page.locator("select[name=hours-activity]").select_option("counselling")
    page.locator("input[name=hours-hours]").fill("1.75")
    page.get_by_role("button", name="Stunden erfassen").click()
    page.wait_for_load_state()
    assert HourEntry.objects.get().case == case
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
        page.get_by_role("link", name="Abrechnung (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1:] == [
        [case.reference, "1,75", "62,40", "109,20"],
        ["Summe", "1,75", "", "109,20"],
    ]
    assert case.name not in text
    with page.expect_download() as download:
        page.get_by_role("link", name="Abrechnung (PDF)").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    # the same case's household waits for a flat; the engine proposes one; the move is recorded
    act_as(watched, worker)
    assert watched.goto(f"/cases/{case.pk}/").status == 200
    page.get_by_role("link", name="Der Haushalt wartet auf eine Wohnung").click()
    page.wait_for_url(f"**/cases/{case.pk}/housing/")
    assert accessible(page) == []
    page.locator("input[name=adults]").fill("1")
    page.locator("input[name=school_children]").fill("1")
    page.locator("input[name=barrier_free]").check()
    page.get_by_label("Lindenau").first.check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/cases/{case.pk}/#housing")
    assert page.get_by_test_id("housing-status").inner_text() == "wartet auf eine Wohnung"

    page.get_by_role("link", name="Übergang in Wohnungen").first.click()
    page.wait_for_url("**/cases/housing/")
    assert accessible(page) == []
    page.get_by_role("button", name="Wohnungen vorschlagen").click()
    page.wait_for_url("**/cases/housing/runs/*/")
    row = page.locator("tr", has_text=case.reference)
    assert "Stuttgarter Allee 12" in row.inner_text()
    row.locator("summary", has_text="Warum diese Wohnung").click()
    assert row.get_by_text("Schule und Kita in der Nähe").is_visible()
    assert accessible(page) == []
    row.get_by_role("button", name="Bestätigen").click()
    page.wait_for_load_state()
    assert row.get_by_test_id("proposal-status").inner_text() == "bestätigt"

    watched.goto(f"/cases/{case.pk}/")
    assert page.get_by_test_id("housing-status").inner_text() == "Wohnung vergeben"
    page.get_by_role("link", name="Einzug erfassen").click()
    page.locator("input[name=moved_on]").fill(today.isoformat())
    page.get_by_role("button", name="Einzug erfassen").click()
    page.wait_for_url(f"**/cases/{case.pk}/#housing")
    assert page.get_by_test_id("housing-status").inner_text() == "eingezogen"
    request = HousingRequest.objects.get(case=case)
    assert request.flat == flat and request.moved_on == today
    assert accessible(page) == []

    # and the same case gets a mentor: proposed by the engine, accepted by both sides
    page.get_by_role("link", name="Mentoring wünschen").click()
    page.wait_for_url(f"**/cases/{case.pk}/mentoring/")
    page.locator("select[name=own_language]").select_option("uk")
    page.locator("input[name=slots][value=tue_pm]").check()
    page.locator("input[name=interests][value=football]").check()
    assert accessible(page) == []
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/cases/{case.pk}/#mentoring")
    assert page.get_by_test_id("mentoring-status").inner_text() == (
        "wartet auf eine Mentorin oder einen Mentor"
    )
    page.get_by_role("link", name="Mentoring", exact=True).last.click()
    page.wait_for_url("**/cases/mentoring/")
    assert accessible(page) == []
    page.get_by_role("button", name="Mentorinnen und Mentoren vorschlagen").click()
    page.wait_for_url("**/cases/mentoring/runs/*/")
    row = page.locator("tr", has_text=case.reference)
    assert "Iryna Bondar" in row.inner_text() and "Hans" not in row.inner_text()
    row.locator("summary", has_text="Warum diese Mentorin oder dieser Mentor").click()
    assert row.get_by_text("Gemeinsame Interessen").is_visible()
    assert accessible(page) == []
    row.get_by_role("button", name="Die oder der Neue nimmt an").click()
    page.wait_for_load_state()
    row = page.locator("tr", has_text=case.reference)
    row.get_by_role("button", name="Die Mentorin oder der Mentor nimmt an").click()
    page.wait_for_load_state()
    row = page.locator("tr", has_text=case.reference)
    assert row.get_by_test_id("proposal-status").inner_text() == "von beiden Seiten angenommen"
    row.get_by_role("link", name="Das Tandem und seine Treffen").click()
    page.wait_for_url("**/cases/mentoring/pairs/*/")
    page.locator("input[name=minutes]").fill("75")
    page.locator("select[name=kind]").select_option("in_person")
    page.get_by_role("button", name="Treffen erfassen").click()
    page.wait_for_url("**/cases/mentoring/pairs/*/")
    assert "75 Minuten" in page.get_by_test_id("meetings").inner_text()
    assert accessible(page) == []
    pair = MentorProposal.objects.get(request__case=case)
    assert pair.mentor == mentor and pair.status == "accepted"
    assert MentorMeeting.objects.get(pair=pair).minutes == 75
