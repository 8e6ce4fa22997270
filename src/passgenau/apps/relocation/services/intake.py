"""Intake: registering a household with recorded consent, and the interview (saved unfinished or
completed). Validation lives here so that the pages, the API and the import apply the same rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from passgenau.apps.audit.services import log_action
from passgenau.apps.core.corrections import correction_reason
from passgenau.engine.matching.profiles import AGE_BANDS, CHILD_BANDS

from .. import policies
from ..models import (
    OPEN_PROPOSAL_STATUSES,
    Consent,
    FollowUpSurvey,
    Household,
    HouseholdContact,
    HouseholdStatus,
    Interview,
    Member,
    Proposal,
    ProposalStatus,
    Round,
    RoundAction,
    SurveyStatus,
)
from ..models.vocab import (
    REQUIRED_CONSENT_PURPOSES,
    ConsentPurpose,
    Need,
    Occupation,
    QuestionnaireLanguage,
    Region,
    Relation,
    SizeClass,
    SpokenLanguage,
    criterion_label,
    role_for_age_band,
)
from . import corrections, states
from .rounds import round_require

if TYPE_CHECKING:
    from passgenau.apps.accounts.models import User

GERMAN_LEVELS = ("A0", "A1", "A2", "B1", "B2", "C1", "C2")
INTERVIEW_FIELDS = (
    "conducted_in",
    "languages",
    "german_level",
    "occupations",
    "qualifications",
    "needs",
    "needs_notes",
    "ties",
    "importance",
    "ranked_places",
    "excluded_places",
    "preferred_size",
    "preferred_region",
    "notes",
)
# Answers that name municipalities: stored as lists of their ids.
PLACE_FIELDS = ("ties", "ranked_places", "excluded_places")
# Households whose interview may still change (later ones are in the matching or placed).
EDITABLE_STATUSES = frozenset({HouseholdStatus.REGISTERED, HouseholdStatus.INTERVIEWED})
MAX_MEMBERS = 20


def household_rated_criteria(round_: Round) -> list[Any]:
    """The soft criteria households rate (0–3) in the interview, in catalogue order."""
    return [c for c in round_.catalogue().soft if c.rated_by == "household"]


# -- registration -----------------------------------------------------------------------------


@dataclass
class Registration:
    """What registering one household needs (from a form, the API or an import row)."""

    contact_name: str
    language: str
    consent_purposes: Sequence[str]
    consent_given_on: dt.date | None
    consent_explained_in: str
    member_names: str = ""
    phone: str = ""
    email: str = ""
    current_location: str = ""
    external_reference: str = ""
    # The registration page's one-time token: the same registration sent again (a double click)
    # answers with the household of the first send.
    submission_token: str = ""


def registration_errors(reg: Registration, *, today: dt.date | None = None) -> dict[str, str]:
    """Field → message for everything wrong with ``reg`` (empty when it is fine)."""
    errors: dict[str, str] = {}
    today = today or timezone.localdate()
    if not reg.contact_name.strip():
        errors["contact_name"] = _("Enter the name of the contact person.")
    if reg.language not in QuestionnaireLanguage.values:
        errors["language"] = _("Choose the household's language (uk, ru, pl, de or en).")
    if reg.email:
        try:
            validate_email(reg.email)
        except ValidationError:
            errors["email"] = _("“%(value)s” is not an e-mail address.") % {"value": reg.email}
    unknown = [p for p in reg.consent_purposes if p not in ConsentPurpose.values]
    missing = [p for p in ConsentPurpose.values if p in REQUIRED_CONSENT_PURPOSES]
    missing = [p for p in missing if p not in reg.consent_purposes]
    if unknown:
        errors["consent_purposes"] = _("Unknown purpose: %(names)s.") % {
            "names": ", ".join(unknown)
        }
    elif missing:
        errors["consent_purposes"] = _(
            "Without consent to these purposes the household cannot take part: %(names)s."
        ) % {"names": "; ".join(str(ConsentPurpose(p).label) for p in missing)}
    if reg.consent_given_on is None:
        errors["consent_given_on"] = _("Enter the date on which consent was given.")
    elif reg.consent_given_on > today:
        errors["consent_given_on"] = _("The date of consent cannot be in the future.")
    if reg.consent_explained_in not in QuestionnaireLanguage.values:
        errors["consent_explained_in"] = _(
            "Choose the language in which the consent was explained."
        )
    return errors


def _require_interviewer(actor: User) -> int:
    """Refuses all but interviewers; returns the organisation they interview for (an
    interviewer has one)."""
    organisation_id = actor.organisation_id
    if organisation_id is None or not policies.interviews_households(actor):
        raise ValidationError(
            _("Only interviewers register households and conduct interviews."),
            code="not_interviewer",
        )
    return organisation_id


def _create_household(
    *, actor: User, organisation_id: int, round_: Round, reg: Registration
) -> Household:
    """The household, its contact and its consent, for a registration without errors."""
    if reg.consent_given_on is None:  # registration_errors refuses this before
        raise ValidationError(registration_errors(reg))
    try:
        with transaction.atomic():  # a savepoint: the unique constraints decide a race
            household = Household.objects.create(
                round=round_,
                interviewing_organisation_id=organisation_id,
                interviewer=actor,
                language=reg.language,
                external_reference=reg.external_reference.strip(),
                submission_token=reg.submission_token,
            )
    except IntegrityError:
        # another registration with the same own reference (or the same page sent twice)
        # was stored between the check and this insert
        raise ValidationError({"external_reference": _REFERENCE_TAKEN}) from None
    HouseholdContact.objects.create(
        household=household,
        contact_name=reg.contact_name.strip(),
        member_names=reg.member_names.strip(),
        phone=reg.phone.strip(),
        email=reg.email.strip(),
        current_location=reg.current_location.strip(),
    )
    Consent.objects.create(
        household=household,
        purposes=[p for p in ConsentPurpose.values if p in reg.consent_purposes],
        given_on=reg.consent_given_on,
        recorded_by=actor,
        explained_in=reg.consent_explained_in,
    )
    return household


_REFERENCE_TAKEN = gettext_lazy(
    "Your organisation already registered a household with this reference."
)


def _registered_with_token(organisation_id: int, round_: Round, token: str) -> Household | None:
    if not token:
        return None
    return Household.objects.filter(
        interviewing_organisation_id=organisation_id, round=round_, submission_token=token
    ).first()


@transaction.atomic
def household_register(*, actor: User, round_: Round, registration: Registration) -> Household:
    """Register a household of the actor's organisation with its consent."""
    organisation_id = _require_interviewer(actor)
    round_require(round_=round_, action=RoundAction.REGISTER_HOUSEHOLDS)
    sent_before = _registered_with_token(organisation_id, round_, registration.submission_token)
    if sent_before is not None:
        return sent_before
    errors = registration_errors(registration)
    reference = registration.external_reference.strip()
    if (
        reference
        and Household.objects.filter(
            interviewing_organisation_id=organisation_id, external_reference=reference
        ).exists()
    ):
        errors["external_reference"] = str(_REFERENCE_TAKEN)
    if errors:
        raise ValidationError(errors)
    try:
        household = _create_household(
            actor=actor, organisation_id=organisation_id, round_=round_, reg=registration
        )
    except ValidationError:
        sent_before = _registered_with_token(organisation_id, round_, registration.submission_token)
        if sent_before is not None:  # the first send won the race
            return sent_before
        raise
    log_action(
        "relocation.household.registered",
        actor=actor,
        obj=household,
        data={"round": round_.pk, "consent": list(registration.consent_purposes)},
    )
    return household


