"""Reads for funding: the inputs of a key, and who may see which programme and grant.

Access functions (``programme_get_for_user``, ``grant_get_for_user``) are the only way views
reach a single programme or grant: a funder sees the programmes of its own organisation, a
recipient organisation sees its own grants, nobody sees the others'.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from passgenau.apps.territories.destatis import LAENDER_IN_GERMANY
from passgenau.apps.territories.models import Gemeinde, Kreis, Land
from passgenau.engine.keys import koenigsteiner, nrw_fluechtlingsaufnahme_key

from . import policies
from .models import (
    CENTS,
    Distribution,
    Freeze,
    Grant,
    GrantStatus,
    KeyKind,
    Level,
    Payment,
    Programme,
)
from .numbers import number

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor

__all__ = [
    "HoursBudget",
    "KeyInput",
    "KeyInputError",
    "ProgrammeReport",
    "distribution_get",
    "distributions_list",
    "grant_get_for_user",
    "grant_hours_budgets",
    "grant_money",
    "grants_for_user",
    "key_input",
    "laender_choices",
    "programme_get_for_user",
    "programme_report",
    "programmes_for_user",
]


class KeyInputError(ValueError):
    """The key cannot be built from the data at hand (say, a territory without population)."""


@dataclass(frozen=True)
class KeyRow:
    key: str  # official key (AGS)
    name: str
    weight: Fraction


@dataclass(frozen=True)
class KeyInput:
    rows: list[KeyRow]
    reference_date: dt.date | None
    land_name: str = ""
    notes: list[str] = field(default_factory=list)
    # Reasons to doubt the result: the chosen set of territories is incomplete or lacks figures.
    warnings: list[str] = field(default_factory=list)


# Below this share of the Land's own figure, the loaded territories are an incomplete set.
COMPLETE_SHARE = Fraction(999, 1000)
IMPORT_HINT = "passgenau import-territories FILE"


def _millions(value: int | Decimal) -> str:
    return number(Decimal(value) / 1_000_000, 2)


def _completeness_warnings(
    level: str, land: Land | None, territories: list[Any], key_kind: str
) -> list[str]:
    """Say when the territories in the database are only part of the set the user chose: fewer
    than the 16 Länder, or Kreise/Gemeinden whose figures fall short of their Land's own."""
    hint = _(
        "Import the official Destatis directory to complete it: %(command)s (see the README)."
    ) % {"command": IMPORT_HINT}
    if level == Level.LAENDER:
        if len(territories) >= LAENDER_IN_GERMANY:
            return []
        return [
            _("Only %(count)s of the %(all)s Länder are in the database.")
            % {"count": len(territories), "all": LAENDER_IN_GERMANY}
            + " "
            + hint
        ]
    assert land is not None
    by_area = key_kind == KeyKind.AREA
    whole = land.area_km2 if by_area else land.population
    if not whole:
        return [
            _(
                "The %(land)s total is not known, so it cannot be checked whether all its "
                "territories are in the database."
            )
            % {"land": land.name}
        ]
    loaded = sum(((t.area_km2 if by_area else t.population) or 0) for t in territories)
    if Fraction(loaded) >= COMPLETE_SHARE * Fraction(whole):
        return []
    if by_area:
        text = _(
            "The territories in the database cover %(part)s km² of the %(whole)s km² of "
            "%(land)s (%(share)s %%): the result distributes the whole amount among part of "
            "the Land only."
        ) % {
            "part": number(Decimal(loaded), 0),
            "whole": number(whole, 0),
            "land": land.name,
            "share": number(100 * Fraction(loaded) / Fraction(whole), 1),
        }
    else:
        text = _(
            "The territories in the database hold %(part)s million of the %(whole)s million "
            "inhabitants of %(land)s (%(share)s %%): the result distributes the whole amount "
            "among part of the Land only."
        ) % {
            "part": _millions(loaded),
            "whole": _millions(whole),
            "land": land.name,
            "share": number(100 * Fraction(loaded) / Fraction(whole), 1),
        }
    return [text + " " + hint]


def laender_choices() -> list[tuple[str, str]]:
    return list(Land.objects.order_by("ags").values_list("ags", "name"))


def _territories(level: str, land_key: str) -> list[Any]:
    if level == Level.LAENDER:
        return list(Land.objects.order_by("ags"))
    if level == Level.KREISE:
        return list(Kreis.objects.filter(land_id=land_key).order_by("ags"))
    return list(
        Gemeinde.objects.filter(land_id=land_key, population__gt=0).order_by("ags")
    )  # uninhabited areas (forests, lakes) are no municipalities to distribute to


