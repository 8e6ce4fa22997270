from django.urls import path

from .views import cases as views
from .views import housing, mediation, mentoring

app_name = "cases"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("new/", views.case_create, name="case_create"),
    path("arrivals/<int:arrival_pk>/open/", views.case_open_arrival, name="case_open_arrival"),
    path("housing/", housing.housing, name="housing"),
    path("housing/districts/new/", housing.district_create, name="district_create"),
    path("housing/flats/new/", housing.flat_create, name="flat_create"),
    path("housing/flats/<int:pk>/", housing.flat_edit, name="flat_edit"),
    path("housing/flats/<int:pk>/withdraw/", housing.flat_withdraw, name="flat_withdraw"),
    path("housing/offered/", housing.offered_flats, name="offered_flats"),
    path("housing/offered/new/", housing.offered_flat_create, name="offered_flat_create"),
    path("housing/offered/<int:pk>/", housing.offered_flat_edit, name="offered_flat_edit"),
    path(
        "housing/offered/<int:pk>/withdraw/",
        housing.offered_flat_withdraw,
        name="offered_flat_withdraw",
    ),
    path("housing/requests/<int:pk>/move/", housing.housing_move, name="housing_move"),
    *housing.RUN_VIEWS.urls("housing"),
    path("mentoring/", mentoring.mentoring, name="mentoring"),
    path("mentoring/mentors/new/", mentoring.mentor_create, name="mentor_create"),
    path("mentoring/mentors/<int:pk>/", mentoring.mentor_edit, name="mentor_edit"),
    path("mentoring/pairs/<int:pk>/", mentoring.mentor_pair, name="mentor_pair"),
    *mentoring.RUN_VIEWS.urls("mentoring"),
    path("mediation/", mediation.mediation, name="mediation"),
    path("mediation/mediators/new/", mediation.mediator_create, name="mediator_create"),
    path("mediation/mediators/<int:pk>/", mediation.mediator_edit, name="mediator_edit"),
    path(
        "mediation/assignments/<int:pk>/",
        mediation.mediation_assignment,
        name="mediation_assignment",
    ),
    *mediation.RUN_VIEWS.urls("mediation"),
    path("<int:pk>/housing/", housing.housing_request_create, name="housing_request_create"),
    path("<int:pk>/mentoring/", mentoring.mentee_request_create, name="mentee_request_create"),
    path(
        "<int:pk>/mediation/",
        mediation.mediation_request_create,
        name="mediation_request_create",
    ),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/plan/<int:number>/", views.plan_version, name="plan_version"),
    path("<int:pk>/<str:action>/", views.case_action, name="case_action"),
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path(
        "contracts/<int:pk>/statement.<str:fmt>",
        views.statement_download,
        name="statement_download",
    ),
]
