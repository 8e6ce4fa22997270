"""Every role on the run and proposal API operations with parameters, and the audit trail of
household reads on the review, decision and arrival pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts_helpers import ROLES_AND_PUBLIC
from passgenau.apps.accounts.permissions import roles_with
from passgenau.apps.accounts.roles import PUBLIC
from passgenau.apps.audit.models import AuditEntry
from relocation_matching_helpers import accepted_proposal, published_round

pytestmark = pytest.mark.django_db
API = "/api/v1/relocation"


@pytest.mark.parametrize("role", ROLES_AND_PUBLIC)
def test_run_and_proposal_operations_for_every_role(role, client_for_role):
    round_, run = published_round(1)
    proposal = run.proposals.get()
    client = client_for_role(role)
    cases = [
        (f"{API}/rounds/{round_.pk}/runs", "relocation.manage_rounds"),
        (f"{API}/runs/{run.pk}", "relocation.manage_rounds"),
        (f"{API}/runs/{run.pk}/proposals", "relocation.manage_rounds"),
        (f"{API}/proposals", "relocation.view_proposals"),
        (f"{API}/proposals/{proposal.pk}", "relocation.view_proposals"),
    ]
    for url, code in cases:
        status = client.get(url).status_code
        if role in roles_with(code):
            assert status == 200, (url, role, status)
        elif role == PUBLIC:
            assert status == 401, (url, role, status)
        else:
            assert status == 403, (url, role, status)
    for url, code in (
        (f"{API}/proposals/{proposal.pk}/decision", "relocation.decide_proposals"),
        (f"{API}/proposals/{proposal.pk}/consent", "relocation.record_household_consent"),
    ):
        status = client.post(url, {"outcome": "accept"}, content_type="application/json")
        expected = 200 if role in roles_with(code) else (401 if role == PUBLIC else 403)
        assert status.status_code == expected, (url, role, status.status_code)


def _household_reads():
    """Audit entries of household reads: single (``….read``) or lists (``….list`` with ids)."""
    return AuditEntry.objects.filter(
        action__in=["relocation.household.read", "relocation.household.list"]
    )


def test_household_reads_on_the_pages_are_in_the_audit_trail(client_for_role):
    _round, run = published_round(1)
    proposal = run.proposals.get()
    household = proposal.household
    entries = _household_reads()
    before = entries.count()
    client_for_role("coordinator").get(reverse("relocation:run_detail", args=[run.pk]))
    after_review = entries.count()
    assert after_review == before + 1
    assert entries.order_by("-pk").first().data["ids"] == [str(household.pk)]
    client_for_role("municipal_officer").get(reverse("relocation:proposal_list"))
    client_for_role("municipal_officer").get(
        reverse("relocation:proposal_detail", args=[proposal.pk])
    )
    assert entries.count() == after_review + 2


def test_arrival_page_reads_are_logged(client_for_role):
    proposal = accepted_proposal()
    entries = _household_reads()
    before = entries.count()
    response = client_for_role("municipal_officer").get(reverse("relocation:arrival_list"))
    assert proposal.household.reference in response.content.decode()
    assert entries.count() == before + 1
    assert entries.order_by("-pk").first().data["ids"] == [str(proposal.household_id)]
