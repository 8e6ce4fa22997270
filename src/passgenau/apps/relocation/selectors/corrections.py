"""The corrections of recorded facts as their pages show them: when, by whom, each field with
its value before and after, and the reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from ..models import (
    Correction,
    DecisionOutcome,
    DecisionSource,
    FollowUpSurvey,
    Household,
    Proposal,
    SurveyStatus,
    YesNo,
)


def _shown(value: Any) -> Any:
    """A kept value for the page: ISO dates as dates (the template formats them)."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def corrections_shown(
    corrections: Iterable[Correction],
    *,
    labels: Mapping[str, Any],
    values: Mapping[str, Mapping[Any, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Each correction with its changes as (label, before, after); ``values`` translates a
    field's stored values (choices) into their labels."""
    rows = []
    for correction in corrections:
        changes = []
        for name in sorted(correction.after, key=list(labels).index):
            named = (values or {}).get(name, {})
            before, after = correction.before.get(name), correction.after.get(name)
            changes.append(
                (
                    labels[name],
                    named.get(before, _shown(before)),
                    named.get(after, _shown(after)),
                )
            )
        rows.append({"correction": correction, "changes": changes})
    return rows


def consent_corrections(*, household: Household) -> list[dict[str, Any]]:
    """The corrections of the household's consents, oldest first."""
    corrections = Correction.objects.filter(consent__household=household).select_related("given_by")
    return corrections_shown(corrections, labels={"given_on": _("Consent given on")})


def decision_corrections(*, proposal: Proposal) -> list[dict[str, Any]]:
    """The corrections of the municipality's decision on the proposal, oldest first."""
    corrections = Correction.objects.filter(decision__proposal=proposal).select_related("given_by")
    return corrections_shown(
        corrections,
        labels={
            "outcome": _("Decision"),
            "reason": _("Reason for declining"),
            "source": _("Received"),
            "received_on": _("Received on"),
        },
        values={
            "outcome": dict(DecisionOutcome.choices),
            "source": dict(DecisionSource.choices),
            "reason": {"…": _("given"), "": _("none")},
        },
    )


def survey_corrections(
    *, survey: FollowUpSurvey, labels: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The corrections of the survey, oldest first; ``labels``: its questions by field."""
    yes_no = dict(YesNo.choices)
    return corrections_shown(
        survey.corrections.select_related("given_by"),
        labels=labels,
        values={
            "status": dict(SurveyStatus.choices),
            "comment": {"…": _("given"), "": _("none")},
            **dict.fromkeys(("working", "children_in_school", "language_course"), yes_no),
        },
    )


__all__ = [
    "consent_corrections",
    "corrections_shown",
    "decision_corrections",
    "survey_corrections",
]
