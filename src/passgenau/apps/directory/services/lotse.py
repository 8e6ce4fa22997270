"""The Lotse desk: needs recorded anonymously, referrals and their outcome (no personal data:
no name, no contact, no free text; the audit trail gets ids only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passgenau.apps.audit.services import log_action
from passgenau.engine.directory import DAY_PARTS

from ..models import (
    REFERRAL_TRANSITIONS,
    Directory,
    NeedsRecord,
    Referral,
    ReferralOutcome,
    Service,
    TaxonomyTerm,
)

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User
    from passgenau.apps.territories.models import Gemeinde

__all__ = ["needs_record", "referral_create", "referral_outcome_record"]


@transaction.atomic
def needs_record(
    *,
    actor: User,
    directory: Directory,
    topics: list[str],
    languages: list[str],
    slip_language: str,
    gemeinde: Gemeinde | None = None,
    max_km: int | None = None,
    age: int | None = None,
    free_only: bool = False,
    barrier_free: bool = False,
    weekdays: list[int] | None = None,
    day_parts: list[str] | None = None,
) -> NeedsRecord:
    terms = list(TaxonomyTerm.objects.filter(taxonomy__directory=None, code__in=topics))
    if not terms:
        raise ValidationError(_("Choose at least one topic."))
    needs = NeedsRecord.objects.create(
        directory=directory,
        lotse=actor,
        languages=sorted(set(languages)),
        reader_language=slip_language,
        gemeinde=gemeinde,
        max_km=max_km,
        age=age,
        free_only=free_only,
        barrier_free=barrier_free,
        weekdays=sorted({int(d) for d in weekdays or [] if 1 <= int(d) <= 7}),
        day_parts=sorted({p for p in day_parts or [] if p in DAY_PARTS}),
    )
    needs.topics.set(terms)
    log_action("directory.needs.recorded", actor=actor, obj=needs)
    return needs


@transaction.atomic
def referral_create(*, actor: User, needs: NeedsRecord, service: Service) -> Referral:
    referral = Referral.objects.create(needs=needs, service=service)
    log_action("directory.referral.created", actor=actor, obj=referral)
    return referral


@transaction.atomic
def referral_outcome_record(*, actor: User, referral: Referral, outcome: str) -> Referral:
    if outcome not in REFERRAL_TRANSITIONS.get(referral.outcome, frozenset()):
        raise ValidationError(
            _("The outcome of this referral is already recorded (%(outcome)s).")
            % {"outcome": ReferralOutcome(referral.outcome).label}
        )
    referral.outcome = outcome
    referral.outcome_at = timezone.now()
    referral.save(update_fields=["outcome", "outcome_at"])
    log_action("directory.referral.outcome", actor=actor, obj=referral, data={"outcome": outcome})
    return referral
