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
from passgenau.apps.relocation.models import (
    Consent,
    Correction,
    Decision,
    FollowUpSurvey,
    Household,
    Proposal,
)
from passgenau.apps.relocation.services import decisions, followup, intake, travel
from passgenau.apps.relocation.services.states import StatusTransitionError
from relocation_helpers import (
    english,  # noqa: F401 (the fixture)
    make_round,
    register,
    user,
)
from relocation_matching_helpers import accepted_proposal, arrived_proposal, published_round

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


# -- a municipality's decision -----------------------------------------------------------------


def _officer_corrects(proposal, **values):
    return decisions.decision_correct(actor=user("municipal_officer"), proposal=proposal, **values)


def _municipality_decision(proposal):
    return Decision.objects.get(proposal=proposal, side="municipality")


def test_an_acceptance_recorded_in_error_is_corrected_to_a_decline():
    proposal = accepted_proposal()
    _officer_corrects(
        proposal,
        reason="Clicked accept on the wrong family",
        outcome="decline",
        decline_reason="No flat free for five",
    )
    proposal.refresh_from_db()
    assert proposal.status == "declined"
    assert Household.objects.get(pk=proposal.household_id).status == "interviewed"
    decided = _municipality_decision(proposal)
    assert (decided.outcome, decided.reason) == ("decline", "No flat free for five")
    kept = Correction.objects.get(decision=decided)
    assert kept.before == {"outcome": "accept", "reason": ""}
    assert kept.after == {"outcome": "decline", "reason": "…"}  # the text stays on the decision
    assert kept.reason == "Clicked accept on the wrong family"
    entry = AuditEntry.objects.get(action="relocation.decision.corrected")
    assert entry.data["correction"] == kept.pk
    assert entry.data["status"] == {"from": "accepted", "to": "declined"}
    assert entry.data["to"] == {"outcome": "decline"}
    assert "wrong family" not in str(entry.data) and "five" not in str(entry.data)


def test_a_decision_correction_needs_a_reason_and_a_reason_for_declining():
    proposal = accepted_proposal()
    with pytest.raises(ValidationError) as refused:
        _officer_corrects(proposal, reason=" ", outcome="decline", decline_reason="full")
    assert list(refused.value.message_dict) == ["reason"]
    with pytest.raises(ValidationError) as refused:
        _officer_corrects(proposal, reason="typo", outcome="decline")
    assert list(refused.value.message_dict) == ["reason"]  # the reason for declining
    assert _municipality_decision(proposal).outcome == "accept"
    assert not Correction.objects.exists()


def test_a_declined_proposal_stays_declined():
    _round, run = published_round(1)
    proposal = run.proposals.get()
    decisions.proposal_decide_municipality(
        actor=user("municipal_officer"), proposal=proposal, outcome="decline", reason="full"
    )
    with pytest.raises(StatusTransitionError):
        _officer_corrects(proposal, reason="meant accept", outcome="accept")
    assert Proposal.objects.get(pk=proposal.pk).status == "declined"
    assert _municipality_decision(proposal).outcome == "decline"
    assert not Correction.objects.exists()


def test_no_correction_of_the_decision_once_travel_is_planned():
    proposal = accepted_proposal()
    travel.travel_save(actor=user("coordinator"), proposal=proposal, values={"status": "planned"})
    with pytest.raises(ValidationError) as refused:
        _officer_corrects(proposal, reason="typo", outcome="decline", decline_reason="full")
    assert refused.value.code == "travel_planned"
    assert Proposal.objects.get(pk=proposal.pk).status == "accepted"


