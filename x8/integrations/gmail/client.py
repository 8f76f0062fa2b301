"""Gmail API calls for one connected mailbox (PROVIDERS.md §4), on ``GoogleApi`` (token refresh, one retry after a
401, Google's errors as ``GoogleUnavailable``/``GoogleRefused``).

``history`` follows ``nextPageToken`` up to ``MAX_HISTORY_PAGES`` pages and says whether more remained; a
``startHistoryId`` Gmail no longer has (404) is ``StaleHistory``, after which the caller does a bounded full sync
with ``recent``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final

from x8.integrations.google import GoogleApi, GoogleOAuth, GoogleRefused, GoogleTokens, OnRefresh
from x8.settings import Settings

SCOPES: Final = (
    "https://www.googleapis.com/auth/gmail.readonly",
    "https://www.googleapis.com/auth/gmail.send",
    "https://www.googleapis.com/auth/gmail.modify",
)
MAX_HISTORY_PAGES: Final = 10
FULL_SYNC_MESSAGES: Final = 50


class StaleHistory(Exception):
    """Gmail no longer keeps history that old (404): do a full sync."""


@dataclass(frozen=True)
class HistoryPage:
    message_ids: list[str]  # added messages, oldest first, each once
    history_id: str  # where the next read starts: Gmail's latest, or the last record read when incomplete
    complete: bool  # False: more history remained beyond the pages read


class GmailClient:
    """Use one per unit of work: ``async with GmailClient(settings, tokens, on_refresh=…) as gmail``."""

    def __init__(self, settings: Settings, tokens: GoogleTokens, *, on_refresh: OnRefresh | None = None) -> None:
        self._api = GoogleApi(GoogleOAuth(settings), tokens, on_refresh=on_refresh)
        self._base = f"{settings.gmail_api_url.rstrip('/')}/gmail/v1/users/me"

    async def profile(self) -> dict[str, Any]:
        """``{"emailAddress", "historyId", …}``."""
        return await self._api.request_json("GET", f"{self._base}/profile")

    async def watch(self, topic: str) -> tuple[str, int | None]:
        """Ask Gmail to push the inbox's changes to the Pub/Sub ``topic``: (historyId, expiration in epoch ms)."""
        body = {"topicName": topic, "labelIds": ["INBOX"], "labelFilterBehavior": "include"}
        answer = await self._api.request_json("POST", f"{self._base}/watch", json=body)
        expiration = answer.get("expiration")
        return str(answer.get("historyId", "")), int(str(expiration)) if str(expiration or "").isdigit() else None

    async def stop(self) -> None:
        await self._api.request("POST", f"{self._base}/stop")

    async def history(self, start_history_id: str) -> HistoryPage:
        ids: list[str] = []
        params: dict[str, Any] = {"startHistoryId": start_history_id, "historyTypes": "messageAdded"}
        latest = last_record = start_history_id
        for _ in range(MAX_HISTORY_PAGES):
            try:
                answer = await self._api.request_json("GET", f"{self._base}/history", params=params)
            except GoogleRefused as refused:
                if refused.status == 404:
                    raise StaleHistory(start_history_id) from refused
                raise
            for record in answer.get("history") or []:
                last_record = str(record.get("id") or last_record)
                for added in record.get("messagesAdded") or []:
                    message_id = (added.get("message") or {}).get("id")
                    if isinstance(message_id, str) and message_id not in ids:
                        ids.append(message_id)
            latest = str(answer.get("historyId") or latest)
            token = answer.get("nextPageToken")
            if not token:
                return HistoryPage(ids, latest, complete=True)
            params = {**params, "pageToken": token}
        # Gmail's ``historyId`` is the mailbox's latest; the next read goes on after the last record read instead.
        return HistoryPage(ids, last_record, complete=False)

    async def recent(self, limit: int = FULL_SYNC_MESSAGES) -> list[str]:
        """The newest inbox messages' ids, oldest first (a full sync after stale history)."""
        answer = await self._api.request_json(
            "GET", f"{self._base}/messages", params={"labelIds": "INBOX", "maxResults": limit}
        )
        ids = [m["id"] for m in answer.get("messages") or [] if isinstance(m.get("id"), str)]
        return list(reversed(ids))

    async def message(self, message_id: str) -> dict[str, Any]:
        """``format=full``: ``{"id", "threadId", "labelIds", "payload": {headers, mimeType, body, parts}}``."""
        return await self._api.request_json("GET", f"{self._base}/messages/{message_id}", params={"format": "full"})

    async def send(self, raw: bytes, thread_id: str | None) -> dict[str, Any]:
        """Send an RFC 5322 message (base64url, as Gmail wants it) in ``thread_id``: ``{"id", "threadId", …}``."""
        body: dict[str, Any] = {"raw": base64.urlsafe_b64encode(raw).decode("ascii")}
        if thread_id:
            body["threadId"] = thread_id
        return await self._api.request_json("POST", f"{self._base}/messages/send", json=body)

    @property
    def tokens(self) -> GoogleTokens:
        return self._api.tokens

    async def __aenter__(self) -> GmailClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._api.aclose()
