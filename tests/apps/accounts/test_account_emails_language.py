"""Every e-mail about an account is written in the recipient's language (``User.language``, which
the administrator sets at the invitation and the user on their account page), not in the
platform's nor in the one of the page that caused it (issue 11)."""

from __future__ import annotations

import pyotp
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts_helpers import invite, login_client, make_user
from passgenau.apps.accounts import services
from passgenau.apps.accounts.models import User
from passgenau.apps.notifications import selectors as notification_selectors

pytestmark = pytest.mark.django_db

INVITATION = "passgenau: your new account"
PASSWORD_LINK = "passgenau: set a new password"


def _in(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


def test_the_subjects_have_translations():
    """The tests below tell the languages apart by these."""
    for text in (INVITATION, PASSWORD_LINK):
        assert len({_in(language, text) for language in ("de", "uk", "ru", "en")}) == 4


def _invite(client: Client, **fields) -> User:
    response = invite(client, **fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    return User.objects.get(username="nora")


@pytest.mark.parametrize("language", ["uk", "de", "ru"])
def test_an_invitation_is_in_the_chosen_language(administrator_client, mailoutbox, language):
    user = _invite(administrator_client, language=language)
    assert user.language == language
    (message,) = mailoutbox
    assert message.subject == _in(language, INVITATION)
    assert "/accounts/invitation/" in message.body


def test_an_invitation_without_a_language_is_in_german(administrator_client, mailoutbox):
    user = _invite(administrator_client)
    assert user.language == "de"
    assert mailoutbox[0].subject == _in("de", INVITATION) == "passgenau: Ihr neues Konto"


def test_the_page_language_does_not_decide(administrator_client, mailoutbox):
    """An administrator reading the pages in Russian invites a German user in German."""
    administrator_client.cookies["django_language"] = "ru"
    _invite(administrator_client, language="de")
    assert mailoutbox[0].subject == _in("de", INVITATION)


@pytest.mark.parametrize("language", ["uk", "de"])
def test_a_password_link_is_in_the_users_language(administrator_client, mailoutbox, language):
    user = make_user("caseworker", username="carla", email="carla@example.org", language=language)
    response = administrator_client.post(
        reverse("accounts:user_password_link", kwargs={"id": user.pk})
    )
    assert response.status_code == 302
    (message,) = mailoutbox
    assert message.subject == _in(language, PASSWORD_LINK)
    assert "/accounts/password/reset/" in message.body


@pytest.mark.parametrize("language", ["uk", "de"])
def test_the_self_service_reset_is_in_the_accounts_language(client, language):
    make_user("caseworker", username="carla", email="carla@example.org", language=language)
    client.post(reverse("accounts:password_reset"), {"email": "carla@example.org"})
    (message,) = mail.outbox
    wanted = _in(language, "If it was not you, ignore this e-mail: your password stays as it is.")
    assert wanted in message.body


def test_a_role_change_is_told_in_the_users_language(administrator_user, mailoutbox):
    user = make_user("caseworker", username="carla", email="carla@example.org", language="uk")
    services.user_change_role(
        actor=administrator_user, user=user, role="provider", organisation=user.organisation
    )
    (message,) = mailoutbox
    assert message.to == ["carla@example.org"]
    assert message.subject == _in("uk", "passgenau: your role has changed")
    with translation.override("uk"):
        assert str(user.get_role_display()) in message.body  # the new role, in Ukrainian


def test_a_second_factor_reset_is_told_in_the_users_language(administrator_user, mailoutbox):
    user = make_user("caseworker", username="carla", email="carla@example.org", language="ru")
    user.totp_secret, user.totp_confirmed_at = pyotp.random_base32(), timezone.now()
    user.save()
    services.totp_reset(actor=administrator_user, user=user)
    (message,) = mailoutbox
    assert message.subject == _in("ru", "passgenau: your second factor has been reset")


def test_a_notice_that_fails_leaves_the_change_made(administrator_user, monkeypatch, caplog):
    user = make_user("caseworker", username="carla", email="carla@example.org")

    def down(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(services, "send_mail", down)
    services.user_change_role(
        actor=administrator_user, user=user, role="provider", organisation=user.organisation
    )
    user.refresh_from_db()
    assert user.role == "provider"
    assert "role_changed" in caplog.text


def test_no_notice_without_an_address(administrator_user, mailoutbox):
    user = make_user("caseworker", username="carla")
    services.user_change_role(
        actor=administrator_user, user=user, role="provider", organisation=user.organisation
    )
    assert mailoutbox == []


def test_the_user_sets_their_language_on_their_account_page(mailoutbox):
    user = make_user("caseworker", username="carla", email="carla@example.org")
    client = login_client(Client(), user)
    page = client.get("/accounts/me/").content.decode()
    assert 'name="language"' in page and "Українська" in page
    response = client.post("/accounts/me/", {"language": "uk"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "uk"
    # notifications are written in the same language: one field for every e-mail
    assert notification_selectors.language_for(user=user) == "uk"
    assert client.post("/accounts/me/", {"language": "xx"}).status_code == 200
    user.refresh_from_db()
    assert user.language == "uk"


def test_the_notification_settings_set_the_same_language():
    user = make_user("municipal_officer", username="olga", email="olga@example.org")
    client = login_client(Client(), user)
    response = client.post(reverse("notifications:preferences"), {"language": "ru"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "ru"


def test_a_language_no_longer_offered_falls_back_to_german():
    user = make_user("caseworker", username="carla", email="carla@example.org", language="pl")
    assert services.language_of(user) == "de"