def key_input(*, level: str, land_key: str, key_kind: str, key_year: int | None) -> KeyInput:
    """The weights of a key for the chosen territories, ordered by official key.

    Population and area come from the territories app (one reference date per figure); the
    Königsteiner Schlüssel from the published data shipped with the engine.
    """
    land_name = ""
    land = None
    if level != Level.LAENDER:
        land = Land.objects.filter(ags=land_key).first()
        if land is None:
            raise KeyInputError(_("Unknown Land %(key)s.") % {"key": land_key})
        land_name = land.name
    if key_kind == KeyKind.KOENIGSTEINER:
        if level != Level.LAENDER:
            raise KeyInputError(_("The Königsteiner Schlüssel distributes among the Länder only."))
        if key_year is None:
            raise KeyInputError(_("Choose the year of the Königsteiner Schlüssel."))
        published = koenigsteiner(key_year)
        rows = [
            KeyRow(code, published.lands[code], Fraction(value))
            for code, value in sorted(published.percent.items())
        ]
        return KeyInput(
            rows=rows,
            reference_date=None,
            notes=[f"Königsteiner Schlüssel {key_year} ({published.source})"],
        )

    territories = _territories(level, land_key)
    if not territories:
        raise KeyInputError(
            _("There are no territories of that kind in the database.")
            + " "
            + _("Import the official Destatis directory: %(command)s (see the README).")
            % {"command": IMPORT_HINT}
        )
    missing = [t for t in territories if t.population is None or t.area_km2 is None]
    needs_area = key_kind in (KeyKind.AREA, KeyKind.NRW)
    if key_kind == KeyKind.POPULATION:
        missing = [t for t in territories if t.population is None]
    elif not needs_area:
        raise KeyInputError(_("Unknown key %(key)s.") % {"key": key_kind})
    if missing:
        names = ", ".join(f"{t.name} ({t.ags})" for t in missing[:5])
        raise KeyInputError(
            ngettext(
                "Figures are missing for %(count)s territory: %(names)s.",
                "Figures are missing for %(count)s territories: %(names)s.",
                len(missing),
            )
            % {"count": len(missing), "names": names}
        )
    warnings = _completeness_warnings(level, land, territories, key_kind)
    dates = {t.reference_date for t in territories}
    reference_date = dates.pop() if len(dates) == 1 else None
    notes = (
        [] if reference_date or not dates else [_("The territories' figures have different dates")]
    )
    if key_kind == KeyKind.POPULATION:
        weights = {t.ags: Fraction(t.population) for t in territories}
    elif key_kind == KeyKind.AREA:
        weights = {t.ags: Fraction(t.area_km2) for t in territories}
    else:
        key = nrw_fluechtlingsaufnahme_key(
            {t.ags: t.population for t in territories},
            {t.ags: Fraction(t.area_km2) for t in territories},
        )
        weights = key.shares
        notes.append(
            ngettext(
                "Cap applied to %(count)s territory",
                "Cap applied to %(count)s territories",
                len(key.capped),
            )
            % {"count": len(key.capped)}
        )
    rows = [KeyRow(t.ags, t.name, weights[t.ags]) for t in territories]
    return KeyInput(
        rows=rows,
        reference_date=reference_date,
        land_name=land_name,
        notes=notes,
        warnings=warnings,
    )


# --- distributions ---------------------------------------------------------------------------


def distributions_list() -> QuerySet[Distribution]:
    """Saved distributions (computed from public figures, visible to everyone who may compute)."""
    return Distribution.objects.select_related("organisation", "created_by").order_by(
        "-created_at", "-id"
    )


def distributions_search(*, q: str = "") -> QuerySet[Distribution]:
    found = distributions_list()
    return found.filter(name__icontains=q) if q else found


def distribution_get(*, pk: int) -> Distribution:
    distribution = Distribution.objects.filter(pk=pk).prefetch_related("lines").first()
    if distribution is None:
        raise Http404
    return distribution


# --- programmes and grants: access functions -------------------------------------------------


def programmes_for_user(*, user: Visitor) -> QuerySet[Programme]:
    """The programmes of the user's own organisation (funders); none for anybody else."""
    funder_id = policies.funder_organisation(user=user)
    if funder_id is None:
        return Programme.objects.none()
    return Programme.objects.filter(funder_id=funder_id).select_related("funder")


def programmes_search(*, user: Visitor, q: str = "") -> QuerySet[Programme]:
    found = programmes_for_user(user=user).order_by("-period_start", "name")
    return found.filter(name__icontains=q) if q else found


def programme_get_for_user(*, user: Visitor, pk: int) -> Programme:
    programme = programmes_for_user(user=user).filter(pk=pk).first()
    if programme is None:
        raise Http404
    return programme


def grants_for_user(*, user: Visitor) -> QuerySet[Grant]:
    """Funders: the grants of their programmes; recipients: their own organisation's grants."""
    base = Grant.objects.select_related("programme", "programme__funder", "organisation")
    funder_id = policies.funder_organisation(user=user)
    if funder_id is not None:
        return base.filter(programme__funder_id=funder_id)
    recipient_id = policies.recipient_organisation(user=user)
    if recipient_id is not None:
        return base.filter(organisation_id=recipient_id)
    return base.none()


