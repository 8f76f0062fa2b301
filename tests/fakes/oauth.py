"""Protocol-faithful fakes of Google's and Facebook's OAuth 2.0 authorization-code flow.

They check what the real providers check: the client id and secret, that the redirect_uri at the token
step equals the one at the authorize step, that a code is used once, and the bearer token on userinfo.
The authorize endpoint stands in for the person clicking "Allow": it redirects straight back.

Google's side also follows PROVIDERS.md §5 further: client credentials only in the form body, a refresh token only
for ``access_type=offline``, ``grant_type=refresh_token`` (``invalid_grant`` once revoked), ``POST /revoke``
(``token=``, ``invalid_token`` when already revoked; a refresh token takes its access tokens with it), access
tokens that expire (the API answers 401 then), and the API endpoints userinfo and Calendar's freeBusy, events insert
and events delete (a deleted event's delete is 410, an unknown one 404; freeBusy counts the calendar's events and
``busy``, the person's other appointments).
Switches: ``fail_token_step`` / ``fail_api`` (503), ``reject_api`` (401 for every token), ``delay`` (seconds
before each answer), ``expire_access_tokens()``.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import Body, FastAPI, Form, Header, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response


@dataclass
class Account:
    subject: str
    email: str | None
    email_verified: bool = True
    name: str = "Test Person"


@dataclass
class FakeOAuthState:
    client_id: str
    client_secret: str
    account: Account
    deny: bool = False
    fail_token_step: bool = False
    fail_api: bool = False
    reject_api: bool = False
    delay: float = 0.0
    access_token_lifetime: int = 3599
    codes: dict[str, str] = field(default_factory=dict)  # code -> redirect_uri
    tokens: dict[str, Account] = field(default_factory=dict)  # access token -> account
    token_requests: list[dict[str, Any]] = field(default_factory=list)
    # Google only
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    offline_codes: set[str] = field(default_factory=set)
    scopes: dict[str, str] = field(default_factory=dict)  # code or refresh token -> the scopes granted
    expires_at: dict[str, float] = field(default_factory=dict)  # access token -> epoch seconds
    granted_by: dict[str, str] = field(default_factory=dict)  # access token -> the refresh token behind it
    refresh_tokens: dict[str, Account] = field(default_factory=dict)
    revoke_requests: list[dict[str, Any]] = field(default_factory=list)
    api_requests: list[dict[str, Any]] = field(default_factory=list)  # {"path", "token"}
    # Calendar: event id -> the event as Google keeps it (``calendar_id`` added); deleted ones stay, as "cancelled".
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    busy: list[dict[str, str]] = field(default_factory=list)  # [{"start", "end"}] RFC 3339, the other appointments

    def live_events(self) -> list[dict[str, Any]]:
        return [e for e in self.events.values() if e["status"] != "cancelled"]

    @property
    def token_request_count(self) -> int:
        return len(self.token_requests)

    def expire_access_tokens(self) -> None:
        """Every access token handed out so far is past its expiry (the API answers 401 to it)."""
        for token in self.expires_at:
            self.expires_at[token] = 0.0

    def revoke_refresh_token(self, refresh_token: str) -> None:
        """What revoking the grant does at Google: the refresh token and its access tokens stop working."""
        self.refresh_tokens.pop(refresh_token, None)
        for access, parent in list(self.granted_by.items()):
            if parent == refresh_token:
                self.tokens.pop(access, None)
                self.granted_by.pop(access, None)


def _authorize(state: FakeOAuthState, client_id: str, redirect_uri: str, oauth_state: str) -> Any:
    if client_id != state.client_id:
        return JSONResponse({"error": "invalid_client"}, status_code=401)
    if state.deny:
        return RedirectResponse(f"{redirect_uri}?{urlencode({'error': 'access_denied', 'state': oauth_state})}")
    code = secrets.token_urlsafe(16)
    state.codes[code] = redirect_uri
    return RedirectResponse(f"{redirect_uri}?{urlencode({'code': code, 'state': oauth_state})}", status_code=302)


def _exchange(state: FakeOAuthState, client_id: str, client_secret: str, code: str, redirect_uri: str) -> Any:
    state.token_requests.append({"client_id": client_id, "code": code, "redirect_uri": redirect_uri})
    if state.fail_token_step:
        return JSONResponse({"error": "backend_error"}, status_code=503)
    if client_id != state.client_id or client_secret != state.client_secret:
        return JSONResponse({"error": "invalid_client"}, status_code=401)
    expected_redirect = state.codes.pop(code, None)
    if expected_redirect is None or expected_redirect != redirect_uri:
        return JSONResponse({"error": "invalid_grant"}, status_code=400)
    token = secrets.token_urlsafe(24)
    state.tokens[token] = state.account
    return None, token


_GOOGLE_SCOPES = {"openid", "email", "profile", "https://mail.google.com/"}


def _known_scope(scope: str) -> bool:
    return scope in _GOOGLE_SCOPES or scope.startswith("https://www.googleapis.com/auth/")


def _issue_access_token(state: FakeOAuthState, account: Account, refresh_token: str | None) -> str:
    token = secrets.token_urlsafe(24)
    state.tokens[token] = account
    state.expires_at[token] = time.time() + state.access_token_lifetime
    if refresh_token is not None:
        state.granted_by[token] = refresh_token
    return token


def google_app(state: FakeOAuthState) -> FastAPI:
    app = FastAPI()

    @app.get("/o/oauth2/v2/auth")
    async def authorize(
        request: Request,
        client_id: str,
        redirect_uri: str,
        response_type: str,
        scope: str,
        state_: str = Query(alias="state"),
        access_type: str = "online",
    ) -> Any:
        state.authorize_requests.append(dict(request.query_params))
        scopes = scope.split()
        if response_type != "code" or not scopes or access_type not in ("online", "offline"):
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        if not all(_known_scope(s) for s in scopes):
            return JSONResponse({"error": "invalid_scope"}, status_code=400)
        before = set(state.codes)
        response = _authorize(state, client_id, redirect_uri, state_)
        for code in set(state.codes) - before:  # the code just issued, if any
            state.scopes[code] = " ".join(scopes)
            if access_type == "offline":
                state.offline_codes.add(code)
        return response

    @app.post("/token")
    async def token(
        authorization: str = Header(""),
        grant_type: str = Form(),
        code: str | None = Form(None),
        client_id: str = Form(""),
        client_secret: str = Form(""),
        redirect_uri: str | None = Form(None),
        refresh_token: str | None = Form(None),
    ) -> Any:
        if state.delay:
            await asyncio.sleep(state.delay)
        if grant_type == "refresh_token":
            return _refresh(state, authorization, client_id, client_secret, refresh_token)
        if grant_type != "authorization_code" or code is None or redirect_uri is None:
            state.token_requests.append({"grant_type": grant_type, "client_id": client_id})
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        offline = code in state.offline_codes
        result = _exchange(state, client_id, client_secret, code, redirect_uri)
        state.token_requests[-1].update(grant_type=grant_type, basic_auth=bool(authorization))
        if not isinstance(result, tuple):
            return result
        state.offline_codes.discard(code)
        scope = state.scopes.pop(code, "openid email profile")
        account = state.tokens.pop(result[1])
        body: dict[str, Any] = {"expires_in": state.access_token_lifetime, "token_type": "Bearer", "scope": scope}
        parent = None
        if offline:
            parent = secrets.token_urlsafe(32)
            state.refresh_tokens[parent] = account
            state.scopes[parent] = scope
            body["refresh_token"] = parent
        body["access_token"] = _issue_access_token(state, account, parent)
        return body

    @app.post("/revoke")
    async def revoke(request: Request, token: str = Form(""), authorization: str = Header("")) -> Any:
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        state.revoke_requests.append({"form": form, "basic_auth": bool(authorization)})
        if state.fail_token_step:
            return JSONResponse({"error": "backend_error"}, status_code=503)
        if token in state.refresh_tokens:
            state.revoke_refresh_token(token)
        elif token in state.tokens:
            parent = state.granted_by.pop(token, None)
            state.tokens.pop(token, None)
            if parent is not None:  # Google ends the whole grant
                state.revoke_refresh_token(parent)
        else:
            return JSONResponse(
                {"error": "invalid_token", "error_description": "Token expired or revoked"}, status_code=400
            )
        return JSONResponse({}, status_code=200)

    async def bearer(authorization: str, path: str) -> Account | JSONResponse:
        if state.delay:
            await asyncio.sleep(state.delay)
        token = authorization.removeprefix("Bearer ")
        state.api_requests.append({"path": path, "token": token})
        if state.fail_api:
            return JSONResponse({"error": {"code": 503, "message": "Backend Error"}}, status_code=503)
        account = state.tokens.get(token)
        if account is None or state.reject_api or state.expires_at.get(token, float("inf")) <= time.time():
            return JSONResponse(
                {"error": {"code": 401, "message": "Invalid Credentials", "status": "UNAUTHENTICATED"}},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"'},
            )
        return account

    @app.get("/oauth2/v3/userinfo")
    async def userinfo(authorization: str = Header("")) -> Any:
        account = await bearer(authorization, "/oauth2/v3/userinfo")
        if isinstance(account, JSONResponse):
            return account
        info: dict[str, Any] = {"sub": account.subject, "name": account.name}
        if account.email:
            info.update(email=account.email, email_verified=account.email_verified)
        return info

    @app.post("/calendar/v3/freeBusy")
    async def free_busy(authorization: str = Header(""), query: dict[str, Any] = Body()) -> Any:
        account = await bearer(authorization, "/calendar/v3/freeBusy")
        if isinstance(account, JSONResponse):
            return account
        if "timeMin" not in query or "timeMax" not in query:
            return JSONResponse(
                {"error": {"code": 400, "message": "Missing timeMin.", "errors": [{"reason": "required"}]}},
                status_code=400,
            )
        low, high = _instant(query["timeMin"]), _instant(query["timeMax"])

        def busy_of(calendar_id: str) -> list[dict[str, str]]:
            spans = [*state.busy] + [
                {"start": e["start"]["dateTime"], "end": e["end"]["dateTime"]}
                for e in state.live_events()
                if e["calendar_id"] == calendar_id
            ]
            return [s for s in spans if _instant(s["start"]) < high and _instant(s["end"]) > low]

        return {
            "kind": "calendar#freeBusy",
            "timeMin": query["timeMin"],
            "timeMax": query["timeMax"],
            "calendars": {item["id"]: {"busy": busy_of(item["id"])} for item in query.get("items", [])},
        }

    @app.post("/calendar/v3/calendars/{calendar_id}/events")
    async def insert_event(calendar_id: str, authorization: str = Header(""), event: dict[str, Any] = Body()) -> Any:
        account = await bearer(authorization, f"/calendar/v3/calendars/{calendar_id}/events")
        if isinstance(account, JSONResponse):
            return account
        if not all(isinstance(event.get(k), dict) and "dateTime" in event[k] for k in ("start", "end")):
            return JSONResponse(
                {"error": {"code": 400, "message": "Missing time.", "errors": [{"reason": "required"}]}},
                status_code=400,
            )
        event_id = secrets.token_hex(13)
        stored = {**event, "id": event_id, "status": "confirmed", "kind": "calendar#event", "calendar_id": calendar_id}
        state.events[event_id] = stored
        return {k: v for k, v in stored.items() if k != "calendar_id"}

    @app.delete("/calendar/v3/calendars/{calendar_id}/events/{event_id}")
    async def delete_event(calendar_id: str, event_id: str, authorization: str = Header("")) -> Any:
        account = await bearer(authorization, f"/calendar/v3/calendars/{calendar_id}/events/{event_id}")
        if isinstance(account, JSONResponse):
            return account
        event = state.events.get(event_id)
        if event is None or event["calendar_id"] != calendar_id:
            return JSONResponse(
                {"error": {"code": 404, "message": "Not Found", "errors": [{"reason": "notFound"}]}}, 404
            )
        if event["status"] == "cancelled":
            return JSONResponse(
                {"error": {"code": 410, "message": "Resource has been deleted", "errors": [{"reason": "deleted"}]}},
                410,
            )
        event["status"] = "cancelled"
        return Response(status_code=204)

    return app


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _refresh(
    state: FakeOAuthState, authorization: str, client_id: str, client_secret: str, refresh_token: str | None
) -> Any:
    state.token_requests.append(
        {
            "grant_type": "refresh_token",
            "client_id": client_id,
            "refresh_token": refresh_token,
            "basic_auth": bool(authorization),
        }
    )
    if state.fail_token_step:
        return JSONResponse({"error": "backend_error"}, status_code=503)
    if client_id != state.client_id or client_secret != state.client_secret:
        return JSONResponse({"error": "invalid_client"}, status_code=401)
    account = state.refresh_tokens.get(refresh_token or "")
    if account is None:
        return JSONResponse(
            {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}, status_code=400
        )
    # Google keeps the refresh token: the answer has none.
    return {
        "access_token": _issue_access_token(state, account, refresh_token),
        "expires_in": state.access_token_lifetime,
        "token_type": "Bearer",
        "scope": state.scopes.get(refresh_token or "", ""),
    }


def facebook_app(state: FakeOAuthState, version: str = "v21.0") -> FastAPI:
    app = FastAPI()

    @app.get(f"/{version}/dialog/oauth")
    async def authorize(client_id: str, redirect_uri: str, state_: str = Query(alias="state")) -> Any:
        return _authorize(state, client_id, redirect_uri, state_)

    @app.get(f"/{version}/oauth/access_token")
    async def token(client_id: str, client_secret: str, redirect_uri: str, code: str) -> Any:
        result = _exchange(state, client_id, client_secret, code, redirect_uri)
        if not isinstance(result, tuple):
            return JSONResponse(
                {
                    "error": {
                        "message": "Invalid verification code format.",
                        "type": "OAuthException",
                        "code": 100,
                    }
                },
                status_code=400,
            )
        return {"access_token": result[1], "token_type": "bearer", "expires_in": 5183944}

    @app.get(f"/{version}/me")
    async def me(request: Request, access_token: str, fields: str = "id,name") -> Any:
        account = state.tokens.get(access_token)
        if account is None:
            return JSONResponse(
                {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}},
                status_code=400,
            )
        data: dict[str, Any] = {"id": account.subject, "name": account.name}
        if "email" in fields.split(",") and account.email:
            data["email"] = account.email
        return data

    return app
