"""Erasure of a mentor (a volunteer of case management): afterwards no table holds its name
(searched in every table with plain SQL and in ``dumpdata``) nor its languages, free times and
interests; its ended pairs and their meetings stay with the newcomers' cases, naming the mentor
only by its reference; only a caseworker of the mentor's organisation erases, with a reason."""

from __future__ import annotations

import datetime as dt

import pytest

from cases_helpers import caseworker, make_case, make_mentee_request, make_mentor
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.cases.models import Mentor, MentorMeeting, MentorProposal, ProposalStatus
from passgenau.apps.cases.services import mentoring
from passgenau.apps.privacy import services
from privacy_helpers import database_text, dumpdata_text, tables_holding
from relocation_helpers import english  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TODAY = dt.date.today()
MARKER = "W3V"
NAME = f"Oleksandra Pavlenko-{MARKER}"


def _paired(*, ended: bool = True):
    """A mentor with a name carrying the marker, paired with a newcomer, one meeting recorded,
    the pair ended (or not)."""
    actor = caseworker()
    mentor = make_mentor(
        actor, name=NAME, languages=("uk", "pl"), slots=("tue_pm", "sat_am"), interests=["music"]
    )
    other = make_mentor(actor, name="Bleibt Erhalten-K9J", languages=("ru",), slots=("mon_am",))
    make_mentee_request(make_case(actor), languages=["uk"], slots=("tue_pm",))
    run = mentoring.mentoring_run(actor=actor)
    pair = MentorProposal.objects.get(run=run)
    assert pair.mentor == mentor
    for side in mentoring.SIDES:
        mentoring.mentor_proposal_accept(actor=actor, proposal=pair, side=side, on=TODAY)
    mentoring.meeting_record(actor=actor, pair=pair, on=TODAY, minutes=90, kind="in_person")
    if ended:
        mentoring.pair_end(actor=actor, pair=pair, on=TODAY)
    return actor, mentor, other, pair


def test_no_table_holds_the_erased_mentors_name():
    actor, mentor, other, _pair = _paired()
    before = database_text()
    # the marker really is there before (else the search below proves nothing)
    assert "cases_mentor" in tables_holding(MARKER, before)
    assert MARKER in dumpdata_text()

    reference = services.mentor_erase(actor=actor, mentor=mentor, reason="request")

    assert reference == mentor.reference
    after = database_text()
    assert tables_holding(MARKER, after) == []
    assert tables_holding("Pavlenko", after) == []
    assert MARKER.lower() not in dumpdata_text().lower()
    # the other mentor is untouched
    assert tables_holding("K9J", after) == ["cases_mentor"]
    other.refresh_from_db()
    assert other.languages == ["ru"] and other.active


def test_the_mentor_keeps_only_a_pseudonymous_shell_and_the_pair_stays():
    actor, mentor, _other, pair = _paired()

    services.mentor_erase(actor=actor, mentor=mentor, reason="consent_withdrawn")

    mentor.refresh_from_db()
    assert mentor.name == mentor.reference
    assert (mentor.languages, mentor.slots, mentor.interests) == ([], [], [])
    assert mentor.district_id is None
    assert mentor.active is False
    # the newcomer's ended pair and its meeting stay, naming the mentor by its reference only
    pair.refresh_from_db()
    assert pair.status == ProposalStatus.ENDED and pair.mentor_id == mentor.pk
    assert MentorMeeting.objects.get(pair=pair).minutes == 90
    # an erased mentor is not proposed again
    make_mentee_request(make_case(actor), languages=["uk"], slots=("tue_pm",))
    run = mentoring.mentoring_run(actor=actor)
    assert f"M{mentor.pk}" not in [s["id"] for s in run.snapshot["sites"]]
    assert not MentorProposal.objects.filter(run=run, mentor=mentor).exists()
    entry = AuditEntry.objects.get(action="cases.mentor.erased")
    assert entry.data == {"reason": "consent_withdrawn"}
    assert entry.actor == actor


def test_an_open_pair_must_end_before_the_erasure():
    actor, mentor, _other, _pair = _paired(ended=False)

    with pytest.raises(services.ErasureError, match="end it first") as raised:
        services.mentor_erase(actor=actor, mentor=mentor, reason="request")

    assert raised.value.code == "open_pairs"
    assert Mentor.objects.get(pk=mentor.pk).name == NAME
    assert not AuditEntry.objects.filter(action="cases.mentor.erased").exists()


def test_only_a_caseworker_of_the_mentors_organisation_erases(user_for_role):
    from funding_helpers import organisation

    _actor, mentor, _other, _pair = _paired()
    stranger = caseworker("stranger", organisation("Caritas", "provider"))
    refused = [stranger] + [
        user_for_role(role) for role in ("coordinator", "interviewer", "funder", "lotse")
    ]
    for user in refused:
        with pytest.raises(services.ErasureError, match="may not erase this mentor"):
            services.mentor_erase(actor=user, mentor=mentor, reason="request")
    assert Mentor.objects.get(pk=mentor.pk).name == NAME


def test_an_erasure_without_a_known_reason_is_refused():
    actor, mentor, _other, _pair = _paired()

    with pytest.raises(services.ErasureError) as raised:
        services.mentor_erase(actor=actor, mentor=mentor, reason="because")

    assert "reason" in raised.value.message_dict
    assert Mentor.objects.get(pk=mentor.pk).name == NAME
