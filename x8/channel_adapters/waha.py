"""WhatsApp through WAHA (SPEC.md R-CH3, PROVIDERS.md §2), over httpx to ``WAHA_API_URL`` with ``X-Api-Key``.

One WAHA session per channel, named after the channel. Its webhook sends ``message.any`` (customers' messages and
the business's own, ``fromMe``, which pause the bot) and ``session.status`` (which drives the channel's status),
signed with HMAC-SHA512 when ``WAHA_WEBHOOK_HMAC_KEY`` is set.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from typing import Any

import httpx

from x8.channel_adapters.base import (
    AdReferral,
    Channel,
    ChannelKind,
    ChannelStatus,
    ConnectResult,
    InboundMessage,
    ProviderError,
    SendResult,
    StatusChange,
    Webhook,
    WebhookItem,
    WebhookRejected,
    message_items,
)
from x8.kit import http as provider_http
from x8.kit.i18n import UserFacingError, msg
from x8.settings import Settings

HMAC_HEADER = "x-webhook-hmac"
EVENTS = ["message.any", "session.status"]
# WAHA's session statuses → the channel's (R-CH3). SCAN_QR_CODE repeats each time the QR refreshes.
STATUS_MAP = {
    "STARTING": ChannelStatus.CONNECTING,
    "SCAN_QR_CODE": ChannelStatus.CONNECTING,
    "WORKING": ChannelStatus.CONNECTED,
    "FAILED": ChannelStatus.ERROR,
    "STOPPED": ChannelStatus.DISCONNECTED,
}
LOST = ("FAILED", "STOPPED")
MAX_ID = 200  # WhatsApp ids are far shorter; anything longer is not from WAHA and would not fit our columns


class WahaNotConfigured(UserFacingError):
    """``WAHA_API_URL`` is not set on this server."""


def session_name(channel: Channel) -> str:
    return f"x8_{channel.id.hex}"


def signature(key: str, body: bytes) -> str:
    return hmac.new(key.encode(), body, hashlib.sha512).hexdigest()


class WahaAdapter:
    platform = "whatsapp"
    max_text: int | None = 65536  # WhatsApp's own limit for a text message
    kind = ChannelKind(
        platform="whatsapp",
        connect="qr",
        connect_path="/api/v1/integrations/whatsapp/connect",
        qr_path="/api/v1/integrations/whatsapp/qr",
        webhook=Webhook(
            path="waha",
            name="waha",
            per_channel=False,
            verify_first=True,
            unknown_channel=msg("No WhatsApp channel has this session."),
            description="WAHA events for every WhatsApp session: ``message.any`` and ``session.status``. Verified "
            "with ``X-Webhook-Hmac`` (HMAC-SHA512 of the raw body) when ``WAHA_WEBHOOK_HMAC_KEY`` is set.",
        ),
    )

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def configured(self) -> bool:
        return bool(self.servers())

    def servers(self) -> list[str]:
        """``WAHA_API_URL`` may list several servers (comma-separated) to spread sessions over (R-CH3)."""
        return [u.strip().rstrip("/") for u in (self._settings.waha_api_url or "").split(",") if u.strip()]

    def server_for(self, channel: Channel) -> str:
        """The server a channel's session lives on: the one recorded at connect while it is still listed, else a
        stable pick by channel id (so adding a server moves no existing session)."""
        servers = self.servers()
        if not servers:
            raise WahaNotConfigured(msg("WhatsApp (WAHA) is not configured on this server."))
        recorded = (channel.config or {}).get("waha_server")
        if recorded in servers:
            return str(recorded)
        return servers[int(hashlib.sha256(channel.id.bytes).hexdigest(), 16) % len(servers)]

    def webhook_url(self) -> str:
        return f"{self._settings.public_base_url.rstrip('/')}/api/v1/webhooks/waha"

    async def _request(
        self,
        channel: Channel,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        accept: str = "application/json",
    ) -> httpx.Response:
        server = self.server_for(channel)
        headers = {"Accept": accept}
        if self._settings.waha_api_key:
            headers["X-Api-Key"] = self._settings.waha_api_key
        try:
            response = await provider_http.client().request(
                method,
                f"{server.rstrip('/')}/{path.lstrip('/')}",
                json=json,
                headers=headers,
                timeout=provider_http.timeout(self._settings.provider_timeout_seconds),
            )
        except httpx.TimeoutException as exc:
            raise ProviderError(msg("WhatsApp (WAHA) did not answer in time."), retryable=True) from exc
        except httpx.TransportError as exc:
            raise ProviderError(msg("WhatsApp (WAHA) could not be reached."), retryable=True) from exc
        if response.status_code >= 300:
            detail = response.text[:300]
            retryable = response.status_code == 429 or response.status_code >= 500
            retry_after = response.headers.get("retry-after")
            raise ProviderError(
                msg("WhatsApp (WAHA) answered {status}: {detail}", status=response.status_code, detail=detail),
                retryable=retryable,
                retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None,
                status=response.status_code,
            )
        return response

    async def connect(self, channel: Channel, credentials: dict[str, Any]) -> ConnectResult:
        name = session_name(channel)
        webhook: dict[str, Any] = {
            "url": self.webhook_url(),
            "events": EVENTS,
            "retries": {"policy": "exponential", "delaySeconds": 2, "attempts": 15},
        }
        if self._settings.waha_webhook_hmac_key:
            webhook["hmac"] = {"key": self._settings.waha_webhook_hmac_key}
        config = {
            "metadata": {"x8.channel": str(channel.id), "x8.company": str(channel.company_id)},
            "webhooks": [webhook],
        }
        existing = await self._request(channel, "GET", "/api/sessions")
        if any(s.get("name") == name for s in existing.json()):
            await self._request(channel, "PUT", f"/api/sessions/{name}", json={"name": name, "config": config})
        else:
            await self._request(channel, "POST", "/api/sessions", json={"name": name, "config": config})
        await self._request(channel, "POST", f"/api/sessions/{name}/start")
        return ConnectResult(
            status=ChannelStatus.CONNECTING,
            display_name="WhatsApp",
            config={"session": name, "waha_server": self.server_for(channel)},
        )

    async def disconnect(self, channel: Channel, credentials: dict[str, Any]) -> None:
        name = session_name(channel)
        try:
            await self._request(channel, "POST", f"/api/sessions/{name}/logout")
        except ProviderError as exc:
            if exc.status != 404:
                raise
        try:
            await self._request(channel, "DELETE", f"/api/sessions/{name}")
        except ProviderError as exc:
            if exc.status != 404:  # already gone is what we wanted
                raise

    async def restart(self, channel: Channel) -> None:
        await self._request(channel, "POST", f"/api/sessions/{session_name(channel)}/restart")

    async def qr_code(self, channel: Channel) -> str:
        """The QR to scan, as a data URL of a PNG."""
        path = f"/api/{session_name(channel)}/auth/qr?format=image"
        response = await self._request(channel, "GET", path, accept="image/png")
        if response.headers.get("content-type", "").startswith("image/"):
            return "data:image/png;base64," + base64.b64encode(response.content).decode()
        body = response.json()  # some WAHA versions answer base64 JSON even so
        return f"data:{body.get('mimetype', 'image/png')};base64,{body['data']}"

    def verify(self, channel: Channel | None, headers: dict[str, str], body: bytes) -> None:
        key = self._settings.waha_webhook_hmac_key
        if not key:
            return
        presented = headers.get(HMAC_HEADER, "")
        if not presented or not hmac.compare_digest(presented.lower(), signature(key, body)):
            raise WebhookRejected(msg("The WAHA webhook signature (X-Webhook-Hmac) is missing or wrong."))

    def route(self, payload: dict[str, Any]) -> uuid.UUID | None:
        """Our WAHA sessions are named ``x8_<channel id hex>``."""
        name = payload.get("session")
        if not isinstance(name, str) or not name.startswith("x8_"):
            return None
        try:
            return uuid.UUID(hex=name[3:])
        except ValueError:
            return None

    def events(self, channel: Channel, payload: dict[str, Any], body: bytes) -> list[WebhookItem]:
        if payload.get("event") == "session.status":
            # WAHA's own event id (``evt_…``); a body without one is known by its digest, so a redelivery matches.
            given = payload.get("id")
            event_id = given if isinstance(given, str) and 0 < len(given) <= 100 else None
            return [
                WebhookItem(
                    f"status:{event_id or 'sha256:' + hashlib.sha256(body).hexdigest()}",
                    f"status:{channel.id}",
                    message=False,
                )
            ]
        return message_items(channel, self.parse(payload))

    def status_change(self, payload: dict[str, Any]) -> StatusChange | None:
        if payload.get("event") != "session.status":
            return None
        event = payload.get("payload")
        waha_status = str(event.get("status", "")) if isinstance(event, dict) else ""
        status = STATUS_MAP.get(waha_status)
        if status is None:
            return None
        me = payload.get("me")
        account = me.get("id") if isinstance(me, dict) else None
        return StatusChange(
            status,
            lost=waha_status in LOST,
            description=f"The WhatsApp session is {waha_status}.",
            account=account if isinstance(account, str) and 0 < len(account) <= MAX_ID else None,
        )

    def parse(self, payload: dict[str, Any]) -> list[InboundMessage]:
        """A text message in a one-to-one chat; media without a caption, groups, broadcasts and shapes WAHA does
        not send are acknowledged without being stored."""
        if payload.get("event") not in ("message", "message.any"):
            return []
        message = payload.get("payload")
        if not isinstance(message, dict):
            return []
        body, message_id = message.get("body"), message.get("id")
        chat = message.get("to") if message.get("fromMe") else message.get("from")
        if not (isinstance(body, str) and body and isinstance(message_id, str) and isinstance(chat, str)):
            return []
        if not chat or not message_id or chat.endswith("@g.us") or len(chat) > MAX_ID or len(message_id) > MAX_ID:
            return []
        extra = message.get("_data")
        name = extra.get("notifyName") if isinstance(extra, dict) else None
        return [
            InboundMessage(
                provider_message_id=f"whatsapp:{message_id}",
                external_id=chat,
                text=body,
                display_name=str(name or "")[:255],
                from_owner=message.get("fromMe") is True,
                ad_referral=_ad_referral(message),
            )
        ]

    async def own_account(self, channel: Channel) -> str | None:
        """The session's own WhatsApp id (``7911…@c.us``) from ``GET /api/sessions/{session}/me``; None until the
        session is logged in."""
        response = await self._request(channel, "GET", f"/api/sessions/{session_name(channel)}/me")
        me = response.json() if response.content else None
        account = me.get("id") if isinstance(me, dict) else None
        return account if isinstance(account, str) and 0 < len(account) <= MAX_ID else None

    async def send(self, channel: Channel, credentials: dict[str, Any], to: str, text: str) -> SendResult:
        response = await self._request(
            channel, "POST", "/api/sendText", json={"session": session_name(channel), "chatId": to, "text": text}
        )
        sent = response.json() if response.content else {}
        sent_id = sent.get("id") if isinstance(sent, dict) else None
        if isinstance(sent_id, dict):  # WEBJS answers {"id": {"_serialized": …}}
            sent_id = sent_id.get("_serialized")
        return SendResult(provider_message_id=f"whatsapp:{sent_id}" if sent_id else None)

    async def status(self, channel: Channel, credentials: dict[str, Any]) -> str:
        session = (await self._request(channel, "GET", f"/api/sessions/{session_name(channel)}")).json()
        return STATUS_MAP.get(str(session.get("status")), ChannelStatus.ERROR)


def _ad_referral(message: dict[str, Any]) -> AdReferral | None:
    """Meta's Click-to-WhatsApp ``referral`` (PROVIDERS.md §8), where the engine passes it on: on the message or in
    its raw ``_data``."""
    extra = message.get("_data")
    referral = message.get("referral") or (extra.get("referral") if isinstance(extra, dict) else None)
    if not isinstance(referral, dict):
        return None
    ad_id = referral.get("source_id")
    if not isinstance(ad_id, str) or not ad_id or len(ad_id) > 100:
        return None
    headline, click_id = referral.get("headline"), referral.get("ctwa_clid")
    return AdReferral(
        ad_id=ad_id,
        headline=headline[:200] if isinstance(headline, str) else "",
        click_id=click_id[:255] if isinstance(click_id, str) else "",
    )
