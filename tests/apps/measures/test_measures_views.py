"""The pages and the API, as the coordinating office, an actor and the public use them."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts_helpers import login_client, make_user
from measures_helpers import coordinating_office, fachplan_xlsx, make_plan, role_organisation
from passgenau.apps.measures.models import Plan, Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider_client():
    from django.test import Client

    provider = make_user(
        "provider", username="v-provider", organisation=role_organisation("provider")
    )
    return login_client(Client(), provider)


def test_office_creates_imports_and_reports(officer_client):
    response = officer_client.post(
        reverse("measures:plan_create"),
        {
            "name": "Fachplan Asyl und Integration 2027",
            "period_start": "2026-01-01",
            "period_end": "2028-12-31",
            "guidelines": "Integration ab Ankunft\nTeilhabe durch Beteiligung",
        },
    )
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    upload = SimpleUploadedFile("fachplan.xlsx", fachplan_xlsx())
    response = officer_client.post(
        reverse("measures:plan_import", args=[plan.pk]), {"file": upload}
    )
    assert response.status_code == 302
    assert plan.measures.count() == 66
    with CaptureQueriesContext(connection) as queries:
        page = officer_client.get(plan.get_absolute_url())
    assert page.status_code == 200
    assert len(queries) < 40, len(queries)  # a fixed number, not one per measure
    assert "Maßnahme 12.5" in page.content.decode()
    response = officer_client.post(
        reverse("measures:report_create", args=[plan.pk]),
        {"as_of": timezone.localdate().isoformat(), "format": "pdf"},
    )
    report = Report.objects.get()
    assert response["Location"] == reverse("measures:report_download", args=[report.pk])
    download = officer_client.get(response["Location"])
    assert download["Content-Type"] == "application/pdf"
    assert hashlib.sha256(download.content).hexdigest() == report.sha256


def test_import_errors_are_shown_with_row_and_field(officer_client):
    plan = make_plan()
    from measures_helpers import fachplan_rows

    rows = fachplan_rows(areas=1, measures=2)
    rows[1][7] = "irgendwann"
    upload = SimpleUploadedFile("plan.xlsx", fachplan_xlsx(rows))
    response = officer_client.post(
        reverse("measures:plan_import", args=[plan.pk]), {"file": upload}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "plan.xlsx, Zeile 3, Feld „Beginn“" in text and "irgendwann" in text


def test_actor_reports_on_its_own_measure_only(provider_client):
    plan = make_plan(status="adopted")
    own = plan.measures.get(code="1.1")
    other = plan.measures.get(code="2.1")
    today = timezone.localdate().isoformat()
    response = provider_client.post(
        reverse("measures:measure_update", args=[own.pk]),
        {"status": "running", "on": today, "note": "Erste Wohnungen vermittelt"},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == "running"
    refused = provider_client.post(
        reverse("measures:measure_update", args=[other.pk]),
        {"status": "running", "on": today},
    )
    assert refused.status_code == 403
    api = provider_client.post(
        reverse("api:api-root") + f"measures/measures/{own.pk}/updates",
        {"status": "planned", "on": today},
        content_type="application/json",
    )
    assert api.status_code == 409 and api.json()["detail"][0]["type"] == "transition"
    api = provider_client.post(
        reverse("api:api-root") + f"measures/measures/{own.pk}/updates",
        {"status": "delayed", "on": today},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert api.json()["detail"][0]["loc"] == ["body", "note"]
    api = provider_client.post(
        reverse("api:api-root") + f"measures/measures/{other.pk}/updates",
        {"status": "running", "on": today},
        content_type="application/json",
    )
    assert api.status_code == 403


def test_public_page_shows_progress_but_no_notes_or_comments(client):
    from passgenau.apps.measures import services

    plan = make_plan(status="adopted")
    officer = make_user(
        "municipal_officer", username="p-officer", organisation=coordinating_office()
    )
    measure = plan.measures.get(code="1.1")
    services.measure_status_change(
        user=officer,
        measure=measure,
        status="delayed",
        on=dt.date(2026, 3, 1),
        note="Frau Muster erkrankt",
    )
    services.comment_add(user=officer, measure=measure, text="Geheimer Kommentar")
    page = client.get(reverse("measures:public_detail", args=[plan.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Wohnungen in den Stadtteilen vermitteln" in text
    assert "rot: Maßnahmen verzögert" in text
    assert "Muster" not in text and "Geheimer" not in text
    api = client.get(reverse("api:api-root") + f"measures/public/plans/{plan.pk}")
    assert api.status_code == 200 and "Muster" not in api.content.decode()
    draft = make_plan(name="Entwurf")
    assert client.get(reverse("measures:public_detail", args=[draft.pk])).status_code == 404


def test_plan_of_another_city_is_not_found(provider_client):
    from passgenau.apps.accounts.models import Organisation
    from passgenau.apps.measures import services

    other = services.plan_create(
        user=None,
        name="Plan anderswo",
        organisation=Organisation.objects.create(name="Stadt Anderswo", kind="municipality"),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    assert provider_client.get(other.get_absolute_url()).status_code == 404
    api = provider_client.get(reverse("api:api-root") + f"measures/plans/{other.pk}")
    assert api.status_code == 404