def test_the_day_a_decision_was_received_is_corrected_by_its_rules():
    _round, run = published_round(1)
    proposal = run.proposals.get()
    coordinator = user("coordinator")
    decisions.proposal_record_received_decision(
        actor=coordinator, proposal=proposal, outcome="accept", source="phone", received_on=TODAY
    )

    def correct(received_on, source="letter"):
        return decisions.decision_correct(
            actor=coordinator,
            proposal=proposal,
            reason="It came by letter, a day earlier",
            outcome="accept",
            source=source,
            received_on=received_on,
        )

    with pytest.raises(ValidationError) as refused:
        correct(TODAY + dt.timedelta(days=1))
    assert refused.value.message_dict == {
        "received_on": ["The day it was received cannot be in the future."]
    }
    with pytest.raises(ValidationError) as refused:
        correct(TODAY - dt.timedelta(days=400))
    assert "cannot have been answered before" in refused.value.message_dict["received_on"][0]
    with pytest.raises(ValidationError):
        correct(TODAY, source="application")
    assert _municipality_decision(proposal).source == "phone"
    run.published_at = timezone.now() - dt.timedelta(days=3)
    run.save(update_fields=["published_at"])
    earlier = TODAY - dt.timedelta(days=2)
    correct(earlier)
    decided = _municipality_decision(proposal)
    assert (decided.source, decided.received_on) == ("letter", earlier)
    kept = Correction.objects.get(decision=decided)
    assert kept.after == {"source": "letter", "received_on": earlier.isoformat()}
    assert kept.before == {"source": "phone", "received_on": TODAY.isoformat()}


def test_only_the_municipality_or_the_coordinator_corrects_its_decision(client_for_role):
    proposal = accepted_proposal()
    officer_url = reverse("relocation:decision_correct", kwargs={"pk": proposal.pk})
    coordinator_url = reverse("relocation:decision_received_correct", kwargs={"pk": proposal.pk})
    posted = {"outcome": "decline", "decline_reason": "full", "reason": "x"}
    for role in ("interviewer", "coordinator"):
        assert client_for_role(role).post(officer_url, posted).status_code == 403, role
    for role in ("interviewer", "municipal_officer"):
        assert client_for_role(role).post(coordinator_url, posted).status_code == 403, role
    stranger = user("municipal_officer", "kiel-officer", organisation=_kiel())
    with pytest.raises(ValidationError):
        decisions.decision_correct(
            actor=stranger, proposal=proposal, reason="x", outcome="decline", decline_reason="y"
        )
    assert Proposal.objects.get(pk=proposal.pk).status == "accepted"


def _kiel():
    from passgenau.apps.accounts.models import Organisation

    return Organisation.objects.get(name="Kiel")


def test_the_proposal_page_leads_to_the_decision_correction_and_shows_it(client_for_role):
    proposal = accepted_proposal()
    officer = client_for_role("municipal_officer")
    detail = reverse("relocation:proposal_detail", kwargs={"pk": proposal.pk})
    url = reverse("relocation:decision_correct", kwargs={"pk": proposal.pk})
    assert f'href="{url}"' in officer.get(detail).content.decode()
    assert 'name="reason"' in officer.get(url).content.decode()
    response = officer.post(
        url, {"outcome": "decline", "decline_reason": "No flat", "reason": "Wrong family"}
    )
    assert response.status_code == 302 and response["Location"] == detail
    shown = officer.get(detail).content.decode()
    assert "Wrong family" in shown and "Corrected on" in shown
    coordinator = client_for_role("coordinator")
    decisions_page = reverse("relocation:round_decisions", kwargs={"pk": proposal.run.round_id})
    received_url = reverse("relocation:decision_received_correct", kwargs={"pk": proposal.pk})
    assert f'href="{received_url}"' in coordinator.get(decisions_page).content.decode()
    assert "Wrong family" in coordinator.get(received_url).content.decode()


# -- a follow-up survey ------------------------------------------------------------------------

ANSWERS = {
    "status": "completed",
    "satisfaction": "4",
    "good_decision": "5",
    "place_fits": "4",
    "working": "no",
    "children_in_school": "yes",
    "language_course": "yes",
    "comment": "",
}
HELD = dt.date(2026, 6, 1)  # the one-month survey after an arrival on 5 May opens on 22 May


def _recorded_survey():
    proposal = arrived_proposal()
    survey = FollowUpSurvey.objects.get(household_id=proposal.household_id, wave=1)
    followup.survey_record(actor=user("interviewer"), survey=survey, values=ANSWERS, today=HELD)
    return survey


def _correct_survey(survey, completed_on=HELD, **changes):
    values = {**ANSWERS, **changes}
    reason = values.pop("reason", "Satisfaction was typed as 4, she said 2")
    return followup.survey_correct(
        actor=user("interviewer"),
        survey=survey,
        reason=reason,
        values=values,
        completed_on=completed_on,
    )


