"""Benchmark (not a test): case management at the size of a city's migration social work —
10,000 cases with goals, steps and notes and 200,000 specialist-hour entries under one contract —
timing the caseload page (first and a far page) and a year's statement (selector, CSV, PDF, page),
and counting the queries of each page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passgenau_cases \\
        .venv/bin/python bench/cases.py [--cases 10000] [--entries 200000]

Uses the test settings (an in-memory SQLite database unless DATABASE_URL is set; a test database
is created next to the named one and dropped afterwards).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passgenau.web.settings.test")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        return run(args)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


def _timed(label: str, fn):  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - started
    print(f"{label:<44} {seconds:8.3f} s  {len(queries.captured_queries):4d} queries")
    return result


def run(args: argparse.Namespace) -> int:
    from django.db import connection
    from django.test import Client

    from passgenau.apps.accounts.access import SESSION_OTP_VERIFIED
    from passgenau.apps.accounts.models import Organisation, User
    from passgenau.apps.cases import exports, selectors
    from passgenau.apps.cases.models import (
        Activity,
        Case,
        CaseConsent,
        ContactNote,
        FundingContract,
        Goal,
        HourEntry,
        Step,
    )
    from passgenau.apps.funding.models import Grant, GrantStatus, Programme

    rng = random.Random(args.seed)
    started = time.perf_counter()
    org = Organisation.objects.create(name="Migrationssozialarbeit", kind="provider")
    city = Organisation.objects.create(name="Sozialamt", kind="funder")
    worker = User.objects.create(username="worker", role="caseworker", organisation=org)
    funder = User.objects.create(username="funder", role="funder", organisation=city)
    programme = Programme.objects.create(
        funder=city,
        name="MSA",
        budget=Decimal("10000000"),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    grant = Grant.objects.create(
        programme=programme,
        organisation=org,
        title="MSA 2026",
        amount=Decimal("9000000"),
        status=GrantStatus.APPROVED,
    )
    contract = FundingContract.objects.create(
        grant=grant,
        name="Fachleistungsstunden 2026",
        hourly_rate=Decimal("62.40"),
        hours_budget=Decimal("150000"),
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 12, 31),
    )
    year_start = dt.date(2026, 1, 1)
    cases = Case.objects.bulk_create(
        [
            Case(
                name=f"Person {i}",
                persons=rng.randint(1, 6),
                organisation=org,
                caseworker=worker,
                status="active",
                opened_on=year_start + dt.timedelta(days=rng.randint(0, 200)),
            )
            for i in range(args.cases)
        ],
        batch_size=2000,
    )
    CaseConsent.objects.bulk_create(
        [
            CaseConsent(
                case=c, purpose=p, given_on=c.opened_on, explained_in="uk", recorded_by=worker
            )
            for c in cases
            for p in ("case_management", "billing")
        ],
        batch_size=5000,
    )
    goals = Goal.objects.bulk_create(
        [
            Goal(
                case=c,
                area=area,
                title="Ziel",
                responsible="x",
                due_on=c.opened_on + dt.timedelta(days=180),
                review_on=c.opened_on + dt.timedelta(days=rng.randint(30, 180)),
            )
            for c in cases
            for area in ("language", "work", "housing")
        ],
        batch_size=5000,
    )
    Step.objects.bulk_create(
        [
            Step(
                goal=g,
                title="Schritt",
                responsible="x",
                due_on=g.case.opened_on + dt.timedelta(days=rng.randint(10, 300)),
            )
            for g in goals
            for _ in range(2)
        ],
        batch_size=5000,
    )
    ContactNote.objects.bulk_create(
        [
            ContactNote(
                case=c,
                on=c.opened_on + dt.timedelta(days=rng.randint(0, 300)),
                kind="phone",
                text="t",
                by=worker,
            )
            for c in cases
            for _ in range(3)
        ],
        batch_size=5000,
    )
    activities = list(Activity.values)
    HourEntry.objects.bulk_create(
        [
            HourEntry(
                case=(case := cases[rng.randrange(len(cases))]),
                caseworker=worker,
                contract=contract,
                on=case.opened_on + dt.timedelta(days=rng.randint(0, 120)),
                activity=rng.choice(activities),
                hours=Decimal(rng.randint(1, 12)) / 4,
            )
            for _ in range(args.entries)
        ],
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"{connection.vendor}: {args.cases} cases, {len(goals)} goals, {args.entries} hour "
        f"entries built in {time.perf_counter() - started:.1f} s"
    )

    def client_for(user: User) -> Client:
        client = Client()
        client.force_login(user)
        session = client.session
        session[SESSION_OTP_VERIFIED] = True
        session.save()
        return client

    caseworker_client = client_for(worker)
    first = _timed("caseload page 1", lambda: caseworker_client.get("/cases/"))
    assert first.status_code == 200
    far = _timed("caseload page 200", lambda: caseworker_client.get("/cases/?page=200"))
    assert far.status_code == 200
    _timed("caseload, overdue only", lambda: caseworker_client.get("/cases/?only=overdue"))
    statement = _timed(
        "year statement (selector)",
        lambda: selectors.statement(
            contract=contract, first_day=dt.date(2026, 1, 1), last_day=dt.date(2026, 12, 31)
        ),
    )
    total_hours = sum((e for e in HourEntry.objects.values_list("hours", flat=True)), Decimal(0))
    assert statement.hours == total_hours, (statement.hours, total_hours)
    print(
        f"  {len(statement.lines)} lines, {statement.hours} h, {statement.amount} EUR "
        f"(equals the {args.entries} entries' sum: {statement.hours == total_hours})"
    )
    _timed("year statement CSV", lambda: exports.statement_csv(statement))
    _timed("year statement PDF", lambda: exports.statement_pdf(statement))
    funder_client = client_for(funder)
    page = _timed(
        "year statement page (funder)",
        lambda: funder_client.get(f"/cases/contracts/{contract.pk}/?year=2026"),
    )
    assert page.status_code == 200
    _timed(
        "month statement page (funder)",
        lambda: funder_client.get(f"/cases/contracts/{contract.pk}/?year=2026&month=3"),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
