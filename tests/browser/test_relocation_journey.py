"""The second half of a relocation round in a real browser: run → publish → one confirmed, one
declined → re-match → travel → arrival → 1-month follow-up.

The first half (round opened, capacities, three households interviewed) is set up through the
services here; its pages have their own browser tests.
"""

from __future__ import annotations

import pytest
from django.conf import settings

pytestmark = pytest.mark.browser


@pytest.fixture
def journey(transactional_db):
    from relocation_helpers import user
    from relocation_matching_helpers import ready_round

    round_ = ready_round(
        3, capacities={"officer": {"persons": 20, "school": 10, "kita": 10}, "Kiel": {}, "Ulm": {}}
    )
    return round_, {
        role: user(role) for role in ("coordinator", "municipal_officer", "interviewer")
    }


def act_as(watched, person) -> None:
    """Switch the browser to ``person`` (a session with the second factor confirmed)."""
    from django.test import Client

    from accounts_helpers import login_client

    client = login_client(Client(), person)
    context = watched.page.context
    context.clear_cookies()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": watched.base_url,
            }
        ]
    )


def test_run_publish_decide_rematch_travel_arrive_follow_up(watched, journey):
    from passgenau.apps.relocation.models import FollowUpSurvey, MunicipalityProfile, Proposal

    round_, people = journey
    page = watched.page

    # coordinator: start a run, see it finish, publish
    act_as(watched, people["coordinator"])
    assert watched.goto(f"/relocation/rounds/{round_.pk}/runs/").status == 200
    page.locator("select[name=mechanism]").select_option("optimal")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url("**/relocation/runs/*/")
    assert page.locator("#run-status").inner_text().strip() != ""
    assert page.locator("meter").count() >= 3  # load per municipality and dimension
    page.locator("form[action$='/publish/'] button").click()
    page.wait_for_url("**/relocation/runs/*/")
    first_run = Proposal.objects.filter(run__round=round_).values_list("run_id", flat=True)[0]
    proposals = list(Proposal.objects.filter(run_id=first_run).order_by("pk"))
    assert len(proposals) == 3 and all(p.status == "published" for p in proposals)

    # officer: confirm the first, decline the second with a reason
    act_as(watched, people["municipal_officer"])
    watched.goto("/relocation/proposals/")
    for p in proposals:
        assert p.household.reference in page.content()
    watched.goto(f"/relocation/proposals/{proposals[0].pk}/")
    assert page.locator("#contact-hidden").count() == 1
    page.locator("input[name=outcome][value=accept]").check()
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(f"**/relocation/proposals/{proposals[0].pk}/")
    watched.goto(f"/relocation/proposals/{proposals[1].pk}/")
    page.locator("input[name=outcome][value=decline]").check()
    page.locator("textarea[name=reason]").fill("Keine Schulplätze mehr frei")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(f"**/relocation/proposals/{proposals[1].pk}/")

    # interviewer: the household accepts the first proposal
    act_as(watched, people["interviewer"])
    watched.goto(f"/relocation/proposals/{proposals[0].pk}/")
    page.locator("input[name=outcome][value=accept]").check()
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(f"**/relocation/proposals/{proposals[0].pk}/")
    proposals[0].refresh_from_db()
    assert proposals[0].status == "accepted"

    # officer now sees the name of the accepted household
    act_as(watched, people["municipal_officer"])
    watched.goto(f"/relocation/proposals/{proposals[0].pk}/")
    assert (
        page.locator("#contact").inner_text().find(proposals[0].household.contact.contact_name) >= 0
    )

    # another municipality offers places; the coordinator re-matches the declined household
    MunicipalityProfile.objects.filter(round=round_, municipality__name="Kiel").update(
        capacities={"persons": 10, "school": 5, "kita": 5}
    )
    act_as(watched, people["coordinator"])
    watched.goto(f"/relocation/rounds/{round_.pk}/runs/")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url("**/relocation/runs/*/")
    assert "Kiel" in page.content()
    page.locator("form[action$='/publish/'] button").click()
    page.wait_for_url("**/relocation/runs/*/")
    rematched = Proposal.objects.filter(run__round=round_).exclude(run_id=first_run).get()
    assert rematched.household_id == proposals[1].household_id
    assert rematched.municipality.name == "Kiel"

    # travel for the accepted household
    watched.goto(f"/relocation/placements/{proposals[0].pk}/travel/")
    page.locator("input[name=departure_on]").fill("2026-05-04")
    page.locator("input[name=contact_at_arrival]").fill("Frau Weber, Sozialamt")
    page.locator("select[name=status]").select_option("booked")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url("**/relocation/placements/")

    # the municipality sees the arrival coming, with needs, and records it
    act_as(watched, people["municipal_officer"])
    watched.goto("/relocation/arrivals/")
    assert "Frau Weber, Sozialamt" in page.content()
    watched.goto(f"/relocation/arrivals/{proposals[0].pk}/")
    page.locator("input[name=arrived_on]").fill("2026-05-05")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url("**/relocation/arrivals/")

    # 1-month follow-up, asked in the household's language
    survey = FollowUpSurvey.objects.get(household_id=proposals[0].household_id, wave=1)
    act_as(watched, people["interviewer"])
    watched.goto(f"/relocation/surveys/{survey.pk}/")
    assert page.locator("form[lang=uk]").count() == 1
    for name, value in (("satisfaction", "4"), ("good_decision", "5"), ("place_fits", "4")):
        page.locator(f"input[name={name}][value='{value}']").check()
    for name, value in (
        ("working", "no"),
        ("children_in_school", "yes"),
        ("language_course", "yes"),
    ):
        page.locator(f"input[name={name}][value='{value}']").check()
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url("**/relocation/surveys/")
    survey.refresh_from_db()
    assert survey.status == "completed" and survey.satisfaction == 4
