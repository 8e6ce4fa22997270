"""Administrators manage accounts in the application (issue 11): each change goes through a
service, ends the sessions it must end and is logged with ids only."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts_helpers import invite, login_client, make_user
from passgenau.apps.accounts import services
from passgenau.apps.accounts.models import Organisation, User
from passgenau.apps.audit.models import AuditEntry

PROFILE = "/accounts/me/"

pytestmark = pytest.mark.django_db


def _logged_in(user) -> Client:
    client = login_client(Client(), user)
    assert client.get(PROFILE).status_code == 200
    return client


def _logged_out(client: Client) -> bool:
    return client.get(PROFILE).status_code == 302 and "_auth_user_id" not in client.session


def _other_organisation() -> Organisation:
    return Organisation.objects.create(name="Kreis Süd", kind="municipality")


# --- role and organisation


def test_changing_the_role_on_the_page_ends_the_sessions_and_is_logged(
    administrator_client, administrator_user
):
    user = make_user("caseworker", username="carla", email="carla@example.org")
    client = _logged_in(user)
    organisation = _other_organisation()
    url = reverse("accounts:user_role_change", kwargs={"id": user.pk})
    response = administrator_client.post(
        url, {"role": "municipal_officer", "organisation": organisation.pk}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.role, user.organisation) == ("municipal_officer", organisation)
    assert _logged_out(client)
    entry = AuditEntry.objects.get(action="accounts.user.role_changed")
    assert entry.actor == administrator_user
    assert entry.object_id == str(user.pk)
    assert entry.data["role"] == {"from": "caseworker", "to": "municipal_officer"}
    assert entry.data["organisation"]["to"] == organisation.pk
    assert "carla" not in str(entry.data)


def test_a_role_changed_in_the_django_admin_ends_the_sessions(administrator_client):
    """Before, a new role in the admin left the user's sessions running with the old rights."""
    user = make_user("caseworker", username="carla")
    client = _logged_in(user)
    response = administrator_client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "username": "carla",
            "first_name": "",
            "last_name": "",
            "email": "",
            "organisation": user.organisation_id,
            "role": "provider",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:3000]
    user.refresh_from_db()
    assert user.role == "provider"
    assert _logged_out(client)


def test_saving_the_same_role_changes_nothing(administrator_user):
    user = make_user("caseworker", username="carla")
    client = _logged_in(user)
    changed = services.user_change_role(
        actor=administrator_user, user=user, role="caseworker", organisation=user.organisation
    )
    assert not changed
    assert client.get(PROFILE).status_code == 200
    assert not AuditEntry.objects.filter(action="accounts.user.role_changed").exists()


def test_the_last_administrator_keeps_the_role(administrator_client, administrator_user):
    url = reverse("accounts:user_role_change", kwargs={"id": administrator_user.pk})
    response = administrator_client.post(
        url, {"role": "caseworker", "organisation": administrator_user.organisation_id}
    )
    assert response.status_code == 200
    assert "das letzte aktive Administrationskonto" in response.content.decode()
    administrator_user.refresh_from_db()
    assert administrator_user.role == "administrator"


def test_an_administrator_may_step_down_when_another_remains(administrator_user):
    make_user("administrator", username="second-admin")
    services.user_change_role(
        actor=administrator_user, user=administrator_user, role="funder", organisation=None
    )
    administrator_user.refresh_from_db()
    assert administrator_user.role == "funder"
    with pytest.raises(ValidationError):
        second = administrator_user.__class__.objects.get(username="second-admin")
        services.user_change_role(actor=second, user=second, role="funder", organisation=None)


def test_the_role_form_links_its_errors(administrator_client, administrator_user):
    user = make_user("caseworker", username="carla")
    url = reverse("accounts:user_role_change", kwargs={"id": user.pk})
    html = administrator_client.post(url, {"role": "no-such-role"}).content.decode()
    assert 'aria-describedby="id_role_error"' in html
    assert 'id="id_role_error"' in html
    assert 'aria-invalid="true"' in html
    assert '<label for="id_organisation">' in html


