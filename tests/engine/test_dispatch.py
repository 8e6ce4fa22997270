"""The dispatcher: the one place that chooses between mechanisms and owns the fallback chain."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from test_optimal import _medium

from passgenau.engine.matching import mechanisms
from passgenau.engine.matching.mechanisms import solve
from passgenau.engine.matching.mechanisms._common import NoPlacementInTime
from passgenau.engine.matching.mechanisms.optimal import solve_optimal
from passgenau.engine.matching.model import SolveOptions
from passgenau.engine.matching.solution import violations

MECHANISMS_DIR = Path(mechanisms.__file__).parent


def test_exact_mechanism_out_of_time_falls_back_to_scalable_in_the_dispatcher() -> None:
    instance = _medium(8, n_households=150, n_sites=10)
    options = SolveOptions(time_limit=0.0)
    with pytest.raises(NoPlacementInTime):
        solve_optimal(instance, options)
    result = solve(instance, "optimal", options)
    quick = solve(instance, "scalable", options)
    assert (result.mechanism, result.status) == ("optimal", "time_limit")
    assert result.assignment.tolist() == quick.assignment.tolist()
    assert result.bound == quick.bound and result.objective == quick.objective
    assert any("are those of the scalable mechanism" in note for note in result.notes)
    assert violations(instance, result.assignment) == []


def test_unknown_mechanism_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown mechanism 'fastest'"):
        solve(_medium(1), "fastest")


@pytest.mark.parametrize("name", mechanisms.MECHANISM_NAMES)
def test_a_mechanism_imports_no_other_mechanism(name: str) -> None:
    tree = ast.parse((MECHANISMS_DIR / f"{name}.py").read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            imported.add((node.module or "").split(".")[0])
            imported.update(alias.name for alias in node.names if not node.module)
    assert imported & set(mechanisms.MECHANISM_NAMES) == set()
