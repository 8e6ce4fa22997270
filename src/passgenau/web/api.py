"""The JSON API (OpenAPI 3 at /api/v1/openapi.json). Every operation declares its right from the
permission table with ``auth=ApiPermission(code)``; the access-matrix test checks them all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from passgenau.apps.accounts.access import ApiPermission, AuthenticatedHttpRequest
from passgenau.apps.audit import selectors as audit_selectors
from passgenau.apps.cases.api import router as cases_router
from passgenau.apps.core.errors import error_body, error_items
from passgenau.apps.core.input_limits import InputLimitError
from passgenau.apps.directory.api import router as directory_router
from passgenau.apps.funding.api import router as funding_router
from passgenau.apps.measures.api import router as measures_router
from passgenau.apps.privacy.api import router as privacy_router
from passgenau.apps.relocation.api import router as relocation_router


class _API(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Ninja's document, with the 4xx answers every operation gives documented (issue 10,
        defect 15): 401 and 403 where it needs a right, 422 where it takes input (the schema
        or a service refuses it), 404 where its path names an object; all with ``ErrorOut``."""
        document = super().get_openapi_schema(**kwargs)
        error = {"$ref": "#/components/schemas/ErrorOut"}
        if "ErrorOut" not in document["components"].get("schemas", {}):
            return document  # no operation names it: nothing to refer to
        for path, operations in document["paths"].items():
            for operation in operations.values():
                answers = operation.setdefault("responses", {})
                for status, given in _ERROR_ANSWERS.items():
                    if given(path, operation) and not {status, str(status)} & set(answers):
                        answers[status] = {
                            "description": _ERROR_DESCRIPTIONS[status],
                            "content": {"application/json": {"schema": error}},
                        }
        return document


_ERROR_ANSWERS: dict[int, Callable[[str, dict[str, Any]], bool]] = {
    401: lambda path, operation: bool(operation.get("security")),
    403: lambda path, operation: bool(operation.get("security")),
    404: lambda path, operation: "{" in path,
    422: lambda path, operation: bool(operation.get("parameters") or operation.get("requestBody")),
}
_ERROR_DESCRIPTIONS = {
    401: "Not logged in",
    403: "No right to this operation",
    404: "Not found, or not visible to this user",
    422: "Bad input",
}

api = _API(
    title="passgenau API",
    version="1",
    urls_namespace="api",
    description=(
        "Session-authenticated API of passgenau. Rights: docs/roles.md.\n\n"
        "Every 4xx answer (401 not logged in, 403 no right, 404 not found or not visible, "
        "409 the state does not allow it, 422 bad input) has one body, the schema `ErrorOut`: "
        '`{"detail": [{"loc": ["body", "field", …], "msg": "…", "type": "code"}]}`; `loc` is '
        "empty for a problem of the request as a whole."
    ),
)


@api.exception_handler(ValidationError)
def _service_refused(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A service's refusal: 409 when the state does not allow it, 422 otherwise. Text that a
    model would not store (too long, a NUL) is named by its field, as the body names it."""
    status = getattr(error, "status", 422)
    if isinstance(error, InputLimitError):
        field = error.field.rsplit(".", 1)[-1]
        detail = [{"loc": ["body", field], "msg": error.messages[0], "type": error.code or ""}]
        return api.create_response(request, {"detail": detail}, status=422)
    return api.create_response(request, {"detail": error_items(error)}, status=status)


@api.exception_handler(NinjaValidationError)
def _input_invalid(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    detail = [
        {
            "loc": list(item.get("loc", [])),
            "msg": str(item.get("msg", "")),
            "type": str(item.get("type", "invalid")),
        }
        for item in error.errors
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return api.create_response(request, error_body("Not Found", "not_found"), status=404)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    codes = {
        401: "not_authenticated",
        403: "forbidden",
        404: "not_found",
        409: "state",
        422: "invalid",
    }
    body = error_body(str(error), codes.get(error.status_code, "error"))
    return api.create_response(request, body, status=error.status_code)


class MeOut(Schema):
    username: str
    role: str
    organisation: str | None
    totp_enrolled: bool


class AuditEntryOut(Schema):
    id: int
    at: dt.datetime
    actor: str
    action: str
    object_type: str | None
    object_id: str
    ip_address: str | None


@api.get("/me", response=MeOut, auth=ApiPermission("accounts.view_own_account"), tags=["accounts"])
def me(request: AuthenticatedHttpRequest) -> MeOut:
    """The account of the logged-in user."""
    user = request.user
    return MeOut(
        username=user.get_username(),
        role=user.role,
        organisation=user.organisation.name if user.organisation else None,
        totp_enrolled=user.has_totp,
    )


@api.get(
    "/audit/entries",
    response=list[AuditEntryOut],
    auth=ApiPermission("audit.view_log"),
    tags=["audit"],
)
def audit_entries(request: HttpRequest, action: str = "", limit: int = 100) -> list[AuditEntryOut]:
    """The newest audit entries, optionally those whose action begins with ``action``."""
    limit = max(1, min(limit, 1000))
    entries = audit_selectors.audit_entries_filter(user=request.user, filters={"action": action})[
        :limit
    ]
    return [
        AuditEntryOut(
            id=entry.pk,
            at=entry.at,
            actor=entry.actor_repr,
            action=entry.action,
            object_type=(
                f"{entry.content_type.app_label}.{entry.content_type.model}"
                if entry.content_type
                else None
            ),
            object_id=entry.object_id,
            ip_address=entry.ip_address,
        )
        for entry in entries
    ]


api.add_router("/relocation/", relocation_router)
api.add_router("/funding/", funding_router)
api.add_router("/hsds/", directory_router)
api.add_router("/measures/", measures_router)
api.add_router("/cases/", cases_router)
api.add_router("/privacy/", privacy_router)
