"""A failed run keeps why by the engine's problem codes and parameters; the run page and the API
show it in the reader's language, never the engine's English text."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts_helpers import login_client
from passgenau.apps.relocation.models import MatchingRun, RunStatus
from passgenau.apps.relocation.services import review, runs
from relocation_helpers import user
from relocation_matching_helpers import ready_round

pytestmark = pytest.mark.django_db

Snapshot = dict[str, Any]


def failed_run(change: Callable[[Snapshot], None]) -> MatchingRun:
    """A run on a good run's snapshot after ``change``, executed (and failed)."""
    round_ = ready_round(2)
    good = runs.run_start(actor=user("coordinator"), round_=round_)
    snapshot = copy.deepcopy(good.snapshot)
    change(snapshot)
    run = MatchingRun.objects.create(
        round=round_,
        number=good.number + 1,
        mechanism="greedy",
        criteria_version="1",
        snapshot=snapshot,
    )
    runs.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    return run


def fix_an_unknown_household(snapshot: Snapshot) -> None:
    snapshot["fixed"] = [["NOT-HERE", snapshot["sites"][0]["id"]]]


def give_a_member_an_unknown_role(snapshot: Snapshot) -> None:
    snapshot["households"][0]["members"][0]["role"] = "pilot"


def test_a_run_fixing_a_household_that_does_not_take_part_stores_the_problem_by_code() -> None:
    run = failed_run(fix_an_unknown_household)
    (problem,) = run.error_problems
    assert problem["code"] == "id.not_taking_part"
    assert problem["parameters"] == {"kind": "household", "id": "NOT-HERE"}
    assert "InstanceError" in run.error  # the technical text stays for the log


def test_the_run_page_shows_the_problem_in_german_without_the_engines_english() -> None:
    run = failed_run(give_a_member_an_unknown_role)
    reference = run.snapshot["households"][0]["id"]
    assert [p["code"] for p in run.error_problems] == ["field.not_choice"]
    coordinator = login_client(Client(), user("coordinator"))
    url = reverse("relocation:run_detail", args=[run.pk])
    page = coordinator.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert (
        "Der Lauf ist fehlgeschlagen" in page and "Die Eingabe des Laufs hat diese Probleme" in page
    )
    assert f"Datensatz „{reference}“, Feld „members[0].role“:" in page
    assert "„pilot“ ist nicht zulässig; wählen Sie einen von adult, child, senior." in page
    assert "must be one of" not in page and "RunError" not in page
    english = coordinator.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "“pilot” is not allowed; choose one of adult, child, senior." in english


def test_the_api_lists_the_problems_with_code_parameters_and_text_in_the_callers_language() -> None:
    run = failed_run(fix_an_unknown_household)
    coordinator = login_client(Client(), user("coordinator"))
    listed = coordinator.get(
        f"/api/v1/relocation/rounds/{run.round_id}/runs", HTTP_ACCEPT_LANGUAGE="de"
    ).json()
    (failed,) = [r for r in listed if r["id"] == run.pk]
    (problem,) = failed["problems"]
    assert problem["code"] == "id.not_taking_part"
    assert problem["parameters"] == {"kind": "household", "id": "NOT-HERE"}
    assert problem["message"] == "„NOT-HERE“ (Haushalt) nimmt nicht teil."


def test_figures_that_cannot_be_computed_again_keep_the_problem_by_code() -> None:
    round_ = ready_round(2)
    run = runs.run_start(actor=user("coordinator"), round_=round_)
    snapshot = copy.deepcopy(run.snapshot)
    give_a_member_an_unknown_role(snapshot)
    MatchingRun.objects.filter(pk=run.pk).update(snapshot=snapshot)
    again = review.run_remeasure(run_id=run.pk, references=[])
    assert [p["code"] for p in again.result["remeasure_problems"]] == ["field.not_choice"]
    coordinator = login_client(Client(), user("coordinator"))
    url = reverse("relocation:run_detail", args=[run.pk])
    page = coordinator.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Die Zahlen konnten nach der Änderung nicht neu berechnet werden" in page
    assert "„pilot“ ist nicht zulässig" in page and "must be one of" not in page
