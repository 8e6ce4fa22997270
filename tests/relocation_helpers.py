"""Building relocation objects for tests (rounds with municipalities, registered households).

Objects belong to the organisations of the shared role users (``Test organisation <role>``), so
that the role fixtures see them; pass another ``actor`` to create them before those users exist.
"""

from __future__ import annotations

import datetime as dt

import pytest

from accounts_helpers import make_user
from passgenau.apps.accounts.models import Organisation
from passgenau.apps.relocation.models import Round, RoundStatus
from passgenau.apps.relocation.models.vocab import ConsentPurpose
from passgenau.apps.relocation.services import intake, rounds


def organisation(role: str) -> Organisation:
    """The organisation of the shared test user of ``role`` (created with the user)."""
    from accounts_helpers import ORGANISATION_KIND_FOR_ROLE

    org, _ = Organisation.objects.get_or_create(
        name=f"Test organisation {role}", defaults={"kind": ORGANISATION_KIND_FOR_ROLE[role]}
    )
    return org


def municipality(name: str) -> Organisation:
    org, _ = Organisation.objects.get_or_create(name=name, defaults={"kind": "municipality"})
    return org


def user(role: str, username: str | None = None, organisation=None):
    from passgenau.apps.accounts.models import User

    username = username or f"helper-{role}"  # the role fixtures own "test-<role>"
    found = User.objects.filter(username=username).first()
    return found or make_user(role, username=username, organisation=organisation)


def make_round(
    *,
    status: str = RoundStatus.OPEN,
    municipalities=None,
    name: str = "Round 2026",
    actor=None,
    **fields,
) -> Round:
    """A round of the test coordinator's organisation, with the test officer's municipality and
    two more, moved (directly) to ``status``."""
    coordinator = actor or user("coordinator")
    if municipalities is None:
        municipalities = [
            organisation("municipal_officer"),
            municipality("Kiel"),
            municipality("Ulm"),
        ]
    round_ = rounds.round_create(
        actor=coordinator, name=name, municipalities=municipalities, **fields
    )
    if status != RoundStatus.DRAFT:
        Round.objects.filter(pk=round_.pk).update(status=status)
        round_.refresh_from_db()
    return round_


def registration(**overrides) -> intake.Registration:
    values = {
        "contact_name": "Olena K.",
        "language": "uk",
        "consent_purposes": list(ConsentPurpose.values),
        "consent_given_on": dt.date(2026, 3, 1),
        "consent_explained_in": "uk",
    }
    values.update(overrides)
    return intake.Registration(**values)


def register(round_: Round, actor=None, **overrides):
    return intake.household_register(
        actor=actor or user("interviewer"), round_=round_, registration=registration(**overrides)
    )


def full_answers(round_: Round, **overrides) -> dict:
    answers = {
        "conducted_in": "uk",
        "languages": ["uk", "ru"],
        "occupations": ["2"],
        "needs": [],
        "importance": {c.id: 2 for c in intake.household_rated_criteria(round_)},
        "ranked_places": [],
        "excluded_places": [],
        "ties": [],
    }
    answers.update(overrides)
    return answers


FAMILY = [
    {"age_band": "30-44", "relation": "main_contact"},
    {"age_band": "6-9", "relation": "child"},
]


@pytest.fixture
def english(settings):
    """English messages (the source language) in services and pages; German is the default."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
