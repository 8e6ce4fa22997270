"""Mentoring: mentors (volunteers from here, or people who arrived earlier themselves) with the
languages they speak, the times they are free, their interests and how many newcomers they can
accompany; a case's request for a mentor; the engine's proposals (``mentoring-v1.yaml``), which
both sides accept; the meetings of a pair.

A request moves along :data:`MENTEE_REQUEST_TRANSITIONS`, a proposal (a pair once accepted by
both sides) along :data:`MENTOR_PROPOSAL_TRANSITIONS`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from passgenau.apps.accounts.models import Organisation

from .cases import _REFERENCE_ALPHABET, Case, ContactKind, Language
from .housing import District
from .matching import EngineProposal, ProposalStatus, request_constraints


def new_mentor_reference() -> str:
    """A pseudonymous reference such as ``M-7KQ3-M9TA`` (what the audit trail and runs name)."""
    raw = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"M-{raw[:4]}-{raw[4:]}"


class MentorKind(models.TextChoices):
    PEER = "peer", _("arrived earlier themselves")
    LOCAL = "local", _("volunteer from here")


class Interest(models.TextChoices):
    FOOTBALL = "football", _("football and sports")
    MUSIC = "music", _("music")
    COOKING = "cooking", _("cooking")
    CRAFTS = "crafts", _("crafts and repairs")
    NATURE = "nature", _("walks and nature")
    CULTURE = "culture", _("museums and culture")
    COMPUTERS = "computers", _("computers")
    FAMILY = "family", _("family outings")


_DAYS = [
    ("mon", _("Monday")),
    ("tue", _("Tuesday")),
    ("wed", _("Wednesday")),
    ("thu", _("Thursday")),
    ("fri", _("Friday")),
    ("sat", _("Saturday")),
    ("sun", _("Sunday")),
]
_PARTS = [("am", _("morning")), ("pm", _("afternoon")), ("eve", _("evening"))]
# Free times as the catalogue's slot tags: slot:tue_pm is "Tuesday afternoon".
SLOT_CHOICES = [
    (f"{day}_{part}", format_lazy("{} {}", day_label, part_label))
    for day, day_label in _DAYS
    for part, part_label in _PARTS
]
SLOTS = frozenset(value for value, _label in SLOT_CHOICES)


def _labels(values: list[str], choices: Sequence[tuple[str, object]]) -> str:
    names = dict(choices)
    return ", ".join(str(names.get(v, v)) for v in values)


class Profiled(models.Model):
    """What mentors and requests both give: the languages spoken, free times, interests and the
    district one lives in (the tags of ``mentoring-v1.yaml``), and the same in words."""

    languages = models.JSONField(_("languages"), default=list)
    slots = models.JSONField(_("free times"), default=list)
    interests = models.JSONField(_("interests"), default=list, blank=True)
    district = models.ForeignKey(
        District,
        verbose_name=_("lives in the district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True

    def languages_display(self) -> str:
        return _labels(self.languages, Language.choices)

    def slots_display(self) -> str:
        return _labels(self.slots, SLOT_CHOICES)

    def interests_display(self) -> str:
        return _labels(self.interests, Interest.choices)


class Mentor(Profiled):
    """A person who accompanies newcomers; kept by the organisation that coordinates them."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(
        _("reference"), max_length=20, unique=True, default=new_mentor_reference, editable=False
    )
    # shown to caseworkers; never written to the audit trail or into a run
    name = models.CharField(pgettext_lazy("person", "name"), max_length=200)
    kind = models.CharField(_("kind of mentor"), max_length=10, choices=MentorKind.choices)
    capacity = models.PositiveSmallIntegerField(
        _("newcomers at the same time"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    active = models.BooleanField(_("takes newcomers"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        ordering = ["organisation", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=5), name="mentor_capacity_range"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MentorKind.values), name="mentor_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("cases:mentor_edit", kwargs={"pk": self.pk})

    def audit_label(self) -> str:
        """The name of the mentor in the audit trail: its pseudonymous code, never the name."""
        return self.reference


class MenteeRequestStatus(models.TextChoices):
    WAITING = "waiting", _("waiting for a mentor")
    PROPOSED = "proposed", _("mentor proposed")
    MATCHED = "matched", _("accompanied by a mentor")
    ENDED = "ended", _("mentoring ended")
    WITHDRAWN = "withdrawn", _("withdrawn")


MENTEE_REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    MenteeRequestStatus.WAITING: frozenset(
        {MenteeRequestStatus.PROPOSED, MenteeRequestStatus.WITHDRAWN}
    ),
    MenteeRequestStatus.PROPOSED: frozenset(
        {MenteeRequestStatus.WAITING, MenteeRequestStatus.MATCHED, MenteeRequestStatus.WITHDRAWN}
    ),
    MenteeRequestStatus.MATCHED: frozenset({MenteeRequestStatus.ENDED}),
    MenteeRequestStatus.ENDED: frozenset(),
    MenteeRequestStatus.WITHDRAWN: frozenset(),
}
LIVE_MENTEE_STATUSES = (
    MenteeRequestStatus.WAITING,
    MenteeRequestStatus.PROPOSED,
    MenteeRequestStatus.MATCHED,
)


class MenteeRequest(Profiled):
    """A case's household or person asks for a mentor: the languages it speaks, its own
    language, when it is free, what it likes, and the kind of mentor it wishes for."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="mentee_requests"
    )
    own_language = models.CharField(_("own language"), max_length=5, choices=Language.choices)
    wish = models.CharField(
        _("kind of mentor wished for"), max_length=10, choices=MentorKind.choices, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MenteeRequestStatus.choices,
        default=MenteeRequestStatus.WAITING,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mentee request")
        verbose_name_plural = _("mentee requests")
        ordering = ["created_at", "id"]
        constraints = request_constraints(
            "mentee_request", MenteeRequestStatus.values, LIVE_MENTEE_STATUSES
        )

    def __str__(self) -> str:
        return f"N{self.pk}"

    def get_absolute_url(self) -> str:
        return f"{reverse('cases:case_detail', kwargs={'pk': self.case_id})}#mentoring"


MENTOR_PROPOSAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ProposalStatus.PROPOSED: frozenset({ProposalStatus.ACCEPTED, ProposalStatus.DECLINED}),
    ProposalStatus.ACCEPTED: frozenset({ProposalStatus.ENDED}),
    ProposalStatus.DECLINED: frozenset(),
    ProposalStatus.ENDED: frozenset(),
}


class MentorProposal(EngineProposal):
    """A mentor the engine proposed for a request; once both sides accepted, the pair."""

    request = models.ForeignKey(
        MenteeRequest,
        verbose_name=_("mentee request"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    mentor = models.ForeignKey(
        Mentor, verbose_name=_("mentor"), on_delete=models.PROTECT, related_name="proposals"
    )
    mentee_accepted_on = models.DateField(_("accepted by the newcomer on"), null=True, blank=True)
    mentor_accepted_on = models.DateField(_("accepted by the mentor on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("mentor proposal")
        verbose_name_plural = _("mentor proposals")
        ordering = ["run", "request", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status__in=["proposed", "accepted"]),
                name="mentor_proposal_one_live_per_request",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted")
                | Q(mentee_accepted_on__isnull=False, mentor_accepted_on__isnull=False),
                name="mentor_proposal_accepted_by_both",
            ),
        ]

    def __str__(self) -> str:
        return f"P{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("cases:mentor_pair", kwargs={"pk": self.pk})

    @property
    def paired_on(self) -> dt.date | None:
        """The day the second side accepted (None before)."""
        days = [d for d in (self.mentee_accepted_on, self.mentor_accepted_on) if d is not None]
        return max(days) if len(days) == 2 else None


class MentorMeeting(models.Model):
    """A meeting of a pair: when, how long, in which way (no notes: the pair's own matter)."""

    pair = models.ForeignKey(
        MentorProposal, verbose_name=_("pair"), on_delete=models.CASCADE, related_name="meetings"
    )
    on = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(
        _("minutes"), validators=[MinValueValidator(5), MaxValueValidator(720)]
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ContactKind.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mentoring meeting")
        verbose_name_plural = _("mentoring meetings")
        ordering = ["pair", "-on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=5, minutes__lte=720), name="mentor_meeting_minutes_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pair} {self.on}"


__all__ = [
    "LIVE_MENTEE_STATUSES",
    "MENTEE_REQUEST_TRANSITIONS",
    "MENTOR_PROPOSAL_TRANSITIONS",
    "SLOTS",
    "SLOT_CHOICES",
    "Interest",
    "MenteeRequest",
    "MenteeRequestStatus",
    "Mentor",
    "MentorKind",
    "MentorMeeting",
    "MentorProposal",
]
