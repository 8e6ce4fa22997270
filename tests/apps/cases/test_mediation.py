"""Language mediation: the pool, a case's appointments, the run through the engine when many
requests meet few mediators (checked against a brute force on small instances), the weekly
capacity, the mediator's confirmation, the hours as specialist hours, what the mediator is told
(never the note, never health data), access, the audit trail, reproduction and erasure."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import Counter
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from cases_helpers import (
    caseworker,
    make_case,
    make_contract,
    make_district,
    make_mediation_request,
    make_mediator,
    next_weekday,
)
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.cases.models import (
    EngineRun,
    HourEntry,
    MediationRequest,
    MediationRequestStatus,
    Mediator,
    MediatorProposal,
    ProposalStatus,
)
from passgenau.apps.cases.services import CasesError, hours_correct
from passgenau.apps.cases.services import mediation as services
from passgenau.apps.cases.services.matching import engine_rerun

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
MONDAY = next_weekday(0)


def fits(request, mediator) -> bool:
    """The hard criteria of mediation-v1 from the models' fields."""
    return (
        request.language in mediator.languages
        and request.area in mediator.areas
        and mediator.free_at(request.on, request.part)
    )


def _week(day: dt.date) -> tuple[int, int]:
    return tuple(day.isocalendar())[:2]


def within_limits(placed) -> bool:
    """(request, mediator) pairs that book no mediator twice at one half-day and none past its
    appointments or (where set) hours a week."""
    times = [(m.pk, r.time_tag) for r, m in placed]
    weeks = Counter((m.pk, _week(r.on)) for r, m in placed)
    minutes = Counter()
    for r, m in placed:
        minutes[(m.pk, _week(r.on))] += r.minutes
    mediator = {m.pk: m for _r, m in placed}
    return (
        len(times) == len(set(times))
        and all(n <= mediator[pk].capacity for (pk, _w), n in weeks.items())
        and all(
            mediator[pk].hours_a_week is None or n <= mediator[pk].hours_a_week * 60
            for (pk, _w), n in minutes.items()
        )
    )


def best_assignment(requests, mediators, score) -> tuple[int, float]:
    """The optimum by brute force over every assignment: the most appointments that get a
    mediator under the hard criteria, one appointment per mediator and half-day and at most its
    capacity (and hours) a week; among those the highest total score
    (``score[(request, mediator)]``)."""
    best = (0, 0.0)
    for choice in itertools.product(range(-1, len(mediators)), repeat=len(requests)):
        placed = [(r, mediators[j]) for r, j in zip(requests, choice, strict=True) if j >= 0]
        if all(fits(r, m) for r, m in placed) and within_limits(placed):
            total = round(sum(score[(r.pk, m.pk)] for r, m in placed), 6)
            best = max(best, (len(placed), total))
    return best


def _check(run, requests, mediators):
    proposals = list(MediatorProposal.objects.filter(run=run).select_related("request", "mediator"))
    for p in proposals:
        assert fits(p.request, p.mediator)
    # one appointment at a time, never past a mediator's appointments a week
    assert within_limits([(p.request, p.mediator) for p in proposals])
    return proposals


@pytest.mark.parametrize("seed", range(40))
def test_the_run_is_the_brute_force_optimum_within_the_weekly_capacity(seed):
    rng = random.Random(seed)
    actor = caseworker()
    district = make_district(actor, "Grünau")
    mediators = [
        make_mediator(
            actor,
            name=f"Mediator {j}",
            languages=rng.sample(["uk", "ar"], rng.randint(1, 2)),
            areas=rng.sample(["doctor", "school"], rng.randint(1, 2)),
            slots=rng.sample(["mon_am", "tue_am", "wed_pm", "thu_am"], rng.randint(1, 4)),
            capacity=rng.randint(1, 3),
            hours_a_week=rng.choice([None, 1, 2]),
            districts=[district] if rng.random() < 0.5 else [],
        )
        for j in range(rng.randint(1, 3))
    ]
    days = {"mon_am": 0, "tue_am": 1, "wed_pm": 2, "thu_am": 3}
    requests = []
    for i in range(rng.randint(1, 6)):
        slot = rng.choice(list(days))
        requests.append(
            make_mediation_request(
                make_case(actor, name=f"Household {i}"),
                language=rng.choice(["uk", "ar"]),
                area=rng.choice(["doctor", "school"]),
                on=MONDAY + dt.timedelta(days=days[slot] + rng.choice([0, 0, 0, 7])),
                at="09:00" if slot.endswith("am") else "14:00",
                district=district if rng.random() < 0.5 else None,
                minutes=rng.choice([30, 60, 90]),
            )
        )
    try:
        run = services.mediation_run(actor=actor)
    except CasesError:  # no mediator is free at any of the times
        assert best_assignment(requests, mediators, {}) == (0, 0.0)
        return
    proposals = _check(run, requests, mediators)
    instance = engine_rerun(run).instance
    by_id = {f"A{r.pk}": r.pk for r in requests}
    score = {
        (by_id[instance.household_ids[h]], int(instance.site_ids[s][1:].split("@")[0])): float(v)
        for h, s, v in zip(
            instance.pair_household, instance.pair_site, instance.pair_score, strict=True
        )
    }
    # the engine allows exactly the pairs that meet the hard criteria, at the request's week
    assert set(score) == {(r.pk, m.pk) for r in requests for m in mediators if fits(r, m)}
    found = (len(proposals), round(sum(float(p.score) for p in proposals), 6))
    assert found == pytest.approx(best_assignment(requests, mediators, score), abs=1e-4)


