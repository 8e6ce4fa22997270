"""The administrators' to-do list (audit/todo.py): accounts nobody has logged in with (an
invitation overdue once its link has expired), accounts in use without the second factor their
role requires, accounts locked after failed log-ins; each item leads to the account's page, names
the account by number only, and each kind takes a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts_helpers import invite, login_client, make_user
from passgenau.apps.accounts import services
from passgenau.apps.accounts.models import User
from todo_helpers import provider, queries_of, todo_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _page(account: User) -> str:
    return reverse("accounts:user_detail", kwargs={"id": account.pk})


def _urls(items) -> list[str]:
    return [item.url for item in items]


def _fail(username: str, times: int, *, ip: str | None = "10.0.0.1", step: str = "password"):
    for _ in range(times):
        services.login_attempt_record(username=username, ip_address=ip, succeeded=False, step=step)


def test_an_invitation_not_accepted_is_due_when_its_link_expires(
    administrator_client, administrator_user, mailoutbox
):
    assert invite(administrator_client).status_code == 302
    nora = User.objects.get(username="nora")
    items = todo_of(administrator_client)["accounts.never_used"]
    assert _urls(items) == [_page(nora)]
    days = settings.ACCOUNT_INVITATION_TIMEOUT // 86400
    assert items[0].due_on == TODAY + dt.timedelta(days=days)
    assert not items[0].overdue
    assert str(items[0].label) == f"Konto Nr. {nora.pk}: Einladung nicht angenommen"
    assert "nora" not in str(items[0].label) + str(items[0].detail)  # no name on the start page
    assert "Stadt Nord" in str(items[0].detail)

    # a week and a day later the link has expired: overdue
    (item,) = provider("accounts.never_used")(
        user=administrator_user, today=TODAY + dt.timedelta(days=days + 1)
    ).items
    assert item.due_on == TODAY + dt.timedelta(days=days) and item.due_on < TODAY + dt.timedelta(
        days=days + 1
    )
    # counted from the last invitation sent (sent again: due again a week later), not from the
    # account's creation, which counts only when the trail no longer has the invitation
    User.objects.filter(pk=nora.pk).update(date_joined=timezone.now() - dt.timedelta(days=days + 1))
    (item,) = todo_of(administrator_client)["accounts.never_used"]
    assert not item.overdue and item.due_on == TODAY + dt.timedelta(days=days)
    ghost = make_user("provider", username="ghost")
    ghost.set_unusable_password()
    ghost.date_joined = timezone.now() - dt.timedelta(days=days + 1)
    ghost.save()
    items = todo_of(administrator_client)["accounts.never_used"]
    assert _urls(items) == [_page(ghost), _page(nora)]  # the most urgent first
    assert items[0].overdue and not items[1].overdue
    services.user_deactivate(actor=None, user=ghost)

    # an account set up with a password and never used is listed too, undated
    kim = make_user("provider", username="kim")
    items = todo_of(administrator_client)["accounts.never_used"]
    assert _urls(items) == [_page(nora), _page(kim)]
    assert items[1].due_on is None and "nie angemeldet" in str(items[1].label)

    # once logged in, or deactivated, the account leaves the list
    User.objects.filter(pk=nora.pk).update(last_login=timezone.now())
    services.user_deactivate(actor=None, user=kim)
    assert "accounts.never_used" not in todo_of(administrator_client)


def _second_factor_set_up(account: User) -> None:
    account.totp_secret = services.totp_new_secret()
    account.totp_confirmed_at = timezone.now()
    account.save()


def test_an_account_in_use_without_the_second_factor_its_role_requires(administrator_user):
    _second_factor_set_up(administrator_user)  # before the log-in: it ends the sessions
    administrator_client = login_client(Client(), administrator_user)
    worker = make_user("caseworker", username="cara", last_login=timezone.now())
    make_user("provider", username="paul", last_login=timezone.now())  # needs no second factor
    make_user("interviewer", username="ida")  # never logged in: on the other list
    items = todo_of(administrator_client)["accounts.second_factor_missing"]
    assert _urls(items) == [_page(worker)]
    assert str(items[0].label) == f"Konto Nr. {worker.pk}: zweiter Faktor nicht eingerichtet"
    _second_factor_set_up(worker)
    assert "accounts.second_factor_missing" not in todo_of(administrator_client)
    services.totp_reset(actor=administrator_user, user=worker)
    assert _urls(todo_of(administrator_client)["accounts.second_factor_missing"]) == [_page(worker)]


def test_accounts_locked_after_failed_log_ins_as_the_lock_out_rule_says(administrator_client):
    anna = make_user("provider", username="Anna", last_login=timezone.now())
    bert = make_user("funder", username="bert", last_login=timezone.now())
    cara = make_user("coordinator", username="cara", last_login=timezone.now())
    limit = settings.LOCKOUT_MAX_FAILURES
    # wrong passwords: per address, and a right one resets the count
    _fail("anna", limit - 1)
    _fail("anna", 1, ip="10.0.0.2")
    _fail("bert", limit - 1)
    services.login_attempt_record(username="bert", ip_address="10.0.0.1", succeeded=True)
    _fail("bert", 1)
    # wrong codes count from any address
    for number in range(limit):
        _fail("cara", 1, ip=f"10.0.1.{number}", step="code")
    assert not services.lockout_status(username="anna", ip_address="10.0.0.1").locked
    assert not services.lockout_status(username="bert", ip_address="10.0.0.1").locked
    assert services.code_lockout_status(username="cara").locked
    assert _urls(todo_of(administrator_client)["accounts.locked_out"]) == [_page(cara)]

    _fail("anna", 1)  # the fifth from the same address (user name typed in another case)
    assert services.lockout_status(username="Anna", ip_address="10.0.0.1").locked
    items = todo_of(administrator_client)["accounts.locked_out"]
    assert _urls(items) == [_page(anna), _page(cara)]

    # the account's page says so and what to do
    page = administrator_client.get(items[0].url).content.decode()
    assert 'data-testid="locked-out"' in page
    assert 'data-testid="locked-out"' not in administrator_client.get(_page(bert)).content.decode()

    # a deactivated account cannot log in anyway
    services.user_deactivate(actor=None, user=cara)
    assert _urls(todo_of(administrator_client)["accounts.locked_out"]) == [_page(anna)]

    # the lock ends by itself when the window has passed
    from passgenau.apps.accounts.models import LoginAttempt

    LoginAttempt.objects.update(
        at=timezone.now() - dt.timedelta(seconds=settings.LOCKOUT_WINDOW_SECONDS + 1)
    )
    assert "accounts.locked_out" not in todo_of(administrator_client)


def test_only_administrators_see_these_kinds(client_for_role):
    make_user("provider", username="kim")
    _fail("kim", settings.LOCKOUT_MAX_FAILURES)
    assert {"accounts.never_used", "accounts.locked_out"} <= set(
        todo_of(client_for_role("administrator"))
    )
    for role in ("coordinator", "caseworker", "lotse"):
        assert not {k for k in todo_of(client_for_role(role)) if k.startswith("accounts.")}


@pytest.mark.parametrize(
    "code", ["accounts.never_used", "accounts.second_factor_missing", "accounts.locked_out"]
)
def test_a_fixed_number_of_queries(code, administrator_user):
    def more(number: int) -> None:
        for n in range(number):
            name = f"user-{code}-{User.objects.count()}-{n}"
            make_user(
                "caseworker", username=name, last_login=None if "never" in code else timezone.now()
            )
            _fail(name, settings.LOCKOUT_MAX_FAILURES)

    more(1)
    one = queries_of(code, administrator_user)
    more(5)
    assert queries_of(code, administrator_user) == one <= 2
