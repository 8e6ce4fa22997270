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
