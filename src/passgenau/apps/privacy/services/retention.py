"""Retention (Art. 5(1)(e) GDPR): each category of data is kept for its own period (settings
``RETENTION_DAYS``, from the environment) and the daily job removes what is due, in one
transaction, and reports and logs how much that was per category. Each app removes its own rows
(``relocation.services.retention``, ``cases.services.retention``, ``audit.services``).

What each category removes (the household itself stays, with its reference, status and members'
age bands, for the rounds' statistics):

- health needs: the interview's needs and notes on them, the information for the municipality
  before arrival, the proposals' explanations, the household's profile in run snapshots; and the
  health record and needs of a case closed that long ago;
- names and contact data: the contact row (names, phone, e-mail, place of stay, notes), the
  organisation's own reference, the travel plan's contact person, phone, meeting point, route;
- interview answers: every answer and note, the reasons given for decisions on the household's
  proposals, for changes of them and for corrections of its arrival, the arrival's notes (and
  what health needs removes);
- follow-up surveys: deleted;
- case management (counted from the closing of a case): integration plans, contact notes,
  referrals, housing, mentoring and mediation requests, then the case file itself (a case with
  specialist hours is kept as a pseudonymous shell with them: they stay for the funders'
  statements, see ``cases.services.retention``);
- audit entries: deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.audit.services import entries_delete_before, log_action
from passgenau.apps.cases.services import retention as cases
from passgenau.apps.relocation.selectors.retention import households_ended_before
from passgenau.apps.relocation.services import retention as relocation

from ..vocab import RetentionCategory

__all__ = [
    "RETENTION_COMPLETED",
    "RetentionLine",
    "RetentionReport",
    "retention_apply",
    "retention_last_run",
    "retention_periods",
]

# The audit action of a completed (not dry) run of the daily job.
RETENTION_COMPLETED = "privacy.retention.completed"


@dataclass(frozen=True)
class RetentionLine:
    category: str
    days: int
    # data dated before this day are due
    before: dt.date
    # how many were (or, in a dry run, would be) removed, by kind of record
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_text(self) -> str:
        counts = ", ".join(f"{kind} {n}" for kind, n in self.counts.items())
        return f"{self.category}: {counts} (kept {self.days} days: before {self.before})"


@dataclass(frozen=True)
class RetentionReport:
    today: dt.date
    dry_run: bool
    lines: list[RetentionLine]

    def counts(self) -> dict[str, dict[str, int]]:
        return {line.category: line.counts for line in self.lines}


def retention_periods() -> dict[str, int]:
    """Days per category, from the settings (every category must have a period)."""
    configured = getattr(settings, "RETENTION_DAYS", {})
    missing = [c for c in RetentionCategory.values if c not in configured]
    if missing:
        raise ImproperlyConfigured(f"RETENTION_DAYS has no period for {', '.join(missing)}")
    return {c: int(configured[c]) for c in RetentionCategory.values}


def _health(before: dt.date, apply: bool) -> dict[str, int]:
    households = relocation.health_needs_remove(
        households=households_ended_before(before), apply=apply
    )
    return {
        "households": households,
        "cases": cases.closed_cases_health_remove(before=before, apply=apply),
    }


def _contact(before: dt.date, apply: bool) -> dict[str, int]:
    ended = households_ended_before(before)
    return {"households": relocation.contact_data_remove(households=ended, apply=apply)}


def _answers(before: dt.date, apply: bool) -> dict[str, int]:
    ended = households_ended_before(before)
    return {"households": relocation.interview_answers_remove(households=ended, apply=apply)}


def _surveys(before: dt.date, apply: bool) -> dict[str, int]:
    return {"surveys": relocation.surveys_remove(before=before, apply=apply)}


def _area(area: str) -> Callable[[dt.date, bool], dict[str, int]]:
    def remove(before: dt.date, apply: bool) -> dict[str, int]:
        return cases.closed_cases_area_remove(area=area, before=before, apply=apply)

    return remove


def _case(
    remover: Callable[..., dict[str, int]],
) -> Callable[[dt.date, bool], dict[str, int]]:
    def remove(before: dt.date, apply: bool) -> dict[str, int]:
        return remover(before=before, apply=apply)

    return remove


def _audit(before: dt.date, apply: bool) -> dict[str, int]:
    start = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    return {"entries": entries_delete_before(before=start, apply=apply)}


REMOVERS: dict[str, Callable[[dt.date, bool], dict[str, int]]] = {
    RetentionCategory.HEALTH_NEEDS: _health,
    RetentionCategory.CONTACT_DATA: _contact,
    RetentionCategory.INTERVIEW_ANSWERS: _answers,
    RetentionCategory.SURVEYS: _surveys,
    RetentionCategory.CASE_PLANS: _case(cases.closed_cases_plans_remove),
    RetentionCategory.CASE_NOTES: _case(cases.closed_cases_notes_remove),
    RetentionCategory.CASE_REFERRALS: _case(cases.closed_cases_referrals_remove),
    RetentionCategory.CASE_HOUSING: _area("housing"),
    RetentionCategory.CASE_MENTORING: _area("mentoring"),
    RetentionCategory.CASE_MEDIATION: _area("mediation"),
    RetentionCategory.CASE_FILES: _case(cases.closed_cases_files_remove),
    RetentionCategory.AUDIT_ENTRIES: _audit,
}


@transaction.atomic
def retention_apply(*, today: dt.date, dry_run: bool = False) -> RetentionReport:
    """Remove what is due on ``today`` (``dry_run``: only count it) and report it; the job's
    audit entry carries the counts."""
    periods = retention_periods()
    lines = []
    for category in RetentionCategory.values:
        before = today - dt.timedelta(days=periods[category])
        counts = REMOVERS[category](before, not dry_run)
        lines.append(RetentionLine(category, periods[category], before, counts))
    report = RetentionReport(today=today, dry_run=dry_run, lines=lines)
    if not dry_run:
        log_action(
            RETENTION_COMPLETED,
            actor=None,
            data={"today": today.isoformat(), **report.counts()},
        )
    return report


def retention_last_run() -> dt.datetime | None:
    """When the daily job last completed (its audit entry), or None if it never has."""
    return (
        AuditEntry.objects.filter(action=RETENTION_COMPLETED)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
