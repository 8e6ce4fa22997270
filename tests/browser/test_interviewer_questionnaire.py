"""An interviewer's whole questionnaire in a real browser (issue 11): log in with the second
factor, open the round, register a household (the consent purposes ticked with the keyboard and
by clicks, the date typed into the date field), switch the questionnaire to German, enter the
members and every kind of answer, save it unfinished, find the answers again after a reload, add
a member in the new empty row, remove one, complete the interview. The household is then shown
as interviewed, the completed interview says that changes make a new version and, once the
coordinator has closed the intake, only that it can no longer be changed (issue 11, bug 10: both
contradicting messages were shown), with every answer and every member's row locked (the
members' rows stayed editable). axe-core finds nothing serious on any page."""

from __future__ import annotations

import pyotp
import pytest

from browser.test_relocation_intake import log_in, serious_violations
from browser.test_relocation_journey import act_as

pytestmark = pytest.mark.browser

NO_CHANGE = "Das Interview kann nicht mehr geändert werden."
NEW_VERSION = (
    "Dieses Interview ist abgeschlossen. Änderungen werden als neue Fassung der Antworten "
    "gespeichert."
)
PLACES = "Gibt es einen Ort, an dem Sie nicht leben möchten?"
TIES = "Haben Sie Familie oder Freunde an einem dieser Orte?"


@pytest.fixture
def people(transactional_db):
    from django.utils import timezone

    from accounts_helpers import TEST_PASSWORD
    from relocation_helpers import make_round, user

    coordinator = user("coordinator", "coordination")
    make_round(actor=coordinator)  # open, with the officer's municipality, Kiel and Ulm
    secret = pyotp.random_base32()
    interviewer = user("interviewer", "ngo-berlin")
    interviewer.totp_secret = secret
    interviewer.totp_confirmed_at = timezone.now()
    interviewer.save()
    return {
        "coordinator": coordinator,
        "interviewer": interviewer,
        "log-in": (interviewer.username, TEST_PASSWORD, secret),
    }


def notes(page) -> list[str]:
    """The notes the interview page shows above the questionnaire."""
    return page.locator("main p.message:not(.messages p)").all_inner_texts()


def rating(page, index: int):
    return page.locator("fieldset.rl-rating").nth(index)


def answer_the_questions(page) -> None:
    page.get_by_label("Mitglied 1: Altersgruppe").select_option("30-44")
    page.get_by_label("Mitglied 1: Beziehung").select_option(label="Hauptkontaktperson")
    page.get_by_label("Mitglied 2: Altersgruppe").select_option("6-9")
    page.get_by_label("Mitglied 2: Beziehung").select_option(label="Kind")
    page.get_by_label("Ukrainisch", exact=True).check()
    page.get_by_label("Englisch", exact=True).check()
    page.get_by_label("Wie gut spricht die Person").select_option("A2")
    page.get_by_label("Dienstleistung und Verkauf", exact=True).check()
    page.get_by_label("Handwerk und verwandte Berufe", exact=True).check()
    page.get_by_label("Qualifikationen und Berufe").fill("Friseurin; Elektriker")
    page.get_by_label("Diabetes", exact=True).check()
    page.get_by_label("Traumaberatung", exact=True).check()
    page.get_by_label("Weitere Bedarfe").fill("Kind braucht Brille")
    page.get_by_role("group", name=TIES).get_by_label("Kiel").check()
    page.get_by_label("Erste Wahl").select_option(label="Kiel")
    page.get_by_label("Zweite Wahl").select_option(label="Test organisation municipal_officer")
    page.get_by_role("group", name=PLACES).get_by_label("Ulm").check()
    page.get_by_label("Welche Ortsgröße").select_option(label="Mittelstadt")
    page.get_by_label("Welches Bundesland").select_option(label="Bayern")
    # the first criterion "sehr wichtig", the others rated later
    rating(page, 0).get_by_label("sehr wichtig").check()


