from django.urls import path

from . import urls_matching, views

app_name = "relocation"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/status/<slug:status>/", views.round_transition, name="round_transition"),
    path("rounds/<int:pk>/profile/", views.profile_edit, name="profile_edit"),
    path("rounds/<int:pk>/households/new/", views.household_register, name="household_register"),
    path("rounds/<int:pk>/households/import/", views.household_import, name="household_import"),
    path(
        "rounds/<int:pk>/households/import/template.csv",
        views.import_template,
        name="import_template",
    ),
    path("households/", views.household_list, name="household_list"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/interview/", views.interview, name="interview"),
    path("households/<int:pk>/contact/", views.household_contact, name="household_contact"),
    path("households/<int:pk>/withdraw/", views.household_withdraw, name="household_withdraw"),
]

# runs, review, decisions, travel, arrival, follow-up and evaluation
urlpatterns += urls_matching.urlpatterns
