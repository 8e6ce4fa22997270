"""Rows of the access matrix: every page of the application, with how to build its URL.

``tests/apps/accounts/test_access_matrix.py`` requests each page as every role (and as an
anonymous visitor) and compares the answer with the permission table. A module adds one
``PageCase`` per page here; a page that has no row fails ``test_every_page_has_a_case``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PageCase:
    url_name: str
    # Builds the URL's keyword arguments (may create objects; runs with database access).
    kwargs: Callable[[], dict[str, object]] | None = None
    query: str = ""
    # Status codes meaning "granted" for this page (a redirect for pages that forward).
    granted: frozenset[int] = field(default_factory=lambda: frozenset({200}))


def _some_user_id() -> dict[str, object]:
    from accounts_helpers import make_user

    return {"id": make_user("caseworker", username="matrix-subject").pk}


def _someone_elses_export() -> dict[str, object]:
    from accounts_helpers import make_user
    from passgenau.apps.core.protected_exports import protected_export_create

    owner = make_user("interviewer", username="matrix-export-owner")
    export = protected_export_create(
        owner=owner, filename="x.zip", files={"x.json": b"{}"}, password="matrix password"
    )
    return {"token": export.token}


def _demo_territory() -> dict[str, object]:
    from passgenau.apps.territories.demo import territories_load_demo
    from passgenau.apps.territories.models import Kreis

    territories_load_demo()
    return {"key": Kreis.objects.order_by("ags").first().ags}


def _funding_distribution() -> dict[str, object]:
    from funding_helpers import make_distribution

    return {"pk": make_distribution().pk}


def _funding_download() -> dict[str, object]:
    return {**_funding_distribution(), "fmt": "pdf"}


def _funding_programme() -> dict[str, object]:
    from funding_helpers import make_programme

    return {"pk": make_programme().pk}  # of the funder role's own organisation


def _funding_grant() -> dict[str, object]:
    from funding_helpers import make_grant

    return {"pk": make_grant(approve=True).pk}  # funder role's programme, provider role's grant


def _funding_payment() -> dict[str, object]:
    import datetime as dt
    from decimal import Decimal

    from funding_helpers import make_grant
    from passgenau.apps.funding import services

    grant = make_grant(approve=True)
    payment = services.grant_pay(
        actor=None, grant=grant, amount=Decimal("100.00"), paid_on=dt.date(2026, 5, 1)
    )
    return {"pk": grant.pk, "payment": payment.pk}


def _relocation_round() -> dict[str, object]:
    """An open round of the coordinator role's organisation; the municipal officer role's
    municipality takes part (made by a separate user so the role users can still be created)."""
    from relocation_helpers import make_round, user

    return {"pk": make_round(actor=user("coordinator", "matrix-coordinator")).pk}


def _relocation_transition() -> dict[str, object]:
    return {**_relocation_round(), "status": "matching"}


def _relocation_household() -> dict[str, object]:
    """A household of the interviewer role's organisation in the round above."""
    from relocation_helpers import register, user

    round_pk = _relocation_round()["pk"]
    from passgenau.apps.relocation.models import Round

    interviewer = user("interviewer", "matrix-interviewer")
    return {"pk": register(Round.objects.get(pk=round_pk), actor=interviewer).pk}


def _relocation_run() -> dict[str, object]:
    from relocation_matching_helpers import published_round

    return {"pk": published_round()[1].pk}


def _relocation_run_compare() -> dict[str, object]:
    from relocation_matching_helpers import published_round

    return {"pk": published_round()[0].pk}


def _relocation_proposal() -> dict[str, object]:
    """A published proposal to the officer role's municipality, for a household of the
    interviewer role's organisation."""
    from relocation_matching_helpers import published_round

    return {"pk": published_round()[1].proposals.first().pk}


def _relocation_placement() -> dict[str, object]:
    from relocation_matching_helpers import accepted_proposal

    return {"pk": accepted_proposal().pk}


def _relocation_arrived() -> dict[str, object]:
    from relocation_matching_helpers import arrived_proposal

    return {"pk": arrived_proposal().pk}