def test_the_weekly_capacity_does_not_cost_an_appointment_its_mediator():
    """Failed before the weekly capacity was the engine's: the run placed both appointments
    with the mediator who works in the district, then forbade the weaker one past its one
    appointment a week and left it without anyone, though the other mediator was free for the
    first one."""
    actor = caseworker()
    district = make_district(actor, "Grünau")
    near = make_mediator(actor, name="Near", capacity=1, districts=[district])
    other = make_mediator(actor, name="Other", slots=["mon_am"])
    monday = make_mediation_request(make_case(actor, name="A"), on=MONDAY, district=district)
    tuesday = make_mediation_request(make_case(actor, name="B"), on=MONDAY + dt.timedelta(1))
    run = services.mediation_run(actor=actor)
    proposed = {p.request_id: p.mediator for p in MediatorProposal.objects.filter(run=run)}
    assert proposed == {monday.pk: other, tuesday.pk: near}
    assert run.result["unplaced"] == []


def test_two_appointments_in_a_week_with_room_for_one_the_second_goes_elsewhere_or_waits():
    """One mediator with room for one appointment a week: of two appointments that week the
    second stays unassigned (the reason: no room), once the first is booked still; when another
    mediator is free at its time, it goes to that one."""
    actor = caseworker()
    first = make_mediator(actor, name="First", capacity=1)
    monday = make_mediation_request(make_case(actor, name="A"), on=MONDAY)
    tuesday = make_mediation_request(make_case(actor, name="B"), on=MONDAY + dt.timedelta(1))
    run = services.mediation_run(actor=actor)
    proposal = MediatorProposal.objects.get(run=run)
    assert proposal.mediator == first
    waiting = ({monday.pk, tuesday.pk} - {proposal.request_id}).pop()
    assert run.result["unplaced"] == [{"id": f"A{waiting}", "reason": "capacity"}]
    services.mediator_proposal_confirm(actor=actor, proposal=proposal)
    # booked, the week is full: no place for the one still waiting
    with pytest.raises(CasesError, match="No place is free"):
        services.mediation_run(actor=actor)
    # the next week has room, and a second mediator is free on Tuesdays
    second = make_mediator(actor, name="Second", slots=["tue_am"])
    later = make_mediation_request(make_case(actor, name="C"), on=MONDAY + dt.timedelta(7))
    run = services.mediation_run(actor=actor)
    proposed = {p.request_id: p.mediator for p in MediatorProposal.objects.filter(run=run)}
    assert proposed == {later.pk: first, **({waiting: second} if waiting == tuesday.pk else {})}
    if waiting == monday.pk:  # the second mediator is not free on Mondays
        assert run.result["unplaced"] == [{"id": f"A{waiting}", "reason": "no_allowed_site"}]
    assert all(
        len({p.request_id for p in m.proposals.all() if _week(p.request.on) == _week(MONDAY)})
        <= m.capacity
        for m in (first, second)
    )


