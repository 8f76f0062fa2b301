"""A fake n8n instance (PROVIDERS.md §7): the public REST API v1 as n8n 1.123 answers it, its health checks, and the
production webhooks of active workflows.

On the wire:
- ``/api/v1/...`` needs ``X-N8N-API-KEY``: missing is 401 ``{"message": "'X-N8N-API-KEY' header required"}``, wrong
  is 401 ``{"message": "unauthorized"}``. Errors are ``{"message": ...}``; a missing object is a JSON 404
  ``{"message": "Not Found"}``; a route the API does not have is a JSON 404/405 (there is no ``GET /credentials``
  nor ``GET``/``PATCH /credentials/{id}``: 405, as n8n's OpenAPI validator answers).
- Workflows: ids as n8n makes them (16 alphanumeric characters), created inactive, ``versionId`` renewed on every
  save, node ids filled in. ``POST``/``PUT /workflows`` check the body like n8n's OpenAPI validator: ``name``,
  ``nodes``, ``connections`` and ``settings`` required (``request/body must have required property 'settings'``);
  the schema's read-only properties (``id``, ``active``, ``tags``, ``createdAt``, ``updatedAt``, ``versionId``…)
  refused as ``request/body/active is read-only`` (what n8n says, see n8n-io/n8n#32176); any other property as
  ``request/body must NOT have additional properties``, and the same inside ``settings`` and each node.
- ``POST /workflows/{id}/activate`` registers the workflow's Webhook nodes (``n8n-nodes-base.webhook``, key: HTTP
  method and path, slashes trimmed). It is a 400 with n8n's messages when the workflow has no trigger node, or when
  another active workflow holds the same method and path ("The URL path that the "<node>" node uses is already
  taken. Please change it to something else."). ``PUT`` on an active workflow saves, then registers again; when that
  fails the workflow is left inactive and the answer is that 400. ``deactivate`` and ``DELETE`` unregister.
- ``GET /workflows?active=&tags=&limit=&cursor=`` with n8n's offset cursor (base64 JSON ``{"limit","offset"}``),
  ``limit`` at most 250 (default 100); ``tags`` are names, a workflow must have all of them (unknown names are
  ignored, as n8n does). Tags: ``GET``/``POST /tags`` (409 when the name exists), ``GET``/``PUT
  /workflows/{id}/tags`` (``[{"id"}]``; an unknown tag id is 404 "Some tags not found").
- Credentials: ``POST /credentials {name,type,data}`` answers ``{id,name,type,createdAt,updatedAt}``, never ``data``;
  ``data`` is checked against the type's schema (only ``httpHeaderAuth`` and ``telegramApi`` are known: another type
  is 400 "req.body.type is not a known type"). ``DELETE /credentials/{id}``, ``GET /credentials/schema/{type}``.
- ``GET /executions?workflowId=&status=&limit=&cursor=``: newest first, n8n's ``lastId`` cursor; without ``status``
  only finished runs. A call to an active workflow's webhook adds a successful execution unless its settings say
  ``saveDataSuccessExecution: "none"``; ``add_execution`` scripts others.
- ``POST`` (or any method it registered) ``/webhook/<path>``: recorded in ``webhook_calls`` (method, path, headers,
  query, body) and answered 200 ``{"message": "Workflow was started"}`` (n8n's ``onReceived`` answer; there is no
  execution engine, ``on_webhook`` can script another answer). An unregistered path is n8n's JSON 404.
- ``GET /healthz`` → ``{"status": "ok"}``, ``GET /healthz/readiness`` → 200 ``{"status": "ok"}``.

Tests script the rest:
- ``starting = True``: what n8n does while its migrations run: ``/healthz`` 200, ``/healthz/readiness`` 503
  ``{"status": "error"}``, every other route 200 ``text/html`` "n8n is starting up. Please wait".
- ``html_404 = True``: right after start, every ``/api/v1/...`` route answers Express's 404 HTML page.
- ``outage`` ("500", "503", "close": the connection drops after the status line, "hang": no answer for
  ``hang_seconds``) for every request until cleared; ``fail_next`` the same once per entry.
- ``requests`` counts requests by path (everything that reached the fake, failures included), ``request_count`` is
  their total, ``log`` keeps ``(method, path)``; ``during_request(method, path)`` is a probe run on every request.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import secrets
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

API_KEY = "n8n_api_fake_3f9c2a7e5b1d4c8a9e0f6b2d7a1c5e8f"
WEBHOOK_NODE = "n8n-nodes-base.webhook"
STARTING_UP = "n8n is starting up. Please wait"
ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

# n8n 1.123's workflow schema (packages/cli/src/public-api/v1/handlers/workflows/spec/schemas/).
WORKFLOW_WRITABLE = frozenset({"name", "nodes", "connections", "settings", "staticData"})
WORKFLOW_READ_ONLY = frozenset(
    {"id", "active", "createdAt", "updatedAt", "tags", "isArchived", "versionId", "triggerCount", "meta"}
)
WORKFLOW_REQUIRED = ("name", "nodes", "connections", "settings")
SETTINGS_KEYS = frozenset(
    {
        "saveExecutionProgress",
        "saveManualExecutions",
        "saveDataErrorExecution",
        "saveDataSuccessExecution",
        "executionTimeout",
        "errorWorkflow",
        "timezone",
        "executionOrder",
        "callerPolicy",
        "callerIds",
        "timeSavedPerExecution",
        "availableInMCP",
    }
)
SETTINGS_ENUMS = {
    "saveDataErrorExecution": ("all", "none"),
    "saveDataSuccessExecution": ("all", "none"),
    "callerPolicy": ("any", "none", "workflowsFromAList", "workflowsFromSameOwner"),
}
NODE_KEYS = frozenset(
    {
        "id",
        "name",
        "webhookId",
        "disabled",
        "notesInFlow",
        "notes",
        "type",
        "typeVersion",
        "executeOnce",
        "alwaysOutputData",
        "retryOnFail",
        "maxTries",
        "waitBetweenTries",
        "continueOnFail",
        "onError",
        "position",
        "parameters",
        "credentials",
    }
)
NODE_READ_ONLY = frozenset({"createdAt", "updatedAt"})
# Nodes that do not make a workflow activatable (n8n starts them by hand or from another workflow).
NOT_ACTIVATING = frozenset({"n8n-nodes-base.manualTrigger", "n8n-nodes-base.start"})
EXECUTION_STATUSES = ("canceled", "error", "running", "success", "waiting")

# Credential types the fake knows, as ``GET /credentials/schema/{type}`` shows them (n8n's toJsonSchema of the
# type's non-hidden properties; neither type marks a property required).
CREDENTIAL_SCHEMAS: dict[str, dict[str, Any]] = {
    "httpHeaderAuth": {
        "additionalProperties": False,
        "type": "object",
        "properties": {"name": {"type": "string"}, "value": {"type": "string"}},
        "required": [],
    },
    "telegramApi": {
        "additionalProperties": False,
        "type": "object",
        "properties": {"baseUrl": {"type": "string"}, "accessToken": {"type": "string"}},
        "required": [],
    },
}

HTML_404 = (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n'
    "<body>\n<pre>Cannot {method} {path}</pre>\n</body>\n</html>\n"
)
WEBHOOK_HINT = (
    "The workflow must be active for a production URL to run successfully. You can activate the workflow using the "
    "toggle in the top-right of the editor. Note that unlike test URL calls, production URL calls aren't shown on "
    "the canvas (only in the executions list)"
)


class _DropConnection(Exception):
    """Raised by the app after the status line went out: uvicorn then closes the connection."""


class _QuietDrops(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], _DropConnection))


logging.getLogger("uvicorn.error").addFilter(_QuietDrops())


class _Refusal(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class WebhookCall:
    workflow_id: str
    method: str
    path: str
    headers: dict[str, str]
    query: dict[str, str]
    body: Any  # parsed JSON when it was JSON, else the text


@dataclass
class FakeN8n:
    api_key: str = API_KEY
    starting: bool = False
    html_404: bool = False
    outage: str | None = None  # "500", "503", "close" or "hang", for every request until cleared
    fail_next: list[str] = field(default_factory=list)  # the same, once each
    hang_seconds: float = 15.0
    during_request: Callable[[str, str], None] | None = None  # (method, path), on every request
    on_webhook: Callable[[WebhookCall], tuple[int, Any] | None] | None = None  # script a webhook's answer
    requests: Counter[str] = field(default_factory=Counter)  # by path
    log: list[tuple[str, str]] = field(default_factory=list)
    workflows: dict[str, dict[str, Any]] = field(default_factory=dict)  # as stored, by id
    workflow_tags: dict[str, list[str]] = field(default_factory=dict)  # workflow id -> tag ids
    tags: dict[str, dict[str, Any]] = field(default_factory=dict)
    credentials: dict[str, dict[str, Any]] = field(default_factory=dict)  # with "data", which the API never shows
    executions: list[dict[str, Any]] = field(default_factory=list)
    webhooks: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # (METHOD, path) -> (wf, node)
    webhook_calls: list[WebhookCall] = field(default_factory=list)
    _execution_id: int = 0

    @property
    def request_count(self) -> int:
        return sum(self.requests.values())

    # --- reading what happened ---

    def workflow_named(self, name: str) -> dict[str, Any]:
        return next(w for w in self.workflows.values() if w["name"] == name)

    def webhook_owner(self, path: str, method: str = "POST") -> str | None:
        found = self.webhooks.get((method.upper(), path.strip("/")))
        return found[0] if found else None

    # --- scripting n8n's side ---

    def add_execution(self, workflow_id: str, status: str = "success", *, mode: str = "webhook") -> dict[str, Any]:
        self._execution_id += 1
        now = _now()
        finished = status not in ("running", "waiting", "new")
        execution = {
            "id": self._execution_id,
            "finished": status == "success",
            "mode": mode,
            "retryOf": None,
            "retrySuccessId": None,
            "startedAt": now,
            "stoppedAt": now if finished else None,
            "workflowId": workflow_id,
            "waitTill": None,
            "status": status,
        }
        self.executions.append(execution)
        return execution

    # --- the API's rules ---

    def public_workflow(self, workflow: dict[str, Any], *, with_tags: bool = True) -> dict[str, Any]:
        out = dict(workflow)
        if with_tags:
            out["tags"] = [self.tags[t] for t in self.workflow_tags.get(workflow["id"], []) if t in self.tags]
        return out

    def register(self, workflow: dict[str, Any]) -> None:
        """What activation does: every enabled trigger checked, every Webhook node's (method, path) claimed."""
        nodes = [n for n in workflow["nodes"] if not n.get("disabled")]
        if not any(_is_trigger(n) for n in nodes):
            raise _Refusal(
                400,
                f'Workflow "{workflow["name"]}" (ID: {workflow["id"]}) has no node to start the workflow - at least '
                "one trigger, poller or webhook node is required",
            )
        claims: list[tuple[tuple[str, str], str]] = []
        for node in nodes:
            if node.get("type") != WEBHOOK_NODE:
                continue
            for key in _webhook_keys(node):
                owner = self.webhooks.get(key)
                if (owner is not None and owner[0] != workflow["id"]) or any(k == key for k, _ in claims):
                    raise _Refusal(
                        400,
                        f'The URL path that the "{node.get("name")}" node uses is already taken. Please change it to '
                        "something else.",
                    )
                claims.append((key, str(node.get("name"))))
        self.unregister(workflow["id"])
        for key, node_name in claims:
            self.webhooks[key] = (workflow["id"], node_name)
        workflow["active"] = True
        workflow["triggerCount"] = sum(1 for n in nodes if _is_trigger(n))

    def unregister(self, workflow_id: str) -> None:
        for key in [k for k, owner in self.webhooks.items() if owner[0] == workflow_id]:
            del self.webhooks[key]
        workflow = self.workflows.get(workflow_id)
        if workflow is not None:
            workflow["active"] = False
            workflow["triggerCount"] = 0


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _new_id() -> str:
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(16))


