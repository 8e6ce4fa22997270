"""The directory's pages and API: public search in the reader's language, the provider →
editor review, the Lotse desk with its slip, the round-table report."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from directory_helpers import (
    make_directory,
    needs_with_referral,
    pending_change,
    provider_service,
    table_rows,
)
from passgenau.apps.directory.models import ChangeStatus, HsdsRecord, ReferralOutcome, Service
from passgenau.apps.directory.selectors.search import SearchQuery, offers_search
from passgenau.apps.directory.services.offers import change_decide

pytestmark = pytest.mark.django_db


def _search(client, **params):
    directory = make_directory()
    return client.get(reverse("directory:search", args=[directory.slug]), params)


def test_public_search_in_arabic_marks_the_german_fallback(client):
    response = _search(client, q="beratung", lang="ar")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'dir="rtl"' in page and 'lang="ar"' in page
    assert "استشارة الهجرة للبالغين" in page  # the Arabic text of the offer
    assert "Psychosoziale Beratung für Geflüchtete" in page  # only in German …
    assert page.count('class="dir-badge dir-badge-fallback"') >= 1  # … and marked so


def test_filters_language_place_and_free(client):
    directory = make_directory()

    def names(**query):
        results, _place, _total = offers_search(
            directory=directory, query=SearchQuery(**query), language="de"
        )
        return [r.service.name for r in results]

    assert "Internationales Frauenfrühstück" in names(language="tr")
    assert names(language="tr") == ["Internationales Frauenfrühstück"]
    assert "Deutschkurs A1 mit Kinderbetreuung" not in names(free=True)
    near_bad = names(place="38259", max_km=3)  # Salzgitter-Bad, not Lebenstedt
    assert set(near_bad) == {"Internationales Frauenfrühstück", "Sozialberatung und Wohnungssuche"}
    assert names(topic="sprache") == ["Deutschkurs A1 mit Kinderbetreuung"]  # child term found
    assert names(place="Atlantis") == []


def test_closed_offers_disappear_and_stale_ones_are_marked(client):
    directory = make_directory()
    service = Service.objects.get(name="Hausaufgabenhilfe")
    service.status = "inactive"
    service.save()
    Service.objects.filter(name="Nähcafé").update(last_confirmed=None)
    results, _, _ = offers_search(directory=directory, query=SearchQuery(), language="de")
    assert "Hausaufgabenhilfe" not in [r.service.name for r in results]
    page = _search(client).content.decode()
    assert "Hausaufgabenhilfe" not in page


def test_provider_change_waits_for_the_editor(client_for_role):
    service = provider_service()
    provider = client_for_role("provider")
    url = reverse("directory:offer_edit", args=[service.pk])
    form = provider.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, [])}
    data.update(name="Migrationsberatung (MBE)", languages=["de", "ar", "fa", "uk"])
    data["topics"] = form.initial["topics"]
    assert provider.post(url, data).status_code == 302
    service.refresh_from_db()
    assert service.name == "Migrationsberatung für Erwachsene"  # not public yet
    editor = client_for_role("directory_editor")
    change = editor.get(reverse("directory:change_list")).context["changes"].get()
    response = editor.post(
        reverse("directory:change_detail", args=[change.pk]), {"decision": "approved"}
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Migrationsberatung (MBE)"
    assert service.hsds["name"] == "Migrationsberatung (MBE)"
    assert "uk" in set(service.spoken.values_list("code", flat=True))
    history = HsdsRecord.objects.filter(table="metadata", service=service).exclude(
        data__last_action_type="import"  # the demo's import, by no one
    )
    assert {r.data["field_name"] for r in history} >= {"name", "languages"}
    assert all(r.data["updated_by"].startswith("user:") for r in history)


def test_a_change_may_name_the_shipped_topics():
    from passgenau.apps.directory.services.offers import service_apply

    service = provider_service()
    service_apply(service=service, fields={"topics": ["beratung", "sprache"]}, actor=None)
    assert sorted(service.topics.values_list("code", flat=True)) == ["beratung", "sprache"]


def test_a_decided_change_cannot_be_decided_again(client_for_role, user_for_role):
    from django.core.exceptions import ValidationError

    change = pending_change()
    editor = user_for_role("directory_editor")
    change_decide(actor=editor, change=change, to=ChangeStatus.REJECTED)
    with pytest.raises(ValidationError):
        change_decide(actor=editor, change=change, to=ChangeStatus.APPROVED)


def test_an_editor_of_another_territory_sees_nothing(client_for_role):
    from django.test import Client

    from accounts_helpers import login_client, make_user
    from passgenau.apps.accounts.models import Organisation

    change = pending_change()
    other = Organisation.objects.create(name="Elsewhere", kind="municipality")
    stranger = login_client(
        Client(), make_user("directory_editor", username="x", organisation=other)
    )
    assert stranger.get(reverse("directory:change_detail", args=[change.pk])).status_code == 404
    assert stranger.get(reverse("directory:roundtable", args=["salzgitter"])).status_code == 403


def test_lotse_desk_ranks_prints_and_records_the_outcome(client_for_role):
    make_directory()
    lotse = client_for_role("lotse")
    response = lotse.post(
        reverse("directory:lotse_desk"),
        {"topics": ["beratung"], "languages": ["ar"], "slip_language": "ar", "place": "38226"},
    )
    assert response.status_code == 302
    page = lotse.get(response["Location"])
    ranked = [service.name for _rank, service, _reasons in page.context["ranked"]]
    assert ranked[0] == "Migrationsberatung für Erwachsene"  # Arabic spoken, nearest
    service = page.context["ranked"][0][1]
    lotse.post(response["Location"], {"service": service.pk})
    referral = page.context["needs"].referrals.get()
    slip = lotse.get(reverse("directory:referral_slip", args=[referral.pk]))
    assert slip["Content-Type"] == "application/pdf" and slip.content.startswith(b"%PDF")
    url = reverse("directory:referral_outcome", args=[referral.pk])
    lotse.post(url, {"outcome": "went"})
    referral.refresh_from_db()
    assert referral.outcome == ReferralOutcome.WENT
    lotse.post(url, {"outcome": "did_not_go"})  # refused: outcomes are final
    referral.refresh_from_db()
    assert referral.outcome == ReferralOutcome.WENT


def test_lotse_desk_ranks_by_every_constraint_and_the_times_the_person_can_go(client_for_role):
    """Through the desk's form: language, topics, place, at most 10 km, age, free of charge only,
    barrier-free and the times the person can go. Each offer but two is kept out by one
    constraint; of the two Caritas offers at one barrier-free address speaking Arabic, the one
    open when the person can go ranks first and the reasons say why."""
    from passgenau.apps.directory.models import Location, NeedsRecord, TaxonomyTerm

    make_directory()
    beratung = TaxonomyTerm.objects.get(taxonomy__directory=None, code="beratung")
    others = ["Sozialberatung und Wohnungssuche", "Deutschkurs A1 mit Kinderbetreuung",
              "Hausaufgabenhilfe", "Internationales Frauenfrühstück"]  # fmt: skip
    for name in others:
        Service.objects.get(name=name).topics.add(beratung)
    here = Location.objects.filter

    here(services_here__service__name__startswith="Psychosoziale").update(barrier_free=True)
    # Sozialberatung: barrier-free and free, but in Salzgitter-Bad, beyond 10 km
    here(services_here__service__name=others[0]).update(barrier_free=True)
    # Deutschkurs: barrier-free, but not free of charge
    here(services_here__service__name=others[1]).update(barrier_free=True)
    # Hausaufgabenhilfe: barrier-free and free, but for those up to 17 only
    here(services_here__service__name=others[2]).update(barrier_free=True)
    Service.objects.filter(name=others[2]).update(maximum_age=17)
    # Frauenfrühstück: moved next door, free, but not barrier-free
    here(services_here__service__name=others[3]).update(latitude=52.155, longitude=10.333)
    lotse = client_for_role("lotse")

    constraints = {"max_km": "10", "age": "30", "free_only": "on", "barrier_free": "on"}

    def desk(constraints=constraints, **times):
        response = lotse.post(
            reverse("directory:lotse_desk"),
            {"topics": ["beratung", "psychosozial"], "languages": ["ar"], "slip_language": "ar",
             "place": "38226", **constraints, **times},
        )  # fmt: skip
        assert response.status_code == 302, response.context["form"].errors
        page = lotse.get(response["Location"])
        rows = [(service.name, reasons) for _rank, service, reasons in page.context["ranked"]]
        return page, rows

    page, rows = desk(weekdays=["2"], day_parts=["afternoon"])  # Tuesday afternoon
    needs = page.context["needs"]
    assert (needs.weekdays, needs.day_parts) == ([2], ["afternoon"])
    assert (needs.max_km, needs.age) == (10, 30)
    assert needs.free_only and needs.barrier_free
    assert [name for name, _ in rows] == [
        "Psychosoziale Beratung für Geflüchtete",  # Tuesday 14:00-17:00
        "Migrationsberatung für Erwachsene",  # Monday and Wednesday 09:00-12:00
    ]
    with translation.override("en"):
        assert [[str(r) for r in reasons] for _, reasons in rows] == [
            ["a topic asked for", "speaks a language of the person", "nearby",
             "open when the person can go"],
            ["a topic asked for", "speaks a language of the person", "nearby"],
        ]  # fmt: skip
    html = page.content.decode()
    cells = re.findall(r'<td data-testid="reasons">([^<]*)</td>', html)
    assert cells == [
        "ein gesuchtes Thema, spricht eine Sprache der Person, in der Nähe, "
        "geöffnet, wenn die Person hingehen kann",
        "ein gesuchtes Thema, spricht eine Sprache der Person, in der Nähe",
    ]
    assert "wann die Person hingehen kann: Dienstag; nachmittags (12:00 bis 17:00)" in html

    _page, rows = desk(weekdays=["1", "3"], day_parts=["morning"])
    assert [name for name, _ in rows] == [
        "Migrationsberatung für Erwachsene",
        "Psychosoziale Beratung für Geflüchtete",
    ]
    # without times, neither is preferred: the two tie and keep their order by id
    _page, rows = desk()
    assert {name for name, _ in rows} == {
        "Psychosoziale Beratung für Geflüchtete",
        "Migrationsberatung für Erwachsene",
    }
    assert all("open when the person can go" not in map(str, reasons) for _, reasons in rows)
    # without the constraints, the four kept out come back
    _page, rows = desk(constraints={}, weekdays=["2"], day_parts=["afternoon"])
    assert {name for name, _ in rows} == {
        "Psychosoziale Beratung für Geflüchtete",
        "Migrationsberatung für Erwachsene",
        *others,
    }
    assert rows[0][0] == "Psychosoziale Beratung für Geflüchtete"
    assert NeedsRecord.objects.count() == 4


def test_a_lotse_without_an_organisation_sees_only_its_own_needs():
    """Scoped by organisation: without one (an administrator may leave it empty), a Lotse sees
    what it recorded, not every record of all Lotsen without an organisation."""
    from django.test import Client

    from accounts_helpers import login_client, make_user
    from passgenau.apps.directory.services.lotse import needs_record

    directory = make_directory()
    first, second = (make_user("lotse", username=name) for name in ("lotse-a", "lotse-b"))
    for lotse in (first, second):
        lotse.organisation = None
        lotse.save(update_fields=["organisation"])
    own = needs_record(
        actor=first, directory=directory, topics=["beratung"], languages=["ar"], slip_language="ar"
    )
    other = needs_record(
        actor=second, directory=directory, topics=["recht"], languages=["ti"], slip_language="ti"
    )
    desk = login_client(Client(), first)
    assert desk.get(reverse("directory:needs_detail", args=[own.pk])).status_code == 200
    assert desk.get(reverse("directory:needs_detail", args=[other.pk])).status_code == 404
    assert list(desk.get(reverse("directory:lotse_desk")).context["recent"]) == [own]


@pytest.mark.parametrize(
    "posted",
    [{}, {"service": "abc"}, {"service": "999999"}, {"service": "9" * 20}, {"service": "²"}],
)
def test_a_referral_to_no_offer_or_a_malformed_one_is_not_found(client_for_role, posted):
    needs, _referral = needs_with_referral()
    lotse = client_for_role("lotse")  # of the same organisation as the needs record's Lotse
    response = lotse.post(reverse("directory:needs_detail", args=[needs.pk]), posted)
    assert response.status_code == 404
    assert needs.referrals.count() == 1


def test_roundtable_report_page_and_pdf(client_for_role):
    needs, _referral = needs_with_referral()
    from passgenau.apps.directory.services.lotse import needs_record

    needs_record(
        actor=needs.lotse, directory=needs.directory, topics=["recht"], languages=["ti"],
        slip_language="ti",
    )  # fmt: skip
    editor = client_for_role("directory_editor")
    response = editor.get(reverse("directory:roundtable", args=["salzgitter"]))
    report = response.context["report"]
    assert report.offers == 6 and report.locations == 5
    assert report.summary in response.content.decode()
    assert ("Recht und Aufenthalt", "ti", "", 1) in report.gaps
    pdf = editor.get(reverse("directory:roundtable_pdf", args=["salzgitter"]))
    assert pdf.content.startswith(b"%PDF")


def test_the_round_table_counts_referrals_by_outcome_and_topic_on_the_page_and_in_the_pdf(
    client_for_role,
):
    from passgenau.apps.directory.models import Referral
    from passgenau.apps.directory.services.lotse import referral_create, referral_outcome_record
    from pdf_helpers import pdf_text

    needs, _open = needs_with_referral()  # one referral to the Migrationsberatung, still open
    migration = Service.objects.get(name="Migrationsberatung für Erwachsene")
    trauma = Service.objects.get(name="Psychosoziale Beratung für Geflüchtete")
    for service, outcome in [(migration, "went"), (migration, "did_not_go"),
                             (trauma, "not_suitable"), (trauma, "went")]:  # fmt: skip
        referral = referral_create(actor=needs.lotse, needs=needs, service=service)
        referral_outcome_record(actor=needs.lotse, referral=referral, outcome=outcome)
    # the counts, computed here from the referrals themselves
    order = ["went", "did_not_go", "not_suitable", "open"]
    referrals = list(Referral.objects.filter(needs__directory=needs.directory))
    by_outcome = {o: sum(r.outcome == o for r in referrals) for o in order}
    by_topic = {
        term.name: [sum(r.outcome == o and r.service == s for r in referrals) for o in order]
        for s in (migration, trauma)
        for term in s.topics.all()
    }
    assert by_outcome == {"went": 2, "did_not_go": 1, "not_suitable": 1, "open": 1}
    assert by_topic == {"Migrationsberatung": [1, 1, 0, 1],
                        "Psychosoziale Hilfe und Trauma": [1, 0, 1, 0]}  # fmt: skip
    labels = ["ist hingegangen", "ist nicht hingegangen", "passte nicht", "noch nicht bekannt"]

    editor = client_for_role("directory_editor")
    html = editor.get(reverse("directory:roundtable", args=["salzgitter"])).content.decode()
    assert '<p data-testid="referrals">5 Vermittlungen vom Lotsen-Schalter.</p>' in html
    assert table_rows(html, "outcomes")[1:] == [
        [label, str(by_outcome[o])] for label, o in zip(labels, order, strict=True)
    ]
    topic_rows = table_rows(html, "outcomes-by-topic")
    assert topic_rows[0] == ["Thema", *labels]
    assert topic_rows[1:] == [[name, *map(str, counts)] for name, counts in by_topic.items()]

    pdf = editor.get(reverse("directory:roundtable_pdf", args=["salzgitter"])).content
    text = " ".join(pdf_text(pdf).split()) + " "  # lines and pages run on, as one reads them
    assert "5 Vermittlungen vom Lotsen-Schalter." in text
    assert "ist hingegangen: 2 Vermittlungen " in text
    for label in labels[1:]:
        assert f"{label}: 1 Vermittlung " in text
    assert (
        "Migrationsberatung · ist hingegangen: 1 · ist nicht hingegangen: 1 · passte nicht: 0 · "
        "noch nicht bekannt: 1 Psychosoziale Hilfe und Trauma · ist hingegangen: 1 · "
        "ist nicht hingegangen: 0 · passte nicht: 1 · noch nicht bekannt: 0"
    ) in text


def test_hsds_api_pages_and_full_service(client, hsds_spec):
    from passgenau.engine import hsds

    service = provider_service()
    page = client.get("/api/v1/hsds/services", {"per_page": 2, "page": 2}).json()
    assert page["total_items"] == 6 and page["total_pages"] == 3 and page["size"] == 2
    assert not page["first_page"] and not page["last_page"]
    found = client.get("/api/v1/hsds/services", {"search": "frauenfrühstück"}).json()
    assert [s["name"] for s in found["contents"]] == ["Internationales Frauenfrühstück"]
    full = client.get(f"/api/v1/hsds/services/{service.hsds_id}").json()
    validator = hsds.schema_validator(hsds_spec / "schema", "service.json")
    assert hsds.schema_errors(validator, full) == []
    assert full["organization"]["name"].startswith("Caritas")
    near = client.get(
        "/api/v1/hsds/service_at_locations", {"postcode": "38259", "proximity": "2000"}
    ).json()
    assert near["total_items"] == 2
    assert client.get("/api/v1/hsds/services/nope").status_code == 404
    assert client.get("/api/v1/hsds/services", {"modified_after": "x"}).status_code == 422


def test_providers_are_reminded_to_confirm(settings):
    import datetime as dt

    from django.core import mail

    from accounts_helpers import make_user
    from directory_helpers import role_organisation
    from passgenau.apps.directory.notification_kinds import confirmations_due
    from passgenau.apps.notifications.services import notifications_send_due

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_directory()
    provider = make_user(
        "provider", username="caritas", organisation=role_organisation("provider"),
        email="caritas@example.org",
    )  # fmt: skip
    # confirmed on 1 October 2026: due 30 days before a year has passed, not earlier
    assert list(confirmations_due(dt.date(2027, 8, 1))) == []
    [due] = list(confirmations_due(dt.date(2027, 9, 15)))
    assert due.recipients == [provider] and due.params["count"] == 2
    notifications_send_due(today=dt.date(2027, 9, 15))
    notifications_send_due(today=dt.date(2027, 9, 16))  # once a month, not every day
    assert [m.to for m in mail.outbox] == [["caritas@example.org"]]


def test_the_reminder_e_mail_shows_its_date_in_the_recipient_language(settings):
    import datetime as dt

    from django.core import mail

    from accounts_helpers import make_user
    from directory_helpers import role_organisation
    from passgenau.apps.notifications.models import Notification
    from passgenau.apps.notifications.services import notifications_send_due, preferences_save

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_directory()
    organisation = role_organisation("provider")
    german = make_user(
        "provider", username="caritas", organisation=organisation, email="de@example.org"
    )
    english = make_user(
        "provider", username="caritas-en", organisation=organisation, email="en@example.org"
    )
    preferences_save(user=english, language="en", channels={})
    notifications_send_due(today=dt.date(2027, 9, 15))
    bodies = {m.to[0]: m.body for m in mail.outbox}
    # the offers were last confirmed on 1 October 2026
    assert "seit 01.10.2026" in bodies["de@example.org"], bodies
    assert "since 10/01/2026" in bodies["en@example.org"], bodies
    assert "2026-10-01" not in bodies["de@example.org"] + bodies["en@example.org"]
    assert Notification.objects.get(recipient=german).params["date"] == "2026-10-01"


def test_einfache_sprache_is_a_reading_choice_with_fallback_to_german(client):
    from passgenau.apps.directory.services.offers import service_text_save

    directory = make_directory()
    service = Service.objects.get(directory=directory, name="Migrationsberatung für Erwachsene")
    service_text_save(
        actor=None,
        service=service,
        language="de",
        name="Beratung für Menschen, die neu hier sind",
        description="Wir helfen Ihnen. Die Beratung kostet nichts.",
        easy_language=True,
    )
    plain = _search(client, q="").content.decode()
    assert "lang=de-x-simple" in plain and "Einfache Sprache" in plain
    assert "Beratung für Menschen, die neu hier sind" not in plain
    page = _search(client, q="", lang="de-x-simple").content.decode()
    assert 'lang="de-x-simple"' in page and 'lang="de"' in page  # German interface
    assert "Beratung für Menschen, die neu hier sind" in page
    assert "Hausaufgabenhilfe" in page  # no easy text: standard German, marked
    assert "Nicht in Einfacher Sprache" in page
    detail = client.get(
        reverse("directory:offer", args=[directory.slug, service.pk]), {"lang": "de-x-simple"}
    ).content.decode()
    assert "Die Beratung kostet nichts." in detail


def test_the_einfache_sprache_text_goes_through_review_and_into_the_history(
    user_for_role, client_for_role
):
    from passgenau.apps.directory.models import ServiceText
    from passgenau.apps.directory.services.offers import change_propose, german_digest

    service = provider_service()
    provider, editor = user_for_role("provider"), user_for_role("directory_editor")
    easy = {"easy_name": "Beratung für neue Menschen", "easy_description": "Wir helfen Ihnen."}
    change = change_propose(
        actor=provider, organization=service.organization, service=service, fields=easy
    )
    texts = ServiceText.objects.filter(service=service, language="de", easy_language=True)
    assert not texts.exists()  # not public before the review
    change_decide(actor=editor, change=change, to=ChangeStatus.APPROVED)
    text = texts.get()
    assert (text.name, text.description) == (easy["easy_name"], easy["easy_description"])
    assert text.source_digest == german_digest(service)  # up to date
    history = HsdsRecord.objects.filter(table="metadata", service=service)
    assert {r.data["field_name"] for r in history} >= {"easy_name", "easy_description"}

    # the German text changes: the easy text is outdated until it is written again
    change = change_propose(actor=provider, organization=service.organization, service=service,
                            fields={"description": "Neu beschrieben"})  # fmt: skip
    change_decide(actor=editor, change=change, to=ChangeStatus.APPROVED)
    text.refresh_from_db()
    service.refresh_from_db()
    assert text.source_digest != german_digest(service)
    change = change_propose(actor=provider, organization=service.organization, service=service,
                            fields={**easy, "easy_description": "Wir helfen. Neu."})  # fmt: skip
    change_decide(actor=editor, change=change, to=ChangeStatus.APPROVED)
    text.refresh_from_db()
    assert text.source_digest == german_digest(service)
    assert text.description == "Wir helfen. Neu."

    # both emptied: no easy text, the reader gets the German one
    change = change_propose(actor=provider, organization=service.organization, service=service,
                            fields={"easy_name": "", "easy_description": ""})  # fmt: skip
    change_decide(actor=editor, change=change, to=ChangeStatus.APPROVED)
    assert not texts.exists()
    change = change_propose(actor=provider, organization=service.organization, service=service,
                            fields=easy)  # fmt: skip
    change_decide(actor=editor, change=change, to=ChangeStatus.APPROVED)
    change = change_propose(actor=provider, organization=service.organization, service=service,
                            fields={"easy_name": "Beratung"})  # fmt: skip
    listed = client_for_role("directory_editor").get(reverse("directory:change_list"))
    assert change in listed.context["changes"]
    page = client_for_role("directory_editor").get(
        reverse("directory:change_detail", args=[change.pk])
    )
    assert {"field": "easy_name", "before": easy["easy_name"], "after": "Beratung"} in page.context[
        "rows"
    ]


def test_a_provider_writes_the_einfache_sprache_text_on_its_own_page(client_for_role):
    from passgenau.apps.directory.models import ChangeRequest, ServiceText

    service = provider_service()
    provider = client_for_role("provider")
    url = reverse("directory:offer_easy_text", args=[service.pk])
    page = provider.get(url).content.decode()
    assert 'for="id_easy_name"' in page and 'for="id_easy_description"' in page
    response = provider.post(url, {"easy_name": "Beratung", "easy_description": "Wir helfen."})
    assert response.status_code == 302
    assert not ServiceText.objects.filter(service=service, easy_language=True).exists()
    change = ChangeRequest.objects.get(service=service)
    assert change.fields == {"easy_name": "Beratung", "easy_description": "Wir helfen."}
    too_long = provider.post(url, {"easy_name": "x" * 301, "easy_description": ""})
    assert too_long.status_code == 200 and 'id="id_easy_name-errors"' in too_long.content.decode()
    assert 'aria-describedby="easy-help id_easy_name-errors"' in too_long.content.decode()
    # an offer of another organisation is not found
    other = Service.objects.exclude(organization=service.organization).first()
    if other is not None:
        assert (
            provider.get(reverse("directory:offer_easy_text", args=[other.pk])).status_code == 404
        )