@transaction.atomic
def consent_withdraw(
    *, actor: User, household: Household, purposes: Iterable[str] | None = None
) -> Household:
    """The household withdraws its consent to ``purposes`` (all of them when ``None``); it takes
    effect at once.

    Withdrawing one of the purposes needed to take part (matching, sharing with municipalities)
    withdraws the whole consent: the household takes no further part in the round, and its open
    proposals (drafts and published ones not yet decided) are withdrawn, so that no municipality
    sees its profile any more. Withdrawing only follow-up or research keeps the household in the
    round under a new consent record with the other purposes (the old one is kept with the date
    of withdrawal): its follow-up surveys not yet held are cancelled, and its answers leave the
    evaluation."""
    _require_interviewer(actor)
    if not policies.household_may_edit(actor, household):
        raise ValidationError(_("This household belongs to another organisation."))
    # the household row first, as a publication of its proposals does (they then run in turn)
    household.status = Household.objects.select_for_update().get(pk=household.pk).status
    current = household.consents.select_for_update().filter(withdrawn_at__isnull=True).first()
    given = list(current.purposes) if current else []
    chosen = set(given) if purposes is None else set(purposes)
    unknown = chosen - set(ConsentPurpose.values)
    if unknown:
        raise ValidationError(
            {"purposes": _("Unknown purpose: %(names)s.") % {"names": ", ".join(sorted(unknown))}}
        )
    if current is None or not chosen & set(given):
        raise ValidationError(
            {"purposes": _("The household has not consented to these purposes.")},
            code="not_consented",
        )
    now = timezone.now()
    current.withdrawn_at = now
    current.save(update_fields=["withdrawn_at"])
    if chosen & REQUIRED_CONSENT_PURPOSES:
        withdrawn = given
        open_proposals = list(
            Proposal.objects.select_for_update(of=("self",))
            .filter(household=household, status__in=OPEN_PROPOSAL_STATUSES)
            .order_by("pk")
        )
        for proposal in open_proposals:
            states.status_change(actor=actor, obj=proposal, to_status=ProposalStatus.WITHDRAWN)
        if household.status != HouseholdStatus.WITHDRAWN:
            states.status_change(actor=actor, obj=household, to_status=HouseholdStatus.WITHDRAWN)
    else:
        withdrawn = [p for p in given if p in chosen]
        open_proposals = []
        Consent.objects.create(
            household=household,
            purposes=[p for p in given if p not in chosen],
            given_on=current.given_on,
            recorded_by=actor,
            explained_in=current.explained_in,
        )
    cancelled = 0
    if ConsentPurpose.FOLLOW_UP in withdrawn:
        cancelled, _kinds = FollowUpSurvey.objects.filter(
            household=household, status=SurveyStatus.DUE
        ).delete()
    log_action(
        "relocation.consent.withdrawn",
        actor=actor,
        obj=household,
        data={
            "purposes": withdrawn,
            "proposals": [p.pk for p in open_proposals],
            "surveys_cancelled": cancelled,
        },
    )
    return household


