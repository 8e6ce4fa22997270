"""Reading and writing the plain instance format.

An instance is a directory of CSV files (UTF-8, comma-separated, a header line first; any file may
instead be gzip-compressed as ``<name>.csv.gz``):

``households.csv`` (required)
    ``id``, then one non-negative integer column per capacity dimension (``persons``,
    ``school``, …): what placing the household uses up.
``sites.csv`` (required)
    ``id``, optionally ``name``, then one non-negative integer column per dimension (the same
    names as in ``households.csv``): the capacity. *Extension:* optional ``min_<dimension>``
    columns give a minimum load (a fair share of a quota); each must be at most the capacity.
``scores.csv`` (required)
    ``household_id``, ``site_id``, ``score``: the value (finite, ≥ 0) of placing the household
    at the site. A pair that is absent is not allowed. Further columns are ignored.
``fixed.csv`` (optional)
    ``household_id``, ``site_id``: placements that must stay. Each must be an allowed pair, a
    household is fixed at most once, and the fixed households together must fit every capacity.
``forbidden.csv`` (optional)
    ``household_id``, ``site_id``: pairs excluded; they are removed from the allowed pairs.
``links.csv`` (optional, *extension*)
    ``household_id``, ``group``: households with the same ``group`` label must be placed at the same
    site, or all stay unplaced. A household belongs to at most one group.
``priorities.csv`` (optional, *extension*, used by the ``stable`` mechanism only)
    ``site_id``, ``household_id``, ``rank``: the site's priority order (rank 1 first). Households a
    site does not rank come after those it ranks, in the default order (score, then file order).
    Read with :func:`read_priorities`.

Reading validates everything and collects *all* problems before raising
:class:`~passgenau.engine.matching.model.InstanceError` (at most :data:`MAX_PROBLEMS_PER_KIND` rows
per kind of problem are listed, then a count of the rest). Row numbers are 1-based lines of the
file, the header being line 1.

Parsing is vectorised over the raw bytes with NumPy (line and comma positions, then fixed-width
byte-string columns), so that 10⁶ households with 10⁷ score rows load in seconds; a file that
contains double quotes is read with the :mod:`csv` module instead, which is slower but handles
quoted fields.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..problems import InputProblem
from .model import Instance, InstanceError

__all__ = [
    "MAX_PROBLEMS_PER_KIND",
    "find_file",
    "read_constraints",
    "read_instance",
    "read_priorities",
    "write_instance",
]

MAX_PROBLEMS_PER_KIND = 20

BytesArray = npt.NDArray[np.bytes_]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


# -- low-level table reading ----------------------------------------------------------------------
@dataclass
class _Table:
    file: str  # the name shown in messages, e.g. "scores.csv.gz"
    header: list[str]
    columns: dict[str, BytesArray]  # raw bytes of each field, one entry per data row
    lines: IntArray  # 1-based line number of each data row

    @property
    def n_rows(self) -> int:
        return int(self.lines.shape[0])


class _Problems:
    """Collects problems, listing at most a few rows per kind and counting the rest."""

    def __init__(self) -> None:
        self.items: list[InputProblem] = []

    def add(
        self, file: str, row: int | None, column: str | None, code: str, /, **parameters: Any
    ) -> None:
        self.items.append(InputProblem(file, row, column, code, parameters))

    def add_rows(
        self,
        table: _Table,
        bad: BoolArray,
        column: str | None,
        code: str,
        parameters: Callable[[int], dict[str, Any]] = lambda i: {},
    ) -> None:
        """Report every row of ``table`` where ``bad`` holds; ``parameters(i)`` are row ``i``'s."""
        where = np.flatnonzero(bad)
        for i in where[:MAX_PROBLEMS_PER_KIND]:
            self.add(table.file, int(table.lines[i]), column, code, **parameters(int(i)))
        if len(where) > MAX_PROBLEMS_PER_KIND:
            rest = len(where) - MAX_PROBLEMS_PER_KIND
            self.add(table.file, None, column, "rows.more", count=rest)

    def raise_if_any(self) -> None:
        if self.items:
            raise InstanceError(self.items)


def find_file(directory: Path, stem: str) -> Path | None:
    """``<stem>.csv`` or ``<stem>.csv.gz`` in ``directory``, or None when neither exists."""
    for name in (f"{stem}.csv", f"{stem}.csv.gz"):
        path = directory / name
        if path.is_file():
            return path
    return None


def _read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    if data.startswith(b"\xef\xbb\xbf"):  # a byte-order mark, as spreadsheet programs write
        data = data[3:]
    return data