def test_a_mediators_hours_a_week_are_kept_with_what_it_holds():
    """Two hours a week, five appointments: of three one-hour appointments in a week two are
    proposed; once one is booked and an hour and a half is asked on another day, no more than
    the hour left is given."""
    actor = caseworker()
    make_mediator(actor, capacity=5, hours_a_week=2)
    days = [MONDAY + dt.timedelta(days=k) for k in range(3)]
    requests = [
        make_mediation_request(make_case(actor, name=f"H{k}"), on=d) for k, d in enumerate(days)
    ]
    run = services.mediation_run(actor=actor)
    proposals = list(MediatorProposal.objects.filter(run=run))
    assert len(proposals) == 2 and [u["reason"] for u in run.result["unplaced"]] == ["capacity"]
    services.mediator_proposal_confirm(actor=actor, proposal=proposals[0])
    services.mediator_proposal_decline(actor=actor, proposal=proposals[1])
    # one hour left this week; an hour and a half on Thursday does not fit, the hour does
    thursday = make_mediation_request(
        make_case(actor, name="Long"), on=MONDAY + dt.timedelta(3), minutes=90
    )
    run = services.mediation_run(actor=actor)
    got = {p.request_id for p in MediatorProposal.objects.filter(run=run)}
    waiting = {r.pk for r in requests} - {proposals[0].request_id, proposals[1].request_id}
    assert got == waiting and thursday.pk not in got
    assert run.snapshot["sites"][0]["capacity"]["week:minutes"] == 60
    with pytest.raises(CasesError, match="hours a week"):
        make_mediator(actor, hours_a_week=61)


def test_many_requests_few_mediators_and_a_declined_mediator_is_not_proposed_again():
    actor = caseworker()
    first = make_mediator(actor, name="First")
    second = make_mediator(actor, name="Second")
    tuesday = next_weekday(1)
    requests = [
        make_mediation_request(make_case(actor, name=f"H{i}"), on=tuesday) for i in range(3)
    ]
    run = services.mediation_run(actor=actor)
    proposals = list(MediatorProposal.objects.filter(run=run))
    assert len(proposals) == 2 and {p.mediator for p in proposals} == {first, second}
    assert len(run.result["unplaced"]) == 1
    assert run.snapshot["sites"] and all("@" in s["id"] for s in run.snapshot["sites"])
    declined = proposals[0]
    services.mediator_proposal_decline(actor=actor, proposal=declined)
    request = MediationRequest.objects.get(pk=declined.request_id)
    assert request.status == MediationRequestStatus.WAITING
    again = services.mediation_run(actor=actor)
    # the declined mediator is the only one free at that time: the appointment gets no one
    assert not MediatorProposal.objects.filter(run=again, request=request).exists()
    assert {r.status for r in MediationRequest.objects.filter(pk__in=[r.pk for r in requests])} >= {
        MediationRequestStatus.PROPOSED
    }


def test_the_weekly_capacity_and_the_booked_times_are_kept():
    actor = caseworker()
    mediator = make_mediator(actor, capacity=1)
    monday, tuesday = MONDAY, MONDAY + dt.timedelta(days=1)
    a = make_mediation_request(make_case(actor, name="A"), on=monday)
    b = make_mediation_request(make_case(actor, name="B"), on=tuesday)
    c = make_mediation_request(make_case(actor, name="C"), on=monday + dt.timedelta(days=7))
    run = services.mediation_run(actor=actor)
    proposed = {p.request_id for p in MediatorProposal.objects.filter(run=run)}
    assert c.pk in proposed and len(proposed & {a.pk, b.pk}) == 1  # one a week
    # a site per mediator and week: the engine on the run's snapshot agrees
    again = engine_rerun(run)
    assert sorted((h, s) for h, s, _ in again.placements()) == sorted(
        (f"A{p.request_id}", f"S{mediator.pk}@{services.week_of(p.request.on)}")
        for p in MediatorProposal.objects.filter(run=run).select_related("request")
    )
    assert run.input_hash == again.instance.input_hash()


def test_confirm_books_and_the_hours_are_specialist_hours_of_the_case():
    from passgenau.apps.cases.selectors import statement

    actor = caseworker()
    make_mediator(actor)
    case = make_case(actor)
    request = make_mediation_request(case, on=TODAY, at="08:00")
    contract = make_contract()
    run = services.mediation_run(actor=actor)
    assignment = MediatorProposal.objects.get(run=run)
    with pytest.raises(CasesError, match="booked"):
        services.assignment_hours_log(
            actor=actor, assignment=assignment, contract=contract, hours=Decimal("1.5")
        )
    services.mediator_proposal_confirm(actor=actor, proposal=assignment)
    request.refresh_from_db()
    assert request.status == MediationRequestStatus.BOOKED
    services.assignment_hours_log(
        actor=actor, assignment=assignment, contract=contract, hours=Decimal("1.5")
    )
    request.refresh_from_db()
    assert request.status == MediationRequestStatus.DONE
    entry = HourEntry.objects.get(assignment=assignment)
    assert entry.case == case and entry.activity == "mediation" and entry.on == TODAY
    correction = hours_correct(actor=actor, entry=entry, hours=Decimal("-0.5"), reason="Ende 9:00")
    assert correction.assignment == assignment  # the correction names the assignment too
    with pytest.raises(CasesError, match="quarter"):
        services.assignment_hours_log(
            actor=actor, assignment=assignment, contract=contract, hours=Decimal("0.3")
        )
    lines = statement(contract=contract, first_day=TODAY.replace(day=1), last_day=TODAY).lines
    assert [(line.case_reference, line.hours) for line in lines] == [
        (case.reference, Decimal("1.00"))
    ]


