"""The relocation lists in a real browser: the filter bar and the pager are used with the
keyboard alone (search typed, filter sent with Enter, the next page reached by Tab and Enter,
the current page announced), and axe-core finds nothing serious on a filtered, paged list in
German, at tablet width, with nothing scrolling sideways."""

from __future__ import annotations

import pytest

from browser.test_relocation_intake import (
    TABLET,
    _session_cookie,
    no_sideways_scrolling,
    serious_violations,
    too_wide,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def two_per_page(monkeypatch):
    monkeypatch.setattr("passgenau.apps.listing.PER_PAGE", 2)


@pytest.mark.usefixtures("two_per_page")
def test_household_list_searched_and_paged_with_the_keyboard(watched, transactional_db):
    from django.urls import reverse

    from relocation_helpers import make_round, register, user

    round_ = make_round(actor=user("coordinator", "coordination"))
    for k in range(5):
        register(round_, contact_name=f"Olena {k}")
    register(round_, contact_name="Ihor Bondarenko")
    page = watched.page
    page.set_viewport_size(TABLET)
    _session_cookie(watched, user("interviewer"))
    assert watched.goto(reverse("relocation:household_list")).status == 200

    search = page.get_by_label("Name oder Kennung")
    search.focus()
    page.keyboard.type("Olena")
    page.keyboard.press("Enter")
    page.wait_for_url("**/households/?*q=Olena*")
    assert "5 Haushalte" in page.locator("caption").inner_text()
    pager = page.get_by_role("navigation", name="Seiten der Haushaltsliste")
    assert pager.locator('[aria-current="page"]').inner_text().strip().endswith("1")
    assert serious_violations(page) == []
    assert too_wide(page) == [] and no_sideways_scrolling(page)

    # Tab from the search field until the link to the next page has the focus, then Enter
    search = page.get_by_label("Name oder Kennung")
    search.focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('rel')") == "next":
            break
    else:
        pytest.fail("the next page cannot be reached with the keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url("**page=2*")
    assert "q=Olena" in page.url  # the filter stays
    current = page.get_by_role("navigation", name="Seiten der Haushaltsliste").locator(
        '[aria-current="page"]'
    )
    assert current.inner_text().strip().endswith("2")
    assert "Ihor" not in page.content()
    assert serious_violations(page) == []


def test_filtered_lists_are_accessible(watched, transactional_db):
    """Each list with its filter bar set, including an invalid value (the error shown)."""
    from django.urls import reverse

    from relocation_helpers import user
    from relocation_matching_helpers import published_round

    round_, run = published_round(2)
    pages = {
        "coordinator": [
            reverse("relocation:round_list") + "?q=Round&status=proposals",
            reverse("relocation:run_detail", kwargs={"pk": run.pk}) + "?q=Contact",
            reverse("relocation:round_decisions", kwargs={"pk": round_.pk}) + "?municipality=x",
            reverse("relocation:placement_list") + "?status=unplanned",
            reverse("relocation:survey_list") + "?status=due",
        ],
        "municipal_officer": [
            reverse("relocation:proposal_list") + "?status=published&q=H-",
            reverse("relocation:arrival_list") + "?status=expected",
        ],
        "interviewer": [
            reverse("relocation:household_list") + "?round=999999",
            reverse("relocation:proposal_list") + "?q=Contact",
        ],
    }
    page = watched.page
    page.set_viewport_size(TABLET)
    for role, urls in pages.items():
        page.context.clear_cookies()
        _session_cookie(watched, user(role))
        for url in urls:
            assert watched.goto(url).status == 200, url
            assert page.get_by_role("search").count() == 1, url
            assert serious_violations(page) == [], url
            assert too_wide(page) == [], url
            assert no_sideways_scrolling(page), url
