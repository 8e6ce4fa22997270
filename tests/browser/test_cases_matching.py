"""The housing transition and mentoring in a real browser, for one case: the household waits for
a flat → the engine proposes one → the caseworker confirms it → the move is recorded → the
newcomer asks for a mentor → the engine proposes one → both sides accept → a meeting is logged."""

from __future__ import annotations

import datetime as dt

import pytest

from browser.test_relocation_journey import accessible, act_as

pytestmark = pytest.mark.browser


@pytest.fixture
def setting(transactional_db):
    from cases_helpers import caseworker, make_case, make_district, make_flat, make_mentor

    worker = caseworker("sozialarbeit")
    case = make_case(worker, name="Familie Melnyk")
    grünau = make_district(worker, "Grünau")
    make_district(worker, "Lindenau", (51.3380, 12.3350))
    # a flat too small for the family, and one that fits (barrier-free, as it needs)
    make_flat(worker, district=grünau, max_persons=2, barrier_free=True, address="Zu klein 1")
    flat = make_flat(
        worker,
        district=grünau,
        max_persons=4,
        barrier_free=True,
        address="Stuttgarter Allee 12",
        available_from=dt.date(2026, 1, 15),
    )
    # a mentor who speaks no language with the family, and one who does (and plays football)
    make_mentor(worker, name="Hans Ohnesprache", kind="local", languages=["de"])
    mentor = make_mentor(
        worker, name="Iryna Bondar", languages=["uk", "de"], interests=["football"]
    )
    return worker, case, flat, mentor


def test_a_flat_allocated_then_a_mentor_matched(watched, setting):
    from passgenau.apps.cases.models import HousingRequest, MentorMeeting, MentorProposal

    worker, case, flat, mentor = setting
    page = watched.page
    act_as(watched, worker)
    assert watched.goto(f"/cases/{case.pk}/").status == 200
    page.get_by_role("link", name="Der Haushalt wartet auf eine Wohnung").click()
    page.wait_for_url(f"**/cases/{case.pk}/housing/")
    assert accessible(page) == []
    page.locator("input[name=adults]").fill("2")
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
    page.locator("input[name=moved_on]").fill("2026-01-20")
    page.get_by_role("button", name="Einzug erfassen").click()
    page.wait_for_url(f"**/cases/{case.pk}/#housing")
    assert page.get_by_test_id("housing-status").inner_text() == "eingezogen"
    request = HousingRequest.objects.get(case=case)
    assert request.flat == flat and request.moved_on == dt.date(2026, 1, 20)
    assert accessible(page) == []

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
    assert "Iryna Bondar" in row.inner_text()
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
