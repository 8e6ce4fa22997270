"""Checking the permission table for a request: view decorators and the API's authentication.

Every view carries an ``access_rule`` attribute (a permission code, or ``PUBLIC_VIEW``), so that
the access-matrix test can find views that nobody decided about.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from ninja.errors import HttpError
from ninja.security import APIKeyCookie

from .permissions import roles_with
from .roles import PUBLIC

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    from .models import User

    # Who asks: a logged-in user or an anonymous visitor (``request.user``).
    Visitor = User | AnonymousUser
    # Who is recorded as acting: also a user of another model, or nobody (a command).
    Actor = AbstractBaseUser | AnonymousUser | None

SESSION_OTP_VERIFIED = "passgenau_otp_verified"
PUBLIC_VIEW = "public"  # access rule of a view that anyone may use, without a permission

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view that only logged-in users reach (``require`` with a right the public
    does not hold, or ``login_step``) or of an endpoint behind an ``ApiPermission`` of such a
    right: its ``user`` is a :class:`~.models.User`."""

    user: User


def user_role(user: Actor) -> str:
    """The stored role of ``user`` or ``public`` for anonymous visitors and users without one."""
    if user is None or not user.is_authenticated or not user.is_active:
        return PUBLIC
    return getattr(user, "role", "") or PUBLIC


def user_has_perm(user: Actor, code: str) -> bool:
    """Whether the role of ``user`` holds ``code`` (public rights hold for everyone)."""
    roles = roles_with(code)
    return PUBLIC in roles or user_role(user) in roles


def session_is_verified(request: HttpRequest) -> bool:
    """True unless the user's role needs a one-time password not yet given in this session."""
    user = request.user
    if not user.is_authenticated or not user.requires_totp:
        return True
    return bool(request.session.get(SESSION_OTP_VERIFIED))


def request_role(request: HttpRequest) -> str:
    """The role in force for this request: ``public`` until the second factor is confirmed."""
    if not session_is_verified(request):
        return PUBLIC
    return user_role(request.user)


def request_has_perm(request: HttpRequest, code: str) -> bool:
    roles = roles_with(code)
    return PUBLIC in roles or request_role(request) in roles


def require(code: str) -> Callable[[ViewFunc], ViewFunc]:
    """View decorator: anonymous visitors go to the log-in, others without the right get 403."""
    roles_with(code)  # fail at import time on a misspelt code

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request_has_perm(request, code):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_rule = code  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def public(view: ViewFunc) -> ViewFunc:
    """Mark a view as open to everyone (it must show no personal data)."""
    view.access_rule = PUBLIC_VIEW  # type: ignore[attr-defined]
    return view


class ApiPermission(APIKeyCookie):
    """Django Ninja ``auth=`` object: the session log-in (with CSRF on writes) plus a right from
    the permission table. Anonymous requests get 401, logged-in users without the right 403.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, code: str) -> None:
        roles_with(code)  # fail at import time on a misspelt code
        self.code = code
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request_has_perm(request, self.code):
            return request.user if request.user.is_authenticated else True
        if not request.user.is_authenticated:
            return None
        raise HttpError(403, "Forbidden")
