"""The territory pages in a real browser: search with the keyboard, follow a result, axe-core."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_places(transactional_db):
    from passgenau.apps.territories.demo import territories_load_demo

    territories_load_demo()


def serious_violations(page) -> list[tuple[str, str, list]]:
    from axe_playwright_python.sync_playwright import Axe

    return [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]])
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def test_search_by_keyboard_and_open_a_gemeinde(watched, demo_places):
    page = watched.page
    assert watched.goto("/territories/").status == 200
    # German by default: the overview of the Länder with German numbers
    assert page.get_by_role("heading", level=1).inner_text() == "Gebiete"
    overview = page.get_by_role("table", name="Länder", exact=True)
    assert overview.get_by_role("rowheader", name="Sachsen", exact=True).is_visible()
    assert "4.071.971" in overview.inner_text()
    assert serious_violations(page) == []

    # The search field is reachable by its label; Enter submits the form.
    field = page.get_by_label("Name oder amtlicher Schlüssel")
    field.focus()
    page.keyboard.type("dresden")
    page.keyboard.press("Enter")
    page.wait_for_url("**/territories/?q=dresden*")
    results = page.get_by_role("table", name="Gemeinden", exact=True)
    link = results.get_by_role("link", name="Dresden, Stadt")
    assert link.is_visible()
    assert serious_violations(page) == []

    # Follow the result with the keyboard.
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/territories/14612000/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Dresden, Stadt")
    facts = page.locator("dl.facts").inner_text()
    assert "556.780" in facts
    assert "328,48 km²" in facts
    assert "31. Dezember 2019" in facts
    assert page.get_by_role("navigation", name="Brotkrumennavigation").is_visible()
    assert serious_violations(page) == []


def test_filter_by_land_and_level(watched, demo_places):
    page = watched.page
    watched.goto("/territories/")
    page.get_by_label("Land", exact=True).select_option(label="Baden-Württemberg")
    page.get_by_label("Ebene").select_option(label="Kreise")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_url("**/territories/?*level=kreis*")
    kreise = page.get_by_role("table", name="Kreise", exact=True)
    names = kreise.get_by_role("rowheader").all_inner_texts()
    assert names == [
        "Stuttgart, Stadtkreis",
        "Heidelberg, Stadtkreis",
        "Freiburg im Breisgau, Stadtkreis",
        "Tübingen",
    ]
    assert serious_violations(page) == []
