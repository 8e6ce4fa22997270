import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Service messages are matched in English (the source language); pages choose their own."""
    with translation.override("en"):
        yield
