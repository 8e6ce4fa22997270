"""A housing provider offers its own flats (issue 13: "Flats (from housing providers or the
city)"): the caseworkers of the district's organisation allocate them; the provider changes them
while none is proposed, allocated or let, and sees their status, nothing of the household."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from accounts_helpers import login_client, make_user
from cases_helpers import (
    caseworker,
    make_case,
    make_district,
    make_housing_request,
    offered_flat,
)
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.cases.models import Flat, FlatProposal, FlatStatus
from passgenau.apps.cases.selectors import housing as selectors
from passgenau.apps.cases.services import CasesError
from passgenau.apps.cases.services import housing as services

pytestmark = pytest.mark.django_db


def test_an_offered_flat_is_the_providers_and_allocated_by_the_districts_organisation():
    keeper = caseworker()
    provider = make_user("provider", username="wohnbau")
    flat = offered_flat(provider, district=make_district(keeper))
    assert flat.provider == provider.organisation and flat.organisation == keeper.organisation
    assert flat.status == FlatStatus.AVAILABLE and flat.features == ["balcony"]
    assert list(selectors.flats_for_user(user=keeper)) == [flat]  # the caseworkers see it
    assert list(selectors.offered_flats_for_user(user=provider)) == [flat]
    assert list(selectors.offered_flats_for_user(user=keeper)) == []  # no provider's right
    assert AuditEntry.objects.filter(action="cases.flat.offered").count() == 1
    # the engine proposes it as any flat; once proposed the provider cannot change it
    make_housing_request(make_case(keeper))
    services.allocation_run(actor=keeper)
    assert FlatProposal.objects.filter(flat=flat).exists()
    with pytest.raises(CasesError, match="cannot be changed"):
        services.offered_flat_update(actor=provider, flat=flat, **_fields(flat, max_persons=6))


def _fields(flat: Flat, **changed):
    names = [
        "address",
        "rooms",
        "max_persons",
        "barrier_free",
        "school_nearby",
        "kita_nearby",
        "doctor_nearby",
        "features",
        "available_from",
        "district",
    ]
    return {**{name: getattr(flat, name) for name in names}, **changed}


def test_only_the_offering_provider_changes_its_flat_and_no_other_role_offers_one():
    keeper = caseworker()
    district = make_district(keeper)
    provider = make_user("provider", username="wohnbau")
    flat = offered_flat(provider, district=district)
    changed = services.offered_flat_update(
        actor=provider, flat=flat, **_fields(flat, rooms=4, barrier_free=True)
    )
    assert changed.rooms == 4 and changed.barrier_free and changed.provider == flat.provider
    from funding_helpers import organisation

    other = make_user("provider", username="other", organisation=organisation("GWG", "provider"))
    with pytest.raises(CasesError, match="may not"):
        services.offered_flat_update(actor=other, flat=flat, **_fields(flat, rooms=2))
    assert selectors.offered_flat_get_for_user(user=other, pk=flat.pk) is None
    for role in ("caseworker", "coordinator", "funder", "directory_editor"):
        with pytest.raises(CasesError, match="may not"):
            offered_flat(make_user(role, username=f"x-{role}"), district=district)
    assert Flat.objects.count() == 1


def test_the_pages_offer_change_and_list_with_the_status_and_nothing_of_the_household(client):
    keeper = caseworker()
    district = make_district(keeper, "Paunsdorf")
    provider = make_user("provider", username="wohnbau")
    login_client(client, provider)
    page = client.get(reverse("cases:offered_flat_create")).content.decode()
    assert "Paunsdorf" in page and keeper.organisation.name in page
    assert 'name="provider"' not in page
    response = client.post(
        reverse("cases:offered_flat_create"),
        {
            "address": "Theodor-Heuss-Str. 12",
            "district": district.pk,
            "rooms": "2",
            "max_persons": "3",
            "available_from": "2026-01-01",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("cases:offered_flats")
    flat = Flat.objects.get()
    assert flat.provider == provider.organisation and flat.organisation == keeper.organisation
    response = client.post(
        reverse("cases:offered_flat_edit", args=[flat.pk]),
        {**_post(flat), "rooms": "3"},
    )
    assert response.status_code == 302
    flat.refresh_from_db()
    assert flat.rooms == 3
    case = make_case(keeper, name="Familie Bondarenko")
    make_housing_request(case)
    services.flat_proposal_confirm(
        actor=keeper, proposal=FlatProposal.objects.get(run=services.allocation_run(actor=keeper))
    )
    listing = client.get(reverse("cases:offered_flats")).content.decode()
    with translation.override("de"):
        allocated = f'data-testid="offered-flat-status">{FlatStatus.ALLOCATED.label}<'
    assert "Theodor-Heuss-Str. 12" in listing and allocated in listing
    assert "Bondarenko" not in listing and case.reference not in listing
    refused = client.post(reverse("cases:offered_flat_edit", args=[flat.pk]), _post(flat))
    assert refused.status_code == 200 and refused.context["form"].errors
    login_client(client, make_user("provider", username="other-provider"))
    # the same organisation's colleague sees it; another organisation's provider does not
    assert client.get(reverse("cases:offered_flat_edit", args=[flat.pk])).status_code == 200
    from funding_helpers import organisation

    stranger = make_user("provider", username="gwg", organisation=organisation("GWG", "provider"))
    login_client(client, stranger)
    assert client.get(reverse("cases:offered_flat_edit", args=[flat.pk])).status_code == 404


def _post(flat: Flat) -> dict[str, str]:
    return {
        "address": flat.address,
        "district": str(flat.district_id),
        "rooms": str(flat.rooms),
        "max_persons": str(flat.max_persons),
        "available_from": flat.available_from.isoformat(),
    }
