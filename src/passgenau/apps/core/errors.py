"""The one error base of the services.

A service that refuses raises a ``ServiceError`` (or a subclass): a Django ``ValidationError``
whose ``code`` names the problem, so that forms put its messages on their fields and the API
answers with one error schema (``passgenau.web.api``). ``status`` is what the API answers with:
422 for input that breaks a rule, 409 when the state of an object does not allow the change.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from ninja import Schema


class ServiceError(ValidationError):
    """A service refuses a change; ``code`` names why."""

    status = 422
    default_code = "invalid"

    def __init__(self, message: Any, code: str | None = None, params: Any = None) -> None:
        super().__init__(message, code=code or self.default_code, params=params)


class StateError(ServiceError):
    """The state of an object does not allow the change (the API answers 409)."""

    status = 409
    default_code = "state"


# -- the API's one error schema --------------------------------------------------------------------


class ErrorItem(Schema):
    """One problem: where (``loc``: ``["body", field, …]``, ``["query", name]``, or ``[]`` for
    the request as a whole), what (``msg``, in the caller's language where the service gives
    one) and a stable code (``type``)."""

    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(Schema):
    """The body of every 4xx answer of the API (401, 403, 404, 409, 422)."""

    detail: list[ErrorItem]


def error_items(error: ValidationError, *, where: str = "body") -> list[dict[str, Any]]:
    """A service's ValidationError as problems of the error schema (field keys such as
    ``importance.region`` become ``["body", "importance", "region"]``)."""
    if not hasattr(error, "error_dict"):
        return [
            {"loc": [], "msg": message, "type": item.code or "invalid"}
            for item in error.error_list
            for message in item.messages
        ]
    items = []
    for field, errors in error.error_dict.items():
        loc: list[str | int] = [] if field == NON_FIELD_ERRORS else [where, *field.split(".")]
        for item in errors:
            for message in item.messages:
                items.append({"loc": loc, "msg": message, "type": item.code or "invalid"})
    return items


def error_body(msg: str, type_: str, loc: list[str | int] | None = None) -> dict[str, Any]:
    """The error schema's body with one problem."""
    return {"detail": [{"loc": loc or [], "msg": msg, "type": type_}]}


# The answers of an operation whose service may refuse, for its ``response=`` declaration.
REFUSED: dict[int, type[Schema]] = {409: ErrorOut, 422: ErrorOut}


__all__ = [
    "REFUSED",
    "ErrorItem",
    "ErrorOut",
    "ServiceError",
    "StateError",
    "error_body",
    "error_items",
]
