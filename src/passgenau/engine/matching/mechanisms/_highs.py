"""SciPy's bundled HiGHS object, used directly where ``scipy.optimize.milp`` cannot go: to pass a
starting solution, to switch presolve off, to limit nodes, and to read the simplex iterations.

``HIGHS`` is None on SciPy before 1.15 (the callers then fall back to ``scipy.optimize.milp``).
Unlike the separate ``highspy`` package it coexists with OR-Tools in one process.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

try:
    from scipy.optimize._highspy import _core as HIGHS
except ImportError:  # pragma: no cover - older SciPy
    HIGHS = None

__all__ = ["HIGHS", "integer_program"]

FloatArray = npt.NDArray[np.float64]


def integer_program(
    c: FloatArray,
    a: sp.csr_matrix | sp.csc_matrix,
    col_bounds: tuple[FloatArray, FloatArray],
    row_bounds: tuple[FloatArray, FloatArray],
    start: FloatArray | None,
    options: dict[str, Any],
) -> Any:
    """A HiGHS object holding ``max c·x`` over integer ``x`` within the column and row bounds of
    ``a x``, with ``options`` set (output off and seed 0 always) and ``start`` as its starting
    solution where given. The caller runs it and reads the outcome."""
    core = HIGHS
    assert core is not None
    m = a.tocsc()
    highs = core._Highs()
    for name, value in {"output_flag": False, "random_seed": 0, **options}.items():
        highs.setOptionValue(name, value)
    lp = core.HighsLp()
    lp.num_col_, lp.num_row_ = m.shape[1], m.shape[0]
    lp.col_cost_ = -c
    lp.col_lower_, lp.col_upper_ = col_bounds
    lp.row_lower_, lp.row_upper_ = row_bounds
    lp.a_matrix_.format_ = core.MatrixFormat.kColwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = m.shape[1], m.shape[0]
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = m.indptr, m.indices, m.data
    lp.integrality_ = [core.HighsVarType.kInteger] * m.shape[1]
    highs.passModel(lp)
    if start is not None:
        solution = core.HighsSolution()
        solution.col_value = list(start)
        solution.value_valid = True
        highs.setSolution(solution)
    return highs
