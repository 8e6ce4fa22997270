"""Writes of data protection, one module per area: ``erasure`` (a household or one member, with
a reason) and ``retention`` (the daily job), re-exported here."""

from __future__ import annotations

from . import erasure, retention
from .erasure import *  # noqa: F403 (the area modules name what they export in __all__)
from .retention import *  # noqa: F403

__all__ = [*erasure.__all__, *retention.__all__]
