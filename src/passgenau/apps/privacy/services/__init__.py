"""Writes of data protection, one module per area: ``erasure`` (a household or one member, with
a reason) is re-exported here."""

from __future__ import annotations

from . import erasure
from .erasure import *  # noqa: F403 (the area modules name what they export in __all__)

__all__ = list(erasure.__all__)