def test_a_survey_is_corrected_with_a_reason_and_kept():
    survey = _recorded_survey()
    _correct_survey(survey, satisfaction="2", comment="Olena misses Kyiv")
    survey.refresh_from_db()
    assert (survey.satisfaction, survey.answers["comment"]) == (2, "Olena misses Kyiv")
    kept = Correction.objects.get(survey=survey)
    assert kept.before == {"satisfaction": 4, "comment": ""}
    assert kept.after == {"satisfaction": 2, "comment": "…"}
    entry = AuditEntry.objects.get(action="relocation.survey.corrected")
    assert entry.data["fields"] == ["comment", "satisfaction"]
    assert entry.data["correction"] == kept.pk
    assert "2" not in str(entry.data.get("to", "")) and "Olena" not in str(entry.data)


def test_the_day_a_survey_was_held_is_corrected_by_its_rules():
    survey = _recorded_survey()
    with pytest.raises(ValidationError) as refused:
        _correct_survey(survey, completed_on=TODAY + dt.timedelta(days=1))
    assert refused.value.message_dict == {
        "completed_on": ["The survey cannot have been held in the future."]
    }
    with pytest.raises(ValidationError) as refused:
        _correct_survey(survey, completed_on=dt.date(2026, 5, 21))
    assert "could be held from" in refused.value.message_dict["completed_on"][0]
    _correct_survey(survey, completed_on=dt.date(2026, 5, 28), reason="Held a few days earlier")
    survey.refresh_from_db()
    assert survey.completed_on == dt.date(2026, 5, 28)
    kept = Correction.objects.get(survey=survey)
    assert (kept.before, kept.after) == (
        {"completed_on": "2026-06-01"},
        {"completed_on": "2026-05-28"},
    )


def test_a_survey_correction_needs_a_reason_and_a_state_it_may_take():
    survey = _recorded_survey()
    with pytest.raises(ValidationError) as refused:
        _correct_survey(survey, satisfaction="2", reason="")
    assert list(refused.value.message_dict) == ["reason"]
    with pytest.raises(ValidationError) as refused:  # a survey held cannot become due again
        _correct_survey(survey, status="due")
    assert list(refused.value.message_dict) == ["status"]
    survey.refresh_from_db()
    assert (survey.status, survey.satisfaction) == ("completed", 4)
    assert not Correction.objects.exists()


def test_a_recorded_survey_is_not_recorded_again_but_corrected(client_for_role):
    survey = _recorded_survey()
    with pytest.raises(ValidationError) as refused:
        followup.survey_record(actor=user("interviewer"), survey=survey, values=ANSWERS, today=HELD)
    assert refused.value.code == "recorded"
    interviewer = client_for_role("interviewer")
    url = reverse("relocation:survey_correct", kwargs={"pk": survey.pk})
    record = interviewer.get(reverse("relocation:survey_record", kwargs={"pk": survey.pk}))
    assert record.status_code == 302 and record["Location"] == url
    assert f'href="{url}"' in interviewer.get(reverse("relocation:survey_list")).content.decode()
    page = interviewer.get(url).content.decode()
    assert 'name="completed_on" value="2026-06-01"' in page and 'name="reason"' in page
    response = interviewer.post(
        url, {**ANSWERS, "satisfaction": "2", "completed_on": "2026-06-01", "reason": "Misheard"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert FollowUpSurvey.objects.get(pk=survey.pk).satisfaction == 2
    shown = interviewer.get(url).content.decode()
    assert "Misheard" in shown and "Corrected on" in shown


def test_only_the_households_organisation_corrects_its_survey(client_for_role):
    survey = _recorded_survey()
    url = reverse("relocation:survey_correct", kwargs={"pk": survey.pk})
    posted = {**ANSWERS, "satisfaction": "2", "completed_on": "2026-06-01", "reason": "x"}
    assert client_for_role("municipal_officer").post(url, posted).status_code == 403
    other = user("interviewer", "other-interviewer", organisation=_other_ngo())
    with pytest.raises(ValidationError):
        followup.survey_correct(
            actor=other, survey=survey, reason="x", values=ANSWERS, completed_on=HELD
        )
    assert FollowUpSurvey.objects.get(pk=survey.pk).satisfaction == 4
