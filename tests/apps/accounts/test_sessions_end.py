"""Resetting a user's second factor or password ends that user's sessions (issue 10, item 11);
an administrator setting a password is audited (item 7)."""

from __future__ import annotations

import pyotp
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts_helpers import login_client, make_user
from passgenau.apps.accounts import services
from passgenau.apps.audit.models import AuditEntry

PROFILE = "/accounts/me/"


def _enrolled_caseworker():
    user = make_user("caseworker", username="carla")
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed_at = timezone.now()
    user.save()
    return user


def _logged_in(user) -> Client:
    client = login_client(Client(), user)
    assert client.get(PROFILE).status_code == 200
    return client


def test_resetting_the_second_factor_ends_the_users_sessions(administrator_user, db):
    user = _enrolled_caseworker()
    client = _logged_in(user)
    services.totp_reset(actor=administrator_user, user=user)
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_admin_action_resetting_the_second_factor_ends_the_sessions(administrator_client):
    user = _enrolled_caseworker()
    client = _logged_in(user)
    response = administrator_client.post(
        "/admin/accounts/user/",
        {"action": "reset_one_time_password", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302
    assert client.get(PROFILE).status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_administrator_setting_a_password_ends_the_sessions_and_is_audited(
    administrator_client, administrator_user
):
    user = _enrolled_caseworker()
    client = _logged_in(user)
    new = "another-long-passphrase-42"
    response = administrator_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content[:2000]
    assert client.get(PROFILE).status_code == 302
    entry = AuditEntry.objects.get(action="accounts.user.password_set")
    assert entry.actor == administrator_user
    assert entry.object_id == str(user.pk)
    assert new not in str(entry.data)


def test_enrolling_keeps_the_own_session(client, db):
    make_user("caseworker", username="carla")
    client.post(reverse("accounts:login"), {"username": "carla", "password": _password()})
    page = client.get(reverse("accounts:totp_enrol"))
    assert page.status_code == 200
    secret = client.session["passgenau_totp_enrol_secret"]
    client.post(reverse("accounts:totp_enrol"), {"code": pyotp.TOTP(secret).now()})
    assert client.get(PROFILE).status_code == 200


def _password() -> str:
    from accounts_helpers import TEST_PASSWORD

    return TEST_PASSWORD
