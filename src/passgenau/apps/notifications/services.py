"""Sending notifications: in the application and by e-mail, each as the recipient chose.

E-mail goes through Django's e-mail backend (the console in development, SMTP from the
environment in production). A message is rendered in the recipient's language; it carries the
kind's text with its parameters and a link, nothing else.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation

from passgenau.apps.accounts.services import user_language_set

from . import selectors
from .kinds import due_checks, kind_get
from .models import Notification, Preference

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User

__all__ = [
    "notifications_mark_read",
    "notifications_send_due",
    "notify",
    "preferences_save",
    "render_notification",
]

logger = logging.getLogger(__name__)


def render_notification(*, kind: str, params: dict[str, Any]) -> tuple[str, str]:
    """Subject and text of a notification in the active language."""
    found = kind_get(kind)
    shown = {
        name: _date_text(value) if name in found.dates else value for name, value in params.items()
    }
    # ``%`` on the lazy message keeps ngettext_lazy's plural choice by the "count" parameter.
    return str(found.subject % shown), str(found.text % shown)


def _date_text(value: Any) -> Any:
    """An ISO date in the active language's short format; anything else as it was stored."""
    try:
        return formats.date_format(dt.date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
    except ValueError:
        return value


def _absolute(url: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{url}" if url.startswith("/") and base else url


def _send_email(notification: Notification, language: str) -> None:
    recipient = notification.recipient
    with translation.override(language):
        subject, text = render_notification(kind=notification.kind, params=notification.params)
    body = f"{text}\n\n{_absolute(notification.url)}" if notification.url else text
    send_mail(subject, body, None, [recipient.email], fail_silently=False)
    notification.emailed_at = timezone.now()


def notify(
    *, recipients: Iterable[User], kind: str, params: dict[str, Any], url: str = "", key: str = ""
) -> list[Notification]:
    """Notify each recipient of ``kind`` (a registered kind) as their preferences say.

    With a ``key``, a recipient who already had this kind and key gets nothing new (reminders
    found again by tomorrow's due check). Returns the notifications created.
    """
    kind_get(kind)  # refuse an unregistered kind before anything is stored
    render_notification(kind=kind, params=params)  # and parameters the text does not take
    created = []
    for recipient in recipients:
        if not recipient.is_active:
            continue
        preference = selectors.preference_for(user=recipient, kind=kind)
        if not (preference.in_app or preference.email):
            continue
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=recipient,
                    kind=kind,
                    params=params,
                    url=url,
                    key=key,
                    read_at=None if preference.in_app else timezone.now(),
                )
        except IntegrityError:  # this reminder was sent before
            continue
        if preference.email and recipient.email:
            try:
                _send_email(notification, selectors.language_for(user=recipient))
            except OSError:  # the mail server is down: the notification stays in the app
                logger.exception("e-mail for notification %s not sent", notification.pk)
            else:
                notification.save(update_fields=["emailed_at"])
        created.append(notification)
    return created


def notify_after_commit(
    *,
    recipients: Iterable[User],
    kind: str,
    params: dict[str, Any],
    url: str = "",
    key: str = "",
    actor: User | None = None,
) -> None:
    """:func:`notify` once the surrounding change is committed (a change rolled back tells
    nobody anything), leaving out ``actor``: nobody is told of what they did themselves."""
    kind_get(kind)  # a wrong kind fails in the change that asks for it, not after its commit
    others = [user for user in recipients if actor is None or user.pk != actor.pk]
    transaction.on_commit(
        lambda: notify(recipients=others, kind=kind, params=params, url=url, key=key)
    )


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when ``ids`` is None)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


@transaction.atomic
def preferences_save(*, user: User, language: str, channels: dict[str, tuple[bool, bool]]) -> None:
    """Store the user's language (of all their e-mails) and, per kind, (in the application, by
    e-mail)."""
    user_language_set(actor=user, user=user, language=language)
    for kind, (in_app, email) in channels.items():
        kind_get(kind)
        Preference.objects.update_or_create(
            user=user, kind=kind, defaults={"in_app": in_app, "email": email}
        )


def notifications_send_due(*, today: dt.date) -> dict[str, int]:
    """Run every registered due check for ``today``; returns how many were sent per kind."""
    sent: dict[str, int] = {}
    for check in due_checks():
        for due in check(today):
            created = notify(
                recipients=due.recipients,
                kind=due.kind,
                params=due.params,
                url=due.url,
                key=due.key,
            )
            sent[due.kind] = sent.get(due.kind, 0) + len(created)
    return sent
