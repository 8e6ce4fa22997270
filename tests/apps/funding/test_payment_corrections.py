"""A payment recorded in error is corrected by the programme's funder with a reason (issue 11,
bug 1): the old and new values are kept and logged, the date rules of paying hold for the
corrected payment, and the grant is paid exactly when its payments made reach the approval."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from funding_helpers import make_grant
from passgenau.apps.audit.models import AuditEntry
from passgenau.apps.funding import selectors, services
from passgenau.apps.funding.models import GrantStatus, Payment, PaymentCorrection

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _paid_grant():
    grant = make_grant(approve=True)
    payment = services.grant_pay(
        actor=None, grant=grant, amount=grant.amount, paid_on=TODAY - dt.timedelta(days=3)
    )
    grant.refresh_from_db()
    assert grant.status == GrantStatus.PAID
    return grant, payment


def _correct(users, payment, **values):
    return services.payment_correct(actor=users("funder"), payment=payment, **values)


def test_a_payment_is_corrected_with_a_reason_and_the_grant_is_approved_again(user_for_role):
    grant, payment = _paid_grant()
    correction = _correct(
        user_for_role,
        payment,
        reason="Typed 50,000 instead of 40,000",
        amount=Decimal("40000.00"),
        paid_on=payment.paid_on,
    )
    payment.refresh_from_db()
    grant.refresh_from_db()
    assert payment.amount == Decimal("40000.00")
    # 10,000 are no longer paid: the grant waits for them again
    assert grant.status == GrantStatus.APPROVED
    assert selectors.grant_money(grant=grant).payable == Decimal("10000.00")
    assert (correction.amount_before, correction.amount_after) == (
        Decimal("50000.00"),
        Decimal("40000.00"),
    )
    assert correction.reason == "Typed 50,000 instead of 40,000"
    entry = AuditEntry.objects.get(action="funding.payment.corrected")
    assert entry.data["correction"] == correction.pk
    assert entry.data["from"]["amount"] == "50000.00"
    assert entry.data["to"]["amount"] == "40000.00"
    assert entry.data["status"] == {"from": "paid", "to": "approved"}
    assert "Typed" not in str(entry.data)  # the reason stays with the correction


def test_a_payment_made_cannot_be_corrected_into_the_future_unless_planned(user_for_role):
    grant, payment = _paid_grant()
    later = TODAY + dt.timedelta(days=10)
    with pytest.raises(services.FundingError, match="mark it as planned"):
        _correct(user_for_role, payment, reason="wrong day", amount=payment.amount, paid_on=later)
    with pytest.raises(services.FundingError, match="date after today"):
        _correct(
            user_for_role,
            payment,
            reason="wrong day",
            amount=payment.amount,
            paid_on=TODAY,
            planned=True,
        )
    payment.refresh_from_db()
    assert payment.paid_on == TODAY - dt.timedelta(days=3) and not payment.planned
    # recorded as paid, but it is only scheduled: planned, it counts as not paid yet
    _correct(
        user_for_role,
        payment,
        reason="only scheduled",
        amount=payment.amount,
        paid_on=later,
        planned=True,
    )
    grant.refresh_from_db()
    assert grant.status == GrantStatus.APPROVED
    assert selectors.grant_money(grant=grant).paid == 0


def test_a_correction_needs_a_reason_and_a_change(user_for_role):
    _grant, payment = _paid_grant()
    values = {"amount": Decimal("1.00"), "paid_on": payment.paid_on}
    for reason in ("", "   ", "x" * 2001):
        with pytest.raises(Exception) as refused:
            _correct(user_for_role, payment, reason=reason, **values)
        assert "reason" in refused.value.message_dict
    with pytest.raises(services.FundingError, match="Nothing was changed"):
        _correct(
            user_for_role,
            payment,
            reason="no change",
            amount=payment.amount,
            paid_on=payment.paid_on,
        )
    assert not PaymentCorrection.objects.exists()
    assert Payment.objects.get(pk=payment.pk).amount == Decimal("50000.00")


def test_no_correction_beyond_the_amount_approved(user_for_role):
    _grant, payment = _paid_grant()
    with pytest.raises(services.FundingError, match=r"at most 50[.,]000[.,]00 EUR"):
        _correct(
            user_for_role,
            payment,
            reason="typo",
            amount=Decimal("50000.01"),
            paid_on=payment.paid_on,
        )


def test_once_the_use_of_funds_is_reported_the_payments_stay(user_for_role):
    grant, payment = _paid_grant()
    services.grant_report(
        actor=None, grant=grant, submitted_on=TODAY, spent=grant.amount, summary="done"
    )
    with pytest.raises(services.FundingError, match="reported"):
        _correct(
            user_for_role, payment, reason="typo", amount=Decimal("10.00"), paid_on=payment.paid_on
        )
    grant.refresh_from_db()
    assert grant.status == GrantStatus.REPORTED


def test_only_the_programmes_funder_corrects(client_for_role, user_for_role):
    grant, payment = _paid_grant()
    url = reverse("funding:payment_correct", kwargs={"pk": grant.pk, "payment": payment.pk})
    with pytest.raises(services.FundingError, match="funder"):
        services.payment_correct(
            actor=user_for_role("provider"),
            payment=payment,
            reason="x",
            amount=Decimal("1.00"),
            paid_on=payment.paid_on,
        )
    provider = client_for_role("provider")  # the recipient sees the grant but does not correct
    assert provider.get(grant.get_absolute_url()).status_code == 200
    assert provider.post(url, {"amount": "1,00", "reason": "x"}).status_code == 403
    assert Payment.objects.get(pk=payment.pk).amount == Decimal("50000.00")


def test_the_grant_page_leads_to_the_correction_and_shows_its_history(client_for_role):
    grant, payment = _paid_grant()
    funder = client_for_role("funder")
    url = reverse("funding:payment_correct", kwargs={"pk": grant.pk, "payment": payment.pk})
    assert f'href="{url}"' in funder.get(grant.get_absolute_url()).content.decode()
    form = funder.get(url).content.decode()
    assert 'name="reason"' in form and f'value="{payment.paid_on.isoformat()}"' in form
    refused = funder.post(url, {"amount": "40000", "paid_on": payment.paid_on.isoformat()})
    assert refused.status_code == 400  # no reason given
    response = funder.post(
        url,
        {"amount": "40000", "paid_on": payment.paid_on.isoformat(), "reason": "Wrong amount"},
    )
    assert response.status_code == 302 and response["Location"] == grant.get_absolute_url()
    for page in (grant.get_absolute_url(), url):
        text = funder.get(page).content.decode()
        assert "Wrong amount" in text, page
        assert "Korrigiert am" in text, page  # the pages speak German
    recipient_page = client_for_role("provider").get(grant.get_absolute_url()).content.decode()
    assert "Wrong amount" in recipient_page and f'href="{url}"' not in recipient_page
