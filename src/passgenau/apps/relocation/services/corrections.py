"""Keeping a correction of a recorded fact (a decision, a survey, a consent): the values before
and after and the reason in a ``Correction``, and an audit entry with pseudonymous ids, the
names of the fields corrected and the row that keeps the rest. The services that correct each
fact (``decisions``, ``followup``, ``intake``) check their rules first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from passgenau.apps.audit.services import log_action

from ..models import Consent, Correction, Decision, FollowUpSurvey

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User

_FACT_FIELD: dict[type, str] = {Decision: "decision", FollowUpSurvey: "survey", Consent: "consent"}


def changed_values(
    fact: models.Model | Mapping[str, Any], values: dict[str, Any]
) -> dict[str, Any]:
    """The values that differ from the fact's (a model's attributes, or its values by name);
    a ValidationError when none does."""
    current = fact if isinstance(fact, Mapping) else {k: getattr(fact, k) for k in values}
    changed = {k: v for k, v in values.items() if current[k] != v}
    if not changed:
        raise ValidationError(_("Nothing was changed."), code="unchanged")
    return changed


def kept(value: Any, *, free_text: bool = False) -> Any:
    """A value as a correction keeps it: dates as ISO text; free text only as given ("…") or
    not, since it may name people (the text stays on the fact, where retention reaches it)."""
    if free_text:
        return "…" if value else ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def correction_keep(
    *,
    actor: User,
    fact: Decision | FollowUpSurvey | Consent,
    before: dict[str, Any],
    after: dict[str, Any],
    reason: str,
    action: str,
    obj: models.Model,
    data: dict[str, Any] | None = None,
) -> Correction:
    """Keep the correction of ``fact`` (values as JSON: dates as ISO text) and log ``action``
    on ``obj`` with the fields corrected and the correction's id."""
    correction = Correction.objects.create(
        **{_FACT_FIELD[type(fact)]: fact},
        before=before,
        after=after,
        reason=reason,
        given_by=actor,
    )
    log_action(
        action,
        actor=actor,
        obj=obj,
        data={"correction": correction.pk, "fields": sorted(after), **(data or {})},
    )
    return correction


__all__ = ["changed_values", "correction_keep", "kept"]
