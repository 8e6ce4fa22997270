"""A household that went through everything, built through the services, each free-text field
carrying a marker, so that a test can search the whole database for what is left of it."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from io import StringIO

from django.core.management import call_command
from django.db import connection

from cases_helpers import caseworker, consent
from relocation_helpers import FAMILY, full_answers, make_round, register, user
from relocation_matching_helpers import ONLY_OFFICER, set_capacities

# the categories of a case in the data-subject export (``cases.selectors.subject_access``)
CASE_CATEGORIES = {
    "case",
    "consents",
    "events",
    "health",
    "goals",
    "steps",
    "plan_versions",
    "referrals",
    "notes",
    "hours",
    "housing_requests",
    "flat_proposals",
    "mentee_requests",
    "mentor_pairs",
    "mentor_meetings",
    "mediation_requests",
    "mediator_proposals",
}


@dataclass
class Lived:
    household: object
    control: object
    case: object
    proposal: object


def marked(marker: str) -> dict[str, str]:
    """Registration fields whose every value carries ``marker``."""
    return {
        "contact_name": f"Зоряна Вербицька-{marker}",
        "member_names": f"Зоряна Вербицька-{marker}\nTaras Verbytskyi-{marker}",
        "phone": f"+49 151 {marker} 4421",
        "email": f"zoriana.{marker.lower()}@example.org",
        "current_location": f"Notunterkunft Tegel {marker}",
        "external_reference": f"AKTE-{marker}",
    }


def _interview(round_, household, marker: str) -> None:
    from passgenau.apps.relocation.services import intake

    intake.interview_save(
        actor=user("interviewer"),
        household=household,
        answers=full_answers(
            round_,
            needs=["diabetes"],
            qualifications=f"Zahnärztin aus Charkiw {marker}",
            needs_notes=f"Insulin morgens und abends {marker}",
            notes=f"Spricht leise {marker}",
        ),
        members=FAMILY,
        complete=True,
    )


def lived_household(
    marker: str = "Q7X", control_marker: str = "K8Y", *, read_contact: bool = True
) -> Lived:
    """Registered, interviewed, matched, accepted by both sides, travelled, arrived, surveyed,
    its contact read by the municipality, and a case opened from its arrival with health data,
    a plan, a referral and a note (``read_contact=False``: the municipality does not read the
    contact data). ``control`` is a second household of the round that must
    survive an erasure of the first."""
    from passgenau.apps.cases import services as cases
    from passgenau.apps.relocation.models import Arrival, FollowUpSurvey
    from passgenau.apps.relocation.selectors import decisions as decision_selectors
    from passgenau.apps.relocation.selectors import intake as intake_selectors
    from passgenau.apps.relocation.services import decisions, followup, intake, review, runs, travel

    round_ = make_round()
    set_capacities(round_, ONLY_OFFICER)
    household = register(round_, **marked(marker))
    control = register(round_, **marked(control_marker))
    for h in (household, control):
        _interview(round_, h, h.contact.contact_name.rsplit("-", 1)[1])
    coordinator, interviewer = user("coordinator"), user("interviewer")
    officer = user("municipal_officer")
    run = runs.run_start(actor=coordinator, round_=round_)
    review.run_publish(actor=coordinator, run=run)
    proposal = run.proposals.get(household=household)
    decisions.proposal_decide_municipality(actor=officer, proposal=proposal, outcome="accept")
    decisions.proposal_decide_household(actor=interviewer, proposal=proposal, outcome="accept")
    proposal.refresh_from_db()
    if read_contact:
        decision_selectors.proposal_contact_for_user(user=officer, proposal=proposal)
    intake_selectors.household_get_for_user(user=interviewer, pk=household.pk)
    travel.travel_save(
        actor=coordinator,
        proposal=proposal,
        values={
            "departure_on": dt.date(2026, 5, 4),
            "route": f"Zug über Berlin {marker}",
            "meeting_point": f"Gleis 7 {marker}",
            "information_for_municipality": f"Rollstuhl am Bahnsteig {marker}",
            "status": "booked",
        },
    )
    travel.arrival_record(
        actor=officer,
        proposal=proposal,
        arrived_on=dt.date(2026, 5, 5),
        notes=f"Schlüssel {marker}",
    )
    survey = FollowUpSurvey.objects.get(household=household, wave=1)
    followup.survey_record(
        actor=interviewer,
        survey=survey,
        values={
            "satisfaction": 4,
            "good_decision": 5,
            "place_fits": 4,
            "working": "no",
            "children_in_school": "yes",
            "language_course": "yes",
            "comment": f"Zufrieden mit der Wohnung {marker}",
        },
    )
    intake.consent_correct(
        actor=interviewer,
        household=household,
        reason=f"Typed the wrong day {marker}",
        given_on=dt.date(2026, 2, 28),
    )
    worker = caseworker("privacy-caseworker", proposal.municipality)
    case = cases.case_open_from_arrival(
        actor=worker, arrival=Arrival.objects.get(proposal=proposal), consent=consent()
    )
    case_file(case, marker)
    household.refresh_from_db()
    return Lived(household=household, control=control, case=case, proposal=proposal)


def database_text() -> dict[str, str]:
    """Every table of the database as text (each row's values), read with plain SQL, so that
    nothing escapes that a model or a serialiser would leave out."""
    tables: dict[str, str] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            tables[table] = "\n".join(" | ".join(str(v) for v in row) for row in cursor.fetchall())
    return tables


def dumpdata_text() -> str:
    """``dumpdata`` of every installed app, non-ASCII characters as they are."""
    out = StringIO()
    call_command("dumpdata", stdout=out)
    return json.dumps(json.loads(out.getvalue()), ensure_ascii=False)


def tables_holding(text: str, tables: dict[str, str]) -> list[str]:
    pattern = re.compile(re.escape(text), re.IGNORECASE)
    return sorted(name for name, content in tables.items() if pattern.search(content))


@dataclass
class CaseAreas:
    housing: object
    mentee: object
    pair: object
    booking: object
    assignment: object
    hours: object
    correction: object


def case_areas(case, marker: str = "Q7X") -> CaseAreas:
    """The rest of case management for ``case``, through the services: a housing request with
    an allocation run, a mentee request paired with a mentor (both accepted) with a meeting, a
    language mediator booked for an appointment whose place and note carry ``marker``, its
    hours logged and corrected with a reason that carries ``marker``."""
    from decimal import Decimal

    from cases_helpers import (
        make_contract,
        make_flat,
        make_housing_request,
        make_mediation_request,
        make_mediator,
        make_mentee_request,
        make_mentor,
    )
    from passgenau.apps.cases import services as cases
    from passgenau.apps.cases.models import HourEntry, MediatorProposal, MentorProposal
    from passgenau.apps.cases.services import housing, mediation, mentoring

    worker = case.caseworker
    today = dt.date.today()
    make_flat(worker)
    housing_request = make_housing_request(case)
    housing.allocation_run(actor=worker)
    make_mentor(worker, name="Iryna Mentorin")
    mentee = make_mentee_request(case)
    mentoring.mentoring_run(actor=worker)
    pair = MentorProposal.objects.get(request=mentee)
    for side in ("mentee", "mentor"):
        mentoring.mentor_proposal_accept(actor=worker, proposal=pair, side=side, on=today)
    mentoring.meeting_record(actor=worker, pair=pair, on=today, minutes=60, kind="in_person")
    make_mediator(worker)
    booking = make_mediation_request(
        case, on=today, at="08:00", place=f"Praxis {marker}", note=f"Zahnarzt {marker}"
    )
    mediation.mediation_run(actor=worker)
    assignment = MediatorProposal.objects.get(request=booking)
    mediation.mediator_proposal_confirm(actor=worker, proposal=assignment)
    mediation.assignment_hours_log(
        actor=worker,
        assignment=assignment,
        contract=make_contract(recipient=worker.organisation),
        hours=Decimal("1.5"),
    )
    hours = HourEntry.objects.get(assignment=assignment)
    correction = cases.hours_correct(
        actor=worker, entry=hours, hours=Decimal("-0.5"), reason=f"Termin kürzer {marker}"
    )
    return CaseAreas(
        housing=housing_request,
        mentee=mentee,
        pair=pair,
        booking=booking,
        assignment=assignment,
        hours=hours,
        correction=correction,
    )


def case_file(case, marker: str = "Q7X") -> None:
    """A case's file through the services, each free-text field carrying ``marker``: health
    data, a goal with a step, the plan agreed, a referral and a contact note."""
    from passgenau.apps.cases import services as cases

    worker = case.caseworker
    cases.health_update(
        actor=worker,
        case=case,
        vaccination_status="incomplete",
        counselling_language="uk",
        needs=f"Insulin {marker}",
    )
    goal = cases.goal_create(
        actor=worker,
        case=case,
        area="language",
        title=f"Sprachkurs {marker}",
        responsible=f"Frau Berater {marker}",
        due_on=dt.date(2027, 6, 1),
        review_on=dt.date(2027, 3, 1),
    )
    cases.step_create(
        actor=worker,
        goal=goal,
        title=f"Anmeldung {marker}",
        responsible="VHS",
        due_on=dt.date(2027, 2, 1),
    )
    cases.plan_agree(actor=worker, case=case)
    cases.referral_create(
        actor=worker, case=case, offer_text=f"Beratung {marker}", referred_on=dt.date(2026, 11, 2)
    )
    cases.note_create(
        actor=worker,
        case=case,
        on=dt.date(2026, 11, 3),
        kind="home_visit",
        text=f"Hausbesuch {marker}",
    )
