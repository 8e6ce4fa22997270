"""The engine's findings in words, in the reader's language: why an alternative was not chosen,
what a hand-made placement would break ("keine Schulplätze mehr frei (12 von 12)", "vom Haushalt
ausgeschlossen"). The engine names criteria and dimensions by id; these are never shown as such.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from passgenau.engine.matching.adjust import PlacementCheck
from passgenau.engine.matching.criteria import load_catalogue

from .models.vocab import CapacityDimension

EXCLUDED_PLACES = "excluded_places"


def dimension_label(dimension: str) -> str:
    return str(dict(CapacityDimension.choices).get(dimension, dimension))


def criterion_labels() -> dict[str, str]:
    """Criterion id → label in the active language (the shipped catalogue's labels)."""
    language = (get_language() or "en")[:2]
    return {c.id: c.label(language) for c in load_catalogue().criteria}


def no_room(dimension: str, load: int, capacity: int) -> str:
    return _("no %(dimension)s left (%(load)s of %(capacity)s)") % {
        "dimension": dimension_label(dimension),
        "load": load,
        "capacity": capacity,
    }


def hard_criteria_words(ids: Iterable[str], labels: Mapping[str, str]) -> list[str]:
    """Each broken hard criterion as words: the household's exclusion plainly, the others as
    the requirement that is not met."""
    return [
        _("excluded by the household")
        if cid == EXCLUDED_PLACES
        else _("not met: %(criterion)s") % {"criterion": labels.get(cid, cid)}
        for cid in ids
    ]


def placement_problems(check: PlacementCheck) -> list[str]:
    """What placing the household at the checked site would break, in words (empty: nothing)."""
    words = hard_criteria_words(check.hard_criteria, criterion_labels())
    if check.forbidden:
        words.append(_("declined before"))
    words.extend(no_room(e.dimension, e.load, e.capacity) for e in check.over_capacity)
    return words


def alternative_reason(
    alternative: Mapping[str, Any],
    labels: Mapping[str, str],
    room: Callable[[str, int, int], str] = no_room,
) -> str:
    """Why a stored alternative (``explanation_to_dict``) was not chosen, in words; ``room``
    says that a dimension had no room left (the relocation's dimensions by default, another
    programme passes its own)."""
    reason = alternative.get("reason")
    if reason == "not_allowed":
        ids = [c["id"] for c in alternative.get("hard_criteria", [])]
        return "; ".join(hard_criteria_words(ids, labels))
    if reason == "not_offered":
        return _("declined before")
    if reason == "lower_score":
        return _("fits less well")
    if reason == "capacity":
        bindings = alternative.get("binding", [])
        rooms = [room(b["dimension"], b["load"], b["capacity"]) for b in bindings]
        return "; ".join(rooms) or _("no capacity left")
    return _(
        "would have had room and fits better, but placing all households together scored higher"
    )


def unplaced_reason(reason: str | None) -> str:
    if reason == "no_allowed_site":
        return _("no municipality meets the household's hard criteria")
    return _("every suitable municipality is full")
