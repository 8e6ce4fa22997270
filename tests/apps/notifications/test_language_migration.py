"""The migration notifications 0002 moves each user's language of notifications to the user
(``accounts.User.language``, the language of every e-mail of the application, issue 11)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts_helpers import make_user

BEFORE = [("notifications", "0001_initial")]
AFTER = [("notifications", "0002_language_to_user")]


@pytest.mark.django_db(transaction=True)
def test_a_chosen_language_moves_to_the_user_and_back():
    chose = make_user("municipal_officer", username="olga", email="olga@example.org")
    never = make_user("caseworker", username="carla")

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # back: every user's language becomes a row
    old = executor.loader.project_state(BEFORE).apps.get_model("notifications", "Language")
    assert dict(old.objects.values_list("user_id", "language")) == {chose.pk: "de", never.pk: "de"}
    old.objects.filter(user_id=chose.pk).update(language="uk")
    old.objects.filter(user_id=never.pk).delete()

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    chose.refresh_from_db()
    never.refresh_from_db()
    assert (chose.language, never.language) == ("uk", "de")
