"""Reads for accounts. Staff accounts are personal data: reached only through these access
functions, which take the user who asks and log what they return."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone

from . import policies
from .models import LoginAttempt, LoginStep, Organisation, User
from .roles import ROLES_REQUIRING_TOTP
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


def users_search(
    *,
    user: Visitor,
    query: str = "",
    role: str = "",
    organisation: Organisation | None = None,
    active: bool | None = None,
) -> QuerySet[User]:
    """The accounts for the administrators' list, by user name: a search text matches the user
    name, the name and the e-mail address; ``role``, ``organisation`` and ``active`` narrow it
    (empty or ``None``: every one). Not logged: log the page shown
    (:func:`users_log_shown`)."""
    if not policies.may_manage_users(user=user):
        raise PermissionDenied
    accounts = users_for_user(user=user).order_by("username")
    query = query.strip()
    if query:
        accounts = accounts.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    if role:
        accounts = accounts.filter(role=role)
    if organisation is not None:
        accounts = accounts.filter(organisation=organisation)
    if active is not None:
        accounts = accounts.filter(is_active=active)
    return accounts


def users_log_shown(*, user: Visitor, accounts: Iterable[User], searched: bool) -> None:
    """Log that ``user`` saw these accounts on the list (their ids, and whether a text was
    searched — never the text, which may be a name)."""
    log_read(actor=user, objects=list(accounts), data={"search": True} if searched else {})


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


# --- accounts that need an administrator (the to-do list names them by number only, so it
# logs no read; the account's page, where the work is done, does)


def accounts_never_used(*, user: Visitor) -> QuerySet[User]:
    """Active accounts of which nobody has ever logged in: invitations not accepted (no password
    set yet, ``invited``) and accounts set up with a password that was never used."""
    return (
        users_for_user(user=user)
        .filter(is_active=True, last_login__isnull=True)
        .annotate(invited=Q(password__startswith=UNUSABLE_PASSWORD_PREFIX))
    )


def accounts_without_second_factor(*, user: Visitor) -> QuerySet[User]:
    """Active accounts in use whose role requires a second factor that is not set up (reset by
    an administrator, a new role, an enrolment given up): the next log-in stops at enrolment."""
    return users_for_user(user=user).filter(
        Q(totp_confirmed_at__isnull=True) | Q(totp_secret=""),
        is_active=True,
        last_login__isnull=False,
        role__in=ROLES_REQUIRING_TOTP,
    )


def _counted_failures(step: str) -> QuerySet[LoginAttempt]:
    """Failed attempts of ``step`` that count towards a lock-out now, by the rule of
    ``services.lockout_status`` (passwords: per user name and address) and
    ``services.code_lockout_status`` (codes: per user name): within the window and after the
    last success of the same key."""
    since = timezone.now() - timedelta(seconds=settings.LOCKOUT_WINDOW_SECONDS)
    later_success = LoginAttempt.objects.filter(
        username=OuterRef("username"), step=step, succeeded=True, at__gte=OuterRef("at")
    )
    failures = LoginAttempt.objects.filter(step=step, succeeded=False, at__gte=since)
    if step != LoginStep.PASSWORD:
        return failures.exclude(Exists(later_success))
    known = failures.filter(ip_address__isnull=False).exclude(
        Exists(later_success.filter(ip_address=OuterRef("ip_address")))
    )
    unknown = failures.filter(ip_address__isnull=True).exclude(
        Exists(later_success.filter(ip_address__isnull=True))
    )
    return known | unknown


def accounts_locked_out(*, user: Visitor) -> QuerySet[User]:
    """Active accounts that cannot log in now after too many wrong passwords (from one address)
    or wrong one-time codes; the lock ends by itself when the window has passed."""

    def locked(step: str, *key: str) -> QuerySet[LoginAttempt]:
        return (
            _counted_failures(step)
            .values("username", *key)
            .annotate(failures=Count("pk"))
            .filter(failures__gte=settings.LOCKOUT_MAX_FAILURES)
            .values("username")
        )

    return (
        users_for_user(user=user)
        .filter(is_active=True)
        .annotate(lower_username=Lower("username"))
        .filter(
            Q(lower_username__in=locked(LoginStep.PASSWORD, "ip_address"))
            | Q(lower_username__in=locked(LoginStep.CODE))
        )
    )
