"""The n8n public REST API (PROVIDERS.md §7), as provisioning uses it: plain HTTP on the shared client.

- ``N8N_API_URL`` is the instance's base URL (``http://n8n:5678``); the API is under ``/api/v1`` with the header
  ``X-N8N-API-KEY``. Readiness is ``GET /healthz/readiness`` on the instance itself.
- Failures are one of two exceptions. ``N8nUnavailable``: n8n did not answer, failed (5xx, 429), timed out, or
  answered something that is not its API; try again later. ``N8nRefused``: n8n answered and said no (401/403 a
  wrong or under-scoped key, 400 a body it will not take, 409); retrying the same request will not help.
  ``N8nNotFound`` is the refusal "no such object", raised only for a **JSON** 404 where the caller has no better
  answer (``get_workflow`` and ``credential_schema`` return None, the deletes return False instead).
- The starting-up traps, verified with n8n 1.123: while its migrations run n8n answers every route with **200** and
  the text "n8n is starting up. Please wait", and right after start ``/api/v1/...`` can answer a **404 HTML** page.
  Neither is data and neither is "not found": both raise ``N8nUnavailable`` (a provisioner that read the 404 as
  "workflow deleted" would create duplicates). Every answer must be JSON to count.
- ``N8N_FAILURES`` (keyed by base URL) opens on everything that is ``N8nUnavailable`` and makes the next calls fail
  fast for ``N8N_FAILURES.seconds``; any JSON answer, a refusal included, closes it (n8n is up), and so does a
  ready ``ready()``.
- Workflow bodies are cut down to what the public API accepts (``WORKFLOW_FIELDS``): a workflow read back from
  n8n or exported from its editor carries ``id``, ``active``, ``tags``, ``versionId``, ``meta``, ``pinData``…, which
  ``POST``/``PUT /workflows`` refuse with 400. Activation is its own call (``activate``), tags are their own call
  (``set_workflow_tags``). The ``settings`` object is passed as given: n8n refuses settings keys it does not know,
  and a template should learn that from the refusal rather than lose a setting silently.
- Credentials have **no list, get or update** in the public API (create, delete, transfer and ``schema/{type}``
  only), and ``data`` is write-only: nothing here pretends otherwise. Rotating a credential (a new tenant key, a
  new bot token) is: ``create_credential`` the new one, ``update_workflow`` every workflow that uses it to point at
  the new id, then ``delete_credential`` the old one. Keep every credential id you create: n8n will not list them.
- Messages never contain the API key: refusals for 401/403 say which setting to check, and any text n8n sends
  back is scrubbed of the key before it is kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Final
from urllib.parse import quote

import httpx

from x8.kit import http as provider_http
from x8.kit.failing import FailureWindow
from x8.settings import Settings

API_PREFIX: Final = "/api/v1"
READINESS_PATH: Final = "/healthz/readiness"
DEFAULT_TIMEOUT_SECONDS: Final = 15.0
PAGE_SIZE: Final = 100  # n8n's default page; its maximum is 250
MAX_PAGE_SIZE: Final = 250

# What POST and PUT /workflows accept (n8n 1.123's workflow schema, minus its read-only properties).
WORKFLOW_FIELDS: Final = ("name", "nodes", "connections", "settings", "staticData")

N8N_FAILURES: FailureWindow[str] = FailureWindow(seconds=30.0)

_MISSING: Final = object()  # what ``_request`` answers for a JSON 404 when the caller has a "not found" answer


class N8nUnavailable(Exception):
    """n8n did not answer, failed (5xx, 429), timed out, is still starting, or answered a page that is not its API:
    try again later. ``retry_after`` is how long the failing-provider window keeps calls away."""

    def __init__(self, message: str, *, retry_after: float = 0.0) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class N8nRefused(Exception):
    """n8n answered, and said no. ``message`` is safe to show an operator (never the API key); ``n8n_message`` is
    n8n's own text when it sent one."""

    def __init__(self, message: str, *, status: int, n8n_message: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.n8n_message = n8n_message


class N8nNotFound(N8nRefused):
    """A JSON 404 from n8n's API: the object does not exist (or the key's user cannot see it)."""


_WRONG_KEY = (
    "n8n did not accept the API key (N8N_API_KEY): it is missing, wrong, expired or was deleted in n8n. "
    "Create a key in n8n (Settings, n8n API) and set N8N_API_KEY."
)
_FORBIDDEN = "n8n's API key (N8N_API_KEY) is not allowed to do this: give the key every scope in n8n."


def strip_workflow(body: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a workflow that ``POST``/``PUT /workflows`` accept; ``settings`` defaults to ``{}`` (required)."""
    out = {key: body[key] for key in WORKFLOW_FIELDS if key in body}
    out.setdefault("settings", {})
    return out


class N8nApi:
    """One n8n instance's public API. Cheap to make: it holds no connections (the shared client in
    ``x8.kit.http`` does)."""

    def __init__(self, base_url: str, api_key: str, *, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        if not api_key:
            raise ValueError("n8n's public API needs an API key (N8N_API_KEY)")
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._timeout_seconds = timeout_seconds

    def __repr__(self) -> str:  # never the key
        return f"N8nApi({self.base_url!r})"

    # --- plumbing ---

    def _scrub(self, text: str) -> str:
        return text.replace(self._api_key, "***")

    def _unavailable(self, message: str) -> N8nUnavailable:
        N8N_FAILURES.failed(self.base_url)
        return N8nUnavailable(self._scrub(message), retry_after=N8N_FAILURES.seconds)

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: Any = None,
        missing_ok: bool = False,
    ) -> Any:
        """The JSON n8n answered, or ``_MISSING`` for a JSON 404 when ``missing_ok``; raises otherwise."""
        left = N8N_FAILURES.remaining(self.base_url)
        if left > 0:
            raise N8nUnavailable(f"n8n failed moments ago; not retried for another {left:.0f} s", retry_after=left)
        kwargs: dict[str, Any] = {}
        if body is not None:
            kwargs["json"] = body
        try:
            response = await provider_http.client().request(
                method,
                f"{self.base_url}{API_PREFIX}{path}",
                params=params,
                headers={"X-N8N-API-KEY": self._api_key, "Accept": "application/json"},
                timeout=provider_http.timeout(self._timeout_seconds),
                follow_redirects=False,
                **kwargs,
            )
        except httpx.TimeoutException as exc:
            raise self._unavailable(f"n8n did not answer within {self._timeout_seconds:g} s") from exc
        except httpx.HTTPError as exc:
            raise self._unavailable(f"n8n is not reachable ({type(exc).__name__})") from exc
        status = response.status_code
        if status == 429 or status >= 500:
            raise self._unavailable(f"n8n failed (HTTP {status})")
        data, is_json = _json_of(response)
        if not is_json:
            # 200 "n8n is starting up. Please wait", a 404 HTML page right after start, a proxy's error page: not
            # n8n's API answering, whatever the status says. Never "not found", never data.
            raise self._unavailable(
                f"n8n answered HTTP {status} with something that is not its API (it may still be starting up, its "
                "public API may be disabled, or N8N_API_URL points elsewhere)"
            )
        N8N_FAILURES.succeeded(self.base_url)  # its API answered: n8n is up
        if 200 <= status < 300:
            return data
        n8n_message = self._scrub(str(data.get("message"))) if isinstance(data, dict) and "message" in data else None
        if status == 401:
            raise N8nRefused(_WRONG_KEY, status=status, n8n_message=n8n_message)
        if status == 403:
            raise N8nRefused(_FORBIDDEN, status=status, n8n_message=n8n_message)
        if status == 404:
            if missing_ok:
                return _MISSING
            raise N8nNotFound(f"n8n has no such object ({method} {path})", status=status, n8n_message=n8n_message)
        raise N8nRefused(
            f"n8n refused the request (HTTP {status}): {n8n_message or 'no reason given'}",
            status=status,
            n8n_message=n8n_message,
        )

    async def _object(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        data = await self._request(method, path, **kwargs)
        if not isinstance(data, dict):
            raise N8nUnavailable(f"n8n answered {method} {path} with an unexpected shape")
        return data

    async def _pages(
        self, path: str, params: dict[str, str | int], *, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Every item of a ``{data, nextCursor}`` listing, following ``nextCursor`` to the end (or ``limit``)."""
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        query: dict[str, str | int] = dict(params)
        while True:
            page = await self._object("GET", path, params=query)
            data = page.get("data")
            if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
                raise N8nUnavailable(f"n8n answered GET {path} with an unexpected shape")
            items.extend(data)
            if limit is not None and len(items) >= limit:
                return items[:limit]
            cursor = page.get("nextCursor")
            if not cursor:
                return items
            if not isinstance(cursor, str) or cursor in seen:
                raise N8nUnavailable(f"n8n's pagination of {path} does not move on")
            seen.add(cursor)
            query = {**params, "cursor": cursor}

    # --- readiness ---

    async def ready(self) -> bool:
        """``GET /healthz/readiness`` answers 200 once n8n's database is connected and migrated. A probe: it ignores
        the failure window and never opens it; a ready answer closes it."""
        try:
            response = await provider_http.client().get(
                f"{self.base_url}{READINESS_PATH}",
                timeout=provider_http.timeout(min(self._timeout_seconds, 5.0)),
                follow_redirects=False,
            )
        except httpx.HTTPError:
            return False
        if response.status_code == 200:
            N8N_FAILURES.succeeded(self.base_url)
            return True
        return False

    # --- workflows ---

    async def list_workflows(
        self, tags: Iterable[str] | None = None, active: bool | None = None, *, page_size: int = PAGE_SIZE
    ) -> list[dict[str, Any]]:
        """Every workflow (all pages). ``tags`` are tag **names**; n8n keeps workflows that have all of them (a
        name it does not know is ignored). ``active`` filters on the flag."""
        params: dict[str, str | int] = {"limit": max(1, min(page_size, MAX_PAGE_SIZE))}
        names = [t for t in (tags or ()) if t]
        if names:
            params["tags"] = ",".join(names)
        if active is not None:
            params["active"] = "true" if active else "false"
        return await self._pages("/workflows", params)

    async def get_workflow(self, workflow_id: str) -> dict[str, Any] | None:
        """The workflow, or None when n8n says (in JSON) it has no such workflow."""
        data = await self._request("GET", f"/workflows/{_segment(workflow_id)}", missing_ok=True)
        if data is _MISSING:
            return None
        if not isinstance(data, dict):
            raise N8nUnavailable("n8n answered GET /workflows/{id} with an unexpected shape")
        return data

    async def create_workflow(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Creates an inactive workflow from ``body`` cut to ``WORKFLOW_FIELDS``; the answer carries its ``id``."""
        created = await self._object("POST", "/workflows", body=strip_workflow(body))
        if not isinstance(created.get("id"), str):
            raise N8nUnavailable("n8n created a workflow but did not say its id")
        return created

    async def update_workflow(self, workflow_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Replaces the workflow (``PUT``; the whole of ``WORKFLOW_FIELDS``, not a patch). An active workflow stays
        active: n8n re-registers its webhooks, and refuses (400) if a new path is taken. ``N8nNotFound`` if gone."""
        return await self._object("PUT", f"/workflows/{_segment(workflow_id)}", body=strip_workflow(body))

    async def delete_workflow(self, workflow_id: str) -> bool:
        """True when deleted now, False when n8n (in JSON) had no such workflow. An active one is deactivated
        first by n8n."""
        return await self._request("DELETE", f"/workflows/{_segment(workflow_id)}", missing_ok=True) is not _MISSING

    async def activate(self, workflow_id: str) -> dict[str, Any]:
        """Activates (registers its webhooks). 400 ``N8nRefused`` when it cannot: no trigger node, a webhook path
        another active workflow holds, a credential it cannot use."""
        return await self._object("POST", f"/workflows/{_segment(workflow_id)}/activate")

    async def deactivate(self, workflow_id: str) -> dict[str, Any]:
        return await self._object("POST", f"/workflows/{_segment(workflow_id)}/deactivate")

    # --- tags ---

    async def list_tags(self, *, page_size: int = PAGE_SIZE) -> list[dict[str, Any]]:
        return await self._pages("/tags", {"limit": max(1, min(page_size, MAX_PAGE_SIZE))})

    async def create_tag(self, name: str) -> dict[str, Any]:
        """``{id, name, ...}``; 409 ``N8nRefused`` when a tag of that name exists."""
        return await self._object("POST", "/tags", body={"name": name})

    async def ensure_tag(self, name: str) -> str:
        """The id of the tag called ``name``, created when missing (a concurrent creation is tolerated)."""
        for attempt in range(2):
            for tag in await self.list_tags():
                if tag.get("name") == name and isinstance(tag.get("id"), str):
                    return str(tag["id"])
            if attempt:
                break
            try:
                created = await self.create_tag(name)
            except N8nRefused as exc:
                if exc.status != 409:
                    raise
                continue
            if isinstance(created.get("id"), str):
                return str(created["id"])
        raise N8nUnavailable(f"n8n did not keep the tag {name!r}")

    async def get_workflow_tags(self, workflow_id: str) -> list[dict[str, Any]]:
        data = await self._request("GET", f"/workflows/{_segment(workflow_id)}/tags")
        return _list_of_objects(data, "GET /workflows/{id}/tags")

    async def set_workflow_tags(self, workflow_id: str, tag_ids: Iterable[str]) -> list[dict[str, Any]]:
        """Replaces the workflow's tags with ``tag_ids`` (ids, not names); answers the tags it now has. A tag id n8n
        does not know is a 404 (``N8nNotFound``), as is a missing workflow."""
        body = [{"id": tag_id} for tag_id in tag_ids]
        data = await self._request("PUT", f"/workflows/{_segment(workflow_id)}/tags", body=body)
        return _list_of_objects(data, "PUT /workflows/{id}/tags")

    # --- credentials (create and delete only: there is no list, get or update) ---

    async def create_credential(self, name: str, type: str, data: Mapping[str, Any]) -> str:
        """The new credential's id. ``data`` is write-only: n8n never gives it back. Record the id: n8n's public API
        cannot list credentials. To change one, create a new one, repoint the workflows, delete the old one."""
        created = await self._object("POST", "/credentials", body={"name": name, "type": type, "data": dict(data)})
        credential_id = created.get("id")
        if not isinstance(credential_id, str | int) or isinstance(credential_id, bool):
            raise N8nUnavailable("n8n created a credential but did not say its id")
        return str(credential_id)

    async def delete_credential(self, credential_id: str) -> bool:
        """True when deleted now, False when n8n (in JSON) had no such credential."""
        return await self._request("DELETE", f"/credentials/{_segment(credential_id)}", missing_ok=True) is not _MISSING

    async def credential_schema(self, type: str) -> dict[str, Any] | None:
        """The JSON Schema n8n checks a credential's ``data`` against, or None for a type it does not know."""
        data = await self._request("GET", f"/credentials/schema/{_segment(type)}", missing_ok=True)
        if data is _MISSING:
            return None
        if not isinstance(data, dict):
            raise N8nUnavailable("n8n answered GET /credentials/schema/{type} with an unexpected shape")
        return data

    # --- executions ---

    async def list_executions(
        self, workflow_id: str, status: str | None = None, *, limit: int = PAGE_SIZE
    ) -> list[dict[str, Any]]:
        """The workflow's most recent executions (newest first), at most ``limit``. n8n lists finished runs; running
        ones only with ``status="running"``; a workflow saved with ``saveDataSuccessExecution: "none"`` leaves no
        successful ones to list."""
        params: dict[str, str | int] = {"workflowId": workflow_id, "limit": max(1, min(limit, MAX_PAGE_SIZE))}
        if status is not None:
            params["status"] = status
        return await self._pages("/executions", params, limit=limit)


def n8n_api_for(settings: Settings) -> N8nApi | None:
    """The configured instance's API, or None when ``N8N_API_URL`` or ``N8N_API_KEY`` is not set."""
    if not settings.n8n_api_url or not settings.n8n_api_key:
        return None
    return N8nApi(settings.n8n_api_url, settings.n8n_api_key)


def _segment(value: str) -> str:
    """An id or a type name as one path segment (n8n's are alphanumeric; anything else must not walk the path)."""
    if not value or value in (".", ".."):
        raise ValueError(f"not an n8n id: {value!r}")
    return quote(value, safe="")


def _json_of(response: httpx.Response) -> tuple[Any, bool]:
    if "json" not in response.headers.get("content-type", "").lower():
        return None, False
    try:
        return response.json(), True
    except (ValueError, json.JSONDecodeError):
        return None, False


def _list_of_objects(data: Any, what: str) -> list[dict[str, Any]]:
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise N8nUnavailable(f"n8n answered {what} with an unexpected shape")
    return data
