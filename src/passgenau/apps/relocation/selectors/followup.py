"""Follow-up surveys and the evaluation of rounds: aggregates per round and across rounds, and
an export for researchers with pseudonymous ids (keyed hashes: stable across exports, not
reversible without the server's secret key, and not the reference staff use)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import Http404

from passgenau.apps.accounts.models import Organisation
from passgenau.apps.audit.services import log_read
from passgenau.apps.core.spreadsheets import TABLE_FORMATS, table_bytes

from .. import policies
from ..models import (
    Consent,
    FollowUpSurvey,
    FollowUpWave,
    Proposal,
    ProposalStatus,
    Round,
    SurveyState,
    SurveyStatus,
    YesNo,
)
from ..models.followup import SURVEY_WINDOW
from ..models.vocab import ConsentPurpose
from .lists import ListFields, ListFilters, list_filtered, log_households_shown, municipalities_of

if TYPE_CHECKING:
    from passgenau.apps.accounts.access import Visitor


def surveys_for_user(*, user: Visitor) -> QuerySet[FollowUpSurvey]:
    """Interviewers: surveys of their organisation's households; coordinators: of their rounds."""
    surveys = FollowUpSurvey.objects.select_related("household__round").order_by(
        "due_on", "household__reference", "wave"
    )
    return policies.scoped(surveys, policies.surveys_scope(user))


def survey_states() -> list[tuple[str, Any]]:
    """The states the surveys page filters by: where an open survey stands today (planned,
    due, overdue), or how a held one ended."""
    return [
        *SurveyState.choices,
        *[c for c in SurveyStatus.choices if c[0] != SurveyStatus.DUE],
    ]


def _state_filter(state: str, today: dt.date) -> Q:
    """The surveys in ``state`` on ``today`` (:meth:`FollowUpSurvey.state_on` in the database)."""
    open_ = Q(status=SurveyStatus.DUE)
    if state == SurveyState.PLANNED:
        return open_ & Q(due_on__gt=today + SURVEY_WINDOW)
    if state == SurveyState.DUE:
        return open_ & Q(due_on__gte=today, due_on__lte=today + SURVEY_WINDOW)
    if state == SurveyState.OVERDUE:
        return open_ & Q(due_on__lt=today)
    return Q(status=state)


def _placed_in(municipality: Organisation) -> Q:
    """Surveys of households whose accepted placement is in ``municipality``."""
    placed = Proposal.objects.filter(status=ProposalStatus.ACCEPTED, municipality=municipality)
    return Q(household_id__in=placed.values("household_id"))


def survey_municipalities(*, user: Visitor) -> QuerySet[Organisation]:
    """The municipalities the user's surveyed households were placed in (the filter's choices)."""
    placed = Proposal.objects.filter(
        status=ProposalStatus.ACCEPTED,
        household_id__in=surveys_for_user(user=user).values("household_id"),
    )
    return municipalities_of(placed)


def surveys_search(
    *, user: Visitor, filters: ListFilters, today: dt.date
) -> QuerySet[FollowUpSurvey]:
    """The user's surveys, filtered (the state: :func:`survey_states` on ``today``; the
    municipality: where the household was placed). Not logged here: the page logs the
    households it shows (:func:`surveys_log_read`)."""
    surveys = list_filtered(
        surveys_for_user(user=user),
        user=user,
        filters=filters,
        fields=ListFields(status=None, round_="household__round", municipality=None),
    )
    if filters.status:
        surveys = surveys.filter(_state_filter(filters.status, today))
    if filters.municipality is not None:
        surveys = surveys.filter(_placed_in(filters.municipality))
    return surveys.order_by("due_on", "household__reference", "wave", "pk")


def surveys_log_read(
    *, user: Visitor, surveys: Iterable[FollowUpSurvey], query: str = ""
) -> list[FollowUpSurvey]:
    """Log the households of these surveys as seen (one entry, and whether they were searched
    by name)."""
    shown = list(surveys)
    households = {s.household_id: s.household for s in shown}
    log_households_shown(user=user, households=households.values(), query=query, page="surveys")
    return shown


