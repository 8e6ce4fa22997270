"""URL map: one include per app, one line each."""

from django.contrib import admin
from django.urls import include, path

from passgenau.web.api import api

urlpatterns = [
    path("", include("passgenau.apps.core.urls")),
    path("accounts/", include("passgenau.apps.accounts.urls")),
    path("audit/", include("passgenau.apps.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("territories/", include("passgenau.apps.territories.urls")),
    path("relocation/", include("passgenau.apps.relocation.urls")),
    path("funding/", include("passgenau.apps.funding.urls")),
    path("directory/", include("passgenau.apps.directory.urls")),
    path("notifications/", include("passgenau.apps.notifications.urls")),
    path("measures/", include("passgenau.apps.measures.urls")),
    path("cases/", include("passgenau.apps.cases.urls")),
    path("privacy/", include("passgenau.apps.privacy.urls")),
    # further apps: one line each
]
