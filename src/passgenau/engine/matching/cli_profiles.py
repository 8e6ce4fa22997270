"""``passgenau generate`` and ``passgenau match``: the profile level on the command line.

Exit codes: 0 success, 1 internal failure, 2 bad input (one line per problem on stderr, naming
file, record and field).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

from .criteria import Catalogue, CatalogueError, load_catalogue
from .model import MECHANISMS, InstanceError, SolveOptions
from .profiles import ProfileError, read_profiles, write_profiles

__all__ = ["register"]

MECHANISM_CHOICES = (*MECHANISMS, "greedy")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
        "--mechanism", choices=MECHANISM_CHOICES, default="auto", help="default: auto"
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
    match.add_argument("--json", action="store_true", help="print one JSON summary on stdout")
    match.set_defaults(func=_match)


def _bad(problems: list[Any]) -> int:
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    return 2


def _catalogue(path: str | None) -> Catalogue:
    return load_catalogue(path)


def _generate(args: argparse.Namespace) -> int:
    from .instance import write_instance
    from .scoring import score_profiles
    from .synthetic import generate_profiles

    problems = []
    if args.households < 0:
        problems.append("--households: must be 0 or more")
    if args.sites < 1:
        problems.append("--sites: must be at least 1")
    if args.top_sites is not None and args.top_sites < 1:
        problems.append("--top-sites: must be at least 1")
    if problems:
        return _bad(problems)
    try:
        catalogue = _catalogue(args.criteria)
    except CatalogueError as exc:
        return _bad(exc.problems)
    try:
        out = Path(args.out_dir)
        households, sites = generate_profiles(args.households, args.sites, args.seed)
        write_profiles(out, households, sites, jsonl=not args.json_array)
        instance, _ = score_profiles(households, sites, catalogue, top_k=args.top_sites)
        write_instance(instance, out / "instance")
    except OSError as exc:
        return _bad([f"{args.out_dir}: cannot write: {exc}"])
    print(
        f"wrote {len(households)} households and {len(sites)} sites to {out}, "
        f"plain instance ({instance.n_pairs} allowed pairs) to {out / 'instance'}"
    )
    return 0


def _match(args: argparse.Namespace) -> int:
    if args.time_limit is not None and args.time_limit <= 0:
        return _bad(["--time-limit: must be positive"])
    if args.top_sites is not None and args.top_sites < 1:
        return _bad(["--top-sites: must be at least 1"])
    if args.alternatives < 0:
        return _bad(["--alternatives: must be 0 or more"])
    try:
        catalogue = _catalogue(args.criteria)
        households, sites = read_profiles(args.profiles_dir)
    except (CatalogueError, ProfileError) as exc:
        return _bad(exc.problems)
    try:
        return _match_run(args, catalogue, households, sites)
    except InstanceError as exc:
        return _bad(exc.problems)
    except OSError as exc:
        return _bad([f"cannot write output: {exc}"])
    except Exception as exc:  # an internal failure: one line and a hint, never a traceback
        print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("hint: please report this with the input that caused it", file=sys.stderr)
        return 1


def _match_run(args: argparse.Namespace, catalogue: Catalogue, households: Any, sites: Any) -> int:
    from .instance import write_instance
    from .pipeline import match_profiles
    from .report import report_html, report_text

    out = Path(args.out) if args.out else Path(args.profiles_dir) / "result"
    options = SolveOptions(time_limit=args.time_limit, seed=args.seed, progress=not args.json)
    run = match_profiles(
        households,
        sites,
        catalogue,
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
