"""Whatever sequence of approvals, freezes, releases and payments happens, the programme report
adds up and no rule is broken (property test over random sequences, through the services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from funding_helpers import make_programme, organisation
from passgenau.apps.funding import selectors, services

pytestmark = pytest.mark.django_db

# Up to 30,000 EUR each: three grants fit into the budget, so most approvals go through.
cents = st.integers(min_value=1, max_value=3_000_000).map(lambda c: Decimal(c).scaleb(-2))
# Freezes and payments as parts of the grant, so that the interesting boundaries (exactly what is
# payable, a little more) come up often.
parts = st.sampled_from(["0.25", "0.5", "0.75", "1", "1.25"]).map(Decimal)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("approve"), st.integers(0, 2)),
        st.tuples(st.just("freeze"), st.integers(0, 2), parts),
        st.tuples(st.just("release"), st.integers(0, 2)),
        st.tuples(st.just("pay"), st.integers(0, 2), parts),
    ),
    max_size=14,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(amounts=st.lists(cents, min_size=3, max_size=3), approve_first=st.booleans(), steps=steps)
# Boundary cases checked every time: paying into a frozen part, freezing what was paid, paying
# exactly what is payable after a release, and paying more than approved.
@example(
    amounts=[Decimal("30000.00")] * 3,
    approve_first=True,
    steps=[("freeze", 0, Decimal("0.5")), ("pay", 0, Decimal("0.75"))],
)
@example(
    amounts=[Decimal("30000.00")] * 3,
    approve_first=True,
    steps=[("pay", 1, Decimal("0.75")), ("freeze", 1, Decimal("0.5"))],
)
@example(
    amounts=[Decimal("30000.00")] * 3,
    approve_first=True,
    steps=[("freeze", 2, Decimal("0.5")), ("release", 2), ("pay", 2, Decimal("1"))],
)
@example(
    amounts=[Decimal("30000.00")] * 3,
    approve_first=True,
    steps=[("approve", 0), ("pay", 0, Decimal("1.25"))],
)
def test_report_always_adds_up(
    amounts: list[Decimal], approve_first: bool, steps: list[tuple]
) -> None:
    programme = make_programme(budget=Decimal("100000.00"))
    recipient = organisation("Verein", "provider")
    grants = [
        services.grant_create(
            actor=None, programme=programme, organisation=recipient, title=f"g{i}", amount=amount
        )
        for i, amount in enumerate(amounts)
    ]
    if approve_first:
        steps = [("approve", 0), ("approve", 1), ("approve", 2), *steps]
    for step in steps:
        grant = grants[step[1]]
        grant.refresh_from_db()
        try:
            if step[0] == "approve":
                services.grant_approve(
                    actor=None, grant=grant, notice_number="N", notice_date=dt.date(2026, 1, 1)
                )
            elif step[0] == "freeze":
                amount = (grant.amount * step[2]).quantize(Decimal("0.01"))
                services.grant_freeze(actor=None, grant=grant, amount=amount, reason="x")
            elif step[0] == "release":
                freeze = grant.freezes.filter(released_at__isnull=True).first()
                if freeze is not None:
                    services.freeze_release(actor=None, freeze=freeze)
            else:
                services.grant_pay(
                    actor=None, grant=grant, amount=step[2], paid_on=dt.date(2026, 2, 1)
                )
        except services.FundingError:
            pass  # a refused change must leave everything as it was; checked below
        report = selectors.programme_report(programme=programme)
        assert report.adds_up
        assert Decimal(0) <= report.approved <= report.budget
        for each in grants:
            money = selectors.grant_money(grant=each)
            assert money.frozen >= 0 and money.paid >= 0
            assert money.paid + money.frozen <= money.approved
            assert money.payable >= 0
