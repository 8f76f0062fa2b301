"""A fake Telegram Bot API (PROVIDERS.md §1): ``POST /bot<token>/<method>`` with JSON or form bodies,
case-insensitive method names, Telegram's error envelope, setWebhook's rules for ``secret_token`` and
sendMessage's 4,096 characters at most.

Tests script failures with ``fail_next`` (429 with retry_after, 500, or a hang longer than the client's timeout)
and read what was sent from ``sent``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")

MAX_TEXT = 4096  # sendMessage: 1-4096 characters of text


@dataclass
class Bot:
    id: int
    username: str
    webhook: dict[str, Any] = field(default_factory=dict)


@dataclass
class FakeTelegram:
    bots: dict[str, Bot] = field(default_factory=dict)
    sent: list[dict[str, Any]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    # "429", "500", "hang" (never delivered) or "deliver-then-hang" (delivered, the answer never comes back in
    # time: the at-least-once window), consumed by sendMessage
    fail_next: list[str] = field(default_factory=list)
    hang_seconds: float = 15.0
    during_send: Callable[[], None] | None = None  # a test's probe, run while a sendMessage is being answered
    # A test's probe, run with the method's name on every call; if it raises, the call is answered 500 (an exception
    # out of the app would make the server drop the connection after answering, which Telegram does not do).
    during_call: Callable[[str], None] | None = None
    retry_after: int = 1  # what a scripted 429 asks the client to wait
    _message_id: int = 1000

    def add_bot(self, token: str, username: str = "shop_bot") -> Bot:
        bot = Bot(id=int(token.split(":")[0]), username=username)
        self.bots[token] = bot
        return bot


def _error(code: int, description: str, **parameters: Any) -> JSONResponse:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return JSONResponse(body, status_code=code)


def telegram_app(state: FakeTelegram) -> FastAPI:
    app = FastAPI()

    @app.post("/bot{token}/{method}")
    async def call(token: str, method: str, request: Request) -> JSONResponse:
        state.calls.append(method)
        if state.during_call is not None:
            try:
                state.during_call(method)
            except Exception:  # the probe's outage: answered as Telegram answers its own failures
                return _error(500, "Internal Server Error")
        bot = state.bots.get(token)
        if bot is None:
            return _error(401, "Unauthorized")
        if request.headers.get("content-type", "").startswith("application/json"):
            body = await request.json() if await request.body() else {}
        else:
            body = dict(await request.form())
        name = method.lower()
        if name == "getme":
            return JSONResponse(
                {"ok": True, "result": {"id": bot.id, "is_bot": True, "first_name": "Shop", "username": bot.username}}
            )
        if name == "setwebhook":
            url = body.get("url")
            if url is None:
                return _error(400, "Bad Request: bad webhook: URL must be provided")
            if url:
                parsed = urlsplit(str(url))
                if parsed.scheme != "https":
                    return _error(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
                if (parsed.port or 443) not in (80, 88, 443, 8443):
                    return _error(
                        400, "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
                    )
            secret = body.get("secret_token")
            if secret is not None and not SECRET_TOKEN.match(str(secret)):
                return _error(400, "Bad Request: secret token contains unallowed characters")
            bot.webhook = {"url": url, "secret_token": secret, "allowed_updates": body.get("allowed_updates")}
            return JSONResponse({"ok": True, "result": True, "description": "Webhook was set"})
        if name == "deletewebhook":
            bot.webhook = {}
            return JSONResponse({"ok": True, "result": True, "description": "Webhook was deleted"})
        if name == "sendmessage":
            if "chat_id" not in body or not str(body.get("text") or ""):
                return _error(400, "Bad Request: message text is empty")
            if len(str(body["text"])) > MAX_TEXT:
                return _error(400, "Bad Request: message is too long")
            if state.fail_next:
                failure = state.fail_next.pop(0)
                if failure == "429":
                    wait = state.retry_after
                    return _error(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
                if failure == "deliver-then-hang":
                    state._message_id += 1
                    state.sent.append({"chat_id": body["chat_id"], "text": body["text"]})
                    await asyncio.sleep(state.hang_seconds)
                    return _error(502, "Bad Gateway")
                if failure == "hang":
                    # Never delivered: the client gives up first. (A late delivery would be the at-least-once
                    # case no client can tell apart from this one; tests keep to the deterministic half.)
                    await asyncio.sleep(state.hang_seconds)
                    return _error(502, "Bad Gateway")
                else:
                    return _error(500, "Internal Server Error")
            if state.during_send is not None:
                state.during_send()
            state._message_id += 1
            message = {"message_id": state._message_id, "chat": {"id": body["chat_id"]}, "text": body["text"]}
            state.sent.append({"chat_id": body["chat_id"], "text": body["text"]})
            return JSONResponse({"ok": True, "result": message})
        return _error(404, "Not Found")

    return app
