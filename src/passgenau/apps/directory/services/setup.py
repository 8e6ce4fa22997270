"""Directories: created by the operator (command line, admin) for a Kreis or a Gemeinde."""

from __future__ import annotations

from typing import Any

from passgenau.apps.territories.models import Gemeinde, Kreis

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
    if kreis:
        fields["kreis"] = Kreis.objects.filter(ags=kreis).first()
        if fields["kreis"] is None:
            raise ValueError(f"no Kreis with the key {kreis} (import the territories first)")
    if gemeinde:
        fields["gemeinde"] = Gemeinde.objects.filter(ags=gemeinde).first()
        if fields["gemeinde"] is None:
            raise ValueError(f"no Gemeinde with the key {gemeinde}")
    if not name:
        name = (fields.get("kreis") or fields.get("gemeinde") or slug).__str__()
    directory = Directory(slug=slug, name=name, **fields)
    directory.full_clean()
    directory.save()
    return directory