def _relocation_survey_held() -> dict[str, object]:
    import datetime as dt

    from passgenau.apps.relocation.models import FollowUpSurvey
    from passgenau.apps.relocation.services import followup
    from relocation_helpers import user

    pk = _relocation_survey()["pk"]
    followup.survey_record(
        actor=user("interviewer"),
        survey=FollowUpSurvey.objects.get(pk=pk),
        values={"status": "not_reached"},
        today=dt.date(2026, 6, 1),
    )
    return {"pk": pk}


def _relocation_survey() -> dict[str, object]:
    from passgenau.apps.relocation.models import FollowUpSurvey
    from relocation_matching_helpers import arrived_proposal

    proposal = arrived_proposal()
    return {"pk": FollowUpSurvey.objects.filter(household_id=proposal.household_id).first().pk}


def _directory() -> dict[str, object]:
    from directory_helpers import make_directory

    return {"slug": make_directory().slug}


def _directory_offer() -> dict[str, object]:
    from directory_helpers import provider_service

    service = provider_service()
    return {"slug": service.directory.slug, "pk": service.pk}


def _directory_offer_text() -> dict[str, object]:
    from directory_helpers import provider_service

    return {"pk": provider_service().pk, "language": "uk"}


def _directory_own_offer() -> dict[str, object]:
    from directory_helpers import provider_service

    return {"pk": provider_service().pk}


def _directory_own_organization() -> dict[str, object]:
    from directory_helpers import provider_service

    return {"organization": provider_service().organization_id}


def _directory_change() -> dict[str, object]:
    from directory_helpers import pending_change

    return {"pk": pending_change().pk}


def _directory_needs() -> dict[str, object]:
    from directory_helpers import needs_with_referral

    return {"pk": needs_with_referral()[0].pk}


def _directory_referral() -> dict[str, object]:
    from directory_helpers import needs_with_referral

    return {"pk": needs_with_referral()[1].pk}


def _measures_plan() -> dict[str, object]:
    from measures_helpers import matrix_plan

    return {"pk": matrix_plan().pk}


def _measures_measure() -> dict[str, object]:
    from measures_helpers import matrix_plan

    return {"pk": matrix_plan().measures.get(code="1.1").pk}


def _measures_indicator() -> dict[str, object]:
    from measures_helpers import matrix_plan

    return {"pk": matrix_plan().indicators.get().pk}


def _measures_public_plan() -> dict[str, object]:
    from measures_helpers import matrix_plan

    return {"pk": matrix_plan(status="adopted").pk}


def _measures_report() -> dict[str, object]:
    from measures_helpers import matrix_report

    return {"pk": matrix_report().pk}


def _measures_proposal() -> dict[str, object]:
    from measures_helpers import matrix_proposal

    return {"pk": matrix_proposal().pk}


def _case() -> dict[str, object]:
    from cases_helpers import matrix_objects

    return {"pk": matrix_objects()[0].pk}


def _case_version() -> dict[str, object]:
    return {**_case(), "number": 1}


def _case_contract() -> dict[str, object]:
    from cases_helpers import matrix_objects

    return {"pk": matrix_objects()[1].pk}


def _case_statement() -> dict[str, object]:
    return {**_case_contract(), "fmt": "csv"}


def _case_arrival() -> dict[str, object]:
    from passgenau.apps.relocation.models import Arrival
    from relocation_matching_helpers import arrived_proposal

    return {"arrival_pk": Arrival.objects.get(proposal=arrived_proposal()).pk}


def _housing(index: int) -> Callable[[], dict[str, object]]:
    def build() -> dict[str, object]:
        from cases_helpers import housing_matrix_objects

        return {"pk": housing_matrix_objects()[index].pk}

    return build


def _housing_needs_run() -> dict[str, object]:
    from cases_helpers import housing_needs_matrix_run

    return {"pk": housing_needs_matrix_run().pk}


def _mentoring(index: int) -> Callable[[], dict[str, object]]:
    def build() -> dict[str, object]:
        from cases_helpers import mentoring_matrix_objects

        return {"pk": mentoring_matrix_objects()[index].pk}

    return build


def _mentoring_case() -> dict[str, object]:
    from cases_helpers import mentoring_matrix_objects

    return {"pk": mentoring_matrix_objects()[2].case_id}


def _mediation(index: int) -> Callable[[], dict[str, object]]:
    def build() -> dict[str, object]:
        from cases_helpers import mediation_matrix_objects

        return {"pk": mediation_matrix_objects()[index].pk}

    return build


