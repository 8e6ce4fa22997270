"""Issue 11's proof, in a real browser and mostly by keyboard: each role starts at its start page
and does the day's work from there. The administrator invites a user (the invitation in the
outbox), changes their role, their name, e-mail address and language (a notice to the old and to
the new address) and deactivates them on a confirmation page; the municipal officer
opens the profile of a round from the menu and downloads the arrivals and proposals as CSV (the
Excel link beside it); the directory editor goes from the changes to review to the texts page and
writes an offer's missing Ukrainian text, which the public offer page then shows. axe-core finds
nothing serious or critical on the pages, error states included."""

from __future__ import annotations

import csv
import io

import pyotp
import pytest

from browser.test_relocation_intake import log_in, serious_violations
from browser.test_relocation_journey import act_as

pytestmark = pytest.mark.browser


def follow(page, link) -> None:
    """Follow ``link`` by keyboard: focus it, press Enter, wait for the next page."""
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def type_into(page, field, text: str) -> None:
    field.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def submit(page, button) -> None:
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.fixture
def administrator(transactional_db):
    from django.utils import timezone

    from accounts_helpers import TEST_PASSWORD, make_user

    secret = pyotp.random_base32()
    person = make_user("administrator", email="admin@example.org")
    person.totp_secret = secret
    person.totp_confirmed_at = timezone.now()
    person.save()
    return person.username, TEST_PASSWORD, secret


