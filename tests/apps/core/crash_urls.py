"""A URL map for the error-page test: the platform's URLs plus one view that fails."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from passgenau.web.urls import urlpatterns as platform_urlpatterns


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


urlpatterns = [*platform_urlpatterns, path("crash/", crash)]
