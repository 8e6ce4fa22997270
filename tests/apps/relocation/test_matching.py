"""Matching runs, review, decisions, re-matching, travel, arrival, follow-up: services, pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
import pyzipper
from django.core.exceptions import ValidationError
from django.urls import reverse

from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.relocation.models import (
    FollowUpSurvey,
    Household,
    HouseholdContact,
    HouseholdStatus,
    MatchingRun,
    Proposal,
    ProposalStatus,
    RoundStatus,
    RunStatus,
)
from passgenau.apps.relocation.selectors import followup as evaluation_selectors
from passgenau.apps.relocation.services import decisions, followup, review, runs, travel
from passgenau.engine.matching.instance import read_instance
from relocation_helpers import organisation, user
from relocation_matching_helpers import SURVEY_ANSWERS, ready_round

pytestmark = pytest.mark.django_db

BIG = {"persons": 20, "school": 10, "kita": 10}


def started(round_, **kwargs) -> MatchingRun:
    run = runs.run_start(actor=user("coordinator"), round_=round_, **kwargs)
    assert run.status == RunStatus.SUCCEEDED, run.error
    return run


def published(n: int = 3, capacities=None) -> tuple:
    round_ = ready_round(n, capacities=capacities)
    run = started(round_)
    review.run_publish(actor=user("coordinator"), run=run)
    round_.refresh_from_db()
    return round_, run


def test_run_snapshots_inputs_and_stores_proposals_with_explanations():
    round_ = ready_round(3)
    run = started(round_, seed=7)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.MATCHING
    assert run.progress == 100 and run.input_hash and run.seed == 7
    assert len(run.snapshot["households"]) == 3 and len(run.snapshot["sites"]) == 3
    proposals = list(run.proposals.all())
    assert len(proposals) == 3
    assert all(p.status == ProposalStatus.DRAFT for p in proposals)
    assert all("alternatives" in p.explanation for p in proposals)
    assert run.metrics["placed_households"] == 3
    assert AuditEntry.objects.filter(action="relocation.run.started").count() == 1


def test_run_reproduces_exactly_and_exports_the_plain_instance(tmp_path):
    round_ = ready_round(4)
    run = started(round_, seed=3)
    again = runs.run_reproduce(actor=user("coordinator"), run=run)
    assert again.status == RunStatus.SUCCEEDED
    assert again.input_hash == run.input_hash
    placements = {(p.household_id, p.municipality_id) for p in run.proposals.all()}
    assert {(p.household_id, p.municipality_id) for p in again.proposals.all()} == placements
    archive = zipfile.ZipFile(io.BytesIO(runs.run_export_zip(run=run)))
    archive.extractall(tmp_path)
    instance = read_instance(tmp_path / "instance")
    assert instance.input_hash() == run.input_hash
    assert instance.n_households == 4
    assert "profiles/households.jsonl" in archive.namelist()


def test_a_run_is_reproduced_only_with_its_own_criteria_catalogue_version():
    round_ = ready_round(2)
    run = started(round_)
    assert run.snapshot["criteria_version"] == "1" == run.metrics["catalogue_version"]
    run.snapshot = {**run.snapshot, "criteria_version": "99"}
    run.save(update_fields=["snapshot"])
    runs_before = MatchingRun.objects.count()
    with pytest.raises(runs.RunError) as info:
        runs.run_reproduce(actor=user("coordinator"), run=run)
    assert info.value.code == "catalogue_version" and "99" in info.value.messages[0]
    assert MatchingRun.objects.count() == runs_before
    with pytest.raises(runs.RunError):
        runs.run_export_zip(run=run)


def test_capacity_is_respected_and_unplaced_reported():
    tiny = {"persons": 2, "school": 1, "kita": 0}
    round_ = ready_round(3, capacities={"officer": tiny, "Kiel": tiny, "Ulm": {"persons": 0}})
    run = started(round_)
    # families of two (one school child) — one per municipality with room
    assert run.metrics["placed_households"] == 2
    assert len(run.result["unplaced"]) == 1


def test_a_failed_run_records_its_error():
    round_ = ready_round(2)
    run = runs.run_start(actor=user("coordinator"), round_=round_, mechanism="optimal")
    assert run.status == RunStatus.SUCCEEDED
    broken = MatchingRun.objects.create(
        round=round_, number=99, mechanism="optimal", criteria_version="1", snapshot={"x": 1}
    )
    runs.run_execute(run_id=broken.pk)
    broken.refresh_from_db()
    assert broken.status == RunStatus.FAILED and "KeyError" in broken.error


def test_only_the_coordinator_starts_runs():
    round_ = ready_round(1)
    with pytest.raises(ValidationError):
        runs.run_start(actor=user("interviewer"), round_=round_)


def test_override_needs_a_reason_and_is_logged():
    round_ = ready_round(2)
    run = started(round_)
    proposal = run.proposals.first()
    other = next(
        p.municipality
        for p in round_.profiles.select_related("municipality")
        if p.municipality_id != proposal.municipality_id
    )
    with pytest.raises(ValidationError) as error:
        review.proposal_override(
            actor=user("coordinator"), proposal=proposal, municipality=other, reason="  "
        )
    assert "reason" in error.value.message_dict
    review.proposal_override(
        actor=user("coordinator"), proposal=proposal, municipality=other, reason="school nearby"
    )
    proposal.refresh_from_db()
    assert proposal.overridden and proposal.municipality_id == other.pk
    assert proposal.original_municipality_id is not None
    entry = AuditEntry.objects.get(action="relocation.proposal.overridden")
    assert proposal.override_reason == "school nearby"
    assert proposal.reasons.get(pk=entry.data["reason_id"]).text == "school nearby"


def test_publish_moves_round_households_and_supersedes_other_runs():
    round_ = ready_round(2)
    first = started(round_)
    second = started(round_, mechanism="greedy")
    review.run_publish(actor=user("coordinator"), run=second)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.PROPOSALS
    assert set(Household.objects.values_list("status", flat=True)) == {HouseholdStatus.PROPOSED}
    assert not first.proposals.exclude(status=ProposalStatus.SUPERSEDED).exists()
    with pytest.raises(ValidationError):
        review.run_publish(actor=user("coordinator"), run=second)


def _decide_both(proposal, municipality="accept", household="accept", reason="r"):
    officer = user("municipal_officer")
    if proposal.municipality_id != officer.organisation_id:
        raise AssertionError("test proposals must go to the officer's municipality")
    decisions.proposal_decide_municipality(
        actor=officer, proposal=proposal, outcome=municipality, reason=reason
    )
    proposal.refresh_from_db()
    if proposal.status == ProposalStatus.PUBLISHED:
        decisions.proposal_decide_household(
            actor=user("interviewer"), proposal=proposal, outcome=household, reason=reason
        )
        proposal.refresh_from_db()
    return proposal


def only_officer():
    # capacity only at the test officer's municipality: every proposal goes there
    return {"officer": BIG, "Kiel": {"persons": 0}, "Ulm": {"persons": 0}}


def test_decisions_contact_only_after_both_accept_and_declines_need_reasons():
    from passgenau.apps.relocation.selectors import decisions as selectors

    _round, run = published(2, capacities=only_officer())
    officer = user("municipal_officer")
    first, second = run.proposals.order_by("pk")
    assert selectors.proposal_contact_for_user(user=officer, proposal=first) is None
    with pytest.raises(ValidationError):
        decisions.proposal_decide_municipality(
            actor=officer, proposal=second, outcome="decline", reason=""
        )
    decisions.proposal_decide_municipality(actor=officer, proposal=first, outcome="accept")
    first.refresh_from_db()
    assert first.status == ProposalStatus.PUBLISHED
    assert selectors.proposal_contact_for_user(user=officer, proposal=first) is None
    decisions.proposal_decide_household(actor=user("interviewer"), proposal=first, outcome="accept")
    first.refresh_from_db()
    assert first.status == ProposalStatus.ACCEPTED
    assert Household.objects.get(pk=first.household_id).status == HouseholdStatus.PLACED
    contact = selectors.proposal_contact_for_user(user=officer, proposal=first)
    assert isinstance(contact, HouseholdContact)
    assert AuditEntry.objects.filter(action="relocation.householdcontact.read").exists()
    # the page shows names only now
    client = _client("municipal_officer")
    page = client.get(reverse("relocation:proposal_detail", args=[first.pk])).content.decode()
    assert contact.contact_name in page
    page = client.get(reverse("relocation:proposal_detail", args=[second.pk])).content.decode()
    assert second.household.contact.contact_name not in page
    with pytest.raises(ValidationError):  # a side decides once
        decisions.proposal_decide_municipality(actor=officer, proposal=first, outcome="accept")


def test_confirmation_never_overbooks_a_capacity():
    round_, run = published(2, capacities={"officer": BIG, "Kiel": BIG, "Ulm": BIG})
    officer = user("municipal_officer")
    mine = organisation("municipal_officer")
    # put both at the officer's municipality, then shrink its capacity to one family
    for p in run.proposals.all():
        Proposal.objects.filter(pk=p.pk).update(municipality=mine)
    profile = round_.profiles.get(municipality=mine)
    profile.capacities = {"persons": 3, "school": 1, "kita": 0}
    profile.save(update_fields=["capacities"])
    first, second = run.proposals.order_by("pk")
    decisions.proposal_decide_municipality(actor=officer, proposal=first, outcome="accept")
    with pytest.raises(decisions.CapacityExceeded):
        decisions.proposal_decide_municipality(actor=officer, proposal=second, outcome="accept")


def test_rematching_forbids_declined_pairs_and_fixes_accepted():
    round_, run = published(3, capacities=only_officer())
    kept, declined, pending = run.proposals.order_by("pk")
    _decide_both(kept)
    _decide_both(declined, municipality="decline", household="accept", reason="no school place")
    declined.refresh_from_db()
    assert declined.status == ProposalStatus.DECLINED
    assert declined.household.status == HouseholdStatus.INTERVIEWED
    # open another municipality for the re-matching
    for profile in round_.profiles.exclude(municipality=organisation("municipal_officer")):
        profile.capacities = BIG
        profile.save(update_fields=["capacities"])
    rematch = started(round_)
    assert rematch.based_on_id == run.pk
    snapshot = rematch.snapshot
    reference = declined.household.reference
    assert [reference, f"m{declined.municipality_id}"] in [list(x) for x in snapshot["forbidden"]]
    fixed = {ref for ref, _site in snapshot["fixed"]}
    assert kept.household.reference in fixed and pending.household.reference in fixed
    new = list(rematch.proposals.all())
    assert [p.household_id for p in new] == [declined.household_id]
    assert new[0].municipality_id != declined.municipality_id
    review.run_publish(actor=user("coordinator"), run=rematch)
    kept.refresh_from_db()
    assert kept.status == ProposalStatus.ACCEPTED


def test_travel_arrival_and_follow_up():
    round_, run = published(1, capacities=only_officer())
    proposal = _decide_both(run.proposals.get())
    coordinator = user("coordinator")
    with pytest.raises(ValidationError):
        travel.travel_save(actor=coordinator, proposal=proposal, values={"status": "booked"})
    travel.travel_save(
        actor=coordinator,
        proposal=proposal,
        values={
            "status": "booked",
            "departure_on": dt.date(2026, 5, 4),
            "route": "Przemyśl – Berlin",
            "contact_at_arrival": "Frau Weber",
        },
    )
    assert Household.objects.get(pk=proposal.household_id).status == HouseholdStatus.TRAVELLING
    officer = user("municipal_officer")
    page = _client("municipal_officer").get(reverse("relocation:arrival_list")).content.decode()
    assert "Frau Weber" in page and proposal.household.reference in page
    travel.arrival_record(
        actor=officer, proposal=proposal, arrived_on=dt.date(2026, 5, 5), housing_ready=True
    )
    surveys = FollowUpSurvey.objects.filter(household=proposal.household).order_by("wave")
    assert [(s.wave, s.due_on) for s in surveys] == [
        (1, dt.date(2026, 6, 5)),
        (6, dt.date(2026, 11, 5)),
        (12, dt.date(2027, 5, 5)),
    ]
    assert surveys[0].language == proposal.household.language
    with pytest.raises(ValidationError) as error:
        followup.survey_record(
            actor=user("interviewer"), survey=surveys[0], values={"satisfaction": "9"}
        )
    assert "satisfaction" in error.value.message_dict
    followup.survey_record(actor=user("interviewer"), survey=surveys[0], values=SURVEY_ANSWERS)
    figures = evaluation_selectors.round_evaluation(round_=round_)
    assert figures["waves"][0]["satisfaction"] == 4
    assert figures["waves"][0]["course_share"] == 0
    assert figures["decisions"]["arrived"] == 1
    rows = evaluation_selectors.evaluation_rows(
        user=coordinator, rounds=type(round_).objects.filter(pk=round_.pk)
    )
    text = evaluation_selectors.evaluation_csv(rows).decode("utf-8-sig")
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert len(parsed) == 3 and parsed[0]["satisfaction"] == "4"
    assert proposal.household.reference not in text
    assert proposal.household.contact.contact_name not in text


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert travel.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert travel.add_months(dt.date(2026, 8, 15), 6) == dt.date(2027, 2, 15)


def _client(role):
    from django.test import Client

    from accounts_helpers import login_client

    return login_client(Client(), user(role))


def test_pages_of_the_journey_render_for_their_roles():
    round_, run = published(2, capacities=only_officer())
    coordinator = _client("coordinator")
    for name, args in (
        ("relocation:run_list", [round_.pk]),
        ("relocation:run_detail", [run.pk]),
        ("relocation:placement_list", []),
        ("relocation:evaluation", []),
    ):
        response = coordinator.get(reverse(name, args=args))
        assert response.status_code == 200, name
    response = coordinator.get(reverse("relocation:run_export", args=[run.pk]))
    assert response.status_code == 200 and 'type="password"' in response.content.decode()
    response = coordinator.get(reverse("relocation:evaluation_export"))
    assert response.status_code == 200 and 'type="password"' in response.content.decode()
    officer = _client("municipal_officer")
    page = officer.get(reverse("relocation:proposal_list")).content.decode()
    for p in run.proposals.all():
        assert p.household.reference in page
        assert p.household.contact.contact_name not in page
    response = officer.post(
        reverse("relocation:proposal_detail", args=[run.proposals.first().pk]),
        {"outcome": "decline", "reason": ""},
    )
    assert response.status_code == 200 and "reason" in response.content.decode().lower()
    interviewer = _client("interviewer")
    assert interviewer.get(reverse("relocation:proposal_list")).status_code == 200
    # another officer sees nothing of these proposals
    from passgenau.apps.relocation.models import Proposal as P

    other = P.objects.first()
    stranger = _stranger_officer()
    assert stranger.get(reverse("relocation:proposal_detail", args=[other.pk])).status_code == 404


def _stranger_officer():
    from django.test import Client

    from accounts_helpers import login_client, make_user
    from relocation_helpers import municipality

    person = make_user(
        "municipal_officer", username="kiel-officer", organisation=municipality("Kiel")
    )
    return login_client(Client(), person)


def test_run_page_polls_while_running():
    round_ = ready_round(1)
    run = started(round_)
    MatchingRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress=40)
    response = _client("coordinator").get(reverse("relocation:run_detail", args=[run.pk]))
    assert response["Refresh"] == "3"
    assert 'value="40"' in response.content.decode()


def test_two_runs_compared_side_by_side():
    from passgenau.apps.relocation.selectors import runs as run_selectors

    round_ = ready_round(4)
    optimal = started(round_, mechanism="optimal")
    stable = started(round_, mechanism="stable")
    rows = {r["key"]: r for r in run_selectors.runs_compare(first=optimal, second=stable)}
    assert rows["mechanism"]["first"] == "optimal" and rows["mechanism"]["second"] == "stable"
    assert rows["input_hash"]["differs"] is False  # same inputs, different mechanisms
    assert rows["objective"]["first"] >= rows["objective"]["second"] - 1e-9
    assert rows["blocking_pairs"]["second"] == 0
    page = _client("coordinator").get(
        reverse("relocation:run_compare", args=[round_.pk]), {"a": optimal.pk, "b": stable.pk}
    )
    assert page.status_code == 200
    assert "stable" in page.content.decode()


def test_survey_is_asked_in_the_households_language():
    from relocation_matching_helpers import arrived_proposal

    proposal = arrived_proposal()
    survey = FollowUpSurvey.objects.get(household_id=proposal.household_id, wave=1)
    assert survey.language == "uk"
    page = _client("interviewer").get(reverse("relocation:survey_record", args=[survey.pk]))
    text = page.content.decode()
    assert "Наскільки ви задоволені новим місцем?" in text
    assert 'lang="uk"' in text


def test_a_withdrawn_household_frees_its_place_and_cannot_be_decided():
    from passgenau.apps.relocation.services import intake

    round_, run = published(2, capacities=only_officer())
    gone, staying = run.proposals.order_by("pk")
    intake.consent_withdraw(actor=user("interviewer"), household=gone.household)
    with pytest.raises(ValidationError):
        decisions.proposal_decide_municipality(
            actor=user("municipal_officer"), proposal=gone, outcome="accept"
        )
    snapshot = runs.round_snapshot(round_=round_, mechanism="optimal", seed=0)
    fixed = {ref for ref, _site in snapshot["fixed"]}
    assert fixed == {staying.household.reference}


def _withdraw(household) -> None:
    from passgenau.apps.relocation.services import intake

    intake.consent_withdraw(actor=user("interviewer"), household=household)


def test_a_withdrawn_consent_withdraws_the_open_proposals_at_once():
    _round, run = published(3, capacities=only_officer())
    gone, staying, placed = run.proposals.order_by("pk")
    for side in (decisions.proposal_decide_municipality, decisions.proposal_decide_household):
        actor = user("municipal_officer" if "municipality" in side.__name__ else "interviewer")
        side(actor=actor, proposal=placed, outcome="accept")
    draft_round = ready_round(2, capacities=only_officer(), name="Round 2026 (2)")
    second = started(draft_round)  # not yet published: drafts under review
    draft, kept_draft = second.proposals.order_by("pk")
    last_before = AuditEntry.objects.order_by("pk").last().pk
    for proposal in (gone, placed, draft):
        _withdraw(proposal.household)

    def status(proposal) -> str:
        return Proposal.objects.get(pk=proposal.pk).status

    assert status(gone) == status(draft) == ProposalStatus.WITHDRAWN
    assert status(placed) == ProposalStatus.ACCEPTED  # decided: kept as it was
    assert status(staying) == ProposalStatus.PUBLISHED
    assert status(kept_draft) == ProposalStatus.DRAFT
    # each change through the transition table, logged with pseudonymous ids only
    since = list(AuditEntry.objects.filter(pk__gt=last_before).order_by("pk"))
    changed = {
        int(e.object_id): e.data["from"]
        for e in since
        if e.action == "relocation.proposal.status_changed" and e.data["to"] == "withdrawn"
    }
    assert changed == {gone.pk: "published", draft.pk: "draft"}
    names = HouseholdContact.objects.values_list("contact_name", flat=True)
    for entry in since:
        assert not any(name in f"{entry.object_repr} {entry.data}" for name in names)
    # the run computed with the household that withdrew is not published as it is
    with pytest.raises(ValidationError) as refused:
        review.run_publish(actor=user("coordinator"), run=second)
    assert refused.value.code == "stale_run"
    assert status(kept_draft) == ProposalStatus.DRAFT


def test_the_officer_no_longer_sees_the_needs_of_a_household_that_withdrew():
    from passgenau.apps.relocation.models import Interview

    _round, run = published(1, capacities=only_officer())
    proposal = run.proposals.get()
    Interview.objects.filter(household=proposal.household).update(needs=["dialysis"])
    officer = _client("municipal_officer")
    pages = (
        reverse("relocation:proposal_list"),
        reverse("relocation:proposal_detail", args=[proposal.pk]),
    )
    api = "/api/v1/relocation/proposals"
    for url in pages:  # before: the needs are shown
        assert "dialysis" in officer.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert [p["id"] for p in officer.get(api).json()] == [proposal.pk]
    _withdraw(proposal.household)
    listed = officer.get(pages[0], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "dialysis" not in listed and proposal.household.reference not in listed
    assert officer.get(pages[1], HTTP_ACCEPT_LANGUAGE="en").status_code == 404
    assert officer.get(api).json() == []
    assert officer.get(f"{api}/{proposal.pk}").status_code == 404


def test_a_household_that_withdrew_is_in_no_later_run():
    round_ = ready_round(2, capacities=only_officer())
    gone, staying = started(round_).proposals.order_by("pk")
    _withdraw(gone.household)
    again = started(round_)
    references = {h["id"] for h in again.snapshot["households"]}
    assert gone.household.reference not in references
    assert staying.household.reference in references
    assert set(again.proposals.values_list("household_id", flat=True)) == {staying.household_id}


def test_run_page_names_household_groups_in_words():
    round_ = ready_round(3)
    run = started(round_)
    assert run.metrics["groups"]  # the engine's codes, e.g. 'family_with_children'
    page = _client("coordinator").get(
        reverse("relocation:run_detail", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = page.content.decode()
    for code in run.metrics["groups"]:
        assert f'<th scope="row">{code}</th>' not in html
    labels = {"family_with_children": "families with children", "single_adult": "single adults"}
    assert any(f'<th scope="row">{labels.get(code, code)}</th>' in html for code in labels)


def test_officer_sees_occupations_in_words():
    from passgenau.apps.relocation.models import Interview

    _round, run = published(1, capacities=only_officer())
    proposal = run.proposals.get()
    Interview.objects.filter(household=proposal.household).update(occupations=["2", "7"])
    officer = _client("municipal_officer")
    for url in (
        reverse("relocation:proposal_list"),
        reverse("relocation:proposal_detail", args=[proposal.pk]),
    ):
        html = officer.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "professionals (e.g. doctors, teachers, engineers), craft and related trades" in html
        assert "<dd>2, 7</dd>" not in html


def test_publishing_asks_for_confirmation_and_says_what_goes_out():
    round_ = ready_round(3, capacities={"officer": BIG, "Kiel": {}, "Ulm": {}})
    run = started(round_)
    coordinator = _client("coordinator")
    url = reverse("relocation:run_publish", args=[run.pk])
    detail = coordinator.get(reverse("relocation:run_detail", args=[run.pk])).content.decode()
    assert f'href="{url}"' in detail and f'action="{url}"' not in detail  # a link, not a form
    page = coordinator.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    drafts = Proposal.objects.filter(run=run, status=ProposalStatus.DRAFT)
    assert drafts.count() == 3
    assert "<dd>3</dd>" in text and "<dd>1</dd>" in text  # 3 proposals, 1 municipality
    assert f'action="{url}"' in text
    # looking at the confirmation publishes nothing
    assert not Proposal.objects.filter(run=run, status=ProposalStatus.PUBLISHED).exists()
    assert coordinator.post(url).status_code == 302
    assert Proposal.objects.filter(run=run, status=ProposalStatus.PUBLISHED).count() == 3
    again = coordinator.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'role="alert"' in again and f'action="{url}"' not in again  # says why, offers nothing


def test_the_confirmation_page_names_a_household_withdrawn_since_the_run():
    round_ = ready_round(2, capacities={"officer": BIG, "Kiel": {}, "Ulm": {}})
    run = started(round_)
    Household.objects.filter(round=round_).update(status=HouseholdStatus.WITHDRAWN)
    page = _client("coordinator").get(
        reverse("relocation:run_publish", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    text = page.content.decode()
    assert "no longer waiting for a place" in text
    assert "<form" not in text.split("<main", 1)[1].split("</main>", 1)[0]


EXPORT_PASSWORD = "a long export password"


def _protected_instance(client, run) -> bytes:
    form = {"password": EXPORT_PASSWORD, "password_again": EXPORT_PASSWORD}
    page = client.post(reverse("relocation:run_export", args=[run.pk]), form)
    assert page.status_code == 302
    assert page["Location"].startswith("/") and "/exports/" in page["Location"]
    response = client.get(page["Location"].rstrip("/") + "/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert f"round-{run.round_id}-run-{run.number}-instance.zip" in response["Content-Disposition"]
    return response.content


def test_the_instance_download_is_a_zip_under_the_coordinators_password_with_the_same_files():
    _, run = published(2)
    content = _protected_instance(_client("coordinator"), run)
    plain = zipfile.ZipFile(io.BytesIO(runs.run_export_zip(run=run)))
    with pyzipper.AESZipFile(io.BytesIO(content)) as archive:
        archive.setpassword(EXPORT_PASSWORD.encode())
        assert sorted(archive.namelist()) == sorted(plain.namelist())
        for name in plain.namelist():
            assert archive.read(name) == plain.read(name), name
    assert AuditEntry.objects.filter(action="core.protectedexport.downloaded").count() == 1


def test_the_instance_zip_cannot_be_read_without_its_password():
    _, run = published(2)
    content = _protected_instance(_client("coordinator"), run)
    name = "profiles/households.jsonl"
    with zipfile.ZipFile(io.BytesIO(content)) as archive, pytest.raises(RuntimeError):
        archive.read(name)  # encrypted: the standard library needs a password it cannot use
    with pyzipper.AESZipFile(io.BytesIO(content)) as archive:
        archive.setpassword(b"the wrong password!")
        with pytest.raises(RuntimeError):
            archive.read(name)


@pytest.mark.parametrize(
    ("password", "again"), [("short pass", "short pass"), (EXPORT_PASSWORD, "something else!!")]
)
def test_a_short_or_mistyped_export_password_is_a_form_error_and_nothing_is_exported(
    password, again
):
    from passgenau.apps.core.models import ProtectedExport

    _, run = published(2)
    response = _client("coordinator").post(
        reverse("relocation:run_export", args=[run.pk]),
        {"password": password, "password_again": again},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ProtectedExport.objects.exists()
    assert not AuditEntry.objects.filter(action="relocation.run.downloaded").exists()
