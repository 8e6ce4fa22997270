"""A page number beyond 64 bits, a word or a negative number never fails a list: a number out of
range shows the last page, what is no number the first (issue 10, defect 8)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relocation_helpers import english, make_round, register  # noqa: F401 (english: a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HUGE = "9" * 30


def test_the_household_list_shows_its_last_page_for_a_huge_number(coordinator_client):
    round_ = make_round()
    for i in range(51):  # 50 a page: two pages
        register(round_, contact_name=f"Person {i}")
    url = reverse("relocation:household_list")
    for page, shown in ((HUGE, 2), ("2", 2), ("abc", 1), ("-1", 2), ("0", 2), ("1" * 400, 2)):
        response = coordinator_client.get(url, {"page": page})
        assert response.status_code == 200, page
        assert f"Page {shown} of 2" in response.content.decode(), page


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        ("coordinator", "relocation:round_list"),
        ("interviewer", "relocation:proposal_list"),
        ("coordinator", "relocation:placement_list"),
        ("municipal_officer", "relocation:arrival_list"),
        ("interviewer", "relocation:survey_list"),
        ("administrator", "audit:entry_list"),
        ("administrator", "accounts:user_list"),
        ("funder", "funding:grant_list"),
        ("caseworker", "cases:caseload"),
        ("coordinator", "notifications:list"),
    ],
)
def test_no_list_fails_on_a_page_number_it_cannot_use(client_for_role, role, url_name):
    client = client_for_role(role)
    for page in (HUGE, "abc", "-1", "1e9"):
        assert client.get(reverse(url_name), {"page": page}).status_code == 200, (url_name, page)
