"""schemathesis over the whole API (every operation of the OpenAPI document), as the roles that
write the most: no answer is a server error, whatever is sent (NUL characters, huge numbers,
over-long text and wrong types included, as hypothesis generates them). Runs on SQLite and on
PostgreSQL (CI runs the suite on both).

Examples: ``EXAMPLES`` per operation and role, as every role that writes through the API (so
that operations open to officers, caseworkers or administrators are fuzzed past the 403 too):
with 49 operations and 6 roles, 294 cases of up to 8 requests, about 1.5 minutes on two cores.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.conf import settings
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from accounts_helpers import login_client, make_user

EXAMPLES = 8
ROLES = ["coordinator", "interviewer", "funder", "municipal_officer", "caseworker", "administrator"]
CSRF = "b" * 32


def _load_schema():
    from passgenau.web.api import api
    from passgenau.web.wsgi import application

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = application
    loaded.location = "/api/v1/openapi.json"
    return loaded


schema = _load_schema()


@pytest.fixture(params=ROLES)
def session_of_role(request, db):
    from django.core import signals
    from django.db import close_old_connections

    from relocation_helpers import make_round

    make_round()
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    client = login_client(Client(), make_user(request.param, username=f"fuzz-{request.param}"))
    yield client.cookies[settings.SESSION_COOKIE_NAME].value
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_with_a_server_error(case, session_of_role):
    response = case.call(
        cookies={settings.SESSION_COOKIE_NAME: session_of_role, settings.CSRF_COOKIE_NAME: CSRF},
        headers={"X-CSRFToken": CSRF},
    )
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