def test_the_audit_page_reads_the_new_actions(administrator_client, administrator_user):
    user = make_user("caseworker", username="carla")
    services.user_change_role(
        actor=administrator_user, user=user, role="provider", organisation=user.organisation
    )
    html = administrator_client.get("/audit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "User: role or organisation changed <code" in html  # words, the code beside them


# --- new accounts by invitation


def test_a_new_user_is_invited_sets_a_password_and_then_enrols(
    administrator_client, administrator_user, mailoutbox
):
    response = invite(administrator_client)
    assert response.status_code == 302
    user = User.objects.get(username="nora")
    assert (user.role, user.email, user.get_full_name()) == (
        "municipal_officer",
        "nora@example.org",
        "Nora Neu",
    )
    assert not user.has_usable_password()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["nora@example.org"]
    assert "nora" in mail.body and "Authenticator-App" in mail.body  # German by default
    link = re.search(r"http://testserver(/accounts/invitation/\S+/)", mail.body).group(1)

    invited = Client()
    form_page = invited.get(link, follow=True)
    assert form_page.status_code == 200
    assert "new_password1" in form_page.content.decode()
    password = "a-long-first-passphrase-77"
    done = invited.post(
        form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )
    assert done.status_code == 302 and done.url == reverse("accounts:login")
    user.refresh_from_db()
    assert user.check_password(password)
    again = invited.get(link, follow=True)
    assert "new_password1" not in again.content.decode()  # the link works once

    login = invited.post(reverse("accounts:login"), {"username": "nora", "password": password})
    assert login.url == reverse("accounts:totp_enrol")

    actions = list(
        AuditEntry.objects.filter(object_id=str(user.pk)).values_list("action", flat=True)
    )
    assert {
        "accounts.user.created",
        "accounts.user.invited",
        "accounts.user.invitation_accepted",
    } <= set(actions)
    created = AuditEntry.objects.get(action="accounts.user.created", object_id=str(user.pk))
    assert created.actor == administrator_user
    assert "nora" not in str(created.data) and "example.org" not in str(created.data)


def test_an_e_mail_address_in_use_is_a_form_error(administrator_client, mailoutbox):
    make_user("caseworker", username="carla", email="Nora@Example.org")
    response = invite(administrator_client)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_email_error"' in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert not User.objects.filter(username="nora").exists()
    assert mailoutbox == []


def test_a_user_name_in_use_is_a_form_error(administrator_client, mailoutbox):
    make_user("caseworker", username="nora")
    response = invite(administrator_client)
    assert response.status_code == 200
    assert 'id="id_username_error"' in response.content.decode()
    assert mailoutbox == []


def test_an_old_invitation_no_longer_works(administrator_client, mailoutbox, settings):
    invite(administrator_client)
    link = re.search(r"http://testserver(/accounts/invitation/\S+/)", mailoutbox[0].body).group(1)
    settings.ACCOUNT_INVITATION_TIMEOUT = -1
    page = Client().get(link, follow=True).content.decode()
    assert "new_password1" not in page


def test_a_reset_token_is_no_invitation(administrator_client, mailoutbox):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    invite(administrator_client)
    user = User.objects.get(username="nora")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    url = reverse("accounts:invitation_accept", kwargs={"uidb64": uid, "token": token})
    assert "new_password1" not in Client().get(url, follow=True).content.decode()


def test_an_invitation_not_accepted_is_sent_again_from_the_account_page(
    administrator_client, administrator_user, mailoutbox
):
    invite(administrator_client)
    user = User.objects.get(username="nora")
    detail = administrator_client.get(reverse("accounts:user_detail", kwargs={"id": user.pk}))
    url = reverse("accounts:user_invitation_resend", kwargs={"id": user.pk})
    assert url in detail.content.decode()
    assert reverse("accounts:user_password_link", kwargs={"id": user.pk}) not in (
        detail.content.decode()
    )
    confirm = administrator_client.get(url)
    assert confirm.status_code == 200 and "Einladung" in confirm.content.decode()
    assert administrator_client.post(url).status_code == 302
    assert len(mailoutbox) == 2 and mailoutbox[1].to == ["nora@example.org"]
    link = re.search(r"http://testserver(/accounts/invitation/\S+/)", mailoutbox[1].body)
    form_page = Client().get(link.group(1), follow=True)
    assert "new_password1" in form_page.content.decode()  # the invitation's form, not a reset
    invited = AuditEntry.objects.filter(action="accounts.user.invited", object_id=str(user.pk))
    assert [e.actor for e in invited] == [administrator_user, administrator_user]


def test_an_accepted_invitation_is_not_sent_again(administrator_client, mailoutbox):
    user = _enrolled(email="carla@example.org")
    with pytest.raises(ValidationError):
        services.user_invitation_resend(actor=None, user=user, base_url="http://testserver")
    url = reverse("accounts:user_invitation_resend", kwargs={"id": user.pk})
    response = administrator_client.post(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "send a password link instead" in response.content.decode()
    assert mailoutbox == []


# --- deactivation and reactivation


def test_deactivating_ends_the_sessions_and_reactivating_does_not_bring_them_back(
    administrator_client, administrator_user
):
    user = make_user("caseworker", username="carla")
    client = _logged_in(user)
    url = reverse("accounts:user_deactivate", kwargs={"id": user.pk})
    page = administrator_client.get(url)
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
    user.refresh_from_db()
    assert user.is_active  # the GET only asks
    assert administrator_client.post(url).status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert client.get(PROFILE).status_code == 302  # an inactive user is nobody

    services.user_reactivate(actor=administrator_user, user=user)
    assert client.get(PROFILE).status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert list(
        AuditEntry.objects.filter(object_id=str(user.pk))
        .filter(action__in=["accounts.user.deactivated", "accounts.user.reactivated"])
        .order_by("pk")
        .values_list("action", "actor_id")
    ) == [
        ("accounts.user.deactivated", administrator_user.pk),
        ("accounts.user.reactivated", administrator_user.pk),
    ]


def test_a_session_opened_before_a_deactivation_stays_ended_after_reactivating(
    administrator_user,
):
    user = make_user("caseworker", username="carla")
    client = _logged_in(user)
    services.user_deactivate(actor=administrator_user, user=user)
    services.user_reactivate(actor=administrator_user, user=user)
    assert _logged_out(client)


def test_an_administrator_cannot_deactivate_themselves(administrator_client, administrator_user):
    make_user("administrator", username="second-admin")
    url = reverse("accounts:user_deactivate", kwargs={"id": administrator_user.pk})
    response = administrator_client.post(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "cannot deactivate your own account" in response.content.decode()
    administrator_user.refresh_from_db()
    assert administrator_user.is_active


def test_the_last_administrator_is_not_deactivated(administrator_user):
    other = make_user("administrator", username="second-admin")
    services.user_deactivate(actor=administrator_user, user=other)  # another one remains
    with pytest.raises(ValidationError) as refused:
        services.user_deactivate(actor=None, user=administrator_user)
    assert refused.value.code == "last_administrator"


# --- second factor and password link from the user's page


def _enrolled(username: str = "carla", **fields):
    import pyotp
    from django.utils import timezone

    user = make_user("caseworker", username=username, **fields)
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed_at = timezone.now()
    user.save()
    return user


def test_resetting_the_second_factor_from_the_page(administrator_client, administrator_user):
    user = _enrolled()
    client = _logged_in(user)
    detail = administrator_client.get(reverse("accounts:user_detail", kwargs={"id": user.pk}))
    url = reverse("accounts:user_totp_reset", kwargs={"id": user.pk})
    assert url in detail.content.decode()
    assert "csrfmiddlewaretoken" in administrator_client.get(url).content.decode()
    assert administrator_client.post(url).status_code == 302
    user.refresh_from_db()
    assert not user.has_totp
    assert _logged_out(client)
    entry = AuditEntry.objects.get(action="accounts.user.totp_reset")
    assert (entry.actor, entry.object_id) == (administrator_user, str(user.pk))


def test_the_actions_refuse_a_get_that_changes_and_a_post_without_csrf(administrator_user):
    user = _enrolled()
    client = login_client(Client(enforce_csrf_checks=True), administrator_user)
    url = reverse("accounts:user_totp_reset", kwargs={"id": user.pk})
    assert client.post(url).status_code == 403
    user.refresh_from_db()
    assert user.has_totp


def test_sending_a_password_link_from_the_page(
    administrator_client, administrator_user, mailoutbox
):
    user = _enrolled(email="carla@example.org")
    url = reverse("accounts:user_password_link", kwargs={"id": user.pk})
    assert administrator_client.post(url).status_code == 302
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["carla@example.org"]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mailoutbox[0].body)
    visitor = Client()
    form_page = visitor.get(link.group(1), follow=True)
    assert "new_password1" in form_page.content.decode()
    password = "a-brand-new-passphrase-31"
    visitor.post(
        form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )
    user.refresh_from_db()
    assert user.check_password(password) and user.has_totp  # the second factor stays
    entry = AuditEntry.objects.get(action="accounts.user.password_link_sent")
    assert (entry.actor, entry.object_id) == (administrator_user, str(user.pk))
    assert "example.org" not in str(entry.data)


def test_no_password_link_without_an_e_mail_address(administrator_client, mailoutbox):
    user = _enrolled()
    url = reverse("accounts:user_password_link", kwargs={"id": user.pk})
    response = administrator_client.post(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "no e-mail address" in response.content.decode()
    assert mailoutbox == []


def test_the_audit_page_reads_every_new_account_action(administrator_client, administrator_user):
    from passgenau.apps.audit.services import log_action

    for action in (
        "accounts.user.invited",
        "accounts.user.invitation_accepted",
        "accounts.user.deactivated",
        "accounts.user.reactivated",
        "accounts.user.password_link_sent",
        "accounts.user.totp_reset",
    ):
        log_action(action, actor=administrator_user, data={})
    html = administrator_client.get("/audit/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    for words in (
        "per E-Mail eingeladen",
        "Einladung angenommen, Passwort gesetzt",
        "deaktiviert",
        "wieder aktiviert",
        "Passwort-Link von der Administration gesendet",
        "zweiter Faktor zurückgesetzt",
    ):
        assert words in html, words
