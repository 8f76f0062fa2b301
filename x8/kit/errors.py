"""Domain errors and the one place that turns them into HTTP responses.

Every error body is ``{"error": "<Type>", "detail": "<human text>"}`` (SPEC.md §3). Validation
errors keep FastAPI's 422 shape.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from x8.kit.cleaning import clean_json

log = logging.getLogger(__name__)


class X8Error(Exception):
    status_code = 400
    error_type = "BadRequest"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None, **extra: Any) -> None:
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

    def __init__(self, detail: str, retry_after: int) -> None:
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
    async def _x8_error(_: Request, exc: X8Error) -> JSONResponse:
        return JSONResponse(
            error_body(exc.error_type, exc.detail, **exc.extra),
            status_code=exc.status_code,
            headers=exc.headers,
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse(
            error_body("InternalError", "Something went wrong on our side. Nothing was saved; please try again."),
            status_code=500,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's shape, with the offending input cleaned: a lone surrogate echoed back cannot be encoded.
        return JSONResponse({"detail": clean_json(jsonable_encoder(exc.errors()))}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        name = _HTTP_NAMES.get(exc.status_code, "HTTPError")
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return JSONResponse(
            error_body(name, detail), status_code=exc.status_code, headers=getattr(exc, "headers", None)
        )


def error_responses(*errors: type[X8Error]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries for the errors an endpoint can raise."""
    return {e.status_code: {"description": e.error_type, "model": ErrorBody} for e in errors}


from pydantic import BaseModel  # noqa: E402  (kept next to its only use)


class ErrorBody(BaseModel):
    error: str
    detail: str