def _lock_for_change(actor: User, household: Household) -> None:
    """Lock the household's row for a change of its data by ``actor``: one of its
    organisation's interviewers, and not after it withdrew."""
    _require_interviewer(actor)
    if not policies.household_may_edit(actor, household):
        raise ValidationError(_("This household belongs to another organisation."))
    household.status = Household.objects.select_for_update().get(pk=household.pk).status
    if not policies.household_may_change_contact(actor, household):
        raise ValidationError(
            _("The household has withdrawn: its data can no longer be changed."), code="withdrawn"
        )


@transaction.atomic
def consent_correct(
    *, actor: User, household: Household, reason: str, given_on: dt.date
) -> Consent:
    """Correct the date on which the household's consent in force was given (its interviewing
    organisation), with a reason: not in the future, nor after the consent was recorded. The
    records of the same consent kept from a partial withdrawal take the date too."""
    _lock_for_change(actor, household)
    current = household.consents.select_for_update().filter(withdrawn_at__isnull=True).first()
    if current is None:
        raise ValidationError(_("The household has no consent in force."), code="no_consent")
    reason = correction_reason(reason)
    same = household.consents.filter(given_on=current.given_on)
    first_recorded = min(timezone.localdate(c.recorded_at) for c in same)
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("The date of consent cannot be in the future.")})
    if given_on > first_recorded:
        raise ValidationError(
            {
                "given_on": _(
                    "The consent was recorded on %(date)s: it cannot have been given later."
                )
                % {"date": formats.date_format(first_recorded, "SHORT_DATE_FORMAT")}
            }
        )
    changed = corrections.changed_values(current, {"given_on": given_on})
    before = {"given_on": current.given_on.isoformat()}
    ids = sorted(same.values_list("pk", flat=True))
    same.update(given_on=given_on)
    current.given_on = given_on
    after = {k: v.isoformat() for k, v in changed.items()}
    corrections.correction_keep(
        actor=actor,
        fact=current,
        before=before,
        after=after,
        reason=reason,
        action="relocation.consent.corrected",
        obj=household,
        data={"consents": ids, "from": before, "to": after},
    )
    return current


CONTACT_FIELDS = ("contact_name", "member_names", "phone", "email", "current_location")


