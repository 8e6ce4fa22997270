"""Recorded facts are corrected with a logged reason (issue 11, bug 1): the date of a consent,
a municipality's decision and a follow-up survey. Each correction keeps the values before and
after with the reason (the audit entry names only the fields and refers to it), obeys the rules
the fact was first recorded under, and is refused without a reason, to roles without the
permission and where the fact's state does not allow it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.relocation.models import Consent, Correction
from passgenau.apps.relocation.services import intake
from relocation_helpers import (
    english,  # noqa: F401 (the fixture)
    make_round,
    register,
    user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TODAY = timezone.localdate()


# -- the date of a consent ---------------------------------------------------------------------


def _correct_consent(household, **values):
    return intake.consent_correct(actor=user("interviewer"), household=household, **values)


def test_the_date_of_consent_is_corrected_with_a_reason_and_kept():
    household = register(make_round())
    _correct_consent(household, reason="Typed March for February", given_on=dt.date(2026, 2, 1))
    assert Consent.objects.get(household=household).given_on == dt.date(2026, 2, 1)
    kept = Correction.objects.get(consent__household=household)
    assert (kept.before, kept.after) == ({"given_on": "2026-03-01"}, {"given_on": "2026-02-01"})
    assert kept.reason == "Typed March for February"
    entry = AuditEntry.objects.get(action="relocation.consent.corrected")
    assert entry.data["correction"] == kept.pk
    assert entry.data["fields"] == ["given_on"]
    assert entry.data["to"] == {"given_on": "2026-02-01"}
    assert "Typed" not in str(entry.data) and "Olena" not in str(entry.data)


def test_a_consent_date_in_the_future_or_after_its_record_is_refused():
    household = register(make_round())
    with pytest.raises(ValidationError) as refused:
        _correct_consent(household, reason="typo", given_on=TODAY + dt.timedelta(days=1))
    assert refused.value.message_dict == {
        "given_on": ["The date of consent cannot be in the future."]
    }
    Consent.objects.filter(household=household).update(
        recorded_at=timezone.now() - dt.timedelta(days=5)
    )
    with pytest.raises(ValidationError) as refused:
        _correct_consent(household, reason="typo", given_on=TODAY - dt.timedelta(days=1))
    assert "cannot have been given later" in refused.value.message_dict["given_on"][0]
    assert Consent.objects.get(household=household).given_on == dt.date(2026, 3, 1)
    assert not Correction.objects.exists()


def test_a_consent_correction_needs_a_reason():
    household = register(make_round())
    for reason in ("", "  ", "x" * 2001):
        with pytest.raises(ValidationError) as refused:
            _correct_consent(household, reason=reason, given_on=dt.date(2026, 2, 1))
        assert list(refused.value.message_dict) == ["reason"]
    assert Consent.objects.get(household=household).given_on == dt.date(2026, 3, 1)


def test_the_consent_of_a_withdrawn_household_is_not_corrected():
    household = register(make_round())
    intake.consent_withdraw(actor=user("interviewer"), household=household)
    with pytest.raises(ValidationError) as refused:
        _correct_consent(household, reason="typo", given_on=dt.date(2026, 2, 1))
    assert refused.value.code == "withdrawn"
    assert not Correction.objects.exists()


def test_only_the_households_interviewers_correct_its_consent(client_for_role):
    household = register(make_round())
    url = reverse("relocation:consent_correct", kwargs={"pk": household.pk})
    for role in ("coordinator", "municipal_officer"):
        response = client_for_role(role).post(url, {"given_on": "2026-02-01", "reason": "x"})
        assert response.status_code == 403, role
    other = user("interviewer", "other-interviewer", organisation=_other_ngo())
    with pytest.raises(ValidationError):
        intake.consent_correct(
            actor=other, household=household, reason="x", given_on=dt.date(2026, 2, 1)
        )
    assert Consent.objects.get(household=household).given_on == dt.date(2026, 3, 1)


def _other_ngo():
    from passgenau.apps.accounts.models import Organisation

    return Organisation.objects.create(name="Other NGO", kind="ngo")


def test_the_household_page_leads_to_the_consent_correction_and_shows_it(client_for_role):
    household = register(make_round())
    interviewer = client_for_role("interviewer")
    detail = reverse("relocation:household_detail", kwargs={"pk": household.pk})
    url = reverse("relocation:consent_correct", kwargs={"pk": household.pk})
    assert f'href="{url}"' in interviewer.get(detail).content.decode()
    page = interviewer.get(url).content.decode()
    assert 'name="given_on" value="2026-03-01"' in page and 'name="reason"' in page
    refused = interviewer.post(url, {"given_on": (TODAY + dt.timedelta(days=3)).isoformat()})
    assert refused.status_code == 200 and 'aria-invalid="true"' in refused.content.decode()
    response = interviewer.post(url, {"given_on": "2026-02-01", "reason": "Wrong month"})
    assert response.status_code == 302 and response["Location"] == detail
    shown = interviewer.get(detail).content.decode()
    assert "Wrong month" in shown and "Corrected on" in shown
    assert "Wrong month" in interviewer.get(url).content.decode()


def test_retention_removes_the_reasons_of_corrections():
    from passgenau.apps.relocation.models import Household
    from passgenau.apps.relocation.services import retention

    household = register(make_round())
    _correct_consent(household, reason="Olena said February", given_on=dt.date(2026, 2, 1))
    households = Household.objects.filter(pk=household.pk)
    assert retention.interview_answers_remove(households=households, apply=True) == 1
    kept = Correction.objects.get(consent__household=household)
    assert kept.reason == retention.REMOVED_REASON
    assert kept.after == {"given_on": "2026-02-01"}  # the date stays, as on the consent
