"""The data model of relocation rounds: the shared model of the whole Re:Match workflow.

Round → municipality profiles → households (consent, members, interview) → matching runs →
proposals → decisions by both sides → travel → arrival → follow-up surveys.

Decision data (members, interview answers) and identifying data (names, contact) live in different
tables: municipalities see the first as a pseudonymised profile, the second only after both sides
accepted (``HouseholdContact``). Round states, their transitions and what each state allows are
defined once, in ``ROUND_TRANSITIONS`` and ``ROUND_RULES``; services check them.
"""

from __future__ import annotations

import functools
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from passgenau.apps.accounts.models import Organisation
from passgenau.engine.matching.criteria import load_catalogue
from passgenau.engine.matching.profiles import CHILD_BANDS, HouseholdProfile, SiteProfile
from passgenau.engine.matching.profiles import Member as DomainMember

from .vocab import (
    AGE_BAND_CHOICES,
    CapacityDimension,
    ConsentPurpose,
    MemberRole,
    QuestionnaireLanguage,
    Region,
    Relation,
    SizeClass,
    role_for_age_band,
)

# --------------------------------------------------------------------------------------------
# Round states: transitions and what each state allows (the one place that defines them)
# --------------------------------------------------------------------------------------------


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    OPEN = "open", _("open for profiles and interviews")
    MATCHING = "matching", _("matching")
    PROPOSALS = "proposals", _("proposals published")
    CLOSED = "closed", _("closed")


# From each state, the states a round may move to. matching → open lets a coordinator go back
# when a run failed or intake must continue; proposals → matching is re-matching.
ROUND_TRANSITIONS: dict[str, frozenset[str]] = {
    RoundStatus.DRAFT: frozenset({RoundStatus.OPEN}),
    RoundStatus.OPEN: frozenset({RoundStatus.DRAFT, RoundStatus.MATCHING}),
    RoundStatus.MATCHING: frozenset({RoundStatus.OPEN, RoundStatus.PROPOSALS}),
    RoundStatus.PROPOSALS: frozenset({RoundStatus.MATCHING, RoundStatus.CLOSED}),
    RoundStatus.CLOSED: frozenset(),
}
# Going back to draft is only allowed while nobody has entered anything yet (checked by the
# service); these transitions have that extra condition.
GUARDED_TRANSITIONS: frozenset[tuple[str, str]] = frozenset({(RoundStatus.OPEN, RoundStatus.DRAFT)})


class RoundAction(models.TextChoices):
    """Things that change a round's data; ``ROUND_RULES`` says in which states each is allowed."""

    EDIT_SETTINGS = "edit_settings", _("change mechanism, criteria and capacity dimensions")
    EDIT_SCHEDULE = "edit_schedule", _("change name, description and deadlines")
    EDIT_PARTICIPANTS = "edit_participants", _("add or remove municipalities")
    EDIT_PROFILES = "edit_profiles", _("change municipality profiles")
    REGISTER_HOUSEHOLDS = "register_households", _("register and import households")
    EDIT_INTERVIEWS = "edit_interviews", _("change interviews")
    START_RUN = "start_run", _("start a matching run")
    REVIEW_PROPOSALS = "review_proposals", _("override proposals and publish them")
    DECIDE = "decide", _("decide on published proposals")
    TRAVEL = "travel", _("coordinate travel and record arrival")
    FOLLOW_UP = "follow_up", _("record follow-up surveys")


ROUND_RULES: dict[str, frozenset[str]] = {
    RoundAction.EDIT_SETTINGS: frozenset({RoundStatus.DRAFT}),
    RoundAction.EDIT_SCHEDULE: frozenset({RoundStatus.DRAFT, RoundStatus.OPEN}),
    RoundAction.EDIT_PARTICIPANTS: frozenset({RoundStatus.DRAFT, RoundStatus.OPEN}),
    RoundAction.EDIT_PROFILES: frozenset({RoundStatus.DRAFT, RoundStatus.OPEN}),
    RoundAction.REGISTER_HOUSEHOLDS: frozenset({RoundStatus.OPEN}),
    RoundAction.EDIT_INTERVIEWS: frozenset({RoundStatus.OPEN}),
    # a run moves the round to "matching"; re-matching starts from "proposals"
    RoundAction.START_RUN: frozenset(
        {RoundStatus.OPEN, RoundStatus.MATCHING, RoundStatus.PROPOSALS}
    ),
    RoundAction.REVIEW_PROPOSALS: frozenset({RoundStatus.MATCHING}),
    RoundAction.DECIDE: frozenset({RoundStatus.PROPOSALS}),
    RoundAction.TRAVEL: frozenset({RoundStatus.PROPOSALS, RoundStatus.CLOSED}),
    RoundAction.FOLLOW_UP: frozenset({RoundStatus.PROPOSALS, RoundStatus.CLOSED}),
}


