"""``passgenau directory duplicates PATH [--json]``: likely duplicate offers in an HSDS folder or
JSON file, without a database. ``--json`` prints ``[{"a", "b", "score", "reasons"}]``; otherwise a
table. Exit codes: 0 success, 2 bad input (one line per problem, naming file, row and field)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

from .directory import DUPLICATE_THRESHOLD, find_duplicates, offer_records_from_hsds
from .hsds import HsdsError, read_hsds

__all__ = ["duplicates_run"]


def duplicates_run(
    path: Path,
    *,
    as_json: bool = False,
    threshold: float = DUPLICATE_THRESHOLD,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        dataset = read_hsds(path)
    except HsdsError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=err)
        return 2
    records = offer_records_from_hsds(dataset)
    pairs = find_duplicates(records, threshold=threshold)
    if as_json:
        json.dump([p.as_dict() for p in pairs], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    names = {r.id: r.name for r in records}
    print(f"{len(records)} offers, {len(pairs)} likely duplicate pairs", file=out)
    for pair in pairs:
        print(
            f"{pair.score:.2f}  {names[pair.a]} [{pair.a}]  ~  {names[pair.b]} [{pair.b}]  "
            f"({', '.join(pair.reasons)})",
            file=out,
        )
    return 0
