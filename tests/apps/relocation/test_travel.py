"""The travel plan page (issue 11, bug 2): a saved travel date shows again when the plan is
re-opened in German, and saving only a new status keeps it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from passgenau.apps.relocation.models import Travel
from passgenau.apps.relocation.services import travel
from relocation_helpers import user
from relocation_matching_helpers import accepted_proposal

pytestmark = pytest.mark.django_db


def test_reopened_travel_plan_shows_its_date_and_saves_a_new_status(client_for_role):
    proposal = accepted_proposal()
    travel.travel_save(
        actor=user("coordinator"),
        proposal=proposal,
        values={"status": "booked", "departure_on": dt.date(2026, 12, 8)},
    )
    client = client_for_role("coordinator")
    url = reverse("relocation:travel_edit", kwargs={"pk": proposal.pk})
    with translation.override("de"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'name="departure_on" value="2026-12-08"' in page
    # the browser sends back what the date picker holds, with another status
    response = client.post(
        url, {"departure_on": "2026-12-08", "status": "underway"}, HTTP_ACCEPT_LANGUAGE="de"
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = Travel.objects.get(proposal=proposal)
    assert (plan.status, plan.departure_on) == ("underway", dt.date(2026, 12, 8))
