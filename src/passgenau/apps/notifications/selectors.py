"""Reading notifications and preferences."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest

from passgenau.apps.accounts.permissions import roles_with
from passgenau.apps.accounts.services import language_of

from .kinds import Kind, kinds
from .models import Notification, Preference
from .policies import may_receive

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User

__all__ = [
    "kinds_for_user",
    "language_for",
    "notifications_for_user",
    "preference_for",
    "recipients_with_perm",
    "unread_count",
    "unread_count_for_request",
]


def recipients_with_perm(*, code: str, organisation_ids: list[int | None]) -> list[User]:
    """The active users of these organisations whose role holds the permission ``code``."""
    return list(
        get_user_model()
        .objects.filter(
            organisation_id__in=[i for i in organisation_ids if i is not None],
            role__in=roles_with(code),
            is_active=True,
        )
        .order_by("pk")
    )


def notifications_for_user(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_count_for_request(request: HttpRequest) -> int:
    """For the navigation's badge."""
    return unread_count(user=request.user) if request.user.is_authenticated else 0


def preference_for(*, user: User, kind: str) -> Preference:
    """The stored preference, or the default (both channels on) for a kind never chosen."""
    found = Preference.objects.filter(user=user, kind=kind).first()
    return found or Preference(user=user, kind=kind, in_app=True, email=True)


def language_for(*, user: User) -> str:
    """The language of the user's notifications: the one of all their e-mails."""
    return language_of(user)


def kinds_for_user(*, user: User) -> list[Kind]:
    """The kinds this user's role can receive (the preferences page offers these)."""
    return [kind for kind in kinds() if may_receive(user=user, kind=kind)]
