"""Exports that hold personal data leave the application only as AES-256 zips (WinZip AES,
``pyzipper``) encrypted with a password their user typed, and only for
``settings.PROTECTED_EXPORT_HOURS`` (docs/adr/0008).

``protected_export_create`` writes the zip into a ``ProtectedExport`` row and returns it; its
``download page`` (``privacy:protected_export``) names the expiry, its download
(``privacy:protected_export_download``) checks owner and expiry and is audited there (the core app
cannot write to the audit trail, which builds on it). ``protected_exports_expire`` deletes what
has expired (the ``exports_expire`` command and the daily ``retention`` job).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from typing import TYPE_CHECKING
from uuid import UUID

import pyzipper
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ProtectedExport

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "protected_export_create",
    "protected_export_expired",
    "protected_export_get",
    "protected_export_url",
    "protected_exports_delete",
    "protected_exports_expire",
    "zip_encrypted",
]

MIN_PASSWORD_LENGTH = 12


def zip_encrypted(files: Mapping[str, bytes], password: str) -> bytes:
    """An AES-256 zip of ``files`` (name -> content), encrypted with ``password``."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            _("The password must have at least %(n)d characters.") % {"n": MIN_PASSWORD_LENGTH}
        )
    buffer = io.BytesIO()
    with pyzipper.AESZipFile(
        buffer, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES
    ) as archive:
        archive.setpassword(password.encode("utf-8"))
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def protected_export_create(
    *, owner: User, filename: str, files: Mapping[str, bytes], password: str
) -> ProtectedExport:
    """Encrypt ``files`` into ``filename`` (a ``.zip``) for ``owner`` only, until the expiry."""
    hours = settings.PROTECTED_EXPORT_HOURS
    return ProtectedExport.objects.create(
        owner=owner,
        filename=filename,
        content=zip_encrypted(files, password),
        expires_at=timezone.now() + dt.timedelta(hours=hours),
    )


def protected_exports_delete(*, filename: str) -> int:
    """Delete every protected export named ``filename``, whoever made it and whether or not it
    has expired (an erasure takes the data-subject exports of what it erases with it); returns
    how many went."""
    deleted, _by_model = ProtectedExport.objects.filter(filename=filename).delete()
    return deleted


def protected_export_url(export: ProtectedExport) -> str:
    """The download page of ``export``."""
    return reverse("privacy:protected_export", kwargs={"token": export.token})


def protected_export_get(*, user: User, token: UUID | str) -> ProtectedExport:
    """``user``'s export ``token``; another user's export is not found."""
    export = ProtectedExport.objects.filter(token=token, owner_id=user.pk).first()
    if export is None:
        raise Http404("no such export")
    return export


def protected_export_expired(export: ProtectedExport, *, now: dt.datetime | None = None) -> bool:
    return export.expires_at <= (now or timezone.now())


def protected_exports_expire(
    *, now: dt.datetime | None = None, dry_run: bool = False
) -> list[tuple[str, str]]:
    """Delete every export expired at ``now``; (file name, expiry) of each, oldest first."""
    due = ProtectedExport.objects.filter(expires_at__lte=now or timezone.now()).order_by(
        "expires_at", "pk"
    )
    removed = [(e.filename, e.expires_at.isoformat()) for e in due.only("filename", "expires_at")]
    if not dry_run:
        due.delete()
    return removed
