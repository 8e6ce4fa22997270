"""Migrations of the cases tables that carry data over."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cases_helpers import caseworker, make_case

BEFORE, AFTER = ("cases", "0002_housing"), ("cases", "0003_goal_reached_on")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.fixture
def back_to_latest():
    """Leave the database at the newest migrations (later tests need every table)."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_goals_reached_before_keep_the_day_of_their_last_change_to_reached(back_to_latest):
    from django.contrib.contenttypes.models import ContentType

    from passgenau.apps.audit.models import AuditEntry

    case = make_case(caseworker())
    old = _migrate(BEFORE)
    try:
        goal = old.get_model("cases", "Goal")
        fields = {"case_id": case.pk, "title": "B1", "responsible": "x"}
        days = {"due_on": dt.date(2026, 12, 1), "review_on": dt.date(2026, 11, 1)}
        logged = goal.objects.create(area="language", status="reached", **fields, **days)
        unlogged = goal.objects.create(area="work", status="reached", **fields, **days)
        still_open = goal.objects.create(area="housing", status="open", **fields, **days)
        created = timezone.make_aware(dt.datetime(2026, 3, 1, 23, 30), dt.UTC)  # 2 March in Berlin
        goal.objects.filter(pk__in=[logged.pk, unlogged.pk]).update(created_at=created)
        goal_type = ContentType.objects.get(app_label="cases", model="goal")
        for to in ("reached", "in_progress"):
            # the reached goal's trail says when; a change to another status does not count
            AuditEntry.objects.create(
                action="cases.goal.status_changed",
                content_type=goal_type,
                object_id=str(logged.pk if to == "reached" else unlogged.pk),
                data={"from": "open", "to": to},
            )
    finally:
        new = _migrate(AFTER)
    goal = new.get_model("cases", "Goal")
    assert goal.objects.get(pk=logged.pk).reached_on == timezone.localdate()
    assert goal.objects.get(pk=unlogged.pk).reached_on == dt.date(2026, 3, 2)
    assert goal.objects.get(pk=still_open.pk).reached_on is None