def _is_trigger(node: dict[str, Any]) -> bool:
    kind = str(node.get("type", ""))
    if kind in NOT_ACTIVATING:
        return False
    return kind == WEBHOOK_NODE or kind.lower().endswith("trigger")


def _webhook_keys(node: dict[str, Any]) -> list[tuple[str, str]]:
    params = node.get("parameters") or {}
    path = str(params.get("path", "")).strip("/")
    methods = params.get("httpMethod", "GET")
    if not params.get("multipleMethods"):
        methods = [methods]
    elif not isinstance(methods, list):
        methods = ["GET", "POST"]
    return [(str(m).upper(), path) for m in methods]


def _encode_cursor(data: dict[str, int]) -> str:
    return base64.b64encode(json.dumps(data).encode()).decode()


def _decode_cursor(cursor: str) -> dict[str, int]:
    try:
        data = json.loads(base64.b64decode(cursor, validate=True))
    except (binascii.Error, ValueError) as exc:
        raise _Refusal(400, "An invalid cursor was provided") from exc
    if not isinstance(data, dict) or not isinstance(data.get("limit"), int):
        raise _Refusal(400, "An invalid cursor was provided")
    return data


def _limit(request: Request) -> int:
    raw = request.query_params.get("limit")
    if raw is None:
        return 100
    try:
        limit = int(raw)
    except ValueError as exc:
        raise _Refusal(400, "request/query/limit must be number") from exc
    if limit > 250:
        raise _Refusal(400, "request/query/limit must be <= 250")
    if limit < 1:
        raise _Refusal(400, "request/query/limit must be >= 1")
    return limit


