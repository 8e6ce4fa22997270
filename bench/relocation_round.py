"""Benchmark (not a test): a relocation round of 2,000 households and 50 municipalities, from
interview data in the database to published proposals, and the queries per page on the review
and decision pages.

    .venv/bin/python bench/relocation_round.py [--households 2000] [--municipalities 50]

Uses the test settings (an in-memory SQLite database unless DATABASE_URL is set). The profiles
come from the engine's seeded synthetic generator and are stored as households, members,
interviews and municipality profiles; the timed part is what the coordinator waits for: the
snapshot, scoring, solving, explanations, storing the proposals, and publishing them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passgenau.web.settings.test")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--municipalities", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        return run(args)
    finally:
        connection.creation.destroy_test_db(":memory:", verbosity=0)


def run(args: argparse.Namespace) -> int:
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from passgenau.apps.accounts.access import SESSION_OTP_VERIFIED
    from passgenau.apps.accounts.models import Organisation, User
    from passgenau.apps.relocation.models import (
        Household,
        HouseholdContact,
        Interview,
        Member,
        MunicipalityProfile,
        Round,
        RoundStatus,
    )
    from passgenau.apps.relocation.services import review, runs
    from passgenau.engine.matching.profiles import DEMAND_DIMENSIONS
    from passgenau.engine.matching.synthetic import generate_profiles

    started = time.perf_counter()
    households, sites = generate_profiles(args.households, args.municipalities, args.seed)
    coordinating = Organisation.objects.create(name="Bench coordination", kind="coordinating")
    ngo = Organisation.objects.create(name="Bench NGO", kind="ngo")
    munis = Organisation.objects.bulk_create(
        [Organisation(name=f"{s.name} ({s.id})", kind="municipality") for s in sites]
    )
    pk_of_site = {s.id: m.pk for s, m in zip(sites, munis, strict=True)}

    def make_user(name: str, role: str, organisation: Organisation) -> User:
        user = User(username=name, role=role, organisation=organisation)
        user.set_unusable_password()
        user.save()
        return user

    coordinator = make_user("bench-coordinator", "coordinator", coordinating)
    interviewer = make_user("bench-interviewer", "interviewer", ngo)
    officer = make_user("bench-officer", "municipal_officer", munis[0])
    dims = sorted({d for s in sites for d in s.capacity}, key=DEMAND_DIMENSIONS.index)
    round_ = Round.objects.create(
        name="Bench round",
        coordinating_organisation=coordinating,
        status=RoundStatus.OPEN,
        capacity_dimensions=dims,
        created_by=coordinator,
    )
    MunicipalityProfile.objects.bulk_create(
        [
            MunicipalityProfile(
                round=round_,
                municipality_id=pk_of_site[s.id],
                capacities=dict(s.capacity),
                services=sorted(s.services),
                size_class=s.size_class or "",
                region=s.region or "",
                labour_demand=dict(s.labour_demand),
                communities=dict(s.communities),
                language_course_places=s.language_course_places,
                priorities=dict(s.priorities),
                priority_groups=sorted(s.priority_groups),
            )
            for s in sites
        ]
    )
    with transaction.atomic():
        rows = Household.objects.bulk_create(
            [
                Household(
                    round=round_,
                    interviewing_organisation=ngo,
                    interviewer=interviewer,
                    status="interviewed",
                    language="uk",
                )
                for _ in households
            ],
            batch_size=500,
        )
        now = dt.datetime.now(dt.UTC)
        places = lambda ids: [pk_of_site[i] for i in ids]  # noqa: E731
        Interview.objects.bulk_create(
            [
                Interview(
                    household=row,
                    conducted_in="uk",
                    languages=list(h.languages),
                    occupations=list(h.occupations),
                    needs=sorted(h.needs),
                    ties=places(h.ties),
                    importance=dict(h.importance),
                    ranked_places=places(h.ranked_places),
                    excluded_places=places(sorted(h.excluded_places)),
                    preferred_size=h.preferred_size or "",
                    preferred_region=h.preferred_region or "",
                    completed=True,
                    completed_at=now,
                )
                for row, h in zip(rows, households, strict=True)
            ],
            batch_size=500,
        )
        Member.objects.bulk_create(
            [
                Member(household=row, position=k, age_band=m.age_band, role=m.role)
                for row, h in zip(rows, households, strict=True)
                for k, m in enumerate(h.members)
            ],
            batch_size=1000,
        )
        HouseholdContact.objects.bulk_create(
            [HouseholdContact(household=row, contact_name=f"Person {row.pk}") for row in rows],
            batch_size=1000,
        )
    print(
        f"set-up (not timed): {args.households} households, {args.municipalities} "
        f"municipalities stored in {time.perf_counter() - started:.1f} s"
    )

    started = time.perf_counter()
    run = runs.run_start(actor=coordinator, round_=round_, mechanism="auto", seed=args.seed)
    ran = time.perf_counter() - started
    if run.status != "succeeded":
        print(f"run failed: {run.error}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    review.run_publish(actor=coordinator, run=run)
    published = time.perf_counter() - started
    total = ran + published

    def queries(user: User, url: str) -> tuple[int, int]:
        client = Client()
        client.force_login(user)
        session = client.session
        session[SESSION_OTP_VERIFIED] = True
        session.save()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(captured), len(response.content)

    review_q, review_bytes = queries(coordinator, reverse("relocation:run_detail", args=[run.pk]))
    decision_q, decision_bytes = queries(officer, reverse("relocation:proposal_list"))
    shown = run.proposals.filter(municipality=munis[0]).count()
    timings = run.timings
    print()
    print("| step | seconds |")
    print("|---|---:|")
    for step in ("scoring", "solving", "explaining", "storing"):
        print(f"| {step} | {timings.get(step, 0):.2f} |")
    print(f"| run_start (snapshot + task, all of the above) | {ran:.2f} |")
    print(f"| publish | {published:.2f} |")
    print(f"| **interview data to published proposals** | **{total:.2f}** (target < 60) |")
    print()
    print(
        f"mechanism {run.result['mechanism']} ({run.result['solver']}), status "
        f"{run.result['status']}, placed {run.metrics['placed_households']} of "
        f"{run.metrics['households']} households, gap {run.result['gap']}"
    )
    print()
    print("| page | queries | bytes |")
    print("|---|---:|---:|")
    print(f"| review (run detail, 100 proposals a page) | {review_q} | {review_bytes} |")
    print(f"| decisions (officer, {shown} proposals) | {decision_q} | {decision_bytes} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
