"""Protected exports (issue 10, docs/adr/0008): an AES-256 zip under the user's password, for its
owner only and until its expiry; every download is audited without names, and ``exports_expire``
(and the daily ``retention`` job) delete what has expired."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import pyzipper
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.core.models import ProtectedExport
from passgenau.apps.core.protected_exports import (
    protected_export_create,
    protected_export_url,
    zip_encrypted,
)

pytestmark = pytest.mark.django_db

PASSWORD = "Zoryana's own password"
DOCUMENT = {"contact_name": "Зоряна Вербицька", "needs": ["diabetes"]}


def _export(owner, name="H-7KQ3-M9TA-subject-access"):
    return protected_export_create(
        owner=owner,
        filename=f"{name}.zip",
        files={f"{name}.json": json.dumps(DOCUMENT, ensure_ascii=False).encode()},
        password=PASSWORD,
    )


def _download_url(export):
    return reverse("privacy:protected_export_download", kwargs={"token": export.token})


def test_the_zip_opens_only_with_the_password_and_holds_the_json(interviewer_user):
    content = bytes(_export(interviewer_user).content)
    assert "Зоряна".encode() not in content and b"diabetes" not in content
    with pyzipper.AESZipFile(io.BytesIO(content)) as archive:
        [info] = archive.infolist()
        assert info.flag_bits & 0x1  # encrypted
        with pytest.raises(RuntimeError):  # no password
            archive.read(info.filename)
        with pytest.raises(RuntimeError):  # a wrong password
            archive.read(info.filename, pwd=b"not the password at all")
        assert json.loads(archive.read(info.filename, pwd=PASSWORD.encode())) == DOCUMENT


def test_a_password_shorter_than_12_characters_is_refused():
    with pytest.raises(ValidationError):
        zip_encrypted({"a.json": b"{}"}, "eleven char")


def test_the_owner_downloads_it_and_the_download_is_audited_without_names(
    interviewer_user, interviewer_client
):
    export = _export(interviewer_user)
    page = interviewer_client.get(protected_export_url(export))
    assert page.status_code == 200 and _download_url(export) in page.content.decode()
    response = interviewer_client.get(_download_url(export))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response.content == bytes(export.content)
    assert "H-7KQ3-M9TA-subject-access.zip" in response["Content-Disposition"]
    [entry] = AuditEntry.objects.filter(action="core.protectedexport.downloaded")
    assert entry.actor == interviewer_user
    assert entry.object_repr == f"core.protectedexport#{export.pk}"
    stored = json.dumps([entry.object_repr, entry.data], ensure_ascii=False).lower()
    assert "зоряна" not in stored and "h-7kq3" not in stored


@pytest.mark.parametrize("role", ["interviewer", "coordinator"])
def test_another_user_gets_not_found(interviewer_user, client_for_role, role):
    from accounts_helpers import login_client, make_user

    export = _export(interviewer_user)
    client = login_client(client_for_role("public"), make_user(role, username=f"other-{role}"))
    assert client.get(protected_export_url(export)).status_code == 404
    assert client.get(_download_url(export)).status_code == 404
    assert not AuditEntry.objects.filter(action="core.protectedexport.downloaded").exists()


def test_an_anonymous_visitor_is_sent_to_the_log_in(interviewer_user, client):
    response = client.get(_download_url(_export(interviewer_user)))
    assert response.status_code == 302 and "login" in response["Location"]


def test_after_the_expiry_the_download_is_refused_and_exports_expire_removes_it(
    interviewer_user, interviewer_client, settings
):
    assert settings.PROTECTED_EXPORT_HOURS == 24
    expired, current = _export(interviewer_user, "expired"), _export(interviewer_user, "current")
    assert current.expires_at - current.created_at == pytest.approx(
        dt.timedelta(hours=24), abs=dt.timedelta(seconds=5)
    )
    ProtectedExport.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert interviewer_client.get(_download_url(expired)).status_code == 410
    assert interviewer_client.get(protected_export_url(expired)).status_code == 410
    assert not AuditEntry.objects.filter(action="core.protectedexport.downloaded").exists()
    out = io.StringIO()
    call_command("exports_expire", "--dry-run", stdout=out)
    assert "1 due" in out.getvalue() and ProtectedExport.objects.count() == 2
    call_command("exports_expire", stdout=out)
    assert "exports_expire: 1 removed" in out.getvalue() and "expired.zip" in out.getvalue()
    assert list(ProtectedExport.objects.values_list("filename", flat=True)) == ["current.zip"]
    assert interviewer_client.get(_download_url(expired)).status_code == 404
    assert interviewer_client.get(_download_url(current)).status_code == 200


def test_the_daily_retention_job_removes_expired_exports(interviewer_user):
    export = _export(interviewer_user)
    ProtectedExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    out = io.StringIO()
    call_command("retention", stdout=out)
    assert "protected_exports: expired 1" in out.getvalue()
    assert not ProtectedExport.objects.exists()


def test_the_hours_come_from_the_environment(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    from passgenau.web.settings import base

    monkeypatch.setenv("PROTECTED_EXPORT_HOURS", "2")
    assert importlib.reload(base).PROTECTED_EXPORT_HOURS == 2
    monkeypatch.setenv("PROTECTED_EXPORT_HOURS", "zero")
    with pytest.raises(ImproperlyConfigured):
        importlib.reload(base)
    monkeypatch.delenv("PROTECTED_EXPORT_HOURS")
    assert importlib.reload(base).PROTECTED_EXPORT_HOURS == 24
