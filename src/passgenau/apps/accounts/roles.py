"""The roles of product.md. ``public`` is nobody logged in and is never stored on a user."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    INTERVIEWER = "interviewer", _("Interviewer")
    MUNICIPAL_OFFICER = "municipal_officer", _("Municipal officer")
    CASEWORKER = "caseworker", _("Caseworker")
    PROVIDER = "provider", _("Provider")
    FUNDER = "funder", _("Funder")
    DIRECTORY_EDITOR = "directory_editor", _("Directory editor")
    LOTSE = "lotse", _("Lotse")
    ADMINISTRATOR = "administrator", _("Administrator")


PUBLIC = "public"

# Roles that see personal data of refugees (or, for administrators, the audit trail and staff
# accounts): their users must confirm each log-in with a one-time password.
ROLES_REQUIRING_TOTP: frozenset[str] = frozenset(
    {
        Role.COORDINATOR,
        Role.INTERVIEWER,
        Role.MUNICIPAL_OFFICER,
        Role.CASEWORKER,
        Role.ADMINISTRATOR,
    }
)
