"""The criteria catalogue: criteria as data, loaded and validated from a versioned YAML file.

Each criterion has an id, a kind (``hard``: breaking it makes a pair not allowed; ``soft``: it
scores a pair in [0, 1]), labels in German, English, Ukrainian and Russian, and a *rule* — one
of the small set of rule types in :data:`RULES`, implemented by :mod:`.scoring` — with its
parameters. The catalogue shipped with the package for relocation is
``criteria/catalogue-v1.yaml``; the housing transition, mentoring and language mediation have their
own (``criteria/housing-v1.yaml``, ``mentoring-v1.yaml``, ``mediation-v1.yaml``; see
:data:`SHIPPED`). A programme can pass its own with ``passgenau match --criteria FILE``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..problems import InputError, InputProblem
from .profiles import DEMAND_DIMENSIONS

__all__ = [
    "LANGUAGES",
    "RULES",
    "SHIPPED",
    "Catalogue",
    "CatalogueError",
    "Criterion",
    "default_catalogue_path",
    "load_catalogue",
    "load_catalogue_version",
    "parse_catalogue",
]

LANGUAGES: tuple[str, ...] = ("de", "en", "uk", "ru")
KINDS = ("hard", "soft")
RATED_BY = ("household", "site")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")

# A parameter's check: None when the value is valid, else the problem's code and parameters.
Found = tuple[str, dict[str, Any]] | None
ParamCheck = Callable[[Any], Found]


def _str_list(value: Any) -> Found:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        return "field.not_string_list", {"value": value}
    return None


def _dimensions(value: Any) -> Found:
    error = _str_list(value)
    if error or not value:
        return error or ("criteria.no_dimension", {})
    unknown = [v for v in value if v not in DEMAND_DIMENSIONS]
    if unknown:
        expected = ", ".join(DEMAND_DIMENSIONS)
        return "criteria.unknown_dimensions", {"unknown": ", ".join(unknown), "expected": expected}
    return None


def _requires(value: Any) -> Found:
    if not isinstance(value, dict) or not value:
        return "criteria.requires", {}
    for tag, services in value.items():
        if not isinstance(tag, str) or not tag:
            return "criteria.need_tag", {"tag": tag}
        if _str_list(services) or not services:
            return "criteria.need_services", {"tag": tag}
    return None


def _positive(value: Any) -> Found:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    return None if ok else ("field.not_positive", {"value": value})


def _unit(value: Any) -> Found:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1
    return None if ok else ("field.not_share", {"value": value})


def _tag(value: Any) -> Found:
    return None if isinstance(value, str) and value else ("field.not_tag", {})


def _choice(value: Any, choices: Iterable[Any]) -> dict[str, Any]:
    """The parameters of ``field.not_choice``."""
    return {"expected": ", ".join(str(c) for c in choices), "value": value}


def _dimension(value: Any) -> Found:
    if value in DEMAND_DIMENSIONS:
        return None
    return "field.not_choice", _choice(value, DEMAND_DIMENSIONS)


def _one_of(*choices: str) -> ParamCheck:
    def check(value: Any) -> Found:
        return None if value in choices else ("field.not_choice", _choice(value, choices))

    return check


@dataclass(frozen=True)
class RuleType:
    """A rule type: which kinds it supports and its parameters (required, optional with default)."""

    kinds: tuple[str, ...]
    required: Mapping[str, ParamCheck] = field(default_factory=dict)
    optional: Mapping[str, tuple[ParamCheck, Any]] = field(default_factory=dict)
    summary: str = ""


RULES: dict[str, RuleType] = {
    "capacity_fit": RuleType(
        ("hard",),
        {"dimensions": _dimensions},
        summary="the household's demand in the listed dimensions fits the site's capacity",
    ),
    "need_service": RuleType(
        ("hard", "soft"),
        {"requires": _requires},
        summary="each need tag the household has is met by one of the listed site services "
        "(hard: all must be met; soft: share met)",
    ),
    "excluded_places": RuleType(
        ("hard",), summary="the site is not among the household's exclusions"
    ),
    "tie": RuleType(("soft",), summary="1 where the household has family or friends, else 0"),
    "ranked_places": RuleType(
        ("soft",),
        optional={"unranked": (_unit, 0.0)},
        summary="(k - i) / k for the i-th (0-based) of k ranked places; unranked places score "
        "`unranked`",
    ),
    "occupation_demand": RuleType(
        ("soft",),
        optional={"missing": (_unit, 0.0)},
        summary="mean local demand (0–1) for the occupations of the household's adults",
    ),
    "size_class": RuleType(
        ("soft",),
        optional={"step_penalty": (_unit, 0.5)},
        summary="1 - step_penalty × distance between preferred and actual size class (≥ 0)",
    ),
    "region": RuleType(("soft",), summary="1 in the preferred region, else 0"),
    "community_language": RuleType(
        ("soft",),
        optional={"full_at": (_positive, 500), "ignore": (_str_list, [])},
        summary="min(1, size / full_at) of the largest community speaking one of the "
        "household's languages",
    ),
    "language_courses": RuleType(
        ("soft",),
        optional={"full_at": (_positive, 40), "applies_to": (_tag, "needs_german_course")},
        summary="min(1, course places / full_at), for households with the `applies_to` tag",
    ),
    "site_priority": RuleType(
        ("soft",),
        summary="1 when the household has one of the site's priority groups, else 0 "
        "(counts only at sites that name priority groups)",
    ),
    "shared_tags": RuleType(
        ("hard", "soft"),
        {"prefix": _tag},
        {"score": (_one_of("share", "any"), "share")},
        summary="the household's tags that start with `prefix` against the site's services: "
        "hard: not allowed when the household has such tags and the site none of them; soft: "
        "the share of them the site has (`score: share`) or 1 when it has one (`score: any`)",
    ),
    "fill": RuleType(
        ("soft",),
        {"dimension": _dimension},
        summary="min(1, the household's demand / the site's capacity) in `dimension`: how "
        "fully the household uses what the site offers (counts only where the site gives it)",
    ),
    "distance": RuleType(
        ("soft",),
        optional={"zero_km": (_positive, 10.0)},
        summary="mean over the household's anchors (work, school) of max(0, 1 - km / zero_km) "
        "to the site's location (counts only where both are known)",
    ),
}

_FIELDS = {
    "id",
    "kind",
    "rule",
    "labels",
    "params",
    "default_importance",
    "rated_by",
    "description",
}


@dataclass(frozen=True)
class Criterion:
    """One criterion of the catalogue."""

    id: str
    kind: str
    rule: str
    labels: Mapping[str, str]
    params: Mapping[str, Any] = field(default_factory=dict)
    default_importance: int = 1
    rated_by: str = "household"
    description: str = ""

    def label(self, language: str = "en") -> str:
        return self.labels.get(language) or self.labels.get("en") or self.id


@dataclass(frozen=True)
class Catalogue:
    """A versioned list of criteria."""

    version: str
    criteria: tuple[Criterion, ...]
    source: str = ""

    @property
    def hard(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.kind == "hard")

    @property
    def soft(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.kind == "soft")

    def get(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)


class CatalogueError(InputError):
    """A catalogue that cannot be used; carries every problem found (file, criterion, field)."""

    problems: list[InputProblem]


DEFAULT_VERSION = "1"
# The catalogues shipped with the package, by programme: relocation's is ``catalogue-vN.yaml``,
# the others ``<name>-vN.yaml`` (a programme's newest version first in its tuple of versions).
SHIPPED: dict[str, tuple[str, ...]] = {
    "catalogue": ("1",),
    "housing": ("1",),
    "mentoring": ("1",),
    "mediation": ("1",),
}


def default_catalogue_path(name: str = "catalogue") -> Path:
    """The newest catalogue of programme ``name`` shipped with the package (relocation's by
    default)."""
    return _shipped_path(SHIPPED[name][0], name)


def _shipped_path(version: str, name: str = "catalogue") -> Path:
    file = f"criteria/{name}-v{version}.yaml"
    return Path(str(resources.files(__package__ or __name__).joinpath(file)))


def load_catalogue_version(version: str, name: str = "catalogue") -> Catalogue:
    """The shipped catalogue ``name`` of ``version`` (what a run recorded and is reproduced
    with); ``name`` is relocation's ``catalogue`` or one of the other programmes in
    :data:`SHIPPED`.

    Raises :class:`CatalogueError` when this version of passgenau ships no such catalogue, or when
    the file's own version differs from its name.
    """
    where = f"criteria catalogue {name!r} version {version!r}"
    if name == "catalogue":
        where = f"criteria catalogue version {version!r}"
    safe = re.fullmatch(r"[0-9A-Za-z_.-]+", str(version)) and name in SHIPPED
    path = _shipped_path(str(version), name) if safe else None
    if path is None or not path.is_file():
        raise CatalogueError([_problem(where, None, "criteria.not_shipped")])
    catalogue = load_catalogue(path)
    if catalogue.version != str(version):
        differs = {"found": catalogue.version, "expected": str(version)}
        raise CatalogueError([_problem(str(path), "version", "criteria.version_differs", differs)])
    return catalogue


def _problem(
    source: str, field: str | None, code: str, parameters: dict[str, Any] | None = None
) -> InputProblem:
    return InputProblem(source, None, field, code, parameters or {}, counted="criterion")


def parse_catalogue(data: Any, source: str = "<catalogue>") -> Catalogue:
    """Validate a parsed catalogue (the YAML's top-level mapping) and build it."""
    problems: list[InputProblem] = []

    def add(
        record: int | None, cid: str | None, fld: str | None, code: str, /, **parameters: Any
    ) -> None:
        problems.append(InputProblem(source, record, fld, code, parameters, cid, "criterion"))

    if not isinstance(data, dict):
        raise CatalogueError([_problem(source, None, "criteria.not_catalogue")])
    for key in data:
        if key not in ("version", "criteria"):
            add(None, None, str(key), "criteria.unknown_top_field")
    version = data.get("version")
    if version is None or isinstance(version, bool) or not isinstance(version, int | str):
        add(None, None, "version", "criteria.bad_version")
    raw_criteria = data.get("criteria")
    if not isinstance(raw_criteria, list) or not raw_criteria:
        add(None, None, "criteria", "criteria.no_criteria")
        raw_criteria = []
    criteria: list[Criterion] = []
    seen: set[str] = set()
    for no, raw in enumerate(raw_criteria, start=1):
        if not isinstance(raw, dict):
            add(no, None, None, "field.not_mapping")
            continue
        before = len(problems)
        cid = raw.get("id")
        if not isinstance(cid, str) or not _ID.match(cid):
            add(no, None, "id", "criteria.bad_id", value=cid)
            cid = None
        elif cid in seen:
            add(no, cid, "id", "id.duplicate", kind="criterion", id=cid)
        else:
            seen.add(cid)
        for key in raw:
            if key not in _FIELDS:
                add(no, cid, str(key), "field.unknown", expected=", ".join(sorted(_FIELDS)))
        kind = raw.get("kind")
        if kind not in KINDS:
            add(no, cid, "kind", "field.not_choice", **_choice(kind, KINDS))
        rule_name = raw.get("rule")
        rule = RULES.get(rule_name) if isinstance(rule_name, str) else None
        if rule is None:
            add(no, cid, "rule", "field.not_choice", **_choice(rule_name, sorted(RULES)))
        elif kind in KINDS and kind not in rule.kinds:
            add(no, cid, "kind", "criteria.rule_kind", rule=rule_name, kind=kind)
        labels = raw.get("labels")
        if not isinstance(labels, dict):
            add(no, cid, "labels", "criteria.labels", languages=", ".join(LANGUAGES))
            labels = {}
        for lang in LANGUAGES:
            text = labels.get(lang)
            if not isinstance(text, str) or not text.strip():
                add(no, cid, f"labels.{lang}", "field.missing_or_empty")
        params = raw.get("params", {}) or {}
        if not isinstance(params, dict):
            add(no, cid, "params", "field.not_mapping")
            params = {}
        full_params: dict[str, Any] = {}
        if rule is not None:
            for name, check in rule.required.items():
                if name not in params:
                    add(no, cid, f"params.{name}", "field.missing")
                    continue
                error = check(params[name])
                if error:
                    add(no, cid, f"params.{name}", error[0], **error[1])
                full_params[name] = params[name]
            for name, (check, default) in rule.optional.items():
                if name in params:
                    error = check(params[name])
                    if error:
                        add(no, cid, f"params.{name}", error[0], **error[1])
                    full_params[name] = params[name]
                else:
                    full_params[name] = default
            for name in params:
                if name not in rule.required and name not in rule.optional:
                    add(no, cid, f"params.{name}", "criteria.unknown_parameter", rule=rule_name)
        importance = raw.get("default_importance", 1)
        rated_by = raw.get("rated_by", "household")
        if kind == "soft":
            if isinstance(importance, bool) or importance not in (0, 1, 2, 3):
                add(
                    no,
                    cid,
                    "default_importance",
                    "field.not_choice",
                    **_choice(importance, (0, 1, 2, 3)),
                )
            if rated_by not in RATED_BY:
                add(no, cid, "rated_by", "field.not_choice", **_choice(rated_by, RATED_BY))
        elif kind == "hard":
            for key in ("default_importance", "rated_by"):
                if key in raw:
                    add(no, cid, key, "criteria.soft_only")
        description = raw.get("description", "")
        if not isinstance(description, str):
            add(no, cid, "description", "field.not_text")
        if len(problems) == before:
            assert isinstance(cid, str) and isinstance(kind, str) and isinstance(rule_name, str)
            criteria.append(
                Criterion(
                    id=cid,
                    kind=kind,
                    rule=rule_name,
                    labels={k: str(v) for k, v in labels.items()},
                    params=full_params,
                    default_importance=int(importance),
                    rated_by=str(rated_by),
                    description=str(description),
                )
            )
    if problems:
        raise CatalogueError(problems)
    return Catalogue(version=str(version), criteria=tuple(criteria), source=source)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load and validate a catalogue file (YAML or JSON); ``None`` loads the shipped one."""
    path = default_catalogue_path() if path is None else Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(
            [_problem(str(path), None, "file.unreadable", {"detail": str(exc)})]
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        invalid = {"detail": str(exc)}
        if mark is not None:
            invalid["line"] = mark.line + 1
        code = "yaml.invalid" if mark is None else "yaml.invalid_at"
        raise CatalogueError([_problem(str(path), None, code, invalid)]) from None
    return parse_catalogue(data, str(path))
