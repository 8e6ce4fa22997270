"""The measures plan in a real browser: the coordinating office imports a plan of 66 measures in
12 areas from the spreadsheet it keeps, three actors report on their own measures, the computed
indicators (one from relocation, one from the directory) are refreshed after a household arrived
and an offer opened, and the council's report is downloaded as PDF and Word."""

from __future__ import annotations

import io
import time

import pyotp
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

USED_STEPS: dict[str, int] = {}
ACTORS = ("Caritasverband", "Diakonie Stadtmission", "Ausländerrat e.V.")


@pytest.fixture
def people(transactional_db):
    from django.utils import timezone

    from accounts_helpers import TEST_PASSWORD, make_user
    from measures_helpers import coordinating_office
    from passgenau.apps.accounts.models import Organisation

    secret = pyotp.random_base32()
    officer = make_user(
        "municipal_officer", username="sozialamt", organisation=coordinating_office()
    )
    officer.totp_secret = secret
    officer.totp_confirmed_at = timezone.now()
    officer.save()
    actors = [
        make_user(
            "provider",
            username=f"actor-{n}",
            organisation=Organisation.objects.create(name=name, kind="provider"),
        )
        for n, name in enumerate(ACTORS)
    ]
    return officer, secret, actors, TEST_PASSWORD


def log_in(watched, username, password, secret=None) -> None:
    page = watched.page
    watched.goto("/accounts/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    if secret:
        page.wait_for_url("**/accounts/login/code/")
        # a code is accepted once: wait for the next time step after the first log-in
        step = int(time.time()) // 30
        if USED_STEPS.get(secret) == step:
            time.sleep(30 - time.time() % 30 + 1)
        USED_STEPS[secret] = int(time.time()) // 30
        page.get_by_label("Sechsstelliger Code").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_url(watched.base_url + "/")


def log_out(watched) -> None:
    watched.page.get_by_role("button", name="Abmelden").click()


def serious_violations(page) -> list[tuple[str, str, list]]:
    from axe_playwright_python.sync_playwright import Axe

    return [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]])
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def spreadsheet(path) -> None:
    """66 measures in 12 areas; the first measure of areas 1-3 is led by one of the actors."""
    from measures_helpers import fachplan_rows, fachplan_xlsx

    rows = fachplan_rows()
    firsts = [row for row in rows if row[2] in {"1.1", "2.1", "3.1"}]
    for row, actor in zip(firsts, ACTORS, strict=True):
        row[5] = actor
        row[9] = "geplant"
    path.write_bytes(fachplan_xlsx(rows))


def city_offers() -> None:
    """Two offers of the directory of Dresden, the plan's territory, made today: one in Arabic,
    one in Ukrainian."""
    from measures_helpers import dresden
    from passgenau.apps.directory.models import Directory, Service
    from passgenau.apps.directory.services.offers import service_apply

    directory = Directory.objects.create(name="Dresden", slug="dresden", kreis=dresden())
    for name, language in (("Migrationsberatung", "ar"), ("Sprachcafé", "uk")):
        offer = Service(directory=directory, name="")
        service_apply(service=offer, fields={"name": name, "languages": [language]}, actor=None)


