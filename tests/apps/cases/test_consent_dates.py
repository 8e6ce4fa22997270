"""A case's consent is never dated in the future (issue 11, bug 1): neither when the case is
opened nor when a consent is recorded later; nothing is stored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from cases_helpers import caseworker, consent, make_case
from passgenau.apps.cases import services
from passgenau.apps.cases.models import Case, CaseConsent

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + dt.timedelta(days=1)


def test_a_case_is_not_opened_with_a_consent_in_the_future():
    with translation.override("en"), pytest.raises(services.CasesError) as refused:
        services.case_open(
            actor=caseworker(),
            name="Olena K.",
            persons=3,
            language="uk",
            consent=consent(given_on=TOMORROW),
            opened_on=timezone.localdate(),
        )
    assert refused.value.messages == ["The date of the consent cannot be in the future."]
    assert not Case.objects.exists()


def test_a_consent_recorded_later_is_not_dated_in_the_future():
    case = make_case(purposes=["case_management"])
    with translation.override("en"), pytest.raises(services.CasesError) as refused:
        services.consent_record(
            actor=caseworker(), case=case, purpose="health", given_on=TOMORROW, explained_in="uk"
        )
    assert "cannot be in the future" in refused.value.messages[0]
    purposes = CaseConsent.objects.filter(case=case).values_list("purpose", flat=True)
    assert list(purposes) == ["case_management"]
