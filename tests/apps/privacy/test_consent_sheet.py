"""The printable consent sheet (issue 11): a readable PDF in the language the consent was explained
in and in German, the purposes ticked as consented, the retention periods of the settings; only the
household's interviewers get it, from the household page, and the print is audited with the
reference only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.relocation.models.vocab import REQUIRED_CONSENT_PURPOSES, ConsentPurpose
from pdf_helpers import assert_readable_pdf, pdf_text

pytestmark = pytest.mark.django_db

WITHOUT_RESEARCH = [p for p in ConsentPurpose.values if p != ConsentPurpose.RESEARCH]


def _url(household):
    return reverse("privacy:household_consent_sheet", kwargs={"pk": household.pk})


def _household(**overrides):
    from relocation_helpers import make_round, register

    return register(make_round(), **overrides)


def _sheet(client, household) -> tuple[bytes, str]:
    response = client.get(_url(household))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert_readable_pdf(content, min_pages=2)
    return content, " ".join(pdf_text(content).split())


def _label(purpose: str, language: str) -> str:
    with translation.override(language):
        return str(ConsentPurpose(purpose).label)


def test_a_ukrainian_household_gets_the_purposes_in_ukrainian_and_in_german(
    interviewer_client,
):
    household = _household(consent_purposes=WITHOUT_RESEARCH, consent_explained_in="uk")
    _content, text = _sheet(interviewer_client, household)
    assert household.reference in text
    for language in ("uk", "de"):
        for purpose in WITHOUT_RESEARCH:
            assert f"[x] {_label(purpose, language)}" in text
        assert f"[ ] {_label(ConsentPurpose.RESEARCH, language)}" in text
        assert f"[x] {_label(ConsentPurpose.RESEARCH, language)}" not in text
    # the catalogues translate them (not the English source texts)
    assert "псевдонімізоване використання відповідей" in text
    assert "pseudonymisierte Nutzung der Antworten" in text
    assert "pseudonymised use of the answers" not in text
    # the Ukrainian section first, then the German one
    assert text.index("Згода домогосподарства") < text.index("Einwilligung des Haushalts")
    # the day the consent was given, in each language
    assert "01 березня 2026" in text and "1. März 2026" in text
    assert str(household.interviewing_organisation) in text


def test_the_retention_periods_are_those_of_the_settings(interviewer_client, settings):
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "contact_data": 47}
    _content, text = _sheet(interviewer_client, _household(consent_explained_in="uk"))
    assert "Namen und Kontaktdaten: 47 Tage" in text


def test_a_consent_explained_in_a_language_the_application_does_not_speak_is_in_german(
    interviewer_client,
):
    household = _household(language="pl", consent_explained_in="pl")
    response = interviewer_client.get(_url(household))
    assert_readable_pdf(response.content)
    text = " ".join(pdf_text(response.content).split())
    assert text.count("Einwilligung des Haushalts") == 1  # German once, not twice
    assert f"[x] {_label(ConsentPurpose.RESEARCH, 'de')}" in text


def test_a_withdrawn_consent_is_printed_with_nothing_ticked(interviewer_client):
    from passgenau.apps.relocation.models import Consent

    household = _household(consent_explained_in="uk")
    Consent.objects.filter(household=household).update(
        withdrawn_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    )
    _content, text = _sheet(interviewer_client, household)
    assert "[x]" not in text
    assert f"[ ] {_label(ConsentPurpose.MATCHING, 'de')}" in text


def test_another_organisations_interviewer_gets_not_found(client_for_role):
    from accounts_helpers import login_client, make_user
    from relocation_helpers import municipality

    household = _household()
    other = make_user("interviewer", username="ngo-2", organisation=municipality("NGO 2"))
    client = login_client(client_for_role("public"), other)
    assert client.get(_url(household)).status_code == 404
    assert not AuditEntry.objects.filter(action="relocation.household.exported").exists()


@pytest.mark.parametrize("role", ["coordinator", "municipal_officer", "caseworker", "public"])
def test_other_roles_get_nothing(client_for_role, role):
    household = _household()
    response = client_for_role(role).get(_url(household))
    assert response.status_code in ({302} if role == "public" else {403, 404})


def test_the_print_is_audited_with_the_reference_only(interviewer_client):
    household = _household()
    _sheet(interviewer_client, household)
    [read] = AuditEntry.objects.filter(action="relocation.household.read")
    [entry] = AuditEntry.objects.filter(action="relocation.household.exported")
    assert read.object_repr == entry.object_repr == household.reference
    assert entry.data["format"] == "pdf" and entry.data["consent_sheet"] is True
    assert "Olena" not in str([entry.object_repr, entry.data, read.data])


def test_the_household_page_offers_the_sheet_to_its_interviewers_only(
    interviewer_client, coordinator_client
):
    household = _household()
    page = reverse("relocation:household_detail", kwargs={"pk": household.pk})
    assert _url(household) in interviewer_client.get(page).content.decode()
    assert _url(household) not in coordinator_client.get(page).content.decode()


# -- the blank sheet, before a household is registered ---------------------------------------

BLANK_URL = "privacy:blank_consent_sheet"
# the sheet's first line and its line of the day in each language, as the catalogues have them
HEADINGS = {
    "uk": ("Згода домогосподарства ______________", "Згоду надано ______________ для таких цілей:"),
    "ru": ("Согласие домохозяйства ______________", "Согласие дано ______________ для следующих"),
    "en": ("Consent of household ______________", "Consent given on ______________ for these"),
    "de": (
        "Einwilligung des Haushalts ______________",
        "Einwilligung erteilt am ______________ für diese Zwecke:",
    ),
}

NEEDED = {
    "uk": "потрібно для участі",
    "ru": "необходимо для участия",
    "en": "needed to take part",
    "de": "für die Teilnahme nötig",
}


@pytest.mark.parametrize("language", ["uk", "ru", "en", "de"])
def test_the_blank_sheet_is_in_the_chosen_language_then_german(
    interviewer_client, interviewer_user, language
):
    """The blank sheet to hand out before the interview (issue 11): rendered, no overlapping
    text, the chosen language's section first and then the German one, every purpose unticked,
    the reference and the day left blank, the interviewer's organisation as the contact."""
    response = interviewer_client.get(reverse(BLANK_URL), {"language": language})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = 1 if language == "de" else 2
    assert_readable_pdf(response.content, min_pages=pages)
    sections = pdf_text(response.content).split("\f")
    assert len(sections) == pages
    for section, each in zip(sections, [language, "de"], strict=False):
        text = " ".join(section.split())
        heading, day = HEADINGS[each]
        assert text.startswith(heading) and day in text
        for purpose in ConsentPurpose.values:
            assert f"[ ] {_label(purpose, each)}" in text
        assert "[x]" not in text and "%(" not in text
        # the purposes needed to take part say so in the section's language (it was English)
        assert text.count(f"({NEEDED[each]})") == len(REQUIRED_CONSENT_PURPOSES)
        assert each == "en" or "needed to take part" not in text
    assert str(interviewer_user.organisation) in " ".join(pdf_text(response.content).split())
    assert not AuditEntry.objects.exists()  # no personal data, nothing to audit


