"""The start page's to-do list: what each user has to do, gathered from the apps.

An app registers its *to-do providers* in its own ``todo.py`` (found at start-up, as the
notification kinds are). A provider is a function of the acting user and today's date that
returns the items of one kind (proposals to decide, surveys due, …), found through the app's
selectors and policies, so that the list shows only what the page it links to lets the user do.
It is asked only when the request holds its right (``permission``), and it makes a fixed
number of queries whatever the number of items.

Items name what is to be done, a round or a pseudonymous reference, never a person's name or
needs: the start page logs no read of personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol, TypeVar

from django.db.models import Count, F, Model, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from passgenau.apps.accounts.access import request_has_perm

if TYPE_CHECKING:
    from django.http import HttpRequest

    from passgenau.apps.accounts.models import User

M = TypeVar("M", bound=Model)

__all__ = [
    "MAX_ITEMS",
    "NOTHING",
    "Item",
    "Provider",
    "Todo",
    "TodoList",
    "providers",
    "register",
    "todo_for_request",
    "todo_from",
]

# A kind shows at most this many items on the start page; its link leads to all of them.
MAX_ITEMS = 10


@dataclass(frozen=True)
class Item:
    """One thing to do: what (``label``, translated), where (``url``), by when (``due_on``)."""

    label: str | Promise
    url: str
    due_on: dt.date | None = None
    detail: str | Promise = ""  # a second line: the round, a status
    # set by the registry from ``due_on`` and today
    overdue: bool = False
    due_today: bool = False


@dataclass(frozen=True)
class Todo:
    """What a provider returns: up to :data:`MAX_ITEMS` items (the most urgent first), how many
    there are in all and how many of them are overdue."""

    items: Sequence[Item]
    total: int
    overdue: int = 0


NOTHING = Todo((), 0)


def todo_from(
    queryset: QuerySet[M],
    *,
    today: dt.date,
    item: Callable[[M], Item],
    due: str = "",
) -> Todo:
    """The to-do of ``queryset`` (already scoped to the user): two queries, whatever its size.

    ``due`` names the deadline's field (``"run__round__decisions_due"``); the items are the
    first :data:`MAX_ITEMS` by deadline, each made by ``item``."""
    if due:
        counts = queryset.aggregate(
            total=Count("pk", distinct=True),
            overdue=Count("pk", filter=Q(**{f"{due}__lt": today}), distinct=True),
        )
        ordered = queryset.order_by(F(due).asc(nulls_last=True), "pk")
    else:
        counts = queryset.aggregate(total=Count("pk", distinct=True))
        counts["overdue"] = 0
        ordered = queryset.order_by("pk")
    if not counts["total"]:
        return NOTHING
    return Todo([item(obj) for obj in ordered[:MAX_ITEMS]], counts["total"], counts["overdue"])


class ProviderFunction(Protocol):
    def __call__(self, *, user: User, today: dt.date) -> Todo: ...


@dataclass(frozen=True)
class Provider:
    code: str  # "relocation.proposals_to_decide"
    permission: str  # the right a request must hold for the provider to be asked
    # ngettext_lazy("%(count)s proposal to decide", "%(count)s proposals to decide", "count")
    title: Promise
    function: ProviderFunction
    url_name: str = ""  # the page with all items of this kind ("" when none)
    order: int = 100  # place on the page (smaller first)


@dataclass(frozen=True)
class TodoList:
    """One kind's items as the start page shows them."""

    code: str
    title: str
    items: list[Item]
    total: int
    overdue: int
    url: str = ""
    more: int = 0


_PROVIDERS: dict[str, Provider] = {}


def register(
    code: str, *, permission: str, title: Promise, url_name: str = "", order: int = 100
) -> Callable[[ProviderFunction], ProviderFunction]:
    """Decorator: register ``function`` as the to-do provider ``code``."""
    from passgenau.apps.accounts.permissions import roles_with

    roles_with(permission)  # fail at start-up on a misspelt right

    def decorator(function: ProviderFunction) -> ProviderFunction:
        provider = Provider(code, permission, title, function, url_name, order)
        known = _PROVIDERS.get(code)
        if known is not None and known.function is not function:
            raise ValueError(f"to-do provider {code!r} registered twice")
        _PROVIDERS[code] = provider
        return function

    return decorator


def providers() -> list[Provider]:
    return sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.code))


def _by_urgency(item: Item) -> tuple[int, dt.date]:
    return (0, item.due_on) if item.due_on is not None else (1, dt.date.max)


def todo_for_request(request: HttpRequest, *, today: dt.date | None = None) -> list[TodoList]:
    """The request's to-do list: the kinds with at least one item, in the providers' order;
    items sorted by deadline (none last) and marked overdue when the deadline has passed."""
    from django.urls import reverse

    if not request.user.is_authenticated:
        return []
    today = today or timezone.localdate()
    user: User = request.user  # type: ignore[assignment]  # authenticated: our User model
    shown: list[TodoList] = []
    for provider in providers():
        if not request_has_perm(request, provider.permission):
            continue
        todo = provider.function(user=user, today=today)
        if todo.total == 0:
            continue
        items = [
            replace(
                item,
                overdue=item.due_on is not None and item.due_on < today,
                due_today=item.due_on == today,
            )
            for item in sorted(todo.items, key=_by_urgency)[:MAX_ITEMS]
        ]
        shown.append(
            TodoList(
                code=provider.code,
                title=str(provider.title % {"count": todo.total}),
                items=items,
                total=todo.total,
                overdue=max(todo.overdue, sum(item.overdue for item in items)),
                url=reverse(provider.url_name) if provider.url_name else "",
                more=max(todo.total - len(items), 0),
            )
        )
    return shown
