"""Intake in a real browser on a tablet-sized screen: an interviewer registers a household with
consent and conducts the interview in Polish, saving it unfinished, then completing it; axe-core
finds no serious problem on the pages, and nothing scrolls sideways."""

from __future__ import annotations

import pyotp
import pytest

pytestmark = pytest.mark.browser
TABLET = {"width": 768, "height": 1024}


@pytest.fixture
def interviewer(transactional_db):
    from django.utils import timezone

    from accounts_helpers import TEST_PASSWORD
    from relocation_helpers import make_round, user

    make_round(actor=user("coordinator", "coordination"))
    secret = pyotp.random_base32()
    person = user("interviewer", "ngo-warsaw")
    person.totp_secret = secret
    person.totp_confirmed_at = timezone.now()
    person.save()
    return person.username, TEST_PASSWORD, secret


def log_in(watched, username, password, secret) -> None:
    page = watched.page
    watched.goto("/accounts/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/accounts/login/code/")
    page.get_by_label("Sechsstelliger Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_url(watched.base_url + "/")


def serious_violations(page) -> list[tuple[str, str, list]]:
    from axe_playwright_python.sync_playwright import Axe

    return [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]])
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def too_wide(page) -> list[str]:
    """Elements reaching past the right edge of the window (empty when nothing scrolls)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
                          && !el.closest('.table-scroll'))
            .map(el => el.tagName + '.' + el.className)"""
    )


def test_register_and_interview_in_polish_on_a_tablet(watched, interviewer):
    from passgenau.apps.relocation.models import Household, HouseholdStatus, Round, RoundStatus

    page = watched.page
    page.set_viewport_size(TABLET)
    log_in(watched, *interviewer)

    # from the navigation to the round, then to the registration form
    page.get_by_role("link", name="Umverteilungsrunden").click()
    page.get_by_role("link", name="Round 2026").click()
    page.get_by_role("link", name="Haushalt erfassen").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Haushalt erfassen"
    assert serious_violations(page) == []
    assert no_sideways_scrolling(page)

    # a missing purpose gives a specific message in the error summary, linked to the field
    page.get_by_label("Verwendung der Interviewantworten, um einen Ort vorzuschlagen").check()
    page.get_by_label("Einwilligung erteilt am").fill("2026-03-01")
    page.get_by_label("Einwilligung erklärt auf").select_option("pl")
    page.get_by_label("Name der Kontaktperson").fill("Olena K.")
    page.get_by_label("Sprache des Haushalts").select_option("pl")
    page.get_by_role("button", name="Erfassen und Interview beginnen").click()
    summary = page.get_by_role("alert")
    assert "kann der Haushalt nicht teilnehmen" in summary.inner_text()
    assert serious_violations(page) == []

    # check the missing purposes with the keyboard
    for label in (
        "Weitergabe eines Profils ohne Namen und Kontakt an vorgeschlagene Kommunen",
        "Weitergabe von Namen und Kontaktdaten an die Kommune",
    ):
        page.get_by_label(label).focus()
        page.keyboard.press("Space")
    page.get_by_role("button", name="Erfassen und Interview beginnen").click()
    page.wait_for_url("**/interview/")

    # the questionnaire opens in the household's language, Polish; the page around it and the
    # message of the registration stay in the interviewer's German (issue 11, bug 10)
    household = Household.objects.get()
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("heading", level=1).inner_text() == "Interview"
    assert page.locator(".messages").inner_text() == (
        f"Haushalt {household.reference} wurde erfasst. Führen Sie jetzt das Interview durch."
    )
    assert page.locator("form[lang=pl]").get_by_text("Kto należy do gospodarstwa domowego?")
    assert page.get_by_text("Kto należy do gospodarstwa domowego?").is_visible()
    assert serious_violations(page) == []
    assert no_sideways_scrolling(page)
    page.get_by_label("Osoba 1: grupa wiekowa").select_option("30-44")
    page.get_by_label("Osoba 1: pokrewieństwo").select_option("main_contact")
    page.get_by_label("Osoba 2: grupa wiekowa").select_option("6-9")
    page.get_by_label("ukraiński").check()
    page.get_by_role("button", name="Unvollständig speichern").click()
    page.wait_for_url("**/interview/?lang=pl")
    assert page.locator(".messages").inner_text() == (
        "Das Interview wurde unvollständig gespeichert."
    )
    assert household.status == HouseholdStatus.REGISTERED
    assert household.members.count() == 2

    # completing without the ratings: one specific message per missing rating
    page.get_by_role("button", name="Interview abschließen").click()
    summary = page.get_by_role("alert")
    assert "Proszę ocenić, jak ważne jest: Rodzina lub przyjaciele w tym miejscu." in (
        summary.inner_text()
    )
    assert serious_violations(page) == []
    for group in page.locator("fieldset.rl-rating").all():
        group.get_by_label("ważne", exact=True).check()
    page.get_by_role("button", name="Interview abschließen").click()
    page.wait_for_url(f"**/relocation/households/{household.pk}/")
    # the German household page says so in German, not in the questionnaire's Polish
    assert page.locator(".messages").inner_text() == "Das Interview ist abgeschlossen."
    household.refresh_from_db()
    assert household.status == HouseholdStatus.INTERVIEWED
    assert household.interview.conducted_in == "pl"
    assert set(household.interview.importance.values()) == {2}

    # once matching has begun, the completed interview says only that it cannot be changed
    Round.objects.filter(pk=household.round_id).update(status=RoundStatus.MATCHING)
    watched.goto(f"/relocation/households/{household.pk}/interview/")
    notes = page.locator("main p.message").all_inner_texts()
    assert notes == ["Das Interview kann nicht mehr geändert werden."]


