"""A fake Meta Graph API and login dialog (PROVIDERS.md §3), on the shared fake-server pattern.

- ``GET /{version}/dialog/oauth`` (on FACEBOOK_OAUTH_URL): the person "logs in" at once and is redirected back to
  ``redirect_uri`` with a one-use ``code`` and the ``state``; an unknown ``client_id`` is an error page.
- ``GET /{version}/oauth/access_token``: checks client_id, client_secret, redirect_uri and the code.
- ``GET /{version}/me`` and ``/{version}/me/accounts`` with a user token: the person and their pages, each with a page
  token issued for the app of the login.
- ``POST|DELETE /{version}/{page_id}/subscribed_apps`` with that page's token: which apps a page is subscribed to.
- ``DELETE /{version}/{user_id}/permissions`` with the app's token (``<app id>|<secret>``): the person's login to the
  app ends, and every user and page token it gave with it.
- ``POST /{version}/{page_id}/messages``: the Send API's checks (token, ``messaging_type``, ``recipient``,
  ``message.text`` at most 2,000 characters); tests script failures with ``fail_next`` (Graph error codes 190,
  613, 551, 10, 200, 230 in Graph's error JSON, or ``"429"``/``"500"`` HTTP failures; ``None`` lets that call through).

Tests sign and post webhooks with ``signed_post`` and build Messenger and Instagram events with ``messenger_event``
and ``instagram_event``; ``signed_request`` makes a data-deletion request as Meta does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

GRAPH_ERRORS = {
    190: ("Error validating access token: Session has expired.", "OAuthException", 400),
    613: ("Calls to this api have exceeded the rate limit.", "OAuthException", 400),
    551: ("This person isn't available right now.", "OAuthException", 400),
    10: ("Application does not have permission for this action", "OAuthException", 403),
    200: ("Permissions error", "OAuthException", 403),
    230: ("Requires pages_messaging permission to manage the object", "OAuthException", 403),
}
MESSAGING_TYPES = {"RESPONSE", "UPDATE", "MESSAGE_TAG"}
MAX_TEXT = 2000


@dataclass
class FakePage:
    id: str
    name: str
    instagram_id: str | None = None
    subscribed: dict[str, list[str]] = field(default_factory=dict)  # app id → subscribed fields


@dataclass
class FakeMetaGraph:
    apps: dict[str, str] = field(default_factory=dict)  # app id → secret
    pages: list[FakePage] = field(default_factory=list)  # the pages of the person who logs in
    user_id: str = "7001000"  # the person's app-scoped id
    sent: list[dict[str, Any]] = field(default_factory=list)  # every message the Send API accepted
    calls: list[str] = field(default_factory=list)
    fail_next: list[int | str | None] = field(default_factory=list)  # consumed by the Send API; None: answer
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    user_tokens: dict[str, str] = field(default_factory=dict)  # user token → app id
    page_tokens: dict[str, tuple[str, str]] = field(default_factory=dict)  # page token → (page id, app id)
    _mids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def add_page(self, page_id: str, name: str, instagram_id: str | None = None) -> FakePage:
        page = FakePage(page_id, name, instagram_id)
        self.pages.append(page)
        return page

    def page(self, page_id: str) -> FakePage:
        return next(p for p in self.pages if p.id == page_id)

    def revoke_page_tokens(self) -> None:
        """The person changed their password or removed the app: every page token stops working (code 190)."""
        self.page_tokens.clear()


def graph_error(code: int, message: str | None = None, status: int | None = None) -> JSONResponse:
    text, kind, http_status = GRAPH_ERRORS.get(code, ("Invalid parameter", "OAuthException", 400))
    body = {"error": {"message": message or text, "type": kind, "code": code, "fbtrace_id": secrets.token_hex(6)}}
    return JSONResponse(body, status_code=status or http_status)


def meta_graph_app(state: FakeMetaGraph) -> FastAPI:
    app = FastAPI()

    @app.get("/{version}/dialog/oauth")
    async def dialog(version: str, request: Request) -> Response:
        q = request.query_params
        state.calls.append("dialog")
        if q.get("client_id") not in state.apps or not q.get("redirect_uri"):
            return HTMLResponse("<h1>Invalid App ID</h1>", status_code=400)
        code = secrets.token_urlsafe(16)
        state.codes[code] = {"client_id": q["client_id"], "redirect_uri": q["redirect_uri"]}
        back = {"code": code, "state": q.get("state", "")}
        return RedirectResponse(f"{q['redirect_uri']}?{urlencode(back)}#_=_", status_code=302)

    @app.get("/{version}/oauth/access_token")
    async def access_token(version: str, request: Request) -> JSONResponse:
        q = request.query_params
        state.calls.append("access_token")
        client_id = q.get("client_id", "")
        if state.apps.get(client_id) is None or q.get("client_secret") != state.apps[client_id]:
            return graph_error(1, "Error validating client secret.", 400)
        issued = state.codes.pop(q.get("code", ""), None)
        if issued is None or issued["client_id"] != client_id:
            return graph_error(100, "Invalid verification code format.", 400)
        if issued["redirect_uri"] != q.get("redirect_uri"):
            return graph_error(
                100,
                "Error validating verification code. Please make sure your redirect_uri is "
                "identical to the one you used in the OAuth dialog request",
                400,
            )
        token = "EAAU" + secrets.token_urlsafe(24)
        state.user_tokens[token] = client_id
        return JSONResponse({"access_token": token, "token_type": "bearer", "expires_in": 5183944})

    @app.get("/{version}/me")
    async def me(version: str, request: Request) -> JSONResponse:
        token = request.query_params.get("access_token", "")
        state.calls.append("me")
        if token in state.user_tokens:
            return JSONResponse({"id": state.user_id, "name": "Pat Owner"})
        if token in state.page_tokens:
            page = state.page(state.page_tokens[token][0])
            return JSONResponse({"id": page.id, "name": page.name})
        return graph_error(190)

    @app.get("/{version}/me/accounts")
    async def accounts(version: str, request: Request) -> JSONResponse:
        q = request.query_params
        state.calls.append("accounts")
        app_id = state.user_tokens.get(q.get("access_token", ""))
        if app_id is None:
            return graph_error(190)
        fields = set((q.get("fields") or "id,name,access_token").split(","))
        data = []
        for page in state.pages:
            token = "EAAP" + secrets.token_urlsafe(24)
            state.page_tokens[token] = (page.id, app_id)
            item: dict[str, Any] = {"id": page.id, "name": page.name}
            if "access_token" in fields:
                item["access_token"] = token
            if "instagram_business_account" in fields and page.instagram_id:
                item["instagram_business_account"] = {"id": page.instagram_id}
            data.append(item)
        return JSONResponse({"data": data, "paging": {"cursors": {"before": "b", "after": "a"}}})

    def _page_token(page_id: str, token: str) -> str | None:
        """The app a page token belongs to, if it is this page's."""
        found = state.page_tokens.get(token)
        return found[1] if found is not None and found[0] == page_id else None

    @app.post("/{version}/{page_id}/subscribed_apps")
    async def subscribe(version: str, page_id: str, request: Request) -> JSONResponse:
        q = request.query_params
        state.calls.append("subscribe")
        app_id = _page_token(page_id, q.get("access_token", ""))
        if app_id is None:
            return graph_error(190)
        fields = [f for f in (q.get("subscribed_fields") or "").split(",") if f]
        if not fields:
            return graph_error(100, "(#100) The parameter subscribed_fields is required.", 400)
        state.page(page_id).subscribed[app_id] = fields
        return JSONResponse({"success": True})

    @app.delete("/{version}/{page_id}/subscribed_apps")
    async def unsubscribe(version: str, page_id: str, request: Request) -> JSONResponse:
        state.calls.append("unsubscribe")
        app_id = _page_token(page_id, request.query_params.get("access_token", ""))
        if app_id is None:
            return graph_error(190)
        state.page(page_id).subscribed.pop(app_id, None)
        return JSONResponse({"success": True})

    @app.post("/{version}/{page_id}/messages")
    async def messages(version: str, page_id: str, request: Request) -> JSONResponse:
        state.calls.append("send")
        if request.headers.get("content-type", "").startswith("application/json"):
            body: dict[str, Any] = await request.json()
        else:
            form = dict(await request.form())
            body = {k: json.loads(str(v)) if k in ("recipient", "message") else v for k, v in form.items()}
        token = str(request.query_params.get("access_token") or body.get("access_token") or "")
        if _page_token(page_id, token) is None:
            return graph_error(190)
        failure = state.fail_next.pop(0) if state.fail_next else None
        if failure is not None:
            if failure == "429":
                return JSONResponse({"error": {"message": "Too many requests", "code": 4}}, status_code=429)
            if failure == "500":
                return JSONResponse({"error": {"message": "An unknown error occurred", "code": 1}}, status_code=500)
            return graph_error(int(failure))
        recipient, message = body.get("recipient"), body.get("message")
        if body.get("messaging_type") not in MESSAGING_TYPES:
            return graph_error(100, "(#100) Param messaging_type must be one of RESPONSE, UPDATE, MESSAGE_TAG")
        if not isinstance(recipient, dict) or not recipient.get("id"):
            return graph_error(100, "(#100) The parameter recipient is required")
        if not isinstance(message, dict) or not isinstance(message.get("text"), str) or not message["text"]:
            return graph_error(100, "(#100) The parameter message is required")
        if len(message["text"]) > MAX_TEXT:
            return graph_error(100, "(#100) Length of param message[text] must be less than or equal to 2000")
        mid = f"m_{page_id}_{next(state._mids)}"
        state.sent.append(
            {
                "page_id": page_id,
                "recipient": recipient["id"],
                "text": message["text"],
                "messaging_type": body["messaging_type"],
                "mid": mid,
            }
        )
        return JSONResponse({"recipient_id": recipient["id"], "message_id": mid})

    @app.delete("/{version}/{user_id}/permissions")
    async def revoke_login(version: str, user_id: str, request: Request) -> JSONResponse:
        """The person's login to the app ends (app token ``<app id>|<secret>``): every token it gave stops working."""
        state.calls.append("revoke_login")
        app_id, _, secret = request.query_params.get("access_token", "").partition("|")
        if state.apps.get(app_id) is None or secret != state.apps[app_id]:
            return graph_error(190, "Invalid OAuth access token - Cannot parse access token")
        if user_id != state.user_id:
            return graph_error(100, "(#100) Tried accessing nonexisting field (permissions)")
        state.user_tokens = {t: a for t, a in state.user_tokens.items() if a != app_id}
        state.page_tokens = {t: (p, a) for t, (p, a) in state.page_tokens.items() if a != app_id}
        return JSONResponse({"success": True})

    return app


