"""The directory's computed indicator for measures plans: the offers active in the plan's territory
on a date, optionally only those in one language spoken and on one topic.

An offer is in the territory when one of its locations lies in it (by the location's Gemeinde);
an offer without a located place counts where its directory belongs. Its state on a past date is
read back from the HSDS metadata every applied change writes (field, previous and new value, day):
it is counted from the day it was created, with the status, languages and topics it had that day.
An offer whose metadata does not say when it was created (imported without its history) counts as
existing before every date, with the values its history gives or, without any, its current ones.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf.locale import LANG_INFO
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import get_language, get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from passgenau.apps.measures.indicators import (
    Definition,
    Parameter,
    Scope,
    in_territory,
    register,
)

from .forms import SPOKEN_LANGUAGES
from .models import (
    HsdsRecord,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    ServiceStatus,
    TaxonomyTerm,
)

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor

_LANGUAGE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{1,8})*")


@dataclass(frozen=True)
class Change:
    """One HSDS metadata entry of an offer."""

    on: dt.date
    action: str
    field: str
    previous: str
    replacement: str


def value_on(changes: list[Change], field: str, current: str, on: dt.date) -> str:
    """A field's value on ``on``: the last change up to that day, else what the first later change
    replaced, else (never changed) the current value. ``changes`` are in the order made."""
    of_field = [c for c in changes if c.field == field]
    until = [c for c in of_field if c.on <= on]
    if until:
        return until[-1].replacement
    return of_field[0].previous if of_field else current


def created_on(changes: list[Change]) -> dt.date | None:
    """The day the offer was created: its name was set (or the record made) as a creation."""
    days = [c.on for c in changes if c.action == "create" and c.field in ("name", "")]
    return min(days, default=None)


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _changes(services: list[Service]) -> dict[tuple[int, str], list[Change]]:
    """The metadata entries of ``services`` by (directory, HSDS id), in the order written."""
    wanted = {(s.directory_id, s.hsds_id) for s in services}
    found: dict[tuple[int, str], list[Change]] = defaultdict(list)
    rows = (
        HsdsRecord.objects.filter(
            table="metadata", directory_id__in={s.directory_id for s in services}
        )
        .order_by("pk")
        .values_list("directory_id", "data")
    )
    for directory_id, data in rows:
        key = (directory_id, str(data.get("resource_id", "")))
        day = _day(data.get("last_action_date"))
        if key not in wanted or day is None or data.get("resource_type", "service") != "service":
            continue
        found[key].append(
            Change(
                on=day,
                action=str(data.get("last_action_type") or ""),
                field=str(data.get("field_name") or ""),
                previous=str(data.get("previous_value") or ""),
                replacement=str(data.get("replacement_value") or ""),
            )
        )
    for changes in found.values():
        changes.sort(key=lambda c: c.on)  # stable: the order written within a day
    return found


def _codes(text: str) -> set[str]:
    return {code for code in text.split(",") if code}


def _in_territory(key: str) -> Q:
    if not key:
        return Q()
    located = ServiceAtLocation.objects.filter(
        service=OuterRef("pk"), location__gemeinde__isnull=False
    )
    here = located.filter(in_territory(key, gemeinde="location__gemeinde"))
    directory_here = in_territory(key, gemeinde="directory__gemeinde", kreis="directory__kreis")
    return Q(Exists(here)) | (~Q(Exists(located)) & directory_here)


def _topic_codes(topic: str) -> set[str]:
    """The codes of the topic named by code or HSDS id, with its narrower topics."""
    terms = list(TaxonomyTerm.objects.filter(Q(code=topic) | Q(hsds_id=topic)))
    children = TaxonomyTerm.objects.filter(parent__in=terms).values_list("code", flat=True)
    return {t.code for t in terms if t.code} | {c for c in children if c}


def offers_active(scope: Scope, params: Mapping[str, Any]) -> int:
    language = str(params.get("language") or "").strip().lower()
    topic = str(params.get("topic") or "").strip()
    wanted_topics = _topic_codes(topic) if topic else set()
    services = list(
        Service.objects.filter(_in_territory(scope.territory_key))
        .prefetch_related("spoken", "topics")
        .order_by("pk")
    )
    history = _changes(services)
    on = scope.on
    count = 0
    for service in services:
        changes = history.get((service.directory_id, service.hsds_id), [])
        created = created_on(changes)
        if created is not None and created > on:
            continue
        if value_on(changes, "status", service.status, on) != ServiceStatus.ACTIVE:
            continue
        if language:
            current = ",".join(s.code for s in service.spoken.all())
            if language not in _codes(value_on(changes, "languages", current, on)):
                continue
        if topic:
            current = ",".join(t.code for t in service.topics.all())
            if not wanted_topics & _codes(value_on(changes, "topics", current, on)):
                continue
        count += 1
    return count


def check_offer_parameters(params: Mapping[str, Any]) -> dict[str, list[str]]:
    problems = {}
    language = str(params.get("language") or "").strip().lower()
    if language and not _LANGUAGE.fullmatch(language):
        problems["language"] = [
            _("%(value)s is not a language code such as uk or ar.") % {"value": language}
        ]
    topic = str(params.get("topic") or "").strip()
    if topic and not _topic_codes(topic):
        problems["topic"] = [_("There is no topic %(value)s.") % {"value": topic}]
    return problems


# languages spoken at offers that Django's list does not name
_LANGUAGE_NAMES = {
    "ku": gettext_lazy("Kurdish"),
    "ps": gettext_lazy("Pashto"),
    "so": gettext_lazy("Somali"),
    "ti": gettext_lazy("Tigrinya"),
}


def language_name(code: str) -> str:
    """The language's name in the reader's language ("Arabisch"), else its code."""
    code = code.strip().lower()
    if code in _LANGUAGE_NAMES:
        return str(_LANGUAGE_NAMES[code])
    if code in LANG_INFO:
        return str(get_language_info(code)["name_translated"])
    return code


def language_choices(user: Visitor, plan_id: int | None) -> list[tuple[str, str]]:
    """The languages a newcomer may find at offers, and any other spoken at one, each named in
    the reader's language and its own ("Arabisch (العربية)")."""
    own = dict(SPOKEN_LANGUAGES)
    spoken = ServiceLanguage.objects.values_list("code", flat=True).distinct()
    codes = [*own, *sorted(set(spoken) - set(own))]
    choices = []
    for code in codes:
        name = language_name(code)
        local = own.get(code, "")
        choices.append((code, f"{name} ({local})" if local and local != name else name))
    return choices


