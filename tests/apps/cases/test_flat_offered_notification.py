"""When a housing provider offers a flat, the caseworkers of the organisation that allocates it
are told (``cases.flat_offered``): in the application and by e-mail, in each one's language, as
each chose; the text names the district, the provider, the rooms and the date, nobody and no
address."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts_helpers import login_client, make_user
from cases_helpers import caseworker, make_district, offered_flat
from funding_helpers import organisation
from passgenau.apps.notifications import selectors, services
from passgenau.apps.notifications.models import Notification

pytestmark = pytest.mark.django_db

KIND = "cases.flat_offered"


def _keepers():
    keeper = caseworker()
    keeper.email = "keeper@example.org"
    keeper.save()
    colleague = make_user(
        "caseworker",
        username="colleague",
        organisation=keeper.organisation,
        email="colleague@example.org",
    )
    elsewhere = caseworker("elsewhere", organisation("Andere Stadt", "municipality"))
    elsewhere.email = "elsewhere@example.org"
    elsewhere.save()
    return keeper, colleague, elsewhere


def test_the_keeping_caseworkers_are_told_in_their_language(django_capture_on_commit_callbacks):
    keeper, colleague, elsewhere = _keepers()
    services.preferences_save(user=colleague, language="uk", channels={})
    provider = make_user("provider", username="wohnbau", email="wohnbau@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        flat = offered_flat(
            provider,
            district=make_district(keeper, "Paunsdorf"),
            address="Theodor-Heuss-Str. 12",
            rooms=3,
        )
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"keeper@example.org", "colleague@example.org"}
    german, ukrainian = by_address["keeper@example.org"], by_address["colleague@example.org"]
    assert german.subject == "Neue Wohnung angeboten: Paunsdorf"
    assert "3 Zimmern" in german.body and "01.01.2026" in german.body
    assert provider.organisation.name in german.body
    assert reverse("cases:flat_edit", args=[flat.pk]) in german.body
    assert "кімнат" in ukrainian.body and "Paunsdorf" in ukrainian.subject
    for message in mail.outbox:
        assert "Theodor-Heuss" not in f"{message.subject} {message.body}"
        assert provider.username not in message.body
    assert selectors.unread_count(user=keeper) == 1
    assert Notification.objects.filter(recipient=elsewhere).count() == 0
    assert Notification.objects.filter(recipient=provider).count() == 0
    # the keeper opens the flat from the notification
    client = login_client(Client(), keeper)
    assert client.get(Notification.objects.get(recipient=keeper).url).status_code == 200


def test_one_room_is_singular_and_the_kind_can_be_turned_off(django_capture_on_commit_callbacks):
    keeper, colleague, _elsewhere = _keepers()
    services.preferences_save(user=keeper, language="de", channels={KIND: (True, False)})
    services.preferences_save(user=colleague, language="de", channels={KIND: (False, False)})
    with django_capture_on_commit_callbacks(execute=True):
        offered_flat(district=make_district(keeper), rooms=1)
    assert mail.outbox == []  # the keeper only in the application, the colleague not at all
    notification = Notification.objects.get()
    assert notification.recipient == keeper
    with translation.override("de"):
        text = services.render_notification(kind=KIND, params=notification.params)[1]
    assert "1 Zimmer " in text
    assert Notification.objects.filter(recipient=colleague).count() == 0


def test_the_kind_is_offered_to_the_roles_that_keep_flats_only(client):
    keeper = caseworker()
    provider = make_user("provider", username="wohnbau")
    assert KIND in {k.code for k in selectors.kinds_for_user(user=keeper)}
    assert KIND not in {k.code for k in selectors.kinds_for_user(user=provider)}
    login_client(client, keeper)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Eine Wohnung für den Übergang in Wohnungen wird angeboten" in page


def test_a_flat_the_caseworkers_enter_themselves_tells_nobody(django_capture_on_commit_callbacks):
    from cases_helpers import make_flat

    keeper, _colleague, _elsewhere = _keepers()
    with django_capture_on_commit_callbacks(execute=True):
        make_flat(keeper)
    assert mail.outbox == [] and Notification.objects.count() == 0
