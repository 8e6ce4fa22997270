"""What an app holds about a person, for the data-subject export (Art. 15 GDPR): each app that
keeps personal data names its rows as parts (``relocation.selectors.subject_access``,
``cases.selectors.subject_access``); the privacy app collects them and writes the JSON and the
PDF (``privacy.subject_access``), as it orchestrates the erasure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise

__all__ = ["HeldPart"]


@dataclass(frozen=True)
class HeldPart:
    # the category's key in the JSON (``members``, ``health_needs``, ...)
    key: str
    # its heading in the PDF (translated when shown)
    title: str | Promise
    rows: Sequence[models.Model]
    # the fields shown, in this order; () for every field of the model except its id and the
    # field leading back to the owner (``skip``)
    fields: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    # the codes stored in a list or mapping field → their labels (``needs``: the Need choices)
    labels: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
