"""Benchmark of the matching mechanisms against off-the-shelf solvers: what ``make bench`` runs.

Every (instance, solver) runs in its own subprocess, so that peak memory can be read per run
(``os.wait4``) and so that HiGHS and OR-Tools never share a process. Instances are built once and
cached as ``.npz`` in ``bench/out/cache`` (git-ignored). Prints ONE table and writes it to
``bench/out/bench-<time>.md``.

    python bench/run.py                 # everything (takes a while)
    python bench/run.py --quick         # HIAS FY17 and the pilot cohort only
    python bench/run.py --only pilot-500x20x5 --solvers optimal,highs
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
CACHE = OUT / "cache"
sys.path.insert(0, str(HERE))

SOLVERS = ("optimal", "scalable", "stable", "greedy", "highs", "cpsat")
OURS = ("optimal", "scalable")
OFF_THE_SHELF = ("highs", "cpsat")

# which solvers run on which instance, with a time limit in seconds (None: none)
PLAN: dict[str, dict[str, float | None]] = {
    "hias-fy17": {s: 120.0 for s in SOLVERS},
    "pilot-500x20x5": {s: 120.0 for s in SOLVERS},
    "10k x 400": {
        "optimal": 120.0,
        "scalable": None,
        "stable": None,
        "greedy": None,
        "highs": 120.0,
        "cpsat": 120.0,
    },
    "100k x 400 x 5": {
        "scalable": None,
        "stable": None,
        "greedy": None,
        "highs": 120.0,
        "cpsat": 120.0,
    },
    "1M x 400": {"scalable": None, "greedy": None},
}


# -- instances ---------------------------------------------------------------------------------
def _cache_path(name: str) -> Path:
    return CACHE / (name.replace(" ", "_") + ".npz")


def load_instance(name: str):  # type: ignore[no-untyped-def]
    """The instance ``name``, from the cache when it is there (synthetic ones only)."""
    import instances
    from passgenau.engine.matching.model import Instance

    builder = instances.INSTANCES[name][0]
    if name == "hias-fy17":
        return builder()
    path = _cache_path(name)
    if path.exists():
        data = np.load(path)
        n_h, n_s = int(data["demand"].shape[0]), int(data["capacity"].shape[0])
        return Instance(
            household_ids=tuple(f"h{i}" for i in range(n_h)),
            site_ids=tuple(f"s{i}" for i in range(n_s)),
            dimensions=tuple(str(d) for d in data["dimensions"]),
            demand=data["demand"],
            capacity=data["capacity"],
            pair_household=data["pair_household"],
            pair_site=data["pair_site"],
            pair_score=data["pair_score"],
        )
    instance = builder()
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(
        path,
        dimensions=np.array(instance.dimensions),
        demand=instance.demand,
        capacity=instance.capacity,
        pair_household=instance.pair_household,
        pair_site=instance.pair_site,
        pair_score=instance.pair_score,
    )
    return instance


# -- off-the-shelf solvers, each written plainly with default settings --------------------------
def run_highs(instance, time_limit: float | None) -> dict:  # type: ignore[no-untyped-def]
    """HiGHS MIP via scipy.optimize.milp, default settings, lexicographic in two phases."""
    import scipy.sparse as sp
    from scipy.optimize import LinearConstraint, milp

    n_p = instance.n_pairs
    cols = np.arange(n_p)
    ph, ps = instance.pair_household, instance.pair_site
    blocks = [sp.csr_matrix((np.ones(n_p), (ph, cols)), shape=(instance.n_households, n_p))]
    blocks += [
        sp.csr_matrix((instance.demand[ph, d], (ps, cols)), shape=(instance.n_sites, n_p))
        for d in range(len(instance.dimensions))
    ]
    a = sp.vstack(blocks, format="csr")
    upper = np.concatenate([np.ones(instance.n_households), instance.capacity.T.ravel()])
    persons = instance.persons[ph].astype(float)
    started = time.perf_counter()

    def options() -> dict:
        left = None if time_limit is None else max(time_limit - (time.perf_counter() - started), 1)
        return {} if left is None else {"time_limit": left}

    first = milp(
        -persons,
        constraints=LinearConstraint(a, -np.inf, upper),
        integrality=1,
        bounds=(0, 1),
        options=options(),
    )
    if first.x is None:
        return {"status": "no solution", "objective": None, "bound": None}
    most = round(float(persons @ np.round(first.x)))
    second = milp(
        -instance.pair_score,
        constraints=[
            LinearConstraint(a, -np.inf, upper),
            LinearConstraint(persons[None, :], most - 0.5, np.inf),
        ],
        integrality=1,
        bounds=(0, 1),
        options=options(),
    )
    x = np.round(first.x if second.x is None else second.x)
    proven_persons = first.status == 0
    status = "optimal" if (second.status == 0 and proven_persons) else "time_limit"
    bound = -float(second.mip_dual_bound) if second.mip_dual_bound is not None else None
    return {
        "status": status,
        "objective": float(instance.pair_score @ x),
        "bound": bound if proven_persons else None,
        "persons": int(persons @ x),
    }


def run_cpsat(instance, time_limit: float | None) -> dict:  # type: ignore[no-untyped-def]
    """OR-Tools CP-SAT, lexicographic through a weight on persons, scores scaled to 1e-4."""
    from ortools.sat.python import cp_model

    scale = 10_000
    ph, ps = instance.pair_household, instance.pair_site
    scores = np.rint(instance.pair_score * scale).astype(np.int64)
    persons = instance.persons[ph].astype(np.int64)
    weight = int(scores.sum()) + 1
    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in range(instance.n_pairs)]
    order = np.argsort(ph, kind="stable")
    bounds_h = np.searchsorted(ph[order], np.arange(instance.n_households + 1))
    for h in range(instance.n_households):
        members = order[bounds_h[h] : bounds_h[h + 1]]
        if len(members) > 1:
            model.add_at_most_one(x[p] for p in members)
    by_site = np.argsort(ps, kind="stable")
    bounds_s = np.searchsorted(ps[by_site], np.arange(instance.n_sites + 1))
    for s in range(instance.n_sites):
        members = by_site[bounds_s[s] : bounds_s[s + 1]]
        for d in range(len(instance.dimensions)):
            coef = instance.demand[ph[members], d]
            model.add(
                cp_model.LinearExpr.weighted_sum([x[p] for p in members], coef.tolist())
                <= int(instance.capacity[s, d])
            )
    model.maximize(cp_model.LinearExpr.weighted_sum(x, (weight * persons + scores).tolist()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 0
    if time_limit is not None:
        solver.parameters.max_time_in_seconds = time_limit
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {"status": "no solution", "objective": None, "bound": None}
    chosen = np.array([solver.boolean_value(v) for v in x], dtype=bool)
    placed = int(persons[chosen].sum())
    # a bound on the score of placements with at least as many persons as this one
    bound = (solver.best_objective_bound - weight * placed) / scale
    return {
        "status": "optimal" if status == cp_model.OPTIMAL else "time_limit",
        "objective": float(instance.pair_score[chosen].sum()),
        "bound": float(bound),
        "persons": placed,
    }


def _check(instance, assignment: np.ndarray) -> list[str]:  # type: ignore[no-untyped-def]
    """Vectorised feasibility check (allowed pairs, capacities, minimum loads, fixed pairs, links);
    ``solution.violations`` checks pairs one by one, which is too slow at 10^5 households."""
    problems = []
    placed = np.flatnonzero(assignment >= 0)
    n_s = instance.n_sites
    keys = instance.pair_household.astype(np.int64) * n_s + instance.pair_site
    wanted = placed.astype(np.int64) * n_s + assignment[placed]
    found = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    if len(placed) and not np.all(keys[found] == wanted):
        problems.append("a placement uses a pair that is not allowed")
    load = np.zeros_like(instance.capacity)
    np.add.at(load, assignment[placed], instance.demand[placed])
    if np.any(load > instance.capacity):
        problems.append("a capacity is exceeded")
    if np.any(load < instance.min_load):
        problems.append("a minimum load is missed")
    if np.any(assignment[instance.fixed_household] != instance.fixed_site):
        problems.append("a fixed pair is not kept")
    if any(len({int(assignment[h]) for h in group}) > 1 for group in instance.links):
        problems.append("linked households are apart")
    return problems


def worker(name: str, solver: str, time_limit: float | None, out: Path) -> None:
    """Run one solver on one instance and write a JSON line to ``out``."""
    if solver == "cpsat":
        import ortools.sat.python.cp_model  # noqa: F401  (before anything that loads HiGHS)
    instance = load_instance(name)
    if instance is None:
        out.write_text(json.dumps({"status": "skipped (no data)"}))
        return
    started = time.perf_counter()
    if solver in ("highs", "cpsat"):
        row = (run_highs if solver == "highs" else run_cpsat)(instance, time_limit)
    else:
        from passgenau.engine.matching.mechanisms import solve
        from passgenau.engine.matching.model import SolveOptions

        result = solve(instance, solver, SolveOptions(time_limit=time_limit, seed=0))
        problems = _check(instance, result.assignment)
        row = {
            "status": result.status + (" INFEASIBLE OUTPUT" if problems else ""),
            "objective": result.objective,
            "bound": result.bound,
            "persons": result.placed_persons,
        }
    row["seconds"] = time.perf_counter() - started
    row["pairs"] = instance.n_pairs
    out.write_text(json.dumps(row))


def run_one(name: str, solver: str, time_limit: float | None) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [sys.executable, __file__, "--worker", name, solver, str(time_limit), str(out)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = status
    try:
        row = json.loads(out.read_text() or "{}")
    except json.JSONDecodeError:
        row = {}
    out.unlink(missing_ok=True)
    if not row:
        row = {"status": f"failed (exit {os.waitstatus_to_exitcode(status)})"}
    row["peak_mb"] = usage.ru_maxrss / 1024  # kilobytes on Linux
    # CPU time of the whole worker (instance loading included): the machine may be shared, and
    # CPU time is what load does not inflate
    row["cpu"] = usage.ru_utime + usage.ru_stime
    return row


def _fmt(value: object, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def table(rows: list[tuple[str, str, dict]]) -> str:
    head = (
        "| instance | mechanism | seconds | CPU s | peak MB | persons | objective | bound | gap "
        "| status | ours/HiGHS (wall / CPU) | ours/CP-SAT (wall / CPU) |"
    )
    lines = [head, "|" + "---|" * 12]
    seconds = {(i, s): r.get("seconds") for i, s, r in rows}
    cpu = {(i, s): r.get("cpu") for i, s, r in rows}
    for inst, solver, r in rows:
        obj, bound = r.get("objective"), r.get("bound")
        gap = None
        if obj is not None and bound is not None:
            gap = 100 * max(0.0, bound - obj) / max(abs(bound), 1e-9)
        ratios = []
        for other in OFF_THE_SHELF:
            text = []
            for key, store in (("seconds", seconds), ("cpu", cpu)):
                mine, theirs = r.get(key), store.get((inst, other))
                if solver in OURS and mine is not None and theirs:
                    text.append(f"{mine / theirs:.2f}")
            ratios.append(" / ".join(text))
        lines.append(
            f"| {inst} | {solver} | {_fmt(r.get('seconds'), '.2f')} | {_fmt(r.get('cpu'), '.1f')} "
            f"| {_fmt(r.get('peak_mb'), '.0f')} "
            f"| {_fmt(r.get('persons'), 'd')} | {_fmt(obj, '.4f')} | {_fmt(bound, '.4f')} "
            f"| {'' if gap is None else f'{gap:.4f} %'} | {r.get('status', '')} "
            f"| {ratios[0]} | {ratios[1]} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="HIAS FY17 and the pilot only")
    parser.add_argument("--only", nargs="*", help="instance names (see bench/instances.py)")
    parser.add_argument("--solvers", help="comma-separated subset of " + ",".join(SOLVERS))
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        name, solver, limit, out = args.worker
        worker(name, solver, None if limit == "None" else float(limit), Path(out))
        return 0
    names = list(PLAN)
    if args.quick:
        names = ["hias-fy17", "pilot-500x20x5"]
    if args.only:
        names = args.only
    wanted = set(args.solvers.split(",")) if args.solvers else set(SOLVERS)
    rows: list[tuple[str, str, dict]] = []
    for name in names:
        if name != "hias-fy17":
            load_instance(name)  # build the cache once, outside the timed runs
        for solver, limit in PLAN[name].items():
            if solver not in wanted:
                continue
            row = run_one(name, solver, limit)
            rows.append((name, solver, row))
            print(f"{name:16} {solver:9} {row}", file=sys.stderr, flush=True)
    text = table(rows)
    header = (
        f"Benchmark {time.strftime('%Y-%m-%d %H:%M:%S')} on {os.cpu_count()} cores; time limits "
        "per solver in bench/run.py PLAN; gap = (bound - objective) / bound; bounds hold for "
        "placements placing at least as many persons.\n\n"
    )
    print(header + text)
    OUT.mkdir(exist_ok=True)
    (OUT / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.md").write_text(header + text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
