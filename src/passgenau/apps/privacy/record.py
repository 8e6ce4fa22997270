"""The record of processing activities (Art. 30 GDPR), generated from the code: for each activity
its purposes (the consent purposes the code knows), the categories of data (the fields of the
models that hold them, by their names in the code), the special categories among them, who has
access (the permission table), and how long the data are kept (the retention settings).

``passgenau processing-record > docs/processing-record.md`` writes it; a test fails when the
two differ. What the code cannot know (the controller's name, the data protection officer, the
processors) is left for the controller to fill in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation

from passgenau.apps.accounts.permissions import PERMISSION_BY_CODE, role_requires_second_factor
from passgenau.apps.accounts.roles import PUBLIC, Role
from passgenau.apps.cases.models import ConsentPurpose as CaseConsentPurpose
from passgenau.apps.relocation.models import ConsentPurpose as RoundConsentPurpose

from .vocab import CASE_RETENTION, ErasureReason, RetentionCategory

__all__ = ["ACTIVITIES", "Activity", "record_markdown"]

# Fields that describe a row rather than a person.
_SKIPPED = {"id", "created_at", "updated_at", "recorded_at", "at"}


@dataclass(frozen=True)
class Activity:
    title: str
    purpose: str
    legal_basis: str
    subjects: str
    # "app_label.Model": the models whose tables hold the activity's personal data
    tables: tuple[str, ...]
    # "app_label.Model" → fields with special categories (Art. 9); () for the whole model
    special: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # the consent purposes, if consent is asked per purpose
    consent_purposes: type[models.TextChoices] | None = None
    # the rights of the permission table that reach the activity's data
    permissions: tuple[str, ...] = ()
    # retention categories that apply, and what else is said about keeping the data
    retention: tuple[str, ...] = ()
    retention_note: str = ""


ACTIVITIES: tuple[Activity, ...] = (
    Activity(
        title="Relocation rounds: intake, matching, placement and follow-up",
        purpose=(
            "Proposing to refugee households a municipality that fits their needs and wishes, "
            "deciding on the proposals with both sides, preparing travel and arrival, and "
            "asking follow-up questions after arrival."
        ),
        legal_basis=(
            "Consent per purpose (Art. 6(1)(a), for health needs Art. 9(2)(a) GDPR), recorded "
            "with the date and the language in which it was explained; withdrawal takes effect "
            "at once."
        ),
        subjects="Members of refugee households taking part in a relocation round.",
        tables=(
            "relocation.HouseholdContact",
            "relocation.Household",
            "relocation.Member",
            "relocation.Consent",
            "relocation.Interview",
            "relocation.Proposal",
            "relocation.Decision",
            "relocation.ProposalReason",
            "relocation.Correction",
            "relocation.Travel",
            "relocation.Arrival",
            "relocation.FollowUpSurvey",
            "relocation.MatchingRun",
        ),
        special={
            "relocation.Interview": ("needs", "needs_notes"),
            "relocation.Travel": ("information_for_municipality",),
        },
        consent_purposes=RoundConsentPurpose,
        permissions=(
            "relocation.manage_rounds",
            "relocation.view_households",
            "relocation.register_households",
            "relocation.erase_households",
            "relocation.export_subject_data",
            "relocation.view_proposals",
            "relocation.decide_proposals",
            "relocation.record_household_consent",
            "relocation.record_arrival",
            "relocation.record_followup",
            "relocation.view_evaluation",
        ),
        retention=(
            RetentionCategory.HEALTH_NEEDS,
            RetentionCategory.CONTACT_DATA,
            RetentionCategory.INTERVIEW_ANSWERS,
            RetentionCategory.SURVEYS,
        ),
        retention_note=(
            "Counted from the end of the household's part in the round (withdrawal, last "
            "follow-up survey after arrival, or closing of the round); a survey from the day it "
            "was held. Municipalities see a profile without name or contact data until both "
            "sides accepted. Matching runs keep the profiles (no names, no contact data) they "
            "were computed from until the household's data are removed."
        ),
    ),
    Activity(
        title="Case management",
        purpose=(
            "Accompanying arrived households and persons: integration plans, referrals to "
            "offers, contact notes, health counselling, housing, mentoring, and billing "
            "specialist hours to funders (pseudonymised)."
        ),
        legal_basis=(
            "Consent per purpose (Art. 6(1)(a), for health data Art. 9(2)(a) GDPR); billing of "
            "specialist hours under the funding contract."
        ),
        subjects=(
            "Persons and households accompanied by a caseworker; mentors who accompany them "
            "(volunteers, people who arrived earlier); language mediators of the pool."
        ),
        tables=(
            "cases.Case",
            "cases.CaseConsent",
            "cases.CaseEvent",
            "cases.HealthRecord",
            "cases.Goal",
            "cases.Step",
            "cases.PlanVersion",
            "cases.Referral",
            "cases.ContactNote",
            "cases.HourEntry",
            "cases.HousingRequest",
            "cases.FlatProposal",
            "cases.Mentor",
            "cases.MenteeRequest",
            "cases.MentorProposal",
            "cases.MentorMeeting",
            "cases.Mediator",
            "cases.MediationRequest",
            "cases.MediatorProposal",
        ),
        special={
            "cases.HealthRecord": (),
            "cases.HousingRequest": ("barrier_free", "care_need"),
            "cases.MediationRequest": ("note",),
        },
        consent_purposes=CaseConsentPurpose,
        permissions=(
            "cases.view_cases",
            "cases.manage_cases",
            "cases.view_special_categories",
            "cases.log_hours",
            "cases.view_statements",
            "cases.manage_housing",
            "cases.manage_mentoring",
            "cases.manage_mediation",
        ),
        retention=CASE_RETENTION,
        retention_note=(
            "An open case keeps its data; the periods count from its closing. Specialist hours "
            "are not deleted by the application: they are the basis of the funders' statements "
            "and of the accounts (accounting retention, § 147 AO, § 257 HGB, the funders' "
            "conditions). When the case file's period has passed, a case with hours is kept as "
            "a pseudonymous shell (reference, organisation, caseworker, persons, dates, status, "
            "consents, events) and its hour entries keep date, activity, hours and contract; "
            "the typed reasons of corrections are replaced. Flats, mentors and mediators are "
            "kept apart from the cases (a mentor is erased on request)."
        ),
    ),
    Activity(
        title="Lotse desk of the directory of offers",
        purpose="Finding offers for a newcomer and printing a referral slip.",
        legal_basis="No name or contact is recorded; the needs record is anonymous.",
        subjects="Newcomers asking at the desk (not identified).",
        tables=("directory.NeedsRecord",),
        special={"directory.NeedsRecord": ("barrier_free",)},
        permissions=("directory.lotse_desk",),
        retention_note="No period is set: the records name no person.",
    ),
    Activity(
        title="Staff accounts and log-in",
        purpose="Giving staff of the organisations access according to their role; lock-out.",
        legal_basis="Employment or contract of the staff member's organisation (Art. 6(1)(b)).",
        subjects="Staff of coordinating offices, NGOs, municipalities, providers and funders.",
        tables=("accounts.User", "accounts.LoginAttempt"),
        permissions=("accounts.manage_users",),
        retention_note=(
            "Accounts are deactivated, not deleted, so that the audit trail keeps naming them. "
            "Log-in attempts are pruned by the operator (docs/production.md)."
        ),
    ),
    Activity(
        title="Audit trail",
        purpose=(
            "Accountability (Art. 5(2), 32 GDPR): who read or changed which personal data, "
            "when; for the data subjects' right to know and for investigating misuse."
        ),
        legal_basis="Legal obligation to secure the processing (Art. 6(1)(c) with Art. 32 GDPR).",
        subjects="Staff (who acted); the people whose data were read, by pseudonymous id only.",
        tables=("audit.AuditEntry",),
        permissions=("audit.view_log",),
        retention=(RetentionCategory.AUDIT_ENTRIES,),
        retention_note=(
            "Entries hold pseudonymous ids and codes only, never names, contact data or typed "
            "text; the trail is append-only (a database trigger), entries are deleted only by "
            "the retention job."
        ),
    ),
)

RETENTION_START: dict[str, str] = {
    RetentionCategory.HEALTH_NEEDS: "after the end of the household's part (a case: its closing)",
    RetentionCategory.CONTACT_DATA: "after the end of the household's part",
    RetentionCategory.INTERVIEW_ANSWERS: "after the end of the household's part",
    RetentionCategory.SURVEYS: "after the survey",
    RetentionCategory.CASE_PLANS: "after the closing of the case",
    RetentionCategory.CASE_NOTES: "after the closing of the case",
    RetentionCategory.CASE_REFERRALS: "after the closing of the case",
    RetentionCategory.CASE_HOUSING: "after the closing of the case",
    RetentionCategory.CASE_MENTORING: "after the closing of the case",
    RetentionCategory.CASE_MEDIATION: "after the closing of the case",
    RetentionCategory.CASE_FILES: "after the closing of the case (with hours: pseudonymised)",
    RetentionCategory.AUDIT_ENTRIES: "after the entry was written",
}


def _field_names(model: type[models.Model]) -> list[str]:
    return [
        str(f.verbose_name)
        for f in model._meta.get_fields()
        if isinstance(f, models.Field)
        and f.concrete
        and not f.auto_created
        and f.name not in _SKIPPED
    ]


def _data_line(label: str, special: dict[str, tuple[str, ...]]) -> str:
    model = apps.get_model(label)
    names = _field_names(model)
    title = str(model._meta.verbose_name_plural).capitalize()
    mark = " — **special category (Art. 9)**" if label in special and not special[label] else ""
    return f"- {title} (`{label}`){mark}: {', '.join(names)}"


def _special_line(label: str, names: tuple[str, ...]) -> str:
    model = apps.get_model(label)
    if not names:
        return f"- all of {model._meta.verbose_name_plural} (`{label}`)"
    fields = [str(model._meta.get_field(n).verbose_name) for n in names]
    return f"- {model._meta.verbose_name_plural} (`{label}`): {', '.join(fields)}"


def _roles_line(code: str) -> str:
    permission = PERMISSION_BY_CODE[code]
    roles = [str(label) for value, label in Role.choices if value in permission.roles]
    if PUBLIC in permission.roles:
        roles.append("anyone")
    return f"- {', '.join(roles)}: {permission.description} (`{code}`)"


def _activity_markdown(number: int, activity: Activity) -> list[str]:
    lines = [
        f"## {number}. {activity.title}",
        "",
        f"**Purpose.** {activity.purpose}",
        "",
    ]
    if activity.consent_purposes is not None:
        lines += ["Consent is asked for each of these purposes:", ""]
        lines += [f"- {label} (`{value}`)" for value, label in activity.consent_purposes.choices]
        lines.append("")
    lines += [
        f"**Legal basis.** {activity.legal_basis}",
        "",
        f"**Data subjects.** {activity.subjects}",
        "",
        "**Categories of personal data** (the fields of the tables that hold them):",
        "",
        *[_data_line(label, activity.special) for label in activity.tables],
        "",
    ]
    if activity.special:
        lines += ["**Special categories (Art. 9 GDPR):**", ""]
        lines += [_special_line(label, names) for label, names in activity.special.items()]
        lines.append("")
    lines += ["**Who has access** (roles of the permission table, each to its own scope):", ""]
    lines += [_roles_line(code) for code in activity.permissions]
    lines += ["", "**Retention.**", ""]
    periods = settings.RETENTION_DAYS
    for category in activity.retention:
        lines.append(
            f"- {RetentionCategory(category).label}: {periods[category]} days "
            f"{RETENTION_START[category]} (`RETENTION_{category.upper()}_DAYS`)"
        )
    if activity.retention_note:
        lines += ([""] if activity.retention else []) + [activity.retention_note]
    lines.append("")
    return lines


HEADER = """# Record of processing activities (Art. 30 GDPR)

