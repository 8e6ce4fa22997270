from django.urls import path, re_path

from . import views

app_name = "territories"

urlpatterns = [
    path("", views.territory_index, name="index"),
    # 2 digits: Land, 5: Kreis, 8: Gemeinde
    re_path(r"^(?P<key>\d{2}|\d{5}|\d{8})/$", views.territory_detail, name="detail"),
]
