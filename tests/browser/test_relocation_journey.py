"""A whole relocation round in a real browser: open round → municipality capacities → three
households interviewed → run → publish → one confirmed, one declined → re-match → travel →
arrival → 1-month follow-up. Each person acts through the pages; the test reads the database
only to check what the pages did (and to let a second municipality offer places later).
"""

from __future__ import annotations

import pytest
from django.conf import settings

pytestmark = pytest.mark.browser


def accessible(page) -> list:
    """Serious or critical axe-core findings on the current page (empty when none)."""
    from browser.test_relocation_intake import serious_violations

    return serious_violations(page)


@pytest.fixture
def people(transactional_db):
    from relocation_helpers import municipality, organisation, user

    organisation("municipal_officer")  # the officer's municipality, Kiel and Ulm take part
    municipality("Kiel")
    municipality("Ulm")
    return {role: user(role) for role in ("coordinator", "municipal_officer", "interviewer")}


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


def open_round(watched, people) -> int:
    """The coordinator opens a round with three municipalities; returns its id."""
    from passgenau.apps.accounts.models import Organisation
    from passgenau.apps.relocation.models import Round

    page = watched.page
    act_as(watched, people["coordinator"])
    watched.goto("/relocation/rounds/new/")
    page.locator("input[name=name]").fill("Runde Mai 2026")
    for org in Organisation.objects.filter(kind="municipality"):
        page.locator(f"input[name=municipalities][value='{org.pk}']").check()
    page.locator("select[name=mechanism]").select_option("optimal")
    for dim in ("persons", "school", "kita"):
        page.locator(f"input[name=capacity_dimensions][value={dim}]").check()
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_url("**/relocation/rounds/*/")
    round_ = Round.objects.get(name="Runde Mai 2026")
    watched.goto(f"/relocation/rounds/{round_.pk}/status/open/")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(f"**/relocation/rounds/{round_.pk}/")
    round_.refresh_from_db()
    assert round_.status == "open"
    return round_.pk


def keep_capacities(watched, people, round_pk: int) -> None:
    page = watched.page
    act_as(watched, people["municipal_officer"])
    watched.goto(f"/relocation/rounds/{round_pk}/profile/")
    for dim, value in (("persons", "12"), ("school", "6"), ("kita", "4")):
        page.locator(f"input[name=capacity_{dim}]").fill(value)
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state()


def interview_three(watched, people, round_pk: int) -> None:
    from passgenau.apps.relocation.models import Household

    page = watched.page
    act_as(watched, people["interviewer"])
    for name in ("Olena K.", "Iryna S.", "Mykola P."):
        watched.goto(f"/relocation/rounds/{round_pk}/households/new/")
        page.locator("input[name=contact_name]").fill(name)
        page.locator("main select[name=language]").select_option("uk")
        for box in page.locator("input[name=consent_purposes]").all():
            box.check()
        page.locator("input[name=consent_given_on]").fill("2026-03-01")
        page.locator("select[name=consent_explained_in]").select_option("uk")
        page.locator("main form[method=post] button[type=submit]").click()
        page.wait_for_url("**/interview/**")
        page.locator("select[name='members-0-age_band']").select_option("30-44")
        page.locator("select[name='members-0-relation']").select_option("main_contact")
        page.locator("select[name='members-1-age_band']").select_option("6-9")
        page.locator("select[name='members-1-relation']").select_option("child")
        page.locator("input[name=languages][value=uk]").check()
        for group in page.locator("fieldset.rl-rating").all():
            group.locator("input[value='2']").check()
        page.locator("button[name=action][value=complete]").click()
        page.wait_for_url("**/relocation/households/*/")
    assert sorted(Household.objects.values_list("status", flat=True)) == ["interviewed"] * 3


def test_a_whole_round_in_the_browser(watched, people):
    from passgenau.apps.relocation.models import (
        FollowUpSurvey,
        MunicipalityProfile,
        Proposal,
        Round,
    )

    page = watched.page
    round_pk = open_round(watched, people)
    keep_capacities(watched, people, round_pk)
    interview_three(watched, people, round_pk)
    round_ = Round.objects.get(pk=round_pk)

    # coordinator: start a run, see it finish, publish
    act_as(watched, people["coordinator"])
    assert watched.goto(f"/relocation/rounds/{round_.pk}/runs/").status == 200
    page.locator("select[name=mechanism]").select_option("optimal")
    # the round is still open: starting closes the intake, and the page asks first
    page.get_by_label("Erfassung schließen und Zuordnung starten").check()
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url("**/relocation/runs/*/")
    assert page.locator("#run-status").inner_text().strip() != ""
    assert page.locator("meter").count() >= 3  # load per municipality and dimension
    assert accessible(page) == []
    page.locator("a[href$='/publish/']").click()  # the confirmation page says what goes out
    page.wait_for_url("**/relocation/runs/*/publish/")
    assert accessible(page) == []
    page.locator("form[action$='/publish/'] button[type=submit]").click()
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
    assert accessible(page) == []
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
    page.locator("a[href$='/publish/']").click()  # the confirmation page says what goes out
    page.wait_for_url("**/relocation/runs/*/publish/")
    page.locator("form[action$='/publish/'] button[type=submit]").click()
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
    assert accessible(page) == []
    watched.goto(f"/relocation/arrivals/{proposals[0].pk}/")
    page.locator("input[name=arrived_on]").fill("2026-05-05")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url("**/relocation/arrivals/")

    # 1-month follow-up, asked in the household's language
    survey = FollowUpSurvey.objects.get(household_id=proposals[0].household_id, wave=1)
    act_as(watched, people["interviewer"])
    watched.goto(f"/relocation/surveys/{survey.pk}/")
    assert page.locator("form[lang=uk]").count() == 1
    assert accessible(page) == []
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
