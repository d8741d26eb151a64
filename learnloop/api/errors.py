"""Every API error has one shape: ``{"error": {"code", "message", "details": [{"field", "message"}]}}``."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

logger = logging.getLogger(__name__)


class ErrorDetail(Schema):
    field: str | None = None
    message: str


class ErrorBody(Schema):
    code: str
    message: str
    details: list[ErrorDetail] = []


class ErrorResponse(Schema):
    error: ErrorBody


class ApiError(Exception):
    """Raised by API functions for an expected failure with a specific status and code."""

    def __init__(
        self, status: int, code: str, message: str, details: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or []


INVALID_REQUEST = "The request is not valid."


def error_body(
    code: str, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    return api.create_response(request, error_body(code, message, details), status=status)


def _location(loc: list[Any]) -> str:
    parts = [
        str(part)
        for part in loc
        if part not in ("body", "query", "path", "form", "file", "payload")
    ]
    # An error about the whole body (such as a JSON list where an object belongs) names it.
    return ".".join(parts) or ".".join(str(part) for part in loc[:1])


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(api, request, exc.status, exc.code, exc.message, exc.details)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = [
            {"field": _location(list(error.get("loc", []))), "message": error.get("msg", "invalid")}
            for error in exc.errors
        ]
        return error_response(api, request, 400, "invalid_request", INVALID_REQUEST, details)

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            api, request, 401, "not_authenticated", "Sign in or send a valid API token."
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(
            api, request, 403, "permission_denied", "You are not allowed to do this."
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, "not_found", "Not found.")

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja wraps whatever the body parser raises; the parser's own field errors stay.
        if isinstance(exc.__cause__, ValidationError):
            return validation_error(request, exc.__cause__)
        return error_response(api, request, exc.status_code, "http_error", str(exc))

    # Django raises these while reading the body (DATA_UPLOAD_MAX_MEMORY_SIZE and the field and
    # file counts); unhandled they became its HTML 400 page.
    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return error_response(
            api,
            request,
            413,
            "request_too_large",
            f"The request body is larger than {limit} bytes; send files as multipart uploads.",
        )

    @api.exception_handler(TooManyFieldsSent)
    @api.exception_handler(TooManyFilesSent)
    def too_many_parts(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 400, "invalid_request", str(exc))

    # The actions turn the conflicts they expect (a concurrent request created the same thing
    # first) into their own errors; any other constraint violation is a conflict with stored
    # data, not a server fault: a 409 the client can retry after reloading, logged for us.
    @api.exception_handler(IntegrityError)
    def conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        logger.warning("constraint violation on %s %s", request.method, request.path, exc_info=exc)
        return error_response(
            api,
            request,
            409,
            "conflict",
            "The change conflicts with stored data, perhaps a concurrent change: reload and try again.",
        )
