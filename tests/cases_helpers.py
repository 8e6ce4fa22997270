"""Building case-management data in tests (importable from any test; ``tests/`` is on the path)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

ALL_PURPOSES = frozenset(
    {"case_management", "take_over", "health", "referral", "transfer", "billing"}
)


def caseworker(username: str = "test-caseworker", organisation=None):
    """The test caseworker (``make_user("caseworker")``'s user), or another one."""
    from accounts_helpers import make_user
    from passgenau.apps.accounts.models import User

    existing = User.objects.filter(username=username).first()
    return existing or make_user("caseworker", username=username, organisation=organisation)


def consent(purposes=ALL_PURPOSES, given_on: dt.date | None = None):
    from passgenau.apps.cases.services import ConsentInput

    return ConsentInput(frozenset(purposes), given_on or dt.date(2026, 1, 5), "uk")


def make_case(actor=None, *, purposes=ALL_PURPOSES, opened_on=dt.date(2026, 1, 5), name="Olena K."):
    from passgenau.apps.cases import services

    return services.case_open(
        actor=actor or caseworker(),
        name=name,
        persons=3,
        language="uk",
        consent=consent(purposes, opened_on),
        opened_on=opened_on,
    )


def case_with_health(
    actor=None, *, purposes=None, counselling_language="uk", needs="", name="Olena K."
):
    """A case of ``actor`` (the test caseworker) with a health record (vaccination incomplete,
    the counselling language, ``needs``) where its consent covers health data."""
    from passgenau.apps.cases import services

    actor = actor or caseworker()
    case = make_case(actor, name=name, **({"purposes": purposes} if purposes else {}))
    if "health" in services.active_purposes(case):
        services.health_update(
            actor=actor,
            case=case,
            vaccination_status="incomplete",
            counselling_language=counselling_language,
            needs=needs,
        )
    return case


def make_contract(recipient=None, *, rate=Decimal("62.40"), budget=Decimal("100.00"), funder=None):
    """A contract on an approved grant of the test funder to the test caseworker's organisation."""
    from accounts_helpers import make_user
    from funding_helpers import make_grant, organisation
    from passgenau.apps.accounts.models import User
    from passgenau.apps.cases import services

    recipient = recipient or caseworker().organisation
    grant = make_grant(recipient=recipient, approve=True)
    funder = funder or User.objects.filter(username="test-funder").first() or make_user("funder")
    assert funder.organisation == organisation("Test organisation funder", "funder")
    return services.contract_create(
        actor=funder,
        grant=grant,
        name="Migrationssozialarbeit 2026",
        hourly_rate=rate,
        hours_budget=budget,
        valid_from=dt.date(2026, 1, 1),
        valid_to=max(dt.date(2026, 12, 31), dt.date.today() + dt.timedelta(days=365)),
    )


def matrix_objects():
    """A case with an agreed plan and a contract with hours, made by users other than the role
    users of the access matrix but in their organisations (so those see them)."""
    from accounts_helpers import make_user
    from funding_helpers import organisation
    from passgenau.apps.cases import services

    org = organisation("Test organisation caseworker", "municipality")
    actor = caseworker("matrix-caseworker", org)
    funder = make_user(
        "funder",
        username="matrix-funder",
        organisation=organisation("Test organisation funder", "funder"),
    )
    case = make_case(actor)
    services.goal_create(
        actor=actor,
        case=case,
        area="language",
        title="B1",
        responsible="x",
        due_on=dt.date(2026, 6, 1),
        review_on=dt.date(2026, 5, 1),
    )
    services.plan_agree(actor=actor, case=case, agreed_on=dt.date(2026, 1, 10))
    contract = make_contract(org, funder=funder)
    services.hours_log(
        actor=actor,
        case=case,
        contract=contract,
        on=dt.date(2026, 3, 2),
        activity="counselling",
        hours=Decimal("1.00"),
    )
    return case, contract


def make_district(actor=None, name="Grünau", centre=(51.3180, 12.2830)):
    from passgenau.apps.cases.models import District
    from passgenau.apps.cases.services import housing

    actor = actor or caseworker()
    existing = District.objects.filter(organisation=actor.organisation, name=name).first()
    return existing or housing.district_create(
        actor=actor, name=name, latitude=centre[0], longitude=centre[1]
    )


def make_flat(actor=None, *, district=None, max_persons=4, barrier_free=False, **fields):
    from funding_helpers import organisation
    from passgenau.apps.cases.services import housing

    actor = actor or caseworker()
    values = {
        "provider": organisation("LWB Wohnungsgesellschaft", "provider"),
        "address": f"Stuttgarter Allee {max_persons}{'b' if barrier_free else ''}",
        "rooms": max(1, max_persons // 2 + 1),
        "school_nearby": True,
        "kita_nearby": False,
        "doctor_nearby": False,
        "features": [],
        "available_from": dt.date(2026, 1, 1),
        **fields,
    }
    return housing.flat_create(
        actor=actor,
        district=district or make_district(actor),
        max_persons=max_persons,
        barrier_free=barrier_free,
        **values,
    )


def offered_flat(provider=None, *, district=None, **fields):
    """A flat the housing provider ``provider`` (a provider-role user; the test provider by
    default) offers in ``district`` (the test caseworker's Grünau: its organisation allocates)."""
    from accounts_helpers import make_user
    from passgenau.apps.accounts.models import User
    from passgenau.apps.cases.services import housing

    provider = provider or (
        User.objects.filter(username="test-provider-flats").first()
        or make_user("provider", username="test-provider-flats")
    )
    values = {
        "address": "Ludwigsburger Str. 9",
        "rooms": 3,
        "max_persons": 4,
        "barrier_free": False,
        "school_nearby": True,
        "kita_nearby": True,
        "doctor_nearby": False,
        "features": ["balcony"],
        "available_from": dt.date(2026, 1, 1),
        **fields,
    }
    return housing.offered_flat_create(
        actor=provider, district=district or make_district(), **values
    )


def offered_flat_matrix_object():
    """A flat offered by the provider role's organisation, allocated by the caseworker role's."""
    from funding_helpers import organisation

    org = organisation("Test organisation caseworker", "municipality")
    district = make_district(caseworker("matrix-caseworker", org))
    return offered_flat(district=district)


def make_housing_request(case=None, *, adults=2, school_children=0, barrier_free=False, **fields):
    from passgenau.apps.cases.services import housing

    case = case or make_case()
    return housing.housing_request_create(
        actor=case.caseworker,
        case=case,
        adults=adults,
        school_children=school_children,
        barrier_free=barrier_free,
        waiting_since=fields.pop("waiting_since", dt.date(2026, 1, 10)),
        **fields,
    )


def housing_matrix_objects():
    """A flat, a case waiting for it and a run that proposed it, in the caseworker role's
    organisation (made by another caseworker of it)."""
    from funding_helpers import organisation
    from passgenau.apps.cases.services import housing

    org = organisation("Test organisation caseworker", "municipality")
    actor = caseworker("matrix-caseworker", org)
    flat = make_flat(actor)
    request = make_housing_request(make_case(actor))
    run = housing.allocation_run(actor=actor)
    return flat, run, request


def housing_needs_matrix_run():
    """A run whose household needs a barrier-free flat and care (health data), of a case of
    another caseworker of the caseworker role's organisation: the role keeps the run but is not
    the case's responsible caseworker, so its input is not for it (docs/adr/0009)."""
    from funding_helpers import organisation
    from passgenau.apps.cases.services import housing

    org = organisation("Test organisation caseworker", "municipality")
    actor = caseworker("matrix-caseworker-needs", org)
    make_flat(actor, barrier_free=True, address="Barrierefrei 1")
    make_housing_request(make_case(actor), barrier_free=True, care_need=True)
    return housing.allocation_run(actor=actor)


def make_mentor(actor=None, *, languages=("uk", "de"), slots=("tue_pm",), capacity=1, **fields):
    from passgenau.apps.cases.services import mentoring

    values = {"name": "Iryna Mentorin", "kind": "peer", "interests": [], **fields}
    return mentoring.mentor_create(
        actor=actor or caseworker(),
        languages=list(languages),
        slots=list(slots),
        capacity=capacity,
        **values,
    )


def make_mentee_request(case=None, *, own_language="uk", slots=("tue_pm",), **fields):
    from passgenau.apps.cases.services import mentoring

    case = case or make_case()
    return mentoring.mentee_request_create(
        actor=case.caseworker,
        case=case,
        languages=list(fields.pop("languages", [])),
        own_language=own_language,
        slots=list(slots),
        **fields,
    )


def mentoring_matrix_objects():
    """A mentor, a newcomer and a run that paired them (both accepted), in the caseworker
    role's organisation (made by another caseworker of it)."""
    from funding_helpers import organisation
    from passgenau.apps.cases.models import MentorProposal
    from passgenau.apps.cases.services import mentoring

    org = organisation("Test organisation caseworker", "municipality")
    actor = caseworker("matrix-caseworker", org)
    mentor = make_mentor(actor)
    request = make_mentee_request(make_case(actor))
    run = mentoring.mentoring_run(actor=actor)
    pair = MentorProposal.objects.get(run=run)
    for side in ("mentee", "mentor"):
        mentoring.mentor_proposal_accept(actor=actor, proposal=pair, side=side)
    return mentor, run, request, pair


def make_mediator(actor=None, *, languages=("uk", "de"), areas=("doctor",), **fields):
    from passgenau.apps.cases.services import mediation

    values = {
        "name": "Oksana Sprachmittlerin",
        "slots": [],
        "periods": [],
        "capacity": 5,
        "districts": [],
        **fields,
    }
    if not values["slots"] and not values["periods"]:
        values["slots"] = [
            f"{day}_{part}"
            for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
            for part in ("am", "pm")
        ]
    return mediation.mediator_create(
        actor=actor or caseworker(), languages=list(languages), areas=list(areas), **values
    )


def next_weekday(weekday: int, after: dt.date | None = None) -> dt.date:
    """The next ``weekday`` (0 Monday) after ``after`` (today)."""
    day = (after or dt.date.today()) + dt.timedelta(days=1)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def make_mediation_request(
    case=None, *, language="uk", area="doctor", on=None, at="09:30", **fields
):
    from passgenau.apps.cases.services import mediation

    case = case or make_case()
    hour, minute = (int(x) for x in at.split(":"))
    values = {"minutes": 60, "place": "Praxis Dr. Weber, Karl-Liebknecht-Str. 4", **fields}
    return mediation.mediation_request_create(
        actor=case.caseworker,
        case=case,
        area=area,
        language=language,
        on=on or next_weekday(1),
        starts_at=dt.time(hour, minute),
        **values,
    )


def mediation_matrix_objects():
    """A mediator, an appointment and a run that proposed the mediator, confirmed (the
    assignment), in the caseworker role's organisation (made by another caseworker of it)."""
    from funding_helpers import organisation
    from passgenau.apps.cases.models import MediatorProposal
    from passgenau.apps.cases.services import mediation

    org = organisation("Test organisation caseworker", "municipality")
    actor = caseworker("matrix-caseworker", org)
    mediator = make_mediator(actor)
    request = make_mediation_request(make_case(actor))
    run = mediation.mediation_run(actor=actor)
    assignment = MediatorProposal.objects.get(run=run)
    mediation.mediator_proposal_confirm(actor=actor, proposal=assignment)
    return mediator, run, request, assignment
