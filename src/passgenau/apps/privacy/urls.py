"""URLs of data protection."""

from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("households/<int:pk>/erase/", views.household_erase, name="household_erase"),
    path("households/<int:pk>/members/erase/", views.member_erase, name="member_erase"),
    path("cases/<int:pk>/erase/", views.case_erase, name="case_erase"),
    path("mentors/<int:pk>/erase/", views.mentor_erase, name="mentor_erase"),
    path(
        "households/<int:pk>/subject-access/",
        views.household_subject_access,
        name="household_subject_access",
    ),
    path("cases/<int:pk>/subject-access/", views.case_subject_access, name="case_subject_access"),
    path(
        "mentors/<int:pk>/subject-access/",
        views.mentor_subject_access,
        name="mentor_subject_access",
    ),
    path(
        "households/<int:pk>/consent-sheet/",
        views.household_consent_sheet,
        name="household_consent_sheet",
    ),
    path("consent-form/", views.blank_consent_sheet, name="blank_consent_sheet"),
    path("exports/<uuid:token>/", views.protected_export, name="protected_export"),
    path(
        "exports/<uuid:token>/download/",
        views.protected_export_download,
        name="protected_export_download",
    ),
]
