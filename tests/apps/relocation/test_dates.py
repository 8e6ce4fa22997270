"""Dates obey the domain's rules (issue 11, bug 1): an arrival lies neither in the future nor
before the travel date, a registration neither in the future nor before the arrival; a past
travel date warns; a recorded arrival is corrected with a logged reason and the follow-up
surveys not yet held move with it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.relocation.models import Arrival, FollowUpSurvey, ProposalReason, Travel
from passgenau.apps.relocation.services import followup, travel
from relocation_helpers import (
    english,  # noqa: F401 (the fixture)
    user,
)
from relocation_matching_helpers import accepted_proposal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TODAY = timezone.localdate()


def _officer():
    return user("municipal_officer")


def _record(proposal, **values):
    return travel.arrival_record(actor=_officer(), proposal=proposal, **values)


def test_an_arrival_in_the_future_is_refused():
    proposal = accepted_proposal()
    with pytest.raises(ValidationError) as refused:
        _record(proposal, arrived_on=TODAY + dt.timedelta(days=1))
    assert refused.value.message_dict == {"arrived_on": ["The arrival cannot be in the future."]}
    assert not Arrival.objects.filter(proposal=proposal).exists()
    assert not FollowUpSurvey.objects.filter(household_id=proposal.household_id).exists()


def test_an_arrival_before_the_travel_date_is_refused():
    proposal = accepted_proposal()
    travel.travel_save(
        actor=user("coordinator"),
        proposal=proposal,
        values={"status": "booked", "departure_on": TODAY - dt.timedelta(days=3)},
    )
    with pytest.raises(ValidationError) as refused:
        _record(proposal, arrived_on=TODAY - dt.timedelta(days=4))
    assert "before the travel date" in refused.value.message_dict["arrived_on"][0]
    assert _record(proposal, arrived_on=TODAY - dt.timedelta(days=3)).pk


def test_a_registration_in_the_future_is_refused():
    proposal = accepted_proposal()
    with pytest.raises(ValidationError) as refused:
        _record(proposal, arrived_on=TODAY, registered_on=TODAY + dt.timedelta(days=2))
    assert refused.value.message_dict == {
        "registered_on": ["The registration cannot be in the future."]
    }


def test_a_recorded_arrival_is_corrected_with_a_reason_and_the_surveys_move():
    proposal = accepted_proposal()
    _record(proposal, arrived_on=dt.date(2026, 5, 5))
    one_month = FollowUpSurvey.objects.get(household_id=proposal.household_id, wave=1)
    followup.survey_record(
        actor=user("interviewer"),
        survey=one_month,
        values={"status": "not_reached"},
        today=dt.date(2026, 6, 10),
    )
    with pytest.raises(ValidationError) as refused:
        travel.arrival_correct(
            actor=_officer(), proposal=proposal, reason=" ", arrived_on=dt.date(2026, 4, 20)
        )
    assert refused.value.message_dict == {"reason": ["Give the reason for the correction."]}
    with pytest.raises(ValidationError) as refused:
        travel.arrival_correct(
            actor=_officer(), proposal=proposal, reason="x" * 2001, arrived_on=dt.date(2026, 4, 20)
        )
    assert list(refused.value.message_dict) == ["reason"]
    with pytest.raises(ValidationError):  # the correction obeys the same rules
        travel.arrival_correct(
            actor=_officer(), proposal=proposal, reason="typo", arrived_on=TODAY + dt.timedelta(1)
        )

    travel.arrival_correct(
        actor=_officer(),
        proposal=proposal,
        reason="Typing error: the family came on 20 April",
        arrived_on=dt.date(2026, 4, 20),
    )
    assert Arrival.objects.get(proposal=proposal).arrived_on == dt.date(2026, 4, 20)
    due = dict(
        FollowUpSurvey.objects.filter(household_id=proposal.household_id).values_list(
            "wave", "due_on"
        )
    )
    # the survey already held stays where it was; those to come follow the new date
    assert due == {1: dt.date(2026, 6, 5), 6: dt.date(2026, 10, 20), 12: dt.date(2027, 4, 20)}
    entry = AuditEntry.objects.filter(action="relocation.arrival.corrected").get()
    reason = ProposalReason.objects.get(pk=entry.data["reason_id"])
    assert (reason.proposal, reason.text) == (proposal, "Typing error: the family came on 20 April")
    assert entry.data["from"] == {"arrived_on": "2026-05-05"}
    assert entry.data["to"] == {"arrived_on": "2026-04-20"}
    assert entry.data["surveys_rescheduled"] == 2


def test_the_travel_plan_is_closed_once_the_household_arrived():
    proposal = accepted_proposal()
    _record(proposal, arrived_on=TODAY)
    with pytest.raises(ValidationError) as refused:
        travel.travel_save(
            actor=user("coordinator"), proposal=proposal, values={"status": "planned"}
        )
    assert "correct the arrival" in refused.value.messages[0]


def test_a_past_travel_date_warns_on_the_page(client_for_role):
    proposal = accepted_proposal()
    client = client_for_role("coordinator")
    response = client.post(
        reverse("relocation:travel_edit", kwargs={"pk": proposal.pk}),
        {"departure_on": (TODAY - dt.timedelta(days=10)).isoformat(), "status": "booked"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert response.status_code == 200
    shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert [t for level, t in shown if level == "warning" and "lies in the past" in t], shown
    assert Travel.objects.get(proposal=proposal).status == "booked"  # saved all the same


def test_the_correction_page_saves_a_correction(client_for_role):
    proposal = accepted_proposal()
    _record(proposal, arrived_on=dt.date(2026, 5, 5))
    officer = client_for_role("municipal_officer")
    url = reverse("relocation:arrival_correct", kwargs={"pk": proposal.pk})
    page = officer.get(url).content.decode()
    assert 'name="arrived_on" value="2026-05-05"' in page
    assert 'name="reason"' in page
    # the record page of an arrived household leads to the correction
    record = officer.get(reverse("relocation:arrival_record", kwargs={"pk": proposal.pk}))
    assert record.status_code == 302 and record["Location"] == url
    response = officer.post(url, {"arrived_on": "2026-05-06", "reason": "Wrong day"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Arrival.objects.get(proposal=proposal).arrived_on == dt.date(2026, 5, 6)
