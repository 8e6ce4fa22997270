"""The administrators' to-do item for the daily retention job (privacy/todo.py): shown when the
job has never completed or missed a day, overdue from the day after its last run, leading to the
audit trail's entries of its runs; a dry run does not count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from passgenau.apps.privacy.services import retention_apply
from todo_helpers import provider, queries_of, todo_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
CODE = "privacy.retention_not_run"


def test_a_job_never_run_then_run_then_missed(client_for_role, administrator_user):
    client = client_for_role("administrator")
    (item,) = todo_of(client)[CODE]
    assert str(item.label) == "Der Löschlauf ist noch nie gelaufen"
    assert item.due_on is None
    assert item.url == "/audit/?action=privacy.retention.completed"
    assert client.get(item.url).status_code == 200

    retention_apply(today=TODAY, dry_run=True)  # only counts: removes nothing
    assert CODE in todo_of(client)
    retention_apply(today=TODAY)
    assert CODE not in todo_of(client)

    check = provider(CODE)
    assert check(user=administrator_user, today=TODAY + dt.timedelta(days=1)).total == 0
    late = check(user=administrator_user, today=TODAY + dt.timedelta(days=3))
    (item,) = late.items
    assert (late.total, late.overdue) == (1, 1)
    assert item.due_on == TODAY + dt.timedelta(days=1)
    assert f"{TODAY:%d.%m.%Y}" in str(item.label)


def test_only_for_those_who_read_the_audit_trail(client_for_role, administrator_user):
    for role in ("coordinator", "caseworker", "lotse", "funder"):
        assert CODE not in todo_of(client_for_role(role))
    assert queries_of(CODE, administrator_user) == 1
