"""Notifications: in the application and by e-mail, in the recipient's language, as chosen;
reminders found by the daily due checks are sent once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts_helpers import login_client, make_user
from passgenau.apps.notifications import selectors, services
from passgenau.apps.notifications.models import Notification
from relocation_helpers import user

pytestmark = pytest.mark.django_db

PUBLISHED = "relocation.proposals_published"


def _officer(**fields):
    return make_user("municipal_officer", username="amt", email="amt@example.org", **fields)


def test_notify_in_app_and_by_email_in_the_recipients_language() -> None:
    officer = _officer()
    services.preferences_save(user=officer, language="uk", channels={})
    created = services.notify(
        recipients=[officer], kind=PUBLISHED, params={"count": 3, "round": "Herbst"}, url="/x/"
    )
    assert len(created) == 1 and created[0].read_at is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amt@example.org"]
    assert "Herbst" in message.subject and "3" in message.body and "/x/" in message.body
    assert "пропозиції" in message.body or "пропозицій" in message.body  # Ukrainian, plural
    assert selectors.unread_count(user=officer) == 1


def test_plural_and_singular_in_german() -> None:
    officer = _officer()
    one = services.render_notification(kind=PUBLISHED, params={"count": 1, "round": "R"})[1]
    many = services.render_notification(kind=PUBLISHED, params={"count": 4, "round": "R"})[1]
    assert "1 Vorschlag " in one and "4 Vorschläge " in many
    assert officer  # the catalogue is the platform's, for every user


def test_channels_follow_the_preferences() -> None:
    officer = _officer()
    services.preferences_save(user=officer, language="de", channels={PUBLISHED: (True, False)})
    services.notify(recipients=[officer], kind=PUBLISHED, params={"count": 2, "round": "R"})
    assert mail.outbox == [] and selectors.unread_count(user=officer) == 1
    services.preferences_save(user=officer, language="de", channels={PUBLISHED: (False, True)})
    services.notify(recipients=[officer], kind=PUBLISHED, params={"count": 2, "round": "R"})
    assert len(mail.outbox) == 1 and selectors.unread_count(user=officer) == 1
    services.preferences_save(user=officer, language="de", channels={PUBLISHED: (False, False)})
    assert (
        services.notify(recipients=[officer], kind=PUBLISHED, params={"count": 1, "round": "R"})
        == []
    )


def test_unknown_kind_or_missing_parameter_stores_nothing() -> None:
    officer = _officer()
    with pytest.raises(KeyError):
        services.notify(recipients=[officer], kind="nope", params={})
    with pytest.raises(KeyError):
        services.notify(recipients=[officer], kind=PUBLISHED, params={"count": 1})
    assert Notification.objects.count() == 0


def test_surveys_due_are_sent_once_to_whoever_records_them_and_name_nobody() -> None:
    from relocation_matching_helpers import arrived_proposal

    proposal = arrived_proposal()  # arrived 5 May 2026: waves due 5 June and 5 November
    interviewer = user("interviewer")
    interviewer.email = "ngo@example.org"
    interviewer.save()
    from passgenau.apps.accounts.models import Organisation, User

    other_ngo = Organisation.objects.create(name="Andere NGO", kind=interviewer.organisation.kind)
    stranger = make_user("interviewer", username="other-ngo", organisation=other_ngo)
    colleagues = set(User.objects.filter(organisation=interviewer.organisation, role="interviewer"))
    call_command("notify_due")
    sent = Notification.objects.filter(kind="relocation.survey_due")
    assert {n.recipient for n in sent} == colleagues and interviewer in colleagues
    assert sent.count() == 2 * len(colleagues)  # two waves due, one notification each
    assert not Notification.objects.filter(recipient=stranger).exists()
    call_command("notify_due")  # tomorrow's job finds the same surveys: nothing new
    assert Notification.objects.filter(kind="relocation.survey_due").count() == 2 * len(colleagues)
    household = proposal.household
    contact = getattr(household, "contact", None)
    secrets = [household.reference, household.external_reference]
    if contact is not None:
        secrets += [contact.contact_name, contact.member_names]
    assert mail.outbox
    for message in mail.outbox:
        for secret in filter(None, secrets):
            assert secret not in message.body and secret not in message.subject


def test_decision_deadline_reminder_for_the_municipality() -> None:
    from django.utils import timezone

    from relocation_matching_helpers import published_round

    round_, _run = published_round(2)
    round_.decisions_due = timezone.localdate() + dt.timedelta(days=2)
    round_.save(update_fields=["decisions_due"])
    officer = user("municipal_officer")
    sent = services.notifications_send_due(today=timezone.localdate())
    assert sent.get("relocation.decisions_due") == 1
    note = Notification.objects.get(kind="relocation.decisions_due")
    assert note.recipient == officer and note.params["count"] == 2


def test_the_decision_deadline_reads_in_the_recipients_date_format() -> None:
    from django.utils import timezone

    from relocation_matching_helpers import published_round

    round_, _run = published_round(2)
    due = timezone.localdate() + dt.timedelta(days=2)
    round_.decisions_due = due
    round_.save(update_fields=["decisions_due"])
    officer = user("municipal_officer")
    officer.email = "amt@example.org"
    officer.save()
    services.preferences_save(user=officer, language="en", channels={})
    services.notifications_send_due(today=timezone.localdate())
    [message] = mail.outbox
    english, german = f"{due:%m/%d/%Y}", f"{due:%d.%m.%Y}"
    assert english in message.subject and f"the deadline is {english}." in message.body
    assert german not in message.subject + message.body
    note = Notification.objects.get(kind="relocation.decisions_due")
    assert note.params["date"] == due.isoformat()


def test_pages_list_mark_read_and_preferences(client) -> None:
    officer = _officer()
    services.notify(
        recipients=[officer], kind=PUBLISHED, params={"count": 2, "round": "Herbst"}, url="/"
    )
    login_client(client, officer)
    home = client.get("/").content.decode()
    assert 'class="badge"' in home
    page = client.get(reverse("notifications:list")).content.decode()
    assert "2 Vorschläge der Runde „Herbst“" in page or "Herbst" in page
    note = Notification.objects.get()
    response = client.post(reverse("notifications:read"), {"id": note.pk, "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert selectors.unread_count(user=officer) == 0
    assert client.post(reverse("notifications:read"), {"next": "https://evil.example/"})[
        "Location"
    ] == reverse("notifications:list")
    settings_page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Neue Vorschläge für Ihre Kommune" in settings_page
    assert "Eine Folgebefragung ist fällig" not in settings_page  # not the officer's kind
    response = client.post(
        reverse("notifications:preferences"), {"language": "ru", f"{PUBLISHED}:in_app": "on"}
    )
    assert response.status_code == 302
    officer.refresh_from_db()  # the language is the user's own field (User.language)
    assert selectors.language_for(user=officer) == "ru"
    pref = selectors.preference_for(user=officer, kind=PUBLISHED)
    assert pref.in_app and not pref.email


def test_nobody_reads_anothers_notifications(client) -> None:
    officer = _officer()
    services.notify(recipients=[officer], kind=PUBLISHED, params={"count": 1, "round": "Geheim"})
    other = make_user("municipal_officer", username="andere")
    login_client(client, other)
    assert "Geheim" not in client.get(reverse("notifications:list")).content.decode()
    note = Notification.objects.get()
    client.post(reverse("notifications:read"), {"id": note.pk})
    note.refresh_from_db()
    assert note.read_at is None
