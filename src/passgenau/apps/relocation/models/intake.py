"""Households: decision data (members, interview) here, identifying data in
``HouseholdContact``; consent per purpose."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from passgenau.apps.accounts.models import Organisation
from passgenau.engine.matching.profiles import CHILD_BANDS, HouseholdProfile
from passgenau.engine.matching.profiles import Member as DomainMember

from .base import status_in
from .profiles import site_id_for
from .rounds import Round
from .vocab import (
    AGE_BAND_CHOICES,
    MemberRole,
    QuestionnaireLanguage,
    Region,
    Relation,
    SizeClass,
    member_role_fits_band,
    role_for_age_band,
)


class HouseholdStatus(models.TextChoices):
    REGISTERED = "registered", _("registered")
    INTERVIEWED = "interviewed", _("interview complete")
    PROPOSED = "proposed", _("proposal published")
    PLACED = "placed", _("placement accepted by both sides")
    TRAVELLING = "travelling", _("travelling")
    ARRIVED = "arrived", _("arrived")
    WITHDRAWN = "withdrawn", _("withdrawn")


# From each state, the states a household may move to (``services/states.py`` checks and logs
# every change). A household may withdraw its consent at any time; a declined proposal sends it
# back to the matching; a cancelled journey back to "placed".
HOUSEHOLD_TRANSITIONS: dict[str, frozenset[str]] = {
    HouseholdStatus.REGISTERED: frozenset({HouseholdStatus.INTERVIEWED, HouseholdStatus.WITHDRAWN}),
    HouseholdStatus.INTERVIEWED: frozenset(
        {HouseholdStatus.REGISTERED, HouseholdStatus.PROPOSED, HouseholdStatus.WITHDRAWN}
    ),
    HouseholdStatus.PROPOSED: frozenset(
        {HouseholdStatus.INTERVIEWED, HouseholdStatus.PLACED, HouseholdStatus.WITHDRAWN}
    ),
    # back to waiting for the re-matching: the placement's acceptance is corrected to a decline
    HouseholdStatus.PLACED: frozenset(
        {
            HouseholdStatus.INTERVIEWED,
            HouseholdStatus.TRAVELLING,
            HouseholdStatus.ARRIVED,
            HouseholdStatus.WITHDRAWN,
        }
    ),
    HouseholdStatus.TRAVELLING: frozenset(
        {HouseholdStatus.PLACED, HouseholdStatus.ARRIVED, HouseholdStatus.WITHDRAWN}
    ),
    HouseholdStatus.ARRIVED: frozenset({HouseholdStatus.WITHDRAWN}),
    HouseholdStatus.WITHDRAWN: frozenset(),
}


# Unambiguous characters for reference codes read out over the phone (no 0/O, 1/I/L).
_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    """A random pseudonymous reference such as ``H-7KQ3-M9TA``."""
    raw = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"H-{raw[:4]}-{raw[4:]}"


def new_submission_token() -> str:
    """The one-time token of a registration page (see ``Household.submission_token``)."""
    return secrets.token_hex(16)


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
    # The token of the registration page it was registered with: the page sent twice (a double
    # click) finds the household of the first send instead of registering a second one.
    submission_token = models.CharField(
        _("registration token"), max_length=32, blank=True, default="", editable=False
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["round", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=status_in("status", HouseholdStatus), name="household_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(linked_with=models.F("id")), name="household_not_linked_to_itself"
            ),
            models.UniqueConstraint(
                fields=["interviewing_organisation", "external_reference"],
                condition=~Q(external_reference=""),
                name="household_external_reference_unique_per_org",
            ),
            models.UniqueConstraint(
                fields=["interviewing_organisation", "submission_token"],
                condition=~Q(submission_token=""),
                name="household_submission_token_unique_per_org",
            ),
        ]
        indexes = [
            models.Index(fields=["interviewing_organisation", "round", "status"]),
            models.Index(fields=["round", "status"]),
        ]

    def __str__(self) -> str:
        return self.reference

    def consents_to(self, purpose: str) -> bool:
        """Whether the household's current consent (none after a withdrawal) covers ``purpose``."""
        current = self.consents.filter(withdrawn_at__isnull=True).first()
        return current is not None and current.covers(purpose)

    def audit_label(self) -> str:
        """The name of the household in the audit trail: its pseudonymous code."""
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

    def audit_label(self) -> str:
        """Never the name (``str``): the audit trail names the household's pseudonymous code."""
        return Household.objects.values_list("reference", flat=True).get(pk=self.household_id)


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
                condition=status_in("role", MemberRole), name="member_role_valid"
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
        if not member_role_fits_band(self.role, self.age_band):
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
