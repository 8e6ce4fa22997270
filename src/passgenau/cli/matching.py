"""The matching commands: ``solve`` and ``convert-hias`` (plain instances), ``generate`` and
``match`` (household and site profiles).

Exit codes: 0 success (also when nobody can be placed), 1 internal failure, 2 bad input — one line
per problem on stderr, naming the file, the row and the column, never a traceback (set the
environment variable ``PASSGENAU_DEBUG=1`` to see one for an internal failure).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import math
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from passgenau.engine.matching.criteria import Catalogue, CatalogueError, load_catalogue
from passgenau.engine.matching.model import (
    MECHANISMS,
    Instance,
    InstanceError,
    Result,
    SolveOptions,
)
from passgenau.engine.matching.profiles import ProfileError, read_profiles, write_profiles

from ._output import bad_input

__all__ = ["register", "run_convert_hias", "run_solve"]

MECHANISM_CHOICES = ("optimal", "scalable", "stable", "auto", "greedy")
# Print "still solving" on stderr every this many seconds (human-readable mode only).
PROGRESS_INTERVAL = 5.0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    solve = subparsers.add_parser(
        "solve",
        help="place the households of a plain instance directory at its sites",
        description=(
            "Read a plain instance (households.csv, sites.csv, scores.csv; optional fixed.csv, "
            "forbidden.csv, links.csv, priorities.csv; any of them .csv.gz), solve it and report."
        ),
    )
    solve.add_argument("instance_dir", metavar="INSTANCE_DIR", type=Path)
    solve.add_argument(
        "--mechanism",
        choices=MECHANISM_CHOICES,
        default="auto",
        help="optimal: proven maximum; scalable: large instances, with a bound; stable: no "
        "blocking pairs; greedy: fast baseline; auto (default): optimal if small, else scalable",
    )
    solve.add_argument(
        "--time-limit", type=_seconds, default=None, metavar="S", help="seconds (default: none)"
    )
    solve.add_argument("--seed", type=int, default=0, metavar="N", help="recorded in the result")
    solve.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="PLACEMENTS.csv",
        help="write household_id,site_id,score of every placed household",
    )
    solve.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    solve.set_defaults(func=run_solve)

    convert = subparsers.add_parser(
        "convert-hias",
        help="convert the public HIAS FY17 resettlement data into a plain instance",
    )
    convert.add_argument("src_dir", metavar="SRC_DIR", type=Path)
    convert.add_argument("instance_dir", metavar="INSTANCE_DIR", type=Path)
    convert.set_defaults(func=run_convert_hias)
    _register_profiles(subparsers)  # generate, match


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds: {text!r}")
    return value


# -- solve ----------------------------------------------------------------------------------------
def run_solve(args: argparse.Namespace) -> int:
    return _guarded(lambda: _solve(args))


def _solve(args: argparse.Namespace) -> int:
    from passgenau.engine.matching.instance import read_instance, read_priorities
    from passgenau.engine.matching.mechanisms import choose_mechanism, solve
    from passgenau.engine.matching.mechanisms.stable import blocking_pairs, solve_stable

    say = _stderr_printer(quiet=args.json)
    started = time.perf_counter()
    say(f"reading {args.instance_dir} …")
    instance = read_instance(args.instance_dir)
    priorities = read_priorities(args.instance_dir, instance)
    say(
        f"read {instance.n_households} households, {instance.n_sites} sites, "
        f"{instance.n_pairs} allowed pairs in {time.perf_counter() - started:.1f} s"
    )
    mechanism = args.mechanism
    if mechanism == "auto":
        mechanism = choose_mechanism(instance)
        say(f"auto: using the {mechanism} mechanism")
    options = SolveOptions(time_limit=args.time_limit, seed=args.seed, progress=not args.json)
    heartbeat = _heartbeat(say, f"solving with {mechanism}", enabled=not args.json)
    with heartbeat, native_stdout_to_stderr():
        if mechanism == "stable":
            result = solve_stable(instance, options, priorities)
        else:
            try:
                result = solve(instance, mechanism, options)
            except ModuleNotFoundError as exc:
                if exc.name and exc.name.endswith(f"mechanisms.{mechanism}"):
                    print(
                        f"error: the {mechanism} mechanism is not available in this version",
                        file=sys.stderr,
                    )
                    return 1
                raise
    if result.blocking_pairs is None:
        result = dataclasses.replace(
            result, blocking_pairs=blocking_pairs(instance, result.assignment, priorities)
        )
    if args.out is not None:
        _write_placements(instance, result, args.out)
        say(f"wrote {result.placed_households} placements to {args.out}")
    summary = summarise(instance, result, requested=args.mechanism)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, allow_nan=False))
    else:
        print(_text_summary(summary))
    return 0


def summarise(instance: Instance, result: Result, requested: str | None = None) -> dict[str, Any]:
    """The JSON-serialisable summary of a result that ``solve --json`` prints."""
    assignment = np.asarray(result.assignment)
    start = instance.household_pair_start
    no_allowed_site = (np.diff(start) == 0) & (assignment < 0)
    summary: dict[str, Any] = {
        "mechanism": result.mechanism,
        "requested_mechanism": requested or result.mechanism,
        "status": result.status,
        "objective": _finite(result.objective),
        "bound": _finite(result.bound),
        "gap": _finite(result.gap),
        "households": instance.n_households,
        "sites": instance.n_sites,
        "allowed_pairs": instance.n_pairs,
        "dimensions": list(instance.dimensions),
        "placed_households": result.placed_households,
    }
    if "persons" in instance.dimensions:
        summary["placed_persons"] = result.placed_persons
        summary["persons"] = int(instance.persons.sum())
    summary.update(
        {
            "unplaced_households": int((assignment < 0).sum()),
            "unplaced_no_allowed_site": int(no_allowed_site.sum()),
            "seconds": round(result.seconds, 6),
            "input_hash": result.input_hash,
            "seed": result.seed,
            "solver": result.solver,
            "solver_version": result.solver_version,
            "blocking_pairs": result.blocking_pairs,
            "notes": list(result.notes),
        }
    )
    return summary


def _finite(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def _text_summary(summary: dict[str, Any]) -> str:
    def number(value: float | None) -> str:
        return "—" if value is None else f"{value:,.6g}"

    placed = f"{summary['placed_households']} of {summary['households']} households"
    if "placed_persons" in summary:
        placed += f" ({summary['placed_persons']} of {summary['persons']} persons)"
    gap = summary["gap"]
    lines = [
        f"mechanism   {summary['mechanism']} ({summary['solver']}) — status {summary['status']}",
        f"placed      {placed}",
        f"objective   {number(summary['objective'])}   bound {number(summary['bound'])}   "
        f"gap {'—' if gap is None else f'{100 * gap:.4f} %'}",
        f"blocking    {summary['blocking_pairs']} pairs",
        f"time        {summary['seconds']:.2f} s   seed {summary['seed']}   "
        f"input {summary['input_hash'][:12]}",
    ]
    if summary["unplaced_no_allowed_site"]:
        lines.append(f"unplaced    {summary['unplaced_no_allowed_site']} have no allowed site")
    lines.extend(f"note        {note}" for note in summary["notes"])
    return "\n".join(lines)


def _write_placements(instance: Instance, result: Result, path: Path) -> None:
    assignment = np.asarray(result.assignment)
    placed = np.flatnonzero(assignment >= 0)
    n_s = instance.n_sites
    keys = placed.astype(np.int64) * n_s + assignment[placed]
    all_keys = instance.pair_household.astype(np.int64) * n_s + instance.pair_site
    scores = instance.pair_score[np.searchsorted(all_keys, keys)]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["household_id", "site_id", "score"])
            for h, score in zip(placed.tolist(), scores.tolist(), strict=True):
                writer.writerow(
                    [instance.household_ids[h], instance.site_ids[assignment[h]], score]
                )
    except OSError as exc:
        raise _OutputError(f"{path}: cannot write the placements: {exc.strerror or exc}") from exc


# -- convert-hias ---------------------------------------------------------------------------------
def run_convert_hias(args: argparse.Namespace) -> int:
    return _guarded(lambda: _convert_hias(args))


def _convert_hias(args: argparse.Namespace) -> int:
    from passgenau.engine.matching.hias import read_hias
    from passgenau.engine.matching.instance import write_instance

    instance = read_hias(args.src_dir)
    try:
        write_instance(instance, args.instance_dir)
    except OSError as exc:
        raise _OutputError(f"{args.instance_dir}: cannot write the instance: {exc}") from exc
    print(
        f"wrote {instance.n_households} households, {instance.n_sites} sites, "
        f"{instance.n_pairs} allowed pairs ({', '.join(instance.dimensions)}) "
        f"to {args.instance_dir}"
    )
    return 0


# -- shared ---------------------------------------------------------------------------------------
class _OutputError(Exception):
    """An output file that cannot be written: the user's to fix, like bad input."""