class Mechanism(models.TextChoices):
    AUTO = "auto", _("automatic (optimal when small enough)")
    OPTIMAL = "optimal", _("optimal (maximum total score, proven)")
    SCALABLE = "scalable", _("scalable (large rounds, proven bound)")
    STABLE = "stable", _("stable (no pair prefers each other)")
    GREEDY = "greedy", _("greedy (quick baseline)")


@functools.cache
def _shipped_catalogue() -> Any:
    # parsed once per process: the catalogue is immutable (frozen dataclasses)
    return load_catalogue()


def site_id_for(organisation_id: int) -> str:
    """The engine's site id of a municipality (stable across runs and exports)."""
    return f"m{organisation_id}"


def organisation_id_from_site_id(site_id: str) -> int:
    if not site_id.startswith("m") or not site_id[1:].isdigit():
        raise ValueError(f"not a municipality site id: {site_id!r}")
    return int(site_id[1:])


def _status_in(field: str, choices: type[models.TextChoices] | type[models.IntegerChoices]) -> Q:
    return Q(**{f"{field}__in": list(choices.values)})


# --------------------------------------------------------------------------------------------
# Rounds and municipality profiles
# --------------------------------------------------------------------------------------------


def default_dimensions() -> list[str]:
    return [CapacityDimension.PERSONS, CapacityDimension.SCHOOL, CapacityDimension.KITA]