def test_a_second_booking_at_the_same_time_is_refused():
    actor = caseworker()
    mediator = make_mediator(actor)
    tuesday = next_weekday(1)
    make_mediation_request(make_case(actor, name="A"), on=tuesday)
    first = MediatorProposal.objects.get(run=services.mediation_run(actor=actor))
    services.mediator_proposal_confirm(actor=actor, proposal=first)
    make_mediation_request(make_case(actor, name="B"), on=tuesday, at="10:30")
    with pytest.raises(CasesError, match="No place is free"):  # booked that half-day
        services.mediation_run(actor=actor)
    assert mediator.proposals.count() == 1


def test_request_and_mediator_rules():
    actor = caseworker()
    case = make_case(actor)
    with pytest.raises(CasesError, match="past"):
        make_mediation_request(case, on=TODAY - dt.timedelta(days=1))
    with pytest.raises(CasesError, match="6:00"):
        make_mediation_request(case, at="23:00")
    with pytest.raises(CasesError, match="where"):
        make_mediation_request(case, place=" ")
    with pytest.raises(CasesError, match="area of work"):
        make_mediator(actor, areas=())
    with pytest.raises(CasesError, match="free"):
        services.mediator_create(
            actor=actor, name="X", languages=["uk"], areas=["doctor"], capacity=2
        )
    with pytest.raises(CasesError, match="ends on or after"):
        make_mediator(actor, periods=[(TODAY, TODAY - dt.timedelta(days=1))])
    mediator = make_mediator(actor, slots=[], periods=[(MONDAY, MONDAY)])
    assert mediator.free_at(MONDAY, "eve") and not mediator.free_at(MONDAY + dt.timedelta(1), "am")
    # a case has as many appointments as it needs
    make_mediation_request(case)
    make_mediation_request(case, area="school")
    assert case.mediation_requests.count() == 2


def test_the_note_is_health_data_and_never_told_to_the_mediator(client):
    from accounts_helpers import login_client

    actor = caseworker()
    without = make_case(actor, purposes={"case_management"}, name="Without")
    with pytest.raises(CasesError, match="consent"):
        make_mediation_request(without, note="Schwangerschaftsvorsorge")
    make_mediator(actor)
    case = make_case(actor, name="Tetiana Melnyk")
    make_mediation_request(case, note="Schwangerschaftsvorsorge")
    assignment = MediatorProposal.objects.get(run=services.mediation_run(actor=actor))
    services.mediator_proposal_confirm(actor=actor, proposal=assignment)

    def page(user, url) -> str:
        login_client(client, user)
        return client.get(url).content.decode()

    assert "Schwangerschaftsvorsorge" in page(actor, case.get_absolute_url())
    sheet = page(actor, assignment.get_absolute_url())
    told = sheet.split('data-testid="mediator-sheet"')[1].split("</dl>")[0]
    assert case.reference in told and "Praxis Dr. Weber" in told
    assert "Schwangerschaftsvorsorge" not in sheet and "Tetiana" not in told
    colleague = caseworker("colleague", actor.organisation)
    assert "Schwangerschaftsvorsorge" not in page(colleague, case.get_absolute_url())
    assert "Schwangerschaftsvorsorge" not in page(colleague, reverse("cases:mediation"))
    for entry in AuditEntry.objects.all():
        assert "Schwangerschaft" not in f"{entry.object_repr} {entry.data}"


def test_another_organisation_and_other_roles_are_refused(user_for_role):
    from funding_helpers import organisation

    actor = caseworker()
    make_mediator(actor)
    make_mediation_request(make_case(actor))
    proposal = MediatorProposal.objects.get(run=services.mediation_run(actor=actor))
    stranger = caseworker("stranger", organisation("Caritas", "provider"))
    with pytest.raises(CasesError, match="may not"):
        services.mediator_proposal_confirm(actor=stranger, proposal=proposal)
    with pytest.raises(CasesError, match="No request is waiting"):
        services.mediation_run(actor=stranger)
    for role in ("coordinator", "interviewer", "funder", "lotse"):
        with pytest.raises(CasesError, match="may not"):
            services.mediation_run(actor=user_for_role(role))


