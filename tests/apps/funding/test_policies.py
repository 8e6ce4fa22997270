"""The funding policies give each role the side of a grant its rights in the table describe."""

from __future__ import annotations

import pytest

from accounts_helpers import ROLES, make_user
from passgenau.apps.accounts.roles import Role
from passgenau.apps.funding import policies

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_grants_from_at_most_one_side(role):
    user = make_user(role)
    funder = policies.funder_organisation(user=user)
    recipient = policies.recipient_organisation(user=user)
    own = user.organisation_id
    assert (funder, recipient) == (
        own if role == Role.FUNDER else None,
        own if role == Role.PROVIDER else None,
    )
    assert policies.may_manage_programmes(user=user) == (role == Role.FUNDER)
    assert policies.may_decide_grants(user=user) == (role == Role.FUNDER)


@pytest.mark.parametrize("role", [Role.FUNDER, Role.PROVIDER])
def test_without_an_organisation_nobody_sees_grants(role):
    user = make_user(role, organisation=None)
    user.organisation = None
    user.save()
    assert policies.funder_organisation(user=user) is None
    assert policies.recipient_organisation(user=user) is None
    assert not policies.may_manage_programmes(user=user)


def test_anonymous_and_inactive_users_get_nothing():
    from django.contrib.auth.models import AnonymousUser

    inactive = make_user(Role.FUNDER, is_active=False)
    for user in (AnonymousUser(), inactive, None):
        assert not policies.may_decide_grants(user=user)
        assert policies.funder_organisation(user=user) is None
        assert policies.recipient_organisation(user=user) is None
