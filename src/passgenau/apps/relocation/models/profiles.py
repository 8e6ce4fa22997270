"""Municipality profiles: a municipality's participation in a round."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from passgenau.apps.accounts.models import Organisation
from passgenau.engine.matching.profiles import SiteProfile

from .base import status_in
from .rounds import Round
from .vocab import (
    Region,
    SizeClass,
)


def site_id_for(organisation_id: int) -> str:
    """The engine's site id of a municipality (stable across runs and exports)."""
    return f"m{organisation_id}"


def organisation_id_from_site_id(site_id: str) -> int:
    if not site_id.startswith("m") or not site_id[1:].isdigit():
        raise ValueError(f"not a municipality site id: {site_id!r}")
    return int(site_id[1:])


# The figures of a profile that carry a "last confirmed" date (capacities per dimension apart).
PROFILE_FIGURES = (
    "services",
    "size_class",
    "region",
    "labour_demand",
    "communities",
    "language_course_places",
    "priorities",
    "priority_groups",
)


class MunicipalityProfile(models.Model):
    """A municipality's participation in a round: capacities, services, demand, priorities."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="profiles"
    )
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="relocation_profiles",
    )
    ags = models.CharField(
        _("official municipality key (AGS)"),
        max_length=8,
        blank=True,
        help_text=_("Gemeinde (8 digits) or Kreis (5 digits), if known."),
    )
    capacities = models.JSONField(
        _("capacities"), default=dict, blank=True, help_text=_("Capacity per dimension.")
    )
    services = models.JSONField(_("services and facilities"), default=list, blank=True)
    size_class = models.CharField(
        _("size class"), max_length=20, choices=SizeClass.choices, blank=True
    )
    region = models.CharField(_("region"), max_length=2, choices=Region.choices, blank=True)
    labour_demand = models.JSONField(
        _("labour-market demand"),
        default=dict,
        blank=True,
        help_text=_("Demand per occupation group (ISCO-08 major group) from 0 to 1."),
    )
    communities = models.JSONField(
        _("communities present"),
        default=dict,
        blank=True,
        help_text=_("Persons speaking each language who already live there."),
    )
    language_course_places = models.PositiveIntegerField(
        _("free places in language courses"), default=0
    )
    priorities = models.JSONField(
        _("own priorities"),
        default=dict,
        blank=True,
        help_text=_("Weight (0–3) the municipality gives each criterion."),
    )
    priority_groups = models.JSONField(
        _("priority groups"),
        default=list,
        blank=True,
        help_text=_("Households the municipality gives priority to, e.g. families with children."),
    )
    # figure ("capacity.persons", "services", "labour_demand", …) → ISO date last confirmed
    confirmed_at = models.JSONField(_("last confirmed"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # The profile of an earlier round whose figures this one started from: they are shown with the
    # dates confirmed there, and count as confirmed only once the officer confirms them again.
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("figures taken over from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("municipality profile")
        verbose_name_plural = _("municipality profiles")
        ordering = ["round", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "municipality"], name="profile_unique_per_round"
            ),
            models.CheckConstraint(
                condition=Q(size_class="") | status_in("size_class", SizeClass),
                name="profile_size_class_valid",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "round"])]

    def __str__(self) -> str:
        return f"{self.municipality} · {self.round}"

    @property
    def site_id(self) -> str:
        return site_id_for(self.municipality_id)

    def to_domain(self, *, dimensions: list[str] | None = None) -> SiteProfile:
        """The engine's site profile; capacity only in the round's dimensions (missing → 0)."""
        dims = dimensions if dimensions is not None else list(self.round.capacity_dimensions)
        return SiteProfile(
            id=self.site_id,
            name=self.municipality.name,
            capacity={d: int(self.capacities.get(d, 0) or 0) for d in dims},
            services=frozenset(self.services),
            size_class=self.size_class or None,
            region=self.region or None,
            labour_demand={str(k): float(v) for k, v in self.labour_demand.items()},
            communities={str(k): int(v) for k, v in self.communities.items()},
            language_course_places=self.language_course_places,
            priorities={str(k): float(v) for k, v in self.priorities.items()},
            priority_groups=frozenset(self.priority_groups),
        )
