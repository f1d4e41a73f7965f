"""Every error of the REST API in one shape, {"error": {"code", "message", "field"?, "details"?}}.

Services raise the same exceptions for every face; here they become HTTP statuses, once:
NotAuthenticated 401, Forbidden 403, NotFound 404, Conflict 409, ValidationFailed 422 naming
the field, ConnectionFailed 422 on `kubeconfig` (the credential was well formed but the cluster
could not be reached with it: the request has to change, as the form says), RateLimited 429
with Retry-After, KeyringUnavailable 503 with the fix. FastAPI's own errors (unknown route,
wrong method, request validation) take the same shape.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kube_console.api.schemas import ErrorResponse
from kube_console.api.spec import operations_at
from kube_console.errors import Conflict, FieldError, ValidationFailed
from kube_console.security.authz import Forbidden, NotAuthenticated, NotFound
from kube_console.security.keyring import KeyringUnavailable
from kube_console.services.clusters import ConnectionFailed

log = logging.getLogger(__name__)

# The request parts FastAPI prefixes validation locations with; a field is named without them.
_LOCATIONS = {"body", "query", "path", "header", "cookie"}
_HTTP_CODES = {
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
}


class RateLimited(Exception):
    def __init__(self, retry_after_seconds: float):
        self.retry_after = max(1, math.ceil(retry_after_seconds))
        super().__init__(f"Too many requests for this token. Try again in {self.retry_after} s.")


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    field: str | None = None,
    details: Sequence[FieldError] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        body["field"] = field
    if len(details) > 1:
        body["details"] = [{"field": item.field, "message": item.message} for item in details]
    return JSONResponse({"error": body}, status_code=status, headers=dict(headers or {}))


def validation_response(
    errors: Sequence[FieldError], renamed: Mapping[str, str] | None = None
) -> JSONResponse:
    """422 naming the first field at fault (and listing all of them when there are several)."""
    renamed = renamed or {}
    errors = [FieldError(renamed.get(error.field, error.field), error.message) for error in errors]
    first = errors[0]
    return error_response(
        422,
        "validation_failed",
        f"{first.field}: {first.message}",
        field=first.field,
        details=errors,
    )


def _field_of(location: Sequence[Any]) -> str:
    parts = [str(part) for part in location]
    if len(parts) > 1 and parts[0] in _LOCATIONS:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _request_field_errors(exc: RequestValidationError) -> list[FieldError]:
    errors = []
    for error in exc.errors():
        location = error.get("loc", ())
        if error.get("type") == "json_invalid":
            errors.append(FieldError("body", "is not valid JSON"))
            continue
        errors.append(FieldError(_field_of(location), str(error.get("msg", "is not valid"))))
    return errors or [FieldError("body", "is not valid")]


async def _on_request_validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
    return validation_response(_request_field_errors(exc))


async def _on_validation_failed(_request: Request, exc: ValidationFailed) -> JSONResponse:
    return validation_response(exc.errors)


async def _on_http_exception(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if (
        exc.status_code == 400
    ):  # FastAPI could not read the body (not UTF-8, say): a bad field like any other
        return validation_response([FieldError("body", "is not valid JSON")])
    code = _HTTP_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    headers = dict(exc.headers or {})
    if exc.status_code == 404 and message == "Not Found":
        message = "No such API route. See /api/v1/docs."
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(sorted(operations_at(request)))
        message = f"This route answers to {headers['Allow']}."
    return error_response(exc.status_code, code, message, headers=headers)


def not_authenticated_response(headers: Mapping[str, str] | None = None) -> JSONResponse:
    return error_response(
        401,
        "not_authenticated",
        "Send an API token: 'Authorization: Bearer <token>' (Profile → API tokens).",
        headers={"WWW-Authenticate": "Bearer", **(headers or {})},
    )


async def _on_not_authenticated(_request: Request, _exc: NotAuthenticated) -> JSONResponse:
    return not_authenticated_response()


async def _on_forbidden(_request: Request, exc: Forbidden) -> JSONResponse:
    return error_response(403, "forbidden", f"Not allowed: {exc}. Use an admin token of an admin.")


async def _on_not_found(_request: Request, exc: NotFound) -> JSONResponse:
    return error_response(404, "not_found", str(exc) or "not found")


async def _on_conflict(_request: Request, exc: Conflict) -> JSONResponse:
    return error_response(409, "conflict", str(exc))


async def _on_connection_failed(_request: Request, exc: ConnectionFailed) -> JSONResponse:
    return error_response(422, "connection_failed", str(exc), field="kubeconfig")


async def _on_keyring_unavailable(_request: Request, exc: KeyringUnavailable) -> JSONResponse:
    return error_response(
        503, "keyring_unavailable", f"Cluster credentials can't be used on this server: {exc}"
    )


async def _on_rate_limited(_request: Request, exc: RateLimited) -> JSONResponse:
    return error_response(
        429, "rate_limited", str(exc), headers={"Retry-After": str(exc.retry_after)}
    )


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error in %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(
        500, "internal_error", "Something went wrong on the server; it was logged."
    )


def install_error_handlers(app: FastAPI) -> None:
    app.exception_handler(RequestValidationError)(_on_request_validation)
    app.exception_handler(ValidationFailed)(_on_validation_failed)
    app.exception_handler(StarletteHTTPException)(_on_http_exception)
    app.exception_handler(NotAuthenticated)(_on_not_authenticated)
    app.exception_handler(Forbidden)(_on_forbidden)
    app.exception_handler(NotFound)(_on_not_found)
    app.exception_handler(Conflict)(_on_conflict)
    app.exception_handler(ConnectionFailed)(_on_connection_failed)
    app.exception_handler(KeyringUnavailable)(_on_keyring_unavailable)
    app.exception_handler(RateLimited)(_on_rate_limited)
    app.exception_handler(Exception)(_on_unexpected)


def _documented(
    status: int, description: str, headers: dict[str, Any] | None = None
) -> dict[int | str, dict[str, Any]]:
    response: dict[str, Any] = {"model": ErrorResponse, "description": description}
    if headers:
        response["headers"] = headers
    return {status: response}


UNAUTHENTICATED = _documented(
    401,
    "No token, an unknown token or a revoked one",
    {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer"}},
)
FORBIDDEN = _documented(403, "The token's role does not allow this (admin endpoints)")
NOT_FOUND = _documented(404, "No such object in your organization")
INVALID = _documented(422, "A parameter or field is not valid; `field` names it")
RATE_LIMITED = _documented(
    429,
    "Too many requests for this token",
    {
        "Retry-After": {
            "schema": {"type": "integer", "minimum": 1},
            "description": "seconds to wait",
            "required": True,
        }
    },
)
KEYRING_MISSING = _documented(
    503, "The server has no usable encryption keys; the message says how to fix it"
)
