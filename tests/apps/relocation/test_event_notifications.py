"""Relocation's events reach the people who act on them: published proposals the municipality,
decisions the round's coordinators, travel the receiving municipality, an arrival whoever records
the follow-up surveys. Sent once committed, never to the one who acted, naming no household."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.db.models import Count

from accounts_helpers import make_user
from passgenau.apps.notifications.models import Notification
from passgenau.apps.notifications.services import preferences_save
from passgenau.apps.relocation.models import FollowUpSurvey
from passgenau.apps.relocation.services import decisions, review, runs, travel
from relocation_helpers import municipality, user
from relocation_matching_helpers import ONLY_OFFICER, accepted_proposal, ready_round

pytestmark = pytest.mark.django_db


def _with_email(role: str, address: str):
    person = user(role)
    person.email = address
    person.save()
    return person


def _kinds(recipient) -> list[str]:
    return list(
        Notification.objects.filter(recipient=recipient)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def test_publishing_tells_each_municipality_how_many_proposals_await_it(
    django_capture_on_commit_callbacks,
) -> None:
    officer = _with_email("municipal_officer", "amt@example.org")
    preferences_save(user=officer, language="uk", channels={})
    elsewhere = make_user(
        "municipal_officer", username="kiel-amt", organisation=municipality("Kiel")
    )
    coordinator = user("coordinator")
    round_ = ready_round(2, capacities=ONLY_OFFICER)
    run = runs.run_start(actor=coordinator, round_=round_)
    with django_capture_on_commit_callbacks(execute=True):
        review.run_publish(actor=coordinator, run=run)
    [note] = Notification.objects.filter(recipient=officer)
    assert note.kind == "relocation.proposals_published"
    assert note.params == {"count": 2, "round": round_.name}
    assert not Notification.objects.filter(recipient__in=[elsewhere, coordinator]).exists()
    [message] = mail.outbox
    assert message.to == ["amt@example.org"] and round_.name in message.subject
    assert "пропозиції" in message.body or "пропозицій" in message.body  # the officer's language
    for household in round_.households.all():
        assert household.reference not in message.body + message.subject


def test_a_rolled_back_publication_tells_nobody(django_capture_on_commit_callbacks) -> None:
    officer = user("municipal_officer")
    coordinator = user("coordinator")
    run = runs.run_start(actor=coordinator, round_=ready_round(1, capacities=ONLY_OFFICER))
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        review.run_publish(actor=coordinator, run=run)
        raise RuntimeError("a later step of the same change failed")
    assert not Notification.objects.filter(recipient=officer).exists()
    assert mail.outbox == []


def test_each_decision_tells_the_coordinators_but_not_the_one_who_recorded_it(
    django_capture_on_commit_callbacks,
) -> None:
    coordinator = _with_email("coordinator", "koordination@example.org")
    colleague = make_user(
        "coordinator", username="coordinator-2", organisation=coordinator.organisation
    )
    officer = user("municipal_officer")
    round_ = ready_round(2, capacities=ONLY_OFFICER)
    run = runs.run_start(actor=coordinator, round_=round_)
    review.run_publish(actor=coordinator, run=run)
    first, second = run.proposals.order_by("pk")
    with django_capture_on_commit_callbacks(execute=True):
        decisions.proposal_decide_municipality(actor=officer, proposal=first, outcome="accept")
        decisions.proposal_decide_household(
            actor=user("interviewer"), proposal=first, outcome="accept"
        )
        decisions.proposal_record_received_decision(
            actor=coordinator,
            proposal=second,
            outcome="decline",
            reason="Kein Wohnraum",
            source="phone",
            received_on=dt.date.today(),
        )
    assert _kinds(coordinator) == ["relocation.decision_made"] * 2  # not the one it recorded
    assert _kinds(colleague) == ["relocation.decision_made"] * 3
    assert not Notification.objects.filter(recipient=officer, kind="relocation.decision_made")
    assert all("Kein Wohnraum" not in m.body for m in mail.outbox)


def test_a_travel_date_tells_the_receiving_municipality_once_per_date(
    django_capture_on_commit_callbacks,
) -> None:
    proposal = accepted_proposal()
    officer = user("municipal_officer")
    coordinator = user("coordinator")
    day = dt.date.today() + dt.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        travel.travel_save(actor=coordinator, proposal=proposal, values={"status": "planned"})
    assert not Notification.objects.filter(recipient=officer, kind="relocation.travel_planned")
    for departure in (day, day, day + dt.timedelta(days=1)):
        with django_capture_on_commit_callbacks(execute=True):
            travel.travel_save(
                actor=coordinator,
                proposal=proposal,
                values={"status": "booked", "departure_on": departure},
            )
    notes = Notification.objects.filter(recipient=officer, kind="relocation.travel_planned")
    assert [n.params["date"] for n in notes.order_by("pk")] == [
        day.isoformat(),
        (day + dt.timedelta(days=1)).isoformat(),
    ]


def test_an_arrival_tells_whoever_records_the_follow_up_surveys(
    django_capture_on_commit_callbacks,
) -> None:
    proposal = accepted_proposal()
    interviewer = user("interviewer")
    officer = user("municipal_officer")
    with django_capture_on_commit_callbacks(execute=True):
        travel.arrival_record(actor=officer, proposal=proposal, arrived_on=dt.date.today())
    assert FollowUpSurvey.objects.filter(household=proposal.household).exists()
    [note] = Notification.objects.filter(recipient=interviewer, kind="relocation.arrival_recorded")
    assert note.params == {"round": proposal.run.round.name}
    assert not Notification.objects.filter(recipient=officer, kind="relocation.arrival_recorded")


def test_publishing_reads_the_recipients_of_all_municipalities_at_once(
    django_assert_num_queries, django_capture_on_commit_callbacks
) -> None:
    """A Land's round has hundreds of municipalities: the officers of all of them are read in
    one query (before, one per municipality), and each is told its own count."""
    from passgenau.apps.relocation.models import MatchingRun, Proposal
    from passgenau.apps.relocation.notification_kinds import tell_proposals_published

    officers = {
        name: make_user(
            "municipal_officer", username=f"{name}-amt", organisation=municipality(name)
        )
        for name in ("Kiel", "Ulm")
    }
    officers["officer"] = user("municipal_officer")
    coordinator = user("coordinator")
    round_ = ready_round(6)
    run = runs.run_start(actor=coordinator, round_=round_)
    run.proposals.update(status="published")
    # proposals at three municipalities: 3 at the officer's, 2 in Kiel, 1 in Ulm
    pks = list(run.proposals.order_by("pk").values_list("pk", flat=True))
    assert len(pks) == 6
    Proposal.objects.filter(pk__in=pks[3:5]).update(municipality=officers["Kiel"].organisation)
    Proposal.objects.filter(pk__in=pks[5:]).update(municipality=officers["Ulm"].organisation)
    counts = {
        row["municipality_id"]: row["n"]
        for row in Proposal.objects.filter(run=run)
        .values("municipality_id")
        .annotate(n=Count("pk"))
    }
    assert sorted(counts.values()) == [1, 2, 3]
    run = MatchingRun.objects.select_related("round").get(pk=run.pk)
    # two queries: the proposals' counts, the recipients
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(2):
        tell_proposals_published(actor=coordinator, run=run)
    for officer in officers.values():
        [note] = Notification.objects.filter(recipient=officer)
        assert note.params["count"] == counts[officer.organisation_id]
