"""Directories: created by the operator (command line, admin) for a Kreis or a Gemeinde."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from passgenau.apps.territories.models import Gemeinde, Kreis
from passgenau.apps.territories.validators import validate_official_key

from ..models import Directory


def directory_get_or_create(
    *, slug: str, name: str = "", kreis: str = "", gemeinde: str = ""
) -> Directory:
    """The directory ``slug``; a missing one is created (raises ValueError for an unknown
    territory key or a directory without a name)."""
    directory = Directory.objects.filter(slug=slug).first()
    if directory is not None:
        return directory
    fields: dict[str, Any] = {}
    for level, model, key in (("kreis", Kreis, kreis), ("gemeinde", Gemeinde, gemeinde)):
        if key:
            try:
                validate_official_key(key, levels=(level,))
            except ValidationError as error:
                raise ValueError(error.messages[0]) from error
            fields[level] = model.objects.get(ags=key)
    if not name:
        name = (fields.get("kreis") or fields.get("gemeinde") or slug).__str__()
    directory = Directory(slug=slug, name=name, **fields)
    directory.full_clean()
    directory.save()
    return directory