# --- webhooks, as Meta sends them ---


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _event(
    obj: str, account_id: str, person: str, text: str, mid: str, *, is_echo: bool, app_id: str | None, ts: int
) -> dict[str, Any]:
    message: dict[str, Any] = {"mid": mid, "text": text}
    if is_echo:
        message["is_echo"] = True
        if app_id is not None:
            message["app_id"] = int(app_id)
    sender, recipient = (account_id, person) if is_echo else (person, account_id)
    item = {"sender": {"id": sender}, "recipient": {"id": recipient}, "timestamp": ts, "message": message}
    return {"object": obj, "entry": [{"id": account_id, "time": ts, "messaging": [item]}]}


def messenger_event(
    page_id: str,
    psid: str,
    text: str,
    mid: str,
    *,
    is_echo: bool = False,
    app_id: str | None = None,
    ts: int = 1457764197627,
) -> dict[str, Any]:
    return _event("page", page_id, psid, text, mid, is_echo=is_echo, app_id=app_id, ts=ts)


def instagram_event(
    ig_id: str,
    igsid: str,
    text: str,
    mid: str,
    *,
    is_echo: bool = False,
    app_id: str | None = None,
    ts: int = 1457764197627,
) -> dict[str, Any]:
    return _event("instagram", ig_id, igsid, text, mid, is_echo=is_echo, app_id=app_id, ts=ts)


async def signed_post(
    client: httpx.AsyncClient, payload: dict[str, Any], secret: str | None, path: str = "/api/v1/webhooks/meta"
) -> httpx.Response:
    """Post a webhook delivery the way Meta does: the raw JSON body signed with the app's secret (None: unsigned)."""
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Hub-Signature-256"] = sign(secret, body)
    return await client.post(path, content=body, headers=headers)


def signed_request(secret: str, user_id: str, issued_at: int = 1700000000) -> str:
    """A data-deletion ``signed_request`` as Meta builds it."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    payload = b64(json.dumps({"algorithm": "HMAC-SHA256", "issued_at": issued_at, "user_id": user_id}).encode())
    signature = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest()
    return f"{b64(signature)}.{payload}"