def _read_table(path: Path, problems: _Problems) -> _Table | None:
    """Read a CSV file into byte-string columns; None (with a problem) when it cannot be used."""
    file = path.name
    try:
        data = _read_bytes(path)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        problems.add(file, None, None, "file.unreadable", detail=str(exc))
        return None
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if not data or data.isspace():
        problems.add(file, None, None, "csv.no_header")
        return None
    first_end = data.find(b"\n")
    header_bytes = data if first_end < 0 else data[:first_end]
    if not data.isascii():  # ASCII is valid UTF-8; only other text needs the full check
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            problems.add(file, line, None, "file.not_utf8")
            return None
    if b'"' in data:
        return _read_table_quoted(file, data, problems)
    header = [name.strip() for name in header_bytes.decode("utf-8").split(",")]
    if not _check_header(file, header, problems):
        return None
    body = np.frombuffer(data, dtype=np.uint8)
    body_start = len(data) if first_end < 0 else first_end + 1
    # Line ends (the last line may lack its newline) and the line number of each line.
    newlines = np.flatnonzero(body == ord("\n"))
    ends = newlines[newlines >= body_start]
    if len(data) > body_start and data[-1:] != b"\n":
        ends = np.append(ends, len(data))
    starts = np.empty_like(ends)
    if len(ends):
        starts[0] = body_start
        starts[1:] = ends[:-1] + 1
    line_numbers = np.arange(2, 2 + len(ends), dtype=np.int64)
    nonblank = ends > starts
    # Blank lines (e.g. at the end of the file) are skipped.
    starts, ends, line_numbers = starts[nonblank], ends[nonblank], line_numbers[nonblank]
    n_cols = len(header)
    commas = np.flatnonzero(body == ord(","))
    commas = commas[commas >= body_start]
    if not _commas_line_up(commas, starts, ends, n_cols):
        comma_line = np.searchsorted(ends, commas)  # index of the (nonblank) line of each comma
        per_line = np.bincount(comma_line, minlength=len(ends))[: len(ends)]
        lines_only = _Table(file, header, {}, line_numbers)
        problems.add_rows(
            lines_only,
            per_line != n_cols - 1,
            None,
            "csv.field_count",
            lambda i: {"expected": n_cols, "found": int(per_line[i]) + 1},
        )
        return None
    # Field j of each line runs from the (j-1)-th comma (or the line start) to the j-th comma
    # (or the line end); taken column by column to keep the temporaries small.
    comma_grid = commas.reshape(len(ends), n_cols - 1)
    columns: dict[str, BytesArray] = {}
    for j, name in enumerate(header):
        field_start = starts if j == 0 else comma_grid[:, j - 1] + 1
        field_end = ends if j == n_cols - 1 else comma_grid[:, j]
        columns[name] = _gather(body, field_start, field_end)
    return _Table(file, header, columns, line_numbers)


def _commas_line_up(commas: IntArray, starts: IntArray, ends: IntArray, n_cols: int) -> bool:
    """Whether every line has exactly ``n_cols - 1`` commas (cheap check without a search)."""
    if len(commas) != (n_cols - 1) * len(ends):
        return False
    if n_cols == 1 or len(ends) == 0:
        return True
    # With the right total, each line has its share when its share lies inside it.
    grid = commas.reshape(len(ends), n_cols - 1)
    return bool(np.all(grid[:, 0] >= starts) and np.all(grid[:, -1] < ends))


def _gather(body: npt.NDArray[np.uint8], starts: IntArray, ends: IntArray) -> BytesArray:
    """Fixed-width byte strings ``body[starts[i]:ends[i]]``, surrounding spaces removed."""
    n = len(starts)
    if n == 0:
        return np.zeros(0, dtype="S1")
    lengths = ends - starts
    width = max(int(lengths.max()), 1)
    out = np.zeros((n, width), dtype=np.uint8)
    last = len(body) - 1
    # One byte position at a time over all rows (ids and numbers are short): measured faster
    # than one fancy index over an (n, width) index array, and it needs no such array.
    # Reused buffers: fresh temporaries of this size cost more in page faults than in work.
    position = np.empty(n, dtype=np.int64)
    column = np.empty(n, dtype=np.uint8)
    beyond = np.empty(n, dtype=bool)
    has_space = False
    for k in range(width):
        np.add(starts, k, out=position)
        np.minimum(position, last, out=position)
        np.take(body, position, out=column)
        np.less_equal(lengths, k, out=beyond)
        column[beyond] = 0
        has_space = has_space or bool(np.any(column == ord(" ")))
        out[:, k] = column
    strings = out.view(f"S{width}").reshape(n)
    if has_space:
        strings = np.char.strip(strings)
    return strings


