"""Reads of case management, one module per area; ``cases`` is re-exported here. Access functions
decide what a user may see; reads of personal data are audited."""

from __future__ import annotations

from . import cases
from .cases import *  # noqa: F403 (the area modules name what they export in __all__)

__all__ = list(cases.__all__)
