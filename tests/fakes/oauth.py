"""Protocol-faithful fakes of Google's and Facebook's OAuth 2.0 authorization-code flow.

They check what the real providers check: the client id and secret, that the redirect_uri at the token
step equals the one at the authorize step, that a code is used once, and the bearer token on userinfo.
The authorize endpoint stands in for the person clicking "Allow": it redirects straight back.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Form, Header, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse


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
    codes: dict[str, str] = field(default_factory=dict)  # code -> redirect_uri
    tokens: dict[str, Account] = field(default_factory=dict)
    token_requests: list[dict[str, Any]] = field(default_factory=list)


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


def google_app(state: FakeOAuthState) -> FastAPI:
    app = FastAPI()

    @app.get("/o/oauth2/v2/auth")
    async def authorize(
        client_id: str, redirect_uri: str, response_type: str, scope: str, state_: str = Query(alias="state")
    ) -> Any:
        if response_type != "code" or "email" not in scope.split():
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        return _authorize(state, client_id, redirect_uri, state_)

    @app.post("/token")
    async def token(
        grant_type: str = Form(),
        code: str = Form(),
        client_id: str = Form(),
        client_secret: str = Form(),
        redirect_uri: str = Form(),
    ) -> Any:
        if grant_type != "authorization_code":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        result = _exchange(state, client_id, client_secret, code, redirect_uri)
        if not isinstance(result, tuple):
            return result
        return {
            "access_token": result[1],
            "expires_in": 3599,
            "token_type": "Bearer",
            "scope": "openid email profile",
        }

    @app.get("/oauth2/v3/userinfo")
    async def userinfo(authorization: str = Header("")) -> Any:
        account = state.tokens.get(authorization.removeprefix("Bearer "))
        if account is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        info: dict[str, Any] = {"sub": account.subject, "name": account.name}
        if account.email:
            info.update(email=account.email, email_verified=account.email_verified)
        return info

    return app


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
