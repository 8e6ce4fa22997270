"""The housing transition: flats and housing requests, the allocation run through the engine
(checked against a brute force over every assignment of small instances), a caseworker's
confirmation along the transition tables, the move, access and the audit trail."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from cases_helpers import (
    caseworker,
    make_case,
    make_district,
    make_flat,
    make_housing_request,
)
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.cases.models import (
    EngineRun,
    Flat,
    FlatProposal,
    FlatStatus,
    HousingRequest,
    HousingRequestStatus,
    ProposalStatus,
)
from passgenau.apps.cases.services import CasesError, TransitionError
from passgenau.apps.cases.services import housing as services

pytestmark = pytest.mark.django_db


# -- the allocation against a brute force -------------------------------------------------------


def best_persons_housed(requests, flats) -> int:
    """The most persons that can be housed, one household per flat, each flat large enough and
    barrier-free where the household needs it: every assignment tried (the oracle, computed
    from the models' fields, not from the engine's profiles)."""
    best = 0
    for choice in itertools.product(range(-1, len(flats)), repeat=len(requests)):
        used = [j for j in choice if j >= 0]
        if len(used) != len(set(used)):
            continue
        if any(
            j >= 0
            and (r.persons > flats[j].max_persons or (r.barrier_free and not flats[j].barrier_free))
            for r, j in zip(requests, choice, strict=True)
        ):
            continue
        best = max(best, sum(r.persons for r, j in zip(requests, choice, strict=True) if j >= 0))
    return best


@pytest.mark.parametrize("seed", range(12))
def test_allocation_respects_hard_criteria_and_houses_as_many_as_a_brute_force(seed):
    rng = random.Random(seed)
    actor = caseworker()
    district = make_district(actor)
    flats = [
        make_flat(
            actor,
            district=district,
            max_persons=rng.randint(1, 6),
            barrier_free=rng.random() < 0.4,
            address=f"Flat {j}",
        )
        for j in range(rng.randint(1, 4))
    ]
    requests = [
        make_housing_request(
            make_case(actor, name=f"Household {i}"),
            adults=rng.randint(1, 2),
            school_children=rng.randint(0, 3),
            barrier_free=rng.random() < 0.4,
        )
        for i in range(rng.randint(1, 5))
    ]
    run = services.allocation_run(actor=actor)
    proposals = list(FlatProposal.objects.filter(run=run).select_related("request", "flat"))
    for p in proposals:
        assert p.request.persons <= p.flat.max_persons
        assert p.flat.barrier_free or not p.request.barrier_free
        assert services.hard_criteria_problems(p.request, p.flat) == []
    assert len({p.flat_id for p in proposals}) == len(proposals)
    assert len({p.request_id for p in proposals}) == len(proposals)
    housed = sum(p.request.persons for p in proposals)
    assert housed == best_persons_housed(requests, flats)
    proposed = {p.request_id for p in proposals}
    for r in HousingRequest.objects.all():
        expected = (
            HousingRequestStatus.PROPOSED if r.pk in proposed else HousingRequestStatus.WAITING
        )
        assert r.status == expected


def test_a_barrier_free_need_and_the_size_decide_the_flat():
    actor = caseworker()
    small = make_flat(actor, max_persons=2, barrier_free=True, address="Small, barrier-free")
    large = make_flat(actor, max_persons=5, address="Large, stairs")
    wheelchair = make_housing_request(make_case(actor, name="A"), adults=2, barrier_free=True)
    family = make_housing_request(make_case(actor, name="B"), adults=2, school_children=2)
    run = services.allocation_run(actor=actor)
    flat_of = {p.request_id: p.flat_id for p in FlatProposal.objects.filter(run=run)}
    assert flat_of == {wheelchair.pk: small.pk, family.pk: large.pk}
    # the run kept what it was given and how it scored
    assert run.programme == "housing" and run.criteria_version == "1" and len(run.input_hash) == 64
    assert [h["id"] for h in run.snapshot["households"]] == [f"R{wheelchair.pk}", f"R{family.pk}"]
    assert run.snapshot["sites"][0]["capacity"] == {
        "households": 1,
        "persons": 2,
        "barrier_free": 1,
    }
    explanation = FlatProposal.objects.get(request=family).explanation
    assert explanation["site_id"] == f"F{large.pk}"
    assert any(c["criterion"] == "school_kita_nearby" for c in explanation["contributions"])


def test_nothing_to_allocate_is_said_plainly():
    actor = caseworker()
    with pytest.raises(CasesError, match="No request is waiting"):
        services.allocation_run(actor=actor)
    make_housing_request(make_case(actor))
    with pytest.raises(CasesError, match="No place is free"):
        services.allocation_run(actor=actor)
    assert not EngineRun.objects.exists()


# -- confirming, declining, the move ----------------------------------------------------------


def _proposed(actor=None, **flat):
    actor = actor or caseworker()
    flat = make_flat(actor, **flat)
    request = make_housing_request(make_case(actor))
    services.allocation_run(actor=actor)
    return actor, flat, request, FlatProposal.objects.get(request=request)


def test_confirm_allocates_and_the_move_is_recorded():
    actor, flat, request, proposal = _proposed(available_from=dt.date(2026, 2, 1))
    services.flat_proposal_confirm(actor=actor, proposal=proposal)
    request.refresh_from_db()
    flat.refresh_from_db()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED and proposal.decided_at is not None
    assert request.status == HousingRequestStatus.ALLOCATED and request.flat == flat
    assert flat.status == FlatStatus.ALLOCATED
    with pytest.raises(TransitionError):  # a confirmed proposal is not confirmed again
        services.flat_proposal_confirm(actor=actor, proposal=proposal)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(CasesError, match="future"):
        services.move_record(actor=actor, request=request, moved_on=tomorrow)
    with pytest.raises(CasesError, match="available only from 02/01/2026"):
        services.move_record(actor=actor, request=request, moved_on=dt.date(2026, 1, 31))
    services.move_record(actor=actor, request=request, moved_on=dt.date(2026, 2, 1))
    request.refresh_from_db()
    flat.refresh_from_db()
    assert request.status == HousingRequestStatus.MOVED and request.moved_on == dt.date(2026, 2, 1)
    assert flat.status == FlatStatus.LET
    with pytest.raises(TransitionError):
        services.move_record(actor=actor, request=request, moved_on=dt.date(2026, 2, 2))


def test_a_move_needs_an_allocated_flat():
    actor = caseworker()
    request = make_housing_request(make_case(actor))
    with pytest.raises(CasesError, match="No flat is allocated"):
        services.move_record(actor=actor, request=request, moved_on=dt.date(2026, 2, 1))


def test_a_declined_flat_is_not_proposed_again():
    actor, flat, request, proposal = _proposed()
    services.flat_proposal_decline(actor=actor, proposal=proposal)
    request.refresh_from_db()
    assert request.status == HousingRequestStatus.WAITING
    other = make_flat(actor, max_persons=3, address="Another flat")
    run = services.allocation_run(actor=actor)
    assert [(p.request_id, p.flat_id) for p in FlatProposal.objects.filter(run=run)] == [
        (request.pk, other.pk)
    ]
    assert run.snapshot["forbidden"] == [[f"R{request.pk}", f"F{flat.pk}"]]


def test_an_open_proposal_keeps_its_flat_and_household_out_of_the_next_run():
    actor, flat, _request, _proposal = _proposed()
    with pytest.raises(CasesError, match="No request is waiting"):
        services.allocation_run(actor=actor)
    with pytest.raises(CasesError, match="cannot be changed"):
        services.flat_update(
            actor=actor,
            flat=flat,
            provider=flat.provider,
            address=flat.address,
            district=flat.district,
            rooms=1,
            max_persons=1,
            available_from=flat.available_from,
        )


def test_withdrawing_a_request_declines_its_proposal():
    actor, _flat, request, proposal = _proposed()
    services.housing_request_withdraw(actor=actor, request=request)
    proposal.refresh_from_db()
    request.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED
    assert request.status == HousingRequestStatus.WITHDRAWN
    # a new request for the case may be made once the old one is no longer live
    make_housing_request(request.case)


def test_request_rules():
    actor = caseworker()
    case = make_case(actor)
    with pytest.raises(CasesError, match="at least one adult"):
        make_housing_request(case, adults=0, school_children=2)
    with pytest.raises(CasesError, match="more than 20"):
        make_housing_request(case, adults=2, school_children=19)
    with pytest.raises(CasesError, match="future"):
        make_housing_request(case, waiting_since=dt.date.today() + dt.timedelta(days=2))
    make_housing_request(case)
    with pytest.raises(CasesError, match="already waits"):
        make_housing_request(case)


# -- access and audit -------------------------------------------------------------------------


def test_another_organisation_cannot_touch_the_allocation():
    from funding_helpers import organisation

    _actor, flat, request, proposal = _proposed()
    stranger = caseworker("stranger", organisation("Caritas", "provider"))
    with pytest.raises(CasesError, match="may not"):
        services.flat_proposal_confirm(actor=stranger, proposal=proposal)
    with pytest.raises(CasesError, match="may not"):
        services.move_record(actor=stranger, request=request, moved_on=dt.date(2026, 2, 1))
    with pytest.raises(CasesError, match="own organisation"):
        make_flat(stranger, district=flat.district)
    # the stranger's run does not see the flat nor the household
    with pytest.raises(CasesError, match="No request is waiting"):
        services.allocation_run(actor=stranger)


def test_other_roles_are_refused_by_the_services(user_for_role):
    _actor, _flat, _request, proposal = _proposed()
    for role in ("coordinator", "municipal_officer", "funder", "provider"):
        with pytest.raises(CasesError, match="may not"):
            services.allocation_run(actor=user_for_role(role))
        with pytest.raises(CasesError, match="may not"):
            services.flat_proposal_confirm(actor=user_for_role(role), proposal=proposal)


def test_changes_and_reads_are_audited_with_pseudonyms_only(caseworker_client):
    actor = caseworker()
    make_flat(actor)
    request = make_housing_request(make_case(actor, name="Olena Kovalenko"))
    run = services.allocation_run(actor=actor)
    proposal = FlatProposal.objects.get(run=run)
    caseworker_client.get(reverse("cases:housing"))
    caseworker_client.get(reverse("cases:housing_run_detail", args=[run.pk]))
    caseworker_client.post(reverse("cases:flat_proposal_decide", args=[proposal.pk, "confirm"]))
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "cases.housingrequest.created",
        "cases.enginerun.started",
        "cases.housingrequest.status_changed",
        "cases.flatproposal.status_changed",
        "cases.flat.status_changed",
        "cases.housingrequest.list",
    } <= actions
    listed = AuditEntry.objects.filter(action="cases.housingrequest.list")
    assert all(e.data["ids"] == [str(request.pk)] for e in listed) and listed.count() == 2
    for entry in AuditEntry.objects.all():
        assert "Olena" not in f"{entry.object_repr} {entry.data}"


# -- pages ------------------------------------------------------------------------------------


def test_pages_from_flat_to_move(caseworker_client):
    client = caseworker_client
    actor = caseworker()
    case = make_case(actor, name="Familie Bondarenko")
    response = client.post(
        reverse("cases:district_create"),
        {"name": "Lindenau", "latitude": "51.3380", "longitude": "12.3350"},
    )
    assert response.status_code == 302
    from funding_helpers import organisation

    provider = organisation("Wohnungsgenossenschaft Kontakt", "provider")
    district = make_district(actor, "Lindenau")
    response = client.post(
        reverse("cases:flat_create"),
        {
            "provider": provider.pk,
            "address": "Merseburger Str. 20",
            "district": district.pk,
            "rooms": "3",
            "max_persons": "4",
            "barrier_free": "on",
            "school_nearby": "on",
            "features": ["balcony"],
            "available_from": "2026-01-15",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    flat = Flat.objects.get()
    assert flat.features == ["balcony"] and flat.barrier_free
    response = client.post(
        reverse("cases:housing_request_create", args=[case.pk]),
        {
            "adults": "2",
            "seniors": "0",
            "school_children": "1",
            "kita_children": "0",
            "barrier_free": "on",
            "wished_districts": [district.pk],
            "anchor_districts": [district.pk],
            "features": ["balcony"],
            "waiting_since": "2026-01-10",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(reverse("cases:housing_run_start"))
    run = EngineRun.objects.get()
    assert response["Location"] == reverse("cases:housing_run_detail", args=[run.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Merseburger Str. 20" in page and "Gewünschter Stadtteil" in page  # German labels
    proposal = FlatProposal.objects.get()
    client.post(reverse("cases:flat_proposal_decide", args=[proposal.pk, "confirm"]))
    request = HousingRequest.objects.get()
    page = client.get(case.get_absolute_url()).content.decode()
    assert (
        "Merseburger Str. 20" in page and reverse("cases:housing_move", args=[request.pk]) in page
    )
    response = client.post(
        reverse("cases:housing_move", args=[request.pk]), {"moved_on": "2026-01-20"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == HousingRequestStatus.MOVED


def test_bad_input_is_shown_on_the_form_never_a_server_error(caseworker_client):
    client = caseworker_client
    case = make_case(caseworker())
    response = client.post(
        reverse("cases:housing_request_create", args=[case.pk]),
        {"adults": "0", "seniors": "0", "school_children": "x", "waiting_since": "2026-01-10"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.post(
        reverse("cases:housing_request_create", args=[case.pk]),
        {
            "adults": "0",
            "seniors": "0",
            "school_children": "2",
            "kita_children": "0",
            "waiting_since": "2026-01-10",
        },
    )
    with translation.override("de"):
        expected = gettext("A household waiting for a flat has at least one adult.")
    assert expected in str(response.context["form"].non_field_errors())
    response = client.post(reverse("cases:housing_run_start"), follow=True)
    assert response.status_code == 200
    with translation.override("de"):
        expected = gettext("No request is waiting.")
    assert [str(m) for m in response.context["messages"]] == [expected]
    assert client.post(reverse("cases:flat_proposal_decide", args=[999, "x"])).status_code == 404


def test_erasing_the_case_takes_its_housing_requests_and_profiles_with_it():
    from passgenau.apps.cases.services.erasure import case_erase

    actor, flat, request, proposal = _proposed()
    other = make_housing_request(make_case(actor, name="Other"), adults=1)
    make_flat(actor, max_persons=1, address="Second flat")
    services.flat_proposal_confirm(actor=actor, proposal=proposal)
    second = services.allocation_run(actor=actor)
    assert [h["id"] for h in second.snapshot["households"]] == [f"R{other.pk}"]
    first = EngineRun.objects.get(number=1)
    assert f"R{request.pk}" in [h["id"] for h in first.snapshot["households"]]
    assert case_erase(actor=actor, case=request.case, data={"reason": "request"}) is False
    assert not HousingRequest.objects.filter(pk=request.pk).exists()
    assert not FlatProposal.objects.filter(pk=proposal.pk).exists()
    first.refresh_from_db()
    assert f"R{request.pk}" not in str(first.snapshot) and first.snapshot["erased"] == 1
    second.refresh_from_db()
    assert "erased" not in second.snapshot  # it never held the erased household
    assert HousingRequest.objects.filter(pk=other.pk).exists()
    assert Flat.objects.filter(pk=flat.pk).exists()


def test_a_barrier_free_or_care_need_is_health_data(client):
    from accounts_helpers import login_client

    actor = caseworker()
    without = make_case(actor, purposes={"case_management"}, name="Without")
    with pytest.raises(CasesError, match="consent"):
        make_housing_request(without, barrier_free=True)
    with pytest.raises(CasesError, match="consent"):
        make_housing_request(without, care_need=True)
    make_housing_request(without)  # the household waits, its need is not recorded
    case = make_case(actor, name="With")
    make_housing_request(case, barrier_free=True)

    def requests_on_the_case_page(user) -> str:
        login_client(client, user)
        page = client.get(case.get_absolute_url()).content.decode()
        return page.split('data-testid="housing-requests"')[1].split("</ul>")[0]

    with translation.override("de"):
        word = gettext("barrier-free")
    assert word in requests_on_the_case_page(actor)  # the responsible caseworker, with consent
    colleague = caseworker("colleague", actor.organisation)
    assert word not in requests_on_the_case_page(colleague)
    overview = client.get(reverse("cases:housing")).content.decode()
    assert case.reference in overview and "Barrierefrei" in overview  # the flats' column only
    assert overview.count("Barrierefrei") == 1