Generated from the code by `passgenau processing-record > docs/processing-record.md` (a test
fails when the two differ): the purposes are the consent purposes the application asks for, the
categories of data are the fields of the tables that hold them, the access is the permission
table ([roles.md](roles.md)), the periods are the retention settings with their defaults
([privacy.md](privacy.md)). An operator who sets other periods regenerates it with its
environment.

To be filled in by the controller: name and contact of the controller and of its data protection
officer; processors (hosting, e-mail); transfers to third countries (none by the application);
the periods it chose.
"""


def _measures() -> list[str]:
    totp = ", ".join(
        str(label) for value, label in Role.choices if role_requires_second_factor(value)
    )
    reasons = ", ".join(f"`{value}`" for value in ErasureReason.values)
    return [
        "## Technical and organisational measures (Art. 32 GDPR)",
        "",
        "- Access by role and organisation through one permission table; every page and API "
        "operation is tested against it for every role.",
        f"- A second factor (TOTP) for every log-in of: {totp}; its secrets are stored "
        "encrypted. Lock-out after repeated wrong passwords or codes.",
        "- Names and contact data are stored apart from the decision data; municipalities see "
        "profiles without them until both sides accepted a placement.",
        "- An append-only audit trail of every change and every read of personal data, with "
        "pseudonymous ids only.",
        f"- Erasure of a household or a member on request, with a reason code ({reasons}), in "
        "one transaction across every table (docs/privacy.md).",
        "- A data-subject export (Art. 15 GDPR) of everything held about a household, as JSON "
        "and as a PDF in the household's language, for its interviewers to hand over; audited.",
        "- Retention periods applied by a daily job that reports what it removed.",
        "- Exports neutralise spreadsheet formulas; input limits are checked before the "
        "database; security headers and a strict Content Security Policy on every page.",
        "",
    ]


def record_markdown() -> str:
    """The record as Markdown (in English, the language of the docs)."""
    with translation.override("en"):
        lines = [HEADER]
        for number, activity in enumerate(ACTIVITIES, start=1):
            lines += _activity_markdown(number, activity)
        lines += _measures()
    return "\n".join(lines)
