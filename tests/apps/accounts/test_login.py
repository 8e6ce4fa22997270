"""Log-in: password hashing and policy, lock-out, the second factor, sessions and cookies."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts_helpers import TEST_PASSWORD, make_user
from passgenau.apps.accounts import services
from passgenau.apps.accounts.access import SESSION_OTP_VERIFIED
from passgenau.apps.accounts.models import LoginAttempt
from passgenau.apps.audit.models import AuditEntry
from passgenau.web.settings import base

LOGIN = "/accounts/login/"


def _post_login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _enrol(user) -> pyotp.TOTP:
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed_at = timezone.now()
    user.save()
    return pyotp.TOTP(user.totp_secret)


# --- hashing and policy ---------------------------------------------------------------------------


def test_argon2_is_the_first_hasher_in_the_real_settings():
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_hashes_a_password(settings):
    from django.contrib.auth.hashers import check_password, make_password

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    encoded = make_password("a long enough passphrase", hasher="argon2")
    assert encoded.startswith("argon2$argon2id$")
    assert check_password("a long enough passphrase", encoded)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short-pw1", "password_too_short"),
        ("123456789012345", "password_entirely_numeric"),
        ("password1234", "password_too_common"),
    ],
)
def test_password_policy_rejects(password, problem):
    with pytest.raises(ValidationError) as caught:
        validate_password(password)
    assert problem in {error.code for error in caught.value.error_list}


def test_password_policy_accepts_a_long_passphrase():
    validate_password("Kaffee-im-Rathaus-um-neun")


# --- password step --------------------------------------------------------------------------------


def test_provider_logs_in_with_password_only(client, db):
    make_user("provider", username="anna")
    response = _post_login(client, "anna", TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.session[SESSION_OTP_VERIFIED] is True
    assert AuditEntry.objects.filter(action="accounts.user.logged_in").count() == 1


def test_wrong_password_is_refused_and_recorded(client, db):
    make_user("provider", username="anna")
    response = _post_login(client, "anna", "not-the-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert LoginAttempt.objects.filter(username="anna", succeeded=False).count() == 1
    assert AuditEntry.objects.filter(action="accounts.login.failed").count() == 1


def test_next_is_followed_only_within_the_site(client, db):
    make_user("provider", username="anna")
    response = client.post(
        LOGIN + "?next=/accounts/me/", {"username": "anna", "password": TEST_PASSWORD}
    )
    assert response["Location"] == "/accounts/me/"
    client.logout()
    response = client.post(
        LOGIN + "?next=https://evil.example/", {"username": "anna", "password": TEST_PASSWORD}
    )
    assert response["Location"] == reverse("core:home")


def test_logout_ends_the_session(client, db):
    make_user("provider", username="anna")
    _post_login(client, "anna", TEST_PASSWORD)
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


# --- lock-out -------------------------------------------------------------------------------------


def test_lockout_after_repeated_failures(client, db):
    make_user("provider", username="anna")
    for _ in range(settings.LOCKOUT_MAX_FAILURES):
        _post_login(client, "anna", "wrong-password-here")
    # even the right password is refused now, without being checked
    response = _post_login(client, "anna", TEST_PASSWORD)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="accounts.login.locked_out").exists()


def test_lockout_is_per_address(client, db):
    make_user("provider", username="anna")
    for _ in range(settings.LOCKOUT_MAX_FAILURES):
        _post_login(client, "anna", "wrong-password-here", REMOTE_ADDR="10.0.0.1")
    response = _post_login(client, "anna", TEST_PASSWORD, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 302


def test_a_spoofed_forwarded_address_does_not_escape_the_lockout(client, settings, db):
    """Issue 10, item 12: without a proxy in front, a new X-Forwarded-For per attempt used to
    make every attempt come from a new address."""
    settings.TRUSTED_PROXY_COUNT = 1  # the production default
    settings.TRUSTED_PROXIES = []
    make_user("provider", username="anna")
    for number in range(settings.LOCKOUT_MAX_FAILURES):
        _post_login(client, "anna", "wrong-password", HTTP_X_FORWARDED_FOR=f"1.2.3.{number}")
    response = _post_login(client, "anna", TEST_PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.200")
    assert response.status_code == 403
    addresses = set(AuditEntry.objects.values_list("ip_address", flat=True))
    assert addresses == {"127.0.0.1"}


def test_lockout_is_per_username(client, db):
    make_user("provider", username="anna")
    make_user("funder", username="bert")
    for _ in range(settings.LOCKOUT_MAX_FAILURES):
        _post_login(client, "anna", "wrong-password-here")
    assert _post_login(client, "bert", TEST_PASSWORD).status_code == 302


def test_lockout_ends_after_the_window(db):
    for _ in range(settings.LOCKOUT_MAX_FAILURES):
        services.login_attempt_record(username="anna", ip_address="10.0.0.1", succeeded=False)
    assert services.lockout_status(username="anna", ip_address="10.0.0.1").locked
    old = timezone.now() - timedelta(seconds=settings.LOCKOUT_WINDOW_SECONDS + 1)
    LoginAttempt.objects.update(at=old)
    assert not services.lockout_status(username="anna", ip_address="10.0.0.1").locked


def test_success_resets_the_failure_count(db):
    for _ in range(settings.LOCKOUT_MAX_FAILURES - 1):
        services.login_attempt_record(username="anna", ip_address="10.0.0.1", succeeded=False)
    services.login_attempt_record(username="anna", ip_address="10.0.0.1", succeeded=True)
    services.login_attempt_record(username="anna", ip_address="10.0.0.1", succeeded=False)
    status = services.lockout_status(username="anna", ip_address="10.0.0.1")
    assert status.failures == 1
    assert not status.locked


def test_lockout_ignores_case_of_the_user_name(db):
    for _ in range(settings.LOCKOUT_MAX_FAILURES):
        services.login_attempt_record(username="Anna", ip_address="10.0.0.1", succeeded=False)
    assert services.lockout_status(username="ANNA", ip_address="10.0.0.1").locked


def test_old_attempts_are_pruned(db):
    services.login_attempt_record(username="anna", ip_address=None, succeeded=False)
    LoginAttempt.objects.update(at=timezone.now() - timedelta(days=40))
    services.login_attempt_record(username="anna", ip_address=None, succeeded=False)
    assert services.login_attempts_prune(older_than=timedelta(days=30)) == 1
    assert LoginAttempt.objects.count() == 1


# --- second factor --------------------------------------------------------------------------------


def test_caseworker_needs_the_code_before_any_right(client, db):
    user = make_user("caseworker", username="carla")
    totp = _enrol(user)
    response = _post_login(client, "carla", TEST_PASSWORD)
    assert response["Location"] == reverse("accounts:totp_verify")
    # logged in, but with no more than the public's rights until the code is given
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert client.get("/api/v1/me").status_code == 403
    response = client.post(reverse("accounts:totp_verify"), {"code": totp.now()})
    assert response.status_code == 302
    assert client.session[SESSION_OTP_VERIFIED] is True
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_wrong_code_is_refused_and_counts_as_failure(client, db):
    user = make_user("caseworker", username="carla")
    totp = _enrol(user)
    _post_login(client, "carla", TEST_PASSWORD)
    wrong = f"{(int(totp.now()) + 1) % 1000000:06d}"
    response = client.post(reverse("accounts:totp_verify"), {"code": wrong})
    assert response.status_code == 200
    assert not client.session.get(SESSION_OTP_VERIFIED)
    assert LoginAttempt.objects.filter(username="carla", succeeded=False).count() == 1


def test_repeated_wrong_codes_lock_out_and_log_out(client, db):
    user = make_user("caseworker", username="carla")
    _enrol(user)
    _post_login(client, "carla", TEST_PASSWORD)
    for _ in range(settings.LOCKOUT_MAX_FAILURES):
        client.post(reverse("accounts:totp_verify"), {"code": "000000"})
    response = client.post(reverse("accounts:totp_verify"), {"code": "000000"})
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_a_code_is_accepted_only_once(db):
    user = make_user("caseworker", username="carla")
    totp = _enrol(user)
    code = totp.now()
    assert services.totp_verify(user=user, code=code)
    assert not services.totp_verify(user=user, code=code)


def test_codes_from_long_ago_are_refused(db):
    user = make_user("caseworker", username="carla")
    totp = _enrol(user)
    old = totp.at(timezone.now() - timedelta(minutes=5))
    assert not services.totp_verify(user=user, code=old)


def test_unenrolled_caseworker_is_sent_to_enrolment(client, db):
    make_user("caseworker", username="carla")
    response = _post_login(client, "carla", TEST_PASSWORD)
    assert response["Location"] == reverse("accounts:totp_enrol")
    page = client.get(reverse("accounts:totp_enrol"))
    assert page.status_code == 200
    assert b"<svg" in page.content
    secret = client.session["passgenau_totp_enrol_secret"]
    assert secret.encode() in page.content
    # a wrong code does not enrol
    client.post(reverse("accounts:totp_enrol"), {"code": "000000"})
    response = client.post(reverse("accounts:totp_enrol"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    from passgenau.apps.accounts.models import User

    carla = User.objects.get(username="carla")
    assert carla.has_totp and carla.totp_secret == secret
    assert client.session[SESSION_OTP_VERIFIED] is True
    assert AuditEntry.objects.filter(action="accounts.user.totp_enrolled").count() == 1


def test_enrolled_user_cannot_re_enrol_before_the_code(client, db):
    user = make_user("caseworker", username="carla")
    _enrol(user)
    _post_login(client, "carla", TEST_PASSWORD)
    response = client.get(reverse("accounts:totp_enrol"))
    assert response["Location"] == reverse("accounts:totp_verify")


def test_pages_redirect_to_the_code_step(client, db):
    user = make_user("coordinator", username="cora")
    _enrol(user)
    _post_login(client, "cora", TEST_PASSWORD)
    assert client.get("/").headers["Location"] == reverse("accounts:totp_verify")
    assert client.get("/healthz").status_code == 200


def test_totp_reset_is_logged(db, administrator_user):
    user = make_user("caseworker", username="carla")
    _enrol(user)
    services.totp_reset(actor=administrator_user, user=user)
    user.refresh_from_db()
    assert not user.has_totp
    assert AuditEntry.objects.get(action="accounts.user.totp_reset").actor == administrator_user


# --- cookies --------------------------------------------------------------------------------------


def test_session_and_csrf_cookie_settings():
    assert base.SESSION_COOKIE_HTTPONLY and base.CSRF_COOKIE_HTTPONLY
    assert base.SESSION_COOKIE_SAMESITE == "Lax"
    assert base.SESSION_COOKIE_AGE <= 8 * 60 * 60


def test_login_page_sets_no_session_for_anonymous_get(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert 'autocomplete="current-password"' in response.content.decode()


def test_password_change(funder_client, funder_user):
    url = reverse("accounts:password_change")
    weak = funder_client.post(
        url, {"old_password": TEST_PASSWORD, "new_password1": "short", "new_password2": "short"}
    )
    assert weak.status_code == 200  # the policy applies here too
    new = "Neues-langes-Passwort-2026"
    response = funder_client.post(
        url, {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    funder_user.refresh_from_db()
    assert funder_user.check_password(new)
    assert funder_client.get(reverse("accounts:profile")).status_code == 200  # still logged in
    assert AuditEntry.objects.filter(action="accounts.user.password_changed").count() == 1


@pytest.mark.parametrize(("role", "sees_personal_data"), [("funder", False), ("caseworker", True)])
def test_enrolment_page_says_why_by_role(client_for_role, role, sees_personal_data):
    """Bug: the funder's second-factor page said the role sees personal data. It says what the
    role sees, from the permission table (issue 11, bug 10)."""
    page = (
        client_for_role(role)
        .get(reverse("accounts:totp_enrol"), HTTP_ACCEPT_LANGUAGE="de")
        .content.decode()
    )
    assert ("sieht personenbezogene Daten" in page) is sees_personal_data
    assert ("sieht keine Namen oder Kontaktdaten" in page) is not sees_personal_data
    funders_right = "Programme, Zuweisungen, Zuwendungen und Berichte"
    caseworkers_right = "Fälle der eigenen Organisation"
    assert (funders_right in page) is not sees_personal_data
    assert (caseworkers_right in page) is sees_personal_data


# --- defect: the second factor could be brute-forced (issue 10, item 1) ---------------------------


def test_wrong_codes_lock_out_the_account_whatever_the_password_step_does(client, db):
    """A correct password used to reset the failure count: 4 wrong codes after each password step
    were never locked out. Wrong codes now count per account until a right code is given."""
    user = make_user("caseworker", username="carla")
    totp = _enrol(user)
    wrong = f"{(int(totp.now()) + 500000) % 1000000:06d}"
    for _ in range(10):
        assert _post_login(client, "carla", TEST_PASSWORD).status_code == 302
        for _ in range(4):
            client.post(reverse("accounts:totp_verify"), {"code": wrong})
    _post_login(client, "carla", TEST_PASSWORD)
    response = client.post(reverse("accounts:totp_verify"), {"code": totp.now()})
    assert response["Location"] == reverse("accounts:login")
    assert not client.session.get(SESSION_OTP_VERIFIED)
    assert "_auth_user_id" not in client.session


def test_wrong_codes_lock_out_from_any_address(client, db):
    user = make_user("caseworker", username="carla")
    totp = _enrol(user)
    for number in range(settings.LOCKOUT_MAX_FAILURES):
        address = f"10.0.0.{number + 1}"
        _post_login(client, "carla", TEST_PASSWORD, REMOTE_ADDR=address)
        client.post(reverse("accounts:totp_verify"), {"code": "000000"}, REMOTE_ADDR=address)
    _post_login(client, "carla", TEST_PASSWORD, REMOTE_ADDR="10.0.1.1")
    response = client.post(
        reverse("accounts:totp_verify"), {"code": totp.now()}, REMOTE_ADDR="10.0.1.1"
    )
    assert response["Location"] == reverse("accounts:login")
    assert services.code_lockout_status(username="carla").locked


def test_a_right_code_resets_the_code_failures(client, db):
    user = make_user("caseworker", username="carla")
    totp = _enrol(user)
    _post_login(client, "carla", TEST_PASSWORD)
    for _ in range(settings.LOCKOUT_MAX_FAILURES - 1):
        client.post(reverse("accounts:totp_verify"), {"code": "000000"})
    client.post(reverse("accounts:totp_verify"), {"code": totp.now()})
    assert client.session[SESSION_OTP_VERIFIED] is True
    assert services.code_lockout_status(username="carla").failures == 0
