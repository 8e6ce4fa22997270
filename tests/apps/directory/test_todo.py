"""The directory's to-do providers (directory/todo.py): a provider confirms its own offers
before they count as not confirmed recently (as the monthly reminder says); an editor reviews
the changes waiting in its directories; a Lotse records the outcome of referrals a week old,
overdue after two weeks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts_helpers import login_client, make_user
from directory_helpers import needs_with_referral, pending_change, provider_service
from passgenau.apps.accounts.models import Organisation
from passgenau.apps.directory.models import Referral, Service
from passgenau.apps.directory.services.lotse import referral_create, referral_outcome_record
from todo_helpers import queries_of, todo_of

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def test_provider_confirms_its_offers_falling_due(client_for_role):
    client = client_for_role("provider")
    service = provider_service()
    Service.objects.filter(organization__provider__isnull=False).update(last_confirmed=TODAY)
    assert "directory.offers_to_confirm" not in todo_of(client)
    stale = service.directory.stale_after_days
    Service.objects.filter(pk=service.pk).update(
        last_confirmed=TODAY - dt.timedelta(days=stale + 1)
    )
    # an offer of another organisation, as old, is not the provider's
    Service.objects.filter(organization__provider__isnull=True).update(
        last_confirmed=TODAY - dt.timedelta(days=stale + 1)
    )
    items = todo_of(client)["directory.offers_to_confirm"]
    assert [i.url for i in items] == [f"{reverse('directory:my_offers')}#offer-{service.pk}"]
    assert items[0].overdue and items[0].due_on == TODAY - dt.timedelta(days=1)


def test_editor_reviews_pending_changes(client_for_role):
    change = pending_change()  # first: it places the editor's organisation in the Kreis
    client = client_for_role("directory_editor")
    items = todo_of(client)["directory.changes_to_review"]
    assert [i.url for i in items] == [reverse("directory:change_detail", kwargs={"pk": change.pk})]
    assert "directory.changes_to_review" not in todo_of(client_for_role("provider"))


def test_a_fixed_number_of_queries(provider_user):
    provider_service()
    Service.objects.update(last_confirmed=None)
    one = queries_of("directory.offers_to_confirm", provider_user)
    assert one <= 2


def _referred(referral, days_ago: int) -> None:
    Referral.objects.filter(pk=referral.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago)
    )


def test_lotse_records_the_outcome_of_referrals_a_week_old_overdue_after_two(client):
    needs, fresh = needs_with_referral()
    lotse = needs.lotse
    login_client(client, lotse)
    _referred(fresh, 3)
    assert "directory.referral_outcomes" not in todo_of(client)  # too early to ask
    week = referral_create(actor=lotse, needs=needs, service=fresh.service)
    late = referral_create(actor=lotse, needs=needs, service=fresh.service)
    done = referral_create(actor=lotse, needs=needs, service=fresh.service)
    _referred(week, 7)
    _referred(late, 15)
    _referred(done, 20)
    referral_outcome_record(actor=lotse, referral=done, outcome="went")

    items = todo_of(client)["directory.referral_outcomes"]
    assert [i.url for i in items] == [
        reverse("directory:referral_outcome", kwargs={"pk": late.pk}),
        reverse("directory:referral_outcome", kwargs={"pk": week.pk}),
    ]
    assert [i.overdue for i in items] == [True, False]
    assert items[1].due_on == TODAY + dt.timedelta(days=7)
    assert "Migrationsberatung für Erwachsene" in str(items[0].label)

    # a colleague of the same organisation follows up; a Lotse of another one does not see it
    colleague = make_user("lotse", username="colleague", organisation=lotse.organisation)
    assert len(todo_of(login_client(Client(), colleague))["directory.referral_outcomes"]) == 2
    other = Organisation.objects.create(name="Another NGO", kind="ngo")
    stranger = make_user("lotse", username="stranger", organisation=other)
    assert "directory.referral_outcomes" not in todo_of(login_client(Client(), stranger))

    # the outcome recorded from the item's page takes it off the list
    response = client.post(items[0].url, {"outcome": "did_not_go"})
    assert response.status_code == 302
    items = todo_of(client)["directory.referral_outcomes"]
    assert [i.url for i in items] == [reverse("directory:referral_outcome", kwargs={"pk": week.pk})]


def test_the_referral_outcomes_take_two_queries_whatever_their_number():
    needs, referral = needs_with_referral()
    _referred(referral, 30)
    one = queries_of("directory.referral_outcomes", needs.lotse)
    for _ in range(5):
        _referred(referral_create(actor=needs.lotse, needs=needs, service=referral.service), 30)
    assert queries_of("directory.referral_outcomes", needs.lotse) == one <= 2
