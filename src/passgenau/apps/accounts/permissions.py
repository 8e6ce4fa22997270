"""Who may do what: THE permission table, in one place.

Views (``access.require``), API operations (``access.ApiPermission``), the navigation and
``docs/roles.md`` all read this table; ``tests/apps/accounts/test_access_matrix.py`` proves that
every view and API endpoint grants and refuses exactly what it says. A module adds its rights by
adding rows here (and its pages to ``tests/access_cases.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .roles import PUBLIC, ROLES_REQUIRING_TOTP, Role

ALL_STAFF: frozenset[str] = frozenset(Role.values)
EVERYONE: frozenset[str] = ALL_STAFF | {PUBLIC}


@dataclass(frozen=True)
class Permission:
    code: str
    description: str | Promise
    roles: frozenset[str]
    # True when no page or endpoint uses the right yet (shown as "planned" in docs/roles.md).
    planned: bool = False


def _roles(*roles: str) -> frozenset[str]:
    return frozenset(roles)


# Staff who work on a municipal plan: as its coordinating office or as one of its actors.
MEASURES_STAFF: frozenset[str] = ALL_STAFF - {Role.ADMINISTRATOR}


PERMISSIONS: tuple[Permission, ...] = (
    # --- platform
    Permission("core.view_start", _("See the start page"), EVERYONE),
    Permission(
        "accounts.view_own_account",
        _("See one's own account and enrol a one-time password"),
        ALL_STAFF,
    ),
    Permission(
        "notifications.view_own",
        _("Read one's own notifications and choose which come by e-mail"),
        ALL_STAFF,
    ),
    Permission(
        "accounts.manage_users",
        _("List and manage organisations and user accounts"),
        _roles(Role.ADMINISTRATOR),
    ),
    Permission(
        "audit.view_log",
        _("Search the audit trail and export it as CSV"),
        _roles(Role.ADMINISTRATOR),
    ),
    # --- territories (public facts)
    Permission("territories.view", _("See Länder, Kreise and Gemeinden"), EVERYONE),
    # --- relocation
    Permission(
        "relocation.view_rounds",
        _(
            "See relocation rounds (coordinators: their own; municipal officers: those their "
            "municipality takes part in; interviewers: every round past its draft)"
        ),
        _roles(Role.COORDINATOR, Role.INTERVIEWER, Role.MUNICIPAL_OFFICER),
    ),
    Permission(
        "relocation.manage_rounds",
        _("Open rounds, run matching, publish proposals, oversee travel"),
        _roles(Role.COORDINATOR),
    ),
    Permission(
        "relocation.view_profiles",
        _("See municipality profiles (coordinators: of their rounds; officers: their own)"),
        _roles(Role.COORDINATOR, Role.MUNICIPAL_OFFICER),
    ),
    Permission(
        "relocation.keep_profile",
        _("Keep the municipality's profile and capacities for a round current"),
        _roles(Role.MUNICIPAL_OFFICER),
    ),
    Permission(
        "relocation.view_households",
        _("See households (coordinators: in their rounds; interviewers: their organisation's)"),
        _roles(Role.COORDINATOR, Role.INTERVIEWER),
    ),
    Permission(
        "relocation.register_households",
        _("Register and import households with consent and conduct interviews"),
        _roles(Role.INTERVIEWER),
    ),
    Permission(
        "relocation.view_proposals",
        _(
            "See published proposals (municipal officers: those addressed to their municipality, "
            "pseudonymised until both sides accepted; interviewers: their organisation's "
            "households')"
        ),
        _roles(Role.MUNICIPAL_OFFICER, Role.INTERVIEWER),
    ),
    Permission(
        "relocation.decide_proposals",
        _("Decide on proposals addressed to the municipality"),
        _roles(Role.MUNICIPAL_OFFICER),
    ),
    Permission(
        "relocation.record_received_decisions",
        _(
            "See every decision on the proposals of one's rounds with its reason, and record a "
            "municipality's decision received by phone, letter, e-mail or in person"
        ),
        _roles(Role.COORDINATOR),
    ),
    Permission(
        "relocation.record_household_consent",
        _("Record a household's acceptance or refusal of its proposal"),
        _roles(Role.INTERVIEWER),
    ),
    Permission(
        "relocation.record_arrival",
        _("See upcoming arrivals with what the municipality needs to know; record arrival"),
        _roles(Role.MUNICIPAL_OFFICER),
    ),
    Permission(
        "relocation.record_followup",
        _("Record follow-up surveys (interviewers: their households; coordinators: their rounds)"),
        _roles(Role.INTERVIEWER, Role.COORDINATOR),
    ),
    Permission(
        "relocation.view_evaluation",
        _("See the evaluation of rounds and export survey answers with pseudonymous ids"),
        _roles(Role.COORDINATOR),
    ),
    Permission(
        "relocation.erase_households",
        _(
            "Erase a household or one of its members with a reason (their organisation's "
            "households; everything held about them, cases taken over from the round included)"
        ),
        _roles(Role.INTERVIEWER),
    ),
    Permission(
        "relocation.export_subject_data",
        _(
            "Download everything held about a household to hand it over (data-subject access, "
            "Art. 15 GDPR: their organisation's households, cases taken over from the round "
            "included)"
        ),
        _roles(Role.INTERVIEWER),
    ),
    # --- case management
    Permission(
        "cases.view_cases",
        _("See the cases of one's own organisation and the caseload"),
        _roles(Role.CASEWORKER),
    ),
    Permission(
        "cases.manage_cases",
        _(
            "Open, transfer and close cases; keep consent, integration plans, referrals and "
            "contact notes of one's own organisation's cases; download everything held about one "
            "(Art. 15 GDPR) and erase one with a reason (Art. 17 GDPR; billed hours stay under "
            "its pseudonymous reference)"
        ),
        _roles(Role.CASEWORKER),
    ),
    Permission(
        "cases.view_special_categories",
        _(
            "See and keep health data of a case (only the responsible caseworker, only with the "
            "consent for that purpose)"
        ),
        _roles(Role.CASEWORKER),
    ),
    Permission(
        "cases.log_hours",
        _("Log specialist hours on one's own organisation's cases and correct them"),
        _roles(Role.CASEWORKER),
    ),
    Permission(
        "cases.manage_housing",
        _(
            "Keep districts and flats, the housing requests of one's own organisation's cases; "
            "run the allocation, confirm or decline its proposals, record moves"
        ),
        _roles(Role.CASEWORKER),
    ),
    Permission(
        "cases.offer_flats",
        _(
            "Offer one's own organisation's flats for the housing transition to the "
            "organisation that allocates them, and change them while none is proposed, "
            "allocated or let; see their status (nothing of the households)"
        ),
        _roles(Role.PROVIDER),
    ),
    Permission(
        "cases.manage_mentoring",
        _(
            "Keep mentors and the mentee requests of one's own organisation's cases; run the "
            "matching, record both sides' acceptance and the pairs' meetings; download everything "
            "held about a mentor (Art. 15 GDPR) and erase its personal data with a reason once "
            "its pairs have ended (Art. 17 GDPR)"
        ),
        _roles(Role.CASEWORKER),
    ),
    Permission(
        "cases.manage_mediation",
        _(
            "Keep the pool of language mediators and the mediation requests of one's own "
            "organisation's cases; run the proposals, record the mediator's confirmation and "
            "the hours"
        ),
        _roles(Role.CASEWORKER),
    ),
    Permission(
        "cases.view_statements",
        _(
            "See funding contracts for specialist hours and their monthly statements, cases "
            "pseudonymised (funders: of their programmes; caseworkers: their organisation's)"
        ),
        _roles(Role.CASEWORKER, Role.FUNDER),
    ),
    Permission(
        "cases.manage_contracts",
        _("Agree funding contracts for specialist hours (hourly rate, hours budget) on grants"),
        _roles(Role.FUNDER),
    ),
    # --- directory of offers
    Permission("directory.search", _("Search the public directory of offers"), EVERYONE),
    Permission(
        "directory.edit_own_offers",
        _("Keep one's own organisation's offers current (changes wait for the editor's review)"),
        _roles(Role.PROVIDER),
    ),
    Permission(
        "directory.review_changes",
        _(
            "Review offer changes before they are public, keep the directory of one's own "
            "territory, import and export it"
        ),
        _roles(Role.DIRECTORY_EDITOR),
    ),
    Permission(
        "directory.analyse",
        _("See the round table's coverage, gap, duplicate and freshness analysis"),
        _roles(Role.DIRECTORY_EDITOR),
    ),
    Permission(
        "directory.lotse_desk",
        _(
            "Record a newcomer's needs anonymously, find offers, print referral slips and "
            "record their outcome"
        ),
        _roles(Role.LOTSE),
    ),
    # --- funding and distribution by key
    Permission(
        "funding.manage",
        _("Programmes, allocations, grants and reports (aggregates only of people)"),
        _roles(Role.FUNDER),
    ),
    Permission(
        "funding.apportion",
        _("Distribute an amount or a number of people by a key"),
        _roles(Role.FUNDER, Role.COORDINATOR),
    ),
    Permission(
        "funding.view_grants",
        _("See grants (funders: of their programmes; recipients: their own) and report on them"),
        _roles(Role.FUNDER, Role.PROVIDER),
    ),
    # --- measures plan (no personal data: aggregates only)
    Permission(
        "measures.view_plans",
        _(
            "See measures plans whose coordinating office or one of whose actors is one's own "
            "organisation"
        ),
        MEASURES_STAFF,
    ),
    Permission(
        "measures.coordinate",
        _(
            "Coordinate a plan of one's own organisation: import and edit it, change any "
            "measure's status, decide proposals, indicators, council reports"
        ),
        _roles(Role.COORDINATOR, Role.MUNICIPAL_OFFICER, Role.FUNDER),
    ),
    Permission(
        "measures.take_part",
        _(
            "Take part as an actor: comment on measures, propose new ones during the "
            "consultation, report progress on one's own organisation's measures"
        ),
        MEASURES_STAFF,
    ),
    Permission(
        "measures.view_public",
        _("See adopted plans and their progress (public page, no personal data)"),
        EVERYONE,
    ),
)

PERMISSION_BY_CODE: dict[str, Permission] = {p.code: p for p in PERMISSIONS}


def roles_with(code: str) -> frozenset[str]:
    """The roles (``public`` included when it applies) that hold the permission ``code``."""
    try:
        return PERMISSION_BY_CODE[code].roles
    except KeyError:
        raise KeyError(f"unknown permission {code!r}; add it to PERMISSIONS") from None


def role_has_perm(role: str, code: str) -> bool:
    return role in roles_with(code)


def role_requires_second_factor(role: str) -> bool:
    """Whether users of ``role`` confirm each log-in with a one-time password."""
    return role in ROLES_REQUIRING_TOTP


def rights_of_role(role: str) -> list[Permission]:
    """What users of ``role`` may see and do beyond what everyone or every staff member may
    (for their own pages: the second-factor page says what the role sees)."""
    return [
        p for p in PERMISSIONS if role in p.roles and not p.planned and not p.roles >= ALL_STAFF
    ]


def codes_for_role(role: str) -> list[str]:
    return [p.code for p in PERMISSIONS if role in p.roles]


def check_table(permissions: Iterable[Permission] = PERMISSIONS) -> None:
    """Raise ValueError for a duplicate code or an unknown role (run by the tests)."""
    seen: set[str] = set()
    for permission in permissions:
        if permission.code in seen:
            raise ValueError(f"duplicate permission {permission.code!r}")
        seen.add(permission.code)
        unknown = permission.roles - EVERYONE
        if unknown:
            raise ValueError(f"permission {permission.code!r} names unknown roles {unknown}")
