"""Reads of the Lotse desk: offers ranked by fit (the engine's rank_offers) for a needs record."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from passgenau.apps.accounts.models import User
from passgenau.engine.directory import Need, Offer, RankedOffer, rank_offers

from ..models import NeedsRecord, Referral, Service
from .search import VISIBLE, directory_scope

__all__ = ["needs_for_lotse", "offers_ranked", "referral_get_for_lotse", "referrals_for_lotse"]


def _colleagues(user: User) -> Q:
    """The Lotsen whose records ``user`` follows up: its organisation's, or itself alone when it
    has none (``organisation_id=None`` would match every Lotse without one)."""
    if user.organisation_id is None:
        return Q(pk=user.pk)
    return Q(organisation_id=user.organisation_id)


def needs_for_lotse(*, user: User) -> QuerySet[NeedsRecord]:
    """The needs records of the Lotse's organisation (anonymous; a colleague may follow up)."""
    return (
        NeedsRecord.objects.filter(lotse__in=User.objects.filter(_colleagues(user)))
        .select_related("directory", "gemeinde")
        .prefetch_related("topics", "referrals__service")
    )


def referrals_for_lotse(*, user: User) -> QuerySet[Referral]:
    """The referrals of the Lotse's organisation's needs records."""
    return Referral.objects.filter(
        needs__lotse__in=User.objects.filter(_colleagues(user))
    ).select_related("needs", "service", "service__organization")


def referral_get_for_lotse(*, user: User, pk: int) -> Referral | None:
    return referrals_for_lotse(user=user).filter(pk=pk).first()


def _offer(service: Service) -> Offer:
    location = next(iter(service.at_locations.all()), None)
    lat = lon = None
    district = ""
    barrier_free = False
    if location is not None:
        place = location.location
        lat, lon = place.latitude, place.longitude
        if lat is None and place.gemeinde is not None and (seat := place.gemeinde.coordinates()):
            lat, lon = seat
        district = place.gemeinde_id or place.city
        barrier_free = place.barrier_free
    codes = {t.code or t.hsds_id for t in service.topics.all()}
    codes |= {t.parent.code for t in service.topics.all() if t.parent_id and t.parent}
    return Offer(
        id=str(service.pk),
        topics=frozenset(codes),
        languages=frozenset(s.code for s in service.spoken.all()),
        district=district,
        latitude=lat,
        longitude=lon,
        free=service.free_of_charge,
        barrier_free=barrier_free,
        min_age=service.minimum_age,
        max_age=service.maximum_age,
        hours=tuple(
            (h.weekday, f"{h.opens_at:%H:%M}", f"{h.closes_at:%H:%M}") for h in service.hours.all()
        ),
        target_groups=frozenset(service.target_groups),
    )


def need_of(needs: NeedsRecord) -> Need:
    gemeinde = needs.gemeinde
    return Need(
        topics=frozenset(t.code for t in needs.topics.all()),
        languages=frozenset(needs.languages),
        latitude=float(gemeinde.latitude) if gemeinde and gemeinde.latitude is not None else None,
        longitude=float(gemeinde.longitude)
        if gemeinde and gemeinde.longitude is not None
        else None,
        max_km=float(needs.max_km) if needs.max_km else None,
        district=needs.gemeinde_id or "",
        free_only=needs.free_only,
        barrier_free=needs.barrier_free,
        age=needs.age,
        weekdays=frozenset(needs.weekdays),
        day_parts=frozenset(needs.day_parts),
    )


def offers_for_analysis(directory_ids: list[int]) -> tuple[list[Offer], dict[str, Service]]:
    services = list(
        Service.objects.filter(directory_id__in=directory_ids, status__in=VISIBLE)
        .select_related("organization")
        .prefetch_related("at_locations__location__gemeinde", "topics__parent", "spoken", "hours")
    )
    return [_offer(s) for s in services], {str(s.pk): s for s in services}


def offers_ranked(*, needs: NeedsRecord, limit: int = 15) -> list[tuple[RankedOffer, Service]]:
    offers, by_id = offers_for_analysis(directory_scope(needs.directory))
    return [(r, by_id[r.offer_id]) for r in rank_offers(need_of(needs), offers, limit=limit)]
