import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in the source language (the default is German)."""
    with translation.override("en"):
        yield


@pytest.fixture
def officer_client(client):
    """A municipal officer of the coordinating office (Dresden), logged in."""
    from accounts_helpers import login_client, make_user
    from measures_helpers import coordinating_office

    officer = make_user(
        "municipal_officer", username="v-officer", organisation=coordinating_office()
    )
    return login_client(client, officer)
