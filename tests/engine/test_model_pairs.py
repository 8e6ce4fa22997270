"""The vectorised pair look-up agrees with the one-pair look-up on every (household, site)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from passgenau.engine.matching.model import Instance


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 6), st.integers(1, 4), st.data())
def test_pair_indices_agree_with_pair_index(n_households, n_sites, data):
    drawn = data.draw(
        st.sets(st.tuples(st.integers(0, n_households - 1), st.integers(0, n_sites - 1)))
    )
    pairs = sorted(drawn)
    instance = Instance(
        household_ids=tuple(f"h{i}" for i in range(n_households)),
        site_ids=tuple(f"s{j}" for j in range(n_sites)),
        dimensions=("persons",),
        demand=np.ones((n_households, 1)),
        capacity=np.ones((n_sites, 1)),
        pair_household=[h for h, _ in pairs],
        pair_site=[s for _, s in pairs],
        pair_score=[1.0] * len(pairs),
    )
    households, sites = np.meshgrid(np.arange(n_households), np.arange(n_sites), indexing="ij")
    found = instance.pair_indices(households.ravel(), sites.ravel())
    for h, s, index in zip(households.ravel(), sites.ravel(), found, strict=True):
        expected = instance.pair_index(int(h), int(s))
        assert index == (-1 if expected is None else expected)
        assert ((int(h), int(s)) in drawn) == (index >= 0)
