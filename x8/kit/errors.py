"""Domain errors and the one place that turns them into HTTP responses.

Every error body is ``{"error": "<Type>", "detail": "<human text>"}`` (SPEC.md §3). Validation
errors keep FastAPI's 422 shape. The human text is a ``Message`` (``x8.kit.i18n.msg``), said here in the language
the request asks for (``Accept-Language``); the type never changes with the language.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from x8.kit.cleaning import clean_json
from x8.kit.i18n import Message, language_of, localize, msg
from x8.kit.i18n.validation import localize_validation_errors

log = logging.getLogger(__name__)


class X8Error(Exception):
    status_code = 400
    error_type = "BadRequest"

    def __init__(self, detail: Message, *, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers
        self.extra = extra


class BadRequest(X8Error):
    status_code = 400
    error_type = "BadRequest"


class Unauthorized(X8Error):
    status_code = 401
    error_type = "Unauthorized"


class PaymentRequired(X8Error):
    status_code = 402
    error_type = "PaymentRequired"


class Forbidden(X8Error):
    status_code = 403
    error_type = "Forbidden"


class NotFound(X8Error):
    status_code = 404
    error_type = "NotFound"


class Conflict(X8Error):
    status_code = 409
    error_type = "Conflict"


class RateLimited(X8Error):
    status_code = 429
    error_type = "RateLimited"

    def __init__(self, detail: Message, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


class ServiceUnavailable(X8Error):
    status_code = 503
    error_type = "ServiceUnavailable"


_HTTP_NAMES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    413: "PayloadTooLarge",
    429: "RateLimited",
}


def error_body(error_type: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {"error": error_type, "detail": detail, **extra}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(X8Error)
    async def _x8_error(request: Request, exc: X8Error) -> JSONResponse:
        language = language_of(request)
        return JSONResponse(
            error_body(exc.error_type, exc.detail.render(language), **localize(exc.extra, language)),
            status_code=exc.status_code,
            headers=exc.headers,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        sorry = msg("Something went wrong on our side. Nothing was saved; please try again.")
        return JSONResponse(
            error_body("InternalError", sorry.render(language_of(request))),
            status_code=500,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's shape, with the offending input cleaned: a lone surrogate echoed back cannot be encoded.
        errors = localize_validation_errors(exc.errors(), language_of(request))
        return JSONResponse({"detail": clean_json(jsonable_encoder(errors))}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 405:
            return _method_not_allowed(request, exc)
        name = _HTTP_NAMES.get(exc.status_code, "HTTPError")
        detail = exc.detail.render(language_of(request)) if isinstance(exc.detail, Message) else str(exc.detail)
        return JSONResponse(
            error_body(name, detail), status_code=exc.status_code, headers=getattr(exc, "headers", None)
        )


def allowed_methods(request: Request) -> list[str]:
    """Every method an API route takes at this path (``app.state.api_routes``, set by ``x8.main``)."""
    path = request.scope["path"]
    routes: list[APIRoute] = getattr(request.app.state, "api_routes", [])
    return sorted({method for route in routes if route.path_regex.match(path) for method in route.methods or ()})


def _method_not_allowed(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """One 405 for a path, whichever route the router tried first: ``Allow`` lists the methods of every API route
    at the path (Starlette names only the first route that matched the path). An ``/api/`` path that no endpoint
    has is a 404 (the dashboard's catch-all would otherwise make it a 405 for GET)."""
    allowed = allowed_methods(request)
    language = language_of(request)
    if allowed:
        takes = msg("Method Not Allowed: this endpoint takes {methods}.", methods=", ".join(allowed))
        return JSONResponse(
            error_body("MethodNotAllowed", takes.render(language)),
            status_code=405,
            headers={"Allow": ", ".join(allowed)},
        )
    if request.scope["path"].startswith("/api/"):
        return JSONResponse(error_body("NotFound", msg("No such API endpoint.").render(language)), status_code=404)
    not_allowed = msg("Method Not Allowed").render(language)
    return JSONResponse(error_body("MethodNotAllowed", not_allowed), status_code=405, headers=exc.headers)


def error_responses(*errors: type[X8Error]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries for the errors an endpoint can raise. A 422 of our own shares its status with
    FastAPI's request validation, so it is documented as either body (FastAPI adds no 422 of its own once one is
    declared)."""
    return {e.status_code: _UNPROCESSABLE if e.status_code == 422 else _entry(e) for e in errors}


def _entry(error: type[X8Error]) -> dict[str, Any]:
    return {"description": error.error_type, "model": ErrorBody}


_UNPROCESSABLE: dict[str, Any] = {
    "description": "The request is not valid (FastAPI's validation body), or asks for something that cannot be done",
    "content": {
        "application/json": {
            "schema": {
                "anyOf": [
                    {"$ref": "#/components/schemas/ErrorBody"},
                    {"$ref": "#/components/schemas/HTTPValidationError"},
                ]
            }
        }
    },
}


from pydantic import BaseModel  # noqa: E402  (kept next to its only use)


class ErrorBody(BaseModel):
    error: str
    detail: str