def test_import_update_refresh_and_report(watched, people, tmp_path):
    from docx import Document

    from measures_helpers import role_organisation
    from passgenau.apps.measures.models import Plan
    from pdf_helpers import assert_readable_pdf, pdf_text

    officer, secret, actors, password = people
    page = watched.page
    page.set_default_timeout(60_000)  # the import of 66 rows and the reports take a while
    log_in(watched, officer.username, password, secret)

    # a new plan, then the city's spreadsheet
    page.get_by_role("link", name="Maßnahmenpläne").first.click()
    page.get_by_role("link", name="Neuer Plan").click()
    page.locator("input[name=name]").fill("Fachplan Asyl und Integration 2027")
    page.locator("input[name=period_start]").fill("2026-01-01")
    page.locator("input[name=period_end]").fill("2028-12-31")
    page.locator("textarea[name=guidelines]").fill("Integration ab Ankunft\nTeilhabe")
    page.get_by_role("button", name="Plan anlegen").click()
    page.wait_for_url("**/measures/*/")
    plan = Plan.objects.get()
    file = tmp_path / "fachplan.xlsx"
    spreadsheet(file)
    page.get_by_role("link", name="Aus einer Tabelle importieren").click()
    page.get_by_label("Tabelle (.xlsx oder .csv)").set_input_files(str(file))
    page.locator("main form[enctype] button[type=submit]").click()
    page.wait_for_url(f"**/measures/{plan.pk}/")
    assert "66 Maßnahmen angelegt" in page.locator(".messages").inner_text()
    assert page.locator("tr[data-testid^=measure-]").count() == 66
    assert page.locator(".areas > li").count() == 12
    assert serious_violations(page) == []

    # the office adopts the plan and adds an indicator computed from the relocation data
    page.get_by_role("link", name="Beschluss erfassen").click()
    page.locator("input[name=on]").fill("2026-07-11")
    page.locator("input[name=decision]").fill("V1234/26")
    page.locator("main form.stacked button[type=submit]").click()
    assert page.get_by_test_id("plan-status").inner_text() == "beschlossen"
    page.get_by_role("link", name="Neuer Indikator").click()
    page.locator("input[name=name]").fill("Aufgenommene Haushalte")
    page.locator("select[name=area]").select_option(label="1 Ankommen und Erstorientierung")
    page.locator("input[name=target]").fill("40")
    # the parameters of a definition show only once it is chosen; this one takes none
    offer_parameters = page.get_by_role("group", name="Aktive Angebote im Angebotsverzeichnis")
    expect(offer_parameters).to_be_hidden()
    expect(page.locator("#parameters-note")).to_be_hidden()  # the note is for pages without JS
    page.locator("select[name=definition_code]").select_option("relocation.households_received")
    expect(page.locator("fieldset[data-definition]:visible")).to_have_count(0)
    page.locator("main form.stacked button[type=submit]").click()
    page.wait_for_url(f"**/measures/{plan.pk}/")
    # and one computed from the directory: the offers active in the city in Arabic, the language
    # chosen by keyboard in the definition's own parameters right after the definition
    page.get_by_role("link", name="Neuer Indikator").click()
    page.locator("input[name=name]").fill("Angebote auf Arabisch")
    page.locator("select[name=area]").select_option(label="1 Ankommen und Erstorientierung")
    page.locator("select[name=definition_code]").select_option("directory.offers")
    expect(offer_parameters).to_be_visible()
    expect(page.locator("fieldset[data-definition]:visible")).to_have_count(1)
    page.locator("select[name=definition_code]").focus()
    page.keyboard.press("Tab")
    language = offer_parameters.get_by_label("Sprache")
    expect(language).to_be_focused()
    language.select_option(label="Arabisch (العربية)")
    assert serious_violations(page) == []
    page.locator("main form.stacked button[type=submit]").click()
    page.wait_for_url(f"**/measures/{plan.pk}/")
    assert "Sprache: Arabisch" in page.locator("main").inner_text()
    page.get_by_role("button", name="Berechnete Indikatoren aktualisieren").click()
    indicator = plan.indicators.get(definition_code="relocation.households_received")
    offers = plan.indicators.get(definition_code="directory.offers")
    for computed in (indicator, offers):
        row = page.get_by_test_id(f"indicator-{computed.pk}")
        assert row.get_by_test_id("latest").inner_text().startswith("0")
    log_out(watched)

    # three actors report on the measures they lead
    notes = {
        "1.1": ("running", "Erste Lotsen im Einsatz"),
        "2.1": ("running", "Wohnungsbörse gestartet"),
        "3.1": ("delayed", "Fachkräfte fehlen, Beginn im Frühjahr"),
    }
    for actor, (code, (status, note)) in zip(actors, notes.items(), strict=True):
        log_in(watched, actor.username, password)
        watched.goto(f"/measures/{plan.pk}/")
        page.get_by_test_id(f"measure-{code}").get_by_role("link").click()
        page.get_by_role("link", name="Sachstand melden oder Stand ändern").click()
        page.locator("select[name=status]").select_option(status)
        page.locator("textarea[name=note]").fill(note)
        page.locator("main form.stacked button[type=submit]").click()
        page.wait_for_url("**/measures/measure/*/")
        assert note in page.locator("main").inner_text()
        # another actor's measure offers no update
        other = plan.measures.get(code="4.1")
        watched.goto(f"/measures/measure/{other.pk}/")
        assert page.get_by_role("link", name="Sachstand melden oder Stand ändern").count() == 0
        log_out(watched)

    # a household arrives in the city, an offer opens there; the office refreshes the computed
    # indicators
    from relocation_matching_helpers import arrived_proposal

    assert arrived_proposal().municipality == role_organisation("municipal_officer")
    city_offers()
    log_in(watched, officer.username, password, secret)
    watched.goto(f"/measures/{plan.pk}/")
    page.get_by_role("button", name="Berechnete Indikatoren aktualisieren").click()
    for computed in (indicator, offers):
        row = page.get_by_test_id(f"indicator-{computed.pk}")
        assert row.get_by_test_id("latest").inner_text().startswith("1")
    assert "verzögert" in page.get_by_test_id("measure-3.1").inner_text()

    # the council's progress report, as PDF and as Word
    downloads = {}
    for fmt in ("pdf", "docx"):
        watched.goto(f"/measures/{plan.pk}/report/")
        page.locator("select[name=format]").select_option(fmt)
        with page.expect_download() as info:
            page.locator("main form.stacked button[type=submit]").click()
        target = tmp_path / f"bericht.{fmt}"
        info.value.save_as(target)
        downloads[fmt] = target.read_bytes()
    assert plan.reports.count() == 2
    assert_readable_pdf(downloads["pdf"], min_pages=13)
    text = pdf_text(downloads["pdf"])
    assert "Sachstandsbericht Fachplan Asyl und Integration 2027" in text
    assert "Fachkräfte fehlen, Beginn im Frühjahr" in text
    assert "Aufgenommene Haushalte" in text and "Angebote auf Arabisch" in text
    assert "Angebotsverzeichnis - Sprache: Arabisch" in " ".join(text.split())
    document = Document(io.BytesIO(downloads["docx"]))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "Handlungsfeld 12 Steuerung und Monitoring" in paragraphs
    assert "Ampel: rot" in paragraphs
    assert "berechnet: Aktive Angebote im Angebotsverzeichnis – Sprache: Arabisch" in paragraphs
    assert len(document.inline_shapes) == 1
