"""Self-service password reset by e-mail: the same answer whether or not the account exists, a
link that works once, sessions ended, and the second factor still asked for (re-enrolment only
by an administrator)."""

from __future__ import annotations

import re

import pyotp
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts_helpers import login_client, make_user
from passgenau.apps.accounts.access import SESSION_OTP_VERIFIED
from passgenau.apps.accounts.models import LoginAttempt
from passgenau.apps.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

NEW = "a-brand-new-passphrase-7"


def _request_reset(client, email):
    return client.post(reverse("accounts:password_reset"), {"email": email})


def test_the_answer_does_not_reveal_whether_an_account_exists(client) -> None:
    make_user("caseworker", username="carla", email="carla@example.org")
    known = _request_reset(client, "carla@example.org")
    unknown = _request_reset(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    done = client.get(known["Location"])
    assert done.status_code == 200
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["carla@example.org"]


def test_reset_link_sets_the_password_once_ends_sessions_and_keeps_the_second_factor() -> None:
    user = make_user("caseworker", username="carla", email="carla@example.org")
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed_at = timezone.now()
    user.save()
    other_session = login_client(Client(), user)
    client = Client()
    _request_reset(client, "carla@example.org")
    link = re.search(r"https?://[^/\s]+(/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    post_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    response = client.post(post_url, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert user.has_totp  # a new password does not remove the second factor
    assert other_session.get("/accounts/me/").status_code == 302  # the old session ended
    assert AuditEntry.objects.filter(action="accounts.user.password_reset").count() == 1
    # the link is spent
    again = Client().get(link, follow=True)
    assert b"new_password1" not in again.content
    # and the log-in still asks for the code
    login = Client()
    login.post(reverse("accounts:login"), {"username": "carla", "password": NEW})
    assert not login.session.get(SESSION_OTP_VERIFIED)


def test_the_login_page_links_to_the_reset(client) -> None:
    assert (
        reverse("accounts:password_reset").encode() in client.get(reverse("accounts:login")).content
    )


@pytest.mark.parametrize("language", ["de", "en", "uk", "ru"])
def test_the_reset_pages_are_translated(client, language, settings) -> None:
    from django.utils import translation

    with translation.override(language):
        page = client.get(reverse("accounts:password_reset"), HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200
        expected = translation.gettext("Reset your password")
    assert expected.encode() in page.content


def test_reset_e_mails_are_rate_limited_per_e_mail_address_with_the_same_answer(settings) -> None:
    make_user("caseworker", username="carla", email="carla@example.org")
    answers = [
        _request_reset(Client(REMOTE_ADDR=f"198.51.100.{n}"), "Carla@example.org ")
        for n in range(settings.PASSWORD_RESET_MAX_PER_EMAIL + 2)
    ]
    assert len(mail.outbox) == settings.PASSWORD_RESET_MAX_PER_EMAIL
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, reverse("accounts:password_reset_done"))
    }
    # the typed address is not kept as text
    assert not LoginAttempt.objects.filter(username__icontains="carla").exists()
    # once the window has passed, an e-mail goes out again
    LoginAttempt.objects.filter(step="reset").delete()
    _request_reset(Client(), "carla@example.org")
    assert len(mail.outbox) == settings.PASSWORD_RESET_MAX_PER_EMAIL + 1


def test_reset_e_mails_are_rate_limited_per_client_address(settings) -> None:
    make_user("caseworker", username="carla", email="carla@example.org")
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(settings.PASSWORD_RESET_MAX_PER_ADDRESS):
        _request_reset(client, f"guess-{n}@example.org")
    assert _request_reset(client, "carla@example.org").status_code == 302
    assert mail.outbox == []  # past the limit even a known address gets nothing from there
    _request_reset(Client(REMOTE_ADDR="203.0.113.10"), "carla@example.org")
    assert len(mail.outbox) == 1