def _read_table_quoted(file: str, data: bytes, problems: _Problems) -> _Table | None:
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        problems.add(file, None, None, "csv.no_header")
        return None
    if not _check_header(file, header, problems):
        return None
    rows: list[list[str]] = []
    lines: list[int] = []
    ok = True
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != len(header):
                problems.add(
                    file,
                    reader.line_num,
                    None,
                    "csv.field_count",
                    expected=len(header),
                    found=len(row),
                )
                ok = False
                continue
            rows.append([cell.strip() for cell in row])
            lines.append(reader.line_num)
    except csv.Error as exc:
        problems.add(file, reader.line_num, None, "csv.invalid", detail=str(exc))
        return None
    if not ok:
        return None
    columns: dict[str, BytesArray] = {}
    for j, name in enumerate(header):
        values = [row[j].encode("utf-8") for row in rows]
        columns[name] = np.array(values, dtype="S") if values else np.zeros(0, dtype="S1")
    return _Table(file, header, columns, np.array(lines, dtype=np.int64))


def _check_header(file: str, header: list[str], problems: _Problems) -> bool:
    ok = True
    seen: set[str] = set()
    for name in header:
        if not name:
            problems.add(file, 1, None, "csv.empty_column_name")
            ok = False
        elif name in seen:
            problems.add(file, 1, name, "csv.duplicate_column")
            ok = False
        seen.add(name)
    return ok


def _require_columns(table: _Table, names: Iterable[str], problems: _Problems) -> bool:
    missing = [name for name in names if name not in table.columns]
    for name in missing:
        found = ", ".join(table.header)
        problems.add(table.file, 1, name, "csv.missing_column", header=found)
    return not missing


# -- values ---------------------------------------------------------------------------------------
def _decode(value: np.bytes_ | bytes) -> str:
    return bytes(value).decode("utf-8", errors="replace")


def _parse_int(table: _Table, column: str, problems: _Problems, what: str) -> IntArray | None:
    """A column of non-negative integers; None (with problems) where any value is not one."""
    raw = table.columns[column]
    try:
        values = raw.astype(np.int64)
    except (ValueError, OverflowError):
        values = np.zeros(len(raw), dtype=np.int64)
        bad = np.zeros(len(raw), dtype=bool)
        for i, cell in enumerate(raw):
            try:
                values[i] = int(cell)
            except (ValueError, OverflowError):
                bad[i] = True
        problems.add_rows(
            table,
            bad,
            column,
            "number.not_whole",
            lambda i: {"what": what, "value": _decode(raw[i])},
        )
        return None
    negative = values < 0
    if np.any(negative):
        problems.add_rows(
            table,
            negative,
            column,
            "number.negative",
            lambda i: {"what": what, "value": int(values[i])},
        )
        return None
    return values


def _parse_scores(table: _Table, problems: _Problems) -> npt.NDArray[np.float64] | None:
    raw = table.columns["score"]
    try:
        values = raw.astype(np.float64)
    except ValueError:
        values = np.zeros(len(raw), dtype=np.float64)
        bad = np.zeros(len(raw), dtype=bool)
        for i, cell in enumerate(raw):
            try:
                values[i] = float(cell)
            except ValueError:
                bad[i] = True
        problems.add_rows(
            table, bad, "score", "instance.score_not_number", lambda i: {"value": _decode(raw[i])}
        )
        return None
    ok = True
    nan = np.isnan(values)
    if np.any(nan):
        problems.add_rows(table, nan, "score", "instance.score_nan")
        ok = False
    infinite = np.isinf(values)
    if np.any(infinite):
        problems.add_rows(table, infinite, "score", "instance.score_infinite")
        ok = False
    negative = values < 0
    if np.any(negative):
        problems.add_rows(
            table,
            negative,
            "score",
            "number.negative",
            lambda i: {"what": "score", "value": float(values[i])},
        )
        ok = False
    return values if ok else None


