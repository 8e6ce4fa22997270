"""Every mechanism on every instance of the family (``bench/family.py``), against an exact LP bound.

For each (instance, mechanism) a subprocess solves (so that peak memory can be read per run,
``os.wait4``) and stores the placement; then ``bench/lp_bound.py`` computes, independently of
the engine, the LP bound for placements placing at least as many persons as this one (cached per
instance and persons level in ``bench/out/cache/family``), the LP without that row, an LP bound
on persons and the trivial bound (the sum of each household's best score). Prints ONE markdown
table and writes it to ``bench/out/family-<time>.md``.

Columns: persons placed, their difference to greedy's, the LP bound on persons; the score, the
LP bound at the placement's persons and the gap to it; the mechanism's own bound, its distance to
that LP bound (positive: weaker) and whether it exceeds the trivial bound; CPU seconds and peak
memory of the solving subprocess (instance loading included). For ``stable`` the last column is
the price of stability against the lexicographically better of ``optimal`` (where run) and
``scalable``: score lost and persons lost.

    python bench/family_run.py --quick                       # a few minutes on 2 cores
    python bench/family_run.py                               # the full grid (hours)
    python bench/family_run.py --only f-1k-20s-3d-a25-c103-mixed-unif --mechanisms scalable
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

import family  # noqa: E402
import lp_bound  # noqa: E402

MECHANISMS = ("scalable", "optimal", "stable", "greedy")
OPTIMAL_MAX_HOUSEHOLDS = 2000
TIME_LIMIT = {"optimal": 60.0, "stable": 120.0, "scalable": None, "greedy": None}
LP_SECONDS = 900.0  # per LP; a bound that did not converge is still valid, and marked


def worker(name: str, mechanism: str, out: Path) -> None:
    from passgenau.engine.matching.mechanisms import solve
    from passgenau.engine.matching.model import SolveOptions
    from run import _check

    instance = family.load(name)
    started = time.perf_counter()
    result = solve(instance, mechanism, SolveOptions(time_limit=TIME_LIMIT[mechanism], seed=0))
    seconds = time.perf_counter() - started
    problems = _check(instance, result.assignment)
    np.save(out.with_suffix(".npy"), np.asarray(result.assignment))
    row = {
        "status": result.status + (" INFEASIBLE OUTPUT" if problems else ""),
        "objective": result.objective,
        "bound": result.bound,
        "persons": result.placed_persons,
        "seconds": seconds,
        "blocking": result.blocking_pairs,
        "peak_mb": _own_peak_mb(),
    }
    out.write_text(json.dumps(row))


def _own_peak_mb() -> float | None:
    """This process's peak resident memory since it started (VmHWM belongs to the process image,
    unlike ``ru_maxrss`` of a child, which starts at the parent's size at the fork)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def run_one(name: str, mechanism: str) -> tuple[dict, np.ndarray | None]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [sys.executable, __file__, "--worker", name, mechanism, str(out)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    try:
        row = json.loads(out.read_text() or "{}")
    except json.JSONDecodeError:
        row = {}
    assignment = None
    if out.with_suffix(".npy").exists():
        assignment = np.load(out.with_suffix(".npy"))
        out.with_suffix(".npy").unlink()
    out.unlink(missing_ok=True)
    if not row:
        row = {"status": f"failed (exit {os.waitstatus_to_exitcode(status)})"}
    if row.get("peak_mb") is None:
        row["peak_mb"] = usage.ru_maxrss / 1024  # may include the parent's size at the fork
    row["cpu"] = usage.ru_utime + usage.ru_stime
    return row, assignment


class Bounds:
    """LP bounds of one instance, cached on disk per persons level."""

    def __init__(self, name: str, instance) -> None:  # type: ignore[no-untyped-def]
        self.instance = instance
        self.path = family.CACHE / f"{name}.lp.json"
        self.data: dict = json.loads(self.path.read_text()) if self.path.exists() else {}

    def _store(self, key: str, b: lp_bound.LPBound) -> dict:
        entry = {
            "value": b.value if b.feasible else None,
            "converged": b.converged,
            "seconds": b.seconds,
        }
        self.data[key] = entry
        family.CACHE.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.data, indent=1))
        return entry

    def get(self, key: str, compute) -> dict:  # type: ignore[no-untyped-def]
        if key not in self.data:
            self._store(key, compute())
        return self.data[key]

    def trivial(self) -> float:
        return lp_bound.trivial_bound(self.instance)

    def persons(self) -> dict:
        return self.get("persons", lambda: lp_bound.persons_bound(self.instance, LP_SECONDS))

    def score(self, persons: int | None, start: np.ndarray | None = None) -> dict:
        key = "score" if persons is None else f"score>={persons}"
        return self.get(
            key,
            lambda: lp_bound.lp_bound(self.instance, persons, start=start, time_limit=LP_SECONDS),
        )


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f} %"


