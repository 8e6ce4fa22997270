"""What search needs, derived from a service's HSDS records: topics, languages spoken, opening
hours, free of charge, barrier-free, target groups, what to bring, the search text. Run on
import and after every change."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from passgenau.apps.territories.models import fold_name

from ..models import (
    HsdsRecord,
    Location,
    Service,
    ServiceHours,
    ServiceLanguage,
    TargetGroup,
    TaxonomyTerm,
)

# three-letter and other codes seen in HSDS data → the two-letter codes used here
LANGUAGE_ALIASES = {
    "deu": "de", "ger": "de", "eng": "en", "ara": "ar", "fas": "fa", "per": "fa", "prs": "fa",
    "tur": "tr", "ukr": "uk", "rus": "ru", "pol": "pl", "fra": "fr", "fre": "fr", "kur": "ku",
    "tir": "ti", "pus": "ps", "urd": "ur", "spa": "es", "ita": "it", "ron": "ro", "rum": "ro",
    "bul": "bg", "srp": "sr", "hrv": "hr", "sqi": "sq", "alb": "sq", "som": "so",
}  # fmt: skip
# words naming a target group (folded) → its code; the codes name themselves
TARGET_GROUP_WORDS: dict[str, str] = {
    "erwachsene": TargetGroup.ADULTS, "adults": TargetGroup.ADULTS,
    "frauen": TargetGroup.WOMEN, "women": TargetGroup.WOMEN,
    "familien": TargetGroup.FAMILIES, "eltern": TargetGroup.FAMILIES,
    "families": TargetGroup.FAMILIES, "kinder": TargetGroup.CHILDREN,
    "children": TargetGroup.CHILDREN, "jugendliche": TargetGroup.YOUTH,
    "junge menschen": TargetGroup.YOUTH, "youth": TargetGroup.YOUTH,
    "young people": TargetGroup.YOUTH, "senioren": TargetGroup.SENIORS,
    "seniorinnen": TargetGroup.SENIORS, "ältere menschen": TargetGroup.SENIORS,
    "older people": TargetGroup.SENIORS, "seniors": TargetGroup.SENIORS,
    "umf": TargetGroup.UNACCOMPANIED_MINORS, "uma": TargetGroup.UNACCOMPANIED_MINORS,
    "unbegleitete minderjährige": TargetGroup.UNACCOMPANIED_MINORS,
    "unaccompanied minors": TargetGroup.UNACCOMPANIED_MINORS,
    "lsbtiq": TargetGroup.LGBTIQ, "lgbtiq": TargetGroup.LGBTIQ, "queer": TargetGroup.LGBTIQ,
}  # fmt: skip
# the attributes' link types that say for whom an offer is (HSDS's codelist is open)
TARGET_LINK_TYPES = ("target_group", "eligibility", "audience")
_GROUP_SPLIT = re.compile(r"\s*[,;\n]\s*")
WEEKDAYS = {"MO": 1, "TU": 2, "WE": 3, "TH": 4, "FR": 5, "SA": 6, "SU": 7}
_BARRIER_FREE = re.compile(r"barrierefrei|rollstuhl|wheelchair|step-free|stufenlos|aufzug", re.I)
_NEGATED = re.compile(r"\b(nicht|kein|keine|no|not)\b", re.I)


def language_code(value: str) -> str:
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return LANGUAGE_ALIASES.get(code, code)


def target_group_code(word: str) -> str | None:
    """The target group a word names (German or English, or its code), else None."""
    folded = " ".join(str(word).replace("\u00a0", " ").split()).casefold().strip(" :*")
    group = TARGET_GROUP_WORDS.get(folded) or (folded if folded in TargetGroup.values else None)
    return str(group) if group is not None else None


def target_groups(
    attributes: Iterable[dict[str, Any]], terms: Mapping[str, TaxonomyTerm] | None = None
) -> list[str]:
    """The target groups that attributes of a target-group link type name, by their value or
    the code or name of the taxonomy term they link; in the order of :class:`TargetGroup`."""
    found = set()
    for row in attributes:
        if str(row.get("link_type", "")).casefold() not in TARGET_LINK_TYPES:
            continue
        words = _GROUP_SPLIT.split(str(row.get("value") or ""))
        term = (terms or {}).get(str(row.get("taxonomy_term_id") or ""))
        if term is not None:
            words += [term.code, term.name]
        found |= {g for w in words if w and (g := target_group_code(w))}
    return [g for g in TargetGroup.values if g in found]


def what_to_bring(required_documents: Iterable[dict[str, Any]]) -> str:
    """The documents to bring (HSDS ``required_documents``), one text; in the order of the
    records' ids, each document once."""
    rows = sorted(required_documents, key=lambda r: str(r.get("id", "")))
    texts = [t for r in rows if (t := " ".join(str(r.get("document") or "").split()))]
    return "; ".join(dict.fromkeys(texts))


def _time(value: Any) -> dt.time | None:
    if not isinstance(value, str):
        return None
    for pattern in ("%H:%M:%S", "%H:%M"):
        try:
            return dt.datetime.strptime(value.strip()[:8], pattern).time()
        except ValueError:
            continue
    return None


