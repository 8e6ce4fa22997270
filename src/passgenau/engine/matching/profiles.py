"""Household and site profiles: what people and receiving places enter, before any scoring.

A :class:`HouseholdProfile` describes who travels together (members with age band and role),
what they speak and can do, what they need, where they have ties and what matters to them. A
:class:`SiteProfile` describes a receiving place: capacities per dimension, services, size,
region, labour-market demand, communities and its own priorities. The criteria catalogue
(:mod:`.criteria`) and the scorer (:mod:`.scoring`) turn the two into a plain
:class:`~.model.Instance`.

File format (documented in ``docs/engine-profiles.md``): a profiles directory holds
``households.json`` or ``households.jsonl`` and ``sites.json`` or ``sites.jsonl``; ``.json`` is
one array of objects, ``.jsonl`` one object per line. :func:`read_profiles` validates every
record and reports every problem with file, record and field.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..problems import InputError, InputProblem

__all__ = [
    "AGE_BANDS",
    "DEMAND_DIMENSIONS",
    "EXTRA_DIMENSION_MARK",
    "GROUPS",
    "ISCO_MAJOR_GROUPS",
    "KITA_BANDS",
    "ROLES",
    "SCHOOL_BANDS",
    "SIZE_CLASSES",
    "TRAITS",
    "HouseholdProfile",
    "Member",
    "ProfileError",
    "SiteProfile",
    "household_from_dict",
    "household_to_dict",
    "profiles_from_dicts",
    "read_profiles",
    "site_from_dict",
    "site_to_dict",
    "write_profiles",
]

# Age bands follow the German institutions that matter for placement: Kita (under 6),
# Grundschule (6–9), secondary school (10–17), working age, retirement age.
AGE_BANDS: tuple[str, ...] = (
    "0-2",
    "3-5",
    "6-9",
    "10-17",
    "18-29",
    "30-44",
    "45-64",
    "65-74",
    "75+",
)
KITA_BANDS = frozenset({"0-2", "3-5"})
SCHOOL_BANDS = frozenset({"6-9", "10-17"})
CHILD_BANDS = KITA_BANDS | SCHOOL_BANDS
SENIOR_BANDS = frozenset({"65-74", "75+"})
ROLES: tuple[str, ...] = ("adult", "child", "senior")
# Ordered from smallest to largest; the size-class criterion uses the distance in this order.
SIZE_CLASSES: tuple[str, ...] = ("village", "small_town", "medium_town", "city", "large_city")
# ISCO-08 major groups, "0" armed forces … "9" elementary occupations.
ISCO_MAJOR_GROUPS: tuple[str, ...] = tuple(str(i) for i in range(10))
# Dimensions whose demand a household profile derives (a site may offer any subset of them).
DEMAND_DIMENSIONS: tuple[str, ...] = (
    "persons",
    "adults",
    "children",
    "seniors",
    "school",
    "kita",
    "barrier_free",
    "large_flat",
    "households",
)
# A further dimension, beyond those a household derives from its members, is named with this mark
# (``slot:mon_am``): a household says how much of it it uses (``uses``), a site how much it gives.
EXTRA_DIMENSION_MARK = ":"
# Households of this many persons or more need a large flat (one unit of ``large_flat``).
LARGE_FLAT_PERSONS = 5
# Traits derived from the members; need tags and traits together are the household's tags,
# which criteria (need → service, site priority groups) refer to.
TRAITS: tuple[str, ...] = (
    "has_child",
    "has_kita_child",
    "has_school_child",
    "has_senior",
    "single_adult",
    "family_with_children",
    "single_parent",
    "large_family",
    "needs_german_course",
)
# Groups for metrics: every household belongs to exactly one.
GROUPS: tuple[str, ...] = ("family_with_children", "single_adult", "seniors", "adults")


class ProfileError(InputError):
    """Profiles that cannot be used as given; carries every problem found."""

    problems: list[InputProblem]


@dataclass(frozen=True)
class Member:
    """One member of a household."""

    age_band: str
    role: str  # adult, child, senior
    relation: str = ""  # free text such as "mother", "son", "grandmother"


@dataclass(frozen=True)
class HouseholdProfile:
    """A household that is placed as a whole.

    ``importance`` rates criteria 0 (does not matter) … 3 (very important) by criterion id;
    criteria not rated take the catalogue's default. ``ties``, ``ranked_places`` and
    ``excluded_places`` are site ids; ``ranked_places`` is ordered, first choice first.
    ``anchors`` are the places the household goes to every day (work, school) as (latitude,
    longitude) in degrees, for the ``distance`` rule. ``uses`` is what placing the household uses
    up in further capacity dimensions that sites give (names with :data:`EXTRA_DIMENSION_MARK`,
    such as a language mediator's half-day ``slot:mon_am``); at a site that does not give one, it
    is unlimited.
    """

    id: str
    members: tuple[Member, ...]
    languages: tuple[str, ...] = ()
    occupations: tuple[str, ...] = ()  # ISCO-08 major group per working adult, e.g. ("2", "5")
    needs: frozenset[str] = frozenset()
    ties: tuple[str, ...] = ()
    importance: Mapping[str, int] = field(default_factory=dict)
    ranked_places: tuple[str, ...] = ()
    excluded_places: frozenset[str] = frozenset()
    preferred_size: str | None = None
    preferred_region: str | None = None
    anchors: tuple[tuple[float, float], ...] = ()
    uses: Mapping[str, int] = field(default_factory=dict)

    @property
    def persons(self) -> int:
        return len(self.members)

    def demand(self) -> dict[str, int]:
        """What placing this household uses up, per dimension in :data:`DEMAND_DIMENSIONS`."""
        bands = [m.age_band for m in self.members]
        return {
            "persons": len(self.members),
            "adults": sum(m.role == "adult" for m in self.members),
            "children": sum(m.role == "child" for m in self.members),
            "seniors": sum(m.role == "senior" for m in self.members),
            "school": sum(b in SCHOOL_BANDS for b in bands),
            "kita": sum(b in KITA_BANDS for b in bands),
            # A household needing barrier-free housing needs one barrier-free flat.
            "barrier_free": int("barrier_free" in self.needs),
            "large_flat": int(len(self.members) >= LARGE_FLAT_PERSONS),
            # One unit per household: a flat holds one, a mentor takes so many mentees.
            "households": 1,
        }

    def traits(self) -> frozenset[str]:
        """Traits derived from the members and languages (see :data:`TRAITS`)."""
        roles = [m.role for m in self.members]
        bands = [m.age_band for m in self.members]
        children = roles.count("child")
        adults = roles.count("adult")
        grown = adults + roles.count("senior")
        out: set[str] = set()
        if children:
            out.add("has_child")
            out.add("family_with_children")
        if any(b in KITA_BANDS for b in bands):
            out.add("has_kita_child")
        if any(b in SCHOOL_BANDS for b in bands):
            out.add("has_school_child")
        if "senior" in roles:
            out.add("has_senior")
        if len(self.members) == 1 and adults == 1:
            out.add("single_adult")
        if children and grown == 1:
            out.add("single_parent")
        if len(self.members) >= LARGE_FLAT_PERSONS:
            out.add("large_family")
        if grown and "de" not in self.languages:
            out.add("needs_german_course")
        return frozenset(out)

    def tags(self) -> frozenset[str]:
        """Need tags and derived traits together."""
        return self.needs | self.traits()

    def group(self) -> str:
        """The household's group for metrics (one of :data:`GROUPS`)."""
        roles = [m.role for m in self.members]
        if "child" in roles:
            return "family_with_children"
        if roles and all(r == "senior" for r in roles):
            return "seniors"
        if len(roles) == 1:
            return "single_adult"
        return "adults"


@dataclass(frozen=True)
class SiteProfile:
    """A receiving place: a Kommune, a Kreis, a housing unit or a mentor.

    ``priorities`` are the site's weights per soft criterion (0–3, default 1); ``priority_groups``
    are household tags (needs or traits) the site gives priority to; ``location`` is (latitude,
    longitude) in degrees, for the ``distance`` rule.
    """

    id: str
    name: str
    capacity: Mapping[str, int]
    services: frozenset[str] = frozenset()
    size_class: str | None = None
    region: str | None = None
    labour_demand: Mapping[str, float] = field(default_factory=dict)  # ISCO group → 0–1
    communities: Mapping[str, int] = field(default_factory=dict)  # language → persons
    language_course_places: int = 0
    priorities: Mapping[str, float] = field(default_factory=dict)
    priority_groups: frozenset[str] = frozenset()
    location: tuple[float, float] | None = None


# -- reading and writing --------------------------------------------------------------------------


class _Collector:
    """Collects problems for one record of one file."""

    def __init__(self, file: str, record: int, problems: list[InputProblem]) -> None:
        self.file, self.record, self.problems = file, record, problems
        self.record_id: str | None = None

    def add(self, field_name: str | None, code: str, **parameters: Any) -> None:
        self.problems.append(
            InputProblem(
                self.file, self.record, field_name, code, parameters, self.record_id, "record"
            )
        )


def _choices(values: Iterable[str]) -> str:
    return ", ".join(values)


def _str(c: _Collector, raw: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
    value = raw.get(key)
    if value is None:
        if required:
            c.add(key, "field.missing")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        c.add(key, "field.not_string", value=value)
        return None
    return value


def _str_list(c: _Collector, raw: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        c.add(key, "field.not_string_list", value=value)
        return ()
    return tuple(value)


def _number(
    c: _Collector, key: str, value: Any, *, lo: float, hi: float, integer: bool
) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if ok and not math.isfinite(float(value)):
        ok = False
    if ok and integer and float(value) != int(value):
        ok = False
    if not ok or not (lo <= float(value) <= hi):
        code = "field.not_integer_between" if integer else "field.not_number_between"
        c.add(key, code, low=f"{lo:g}", high=f"{hi:g}", value=value)
        return None
    return float(value)


def _number_map(
    c: _Collector,
    raw: Mapping[str, Any],
    key: str,
    *,
    lo: float,
    hi: float,
    integer: bool,
    keys: Iterable[str] | None = None,
) -> dict[str, float]:
    value = raw.get(key, {})
    if value is None:
        return {}
    if not isinstance(value, dict):
        c.add(key, "field.not_object", value=value)
        return {}
    allowed = None if keys is None else set(keys)
    out: dict[str, float] = {}
    for k, v in value.items():
        if allowed is not None and k not in allowed:
            c.add(f"{key}.{k}", "field.unknown_key", expected=", ".join(sorted(allowed)))
            continue
        number = _number(c, f"{key}.{k}", v, lo=lo, hi=hi, integer=integer)
        if number is not None:
            out[str(k)] = number
    return out


def _point(c: _Collector, key: str, value: Any) -> tuple[float, float] | None:
    """A (latitude, longitude) pair in degrees."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        c.add(key, "field.not_point", value=value)
        return None
    lat = _number(c, f"{key}[0]", value[0], lo=-90, hi=90, integer=False)
    lon = _number(c, f"{key}[1]", value[1], lo=-180, hi=180, integer=False)
    return None if lat is None or lon is None else (lat, lon)


def _anchors(c: _Collector, raw: Mapping[str, Any]) -> tuple[tuple[float, float], ...]:
    value = raw.get("anchors", [])
    if value is None:
        return ()
    if not isinstance(value, list):
        c.add("anchors", "field.not_point_list", value=value)
        return ()
    points = (_point(c, f"anchors[{i}]", v) for i, v in enumerate(value))
    return tuple(p for p in points if p is not None)


def profiles_from_dicts(
    households: Sequence[Any], sites: Sequence[Any], *, source: str = "snapshot"
) -> tuple[list[HouseholdProfile], list[SiteProfile], list[InputProblem]]:
    """Households and sites from their JSON objects (a run's snapshot), with every problem
    (records with a problem are left out of the lists; ``source`` names the files)."""
    problems: list[InputProblem] = []
    read_households = [
        household_from_dict(raw, file=f"{source}:households", record=i + 1, problems=problems)
        for i, raw in enumerate(households)
    ]
    read_sites = [
        site_from_dict(raw, file=f"{source}:sites", record=i + 1, problems=problems)
        for i, raw in enumerate(sites)
    ]
    return (
        [h for h in read_households if h is not None],
        [s for s in read_sites if s is not None],
        problems,
    )


def _extra_dimensions(
    c: _Collector, raw: Mapping[str, Any], key: str, given: Iterable[str] = ()
) -> dict[str, int]:
    """The further dimensions of ``raw[key]`` (names with :data:`EXTRA_DIMENSION_MARK`);
    ``given`` are the keys read already (the derived dimensions of a capacity)."""
    value = raw.get(key, {})
    if not isinstance(value, dict):
        if key != "capacity":  # the capacity reports its own
            c.add(key, "field.not_object", value=value)
        return {}
    out: dict[str, int] = {}
    for name, units in value.items():
        if name in given:
            continue
        if EXTRA_DIMENSION_MARK not in str(name):
            expected = ", ".join(sorted(DEMAND_DIMENSIONS)) + f", …{EXTRA_DIMENSION_MARK}…"
            c.add(f"{key}.{name}", "field.unknown_key", expected=expected)
            continue
        number = _number(c, f"{key}.{name}", units, lo=0, hi=1e12, integer=True)
        if number is not None:
            out[str(name)] = int(number)
    return out


def household_from_dict(
    raw: Any, *, file: str = "households", record: int = 1, problems: list[InputProblem]
) -> HouseholdProfile | None:
    """Build a household from its JSON object, appending every problem to ``problems``."""
    c = _Collector(file, record, problems)
    if not isinstance(raw, dict):
        c.add(None, "record.not_object", type=type(raw).__name__)
        return None
    before = len(problems)
    hid = _str(c, raw, "id", required=True)
    c.record_id = hid
    members: list[Member] = []
    raw_members = raw.get("members")
    if not isinstance(raw_members, list) or not raw_members:
        c.add("members", "profiles.no_members")
        raw_members = []
    for i, m in enumerate(raw_members):
        where = f"members[{i}]"
        if not isinstance(m, dict):
            c.add(where, "profiles.member_not_object")
            continue
        band, role = m.get("age_band"), m.get("role")
        if band is None:
            c.add(f"{where}.age_band", "field.missing_choice", expected=_choices(AGE_BANDS))
            continue
        if band not in AGE_BANDS:
            c.add(f"{where}.age_band", "field.not_choice", expected=_choices(AGE_BANDS), value=band)
            continue
        if role is None:
            c.add(f"{where}.role", "field.missing_choice", expected=_choices(ROLES))
            continue
        if role not in ROLES:
            c.add(f"{where}.role", "field.not_choice", expected=_choices(ROLES), value=role)
            continue
        if (role == "child") != (band in CHILD_BANDS):
            c.add(f"{where}.role", "profiles.role_age", role=role, age_band=band)
            continue
        relation = m.get("relation", "")
        if not isinstance(relation, str):
            c.add(f"{where}.relation", "field.not_text")
            relation = ""
        members.append(Member(band, role, relation))
    occupations = _str_list(c, raw, "occupations")
    for i, o in enumerate(occupations):
        if o not in ISCO_MAJOR_GROUPS:
            c.add(f"occupations[{i}]", "profiles.not_isco", value=o)
    importance = _number_map(c, raw, "importance", lo=0, hi=3, integer=True)
    size = _str(c, raw, "preferred_size")
    if size is not None and size not in SIZE_CLASSES:
        c.add("preferred_size", "field.not_choice", expected=_choices(SIZE_CLASSES), value=size)
    ranked = _str_list(c, raw, "ranked_places")
    if len(set(ranked)) != len(ranked):
        c.add("ranked_places", "profiles.place_twice")
    household = HouseholdProfile(
        id=hid or "",
        members=tuple(members),
        languages=_str_list(c, raw, "languages"),
        occupations=occupations,
        needs=frozenset(_str_list(c, raw, "needs")),
        ties=_str_list(c, raw, "ties"),
        importance={k: int(v) for k, v in importance.items()},
        ranked_places=ranked,
        excluded_places=frozenset(_str_list(c, raw, "excluded_places")),
        preferred_size=size,
        preferred_region=_str(c, raw, "preferred_region"),
        anchors=_anchors(c, raw),
        uses=_extra_dimensions(c, raw, "uses"),
    )
    return household if len(problems) == before else None


def site_from_dict(
    raw: Any, *, file: str = "sites", record: int = 1, problems: list[InputProblem]
) -> SiteProfile | None:
    """Build a site from its JSON object, appending every problem to ``problems``."""
    c = _Collector(file, record, problems)
    if not isinstance(raw, dict):
        c.add(None, "record.not_object", type=type(raw).__name__)
        return None
    before = len(problems)
    sid = _str(c, raw, "id", required=True)
    c.record_id = sid
    name = _str(c, raw, "name") or sid or ""
    if not isinstance(raw.get("capacity"), dict) or not raw["capacity"]:
        c.add("capacity", "profiles.no_capacity")
    given = raw.get("capacity", {})
    if isinstance(given, dict):  # the derived dimensions here, the further ones below
        given = {k: v for k, v in given.items() if k in DEMAND_DIMENSIONS}
    capacity = _number_map(c, {"capacity": given}, "capacity", lo=0, hi=1e12, integer=True)
    capacity.update(_extra_dimensions(c, raw, "capacity", DEMAND_DIMENSIONS))
    size = _str(c, raw, "size_class")
    if size is not None and size not in SIZE_CLASSES:
        c.add("size_class", "field.not_choice", expected=_choices(SIZE_CLASSES), value=size)
    labour = _number_map(c, raw, "labour_demand", lo=0, hi=1, integer=False, keys=ISCO_MAJOR_GROUPS)
    communities = _number_map(c, raw, "communities", lo=0, hi=1e12, integer=True)
    places = raw.get("language_course_places", 0)
    course = _number(c, "language_course_places", places, lo=0, hi=1e12, integer=True)
    location = raw.get("location")
    site = SiteProfile(
        id=sid or "",
        name=name,
        capacity={k: int(v) for k, v in capacity.items()},
        services=frozenset(_str_list(c, raw, "services")),
        size_class=size,
        region=_str(c, raw, "region"),
        labour_demand=labour,
        communities={k: int(v) for k, v in communities.items()},
        language_course_places=int(course or 0),
        priorities=_number_map(c, raw, "priorities", lo=0, hi=3, integer=False),
        priority_groups=frozenset(_str_list(c, raw, "priority_groups")),
        location=None if location is None else _point(c, "location", location),
    )
    return site if len(problems) == before else None


def household_to_dict(h: HouseholdProfile) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": h.id,
        "members": [
            {"age_band": m.age_band, "role": m.role, "relation": m.relation} for m in h.members
        ],
        "languages": list(h.languages),
        "occupations": list(h.occupations),
        "needs": sorted(h.needs),
        "ties": list(h.ties),
        "importance": dict(h.importance),
        "ranked_places": list(h.ranked_places),
        "excluded_places": sorted(h.excluded_places),
        "preferred_size": h.preferred_size,
        "preferred_region": h.preferred_region,
    }
    if h.anchors:  # only where given, so that relocation's records stay as they were
        out["anchors"] = [list(a) for a in h.anchors]
    if h.uses:
        out["uses"] = dict(h.uses)
    return out


def site_to_dict(s: SiteProfile) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": s.id,
        "name": s.name,
        "capacity": dict(s.capacity),
        "services": sorted(s.services),
        "size_class": s.size_class,
        "region": s.region,
        "labour_demand": dict(s.labour_demand),
        "communities": dict(s.communities),
        "language_course_places": s.language_course_places,
        "priorities": dict(s.priorities),
        "priority_groups": sorted(s.priority_groups),
    }
    if s.location is not None:
        out["location"] = list(s.location)
    return out


def _derived_dimensions(site: SiteProfile) -> tuple[str, ...]:
    return tuple(sorted(d for d in site.capacity if d in DEMAND_DIMENSIONS))


def _find(directory: Path, stem: str, problems: list[InputProblem]) -> Path | None:
    candidates = [directory / f"{stem}.jsonl", directory / f"{stem}.json"]
    found = [p for p in candidates if p.is_file()]
    if not found:
        other = {"other": f"{stem}.json"}
        problems.append(_file_problem(directory / f"{stem}.jsonl", "file.missing_or", **other))
        return None
    if len(found) > 1:
        names = {"first": f"{stem}.json", "second": f"{stem}.jsonl"}
        problems.append(_file_problem(directory, "profiles.both_files", **names))
        return None
    return found[0]


def _file_problem(path: Path, code: str, **parameters: Any) -> InputProblem:
    return InputProblem(str(path), None, None, code, parameters, counted="record")


def _record_problem(
    path: Path, record: int, field: str, record_id: str, code: str, parameters: dict[str, Any]
) -> InputProblem:
    return InputProblem(str(path), record, field, code, parameters, record_id, "record")


def _records(path: Path, problems: list[InputProblem]) -> list[tuple[int, Any]]:
    """(record number, parsed object) pairs; JSON errors are reported with their record."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(_file_problem(path, "file.unreadable", detail=str(exc)))
        return []
    if path.suffix == ".jsonl":
        before = len(problems)
        out = []
        for line_no, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                out.append((line_no, json.loads(line)))
            except json.JSONDecodeError as exc:
                invalid = {"detail": exc.msg}
                problems.append(
                    InputProblem(str(path), line_no, None, "json.invalid", invalid, counted="line")
                )
        if not out and len(problems) == before:
            problems.append(_file_problem(path, "file.empty"))
        return out
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        at = {"line": exc.lineno, "detail": exc.msg}
        problems.append(_file_problem(path, "json.invalid_at", **at))
        return []
    if not isinstance(data, list):
        problems.append(_file_problem(path, "profiles.not_array"))
        return []
    if not data:
        problems.append(_file_problem(path, "file.empty"))
    return list(enumerate(data, start=1))


def read_profiles(directory: str | Path) -> tuple[list[HouseholdProfile], list[SiteProfile]]:
    """Read and validate ``households.json[l]`` and ``sites.json[l]`` from a directory.

    Raises :class:`ProfileError` listing every problem (file, record, field), including
    duplicate ids and references (ties, ranked or excluded places) to sites that do not exist.
    """
    directory = Path(directory)
    problems: list[InputProblem] = []
    if not directory.is_dir():
        raise ProfileError([_file_problem(directory, "file.not_a_directory")])
    h_path = _find(directory, "households", problems)
    s_path = _find(directory, "sites", problems)
    households: list[HouseholdProfile] = []
    sites: list[SiteProfile] = []
    h_records: list[int] = []
    if s_path is not None:
        seen: set[str] = set()
        for no, raw in _records(s_path, problems):
            site = site_from_dict(raw, file=str(s_path), record=no, problems=problems)
            if site is None:
                continue
            if site.id in seen:
                duplicate = {"kind": "site", "id": site.id}
                problems.append(
                    _record_problem(s_path, no, "id", site.id, "id.duplicate", duplicate)
                )
                continue
            seen.add(site.id)
            sites.append(site)
        # the derived dimensions; further ones (EXTRA_DIMENSION_MARK) a site may leave out
        dims = {_derived_dimensions(s) for s in sites}
        if len(dims) > 1:
            first = _derived_dimensions(sites[0])
            for no, s in enumerate(sites, start=1):
                if _derived_dimensions(s) != first:
                    differ = {
                        "dimensions": ", ".join(_derived_dimensions(s)),
                        "first": ", ".join(first),
                    }
                    problems.append(
                        _record_problem(
                            s_path, no, "capacity", s.id, "profiles.dimensions_differ", differ
                        )
                    )
    if h_path is not None:
        seen_h: set[str] = set()
        for no, raw in _records(h_path, problems):
            household = household_from_dict(raw, file=str(h_path), record=no, problems=problems)
            if household is None:
                continue
            if household.id in seen_h:
                duplicate = {"kind": "household", "id": household.id}
                problems.append(
                    _record_problem(h_path, no, "id", household.id, "id.duplicate", duplicate)
                )
                continue
            seen_h.add(household.id)
            households.append(household)
            h_records.append(no)
    if s_path is not None and h_path is not None and sites:
        site_ids = {s.id for s in sites}
        for no, h in zip(h_records, households, strict=True):
            for key, refs in (
                ("ties", h.ties),
                ("ranked_places", h.ranked_places),
                ("excluded_places", sorted(h.excluded_places)),
            ):
                for ref in refs:
                    if ref not in site_ids:
                        unknown = {"kind": "site", "id": ref}
                        problems.append(
                            _record_problem(h_path, no, key, h.id, "id.unknown", unknown)
                        )
    if problems:
        raise ProfileError(problems)
    return households, sites


def write_profiles(
    directory: str | Path,
    households: Sequence[HouseholdProfile],
    sites: Sequence[SiteProfile],
    *,
    jsonl: bool = True,
) -> None:
    """Write profiles in the format :func:`read_profiles` reads (JSONL by default)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for stem, rows in (
        ("households", [household_to_dict(h) for h in households]),
        ("sites", [site_to_dict(s) for s in sites]),
    ):
        if jsonl:
            with open(directory / f"{stem}.jsonl", "w", encoding="utf-8") as out:
                for row in rows:
                    out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
                    out.write("\n")
        else:
            (directory / f"{stem}.json").write_text(
                json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8"
            )
