"""Two officers confirm at the same moment: the capacity is never overbooked.

Each thread has its own database connection and transaction; the municipality's profile row is
locked with SELECT … FOR UPDATE, so the second confirmation waits for the first and then sees it.
Only PostgreSQL takes row locks; SQLite serialises whole-database writes and is skipped.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from passgenau.apps.relocation.models import Decision, Proposal, ProposalStatus
from passgenau.apps.relocation.services import decisions
from relocation_helpers import organisation, user
from relocation_matching_helpers import published_round

BIG = {"persons": 20, "school": 10, "kita": 10}


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_confirmations_never_overbook(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (CI's second pass sets DATABASE_URL)")
    round_, run = published_round(2, capacities={"officer": BIG, "Kiel": BIG, "Ulm": BIG})
    mine = organisation("municipal_officer")
    Proposal.objects.filter(run=run).update(municipality=mine)
    # room for exactly one family of two (one school child)
    profile = round_.profiles.get(municipality=mine)
    profile.capacities = {"persons": 3, "school": 1, "kita": 0}
    profile.save(update_fields=["capacities"])
    officer = user("municipal_officer")
    # hold each transaction open between its capacity check and its write: without the lock
    # both would pass the check
    monkeypatch.setattr(decisions, "_after_capacity_check", lambda: time.sleep(0.5))
    proposals = list(Proposal.objects.filter(run=run).order_by("pk"))
    barrier = threading.Barrier(len(proposals))
    outcomes: list[str] = []
    lock = threading.Lock()

    def confirm(proposal: Proposal) -> None:
        try:
            barrier.wait(timeout=10)
            decisions.proposal_decide_municipality(
                actor=officer, proposal=proposal, outcome="accept"
            )
            result = "confirmed"
        except decisions.CapacityExceeded:
            result = "refused"
        except Exception as exc:  # anything else is a failure of the test
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=confirm, args=(p,)) for p in proposals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["confirmed", "refused"], outcomes
    assert Decision.objects.filter(proposal__run=run, outcome="accept").count() == 1
    assert Proposal.objects.filter(run=run, status=ProposalStatus.PUBLISHED).count() == 2
