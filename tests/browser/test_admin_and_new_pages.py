"""Issue 11's proof, in a real browser and mostly by keyboard: each role starts at its start page
and does the day's work from there. The administrator invites a user (the invitation in the
outbox), changes their role and deactivates them on a confirmation page. axe-core finds nothing
serious or critical on the pages, error states included."""

from __future__ import annotations

import pyotp
import pytest

from browser.test_relocation_intake import log_in, serious_violations

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


def test_administrator_invites_changes_the_role_of_and_deactivates_a_user(
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
    type_into(page, page.get_by_label("E-Mail"), "TAKEN@example.org")
    page.get_by_label("Rolle").select_option("interviewer")
    page.get_by_label("Organisation").select_option(label="Test organisation interviewer")
    submit(page, page.get_by_role("button", name="Anlegen und Einladung senden"))
    email = page.get_by_label("E-Mail")
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
