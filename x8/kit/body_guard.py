"""Request bodies, bounded before they are read (R-R7) and made storable (R-R6).

One ASGI middleware in front of every route:
- **Size.** Uploads may carry ``X8_KB_MAX_BYTES`` (media: its video limit), provider webhooks 1 MB, everything else
  256 KB. A declared ``Content-Length`` over the limit is answered 413 before a byte is read; a body that arrives
  without one (chunked) is counted as it streams and cut off at the limit.
- **Who.** An upload is refused with 401 before its body is buffered unless it carries a validly signed, unexpired
  access token (the signature only: whether its session is still open is the route's check, as for any request).
  Otherwise a stranger could make the server spool hundreds of megabytes to disk for a 401.
- **Content.** A NUL in the query string is dropped. A JSON body whose strings hold what PostgreSQL cannot store
  (NUL, lone surrogates) is re-encoded with them cleaned (x8.kit.cleaning), and one nested too deeply for the
  decoder is a 422, not a ``RecursionError``. Webhooks are left byte for byte as sent: their signatures are over
  the raw body, and their routes clean what they parse themselves.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException

from x8.kit import i18n
from x8.kit.cleaning import clean_json, json_needs_cleaning, may_nest_too_deep
from x8.kit.security import InvalidToken, decode_token

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

WEBHOOK_MAX_BYTES = 1024 * 1024
JSON_MAX_BYTES = 256 * 1024
MULTIPART_OVERHEAD = 64 * 1024  # the form's boundaries and other fields around the file
WEBHOOK_PREFIX = "/api/v1/webhooks/"
PLAYGROUND_PREFIX = "/api/v1/webhooks/web/"  # the dashboard's own JSON, not a provider's signed bytes
# Provider webhooks outside the prefix, where SPEC puts them.
WEBHOOK_PATHS = frozenset({"/api/v1/subscriptions/webhook/stripe"})


def _webhook(path: str) -> bool:
    return path.startswith(WEBHOOK_PREFIX) or path in WEBHOOK_PATHS


def _provider_webhook(path: str) -> bool:
    return _webhook(path) and not path.startswith(PLAYGROUND_PREFIX)


@dataclass(frozen=True)
class Limits:
    secret_key: str
    uploads: dict[str, int]  # path → bytes, for routes that take a file


class _TooLarge(HTTPException):
    """Raised from ``receive``: an HTTP exception, so the route's body parsing passes it on as it is (anything else
    it turns into "400 error parsing the body") and the error handlers render the 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _too_large_text(limit))


async def _answer(
    scope: Scope,
    send: Send,
    status: int,
    body: dict[str, Any],
    headers: list[tuple[bytes, bytes]] = [],  # noqa: B006
) -> None:
    raw = json.dumps(i18n.localize(body, _language(scope))).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": raw})


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value)
    return None


def _language(scope: Scope) -> i18n.Language:
    return i18n.negotiate((_header(scope, b"accept-language") or b"").decode("latin-1"))


def _signed_in(scope: Scope, secret_key: str) -> bool:
    authorization = (_header(scope, b"authorization") or b"").decode("latin-1")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    try:
        decode_token(secret_key, token.strip(), expected_type="access")
    except InvalidToken:
        return False
    return True


class BodyGuard:
    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and b"%00" in scope.get("query_string", b""):
            # A NUL in a query parameter (a search box) is dropped like one in a JSON string.
            scope = {**scope, "query_string": scope["query_string"].replace(b"%00", b"")}
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        upload_limit = self.limits.uploads.get(path)
        if upload_limit is not None:
            if not _signed_in(scope, self.limits.secret_key):
                sign_in = i18n.msg("Sign in to continue: no valid access token was given.")
                await _answer(
                    scope,
                    send,
                    401,
                    {"error": "Unauthorized", "detail": sign_in},
                    [(b"www-authenticate", b"Bearer")],
                )
                return
            limit = upload_limit + MULTIPART_OVERHEAD
        elif _webhook(path):
            limit = WEBHOOK_MAX_BYTES
        else:
            limit = JSON_MAX_BYTES
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(scope, send, limit)
            return
        is_json = upload_limit is None and not _provider_webhook(path) and _is_json(scope)
        if is_json:
            await self._json(scope, receive, send, limit)
            return
        await self._streamed(scope, receive, send, limit)

    async def _streamed(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Pass the body on as it arrives, counting: past the limit the request ends with a 413."""
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge(limit)
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await _too_large(scope, send, limit)

    async def _json(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _too_large(scope, send, limit)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if may_nest_too_deep(body) or json_needs_cleaning(body):
            try:
                body = json.dumps(clean_json(json.loads(body)), ensure_ascii=False).encode()
            except RecursionError:
                too_deep = i18n.msg("JSON nested too deeply")
                await _answer(
                    scope,
                    send,
                    422,
                    {"detail": [{"type": "json_invalid", "loc": ["body"], "msg": too_deep, "input": None}]},
                )
                return
            except ValueError:
                pass  # not JSON: the route's own validation answers 422
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _is_json(scope: Scope) -> bool:
    content_type = (_header(scope, b"content-type") or b"").split(b";")[0].strip().lower()
    return content_type == b"application/json" or content_type.endswith(b"+json")


def _too_large_text(limit: int) -> i18n.Message:
    if limit >= 1024 * 1024:
        return i18n.msg("The request body is larger than {megabytes:.0f} MB.", megabytes=limit / (1024 * 1024))
    return i18n.msg("The request body is larger than {kilobytes} KB.", kilobytes=limit // 1024)


async def _too_large(scope: Scope, send: Send, limit: int) -> None:
    await _answer(scope, send, 413, {"error": "PayloadTooLarge", "detail": _too_large_text(limit)})
