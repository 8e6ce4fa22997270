"""The main navigation: each entry is shown to the roles holding its permission. Modules add
their entries here (one line each)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from passgenau.apps.accounts.access import request_has_perm


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    permission: str
    # Dotted path of a function of the request giving a number to show beside the entry (say,
    # unread notifications); a path, so that core does not import the modules it lists.
    badge: str = ""


@cache
def _badge_function(path: str) -> Callable[[HttpRequest], int]:
    function: Callable[[HttpRequest], int] = import_string(path)
    return function


NAVIGATION: list[NavEntry] = [
    NavEntry(_("Start"), "core:home", "core.view_start"),
    NavEntry(_("Territories"), "territories:index", "territories.view"),
    NavEntry(_("Directory of offers"), "directory:index", "directory.search"),
    NavEntry(_("My offers"), "directory:my_offers", "directory.edit_own_offers"),
    NavEntry(_("Changes to review"), "directory:change_list", "directory.review_changes"),
    NavEntry(_("Lotse desk"), "directory:lotse_desk", "directory.lotse_desk"),
    NavEntry(_("Relocation rounds"), "relocation:round_list", "relocation.view_rounds"),
    NavEntry(_("Our municipality profile"), "relocation:profile_list", "relocation.keep_profile"),
    NavEntry(_("Households"), "relocation:household_list", "relocation.view_households"),
    NavEntry(_("Proposals"), "relocation:proposal_list", "relocation.view_proposals"),
    NavEntry(_("Placements and travel"), "relocation:placement_list", "relocation.manage_rounds"),
    NavEntry(_("Arrivals"), "relocation:arrival_list", "relocation.record_arrival"),
    NavEntry(_("Follow-up surveys"), "relocation:survey_list", "relocation.record_followup"),
    NavEntry(_("Evaluation"), "relocation:evaluation", "relocation.view_evaluation"),
    NavEntry(_("Caseload"), "cases:caseload", "cases.view_cases"),
    NavEntry(_("Housing transition"), "cases:housing", "cases.manage_housing"),
    NavEntry(_("My flats"), "cases:offered_flats", "cases.offer_flats"),
    NavEntry(_("Mentoring"), "cases:mentoring", "cases.manage_mentoring"),
    NavEntry(_("Language mediation"), "cases:mediation", "cases.manage_mediation"),
    NavEntry(_("Specialist hours"), "cases:contract_list", "cases.view_statements"),
    NavEntry(_("Distribution by key"), "funding:calculator", "funding.apportion"),
    NavEntry(_("Programmes"), "funding:programme_list", "funding.manage"),
    NavEntry(_("Grants"), "funding:grant_list", "funding.view_grants"),
    NavEntry(_("Measures plans"), "measures:plan_list", "measures.view_plans"),
    NavEntry(_("Adopted plans"), "measures:public_list", "measures.view_public"),
    NavEntry(_("Users"), "accounts:user_list", "accounts.manage_users"),
    NavEntry(_("Audit trail"), "audit:entry_list", "audit.view_log"),
    NavEntry(
        _("Notifications"),
        "notifications:list",
        "notifications.view_own",
        badge="passgenau.apps.notifications.selectors.unread_count_for_request",
    ),
    NavEntry(_("My account"), "accounts:profile", "accounts.view_own_account"),
]


def navigation_for_request(request: HttpRequest) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = []
    for entry in NAVIGATION:
        if not request_has_perm(request, entry.permission):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:  # a module not installed (yet)
            continue
        current = request.path == url or (url != "/" and request.path.startswith(url))
        badge = _badge_function(entry.badge)(request) if entry.badge else 0
        entries.append({"label": entry.label, "url": url, "current": current, "badge": badge})
    return entries
