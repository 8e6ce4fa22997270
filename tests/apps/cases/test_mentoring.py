"""Mentoring: mentors and requests, the matching run through the engine (checked against a
brute force on small instances), both sides' acceptance, capacity, meetings, access, the audit
trail and erasure."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from django.urls import reverse

from cases_helpers import caseworker, make_case, make_mentee_request, make_mentor
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.cases.models import (
    EngineRun,
    MenteeRequest,
    MenteeRequestStatus,
    Mentor,
    MentorMeeting,
    MentorProposal,
    ProposalStatus,
)
from passgenau.apps.cases.services import CasesError, TransitionError
from passgenau.apps.cases.services import mentoring as services

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def fits(request, mentor) -> bool:
    """The hard criteria of mentoring-v1 from the models' fields: a language both speak and a
    time both are free."""
    return bool(set(request.languages) & set(mentor.languages)) and bool(
        set(request.slots) & set(mentor.slots)
    )


def best_matched(requests, mentors) -> int:
    """The most newcomers that can get a mentor within the mentors' capacities: every
    assignment tried."""
    best = 0
    for choice in itertools.product(range(-1, len(mentors)), repeat=len(requests)):
        if any(j >= 0 and not fits(r, mentors[j]) for r, j in zip(requests, choice, strict=True)):
            continue
        if any(choice.count(j) > m.capacity for j, m in enumerate(mentors)):
            continue
        best = max(best, sum(j >= 0 for j in choice))
    return best


@pytest.mark.parametrize("seed", range(12))
def test_matching_respects_hard_criteria_and_pairs_as_many_as_a_brute_force(seed):
    rng = random.Random(seed)
    actor = caseworker()
    languages, slots = ["uk", "ru", "ar", "de"], ["mon_am", "tue_pm", "sat_am"]
    mentors = [
        make_mentor(
            actor,
            name=f"Mentor {j}",
            languages=rng.sample(languages, rng.randint(1, 2)),
            slots=rng.sample(slots, rng.randint(1, 2)),
            capacity=rng.randint(1, 2),
        )
        for j in range(rng.randint(1, 3))
    ]
    requests = [
        make_mentee_request(
            make_case(actor, name=f"Newcomer {i}"),
            own_language=rng.choice(languages),
            slots=rng.sample(slots, rng.randint(1, 2)),
        )
        for i in range(rng.randint(1, 5))
    ]
    run = services.mentoring_run(actor=actor)
    proposals = list(MentorProposal.objects.filter(run=run).select_related("request", "mentor"))
    for p in proposals:
        assert fits(p.request, p.mentor), (p.request.languages, p.mentor.languages)
    for m in mentors:
        assert sum(p.mentor_id == m.pk for p in proposals) <= m.capacity
    assert len(proposals) == best_matched(requests, mentors)


def test_the_own_language_and_the_kind_of_mentor_count():
    actor = caseworker()
    local = make_mentor(actor, name="Local", kind="local", languages=["de", "ru"])
    peer = make_mentor(actor, name="Peer", kind="peer", languages=["de", "uk"])
    request = make_mentee_request(
        make_case(actor), own_language="uk", languages=["de"], wish="peer"
    )
    run = services.mentoring_run(actor=actor)
    proposal = MentorProposal.objects.get(run=run)
    assert proposal.mentor == peer and proposal.request == request
    assert run.snapshot["sites"][0]["capacity"] == {"households": 1}
    criteria = {c["criterion"] for c in proposal.explanation["contributions"]}
    assert {"own_language", "kind_of_mentor"} <= criteria
    assert proposal.explanation["alternatives"][0]["site_name"] == local.reference  # no names


def _proposed(actor=None, **mentor):
    actor = actor or caseworker()
    mentor = make_mentor(actor, **mentor)
    request = make_mentee_request(make_case(actor))
    services.mentoring_run(actor=actor)
    return actor, mentor, request, MentorProposal.objects.get(request=request)


def test_both_sides_accept_then_meetings_are_logged():
    actor, _mentor, request, proposal = _proposed()
    services.mentor_proposal_accept(actor=actor, proposal=proposal, side="mentee", on=TODAY)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED and proposal.paired_on is None
    with pytest.raises(CasesError, match="both sides accepted"):
        services.meeting_record(actor=actor, pair=proposal, on=TODAY, minutes=60, kind="in_person")
    with pytest.raises(CasesError, match="already accepted"):
        services.mentor_proposal_accept(actor=actor, proposal=proposal, side="mentee")
    services.mentor_proposal_accept(actor=actor, proposal=proposal, side="mentor", on=TODAY)
    proposal.refresh_from_db()
    request.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.paired_on == TODAY
    assert request.status == MenteeRequestStatus.MATCHED
    with pytest.raises(TransitionError):
        services.mentor_proposal_accept(actor=actor, proposal=proposal, side="mentor")
    with pytest.raises(CasesError, match="future"):
        services.meeting_record(
            actor=actor, pair=proposal, on=TODAY + dt.timedelta(days=1), minutes=60, kind="phone"
        )
    with pytest.raises(CasesError, match="before both sides accepted"):
        services.meeting_record(
            actor=actor, pair=proposal, on=TODAY - dt.timedelta(days=1), minutes=60, kind="phone"
        )
    with pytest.raises(CasesError, match="5 to 720"):
        services.meeting_record(actor=actor, pair=proposal, on=TODAY, minutes=1, kind="phone")
    services.meeting_record(actor=actor, pair=proposal, on=TODAY, minutes=90, kind="in_person")
    assert MentorMeeting.objects.get().minutes == 90


def test_the_sides_and_dates_are_checked():
    actor, _mentor, _request, proposal = _proposed()
    with pytest.raises(CasesError, match="Say who accepted"):
        services.mentor_proposal_accept(actor=actor, proposal=proposal, side="caseworker")
    with pytest.raises(CasesError, match="before the proposal"):
        services.mentor_proposal_accept(
            actor=actor, proposal=proposal, side="mentee", on=TODAY - dt.timedelta(days=3)
        )


def test_a_declined_mentor_is_not_proposed_again_and_a_full_mentor_gets_no_one():
    actor, mentor, request, proposal = _proposed()
    services.mentor_proposal_decline(actor=actor, proposal=proposal)
    request.refresh_from_db()
    assert request.status == MenteeRequestStatus.WAITING
    other = make_mentor(actor, name="Other")
    run = services.mentoring_run(actor=actor)
    pair = MentorProposal.objects.get(run=run)
    assert pair.mentor == other
    for side in services.SIDES:
        services.mentor_proposal_accept(actor=actor, proposal=pair, side=side)
    # both mentors' single places: one declined the newcomer, the other is taken now
    make_mentee_request(make_case(actor, name="Next"))
    run = services.mentoring_run(actor=actor)
    assert [s["id"] for s in run.snapshot["sites"]] == [f"M{mentor.pk}"]
    services.pair_end(actor=actor, pair=pair)
    pair.refresh_from_db()
    assert pair.status == ProposalStatus.ENDED and pair.ended_on == TODAY
    make_mentee_request(make_case(actor, name="Third"))
    run = services.mentoring_run(actor=actor)  # the ended pair gave the mentor room again
    assert f"M{other.pk}" in [s["id"] for s in run.snapshot["sites"]]


def test_the_capacity_cannot_go_below_the_newcomers_accompanied():
    actor = caseworker()
    mentor = make_mentor(actor, capacity=2)
    for name in ("A", "B"):
        make_mentee_request(make_case(actor, name=name))
    services.mentoring_run(actor=actor)
    assert MentorProposal.objects.filter(mentor=mentor).count() == 2
    fields = {
        "name": mentor.name,
        "kind": mentor.kind,
        "languages": mentor.languages,
        "slots": mentor.slots,
    }
    with pytest.raises(CasesError, match="already accompanies"):
        services.mentor_update(actor=actor, mentor=mentor, capacity=1, **fields)
    services.mentor_update(actor=actor, mentor=mentor, capacity=3, **fields)


def test_request_and_mentor_rules():
    actor = caseworker()
    case = make_case(actor)
    with pytest.raises(CasesError, match="free time"):
        make_mentee_request(case, slots=())
    with pytest.raises(CasesError, match="Unknown value"):
        make_mentee_request(case, slots=("someday",))
    with pytest.raises(CasesError, match="1 to 5"):
        make_mentor(actor, capacity=9)
    with pytest.raises(CasesError, match="at least one language"):
        make_mentor(actor, languages=())
    make_mentee_request(case)
    with pytest.raises(CasesError, match="already waits"):
        make_mentee_request(case)
    with pytest.raises(CasesError, match="No place is free"):
        services.mentoring_run(actor=actor)


def test_another_organisation_and_other_roles_are_refused(user_for_role):
    from funding_helpers import organisation

    _actor, _mentor, _request, proposal = _proposed()
    stranger = caseworker("stranger", organisation("Caritas", "provider"))
    with pytest.raises(CasesError, match="may not"):
        services.mentor_proposal_accept(actor=stranger, proposal=proposal, side="mentee")
    with pytest.raises(CasesError, match="No request is waiting"):
        services.mentoring_run(actor=stranger)
    for role in ("coordinator", "interviewer", "funder", "lotse"):
        with pytest.raises(CasesError, match="may not"):
            services.mentoring_run(actor=user_for_role(role))


def test_reads_and_changes_are_audited_with_pseudonyms_only(caseworker_client):
    actor, mentor, request, proposal = _proposed(name="Iryna Shevchenko")
    for side in services.SIDES:
        services.mentor_proposal_accept(actor=actor, proposal=proposal, side=side)
    caseworker_client.get(reverse("cases:mentoring"))
    caseworker_client.get(reverse("cases:mentor_pair", args=[proposal.pk]))
    caseworker_client.get(reverse("cases:mentor_edit", args=[mentor.pk]))
    caseworker_client.get(request.case.get_absolute_url())
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "cases.mentor.created",
        "cases.menteerequest.created",
        "cases.enginerun.started",
        "cases.mentorproposal.accepted",
        "cases.mentorproposal.status_changed",
        "cases.mentor.list",
        "cases.mentor.read",
        "cases.mentorproposal.read",
        "cases.menteerequest.list",
    } <= actions
    for entry in AuditEntry.objects.all():
        text = f"{entry.object_repr} {entry.data}"
        assert "Iryna" not in text and "Olena" not in text


def test_pages_from_mentor_to_meeting(caseworker_client):
    client = caseworker_client
    actor = caseworker()
    case = make_case(actor)
    response = client.post(
        reverse("cases:mentor_create"),
        {
            "name": "Oksana Mentorin",
            "kind": "peer",
            "languages": ["uk", "de"],
            "slots": ["tue_pm", "sat_am"],
            "interests": ["music"],
            "capacity": "2",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mentor = Mentor.objects.get()
    response = client.post(
        reverse("cases:mentee_request_create", args=[case.pk]),
        {"own_language": "uk", "slots": ["tue_pm"], "interests": ["music"], "wish": "peer"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(reverse("cases:mentoring_run_start"))
    run = EngineRun.objects.get(programme="mentoring")
    assert response["Location"] == reverse("cases:mentoring_run_detail", args=[run.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Oksana Mentorin" in page and "Gemeinsame Interessen" in page
    proposal = MentorProposal.objects.get()
    for decision in ("mentee_accept", "mentor_accept"):
        response = client.post(
            reverse("cases:mentor_proposal_decide", args=[proposal.pk, decision])
        )
        assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.mentor == mentor
    response = client.post(
        reverse("cases:mentor_pair", args=[proposal.pk]),
        {"on": TODAY.isoformat(), "minutes": "45", "kind": "in_person"},
    )
    assert response.status_code == 302
    page = client.get(reverse("cases:mentor_pair", args=[proposal.pk])).content.decode()
    assert "45" in page
    case_page = client.get(case.get_absolute_url()).content.decode()
    assert proposal.get_absolute_url() in case_page
    bad = client.post(
        reverse("cases:mentor_pair", args=[proposal.pk]),
        {"on": "x", "minutes": "1", "kind": "in_person"},
    )
    assert bad.status_code == 200 and bad.context["form"].errors
    assert (
        client.post(reverse("cases:mentor_proposal_decide", args=[proposal.pk, "x"])).status_code
        == 404
    )


def test_erasing_the_case_takes_its_mentee_requests_with_it():
    from passgenau.apps.cases.services.erasure import case_erase

    actor, mentor, request, proposal = _proposed()
    for side in services.SIDES:
        services.mentor_proposal_accept(actor=actor, proposal=proposal, side=side)
    services.meeting_record(actor=actor, pair=proposal, on=TODAY, minutes=30, kind="phone")
    case_erase(actor=actor, case=request.case, data={"reason": "request"})
    assert not MenteeRequest.objects.exists() and not MentorProposal.objects.exists()
    assert not MentorMeeting.objects.exists()
    run = EngineRun.objects.get()
    assert run.snapshot["households"] == [] and run.snapshot["erased"] == 1
    assert Mentor.objects.filter(pk=mentor.pk).exists()