@dataclass
class _Ids:
    """External ids and a lookup from their bytes to the index."""

    values: BytesArray  # in file order
    order: IntArray  # argsort of values
    sorted: BytesArray

    @classmethod
    def build(cls, values: BytesArray) -> _Ids:
        order = np.argsort(values, kind="stable").astype(np.int64)
        return cls(values, order, values[order])

    @classmethod
    def from_strings(cls, values: tuple[str, ...]) -> _Ids:
        if not values:
            return cls.build(np.zeros(0, dtype="S1"))
        return cls.build(np.array([v.encode("utf-8") for v in values], dtype="S"))

    def lookup(self, keys: BytesArray) -> IntArray:
        """Index of each key, or -1 when the id is unknown."""
        if len(self.sorted) == 0:
            return np.full(len(keys), -1, dtype=np.int64)
        # Look up each run of equal keys once: a score file usually lists a household's pairs
        # together.
        heads = np.ones(len(keys), dtype=bool)
        if len(keys) > 1:
            heads[1:] = keys[1:] != keys[:-1]
        head_keys = keys[heads]
        # Compare as strings of one width: NumPy pads the shorter type with NULs.
        width = max(self.sorted.dtype.itemsize, head_keys.dtype.itemsize)
        sorted_ = self.sorted.astype(f"S{width}")
        head_keys = head_keys.astype(f"S{width}")
        if width <= 8:
            # Short ids compare fastest as integers (the byte order does not matter for equality).
            sorted_ints = _as_uint64(sorted_)
            order = np.argsort(sorted_ints, kind="stable")
            pos = np.searchsorted(sorted_ints[order], _as_uint64(head_keys))
            pos = order[np.minimum(pos, len(order) - 1)]
        else:
            pos = np.searchsorted(sorted_, head_keys)
            pos = np.minimum(pos, len(sorted_) - 1)
        found = sorted_[pos] == head_keys
        head_index = np.where(found, self.order[pos], -1).astype(np.int64)
        run = np.cumsum(heads) - 1
        return np.asarray(head_index[run], dtype=np.int64)


def _as_uint64(strings: BytesArray) -> npt.NDArray[np.uint64]:
    padded = strings.astype("S8")
    return np.frombuffer(padded.tobytes(), dtype=np.uint64)


def _ids_column(table: _Table, column: str, kind: str, problems: _Problems) -> _Ids | None:
    """Ids of households or sites: non-empty and unique."""
    raw = table.columns[column]
    ok = True
    empty = raw == b""
    if np.any(empty):
        problems.add_rows(table, empty, column, "id.empty", lambda i: {"kind": kind})
        ok = False
    ids = _Ids.build(raw)
    duplicate_sorted = np.zeros(len(raw), dtype=bool)
    if len(raw) > 1:
        duplicate_sorted[1:] = ids.sorted[1:] == ids.sorted[:-1]
    if np.any(duplicate_sorted):
        # Every occurrence after the first (the stable sort keeps file order among equals).
        duplicate = np.zeros(len(raw), dtype=bool)
        duplicate[ids.order[duplicate_sorted]] = True
        problems.add_rows(
            table,
            duplicate & ~empty,
            column,
            "id.duplicate",
            lambda i: {"kind": kind, "id": _decode(raw[i])},
        )
        ok = False
    return ids if ok else None


def _lookup_column(
    table: _Table,
    column: str,
    ids: _Ids,
    kind: str,
    problems: _Problems,
    source: str | None = None,
) -> IntArray | None:
    raw = table.columns[column]
    index = ids.lookup(raw)
    unknown = index < 0
    if np.any(unknown):
        source = source or ("households.csv" if kind == "household" else "sites.csv")
        problems.add_rows(
            table,
            unknown,
            column,
            "id.unknown_in",
            lambda i: {"kind": kind, "id": _decode(raw[i]), "file": source},
        )
        return None
    return index


