"""A housing provider withdraws a flat it offered (or a caseworker of the organisation that keeps
it does): through the flat's transition table, with a reason from a list, audited with
pseudonymous ids only; refused once the flat is allocated or let, and while a run's proposal of
it is open (the caseworkers decide that first). The pages: a link on the flat's page, a
confirmation page with the reason, a POST with the CSRF token."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts_helpers import login_client, make_user
from cases_helpers import caseworker, make_case, make_district, make_housing_request, offered_flat
from funding_helpers import organisation
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.cases.models import FlatProposal, FlatStatus, FlatWithdrawal
from passgenau.apps.cases.services import CasesError
from passgenau.apps.cases.services import housing as services

pytestmark = pytest.mark.django_db


def _provider(username: str = "wohnbau"):
    return make_user("provider", username=username)


def test_the_provider_withdraws_its_flat_and_no_run_proposes_it_again():
    keeper = caseworker()
    provider = _provider()
    flat = offered_flat(provider, district=make_district(keeper))
    withdrawn = services.flat_withdraw(
        actor=provider, flat=flat, reason=FlatWithdrawal.LET_OTHERWISE
    )
    flat.refresh_from_db()
    assert withdrawn.status == flat.status == FlatStatus.WITHDRAWN
    assert flat.withdrawn_reason == FlatWithdrawal.LET_OTHERWISE and flat.withdrawn_at
    make_housing_request(make_case(keeper))
    with pytest.raises(CasesError, match="No place is free"):
        services.allocation_run(actor=keeper)
    with pytest.raises(CasesError, match="already withdrawn"):
        services.flat_withdraw(actor=provider, flat=flat, reason=FlatWithdrawal.OTHER)
    changed = AuditEntry.objects.get(action="cases.flat.status_changed")
    assert changed.data == {"from": "available", "to": "withdrawn"}
    entry = AuditEntry.objects.get(action="cases.flat.withdrawn")
    assert entry.data == {"reason": "let_otherwise", "by": "provider"}
    for entry in AuditEntry.objects.filter(action__startswith="cases.flat."):
        assert flat.address not in f"{entry.object_repr} {entry.data}"


def test_a_reason_from_the_list_is_needed():
    provider = _provider()
    flat = offered_flat(provider, district=make_district(caseworker()))
    with pytest.raises(CasesError, match="Choose why"):
        services.flat_withdraw(actor=provider, flat=flat, reason="Herr Müller zieht ein")
    flat.refresh_from_db()
    assert flat.status == FlatStatus.AVAILABLE


def test_a_proposed_flat_waits_for_the_caseworkers_and_an_allocated_one_stays():
    """While a run's proposal of the flat is open the withdrawal is refused (the household may
    have been told); once declined the flat can go. An allocated or let flat cannot."""
    keeper = caseworker()
    provider = _provider()
    flat = offered_flat(provider, district=make_district(keeper))
    make_housing_request(make_case(keeper, name="A"))
    proposal = FlatProposal.objects.get(run=services.allocation_run(actor=keeper))
    with pytest.raises(CasesError, match="declined that proposal"):
        services.flat_withdraw(actor=provider, flat=flat, reason=FlatWithdrawal.REPAIRS)
    services.flat_proposal_decline(actor=keeper, proposal=proposal)
    services.flat_withdraw(actor=provider, flat=flat, reason=FlatWithdrawal.REPAIRS)
    flat.refresh_from_db()
    assert flat.status == FlatStatus.WITHDRAWN

    second = offered_flat(provider, district=make_district(keeper), address="Zweite Str. 2")
    make_housing_request(make_case(keeper, name="B"))
    run = services.allocation_run(actor=keeper)
    services.flat_proposal_confirm(actor=keeper, proposal=FlatProposal.objects.get(run=run))
    for actor in (provider, keeper):
        with pytest.raises(CasesError, match="can no longer be withdrawn"):
            services.flat_withdraw(actor=actor, flat=second, reason=FlatWithdrawal.OTHER)
    second.refresh_from_db()
    assert second.status == FlatStatus.ALLOCATED


def test_only_the_offering_provider_and_the_keeping_caseworkers_withdraw():
    keeper = caseworker()
    provider = _provider()
    flat = offered_flat(provider, district=make_district(keeper))
    gwg = organisation("GWG", "provider")
    other_keeper = caseworker("other-keeper", organisation("Andere Stadt", "municipality"))
    refused = [
        make_user("provider", username="gwg", organisation=gwg),
        other_keeper,
        make_user("coordinator", username="x-coordinator"),
        make_user("funder", username="x-funder"),
    ]
    for actor in refused:
        with pytest.raises(CasesError, match="may not"):
            services.flat_withdraw(actor=actor, flat=flat, reason=FlatWithdrawal.OTHER)
    flat.refresh_from_db()
    assert flat.status == FlatStatus.AVAILABLE
    services.flat_withdraw(actor=keeper, flat=flat, reason=FlatWithdrawal.NOT_AVAILABLE)
    assert AuditEntry.objects.get(action="cases.flat.withdrawn").data["by"] == "keeper"


def test_the_pages_link_confirm_and_withdraw_with_the_csrf_token(client):
    keeper = caseworker()
    provider = _provider()
    flat = offered_flat(provider, district=make_district(keeper))
    login_client(client, provider)
    url = reverse("cases:offered_flat_withdraw", args=[flat.pk])
    assert url in client.get(reverse("cases:offered_flat_edit", args=[flat.pk])).content.decode()
    page = client.get(url).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page and 'name="reason"' in page
    assert "Wohnung zurückziehen" in page
    assert Client(enforce_csrf_checks=True).post(url, {"reason": "other"}).status_code in (
        302,
        403,
    )  # anonymous: to the log-in
    guarded = login_client(Client(enforce_csrf_checks=True), provider)
    assert guarded.post(url, {"reason": "other"}).status_code == 403  # no token
    flat.refresh_from_db()
    assert flat.status == FlatStatus.AVAILABLE
    assert client.post(url, {}).status_code == 200  # no reason: the form again
    response = client.post(url, {"reason": "let_otherwise"})
    assert response.status_code == 302 and response["Location"] == reverse("cases:offered_flats")
    flat.refresh_from_db()
    assert flat.status == FlatStatus.WITHDRAWN
    listing = client.get(reverse("cases:offered_flats")).content.decode()
    assert 'data-testid="offered-flat-status">zurückgezogen<' in listing
    edit = client.get(reverse("cases:offered_flat_edit", args=[flat.pk])).content.decode()
    assert url not in edit  # nothing more to withdraw
    refused = client.post(url, {"reason": "other"})
    assert refused.status_code == 200 and "bereits zurückgezogen" in refused.content.decode()
    # another provider's organisation does not find it; the keeper's page is its own
    gwg = make_user("provider", username="gwg", organisation=organisation("GWG", "provider"))
    login_client(client, gwg)
    assert client.get(url).status_code == 404
    login_client(client, keeper)
    assert client.get(url).status_code == 403
    keeper_url = reverse("cases:flat_withdraw", args=[flat.pk])
    assert client.get(keeper_url).status_code == 200
    login_client(client, caseworker("other-keeper", organisation("Andere Stadt", "municipality")))
    assert client.get(keeper_url).status_code == 404
