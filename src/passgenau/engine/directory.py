"""The directory's pure parts: likely duplicate offers, coverage and gaps, and offers ranked by fit
for a person's needs. Plain records in, plain results out; no database.

Duplicates
----------
Round-table lists name one offer in several ways: "Migrationsberatung für Erwachsene" and
"Migrationsberatung f. Erwachsene (MBE)", "Caritasverband Salzgitter e.V." and "Caritas
Salzgitter", "Arbeiterwohlfahrt Kreisverband Goslar" and "AWO Goslar", "05341 123456" and
"+49 (0)5341/123456", "Hauptstr. 5" and "Hauptstraße 5". Records are normalised (case, umlauts,
abbreviations, legal forms, branch levels, providers' short names, phone digits), then compared
only within blocks that share a strong key (a phone number, an e-mail address, a web address or
a street address), so that 50,000 offers take seconds rather
than the 1.25 billion comparisons of all pairs. A pair scores from name, provider, place and
contact similarity; two offers at one address and phone of one provider whose names differ in
what distinguishes them ("Deutschkurs A1" and "Deutschkurs B2", "Nähcafé" and "Hausaufgabenhilfe")
are kept apart, and so is the same kind of offer in another town.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from typing import Any

from .hsds import Dataset

__all__ = [
    "DAY_PARTS",
    "DUPLICATE_THRESHOLD",
    "CoverageCell",
    "DuplicatePair",
    "Need",
    "Offer",
    "OfferRecord",
    "RankedOffer",
    "bounding_box",
    "coverage",
    "distance_km",
    "find_duplicates",
    "fits_times",
    "gaps",
    "normalise_name",
    "normalise_phone",
    "normalise_street",
    "offer_records_from_hsds",
    "point_in_geojson",
    "rank_offers",
    "service_area_covers",
]

DUPLICATE_THRESHOLD = 0.62
MAX_BLOCK = 60  # larger blocks (a city's central switchboard number) are compared in windows

# --- normalisation ------------------------------------------------------------------------------

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_ABBREVIATIONS = {
    "f": "fuer",
    "u": "und",
    "str": "strasse",
    "beratungsst": "beratungsstelle",
    "int": "internationale",
    "ev": "",
    "e": "",
    "v": "",
    "ggmbh": "",
    "gmbh": "",
    "gug": "",
    "kdoer": "",
    "der": "",
    "die": "",
    "das": "",
    "fuer": "fuer",
}
_LEGAL = {"ev", "ggmbh", "gmbh", "verein", "verband", "kdoer", "eg", "stiftung"}
# The level of a provider's branch says nothing about which provider it is ("AWO Kreisverband").
_BRANCH_LEVELS = {"kreisverband", "ortsverband", "stadtverband", "bezirksverband",
                  "regionalverband", "ortsverein"}  # fmt: skip
# Providers known by their short names: the long form (folded) becomes the short one.
_PROVIDER_SHORT = [
    (re.compile(rf"\b{long}\b"), short)
    for long, short in (
        ("arbeiterwohlfahrt", "awo"),
        ("deutsches rotes kreuz", "drk"),
        ("diakonisches werk", "diakonie"),
        ("volkshochschule", "vhs"),
        ("internationaler bund", "ib"),
        ("jugendmigrationsdienst", "jmd"),
        ("caritasverband", "caritas"),
    )
]
# Tokens that tell two courses apart: language levels, numbers, groups.
_DISTINGUISHING = re.compile(r"^(?:[abc][12]|\d+|[ivx]+)$")


def _fold(text: str) -> str:
    text = text.casefold().translate(_UMLAUTS)
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", _fold(text))


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """Name as compared: folded, abbreviations written out, articles and legal forms dropped."""
    out = []
    for token in _tokens(name.replace("-", " ")):
        token = _ABBREVIATIONS.get(token, token)
        if token:
            out.append(token)
    return " ".join(out)


@lru_cache(maxsize=65536)
def _provider_key(name: str) -> str:
    """A provider's name without legal form, branch level or generic words, known providers by
    their short names ("Caritasverband e.V." → "caritas", "Arbeiterwohlfahrt Kreisverband
    Goslar" → "awo goslar")."""
    tokens = []
    for token in _tokens(name.replace("-", " ")):
        if token in _BRANCH_LEVELS:
            continue
        for suffix in ("verband", "verein"):
            if token.endswith(suffix) and len(token) > len(suffix) + 3:
                token = token[: -len(suffix)]
        if token in _LEGAL or token in ("e", "v", "der", "die", "das", "fuer", "f"):
            continue
        tokens.append(token)
    text = " ".join(tokens)
    for long, short in _PROVIDER_SHORT:
        text = long.sub(short, text)
    return text


@lru_cache(maxsize=65536)
def normalise_street(street: str) -> str:
    """ "Hauptstr. 5" and "Hauptstraße 5" alike: ``hauptstrasse 5``."""
    text = _fold(street)
    text = re.sub(r"str\b\.?", "strasse", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = re.sub(r"(\d+)\s+([a-z])\b", r"\1\2", text)
    return re.sub(r"\s+", " ", text).strip()


def normalise_phone(number: str) -> str:
    """German numbers as national digits: "+49 (0)5341/12 34-56" → ``0534112345 6`` digits."""
    digits = re.sub(r"\D", "", number.replace("(0)", ""))
    if digits.startswith("0049"):
        digits = "0" + digits[4:]
    elif digits.startswith("49") and number.strip().startswith("+"):
        digits = "0" + digits[2:]
    return digits


def _host(url: str) -> str:
    text = url.strip().casefold()
    text = re.sub(r"^[a-z]+://", "", text)
    text = text.removeprefix("www.")
    return text.rstrip("/")


@lru_cache(maxsize=65536)
def _trigrams(text: str) -> frozenset[str]:
    padded = f"  {text} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


# --- duplicates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferRecord:
    """What duplicate detection compares of one offer (an HSDS service at its first location)."""

    id: str
    name: str
    organization: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class DuplicatePair:
    a: str
    b: str
    score: float
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "a": self.a,
            "b": self.b,
            "score": round(self.score, 3),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class _Prepared:
    record: OfferRecord
    name: str
    name_grams: frozenset[str]
    name_tokens: frozenset[str]
    provider: str
    provider_grams: frozenset[str]
    street: str
    town: str
    phones: frozenset[str]
    emails: frozenset[str]
    hosts: frozenset[str]


def _prepare(record: OfferRecord) -> _Prepared:
    name = normalise_name(record.name)
    provider = _provider_key(record.organization)
    return _Prepared(
        record=record,
        name=name,
        name_grams=_trigrams(name),
        name_tokens=frozenset(name.split()),
        provider=provider,
        provider_grams=_trigrams(provider),
        street=normalise_street(record.street),
        town=record.postcode.strip() or _fold(record.city).strip(),
        phones=frozenset(p for p in (normalise_phone(x) for x in record.phones) if len(p) >= 6),
        emails=frozenset(e.strip().casefold() for e in record.emails if "@" in e),
        hosts=frozenset(h for h in (_host(u) for u in record.urls) if h),
    )


def _block_keys(p: _Prepared) -> Iterable[str]:
    for phone in p.phones:
        yield "p:" + phone[-8:]
    for email in p.emails:
        yield "e:" + email
    for host in p.hosts:
        yield "u:" + host
    if p.street:
        yield f"a:{p.town}:{p.street}"
    # no blocks by name alone: a pair without a shared address or contact never reaches the
    # threshold (see _score), so comparing it would be wasted


def _distinguishing(p: _Prepared, q: _Prepared) -> set[str]:
    """Tokens that only one of the names has and that tell courses apart (levels, numbers)."""
    return {t for t in p.name_tokens ^ q.name_tokens if _DISTINGUISHING.match(t)}


def _score(p: _Prepared, q: _Prepared) -> tuple[float, list[str]]:
    reasons: list[str] = []
    name = _jaccard(p.name_grams, q.name_grams)
    if p.name and (p.name in q.name or q.name in p.name):
        name = max(name, 0.85)
    if name >= 0.5:
        reasons.append(f"similar name ({name:.2f})")
    provider = _jaccard(p.provider_grams, q.provider_grams) if p.provider and q.provider else 0.0
    if p.provider and q.provider and (p.provider in q.provider or q.provider in p.provider):
        provider = max(provider, 0.9)
    if provider >= 0.6:
        reasons.append("same provider" if provider > 0.95 else f"similar provider ({provider:.2f})")
    same_address = bool(p.street) and p.street == q.street and p.town == q.town
    if same_address:
        reasons.append("same address")
    same_phone = bool(p.phones & q.phones)
    if same_phone:
        reasons.append("same phone")
    same_email = bool(p.emails & q.emails)
    if same_email:
        reasons.append("same e-mail")
    same_web = bool(p.hosts & q.hosts)
    if same_web:
        reasons.append("same web address")
    topics = set(p.record.topics) & set(q.record.topics)
    if topics:
        reasons.append("same topic")
    contact = min(1.0, 0.6 * same_phone + 0.5 * same_email + 0.3 * same_web)
    score = 0.55 * name + 0.15 * provider + 0.15 * same_address + 0.15 * contact
    if topics:
        score += 0.03
    if p.record.topics and q.record.topics and not topics:
        score -= 0.15
    if _distinguishing(p, q):
        reasons.append("names differ in level or number")
        score = min(score, 0.3)
    elif name < 0.35:
        score = min(score, 0.45)  # one provider's different offers at one address and phone
    if not (same_address or same_phone or same_email or same_web):
        reasons.append("no shared address or contact")
        score = min(score, 0.5)  # the same kind of offer elsewhere, or by another provider
    if p.town and q.town and p.town != q.town and not same_phone and not same_email:
        reasons.append("different town")
        score = min(score, 0.4)
    return max(0.0, min(1.0, score)), reasons


def find_duplicates(
    records: Sequence[OfferRecord], *, threshold: float = DUPLICATE_THRESHOLD
) -> list[DuplicatePair]:
    """Likely duplicate pairs (score at least ``threshold``), best first.

    Candidate pairs come from blocks (records sharing a key); a block larger than
    :data:`MAX_BLOCK` is compared in a sliding window over its records sorted by name.
    """
    prepared = [_prepare(r) for r in records]
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, p in enumerate(prepared):
        for key in set(_block_keys(p)):
            blocks[key].append(index)
    candidates: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        if len(members) <= MAX_BLOCK:
            candidates.update(combinations(members, 2))
            continue
        ordered = sorted(members, key=lambda i: prepared[i].name)
        for offset, i in enumerate(ordered):
            for j in ordered[offset + 1 : offset + 1 + 10]:
                candidates.add((min(i, j), max(i, j)))
    pairs = []
    for i, j in candidates:
        if prepared[i].record.id == prepared[j].record.id:
            continue
        score, reasons = _score(prepared[i], prepared[j])
        if score >= threshold:
            a, b = sorted((prepared[i].record.id, prepared[j].record.id))
            pairs.append(DuplicatePair(a, b, score, tuple(reasons)))
    pairs.sort(key=lambda d: (-d.score, d.a, d.b))
    return pairs


def offer_records_from_hsds(dataset: Dataset) -> list[OfferRecord]:
    """One record per HSDS service: its organisation, first location's address, phones, e-mail
    and web address of the service (or its organisation), and its taxonomy terms."""
    orgs = {r["id"]: r for r in dataset.rows("organizations")}
    address_of: dict[str, Mapping[str, Any]] = {}
    for row in dataset.rows("addresses"):
        address_of.setdefault(str(row.get("location_id")), row)
    location_of: dict[str, str] = {}
    for sal in dataset.rows("service_at_location"):
        location_of.setdefault(str(sal.get("service_id")), str(sal.get("location_id")))
    phones: dict[str, list[str]] = defaultdict(list)
    for phone in dataset.rows("phones"):
        for key in ("service_id", "location_id", "organization_id"):
            if phone.get(key):
                phones[str(phone[key])].append(str(phone.get("number", "")))
    topics: dict[str, list[str]] = defaultdict(list)
    for attribute in dataset.rows("attributes"):
        if attribute.get("taxonomy_term_id"):
            topics[str(attribute.get("link_id"))].append(str(attribute["taxonomy_term_id"]))
    records = []
    for service in dataset.rows("services"):
        sid = str(service["id"])
        org = orgs.get(service.get("organization_id"), {})
        location = location_of.get(sid, "")
        address = address_of.get(location, {})
        street = " ".join(str(address.get(k, "")) for k in ("address_1",)).strip()
        records.append(
            OfferRecord(
                id=sid,
                name=str(service.get("name", "")),
                organization=str(org.get("name", "")),
                street=street,
                postcode=str(address.get("postal_code", "")),
                city=str(address.get("city", "")),
                phones=tuple(
                    phones.get(sid) or phones.get(location) or phones.get(str(org.get("id")), [])
                ),
                emails=tuple(
                    e for e in (str(service.get("email") or org.get("email") or ""),) if e
                ),
                urls=tuple(u for u in (str(service.get("url") or org.get("website") or ""),) if u),
                topics=tuple(topics.get(sid, [])),
            )
        )
    return records


# --- offers, needs, coverage, ranking -----------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """An offer as the Lotse desk and the round table see it."""

    id: str
    topics: frozenset[str]
    languages: frozenset[str]  # spoken at the offer (ISO 639 codes)
    district: str = ""  # Gemeinde key or name
    latitude: float | None = None
    longitude: float | None = None
    free: bool = False
    barrier_free: bool = False
    min_age: int | None = None
    max_age: int | None = None
    # opening hours: (ISO weekday 1-7, opens "HH:MM", closes "HH:MM")
    hours: tuple[tuple[int, str, str], ...] = ()
    target_groups: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Need:
    """A newcomer's needs, recorded anonymously (no name, no contact)."""

    topics: frozenset[str]
    languages: frozenset[str] = frozenset()
    latitude: float | None = None
    longitude: float | None = None
    max_km: float | None = None
    district: str = ""
    free_only: bool = False
    barrier_free: bool = False
    age: int | None = None
    weekdays: frozenset[int] = frozenset()  # ISO days the person can come (empty: any)
    day_parts: frozenset[str] = frozenset()  # keys of DAY_PARTS the person can come (empty: any)
    target_groups: frozenset[str] = frozenset()


# Parts of the day a person can come, as [from, to) on the clock ("HH:MM").
DAY_PARTS: dict[str, tuple[str, str]] = {
    "morning": ("06:00", "12:00"),
    "afternoon": ("12:00", "17:00"),
    "evening": ("17:00", "23:59"),
}


def fits_times(need: Need, offer: Offer) -> bool | None:
    """Whether the offer is open on a day and in a part of the day the person can come: None when
    the person gave no times or the offer no opening hours (nothing to compare), else True when
    one opening slot falls on one of the days (any day when none is given) and overlaps one of the
    parts of the day (any part when none is given)."""
    if not (need.weekdays or need.day_parts) or not offer.hours:
        return None
    parts = [DAY_PARTS[p] for p in sorted(need.day_parts) if p in DAY_PARTS]
    for day, opens, closes in offer.hours:
        if need.weekdays and day not in need.weekdays:
            continue
        if not need.day_parts or any(opens < end and start < closes for start, end in parts):
            return True
    return False


@dataclass(frozen=True)
class RankedOffer:
    offer_id: str
    score: float
    distance_km: float | None
    reasons: tuple[str, ...] = field(default=())


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


EARTH_KM = 6371.0


# --- service areas ------------------------------------------------------------------------------


def _in_ring(ring: Sequence[Sequence[float]], lon: float, lat: float) -> bool:
    """Ray casting: whether (lon, lat) lies inside the closed ring of [lon, lat] positions."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _polygons(geometry: Any) -> Iterable[list[list[list[float]]]]:
    """The polygons (each its outer ring, then its holes) of a GeoJSON object."""
    if not isinstance(geometry, Mapping):
        return
    kind = geometry.get("type")
    if kind == "Polygon":
        yield geometry.get("coordinates") or []
    elif kind == "MultiPolygon":
        yield from geometry.get("coordinates") or []
    elif kind == "Feature":
        yield from _polygons(geometry.get("geometry"))
    elif kind == "FeatureCollection":
        for feature in geometry.get("features") or []:
            yield from _polygons(feature)
    elif kind == "GeometryCollection":
        for part in geometry.get("geometries") or []:
            yield from _polygons(part)


def point_in_geojson(extent: Any, latitude: float, longitude: float) -> bool | None:
    """Whether the point lies in the areas of a GeoJSON object (or its JSON text): inside an
    outer ring and in none of its holes. None when it describes no area (or is not GeoJSON)."""
    if isinstance(extent, str):
        try:
            extent = json.loads(extent)
        except ValueError:
            return None
    found = None
    try:
        for polygon in _polygons(extent):
            rings = [[(float(p[0]), float(p[1])) for p in ring] for ring in polygon if ring]
            if not rings:
                continue
            found = bool(found)
            outer, holes = rings[0], rings[1:]
            if _in_ring(outer, longitude, latitude) and not any(
                _in_ring(h, longitude, latitude) for h in holes
            ):
                return True
    except (TypeError, ValueError, IndexError):
        return None
    return found


_EVERYWHERE = {"bundesweit", "deutschlandweit", "deutschland", "germany", "nationwide"}


def _place_words(text: str) -> str:
    folded = unicodedata.normalize("NFC", str(text)).casefold().translate(_UMLAUTS)
    return " ".join(re.findall(r"\w+", folded))


def service_area_covers(
    area: Mapping[str, Any],
    *,
    postcode: str,
    place_names: Iterable[str] = (),
    point: tuple[float, float] | None = None,
) -> bool:
    """Whether an HSDS service area includes ``postcode``: it lists the postcode, names one of
    ``place_names`` (the postcode's Gemeinde and Kreis) or the whole country, or its GeoJSON
    extent holds ``point`` (the postcode's centroid, latitude and longitude)."""
    text = f"{area.get('name') or ''} {area.get('description') or ''}"
    if postcode and postcode in re.findall(r"\b\d{5}\b", text):
        return True
    words = f" {_place_words(text)} "
    if any(f" {w} " in words for w in _EVERYWHERE):
        return True
    if any(name and f" {_place_words(name)} " in words for name in place_names):
        return True
    extent_type = str(area.get("extent_type") or "geojson").casefold()
    if point is not None and area.get("extent") and extent_type == "geojson":
        return bool(point_in_geojson(area["extent"], point[0], point[1]))
    return False


def bounding_box(
    latitude: float, longitude: float, km: float
) -> tuple[float, float, float, float] | None:
    """(south, north, west, east) in degrees holding every point within ``km`` of the point by
    :func:`distance_km` (a little wider, never narrower), for an index to narrow the candidates
    before the exact distance; None when it would reach a pole or span every longitude."""
    angle = km / EARTH_KM  # the great-circle distance in radians
    lat = math.radians(latitude)
    south, north = lat - angle, lat + angle
    if angle >= math.pi / 2 or south <= -math.pi / 2 or north >= math.pi / 2:
        return None
    # the widest longitude difference at that distance (reached off the point's own latitude)
    spread = math.asin(min(1.0, math.sin(angle) / math.cos(lat)))
    margin = 1e-9  # rounding: the box may only be wider
    south_deg, north_deg = math.degrees(south) - margin, math.degrees(north) + margin
    spread_deg = math.degrees(spread) + margin
    west, east = longitude - spread_deg, longitude + spread_deg
    if west < -180 or east > 180:  # across the antimeridian: every longitude
        west, east = -180.0, 180.0
    return south_deg, north_deg, west, east


def _distance(need: Need, offer: Offer) -> float | None:
    if None in (need.latitude, need.longitude, offer.latitude, offer.longitude):
        return None
    return distance_km(need.latitude, need.longitude, offer.latitude, offer.longitude)  # type: ignore[arg-type]


def _fits_hard(need: Need, offer: Offer, distance: float | None) -> bool:
    """The conditions an offer must meet at all: a topic asked for, and the constraints."""
    if not need.topics & offer.topics:
        return False
    if need.free_only and not offer.free:
        return False
    if need.barrier_free and not offer.barrier_free:
        return False
    if need.age is not None:
        if offer.min_age is not None and need.age < offer.min_age:
            return False
        if offer.max_age is not None and need.age > offer.max_age:
            return False
    if need.max_km is not None and distance is not None and distance > need.max_km:
        return False
    if need.max_km is not None and distance is None and need.district and offer.district:
        return need.district == offer.district
    return True


def rank_offers(need: Need, offers: Iterable[Offer], *, limit: int = 20) -> list[RankedOffer]:
    """Offers that fit ``need``, best first.

    An offer must cover one of the topics and meet the constraints (free of charge, barrier-free,
    age, maximum distance); among those, the score adds the share of topics covered (0.35), a
    language the person speaks spoken there (0.35; German counts half when asked for another),
    nearness (0.15, falling to zero at 30 km), being open when the person can come (0.1, see
    :func:`fits_times`; every offer gets it when the person gave no times, none without opening
    hours when the person did) and a matching target group (0.05). Ties go to the nearer, then
    the smaller id.
    """
    ranked = []
    for offer in offers:
        distance = _distance(need, offer)
        if not _fits_hard(need, offer, distance):
            continue
        reasons = []
        covered = need.topics & offer.topics
        score = 0.35 * len(covered) / len(need.topics)
        reasons.append("topic")
        spoken = need.languages & offer.languages
        if spoken:
            score += 0.35
            reasons.append("language")
        elif not need.languages or "de" in offer.languages:
            score += 0.35 * 0.5 if need.languages else 0.35
        if distance is not None:
            score += 0.15 * max(0.0, 1 - distance / 30)
            if distance <= 5:
                reasons.append("near")
        elif need.district and need.district == offer.district:
            score += 0.1
            reasons.append("near")
        times = fits_times(need, offer)
        if times:
            score += 0.1
            reasons.append("hours")
        elif times is None and not (need.weekdays or need.day_parts):
            score += 0.1
        if need.target_groups and need.target_groups & offer.target_groups:
            score += 0.05
            reasons.append("target group")
        ranked.append(RankedOffer(offer.id, round(score, 6), distance, tuple(reasons)))
    ranked.sort(
        key=lambda r: (-r.score, r.distance_km if r.distance_km is not None else 1e9, r.offer_id)
    )
    return ranked[:limit]


@dataclass(frozen=True)
class CoverageCell:
    topic: str
    language: str
    district: str
    offers: int


def coverage(offers: Iterable[Offer]) -> list[CoverageCell]:
    """Offers counted by topic × language spoken × district (an offer counts in every cell of
    its topics and languages)."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for offer in offers:
        for topic in offer.topics:
            for language in offer.languages or {""}:
                counts[(topic, language, offer.district)] += 1
    return [CoverageCell(t, lang, d, n) for (t, lang, d), n in sorted(counts.items())]


def gaps(needs: Iterable[Need], offers: Sequence[Offer]) -> Counter[tuple[str, str, str]]:
    """Recorded needs without any fitting offer, counted by (topic, language, district): for each
    topic asked for, the need is a gap when no offer covers that topic in one of the person's
    languages (any language when none is given) and meets the constraints."""
    by_topic: dict[str, list[Offer]] = defaultdict(list)
    for offer in offers:
        for topic in offer.topics:
            by_topic[topic].append(offer)
    out: Counter[tuple[str, str, str]] = Counter()
    for need in needs:
        for topic in sorted(need.topics):
            single = Need(**{**need.__dict__, "topics": frozenset({topic})})
            fitting = [
                o
                for o in by_topic.get(topic, [])
                if _fits_hard(single, o, _distance(single, o))
                and (not need.languages or need.languages & o.languages)
            ]
            if not fitting:
                language = ",".join(sorted(need.languages))
                out[(topic, language, need.district)] += 1
    return out
