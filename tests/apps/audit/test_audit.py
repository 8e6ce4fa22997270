"""The audit trail: append-only, written for changes and reads, searchable and exportable by
administrators only."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from accounts_helpers import make_user
from passgenau.apps.accounts import services as account_services
from passgenau.apps.accounts.addresses import client_ip
from passgenau.apps.accounts.models import Organisation
from passgenau.apps.audit import selectors
from passgenau.apps.audit.models import AuditEntry, AuditTrailIsAppendOnly
from passgenau.apps.audit.services import log_action, log_read


def test_log_action_records_who_what_which_and_where(administrator_user):
    organisation = Organisation.objects.create(name="Stadt A", kind="municipality")
    entry = log_action(
        "accounts.organisation.renamed",
        actor=administrator_user,
        obj=organisation,
        data={"old": "Stadt B"},
        ip_address="192.0.2.7",
    )
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor == administrator_user
    assert entry.actor_repr == administrator_user.username
    assert entry.action == "accounts.organisation.renamed"
    assert (entry.content_type.model, entry.object_id) == ("organisation", str(organisation.pk))
    assert entry.object_repr == f"accounts.organisation#{organisation.pk}"  # never str(obj)
    assert entry.ip_address == "192.0.2.7"
    assert entry.data == {"old": "Stadt B"}
    assert abs(entry.at - timezone.now()) < dt.timedelta(seconds=10)


def test_entries_cannot_be_changed(administrator_user):
    entry = log_action("x.y.z", actor=administrator_user)
    entry.action = "tampered"
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(AuditTrailIsAppendOnly), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["action"])
    assert AuditEntry.objects.get(pk=entry.pk).action == "x.y.z"


def test_entries_cannot_be_deleted(administrator_user):
    entry = log_action("x.y.z", actor=administrator_user)
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_entry_outlives_the_actor_account(db):
    user = make_user("funder", username="leaving")
    log_action("x.y.z", actor=user)
    user_id = user.pk
    user.delete()
    entry = AuditEntry.objects.get(action="x.y.z")
    assert entry.actor_id == user_id  # untouched by the deletion
    assert entry.actor_repr == "leaving"


def test_writes_through_services_are_logged(administrator_user):
    organisation = account_services.organisation_create(
        actor=administrator_user, name="Verein C", kind="provider"
    )
    user = account_services.user_create(
        actor=administrator_user,
        username="new-provider",
        password="ein-langes-Passwort-2026",
        role="provider",
        organisation=organisation,
    )
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "object_id"))
    assert actions == [
        ("accounts.organisation.created", str(organisation.pk)),
        ("accounts.user.created", str(user.pk)),
    ]


def test_reads_of_personal_data_are_logged(administrator_client, administrator_user):
    subject = make_user("caseworker", username="subject")
    response = administrator_client.get(f"/accounts/users/{subject.pk}/")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="accounts.user.read")
    assert (entry.actor, entry.object_id) == (administrator_user, str(subject.pk))
    assert entry.ip_address == "127.0.0.1"  # the test client's REMOTE_ADDR


def test_log_read_needs_one_target(administrator_user):
    with pytest.raises(ValueError, match="exactly one"):
        log_read(actor=administrator_user)
    assert log_read(actor=administrator_user, objects=[]) is None


def _request(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_client_address_behind_a_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(_request("10.0.0.5", "1.2.3.4")) == "1.2.3.4"
    # only the proxy's own addition counts
    assert client_ip(_request("10.0.0.5", "6.6.6.6, 1.2.3.4")) == "1.2.3.4"
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("10.0.0.5", "1.2.3.4")) == "10.0.0.5"


def test_forwarded_addresses_count_only_from_configured_proxies(settings):
    """Issue 10, item 12: with the production default (one proxy) and no proxy in front, a
    client wrote any address it liked into X-Forwarded-For."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    assert client_ip(_request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"
    assert client_ip(_request("127.0.0.1", "1.2.3.4")) == "1.2.3.4"


