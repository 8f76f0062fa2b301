"""A protocol-faithful fake of the Gmail API (PROVIDERS.md §4) on top of the fake Google OAuth server
(``tests.fakes.oauth``: authorize, token with refresh, revoke), so one address serves ``GOOGLE_OAUTH_URL``,
``GOOGLE_TOKEN_URL`` and ``GMAIL_API_URL``.

What it checks and does as Gmail does: a bearer access token that is live (expired or revoked ones get 401, and the
client must refresh); ``users/me/profile``; ``watch`` (``topicName`` must be a Pub/Sub topic path) and ``stop``;
``history`` from a ``startHistoryId`` (only ``messageAdded`` records after it, paged by ``nextPageToken``, 404 when
it is older than what Gmail keeps); ``messages.list``; ``messages.get?format=full`` (every part's headers, bodies as
base64url ``data``, attachments as ``attachmentId`` and ``size`` without data); ``messages.send`` (``raw`` as
base64url RFC 5322, ``threadId`` must name a thread of the mailbox); sent mail gets the ``SENT`` label and appears in
the history, as Gmail's does.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from typing import Any

from fastapi import Body, FastAPI, Header, Query
from fastapi.responses import JSONResponse, Response

from tests.fakes.oauth import FakeOAuthState, google_app

HISTORY_PAGE = 2  # small, so the client's paging is exercised


@dataclass
class StoredMail:
    id: str
    thread_id: str
    labels: list[str]
    raw: bytes
    history_id: int


@dataclass
class FakeGmail:
    oauth: FakeOAuthState
    address: str
    history_id: int = 5000
    oldest_history_id: int = 0  # a startHistoryId below this is gone (404)
    mails: dict[str, StoredMail] = field(default_factory=dict)
    watches: list[dict[str, Any]] = field(default_factory=list)
    stops: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)  # {"message": EmailMessage, "threadId", "id"}
    requests: list[str] = field(default_factory=list)  # "GET /history?startHistoryId=…", in order

    def deliver(
        self, raw: bytes, *, thread_id: str | None = None, labels: tuple[str, ...] = ("INBOX", "UNREAD")
    ) -> str:
        """Mail arrives in the mailbox (or, with ``labels=("SENT",)``, the owner sent it from Gmail itself)."""
        self.history_id += 7  # Gmail's ids grow, not by one
        mail_id = secrets.token_hex(8)
        self.mails[mail_id] = StoredMail(mail_id, thread_id or secrets.token_hex(8), list(labels), raw, self.history_id)
        return mail_id

    def forget_history(self) -> None:
        """Gmail no longer keeps the history so far (a startHistoryId from before now is 404)."""
        self.oldest_history_id = self.history_id + 1

    def push(self, message_id: str = "") -> dict[str, Any]:
        """The Pub/Sub push envelope Gmail sends after a change."""
        data = json.dumps({"emailAddress": self.address, "historyId": self.history_id}).encode()
        return {
            "message": {
                "data": base64.b64encode(data).decode(),
                "messageId": message_id or secrets.token_hex(6),
                "publishTime": "2026-12-06T10:00:00.000Z",
            },
            "subscription": "projects/x8-test/subscriptions/gmail-push",
        }

    def thread_ids(self) -> set[str]:
        return {m.thread_id for m in self.mails.values()}


def _gmail_error(status: int, message: str, reason: str) -> JSONResponse:
    return JSONResponse({"error": {"code": status, "message": message, "errors": [{"reason": reason}]}}, status)


def _part(message: Message, part_id: str) -> dict[str, Any]:
    headers = [{"name": k, "value": str(v)} for k, v in message.items()]
    node: dict[str, Any] = {
        "partId": part_id,
        "mimeType": message.get_content_type(),
        "filename": message.get_filename() or "",
        "headers": headers,
    }
    if message.is_multipart():
        children = message.get_payload()
        assert isinstance(children, list)
        node["body"] = {"size": 0}
        node["parts"] = [_part(child, f"{part_id}.{n}" if part_id else str(n)) for n, child in enumerate(children)]
        return node
    content = message.get_payload(decode=True)
    content = content if isinstance(content, bytes) else b""
    if node["filename"]:
        node["body"] = {"attachmentId": secrets.token_hex(10), "size": len(content)}
    else:
        node["body"] = {"size": len(content), "data": base64.urlsafe_b64encode(content).decode().rstrip("=")}
    return node


def _full(mail: StoredMail) -> dict[str, Any]:
    message = BytesParser(policy=policy.compat32).parsebytes(mail.raw)
    return {
        "id": mail.id,
        "threadId": mail.thread_id,
        "labelIds": mail.labels,
        "snippet": "",
        "historyId": str(mail.history_id),
        "internalDate": str(int(time.time() * 1000)),
        "sizeEstimate": len(mail.raw),
        "payload": _part(message, ""),
    }


def gmail_app(state: FakeGmail) -> FastAPI:
    app = google_app(state.oauth)
    oauth = state.oauth
    base = "/gmail/v1/users/me"

    def authorized(authorization: str) -> JSONResponse | None:
        token = authorization.removeprefix("Bearer ")
        if oauth.fail_api:
            return _gmail_error(503, "Backend Error", "backendError")
        if token not in oauth.tokens or oauth.expires_at.get(token, float("inf")) <= time.time():
            return _gmail_error(401, "Invalid Credentials", "authError")
        return None

    @app.get(f"{base}/profile")
    async def profile(authorization: str = Header("")) -> Any:
        state.requests.append("GET /profile")
        if (refused := authorized(authorization)) is not None:
            return refused
        return {
            "emailAddress": state.address,
            "messagesTotal": len(state.mails),
            "threadsTotal": len(state.thread_ids()),
            "historyId": str(state.history_id),
        }

    @app.post(f"{base}/watch")
    async def watch(authorization: str = Header(""), body: dict[str, Any] = Body()) -> Any:
        state.requests.append("POST /watch")
        if (refused := authorized(authorization)) is not None:
            return refused
        topic = body.get("topicName")
        if not isinstance(topic, str) or not topic.startswith("projects/") or "/topics/" not in topic:
            return _gmail_error(400, "Invalid topicName", "invalidArgument")
        state.watches.append(body)
        expiration = int((time.time() + 7 * 86400) * 1000)
        return {"historyId": str(state.history_id), "expiration": str(expiration)}

    @app.post(f"{base}/stop")
    async def stop(authorization: str = Header("")) -> Any:
        if (refused := authorized(authorization)) is not None:
            return refused
        state.stops += 1
        return Response(status_code=204)

    @app.get(f"{base}/history")
    async def history(
        authorization: str = Header(""),
        start: str = Query(alias="startHistoryId"),
        history_types: str | None = Query(None, alias="historyTypes"),
        page_token: str | None = Query(None, alias="pageToken"),
    ) -> Any:
        state.requests.append(f"GET /history?startHistoryId={start}")
        if (refused := authorized(authorization)) is not None:
            return refused
        if not start.isdigit():
            return _gmail_error(400, "Invalid startHistoryId", "invalidArgument")
        if int(start) < state.oldest_history_id:
            return _gmail_error(404, "Requested entity was not found.", "notFound")
        added = sorted((m for m in state.mails.values() if m.history_id > int(start)), key=lambda m: m.history_id)
        offset = int(page_token or 0)
        page = added[offset : offset + HISTORY_PAGE]
        answer: dict[str, Any] = {
            "history": [
                {
                    "id": str(m.history_id),
                    "messages": [{"id": m.id, "threadId": m.thread_id}],
                    "messagesAdded": [{"message": {"id": m.id, "threadId": m.thread_id, "labelIds": m.labels}}],
                }
                for m in page
            ],
            "historyId": str(state.history_id),
        }
        if offset + HISTORY_PAGE < len(added):
            answer["nextPageToken"] = str(offset + HISTORY_PAGE)
        if not answer["history"]:
            del answer["history"]  # Gmail leaves the key out when nothing changed
        return answer

    @app.get(f"{base}/messages")
    async def list_messages(
        authorization: str = Header(""),
        label_ids: str | None = Query(None, alias="labelIds"),
        max_results: int = Query(100, alias="maxResults"),
    ) -> Any:
        state.requests.append("GET /messages")
        if (refused := authorized(authorization)) is not None:
            return refused
        found = [m for m in state.mails.values() if label_ids is None or label_ids in m.labels]
        found.sort(key=lambda m: m.history_id, reverse=True)
        return {
            "messages": [{"id": m.id, "threadId": m.thread_id} for m in found[:max_results]],
            "resultSizeEstimate": len(found),
        }

    @app.get(f"{base}/messages/{{message_id}}")
    async def get_message(
        message_id: str, authorization: str = Header(""), format_: str = Query("full", alias="format")
    ) -> Any:
        state.requests.append(f"GET /messages/{message_id}")
        if (refused := authorized(authorization)) is not None:
            return refused
        mail = state.mails.get(message_id)
        if mail is None:
            return _gmail_error(404, "Requested entity was not found.", "notFound")
        if format_ != "full":
            return _gmail_error(400, "This fake serves format=full only", "invalidArgument")
        return _full(mail)

    @app.post(f"{base}/messages/send")
    async def send(authorization: str = Header(""), body: dict[str, Any] = Body()) -> Any:
        state.requests.append("POST /messages/send")
        if (refused := authorized(authorization)) is not None:
            return refused
        raw = body.get("raw")
        if not isinstance(raw, str) or "+" in raw or "/" in raw:
            return _gmail_error(400, "Invalid value for ByteString", "invalidArgument")  # not base64url
        try:
            data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        except (binascii.Error, ValueError):
            return _gmail_error(400, "Invalid value for ByteString", "invalidArgument")
        message = BytesParser(policy=policy.default).parsebytes(data)
        if not message["To"]:
            return _gmail_error(400, "Invalid To header", "invalidArgument")
        thread_id = body.get("threadId")
        if thread_id is not None and thread_id not in state.thread_ids():
            return _gmail_error(404, "Requested entity was not found.", "notFound")
        mail_id = state.deliver(data, thread_id=thread_id, labels=("SENT",))
        stored = state.mails[mail_id]
        assert isinstance(message, EmailMessage)
        state.sent.append({"id": mail_id, "threadId": stored.thread_id, "message": message})
        return {"id": mail_id, "threadId": stored.thread_id, "labelIds": ["SENT"]}

    return app
