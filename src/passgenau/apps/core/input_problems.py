"""The engine's input problems in the reader's language.

The engine reports bad input as :class:`~passgenau.engine.problems.InputProblem` with a stable
``code`` and its ``parameters``; its English ``message`` is for the command line. A page or an API
answer shows :func:`problem_text` instead: the translated text of the code, filled in with the
parameters (:func:`problem_line` adds where it is). A code missing here falls back to a translated
general sentence, never to English. Problems stored as JSON (a failed run's) are read back with
:func:`stored_problems`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from ninja import Schema

from passgenau.engine.problems import InputProblem

from .errors import ServiceError
from .spreadsheets import SpreadsheetDamaged, SpreadsheetTooLarge, SpreadsheetTooWide, text_rows

__all__ = [
    "TEXTS",
    "ImportFailed",
    "ImportProblem",
    "ProblemOut",
    "import_rows",
    "problem_line",
    "problem_out",
    "problem_text",
    "problem_texts",
    "stored_problems",
]

TEXTS: dict[str, Promise] = {
    # files and folders
    "file.not_a_directory": _("This is not a folder."),
    "file.not_found": _("The file does not exist."),
    "file.missing": _("A required file is missing."),
    "file.missing_or": _("A required file is missing (and so is %(other)s)."),
    "file.unreadable": _("The file cannot be read."),
    "file.not_utf8": _("The file is not UTF-8 text."),
    "file.empty": _("The file is empty."),
    "file.too_large": _("The file is larger than %(limit)s bytes."),
    # CSV files
    "csv.no_header": _("The file is empty; its first line must hold the column names."),
    "csv.invalid": _("This is not valid CSV."),
    "csv.empty_column_name": _("A column name in the first line is empty."),
    "csv.duplicate_column": _("The column appears twice in the first line."),
    "csv.missing_column": _("This required column is missing (the file has: %(header)s)."),
    "csv.field_count": _("The row has %(found)s cells instead of %(expected)s."),
    "csv.extra_cells": _("The row has more cells than there are columns."),
    # JSON and YAML files
    "json.invalid": _("This is not valid JSON."),
    "json.invalid_at": _("This is not valid JSON (line %(line)s)."),
    "json.not_object": _("A JSON object is expected here."),
    "json.not_array": _("A JSON list is expected here."),
    "yaml.invalid": _("This is not valid YAML."),
    "yaml.invalid_at": _("This is not valid YAML (line %(line)s)."),
    # fields of a record
    "field.missing": _("The value is missing."),
    "field.missing_or_empty": _("The value is missing or empty."),
    "field.missing_choice": _("The value is missing; choose one of %(expected)s."),
    "field.not_choice": _("“%(value)s” is not allowed; choose one of %(expected)s."),
    "field.unknown": _("Unknown field; allowed are %(expected)s."),
    "field.unknown_key": _("Unknown key; allowed are %(expected)s."),
    "field.not_text": _("The value must be a text."),
    "field.not_string": _("The value must be a non-empty text, not “%(value)s”."),
    "field.not_string_list": _("The value must be a list of non-empty texts, not “%(value)s”."),
    "field.not_object": _("The value must be an object, not “%(value)s”."),
    "field.not_mapping": _("The value must be a mapping."),
    "field.not_integer_between": _(
        "The value must be a whole number from %(low)s to %(high)s, not “%(value)s”."
    ),
    "field.not_number_between": _(
        "The value must be a number from %(low)s to %(high)s, not “%(value)s”."
    ),
    "field.not_positive": _("The value must be a number greater than 0, not “%(value)s”."),
    "field.not_share": _("The value must be a number from 0 to 1, not “%(value)s”."),
    "field.not_tag": _("The value must be a non-empty tag."),
    "field.not_point": _("The value must be [latitude, longitude], not “%(value)s”."),
    "field.not_point_list": _(
        "The value must be a list of [latitude, longitude] pairs, not “%(value)s”."
    ),
    "record.not_object": _("The record must be an object."),
    # ids and references
    "id.empty": _("The %(kind)s id is empty."),
    "id.duplicate": _("The %(kind)s id “%(id)s” appears more than once."),
    "id.duplicate_row": _("The id “%(id)s” is already in row %(first)s."),
    "id.unknown": _("Unknown %(kind)s id “%(id)s”."),
    "id.unknown_in": _("Unknown %(kind)s id “%(id)s” (not in %(file)s)."),
    "id.not_taking_part": _("The %(kind)s “%(id)s” does not take part."),
    # rows
    "rows.more": ngettext_lazy(
        "… and %(count)s more row with the same problem.",
        "… and %(count)s more rows with the same problem.",
        "count",
    ),
    "rows.too_many": _("The input has more than %(limit)s rows."),
    "rows.over_limit": ngettext_lazy(
        "The input has %(count)s row; at most %(limit)s are allowed.",
        "The input has %(count)s rows; at most %(limit)s are allowed.",
        "count",
    ),
    # numbers
    "number.empty": _("The value is empty, not a number."),
    "number.invalid": _("“%(value)s” is not a number."),
    "number.ambiguous": _(
        "“%(value)s” means different numbers in German and English notation; "
        "choose the number format."
    ),
    "number.unknown_format": _("Unknown number format “%(format)s”."),
    "number.not_whole": _("The %(what)s must be a whole number, not “%(value)s”."),
    "number.negative": _("The %(what)s must not be negative (it is %(value)s)."),
    "number.not_count": _("A whole number of 0 or more is expected, not “%(value)s”."),
    # plain instances
    "instance.score_not_number": _("The score “%(value)s” is not a number."),
    "instance.score_nan": _("The score is not a number (NaN)."),
    "instance.score_infinite": _("The score is infinite."),
    "instance.no_capacity_column": _(
        "The dimension “%(dimension)s” of %(file)s has no capacity column."
    ),
    "instance.no_demand_column": _(
        "The dimension “%(dimension)s” of %(file)s has no demand column."
    ),
    "instance.min_unknown_dimension": _("A minimum for the unknown dimension “%(dimension)s”."),
    "instance.no_dimension": _("There is no capacity dimension (such as a column “persons”)."),
    "instance.min_above_capacity": _(
        "The minimum load %(minimum)s is above the capacity %(capacity)s."
    ),
    "instance.duplicate_pair": _("The pair (%(household)s, %(site)s) appears more than once."),
    "instance.fixed_forbidden": _("The fixed pair (%(household)s, %(site)s) is forbidden."),
    "instance.fixed_not_allowed": _("The fixed pair (%(household)s, %(site)s) is not allowed."),
    "instance.fixed_twice": _("The household “%(household)s” is fixed more than once."),
    "instance.fixed_over_capacity": _(
        "The households fixed at “%(site)s” need more %(dimension)s than its capacity %(capacity)s."
    ),
    "instance.group_empty": _("The group label is empty."),
    "instance.group_twice": _("The household “%(household)s” is in more than one group."),
    "instance.group_split": _(
        "The linked households of group “%(group)s” are fixed at different places."
    ),
    "instance.link_not_allowed": _(
        "The household “%(household)s” is linked to a household fixed at a place it may not go to."
    ),
    "instance.ranked_twice": _("The household “%(household)s” is ranked twice by the same place."),
    # the HIAS files
    "hias.no_column": _("The affiliate “%(affiliate)s” of %(file)s has no column here."),
    "hias.column_unmatched": _("The column “%(column)s” matches no affiliate."),
    "hias.case_missing": _("The case “%(case)s” is missing."),
    "hias.compatibility": _("The compatibility must be 0, 1 or NA, not “%(value)s”."),
    "hias.employment": _(
        "The predicted employment must be a finite number of 0 or more, not “%(value)s”."
    ),
    # profiles
    "profiles.both_files": _("Both %(first)s and %(second)s exist; keep one."),
    "profiles.not_array": _("The file must hold a JSON list of objects."),
    "profiles.no_members": _("The household needs at least one member."),
    "profiles.member_not_object": _("A member must be an object with age band and role."),
    "profiles.role_age": _("The role “%(role)s” does not fit the age band “%(age_band)s”."),
    "profiles.not_isco": _("“%(value)s” is not an ISCO-08 major group (0–9)."),
    "profiles.place_twice": _("A place is named twice."),
    "profiles.no_capacity": _("The capacity must name at least one dimension."),
    "profiles.dimensions_differ": _(
        "The dimensions %(dimensions)s differ from those of the first place (%(first)s)."
    ),
    # criteria catalogues
    "criteria.not_shipped": _("This version of passgenau does not have this criteria catalogue."),
    "criteria.version_differs": _("The version is “%(found)s”, not “%(expected)s”."),
    "criteria.not_catalogue": _("The catalogue must be a mapping with version and criteria."),
    "criteria.unknown_top_field": _("Unknown field at the top of the catalogue."),
    "criteria.bad_version": _("The version is missing or not a number or text."),
    "criteria.no_criteria": _("The catalogue must list at least one criterion."),
    "criteria.bad_id": _(
        "The id must consist of lower-case letters, digits and _, not “%(value)s”."
    ),
    "criteria.rule_kind": _("The rule “%(rule)s” cannot be “%(kind)s”."),
    "criteria.labels": _("A label is needed in each of %(languages)s."),
    "criteria.unknown_parameter": _("This is not a parameter of the rule “%(rule)s”."),
    "criteria.soft_only": _("This applies only to soft criteria."),
    "criteria.no_dimension": _("At least one dimension must be named."),
    "criteria.unknown_dimensions": _("Unknown dimensions %(unknown)s; allowed are %(expected)s."),
    "criteria.requires": _("Each need tag must name a list of services."),
    "criteria.need_tag": _("The need tag “%(tag)s” must be a non-empty text."),
    "criteria.need_services": _("The services for “%(tag)s” must be a non-empty list of texts."),
    # key files
    "keys.mixed_formats": _(
        "German (row %(de_row)s) and English (row %(en_row)s) number formats are mixed; "
        "choose the number format."
    ),
    "keys.negative_weight": _("The weight %(value)s is negative."),
    "keys.no_units": _("The key is empty: there are no rows after the column names."),
    "keys.no_such_column": _("The key file has no such column."),
    "keys.bound_decimals": _(
        "“%(value)s” must not be negative and have at most %(decimals)s decimals."
    ),
    # distribution by key
    "apportion.unknown_method": _("Unknown method “%(method)s”; choose one of %(choices)s."),
    "apportion.unknown_ties": _("Unknown tie rule “%(ties)s”; choose one of %(choices)s."),
    "apportion.lot_needs_seed": _(
        "Breaking ties by lot needs a seed, so that the lot can be repeated."
    ),
    "apportion.total_not_integer": _("The total must be a whole number, not %(total)s."),
    "apportion.total_negative": _("The total must not be negative (it is %(total)s)."),
    "apportion.no_key": _("All weights are zero but the total is positive: there is no key."),
    "apportion.min_above_max": _(
        "Unit “%(unit)s”: the minimum %(minimum)s is greater than the maximum %(maximum)s."
    ),
    "apportion.minimums_exceed_total": _(
        "The minimums add up to %(sum)s, more than the total %(total)s."
    ),
    "apportion.maximums_below_total": _(
        "The maximums add up to %(sum)s (units with weight zero count with their minimum), "
        "less than the total %(total)s."
    ),
    "apportion.ids_not_distinct": _("The units' ids must be distinct."),
    "apportion.weights_string": _("The weights must be numbers, one per unit."),
    "apportion.key_empty": _("The key is empty: there are no units to distribute among."),
    "apportion.weight_invalid": _("Unit “%(unit)s”: the weight is not a number."),
    "apportion.weight_negative": _("Unit “%(unit)s”: the weight %(weight)s is negative."),
    "apportion.bound_unknown_units": _("A %(bound)s is given for unknown units: %(units)s."),
    "apportion.bound_not_integer": _("The %(bound)s must be a whole number, not %(value)s."),
    "apportion.bound_negative": _("The %(bound)s must not be negative (it is %(value)s)."),
    "apportion.unit_bound_not_integer": _(
        "Unit “%(unit)s”: the %(bound)s must be a whole number, not %(value)s."
    ),
    "apportion.unit_bound_negative": _(
        "Unit “%(unit)s”: the %(bound)s must not be negative (it is %(value)s)."
    ),
    "apportion.no_room_above": _("The maximums leave no room for the total."),
    "apportion.no_room_below": _("The minimums leave no room for the total."),
    # HSDS packages
    "hsds.unknown_field": _("The table %(entity)s has no field “%(name)s”."),
    "hsds.no_id": _("Every row needs an id."),
    "hsds.unknown_resource": _("The resource “%(name)s” is not an HSDS table."),
    "hsds.outside": _("%(path)s lies outside the package folder."),
    "hsds.no_table": _("No HSDS CSV file (services.csv, …) was found."),
    "hsds.unknown_reference": _("“%(value)s” is not among the %(table)s of the file."),
    "hsds.ages_reversed": _("The maximum age is below the minimum age."),
    # Destatis directories of territories
    "destatis.unknown_header": _(
        "This is not a Destatis directory: the first line is neither that of the "
        "Gemeindeverzeichnis extract nor that of the Kreise table."
    ),
    "destatis.field_count": _(
        "Expected %(expected)s fields separated by “%(delimiter)s”, found %(found)s."
    ),
    "destatis.empty": _("The value must not be empty."),
    "destatis.not_whole": _("“%(value)s” is not a whole number."),
    "destatis.not_number": _("“%(value)s” is not a number."),
    "destatis.digits": _("“%(value)s” must have %(width)s digits."),
    "destatis.population_sum": _(
        "The population %(total)s is not the sum of %(male)s men and %(female)s women."
    ),
    "destatis.unknown_record_type": _(
        "Unknown record type “%(value)s” (expected 10, 20, 30, 40, 50 or 60)."
    ),
    "destatis.no_gemeinde": _("The file has no Gemeinde (record type 60)."),
    "destatis.unknown_text_key": _(
        "Unknown text key “%(value)s” for this record type (expected %(allowed)s)."
    ),
    "destatis.twice": _("%(what)s %(key)s appears twice (first on line %(first)s)."),
    "destatis.no_land": _("There is no Land “%(value)s” (01 to 16)."),
    "destatis.no_land_prefix": _(
        "There is no Land “%(value)s”: the first two digits must be 01 to 16."
    ),
    "destatis.undeclared": _(
        "%(what)s “%(value)s” is not declared by an earlier record of type %(record_type)s."
    ),
    "destatis.outside_germany": _(
        "“%(value)s” lies outside Germany (expected %(low)s to %(high)s)."
    ),
    "destatis.unknown_urbanisation": _(
        "Unknown degree of urbanisation “%(value)s” (expected 01, 02 or 03)."
    ),
    "destatis.unknown_kind": _("Unknown type “%(value)s” (expected one of %(expected)s)."),
    "destatis.not_nuts3": _("“%(value)s” is not a German NUTS-3 code (DE and three characters)."),
    "destatis.no_kreis": _("The file has no Kreis."),
}

# Parameters that carry one of a few engine words, and those words in the reader's language.
_WORD_PARAMETERS = ("kind", "what", "bound")
_WORDS: dict[str, Promise] = {
    "household": _("household"),
    "site": _("place"),
    "case": _("case"),
    "affiliate": _("affiliate"),
    "unit": _("unit"),
    "criterion": _("criterion"),
    "demand": _("demand"),
    "capacity": _("capacity"),
    "minimum load": _("minimum load"),
    "rank": _("rank"),
    "score": _("score"),
    "minimum": _("minimum"),
    "maximum": _("maximum"),
}
# Texts with plural forms, and the parameter that chooses the form.
_PLURAL_BY: dict[str, str] = {"rows.more": "count", "rows.over_limit": "count"}
_COUNTED: dict[str, Promise] = {
    "row": _("row"),
    "line": _("line"),
    "record": _("record"),
    "criterion": _("criterion"),
}


def problem_text(problem: InputProblem) -> str:
    """The problem in the active language: its code's text with the parameters filled in."""
    text = TEXTS.get(problem.code)
    if text is None:
        return gettext("The input has a problem (%(code)s).") % {"code": problem.code}
    parameters: dict[str, Any] = dict(problem.parameters)
    for name in _WORD_PARAMETERS:
        if name in parameters:
            word = parameters[name]
            parameters[name] = str(_WORDS.get(word, word)) if isinstance(word, str) else word
    by = _PLURAL_BY.get(problem.code)
    if by is not None:
        return str(text % {**parameters, by: _plural_number(parameters.get(by))})
    return str(text) % parameters


