"""The directory's to-do providers (directory/todo.py): a provider confirms its own offers
before they count as not confirmed recently (as the monthly reminder says); an editor reviews
the changes waiting in its directories."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from directory_helpers import pending_change, provider_service
from passgenau.apps.directory.models import Service
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
