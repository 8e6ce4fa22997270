"""A coordinator's change of a proposal (issue 11, bug 4): it respects the household's hard
criteria and the capacities unless an exception is logged, the run's load, scores and metrics
follow the change, and changing back undoes it (no "Nord (instead of Nord)")."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.relocation.models import MatchingRun, RunStatus
from passgenau.apps.relocation.services import review, runs
from relocation_helpers import (
    english,  # noqa: F401 (the fixture)
    make_round,
    municipality,
    organisation,
    user,
)
from relocation_matching_helpers import interviewed, set_capacities

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

BIG = {"persons": 20, "school": 10, "kita": 10}


def _run(capacities, n=1, **answers) -> MatchingRun:
    round_ = make_round()
    set_capacities(round_, capacities)
    interviewed(round_, n, **answers)
    run = runs.run_start(actor=user("coordinator"), round_=round_)
    assert run.status == RunStatus.SUCCEEDED, run.error
    return run


def _override(proposal, where, **kwargs):
    return review.proposal_override(
        actor=user("coordinator"), proposal=proposal, municipality=where, **kwargs
    )


def _load(run, name: str, dimension: str = "persons") -> int:
    run.refresh_from_db()
    return next(r["load"][dimension] for r in run.metrics["load"] if r["site_name"] == name)


def test_a_place_the_household_excluded_needs_a_logged_exception():
    kiel = municipality("Kiel")
    run = _run({"officer": BIG, "Kiel": BIG, "Ulm": BIG}, excluded_places=[kiel.pk])
    proposal = run.proposals.get()
    assert proposal.municipality_id != kiel.pk
    with pytest.raises(ValidationError) as refused:
        _override(proposal, kiel, reason="the school is close")
    (message,) = refused.value.message_dict["municipality"]
    assert message.startswith("Excluded by the household.")
    proposal.refresh_from_db()
    assert proposal.municipality_id != kiel.pk and not proposal.overridden

    _override(proposal, kiel, reason="the family asked for it by phone", exception=True)
    proposal.refresh_from_db()
    assert proposal.municipality_id == kiel.pk and proposal.overridden
    entry = AuditEntry.objects.get(action="relocation.proposal.overridden")
    assert entry.data["exception"] == ["excluded_places"]
    assert (
        proposal.reasons.get(pk=entry.data["reason_id"]).text == "the family asked for it by phone"
    )


def test_a_municipality_without_room_needs_an_exception():
    kiel = municipality("Kiel")
    # room for two families of two (one school child each) at the officer's, one at Kiel
    two = {"persons": 4, "school": 2, "kita": 2}
    run = _run({"officer": two, "Kiel": {"persons": 2, "school": 1, "kita": 1}, "Ulm": {}}, n=3)
    at_officer = list(run.proposals.exclude(municipality=kiel))
    assert len(at_officer) >= 1 and run.proposals.filter(municipality=kiel).count() == 1
    with pytest.raises(ValidationError) as refused:
        _override(at_officer[0], kiel, reason="closer to relatives")
    text = refused.value.message_dict["municipality"][0]
    assert "No persons left (2 of 2)" in text and "school places left (1 of 1)" in text


def test_the_run_figures_follow_the_change_and_changing_back_undoes_it(client_for_role):
    ulm, officer = municipality("Ulm"), organisation("municipal_officer")
    run = _run({"officer": BIG, "Kiel": {}, "Ulm": BIG}, n=2)
    run.refresh_from_db()
    assert _load(run, officer.name) + _load(run, "Ulm") == 4
    before = {name: _load(run, name) for name in (officer.name, "Ulm")}
    proposal = run.proposals.first()
    original = proposal.municipality
    target = officer if original == ulm else ulm
    _override(proposal, target, reason="a flat became free")
    run.refresh_from_db()
    assert not run.result["remeasuring"]
    assert _load(run, target.name) == before[target.name] + 2
    assert _load(run, original.name) == before[original.name] - 2
    assert run.metrics["changed_by_hand"] == 1
    proposal.refresh_from_db()
    assert proposal.explanation["site_name"] == target.name
    scores = list(run.proposals.values_list("score", flat=True))
    assert run.metrics["objective"] == pytest.approx(sum(scores))
    assert run.result["objective"] == pytest.approx(sum(scores))
    client = client_for_role("coordinator")
    page = client.get(reverse("relocation:run_detail", kwargs={"pk": run.pk})).content.decode()
    assert f"{target.name} (instead of {original.name})" in page

    _override(proposal, original, reason="the flat fell through")
    proposal.refresh_from_db()
    assert not proposal.overridden and proposal.original_municipality_id is None
    assert {name: _load(run, name) for name in before} == before
    page = client.get(reverse("relocation:run_detail", kwargs={"pk": run.pk})).content.decode()
    assert "instead of" not in page
    assert f"{original.name} ({original.name}" not in page


def test_the_change_page_names_what_each_municipality_would_break(client_for_role):
    kiel = municipality("Kiel")
    run = _run({"officer": BIG, "Kiel": BIG, "Ulm": BIG}, excluded_places=[kiel.pk])
    proposal = run.proposals.get()
    client = client_for_role("coordinator")
    url = reverse("relocation:proposal_override", kwargs={"pk": proposal.pk})
    page = client.get(url).content.decode()
    assert "Kiel – excluded by the household" in page
    response = client.post(url, {"municipality": kiel.pk, "reason": "asked"})
    assert response.status_code == 200 and "as an exception" in response.content.decode()
    response = client.post(url, {"municipality": kiel.pk, "reason": "asked", "exception": "on"})
    assert response.status_code == 302
