"""Follow-up surveys in a real browser (issue 11, bug 7): the list says which waves are planned
and which are due; a planned survey cannot be filled yet and says from when it can; a due one is
asked in another language chosen on the page, while the page around the questions and its
messages stay in the interviewer's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import formats, timezone

from browser.test_relocation_journey import accessible, act_as

pytestmark = pytest.mark.browser


@pytest.fixture
def arrived_20_days_ago(transactional_db):
    """A household (questionnaire language Ukrainian) that arrived 20 days ago: its 1-month
    survey is due in about ten days, the 6- and 12-month ones lie months ahead."""
    from passgenau.apps.relocation.services import travel
    from relocation_helpers import user
    from relocation_matching_helpers import accepted_proposal

    proposal = accepted_proposal()
    travel.arrival_record(
        actor=user("municipal_officer"),
        proposal=proposal,
        arrived_on=timezone.localdate() - dt.timedelta(days=20),
    )
    return proposal


def test_planned_waves_wait_for_their_window_and_a_due_one_is_asked_in_any_language(
    watched, arrived_20_days_ago
):
    from passgenau.apps.relocation.models import FollowUpSurvey
    from relocation_helpers import user

    page = watched.page
    surveys = {
        s.wave: s for s in FollowUpSurvey.objects.filter(household=arrived_20_days_ago.household)
    }
    act_as(watched, user("interviewer"))
    watched.goto("/relocation/surveys/")
    planned_from = _short_de(surveys[6].opens_on)
    rows = {
        row.locator("th").inner_text(): row.locator("td").last.inner_text()
        for row in page.locator("main tbody tr").all()
    }
    reference = arrived_20_days_ago.household.reference
    assert rows == {
        f"{reference} · nach 1 Monat": "fällig",
        f"{reference} · nach 6 Monaten": f"geplant (ab {planned_from})",
        f"{reference} · nach 12 Monaten": f"geplant (ab {_short_de(surveys[12].opens_on)})",
    }
    assert accessible(page) == []

    # the 6-month survey cannot be filled four months early: the page says from when
    response = watched.goto(f"/relocation/surveys/{surveys[6].pk}/")
    assert response.status == 200
    assert page.locator("main form[method=post]").count() == 0
    assert (
        f"Diese Befragung kann ab dem {planned_from} erfasst werden"
        in page.locator("main").inner_text()
    )

    # the 1-month survey opens in Ukrainian; the interviewer switches it to Russian
    watched.goto(f"/relocation/surveys/{surveys[1].pk}/")
    assert page.locator("form[lang=uk]").count() == 1
    page.get_by_role("link", name="Русский").click()
    page.wait_for_url("**/?lang=ru")
    form = page.locator("form[lang=ru]")
    assert "Насколько вы довольны новым местом?" in form.inner_text()
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("nav a[aria-current=true]").inner_text() == "Русский"
    assert accessible(page) == []
    for name, value in (("satisfaction", "4"), ("good_decision", "4"), ("place_fits", "5")):
        page.locator(f"input[name={name}][value='{value}']").check()
    for name in ("working", "children_in_school", "language_course"):
        page.locator(f"input[name={name}][value='yes']").check()
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url("**/relocation/surveys/")
    assert "Die Befragung ist erfasst." in page.locator(".messages").inner_text()
    surveys[1].refresh_from_db()
    assert surveys[1].status == "completed" and surveys[1].place_fits == 5


def _short_de(day: dt.date) -> str:
    from django.utils import translation

    with translation.override("de"):
        return formats.date_format(day, "SHORT_DATE_FORMAT")
