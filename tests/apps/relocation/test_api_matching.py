"""JSON API of runs and proposals (same rules as the pages), and schemathesis over the whole
OpenAPI schema: no operation answers with a server error, whatever it is sent."""

from __future__ import annotations

import pytest
import schemathesis
from django.conf import settings
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from accounts_helpers import login_client
from passgenau.apps.relocation.models import Proposal
from relocation_helpers import make_round, user
from relocation_matching_helpers import published_round, ready_round

API = "/api/v1/relocation"


def client(role: str) -> Client:
    return login_client(Client(enforce_csrf_checks=False), user(role))


@pytest.mark.django_db
def test_runs_start_list_and_publish_through_the_api():
    round_ = ready_round(2)
    coordinator = client("coordinator")
    response = coordinator.post(
        f"{API}/rounds/{round_.pk}/runs",
        {"mechanism": "greedy", "seed": 5},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    run = response.json()
    assert run["status"] == "succeeded" and run["seed"] == 5 and run["input_hash"]
    listed = coordinator.get(f"{API}/rounds/{round_.pk}/runs").json()
    assert [r["id"] for r in listed] == [run["id"]]
    proposals = coordinator.get(f"{API}/runs/{run['id']}/proposals").json()
    assert len(proposals) == 2 and all("alternatives" in p["explanation"] for p in proposals)
    assert coordinator.post(f"{API}/runs/{run['id']}/publish").status_code == 200
    assert coordinator.post(f"{API}/runs/{run['id']}/publish").status_code == 409
    # other roles: refused or not found
    assert client("interviewer").get(f"{API}/runs/{run['id']}").status_code == 403
    assert client("municipal_officer").post(f"{API}/rounds/{round_.pk}/runs").status_code == 403


@pytest.mark.django_db
def test_proposals_pseudonymised_decisions_and_contact_through_the_api():
    _round, run = published_round(1)
    proposal = run.proposals.get()
    officer, interviewer = client("municipal_officer"), client("interviewer")
    listed = officer.get(f"{API}/proposals").json()
    assert [p["id"] for p in listed] == [proposal.pk]
    assert listed[0]["contact"] is None
    assert "Contact" not in str(listed[0]["profile"])
    bad = officer.post(
        f"{API}/proposals/{proposal.pk}/decision",
        {"outcome": "decline", "reason": ""},
        content_type="application/json",
    )
    assert bad.status_code == 422
    ok = officer.post(
        f"{API}/proposals/{proposal.pk}/decision",
        {"outcome": "accept"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["contact"] is None
    # officers cannot record the household's answer, interviewers not the municipality's
    assert (
        officer.post(
            f"{API}/proposals/{proposal.pk}/consent",
            {"outcome": "accept"},
            content_type="application/json",
        ).status_code
        == 403
    )
    done = interviewer.post(
        f"{API}/proposals/{proposal.pk}/consent",
        {"outcome": "accept"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "accepted"
    assert done.json()["contact"] is None  # the interviewer's view never carries it
    seen = officer.get(f"{API}/proposals/{proposal.pk}").json()
    assert seen["contact"]["contact_name"] == proposal.household.contact.contact_name
    assert Proposal.objects.get(pk=proposal.pk).status == "accepted"


# -- schemathesis over the whole schema --------------------------------------------------------

CSRF = "a" * 32


def _load_schema():
    """The schema as the app serves it, answered by the Django app itself through WSGI."""
    from passgenau.web.api import api
    from passgenau.web.wsgi import application

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = application
    loaded.location = "/api/v1/openapi.json"
    return loaded


schema = _load_schema()


@pytest.fixture
def coordinator_session(db):
    from django.core import signals
    from django.db import close_old_connections

    make_round()  # something to find (a run per operation would be too slow here)
    # Like Django's test client: requests through WSGI must not close the test's connection
    # (it holds the test's transaction; on PostgreSQL closing it loses everything).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield client("coordinator").cookies[settings.SESSION_COOKIE_NAME].value
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_with_a_server_error(case, coordinator_session):
    session = coordinator_session
    response = case.call(
        cookies={settings.SESSION_COOKIE_NAME: session, settings.CSRF_COOKIE_NAME: CSRF},
        headers={"X-CSRFToken": CSRF},
    )
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