def _plural_number(value: Any) -> int:
    """The number that chooses a plural form; a value that is not a whole number reads as many."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 2


def problem_texts(problems: Iterable[InputProblem]) -> list[str]:
    return [problem_text(p) for p in problems]


def _named(what: str, name: str) -> str:
    return gettext("%(what)s “%(name)s”") % {"what": what, "name": name}


def problem_line(problem: InputProblem, *, in_file: bool = True) -> str:
    """Where the problem is and what it is, in the active language ("sites.csv, row 3, …: …").

    ``in_file=False`` for an input the reader never saw as a file (a run's snapshot): the place
    is then only the record's id and the field.
    """
    where = [problem.source] if problem.source and in_file else []
    counted = str(_COUNTED.get(problem.counted, problem.counted))
    if problem.line is not None and in_file:
        line = f"{counted} {problem.line}"
        where.append(_named(line, problem.record) if problem.record else line)
    elif problem.record:
        where.append(_named(counted, problem.record))
    if problem.field:
        label = gettext("column") if problem.counted == "row" else gettext("field")
        where.append(_named(label, problem.field))
    text = problem_text(problem)
    if not where:
        return text
    return gettext("%(where)s: %(problem)s") % {"where": ", ".join(where), "problem": text}


class ProblemOut(Schema):
    """An input problem in an API answer: its stable ``code`` and ``parameters``, where it is
    and ``message``, its text in the caller's language."""

    code: str
    parameters: dict[str, Any]
    source: str
    line: int | None
    record: str | None
    field: str | None
    message: str


def problem_out(problem: InputProblem) -> ProblemOut:
    return ProblemOut(
        code=problem.code,
        parameters=dict(problem.parameters),
        source=problem.source,
        line=problem.line,
        record=problem.record,
        field=problem.field,
        message=problem_text(problem),
    )


def stored_problems(data: Iterable[Mapping[str, Any]]) -> list[InputProblem]:
    """Problems stored with :meth:`InputProblem.as_dict`, leaving out any this version of
    passgenau can no longer read (a code since removed)."""
    problems = []
    for item in data:
        try:
            problems.append(InputProblem.from_dict(item))
        except (KeyError, TypeError, ValueError):
            continue
    return problems


@dataclass(frozen=True)
class ImportProblem:
    """A problem of a file that an app imports (households, a measures plan, a directory's
    spreadsheet), already in the reader's language: where (file, row, field) and what."""

    file: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += gettext(", row %(row)d") % {"row": self.row}
        if self.field:
            where += gettext(", field “%(field)s”") % {"field": self.field}
        return f"{where}: {self.message}"


class ImportFailed(ServiceError):
    """Nothing of the file was imported; carries every problem found (file, row, field)."""

    default_code = "import_problems"

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        super().__init__([str(p) for p in problems])


def import_rows(file_name: str, content: bytes) -> Iterator[list[str]]:
    """The rows of the first sheet (xlsx) or of the CSV, as text, read lazily; a file too wide,
    too long or damaged stops the import as :class:`ImportFailed` naming the file (and row)."""
    try:
        yield from text_rows(file_name, content)
    except (SpreadsheetTooWide, SpreadsheetTooLarge) as error:
        row = error.row if isinstance(error, SpreadsheetTooWide) else None
        raise ImportFailed([ImportProblem(file_name, row, None, str(error))]) from error
    except SpreadsheetDamaged as error:
        raise ImportFailed(
            [ImportProblem(file_name, None, None, gettext("This is not a readable Excel file."))]
        ) from error
