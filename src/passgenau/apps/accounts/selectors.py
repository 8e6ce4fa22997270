"""Reads for accounts. Staff accounts are personal data: reached only through these access
functions, which take the user who asks and log what they return."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from . import policies
from .models import Organisation, User
from .trail import log_read

if TYPE_CHECKING:
    from .access import Visitor


def users_for_user(*, user: Visitor) -> QuerySet[User]:
    """The accounts ``user`` may see: all for administrators, otherwise only their own."""
    accounts = User.objects.select_related("organisation")
    if policies.may_manage_users(user=user):
        return accounts.all()
    if user is not None and user.is_authenticated:
        return accounts.filter(pk=user.pk)
    return accounts.none()


def user_get_for_user(*, user: Visitor, id: int) -> User:
    """One account, if ``user`` may see it (404 otherwise, so that IDs do not leak); logged."""
    try:
        account = users_for_user(user=user).get(pk=id)
    except User.DoesNotExist:
        raise Http404 from None
    if account.pk != getattr(user, "pk", None):
        log_read(actor=user, obj=account)
    return account


def users_list_for_user(*, user: Visitor) -> list[User]:
    """The list page of accounts for administrators; the read is logged."""
    if not policies.may_manage_users(user=user):
        raise PermissionDenied
    accounts = list(users_for_user(user=user))
    log_read(actor=user, objects=accounts)
    return accounts


def organisations_for_user(*, user: Visitor) -> QuerySet[Organisation]:
    """Organisations are not personal data; staff see all of them, visitors none."""
    if user is None or not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.all()


def organisation_get_for_user(*, user: Visitor, id: int) -> Organisation:
    try:
        return organisations_for_user(user=user).get(pk=id)
    except Organisation.DoesNotExist:
        raise Http404 from None
