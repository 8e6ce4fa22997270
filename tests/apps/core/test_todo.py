"""The start page's to-do registry (core/todo.py): kinds are asked only under their right,
sorted by deadline, overdue items marked in words, counts in the reader's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import ngettext_lazy

from accounts_helpers import login_client
from passgenau.apps.core import todo

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def demo_provider():
    """A provider registered for the test only: three items, one overdue, one without date."""

    def items(*, user, today):
        return todo.Todo(
            [
                todo.Item("later", "/later/", today + dt.timedelta(days=5)),
                todo.Item("undated", "/undated/"),
                todo.Item("late", "/late/", today - dt.timedelta(days=1)),
            ],
            3,
            1,
        )

    todo.register(
        "test.demo",
        permission="cases.view_cases",
        title=ngettext_lazy("%(count)s test item", "%(count)s test items", "count"),
    )(items)
    yield
    del todo._PROVIDERS["test.demo"]


def _request(user, verified=True):
    from django.contrib.sessions.backends.db import SessionStore

    from passgenau.apps.accounts.access import SESSION_OTP_VERIFIED

    request = RequestFactory().get("/")
    request.user = user
    request.session = SessionStore()
    request.session[SESSION_OTP_VERIFIED] = verified
    return request


def test_items_sorted_by_deadline_and_overdue_marked(demo_provider, caseworker_user):
    (kind,) = [
        k
        for k in todo.todo_for_request(_request(caseworker_user), today=TODAY)
        if k.code == "test.demo"
    ]
    assert [i.label for i in kind.items] == ["late", "later", "undated"]
    assert [i.overdue for i in kind.items] == [True, False, False]
    assert (kind.total, kind.overdue) == (3, 1)


def test_a_provider_is_asked_only_under_its_right(demo_provider, interviewer_user, caseworker_user):
    codes = [k.code for k in todo.todo_for_request(_request(interviewer_user), today=TODAY)]
    assert "test.demo" not in codes
    # until the second factor is confirmed a session holds only the public's rights
    codes = [k.code for k in todo.todo_for_request(_request(caseworker_user, False), today=TODAY)]
    assert "test.demo" not in codes


def test_the_page_says_overdue_in_words_and_counts_in_german(demo_provider, caseworker_user):
    from django.test import Client

    client = login_client(Client(), caseworker_user)
    with translation.override("de"):
        page = client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Ihre Aufgaben" in page
    assert "3 test items" in page  # the test's own title is in no catalogue
    assert "3 Aufgaben offen." in page
    assert "Davon ist 1 überfällig." in page
    # not colour alone: the word, beside the mark
    assert page.count("Überfällig: Die Frist war der") == 1
    assert page.count('class="overdue"') == 1


def test_the_public_start_page_has_no_todo(client):
    page = client.get("/").content.decode()
    assert 'data-testid="todo"' not in page


def test_registering_a_code_twice_with_another_function_fails(demo_provider):
    with pytest.raises(ValueError):
        todo.register(
            "test.demo",
            permission="cases.view_cases",
            title=ngettext_lazy("%(count)s x", "%(count)s xs", "count"),
        )(lambda *, user, today: todo.NOTHING)


def test_a_misspelt_right_fails_at_registration():
    with pytest.raises(KeyError):
        todo.register(
            "test.other",
            permission="cases.no_such_right",
            title=ngettext_lazy("%(count)s x", "%(count)s xs", "count"),
        )