def _guarded(action: Callable[[], int]) -> int:
    """Run a command: bad input → exit 2 with one line per problem; a bug → exit 1, one line."""
    try:
        return action()
    except InstanceError as exc:
        return bad_input(exc.problems)
    except _OutputError as exc:
        return bad_input([exc])
    except KeyboardInterrupt:
        raise
    except Exception as exc:
        if os.environ.get("PASSGENAU_DEBUG"):
            raise
        detail = str(exc).splitlines()[0] if str(exc) else ""
        print(
            f"internal error: {type(exc).__name__}: {detail} "
            "(this is a bug; run again with PASSGENAU_DEBUG=1 for details and report it)",
            file=sys.stderr,
        )
        return 1


@contextmanager
def native_stdout_to_stderr() -> Iterator[None]:
    """Send what native libraries write to standard output to standard error meanwhile.

    HiGHS prints some debugging lines with ``printf`` whatever its output options (seen with
    presolve off); standard output is kept for our own result, the JSON object of ``--json``.
    """
    sys.stdout.flush()
    _flush_c_stdio()  # what the C library buffered before belongs to the real stdout
    try:
        saved = os.dup(1)
    except OSError:  # no file descriptor 1 (a detached process): nothing to protect
        yield
        return
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        _flush_c_stdio()  # what the C library still buffers belongs to the diverted stream
        os.dup2(saved, 1)
        os.close(saved)


