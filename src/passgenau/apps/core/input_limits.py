"""Limits every input meets before it reaches the database (issue 10, item 3).

- :class:`InputCharactersMiddleware` refuses a request whose query string, form fields or JSON
  body hold a NUL character (PostgreSQL cannot store it; the rejected statement, with the
  personal data in it, would land in the database server's log): 400 for pages, 422 for the API.
- :func:`check_model_limits` runs before every save of a model of ours: text longer than its
  field's ``max_length`` or holding NUL is refused with a ValidationError naming the field (SQLite
  would store it beyond the limit, PostgreSQL would answer with an error). An error that escapes
  a view becomes a 400 page or a 422 answer (:class:`InputCharactersMiddleware` and the API's
  handler), never a 500. Forms and schemas should still check first, where the message can name
  the form field; this is the net under them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.translation import gettext as _

NUL = "\x00"
API_PREFIX = "/api/"

# The largest count of persons or places anyone enters (a capacity, a community, course places):
# no municipality receives or offers more, and the engine's integer arithmetic stays far from
# its limits (issue 10, defect 10: a capacity of 10^20 broke every later run).
MAX_COUNT = 1_000_000


def count_problem(value: Any, message: str) -> str | None:
    """What is wrong with ``value`` as a count (``message`` when it is no whole number of 0 or
    more, the limit when it is beyond MAX_COUNT), or None."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return message
    if value > MAX_COUNT:
        return _("Enter at most %(limit)s.") % {
            "limit": number_format(MAX_COUNT, force_grouping=True)
        }
    return None


def _nul_in_json(value: Any, location: list[Any]) -> list[Any] | None:
    if isinstance(value, str):
        return location if NUL in value else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and NUL in key:
            return [*location, key]
        found = _nul_in_json(item, [*location, key])
        if found is not None:
            return found
    return None


def _nul_in_request(request: HttpRequest) -> list[Any] | None:
    """Where a NUL character is (["query", name], ["body", ...]), or None."""
    for where, data in (("query", request.GET), ("form", _form_data(request))):
        for key, values in data.lists():
            if NUL in key or any(NUL in value for value in values):
                return [where, key.replace(NUL, "\\x00")]
    if request.content_type == "application/json" and request.body:
        try:
            payload = json.loads(request.body)
        except ValueError:
            return None  # not JSON: the API answers that itself
        return _nul_in_json(payload, ["body"])
    return None


def _form_data(request: HttpRequest) -> Any:
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return request.POST  # file contents are not looked at: a binary file may hold NUL
    return request.GET.__class__()


def _api_error(location: list[Any], message: str, kind: str) -> JsonResponse:
    # the shape of Ninja's own 422: detail is a list of problems
    return JsonResponse(
        {"detail": [{"loc": [str(part) for part in location], "msg": message, "type": kind}]},
        status=422,
    )


def _page_error(message: str) -> HttpResponse:
    return HttpResponseBadRequest(
        f"<!doctype html><title>400</title><h1>400</h1><p>{escape(message)}</p>",
        content_type="text/html; charset=utf-8",
    )


class InputCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        location = _nul_in_request(request)
        if location is not None:
            message = _("The input contains a NUL character, which is not allowed.")
            if request.path.startswith(API_PREFIX):
                return _api_error(location, message, "value_error.nul")
            return _page_error(f"{message} ({' › '.join(str(p) for p in location)})")
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, InputLimitError):
            return None
        if request.path.startswith(API_PREFIX):
            return _api_error([exception.field], exception.messages[0], exception.code or "")
        return _page_error(exception.messages[0])


class InputLimitError(ValidationError):
    def __init__(self, message: str, *, field: str, code: str) -> None:
        super().__init__(message, code=code)
        self.field = field


def _text_fields(instance: models.Model) -> Iterator[tuple[models.Field[Any, Any], str]]:
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):  # incl. e-mail, slug, URL
            value = getattr(instance, field.attname, None)
            if isinstance(value, str):
                yield field, value


def text_limit_problem(field: models.Field[Any, Any], value: str) -> tuple[str, str] | None:
    """What is wrong with ``value`` as the text of ``field`` (a NUL character, more than its
    ``max_length``): (code, message naming the field), or None. For checks before a save, such
    as an import's row by row (``check_model_limits`` asks the same at every save)."""
    if NUL in value:
        return "nul", _("%(field)s: the text contains a NUL character, which is not allowed.") % {
            "field": field.verbose_name
        }
    limit = field.max_length
    if limit and len(value) > limit and not _stored_transformed(field):
        return "max_length", _(
            "%(field)s: at most %(limit)d characters (this text has %(length)d)."
        ) % {"field": field.verbose_name, "limit": limit, "length": len(value)}
    return None


def check_model_limits(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """pre_save: refuse text beyond ``max_length`` or holding NUL, before the database sees it."""
    if not sender.__module__.startswith("passgenau."):
        return
    for field, value in _text_fields(instance):
        problem = text_limit_problem(field, value)
        if problem is not None:
            code, message = problem
            raise InputLimitError(message, field=f"{sender._meta.label}.{field.name}", code=code)


def _stored_transformed(field: models.Field[Any, Any]) -> bool:
    """A field that stores something else than the value it holds (an encrypted secret)."""
    return type(field).get_prep_value is not models.CharField.get_prep_value
