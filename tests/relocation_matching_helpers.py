"""A round ready for matching: three municipalities with capacities, interviewed households."""

from __future__ import annotations

from passgenau.apps.relocation.models import MunicipalityProfile, Round, RoundStatus
from passgenau.apps.relocation.services import intake
from relocation_helpers import FAMILY, full_answers, make_round, register, user

SINGLE = [{"age_band": "30-44", "relation": "main_contact"}]
# The answers of a completed follow-up survey.
SURVEY_ANSWERS = {
    "satisfaction": "4",
    "good_decision": "5",
    "place_fits": "4",
    "working": "yes",
    "children_in_school": "yes",
    "language_course": "no",
}


def set_capacities(round_: Round, capacities: dict[str, dict[str, int]]) -> None:
    """``{"Kiel": {"persons": 4, ...}}``; the test officer's municipality is ``"officer"``."""
    for profile in MunicipalityProfile.objects.filter(round=round_).select_related("municipality"):
        key = (
            "officer"
            if profile.municipality.name.startswith("Test organisation")
            else (profile.municipality.name)
        )
        if key in capacities:
            profile.capacities = capacities[key]
            profile.save(update_fields=["capacities"])


def interviewed(round_: Round, n: int, *, members=None, **answers) -> list:
    interviewer = user("interviewer")
    households = []
    for k in range(n):
        household = register(round_, contact_name=f"Contact {k}")
        intake.interview_save(
            actor=interviewer,
            household=household,
            answers=full_answers(round_, **answers),
            members=members or FAMILY,
            complete=True,
        )
        household.refresh_from_db()
        households.append(household)
    return households


def ready_round(n_households: int = 3, capacities=None, members=None, **fields) -> Round:
    round_ = make_round(status=RoundStatus.OPEN, **fields)
    big = {"persons": 20, "school": 10, "kita": 10}
    set_capacities(round_, capacities or {"officer": big, "Kiel": big, "Ulm": big})
    interviewed(round_, n_households, members=members)
    return round_


ONLY_OFFICER = {"officer": {"persons": 20, "school": 10, "kita": 10}, "Kiel": {}, "Ulm": {}}


def published_round(n_households: int = 2, capacities=None):
    """A round whose first run is published; by default every proposal goes to the test
    officer's municipality and every household belongs to the test interviewer's organisation."""
    from passgenau.apps.relocation.services import review, runs

    round_ = ready_round(n_households, capacities=capacities or ONLY_OFFICER)
    run = runs.run_start(actor=user("coordinator"), round_=round_)
    review.run_publish(actor=user("coordinator"), run=run)
    round_.refresh_from_db()
    run.refresh_from_db()
    return round_, run


def accepted_proposal():
    """A proposal accepted by the officer's municipality and the household."""
    from passgenau.apps.relocation.services import decisions

    _round, run = published_round(1)
    proposal = run.proposals.get()
    decisions.proposal_decide_municipality(
        actor=user("municipal_officer"), proposal=proposal, outcome="accept"
    )
    decisions.proposal_decide_household(
        actor=user("interviewer"), proposal=proposal, outcome="accept"
    )
    proposal.refresh_from_db()
    return proposal


def arrived_proposal():
    import datetime as dt

    from passgenau.apps.relocation.services import travel

    proposal = accepted_proposal()
    travel.arrival_record(
        actor=user("municipal_officer"), proposal=proposal, arrived_on=dt.date(2026, 5, 5)
    )
    return proposal
