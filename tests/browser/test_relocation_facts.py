"""Recorded facts and changes in a real browser (issue 11): an arrival date in the future is
refused on the page, and a recorded arrival is corrected with a reason (bug 1); a change of a
proposal respects the household's exclusion, the load follows it, and changing back undoes it
(bug 4); a re-opened travel plan shows its saved date in the date picker and saving only a new
status works (bug 2), and a past travel date warns on the page; "Lauf starten" in an open round
asks first, says what closes and lists the unfinished interviews, and without the confirmation
the round stays open (bug 3)."""

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


def _save_travel(page) -> None:
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url("**/relocation/placements/")


def test_a_reopened_travel_plan_shows_its_date_and_saves_only_a_new_status(watched, placement):
    from passgenau.apps.relocation.models import Travel
    from relocation_helpers import user

    page = watched.page
    act_as(watched, user("coordinator"))
    url = f"/relocation/placements/{placement.pk}/travel/"
    watched.goto(url)
    soon = timezone.localdate() + dt.timedelta(days=7)
    page.locator("input[name=departure_on]").fill(soon.isoformat())
    page.locator("select[name=status]").select_option("planned")
    _save_travel(page)
    assert "Der Reiseplan ist gespeichert." in page.locator(".messages").inner_text()
    assert "Vergangenheit" not in page.locator(".messages").inner_text()

    # re-opened (the page in German): the date picker holds the saved date, not an empty field
    watched.goto(url)
    date = page.locator("input[name=departure_on]")
    assert date.get_attribute("type") == "date"
    assert date.input_value() == soon.isoformat()
    assert (
        page.evaluate("document.querySelector('input[name=departure_on]').valueAsDate") is not None
    )
    assert accessible(page) == []
    # only the status changes
    page.locator("select[name=status]").select_option("booked")
    _save_travel(page)
    assert "Geben Sie das Reisedatum an" not in page.content()
    travel = Travel.objects.get(proposal=placement)
    assert (travel.status, travel.departure_on) == ("booked", soon)


def test_a_past_travel_date_warns_on_the_page(watched, placement):
    from passgenau.apps.relocation.models import Travel
    from relocation_helpers import user

    page = watched.page
    act_as(watched, user("coordinator"))
    url = f"/relocation/placements/{placement.pk}/travel/"
    watched.goto(url)
    past = timezone.localdate() - dt.timedelta(days=3)
    page.locator("input[name=departure_on]").fill(past.isoformat())
    page.locator("select[name=status]").select_option("booked")
    _save_travel(page)
    messages = page.locator(".messages").inner_text()
    assert f"Das Reisedatum {past:%d.%m.%Y} liegt in der Vergangenheit" in messages
    assert "„unterwegs“" in messages
    assert accessible(page) == []
    assert Travel.objects.get(proposal=placement).departure_on == past  # saved, with a warning

    # the household is on its way: the same date no longer warns
    watched.goto(url)
    assert page.locator("input[name=departure_on]").input_value() == past.isoformat()
    page.locator("select[name=status]").select_option("underway")
    _save_travel(page)
    assert "Vergangenheit" not in page.locator(".messages").inner_text()
    assert Travel.objects.get(proposal=placement).status == "underway"


@pytest.fixture
def reviewed_run(transactional_db):
    """A finished, unpublished run: one family that excluded Kiel, placed by the engine."""
    from passgenau.apps.relocation.services import runs
    from relocation_helpers import make_round, municipality, user
    from relocation_matching_helpers import interviewed, set_capacities

    round_ = make_round()
    big = {"persons": 20, "school": 10, "kita": 10}
    set_capacities(round_, {"officer": big, "Kiel": big, "Ulm": big})
    interviewed(round_, 1, excluded_places=[municipality("Kiel").pk])
    return runs.run_start(actor=user("coordinator"), round_=round_)


