"""Small helpers shared by the profile-level tests."""

from __future__ import annotations

import numpy as np

from passgenau.engine.matching.model import Instance, Result
from passgenau.engine.matching.solution import placed_counts


def result_for(instance: Instance, assignment, mechanism: str = "hand", **kw) -> Result:
    """A Result for a hand-made assignment (objective computed from the pairs)."""
    a = np.asarray(assignment, dtype=np.int32)
    objective = 0.0
    for h, s in enumerate(a):
        if s >= 0:
            k = instance.pair_index(h, int(s))
            assert k is not None, f"pair ({h}, {s}) is not allowed"
            objective += float(instance.pair_score[k])
    placed_h, placed_p = placed_counts(instance, a)
    return Result(
        mechanism=mechanism,
        status="feasible",
        assignment=a,
        objective=objective,
        bound=kw.pop("bound", None),
        seconds=0.0,
        solver="test",
        solver_version="0",
        seed=0,
        input_hash=instance.input_hash(),
        placed_households=placed_h,
        placed_persons=placed_p,
        **kw,
    )