def check_the_answers_are_kept(page) -> None:
    assert page.get_by_label("Mitglied 1: Altersgruppe").input_value() == "30-44"
    assert page.get_by_label("Mitglied 1: Beziehung").input_value() == "main_contact"
    assert page.get_by_label("Mitglied 2: Altersgruppe").input_value() == "6-9"
    assert page.get_by_label("Mitglied 2: Beziehung").input_value() == "child"
    assert page.get_by_label("Mitglied 3: Altersgruppe").input_value() == ""  # a new empty row
    for label in (
        "Ukrainisch",
        "Englisch",
        "Dienstleistung und Verkauf",
        "Handwerk und verwandte Berufe",
        "Diabetes",
        "Traumaberatung",
    ):
        assert page.get_by_label(label, exact=True).is_checked(), label
    assert not page.get_by_label("Russisch", exact=True).is_checked()
    assert not page.get_by_label("Dialyse", exact=True).is_checked()
    assert page.get_by_label("Wie gut spricht die Person").input_value() == "A2"
    assert page.get_by_label("Qualifikationen und Berufe").input_value() == "Friseurin; Elektriker"
    assert page.get_by_label("Weitere Bedarfe").input_value() == "Kind braucht Brille"
    assert page.get_by_role("group", name=TIES).get_by_label("Kiel").is_checked()
    assert not page.get_by_role("group", name=TIES).get_by_label("Ulm").is_checked()
    assert page.get_by_role("group", name=PLACES).get_by_label("Ulm").is_checked()
    assert not page.get_by_role("group", name=PLACES).get_by_label("Kiel").is_checked()
    chosen = page.get_by_label("Erste Wahl").locator("option:checked").inner_text()
    assert chosen == "Kiel"
    chosen = page.get_by_label("Zweite Wahl").locator("option:checked").inner_text()
    assert chosen == "Test organisation municipal_officer"
    assert page.get_by_label("Dritte Wahl").input_value() == ""
    assert page.get_by_label("Welche Ortsgröße").input_value() == "medium_town"
    assert page.get_by_label("Welches Bundesland").input_value() == "BY"
    assert rating(page, 0).get_by_label("sehr wichtig").is_checked()
    assert not rating(page, 1).locator("input:checked").count()


def type_date(page, field, day: str, month: str, year: str) -> None:
    """Type a date into ``<input type=date>`` as a keyboard user does: focus lands on its first
    part, the digits fill the parts in turn. Chromium orders the parts by its own language (the
    system's), not the page's: day first in German, month first in Debian's default English, so
    the order is read off a scratch page first."""
    scratch = page.context.new_page()
    scratch.set_content('<input type="date" aria-label="probe">')
    scratch.get_by_label("probe").focus()
    scratch.keyboard.type("01022026")
    day_first = scratch.get_by_label("probe").input_value() == "2026-02-01"
    scratch.close()
    field.focus()
    page.keyboard.type(day + month + year if day_first else month + day + year)


