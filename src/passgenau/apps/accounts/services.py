"""Writes for accounts: organisations and users (logged), the lock-out and one-time passwords."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pyotp
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from . import policies
from .models import LoginAttempt, LoginStep, Organisation, User
from .sealing import is_sealed
from .tokens import default_token_generator, invitation_token_generator
from .trail import log_action

if TYPE_CHECKING:
    from .access import Actor

logger = logging.getLogger(__name__)

# A code is accepted one time step (30 s) early or late, for clocks that drift.
TOTP_VALID_WINDOW = 1


@dataclass(frozen=True)
class LockoutStatus:
    locked: bool
    failures: int


def organisation_create(
    *, actor: Actor, name: str, kind: str, kreis: Any = None, gemeinde: Any = None
) -> Organisation:
    organisation = Organisation(name=name, kind=kind, kreis=kreis, gemeinde=gemeinde)
    organisation.full_clean()
    organisation.save()
    log_action("accounts.organisation.created", actor=actor, obj=organisation, data={"kind": kind})
    return organisation


def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    organisation: Organisation | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    user = User(
        username=username,
        role=role,
        organisation=organisation,
        email=email,
        first_name=first_name,
        last_name=last_name,
    )
    validate_password(password, user=user)
    user.set_password(password)
    _user_add(actor=actor, user=user)
    return user


def _user_add(*, actor: Actor, user: User) -> None:
    """Check and save a new account and log it (ids and role only)."""
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save()
        log_action(
            "accounts.user.created",
            actor=actor,
            obj=user,
            data={"role": user.role, "organisation": user.organisation_id},
        )


def user_invite(
    *,
    actor: Actor,
    username: str,
    email: str,
    role: str,
    organisation: Organisation | None,
    first_name: str = "",
    last_name: str = "",
    language: str = "",
    base_url: str,
) -> User:
    """A new account without a password: the user gets an e-mail with a link (valid for
    ``ACCOUNT_INVITATION_TIMEOUT`` seconds, once) to set their own, and then enrols the second
    factor at the first log-in. An e-mail address already in use is refused."""
    email = User.objects.normalize_email(email.strip())
    if not email:
        raise ValidationError({"email": [_("Give the e-mail address the invitation goes to.")]})
    _email_unused(email=email)
    user = User(
        username=username,
        role=role,
        organisation=organisation,
        email=email,
        language=_language_checked(language or settings.LANGUAGE_CODE),
    )
    user.first_name, user.last_name = first_name, last_name
    user.set_unusable_password()
    user.full_clean(exclude=["password"])  # a refusal names the fields
    with transaction.atomic():
        _user_add(actor=actor, user=user)
        _password_link_send(user=user, base_url=base_url, invitation=True)
        log_action("accounts.user.invited", actor=actor, obj=user)
    return user


def _email_unused(*, email: str, exclude: User | None = None) -> None:
    """Refuse an e-mail address another account has (in any case: ``A@x.org`` is ``a@x.org``)."""
    others = User.objects.filter(email__iexact=email)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise ValidationError(
            {"email": [_("Another account has this e-mail address already.")]},
            code="duplicate_email",
        )


def _language_checked(language: str) -> str:
    if language not in settings.INTERFACE_LANGUAGES:
        raise ValidationError({"language": [_("Choose one of the languages offered.")]})
    return language


def user_update(
    *, actor: Actor, user: User, first_name: str, last_name: str, email: str, language: str
) -> bool:
    """Change the name, e-mail address and language of ``user``; False when nothing changed.

    The trail names the fields changed, never their values. A new e-mail address is told to
    both addresses: the old one learns that the account no longer writes to it (without the new
    address), the new one that it now does. Password links sent to the old address stop working
    (Django's token covers the address). The sessions go on: one logs in with the user name,
    not the e-mail address.
    """
    first_name, last_name = first_name.strip(), last_name.strip()
    email = User.objects.normalize_email(email.strip())
    errors: dict[str, list[Any]] = {}
    if not (first_name or last_name):
        errors["last_name"] = [_("Give the user's name: a first or a last name at least.")]
    if not email:
        errors["email"] = [_("Give the user's e-mail address.")]
    if errors:
        raise ValidationError(errors, code="required")
    _email_unused(email=email, exclude=user)
    after = {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "language": _language_checked(language),
    }
    changed = sorted(field for field, value in after.items() if getattr(user, field) != value)
    if not changed:
        return False
    old_email = user.email
    for field in changed:
        setattr(user, field, after[field])
    user.full_clean(exclude=["password"])  # e.g. an address that is too long, named by field
    with transaction.atomic():
        user.save(update_fields=changed)
        log_action("accounts.user.updated", actor=actor, obj=user, data={"fields": changed})
    if "email" in changed:
        _account_notice_send(user=user, kind="email_changed_old", to=old_email or None)
        _account_notice_send(user=user, kind="email_changed_new")
    return True


def user_language_set(*, actor: Actor, user: User, language: str) -> bool:
    """The language the application writes to ``user`` in (their own choice or an
    administrator's); logged as a change of that field. False when it was set already."""
    if user.language == _language_checked(language):
        return False
    user.language = language
    user.save(update_fields=["language"])
    log_action("accounts.user.updated", actor=actor, obj=user, data={"fields": ["language"]})
    return True


def user_password_link_send(*, actor: Actor, user: User, base_url: str) -> None:
    """E-mail ``user`` a link to set a new password (valid ``PASSWORD_RESET_TIMEOUT`` seconds,
    once), as "Forgot your password?" would; the sessions end when the password is set."""
    _link_may_go_to(user)
    _password_link_send(user=user, base_url=base_url, invitation=False)
    log_action("accounts.user.password_link_sent", actor=actor, obj=user)


def _link_may_go_to(user: User) -> None:
    """Refuse a link by e-mail to an account deactivated or without an e-mail address."""
    if not user.is_active:
        raise ValidationError(_("Reactivate the account first."), code="state")
    if not user.email:
        raise ValidationError(
            _("The account has no e-mail address: add one in the admin first."), code="no_email"
        )


def invitation_open(user: User) -> bool:
    """Whether ``user``'s invitation has not been accepted: no password set, never logged in."""
    return not user.has_usable_password() and user.last_login is None


def user_invitation_resend(*, actor: Actor, user: User, base_url: str) -> None:
    """E-mail an invitation not accepted again, with a new link valid
    ``ACCOUNT_INVITATION_TIMEOUT`` seconds (the first one may have expired or been lost)."""
    _link_may_go_to(user)
    if not invitation_open(user):
        raise ValidationError(
            _("The invitation has been accepted: send a password link instead."), code="state"
        )
    _password_link_send(user=user, base_url=base_url, invitation=True)
    log_action("accounts.user.invited", actor=actor, obj=user)


def _password_link_send(*, user: User, base_url: str, invitation: bool) -> None:
    """E-mail ``user`` a one-time link to set a password: an invitation to a new account or a
    reset sent by an administrator; in the user's language (an administrator sets it at the
    invitation)."""
    generator = invitation_token_generator if invitation else default_token_generator
    url_name = "accounts:invitation_accept" if invitation else "accounts:password_reset_confirm"
    path = reverse(
        url_name,
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": generator.make_token(user),
        },
    )
    timeout = settings.ACCOUNT_INVITATION_TIMEOUT if invitation else settings.PASSWORD_RESET_TIMEOUT
    _account_email_send(
        user=user,
        kind="invitation" if invitation else "password_link",
        link=base_url.rstrip("/") + path,
        hours=max(1, timeout // 3600),
        second_factor=user.requires_totp,
    )


def language_of(user: User) -> str:
    """The language the application writes to ``user`` in: their own choice, else the
    platform's (a code no longer offered falls back too)."""
    return (
        user.language if user.language in settings.INTERFACE_LANGUAGES else settings.LANGUAGE_CODE
    )


def _account_email_send(*, user: User, kind: str, to: str | None = None, **context: Any) -> None:
    """E-mail ``user`` (at ``to``, else their address) the message ``accounts/<kind>_subject.txt``
    and ``_email.txt``, rendered in the user's language."""
    context = {"user": user, **context}
    with translation.override(language_of(user)):
        subject = render_to_string(f"accounts/{kind}_subject.txt", context).strip()
        body = render_to_string(f"accounts/{kind}_email.txt", context)
    send_mail(subject, body, None, [to or user.email], fail_silently=False)


def _account_notice_send(*, user: User, kind: str, to: str | None = None, **context: Any) -> None:
    """A notice about a change that is already made (a new role, a reset second factor, a new
    e-mail address): when the mail server fails, the change stands and the failure is logged."""
    if not (to or user.email):
        return
    try:
        _account_email_send(user=user, kind=kind, to=to, **context)
    except OSError:
        logger.exception("account notice %s for user %s not sent", kind, user.pk)


def user_sessions_end(*, user: User) -> None:
    """End every session of ``user`` (they log in again): the session generation is raised,
    which changes the hash each session was bound to."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


def _keep_a_user_manager(*, user: User, role: str, is_active: bool) -> None:
    """Refuse a change after which no active account would manage users any more."""
    if not (user.is_active and policies.role_manages_users(user.role)):
        return  # the account does not manage users now: nothing is lost
    if is_active and policies.role_manages_users(role):
        return
    others = User.objects.filter(is_active=True, role__in=policies.roles_managing_users()).exclude(
        pk=user.pk
    )
    if not others.exists():
        raise ValidationError(
            _("This is the last active administrator: give another account the role first."),
            code="last_administrator",
        )


def user_change_role(
    *, actor: Actor, user: User, role: str, organisation: Organisation | None
) -> bool:
    """Give ``user`` another role or organisation; their sessions end (what they may do has
    changed) and the change is logged with the ids only. False when nothing changed."""
    before = {"role": user.role, "organisation": user.organisation_id}
    after = {"role": role, "organisation": organisation.pk if organisation else None}
    if before == after:
        return False
    _keep_a_user_manager(user=user, role=role, is_active=user.is_active)
    user.role = role
    user.organisation = organisation
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save(update_fields=["role", "organisation"])
        user_sessions_end(user=user)
        log_action(
            "accounts.user.role_changed",
            actor=actor,
            obj=user,
            data={
                key: {"from": before[key], "to": after[key]}
                for key in before
                if before[key] != after[key]
            },
        )
    _account_notice_send(user=user, kind="role_changed")
    return True


def user_deactivate(*, actor: Actor, user: User) -> None:
    """The user can no longer log in; their sessions end. Not one's own account, nor the last
    active administrator."""
    if not user.is_active:
        raise ValidationError(_("The account is inactive already."), code="state")
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(
            _("You cannot deactivate your own account; ask another administrator."),
            code="own_account",
        )
    _keep_a_user_manager(user=user, role=user.role, is_active=False)
    _active_set(actor=actor, user=user, active=False)


def user_reactivate(*, actor: Actor, user: User) -> None:
    """The user can log in again, with a new session (none from before comes back)."""
    if user.is_active:
        raise ValidationError(_("The account is active already."), code="state")
    _active_set(actor=actor, user=user, active=True)


def _active_set(*, actor: Actor, user: User, active: bool) -> None:
    user.is_active = active
    with transaction.atomic():
        user.save(update_fields=["is_active"])
        user_sessions_end(user=user)
        log_action(
            "accounts.user.reactivated" if active else "accounts.user.deactivated",
            actor=actor,
            obj=user,
        )


# --- lock-out ---


def _failures_since_last_success(attempts: Any) -> LockoutStatus:
    since = timezone.now() - timedelta(seconds=settings.LOCKOUT_WINDOW_SECONDS)
    attempts = attempts.filter(at__gte=since)
    last_success = attempts.filter(succeeded=True).order_by("-at").values_list("at", flat=True)
    failures = attempts.filter(succeeded=False)
    if last_success:
        failures = failures.filter(at__gt=last_success[0])
    count = failures.count()
    return LockoutStatus(locked=count >= settings.LOCKOUT_MAX_FAILURES, failures=count)


def lockout_status(*, username: str, ip_address: str | None) -> LockoutStatus:
    """Wrong passwords for this user name from this address since the window began or since the
    last right one, whichever is later."""
    return _failures_since_last_success(
        LoginAttempt.objects.filter(
            username=username.lower(), ip_address=ip_address, step=LoginStep.PASSWORD
        )
    )


def code_lockout_status(*, username: str) -> LockoutStatus:
    """Wrong one-time codes for this account, from any address, since the window began or since
    the last right code. A right password does not reset it: otherwise a few guesses after each
    password step would never be locked out."""
    return _failures_since_last_success(
        LoginAttempt.objects.filter(username=username.lower(), step=LoginStep.CODE)
    )


def login_attempt_record(
    *,
    username: str,
    ip_address: str | None,
    succeeded: bool,
    step: str = LoginStep.PASSWORD,
) -> None:
    LoginAttempt.objects.create(
        username=username.lower(), ip_address=ip_address, succeeded=succeeded, step=step
    )
    if not succeeded:
        log_action(
            "accounts.login.failed",
            actor=None,
            ip_address=ip_address,
            **login_target(username),
            data={"step": str(step)},
        )


def password_reset_request_allowed(*, email: str, ip_address: str | None) -> bool:
    """Record a request for a reset e-mail and say whether one may go out: at most
    ``PASSWORD_RESET_MAX_PER_EMAIL`` per e-mail address (from anywhere) and
    ``PASSWORD_RESET_MAX_PER_ADDRESS`` per client address within the window, the requests past
    the limit counted too. The e-mail address is kept only as a keyed hash, whether or not an
    account has it."""
    key = "reset:" + salted_hmac("passgenau.password_reset", email.strip().lower()).hexdigest()[:40]
    since = timezone.now() - timedelta(seconds=settings.PASSWORD_RESET_WINDOW_SECONDS)
    recent = LoginAttempt.objects.filter(step=LoginStep.RESET, at__gte=since)
    by_email = recent.filter(username=key).count()
    by_address = recent.filter(ip_address=ip_address).count() if ip_address else 0
    LoginAttempt.objects.create(
        username=key, ip_address=ip_address, succeeded=True, step=LoginStep.RESET
    )
    return (
        by_email < settings.PASSWORD_RESET_MAX_PER_EMAIL
        and by_address < settings.PASSWORD_RESET_MAX_PER_ADDRESS
    )


def login_target(username: str) -> dict[str, Any]:
    """What the audit trail keeps of a log-in to ``username``: the account, if there is one,
    as the entry's object, never the typed text (a mistyped password lands in the name field
    often enough)."""
    account = User.objects.filter(username=username).first()
    return {"obj": account} if account is not None else {}


def login_attempts_prune(*, older_than: timedelta) -> int:
    """Delete attempts older than ``older_than`` (kept only for the lock-out)."""
    deleted, _ = LoginAttempt.objects.filter(at__lt=timezone.now() - older_than).delete()
    return deleted


# --- one-time passwords (RFC 6238) ---


def totp_provisioning_uri(*, user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.get_username(), issuer_name=settings.TOTP_ISSUER
    )


def totp_new_secret() -> str:
    return pyotp.random_base32()


def _totp_matching_counter(secret: str, code: str, *, after: int | None) -> int | None:
    """The time step whose code equals ``code`` (within the window), if later than ``after``."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6) or is_sealed(secret):
        return None  # a token that could not be decrypted is no secret: nothing matches it
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    current = totp.timecode(now)
    for offset in range(-TOTP_VALID_WINDOW, TOTP_VALID_WINDOW + 1):
        counter = current + offset
        if after is not None and counter <= after:
            continue  # a code already used (or older) is refused: no replay
        if pyotp.utils.strings_equal(totp.generate_otp(counter), code):
            return counter
    return None


def totp_enrol(*, user: User, secret: str, code: str) -> bool:
    """Confirm enrolment with a first code from the authenticator app; True on success."""
    counter = _totp_matching_counter(secret, code, after=None)
    if counter is None:
        return False
    user.totp_secret = secret
    user.totp_confirmed_at = timezone.now()
    user.totp_last_counter = counter
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_counter"])
    log_action("accounts.user.totp_enrolled", actor=user, obj=user)
    return True


def totp_verify(*, user: User, code: str) -> bool:
    """Check a code at log-in; each code is accepted once."""
    if not user.has_totp:
        return False
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        counter = _totp_matching_counter(locked.totp_secret, code, after=locked.totp_last_counter)
        if counter is None:
            return False
        locked.totp_last_counter = counter
        # saving the secret again encrypts it with the current SECRET_KEY (key rotation)
        locked.save(update_fields=["totp_last_counter", "totp_secret"])
    user.totp_last_counter = counter
    return True


def totp_reset(*, actor: Actor, user: User) -> None:
    """Remove a user's one-time password (lost phone); they enrol again at the next log-in."""
    user.totp_secret = ""
    user.totp_confirmed_at = None
    user.totp_last_counter = None
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_counter"])
    log_action("accounts.user.totp_reset", actor=actor, obj=user)
    _account_notice_send(user=user, kind="totp_reset")