def _offset_page(request: Request, items: list[dict[str, Any]]) -> dict[str, Any]:
    limit, offset = _limit(request), 0
    cursor = request.query_params.get("cursor")
    if cursor:
        data = _decode_cursor(cursor)
        limit, offset = data["limit"], int(data.get("offset", 0))
    page = items[offset : offset + limit]
    more = offset + limit < len(items)
    return {"data": page, "nextCursor": _encode_cursor({"limit": limit, "offset": offset + limit}) if more else None}


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    content_type = request.headers.get("content-type", "")
    if raw and not content_type.startswith("application/json"):
        raise _Refusal(415, f"unsupported media type {content_type.split(';')[0]}")
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise _Refusal(400, f"Unexpected token in JSON at position {getattr(exc, 'pos', 0)}") from exc


def _check_workflow(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise _Refusal(400, "request/body must be object")
    for name in WORKFLOW_REQUIRED:
        if name not in body:
            raise _Refusal(400, f"request/body must have required property '{name}'")
    for name in body:
        if name in WORKFLOW_READ_ONLY:
            raise _Refusal(400, f"request/body/{name} is read-only")
        if name not in WORKFLOW_WRITABLE:
            raise _Refusal(400, "request/body must NOT have additional properties")
    if not isinstance(body["name"], str):
        raise _Refusal(400, "request/body/name must be string")
    if not isinstance(body["nodes"], list):
        raise _Refusal(400, "request/body/nodes must be array")
    if not isinstance(body["connections"], dict):
        raise _Refusal(400, "request/body/connections must be object")
    settings = body["settings"]
    if not isinstance(settings, dict):
        raise _Refusal(400, "request/body/settings must be object")
    for key, value in settings.items():
        if key not in SETTINGS_KEYS:
            raise _Refusal(400, "request/body/settings must NOT have additional properties")
        allowed = SETTINGS_ENUMS.get(key)
        if allowed is not None and value not in allowed:
            raise _Refusal(
                400, f"request/body/settings/{key} must be equal to one of the allowed values: " + ", ".join(allowed)
            )
    static = body.get("staticData")
    if static is not None and not isinstance(static, dict | str):
        raise _Refusal(400, "request/body/staticData must be string, request/body/staticData must be object")
    for index, node in enumerate(body["nodes"]):
        if not isinstance(node, dict):
            raise _Refusal(400, f"request/body/nodes/{index} must be object")
        for key in node:
            if key in NODE_READ_ONLY:
                raise _Refusal(400, f"request/body/nodes/{index}/{key} is read-only")
            if key not in NODE_KEYS:
                raise _Refusal(400, f"request/body/nodes/{index} must NOT have additional properties")
        if "parameters" in node and not isinstance(node["parameters"], dict):
            raise _Refusal(400, f"request/body/nodes/{index}/parameters must be object")
    return body


def _with_node_ids(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**node, "id": node.get("id") or str(uuid.uuid4())} for node in nodes]