def _f(value: object, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def table(results: list[tuple[str, str, dict]], info: dict[str, dict]) -> str:
    head = (
        "| instance | mechanism | persons | vs greedy | LP persons | score | LP bound | gap | "
        "own bound | own vs LP | > trivial | CPU s | peak MB | status | price of stability |"
    )
    lines = [head, "|" + "---|" * 15]
    for name, mech, r in results:
        i = info[name]
        greedy = i["persons_of"].get("greedy")
        lp = r.get("lp")
        obj, own = r.get("objective"), r.get("bound")
        gap = None if lp is None or obj is None else 100 * (lp - obj) / max(abs(lp), 1e-9)
        own_vs = None if lp is None or own is None else 100 * (own - lp) / max(abs(lp), 1e-9)
        above = "" if own is None else ("**yes**" if own > i["trivial"] * (1 + 1e-9) else "no")
        persons = r.get("persons")
        diff = None if persons is None or greedy is None else persons - greedy
        lp_mark = "" if r.get("lp_converged", True) else " (nc)"
        lines.append(
            f"| {name} | {mech} | {_f(persons, 'd')} | {_f(diff, '+d')} "
            f"| {_f(i['persons_lp'], '.1f')} | {_f(obj, '.2f')} | {_f(lp, '.2f')}{lp_mark} "
            f"| {_pct(gap)} | {_f(own, '.2f')} | {_pct(own_vs)} | {above} "
            f"| {_f(r.get('cpu'), '.1f')} | {_f(r.get('peak_mb'), '.0f')} | {r.get('status', '')} "
            f"| {r.get('pos', '')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the quick subset (bench/family.py)")
    parser.add_argument("--only", nargs="*", help="instance names")
    parser.add_argument("--mechanisms", help="comma-separated subset of " + ",".join(MECHANISMS))
    parser.add_argument("--no-lp", action="store_true", help="skip the LP bounds")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker[0], args.worker[1], Path(args.worker[2]))
        return 0
    names = args.only or (family.QUICK if args.quick else family.FULL)
    wanted = args.mechanisms.split(",") if args.mechanisms else list(MECHANISMS)
    if "greedy" not in wanted:
        wanted.append("greedy")  # the persons baseline
    results: list[tuple[str, str, dict]] = []
    info: dict[str, dict] = {}
    for name in names:
        instance = family.load(name)  # builds the cache outside the timed runs
        bounds = Bounds(name, instance)
        i = info[name] = {"persons_of": {}, "trivial": bounds.trivial(), "persons_lp": None}
        if not args.no_lp:
            i["persons_lp"] = bounds.persons()["value"]
        rows: dict[str, dict] = {}
        for mech in MECHANISMS:
            if mech not in wanted:
                continue
            if mech == "optimal" and instance.n_households > OPTIMAL_MAX_HOUSEHOLDS:
                continue
            row, assignment = run_one(name, mech)
            if row.get("persons") is not None:
                i["persons_of"][mech] = row["persons"]
                if not args.no_lp:
                    lp = bounds.score(int(row["persons"]), assignment)
                    row["lp"], row["lp_converged"] = lp["value"], lp["converged"]
            rows[mech] = row
            print(f"{name:40} {mech:9} {row}", file=sys.stderr, flush=True)
        # the reference: the lexicographically better of optimal and scalable
        refs = [rows[m] for m in ("optimal", "scalable") if rows.get(m, {}).get("objective")]
        ref = max(refs, key=lambda r: (r["persons"], r["objective"])) if refs else None
        stable = rows.get("stable")
        if stable and ref and stable.get("objective") is not None and ref.get("objective"):
            lost = 100 * (ref["objective"] - stable["objective"]) / max(abs(ref["objective"]), 1e-9)
            stable["pos"] = (
                f"score {lost:.2f} %, persons {stable['persons'] - ref['persons']:+d} "
                f"(blocking pairs: {stable.get('blocking')})"
            )
        results += [(name, mech, row) for mech, row in rows.items()]
    header = (
        f"Family benchmark {time.strftime('%Y-%m-%d %H:%M:%S')} on {os.cpu_count()} cores "
        f"(load average {os.getloadavg()[0]:.1f} at the end). gap = (LP - score) / LP with LP "
        "the exact LP bound for placements placing at least as many persons (bench/lp_bound.py); "
        "own vs LP = (own bound - LP) / LP; > trivial: own bound above the sum of each household's "
        "best score; (nc): the LP bound did not converge (still valid).\n\n"
    )
    text = header + table(results, info)
    print(text)
    OUT.mkdir(exist_ok=True)
    (OUT / f"family-{time.strftime('%Y%m%d-%H%M%S')}.md").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
