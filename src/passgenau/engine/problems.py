"""The engine's one way of reporting bad input: problems as data, raised together.

An :class:`InputProblem` says where (``source``: the file or input; ``line``: 1-based row, line or
record, ``counted`` saying which; ``record``: the record's id where known; ``field``) and what
(``code``: a stable name; ``parameters``: the values its text needs). Its English ``message`` is
derived from the two through :data:`MESSAGES`, for the command line and logs. An
:class:`InputError` carries every problem found, not just the first. The engine's input errors
(of instances, profiles, catalogues, keys, apportionments, HSDS packages) are all
:class:`InputError`; the web application shows a problem by its ``code`` and ``parameters`` in the
reader's language (``passgenau.apps.core.input_problems``), never by the English ``message``.

Codes are ``area.name``: ``file``, ``csv``, ``json``, ``yaml``, ``field``, ``record``, ``id``,
``rows`` and ``number`` are shared by every reader; the others belong to one input format (also
the territories app's reader of the Destatis directories, plain Python like the engine). A
parameter whose value is one of a few engine words (``kind``: household, site, …; ``what``:
demand, capacity, …; ``bound``: minimum, maximum) is translated with the text.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

__all__ = ["COUNTED", "MESSAGES", "InputError", "InputProblem", "parameter_names"]

# Every code with its English text; ``%(name)s`` (``%(name)r``: quoted) takes the parameter.
MESSAGES: dict[str, str] = {
    # files and folders
    "file.not_a_directory": "is not a directory",
    "file.not_found": "file not found",
    "file.missing": "required file is missing",
    "file.missing_or": "required file is missing (nor %(other)s)",
    "file.unreadable": "cannot be read: %(detail)s",
    "file.not_utf8": "is not valid UTF-8 text",
    "file.empty": "file is empty",
    "file.too_large": "over %(limit)s bytes",
    # CSV files
    "csv.no_header": "the file is empty (a header line is needed)",
    "csv.invalid": "is not valid CSV: %(detail)s",
    "csv.empty_column_name": "the header has an empty column name",
    "csv.duplicate_column": "the column appears twice in the header",
    "csv.missing_column": "required column is missing (header has: %(header)s)",
    "csv.field_count": "expected %(expected)s fields, found %(found)s",
    "csv.extra_cells": "more cells than header columns",
    # JSON and YAML files
    "json.invalid": "not valid JSON: %(detail)s",
    "json.invalid_at": "not valid JSON at line %(line)s: %(detail)s",
    "json.not_object": "expected a JSON object",
    "json.not_array": "expected a JSON array",
    "yaml.invalid": "not valid YAML: %(detail)s",
    "yaml.invalid_at": "not valid YAML at line %(line)s: %(detail)s",
    # fields of a record
    "field.missing": "is missing",
    "field.missing_or_empty": "is missing or empty",
    "field.missing_choice": "is missing; expected one of %(expected)s",
    "field.not_choice": "must be one of %(expected)s, got %(value)r",
    "field.unknown": "unknown field; expected some of %(expected)s",
    "field.unknown_key": "unknown key; expected one of %(expected)s",
    "field.not_text": "must be a string",
    "field.not_string": "must be a non-empty string, got %(value)r",
    "field.not_string_list": "must be a list of non-empty strings, got %(value)r",
    "field.not_object": "must be an object, got %(value)r",
    "field.not_mapping": "must be a mapping",
    "field.not_integer_between": "must be an integer between %(low)s and %(high)s, got %(value)r",
    "field.not_number_between": "must be a number between %(low)s and %(high)s, got %(value)r",
    "field.not_positive": "must be a positive number, got %(value)r",
    "field.not_share": "must be a number in [0, 1], got %(value)r",
    "field.not_tag": "must be a non-empty tag",
    "field.not_point": "must be [latitude, longitude], got %(value)r",
    "field.not_point_list": "must be a list of [latitude, longitude], got %(value)r",
    "record.not_object": "must be an object, got %(type)s",
    # ids and references
    "id.empty": "%(kind)s id is empty",
    "id.duplicate": "duplicate %(kind)s id %(id)r",
    "id.duplicate_row": "id %(id)r also in row %(first)s",
    "id.unknown": "unknown %(kind)s id %(id)r",
    "id.unknown_in": "unknown %(kind)s id %(id)r (not in %(file)s)",
    "id.not_taking_part": "%(kind)s %(id)r does not take part",
    # rows
    "rows.more": "… and %(count)s more rows with the same problem",
    "rows.too_many": "more than %(limit)s rows",
    "rows.over_limit": "%(count)s rows (at most %(limit)s)",
    # numbers as written (passgenau.engine.keys.parse_number)
    "number.empty": "empty value is not a number",
    "number.invalid": "%(value)r is not a number",
    "number.ambiguous": (
        "%(value)r means different numbers in German and English notation; "
        "choose the number format explicitly"
    ),
    "number.unknown_format": "unknown number format %(format)r",
    "number.not_whole": "%(what)s must be a whole number, found %(value)r",
    "number.negative": "%(what)s must not be negative, found %(value)s",
    "number.not_count": "expected a whole number ≥ 0, found %(value)r",
    # plain instances (passgenau.engine.matching.instance, .pipeline)
    "instance.score_not_number": "score is not a number: %(value)r",
    "instance.score_nan": "score is NaN (not a number)",
    "instance.score_infinite": "score is infinite",
    "instance.no_capacity_column": "dimension %(dimension)r of %(file)s has no capacity column",
    "instance.no_demand_column": "dimension %(dimension)r of %(file)s has no demand column",
    "instance.min_unknown_dimension": "minimum for unknown dimension %(dimension)r",
    "instance.no_dimension": "no capacity dimension (e.g. a 'persons' column)",
    "instance.min_above_capacity": "minimum load %(minimum)s is above the capacity %(capacity)s",
    "instance.duplicate_pair": "the pair (%(household)s, %(site)s) appears more than once",
    "instance.fixed_forbidden": "fixed pair (%(household)s, %(site)s) is forbidden (forbidden.csv)",
    "instance.fixed_not_allowed": (
        "fixed pair (%(household)s, %(site)s) is not allowed (no row in scores.csv)"
    ),
    "instance.fixed_twice": "household %(household)r is fixed more than once",
    "instance.fixed_over_capacity": (
        "fixed households at site %(site)r need more %(dimension)r than its capacity "
        "%(capacity)s (from this row on)"
    ),
    "instance.group_empty": "group label is empty",
    "instance.group_twice": "household %(household)r is in more than one group",
    "instance.group_split": "linked households of group %(group)r are fixed at different sites",
    "instance.link_not_allowed": (
        "household %(household)r is linked to a household fixed at a site where it is not allowed"
    ),
    "instance.ranked_twice": "household %(household)r is ranked twice by the same site",
    # the HIAS files (passgenau.engine.matching.hias)
    "hias.no_column": (
        "affiliate %(affiliate)r of %(file)s has no column here "
        "(add its spelling to AFFILIATE_ALIASES if it is listed under another name)"
    ),
    "hias.column_unmatched": "column %(column)r matches no affiliate",
    "hias.case_missing": "case %(case)r is missing",
    "hias.compatibility": "compatibility must be 0, 1 or NA, found %(value)r",
    "hias.employment": "predicted employment must be a finite number ≥ 0, found %(value)r",
    # profiles (passgenau.engine.matching.profiles)
    "profiles.both_files": "both %(first)s and %(second)s exist",
    "profiles.not_array": "must hold a JSON array of objects",
    "profiles.no_members": "must be a non-empty list of members",
    "profiles.member_not_object": "must be an object with age_band and role",
    "profiles.role_age": "role %(role)r does not fit age band %(age_band)r",
    "profiles.not_isco": "%(value)r is not an ISCO-08 major group (0–9)",
    "profiles.place_twice": "names a place twice",
    "profiles.no_capacity": "must be an object with at least one dimension, e.g. {'persons': 40}",
    "profiles.dimensions_differ": (
        "dimensions %(dimensions)s differ from the first site's %(first)s"
    ),
    # criteria catalogues (passgenau.engine.matching.criteria)
    "criteria.not_shipped": "is not shipped with this version of passgenau",
    "criteria.version_differs": "is %(found)r, not %(expected)r",
    "criteria.not_catalogue": "must be a mapping with 'version' and 'criteria'",
    "criteria.unknown_top_field": "unknown top-level field",
    "criteria.bad_version": "is missing or not a number/string",
    "criteria.no_criteria": "must be a non-empty list",
    "criteria.bad_id": "must be lower-case letters, digits and _, got %(value)r",
    "criteria.rule_kind": "rule %(rule)r cannot be %(kind)r",
    "criteria.labels": "must give a label in each of %(languages)s",
    "criteria.unknown_parameter": "not a parameter of rule %(rule)r",
    "criteria.soft_only": "applies only to soft criteria",
    "criteria.no_dimension": "must name at least one dimension",
    "criteria.unknown_dimensions": (
        "unknown dimension(s) %(unknown)s; expected some of %(expected)s"
    ),
    "criteria.requires": "must map need tags to lists of services, e.g. {dialysis: [dialysis]}",
    "criteria.need_tag": "need tag %(tag)r must be a non-empty string",
    "criteria.need_services": "services for %(tag)r must be a non-empty list of strings",
    # key files (passgenau.engine.keys, passgenau apportion)
    "keys.mixed_formats": (
        "German (row %(de_row)s) and English (row %(en_row)s) number formats are mixed; "
        "choose the number format explicitly"
    ),
    "keys.negative_weight": "negative weight %(value)s",
    "keys.no_units": "the key is empty: no rows after the header",
    "keys.no_such_column": "%(option)s: no such column in the key file",
    "keys.bound_decimals": "%(value)r must be non-negative with at most %(decimals)s decimals",
    # distribution by key (passgenau.engine.apportionment)
    "apportion.unknown_method": "unknown method %(method)r; choose one of %(choices)s",
    "apportion.unknown_ties": "unknown tie rule %(ties)r; choose one of %(choices)s",
    "apportion.lot_needs_seed": "ties='lot' needs a seed so that the lot can be reproduced",
    "apportion.total_not_integer": "total must be an integer, got %(total)s",
    "apportion.total_negative": "total must not be negative, got %(total)s",
    "apportion.no_key": "all weights are zero, but the total is positive: there is no key",
    "apportion.min_above_max": (
        "unit %(unit)r: minimum %(minimum)s is greater than maximum %(maximum)s"
    ),
    "apportion.minimums_exceed_total": (
        "the minimums add up to %(sum)s, more than the total %(total)s"
    ),
    "apportion.maximums_below_total": (
        "the maximums add up to %(sum)s (units with weight zero count with their minimum), "
        "less than the total %(total)s"
    ),
    "apportion.ids_not_distinct": "unit ids must be distinct after conversion to text",
    "apportion.weights_string": "weights must be a mapping or a sequence of numbers, not a string",
    "apportion.key_empty": "the key is empty: there are no units to apportion among",
    "apportion.weight_invalid": "unit %(unit)r: weight %(detail)s",
    "apportion.weight_negative": "unit %(unit)r: weight %(weight)s is negative",
    "apportion.bound_unknown_units": "%(bound)s given for unknown units: %(units)s",
    "apportion.bound_not_integer": "%(bound)s must be an integer, got %(value)s",
    "apportion.bound_negative": "%(bound)s must not be negative, got %(value)s",
    "apportion.unit_bound_not_integer": (
        "unit %(unit)r: %(bound)s must be an integer, got %(value)s"
    ),
    "apportion.unit_bound_negative": "unit %(unit)r: %(bound)s must not be negative, got %(value)s",
    "apportion.no_room_above": "the maximums leave no room for the total",
    "apportion.no_room_below": "the minimums leave no room for the total",
    # HSDS packages (passgenau.engine.hsds, the directory's import)
    "hsds.unknown_field": "%(entity)s has no field %(name)r",
    "hsds.no_id": "every row needs an id",
    "hsds.unknown_resource": "resource %(name)r is not an HSDS table",
    "hsds.outside": "%(path)s is outside the package folder",
    "hsds.no_table": "no HSDS CSV file (services.csv, …) found",
    "hsds.unknown_reference": "%(value)r is not in the file's %(table)s",
    "hsds.ages_reversed": "below minimum_age",
    # Destatis directories of territories (passgenau.apps.territories.destatis)
    "destatis.unknown_header": (
        "not a Destatis directory: expected the header of the Gemeindeverzeichnis extract "
        "('satzart,textkennzeichen,land,...') or of the Kreise table ('AGS;type;name;NUTS3;...') "
        "(found %(value)r)"
    ),
    "destatis.field_count": (
        "expected %(expected)s fields separated by %(delimiter)r, found %(found)s"
    ),
    "destatis.empty": "must not be empty",
    "destatis.not_whole": "not a whole number (found %(value)r)",
    "destatis.not_number": "not a number (found %(value)r)",
    "destatis.digits": "must be %(width)s digit(s) (found %(value)r)",
    "destatis.population_sum": (
        "population %(total)s is not the sum of male %(male)s and female %(female)s"
    ),
    "destatis.unknown_record_type": (
        "unknown record type (expected 10, 20, 30, 40, 50 or 60) (found %(value)r)"
    ),
    "destatis.no_gemeinde": "the file has no Gemeinde (record type 60)",
    "destatis.unknown_text_key": (
        "unknown text key for this record type (%(allowed)s) (found %(value)r)"
    ),
    "destatis.twice": "%(what)s %(key)s appears twice (first on line %(first)s)",
    "destatis.no_land": "no such Land (01 to 16) (found %(value)r)",
    "destatis.no_land_prefix": (
        "no such Land (the first two digits must be 01 to 16) (found %(value)r)"
    ),
    "destatis.undeclared": (
        "%(what)s not declared by an earlier record of type %(record_type)s (found %(value)r)"
    ),
    "destatis.outside_germany": "outside Germany (expected %(low)s to %(high)s) (found %(value)r)",
    "destatis.unknown_urbanisation": (
        "unknown degree of urbanisation (expected 01, 02 or 03) (found %(value)r)"
    ),
    "destatis.unknown_kind": "unknown type (expected one of %(expected)s) (found %(value)r)",
    "destatis.not_nuts3": "not a German NUTS-3 code (DE and three characters) (found %(value)r)",
    "destatis.no_kreis": "the file has no Kreis",
}

# What ``line`` counts: a row of a CSV file (the header is row 1, or row 1 is the first row after
# it where the format says so), a line of a text file, a record of a JSON file, a criterion.
COUNTED: tuple[str, ...] = ("row", "line", "record", "criterion")

_PARAMETER = re.compile(r"%\((\w+)\)[sr]")


def parameter_names(code: str) -> tuple[str, ...]:
    """The parameters the English text of ``code`` takes, in order."""
    return tuple(dict.fromkeys(_PARAMETER.findall(MESSAGES[code])))


@dataclass(frozen=True)
class InputProblem:
    """One problem in an input: where it is, a stable code and the values its text needs."""

    source: str  # the file or input; "" for the arguments of a call
    line: int | None  # 1-based row, line or record (see ``counted``); None: the input as a whole
    field: str | None
    code: str
    parameters: Mapping[str, Any] = _field(default_factory=dict)
    record: str | None = None  # the id of the record, where known
    counted: str = "row"  # what ``line`` counts, one of COUNTED

    def __post_init__(self) -> None:
        if self.code not in MESSAGES:
            raise ValueError(f"unknown input problem code {self.code!r}")
        missing = set(parameter_names(self.code)) - set(self.parameters)
        if missing:
            raise ValueError(f"{self.code}: parameters {sorted(missing)} are missing")

    def at(self, source: str, line: int | None, field: str | None) -> InputProblem:
        """The same problem placed elsewhere (a value's problem in the file it came from)."""
        return dataclasses.replace(self, source=source, line=line, field=field)

    @property
    def message(self) -> str:
        """The English text, for the command line and logs (never for a page)."""
        return MESSAGES[self.code] % self.parameters

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f", {self.counted} {self.line}"
            if self.record:
                where += f" (id {self.record!r})"
        elif self.record:
            where += f", {self.counted} {self.record!r}"
        if self.field:
            label = "column" if self.counted == "row" else "field"
            where += f", {label} {self.field!r}"
        return f"{where.removeprefix(', ')}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, Any]:
        """The problem as JSON (for storing, e.g. with a failed run); see :meth:`from_dict`."""
        return {**dataclasses.asdict(self), "parameters": dict(self.parameters)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InputProblem:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


class InputError(ValueError):
    """Input the engine cannot use; ``problems`` holds every problem found."""

    separator = "\n"
    shown: int | None = None  # at most this many problems in the exception's text

    def __init__(self, problems: Sequence[InputProblem]) -> None:
        self.problems = list(problems)
        text = [str(p) for p in self.problems[: self.shown]]
        if self.shown is not None and len(self.problems) > self.shown:
            text.append(f"… and {len(self.problems) - self.shown} more problems")
        super().__init__(self.separator.join(text))