def _check_credential_data(kind: str, data: Any) -> None:
    schema = CREDENTIAL_SCHEMAS[kind]
    if not isinstance(data, dict):
        raise _Refusal(400, "request.body.data is not of a type(s) object")
    errors = [f'request.body.data requires property "{name}"' for name in schema["required"] if name not in data]
    for name, value in data.items():
        spec = schema["properties"].get(name)
        if spec is None:
            errors.append(f'request.body.data is not allowed to have the additional property "{name}"')
        elif spec["type"] == "string" and not isinstance(value, str):
            errors.append(f"request.body.data.{name} is not of a type(s) string")
    if errors:
        raise _Refusal(400, ",".join(errors))


def _public_credential(credential: dict[str, Any]) -> dict[str, Any]:
    return {k: credential[k] for k in ("id", "name", "type", "createdAt", "updatedAt")}


def _api(state: FakeN8n) -> FastAPI:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.exception_handler(_Refusal)
    async def refused(_request: Request, exc: _Refusal) -> JSONResponse:
        return JSONResponse({"message": exc.message}, status_code=exc.status)

    @app.exception_handler(StarletteHTTPException)
    async def no_route(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 405:
            return JSONResponse({"message": f"{request.method} method not allowed"}, status_code=405)
        return JSONResponse({"message": "not found"}, status_code=exc.status_code)

    @app.middleware("http")
    async def api_key(request: Request, call_next: Callable[[Request], Any]) -> Response:
        if request.url.path.startswith("/api/v1/"):
            given = request.headers.get("x-n8n-api-key")
            if given is None:
                return JSONResponse({"message": "'X-N8N-API-KEY' header required"}, status_code=401)
            if not secrets.compare_digest(given.encode(), state.api_key.encode()):
                return JSONResponse({"message": "unauthorized"}, status_code=401)
        response: Response = await call_next(request)
        return response

    def not_found() -> JSONResponse:
        return JSONResponse({"message": "Not Found"}, status_code=404)

    # --- health ---

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/healthz/readiness")
    async def readiness() -> dict[str, str]:
        return {"status": "ok"}

    # --- workflows ---

    @app.get("/api/v1/workflows")
    async def list_workflows(request: Request) -> JSONResponse:
        items = list(state.workflows.values())
        active = request.query_params.get("active")
        if active is not None:
            if active not in ("true", "false"):
                raise _Refusal(400, "request/query/active must be boolean")
            items = [w for w in items if w["active"] == (active == "true")]
        tags = request.query_params.get("tags")
        if tags:
            names = [n.strip() for n in tags.split(",") if n.strip()]
            known = [t["id"] for t in state.tags.values() if t["name"] in names]
            keep = {w for w in state.workflows if known and all(t in state.workflow_tags.get(w, []) for t in known)}
            items = [w for w in items if w["id"] in keep]
        page = _offset_page(request, [state.public_workflow(w) for w in items])
        return JSONResponse(page)

    @app.post("/api/v1/workflows")
    async def create_workflow(request: Request) -> JSONResponse:
        body = _check_workflow(await _json_body(request))
        now = _now()
        workflow_id = _new_id()
        while workflow_id in state.workflows:
            workflow_id = _new_id()
        workflow = {
            "id": workflow_id,
            "name": body["name"],
            "active": False,
            "isArchived": False,
            "createdAt": now,
            "updatedAt": now,
            "nodes": _with_node_ids(body["nodes"]),
            "connections": body["connections"],
            "settings": body["settings"],
            "staticData": body.get("staticData"),
            "meta": None,
            "pinData": {},
            "versionId": str(uuid.uuid4()),
            "triggerCount": 0,
        }
        state.workflows[workflow_id] = workflow
        return JSONResponse(state.public_workflow(workflow, with_tags=False))

    @app.get("/api/v1/workflows/{workflow_id}")
    async def get_workflow(workflow_id: str) -> JSONResponse:
        workflow = state.workflows.get(workflow_id)
        if workflow is None:
            return not_found()
        return JSONResponse(state.public_workflow(workflow))

    @app.put("/api/v1/workflows/{workflow_id}")
    async def update_workflow(workflow_id: str, request: Request) -> JSONResponse:
        body = _check_workflow(await _json_body(request))
        workflow = state.workflows.get(workflow_id)
        if workflow is None:
            return not_found()
        was_active = workflow["active"]
        if was_active:
            state.unregister(workflow_id)
        workflow.update(
            name=body["name"],
            nodes=_with_node_ids(body["nodes"]),
            connections=body["connections"],
            settings=body["settings"],
            staticData=body.get("staticData", workflow.get("staticData")),
            updatedAt=_now(),
            versionId=str(uuid.uuid4()),
        )
        if was_active:
            state.register(workflow)  # a refusal leaves it saved and inactive
        return JSONResponse(state.public_workflow(workflow, with_tags=False))

    @app.delete("/api/v1/workflows/{workflow_id}")
    async def delete_workflow(workflow_id: str) -> JSONResponse:
        workflow = state.workflows.get(workflow_id)
        if workflow is None:
            return not_found()
        state.unregister(workflow_id)
        del state.workflows[workflow_id]
        state.workflow_tags.pop(workflow_id, None)
        return JSONResponse(state.public_workflow(workflow, with_tags=False))

    @app.post("/api/v1/workflows/{workflow_id}/activate")
    async def activate(workflow_id: str, request: Request) -> JSONResponse:
        await _json_body(request)
        workflow = state.workflows.get(workflow_id)
        if workflow is None:
            return not_found()
        if not workflow["active"]:
            state.register(workflow)
        return JSONResponse(state.public_workflow(workflow, with_tags=False))

    @app.post("/api/v1/workflows/{workflow_id}/deactivate")
    async def deactivate(workflow_id: str, request: Request) -> JSONResponse:
        await _json_body(request)
        workflow = state.workflows.get(workflow_id)
        if workflow is None:
            return not_found()
        state.unregister(workflow_id)
        return JSONResponse(state.public_workflow(workflow, with_tags=False))

    @app.get("/api/v1/workflows/{workflow_id}/tags")
    async def get_workflow_tags(workflow_id: str) -> JSONResponse:
        if workflow_id not in state.workflows:
            return not_found()
        return JSONResponse(state.public_workflow(state.workflows[workflow_id])["tags"])

    @app.put("/api/v1/workflows/{workflow_id}/tags")
    async def set_workflow_tags(workflow_id: str, request: Request) -> JSONResponse:
        body = await _json_body(request)
        if not isinstance(body, list):
            raise _Refusal(400, "request/body must be array")
        for index, item in enumerate(body):
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                raise _Refusal(400, f"request/body/{index} must have required property 'id'")
        if workflow_id not in state.workflows:
            return not_found()
        ids = list(dict.fromkeys(item["id"] for item in body))
        if any(tag_id not in state.tags for tag_id in ids):
            return JSONResponse({"message": "Some tags not found"}, status_code=404)
        state.workflow_tags[workflow_id] = ids
        return JSONResponse(state.public_workflow(state.workflows[workflow_id])["tags"])

    # --- tags ---

    @app.get("/api/v1/tags")
    async def list_tags(request: Request) -> JSONResponse:
        return JSONResponse(_offset_page(request, list(state.tags.values())))

    @app.post("/api/v1/tags")
    async def create_tag(request: Request) -> JSONResponse:
        body = await _json_body(request)
        if not isinstance(body, dict) or "name" not in body:
            raise _Refusal(400, "request/body must have required property 'name'")
        if set(body) - {"name"}:
            raise _Refusal(400, "request/body must NOT have additional properties")
        if not isinstance(body["name"], str):
            raise _Refusal(400, "request/body/name must be string")
        if any(t["name"] == body["name"] for t in state.tags.values()):
            raise _Refusal(409, "Tag already exists")
        now = _now()
        tag = {"id": _new_id(), "name": body["name"], "createdAt": now, "updatedAt": now}
        state.tags[tag["id"]] = tag
        return JSONResponse(tag, status_code=201)

    @app.get("/api/v1/tags/{tag_id}")
    async def get_tag(tag_id: str) -> JSONResponse:
        tag = state.tags.get(tag_id)
        return JSONResponse(tag) if tag is not None else not_found()

    @app.delete("/api/v1/tags/{tag_id}")
    async def delete_tag(tag_id: str) -> JSONResponse:
        tag = state.tags.pop(tag_id, None)
        if tag is None:
            return not_found()
        for ids in state.workflow_tags.values():
            if tag_id in ids:
                ids.remove(tag_id)
        return JSONResponse(tag)

    # --- credentials: create, delete and schema only ---

    @app.post("/api/v1/credentials")
    async def create_credential(request: Request) -> JSONResponse:
        body = await _json_body(request)
        if not isinstance(body, dict):
            raise _Refusal(400, "request/body must be object")
        for name in ("name", "type", "data"):
            if name not in body:
                raise _Refusal(400, f"request/body must have required property '{name}'")
        for name in body:
            if name in ("id", "createdAt", "updatedAt"):
                raise _Refusal(400, f"request/body/{name} is read-only")
            if name not in ("name", "type", "data"):
                raise _Refusal(400, "request/body must NOT have additional properties")
        if not isinstance(body["name"], str) or not isinstance(body["type"], str):
            raise _Refusal(400, "request/body/name must be string")
        if body["type"] not in CREDENTIAL_SCHEMAS:
            raise _Refusal(400, "req.body.type is not a known type")
        _check_credential_data(body["type"], body["data"])
        now = _now()
        credential = {
            "id": _new_id(),
            "name": body["name"],
            "type": body["type"],
            "data": body["data"],
            "createdAt": now,
            "updatedAt": now,
        }
        state.credentials[credential["id"]] = credential
        return JSONResponse(_public_credential(credential))

    @app.delete("/api/v1/credentials/{credential_id}")
    async def delete_credential(credential_id: str) -> JSONResponse:
        credential = state.credentials.pop(credential_id, None)
        return JSONResponse(_public_credential(credential)) if credential is not None else not_found()

    @app.get("/api/v1/credentials/schema/{credential_type}")
    async def credential_schema(credential_type: str) -> JSONResponse:
        schema = CREDENTIAL_SCHEMAS.get(credential_type)
        return JSONResponse(schema) if schema is not None else not_found()

    # --- executions ---

    @app.get("/api/v1/executions")
    async def list_executions(request: Request) -> JSONResponse:
        limit = _limit(request)
        last_id: int | None = None
        cursor = request.query_params.get("cursor")
        if cursor:
            data = _decode_cursor(cursor)
            limit, last_id = data["limit"], data.get("lastId")
        status = request.query_params.get("status")
        if status is not None and status not in EXECUTION_STATUSES:
            raise _Refusal(
                400, "request/query/status must be equal to one of the allowed values: " + ", ".join(EXECUTION_STATUSES)
            )
        workflow_id = request.query_params.get("workflowId")
        items = sorted(state.executions, key=lambda e: e["id"], reverse=True)
        if workflow_id:
            items = [e for e in items if e["workflowId"] == workflow_id]
        if status is not None:
            items = [e for e in items if e["status"] == status]
        else:
            items = [e for e in items if e["status"] not in ("running", "new")]
        if last_id is not None:
            items = [e for e in items if e["id"] < last_id]
        page = items[:limit]
        more = len(items) > limit
        next_cursor = _encode_cursor({"lastId": page[-1]["id"], "limit": limit}) if more and page else None
        return JSONResponse({"data": page, "nextCursor": next_cursor})

    @app.get("/api/v1/executions/{execution_id}")
    async def get_execution(execution_id: str) -> JSONResponse:
        found = next((e for e in state.executions if str(e["id"]) == execution_id), None)
        return JSONResponse(found) if found is not None else not_found()

    # --- production webhooks of active workflows ---

    @app.api_route("/webhook/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"])
    async def webhook(path: str, request: Request) -> JSONResponse:
        path = path.strip("/")
        method = request.method.upper()
        owner = state.webhooks.get((method, path))
        if owner is None:
            others = sorted(m for m, p in state.webhooks if p == path)
            if others:
                message = (
                    f"This webhook is not registered for {method} requests. Did you mean to make a "
                    f"{', '.join(others)} request?"
                )
                return JSONResponse({"code": 404, "message": message}, status_code=404)
            message = f'The requested webhook "{method} {path}" is not registered.'
            return JSONResponse({"code": 404, "message": message, "hint": WEBHOOK_HINT}, status_code=404)
        raw = await request.body()
        body: Any
        if request.headers.get("content-type", "").startswith("application/json") and raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
        else:
            body = raw.decode("utf-8", "replace")
        call = WebhookCall(
            workflow_id=owner[0],
            method=method,
            path=path,
            headers=dict(request.headers),
            query=dict(request.query_params),
            body=body,
        )
        state.webhook_calls.append(call)
        workflow = state.workflows[owner[0]]
        if workflow["settings"].get("saveDataSuccessExecution") != "none":
            state.add_execution(owner[0], "success")
        if state.on_webhook is not None:
            scripted = state.on_webhook(call)
            if scripted is not None:
                return JSONResponse(scripted[1], status_code=scripted[0])
        return JSONResponse({"message": "Workflow was started"})

    return app


