"""Retention: each category goes when its period after the end of the household's part (or the
case's closing, the survey, the entry) has passed, not a day earlier; the job counts what it
removed, a dry run changes nothing, and running it again removes nothing more."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.audit.services import log_action
from passgenau.apps.cases import services as cases
from passgenau.apps.cases.models import Case, HealthRecord
from passgenau.apps.privacy.services import retention_apply
from passgenau.apps.relocation.models import (
    Consent,
    FollowUpSurvey,
    Household,
    HouseholdContact,
    Interview,
    MatchingRun,
    Round,
    RoundStatus,
)
from passgenau.apps.relocation.services import intake
from privacy_helpers import database_text, lived_household, tables_holding
from relocation_helpers import (
    FAMILY,
    english,  # noqa: F401 (the fixture)
    full_answers,
    make_round,
    register,
    user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DAYS = {
    "health_needs": 10,
    "contact_data": 20,
    "interview_answers": 30,
    "surveys": 40,
    "case_plans": 60,
    "case_notes": 70,
    "case_referrals": 80,
    "case_housing": 90,
    "case_mentoring": 100,
    "case_mediation": 110,
    "case_files": 120,
    "audit_entries": 50,
}


@pytest.fixture(autouse=True)
def _periods(settings):
    settings.RETENTION_DAYS = dict(DAYS)


def _run(today: dt.date, *, dry_run: bool = False) -> dict[str, dict[str, int]]:
    return retention_apply(today=today, dry_run=dry_run).counts()


def _withdrawn(on: dt.datetime, marker: str = "W5R") -> Household:
    household = register(
        make_round(name="Withdrawal round"),
        contact_name=f"Name {marker}",
        phone="0151 555",
        external_reference=f"REF-{marker}",
    )
    intake.interview_save(
        actor=user("interviewer"),
        household=household,
        answers=full_answers(
            household.round, needs=["diabetes"], needs_notes=f"Insulin {marker}", notes=marker
        ),
        members=FAMILY,
        complete=True,
    )
    intake.consent_withdraw(actor=user("interviewer"), household=household)
    Consent.objects.filter(household=household).update(withdrawn_at=on)
    return household


def test_each_category_goes_after_its_period_from_the_withdrawal():
    withdrawn_on = dt.date(2026, 3, 1)
    household = _withdrawn(timezone.make_aware(dt.datetime(2026, 3, 1, 15, 0)))
    interview = Interview.objects.get(household=household)

    def due(days: int) -> dt.date:
        return withdrawn_on + dt.timedelta(days=days)

    # on the last day of the period nothing is due
    assert _run(due(10))["health_needs"]["households"] == 0
    assert _run(due(11))["health_needs"]["households"] == 1
    interview.refresh_from_db()
    assert interview.needs == [] and interview.needs_notes == ""
    assert interview.notes == "W5R" and interview.languages == ["uk", "ru"]
    assert HouseholdContact.objects.filter(household=household).exists()

    assert _run(due(20))["contact_data"]["households"] == 0
    assert _run(due(21))["contact_data"]["households"] == 1
    assert not HouseholdContact.objects.filter(household=household).exists()
    household.refresh_from_db()
    assert household.external_reference == ""

    assert _run(due(30))["interview_answers"]["households"] == 0
    assert _run(due(31))["interview_answers"]["households"] == 1
    interview.refresh_from_db()
    assert interview.notes == "" and interview.languages == [] and interview.importance == {}
    assert interview.completed  # that the interview was held stays
    assert tables_holding("W5R", database_text()) == []
    # nothing more to do, however often the job runs
    again = _run(due(400))
    assert again["health_needs"] == {"households": 0, "cases": 0}
    assert again["contact_data"] == {"households": 0}
    assert again["interview_answers"] == {"households": 0}
    assert Household.objects.filter(pk=household.pk).exists()  # the statistics' record stays


def test_a_dry_run_counts_and_changes_nothing():
    household = _withdrawn(timezone.make_aware(dt.datetime(2026, 3, 1, 15, 0)))
    before = database_text()
    counts = _run(dt.date(2027, 1, 1), dry_run=True)
    assert counts["health_needs"]["households"] == 1
    assert counts["contact_data"]["households"] == 1
    assert counts["interview_answers"]["households"] == 1
    after = database_text()
    assert after == before
    assert HouseholdContact.objects.filter(household=household).exists()
    assert not AuditEntry.objects.filter(action="privacy.retention.completed").exists()


def test_households_still_taking_part_are_kept():
    round_ = make_round()
    household = register(round_, contact_name="Name T3K")
    intake.interview_save(
        actor=user("interviewer"),
        household=household,
        answers=full_answers(round_, notes="T3K"),
        members=FAMILY,
        complete=True,
    )
    counts = _run(dt.date(2030, 1, 1))
    assert counts["contact_data"]["households"] == 0
    assert counts["interview_answers"]["households"] == 0
    assert "relocation_householdcontact" in tables_holding("T3K", database_text())


def test_a_household_never_placed_ends_with_the_closing_of_its_round():
    round_ = make_round()
    household = register(round_, contact_name="Name C2L")
    closed = timezone.make_aware(dt.datetime(2026, 4, 10, 9, 0))
    Round.objects.filter(pk=round_.pk).update(status=RoundStatus.CLOSED, status_changed_at=closed)
    assert _run(dt.date(2026, 4, 30))["contact_data"]["households"] == 0
    assert _run(dt.date(2026, 5, 1))["contact_data"]["households"] == 1
    assert not HouseholdContact.objects.filter(household=household).exists()


def test_an_arrived_household_is_kept_until_its_last_follow_up_survey():
    """Arrived 2026-05-05: the last wave is due 2027-05-05, so its part ends then; the case
    opened from its arrival keeps its own health data until it is closed."""
    from passgenau.apps.relocation.services import travel

    lived = lived_household(marker="A9V", read_contact=False)
    travel.arrival_correct(
        actor=user("municipal_officer"),
        proposal=lived.proposal,
        reason="Tippfehler bei Familie A9V",
        arrived_on=dt.date(2026, 5, 5),
        registered_on=dt.date(2026, 5, 7),
        notes="Schlüssel A9V",
    )
    reference = lived.household.reference
    last_due = FollowUpSurvey.objects.filter(household=lived.household).latest("due_on").due_on
    assert last_due == dt.date(2027, 5, 5)
    assert _run(dt.date(2027, 5, 15))["health_needs"]["households"] == 0
    counts = _run(dt.date(2027, 5, 16))
    assert counts["health_needs"] == {"households": 1, "cases": 0}
    run = MatchingRun.objects.get()
    assert reference not in {h["id"] for h in run.snapshot["households"]}
    assert run.snapshot["removed_by_retention"] == 1
    assert not run.proposals.get(household=lived.household).explanation
    assert HealthRecord.objects.filter(case=lived.case).exists()  # the case is still open

    _run(dt.date(2027, 6, 5))  # interview answers and contact data (30 and 20 days)
    # what remains is the open case's, which keeps its own data while it is open
    assert {t.split("_")[0] for t in tables_holding("A9V", database_text())} == {"cases"}


def test_a_closed_cases_health_data_go_after_the_period_for_health_needs():
    lived = lived_household(marker="H4C", read_contact=False)
    worker = lived.case.caseworker
    closed_on = timezone.localdate()
    cases.case_close(actor=worker, case=lived.case, outcome="goals_reached", on=closed_on)
    assert _run(closed_on + dt.timedelta(days=10))["health_needs"]["cases"] == 0
    assert _run(closed_on + dt.timedelta(days=11))["health_needs"]["cases"] == 1
    case = Case.objects.get(pk=lived.case.pk)
    assert case.needs == [] and not HealthRecord.objects.filter(case=case).exists()


def test_surveys_go_after_their_period():
    lived = lived_household(marker="S6V", read_contact=False)
    held = FollowUpSurvey.objects.get(household=lived.household, wave=1)
    assert held.completed_on == dt.date.today()
    due_six = FollowUpSurvey.objects.get(household=lived.household, wave=6).due_on
    assert due_six == dt.date(2026, 11, 5)
    # the 6-month wave, never held, counts from its due date; the held one from its day
    assert _run(due_six + dt.timedelta(days=40))["surveys"]["surveys"] == 0
    assert _run(due_six + dt.timedelta(days=41))["surveys"]["surveys"] == 1
    assert FollowUpSurvey.objects.filter(pk=held.pk).exists()
    assert _run(held.completed_on + dt.timedelta(days=40))["surveys"]["surveys"] == 0
    assert _run(held.completed_on + dt.timedelta(days=41))["surveys"]["surveys"] == 1
    assert not FollowUpSurvey.objects.filter(pk=held.pk).exists()


def test_audit_entries_go_after_their_period_and_the_job_is_logged():
    log_action("relocation.household.read", actor=user("interviewer"))
    today = timezone.localdate()
    written = AuditEntry.objects.count()
    assert _run(today + dt.timedelta(days=50))["audit_entries"]["entries"] == 0
    counts = _run(today + dt.timedelta(days=51))
    # everything written today goes, the job's own entries of the two runs above included
    assert counts["audit_entries"]["entries"] == written + 1
    job = AuditEntry.objects.get()
    assert job.action == "privacy.retention.completed" and job.actor is None
    assert job.data["audit_entries"] == {"entries": written + 1}
    assert job.data["today"] == (today + dt.timedelta(days=51)).isoformat()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the DELETE trigger is PostgreSQL's")
def test_outside_the_job_postgresql_still_refuses_to_delete_entries():
    from django.db import DatabaseError, transaction

    log_action("relocation.household.read", actor=user("interviewer"))
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.exists()


def test_the_command_reports_per_category():
    _withdrawn(timezone.make_aware(dt.datetime(2026, 3, 1, 15, 0)))
    out = io.StringIO()
    call_command("retention", "--dry-run", "--today", "2027-01-01", stdout=out)
    text = out.getvalue()
    assert "retention 2027-01-01 (dry run, nothing changed)" in text
    assert "contact_data: households 1 (kept 20 days: before 2026-12-12)" in text
    assert "audit_entries: entries 0 (kept 50 days: before 2026-11-12)" in text
    assert HouseholdContact.objects.exists()
    call_command("retention", "--today", "2027-01-01", stdout=out)
    assert not HouseholdContact.objects.exists()


def test_the_passgenau_command_refuses_a_bad_date(capsys):
    from passgenau.cli import main

    assert main(["retention", "--dry-run", "--today", "2027-13-01"]) == 2
    assert "--today" in capsys.readouterr().err


def test_every_category_needs_a_period(settings):
    settings.RETENTION_DAYS = {k: v for k, v in DAYS.items() if k != "surveys"}
    with pytest.raises(ImproperlyConfigured, match="surveys"):
        _run(dt.date(2027, 1, 1))


def test_periods_come_from_the_environment(monkeypatch):
    from passgenau.web.settings.base import env_days

    monkeypatch.setenv("RETENTION_SURVEYS_DAYS", "365")
    assert env_days("RETENTION_SURVEYS_DAYS", 730) == 365
    monkeypatch.setenv("RETENTION_SURVEYS_DAYS", "")
    assert env_days("RETENTION_SURVEYS_DAYS", 730) == 730
    for bad in ("0", "-3", "two years", "1.5"):
        monkeypatch.setenv("RETENTION_SURVEYS_DAYS", bad)
        with pytest.raises(ImproperlyConfigured, match="RETENTION_SURVEYS_DAYS"):
            env_days("RETENTION_SURVEYS_DAYS", 730)


def test_the_forms_tell_how_long_data_are_kept(interviewer_client):
    from django.urls import reverse

    round_ = make_round()
    household = register(round_)
    page = interviewer_client.get(reverse("relocation:interview", kwargs={"pk": household.pk}))
    text = page.content.decode()
    assert "Ваші відповіді буде видалено через 30 днів" in text  # the household's language (uk)
    assert "через 10 днів" in text
    page = interviewer_client.get(
        reverse("relocation:household_register", kwargs={"pk": round_.pk})
    )
    assert "deleted 20 days after the household's part in the round has ended" in (
        page.content.decode()
    )


def test_the_retention_of_interview_answers_knows_every_answer():
    """A new question of the interview must be removed with the others (or say why not)."""
    from passgenau.apps.relocation.services.retention import BLANK_ANSWERS

    assert set(BLANK_ANSWERS) == set(intake.INTERVIEW_FIELDS) - {"conducted_in"}


CASE_CATEGORIES = {
    # category: (the kind of record it counts, what is left of the case's data once it ran)
    "case_plans": "goals",
    "case_notes": "notes",
    "case_referrals": "referrals",
    "case_housing": "requests",
    "case_mentoring": "requests",
    "case_mediation": "requests",
    "case_files": "kept for billing",
}


def _case_rows(case) -> dict[str, int]:
    from passgenau.apps.cases.models import (
        ContactNote,
        Goal,
        HousingRequest,
        MediationRequest,
        MenteeRequest,
        MentorMeeting,
        PlanVersion,
        Referral,
    )

    return {
        "case_plans": Goal.objects.filter(case=case).count()
        + PlanVersion.objects.filter(case=case).count(),
        "case_notes": ContactNote.objects.filter(case=case).count(),
        "case_referrals": Referral.objects.filter(case=case).count(),
        "case_housing": HousingRequest.objects.filter(case=case).count(),
        "case_mentoring": MenteeRequest.objects.filter(case=case).count()
        + MentorMeeting.objects.filter(pair__request__case=case).count(),
        "case_mediation": MediationRequest.objects.filter(case=case).count(),
        "case_files": int(Case.objects.filter(pk=case.pk).exclude(name=case.reference).exists()),
    }


def test_each_category_of_a_closed_case_goes_after_its_period_from_the_closing():
    from decimal import Decimal

    from django.db.models import Sum

    from passgenau.apps.cases.models import EngineRun, HourEntry
    from privacy_helpers import case_areas

    lived = lived_household(marker="C5L", read_contact=False)
    case_areas(lived.case, marker="C5L")
    worker = lived.case.caseworker
    closed_on = timezone.localdate()
    cases.case_close(actor=worker, case=lived.case, outcome="goals_reached", on=closed_on)
    held = _case_rows(lived.case)
    assert all(held.values()), held

    # a dry run on the last day counts every category and changes nothing
    dry = _run(closed_on + dt.timedelta(days=121), dry_run=True)
    assert {c: dry[c][kind] for c, kind in CASE_CATEGORIES.items()} == {
        "case_plans": 1,
        "case_notes": 1,
        "case_referrals": 1,
        "case_housing": 1,
        "case_mentoring": 1,
        "case_mediation": 1,
        "case_files": 1,
    }
    assert _case_rows(lived.case) == held

    for category, kind in CASE_CATEGORIES.items():
        days = DAYS[category]
        assert _run(closed_on + dt.timedelta(days=days))[category][kind] == 0, category
        assert _case_rows(lived.case)[category], category
        counts = _run(closed_on + dt.timedelta(days=days + 1))
        assert counts[category][kind] >= 1, (category, counts[category])
        assert _case_rows(lived.case)[category] == 0, category

    # what is left is the pseudonymous shell with the hours, which still add up
    case = Case.objects.get(pk=lived.case.pk)
    assert case.name == case.reference and case.household is None and case.needs == []
    entries = HourEntry.objects.filter(case=case)
    assert entries.aggregate(total=Sum("hours"))["total"] == Decimal("1.00")
    assert {e.reason for e in entries} == {"", "—"} and not entries.filter(assignment__isnull=False)
    left = {t for t in tables_holding("C5L", database_text()) if t.startswith("cases_")}
    assert left == set()
    for run in EngineRun.objects.all():
        assert run.snapshot["erased"] == 1, run.programme
    # running again removes nothing more
    again = _run(closed_on + dt.timedelta(days=200))
    assert all(sum(again[c].values()) == 0 for c in CASE_CATEGORIES), again
    job = AuditEntry.objects.filter(action="privacy.retention.completed").latest("pk")
    assert job.data["case_files"] == {"deleted": 0, "kept for billing": 0}


def test_a_closed_case_without_hours_is_deleted_and_an_open_one_kept():
    from cases_helpers import make_case

    closed, kept = make_case(name="Closed C6M"), make_case(name="Open C6M")
    cases.note_create(
        actor=closed.caseworker, case=kept, on=dt.date(2026, 1, 6), kind="phone", text="C6M"
    )
    closed_on = dt.date(2026, 2, 1)
    cases.case_close(actor=closed.caseworker, case=closed, outcome="moved_away", on=closed_on)
    assert _run(closed_on + dt.timedelta(days=120))["case_files"]["deleted"] == 0
    counts = _run(closed_on + dt.timedelta(days=121))
    assert counts["case_files"] == {"deleted": 1, "kept for billing": 0}
    assert not Case.objects.filter(pk=closed.pk).exists()
    # the open case keeps everything, however old
    _run(dt.date(2036, 1, 1))
    assert Case.objects.get(pk=kept.pk).notes.get().text == "C6M"


def test_a_reopened_case_keeps_its_data():
    from cases_helpers import make_case

    case = make_case()
    cases.note_create(
        actor=case.caseworker, case=case, on=dt.date(2026, 1, 6), kind="phone", text="x"
    )
    cases.case_close(actor=case.caseworker, case=case, outcome="other", on=dt.date(2026, 2, 1))
    cases.case_transition(actor=case.caseworker, case=case, status="active")
    assert _run(dt.date(2027, 1, 1))["case_notes"]["notes"] == 0
    assert case.notes.exists()


def test_every_category_has_its_environment_variable():
    from pathlib import Path

    from passgenau.apps.privacy.vocab import RetentionCategory
    from passgenau.web.settings import base

    source = Path(base.__file__).read_text()
    for category in RetentionCategory.values:
        assert f'"{category}": env_days("RETENTION_{category.upper()}_DAYS"' in source
        assert base.RETENTION_DAYS[category] >= 1


def test_the_case_pages_tell_how_long_each_part_is_kept(caseworker_client):
    from django.urls import reverse

    from cases_helpers import make_case

    case = make_case()
    text = caseworker_client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    for said in (
        "Goals, steps and agreed plan versions are deleted 60 days after the case is closed.",
        "Contact notes are deleted 70 days after the case is closed.",
        "Referrals are deleted 80 days after the case is closed.",
        "The request and the flats proposed for it are deleted 90 days after the case",
        "The request, the pair and its meetings are deleted 100 days after the case",
        "The appointment and its booking are deleted 110 days after the case is closed",
        "Specialist hours are kept for the funders",
    ):
        assert said in text.replace("&#x27;", "'"), said
    for name in ("housing_request_create", "mentee_request_create", "mediation_request_create"):
        page = caseworker_client.get(reverse(f"cases:{name}", args=[case.pk]))
        assert 'id="retention"' in page.content.decode(), name
    page = caseworker_client.get(reverse("cases:case_create")).content.decode()
    assert "The case file is deleted 120 days after the case is closed" in page
