"""Writes of case management, one module per area; ``cases`` (cases, consent, plans, referrals,
notes, specialist hours) is re-exported here. Every change of personal data is logged with
``log_action``, pseudonymous ids only."""

from __future__ import annotations

from . import cases
from .cases import *  # noqa: F403 (the area modules name what they export in __all__)

__all__ = list(cases.__all__)
