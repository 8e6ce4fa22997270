"""A consent withdrawn while the coordinator publishes the run: the two wait for each other
instead of leaving a published proposal of a withdrawn household (or a failed publication).

Each thread has its own connection and transaction; the household rows are locked with
SELECT … FOR UPDATE by both. Only PostgreSQL takes row locks; SQLite is skipped.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from passgenau.apps.relocation.models import HouseholdStatus, Proposal, ProposalStatus
from passgenau.apps.relocation.services import intake, review, runs
from relocation_helpers import user
from relocation_matching_helpers import ONLY_OFFICER, ready_round


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_during_the_publication_withdraws_the_published_proposal(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (CI's second pass sets DATABASE_URL)")
    round_ = ready_round(1, capacities=ONLY_OFFICER)
    run = runs.run_start(actor=user("coordinator"), round_=round_)
    household = Proposal.objects.get(run=run).household
    checked = threading.Event()

    def hold() -> None:  # the publication has checked the households and not yet written
        checked.set()
        time.sleep(0.5)

    monkeypatch.setattr(review, "_after_publish_check", hold)
    outcomes: dict[str, str] = {}

    def publish() -> None:
        try:
            review.run_publish(actor=user("coordinator"), run=run)
            outcomes["publish"] = "ok"
        except Exception as exc:  # anything else is a failure of the test
            outcomes["publish"] = f"error: {exc!r}"
        finally:
            connections.close_all()

    def withdraw() -> None:
        try:
            checked.wait(timeout=10)
            intake.consent_withdraw(actor=user("interviewer"), household=household)
            outcomes["withdraw"] = "ok"
        except Exception as exc:
            outcomes["withdraw"] = f"error: {exc!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish), threading.Thread(target=withdraw)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes == {"publish": "ok", "withdraw": "ok"}, outcomes
    household.refresh_from_db()
    assert household.status == HouseholdStatus.WITHDRAWN
    assert Proposal.objects.get(run=run).status == ProposalStatus.WITHDRAWN
