"""The one error base of the services.

A service that refuses raises a ``ServiceError`` (or a subclass): a Django ``ValidationError``
whose ``code`` names the problem, so that forms put its messages on their fields and the API
answers with one error schema (``passgenau.web.api``). ``status`` is what the API answers with:
422 for input that breaks a rule, 409 when the state of an object does not allow the change.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


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


__all__ = ["ServiceError", "StateError"]
