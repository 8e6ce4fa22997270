"""Follow-up surveys 1, 6 and 12 months after arrival, recorded by the household's interviewing
organisation (or the coordinator) in the household's language; the researchers' export of the
answers."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from passgenau.apps.audit.services import log_action
from passgenau.apps.core.corrections import correction_reason
from passgenau.apps.core.protected_exports import protected_export_create

from .. import policies
from ..models import FollowUpSurvey, Round, RoundAction, SurveyStatus, YesNo
from ..selectors import followup as followup_selectors
from . import corrections
from . import rounds as round_services

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from passgenau.apps.accounts.models import User
    from passgenau.apps.core.models import ProtectedExport

RATINGS = ("satisfaction", "good_decision", "place_fits")
YES_NO = ("working", "children_in_school", "language_course")


def survey_may_record(*, actor: User, survey: FollowUpSurvey) -> bool:
    return policies.survey_may_record(actor, survey)


def survey_not_open_message(survey: FollowUpSurvey) -> str:
    return _(
        "This survey can be recorded from %(opens)s on (two weeks before it is due on %(due)s)."
    ) % {
        "opens": formats.date_format(survey.opens_on, "SHORT_DATE_FORMAT"),
        "due": formats.date_format(survey.due_on, "SHORT_DATE_FORMAT"),
    }


def _locked(actor: User, survey: FollowUpSurvey) -> FollowUpSurvey:
    """The survey re-read under a row lock, for a change by ``actor`` (its household's
    organisation or the round's coordinator) while the round takes follow-up surveys."""
    survey = (
        FollowUpSurvey.objects.select_for_update(of=("self",))
        .select_related("household__round")
        .get(pk=survey.pk)
    )
    if not survey_may_record(actor=actor, survey=survey):
        raise ValidationError(_("Only the household's organisation records its surveys."))
    round_services.round_require(round_=survey.household.round, action=RoundAction.FOLLOW_UP)
    return survey


def _answers(values: dict[str, Any]) -> dict[str, Any]:
    """How the survey ended and, when completed, its ratings (1–5) and yes/no answers, checked;
    a ValidationError naming each answer missing or out of range."""
    status = values.get("status") or SurveyStatus.COMPLETED
    if status not in SurveyStatus.values or status == SurveyStatus.DUE:
        raise ValidationError({"status": _("Choose how the survey ended.")})
    errors: dict[str, str] = {}
    completed = status == SurveyStatus.COMPLETED
    if completed:
        for name in RATINGS:
            value = values.get(name)
            if value in (None, ""):
                errors[name] = _("Give a rating from 1 to 5.")
            elif not str(value).isdigit() or not 1 <= int(value) <= 5:
                errors[name] = _("A rating is a whole number from 1 to 5.")
        for name in YES_NO:
            if values.get(name) not in YesNo.values:
                errors[name] = _("Choose yes, no or does not apply.")
    if errors:
        raise ValidationError(errors)
    answers: dict[str, Any] = {"status": status}
    for name in RATINGS:
        answers[name] = int(values[name]) if completed else None
    for name in YES_NO:
        answers[name] = values[name] if completed else ""
    return answers


@transaction.atomic
def survey_record(
    *, actor: User, survey: FollowUpSurvey, values: dict[str, Any], today: dt.date | None = None
) -> FollowUpSurvey:
    """Store the answers (ratings 1–5, yes/no/does not apply) or that the household could not
    be reached or declined to answer; not before the survey's window opens (two weeks before
    its due date)."""
    survey = _locked(actor, survey)
    if survey.status != SurveyStatus.DUE:
        raise ValidationError(
            _("The survey is already recorded; correct it with a reason."), code="recorded"
        )
    today = today or timezone.localdate()
    if not survey.is_open_on(today):
        raise ValidationError(survey_not_open_message(survey))
    answers = _answers(values)
    for name, value in answers.items():
        setattr(survey, name, value)
    survey.completed_on = today if answers["status"] == SurveyStatus.COMPLETED else None
    comment = (values.get("comment") or "").strip()
    if comment:
        survey.answers = {**survey.answers, "comment": comment}
    survey.recorded_by = actor
    survey.save()
    log_action(
        "relocation.survey.recorded",
        actor=actor,
        obj=survey,
        data={"wave": survey.wave, "status": answers["status"]},
    )
    return survey


@transaction.atomic
def survey_correct(
    *,
    actor: User,
    survey: FollowUpSurvey,
    reason: str,
    values: dict[str, Any],
    completed_on: dt.date | None = None,
) -> FollowUpSurvey:
    """Correct a recorded survey (its household's organisation), with a reason: how it ended,
    the answers and the day it was held, by the rules of recording it (the day neither in the
    future nor before the survey's window opened). The values before and after are kept in a
    ``Correction`` (the comment only as given or not); the audit entry names the fields."""
    survey = _locked(actor, survey)
    if survey.status == SurveyStatus.DUE:
        raise ValidationError(_("The survey is not recorded yet."), code="not_recorded")
    reason = correction_reason(reason)
    new = _answers(values)
    if new["status"] == SurveyStatus.COMPLETED:
        if completed_on is None:
            raise ValidationError({"completed_on": _("Give the day the survey was held.")})
        if completed_on > timezone.localdate():
            raise ValidationError(
                {"completed_on": _("The survey cannot have been held in the future.")}
            )
        if completed_on < survey.opens_on:
            raise ValidationError(
                {
                    "completed_on": _(
                        "The survey could be held from %(date)s on: not on an earlier day."
                    )
                    % {"date": formats.date_format(survey.opens_on, "SHORT_DATE_FORMAT")}
                }
            )
        new["completed_on"] = completed_on
    else:
        new["completed_on"] = None
    comment = (values.get("comment") or "").strip()
    new["comment"] = comment
    current = {k: getattr(survey, k) for k in new if k != "comment"}
    current["comment"] = survey.answers.get("comment", "")
    changed = corrections.changed_values(current, new)
    before = {k: corrections.kept(current[k], free_text=k == "comment") for k in changed}
    for name, value in changed.items():
        if name != "comment":
            setattr(survey, name, value)
    if "comment" in changed:
        answers = {k: v for k, v in survey.answers.items() if k != "comment"}
        survey.answers = {**answers, "comment": comment} if comment else answers
    survey.save()
    corrections.correction_keep(
        actor=actor,
        fact=survey,
        before=before,
        after={k: corrections.kept(v, free_text=k == "comment") for k, v in changed.items()},
        reason=reason,
        action="relocation.survey.corrected",
        obj=survey,
        data={"wave": survey.wave},  # the answers are the household's: not in the audit trail
    )
    return survey


__all__ = [
    "RATINGS",
    "YES_NO",
    "survey_correct",
    "survey_may_record",
    "survey_not_open_message",
    "survey_record",
]


def evaluation_export(
    *, actor: User, rounds: QuerySet[Round], fmt: str, password: str
) -> ProtectedExport:
    """The researchers' export of the follow-up surveys of ``rounds`` (one row per survey, with
    pseudonymous ids) as ``fmt``, in a zip encrypted with ``password`` for ``actor`` only
    (docs/adr/0008); audited with the format, the rounds, the number of rows and the export."""
    rows = followup_selectors.evaluation_rows(user=actor, rounds=rounds)
    name = f"follow-up-surveys.{fmt}"
    export = protected_export_create(
        owner=actor,
        filename=f"follow-up-surveys-{fmt}.zip",
        files={name: followup_selectors.evaluation_file(rows, fmt)},
        password=password,
    )
    log_action(
        "relocation.evaluation.exported",
        actor=actor,
        data={
            "format": fmt,
            "rounds": list(rounds.order_by("pk").values_list("pk", flat=True)),
            "rows": len(rows),
            "export": export.pk,
        },
    )
    return export
