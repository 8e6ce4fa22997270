"""Likely duplicate pairs of the round-table page: merged into one offer, or marked distinct."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts_helpers import make_user
from directory_helpers import make_directory, role_organisation
from passgenau.apps.directory.models import (
    DistinctPair,
    HsdsRecord,
    Referral,
    Service,
    ServiceStatus,
)
from passgenau.apps.directory.selectors.analysis import roundtable_report
from passgenau.apps.directory.services.lotse import needs_record, referral_create
from passgenau.apps.directory.services.sheet_import import sheet_import

pytestmark = pytest.mark.django_db

ORIGINAL = "Migrationsberatung für Erwachsene"
TWIN = "Migrationsberatung f. Erwachsene"


def _twin_listed():
    """The Caritas counselling listed a second time, as another list of the round table wrote
    it (name abbreviated, "Str.", phone written otherwise), with a language more."""
    directory = make_directory()
    sheet = (
        "Angebot;Träger;Straße;PLZ;Ort;Telefon;Sprachen\n"
        f"{TWIN};Caritasverband Salzgitter;Hinter dem Salzgittersee 12;38226;Salzgitter;"
        "05341/839-0;Deutsch, Kurdisch\n"
    ).encode()
    sheet_import(directory=directory, file_name="zweite-liste.csv", content=sheet)
    original = Service.objects.get(directory=directory, name=ORIGINAL)
    twin = Service.objects.get(directory=directory, name=TWIN)
    return directory, original, twin


def _pairs(directory):
    return {frozenset((a, b)) for _pair, a, b in roundtable_report(directory=directory).duplicates}


def test_merge_moves_locations_languages_and_referrals(client_for_role):
    directory, original, twin = _twin_listed()
    assert frozenset((ORIGINAL, TWIN)) in _pairs(directory)
    lotse = make_user("lotse", username="lotse-merge", organisation=role_organisation("lotse"))
    needs = needs_record(
        actor=lotse, directory=directory, topics=["beratung"], languages=["ku"], slip_language="de"
    )
    referral = referral_create(actor=lotse, needs=needs, service=twin)
    twin_location = twin.at_locations.get().location

    editor = client_for_role("directory_editor")
    url = reverse("directory:duplicate_decide", args=[directory.slug])
    response = editor.post(url, {"a": original.pk, "b": twin.pk, "action": "keep_a"})
    assert response.status_code == 302

    twin.refresh_from_db()
    assert twin.status == ServiceStatus.INACTIVE and twin.merged_into == original
    assert Referral.objects.get(pk=referral.pk).service == original
    assert twin_location.pk in set(original.at_locations.values_list("location_id", flat=True))
    assert sorted(original.spoken.values_list("code", flat=True)) == ["ar", "de", "fa", "ku"]
    history = {
        (r.service_id, r.data["field_name"], r.data["replacement_value"])
        for r in HsdsRecord.objects.filter(table="metadata", service__in=[original, twin])
    }
    assert (original.pk, "merged_from", twin.hsds_id) in history
    assert (twin.pk, "merged_into", original.hsds_id) in history
    assert (twin.pk, "status", ServiceStatus.INACTIVE) in history
    assert (original.pk, "languages", "ar,de,fa,ku") in history
    # the closed duplicate is gone from the public search and from the pairs
    assert frozenset((ORIGINAL, TWIN)) not in _pairs(directory)
    search = reverse("directory:search", args=[directory.slug])
    editor.get(search)  # shows the message of the merge
    page = editor.get(search, {"q": "Erwachsene"}).content.decode()
    assert ORIGINAL in page and TWIN not in page


def test_mark_as_distinct_hides_the_pair(client_for_role):
    directory, original, twin = _twin_listed()
    editor = client_for_role("directory_editor")
    page = editor.get(reverse("directory:roundtable", args=[directory.slug])).content.decode()
    assert 'value="distinct"' in page
    url = reverse("directory:duplicate_decide", args=[directory.slug])
    assert (
        editor.post(url, {"a": twin.pk, "b": original.pk, "action": "distinct"}).status_code == 302
    )
    pair = DistinctPair.objects.get()
    assert (pair.first, pair.second) == tuple(sorted((original, twin), key=lambda s: s.pk))
    assert frozenset((ORIGINAL, TWIN)) not in _pairs(directory)
    original.refresh_from_db()
    twin.refresh_from_db()
    assert original.status == twin.status == ServiceStatus.ACTIVE


def test_only_editors_decide(client_for_role):
    directory, original, twin = _twin_listed()
    url = reverse("directory:duplicate_decide", args=[directory.slug])
    provider = client_for_role("provider")
    response = provider.post(url, {"a": original.pk, "b": twin.pk, "action": "keep_a"})
    assert response.status_code in (302, 403)
    twin.refresh_from_db()
    assert twin.status == ServiceStatus.ACTIVE and not DistinctPair.objects.exists()