def _mediation_case() -> dict[str, object]:
    from cases_helpers import mediation_matrix_objects

    return {"pk": mediation_matrix_objects()[2].case_id}


def _offered_flat() -> dict[str, object]:
    from cases_helpers import offered_flat_matrix_object

    return {"pk": offered_flat_matrix_object().pk}


def _housing_case() -> dict[str, object]:
    from cases_helpers import housing_matrix_objects

    return {"pk": housing_matrix_objects()[2].case_id}


PAGE_CASES: list[PageCase] = [
    PageCase("core:home"),
    PageCase("core:healthz"),
    PageCase("core:favicon", granted=frozenset({301})),
    PageCase("accounts:login"),
    PageCase("accounts:password_reset"),
    PageCase("accounts:password_reset_done"),
    # an invalid link shows the page that says so
    PageCase("accounts:password_reset_confirm", kwargs=lambda: {"uidb64": "MQ", "token": "a-b"}),
    PageCase("accounts:password_reset_complete"),
    PageCase("accounts:invitation_accept", kwargs=lambda: {"uidb64": "MQ", "token": "a-b"}),
    # the second-factor pages forward users who already confirmed theirs
    PageCase("accounts:totp_verify", granted=frozenset({200, 302})),
    PageCase("accounts:totp_enrol", granted=frozenset({200, 302})),
    PageCase("accounts:profile"),
    PageCase("notifications:list"),
    PageCase("notifications:preferences"),
    PageCase("accounts:password_change"),
    PageCase("accounts:user_list"),
    PageCase("accounts:user_detail", kwargs=_some_user_id),
    PageCase("accounts:user_edit", kwargs=_some_user_id),
    PageCase("accounts:user_role_change", kwargs=_some_user_id),
    PageCase("accounts:user_invite"),
    PageCase("accounts:user_deactivate", kwargs=_some_user_id),
    PageCase("accounts:user_reactivate", kwargs=_some_user_id),
    PageCase("accounts:user_totp_reset", kwargs=_some_user_id),
    PageCase("accounts:user_password_link", kwargs=_some_user_id),
    PageCase("accounts:user_invitation_resend", kwargs=_some_user_id),
    PageCase("audit:entry_list"),
    PageCase("audit:entry_export"),
    PageCase("audit:entry_list", query="action=accounts&date_from=2020-01-01"),
    PageCase("territories:index"),
    PageCase("territories:index", query="q=Berlin"),
    PageCase("territories:detail", kwargs=_demo_territory),
    PageCase("relocation:round_list"),
    PageCase("relocation:round_create"),
    PageCase("relocation:round_detail", kwargs=_relocation_round),
    PageCase("relocation:round_edit", kwargs=_relocation_round),
    PageCase("relocation:round_transition", kwargs=_relocation_transition),
    PageCase("relocation:profile_list"),
    PageCase("relocation:profile_edit", kwargs=_relocation_round),
    PageCase("relocation:household_register", kwargs=_relocation_round),
    PageCase("relocation:household_import", kwargs=_relocation_round),
    PageCase("relocation:import_template", kwargs=_relocation_round),
    PageCase("relocation:household_list"),
    PageCase("relocation:household_list", query="status=registered&q=H-"),
    PageCase("relocation:household_detail", kwargs=_relocation_household),
    PageCase("relocation:interview", kwargs=_relocation_household),
    PageCase("relocation:interview", kwargs=_relocation_household, query="lang=pl"),
    PageCase("relocation:household_contact", kwargs=_relocation_household),
    PageCase("relocation:household_withdraw", kwargs=_relocation_household),
    PageCase("relocation:consent_correct", kwargs=_relocation_household),
    PageCase("privacy:household_erase", kwargs=_relocation_household),
    PageCase("privacy:member_erase", kwargs=_relocation_household),
    PageCase("privacy:household_subject_access", kwargs=_relocation_household),
    PageCase("privacy:case_erase", kwargs=_case),
    PageCase("privacy:mentor_erase", kwargs=_mentoring(0)),
    PageCase("privacy:case_subject_access", kwargs=_case),
    PageCase("privacy:mentor_subject_access", kwargs=_mentoring(0)),
    PageCase("privacy:household_consent_sheet", kwargs=_relocation_household),
    PageCase("privacy:blank_consent_sheet"),
    PageCase("privacy:blank_consent_sheet", query="language=uk"),
    # an export answers its owner only: every other logged-in user gets "not found"
    PageCase("privacy:protected_export", kwargs=_someone_elses_export, granted=frozenset({404})),
    PageCase(
        "privacy:protected_export_download",
        kwargs=_someone_elses_export,
        granted=frozenset({404}),
    ),
    PageCase("relocation:run_list", kwargs=_relocation_round),
    PageCase("relocation:run_detail", kwargs=_relocation_run),
    PageCase("relocation:run_export", kwargs=_relocation_run),
    PageCase("relocation:run_publish", kwargs=_relocation_run),
    # without two runs to compare the page answers "not found"; the runs tests compare two
    PageCase("relocation:run_compare", kwargs=_relocation_run_compare, granted=frozenset({404})),
    PageCase("relocation:proposal_export"),
    PageCase("relocation:arrival_export"),
    PageCase("relocation:proposal_list"),
    PageCase("relocation:proposal_list", query="status=published"),
    PageCase("relocation:proposal_detail", kwargs=_relocation_proposal),
    # a published proposal can no longer be changed: the form is shown, the service refuses
    PageCase("relocation:proposal_override", kwargs=_relocation_proposal),
    PageCase("relocation:round_decisions", kwargs=_relocation_round),
    PageCase("relocation:round_decisions", kwargs=_relocation_round, query="status=declined"),
    PageCase("relocation:decision_received", kwargs=_relocation_proposal),
    PageCase("relocation:decision_correct", kwargs=_relocation_placement),
    PageCase("relocation:decision_received_correct", kwargs=_relocation_placement),
    PageCase("relocation:placement_list"),
    PageCase("relocation:travel_edit", kwargs=_relocation_placement),
    PageCase("relocation:arrival_list"),
    PageCase("relocation:arrival_record", kwargs=_relocation_placement),
    PageCase("relocation:arrival_correct", kwargs=_relocation_arrived),
    PageCase("relocation:survey_list"),
    PageCase("relocation:survey_record", kwargs=_relocation_survey),
    PageCase("relocation:survey_correct", kwargs=_relocation_survey_held),
    PageCase("relocation:evaluation"),
    PageCase("relocation:evaluation_export"),
    PageCase("directory:index"),
    PageCase("directory:search", kwargs=_directory),
    PageCase("directory:search", kwargs=_directory, query="q=beratung&language=ar&place=38226"),
    PageCase("directory:offer", kwargs=_directory_offer),
    PageCase("directory:my_offers"),
    PageCase("directory:offer_edit", kwargs=_directory_own_offer),
    PageCase("directory:offer_easy_text", kwargs=_directory_own_offer),
    PageCase("directory:offer_new", kwargs=_directory_own_organization),
    PageCase("directory:change_list"),
    PageCase("directory:texts", kwargs=_directory),
    PageCase("directory:text_edit", kwargs=_directory_offer_text),
    PageCase("directory:sheet_upload", kwargs=_directory),
    # no upload to map here: only the access check (never granted with content); the sheet
    # import tests map real uploads
    PageCase("directory:sheet_map", kwargs=lambda: {"pk": 999_999}, granted=frozenset({404})),
    PageCase("directory:change_detail", kwargs=_directory_change),
    PageCase("directory:lotse_desk"),
    PageCase("directory:needs_detail", kwargs=_directory_needs),
    PageCase("directory:referral_slip", kwargs=_directory_referral),
    PageCase("directory:referral_outcome", kwargs=_directory_referral),
    PageCase("directory:roundtable", kwargs=_directory),
    PageCase("directory:roundtable_pdf", kwargs=_directory),
    PageCase("funding:calculator"),
    PageCase("funding:distribution_list"),
    PageCase("funding:distribution_detail", kwargs=_funding_distribution),
    PageCase("funding:distribution_download", kwargs=_funding_download),
    PageCase("funding:programme_list"),
    PageCase("funding:programme_create"),
    PageCase("funding:programme_detail", kwargs=_funding_programme),
    PageCase("funding:programme_report_download", kwargs=_funding_programme),
    PageCase("funding:grant_create", kwargs=_funding_programme),
    PageCase("funding:grant_list"),
    PageCase("funding:grant_detail", kwargs=_funding_grant),
    PageCase("funding:grant_notice", kwargs=_funding_grant),
    PageCase("funding:payment_correct", kwargs=_funding_payment),
    PageCase("measures:plan_list"),
    PageCase("measures:plan_create"),
    PageCase("measures:plan_detail", kwargs=_measures_plan),
    PageCase("measures:plan_transition", kwargs=lambda: {**_measures_plan(), "status": "adopted"}),
    PageCase("measures:actor_list", kwargs=_measures_plan),
    PageCase("measures:area_create", kwargs=_measures_plan),
    PageCase("measures:measure_create", kwargs=_measures_plan),
    PageCase("measures:proposal_create", kwargs=_measures_plan),
    PageCase("measures:indicator_create", kwargs=_measures_plan),
    PageCase("measures:plan_import", kwargs=_measures_plan),
    PageCase("measures:import_template", kwargs=lambda: {"fmt": "xlsx"}),
    PageCase("measures:plan_export", kwargs=lambda: {**_measures_plan(), "fmt": "csv"}),
    PageCase("measures:report_create", kwargs=_measures_plan),
    PageCase("measures:report_download", kwargs=_measures_report),
    PageCase("measures:measure_detail", kwargs=_measures_measure),
    PageCase("measures:measure_edit", kwargs=_measures_measure),
    PageCase("measures:measure_update", kwargs=_measures_measure),
    PageCase("measures:proposal_decide", kwargs=_measures_proposal),
    PageCase("measures:indicator_value", kwargs=_measures_indicator),
    PageCase("measures:public_list"),
    PageCase("measures:public_detail", kwargs=_measures_public_plan),
    PageCase("cases:caseload"),
    PageCase("cases:caseload", query="only=overdue"),
    PageCase("cases:case_create"),
    # the arrival is at the municipal officer's municipality, not the caseworker role's
    # organisation: the page answers "not found" (the cases tests open one from an arrival)
    PageCase("cases:case_open_arrival", kwargs=_case_arrival, granted=frozenset({404})),
    PageCase("cases:case_detail", kwargs=_case),
    PageCase("cases:plan_version", kwargs=_case_version),
    PageCase("cases:contract_list"),
    PageCase("cases:contract_create"),
    PageCase("cases:contract_detail", kwargs=_case_contract),
    PageCase("cases:contract_detail", kwargs=_case_contract, query="year=2026"),
    PageCase("cases:statement_download", kwargs=_case_statement, query="year=2026&month=3"),
    PageCase("cases:housing"),
    PageCase("cases:district_create"),
    PageCase("cases:flat_create"),
    PageCase("cases:flat_edit", kwargs=_housing(0)),
    PageCase("cases:flat_withdraw", kwargs=_housing(0)),
    PageCase("cases:offered_flats"),
    PageCase("cases:offered_flat_create"),
    PageCase("cases:offered_flat_edit", kwargs=_offered_flat),
    PageCase("cases:offered_flat_withdraw", kwargs=_offered_flat),
    PageCase("cases:housing_run_detail", kwargs=_housing(1)),
    PageCase("cases:housing_run_export", kwargs=_housing(1)),
    # a run whose input carries health data of a case the role is not responsible for: the run
    # page answers, its export is refused with the reason (docs/adr/0009)
    PageCase("cases:housing_run_detail", kwargs=_housing_needs_run),
    PageCase("cases:housing_run_export", kwargs=_housing_needs_run, granted=frozenset({403})),
    PageCase("cases:housing_request_create", kwargs=_housing_case),
    PageCase("cases:housing_move", kwargs=_housing(2)),
    PageCase("cases:case_detail", kwargs=_housing_case),
    PageCase("cases:mentoring"),
    PageCase("cases:mentor_create"),
    PageCase("cases:mentor_edit", kwargs=_mentoring(0)),
    PageCase("cases:mentoring_run_detail", kwargs=_mentoring(1)),
    PageCase("cases:mentoring_run_export", kwargs=_mentoring(1)),
    PageCase("cases:mentee_request_create", kwargs=_mentoring_case),
    PageCase("cases:mentor_pair", kwargs=_mentoring(3)),
    PageCase("cases:case_detail", kwargs=_mentoring_case),
    PageCase("cases:mediation"),
    PageCase("cases:mediator_create"),
    PageCase("cases:mediator_edit", kwargs=_mediation(0)),
    PageCase("cases:mediation_run_detail", kwargs=_mediation(1)),
    PageCase("cases:mediation_run_export", kwargs=_mediation(1)),
    PageCase("cases:mediation_request_create", kwargs=_mediation_case),
    PageCase("cases:mediation_assignment", kwargs=_mediation(3)),
    PageCase("cases:case_detail", kwargs=_mediation_case),
]

