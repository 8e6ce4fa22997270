"""Directory editors write the offers' texts in the directory's languages and in Einfache
Sprache: a page listing each offer's state per language (up to date, outdated, missing), a page
per text; saved texts are public at once and in the offer's history; the public reads them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from directory_helpers import make_directory, provider_service
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.directory.models import HsdsRecord, Service, ServiceText
from relocation_helpers import english  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _states(page: str) -> dict[str, str]:
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    rows = {}
    for row in body.split("</tr>")[:-1]:
        name = row.split('">', 2)[2].split("</a>")[0] if "<a " in row else ""
        rows[name] = row.split("<td>")[1].split("</td>")[0]
    return rows


def test_the_editor_sees_what_is_missing_and_outdated_per_language(client_for_role):
    directory = make_directory()
    editor = client_for_role("directory_editor")
    url = reverse("directory:texts", args=[directory.slug])
    arabic = _states(editor.get(url, {"language": "ar"}).content.decode())
    has_arabic = set(
        ServiceText.objects.filter(service__directory=directory, language="ar").values_list(
            "service__name", flat=True
        )
    )
    assert has_arabic and all("up to date" in arabic[n] for n in has_arabic), arabic
    assert all("missing" in state for n, state in arabic.items() if n not in has_arabic)
    # the German text changes: its Arabic text becomes outdated
    changed = Service.objects.get(directory=directory, name=sorted(has_arabic)[0])
    changed.description += " Neu: auch samstags."
    changed.save()
    outdated = _states(editor.get(url, {"language": "ar", "status": "outdated"}).content.decode())
    assert list(outdated) == [changed.name] and "outdated" in outdated[changed.name]


def test_the_editor_writes_a_ukrainian_text_that_the_public_reads_at_once(client_for_role):
    service = provider_service()
    editor = client_for_role("directory_editor")
    url = reverse("directory:text_edit", args=[service.pk, "uk"])
    page = editor.get(url).content.decode()
    assert service.name in page and 'lang="uk"' in page
    response = editor.post(url, {"name": "Консультація", "description": "Ми допомагаємо."})
    assert response.status_code == 302
    text = ServiceText.objects.get(service=service, language="uk", easy_language=False)
    assert (text.name, text.description) == ("Консультація", "Ми допомагаємо.")
    history = HsdsRecord.objects.filter(service=service, table="metadata")
    fields = {r.data["field_name"]: r.data for r in history}
    assert fields["name@uk"]["replacement_value"] == "Консультація"
    assert fields["name@uk"]["updated_by"].startswith("user:")
    assert AuditEntry.objects.filter(action="directory.text.saved").exists()
    public = reverse("directory:offer", args=[service.directory.slug, service.pk])
    assert "Консультація" in client_for_role("public").get(public, {"lang": "uk"}).content.decode()
    # both fields emptied: the text is gone and the reader gets the German one
    editor.post(url, {"name": "", "description": ""})
    assert not ServiceText.objects.filter(service=service, language="uk").exists()
    assert AuditEntry.objects.filter(action="directory.text.deleted").exists()


def test_the_editor_writes_einfache_sprache(client_for_role):
    service = provider_service()
    editor = client_for_role("directory_editor")
    url = reverse("directory:text_edit", args=[service.pk, "de-x-simple"])
    editor.post(url, {"name": "Hilfe beim Amt", "description": "Wir gehen mit Ihnen zum Amt."})
    text = ServiceText.objects.get(service=service, language="de", easy_language=True)
    assert text.name == "Hilfe beim Amt"
    public = reverse("directory:offer", args=[service.directory.slug, service.pk])
    page = client_for_role("public").get(public, {"lang": "de-x-simple"}).content.decode()
    assert "Wir gehen mit Ihnen zum Amt." in page


def test_a_too_long_name_is_a_form_error_and_nothing_is_saved(client_for_role):
    service = provider_service()
    editor = client_for_role("directory_editor")
    url = reverse("directory:text_edit", args=[service.pk, "ru"])
    response = editor.post(url, {"name": "x" * 301, "description": "Текст"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_name-errors"' in page and 'aria-invalid="true"' in page
    assert not ServiceText.objects.filter(service=service, language="ru").exists()


def test_not_a_language_of_the_directory_and_another_kreis_are_not_found(client_for_role):
    from passgenau.apps.directory.models import Directory
    from passgenau.apps.territories.models import Kreis

    service = provider_service()
    editor = client_for_role("directory_editor")
    assert editor.get(reverse("directory:text_edit", args=[service.pk, "xx"])).status_code == 404
    elsewhere = Kreis.objects.exclude(pk=service.directory.kreis_id).first()
    other = Directory.objects.create(name="Anderswo", slug="anderswo", kreis=elsewhere)
    offer = Service.objects.create(directory=other, name="Fremdes Angebot")
    assert editor.get(reverse("directory:text_edit", args=[offer.pk, "uk"])).status_code == 404
    assert editor.get(reverse("directory:texts", args=["anderswo"])).status_code == 404


def _ukrainian_states(editor, directory, **params) -> dict[str, str]:
    url = reverse("directory:texts", args=[directory.slug])
    page = editor.get(url, {"language": "uk", **params}).content.decode()
    if "No offer in this state." in page:
        return {}
    return {name: state.replace("<strong>", "").replace("</strong>", "")
            for name, state in _states(page).items()}  # fmt: skip


def test_every_way_the_german_text_changes_marks_the_translations_outdated(
    client_for_role, user_for_role
):
    """The texts page compares each text's source with the offer's stored German digest: the
    editor's approval of a provider's change, an HSDS (and so an Excel) import and a plain save
    each keep that digest; a text of one language saved again is up to date, the other not."""
    from passgenau.apps.directory.models import ChangeStatus, german_digest
    from passgenau.apps.directory.services.hsds_io import (
        directory_dataset,
        directory_import_hsds,
    )
    from passgenau.apps.directory.services.offers import (
        change_decide,
        change_propose,
        service_text_save,
    )

    service = provider_service()
    directory = service.directory
    editor = client_for_role("directory_editor")
    for language in ("uk", "ru"):
        service_text_save(actor=None, service=service, language=language, name="x",
                          description="y")  # fmt: skip
    assert Service.objects.get(pk=service.pk).german_digest == german_digest(service)
    assert _ukrainian_states(editor, directory)[service.name] == "up to date"
    assert "missing" in set(_ukrainian_states(editor, directory).values())

    # a provider's change, approved by the editor
    provider, reviewer = user_for_role("provider"), user_for_role("directory_editor")
    change = change_propose(actor=provider, organization=service.organization, service=service,
                            fields={"description": "Neu beschrieben"})  # fmt: skip
    change_decide(actor=reviewer, change=change, to=ChangeStatus.APPROVED)
    service.refresh_from_db()
    assert service.german_digest == german_digest(service)
    assert _ukrainian_states(editor, directory)[service.name].startswith("outdated")
    assert service.name in _ukrainian_states(editor, directory, status="outdated")
    assert service.name not in _ukrainian_states(editor, directory, status="up_to_date")

    # written again in Ukrainian: up to date there, Russian still outdated
    url = reverse("directory:text_edit", args=[service.pk, "uk"])
    editor.post(url, {"name": "Консультація", "description": "Нове."})
    assert _ukrainian_states(editor, directory)[service.name] == "up to date"
    russian = editor.get(reverse("directory:texts", args=[directory.slug]),
                         {"language": "ru", "status": "outdated"}).content.decode()  # fmt: skip
    assert service.name in _states(russian)

    # an HSDS import that changes the German name: outdated again, under its new name
    dataset = directory_dataset(directory=directory)
    for row in dataset.rows("services"):
        if row["id"] == service.hsds_id:
            row["name"] = service.name + " (neu)"
    directory_import_hsds(directory=directory, dataset=dataset)
    service.refresh_from_db()
    assert service.name.endswith("(neu)") and service.german_digest == german_digest(service)
    assert _ukrainian_states(editor, directory, status="outdated") == {
        service.name: "outdated: the German text changed since"
    }
    # an import that leaves the German text as it is changes no state
    directory_import_hsds(directory=directory, dataset=directory_dataset(directory=directory))
    assert list(_ukrainian_states(editor, directory, status="outdated")) == [service.name]


@pytest.mark.parametrize("language", ["uk", "de-x-simple"])
def test_the_texts_page_asks_the_same_queries_for_few_and_many_offers(client_for_role, language):
    """The page counts and pages in the database: its queries do not grow with the offers."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    directory = make_directory()
    editor = client_for_role("directory_editor")
    url = reverse("directory:texts", args=[directory.slug])

    def queries(**params) -> int:
        editor.get(url, {"language": language})  # the session, caches
        with CaptureQueriesContext(connection) as captured:
            response = editor.get(url, {"language": language, **params})
        assert response.status_code == 200
        return len(captured.captured_queries)

    def add(start: int, stop: int) -> None:  # a third each missing, up to date, outdated
        for i in range(start, stop):
            offer = Service.objects.create(directory=directory, name=f"Angebot {i:03d}")
            if i % 3:
                digest = offer.german_digest if i % 3 == 1 else "alt"
                for code, easy in (("uk", False), ("de", True)):
                    ServiceText.objects.create(service=offer, language=code, easy_language=easy,
                                               source_digest=digest)  # fmt: skip

    add(0, 3)
    few = queries(), queries(status="missing"), queries(status="outdated")
    add(3, 153)
    many = queries(), queries(status="missing"), queries(status="outdated")
    assert many == few
    page = editor.get(url, {"language": language, "status": "outdated", "page": 2})
    listed = _states(page.content.decode())  # i % 3 == 2: 51 offers outdated, one on page 2
    assert list(listed) == ["Angebot 152"] and "outdated" in listed["Angebot 152"]