@transaction.atomic
def household_contact_update(*, actor: User, household: Household, **fields: str) -> Household:
    """Change names and contact data (the log names the changed fields, not their values)."""
    _lock_for_change(actor, household)
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown contact fields {sorted(unknown)}")
    values = {name: (value or "").strip() for name, value in fields.items()}
    errors: dict[str, str] = {}
    if "contact_name" in values and not values["contact_name"]:
        errors["contact_name"] = _("Enter the name of the contact person.")
    if values.get("email"):
        try:
            validate_email(values["email"])
        except ValidationError:
            errors["email"] = _("“%(value)s” is not an e-mail address.") % {
                "value": values["email"]
            }
    if errors:
        raise ValidationError(errors)
    contact = HouseholdContact.objects.select_for_update().get(household=household)
    changed = [name for name, value in values.items() if getattr(contact, name) != value]
    for name in changed:
        setattr(contact, name, values[name])
    if changed:
        contact.save(update_fields=[*changed, "updated_at"])
        log_action(
            "relocation.household.contact_changed",
            actor=actor,
            obj=household,
            data={"fields": changed},
        )
    return household


# -- interview --------------------------------------------------------------------------------


@dataclass
class InterviewInput:
    """Interview answers and members, as plain values (place ids are organisation ids)."""

    answers: Mapping[str, Any]
    members: Sequence[Mapping[str, Any]]
    errors: dict[str, str] = field(default_factory=dict)


def _str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value]


def interview_errors(
    *,
    round_: Round,
    answers: Mapping[str, Any],
    members: Sequence[Mapping[str, Any]],
    complete: bool,
) -> dict[str, str]:
    """Field → specific message for every problem. Saving unfinished checks only what was
    entered; completing also checks that nothing required is missing."""
    errors: dict[str, str] = {}
    # members
    if len(members) > MAX_MEMBERS:
        errors["members"] = _("A household has at most %(n)d members here.") % {"n": MAX_MEMBERS}
    main_contacts = 0
    grown = 0
    for i, member in enumerate(members, start=1):
        band = member.get("age_band") or ""
        relation = member.get("relation") or Relation.OTHER
        if band not in AGE_BANDS:
            errors[f"members.{i}.age_band"] = _("Member %(n)d: choose an age band.") % {"n": i}
            continue
        if relation not in Relation.values:
            errors[f"members.{i}.relation"] = _("Member %(n)d: choose a relation.") % {"n": i}
            continue
        if band not in CHILD_BANDS:
            grown += 1
        if relation == Relation.MAIN_CONTACT:
            main_contacts += 1
            if band in CHILD_BANDS:
                errors[f"members.{i}.age_band"] = _(
                    "Member %(n)d: the main contact person must be 18 or older."
                ) % {"n": i}
    if main_contacts > 1:
        errors["members"] = _("Only one member can be the main contact person.")
    if complete and not members:
        errors["members"] = _("Add every member of the household (at least one).")
    elif complete and main_contacts == 0 and "members" not in errors:
        errors["members"] = _("Mark one adult member as the main contact person.")
    elif complete and members and grown == 0:
        errors["members"] = _("A household needs at least one member aged 18 or older.")

    # answers
    def check_choices(name: str, allowed: Iterable[str], message: str) -> list[str]:
        values = _str_list(answers.get(name))
        wrong = [v for v in values if v not in set(allowed)]
        if wrong:
            errors[name] = message % {"names": ", ".join(wrong)}
        return values

    languages = check_choices("languages", SpokenLanguage.values, _("Unknown language: %(names)s."))
    if complete and not languages:
        errors["languages"] = _("Choose at least one language the household speaks.")
    check_choices("occupations", Occupation.values, _("Unknown occupation group: %(names)s."))
    check_choices("needs", Need.values, _("Unknown need: %(names)s."))
    conducted_in = answers.get("conducted_in") or ""
    if conducted_in and conducted_in not in QuestionnaireLanguage.values:
        errors["conducted_in"] = _("The interview language must be uk, ru, pl, de or en.")
    level = answers.get("german_level") or ""
    if level and level not in GERMAN_LEVELS:
        errors["german_level"] = _("Choose a German level from A0 to C2.")
    for name, choices in (("preferred_size", SizeClass), ("preferred_region", Region)):
        value = answers.get(name) or ""
        if value and value not in choices.values:
            errors[name] = _("Unknown value “%(value)s”.") % {"value": value}

    # places: only municipalities of this round
    places = dict(round_.profiles.values_list("municipality_id", "municipality__name"))
    lists: dict[str, list[int]] = {}
    for name in ("ties", "ranked_places", "excluded_places"):
        ids: list[int] = []
        for raw in answers.get(name) or []:
            try:
                pk = int(raw)
            except (TypeError, ValueError):
                pk = -1
            if pk not in places:
                errors[name] = _("“%(value)s” is not a municipality of this round.") % {
                    "value": raw
                }
                break
            ids.append(pk)
        lists[name] = ids
    ranked, excluded = lists["ranked_places"], lists["excluded_places"]
    if len(set(ranked)) != len(ranked):
        errors["ranked_places"] = _("Each place can be chosen only once in the ranking.")
    both = [places[pk] for pk in ranked if pk in set(excluded)]
    if both:
        errors["excluded_places"] = _(
            "A place cannot be both preferred and excluded: %(names)s."
        ) % {"names": ", ".join(both)}
    if places and set(places) <= set(excluded):
        errors["excluded_places"] = _(
            "Every place of the round is excluded, so no placement would be possible."
        )

    # importance ratings
    rated = {c.id: c for c in household_rated_criteria(round_)}
    importance = answers.get("importance") or {}
    for cid, value in dict(importance).items():
        if cid not in rated:
            errors["importance"] = _("“%(id)s” is not a criterion households rate.") % {"id": cid}
        elif value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3
        ):
            errors[f"importance.{cid}"] = _("Rate from 0 (does not matter) to 3 (very important).")
    if complete:
        for cid, criterion in rated.items():
            if importance.get(cid) is None and f"importance.{cid}" not in errors:
                errors[f"importance.{cid}"] = _("Rate how important this is: %(label)s.") % {
                    "label": criterion_label(criterion)
                }
    return errors


