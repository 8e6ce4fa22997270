"""What the relocation models share."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


def status_in(field: str, choices: type[models.TextChoices] | type[models.IntegerChoices]) -> Q:
    """A check constraint's condition: ``field`` holds one of the values of ``choices``."""
    return Q(**{f"{field}__in": list(choices.values)})