def n8n_app(state: FakeN8n) -> Callable[..., Any]:
    """The fake as an ASGI app for ``serve_in_thread``: the FastAPI app above, behind the scripted failures (a plain
    ASGI layer, since it has to be able to drop a connection)."""
    api = _api(state)

    async def app(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            await api(scope, receive, send)
            return
        path: str = scope["path"]
        method: str = scope["method"]
        state.requests[path] += 1
        state.log.append((method, path))
        if state.during_request is not None:
            state.during_request(method, path)
        failure = state.fail_next.pop(0) if state.fail_next else state.outage
        if failure == "close":
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"100")]})
            raise _DropConnection
        if failure == "hang":
            await asyncio.sleep(state.hang_seconds)
            await _respond(send, 502, "text/html", b"<html><body>502 Bad Gateway</body></html>")
            return
        if failure == "500":
            await _respond(send, 500, "application/json", b'{"message":"Internal Server Error"}')
            return
        if failure == "503":
            await _respond(send, 503, "application/json", b'{"code":503,"message":"Database is not ready!"}')
            return
        if state.starting:
            if path == "/healthz":
                await _respond(send, 200, "application/json", b'{"status":"ok"}')
            elif path == "/healthz/readiness":
                await _respond(send, 503, "application/json", b'{"status":"error"}')
            else:
                await _respond(send, 200, "text/html; charset=utf-8", STARTING_UP.encode())
            return
        if state.html_404 and path.startswith("/api/v1"):
            page = HTML_404.format(method=method, path=path).encode()
            await _respond(send, 404, "text/html; charset=utf-8", page)
            return
        await api(scope, receive, send)

    return app


async def _respond(send: Callable[..., Any], status: int, content_type: str, body: bytes) -> None:
    headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
