"""The daily cleanup deletes offer spreadsheets whose column mapping was abandoned."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts_helpers import make_user
from passgenau.apps.directory.models import SheetUpload

pytestmark = pytest.mark.django_db


def _upload(directory, user, name: str, age: dt.timedelta) -> SheetUpload:
    sheet = SheetUpload.objects.create(
        directory=directory, uploaded_by=user, file_name=name, content=b"Angebot\nCafe\n"
    )
    # uploaded_at is auto_now_add: set the age afterwards
    SheetUpload.objects.filter(pk=sheet.pk).update(uploaded_at=timezone.now() - age)
    return sheet


def _cleanup(*args: str) -> str:
    out = io.StringIO()
    call_command("directory_cleanup", *args, stdout=out)
    return out.getvalue()


def test_only_the_upload_older_than_the_configured_hours_is_deleted(directory, settings):
    settings.DIRECTORY_SHEET_UPLOAD_HOURS = 24
    editor = make_user("directory_editor")
    old = _upload(directory, editor, "alt.xlsx", dt.timedelta(hours=25))
    fresh = _upload(directory, editor, "neu.xlsx", dt.timedelta(hours=23))

    listed = _cleanup("--dry-run")
    assert "dry run" in listed and "salzgitter: alt.xlsx" in listed
    assert SheetUpload.objects.count() == 2

    report = _cleanup()
    assert "1 spreadsheet upload(s)" in report
    assert "salzgitter: alt.xlsx" in report and "neu.xlsx" not in report
    assert list(SheetUpload.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not SheetUpload.objects.filter(pk=old.pk).exists()


def test_the_period_comes_from_the_setting(directory, settings):
    settings.DIRECTORY_SHEET_UPLOAD_HOURS = 2
    editor = make_user("directory_editor")
    _upload(directory, editor, "drei-stunden.csv", dt.timedelta(hours=3))
    assert "drei-stunden.csv" in _cleanup()
    assert not SheetUpload.objects.exists()


def test_the_setting_refuses_a_bad_number(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from passgenau.web.settings.base import env_count

    monkeypatch.setenv("DIRECTORY_SHEET_UPLOAD_HOURS", "0")
    with pytest.raises(ImproperlyConfigured, match="number of hours"):
        env_count("DIRECTORY_SHEET_UPLOAD_HOURS", 24, "hours")
    monkeypatch.setenv("DIRECTORY_SHEET_UPLOAD_HOURS", "")
    assert env_count("DIRECTORY_SHEET_UPLOAD_HOURS", 24, "hours") == 24


def test_the_cleanup_writes_an_audit_entry_with_ids_and_counts_only(directory, settings):
    from passgenau.apps.audit.models import AuditEntry

    settings.DIRECTORY_SHEET_UPLOAD_HOURS = 24
    editor = make_user("directory_editor")
    old = _upload(directory, editor, "Liste von Frau Meier.xlsx", dt.timedelta(hours=30))
    _upload(directory, editor, "neu.xlsx", dt.timedelta(hours=1))

    _cleanup("--dry-run")
    assert not AuditEntry.objects.filter(action="directory.cleanup.completed").exists()

    _cleanup()
    entry = AuditEntry.objects.get(action="directory.cleanup.completed")
    assert entry.actor_id is None
    assert entry.data["sheet_uploads"] == 1
    assert entry.data["sheet_upload_ids"] == [old.pk]
    assert entry.data["directories"] == ["salzgitter"]
    assert "before" in entry.data
    assert "Meier" not in str(entry.data)  # no file names: free text may name a person

    _cleanup()  # a run with nothing due is recorded too
    assert AuditEntry.objects.filter(action="directory.cleanup.completed").count() == 2