# Views that only accept POST (checked separately: anonymous POST must not do anything harmful).
POST_ONLY = {
    "relocation:run_reproduce",
    "accounts:logout",
    "set_language",
    "funding:grant_action",
    "notifications:read",
    "directory:offer_confirm",
    "directory:duplicate_decide",
    "measures:indicators_refresh",
    "cases:case_action",
    "cases:housing_run_start",
    "cases:flat_proposal_decide",
    "cases:housing_request_withdraw",
    "cases:mentoring_run_start",
    "cases:mentor_proposal_decide",
    "cases:mentee_request_withdraw",
    "cases:mediation_run_start",
    "cases:mediator_proposal_decide",
    "cases:mediation_request_withdraw",
    "cases:housing_run_reproduce",
    "cases:mentoring_run_reproduce",
    "cases:mediation_run_reproduce",
}


@dataclass(frozen=True)
class ApiCase:
    """A GET operation of the API whose path has parameters, and how to fill them."""

    path: str  # the template as in the OpenAPI schema, e.g. /api/v1/relocation/runs/{run_id}
    params: Callable[[], dict[str, object]]
    granted: frozenset[int] = field(default_factory=lambda: frozenset({200}))


def _as(name: str, build: Callable[[], dict[str, object]]) -> Callable[[], dict[str, object]]:
    return lambda: {name: build()["pk"]}