def test_an_interviewer_fills_the_questionnaire(watched, people):
    from passgenau.apps.accounts.models import Organisation
    from passgenau.apps.relocation.models import Household, HouseholdStatus, Round, RoundStatus

    page = watched.page
    log_in(watched, *people["log-in"])

    # navigation → the open round → the registration form
    page.get_by_role("link", name="Umverteilungsrunden").click()
    page.get_by_role("link", name="Round 2026").click()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Haushalt erfassen").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Haushalt erfassen"
    assert serious_violations(page) == []

    page.get_by_label("Name der Kontaktperson").fill("Olena K.")
    page.get_by_label("Sprache des Haushalts").select_option("uk")
    # two purposes ticked with the keyboard, two with a click, research left out
    for label in (
        "Verwendung der Interviewantworten, um einen Ort vorzuschlagen",
        "Weitergabe eines Profils ohne Namen und Kontakt an vorgeschlagene Kommunen",
    ):
        page.get_by_label(label).focus()
        page.keyboard.press("Space")
    page.get_by_label("Weitergabe von Namen und Kontaktdaten an die Kommune").click()
    page.get_by_label("Folgebefragungen nach 1, 6 und 12 Monaten").click()
    # the date typed, digit by digit, into the browser's date field
    date = page.get_by_label("Einwilligung erteilt am")
    type_date(page, date, "01", "03", "2026")
    assert date.input_value() == "2026-03-01"
    page.get_by_label("Einwilligung erklärt auf").select_option("uk")
    page.get_by_role("button", name="Erfassen und Interview beginnen").click()
    page.wait_for_url("**/interview/")
    household = Household.objects.get()
    assert page.locator(".messages").inner_text() == (
        f"Haushalt {household.reference} wurde erfasst. Führen Sie jetzt das Interview durch."
    )
    assert notes(page) == []  # nothing saved yet: neither note

    # the household speaks Ukrainian; the interview is held in German
    page.get_by_role("navigation", name="Sprache des Fragebogens").get_by_role(
        "link", name="Deutsch"
    ).click()
    page.wait_for_url("**/interview/?lang=de")
    assert page.locator("form[lang=de]").get_by_text("Wer gehört zum Haushalt?").is_visible()
    assert serious_violations(page) == []
    assert page.get_by_label("Mitglied 3: Altersgruppe").count() == 0  # two empty rows at first
    answer_the_questions(page)
    page.get_by_role("button", name="Unvollständig speichern").click()
    page.wait_for_url("**/interview/?lang=de")
    assert (
        page.locator(".messages").inner_text() == "Das Interview wurde unvollständig gespeichert."
    )
    assert notes(page) == []  # not complete: nothing to say about versions or changes
    check_the_answers_are_kept(page)
    page.reload()
    assert page.locator(".messages").count() == 0  # the message was shown once
    check_the_answers_are_kept(page)
    assert serious_violations(page) == []

    # the household page says "unfinished", in German, and offers to continue
    household.refresh_from_db()
    assert household.status == HouseholdStatus.REGISTERED
    watched.goto(f"/relocation/households/{household.pk}/")
    assert page.locator(".rl-status").inner_text() == "erfasst"
    assert page.get_by_text("Unvollständig gespeichert.").is_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Interview fortsetzen").click()
    page.wait_for_url("**/interview/")

    # the household's language again (Ukrainian) unless chosen: switch to German once more
    page.get_by_role("navigation", name="Sprache des Fragebogens").get_by_role(
        "link", name="Deutsch"
    ).click()
    page.wait_for_url("**/interview/?lang=de")
    check_the_answers_are_kept(page)

    # a grandmother in the new empty row, the child removed; every criterion rated
    page.get_by_label("Mitglied 3: Altersgruppe").select_option("65-74")
    page.get_by_label("Mitglied 3: Beziehung").select_option(label="Großelternteil")
    page.get_by_label("Mitglied 2 entfernen").check()
    criteria = page.locator("fieldset.rl-rating").count()
    assert criteria >= 2
    for index in range(1, criteria):
        rating(page, index).get_by_label("egal").check()
    page.get_by_label("Notizen der interviewenden Person").fill("Gespräch im Ankunftszentrum")
    page.get_by_role("button", name="Interview abschließen").click()
    page.wait_for_url(f"**/relocation/households/{household.pk}/")
    assert page.locator(".messages").inner_text() == "Das Interview ist abgeschlossen."
    assert page.locator(".rl-status").inner_text() == "Interview abgeschlossen"
    assert page.get_by_text("Abgeschlossen seit").is_visible()
    answers = page.locator("dl.rl-dl").last
    assert "Ukrainisch, Englisch" in answers.inner_text()
    assert "Diabetes, Traumaberatung" in answers.inner_text()
    assert "Kiel, Test organisation municipal_officer" in answers.inner_text()
    members = page.get_by_role("table", name="Mitglieder").locator("tbody tr").all_inner_texts()
    assert [" ".join(row.split()) for row in members] == [
        "1 30-44 Hauptkontaktperson",
        "2 65-74 Großelternteil",
    ]
    assert serious_violations(page) == []

    # while the round is open the completed interview can still be corrected: one note only
    page.get_by_role("link", name="Interview fortsetzen").click()
    page.wait_for_url("**/interview/")
    assert notes(page) == [NEW_VERSION]
    assert page.get_by_role("button", name="Interview abschließen").is_visible()
    assert serious_violations(page) == []

    # the coordinator closes the intake
    round_ = Round.objects.get()
    act_as(watched, people["coordinator"])
    watched.goto(f"/relocation/rounds/{round_.pk}/status/matching/")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Wechseln zu").click()
    page.wait_for_url(f"**/relocation/rounds/{round_.pk}/")
    round_.refresh_from_db()
    assert round_.status == RoundStatus.MATCHING

    # now the interviewer reads only that the interview cannot be changed (issue 11, bug 10)
    act_as(watched, people["interviewer"])  # the code just used cannot log in again
    watched.goto(f"/relocation/households/{household.pk}/")
    assert page.get_by_role("link", name="Interview fortsetzen").count() == 0
    watched.goto(f"/relocation/households/{household.pk}/interview/?lang=de")
    assert notes(page) == [NO_CHANGE]
    assert page.get_by_text("neue Fassung").count() == 0
    assert page.get_by_role("button", name="Interview abschließen").count() == 0
    assert page.get_by_role("button", name="Unvollständig speichern").count() == 0
    # nothing on the page offers a change: the answers and the members' rows are all locked
    assert page.get_by_label("Qualifikationen und Berufe").is_disabled()
    assert page.get_by_label("Ukrainisch", exact=True).is_disabled()
    assert page.get_by_label("Mitglied 1: Altersgruppe").is_disabled()
    assert page.get_by_label("Mitglied 1: Beziehung").is_disabled()
    assert page.get_by_label("Mitglied 1 entfernen").is_disabled()
    assert (
        page.locator(
            "main form[lang=de] :is(input:not([type=hidden]), select, textarea):enabled"
        ).count()
        == 0
    )
    assert serious_violations(page) == []

    # what was saved
    household.refresh_from_db()
    interview = household.interview
    kiel, ulm, officer = (
        Organisation.objects.get(name=name).pk
        for name in ("Kiel", "Ulm", "Test organisation municipal_officer")
    )
    assert household.status == HouseholdStatus.INTERVIEWED
    assert sorted(household.consents.get().purposes) == [
        "follow_up",
        "matching",
        "share_contact",
        "share_pseudonymised",
    ]
    assert str(household.consents.get().given_on) == "2026-03-01"
    assert [(m.age_band, m.relation) for m in household.members.order_by("pk")] == [
        ("30-44", "main_contact"),
        ("65-74", "grandparent"),
    ]
    assert interview.completed and interview.conducted_in == "de"
    assert interview.languages == ["uk", "en"]
    assert interview.german_level == "A2"
    assert sorted(interview.occupations) == ["5", "7"]
    assert interview.qualifications == "Friseurin; Elektriker"
    assert sorted(interview.needs) == ["diabetes", "trauma"]
    assert interview.needs_notes == "Kind braucht Brille"
    assert interview.ties == [kiel]
    assert interview.ranked_places == [kiel, officer]
    assert interview.excluded_places == [ulm]
    assert interview.preferred_size == "medium_town"
    assert interview.preferred_region == "BY"
    assert interview.notes == "Gespräch im Ankunftszentrum"
    ratings = list(interview.importance.values())
    assert len(ratings) == criteria and ratings.count(3) == 1 and ratings.count(0) == criteria - 1