def test_a_change_respects_the_exclusion_and_changing_back_undoes_it(watched, reviewed_run):
    from passgenau.apps.accounts.models import Organisation
    from relocation_helpers import user

    page = watched.page
    proposal = reviewed_run.proposals.select_related("municipality").get()
    engine_choice = proposal.municipality
    kiel = Organisation.objects.get(name="Kiel")
    other = next(
        o
        for o in Organisation.objects.filter(relocation_profiles__round=reviewed_run.round_id)
        if o.pk not in (engine_choice.pk, kiel.pk)
    )
    act_as(watched, user("coordinator"))
    url = f"/relocation/proposals/{proposal.pk}/override/"
    watched.goto(url)
    choices = page.locator("select[name=municipality]").inner_text()
    assert "Kiel – vom Haushalt ausgeschlossen" in choices
    page.locator("select[name=municipality]").select_option(str(kiel.pk))
    page.locator("textarea[name=reason]").fill("Schule in der Nähe")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state()
    assert "Vom Haushalt ausgeschlossen" in page.locator(".error-summary").inner_text()
    assert accessible(page) == []

    page.locator("select[name=municipality]").select_option(str(other.pk))
    page.locator("textarea[name=reason]").fill("Eine Wohnung wurde frei")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(f"**/relocation/runs/{reviewed_run.pk}/")
    row = page.locator("tbody tr", has_text=proposal.household.reference).first.inner_text()
    assert f"{other.name} (statt {engine_choice.name})" in row
    load = page.locator("table.rl-bars tbody tr", has_text=other.name).first.inner_text()
    assert "2 / 20" in load  # the family of two counts at its new place

    watched.goto(url)
    page.locator("select[name=municipality]").select_option(str(engine_choice.pk))
    page.locator("textarea[name=reason]").fill("Die Wohnung ist doch vergeben")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(f"**/relocation/runs/{reviewed_run.pk}/")
    row = page.locator("tbody tr", has_text=proposal.household.reference).first.inner_text()
    assert "statt" not in row


def test_starting_a_run_in_an_open_round_asks_first_and_lists_unfinished_interviews(
    watched, transactional_db
):
    from passgenau.apps.relocation.models import MatchingRun, Round, RoundStatus
    from relocation_helpers import register, user
    from relocation_matching_helpers import ready_round

    round_ = ready_round(2)
    unfinished = register(round_, external_reference="UNFERTIG")
    page = watched.page
    act_as(watched, user("coordinator"))
    watched.goto(f"/relocation/rounds/{round_.pk}/runs/")
    notice = page.locator("main .rl-notice").inner_text()
    assert "Interviewende können keine Haushalte mehr registrieren" in notice
    assert "unfertige Interviews lassen sich nicht mehr ändern" in notice
    assert "1 Interview ist nicht fertig:" in notice
    listed = page.locator("main .rl-notice li")
    assert listed.count() == 1 and unfinished.reference in listed.inner_text()
    box = page.get_by_label("Erfassung schließen und Zuordnung starten")
    assert not box.is_checked()
    assert accessible(page) == []

    # "Lauf starten" without confirming: asked again, nothing started, the round stays open
    with page.expect_navigation():
        page.get_by_role("button", name="Lauf starten").click()
    assert "Bestätigen Sie, dass die Erfassung schließt" in page.locator("main").inner_text()
    assert page.locator("main .rl-notice li").count() == 1
    assert accessible(page) == []
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.OPEN
    assert not MatchingRun.objects.filter(round=round_).exists()

    # confirmed by keyboard: the run starts and the round moves to matching
    page.get_by_label("Erfassung schließen und Zuordnung starten").focus()
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.get_by_role("button", name="Lauf starten").click()
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.MATCHING
    assert MatchingRun.objects.filter(round=round_).count() == 1
    watched.goto(f"/relocation/rounds/{round_.pk}/runs/")
    assert page.locator("main .rl-notice").count() == 0
