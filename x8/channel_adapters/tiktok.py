"""TikTok (SPEC.md R-CH6): TikTok has no usable DM API, so its "channel" is a binding to the company's WhatsApp
channel. There is no provider to call: connecting records which WhatsApp channel tracking links lead to, and the
customers' messages arrive on that WhatsApp channel (attributed by the ref code of the link they came through).
"""

from __future__ import annotations

import uuid
from typing import Any

from x8.channel_adapters.base import (
    Channel,
    ChannelKind,
    ChannelStatus,
    ConnectResult,
    InboundMessage,
    ProviderError,
    SendResult,
    StatusChange,
    WebhookItem,
)
from x8.channel_adapters.waha import WahaAdapter
from x8.kit.i18n import msg
from x8.settings import Settings


class TikTokAdapter:
    platform = "tiktok"
    max_text: int | None = None
    kind = ChannelKind(platform="tiktok", connect="tiktok", connect_path="/api/v1/integrations/tiktok/connect")

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def configured(self) -> bool:
        """Leads land on WhatsApp, so this server needs WAHA; the company's own WhatsApp channel is checked at
        connect."""
        return WahaAdapter(self._settings).configured()

    async def connect(self, channel: Channel, credentials: dict[str, Any]) -> ConnectResult:
        whatsapp = str(credentials["whatsapp_channel_id"])
        return ConnectResult(
            status=ChannelStatus.CONNECTED, display_name="TikTok → WhatsApp", config={"whatsapp_channel_id": whatsapp}
        )

    async def disconnect(self, channel: Channel, credentials: dict[str, Any]) -> None:
        return None  # nothing registered anywhere; its links stop redirecting once the channel is disconnected

    def verify(self, channel: Channel | None, headers: dict[str, str], body: bytes) -> None:
        return None

    def route(self, payload: dict[str, Any]) -> uuid.UUID | None:
        return None

    def events(self, channel: Channel, payload: dict[str, Any], body: bytes) -> list[WebhookItem]:
        return []

    def parse(self, payload: dict[str, Any]) -> list[InboundMessage]:
        return []

    def status_change(self, payload: dict[str, Any]) -> StatusChange | None:
        return None

    async def restart(self, channel: Channel) -> None:
        return None

    async def send(self, channel: Channel, credentials: dict[str, Any], to: str, text: str) -> SendResult:
        raise ProviderError(msg("TikTok has no messages of its own: replies go out on WhatsApp."), retryable=False)

    async def status(self, channel: Channel, credentials: dict[str, Any]) -> str:
        return ChannelStatus(channel.status)


def whatsapp_channel_of(channel: Channel) -> uuid.UUID | None:
    """The WhatsApp channel a TikTok channel's links lead to."""
    value = (channel.config or {}).get("whatsapp_channel_id")
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None