def _hsds_id(kind: str) -> str:
    from directory_helpers import provider_service

    service = provider_service()
    if kind == "service_at_location":
        return service.at_locations.first().hsds_id
    if kind in ("taxonomy", "taxonomy_term"):
        term = service.topics.select_related("taxonomy").first()
        return term.hsds_id if kind == "taxonomy_term" else term.taxonomy.hsds_id
    return service.hsds_id if kind == "service" else service.organization.hsds_id


API_CASES: list[ApiCase] = [
    ApiCase("/api/v1/relocation/rounds/{round_id}", _as("round_id", _relocation_round)),
    ApiCase("/api/v1/relocation/rounds/{round_id}/profiles", _as("round_id", _relocation_round)),
    ApiCase("/api/v1/relocation/rounds/{round_id}/runs", _as("round_id", _relocation_round)),
    ApiCase(
        "/api/v1/relocation/households/{household_id}",
        _as("household_id", _relocation_household),
    ),
    ApiCase("/api/v1/relocation/runs/{run_id}", _as("run_id", _relocation_run)),
    ApiCase("/api/v1/relocation/runs/{run_id}/proposals", _as("run_id", _relocation_run)),
    ApiCase("/api/v1/relocation/proposals/{proposal_id}", _as("proposal_id", _relocation_proposal)),
    ApiCase("/api/v1/funding/distributions/{pk}", _as("pk", _funding_distribution)),
    ApiCase("/api/v1/hsds/services/{id}", lambda: {"id": _hsds_id("service")}),
    ApiCase("/api/v1/hsds/organizations/{id}", lambda: {"id": _hsds_id("organization")}),
    ApiCase("/api/v1/hsds/taxonomies/{id}", lambda: {"id": _hsds_id("taxonomy")}),
    ApiCase("/api/v1/hsds/taxonomy_terms/{id}", lambda: {"id": _hsds_id("taxonomy_term")}),
    ApiCase(
        "/api/v1/hsds/service_at_locations/{id}", lambda: {"id": _hsds_id("service_at_location")}
    ),
    ApiCase("/api/v1/measures/plans/{plan_id}", _as("plan_id", _measures_plan)),
    ApiCase("/api/v1/measures/public/plans/{plan_id}", _as("plan_id", _measures_public_plan)),
    ApiCase(
        "/api/v1/cases/contracts/{contract_id}/statements/{year}/{month}",
        lambda: {"contract_id": _case_contract()["pk"], "year": 2026, "month": 3},
    ),
]
