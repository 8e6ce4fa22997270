"""The codes of data protection: why something was erased (the only thing the audit entry of an
erasure says besides the pseudonymous reference), and the categories of data that are kept for a
period of their own (settings ``RETENTION_DAYS``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErasureReason(models.TextChoices):
    REQUEST = "request", _("the person asked for erasure (Art. 17 GDPR)")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("consent withdrawn and no other legal ground")
    NOT_NEEDED = "not_needed", _("no longer needed for the purpose")
    IN_ERROR = "in_error", _("registered by mistake or twice")
    UNLAWFUL = "unlawful", _("processed unlawfully")


class RetentionCategory(models.TextChoices):
    """In the order the daily job removes them."""

    HEALTH_NEEDS = "health_needs", _("health needs")
    CONTACT_DATA = "contact_data", _("names and contact data")
    INTERVIEW_ANSWERS = "interview_answers", _("interview answers")
    SURVEYS = "surveys", _("follow-up surveys")
    # case management, each counted from the closing of the case
    CASE_PLANS = "case_plans", _("integration plans")
    CASE_NOTES = "case_notes", _("contact notes")
    CASE_REFERRALS = "case_referrals", _("referrals")
    CASE_HOUSING = "case_housing", _("housing requests")
    CASE_MENTORING = "case_mentoring", _("mentee requests and mentoring pairs")
    CASE_MEDIATION = "case_mediation", _("language mediation bookings")
    CASE_FILES = "case_files", _("case files")
    AUDIT_ENTRIES = "audit_entries", _("audit entries")


# What a household of a relocation round is told (consent sheet, data-subject export).
HOUSEHOLD_RETENTION = (
    RetentionCategory.HEALTH_NEEDS,
    RetentionCategory.CONTACT_DATA,
    RetentionCategory.INTERVIEW_ANSWERS,
    RetentionCategory.SURVEYS,
)

# What case management keeps for a period (the record of processing) and a person accompanied is
# told (the case's data-subject export), counted from the closing of the case.
CASE_RETENTION = (
    RetentionCategory.HEALTH_NEEDS,
    RetentionCategory.CASE_PLANS,
    RetentionCategory.CASE_NOTES,
    RetentionCategory.CASE_REFERRALS,
    RetentionCategory.CASE_HOUSING,
    RetentionCategory.CASE_MENTORING,
    RetentionCategory.CASE_MEDIATION,
    RetentionCategory.CASE_FILES,
)
