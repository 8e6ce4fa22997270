"""Access functions for accounts: each role sees exactly the accounts it may, and reads by
others are logged."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts_helpers import ROLES, make_user
from passgenau.apps.accounts import selectors
from passgenau.apps.accounts.roles import Role
from passgenau.apps.audit.models import AuditEntry


@pytest.mark.parametrize("role", ROLES)
def test_users_for_user(role, user_for_role):
    me = user_for_role(role)
    other = make_user("funder", username="someone-else")
    visible = set(selectors.users_for_user(user=me))
    if role == Role.ADMINISTRATOR:
        assert {me, other} <= visible
    else:
        assert visible == {me}


def test_anonymous_sees_no_account(db):
    from django.contrib.auth.models import AnonymousUser

    make_user("funder")
    assert not selectors.users_for_user(user=AnonymousUser()).exists()
    assert not selectors.organisations_for_user(user=AnonymousUser()).exists()


@pytest.mark.parametrize("role", ROLES)
def test_user_get_for_user(role, user_for_role):
    me = user_for_role(role)
    other = make_user("funder", username="someone-else")
    assert selectors.user_get_for_user(user=me, id=me.pk) == me
    if role == Role.ADMINISTRATOR:
        assert selectors.user_get_for_user(user=me, id=other.pk) == other
        entry = AuditEntry.objects.get(action="accounts.user.read")
        assert (entry.actor, entry.object_id) == (me, str(other.pk))
    else:
        with pytest.raises(Http404):
            selectors.user_get_for_user(user=me, id=other.pk)
        assert not AuditEntry.objects.filter(action="accounts.user.read").exists()


def test_user_list_is_logged_with_ids(administrator_user):
    other = make_user("funder", username="someone-else")
    accounts = list(selectors.users_search(user=administrator_user))
    selectors.users_log_shown(user=administrator_user, accounts=accounts, searched=False)
    entry = AuditEntry.objects.get(action="accounts.user.list")
    assert set(entry.data["ids"]) == {str(a.pk) for a in accounts} >= {str(other.pk)}


def test_user_list_refused_for_other_roles(caseworker_user):
    with pytest.raises(PermissionDenied):
        selectors.users_search(user=caseworker_user)


def test_user_list_page_makes_a_bounded_number_of_queries(
    administrator_client, django_assert_max_num_queries
):
    for number in range(15):
        make_user("funder", username=f"funder-{number}")
    with django_assert_max_num_queries(12):
        response = administrator_client.get("/accounts/users/")
    assert response.status_code == 200
    assert b"funder-14" in response.content
