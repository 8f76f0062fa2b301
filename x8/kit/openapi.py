"""The OpenAPI schema, telling the whole truth (R-R5): what FastAPI cannot see from an endpoint's signature.

- Every operation that takes a credential documents the 401 its authenticator answers (FastAPI lists the
  security scheme but not the refusal).
- Every operation that takes a body documents the 413 of the body guard (x8.kit.body_guard).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}


def complete(schema: dict[str, Any]) -> dict[str, Any]:
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if not isinstance(operation, dict) or method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            if operation.get("security"):
                responses.setdefault("401", {"description": "Unauthorized", **_ERROR})
            if "requestBody" in operation:
                responses.setdefault("413", {"description": "PayloadTooLarge", **_ERROR})
    return schema


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