# -- the instance ---------------------------------------------------------------------------------
def read_instance(path: str | Path) -> Instance:
    """Read and validate a plain instance directory (see the module docstring for the format).

    Raises
    ------
    InstanceError
        With every problem found, each naming the file, the row and the column.
    """
    directory = Path(path)
    problems = _Problems()
    if not directory.is_dir():
        problems.add(str(directory), None, None, "file.not_a_directory")
        problems.raise_if_any()

    tables: dict[str, _Table | None] = {}
    for stem in ("households", "sites", "scores"):
        file = find_file(directory, stem)
        if file is None:
            problems.add(f"{stem}.csv", None, None, "file.missing_or", other=f"{stem}.csv.gz")
            tables[stem] = None
        else:
            tables[stem] = _read_table(file, problems)
    for stem in ("fixed", "forbidden", "links"):
        file = find_file(directory, stem)
        tables[stem] = None if file is None else _read_table(file, problems)

    households, sites, scores = tables["households"], tables["sites"], tables["scores"]
    household_ids = site_ids = None
    dimensions: list[str] = []
    demand = capacity = min_load = None
    site_names: tuple[str, ...] = ()

    if households is not None and _require_columns(households, ["id"], problems):
        household_ids = _ids_column(households, "id", "household", problems)
        dimensions = [c for c in households.header if c != "id"]
        parsed = [_parse_int(households, d, problems, "demand") for d in dimensions]
        if all(p is not None for p in parsed):
            demand = _stack([p for p in parsed if p is not None], households.n_rows)

    if sites is not None and _require_columns(sites, ["id"], problems):
        site_ids = _ids_column(sites, "id", "site", problems)
        site_dims = [c for c in sites.header if c not in ("id", "name") and not _is_min(c)]
        min_columns = [c for c in sites.header if _is_min(c)]
        if households is not None and "id" in households.columns:
            _check_dimensions(households, sites, dimensions, site_dims, min_columns, problems)
        elif not dimensions:
            dimensions = site_dims
        parsed = [
            _parse_int(sites, d, problems, "capacity") if d in sites.columns else None
            for d in dimensions
        ]
        if all(p is not None for p in parsed):
            capacity = _stack([p for p in parsed if p is not None], sites.n_rows)
        min_load = _read_min_load(sites, dimensions, capacity, problems)
        if "name" in sites.columns:
            site_names = tuple(_decode(v) for v in sites.columns["name"])

    # the scores are checked even when the households' or sites' ids are unusable, so that one
    # run names the problems of every file (ids are looked up where they can be)
    pair_h = pair_s = pair_score = None
    if scores is not None and _require_columns(
        scores, ["household_id", "site_id", "score"], problems
    ):
        if household_ids is not None:
            pair_h = _lookup_column(scores, "household_id", household_ids, "household", problems)
        if site_ids is not None:
            pair_s = _lookup_column(scores, "site_id", site_ids, "site", problems)
        pair_score = _parse_scores(scores, problems)
        if pair_h is not None and pair_s is not None and site_ids is not None:
            _check_duplicate_pairs(scores, pair_h, pair_s, len(site_ids.values), problems)

    forbidden_keys = None
    forbidden = tables["forbidden"]
    if forbidden is not None and household_ids is not None and site_ids is not None:
        forbidden_keys = _pair_file(forbidden, household_ids, site_ids, problems)

    # Everything after this needs a consistent instance; stop here if the basics are broken.
    problems.raise_if_any()
    assert household_ids is not None and site_ids is not None
    assert demand is not None and capacity is not None and min_load is not None
    assert pair_h is not None and pair_s is not None and pair_score is not None
    n_s = len(site_ids.values)

    allowed_keys = pair_h * n_s + pair_s
    forbidden_set = np.zeros(0, dtype=np.int64) if forbidden_keys is None else forbidden_keys[0]
    keep = ~np.isin(allowed_keys, forbidden_set)
    pair_h, pair_s, pair_score = pair_h[keep], pair_s[keep], pair_score[keep]
    allowed_sorted = np.sort(pair_h * n_s + pair_s)

    fixed_h = np.zeros(0, dtype=np.int64)
    fixed_s = np.zeros(0, dtype=np.int64)
    fixed = tables["fixed"]
    if fixed is not None:
        result = _read_fixed(
            fixed, household_ids, site_ids, allowed_sorted, forbidden_set, demand, capacity,
            dimensions, problems,
        )  # fmt: skip
        if result is not None:
            fixed_h, fixed_s = result

    links: list[tuple[int, ...]] = []
    links_table = tables["links"]
    if links_table is not None:
        links = _read_links(
            links_table, household_ids, fixed_h, fixed_s, allowed_sorted, n_s, problems
        )

    problems.raise_if_any()
    return Instance(
        household_ids=tuple(_decode(v) for v in household_ids.values),
        site_ids=tuple(_decode(v) for v in site_ids.values),
        dimensions=tuple(dimensions),
        demand=demand,
        capacity=capacity,
        pair_household=pair_h.astype(np.int32),
        pair_site=pair_s.astype(np.int32),
        pair_score=pair_score,
        min_load=min_load,
        fixed_household=fixed_h.astype(np.int32),
        fixed_site=fixed_s.astype(np.int32),
        links=tuple(links),
        site_names=site_names,
    )


def _is_min(column: str) -> bool:
    return column.startswith("min_")


def _stack(columns: list[IntArray], n_rows: int) -> IntArray:
    if not columns:
        return np.zeros((n_rows, 0), dtype=np.int64)
    return np.stack(columns, axis=1)


def _check_dimensions(
    households: _Table,
    sites: _Table,
    dimensions: list[str],
    site_dims: list[str],
    min_columns: list[str],
    problems: _Problems,
) -> None:
    for d in dimensions:
        if d not in site_dims:
            problems.add(
                sites.file, 1, d, "instance.no_capacity_column", dimension=d, file=households.file
            )
    for d in site_dims:
        if d not in dimensions:
            problems.add(
                households.file,
                1,
                d,
                "instance.no_demand_column",
                dimension=d,
                file=sites.file,
            )
    for c in min_columns:
        if c[4:] not in dimensions:
            problems.add(sites.file, 1, c, "instance.min_unknown_dimension", dimension=c[4:])
    if not dimensions and not site_dims:
        problems.add(households.file, 1, None, "instance.no_dimension")


