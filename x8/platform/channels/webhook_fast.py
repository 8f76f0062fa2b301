"""Provider webhooks acknowledged without the framework (issue 16, docs/performance.md).

An acknowledgement is the one request providers send at volume, and the one they time out on. Through FastAPI it
cost about as much CPU as a health check, almost all of it routing over every route, dependency injection and the
middleware stack around a few microseconds of work. This ASGI middleware, outermost, answers the deliveries that
go well itself: a POST to a provider's webhook path (Telegram's per-channel URL, WAHA's shared one) with a declared
body within the webhooks' size limit is read, verified, stored in the inbox by the very function the route uses
(``webhooks.accept``), and answered ``{"ok":true}``.

Anything else, and any delivery that is refused or fails on the way (a bad signature, an unknown channel, a body
that is not JSON, the database away), is handed on untouched to the app, with the body replayed: the route then
answers it exactly as it always has, with its own errors, status codes and log lines. So the fast path can only
change how fast a good delivery is acknowledged, never what any delivery is answered.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from x8.channel_adapters.registry import KINDS, adapter_for
from x8.kit.body_guard import WEBHOOK_MAX_BYTES
from x8.platform.channels.webhooks import accept

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger(__name__)
PREFIX = "/api/v1/webhooks/"
_CANONICAL_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
_OK = b'{"ok":true}'
_OK_HEADERS = [(b"content-length", str(len(_OK)).encode()), (b"content-type", b"application/json")]


def _routes() -> tuple[dict[str, str], dict[str, str]]:
    """The providers' webhook paths: per-channel prefixes (``/api/v1/webhooks/telegram/``) and shared paths
    (``/api/v1/webhooks/waha``), each to its platform."""
    per_channel: dict[str, str] = {}
    shared: dict[str, str] = {}
    for platform, kind in KINDS.items():
        webhook = kind.webhook
        if webhook is None:
            continue
        if webhook.per_channel:
            prefix, _, rest = webhook.path.partition("{channel_id}")
            if rest:  # the channel id is not the last segment: left to the framework
                continue
            per_channel[PREFIX + prefix] = platform
        else:
            shared[PREFIX + webhook.path] = platform
    return per_channel, shared


class WebhookFastPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.per_channel, self.shared = _routes()

    def _match(self, path: str) -> tuple[str, uuid.UUID | None] | None:
        platform = self.shared.get(path)
        if platform is not None:
            return platform, None
        prefix, _, last = path.rpartition("/")
        platform = self.per_channel.get(prefix + "/")
        if platform is None or not _CANONICAL_UUID.match(last):
            return None
        return platform, uuid.UUID(last)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        route = self._match(scope["path"])
        declared = _declared_length(scope)
        if route is None or declared is None or declared > WEBHOOK_MAX_BYTES:
            await self.app(scope, receive, send)  # the body guard and the route answer it as ever
            return
        chunks, complete = await _read(receive, WEBHOOK_MAX_BYTES)
        replay = _replaying(chunks, receive, complete=complete)
        if not complete:
            await self.app(scope, replay, send)
            return
        platform, channel_id = route
        state = scope["app"].state
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            await accept(
                adapter_for(platform, state.settings), headers, b"".join(chunks), state.db, channel_id, quiet=True
            )
        except Exception:  # refused or failed: the route answers it, with its own error and log line
            log.debug("a %s delivery is handed on to its route", platform, exc_info=True)
            await self.app(scope, replay, send)
            return
        await send({"type": "http.response.start", "status": 200, "headers": _OK_HEADERS})
        await send({"type": "http.response.body", "body": _OK})


def _declared_length(scope: Scope) -> int | None:
    for key, value in scope["headers"]:
        if key == b"content-length":
            return int(value) if value.isdigit() else None
    return None


async def _read(receive: Receive, limit: int) -> tuple[list[bytes], bool]:
    """The body's chunks, and whether it ended within ``limit`` bytes (a client that declared less than it sends,
    or went away, is left to the framework with what was read)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return chunks, False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return chunks, False
        if not message.get("more_body", False):
            return chunks, True


def _replaying(chunks: list[bytes], receive: Receive, *, complete: bool) -> Receive:
    """``receive`` for the app after the fast path read the body: the chunks again (the last one ending the body when
    the body was whole), then whatever is still to come."""
    pending = list(chunks)

    async def replay() -> Message:
        if pending:
            chunk = pending.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(pending) or not complete}
        return await receive()

    return replay
