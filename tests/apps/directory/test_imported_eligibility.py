"""Target groups and what to bring of imported offers (HSDS and the round table's sheet): the
public target-group filter finds them, the Lotse's ranking knows their groups and the referral
slip says what to bring."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from accounts_helpers import make_user
from directory_helpers import role_organisation
from passgenau.apps.directory.models import Directory, Service, Taxonomy, TaxonomyTerm
from passgenau.apps.directory.selectors.lotse import offers_for_analysis
from passgenau.apps.directory.services.hsds_io import directory_dataset, directory_import_hsds
from passgenau.apps.directory.services.lotse import needs_record, referral_create
from passgenau.apps.directory.services.offers import service_apply
from passgenau.apps.directory.services.sheet_import import sheet_import
from passgenau.apps.directory.topics import topics_load
from passgenau.engine import hsds
from pdf_helpers import pdf_text

pytestmark = pytest.mark.django_db


def _found(client, directory: Directory, group: str) -> bool:
    response = client.get(reverse("directory:search", args=[directory.slug]), {"group": group})
    assert response.status_code == 200
    return "Elterncafé" in response.content.decode()


def _dataset() -> hsds.Dataset:
    data = hsds.Dataset()
    data.add("taxonomies", {"id": "tx-audience", "name": "Zielgruppen", "description": ""})
    data.add("taxonomy_terms", {"id": "term-women", "code": "w", "name": "Frauen",
                                "description": "", "taxonomy_id": "tx-audience"})  # fmt: skip
    data.add("services", {"id": "svc-1", "name": "Elterncafé", "status": "active",
                          "description": "Treffen für Eltern mit Kindern."})  # fmt: skip
    data.add("locations", {"id": "loc-1", "location_type": "physical", "name": "Familienzentrum"})
    data.add("addresses", {"id": "adr-1", "location_id": "loc-1", "address_1": "Am Markt 3",
                           "city": "Salzgitter", "postal_code": "38226", "country": "DE",
                           "address_type": "physical", "state_province": ""})  # fmt: skip
    data.add("service_at_location", {"id": "sal-1", "service_id": "svc-1", "location_id": "loc-1"})
    data.add("attributes", {"id": "att-1", "link_id": "svc-1", "link_entity": "service",
                            "link_type": "target_group", "value": "Familien"})  # fmt: skip
    data.add("attributes", {"id": "att-2", "link_id": "svc-1", "link_entity": "service",
                            "link_type": "eligibility",
                            "taxonomy_term_id": "term-women"})  # fmt: skip
    data.add("required_documents", {"id": "doc-1", "service_id": "svc-1",
                                    "document": "Aufenthaltstitel"})  # fmt: skip
    data.add("required_documents", {"id": "doc-2", "service_id": "svc-1",
                                    "document": "Mietvertrag"})  # fmt: skip
    return data


def test_an_hsds_import_fills_target_groups_and_what_to_bring(client):
    topics_load(Taxonomy, TaxonomyTerm)
    directory = Directory.objects.create(name="Salzgitter", slug="sz-import")
    directory_import_hsds(directory=directory, dataset=_dataset())
    service = Service.objects.get(directory=directory)
    assert service.target_groups == ["women", "families"]
    assert service.what_to_bring == "Aufenthaltstitel; Mietvertrag"
    # the public filter by target group
    assert _found(client, directory, "families") and _found(client, directory, "women")
    assert not _found(client, directory, "children")
    # the Lotse's ranking sees the groups
    offers, _ = offers_for_analysis([directory.pk])
    assert offers[0].target_groups == {"women", "families"}
    # the slip says what to bring
    lotse = make_user("lotse", username="slip-lotse", organisation=role_organisation("lotse"))
    needs = needs_record(
        actor=lotse, directory=directory, topics=["beratung"], languages=["de"], slip_language="de"
    )
    referral = referral_create(actor=lotse, needs=needs, service=service)
    client.force_login(lotse)
    response = client.get(reverse("directory:referral_slip", args=[referral.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    assert "Mitzubringen: Aufenthaltstitel; Mietvertrag" in text


def test_a_sheet_import_fills_target_groups_and_what_to_bring(client):
    book = Workbook()
    sheet = book.active
    sheet.append(["Träger", "Angebot", "Straße", "PLZ", "Ort", "Zielgruppe", "Mitbringen"])
    sheet.append(["AWO", "Elterncafé", "Am Markt 3", "38226", "Salzgitter",
                  "Erwachsene, Familien", "Pass und Meldebescheinigung"])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    directory = Directory.objects.create(name="Salzgitter", slug="sz-sheet")
    result = sheet_import(directory=directory, file_name="Angebote.xlsx", content=out.getvalue())
    assert result.offers == 1
    service = Service.objects.get(directory=directory)
    assert service.target_groups == ["adults", "families"]
    assert service.what_to_bring == "Pass und Meldebescheinigung"
    assert _found(client, directory, "adults") and _found(client, directory, "families")
    assert not _found(client, directory, "women")


def test_an_editor_s_target_groups_and_documents_replace_the_imported_ones():
    directory = Directory.objects.create(name="Salzgitter", slug="sz-edit")
    directory_import_hsds(directory=directory, dataset=_dataset())
    service = Service.objects.get(directory=directory)
    editor = make_user("directory_editor", username="groups-editor")
    service_apply(
        service=service,
        fields={"target_groups": ["children"], "what_to_bring": "Ausweis"},
        actor=editor,
    )
    service.refresh_from_db()
    assert service.target_groups == ["children"] and service.what_to_bring == "Ausweis"
    # the records agree, so that an export and a new import give the same
    directory_import_hsds(directory=directory, dataset=directory_dataset(directory=directory))
    service.refresh_from_db()
    assert service.target_groups == ["children"] and service.what_to_bring == "Ausweis"