def test_two_proxies_and_what_is_not_an_address(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "192.168.1.1"]
    assert client_ip(_request("10.0.0.5", "6.6.6.6, 1.2.3.4, 192.168.1.1")) == "1.2.3.4"
    # the outer proxy is not ours: the address it claims is the nearest one we can vouch for
    assert client_ip(_request("10.0.0.5", "6.6.6.6, 198.51.100.7")) == "198.51.100.7"
    # garbage in the header is never returned (it would not even fit the address column)
    assert client_ip(_request("10.0.0.5", "<script>, 1.2.3.4, x")) == "10.0.0.5"
    assert client_ip(_request("10.0.0.5", "")) == "10.0.0.5"


def test_only_administrators_may_search(caseworker_user):
    with pytest.raises(PermissionDenied):
        selectors.audit_entries_for_user(user=caseworker_user)


def _seed(administrator_user):
    alice = make_user("funder", username="alice")
    log_action("funding.grant.created", actor=alice, ip_address="192.0.2.1")
    log_action("accounts.user.created", actor=administrator_user, obj=alice)
    return alice


def test_filter_page(administrator_client, administrator_user):
    _seed(administrator_user)
    response = administrator_client.get("/audit/", {"action": "funding", "actor": "alice"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "funding.grant.created" in body
    assert "accounts.user.created" not in body
    # the search itself is logged
    entry = AuditEntry.objects.filter(action="audit.auditentry.list").latest("id")
    assert entry.data["filters"] == {"action": "funding", "actor": "alice"}


def test_filter_by_object_and_dates(administrator_user):
    alice = _seed(administrator_user)
    found = selectors.audit_entries_filter(
        user=administrator_user,
        filters={"object_type": "accounts.user", "object_id": str(alice.pk)},
    )
    assert [e.action for e in found] == ["accounts.user.created"]
    today = timezone.localdate()
    assert (
        selectors.audit_entries_filter(
            user=administrator_user, filters={"date_from": today, "date_to": today}
        )
        .filter(action="funding.grant.created")
        .exists()
    )
    tomorrow = today + dt.timedelta(days=1)
    assert (
        not selectors.audit_entries_filter(user=administrator_user, filters={"date_from": tomorrow})
        .filter(action="funding.grant.created")
        .exists()
    )


def test_invalid_filter_shows_errors(administrator_client, administrator_user):
    response = administrator_client.get(
        "/audit/", {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert administrator_client.get("/audit/export.csv", {"ip_address": "x"}).status_code == 400


def test_csv_export(administrator_client, administrator_user):
    _seed(administrator_user)
    trap = make_user("funder", username="@HYPERLINK(1)")  # an account name is typed text
    log_action("x.y.z", actor=trap, ip_address="192.0.2.9")
    response = administrator_client.get("/audit/export.csv", {"action": "x.y"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["id", "at", "actor", "action"]
    assert [row[3] for row in rows[1:]] == ["x.y.z"]
    assert rows[1][2] == "'@HYPERLINK(1)"  # neutralised for spreadsheet programs
    assert AuditEntry.objects.filter(action="audit.auditentry.exported").exists()


def test_api_lists_entries(administrator_client, administrator_user):
    _seed(administrator_user)
    response = administrator_client.get("/api/v1/audit/entries", {"action": "funding"})
    assert response.status_code == 200
    assert [e["action"] for e in response.json()] == ["funding.grant.created"]


def test_list_page_makes_a_bounded_number_of_queries(
    administrator_client, administrator_user, django_assert_max_num_queries
):
    for number in range(60):
        subject = make_user("funder", username=f"subject-{number}")
        log_action("accounts.user.created", actor=administrator_user, obj=subject)
    with django_assert_max_num_queries(12):
        response = administrator_client.get("/audit/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count > 50


def test_the_database_refuses_updates_below_the_application(administrator_user):
    from django.db import DatabaseError, connection

    entry = log_action("x.y.z", actor=administrator_user)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE audit_auditentry SET action = %s WHERE id = %s", ["tampered", entry.pk]
        )
    if connection.vendor == "postgresql":
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "x.y.z"


def test_a_trusted_proxy_that_is_no_address_stops_the_start(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from passgenau.web.settings.base import env_networks

    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal")
    with pytest.raises(ImproperlyConfigured, match=r"proxy\.internal"):
        env_networks("TRUSTED_PROXIES", [])
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, ::1")
    assert env_networks("TRUSTED_PROXIES", []) == ["10.0.0.0/8", "::1"]