def test_administrator_invites_changes_the_role_and_e_mail_of_and_deactivates_a_user(
    watched, administrator, mailoutbox
):
    from accounts_helpers import make_user
    from passgenau.apps.accounts.models import User

    make_user("interviewer", username="taken", email="taken@example.org")
    page = watched.page
    log_in(watched, *administrator)

    follow(page, page.locator("nav.main-nav").get_by_role("link", name="Benutzer"))
    page.wait_for_url("**/accounts/users/")
    assert serious_violations(page) == []
    follow(page, page.get_by_role("link", name="Neues Konto"))
    page.wait_for_url("**/accounts/users/new/")

    # an e-mail address in use is refused, on the field, and the form stays accessible
    type_into(page, page.get_by_label("Benutzername"), "olena")
    type_into(page, page.get_by_label("Vorname"), "Olena")
    type_into(page, page.get_by_label("Nachname"), "Koval")
    type_into(page, page.get_by_label("E-Mail", exact=True), "TAKEN@example.org")
    page.get_by_label("Rolle").select_option("interviewer")
    page.get_by_label("Organisation").select_option(label="Test organisation interviewer")
    submit(page, page.get_by_role("button", name="Anlegen und Einladung senden"))
    email = page.get_by_label("E-Mail", exact=True)
    assert "taken@example.org" in email.input_value().lower()
    error = page.locator("#id_email_error")
    assert "E-Mail-Adresse" in error.inner_text()
    assert "id_email_error" in (email.get_attribute("aria-describedby") or "")
    assert serious_violations(page) == []
    assert not User.objects.filter(username="olena").exists() and mailoutbox == []

    type_into(page, email, "olena@example.org")
    submit(page, page.get_by_role("button", name="Anlegen und Einladung senden"))
    page.wait_for_url("**/accounts/users/*/")
    olena = User.objects.get(username="olena")
    assert page.url.endswith(f"/accounts/users/{olena.pk}/")
    assert [message.to for message in mailoutbox] == [["olena@example.org"]]
    assert "/accounts/invitation/" in mailoutbox[0].body
    assert not olena.has_usable_password()

    # the new account is on the list; its page is reached from there
    follow(page, page.get_by_role("link", name="Zurück zur Liste"))
    assert serious_violations(page) == []
    follow(page, page.get_by_role("link", name="olena", exact=True))
    page.wait_for_url(f"**/accounts/users/{olena.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "olena"
    assert serious_violations(page) == []

    follow(page, page.get_by_role("link", name="Rolle oder Organisation ändern"))
    page.wait_for_url(f"**/accounts/users/{olena.pk}/role/")
    assert serious_violations(page) == []
    page.get_by_label("Rolle").select_option("caseworker")
    page.get_by_label("Organisation").select_option(label="Test organisation interviewer")
    submit(page, page.get_by_role("button", name="Speichern"))
    page.wait_for_url(f"**/accounts/users/{olena.pk}/")
    olena.refresh_from_db()
    assert olena.role == "caseworker"
    assert mailoutbox[-1].to == ["olena@example.org"]  # told of the new role
    sent = len(mailoutbox)

    # name, e-mail and language: an address in use is refused on the field, then a new one
    # is saved and told to the old and to the new address, in the user's new language
    follow(page, page.get_by_role("link", name="Name und E-Mail ändern"))
    page.wait_for_url(f"**/accounts/users/{olena.pk}/edit/")
    assert page.get_by_label("E-Mail", exact=True).input_value() == "olena@example.org"
    type_into(page, page.get_by_label("E-Mail", exact=True), "Taken@Example.org")
    submit(page, page.get_by_role("button", name="Speichern"))
    assert "E-Mail-Adresse" in page.locator("#id_email_error").inner_text()
    assert "id_email_error" in (
        page.get_by_label("E-Mail", exact=True).get_attribute("aria-describedby") or ""
    )
    assert serious_violations(page) == []
    assert len(mailoutbox) == sent
    type_into(page, page.get_by_label("Nachname"), "Koval-Shevchenko")
    type_into(page, page.get_by_label("E-Mail", exact=True), "olena.koval@example.org")
    page.get_by_label("Sprache der E-Mails").select_option("uk")
    submit(page, page.get_by_role("button", name="Speichern"))
    page.wait_for_url(f"**/accounts/users/{olena.pk}/")
    assert "Das Konto wurde geändert." in page.content()
    assert "olena.koval@example.org" in page.content() and "Українська" in page.content()
    olena.refresh_from_db()
    assert (olena.last_name, olena.email, olena.language) == (
        "Koval-Shevchenko",
        "olena.koval@example.org",
        "uk",
    )
    notices = mailoutbox[sent:]
    assert [message.to for message in notices] == [
        ["olena@example.org"],
        ["olena.koval@example.org"],
    ]
    for message in notices:  # in Ukrainian, the user's language now
        assert any("\u0400" <= letter <= "\u04ff" for letter in message.subject), message.subject

    follow(page, page.get_by_role("link", name="Konto deaktivieren"))
    page.wait_for_url(f"**/accounts/users/{olena.pk}/deactivate/")
    assert serious_violations(page) == []
    olena.refresh_from_db()
    assert olena.is_active  # the page only asks
    submit(page, page.get_by_role("button", name="Deaktivieren", exact=True))
    page.wait_for_url(f"**/accounts/users/{olena.pk}/")
    olena.refresh_from_db()
    assert not olena.is_active
    assert page.get_by_role("link", name="Konto wieder aktivieren").count() == 1


def menu(page, name: str):
    return page.locator("nav.main-nav").get_by_role("link", name=name, exact=True)


def downloaded_header(page, link) -> list[str]:
    """Download through ``link`` (Playwright's download event); the CSV file's header row."""
    with page.expect_download() as info:
        link.click()
    with open(info.value.path(), encoding="utf-8-sig", newline="") as file:
        return next(csv.reader(io.StringIO(file.read())))


def test_officer_opens_the_profile_of_a_round_and_downloads_arrivals_and_proposals(
    watched, transactional_db
):
    from relocation_helpers import user
    from relocation_matching_helpers import accepted_proposal

    proposal = accepted_proposal()
    round_ = proposal.run.round
    page = watched.page
    act_as(watched, user("municipal_officer"))
    watched.goto("/")

    follow(page, menu(page, "Profil unserer Kommune"))
    page.wait_for_url("**/relocation/profiles/")
    assert serious_violations(page) == []
    follow(page, page.get_by_role("link", name=round_.name))
    page.wait_for_url(f"**/relocation/rounds/{round_.pk}/profile/")
    assert page.get_by_role("heading", level=1).count() == 1
    assert serious_violations(page) == []

    follow(page, menu(page, "Ankünfte"))
    page.wait_for_url("**/relocation/arrivals/")
    assert serious_violations(page) == []
    assert page.get_by_role("link", name="Excel").get_attribute("href").endswith("?format=xlsx")
    header = downloaded_header(page, page.get_by_role("link", name="CSV"))
    assert header[:4] == ["Haushalt", "Runde", "Personen", "Reisedatum"] and len(header) == 8

    follow(page, menu(page, "Vorschläge"))
    page.wait_for_url("**/relocation/proposals/")
    assert serious_violations(page) == []
    assert page.get_by_role("link", name="Excel").get_attribute("href").endswith("?format=xlsx")
    header = downloaded_header(page, page.get_by_role("link", name="CSV"))
    assert header[:3] == ["Haushalt", "Runde", "Status"] and len(header) == 7


def test_editor_writes_the_ukrainian_text_of_an_offer_from_the_changes_to_review(
    watched, transactional_db
):
    from directory_helpers import make_directory
    from passgenau.apps.directory.models import Service
    from relocation_helpers import user

    directory = make_directory()
    page = watched.page
    act_as(watched, user("directory_editor"))
    watched.goto("/")
    follow(page, menu(page, "Zu prüfende Änderungen"))
    follow(page, page.get_by_role("link", name=f"Texte und Übersetzungen: {directory.name}"))
    page.wait_for_url(f"**/directory/{directory.slug}/texts/")
    assert serious_violations(page) == []

    page.locator("main").get_by_label("Sprache").select_option("uk")
    page.get_by_label("Stand").select_option("missing")
    submit(page, page.get_by_role("button", name="Anzeigen"))
    assert "language=uk" in page.url
    assert serious_violations(page) == []
    first = page.locator("main table tbody th[scope=row] a").first
    service = Service.objects.get(directory=directory, name=first.inner_text())
    assert not service.texts.filter(language="uk").exists()
    follow(page, first)
    page.wait_for_url(f"**/directory/offers/{service.pk}/texts/uk/")
    assert serious_violations(page) == []

    # a name longer than the field allows (the browser's own limit lifted) is refused, named
    name = page.locator("main").get_by_label("Name", exact=True)
    name.evaluate("input => input.removeAttribute('maxlength')")
    name.fill("Д" * 301)
    submit(page, page.get_by_role("button", name="Speichern und veröffentlichen"))
    name = page.locator("main").get_by_label("Name", exact=True)
    assert name.get_attribute("aria-invalid") == "true"
    error_id = name.get_attribute("aria-describedby").split()[-1]
    assert "300" in page.locator(f"#{error_id}").inner_text()
    assert serious_violations(page) == []

    type_into(page, name, "Консультація для мігрантів")
    type_into(page, page.get_by_label("Beschreibung"), "Безкоштовна консультація українською.")
    submit(page, page.get_by_role("button", name="Speichern und veröffentlichen"))
    page.wait_for_url(f"**/directory/{directory.slug}/texts/?language=uk")
    text = service.texts.get(language="uk")
    assert text.name == "Консультація для мігрантів"

    watched.goto(f"/directory/{directory.slug}/{service.pk}/?lang=uk")
    assert page.get_by_role("heading", level=1).inner_text() == "Консультація для мігрантів"
    assert "Безкоштовна консультація українською." in page.locator("main").inner_text()
    assert serious_violations(page) == []
