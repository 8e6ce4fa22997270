"""The audit trail holds pseudonymous ids and codes only (issue 10, defect 2): no entry, in any
field, holds a name, contact data or free text about a person, however the person's data was
read or changed. Reasons typed by users stay on their domain objects; the trail says that one
was given."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from accounts_helpers import login_client
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.relocation.models import (
    Decision,
    FollowUpSurvey,
    Household,
    HouseholdContact,
    Proposal,
    ProposalReason,
    ReasonKind,
    RunStatus,
)
from passgenau.apps.relocation.services import (
    decisions,
    followup,
    imports,
    intake,
    review,
    runs,
    travel,
)
from relocation_helpers import FAMILY, full_answers, make_round, municipality, register, user
from relocation_matching_helpers import accepted_proposal, set_capacities

pytestmark = pytest.mark.django_db

NAME = "Andrii Demo-5"
PHONE = "+49 151 23456789"
EMAIL = "andrii.demo5@example.org"
MEMBERS = "Oksana Demo-5\nMarta Demo-5"
PLACE = "Notunterkunft Messehalle 3"
CONTACT = {
    "contact_name": NAME,
    "phone": PHONE,
    "email": EMAIL,
    "member_names": MEMBERS,
    "current_location": PLACE,
}
PERSONAL = [NAME, "Andrii", PHONE, "23456789", EMAIL, "Oksana", "Marta", "Messehalle"]


def _trail() -> list[str]:
    """Every field of every entry, as text."""
    return [
        " | ".join(
            [
                str(entry.at),
                entry.actor_repr,
                entry.action,
                f"{entry.content_type_id}",
                entry.object_id,
                entry.object_repr,
                str(entry.ip_address),
                json.dumps(entry.data, ensure_ascii=False),
            ]
        )
        for entry in AuditEntry.objects.order_by("id")
    ]


def assert_trail_holds_none_of(words: list[str]) -> None:
    lines = _trail()
    assert lines
    for line in lines:
        for word in words:
            assert word.casefold() not in line.casefold(), (word, line)


def _client(role: str, **kwargs) -> Client:
    return login_client(Client(), user(role, **kwargs))


def test_reading_a_household_contact_leaves_no_name_or_contact_data_in_the_trail():
    proposal = accepted_proposal()
    HouseholdContact.objects.filter(household_id=proposal.household_id).update(**CONTACT)
    page = _client("municipal_officer").get(
        reverse("relocation:proposal_detail", args=[proposal.pk])
    )
    assert NAME in page.content.decode()  # the officer sees the contact after both accepted
    read = AuditEntry.objects.get(action="relocation.householdcontact.read")
    household = Household.objects.get(pk=proposal.household_id)
    assert read.object_repr == household.reference  # the household's pseudonymous code
    assert read.data == {"proposal": proposal.pk}
    assert_trail_holds_none_of(PERSONAL)


def _import_second_household(round_):
    values = {
        "contact_name": "Petro Kovalenko",
        "phone": "+380 67 7654321",
        "language": "uk",
        "consent_purposes": "all",
        "consent_date": "01.03.2026",
        "consent_language": "uk",
        "members": "30-44 main_contact; 6-9 child",
        "languages": "uk",
        "occupations": "2",
        "interview_complete": "yes",
    }
    columns = imports.import_columns(round_=round_)
    row = [values.get(c, "2" if c.startswith("importance.") else "") for c in columns]
    content = (",".join(columns) + "\n" + ",".join(row) + "\n").encode()
    result = imports.households_import(
        actor=user("interviewer"),
        round_=round_,
        file_name="Familie Kovalenko (Petro).csv",
        content=content,
    )
    return result.households[0]


def test_a_whole_relocation_leaves_no_name_contact_data_or_typed_reason_in_the_trail():
    round_ = make_round()
    kiel = municipality("Kiel")
    big = {"persons": 20, "school": 10, "kita": 10}
    set_capacities(round_, {"officer": big, "Kiel": {}, "Ulm": {}})
    interviewer, coordinator = user("interviewer"), user("coordinator")
    officer = user("municipal_officer")
    andrii = register(round_, **CONTACT)
    intake.interview_save(
        actor=interviewer,
        household=andrii,
        answers=full_answers(round_, notes=f"{NAME} needs a ground floor flat"),
        members=FAMILY,
        complete=True,
    )
    intake.household_contact_update(actor=interviewer, household=andrii, phone="+49 160 999111")
    petro = _import_second_household(round_)

    run = runs.run_start(actor=coordinator, round_=round_)
    assert run.status == RunStatus.SUCCEEDED, run.error
    proposal = run.proposals.get(household=andrii)
    officer_place = proposal.municipality
    review.proposal_override(
        actor=coordinator,
        proposal=proposal,
        municipality=kiel,
        reason=f"{NAME} asked by phone for Kiel",
        exception=True,
    )
    review.proposal_override(
        actor=coordinator,
        proposal=Proposal.objects.get(pk=proposal.pk),
        municipality=officer_place,
        reason="Oksana's school is in the first town after all",
    )
    review.run_publish(actor=coordinator, run=run)
    other = run.proposals.get(household=petro)
    decisions.proposal_decide_municipality(
        actor=officer, proposal=other, outcome="decline", reason="Petro Kovalenko owes us rent"
    )
    proposal = Proposal.objects.get(pk=proposal.pk)
    decisions.proposal_decide_municipality(actor=officer, proposal=proposal, outcome="accept")
    decisions.proposal_decide_household(actor=interviewer, proposal=proposal, outcome="accept")
    proposal.refresh_from_db()
    travel.travel_save(
        actor=coordinator,
        proposal=proposal,
        values={"status": "booked", "departure_on": dt.date(2026, 5, 4), "route": "via Marta's"},
    )
    travel.arrival_record(
        actor=officer, proposal=proposal, arrived_on=dt.date(2026, 5, 5), notes=f"{NAME} is ill"
    )
    travel.arrival_correct(
        actor=officer,
        proposal=proposal,
        reason=f"{NAME} came a day earlier",
        arrived_on=dt.date(2026, 5, 4),
        notes="Oksana is ill",
    )
    survey = FollowUpSurvey.objects.filter(household=andrii).order_by("wave").first()
    followup.survey_record(
        actor=interviewer,
        survey=survey,
        values={
            "satisfaction": "4",
            "good_decision": "5",
            "place_fits": "4",
            "working": "no",
            "children_in_school": "yes",
            "language_course": "yes",
        },
    )
    followup.survey_correct(
        actor=interviewer,
        survey=survey,
        reason=f"{NAME} said 2, not 4",
        values={
            "satisfaction": "2",
            "good_decision": "5",
            "place_fits": "4",
            "working": "no",
            "children_in_school": "yes",
            "language_course": "yes",
            "comment": f"{NAME} misses home",
        },
        completed_on=FollowUpSurvey.objects.get(pk=survey.pk).completed_on,
    )
    intake.consent_withdraw(actor=interviewer, household=petro)

    pages = {
        "interviewer": [
            ("relocation:household_list", []),
            ("relocation:household_detail", [andrii.pk]),
            ("relocation:household_contact", [andrii.pk]),
            ("relocation:interview", [andrii.pk]),
            ("relocation:proposal_list", []),
            ("relocation:survey_list", []),
            ("relocation:survey_correct", [survey.pk]),
        ],
        "coordinator": [
            ("relocation:run_list", [round_.pk]),
            ("relocation:run_detail", [run.pk]),
            ("relocation:run_export", [run.pk]),
            ("relocation:placement_list", []),
            ("relocation:travel_edit", [proposal.pk]),
            ("relocation:evaluation", []),
            ("relocation:evaluation_export", []),
        ],
        "municipal_officer": [
            ("relocation:proposal_list", []),
            ("relocation:proposal_detail", [proposal.pk]),
            ("relocation:proposal_detail", [other.pk]),
            ("relocation:arrival_list", []),
            ("relocation:arrival_correct", [proposal.pk]),
        ],
        "administrator": [("audit:entry_list", [])],
    }
    for role, names in pages.items():
        client = _client(role)
        for name, args in names:
            response = client.get(reverse(name, args=args))
            assert response.status_code == 200, (name, response.status_code)
    password = "a long export password"
    response = _client("coordinator").post(
        reverse("relocation:evaluation_export"),
        {"format": "csv", "password": password, "password_again": password},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="relocation.evaluation.exported").exists()

    # the reasons stay with what they explain, where erasure can reach them
    assert Decision.objects.get(proposal=other).reason == "Petro Kovalenko owes us rent"
    kept = ProposalReason.objects.get(proposal=proposal, kind=ReasonKind.ARRIVAL_CORRECTION)
    assert kept.text == f"{NAME} came a day earlier" and kept.given_by == officer
    entry = AuditEntry.objects.get(action="relocation.arrival.corrected")
    assert entry.data["reason_id"] == kept.pk
    changes = ProposalReason.objects.filter(proposal=proposal, kind=ReasonKind.OVERRIDE)
    assert [r.text for r in changes] == [
        f"{NAME} asked by phone for Kiel",
        "Oksana's school is in the first town after all",
    ]
    assert AuditEntry.objects.filter(action="relocation.householdcontact.read").exists()
    assert AuditEntry.objects.filter(action__startswith="relocation.run.").exists()
    assert_trail_holds_none_of(
        [
            *PERSONAL,
            "160 999111",
            "Petro",
            "Kovalenko",
            "7654321",
            "asked by phone",
            "first town",
            "owes us rent",
            "a day earlier",
            "ground floor",
            "is ill",
        ]
    )