def _read_min_load(
    sites: _Table, dimensions: list[str], capacity: IntArray | None, problems: _Problems
) -> IntArray | None:
    min_load = np.zeros((sites.n_rows, len(dimensions)), dtype=np.int64)
    ok = True
    for j, d in enumerate(dimensions):
        column = f"min_{d}"
        if column not in sites.columns:
            continue
        values = _parse_int(sites, column, problems, "minimum load")
        if values is None:
            ok = False
            continue
        min_load[:, j] = values
        if capacity is not None:
            above = values > capacity[:, j]
            if np.any(above):
                caps = capacity[:, j]

                def loads(i: int, v: IntArray = values, c: IntArray = caps) -> dict[str, Any]:
                    return {"minimum": int(v[i]), "capacity": int(c[i])}

                problems.add_rows(sites, above, column, "instance.min_above_capacity", loads)
                ok = False
    return min_load if ok else None


def _repeated(keys: IntArray) -> npt.NDArray[np.bool_]:
    """True at each row whose key an earlier row has already."""
    order = np.argsort(keys, kind="stable")
    repeated = np.zeros(len(keys), dtype=bool)
    if len(keys) > 1:
        repeated[order[1:]] = keys[order[1:]] == keys[order[:-1]]
    return repeated


def _check_duplicate_pairs(
    scores: _Table, pair_h: IntArray, pair_s: IntArray, n_s: int, problems: _Problems
) -> None:
    keys = pair_h * n_s + pair_s
    repeat = _repeated(keys)
    if np.any(repeat):
        h_raw, s_raw = scores.columns["household_id"], scores.columns["site_id"]
        problems.add_rows(
            scores,
            repeat,
            "site_id",
            "instance.duplicate_pair",
            lambda i: {"household": _decode(h_raw[i]), "site": _decode(s_raw[i])},
        )


def _pair_file(
    table: _Table,
    household_ids: _Ids,
    site_ids: _Ids,
    problems: _Problems,
    sources: tuple[str | None, str | None] = (None, None),
) -> tuple[IntArray, IntArray, IntArray] | None:
    """Sorted pair keys, and household and site index per row, of a two-column pair file."""
    if not _require_columns(table, ["household_id", "site_id"], problems):
        return None
    h = _lookup_column(table, "household_id", household_ids, "household", problems, sources[0])
    s = _lookup_column(table, "site_id", site_ids, "site", problems, sources[1])
    if h is None or s is None:
        return None
    return np.sort(h * len(site_ids.values) + s), h, s


def _read_fixed(
    table: _Table,
    household_ids: _Ids,
    site_ids: _Ids,
    allowed_sorted: IntArray,
    forbidden_sorted: IntArray,
    demand: IntArray,
    capacity: IntArray,
    dimensions: list[str],
    problems: _Problems,
) -> tuple[IntArray, IntArray] | None:
    parsed = _pair_file(table, household_ids, site_ids, problems)
    if parsed is None:
        return None
    _, h, s = parsed
    n_s = len(site_ids.values)
    keys = h * n_s + s
    h_raw, s_raw = table.columns["household_id"], table.columns["site_id"]
    ok = True

    def pair(i: int) -> dict[str, Any]:
        return {"household": _decode(h_raw[i]), "site": _decode(s_raw[i])}

    is_forbidden = np.isin(keys, forbidden_sorted)
    if np.any(is_forbidden):
        problems.add_rows(
            table,
            is_forbidden,
            "site_id",
            "instance.fixed_forbidden",
            pair,
        )
        ok = False
    not_allowed = ~np.isin(keys, allowed_sorted) & ~is_forbidden
    if np.any(not_allowed):
        problems.add_rows(
            table,
            not_allowed,
            "site_id",
            "instance.fixed_not_allowed",
            pair,
        )
        ok = False
    order = np.argsort(h, kind="stable")
    twice = np.zeros(len(h), dtype=bool)
    if len(h) > 1:
        twice[order[1:]] = h[order[1:]] == h[order[:-1]]
    if np.any(twice):
        problems.add_rows(
            table,
            twice,
            "household_id",
            "instance.fixed_twice",
            lambda i: {"household": _decode(h_raw[i])},
        )
        ok = False
    if not ok:
        return None
    # The fixed households together must fit every capacity; name the row where a site overflows.
    load = np.zeros_like(capacity)
    overflowing: set[tuple[int, int]] = set()
    for i in range(len(h)):
        load[s[i]] += demand[h[i]]
        for d in np.flatnonzero(load[s[i]] > capacity[s[i]]):
            if (int(s[i]), int(d)) in overflowing:
                continue
            overflowing.add((int(s[i]), int(d)))
            problems.add(
                table.file,
                int(table.lines[i]),
                "site_id",
                "instance.fixed_over_capacity",
                site=_decode(s_raw[i]),
                dimension=dimensions[d],
                capacity=int(capacity[s[i], d]),
            )
    if overflowing:
        return None
    return h, s


