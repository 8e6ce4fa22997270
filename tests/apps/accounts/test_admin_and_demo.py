"""The admin site is for administrators with a confirmed second factor only; the demo loader."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from types import SimpleNamespace

import pyotp
import pytest
from django.urls import reverse

from accounts_helpers import ROLES
from passgenau.apps.accounts.demo import DEMO_PASSWORD, DEMO_USERS, load_demo_accounts
from passgenau.apps.accounts.models import Organisation, User
from passgenau.apps.accounts.roles import Role
from passgenau.apps.audit.models import AuditEntry


@pytest.mark.parametrize("role", ROLES)
def test_admin_index(role, client_for_role, user_for_role):
    user = user_for_role(role)
    user.is_staff = True  # the staff flag alone must not open the admin
    user.save()
    response = client_for_role(role).get("/admin/", follow=True)
    if role == Role.ADMINISTRATOR:
        assert response.status_code == 200
        assert response.redirect_chain == []
    else:
        assert response.status_code == 403


def test_admin_without_second_factor_is_refused(client, administrator_user):
    client.force_login(administrator_user)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:totp_enrol")


def test_admin_login_page_is_ours(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_admin_changes_are_audited(administrator_client):
    response = administrator_client.post(
        "/admin/accounts/organisation/add/", {"name": "Stadt Beispiel", "kind": "municipality"}
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Stadt Beispiel")
    entry = AuditEntry.objects.get(action="accounts.organisation.created")
    assert entry.object_id == str(organisation.pk)


def test_audit_entries_are_read_only_in_the_admin(administrator_client, administrator_user):
    from passgenau.apps.audit.services import log_action

    entry = log_action("test.thing.done", actor=administrator_user)
    url = f"/admin/audit/auditentry/{entry.pk}/change/"
    assert administrator_client.get(url).status_code == 200  # viewable
    administrator_client.post(url, {"action": "tampered"})
    entry.refresh_from_db()
    assert entry.action == "test.thing.done"
    assert (
        administrator_client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    )


def test_demo_accounts_are_idempotent(db):
    logins, created = load_demo_accounts()
    assert created == len(DEMO_USERS) + Organisation.objects.count()
    assert {login.role for login in logins} == set(Role.values)
    snapshot = list(User.objects.order_by("pk").values())
    entries = AuditEntry.objects.count()
    again, created_again = load_demo_accounts()
    assert created_again == 0
    assert list(User.objects.order_by("pk").values()) == snapshot
    assert AuditEntry.objects.count() == entries
    assert again == logins


def test_demo_users_can_log_in(client, db):
    logins, _ = load_demo_accounts()
    coordinator = next(login for login in logins if login.role == Role.COORDINATOR)
    provider = next(login for login in logins if login.role == Role.PROVIDER)
    assert provider.totp_secret == ""
    assert coordinator.totp_secret
    client.post("/accounts/login/", {"username": coordinator.username, "password": DEMO_PASSWORD})
    code = pyotp.TOTP(coordinator.totp_secret).now()
    response = client.post("/accounts/login/code/", {"code": code})
    assert response.status_code == 302
    assert client.get("/accounts/me/").status_code == 200


def test_demo_command_refused_without_debug(db, settings, capsys):
    from passgenau.cli.web import cmd_demo

    settings.DEBUG = False
    assert cmd_demo(SimpleNamespace()) == 2
    assert "refused" in capsys.readouterr().err
    assert not User.objects.exists()


def test_demo_command_prints_every_role(db, settings):
    from passgenau.cli.web import cmd_demo

    settings.DEBUG = True
    out = io.StringIO()
    with redirect_stdout(out):
        assert cmd_demo(SimpleNamespace()) == 0
    text = out.getvalue()
    for username, _, _ in DEMO_USERS:
        assert username in text
    assert DEMO_PASSWORD in text


def test_demo_municipality_is_linked_to_its_kreis(db):
    from passgenau.apps.territories.demo import territories_load_demo

    territories_load_demo()
    load_demo_accounts()
    municipality = Organisation.objects.get(name="Demo-Kommune")
    assert municipality.territory.ags == "03102"


def test_organisation_territory_rules(db):
    from django.core.exceptions import ValidationError

    from passgenau.apps.territories.demo import territories_load_demo
    from passgenau.apps.territories.models import Gemeinde, Kreis

    territories_load_demo()
    kreis, gemeinde = Kreis.objects.first(), Gemeinde.objects.first()
    both = Organisation(name="X", kind="municipality", kreis=kreis, gemeinde=gemeinde)
    with pytest.raises(ValidationError):
        both.full_clean()
    not_a_municipality = Organisation(name="Y", kind="ngo", kreis=kreis)
    with pytest.raises(ValidationError):
        not_a_municipality.full_clean()
    Organisation(name="Z", kind="municipality", gemeinde=gemeinde).full_clean()


def test_admin_action_resets_the_one_time_password(administrator_client, administrator_user):
    from django.utils import timezone

    from accounts_helpers import make_user

    user = make_user("caseworker", username="lost-phone")
    user.totp_secret, user.totp_confirmed_at = pyotp.random_base32(), timezone.now()
    user.save()
    response = administrator_client.post(
        "/admin/accounts/user/",
        {"action": "reset_one_time_password", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.has_totp
    assert AuditEntry.objects.get(action="accounts.user.totp_reset").object_id == str(user.pk)


def test_api_schema_and_docs_are_served_locally(client, db):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/me" in schema.json()["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn." not in docs
