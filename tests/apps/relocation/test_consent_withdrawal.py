"""Withdrawal of consent per purpose (GDPR Art. 7(3)): it takes effect at once, for the purposes
withdrawn — follow-up surveys not yet held are cancelled and none are scheduled, answers leave the
evaluation, and withdrawing a purpose needed to take part ends the household's part in the round."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.relocation.models import (
    FollowUpSurvey,
    Household,
    HouseholdStatus,
    ProposalStatus,
    Round,
    SurveyStatus,
)
from passgenau.apps.relocation.selectors import followup as evaluation
from passgenau.apps.relocation.services import followup, intake, travel
from relocation_helpers import user
from relocation_matching_helpers import (
    SURVEY_ANSWERS,
    accepted_proposal,
    arrived_proposal,
    published_round,
)

pytestmark = pytest.mark.django_db


def _withdraw(household, *purposes):
    intake.consent_withdraw(actor=user("interviewer"), household=household, purposes=purposes)
    household.refresh_from_db()


def _current_purposes(household):
    return household.consents.get(withdrawn_at__isnull=True).purposes


def test_withdrawing_follow_up_cancels_the_surveys_not_yet_held_and_keeps_the_household():
    proposal = arrived_proposal()
    household = proposal.household
    first = FollowUpSurvey.objects.filter(household=household).order_by("wave").first()
    followup.survey_record(actor=user("interviewer"), survey=first, values=SURVEY_ANSWERS)
    _withdraw(household, "follow_up")
    assert household.status == HouseholdStatus.ARRIVED
    left = FollowUpSurvey.objects.filter(household=household)
    assert [s.status for s in left] == [SurveyStatus.COMPLETED]
    assert "follow_up" not in _current_purposes(household)
    assert "matching" in _current_purposes(household)
    assert household.consents.filter(withdrawn_at__isnull=False).count() == 1
    entry = AuditEntry.objects.filter(action="relocation.consent.withdrawn").get()
    assert entry.data["purposes"] == ["follow_up"] and entry.data["surveys_cancelled"] == 2


def test_without_consent_to_follow_up_no_survey_is_scheduled_at_arrival():
    import datetime as dt

    proposal = accepted_proposal()
    _withdraw(proposal.household, "follow_up")
    travel.arrival_record(
        actor=user("municipal_officer"), proposal=proposal, arrived_on=dt.date(2026, 5, 5)
    )
    assert not FollowUpSurvey.objects.filter(household=proposal.household).exists()
    assert Household.objects.get(pk=proposal.household_id).status == HouseholdStatus.ARRIVED


def test_withdrawing_research_takes_the_answers_out_of_the_evaluation():
    proposal = arrived_proposal()
    household = proposal.household
    first = FollowUpSurvey.objects.filter(household=household).order_by("wave").first()
    followup.survey_record(actor=user("interviewer"), survey=first, values=SURVEY_ANSWERS)
    rounds = Round.objects.filter(pk=household.round_id)
    assert len(evaluation.evaluation_rows(user=user("coordinator"), rounds=rounds)) == 3
    assert evaluation.round_evaluation(round_=household.round)["waves"][0]["completed"] == 1
    _withdraw(household, "research")
    assert evaluation.evaluation_rows(user=user("coordinator"), rounds=rounds) == []
    assert evaluation.round_evaluation(round_=household.round)["waves"][0]["completed"] == 0
    assert FollowUpSurvey.objects.filter(household=household).count() == 3  # still asked


def test_withdrawing_a_purpose_needed_to_take_part_withdraws_every_purpose():
    _round, run = published_round(1)
    proposal = run.proposals.get()
    _withdraw(proposal.household, "share_contact")
    proposal.refresh_from_db()
    assert proposal.household.status == HouseholdStatus.WITHDRAWN
    assert proposal.status == ProposalStatus.WITHDRAWN
    assert not proposal.household.consents.filter(withdrawn_at__isnull=True).exists()


def test_a_purpose_already_withdrawn_or_unknown_is_refused():
    proposal = arrived_proposal()
    _withdraw(proposal.household, "research")
    for purposes in (["research"], ["nonsense"], []):
        with pytest.raises(ValidationError) as error:
            _withdraw(proposal.household, *purposes)
        assert "purposes" in error.value.message_dict
    assert "research" not in _current_purposes(proposal.household)


def test_the_page_withdraws_the_purposes_ticked():
    from django.test import Client

    from accounts_helpers import login_client

    proposal = arrived_proposal()
    household = proposal.household
    client = login_client(Client(), user("interviewer"))
    url = reverse("relocation:household_withdraw", kwargs={"pk": household.pk})
    page = client.get(url).content.decode()
    assert 'value="follow_up"' in page and 'value="research"' in page
    assert client.post(url, {}).status_code == 200  # nothing ticked: the form says so
    assert client.post(url, {"purposes": ["research"]}).status_code == 302
    household.refresh_from_db()
    assert household.status == HouseholdStatus.ARRIVED
    assert "research" not in _current_purposes(household)
    assert 'value="research"' not in client.get(url).content.decode()


def test_after_a_withdrawal_the_municipality_no_longer_gets_the_contact_data():
    from passgenau.apps.relocation.selectors import decisions as decision_selectors

    proposal = accepted_proposal()
    officer = user("municipal_officer")
    assert decision_selectors.proposal_contact_for_user(user=officer, proposal=proposal)
    _withdraw(proposal.household, "share_contact")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED  # the decision stays as it was taken
    assert decision_selectors.proposal_contact_for_user(user=officer, proposal=proposal) is None
    from django.test import Client

    from accounts_helpers import login_client

    client = login_client(Client(), officer)
    page = client.get(reverse("relocation:proposal_detail", kwargs={"pk": proposal.pk}))
    text = page.content.decode()
    assert page.status_code == 200 and 'id="contact-hidden"' in text
    assert proposal.household.contact.contact_name not in text


def test_after_a_withdrawal_the_arrivals_page_shows_neither_name_nor_phone():
    from django.test import Client

    from accounts_helpers import login_client

    proposal = accepted_proposal()
    contact = proposal.household.contact
    contact.phone = "+49 30 5550123"
    contact.save()
    client = login_client(Client(), user("municipal_officer"))
    url = reverse("relocation:arrival_list")
    before = client.get(url).content.decode()
    assert contact.contact_name in before and contact.phone in before
    _withdraw(proposal.household, "share_contact")
    after = client.get(url).content.decode()
    assert proposal.household.reference in after  # the arrival is still expected
    assert contact.contact_name not in after and contact.phone not in after


def test_after_a_withdrawal_the_contact_data_are_read_only():
    from django.test import Client

    from accounts_helpers import login_client

    _round, run = published_round(1)
    household = run.proposals.get().household
    before = {name: getattr(household.contact, name) for name in intake.CONTACT_FIELDS}
    _withdraw(household, "share_contact")
    interviewer = user("interviewer")
    with pytest.raises(ValidationError) as error:
        intake.household_contact_update(
            actor=interviewer, household=household, contact_name="Neuer Name"
        )
    assert error.value.code == "withdrawn"
    client = login_client(Client(), interviewer)
    detail = reverse("relocation:household_detail", kwargs={"pk": household.pk})
    url = reverse("relocation:household_contact", kwargs={"pk": household.pk})
    assert url not in client.get(detail).content.decode()  # no link to change them
    for answer in (client.get(url), client.post(url, {"contact_name": "Neuer Name"})):
        assert answer.status_code == 302 and answer["Location"] == detail
    household.contact.refresh_from_db()
    assert {name: getattr(household.contact, name) for name in intake.CONTACT_FIELDS} == before
    page = client.get(detail, follow=True).content.decode()
    assert "Neuer Name" not in page
