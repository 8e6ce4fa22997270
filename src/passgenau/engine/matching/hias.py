"""Converter for the public HIAS resettlement data of fiscal year 2017.

The data (published with Delacrétaz, Kominers and Teytelboym, "Matching Mechanisms for Refugee
Resettlement") are four CSV files:

``FY17_size.csv``
    ``case, number of children, number of adults, number of seniors``: 329 cases (households).
``FY17_cap.csv``
    ``affiliate, stated capacity, actual resettled children, actual resettled adults, actual
    resettled seniors``: 21 affiliates (sites).
``FY17_Compatibility.csv``
    ``Case Num`` and one 0/1 column per affiliate.
``FY17_Employment_weight.csv``
    ``case number`` and one column per affiliate: the predicted employment of the case (an
    expected number of employed members, so it can exceed 1 for larger cases).

The plain instance made from them has the dimensions ``children``, ``adults``, ``seniors`` with
the *actual resettled* numbers as capacities (the stated capacity is not used), and a ``persons``
dimension (children + adults + seniors) whose capacity is the sum of the three. That fourth
dimension never binds on its own (it is implied by the other three), but it makes the number of
persons explicit, so that "place as many persons as possible" counts persons rather than cases.
Only compatible pairs are allowed, and the score of a pair is the predicted employment.

Affiliate names differ between the files (case, spelling, a trailing space), so they are matched
explicitly: names are compared after upper-casing and collapsing white space, and
:data:`AFFILIATE_ALIASES` lists the known spellings that differ otherwise. An affiliate of the
capacity file that cannot be found in a matrix, or a matrix column that matches no affiliate, is
an error that names it. A value ``NA`` means "no data": the whole ``NY-Westchester`` column is
``NA`` in both matrices of FY17, so that affiliate gets no allowed pair (its capacity stays in the
instance, unused). Any other value that is not 0/1 (compatibility) or a finite number ≥ 0
(employment) is an error naming the file, row and column.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..problems import InputProblem
from .instance import write_instance
from .model import Instance, InstanceError

__all__ = ["AFFILIATE_ALIASES", "FILES", "convert_hias", "normalise_affiliate", "read_hias"]

FILES = {
    "size": "FY17_size.csv",
    "cap": "FY17_cap.csv",
    "compatibility": "FY17_Compatibility.csv",
    "employment": "FY17_Employment_weight.csv",
}

# Normalised name in the capacity file → normalised name in the case × affiliate matrices, for the
# names that differ by more than case and white space.
AFFILIATE_ALIASES: dict[str, str] = {
    "NY-HIAS NEW YORK": "NY-NEW YORK CITY",
}

DIMENSIONS = ("children", "adults", "seniors", "persons")


def normalise_affiliate(name: str) -> str:
    """Upper case, white space collapsed and trimmed."""
    return re.sub(r"\s+", " ", name).strip().upper()


@dataclass
class _Csv:
    file: str
    header: list[str]
    rows: list[list[str]]
    lines: list[int]


def _read(path: Path, problems: list[InputProblem]) -> _Csv | None:
    if not path.is_file():
        problems.append(InputProblem(path.name, None, None, "file.missing"))
        return None
    try:
        data = path.read_bytes()
        text = data.decode("utf-8-sig")
    except OSError as exc:
        problems.append(
            InputProblem(path.name, None, None, "file.unreadable", {"detail": str(exc)})
        )
        return None
    except UnicodeDecodeError as exc:  # a binary file, or another encoding
        line = data[: exc.start].count(b"\n") + 1
        problems.append(InputProblem(path.name, line, None, "file.not_utf8"))
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            problems.append(InputProblem(path.name, None, None, "csv.no_header"))
            return None
        rows, lines = [], []
        for row in reader:
            if not row or all(not cell.strip() for cell in row):
                continue
            rows.append(row)
            lines.append(reader.line_num)
    except csv.Error as exc:
        problems.append(
            InputProblem(path.name, reader.line_num, None, "csv.invalid", {"detail": str(exc)})
        )
        return None
    return _Csv(path.name, header, rows, lines)


def _header(table: _Csv) -> str:
    return ", ".join(table.header)


def _int(table: _Csv, i: int, j: int, problems: list[InputProblem]) -> int:
    text = table.rows[i][j].strip() if j < len(table.rows[i]) else ""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        column = table.header[j] if j < len(table.header) else None
        problems.append(
            InputProblem(table.file, table.lines[i], column, "number.not_count", {"value": text})
        )
        return 0
    return value


def _match_columns(
    table: _Csv, affiliates: list[str], problems: list[InputProblem]
) -> dict[int, int] | None:
    """Matrix column index of each affiliate (by position in ``affiliates``)."""
    by_name: dict[str, int] = {}
    for j, name in enumerate(table.header[1:], start=1):
        if not name.strip():
            continue
        by_name[normalise_affiliate(name)] = j
    out: dict[int, int] = {}
    used: set[int] = set()
    for k, affiliate in enumerate(affiliates):
        key = normalise_affiliate(affiliate)
        key = key if key in by_name else AFFILIATE_ALIASES.get(key, key)
        if key not in by_name:
            problems.append(
                InputProblem(
                    table.file,
                    1,
                    None,
                    "hias.no_column",
                    {"affiliate": affiliate.strip(), "file": FILES["cap"]},
                )
            )
            continue
        out[k] = by_name[key]
        used.add(by_name[key])
    for name, j in by_name.items():
        if j not in used:
            problems.append(
                InputProblem(
                    table.file, 1, table.header[j], "hias.column_unmatched", {"column": name}
                )
            )
    return out if len(out) == len(affiliates) else None


def _case_rows(table: _Csv, problems: list[InputProblem]) -> dict[str, int]:
    rows: dict[str, int] = {}
    for i, row in enumerate(table.rows):
        case = row[0].strip()
        if not case:
            problems.append(
                InputProblem(
                    table.file, table.lines[i], table.header[0], "id.empty", {"kind": "case"}
                )
            )
        elif case in rows:
            problems.append(
                InputProblem(
                    table.file,
                    table.lines[i],
                    table.header[0],
                    "id.duplicate",
                    {"kind": "case", "id": case},
                )
            )
        else:
            rows[case] = i
    return rows


def read_hias(src_dir: str | Path) -> Instance:
    """Build the plain instance from the HIAS FY17 files in ``src_dir`` (see the module docstring).

    Raises
    ------
    InstanceError
        With every problem found, each naming the file, the row and the column.
    """
    src = Path(src_dir)
    problems: list[InputProblem] = []
    tables = {key: _read(src / name, problems) for key, name in FILES.items()}
    if problems:
        raise InstanceError(problems)
    size, cap = tables["size"], tables["cap"]
    compat, employment = tables["compatibility"], tables["employment"]
    assert size is not None and cap is not None and compat is not None and employment is not None

    # Sites: capacities per age group from the "actual resettled" columns.
    cap_columns = {normalise_affiliate(name): j for j, name in enumerate(cap.header)}
    wanted = [f"ACTUAL RESETTLED {group.upper()}" for group in DIMENSIONS[:3]]
    for name in ["AFFILIATE", *wanted]:
        if name not in cap_columns:
            problems.append(
                InputProblem(
                    cap.file, 1, name.lower(), "csv.missing_column", {"header": _header(cap)}
                )
            )
    size_columns = {normalise_affiliate(name): j for j, name in enumerate(size.header)}
    size_wanted = [f"NUMBER OF {group.upper()}" for group in DIMENSIONS[:3]]
    for name in size_wanted:
        if name not in size_columns:
            problems.append(
                InputProblem(
                    size.file, 1, name.lower(), "csv.missing_column", {"header": _header(size)}
                )
            )
    if problems:
        raise InstanceError(problems)

    affiliates: list[str] = []
    capacity: list[list[int]] = []
    seen: set[str] = set()
    for i, row in enumerate(cap.rows):
        name = row[cap_columns["AFFILIATE"]]
        if normalise_affiliate(name) in seen:
            problems.append(
                InputProblem(
                    cap.file,
                    cap.lines[i],
                    "affiliate",
                    "id.duplicate",
                    {"kind": "affiliate", "id": name},
                )
            )
            continue
        seen.add(normalise_affiliate(name))
        affiliates.append(name)
        groups = [_int(cap, i, cap_columns[w], problems) for w in wanted]
        capacity.append([*groups, sum(groups)])

    case_ids: list[str] = []
    demand: list[list[int]] = []
    for i, row in enumerate(size.rows):
        case_ids.append(row[0].strip())
        groups = [_int(size, i, size_columns[w], problems) for w in size_wanted]
        demand.append([*groups, sum(groups)])
    size_rows = _case_rows(size, problems)
    compat_rows = _case_rows(compat, problems)
    employment_rows = _case_rows(employment, problems)
    compat_cols = _match_columns(compat, affiliates, problems)
    employment_cols = _match_columns(employment, affiliates, problems)
    for table, rows in ((compat, compat_rows), (employment, employment_rows)):
        for case in size_rows:
            if case not in rows:
                problems.append(
                    InputProblem(
                        table.file, None, table.header[0], "hias.case_missing", {"case": case}
                    )
                )
        for case, i in rows.items():
            if case not in size_rows:
                unknown = {"kind": "case", "id": case, "file": size.file}
                problems.append(
                    InputProblem(
                        table.file, table.lines[i], table.header[0], "id.unknown_in", unknown
                    )
                )
    if problems:
        raise InstanceError(problems)
    assert compat_cols is not None and employment_cols is not None

    pair_h: list[int] = []
    pair_s: list[int] = []
    pair_score: list[float] = []
    for h, case in enumerate(case_ids):
        ci, ei = compat_rows[case], employment_rows[case]
        for s in range(len(affiliates)):
            cj, ej = compat_cols[s], employment_cols[s]
            flag = compat.rows[ci][cj].strip() if cj < len(compat.rows[ci]) else ""
            if flag.upper() in ("NA", "0"):
                continue
            if flag != "1":
                where = (compat.file, compat.lines[ci], compat.header[cj])
                problems.append(InputProblem(*where, "hias.compatibility", {"value": flag}))
                continue
            text = employment.rows[ei][ej].strip() if ej < len(employment.rows[ei]) else ""
            try:
                value = float(text)
            except ValueError:
                value = math.nan
            if not (math.isfinite(value) and value >= 0.0):
                where = (employment.file, employment.lines[ei], employment.header[ej])
                problems.append(InputProblem(*where, "hias.employment", {"value": text}))
                continue
            pair_h.append(h)
            pair_s.append(s)
            pair_score.append(value)
    if problems:
        raise InstanceError(problems)

    return Instance(
        household_ids=tuple(case_ids),
        site_ids=tuple(name.strip() for name in affiliates),
        dimensions=DIMENSIONS,
        demand=np.array(demand, dtype=np.int64).reshape(len(case_ids), len(DIMENSIONS)),
        capacity=np.array(capacity, dtype=np.int64).reshape(len(affiliates), len(DIMENSIONS)),
        pair_household=np.array(pair_h, dtype=np.int32),
        pair_site=np.array(pair_s, dtype=np.int32),
        pair_score=np.array(pair_score, dtype=np.float64),
    )


def convert_hias(src_dir: str | Path, out_dir: str | Path) -> Instance:
    """Read the HIAS FY17 files and write them as a plain instance directory; returns it."""
    instance = read_hias(src_dir)
    write_instance(instance, out_dir)
    return instance
