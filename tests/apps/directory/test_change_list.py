"""The editor's changes to review (issue 11): searched by offer (also a new offer's proposed
name) or provider, filtered by status (waiting ones unless told), paged with the same number of
queries on every page; roles that do not review are refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts_helpers import ROLES
from directory_helpers import make_directory
from listing_helpers import queries_for, second_page, ten_per_page  # noqa: F401 - a fixture
from passgenau.apps.accounts.permissions import role_has_perm
from passgenau.apps.directory.models import ChangeRequest, ChangeStatus, Service

URL = reverse("directory:change_list")

pytestmark = pytest.mark.django_db


def _changes(
    user_for_role, count: int, *, service: Service | None = None, new_name: str = "", **fields
):
    """``count`` proposed changes: to ``service`` (the first offer unless told), or of a new
    offer named ``new_name`` n."""
    directory = make_directory()
    proposer = user_for_role("provider")
    service = service or Service.objects.filter(directory=directory).order_by("pk").first()
    ChangeRequest.objects.bulk_create(
        ChangeRequest(
            directory=directory,
            service=None if new_name else service,
            organization=service.organization,
            proposed_by=proposer,
            fields={"name": f"{new_name} {n:02}"} if new_name else {"phone": "0531 1"},
            **fields,
        )
        for n in range(count)
    )
    return service


def _offers(response) -> list[str]:
    return [
        change.service.name if change.service else change.fields["name"]
        for change in response.context["page"]
    ]


@pytest.fixture
def editor(client_for_role):
    make_directory()  # first: it places the editor's organisation in the directory's Kreis
    return client_for_role("directory_editor")


def test_the_search_finds_by_offer_new_offer_and_provider_and_hides_the_others(
    editor, user_for_role
):
    service = _changes(user_for_role, 1)
    _changes(user_for_role, 1, new_name="Sprachcafé")
    assert _offers(editor.get(URL, {"q": service.name[:12].lower()})) == [service.name]
    assert _offers(editor.get(URL, {"q": "sprachcaf"})) == ["Sprachcafé 00"]
    assert _offers(editor.get(URL, {"q": service.organization.name})) == [
        service.name,
        "Sprachcafé 00",
    ]
    assert _offers(editor.get(URL, {"q": "Zahnarzt"})) == []


def test_the_status_filter_shows_waiting_changes_unless_told(editor, user_for_role):
    service = _changes(user_for_role, 1)
    _changes(user_for_role, 1, new_name="Abgelehnt", status=ChangeStatus.REJECTED)
    assert _offers(editor.get(URL)) == [service.name]
    assert _offers(editor.get(URL, {"status": "rejected"})) == ["Abgelehnt 00"]
    response = editor.get(URL, {"status": "lost"})
    assert response.status_code == 200 and "status" in response.context["form"].errors
    assert _offers(response) == [service.name]


@pytest.mark.usefixtures("ten_per_page")
def test_page_two_holds_the_rest_and_keeps_the_search(editor, user_for_role):
    _changes(user_for_role, 12, new_name="Kurs")
    response = second_page(editor, URL, {"q": "Kurs"})
    assert _offers(response) == ["Kurs 10", "Kurs 11"]


@pytest.mark.usefixtures("ten_per_page")
def test_the_number_of_queries_is_the_same_for_3_and_30_changes_and_on_a_later_page(
    editor, user_for_role
):
    _changes(user_for_role, 2)
    _changes(user_for_role, 1, new_name="Kurs")
    editor.get(URL)
    few = queries_for(editor, URL, {"q": "e"})
    _changes(user_for_role, 13)
    _changes(user_for_role, 14, new_name="Kurs b")
    assert queries_for(editor, URL, {"q": "e"}) == few
    assert queries_for(editor, URL, {"q": "e", "page": "3"}) == few


@pytest.mark.parametrize(
    "role", [role for role in ROLES if not role_has_perm(role, "directory.review_changes")]
)
def test_a_role_that_does_not_review_is_refused(role, client_for_role, user_for_role):
    _changes(user_for_role, 1, new_name="Sprachcafé")
    response = client_for_role(role).get(URL, {"q": "Sprachcafé"})
    assert response.status_code == 403 and b"Sprachcaf\xc3\xa9 00" not in response.content