@transaction.atomic
def interview_save(
    *,
    actor: User,
    household: Household,
    answers: Mapping[str, Any],
    members: Sequence[Mapping[str, Any]],
    complete: bool,
) -> Interview:
    """Store the interview and the members. ``complete=False`` saves it unfinished (only what was
    entered is checked); ``complete=True`` requires every answer and marks the household ready."""
    _require_interviewer(actor)
    household = Household.objects.select_for_update().select_related("round").get(pk=household.pk)
    if not policies.household_may_edit(actor, household):
        raise ValidationError(_("This household belongs to another organisation."))
    round_require(round_=household.round, action=RoundAction.EDIT_INTERVIEWS)
    if household.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("The interview of a household that is “%(status)s” cannot be changed.")
            % {"status": household.get_status_display()},
            code="household_state",
        )
    errors = interview_errors(
        round_=household.round, answers=answers, members=members, complete=complete
    )
    if errors:
        raise ValidationError(errors)
    interview = _store_interview(
        actor=actor, household=household, answers=answers, members=members, complete=complete
    )
    log_action(
        "relocation.interview.completed" if complete else "relocation.interview.saved",
        actor=actor,
        obj=household,
        data={
            "members": len(members),
            "fields": sorted(k for k in answers if k in INTERVIEW_FIELDS),
        },
    )
    return interview


def _store_interview(
    *,
    actor: User,
    household: Household,
    answers: Mapping[str, Any],
    members: Sequence[Mapping[str, Any]],
    complete: bool,
) -> Interview:
    interview = Interview.objects.filter(household=household).first() or Interview(
        household=household, conducted_in=household.language
    )
    for name in INTERVIEW_FIELDS:
        if name not in answers:
            continue
        value = answers[name]
        if name in PLACE_FIELDS:
            value = [int(v) for v in value or []]
        elif name in ("languages", "occupations", "needs"):
            value = list(dict.fromkeys(_str_list(value)))
        elif name == "importance":
            value = {k: int(v) for k, v in dict(value or {}).items() if v is not None}
        elif value is None:
            value = ""
        setattr(interview, name, value)
    if not interview.conducted_in:
        interview.conducted_in = household.language
    interview.completed = complete
    interview.completed_at = timezone.now() if complete else None
    interview.updated_by = actor
    interview.save()
    household.members.all().delete()
    Member.objects.bulk_create(
        [
            Member(
                household=household,
                position=position,
                age_band=m["age_band"],
                relation=m.get("relation") or Relation.OTHER,
                role=role_for_age_band(m["age_band"]),
            )
            for position, m in enumerate(members)
        ]
    )
    states.status_change(
        actor=actor,
        obj=household,
        to_status=HouseholdStatus.INTERVIEWED if complete else HouseholdStatus.REGISTERED,
        save=False,
    )
    household.save(update_fields=["status", "updated_at"])
    return interview
