from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
    path("calculator/", views.calculator, name="calculator"),
    path("distributions/", views.distribution_list, name="distribution_list"),
    path("distributions/<int:pk>/", views.distribution_detail, name="distribution_detail"),
    path(
        "distributions/<int:pk>/download.<str:fmt>",
        views.distribution_download,
        name="distribution_download",
    ),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path(
        "programmes/<int:pk>/report.pdf",
        views.programme_report_download,
        name="programme_report_download",
    ),
    path("programmes/<int:pk>/grants/new/", views.grant_create, name="grant_create"),
    path("grants/", views.grant_list, name="grant_list"),
    path("grants/<int:pk>/", views.grant_detail, name="grant_detail"),
    path("grants/<int:pk>/notice.pdf", views.grant_notice, name="grant_notice"),
    path(
        "grants/<int:pk>/payments/<int:payment>/correct/",
        views.payment_correct,
        name="payment_correct",
    ),
    path("grants/<int:pk>/<str:action>/", views.grant_action, name="grant_action"),
]
