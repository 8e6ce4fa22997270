"""One entry point for every mechanism: ``solve(instance, mechanism, options)``."""

from __future__ import annotations

from ..model import Instance, Result, SolveOptions

__all__ = ["AUTO_MAX_PAIRS", "choose_mechanism", "solve"]

# `auto` uses the exact mechanism up to this many allowed pairs. Measured (docs/engine.md): HIAS
# FY17 (4,176 pairs) and a 500 x 20 x 5 pilot (4,782 pairs) are proven in seconds, while the LP
# relaxation alone of 10^4 x 400 (363,000 pairs) took minutes; larger ones go to `scalable`.
AUTO_MAX_PAIRS = 10_000


def choose_mechanism(instance: Instance) -> str:
    """The mechanism ``auto`` stands for on this instance."""
    return "optimal" if instance.n_pairs <= AUTO_MAX_PAIRS else "scalable"


def solve(
    instance: Instance, mechanism: str = "auto", options: SolveOptions | None = None
) -> Result:
    """Place households at sites with the named mechanism; the instance is never mutated."""
    options = options or SolveOptions()
    if mechanism == "auto":
        mechanism = choose_mechanism(instance)
    if mechanism == "optimal":
        from .optimal import solve_optimal

        return solve_optimal(instance, options)
    if mechanism == "scalable":
        from .scalable import solve_scalable

        return solve_scalable(instance, options)
    if mechanism == "stable":
        from .stable import solve_stable

        return solve_stable(instance, options)
    if mechanism == "greedy":
        from .greedy import solve_greedy

        return solve_greedy(instance, options)
    raise ValueError(f"unknown mechanism {mechanism!r}")
