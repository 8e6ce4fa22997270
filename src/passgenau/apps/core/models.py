"""The core app holds the start page, health check, middleware and the navigation shared by every
module; it stores one thing: the password-protected exports that wait for their download
(``protected_exports``, docs/adr/0008)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProtectedExport(models.Model):
    """An AES-256 zip waiting for its owner's download until ``expires_at``; the zip is encrypted
    with a password the owner chose, which is not stored."""

    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="protected_exports",
        verbose_name=_("owner"),
    )
    filename = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("encrypted zip"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("protected export")
        verbose_name_plural = _("protected exports")

    def __str__(self) -> str:
        return self.filename

    def audit_label(self) -> str:
        # the file name may hold a household's reference only; the token names the export
        return f"core.protectedexport#{self.pk}"