def survey_get_for_user(*, user: Visitor, pk: int) -> FollowUpSurvey:
    found = surveys_for_user(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404("no such survey")
    log_read(actor=user, obj=found.household, data={"survey": found.pk})
    return found


def _consent_covers(purpose: str) -> Q:
    """Consent rows in force whose purposes include ``purpose``, in the database: the purposes
    are a JSON list of codes, read as its text (``["matching", "research"]`` on SQLite and
    PostgreSQL alike) and searched for the quoted code, since SQLite has no JSON ``contains``.
    The codes are plain words, so a quoted code matches that element only."""
    return Q(withdrawn_at__isnull=True, purposes_text__contains=f'"{purpose}"')


def _for_research(surveys: QuerySet[FollowUpSurvey]) -> QuerySet[FollowUpSurvey]:
    """Only the surveys of households whose current consent covers evaluation and research
    (one EXISTS on the consent rows, however many households)."""
    research = (
        Consent.objects.annotate(purposes_text=Cast("purposes", TextField()))
        .filter(household_id=OuterRef("household_id"))
        .filter(_consent_covers(ConsentPurpose.RESEARCH))
    )
    return surveys.filter(Exists(research))


def _survey_figures(surveys: QuerySet[FollowUpSurvey]) -> dict[str, Any]:
    done = surveys.filter(status=SurveyStatus.COMPLETED)
    figures = done.aggregate(
        satisfaction=Avg("satisfaction"),
        good_decision=Avg("good_decision"),
        place_fits=Avg("place_fits"),
        completed=Count("id"),
        working_yes=Count("id", filter=Q(working=YesNo.YES)),
        working_asked=Count("id", filter=Q(working__in=[YesNo.YES, YesNo.NO])),
        school_yes=Count("id", filter=Q(children_in_school=YesNo.YES)),
        school_asked=Count("id", filter=Q(children_in_school__in=[YesNo.YES, YesNo.NO])),
        course_yes=Count("id", filter=Q(language_course=YesNo.YES)),
        course_asked=Count("id", filter=Q(language_course__in=[YesNo.YES, YesNo.NO])),
    )
    figures["due"] = surveys.count()
    for key in ("working", "school", "course"):
        asked = figures.pop(f"{key}_asked")
        yes = figures.pop(f"{key}_yes")
        figures[f"{key}_share"] = None if not asked else yes / asked
    return figures


def round_evaluation(*, round_: Round) -> dict[str, Any]:
    """Decisions and follow-up figures of one round (aggregates only: no household shown)."""
    proposals = Proposal.objects.filter(run__round=round_, run__published_at__isnull=False)
    decided = proposals.aggregate(
        published=Count("id"),
        accepted=Count("id", filter=Q(status=ProposalStatus.ACCEPTED)),
        declined=Count("id", filter=Q(status=ProposalStatus.DECLINED)),
        arrived=Count("id", filter=Q(arrival__isnull=False)),
    )
    waves = []
    for wave, label in FollowUpWave.choices:
        surveys = _for_research(FollowUpSurvey.objects.filter(household__round=round_, wave=wave))
        waves.append({"wave": wave, "label": label, **_survey_figures(surveys)})
    return {"round": round_, "decisions": decided, "waves": waves}


def rounds_evaluation(*, rounds: QuerySet[Round]) -> list[dict[str, Any]]:
    """One row per round: decisions, arrivals and the 1-month figures (a handful of queries
    per round; rounds are few)."""
    return [round_evaluation(round_=r) for r in rounds]


def pseudonymous_id(household_pk: int) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"household:{household_pk}".encode(), hashlib.sha256
    ).hexdigest()
    return f"P{digest[:12]}"


EXPORT_COLUMNS = (
    "pseudonymous_id",
    "round",
    "municipality",
    "persons",
    "children",
    "wave",
    "due_on",
    "status",
    "completed_on",
    "satisfaction",
    "good_decision",
    "place_fits",
    "working",
    "children_in_school",
    "language_course",
    "language",
)


def evaluation_rows(*, user: Visitor, rounds: QuerySet[Round]) -> list[list[Any]]:
    """One row per survey of the given rounds, identified only by a pseudonymous id."""
    surveys = (
        _for_research(FollowUpSurvey.objects.filter(household__round__in=rounds))
        .select_related("household__round")
        .annotate(
            persons=Count("household__members", distinct=True),
            children=Count(
                "household__members",
                filter=Q(household__members__role="child"),
                distinct=True,
            ),
        )
        .order_by("household__round_id", "household_id", "wave")
    )
    placed_at = dict(
        Proposal.objects.filter(run__round__in=rounds, status=ProposalStatus.ACCEPTED).values_list(
            "household_id", "municipality__name"
        )
    )
    rows = [
        [
            pseudonymous_id(s.household_id),
            s.household.round.name,
            placed_at.get(s.household_id, ""),
            s.persons,
            s.children,
            s.wave,
            s.due_on.isoformat(),
            s.status,
            s.completed_on.isoformat() if s.completed_on else "",
            s.satisfaction if s.satisfaction is not None else "",
            s.good_decision if s.good_decision is not None else "",
            s.place_fits if s.place_fits is not None else "",
            s.working,
            s.children_in_school,
            s.language_course,
            s.language,
        ]
        for s in surveys
    ]
    return rows


EXPORT_FORMATS = TABLE_FORMATS


def evaluation_file(rows: list[list[Any]], fmt: str) -> bytes:
    """:func:`evaluation_rows` as ``fmt`` (one of ``EXPORT_FORMATS``)."""
    return table_bytes([list(EXPORT_COLUMNS), *rows], fmt=fmt, title="surveys")


def evaluation_csv(rows: list[list[Any]]) -> bytes:
    """UTF-8 with a byte order mark (for Excel); typed text never becomes a formula."""
    return evaluation_file(rows, "csv")
