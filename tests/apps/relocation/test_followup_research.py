"""Only surveys of households whose consent in force covers research count in the evaluation:
the filter runs in the database (one EXISTS on the consent rows, no list of ids gathered in
Python) and gives the same surveys as reading every consent's purposes in Python did."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from passgenau.apps.relocation.models import ConsentPurpose, FollowUpSurvey
from passgenau.apps.relocation.selectors import followup as selectors
from passgenau.apps.relocation.services import intake
from relocation_helpers import make_round, register, user

pytestmark = pytest.mark.django_db

NOT_RESEARCH = [p for p in ConsentPurpose.values if p != ConsentPurpose.RESEARCH]


def _surveyed(round_, **registration):
    household = register(round_, **registration)
    FollowUpSurvey.objects.create(
        household=household, wave=1, due_on=dt.date(2026, 6, 5), language="uk"
    )
    return household


def _in_python(surveys):
    """What ``_for_research`` did before: the purposes of every current consent read in Python."""
    from passgenau.apps.relocation.models import Consent

    current = Consent.objects.filter(
        household_id__in=surveys.values("household_id"), withdrawn_at__isnull=True
    ).values_list("household_id", "purposes")
    return surveys.filter(
        household_id__in=[h for h, purposes in current if ConsentPurpose.RESEARCH in purposes]
    )


def test_the_research_filter_runs_in_the_database_with_the_same_result():
    round_ = make_round()
    consenting = _surveyed(round_)
    never = _surveyed(round_, consent_purposes=NOT_RESEARCH)
    withdrawn = _surveyed(round_)
    intake.consent_withdraw(actor=user("interviewer"), household=withdrawn, purposes=["research"])
    everything_withdrawn = _surveyed(round_)
    intake.consent_withdraw(actor=user("interviewer"), household=everything_withdrawn)
    only_research = _surveyed(
        round_, consent_purposes=["matching", "share_pseudonymised", "share_contact", "research"]
    )
    assert {*withdrawn.consents.values_list("withdrawn_at", flat=True)} != {None}

    surveys = FollowUpSurvey.objects.filter(household__round=round_)
    with CaptureQueriesContext(connection) as queries:
        found = sorted(selectors._for_research(surveys).values_list("household_id", flat=True))
    assert found == sorted([consenting.pk, only_research.pk])
    assert found == sorted(_in_python(surveys).values_list("household_id", flat=True))
    assert never.pk not in found
    assert len(queries) == 1 and "EXISTS" in queries[0]["sql"].upper()


def test_a_purpose_whose_code_contains_another_is_not_taken_for_it():
    """The code is searched with its quotes, so a longer code holding it would not match."""
    round_ = make_round()
    household = _surveyed(round_, consent_purposes=NOT_RESEARCH)
    household.consents.update(purposes=[*NOT_RESEARCH, "research_later", "no-research"])
    assert not selectors._for_research(FollowUpSurvey.objects.filter(household=household))