def _topic_terms() -> list[TaxonomyTerm]:
    """Topics with a code: the shipped ones first (in their order), then the directories' own;
    one per code."""
    terms = TaxonomyTerm.objects.exclude(code="").select_related("taxonomy")
    found: dict[str, TaxonomyTerm] = {}
    for term in sorted(terms, key=lambda t: (t.taxonomy.directory_id is not None, t.pk)):
        found.setdefault(term.code, term)
    return list(found.values())


def topic_choices(user: Visitor, plan_id: int | None) -> list[tuple[str, str]]:
    """The topics by code, named in the reader's language; a narrower topic after a dash."""
    language = (get_language() or "de").split("-")[0]
    return [
        (t.code, f"– {t.name_in(language)}" if t.parent_id else t.name_in(language))
        for t in _topic_terms()
    ]


def topic_name(code: str) -> str:
    language = (get_language() or "de").split("-")[0]
    term = next((t for t in _topic_terms() if t.code == code), None)
    return term.name_in(language) if term is not None else code


register(
    Definition(
        "directory.offers",
        gettext_lazy("Offers active in the directory"),
        gettext_lazy("offers"),
        offers_active,
        parameters=(
            Parameter(
                "language",
                gettext_lazy("Language"),
                choices=language_choices,
                describe=language_name,
            ),
            Parameter(
                "topic",
                gettext_lazy("Topic"),
                choices=topic_choices,
                describe=topic_name,
                help_text=gettext_lazy("With its narrower topics."),
            ),
        ),
        help_text=gettext_lazy(
            "Offers with a place in the territory, active on the date; parameters: a language "
            "spoken (code such as uk) and a topic (code, with its narrower topics)."
        ),
        check=check_offer_parameters,
    )
)
