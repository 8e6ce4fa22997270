"""URLs of runs, review, decisions, travel, arrival, follow-up and evaluation (added to the app's
``urlpatterns`` in ``urls.py``, same ``relocation`` namespace)."""

from django.urls import path

from . import views_matching as views

urlpatterns = [
    path("rounds/<int:pk>/runs/", views.run_list, name="run_list"),
    path("rounds/<int:pk>/runs/compare/", views.run_compare, name="run_compare"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/instance.zip", views.run_export, name="run_export"),
    path("runs/<int:pk>/publish/", views.run_publish, name="run_publish"),
    path("runs/<int:pk>/reproduce/", views.run_reproduce, name="run_reproduce"),
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/override/", views.proposal_override, name="proposal_override"),
    path("placements/", views.placement_list, name="placement_list"),
    path("placements/<int:pk>/travel/", views.travel_edit, name="travel_edit"),
    path("arrivals/", views.arrival_list, name="arrival_list"),
    path("arrivals/<int:pk>/", views.arrival_record, name="arrival_record"),
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/<int:pk>/", views.survey_record, name="survey_record"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("evaluation/export.<slug:fmt>", views.evaluation_export, name="evaluation_export"),
]