def _read_links(
    table: _Table,
    household_ids: _Ids,
    fixed_h: IntArray,
    fixed_s: IntArray,
    allowed_sorted: IntArray,
    n_s: int,
    problems: _Problems,
    source: str | None = None,
) -> list[tuple[int, ...]]:
    if not _require_columns(table, ["household_id", "group"], problems):
        return []
    h = _lookup_column(table, "household_id", household_ids, "household", problems, source)
    if h is None:
        return []
    labels = table.columns["group"]
    h_raw = table.columns["household_id"]
    groups: dict[bytes, list[int]] = {}
    group_of: dict[int, bytes] = {}
    for i in range(len(h)):
        hh, label = int(h[i]), bytes(labels[i])
        if not label:
            problems.add(table.file, int(table.lines[i]), "group", "instance.group_empty")
            continue
        if hh in group_of:
            if group_of[hh] != label:
                problems.add(
                    table.file,
                    int(table.lines[i]),
                    "household_id",
                    "instance.group_twice",
                    household=_decode(h_raw[i]),
                )
            continue
        group_of[hh] = label
        groups.setdefault(label, []).append(hh)
    fixed_at = dict(zip(fixed_h.tolist(), fixed_s.tolist(), strict=True))
    line_of = {int(h[i]): int(table.lines[i]) for i in range(len(h))}
    out: list[tuple[int, ...]] = []
    for label, members in groups.items():
        if len(members) < 2:
            continue
        sites = {fixed_at[m] for m in members if m in fixed_at}
        if len(sites) > 1:
            problems.add(
                table.file,
                line_of[members[-1]],
                "group",
                "instance.group_split",
                group=_decode(label),
            )
        elif sites:
            (site,) = sites
            for m in members:
                if not np.isin(m * n_s + site, allowed_sorted):
                    problems.add(
                        table.file,
                        line_of[m],
                        "household_id",
                        "instance.link_not_allowed",
                        household=_decode(household_ids.values[m]),
                    )
        out.append(tuple(sorted(members)))
    return out


def read_constraints(
    household_ids: tuple[str, ...],
    site_ids: tuple[str, ...],
    *,
    fixed: str | Path | None = None,
    forbidden: str | Path | None = None,
    links: str | Path | None = None,
    sources: tuple[str, str] = ("households.csv", "sites.csv"),
) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, ...]]]:
    """Fixed placements, forbidden pairs and linked groups by id, from files in the format of
    ``fixed.csv``, ``forbidden.csv`` (``household_id``, ``site_id``) and ``links.csv``
    (``household_id``, ``group``) of a plain instance, for households and sites given by id
    (``sources`` names where those come from, in messages).

    Raises :class:`~.model.InstanceError` with every problem (file, row, column): a missing column,
    an unknown id, an empty group label, a household in two groups.
    """
    problems = _Problems()
    h_ids, s_ids = _Ids.from_strings(household_ids), _Ids.from_strings(site_ids)
    pairs: list[list[tuple[str, str]]] = []
    for path in (fixed, forbidden):
        table = None if path is None else _read_table(Path(path), problems)
        parsed = None if table is None else _pair_file(table, h_ids, s_ids, problems, sources)
        if parsed is None:
            pairs.append([])
            continue
        _, h, s = parsed
        pairs.append([(household_ids[a], site_ids[b]) for a, b in zip(h, s, strict=True)])
    groups: list[tuple[str, ...]] = []
    table = None if links is None else _read_table(Path(links), problems)
    if table is not None:
        n_s = max(len(site_ids), 1)
        none = np.zeros(0, dtype=np.int64)
        members = _read_links(table, h_ids, none, none, none, n_s, problems, sources[0])
        groups = [tuple(household_ids[m] for m in group) for group in members]
    problems.raise_if_any()
    return pairs[0], pairs[1], groups


