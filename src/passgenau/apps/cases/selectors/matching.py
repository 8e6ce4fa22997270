"""Reads of the engine's runs shared by the housing transition and mentoring: the stored
explanations in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from passgenau.apps.relocation.selectors.runs import explanation_relabel

from ..services.matching import criterion_labels

__all__ = ["relabelled"]


def relabelled(explanations: Iterable[dict[str, Any]], programme: str, language: str) -> None:
    """Criterion labels of ``programme``'s catalogue in ``language`` and each alternative's
    reason in words (the stored explanations carry English labels)."""
    labels = criterion_labels(programme, language)
    for explanation in explanations:
        explanation_relabel(explanation, labels)
