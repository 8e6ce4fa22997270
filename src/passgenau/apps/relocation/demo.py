"""A demo relocation round, so that ``passgenau demo`` shows intake and matching at once.

An open round of the demo coordinating organisation with the demo municipality and four more
(fictional) municipalities, their profiles, and twelve fictional households interviewed by the demo
NGO. Names and contact data are invented; the loader is idempotent.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from passgenau.apps.accounts.models import Organisation, OrganisationKind, User

from .models import MunicipalityProfile, Round, RoundStatus
from .models.vocab import ConsentPurpose
from .services import intake, rounds

DEMO_ROUND = "Demo-Runde 2026"
COORDINATING = "Demo-Koordinierungsstelle"
NGO_USER = "demo-interviewer"
COORDINATOR_USER = "demo-coordinator"
DEMO_MUNICIPALITY = "Demo-Kommune"

# name, capacities (persons, school, kita, barrier_free), services, size class, Land,
# labour demand by ISCO group, Ukrainian-speaking community, language-course places
MUNICIPALITIES: list[tuple[str, tuple[int, int, int, int], list[str], str, str, dict, int, int]] = [
    (
        DEMO_MUNICIPALITY,
        (14, 3, 2, 1),
        ["welcome_class", "psychotherapy_uk"],
        "city",
        "NI",
        {"2": 0.6, "5": 0.4},
        900,
        30,
    ),
    (
        "Demo-Stadt Nord",
        (10, 2, 2, 0),
        ["dialysis", "specialist_practice"],
        "large_city",
        "SH",
        {"2": 0.8, "3": 0.5},
        1500,
        40,
    ),
    (
        "Demo-Landkreis Süd",
        (12, 4, 3, 2),
        ["kita_immediate", "care_service"],
        "village",
        "BW",
        {"6": 0.7, "7": 0.9},
        120,
        10,
    ),
    (
        "Demo-Gemeinde Ost",
        (6, 1, 1, 0),
        ["welcome_class"],
        "small_town",
        "SN",
        {"8": 0.6, "9": 0.5},
        60,
        8,
    ),
    (
        "Demo-Stadt West",
        (9, 2, 1, 1),
        ["trauma_counselling", "maternity_care"],
        "medium_town",
        "NW",
        {"4": 0.5, "5": 0.7},
        400,
        20,
    ),
]
FAMILIES = [
    [("30-44", "main_contact"), ("6-9", "child"), ("3-5", "child")],
    [("45-64", "main_contact"), ("45-64", "partner")],
    [("18-29", "main_contact")],
    [("30-44", "main_contact"), ("30-44", "partner"), ("10-17", "child")],
    [("65-74", "main_contact"), ("75+", "partner")],
    [("30-44", "main_contact"), ("0-2", "child")],
]
FIRST_NAMES = ["Olena", "Iryna", "Oksana", "Natalia", "Andrii", "Serhii", "Mariia", "Dmytro"]


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


@transaction.atomic
def relocation_load_demo() -> str:
    coordinator, interviewer = _user(COORDINATOR_USER), _user(NGO_USER)
    if coordinator is None or interviewer is None:
        return "relocation: skipped (load the accounts demo first)"
    if Round.objects.filter(name=DEMO_ROUND, coordinating_organisation__name=COORDINATING).exists():
        return "relocation: demo round already there"
    municipalities = []
    for name, *_rest in MUNICIPALITIES:
        organisation, _ = Organisation.objects.get_or_create(
            name=name, defaults={"kind": OrganisationKind.MUNICIPALITY}
        )
        municipalities.append(organisation)
    round_ = rounds.round_create(
        actor=coordinator,
        name=DEMO_ROUND,
        description="Ukrainische Schutzsuchende in Polen und fünf aufnehmende Kommunen.",
        municipalities=municipalities,
        interviews_close=dt.date(2026, 6, 30),
        decisions_due=dt.date(2026, 7, 31),
        capacity_dimensions=["persons", "school", "kita", "barrier_free"],
    )
    today = timezone.localdate().isoformat()
    for organisation, (_, capacity, services, size, land, demand, community, courses) in zip(
        municipalities, MUNICIPALITIES, strict=True
    ):
        profile = MunicipalityProfile.objects.get(round=round_, municipality=organisation)
        profile.capacities = dict(
            zip(("persons", "school", "kita", "barrier_free"), capacity, strict=True)
        )
        profile.services = services
        profile.size_class = size
        profile.region = land
        profile.labour_demand = demand
        profile.communities = {"uk": community}
        profile.language_course_places = courses
        profile.confirmed_at = {
            **{f"capacity.{d}": today for d in profile.capacities},
            "services": today,
            "labour_demand": today,
            "communities": today,
        }
        profile.save()
    rounds.round_transition(actor=coordinator, round_=round_, to_status=RoundStatus.OPEN)
    round_.refresh_from_db()
    _households(round_, interviewer, [m.pk for m in municipalities])
    return (
        f"relocation: {DEMO_ROUND} (open) with {len(municipalities)} municipalities, 12 households"
    )


def _households(round_: Round, interviewer: User, places: list[int]) -> None:
    rng = random.Random(2026)  # the same demo every time
    rated = [c.id for c in intake.household_rated_criteria(round_)]
    for number in range(12):
        family = FAMILIES[number % len(FAMILIES)]
        name = f"{FIRST_NAMES[number % len(FIRST_NAMES)]} Demo-{number + 1}"
        household = intake.household_register(
            actor=interviewer,
            round_=round_,
            registration=intake.Registration(
                contact_name=name,
                language=rng.choice(["uk", "uk", "ru", "pl"]),
                consent_purposes=list(ConsentPurpose.values),
                consent_given_on=dt.date(2026, 3, 1) + dt.timedelta(days=number),
                consent_explained_in="uk",
                phone=f"+48 600 000 {number:03d}",
                current_location="Warszawa",
                external_reference=f"DEMO-{number + 1:03d}",
            ),
        )
        ranked = rng.sample(places, 2)
        excluded = [rng.choice([p for p in places if p not in ranked])] if number % 4 == 0 else []
        intake.interview_save(
            actor=interviewer,
            household=household,
            members=[{"age_band": band, "relation": relation} for band, relation in family],
            answers={
                "conducted_in": household.language,
                "languages": ["uk", "ru"] if number % 3 else ["uk", "en"],
                "occupations": [rng.choice("2345789")],
                "needs": ["barrier_free"] if len(family) == 2 and family[0][0] == "65-74" else [],
                "ranked_places": ranked,
                "excluded_places": excluded,
                "ties": [ranked[0]] if number % 5 == 0 else [],
                "importance": {cid: rng.randint(0, 3) for cid in rated},
            },
            # one interview is left unfinished, as happens in practice
            complete=number != 11,
        )


def load() -> str:
    """Demo loader hook called by ``passgenau demo``."""
    return relocation_load_demo()
