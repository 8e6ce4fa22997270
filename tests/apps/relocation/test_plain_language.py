"""Run pages in plain language (issue 11): the technical terms are explained where they appear,
and each alternative says in words why it was not chosen, with the dimension translated (it
read "keine Kapazität mehr frei – school 1/1")."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts_helpers import login_client
from passgenau.apps.relocation.models import CapacityDimension, Proposal
from passgenau.apps.relocation.services import runs
from passgenau.apps.relocation.wording import alternative_reason
from relocation_helpers import user
from relocation_matching_helpers import ready_round

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "full", "excluded"),
    [
        ("de", "keine Schulplätze mehr frei (12 von 12)", "vom Haushalt ausgeschlossen"),
        ("en", "no school places left (12 of 12)", "excluded by the household"),
    ],
)
def test_alternatives_say_why_in_words(language, full, excluded) -> None:
    capacity = {
        "reason": "capacity",
        "binding": [{"dimension": "school", "load": 12, "capacity": 12}],
    }
    not_allowed = {"reason": "not_allowed", "hard_criteria": [{"id": "excluded_places"}]}
    with translation.override(language):
        assert alternative_reason(capacity, {}) == full
        assert alternative_reason(not_allowed, {}) == excluded


@pytest.mark.parametrize("language", ["de", "uk", "ru"])
def test_every_capacity_dimension_has_a_translated_name(language) -> None:
    with translation.override(language):
        for value, label in CapacityDimension.choices:
            assert str(label) not in {value, value.replace("_", " ")}, (language, value)
            assert (
                alternative_reason(
                    {
                        "reason": "capacity",
                        "binding": [{"dimension": value, "load": 1, "capacity": 1}],
                    },
                    {},
                ).count(value)
                == 0
            )


def test_run_page_explains_its_terms_in_german() -> None:
    round_ = ready_round(3)
    run = runs.run_start(actor=user("coordinator"), round_=round_, mechanism="optimal", seed=0)
    run.refresh_from_db()
    coordinator = login_client(Client(), user("coordinator"))
    html = coordinator.get(
        reverse("relocation:run_detail", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert "Eingabe-Hash" in html and "Blockierende Paare" in html
    assert "Ein Fingerabdruck von allem, womit der Lauf begann" in html
    assert "Ein blockierendes Paar ist ein Haushalt und eine Kommune" in html
    if run.metrics.get("bound") is not None:
        assert "Bewiesene Schranke: Keine Verteilung der Haushalte" in html
    assert Proposal.objects.filter(run=run).exists()
    for code in ("not_allowed", "lower_score", "trade_off", "excluded_places"):
        assert code not in html
