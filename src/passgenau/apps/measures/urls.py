from django.urls import path

from . import views, views_reports

app_name = "measures"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("import/template.<str:fmt>", views_reports.import_template, name="import_template"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/status/<str:status>/", views.plan_transition, name="plan_transition"),
    path("<int:pk>/actors/", views.actor_list, name="actor_list"),
    path("<int:pk>/areas/new/", views.area_create, name="area_create"),
    path("<int:pk>/measures/new/", views.measure_create, name="measure_create"),
    path("<int:pk>/propose/", views.proposal_create, name="proposal_create"),
    path("<int:pk>/indicators/new/", views.indicator_create, name="indicator_create"),
    path("<int:pk>/indicators/refresh/", views.indicators_refresh, name="indicators_refresh"),
    path("<int:pk>/import/", views_reports.plan_import, name="plan_import"),
    path("<int:pk>/export.<str:fmt>", views_reports.plan_export, name="plan_export"),
    path("<int:pk>/report/", views_reports.report_create, name="report_create"),
    path("report/<int:pk>/", views_reports.report_download, name="report_download"),
    path("measure/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("measure/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measure/<int:pk>/update/", views.measure_update, name="measure_update"),
    path("proposal/<int:pk>/", views.proposal_decide, name="proposal_decide"),
    path("indicator/<int:pk>/", views.indicator_value, name="indicator_value"),
    path("public/", views.public_list, name="public_list"),
    path("public/<int:pk>/", views.public_detail, name="public_detail"),
]
