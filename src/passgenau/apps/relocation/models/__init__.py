"""The data model of relocation rounds: the shared model of the whole Re:Match workflow, one module
per area (as services, selectors, forms, views and API).

Round → municipality profiles → households (consent, members, interview) → matching runs →
proposals → decisions by both sides → travel → arrival → follow-up surveys.

Decision data (members, interview answers) and identifying data (names, contact) live in different
tables: municipalities see the first as a pseudonymised profile, the second only after both sides
accepted (``HouseholdContact``). States, their transitions and what each state allows are defined
once per model (``ROUND_TRANSITIONS``, ``HOUSEHOLD_TRANSITIONS``, ``PROPOSAL_TRANSITIONS``).

Everything is importable from here (migrations and ``apps.get_model`` rely on it).
"""

from __future__ import annotations

from .corrections import Correction
from .decisions import (
    Decision,
    DecisionOutcome,
    DecisionSide,
    DecisionSource,
)
from .followup import (
    SURVEY_WINDOW,
    FollowUpSurvey,
    FollowUpWave,
    SurveyState,
    SurveyStatus,
    YesNo,
)
from .intake import (
    HOUSEHOLD_TRANSITIONS,
    Consent,
    Household,
    HouseholdContact,
    HouseholdStatus,
    Interview,
    Member,
    new_reference,
    new_submission_token,
)
from .profiles import (
    MunicipalityProfile,
    organisation_id_from_site_id,
    site_id_for,
)
from .rounds import (
    GUARDED_TRANSITIONS,
    ROUND_RULES,
    ROUND_TRANSITIONS,
    Mechanism,
    Round,
    RoundAction,
    RoundStatus,
    default_dimensions,
)
from .runs import (
    OPEN_PROPOSAL_STATUSES,
    PROPOSAL_TRANSITIONS,
    MatchingRun,
    Proposal,
    ProposalReason,
    ProposalStatus,
    ReasonKind,
    RunStatus,
)
from .travel import (
    Arrival,
    Travel,
    TravelStatus,
)
from .vocab import (
    AGE_BAND_CHOICES,
    CRITERION_LABELS,
    PRIORITY_GROUP_CHOICES,
    QUESTIONNAIRE_LANGUAGES,
    REQUIRED_CONSENT_PURPOSES,
    CapacityDimension,
    ConsentPurpose,
    HouseholdTrait,
    MemberRole,
    Need,
    Occupation,
    QuestionnaireLanguage,
    Region,
    Relation,
    Service,
    SizeClass,
    SpokenLanguage,
    criterion_label,
    member_role_fits_band,
    role_for_age_band,
)

__all__ = [
    "AGE_BAND_CHOICES",
    "CRITERION_LABELS",
    "GUARDED_TRANSITIONS",
    "HOUSEHOLD_TRANSITIONS",
    "OPEN_PROPOSAL_STATUSES",
    "PRIORITY_GROUP_CHOICES",
    "PROPOSAL_TRANSITIONS",
    "QUESTIONNAIRE_LANGUAGES",
    "REQUIRED_CONSENT_PURPOSES",
    "ROUND_RULES",
    "ROUND_TRANSITIONS",
    "SURVEY_WINDOW",
    "Arrival",
    "CapacityDimension",
    "Consent",
    "ConsentPurpose",
    "Correction",
    "Decision",
    "DecisionOutcome",
    "DecisionSide",
    "DecisionSource",
    "FollowUpSurvey",
    "FollowUpWave",
    "Household",
    "HouseholdContact",
    "HouseholdStatus",
    "HouseholdTrait",
    "Interview",
    "MatchingRun",
    "Mechanism",
    "Member",
    "MemberRole",
    "MunicipalityProfile",
    "Need",
    "Occupation",
    "Proposal",
    "ProposalReason",
    "ProposalStatus",
    "QuestionnaireLanguage",
    "ReasonKind",
    "Region",
    "Relation",
    "Round",
    "RoundAction",
    "RoundStatus",
    "RunStatus",
    "Service",
    "SizeClass",
    "SpokenLanguage",
    "SurveyState",
    "SurveyStatus",
    "Travel",
    "TravelStatus",
    "YesNo",
    "annotations",
    "criterion_label",
    "default_dimensions",
    "member_role_fits_band",
    "new_reference",
    "new_submission_token",
    "organisation_id_from_site_id",
    "role_for_age_band",
    "site_id_for",
]