class Round(models.Model):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    coordinating_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("coordinating organisation"),
        on_delete=models.PROTECT,
        related_name="coordinated_rounds",
    )
    municipalities = models.ManyToManyField(
        Organisation,
        verbose_name=_("participating municipalities"),
        through="MunicipalityProfile",
        through_fields=("round", "municipality"),
        related_name="relocation_rounds",
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    profiles_due = models.DateField(_("profiles due"), null=True, blank=True)
    interviews_close = models.DateField(_("interviews close"), null=True, blank=True)
    decisions_due = models.DateField(_("decisions due"), null=True, blank=True)
    criteria_version = models.CharField(_("criteria catalogue version"), max_length=20, default="1")
    mechanism = models.CharField(
        _("mechanism"), max_length=20, choices=Mechanism.choices, default=Mechanism.AUTO
    )
    capacity_dimensions = models.JSONField(
        _("capacity dimensions"),
        default=default_dimensions,
        help_text=_("What a placement uses up, e.g. persons, school places, kita places."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["coordinating_organisation", "name"], name="round_name_unique_per_org"
            ),
            models.CheckConstraint(
                condition=_status_in("status", RoundStatus), name="round_status_valid"
            ),
            models.CheckConstraint(
                condition=_status_in("mechanism", Mechanism), name="round_mechanism_valid"
            ),
            models.CheckConstraint(
                condition=Q(interviews_close__isnull=True)
                | Q(decisions_due__isnull=True)
                | Q(decisions_due__gte=models.F("interviews_close")),
                name="round_decisions_after_interviews",
            ),
        ]
        indexes = [models.Index(fields=["coordinating_organisation", "status"])]

    def __str__(self) -> str:
        return self.name

    def allows(self, action: str) -> bool:
        """Whether the round's current state allows ``action`` (a :class:`RoundAction`)."""
        return self.status in ROUND_RULES[action]

    def can_move_to(self, status: str) -> bool:
        return status in ROUND_TRANSITIONS[self.status]

    def catalogue(self) -> Any:
        """The engine's criteria catalogue this round uses (only version 1 ships)."""
        return _shipped_catalogue()


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
                condition=Q(size_class="") | _status_in("size_class", SizeClass),
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


# --------------------------------------------------------------------------------------------
# Households: decision data here, identifying data in HouseholdContact
# --------------------------------------------------------------------------------------------


class HouseholdStatus(models.TextChoices):
    REGISTERED = "registered", _("registered")
    INTERVIEWED = "interviewed", _("interview complete")
    PROPOSED = "proposed", _("proposal published")
    PLACED = "placed", _("placement accepted by both sides")
    TRAVELLING = "travelling", _("travelling")
    ARRIVED = "arrived", _("arrived")
    WITHDRAWN = "withdrawn", _("withdrawn")


# Unambiguous characters for reference codes read out over the phone (no 0/O, 1/I/L).
_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """A random pseudonymous reference such as ``H-7KQ3-M9TA``."""
    raw = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"H-{raw[:4]}-{raw[4:]}"


class Household(models.Model):
    """A household that is placed as a whole; identified in decisions only by its reference."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="households"
    )
    reference = models.CharField(
        _("reference"), max_length=20, unique=True, default=new_reference, editable=False
    )
    external_reference = models.CharField(
        _("own reference"),
        max_length=50,
        blank=True,
        help_text=_("The interviewing organisation's own case number, if any."),
    )
    interviewing_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("interviewing organisation"),
        on_delete=models.PROTECT,
        related_name="interviewed_households",
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("interviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interviewed_households",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=HouseholdStatus.choices,
        default=HouseholdStatus.REGISTERED,
    )
    language = models.CharField(
        _("language of the household"),
        max_length=5,
        choices=QuestionnaireLanguage.choices,
        default=QuestionnaireLanguage.UK,
        help_text=_("Used for the questionnaire and the follow-up surveys."),
    )
    # Households that must be placed at the same site (relatives travelling separately).
    linked_with = models.ForeignKey(
        "self",
        verbose_name=_("to be placed together with"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["round", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=_status_in("status", HouseholdStatus), name="household_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(linked_with=models.F("id")), name="household_not_linked_to_itself"
            ),
            models.UniqueConstraint(
                fields=["interviewing_organisation", "external_reference"],
                condition=~Q(external_reference=""),
                name="household_external_reference_unique_per_org",
            ),
        ]
        indexes = [
            models.Index(fields=["interviewing_organisation", "round", "status"]),
            models.Index(fields=["round", "status"]),
        ]

    def __str__(self) -> str:
        return self.reference

    def to_domain(self) -> HouseholdProfile:
        """The engine's household profile (uses prefetched members and interview if present)."""
        members = tuple(DomainMember(m.age_band, m.role, m.relation) for m in self.members.all())
        interview = getattr(self, "interview", None)
        if interview is None:
            return HouseholdProfile(id=self.reference, members=members)
        return HouseholdProfile(
            id=self.reference,
            members=members,
            languages=tuple(interview.languages),
            occupations=tuple(interview.occupations),
            needs=frozenset(interview.needs),
            ties=tuple(site_id_for(int(pk)) for pk in interview.ties),
            importance={str(k): int(v) for k, v in interview.importance.items()},
            ranked_places=tuple(site_id_for(int(pk)) for pk in interview.ranked_places),
            excluded_places=frozenset(site_id_for(int(pk)) for pk in interview.excluded_places),
            preferred_size=interview.preferred_size or None,
            preferred_region=interview.preferred_region or None,
        )

    @property
    def persons(self) -> int:
        return self.members.count()


class HouseholdContact(models.Model):
    """Names and contact data: never part of decision data; municipalities see it only after
    both sides accepted a placement."""

    household = models.OneToOneField(
        Household,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="contact",
    )
    contact_name = models.CharField(_("name of the contact person"), max_length=200)
    member_names = models.TextField(
        _("names of all members"), blank=True, help_text=_("One name per line.")
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    current_location = models.CharField(_("current place of stay"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("contact data")
        verbose_name_plural = _("contact data")

    def __str__(self) -> str:
        return self.contact_name


class Member(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="members"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    age_band = models.CharField(_("age band"), max_length=6, choices=AGE_BAND_CHOICES)
    relation = models.CharField(
        _("relation"), max_length=20, choices=Relation.choices, default=Relation.OTHER
    )
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices, blank=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["household", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=_status_in("role", MemberRole), name="member_role_valid"
            ),
            # the engine relies on it: children are exactly the members in child age bands
            models.CheckConstraint(
                condition=(Q(role=MemberRole.CHILD) & Q(age_band__in=sorted(CHILD_BANDS)))
                | (~Q(role=MemberRole.CHILD) & ~Q(age_band__in=sorted(CHILD_BANDS))),
                name="member_child_role_matches_age_band",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_relation_display()} ({self.age_band})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.role or (self.role == MemberRole.CHILD) != (self.age_band in CHILD_BANDS):
            self.role = role_for_age_band(self.age_band)
        super().save(*args, **kwargs)


class Consent(models.Model):
    """Consent as recorded by the interviewer: for which purposes, when, explained in which
    language. Withdrawing keeps the record (with ``withdrawn_at``); a new consent is a new row."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="consents"
    )
    purposes = models.JSONField(_("purposes"), default=list)
    given_on = models.DateField(_("given on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("interviewer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    explained_in = models.CharField(
        _("explained in"), max_length=5, choices=QuestionnaireLanguage.choices
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["household", "-recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_active_per_household",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.given_on}"

    def covers(self, purpose: str) -> bool:
        return self.withdrawn_at is None and purpose in self.purposes


class Interview(models.Model):
    """The interview answers (decision data). ``completed`` is False while saved unfinished.

    Places (ties, ranked, excluded) are stored as ids of participating municipalities.
    """

    household = models.OneToOneField(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="interview"
    )
    conducted_in = models.CharField(
        _("conducted in"), max_length=5, choices=QuestionnaireLanguage.choices
    )
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    german_level = models.CharField(
        _("best German level in the household"),
        max_length=2,
        blank=True,
        choices=[(x, x) for x in ("A0", "A1", "A2", "B1", "B2", "C1", "C2")],
    )
    occupations = models.JSONField(_("occupations"), default=list, blank=True)
    qualifications = models.TextField(_("qualifications"), blank=True)
    needs = models.JSONField(_("needs"), default=list, blank=True)
    needs_notes = models.TextField(_("notes on needs"), blank=True)
    ties = models.JSONField(_("family or friends at"), default=list, blank=True)
    importance = models.JSONField(_("importance of each criterion"), default=dict, blank=True)
    ranked_places = models.JSONField(_("preferred places, in order"), default=list, blank=True)
    excluded_places = models.JSONField(_("excluded places"), default=list, blank=True)
    preferred_size = models.CharField(
        _("preferred size of place"), max_length=20, choices=SizeClass.choices, blank=True
    )
    preferred_region = models.CharField(
        _("preferred region"), max_length=2, choices=Region.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    completed = models.BooleanField(_("complete"), default=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
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
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(completed=False) | Q(completed_at__isnull=False),
                name="interview_completed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Interview')} {self.household}"


# --------------------------------------------------------------------------------------------
# Matching runs and proposals
# --------------------------------------------------------------------------------------------


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("finished")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")


class MatchingRun(models.Model):
    """One execution of the engine on a snapshot of the round's inputs.

    ``snapshot`` holds the profiles (engine dictionaries), fixed and forbidden pairs and the
    options, so the plain instance can be rebuilt and the run reproduced exactly; ``input_hash``
    is the engine's hash of that instance.
    """

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="runs"
    )
    number = models.PositiveIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=200, blank=True)
    mechanism = models.CharField(_("mechanism"), max_length=20, choices=Mechanism.choices)
    seed = models.BigIntegerField(_("seed"), default=0)
    criteria_version = models.CharField(_("criteria catalogue version"), max_length=20)
    weights = models.JSONField(
        _("weighting"), default=dict, blank=True, help_text=_("Changes to criterion weights.")
    )
    input_hash = models.CharField(_("input hash"), max_length=128, blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("re-matching of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rematches",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_message = models.CharField(_("progress message"), max_length=200, blank=True)
    task_id = models.CharField(_("task id"), max_length=100, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    timings = models.JSONField(_("timings (seconds)"), default=dict, blank=True)
    result = models.JSONField(
        _("result"), default=dict, blank=True, help_text=_("Objective, bound, gap, solver.")
    )
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    snapshot = models.JSONField(_("input snapshot"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["round", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="run_number_unique_per_round"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="run_progress_percent"),
            models.CheckConstraint(condition=Q(seed__gte=0), name="run_seed_non_negative"),
            models.CheckConstraint(
                condition=_status_in("status", RunStatus), name="run_status_valid"
            ),
            models.CheckConstraint(
                condition=_status_in("mechanism", Mechanism), name="run_mechanism_valid"
            ),
        ]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self) -> str:
        return f"{self.round} · {_('run')} {self.number}"


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("under review")
    PUBLISHED = "published", _("published")
    ACCEPTED = "accepted", _("accepted by both sides")
    DECLINED = "declined", _("declined")
    SUPERSEDED = "superseded", _("superseded")


class Proposal(models.Model):
    """The engine's (or the coordinator's) proposal to place a household at a municipality."""

    run = models.ForeignKey(
        MatchingRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="proposals"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="proposals"
    )
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="relocation_proposals",
    )
    score = models.FloatField(_("score"), null=True, blank=True)
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    fixed = models.BooleanField(_("kept from an accepted placement"), default=False)
    overridden = models.BooleanField(_("changed by the coordinator"), default=False)
    override_reason = models.TextField(_("reason for the change"), blank=True)
    original_municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality proposed by the engine"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["run", "municipality", "household"]
        constraints = [
            models.UniqueConstraint(fields=["run", "household"], name="proposal_one_per_household"),
            models.CheckConstraint(
                condition=Q(overridden=False) | ~Q(override_reason=""),
                name="proposal_override_needs_reason",
            ),
            models.CheckConstraint(
                condition=_status_in("status", ProposalStatus), name="proposal_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "status"]),
            models.Index(fields=["household", "status"]),
            models.Index(fields=["run", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.household} → {self.municipality}"


class DecisionSide(models.TextChoices):
    MUNICIPALITY = "municipality", _("municipality")
    HOUSEHOLD = "household", _("household")


class DecisionOutcome(models.TextChoices):
    ACCEPT = "accept", _("accepted")
    DECLINE = "decline", _("declined")


class Decision(models.Model):
    """One side's answer to a published proposal: the municipality's (by its officer) or the
    household's consent (recorded by its interviewer). Declining needs a reason."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="decisions"
    )
    side = models.CharField(_("side"), max_length=20, choices=DecisionSide.choices)
    outcome = models.CharField(_("decision"), max_length=10, choices=DecisionOutcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["proposal", "decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "side"], name="decision_one_per_side"),
            models.CheckConstraint(
                condition=Q(outcome=DecisionOutcome.ACCEPT) | ~Q(reason=""),
                name="decision_decline_needs_reason",
            ),
            models.CheckConstraint(
                condition=_status_in("side", DecisionSide), name="decision_side_valid"
            ),
            models.CheckConstraint(
                condition=_status_in("outcome", DecisionOutcome), name="decision_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.get_side_display()} {self.get_outcome_display()}"


# --------------------------------------------------------------------------------------------
# Travel, arrival, follow-up
# --------------------------------------------------------------------------------------------


class TravelStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    BOOKED = "booked", _("tickets booked")
    UNDERWAY = "underway", _("on the way")
    ARRIVED = "arrived", _("arrived")
    CANCELLED = "cancelled", _("cancelled")


class Travel(models.Model):
    proposal = models.OneToOneField(
        Proposal, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="travel"
    )
    departure_on = models.DateField(_("travel date"), null=True, blank=True)
    route = models.TextField(_("route"), blank=True)
    contact_at_arrival = models.CharField(
        _("contact person at arrival"), max_length=200, blank=True
    )
    contact_phone = models.CharField(_("phone of the contact person"), max_length=50, blank=True)
    meeting_point = models.CharField(_("meeting point"), max_length=200, blank=True)
    information_for_municipality = models.TextField(
        _("information for the municipality before arrival"), blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TravelStatus.choices, default=TravelStatus.PLANNED
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
        verbose_name = _("travel")
        verbose_name_plural = _("travel")
        constraints = [
            models.CheckConstraint(
                condition=_status_in("status", TravelStatus), name="travel_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "departure_on"])]

    def __str__(self) -> str:
        return f"{_('Travel')} {self.proposal}"


class Arrival(models.Model):
    """Arrival and registration (Anmeldung), recorded by the municipality."""

    proposal = models.OneToOneField(
        Proposal, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="arrival"
    )
    arrived_on = models.DateField(_("arrived on"))
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    housing_ready = models.BooleanField(_("housing ready"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("arrival")
        verbose_name_plural = _("arrivals")
        constraints = [
            models.CheckConstraint(
                condition=Q(registered_on__isnull=True)
                | Q(registered_on__gte=models.F("arrived_on")),
                name="arrival_registration_after_arrival",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Arrival')} {self.proposal}"


class FollowUpWave(models.IntegerChoices):
    ONE_MONTH = 1, _("after 1 month")
    SIX_MONTHS = 6, _("after 6 months")
    TWELVE_MONTHS = 12, _("after 12 months")


class SurveyStatus(models.TextChoices):
    DUE = "due", _("due")
    COMPLETED = "completed", _("completed")
    NOT_REACHED = "not_reached", _("not reached")
    DECLINED = "declined", _("declined to answer")


class YesNo(models.TextChoices):
    YES = "yes", _("yes")
    NO = "no", _("no")
    NOT_APPLICABLE = "n/a", _("does not apply")


def _likert(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
        name=f"survey_{name}_1_to_5",
    )


class FollowUpSurvey(models.Model):
    """A follow-up survey 1, 6 or 12 months after arrival, in the household's language.

    Ratings are 1 (not at all) … 5 (completely); ``answers`` keeps free text and any further
    questions a programme adds.
    """

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="surveys"
    )
    wave = models.PositiveSmallIntegerField(_("wave"), choices=FollowUpWave.choices)
    due_on = models.DateField(_("due on"))
    language = models.CharField(_("language"), max_length=5, choices=QuestionnaireLanguage.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=SurveyStatus.choices, default=SurveyStatus.DUE
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    good_decision = models.PositiveSmallIntegerField(
        _("taking part was a good decision"), null=True, blank=True
    )
    place_fits = models.PositiveSmallIntegerField(_("the place still fits"), null=True, blank=True)
    working = models.CharField(_("in work"), max_length=3, choices=YesNo.choices, blank=True)
    children_in_school = models.CharField(
        _("children in school or kita"), max_length=3, choices=YesNo.choices, blank=True
    )
    language_course = models.CharField(
        _("in a language course"), max_length=3, choices=YesNo.choices, blank=True
    )
    answers = models.JSONField(_("further answers"), default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("follow-up survey")
        verbose_name_plural = _("follow-up surveys")
        ordering = ["household", "wave"]
        constraints = [
            models.UniqueConstraint(fields=["household", "wave"], name="survey_one_per_wave"),
            models.CheckConstraint(
                condition=_status_in("wave", FollowUpWave), name="survey_wave_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=SurveyStatus.COMPLETED) | Q(completed_on__isnull=False),
                name="survey_completed_has_date",
            ),
            _likert("satisfaction"),
            _likert("good_decision"),
            _likert("place_fits"),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.household} · {self.get_wave_display()}"


__all__ = [
    "GUARDED_TRANSITIONS",
    "ROUND_RULES",
    "ROUND_TRANSITIONS",
    "Arrival",
    "Consent",
    "ConsentPurpose",
    "Decision",
    "DecisionOutcome",
    "DecisionSide",
    "FollowUpSurvey",
    "FollowUpWave",
    "Household",
    "HouseholdContact",
    "HouseholdStatus",
    "Interview",
    "MatchingRun",
    "Mechanism",
    "Member",
    "MunicipalityProfile",
    "Proposal",
    "ProposalStatus",
    "Round",
    "RoundAction",
    "RoundStatus",
    "RunStatus",
    "SurveyStatus",
    "Travel",
    "TravelStatus",
    "organisation_id_from_site_id",
    "site_id_for",
]
