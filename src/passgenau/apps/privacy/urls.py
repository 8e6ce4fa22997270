"""URLs of data protection."""

from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("households/<int:pk>/erase/", views.household_erase, name="household_erase"),
    path("households/<int:pk>/members/erase/", views.member_erase, name="member_erase"),
    path(
        "households/<int:pk>/subject-access.<str:fmt>",
        views.household_subject_access,
        name="household_subject_access",
    ),
]