def test_pages_from_mediator_to_hours_audited_with_pseudonyms_only(caseworker_client):
    client = caseworker_client
    actor = caseworker()
    case = make_case(actor, name="Familie Hassan")
    contract = make_contract()
    district = make_district(actor, "Grünau")
    response = client.post(
        reverse("cases:mediator_create"),
        {
            "name": "Samira Sprachmittlerin",
            "languages": ["ar", "de"],
            "areas": ["doctor", "school"],
            "slots": ["tue_am"],
            "periods": f"{TODAY.isoformat()} {TODAY.isoformat()}",
            "districts": [district.pk],
            "capacity": "3",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mediator = Mediator.objects.get()
    assert mediator.periods == [[TODAY.isoformat(), TODAY.isoformat()]]
    response = client.post(
        reverse("cases:mediation_request_create", args=[case.pk]),
        {
            "area": "doctor",
            "language": "ar",
            "on": TODAY.isoformat(),
            "starts_at": "08:30",
            "minutes": "60",
            "place": "Kinderarztpraxis, Eisenbahnstr. 1",
            "district": district.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(reverse("cases:mediation_run_start"))
    run = EngineRun.objects.get(programme="mediation")
    assert response["Location"] == reverse("cases:mediation_run_detail", args=[run.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Samira Sprachmittlerin" in page and "Arbeitet im Stadtteil des Termins" in page
    proposal = MediatorProposal.objects.get()
    response = client.post(reverse("cases:mediator_proposal_decide", args=[proposal.pk, "confirm"]))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED
    response = client.post(proposal.get_absolute_url(), {"contract": contract.pk, "hours": "1.25"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert HourEntry.objects.get(assignment=proposal).hours == Decimal("1.25")
    assert "1,25" in client.get(proposal.get_absolute_url()).content.decode()  # German
    bad = client.post(proposal.get_absolute_url(), {"contract": contract.pk, "hours": "x"})
    assert bad.status_code == 200 and bad.context["form"].errors
    assert (
        client.post(reverse("cases:mediator_proposal_decide", args=[proposal.pk, "x"])).status_code
        == 404
    )
    with translation.override("de"):
        expected = gettext("No request is waiting.")
    response = client.post(reverse("cases:mediation_run_start"), follow=True)
    assert [str(m) for m in response.context["messages"]] == [expected]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "cases.mediator.created",
        "cases.mediationrequest.created",
        "cases.enginerun.started",
        "cases.mediatorproposal.status_changed",
        "cases.mediationrequest.status_changed",
        "cases.hourentry.recorded",
        "cases.mediatorproposal.read",
    } <= actions
    for entry in AuditEntry.objects.all():
        text = f"{entry.object_repr} {entry.data}"
        assert "Samira" not in text and "Hassan" not in text and "Kinderarzt" not in text


def test_withdrawing_a_booked_appointment_frees_the_mediator():
    actor = caseworker()
    mediator = make_mediator(actor, capacity=1)
    request = make_mediation_request(make_case(actor))
    proposal = MediatorProposal.objects.get(run=services.mediation_run(actor=actor))
    services.mediator_proposal_confirm(actor=actor, proposal=proposal)
    services.mediation_request_withdraw(actor=actor, request=request)
    proposal.refresh_from_db()
    request.refresh_from_db()
    assert proposal.status == ProposalStatus.ENDED
    assert request.status == MediationRequestStatus.WITHDRAWN
    make_mediation_request(make_case(actor, name="Next"), on=request.on)
    run = services.mediation_run(actor=actor)
    assert MediatorProposal.objects.get(run=run).mediator == mediator


def test_erasing_the_case_takes_its_appointments_and_keeps_the_billed_hours():
    from passgenau.apps.cases.services.erasure import case_erase

    actor = caseworker()
    make_mediator(actor)
    case = make_case(actor)
    make_mediation_request(case, on=TODAY, at="08:00")
    assignment = MediatorProposal.objects.get(run=services.mediation_run(actor=actor))
    services.mediator_proposal_confirm(actor=actor, proposal=assignment)
    services.assignment_hours_log(
        actor=actor, assignment=assignment, contract=make_contract(), hours=Decimal("1")
    )
    assert case_erase(actor=actor, case=case, data={"reason": "request"}) is True
    assert not MediationRequest.objects.exists() and not MediatorProposal.objects.exists()
    entry = HourEntry.objects.get(case=case)
    assert entry.assignment is None and entry.hours == Decimal("1.00")
    run = EngineRun.objects.get()
    assert run.snapshot["households"] == [] and run.snapshot["erased"] == 1
