"""The engine's capacity dimensions of the case areas in the reader's words. A site of the
housing transition, mentoring or language mediation gives capacity in dimensions the engine names
by id (``households``, ``persons``, ``slot:mon_am``, ``week:minutes``); an explanation that says
why an alternative had no room names them here, never as such (the engine knows no Django)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import SLOT_CHOICES, Programme

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# the capacity dimension of a mediator's minutes a week (where it has hours a week at most)
MINUTES = "week:minutes"

DIMENSIONS: dict[str, dict[str, StrOrPromise]] = {
    Programme.HOUSING: {
        "households": gettext_lazy("households the flat holds"),
        "persons": gettext_lazy("persons the flat is let to"),
        "barrier_free": gettext_lazy("barrier-free access"),
    },
    Programme.MENTORING: {"households": gettext_lazy("places for newcomers")},
    Programme.MEDIATION: {
        "households": gettext_lazy("appointments in the week"),
        MINUTES: gettext_lazy("minutes in the week"),
        # a half-day of the week (slot:mon_am), named as the free times are
        **{f"slot:{value}": label for value, label in SLOT_CHOICES},
    },
}


def dimension_label(programme: str, dimension: str) -> str:
    """``dimension`` of ``programme``'s sites in the active language (an unknown one as
    "capacity", never by its id)."""
    label = DIMENSIONS.get(programme, {}).get(dimension)
    return str(label) if label is not None else _("capacity")


def no_room_words(programme: str) -> Callable[[str, int, int], str]:
    """How an alternative without room says so in ``programme``: the dimension in words, what
    was taken of it."""

    def no_room(dimension: str, load: int, capacity: int) -> str:
        return _("%(dimension)s: not enough left (%(load)s of %(capacity)s taken)") % {
            "dimension": dimension_label(programme, dimension),
            "load": load,
            "capacity": capacity,
        }

    return no_room


__all__ = ["DIMENSIONS", "MINUTES", "dimension_label", "no_room_words"]