def weekly_hours(schedules: Iterable[dict[str, Any]]) -> list[tuple[int, dt.time, dt.time]]:
    """(ISO weekday, opens, closes) from HSDS schedules with a weekly rule and both times."""
    out = set()
    for schedule in schedules:
        if str(schedule.get("freq", "WEEKLY")).upper() != "WEEKLY":
            continue
        opens, closes = _time(schedule.get("opens_at")), _time(schedule.get("closes_at"))
        if opens is None or closes is None or opens >= closes:
            continue
        for day in str(schedule.get("byday", "")).split(","):
            weekday = WEEKDAYS.get(day.strip().upper()[-2:])
            if weekday:
                out.add((weekday, opens, closes))
    return sorted(out)


def barrier_free(accessibility: Iterable[dict[str, Any]]) -> bool:
    for row in accessibility:
        text = f"{row.get('description', '')} {row.get('details', '')}"
        if _BARRIER_FREE.search(text) and not _NEGATED.search(text):
            return True
    return False


def free_of_charge(cost_options: list[dict[str, Any]]) -> bool:
    """Free when cost options are given and every amount is zero."""
    amounts = [a for row in cost_options if (a := row.get("amount")) is not None]
    return bool(amounts) and all(float(a) == 0 for a in amounts)


def location_refresh(location: Location, records: list[HsdsRecord]) -> None:
    """Address columns and barrier-free from the location's HSDS records (not saved)."""
    addresses = [r.data for r in records if r.table == "addresses"]
    addresses.sort(key=lambda a: a.get("address_type") != "physical")
    if addresses:
        first = addresses[0]
        location.street = str(first.get("address_1", ""))[:300]
        location.postcode = str(first.get("postal_code", ""))[:10]
        location.city = str(first.get("city", ""))[:200]
    location.barrier_free = barrier_free(r.data for r in records if r.table == "accessibility")


def topic_search_names(topics: Iterable[TaxonomyTerm]) -> list[str]:
    """The topics' names in every language: a reader searches in theirs."""
    return [name for t in topics for name in dict.fromkeys([t.name, *t.names.values()]) if name]


def search_document(
    service: Service, *, organization_name: str, topic_names: list[str], texts: Iterable[str]
) -> str:
    """What a words search compares: the German name and description, the provider, the topics'
    names (see :func:`topic_search_names`) and the offer's texts in other languages."""
    return fold_name(
        " ".join([service.name, service.description, organization_name, *topic_names, *texts])
    )


def service_texts(service: Service) -> list[str]:
    """The names and descriptions of the offer's texts in other languages, for the search."""
    return [part for row in service.texts.values_list("name", "description") for part in row]


def search_document_refresh(service: Service) -> None:
    """Store the offer's search document again (after one of its texts changed)."""
    service.search_document = search_document(
        service,
        organization_name=service.organization.name if service.organization is not None else "",
        topic_names=topic_search_names(service.topics.all()),
        texts=service_texts(service),
    )
    service.save(update_fields=["search_document"])


def service_derive(
    service: Service,
    *,
    records: list[HsdsRecord],
    location_records: list[HsdsRecord],
    organization_name: str,
    topic_names: list[str],
    texts: Iterable[str] = (),
    terms: Mapping[str, TaxonomyTerm] | None = None,
) -> tuple[set[str], list[tuple[int, dt.time, dt.time]]]:
    """Set the derived columns of ``service`` (not saved); return its languages and hours.
    ``topic_names`` as :func:`topic_search_names` gives them, ``texts`` as
    :func:`service_texts`; ``terms`` (by HSDS id) name the taxonomy terms an attribute may give
    a target group by."""
    languages = {
        language_code(str(r.data.get("code") or r.data.get("name", "")))
        for r in [*records, *location_records]
        if r.table == "languages" and (r.data.get("code") or r.data.get("name"))
    }
    hours = weekly_hours(r.data for r in [*records, *location_records] if r.table == "schedules")
    service.free_of_charge = free_of_charge([r.data for r in records if r.table == "cost_options"])
    service.target_groups = target_groups(
        (r.data for r in records if r.table == "attributes"), terms
    )
    service.what_to_bring = what_to_bring(
        r.data for r in records if r.table == "required_documents"
    )
    service.search_document = search_document(
        service, organization_name=organization_name, topic_names=topic_names, texts=texts
    )
    return languages, hours


def derived_rows_save(
    service: Service, languages: set[str], hours: list[tuple[int, dt.time, dt.time]]
) -> None:
    ServiceLanguage.objects.filter(service=service).delete()
    ServiceLanguage.objects.bulk_create(
        [ServiceLanguage(service=service, code=code) for code in sorted(languages) if code]
    )
    ServiceHours.objects.filter(service=service).delete()
    ServiceHours.objects.bulk_create(
        [ServiceHours(service=service, weekday=d, opens_at=o, closes_at=c) for d, o, c in hours]
    )
