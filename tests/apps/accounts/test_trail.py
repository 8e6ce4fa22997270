"""Accounts hands its audit entries to the audit app as signals (no import of audit): they are
written, and none is lost silently when nobody receives them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts_helpers import make_user
from passgenau.apps.accounts import services, trail
from passgenau.apps.accounts.roles import Role
from passgenau.apps.accounts.selectors import user_get_for_user
from passgenau.apps.audit import receivers
from passgenau.apps.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_changes_and_reads_of_accounts_reach_the_audit_trail():
    admin = make_user(Role.ADMINISTRATOR)
    organisation = services.organisation_create(actor=admin, name="Stadt B", kind="municipality")
    other = make_user(Role.FUNDER, username="other")
    user_get_for_user(user=admin, id=other.pk)
    created = AuditEntry.objects.get(action="accounts.organisation.created")
    assert (created.actor, created.object_id, created.data) == (
        admin,
        str(organisation.pk),
        {"kind": "municipality"},
    )
    read = AuditEntry.objects.get(action="accounts.user.read")
    assert (read.actor, read.object_id) == (admin, str(other.pk))


def test_an_entry_nobody_receives_raises_instead_of_being_lost():
    trail.action_logged.disconnect(dispatch_uid="audit.accounts.action")
    try:
        with pytest.raises(ImproperlyConfigured):
            trail.log_action("accounts.user.logged_in", actor=None)
    finally:
        receivers.connect()
