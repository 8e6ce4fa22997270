"""The admins that change nothing (core.admin.ChangesNothing) refuse to add, change or delete,
even for a superuser, who may still list the records."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts_helpers import login_client, make_user
from passgenau.apps.core.admin import ChangesNothing

pytestmark = pytest.mark.django_db

READ_ONLY = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, ChangesNothing)
)


def test_funding_territories_and_relocation_admins_are_read_only():
    apps = {app for app, _ in READ_ONLY}
    assert {"funding", "territories", "relocation"} <= apps


@pytest.mark.parametrize(("app", "model"), READ_ONLY)
def test_a_read_only_admin_lists_and_refuses_to_add(client, app, model):
    login_client(client, make_user("administrator", is_superuser=True))
    assert client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{app}_{model}_add")).status_code == 403