def grants_search(
    *, user: Visitor, q: str = "", status: str = "", programme_id: int | None = None
) -> QuerySet[Grant]:
    """The user's grants matching words (title, recipient, notice number), a status and a
    programme; newest first."""
    found = grants_for_user(user=user).order_by("-created_at", "-id")
    if q:
        found = found.filter(
            Q(title__icontains=q) | Q(organisation__name__icontains=q) | Q(notice_number=q)
        )
    if status:
        found = found.filter(status=status)
    if programme_id is not None:
        found = found.filter(programme_id=programme_id)
    return found


def grant_get_for_user(*, user: Visitor, pk: int) -> Grant:
    grant = (
        grants_for_user(user=user)
        .filter(pk=pk)
        .prefetch_related(
            "cost_lines",
            "payments__corrections",
            Prefetch("freezes", queryset=Freeze.objects.order_by("frozen_at", "id")),
        )
        .first()
    )
    if grant is None:
        raise Http404
    return grant


# --- money -----------------------------------------------------------------------------------

APPROVED_STATES = (
    GrantStatus.APPROVED,
    GrantStatus.PAID,
    GrantStatus.REPORTED,
    GrantStatus.CLOSED,
)


@dataclass(frozen=True)
class GrantMoney:
    """What is approved, frozen, paid and still payable on one grant."""

    approved: Decimal
    frozen: Decimal
    paid: Decimal
    planned: Decimal = Decimal(0)  # scheduled for a later date, not yet paid

    @property
    def payable(self) -> Decimal:
        return self.approved - self.frozen - self.paid - self.planned


def grant_money(*, grant: Grant) -> GrantMoney:
    approved = grant.amount if grant.status in APPROVED_STATES else Decimal(0)
    frozen = grant.freezes.filter(released_at__isnull=True).aggregate(s=Sum("amount"))["s"]
    paid = grant.payments.filter(planned=False).aggregate(s=Sum("amount"))["s"]
    planned = grant.payments.filter(planned=True).aggregate(s=Sum("amount"))["s"]
    return GrantMoney(
        approved=approved.quantize(CENTS),
        frozen=(frozen or Decimal(0)).quantize(CENTS),
        paid=(paid or Decimal(0)).quantize(CENTS),
        planned=(planned or Decimal(0)).quantize(CENTS),
    )


@dataclass(frozen=True)
class ProgrammeReport:
    """Budget, approved, frozen, paid and remaining of a programme.

    The figures add up by construction and are checked: ``budget = approved + remaining`` and
    ``approved = paid + frozen + open`` (open: approved, not frozen, not yet paid).
    """

    budget: Decimal
    applied: Decimal
    approved: Decimal
    frozen: Decimal
    paid: Decimal
    open: Decimal
    remaining: Decimal
    allocated: Decimal
    grants: int

    @property
    def adds_up(self) -> bool:
        return (
            self.budget == self.approved + self.remaining
            and self.approved == self.paid + self.frozen + self.open
        )


def programme_report(*, programme: Programme) -> ProgrammeReport:
    """The programme's figures from four aggregate queries, whatever the number of grants."""
    grants = Grant.objects.filter(programme=programme)
    applied = grants.filter(status=GrantStatus.APPLIED).aggregate(s=Sum("amount"))["s"]
    approved = grants.filter(status__in=APPROVED_STATES).aggregate(s=Sum("amount"))["s"]
    frozen = Freeze.objects.filter(grant__programme=programme, released_at__isnull=True).aggregate(
        s=Sum("amount")
    )["s"]
    paid = Payment.objects.filter(grant__programme=programme, planned=False).aggregate(
        s=Sum("amount")
    )["s"]
    allocated = programme.allocations.aggregate(s=Sum("amount"))["s"]
    zero = Decimal(0)
    approved = (approved or zero).quantize(CENTS)
    frozen = (frozen or zero).quantize(CENTS)
    paid = (paid or zero).quantize(CENTS)
    return ProgrammeReport(
        budget=programme.budget,
        applied=(applied or zero).quantize(CENTS),
        approved=approved,
        frozen=frozen,
        paid=paid,
        open=approved - frozen - paid,
        remaining=programme.budget - approved,
        allocated=(allocated or zero).quantize(CENTS),
        grants=grants.count(),
    )


@dataclass(frozen=True)
class HoursBudget:
    """A contract for specialist hours on a grant (kept by case management): budget, used, left."""

    name: str
    url: str
    hourly_rate: Decimal
    budget: Decimal
    used: Decimal

    @property
    def left(self) -> Decimal:
        return self.budget - self.used

    @property
    def overrun(self) -> bool:
        return self.used > self.budget

    @property
    def nearly_used(self) -> bool:
        return not self.overrun and self.used * 10 >= self.budget * 9


def grant_hours_budgets(*, grant: Grant) -> list[HoursBudget]:
    """The grant's contracts for specialist hours with the hours logged so far (one query)."""
    contracts = grant.hour_contracts.annotate(  # type: ignore[attr-defined]
        used_hours=Sum("entries__hours")
    ).order_by("valid_from", "id")
    return [
        HoursBudget(
            c.name, c.get_absolute_url(), c.hourly_rate, c.hours_budget, c.used_hours or Decimal(0)
        )
        for c in contracts
    ]
