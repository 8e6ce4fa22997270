"""Administrators change an account's name, e-mail address and language in the application
(issue 11): the form refuses what it must on the field, the trail names the fields changed and
never their values, and a new e-mail address is told to the old and to the new address."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts_helpers import ROLES, login_client, make_user
from passgenau.apps.accounts.models import User
from passgenau.apps.accounts.roles import Role
from passgenau.apps.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/me/"


def _edit_url(user: User) -> str:
    return reverse("accounts:user_edit", kwargs={"id": user.pk})


def _carla(**fields) -> User:
    defaults = {"first_name": "Carla", "last_name": "Weiß", "email": "carla@example.org"}
    return make_user("caseworker", username="carla", **{**defaults, **fields})


def _post(client: Client, user: User, **fields):
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "language": user.language,
        **fields,
    }
    return client.post(_edit_url(user), data)


def test_the_account_page_links_to_the_form_which_shows_the_values(administrator_client):
    carla = _carla()
    detail = administrator_client.get(reverse("accounts:user_detail", kwargs={"id": carla.pk}))
    assert _edit_url(carla) in detail.content.decode()
    assert "Deutsch" in detail.content.decode()  # the language of e-mails, named in itself
    page = administrator_client.get(_edit_url(carla)).content.decode()
    assert 'value="carla@example.org"' in page and 'value="Weiß"' in page


def test_a_new_name_and_language_are_saved_and_logged_by_field_names_only(
    administrator_client, administrator_user, mailoutbox
):
    carla = _carla()
    client = login_client(Client(), carla)
    response = _post(administrator_client, carla, first_name="Karla", language="uk")
    assert response.status_code == 302
    carla.refresh_from_db()
    assert (carla.first_name, carla.language) == ("Karla", "uk")
    entry = AuditEntry.objects.get(action="accounts.user.updated")
    assert entry.actor == administrator_user and entry.object_id == str(carla.pk)
    assert entry.data == {"fields": ["first_name", "language"]}
    trail = str(entry.data) + entry.object_repr + entry.actor_repr
    assert "Karla" not in trail and "Carla" not in trail and "@" not in trail
    assert mailoutbox == []  # only a new e-mail address is told
    assert client.get(PROFILE).status_code == 200  # the sessions go on


def test_a_new_e_mail_address_is_told_to_both_addresses_in_the_users_language(
    administrator_client, mailoutbox
):
    carla = _carla(language="uk")
    client = login_client(Client(), carla)
    response = _post(administrator_client, carla, email="Carla.Neu@Example.ORG")
    assert response.status_code == 302
    carla.refresh_from_db()
    assert carla.email == "Carla.Neu@example.org"  # the domain in lower case
    assert AuditEntry.objects.get(action="accounts.user.updated").data == {"fields": ["email"]}
    assert [mail.to for mail in mailoutbox] == [["carla@example.org"], ["Carla.Neu@example.org"]]
    old, new = mailoutbox
    assert "Carla.Neu" not in old.body + old.subject  # the old address does not learn the new
    assert new.subject != old.subject
    for mail in mailoutbox:
        assert "carla" in mail.body  # the user name
        assert re.search("[а-яіїєґ]{4}", mail.subject + mail.body), mail.body  # Ukrainian
        assert "Administrator" not in mail.body
    # logging in is by user name: the sessions go on
    assert client.get(PROFILE).status_code == 200


def test_a_password_link_sent_to_the_old_address_stops_working(administrator_client, mailoutbox):
    carla = _carla()
    administrator_client.post(reverse("accounts:user_password_link", kwargs={"id": carla.pk}))
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mailoutbox[0].body)
    _post(administrator_client, carla, email="carla.neu@example.org")
    page = Client().get(link.group(1), follow=True)
    assert "new_password1" not in page.content.decode()


@pytest.mark.parametrize("taken", ["TAKEN@example.org", "taken@EXAMPLE.org", " taken@example.org"])
def test_an_address_of_another_account_is_refused_on_the_field(
    administrator_client, mailoutbox, taken
):
    make_user("interviewer", username="other", email="taken@example.org")
    carla = _carla()
    response = _post(administrator_client, carla, email=taken)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_email_error"' in page and "E-Mail-Adresse" in page
    carla.refresh_from_db()
    assert carla.email == "carla@example.org"
    assert mailoutbox == [] and not AuditEntry.objects.filter(action="accounts.user.updated")


def test_the_own_address_in_another_case_is_no_conflict(administrator_client):
    carla = _carla()
    assert _post(administrator_client, carla, email="CARLA@example.org").status_code == 302


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"email": "not an address"}, "email"),
        ({"email": ""}, "email"),
        ({"email": "a" * 250 + "@example.org"}, "email"),
        ({"first_name": "", "last_name": ""}, "last_name"),
        ({"first_name": " ", "last_name": "  "}, "last_name"),
        ({"last_name": "x" * 151}, "last_name"),
        ({"language": "xx"}, "language"),
        ({"language": ""}, "language"),
    ],
)
def test_wrong_input_is_a_field_error_never_a_server_error(
    administrator_client, mailoutbox, fields, error_field
):
    carla = _carla()
    response = _post(administrator_client, carla, **fields)
    assert response.status_code == 200
    assert f'id="id_{error_field}_error"' in response.content.decode()
    carla.refresh_from_db()
    assert (carla.first_name, carla.last_name, carla.email, carla.language) == (
        "Carla",
        "Weiß",
        "carla@example.org",
        "de",
    )
    assert mailoutbox == []


def test_one_name_is_enough(administrator_client):
    carla = _carla()
    assert _post(administrator_client, carla, first_name="").status_code == 302
    carla.refresh_from_db()
    assert carla.get_full_name() == "Weiß"


def test_saving_unchanged_values_logs_nothing(administrator_client, mailoutbox):
    carla = _carla()
    assert _post(administrator_client, carla).status_code == 302
    assert not AuditEntry.objects.filter(action="accounts.user.updated").exists()
    assert mailoutbox == []


@pytest.mark.parametrize("role", [role for role in ROLES if role != Role.ADMINISTRATOR])
def test_only_administrators_change_accounts(role, client_for_role, mailoutbox):
    carla = _carla()
    client = client_for_role(role)
    assert client.get(_edit_url(carla)).status_code == 403
    assert _post(client, carla, email="mine@example.org", first_name="X").status_code == 403
    carla.refresh_from_db()
    assert (carla.email, carla.first_name) == ("carla@example.org", "Carla")
    assert mailoutbox == []


def test_a_visitor_is_sent_to_the_log_in(mailoutbox):
    carla = _carla()
    response = _post(Client(), carla, email="mine@example.org")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    carla.refresh_from_db()
    assert carla.email == "carla@example.org"


def test_an_unknown_account_is_not_found(administrator_client):
    assert administrator_client.get("/accounts/users/999999/edit/").status_code == 404