def read_priorities(path: str | Path, instance: Instance) -> IntArray | None:
    """The sites' priority ranks from ``priorities.csv(.gz)``, one per allowed pair, or None.

    The result is aligned with ``instance.pair_*``: a lower value is a higher priority; pairs the
    file does not rank get a value after every ranked one. Raises InstanceError on bad input.
    """
    file = find_file(Path(path), "priorities")
    if file is None:
        return None
    problems = _Problems()
    table = _read_table(file, problems)
    problems.raise_if_any()
    assert table is not None
    if not _require_columns(table, ["site_id", "household_id", "rank"], problems):
        problems.raise_if_any()
    h_ids = _Ids.from_strings(instance.household_ids)
    s_ids = _Ids.from_strings(instance.site_ids)
    h = _lookup_column(table, "household_id", h_ids, "household", problems)
    s = _lookup_column(table, "site_id", s_ids, "site", problems)
    rank = _parse_int(table, "rank", problems, "rank")
    problems.raise_if_any()
    assert h is not None and s is not None and rank is not None
    n_s = instance.n_sites
    pair_keys = instance.pair_household.astype(np.int64) * n_s + instance.pair_site
    keys = h * n_s + s
    twice = _repeated(keys)
    if np.any(twice):
        h_raw = table.columns["household_id"]
        problems.add_rows(
            table,
            twice,
            "household_id",
            "instance.ranked_twice",
            lambda i: {"household": _decode(h_raw[i])},
        )
        problems.raise_if_any()
    pos = np.searchsorted(pair_keys, keys)
    pos = np.minimum(pos, max(len(pair_keys) - 1, 0))
    found = (pair_keys[pos] == keys) if len(pair_keys) else np.zeros(len(keys), dtype=bool)
    # Ranks of pairs that are not allowed do not matter; they are ignored.
    unranked = int(rank.max()) + 1 if len(rank) else 1
    out = np.full(instance.n_pairs, unranked, dtype=np.int64)
    out[pos[found]] = rank[found]
    return out


# -- writing --------------------------------------------------------------------------------------
def write_instance(instance: Instance, path: str | Path, *, compress: bool = False) -> None:
    """Write ``instance`` as a plain instance directory (created if needed).

    Writes ``households``, ``sites`` (with ``name`` and, where any minimum is set, ``min_<dim>``
    columns), ``scores`` and, where there are any, ``fixed`` and ``links``; as ``.csv.gz`` when
    ``compress``. Scores are written with ``repr`` so that reading them back gives the same floats.
    """
    directory = Path(path)
    directory.mkdir(parents=True, exist_ok=True)
    suffix = ".csv.gz" if compress else ".csv"
    # Files of an earlier instance in the same directory would be read together with this one.
    for stem in ("households", "sites", "scores", "fixed", "forbidden", "links", "priorities"):
        for ext in (".csv", ".csv.gz"):
            (directory / f"{stem}{ext}").unlink(missing_ok=True)

    def write(stem: str, header: list[str], rows: Iterable[Iterable[object]]) -> None:
        target = directory / f"{stem}{suffix}"
        raw = gzip.open(target, "wb", compresslevel=5) if compress else open(target, "wb")  # noqa: SIM115
        with io.TextIOWrapper(raw, "utf-8", newline="") as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)

    dims = list(instance.dimensions)
    write(
        "households",
        ["id", *dims],
        (
            (hid, *row)
            for hid, row in zip(instance.household_ids, instance.demand.tolist(), strict=True)
        ),
    )
    assert instance.min_load is not None
    min_dims = [j for j in range(len(dims)) if np.any(instance.min_load[:, j])]
    min_load = instance.min_load[:, min_dims].tolist()
    write(
        "sites",
        ["id", "name", *dims, *(f"min_{dims[j]}" for j in min_dims)],
        (
            (sid, name, *cap, *mins)
            for sid, name, cap, mins in zip(
                instance.site_ids,
                instance.site_names,
                instance.capacity.tolist(),
                min_load,
                strict=True,
            )
        ),
    )
    hids, sids = instance.household_ids, instance.site_ids
    write(
        "scores",
        ["household_id", "site_id", "score"],
        (
            (hids[h], sids[s], _float_text(x))
            for h, s, x in zip(
                instance.pair_household.tolist(),
                instance.pair_site.tolist(),
                instance.pair_score.tolist(),
                strict=True,
            )
        ),
    )
    assert instance.fixed_household is not None and instance.fixed_site is not None
    if len(instance.fixed_household):
        write(
            "fixed",
            ["household_id", "site_id"],
            (
                (hids[h], sids[s])
                for h, s in zip(
                    instance.fixed_household.tolist(), instance.fixed_site.tolist(), strict=True
                )
            ),
        )
    if instance.links:
        write(
            "links",
            ["household_id", "group"],
            ((hids[h], f"g{k + 1}") for k, group in enumerate(instance.links) for h in group),
        )


def _float_text(value: float) -> str:
    if value == int(value) and math.isfinite(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)
