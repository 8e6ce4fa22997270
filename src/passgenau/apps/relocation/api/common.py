"""What the relocation API modules share: the error body and a reference to a municipality."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import Schema, Status

from ..services import rounds


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


def service_error(error: ValidationError) -> Status[ErrorOut]:
    """A service's refusal as a response: 409 when the round's state forbids it, else 422."""
    status = 409 if isinstance(error, rounds.RoundStateError) else 422
    if hasattr(error, "error_dict"):
        return Status(status, ErrorOut(detail="invalid input", errors=error.message_dict))
    return Status(status, ErrorOut(detail=" ".join(error.messages)))


class MunicipalityRef(Schema):
    id: int
    name: str