def _flush_c_stdio() -> None:
    try:
        import ctypes

        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError, TypeError):  # pragma: no cover - no C library to flush
        pass


def _stderr_printer(*, quiet: bool) -> Callable[[str], None]:
    def say(message: str) -> None:
        if not quiet:
            print(message, file=sys.stderr, flush=True)

    return say


@contextmanager
def _heartbeat(say: Callable[[str], None], what: str, *, enabled: bool) -> Iterator[None]:
    """Say what is running, and every few seconds that it still is."""
    if not enabled:
        yield
        return
    say(f"{what} …")
    done = threading.Event()
    started = time.perf_counter()

    def beat() -> None:
        while not done.wait(PROGRESS_INTERVAL):
            say(f"{what}: still running after {time.perf_counter() - started:.0f} s")

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


# -- generate and match (profiles) ---------------------------------------------------------------


def _register_profiles(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    gen = subparsers.add_parser(
        "generate",
        help="write realistic synthetic household and site profiles and their plain instance",
        description="Write seeded synthetic profiles (households.jsonl, sites.jsonl) and the "
        "plain instance scored from them (OUT_DIR/instance/).",
    )
    gen.add_argument("out_dir", metavar="OUT_DIR")
    gen.add_argument("--households", type=int, required=True, metavar="N")
    gen.add_argument("--sites", type=int, required=True, metavar="M")
    gen.add_argument("--seed", type=int, default=0, metavar="S")
    gen.add_argument("--criteria", metavar="FILE", help="criteria catalogue (default: shipped)")
    gen.add_argument(
        "--top-sites",
        type=int,
        metavar="K",
        help="keep only each household's K best allowed sites in the instance (default: all)",
    )
    gen.add_argument("--json-array", action="store_true", help="write .json arrays, not JSONL")
    gen.set_defaults(func=_generate)

    match = subparsers.add_parser(
        "match",
        help="score household and site profiles, solve, and explain every placement",
        description="Score the profiles in PROFILES_DIR into a plain instance (written to "
        "OUT/instance/), solve it, and write placements.csv, explanations.json, metrics.json, "
        "report.txt and report.html to OUT.",
    )
    match.add_argument("profiles_dir", metavar="PROFILES_DIR")
    match.add_argument("--criteria", metavar="FILE", help="criteria catalogue (default: shipped)")
    match.add_argument(
        "--mechanism", choices=(*MECHANISMS, "greedy"), default="auto", help="default: auto"
    )
    match.add_argument("--time-limit", type=float, metavar="SECONDS", help="for the solver")
    match.add_argument("--seed", type=int, default=0, help="default: 0")
    match.add_argument(
        "--out", metavar="DIR", help="output directory (default PROFILES_DIR/result)"
    )
    match.add_argument(
        "--top-sites", type=int, metavar="K", help="keep each household's K best allowed sites"
    )
    match.add_argument(
        "--alternatives", type=int, default=3, metavar="N", help="alternatives explained (3)"
    )
    match.add_argument(
        "--language",
        choices=("de", "en", "uk", "ru"),
        default="en",
        help="language of the criteria labels in the reports (default: en)",
    )
    match.add_argument(
        "--fixed",
        metavar="FIXED.csv",
        help="household_id,site_id: placements that must stay (allowed even where a hard "
        "criterion rules them out)",
    )
    match.add_argument(
        "--forbidden", metavar="FORBIDDEN.csv", help="household_id,site_id: pairs not allowed"
    )
    match.add_argument(
        "--links",
        metavar="LINKS.csv",
        help="household_id,group: households of one group are placed together or not at all",
    )
    match.add_argument("--json", action="store_true", help="print one JSON summary on stdout")
    match.set_defaults(func=_match)


def _catalogue(path: str | None) -> Catalogue:
    return load_catalogue(path)


def _generate(args: argparse.Namespace) -> int:
    from passgenau.engine.matching.instance import write_instance
    from passgenau.engine.matching.scoring import score_profiles
    from passgenau.engine.matching.synthetic import generate_profiles

    problems = []
    if args.households < 0:
        problems.append("--households: must be 0 or more")
    if args.sites < 1:
        problems.append("--sites: must be at least 1")
    if args.top_sites is not None and args.top_sites < 1:
        problems.append("--top-sites: must be at least 1")
    if problems:
        return bad_input(problems)
    try:
        catalogue = _catalogue(args.criteria)
    except CatalogueError as exc:
        return bad_input(exc.problems)
    try:
        out = Path(args.out_dir)
        households, sites = generate_profiles(args.households, args.sites, args.seed)
        write_profiles(out, households, sites, jsonl=not args.json_array)
        instance, _ = score_profiles(households, sites, catalogue, top_k=args.top_sites)
        write_instance(instance, out / "instance")
    except OSError as exc:
        return bad_input([f"{args.out_dir}: cannot write: {exc}"])
    print(
        f"wrote {len(households)} households and {len(sites)} sites to {out}, "
        f"plain instance ({instance.n_pairs} allowed pairs) to {out / 'instance'}"
    )
    return 0


def _match(args: argparse.Namespace) -> int:
    if args.time_limit is not None and args.time_limit <= 0:
        return bad_input(["--time-limit: must be positive"])
    if args.top_sites is not None and args.top_sites < 1:
        return bad_input(["--top-sites: must be at least 1"])
    if args.alternatives < 0:
        return bad_input(["--alternatives: must be 0 or more"])
    try:
        catalogue = _catalogue(args.criteria)
        households, sites = read_profiles(args.profiles_dir)
    except (CatalogueError, ProfileError) as exc:
        return bad_input(exc.problems)
    try:
        return _match_run(args, catalogue, households, sites)
    except InstanceError as exc:
        return bad_input(exc.problems)
    except OSError as exc:
        return bad_input([f"cannot write output: {exc}"])
    except Exception as exc:  # an internal failure: one line and a hint, never a traceback
        print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("hint: please report this with the input that caused it", file=sys.stderr)
        return 1


def _match_run(args: argparse.Namespace, catalogue: Catalogue, households: Any, sites: Any) -> int:
    from passgenau.engine.matching.instance import read_constraints, write_instance
    from passgenau.engine.matching.pipeline import match_profiles
    from passgenau.engine.matching.report import report_html, report_text

    out = Path(args.out) if args.out else Path(args.profiles_dir) / "result"
    options = SolveOptions(time_limit=args.time_limit, seed=args.seed, progress=not args.json)
    fixed, forbidden, links = read_constraints(
        tuple(h.id for h in households),
        tuple(s.id for s in sites),
        fixed=args.fixed,
        forbidden=args.forbidden,
        links=args.links,
        sources=("the household profiles", "the site profiles"),
    )
    run = match_profiles(
        households,
        sites,
        catalogue,
        fixed=fixed,
        forbidden=forbidden,
        links=links,
        mechanism=args.mechanism,
        options=options,
        top_k=args.top_sites,
        alternatives=args.alternatives,
        language=args.language,
    )
    metrics, report = run.metrics, run.report
    out.mkdir(parents=True, exist_ok=True)
    write_instance(run.instance, out / "instance")
    with open(out / "placements.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["household_id", "site_id", "score"])
        for household_id, site_id, score in run.placements():
            writer.writerow([household_id, site_id, repr(score)])
    (out / "explanations.json").write_text(
        json.dumps(report["explanations"], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (out / "metrics.json").write_text(
        json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (out / "report.txt").write_text(report_text(report), encoding="utf-8")
    (out / "report.html").write_text(report_html(report), encoding="utf-8")
    summary = {
        key: metrics[key]
        for key in (
            "mechanism",
            "status",
            "objective",
            "bound",
            "gap",
            "placed_households",
            "placed_persons",
            "households",
            "persons",
            "first_share",
            "top3_share",
            "blocking_pairs",
            "seconds",
            "scoring_seconds",
            "input_hash",
            "seed",
            "solver",
            "solver_version",
            "catalogue_version",
        )
    }
    summary["out"] = str(out)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(
            f"{metrics['mechanism']}: {metrics['status']}, placed {metrics['placed_households']} "
            f"of {metrics['households']} households ({metrics['placed_persons']} persons), "
            f"objective {metrics['objective']:.4f}, first choice "
            f"{100 * (metrics['first_share'] or 0):.1f} %, results in {out}"
        )
    return 0
