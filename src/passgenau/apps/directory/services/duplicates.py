"""What an editor does with a likely duplicate pair of the round-table analysis: merge the two
offers (one is kept; the other's locations, languages spoken and referrals move to it, and the
other is closed with a pointer to the kept one; both steps in the HSDS metadata history), or
mark the pair as distinct (it is no longer shown)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from passgenau.apps.audit.services import log_action

from ..models import DistinctPair, Referral, Service, ServiceStatus
from .derive import language_code
from .offers import metadata_add, service_apply

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User

__all__ = ["pair_mark_distinct", "services_merge"]


def _check(a: Service, b: Service) -> None:
    if a.pk == b.pk:
        raise ValidationError(_("An offer cannot be its own duplicate."))
    if a.directory_id != b.directory_id:
        raise ValidationError(_("Only offers of one directory are merged here."))


@transaction.atomic
def pair_mark_distinct(*, actor: User, a: Service, b: Service) -> DistinctPair:
    _check(a, b)
    first, second = sorted((a, b), key=lambda s: s.pk)
    pair, _created = DistinctPair.objects.get_or_create(
        first=first, second=second, defaults={"marked_by": actor}
    )
    log_action("directory.duplicates.distinct", actor=actor, obj=first, data={"other": second.pk})
    return pair


@transaction.atomic
def services_merge(*, actor: User, keep: Service, other: Service) -> Service:
    """Merge ``other`` into ``keep``: its locations (those ``keep`` is not at already), its
    languages spoken and the referrals to it move to ``keep``; ``other`` is closed and points
    to ``keep``. Both offers' HSDS metadata record the merge."""
    keep = Service.objects.select_for_update().get(pk=keep.pk)
    other = Service.objects.select_for_update().get(pk=other.pk)
    _check(keep, other)
    if other.status in (ServiceStatus.INACTIVE, ServiceStatus.DEFUNCT):
        raise ValidationError(_("A closed offer cannot be merged."))
    here = set(keep.at_locations.values_list("location_id", flat=True))
    moved_locations = 0
    for sal in other.at_locations.all():
        if sal.location_id in here:
            continue
        sal.service = keep
        sal.hsds = {**sal.hsds, "service_id": keep.hsds_id}
        sal.save(update_fields=["service", "hsds", "updated_at"])
        moved_locations += 1
    referrals = Referral.objects.filter(service=other).update(service=keep)
    before = sorted(keep.spoken.values_list("code", flat=True))
    for record in other.records.filter(table="languages"):
        code = language_code(str(record.data.get("code") or record.data.get("name", "")))
        if code and code not in before:
            record.service = keep
            record.data = {**record.data, "service_id": keep.hsds_id}
            record.save(update_fields=["service", "data"])
    service_apply(service=keep, fields={}, actor=actor)  # derives languages and places anew
    after = sorted(keep.spoken.values_list("code", flat=True))
    if after != before:
        metadata_add(
            service=keep,
            field_name="languages",
            previous=",".join(before),
            replacement=",".join(after),
            action="merge",
            actor=actor,
        )
    metadata_add(
        service=keep,
        field_name="merged_from",
        previous="",
        replacement=other.hsds_id,
        action="merge",
        actor=actor,
    )
    service_apply(service=other, fields={"status": ServiceStatus.INACTIVE}, actor=actor)
    other.merged_into = keep
    other.save(update_fields=["merged_into"])
    metadata_add(
        service=other,
        field_name="merged_into",
        previous="",
        replacement=keep.hsds_id,
        action="merge",
        actor=actor,
    )
    log_action(
        "directory.duplicates.merged",
        actor=actor,
        obj=keep,
        data={"other": other.pk, "locations": moved_locations, "referrals": referrals},
    )
    return keep