def test_the_blank_sheet_page_offers_the_questionnaires_languages_the_sheet_is_printed_in(
    interviewer_client,
):
    page = interviewer_client.get(reverse(BLANK_URL))
    assert page.status_code == 200
    offered = [code for code, _name in page.context["form"].fields["language"].choices]
    # Polish is a questionnaire language the application does not speak: no Polish sheet
    assert offered == ["uk", "ru", "de", "en"]
    html = page.content.decode()
    assert '<select name="language"' in html and "Українська" in html
    # a language the sheet is not printed in: the page again, saying so, not an error page
    for wrong in ("pl", "xx", ""):
        response = interviewer_client.get(reverse(BLANK_URL), {"language": wrong})
        assert response.status_code == 400
        assert 'class="errorlist"' in response.content.decode()


@pytest.mark.parametrize("role", ["coordinator", "municipal_officer", "caseworker", "public"])
def test_the_blank_sheet_is_for_interviewers_only(client_for_role, role):
    response = client_for_role(role).get(reverse(BLANK_URL), {"language": "uk"})
    assert response.status_code == (302 if role == "public" else 403)


def test_the_interviewers_pages_link_the_blank_sheet(interviewer_client, coordinator_client):
    from relocation_helpers import make_round

    round_ = make_round()
    url = reverse(BLANK_URL)
    for page in (
        reverse("relocation:household_list"),
        reverse("relocation:household_register", kwargs={"pk": round_.pk}),
    ):
        assert f'href="{url}"' in interviewer_client.get(page).content.decode()
    assert url not in coordinator_client.get(reverse("relocation:household_list")).content.decode()
