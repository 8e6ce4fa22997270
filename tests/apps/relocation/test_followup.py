"""Follow-up surveys (issue 11, bug 7): a survey opens two weeks before its due date, is planned
before, due in its window and overdue after its date; recording it early is refused with a clear
message on the page (not a server error)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from passgenau.apps.relocation.models import FollowUpSurvey
from passgenau.apps.relocation.services import followup
from relocation_helpers import user
from relocation_matching_helpers import SURVEY_ANSWERS

pytestmark = pytest.mark.django_db

ANSWERS = SURVEY_ANSWERS


@pytest.fixture
def one_month():
    """The 1-month survey of a household that arrived on 05.05.2026 (due on 05.06.2026)."""
    from relocation_matching_helpers import arrived_proposal

    proposal = arrived_proposal()
    return FollowUpSurvey.objects.get(household_id=proposal.household_id, wave=1)


def test_a_survey_is_planned_then_due_then_overdue(one_month):
    assert one_month.due_on == dt.date(2026, 6, 5)
    assert one_month.opens_on == dt.date(2026, 5, 22)
    assert one_month.state_on(dt.date(2026, 5, 21)) == "planned"
    assert one_month.state_on(dt.date(2026, 5, 22)) == "due"
    assert one_month.state_on(dt.date(2026, 6, 5)) == "due"
    assert one_month.state_on(dt.date(2026, 6, 6)) == "overdue"
    followup.survey_record(
        actor=user("interviewer"), survey=one_month, values=ANSWERS, today=dt.date(2026, 6, 6)
    )
    one_month.refresh_from_db()
    assert one_month.state_on(dt.date(2026, 6, 6)) is None


def test_a_survey_cannot_be_recorded_before_its_window(one_month):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        followup.survey_record(
            actor=user("interviewer"),
            survey=one_month,
            values=ANSWERS,
            today=dt.date(2026, 5, 21),
        )
    assert refused.value.messages == [
        "This survey can be recorded from 05/22/2026 on (two weeks before it is due on 06/05/2026)."
    ]
    one_month.refresh_from_db()
    assert one_month.status == "due"
    recorded = followup.survey_record(
        actor=user("interviewer"), survey=one_month, values=ANSWERS, today=dt.date(2026, 5, 22)
    )
    assert recorded.status == "completed" and recorded.completed_on == dt.date(2026, 5, 22)


def _interviewer():
    from django.test import Client

    from accounts_helpers import login_client

    return login_client(Client(), user("interviewer"))


def test_the_page_of_a_planned_survey_says_from_when_and_records_nothing():
    from relocation_matching_helpers import arrived_proposal

    proposal = arrived_proposal()
    one_year = FollowUpSurvey.objects.get(household_id=proposal.household_id, wave=12)
    interviewer = _interviewer()
    url = reverse("relocation:survey_record", args=[one_year.pk])
    page = interviewer.get(url, HTTP_ACCEPT_LANGUAGE="de")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Diese Befragung kann ab dem 21.04.2027 erfasst werden" in text
    assert 'class="rl-form"' not in text
    response = interviewer.post(url, {"status": "completed", **ANSWERS})
    assert response.status_code == 200
    one_year.refresh_from_db()
    assert one_year.status == "due"


def test_the_list_labels_planned_due_and_overdue():
    from django.utils import timezone

    from relocation_matching_helpers import arrived_proposal

    proposal = arrived_proposal()
    today = timezone.localdate()
    surveys = FollowUpSurvey.objects.filter(household_id=proposal.household_id)
    surveys.filter(wave=1).update(due_on=today - dt.timedelta(days=1))
    surveys.filter(wave=6).update(due_on=today + dt.timedelta(days=14))
    surveys.filter(wave=12).update(due_on=today + dt.timedelta(days=15))
    page = _interviewer().get(reverse("relocation:survey_list"), HTTP_ACCEPT_LANGUAGE="de")
    text = page.content.decode()
    yesterday = (today - dt.timedelta(days=1)).strftime("%d.%m.%Y")
    assert f"überfällig seit {yesterday}" in text
    assert "<strong>fällig</strong>" in text
    assert f"geplant (ab {(today + dt.timedelta(days=1)).strftime('%d.%m.%Y')})" in text
