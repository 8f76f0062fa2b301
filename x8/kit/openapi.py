"""The OpenAPI schema, telling the whole truth (R-R5): what FastAPI cannot see from an endpoint's signature.

- Every operation that takes a credential documents the 401 its authenticator answers (FastAPI lists the
  security scheme but not the refusal).
- Every operation that takes a body documents the 413 of the body guard (x8.kit.body_guard) and the 400 of a body
  that cannot be read at all (not UTF-8, not JSON, a broken multipart), which FastAPI answers before validation.
- Links say where an identifier comes from (``LINKS``): a company's ``id`` is what every ``company_id`` parameter
  takes, not its human ``company_id`` ("COMP001"); clients and schemathesis' stateful phase follow them.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
_METHODS = ("get", "post", "put", "patch", "delete")

# (method, path, status, parameter, where the response holds it, paths that take another kind of it): the
# operation's response gives the value of every path or query parameter of that name elsewhere in the API.
_CHANNEL_PATHS = {
    "web": ("/api/v1/webhooks/web/",),
    "telegram": ("/api/v1/webhooks/telegram/",),
    "whatsapp": ("/api/v1/integrations/whatsapp/",),
}
LINKS: tuple[tuple[str, str, str, str, str, tuple[str, ...]], ...] = (
    ("post", "/api/v1/companies/", "201", "company_id", "$response.body#/id", ()),
    ("post", "/api/v1/knowledge-base/upload-csv", "200", "kb_id", "$response.body#/kb_id", ()),
    ("post", "/api/v1/knowledge-base/{kb_id}/rows", "201", "row_id", "$response.body#/id", ()),
    *(
        (
            "post",
            f"/api/v1/integrations/{platform}/connect",
            "200",
            "channel_id",
            "$response.body#/channel_id",
            tuple(p for other, paths in _CHANNEL_PATHS.items() if other != platform for p in paths),
        )
        for platform in _CHANNEL_PATHS
    ),
    ("post", "/api/v1/webhooks/web/{channel_id}", "202", "conversation_id", "$response.body#/conversation_id", ()),
)


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in schema.get("paths", {}).items()
        for method, operation in item.items()
        if method in _METHODS and isinstance(operation, dict)
    ]


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return node
    target: Any = schema
    for part in ref[2:].split("/"):
        target = target[part]
    return target if isinstance(target, dict) else {}


def _body_properties(schema: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    for media in operation.get("requestBody", {}).get("content", {}).values():
        body = _resolve(schema, media.get("schema", {}))
        names.update(body.get("properties", {}))
    return names


def _parameters(operation: dict[str, Any]) -> dict[str, str]:
    """Parameter name → location (path or query)."""
    return {p["name"]: p["in"] for p in operation.get("parameters", []) if p.get("in") in ("path", "query")}


def _add_links(schema: dict[str, Any]) -> None:
    operations = _operations(schema)
    for method, path, status, parameter, expression, elsewhere in LINKS:
        producer = schema["paths"][path][method]
        producer_path = {n for n, where in _parameters(producer).items() if where == "path"}
        producer_body = _body_properties(schema, producer)
        links: dict[str, Any] = {}
        for _, target_path, target in operations:
            params = _parameters(target)
            if parameter not in params or target_path.startswith(elsewhere):
                continue
            values = {f"{params[parameter]}.{parameter}": expression}
            for other, where in params.items():
                if other == parameter or where != "path":
                    continue
                if other in producer_path:  # the same resource the producer was called for
                    values[f"path.{other}"] = f"$request.path.{other}"
                elif other in producer_body and other.endswith("_id"):  # an id the producer was given
                    values[f"path.{other}"] = f"$request.body#/{other}"
            if all(f"path.{n}" in values for n, where in params.items() if where == "path"):
                links[target["operationId"]] = {"operationId": target["operationId"], "parameters": values}
        if links:
            producer["responses"][status].setdefault("links", {}).update(links)


def complete(schema: dict[str, Any]) -> dict[str, Any]:
    for _, _, operation in _operations(schema):
        responses = operation.setdefault("responses", {})
        if operation.get("security"):
            responses.setdefault("401", {"description": "Unauthorized", **_ERROR})
        if "requestBody" in operation:
            responses.setdefault("400", {"description": "BadRequest", **_ERROR})
            responses.setdefault("413", {"description": "PayloadTooLarge", **_ERROR})
    _add_links(schema)
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
