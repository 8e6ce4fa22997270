"""URLs of relocation rounds, one block per area (the same areas as the views)."""

from django.urls import path

from .views import (
    decisions,
    exports,
    followup,
    imports,
    intake,
    profiles,
    review,
    rounds,
    runs,
    travel,
)

app_name = "relocation"

urlpatterns = [
    # rounds
    path("", rounds.round_list, name="round_list"),
    path("rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", rounds.round_edit, name="round_edit"),
    path("rounds/<int:pk>/status/<slug:status>/", rounds.round_transition, name="round_transition"),
    # profiles
    path("profiles/", profiles.profile_list, name="profile_list"),
    path("rounds/<int:pk>/profile/", profiles.profile_edit, name="profile_edit"),
    # intake
    path("rounds/<int:pk>/households/new/", intake.household_register, name="household_register"),
    path("households/", intake.household_list, name="household_list"),
    path("households/<int:pk>/", intake.household_detail, name="household_detail"),
    path("households/<int:pk>/interview/", intake.interview, name="interview"),
    path("households/<int:pk>/contact/", intake.household_contact, name="household_contact"),
    path("households/<int:pk>/withdraw/", intake.household_withdraw, name="household_withdraw"),
    path("households/<int:pk>/consent/correct/", intake.consent_correct, name="consent_correct"),
    path("rounds/<int:pk>/households/import/", imports.household_import, name="household_import"),
    path(
        "rounds/<int:pk>/households/import/template.csv",
        imports.import_template,
        name="import_template",
    ),
    # runs
    path("rounds/<int:pk>/runs/", runs.run_list, name="run_list"),
    path("rounds/<int:pk>/runs/compare/", runs.run_compare, name="run_compare"),
    path("runs/<int:pk>/", runs.run_detail, name="run_detail"),
    path("runs/<int:pk>/export/", runs.run_export, name="run_export"),
    path("runs/<int:pk>/reproduce/", runs.run_reproduce, name="run_reproduce"),
    # review
    path("runs/<int:pk>/publish/", review.run_publish, name="run_publish"),
    path("proposals/<int:pk>/override/", review.proposal_override, name="proposal_override"),
    # decisions
    path("proposals/", decisions.proposal_list, name="proposal_list"),
    path("proposals/export/", exports.proposal_export, name="proposal_export"),
    path("proposals/<int:pk>/", decisions.proposal_detail, name="proposal_detail"),
    path("rounds/<int:pk>/decisions/", decisions.round_decisions, name="round_decisions"),
    path("proposals/<int:pk>/received/", decisions.decision_received, name="decision_received"),
    path("proposals/<int:pk>/correct/", decisions.decision_correct, name="decision_correct"),
    path(
        "proposals/<int:pk>/correct-received/",
        decisions.decision_received_correct,
        name="decision_received_correct",
    ),
    # travel
    path("placements/", travel.placement_list, name="placement_list"),
    path("placements/<int:pk>/travel/", travel.travel_edit, name="travel_edit"),
    path("arrivals/", travel.arrival_list, name="arrival_list"),
    path("arrivals/export/", exports.arrival_export, name="arrival_export"),
    path("arrivals/<int:pk>/", travel.arrival_record, name="arrival_record"),
    path("arrivals/<int:pk>/correct/", travel.arrival_correct, name="arrival_correct"),
    # follow-up
    path("surveys/", followup.survey_list, name="survey_list"),
    path("surveys/<int:pk>/", followup.survey_record, name="survey_record"),
    path("surveys/<int:pk>/correct/", followup.survey_correct, name="survey_correct"),
    path("evaluation/", followup.evaluation, name="evaluation"),
    path("evaluation/export/", followup.evaluation_export, name="evaluation_export"),
]
