"""Issue 11: coordinators see every decision of their rounds with its reason, and record a
municipality's decision received by phone, letter, e-mail or in person (logged, with the source)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts_helpers import login_client
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.relocation.models import (
    Decision,
    DecisionSource,
    HouseholdStatus,
    Proposal,
    ProposalStatus,
)
from passgenau.apps.relocation.services import decisions
from relocation_helpers import user
from relocation_matching_helpers import published_round

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _record(proposal, **overrides):
    values = {
        "actor": user("coordinator"),
        "proposal": proposal,
        "outcome": "decline",
        "reason": "no school place in spring",
        "source": DecisionSource.PHONE,
        "received_on": TODAY,
    }
    values.update(overrides)
    return decisions.proposal_record_received_decision(**values)


def test_a_decline_by_phone_is_recorded_with_its_source_and_logged():
    _round, run = published_round(1)
    proposal = run.proposals.get()
    decision = _record(proposal)
    assert (decision.source, decision.received_on) == ("phone", TODAY)
    assert decision.decided_by == user("coordinator")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED
    assert proposal.household.status == HouseholdStatus.INTERVIEWED  # waits for re-matching
    entry = AuditEntry.objects.get(action="relocation.decision.municipality.decline")
    assert entry.data["source"] == "phone" and entry.data["reason_given"] is True
    assert "school" not in str(entry.data)  # the reason stays on the decision
    # the officer cannot decide any more: the proposal is declined
    with pytest.raises(ValidationError):
        decisions.proposal_decide_municipality(
            actor=user("municipal_officer"), proposal=proposal, outcome="accept"
        )


def test_an_acceptance_received_by_letter_checks_the_capacity_like_the_officers():
    round_, run = published_round(2)
    profile = round_.profiles.get(municipality=run.proposals.first().municipality)
    profile.capacities = {"persons": 3, "school": 1, "kita": 0}
    profile.save(update_fields=["capacities"])
    first, second = run.proposals.order_by("pk")
    _record(first, outcome="accept", reason="", source=DecisionSource.LETTER)
    with pytest.raises(decisions.CapacityExceeded):
        _record(second, outcome="accept", reason="", source=DecisionSource.LETTER)
    assert not Decision.objects.filter(proposal=second).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"received_on": TODAY + dt.timedelta(days=1)}, "received_on"),
        ({"received_on": TODAY - dt.timedelta(days=400)}, "received_on"),  # before publication
        ({"source": DecisionSource.APPLICATION}, "source"),
        ({"source": "fax"}, "source"),
        ({"reason": ""}, "reason"),  # a decline needs its reason
    ],
)
def test_a_received_decision_needs_a_way_a_day_that_can_be_and_a_reason_to_decline(
    overrides, field
):
    _round, run = published_round(1)
    proposal = run.proposals.get()
    with pytest.raises(ValidationError) as caught:
        _record(proposal, **overrides)
    assert field in caught.value.message_dict
    assert not Decision.objects.filter(proposal=proposal).exists()


@pytest.mark.parametrize("role", ["municipal_officer", "interviewer", "funder"])
def test_only_the_rounds_coordinator_records_a_received_decision(role):
    _round, run = published_round(1)
    proposal = run.proposals.get()
    with pytest.raises(ValidationError):
        _record(proposal, actor=user(role))
    client = login_client(Client(), user(role))
    url = reverse("relocation:decision_received", args=[proposal.pk])
    assert client.get(url).status_code in (403, 404)
    assert client.get(reverse("relocation:round_decisions", args=[_round.pk])).status_code in (
        403,
        404,
    )


def test_the_decisions_page_shows_every_decision_with_its_reason_and_records_one(settings):
    settings.LANGUAGE_CODE = "de"
    round_, run = published_round(2)
    first, second = run.proposals.order_by("pk")
    decisions.proposal_decide_municipality(
        actor=user("municipal_officer"), proposal=first, outcome="decline", reason="keine Wohnung"
    )
    client = login_client(Client(), user("coordinator"))
    url = reverse("relocation:round_decisions", args=[round_.pk])
    page = client.get(url).content.decode()
    assert "keine Wohnung" in page  # the officer's reason
    assert reverse("relocation:decision_received", args=[second.pk]) in page
    assert reverse("relocation:decision_received", args=[first.pk]) not in page  # decided
    assert AuditEntry.objects.filter(
        action="relocation.household.list", data__page="decisions"
    ).exists()
    # the second municipality answers by phone
    form_url = reverse("relocation:decision_received", args=[second.pk])
    assert client.get(form_url).status_code == 200
    response = client.post(
        form_url,
        {"outcome": "accept", "reason": "", "source": "phone", "received_on": TODAY.isoformat()},
    )
    assert response.status_code == 302 and response["Location"] == url
    decision = Decision.objects.get(proposal=second)
    assert (decision.source, decision.outcome) == ("phone", "accept")
    page = client.get(url).content.decode()
    assert "telefonisch erhalten am" in page
    # the officer sees how the decision came
    officer = login_client(Client(), user("municipal_officer"))
    detail = officer.get(reverse("relocation:proposal_detail", args=[second.pk])).content.decode()
    assert "telefonisch erhalten am" in detail
    # a wrong day is a form error, not a 500, and nothing is stored
    third = Proposal.objects.filter(pk=first.pk).first()
    response = client.post(
        reverse("relocation:decision_received", args=[third.pk]),
        {"outcome": "accept", "source": "letter", "received_on": "2026-13-40"},
    )
    assert response.status_code in (200, 302)
    assert Decision.objects.filter(proposal=first).count() == 1


def test_the_decisions_page_filters_by_status_and_municipality():
    round_, run = published_round(2)
    first, _second = run.proposals.order_by("pk")
    _record(first)
    client = login_client(Client(), user("coordinator"))
    url = reverse("relocation:round_decisions", args=[round_.pk])
    declined = client.get(url, {"status": "declined"}).context["rows"]
    assert [r["proposal"].pk for r in declined] == [first.pk]
    other = client.get(url, {"municipality": "999999"}).context["rows"]
    assert len(other) == 2  # an unknown municipality is no filter
    assert client.get(url, {"page": "10" * 20}).status_code == 200
