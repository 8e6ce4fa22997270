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
from passgenau.apps.core.protected_exports import protected_export_create

from .. import policies
from ..models import FollowUpSurvey, Round, RoundAction, SurveyStatus, YesNo
from ..selectors import followup as followup_selectors
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


@transaction.atomic
def survey_record(
    *, actor: User, survey: FollowUpSurvey, values: dict[str, Any], today: dt.date | None = None
) -> FollowUpSurvey:
    """Store the answers (ratings 1–5, yes/no/does not apply) or that the household could not
    be reached or declined to answer; not before the survey's window opens (two weeks before
    its due date)."""
    survey = (
        FollowUpSurvey.objects.select_for_update(of=("self",))
        .select_related("household__round")
        .get(pk=survey.pk)
    )
    if not survey_may_record(actor=actor, survey=survey):
        raise ValidationError(_("Only the household's organisation records its surveys."))
    round_services.round_require(round_=survey.household.round, action=RoundAction.FOLLOW_UP)
    today = today or timezone.localdate()
    if not survey.is_open_on(today):
        raise ValidationError(survey_not_open_message(survey))
    status = values.get("status") or SurveyStatus.COMPLETED
    if status not in SurveyStatus.values or status == SurveyStatus.DUE:
        raise ValidationError({"status": _("Choose how the survey ended.")})
    errors: dict[str, str] = {}
    if status == SurveyStatus.COMPLETED:
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
    survey.status = status
    completed = status == SurveyStatus.COMPLETED
    survey.completed_on = today if completed else None
    for name in RATINGS:
        setattr(survey, name, int(values[name]) if completed else None)
    for name in YES_NO:
        setattr(survey, name, values[name] if completed else "")
    comment = (values.get("comment") or "").strip()
    if comment:
        survey.answers = {**survey.answers, "comment": comment}
    survey.recorded_by = actor
    survey.save()
    log_action(
        "relocation.survey.recorded",
        actor=actor,
        obj=survey,
        data={"wave": survey.wave, "status": status},
    )
    return survey


__all__ = ["RATINGS", "YES_NO", "survey_may_record", "survey_not_open_message", "survey_record"]


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
