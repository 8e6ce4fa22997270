from django.urls import path

from .views import cases as views

app_name = "cases"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("new/", views.case_create, name="case_create"),
    path("arrivals/<int:arrival_pk>/open/", views.case_open_arrival, name="case_open_arrival"),
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
