"""Reads for staff: a provider's own offers, an editor's directories and pending changes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Case, F, FilteredRelation, Q, QuerySet, Value, When

from passgenau.apps.listing import text_matching

from ..models import (
    ChangeRequest,
    ChangeStatus,
    Directory,
    Organization,
    Service,
    TranslationStatus,
)
from .search import SIMPLE_GERMAN, VISIBLE, directory_languages

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor
    from passgenau.apps.accounts.models import User

# Providers are reminded this many days before an offer would count as not confirmed recently.
REMINDER_DAYS_BEFORE = 30

__all__ = [
    "REMINDER_DAYS_BEFORE",
    "change_get_for_editor",
    "changes_for_editor",
    "confirmation_due_on",
    "directories_for_editor",
    "directories_for_user",
    "directories_of_provider",
    "organizations_for_provider",
    "service_get_for_provider",
    "services_due_for_confirmation",
    "services_for_provider",
    "services_search_for_provider",
    "text_languages",
    "text_rows",
]


def organizations_for_provider(*, user: User) -> QuerySet[Organization]:
    return Organization.objects.filter(provider_id=user.organisation_id).select_related("directory")


def services_for_provider(*, user: User) -> QuerySet[Service]:
    return (
        Service.objects.filter(organization__provider_id=user.organisation_id)
        .select_related("organization", "directory")
        .order_by("name")
    )


def services_search_for_provider(
    *, user: User, query: str = "", directory: Directory | None = None
) -> QuerySet[Service]:
    """The provider's offers whose name contains the search text, in one directory unless
    ``None``."""
    services = services_for_provider(user=user).filter(text_matching(query, "name"))
    return services if directory is None else services.filter(directory=directory)


def directories_of_provider(*, user: User) -> QuerySet[Directory]:
    """The directories the provider's offers are in (the choices of its list's filter)."""
    return Directory.objects.filter(
        pk__in=services_for_provider(user=user).values("directory_id")
    ).order_by("name")


def confirmation_due_on(service: Service, today: dt.date) -> dt.date:
    """The day by which ``service`` should be confirmed again before it counts as not confirmed
    recently (today for an offer never confirmed)."""
    if service.last_confirmed is None:
        return today
    return service.last_confirmed + dt.timedelta(days=service.directory.stale_after_days)


def services_due_for_confirmation(services: QuerySet[Service], today: dt.date) -> list[Service]:
    """The visible offers of ``services`` whose confirmation falls due within
    :data:`REMINDER_DAYS_BEFORE` days (or has passed), in one query."""
    soon = today + dt.timedelta(days=REMINDER_DAYS_BEFORE)
    candidates = services.filter(status__in=VISIBLE).filter(
        Q(last_confirmed__isnull=True) | Q(last_confirmed__lt=today - dt.timedelta(days=30))
    )
    return [s for s in candidates if confirmation_due_on(s, today) <= soon]


def service_get_for_provider(*, user: User, pk: int) -> Service | None:
    return services_for_provider(user=user).filter(pk=pk).first()


def directories_for_editor(*, user: Visitor) -> QuerySet[Directory]:
    """The directories of the editor's municipality: its own territory's, and for a Kreis also
    those of its Gemeinden."""
    organisation = getattr(user, "organisation", None)
    if organisation is None or not (organisation.kreis_id or organisation.gemeinde_id):
        return Directory.objects.none()
    if organisation.kreis_id:
        condition = Q(kreis_id=organisation.kreis_id) | Q(gemeinde__kreis_id=organisation.kreis_id)
    else:
        condition = Q(gemeinde_id=organisation.gemeinde_id)
    return Directory.objects.filter(condition).order_by("name")


def directories_for_user(*, user: Visitor) -> QuerySet[Directory]:
    """Directories a Lotse works with: its organisation's territory's, or all when the
    organisation has no territory (a welfare organisation, a volunteer centre)."""
    organisation = getattr(user, "organisation", None)
    if organisation is not None and (organisation.kreis_id or organisation.gemeinde_id):
        return directories_for_editor(user=user)
    return Directory.objects.order_by("name")


def changes_for_editor(
    *, user: Visitor, status: str = ChangeStatus.PENDING, query: str = ""
) -> QuerySet[ChangeRequest]:
    """The changes proposed to the editor's directories, of one status, oldest first; a search
    text matches the offer's name (the one proposed, for a new offer) and the provider's."""
    return (
        ChangeRequest.objects.filter(directory__in=directories_for_editor(user=user), status=status)
        .filter(text_matching(query, "service__name", "fields__name", "organization__name"))
        .select_related("service", "organization", "directory")
        .order_by("proposed_at", "pk")
    )


def change_get_for_editor(*, user: Visitor, pk: int) -> ChangeRequest | None:
    return (
        ChangeRequest.objects.filter(directory__in=directories_for_editor(user=user), pk=pk)
        .select_related("service", "organization", "directory")
        .first()
    )


def directory_get_for_editor(*, user: Visitor, slug: str) -> Directory | None:
    return directories_for_editor(user=user).filter(slug=slug).first()


def service_get_for_editor(*, user: Visitor, pk: int) -> Service | None:
    return (
        Service.objects.filter(directory__in=directories_for_editor(user=user), pk=pk)
        .select_related("directory", "organization")
        .first()
    )


def text_languages(directory: Directory) -> list[str]:
    """The languages the directory keeps its offers' texts in besides German (all of the public
    directory's when it names none), then Einfache Sprache."""
    return [*directory_languages(directory)[1:], SIMPLE_GERMAN]


def text_rows(*, directory: Directory, language: str, status: str = "") -> QuerySet[Service]:
    """The directory's offers (closed ones apart), by name, each with ``text_status``, the state
    of its text in ``language`` (``SIMPLE_GERMAN``: Einfache Sprache): up to date, outdated (the
    German changed since: the text's ``source_digest`` is not the offer's ``german_digest``) or
    missing; ``status`` keeps only those. One query (a join), to count and page in the
    database."""
    easy = language == SIMPLE_GERMAN
    text = FilteredRelation(
        "texts", condition=Q(texts__language="de" if easy else language, texts__easy_language=easy)
    )
    missing = Q(text__id__isnull=True)
    up_to_date = Q(text__source_digest=F("german_digest"))
    services = (
        Service.objects.filter(directory=directory, status__in=VISIBLE)
        .annotate(text=text)
        .annotate(
            text_status=Case(
                When(missing, then=Value(TranslationStatus.MISSING.value)),
                When(up_to_date, then=Value(TranslationStatus.UP_TO_DATE.value)),
                default=Value(TranslationStatus.OUTDATED.value),
            )
        )
        .only("pk", "name")
        .order_by("name", "pk")
    )
    if status:
        services = services.filter(text_status=status)
    return services