def _session_cookie(watched, person) -> None:
    """Log ``person`` in by a session made on the server (second factor confirmed)."""
    from django.test import Client

    from accounts_helpers import login_client

    client = login_client(Client(), person)
    cookie = client.cookies["sessionid"]
    watched.page.context.add_cookies(
        [{"name": "sessionid", "value": cookie.value, "url": watched.base_url}]
    )


def test_every_relocation_page_is_accessible_on_a_tablet(watched, transactional_db):
    """axe-core finds nothing serious on any page of rounds, profiles and intake, for the role
    that uses it, and nothing needs sideways scrolling at tablet width."""
    from django.urls import reverse

    from passgenau.apps.relocation.services import intake
    from relocation_helpers import FAMILY, full_answers, make_round, register, user

    round_ = make_round()
    household = register(round_)
    intake.interview_save(
        actor=user("interviewer"),
        household=household,
        answers=full_answers(round_),
        members=FAMILY,
        complete=True,
    )
    pages = {
        "coordinator": [
            reverse("relocation:round_list"),
            reverse("relocation:round_create"),
            reverse("relocation:round_detail", kwargs={"pk": round_.pk}),
            reverse("relocation:round_edit", kwargs={"pk": round_.pk}),
            reverse("relocation:round_transition", kwargs={"pk": round_.pk, "status": "matching"}),
            reverse("relocation:household_list"),
        ],
        "municipal_officer": [reverse("relocation:profile_edit", kwargs={"pk": round_.pk})],
        "interviewer": [
            reverse("relocation:household_list"),
            reverse("relocation:household_detail", kwargs={"pk": household.pk}),
            reverse("relocation:household_contact", kwargs={"pk": household.pk}),
            reverse("relocation:household_import", kwargs={"pk": round_.pk}),
            reverse("relocation:household_withdraw", kwargs={"pk": household.pk}),
            reverse("relocation:interview", kwargs={"pk": household.pk}),
            reverse("privacy:blank_consent_sheet"),
        ],
    }
    page = watched.page
    page.set_viewport_size(TABLET)
    for role, urls in pages.items():
        page.context.clear_cookies()
        _session_cookie(watched, user(role))
        for url in urls:
            assert watched.goto(url).status == 200, url
            assert serious_violations(page) == [], url
            assert too_wide(page) == [], url
            assert no_sideways_scrolling(page), url


def test_the_member_table_grows_in_place(watched, transactional_db):
    """The interviewer adds two persons to the member table with "Weitere Person hinzufügen":
    the rows appear in place (nothing is sent, what was typed stays), the focus moves to the new
    row's age band; filled in and saved, the household has all four members (issue 11)."""
    from relocation_helpers import make_round, register, user

    round_ = make_round()
    household = register(round_)
    _session_cookie(watched, user("interviewer"))
    page = watched.page
    page.set_viewport_size(TABLET)
    watched.goto(f"/relocation/households/{household.pk}/interview/?lang=de")
    page.get_by_label("Mitglied 1: Altersgruppe").select_option("30-44")
    page.get_by_label("Mitglied 1: Beziehung").select_option("main_contact")
    page.get_by_label("Mitglied 2: Altersgruppe").select_option("30-44")
    page.get_by_label("Mitglied 2: Beziehung").select_option("partner")
    page.get_by_label("Ukrainisch", exact=True).check()
    sent = len(watched.requests)

    add = page.get_by_role("button", name="Weitere Person hinzufügen")
    add.click()
    third = page.get_by_label("Mitglied 3: Altersgruppe")
    assert third.evaluate("el => el === document.activeElement")
    third.select_option("6-9")
    page.get_by_label("Mitglied 3: Beziehung").select_option("child")
    add.focus()
    page.keyboard.press("Enter")
    page.get_by_label("Mitglied 4: Altersgruppe").select_option("0-2")
    page.get_by_label("Mitglied 4: Beziehung").select_option("child")
    assert len(watched.requests) == sent  # in place: no page was asked for
    assert page.get_by_label("Mitglied 1: Altersgruppe").input_value() == "30-44"
    assert page.get_by_label("Ukrainisch", exact=True).is_checked()
    assert page.locator("input[name=members-TOTAL_FORMS]").input_value() == "4"
    assert serious_violations(page) == []

    page.get_by_role("button", name="Unvollständig speichern").click()
    page.wait_for_url("**/interview/?lang=de")
    assert [(m.age_band, m.relation) for m in household.members.all()] == [
        ("30-44", "main_contact"),
        ("30-44", "partner"),
        ("6-9", "child"),
        ("0-2", "child"),
    ]
    assert household.interview.languages == ["uk"]
