"""Every change of an offer is in its history (HSDS metadata): a provider's new offer, public
only once the directory's editor approved it; a provider's confirmation that an offer is
current; an import that creates or changes offers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from directory_helpers import make_directory, provider_service
from passgenau.apps.directory.models import HsdsRecord, Organization, Service
from passgenau.apps.directory.services.hsds_io import directory_import_hsds
from passgenau.engine import hsds

pytestmark = pytest.mark.django_db

STALE = "Länger nicht bestätigt: bitte vor dem Besuch nachfragen"
NEW = "Fahrradwerkstatt für Geflüchtete"


def _history(service: Service) -> list[dict]:
    return [r.data for r in HsdsRecord.objects.filter(table="metadata", service=service)]


def _listed(client, directory, q: str) -> list[str]:
    response = client.get(reverse("directory:search", args=[directory.slug]), {"q": q})
    assert response.status_code == 200
    return [r.service.name for r in response.context["results"]]


def test_a_providers_new_offer_is_public_once_the_editor_approves_it(client, client_for_role):
    directory = make_directory()
    organization = Organization.objects.get(
        directory=directory, provider__name="Test organisation provider"
    )
    provider = client_for_role("provider")
    url = reverse("directory:offer_new", args=[organization.pk])
    assert provider.get(url).status_code == 200
    data = {
        "name": NEW,
        "description": "Wir reparieren gemeinsam Fahrräder.",
        "status": "active",
        "topics": ["beratung"],
        "languages": ["de", "uk"],
        "free_of_charge": "on",
    }
    assert provider.post(url, data).status_code == 302
    assert not Service.objects.filter(name=NEW).exists()  # nothing public yet
    assert _listed(client, directory, "Fahrradwerkstatt") == []

    editor = client_for_role("directory_editor")
    change = editor.get(reverse("directory:change_list")).context["changes"].get()
    assert change.service is None
    response = editor.post(
        reverse("directory:change_detail", args=[change.pk]), {"decision": "approved"}
    )
    assert response.status_code == 302
    service = Service.objects.get(name=NEW)
    assert _listed(client, directory, "Fahrradwerkstatt") == [NEW]
    assert service.organization == organization and service.free_of_charge

    history = _history(service)
    created = {h["field_name"]: h for h in history if h["last_action_type"] == "create"}
    assert {"name", "description", "languages", "topics"} <= set(created)
    assert created["name"]["replacement_value"] == NEW
    assert created["languages"]["replacement_value"] == "de,uk"
    editor_user = change.__class__.objects.get(pk=change.pk).decided_by
    assert {h["updated_by"] for h in history} == {f"user:{editor_user.pk}"}  # who approved it
    served = client.get(f"/api/v1/hsds/services/{service.hsds_id}").json()
    assert {m["field_name"] for m in served["metadata"]} >= {"name", "languages"}
    assert {m["updated_by"] for m in served["metadata"]} == {"editor"}


def test_a_provider_confirms_an_offer_and_the_history_says_so(client, client_for_role):
    directory = make_directory()
    service = provider_service()
    long_ago = timezone.localdate() - dt.timedelta(days=400)
    Service.objects.filter(pk=service.pk).update(last_confirmed=long_ago)
    offer_url = reverse("directory:offer", args=[directory.slug, service.pk])
    assert STALE in client.get(offer_url).content.decode()
    before = len(_history(service))

    provider = client_for_role("provider")
    response = provider.post(reverse("directory:offer_confirm", args=[service.pk]))
    assert response.status_code == 302
    service.refresh_from_db()
    today = timezone.localdate()
    assert service.last_confirmed == today
    assert service.hsds["assured_date"] == today.isoformat()
    assert STALE not in client.get(offer_url).content.decode()

    history = _history(service)
    assert len(history) == before + 1
    (confirmed,) = [h for h in history if h["last_action_type"] == "confirm"]
    assert confirmed["field_name"] == "assured_date"
    assert confirmed["previous_value"] == long_ago.isoformat()
    assert confirmed["replacement_value"] == today.isoformat()
    assert confirmed["last_action_date"] == today.isoformat()
    assert confirmed["updated_by"].startswith("user:")
    served = client.get(f"/api/v1/hsds/services/{service.hsds_id}").json()
    assert any(m["field_name"] == "assured_date" for m in served["metadata"])


def _folder(tmp_path, name: str, status: str = "active"):
    (tmp_path / "services.csv").write_text(f"id,name,status\ns1,{name},{status}\n")
    return hsds.read_hsds_csv(tmp_path)


def test_an_import_writes_the_history_of_the_offers_it_creates_or_changes(directory, tmp_path):
    directory_import_hsds(directory=directory, dataset=_folder(tmp_path, "Sprachcafé"))
    service = Service.objects.get(hsds_id="s1")
    (created,) = _history(service)
    assert created["last_action_type"] == "import"
    assert created["field_name"] == "" and created["resource_id"] == "s1"
    assert created["last_action_date"] == timezone.localdate().isoformat()

    # the same file again changes nothing: no entry
    directory_import_hsds(directory=directory, dataset=_folder(tmp_path, "Sprachcafé"))
    assert len(_history(service)) == 1

    directory_import_hsds(
        directory=directory, dataset=_folder(tmp_path, "Sprachcafé am Markt", "inactive")
    )
    changed = {h["field_name"]: h for h in _history(service)[1:]}
    assert set(changed) == {"name", "status"}
    assert changed["name"]["previous_value"] == "Sprachcafé"
    assert changed["name"]["replacement_value"] == "Sprachcafé am Markt"
    assert (changed["status"]["previous_value"], changed["status"]["replacement_value"]) == (
        "active",
        "inactive",
    )
    assert all(h["last_action_type"] == "import" for h in changed.values())
