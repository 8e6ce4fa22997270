"""Household and proposal states: changed only through the transition tables, each change
checked and logged by ``services/states.py``."""

from __future__ import annotations

import pathlib
import re

import pytest

import passgenau.apps.relocation as relocation
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.relocation.models import (
    HOUSEHOLD_TRANSITIONS,
    PROPOSAL_TRANSITIONS,
    Household,
    HouseholdStatus,
    ProposalStatus,
)
from passgenau.apps.relocation.services import intake, states, travel
from passgenau.apps.relocation.services.states import StatusTransitionError
from relocation_helpers import make_round, register, user
from relocation_matching_helpers import accepted_proposal

pytestmark = pytest.mark.django_db

# an assignment or bulk update of a status naming the household or proposal states
STATUS_WRITE = re.compile(
    r"(\.status\s*=(?!=)|update\([^)]*status\s*=|setattr\([^)]*[\"']status[\"'])"
    r".*(HouseholdStatus|ProposalStatus)"
)


def test_every_household_and_proposal_status_change_goes_through_the_helper():
    package = pathlib.Path(relocation.__file__).parent
    found = [
        f"{path.relative_to(package)}:{number}: {line.strip()}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "states.py" and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if STATUS_WRITE.search(line)
    ]
    assert found == []


def test_the_tables_cover_every_status():
    assert set(HOUSEHOLD_TRANSITIONS) == set(HouseholdStatus.values)
    assert set(PROPOSAL_TRANSITIONS) == set(ProposalStatus.values)
    for table, choices in (
        (HOUSEHOLD_TRANSITIONS, HouseholdStatus),
        (PROPOSAL_TRANSITIONS, ProposalStatus),
    ):
        for targets in table.values():
            assert targets <= set(choices.values)


def test_a_refused_household_transition_changes_and_logs_nothing():
    household = register(make_round())
    before = AuditEntry.objects.count()
    with pytest.raises(StatusTransitionError) as info:
        states.status_change(
            actor=user("interviewer"), obj=household, to_status=HouseholdStatus.ARRIVED
        )
    assert info.value.code == "status_transition"
    assert info.value.status == 409
    household.refresh_from_db()
    assert household.status == HouseholdStatus.REGISTERED
    assert AuditEntry.objects.count() == before


def test_an_allowed_transition_is_logged_with_ids_only():
    household = register(make_round())
    intake.consent_withdraw(actor=user("interviewer"), household=household)
    entry = AuditEntry.objects.filter(action="relocation.household.status_changed").get()
    assert entry.data == {"from": HouseholdStatus.REGISTERED, "to": HouseholdStatus.WITHDRAWN}
    assert entry.object_id == str(household.pk)
    # withdrawn is final
    with pytest.raises(StatusTransitionError):
        states.status_change(
            actor=user("interviewer"), obj=household, to_status=HouseholdStatus.REGISTERED
        )


def test_a_withdrawn_household_does_not_come_back_through_its_travel_plan():
    proposal = accepted_proposal()
    Household.objects.filter(pk=proposal.household_id).update(status=HouseholdStatus.WITHDRAWN)
    proposal.household.refresh_from_db()
    with pytest.raises(StatusTransitionError):
        travel.travel_save(
            actor=user("coordinator"),
            proposal=proposal,
            values={"status": "booked", "departure_on": proposal.created_at.date()},
        )
    proposal.household.refresh_from_db()
    assert proposal.household.status == HouseholdStatus.WITHDRAWN


def test_bulk_changes_refuse_as_a_whole():
    round_ = make_round()
    first, second = register(round_), register(round_, external_reference="B")
    Household.objects.filter(pk=second.pk).update(status=HouseholdStatus.ARRIVED)
    with pytest.raises(StatusTransitionError):
        states.status_change_many(
            actor=user("coordinator"),
            queryset=Household.objects.filter(pk__in=[first.pk, second.pk]),
            to_status=HouseholdStatus.INTERVIEWED,
        )
    assert Household.objects.get(pk=first.pk).status == HouseholdStatus.REGISTERED
